/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CLI tests for issue #10: foreign ratings judged by their local equivalent,
 * adult-explicit kept apart from 18, bounded PIN rules, national holidays,
 * and `watershed policy show`. Each row of the audit table is one
 * case of test_policy_cli_audit_rows. */
#include <check.h>
#include <string.h>

#include "ws-test-cli.h"

typedef struct {
  const char *policy;
  const char *rating;
  const char *klass; /* NULL: the default class */
  gboolean pin;
  const char *at;
  gboolean allowed;
  const char *rule;
  const char *next_allowed; /* NULL: null */
  const char *judged_as;    /* NULL: null */
  const char *judgement;    /* NULL: null */
} AuditRow;

static const AuditRow audit_rows[] = {
  /* acb:M is the same symbol as acma:M: M from 19:30 */
  { "au-freetv", "acb:M", NULL, FALSE, "2026-07-01T19:45:00+10:00", TRUE,
      "au-m", NULL, NULL, NULL },
  /* R18 "or their equivalent" must not be broadcast, PIN or not */
  { "uk-ofcom", "icaa:X", "ppv", TRUE, "2026-07-01T10:00:00+01:00", FALSE,
      "uk-r18-never", NULL, "bbfc:R18", "icaa:X judged as bbfc:R18" },
  /* X-class content is banned free-to-air */
  { "es-lgca", "bbfc:R18", NULL, FALSE, "2026-07-01T22:30:00+02:00", FALSE,
      "es-x-never", NULL, "icaa:X", "bbfc:R18 judged as icaa:X" },
  /* Vorsperre: 18 only from 20:00 */
  { "de-jmstv", "fsk:18", "pay-tv", TRUE, "2026-07-01T10:00:00+02:00", FALSE,
      "de-pay-vorsperre-18", "2026-07-01T20:00:00+02:00", NULL, NULL },
  /* bbfc:15 is judged as icaa:16: not before 22:00 */
  { "es-lgca", "bbfc:15", NULL, FALSE, "2026-07-01T10:00:00+02:00", FALSE,
      "es-16", "2026-07-01T22:00:00+02:00", "icaa:16",
      "bbfc:15 judged as icaa:16 (approximation)" },
  /* 6 January is a national holiday: the 09:00-12:00 reinforced slot */
  { "es-lgca", "icaa:13", NULL, FALSE, "2026-01-06T10:00:00+01:00", FALSE,
      "es-12-reinforced", "2026-01-06T12:00:00+01:00", NULL, NULL },
  /* ... and the next day is a working day: open until 17:00 */
  { "es-lgca", "icaa:13", NULL, FALSE, "2026-01-07T10:00:00+01:00", TRUE,
      "es-12-reinforced", NULL, NULL, NULL },
};

static const char *
member_string_or_null (JsonObject *o, const char *key)
{
  ck_assert_msg (json_object_has_member (o, key), "no \"%s\" key", key);
  return json_object_get_null_member (o, key) ?
             NULL :
             json_object_get_string_member (o, key);
}

START_TEST (test_policy_cli_audit_rows)
{
  const AuditRow *row = &audit_rows[_i];
  JsonParser *parser = json_parser_new ();
  GPtrArray *args = g_ptr_array_new ();
  WsTestRun r;
  JsonObject *o;

  g_ptr_array_add (args, (gpointer) "policy");
  g_ptr_array_add (args, (gpointer) "decide");
  g_ptr_array_add (args, (gpointer) "--policy");
  g_ptr_array_add (args, (gpointer) row->policy);
  g_ptr_array_add (args, (gpointer) "--rating");
  g_ptr_array_add (args, (gpointer) row->rating);
  g_ptr_array_add (args, (gpointer) "--at");
  g_ptr_array_add (args, (gpointer) row->at);
  if (row->klass) {
    g_ptr_array_add (args, (gpointer) "--service-class");
    g_ptr_array_add (args, (gpointer) row->klass);
  }
  if (row->pin)
    g_ptr_array_add (args, (gpointer) "--pin");
  g_ptr_array_add (args, (gpointer) "--json");
  g_ptr_array_add (args, NULL);
  r = ws_test_run (g_getenv ("WS_WATERSHED"),
      (const char *const *) args->pdata);
  ck_assert_msg (r.status == (row->allowed ? 0 : 1), "%s %s: exit %d: %s",
      row->policy, row->rating, r.status, r.err);
  o = ws_test_parse_object (parser, r.out);
  ck_assert_int_eq (json_object_get_boolean_member (o, "allowed"),
      row->allowed);
  ck_assert_str_eq (member_string_or_null (o, "rule"), row->rule);
  ck_assert_str_eq (member_string_or_null (o, "rating"), row->rating);
  if (row->next_allowed)
    ck_assert_str_eq (member_string_or_null (o, "next_allowed"),
        row->next_allowed);
  else
    ck_assert_ptr_null (member_string_or_null (o, "next_allowed"));
  if (row->judged_as) {
    ck_assert_str_eq (member_string_or_null (o, "judged_as"), row->judged_as);
    ck_assert_str_eq (member_string_or_null (o, "judgement"), row->judgement);
  } else {
    ck_assert_ptr_null (member_string_or_null (o, "judged_as"));
    ck_assert_ptr_null (member_string_or_null (o, "judgement"));
  }
  /* the existing keys stay */
  ck_assert (json_object_has_member (o, "reason"));
  ck_assert (json_object_has_member (o, "allowed_until"));
  ck_assert (json_object_has_member (o, "minimum_age"));
  ws_test_run_clear (&r);

  /* the text form says the same, with the judgement */
  g_ptr_array_remove_index (args, args->len - 2); /* --json */
  r = ws_test_run (g_getenv ("WS_WATERSHED"),
      (const char *const *) args->pdata);
  ck_assert_int_eq (r.status, row->allowed ? 0 : 1);
  ck_assert_msg (g_str_has_prefix (r.out, row->allowed ? "ALLOWED" : "BLOCKED"),
      "%s", r.out);
  ck_assert_msg (strstr (r.out, row->rule) != NULL, "%s", r.out);
  if (row->judgement)
    ck_assert_msg (strstr (r.out, row->judgement) != NULL, "%s", r.out);
  ws_test_run_clear (&r);
  g_ptr_array_free (args, TRUE);
  g_object_unref (parser);
}
END_TEST

