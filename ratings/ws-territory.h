/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: ISO 3166-1 territory codes. */
#ifndef WS_RATINGS_WS_TERRITORY_H
#define WS_RATINGS_WS_TERRITORY_H

#include <glib.h>

G_BEGIN_DECLS

/**
 * ws_territory_normalise:
 * @code: an ISO 3166-1 alpha-2 (`gb`, `GB`), alpha-3 (`GBR`, as in DVB
 *   CountryCodes and the parental_rating_descriptor) or numeric (`826`)
 *   code, any case, surrounding white space ignored. `UK` is accepted as
 *   the common alias of `GB`.
 *
 * Returns: (transfer none) (nullable): the static upper-case alpha-2 code,
 *   or NULL when @code is not an assigned country code.
 */
const char *ws_territory_normalise (const char *code);

/**
 * ws_territory_is_dvb_group:
 * Returns: TRUE for the three-digit ETSI TS 101 162 country-group codes
 *   (900-999) that may appear in a DVB country_code field.
 */
gboolean ws_territory_is_dvb_group (const char *code);

/**
 * ws_territory_get_alpha3:
 * Returns: (transfer none) (nullable): the alpha-3 code of an alpha-2 code.
 */
const char *ws_territory_get_alpha3 (const char *alpha2);

G_END_DECLS

#endif /* WS_RATINGS_WS_TERRITORY_H */
