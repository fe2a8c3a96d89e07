/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CLI tests for `watershed demo`: the whole main job on a short sample. */
#include <check.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ws-test-cli.h"

static char *tmpdir;

static void
setup_tmpdir (void)
{
  GError *error = NULL;

  tmpdir = g_dir_make_tmp ("ws-demo-XXXXXX", &error);
  ck_assert_msg (tmpdir != NULL, "%s", error ? error->message : "");
}

static void
teardown_tmpdir (void)
{
  ws_test_remove_tree (tmpdir);
  g_free (tmpdir);
  tmpdir = NULL;
}

/* One stream of `ffprobe -count_frames` (every frame decoded). */
typedef struct {
  char *codec;
  int width, height;
  long frames;
  double duration_s;
} Stream;

static void
probe_stream (const char *path, const char *select, Stream *s)
{
  JsonParser *parser = json_parser_new ();
  WsTestRun r = ws_test_run ("ffprobe",
      (const char *const[]){ "-v", "error", "-count_frames", "-select_streams",
          select, "-show_entries",
          "stream=codec_name,width,height,nb_read_frames,duration", "-of",
          "json", path, NULL });
  JsonObject *o;
  JsonArray *streams;
  JsonObject *st;

  ck_assert_msg (r.status == 0, "ffprobe %s: %s", path, r.err);
  o = ws_test_parse_object (parser, r.out);
  streams = json_object_get_array_member (o, "streams");
  ck_assert_int_eq (json_array_get_length (streams), 1);
  st = json_array_get_object_element (streams, 0);
  s->codec = g_strdup (json_object_get_string_member (st, "codec_name"));
  s->width = json_object_has_member (st, "width") ?
                 (int) json_object_get_int_member (st, "width") :
                 0;
  s->height = json_object_has_member (st, "height") ?
                  (int) json_object_get_int_member (st, "height") :
                  0;
  s->frames = g_ascii_strtoll (json_object_get_string_member (st,
                                   "nb_read_frames"),
      NULL, 10);
  s->duration_s = g_ascii_strtod (json_object_get_string_member (st,
                                      "duration"),
      NULL);
  ws_test_run_clear (&r);
  g_object_unref (parser);
}

/* The gate's as-run log: JSON lines. Checks that @element logged exactly
 * a blocked line at @start then an allowed one at @open_iso, then the end
 * of its stream (a "stopped" line) after it. */
static void
assert_as_run (const char *path, const char *element, const char *start_iso,
    const char *open_iso, gint64 open_ns)
{
  char *text = NULL;
  char **lines;
  int n = 0, ends = 0;

  ck_assert_msg (g_file_get_contents (path, &text, NULL, NULL), "no %s", path);
  lines = g_strsplit (text, "\n", -1);
  for (char **l = lines; *l != NULL; l++) {
    JsonParser *parser;
    JsonObject *o;

    /* records only: not the hash chain's header and checkpoints */
    if (**l == '\0' || g_str_has_prefix (*l, "{\"asrun_header\":") ||
        g_str_has_prefix (*l, "{\"checkpoint\":"))
      continue;
    parser = json_parser_new ();
    o = ws_test_parse_object (parser, *l);
    if (!strcmp (json_object_get_string_member (o, "element"), element) &&
        !strcmp (json_object_get_string_member (o, "kind"), "stopped")) {
      ck_assert_int_eq (n, 2);
      ck_assert (!json_object_get_boolean_member (o, "allowed"));
      ck_assert_str_eq (json_object_get_string_member (o, "rating"), "bbfc:15");
      ck_assert_int_gt (json_object_get_int_member (o, "running_time_ns"),
          open_ns);
      ends++;
    } else if (!strcmp (json_object_get_string_member (o, "element"),
                   element)) {
      ck_assert_str_eq (json_object_get_string_member (o, "policy"),
          "uk-ofcom");
      ck_assert_str_eq (json_object_get_string_member (o, "rating"), "bbfc:15");
      ck_assert_str_eq (json_object_get_string_member (o, "rule"),
          "uk-watershed");
      if (n == 0) {
        ck_assert (!json_object_get_boolean_member (o, "allowed"));
        ck_assert_str_eq (json_object_get_string_member (o, "kind"),
            "outside-window");
        ck_assert_str_eq (json_object_get_string_member (o, "instant"),
            start_iso);
        ck_assert_str_eq (json_object_get_string_member (o, "next_change"),
            open_iso);
        ck_assert_int_eq (json_object_get_int_member (o, "running_time_ns"), 0);
      } else {
        ck_assert (json_object_get_boolean_member (o, "allowed"));
        ck_assert_str_eq (json_object_get_string_member (o, "kind"), "allowed");
        ck_assert_str_eq (json_object_get_string_member (o, "instant"),
            open_iso);
        ck_assert_int_eq (json_object_get_int_member (o, "running_time_ns"),
            open_ns);
      }
      n++;
    }
    g_object_unref (parser);
  }
  ck_assert_msg (n == 2, "%s: %d lines for %s, want 2:\n%s", path, n, element,
      text);
  ck_assert_msg (ends == 1, "%s: %d ends for %s, want 1:\n%s", path, ends,
      element, text);
  g_strfreev (lines);
  g_free (text);
}

