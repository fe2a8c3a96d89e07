/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CLI tests for `watershed rate` and `watershed metadata`. */
#include <check.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ws-test-cli.h"
#include "ws-test-util.h"

START_TEST (test_cli_help_and_unknown_command)
{
  WsTestRun r = WS_TEST_RUN ("--help");

  ck_assert_int_eq (r.status, 0);
  ck_assert (strstr (r.out, "rate") && strstr (r.out, "metadata"));
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("frobnicate");
  ck_assert_int_eq (r.status, 2);
  ck_assert (strstr (r.err, "watershed: unknown command \"frobnicate\""));
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("rate", "--help");
  ck_assert_int_eq (r.status, 0);
  ck_assert (strstr (r.out, "convert"));
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("metadata", "--help");
  ck_assert_int_eq (r.status, 0);
  ck_assert (strstr (r.out, "TV-Anytime"));
  ws_test_run_clear (&r);
}
END_TEST

/* The DESIGN.md contract: {"from": "bbfc:15", "to": "fsk:16",
 * "minimum_age": 16, ...} */
static const struct {
  const char *from, *to, *expect;
  int age;
} conversions[] = {
  { "bbfc:15", "fsk", "fsk:16", 16 },
  { "fsk:16", "bbfc", "bbfc:18", 18 },
  { "us-tv:TV-14", "kijkwijzer", "kijkwijzer:14", 14 },
};

START_TEST (test_cli_rate_convert_json)
{
  JsonParser *parser = json_parser_new ();
  WsTestRun r = WS_TEST_RUN ("rate", "convert", conversions[_i].from, "--to",
      conversions[_i].to, "--json");
  JsonObject *o;

  ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
  o = ws_test_parse_object (parser, r.out);
  ck_assert_str_eq (json_object_get_string_member (o, "from"),
      conversions[_i].from);
  ck_assert_str_eq (json_object_get_string_member (o, "to"),
      conversions[_i].expect);
  ck_assert_int_eq (json_object_get_int_member (o, "minimum_age"),
      conversions[_i].age);
  ck_assert (json_object_has_member (o, "approximate"));
  ws_test_run_clear (&r);
  g_object_unref (parser);
}
END_TEST

START_TEST (test_cli_rate_convert_text)
{
  WsTestRun r = WS_TEST_RUN ("rate", "convert", "bbfc:15", "--to", "fsk");

  ck_assert_int_eq (r.status, 0);
  ck_assert_msg (strstr (r.out, "bbfc:15") && strstr (r.out, "fsk:16"), "%s",
      r.out);
  ws_test_run_clear (&r);
}
END_TEST

START_TEST (test_cli_rate_errors)
{
  WsTestRun r = WS_TEST_RUN ("rate", "convert", "bbfc15", "--to", "fsk");

  ck_assert_int_eq (r.status, 2);
  ck_assert (g_str_has_prefix (r.err, "watershed: "));
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("rate", "convert", "bbfc:99", "--to", "fsk");
  ck_assert_int_eq (r.status, 2);
  ck_assert (strstr (r.err, "99"));
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("rate", "convert", "bbfc:15", "--to", "nosuch");
  ck_assert_int_eq (r.status, 2);
  ck_assert (strstr (r.err, "nosuch"));
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("rate", "convert", "bbfc:15");
  ck_assert_int_eq (r.status, 2);
  ck_assert (strstr (r.err, "--to"));
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("rate", "show", "nosuch");
  ck_assert_int_eq (r.status, 2);
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("rate", "--bogus");
  ck_assert_int_eq (r.status, 2);
  ws_test_run_clear (&r);
}
END_TEST

