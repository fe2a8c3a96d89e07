/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "ws-metadata-private.h"

#include <string.h>

#include "ws-rating.h"

/* One row per format: how its root element is recognised and who reads it.
 * Order matters only for readability: root names do not overlap. */
typedef struct {
  WsMetadataFormat format;
  const char *name;
  const char *root;
  const char *ns_prefix; /* NULL: the root has no namespace */
  WsMetadataReadFunc read;
} FormatEntry;

static const FormatEntry formats[] = {
  { WS_METADATA_FORMAT_IMF_CPL, "imf-cpl", "CompositionPlaylist",
      "http://www.smpte-ra.org/schemas/2067-3/", ws_metadata_read_cpl },
  { WS_METADATA_FORMAT_TVA, "tva", "TVAMain",
      "urn:tva:metadata:", ws_metadata_read_tva },
  { WS_METADATA_FORMAT_DVBI_SERVICE_LIST, "dvbi-service-list", "ServiceList",
      "urn:dvb:metadata:servicediscovery:",
      ws_metadata_read_dvbi_service_list },
  { WS_METADATA_FORMAT_EBUCORE, "ebucore", "ebuCoreMain",
      "urn:ebu:metadata-schema:ebuCore", ws_metadata_read_ebucore },
  { WS_METADATA_FORMAT_ITUNES, "itunes", "package",
      "http://apple.com/itunes/importer", ws_metadata_read_itunes },
  { WS_METADATA_FORMAT_XMLTV, "xmltv", "tv", NULL, ws_metadata_read_xmltv },
  { WS_METADATA_FORMAT_WATERSHED, "watershed", "watershed-metadata",
      "urn:watershed:metadata:", ws_metadata_read_sidecar },
};

const char *
ws_metadata_format_to_string (WsMetadataFormat format)
{
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++) {
    if (formats[i].format == format)
      return formats[i].name;
  }
  return "unknown";
}

static void
guidance_text_free (gpointer p)
{
  WsGuidanceText *t = p;

  g_free (t->lang);
  g_free (t->length);
  g_free (t->text);
  g_free (t);
}

void
ws_metadata_warning_free (gpointer p)
{
  WsMetadataWarning *w = p;

  if (w == NULL)
    return;
  g_free (w->element);
  g_free (w->message);
  g_free (w);
}

WsRating *
ws_rating_new (void)
{
  WsRating *r = g_new0 (WsRating, 1);

  r->minimum_age = -1;
  r->start_ns = -1;
  r->end_ns = -1;
  r->descriptors = g_ptr_array_new_with_free_func (g_free);
  r->texts = g_ptr_array_new_with_free_func (guidance_text_free);
  r->support_topics = g_ptr_array_new_with_free_func (g_free);
  return r;
}

void
ws_rating_free (WsRating *r)
{
  if (r == NULL)
    return;
  g_free (r->programme);
  g_free (r->territory);
  g_free (r->system);
  g_free (r->code);
  g_free (r->source_system);
  g_free (r->source_code);
  g_free (r->element);
  g_ptr_array_unref (r->descriptors);
  g_ptr_array_unref (r->texts);
  g_ptr_array_unref (r->support_topics);
  g_free (r);
}

WsRating *
ws_rating_copy (const WsRating *src)
{
  WsRating *r;

  g_return_val_if_fail (src != NULL, NULL);

  r = ws_rating_new ();
  r->programme = g_strdup (src->programme);
  r->territory = g_strdup (src->territory);
  r->system = g_strdup (src->system);
  r->code = g_strdup (src->code);
  r->minimum_age = src->minimum_age;
  r->source_system = g_strdup (src->source_system);
  r->source_code = g_strdup (src->source_code);
  r->start_ns = src->start_ns;
  r->end_ns = src->end_ns;
  r->line = src->line;
  r->element = g_strdup (src->element);
  for (guint i = 0; i < src->descriptors->len; i++)
    g_ptr_array_add (r->descriptors,
        g_strdup (g_ptr_array_index (src->descriptors, i)));
  for (guint i = 0; i < src->texts->len; i++) {
    const WsGuidanceText *t = g_ptr_array_index (src->texts, i);
    ws_rating_add_text (r, t->lang, t->length, t->text);
  }
  for (guint i = 0; i < src->support_topics->len; i++)
    g_ptr_array_add (r->support_topics,
        g_strdup (g_ptr_array_index (src->support_topics, i)));
  return r;
}

