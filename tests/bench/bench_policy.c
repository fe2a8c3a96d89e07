/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Policy decisions per second on one core, over a realistic mix: instants
 * spread over two years (2026-2027, both DST changes of every zone),
 * several policies, ratings, service classes and access flags. Goal:
 * 2 million decisions per second. No peer exists (broadcasters use
 * spreadsheets); the number is printed against the goal. */
#include <stdio.h>
#include <stdlib.h>

#include "ws-policy.h"
#include "ws-rating-system.h"

#define USEC G_GINT64_CONSTANT (1000000)
#define N_QUERIES 4096
#define GOAL_PER_S 2.0e6

typedef struct {
  const WsPolicy *p;
  const char *klass;
  const WsRatingDef *r;
  WsAccessFlags access;
} Query;

int
main (int argc, char **argv)
{
  static const char *const mix[][4] = {
    { "uk-ofcom", "free-to-air", "bbfc:15", "" },
    { "uk-ofcom", "free-to-air", "bbfc:18", "" },
    { "uk-ofcom", "free-to-air", "bbfc:PG", "" },
    { "uk-ofcom", "premium-film", "bbfc:15", "" },
    { "uk-ofcom", "pay-pin", "bbfc:18", "pin" },
    { "de-jmstv", "broadcast", "fsk:16", "" },
    { "de-jmstv", "broadcast", "fsk:18", "" },
    { "de-jmstv", "telemedien", "fsk:16", "" },
    { "fr-arcom", "general", "csa:-12", "" },
    { "fr-arcom", "general", "csa:-12", "exception" },
    { "fr-arcom", "cinema-ppv", "csa:-18", "all" },
    { "fr-arcom", "vod-free", "csa:-16", "" },
    { "nl-kijkwijzer", "broadcast", "kijkwijzer:12", "" },
    { "us-fcc", "broadcast", "us-tv:TV-MA", "" },
    { "au-freetv", "free-to-air", "acma:MA15+", "" },
    { "it-tusma", "linear", "agcom:VM14", "" },
  };
  const WsRatingRegistry *reg;
  GError *error = NULL;
  WsPolicy *policies[G_N_ELEMENTS (mix)] = { NULL };
  Query *q = g_new (Query, N_QUERIES);
  gint64 *t = g_new (gint64, N_QUERIES);
  const gint64 start = G_GINT64_CONSTANT (1767225600); /* 2026-01-01Z */
  const gint64 span = 2 * 365 * 86400;
  double seconds = argc > 1 ? atof (argv[1]) : 2.0;
  guint64 n = 0, n_allowed = 0;
  gint64 t0, t1;
  double rate;
  GRand *rand = g_rand_new_with_seed (42);

  reg = ws_rating_registry_get_default (&error);
  if (reg == NULL) {
    fprintf (stderr, "bench_policy: %s\n", error->message);
    return 2;
  }
  for (gsize i = 0; i < G_N_ELEMENTS (mix); i++) {
    policies[i] = ws_policy_load (mix[i][0], reg, &error);
    if (policies[i] == NULL) {
      fprintf (stderr, "bench_policy: %s\n", error->message);
      return 2;
    }
  }
  for (guint i = 0; i < N_QUERIES; i++) {
    guint k = g_rand_int_range (rand, 0, G_N_ELEMENTS (mix));
    q[i].p = policies[k];
    q[i].klass = mix[k][1];
    q[i].r = ws_rating_registry_parse (reg, mix[k][2], NULL);
    q[i].access = !g_strcmp0 (mix[k][3], "all") ?
                      WS_ACCESS_PIN | WS_ACCESS_AUTHORISED_CHANNEL |
                          WS_ACCESS_CONDITIONAL_ACCESS :
                      ws_access_flag_from_name (mix[k][3]);
    t[i] = (start + (gint64) (g_rand_double (rand) * span)) * USEC;
  }
  t0 = g_get_monotonic_time ();
  do {
    for (guint i = 0; i < N_QUERIES; i++) {
      WsDecision d;
      n_allowed += ws_policy_decide (q[i].p, q[i].klass, q[i].r, t[i],
          q[i].access, &d);
    }
    n += N_QUERIES;
    t1 = g_get_monotonic_time ();
  } while (t1 - t0 < (gint64) (seconds * 1e6));
  rate = n / ((t1 - t0) / 1e6);
  printf ("bench_policy: %" G_GUINT64_FORMAT " decisions in %.2f s on one "
          "core: %.2f M decisions/s (goal %.1f M/s: %s); %.0f%% allowed\n",
      n, (t1 - t0) / 1e6, rate / 1e6, GOAL_PER_S / 1e6,
      rate >= GOAL_PER_S ? "met" : "NOT met", 100.0 * n_allowed / n);
  for (gsize i = 0; i < G_N_ELEMENTS (mix); i++)
    ws_policy_free (policies[i]);
  g_rand_free (rand);
  g_free (q);
  g_free (t);
  return 0;
}
