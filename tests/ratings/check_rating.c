/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for ratings/ws-rating.c (the one rating API) and the policy
 * look-ups the elements share (ws_policy_load_for_territory,
 * ws_policy_guidance_at). */
#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "ws-error.h"
#include "ws-policy.h"
#include "ws-rating.h"

#define S ((gint64) 1000000000)

/* A rating as a reader would make it: resolved through the default
 * registry when @system and @code name one, else unresolved with @code as
 * the value written. */
static WsRating *
make (const char *territory, const char *system, const char *code)
{
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  WsRating *r = ws_rating_new ();

  ck_assert_ptr_nonnull (reg);
  r->territory = g_strdup (territory);
  r->source_system = g_strdup (system);
  r->source_code = g_strdup (code);
  if (system != NULL && code != NULL)
    ws_rating_set_resolved (r, ws_rating_registry_resolve (reg, system, code));
  return r;
}

static GPtrArray *
ratings_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) ws_rating_free);
}

/* ---- equality and names -------------------------------------------------- */

START_TEST (test_rating_equal_fields)
{
  WsRating *a = make ("GB", "bbfc", "15");
  WsRating *b;

  ws_rating_add_text (a, "en", "short", "Strong violence");
  g_ptr_array_add (a->descriptors, g_strdup ("violence"));
  b = ws_rating_copy (a);

  ck_assert (ws_rating_equal (NULL, NULL));
  ck_assert (!ws_rating_equal (a, NULL));
  ck_assert (!ws_rating_equal (NULL, a));
  ck_assert (ws_rating_equal (a, b));

  /* where it was read does not count */
  b->line = 42;
  b->element = g_strdup ("ContentMaturityRating");
  ck_assert (ws_rating_equal (a, b));

  /* a descriptor of the same count but another code */
  g_free (g_ptr_array_index (b->descriptors, 0));
  g_ptr_array_index (b->descriptors, 0) = g_strdup ("fear");
  ck_assert (!ws_rating_equal (a, b));
  g_free (g_ptr_array_index (b->descriptors, 0));
  g_ptr_array_index (b->descriptors, 0) = g_strdup ("violence");
  ck_assert (ws_rating_equal (a, b));

  /* a text in another language, then another length class */
  g_free (((WsGuidanceText *) g_ptr_array_index (b->texts, 0))->lang);
  ((WsGuidanceText *) g_ptr_array_index (b->texts, 0))->lang = g_strdup ("cy");
  ck_assert (!ws_rating_equal (a, b));
  ws_rating_free (b);
  b = ws_rating_copy (a);
  g_free (((WsGuidanceText *) g_ptr_array_index (b->texts, 0))->length);
  ((WsGuidanceText *) g_ptr_array_index (b->texts, 0))->length = g_strdup (
      "long");
  ck_assert (!ws_rating_equal (a, b));
  ws_rating_free (b);

  /* a segment, a territory, a value as written */
  b = ws_rating_copy (a);
  b->start_ns = 10 * S;
  ck_assert (!ws_rating_equal (a, b));
  ws_rating_free (b);
  b = ws_rating_copy (a);
  g_free (b->territory);
  b->territory = g_strdup ("IE");
  ck_assert (!ws_rating_equal (a, b));
  ws_rating_free (b);
  b = ws_rating_copy (a);
  g_free (b->source_code);
  b->source_code = g_strdup ("fifteen");
  ck_assert (!ws_rating_equal (a, b));
  ws_rating_free (b);
  ws_rating_free (a);
}
END_TEST

