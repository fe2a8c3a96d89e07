/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CLI tests for `watershed stamp` on media made here by ffmpeg (1 s,
 * 64x48): the ratings read back by `watershed check`, ffprobe, AtomicParsley
 * and mkvextract; the media unchanged (framemd5); the exit codes and the
 * atomic output. Skipped (77) without ffmpeg. */
#include <check.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ws-test-cli.h"

static char *tmp_dir;
static char *demo_metadata;

static char *
path_of (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static gboolean
have (const char *tool)
{
  char *p = g_find_program_in_path (tool);
  gboolean ok = p != NULL;

  if (!ok)
    fprintf (stderr, "%s is not installed: its assertion is skipped\n", tool);
  g_free (p);
  return ok;
}

static char *
tool_out (const char *const *args)
{
  WsTestRun r = ws_test_run (args[0], args + 1);
  char *out;

  ck_assert_msg (r.status == 0, "%s failed: %s", args[0], r.err);
  out = g_steal_pointer (&r.out);
  ws_test_run_clear (&r);
  return out;
}

#define TOOL_OUT(...) tool_out ((const char *const[]){ __VA_ARGS__, NULL })

static void
assert_same_media (const char *a, const char *b)
{
  char *ma = TOOL_OUT ("ffmpeg", "-v", "error", "-i", a, "-map", "0", "-c",
      "copy", "-f", "framemd5", "-");
  char *mb = TOOL_OUT ("ffmpeg", "-v", "error", "-i", b, "-map", "0", "-c",
      "copy", "-f", "framemd5", "-");

  ck_assert_uint_gt (strlen (ma), 100);
  ck_assert_str_eq (ma, mb);
  g_free (ma);
  g_free (mb);
}

/* `watershed check --json FILE`: its embedded ratings, as "CC system:code"
 * lines */
static char *
checked_ratings (const char *file)
{
  WsTestRun r = WS_TEST_RUN ("check", "--json", file);
  JsonParser *parser = json_parser_new ();
  JsonObject *root, *f, *rating;
  JsonArray *ratings;
  GString *s = g_string_new (NULL);

  /* exit 1 is the loudness of the test tone; the ratings are read */
  ck_assert_msg (r.status != 2, "check: %s", r.err);
  root = ws_test_parse_object (parser, r.out);
  f = json_array_get_object_element (json_object_get_array_member (root,
                                         "files"),
      0);
  rating = json_object_get_object_member (f, "rating");
  ratings = json_object_get_array_member (rating, "ratings");
  for (guint i = 0; i < json_array_get_length (ratings); i++) {
    JsonObject *o = json_array_get_object_element (ratings, i);

    if (g_strcmp0 (json_object_get_string_member (o, "source"), "embedded"))
      continue;
    g_string_append_printf (s, "%s %s:%s\n",
        json_object_get_string_member (o, "territory"),
        json_object_get_string_member (o, "system"),
        json_object_get_string_member (o, "code"));
  }
  g_object_unref (parser);
  ws_test_run_clear (&r);
  return g_string_free (s, FALSE);
}

static void
assert_absent (const char *path)
{
  ck_assert_msg (!g_file_test (path, G_FILE_TEST_EXISTS), "%s exists", path);
}

static void
assert_nothing_left (void)
{
  GDir *dir = g_dir_open (tmp_dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    ck_assert_msg (strstr (name, ".stamp-") == NULL, "left behind: %s", name);
  g_dir_close (dir);
}

/* ---- tests ---------------------------------------------------------------- */

START_TEST (test_stamp_cli_help)
{
  WsTestRun r = WS_TEST_RUN ("stamp", "--help");

  ck_assert_int_eq (r.status, 0);
  ck_assert (strstr (r.out, "iTunEXTC") != NULL);
  ck_assert (strstr (r.out, "LAW_RATING") != NULL);
  ck_assert (strstr (r.out, "--in-place") != NULL);
  ws_test_run_clear (&r);
  r = WS_TEST_RUN ("--help");
  ck_assert (strstr (r.out, "stamp") != NULL);
  ws_test_run_clear (&r);
}
END_TEST

START_TEST (test_stamp_cli_mp4_round_trip)
{
  char *in = path_of ("in.mp4"), *out = path_of ("rated.mp4"), *got;
  WsTestRun r = WS_TEST_RUN ("stamp", in, "-o", out, "--rating", "bbfc:15",
      "--json");
  JsonParser *parser = json_parser_new ();
  JsonObject *root, *o;

  ck_assert_msg (r.status == 0, "%s", r.err);
  root = ws_test_parse_object (parser, r.out);
  ck_assert_str_eq (json_object_get_string_member (root, "container"), "mp4");
  ck_assert (json_object_get_null_member (root, "error"));
  o = json_array_get_object_element (json_object_get_array_member (root,
                                         "ratings"),
      0);
  ck_assert_str_eq (json_object_get_string_member (o, "territory"), "GB");
  ck_assert_str_eq (json_object_get_string_member (o, "system"), "bbfc");
  ck_assert_str_eq (json_object_get_string_member (o, "code"), "15");
  ck_assert_int_eq (json_object_get_int_member (o, "minimum_age"), 15);
  g_object_unref (parser);
  ws_test_run_clear (&r);

  got = checked_ratings (out);
  ck_assert_str_eq (got, "GB bbfc:15\n");
  g_free (got);
  assert_same_media (in, out);
  if (have ("ffprobe")) {
    char *s = TOOL_OUT ("ffprobe", "-v", "error", "-show_format", out);

    ck_assert_msg (strstr (s, "TAG:iTunEXTC=uk-movie|15|350|\n") != NULL, "%s",
        s);
    g_free (s);
  }
  if (have ("AtomicParsley")) {
    char *s = TOOL_OUT ("AtomicParsley", out, "-t");

    ck_assert_msg (strstr (s, "Atom \"----\" [com.apple.iTunes;iTunEXTC] "
                              "contains: uk-movie|15|350|") != NULL,
        "%s", s);
    g_free (s);
  }
  g_free (in);
  g_free (out);
}
END_TEST

START_TEST (test_stamp_cli_mp4_one_territory)
{
  char *in = path_of ("in.mp4"), *out = path_of ("de.mp4"), *got;
  WsTestRun r = WS_TEST_RUN ("stamp", in, "-o", out, "--metadata",
      demo_metadata);

  /* three territories, one iTunEXTC: refused, nothing written */
  ck_assert_int_eq (r.status, 2);
  ck_assert_msg (strstr (r.err, "--territory") != NULL, "%s", r.err);
  assert_absent (out);
  assert_nothing_left ();
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("stamp", in, "-o", out, "--metadata", demo_metadata,
      "--territory", "DE");
  ck_assert_msg (r.status == 0, "%s", r.err);
  ws_test_run_clear (&r);
  got = checked_ratings (out);
  ck_assert_str_eq (got, "DE fsk:16\n");
  g_free (got);
  if (have ("ffprobe")) {
    char *s = TOOL_OUT ("ffprobe", "-v", "error", "-show_format", out);

    ck_assert_msg (strstr (s,
                       "TAG:iTunEXTC=de-movie|Ab 16 Jahren|500|"
                       "Enthält derbe Sprache und Lichtblitze\n") != NULL,
        "%s", s);
    g_free (s);
  }
  g_free (in);
  g_free (out);
}
END_TEST

START_TEST (test_stamp_cli_matroska)
{
  char *in = path_of ("in.mkv"), *all = path_of ("all.mkv");
  char *de = path_of ("de.mkv"), *got;
  WsTestRun r = WS_TEST_RUN ("stamp", in, "-o", all, "--metadata",
      demo_metadata);

  ck_assert_msg (r.status == 0, "%s", r.err);
  ck_assert (strstr (r.out, "GB bbfc:15, DE fsk:16, FR csa:-16") != NULL);
  ws_test_run_clear (&r);
  assert_same_media (in, all);
  if (have ("mkvextract")) {
    char *xml = TOOL_OUT ("mkvextract", all, "tags", "-");
    static const char *const pairs[][2] = { { "GB", "15" }, { "DE", "16" },
      { "FR", "-16" } };

    for (gsize i = 0; i < G_N_ELEMENTS (pairs); i++) {
      char *pattern =
          g_strdup_printf ("<Name>COUNTRY</Name>\\s*<String>%s</"
                           "String>\\s*<Simple>\\s*"
                           "<Name>LAW_RATING</Name>\\s*<String>%s</String>",
              pairs[i][0], pairs[i][1]);

      ck_assert_msg (g_regex_match_simple (pattern, xml, 0, 0), "%s: %s",
          pattern, xml);
      g_free (pattern);
    }
    g_free (xml);
  }
  /* `watershed check` reads the file's own Tags: every COUNTRY counts */
  got = checked_ratings (all);
  ck_assert_str_eq (got, "GB bbfc:15\nDE fsk:16\nFR csa:-16\n");
  g_free (got);

  r = WS_TEST_RUN ("stamp", in, "-o", de, "--metadata", demo_metadata,
      "--territory", "de");
  ck_assert_msg (r.status == 0, "%s", r.err);
  ws_test_run_clear (&r);
  got = checked_ratings (de);
  ck_assert_str_eq (got, "DE fsk:16\n");
  g_free (got);
  g_free (in);
  g_free (all);
  g_free (de);
}
END_TEST

START_TEST (test_stamp_cli_most_restrictive)
{
  char *in = path_of ("in.mkv"), *out = path_of ("two.mkv");
  char *md = path_of ("two.xml"), *got;
  WsTestRun r;
  JsonParser *parser = json_parser_new ();
  JsonObject *root;

  ck_assert (g_file_set_contents (md,
      "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" version=\"1\">\n"
      "  <programme id=\"P1\" title=\"Two\">\n"
      "    <rating territory=\"GB\" system=\"bbfc\" code=\"12A\"/>\n"
      "    <rating territory=\"GB\" system=\"fvc\" code=\"fifteen\"/>\n"
      "  </programme>\n"
      "</watershed-metadata>\n",
      -1, NULL));
  r = WS_TEST_RUN ("stamp", in, "-o", out, "--metadata", md, "--json");
  ck_assert_msg (r.status == 0, "%s", r.err);
  ck_assert_msg (strstr (r.err, "most restrictive") != NULL, "%s", r.err);
  root = ws_test_parse_object (parser, r.out);
  ck_assert_uint_eq (json_array_get_length (
                         json_object_get_array_member (root, "warnings")),
      1);
  g_object_unref (parser);
  ws_test_run_clear (&r);
  got = checked_ratings (out);
  ck_assert_str_eq (got, "GB fvc:fifteen\n");
  g_free (got);
  g_free (in);
  g_free (out);
  g_free (md);
}
END_TEST

START_TEST (test_stamp_cli_errors)
{
  char *in = path_of ("in.mp4"), *out = path_of ("err.mp4");
  char *text = path_of ("notes.txt"), *copy = path_of ("copy.mp4"), *got;
  char *contents;
  gsize len;
  WsTestRun r;

  /* unknown rating */
  r = WS_TEST_RUN ("stamp", in, "-o", out, "--rating", "bbfc:99");
  ck_assert_int_eq (r.status, 2);
  ck_assert_msg (strstr (r.err, "bbfc:99") != NULL, "%s", r.err);
  ws_test_run_clear (&r);
  assert_absent (out);
  /* unsupported container */
  ck_assert (g_file_set_contents (text, "just some notes\n", -1, NULL));
  r = WS_TEST_RUN ("stamp", text, "-o", out, "--rating", "bbfc:15");
  ck_assert_int_eq (r.status, 2);
  ck_assert_msg (strstr (r.err, "notes.txt") != NULL, "%s", r.err);
  ws_test_run_clear (&r);
  assert_absent (out);
  /* a rating iTunEXTC cannot carry; --json still prints one document */
  r = WS_TEST_RUN ("stamp", in, "-o", out, "--rating", "dvb:16", "--territory",
      "DE", "--json");
  ck_assert_int_eq (r.status, 2);
  {
    JsonParser *parser = json_parser_new ();
    JsonObject *root = ws_test_parse_object (parser, r.out);

    ck_assert_str_eq (json_object_get_string_member (root, "container"), "mp4");
    ck_assert (strstr (json_object_get_string_member (root, "error"),
                   "dvb:16") != NULL);
    g_object_unref (parser);
  }
  ws_test_run_clear (&r);
  assert_absent (out);
  /* usage */
  r = WS_TEST_RUN ("stamp", in, "--rating", "bbfc:15");
  ck_assert_int_eq (r.status, 2);
  ws_test_run_clear (&r);
  r = WS_TEST_RUN ("stamp", in, "-o", out, "--rating", "bbfc:15", "--metadata",
      demo_metadata);
  ck_assert_int_eq (r.status, 2);
  ws_test_run_clear (&r);
  r = WS_TEST_RUN ("stamp", in, "-o", in, "--rating", "bbfc:15");
  ck_assert_int_eq (r.status, 2);
  ck_assert_msg (strstr (r.err, "--in-place") != NULL, "%s", r.err);
  ws_test_run_clear (&r);
  assert_nothing_left ();

  /* --in-place */
  ck_assert (g_file_get_contents (in, &contents, &len, NULL));
  ck_assert (g_file_set_contents (copy, contents, len, NULL));
  g_free (contents);
  r = WS_TEST_RUN ("stamp", copy, "--in-place", "--rating", "us-tv:TV-14");
  ck_assert_msg (r.status == 0, "%s", r.err);
  ws_test_run_clear (&r);
  got = checked_ratings (copy);
  ck_assert_str_eq (got, "US us-tv:TV-14\n");
  g_free (got);
  assert_same_media (in, copy);
  g_free (in);
  g_free (out);
  g_free (text);
  g_free (copy);
}
END_TEST

/* ---- media ---------------------------------------------------------------- */

static void
make (const char *name, const char *format)
{
  char *out = path_of (name);
  WsTestRun r = ws_test_run ("ffmpeg",
      (const char *const[]){ "-v", "error", "-y", "-f", "lavfi", "-i",
          "testsrc=size=64x48:rate=10", "-f", "lavfi", "-i",
          "sine=frequency=440:sample_rate=8000", "-t", "1", "-c:v", "libx264",
          "-c:a", "aac", "-shortest", "-f", format, out, NULL });

  ck_assert_msg (r.status == 0, "ffmpeg: %s", r.err);
  ws_test_run_clear (&r);
  g_free (out);
}

static void
ensure_media (void)
{
  char *ready = path_of (".ready");

  if (!g_file_test (ready, G_FILE_TEST_EXISTS)) {
    make ("in.mp4", "mp4");
    make ("in.mkv", "matroska");
    ck_assert (g_file_set_contents (ready, "", 0, NULL));
  }
  g_free (ready);
}

static Suite *
stamp_cli_suite (void)
{
  Suite *s = suite_create ("stamp-cli");
  TCase *tc = tcase_create ("core");

  tcase_add_checked_fixture (tc, ensure_media, NULL);
  tcase_add_test (tc, test_stamp_cli_help);
  tcase_add_test (tc, test_stamp_cli_mp4_round_trip);
  tcase_add_test (tc, test_stamp_cli_mp4_one_territory);
  tcase_add_test (tc, test_stamp_cli_matroska);
  tcase_add_test (tc, test_stamp_cli_most_restrictive);
  tcase_add_test (tc, test_stamp_cli_errors);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr;
  int failed;
  char *ff = g_find_program_in_path ("ffmpeg");

  if (ff == NULL) {
    fprintf (stderr, "ffmpeg is not installed: skipped\n");
    return 77;
  }
  g_free (ff);
  tmp_dir = g_dir_make_tmp ("ws-stamp-cli-XXXXXX", NULL);
  if (tmp_dir == NULL)
    return 1;
  demo_metadata = g_build_filename (g_getenv ("WS_SOURCE_ROOT"), "ratings",
      "samples", "demo-bbfc15.xml", NULL);
  sr = srunner_create (stamp_cli_suite ());
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  ws_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  g_free (demo_metadata);
  return failed == 0 ? 0 : 1;
}
