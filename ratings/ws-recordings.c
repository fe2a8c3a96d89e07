/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the catalogue of pre-recorded warning announcements (see
 * ws-recordings.h). */
#include "ws-recordings.h"

#include <string.h>
#include <sys/stat.h>

#include <libxml/tree.h>

#include "ws-error.h"
#include "ws-xml.h"

#define NS WS_RECORDINGS_NS
#define MAX_FIELD 256 /* territory, rating, language */

typedef struct {
  char *territory; /* upper case */
  char *system;    /* NULL: any rating */
  char *code;
  char *lang; /* NULL: any language */
  char *href; /* resolved */
  int line;
} Entry;

struct WsRecordings {
  GPtrArray *entries; /* Entry*, owned */
};

typedef struct {
  const char *name;
  const char *base_dir; /* NULL: hrefs kept, files not checked */
} Loader;

static void
entry_free (gpointer p)
{
  Entry *e = p;
  g_free (e->territory);
  g_free (e->system);
  g_free (e->code);
  g_free (e->lang);
  g_free (e->href);
  g_free (e);
}

void
ws_recordings_free (WsRecordings *rec)
{
  if (rec == NULL)
    return;
  g_ptr_array_unref (rec->entries);
  g_free (rec);
}

guint
ws_recordings_count (const WsRecordings *rec)
{
  g_return_val_if_fail (rec != NULL, 0);
  return rec->entries->len;
}

/* A BCP 47 tag as far as a catalogue needs: letters, digits and '-', a
 * letter first. */
