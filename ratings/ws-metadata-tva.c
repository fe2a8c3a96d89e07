/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: TV-Anytime (ETSI TS 102 822-3-1) and DVB-I service list readers.
 *
 * TV-Anytime (`TVAMain`, any `urn:tva:metadata:YEAR`, MPEG-7 part in
 * `urn:tva:mpeg7:*`): every `ParentalGuidance` is read wherever TVA puts one
 * (a `BasicDescription` of a ProgramInformation or GroupInformation, the
 * `InstanceDescription` of a ScheduleEvent, BroadcastEvent or
 * OnDemandProgram). The programme is the nearest `@programId`, `@groupId`
 * or `Program/@crid` above it. Each `ParentalGuidance` gives one rating per
 * territory of its `CountryCodes` (none = every territory):
 *
 * - `mpeg7:MinimumAge` 4..18 gives `dvb:<age>`. Below 4 it is read as
 *   `dvb:4`, the least restrictive DVB rating at least as strict; above 18
 *   the age is kept with no rating system. 255 is DVB-I's "a Content Rating
 *   classification scheme is required" (A177 / TS 103 770 table 61): the
 *   rating is then the `ParentalRating` given for the same territory, and
 *   when none resolves the programme is unrated (most restrictive).
 * - `mpeg7:ParentalRating/@href` is resolved through the registry
 *   (DVB ParentalGuidanceCS, FVC ContentRatingCS, DTG BBFCContentRatingCS and
 *   any alias a system declares).
 * - TVA ContentAlertCS terms and the DTG ContentWarningCS (`G` guidance,
 *   `W` watershed) are not ratings: their descriptor and texts join the
 *   rating of the same programme and territory.
 * - `ExplanatoryText` attaches to the rating of its own `ParentalGuidance`.
 *
 * Documents in `urn:tva:metadata:2019` or later are checked against the
 * DVB-I content-guide profile (A177 table 61, as the validator
 * paulhiggs/dvb-i-tools lib/cg_check.mjs applies it): the first
 * ParentalGuidance of a country holds MinimumAge; at most one MinimumAge and
 * one ParentalRating per country; MinimumAge 4..18 or 255; ExplanatoryText
 * has length="long", at most 160 characters, one per language; DTG content
 * warnings come with ExplanatoryText. A breach is a violation: the document
 * is read but reported invalid.
 *
 * DVB-I service lists (`ServiceList`, `urn:dvb:metadata:servicediscovery:*`):
 * `Service/ParentalRating/MinimumAge` (4..18) with `@countryCodes`; the
 * programme is the service's UniqueIdentifier. A country given twice in one
 * service (SL252), two defaults (SL253) and unknown countries (SL251) are
 * violations.
 *
 * Identical ratings (a schedule of 1440 events pointing at two programmes)
 * are kept once, and a finding repeated more than REPEAT_LIMIT times is
 * summarised instead of listed.
 */
#include "ws-metadata-private.h"

#include <string.h>

#define TVA_NS "urn:tva:metadata:"
#define MPEG7_NS "urn:tva:mpeg7:"
#define SL_NS "urn:dvb:metadata:servicediscovery:"

#define DTG_WARNING_CS "urn:dtg:metadata:cs:DTGContentWarningCS:"
#define CONTENT_ALERT_CS "urn:tva:metadata:cs:ContentAlertCS:"

/* The first TVA namespace year that DVB-I (A177r1) uses. */
#define DVBI_FIRST_YEAR 2019
/* A177 table 61 / dvb-i-tools MAX_EXPLANATORY_TEXT_LENGTH. */
#define DVBI_MAX_TEXT_CHARS 160
/* A177 table 61: "a Content Rating classification scheme is required". */
#define AGE_SEE_SCHEME 255
/* The ages of the parental_rating_descriptor (EN 300 468): 4..18. */
#define DVB_MIN_AGE 4
#define DVB_MAX_AGE 18

/* Findings listed one by one before being summarised. */
#define REPEAT_LIMIT 5

/* @source_system of ratings read from a MinimumAge element. */
#define SOURCE_TVA_AGE "mpeg7:MinimumAge"
#define SOURCE_SL_AGE "dvbi:MinimumAge"

/* Descriptor written for a DTG "W" (watershed) content warning. */
#define DESCRIPTOR_WATERSHED "watershed"

typedef struct {
  guint count;
  gboolean invalid;
  char *element;
  char *message;
} Finding;

typedef struct {
  WsMetadata *md;
  const WsRatingRegistry *reg;
  gboolean dvbi;            /* apply the DVB-I (A177) profile rules */
  gboolean warned_no_dvb;   /* "dvb" is missing from the registry */
  GHashTable *rating_keys;  /* dedupe keys of committed ratings */
  GHashTable *findings;     /* key -> Finding */
  GPtrArray *finding_order; /* Finding*, first-seen order (not owned) */
  GHashTable *titles;       /* programme id -> title */
  GHashTable *programmes;   /* programme ids described or rated */
} Reader;

static void
finding_free (gpointer p)
{
  Finding *f = p;

  g_free (f->element);
  g_free (f->message);
  g_free (f);
}

static void
reader_init (Reader *rd, WsMetadata *md, const WsRatingRegistry *reg,
    gboolean dvbi)
{
  rd->md = md;
  rd->reg = reg;
  rd->dvbi = dvbi;
  rd->warned_no_dvb = FALSE;
  rd->rating_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  rd->findings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      finding_free);
  rd->finding_order = g_ptr_array_new ();
  rd->titles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  rd->programmes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
}

