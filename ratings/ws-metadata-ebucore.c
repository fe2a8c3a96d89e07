/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * watershed: EBUCore (EBU Tech 3293) reader, namespaces
 * urn:ebu:metadata-schema:ebuCore_<year>.
 *
 * Ratings come from two places of ebuCoreMain/coreMetadata:
 *
 *   <ebucore:rating typeLabel="age rating" formatLabel="BBFC" reason="...">
 *     <ebucore:ratingValue>15</ebucore:ratingValue>
 *     <ebucore:ratingLink>http://www.movielabs.com/md/ratings/GB/BBFC/1/15</ebucore:ratingLink>
 *     <ebucore:ratingProvider>...<ebucore:organisationName>BBFC</...></ebucore:ratingProvider>
 *     <ebucore:ratingRegion><ebucore:country typeLabel="GB"/></ebucore:ratingRegion>
 *   </ebucore:rating>
 *
 *   <ebucore:type>
 *     <ebucore:targetAudience typeLabel="15"
 *         typeLink="http://www.movielabs.com/md/ratings/GB/BBFC/1/15"
 *         reason="strong language">
 *       <ebucore:targetRegion>...</ebucore:targetRegion>
 *     </ebucore:targetAudience>
 *   </ebucore:type>
 *
 * and the same inside coreMetadata/part (a segment, timed by
 * partStartTime/partDuration normalPlayTime). The rating system is found
 * from a rating URI (ratingLink, typeLink: a CMR URI that ends in the code),
 * else from the first attribute or provider that names a known system
 * (ratingSystem, formatLabel, typeLink, formatLink, ratingProvider,
 * typeLabel). A targetAudience that is not a rating at all (an EBU audience
 * term such as "Children") is reported and skipped. notRated and
 * adultContent are honoured and cross-checked.
 */
#include "ws-metadata-readers.h"
#include "ws-schedule.h"

#include <string.h>

#define DC_NS "http://purl.org/dc/elements/1.1/"

typedef struct {
  WsMetadata *md;
  const WsRatingRegistry *reg;
  const char *ns;
} Ebu;

static gboolean
attr_true (const xmlNode *node, const char *name)
{
  char *v = ws_xml_attr (node, name, NULL);
  gboolean t = v != NULL && (strcmp (v, "true") == 0 || strcmp (v, "1") == 0);

  g_free (v);
  return t;
}

/* ---- regions ------------------------------------------------------------ */

/* "…ebu_Iso3166CountryCodeCS.xml#GB", "urn:…:GB", "GB", "United Kingdom"? */
static const char *
territory_of_string (const char *s)
{
  const char *cc;
  const char *tail;

  if (s == NULL)
    return NULL;
  if ((cc = ws_territory_normalise (s)) != NULL)
    return cc;
  tail = strrchr (s, '#');
  if (tail == NULL)
    tail = strrchr (s, '/');
  if (tail == NULL)
    tail = strrchr (s, ':');
  if (tail != NULL && (cc = ws_territory_normalise (tail + 1)) != NULL)
    return cc;
  return NULL;
}

static const char *
territory_of_node (const xmlNode *node)
{
  static const char *const attrs[] = { "typeLink", "typeLabel",
    "typeDefinition", "formatLabel", NULL };
  const char *cc = NULL;
  char *text;

  text = ws_xml_text (node);
  /* Only element-free text counts (not the text of nested children). */
  if (text != NULL && node->children != NULL &&
      node->children->type == XML_TEXT_NODE && node->children->next == NULL)
    cc = territory_of_string (text);
  g_free (text);
  for (const char *const *a = attrs; *a != NULL && cc == NULL; a++) {
    char *v = ws_xml_attr (node, *a, NULL);

    cc = territory_of_string (v);
    g_free (v);
  }
  return cc;
}

