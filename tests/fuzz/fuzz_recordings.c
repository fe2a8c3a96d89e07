/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the recordings catalogue reader
 * (ratings/ws-recordings.c), the lookups over what it loaded and the
 * warning plan that chooses from it. */
#include <stddef.h>
#include <stdint.h>

#include "ws-recordings.h"
#include "ws-warning.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const territories[] = { "GB", "de", "NLD", NULL };
  static const char *const languages[] = { "en", "en-GB", "de", "", NULL };
  GError *error = NULL;
  WsRecordings *rec;
  WsRating *r;

  /* no folder: the hrefs are kept as written and no file is opened */
  rec = ws_recordings_new_memory ((const char *) data, size, "fuzz.xml", NULL,
      &error);
  g_clear_error (&error);
  if (rec == NULL)
    return 0;
  r = ws_rating_new ();
  r->system = g_strdup ("bbfc");
  r->code = g_strdup ("15");
  for (gsize t = 0; t < G_N_ELEMENTS (territories); t++) {
    for (gsize l = 0; l < G_N_ELEMENTS (languages); l++) {
      WsWarningRequest req = { 0 };
      WsWarning *w;
      (void) ws_recordings_find (rec, territories[t], r, languages[l]);
      (void) ws_recordings_find (rec, territories[t], NULL, languages[l]);
      req.rating = r;
      req.recordings = rec;
      req.territory = territories[t];
      req.language = languages[l];
      req.speech = TRUE;
      w = ws_warning_plan (&req);
      ws_warning_free (w);
    }
  }
  ws_rating_free (r);
  ws_recordings_free (rec);
  return 0;
}
