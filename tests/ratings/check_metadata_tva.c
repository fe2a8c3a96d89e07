/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tests for the TV-Anytime and DVB-I service list readers
 * (ratings/ws-metadata-tva.c): authored files in tests/files/tva/, documents
 * built in memory, and every file of the real corpus in
 * $WS_CORPUS_DIR/tva/ with its expected ratings and validity.
 *
 * When the corpus is missing the other tests still run and the program
 * exits 77 (skipped) if they pass, unless WS_REQUIRE_CORPUS=1. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws-error.h"
#include "ws-metadata.h"
#include "ws-rating-system.h"

/* minimum_age of an expected rating: "what the registry says for
 * system:code" (the registry's data is tested elsewhere). */
#define AGE_OF_CODE (-100)

typedef struct {
  const char *lang;
  const char *length;
  const char *text;
} ExpText;

typedef struct {
  const char *programme;
  const char *territory;
  const char *system; /* NULL: unresolved */
  const char *code;
  int minimum_age;
  const char *source_code;
  const char *descriptors; /* comma-separated; "" = none */
  ExpText texts[4];
} ExpRating;

static WsRatingRegistry *reg;

static void
registry_setup (void)
{
  GError *error = NULL;

  reg = ws_rating_registry_new (NULL, &error);
  if (reg == NULL)
    ck_abort_msg ("cannot load the rating systems: %s", error->message);
}

static void
registry_teardown (void)
{
  ws_rating_registry_free (reg);
  reg = NULL;
}

static char *
test_file (const char *name)
{
  const char *dir = g_getenv ("WS_TEST_FILES");

  ck_assert_msg (dir != NULL, "WS_TEST_FILES is not set (run via meson)");
  return g_build_filename (dir, "tva", name, NULL);
}

static WsMetadata *
read_test_file (const char *name)
{
  GError *error = NULL;
  char *path = test_file (name);
  WsMetadata *md = ws_metadata_read_file (path, reg, &error);

  ck_assert_msg (md != NULL, "%s: %s", path, error ? error->message : "?");
  g_free (path);
  return md;
}

static WsMetadata *
read_xml (const char *xml)
{
  GError *error = NULL;
  WsMetadata *md = ws_metadata_read_memory (xml, strlen (xml), "test.xml", reg,
      &error);

  ck_assert_msg (md != NULL, "%s", error ? error->message : "?");
  return md;
}

static guint
count_findings (const WsMetadata *md, gboolean invalid)
{
  guint n = 0;

  for (guint i = 0; i < md->warnings->len; i++) {
    const WsMetadataWarning *w = g_ptr_array_index (md->warnings, i);

    n += w->invalid == invalid;
  }
  return n;
}

/* The finding whose message contains @needle (and is a violation when
 * @invalid), or NULL. */
static const WsMetadataWarning *
find_finding (const WsMetadata *md, const char *needle, gboolean invalid)
{
  for (guint i = 0; i < md->warnings->len; i++) {
    const WsMetadataWarning *w = g_ptr_array_index (md->warnings, i);

    if (w->invalid == invalid && strstr (w->message, needle) != NULL)
      return w;
  }
  return NULL;
}

static void
assert_finding (const WsMetadata *md, const char *needle, gboolean invalid,
    int line)
{
  const WsMetadataWarning *w = find_finding (md, needle, invalid);

  ck_assert_msg (w != NULL, "%s: no %s containing \"%s\"", md->path,
      invalid ? "violation" : "warning", needle);
  if (line > 0)
    ck_assert_int_eq (w->line, line);
}

static char *
join_descriptors (const WsRating *r)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < r->descriptors->len; i++) {
    if (i > 0)
      g_string_append_c (s, ',');
    g_string_append (s, g_ptr_array_index (r->descriptors, i));
  }
  return g_string_free (s, FALSE);
}

static void
assert_rating (const char *where, guint index, const WsRating *r,
    const ExpRating *e)
{
  char *desc = join_descriptors (r);
  guint n_texts = 0;

  ck_assert_msg (g_strcmp0 (r->programme, e->programme) == 0,
      "%s rating %u: programme %s, expected %s", where, index, r->programme,
      e->programme);
  ck_assert_msg (g_strcmp0 (r->territory, e->territory) == 0,
      "%s rating %u: territory %s, expected %s", where, index, r->territory,
      e->territory);
  ck_assert_msg (g_strcmp0 (r->system, e->system) == 0 &&
                     g_strcmp0 (r->code, e->code) == 0,
      "%s rating %u: %s:%s, expected %s:%s", where, index, r->system, r->code,
      e->system, e->code);
  if (e->minimum_age == AGE_OF_CODE) {
    char *name = g_strdup_printf ("%s:%s", e->system, e->code);
    const WsRatingDef *def = ws_rating_registry_parse (reg, name, NULL);

    ck_assert_msg (def != NULL, "%s is not in the registry", name);
    ck_assert_int_eq (r->minimum_age, ws_rating_def_get_minimum_age (def));
    g_free (name);
  } else {
    ck_assert_msg (r->minimum_age == e->minimum_age,
        "%s rating %u: minimum age %d, expected %d", where, index,
        r->minimum_age, e->minimum_age);
  }
  ck_assert_msg (g_strcmp0 (r->source_code, e->source_code) == 0,
      "%s rating %u: source code %s, expected %s", where, index, r->source_code,
      e->source_code);
  ck_assert_msg (strcmp (desc, e->descriptors) == 0,
      "%s rating %u: descriptors [%s], expected [%s]", where, index, desc,
      e->descriptors);
  while (n_texts < G_N_ELEMENTS (e->texts) && e->texts[n_texts].text)
    n_texts++;
  ck_assert_msg (r->texts->len == n_texts,
      "%s rating %u: %u texts, "
      "expected %u",
      where, index, r->texts->len, n_texts);
  for (guint i = 0; i < n_texts; i++) {
    const WsGuidanceText *t = g_ptr_array_index (r->texts, i);

    ck_assert_msg (g_strcmp0 (t->lang, e->texts[i].lang) == 0 &&
                       g_strcmp0 (t->length, e->texts[i].length) == 0 &&
                       g_strcmp0 (t->text, e->texts[i].text) == 0,
        "%s rating %u text %u: {%s, %s, %s}, expected {%s, %s, %s}", where,
        index, i, t->lang, t->length, t->text, e->texts[i].lang,
        e->texts[i].length, e->texts[i].text);
  }
  ck_assert_ptr_nonnull (r->element);
  ck_assert_int_gt (r->line, 0);
  ck_assert_int_eq (r->start_ns, -1);
  ck_assert_int_eq (r->end_ns, -1);
  g_free (desc);
}

