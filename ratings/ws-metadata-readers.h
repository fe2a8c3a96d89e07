/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: small helpers shared by the CPL, EBUCore, iTunes, XMLTV and
 * sidecar readers. Private; defined in ws-metadata-cpl.c. */
#ifndef WS_RATINGS_WS_METADATA_READERS_H
#define WS_RATINGS_WS_METADATA_READERS_H

#include "ws-metadata-private.h"

G_BEGIN_DECLS

/**
 * WsCmrUri:
 * @country: the country segment as written (`US`, `GB`).
 * @system: the system segment as written (`MPAA`, `BBFC`).
 * @version: (nullable): the version segment (`2`).
 * @code: (nullable): a trailing rating code (`15` in `.../GB/BBFC/1/15`).
 *
 * The parts of a MovieLabs Common Metadata Ratings URI,
 * `http://www.movielabs.com/md/ratings/<CC>/<System>/<version>[/<code>]`.
 */
typedef struct {
  char *country;
  char *system;
  char *version;
  char *code;
} WsCmrUri;

/**
 * ws_cmr_uri_parse:
 * @uri: (nullable): any string.
 * @out: (out caller-allocates): filled on success; clear with
 *   ws_cmr_uri_clear().
 * Returns: TRUE when @uri is a CMR ratings URI (http or https, any case of
 *   host, trailing `/` ignored) with at least a country and a system.
 */
G_GNUC_INTERNAL gboolean ws_cmr_uri_parse (const char *uri, WsCmrUri *out);

/** Frees the strings of @cmr and zeroes it. */
G_GNUC_INTERNAL void ws_cmr_uri_clear (WsCmrUri *cmr);

/**
 * ws_metadata_is_absolute_uri:
 * Returns: TRUE when @s starts with an RFC 3986 scheme and `:` (`http:`,
 *   `urn:`, `tag:`), i.e. is what an xs:anyURI agency or scope should be.
 */
G_GNUC_INTERNAL gboolean ws_metadata_is_absolute_uri (const char *s);

/**
 * ws_metadata_system_territory:
 * Returns: (transfer none) (nullable): the alpha-2 territory of @sys (of
 *   the system @rating resolved to), or NULL when @sys is NULL or its
 *   territory is a region ("EU").
 */
G_GNUC_INTERNAL const char *ws_metadata_system_territory (
    const WsRatingSystem *sys);

/**
 * ws_metadata_rating_system:
 * Returns: (transfer none) (nullable): the system @rating resolved to.
 */
G_GNUC_INTERNAL const WsRatingSystem *
ws_metadata_rating_system (const WsRatingRegistry *reg, const WsRating *rating);

/**
 * ws_metadata_find_unrated:
 * Returns: (transfer none) (nullable): the first rating of @sys whose kind
 *   is WS_RATING_KIND_UNRATED ("NR"), or NULL.
 */
G_GNUC_INTERNAL const WsRatingDef *ws_metadata_find_unrated (
    const WsRatingSystem *sys);

/**
 * ws_metadata_add_descriptor:
 * Appends @code to @rating's descriptors unless already there; when the
 *   rating's system declares the descriptor (by code or alias) its official
 *   code is stored instead. Returns: TRUE when the system knows it.
 */
G_GNUC_INTERNAL gboolean
ws_metadata_add_descriptor (const WsRatingRegistry *reg, WsRating *rating,
    const char *code);

/**
 * ws_metadata_take_rating_for:
 * Appends a copy of @rating per territory in @territories (a NULL-terminated
 * list of alpha-2 codes, duplicates skipped), or @rating itself with
 * @fallback as territory when the list is empty. Takes @rating.
 */
G_GNUC_INTERNAL void ws_metadata_take_rating_for (WsMetadata *md,
    WsRating *rating, const xmlNode *node, GPtrArray *territories,
    const char *fallback);

/**
 * ws_metadata_root_ns:
 * Returns: (transfer none) (nullable): the namespace URI of @root, NULL when
 *   it has none (readers are also run on any root by the fuzz targets).
 */
G_GNUC_INTERNAL const char *ws_metadata_root_ns (const xmlNode *root);

G_END_DECLS

#endif /* WS_RATINGS_WS_METADATA_READERS_H */