START_TEST (test_cli_rate_list_and_show)
{
  static const char *const required[] = { "bbfc", "mpa", "us-tv", "fsk", "csa",
    "kijkwijzer", "acb", "ifco", "classind", "cbfc", "eirin", "dvb" };
  static const char *const bbfc[] = { "U", "PG", "12A", "12", "15", "18",
    "R18" };
  JsonParser *parser = json_parser_new ();
  WsTestRun r = WS_TEST_RUN ("rate", "list", "--json");
  JsonObject *o;
  JsonArray *systems, *ratings;

  ck_assert_int_eq (r.status, 0);
  o = ws_test_parse_object (parser, r.out);
  systems = json_object_get_array_member (o, "systems");
  for (gsize i = 0; i < G_N_ELEMENTS (required); i++) {
    gboolean found = FALSE;

    for (guint j = 0; j < json_array_get_length (systems); j++) {
      JsonObject *s = json_array_get_object_element (systems, j);
      found |= !strcmp (json_object_get_string_member (s, "id"), required[i]);
    }
    ck_assert_msg (found, "system %s missing from rate list", required[i]);
  }
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("rate", "show", "bbfc", "--json");
  ck_assert_int_eq (r.status, 0);
  o = ws_test_parse_object (parser, r.out);
  ratings = json_object_get_array_member (o, "ratings");
  ck_assert_int_ge (json_array_get_length (ratings), G_N_ELEMENTS (bbfc));
  {
    /* The official codes appear in this order (others may be between). */
    guint at = 0;
    for (guint j = 0;
         j < json_array_get_length (ratings) && at < G_N_ELEMENTS (bbfc); j++) {
      JsonObject *d = json_array_get_object_element (ratings, j);
      if (!strcmp (json_object_get_string_member (d, "code"), bbfc[at]))
        at++;
    }
    ck_assert_int_eq (at, G_N_ELEMENTS (bbfc));
  }
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("rate", "show", "bbfc");
  ck_assert_int_eq (r.status, 0);
  ck_assert (strstr (r.out, "12A"));
  ws_test_run_clear (&r);
  g_object_unref (parser);
}
END_TEST

START_TEST (test_cli_metadata_sample_json)
{
  char *sample = g_build_filename (g_getenv ("WS_SOURCE_ROOT"), "ratings",
      "samples", "demo-bbfc15.xml", NULL);
  JsonParser *parser = json_parser_new ();
  WsTestRun r = WS_TEST_RUN ("metadata", sample, "--json", "--territory", "GB");
  JsonObject *o, *rating;
  JsonArray *ratings;

  ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
  o = ws_test_parse_object (parser, r.out);
  ck_assert_str_eq (json_object_get_string_member (o, "format"), "watershed");
  ratings = json_object_get_array_member (o, "ratings");
  ck_assert_int_ge (json_array_get_length (ratings), 1);
  rating = json_array_get_object_element (ratings, 0);
  ck_assert_str_eq (json_object_get_string_member (rating, "territory"), "GB");
  ck_assert_str_eq (json_object_get_string_member (rating, "system"), "bbfc");
  ck_assert_str_eq (json_object_get_string_member (rating, "code"), "15");
  ck_assert_int_eq (json_object_get_int_member (rating, "minimum_age"), 15);
  ck_assert (json_object_has_member (rating, "descriptors"));
  ck_assert (!json_object_get_null_member (rating, "text"));
  ck_assert (json_object_has_member (o, "warnings"));
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("metadata", sample, "--explain");
  ck_assert_int_eq (r.status, 0);
  ck_assert_msg (strstr (r.out, "bbfc:15") && strstr (r.out, "fsk:16"), "%s",
      r.out);
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("metadata", sample, "--territory", "ZZZ");
  ck_assert_int_eq (r.status, 2);
  ck_assert (strstr (r.err, "ZZZ"));
  ws_test_run_clear (&r);
  g_free (sample);
  g_object_unref (parser);
}
END_TEST

