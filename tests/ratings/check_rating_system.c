/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tests for ratings/ws-rating-system.c and the files in ratings/systems/. */
#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <stdlib.h>
#include <string.h>

#include "ws-config.h"
#include "ws-error.h"
#include "ws-rating-system.h"
#include "ws-xml.h"

#define DVB_CS "urn:dvb:metadata:cs:ParentalGuidanceCS:2007"
#define FVC_CS "urn:fvc:metadata:cs:ContentRatingCS:2014-07"
#define DTG_CS "urn:dtg:cs:BBFCContentRatingCS:2002"
#define CMR "http://www.movielabs.com/md/ratings/"

static const WsRatingRegistry *
registry (void)
{
  GError *error = NULL;
  const WsRatingRegistry *reg = ws_rating_registry_get_default (&error);

  ck_assert_msg (reg != NULL, "default registry: %s",
      error ? error->message : "?");
  return reg;
}

static const WsRatingDef *
parse_ok (const char *text)
{
  GError *error = NULL;
  const WsRatingDef *def = ws_rating_registry_parse (registry (), text, &error);

  ck_assert_msg (def != NULL, "%s: %s", text, error ? error->message : "?");
  return def;
}

static const WsRatingSystem *
system_ok (const char *id)
{
  const WsRatingSystem *sys = ws_rating_registry_lookup_system (registry (),
      id);

  ck_assert_msg (sys != NULL, "no system %s", id);
  return sys;
}

static char *
datadir_path (const char *sub)
{
  const char *dir = g_getenv ("WATERSHED_DATADIR");

  /* meson sets WATERSHED_DATADIR; by hand, use the source tree. */
  if (dir == NULL || dir[0] == '\0')
    dir = WS_SOURCE_DATADIR;
  return g_build_filename (dir, sub, NULL);
}

/* ---- data: the shipped files ------------------------------------------- */

static void
collect_schema_error (void *user_data, const xmlError *e)
{
  GString *s = user_data;

  g_string_append_printf (s, "%s:%d: %s", e->file ? e->file : "?", e->line,
      e->message ? e->message : "?");
}

START_TEST (test_rating_system_files_validate_against_xsd)
{
  char *xsd = datadir_path ("schemas/rating-system.xsd");
  char *dir = datadir_path ("systems");
  xmlSchemaParserCtxtPtr pctxt;
  xmlSchemaPtr schema;
  GDir *d;
  const char *name;
  guint n = 0;

  pctxt = xmlSchemaNewParserCtxt (xsd);
  ck_assert_ptr_nonnull (pctxt);
  schema = xmlSchemaParse (pctxt);
  ck_assert_msg (schema != NULL, "%s does not parse as XSD", xsd);

  d = g_dir_open (dir, 0, NULL);
  ck_assert_ptr_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL) {
    char *path, *expected_id;
    xmlDoc *doc;
    xmlSchemaValidCtxtPtr vctxt;
    GString *errors = g_string_new (NULL);
    GError *error = NULL;
    char *id;
    int rc;

    if (!g_str_has_suffix (name, ".xml"))
      continue;
    path = g_build_filename (dir, name, NULL);
    doc = ws_xml_read_file (path, 0, &error);
    ck_assert_msg (doc != NULL, "%s", error ? error->message : path);
    vctxt = xmlSchemaNewValidCtxt (schema);
    xmlSchemaSetValidStructuredErrors (vctxt,
        (xmlStructuredErrorFunc) collect_schema_error, errors);
    rc = xmlSchemaValidateDoc (vctxt, doc);
    ck_assert_msg (rc == 0, "%s is not valid: %s", path, errors->str);

    /* The file is named after the system id. */
    id = ws_xml_attr (xmlDocGetRootElement (doc), "id", NULL);
    expected_id = g_strndup (name, strlen (name) - 4);
    ck_assert_str_eq (id, expected_id);
    g_free (id);
    g_free (expected_id);

    xmlSchemaFreeValidCtxt (vctxt);
    xmlFreeDoc (doc);
    g_string_free (errors, TRUE);
    g_free (path);
    n++;
  }
  g_dir_close (d);
  ck_assert_uint_ge (n, 18);

  xmlSchemaFree (schema);
  xmlSchemaFreeParserCtxt (pctxt);
  g_free (xsd);
  g_free (dir);
}
END_TEST

START_TEST (test_rating_system_every_rating_has_age_and_ordinal)
{
  const WsRatingRegistry *reg = registry ();
  const char *prev = "";

  ck_assert_uint_ge (ws_rating_registry_get_n_systems (reg), 18);
  for (guint i = 0; i < ws_rating_registry_get_n_systems (reg); i++) {
    const WsRatingSystem *sys = ws_rating_registry_get_system (reg, i);
    const char *id = ws_rating_system_get_id (sys);

    ck_assert_msg (strcmp (prev, id) < 0, "systems not in id order");
    prev = id;
    ck_assert_ptr_nonnull (ws_rating_system_get_name (sys));
    ck_assert_ptr_nonnull (ws_rating_system_get_authority (sys));
    ck_assert_int_eq (strlen (ws_rating_system_get_territory (sys)), 2);
    ck_assert (g_str_has_suffix (ws_rating_system_get_path (sys), ".xml"));
    ck_assert_uint_gt (ws_rating_system_get_n_ratings (sys), 0);
    for (guint j = 0; j < ws_rating_system_get_n_ratings (sys); j++) {
      const WsRatingDef *r = ws_rating_system_get_rating (sys, j);
      WsRatingKind kind = ws_rating_def_get_kind (r);
      int age = ws_rating_def_get_minimum_age (r);
      char *name = g_strdup_printf ("%s:%s", id, ws_rating_def_get_code (r));

      ck_assert_uint_eq (ws_rating_def_get_ordinal (r), j);
      ck_assert_ptr_eq (ws_rating_def_get_system (r), sys);
      ck_assert_str_eq (ws_rating_def_get_name (r), name);
      ck_assert_ptr_nonnull (ws_rating_def_get_label (r));
      ck_assert_ptr_nonnull (ws_rating_def_get_badge (r));
      if (kind == WS_RATING_KIND_UNRATED || kind == WS_RATING_KIND_REFUSED)
        ck_assert_int_eq (age, -1);
      else
        ck_assert_msg (age >= 0 && age <= 21, "%s has age %d", name, age);
      /* Every code parses back to itself. */
      ck_assert_ptr_eq (parse_ok (name), r);
      g_free (name);
    }
    ck_assert_ptr_null (ws_rating_system_get_rating (sys,
        ws_rating_system_get_n_ratings (sys)));
  }
  ck_assert_ptr_null (ws_rating_registry_get_system (reg,
      ws_rating_registry_get_n_systems (reg)));
}
END_TEST

/* The identifiers contract (DESIGN.md 3): codes in order with their ages;
 * -1 = unrated/refused. */
typedef struct {
  const char *id;
  const char *codes; /* space separated */
  const int ages[20];
} ContractRow;

static const ContractRow contract[] = {
  { "bbfc", "U PG 12A 12 15 18 R18 NR", { 0, 8, 12, 12, 15, 18, 18, -1 } },
  { "mpa", "G PG PG-13 R NC-17 NR", { 0, 0, 13, 17, 18, -1 } },
  { "us-tv", "TV-Y TV-Y7 TV-G TV-PG TV-14 TV-MA", { 0, 7, 0, 8, 14, 17 } },
  { "fsk", "0 6 12 16 18", { 0, 6, 12, 16, 18 } },
  { "csa", "TP -10 -12 -16 -18", { 0, 10, 12, 16, 18 } },
  { "kijkwijzer", "AL 6 9 12 14 16 18", { 0, 6, 9, 12, 14, 16, 18 } },
  { "acb", "G PG M MA15+ R18+ X18+ E RC", { 0, 8, 15, 15, 18, 18, -1, -1 } },
  { "acma", "P C G PG M MA15+ AV15+ R18+", { 0, 0, 0, 8, 15, 15, 15, 18 } },
  { "ifco", "G PG 12A 12 15A 15 16 18", { 0, 8, 12, 12, 15, 15, 16, 18 } },
  { "rte", "GA Ch YA PS MA", { 0, 0, 12, 15, 18 } },
  { "agcom", "T VM6 VM14 VM18", { 0, 6, 14, 18 } },
  { "icaa", "APTA ER 7 10 12 13 16 18 X", { 0, 0, 7, 10, 12, 13, 16, 18, 18 } },
  { "classind", "L 10 12 14 16 18", { 0, 10, 12, 14, 16, 18 } },
  { "cbfc", "U UA7+ UA UA13+ UA16+ A S", { 0, 7, 12, 13, 16, 18, 18 } },
  { "eirin", "G PG12 R15+ R18+", { 0, 12, 15, 18 } },
  { "dvb", "4 5 6 7 8 9 10 11 12 13 14 15 16 17 18",
      { 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18 } },
  { "fvc",
      "no_parental_controls parental_guidance twelve fifteen sixteen "
      "eighteen unrated",
      { 0, 8, 12, 15, 16, 18, -1 } },
  { "pegi", "3 7 12 16 18", { 3, 7, 12, 16, 18 } },
};