static void
assert_ratings (const WsMetadata *md, const ExpRating *exp, guint n)
{
  ck_assert_msg (md->ratings->len == n, "%s: %u ratings, expected %u", md->path,
      md->ratings->len, n);
  for (guint i = 0; i < n; i++)
    assert_rating (md->path, i, g_ptr_array_index (md->ratings, i), &exp[i]);
}

#define ASSERT_RATINGS(md, exp) assert_ratings ((md), (exp), G_N_ELEMENTS (exp))

/* ---- authored files ------------------------------------------------------ */

START_TEST (test_metadata_tva_minimum_age_only)
{
  static const ExpRating exp[] = {
    { "crid://watershed.example/minage/1", NULL, "dvb", "15", 15, "15", "" },
  };
  WsMetadata *md = read_test_file ("tva-2019-minimumage-only.xml");
  const WsRating *r;

  ck_assert_int_eq (md->format, WS_METADATA_FORMAT_TVA);
  ck_assert_str_eq (ws_metadata_format_to_string (md->format), "tva");
  ASSERT_RATINGS (md, exp);
  r = g_ptr_array_index (md->ratings, 0);
  ck_assert_str_eq (r->source_system, "mpeg7:MinimumAge");
  ck_assert_str_eq (r->element, "MinimumAge");
  ck_assert_int_eq (r->line, 12);
  /* One programme: its main title without a language of its own. */
  ck_assert_str_eq (md->title, "Harbour Lights");
  ck_assert_uint_eq (md->warnings->len, 0);
  ck_assert (ws_metadata_is_valid (md));
  ws_metadata_free (md);
}
END_TEST

START_TEST (test_metadata_tva_parental_rating_schemes_resolve)
{
  static const ExpRating exp[] = {
    { "crid://watershed.example/scheme/dvb", NULL, "dvb", "15", 15, "15", "" },
    { "crid://watershed.example/scheme/dvb", NULL, "bbfc", "15", AGE_OF_CODE,
        "19.1.5", "", { { "en", "long", "Strong language." } } },
    { "crid://watershed.example/scheme/fvc", NULL, "dvb", "12", 12, "12", "" },
    { "crid://watershed.example/scheme/fvc", NULL, "fvc", "twelve", AGE_OF_CODE,
        "twelve", "",
        { { "en", "long", "Moderate violence." },
            { "cy", "long", "Trais cymedrol." } } },
    { "crid://watershed.example/scheme/dtg-bbfc", NULL, "dvb", "8", 8, "8",
        "" },
    { "crid://watershed.example/scheme/dtg-bbfc", NULL, "bbfc", "PG",
        AGE_OF_CODE, "PG", "" },
    { "crid://watershed.example/scheme/de", "DE", "dvb", "16", 16, "16", "" },
    { "crid://watershed.example/scheme/de", "DE", "fsk", "16", AGE_OF_CODE,
        "10.1.4", "" },
    /* ContentAlertCS 6.6.3 (language) joins the age rating with its text. */
    { "crid://watershed.example/scheme/alert", NULL, "dvb", "12", 12, "12",
        "language", { { "en", "long", "Frequent swearing." } } },
    /* DTG ContentWarningCS W (watershed) likewise. */
    { "crid://watershed.example/scheme/dtg-warning", NULL, "dvb", "16", 16,
        "16", "watershed", { { "en", "long", "Adult humour." } } },
  };
  WsMetadata *md = read_test_file ("tva-2024-schemes.xml");

  ASSERT_RATINGS (md, exp);
  ck_assert_str_eq (((WsRating *) g_ptr_array_index (md->ratings, 1))
                        ->source_system,
      "urn:dvb:metadata:cs:ParentalGuidanceCS:2007");
  ck_assert_str_eq (((WsRating *) g_ptr_array_index (md->ratings, 3))
                        ->source_system,
      "urn:fvc:metadata:cs:ContentRatingCS:2014-07");
  /* Six programmes: no single title. */
  ck_assert_ptr_null (md->title);
  ck_assert_uint_eq (md->warnings->len, 0);
  ck_assert (ws_metadata_is_valid (md));
  ws_metadata_free (md);
}
END_TEST

START_TEST (test_metadata_tva_schedule_event_ratings_kept_once)
{
  static const ExpRating exp[] = {
    { "crid://watershed.example/sched/film", NULL, "dvb", "18", 18, "18", "" },
    /* GroupInformation: the group CRID is the programme. */
    { "crid://watershed.example/sched/series", NULL, "dvb", "12", 12, "12",
        "" },
    /* Three events (ScheduleEvent twice, BroadcastEvent) with the same
     * InstanceDescription rating; the film event repeats the programme's. */
    { "crid://watershed.example/sched/news", NULL, "dvb", "7", 7, "7", "" },
    { "crid://watershed.example/sched/film", "DE", "dvb", "16", 16, "16", "" },
  };
  WsMetadata *md = read_test_file ("tva-2019-schedule-events.xml");

  ASSERT_RATINGS (md, exp);
  ck_assert_int_eq (((WsRating *) g_ptr_array_index (md->ratings, 2))->line,
      40);
  ck_assert_uint_eq (md->warnings->len, 0);
  ck_assert (ws_metadata_is_valid (md));
  ws_metadata_free (md);
}
END_TEST

