/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: tests of the pre-programme warning's choices
 * (ratings/ws-warning.h) on the shipped UK and German rules and on small
 * policies built here. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ws-error.h"
#include "ws-metadata.h"
#include "ws-policy.h"
#include "ws-rating-system.h"
#include "ws-warning.h"

static const WsRatingDef *
def_of (const char *system, const char *code)
{
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  const WsRatingSystem *sys;

  ck_assert (reg != NULL);
  sys = ws_rating_registry_lookup_system (reg, system);
  ck_assert (sys != NULL);
  return ws_rating_system_lookup_rating (sys, code);
}

/* The rule of @policy for @system:@code (no instant: the rule sets agree). */
static const WsGuidance *
rule_of (WsPolicy *p, const char *system, const char *code)
{
  const WsGuidance *g = NULL;
  GError *err = NULL;

  ck_assert_msg (ws_policy_guidance_at (p, NULL, def_of (system, code),
                     WS_TIME_NONE, &g, &err),
      "%s", err ? err->message : "");
  return g;
}

START_TEST (test_warning_uk_rule)
{
  GError *err = NULL;
  WsPolicy *p = ws_policy_load ("uk-ofcom", NULL, &err);
  const WsGuidance *g;
  WsWarningRequest req = { 0 };
  WsWarning *w;
  WsRating *r = ws_rating_new ();

  ck_assert_msg (p != NULL, "%s", err ? err->message : "");
  g = rule_of (p, "bbfc", "15");
  ck_assert (ws_warning_required (g));
  ck_assert (!ws_warning_required (rule_of (p, "bbfc", "PG")));
  ck_assert_uint_eq (g->announcement_duration_s, 0);
  ck_assert (g->announcements != NULL);

  ws_rating_add_text (r, "en", NULL, "Strong violence, threat");
  ws_rating_add_text (r, "de", NULL, "Gewalt");
  req.guidance = g;
  req.rating = r;
  req.rating_name = "BBFC 15";
  req.speech = TRUE;
  w = ws_warning_plan (&req);
  ck_assert_str_eq (w->headline,
      "The following programme is not suitable for younger viewers.");
  ck_assert_str_eq (w->language, "en");
  ck_assert_str_eq (w->detail, "Strong violence, threat");
  ck_assert_uint_eq (w->duration_ns, WS_WARNING_DEFAULT_DURATION_NS);
  ck_assert_int_eq (w->audio, WS_WARNING_AUDIO_SPEECH);
  ck_assert_str_eq (w->rule_id, "uk-on-air-warning");
  {
    char *say = ws_warning_spoken_text (w);
    ck_assert_str_eq (say, "The following programme is not suitable for "
                           "younger viewers. Strong violence, threat");
    g_free (say);
  }
  ws_warning_free (w);

  /* a recording and a duration from the caller win */
  req.audio_file = "/srv/announce/uk-15.wav";
  req.duration_ns = 7 * G_GUINT64_CONSTANT (1000000000);
  w = ws_warning_plan (&req);
  ck_assert_int_eq (w->audio, WS_WARNING_AUDIO_FILE);
  ck_assert_str_eq (w->audio_file, "/srv/announce/uk-15.wav");
  ck_assert_uint_eq (w->duration_ns, 7 * G_GUINT64_CONSTANT (1000000000));
  {
    char *d = ws_warning_describe (w);
    ck_assert_str_eq (d, "warning card 7.000 s in en, audio file "
                         "/srv/announce/uk-15.wav");
    g_free (d);
  }
  ws_warning_free (w);
  ws_rating_free (r);
  ws_policy_free (p);
}
END_TEST

START_TEST (test_warning_de_language)
{
  GError *err = NULL;
  WsPolicy *p = ws_policy_load ("de-jmstv", NULL, &err);
  WsWarningRequest req = { 0 };
  WsWarning *w;
  WsRating *r = ws_rating_new ();

  ck_assert_msg (p != NULL, "%s", err ? err->message : "");
  req.guidance = rule_of (p, "fsk", "16");
  ck_assert (ws_warning_required (req.guidance));
  ws_rating_add_text (r, "en", NULL, "Violence");
  ws_rating_add_text (r, "de-DE", NULL, "Gewalt");
  req.rating = r;
  /* no language asked: the territory's (the rule's first announcement) */
  w = ws_warning_plan (&req);
  ck_assert_str_eq (w->headline, "Die nachfolgende Sendung ist für Zuschauer "
                                 "unter 16 Jahren nicht geeignet.");
  ck_assert_str_eq (w->language, "de");
  ck_assert_str_eq (w->detail, "Gewalt");
  ck_assert_int_eq (w->audio, WS_WARNING_AUDIO_NONE);
  ws_warning_free (w);
  /* English asked for: the rule's English announcement */
  req.language = "en-GB";
  w = ws_warning_plan (&req);
  ck_assert_str_eq (w->headline,
      "The following programme is not suitable for viewers under 16.");
  ck_assert_str_eq (w->language, "en");
  ck_assert_str_eq (w->detail, "Violence");
  ws_warning_free (w);
  /* a language the rule lacks: English, the fallback language */
  req.language = "fr";
  w = ws_warning_plan (&req);
  ck_assert_str_eq (w->language, "en");
  ws_warning_free (w);
  ws_rating_free (r);
  ws_policy_free (p);
}
END_TEST