START_TEST (test_rating_system_contract_codes_and_ages)
{
  const ContractRow *row = &contract[_i];
  const WsRatingSystem *sys = system_ok (row->id);
  char **codes = g_strsplit (row->codes, " ", -1);
  guint n = g_strv_length (codes);

  ck_assert_str_eq (ws_rating_system_get_id (sys), row->id);
  ck_assert_uint_eq (ws_rating_system_get_n_ratings (sys), n);
  for (guint i = 0; i < n; i++) {
    const WsRatingDef *r = ws_rating_system_get_rating (sys, i);

    ck_assert_str_eq (ws_rating_def_get_code (r), codes[i]);
    ck_assert_msg (ws_rating_def_get_minimum_age (r) == row->ages[i],
        "%s:%s age %d, expected %d", row->id, codes[i],
        ws_rating_def_get_minimum_age (r), row->ages[i]);
  }
  g_strfreev (codes);
}
END_TEST

START_TEST (test_rating_system_kinds)
{
  ck_assert_int_eq (ws_rating_def_get_kind (parse_ok ("bbfc:U")),
      WS_RATING_KIND_ADVISORY);
  ck_assert_int_eq (ws_rating_def_get_kind (parse_ok ("bbfc:15")),
      WS_RATING_KIND_RESTRICTED);
  ck_assert_int_eq (ws_rating_def_get_kind (parse_ok ("mpa:PG")),
      WS_RATING_KIND_ADVISORY);
  ck_assert_int_eq (ws_rating_def_get_kind (parse_ok ("mpa:NR")),
      WS_RATING_KIND_UNRATED);
  ck_assert_int_eq (ws_rating_def_get_kind (parse_ok ("acb:RC")),
      WS_RATING_KIND_REFUSED);
  ck_assert_int_eq (ws_rating_def_get_kind (parse_ok ("fsk:6")),
      WS_RATING_KIND_RESTRICTED);
  ck_assert_int_eq (ws_rating_def_get_kind (parse_ok ("us-tv:TV-MA")),
      WS_RATING_KIND_ADVISORY);
}
END_TEST

static gboolean
corpus_file (const char *rel, char **path_out)
{
  const char *dir = g_getenv ("WS_CORPUS_DIR");
  char *path;

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR)) {
    ck_assert_msg (g_strcmp0 (g_getenv ("WS_REQUIRE_CORPUS"), "1") != 0,
        "WS_REQUIRE_CORPUS=1 but WS_CORPUS_DIR is missing");
    return FALSE;
  }
  path = g_build_filename (dir, rel, NULL);
  ck_assert_msg (g_file_test (path, G_FILE_TEST_EXISTS), "missing %s", path);
  *path_out = path;
  return TRUE;
}