/* The lines of the as-run log at @path whose @key is @value, parsed
 * (JsonParser each; free with g_ptr_array_unref()). */
static GPtrArray *
as_run_lines_with (const char *path, const char *key, const char *value)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);
  char *text = NULL;
  char **lines;

  ck_assert_msg (g_file_get_contents (path, &text, NULL, NULL), "no %s", path);
  lines = g_strsplit (text, "\n", -1);
  for (char **l = lines; *l != NULL; l++) {
    JsonParser *parser;

    if (**l == '\0')
      continue;
    parser = json_parser_new ();
    /* the hash chain's header and checkpoints have no @key */
    if (!g_strcmp0 (json_object_get_string_member_with_default (
                        ws_test_parse_object (parser, *l), key, NULL),
            value))
      g_ptr_array_add (out, parser);
    else
      g_object_unref (parser);
  }
  g_strfreev (lines);
  g_free (text);
  return out;
}

/* ratingwarning's line in the as-run log: one warning-card at @open_ns,
 * the UK rule's, spoken by espeak-ng. */
static void
assert_warning_logged (const char *path, gint64 open_ns)
{
  GPtrArray *lines = as_run_lines_with (path, "kind", "warning-card");
  JsonObject *o;

  ck_assert_msg (lines->len == 1, "%s: %u warning-card lines, want 1", path,
      lines->len);
  o = json_node_get_object (json_parser_get_root (lines->pdata[0]));
  ck_assert_str_eq (json_object_get_string_member (o, "element"), "warning");
  ck_assert_str_eq (json_object_get_string_member (o, "rule"),
      "uk-on-air-warning");
  ck_assert_str_eq (json_object_get_string_member (o, "rating"), "bbfc:15");
  ck_assert_str_eq (json_object_get_string_member (o, "mode"), "overlay");
  ck_assert_str_eq (json_object_get_string_member (o, "reason"),
      "warning card 5.000 s in en, audio speech (espeak-ng)");
  ck_assert_int_eq (json_object_get_int_member (o, "running_time_ns"), open_ns);
  g_ptr_array_unref (lines);
}

static gboolean
file_contains (const char *path, const char *needle)
{
  char *text = NULL;
  gboolean found;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  found = strstr (text, needle) != NULL;
  g_free (text);
  return found;
}

