/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * watershed: reader of our own sidecar format, urn:watershed:metadata:1
 * (schema ratings/schemas/watershed-metadata.xsd, docs/sidecar.md).
 *
 *   <watershed-metadata xmlns="urn:watershed:metadata:1" version="1">
 *     <programme id="..." title="...">
 *       <rating territory="GB" system="bbfc" code="15">
 *         <descriptor>language</descriptor>
 *         <text xml:lang="en">Contains strong language</text>
 *         <support topic="suicide-self-harm"/>
 *       </rating>
 *       <segment start="00:41:10.000" end="00:43:00.000">
 *         <rating territory="GB" system="bbfc" code="18"/>
 *       </segment>
 *     </programme>
 *   </watershed-metadata>
 *
 * Unlike the readers of other people's formats this one is strict: the
 * format is ours, so a wrong value is an error (WS_ERROR_INVALID naming
 * FILE:LINE, the element and what to write instead), never a guess. It
 * checks what the XSD checks plus what a schema cannot: system ids and
 * codes known to the registry and written officially, descriptors of the
 * system, segments in range and not overlapping, no duplicate rating.
 */
#include "ws-metadata-readers.h"

#include <string.h>

#define SIDECAR_NS "urn:watershed:metadata:1"
#define SIDECAR_VERSION "1"

typedef struct {
  WsMetadata *md;
  const WsRatingRegistry *reg;
  GError **error;
} Sidecar;

/* ---- structure checks --------------------------------------------------- */

static gboolean
is_ours (const xmlNode *node)
{
  return node->ns != NULL && node->ns->href != NULL &&
         strcmp ((const char *) node->ns->href, SIDECAR_NS) == 0;
}

/* Unqualified attributes must be among @allowed (NULL-terminated): a typo
 * such as "teritory" would otherwise silently widen a rating to every
 * territory. Qualified attributes (xml:lang, extensions) are left alone. */
static gboolean
check_attributes (Sidecar *sc, const xmlNode *node, const char *const *allowed)
{
  for (const xmlAttr *a = node->properties; a != NULL; a = a->next) {
    gboolean ok = FALSE;
    GString *list;

    if (a->ns != NULL)
      continue;
    for (const char *const *p = allowed; *p != NULL && !ok; p++)
      ok = strcmp (*p, (const char *) a->name) == 0;
    if (ok)
      continue;
    list = g_string_new (NULL);
    for (const char *const *p = allowed; *p != NULL; p++)
      g_string_append_printf (list, "%s%s", list->len ? ", " : "", *p);
    ws_metadata_set_invalid (sc->error, sc->md, node,
        "unknown attribute \"%s\"; <%s> takes: %s", (const char *) a->name,
        (const char *) node->name, list->len ? list->str : "none");
    g_string_free (list, TRUE);
    return FALSE;
  }
  return TRUE;
}

/* Element children of @node: ours must be named in @allowed; text other
 * than white space is an error unless @text (elements holding a value);
 * other namespaces are extensions (skipped). */
static gboolean
check_children (Sidecar *sc, const xmlNode *node, const char *const *allowed,
    gboolean text)
{
  for (const xmlNode *c = node->children; c != NULL; c = c->next) {
    gboolean ok = FALSE;

    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      char *t = g_strstrip (g_strdup ((const char *) c->content));
      gboolean blank = t[0] == '\0';

      g_free (t);
      if (!blank && !text)
        return ws_metadata_set_invalid (sc->error, sc->md, node,
            "unexpected text inside <%s>; text belongs in <text> elements",
            (const char *) node->name);
      continue;
    }
    if (c->type != XML_ELEMENT_NODE)
      continue;
    if (!is_ours (c)) {
      if (c->ns == NULL)
        return ws_metadata_set_invalid (sc->error, sc->md, c,
            "element has no namespace; inside a watershed sidecar write it "
            "in namespace " SIDECAR_NS " or use your own namespace for "
            "extensions");
      continue;
    }
    for (const char *const *p = allowed; *p != NULL && !ok; p++)
      ok = strcmp (*p, (const char *) c->name) == 0;
    if (!ok)
      return ws_metadata_set_invalid (sc->error, sc->md, c,
          "unknown element inside <%s> (see docs/sidecar.md)",
          (const char *) node->name);
  }
  return TRUE;
}