START_TEST (test_cli_metadata_bad_files)
{
  char *dir = g_dir_make_tmp ("ws-cli-XXXXXX", NULL);
  char *bad = g_build_filename (dir, "bad.xml", NULL);
  char *unknown = g_build_filename (dir, "unknown.xml", NULL);
  char *sample = g_build_filename (g_getenv ("WS_SOURCE_ROOT"), "ratings",
      "samples", "demo-bbfc15.xml", NULL);
  JsonParser *parser = json_parser_new ();
  JsonObject *o;
  JsonArray *files;
  WsTestRun r;

  ck_assert (g_file_set_contents (bad, "<a>\n<b>\n</a>\n", -1, NULL));
  ck_assert (g_file_set_contents (unknown, "<html/>", -1, NULL));

  r = WS_TEST_RUN ("metadata", "/nonexistent/file.xml");
  ck_assert_int_eq (r.status, 2);
  ck_assert (strstr (r.err, "watershed: /nonexistent/file.xml: "));
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("metadata", bad);
  ck_assert_int_eq (r.status, 2);
  ck_assert_msg (strstr (r.err, "bad.xml:3: malformed XML"), "%s", r.err);
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("metadata", unknown);
  ck_assert_int_eq (r.status, 2);
  ck_assert (strstr (r.err, "<html>"));
  ws_test_run_clear (&r);

  /* The batch goes on: the good file is still reported. */
  r = WS_TEST_RUN ("metadata", bad, sample, "--json");
  ck_assert_int_eq (r.status, 2);
  o = ws_test_parse_object (parser, r.out);
  files = json_object_get_array_member (o, "files");
  ck_assert_int_eq (json_array_get_length (files), 2);
  ck_assert (
      !json_object_get_null_member (json_array_get_object_element (files, 0),
          "error"));
  ck_assert_str_eq (json_object_get_string_member (
                        json_array_get_object_element (files, 1), "format"),
      "watershed");
  ws_test_run_clear (&r);

  g_unlink (bad);
  g_unlink (unknown);
  g_rmdir (dir);
  g_free (bad);
  g_free (unknown);
  g_free (sample);
  g_free (dir);
  g_object_unref (parser);
}
END_TEST

/* Every CPL and TV-Anytime file of the corpus reads; the -INVALID ones
 * are reported invalid (exit 1, "valid": false). */
START_TEST (test_cli_metadata_corpus)
{
  const char *corpus = g_getenv ("WS_CORPUS_DIR");
  const char *subdirs[] = { "imf-cpl", "tva" };
  JsonParser *parser = json_parser_new ();
  int files = 0;

  for (gsize s = 0; s < G_N_ELEMENTS (subdirs); s++) {
    char *path = g_build_filename (corpus, subdirs[s], NULL);
    GDir *dir = g_dir_open (path, 0, NULL);
    const char *name;

    ck_assert_ptr_nonnull (dir);
    while ((name = g_dir_read_name (dir)) != NULL) {
      char *file;
      WsTestRun r;
      JsonObject *o;
      gboolean invalid = strstr (name, "-INVALID") != NULL;

      if (!g_str_has_suffix (name, ".xml"))
        continue;
      file = g_build_filename (path, name, NULL);
      r = WS_TEST_RUN ("metadata", file, "--json");
      ck_assert_msg (r.status == (invalid ? 1 : 0) ||
                         (!invalid && r.status == 1),
          "%s: exit %d: %s", name, r.status, r.err);
      o = ws_test_parse_object (parser, r.out);
      ck_assert_str_eq (json_object_get_string_member (o, "format"),
          s == 0 ? "imf-cpl" :
                   (g_str_has_prefix (name, "dvbi-servicelist") ?
                           "dvbi-service-list" :
                           "tva"));
      if (invalid)
        ck_assert_msg (!json_object_get_boolean_member (o, "valid"),
            "%s should be reported invalid", name);
      ws_test_run_clear (&r);

      r = WS_TEST_RUN ("metadata", file);
      ck_assert_int_le (r.status, 1);
      ck_assert_msg (strstr (r.out, name) != NULL, "%s", r.out);
      ws_test_run_clear (&r);
      g_free (file);
      files++;
    }
    g_dir_close (dir);
    g_free (path);
  }
  ck_assert_int_ge (files, 20);
  g_object_unref (parser);
}
END_TEST

