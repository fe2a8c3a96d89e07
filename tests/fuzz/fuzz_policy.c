/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the policy file reader and the engine over it. */
#include <stddef.h>
#include <stdint.h>

#include "ws-policy.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const WsRatingRegistry *reg;
  static const char *const ratings[] = { "bbfc:15", "fsk:16", "csa:-18",
    "kijkwijzer:12", "mpa:NR" };
  GError *error = NULL;
  WsPolicy *p;

  if (reg == NULL)
    reg = ws_rating_registry_get_default (NULL);
  p = ws_policy_load_memory ((const char *) data, size, "fuzz.xml", reg,
      &error);
  g_clear_error (&error);
  if (p == NULL)
    return 0;

  for (gsize i = 0; i < G_N_ELEMENTS (ratings); i++) {
    const WsRatingDef *def = ws_rating_registry_parse (reg, ratings[i], NULL);
    /* 2026-03-29T00:30Z (a DST night in Europe) and a summer evening */
    const gint64 instants[] = { G_GINT64_CONSTANT (1774744200) * 1000000,
      G_GINT64_CONSTANT (1782936000) * 1000000 };

    for (gsize k = 0; k < G_N_ELEMENTS (instants); k++) {
      WsDecision d;
      WsProgrammeCheck c;
      GArray *w;

      ws_policy_decide (p, NULL, def, instants[k], WS_ACCESS_NONE, &d);
      ws_policy_check_programme (p, NULL, def, instants[k],
          G_GINT64_CONSTANT (5400) * 1000000, WS_ACCESS_PIN, &c);
      w = ws_policy_windows (p, NULL, def, instants[k],
          instants[k] + G_GINT64_CONSTANT (3) * 86400 * 1000000, WS_ACCESS_NONE,
          NULL);
      if (w != NULL)
        g_array_unref (w);
    }
  }
  ws_policy_free (p);
  return 0;
}