/* ---- values ------------------------------------------------------------- */

/* "HH:MM:SS" or "HH:MM:SS.fffffffff" -> nanoseconds; -1 when malformed. */
static gint64
parse_offset (const char *s)
{
  guint64 h = 0, ns = 0;
  guint m, sec, digits = 0;
  const char *p = s;

  if (!g_ascii_isdigit (p[0]) || !g_ascii_isdigit (p[1]))
    return -1;
  while (g_ascii_isdigit (*p)) {
    h = h * 10 + (guint64) (*p - '0');
    if (h > 1000000) /* ~114 years: not a programme */
      return -1;
    p++;
  }
  if (p[0] != ':' || !g_ascii_isdigit (p[1]) || !g_ascii_isdigit (p[2]) ||
      p[3] != ':' || !g_ascii_isdigit (p[4]) || !g_ascii_isdigit (p[5]))
    return -1;
  m = (guint) ((p[1] - '0') * 10 + (p[2] - '0'));
  sec = (guint) ((p[4] - '0') * 10 + (p[5] - '0'));
  if (m > 59 || sec > 59)
    return -1;
  p += 6;
  if (*p == '.') {
    p++;
    while (g_ascii_isdigit (*p) && digits < 9) {
      ns = ns * 10 + (guint64) (*p - '0');
      digits++;
      p++;
    }
    if (digits == 0)
      return -1;
    for (guint i = digits; i < 9; i++)
      ns *= 10;
  }
  if (*p != '\0')
    return -1;
  return (gint64) (((h * 60 + m) * 60 + sec) * G_GUINT64_CONSTANT (1000000000) +
                   ns);
}

static char *
format_offset (gint64 ns)
{
  gint64 ms = ns / 1000000;

  return g_strdup_printf ("%02" G_GINT64_FORMAT ":%02d:%02d.%03d", ms / 3600000,
      (int) (ms / 60000 % 60), (int) (ms / 1000 % 60), (int) (ms % 1000));
}

static gboolean
read_text (Sidecar *sc, WsRating *r, const xmlNode *node)
{
  static const char *const attrs[] = { "length", NULL };
  static const char *const none[] = { NULL };
  char *lang, *length, *text;

  if (!check_attributes (sc, node, attrs) ||
      !check_children (sc, node, none, TRUE))
    return FALSE;
  lang = ws_xml_attr (node, "lang", WS_XML_NS_XML);
  if (lang == NULL)
    return ws_metadata_set_invalid (sc->error, sc->md, node,
        "missing xml:lang; say which language the guidance is in "
        "(xml:lang=\"en\")");
  length = ws_xml_attr (node, "length", NULL);
  if (length != NULL && strcmp (length, "short") != 0 &&
      strcmp (length, "medium") != 0 && strcmp (length, "long") != 0) {
    ws_metadata_set_invalid (sc->error, sc->md, node,
        "length \"%s\" is not short, medium or long", length);
    g_free (lang);
    g_free (length);
    return FALSE;
  }
  text = ws_xml_text (node);
  if (text == NULL) {
    g_free (lang);
    g_free (length);
    return ws_metadata_set_invalid (sc->error, sc->md, node,
        "empty guidance text; write the text or remove the element");
  }
  ws_metadata_add_text (sc->md, r, node, lang, length, text);
  g_free (lang);
  g_free (length);
  g_free (text);
  return TRUE;
}

