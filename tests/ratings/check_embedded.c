/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for ratings/ws-embedded.c (iTunEXTC, Matroska LAW_RATING, DVB
 * parental_rating_descriptor). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ws-embedded.h"
#include "ws-error.h"

static WsRatingRegistry *reg;

static void
setup (void)
{
  GError *error = NULL;

  reg = ws_rating_registry_new (NULL, &error);
  ck_assert_msg (reg != NULL, "registry: %s", error ? error->message : "?");
}

static void
teardown (void)
{
  ws_rating_registry_free (reg);
  reg = NULL;
}

static void
assert_rating (const WsRating *r, const char *system, const char *code, int age,
    const char *territory)
{
  ck_assert_ptr_nonnull (r);
  ck_assert_str_eq (r->system ? r->system : "(null)",
      system ? system : "(null)");
  ck_assert_str_eq (r->code ? r->code : "(null)", code ? code : "(null)");
  ck_assert_int_eq (r->minimum_age, age);
  ck_assert_str_eq (r->territory ? r->territory : "(null)",
      territory ? territory : "(null)");
}

static void
free_notes (GPtrArray *notes)
{
  g_ptr_array_free (notes, TRUE);
}

static GPtrArray *
new_notes (void)
{
  return g_ptr_array_new_with_free_func (g_free);
}

/* ---- iTunEXTC ------------------------------------------------------------ */

START_TEST (test_embedded_itunextc_resolves)
{
  char *note = (char *) "x";
  GError *error = NULL;
  WsRating *r = ws_embedded_parse_itunextc (reg,
      "mpaa|PG-13|300|Rated PG-13 for violence", &note, &error);

  ck_assert_ptr_null (error);
  assert_rating (r, "mpa", "PG-13", 13, "US");
  ck_assert_ptr_null (note);
  ck_assert_str_eq (r->source_system, "itunes");
  ck_assert_str_eq (r->source_code, "mpaa|PG-13|300|Rated PG-13 for violence");
  ck_assert_uint_eq (r->texts->len, 1);
  ck_assert_str_eq (((WsGuidanceText *) g_ptr_array_index (r->texts, 0))->text,
      "Rated PG-13 for violence");
  ws_rating_free (r);

  r = ws_embedded_parse_itunextc (reg, "uk-movie|15|350|", NULL, &error);
  assert_rating (r, "bbfc", "15", 15, "GB");
  ck_assert_uint_eq (r->texts->len, 0);
  ws_rating_free (r);

  /* three fields only, and white space around fields */
  r = ws_embedded_parse_itunextc (reg, " uk-movie | 12A | 325", NULL, &error);
  assert_rating (r, "bbfc", "12A", 12, "GB");
  ws_rating_free (r);
}
END_TEST

START_TEST (test_embedded_itunextc_subler_annotation)
{
  WsRating *r = ws_embedded_parse_itunextc (reg, "mpaa|R|400|R|strong language",
      NULL, NULL);

  assert_rating (r, "mpa", "R", 17, "US");
  ck_assert_uint_eq (r->texts->len, 1);
  ck_assert_str_eq (((WsGuidanceText *) g_ptr_array_index (r->texts, 0))->text,
      "strong language");
  ws_rating_free (r);
}
END_TEST

START_TEST (test_embedded_itunextc_unknown_code_is_unrated)
{
  char *note = NULL;
  WsRating *r = ws_embedded_parse_itunextc (reg, "mpaa|XYZ|999|", &note, NULL);

  ck_assert_ptr_nonnull (r);
  ck_assert_int_eq (r->minimum_age, -1);
  ck_assert_str_eq (r->system, "mpa");
  ck_assert_str_eq (r->code, "NR");
  ck_assert_ptr_nonnull (note);
  ck_assert_ptr_nonnull (strstr (note, "XYZ"));
  ck_assert_ptr_nonnull (strstr (note, "unrated"));
  g_free (note);
  ws_rating_free (r);

  r = ws_embedded_parse_itunextc (reg, "xx-movie|15|100|", &note, NULL);
  assert_rating (r, NULL, NULL, -1, NULL);
  ck_assert_ptr_nonnull (strstr (note, "xx-movie"));
  g_free (note);
  ws_rating_free (r);
}
END_TEST

