/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * watershed: SMPTE ST 2067-3 IMF Composition Playlist reader.
 *
 * Reads CompositionPlaylist/LocaleList/Locale/ContentMaturityRatingList/
 * ContentMaturityRating {Agency, Rating, Audience@scope} in the 2013 and 2016
 * namespaces. The Agency is an xs:anyURI: a MovieLabs CMR URI
 * (http://www.movielabs.com/md/ratings/US/MPAA/2) or a legacy one
 * (http://www.mpaa.org/2003-ratings); real files also hold bare words such
 * as "MCAA" and empty Ratings, which are read leniently with warnings.
 *
 * Territory of each rating: the Locale's RegionList/Region (ISO 3166-1
 * alpha-2, or a UN M.49 area such as "021", which is warned about), else the
 * CMR URI's country segment, else the rating system's territory.
 *
 * This file also hosts the helpers declared in ws-metadata-readers.h.
 */
#include "ws-metadata-readers.h"

#include <string.h>

/* ---- shared helpers (ws-metadata-readers.h) ----------------------------- */

gboolean
ws_cmr_uri_parse (const char *uri, WsCmrUri *out)
{
  static const char *const prefixes[] = {
    "http://www.movielabs.com/md/ratings/",
    "https://www.movielabs.com/md/ratings/",
    "http://movielabs.com/md/ratings/",
    "https://movielabs.com/md/ratings/",
  };
  const char *rest = NULL;
  char **parts;
  guint n;

  g_return_val_if_fail (out != NULL, FALSE);
  memset (out, 0, sizeof (*out));
  if (uri == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (prefixes); i++) {
    gsize len = strlen (prefixes[i]);

    if (g_ascii_strncasecmp (uri, prefixes[i], len) == 0) {
      rest = uri + len;
      break;
    }
  }
  if (rest == NULL)
    return FALSE;

  parts = g_strsplit (rest, "/", 6);
  n = g_strv_length (parts);
  /* A trailing "/" leaves an empty last part. */
  while (n > 0 && parts[n - 1][0] == '\0')
    n--;
  if (n < 2 || n > 4 || parts[0][0] == '\0' || parts[1][0] == '\0') {
    g_strfreev (parts);
    return FALSE;
  }
  out->country = g_strdup (parts[0]);
  out->system = g_strdup (parts[1]);
  out->version = n > 2 ? g_strdup (parts[2]) : NULL;
  out->code = n > 3 ? g_uri_unescape_string (parts[3], NULL) : NULL;
  g_strfreev (parts);
  return TRUE;
}

void
ws_cmr_uri_clear (WsCmrUri *cmr)
{
  if (cmr == NULL)
    return;
  g_free (cmr->country);
  g_free (cmr->system);
  g_free (cmr->version);
  g_free (cmr->code);
  memset (cmr, 0, sizeof (*cmr));
}

gboolean
ws_metadata_is_absolute_uri (const char *s)
{
  const char *p;

  if (s == NULL || !g_ascii_isalpha (s[0]))
    return FALSE;
  for (p = s + 1; *p != '\0'; p++) {
    if (*p == ':')
      return p[1] != '\0';
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '-' && *p != '.')
      return FALSE;
  }
  return FALSE;
}

const char *
ws_metadata_system_territory (const WsRatingSystem *sys)
{
  const char *t;

  if (sys == NULL)
    return NULL;
  t = ws_rating_system_get_territory (sys);
  return t != NULL ? ws_territory_normalise (t) : NULL;
}

const WsRatingSystem *
ws_metadata_rating_system (const WsRatingRegistry *reg, const WsRating *rating)
{
  if (rating == NULL || rating->system == NULL)
    return NULL;
  return ws_rating_registry_lookup_system (reg, rating->system);
}

const WsRatingDef *
ws_metadata_find_unrated (const WsRatingSystem *sys)
{
  if (sys == NULL)
    return NULL;
  for (guint i = 0; i < ws_rating_system_get_n_ratings (sys); i++) {
    const WsRatingDef *def = ws_rating_system_get_rating (sys, i);

    if (ws_rating_def_get_kind (def) == WS_RATING_KIND_UNRATED)
      return def;
  }
  return NULL;
}