static gboolean
read_descriptor (Sidecar *sc, WsRating *r, const WsRatingSystem *sys,
    const xmlNode *node)
{
  static const char *const none[] = { NULL };
  const WsRatingDescriptor *d;
  char *code;
  gboolean ok = TRUE;

  if (!check_attributes (sc, node, none) ||
      !check_children (sc, node, none, TRUE))
    return FALSE;
  code = ws_xml_text (node);
  if (code == NULL)
    return ws_metadata_set_invalid (sc->error, sc->md, node,
        "empty descriptor; write one of %s's descriptor codes "
        "(watershed rate show %s)",
        ws_rating_system_get_id (sys), ws_rating_system_get_id (sys));
  d = ws_rating_system_lookup_descriptor (sys, code);
  if (d == NULL) {
    GString *known = g_string_new (NULL);
    guint n = ws_rating_system_get_n_descriptors (sys);

    for (guint i = 0; i < n; i++)
      g_string_append_printf (known, "%s%s", i ? ", " : "",
          ws_rating_descriptor_get_code (
              ws_rating_system_get_descriptor (sys, i)));
    ok = ws_metadata_set_invalid (sc->error, sc->md, node,
        "\"%s\" is not a descriptor of %s; %s%s", code,
        ws_rating_system_get_id (sys),
        n ? "use one of: " : "that system declares no descriptors", known->str);
    g_string_free (known, TRUE);
  } else if (strcmp (ws_rating_descriptor_get_code (d), code) != 0) {
    ok = ws_metadata_set_invalid (sc->error, sc->md, node,
        "write the %s descriptor code \"%s\" instead of \"%s\"",
        ws_rating_system_get_id (sys), ws_rating_descriptor_get_code (d), code);
  } else {
    for (guint i = 0; i < r->descriptors->len; i++) {
      if (strcmp (g_ptr_array_index (r->descriptors, i),
              ws_rating_descriptor_get_code (d)) == 0) {
        ok = ws_metadata_set_invalid (sc->error, sc->md, node,
            "descriptor \"%s\" is listed twice", code);
        break;
      }
    }
    if (ok)
      g_ptr_array_add (r->descriptors,
          g_strdup (ws_rating_descriptor_get_code (d)));
  }
  g_free (code);
  return ok;
}

/* <support topic="..."/>: a support-information topic the programme calls
 * for (ws-support.h). Only its form is checked here; whether topics.xml
 * declares it is the support-info check's business (`watershed check`). */
static gboolean
read_support (Sidecar *sc, WsRating *r, const xmlNode *node)
{
  static const char *const attrs[] = { "topic", NULL };
  static const char *const none[] = { NULL };
  char *topic;
  gboolean ok = TRUE;

  if (!check_attributes (sc, node, attrs) ||
      !check_children (sc, node, none, FALSE))
    return FALSE;
  topic = ws_xml_attr (node, "topic", NULL);
  if (topic == NULL)
    return ws_metadata_set_invalid (sc->error, sc->md, node,
        "missing topic; write a support topic such as "
        "topic=\"suicide-self-harm\" (ratings/support/topics.xml)");
  for (const char *c = topic; *c && ok; c++)
    ok = g_ascii_islower (*c) || g_ascii_isdigit (*c) || *c == '-';
  if (!ok || strlen (topic) > 64) {
    ws_metadata_set_invalid (sc->error, sc->md, node,
        "topic \"%s\" is not a support topic id; write lower-case letters, "
        "digits and '-' as in ratings/support/topics.xml",
        topic);
    g_free (topic);
    return FALSE;
  }
  for (guint i = 0; i < r->support_topics->len; i++) {
    if (strcmp (g_ptr_array_index (r->support_topics, i), topic) == 0) {
      ws_metadata_set_invalid (sc->error, sc->md, node,
          "support topic \"%s\" is listed twice", topic);
      g_free (topic);
      return FALSE;
    }
  }
  g_ptr_array_add (r->support_topics, topic);
  return TRUE;
}