START_TEST (test_metadata_tva_country_codes_one_rating_each)
{
  static const ExpRating exp[] = {
    { "crid://watershed.example/cc/1", NULL, "dvb", "15", 15, "15", "",
        { { "en", "long", "Violence." } } },
    { "crid://watershed.example/cc/1", "GB", "dvb", "12", 12, "12", "" },
    { "crid://watershed.example/cc/1", "IE", "dvb", "12", 12, "12", "" },
    { "crid://watershed.example/cc/1", "DE", "dvb", "16", 16, "16", "" },
    { "crid://watershed.example/cc/1", "AT", "dvb", "16", 16, "16", "" },
    { "crid://watershed.example/cc/1", "CH", "dvb", "16", 16, "16", "" },
    { "crid://watershed.example/cc/1", "GB", "bbfc", "12", AGE_OF_CODE,
        "19.1.4", "", { { "en", "long", "Moderate violence." } } },
    { "crid://watershed.example/cc/1", "NL", "dvb", "14", 14, "14", "" },
  };
  WsMetadata *md = read_test_file ("tva-2023-countrycodes.xml");
  const WsRating *r;

  ASSERT_RATINGS (md, exp);
  ck_assert_str_eq (md->title, "Border Crossing");
  ck_assert (ws_metadata_is_valid (md));
  ck_assert_uint_eq (md->warnings->len, 0);

  /* Picking per territory: alpha-3 and alpha-2 both work. */
  r = ws_metadata_pick (md, "DEU", "dvb");
  ck_assert_str_eq (r->territory, "DE");
  ck_assert_str_eq (r->code, "16");
  r = ws_metadata_pick (md, "ie", NULL);
  ck_assert_str_eq (r->territory, "IE");
  ck_assert_str_eq (r->code, "12");
  r = ws_metadata_pick (md, "GB", "bbfc");
  ck_assert_str_eq (r->system, "bbfc");
  r = ws_metadata_pick (md, "US", NULL);
  ck_assert_ptr_null (r->territory);
  ck_assert_str_eq (r->code, "15");
  ws_metadata_free (md);
}
END_TEST

static const ExpRating plain_tva_ratings[] = {
  { "crid://watershed.example/plain/a", NULL, "dvb", "12", 12, "12", "",
      { { "en", "short", "Mild peril." } } },
  { "crid://watershed.example/plain/a", NULL, "bbfc", "12", AGE_OF_CODE,
      "19.1.4", "" },
  { "crid://watershed.example/plain/b", NULL, "fvc", "eighteen", AGE_OF_CODE,
      "eighteen", "" },
  { "crid://watershed.example/plain/c", NULL, "dvb", "12", 12, "12", "" },
  /* A content alert for France on top of the default rating: France gets
   * its own copy of the default rating, with the descriptor and text. */
  { "crid://watershed.example/plain/c", "FR", "dvb", "12", 12, "12", "violence",
      { { "fr", "long", "Violence réaliste." } } },
  /* MinimumAge 0: the least restrictive DVB rating at least as strict. */
  { "crid://watershed.example/plain/d", NULL, "dvb", "4", 4, "0", "" },
};

START_TEST (test_metadata_tva_2007_namespace_plain_tva_rules)
{
  WsMetadata *md = read_test_file ("tva-2007-plain-tva.xml");

  ASSERT_RATINGS (md, plain_tva_ratings);
  /* Valid TV-Anytime: only the age-0 reading is worth a (plain) warning. */
  ck_assert (ws_metadata_is_valid (md));
  ck_assert_uint_eq (count_findings (md, TRUE), 0);
  ck_assert_uint_eq (count_findings (md, FALSE), 1);
  assert_finding (md, "MinimumAge 0 is below the DVB range", FALSE, 47);
  ws_metadata_free (md);
}
END_TEST

START_TEST (test_metadata_tva_2019_namespace_applies_dvbi_profile)
{
  char *path = test_file ("tva-2007-plain-tva.xml");
  char *xml = NULL, **parts, *xml2019;
  WsMetadata *md;

  ck_assert (g_file_get_contents (path, &xml, NULL, NULL));
  parts = g_strsplit (xml, "urn:tva:metadata:2007", -1);
  xml2019 = g_strjoinv ("urn:tva:metadata:2019", parts);
  md = read_xml (xml2019);

  /* The same ratings... */
  ASSERT_RATINGS (md, plain_tva_ratings);
  /* ...but four DVB-I rules are broken. */
  ck_assert (!ws_metadata_is_valid (md));
  ck_assert_uint_eq (count_findings (md, TRUE), 4);
  assert_finding (md, "length=\"short\": DVB-I allows only", TRUE, 15);
  assert_finding (md,
      "first ParentalGuidance for the default country must "
      "hold mpeg7:MinimumAge",
      TRUE, 25);
  assert_finding (md, "first ParentalGuidance for FR must hold", TRUE, 36);
  assert_finding (md,
      "MinimumAge 0 is below the DVB range 4-18; DVB-I "
      "allows 4 to 18, or 255",
      TRUE, 47);
  ws_metadata_free (md);
  g_free (xml2019);
  g_strfreev (parts);
  g_free (xml);
  g_free (path);
}
END_TEST

START_TEST (test_metadata_tva_minimum_age_255_takes_scheme_rating)
{
  static const ExpRating exp[] = {
    { "crid://watershed.example/see/1", NULL, "fvc", "eighteen", AGE_OF_CODE,
        "eighteen", "", { { "en", "long", "Strong sex." } } },
    /* The 255 ParentalGuidance's own text moves to the scheme rating. */
    { "crid://watershed.example/see/2", NULL, "bbfc", "18", AGE_OF_CODE,
        "19.1.6", "", { { "en", "long", "See the classification." } } },
  };
  WsMetadata *md = read_test_file ("tva-2024-minimumage-255.xml");

  ASSERT_RATINGS (md, exp);
  ck_assert_uint_eq (md->warnings->len, 0);
  ck_assert (ws_metadata_is_valid (md));
  ws_metadata_free (md);
}
END_TEST