START_TEST (test_demo_help_lists_demo_first)
{
  WsTestRun r = WS_TEST_RUN ("--help");
  const char *commands;

  ck_assert_int_eq (r.status, 0);
  /* scripts/ws-run greps for this line. */
  commands = strstr (r.out, "Commands:\n");
  ck_assert (commands != NULL);
  ck_assert_msg (g_str_has_prefix (commands, "Commands:\n  demo "), "%s",
      r.out);
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("demo", "--help");
  ck_assert_int_eq (r.status, 0);
  ck_assert (strstr (r.out, "ratinggate") && strstr (r.out, "--input") &&
             strstr (r.out, "--start-time") && strstr (r.out, "--output"));
  ws_test_run_clear (&r);
}
END_TEST

/* The sample from 20:59:58: two seconds of slate, then ten seconds of
 * programme with 3 s of flashing at 4 s and 4 s of loud tone at 8 s. */
START_TEST (test_demo_sample_gate_badge_and_check)
{
  JsonParser *parser = json_parser_new ();
  char *out = g_build_filename (tmpdir, "out", NULL);
  WsTestRun r = WS_TEST_RUN ("demo", "--output", out, "--duration", "12",
      "--start-time", "2026-07-01T20:59:58+01:00", "--json");
  JsonObject *o, *file, *flash, *loud, *planted, *range;
  JsonArray *gate, *files, *incidents;
  Stream v = { 0 }, a = { 0 };
  double lufs;
  gboolean flash_found = FALSE;

  ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
  o = ws_test_parse_object (parser, r.out);

  /* The MP4 exists and decodes: 12 s of 720p25 H.264 and AAC. */
  ck_assert (
      g_str_has_prefix (json_object_get_string_member (o, "video"), tmpdir));
  ck_assert (g_file_test (json_object_get_string_member (o, "video"),
      G_FILE_TEST_IS_REGULAR));
  probe_stream (json_object_get_string_member (o, "video"), "v:0", &v);
  ck_assert_str_eq (v.codec, "h264");
  ck_assert_int_eq (v.width, 1280);
  ck_assert_int_eq (v.height, 720);
  ck_assert_int_eq (v.frames, 300);
  probe_stream (json_object_get_string_member (o, "video"), "a:0", &a);
  ck_assert_str_eq (a.codec, "aac");
  ck_assert_msg (fabs (a.duration_s - 12.0) < 0.1, "audio %.3f s",
      a.duration_s);
  {
    char *part = g_strconcat (json_object_get_string_member (o, "video"),
        ".part", NULL);

    /* Written as demo.mp4.part, renamed when complete. */
    ck_assert (!g_file_test (part, G_FILE_TEST_EXISTS));
    g_free (part);
  }

  /* The as-run log: blocked at 20:59:58, allowed at 21:00:00 on the dot,
   * for both gates. */
  assert_as_run (json_object_get_string_member (o, "as_run_log"), "video-gate",
      "2026-07-01T20:59:58+01:00", "2026-07-01T21:00:00+01:00", 2000000000);
  assert_as_run (json_object_get_string_member (o, "as_run_log"), "audio-gate",
      "2026-07-01T20:59:58+01:00", "2026-07-01T21:00:00+01:00", 2000000000);
  /* the UK's warning where the gates opened, once */
  assert_warning_logged (json_object_get_string_member (o, "as_run_log"),
      2000000000);

  /* What the demo says happened. */
  ck_assert_str_eq (json_object_get_string_member (o, "rating"), "bbfc:15");
  ck_assert_str_eq (json_object_get_string_member (o, "rating_text"),
      "Contains strong language and flashing images");
  gate = json_object_get_array_member (o, "gate");
  ck_assert_int_eq (json_array_get_length (gate), 2);
  ck_assert (
      !json_object_get_boolean_member (json_array_get_object_element (gate, 0),
          "allowed"));
  ck_assert (
      json_object_get_boolean_member (json_array_get_object_element (gate, 1),
          "allowed"));
  ck_assert_double_eq_tol (
      json_object_get_double_member (json_array_get_object_element (gate, 1),
          "running_time_s"),
      2.0, 1e-9);
  ck_assert_double_eq_tol (
      json_object_get_double_member (json_object_get_object_member (o, "badge"),
          "start_s"),
      2.0, 1e-9);
  planted = json_object_get_object_member (o, "planted");
  range = json_object_get_object_member (planted, "flash");
  ck_assert_double_eq_tol (json_object_get_double_member (range, "start_s"),
      4.0, 1e-9);
  ck_assert_double_eq_tol (json_object_get_double_member (range, "end_s"), 7.0,
      1e-9);
  range = json_object_get_object_member (planted, "loud");
  ck_assert_double_eq_tol (json_object_get_double_member (range, "start_s"),
      8.0, 1e-9);
  ck_assert_double_eq_tol (json_object_get_double_member (range, "end_s"), 12.0,
      1e-9);

  /* `watershed check` found what was planted. */
  ck_assert_int_eq (json_object_get_int_member (o, "check_exit_status"), 1);
  files = json_object_get_array_member (o, "check");
  ck_assert_int_eq (json_array_get_length (files), 1);
  file = json_array_get_object_element (files, 0);
  ck_assert_str_eq (json_object_get_string_member (file, "status"), "fail");
  flash = json_object_get_object_member (file, "flash");
  ck_assert_str_eq (json_object_get_string_member (flash, "verdict"), "fail");
  incidents = json_object_get_array_member (flash, "incidents");
  for (guint i = 0; i < json_array_get_length (incidents); i++) {
    JsonObject *inc = json_array_get_object_element (incidents, i);

    /* Detection windows blur the edges by up to a second. */
    if (json_object_get_double_member (inc, "start_s") < 7.0 &&
        json_object_get_double_member (inc, "end_s") > 4.0 &&
        fabs (json_object_get_double_member (inc, "start_s") - 4.0) < 1.0)
      flash_found = TRUE;
  }
  ck_assert_msg (flash_found, "no flash incident near 4-7 s");
  loud = json_object_get_object_member (file, "loudness");
  ck_assert_str_eq (json_object_get_string_member (loud, "verdict"), "fail");
  /* 6 s at -23 LUFS and 4 s at -13 LUFS (the slate is silent, below the
   * absolute gate): 10 log10 ((6 * 10^-2.3 + 4 * 10^-1.3) / 10) = -16.4. */
  lufs = json_object_get_double_member (loud, "integrated_lufs");
  ck_assert_msg (fabs (lufs - -16.4) < 1.0, "integrated %.2f LUFS", lufs);

  /* The reports next to the video. */
  ck_assert (
      file_contains (json_object_get_string_member (o, "report_html"), "<svg"));
  ck_assert (file_contains (json_object_get_string_member (o, "report_json"),
      "\"files\""));

  g_free (v.codec);
  g_free (a.codec);
  g_free (out);
  ws_test_run_clear (&r);
  g_object_unref (parser);
}
END_TEST