START_TEST (test_cli_policy_decide_contract)
{
  JsonParser *parser = json_parser_new ();
  WsTestRun r = WS_TEST_RUN ("policy", "decide", "--policy", "uk-ofcom",
      "--rating", "bbfc:15", "--at", "2026-07-01T19:30:00Z", "--json");
  JsonObject *o;

  /* DESIGN.md contract 4: blocked -> exit 1 */
  ck_assert_msg (r.status == 1, "exit %d: %s", r.status, r.err);
  o = ws_test_parse_object (parser, r.out);
  ck_assert (!json_object_get_boolean_member (o, "allowed"));
  ck_assert_str_eq (json_object_get_string_member (o, "next_allowed"),
      "2026-07-01T21:00:00+01:00");
  ck_assert (json_object_get_null_member (o, "allowed_until"));
  ck_assert (strlen (json_object_get_string_member (o, "reason")) > 10);
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("policy", "decide", "--policy", "uk-ofcom", "--rating",
      "bbfc:15", "--at", "2026-07-01T21:00:00+01:00", "--json");
  ck_assert_int_eq (r.status, 0);
  o = ws_test_parse_object (parser, r.out);
  ck_assert (json_object_get_boolean_member (o, "allowed"));
  ck_assert_str_eq (json_object_get_string_member (o, "allowed_until"),
      "2026-07-02T05:30:00+01:00");
  ws_test_run_clear (&r);

  /* fail closed without a rating that exists */
  r = WS_TEST_RUN ("policy", "decide", "--policy", "uk-ofcom", "--rating",
      "mpa:NR", "--at", "2026-07-01T23:00:00+01:00", "--json");
  ck_assert_int_eq (r.status, 1);
  o = ws_test_parse_object (parser, r.out);
  ck_assert (!json_object_get_boolean_member (o, "allowed"));
  ws_test_run_clear (&r);
  g_object_unref (parser);
}
END_TEST

START_TEST (test_cli_policy_errors_and_list)
{
  WsTestRun r = WS_TEST_RUN ("policy", "decide", "--policy", "xx-nowhere",
      "--rating", "bbfc:15", "--at", "2026-07-01T19:30:00Z");

  ck_assert_int_eq (r.status, 2);
  ck_assert (strstr (r.err, "xx-nowhere"));
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("policy", "decide", "--policy", "uk-ofcom", "--rating",
      "bbfc:15", "--at", "2026-07-01T25:00:00Z");
  ck_assert_int_eq (r.status, 2);
  ck_assert (strstr (r.err, "25:00"));
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("policy", "list");
  ck_assert_int_eq (r.status, 0);
  for (const char *const *id = (const char *const[]){ "uk-ofcom", "de-jmstv",
           "fr-arcom", "nl-kijkwijzer", "us-fcc", "ie-cnam", "au-freetv",
           "es-lgca", "it-tusma", "br-classind", NULL };
       *id; id++)
    ck_assert_msg (strstr (r.out, *id) != NULL, "%s missing", *id);
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("policy", "--help");
  ck_assert_int_eq (r.status, 0);
  ws_test_run_clear (&r);
}
END_TEST

START_TEST (test_cli_policy_windows)
{
  JsonParser *parser = json_parser_new ();
  WsTestRun r = WS_TEST_RUN ("policy", "windows", "--policy", "de-jmstv",
      "--rating", "fsk:16", "--from", "2026-07-01", "--to", "2026-07-03",
      "--json");
  JsonNode *root;

  ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
  ck_assert_msg (json_parser_load_from_data (parser, r.out, -1, NULL), "%s",
      r.out);
  root = json_parser_get_root (parser);
  ck_assert (strstr (r.out, "2026-07-01T22:00:00+02:00") != NULL);
  ck_assert (strstr (r.out, "2026-07-02T06:00:00+02:00") != NULL);
  (void) root;
  ws_test_run_clear (&r);
  g_object_unref (parser);
}
END_TEST

static char *
source_file (const char *relative)
{
  return g_build_filename (g_getenv ("WS_SOURCE_ROOT"), relative, NULL);
}

