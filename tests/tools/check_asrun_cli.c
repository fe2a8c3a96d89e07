/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: CLI tests of `watershed asrun verify` and `watershed asrun
 * report` on a generated month of as-run logs (tests/ws-test-asrun.h):
 * exit codes, the file and line named, the JSON and CSV, and the HTML
 * report parsed with its tables. */
#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>

#include <string.h>

#include "ws-test-asrun.h"
#include "ws-test-cli.h"

static gchar *dir;

static void
setup (void)
{
  dir = g_dir_make_tmp ("watershed-asrun-cli-XXXXXX", NULL);
  ck_assert_ptr_nonnull (dir);
  ws_test_asrun_month (dir);
}

static void
teardown (void)
{
  ws_test_remove_tree (dir);
  g_clear_pointer (&dir, g_free);
}

/* WS_TEST_RUN with the logs of the folder after @args */
static WsTestRun
run_with_logs (const char *const *args)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  gchar **files = ws_test_asrun_files (dir);
  WsTestRun r;

  for (const char *const *a = args; *a != NULL; a++)
    g_ptr_array_add (argv, g_strdup (*a));
  for (gchar **f = files; *f != NULL; f++)
    if (strstr (*f, ".jsonl") != NULL)
      g_ptr_array_add (argv, g_strdup (*f));
  g_strfreev (files);
  g_ptr_array_add (argv, NULL);
  r = ws_test_run (g_getenv ("WS_WATERSHED"),
      (const char *const *) argv->pdata);
  g_ptr_array_unref (argv);
  return r;
}

START_TEST (test_asrun_cli_verify_whole)
{
  WsTestRun r = run_with_logs (
      (const char *const[]){ "asrun", "verify", NULL });
  JsonParser *p;
  JsonObject *o;

  ck_assert_msg (r.status == 0, "%d: %s", r.status, r.err);
  ck_assert_msg (g_str_has_prefix (r.out, "whole: "), "%s", r.out);
  ws_test_run_clear (&r);

  r = run_with_logs (
      (const char *const[]){ "asrun", "verify", "--json", NULL });
  ck_assert_int_eq (r.status, 0);
  p = json_parser_new ();
  o = ws_test_parse_object (p, r.out);
  ck_assert (json_object_get_boolean_member (o, "whole"));
  ck_assert (json_object_get_null_member (o, "line"));
  ck_assert_uint_eq (strlen (json_object_get_string_member (o, "last_hash")),
      64);
  /* two chains: uk-one's file and fr-un's rotated files */
  ck_assert_uint_ge (json_array_get_length (
                         json_object_get_array_member (o, "files")),
      4);
  g_object_unref (p);
  ws_test_run_clear (&r);

  /* a hash noted earlier that is no longer in the chains (all zeros):
   * exit 1 */
  r = run_with_logs ((const char *const[]){ "asrun", "verify", "--anchor",
      "0000000000000000000000000000000000000000000000000000000000000000",
      NULL });
  ck_assert_int_eq (r.status, 1);
  ck_assert (strstr (r.err, "noted earlier") != NULL);
  ws_test_run_clear (&r);
}
END_TEST

/* one byte of uk-one.jsonl's line 10 changed: exit 1 naming it */
START_TEST (test_asrun_cli_verify_broken)
{
  gchar *path = g_build_filename (dir, "uk-one.jsonl", NULL);
  gchar *text = NULL, *p, *want;
  WsTestRun r;
  guint line = 1;

  ck_assert (g_file_get_contents (path, &text, NULL, NULL));
  for (p = text; line < 10; p++)
    if (*p == '\n')
      line++;
  p = strstr (p, "generated");
  p[0] = 'G';
  ck_assert (g_file_set_contents (path, text, -1, NULL));
  r = run_with_logs ((const char *const[]){ "asrun", "verify", NULL });
  ck_assert_int_eq (r.status, 1);
  want = g_strdup_printf ("%s:10: broken chain: line 10 was changed", path);
  ck_assert_msg (strstr (r.err, want) != NULL, "%s", r.err);
  g_free (want);
  ws_test_run_clear (&r);

  /* the report says so too, and fails */
  r = run_with_logs ((const char *const[]){ "asrun", "report", NULL });
  ck_assert_int_eq (r.status, 1);
  ck_assert (strstr (r.err, ":10: broken chain") != NULL);
  ws_test_run_clear (&r);
  g_free (text);
  g_free (path);
}
END_TEST