/* Adds the summaries of repeated findings, sets the title and frees. */
static void
reader_finish (Reader *rd)
{
  for (guint i = 0; i < rd->finding_order->len; i++) {
    const Finding *f = g_ptr_array_index (rd->finding_order, i);

    if (f->count <= REPEAT_LIMIT)
      continue;
    if (f->invalid)
      ws_metadata_add_violation (rd->md, 0, f->element,
          "%u more like this, not listed: %s", f->count - REPEAT_LIMIT,
          f->message);
    else
      ws_metadata_add_warning (rd->md, 0, f->element,
          "%u more like this, not listed: %s", f->count - REPEAT_LIMIT,
          f->message);
  }

  /* The title is only meaningful when the document is about one programme. */
  if (rd->md->title == NULL && g_hash_table_size (rd->programmes) == 1) {
    GHashTableIter it;
    gpointer id;

    g_hash_table_iter_init (&it, rd->programmes);
    if (g_hash_table_iter_next (&it, &id, NULL))
      rd->md->title = g_strdup (g_hash_table_lookup (rd->titles, id));
  }

  g_hash_table_unref (rd->rating_keys);
  g_ptr_array_unref (rd->finding_order);
  g_hash_table_unref (rd->findings);
  g_hash_table_unref (rd->titles);
  g_hash_table_unref (rd->programmes);
}

static void report (Reader *rd, const xmlNode *node, gboolean invalid,
    const char *format, ...) G_GNUC_PRINTF (4, 5);

/* A warning (or, with @invalid, a violation) at @node, listed at most
 * REPEAT_LIMIT times per distinct element and message. */
static void
report (Reader *rd, const xmlNode *node, gboolean invalid, const char *format,
    ...)
{
  const char *element = node != NULL ? (const char *) node->name : NULL;
  va_list args;
  Finding *f;
  char *msg, *key;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);

  key = g_strdup_printf ("%c%s\x1f%s", invalid ? '!' : '-',
      element ? element : "", msg);
  f = g_hash_table_lookup (rd->findings, key);
  if (f == NULL) {
    f = g_new0 (Finding, 1);
    f->invalid = invalid;
    f->element = g_strdup (element);
    f->message = g_strdup (msg);
    g_hash_table_insert (rd->findings, key, f);
    g_ptr_array_add (rd->finding_order, f);
  } else {
    g_free (key);
  }
  f->count++;

  if (f->count <= REPEAT_LIMIT) {
    if (invalid)
      ws_metadata_add_violation (rd->md, ws_xml_line (node), element, "%s",
          msg);
    else
      ws_metadata_add_warning (rd->md, ws_xml_line (node), element, "%s", msg);
  }
  g_free (msg);
}

/* ---- ratings: building, deduplication ---------------------------------- */

static void
key_append (GString *s, const char *v)
{
  if (v == NULL)
    g_string_append_c (s, '\x1e');
  else
    g_string_append (s, v);
  g_string_append_c (s, '\x1f');
}

/* Everything that makes two ratings different, except where they came
 * from (line, element). */
static char *
rating_key (const WsRating *r)
{
  GString *s = g_string_new (NULL);

  key_append (s, r->programme);
  key_append (s, r->territory);
  key_append (s, r->system);
  key_append (s, r->code);
  key_append (s, r->source_system);
  key_append (s, r->source_code);
  g_string_append_printf (s,
      "%d\x1f%" G_GINT64_FORMAT "\x1f%" G_GINT64_FORMAT "\x1f", r->minimum_age,
      r->start_ns, r->end_ns);
  for (guint i = 0; i < r->descriptors->len; i++)
    key_append (s, g_ptr_array_index (r->descriptors, i));
  g_string_append_c (s, '\x1d');
  for (guint i = 0; i < r->texts->len; i++) {
    const WsGuidanceText *t = g_ptr_array_index (r->texts, i);

    key_append (s, t->lang);
    key_append (s, t->length);
    key_append (s, t->text);
  }
  return g_string_free (s, FALSE);
}

/* Appends @r (transfer full) unless an identical rating is there already. */
static void
commit_rating (Reader *rd, WsRating *r)
{
  char *key = rating_key (r);

  if (g_hash_table_contains (rd->rating_keys, key)) {
    g_free (key);
    ws_rating_free (r);
    return;
  }
  g_hash_table_add (rd->rating_keys, key);
  if (r->programme != NULL &&
      !g_hash_table_contains (rd->programmes, r->programme))
    g_hash_table_add (rd->programmes, g_strdup (r->programme));
  ws_metadata_take_rating (rd->md, r, NULL);
}

static void
add_descriptor (WsRating *r, const char *code)
{
  for (guint i = 0; i < r->descriptors->len; i++) {
    if (strcmp (g_ptr_array_index (r->descriptors, i), code) == 0)
      return;
  }
  g_ptr_array_add (r->descriptors, g_strdup (code));
}

static void
move_texts (WsRating *to, WsRating *from)
{
  for (guint i = 0; i < from->texts->len; i++) {
    const WsGuidanceText *t = g_ptr_array_index (from->texts, i);

    ws_rating_add_text (to, t->lang, t->length, t->text);
  }
  g_ptr_array_set_size (from->texts, 0);
}

static const char *
territory_label (const char *territory)
{
  return territory != NULL ? territory : "every territory";
}

/* ---- MinimumAge -------------------------------------------------------- */

/* Parses a MinimumAge value. Returns the age, or -1 (after a violation)
 * when it is not a whole number. */
static int
parse_age (Reader *rd, const xmlNode *node, const char *text)
{
  guint64 v;

  if (text == NULL) {
    report (rd, node, TRUE,
        "empty MinimumAge: the schema requires a whole "
        "number; treated as unrated (most restrictive)");
    return -1;
  }
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT, &v, NULL)) {
    report (rd, node, TRUE,
        "MinimumAge \"%s\" is not a whole number of "
        "years: treated as unrated (most restrictive); write an age such as "
        "15",
        text);
    return -1;
  }
  return (int) v;
}

static const WsRatingDef *
dvb_rating (Reader *rd, const xmlNode *node, int age)
{
  const WsRatingDef *def = ws_rating_registry_lookup_age (rd->reg, "dvb", age);

  if (def == NULL && !rd->warned_no_dvb) {
    rd->warned_no_dvb = TRUE;
    report (rd, node, FALSE,
        "the rating system \"dvb\" (minimum ages 4 to "
        "18) is not loaded: ages are kept without a rating system; check "
        "the rating-system folder (watershed rate list)");
  }
  return def;
}

