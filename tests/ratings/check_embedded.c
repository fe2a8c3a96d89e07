/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for ratings/ws-embedded.c (iTunEXTC, Matroska LAW_RATING, DVB
 * parental_rating_descriptor). */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

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

/* ---- whole files: Matroska Tags from the EBML ---------------------------- */

/* Appends an EBML element: id (1-4 bytes as written), an 8-byte size (or
 * the 8-byte "unknown" size), the payload. */
static void
ebml (GByteArray *out, guint32 id, const void *payload, gsize n,
    gboolean unknown)
{
  guint8 h[12];
  gsize k = 0;

  for (int shift = 24; shift >= 0; shift -= 8)
    if (k > 0 || (id >> shift) != 0)
      h[k++] = (id >> shift) & 0xFF;
  h[k++] = 0x01;
  for (int shift = 48; shift >= 0; shift -= 8)
    h[k++] = unknown ? 0xFF : (guint8) (((guint64) n >> shift) & 0xFF);
  g_byte_array_append (out, h, k);
  if (n > 0)
    g_byte_array_append (out, payload, n);
}

static void
ebml_str (GByteArray *out, guint32 id, const char *s)
{
  ebml (out, id, s, strlen (s), FALSE);
}

static void
ebml_child (GByteArray *out, guint32 id, GByteArray *child)
{
  ebml (out, id, child->data, child->len, FALSE);
  g_byte_array_free (child, TRUE);
}

/* A SimpleTag NAME=VALUE holding @nested (taken; may be NULL). */
static GByteArray *
simple (const char *name, const char *value, GByteArray *nested)
{
  GByteArray *st = g_byte_array_new ();

  ebml_str (st, 0x45A3, name);
  ebml_str (st, 0x4487, value);
  if (nested != NULL) {
    g_byte_array_append (st, nested->data, nested->len);
    g_byte_array_free (nested, TRUE);
  }
  return st;
}

static GByteArray *
wrap_simple (GByteArray *st)
{
  GByteArray *out = g_byte_array_new ();

  ebml_child (out, 0x67C8, st);
  return out;
}

/* A Matroska file: EBML header, Segment with a SeekHead pointing at the Tags
 * (when @seek), a Cluster, then Tags holding one Tag with @simples. With
 * @live the Segment and Cluster sizes are unknown (Tags before the
 * Cluster then). */
static GByteArray *
make_mkv (GByteArray *simples, gboolean seek, gboolean live)
{
  GByteArray *file = g_byte_array_new (), *hdr = g_byte_array_new ();
  GByteArray *seg = g_byte_array_new (), *tag = g_byte_array_new ();
  GByteArray *tags = g_byte_array_new (), *cluster = g_byte_array_new ();
  guint8 zeros[300] = { 0 };
  guint64 tags_pos;

  ebml_str (hdr, 0x4282, "matroska");
  ebml_child (file, 0x1A45DFA3, hdr);
  g_byte_array_append (tag, simples->data, simples->len);
  g_byte_array_free (simples, TRUE);
  ebml_child (tags, 0x7373, tag);
  ebml (cluster, 0xE7, zeros, 1, FALSE); /* Timestamp */
  ebml (cluster, 0xA3, zeros, sizeof zeros, FALSE);
  if (live) {
    g_byte_array_append (seg, tags->data, 0);
    ebml (seg, 0x1254C367, tags->data, tags->len, FALSE);
    ebml (seg, 0x1F43B675, NULL, 0, TRUE);
    g_byte_array_append (seg, cluster->data, cluster->len);
    ebml (file, 0x18538067, NULL, 0, TRUE);
    g_byte_array_append (file, seg->data, seg->len);
  } else {
    if (seek) {
      GByteArray *sk = g_byte_array_new (), *sh = g_byte_array_new ();
      guint8 id[4] = { 0x12, 0x54, 0xC3, 0x67 }, pos[8];

      /* SeekHead (12, Seek 10, SeekID 10+4, SeekPosition 10+8 bytes)
       * then the Cluster */
      tags_pos = (12 + 10 + 14 + 18) + 12 + cluster->len;
      for (int i = 0; i < 8; i++)
        pos[i] = (tags_pos >> (56 - 8 * i)) & 0xFF;
      ebml (sk, 0x53AB, id, 4, FALSE);
      ebml (sk, 0x53AC, pos, 8, FALSE);
      ebml_child (sh, 0x4DBB, sk);
      ebml_child (seg, 0x114D9B74, sh);
    }
    ebml (seg, 0x1F43B675, cluster->data, cluster->len, FALSE);
    ebml (seg, 0x1254C367, tags->data, tags->len, FALSE);
    ebml (file, 0x18538067, seg->data, seg->len, FALSE);
  }
  g_byte_array_free (seg, TRUE);
  g_byte_array_free (tags, TRUE);
  g_byte_array_free (cluster, TRUE);
  return file;
}

