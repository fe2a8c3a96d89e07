/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Support information on the command line (issue #17): `watershed
 * metadata --explain` lists the topics and the territory's helplines, and
 * `watershed check` reports them as its support-info check. The media is
 * made by ffmpeg in a temporary folder; the sidecars and support data are
 * written by the tests. */
#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ws-test-cli.h"

static char *tmp_dir;

static char *
sample (void)
{
  return g_build_filename (g_getenv ("WS_SOURCE_ROOT"), "ratings", "samples",
      "support-bbfc18.xml", NULL);
}

static gboolean
make_media (void)
{
  char *mp4 = g_build_filename (tmp_dir, "prog.mp4", NULL);
  gboolean ok = WS_TEST_FFMPEG ("-f", "lavfi", "-i",
      "testsrc2=size=64x36:rate=10:duration=1", "-f", "lavfi", "-i",
      "sine=frequency=1000:sample_rate=48000:duration=1", "-c:v", "mpeg4",
      "-c:a", "aac", "-shortest", mp4);

  g_free (mp4);
  return ok;
}

static void
write_file (const char *dir, const char *name, const char *text)
{
  char *p = g_build_filename (dir, name, NULL);

  ck_assert (g_file_set_contents (p, text, -1, NULL));
  g_free (p);
}

/* ---- metadata --explain ----------------------------------------------- */

START_TEST (test_support_explain_text)
{
  char *path = sample ();
  WsTestRun r = WS_TEST_RUN ("metadata", "--explain", "--territory", "GB",
      path);
  const char *frank, *sam, *child, *unverified;

  ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
  ck_assert_msg (strstr (r.out, "      support topics: suicide-self-harm\n"),
      "%s", r.out);
  ck_assert_msg (strstr (r.out,
                     "      support: addiction, abuse, suicide-self-harm\n"),
      "%s", r.out);
  frank = strstr (r.out, "GB addiction         FRANK, 0300 123 6600, "
                         "https://www.talktofrank.com/ (24/7)\n");
  sam = strstr (r.out, "GB suicide-self-harm Samaritans, 116 123, "
                       "https://www.samaritans.org/ (24 hours a day, every "
                       "day)\n");
  child = strstr (r.out, "GB child             Childline, 0800 1111");
  ck_assert_msg (frank && sam && child, "%s", r.out);
  ck_assert (frank < sam && sam < child);
  /* each entry's source and check date; unverified ones say so */
  ck_assert (strstr (sam, "checked 2026-12-03\n") != NULL);
  unverified = strstr (frank, "checked 2026-12-03, NOT VERIFIED");
  ck_assert (unverified != NULL && unverified < sam);
  /* the DE rating is filtered out by --territory */
  ck_assert (strstr (r.out, "TelefonSeelsorge") == NULL);
  ws_test_run_clear (&r);

  /* without --explain: the explicit topic, no helplines */
  r = WS_TEST_RUN ("metadata", path);
  ck_assert_int_eq (r.status, 0);
  ck_assert (strstr (r.out, "support topics: suicide-self-harm") != NULL);
  ck_assert (strstr (r.out, "Samaritans") == NULL);
  ws_test_run_clear (&r);
  g_free (path);
}
END_TEST

START_TEST (test_support_explain_json)
{
  char *path = sample ();
  WsTestRun r = WS_TEST_RUN ("metadata", "--explain", "--json", path);
  JsonParser *parser = json_parser_new ();
  JsonObject *o, *de, *support, *h;
  JsonArray *ratings, *topics, *helplines;

  ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
  o = ws_test_parse_object (parser, r.out);
  ratings = json_object_get_array_member (o, "ratings");
  ck_assert_int_eq (json_array_get_length (ratings), 2);
  de = json_array_get_object_element (ratings, 1);
  ck_assert_str_eq (json_object_get_string_member (de, "territory"), "DE");
  topics = json_object_get_array_member (de, "support_topics");
  ck_assert_int_eq (json_array_get_length (topics), 1);
  ck_assert_str_eq (json_array_get_string_element (topics, 0),
      "suicide-self-harm");
  support = json_object_get_object_member (de, "support");
  ck_assert_str_eq (json_object_get_string_member (support, "territory"), "DE");
  topics = json_object_get_array_member (support, "topics");
  ck_assert_int_eq (json_array_get_length (topics), 3);
  ck_assert_str_eq (json_array_get_string_element (topics, 0), "addiction");
  ck_assert_str_eq (json_array_get_string_element (topics, 1), "abuse");
  ck_assert_str_eq (json_array_get_string_element (topics, 2),
      "suicide-self-harm");
  ck_assert_int_eq (json_array_get_length (
                        json_object_get_array_member (support,
                            "missing_topics")),
      0);
  helplines = json_object_get_array_member (support, "helplines");
  ck_assert_int_eq (json_array_get_length (helplines), 4);
  h = json_array_get_object_element (helplines, 2);
  ck_assert_str_eq (json_object_get_string_member (h, "topic"),
      "suicide-self-harm");
  ck_assert_str_eq (json_object_get_string_member (h, "name"),
      "TelefonSeelsorge");
  ck_assert_str_eq (json_object_get_string_member (h, "hours"),
      "rund um die Uhr");
  ck_assert_str_eq (json_object_get_string_member (h, "lang"), "de");
  ck_assert_str_eq (json_object_get_string_member (h, "checked"), "2026-12-03");
  ck_assert (json_object_get_boolean_member (h, "verified"));
  h = json_array_get_object_element (helplines, 3);
  ck_assert_str_eq (json_object_get_string_member (h, "topic"), "child");
  ck_assert_str_eq (json_object_get_string_member (h, "number"), "116 111");
  ws_test_run_clear (&r);

  /* without --explain no support object (the contract's keys unchanged) */
  r = WS_TEST_RUN ("metadata", "--json", path);
  o = ws_test_parse_object (parser, r.out);
  de = json_array_get_object_element (json_object_get_array_member (o,
                                          "ratings"),
      1);
  ck_assert (!json_object_has_member (de, "support"));
  ws_test_run_clear (&r);
  g_object_unref (parser);
  g_free (path);
}
END_TEST

START_TEST (test_support_explain_errors)
{
  char *path = sample ();
  char *bad = g_build_filename (tmp_dir, "bad-support.xml", NULL);
  WsTestRun r = WS_TEST_RUN ("metadata", "--support", tmp_dir, path);

  ck_assert_int_eq (r.status, 2);
  ck_assert (strstr (r.err, "--support goes with --explain") != NULL);
  ws_test_run_clear (&r);
  write_file (tmp_dir, "bad-support.xml",
      "<support xmlns=\"urn:watershed:support:1\" territory=\"GB\" "
      "lang=\"en\">\n<helpline topic=\"child\"><name>A</name>"
      "<number>1</number><source href=\"https://x/\" "
      "checked=\"2026-13-01\"/></helpline></support>");
  r = WS_TEST_RUN ("metadata", "--explain", "--support", bad, path);
  ck_assert_int_eq (r.status, 2);
  ck_assert_msg (strstr (r.err, "bad-support.xml:2:") != NULL &&
                     strstr (r.err, "\"checked\"") != NULL,
      "%s", r.err);
  ws_test_run_clear (&r);
  g_unlink (bad);
  g_free (bad);
  g_free (path);
}
END_TEST

/* ---- check: support-info ----------------------------------------------- */

static const char *
item_status (JsonObject *file, const char *id, const char *subject,
    const char **message)
{
  JsonArray *checks = json_object_get_array_member (file, "checks");

  for (guint i = 0; i < json_array_get_length (checks); i++) {
    JsonObject *c = json_array_get_object_element (checks, i);

    if (strcmp (json_object_get_string_member (c, "id"), id) == 0 &&
        g_strcmp0 (json_object_get_string_member (c, "subject"), subject) ==
            0) {
      if (message)
        *message = json_object_get_string_member (c, "message");
      return json_object_get_string_member (c, "status");
    }
  }
  return NULL;
}

static JsonObject *
check_json (JsonParser *parser, const char *sidecar, const char *support,
    WsTestRun *r)
{
  char *mp4 = g_build_filename (tmp_dir, "prog.mp4", NULL);
  char *xml = g_build_filename (tmp_dir, "prog.xml", NULL);
  JsonObject *o;

  ck_assert (g_file_set_contents (xml, sidecar, -1, NULL));
  if (support)
    *r = WS_TEST_RUN ("check", "--no-progress", "--json", "--support", support,
        mp4);
  else
    *r = WS_TEST_RUN ("check", "--no-progress", "--json", mp4);
  ck_assert_msg (r->status == 0 || r->status == 1, "exit %d: %s", r->status,
      r->err);
  o = ws_test_parse_object (parser, r->out);
  g_unlink (xml);
  g_free (xml);
  g_free (mp4);
  return json_array_get_object_element (json_object_get_array_member (o,
                                            "files"),
      0);
}

#define SIDECAR_HEAD                                                      \
  "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" version=\"1\">" \
  "<programme id=\"P\">"
#define SIDECAR_TAIL "</programme></watershed-metadata>"

START_TEST (test_support_check_installed_data)
{
  JsonParser *parser = json_parser_new ();
  WsTestRun r;
  const char *msg = NULL;
  JsonObject *f = check_json (parser,
      SIDECAR_HEAD "<rating territory=\"GB\" system=\"bbfc\" code=\"15\">"
                   "<descriptor>drugs</descriptor></rating>"
                   "<rating territory=\"NL\" system=\"kijkwijzer\" code=\"16\">"
                   "<descriptor>drugs-alcohol</descriptor></rating>"
                   "<rating territory=\"DE\" system=\"fsk\" code=\"12\">"
                   "<descriptor>sprache</descriptor></rating>" SIDECAR_TAIL,
      NULL, &r);

  /* GB: FRANK and the gambling helpline are not verified: warn */
  ck_assert_str_eq (item_status (f, "support-info", "GB", &msg), "warn");
  ck_assert_msg (strstr (msg, "(addiction): FRANK 0300 123 6600 (not "
                              "verified)") != NULL,
      "%s", msg);
  ck_assert (strstr (msg, "not verified at their source") != NULL);
  /* NL: no addiction helpline (a listed gap) */
  ck_assert_str_eq (item_status (f, "support-info", "NL", &msg), "warn");
  ck_assert_msg (strstr (msg, "NL has no helpline for addiction") != NULL &&
                     strstr (msg, "nl.xml") != NULL &&
                     strstr (msg, "De Kindertelefoon 0800 0432") != NULL,
      "%s", msg);
  /* DE: language calls for nothing */
  ck_assert_ptr_null (item_status (f, "support-info", "DE", NULL));
  ws_test_run_clear (&r);

  /* nothing called for: no item at all */
  f = check_json (parser,
      SIDECAR_HEAD "<rating territory=\"GB\" system=\"bbfc\" code=\"15\">"
                   "<descriptor>language</descriptor></rating>" SIDECAR_TAIL,
      NULL, &r);
  ck_assert_ptr_null (item_status (f, "support-info", "GB", NULL));
  ck_assert_str_eq (item_status (f, "rating-present", "GB", NULL), "pass");
  ws_test_run_clear (&r);
  g_object_unref (parser);
}
END_TEST

START_TEST (test_support_check_own_data)
{
  char *data = g_build_filename (tmp_dir, "support", NULL);
  char *junit = g_build_filename (tmp_dir, "report.xml", NULL);
  char *mp4 = g_build_filename (tmp_dir, "prog.mp4", NULL);
  char *xml = g_build_filename (tmp_dir, "prog.xml", NULL);
  JsonParser *parser = json_parser_new ();
  WsTestRun r;
  const char *msg = NULL;
  char *text;
  JsonObject *f;
  static const char sidecar[] = SIDECAR_HEAD
      "<rating territory=\"GB\" system=\"bbfc\" code=\"18\">"
      "<descriptor>sexual-violence</descriptor>"
      "<support topic=\"eating-disorders\"/></rating>"
      "<rating territory=\"FR\" system=\"csa\" code=\"-16\">"
      "<support topic=\"abuse\"/></rating>" SIDECAR_TAIL;

  ck_assert_int_eq (g_mkdir (data, 0700), 0);
  write_file (data, "topics.xml",
      "<support-topics xmlns=\"urn:watershed:support:1\">"
      "<topic id=\"child\" label=\"C\"/><topic id=\"abuse\" label=\"A\"/>"
      "<topic id=\"eating-disorders\" label=\"E\"/>"
      "<map system=\"bbfc\" descriptor=\"sexual-violence\" topic=\"abuse\"/>"
      "</support-topics>");
  write_file (data, "gb.xml",
      "<support xmlns=\"urn:watershed:support:1\" territory=\"GB\" "
      "lang=\"en\">"
      "<helpline topic=\"abuse\"><name>Abuse Line</name><number>0800 1"
      "</number><source href=\"https://a.example/\" checked=\"2026-12-01\"/>"
      "</helpline>"
      "<helpline topic=\"eating-disorders\"><name>Food Line</name>"
      "<url>https://f.example/</url><source href=\"https://f.example/\" "
      "checked=\"2026-12-01\"/></helpline>"
      "<helpline topic=\"child\"><name>Kids Line</name><number>0800 2"
      "</number><source href=\"https://k.example/\" checked=\"2026-12-01\"/>"
      "</helpline></support>");

  f = check_json (parser, sidecar, data, &r);
  ck_assert_str_eq (item_status (f, "support-info", "GB", &msg), "pass");
  ck_assert_str_eq (msg,
      "GB: bbfc:18 calls for support information (abuse, eating-disorders): "
      "Abuse Line 0800 1, Food Line https://f.example/, Kids Line 0800 2");
  /* FR has no file in this data */
  ck_assert_str_eq (item_status (f, "support-info", "FR", &msg), "warn");
  ck_assert (strstr (msg, "none is configured for FR") != NULL);
  ws_test_run_clear (&r);

  /* the JUnit report has the check as a test case */
  ck_assert (g_file_set_contents (xml, sidecar, -1, NULL));
  r = WS_TEST_RUN ("check", "--no-progress", "--support", data, "--junit",
      junit, mp4);
  ck_assert_msg (r.status == 0 || r.status == 1, "%d: %s", r.status, r.err);
  text = ws_test_read_text (junit);
  ck_assert_msg (strstr (text, "support-info") != NULL, "%s", text);
  g_free (text);
  ws_test_run_clear (&r);

  /* a topic the data does not declare fails, naming it */
  f = check_json (parser,
      SIDECAR_HEAD "<rating territory=\"GB\" system=\"bbfc\" code=\"15\">"
                   "<support topic=\"grief\"/></rating>" SIDECAR_TAIL,
      data, &r);
  ck_assert_str_eq (item_status (f, "support-info", "GB", &msg), "fail");
  ck_assert (strstr (msg, "\"grief\"") != NULL);
  ck_assert_str_eq (json_object_get_string_member (f, "status"), "fail");
  ws_test_run_clear (&r);

  /* unreadable --support data is a usage error */
  r = WS_TEST_RUN ("check", "--no-progress", "--support", xml, mp4);
  ck_assert_int_eq (r.status, 2);
  ck_assert (strstr (r.err, "--support") != NULL);
  ws_test_run_clear (&r);

  g_unlink (junit);
  g_unlink (xml);
  g_free (xml);
  g_free (mp4);
  g_free (junit);
  ws_test_remove_tree (data);
  g_free (data);
  g_object_unref (parser);
}
END_TEST

static Suite *
support_cli_suite (void)
{
  Suite *s = suite_create ("support-cli");
  TCase *tc = tcase_create ("metadata");

  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_support_explain_text);
  tcase_add_test (tc, test_support_explain_json);
  tcase_add_test (tc, test_support_explain_errors);
  suite_add_tcase (s, tc);
  tc = tcase_create ("check");
  tcase_set_timeout (tc, 240);
  tcase_add_test (tc, test_support_check_installed_data);
  tcase_add_test (tc, test_support_check_own_data);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  const char *const tools[] = { "ffmpeg", NULL };

  return ws_test_media_main (tools, "ws-support-cli-XXXXXX", &tmp_dir,
      make_media, support_cli_suite);
}