START_TEST (test_metadata_tva_dirty_read_leniently)
{
  static const ExpRating exp[] = {
    { "crid://watershed.example/dirty/1", NULL, NULL, NULL, -1, "fifteen", "" },
    { "crid://watershed.example/dirty/1", NULL, NULL, NULL, -1, "X", "" },
    /* Above 18: the age is kept, with no rating system. */
    { "crid://watershed.example/dirty/2", NULL, NULL, NULL, 21, "21", "" },
    /* AUK and the DVB group 901 leave no country: kept for every territory. */
    { "crid://watershed.example/dirty/2", NULL, "dvb", "12", 12, "12", "" },
    { "crid://watershed.example/dirty/2", NULL, "dvb", "14", 14, "14", "" },
    { "crid://watershed.example/dirty/2", "GB", "dvb", "9", 9, "9", "" },
    { "crid://watershed.example/dirty/2", "FR", "dvb", "9", 9, "9", "" },
    { "crid://watershed.example/dirty/3", NULL, "dvb", "16", 16, "16", "",
        { { "en", "long",
            "This programme contains scenes of strong violence, frequent "
            "strong language, drug misuse, sexual threat and sustained "
            "menace that some viewers may find very upsetting." } } },
    { "crid://watershed.example/dirty/3", NULL, "dvb", "18", 18, "18", "" },
    /* No @href: the mpeg7:Name is the only clue. */
    { "crid://watershed.example/dirty/3", NULL, NULL, NULL, -1, "15", "" },
    /* 255 and no ParentalRating at all: unrated. */
    { "crid://watershed.example/dirty/4", NULL, NULL, NULL, -1, "255", "" },
  };
  WsMetadata *md = read_test_file ("tva-2024-dirty-INVALID.xml");

  ASSERT_RATINGS (md, exp);
  ck_assert (!ws_metadata_is_valid (md));
  assert_finding (md, "MinimumAge \"fifteen\" is not a whole number", TRUE, 13);
  assert_finding (md, "holds neither mpeg7:MinimumAge nor", TRUE, 15);
  assert_finding (md,
      "\"urn:example:cs:HouseRatingCS:2020:X\" is not a "
      "rating term",
      FALSE, 17);
  assert_finding (md, "MinimumAge 21 is above the DVB range", TRUE, 25);
  assert_finding (md, "\"AUK\" is not an ISO 3166 country code", TRUE, 29);
  assert_finding (md, "\"901\" is a DVB country group", TRUE, 33);
  assert_finding (md, "kept without a territory", FALSE, 29);
  assert_finding (md, "\"gbr\" read as GB", TRUE, 37);
  assert_finding (md,
      "ExplanatoryText has 167 characters: DVB-I allows at "
      "most 160",
      TRUE, 46);
  assert_finding (md, "a second MinimumAge for the default country", TRUE, 49);
  assert_finding (md, "ParentalRating has no @href", TRUE, 52);
  assert_finding (md,
      "MinimumAge 255 means the rating is given by a "
      "classification scheme",
      FALSE, 62);
  /* ratings for every territory that disagree: the most restrictive */
  assert_finding (md,
      "rating-conflict: the programme (every territory) has two ratings, "
      "dvb:16",
      FALSE, 0);
  ck_assert_uint_eq (count_findings (md, TRUE), 9);
  ck_assert_uint_eq (count_findings (md, FALSE), 8);
  ws_metadata_free (md);
}
END_TEST

/* ---- documents built in memory ------------------------------------------ */

#define TVA_HEAD                                        \
  "<?xml version=\"1.0\"?>\n"                           \
  "<TVAMain xmlns=\"urn:tva:metadata:2024\" "           \
  "xmlns:mpeg7=\"urn:tva:mpeg7:2008\" xml:lang=\"en\">" \
  "<ProgramDescription>"
#define TVA_TAIL "</ProgramDescription></TVAMain>"

/* A day of one-minute events, all with the same InstanceDescription rating
 * (and the same DVB-I breach): one rating, a handful of listed findings and
 * one summary, not thousands. */
START_TEST (test_metadata_tva_many_events_do_not_explode)
{
  const guint n_events = 1440;
  GString *xml = g_string_new (
      TVA_HEAD "<ProgramLocationTable><Schedule "
               "serviceIDRef=\"tag:watershed.example,2026:s\">");
  const WsMetadataWarning *summary;
  WsMetadata *md;

  for (guint i = 0; i < n_events; i++)
    g_string_append_printf (xml,
        "<ScheduleEvent><Program crid=\"crid://"
        "watershed.example/day/%u\"/><InstanceDescription><ParentalGuidance>"
        "<mpeg7:MinimumAge>18</mpeg7:MinimumAge><ExplanatoryText "
        "length=\"short\">Adults only.</ExplanatoryText></ParentalGuidance>"
        "</InstanceDescription></ScheduleEvent>\n",
        i % 2);
  g_string_append (xml, "</Schedule></ProgramLocationTable>" TVA_TAIL);
  md = read_xml (xml->str);

  ck_assert_uint_eq (md->ratings->len, 2);
  ck_assert_str_eq (((WsRating *) g_ptr_array_index (md->ratings, 0))
                        ->programme,
      "crid://watershed.example/day/0");
  ck_assert_str_eq (((WsRating *) g_ptr_array_index (md->ratings, 1))
                        ->programme,
      "crid://watershed.example/day/1");
  /* Five listed, then one summary of the other 1435. */
  ck_assert_uint_eq (md->warnings->len, 6);
  summary = g_ptr_array_index (md->warnings, 5);
  ck_assert (summary->invalid);
  ck_assert_int_eq (summary->line, 0);
  ck_assert_msg (g_str_has_prefix (summary->message, "1435 more like this"),
      "%s", summary->message);
  ck_assert (!ws_metadata_is_valid (md));
  ws_metadata_free (md);
  g_string_free (xml, TRUE);
}
END_TEST

START_TEST (test_metadata_tva_region_when_no_country_codes)
{
  WsMetadata *md = read_xml (TVA_HEAD
      "<ProgramInformationTable>"
      "<ProgramInformation programId=\"crid://x/1\"><BasicDescription>"
      "<ParentalGuidance><mpeg7:MinimumAge>12</mpeg7:MinimumAge>"
      "<mpeg7:Region>gb</mpeg7:Region><mpeg7:Region>us-ca</mpeg7:Region>"
      "</ParentalGuidance></BasicDescription></ProgramInformation>"
      "</ProgramInformationTable>" TVA_TAIL);

  ck_assert_uint_eq (md->ratings->len, 2);
  ck_assert_str_eq (((WsRating *) g_ptr_array_index (md->ratings, 0))
                        ->territory,
      "GB");
  ck_assert_str_eq (((WsRating *) g_ptr_array_index (md->ratings, 1))
                        ->territory,
      "US");
  ck_assert (ws_metadata_is_valid (md));
  ws_metadata_free (md);
}
END_TEST