/* The approximation flag and the exact case: fsk:16 is bbfc:18 under Ofcom
 * (another age: an approximation), acma:M is acb's own symbol. */
START_TEST (test_policy_cli_judged_flags)
{
  JsonParser *parser = json_parser_new ();
  WsTestRun r = WS_TEST_RUN ("policy", "decide", "--policy", "uk-ofcom",
      "--rating", "fsk:16", "--at", "2026-07-01T20:59:00+01:00", "--json");
  JsonObject *o;

  ck_assert_int_eq (r.status, 1);
  o = ws_test_parse_object (parser, r.out);
  ck_assert_str_eq (member_string_or_null (o, "judged_as"), "bbfc:18");
  ck_assert (json_object_get_boolean_member (o, "judged_approximate"));
  ck_assert (!json_object_get_boolean_member (o, "no_equivalent"));
  ck_assert_str_eq (member_string_or_null (o, "next_allowed"),
      "2026-07-01T21:00:00+01:00");
  ws_test_run_clear (&r);

  /* an adult-explicit rating under a system without that class */
  r = WS_TEST_RUN ("policy", "decide", "--policy", "de-jmstv", "--rating",
      "icaa:X", "--service-class", "telemedien", "--age-verified", "--at",
      "2026-07-01T23:30:00+02:00", "--json");
  ck_assert_int_eq (r.status, 1);
  o = ws_test_parse_object (parser, r.out);
  ck_assert (!json_object_get_boolean_member (o, "allowed"));
  ck_assert_str_eq (json_object_get_string_member (o, "decision"), "no-rule");
  ck_assert (json_object_get_boolean_member (o, "no_equivalent"));
  ck_assert_str_eq (member_string_or_null (o, "judgement"),
      "icaa:X has no equivalent in fsk: blocked (fail closed)");
  ws_test_run_clear (&r);
  g_object_unref (parser);
}
END_TEST

START_TEST (test_policy_cli_rate_convert_adult_explicit)
{
  JsonParser *parser = json_parser_new ();
  WsTestRun r = WS_TEST_RUN ("rate", "convert", "icaa:X", "--to", "bbfc",
      "--json");
  JsonObject *o;

  ck_assert_int_eq (r.status, 0);
  o = ws_test_parse_object (parser, r.out);
  ck_assert_str_eq (json_object_get_string_member (o, "from"), "icaa:X");
  ck_assert_str_eq (json_object_get_string_member (o, "to"), "bbfc:R18");
  ck_assert_int_eq (json_object_get_int_member (o, "minimum_age"), 18);
  ck_assert_str_eq (json_object_get_string_member (o, "from_class"),
      "adult-explicit");
  ck_assert_str_eq (json_object_get_string_member (o, "to_class"),
      "adult-explicit");
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("rate", "convert", "icaa:X", "--to", "bbfc");
  ck_assert_int_eq (r.status, 0);
  ck_assert_msg (strstr (r.out, "-> bbfc:R18 ") != NULL, "%s", r.out);
  ws_test_run_clear (&r);

  /* no adult-explicit FSK rating: no equivalent, never fsk:18 */
  r = WS_TEST_RUN ("rate", "convert", "bbfc:R18", "--to", "fsk", "--json");
  ck_assert_int_eq (r.status, 1);
  o = ws_test_parse_object (parser, r.out);
  ck_assert (json_object_get_null_member (o, "to"));
  ws_test_run_clear (&r);

  /* a plain 18 stays plain */
  r = WS_TEST_RUN ("rate", "convert", "fsk:18", "--to", "icaa", "--json");
  ck_assert_int_eq (r.status, 0);
  o = ws_test_parse_object (parser, r.out);
  ck_assert_str_eq (json_object_get_string_member (o, "to"), "icaa:18");
  ws_test_run_clear (&r);

  /* equivalent systems: the same symbol, exactly */
  r = WS_TEST_RUN ("rate", "convert", "acb:M", "--to", "acma", "--json");
  ck_assert_int_eq (r.status, 0);
  o = ws_test_parse_object (parser, r.out);
  ck_assert_str_eq (json_object_get_string_member (o, "to"), "acma:M");
  ck_assert (!json_object_get_boolean_member (o, "approximate"));
  ws_test_run_clear (&r);
  g_object_unref (parser);
}
END_TEST