void
ws_rating_set_resolved (WsRating *r, const WsRatingDef *def)
{
  g_return_if_fail (r != NULL);

  g_clear_pointer (&r->system, g_free);
  g_clear_pointer (&r->code, g_free);
  r->minimum_age = -1;
  if (def == NULL)
    return;
  r->system = g_strdup (
      ws_rating_system_get_id (ws_rating_def_get_system (def)));
  r->code = g_strdup (ws_rating_def_get_code (def));
  r->minimum_age = ws_rating_def_get_minimum_age (def);
}

gboolean
ws_rating_add_text (WsRating *r, const char *lang, const char *length,
    const char *text)
{
  WsGuidanceText *t;
  GString *s;
  char *valid, *cut;
  gboolean space = FALSE, was_cut = FALSE;
  glong n_chars = 0;

  g_return_val_if_fail (r != NULL && text != NULL, FALSE);

  t = g_new0 (WsGuidanceText, 1);
  t->lang = g_strdup (lang);
  t->length = g_strdup (length);
  /* Collapse runs of white space (multi-line ExplanatoryText) in one pass
   * that stops just past the bound, so a 10 MB text costs no more than a
   * short one. */
  s = g_string_sized_new (MIN (strlen (text), 4 * WS_GUIDANCE_TEXT_MAX_CHARS));
  for (const char *p = text; *p != '\0'; p++) {
    if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
      space = s->len > 0;
      continue;
    }
    if (s->len >= 4 * WS_GUIDANCE_TEXT_MAX_CHARS + 4) {
      was_cut = TRUE; /* also bounds runs of stray continuation bytes */
      break;
    }
    if (((guchar) *p & 0xc0) != 0x80) {
      if (n_chars + (space ? 1 : 0) >= WS_GUIDANCE_TEXT_MAX_CHARS + 1) {
        was_cut = TRUE;
        break;
      }
      n_chars += space ? 2 : 1;
    }
    if (space)
      g_string_append_c (s, ' ');
    space = FALSE;
    g_string_append_c (s, *p);
  }
  valid = g_utf8_make_valid (s->str, s->len);
  g_string_free (s, TRUE);
  if (was_cut || g_utf8_strlen (valid, -1) > WS_GUIDANCE_TEXT_MAX_CHARS) {
    cut = g_utf8_substring (valid, 0, WS_GUIDANCE_TEXT_MAX_CHARS);
    t->text = g_strconcat (g_strchomp (cut), "\u2026", NULL);
    g_free (cut);
    g_free (valid);
    was_cut = TRUE;
  } else {
    t->text = valid;
  }
  g_ptr_array_add (r->texts, t);
  return was_cut;
}

gboolean
ws_metadata_add_text (WsMetadata *md, WsRating *r, const xmlNode *node,
    const char *lang, const char *length, const char *text)
{
  if (!ws_rating_add_text (r, lang, length, text))
    return FALSE;
  ws_metadata_warn_node (md, node,
      "guidance text of more than %d characters cut there (DVB-I allows "
      "160): shorten the text",
      WS_GUIDANCE_TEXT_MAX_CHARS);
  return TRUE;
}

static void add_warning_valist (WsMetadata *md, int line, const char *element,
    gboolean invalid, const char *format, va_list args) G_GNUC_PRINTF (5, 0);

static void
add_warning_valist (WsMetadata *md, int line, const char *element,
    gboolean invalid, const char *format, va_list args)
{
  WsMetadataWarning *w;

  g_return_if_fail (md != NULL && format != NULL);

  w = g_new0 (WsMetadataWarning, 1);
  w->line = line;
  w->element = ws_utf8_cut (element, WS_XML_MAX_QUOTED_CHARS);
  w->invalid = invalid;
  /* values quoted in the message are cut: a 5 MB attribute is not echoed */
  w->message = ws_xml_shorten_message (g_strdup_vprintf (format, args));
  g_ptr_array_add (md->warnings, w);
}