START_TEST (test_embedded_itunextc_errors)
{
  const char *bad[] = { "", "mpaa", "mpaa|PG-13", "|PG-13|300|", "mpaa||300|",
    "mpaa|PG-13|abc|", "\xff\xfe|x|1|" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    GError *error = NULL;
    WsRating *r = ws_embedded_parse_itunextc (reg, bad[i], NULL, &error);

    ck_assert_msg (r == NULL, "\"%s\" should fail", bad[i]);
    ck_assert_msg (g_error_matches (error, WS_ERROR, WS_ERROR_INVALID),
        "\"%s\": wrong error", bad[i]);
    ck_assert_ptr_nonnull (strstr (error->message, "iTunEXTC"));
    g_error_free (error);
  }
  ck_assert_ptr_null (ws_embedded_parse_itunextc (reg, NULL, NULL, NULL));
}
END_TEST

/* ---- Matroska ------------------------------------------------------------ */

START_TEST (test_embedded_territory_code_lookup)
{
  const WsRatingDef *def;

  def = ws_embedded_lookup_territory_code (reg, "GB", "15", NULL);
  ck_assert_str_eq (ws_rating_def_get_name (def), "bbfc:15");
  def = ws_embedded_lookup_territory_code (reg, "GBR", "fifteen", NULL);
  ck_assert_str_eq (ws_rating_def_get_name (def), "fvc:fifteen");
  def = ws_embedded_lookup_territory_code (reg, "us", "TV-14", NULL);
  ck_assert_str_eq (ws_rating_def_get_name (def), "us-tv:TV-14");
  def = ws_embedded_lookup_territory_code (reg, "DE", "16", NULL);
  ck_assert_str_eq (ws_rating_def_get_name (def), "fsk:16");
  /* preferred system of the territory wins */
  def = ws_embedded_lookup_territory_code (reg, "US", "NR", "mpa");
  ck_assert_str_eq (ws_rating_def_get_name (def), "mpa:NR");
  /* a preferred system of another territory is ignored */
  def = ws_embedded_lookup_territory_code (reg, "GB", "16", "fsk");
  ck_assert_ptr_null (def);
  ck_assert_ptr_null (
      ws_embedded_lookup_territory_code (reg, "XX", "15", NULL));
  ck_assert_ptr_null (
      ws_embedded_lookup_territory_code (reg, "GB", "PG-13", NULL));
}
END_TEST

START_TEST (test_embedded_law_rating_country)
{
  char *note = NULL;
  GError *error = NULL;
  WsRating *r;

  r = ws_embedded_parse_law_rating (reg, "GB", "15", NULL, NULL, &note, &error);
  assert_rating (r, "bbfc", "15", 15, "GB");
  ck_assert_ptr_null (note);
  ck_assert_str_eq (r->source_system, "matroska");
  ck_assert_str_eq (r->source_code, "15");
  ck_assert_str_eq (r->element, "COUNTRY/LAW_RATING");
  ws_rating_free (r);

  r = ws_embedded_parse_law_rating (reg, "deu", " 12 ", "GB", NULL, NULL, NULL);
  assert_rating (r, "fsk", "12", 12, "DE");
  ws_rating_free (r);

  /* top level: the default territory */
  r = ws_embedded_parse_law_rating (reg, NULL, "PG-13", "US", NULL, NULL, NULL);
  assert_rating (r, "mpa", "PG-13", 13, "US");
  ck_assert_str_eq (r->element, "LAW_RATING");
  ws_rating_free (r);

  /* SYSTEM:CODE and iTunEXTC forms; SYSTEM:CODE with no COUNTRY is for the
   * system's territory, not the one assumed (issue #13: bbfc:18 must not
   * count for DE) */
  r = ws_embedded_parse_law_rating (reg, NULL, "csa:-16", "GB", NULL, NULL,
      NULL);
  assert_rating (r, "csa", "-16", 16, "FR");
  ws_rating_free (r);
  r = ws_embedded_parse_law_rating (reg, "US", "mpaa|R|400|", NULL, NULL, NULL,
      NULL);
  assert_rating (r, "mpa", "R", 17, "US");
  ck_assert_str_eq (r->source_system, "matroska");
  ws_rating_free (r);
}
END_TEST