/* Reads one <rating> into a new WsRating (transfer full), or NULL. */
static WsRating *
read_rating (Sidecar *sc, const xmlNode *node, const char *programme)
{
  static const char *const attrs[] = { "territory", "system", "code", NULL };
  static const char *const children[] = { "descriptor", "text", "support",
    NULL };
  char *territory = NULL, *system = NULL, *code = NULL;
  const WsRatingSystem *sys;
  const WsRatingDef *def;
  WsRating *r = NULL;

  if (!check_attributes (sc, node, attrs) ||
      !check_children (sc, node, children, FALSE))
    return NULL;

  system = ws_xml_attr (node, "system", NULL);
  code = ws_xml_attr (node, "code", NULL);
  territory = ws_xml_attr (node, "territory", NULL);
  if (system == NULL) {
    ws_metadata_set_invalid (sc->error, sc->md, node,
        "missing system; write a rating-system id such as system=\"bbfc\" "
        "(watershed rate list)");
    goto out;
  }
  if (code == NULL) {
    ws_metadata_set_invalid (sc->error, sc->md, node,
        "missing code; write the official code such as code=\"15\" "
        "(watershed rate show %s)",
        system);
    goto out;
  }
  if (territory != NULL) {
    const char *cc = ws_territory_normalise (territory);

    if (cc == NULL || strcmp (cc, territory) != 0) {
      ws_metadata_set_invalid (sc->error, sc->md, node,
          "territory \"%s\" is not an ISO 3166-1 alpha-2 code in upper case"
          "%s%s%s",
          territory, cc ? "; write \"" : "", cc ? cc : "",
          cc ? "\"" : " (\"GB\", \"DE\", \"FR\")");
      goto out;
    }
  }
  sys = ws_rating_registry_lookup_system (sc->reg, system);
  if (sys == NULL) {
    ws_metadata_set_invalid (sc->error, sc->md, node,
        "unknown rating system \"%s\"; use a system id from watershed rate "
        "list",
        system);
    goto out;
  }
  if (strcmp (ws_rating_system_get_id (sys), system) != 0) {
    ws_metadata_set_invalid (sc->error, sc->md, node,
        "write the rating-system id \"%s\" instead of \"%s\"",
        ws_rating_system_get_id (sys), system);
    goto out;
  }
  def = ws_rating_system_lookup_rating (sys, code);
  if (def == NULL) {
    GString *codes = g_string_new (NULL);

    for (guint i = 0; i < ws_rating_system_get_n_ratings (sys); i++)
      g_string_append_printf (codes, "%s%s", i ? ", " : "",
          ws_rating_def_get_code (ws_rating_system_get_rating (sys, i)));
    ws_metadata_set_invalid (sc->error, sc->md, node,
        "\"%s\" is not a %s code; use one of: %s", code, system, codes->str);
    g_string_free (codes, TRUE);
    goto out;
  }
  if (strcmp (ws_rating_def_get_code (def), code) != 0) {
    ws_metadata_set_invalid (sc->error, sc->md, node,
        "write the official %s code \"%s\" instead of \"%s\"", system,
        ws_rating_def_get_code (def), code);
    goto out;
  }

  r = ws_rating_new ();
  r->programme = g_strdup (programme);
  r->territory = g_strdup (territory);
  r->source_system = g_strdup (system);
  r->source_code = g_strdup (code);
  ws_rating_set_resolved (r, def);
  r->line = ws_xml_line (node);
  r->element = g_strdup ((const char *) node->name);

  for (const xmlNode *c = node->children; c != NULL; c = c->next) {
    gboolean ok = TRUE;

    if (ws_xml_is (c, SIDECAR_NS, "descriptor") && r->texts->len > 0)
      ok = ws_metadata_set_invalid (sc->error, sc->md, c,
          "a descriptor after a <text>; list the descriptors first, then "
          "the texts");
    else if ((ws_xml_is (c, SIDECAR_NS, "descriptor") ||
                 ws_xml_is (c, SIDECAR_NS, "text")) &&
             r->support_topics->len > 0)
      ok = ws_metadata_set_invalid (sc->error, sc->md, c,
          "a <%s> after a <support>; list the descriptors, then the texts, "
          "then the support topics",
          (const char *) c->name);
    else if (ws_xml_is (c, SIDECAR_NS, "support"))
      ok = read_support (sc, r, c);
    else if (ws_xml_is (c, SIDECAR_NS, "descriptor"))
      ok = read_descriptor (sc, r, sys, c);
    else if (ws_xml_is (c, SIDECAR_NS, "text"))
      ok = read_text (sc, r, c);
    if (!ok) {
      g_clear_pointer (&r, ws_rating_free);
      break;
    }
  }

out:
  g_free (territory);
  g_free (system);
  g_free (code);
  return r;
}

