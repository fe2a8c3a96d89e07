/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the reader interface behind ws_metadata_read_*(). Private. */
#ifndef WS_RATINGS_WS_METADATA_PRIVATE_H
#define WS_RATINGS_WS_METADATA_PRIVATE_H

#include <libxml/tree.h>
#include "ws-error.h"
#include "ws-metadata.h"
#include "ws-rating-system.h"
#include "ws-territory.h"
#include "ws-xml.h"

G_BEGIN_DECLS

/**
 * WsMetadataReadFunc:
 * @md: the result being built: @md->path and @md->format are set; the
 *   reader appends ratings and warnings (and may set @md->title).
 * @root: the document's root element, already matched to this format.
 * @reg: rating systems for resolving codes.
 * @error: WS_ERROR_INVALID only when the document is unusable; messages
 *   start with "FILE:LINE: element:" (use ws_metadata_set_invalid()).
 *
 * Returns: TRUE when @md holds the result (perhaps with warnings).
 */
typedef gboolean (*WsMetadataReadFunc) (WsMetadata *md, xmlNode *root,
    const WsRatingRegistry *reg, GError **error);

gboolean ws_metadata_read_cpl (WsMetadata *md, xmlNode *root,
    const WsRatingRegistry *reg, GError **error);
gboolean ws_metadata_read_tva (WsMetadata *md, xmlNode *root,
    const WsRatingRegistry *reg, GError **error);
gboolean ws_metadata_read_dvbi_service_list (WsMetadata *md, xmlNode *root,
    const WsRatingRegistry *reg, GError **error);
gboolean ws_metadata_read_ebucore (WsMetadata *md, xmlNode *root,
    const WsRatingRegistry *reg, GError **error);
gboolean ws_metadata_read_itunes (WsMetadata *md, xmlNode *root,
    const WsRatingRegistry *reg, GError **error);
gboolean ws_metadata_read_xmltv (WsMetadata *md, xmlNode *root,
    const WsRatingRegistry *reg, GError **error);
gboolean ws_metadata_read_sidecar (WsMetadata *md, xmlNode *root,
    const WsRatingRegistry *reg, GError **error);

/**
 * ws_metadata_new_for_reader:
 * An empty result named @name, for a reader to fill.
 * Returns: (transfer full): free with ws_metadata_free().
 */
WsMetadata *ws_metadata_new_for_reader (const char *name,
    WsMetadataFormat format);

/**
 * ws_metadata_set_invalid:
 * Sets @error to WS_ERROR_INVALID with "PATH:LINE: <element>: message".
 * Always returns FALSE, so a reader can `return ws_metadata_set_invalid (...)`.
 */
gboolean ws_metadata_set_invalid (GError **error, const WsMetadata *md,
    const xmlNode *node, const char *format, ...) G_GNUC_PRINTF (4, 5);

/**
 * ws_metadata_warn_node:
 * ws_metadata_add_warning() with the line and element name of @node.
 */
void ws_metadata_warn_node (WsMetadata *md, const xmlNode *node,
    const char *format, ...) G_GNUC_PRINTF (3, 4);

/**
 * ws_metadata_add_text:
 * ws_rating_add_text() for a reader: when the text is cut at
 * WS_GUIDANCE_TEXT_MAX_CHARS, also warns at @node.
 * Returns: TRUE when the text was cut.
 */
gboolean ws_metadata_add_text (WsMetadata *md, WsRating *rating,
    const xmlNode *node, const char *lang, const char *length,
    const char *text);

/**
 * ws_metadata_take_rating:
 * Appends @rating (transfer full), filling @line and @element from @node
 * when unset.
 */
void ws_metadata_take_rating (WsMetadata *md, WsRating *rating,
    const xmlNode *node);

/**
 * ws_metadata_resolve:
 * Resolves (@scheme, @value) with ws_rating_registry_resolve() into @rating,
 * recording them as @source_system/@source_code. On failure warns (naming
 * the value and what is known) at @node, leaves @minimum_age -1 and
 * returns FALSE.
 */
gboolean ws_metadata_resolve (WsMetadata *md, WsRating *rating,
    const WsRatingRegistry *reg, const char *scheme, const char *value,
    const xmlNode *node);

G_END_DECLS

#endif /* WS_RATINGS_WS_METADATA_PRIVATE_H */
