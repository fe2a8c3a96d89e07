/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CLI tests for `watershed check`, on media made here by ffmpeg's lavfi
 * sources (a few seconds at 160x90): a good folder, a file per failure kind,
 * broken files, and the JSON, JUnit and HTML reports. Also unit tests of the
 * MPEG-TS EIT scanner (tools/ws-check.c). Skipped (77) without ffmpeg. */
#include <check.h>
#include <json-glib/json-glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include "ws-check.h"
#include "ws-embedded.h"
#include "ws-test-cli.h"
#include "ws-test-util.h"

static char *tmp_dir;

/* ---- media --------------------------------------------------------------- */

static char *
media (const char *relative)
{
  return g_build_filename (tmp_dir, relative, NULL);
}

/* ---- JSON helpers -------------------------------------------------------- */

static JsonArray *
parse_files (JsonParser *parser, const char *text)
{
  return json_object_get_array_member (ws_test_parse_object (parser, text),
      "files");
}

/* The file whose path ends with @name. */
static JsonObject *
file_named (JsonArray *files, const char *name)
{
  for (guint i = 0; i < json_array_get_length (files); i++) {
    JsonObject *o = json_array_get_object_element (files, i);

    if (g_str_has_suffix (json_object_get_string_member (o, "path"), name))
      return o;
  }
  ck_abort_msg ("no file %s in the report", name);
  return NULL;
}

/* The status of check @id (with @subject, or the first) of @file. */
static const char *
check_status (JsonObject *file, const char *id, const char *subject,
    const char **message)
{
  JsonArray *checks = json_object_get_array_member (file, "checks");

  for (guint i = 0; i < json_array_get_length (checks); i++) {
    JsonObject *c = json_array_get_object_element (checks, i);
    JsonNode *s = json_object_get_member (c, "subject");

    if (strcmp (json_object_get_string_member (c, "id"), id) != 0)
      continue;
    if (subject != NULL && (JSON_NODE_HOLDS_NULL (s) ||
                               strcmp (json_node_get_string (s), subject) != 0))
      continue;
    if (message)
      *message = json_object_get_string_member (c, "message");
    return json_object_get_string_member (c, "status");
  }
  ck_abort_msg ("no check %s%s%s", id, subject ? " " : "",
      subject ? subject : "");
  return NULL;
}

/* ---- the good folder ----------------------------------------------------- */

START_TEST (test_check_good_folder_passes)
{
  char *dir = media ("good");
  JsonParser *parser = json_parser_new ();
  WsTestRun r = WS_TEST_RUN ("check", "--json", "--jobs", "2", dir);
  JsonArray *files;
  JsonObject *f, *loud, *flash, *rating;
  JsonArray *ratings;

  ck_assert_msg (r.status == 0, "exit %d\n%s\n%s", r.status, r.out, r.err);
  files = parse_files (parser, r.out);
  ck_assert_int_eq (json_array_get_length (files), 5);
  /* input order: the folder sorted by name */
  ck_assert (
      g_str_has_suffix (json_object_get_string_member (
                            json_array_get_object_element (files, 0), "path"),
          "audio.m4a"));
  for (guint i = 0; i < 5; i++) {
    f = json_array_get_object_element (files, i);
    ck_assert_str_eq (json_object_get_string_member (f, "status"), "pass");
    ck_assert (json_object_get_null_member (f, "error"));
  }

  f = file_named (files, "good.mp4");
  loud = json_object_get_object_member (f, "loudness");
  ck_assert (fabs (json_object_get_double_member (loud, "integrated_lufs") -
                   -23.0) < 0.5);
  ck_assert (json_object_get_double_member (loud, "lra_lu") < 1.0);
  ck_assert (fabs (json_object_get_double_member (loud, "true_peak_dbtp") -
                   -22.0) < 1.0);
  ck_assert_str_eq (json_object_get_string_member (loud, "verdict"), "pass");
  flash = json_object_get_object_member (f, "flash");
  ck_assert_str_eq (json_object_get_string_member (flash, "verdict"), "pass");
  ck_assert_int_eq (json_array_get_length (
                        json_object_get_array_member (flash, "incidents")),
      0);
  ck_assert_int_eq (json_object_get_int_member (flash, "frames"), 100);
  ck_assert_str_eq (check_status (f, "rating-present", "GB", NULL), "pass");
  ck_assert_str_eq (check_status (f, "rating-agreement", "GB", NULL),
      "not-applicable");
  ck_assert_str_eq (check_status (f, "guidance-text", NULL, NULL), "pass");
  rating = json_object_get_object_member (f, "rating");
  ck_assert (
      g_str_has_suffix (json_object_get_string_member (rating, "sidecar"),
          "good.xml"));
  ck_assert_str_eq (json_object_get_string_member (rating, "sidecar_format"),
      "watershed");

  /* MP4 iTunEXTC (mdta key, written with -movflags use_metadata_tags) */
  f = file_named (files, "itunes.mp4");
  ratings = json_object_get_array_member (json_object_get_object_member (f,
                                              "rating"),
      "ratings");
  ck_assert_int_eq (json_array_get_length (ratings), 1);
  rating = json_array_get_object_element (ratings, 0);
  ck_assert_str_eq (json_object_get_string_member (rating, "source"),
      "embedded");
  ck_assert_str_eq (json_object_get_string_member (rating, "origin"),
      "iTunEXTC");
  ck_assert_str_eq (json_object_get_string_member (rating, "system"), "bbfc");
  ck_assert_str_eq (json_object_get_string_member (rating, "code"), "15");
  ck_assert_int_eq (json_object_get_int_member (rating, "minimum_age"), 15);

  /* MPEG-TS with an EIT parental_rating_descriptor GBR 0x0C = age 15 */
  f = file_named (files, "eit.ts");
  ratings = json_object_get_array_member (json_object_get_object_member (f,
                                              "rating"),
      "ratings");
  ck_assert_int_eq (json_array_get_length (ratings), 1);
  rating = json_array_get_object_element (ratings, 0);
  ck_assert_str_eq (json_object_get_string_member (rating, "origin"),
      "EIT parental_rating_descriptor");
  ck_assert_str_eq (json_object_get_string_member (rating, "territory"), "GB");
  ck_assert_int_eq (json_object_get_int_member (rating, "minimum_age"), 15);
  ck_assert_str_eq (check_status (f, "rating-present", "GB", NULL), "pass");

  /* audio only: flash not applicable; video only: loudness not applicable */
  f = file_named (files, "audio.m4a");
  ck_assert_str_eq (json_object_get_string_member (
                        json_object_get_object_member (f, "flash"), "verdict"),
      "not-applicable");
  ck_assert_str_eq (json_object_get_string_member (
                        json_object_get_object_member (f, "loudness"),
                        "verdict"),
      "pass");
  f = file_named (files, "video.mp4");
  loud = json_object_get_object_member (f, "loudness");
  ck_assert_str_eq (json_object_get_string_member (loud, "verdict"),
      "not-applicable");
  ck_assert (json_object_get_null_member (loud, "integrated_lufs"));
  ck_assert_str_eq (json_object_get_string_member (
                        json_object_get_object_member (f, "flash"), "verdict"),
      "pass");

  ws_test_run_clear (&r);
  g_object_unref (parser);
  g_free (dir);
}
END_TEST

