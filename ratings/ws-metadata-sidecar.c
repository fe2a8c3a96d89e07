/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* WS_PLACEHOLDER: this reader is being written. */
#include "ws-metadata-private.h"

gboolean
ws_metadata_read_sidecar (WsMetadata *md, xmlNode *root,
    const WsRatingRegistry *reg, GError **error)
{
  g_set_error (error, WS_ERROR, WS_ERROR_UNKNOWN_FORMAT,
      "%s: this reader is not built yet", md->path);
  return FALSE;
}