/* Every rule of every shipped policy, in `policy show`: id, source and a
 * confidence of primary, secondary or assumed; the text form names each. */
START_TEST (test_policy_cli_show_every_rule)
{
  JsonParser *list_parser = json_parser_new ();
  WsTestRun lr = WS_TEST_RUN ("policy", "list", "--json");
  JsonArray *policies;
  guint n_rules_total = 0;

  ck_assert_int_eq (lr.status, 0);
  policies = json_object_get_array_member (ws_test_parse_object (list_parser,
                                               lr.out),
      "policies");
  ck_assert_uint_ge (json_array_get_length (policies), 10);
  for (guint i = 0; i < json_array_get_length (policies); i++) {
    const char *id =
        json_object_get_string_member (json_array_get_object_element (policies,
                                           i),
            "id");
    JsonParser *parser = json_parser_new ();
    WsTestRun r = WS_TEST_RUN ("policy", "show", id, "--json");
    WsTestRun t;
    JsonObject *o;
    JsonArray *rules;

    ck_assert_msg (r.status == 0, "%s: %s", id, r.err);
    o = ws_test_parse_object (parser, r.out);
    ck_assert_str_eq (json_object_get_string_member (o, "id"), id);
    ck_assert_uint_ge (json_array_get_length (
                           json_object_get_array_member (o, "systems")),
        1);
    rules = json_object_get_array_member (o, "rules");
    ck_assert_uint_ge (json_array_get_length (rules), 2);
    t = WS_TEST_RUN ("policy", "show", id);
    ck_assert_int_eq (t.status, 0);
    for (guint j = 0; j < json_array_get_length (rules); j++) {
      JsonObject *rule = json_array_get_object_element (rules, j);
      const char *rid = json_object_get_string_member (rule, "id");
      const char *conf = member_string_or_null (rule, "confidence");
      const char *src = json_object_get_string_member (rule, "source");
      char *line;

      ck_assert_msg (conf != NULL && (!strcmp (conf, "primary") ||
                                         !strcmp (conf, "secondary") ||
                                         !strcmp (conf, "assumed")),
          "%s %s: confidence %s", id, rid, conf ? conf : "missing");
      ck_assert_msg (g_str_has_prefix (src, "http"), "%s %s: source %s", id,
          rid, src);
      line = g_strdup_printf ("\n  %s\n", rid);
      ck_assert_msg (strstr (t.out, line) != NULL, "%s: %s not shown", id, rid);
      g_free (line);
      line = g_strdup_printf ("    source: %s\n", src);
      ck_assert_msg (strstr (t.out, line) != NULL, "%s: no source line", id);
      g_free (line);
      line = g_strdup_printf ("    confidence: %s", conf);
      ck_assert_msg (strstr (t.out, line) != NULL, "%s: no confidence line",
          id);
      g_free (line);
      n_rules_total++;
    }
    ws_test_run_clear (&t);
    ws_test_run_clear (&r);
    g_object_unref (parser);
  }
  ck_assert_uint_ge (n_rules_total, 70);
  ws_test_run_clear (&lr);
  g_object_unref (list_parser);
}
END_TEST

