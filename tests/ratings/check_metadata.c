/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for the IMF CPL, EBUCore, iTunes, XMLTV and watershed sidecar
 * readers (ratings/ws-metadata-*.c): values read from authored files in
 * tests/files/metadata/, lenient reading of dirty data with warnings, clear
 * errors for unusable input, the sidecar schema, safe XML loading, and the
 * real CPLs of $WS_CORPUS_DIR/imf-cpl/.
 */
#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <libxml/xmlschemas.h>
#include <string.h>
#include <sys/stat.h>

#include "ws-error.h"
#include "ws-metadata.h"
#include "ws-rating-system.h"
#include "ws-xml.h"
#include "ws-test-util.h"

#define MS (G_GINT64_CONSTANT (1000000))
#define S (G_GINT64_CONSTANT (1000000000))

static WsRatingRegistry *reg;

static void
setup_registry (void)
{
  GError *error = NULL;

  reg = ws_rating_registry_new (NULL, &error);
  ck_assert_msg (reg != NULL, "cannot load rating systems: %s",
      error ? error->message : "?");
}

static void
teardown_registry (void)
{
  g_clear_pointer (&reg, ws_rating_registry_free);
}

/* ---- helpers ------------------------------------------------------------ */

static WsMetadata *
read_test_file (const char *name)
{
  char *path = ws_test_file (name);
  GError *error = NULL;
  WsMetadata *md = ws_metadata_read_file (path, reg, &error);

  ck_assert_msg (md != NULL, "%s: %s", path, error ? error->message : "?");
  g_free (path);
  return md;
}

static GError *
read_test_file_error (const char *name)
{
  char *path = ws_test_file (name);
  GError *error = NULL;
  WsMetadata *md = ws_metadata_read_file (path, reg, &error);

  ck_assert_msg (md == NULL, "%s: read without error", path);
  ck_assert_ptr_nonnull (error);
  g_free (path);
  return error;
}

static WsMetadata *
read_str (const char *text, GError **error)
{
  return ws_metadata_read_memory (text, strlen (text), "mem.xml", reg, error);
}

static const WsRating *
rating_at (const WsMetadata *md, guint i)
{
  ck_assert_uint_lt (i, md->ratings->len);
  return g_ptr_array_index (md->ratings, i);
}

static void
assert_rating (const WsRating *r, const char *territory, const char *system,
    const char *code, int age)
{
  ck_assert_str_eq (r->territory ? r->territory : "(null)",
      territory ? territory : "(null)");
  ck_assert_str_eq (r->system ? r->system : "(null)",
      system ? system : "(null)");
  ck_assert_str_eq (r->code ? r->code : "(null)", code ? code : "(null)");
  ck_assert_int_eq (r->minimum_age, age);
}

static const char *
descriptor (const WsRating *r, guint i)
{
  ck_assert_uint_lt (i, r->descriptors->len);
  return g_ptr_array_index (r->descriptors, i);
}

static const WsGuidanceText *
text_at (const WsRating *r, guint i)
{
  ck_assert_uint_lt (i, r->texts->len);
  return g_ptr_array_index (r->texts, i);
}

/* The warning whose message contains @needle (exactly one must). */
static const WsMetadataWarning *
warning_with (const WsMetadata *md, const char *needle)
{
  const WsMetadataWarning *found = NULL;

  for (guint i = 0; i < md->warnings->len; i++) {
    const WsMetadataWarning *w = g_ptr_array_index (md->warnings, i);

    if (strstr (w->message, needle) != NULL) {
      ck_assert_msg (found == NULL, "two warnings contain \"%s\"", needle);
      found = w;
    }
  }
  ck_assert_msg (found != NULL, "no warning contains \"%s\"", needle);
  return found;
}

static void
dump_warnings (const WsMetadata *md)
{
  for (guint i = 0; i < md->warnings->len; i++) {
    const WsMetadataWarning *w = g_ptr_array_index (md->warnings, i);

    g_printerr ("  warning %d %s: %s\n", w->line, w->element, w->message);
  }
}

static void
assert_n_warnings (const WsMetadata *md, guint n)
{
  if (md->warnings->len != n)
    dump_warnings (md);
  ck_assert_uint_eq (md->warnings->len, n);
}

/* ---- IMF CPL ------------------------------------------------------------ */

START_TEST (test_cpl_reads_locales_and_regions)
{
  WsMetadata *md = read_test_file ("metadata/cpl-multi-locale.xml");
  const WsRating *r;
  const WsMetadataWarning *w;

  ck_assert_int_eq (md->format, WS_METADATA_FORMAT_IMF_CPL);
  ck_assert_str_eq (ws_metadata_format_to_string (md->format), "imf-cpl");
  ck_assert_str_eq (md->title, "Harbour Lights");
  ck_assert_uint_eq (md->ratings->len, 6);

  r = rating_at (md, 0);
  assert_rating (r, "GB", "bbfc", "12A", 12);
  ck_assert_str_eq (r->programme,
      "urn:uuid:6d5f1c3a-2b7e-4c1f-9a0e-1f2d3c4b5a69");
  ck_assert_str_eq (r->source_system,
      "http://www.movielabs.com/md/ratings/GB/BBFC/1");
  ck_assert_str_eq (r->source_code, "12A");
  ck_assert_int_eq (r->line, 15);
  ck_assert_str_eq (r->element, "ContentMaturityRating");
  ck_assert_int_eq (r->start_ns, -1);
  ck_assert_int_eq (r->end_ns, -1);

  /* One Locale, two Regions (alpha-2 lower case, alpha-3): two ratings. */
  assert_rating (rating_at (md, 1), "DE", "fsk", "16", 16);
  assert_rating (rating_at (md, 2), "AT", "fsk", "16", 16);
  ck_assert_int_eq (rating_at (md, 2)->line, 26);

  /* No RegionList: the CMR URI's country (trailing '/' ignored). */
  assert_rating (rating_at (md, 3), "FR", "csa", "-12", 12);

  /* Region 155 is an M.49 area: territory from the agency, warned. */
  r = rating_at (md, 4);
  assert_rating (r, "NL", "kijkwijzer", "12", 12);
  r = rating_at (md, 5);
  assert_rating (r, "US", "mpa", "PG-13", 13);
  ck_assert_str_eq (r->source_system,
      "http://www.movielabs.com/md/ratings/US/MPAA/7");

  assert_n_warnings (md, 3);
  w = warning_with (md, "Western Europe\", not a country: the rating is "
                        "applied to NL");
  ck_assert_int_eq (w->line, 42);
  ck_assert_str_eq (w->element, "Region");
  ck_assert_ptr_nonnull (strstr (w->message, "which lies in that area"));
  w = warning_with (md, "applied to US");
  ck_assert_ptr_nonnull (strstr (w->message, "OUTSIDE"));
  w = warning_with (md, "version \"7\"");
  ck_assert_int_eq (w->line, 49);
  ck_assert_str_eq (w->element, "Agency");
  ck_assert (ws_metadata_is_valid (md));
  ws_metadata_free (md);
}
END_TEST

START_TEST (test_cpl_reads_dirty_data_with_warnings)
{
  /* Saved as .txt: recognised from the root element and namespace. */
  WsMetadata *md = read_test_file ("metadata/cpl-dirty.txt");
  const WsRating *r;
  const WsMetadataWarning *w;

  ck_assert_int_eq (md->format, WS_METADATA_FORMAT_IMF_CPL);
  ck_assert_uint_eq (md->ratings->len, 3);

  /* Agency MCAA, empty Rating: unrated, fail closed, territory kept. */
  r = rating_at (md, 0);
  assert_rating (r, "US", NULL, NULL, -1);
  ck_assert_str_eq (r->source_system, "MCAA");
  ck_assert_ptr_null (r->source_code);

  w = warning_with (md, "Agency \"MCAA\" is not a URI");
  ck_assert_int_eq (w->line, 15);
  ck_assert_str_eq (w->element, "Agency");
  w = warning_with (md, "empty rating");
  ck_assert_int_eq (w->line, 16);
  ck_assert_str_eq (w->element, "Rating");
  ck_assert_ptr_nonnull (strstr (w->message, "MCAA"));
  w = warning_with (md, "scope \"General\" is a bare word");
  ck_assert_int_eq (w->line, 17);
  ck_assert_str_eq (w->element, "Audience");

  /* Region XX is ignored; "bbfc" is not a URI but names a system. */
  w = warning_with (md, "Region \"XX\" is not an ISO 3166-1");
  ck_assert_int_eq (w->line, 23);
  warning_with (md, "Agency \"bbfc\" is not a URI");
  assert_rating (rating_at (md, 1), "GB", "bbfc", "18", 18);

  /* An unknown code of a known agency: unrated, territory of the agency. */
  r = rating_at (md, 2);
  assert_rating (r, "US", NULL, NULL, -1);
  ck_assert_str_eq (r->source_code, "PG-15");
  warning_with (md, "\"PG-15\"");

  assert_n_warnings (md, 6);
  ck_assert (ws_metadata_is_valid (md));
  ws_metadata_free (md);
}
END_TEST