static gboolean
is_language (const char *s)
{
  if (s == NULL || !g_ascii_isalpha (s[0]) || strlen (s) > 35)
    return FALSE;
  for (const char *c = s; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-')
      return FALSE;
  return TRUE;
}

/* A URI scheme ("file:", "https:"): letters, digits, '+', '-', '.' before
 * the colon, a letter first, two characters or more (so "C:" is not). */
static gboolean
has_scheme (const char *s)
{
  const char *colon = strchr (s, ':');

  if (colon == NULL || colon - s < 2 || !g_ascii_isalpha (s[0]))
    return FALSE;
  for (const char *c = s; c < colon; c++)
    if (!g_ascii_isalnum (*c) && *c != '+' && *c != '-' && *c != '.')
      return FALSE;
  return TRUE;
}

static gboolean
parse_recording (const Loader *ld, const xmlNode *node, WsRecordings *rec,
    GError **error)
{
  static const char *const attrs[] = { "territory", "rating", "href", NULL };
  Entry *e;
  char *territory, *rating, *href, *lang;
  gboolean ok = FALSE;

  for (const xmlAttr *a = node->properties; a; a = a->next) {
    gboolean known = a->ns != NULL; /* xml:lang, checked below */
    for (const char *const *it = attrs; *it && !known; it++)
      known = !strcmp ((const char *) a->name, *it);
    if (!known)
      return ws_xml_set_error (error, ld->name, node,
          "<recording>: unknown attribute \"%s\"; see "
          "ratings/schemas/recordings.xsd",
          (const char *) a->name);
  }
  for (const xmlNode *c = node->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE)
      return ws_xml_set_error (error, ld->name, c,
          "<recording>: unexpected element <%s>; a recording has attributes "
          "only",
          (const char *) c->name);
  territory = ws_xml_attr (node, "territory", NULL);
  rating = ws_xml_attr (node, "rating", NULL);
  href = ws_xml_attr (node, "href", NULL);
  lang = ws_xml_attr (node, "lang", (const char *) XML_XML_NAMESPACE);
  e = g_new0 (Entry, 1);
  e->line = ws_xml_line (node);
  if (territory == NULL || strlen (territory) != 2 ||
      !g_ascii_isalpha (territory[0]) || !g_ascii_isalpha (territory[1])) {
    ws_xml_set_error (error, ld->name, node,
        "<recording>: field \"territory\": \"%s\" is not an ISO 3166-1 "
        "alpha-2 code (GB, DE, FR, ...)",
        territory ? territory : "(missing)");
    goto out;
  }
  e->territory = g_ascii_strup (territory, -1);
  if (rating != NULL) {
    const char *colon = strchr (rating, ':');
    if (colon == NULL || colon == rating || colon[1] == '\0' ||
        strlen (rating) > MAX_FIELD || strchr (colon + 1, ':') != NULL) {
      ws_xml_set_error (error, ld->name, node,
          "<recording>: field \"rating\": \"%s\" is not SYSTEM:CODE "
          "(bbfc:15); leave it out for a recording of any rating",
          rating);
      goto out;
    }
    e->system = g_strndup (rating, (gsize) (colon - rating));
    e->code = g_strdup (colon + 1);
  }
  if (lang != NULL) {
    if (!is_language (lang)) {
      ws_xml_set_error (error, ld->name, node,
          "<recording>: field \"xml:lang\": \"%s\" is not a language tag "
          "(en, de, fr-CA, ...)",
          lang);
      goto out;
    }
    e->lang = g_strdup (lang);
  }
  if (href == NULL || href[0] == '\0') {
    ws_xml_set_error (error, ld->name, node,
        "<recording>: field \"href\" is missing: the recording's path (from "
        "the catalogue's folder) or URI");
    goto out;
  }
  if (has_scheme (href) || ld->base_dir == NULL)
    e->href = g_strdup (href);
  else if (g_path_is_absolute (href))
    e->href = g_canonicalize_filename (href, NULL);
  else
    e->href = g_canonicalize_filename (href, ld->base_dir);
  if (ld->base_dir != NULL && !has_scheme (href)) {
    struct stat st;
    if (stat (e->href, &st) != 0 || !S_ISREG (st.st_mode)) {
      ws_xml_set_error (error, ld->name, node,
          "<recording>: field \"href\": %s is not a readable file; record "
          "it there or fix the path",
          e->href);
      goto out;
    }
  }
  for (guint i = 0; i < rec->entries->len; i++) {
    const Entry *o = g_ptr_array_index (rec->entries, i);
    if (!strcmp (o->territory, e->territory) &&
        (o->system == NULL) == (e->system == NULL) &&
        (o->system == NULL || (!g_ascii_strcasecmp (o->system, e->system) &&
                                  !g_ascii_strcasecmp (o->code, e->code))) &&
        (o->lang == NULL) == (e->lang == NULL) &&
        (o->lang == NULL || !g_ascii_strcasecmp (o->lang, e->lang))) {
      ws_xml_set_error (error, ld->name, node,
          "<recording>: the same territory, rating and language as line %d; "
          "keep one",
          o->line);
      goto out;
    }
  }
  if (rec->entries->len >= WS_RECORDINGS_MAX_ENTRIES) {
    g_set_error (error, WS_ERROR, WS_ERROR_TOO_LARGE,
        "%s:%d: more than %d recordings; split the catalogue", ld->name,
        e->line, WS_RECORDINGS_MAX_ENTRIES);
    goto out;
  }
  g_ptr_array_add (rec->entries, e);
  e = NULL;
  ok = TRUE;
out:
  if (e != NULL)
    entry_free (e);
  g_free (territory);
  g_free (rating);
  g_free (href);
  g_free (lang);
  return ok;
}

static WsRecordings *
parse_doc (xmlDoc *doc, const Loader *ld, GError **error)
{
  const xmlNode *root = xmlDocGetRootElement (doc);
  WsRecordings *rec;

  if (root == NULL || !ws_xml_is (root, NS, "recordings")) {
    g_set_error (error, WS_ERROR, WS_ERROR_UNKNOWN_FORMAT,
        "%s:%d: <%s>: not a recordings catalogue; the root must be "
        "<recordings> in the namespace " NS,
        ld->name, root ? ws_xml_line (root) : 0,
        root ? (const char *) root->name : "");
    return NULL;
  }
  for (const xmlAttr *a = root->properties; a; a = a->next)
    if (a->ns == NULL) {
      ws_xml_set_error (error, ld->name, root,
          "<recordings>: unknown attribute \"%s\"; see "
          "ratings/schemas/recordings.xsd",
          (const char *) a->name);
      return NULL;
    }
  rec = g_new0 (WsRecordings, 1);
  rec->entries = g_ptr_array_new_with_free_func (entry_free);
  for (const xmlNode *c = root->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE)
      continue;
    if (!ws_xml_is (c, NS, "recording")) {
      ws_xml_set_error (error, ld->name, c,
          "<recordings>: unexpected element <%s>; a catalogue holds "
          "<recording> elements",
          (const char *) c->name);
      ws_recordings_free (rec);
      return NULL;
    }
    if (!parse_recording (ld, c, rec, error)) {
      ws_recordings_free (rec);
      return NULL;
    }
  }
  return rec;
}