START_TEST (test_rating_to_string_and_resolved)
{
  WsRating *r = make ("GB", "bbfc", "15");
  WsRating *nr = make ("GB", "bbfc", "NR");
  WsRating *u = make ("GB", "MCAA", "fifteen");
  char *s;

  s = ws_rating_to_string (r);
  ck_assert_str_eq (s, "bbfc:15");
  g_free (s);
  ck_assert (ws_rating_is_resolved (r));

  /* a known unrated code: named, but no minimum age */
  s = ws_rating_to_string (nr);
  ck_assert_str_eq (s, "bbfc:NR");
  g_free (s);
  ck_assert_int_eq (nr->minimum_age, -1);
  ck_assert (!ws_rating_is_resolved (nr));

  s = ws_rating_to_string (u);
  ck_assert_str_eq (s, "unrated");
  g_free (s);
  ck_assert (!ws_rating_is_resolved (u));

  /* a system without a code is not a rating */
  g_clear_pointer (&r->code, g_free);
  s = ws_rating_to_string (r);
  ck_assert_str_eq (s, "unrated");
  g_free (s);
  ck_assert (!ws_rating_is_resolved (r));
  ws_rating_free (r);
  ws_rating_free (nr);
  ws_rating_free (u);
}
END_TEST

START_TEST (test_rating_split)
{
  char *system = NULL, *code = NULL;

  ck_assert (ws_rating_split ("csa:-16", &system, &code));
  ck_assert_str_eq (system, "csa");
  ck_assert_str_eq (code, "-16");
  g_free (system);
  g_free (code);
  /* the first colon splits */
  ck_assert (ws_rating_split ("x:a:b", &system, &code));
  ck_assert_str_eq (system, "x");
  ck_assert_str_eq (code, "a:b");
  g_free (system);
  g_free (code);
  system = code = NULL;
  ck_assert (!ws_rating_split ("15", &system, &code));
  ck_assert (!ws_rating_split (":15", &system, &code));
  ck_assert (!ws_rating_split ("bbfc:", &system, &code));
  ck_assert (!ws_rating_split (NULL, &system, &code));
  ck_assert_ptr_null (system);
  ck_assert_ptr_null (code);
}
END_TEST

START_TEST (test_rating_pick_text)
{
  WsRating *r = ws_rating_new ();

  ck_assert_ptr_null (ws_rating_pick_text (NULL, "en"));
  ck_assert_ptr_null (ws_rating_pick_text (r->texts, "en"));
  ws_rating_add_text (r, "fr", NULL, "");
  ws_rating_add_text (r, "fr", NULL, "Violence");
  ws_rating_add_text (r, "en-US", NULL, "Violence (US)");
  ws_rating_add_text (r, "en-GB", NULL, "Violence (GB)");
  ws_rating_add_text (r, NULL, NULL, "Unstated");
  /* the exact tag, any case */
  ck_assert_str_eq (ws_rating_pick_text (r->texts, "EN-gb"), "Violence (GB)");
  /* the primary language: the first of it */
  ck_assert_str_eq (ws_rating_pick_text (r->texts, "en"), "Violence (US)");
  ck_assert_str_eq (ws_rating_pick_text (r->texts, "en-AU"), "Violence (US)");
  /* none in the language, or none asked: the first non-empty text */
  ck_assert_str_eq (ws_rating_pick_text (r->texts, "de"), "Violence");
  ck_assert_str_eq (ws_rating_pick_text (r->texts, NULL), "Violence");
  ws_rating_free (r);
}
END_TEST

/* ---- the pick ------------------------------------------------------------ */

START_TEST (test_ratings_pick_territory_missing)
{
  GPtrArray *v = ratings_new ();

  ck_assert_ptr_null (ws_ratings_pick (v, "GB", NULL));
  g_ptr_array_add (v, make ("GB", "bbfc", "15"));
  g_ptr_array_add (v, make ("DE", "fsk", "16"));
  ck_assert_ptr_null (ws_ratings_pick (v, "US", NULL));
  ck_assert_ptr_null (ws_ratings_pick (v, "US", "mpa"));
  /* not a territory code: nothing, not a guess */
  ck_assert_ptr_null (ws_ratings_pick (v, "XX", NULL));
  /* alpha-3 and numeric codes name the same territory */
  ck_assert_ptr_eq (ws_ratings_pick (v, "DEU", NULL), v->pdata[1]);
  ck_assert_ptr_eq (ws_ratings_pick (v, "826", NULL), v->pdata[0]);
  g_ptr_array_unref (v);
}
END_TEST