/* The human summary names the three files and the 21:00 change. */
START_TEST (test_demo_text_summary)
{
  char *out = g_build_filename (tmpdir, "text", NULL);
  char *video = g_build_filename (out, "demo.mp4", NULL);
  char *html = g_build_filename (out, "report.html", NULL);
  char *asrun = g_build_filename (out, "as-run.jsonl", NULL);
  WsTestRun r = WS_TEST_RUN ("demo", "--output", out, "--duration", "4",
      "--start-time", "2026-07-01T20:59:59+01:00");

  ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
  ck_assert_msg (strstr (r.out, video) && strstr (r.out, html) &&
                     strstr (r.out, asrun),
      "%s", r.out);
  ck_assert_msg (strstr (r.out, "20:59:59  gate closed") &&
                     strstr (r.out, "until 21:00:00") &&
                     strstr (r.out, "21:00:00  gate open") &&
                     strstr (r.out, "badge bbfc:15") &&
                     strstr (r.out, "1.0 s  warning card and spoken "
                                    "announcement (espeak-ng) for 5 s"),
      "%s", r.out);
  ck_assert (strstr (r.out, "loudness:") && strstr (r.out, "flash:"));
  ws_test_run_clear (&r);

  /* A second run into the same folder starts a new as-run log. */
  r = WS_TEST_RUN ("demo", "--output", out, "--duration", "4", "--start-time",
      "2026-07-01T20:59:59+01:00");
  ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
  assert_as_run (asrun, "video-gate", "2026-07-01T20:59:59+01:00",
      "2026-07-01T21:00:00+01:00", 1000000000);
  ck_assert (g_file_test (video, G_FILE_TEST_IS_REGULAR));
  ck_assert (g_file_test (html, G_FILE_TEST_IS_REGULAR));
  ws_test_run_clear (&r);
  g_free (video);
  g_free (html);
  g_free (asrun);
  g_free (out);
}
END_TEST