static GByteArray *
join (GByteArray *a, GByteArray *b)
{
  g_byte_array_append (a, b->data, b->len);
  g_byte_array_free (b, TRUE);
  return a;
}

/* Reads @file (freed) for @territories, as MPEG-TS programme @service_id
 * (-1: not known). */
static WsEmbeddedResult *
read_bytes_for (GByteArray *file, const char *const *territories,
    int service_id)
{
  WsEmbeddedOptions opts;
  WsEmbeddedResult *res;

  ws_embedded_options_init (&opts);
  opts.territories = territories;
  opts.service_id = service_id;
  res = ws_embedded_read_memory (reg, file->data, file->len, &opts);
  g_byte_array_free (file, TRUE);
  ck_assert_ptr_nonnull (res);
  return res;
}

static WsEmbeddedResult *
read_bytes (GByteArray *file, const char *const *territories)
{
  return read_bytes_for (file, territories, -1);
}

static const WsRating *
rating_for (const WsEmbeddedResult *res, const char *territory)
{
  for (guint i = 0; i < res->ratings->len; i++) {
    const WsRating *r = res->ratings->pdata[i];

    if (g_strcmp0 (r->territory, territory) == 0)
      return r;
  }
  return NULL;
}

static gboolean
has_warning (const WsEmbeddedResult *res, const char *needle)
{
  for (guint i = 0; i < res->warnings->len; i++)
    if (strstr (res->warnings->pdata[i], needle) != NULL)
      return TRUE;
  return FALSE;
}

START_TEST (test_embedded_file_matroska_every_country)
{
  const char *const gbde[] = { "GB", "DE", NULL };
  /* mkvpropedit's nesting: COUNTRY=GB{LAW_RATING=15}, COUNTRY=DE{16}, after
   * a Cluster, found through the SeekHead */
  GByteArray *st = join (wrap_simple (simple ("COUNTRY", "GB",
                             wrap_simple (simple ("LAW_RATING", "15", NULL)))),
      wrap_simple (simple ("COUNTRY", "DE",
          wrap_simple (simple ("LAW_RATING", "16", NULL)))));
  WsEmbeddedResult *res = read_bytes (make_mkv (st, TRUE, FALSE), gbde);

  ck_assert_int_eq (res->container, WS_EMBEDDED_CONTAINER_MATROSKA);
  ck_assert_uint_eq (res->ratings->len, 2);
  assert_rating (rating_for (res, "GB"), "bbfc", "15", 15, "GB");
  assert_rating (rating_for (res, "DE"), "fsk", "16", 16, "DE");
  ck_assert_str_eq (rating_for (res, "GB")->element, "COUNTRY/LAW_RATING");
  ck_assert_msg (res->warnings->len == 0, "%s",
      res->warnings->len ? (char *) res->warnings->pdata[0] : "");
  ws_embedded_result_free (res);

  /* no SeekHead: the walk skips the Cluster by its size */
  st = wrap_simple (simple ("COUNTRY", "DE",
      wrap_simple (simple ("LAW_RATING", "12", NULL))));
  res = read_bytes (make_mkv (st, FALSE, FALSE), NULL);
  assert_rating (rating_for (res, "DE"), "fsk", "12", 12, "DE");
  ws_embedded_result_free (res);

  /* a live file: unknown sizes, Tags before the first Cluster */
  st = wrap_simple (simple ("COUNTRY", "FR",
      wrap_simple (simple ("LAW_RATING", "-16", NULL))));
  res = read_bytes (make_mkv (st, FALSE, TRUE), NULL);
  assert_rating (rating_for (res, "FR"), "csa", "-16", 16, "FR");
  ws_embedded_result_free (res);
}
END_TEST