/* Appends the ratings of one scope (a programme or a segment), refusing a
 * second rating for the same territory and system. */
static gboolean
read_scope_ratings (Sidecar *sc, const xmlNode *scope, const char *programme,
    gint64 start_ns, gint64 end_ns)
{
  guint first = sc->md->ratings->len;

  for (xmlNode *n = ws_xml_first_child (scope, SIDECAR_NS, "rating"); n != NULL;
       n = ws_xml_next_sibling (n, SIDECAR_NS, "rating")) {
    WsRating *r = read_rating (sc, n, programme);

    if (r == NULL)
      return FALSE;
    r->start_ns = start_ns;
    r->end_ns = end_ns;
    for (guint i = first; i < sc->md->ratings->len; i++) {
      const WsRating *o = g_ptr_array_index (sc->md->ratings, i);

      if (g_strcmp0 (o->territory, r->territory) == 0 &&
          strcmp (o->system, r->system) == 0) {
        ws_metadata_set_invalid (sc->error, sc->md, n,
            "a second %s rating for %s (the first is at line %d); give one "
            "rating per territory and system",
            r->system, r->territory ? r->territory : "every territory",
            o->line);
        ws_rating_free (r);
        return FALSE;
      }
    }
    ws_metadata_take_rating (sc->md, r, n);
  }
  if (sc->md->ratings->len == first)
    return ws_metadata_set_invalid (sc->error, sc->md, scope,
        "no <rating>; a %s needs at least one", (const char *) scope->name);
  return TRUE;
}

typedef struct {
  gint64 start_ns;
  gint64 end_ns; /* G_MAXINT64 = to the end */
  int line;
} Span;

static gboolean
read_segment (Sidecar *sc, const xmlNode *node, const char *programme,
    GArray *spans)
{
  static const char *const attrs[] = { "start", "end", NULL };
  static const char *const children[] = { "rating", NULL };
  char *start = NULL, *end = NULL;
  Span span = { -1, G_MAXINT64, ws_xml_line (node) };
  gboolean ok = FALSE;

  if (!check_attributes (sc, node, attrs) ||
      !check_children (sc, node, children, FALSE))
    return FALSE;
  start = ws_xml_attr (node, "start", NULL);
  end = ws_xml_attr (node, "end", NULL);
  if (start == NULL) {
    ws_metadata_set_invalid (sc->error, sc->md, node,
        "missing start; write the offset from the programme start as "
        "start=\"HH:MM:SS.mmm\"");
    goto out;
  }
  span.start_ns = parse_offset (start);
  if (span.start_ns < 0) {
    ws_metadata_set_invalid (sc->error, sc->md, node,
        "start \"%s\" is not HH:MM:SS.mmm (e.g. \"00:41:10.000\")", start);
    goto out;
  }
  if (end != NULL) {
    span.end_ns = parse_offset (end);
    if (span.end_ns < 0) {
      ws_metadata_set_invalid (sc->error, sc->md, node,
          "end \"%s\" is not HH:MM:SS.mmm (e.g. \"00:43:00.000\")", end);
      goto out;
    }
    if (span.end_ns <= span.start_ns) {
      ws_metadata_set_invalid (sc->error, sc->md, node,
          "end %s is not after start %s", end, start);
      goto out;
    }
  }
  for (guint i = 0; i < spans->len; i++) {
    const Span *o = &g_array_index (spans, Span, i);

    if (span.start_ns < o->end_ns && o->start_ns < span.end_ns) {
      char *os = format_offset (o->start_ns);

      ws_metadata_set_invalid (sc->error, sc->md, node,
          "segment overlaps the segment at line %d (starting %s); segments "
          "of one programme must not overlap",
          o->line, os);
      g_free (os);
      goto out;
    }
  }
  g_array_append_val (spans, span);
  ok = read_scope_ratings (sc, node, programme, span.start_ns,
      end != NULL ? span.end_ns : -1);

out:
  g_free (start);
  g_free (end);
  return ok;
}