/* Fills @r from the age @age (-1: unusable) written as @text. */
static void
apply_age (Reader *rd, WsRating *r, const xmlNode *node, const char *source,
    const char *text, int age)
{
  const WsRatingDef *def = NULL;

  g_free (r->source_system);
  r->source_system = g_strdup (source);
  g_free (r->source_code);
  r->source_code = g_strdup (text);
  ws_rating_set_resolved (r, NULL);
  if (age < 0)
    return;
  if (age <= DVB_MAX_AGE)
    def = dvb_rating (rd, node, MAX (age, DVB_MIN_AGE));
  if (def != NULL)
    ws_rating_set_resolved (r, def);
  else
    r->minimum_age = age;
}

/* The DVB-I / DVB reading of an age outside 4..18 (not 255), as a finding. */
static void
report_age_range (Reader *rd, const xmlNode *node, int age, gboolean violation,
    const char *rule)
{
  if (age < DVB_MIN_AGE)
    report (rd, node, violation,
        "MinimumAge %d is below the DVB range "
        "4-18%s%s: read as dvb:4, the least restrictive DVB rating at least "
        "as strict",
        age, violation ? "; " : "", violation ? rule : "");
  else
    report (rd, node, violation,
        "MinimumAge %d is above the DVB range "
        "4-18%s%s: kept as minimum age %d with no rating system",
        age, violation ? "; " : "", violation ? rule : "", age);
}

/* ---- territories ------------------------------------------------------- */

typedef struct {
  GPtrArray *territories; /* alpha-2 or NULL (= every territory); never empty */
  GPtrArray *keys;        /* per-country keys for the DVB-I counts */
} Territories;

static void
territories_clear (Territories *t)
{
  g_ptr_array_unref (t->territories);
  g_ptr_array_unref (t->keys);
}

/* Linear: only used on lists of valid territories (at most 249). */
static gboolean
contains_str (GPtrArray *a, const char *s)
{
  for (guint i = 0; i < a->len; i++) {
    if (g_strcmp0 (g_ptr_array_index (a, i), s) == 0)
      return TRUE;
  }
  return FALSE;
}

static gboolean
is_upper_alpha3 (const char *code)
{
  return strlen (code) == 3 && g_ascii_isupper (code[0]) &&
         g_ascii_isupper (code[1]) && g_ascii_isupper (code[2]);
}

/* The territories of one ParentalGuidance: its CountryCodes (ISO 3166
 * alpha-3, comma-separated), else its mpeg7:Region codes, else every
 * territory. Invalid codes are violations; when none is usable the rating
 * is kept without a territory rather than lost. */
static void
pg_territories (Reader *rd, const xmlNode *pg, Territories *out)
{
  const xmlNode *cc = ws_xml_first_child (pg, NULL, "CountryCodes");
  char *text = cc != NULL ? ws_xml_text (cc) : NULL;
  gboolean had_codes = FALSE;

  out->territories = g_ptr_array_new_with_free_func (g_free);
  out->keys = g_ptr_array_new_with_free_func (g_free);

  if (text != NULL) {
    char **codes = g_strsplit_set (text, ", \t\r\n", -1);
    GHashTable *bad_keys = g_hash_table_new_full (g_str_hash, g_str_equal,
        g_free, NULL);

    for (char **c = codes; *c != NULL; c++) {
      const char *t;

      if (**c == '\0')
        continue;
      had_codes = TRUE;
      t = ws_territory_normalise (*c);
      if (t == NULL) {
        char *upper = g_ascii_strup (*c, -1);

        if (ws_territory_is_dvb_group (*c))
          report (rd, cc, TRUE,
              "CountryCodes \"%s\" is a DVB country group "
              "(TS 101 162), not an ISO 3166 country: that entry is ignored; "
              "list the countries",
              *c);
        else
          report (rd, cc, TRUE,
              "CountryCodes \"%s\" is not an ISO 3166 "
              "country code: that entry is ignored; use the alpha-3 code "
              "(GBR, DEU, NZL)",
              *c);
        /* Invalid codes are unbounded: deduplicate them by hash. */
        if (g_hash_table_add (bad_keys, upper))
          g_ptr_array_add (out->keys, g_strdup (upper));
        continue;
      }
      if (!is_upper_alpha3 (*c))
        report (rd, cc, TRUE,
            "CountryCodes \"%s\" read as %s: the schema "
            "wants upper-case ISO 3166 alpha-3 codes (%s)",
            *c, t, ws_territory_get_alpha3 (t));
      if (!contains_str (out->territories, t)) {
        g_ptr_array_add (out->territories, g_strdup (t));
        g_ptr_array_add (out->keys, g_strdup (t));
      }
    }
    g_strfreev (codes);
    g_hash_table_unref (bad_keys);
  } else if (cc != NULL) {
    report (rd, cc, TRUE,
        "empty CountryCodes: the schema requires at least "
        "one country; read as every territory");
  } else {
    for (const xmlNode *r = ws_xml_first_child (pg, NULL, "Region"); r;
         r = ws_xml_next_sibling (r, NULL, "Region")) {
      char *region = ws_xml_text (r);
      char *cut;
      const char *t;

      if (region == NULL)
        continue;
      had_codes = TRUE;
      /* mpeg7:regionCode: alpha-2, optionally "-" and a subdivision. */
      cut = strchr (region, '-');
      if (cut != NULL)
        *cut = '\0';
      t = strlen (region) == 2 ? ws_territory_normalise (region) : NULL;
      if (t == NULL) {
        report (rd, r, TRUE,
            "Region \"%s\" is not an ISO 3166 alpha-2 "
            "country: that entry is ignored",
            region);
      } else if (!contains_str (out->territories, t)) {
        g_ptr_array_add (out->territories, g_strdup (t));
        g_ptr_array_add (out->keys, g_strdup (t));
      }
      g_free (region);
    }
  }

  if (out->territories->len == 0) {
    if (had_codes)
      report (rd, cc, FALSE,
          "no usable country in this ParentalGuidance: "
          "its rating is kept without a territory (it applies everywhere)");
    g_ptr_array_add (out->territories, NULL);
    if (out->keys->len == 0)
      g_ptr_array_add (out->keys, g_strdup ("*"));
  }
  g_free (text);
}