/* Countries of ratingRegion / targetRegion children of @node. */
static GPtrArray *
read_regions (Ebu *e, const xmlNode *node, const char *region_name)
{
  GPtrArray *out = g_ptr_array_new ();

  for (xmlNode *reg = ws_xml_first_child (node, e->ns, region_name);
       reg != NULL; reg = ws_xml_next_sibling (reg, e->ns, region_name)) {
    gboolean found = FALSE;

    for (xmlNode *c = ws_xml_first_child (reg, e->ns, "country"); c != NULL;
         c = ws_xml_next_sibling (c, e->ns, "country")) {
      const char *cc = territory_of_node (c);

      if (cc != NULL) {
        g_ptr_array_add (out, (gpointer) cc);
        found = TRUE;
      }
    }
    if (!found) {
      const char *cc = territory_of_node (reg);

      if (cc != NULL) {
        g_ptr_array_add (out, (gpointer) cc);
        found = TRUE;
      }
    }
    if (!found)
      ws_metadata_warn_node (e->md, reg,
          "%s names no ISO 3166-1 country (give <country typeLabel=\"GB\"/> "
          "or a typeLink ending in the code): ignored",
          region_name);
  }
  return out;
}

/* ---- resolution --------------------------------------------------------- */

typedef struct {
  const char *kind;   /* "rating" or "targetAudience" */
  char *value;        /* the code as written */
  GPtrArray *links;   /* URIs that may name a rating */
  GPtrArray *schemes; /* names that may name a system */
  char *reason;
  char *lang;
  gboolean not_rated;
  gboolean adult;
  const WsRatingSystem *sys; /* the system a scheme names, if any */
} Candidate;

static void
candidate_add (GPtrArray *list, char *s)
{
  if (s != NULL)
    g_ptr_array_add (list, s);
}

static char *
provider_name (Ebu *e, const xmlNode *provider)
{
  static const char *const names[] = { "organisationName", "name", "givenName",
    NULL };

  if (provider == NULL)
    return NULL;
  /* entityType: organisationDetails/organisationName or contactDetails/name */
  for (const char *const *n = names; *n != NULL; n++) {
    for (xmlNode *c = provider->children; c != NULL; c = c->next) {
      xmlNode *hit;

      if (c->type != XML_ELEMENT_NODE)
        continue;
      if (ws_xml_is (c, NULL, *n))
        return ws_xml_text (c);
      hit = ws_xml_first_child (c, NULL, *n);
      if (hit != NULL)
        return ws_xml_text (hit);
    }
  }
  return ws_xml_text (provider);
}

static void
candidate_init (Ebu *e, Candidate *c, const xmlNode *node, gboolean audience)
{
  memset (c, 0, sizeof (*c));
  c->links = g_ptr_array_new_with_free_func (g_free);
  c->schemes = g_ptr_array_new_with_free_func (g_free);
  c->kind = audience ? "targetAudience" : "rating";

  if (audience) {
    c->value = ws_xml_attr (node, "typeLabel", NULL);
    candidate_add (c->links, ws_xml_attr (node, "typeLink", NULL));
    candidate_add (c->links, ws_xml_attr (node, "formatLink", NULL));
  } else {
    c->value = ws_xml_text (ws_xml_first_child (node, e->ns, "ratingValue"));
    for (xmlNode *l = ws_xml_first_child (node, e->ns, "ratingLink"); l != NULL;
         l = ws_xml_next_sibling (l, e->ns, "ratingLink"))
      candidate_add (c->links, ws_xml_text (l));
    candidate_add (c->links, ws_xml_attr (node, "typeLink", NULL));
    candidate_add (c->links, ws_xml_attr (node, "formatLink", NULL));
  }
  candidate_add (c->schemes, ws_xml_attr (node, "ratingSystem", NULL));
  candidate_add (c->schemes, ws_xml_attr (node, "formatLabel", NULL));
  candidate_add (c->schemes, ws_xml_attr (node, "typeLink", NULL));
  candidate_add (c->schemes, ws_xml_attr (node, "formatLink", NULL));
  candidate_add (c->schemes, ws_xml_attr (node, "typeSource", NULL));
  candidate_add (c->schemes, ws_xml_attr (node, "formatSource", NULL));
  if (!audience) {
    candidate_add (c->schemes,
        provider_name (e, ws_xml_first_child (node, e->ns, "ratingProvider")));
    candidate_add (c->schemes, ws_xml_attr (node, "typeLabel", NULL));
  }
  c->reason = ws_xml_attr (node, "reason", NULL);
  c->lang = ws_xml_attr (node, "typeLanguage", NULL);
  c->not_rated = attr_true (node, "notRated");
  c->adult = attr_true (node, "adultContent");
}