START_TEST (test_cpl_unusable_rating_is_invalid)
{
  GError *error = read_test_file_error (
      "metadata/cpl-invalid-empty-rating.xml");

  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_INVALID));
  ck_assert_ptr_nonnull (strstr (error->message,
      "cpl-invalid-empty-rating.xml:10: ContentMaturityRating: has "
      "neither Agency nor Rating"));
  g_error_free (error);
}
END_TEST

/* Issue #11 row 2: a CPL with PG-13 then R for one territory: a
 * rating-conflict warning naming both, and R (the more restrictive) picked;
 * both stay in the list watershed metadata prints. */
START_TEST (test_cpl_two_ratings_for_one_territory)
{
  GError *error = NULL;
  WsMetadata *md =
      read_str ("<CompositionPlaylist "
                "xmlns=\"http://www.smpte-ra.org/schemas/2067-3/"
                "2016\">\n<Id>urn:uuid:b</Id>\n<LocaleList><Locale>\n"
                "<RegionList><Region>US</Region></RegionList>\n"
                "<ContentMaturityRatingList>\n"
                "<ContentMaturityRating><Agency>http://www.movielabs.com/md/"
                "ratings/"
                "US/MPAA/1</Agency><Rating>PG-13</Rating></"
                "ContentMaturityRating>\n"
                "<ContentMaturityRating><Agency>http://www.movielabs.com/md/"
                "ratings/"
                "US/MPAA/1</Agency><Rating>R</Rating></ContentMaturityRating>\n"
                "</ContentMaturityRatingList></Locale></LocaleList>"
                "</CompositionPlaylist>",
          &error);
  const WsMetadataWarning *w;

  ck_assert_msg (md != NULL, "%s", error ? error->message : "?");
  ck_assert_uint_eq (md->ratings->len, 2);
  w = warning_with (md, "rating-conflict: US has two ratings");
  ck_assert_int_eq (w->line, 7);
  ck_assert (strstr (w->message, "mpa:PG-13 (ContentMaturityRating, line 6) "
                                 "and mpa:R (ContentMaturityRating, line 7): "
                                 "using mpa:R") != NULL);
  ck_assert_str_eq (ws_metadata_pick (md, "US", NULL)->code, "R");
  ck_assert_str_eq (ws_metadata_pick (md, "US", "mpa")->code, "R");
  ws_metadata_free (md);
}
END_TEST

START_TEST (test_cpl_area_beside_countries_is_ignored)
{
  GError *error = NULL;
  WsMetadata *md =
      read_str ("<CompositionPlaylist xmlns=\"http://www."
                "smpte-ra.org/schemas/2067-3/2016\">\n<Id>urn:uuid:a</Id>\n"
                "<LocaleList><Locale>\n"
                "<RegionList><Region>en-GB</Region><Region>150</Region></"
                "RegionList>\n"
                "<ContentMaturityRatingList>\n"
                "<ContentMaturityRating><Agency>http://www.movielabs.com/md/"
                "ratings/"
                "GB/BBFC/1</Agency><Rating>15</Rating></"
                "ContentMaturityRating>\n"
                "<ContentMaturityRating><Agency>http://www.movielabs.com/md/"
                "ratings/"
                "ZZ/NOPE/1</Agency><Rating>7</Rating></ContentMaturityRating>\n"
                "</ContentMaturityRatingList></Locale></LocaleList>"
                "</CompositionPlaylist>",
          &error);
  const WsMetadataWarning *w;

  ck_assert_msg (md != NULL, "%s", error ? error->message : "?");
  ck_assert_ptr_null (md->title);
  ck_assert_uint_eq (md->ratings->len, 2);
  assert_rating (rating_at (md, 0), "GB", "bbfc", "15", 15);
  ck_assert_str_eq (rating_at (md, 0)->programme, "urn:uuid:a");
  /* An agency nobody knows: unrated, still for the listed country. */
  assert_rating (rating_at (md, 1), "GB", NULL, NULL, -1);
  /* two ratings for GB: the unrated one, the more restrictive (#11) */
  ck_assert (strstr (warning_with (md, "rating-conflict: GB")->message,
      "bbfc:15 (ContentMaturityRating"));
  assert_n_warnings (md, 4);
  /* Reported once per Locale, before the ratings' findings. */
  w = g_ptr_array_index (md->warnings, 0);
  ck_assert_int_eq (w->line, 4);
  ck_assert_ptr_nonnull (strstr (w->message,
      "Region \"en-GB\" is a language tag, not a region: read as GB"));
  w = g_ptr_array_index (md->warnings, 1);
  ck_assert_int_eq (w->line, 4);
  ck_assert_ptr_nonnull (strstr (w->message,
      "Region \"150\" is the UN M.49 area \"Europe\", not a country: "
      "ignored"));
  w = g_ptr_array_index (md->warnings, 2);
  ck_assert_int_eq (w->line, 7);
  ck_assert_ptr_nonnull (strstr (w->message, "unknown rating system"));
  ws_metadata_free (md);
}
END_TEST

START_TEST (test_cpl_without_ratings_warns)
{
  GError *error = NULL;
  WsMetadata *md =
      read_str ("<CompositionPlaylist xmlns=\"http://www."
                "smpte-ra.org/schemas/2067-3/2016\">\n<Id>urn:uuid:x</Id>\n"
                "<ContentTitle>T</ContentTitle>\n</CompositionPlaylist>",
          &error);

  ck_assert_ptr_nonnull (md);
  ck_assert_uint_eq (md->ratings->len, 0);
  warning_with (md, "no rating found");
  ws_metadata_free (md);
}
END_TEST

/* ---- EBUCore ------------------------------------------------------------ */

START_TEST (test_ebucore_reads_rating_and_target_audience)
{
  WsMetadata *md = read_test_file ("metadata/ebucore-ratings.xml");
  const WsRating *r;
  const WsMetadataWarning *w;

  ck_assert_int_eq (md->format, WS_METADATA_FORMAT_EBUCORE);
  ck_assert_str_eq (md->title, "The Long Tide");
  ck_assert_uint_eq (md->ratings->len, 6);

  /* targetAudience with a CMR rating URI, region from a typeLink. */
  r = rating_at (md, 0);
  assert_rating (r, "DE", "fsk", "16", 16);
  /* libxml2 numbers an element by the line its start tag ends on. */
  ck_assert_int_eq (r->line, 14);
  ck_assert_str_eq (r->element, "targetAudience");
  ck_assert_str_eq (text_at (r, 0)->text, "Gewalt, Bedrohung");
  ck_assert_str_eq (text_at (r, 0)->lang, "de");

  /* rating: system from ratingProvider, region from country typeLabel. */
  r = rating_at (md, 1);
  assert_rating (r, "GB", "bbfc", "15", 15);
  ck_assert_str_eq (r->element, "rating");
  ck_assert_str_eq (text_at (r, 0)->text, "strong language");
  ck_assert_str_eq (text_at (r, 0)->lang, "en");

  /* notRated: the system's unrated code, territory of the system. */
  assert_rating (rating_at (md, 2), "US", "mpa", "NR", -1);

  /* adultContent on a 12: kept as 12, warned. */
  assert_rating (rating_at (md, 3), "DE", "fsk", "12", 12);
  w = warning_with (md, "adultContent=\"true\" but fsk:12");
  ck_assert_int_eq (w->line, 34);

  /* ratingLink alone. */
  assert_rating (rating_at (md, 4), "FR", "csa", "-16", 16);

  /* A timed part: a segment rating. */
  r = rating_at (md, 5);
  assert_rating (r, "GB", "bbfc", "18", 18);
  ck_assert_int_eq (r->start_ns, (41 * 60 + 10) * S + 500 * MS);
  ck_assert_int_eq (r->end_ns, (43 * 60 + 10) * S + 500 * MS);

  /* A targetAudience that is not a rating is reported and skipped. */
  w = warning_with (md, "targetAudience \"Children\" is not an age rating");
  ck_assert_int_eq (w->line, 20);
  /* targetAudience fsk:16 and rating fsk:12 for DE: fsk:16 (#11) */
  ck_assert (strstr (warning_with (md, "rating-conflict: DE")->message,
      "using fsk:16"));
  ck_assert_str_eq (ws_metadata_pick (md, "DE", NULL)->code, "16");
  assert_n_warnings (md, 3);

  ck_assert_ptr_eq (ws_metadata_pick (md, "GB", NULL), rating_at (md, 1));
  ck_assert_ptr_eq (ws_metadata_pick_at (md, "GB", NULL, 42 * 60 * S),
      rating_at (md, 5));
  ws_metadata_free (md);
}
END_TEST

