/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: ratinggate judges a rating of another system by the policy's
 * local equivalent (issue #10), through the library's decision, and its
 * as-run line says so. es-lgca at 10:00 Madrid time on a summer Wednesday:
 * bbfc:15 is judged as icaa:16, blocked until 22:00. */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "ws-metadata.h"
#include "ws-rating-event.h"
#include "ws-test-json.h"
#include "ws-test-gst.h"
#include "ws-test-util.h"

#define CAPS "video/x-raw,format=I420,width=64,height=48,framerate=25/1"

static void
push_frame (GstHarness *h, guint n)
{
  GstBuffer *b = gst_harness_create_buffer (h, 64 * 48 * 3 / 2);
  GstBuffer *out;

  gst_buffer_memset (b, 0, 0x80, 64 * 48 * 3 / 2);
  GST_BUFFER_PTS (b) = n * GST_SECOND / 25;
  GST_BUFFER_DURATION (b) = GST_SECOND / 25;
  fail_unless_equals_int (gst_harness_push (h, b), GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (out != NULL);
  gst_buffer_unref (out);
}

/* the lines of the as-run log, each one JSON object */
static GPtrArray *
read_lines (const gchar *path)
{
  gchar *problem = NULL;
  GPtrArray *lines = ws_test_read_json_lines (path, &problem);

  fail_unless (lines != NULL, "%s", problem);
  return lines;
}

#define line ws_test_json_line

GST_START_TEST (test_ratinggate_as_run_judged)
{
  gchar *dir = g_dir_make_tmp ("ws-gate-judged-XXXXXX", NULL);
  gchar *log = g_build_filename (dir, "as-run.jsonl", NULL);
  GstElement *gate = gst_element_factory_make ("ratinggate", NULL);
  GstHarness *h;
  GPtrArray *lines;
  JsonObject *o;

  fail_unless (gate != NULL && dir != NULL);
  g_object_set (gate, "policy", "es-lgca", "start-time",
      "2026-07-01T10:00:00+02:00", "slate-text", "", "as-run-log", log, NULL);
  gst_util_set_object_arg (G_OBJECT (gate), "clock", "scheduled");
  h = gst_harness_new_with_element (gate, "sink", "src");
  gst_object_unref (gate);
  gst_harness_set_src_caps_str (h, CAPS);
  /* a rating event without a territory (one for GB would not be for a
   * Spanish gate at all: unrated, fail closed) */
  fail_unless (
      gst_harness_push_event (h, ws_test_rating_event ("bbfc", "15", NULL)));
  push_frame (h, 0);

  fail_unless_equals_int (ws_test_wait_lines (log, 1), 1);
  lines = read_lines (log);
  fail_unless_equals_int (lines->len, 1);
  o = line (lines, 0);
  fail_if (json_object_get_boolean_member (o, "allowed"));
  fail_unless_equals_string (json_object_get_string_member (o, "rule"),
      "es-16");
  fail_unless_equals_string (json_object_get_string_member (o, "rating"),
      "bbfc:15");
  fail_unless_equals_string (json_object_get_string_member (o, "judged_as"),
      "icaa:16");
  fail_unless_equals_string (json_object_get_string_member (o, "judgement"),
      "bbfc:15 judged as icaa:16 (approximation)");
  fail_unless_equals_string (json_object_get_string_member (o, "next_change"),
      "2026-07-01T22:00:00+02:00");
  g_ptr_array_unref (lines);

  /* the policy's own rating: judged as itself; 7 may run at any time */
  fail_unless (
      gst_harness_push_event (h, ws_test_rating_event ("icaa", "7", "ES")));
  push_frame (h, 1);
  fail_unless_equals_int (ws_test_wait_lines (log, 2), 2);
  lines = read_lines (log);
  fail_unless_equals_int (lines->len, 2);
  o = line (lines, 1);
  fail_unless (json_object_get_boolean_member (o, "allowed"));
  fail_unless_equals_string (json_object_get_string_member (o, "rating"),
      "icaa:7");
  fail_unless (json_object_get_null_member (o, "judged_as"));
  fail_unless (json_object_get_null_member (o, "judgement"));
  g_ptr_array_unref (lines);

  gst_harness_teardown (h);
  g_unlink (log);
  g_rmdir (dir);
  g_free (log);
  g_free (dir);
}

GST_END_TEST;

static Suite *
ratinggate_judged_suite (void)
{
  Suite *s = suite_create ("ratinggate_judged");
  TCase *tc = tcase_create ("as-run-log");

  tcase_add_test (tc, test_ratinggate_as_run_judged);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (ratinggate_judged);