static void
candidate_clear (Candidate *c)
{
  g_free (c->value);
  g_ptr_array_unref (c->links);
  g_ptr_array_unref (c->schemes);
  g_free (c->reason);
  g_free (c->lang);
}

/* Does anything about @c say "this is an age rating"? */
static gboolean
looks_like_rating (Ebu *e, const Candidate *c)
{
  WsCmrUri cmr;

  if (c->not_rated || c->adult)
    return TRUE;
  for (guint i = 0; i < c->links->len; i++) {
    const char *l = g_ptr_array_index (c->links, i);

    if (ws_cmr_uri_parse (l, &cmr)) {
      ws_cmr_uri_clear (&cmr);
      return TRUE;
    }
    if (strstr (l, "ParentalGuidance") != NULL ||
        strstr (l, "ContentRating") != NULL)
      return TRUE;
  }
  for (guint i = 0; i < c->schemes->len; i++) {
    if (ws_rating_registry_lookup_system (e->reg,
            g_ptr_array_index (c->schemes, i)))
      return TRUE;
  }
  return c->value != NULL && strchr (c->value, ':') != NULL &&
         ws_rating_registry_resolve (e->reg, NULL, c->value) != NULL;
}

static const char *
cmr_territory (const Candidate *c)
{
  for (guint i = 0; i < c->links->len; i++) {
    WsCmrUri cmr;
    const char *cc = NULL;

    if (ws_cmr_uri_parse (g_ptr_array_index (c->links, i), &cmr)) {
      cc = ws_territory_normalise (cmr.country);
      ws_cmr_uri_clear (&cmr);
    }
    if (cc != NULL)
      return cc;
  }
  return NULL;
}

static void
resolve_candidate (Ebu *e, Candidate *c, WsRating *r, const xmlNode *node)
{
  const WsRatingDef *def = NULL;
  const WsRatingSystem *sys = NULL;
  const char *scheme = NULL;

  /* 1. A URI that names the rating itself. */
  for (guint i = 0; i < c->links->len && def == NULL; i++) {
    const char *l = g_ptr_array_index (c->links, i);

    def = ws_rating_registry_resolve_uri (e->reg, l);
    if (def != NULL) {
      r->source_system = g_strdup (l);
      r->source_code = g_strdup (
          c->value ? c->value : ws_rating_def_get_code (def));
      ws_rating_set_resolved (r, def);
      if (c->value != NULL && ws_rating_def_get_system (def) != NULL) {
        const WsRatingDef *other =
            ws_rating_system_lookup_rating (ws_rating_def_get_system (def),
                c->value);

        if (other != NULL && other != def)
          ws_metadata_warn_node (e->md, node,
              "value \"%s\" and link \"%s\" disagree: the link (%s) is used; "
              "correct one of them",
              c->value, l, ws_rating_def_get_name (def));
      }
    }
  }

  /* 2. A name of a known system, then the value in it. */
  for (guint i = 0; i < c->schemes->len && def == NULL && sys == NULL; i++) {
    sys = ws_rating_registry_lookup_system (e->reg,
        g_ptr_array_index (c->schemes, i));
    if (sys != NULL)
      scheme = g_ptr_array_index (c->schemes, i);
  }
  c->sys = sys;
  if (def == NULL && c->value == NULL && !c->not_rated && c->links->len > 0 &&
      sys == NULL) {
    /* Only a link, and nobody knows it. */
    r->source_system = g_strdup (g_ptr_array_index (c->links, 0));
    ws_metadata_warn_node (e->md, node,
        "rating URI \"%s\" is not one watershed knows: treated as unrated "
        "(most restrictive); use a MovieLabs CMR rating URI "
        "(http://www.movielabs.com/md/ratings/GB/BBFC/1/15)",
        r->source_system);
  } else if (def == NULL && (c->value != NULL || c->schemes->len > 0) &&
             !(c->not_rated && c->value == NULL)) {
    if (scheme == NULL && c->schemes->len > 0 &&
        (c->value == NULL ||
            ws_rating_registry_resolve (e->reg, NULL, c->value) == NULL))
      scheme = g_ptr_array_index (c->schemes, 0);
    if (ws_metadata_resolve (e->md, r, e->reg, scheme, c->value, node))
      def = ws_rating_registry_resolve (e->reg, scheme, c->value);
  }
  if (def == NULL && r->source_system == NULL && r->source_code == NULL) {
    r->source_system = g_strdup (scheme);
    r->source_code = g_strdup (c->value);
  }

  /* 3. notRated / adultContent. */
  if (c->not_rated) {
    const WsRatingSystem *s = def ? ws_rating_def_get_system (def) : sys;
    const WsRatingDef *unrated = ws_metadata_find_unrated (s);

    if (def != NULL && ws_rating_def_get_kind (def) != WS_RATING_KIND_UNRATED)
      ws_metadata_warn_node (e->md, node,
          "notRated=\"true\" but the %s says %s: read as unrated (most "
          "restrictive); remove notRated or the value",
          c->kind, ws_rating_def_get_name (def));
    ws_rating_set_resolved (r, unrated);
    if (r->system == NULL && s != NULL)
      r->system = g_strdup (ws_rating_system_get_id (s));
  }
  if (c->adult) {
    if (r->minimum_age >= 0 && r->minimum_age < 18)
      ws_metadata_warn_node (e->md, node,
          "adultContent=\"true\" but %s:%s has minimum age %d: check the "
          "rating",
          r->system, r->code, r->minimum_age);
    else if (r->minimum_age < 0 && !c->not_rated && r->system == NULL)
      ws_metadata_warn_node (e->md, node,
          "adultContent=\"true\" without a rating watershed can resolve: "
          "treated as unrated (most restrictive)");
  }
  if (c->reason != NULL)
    ws_metadata_add_text (e->md, r, node, c->lang, NULL, c->reason);
}