START_TEST (test_ebucore_without_core_metadata_is_invalid)
{
  GError *error = read_test_file_error ("metadata/ebucore-invalid-no-core.xml");

  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_INVALID));
  ck_assert_ptr_nonnull (strstr (error->message,
      "ebucore-invalid-no-core.xml:4: ebuCoreMain: no coreMetadata"));
  g_error_free (error);
}
END_TEST

START_TEST (test_ebucore_lenient_values)
{
  GError *error = NULL;
  WsMetadata *md =
      read_str ("<ebuCoreMain xmlns=\"urn:ebu:metadata-schema:"
                "ebuCore_2019\"><coreMetadata>\n"
                "<rating><ratingValue>bbfc:12A</ratingValue></rating>\n"
                "<rating formatLabel=\"BBFC\"><ratingValue>19</ratingValue>"
                "<ratingRegion><country "
                "typeLabel=\"Narnia\"/></ratingRegion></rating>\n"
                "<rating/>\n"
                "<rating><ratingLink>http://example.com/r/7</ratingLink></"
                "rating>\n"
                "<rating formatLabel=\"XYZ\"/>\n"
                "<rating "
                "formatLabel=\"kijkwijzer\"><ratingValue>9</ratingValue>"
                "<ratingExclusionRegion><country typeLabel=\"BE\"/>"
                "</ratingExclusionRegion></rating>\n"
                "</coreMetadata></ebuCoreMain>",
          &error);

  ck_assert_msg (md != NULL, "%s", error ? error->message : "?");
  ck_assert_uint_eq (md->ratings->len, 6);
  /* SYSTEM:CODE in the value: the territory of the system. */
  assert_rating (rating_at (md, 0), "GB", "bbfc", "12A", 12);
  /* Unknown code: unrated; unknown region ignored; the system's territory. */
  assert_rating (rating_at (md, 1), "GB", NULL, NULL, -1);
  ck_assert_int_eq (warning_with (md, "\"19\"")->line, 3);
  ck_assert_int_eq (warning_with (md, "names no ISO 3166-1 country")->line, 3);
  /* An empty rating. */
  assert_rating (rating_at (md, 2), NULL, NULL, NULL, -1);
  ck_assert_int_eq (warning_with (md, "nothing to read")->line, 4);
  /* A link nobody knows. */
  assert_rating (rating_at (md, 3), NULL, NULL, NULL, -1);
  ck_assert_str_eq (rating_at (md, 3)->source_system, "http://example.com/r/7");
  ck_assert_int_eq (warning_with (md, "rating URI \"http://example.com/r/7\" "
                                      "is not one watershed knows")
                        ->line,
      5);
  /* A system nobody knows and no value. */
  assert_rating (rating_at (md, 4), NULL, NULL, NULL, -1);
  ck_assert_int_eq (warning_with (md, "empty rating from \"XYZ\"")->line, 6);
  /* Exclusions cannot be expressed: warned, the rating kept. */
  assert_rating (rating_at (md, 5), "NL", "kijkwijzer", "9", 9);
  ck_assert_int_eq (warning_with (md, "ratingExclusionRegion is not applied")
                        ->line,
      7);
  ck_assert (strstr (warning_with (md, "rating-conflict: GB")->message,
      "using unrated (value 19)"));
  assert_n_warnings (md, 7);
  ws_metadata_free (md);
}
END_TEST

/* ---- iTunes ------------------------------------------------------------- */

START_TEST (test_itunes_reads_ratings)
{
  WsMetadata *md = read_test_file ("metadata/itunes-film.xml");
  const WsRating *r;
  const WsMetadataWarning *w;

  ck_assert_int_eq (md->format, WS_METADATA_FORMAT_ITUNES);
  ck_assert_str_eq (md->title, "Harbour Lights");
  ck_assert_uint_eq (md->ratings->len, 8);

  r = rating_at (md, 0);
  assert_rating (r, "US", "mpa", "PG-13", 13);
  ck_assert_str_eq (r->programme, "WS_TEST_FILM_0001");
  ck_assert_str_eq (r->source_system, "mpaa");
  ck_assert_int_eq (r->line, 12);
  ck_assert_str_eq (r->element, "rating");
  ck_assert_str_eq (text_at (r, 0)->text,
      "for some violence and brief strong language");
  assert_rating (rating_at (md, 1), "GB", "bbfc", "12A", 12);
  assert_rating (rating_at (md, 2), "DE", "fsk", "16", 16);
  assert_rating (rating_at (md, 3), "FR", "csa", "-12", 12);

  /* "Not Rated" and "Unrated": both unrated (fail closed); the first is
   * warned about because Apple does not block it. */
  assert_rating (rating_at (md, 4), "GB", "bbfc", "NR", -1);
  w = warning_with (md, "do not block \"Not Rated\"");
  ck_assert_int_eq (w->line, 16);
  assert_rating (rating_at (md, 5), "US", "mpa", "NR", -1);

  /* Unknown system: unrated, warned. */
  assert_rating (rating_at (md, 6), NULL, NULL, NULL, -1);
  ck_assert_int_eq (warning_with (md, "\"xx-movie\"")->line, 18);

  /* Older form: the code as element text. */
  assert_rating (rating_at (md, 7), "US", "mpa", "R", 17);
  /* PG-13, Unrated and R for US; 12A and Not Rated for GB: unrated wins */
  ck_assert (warning_with (md, "rating-conflict: GB") != NULL);
  ck_assert_int_eq (ws_metadata_pick (md, "US", NULL)->minimum_age, -1);
  ck_assert_int_eq (ws_metadata_pick (md, "GB", NULL)->minimum_age, -1);
  assert_n_warnings (md, 5);
  ws_metadata_free (md);
}
END_TEST

START_TEST (test_itunes_without_video_is_invalid)
{
  GError *error = read_test_file_error ("metadata/itunes-invalid-no-video.xml");

  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_INVALID));
  ck_assert_ptr_nonnull (strstr (error->message,
      "itunes-invalid-no-video.xml:4: package: the package has no "
      "<video>"));
  g_error_free (error);
}
END_TEST

/* ---- XMLTV -------------------------------------------------------------- */