/* Which DVB ParentalGuidanceCS:2007 branch belongs to which system. */
static const char *
dvb_branch_system (const char *term)
{
  static const char *const branches[][2] = {
    { "1.1.", "acb" },
    { "1.2.", "acma" },
    { "3.1.", "classind" },
    { "9.1.", "csa" },
    { "10.1.", "fsk" },
    { "11.1.", "ifco" },
    { "12.1.", "agcom" },
    { "13.1.", "kijkwijzer" },
    { "17.1.", "icaa" },
    { "19.1.", "bbfc" },
    { "20.1.", "mpa" },
    { "21.1.", "pegi" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (branches); i++) {
    if (g_str_has_prefix (term, branches[i][0]) &&
        strchr (term + strlen (branches[i][0]), '.') == NULL)
      return branches[i][1];
  }
  return NULL;
}

static void
check_dvb_terms (xmlNode *node, guint *mapped)
{
  for (xmlNode *c = node->children; c != NULL; c = c->next) {
    char *term;
    const char *want;

    if (c->type != XML_ELEMENT_NODE || strcmp ((char *) c->name, "Term"))
      continue;
    term = ws_xml_attr (c, "termID", NULL);
    want = term ? dvb_branch_system (term) : NULL;
    if (want != NULL) {
      const WsRatingDef *def = ws_rating_registry_resolve (registry (), DVB_CS,
          term);

      ck_assert_msg (def != NULL, "DVB term %s is not mapped", term);
      ck_assert_str_eq (ws_rating_system_get_id (
                            ws_rating_def_get_system (def)),
          want);
      (*mapped)++;
    }
    g_free (term);
    check_dvb_terms (c, mapped);
  }
}

START_TEST (test_rating_system_dvb_cs_terms_all_mapped)
{
  char *path = NULL;
  xmlDoc *doc;
  GError *error = NULL;
  guint mapped = 0;

  if (!corpus_file ("vocab/dvb-ParentalGuidanceCS-2007.xml", &path))
    return;
  doc = ws_xml_read_file (path, 0, &error);
  ck_assert_msg (doc != NULL, "%s", error ? error->message : "?");
  check_dvb_terms (xmlDocGetRootElement (doc), &mapped);
  /* 8 + 7 + 5 + 5 + 7 + 6 + 3 + 5 + 7 + 7 + 6 + 5 terms */
  ck_assert_uint_eq (mapped, 71);
  xmlFreeDoc (doc);
  g_free (path);
}
END_TEST

/* CMR codes that have no rating of their own here: CSA's "interdiction"
 * (a ban, not a youth category) and ClassInd's ranges such as 10-14. */
static gboolean
cmr_code_excluded (const char *uri, const char *code)
{
  if (g_str_has_suffix (uri, "/FR/CSA/3"))
    return strcmp (code, "interdiction") == 0;
  if (g_str_has_suffix (uri, "/BR/DJCTQ/5"))
    return strchr (code, '-') != NULL;
  return FALSE;
}

START_TEST (test_rating_system_cmr_codes_all_mapped)
{
  char *path = NULL, *text = NULL;
  char **lines;
  const char *uri = NULL;
  guint header = 0, checked = 0, systems = 0;

  if (!corpus_file ("vocab/libdcp-ratings.txt", &path))
    return;
  ck_assert (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++) {
    const char *line = g_strstrip (lines[i]);

    if (g_str_has_prefix (line, "http://")) {
      /* A block: URI, agency name, country, country code, then codes. */
      uri = ws_rating_registry_lookup_system (registry (), line) ? line : NULL;
      systems += uri != NULL;
      header = 3;
    } else if (header > 0) {
      header--;
    } else if (uri != NULL && line[0] != '\0' &&
               !cmr_code_excluded (uri, line)) {
      const WsRatingDef *def = ws_rating_registry_resolve (registry (), uri,
          line);
      char *full = g_strconcat (uri, "/", line, NULL);

      ck_assert_msg (def != NULL, "CMR code %s of %s is not mapped", line, uri);
      ck_assert_ptr_eq (ws_rating_def_get_system (def),
          ws_rating_registry_lookup_system (registry (), uri));
      ck_assert_ptr_eq (ws_rating_registry_resolve_uri (registry (), full),
          def);
      g_free (full);
      checked++;
    }
  }
  /* 17 CMR URIs are declared by the shipped systems. */
  ck_assert_uint_eq (systems, 17);
  ck_assert_uint_ge (checked, 100);
  g_strfreev (lines);
  g_free (text);
  g_free (path);
}
END_TEST

/* Every iTunEXTC code of Subler's table whose prefix names one of our
 * systems resolves, except the "unrated" entries of systems that have no
 * unrated rating and Italy's old VPA/VM10/VM12, which agcom lacks. */
START_TEST (test_rating_system_itunes_codes_all_mapped)
{
  char *path = NULL, *text = NULL;
  GRegex *re;
  GMatchInfo *m = NULL;
  guint checked = 0;

  if (!corpus_file ("vocab/subler-Ratings.json", &path))
    return;
  ck_assert (g_file_get_contents (path, &text, NULL, NULL));
  re = g_regex_new ("\"prefix\"\\s*:\\s*\"([^\"]*)\"\\s*,\\s*"
                    "\"itunes-code\"\\s*:\\s*\"([^\"]*)\"\\s*,\\s*"
                    "\"itunes-value\"\\s*:\\s*\"([^\"]*)\"",
      0, 0, NULL);
  ck_assert_ptr_nonnull (re);
  g_regex_match (re, text, 0, &m);
  while (g_match_info_matches (m)) {
    char *prefix = g_match_info_fetch (m, 1);
    char *code = g_match_info_fetch (m, 2);
    char *value = g_match_info_fetch (m, 3);
    char *itunes = g_strdup_printf ("%s|%s|%s|", prefix, code, value);
    const WsRatingSystem *sys = ws_rating_registry_lookup_system (registry (),
        prefix);
    const WsRatingDef *def = ws_rating_registry_resolve (registry (), "itunes",
        itunes);
    gboolean unrated = strcmp (value, "???") == 0 ||
                       strcmp (code, "Not Rated") == 0;
    gboolean has_unrated = FALSE;

    for (guint i = 0; sys && i < ws_rating_system_get_n_ratings (sys); i++)
      has_unrated |= ws_rating_def_get_kind (ws_rating_system_get_rating (sys,
                         i)) == WS_RATING_KIND_UNRATED;
    if (sys != NULL && !(unrated && !has_unrated) &&
        !(strcmp (prefix, "it-movie") == 0 &&
            (strcmp (code, "VPA") == 0 || strcmp (code, "VM10") == 0 ||
                strcmp (code, "VM12") == 0))) {
      ck_assert_msg (def != NULL, "iTunes %s is not mapped", itunes);
      ck_assert_ptr_eq (ws_rating_def_get_system (def), sys);
      if (unrated)
        ck_assert_int_eq (ws_rating_def_get_kind (def), WS_RATING_KIND_UNRATED);
      checked++;
    }
    g_free (prefix);
    g_free (code);
    g_free (value);
    g_free (itunes);
    g_match_info_next (m, NULL);
  }
  g_match_info_free (m);
  g_regex_unref (re);
  ck_assert_uint_ge (checked, 80);
  g_free (text);
  g_free (path);
}
END_TEST

/* ---- lookup --------------------------------------------------------------- */

typedef struct {
  const char *name;
  const char *id; /* NULL: not found */
} NameRow;

static const NameRow system_names[] = {
  { "bbfc", "bbfc" },
  { "BBFC", "bbfc" },
  { " Bbfc ", "bbfc" },
  { "uk-movie", "bbfc" },
  { CMR "GB/BBFC/1", "bbfc" },
  { CMR "GB/BBFC/1/", "bbfc" },
  { "https://www.movielabs.com/md/ratings/GB/BBFC/1", "bbfc" },
  { CMR "gb/bbfc/1", NULL }, /* URIs keep their case */
  { DTG_CS, "bbfc" },
  { "http://www.mpaa.org/2003-ratings", "mpa" },
  { "https://www.mpaa.org/2003-ratings/", "mpa" },
  { CMR "US/MPAA/2", "mpa" },
  { "MPAA", "mpa" },
  { "mpaa", "mpa" },
  { "US_MV", "mpa" },
  { "VCHIP", "us-tv" },
  { "US_TV", "us-tv" },
  { CMR "US/TVPG/2", "us-tv" },
  { "de-movie", "fsk" },
  { CMR "DE/FSK/1", "fsk" },
  { "fr-movie", "csa" },
  { "Arcom", "csa" },
  { CMR "FR/CSA/3", "csa" },
  { "Kijkwijzer", "kijkwijzer" },
  { "nl-movie", "kijkwijzer" },
  { CMR "NL/Kijkwijzer/2", "kijkwijzer" },
  { "au-movie", "acb" },
  { "au-tv", "acma" },
  { "AU_TV", "acma" },
  { "ie-movie", "ifco" },
  { CMR "IE/RTE/0", "rte" },
  { "it-movie", "agcom" },
  { CMR "ES/ICAA/2", "icaa" },
  { "br-movie", "classind" },
  { "BR_TV", "classind" },
  { "in-movies", "cbfc" },
  { "jp-movie", "eirin" },
  { FVC_CS, "fvc" },
  { "MCAA", NULL },
  { "", NULL },
  { "http://", NULL },
};

START_TEST (test_rating_system_lookup_system_by_alias)
{
  const NameRow *row = &system_names[_i];
  const WsRatingSystem *sys = ws_rating_registry_lookup_system (registry (),
      row->name);

  if (row->id == NULL) {
    ck_assert_msg (sys == NULL, "\"%s\" should not name a system", row->name);
  } else {
    ck_assert_msg (sys != NULL, "\"%s\" names no system", row->name);
    ck_assert_str_eq (ws_rating_system_get_id (sys), row->id);
  }
}
END_TEST

typedef struct {
  const char *scheme;
  const char *value;
  const char *expected; /* SYSTEM:CODE, NULL = not found */
} ResolveRow;

static const ResolveRow resolve_rows[] = {
  /* DVB ParentalGuidanceCS:2007 term ids */
  { DVB_CS, "19.1.5", "bbfc:15" },
  { DVB_CS, "10.1.4", "fsk:16" },
  { DVB_CS, "13.1.5", "kijkwijzer:16" },
  { DVB_CS, "9.1.4", "csa:-16" },
  { DVB_CS, "20.1.3", "mpa:PG-13" },
  { DVB_CS, "19.1.1", "bbfc:U" },
  { DVB_CS, "10.1.6", "fsk:18" },
  { DVB_CS, "21.1.4", "pegi:16" },
  { DVB_CS, "99.1.1", NULL },
  /* Freeview Play ContentRatingCS:2014-07 */
  { FVC_CS, "fifteen", "fvc:fifteen" },
  { FVC_CS, "no_parental_controls", "fvc:no_parental_controls" },
  { FVC_CS, "unrated", "fvc:unrated" },
  { FVC_CS, "parental_guidance", "fvc:parental_guidance" },
  { FVC_CS, "twenty", NULL },
  /* DTG BBFCContentRatingCS:2002 */
  { DTG_CS, "15", "bbfc:15" },
  { DTG_CS, "PG", "bbfc:PG" },
  /* iTunes iTunEXTC strings */
  { "itunes", "uk-movie|15|350|", "bbfc:15" },
  { "itunes", "uk-movie|15|350|Contains strong language", "bbfc:15" },
  { "iTunes", "mpaa|PG-13|300|Rated PG-13 for violence", "mpa:PG-13" },
  { "itunes", "de-movie|Ab 16 Jahren|500|", "fsk:16" },
  { "itunes", "fr-movie|-12|300|", "csa:-12" },
  { "itunes", "nl-movie|AL/G|000|", "kijkwijzer:AL" },
  { "itunes", "au-tv|MA15+|550|", "acma:MA15+" },
  { "itunes", "mpaa|Unrated|???|", "mpa:NR" },
  { "itunes", "us-tv|TV-14|500|", "us-tv:TV-14" },
  { "itunes", "mpaa|R|999|", "mpa:R" }, /* undeclared value: by code */
  { "itunes", "xx-movie|1|1|", NULL },
  { "itunes", "uk-movie", NULL },
  /* Android TV names */
  { "android", "US_TV_MA", "us-tv:TV-MA" },
  { "US_TV", "US_TV_14", "us-tv:TV-14" },
  { "android", "DVB_16", "dvb:16" },
  /* system id or alias, then code or alias */
  { "bbfc", "Uc", "bbfc:U" },
  { "bbfc", " 12a ", "bbfc:12A" },
  { "csa", "Tous publics", "csa:TP" },
  { "csa", "Tout public", "csa:TP" },
  { "fsk", "Ab 16 Jahren", "fsk:16" },
  { "fsk", "Keine Jugendfreigabe", "fsk:18" },
  { "MPAA", "pg-13", "mpa:PG-13" },
  { "VCHIP", "TV-PG", "us-tv:TV-PG" },
  { "mpa", "X", "mpa:NC-17" },
  { "cbfc", "UA 13+", "cbfc:UA13+" },
  { "dvb", "0x0D", "dvb:16" },
  { "bbfc", "19.1.5", "bbfc:15" }, /* a scheme term of the system */
  { CMR "GB/BBFC/1", "18", "bbfc:18" },
  { "bbfc", "99", NULL },
  { "nope", "15", NULL },
  /* no scheme: SYSTEM:CODE, term URIs, iTunes strings */
  { NULL, "bbfc:15", "bbfc:15" },
  { NULL, "csa:-16", "csa:-16" },
  { NULL, "urn:fvc:metadata:cs:ContentRatingCS:2014-07:fifteen",
      "fvc:fifteen" },
  { NULL, "urn:dvb:metadata:cs:ParentalGuidanceCS:2007:10.1.4", "fsk:16" },
  { NULL, CMR "GB/BBFC/1/15", "bbfc:15" },
  { NULL, "uk-movie|12A|325|", "bbfc:12A" },
  { NULL, "15", NULL },
  { NULL, "", NULL },
};

START_TEST (test_rating_system_resolve_table)
{
  const ResolveRow *row = &resolve_rows[_i];
  const WsRatingDef *def = ws_rating_registry_resolve (registry (), row->scheme,
      row->value);

  if (row->expected == NULL) {
    ck_assert_msg (def == NULL, "(%s, %s) resolved to %s", row->scheme,
        row->value, def ? ws_rating_def_get_name (def) : "");
  } else {
    ck_assert_msg (def != NULL, "(%s, %s) did not resolve", row->scheme,
        row->value);
    ck_assert_str_eq (ws_rating_def_get_name (def), row->expected);
  }
}
END_TEST

static const ResolveRow uri_rows[] = {
  { NULL, CMR "GB/BBFC/1/15", "bbfc:15" },
  { NULL, CMR "GB/BBFC/1/15/", "bbfc:15" },
  { NULL, "https://www.movielabs.com/md/ratings/GB/BBFC/1/12A", "bbfc:12A" },
  { NULL, CMR "US/MPAA/2/PG-13", "mpa:PG-13" },
  { NULL, CMR "US/MPAA/2/G", "mpa:G" },
  { NULL, CMR "FR/CSA/3/16", "csa:-16" },
  { NULL, CMR "AU/NCS/1/R18%2B", "acb:R18+" },
  { NULL, CMR "IN/CBFC/2/UA13+", "cbfc:UA13+" },
  { NULL, "http://www.mpaa.org/2003-ratings/PG-13", "mpa:PG-13" },
  { NULL, "urn:fvc:metadata:cs:ContentRatingCS:2014-07:eighteen",
      "fvc:eighteen" },
  { NULL, "urn:dvb:metadata:cs:ParentalGuidanceCS:2007:19.1.5", "bbfc:15" },
  { NULL, "urn:dtg:cs:BBFCContentRatingCS:2002:18", "bbfc:18" },
  { NULL, "urn:dtg:cs:BBFCContentRatingCS:2002:", NULL },
  { NULL, CMR "GB/BBFC/1/99", NULL },
  { NULL, "http://example.com/", NULL },
  { NULL, "urn:nothing", NULL },
  { NULL, "nothing", NULL },
};

START_TEST (test_rating_system_resolve_uri_table)
{
  const ResolveRow *row = &uri_rows[_i];
  const WsRatingDef *def = ws_rating_registry_resolve_uri (registry (),
      row->value);

  if (row->expected == NULL) {
    ck_assert_msg (def == NULL, "%s resolved to %s", row->value,
        def ? ws_rating_def_get_name (def) : "");
  } else {
    ck_assert_msg (def != NULL, "%s did not resolve", row->value);
    ck_assert_str_eq (ws_rating_def_get_name (def), row->expected);
  }
}
END_TEST

START_TEST (test_rating_system_lookup_age)
{
  const WsRatingRegistry *reg = registry ();

  ck_assert_str_eq (ws_rating_def_get_name (
                        ws_rating_registry_lookup_age (reg, "dvb", 16)),
      "dvb:16");
  /* 12A and 12 share age 12: the least restrictive (lower ordinal). */
  ck_assert_str_eq (ws_rating_def_get_name (
                        ws_rating_registry_lookup_age (reg, "bbfc", 12)),
      "bbfc:12A");
  ck_assert_str_eq (ws_rating_def_get_name (
                        ws_rating_registry_lookup_age (reg, "bbfc", 18)),
      "bbfc:18");
  ck_assert_str_eq (ws_rating_def_get_name (
                        ws_rating_registry_lookup_age (reg, "mpa", 0)),
      "mpa:G");
  ck_assert_str_eq (ws_rating_def_get_name (
                        ws_rating_registry_lookup_age (reg, "kijkwijzer", 14)),
      "kijkwijzer:14");
  ck_assert_ptr_null (ws_rating_registry_lookup_age (reg, "fsk", 14));
  ck_assert_ptr_null (ws_rating_registry_lookup_age (reg, "dvb", 3));
  ck_assert_ptr_null (ws_rating_registry_lookup_age (reg, "mpa", -1));
  ck_assert_ptr_null (ws_rating_registry_lookup_age (reg, "nope", 12));
}
END_TEST

START_TEST (test_rating_system_descriptors)
{
  static const char *const categories[] = {
    "violence",
    "fear",
    "sex",
    "nudity",
    "discrimination",
    "drugs",
    "language",
    "horror",
    "theme",
    "imitable-behaviour",
    "dialogue",
    "fantasy-violence",
    "gambling",
    "other",
  };
  static const char *const lookups[][4] = {
    /* system, code or alias, expected code, category */
    { "us-tv", "V", "V", "violence" },
    { "us-tv", "fv", "FV", "fantasy-violence" },
    { "us-tv", "D", "D", "dialogue" },
    { "us-tv", "L", "L", "language" },
    { "us-tv", "S", "S", "sex" },
    { "kijkwijzer", "geweld", "violence", "violence" },
    { "kijkwijzer", "angst", "fear", "fear" },
    { "kijkwijzer", "seks", "sex", "sex" },
    { "kijkwijzer", "discriminatie", "discrimination", "discrimination" },
    { "kijkwijzer", "drugs", "drugs-alcohol", "drugs" },
    { "kijkwijzer", "grof-taalgebruik", "coarse-language", "language" },
    { "bbfc", "threat", "threat", "horror" },
    { "bbfc", "imitable-behaviour", "imitable-behaviour",
        "imitable-behaviour" },
    { "fsk", "Gewalt", "gewalt", "violence" },
    { "fsk", "Sexualität", "sexualitaet", "sex" },
    { "classind", "violência fantasiosa", "violencia-fantasiosa",
        "fantasy-violence" },
    { "pegi", "gambling", "gambling", "gambling" },
    { "acma", "h", "h", "horror" },
  };
  const WsRatingRegistry *reg = registry ();
  const WsRatingSystem *sys;
  const WsRatingDescriptor *d;

  for (guint i = 0; i < G_N_ELEMENTS (lookups); i++) {
    sys = system_ok (lookups[i][0]);
    d = ws_rating_system_lookup_descriptor (sys, lookups[i][1]);
    ck_assert_msg (d != NULL, "%s has no descriptor %s", lookups[i][0],
        lookups[i][1]);
    ck_assert_str_eq (ws_rating_descriptor_get_code (d), lookups[i][2]);
    ck_assert_str_eq (ws_rating_descriptor_get_category (d), lookups[i][3]);
    ck_assert_ptr_nonnull (ws_rating_descriptor_get_label (d));
  }
  sys = system_ok ("us-tv");
  ck_assert_uint_eq (ws_rating_system_get_n_descriptors (sys), 5);
  ck_assert_ptr_null (ws_rating_system_lookup_descriptor (sys, "X"));
  ck_assert_ptr_null (ws_rating_system_get_descriptor (sys, 5));
  ck_assert_uint_eq (ws_rating_system_get_n_descriptors (
                         system_ok ("kijkwijzer")),
      6);

  /* Every shipped category is one of the common list. */
  for (guint i = 0; i < ws_rating_registry_get_n_systems (reg); i++) {
    sys = ws_rating_registry_get_system (reg, i);
    for (guint j = 0; j < ws_rating_system_get_n_descriptors (sys); j++) {
      const char *cat = ws_rating_descriptor_get_category (
          ws_rating_system_get_descriptor (sys, j));
      gboolean known = FALSE;

      for (guint k = 0; k < G_N_ELEMENTS (categories); k++)
        known |= strcmp (cat, categories[k]) == 0;
      ck_assert_msg (known, "unknown category %s", cat);
    }
  }
}
END_TEST

START_TEST (test_rating_system_badge_hints)
{
  const WsBadgeHints *b;

  b = ws_rating_def_get_badge (parse_ok ("bbfc:U"));
  ck_assert_int_eq (b->shape, WS_BADGE_SHAPE_TRIANGLE);
  ck_assert_uint_eq (b->background_argb, 0xFF0A9D3F);
  ck_assert_ptr_null (b->text);
  b = ws_rating_def_get_badge (parse_ok ("bbfc:15"));
  ck_assert_int_eq (b->shape, WS_BADGE_SHAPE_CIRCLE);
  ck_assert_uint_eq (b->background_argb, 0xFFE5007E);
  b = ws_rating_def_get_badge (parse_ok ("fsk:16"));
  ck_assert_int_eq (b->shape, WS_BADGE_SHAPE_SQUARE);
  ck_assert_uint_eq (b->background_argb, 0xFF0072BC);
  b = ws_rating_def_get_badge (parse_ok ("fsk:6"));
  ck_assert_uint_eq (b->background_argb, 0xFFFFE500);
  /* CSA: the system default, a white round pictogram with black text. */
  b = ws_rating_def_get_badge (parse_ok ("csa:-16"));
  ck_assert_int_eq (b->shape, WS_BADGE_SHAPE_CIRCLE);
  ck_assert_uint_eq (b->background_argb, 0xFFFFFFFF);
  ck_assert_uint_eq (b->foreground_argb, 0xFF000000);
  b = ws_rating_def_get_badge (parse_ok ("classind:L"));
  ck_assert_uint_eq (b->background_argb, 0xFF00A651);
  b = ws_rating_def_get_badge (parse_ok ("classind:18"));
  ck_assert_uint_eq (b->background_argb, 0xFF000000);
  b = ws_rating_def_get_badge (parse_ok ("fvc:fifteen"));
  ck_assert_str_eq (b->text, "15");
  b = ws_rating_def_get_badge (parse_ok ("mpa:G"));
  ck_assert_int_eq (b->shape, WS_BADGE_SHAPE_SQUARE);
  ck_assert_uint_eq (b->border_argb, 0xFF000000);
}
END_TEST

/* ---- parse ---------------------------------------------------------------- */

START_TEST (test_rating_system_parse_forms)
{
  ck_assert_str_eq (ws_rating_def_get_code (parse_ok ("bbfc:15")), "15");
  ck_assert_str_eq (ws_rating_def_get_name (parse_ok (" csa:-16 ")), "csa:-16");
  ck_assert_str_eq (ws_rating_def_get_name (parse_ok ("us-tv:TV-14")),
      "us-tv:TV-14");
  ck_assert_str_eq (ws_rating_def_get_name (parse_ok ("BBFC:15")), "bbfc:15");
  ck_assert_str_eq (ws_rating_def_get_name (parse_ok ("mpa:pg-13")),
      "mpa:PG-13");
  ck_assert_str_eq (ws_rating_def_get_name (parse_ok ("bbfc:Uc")), "bbfc:U");
  ck_assert_str_eq (ws_rating_def_get_label (parse_ok ("csa:-16")),
      "Déconseillé aux moins de 16 ans");
}
END_TEST

typedef struct {
  const char *text;
  int code;
  const char *needle;
} ParseErrorRow;

static const ParseErrorRow parse_errors[] = {
  { "bbfc15", WS_ERROR_ARGUMENT, "SYSTEM:CODE" },
  { ":15", WS_ERROR_ARGUMENT, "SYSTEM:CODE" },
  { "bbfc:", WS_ERROR_ARGUMENT, "SYSTEM:CODE" },
  { "", WS_ERROR_ARGUMENT, "SYSTEM:CODE" },
  { "nope:15", WS_ERROR_NOT_FOUND, "known systems: acb, acma, agcom, bbfc" },
  { "bbfc:99", WS_ERROR_NOT_FOUND, "U, PG, 12A, 12, 15, 18, R18" },
  { "fsk:14", WS_ERROR_NOT_FOUND, "0, 6, 12, 16, 18" },
};

START_TEST (test_rating_system_parse_errors)
{
  const ParseErrorRow *row = &parse_errors[_i];
  GError *error = NULL;

  ck_assert_ptr_null (
      ws_rating_registry_parse (registry (), row->text, &error));
  ck_assert_ptr_nonnull (error);
  ck_assert_msg (g_error_matches (error, WS_ERROR, row->code), "\"%s\": %s",
      row->text, error->message);
  ck_assert_msg (strstr (error->message, row->needle) != NULL,
      "\"%s\": message \"%s\" lacks \"%s\"", row->text, error->message,
      row->needle);
  g_error_free (error);
  /* NULL error is fine too. */
  ck_assert_ptr_null (ws_rating_registry_parse (registry (), row->text, NULL));
}
END_TEST

/* ---- compare -------------------------------------------------------------- */

START_TEST (test_rating_system_compare)
{
  ck_assert_int_lt (ws_rating_def_compare (parse_ok ("bbfc:15"),
                        parse_ok ("bbfc:18")),
      0);
  ck_assert_int_gt (ws_rating_def_compare (parse_ok ("bbfc:18"),
                        parse_ok ("bbfc:15")),
      0);
  ck_assert_int_lt (ws_rating_def_compare (parse_ok ("bbfc:18"),
                        parse_ok ("bbfc:R18")),
      0);
  ck_assert_int_lt (ws_rating_def_compare (parse_ok ("bbfc:12A"),
                        parse_ok ("bbfc:12")),
      0);
  ck_assert_int_eq (ws_rating_def_compare (parse_ok ("fsk:16"),
                        parse_ok ("csa:-16")),
      0);
  ck_assert_int_eq (ws_rating_def_compare (parse_ok ("bbfc:15"),
                        parse_ok ("bbfc:15")),
      0);
  ck_assert_int_lt (ws_rating_def_compare (parse_ok ("bbfc:15"),
                        parse_ok ("fsk:16")),
      0);
  ck_assert_int_lt (ws_rating_def_compare (parse_ok ("us-tv:TV-G"),
                        parse_ok ("us-tv:TV-Y7")),
      0);
  /* Unrated and refused sort above every age; refused above unrated. */
  ck_assert_int_gt (ws_rating_def_compare (parse_ok ("mpa:NR"),
                        parse_ok ("bbfc:R18")),
      0);
  ck_assert_int_gt (ws_rating_def_compare (parse_ok ("acb:RC"),
                        parse_ok ("mpa:NR")),
      0);
  ck_assert_int_lt (ws_rating_def_compare (parse_ok ("acb:X18+"),
                        parse_ok ("acb:E")),
      0);
}
END_TEST

/* ---- convert -------------------------------------------------------------- */

typedef struct {
  const char *from;
  const char *to_system;
  const char *expected; /* NULL: no result */
  gboolean approximate;
} ConvertRow;

static const ConvertRow conversions[] = {
  /* mandated by DESIGN.md and the header */
  { "bbfc:15", "fsk", "fsk:16", TRUE },
  { "fsk:16", "bbfc", "bbfc:18", TRUE },
  { "us-tv:TV-14", "kijkwijzer", "kijkwijzer:14", FALSE },
  /* more */
  { "bbfc:U", "fsk", "fsk:0", FALSE },
  { "bbfc:PG", "us-tv", "us-tv:TV-PG", FALSE },
  { "bbfc:12A", "kijkwijzer", "kijkwijzer:12", FALSE },
  { "bbfc:12", "kijkwijzer", "kijkwijzer:12", TRUE },
  { "bbfc:18", "csa", "csa:-18", FALSE },
  /* adult-explicit keeps its class (issue #10): never a plain 18 */
  { "bbfc:R18", "fsk", NULL, FALSE },
  { "icaa:X", "bbfc", "bbfc:R18", FALSE },
  { "bbfc:R18", "icaa", "icaa:X", FALSE },
  { "acb:X18+", "bbfc", "bbfc:R18", FALSE },
  { "bbfc:18", "icaa", "icaa:18", TRUE },
  { "fsk:18", "acb", "acb:R18+", FALSE },
  /* equivalent systems (acb declares acma): the same symbol, exactly */
  { "acb:M", "acma", "acma:M", FALSE },
  { "acma:MA15+", "acb", "acb:MA15+", FALSE },
  { "bbfc:15", "dvb", "dvb:15", TRUE },
  { "fsk:12", "bbfc", "bbfc:12A", TRUE },
  { "csa:-10", "kijkwijzer", "kijkwijzer:12", TRUE },
  { "csa:-16", "dvb", "dvb:16", FALSE },
  { "kijkwijzer:9", "fsk", "fsk:12", TRUE },
  { "mpa:G", "bbfc", "bbfc:U", FALSE },
  { "mpa:R", "bbfc", "bbfc:18", TRUE },
  { "mpa:PG-13", "fsk", "fsk:16", TRUE },
  { "mpa:NC-17", "acb", "acb:R18+", FALSE },
  { "us-tv:TV-MA", "csa", "csa:-18", TRUE },
  { "acb:MA15+", "bbfc", "bbfc:15", FALSE },
  { "acb:M", "bbfc", "bbfc:15", TRUE },
  { "classind:14", "kijkwijzer", "kijkwijzer:14", FALSE },
  { "eirin:R15+", "icaa", "icaa:16", TRUE },
  { "dvb:4", "fsk", "fsk:6", TRUE },
  { "fvc:fifteen", "bbfc", "bbfc:15", FALSE },
  { "fvc:sixteen", "bbfc", "bbfc:18", TRUE },
  { "pegi:3", "fsk", "fsk:6", TRUE },
  { "cbfc:UA13+", "us-tv", "us-tv:TV-14", TRUE },
  { "ifco:15A", "bbfc", "bbfc:15", TRUE },
  { "acma:AV15+", "classind", "classind:16", TRUE },
  { "bbfc:15", "bbfc", "bbfc:15", FALSE },
  /* unrated and refused sources */
  { "mpa:NR", "bbfc", "bbfc:NR", FALSE },
  { "fvc:unrated", "acb", "acb:E", FALSE },
  { "mpa:NR", "fsk", NULL, FALSE },
  { "acb:RC", "bbfc", NULL, FALSE },
};

START_TEST (test_rating_system_convert_table)
{
  const ConvertRow *row = &conversions[_i];
  WsConversion c = ws_rating_convert (parse_ok (row->from),
      system_ok (row->to_system));

  if (row->expected == NULL) {
    ck_assert_msg (c.result == NULL, "%s -> %s gave %s", row->from,
        row->to_system, c.result ? ws_rating_def_get_name (c.result) : "");
    ck_assert_ptr_nonnull (c.note);
  } else {
    ck_assert_msg (c.result != NULL, "%s -> %s gave nothing", row->from,
        row->to_system);
    ck_assert_str_eq (ws_rating_def_get_name (c.result), row->expected);
    ck_assert_msg (c.approximate == row->approximate,
        "%s -> %s: approximate %d", row->from, row->to_system, c.approximate);
    if (c.approximate)
      ck_assert_ptr_nonnull (c.note);
    else
      ck_assert_ptr_null (c.note);
  }
}
END_TEST

START_TEST (test_rating_system_convert_none_restrictive_enough)
{
  static const char kids[] =
      "<rating-system xmlns='urn:watershed:rating-system:1' id='kids' "
      "territory='ZZ'><name>Kids</name><authority>Test</authority>"
      "<rating code='all' ordinal='0' kind='advisory' minimum-age='0' "
      "label='All'/><rating code='ten' ordinal='1' kind='advisory' "
      "minimum-age='10' label='Ten'/></rating-system>";
  WsRatingRegistry *reg = ws_rating_registry_new_empty ();
  GError *error = NULL;
  const WsRatingSystem *sys;
  WsConversion c;

  ck_assert (ws_rating_registry_add_memory (reg, kids, strlen (kids),
      "kids.xml", &error));
  ck_assert_ptr_null (error);
  sys = ws_rating_registry_lookup_system (reg, "kids");
  c = ws_rating_convert (parse_ok ("bbfc:15"), sys);
  ck_assert_ptr_null (c.result);
  ck_assert_ptr_nonnull (c.note);
  c = ws_rating_convert (parse_ok ("bbfc:PG"), sys);
  ck_assert_str_eq (ws_rating_def_get_name (c.result), "kids:ten");
  ck_assert (c.approximate);
  ws_rating_registry_free (reg);
}
END_TEST

/* ---- loader --------------------------------------------------------------- */

#define HEAD                                                        \
  "<?xml version='1.0'?>\n"                                         \
  "<rating-system xmlns='urn:watershed:rating-system:1' id='test' " \
  "territory='ZZ'>\n"                                               \
  "  <name>Test</name>\n"                                           \
  "  <authority>Test authority</authority>\n"
#define TAIL "</rating-system>\n"
#define RATING_A                                                    \
  "  <rating code='A' ordinal='0' kind='advisory' minimum-age='0' " \
  "label='All'/>\n"

typedef struct {
  const char *name;
  const char *doc;
  int code;
  const char *needle;
} LoaderErrorRow;

static const LoaderErrorRow loader_errors[] = {
  { "malformed.xml", "<rating-system xmlns='urn:watershed:rating-system:1'",
      WS_ERROR_MALFORMED, "malformed.xml:1" },
  { "empty.xml", "", WS_ERROR_MALFORMED, "empty.xml" },
  { "dup-code.xml",
      HEAD RATING_A
      "  <rating code='a' ordinal='1' kind='advisory' minimum-age='6' "
      "label='Again'/>\n" TAIL,
      WS_ERROR_INVALID, "dup-code.xml:6: <rating>: code \"a\" is used twice" },
  { "no-age.xml",
      HEAD RATING_A
      "  <rating code='B' ordinal='1' kind='restricted' label='B'/>\n" TAIL,
      WS_ERROR_INVALID,
      "no-age.xml:6: <rating>: rating \"B\" has no "
      "minimum-age" },
  { "no-id.xml",
      "<rating-system xmlns='urn:watershed:rating-system:1' "
      "territory='ZZ'>\n<name>x</name><authority>y</authority>" RATING_A TAIL,
      WS_ERROR_INVALID,
      "no-id.xml:1: <rating-system>: the attribute id is "
      "missing" },
  { "bad-id.xml",
      "<rating-system xmlns='urn:watershed:rating-system:1' "
      "id='BBFC 2' territory='ZZ'>\n<name>x</name>"
      "<authority>y</authority>" RATING_A TAIL,
      WS_ERROR_INVALID, "bad-id.xml:1: <rating-system>: id=\"BBFC 2\"" },
  { "taken-id.xml", HEAD RATING_A TAIL, WS_ERROR_INVALID, "already loaded" },
  { "wrong-root.xml", "<ratings xmlns='urn:other'/>", WS_ERROR_INVALID,
      "wrong-root.xml:1: <ratings>: not a rating-system file" },
  { "no-ns.xml", "<rating-system id='x' territory='ZZ'/>", WS_ERROR_INVALID,
      "not a rating-system file" },
  { "ordinal.xml",
      HEAD "  <rating code='A' ordinal='1' kind='advisory' minimum-age='0' "
           "label='All'/>\n" TAIL,
      WS_ERROR_INVALID,
      "ordinal.xml:5: <rating>: rating \"A\" has "
      "ordinal=\"1\"" },
  { "kind.xml",
      HEAD "  <rating code='A' ordinal='0' kind='maybe' minimum-age='0' "
           "label='All'/>\n" TAIL,
      WS_ERROR_INVALID, "unknown kind \"maybe\"" },
  { "unrated-age.xml",
      HEAD "  <rating code='NR' ordinal='0' kind='unrated' minimum-age='0' "
           "label='Not rated'/>\n" TAIL,
      WS_ERROR_INVALID, "is unrated but has minimum-age" },
  { "age-range.xml",
      HEAD "  <rating code='A' ordinal='0' kind='advisory' minimum-age='99' "
           "label='All'/>\n" TAIL,
      WS_ERROR_INVALID, "minimum-age=\"99\"" },
  { "colour.xml",
      HEAD "  <rating code='A' ordinal='0' kind='advisory' minimum-age='0' "
           "label='All'>\n    <badge background='green'/>\n  </rating>\n" TAIL,
      WS_ERROR_INVALID, "colour.xml:6: <badge>: background=\"green\"" },
  { "category.xml",
      HEAD
      "  <descriptor code='v' category='gore' label='Gore'/>\n" RATING_A TAIL,
      WS_ERROR_INVALID,
      "category.xml:5: <descriptor>: unknown category "
      "\"gore\"" },
  { "alias-taken.xml",
      HEAD "  <alias type='itunes'>uk-movie</alias>\n" RATING_A TAIL,
      WS_ERROR_INVALID,
      "alias-taken.xml:5: <alias>: \"uk-movie\" already "
      "names the system \"bbfc\"" },
  { "term-taken.xml",
      HEAD "  <rating code='A' ordinal='0' kind='advisory' minimum-age='0' "
           "label='All'>\n    <alias scheme='" DVB_CS "'>19.1.5</alias>\n"
           "  </rating>\n" TAIL,
      WS_ERROR_INVALID,
      "term-taken.xml:6: <alias>: \"19.1.5\" in scheme "
      "\"" DVB_CS "\" already stands for bbfc:15" },
  { "no-rating.xml", HEAD TAIL, WS_ERROR_INVALID,
      "system \"test\" has no <rating>" },
  { "entity.xml",
      "<?xml version='1.0'?>\n<!DOCTYPE r [\n<!ENTITY x "
      "SYSTEM 'file:///etc/passwd'>\n]>\n<r>&x;</r>",
      WS_ERROR_FORBIDDEN, "entity.xml:3" },
  { "unknown-el.xml", HEAD RATING_A "  <extra/>\n" TAIL, WS_ERROR_INVALID,
      "unknown-el.xml:6: <extra>: unknown element" },
  { "itunes-alias.xml",
      HEAD "  <rating code='A' ordinal='0' kind='advisory' minimum-age='0' "
           "label='All'>\n    <alias scheme='itunes'>uk-movie</alias>\n"
           "  </rating>\n" TAIL,
      WS_ERROR_INVALID, "is not \"prefix|code|value|\"" },
  { "class.xml",
      HEAD "  <rating code='A' ordinal='0' kind='advisory' minimum-age='0' "
           "class='explicit' label='All'/>\n" TAIL,
      WS_ERROR_INVALID,
      "class.xml:5: <rating>: rating \"A\": unknown class \"explicit\"" },
  { "class-kind.xml",
      HEAD "  <rating code='NR' ordinal='0' kind='unrated' class='advisory' "
           "label='Not rated'/>\n" TAIL,
      WS_ERROR_INVALID, "class \"advisory\" does not fit its kind" },
  { "class-refused.xml",
      HEAD "  <rating code='X' ordinal='0' kind='restricted' minimum-age='18' "
           "class='refused' label='X'/>\n" TAIL,
      WS_ERROR_INVALID, "class \"refused\" does not fit its kind" },
  { "equivalent-self.xml", HEAD "  <equivalent system='test'/>\n" RATING_A TAIL,
      WS_ERROR_INVALID,
      "equivalent-self.xml:5: <equivalent>: <equivalent system=\"test\">" },
  { "equivalent-none.xml", HEAD "  <equivalent/>\n" RATING_A TAIL,
      WS_ERROR_INVALID, "the attribute system is missing" },
  { "source-none.xml", HEAD "  <source/>\n" RATING_A TAIL, WS_ERROR_INVALID,
      "the attribute href is missing" },
  /* issue 14: the badge styling the files give */
  { "caption-style.xml",
      HEAD "  <badge caption='X' caption-style='tiny'/>\n" RATING_A TAIL,
      WS_ERROR_INVALID,
      "caption-style.xml:5: <badge>: unknown caption-style \"tiny\"" },
  { "caption-long.xml",
      HEAD "  <badge caption='ABCDEFGHIJKLMNOPQ'/>\n" RATING_A TAIL,
      WS_ERROR_INVALID, "write at most 16 characters on one line" },
  { "caption-newline.xml",
      HEAD "  <rating code='A' ordinal='0' kind='advisory' minimum-age='0' "
           "label='All'>\n    <badge caption='A&#10;B'/>\n  </rating>\n" TAIL,
      WS_ERROR_INVALID, "caption-newline.xml:6: <badge>: caption=" },
  { "max-pictograms-range.xml",
      HEAD "  <badge max-pictograms='9'/>\n" RATING_A TAIL, WS_ERROR_INVALID,
      "max-pictograms=\"9\": write a number from 0 to 8" },
  { "max-pictograms-rating.xml",
      HEAD "  <rating code='A' ordinal='0' kind='advisory' minimum-age='0' "
           "label='All'>\n    <badge max-pictograms='2'/>\n  </rating>\n" TAIL,
      WS_ERROR_INVALID, "max-pictograms belongs on the system's <badge>" },
};

/* The regulatory classes in the shipped data (issue #10): the
 * adult-explicit codes are exactly R18, X18+ and X; refused and unrated
 * match their kinds; every other code's class is its kind's. */
START_TEST (test_rating_system_classes)
{
  const WsRatingRegistry *reg = registry ();
  guint n_explicit = 0;

  for (guint i = 0; i < ws_rating_registry_get_n_systems (reg); i++) {
    const WsRatingSystem *sys = ws_rating_registry_get_system (reg, i);
    for (guint j = 0; j < ws_rating_system_get_n_ratings (sys); j++) {
      const WsRatingDef *d = ws_rating_system_get_rating (sys, j);
      WsRatingClass c = ws_rating_def_get_class (d);
      WsRatingKind k = ws_rating_def_get_kind (d);

      if (c == WS_RATING_CLASS_ADULT_EXPLICIT) {
        n_explicit++;
        ck_assert_int_eq (k, WS_RATING_KIND_RESTRICTED);
        ck_assert_int_eq (ws_rating_def_get_minimum_age (d), 18);
        /* the most restrictive rated code of its system */
        for (guint m = j + 1; m < ws_rating_system_get_n_ratings (sys); m++)
          ck_assert_int_lt (ws_rating_def_get_minimum_age (
                                ws_rating_system_get_rating (sys, m)),
              0);
      } else {
        ck_assert_int_eq (c,
            k == WS_RATING_KIND_ADVISORY   ? WS_RATING_CLASS_ADVISORY :
            k == WS_RATING_KIND_RESTRICTED ? WS_RATING_CLASS_RESTRICTED :
            k == WS_RATING_KIND_UNRATED    ? WS_RATING_CLASS_UNRATED :
                                             WS_RATING_CLASS_REFUSED);
      }
    }
  }
  ck_assert_uint_eq (n_explicit, 3);
  ck_assert_int_eq (ws_rating_def_get_class (parse_ok ("bbfc:R18")),
      WS_RATING_CLASS_ADULT_EXPLICIT);
  ck_assert_int_eq (ws_rating_def_get_class (parse_ok ("acb:X18+")),
      WS_RATING_CLASS_ADULT_EXPLICIT);
  ck_assert_int_eq (ws_rating_def_get_class (parse_ok ("icaa:X")),
      WS_RATING_CLASS_ADULT_EXPLICIT);
  ck_assert_int_eq (ws_rating_def_get_class (parse_ok ("bbfc:18")),
      WS_RATING_CLASS_RESTRICTED);
  ck_assert_int_eq (ws_rating_def_get_class (parse_ok ("acb:RC")),
      WS_RATING_CLASS_REFUSED);
  ck_assert_str_eq (ws_rating_class_to_string (WS_RATING_CLASS_ADULT_EXPLICIT),
      "adult-explicit");
  ck_assert_str_eq (ws_rating_class_to_string (WS_RATING_CLASS_UNRATED),
      "unrated");
  /* the systems that decide adult-explicit cite their sources */
  ck_assert_uint_ge (ws_rating_system_get_n_sources (system_ok ("bbfc")), 1);
  ck_assert (
      g_str_has_prefix (ws_rating_system_get_source (system_ok ("bbfc"), 0),
          "https://www.bbfc"));
  ck_assert_uint_ge (ws_rating_system_get_n_sources (system_ok ("acb")), 1);
  ck_assert_uint_ge (ws_rating_system_get_n_sources (system_ok ("icaa")), 1);
}
END_TEST

/* acb declares acma equivalent: the same symbol means the same rating. */
START_TEST (test_rating_system_equivalent_systems)
{
  const WsRatingSystem *acb = system_ok ("acb"), *acma = system_ok ("acma");

  ck_assert (ws_rating_system_is_equivalent (acb, acma));
  ck_assert (ws_rating_system_is_equivalent (acma, acb));
  ck_assert (ws_rating_system_is_equivalent (acb, acb));
  ck_assert (!ws_rating_system_is_equivalent (acb, system_ok ("bbfc")));
  ck_assert_ptr_eq (ws_rating_def_get_equivalent (parse_ok ("acb:M"), acma),
      parse_ok ("acma:M"));
  ck_assert_ptr_eq (ws_rating_def_get_equivalent (parse_ok ("acma:MA15+"), acb),
      parse_ok ("acb:MA15+"));
  ck_assert_ptr_eq (ws_rating_def_get_equivalent (parse_ok ("acb:M"), acb),
      parse_ok ("acb:M"));
  /* no such symbol, or not equivalent systems */
  ck_assert_ptr_null (
      ws_rating_def_get_equivalent (parse_ok ("acb:X18+"), acma));
  ck_assert_ptr_null (
      ws_rating_def_get_equivalent (parse_ok ("acma:AV15+"), acb));
  ck_assert_ptr_null (
      ws_rating_def_get_equivalent (parse_ok ("bbfc:PG"), acma));
}
END_TEST

START_TEST (test_rating_system_loader_errors)
{
  const LoaderErrorRow *row = &loader_errors[_i];
  WsRatingRegistry *reg = ws_rating_registry_new (NULL, NULL);
  GError *error = NULL;
  guint before;

  ck_assert_ptr_nonnull (reg);
  if (strcmp (row->name, "taken-id.xml") == 0) {
    static const char first[] = HEAD RATING_A TAIL;

    ck_assert (ws_rating_registry_add_memory (reg, first, strlen (first),
        "first.xml", NULL));
  }
  before = ws_rating_registry_get_n_systems (reg);
  ck_assert (!ws_rating_registry_add_memory (reg, row->doc, strlen (row->doc),
      row->name, &error));
  ck_assert_ptr_nonnull (error);
  ck_assert_msg (g_error_matches (error, WS_ERROR, row->code),
      "%s: code %d: %s", row->name, error->code, error->message);
  ck_assert_msg (strstr (error->message, row->needle) != NULL,
      "%s: message \"%s\" lacks \"%s\"", row->name, error->message,
      row->needle);
  g_error_free (error);
  /* On error the registry is unchanged. */
  ck_assert_uint_eq (ws_rating_registry_get_n_systems (reg), before);
  ck_assert_str_eq (ws_rating_system_get_id (
                        ws_rating_registry_lookup_system (reg, "uk-movie")),
      "bbfc");
  ck_assert_str_eq (ws_rating_def_get_name (
                        ws_rating_registry_resolve (reg, DVB_CS, "19.1.5")),
      "bbfc:15");
  ws_rating_registry_free (reg);
}
END_TEST

/* The badge styling of a file (issue 14): a rating inherits its system's
 * caption and may restyle or replace it; max-pictograms is the system's,
 * 5 when absent; the shipped files give FSK's caption and Kijkwijzer's
 * limit. */
START_TEST (test_rating_system_badge_styling)
{
  static const char doc[] = HEAD
      "  <badge caption='ZZ' max-pictograms='0'/>\n" RATING_A
      "  <rating code='B' ordinal='1' kind='restricted' minimum-age='13' "
      "label='B'>\n    <badge caption-style='line'/>\n  </rating>\n"
      "  <rating code='C-18' ordinal='2' kind='restricted' minimum-age='18' "
      "label='C'>\n    <badge caption='C' caption-style='line' text='18'/>\n"
      "  </rating>\n" TAIL;
  static const char plain[] = "<?xml version='1.0'?>\n"
                              "<rating-system "
                              "xmlns='urn:watershed:rating-system:1' "
                              "id='plain' territory='ZZ'>\n"
                              "  <name>Plain</name>\n"
                              "  <authority>Nobody</authority>\n" RATING_A TAIL;
  WsRatingRegistry *reg = ws_rating_registry_new_empty ();
  const WsRatingSystem *sys;
  const WsBadgeHints *b;
  GError *error = NULL;

  ck_assert_msg (ws_rating_registry_add_memory (reg, doc, strlen (doc),
                     "styled.xml", &error),
      "%s", error ? error->message : "");
  ck_assert (ws_rating_registry_add_memory (reg, plain, strlen (plain),
      "plain.xml", NULL));
  sys = ws_rating_registry_lookup_system (reg, "test");
  ck_assert_uint_eq (ws_rating_system_get_badge (sys)->max_pictograms, 0);
  ck_assert_str_eq (ws_rating_system_get_badge (sys)->caption, "ZZ");
  b = ws_rating_def_get_badge (ws_rating_system_lookup_rating (sys, "A"));
  ck_assert_str_eq (b->caption, "ZZ");
  ck_assert_int_eq (b->caption_style, WS_BADGE_CAPTION_SMALL);
  ck_assert_ptr_null (b->text);
  b = ws_rating_def_get_badge (ws_rating_system_lookup_rating (sys, "B"));
  ck_assert_str_eq (b->caption, "ZZ");
  ck_assert_int_eq (b->caption_style, WS_BADGE_CAPTION_LINE);
  b = ws_rating_def_get_badge (ws_rating_system_lookup_rating (sys, "C-18"));
  ck_assert_str_eq (b->caption, "C");
  ck_assert_str_eq (b->text, "18");
  ck_assert_int_eq (b->caption_style, WS_BADGE_CAPTION_LINE);
  sys = ws_rating_registry_lookup_system (reg, "plain");
  b = ws_rating_system_get_badge (sys);
  ck_assert_uint_eq (b->max_pictograms, WS_BADGE_DEFAULT_MAX_PICTOGRAMS);
  ck_assert_ptr_null (b->caption);
  ck_assert_ptr_null (ws_rating_system_get_badge (NULL));
  ws_rating_registry_free (reg);

  ck_assert_str_eq (ws_rating_def_get_badge (parse_ok ("fsk:16"))->caption,
      "FSK");
  ck_assert_ptr_null (ws_rating_def_get_badge (parse_ok ("bbfc:15"))->caption);
  ck_assert_uint_eq (ws_rating_def_get_badge (parse_ok ("kijkwijzer:12"))
                         ->max_pictograms,
      3);
}
END_TEST

START_TEST (test_rating_system_loader_accepts_minimal_file)
{
  static const char doc[] = HEAD
      "  <alias type='name'>Test Scheme</alias>\n"
      "  <badge shape='diamond' background='#80112233'/>\n"
      "  <descriptor code='v' category='violence' label='Violence'>\n"
      "    <alias>geweld</alias>\n  </descriptor>\n" RATING_A
      "  <rating code='B' ordinal='1' kind='restricted' minimum-age='13' "
      "label='Bee'>\n    <alias>bee</alias>\n"
      "    <alias scheme='urn:test:cs'>b-term</alias>\n"
      "    <badge foreground='#FF0000' text='B!'/>\n  </rating>\n"
      "  <rating code='X' ordinal='2' kind='refused' label='Refused'/>\n" TAIL;
  WsRatingRegistry *reg = ws_rating_registry_new_empty ();
  const WsRatingSystem *sys;
  const WsRatingDef *b;
  const WsBadgeHints *hints;
  GError *error = NULL;

  ck_assert_msg (ws_rating_registry_add_memory (reg, doc, strlen (doc),
                     "test.xml", &error),
      "%s", error ? error->message : "");
  ck_assert_uint_eq (ws_rating_registry_get_n_systems (reg), 1);
  sys = ws_rating_registry_lookup_system (reg, "test scheme");
  ck_assert_ptr_nonnull (sys);
  ck_assert_str_eq (ws_rating_system_get_path (sys), "test.xml");
  ck_assert_str_eq (ws_rating_system_get_territory (sys), "ZZ");
  ck_assert_str_eq (ws_rating_system_get_authority (sys), "Test authority");
  ck_assert_str_eq (ws_rating_system_get_name (sys), "Test");
  b = ws_rating_registry_resolve (reg, "urn:test:cs", "B-TERM");
  ck_assert_ptr_nonnull (b);
  ck_assert_ptr_eq (ws_rating_registry_resolve_uri (reg, "urn:test:cs:b-term"),
      b);
  ck_assert_ptr_eq (ws_rating_system_lookup_rating (sys, "BEE"), b);
  ck_assert_int_eq (ws_rating_def_get_minimum_age (b), 13);
  hints = ws_rating_def_get_badge (b);
  ck_assert_int_eq (hints->shape, WS_BADGE_SHAPE_DIAMOND);
  ck_assert_uint_eq (hints->background_argb, 0x80112233);
  ck_assert_uint_eq (hints->foreground_argb, 0xFFFF0000);
  ck_assert_str_eq (hints->text, "B!");
  hints = ws_rating_def_get_badge (ws_rating_system_lookup_rating (sys, "A"));
  ck_assert_uint_eq (hints->foreground_argb, 0xFF000000);
  ck_assert_ptr_null (hints->text);
  ck_assert_int_eq (ws_rating_def_get_minimum_age (
                        ws_rating_system_lookup_rating (sys, "X")),
      -1);
  ck_assert_str_eq (ws_rating_descriptor_get_code (
                        ws_rating_system_lookup_descriptor (sys, "GEWELD")),
      "v");
  ws_rating_registry_free (reg);
  ws_rating_registry_free (NULL);
}
END_TEST

static void
write_file (const char *dir, const char *name, const char *text)
{
  char *path = g_build_filename (dir, name, NULL);

  ck_assert (g_file_set_contents (path, text, -1, NULL));
  g_free (path);
}

static void
remove_dir (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *n;

  if (d != NULL) {
    while ((n = g_dir_read_name (d)) != NULL) {
      char *path = g_build_filename (dir, n, NULL);

      g_unlink (path);
      g_free (path);
    }
    g_dir_close (d);
  }
  g_rmdir (dir);
}

START_TEST (test_rating_system_registry_new_from_folder)
{
  char *dir = g_dir_make_tmp ("ws-rating-system-XXXXXX", NULL);
  char *missing;
  WsRatingRegistry *reg;
  GError *error = NULL;

  ck_assert_ptr_nonnull (dir);

  /* An empty folder. */
  reg = ws_rating_registry_new (dir, &error);
  ck_assert_ptr_null (reg);
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_IO));
  g_clear_error (&error);

  /* A good file: loaded. */
  write_file (dir, "a.xml", HEAD RATING_A TAIL);
  write_file (dir, "notes.txt", "ignored");
  reg = ws_rating_registry_new (dir, &error);
  ck_assert_msg (reg != NULL, "%s", error ? error->message : "");
  ck_assert_uint_eq (ws_rating_registry_get_n_systems (reg), 1);
  ws_rating_registry_free (reg);

  /* A bad file: the whole load fails and names the file and line. */
  write_file (dir, "b.xml",
      HEAD
      "  <rating code='A' ordinal='0' kind='advisory' label='All'/>\n" TAIL);
  reg = ws_rating_registry_new (dir, &error);
  ck_assert_ptr_null (reg);
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_INVALID));
  ck_assert_msg (strstr (error->message, "b.xml:5:") != NULL, "%s",
      error->message);
  g_clear_error (&error);

  /* add_file on a missing path. */
  missing = g_build_filename (dir, "missing.xml", NULL);
  reg = ws_rating_registry_new_empty ();
  ck_assert (!ws_rating_registry_add_file (reg, missing, &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_IO));
  g_clear_error (&error);
  ws_rating_registry_free (reg);
  g_free (missing);

  remove_dir (dir);
  ck_assert (!g_file_test (dir, G_FILE_TEST_EXISTS));

  /* A folder that does not exist. */
  reg = ws_rating_registry_new (dir, &error);
  ck_assert_ptr_null (reg);
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_IO));
  g_clear_error (&error);
  g_free (dir);
}
END_TEST