/* ---- ExplanatoryText --------------------------------------------------- */

static gboolean
is_length_class (const char *length)
{
  return strcmp (length, "short") == 0 || strcmp (length, "medium") == 0 ||
         strcmp (length, "long") == 0;
}

/* Reads the ExplanatoryText children of @pg into @into->texts, checking
 * the DVB-I rules. Returns the number of ExplanatoryText elements. */
static guint
read_texts (Reader *rd, const xmlNode *pg, WsRating *into)
{
  GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  guint n = 0;

  for (const xmlNode *e = ws_xml_first_child (pg, NULL, "ExplanatoryText"); e;
       e = ws_xml_next_sibling (e, NULL, "ExplanatoryText")) {
    char *length = ws_xml_attr (e, "length", NULL);
    xmlChar *lang_raw = xmlNodeGetLang (e);
    xmlChar *raw = xmlNodeGetContent (e);
    char *text = ws_xml_text (e);
    char *lang = NULL, *key;

    n++;
    if (lang_raw != NULL && lang_raw[0] != '\0')
      lang = g_strdup ((const char *) lang_raw);
    xmlFree (lang_raw);

    if (length == NULL) {
      if (rd->dvbi)
        report (rd, e, TRUE,
            "ExplanatoryText has no @length: DVB-I requires "
            "length=\"long\" (A177 table 61)");
    } else if (!is_length_class (length)) {
      report (rd, e, TRUE,
          "ExplanatoryText length=\"%s\": TV-Anytime allows "
          "short, medium or long",
          length);
    } else if (rd->dvbi && strcmp (length, "long") != 0) {
      report (rd, e, TRUE,
          "ExplanatoryText length=\"%s\": DVB-I allows only "
          "length=\"long\" (A177 table 61)",
          length);
    }

    if (text == NULL) {
      report (rd, e, rd->dvbi,
          "empty ExplanatoryText: ignored; write the "
          "guidance text%s",
          rd->dvbi ? " (DVB-I requires a value)" : "");
    } else {
      /* Counted as written (white space included), as the validator does:
       * ExplanatoryText is an xs:string. */
      glong chars = g_utf8_strlen ((const char *) raw, -1);

      if (rd->dvbi && chars > DVBI_MAX_TEXT_CHARS)
        report (rd, e, TRUE,
            "ExplanatoryText has %ld characters: DVB-I "
            "allows at most %d (A177 table 61); shorten it",
            chars, DVBI_MAX_TEXT_CHARS);
      ws_metadata_add_text (rd->md, into, e, lang, length, text);
    }

    key = g_strdup_printf ("%s/%s", length ? length : "long", lang ? lang : "");
    if (g_hash_table_contains (seen, key)) {
      if (rd->dvbi)
        report (rd, e, TRUE,
            "a second ExplanatoryText with length=\"%s\" "
            "and language \"%s\" in one ParentalGuidance: DVB-I allows one "
            "per length and language (A177 table 61)",
            length ? length : "long", lang ? lang : "(none)");
      g_free (key);
    } else {
      g_hash_table_add (seen, key);
    }

    g_free (length);
    g_free (lang);
    g_free (text);
    xmlFree (raw);
  }
  g_hash_table_unref (seen);
  return n;
}

/* ---- ParentalRating ---------------------------------------------------- */

typedef enum {
  ORIGIN_AGE,        /* MinimumAge */
  ORIGIN_SEE_SCHEME, /* MinimumAge 255: placeholder until a scheme rating */
  ORIGIN_SCHEME,     /* ParentalRating term */
  ORIGIN_NOTE,       /* content warning or alert: joins another rating */
} Origin;

typedef struct {
  WsRating *rating;
  Origin origin;
  gboolean dropped;
  const xmlNode *node; /* MinimumAge or ParentalRating */
  char *href;          /* ORIGIN_NOTE: the term */
  char *category;      /* ORIGIN_NOTE: descriptor to add, nullable */
} Built;

static void
built_free (gpointer p)
{
  Built *b = p;

  if (b->rating != NULL)
    ws_rating_free (b->rating);
  g_free (b->href);
  g_free (b->category);
  g_free (b);
}

static Built *
built_new (GPtrArray *built, WsRating *r, Origin origin, const xmlNode *node)
{
  Built *b = g_new0 (Built, 1);

  b->rating = r;
  b->node = node;
  b->origin = origin;
  g_ptr_array_add (built, b);
  return b;
}

/* Splits a term URI at its last ':' (URN) or '/' (URL). */
static void
split_term (const char *href, char **scheme, char **term)
{
  const char *cut = g_str_has_prefix (href, "urn:") ? strrchr (href, ':') :
                                                      strrchr (href, '/');

  if (cut == NULL || cut[1] == '\0') {
    *scheme = NULL;
    *term = g_strdup (href);
    return;
  }
  *scheme = g_strndup (href, (gsize) (cut - href));
  *term = g_strdup (cut + 1);
}

/* TVA ContentAlertCS (6.x) term -> the common descriptor category, or NULL
 * for "alert not required" and the "no ... descriptors" terms (6.y.1).
 * Sets *known to FALSE for a term outside the scheme. */
static const char *
content_alert_category (const char *term, gboolean *known)
{
  static const char *const categories[] = {
    NULL,               /* 6.0 alert not required */
    "sex",              /* 6.1 */
    "nudity",           /* 6.2 */
    "violence",         /* 6.3 violence - human beings */
    "violence",         /* 6.4 violence - animals */
    "fantasy-violence", /* 6.5 violence - fantasy characters */
    "language",         /* 6.6 */
    "fear",             /* 6.7 disturbing scenes */
    "discrimination",   /* 6.8 */
    "drugs",            /* 6.9 illegal drugs */
    "other",            /* 6.10 strobing */
  };
  char **parts = g_strsplit (term, ".", -1);
  guint n = g_strv_length (parts);
  guint64 major = 0, minor = 0, sub = 0;
  const char *category = NULL;

  *known = n >= 2 && n <= 4 &&
           g_ascii_string_to_unsigned (parts[0], 10, 0, 99, &major, NULL) &&
           major == 6 &&
           g_ascii_string_to_unsigned (parts[1], 10, 0,
               G_N_ELEMENTS (categories) - 1, &minor, NULL) &&
           (n < 3 ||
               g_ascii_string_to_unsigned (parts[2], 10, 1, 99, &sub, NULL));
  if (*known && sub != 1)
    category = categories[minor];
  g_strfreev (parts);
  return category;
}