START_TEST (test_xmltv_reads_programme_ratings)
{
  WsMetadata *md = read_test_file ("metadata/xmltv-listing.xml");
  const WsRating *r;
  const WsMetadataWarning *w;

  ck_assert_int_eq (md->format, WS_METADATA_FORMAT_XMLTV);
  ck_assert_ptr_null (md->title); /* several programmes */
  ck_assert_uint_eq (md->ratings->len, 4);

  r = rating_at (md, 0);
  assert_rating (r, "US", "mpa", "PG-13", 13);
  ck_assert_str_eq (r->programme, "Harbour Lights @ 20260701193000 +0100");
  ck_assert_str_eq (r->source_system, "MPAA");
  ck_assert_str_eq (r->source_code, "PG-13");
  ck_assert_int_eq (r->line, 9);

  /* V-chip code with content letters. */
  r = rating_at (md, 1);
  assert_rating (r, "US", "us-tv", "TV-14", 14);
  ck_assert_str_eq (r->programme, "Late Shift @ 20260701213000 +0100");
  ck_assert_uint_eq (r->descriptors->len, 2);
  ck_assert_str_eq (descriptor (r, 0), "L");
  ck_assert_str_eq (descriptor (r, 1), "V");
  ck_assert_str_eq (r->source_code, "TV-14-LV");

  assert_rating (rating_at (md, 2), "GB", "bbfc", "15", 15);
  ck_assert_str_eq (rating_at (md, 2)->programme,
      "Late Shift @ 20260701213000 +0100");

  r = rating_at (md, 3);
  assert_rating (r, NULL, NULL, NULL, -1);
  w = warning_with (md, "unknown rating system \"XYZ\"");
  ck_assert_int_eq (w->line, 25);
  w = warning_with (md, "1 of 4 programmes have no rating");
  ck_assert_str_eq (w->element, "tv");
  assert_n_warnings (md, 2);
  ws_metadata_free (md);
}
END_TEST

START_TEST (test_xmltv_single_programme_title)
{
  GError *error = NULL;
  WsMetadata *md =
      read_str ("<tv>\n<programme start=\"20260101200000 +0000\""
                " channel=\"c\"><title>Solo</title>\n<rating system=\"fsk\">"
                "<value>12</value></rating>\n<rating "
                "system=\"mpaa\"/>\n</programme>"
                "</tv>",
          &error);

  ck_assert_ptr_nonnull (md);
  ck_assert_str_eq (md->title, "Solo");
  ck_assert_uint_eq (md->ratings->len, 2);
  assert_rating (rating_at (md, 0), "DE", "fsk", "12", 12);
  /* A rating without a value: unrated, warned; territory of the system. */
  assert_rating (rating_at (md, 1), "US", NULL, NULL, -1);
  ck_assert_int_eq (warning_with (md, "empty rating")->line, 4);
  ws_metadata_free (md);
}
END_TEST

/* ---- sidecar ------------------------------------------------------------ */

START_TEST (test_sidecar_reads_programmes_and_segments)
{
  WsMetadata *md = read_test_file ("metadata/sidecar-segments.xml");
  const WsRating *r;

  ck_assert_int_eq (md->format, WS_METADATA_FORMAT_WATERSHED);
  ck_assert_str_eq (ws_metadata_format_to_string (md->format), "watershed");
  ck_assert_ptr_null (md->title); /* two programmes */
  assert_n_warnings (md, 0);
  ck_assert_uint_eq (md->ratings->len, 5);

  r = rating_at (md, 0);
  assert_rating (r, "GB", "bbfc", "12A", 12);
  ck_assert_str_eq (r->programme, "HL-0001");
  ck_assert_int_eq (r->line, 6);
  ck_assert_uint_eq (r->descriptors->len, 2);
  ck_assert_str_eq (descriptor (r, 0), "threat");
  ck_assert_str_eq (descriptor (r, 1), "language");
  ck_assert_str_eq (text_at (r, 0)->text,
      "Contains moderate threat and strong language");
  ck_assert_str_eq (text_at (r, 0)->lang, "en");
  ck_assert_str_eq (text_at (r, 0)->length, "long");
  ck_assert_int_eq (r->start_ns, -1);

  /* No territory: every territory. */
  assert_rating (rating_at (md, 1), NULL, "dvb", "12", 12);

  r = rating_at (md, 2);
  assert_rating (r, "GB", "bbfc", "15", 15);
  ck_assert_int_eq (r->start_ns, (41 * 60 + 10) * S + 500 * MS);
  ck_assert_int_eq (r->end_ns, 43 * 60 * S);
  ck_assert_str_eq (descriptor (r, 0), "violence");
  r = rating_at (md, 3);
  assert_rating (r, "GB", "bbfc", "12", 12);
  ck_assert_int_eq (r->start_ns, 90 * 60 * S);
  ck_assert_int_eq (r->end_ns, -1);

  r = rating_at (md, 4);
  assert_rating (r, "US", "us-tv", "TV-PG", 8);
  ck_assert_str_eq (r->programme, "NEWS-2100");
  ck_assert_str_eq (descriptor (r, 0), "V");

  /* Segments replace the programme rating while they run. */
  ck_assert_ptr_eq (ws_metadata_pick_at (md, "GB", "bbfc", 60 * S),
      rating_at (md, 0));
  ck_assert_ptr_eq (ws_metadata_pick_at (md, "GB", "bbfc", 42 * 60 * S),
      rating_at (md, 2));
  ck_assert_ptr_eq (ws_metadata_pick_at (md, "GB", "bbfc", 43 * 60 * S),
      rating_at (md, 0));
  ck_assert_ptr_eq (ws_metadata_pick_at (md, "GB", "bbfc", 100 * 60 * S),
      rating_at (md, 3));
  ck_assert_ptr_eq (ws_metadata_pick (md, "FR", NULL), rating_at (md, 1));
  ws_metadata_free (md);
}
END_TEST

START_TEST (test_sidecar_sample_reads)
{
  char *path = g_build_filename (g_getenv ("WATERSHED_DATADIR"), "samples",
      "demo-bbfc15.xml", NULL);
  GError *error = NULL;
  WsMetadata *md = ws_metadata_read_file (path, reg, &error);
  const WsRating *r;

  ck_assert_msg (md != NULL, "%s", error ? error->message : "?");
  ck_assert_str_eq (md->title, "Night Crossing");
  assert_n_warnings (md, 0);
  ck_assert_uint_eq (md->ratings->len, 3);
  r = rating_at (md, 0);
  assert_rating (r, "GB", "bbfc", "15", 15);
  ck_assert_str_eq (descriptor (r, 0), "language");
  ck_assert_str_eq (text_at (r, 0)->text,
      "Contains strong language and flashing images");
  ck_assert_ptr_null (text_at (r, 0)->length);
  ck_assert_str_eq (text_at (r, 1)->length, "short");
  assert_rating (rating_at (md, 1), "DE", "fsk", "16", 16);
  ck_assert_str_eq (descriptor (rating_at (md, 1), 0), "sprache");
  r = rating_at (md, 2);
  assert_rating (r, "FR", "csa", "-16", 16);
  /* White space of a multi-line text is collapsed. */
  ck_assert_str_eq (text_at (r, 0)->text,
      "Déconseillé aux moins de 16 ans. Contient des images "
      "stroboscopiques.");
  ck_assert_str_eq (text_at (r, 0)->lang, "fr");
  ws_metadata_free (md);
  g_free (path);
}
END_TEST

START_TEST (test_sidecar_wrong_code_names_file_and_line)
{
  GError *error = read_test_file_error ("metadata/sidecar-invalid-code.xml");

  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_INVALID));
  ck_assert_ptr_nonnull (strstr (error->message,
      "sidecar-invalid-code.xml:6: rating: \"19\" is not a bbfc code; "
      "use one of: U, PG, 12A, 12, 15, 18, R18"));
  g_error_free (error);
}
END_TEST

typedef struct {
  const char *body; /* lines 3.. of the document */
  int line;
  const char *message;
} SidecarCase;

#define HEAD                                                \
  "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" " \
  "version=\"1\">\n<programme id=\"p\">\n"
#define TAIL "</programme>\n</watershed-metadata>\n"
#define GB15 "<rating territory=\"GB\" system=\"bbfc\" code=\"15\"/>\n"