START_TEST (test_asrun_cli_usage)
{
  WsTestRun r = WS_TEST_RUN ("asrun", "verify");

  ck_assert_int_eq (r.status, 2);
  ws_test_run_clear (&r);
  r = WS_TEST_RUN ("asrun", "verify", "/nonexistent/as-run.jsonl");
  ck_assert_int_eq (r.status, 2);
  ck_assert (strstr (r.err, "/nonexistent/as-run.jsonl") != NULL);
  ws_test_run_clear (&r);
  r = WS_TEST_RUN ("asrun", "verify", "--anchor", "abc", "x.jsonl");
  ck_assert_int_eq (r.status, 2);
  ck_assert (strstr (r.err, "--anchor \"abc\" is not a SHA-256") != NULL);
  ws_test_run_clear (&r);
  r = WS_TEST_RUN ("asrun", "frobnicate");
  ck_assert_int_eq (r.status, 2);
  ws_test_run_clear (&r);
  r = WS_TEST_RUN ("asrun");
  ck_assert_int_eq (r.status, 2);
  ws_test_run_clear (&r);
  r = WS_TEST_RUN ("asrun", "verify", "--help");
  ck_assert_int_eq (r.status, 0);
  ck_assert (strstr (r.out, "Exit status: 0 every chain is whole") != NULL);
  ws_test_run_clear (&r);
  r = WS_TEST_RUN ("asrun", "report", "--help");
  ck_assert_int_eq (r.status, 0);
  ck_assert (strstr (r.out, "--html") != NULL);
  ws_test_run_clear (&r);
  r = run_with_logs (
      (const char *const[]){ "asrun", "report", "--from", "yesterday", NULL });
  ck_assert_int_eq (r.status, 2);
  ck_assert (strstr (r.err, "--from \"yesterday\"") != NULL);
  ws_test_run_clear (&r);
}
END_TEST

static const char *const want_starts[] = { "2026-02-08T22:30:00+01:00",
  "2026-02-20T21:30:00+01:00", "2026-02-25T21:00:00+01:00",
  "2026-02-05T20:30:00+00:00", "2026-02-12T20:40:00+00:00",
  "2026-02-17T21:00:00+00:00" };
static const char *const want_kinds[] = { "missing-guidance", "outside-window",
  "missing-guidance", "outside-window", "outside-window", "missing-guidance" };

START_TEST (test_asrun_cli_report_json_csv)
{
  gchar *csv = g_build_filename (dir, "violations.csv", NULL);
  gchar *arg = g_strdup_printf ("--csv=%s", csv);
  WsTestRun r = run_with_logs (
      (const char *const[]){ "asrun", "report", "--json", "-", arg, NULL });
  JsonParser *p;
  JsonObject *o;
  JsonArray *v;
  gchar *text = NULL, **rows;

  ck_assert_msg (r.status == 1, "%d: %s", r.status, r.err);
  p = json_parser_new ();
  o = ws_test_parse_object (p, r.out);
  ck_assert (json_object_get_boolean_member (json_object_get_object_member (o,
                                                 "chain"),
      "whole"));
  v = json_object_get_array_member (o, "violations");
  ck_assert_uint_eq (json_array_get_length (v), G_N_ELEMENTS (want_starts));
  for (guint i = 0; i < G_N_ELEMENTS (want_starts); i++) {
    JsonObject *vi = json_array_get_object_element (v, i);

    ck_assert_str_eq (json_object_get_string_member (vi, "start"),
        want_starts[i]);
    ck_assert_str_eq (json_object_get_string_member (vi, "kind"),
        want_kinds[i]);
    ck_assert (json_object_get_boolean_member (vi, "would_have_been_blocked") ==
               (i == 4));
  }
  ck_assert_str_eq (
      json_object_get_string_member (json_array_get_object_element (v, 3),
          "override_reason"),
      "Breaking news special");
  ck_assert_uint_eq (json_array_get_length (
                         json_object_get_array_member (o, "days")),
      58);
  g_object_unref (p);

  ck_assert (g_file_get_contents (csv, &text, NULL, NULL));
  rows = g_strsplit (text, "\r\n", -1);
  ck_assert_uint_eq (g_strv_length (rows), 1 + G_N_ELEMENTS (want_starts) + 1);
  ck_assert (g_str_has_prefix (rows[0], "channel,day,kind,start,end"));
  ck_assert (g_str_has_prefix (rows[1], "\"fr-un\",\"2026-02-08\","
                                        "\"missing-guidance\","
                                        "\"2026-02-08T22:30:00+01:00\","
                                        "\"2026-02-08T22:50:00+01:00\","
                                        "\"1200.000\",\"csa:-16\""));
  g_strfreev (rows);
  g_free (text);
  ws_test_run_clear (&r);

  /* a period without violations passes */
  r = run_with_logs ((const char *const[]){ "asrun", "report", "--from",
      "2026-02-13", "--to", "2026-02-17", NULL });
  ck_assert_msg (r.status == 0, "%d: %s%s", r.status, r.out, r.err);
  ck_assert (strstr (r.out, "violation:") == NULL);
  ws_test_run_clear (&r);
  g_free (arg);
  g_free (csv);
}
END_TEST

/* the HTML page: well-formed for xmllint --html, three real tables, the
 * violations one with a row each */