START_TEST (test_rating_system_registry_new_default_search)
{
  GError *error = NULL;
  WsRatingRegistry *reg = ws_rating_registry_new (NULL, &error);

  ck_assert_msg (reg != NULL, "%s", error ? error->message : "");
  ck_assert_uint_eq (ws_rating_registry_get_n_systems (reg),
      ws_rating_registry_get_n_systems (registry ()));
  ws_rating_registry_free (reg);
}
END_TEST

static gpointer
get_default_thread (gpointer data)
{
  return (gpointer) ws_rating_registry_get_default (NULL);
}

START_TEST (test_rating_system_get_default_is_shared)
{
  GThread *threads[4];
  const WsRatingRegistry *first;

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("default", get_default_thread, NULL);
  first = g_thread_join (threads[0]);
  ck_assert_ptr_nonnull (first);
  for (guint i = 1; i < G_N_ELEMENTS (threads); i++)
    ck_assert_ptr_eq (g_thread_join (threads[i]), first);
  ck_assert_ptr_eq (ws_rating_registry_get_default (NULL), first);
}
END_TEST

static Suite *
rating_system_suite (void)
{
  Suite *s = suite_create ("rating_system");
  TCase *tc;

  tc = tcase_create ("data");
  tcase_add_test (tc, test_rating_system_files_validate_against_xsd);
  tcase_add_test (tc, test_rating_system_every_rating_has_age_and_ordinal);
  tcase_add_loop_test (tc, test_rating_system_contract_codes_and_ages, 0,
      G_N_ELEMENTS (contract));
  tcase_add_test (tc, test_rating_system_kinds);
  tcase_add_test (tc, test_rating_system_dvb_cs_terms_all_mapped);
  tcase_add_test (tc, test_rating_system_cmr_codes_all_mapped);
  tcase_add_test (tc, test_rating_system_itunes_codes_all_mapped);
  tcase_add_test (tc, test_rating_system_descriptors);
  tcase_add_test (tc, test_rating_system_badge_hints);
  suite_add_tcase (s, tc);

  tc = tcase_create ("lookup");
  tcase_add_loop_test (tc, test_rating_system_lookup_system_by_alias, 0,
      G_N_ELEMENTS (system_names));
  tcase_add_loop_test (tc, test_rating_system_resolve_table, 0,
      G_N_ELEMENTS (resolve_rows));
  tcase_add_loop_test (tc, test_rating_system_resolve_uri_table, 0,
      G_N_ELEMENTS (uri_rows));
  tcase_add_test (tc, test_rating_system_lookup_age);
  tcase_add_test (tc, test_rating_system_parse_forms);
  tcase_add_loop_test (tc, test_rating_system_parse_errors, 0,
      G_N_ELEMENTS (parse_errors));
  suite_add_tcase (s, tc);

  tc = tcase_create ("order");
  tcase_add_test (tc, test_rating_system_compare);
  tcase_add_loop_test (tc, test_rating_system_convert_table, 0,
      G_N_ELEMENTS (conversions));
  tcase_add_test (tc, test_rating_system_convert_none_restrictive_enough);
  tcase_add_test (tc, test_rating_system_classes);
  tcase_add_test (tc, test_rating_system_equivalent_systems);
  suite_add_tcase (s, tc);

  tc = tcase_create ("loader");
  tcase_add_loop_test (tc, test_rating_system_loader_errors, 0,
      G_N_ELEMENTS (loader_errors));
  tcase_add_test (tc, test_rating_system_loader_accepts_minimal_file);
  tcase_add_test (tc, test_rating_system_registry_new_from_folder);
  tcase_add_test (tc, test_rating_system_registry_new_default_search);
  tcase_add_test (tc, test_rating_system_get_default_is_shared);
  tcase_add_test (tc, test_rating_system_badge_styling);
  suite_add_tcase (s, tc);

  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (rating_system_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  xmlCleanupParser ();
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