START_TEST (test_policy_cli_show_details_and_errors)
{
  WsTestRun r = WS_TEST_RUN ("policy", "show", "de-jmstv");

  ck_assert_int_eq (r.status, 0);
  ck_assert_msg (strstr (r.out, "own rating systems: fsk") != NULL, "%s",
      r.out);
  ck_assert_msg (strstr (r.out,
                     "  de-pay-vorsperre\n    applies to: pay-tv; "
                     "ages 12-16; with pin\n    action: anytime\n") != NULL,
      "%s", r.out);
  ck_assert_msg (strstr (r.out, "  de-pay-vorsperre-18\n    applies to: "
                                "pay-tv; age 18; with pin\n    action: "
                                "windows\n      20:00-06:00\n") != NULL,
      "%s", r.out);
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("policy", "show", "es-lgca");
  ck_assert_int_eq (r.status, 0);
  ck_assert_msg (strstr (r.out, "      09:00-12:00 mon tue wed thu fri; not on "
                                "public-holiday\n") != NULL,
      "%s", r.out);
  ck_assert_msg (strstr (r.out,
                     "      17:00-20:00 mon tue wed thu fri; only on "
                     "public-holiday\n") != NULL,
      "%s", r.out);
  ws_test_run_clear (&r);

  r = WS_TEST_RUN ("policy", "show", "no-such-policy");
  ck_assert_int_eq (r.status, 2);
  ck_assert_msg (strstr (r.err, "no-such-policy") != NULL, "%s", r.err);
  ws_test_run_clear (&r);
  r = WS_TEST_RUN ("policy", "show");
  ck_assert_int_eq (r.status, 2);
  ws_test_run_clear (&r);
  r = WS_TEST_RUN ("policy", "show", "--help");
  ck_assert_int_eq (r.status, 0);
  ck_assert_msg (strstr (r.out, "confidence") != NULL, "%s", r.out);
  ws_test_run_clear (&r);
}
END_TEST

/* `schedule check` goes through the same library call: a bbfc:15 event at
 * 10:00 under es-lgca is judged as icaa:16, an acb:M at 19:45 under
 * au-freetv as the M it is. */
START_TEST (test_policy_cli_schedule_judged)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp ("ws-policy-cli-XXXXXX", &error);
  char *path;
  JsonParser *parser = json_parser_new ();
  JsonObject *o, *v;
  JsonArray *violations;
  WsTestRun r;

  ck_assert_msg (dir != NULL, "%s", error ? error->message : "?");
  path = g_build_filename (dir, "s.xml", NULL);
  ck_assert (g_file_set_contents (path,
      "<?xml version='1.0' encoding='UTF-8'?>\n"
      "<watershed-schedule xmlns='urn:watershed:schedule:1' version='1'>\n"
      "  <channel id='c' service-class='free-to-air'>\n"
      "    <event id='uk15' start='2026-07-01T10:00:00+02:00' duration='PT1H'"
      " rating='bbfc:15'/>\n"
      "    <event id='es13' start='2026-07-01T11:00:00+02:00' duration='PT1H'"
      " rating='icaa:13'/>\n"
      "  </channel>\n"
      "</watershed-schedule>\n",
      -1, NULL));
  r = WS_TEST_RUN ("schedule", "check", path, "--policy", "es-lgca", "--json");
  ck_assert_msg (r.status == 1, "exit %d: %s", r.status, r.err);
  o = ws_test_parse_object (parser, r.out);
  violations = json_object_get_array_member (o, "violations");
  ck_assert_uint_eq (json_array_get_length (violations), 1);
  v = json_array_get_object_element (violations, 0);
  ck_assert_str_eq (json_object_get_string_member (v, "id"), "uk15");
  ck_assert_str_eq (json_object_get_string_member (v, "rule"), "es-16");
  ws_test_run_clear (&r);

  ck_assert (g_file_set_contents (path,
      "<?xml version='1.0' encoding='UTF-8'?>\n"
      "<watershed-schedule xmlns='urn:watershed:schedule:1' version='1'>\n"
      "  <channel id='c' service-class='free-to-air'>\n"
      "    <event id='m' start='2026-07-01T19:45:00+10:00' duration='PT1H'"
      " rating='acb:M'/>\n"
      "  </channel>\n"
      "</watershed-schedule>\n",
      -1, NULL));
  r = WS_TEST_RUN ("schedule", "check", path, "--policy", "au-freetv",
      "--json");
  ck_assert_msg (r.status == 0, "exit %d: %s %s", r.status, r.out, r.err);
  ws_test_run_clear (&r);

  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
  g_object_unref (parser);
}
END_TEST

static Suite *
policy_cli_suite (void)
{
  Suite *s = suite_create ("policy_cli");
  TCase *tc = tcase_create ("judged");

  tcase_add_loop_test (tc, test_policy_cli_audit_rows, 0,
      G_N_ELEMENTS (audit_rows));
  tcase_add_test (tc, test_policy_cli_judged_flags);
  tcase_add_test (tc, test_policy_cli_rate_convert_adult_explicit);
  tcase_add_test (tc, test_policy_cli_schedule_judged);
  suite_add_tcase (s, tc);
  tc = tcase_create ("show");
  tcase_add_test (tc, test_policy_cli_show_every_rule);
  tcase_add_test (tc, test_policy_cli_show_details_and_errors);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (policy_cli_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
