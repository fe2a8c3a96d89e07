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

/* Runs the pipeline described by @desc to EOS, no error on the way, and
 * frees it; @prepare (if any) gets the pipeline before it starts. */
static void
run_to_eos (const gchar *desc, void (*prepare) (GstElement *, gpointer),
    gpointer data)
{
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &error);
  GstBus *bus;
  GstMessage *msg;

  fail_unless (pipeline != NULL && error == NULL, "%s: %s", desc,
      error ? error->message : "?");
  if (prepare != NULL)
    prepare (pipeline, data);
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
}

/* the gate alone, on a scheduled start just before the UK watershed */
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

  run_to_eos (desc, NULL, NULL);
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
  /* the header, the two decisions, the end of the stream */
  fail_unless_equals_int (v->n_lines, 4);
  ws_asrun_verdict_free (v);
  g_strfreev (files);
  g_remove (log);

  /* rotation: a file holds the header and one line (the two decisions,
   * the end) */
  run_gate ("name=playout as-run-rotate-size=1200", log);
  files = ws_test_asrun_files (dir);
  fail_unless_equals_int (g_strv_length (files), 3);
  v = ws_asrun_verify_files ((const gchar *const *) files, &err);
  fail_unless (v != NULL);
  fail_unless (v->whole, "%s", v->problem);
  fail_unless_equals_int (v->n_lines, 6);
  fail_unless_equals_string (g_ptr_array_index (v->files, 2), log);
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

  /* the same in slate mode: blocked, so not outside its window; the 15
   * then aired from 21:00 to the end of the stream (the gate's "stopped"
   * line) without the UK announcement */
  g_remove (log);
  run_gate ("name=blocking", log);
  r = ws_asrun_report_build (paths, NULL, WS_TIME_NONE, WS_TIME_NONE, &err);
  fail_unless (r != NULL);
  fail_unless_equals_int (r->violations->len, 1);
  vi = g_ptr_array_index (r->violations, 0);
  fail_unless_equals_string (ws_asrun_violation_kind_to_string (vi->kind),
      "missing-guidance");
  fail_unless_equals_int (r->days->len, 1);
  fail_unless_equals_int (((WsAsRunDay *) g_ptr_array_index (r->days, 0))
                              ->blocked_us,
      2 * G_USEC_PER_SEC);
  fail_unless_equals_int (((WsAsRunDay *) g_ptr_array_index (r->days, 0))
                              ->aired_us,
      2 * G_USEC_PER_SEC);
  ws_asrun_report_free (r);

  g_free (log);
  ws_test_asrun_remove_dir (dir);
}

GST_END_TEST;

/* Adds the programme's civil time (timestamp/x-unix) to each buffer:
 * @data holds START_FR in ns plus the buffer's PTS. */
static GstPadProbeReturn
stamp_programme_time (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstCaps *unix_caps = gst_caps_new_empty_simple ("timestamp/x-unix");
  gint64 start_ns = *(gint64 *) data;

  buf = gst_buffer_make_writable (buf);
  gst_buffer_add_reference_timestamp_meta (buf, unix_caps,
      (GstClockTime) (start_ns + (gint64) GST_BUFFER_PTS (buf)),
      GST_CLOCK_TIME_NONE);
  GST_PAD_PROBE_INFO_DATA (info) = buf;
  gst_caps_unref (unix_caps);
  return GST_PAD_PROBE_OK;
}

/* stamps the buffers of the element named "src" (run_to_eos()'s
 * @prepare; @data: the start in ns) */
static void
stamp_source (GstElement *pipeline, gpointer data)
{
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  GstPad *pad = gst_element_get_static_pad (src, "src");

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, stamp_programme_time, data,
      NULL);
  gst_object_unref (pad);
  gst_object_unref (src);
}

/* 23:00 in Paris: -16 is allowed on television from 22:30, and ARCOM's
 * pictogram must stay on screen */
#define START_FR "2026-07-01T23:00:00+02:00"

/* videotestsrc (2 s, stamped with START_FR) ! ratingtag FR ! ratingoverlay
 * @overlay_props ! ratinggate clock=reference-meta @gate_props, both
 * logging to @log, then the report over START_FR + 2 s; with @scheduled
 * the buffers are not stamped and the gate runs clock=scheduled from
 * START_FR (a file job) */