START_TEST (test_embedded_file_matroska_top_level)
{
  const char *const gbde[] = { "GB", "DE", NULL };
  const char *const de[] = { "DE", NULL };
  const char *const us[] = { "US", NULL };
  /* ffmpeg -metadata LAW_RATING=15 -metadata COUNTRY=GB */
  GByteArray *st = join (wrap_simple (simple ("LAW_RATING", "15", NULL)),
      wrap_simple (simple ("COUNTRY", "GB", NULL)));
  WsEmbeddedResult *res = read_bytes (make_mkv (st, TRUE, FALSE), gbde);

  ck_assert_uint_eq (res->ratings->len, 1);
  assert_rating (rating_for (res, "GB"), "bbfc", "15", 15, "GB");
  ck_assert_str_eq (rating_for (res, "GB")->element, "LAW_RATING");
  ws_embedded_result_free (res);

  /* no COUNTRY: the system inferred per territory asked about */
  res = read_bytes (make_mkv (wrap_simple (
                                  simple ("LAW_RATING", "PG-13", NULL)),
                        TRUE, FALSE),
      us);
  assert_rating (rating_for (res, "US"), "mpa", "PG-13", 13, "US");
  ws_embedded_result_free (res);

  /* bbfc:18 is GB's whatever territory is asked about */
  res = read_bytes (make_mkv (wrap_simple (
                                  simple ("LAW_RATING", "bbfc:18", NULL)),
                        TRUE, FALSE),
      de);
  ck_assert_uint_eq (res->ratings->len, 1);
  assert_rating (res->ratings->pdata[0], "bbfc", "18", 18, "GB");
  ck_assert_ptr_null (rating_for (res, "DE"));
  ws_embedded_result_free (res);

  /* FFmpeg's flattened COUNTRY/LAW_RATING with its COUNTRY, beside a
   * top-level LAW_RATING for the territory asked about */
  st = join (join (wrap_simple (simple ("LAW_RATING", "PG-13", NULL)),
                 wrap_simple (simple ("COUNTRY", "GB", NULL))),
      wrap_simple (simple ("COUNTRY/LAW_RATING", "15", NULL)));
  res = read_bytes (make_mkv (st, TRUE, FALSE), us);
  assert_rating (rating_for (res, "GB"), "bbfc", "15", 15, "GB");
  assert_rating (rating_for (res, "US"), "mpa", "PG-13", 13, "US");
  ws_embedded_result_free (res);
}
END_TEST

START_TEST (test_embedded_file_matroska_conflict)
{
  GByteArray *st = join (wrap_simple (simple ("COUNTRY", "GB",
                             wrap_simple (simple ("LAW_RATING", "12A", NULL)))),
      wrap_simple (simple ("COUNTRY", "GB",
          wrap_simple (simple ("LAW_RATING", "18", NULL)))));
  WsEmbeddedResult *res = read_bytes (make_mkv (st, TRUE, FALSE), NULL);

  ck_assert_uint_eq (res->ratings->len, 1);
  assert_rating (res->ratings->pdata[0], "bbfc", "18", 18, "GB");
  ck_assert (has_warning (res, "rating-conflict: GB has two ratings, "
                               "bbfc:12A (COUNTRY/LAW_RATING) and bbfc:18"));
  ws_embedded_result_free (res);
}
END_TEST

START_TEST (test_embedded_file_matroska_damaged)
{
  GByteArray *st = wrap_simple (simple ("COUNTRY", "GB",
      wrap_simple (simple ("LAW_RATING", "15", NULL))));
  GByteArray *file = make_mkv (st, TRUE, FALSE);
  WsEmbeddedResult *res;

  /* cut inside the Tags: nothing read past the end, a warning */
  g_byte_array_set_size (file, file->len - 10);
  res = read_bytes (file, NULL);
  ck_assert_int_eq (res->container, WS_EMBEDDED_CONTAINER_MATROSKA);
  ck_assert_uint_eq (res->ratings->len, 0);
  ck_assert_uint_ge (res->warnings->len, 1);
  ws_embedded_result_free (res);

  /* a value longer than the bound: skipped with a warning */
  {
    char *big = g_strnfill (5000, '1');

    st = wrap_simple (simple ("COUNTRY", "GB",
        wrap_simple (simple ("LAW_RATING", big, NULL))));
    res = read_bytes (make_mkv (st, TRUE, FALSE), NULL);
    ck_assert_uint_eq (res->ratings->len, 0);
    ck_assert (has_warning (res, "longer than 4096 bytes"));
    ws_embedded_result_free (res);
    g_free (big);
  }
}
END_TEST

/* ---- whole files: MP4 iTunEXTC ------------------------------------------- */

static void
box (GByteArray *out, const char *type, const void *payload, gsize n)
{
  guint8 h[8];
  guint32 size = (guint32) (8 + n);

  h[0] = size >> 24, h[1] = size >> 16, h[2] = size >> 8, h[3] = size;
  memcpy (h + 4, type, 4);
  g_byte_array_append (out, h, 8);
  if (n > 0)
    g_byte_array_append (out, payload, n);
}