static gboolean
read_programme (Sidecar *sc, const xmlNode *node, GHashTable *ids, char **title)
{
  static const char *const attrs[] = { "id", "title", NULL };
  static const char *const children[] = { "rating", "segment", NULL };
  char *id;
  GArray *spans;
  gboolean ok;
  gboolean seen_segment = FALSE;

  if (!check_attributes (sc, node, attrs) ||
      !check_children (sc, node, children, FALSE))
    return FALSE;
  /* <rating>s come first, then <segment>s (as in the schema). */
  for (const xmlNode *c = node->children; c != NULL; c = c->next) {
    if (ws_xml_is (c, SIDECAR_NS, "segment"))
      seen_segment = TRUE;
    else if (seen_segment && ws_xml_is (c, SIDECAR_NS, "rating"))
      return ws_metadata_set_invalid (sc->error, sc->md, c,
          "a whole-programme rating after a <segment>; list the "
          "programme's ratings first, then its segments");
  }
  id = ws_xml_attr (node, "id", NULL);
  if (id == NULL)
    return ws_metadata_set_invalid (sc->error, sc->md, node,
        "missing id; give the programme identifier (house number, CRID) as "
        "id=\"...\"");
  if (g_hash_table_contains (ids, id)) {
    ws_metadata_set_invalid (sc->error, sc->md, node,
        "programme id \"%s\" is used twice (first at line %d)", id,
        GPOINTER_TO_INT (g_hash_table_lookup (ids, id)));
    g_free (id);
    return FALSE;
  }
  g_hash_table_insert (ids, g_strdup (id),
      GINT_TO_POINTER (ws_xml_line (node)));
  *title = ws_xml_attr (node, "title", NULL);

  ok = read_scope_ratings (sc, node, id, -1, -1);
  spans = g_array_new (FALSE, FALSE, sizeof (Span));
  for (xmlNode *s = ws_xml_first_child (node, SIDECAR_NS, "segment");
       s != NULL && ok; s = ws_xml_next_sibling (s, SIDECAR_NS, "segment"))
    ok = read_segment (sc, s, id, spans);
  g_array_unref (spans);
  g_free (id);
  return ok;
}

gboolean
ws_metadata_read_sidecar (WsMetadata *md, xmlNode *root,
    const WsRatingRegistry *reg, GError **error)
{
  static const char *const attrs[] = { "version", NULL };
  static const char *const children[] = { "programme", NULL };
  Sidecar sc = { md, reg, error };
  GHashTable *ids;
  char *version;
  guint n_programmes = 0;
  gboolean ok = TRUE;

  if (!is_ours (root))
    return ws_metadata_set_invalid (error, md, root,
        "namespace \"%s\" is not one this watershed reads; write "
        "xmlns=\"" SIDECAR_NS "\"",
        ws_metadata_root_ns (root) ? ws_metadata_root_ns (root) : "");
  if (!check_attributes (&sc, root, attrs) ||
      !check_children (&sc, root, children, FALSE))
    return FALSE;
  version = ws_xml_attr (root, "version", NULL);
  if (version == NULL)
    return ws_metadata_set_invalid (error, md, root,
        "missing version; write version=\"" SIDECAR_VERSION "\"");
  if (strcmp (version, SIDECAR_VERSION) != 0) {
    ws_metadata_set_invalid (error, md, root,
        "version \"%s\" is not supported; this watershed reads "
        "version " SIDECAR_VERSION,
        version);
    g_free (version);
    return FALSE;
  }
  g_free (version);

  ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (xmlNode *p = ws_xml_first_child (root, SIDECAR_NS, "programme");
       p != NULL && ok; p = ws_xml_next_sibling (p, SIDECAR_NS, "programme")) {
    char *title = NULL;

    ok = read_programme (&sc, p, ids, &title);
    n_programmes++;
    if (n_programmes == 1)
      md->title = title;
    else {
      g_clear_pointer (&md->title, g_free);
      g_free (title);
    }
  }
  g_hash_table_unref (ids);
  if (ok && n_programmes == 0)
    return ws_metadata_set_invalid (error, md, root,
        "no <programme>; a sidecar lists at least one programme with its "
        "ratings");
  return ok;
}