/* watershed has no "every territory except" rating: say so. */
static void
warn_exclusions (Ebu *e, const xmlNode *node, gboolean audience)
{
  const char *excl = audience ? "targetExclusionRegion" :
                                "ratingExclusionRegion";
  xmlNode *x = ws_xml_first_child (node, e->ns, excl);

  if (x != NULL)
    ws_metadata_warn_node (e->md, x,
        "%s is not applied: watershed has no \"every territory except\" "
        "rating; list the territories the rating applies to in %s",
        excl, audience ? "targetRegion" : "ratingRegion");
}

static void
read_one (Ebu *e, const xmlNode *node, gboolean audience, gint64 start_ns,
    gint64 end_ns)
{
  Candidate c;
  WsRating *r;
  GPtrArray *regions;
  const char *fallback;

  candidate_init (e, &c, node, audience);
  if (audience && !looks_like_rating (e, &c)) {
    ws_metadata_warn_node (e->md, node,
        "targetAudience%s%s%s is not an age rating watershed knows (no "
        "rating URI or known system): ignored; for a rating give a "
        "MovieLabs CMR rating URI in typeLink",
        c.value ? " \"" : "", c.value ? c.value : "", c.value ? "\"" : "");
    candidate_clear (&c);
    return;
  }
  if (!audience && c.value == NULL && c.links->len == 0 && !c.not_rated &&
      c.schemes->len == 0) {
    ws_metadata_warn_node (e->md, node,
        "rating with no ratingValue, ratingLink or system: nothing to read; "
        "treated as unrated (most restrictive)");
  }

  r = ws_rating_new ();
  r->start_ns = start_ns;
  r->end_ns = end_ns;
  resolve_candidate (e, &c, r, node);

  regions = read_regions (e, node, audience ? "targetRegion" : "ratingRegion");
  warn_exclusions (e, node, audience);
  fallback = cmr_territory (&c);
  if (fallback == NULL)
    fallback = ws_metadata_system_territory (
        ws_metadata_rating_system (e->reg, r));
  if (fallback == NULL)
    fallback = ws_metadata_system_territory (c.sys);
  ws_metadata_take_rating_for (e->md, r, node, regions, fallback);
  g_ptr_array_unref (regions);
  candidate_clear (&c);
}

/* ---- parts -------------------------------------------------------------- */

/* The longest part time accepted: 10,000 hours, so start + duration in
 * nanoseconds stays far from overflow. */
#define MAX_PART_TIME_US (G_GINT64_CONSTANT (10000) * 3600 * 1000000)

/* normalPlayTime: "HH:MM:SS[.f]" (xs:time, perhaps with a Z) or an
 * xs:duration "PT1H2M3.5S", read by the one duration parser of ratings/
 * (ws_parse_duration_us). Returns nanoseconds, or -1. */