static const SidecarCase sidecar_cases[] = {
  { "<rating teritory=\"GB\" system=\"bbfc\" code=\"15\"/>\n", 3,
      "rating: unknown attribute \"teritory\"; <rating> takes: territory, "
      "system, code" },
  { "<rating territory=\"gb\" system=\"bbfc\" code=\"15\"/>\n", 3,
      "territory \"gb\" is not an ISO 3166-1 alpha-2 code in upper case; "
      "write \"GB\"" },
  { "<rating territory=\"XX\" system=\"bbfc\" code=\"15\"/>\n", 3,
      "territory \"XX\" is not an ISO 3166-1" },
  { "<rating territory=\"GB\" system=\"BBFC\" code=\"15\"/>\n", 3,
      "write the rating-system id \"bbfc\" instead of \"BBFC\"" },
  { "<rating territory=\"GB\" system=\"nope\" code=\"15\"/>\n", 3,
      "unknown rating system \"nope\"" },
  { "<rating territory=\"GB\" system=\"bbfc\" code=\"pg\"/>\n", 3,
      "write the official bbfc code \"PG\" instead of \"pg\"" },
  { "<rating territory=\"GB\" system=\"bbfc\"/>\n", 3, "missing code" },
  { "<rating territory=\"GB\" code=\"15\"/>\n", 3, "missing system" },
  { "<rating territory=\"GB\" system=\"bbfc\" code=\"15\">\n"
    "<descriptor>swearing</descriptor></rating>\n",
      4, "descriptor: \"swearing\" is not a descriptor of bbfc; use one of: " },
  { "<rating territory=\"GB\" system=\"bbfc\" code=\"15\">\n"
    "<descriptor>strong language</descriptor></rating>\n",
      4,
      "write the bbfc descriptor code \"language\" instead of \"strong "
      "language\"" },
  { "<rating territory=\"GB\" system=\"bbfc\" code=\"15\">\n"
    "<descriptor>language</descriptor><descriptor>language</descriptor>"
    "</rating>\n",
      4, "descriptor \"language\" is listed twice" },
  { "<rating territory=\"GB\" system=\"bbfc\" code=\"15\">\n"
    "<text>Strong language</text></rating>\n",
      4, "text: missing xml:lang" },
  { "<rating territory=\"GB\" system=\"bbfc\" code=\"15\">\n"
    "<text xml:lang=\"en\" length=\"huge\">x</text></rating>\n",
      4, "length \"huge\" is not short, medium or long" },
  { "<rating territory=\"GB\" system=\"bbfc\" code=\"15\">\n"
    "<text xml:lang=\"en\">  </text></rating>\n",
      4, "empty guidance text" },
  { GB15 "<rating territory=\"GB\" system=\"bbfc\" code=\"18\"/>\n", 4,
      "a second bbfc rating for GB (the first is at line 3)" },
  { GB15 "<segment start=\"00:10:00.000\" end=\"00:09:00\">" GB15
         "</segment>\n",
      4, "end 00:09:00 is not after start 00:10:00.000" },
  { GB15 "<segment start=\"00:10:00\" end=\"00:20:00\">" GB15 "</segment>\n"
         "<segment start=\"00:19:59.999\">" GB15 "</segment>\n",
      6, "segment overlaps the segment at line 4 (starting 00:10:00.000)" },
  { GB15 "<segment start=\"1:00\">" GB15 "</segment>\n", 4,
      "start \"1:00\" is not HH:MM:SS.mmm" },
  { GB15 "<segment start=\"00:61:00\">" GB15 "</segment>\n", 4,
      "start \"00:61:00\" is not HH:MM:SS.mmm" },
  { GB15 "<segment end=\"00:01:00\">" GB15 "</segment>\n", 4, "missing start" },
  { GB15 "<segment start=\"00:01:00\">\n</segment>\n", 4,
      "segment: no <rating>; a segment needs at least one" },
  { "<segment start=\"00:01:00\">" GB15 "</segment>\n" GB15, 5,
      "a whole-programme rating after a <segment>" },
  { "<rating territory=\"GB\" system=\"bbfc\" code=\"15\">\n"
    "<text xml:lang=\"en\">x</text><descriptor>language</descriptor>"
    "</rating>\n",
      4, "a descriptor after a <text>" },
  { "<ratings>" GB15 "</ratings>\n", 3,
      "ratings: unknown element inside "
      "<programme>" },
  { GB15 "stray words\n", 2, "unexpected text inside <programme>" },
  { GB15 "<rating xmlns=\"\" system=\"bbfc\" code=\"18\"/>\n", 4,
      "element has no namespace" },
};

START_TEST (test_sidecar_rejects_wrong_values)
{
  const SidecarCase *c = &sidecar_cases[_i];
  char *doc = g_strconcat (HEAD, c->body, TAIL, NULL);
  char *where = g_strdup_printf ("mem.xml:%d: ", c->line);
  GError *error = NULL;
  WsMetadata *md = read_str (doc, &error);

  ck_assert_msg (md == NULL, "case %d read without error", _i);
  ck_assert_msg (g_error_matches (error, WS_ERROR, WS_ERROR_INVALID),
      "case %d: %s", _i, error->message);
  ck_assert_msg (g_str_has_prefix (error->message, where),
      "case %d: \"%s\" does not start with \"%s\"", _i, error->message, where);
  ck_assert_msg (strstr (error->message, c->message) != NULL,
      "case %d: \"%s\" lacks \"%s\"", _i, error->message, c->message);
  g_error_free (error);
  g_free (where);
  g_free (doc);
}
END_TEST

START_TEST (test_sidecar_rejects_wrong_documents)
{
  static const struct {
    const char *doc;
    const char *message;
  } cases[] = {
    { "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" version=\"2\">"
      "<programme id=\"p\">" GB15 "</programme></watershed-metadata>",
        "mem.xml:1: watershed-metadata: version \"2\" is not supported" },
    { "<watershed-metadata xmlns=\"urn:watershed:metadata:1\">"
      "<programme id=\"p\">" GB15 "</programme></watershed-metadata>",
        "mem.xml:1: watershed-metadata: missing version" },
    { "<watershed-metadata xmlns=\"urn:watershed:metadata:2\" version=\"2\">"
      "</watershed-metadata>",
        "namespace \"urn:watershed:metadata:2\" is not one this watershed "
        "reads" },
    { "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" version=\"1\">"
      "\n</watershed-metadata>",
        "mem.xml:1: watershed-metadata: no "
        "<programme>" },
    { "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" version=\"1\">"
      "\n<programme>" GB15 "</programme></watershed-metadata>",
        "mem.xml:2: programme: missing id" },
    { "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" version=\"1\">"
      "\n<programme id=\"a\">" GB15 "</programme>\n<programme id=\"a\">" GB15
      "</programme></watershed-metadata>",
        "mem.xml:4: programme: programme id \"a\" is used twice (first at "
        "line 2)" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    GError *error = NULL;
    WsMetadata *md = read_str (cases[i].doc, &error);

    ck_assert_msg (md == NULL, "case %" G_GSIZE_FORMAT, i);
    ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_INVALID));
    ck_assert_msg (strstr (error->message, cases[i].message) != NULL,
        "\"%s\" lacks \"%s\"", error->message, cases[i].message);
    g_error_free (error);
  }
}
END_TEST

START_TEST (test_sidecar_accepts_extensions)
{
  GError *error = NULL;
  WsMetadata *md =
      read_str ("<watershed-metadata xmlns=\"urn:watershed:"
                "metadata:1\" xmlns:x=\"urn:example:ext\" version=\"1\">\n"
                "<programme id=\"p\" x:house=\"123\">\n"
                "<rating territory=\"NL\" system=\"kijkwijzer\" code=\"16\">"
                "<x:note>internal</x:note></rating>\n"
                "<x:extra/>\n</programme>\n</watershed-metadata>",
          &error);

  ck_assert_msg (md != NULL, "%s", error ? error->message : "?");
  ck_assert_uint_eq (md->ratings->len, 1);
  assert_rating (rating_at (md, 0), "NL", "kijkwijzer", "16", 16);
  ck_assert_int_eq (rating_at (md, 0)->line, 3);
  assert_n_warnings (md, 0);
  ws_metadata_free (md);
}
END_TEST

/* ---- schema ------------------------------------------------------------- */

static xmlSchema *
load_schema (void)
{
  char *path = g_build_filename (g_getenv ("WATERSHED_DATADIR"), "schemas",
      "watershed-metadata.xsd", NULL);
  xmlSchemaParserCtxt *pctx = xmlSchemaNewParserCtxt (path);
  xmlSchema *schema;

  ck_assert_ptr_nonnull (pctx);
  schema = xmlSchemaParse (pctx);
  ck_assert_msg (schema != NULL, "%s does not compile", path);
  xmlSchemaFreeParserCtxt (pctx);
  g_free (path);
  return schema;
}