/* --input: a file of the user's (here the demo's own output) decoded by
 * uridecodebin, rated by its sidecar (demo.xml next to demo.mp4), aired
 * after the watershed: the gate is open throughout. */
START_TEST (test_demo_input_file)
{
  JsonParser *parser = json_parser_new ();
  char *first = g_build_filename (tmpdir, "first", NULL);
  char *second = g_build_filename (tmpdir, "second", NULL);
  char *input = g_build_filename (first, "demo.mp4", NULL);
  char *sidecar = g_build_filename (first, "demo.xml", NULL);
  char *sample = g_build_filename (g_getenv ("WS_SOURCE_ROOT"), "ratings",
      "samples", "demo-bbfc15.xml", NULL);
  char *xml = NULL;
  WsTestRun r = WS_TEST_RUN ("demo", "--output", first, "--duration", "3");
  JsonObject *o;
  JsonArray *gate;
  Stream v = { 0 };

  ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
  ws_test_run_clear (&r);
  ck_assert (g_file_get_contents (sample, &xml, NULL, NULL));
  ck_assert (g_file_set_contents (sidecar, xml, -1, NULL));
  r = WS_TEST_RUN ("demo", "--input", input, "--output", second, "--start-time",
      "2026-07-01T22:00:00+01:00", "--json");
  ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
  o = ws_test_parse_object (parser, r.out);
  ck_assert_str_eq (json_object_get_string_member (o, "input"), input);
  ck_assert_str_eq (json_object_get_string_member (o, "metadata"), sidecar);
  ck_assert_str_eq (json_object_get_string_member (o, "rating"), "bbfc:15");
  gate = json_object_get_array_member (o, "gate");
  ck_assert_int_eq (json_array_get_length (gate), 1);
  ck_assert (
      json_object_get_boolean_member (json_array_get_object_element (gate, 0),
          "allowed"));
  ck_assert (
      json_object_get_null_member (json_object_get_object_member (o, "planted"),
          "flash"));
  probe_stream (json_object_get_string_member (o, "video"), "v:0", &v);
  ck_assert_str_eq (v.codec, "h264");
  ck_assert_int_eq (v.frames, 75);
  g_free (v.codec);
  ws_test_run_clear (&r);
  g_free (xml);
  g_free (sample);
  g_free (sidecar);
  g_free (input);
  g_free (first);
  g_free (second);
  g_object_unref (parser);
}
END_TEST

START_TEST (test_demo_usage_errors)
{
  char *out = g_build_filename (tmpdir, "never", NULL);
  WsTestRun r = WS_TEST_RUN ("demo", "--output", out, "--policy", "xx-nowhere");

  ck_assert_int_eq (r.status, 2);
  ck_assert_msg (strstr (r.err, "xx-nowhere") != NULL, "%s", r.err);
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("demo", "--output", out, "--duration", "0");
  ck_assert_int_eq (r.status, 2);
  ck_assert_msg (strstr (r.err, "--duration") != NULL, "%s", r.err);
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("demo", "--output", out, "--start-time", "tomorrow");
  ck_assert_int_eq (r.status, 2);
  ck_assert_msg (strstr (r.err, "--start-time") != NULL, "%s", r.err);
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("demo", "--output", out, "--input", "/nonexistent/film.mp4");
  ck_assert_int_eq (r.status, 2);
  ck_assert_msg (strstr (r.err, "/nonexistent/film.mp4: no such file"), "%s",
      r.err);
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("demo", "--output", out, "--metadata", "/nonexistent/m.xml");
  ck_assert_int_eq (r.status, 2);
  ck_assert_msg (strstr (r.err, "/nonexistent/m.xml: no such file"), "%s",
      r.err);
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("demo", "--output", out, "stray-argument");
  ck_assert_int_eq (r.status, 2);
  ws_test_run_clear (&r);

  /* Nothing was written for a usage error. */
  ck_assert (!g_file_test (out, G_FILE_TEST_EXISTS));
  g_free (out);
}
END_TEST