START_TEST (test_embedded_law_rating_unresolved_is_unrated)
{
  char *note = NULL;
  WsRating *r;

  r = ws_embedded_parse_law_rating (reg, "GB", "PG-13", NULL, NULL, &note,
      NULL);
  assert_rating (r, NULL, NULL, -1, "GB");
  ck_assert_str_eq (r->source_code, "PG-13");
  ck_assert_ptr_nonnull (note);
  ck_assert_ptr_nonnull (strstr (note, "PG-13"));
  ck_assert_ptr_nonnull (strstr (note, "bbfc"));
  g_free (note);
  ws_rating_free (r);

  /* no country and no default: cannot be resolved from a bare code */
  r = ws_embedded_parse_law_rating (reg, NULL, "15", NULL, NULL, &note, NULL);
  assert_rating (r, NULL, NULL, -1, NULL);
  ck_assert_ptr_nonnull (note);
  g_free (note);
  ws_rating_free (r);

  /* ... unless a preferred system is given */
  r = ws_embedded_parse_law_rating (reg, NULL, "15", NULL, "bbfc", &note, NULL);
  assert_rating (r, "bbfc", "15", 15, NULL);
  ck_assert_ptr_null (note);
  ws_rating_free (r);
}
END_TEST

START_TEST (test_embedded_law_rating_errors)
{
  GError *error = NULL;

  ck_assert_ptr_null (
      ws_embedded_parse_law_rating (reg, "GB", "  ", NULL, NULL, NULL, &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_INVALID));
  ck_assert_ptr_nonnull (strstr (error->message, "empty"));
  g_clear_error (&error);

  ck_assert_ptr_null (ws_embedded_parse_law_rating (reg, "Narnia", "15", NULL,
      NULL, NULL, &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_INVALID));
  ck_assert_ptr_nonnull (strstr (error->message, "Narnia"));
  g_clear_error (&error);

  ck_assert_ptr_null (
      ws_embedded_parse_law_rating (reg, NULL, NULL, NULL, NULL, NULL, &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_INVALID));
  g_clear_error (&error);
}
END_TEST

START_TEST (test_embedded_matroska_tags_gstreamer_nested)
{
  /* what matroskademux gives for two nested COUNTRY SimpleTags */
  const char *tags[] = { "COUNTRY=GB", "COUNTRY/LAW_RATING=15", "COUNTRY=DE",
    "COUNTRY/LAW_RATING=16", "DURATION=00:00:01.000000000", "ENCODER=Lavf59" };
  GPtrArray *notes = new_notes ();
  GPtrArray *out = ws_embedded_parse_matroska_tags (reg, tags,
      G_N_ELEMENTS (tags), "FR", NULL, notes);

  ck_assert_uint_eq (out->len, 2);
  assert_rating (g_ptr_array_index (out, 0), "bbfc", "15", 15, "GB");
  assert_rating (g_ptr_array_index (out, 1), "fsk", "16", 16, "DE");
  ck_assert_uint_eq (notes->len, 0);
  g_ptr_array_free (out, TRUE);
  free_notes (notes);
}
END_TEST

START_TEST (test_embedded_matroska_tags_ffmpeg_flat)
{
  /* FFmpeg's flattened keys, country after the rating, a language suffix */
  const char *tags[] = { "LAW_RATING=PG-13", "COUNTRY/LAW_RATING-eng=12A",
    "COUNTRY=gb", "title=x", "no equals sign" };
  GPtrArray *notes = new_notes ();
  GPtrArray *out = ws_embedded_parse_matroska_tags (reg, tags,
      G_N_ELEMENTS (tags), "US", NULL, notes);

  ck_assert_uint_eq (out->len, 2);
  assert_rating (g_ptr_array_index (out, 0), "mpa", "PG-13", 13, "US");
  assert_rating (g_ptr_array_index (out, 1), "bbfc", "12A", 12, "GB");
  ck_assert_uint_eq (notes->len, 0);
  g_ptr_array_free (out, TRUE);
  free_notes (notes);
}
END_TEST