START_TEST (test_check_text_table)
{
  char *good = media ("good/good.mp4");
  WsTestRun r = WS_TEST_RUN ("check", "--no-progress", good);

  ck_assert_int_eq (r.status, 0);
  ck_assert_msg (strstr (r.out, "STATUS") && strstr (r.out, "GB bbfc:15") &&
                     strstr (r.out, "LUFS pass") &&
                     strstr (r.out, "1 file: 1 pass, 0 fail, 0 error"),
      "%s", r.out);
  ck_assert_str_eq (r.err, ""); /* no progress bar when not a terminal */
  ws_test_run_clear (&r);
  g_free (good);
}
END_TEST

/* ---- one file per failure kind ------------------------------------------ */

START_TEST (test_check_failure_kinds)
{
  static const struct {
    const char *file, *check, *subject, *needle1, *needle2;
  } cases[] = {
    { "fail/loud.mp4", "loudness", NULL, "above the maximum", NULL },
    { "fail/flash.mp4", "flash", NULL, "luminance", NULL },
    { "fail/law.mkv", "rating-agreement", "GB", "bbfc:18", "bbfc:15" },
  };
  JsonParser *parser = json_parser_new ();
  char *path = media (cases[_i].file);
  WsTestRun r = WS_TEST_RUN ("check", "--json", path);
  JsonArray *files;
  JsonObject *f;
  const char *message = NULL;

  ck_assert_msg (r.status == 1, "%s: exit %d\n%s", cases[_i].file, r.status,
      r.err);
  files = parse_files (parser, r.out);
  f = json_array_get_object_element (files, 0);
  ck_assert_str_eq (json_object_get_string_member (f, "status"), "fail");
  ck_assert_str_eq (check_status (f, cases[_i].check, cases[_i].subject,
                        &message),
      "fail");
  ck_assert_msg (strstr (message, cases[_i].needle1), "%s", message);
  if (cases[_i].needle2)
    ck_assert_msg (strstr (message, cases[_i].needle2), "%s", message);

  if (_i == 0) {
    JsonObject *loud = json_object_get_object_member (f, "loudness");

    ck_assert (fabs (json_object_get_double_member (loud, "integrated_lufs") -
                     -10.0) < 1.0);
    ck_assert_str_eq (json_object_get_string_member (loud, "verdict"), "fail");
    ck_assert_str_eq (check_status (f, "flash", NULL, NULL), "pass");
  } else if (_i == 1) {
    JsonObject *flash = json_object_get_object_member (f, "flash");
    JsonArray *inc = json_object_get_array_member (flash, "incidents");
    JsonObject *first;

    ck_assert_str_eq (json_object_get_string_member (flash, "verdict"), "fail");
    ck_assert_int_ge (json_array_get_length (inc), 1);
    first = json_array_get_object_element (inc, 0);
    ck_assert_str_eq (json_object_get_string_member (first, "kind"),
        "luminance");
    ck_assert (json_object_get_double_member (first, "start_s") < 1.0);
    ck_assert (json_object_get_double_member (first, "end_s") > 3.0);
    ck_assert_str_eq (check_status (f, "loudness", NULL, NULL), "pass");
  }
  ws_test_run_clear (&r);
  g_object_unref (parser);
  g_free (path);
}
END_TEST

START_TEST (test_check_guidance_text_too_long)
{
  char *good = media ("good/good.mp4");
  char *sidecar = g_build_filename (tmp_dir, "long-text.xml", NULL);
  GString *xml = g_string_new (
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" version=\"1\">\n"
      " <programme id=\"L\" title=\"Long\">\n"
      "  <rating territory=\"GB\" system=\"bbfc\" code=\"15\">\n"
      "   <text xml:lang=\"en\">");
  JsonParser *parser = json_parser_new ();
  JsonArray *files;
  const char *message = NULL;
  WsTestRun r;

  for (int i = 0; i < 20; i++)
    g_string_append (xml, "Strong lang"); /* 220 characters */
  g_string_append (xml, "</text>\n  </rating>\n </programme>\n"
                        "</watershed-metadata>\n");
  ck_assert (g_file_set_contents (sidecar, xml->str, -1, NULL));
  r = WS_TEST_RUN ("check", "--json", "--metadata", sidecar, good);
  ck_assert_msg (r.status == 1, "exit %d: %s", r.status, r.err);
  files = parse_files (parser, r.out);
  ck_assert_str_eq (check_status (json_array_get_object_element (files, 0),
                        "guidance-text", NULL, &message),
      "fail");
  ck_assert_msg (strstr (message, "220 characters") && strstr (message, "160"),
      "%s", message);
  ws_test_run_clear (&r);
  g_unlink (sidecar);
  g_free (sidecar);
  g_string_free (xml, TRUE);
  g_object_unref (parser);
  g_free (good);
}
END_TEST

/* A rating whose minimum age is unknown (BBFC NR) prints "minimum_age":
 * null, as `watershed metadata --json` does; the rating members are the
 * ones the two commands share. */
START_TEST (test_check_rating_json_unknown_age)
{
  char *good = media ("good/good.mp4");
  char *sidecar = g_build_filename (tmp_dir, "not-rated.xml", NULL);
  JsonParser *parser = json_parser_new ();
  JsonObject *rating;
  JsonArray *texts;
  WsTestRun r;

  ck_assert (g_file_set_contents (sidecar,
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" version=\"1\">\n"
      " <programme id=\"N\" title=\"Not rated\">\n"
      "  <rating territory=\"GB\" system=\"bbfc\" code=\"NR\">\n"
      "   <text xml:lang=\"en\">Not yet rated</text>\n"
      "  </rating>\n"
      " </programme>\n"
      "</watershed-metadata>\n",
      -1, NULL));
  r = WS_TEST_RUN ("check", "--json", "--metadata", sidecar, good);
  ck_assert_msg (r.status == 1, "exit %d: %s", r.status, r.err);
  rating = json_array_get_object_element (
      json_object_get_array_member (
          json_object_get_object_member (
              json_array_get_object_element (parse_files (parser, r.out), 0),
              "rating"),
          "ratings"),
      0);
  ck_assert_str_eq (json_object_get_string_member (rating, "source"),
      "sidecar");
  ck_assert_str_eq (json_object_get_string_member (rating, "territory"), "GB");
  ck_assert_str_eq (json_object_get_string_member (rating, "system"), "bbfc");
  ck_assert_str_eq (json_object_get_string_member (rating, "code"), "NR");
  ck_assert (json_object_get_null_member (rating, "minimum_age"));
  ck_assert_int_eq (json_array_get_length (
                        json_object_get_array_member (rating, "descriptors")),
      0);
  ck_assert_str_eq (json_object_get_string_member (rating, "text"),
      "Not yet rated");
  texts = json_object_get_array_member (rating, "texts");
  ck_assert_int_eq (json_array_get_length (texts), 1);
  ck_assert_str_eq (json_object_get_string_member (
                        json_array_get_object_element (texts, 0), "lang"),
      "en");
  ck_assert_str_eq (json_object_get_string_member (rating, "source_code"),
      "NR");
  ws_test_run_clear (&r);
  g_unlink (sidecar);
  g_free (sidecar);
  g_object_unref (parser);
  g_free (good);
}
END_TEST