static const char duration_policy[] =
    "<policy xmlns='urn:watershed:policy:1' id='test-warning' "
    "jurisdiction='GB' zone='Europe/London'>\n"
    "  <name>test</name>\n"
    "  <service-class id='tv'><description>d</description></service-class>\n"
    "  <rule-set version='1'>\n"
    "    <guidance id='g' mode='none' announcement='true' "
    "announcement-duration-s='8' min-age='15'>\n"
    "      <announcement xml:lang='he'>התוכנית הבאה אינה מתאימה לילדים"
    "</announcement>\n"
    "    </guidance>\n"
    "    <rule id='r' min-age='15'><window from='21:00' to='05:30'/>\n"
    "      <reason>r</reason><source href='http://example.org/'/></rule>\n"
    "  </rule-set>\n"
    "</policy>\n";

START_TEST (test_warning_duration_from_rule)
{
  GError *err = NULL;
  WsPolicy *p = ws_policy_load_memory (duration_policy,
      strlen (duration_policy), "test.xml", NULL, &err);
  WsWarningRequest req = { 0 };
  WsWarning *w;

  ck_assert_msg (p != NULL, "%s", err ? err->message : "");
  req.guidance = rule_of (p, "bbfc", "18");
  ck_assert_uint_eq (req.guidance->announcement_duration_s, 8);
  w = ws_warning_plan (&req);
  ck_assert_uint_eq (w->duration_ns, 8 * G_GUINT64_CONSTANT (1000000000));
  ck_assert_str_eq (w->language, "he");
  ck_assert_str_eq (w->headline, "התוכנית הבאה אינה מתאימה לילדים");
  ws_warning_free (w);
  ws_policy_free (p);
}
END_TEST

START_TEST (test_warning_fallback_sentence)
{
  WsWarningRequest req = { 0 };
  WsWarning *w;

  req.rating_name = "BBFC 18";
  w = ws_warning_plan (&req);
  ck_assert_str_eq (w->headline, "The following programme is rated BBFC 18.");
  ck_assert_str_eq (w->language, "en");
  ck_assert_ptr_null (w->detail);
  ck_assert_ptr_null (w->rule_id);
  ws_warning_free (w);
  req.rating_name = NULL;
  req.text = "Viewer discretion is advised.";
  req.language = "en-US";
  w = ws_warning_plan (&req);
  ck_assert_str_eq (w->headline, "Viewer discretion is advised.");
  ck_assert_str_eq (w->language, "en-US");
  ws_warning_free (w);
  ck_assert (!ws_warning_required (NULL));
}
END_TEST

static const char *const bad_policies[][2] = {
  { "<guidance id='g' mode='none' announcement-duration-s='0'/>",
      "announcement-duration-s=\"0\" is not 1-600 seconds" },
  { "<guidance id='g' mode='none' announcement-duration-s='601'/>",
      "announcement-duration-s=\"601\" is not 1-600 seconds" },
  { "<guidance id='g' mode='none'><announcement>x</announcement></guidance>",
      "<announcement> needs an xml:lang and a text" },
  { "<guidance id='g' mode='none'><announcement xml:lang='en'/></guidance>",
      "<announcement> needs an xml:lang and a text" },
};

START_TEST (test_warning_policy_errors)
{
  char *doc = g_strdup_printf ("<policy xmlns='urn:watershed:policy:1' id='t' "
                               "jurisdiction='GB' "
                               "zone='Europe/London'>\n<name>t</"
                               "name>\n<service-class id='tv'>"
                               "<description>d</description></"
                               "service-class>\n<rule-set "
                               "version='1'>\n%s\n<rule id='r' "
                               "min-age='15'><anytime/><reason>r"
                               "</reason><source "
                               "href='http://example.org/'/></rule></rule-set>"
                               "</policy>\n",
      bad_policies[_i][0]);
  GError *err = NULL;
  WsPolicy *p = ws_policy_load_memory (doc, strlen (doc), "bad.xml", NULL,
      &err);

  ck_assert_ptr_null (p);
  ck_assert (err != NULL);
  ck_assert_msg (strstr (err->message, bad_policies[_i][1]) &&
                     strstr (err->message, "bad.xml:5"),
      "%s", err->message);
  g_error_free (err);
  g_free (doc);
}
END_TEST

static Suite *
warning_suite (void)
{
  Suite *s = suite_create ("warning");
  TCase *core = tcase_create ("core");
  TCase *errors = tcase_create ("errors");

  tcase_add_test (core, test_warning_uk_rule);
  tcase_add_test (core, test_warning_de_language);
  tcase_add_test (core, test_warning_duration_from_rule);
  tcase_add_test (core, test_warning_fallback_sentence);
  tcase_add_loop_test (errors, test_warning_policy_errors, 0,
      G_N_ELEMENTS (bad_policies));
  suite_add_tcase (s, core);
  suite_add_tcase (s, errors);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (warning_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
