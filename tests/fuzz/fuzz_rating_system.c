/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the rating-system file loader. */
#include <stddef.h>
#include <stdint.h>

#include "ws-rating-system.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

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

      for (guint j = 0; j < ws_rating_system_get_n_ratings (sys); j++) {
        const WsRatingDef *def = ws_rating_system_get_rating (sys, j);

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