START_TEST (test_check_territories_and_requirements)
{
  char *good = media ("good/good.mp4");
  char *video = media ("good/video.mp4");
  char *none = media ("fail/law.mkv");
  JsonParser *parser = json_parser_new ();
  JsonArray *files;
  WsTestRun r = WS_TEST_RUN ("check", "--json", "--territory", "GB,DE", good);

  /* DE was asked for and the sidecar only rates GB */
  ck_assert_int_eq (r.status, 1);
  files = parse_files (parser, r.out);
  ck_assert_str_eq (check_status (json_array_get_object_element (files, 0),
                        "rating-present", "GB", NULL),
      "pass");
  ck_assert_str_eq (check_status (json_array_get_object_element (files, 0),
                        "rating-present", "DE", NULL),
      "fail");
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("check", "--json", "--require-audio", video);
  ck_assert_int_eq (r.status, 1);
  files = parse_files (parser, r.out);
  ck_assert_str_eq (check_status (json_array_get_object_element (files, 0),
                        "loudness", NULL, NULL),
      "fail");
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("check", "--territory", "XX", good);
  ck_assert_int_eq (r.status, 2);
  ck_assert (strstr (r.err, "XX"));
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("check", "--preset", "loud", good);
  ck_assert_int_eq (r.status, 2);
  ck_assert (strstr (r.err, "ebu-r128"));
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("check", "--slot", "2026-07-01T20:00", good);
  ck_assert_int_eq (r.status, 2);
  ck_assert (strstr (r.err, "--policy"));
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("check");
  ck_assert_int_eq (r.status, 2);
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("check", "--help");
  ck_assert_int_eq (r.status, 0);
  ck_assert (strstr (r.out, "--junit") && strstr (r.out, "Exit status"));
  ws_test_run_clear (&r);
  g_object_unref (parser);
  g_free (good);
  g_free (video);
  g_free (none);
}
END_TEST

START_TEST (test_check_policy_slot)
{
  char *good = media ("good/good.mp4");
  JsonParser *parser = json_parser_new ();
  JsonArray *files;
  JsonObject *f, *policy, *slot;
  const char *message = NULL;
  WsTestRun r = WS_TEST_RUN ("check", "--json", "--policy", "uk-ofcom",
      "--from", "2026-07-01T00:00:00+01:00", "--to",
      "2026-07-02T00:00:00+01:00", "--slot", "2026-07-01T19:30:00+01:00", good);

  /* bbfc:15 before the 21:00 watershed */
  ck_assert_msg (r.status == 1, "exit %d: %s", r.status, r.err);
  files = parse_files (parser, r.out);
  f = json_array_get_object_element (files, 0);
  ck_assert_str_eq (check_status (f, "policy-slot", "GB", &message), "fail");
  policy = json_object_get_object_member (f, "policy");
  ck_assert_str_eq (json_object_get_string_member (policy, "id"), "uk-ofcom");
  ck_assert_str_eq (json_object_get_string_member (policy, "rating"),
      "bbfc:15");
  ck_assert_int_ge (json_array_get_length (
                        json_object_get_array_member (policy, "windows")),
      1);
  slot = json_object_get_object_member (policy, "slot");
  ck_assert (!json_object_get_boolean_member (slot, "allowed"));
  ck_assert_str_eq (json_object_get_string_member (slot, "next_allowed"),
      "2026-07-01T21:00:00+01:00");
  ck_assert_str_eq (check_status (f, "policy-windows", "GB", NULL), "pass");
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("check", "--policy", "uk-ofcom", "--slot",
      "2026-07-01T21:30:00+01:00", good);
  ck_assert_msg (r.status == 0, "exit %d: %s%s", r.status, r.out, r.err);
  ws_test_run_clear (&r);
  g_object_unref (parser);
  g_free (good);
}
END_TEST

/* ---- broken files ------------------------------------------------------- */

START_TEST (test_check_broken_files_batch_completes)
{
  static const struct {
    const char *name, *needle;
  } broken[] = {
    { "empty.mp4", "empty file (0 bytes)" },
    { "missing.mp4", "No such file" },
    { "text.mp4", "not a media file" },
    { "truncated-faststart.mp4", "truncated" },
    { "truncated.mp4", "damaged or truncated" },
  };
  char *dir = media ("broken");
  char *missing = media ("broken/missing.mp4");
  char *good = media ("good/good.mp4");
  JsonParser *parser = json_parser_new ();
  JsonArray *files;
  WsTestRun r = WS_TEST_RUN ("check", "--json", dir, missing, good);

  ck_assert_msg (r.status == 2, "exit %d", r.status);
  files = parse_files (parser, r.out);
  ck_assert_int_eq (json_array_get_length (files), 6);
  for (gsize i = 0; i < G_N_ELEMENTS (broken); i++) {
    JsonObject *f = file_named (files, broken[i].name);
    const char *error = json_object_get_string_member (f, "error");

    ck_assert_str_eq (json_object_get_string_member (f, "status"), "error");
    ck_assert_msg (strstr (error, broken[i].needle) &&
                       strstr (error, broken[i].name),
        "%s", error);
    ck_assert (json_object_get_null_member (f, "loudness"));
    ck_assert_msg (strstr (r.err, error), "%s", r.err);
  }
  /* the good file after them was still checked */
  ck_assert_str_eq (json_object_get_string_member (file_named (files,
                                                       "good.mp4"),
                        "status"),
      "pass");
  ws_test_run_clear (&r);
  g_object_unref (parser);
  g_free (dir);
  g_free (missing);
  g_free (good);
}
END_TEST

/* ---- reports ------------------------------------------------------------ */

static int
count (const char *haystack, const char *needle)
{
  int n = 0;

  for (const char *p = strstr (haystack, needle); p; p = strstr (p + 1, needle))
    n++;
  return n;
}

static int
count_elements (xmlNode *node, const char *name)
{
  int n = 0;

  for (; node; node = node->next) {
    if (node->type == XML_ELEMENT_NODE &&
        xmlStrcmp (node->name, (const xmlChar *) name) == 0)
      n++;
    n += count_elements (node->children, name);
  }
  return n;
}

