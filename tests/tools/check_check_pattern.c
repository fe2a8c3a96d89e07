/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `watershed check` on regular patterns (issue #16): stripes drawn by
 * ffmpeg's geq into H.264 files in a temporary folder, the pattern incident
 * in the JSON report (kind, times, area, stripe_pairs), the text message and
 * the JUnit report. */
#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "ws-test-cli.h"

static char *tmp;

static void
setup (void)
{
  tmp = g_dir_make_tmp ("ws-pattern-XXXXXX", NULL);
  ck_assert_ptr_nonnull (tmp);
}

static void
teardown (void)
{
  ws_test_remove_tree (tmp);
  g_free (tmp);
}

/* 2 s of 320x180 at 25 fps, black, with white stripes (period @period px,
 * across the first @width px) from 0.4 s to 1.4 s. */
static char *
make_stripes (const char *name, int period, int width)
{
  char *path = g_build_filename (tmp, name, NULL);
  char *src = g_strdup_printf ("nullsrc=s=320x180:r=25:d=2,format=gray,"
                               "geq=lum='if(between(T\\,0.4\\,1.4)*lt(X\\,%d)*"
                               "lt(mod(X\\,%d)\\,%d)\\,235\\,16)'",
      width, period, period / 2);
  gboolean ok = WS_TEST_FFMPEG ("-f", "lavfi", "-i", src, "-c:v", "libx264",
      "-preset", "ultrafast", "-pix_fmt", "yuv420p", path);

  g_free (src);
  if (!ok) {
    g_free (path);
    return NULL;
  }
  return path;
}

static JsonObject *
flash_of (JsonParser *parser, const char *json)
{
  JsonObject *root = ws_test_parse_object (parser, json);
  JsonArray *files = json_object_get_array_member (root, "files");
  JsonObject *file;

  ck_assert_uint_eq (json_array_get_length (files), 1);
  file = json_array_get_object_element (files, 0);
  ck_assert (json_object_has_member (file, "flash"));
  return json_object_get_object_member (file, "flash");
}

START_TEST (test_check_pattern_incident_in_reports)
{
  char *mp4 = make_stripes ("stripes.mp4", 16, 320);
  char *junit = g_build_filename (tmp, "report.xml", NULL);
  char *xml = NULL;
  JsonParser *parser = json_parser_new ();
  JsonObject *flash, *inc;
  JsonArray *incs;
  WsTestRun r;

  if (mp4 == NULL) {
    printf ("ffmpeg with libx264 not available: pattern check skipped\n");
    g_object_unref (parser);
    g_free (junit);
    return;
  }
  r = WS_TEST_RUN ("check", mp4, "--json");
  ck_assert_int_eq (r.status, 1);
  flash = flash_of (parser, r.out);
  ck_assert_str_eq (json_object_get_string_member (flash, "verdict"), "fail");
  incs = json_object_get_array_member (flash, "incidents");
  ck_assert_uint_eq (json_array_get_length (incs), 1);
  inc = json_array_get_object_element (incs, 0);
  ck_assert_str_eq (json_object_get_string_member (inc, "kind"), "pattern");
  ck_assert_str_eq (json_object_get_string_member (inc, "verdict"), "fail");
  ck_assert_double_eq_tol (json_object_get_double_member (inc, "start_s"), 0.4,
      1e-6);
  ck_assert_double_eq_tol (json_object_get_double_member (inc, "end_s"), 1.4,
      1e-6);
  ck_assert_double_eq_tol (json_object_get_double_member (inc, "peak_area"),
      1.0, 0.03);
  ck_assert_int_eq (json_object_get_int_member (inc, "stripe_pairs"), 20);
  ck_assert_ptr_nonnull (
      strstr (json_object_get_string_member (flash, "message"),
          "regular pattern 0.400-1.400 s, 20 light-dark stripe pairs"));
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("check", mp4, "--junit", junit);
  ck_assert_int_eq (r.status, 1);
  ck_assert_ptr_nonnull (strstr (r.out, "regular pattern"));
  ck_assert (g_file_get_contents (junit, &xml, NULL, NULL));
  ck_assert_ptr_nonnull (strstr (xml, "20 light-dark stripe pairs"));
  ws_test_run_clear (&r);
  g_free (xml);
  g_object_unref (parser);
  g_free (junit);
  g_free (mp4);
}
END_TEST

START_TEST (test_check_pattern_five_pairs_pass)
{
  /* 5 pairs of 32 px over half the screen: not a pattern */
  char *mp4 = make_stripes ("five.mp4", 32, 160);
  JsonParser *parser = json_parser_new ();
  JsonObject *flash;
  WsTestRun r;

  if (mp4 == NULL) {
    printf ("ffmpeg with libx264 not available: pattern check skipped\n");
    g_object_unref (parser);
    return;
  }
  r = WS_TEST_RUN ("check", mp4, "--json");
  flash = flash_of (parser, r.out);
  ck_assert_str_eq (json_object_get_string_member (flash, "verdict"), "pass");
  ck_assert_uint_eq (json_array_get_length (
                         json_object_get_array_member (flash, "incidents")),
      0);
  ws_test_run_clear (&r);
  g_object_unref (parser);
  g_free (mp4);
}
END_TEST

static Suite *
check_pattern_suite (void)
{
  Suite *s = suite_create ("check-pattern");
  TCase *tc = tcase_create ("reports");

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_check_pattern_incident_in_reports);
  tcase_add_test (tc, test_check_pattern_five_pairs_pass);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (check_pattern_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