START_TEST (test_metadata_tva_content_alert_no_descriptor_terms)
{
  /* 6.1.1 "No sex descriptors" adds nothing; 6.8.2 and 6.9.2 add
   * discrimination and drugs; an unknown alert term is a warning. */
  WsMetadata *md = read_xml (TVA_HEAD
      "<ProgramInformationTable>"
      "<ProgramInformation programId=\"crid://x/1\"><BasicDescription>"
      "<ParentalGuidance><mpeg7:MinimumAge>12</mpeg7:MinimumAge>"
      "<CountryCodes>NLD</CountryCodes></ParentalGuidance>"
      "<ParentalGuidance><mpeg7:ParentalRating href=\"urn:tva:metadata:cs:"
      "ContentAlertCS:2005:6.1.1\"/><CountryCodes>DEU</CountryCodes>"
      "</ParentalGuidance><ParentalGuidance><mpeg7:ParentalRating href=\""
      "urn:tva:metadata:cs:ContentAlertCS:2005:6.8.2\"/><CountryCodes>DEU"
      "</CountryCodes></ParentalGuidance></BasicDescription>"
      "</ProgramInformation>"
      "<ProgramInformation programId=\"crid://x/2\"><BasicDescription>"
      "<ParentalGuidance><mpeg7:MinimumAge>16</mpeg7:MinimumAge>"
      "</ParentalGuidance><ParentalGuidance><mpeg7:ParentalRating "
      "href=\"urn:tva:metadata:cs:ContentAlertCS:2005:6.9.2\"/>"
      "</ParentalGuidance></BasicDescription></ProgramInformation>"
      "<ProgramInformation programId=\"crid://x/3\"><BasicDescription>"
      "<ParentalGuidance><mpeg7:MinimumAge>16</mpeg7:MinimumAge>"
      "</ParentalGuidance><ParentalGuidance><mpeg7:ParentalRating "
      "href=\"urn:tva:metadata:cs:ContentAlertCS:2005:7.1\"/>"
      "</ParentalGuidance></BasicDescription></ProgramInformation>"
      "</ProgramInformationTable>" TVA_TAIL);
  const WsRating *r;

  ck_assert_uint_eq (md->ratings->len, 4);
  r = g_ptr_array_index (md->ratings, 0);
  ck_assert_str_eq (r->territory, "NL");
  /* Germany has only the alert and no rating to join: standalone and
   * unrated (fail closed). Its first ParentalGuidance lacks MinimumAge. */
  r = g_ptr_array_index (md->ratings, 1);
  ck_assert_str_eq (r->territory, "DE");
  ck_assert_ptr_null (r->system);
  ck_assert_int_eq (r->minimum_age, -1);
  /* The second German alert (6.8.2) joins the first. */
  ck_assert_uint_eq (r->descriptors->len, 1);
  ck_assert_str_eq (g_ptr_array_index (r->descriptors, 0), "discrimination");
  assert_finding (md, "a second ParentalRating for DE", TRUE, 0);
  assert_finding (md, "first ParentalGuidance for DE must hold", TRUE, 0);
  assert_finding (md, "is a content warning, not a rating", FALSE, 0);
  r = g_ptr_array_index (md->ratings, 2);
  ck_assert_str_eq (r->programme, "crid://x/2");
  ck_assert_uint_eq (r->descriptors->len, 1);
  ck_assert_str_eq (g_ptr_array_index (r->descriptors, 0), "drugs");
  r = g_ptr_array_index (md->ratings, 3);
  ck_assert_uint_eq (r->descriptors->len, 0);
  assert_finding (md, "is not a term of the TV-Anytime ContentAlertCS", FALSE,
      0);
  ws_metadata_free (md);
}
END_TEST

START_TEST (test_metadata_tva_wrong_namespace_read_with_violation)
{
  /* MinimumAge in the TVA namespace instead of MPEG-7. */
  WsMetadata *md = read_xml (TVA_HEAD
      "<ProgramInformationTable>"
      "<ProgramInformation programId=\"crid://x/1\"><BasicDescription>"
      "<Title>Only</Title><ParentalGuidance><MinimumAge>12</MinimumAge>"
      "</ParentalGuidance></BasicDescription></ProgramInformation>"
      "</ProgramInformationTable>" TVA_TAIL);
  const WsRating *r;

  ck_assert_uint_eq (md->ratings->len, 1);
  r = g_ptr_array_index (md->ratings, 0);
  ck_assert_str_eq (r->code, "12");
  ck_assert_str_eq (md->title, "Only");
  assert_finding (md, "must be in the MPEG-7 namespace", TRUE, 2);
  ws_metadata_free (md);
}
END_TEST

/* ---- DVB-I service lists ------------------------------------------------ */

START_TEST (test_metadata_dvbi_service_list_variants)
{
  static const ExpRating exp[] = {
    { "tag:watershed.example,2026:alpha", NULL, "dvb", "12", 12, "12", "" },
    { "tag:watershed.example,2026:alpha", "DE", "dvb", "16", 16, "16", "" },
    { "tag:watershed.example,2026:alpha", "AT", "dvb", "16", 16, "16", "" },
    { "tag:watershed.example,2026:gamma", "FR", "dvb", "10", 10, "10", "" },
  };
  WsMetadata *md = read_test_file ("dvbi-sl-variants.xml");

  ck_assert_int_eq (md->format, WS_METADATA_FORMAT_DVBI_SERVICE_LIST);
  ck_assert_str_eq (ws_metadata_format_to_string (md->format),
      "dvbi-service-list");
  ASSERT_RATINGS (md, exp);
  ck_assert_str_eq (((WsRating *) g_ptr_array_index (md->ratings, 0))
                        ->source_system,
      "dvbi:MinimumAge");
  ck_assert_ptr_null (md->title);
  ck_assert_uint_eq (md->warnings->len, 0);
  ck_assert (ws_metadata_is_valid (md));
  ws_metadata_free (md);
}
END_TEST

START_TEST (test_metadata_dvbi_service_list_one_service_title)
{
  static const ExpRating exp[] = {
    { "tag:watershed.example,2026:solo", NULL, "dvb", "18", 18, "18", "" },
  };
  WsMetadata *md = read_test_file ("dvbi-sl-one-service.xml");

  ASSERT_RATINGS (md, exp);
  ck_assert_str_eq (md->title, "Solo Movies");
  ck_assert (ws_metadata_is_valid (md));
  ws_metadata_free (md);
}
END_TEST