START_TEST (test_ratings_pick_exact_over_every_territory)
{
  GPtrArray *v = ratings_new ();

  g_ptr_array_add (v, make (NULL, "fsk", "16"));
  g_ptr_array_add (v, make ("GB", "bbfc", "15"));
  ck_assert_ptr_eq (ws_ratings_pick (v, "GB", NULL), v->pdata[1]);
  /* no exact one: the rating for every territory */
  ck_assert_ptr_eq (ws_ratings_pick (v, "US", NULL), v->pdata[0]);
  g_ptr_array_unref (v);
}
END_TEST

START_TEST (test_ratings_pick_preferred_system)
{
  GPtrArray *v = ratings_new ();

  /* one age in two systems: not a conflict; the preference decides */
  g_ptr_array_add (v, make ("GB", "bbfc", "18"));
  g_ptr_array_add (v, make ("GB", "fsk", "18"));
  ck_assert_ptr_eq (ws_ratings_pick (v, "GB", "fsk"), v->pdata[1]);
  ck_assert_ptr_eq (ws_ratings_pick (v, "GB", "bbfc"), v->pdata[0]);
  /* no preference, equally restrictive: the first */
  ck_assert_ptr_eq (ws_ratings_pick (v, "GB", NULL), v->pdata[0]);
  /* a preferred system nobody has changes nothing */
  ck_assert_ptr_eq (ws_ratings_pick (v, "GB", "mpa"), v->pdata[0]);
  g_ptr_array_unref (v);

  /* the preferred system beats the exact territory */
  v = ratings_new ();
  g_ptr_array_add (v, make ("GB", "bbfc", "15"));
  g_ptr_array_add (v, make (NULL, "fsk", "16"));
  ck_assert_ptr_eq (ws_ratings_pick (v, "GB", "fsk"), v->pdata[1]);
  ck_assert_ptr_eq (ws_ratings_pick (v, "GB", NULL), v->pdata[0]);
  g_ptr_array_unref (v);
}
END_TEST

START_TEST (test_ratings_pick_resolved_over_unresolved)
{
  GPtrArray *v = ratings_new ();
  WsRating *u = make ("GB", "MCAA", "fifteen");
  WsRating *r = make ("FR", "csa", "-12");

  /* no territory asked: the resolved one of another territory */
  g_ptr_array_add (v, u);
  g_ptr_array_add (v, r);
  ck_assert_ptr_eq (ws_ratings_pick (v, NULL, NULL), r);
  g_ptr_array_unref (v);

  /* two programmes of one territory: the resolved one */
  v = ratings_new ();
  u = make ("GB", "MCAA", "fifteen");
  u->programme = g_strdup ("crid://a");
  r = make ("GB", "bbfc", "15");
  r->programme = g_strdup ("crid://b");
  g_ptr_array_add (v, u);
  g_ptr_array_add (v, r);
  ck_assert_ptr_eq (ws_ratings_pick (v, "GB", NULL), r);

  /* but two ratings for one programme and territory are a conflict: the
   * unknown one is the more restrictive (fail closed) */
  g_free (r->programme);
  r->programme = g_strdup ("crid://a");
  ck_assert_ptr_eq (ws_ratings_pick (v, "GB", NULL), u);
  g_ptr_array_unref (v);
}
END_TEST

START_TEST (test_ratings_pick_ties_most_restrictive)
{
  GPtrArray *v = ratings_new ();

  /* one score each (no territory asked): the most restrictive */
  g_ptr_array_add (v, make ("GB", "bbfc", "15"));
  g_ptr_array_add (v, make ("DE", "fsk", "16"));
  g_ptr_array_add (v, make ("FR", "csa", "-12"));
  ck_assert_str_eq (((WsRating *) ws_ratings_pick (v, NULL, NULL))->system,
      "fsk");
  g_ptr_array_unref (v);

  /* one age, one system: the systems' own order (12 above 12A), wherever
   * each stands */
  v = ratings_new ();
  g_ptr_array_add (v, make ("GB", "bbfc", "12"));
  g_ptr_array_add (v, make ("GB", "bbfc", "12A"));
  ck_assert_str_eq (((WsRating *) ws_ratings_pick (v, "GB", NULL))->code, "12");
  g_ptr_array_remove_index (v, 0);
  g_ptr_array_add (v, make ("GB", "bbfc", "12"));
  ck_assert_str_eq (((WsRating *) ws_ratings_pick (v, "GB", NULL))->code, "12");
  g_ptr_array_unref (v);

  /* an unknown age is more restrictive than any age */
  v = ratings_new ();
  g_ptr_array_add (v, make ("GB", "bbfc", "18"));
  g_ptr_array_add (v, make ("GB", "bbfc", "NR"));
  ck_assert_str_eq (((WsRating *) ws_ratings_pick (v, "GB", NULL))->code, "NR");
  g_ptr_array_unref (v);
}
END_TEST