static void
box_child (GByteArray *out, const char *type, GByteArray *child)
{
  box (out, type, child->data, child->len);
  g_byte_array_free (child, TRUE);
}

static GByteArray *
data_box (const char *value)
{
  GByteArray *d = g_byte_array_new ();
  guint8 hdr[8] = { 0, 0, 0, 1, 0, 0, 0, 0 }; /* UTF-8, no locale */

  g_byte_array_append (d, hdr, 8);
  g_byte_array_append (d, (const guint8 *) value, strlen (value));
  return d;
}

/* ---- mean/name/data, as AtomicParsley writes it */
static GByteArray *
freeform (const char *value)
{
  GByteArray *item = g_byte_array_new (), *mean = g_byte_array_new ();
  GByteArray *name = g_byte_array_new ();
  guint8 vf[4] = { 0 };

  g_byte_array_append (mean, vf, 4);
  g_byte_array_append (mean, (const guint8 *) "com.apple.iTunes", 16);
  g_byte_array_append (name, vf, 4);
  g_byte_array_append (name, (const guint8 *) "iTunEXTC", 8);
  GByteArray *wrapped = g_byte_array_new ();

  box_child (item, "mean", mean);
  box_child (item, "name", name);
  box_child (item, "data", data_box (value));
  box_child (wrapped, "----", item);
  return wrapped;
}

/* ftyp, mdat, moov/udta/meta{hdlr, ilst{@items}} (ISO full-box meta) or,
 * with @mdta_key, moov/meta{hdlr, keys{@mdta_key}, ilst{1: @items}}. */
static GByteArray *
make_mp4 (GByteArray *items, const char *mdta_key)
{
  GByteArray *file = g_byte_array_new (), *moov = g_byte_array_new ();
  GByteArray *meta = g_byte_array_new (), *ilst = g_byte_array_new ();
  guint8 ftyp[8] = { 'i', 's', 'o', 'm', 0, 0, 2, 0 }, mdat[64] = { 0 };
  guint8 hdlr[24] = { 0 };

  box (file, "ftyp", ftyp, 8);
  box (file, "mdat", mdat, sizeof mdat);
  memcpy (hdlr + 8, mdta_key ? "mdta" : "mdir", 4);
  if (mdta_key == NULL) {
    guint8 vf[4] = { 0 };
    GByteArray *udta = g_byte_array_new ();

    g_byte_array_append (meta, vf, 4);
    box (meta, "hdlr", hdlr, sizeof hdlr);
    g_byte_array_append (ilst, items->data, items->len);
    box_child (meta, "ilst", ilst);
    box_child (udta, "meta", meta);
    box_child (moov, "udta", udta);
  } else {
    GByteArray *keys = g_byte_array_new (), *item = g_byte_array_new ();
    guint8 head[8] = { 0, 0, 0, 0, 0, 0, 0, 1 }, e[8];
    guint32 n = (guint32) (8 + strlen (mdta_key));

    g_byte_array_append (keys, head, 8);
    e[0] = n >> 24, e[1] = n >> 16, e[2] = n >> 8, e[3] = n;
    memcpy (e + 4, "mdta", 4);
    g_byte_array_append (keys, e, 8);
    g_byte_array_append (keys, (const guint8 *) mdta_key, strlen (mdta_key));
    box (meta, "hdlr", hdlr, sizeof hdlr);
    box_child (meta, "keys", keys);
    g_byte_array_append (item, items->data, items->len);
    box_child (ilst, "\0\0\0\1", item);
    box_child (meta, "ilst", ilst);
    box_child (moov, "meta", meta);
  }
  g_byte_array_free (items, TRUE);
  box_child (file, "moov", moov);
  return file;
}