START_TEST (test_metadata_dvbi_service_list_dirty_read_leniently)
{
  static const ExpRating exp[] = {
    { "tag:watershed.example,2026:dirty", NULL, "dvb", "12", 12, "12", "" },
    { "tag:watershed.example,2026:dirty", NULL, "dvb", "4", 4, "3", "" },
    { "tag:watershed.example,2026:dirty", NULL, "dvb", "10", 10, "10", "" },
    { "tag:watershed.example,2026:dirty", "GB", "dvb", "15", 15, "15", "" },
    { "tag:watershed.example,2026:dirty", "DE", NULL, NULL, -1, "abc", "" },
  };
  WsMetadata *md = read_test_file ("dvbi-sl-dirty-INVALID.xml");

  ASSERT_RATINGS (md, exp);
  ck_assert (!ws_metadata_is_valid (md));
  assert_finding (md, "\"XYZ\" is not an ISO 3166 country code (SL251)", TRUE,
      14);
  assert_finding (md, "MinimumAge 3 is below the DVB range", TRUE, 15);
  assert_finding (md, "without countryCodes (SL253)", TRUE, 16);
  assert_finding (md, "\"gbr\" read as GB", TRUE, 17);
  assert_finding (md, "a second MinimumAge for GB in one service (SL252)", TRUE,
      17);
  assert_finding (md, "\"abc\" is not a whole number", TRUE, 18);
  ck_assert_uint_eq (count_findings (md, TRUE), 6);
  ws_metadata_free (md);
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

START_TEST (test_metadata_tva_malformed_is_an_error)
{
  static const char xml[] = TVA_HEAD "<ProgramInformationTable>";
  GError *error = NULL;
  WsMetadata *md = ws_metadata_read_memory (xml, strlen (xml), "cut.xml", reg,
      &error);

  ck_assert_ptr_null (md);
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_MALFORMED));
  ck_assert_msg (g_str_has_prefix (error->message, "cut.xml:"), "%s",
      error->message);
  g_error_free (error);
}
END_TEST

START_TEST (test_metadata_tva_no_rating_is_a_warning)
{
  WsMetadata *md = read_xml (
      TVA_HEAD "<ProgramInformationTable>"
               "<ProgramInformation programId=\"crid://x/1\"><BasicDescription>"
               "<Title>Nothing</Title></BasicDescription></ProgramInformation>"
               "</ProgramInformationTable>" TVA_TAIL);

  ck_assert_uint_eq (md->ratings->len, 0);
  ck_assert_uint_eq (md->warnings->len, 1);
  ck_assert (ws_metadata_is_valid (md));
  ck_assert_str_eq (md->title, "Nothing");
  ws_metadata_free (md);
}
END_TEST

/* ---- the real corpus ---------------------------------------------------- */

typedef struct {
  const char *file;
  gboolean valid;
  const char *why; /* the reason for the expected validity */
  const char *title;
  const ExpRating *ratings;
  guint n_ratings;
  const char *finding; /* a finding that must be there, or NULL */
} CorpusCase;

#define C_RATINGS(a) a, G_N_ELEMENTS (a)

#define REFCLIENT_EN "Contains strong language and flash photography"
#define REFCLIENT_ZH                                                         \
  "\xe5\x8c\x85\xe5\x90\xab\xe5\xbc\xba\xe7\x83\x88\xe7\x9a\x84\xe8\xaf\xad" \
  "\xe8\xa8\x80\xe5\x92\x8c\xe9\x97\xaa\xe5\x85\x89\xe6\x91\x84\xe5\xbd\xb1"

static const ExpRating cgsid_3[] = {
  { "crid://dvbi-reference/example.3.12024310", NULL, "dvb", "15", 15, "15",
      "" },
  { "crid://dvbi-reference/example.3.12024310", NULL, "fvc", "fifteen",
      AGE_OF_CODE, "fifteen", "",
      { { "en", "long", REFCLIENT_EN }, { "zh", "long", REFCLIENT_ZH } } },
};

static const ExpRating parental_1[] = {
  { "crid://dvbi-reference/parental.18.1", NULL, "dvb", "18", 18, "18", "" },
};

static const ExpRating sl_duplicate[] = {
  { "tag:dvb.org,2026:playlist:1", "GB", "dvb", "12", 12, "12", "" },
  { "tag:dvb.org,2026:playlist:1", "FR", "dvb", "18", 18, "18", "" },
  { "tag:dvb.org,2026:playlist:1", "GB", "dvb", "18", 18, "18", "" },
};

static const ExpRating sl_valid[] = {
  { "tag:dvb.org,2026:playlist:1", "GB", "dvb", "16", 16, "16", "" },
  { "tag:dvb.org,2026:playlist:1", "FR", "dvb", "18", 18, "18", "" },
  { "tag:dvb.org,2026:playlist:1", "DE", "dvb", "18", 18, "18", "" },
};

static const ExpRating bscontents[] = {
  { "crid://mybroadcaster.co.uk/mdata/episode/b00jd8gp", NULL, NULL, NULL, -1,
      "255", "watershed",
      { { "en", "long", "Contains some strong language." } } },
};

static const ExpRating cg_dtg_warning[] = {
  { "crid://example/12019073", NULL, "dvb", "12", 12, "12", "watershed" },
};

#define CG_TEXT "contains teenage relevant material"
static const ExpRating cg_lengths[] = {
  { "crid://example/12019073", NULL, "dvb", "12", 12, "12", "",
      { { "en", "short", CG_TEXT }, { "en", "medium", CG_TEXT },
          { "en", "long", CG_TEXT }, { "en", "long", CG_TEXT } } },
};

static const ExpRating cg_no_length[] = {
  { "crid://example/12019073", NULL, "dvb", "12", 12, "12", "",
      { { "en", NULL, CG_TEXT } } },
};

static const ExpRating cg_fvc[] = {
  { "crid://example/12019073", NULL, "dvb", "12", 12, "12", "" },
  { "crid://example/12019073", NULL, "fvc", "no_parental_controls", AGE_OF_CODE,
      "no_parental_controls", "" },
};

static const ExpRating cg_countries[] = {
  { "crid://example/12019073", "NZ", "dvb", "12", 12, "12", "" },
};

static const ExpRating cg_age_only[] = {
  { "crid://example/12019073", NULL, "dvb", "12", 12, "12", "" },
};