START_TEST (test_ratings_pick_at_segments)
{
  GPtrArray *v = ratings_new ();
  WsRating *whole = make ("GB", "bbfc", "12A");
  WsRating *seg = make ("GB", "bbfc", "15");

  seg->start_ns = 10 * S;
  seg->end_ns = 20 * S;
  g_ptr_array_add (v, seg);
  g_ptr_array_add (v, whole);
  /* the plain pick skips segments */
  ck_assert_ptr_eq (ws_ratings_pick (v, "GB", NULL), whole);
  ck_assert_ptr_eq (ws_ratings_pick_at (v, "GB", NULL, 5 * S), whole);
  ck_assert_ptr_eq (ws_ratings_pick_at (v, "GB", NULL, 10 * S), seg);
  ck_assert_ptr_eq (ws_ratings_pick_at (v, "GB", NULL, 20 * S - 1), seg);
  ck_assert_ptr_eq (ws_ratings_pick_at (v, "GB", NULL, 20 * S), whole);
  ck_assert_ptr_null (ws_ratings_pick_at (v, "US", NULL, 15 * S));
  g_ptr_array_unref (v);
}
END_TEST

/* ---- the registry's rating ----------------------------------------------- */

START_TEST (test_rating_lookup_found)
{
  WsRating *r = make ("GB", "bbfc", "15");
  const WsRatingDef *def;
  GError *error = NULL;

  def = ws_rating_lookup (NULL, r, "GB", &error);
  ck_assert_ptr_null (error);
  ck_assert_ptr_nonnull (def);
  ck_assert_str_eq (ws_rating_def_get_name (def), "bbfc:15");
  ck_assert_int_eq (ws_rating_def_get_minimum_age (def), 15);
  /* any code of the territory, and no territory asked */
  ck_assert_ptr_eq (ws_rating_lookup (NULL, r, "GBR", NULL), def);
  ck_assert_ptr_eq (ws_rating_lookup (NULL, r, NULL, NULL), def);
  /* a rating without a territory is for every territory */
  g_clear_pointer (&r->territory, g_free);
  ck_assert_ptr_eq (ws_rating_lookup (NULL, r, "DE", NULL), def);
  /* an unrated code is a known rating: its kind says so */
  ws_rating_free (r);
  r = make ("US", "mpa", "NR");
  def = ws_rating_lookup (NULL, r, "US", NULL);
  ck_assert_ptr_nonnull (def);
  ck_assert_int_eq (ws_rating_def_get_kind (def), WS_RATING_KIND_UNRATED);
  ws_rating_free (r);
}
END_TEST