static void
ignore_errors (void *ctx, const char *msg, ...)
{}

static int
validate (xmlSchema *schema, const char *path)
{
  xmlSchemaValidCtxt *vctx = xmlSchemaNewValidCtxt (schema);
  xmlDoc *doc = ws_xml_read_file (path, 0, NULL);
  int rc;

  ck_assert_msg (doc != NULL, "%s does not parse", path);
  xmlSchemaSetValidErrors (vctx, ignore_errors, ignore_errors, NULL);
  rc = xmlSchemaValidateDoc (vctx, doc);
  xmlSchemaFreeValidCtxt (vctx);
  xmlFreeDoc (doc);
  return rc;
}

START_TEST (test_sidecar_files_validate_against_schema)
{
  xmlSchema *schema = load_schema ();
  char *sample = g_build_filename (g_getenv ("WATERSHED_DATADIR"), "samples",
      "demo-bbfc15.xml", NULL);
  const char *const valid[] = { "metadata/sidecar-segments.xml",
    "metadata/sidecar-invalid-code.xml", NULL };

  ck_assert_int_eq (validate (schema, sample), 0);
  for (const char *const *v = valid; *v != NULL; v++) {
    char *path = ws_test_file (*v);

    ck_assert_msg (validate (schema, path) == 0, "%s is not schema-valid",
        path);
    g_free (path);
  }
  g_free (sample);
  xmlSchemaFree (schema);
}
END_TEST

START_TEST (test_sidecar_schema_rejects_what_the_reader_rejects)
{
  /* The schema and the reader agree on the rules a schema can express. */
  static const char *const bodies[] = {
    "<rating territory=\"gb\" system=\"bbfc\" code=\"15\"/>",
    "<rating teritory=\"GB\" system=\"bbfc\" code=\"15\"/>",
    "<rating territory=\"GB\" system=\"BBFC\" code=\"15\"/>",
    "<rating territory=\"GB\" system=\"bbfc\" code=\"15\"><text>x</text>"
    "</rating>",
    "<rating territory=\"GB\" system=\"bbfc\" code=\"15\"><text xml:lang="
    "\"en\"> </text></rating>",
    GB15 "<segment start=\"1:00\">" GB15 "</segment>",
    "<rating territory=\"GB\" system=\"bbfc\" code=\"15\"><text xml:lang="
    "\"en\">x</text><descriptor>language</descriptor></rating>",
    "<segment start=\"00:01:00\">" GB15 "</segment>",
    "<ratings/>",
  };
  xmlSchema *schema = load_schema ();
  char *dir = g_dir_make_tmp ("ws-check-metadata-XXXXXX", NULL);
  char *path = g_build_filename (dir, "case.xml", NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++) {
    char *doc = g_strconcat (HEAD, bodies[i], TAIL, NULL);
    GError *error = NULL;
    WsMetadata *md;

    ck_assert (g_file_set_contents (path, doc, -1, NULL));
    ck_assert_msg (validate (schema, path) != 0,
        "schema accepts case %" G_GSIZE_FORMAT, i);
    md = read_str (doc, &error);
    ck_assert_msg (md == NULL, "reader accepts case %" G_GSIZE_FORMAT, i);
    g_clear_error (&error);
    g_free (doc);
  }
  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
  xmlSchemaFree (schema);
}
END_TEST

/* ---- formats and safe loading ------------------------------------------- */

START_TEST (test_metadata_unknown_root_is_unknown_format)
{
  GError *error = NULL;

  /* A CPL root in the wrong namespace is not a CPL. */
  ck_assert_ptr_null (
      read_str ("<CompositionPlaylist xmlns=\"urn:other\"/>", &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_UNKNOWN_FORMAT));
  ck_assert_ptr_nonnull (strstr (error->message, "<CompositionPlaylist>"));
  ck_assert_ptr_nonnull (strstr (error->message, "urn:other"));
  g_clear_error (&error);
}
END_TEST

START_TEST (test_metadata_refuses_external_entity)
{
  static const char doc[] =
      "<?xml version=\"1.0\"?>\n"
      "<!DOCTYPE watershed-metadata [\n"
      "<!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n"
      "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" version=\"1\">"
      "<programme id=\"&xxe;\" title=\"&xxe;\">" GB15 "</programme>"
      "</watershed-metadata>";
  GError *error = NULL;
  WsMetadata *md = read_str (doc, &error);

  ck_assert_ptr_null (md);
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_FORBIDDEN));
  ck_assert_ptr_nonnull (strstr (error->message, "mem.xml:3:"));
  ck_assert_ptr_null (strstr (error->message, "root:"));
  ck_assert_ptr_null (strstr (error->message, "/bin/"));
  g_error_free (error);
}
END_TEST

START_TEST (test_metadata_refuses_billion_laughs)
{
  GString *doc = g_string_new ("<?xml version=\"1.0\"?>\n<!DOCTYPE tv [\n"
                               "<!ENTITY lol \"lol\">\n");
  GError *error = NULL;
  WsMetadata *md;

  for (int i = 1; i < 10; i++) {
    g_string_append_printf (doc, "<!ENTITY lol%d \"", i);
    for (int j = 0; j < 10; j++) {
      if (i == 1)
        g_string_append (doc, "&lol;");
      else
        g_string_append_printf (doc, "&lol%d;", i - 1);
    }
    g_string_append (doc, "\">\n");
  }
  g_string_append (doc, "]>\n<tv><programme><title>&lol9;</title>"
                        "</programme></tv>");
  md = read_str (doc->str, &error);
  ck_assert_ptr_null (md);
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_FORBIDDEN));
  /* Refused at the first declaration, before anything is expanded. */
  ck_assert_ptr_nonnull (strstr (error->message, "mem.xml:3:"));
  g_error_free (error);
  g_string_free (doc, TRUE);
}
END_TEST

START_TEST (test_metadata_refuses_oversized_file)
{
  char *dir = g_dir_make_tmp ("ws-check-metadata-XXXXXX", NULL);
  char *path = g_build_filename (dir, "big.xml", NULL);
  GString *doc = g_string_new ("<tv>\n");
  GError *error = NULL;

  while (doc->len < 4096)
    g_string_append (doc, "<programme start=\"20260101000000 +0000\" "
                          "channel=\"c\"><title>x</title></programme>\n");
  g_string_append (doc, "</tv>\n");
  ck_assert (g_file_set_contents (path, doc->str, (gssize) doc->len, NULL));

  ck_assert_ptr_null (ws_xml_read_file (path, 1024, &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_TOO_LARGE));
  ck_assert_ptr_nonnull (strstr (error->message, "limit of 1024 bytes"));
  g_clear_error (&error);
  /* Under the default bound the same file reads. */
  {
    WsMetadata *md = ws_metadata_read_file (path, reg, &error);

    ck_assert_msg (md != NULL, "%s", error ? error->message : "?");
    ck_assert_int_eq (md->format, WS_METADATA_FORMAT_XMLTV);
    ws_metadata_free (md);
  }
  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
  g_string_free (doc, TRUE);
}
END_TEST

START_TEST (test_metadata_malformed_names_line)
{
  GError *error = NULL;
  WsMetadata *md = read_str ("<tv>\n<programme>\n<title>x</title>\n</tv>\n",
      &error);

  ck_assert_ptr_null (md);
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_MALFORMED));
  ck_assert_msg (g_str_has_prefix (error->message, "mem.xml:4:"), "%s",
      error->message);
  g_error_free (error);
}
END_TEST

/* ---- the real CPLs of the corpus ---------------------------------------- */

typedef struct {
  const char *file;
  const char *title;
  const char *territory;
  const char *system;
  const char *code;
  int age;
  guint n_warnings;
  const char *warnings[3];
} CorpusCpl;