START_TEST (test_check_junit_and_html_reports)
{
  char *junit = g_build_filename (tmp_dir, "report.xml", NULL);
  char *html = g_build_filename (tmp_dir, "report.html", NULL);
  char *text = NULL;
  char *good = media ("good"), *fail = media ("fail"),
       *broken = media ("broken");
  WsTestRun r = WS_TEST_RUN ("check", "--jobs", "3", "--json", "--junit", junit,
      "--html", html, good, fail, broken);
  JsonParser *parser = json_parser_new ();
  JsonObject *summary;
  JsonArray *files;
  int not_applicable = 0;
  xmlDoc *doc;
  xmlNode *root;

  /* 5 good + 3 fail + 4 broken files (report files are not media) */
  ck_assert_int_eq (r.status, 2);
  files = parse_files (parser, r.out);
  summary = json_object_get_object_member (json_node_get_object (
                                               json_parser_get_root (parser)),
      "summary");
  ck_assert_int_eq (json_object_get_int_member (summary, "files"), 12);
  ck_assert_int_eq (json_object_get_int_member (summary, "pass"), 5);
  ck_assert_int_eq (json_object_get_int_member (summary, "fail"), 3);
  ck_assert_int_eq (json_object_get_int_member (summary, "error"), 4);
  for (guint i = 0; i < json_array_get_length (files); i++) {
    JsonArray *checks =
        json_object_get_array_member (json_array_get_object_element (files, i),
            "checks");

    for (guint j = 0; checks && j < json_array_get_length (checks); j++)
      not_applicable += strcmp (json_object_get_string_member (
                                    json_array_get_object_element (checks, j),
                                    "status"),
                            "not-applicable") == 0;
  }
  ck_assert_int_gt (not_applicable, 0);

  doc = xmlReadFile (junit, NULL, XML_PARSE_NONET);
  ck_assert_msg (doc != NULL, "JUnit report is not well-formed XML");
  root = xmlDocGetRootElement (doc);
  ck_assert_str_eq ((const char *) root->name, "testsuites");
  ck_assert_int_eq (count_elements (root, "testsuite"), 12);
  ck_assert_int_eq (count_elements (root, "error"), 4);
  ck_assert_int_eq (count_elements (root, "failure"), 3);
  /* 8 readable files x 6 checks (with integrity) + 4 unreadable, less
   * the checks that do not apply (no skipped noise) */
  ck_assert_int_eq (count_elements (root, "testcase"),
      8 * 6 + 4 - not_applicable);
  ck_assert_int_eq (count_elements (root, "skipped"), 0);
  xmlFreeDoc (doc);
  g_object_unref (parser);

  ck_assert (g_file_get_contents (html, &text, NULL, NULL));
  ck_assert (g_str_has_prefix (text, "<!DOCTYPE html>"));
  ck_assert_int_eq (count (text, "<section"), 12);
  /* plots: loudness for the 7 files with audio, flash risk for the 7 with
   * video */
  ck_assert_int_eq (count (text, "<svg"), 14);
  ck_assert_int_eq (count (text, "</svg>"), 14);
  ck_assert_int_eq (count (text, "aria-label=\"Loudness over time\""), 7);
  ck_assert_int_eq (count (text, "aria-label=\"Flash risk over time\""), 7);
  ck_assert_int_ge (count (text, "class=\"incident\""), 1);
  ck_assert_int_eq (count (text, "class=\"target\""), 7);
  ck_assert (strstr (text, "http://") == NULL ||
             count (text, "http://") == count (text, "xmlns=\"http://"));
  ck_assert (strstr (text, "<script") == NULL);
  g_free (text);
  ws_test_run_clear (&r);
  g_unlink (junit);
  g_unlink (html);
  g_free (junit);
  g_free (html);
  g_free (good);
  g_free (fail);
  g_free (broken);
}
END_TEST

/* ---- decoder formats ---------------------------------------------------- */

/* The conversion paths: unsigned 8-bit audio goes through libswresample,
 * 5.1 FLAC is measured with its channel weights (L R C = 1, LFE excluded,
 * surrounds 1.41: the same tone on all six reads 4.6 LU above stereo),
 * 10-bit 4:4:4 GBR video goes through libswscale, and a size change mid-stream
 * is scaled back to the first size. */
START_TEST (test_check_decoder_formats)
{
  char *dir = media ("formats");
  JsonParser *parser = json_parser_new ();
  WsTestRun r = WS_TEST_RUN ("check", "--json", "--territory", "GB", dir);
  JsonArray *files;
  JsonObject *loud, *flash;

  ck_assert_msg (r.status == 1, "exit %d: %s", r.status, r.err);
  files = parse_files (parser, r.out);
  ck_assert_int_eq (json_array_get_length (files), 4);

  loud = json_object_get_object_member (file_named (files, "u8.wav"),
      "loudness");
  ck_assert (fabs (json_object_get_double_member (loud, "integrated_lufs") -
                   -23.0) < 0.5);
  ck_assert_int_eq (json_object_get_int_member (loud, "channels"), 2);

  loud = json_object_get_object_member (file_named (files, "surround.flac"),
      "loudness");
  ck_assert_int_eq (json_object_get_int_member (loud, "channels"), 6);
  ck_assert_msg (fabs (json_object_get_double_member (loud, "integrated_lufs") -
                       -18.4) < 0.5,
      "%f", json_object_get_double_member (loud, "integrated_lufs"));

  flash = json_object_get_object_member (file_named (files, "ffv1.mkv"),
      "flash");
  ck_assert_str_eq (json_object_get_string_member (flash, "verdict"), "pass");
  ck_assert_int_eq (json_object_get_int_member (flash, "frames"), 100);

  flash = json_object_get_object_member (file_named (files, "sizes.ts"),
      "flash");
  ck_assert_str_eq (json_object_get_string_member (flash, "verdict"), "pass");
  ck_assert_int_eq (json_object_get_int_member (flash, "width"), 160);
  ck_assert_int_eq (json_object_get_int_member (flash, "frames"), 100);
  /* no rating anywhere: fails closed */
  ck_assert_str_eq (check_status (file_named (files, "sizes.ts"),
                        "rating-present", "GB", NULL),
      "fail");
  ws_test_run_clear (&r);
  g_object_unref (parser);
  g_free (dir);
}
END_TEST

START_TEST (test_check_unwritable_report)
{
  char *good = media ("good/good.mp4");
  WsTestRun r = WS_TEST_RUN ("check", "--junit", "/nonexistent-dir/report.xml",
      good);

  ck_assert_int_eq (r.status, 2);
  ck_assert (strstr (r.err, "cannot write the JUnit report"));
  ws_test_run_clear (&r);
  g_free (good);
}
END_TEST

/* ---- constant memory (unit) --------------------------------------------- */

/* 150 s: 1500 loudness points at 100 ms and 1500 video frames fold into at
 * most WS_CHECK_SERIES_MAX_POINTS each, still spanning the whole file, and
 * the peaks survive the folding. */
START_TEST (test_check_series_are_bounded)
{
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  char *path = media ("long/long.mkv");
  WsCheckOptions opts;
  WsCheckFile *f;
  double max_m = -HUGE_VAL;

  ck_assert (reg != NULL);
  ws_check_options_init (&opts, reg);
  f = ws_check_file (path, &opts, NULL, NULL);
  ck_assert_msg (f->status != WS_CHECK_ERROR, "%s", f->error);
  ck_assert_int_gt (f->loudness_series->len, WS_CHECK_SERIES_MAX_POINTS / 4);
  ck_assert_int_le (f->loudness_series->len, WS_CHECK_SERIES_MAX_POINTS);
  ck_assert_int_le (f->risk_series->len, WS_CHECK_SERIES_MAX_POINTS);
  ck_assert_int_gt (f->risk_series->len, WS_CHECK_SERIES_MAX_POINTS / 4);
  ck_assert (g_array_index (f->loudness_series, WsCheckLoudnessPoint,
                 f->loudness_series->len - 1)
                 .t_s > 140.0);
  ck_assert (
      g_array_index (f->risk_series, WsCheckRiskPoint, f->risk_series->len - 1)
          .t_s > 140.0);
  for (guint i = 0; i < f->loudness_series->len; i++)
    max_m = MAX (max_m,
        g_array_index (f->loudness_series, WsCheckLoudnessPoint, i)
            .momentary_lufs);
  /* the 2 s burst 12 dB up at 100 s is in the plot */
  ck_assert_msg (fabs (max_m - f->max_momentary_lufs) < 0.5, "%f vs %f", max_m,
      f->max_momentary_lufs);
  ck_assert (max_m > -13.0);
  ck_assert_int_eq (f->video_frames, 1500);
  ws_check_file_free (f);
  g_free (path);
}
END_TEST

/* ---- the EIT scanner (unit) --------------------------------------------- */