typedef struct {
  const char *programme;
  GHashTable *countries; /* key -> CountryCount (DVB-I rules) */
  GPtrArray *built;      /* Built*, document order */
  guint n_texts;         /* ExplanatoryText elements of the current pg */
} Container;

typedef struct {
  guint n_pg;
  guint n_age;
  guint n_rating;
} CountryCount;

/* Reads one mpeg7:ParentalRating into ratings (one per territory) on
 * @c->built, each a copy of @tmpl. */
static void
read_parental_rating (Reader *rd, Container *c, const xmlNode *node,
    const WsRating *tmpl, const Territories *terr)
{
  char *href = ws_xml_attr (node, "href", NULL);
  char *scheme = NULL, *term = NULL;
  const WsRatingDef *def = NULL;
  Origin origin = ORIGIN_SCHEME;
  const char *category = NULL;

  if (href == NULL) {
    char *name = ws_xml_text (ws_xml_first_child (node, NULL, "Name"));

    report (rd, node, TRUE,
        "ParentalRating has no @href (required): "
        "treated as unrated (most restrictive); give the rating term URI%s%s"
        "%s",
        name ? " (its Name is \"" : "", name ? name : "", name ? "\")" : "");
    term = name;
  } else {
    split_term (href, &scheme, &term);
    if (g_str_has_prefix (href, DTG_WARNING_CS)) {
      origin = ORIGIN_NOTE;
      if (g_ascii_strcasecmp (term, "W") == 0)
        category = DESCRIPTOR_WATERSHED;
      else if (g_ascii_strcasecmp (term, "G") != 0)
        report (rd, node, FALSE,
            "\"%s\" is not a term of the DTG "
            "ContentWarningCS (G guidance, W watershed): ignored",
            href);
      if (c->n_texts == 0) {
        if (rd->dvbi)
          report (rd, node, TRUE,
              "the DTG ContentWarningCS term \"%s\" needs "
              "ExplanatoryText in the same ParentalGuidance (DVB-I, A177 "
              "table 61); add the guidance text",
              term);
        else if (g_ascii_strcasecmp (term, "G") == 0)
          report (rd, node, FALSE,
              "the DTG ContentWarningCS term \"G\" "
              "promises guidance text but the ParentalGuidance has no "
              "ExplanatoryText");
      }
    } else if (g_str_has_prefix (href, CONTENT_ALERT_CS)) {
      gboolean known;

      origin = ORIGIN_NOTE;
      category = content_alert_category (term, &known);
      if (!known)
        report (rd, node, FALSE,
            "\"%s\" is not a term of the TV-Anytime "
            "ContentAlertCS (6.0 to 6.10): ignored",
            href);
    } else {
      def = ws_rating_registry_resolve_uri (rd->reg, href);
      if (def == NULL)
        report (rd, node, FALSE,
            "ParentalRating \"%s\" is not a rating "
            "term watershed knows: treated as unrated (most restrictive); "
            "check the term (watershed rate list shows the systems)",
            href);
    }
  }

  for (guint i = 0; i < terr->territories->len; i++) {
    WsRating *r = ws_rating_copy (tmpl);
    Built *b;

    r->territory = g_strdup (g_ptr_array_index (terr->territories, i));
    r->line = ws_xml_line (node);
    r->element = g_strdup ((const char *) node->name);
    r->source_system = g_strdup (scheme);
    r->source_code = g_strdup (term);
    ws_rating_set_resolved (r, def);
    b = built_new (c->built, r, origin, node);
    if (origin == ORIGIN_NOTE) {
      b->href = g_strdup (href);
      b->category = g_strdup (category);
    }
  }
  g_free (href);
  g_free (scheme);
  g_free (term);
}

/* Reads one mpeg7:MinimumAge into ratings (one per territory). */
static void
read_minimum_age (Reader *rd, Container *c, const xmlNode *node,
    const WsRating *tmpl, const Territories *terr)
{
  char *text = ws_xml_text (node);
  int age = parse_age (rd, node, text);
  Origin origin = age == AGE_SEE_SCHEME ? ORIGIN_SEE_SCHEME : ORIGIN_AGE;

  if (age >= 0 && age != AGE_SEE_SCHEME &&
      (age < DVB_MIN_AGE || age > DVB_MAX_AGE))
    report_age_range (rd, node, age, rd->dvbi,
        "DVB-I allows 4 to 18, or "
        "255 (A177 table 61)");

  for (guint i = 0; i < terr->territories->len; i++) {
    WsRating *r = ws_rating_copy (tmpl);

    r->territory = g_strdup (g_ptr_array_index (terr->territories, i));
    r->line = ws_xml_line (node);
    r->element = g_strdup ((const char *) node->name);
    if (origin == ORIGIN_SEE_SCHEME) {
      r->source_system = g_strdup (SOURCE_TVA_AGE);
      r->source_code = g_strdup (text);
    } else {
      apply_age (rd, r, node, SOURCE_TVA_AGE, text, age);
    }
    built_new (c->built, r, origin, node);
  }
  g_free (text);
}

static void
check_namespace (Reader *rd, const xmlNode *node)
{
  if (!ws_xml_ns_has_prefix (node, MPEG7_NS))
    report (rd, node, TRUE,
        "%s must be in the MPEG-7 namespace "
        "(urn:tva:mpeg7:2008): read anyway",
        (const char *) node->name);
}