START_TEST (test_cli_schedule_check)
{
  char *sched = source_file ("tests/files/schedules/two-channels.xml");
  char *dir = g_dir_make_tmp ("ws-cli-XXXXXX", NULL);
  char *junit = g_build_filename (dir, "report.xml", NULL);
  JsonParser *parser = json_parser_new ();
  JsonObject *o, *v;
  JsonArray *violations;
  WsTestRun r = WS_TEST_RUN ("schedule", "check", sched, "--policy", "uk-ofcom",
      "--json", "--junit", junit);
  char *xml = NULL;

  /* two unusable events in the file: input error, yet all else checked */
  ck_assert_msg (r.status == 2, "exit %d: %s", r.status, r.err);
  o = ws_test_parse_object (parser, r.out);
  ck_assert_int_eq (json_object_get_int_member (o, "events_checked"), 6);
  violations = json_object_get_array_member (o, "violations");
  ck_assert_int_eq (json_array_get_length (violations), 3);
  v = json_array_get_object_element (violations, 0);
  ck_assert_str_eq (json_object_get_string_member (v, "id"), "e2");
  ck_assert_str_eq (json_object_get_string_member (v, "verdict"), "unrated");
  v = json_array_get_object_element (violations, 1);
  ck_assert_str_eq (json_object_get_string_member (v, "id"), "e5");
  ck_assert_str_eq (json_object_get_string_member (v, "verdict"),
      "runs-past-end");
  ck_assert_str_eq (json_object_get_string_member (v, "rule"), "uk-watershed");
  ck_assert_str_eq (json_object_get_string_member (v, "start"),
      "2026-07-02T04:30:00+01:00");
  ck_assert_str_eq (json_object_get_string_member (v,
                        "earliest_compliant_start"),
      "2026-07-02T21:00:00+01:00");
  v = json_array_get_object_element (violations, 2);
  ck_assert_str_eq (json_object_get_string_member (v, "verdict"),
      "starts-outside");
  ck_assert_str_eq (json_object_get_string_member (v,
                        "earliest_compliant_start"),
      "2026-07-01T21:00:00+01:00");
  ck_assert_int_eq (json_array_get_length (
                        json_object_get_array_member (o, "errors")),
      2);
  ck_assert (g_file_get_contents (junit, &xml, NULL, NULL));
  ck_assert (strstr (xml, "<testsuites") && strstr (xml, "failures=\"3\""));
  ck_assert (strstr (xml, "type=\"runs-past-end\""));
  g_free (xml);
  ws_test_run_clear (&r);

  /* The PIN does not unlock the pay channel's daytime 18: 18 films or
   * their equivalent not before 21:00 on any service but PPV (issue #10). */
  r = WS_TEST_RUN ("schedule", "check", sched, "--policy", "uk-ofcom", "--pin",
      "--json");
  o = ws_test_parse_object (parser, r.out);
  ck_assert_int_eq (json_array_get_length (
                        json_object_get_array_member (o, "violations")),
      3);
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("schedule", "check", sched);
  ck_assert_int_eq (r.status, 2);
  ck_assert (strstr (r.err, "--policy"));
  ws_test_run_clear (&r);

  g_unlink (junit);
  g_rmdir (dir);
  g_free (junit);
  g_free (dir);
  g_free (sched);
  g_object_unref (parser);
}
END_TEST

/* BXF joined with metadata by house number: the programme straddling
 * 21:00 is reported with the earliest compliant start. */
START_TEST (test_cli_schedule_bxf_metadata_dir)
{
  char *sched = source_file ("tests/files/schedules/bxf-day.xml");
  char *sample = source_file ("ratings/samples/demo-bbfc15.xml");
  char *dir = g_dir_make_tmp ("ws-cli-XXXXXX", NULL);
  char *md = g_build_filename (dir, "HN-200.xml", NULL);
  char *text = NULL;
  JsonParser *parser = json_parser_new ();
  JsonObject *o, *v;
  WsTestRun r;

  ck_assert (g_file_get_contents (sample, &text, NULL, NULL));
  ck_assert (g_file_set_contents (md, text, -1, NULL));
  r = WS_TEST_RUN ("schedule", "check", sched, "--policy", "uk-ofcom",
      "--metadata-dir", dir, "--json");
  ck_assert_msg (r.status == 2, "exit %d: %s", r.status, r.err);
  o = ws_test_parse_object (parser, r.out);
  ck_assert_str_eq (json_object_get_string_member (o, "format"), "bxf");
  ck_assert_int_eq (json_object_get_int_member (o, "events_checked"), 3);
  ck_assert_int_eq (json_array_get_length (
                        json_object_get_array_member (o, "violations")),
      1);
  v = json_array_get_object_element (json_object_get_array_member (o,
                                         "violations"),
      0);
  ck_assert_str_eq (json_object_get_string_member (v, "house_number"),
      "HN-200");
  ck_assert_str_eq (json_object_get_string_member (v, "rating"), "bbfc:15");
  ck_assert_str_eq (json_object_get_string_member (v, "start"),
      "2026-07-01T20:30:00+01:00");
  ck_assert_str_eq (json_object_get_string_member (v,
                        "earliest_compliant_start"),
      "2026-07-01T21:00:00+01:00");
  ws_test_run_clear (&r);

  /* Without the metadata the programme has no rating: fail closed. */
  r = WS_TEST_RUN ("schedule", "check", sched, "--policy", "uk-ofcom",
      "--json");
  o = ws_test_parse_object (parser, r.out);
  v = json_array_get_object_element (json_object_get_array_member (o,
                                         "violations"),
      0);
  ck_assert_str_eq (json_object_get_string_member (v, "verdict"), "unrated");
  ws_test_run_clear (&r);

  g_unlink (md);
  g_rmdir (dir);
  g_free (md);
  g_free (dir);
  g_free (text);
  g_free (sample);
  g_free (sched);
  g_object_unref (parser);
}
END_TEST

