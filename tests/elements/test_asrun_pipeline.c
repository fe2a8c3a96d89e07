/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the as-run log of a real pipeline (gst_parse_launch with
 * ratingtag ! ratinggate as-run-log=...) verifies as a hash chain, also
 * when the gate rotates it by size; a mode=monitor gate's log gives the
 * report the violation it would have blocked. */
#include <gst/check/gstcheck.h>
#include <gst/gst.h>

#include <glib/gstdio.h>
#include <string.h>

#include "ws-asrun-report.h"
#include "ws-asrun-verify.h"
#include "ws-test-asrun.h"

/* 2 s before the UK watershed; 100 frames at 25/s cross it */
#define START "2026-07-01T20:59:58+01:00"

static gchar *
temp_dir (void)
{
  gchar *dir = g_dir_make_tmp ("watershed-asrun-XXXXXX", NULL);

  fail_unless (dir != NULL);
  return dir;
}

/* runs the pipeline to EOS; no error on the way */
static void
run_gate (const gchar *gate_props, const gchar *log)
{
  gchar *sample = g_build_filename (g_getenv ("WATERSHED_DATADIR"), "samples",
      "demo-bbfc15.xml", NULL);
  gchar *desc =
      g_strdup_printf ("videotestsrc num-buffers=100 ! "
                       "video/"
                       "x-raw,format=I420,width=160,height=90,framerate=25/1 ! "
                       "ratingtag location=\"%s\" territory=GB ! "
                       "ratinggate policy=uk-ofcom clock=scheduled "
                       "start-time=" START " "
                       "as-run-log=\"%s\" %s ! fakesink sync=false",
          sample, log, gate_props);
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &error);
  GstBus *bus;
  GstMessage *msg;

  fail_unless (pipeline != NULL && error == NULL, "%s: %s", desc,
      error ? error->message : "?");
  bus = gst_element_get_bus (pipeline);
  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
           GST_STATE_CHANGE_FAILURE);
  /* a hang guard only */
  msg = gst_bus_timed_pop_filtered (bus, 120 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "%s: no EOS", desc);
  fail_unless (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS, "%s: error", desc);
  gst_message_unref (msg);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_NULL) ==
               GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_free (desc);
  g_free (sample);
}

/* The gate's log: a header and the two decisions, chained; with a small
 * rotation size the second decision starts a new file and both verify as
 * one chain, in either order. */
GST_START_TEST (test_asrun_pipeline_log_verifies)
{
  gchar *dir = temp_dir ();
  gchar *log = g_build_filename (dir, "as-run.jsonl", NULL);
  gchar **files;
  WsAsRunVerdict *v;
  GError *err = NULL;

  run_gate ("name=playout", log);
  files = ws_test_asrun_files (dir);
  fail_unless_equals_int (g_strv_length (files), 1);
  v = ws_asrun_verify_files ((const gchar *const *) files, &err);
  fail_unless (v != NULL, "%s", err ? err->message : "");
  fail_unless (v->whole, "%s:%" G_GUINT64_FORMAT ": %s", v->file, v->line,
      v->problem);
  fail_unless_equals_int (v->n_lines, 3);
  ws_asrun_verdict_free (v);
  g_strfreev (files);
  g_remove (log);

  /* rotation: a file holds the header and one decision */
  run_gate ("name=playout as-run-rotate-size=1200", log);
  files = ws_test_asrun_files (dir);
  fail_unless_equals_int (g_strv_length (files), 2);
  v = ws_asrun_verify_files ((const gchar *const *) files, &err);
  fail_unless (v != NULL);
  fail_unless (v->whole, "%s", v->problem);
  fail_unless_equals_int (v->n_lines, 4);
  fail_unless_equals_string (g_ptr_array_index (v->files, 1), log);
  ws_asrun_verdict_free (v);
  g_strfreev (files);

  g_free (log);
  ws_test_asrun_remove_dir (dir);
}

GST_END_TEST;

/* mode=monitor: nothing was blocked; the report lists the 2 s the gate
 * would have blocked, re-checked against the policy */
GST_START_TEST (test_asrun_pipeline_monitor_report)
{
  gchar *dir = temp_dir ();
  gchar *log = g_build_filename (dir, "as-run.jsonl", NULL);
  const gchar *paths[] = { log, NULL };
  WsAsRunReport *r;
  const WsAsRunViolation *vi;
  gchar *start, *end;
  GError *err = NULL;

  run_gate ("name=monitored mode=monitor", log);
  r = ws_asrun_report_build (paths, NULL, WS_TIME_NONE, WS_TIME_NONE, &err);
  fail_unless (r != NULL, "%s", err ? err->message : "");
  fail_unless (r->verdict->whole);
  /* what it would have blocked, and (no ratingwarning in this pipeline)
   * the UK rule's announcement missing where the 15 began */
  fail_unless_equals_int (r->violations->len, 2);
  vi = g_ptr_array_index (r->violations, 1);
  fail_unless_equals_string (ws_asrun_violation_kind_to_string (vi->kind),
      "missing-guidance");
  fail_unless_equals_string (vi->rule, "uk-on-air-warning");
  fail_unless (vi->start_us ==
               ((const WsAsRunViolation *) g_ptr_array_index (r->violations, 0))
                   ->start_us);
  vi = g_ptr_array_index (r->violations, 0);
  start = ws_asrun_report_format_time (r, vi->policy, vi->start_us);
  end = ws_asrun_report_format_time (r, vi->policy, vi->end_us);
  fail_unless_equals_string (vi->channel, "monitored");
  fail_unless_equals_string (ws_asrun_violation_kind_to_string (vi->kind),
      "outside-window");
  fail_unless_equals_string (start, START);
  fail_unless_equals_string (end, "2026-07-01T21:00:00+01:00");
  fail_unless_equals_string (vi->mode, "monitor");
  fail_unless_equals_string (vi->rule, "uk-watershed");
  g_free (start);
  g_free (end);
  ws_asrun_report_free (r);

  /* the same in slate mode: blocked, so no violation */
  g_remove (log);
  run_gate ("name=blocking", log);
  r = ws_asrun_report_build (paths, NULL, WS_TIME_NONE, WS_TIME_NONE, &err);
  fail_unless (r != NULL);
  fail_unless_equals_int (r->violations->len, 0);
  fail_unless_equals_int (r->days->len, 1);
  fail_unless_equals_int (((WsAsRunDay *) g_ptr_array_index (r->days, 0))
                              ->blocked_us,
      2 * G_USEC_PER_SEC);
  ws_asrun_report_free (r);

  g_free (log);
  ws_test_asrun_remove_dir (dir);
}

GST_END_TEST;

static Suite *
asrun_pipeline_suite (void)
{
  Suite *s = suite_create ("asrun_pipeline");
  TCase *tc = tcase_create ("pipeline");

  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_asrun_pipeline_log_verifies);
  tcase_add_test (tc, test_asrun_pipeline_monitor_report);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (asrun_pipeline);