/* Counts for the DVB-I rules of one ParentalGuidance. */
static void
check_dvbi_counts (Reader *rd, Container *c, const xmlNode *pg,
    const xmlNode *age, const xmlNode *rating, const Territories *terr)
{
  for (guint i = 0; i < terr->keys->len; i++) {
    const char *key = g_ptr_array_index (terr->keys, i);
    CountryCount *cc = g_hash_table_lookup (c->countries, key);
    const char *label = strcmp (key, "*") == 0 ? "the default country" : key;

    if (cc == NULL) {
      cc = g_new0 (CountryCount, 1);
      g_hash_table_insert (c->countries, g_strdup (key), cc);
    }
    if (rd->dvbi) {
      if (cc->n_pg == 0 && age == NULL)
        report (rd, pg, TRUE,
            "the first ParentalGuidance for %s must hold "
            "mpeg7:MinimumAge (DVB-I, A177 table 61); add a ParentalGuidance "
            "with the minimum age before this one",
            label);
      if (age != NULL && cc->n_age > 0)
        report (rd, age, TRUE,
            "a second MinimumAge for %s: DVB-I allows one "
            "per country (A177 table 61)",
            label);
      if (rating != NULL && cc->n_rating > 0)
        report (rd, rating, TRUE,
            "a second ParentalRating for %s: DVB-I "
            "allows one per country (A177 table 61)",
            label);
    }
    cc->n_pg++;
    cc->n_age += age != NULL;
    cc->n_rating += rating != NULL;
  }
}

static void
read_parental_guidance (Reader *rd, Container *c, const xmlNode *pg)
{
  const xmlNode *age = ws_xml_first_child (pg, NULL, "MinimumAge");
  const xmlNode *rating = ws_xml_first_child (pg, NULL, "ParentalRating");
  const xmlNode *extra;
  WsRating *tmpl;
  Territories terr;

  pg_territories (rd, pg, &terr);
  check_dvbi_counts (rd, c, pg, age, rating, &terr);

  tmpl = ws_rating_new ();
  tmpl->programme = g_strdup (c->programme);
  c->n_texts = read_texts (rd, pg, tmpl);

  if (age == NULL && rating == NULL) {
    report (rd, pg, TRUE,
        "ParentalGuidance holds neither mpeg7:MinimumAge "
        "nor mpeg7:ParentalRating (the schema requires one): ignored");
  }
  if (age != NULL && rating != NULL)
    report (rd, pg, TRUE,
        "ParentalGuidance holds both mpeg7:MinimumAge and "
        "mpeg7:ParentalRating; the schema allows one (a choice): both read; "
        "put them in separate ParentalGuidance elements");
  if ((extra = ws_xml_next_sibling (age, NULL, "MinimumAge")) != NULL)
    report (rd, extra, TRUE,
        "a second MinimumAge in one ParentalGuidance: "
        "only the first is read");
  if ((extra = ws_xml_next_sibling (rating, NULL, "ParentalRating")) != NULL)
    report (rd, extra, TRUE,
        "a second ParentalRating in one "
        "ParentalGuidance: only the first is read");

  if (age != NULL) {
    check_namespace (rd, age);
    read_minimum_age (rd, c, age, tmpl, &terr);
  }
  if (rating != NULL) {
    check_namespace (rd, rating);
    read_parental_rating (rd, c, rating, tmpl, &terr);
  }
  ws_rating_free (tmpl);
  territories_clear (&terr);
}

static const char *
territory_key (const char *territory)
{
  return territory != NULL ? territory : ""; /* "" is never a territory */
}

/* The first rating per territory that notes (or, with @scheme_only,
 * MinimumAge 255) can join: a hash, as a container may be large. Keys and
 * values are borrowed from @built. */
static GHashTable *
index_targets (GPtrArray *built, gboolean scheme_only)
{
  GHashTable *index = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < built->len; i++) {
    Built *b = g_ptr_array_index (built, i);
    const char *key = territory_key (b->rating->territory);

    if (b->dropped || b->origin == ORIGIN_NOTE)
      continue;
    if (scheme_only && b->origin != ORIGIN_SCHEME)
      continue;
    if (!g_hash_table_contains (index, key))
      g_hash_table_insert (index, (gpointer) key, b);
  }
  return index;
}

static void
join_note (Reader *rd, WsRating *target, Built *note)
{
  if (note->category != NULL) {
    const WsRatingSystem *sys = target->system != NULL ?
                                    ws_rating_registry_lookup_system (rd->reg,
                                        target->system) :
                                    NULL;
    const WsRatingDescriptor *d = NULL;

    /* The target system's own descriptor when it knows the term or the
     * category; the common category otherwise. */
    if (sys != NULL) {
      d = ws_rating_system_lookup_descriptor (sys, note->href);
      if (d == NULL)
        d = ws_rating_system_lookup_descriptor (sys, note->category);
    }
    add_descriptor (target,
        d != NULL ? ws_rating_descriptor_get_code (d) : note->category);
  }
  move_texts (target, note->rating);
}

