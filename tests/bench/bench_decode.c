/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: analysis-grade against exact decoding (issue #18) on one file.
 * Runs the check engine (tools/ws-check.h) twice on FILE, analysis-grade
 * (the default: H.264 / HEVC without the loop filter, fast flag) and with
 * #WsCheckOptions exact_decode, and prints stable key: value lines:
 *
 *   frames: 15000, codec: h264
 *   analysis_s: 41.2, exact_s: 45.0     wall time of each check
 *   verdict_analysis / verdict_exact    the flash check's status
 *   incident_analysis / incident_exact  kind verdict start-end, per incident
 *   same_verdicts: yes | no (why)
 *   largest_incident_edge_s             largest start / end difference
 *   largest_risk_difference: 0.0123 at 312.44 s (of N risk points)
 *
 * Usage: bench_decode FILE (tests/bench/bench-decode.sh makes the file).
 * Exit 0, 1 when a verdict differs, 2 on error. */
#include <glib.h>
#include <stdio.h>

#include "ws-check.h"
#include "ws-test-decode.h"

static WsCheckFile *
check (const char *path, gboolean exact, double *seconds)
{
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  WsCheckOptions opts;
  gint64 t0 = g_get_monotonic_time ();
  WsCheckFile *f;

  ws_check_options_init (&opts, reg);
  opts.exact_decode = exact;
  f = ws_check_file (path, &opts, NULL, NULL);
  *seconds = (double) (g_get_monotonic_time () - t0) / 1e6;
  return f;
}

static void
print_file (const char *mode, const WsCheckFile *f)
{
  printf ("verdict_%s: %s\n", mode,
      ws_check_status_to_string (f->flash_status));
  for (guint i = 0; i < f->flash_incidents->len; i++) {
    const WsFlashIncident *inc = &g_array_index (f->flash_incidents,
        WsFlashIncident, i);

    printf ("incident_%s: %s %s %.2f-%.2f s\n", mode,
        ws_flash_kind_to_string (inc->kind),
        ws_flash_verdict_to_string (inc->verdict), (double) inc->start_ns / 1e9,
        (double) inc->end_ns / 1e9);
  }
}

int
main (int argc, char **argv)
{
  WsCheckFile *a, *e;
  WsTestDecodeDiff d;
  double ta, te;
  int status;

  if (argc != 2) {
    fprintf (stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  if (ws_rating_registry_get_default (NULL) == NULL) {
    fprintf (stderr, "%s: cannot load the rating systems\n", argv[0]);
    return 2;
  }
  a = check (argv[1], FALSE, &ta);
  e = check (argv[1], TRUE, &te);
  if (a->status == WS_CHECK_ERROR || e->status == WS_CHECK_ERROR) {
    fprintf (stderr, "%s\n", a->error ? a->error : e->error);
    ws_check_file_free (a);
    ws_check_file_free (e);
    return 2;
  }
  printf ("frames: %" G_GINT64_FORMAT ", codec: %s, decode: %s / %s\n",
      a->video_frames, a->video_codec, a->decode_mode, e->decode_mode);
  printf ("analysis_s: %.2f, exact_s: %.2f\n", ta, te);
  print_file ("analysis", a);
  print_file ("exact", e);
  ws_test_decode_compare (a, e, &d);
  printf ("same_verdicts: %s%s%s\n", d.different ? "no (" : "yes",
      d.different ? d.different : "", d.different ? ")" : "");
  printf ("largest_incident_edge_s: %.3f\n", d.max_edge_s);
  printf ("largest_risk_difference: %.4f at %.2f s (of %u risk points)\n",
      d.max_risk_diff, d.max_risk_t_s, d.points);
  status = d.different ? 1 : 0;
  g_free (d.different);
  ws_check_file_free (a);
  ws_check_file_free (e);
  return status;
}