START_TEST (test_rating_lookup_errors)
{
  WsRating *r = make ("GB", "MCAA", "fifteen");
  GError *error = NULL;

  ck_assert_ptr_null (ws_rating_lookup (NULL, NULL, "GB", &error));
  ck_assert (
      g_error_matches (error, WS_RATING_ERROR, WS_RATING_ERROR_NO_RATING));
  g_clear_error (&error);

  ck_assert_ptr_null (ws_rating_lookup (NULL, r, "GB", &error));
  ck_assert (
      g_error_matches (error, WS_RATING_ERROR, WS_RATING_ERROR_NO_RATING));
  ck_assert_str_eq (error->message,
      "The rating names no rating system and code");
  g_clear_error (&error);
  ws_rating_free (r);

  r = make ("GB", "bbfc", "15");
  ck_assert_ptr_null (ws_rating_lookup (NULL, r, "DE", &error));
  ck_assert (g_error_matches (error, WS_RATING_ERROR,
      WS_RATING_ERROR_OTHER_TERRITORY));
  ck_assert_str_eq (error->message,
      "The rating bbfc:15 is for territory GB, not DE");
  g_clear_error (&error);

  /* a code the system does not have; a system nobody has */
  g_free (r->code);
  r->code = g_strdup ("21");
  ck_assert_ptr_null (ws_rating_lookup (NULL, r, "GB", &error));
  ck_assert (g_error_matches (error, WS_RATING_ERROR, WS_RATING_ERROR_UNKNOWN));
  ck_assert_str_eq (error->message, "bbfc:21 is not a known rating");
  g_clear_error (&error);
  g_free (r->system);
  r->system = g_strdup ("nosuch");
  ck_assert_ptr_null (ws_rating_lookup (NULL, r, NULL, &error));
  ck_assert (g_error_matches (error, WS_RATING_ERROR, WS_RATING_ERROR_UNKNOWN));
  g_clear_error (&error);
  ws_rating_free (r);
}
END_TEST

/* A data folder whose only system file is broken: the default registry
 * cannot load (each test runs in its own process, so the default is
 * loaded here first). */
START_TEST (test_rating_lookup_no_systems)
{
  char *dir = g_dir_make_tmp ("ws-rating-XXXXXX", NULL);
  char *systems = g_build_filename (dir, "systems", NULL);
  char *bad = g_build_filename (systems, "broken.xml", NULL);
  WsRating *r = ws_rating_new ();
  GError *error = NULL;

  if (g_strcmp0 (g_getenv ("CK_FORK"), "no") == 0) {
    /* the process-wide registry may be loaded already */
    fprintf (stderr, "CK_FORK=no: test_rating_lookup_no_systems skipped\n");
    ws_rating_free (r);
    g_rmdir (dir);
    g_free (bad);
    g_free (systems);
    g_free (dir);
    return;
  }
  ck_assert_int_eq (g_mkdir (systems, 0700), 0);
  ck_assert (g_file_set_contents (bad, "<rating-system", -1, NULL));
  g_setenv ("WATERSHED_DATADIR", dir, TRUE);
  r->system = g_strdup ("bbfc");
  r->code = g_strdup ("15");
  ck_assert_ptr_null (ws_rating_lookup (NULL, r, "GB", &error));
  ck_assert (
      g_error_matches (error, WS_RATING_ERROR, WS_RATING_ERROR_NO_SYSTEMS));
  ck_assert (
      g_str_has_prefix (error->message, "No rating systems could be loaded ("));
  ck_assert (strstr (error->message, "broken.xml") != NULL);
  g_clear_error (&error);
  ws_rating_free (r);
  g_unlink (bad);
  g_rmdir (systems);
  g_rmdir (dir);
  g_free (bad);
  g_free (systems);
  g_free (dir);
}
END_TEST

/* ---- descriptor categories ----------------------------------------------- */

START_TEST (test_descriptor_category_of)
{
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  const WsRatingSystem *acma = ws_rating_registry_lookup_system (reg, "acma");
  const WsRatingSystem *kw = ws_rating_registry_lookup_system (reg,
      "kijkwijzer");

  ck_assert_ptr_nonnull (acma);
  ck_assert_ptr_nonnull (kw);
  /* the system's own code */
  ck_assert_str_eq (ws_rating_descriptor_category_of (acma, "d"), "drugs");
  ck_assert_str_eq (ws_rating_descriptor_category_of (acma, "h"), "horror");
  ck_assert_str_eq (ws_rating_descriptor_category_of (kw, "fear"), "fear");
  /* a category name, any case, with or without a system */
  ck_assert_str_eq (ws_rating_descriptor_category_of (NULL, "Violence"),
      "violence");
  ck_assert_str_eq (ws_rating_descriptor_category_of (kw, "IMITABLE-BEHAVIOUR"),
      "imitable-behaviour");
  /* anything else */
  ck_assert_str_eq (ws_rating_descriptor_category_of (NULL, "d"), "other");
  ck_assert_str_eq (ws_rating_descriptor_category_of (kw, "zzz"), "other");
}
END_TEST

