/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed tests: the comparison of two checks of one file, analysis-grade
 * and exact decoding (#WsCheckOptions exact_decode), shared by the
 * equivalence test (tests/tools/check_check_decode.c) and its benchmark
 * on a long programme (tests/bench/bench_decode.c). Header-only; needs the
 * check engine (tools/ws-check.h) and libm. Never asserts. */
#ifndef WS_TESTS_WS_TEST_DECODE_H
#define WS_TESTS_WS_TEST_DECODE_H

#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ws-check.h"

/**
 * WsTestDecodeDiff:
 * @different: (nullable): the first difference in a verdict, as a
 *   sentence: the flash check's status, the flash verdict, the number of
 *   incidents, or an incident's kind, verdict, extended flag or stripe
 *   pairs; or a risk trace of another length or other times. NULL when
 *   every verdict is the same. Free with g_free().
 * @max_edge_s: the largest difference of an incident's start or end.
 * @max_risk_diff: the largest difference between the two risk traces
 *   (luminance and red, per plotted point).
 * @max_risk_t_s: where it is.
 * @points: the points of the risk trace.
 */
typedef struct {
  char *different;
  double max_edge_s;
  double max_risk_diff;
  double max_risk_t_s;
  guint points;
} WsTestDecodeDiff;

/* Compares @a with @e (the same file, analysis-grade and exact) into @d. */
static inline void
ws_test_decode_compare (const WsCheckFile *a, const WsCheckFile *e,
    WsTestDecodeDiff *d)
{
  GArray *ia = a->flash_incidents, *ie = e->flash_incidents;

  memset (d, 0, sizeof (*d));
  if (a->flash_status != e->flash_status ||
      a->flash_verdict != e->flash_verdict)
    d->different = g_strdup_printf ("flash %s analysis-grade, %s exact",
        ws_check_status_to_string (a->flash_status),
        ws_check_status_to_string (e->flash_status));
  else if (ia->len != ie->len)
    d->different = g_strdup_printf ("%u incidents analysis-grade, %u exact",
        ia->len, ie->len);
  for (guint i = 0; d->different == NULL && i < ia->len; i++) {
    const WsFlashIncident *x = &g_array_index (ia, WsFlashIncident, i);
    const WsFlashIncident *y = &g_array_index (ie, WsFlashIncident, i);

    if (x->kind != y->kind || x->verdict != y->verdict ||
        x->extended != y->extended || x->pattern_pairs != y->pattern_pairs)
      d->different = g_strdup_printf ("incident %u: %s %s%s (%d pairs) "
                                      "analysis-grade, %s %s%s (%d) exact",
          i + 1, ws_flash_kind_to_string (x->kind),
          ws_flash_verdict_to_string (x->verdict),
          x->extended ? " extended" : "", x->pattern_pairs,
          ws_flash_kind_to_string (y->kind),
          ws_flash_verdict_to_string (y->verdict),
          y->extended ? " extended" : "", y->pattern_pairs);
    d->max_edge_s = fmax (d->max_edge_s,
        (double) llabs (x->start_ns - y->start_ns) / 1e9);
    d->max_edge_s = fmax (d->max_edge_s,
        (double) llabs (x->end_ns - y->end_ns) / 1e9);
  }
  d->points = a->risk_series->len;
  if (d->different == NULL && a->risk_series->len != e->risk_series->len)
    d->different = g_strdup_printf ("risk traces of %u and %u points",
        a->risk_series->len, e->risk_series->len);
  for (guint i = 0; d->different == NULL && i < d->points; i++) {
    const WsCheckRiskPoint *x = &g_array_index (a->risk_series,
        WsCheckRiskPoint, i);
    const WsCheckRiskPoint *y = &g_array_index (e->risk_series,
        WsCheckRiskPoint, i);
    double diff = fmax (fabs (x->luminance - y->luminance),
        fabs (x->red - y->red));

    if (fabs (x->t_s - y->t_s) > 1e-9)
      d->different = g_strdup_printf ("risk point %u at %.3f s and %.3f s", i,
          x->t_s, y->t_s);
    if (diff > d->max_risk_diff) {
      d->max_risk_diff = diff;
      d->max_risk_t_s = x->t_s;
    }
  }
}

#endif /* WS_TESTS_WS_TEST_DECODE_H */