static guint32
crc32_mpeg (const guint8 *data, gsize len)
{
  guint32 crc = 0xffffffffu;

  for (gsize i = 0; i < len; i++) {
    crc ^= (guint32) data[i] << 24;
    for (int b = 0; b < 8; b++)
      crc = crc & 0x80000000u ? (crc << 1) ^ 0x04c11db7u : crc << 1;
  }
  return crc;
}

/* One TS packet on PID 0x12 carrying an EIT p/f present section whose event
 * has a parental_rating_descriptor (@country, @rating). */
static void
make_eit_packet_for (guint8 *pkt, guint16 service, const char *country,
    guint8 rating, int cc, gboolean corrupt)
{
  guint8 s[64];
  gsize n = 0;
  guint32 crc;

  s[n++] = 0x4E;
  s[n++] = 0xF0; /* syntax 1, reserved, length high bits set below */
  s[n++] = 0;
  s[n++] = service >> 8, s[n++] = service & 0xFF; /* service_id */
  s[n++] = 0xC1;                                  /* version 0, current */
  s[n++] = 0x00;                                  /* section_number: present */
  s[n++] = 0x01;                                  /* last_section_number */
  s[n++] = 0x00, s[n++] = 0x01;                   /* transport_stream_id */
  s[n++] = 0x00, s[n++] = 0x01;                   /* original_network_id */
  s[n++] = 0x01;                               /* segment_last_section_number */
  s[n++] = 0x4E;                               /* last_table_id */
  s[n++] = 0x00, s[n++] = 0x07;                /* event_id */
  s[n++] = 0xEA, s[n++] = 0x7B;                /* start MJD */
  s[n++] = 0x20, s[n++] = 0x00, s[n++] = 0x00; /* 20:00:00 */
  s[n++] = 0x01, s[n++] = 0x30, s[n++] = 0x00; /* 1:30:00 */
  s[n++] = 0x80;                               /* running, loop length 6 */
  s[n++] = 0x06;
  s[n++] = 0x55;
  s[n++] = 0x04;
  s[n++] = (guint8) country[0];
  s[n++] = (guint8) country[1];
  s[n++] = (guint8) country[2];
  s[n++] = rating;
  s[1] = (guint8) (0xF0 | ((n + 4 - 3) >> 8));
  s[2] = (guint8) ((n + 4 - 3) & 0xff);
  crc = crc32_mpeg (s, n);
  s[n++] = (guint8) (crc >> 24);
  s[n++] = (guint8) (crc >> 16);
  s[n++] = (guint8) (crc >> 8);
  s[n++] = (guint8) crc;
  if (corrupt)
    s[20] ^= 0x01;
  memset (pkt, 0xFF, 188);
  pkt[0] = 0x47;
  pkt[1] = 0x40; /* payload_unit_start, PID high bits 0 */
  pkt[2] = 0x12;
  pkt[3] = (guint8) (0x10 | (cc & 0x0f));
  pkt[4] = 0x00; /* pointer_field */
  memcpy (pkt + 5, s, n);
}

static void
make_eit_packet (guint8 *pkt, const char *country, guint8 rating, int cc,
    gboolean corrupt)
{
  make_eit_packet_for (pkt, 1, country, rating, cc, corrupt);
}

/* The library's MPEG-TS reader fed with packets, as watershed check uses it
 * on a file (ws-embedded.h). */
static GPtrArray *
scan_eit (const guint8 *data, gsize len, const WsRatingRegistry *reg,
    GPtrArray *notes)
{
  WsEmbeddedTs *ts = ws_embedded_ts_new (reg, -1);
  GPtrArray *r;

  ws_embedded_ts_push_packets (ts, data, len);
  r = ws_embedded_ts_get_ratings (ts, notes);
  if (notes != NULL)
    ws_embedded_ts_finish (ts, notes);
  ws_embedded_ts_free (ts);
  return r;
}

START_TEST (test_check_eit_scan_parental_rating)
{
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  guint8 buf[7 + 188 * 2];
  GPtrArray *notes = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *r;
  WsRating *rating;

  ck_assert (reg != NULL);
  /* garbage first (resynchronisation), then a null packet, then the EIT */
  memset (buf, 0xAB, 7);
  memset (buf + 7, 0xFF, 188);
  buf[7] = 0x47, buf[8] = 0x1F, buf[9] = 0xFF, buf[10] = 0x10;
  make_eit_packet (buf + 7 + 188, "DEU", 0x0D, 0, FALSE);
  r = scan_eit (buf, sizeof (buf), reg, notes);
  ck_assert_int_eq (r->len, 1);
  rating = r->pdata[0];
  ck_assert_str_eq (rating->territory, "DE");
  ck_assert_int_eq (rating->minimum_age, 16);
  ck_assert_str_eq (rating->source_system, "dvb");
  g_ptr_array_unref (r);
  g_ptr_array_unref (notes);
}
END_TEST

START_TEST (test_check_eit_scan_rejects_bad_crc_and_undefined)
{
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  guint8 pkt[188];
  GPtrArray *notes = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *r;

  make_eit_packet (pkt, "GBR", 0x0C, 0, TRUE);
  r = scan_eit (pkt, sizeof (pkt), reg, notes);
  ck_assert_int_eq (r->len, 0);
  ck_assert_int_ge (notes->len, 1);
  ck_assert (strstr (notes->pdata[0], "CRC"));
  g_ptr_array_unref (r);

  /* rating 0x00 = undefined: an unrated rating, never an age */
  make_eit_packet (pkt, "GBR", 0x00, 0, FALSE);
  r = scan_eit (pkt, sizeof (pkt), reg, notes);
  ck_assert_int_eq (r->len, 1);
  ck_assert_int_eq (((WsRating *) r->pdata[0])->minimum_age, -1);
  g_ptr_array_unref (r);

  r = scan_eit (NULL, 0, reg, NULL);
  ck_assert_int_eq (r->len, 0);
  g_ptr_array_unref (r);
  g_ptr_array_unref (notes);
}
END_TEST

/* ---- fixtures ------------------------------------------------------------ */

#define FFMPEG WS_TEST_FFMPEG

#define VIDEO "testsrc2=size=160x90:rate=25:duration=4"
#define TONE "sine=frequency=1000:sample_rate=48000:duration=4"
/* a 1 kHz tone at -23 dBFS on both channels reads -23 LUFS */
#define STEREO(gain) "[1:a]volume=" gain ",pan=stereo|c0=c0|c1=c0[a]"