gboolean
ws_metadata_add_descriptor (const WsRatingRegistry *reg, WsRating *rating,
    const char *code)
{
  const WsRatingSystem *sys = ws_metadata_rating_system (reg, rating);
  const WsRatingDescriptor *d = NULL;
  const char *stored = code;

  g_return_val_if_fail (code != NULL, FALSE);

  if (sys != NULL)
    d = ws_rating_system_lookup_descriptor (sys, code);
  if (d != NULL)
    stored = ws_rating_descriptor_get_code (d);
  for (guint i = 0; i < rating->descriptors->len; i++) {
    if (g_ascii_strcasecmp (g_ptr_array_index (rating->descriptors, i),
            stored) == 0)
      return d != NULL;
  }
  g_ptr_array_add (rating->descriptors, g_strdup (stored));
  return d != NULL;
}

void
ws_metadata_take_rating_for (WsMetadata *md, WsRating *rating,
    const xmlNode *node, GPtrArray *territories, const char *fallback)
{
  GPtrArray *seen;

  if (territories == NULL || territories->len == 0) {
    g_free (rating->territory);
    rating->territory = g_strdup (fallback);
    ws_metadata_take_rating (md, rating, node);
    return;
  }
  seen = g_ptr_array_new ();
  for (guint i = 0; i < territories->len; i++) {
    const char *t = g_ptr_array_index (territories, i);
    WsRating *copy;
    gboolean dup = FALSE;

    for (guint j = 0; j < seen->len && !dup; j++)
      dup = strcmp (g_ptr_array_index (seen, j), t) == 0;
    if (dup)
      continue;
    g_ptr_array_add (seen, (gpointer) t);
    copy = ws_rating_copy (rating);
    g_free (copy->territory);
    copy->territory = g_strdup (t);
    ws_metadata_take_rating (md, copy, node);
  }
  g_ptr_array_unref (seen);
  ws_rating_free (rating);
}

const char *
ws_metadata_root_ns (const xmlNode *root)
{
  if (root == NULL || root->ns == NULL || root->ns->href == NULL ||
      root->ns->href[0] == '\0')
    return NULL;
  return (const char *) root->ns->href;
}

/* ---- UN M.49 areas ------------------------------------------------------ */

/* BCP 47 region subtags (and so CPL Regions) may be UN M.49 three-digit
 * area codes. Members are listed where a rating system's territory commonly
 * falls inside; NULL members means "not checked". */
typedef struct {
  const char *code;
  const char *name;
  const char *members;
} M49Area;

static const M49Area m49_areas[] = {
  { "001", "World", "*" },
  { "002", "Africa", NULL },
  { "005", "South America", "AR BO BR BV CL CO EC FK GF GS GY PE PY SR UY VE" },
  { "009", "Oceania", NULL },
  { "011", "Western Africa", NULL },
  { "013", "Central America", "BZ CR GT HN MX NI PA SV" },
  { "014", "Eastern Africa", NULL },
  { "015", "Northern Africa", NULL },
  { "017", "Middle Africa", NULL },
  { "018", "Southern Africa", "BW LS NA SZ ZA" },
  { "019", "Americas", NULL },
  { "021", "Northern America", "BM CA GL PM US" },
  { "029", "Caribbean", NULL },
  { "030", "Eastern Asia", "CN HK JP KP KR MN MO TW" },
  { "034", "Southern Asia", "AF BD BT IN IR LK MV NP PK" },
  { "035", "South-eastern Asia", "BN ID KH LA MM MY PH SG TH TL VN" },
  { "039", "Southern Europe",
      "AD AL BA ES GI GR HR IT ME MK MT PT RS SI SM VA" },
  { "053", "Australia and New Zealand", "AU CC CX HM NF NZ" },
  { "054", "Melanesia", NULL },
  { "057", "Micronesia", NULL },
  { "061", "Polynesia", NULL },
  { "142", "Asia", NULL },
  { "143", "Central Asia", "KG KZ TJ TM UZ" },
  { "145", "Western Asia", NULL },
  { "150", "Europe",
      "AX DK EE FI FO GB GG IE IM IS JE LT LV NO SE SJ AT BE CH DE FR LI LU "
      "MC NL AD AL BA ES GI GR HR IT ME MK MT PT RS SI SM VA BG BY CZ HU MD "
      "PL RO RU SK UA" },
  { "151", "Eastern Europe", "BG BY CZ HU MD PL RO RU SK UA" },
  { "154", "Northern Europe",
      "AX DK EE FI FO GB GG IE IM IS JE LT LV NO SE SJ" },
  { "155", "Western Europe", "AT BE CH DE FR LI LU MC NL" },
  { "202", "Sub-Saharan Africa", NULL },
  { "419", "Latin America and the Caribbean", NULL },
};