static WsAsRunReport *
run_overlay_and_gate_clock (const gchar *overlay_props, const gchar *gate_props,
    const gchar *log, gboolean scheduled)
{
  gchar *sample = g_build_filename (g_getenv ("WATERSHED_DATADIR"), "samples",
      "demo-bbfc15.xml", NULL);
  gchar *desc =
      g_strdup_printf ("videotestsrc name=src num-buffers=50 ! "
                       "video/"
                       "x-raw,format=I420,width=160,height=90,framerate=25/1 ! "
                       "ratingtag location=\"%s\" territory=FR ! "
                       "ratingoverlay policy=fr-arcom %s ! "
                       "ratinggate policy=fr-arcom %s "
                       "as-run-log=\"%s\" "
                       "%s ! fakesink sync=false",
          sample, overlay_props,
          scheduled ? "clock=scheduled start-time=" START_FR :
                      "clock=reference-meta",
          log, gate_props);
  const gchar *paths[] = { log, NULL };
  GError *error = NULL;
  GDateTime *dt = g_date_time_new_from_iso8601 (START_FR, NULL);
  gint64 start_ns = g_date_time_to_unix (dt) * GST_SECOND;
  WsAsRunReport *r;

  run_to_eos (desc, scheduled ? NULL : stamp_source, &start_ns);
  r = ws_asrun_report_build (paths, NULL, WS_TIME_NONE,
      start_ns / 1000 + 2 * G_USEC_PER_SEC, &error);
  fail_unless (r != NULL, "%s", error ? error->message : "");
  fail_unless (r->verdict->whole, "%s", r->verdict->problem);
  g_date_time_unref (dt);
  g_free (desc);
  g_free (sample);
  return r;
}

static WsAsRunReport *
run_overlay_and_gate (const gchar *overlay_props, const gchar *gate_props,
    const gchar *log)
{
  return run_overlay_and_gate_clock (overlay_props, gate_props, log, FALSE);
}

/* ratingoverlay's guidance-shown line, in the gate's file, is what the
 * report counts as the pictogram ARCOM asks for: without it, two seconds of
 * -16 without the pictogram are a violation; with as-run-channel the lines
 * pair by channel instead of by file */
GST_START_TEST (test_asrun_pipeline_overlay_guidance)
{
  gchar *dir = temp_dir ();
  gchar *log = g_build_filename (dir, "as-run.jsonl", NULL);
  gchar *text = NULL;
  WsAsRunReport *r;
  const WsAsRunViolation *vi;
  const WsAsRunDay *d;

  r = run_overlay_and_gate ("name=badge as-run-log=\""
                            "\"",
      "name=playout", log);
  /* an empty as-run-log on the overlay: nothing but the gate's line */
  fail_unless_equals_int (r->violations->len, 1);
  vi = g_ptr_array_index (r->violations, 0);
  fail_unless_equals_string (ws_asrun_violation_kind_to_string (vi->kind),
      "missing-guidance");
  fail_unless_equals_string (vi->rule, "fr-tv-pictogram");
  fail_unless_equals_string (vi->channel, "playout");
  fail_unless (vi->end_us - vi->start_us == 2 * G_USEC_PER_SEC);
  ws_asrun_report_free (r);
  g_remove (log);

  {
    gchar *props = g_strdup_printf ("name=badge as-run-log=\"%s\"", log);

    r = run_overlay_and_gate (props, "name=playout", log);
    g_free (props);
  }
  fail_unless (g_file_get_contents (log, &text, NULL, NULL));
  fail_unless (strstr (text, "\"kind\": \"guidance-shown\"") != NULL, "%s",
      text);
  fail_unless (strstr (text, "\"rating\": \"csa:-16\"") != NULL, "%s", text);
  fail_unless (strstr (text, "\"instant\": \"" START_FR "\"") != NULL, "%s",
      text);
  /* the pipeline stopped while the pictogram was on: it went with the
   * last frame, 2 s in */
  {
    const gchar *hidden = strstr (text, "\"kind\": \"guidance-hidden\"");
    const gchar *line_start, *line_end;
    gchar *line;

    fail_unless (hidden != NULL, "%s", text);
    line_start = g_strrstr_len (text, hidden - text, "\n");
    line_end = strchr (hidden, '\n');
    line = g_strndup (line_start + 1, line_end - line_start - 1);
    fail_unless (strstr (line, "\"instant\": \"2026-07-01T23:00:02+02:00\"") !=
                     NULL,
        "%s", line);
    fail_unless (strstr (line, "\"element\": \"badge\"") != NULL, "%s", line);
    g_free (line);
  }
  g_free (text);
  fail_unless_equals_int (r->violations->len, 0);
  /* one channel, the gate's: the overlay's lines count for it */
  fail_unless_equals_int (r->days->len, 1);
  d = g_ptr_array_index (r->days, 0);
  fail_unless_equals_string (d->channel, "playout");
  /* on screen from the first frame the fade-in makes visible (the second,
   * 40 ms in) to the end */
  fail_unless (d->guidance_us >= 2 * G_USEC_PER_SEC - 40000 &&
                   d->guidance_us <= 2 * G_USEC_PER_SEC,
      "%" G_GINT64_FORMAT " us of guidance", d->guidance_us);
  ws_asrun_report_free (r);
  g_remove (log);

  /* as-run-channel: the overlay's lines name another channel than the
   * gate's, so they are not its guidance */
  {
    gchar *props =
        g_strdup_printf ("name=badge as-run-log=\"%s\" as-run-channel=other",
            log);

    r = run_overlay_and_gate (props, "name=playout as-run-channel=tf1", log);
    fail_unless_equals_int (r->violations->len, 1);
    vi = g_ptr_array_index (r->violations, 0);
    fail_unless_equals_string (vi->channel, "tf1");
    ws_asrun_report_free (r);
    g_remove (log);
    g_free (props);
    /* and the same name on both: paired by channel */
    props = g_strdup_printf ("name=badge as-run-log=\"%s\" as-run-channel=tf1",
        log);
    r = run_overlay_and_gate (props, "name=playout as-run-channel=tf1", log);
    fail_unless_equals_int (r->violations->len, 0);
    ws_asrun_report_free (r);
    g_free (props);
  }

  g_free (log);
  ws_test_asrun_remove_dir (dir);
}