/* The XML examples in README.md and docs/sidecar.md read without an error
 * or a warning, so the documentation cannot rot. */
START_TEST (test_cli_documented_examples_read)
{
  const char *docs[] = { "README.md", "docs/sidecar.md" };
  char *dir = g_dir_make_tmp ("ws-cli-XXXXXX", NULL);
  char *file = g_build_filename (dir, "example.xml", NULL);
  JsonParser *parser = json_parser_new ();
  int examples = 0;

  for (gsize d = 0; d < G_N_ELEMENTS (docs); d++) {
    char *path = g_build_filename (g_getenv ("WS_SOURCE_ROOT"), docs[d], NULL);
    char *text = NULL;
    const char *p;

    ck_assert_msg (g_file_get_contents (path, &text, NULL, NULL), "%s", path);
    for (p = strstr (text, "```xml\n"); p != NULL; p = strstr (p, "```xml\n")) {
      const char *start = p + strlen ("```xml\n");
      const char *end = strstr (start, "```");
      JsonObject *o;
      WsTestRun r;

      ck_assert_ptr_nonnull (end);
      ck_assert (g_file_set_contents (file, start, end - start, NULL));
      r = WS_TEST_RUN ("metadata", file, "--json");
      ck_assert_msg (r.status == 0, "%s example %d: exit %d: %s", docs[d],
          examples, r.status, r.err);
      o = ws_test_parse_object (parser, r.out);
      ck_assert_str_eq (json_object_get_string_member (o, "format"),
          "watershed");
      ck_assert_int_eq (json_array_get_length (
                            json_object_get_array_member (o, "warnings")),
          0);
      ws_test_run_clear (&r);
      examples++;
      p = end;
    }
    g_free (text);
    g_free (path);
  }
  ck_assert_int_ge (examples, 2);
  g_unlink (file);
  g_rmdir (dir);
  g_free (file);
  g_free (dir);
  g_object_unref (parser);
}
END_TEST

static Suite *
cli_suite (void)
{
  Suite *s = suite_create ("watershed-cli");
  TCase *rate = tcase_create ("rate");
  TCase *metadata = tcase_create ("metadata");
  TCase *policy = tcase_create ("policy");

  tcase_set_timeout (rate, 120);
  tcase_set_timeout (metadata, 240);
  tcase_set_timeout (policy, 240);
  tcase_add_test (rate, test_cli_help_and_unknown_command);
  tcase_add_loop_test (rate, test_cli_rate_convert_json, 0,
      G_N_ELEMENTS (conversions));
  tcase_add_test (rate, test_cli_rate_convert_text);
  tcase_add_test (rate, test_cli_rate_errors);
  tcase_add_test (rate, test_cli_rate_list_and_show);
  suite_add_tcase (s, rate);

  tcase_add_test (metadata, test_cli_metadata_sample_json);
  tcase_add_test (metadata, test_cli_metadata_bad_files);
  tcase_add_test (metadata, test_cli_documented_examples_read);
  tcase_add_test (policy, test_cli_policy_decide_contract);
  tcase_add_test (policy, test_cli_policy_errors_and_list);
  tcase_add_test (policy, test_cli_policy_windows);
  tcase_add_test (policy, test_cli_schedule_check);
  tcase_add_test (policy, test_cli_schedule_bxf_metadata_dir);
  suite_add_tcase (s, policy);

  if (ws_test_corpus_present ())
    tcase_add_test (metadata, test_cli_metadata_corpus);
  suite_add_tcase (s, metadata);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (cli_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