static const M49Area *
m49_lookup (const char *code)
{
  for (gsize i = 0; i < G_N_ELEMENTS (m49_areas); i++) {
    if (strcmp (m49_areas[i].code, code) == 0)
      return &m49_areas[i];
  }
  return NULL;
}

/* -1: not checked, 0: outside, 1: inside. */
static int
m49_contains (const M49Area *area, const char *alpha2)
{
  char **members;
  int found = 0;

  if (area->members == NULL)
    return -1;
  if (strcmp (area->members, "*") == 0)
    return 1;
  members = g_strsplit (area->members, " ", -1);
  for (char **m = members; *m != NULL && !found; m++)
    found = strcmp (*m, alpha2) == 0;
  g_strfreev (members);
  return found;
}

static gboolean
is_three_digits (const char *s)
{
  return g_ascii_isdigit (s[0]) && g_ascii_isdigit (s[1]) &&
         g_ascii_isdigit (s[2]) && s[3] == '\0';
}

/* ---- the reader --------------------------------------------------------- */

typedef struct {
  WsMetadata *md;
  const WsRatingRegistry *reg;
  const char *ns;
  char *programme;
} CplReader;

/* Region elements of one Locale, as alpha-2 codes; areas and invalid codes
 * are kept aside in @areas / warned about here. */
static GPtrArray *
locale_regions (CplReader *cr, const xmlNode *locale, GPtrArray *areas)
{
  GPtrArray *out = g_ptr_array_new ();
  xmlNode *list = ws_xml_first_child (locale, cr->ns, "RegionList");
  xmlNode *region;

  for (region = ws_xml_first_child (list, cr->ns, "Region"); region != NULL;
       region = ws_xml_next_sibling (region, cr->ns, "Region")) {
    char *text = ws_xml_text (region);
    const char *cc;

    if (text == NULL) {
      ws_metadata_warn_node (cr->md, region,
          "empty Region: ignored; give an ISO 3166-1 country code (\"US\")");
      continue;
    }
    /* Alpha-2, alpha-3 or numeric: M.49 country codes are the ISO 3166-1
     * numeric codes. */
    cc = ws_territory_normalise (text);
    if (cc != NULL)
      g_ptr_array_add (out, (gpointer) cc);
    else if (is_three_digits (text) && m49_lookup (text) != NULL)
      g_ptr_array_add (areas, region);
    else if (strrchr (text, '-') != NULL &&
             (cc = ws_territory_normalise (strrchr (text, '-') + 1)) != NULL) {
      /* A whole language tag ("en-GB") where the region subtag belongs. */
      ws_metadata_warn_node (cr->md, region,
          "Region \"%s\" is a language tag, not a region: read as %s; "
          "write the region subtag only (\"%s\")",
          text, cc, cc);
      g_ptr_array_add (out, (gpointer) cc);
    } else
      ws_metadata_warn_node (cr->md, region,
          "Region \"%s\" is not an ISO 3166-1 country code: ignored; use an "
          "alpha-2 code such as \"US\" or \"GB\"",
          text);
    g_free (text);
  }
  return out;
}

/* Where the rating applies when the Locale names no country. */
static const char *
fallback_territory (CplReader *cr, const WsRating *r, const char *agency,
    const char *scheme, const xmlNode *node)
{
  WsCmrUri cmr;
  const char *cc = NULL;

  if (ws_cmr_uri_parse (agency, &cmr)) {
    cc = ws_territory_normalise (cmr.country);
    if (cc == NULL)
      ws_metadata_warn_node (cr->md, node,
          "the country \"%s\" of Agency \"%s\" is not an ISO 3166-1 code",
          cmr.country, agency);
    ws_cmr_uri_clear (&cmr);
  }
  if (cc == NULL)
    cc = ws_metadata_system_territory (ws_metadata_rating_system (cr->reg, r));
  /* The code did not resolve, but the agency names a known system. */
  if (cc == NULL && scheme != NULL)
    cc = ws_metadata_system_territory (
        ws_rating_registry_lookup_system (cr->reg, scheme));
  return cc;
}