/* ---- policies ------------------------------------------------------------ */

START_TEST (test_policy_load_for_territory)
{
  GError *error = NULL;
  WsPolicy *p = ws_policy_load_for_territory ("GB", NULL, &error);

  ck_assert_msg (p != NULL, "%s", error ? error->message : "");
  ck_assert_str_eq (ws_policy_get_id (p), "uk-ofcom");
  ws_policy_free (p);
  p = ws_policy_load_for_territory ("DEU", NULL, NULL);
  ck_assert_ptr_nonnull (p);
  ck_assert_str_eq (ws_policy_get_id (p), "de-jmstv");
  ws_policy_free (p);

  ck_assert_ptr_null (ws_policy_load_for_territory ("JP", NULL, &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_NOT_FOUND));
  ck_assert (strstr (error->message, "territory JP: no policy file") != NULL);
  ck_assert (strstr (error->message, "uk-ofcom (GB)") != NULL);
  g_clear_error (&error);

  ck_assert_ptr_null (ws_policy_load_for_territory ("XX", NULL, &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_ARGUMENT));
  g_clear_error (&error);
}
END_TEST

static const char two_sets_fmt[] =
    "<policy xmlns=\"urn:watershed:policy:1\" id=\"%s\" jurisdiction=\"IE\" "
    "zone=\"Europe/Dublin\" systems=\"ifco\">\n"
    "  <name>test</name>\n"
    "  <service-class id=\"broadcast\" default=\"true\"/>\n"
    "  <rule-set version=\"old\" valid-from=\"2010-01-01\" "
    "valid-until=\"2020-01-01\">\n"
    "    <guidance id=\"g-old\" mode=\"at-start\" duration-s=\"20\"/>\n"
    "    <rule id=\"any\" min-age=\"0\"><anytime/>"
    "<reason>Any time.</reason>"
    "<source href=\"https://example.org/rules\"/></rule>\n"
    "  </rule-set>\n"
    "  <rule-set version=\"new\" valid-from=\"2020-01-01\">\n"
    "    <guidance id=\"g-new\" mode=\"%s\"%s/>\n"
    "    <rule id=\"any\" min-age=\"0\"><anytime/>"
    "<reason>Any time.</reason>"
    "<source href=\"https://example.org/rules\"/></rule>\n"
    "  </rule-set>\n"
    "</policy>\n";

static WsPolicy *
two_sets (const char *new_mode, const char *new_duration)
{
  char *xml = g_strdup_printf (two_sets_fmt, "ie-test", new_mode, new_duration);
  GError *error = NULL;
  WsPolicy *p = ws_policy_load_memory (xml, strlen (xml), "two-sets.xml", NULL,
      &error);

  ck_assert_msg (p != NULL, "%s", error ? error->message : "");
  g_free (xml);
  return p;
}

static gint64
utc_us (int y, int m, int d)
{
  GDateTime *t = g_date_time_new_utc (y, m, d, 12, 0, 0);
  gint64 us = g_date_time_to_unix (t) * G_USEC_PER_SEC;

  g_date_time_unref (t);
  return us;
}