START_TEST (test_asrun_cli_report_html)
{
  gchar *html = g_build_filename (dir, "report.html", NULL);
  gchar *arg = g_strdup_printf ("--html=%s", html);
  gchar *xmllint = g_find_program_in_path ("xmllint");
  WsTestRun r = run_with_logs (
      (const char *const[]){ "asrun", "report", arg, NULL });
  htmlDocPtr doc;
  xmlXPathContextPtr ctx;
  xmlXPathObjectPtr res;

  ck_assert_int_eq (r.status, 1);
  ck_assert (strstr (r.out, "violation: uk-one outside-window "
                            "2026-02-12T20:40:00+00:00") != NULL);
  ws_test_run_clear (&r);
  if (xmllint != NULL) {
    r = ws_test_run (xmllint,
        (const char *const[]){ "--html", "--noout", html, NULL });
    ck_assert_msg (r.status == 0 && *r.err == '\0', "%s", r.err);
    ws_test_run_clear (&r);
  } else {
    fprintf (stderr, "xmllint is not installed: its check skipped\n");
  }
  doc = htmlReadFile (html, "UTF-8", HTML_PARSE_NONET);
  ck_assert_ptr_nonnull (doc);
  ctx = xmlXPathNewContext (doc);
  res = xmlXPathEvalExpression ((const xmlChar *) "//table", ctx);
  ck_assert_int_eq (xmlXPathNodeSetGetLength (res->nodesetval), 3);
  xmlXPathFreeObject (res);
  res = xmlXPathEvalExpression ((const xmlChar
                                        *) "//table[@id='violations']/tbody/tr",
      ctx);
  ck_assert_int_eq (xmlXPathNodeSetGetLength (res->nodesetval),
      G_N_ELEMENTS (want_starts));
  xmlXPathFreeObject (res);
  res = xmlXPathEvalExpression ((const xmlChar
                                        *) "string(//table[@id='violations']/"
                                           "tbody/tr[4]/td[10])",
      ctx);
  ck_assert_str_eq ((const char *) res->stringval, "Breaking news special");
  xmlXPathFreeObject (res);
  res =
      xmlXPathEvalExpression ((const xmlChar *) "//table[@id='days']/tbody/tr",
          ctx);
  ck_assert_int_eq (xmlXPathNodeSetGetLength (res->nodesetval), 58);
  xmlXPathFreeObject (res);
  xmlXPathFreeContext (ctx);
  xmlFreeDoc (doc);

  /* never over a log */
  {
    gchar *log = g_build_filename (dir, "uk-one.jsonl", NULL);
    gchar *over = g_strdup_printf ("--html=%s", log);

    r = run_with_logs ((const char *const[]){ "asrun", "report", over, NULL });
    ck_assert_int_eq (r.status, 2);
    ws_test_run_clear (&r);
    r = run_with_logs ((const char *const[]){ "asrun", "verify", NULL });
    ck_assert_int_eq (r.status, 0);
    ws_test_run_clear (&r);
    g_free (over);
    g_free (log);
  }
  g_free (xmllint);
  g_free (arg);
  g_free (html);
}
END_TEST

/* An operator's reason that a spreadsheet would run as a formula is
 * written as text in the CSV, as in `watershed check`'s CSV. */
START_TEST (test_asrun_cli_report_csv_formula)
{
  gchar *sub = g_build_filename (dir, "formula", NULL);
  gchar *log = g_build_filename (sub, "gate.jsonl", NULL);
  gchar *csv = g_build_filename (sub, "violations.csv", NULL);
  gchar *arg = g_strdup_printf ("--csv=%s", csv);
  WsAsRunWriter *w;
  WsTestRun r;
  gchar *text = NULL;

  ck_assert_int_eq (g_mkdir (sub, 0700), 0);
  w = ws_asrun_writer_open (log, 0, NULL, NULL, NULL, NULL);
  ck_assert_ptr_nonnull (w);
  ws_test_asrun_decision (w, "gate", "uk-ofcom", "free-to-air",
      "2026-02-05T20:30:00+00:00", "bbfc:15", TRUE, "override-open", "slate",
      "=HYPERLINK(\"http://example.invalid\")");
  ws_test_asrun_decision (w, "gate", "uk-ofcom", "free-to-air",
      "2026-02-05T23:00:00+00:00", "bbfc:PG", TRUE, "allowed", "slate", NULL);
  ws_asrun_writer_close (w);
  r = ws_test_run (g_getenv ("WS_WATERSHED"),
      (const char *const[]){ "asrun", "report", arg, log, NULL });
  ck_assert_msg (r.status == 1, "%d: %s", r.status, r.err);
  ck_assert (g_file_get_contents (csv, &text, NULL, NULL));
  ck_assert_msg (strstr (text, ",\"'=HYPERLINK(\"\"http://example.invalid"
                               "\"\")\",") != NULL,
      "%s", text);
  ck_assert (strstr (text, ",\"=HYPERLINK") == NULL);
  ws_test_run_clear (&r);
  g_free (text);
  g_free (arg);
  g_free (csv);
  g_free (log);
  g_free (sub);
}
END_TEST

static Suite *
asrun_cli_suite (void)
{
  Suite *s = suite_create ("asrun_cli");
  TCase *tc = tcase_create ("cli");

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_asrun_cli_verify_whole);
  tcase_add_test (tc, test_asrun_cli_verify_broken);
  tcase_add_test (tc, test_asrun_cli_usage);
  tcase_add_test (tc, test_asrun_cli_report_json_csv);
  tcase_add_test (tc, test_asrun_cli_report_csv_formula);
  tcase_add_test (tc, test_asrun_cli_report_html);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (asrun_cli_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
