/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the rating-system file loader (with the badge
 * styling: caption, caption-style, text, max-pictograms). */
#include <stddef.h>
#include <stdint.h>

#include "ws-rating-system.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The badge styling the renderer draws from: the strings are readable
 * (ASan checks them) and within the documented bounds. */
static void
badge_check (const WsBadgeHints *b)
{
  if (b->caption != NULL &&
      (!g_utf8_validate (b->caption, -1, NULL) ||
          g_utf8_strlen (b->caption, -1) > WS_BADGE_MAX_CAPTION_CHARS))
    __builtin_trap ();
  if (b->text != NULL && !g_utf8_validate (b->text, -1, NULL))
    __builtin_trap ();
  if (b->max_pictograms > WS_BADGE_MAX_PICTOGRAMS ||
      (b->caption_style != WS_BADGE_CAPTION_SMALL &&
          b->caption_style != WS_BADGE_CAPTION_LINE))
    __builtin_trap ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  WsRatingRegistry *reg = ws_rating_registry_new_empty ();
  GError *error = NULL;

  if (ws_rating_registry_add_memory (reg, (const char *) data, size, "fuzz.xml",
          &error)) {
    /* Exercise the lookups over whatever was loaded. */
    for (guint i = 0; i < ws_rating_registry_get_n_systems (reg); i++) {
      const WsRatingSystem *sys = ws_rating_registry_get_system (reg, i);

      badge_check (ws_rating_system_get_badge (sys));
      for (guint j = 0; j < ws_rating_system_get_n_ratings (sys); j++) {
        const WsRatingDef *def = ws_rating_system_get_rating (sys, j);

        badge_check (ws_rating_def_get_badge (def));
        (void) ws_rating_convert (def, sys);
        (void) ws_rating_registry_parse (reg, ws_rating_def_get_name (def),
            NULL);
      }
    }
  }
  g_clear_error (&error);
  ws_rating_registry_free (reg);
  return 0;
}
