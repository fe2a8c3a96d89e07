/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: parsers of ratings embedded in media containers. */
#ifndef WS_RATINGS_WS_EMBEDDED_H
#define WS_RATINGS_WS_EMBEDDED_H

#include <glib.h>

#include "ws-metadata.h"
#include "ws-rating-system.h"

G_BEGIN_DECLS

/**
 * SECTION:ws-embedded
 *
 * Plain parsers of the ratings that media files carry themselves, shared by
 * the `ratingtag` element (GStreamer side) and `watershed check` (FFmpeg
 * side). None of them reads a file: the caller's demuxer hands over the
 * value or the raw bytes.
 *
 * - MP4: the iTunes `----:com.apple.iTunes:iTunEXTC` string
 *   `system|code|value|annotation` (ws_embedded_parse_itunextc()).
 * - Matroska: the `LAW_RATING` SimpleTag, alone or nested under a `COUNTRY`
 *   SimpleTag (ws_embedded_parse_law_rating(),
 *   ws_embedded_parse_matroska_tags()).
 * - MPEG-TS / DVB SI: the parental_rating_descriptor (tag 0x55) raw bytes
 *   (ws_embedded_parse_dvb_parental_rating()).
 *
 * Every returned #WsRating has @source_system and @source_code set to what
 * was written (`itunes` / the whole string; `matroska` / the value; `dvb` /
 * the raw byte as `0x0D`). A value that is well formed but cannot be
 * resolved becomes a rating with @minimum_age -1 (fail closed) and a note
 * saying so; it is never guessed.
 *
 * Notes are complete English sentences naming the field and the value, for
 * the caller to show as warnings (owned by the caller: g_free()).
 */

/** Tag of the DVB parental_rating_descriptor (ETSI EN 300 468). */
#define WS_DVB_PARENTAL_RATING_TAG 0x55

/**
 * ws_embedded_parse_itunextc:
 * @reg: rating systems (transfer none).
 * @value: the iTunEXTC string, `system|code|value|annotation`
 *   (`mpaa|PG-13|300|Rated PG-13 for violence`); the annotation may be
 *   missing or empty, or be `rating|annotation` (Subler).
 * @note: (out) (optional) (transfer full): set to a note when the value was
 *   read leniently (unknown system or code: unrated), else NULL.
 * @error: WS_ERROR_INVALID when @value is not of that form (fewer than three
 *   fields, an empty system or code, or a value field that is neither
 *   digits nor `???`).
 *
 * The annotation, when not empty, becomes a guidance text (no language).
 * The territory is the system's when it is an ISO 3166 code.
 * Returns: (transfer full) (nullable): the rating, NULL on error.
 */
WsRating *ws_embedded_parse_itunextc (const WsRatingRegistry *reg,
    const char *value, char **note, GError **error);

/**
 * ws_embedded_lookup_territory_code:
 * @reg: rating systems (transfer none).
 * @territory: any code ws_territory_normalise() takes.
 * @code: a rating code or alias (`15`, `PG-13`).
 * @preferred_system: (nullable): a system id tried first.
 *
 * Finds the rating of a system of @territory whose code (or alias) is
 * @code: @preferred_system first (when it is of @territory), then the
 * systems of @territory in id order.
 * Returns: (transfer none) (nullable): the rating, or NULL when no system of
 *   @territory has that code (or @territory is not a country code).
 */
const WsRatingDef *
ws_embedded_lookup_territory_code (const WsRatingRegistry *reg,
    const char *territory, const char *code, const char *preferred_system);