static const ExpRating cg_no_age[] = {
  { "crid://example/12019073", NULL, "acb", "PG", AGE_OF_CODE, "1.1.3", "" },
};

static const ExpRating dpi_foreign[] = {
  { "crid://channel7.co.uk/b01myjsy", NULL, "dvb", "15", 15, "15", "" },
  { "crid://channel7.co.uk/b01myjsy", NULL, "fvc", "fifteen", AGE_OF_CODE,
      "fifteen", "", { { "en", "long", REFCLIENT_EN } } },
};

static const ExpRating dpi_no_age[] = {
  { "crid://channel7.co.uk/b01myjsy", NULL, "bbfc", "15", AGE_OF_CODE, "19.1.5",
      "", { { "en", "long", REFCLIENT_EN } } },
};

static const ExpRating extended[] = {
  { "crid://channel7.co.uk/b01myjsy", NULL, "dvb", "15", 15, "15", "" },
  { "crid://channel7.co.uk/b01myjsy", NULL, "fvc", "fifteen", AGE_OF_CODE,
      "fifteen", "",
      { { "en", "long", REFCLIENT_EN }, { "zh", "long", REFCLIENT_ZH } } },
};

static const ExpRating nownext[] = {
  { "crid://channel7.co.uk/b01myjsy", NULL, "dvb", "15", 15, "15", "" },
  { "crid://channel7.co.uk/b01myjsy", NULL, "fvc", "fifteen", AGE_OF_CODE,
      "fifteen", "",
      { { "en", "long", REFCLIENT_EN }, { "zh", "long", REFCLIENT_ZH } } },
  { "crid://channel7.co.uk/b03bhc3n", NULL, "dvb", "4", 4, "0", "" },
  { "crid://channel7.co.uk/b03bhc3n", NULL, "fvc", "no_parental_controls",
      AGE_OF_CODE, "no_parental_controls", "",
      { { "en", "long", "Contains scenes of violence and strong language." },
          { "zh", "long", REFCLIENT_ZH } } },
};

/* Every file of corpus/tva (SOURCES.md says where each comes from). A
 * file named *-INVALID* is a negative test upstream; the others are valid
 * unless SOURCES.md says they break the DVB-I profile. */
static const CorpusCase corpus_cases[] = {
  { "dvbi-refclient-schedule-cgsid_3.xml", TRUE,
      "DVB-I reference client schedule; MinimumAge 15 + FVC fifteen, long "
      "texts (the DATE_TEMPLATE placeholders do not touch ratings)",
      NULL, C_RATINGS (cgsid_3), NULL },
  { "dvbi-refclient-schedule-parental-1.xml", TRUE,
      "1440 ScheduleEvents over two programmes, only one rated (MinimumAge "
      "18): exactly one rating",
      NULL, C_RATINGS (parental_1), NULL },
  { "dvbi-servicelist-parentalrating-duplicate-country-INVALID.xml", FALSE,
      "upstream expects SL252: GBR in two MinimumAge of one service",
      "DASH playlist", C_RATINGS (sl_duplicate), "(SL252)" },
  { "dvbi-servicelist-parentalrating-minimumage-countrycodes.xml", TRUE,
      "upstream expects no errors", "DASH playlist", C_RATINGS (sl_valid),
      NULL },
  { "tva-bscontents-foreign-rating.xml", TRUE,
      "MinimumAge 255 (allowed) + DTG W with ExplanatoryText; upstream "
      "expects only the foreign-scheme warning BD033-23",
      NULL, C_RATINGS (bscontents), "MinimumAge 255 means" },
  { "tva-cg-parentalguidance-dtg-contentwarning-no-explanatorytext-INVALID.xml",
      FALSE, "upstream BD014-24: DTG ContentWarningCS without ExplanatoryText",
      NULL, C_RATINGS (cg_dtg_warning), "needs ExplanatoryText" },
  { "tva-cg-parentalguidance-explanatorytext-lengths.xml", FALSE,
      "not named INVALID, but SOURCES.md: invalid under the DVB-I profile "
      "(BD014-31 x2 for short/medium, BD014-50-2 duplicate long/en)",
      NULL, C_RATINGS (cg_lengths), "DVB-I allows only length=\"long\"" },
  { "tva-cg-parentalguidance-explanatorytext-no-length-INVALID.xml", FALSE,
      "upstream BD014-30-1: ExplanatoryText without @length", NULL,
      C_RATINGS (cg_no_length), "has no @length" },
  { "tva-cg-parentalguidance-fvc-contentratingcs.xml", TRUE,
      "upstream expects only the foreign-scheme warning BD014-23", NULL,
      C_RATINGS (cg_fvc), NULL },
  { "tva-cg-parentalguidance-invalid-countrycodes-INVALID.xml", FALSE,
      "upstream BD014-5: AUK is not an ISO 3166 code (NZL is read)", NULL,
      C_RATINGS (cg_countries), "\"AUK\" is not an ISO 3166" },
  { "tva-cg-parentalguidance-minimumage-only.xml", TRUE,
      "upstream expects no errors", NULL, C_RATINGS (cg_age_only), NULL },
  { "tva-cg-parentalguidance-no-minimumage-INVALID.xml", FALSE,
      "upstream BD014-60: no MinimumAge for the default country", NULL,
      C_RATINGS (cg_no_age), "must hold mpeg7:MinimumAge" },
  { "tva-dpi-parentalrating-foreign.xml", TRUE,
      "upstream expects only the foreign-scheme warning BD025-23",
      "Bargain Hunt", C_RATINGS (dpi_foreign), NULL },
  { "tva-dpi-parentalrating-no-age-INVALID.xml", FALSE,
      "upstream BD025-60: ParentalGuidanceCS 19.1.5 with no MinimumAge",
      "Bargain Hunt", C_RATINGS (dpi_no_age), "must hold mpeg7:MinimumAge" },
  { "tva-dvbi-extended-program-information.xml", TRUE,
      "MinimumAge 15 + FVC fifteen with long en/zh texts (its schema error "
      "is in a ScheduleEvent, not the rating)",
      "Bargain Hunt", C_RATINGS (extended), NULL },
  { "tva-dvbi-nownext-parentalguidance.xml", FALSE,
      "not named INVALID, but SOURCES.md: MinimumAge 0 is outside the DVB-I "
      "range 4-18/255 (A177 table 61, dvb-i-tools BD014-12)",
      NULL, C_RATINGS (nownext), "MinimumAge 0 is below the DVB range" },
};