static const CorpusCpl corpus_cpls[] = {
  { "photon-app2-pg13.xml", "MERIDIAN", "US", "mpa", "PG-13", 13, 1,
      { "Region \"021\" is the UN M.49 area \"Northern America\"" } },
  { "photon-app5-multiapp-g.xml", "App2 CPL", "US", "mpa", "G", 0, 1,
      { "scope \"General\" is a bare word" } },
  { "photon-isxd-nr.xml", "ISXD_TEST_1", "US", "mpa", "NR", -1, 0, { NULL } },
  { "photon-blackl-dirty-mcaa.xml", "BLACKL_202_HD_REC709_178_ENG", "US", NULL,
      NULL, -1, 3,
      { "Agency \"MCAA\" is not a URI", "empty rating",
          "scope \"General\" is a bare word" } },
};

START_TEST (test_cpl_corpus_files_read)
{
  char *dir = g_build_filename (ws_test_corpus_dir (), "imf-cpl", NULL);
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n_read = 0;

  ck_assert_ptr_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL) {
    char *path;
    const CorpusCpl *want = NULL;
    GError *error = NULL;
    WsMetadata *md;
    const WsRating *r;

    if (!g_str_has_suffix (name, ".xml"))
      continue;
    for (gsize i = 0; i < G_N_ELEMENTS (corpus_cpls); i++) {
      if (strcmp (corpus_cpls[i].file, name) == 0)
        want = &corpus_cpls[i];
    }
    ck_assert_msg (want != NULL,
        "corpus CPL %s has no expected result: add "
        "it to corpus_cpls",
        name);
    path = g_build_filename (dir, name, NULL);
    md = ws_metadata_read_file (path, reg, &error);
    ck_assert_msg (md != NULL, "%s: %s", path, error ? error->message : "?");
    ck_assert_int_eq (md->format, WS_METADATA_FORMAT_IMF_CPL);
    ck_assert_str_eq (md->title, want->title);
    ck_assert_msg (md->ratings->len == 1, "%s: %u ratings", name,
        md->ratings->len);
    r = rating_at (md, 0);
    assert_rating (r, want->territory, want->system, want->code, want->age);
    ck_assert (g_str_has_prefix (r->programme, "urn:uuid:"));
    ck_assert_int_gt (r->line, 0);
    assert_n_warnings (md, want->n_warnings);
    for (guint i = 0; i < want->n_warnings; i++)
      ck_assert_int_gt (warning_with (md, want->warnings[i])->line, 0);
    /* Fail closed: the pick for the territory is this rating. */
    ck_assert_ptr_eq (ws_metadata_pick (md, "US", NULL), r);
    ws_metadata_free (md);
    g_free (path);
    n_read++;
  }
  ck_assert_uint_eq (n_read, G_N_ELEMENTS (corpus_cpls));
  g_dir_close (d);
  g_free (dir);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

/* ---- issue 11: hostile metadata ---------------------------------------- */

static char *
sidecar_with_text (const char *text)
{
  return g_strdup_printf ("<watershed-metadata xmlns=\"urn:watershed:"
                          "metadata:1\" version=\"1\">\n<programme id=\"p\">\n"
                          "<rating territory=\"GB\" system=\"bbfc\" "
                          "code=\"15\">\n<text xml:lang=\"en\">%s</text>\n"
                          "</rating></programme></watershed-metadata>",
      text);
}

/* A 100,000-character guidance text is cut at the documented bound, with
 * an ellipsis and a warning naming the line; the rating itself stands. */
START_TEST (test_metadata_guidance_text_capped)
{
  GString *big = g_string_new (NULL);
  char *doc;
  WsMetadata *md;
  const WsRating *r;
  const WsMetadataWarning *w;
  const char *t;

  for (int i = 0; i < 100000 / 10; i++)
    g_string_append (big, "violence  ");
  doc = sidecar_with_text (big->str);
  md = read_str (doc, NULL);
  ck_assert_ptr_nonnull (md);
  r = rating_at (md, 0);
  assert_rating (r, "GB", "bbfc", "15", 15);
  t = text_at (r, 0)->text;
  ck_assert_int_eq (g_utf8_strlen (t, -1), WS_GUIDANCE_TEXT_MAX_CHARS + 1);
  {
    /* 111 words and their spaces are 999 characters; one more is kept */
    GString *want = g_string_new (NULL);

    for (int i = 0; i < 111; i++)
      g_string_append (want, "violence ");
    g_string_append (want, "v\u2026");
    ck_assert_str_eq (t, want->str);
    g_string_free (want, TRUE);
  }
  w = warning_with (md, "guidance text of more than 1000 characters");
  ck_assert_int_eq (w->line, 4);
  ws_metadata_free (md);
  g_free (doc);

  /* exactly the bound: kept whole, no warning */
  g_string_truncate (big, 0);
  for (int i = 0; i < WS_GUIDANCE_TEXT_MAX_CHARS; i++)
    g_string_append (big, "\xc3\xa9");
  doc = sidecar_with_text (big->str);
  md = read_str (doc, NULL);
  ck_assert_str_eq (text_at (rating_at (md, 0), 0)->text, big->str);
  assert_n_warnings (md, 0);
  ws_metadata_free (md);
  g_free (doc);
  g_string_free (big, TRUE);
}
END_TEST

/* The same bound whatever the reader: TV-Anytime ExplanatoryText, EBUCore
 * and iTunes reasons all go through ws_rating_add_text(). */
START_TEST (test_metadata_text_cap_is_shared)
{
  GString *big = g_string_new (NULL);
  WsRating *r = ws_rating_new ();

  for (int i = 0; i < 3000; i++)
    g_string_append (big, "ab\n");
  ck_assert (ws_rating_add_text (r, "en", NULL, big->str));
  ck_assert_int_eq (g_utf8_strlen (text_at (r, 0)->text, -1),
      WS_GUIDANCE_TEXT_MAX_CHARS + 1);
  ck_assert (!ws_rating_add_text (r, NULL, NULL, "  short \n text "));
  ck_assert_str_eq (text_at (r, 1)->text, "short text");
  /* invalid UTF-8 replaced, never passed on */
  ck_assert (!ws_rating_add_text (r, NULL, NULL, "bad \xff byte"));
  ck_assert_str_eq (text_at (r, 2)->text, "bad \xef\xbf\xbd byte");
  ws_rating_free (r);
  g_string_free (big, TRUE);
}
END_TEST

static WsMetadata *
ebucore_part (const char *start, const char *duration)
{
  char *doc =
      g_strdup_printf ("<ebucore:ebuCoreMain "
                       "xmlns:ebucore=\"urn:ebu:metadata-schema:"
                       "ebuCore_2014\">\n<ebucore:coreMetadata>\n"
                       "<ebucore:part partId=\"s\">\n"
                       "<ebucore:rating "
                       "formatLabel=\"BBFC\"><ebucore:ratingValue>18"
                       "</"
                       "ebucore:ratingValue><ebucore:ratingRegion><ebucore:"
                       "country "
                       "typeLabel=\"GB\"/></ebucore:ratingRegion></"
                       "ebucore:rating>\n"
                       "<ebucore:partStartTime><ebucore:normalPlayTime>%s"
                       "</ebucore:normalPlayTime></ebucore:partStartTime>\n"
                       "<ebucore:partDuration><ebucore:normalPlayTime>%s"
                       "</ebucore:normalPlayTime></ebucore:partDuration>\n"
                       "</ebucore:part></ebucore:coreMetadata></"
                       "ebucore:ebuCoreMain>",
          start, duration);
  GError *error = NULL;
  WsMetadata *md = read_str (doc, &error);

  ck_assert_msg (md != NULL, "%s", error ? error->message : "?");
  g_free (doc);
  return md;
}

/* PT1e100M and PT9000000000S used to overflow (UBSan) and make a segment
 * "9000000000.000--1.000 s": now they are refused with a warning and the
 * part's rating covers the whole programme (fail closed). */