START_TEST (test_embedded_file_mp4_itunextc)
{
  GByteArray *items = freeform ("mpaa|PG-13|300|for violence");
  WsEmbeddedResult *res = read_bytes (make_mp4 (items, NULL), NULL);
  GByteArray *d;

  ck_assert_int_eq (res->container, WS_EMBEDDED_CONTAINER_MP4);
  ck_assert_uint_eq (res->ratings->len, 1);
  assert_rating (res->ratings->pdata[0], "mpa", "PG-13", 13, "US");
  ck_assert_str_eq (((WsRating *) res->ratings->pdata[0])->element, "iTunEXTC");
  ws_embedded_result_free (res);

  /* QuickTime mdta key (FFmpeg -movflags use_metadata_tags) */
  items = g_byte_array_new ();
  d = data_box ("uk-movie|15|350|");
  box_child (items, "data", d);
  res = read_bytes (make_mp4 (items, "com.apple.iTunes.iTunEXTC"), NULL);
  ck_assert_uint_eq (res->ratings->len, 1);
  assert_rating (res->ratings->pdata[0], "bbfc", "15", 15, "GB");
  ws_embedded_result_free (res);

  /* two atoms, 18 then U: the more restrictive with a warning */
  items = join (freeform ("uk-movie|18|500|"), freeform ("uk-movie|U|100|"));
  res = read_bytes (make_mp4 (items, NULL), NULL);
  ck_assert_uint_eq (res->ratings->len, 1);
  assert_rating (res->ratings->pdata[0], "bbfc", "18", 18, "GB");
  ck_assert (has_warning (res, "rating-conflict: GB has two ratings, "
                               "bbfc:18 (iTunEXTC) and bbfc:U (iTunEXTC)"));
  ws_embedded_result_free (res);
}
END_TEST

START_TEST (test_embedded_file_mp4_damaged)
{
  GByteArray *file = make_mp4 (freeform ("mpaa|R|400|"), NULL);
  WsEmbeddedResult *res;

  /* moov claims more bytes than the file has: nothing read past the end */
  file->data[8 + 8 + 8 + 64 + 3] ^= 0x40;
  res = read_bytes (file, NULL);
  ck_assert_uint_eq (res->ratings->len, 0);
  ck_assert (has_warning (res, "damaged top-level box"));
  ws_embedded_result_free (res);

  /* not a media file: nothing, no warning */
  file = g_byte_array_new ();
  g_byte_array_append (file, (const guint8 *) "hello, world\n", 13);
  res = read_bytes (file, NULL);
  ck_assert_int_eq (res->container, WS_EMBEDDED_CONTAINER_UNKNOWN);
  ck_assert_uint_eq (res->ratings->len, 0);
  ws_embedded_result_free (res);
}
END_TEST

/* ---- whole files: MPEG-TS PAT + EIT --------------------------------------- */

static guint32
crc32_mpeg (const guint8 *data, gsize len)
{
  guint32 crc = 0xFFFFFFFF;

  for (gsize i = 0; i < len; i++) {
    crc ^= (guint32) data[i] << 24;
    for (int b = 0; b < 8; b++)
      crc = (crc & 0x80000000) ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
  }
  return crc;
}

/* One packet on @pid carrying the section @s (@n bytes without CRC; the
 * CRC is added, then broken when @bad_crc). */
static void
ts_section (GByteArray *out, int pid, guint8 *s, gsize n, gboolean bad_crc)
{
  guint8 pkt[188];
  guint32 crc;

  s[1] = (guint8) (0xB0 | ((n + 4 - 3) >> 8));
  s[2] = (guint8) ((n + 4 - 3) & 0xFF);
  crc = crc32_mpeg (s, n) ^ (bad_crc ? 1 : 0);
  s[n++] = crc >> 24, s[n++] = crc >> 16, s[n++] = crc >> 8, s[n++] = crc;
  memset (pkt, 0xFF, 188);
  pkt[0] = 0x47;
  pkt[1] = 0x40 | (pid >> 8);
  pkt[2] = pid & 0xFF;
  pkt[3] = 0x10;
  pkt[4] = 0;
  memcpy (pkt + 5, s, n);
  g_byte_array_append (out, pkt, 188);
}

static void
ts_pat (GByteArray *out, const guint16 *services, guint n_services)
{
  guint8 s[64] = { 0x00, 0, 0, 0x00, 0x01, 0xC1, 0x00, 0x00 };
  gsize n = 8;

  for (guint i = 0; i < n_services; i++) {
    s[n++] = services[i] >> 8, s[n++] = services[i] & 0xFF;
    s[n++] = 0xE1, s[n++] = 0x00 + i; /* PMT PID */
  }
  ts_section (out, 0, s, n, FALSE);
}

static void
ts_eit (GByteArray *out, guint16 sid, const char *country, guint8 raw,
    gboolean bad_crc)
{
  guint8 s[64] = { 0x4E, 0, 0, sid >> 8, sid & 0xFF, 0xC1, 0x00, 0x01, 0x00,
    0x01, 0xFF, 0x01, 0x01, 0x4E, 0x00, 0x07, 0xEA, 0x7B, 0x20, 0x00, 0x00,
    0x01, 0x30, 0x00, 0x80, 0x06, 0x55, 0x04 };
  gsize n = 28;

  memcpy (s + n, country, 3);
  n += 3;
  s[n++] = raw;
  ts_section (out, 0x12, s, n, bad_crc);
}