static gint64
parse_npt (const char *s)
{
  char *t;
  gsize len;
  gint64 us;
  gboolean ok;

  if (s == NULL)
    return -1;
  t = g_strdup (s);
  len = strlen (t);
  if (len > 0 && t[0] != 'P' && (t[len - 1] == 'Z' || t[len - 1] == 'z'))
    t[len - 1] = '\0';
  ok = ws_parse_duration_us (t, &us);
  g_free (t);
  if (!ok || us < 0 || us > MAX_PART_TIME_US)
    return -1;
  return us * 1000;
}

/* -1: no such element; -2: present but unreadable or out of range (with a
 * warning); else nanoseconds. */
static gint64
part_time (Ebu *e, const xmlNode *part, const char *name)
{
  xmlNode *t = ws_xml_first_child (part, e->ns, name);
  xmlNode *npt = ws_xml_first_child (t, e->ns, "normalPlayTime");
  char *text;
  gint64 ns;

  if (t == NULL)
    return -1;
  text = ws_xml_text (npt);
  ns = parse_npt (text);
  if (ns < 0) {
    ws_metadata_warn_node (e->md, npt != NULL ? npt : t,
        "%s normalPlayTime \"%s\" is not a time watershed reads "
        "(HH:MM:SS.fff or an xs:duration such as PT1H2M3.5S, at most 10000 "
        "hours): the part's ratings are applied to the whole programme",
        name, text ? text : "");
    ns = -2;
  }
  g_free (text);
  return ns;
}

static void read_ratings_of (Ebu *e, const xmlNode *meta, gint64 start_ns,
    gint64 end_ns);

static void
read_part (Ebu *e, const xmlNode *part)
{
  gint64 start = part_time (e, part, "partStartTime");
  gint64 duration = part_time (e, part, "partDuration");
  gboolean has_ratings = ws_xml_first_child (part, e->ns, "rating") ||
                         ws_xml_first_child (ws_xml_first_child (part, e->ns,
                                                 "type"),
                             e->ns, "targetAudience");

  if (has_ratings && (start < 0 || duration == -2)) {
    if (start == -1)
      ws_metadata_warn_node (e->md, part,
          "part has ratings but no partStartTime/normalPlayTime: its ratings "
          "are applied to the whole programme");
    read_ratings_of (e, part, -1, -1);
    return;
  }
  read_ratings_of (e, part, start, duration >= 0 ? start + duration : -1);
}

static void
read_ratings_of (Ebu *e, const xmlNode *meta, gint64 start_ns, gint64 end_ns)
{
  for (xmlNode *c = meta->children; c != NULL; c = c->next) {
    if (ws_xml_is (c, e->ns, "rating"))
      read_one (e, c, FALSE, start_ns, end_ns);
    else if (ws_xml_is (c, e->ns, "type")) {
      for (xmlNode *a = ws_xml_first_child (c, e->ns, "targetAudience");
           a != NULL; a = ws_xml_next_sibling (a, e->ns, "targetAudience"))
        read_one (e, a, TRUE, start_ns, end_ns);
    } else if (ws_xml_is (c, e->ns, "part") && start_ns < 0) {
      read_part (e, c);
    }
  }
}

static char *
read_title (Ebu *e, const xmlNode *meta)
{
  xmlNode *title = ws_xml_first_child (meta, e->ns, "title");
  xmlNode *dc = ws_xml_first_child (title, DC_NS, "title");

  if (title == NULL)
    return NULL;
  return ws_xml_text (dc != NULL ? dc : title);
}

gboolean
ws_metadata_read_ebucore (WsMetadata *md, xmlNode *root,
    const WsRatingRegistry *reg, GError **error)
{
  Ebu e = { md, reg, ws_metadata_root_ns (root) };
  xmlNode *meta = ws_xml_first_child (root, e.ns, "coreMetadata");

  if (meta == NULL)
    return ws_metadata_set_invalid (error, md, root,
        "no coreMetadata element (EBU Tech 3293 requires one); the ratings "
        "live in coreMetadata/rating and coreMetadata/type/targetAudience");
  md->title = read_title (&e, meta);
  read_ratings_of (&e, meta, -1, -1);
  return TRUE;
}