WsRecordings *
ws_recordings_new (const char *path, GError **error)
{
  xmlDoc *doc;
  WsRecordings *rec;
  char *dir;
  Loader ld;

  g_return_val_if_fail (path != NULL, NULL);
  doc = ws_xml_read_file (path, WS_RECORDINGS_MAX_BYTES, error);
  if (doc == NULL)
    return NULL;
  dir = g_path_get_dirname (path);
  if (!g_path_is_absolute (dir)) {
    char *abs = g_canonicalize_filename (dir, NULL);
    g_free (dir);
    dir = abs;
  }
  ld.name = path;
  ld.base_dir = dir;
  rec = parse_doc (doc, &ld, error);
  xmlFreeDoc (doc);
  g_free (dir);
  return rec;
}

WsRecordings *
ws_recordings_new_memory (const char *data, gsize len, const char *name,
    const char *base_dir, GError **error)
{
  xmlDoc *doc;
  WsRecordings *rec;
  Loader ld;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  if (name == NULL)
    name = "<memory>";
  doc = ws_xml_read_memory_max (data, len, name, WS_RECORDINGS_MAX_BYTES,
      error);
  if (doc == NULL)
    return NULL;
  ld.name = name;
  ld.base_dir = base_dir;
  rec = parse_doc (doc, &ld, error);
  xmlFreeDoc (doc);
  return rec;
}

/* 3: the same tag, 2: the same primary language, 1: the entry has none,
 * 0: another language. */
static int
language_score (const char *want, const char *have)
{
  gsize nw, nh;

  if (have == NULL)
    return 1;
  if (want == NULL)
    return 0;
  if (!g_ascii_strcasecmp (want, have))
    return 3;
  nw = strcspn (want, "-_");
  nh = strcspn (have, "-_");
  return nw == nh && !g_ascii_strncasecmp (want, have, nw) ? 2 : 0;
}

const char *
ws_recordings_find (const WsRecordings *rec, const char *territory,
    const WsRating *rating, const char *language)
{
  const Entry *best = NULL;
  int best_score = 0;

  g_return_val_if_fail (rec != NULL, NULL);
  if (territory == NULL)
    return NULL;
  for (guint i = 0; i < rec->entries->len; i++) {
    const Entry *e = g_ptr_array_index (rec->entries, i);
    int ls, score;
    if (g_ascii_strcasecmp (e->territory, territory) != 0)
      continue;
    if (e->system != NULL &&
        (rating == NULL || rating->system == NULL || rating->code == NULL ||
            g_ascii_strcasecmp (e->system, rating->system) != 0 ||
            g_ascii_strcasecmp (e->code, rating->code) != 0))
      continue;
    ls = language_score (language, e->lang);
    if (ls == 0)
      continue;
    score = (e->system != NULL ? 10 : 0) + ls;
    if (score > best_score) {
      best = e;
      best_score = score;
    }
  }
  return best ? best->href : NULL;
}