/* A PMT: @program's one elementary stream on @es_pid. */
static void
ts_pmt (GByteArray *out, int pmt_pid, guint16 program, guint16 es_pid)
{
  guint8 s[64] = { 0x02, 0, 0, program >> 8, program & 0xFF, 0xC1, 0x00, 0x00,
    0xE0 | (es_pid >> 8), es_pid & 0xFF, 0xF0, 0x00 };
  gsize n = 12;

  s[n++] = 0x1B; /* H.264 */
  s[n++] = 0xE0 | (es_pid >> 8), s[n++] = es_pid & 0xFF;
  s[n++] = 0xF0, s[n++] = 0x00;
  ts_section (out, pmt_pid, s, n, FALSE);
}

/* The ratings of @ts now, for DE: the age, or -1 for none. */
static int
ts_age_now (WsEmbeddedTs *ts)
{
  GPtrArray *r = ws_embedded_ts_get_ratings (ts, NULL);
  int age = r->len == 1 ? ((WsRating *) r->pdata[0])->minimum_age : -1;

  ck_assert_uint_le (r->len, 1);
  g_ptr_array_unref (r);
  return age;
}

/* The programme a TS demuxer plays: named (its program number) or found
 * from the PID of the stream received, through the PMTs the PAT names. */
START_TEST (test_embedded_ts_programme_of_stream)
{
  const guint16 two[] = { 1, 3 };
  GByteArray *b = g_byte_array_new ();
  WsEmbeddedTs *ts = ws_embedded_ts_new (reg, -1);

  /* programme 1 (PMT PID 0x100) carries PID 0x200, rated 12; programme 3
   * (PMT 0x101) PID 0x300, rated 18 */
  ts_pat (b, two, 2);
  ts_pmt (b, 0x100, 1, 0x200);
  ts_pmt (b, 0x101, 3, 0x300);
  ts_eit (b, 1, "DEU", 0x09, FALSE);
  ts_eit (b, 3, "DEU", 0x0F, FALSE);
  /* the stream is named before the packets: its PMT is read */
  ck_assert (!ws_embedded_ts_set_stream_pid (ts, 0x200));
  ws_embedded_ts_push_packets (ts, b->data, b->len);
  ck_assert_int_eq (ts_age_now (ts), 12);
  ck_assert (ws_embedded_ts_is_complete (ts));
  /* the other programme's stream */
  ck_assert (ws_embedded_ts_set_stream_pid (ts, 0x300));
  ck_assert_int_eq (ts_age_now (ts), 18);
  /* a PID no PMT lists: not known, the most restrictive */
  ck_assert (ws_embedded_ts_set_stream_pid (ts, 0x400));
  ck_assert_int_eq (ts_age_now (ts), 18);
  ck_assert (ws_embedded_ts_set_stream_pid (ts, 0x200));
  /* a programme named wins over the stream */
  ck_assert (ws_embedded_ts_set_service (ts, 3));
  ck_assert_int_eq (ts_age_now (ts), 18);
  ck_assert (ws_embedded_ts_set_service (ts, -1));
  ck_assert_int_eq (ts_age_now (ts), 12);
  ck_assert (!ws_embedded_ts_set_service (ts, -1));
  ws_embedded_ts_free (ts);

  /* without a stream, the PMTs are not read; the PAT's programmes all
   * count until one is named */
  ts = ws_embedded_ts_new (reg, -1);
  ws_embedded_ts_push_packets (ts, b->data, b->len);
  ck_assert_int_eq (ts_age_now (ts), 18);
  ck_assert (ws_embedded_ts_is_complete (ts));
  ck_assert (ws_embedded_ts_set_service (ts, 1));
  ck_assert_int_eq (ts_age_now (ts), 12);
  ws_embedded_ts_free (ts);
  g_byte_array_free (b, TRUE);
}
END_TEST

/* Programmes 1 (DEU 12) and 3 (DEU 18) in the PAT, read as programme
 * @service_id: one rating. */
static WsEmbeddedResult *
two_programmes (int service_id)
{
  const guint16 two[] = { 1, 3 };
  GByteArray *ts = g_byte_array_new ();
  WsEmbeddedResult *res;

  ts_pat (ts, two, 2);
  ts_eit (ts, 3, "DEU", 0x0F, FALSE);
  ts_eit (ts, 1, "DEU", 0x09, FALSE);
  res = read_bytes_for (ts, NULL, service_id);
  ck_assert_uint_eq (res->ratings->len, 1);
  return res;
}