/* Combines the ratings of one container and commits them. */
static void
finish_container (Reader *rd, Container *c)
{
  GHashTable *index = index_targets (c->built, TRUE);

  /* MinimumAge 255: the rating is the ParentalRating of that territory. */
  for (guint i = 0; i < c->built->len; i++) {
    Built *b = g_ptr_array_index (c->built, i);
    Built *scheme;

    if (b->origin != ORIGIN_SEE_SCHEME)
      continue;
    scheme = g_hash_table_lookup (index, territory_key (b->rating->territory));
    if (scheme != NULL) {
      move_texts (scheme->rating, b->rating);
      b->dropped = TRUE;
    } else {
      report (rd, b->node, FALSE,
          "%s: MinimumAge 255 means the rating is given by a "
          "classification scheme in a ParentalRating (DVB-I, A177 table 61), "
          "but no ParentalRating gives one for %s: treated as unrated (most "
          "restrictive)",
          c->programme ? c->programme : "programme",
          territory_label (b->rating->territory));
    }
  }
  g_hash_table_unref (index);

  /* Content warnings and alerts join the rating of their territory. */
  index = index_targets (c->built, FALSE);
  for (guint i = 0; i < c->built->len; i++) {
    Built *b = g_ptr_array_index (c->built, i);
    Built *target;

    if (b->origin != ORIGIN_NOTE)
      continue;
    target = g_hash_table_lookup (index, territory_key (b->rating->territory));
    if (target == NULL && b->rating->territory != NULL) {
      /* A note for one country on top of a default rating: that country
       * gets its own copy of the default rating. */
      Built *base = g_hash_table_lookup (index, territory_key (NULL));

      if (base != NULL) {
        WsRating *copy = ws_rating_copy (base->rating);

        g_free (copy->territory);
        copy->territory = g_strdup (b->rating->territory);
        join_note (rd, copy, b);
        ws_rating_free (b->rating);
        b->rating = copy;
        b->origin = ORIGIN_AGE;
        g_hash_table_insert (index, b->rating->territory, b);
        continue;
      }
    }
    if (target != NULL) {
      join_note (rd, target->rating, b);
      b->dropped = TRUE;
    } else {
      /* Nothing to join: it stands alone, unrated. */
      if (b->category != NULL)
        add_descriptor (b->rating, b->category);
      report (rd, b->node, FALSE,
          "%s (%s): \"%s\" is a content warning, not a "
          "rating, and there is no rating to attach it to: treated as "
          "unrated (most restrictive)",
          c->programme ? c->programme : "programme",
          territory_label (b->rating->territory), b->href);
      /* Later notes for the same territory join this one. */
      g_hash_table_insert (index,
          (gpointer) territory_key (b->rating->territory), b);
    }
  }
  g_hash_table_unref (index);

  for (guint i = 0; i < c->built->len; i++) {
    Built *b = g_ptr_array_index (c->built, i);

    if (b->dropped)
      continue;
    commit_rating (rd, b->rating);
    b->rating = NULL;
  }
}

/* ---- TV-Anytime document ----------------------------------------------- */

/* The programme a ParentalGuidance container describes. */
static char *
container_programme (const xmlNode *container)
{
  static const char *const id_attrs[] = { "programId", "groupId", "segmentId" };

  for (const xmlNode *a = container; a && a->type == XML_ELEMENT_NODE;
       a = a->parent) {
    const xmlNode *prog;
    char *id;

    for (gsize i = 0; i < G_N_ELEMENTS (id_attrs); i++) {
      if ((id = ws_xml_attr (a, id_attrs[i], NULL)) != NULL)
        return id;
    }
    prog = ws_xml_first_child (a, TVA_NS, "Program");
    if (prog != NULL && (id = ws_xml_attr (prog, "crid", NULL)) != NULL)
      return id;
  }
  return NULL;
}

static void
read_container (Reader *rd, const xmlNode *container)
{
  Container c = { 0 };
  char *programme = container_programme (container);

  c.programme = programme;
  c.countries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  c.built = g_ptr_array_new_with_free_func (built_free);

  for (const xmlNode *pg =
           ws_xml_first_child (container, TVA_NS, "ParentalGuidance");
       pg; pg = ws_xml_next_sibling (pg, TVA_NS, "ParentalGuidance"))
    read_parental_guidance (rd, &c, pg);
  finish_container (rd, &c);

  g_ptr_array_unref (c.built);
  g_hash_table_unref (c.countries);
  g_free (programme);
}

/* The main title of a BasicDescription: type "main" (the default) without
 * its own xml:lang first, then any main title, then any title. */
static char *
main_title (const xmlNode *desc, const char *ns)
{
  const xmlNode *best = NULL;
  int best_score = -1;

  for (const xmlNode *t = ws_xml_first_child (desc, ns, "Title"); t;
       t = ws_xml_next_sibling (t, ns, "Title")) {
    char *type = ws_xml_attr (t, "type", NULL);
    char *lang = ws_xml_attr (t, "lang", WS_XML_NS_XML);
    int score = (type == NULL || strcmp (type, "main") == 0 ? 2 : 0) +
                (lang == NULL ? 1 : 0);

    if (score > best_score) {
      best = t;
      best_score = score;
    }
    g_free (type);
    g_free (lang);
  }
  return best != NULL ? ws_xml_text (best) : NULL;
}

static void
record_programme (Reader *rd, const xmlNode *pi)
{
  char *id = ws_xml_attr (pi, "programId", NULL);
  char *title;

  if (id == NULL) {
    report (rd, pi, TRUE,
        "ProgramInformation has no @programId (required): "
        "its ratings have no programme");
    return;
  }
  title = main_title (ws_xml_first_child (pi, TVA_NS, "BasicDescription"),
      TVA_NS);
  if (title != NULL && !g_hash_table_contains (rd->titles, id))
    g_hash_table_insert (rd->titles, g_strdup (id), title);
  else
    g_free (title);
  if (!g_hash_table_contains (rd->programmes, id))
    g_hash_table_add (rd->programmes, id);
  else
    g_free (id);
}

static gboolean
has_parental_guidance (const xmlNode *n)
{
  return ws_xml_first_child (n, TVA_NS, "ParentalGuidance") != NULL;
}

/* Document order, without recursion (documents may be deep). */
static void
walk_tva (Reader *rd, xmlNode *root)
{
  xmlNode *n = root;

  for (;;) {
    gboolean descend = FALSE;

    if (n->type == XML_ELEMENT_NODE) {
      if (ws_xml_is (n, TVA_NS, "ProgramInformation"))
        record_programme (rd, n);
      if (has_parental_guidance (n))
        read_container (rd, n);
      /* A ParentalGuidance holds no other ParentalGuidance. */
      descend = n->children != NULL &&
                !ws_xml_is (n, TVA_NS, "ParentalGuidance");
    }
    if (descend) {
      n = n->children;
      continue;
    }
    while (n != root && n->next == NULL)
      n = n->parent;
    if (n == root)
      break;
    n = n->next;
  }
}

/* DVB-I uses urn:tva:metadata:2019 and later; older years predate it. */
static gboolean
is_dvbi_namespace (const xmlNode *root)
{
  const char *href = root->ns != NULL ? (const char *) root->ns->href : NULL;
  const char *year;
  guint64 y = 0;
  char digits[5];

  if (href == NULL || !g_str_has_prefix (href, TVA_NS))
    return FALSE;
  year = href + strlen (TVA_NS);
  if (strlen (year) < 4)
    return FALSE;
  memcpy (digits, year, 4);
  digits[4] = '\0';
  if (!g_ascii_string_to_unsigned (digits, 10, 1990, 9999, &y, NULL))
    return FALSE;
  return y >= DVBI_FIRST_YEAR;
}