static void
warn_areas (CplReader *cr, GPtrArray *areas, const char *territory,
    const WsRating *r)
{
  for (guint i = 0; i < areas->len; i++) {
    const xmlNode *region = g_ptr_array_index (areas, i);
    char *code = ws_xml_text (region);
    const M49Area *area = m49_lookup (code);
    int inside = territory ? m49_contains (area, territory) : -1;

    if (territory == NULL)
      ws_metadata_warn_node (cr->md, region,
          "Region \"%s\" is the UN M.49 area \"%s\", not a country, and the "
          "agency names none: the rating applies to every territory; list "
          "ISO 3166-1 country codes in RegionList",
          code, area->name);
    else
      ws_metadata_warn_node (cr->md, region,
          "Region \"%s\" is the UN M.49 area \"%s\", not a country: the "
          "rating is applied to %s, the territory of %s%s; list ISO 3166-1 "
          "country codes in RegionList",
          code, area->name, territory, r->system ? r->system : "the agency",
          inside == 1 ? ", which lies in that area" :
          inside == 0 ? ", which lies OUTSIDE that area: check the file" :
                        "");
    g_free (code);
  }
}

/* Areas beside countries: the countries say where the rating applies. */
static void
warn_ignored_areas (CplReader *cr, GPtrArray *areas)
{
  for (guint i = 0; i < areas->len; i++) {
    const xmlNode *region = g_ptr_array_index (areas, i);
    char *code = ws_xml_text (region);

    ws_metadata_warn_node (cr->md, region,
        "Region \"%s\" is the UN M.49 area \"%s\", not a country: ignored "
        "(the rating applies to the countries listed beside it)",
        code, m49_lookup (code)->name);
    g_free (code);
  }
}

/* The scheme to resolve with: the Agency, or when the registry does not
 * know that exact URI, the system a CMR URI names in another version. */
static char *
agency_scheme (CplReader *cr, const char *agency, const xmlNode *node)
{
  WsCmrUri cmr;
  const WsRatingSystem *sys;
  char *scheme = g_strdup (agency);

  if (agency == NULL || ws_rating_registry_lookup_system (cr->reg, agency))
    return scheme;
  if (ws_cmr_uri_parse (agency, &cmr)) {
    char *versionless = g_strdup_printf ("http://www.movielabs.com/md/"
                                         "ratings/%s/%s",
        cmr.country, cmr.system);

    sys = ws_rating_registry_lookup_system (cr->reg, versionless);
    if (sys == NULL)
      sys = ws_rating_registry_lookup_system (cr->reg, cmr.system);
    if (sys != NULL) {
      ws_metadata_warn_node (cr->md, node,
          "Agency \"%s\" is not a CMR URI watershed knows (version \"%s\"): "
          "read as rating system %s; check the agency URI",
          agency, cmr.version ? cmr.version : "none",
          ws_rating_system_get_id (sys));
      g_free (scheme);
      scheme = g_strdup (ws_rating_system_get_id (sys));
    }
    g_free (versionless);
    ws_cmr_uri_clear (&cmr);
  }
  return scheme;
}