START_TEST (test_embedded_file_ts_programme_eit)
{
  const guint16 one[] = { 1 };
  GByteArray *ts = g_byte_array_new ();
  WsEmbeddedResult *res;

  /* issue #11 row 1: service 2 is not in the PAT (age 4); service 1 is
   * (age 18), its EIT comes later */
  ts_eit (ts, 2, "GBR", 0x01, FALSE);
  ts_pat (ts, one, 1);
  ts_eit (ts, 1, "GBR", 0x0F, FALSE);
  res = read_bytes (ts, NULL);
  ck_assert_int_eq (res->container, WS_EMBEDDED_CONTAINER_MPEGTS);
  ck_assert_uint_eq (res->ratings->len, 1);
  assert_rating (res->ratings->pdata[0], "dvb", "18", 18, "GB");
  ck_assert (has_warning (res, "EIT: an EIT present event for service 2, "
                               "which is not in the PAT: ignored"));
  ws_embedded_result_free (res);

  /* two services in the PAT both with an EIT, and nothing says which
   * programme is checked: fail closed, the most restrictive (service 3's
   * 18, not the first programme's 12), and a warning naming both and
   * saying how to name the programme */
  res = two_programmes (-1);
  assert_rating (res->ratings->pdata[0], "dvb", "18", 18, "DE");
  ck_assert (has_warning (res, "several services carry an EIT present event "
                               "with a rating (3, 1) and it is not known "
                               "which programme is checked: the most "
                               "restrictive is used (name the programme: "
                               "tsdemux program-number)"));
  ws_embedded_result_free (res);

  /* the same with the programme named: its own, the less restrictive */
  res = two_programmes (1);
  assert_rating (res->ratings->pdata[0], "dvb", "12", 12, "DE");
  ck_assert (has_warning (res, "several services carry an EIT present event "
                               "with a rating (3, 1): service 1's is used"));
  ws_embedded_result_free (res);

  /* no PAT: two services, the most restrictive per territory */
  ts = g_byte_array_new ();
  ts_eit (ts, 5, "DEU", 0x09, FALSE);
  ts_eit (ts, 6, "DEU", 0x0D, FALSE);
  res = read_bytes (ts, NULL);
  ck_assert_uint_eq (res->ratings->len, 1);
  assert_rating (res->ratings->pdata[0], "dvb", "16", 16, "DE");
  ck_assert (has_warning (res, "rating-conflict: DE"));
  ws_embedded_result_free (res);
}
END_TEST

START_TEST (test_embedded_file_ts_bad_crc_counted_once)
{
  const guint16 one[] = { 1 };
  GByteArray *ts = g_byte_array_new ();
  WsEmbeddedResult *res;

  /* issue #11 row 13: thousands of bad sections are one warning */
  ts_pat (ts, one, 1);
  for (int i = 0; i < 5000; i++)
    ts_eit (ts, 1, "GBR", 0x0C, TRUE);
  ts_eit (ts, 1, "GBR", 0x0C, FALSE);
  res = read_bytes (ts, NULL);
  assert_rating (res->ratings->pdata[0], "dvb", "15", 15, "GB");
  ck_assert_uint_eq (res->warnings->len, 1);
  ck_assert_str_eq (res->warnings->pdata[0],
      "EIT: 5000 PAT or EIT present/following sections with a bad CRC "
      "skipped");
  ws_embedded_result_free (res);
}
END_TEST

START_TEST (test_embedded_file_refuses_fifo)
{
  char *dir = g_dir_make_tmp ("ws-embedded-XXXXXX", NULL);
  char *fifo = g_build_filename (dir, "fifo.mkv", NULL);
  GError *error = NULL;

  ck_assert_int_eq (mkfifo (fifo, 0600), 0);
  ck_assert_ptr_null (ws_embedded_read_file (reg, fifo, NULL, &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_IO));
  ck_assert (strstr (error->message, "not a regular file") != NULL);
  g_clear_error (&error);
  ck_assert_ptr_null (
      ws_embedded_read_file (reg, "/nonexistent/x.mkv", NULL, &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_IO));
  g_clear_error (&error);
  g_unlink (fifo);
  g_rmdir (dir);
  g_free (fifo);
  g_free (dir);
}
END_TEST