START_TEST (test_embedded_matroska_tags_bad_entries_noted)
{
  const char *tags[] = { "LAW_RATING=", "COUNTRY/LAW_RATING=15",
    "LAW_RATING=zzz" };
  GPtrArray *notes = new_notes ();
  GPtrArray *out = ws_embedded_parse_matroska_tags (reg, tags,
      G_N_ELEMENTS (tags), "GB", NULL, notes);

  /* empty: skipped; no COUNTRY: default GB; zzz: unrated */
  ck_assert_uint_eq (out->len, 2);
  assert_rating (g_ptr_array_index (out, 0), "bbfc", "15", 15, "GB");
  assert_rating (g_ptr_array_index (out, 1), NULL, NULL, -1, "GB");
  ck_assert_uint_eq (notes->len, 3);
  ck_assert_ptr_nonnull (strstr (g_ptr_array_index (notes, 0), "empty"));
  ck_assert_ptr_nonnull (strstr (g_ptr_array_index (notes, 1), "no COUNTRY"));
  ck_assert_ptr_nonnull (strstr (g_ptr_array_index (notes, 2), "zzz"));
  g_ptr_array_free (out, TRUE);
  free_notes (notes);

  out = ws_embedded_parse_matroska_tags (reg, NULL, 3, NULL, NULL, NULL);
  ck_assert_uint_eq (out->len, 0);
  g_ptr_array_free (out, TRUE);
}
END_TEST

/* ---- DVB ----------------------------------------------------------------- */

START_TEST (test_embedded_dvb_ages)
{
  static const guint8 d[] = { 0x55, 12, 'G', 'B', 'R', 0x0C, 'd', 'e', 'u',
    0x0D, 'F', 'R', 'A', 0x01 };
  GPtrArray *notes = new_notes ();
  GError *error = NULL;
  GPtrArray *out = ws_embedded_parse_dvb_parental_rating (reg, d, sizeof d,
      notes, &error);

  ck_assert_ptr_null (error);
  ck_assert_uint_eq (out->len, 3);
  assert_rating (g_ptr_array_index (out, 0), "dvb", "15", 15, "GB");
  assert_rating (g_ptr_array_index (out, 1), "dvb", "16", 16, "DE");
  assert_rating (g_ptr_array_index (out, 2), "dvb", "4", 4, "FR");
  ck_assert_str_eq (((WsRating *) g_ptr_array_index (out, 1))->source_code,
      "0x0D");
  ck_assert_uint_eq (notes->len, 0);
  g_ptr_array_free (out, TRUE);
  free_notes (notes);
}
END_TEST

START_TEST (test_embedded_dvb_undefined_and_broadcaster_defined)
{
  static const guint8 d[] = { 0x55, 16, 'D', 'E', 'U', 0x00, 'F', 'R', 'A',
    0x11, 'G', 'B', 'R', 0xFF, 'N', 'L', 'D', 0x0F };
  GPtrArray *notes = new_notes ();
  GPtrArray *out = ws_embedded_parse_dvb_parental_rating (reg, d, sizeof d,
      notes, NULL);

  ck_assert_uint_eq (out->len, 4);
  /* never the wrong age GStreamer's parser gives (3, 4, 18) */
  assert_rating (g_ptr_array_index (out, 0), NULL, NULL, -1, "DE");
  assert_rating (g_ptr_array_index (out, 1), NULL, NULL, -1, "FR");
  assert_rating (g_ptr_array_index (out, 2), NULL, NULL, -1, "GB");
  assert_rating (g_ptr_array_index (out, 3), "dvb", "18", 18, "NL");
  ck_assert_uint_eq (notes->len, 3);
  ck_assert_ptr_nonnull (strstr (g_ptr_array_index (notes, 0), "undefined"));
  ck_assert_ptr_nonnull (
      strstr (g_ptr_array_index (notes, 1), "broadcaster-defined"));
  ck_assert_ptr_nonnull (strstr (g_ptr_array_index (notes, 2), "0xFF"));
  g_ptr_array_free (out, TRUE);
  free_notes (notes);
}
END_TEST

START_TEST (test_embedded_dvb_countries)
{
  static const guint8 d[] = { 0x55, 16, '9', '0', '2', 0x09, 'X', 'X', 'X',
    0x05, 0x00, 0x41, 0x42, 0x05, 'G', 'B', 'R', 0x05 };
  GPtrArray *notes = new_notes ();
  GPtrArray *out = ws_embedded_parse_dvb_parental_rating (reg, d, sizeof d,
      notes, NULL);

  ck_assert_uint_eq (out->len, 2);
  assert_rating (g_ptr_array_index (out, 0), "dvb", "12", 12, NULL);
  assert_rating (g_ptr_array_index (out, 1), "dvb", "8", 8, "GB");
  ck_assert_uint_eq (notes->len, 3);
  ck_assert_ptr_nonnull (strstr (g_ptr_array_index (notes, 0), "902"));
  ck_assert_ptr_nonnull (strstr (g_ptr_array_index (notes, 1), "XXX"));
  ck_assert_ptr_nonnull (strstr (g_ptr_array_index (notes, 2), "00 41 42"));
  g_ptr_array_free (out, TRUE);
  free_notes (notes);
}
END_TEST