GST_END_TEST;

/* A file job: no programme time on the buffers, the gate on clock=scheduled
 * and the overlay given the same start (as a local time in the policy's
 * zone): its lines fall where the gate's do, so the report pairs them;
 * without start-time the overlay would log the wall clock of the job. A
 * start-time that cannot be read stops the overlay from starting. */
GST_START_TEST (test_asrun_pipeline_overlay_scheduled)
{
  gchar *dir = temp_dir ();
  gchar *log = g_build_filename (dir, "as-run.jsonl", NULL);
  gchar *props = g_strdup_printf ("name=badge as-run-log=\"%s\" "
                                  "start-time=2026-07-01T23:00:00",
      log);
  gchar *text = NULL;
  WsAsRunReport *r;

  r = run_overlay_and_gate_clock (props, "name=playout", log, TRUE);
  fail_unless (g_file_get_contents (log, &text, NULL, NULL));
  fail_unless (strstr (text, "\"kind\": \"guidance-shown\"") != NULL, "%s",
      text);
  /* the first frame the fade-in makes visible, 40 ms in, and the end */
  fail_unless (strstr (text,
                   "\"instant\": \"2026-07-01T23:00:00.040000+02:00\"") != NULL,
      "%s", text);
  fail_unless (strstr (text, "\"instant\": \"2026-07-01T23:00:02+02:00\"") !=
                   NULL,
      "%s", text);
  fail_unless_equals_int (r->violations->len, 0);
  ws_asrun_report_free (r);
  g_free (text);
  g_free (props);

  /* unreadable (a local time without a policy has no zone): the element
   * does not start */
  {
    GstElement *e = gst_element_factory_make ("ratingoverlay", NULL);

    g_object_set (e, "start-time", "2026-07-01T23:00:00", NULL);
    fail_unless_equals_int (gst_element_set_state (e, GST_STATE_PAUSED),
        GST_STATE_CHANGE_FAILURE);
    gst_element_set_state (e, GST_STATE_NULL);
    g_object_set (e, "start-time", "2026-07-01T23:00:00Z", NULL);
    fail_unless (gst_element_set_state (e, GST_STATE_PAUSED) !=
                 GST_STATE_CHANGE_FAILURE);
    gst_element_set_state (e, GST_STATE_NULL);
    gst_object_unref (e);
  }
  g_remove (log);
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
  tcase_add_test (tc, test_asrun_pipeline_overlay_guidance);
  tcase_add_test (tc, test_asrun_pipeline_overlay_scheduled);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (asrun_pipeline);