START_TEST (test_policy_guidance_at_programme_time)
{
  WsPolicy *p = two_sets ("persistent", "");
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  const WsRatingDef *def = ws_rating_registry_resolve (reg, "ifco", "15A");
  const WsGuidance *g = NULL;
  GError *error = NULL;

  ck_assert_ptr_nonnull (def);
  ck_assert (
      ws_policy_guidance_at (p, NULL, def, utc_us (2015, 6, 1), &g, &error));
  ck_assert_str_eq (g->id, "g-old");
  ck_assert_int_eq (g->mode, WS_GUIDANCE_AT_START);
  ck_assert_uint_eq (g->duration_s, 20);
  ck_assert (ws_policy_guidance_at (p, "broadcast", def, utc_us (2026, 6, 1),
      &g, NULL));
  ck_assert_str_eq (g->id, "g-new");
  ck_assert_int_eq (g->mode, WS_GUIDANCE_PERSISTENT);

  /* before any rule set, or a class the policy lacks: an error, @out
   * untouched */
  ck_assert (
      !ws_policy_guidance_at (p, NULL, def, utc_us (2005, 1, 1), &g, &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_NOT_FOUND));
  g_clear_error (&error);
  ck_assert_str_eq (g->id, "g-new");
  ck_assert (
      !ws_policy_guidance_at (p, "vod", def, utc_us (2026, 6, 1), &g, &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_NOT_FOUND));
  g_clear_error (&error);

  /* no programme time and rule sets that differ: ambiguous */
  ck_assert (!ws_policy_guidance_at (p, NULL, def, WS_TIME_NONE, &g, &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_ARGUMENT));
  ck_assert (strstr (error->message, "rule sets old and new") != NULL);
  g_clear_error (&error);
  ws_policy_free (p);

  /* rule sets that agree: no time needed */
  p = two_sets ("at-start", " duration-s=\"20\"");
  g = NULL;
  ck_assert (ws_policy_guidance_at (p, NULL, def, WS_TIME_NONE, &g, &error));
  ck_assert_str_eq (g->id, "g-old");
  ck_assert_uint_eq (g->duration_s, 20);
  ws_policy_free (p);
}
END_TEST

/* Two policy files with one jurisdiction: no guess. */
START_TEST (test_policy_load_for_territory_ambiguous)
{
  char *dir = g_dir_make_tmp ("ws-rating-XXXXXX", NULL);
  char *pols = g_build_filename (dir, "policies", NULL);
  const char *ids[] = { "ie-a", "ie-b" };
  GError *error = NULL;

  ck_assert_int_eq (g_mkdir (pols, 0700), 0);
  for (guint i = 0; i < 2; i++) {
    char *xml = g_strdup_printf (two_sets_fmt, ids[i], "persistent", "");
    char *name = g_strdup_printf ("%s.xml", ids[i]);
    char *path = g_build_filename (pols, name, NULL);

    ck_assert (g_file_set_contents (path, xml, -1, NULL));
    g_free (xml);
    g_free (name);
    g_free (path);
  }
  g_setenv ("WATERSHED_DATADIR", dir, TRUE);
  ck_assert_ptr_null (ws_policy_load_for_territory ("IE", NULL, &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_INVALID));
  ck_assert (strstr (error->message, "both policies ie-a and ie-b") != NULL);
  g_clear_error (&error);
  for (guint i = 0; i < 2; i++) {
    char *name = g_strdup_printf ("%s.xml", ids[i]);
    char *path = g_build_filename (pols, name, NULL);

    g_unlink (path);
    g_free (name);
    g_free (path);
  }
  g_rmdir (pols);
  g_rmdir (dir);
  g_free (pols);
  g_free (dir);
}
END_TEST

static Suite *
rating_suite (void)
{
  Suite *s = suite_create ("rating");
  TCase *tc = tcase_create ("core");

  tcase_add_test (tc, test_rating_equal_fields);
  tcase_add_test (tc, test_rating_to_string_and_resolved);
  tcase_add_test (tc, test_rating_split);
  tcase_add_test (tc, test_rating_pick_text);
  tcase_add_test (tc, test_ratings_pick_territory_missing);
  tcase_add_test (tc, test_ratings_pick_exact_over_every_territory);
  tcase_add_test (tc, test_ratings_pick_preferred_system);
  tcase_add_test (tc, test_ratings_pick_resolved_over_unresolved);
  tcase_add_test (tc, test_ratings_pick_ties_most_restrictive);
  tcase_add_test (tc, test_ratings_pick_at_segments);
  tcase_add_test (tc, test_rating_lookup_found);
  tcase_add_test (tc, test_descriptor_category_of);
  tcase_add_test (tc, test_policy_load_for_territory);
  tcase_add_test (tc, test_policy_guidance_at_programme_time);
  suite_add_tcase (s, tc);

  tc = tcase_create ("errors");
  tcase_add_test (tc, test_rating_lookup_errors);
  tcase_add_test (tc, test_rating_lookup_no_systems);
  tcase_add_test (tc, test_policy_load_for_territory_ambiguous);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (rating_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