START_TEST (test_ebucore_part_times_range_checked)
{
  const char *bad[][2] = {
    { "00:00:10", "PT1e100M" },
    { "00:00:10", "PT9000000000S" },
    { "PT9000000000S", "PT1M" },
    { "PT1e100M", "PT1M" },
    { "00:00:10", "PT10001H" },
  };
  WsMetadata *md;
  const WsRating *r;

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    md = ebucore_part (bad[i][0], bad[i][1]);
    r = rating_at (md, 0);
    assert_rating (r, "GB", "bbfc", "18", 18);
    ck_assert_int_eq (r->start_ns, -1);
    ck_assert_int_eq (r->end_ns, -1);
    ck_assert_int_eq (warning_with (md, "is not a time watershed reads")->line,
        (i < 2 || i == 4) ? 6 : 5);
    ws_metadata_free (md);
  }

  /* in range: read exactly, the same parser as schedules */
  md = ebucore_part ("01:00:00.25Z", "PT1H30M0.5S");
  r = rating_at (md, 0);
  ck_assert_int_eq (r->start_ns, G_GINT64_CONSTANT (3600250000000));
  ck_assert_int_eq (r->end_ns,
      G_GINT64_CONSTANT (3600250000000) + G_GINT64_CONSTANT (5400500000000));
  assert_n_warnings (md, 0);
  ws_metadata_free (md);
}
END_TEST

/* A 5 MB attribute value in a warning is quoted cut, not whole. */
START_TEST (test_metadata_messages_cut_values)
{
  GString *doc = g_string_new ("<watershed-metadata xmlns=\"urn:watershed:"
                               "metadata:1\" version=\"1\">\n<programme "
                               "id=\"p\">\n<rating territory=\"GB\" "
                               "system=\"bbfc\" code=\"");
  GError *error = NULL;

  for (int i = 0; i < 900 * 1024 / 4; i++)
    g_string_append (doc, "XV15");
  g_string_append (doc, "\"/></programme></watershed-metadata>");
  ck_assert_ptr_null (
      ws_metadata_read_memory (doc->str, doc->len, "mem.xml", reg, &error));
  ck_assert_ptr_nonnull (error);
  ck_assert_msg (strlen (error->message) < 600, "%zu bytes",
      strlen (error->message));
  ck_assert_msg (strstr (error->message, "XV15XV15\u2026\"") != NULL, "%s",
      error->message);
  g_clear_error (&error);
  g_string_free (doc, TRUE);
}
END_TEST

/* `ratingtag location`, the sidecar and every metadata file go through one
 * loader: a FIFO does not hang it, /dev/zero and directories are refused. */
START_TEST (test_metadata_non_regular_files_refused)
{
  char *dir = g_dir_make_tmp ("ws-md-XXXXXX", NULL);
  char *fifo = g_build_filename (dir, "p.xml", NULL);
  const char *paths[] = { fifo, dir, "/dev/zero" };
  GError *error = NULL;

  ck_assert_int_eq (mkfifo (fifo, 0600), 0);
  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++) {
    ck_assert_ptr_null (ws_metadata_read_file (paths[i], reg, &error));
    ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_IO));
    ck_assert_msg (g_str_has_prefix (error->message, paths[i]) &&
                       strstr (error->message, "not a regular file"),
        "%s", error->message);
    g_clear_error (&error);
  }
  g_unlink (fifo);
  g_rmdir (dir);
  g_free (fifo);
  g_free (dir);
}
END_TEST

/* The DOM readers refuse what the schedule reader refuses. */
START_TEST (test_metadata_refuses_attlist_and_xinclude)
{
  GError *error = NULL;
  const char *attlist = "<!DOCTYPE watershed-metadata [\n"
                        "<!ATTLIST rating code CDATA \"U\">\n]>\n"
                        "<watershed-metadata xmlns=\"urn:watershed:metadata:"
                        "1\" version=\"1\"><programme id=\"p\"><rating "
                        "territory=\"GB\" system=\"bbfc\"/></programme>"
                        "</watershed-metadata>";
  const char *xi = "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" "
                   "version=\"1\" xmlns:xi=\"http://www.w3.org/2001/"
                   "XInclude\">\n<xi:include href=\"ratings.xml\"/>\n"
                   "</watershed-metadata>";

  ck_assert_ptr_null (read_str (attlist, &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_FORBIDDEN));
  ck_assert (g_str_has_prefix (error->message, "mem.xml:2:"));
  g_clear_error (&error);
  ck_assert_ptr_null (read_str (xi, &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_FORBIDDEN));
  ck_assert (strstr (error->message, "XInclude"));
  g_clear_error (&error);
}
END_TEST

static Suite *
metadata_suite (gboolean corpus)
{
  Suite *s = suite_create ("metadata");
  TCase *tc;

  tc = tcase_create ("cpl");
  tcase_add_checked_fixture (tc, setup_registry, teardown_registry);
  tcase_add_test (tc, test_cpl_reads_locales_and_regions);
  tcase_add_test (tc, test_cpl_reads_dirty_data_with_warnings);
  tcase_add_test (tc, test_cpl_unusable_rating_is_invalid);
  tcase_add_test (tc, test_cpl_area_beside_countries_is_ignored);
  tcase_add_test (tc, test_cpl_two_ratings_for_one_territory);
  tcase_add_test (tc, test_cpl_without_ratings_warns);
  suite_add_tcase (s, tc);

  tc = tcase_create ("ebucore");
  tcase_add_checked_fixture (tc, setup_registry, teardown_registry);
  tcase_add_test (tc, test_ebucore_reads_rating_and_target_audience);
  tcase_add_test (tc, test_ebucore_without_core_metadata_is_invalid);
  tcase_add_test (tc, test_ebucore_lenient_values);
  suite_add_tcase (s, tc);

  tc = tcase_create ("itunes");
  tcase_add_checked_fixture (tc, setup_registry, teardown_registry);
  tcase_add_test (tc, test_itunes_reads_ratings);
  tcase_add_test (tc, test_itunes_without_video_is_invalid);
  suite_add_tcase (s, tc);

  tc = tcase_create ("xmltv");
  tcase_add_checked_fixture (tc, setup_registry, teardown_registry);
  tcase_add_test (tc, test_xmltv_reads_programme_ratings);
  tcase_add_test (tc, test_xmltv_single_programme_title);
  suite_add_tcase (s, tc);

  tc = tcase_create ("sidecar");
  tcase_add_checked_fixture (tc, setup_registry, teardown_registry);
  tcase_add_test (tc, test_sidecar_reads_programmes_and_segments);
  tcase_add_test (tc, test_sidecar_sample_reads);
  tcase_add_test (tc, test_sidecar_wrong_code_names_file_and_line);
  tcase_add_loop_test (tc, test_sidecar_rejects_wrong_values, 0,
      G_N_ELEMENTS (sidecar_cases));
  tcase_add_test (tc, test_sidecar_rejects_wrong_documents);
  tcase_add_test (tc, test_sidecar_accepts_extensions);
  suite_add_tcase (s, tc);

  tc = tcase_create ("schema");
  tcase_add_checked_fixture (tc, setup_registry, teardown_registry);
  tcase_add_test (tc, test_sidecar_files_validate_against_schema);
  tcase_add_test (tc, test_sidecar_schema_rejects_what_the_reader_rejects);
  suite_add_tcase (s, tc);

  tc = tcase_create ("safety");
  tcase_add_checked_fixture (tc, setup_registry, teardown_registry);
  tcase_add_test (tc, test_metadata_unknown_root_is_unknown_format);
  tcase_add_test (tc, test_metadata_refuses_external_entity);
  tcase_add_test (tc, test_metadata_refuses_billion_laughs);
  tcase_add_test (tc, test_metadata_refuses_oversized_file);
  tcase_add_test (tc, test_metadata_malformed_names_line);
  tcase_add_test (tc, test_metadata_guidance_text_capped);
  tcase_add_test (tc, test_metadata_text_cap_is_shared);
  tcase_add_test (tc, test_ebucore_part_times_range_checked);
  tcase_add_test (tc, test_metadata_messages_cut_values);
  tcase_add_test (tc, test_metadata_non_regular_files_refused);
  tcase_add_test (tc, test_metadata_refuses_attlist_and_xinclude);
  suite_add_tcase (s, tc);

  if (corpus) {
    tc = tcase_create ("corpus");
    tcase_add_checked_fixture (tc, setup_registry, teardown_registry);
    tcase_add_test (tc, test_cpl_corpus_files_read);
    suite_add_tcase (s, tc);
  }
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (metadata_suite (ws_test_corpus_present ()));
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