void
ws_metadata_add_warning (WsMetadata *md, int line, const char *element,
    const char *format, ...)
{
  va_list args;

  va_start (args, format);
  add_warning_valist (md, line, element, FALSE, format, args);
  va_end (args);
}

void
ws_metadata_add_violation (WsMetadata *md, int line, const char *element,
    const char *format, ...)
{
  va_list args;

  va_start (args, format);
  add_warning_valist (md, line, element, TRUE, format, args);
  va_end (args);
}

gboolean
ws_metadata_is_valid (const WsMetadata *md)
{
  g_return_val_if_fail (md != NULL, FALSE);

  for (guint i = 0; i < md->warnings->len; i++) {
    const WsMetadataWarning *w = g_ptr_array_index (md->warnings, i);

    if (w->invalid)
      return FALSE;
  }
  return TRUE;
}

void
ws_metadata_warn_node (WsMetadata *md, const xmlNode *node, const char *format,
    ...)
{
  va_list args;
  char *msg;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  ws_metadata_add_warning (md, ws_xml_line (node),
      node ? (const char *) node->name : NULL, "%s", msg);
  g_free (msg);
}

gboolean
ws_metadata_set_invalid (GError **error, const WsMetadata *md,
    const xmlNode *node, const char *format, ...)
{
  va_list args;
  char *msg;

  va_start (args, format);
  msg = ws_xml_shorten_message (g_strdup_vprintf (format, args));
  va_end (args);
  if (node != NULL)
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID, "%s:%d: %s: %s", md->path,
        ws_xml_line (node), (const char *) node->name, msg);
  else
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID, "%s: %s", md->path, msg);
  g_free (msg);
  return FALSE;
}

void
ws_metadata_take_rating (WsMetadata *md, WsRating *rating, const xmlNode *node)
{
  g_return_if_fail (md != NULL && rating != NULL);

  if (rating->line == 0)
    rating->line = ws_xml_line (node);
  if (rating->element == NULL && node != NULL)
    rating->element = g_strdup ((const char *) node->name);
  g_ptr_array_add (md->ratings, rating);
}

gboolean
ws_metadata_resolve (WsMetadata *md, WsRating *rating,
    const WsRatingRegistry *reg, const char *scheme, const char *value,
    const xmlNode *node)
{
  const WsRatingDef *def;

  g_free (rating->source_system);
  rating->source_system = g_strdup (scheme);
  g_free (rating->source_code);
  rating->source_code = g_strdup (value);

  if (value == NULL) {
    ws_rating_set_resolved (rating, NULL);
    ws_metadata_warn_node (md, node,
        "empty rating%s%s%s: treated as unrated (most restrictive); fill in "
        "the rating code",
        scheme ? " from \"" : "", scheme ? scheme : "", scheme ? "\"" : "");
    return FALSE;
  }

  def = ws_rating_registry_resolve (reg, scheme, value);
  ws_rating_set_resolved (rating, def);
  if (def != NULL)
    return TRUE;

  if (scheme != NULL && ws_rating_registry_lookup_system (reg, scheme))
    ws_metadata_warn_node (md, node,
        "rating \"%s\" is not a code of %s (\"%s\"): treated as unrated "
        "(most restrictive); check the code (watershed rate show %s)",
        value,
        ws_rating_system_get_id (
            ws_rating_registry_lookup_system (reg, scheme)),
        scheme,
        ws_rating_system_get_id (
            ws_rating_registry_lookup_system (reg, scheme)));
  else
    ws_metadata_warn_node (md, node,
        "unknown rating system \"%s\" (rating \"%s\"): treated as unrated "
        "(most restrictive); use a known agency URI or system id "
        "(watershed rate list)",
        scheme ? scheme : "(none)", value);
  return FALSE;
}

WsMetadata *
ws_metadata_new_for_reader (const char *name, WsMetadataFormat format)
{
  WsMetadata *md = g_new0 (WsMetadata, 1);

  md->path = g_strdup (name);
  md->format = format;
  md->ratings = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_rating_free);
  md->warnings = g_ptr_array_new_with_free_func (ws_metadata_warning_free);
  return md;
}