/* A metadata file that is not XML: a clear error naming it, exit 2. */
START_TEST (test_demo_bad_metadata)
{
  char *bad = g_build_filename (tmpdir, "bad.xml", NULL);
  char *out = g_build_filename (tmpdir, "never", NULL);
  WsTestRun r;

  ck_assert (g_file_set_contents (bad, "this is not XML\n", -1, NULL));
  r = WS_TEST_RUN ("demo", "--output", out, "--metadata", bad);
  ck_assert_int_eq (r.status, 2);
  ck_assert_msg (strstr (r.err, bad) != NULL, "%s", r.err);
  ck_assert (!g_file_test (out, G_FILE_TEST_EXISTS));
  ws_test_run_clear (&r);
  g_free (bad);
  g_free (out);
}
END_TEST

/* Without GStreamer's own plugins: the demo names the missing elements and
 * the Debian packages that provide them, and writes nothing. */
START_TEST (test_demo_missing_elements)
{
  char *out = g_build_filename (tmpdir, "never", NULL);
  char *registry = g_build_filename (tmpdir, "registry.bin", NULL);
  char **env = g_get_environ ();
  WsTestRun r;

  env = g_environ_setenv (env, "GST_PLUGIN_SYSTEM_PATH_1_0", "", TRUE);
  env = g_environ_setenv (env, "GST_PLUGIN_PATH_1_0", "", TRUE);
  env = g_environ_unsetenv (env, "GST_PLUGIN_PATH");
  env = g_environ_setenv (env, "GST_REGISTRY_1_0", registry, TRUE);
  r = ws_test_run_env (g_getenv ("WS_WATERSHED"),
      (const char *const[]){ "demo", "--output", out, NULL }, env);
  ck_assert_int_eq (r.status, 2);
  ck_assert_msg (strstr (r.err, "x264enc") &&
                     strstr (r.err,
                         "apt-get install gstreamer1.0-plugins-ugly"),
      "%s", r.err);
  ck_assert_msg (strstr (r.err, "mp4mux") &&
                     strstr (r.err, "gstreamer1.0-plugins-good"),
      "%s", r.err);
  ck_assert (!g_file_test (out, G_FILE_TEST_EXISTS));
  ws_test_run_clear (&r);
  g_strfreev (env);
  g_free (registry);
  g_free (out);
}
END_TEST

static Suite *
demo_suite (void)
{
  Suite *s = suite_create ("demo");
  TCase *tc;

  tc = tcase_create ("core");
  tcase_add_checked_fixture (tc, setup_tmpdir, teardown_tmpdir);
  tcase_set_timeout (tc, 240);
  tcase_add_test (tc, test_demo_help_lists_demo_first);
  tcase_add_test (tc, test_demo_sample_gate_badge_and_check);
  tcase_add_test (tc, test_demo_text_summary);
  tcase_add_test (tc, test_demo_input_file);
  suite_add_tcase (s, tc);

  tc = tcase_create ("errors");
  tcase_add_checked_fixture (tc, setup_tmpdir, teardown_tmpdir);
  tcase_add_test (tc, test_demo_usage_errors);
  tcase_add_test (tc, test_demo_bad_metadata);
  tcase_add_test (tc, test_demo_missing_elements);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (demo_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