START_TEST (test_embedded_resolve_conflicts_rule)
{
  GPtrArray *ratings = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_rating_free);
  GPtrArray *warnings = g_ptr_array_new_with_free_func (g_free);
  const char *values[][3] = { { "GB", "15", NULL }, { "DE", "12", NULL },
    { "GB", "12A", NULL }, { "GB", "15", NULL }, { "DE", NULL, "x" } };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++) {
    WsRating *r = ws_embedded_parse_law_rating (reg, values[i][0],
        values[i][1] ? values[i][1] : values[i][2], NULL, NULL, NULL, NULL);

    g_ptr_array_add (ratings, r);
  }
  /* GB 15 beats 12A; the repeat of GB 15 goes silently; DE's unresolved
   * "x" beats fsk:12 (unknown is the most restrictive) */
  ck_assert_uint_eq (ws_rating_resolve_conflicts (ratings, warnings), 2);
  ck_assert_uint_eq (ratings->len, 2);
  assert_rating (ratings->pdata[0], "bbfc", "15", 15, "GB");
  assert_rating (ratings->pdata[1], NULL, NULL, -1, "DE");
  ck_assert_uint_eq (warnings->len, 2);
  ck_assert_str_eq (warnings->pdata[0],
      "rating-conflict: GB has two ratings, bbfc:15 (COUNTRY/LAW_RATING) and "
      "bbfc:12A (COUNTRY/LAW_RATING): using bbfc:15 (COUNTRY/LAW_RATING), the "
      "more restrictive");
  g_ptr_array_unref (ratings);
  g_ptr_array_unref (warnings);
}
END_TEST

/* Two ratings of one age: the registry's order decides (bbfc:R18 is above
 * bbfc:18 in its system; acb:X18+ is adult-explicit), never the order in
 * the file, so "18 then R18" cannot keep the less restrictive one. */
START_TEST (test_embedded_resolve_conflicts_same_age)
{
  const char *pairs[][2] = { { "bbfc:18", "bbfc:R18" },
    { "bbfc:R18", "bbfc:18" }, { "acb:R18+", "acb:X18+" },
    { "bbfc:12A", "bbfc:12" } };

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++) {
    GPtrArray *ratings = g_ptr_array_new_with_free_func (
        (GDestroyNotify) ws_rating_free);
    GPtrArray *warnings = g_ptr_array_new_with_free_func (g_free);
    const WsRatingDef *want = NULL;

    for (guint k = 0; k < 2; k++) {
      const WsRatingDef *def = ws_rating_registry_parse (reg, pairs[i][k],
          NULL);
      WsRating *r = ws_rating_new ();

      ck_assert_ptr_nonnull (def);
      ws_rating_set_resolved (r, def);
      r->territory = g_strdup ("GB");
      if (want == NULL || ws_rating_def_compare (def, want) > 0)
        want = def;
      g_ptr_array_add (ratings, r);
    }
    ck_assert_uint_eq (ws_rating_resolve_conflicts (ratings, warnings), 1);
    ck_assert_uint_eq (ratings->len, 1);
    ck_assert_str_eq (((WsRating *) ratings->pdata[0])->code,
        ws_rating_def_get_code (want));
    ck_assert_uint_eq (warnings->len, 1);
    g_ptr_array_unref (ratings);
    g_ptr_array_unref (warnings);
  }
  /* and the expected winners themselves */
  ck_assert_int_gt (ws_rating_def_compare (ws_rating_registry_parse (reg,
                                               "bbfc:R18", NULL),
                        ws_rating_registry_parse (reg, "bbfc:18", NULL)),
      0);
  ck_assert_int_gt (ws_rating_def_compare (ws_rating_registry_parse (reg,
                                               "acb:X18+", NULL),
                        ws_rating_registry_parse (reg, "bbfc:18", NULL)),
      0);
  ck_assert_int_gt (ws_rating_def_compare (ws_rating_registry_parse (reg,
                                               "bbfc:12", NULL),
                        ws_rating_registry_parse (reg, "bbfc:12A", NULL)),
      0);
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

  tc = tcase_create ("file");
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_embedded_file_matroska_every_country);
  tcase_add_test (tc, test_embedded_file_matroska_top_level);
  tcase_add_test (tc, test_embedded_file_matroska_conflict);
  tcase_add_test (tc, test_embedded_file_matroska_damaged);
  tcase_add_test (tc, test_embedded_file_mp4_itunextc);
  tcase_add_test (tc, test_embedded_file_mp4_damaged);
  tcase_add_test (tc, test_embedded_file_ts_programme_eit);
  tcase_add_test (tc, test_embedded_ts_programme_of_stream);
  tcase_add_test (tc, test_embedded_file_ts_bad_crc_counted_once);
  tcase_add_test (tc, test_embedded_file_refuses_fifo);
  tcase_add_test (tc, test_embedded_resolve_conflicts_rule);
  tcase_add_test (tc, test_embedded_resolve_conflicts_same_age);
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