void
ws_metadata_free (WsMetadata *md)
{
  if (md == NULL)
    return;
  g_free (md->path);
  g_free (md->title);
  g_ptr_array_unref (md->ratings);
  g_ptr_array_unref (md->warnings);
  g_free (md);
}

/* Two ratings for one territory: the most restrictive, with a warning at
 * the line of the rating that makes the conflict. md->ratings keeps
 * everything the document says (watershed metadata lists it); the pick
 * applies the rule. */
static void
resolve_conflicts (WsMetadata *md)
{
  GPtrArray *warnings = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *kept = g_ptr_array_new ();

  for (guint i = 0; i < md->ratings->len; i++) {
    const WsRating *r = g_ptr_array_index (md->ratings, i);

    g_ptr_array_add (kept, (gpointer) r);
    ws_rating_resolve_conflicts (kept, warnings);
    for (guint j = 0; j < warnings->len; j++)
      ws_metadata_add_warning (md, r->line, r->element, "%s",
          (const char *) warnings->pdata[j]);
    g_ptr_array_set_size (warnings, 0);
  }
  g_ptr_array_unref (kept);
  g_ptr_array_unref (warnings);
}

static WsMetadata *
read_doc (xmlDoc *doc, const char *name, const WsRatingRegistry *reg,
    GError **error)
{
  xmlNode *root = xmlDocGetRootElement (doc);
  const char *ns = root->ns && root->ns->href ? (const char *) root->ns->href :
                                                NULL;
  WsMetadata *md;

  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++) {
    const FormatEntry *f = &formats[i];

    if (strcmp ((const char *) root->name, f->root) != 0)
      continue;
    if (!ws_xml_ns_has_prefix (root, f->ns_prefix))
      continue;

    md = ws_metadata_new_for_reader (name, f->format);
    if (!f->read (md, root, reg, error)) {
      ws_metadata_free (md);
      return NULL;
    }
    resolve_conflicts (md);
    if (md->ratings->len == 0)
      ws_metadata_add_warning (md, ws_xml_line (root), f->root,
          "no rating found in this %s document: the programme is treated as "
          "unrated (most restrictive)",
          f->name);
    return md;
  }

  g_set_error (error, WS_ERROR, WS_ERROR_UNKNOWN_FORMAT,
      "%s:%d: root element <%s>%s%s%s is not a metadata format watershed "
      "reads; expected an IMF CPL, TV-Anytime, DVB-I service list, EBUCore, "
      "iTunes package, XMLTV or watershed sidecar document",
      name, ws_xml_line (root), (const char *) root->name,
      ns ? " in namespace \"" : " with no namespace", ns ? ns : "",
      ns ? "\"" : "");
  return NULL;
}

WsMetadata *
ws_metadata_read_memory (const char *data, gsize len, const char *name,
    const WsRatingRegistry *reg, GError **error)
{
  xmlDoc *doc;
  WsMetadata *md;

  g_return_val_if_fail (reg != NULL, NULL);

  if (name == NULL)
    name = "<memory>";
  doc = ws_xml_read_memory (data, len, name, error);
  if (doc == NULL)
    return NULL;
  md = read_doc (doc, name, reg, error);
  xmlFreeDoc (doc);
  return md;
}

WsMetadata *
ws_metadata_read_file (const char *path, const WsRatingRegistry *reg,
    GError **error)
{
  xmlDoc *doc;
  WsMetadata *md;

  g_return_val_if_fail (path != NULL && reg != NULL, NULL);

  doc = ws_xml_read_file (path, 0, error);
  if (doc == NULL)
    return NULL;
  md = read_doc (doc, path, reg, error);
  xmlFreeDoc (doc);
  return md;
}

const WsRating *
ws_metadata_pick (const WsMetadata *md, const char *territory,
    const char *system)
{
  g_return_val_if_fail (md != NULL, NULL);
  return ws_ratings_pick (md->ratings, territory, system);
}

const WsRating *
ws_metadata_pick_at (const WsMetadata *md, const char *territory,
    const char *system, gint64 position_ns)
{
  g_return_val_if_fail (md != NULL, NULL);
  return ws_ratings_pick_at (md->ratings, territory, system, position_ns);
}
