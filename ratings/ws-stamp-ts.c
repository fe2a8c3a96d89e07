/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: placeholder for the MPEG-TS stamper (EIT p/f + SDT), which is
 * written on another branch and replaces this file at merge. */
#include "ws-stamp.h"

#include "ws-error.h"

gboolean
ws_stamp_mpegts (const char *in_path, int out_fd, const WsStampRequest *req,
    GError **error)
{
  (void) out_fd;
  (void) req;
  g_set_error (error, WS_ERROR, WS_ERROR_UNKNOWN_FORMAT,
      "%s: MPEG-TS stamping is not in this build", in_path);
  return FALSE;
}