/**
 * ws_embedded_parse_law_rating:
 * @reg: rating systems (transfer none).
 * @country: (nullable): the `COUNTRY` the value is nested under (ISO 3166
 *   code, any form ws_territory_normalise() takes); NULL for a top-level
 *   `LAW_RATING`.
 * @value: the `LAW_RATING` value: a code of a system of the country
 *   (`15`), or `SYSTEM:CODE` (`bbfc:15`), or an iTunEXTC-style string.
 * @default_territory: (nullable): the territory assumed when @country is
 *   NULL (the element's `territory`).
 * @preferred_system: (nullable): system tried first.
 * @note: (out) (optional) (transfer full): a note when read leniently.
 * @error: WS_ERROR_INVALID for an empty @value or a @country that is not
 *   an ISO 3166 code.
 *
 * An unresolvable code gives an unrated rating (@minimum_age -1,
 * @system NULL) with a note naming the value and the systems tried.
 * Returns: (transfer full) (nullable): the rating, NULL on error.
 */
WsRating *ws_embedded_parse_law_rating (const WsRatingRegistry *reg,
    const char *country, const char *value, const char *default_territory,
    const char *preferred_system, char **note, GError **error);

/**
 * ws_embedded_parse_matroska_tags:
 * @reg: rating systems (transfer none).
 * @tags: (array length=n_tags): `KEY=VALUE` strings as GStreamer's
 *   matroskademux gives unknown SimpleTags (GST_TAG_EXTENDED_COMMENT) and
 *   as FFmpeg's matroska demuxer flattens them (`COUNTRY/LAW_RATING`,
 *   with an optional `-<lang>` suffix on the key). Other keys are ignored.
 * @n_tags: the number of @tags.
 * @default_territory: (nullable): as in ws_embedded_parse_law_rating().
 * @preferred_system: (nullable): system tried first.
 * @notes: (nullable) (element-type utf8): receives one note per entry that
 *   was read leniently or skipped (transfer full of each string).
 *
 * `COUNTRY/LAW_RATING` values are paired with the `COUNTRY` values in
 * order (the n-th with the n-th; when there are fewer countries, with the
 * last one); a top-level `LAW_RATING` gets @default_territory. Entries that
 * are unusable (an empty value, a bad country) are skipped with a note.
 * Returns: (transfer full) (element-type WsRating): the ratings found, in
 *   order; empty when there are none. Never NULL.
 */
GPtrArray *ws_embedded_parse_matroska_tags (const WsRatingRegistry *reg,
    const char *const *tags, gsize n_tags, const char *default_territory,
    const char *preferred_system, GPtrArray *notes);

/**
 * ws_embedded_parse_dvb_parental_rating:
 * @reg: rating systems (transfer none); without a `dvb` system the ratings
 *   are still filled (system `dvb`, code = age).
 * @data: the whole descriptor: tag (0x55), descriptor_length, then a loop of
 *   4-byte entries (24-bit ISO 3166 alpha-3 country_code, 8-bit rating).
 * @len: bytes at @data; must be exactly 2 + descriptor_length.
 * @notes: (nullable) (element-type utf8): receives a note for each entry
 *   read leniently or skipped.
 * @error: WS_ERROR_INVALID when @data is shorter than 2 bytes, the tag is not
 *   0x55, descriptor_length disagrees with @len, or descriptor_length is not
 *   a multiple of 4 (the message gives the numbers).
 *
 * Rating 0x01-0x0F: `dvb:<rating + 3>` (ages 4-18). 0x00 (undefined) and
 * 0x10-0xFF (broadcaster-defined) give an unrated rating (@minimum_age -1,
 * @system NULL) and a note, never an age. The country becomes the alpha-2
 * @territory; an ETSI TS 101 162 country group (`900`-`999`) gives
 * @territory NULL (every territory) and a note; a country_code that is
 * not a country is skipped with a note.
 * Returns: (transfer full) (element-type WsRating) (nullable): one rating
 *   per usable entry (possibly none), or NULL on error.
 */
GPtrArray *ws_embedded_parse_dvb_parental_rating (const WsRatingRegistry *reg,
    const guint8 *data, gsize len, GPtrArray *notes, GError **error);

G_END_DECLS

#endif /* WS_RATINGS_WS_EMBEDDED_H */