gboolean
ws_metadata_read_tva (WsMetadata *md, xmlNode *root,
    const WsRatingRegistry *reg, GError **error)
{
  Reader rd;

  g_return_val_if_fail (md != NULL && root != NULL && reg != NULL, FALSE);

  reader_init (&rd, md, reg, is_dvbi_namespace (root));
  walk_tva (&rd, root);
  reader_finish (&rd);
  return TRUE;
}

/* ---- DVB-I service list ------------------------------------------------ */

static void
read_service_age (Reader *rd, const xmlNode *age, const char *programme,
    GHashTable *countries, gboolean *have_default)
{
  char *text = ws_xml_text (age);
  int value = parse_age (rd, age, text);
  char *codes = ws_xml_attr (age, "countryCodes", NULL);
  GPtrArray *territories = g_ptr_array_new_with_free_func (g_free);

  if (value >= 0 && (value < DVB_MIN_AGE || value > DVB_MAX_AGE))
    report_age_range (rd, age, value, TRUE,
        "a service's MinimumAge must be "
        "4 to 18 (A177 RatingConstrainedAgeType)");

  if (codes != NULL) {
    char **list = g_strsplit (codes, ",", -1);
    gboolean had_codes = FALSE;

    for (char **c = list; *c != NULL; c++) {
      const char *t;

      g_strstrip (*c);
      if (**c == '\0')
        continue;
      had_codes = TRUE;
      t = ws_territory_normalise (*c);
      if (t == NULL) {
        report (rd, age, TRUE,
            "countryCodes \"%s\" is not an ISO 3166 "
            "country code (SL251): that entry is ignored; use the alpha-3 "
            "code (GBR, FRA, DEU)",
            *c);
        continue;
      }
      if (!is_upper_alpha3 (*c))
        report (rd, age, TRUE,
            "countryCodes \"%s\" read as %s: the schema "
            "wants upper-case ISO 3166 alpha-3 codes (%s)",
            *c, t, ws_territory_get_alpha3 (t));
      if (g_hash_table_contains (countries, t)) {
        report (rd, age, TRUE,
            "%s: a second MinimumAge for %s in one "
            "service (SL252): DVB-I allows one per country (A177 table 37f); "
            "both are kept",
            programme ? programme : "service", t);
      } else {
        g_hash_table_add (countries, g_strdup (t));
      }
      if (!contains_str (territories, t))
        g_ptr_array_add (territories, g_strdup (t));
    }
    g_strfreev (list);
    if (territories->len == 0 && had_codes)
      report (rd, age, FALSE,
          "no usable country in countryCodes: the "
          "minimum age is kept without a territory (it applies everywhere)");
  } else {
    if (*have_default)
      report (rd, age, TRUE,
          "%s: a second MinimumAge without countryCodes "
          "(SL253): DVB-I allows one default per service",
          programme ? programme : "service");
    *have_default = TRUE;
  }
  if (territories->len == 0)
    g_ptr_array_add (territories, NULL);

  for (guint i = 0; i < territories->len; i++) {
    WsRating *r = ws_rating_new ();

    r->programme = g_strdup (programme);
    r->territory = g_strdup (g_ptr_array_index (territories, i));
    r->line = ws_xml_line (age);
    r->element = g_strdup ((const char *) age->name);
    apply_age (rd, r, age, SOURCE_SL_AGE, text, value);
    commit_rating (rd, r);
  }
  g_ptr_array_unref (territories);
  g_free (codes);
  g_free (text);
}

static void
read_service (Reader *rd, const xmlNode *svc)
{
  char *id = ws_xml_text (ws_xml_first_child (svc, SL_NS, "UniqueIdentifier"));
  char *title = ws_xml_text (ws_xml_first_child (svc, SL_NS, "ServiceName"));
  const xmlNode *pr = ws_xml_first_child (svc, SL_NS, "ParentalRating");
  GHashTable *countries;
  gboolean have_default = FALSE;

  if (id == NULL)
    report (rd, svc, TRUE,
        "Service has no UniqueIdentifier (required): its "
        "ratings have no programme");
  else if (!g_hash_table_contains (rd->programmes, id))
    g_hash_table_add (rd->programmes, g_strdup (id));
  if (id != NULL && title != NULL && !g_hash_table_contains (rd->titles, id))
    g_hash_table_insert (rd->titles, g_strdup (id), g_strdup (title));

  if (pr != NULL && ws_xml_next_sibling (pr, SL_NS, "ParentalRating"))
    report (rd, ws_xml_next_sibling (pr, SL_NS, "ParentalRating"), TRUE,
        "a second ParentalRating in one Service: the schema allows one; "
        "only the first is read");

  countries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (const xmlNode *age = ws_xml_first_child (pr, SL_NS, "MinimumAge"); age;
       age = ws_xml_next_sibling (age, SL_NS, "MinimumAge"))
    read_service_age (rd, age, id, countries, &have_default);
  if (pr != NULL && ws_xml_first_child (pr, SL_NS, "MinimumAge") == NULL)
    report (rd, pr, TRUE,
        "ParentalRating holds no MinimumAge (the schema "
        "requires at least one): the service is unrated");
  g_hash_table_unref (countries);
  g_free (id);
  g_free (title);
}

gboolean
ws_metadata_read_dvbi_service_list (WsMetadata *md, xmlNode *root,
    const WsRatingRegistry *reg, GError **error)
{
  Reader rd;

  g_return_val_if_fail (md != NULL && root != NULL && reg != NULL, FALSE);

  reader_init (&rd, md, reg, TRUE);
  for (const xmlNode *svc = ws_xml_first_child (root, SL_NS, "Service"); svc;
       svc = ws_xml_next_sibling (svc, SL_NS, "Service"))
    read_service (&rd, svc);
  reader_finish (&rd);
  return TRUE;
}