static const char sidecar_bbfc15[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" version=\"1\">\n"
    " <programme id=\"T\" title=\"Test\">\n"
    "  <rating territory=\"GB\" system=\"bbfc\" code=\"15\">\n"
    "   <text xml:lang=\"en\">Contains strong language</text>\n"
    "  </rating>\n"
    " </programme>\n"
    "</watershed-metadata>\n";

static gboolean
sidecar (const char *relative)
{
  char *path = media (relative);
  gboolean ok = g_file_set_contents (path, sidecar_bbfc15, -1, NULL);

  g_free (path);
  return ok;
}

/* Prepends EIT packets to a TS file. */
static gboolean
inject_eit (const char *path)
{
  char *data = NULL;
  gsize len = 0;
  GString *out;
  gboolean ok;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  out = g_string_sized_new (len + 3 * 188);
  for (int cc = 0; cc < 3; cc++) {
    guint8 pkt[188];

    make_eit_packet (pkt, "GBR", 0x0C, cc, FALSE);
    g_string_append_len (out, (const char *) pkt, 188);
  }
  g_string_append_len (out, data, (gssize) len);
  ok = g_file_set_contents (path, out->str, (gssize) out->len, NULL);
  g_string_free (out, TRUE);
  g_free (data);
  return ok;
}

static gboolean
truncate_copy (const char *from, const char *to, gsize keep)
{
  char *data = NULL;
  gsize len = 0;
  gboolean ok;

  if (!g_file_get_contents (from, &data, &len, NULL))
    return FALSE;
  ok = g_file_set_contents (to, data, (gssize) MIN (keep, len), NULL);
  g_free (data);
  return ok;
}

/* Two MPEG-TS files back to back: a stream whose picture size changes. */
static gboolean
concat (const char *a, const char *b, const char *to)
{
  char *da = NULL, *db = NULL;
  gsize la = 0, lb = 0;
  GString *out;
  gboolean ok = FALSE;

  if (g_file_get_contents (a, &da, &la, NULL) &&
      g_file_get_contents (b, &db, &lb, NULL)) {
    out = g_string_new_len (da, (gssize) la);
    g_string_append_len (out, db, (gssize) lb);
    ok = g_file_set_contents (to, out->str, (gssize) out->len, NULL);
    g_string_free (out, TRUE);
  }
  g_free (da);
  g_free (db);
  return ok;
}

static gboolean
make_media (void)
{
  char *good = media ("good/good.mp4"), *loud = media ("fail/loud.mp4");
  char *flash = media ("fail/flash.mp4"), *law = media ("fail/law.mkv");
  char *itunes = media ("good/itunes.mp4"), *ts = media ("good/eit.ts");
  char *audio = media ("good/audio.m4a"), *video = media ("good/video.mp4");
  char *fs = media ("faststart.mp4");
  char *trunc = media ("broken/truncated.mp4");
  char *fstrunc = media ("broken/truncated-faststart.mp4");
  char *empty = media ("broken/empty.mp4"), *text = media ("broken/text.mp4");
  char *u8 = media ("formats/u8.wav"),
       *surround = media ("formats/surround.flac");
  char *ffv1 = media ("formats/ffv1.mkv"), *sizes = media ("formats/sizes.ts");
  char *small = media ("small.ts"), *big = media ("big.ts");
  char *longf = media ("long/long.mkv");
  char *dirs[5] = { media ("good"), media ("fail"), media ("broken"),
    media ("formats"), media ("long") };
  gboolean ok = TRUE;

  for (int i = 0; i < 5; i++)
    ok = ok && g_mkdir_with_parents (dirs[i], 0700) == 0;
  ok = ok &&
       FFMPEG ("-f", "lavfi", "-i", VIDEO, "-f", "lavfi", "-i", TONE,
           "-filter_complex", STEREO ("-5dB"), "-map", "0:v", "-map", "[a]",
           "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
           "-c:a", "aac", good) &&
       sidecar ("good/good.xml") &&
       FFMPEG ("-f", "lavfi", "-i", VIDEO, "-f", "lavfi", "-i", TONE,
           "-filter_complex", STEREO ("8dB"), "-map", "0:v", "-map", "[a]",
           "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
           "-c:a", "aac", loud) &&
       sidecar ("fail/loud.xml") &&
       /* full screen black/white at 5 Hz */
       FFMPEG ("-f", "lavfi", "-i",
           "color=black:size=160x90:rate=25:duration=4", "-f", "lavfi", "-i",
           TONE, "-filter_complex",
           "[0:v]drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:"
           "enable='lt(mod(n,5),2)'[v];" STEREO ("-5dB"),
           "-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-preset",
           "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", flash) &&
       sidecar ("fail/flash.xml") &&
       /* FFmpeg 5.1 keeps iTunEXTC only as an mdta key, which libavformat
        * reads back as "iTunEXTC" */
       FFMPEG ("-i", good, "-c", "copy", "-metadata",
           "iTunEXTC=uk-movie|15|350|", "-movflags", "use_metadata_tags",
           itunes) &&
       FFMPEG ("-i", good, "-c", "copy", "-metadata", "COUNTRY/LAW_RATING=18",
           "-metadata", "COUNTRY=GB", law) &&
       sidecar ("fail/law.xml") &&
       FFMPEG ("-i", good, "-c", "copy", "-f", "mpegts", ts) &&
       inject_eit (ts) && FFMPEG ("-i", good, "-vn", "-c", "copy", audio) &&
       sidecar ("good/audio.xml") &&
       FFMPEG ("-i", good, "-an", "-c", "copy", video) &&
       sidecar ("good/video.xml") &&
       FFMPEG ("-i", good, "-c", "copy", "-movflags", "+faststart", fs) &&
       truncate_copy (good, trunc, 60000) &&
       truncate_copy (fs, fstrunc, 80000) && g_unlink (fs) == 0 &&
       g_file_set_contents (empty, "", 0, NULL) &&
       g_file_set_contents (text, "This is not a video.\n", -1, NULL) &&
       FFMPEG ("-f", "lavfi", "-i", TONE, "-af",
           "volume=-5dB,pan=stereo|c0=c0|c1=c0", "-c:a", "pcm_u8", u8) &&
       FFMPEG ("-f", "lavfi", "-i", TONE, "-af",
           "volume=-5dB,pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0", "-c:a",
           "flac", surround) &&
       /* 10-bit GBR (the core takes 10-bit 4:4:4 Y'CbCr directly since
        * issue 16), tagged BT.709 so that the SDR analysis is no guess */
       FFMPEG ("-f", "lavfi", "-i", VIDEO, "-c:v", "ffv1", "-pix_fmt",
           "gbrp10le", "-color_trc", "bt709", ffv1) &&
       FFMPEG ("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=2",
           "-c:v", "mpeg4", small) &&
       FFMPEG ("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=2",
           "-c:v", "mpeg4", big) &&
       concat (small, big, sizes) && g_unlink (small) == 0 &&
       g_unlink (big) == 0 &&
       FFMPEG ("-f", "lavfi", "-i", "testsrc2=size=32x18:rate=10:duration=150",
           "-f", "lavfi", "-i",
           "sine=frequency=1000:sample_rate=8000:"
           "duration=150",
           "-filter_complex",
           "[1:a]volume=-5dB,volume=12dB:enable='between(t,100,102)'[a]",
           "-map", "0:v", "-map", "[a]", "-c:v", "mpeg4", "-c:a", "pcm_s16le",
           longf);
  for (int i = 0; i < 5; i++)
    g_free (dirs[i]);
  g_free (longf);
  g_free (u8);
  g_free (surround);
  g_free (ffv1);
  g_free (sizes);
  g_free (small);
  g_free (big);
  g_free (good);
  g_free (loud);
  g_free (flash);
  g_free (law);
  g_free (itunes);
  g_free (ts);
  g_free (audio);
  g_free (video);
  g_free (fs);
  g_free (trunc);
  g_free (fstrunc);
  g_free (empty);
  g_free (text);
  return ok;
}

/* ---- embedded ratings: the library reader (issues #13 and #11) ---------- */

static const WsCheckItem *
item_for (const WsCheckFile *f, const char *id, const char *subject)
{
  for (guint i = 0; i < f->checks->len; i++) {
    const WsCheckItem *it = &g_array_index (f->checks, WsCheckItem, i);

    if (strcmp (it->id, id) == 0 && g_strcmp0 (it->subject, subject) == 0)
      return it;
  }
  return NULL;
}

static gboolean
has_warning_with (const WsCheckFile *f, const char *needle)
{
  for (guint i = 0; i < f->warnings->len; i++)
    if (strstr (f->warnings->pdata[i], needle) != NULL)
      return TRUE;
  return FALSE;
}

/* LAW_RATING=bbfc:18 does not count for DE, and the failure says what was
 * found; for GB it passes. */
START_TEST (test_check_embedded_rating_of_another_territory)
{
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  const char *const territories[] = { "DE", "GB", NULL };
  char *good = media ("good/good.mp4"), *path = media ("bbfc18.mkv");
  const WsCheckItem *it;
  WsCheckOptions opts;
  WsCheckFile *f;

  ck_assert (FFMPEG ("-i", good, "-c", "copy", "-metadata",
      "LAW_RATING=bbfc:18", path));
  ws_check_options_init (&opts, reg);
  opts.territories = territories;
  f = ws_check_file (path, &opts, NULL, NULL);
  ck_assert_msg (f->status != WS_CHECK_ERROR, "%s", f->error);
  it = item_for (f, "rating-present", "DE");
  ck_assert_ptr_nonnull (it);
  ck_assert_int_eq (it->status, WS_CHECK_FAIL);
  ck_assert_msg (strstr (it->message, "found only bbfc:18 for GB "
                                      "(LAW_RATING)") != NULL,
      "%s", it->message);
  it = item_for (f, "rating-present", "GB");
  ck_assert_int_eq (it->status, WS_CHECK_PASS);
  ck_assert_str_eq (it->message, "GB: bbfc:18 (LAW_RATING)");
  ws_check_file_free (f);
  g_unlink (path);
  g_free (path);
  g_free (good);
}
END_TEST

/* Two GB ratings in one MPEG-TS EIT (#11 row 2) and 3000 bad-CRC sections
 * (#11 row 13): the more restrictive with a warning naming both; one
 * counted warning. */
START_TEST (test_check_embedded_conflict_and_counted_crc)
{
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  const char *const territories[] = { "GB", NULL };
  char *good = media ("good/good.mp4"), *path = media ("conflict.ts");
  char *data = NULL;
  gsize len = 0;
  GString *out;
  guint n_crc = 0;
  WsCheckOptions opts;
  WsCheckFile *f;
  guint8 pkt[188];

  ck_assert (FFMPEG ("-i", good, "-c", "copy", "-f", "mpegts", path));
  ck_assert (g_file_get_contents (path, &data, &len, NULL));
  out = g_string_new (NULL);
  for (int i = 0; i < 3000; i++) {
    make_eit_packet (pkt, "GBR", 0x0C, i, TRUE);
    g_string_append_len (out, (const char *) pkt, 188);
  }
  make_eit_packet (pkt, "GBR", 0x0C, 0, FALSE);
  /* a second descriptor entry in the same event: GBR 0x0F (18) */
  pkt[5 + 2] += 4, pkt[5 + 25] += 4, pkt[5 + 27] += 4;
  memmove (pkt + 5 + 32 + 4, pkt + 5 + 32, 4);
  memcpy (pkt + 5 + 32, "GBR\x0F", 4);
  {
    guint32 crc = crc32_mpeg (pkt + 5, 32 + 4);

    pkt[5 + 36] = crc >> 24, pkt[5 + 37] = crc >> 16, pkt[5 + 38] = crc >> 8;
    pkt[5 + 39] = crc;
  }
  g_string_append_len (out, (const char *) pkt, 188);
  g_string_append_len (out, data, (gssize) len);
  ck_assert (g_file_set_contents (path, out->str, (gssize) out->len, NULL));
  g_string_free (out, TRUE);
  g_free (data);

  ws_check_options_init (&opts, reg);
  opts.territories = territories;
  f = ws_check_file (path, &opts, NULL, NULL);
  ck_assert_msg (f->status != WS_CHECK_ERROR, "%s", f->error);
  ck_assert_uint_eq (f->ratings->len, 1);
  ck_assert_int_eq (((WsCheckRating *) f->ratings->pdata[0])
                        ->rating->minimum_age,
      18);
  ck_assert (has_warning_with (f, "rating-conflict: GB has two ratings, "
                                  "dvb:15 (parental_rating_descriptor) and "
                                  "dvb:18 (parental_rating_descriptor): "
                                  "using dvb:18"));
  for (guint i = 0; i < f->warnings->len; i++)
    n_crc += strstr (f->warnings->pdata[i], "CRC") != NULL;
  ck_assert_uint_eq (n_crc, 1);
  ck_assert (has_warning_with (f, "EIT: 3000 PAT or EIT present/following "
                                  "sections with a bad CRC skipped"));
  ws_check_file_free (f);
  g_unlink (path);
  g_free (path);
  g_free (good);
}
END_TEST

/* The programme @programme of the two-programme mux @path (-1: the
 * default). */
static WsCheckFile *
check_programme (const char *path, int programme)
{
  static const char *const territories[] = { "GB", NULL };
  WsCheckOptions opts;

  ws_check_options_init (&opts, ws_rating_registry_get_default (NULL));
  opts.territories = territories;
  opts.programme = programme;
  return ws_check_file (path, &opts, NULL, NULL);
}

/* A DVB multiplex with two programmes, each a video and a stereo tone,
 * programme 1 at -23 LUFS rated 15 in its EIT, programme 2 at -33 LUFS
 * rated 18: a check is one programme's video, audio and rating, never a
 * mix (every audio track of the file was measured before, and the rating
 * came from the programme of the best video whatever was checked). */
START_TEST (test_check_programme_of_a_mux)
{
  char *path = media ("mux.ts"), *data = NULL;
  gsize len = 0;
  GString *out = g_string_new (NULL);
  guint8 pkt[188];
  WsCheckFile *f;

  ck_assert (FFMPEG ("-f", "lavfi", "-i", VIDEO, "-f", "lavfi", "-i", TONE,
      "-f", "lavfi", "-i", VIDEO, "-filter_complex",
      STEREO ("-5dB") ";[1:a]volume=-15dB,pan=stereo|c0=c0|c1=c0[b]", "-map",
      "0:v", "-map", "[a]", "-map", "2:v", "-map", "[b]", "-c:v", "libx264",
      "-preset", "ultrafast", "-c:a", "aac", "-b:a", "192k", "-program",
      "program_num=1:title=one:st=0:st=1", "-program",
      "program_num=2:title=two:st=2:st=3", "-f", "mpegts", path));
  ck_assert (g_file_get_contents (path, &data, &len, NULL));
  make_eit_packet_for (pkt, 1, "GBR", 0x0C, 0, FALSE);
  g_string_append_len (out, (const char *) pkt, 188);
  make_eit_packet_for (pkt, 2, "GBR", 0x0F, 1, FALSE);
  g_string_append_len (out, (const char *) pkt, 188);
  g_string_append_len (out, data, (gssize) len);
  ck_assert (g_file_set_contents (path, out->str, (gssize) out->len, NULL));
  g_string_free (out, TRUE);
  g_free (data);

  for (int prog = 1; prog <= 2; prog++) {
    f = check_programme (path, prog);
    ck_assert_msg (f->status != WS_CHECK_ERROR, "%s", f->error);
    ck_assert_int_eq (f->programme, prog);
    ck_assert_uint_eq (f->audio_tracks->len, 1);
    ck_assert_msg (fabs (f->integrated_lufs - (prog == 1 ? -23.0 : -33.0)) <
                       0.5,
        "programme %d: %.2f LUFS", prog, f->integrated_lufs);
    ck_assert (f->has_video);
    ck_assert_uint_eq (f->ratings->len, 1);
    ck_assert_int_eq (((WsCheckRating *) f->ratings->pdata[0])
                          ->rating->minimum_age,
        prog == 1 ? 15 : 18);
    ws_check_file_free (f);
  }
  /* by default: one programme, whole (the best video's) */
  f = check_programme (path, -1);
  ck_assert_msg (f->status != WS_CHECK_ERROR, "%s", f->error);
  ck_assert (f->programme == 1 || f->programme == 2);
  ck_assert_uint_eq (f->audio_tracks->len, 1);
  ck_assert (
      fabs (f->integrated_lufs - (f->programme == 1 ? -23.0 : -33.0)) < 0.5);
  ck_assert_int_eq (((WsCheckRating *) f->ratings->pdata[0])
                        ->rating->minimum_age,
      f->programme == 1 ? 15 : 18);
  ws_check_file_free (f);
  /* a programme the mux does not have: an error naming those it has */
  f = check_programme (path, 7);
  ck_assert_int_eq (f->status, WS_CHECK_ERROR);
  ck_assert_msg (strstr (f->error, "no programme 7 (1, 2)") != NULL, "%s",
      f->error);
  ws_check_file_free (f);
  /* the command: the report says which programme; a bad number is usage */
  {
    JsonParser *parser = json_parser_new ();
    WsTestRun r = WS_TEST_RUN ("check", "--no-progress", "--json",
        "--territory", "GB", "--programme", "2", path);
    JsonObject *o = json_array_get_object_element (parse_files (parser, r.out),
        0);

    ck_assert_int_eq (json_object_get_int_member (o, "programme"), 2);
    ws_test_run_clear (&r);
    g_object_unref (parser);
    r = WS_TEST_RUN ("check", "--no-progress", "--programme", "-4", path);
    ck_assert_int_eq (r.status, 2);
    ck_assert_msg (strstr (r.err, "--programme must be") != NULL, "%s", r.err);
    ws_test_run_clear (&r);
  }
  g_unlink (path);
  g_free (path);
}
END_TEST

/* The embedded LAW_RATING=bbfc:15 (GB) and a sidecar IMF CPL whose GB
 * rating is a code BBFC does not have: the policy judges the resolved one
 * (ws_ratings_pick(): resolved over unresolved, as they are two readings
 * of two programme ids, not two ratings of one), and the agreement check
 * says the two disagree. */
START_TEST (test_check_resolved_over_unresolved)
{
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  const char *const territories[] = { "GB", NULL };
  char *good = media ("good/good.mp4"), *path = media ("resolved.mkv");
  char *sidecar = media ("resolved.xml");
  const WsCheckItem *it;
  WsCheckOptions opts;
  WsPolicy *policy;
  WsCheckFile *f;

  ck_assert (FFMPEG ("-i", good, "-c", "copy", "-metadata",
      "LAW_RATING=bbfc:15", path));
  ck_assert (g_file_set_contents (sidecar,
      "<CompositionPlaylist "
      "xmlns=\"http://www.smpte-ra.org/schemas/2067-3/2016\">\n"
      "<Id>urn:uuid:c</Id>\n"
      "<LocaleList><Locale><RegionList><Region>GB</Region></RegionList>\n"
      "<ContentMaturityRatingList><ContentMaturityRating><Agency>"
      "http://www.movielabs.com/md/ratings/GB/BBFC/1</Agency>"
      "<Rating>XYZ</Rating></ContentMaturityRating>\n"
      "</ContentMaturityRatingList></Locale></LocaleList>"
      "</CompositionPlaylist>\n",
      -1, NULL));
  policy = ws_policy_load ("uk-ofcom", reg, NULL);
  ck_assert_ptr_nonnull (policy);
  ws_check_options_init (&opts, reg);
  opts.territories = territories;
  opts.policy = policy;
  f = ws_check_file (path, &opts, NULL, NULL);
  ck_assert_msg (f->status != WS_CHECK_ERROR, "%s", f->error);
  ck_assert_uint_eq (f->ratings->len, 2);
  ck_assert_ptr_nonnull (f->policy);
  ck_assert_str_eq (f->policy->rating, "bbfc:15");
  it = item_for (f, "rating-present", "GB");
  ck_assert_ptr_nonnull (it);
  ck_assert_int_eq (it->status, WS_CHECK_PASS);
  ck_assert_str_eq (it->message, "GB: bbfc:15 (LAW_RATING)");
  it = item_for (f, "rating-agreement", "GB");
  ck_assert_ptr_nonnull (it);
  ck_assert_int_eq (it->status, WS_CHECK_FAIL);
  ws_check_file_free (f);
  ws_policy_free (policy);
  g_unlink (path);
  g_unlink (sidecar);
  g_free (sidecar);
  g_free (path);
  g_free (good);
}
END_TEST

static Suite *
check_suite (void)
{
  Suite *s = suite_create ("watershed-check");
  TCase *core = tcase_create ("core");
  TCase *failures = tcase_create ("failures");
  TCase *errors = tcase_create ("errors");
  TCase *reports = tcase_create ("reports");
  TCase *units = tcase_create ("units");

  tcase_set_timeout (core, 120);
  tcase_set_timeout (failures, 120);
  tcase_set_timeout (errors, 120);
  tcase_set_timeout (reports, 120);
  tcase_add_test (core, test_check_good_folder_passes);
  tcase_add_test (core, test_check_text_table);
  tcase_add_test (core, test_check_territories_and_requirements);
  tcase_add_test (core, test_check_rating_json_unknown_age);
  tcase_add_test (core, test_check_policy_slot);
  tcase_add_loop_test (failures, test_check_failure_kinds, 0, 3);
  tcase_add_test (failures, test_check_guidance_text_too_long);
  tcase_add_test (errors, test_check_broken_files_batch_completes);
  tcase_add_test (errors, test_check_unwritable_report);
  tcase_add_test (reports, test_check_junit_and_html_reports);
  tcase_add_test (failures, test_check_decoder_formats);
  tcase_add_test (units, test_check_series_are_bounded);
  tcase_add_test (units, test_check_eit_scan_parental_rating);
  tcase_add_test (units, test_check_eit_scan_rejects_bad_crc_and_undefined);
  tcase_add_test (failures, test_check_embedded_rating_of_another_territory);
  tcase_add_test (failures, test_check_embedded_conflict_and_counted_crc);
  tcase_add_test (failures, test_check_resolved_over_unresolved);
  tcase_add_test (failures, test_check_programme_of_a_mux);
  suite_add_tcase (s, core);
  suite_add_tcase (s, failures);
  suite_add_tcase (s, errors);
  suite_add_tcase (s, reports);
  suite_add_tcase (s, units);
  return s;
}

int
main (void)
{
  static const char *const tools[] = { "ffmpeg", NULL };
  int status = ws_test_media_main (tools, "ws-check-XXXXXX", &tmp_dir,
      make_media, check_suite);

  xmlCleanupParser ();
  return status;
}