static gboolean
read_maturity_rating (CplReader *cr, xmlNode *cmr_node, GPtrArray *countries,
    GPtrArray *areas, GError **error)
{
  xmlNode *agency_node = ws_xml_first_child (cmr_node, cr->ns, "Agency");
  xmlNode *rating_node = ws_xml_first_child (cmr_node, cr->ns, "Rating");
  xmlNode *audience = ws_xml_first_child (cmr_node, cr->ns, "Audience");
  char *agency, *value, *scheme;
  WsRating *r;
  const char *fallback = NULL;

  if (agency_node == NULL && rating_node == NULL)
    return ws_metadata_set_invalid (error, cr->md, cmr_node,
        "has neither Agency nor Rating, so nothing says what the programme "
        "is rated; ST 2067-3 requires both: add them or remove the element");

  agency = ws_xml_text (agency_node);
  value = ws_xml_text (rating_node);

  if (agency == NULL) {
    ws_metadata_warn_node (cr->md, agency_node ? agency_node : cmr_node,
        "no Agency: the rating cannot be attributed to a rating system; "
        "give the agency's URI (e.g. "
        "http://www.movielabs.com/md/ratings/US/MPAA/2)");
  } else if (!ws_metadata_is_absolute_uri (agency)) {
    const WsRatingSystem *sys = ws_rating_registry_lookup_system (cr->reg,
        agency);

    if (sys != NULL)
      ws_metadata_warn_node (cr->md, agency_node,
          "Agency \"%s\" is not a URI (ST 2067-3 declares xs:anyURI): read "
          "as rating system %s; use the agency's CMR URI",
          agency, ws_rating_system_get_id (sys));
    else
      ws_metadata_warn_node (cr->md, agency_node,
          "Agency \"%s\" is not a URI (ST 2067-3 declares xs:anyURI) and "
          "names no rating system watershed knows: the rating is treated as "
          "unrated (most restrictive); use the agency's MovieLabs CMR URI "
          "(e.g. http://www.movielabs.com/md/ratings/US/MPAA/2)",
          agency);
  }

  r = ws_rating_new ();
  r->programme = g_strdup (cr->programme);
  scheme = agency_scheme (cr, agency, agency_node);
  ws_metadata_resolve (cr->md, r, cr->reg, scheme, value,
      rating_node ? rating_node : cmr_node);
  /* Record what the file says, not the scheme we fell back to. */
  g_free (r->source_system);
  r->source_system = g_strdup (agency);

  if (audience != NULL) {
    char *scope = ws_xml_attr (audience, "scope", NULL);

    if (scope == NULL)
      ws_metadata_warn_node (cr->md, audience,
          "Audience without a scope attribute (required by ST 2067-3): "
          "ignored");
    else if (!ws_metadata_is_absolute_uri (scope))
      ws_metadata_warn_node (cr->md, audience,
          "Audience scope \"%s\" is a bare word, not a URI (ST 2067-3 "
          "declares xs:anyURI): read as an audience label only",
          scope);
    g_free (scope);
  }

  if (countries->len == 0) {
    fallback = fallback_territory (cr, r, agency, scheme, cmr_node);
    warn_areas (cr, areas, fallback, r);
  }
  ws_metadata_take_rating_for (cr->md, r, cmr_node, countries, fallback);

  g_free (scheme);
  g_free (agency);
  g_free (value);
  return TRUE;
}

static gint
compare_warning_lines (gconstpointer a, gconstpointer b)
{
  const WsMetadataWarning *wa = *(const WsMetadataWarning *const *) a;
  const WsMetadataWarning *wb = *(const WsMetadataWarning *const *) b;

  return (wa->line > wb->line) - (wa->line < wb->line);
}

gboolean
ws_metadata_read_cpl (WsMetadata *md, xmlNode *root,
    const WsRatingRegistry *reg, GError **error)
{
  CplReader cr = { md, reg, ws_metadata_root_ns (root), NULL };
  xmlNode *id = ws_xml_first_child (root, cr.ns, "Id");
  xmlNode *title = ws_xml_first_child (root, cr.ns, "ContentTitle");
  xmlNode *list = ws_xml_first_child (root, cr.ns, "LocaleList");
  gboolean ok = TRUE;

  cr.programme = ws_xml_text (id);
  if (cr.programme == NULL)
    ws_metadata_warn_node (md, id ? id : root,
        "the CompositionPlaylist has no Id (required by ST 2067-3): its "
        "ratings carry no programme identifier");
  md->title = ws_xml_text (title);

  for (xmlNode *locale = ws_xml_first_child (list, cr.ns, "Locale");
       locale != NULL && ok;
       locale = ws_xml_next_sibling (locale, cr.ns, "Locale")) {
    xmlNode *cmrl = ws_xml_first_child (locale, cr.ns,
        "ContentMaturityRatingList");
    GPtrArray *areas, *countries;

    if (cmrl == NULL)
      continue;
    areas = g_ptr_array_new ();
    countries = locale_regions (&cr, locale, areas);
    if (countries->len > 0)
      warn_ignored_areas (&cr, areas);
    for (xmlNode *cmr =
             ws_xml_first_child (cmrl, cr.ns, "ContentMaturityRating");
         cmr != NULL && ok;
         cmr = ws_xml_next_sibling (cmr, cr.ns, "ContentMaturityRating"))
      ok = read_maturity_rating (&cr, cmr, countries, areas, error);
    g_ptr_array_unref (countries);
    g_ptr_array_unref (areas);
  }
  g_free (cr.programme);
  /* Region and Audience findings are made while reading the rating they
   * qualify; report everything in document order. */
  g_ptr_array_sort (md->warnings, compare_warning_lines);
  return ok;
}