static const char *
corpus_dir (void)
{
  return g_getenv ("WS_CORPUS_DIR");
}

static gboolean
corpus_present (void)
{
  const char *dir = corpus_dir ();
  char *tva;
  gboolean ok;

  if (dir == NULL)
    return FALSE;
  tva = g_build_filename (dir, "tva", NULL);
  ok = g_file_test (tva, G_FILE_TEST_IS_DIR);
  g_free (tva);
  return ok;
}

START_TEST (test_metadata_tva_corpus_file)
{
  const CorpusCase *c = &corpus_cases[_i];
  char *path = g_build_filename (corpus_dir (), "tva", c->file, NULL);
  GError *error = NULL;
  WsMetadata *md = ws_metadata_read_file (path, reg, &error);

  ck_assert_msg (md != NULL, "%s: %s", path, error ? error->message : "?");
  assert_ratings (md, c->ratings, c->n_ratings);
  ck_assert_msg (ws_metadata_is_valid (md) == c->valid, "%s: expected %s (%s)",
      c->file, c->valid ? "valid" : "invalid", c->why);
  ck_assert_msg (g_strcmp0 (md->title, c->title) == 0,
      "%s: title %s, expected %s", c->file, md->title, c->title);
  if (c->finding != NULL)
    ck_assert_msg (find_finding (md, c->finding, !c->valid) != NULL,
        "%s: no %s containing \"%s\"", c->file,
        c->valid ? "warning" : "violation", c->finding);
  /* A negative file's name says so; the rest are invalid only for reasons
   * the table gives. */
  if (strstr (c->file, "-INVALID") != NULL)
    ck_assert (!c->valid);
  ws_metadata_free (md);
  g_free (path);
}
END_TEST

/* Every corpus XML file (not the xsd/ folder) is in the table. */
START_TEST (test_metadata_tva_corpus_table_covers_every_file)
{
  char *path = g_build_filename (corpus_dir (), "tva", NULL);
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint n = 0;

  ck_assert_ptr_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL) {
    gboolean listed = FALSE;

    if (!g_str_has_suffix (name, ".xml"))
      continue;
    n++;
    for (gsize i = 0; i < G_N_ELEMENTS (corpus_cases); i++)
      listed |= strcmp (corpus_cases[i].file, name) == 0;
    ck_assert_msg (listed, "corpus file tva/%s has no row in corpus_cases",
        name);
  }
  ck_assert_uint_eq (n, G_N_ELEMENTS (corpus_cases));
  g_dir_close (dir);
  g_free (path);
}
END_TEST

static Suite *
metadata_tva_suite (gboolean with_corpus)
{
  Suite *s = suite_create ("metadata_tva");
  TCase *tc;

  tc = tcase_create ("core");
  tcase_add_unchecked_fixture (tc, registry_setup, registry_teardown);
  tcase_add_test (tc, test_metadata_tva_minimum_age_only);
  tcase_add_test (tc, test_metadata_tva_parental_rating_schemes_resolve);
  tcase_add_test (tc, test_metadata_tva_schedule_event_ratings_kept_once);
  tcase_add_test (tc, test_metadata_tva_country_codes_one_rating_each);
  tcase_add_test (tc, test_metadata_tva_2007_namespace_plain_tva_rules);
  tcase_add_test (tc, test_metadata_tva_2019_namespace_applies_dvbi_profile);
  tcase_add_test (tc, test_metadata_tva_minimum_age_255_takes_scheme_rating);
  tcase_add_test (tc, test_metadata_tva_region_when_no_country_codes);
  tcase_add_test (tc, test_metadata_tva_content_alert_no_descriptor_terms);
  tcase_add_test (tc, test_metadata_dvbi_service_list_variants);
  tcase_add_test (tc, test_metadata_dvbi_service_list_one_service_title);
  suite_add_tcase (s, tc);

  tc = tcase_create ("limits");
  tcase_add_unchecked_fixture (tc, registry_setup, registry_teardown);
  tcase_add_test (tc, test_metadata_tva_many_events_do_not_explode);
  suite_add_tcase (s, tc);

  tc = tcase_create ("errors");
  tcase_add_unchecked_fixture (tc, registry_setup, registry_teardown);
  tcase_add_test (tc, test_metadata_tva_dirty_read_leniently);
  tcase_add_test (tc, test_metadata_tva_wrong_namespace_read_with_violation);
  tcase_add_test (tc, test_metadata_dvbi_service_list_dirty_read_leniently);
  tcase_add_test (tc, test_metadata_tva_malformed_is_an_error);
  tcase_add_test (tc, test_metadata_tva_no_rating_is_a_warning);
  suite_add_tcase (s, tc);

  if (with_corpus) {
    tc = tcase_create ("corpus");
    tcase_add_unchecked_fixture (tc, registry_setup, registry_teardown);
    tcase_add_test (tc, test_metadata_tva_corpus_table_covers_every_file);
    tcase_add_loop_test (tc, test_metadata_tva_corpus_file, 0,
        G_N_ELEMENTS (corpus_cases));
    suite_add_tcase (s, tc);
  }
  return s;
}

int
main (void)
{
  gboolean with_corpus = corpus_present ();
  gboolean require = g_strcmp0 (g_getenv ("WS_REQUIRE_CORPUS"), "1") == 0;
  SRunner *sr;
  int failed;

  if (!with_corpus && require) {
    fprintf (stderr,
        "check_metadata_tva: WS_REQUIRE_CORPUS=1 but the corpus "
        "(WS_CORPUS_DIR=%s) has no tva/ folder\n",
        corpus_dir () ? corpus_dir () : "(unset)");
    return EXIT_FAILURE;
  }
  sr = srunner_create (metadata_tva_suite (with_corpus));
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  if (failed != 0)
    return EXIT_FAILURE;
  if (!with_corpus) {
    fprintf (stderr, "check_metadata_tva: corpus not found (WS_CORPUS_DIR): "
                     "corpus tests skipped\n");
    return 77;
  }
  return EXIT_SUCCESS;
}