START_TEST (test_embedded_dvb_empty_loop)
{
  static const guint8 d[] = { 0x55, 0 };
  GPtrArray *out = ws_embedded_parse_dvb_parental_rating (reg, d, sizeof d,
      NULL, NULL);

  ck_assert_ptr_nonnull (out);
  ck_assert_uint_eq (out->len, 0);
  g_ptr_array_free (out, TRUE);
}
END_TEST

START_TEST (test_embedded_dvb_without_registry_system)
{
  static const guint8 d[] = { 0x55, 4, 'G', 'B', 'R', 0x0C };
  WsRatingRegistry *empty = ws_rating_registry_new_empty ();
  GPtrArray *out = ws_embedded_parse_dvb_parental_rating (empty, d, sizeof d,
      NULL, NULL);

  ck_assert_uint_eq (out->len, 1);
  assert_rating (g_ptr_array_index (out, 0), "dvb", "15", 15, "GB");
  g_ptr_array_free (out, TRUE);
  ws_rating_registry_free (empty);
}
END_TEST

START_TEST (test_embedded_dvb_length_errors)
{
  static const guint8 one[] = { 0x55 };
  static const guint8 tag[] = { 0x54, 4, 'G', 'B', 'R', 0x0C };
  static const guint8 longer[] = { 0x55, 8, 'G', 'B', 'R', 0x0C };
  static const guint8 shorter[] = { 0x55, 4, 'G', 'B', 'R', 0x0C, 0 };
  static const guint8 odd[] = { 0x55, 5, 'G', 'B', 'R', 0x0C, 0 };
  struct {
    const guint8 *data;
    gsize len;
    const char *expect;
  } cases[] = {
    { NULL, 0, "shorter than" },
    { one, sizeof one, "shorter than" },
    { tag, sizeof tag, "0x54" },
    { longer, sizeof longer, "descriptor_length is 8 but 4" },
    { shorter, sizeof shorter, "descriptor_length is 4 but 5" },
    { odd, sizeof odd, "not a multiple of 4" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GError *error = NULL;
    GPtrArray *out = ws_embedded_parse_dvb_parental_rating (reg, cases[i].data,
        cases[i].len, NULL, &error);

    ck_assert_msg (out == NULL, "case %u should fail", i);
    ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_INVALID));
    ck_assert_msg (strstr (error->message, cases[i].expect) != NULL,
        "case %u: \"%s\" lacks \"%s\"", i, error->message, cases[i].expect);
    g_error_free (error);
  }
}
END_TEST

static Suite *
embedded_suite (void)
{
  Suite *s = suite_create ("embedded");
  TCase *tc;

  tc = tcase_create ("itunes");
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_embedded_itunextc_resolves);
  tcase_add_test (tc, test_embedded_itunextc_subler_annotation);
  tcase_add_test (tc, test_embedded_itunextc_unknown_code_is_unrated);
  tcase_add_test (tc, test_embedded_itunextc_errors);
  suite_add_tcase (s, tc);

  tc = tcase_create ("matroska");
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_embedded_territory_code_lookup);
  tcase_add_test (tc, test_embedded_law_rating_country);
  tcase_add_test (tc, test_embedded_law_rating_unresolved_is_unrated);
  tcase_add_test (tc, test_embedded_law_rating_errors);
  tcase_add_test (tc, test_embedded_matroska_tags_gstreamer_nested);
  tcase_add_test (tc, test_embedded_matroska_tags_ffmpeg_flat);
  tcase_add_test (tc, test_embedded_matroska_tags_bad_entries_noted);
  suite_add_tcase (s, tc);

  tc = tcase_create ("dvb");
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_embedded_dvb_ages);
  tcase_add_test (tc, test_embedded_dvb_undefined_and_broadcaster_defined);
  tcase_add_test (tc, test_embedded_dvb_countries);
  tcase_add_test (tc, test_embedded_dvb_empty_loop);
  tcase_add_test (tc, test_embedded_dvb_without_registry_system);
  tcase_add_test (tc, test_embedded_dvb_length_errors);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (embedded_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
