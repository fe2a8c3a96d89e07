/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the support directory (ratings/support/<territory>.xml), see
 * ws-support.h and ratings/schemas/support.xsd.
 *
 * Two kinds of document share the namespace urn:watershed:support:1:
 *
 *   <support-topics>      the topics and the descriptor-to-topic map
 *     <topic id="suicide-self-harm" label="Suicide and self-harm"/>
 *     <map category="drugs" topic="addiction"/>
 *     <map system="bbfc" descriptor="sexual-violence" topic="abuse"/>
 *     <map descriptor="suicide" topic="suicide-self-harm"/>
 *
 *   <support territory="GB" lang="en">   one per territory
 *     <helpline topic="child">
 *       <name>Childline</name> <number>0800 1111</number>
 *       <url>https://www.childline.org.uk/</url> <hours>24/7</hours>
 *       <source href="https://..." checked="2026-12-03" verified="yes"/>
 *     </helpline>
 */
#include "ws-support.h"

#include <string.h>

#include "ws-data.h"
#include "ws-error.h"
#include "ws-rating.h"
#include "ws-territory.h"
#include "ws-xml.h"

#define SUPPORT_NS "urn:watershed:support:1"
#define SUPPORT_MAX_BYTES ((gsize) 4 * 1024 * 1024)
#define SUPPORT_MAX_ID 64

typedef struct {
  char *system;     /* nullable: any system */
  char *descriptor; /* nullable: with @category NULL */
  char *category;   /* nullable: with @descriptor NULL */
  char *topic;
  const char *file;
  int line;
} Map;

typedef struct {
  char *id;
  char *label;
  const char *file;
  int line;
} Topic;

typedef struct {
  char *territory;
  const char *file;
} TerritoryFile;

struct WsSupportDirectory {
  GStringChunk *strings;
  GPtrArray *entries;     /* WsHelpline*, owned */
  GPtrArray *topics;      /* Topic*, owned */
  GPtrArray *maps;        /* Map*, owned */
  GPtrArray *territories; /* TerritoryFile*, owned */
  gboolean have_topic_list;
  GChecksum *sum; /* of each file read: its name and its SHA-256 */
  char *digest;   /* hex, once loaded */
};

typedef struct {
  WsSupportDirectory *dir;
  const char *name; /* in dir->strings */
} Loader;

static gboolean G_GNUC_PRINTF (4, 5) fail (GError **error, const Loader *ld,
    const xmlNode *node, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  ws_xml_set_errorv (error, ld->name, node, format, args);
  va_end (args);
  return FALSE;
}

static const char *
intern (WsSupportDirectory *dir, const char *s)
{
  return s ? g_string_chunk_insert_const (dir->strings, s) : NULL;
}

static gboolean
is_valid_id (const char *id)
{
  if (id == NULL || *id == '\0' || strlen (id) > SUPPORT_MAX_ID)
    return FALSE;
  for (const char *c = id; *c; c++) {
    if (!g_ascii_islower (*c) && !g_ascii_isdigit (*c) && *c != '-')
      return FALSE;
  }
  return TRUE;
}

static gboolean
is_web_address (const char *s)
{
  return s != NULL &&
         (g_str_has_prefix (s, "https://") ||
             g_str_has_prefix (s, "http://")) &&
         strpbrk (s, " \t\r\n") == NULL;
}

/* YYYY-MM-DD, a real calendar day. */
static gboolean
is_valid_date (const char *s)
{
  guint64 y, m, d;
  char buf[5];

  if (s == NULL || strlen (s) != 10 || s[4] != '-' || s[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++) {
    if (i != 4 && i != 7 && !g_ascii_isdigit (s[i]))
      return FALSE;
  }
  memcpy (buf, s, 4);
  buf[4] = '\0';
  y = g_ascii_strtoull (buf, NULL, 10);
  m = (guint64) (s[5] - '0') * 10 + (guint64) (s[6] - '0');
  d = (guint64) (s[8] - '0') * 10 + (guint64) (s[9] - '0');
  return y >= 1900 && m >= 1 && m <= 12 && d >= 1 &&
         g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
}

/* Every attribute and child of @node must be in @attrs / @children. */
static gboolean
check_known (const Loader *ld, const xmlNode *node, const char *const *attrs,
    const char *const *children, GError **error)
{
  for (const xmlAttr *a = node->properties; a; a = a->next) {
    gboolean known = FALSE;
    if (a->ns != NULL)
      continue;
    for (const char *const *it = attrs; *it && !known; it++)
      known = !strcmp ((const char *) a->name, *it);
    if (!known)
      return fail (error, ld, node,
          "<%s>: unknown attribute \"%s\"; see ratings/schemas/support.xsd",
          (const char *) node->name, (const char *) a->name);
  }
  for (const xmlNode *c = node->children; c; c = c->next) {
    gboolean known = FALSE;
    if (c->type != XML_ELEMENT_NODE)
      continue;
    for (const char *const *it = children; *it && !known; it++)
      known = ws_xml_is (c, SUPPORT_NS, *it);
    if (!known)
      return fail (error, ld, c,
          "<%s>: unexpected element <%s>; see ratings/schemas/support.xsd",
          (const char *) node->name, (const char *) c->name);
  }
  return TRUE;
}

/* The text of the single child @name of @node; FALSE when it is repeated. */
static gboolean
child_text (const Loader *ld, const xmlNode *node, const char *name, char **out,
    GError **error)
{
  xmlNode *c = ws_xml_first_child (node, SUPPORT_NS, name);

  *out = NULL;
  if (c == NULL)
    return TRUE;
  if (ws_xml_next_sibling (c, SUPPORT_NS, name) != NULL)
    return fail (error, ld, ws_xml_next_sibling (c, SUPPORT_NS, name),
        "<%s>: field \"%s\" is given twice; keep one",
        (const char *) node->name, name);
  *out = ws_xml_text (c);
  return TRUE;
}

static void
map_free (gpointer p)
{
  Map *m = p;
  g_free (m->system);
  g_free (m->descriptor);
  g_free (m->category);
  g_free (m->topic);
  g_free (m);
}

static void
topic_free (gpointer p)
{
  Topic *t = p;
  g_free (t->id);
  g_free (t->label);
  g_free (t);
}

static void
territory_file_free (gpointer p)
{
  TerritoryFile *t = p;
  g_free (t->territory);
  g_free (t);
}

static const Topic *
find_topic (const WsSupportDirectory *dir, const char *id)
{
  for (guint i = 0; i < dir->topics->len; i++) {
    const Topic *t = g_ptr_array_index (dir->topics, i);
    if (!strcmp (t->id, id))
      return t;
  }
  return NULL;
}

static gboolean
parse_topic (const Loader *ld, const xmlNode *node, GError **error)
{
  static const char *const attrs[] = { "id", "label", NULL };
  static const char *const children[] = { NULL };
  char *id = NULL, *label = NULL;
  const Topic *prev;
  Topic *t;

  if (!check_known (ld, node, attrs, children, error))
    return FALSE;
  id = ws_xml_attr (node, "id", NULL);
  if (!is_valid_id (id)) {
    fail (error, ld, node,
        "<topic>: field \"id\": \"%s\" is not a topic id; write lower-case "
        "letters, digits and '-' (at most %d)",
        id ? id : "", SUPPORT_MAX_ID);
    g_free (id);
    return FALSE;
  }
  if ((prev = find_topic (ld->dir, id)) != NULL) {
    fail (error, ld, node,
        "<topic>: field \"id\": topic \"%s\" is already declared at %s:%d; "
        "declare each topic once",
        id, prev->file, prev->line);
    g_free (id);
    return FALSE;
  }
  label = ws_xml_attr (node, "label", NULL);
  if (label == NULL) {
    fail (error, ld, node,
        "<topic>: field \"label\" is missing; say in a few words what topic "
        "\"%s\" covers",
        id);
    g_free (id);
    return FALSE;
  }
  t = g_new0 (Topic, 1);
  t->id = id;
  t->label = label;
  t->file = ld->name;
  t->line = ws_xml_line (node);
  g_ptr_array_add (ld->dir->topics, t);
  return TRUE;
}

static gboolean
parse_map (const Loader *ld, const xmlNode *node, GError **error)
{
  static const char *const attrs[] = { "system", "descriptor", "category",
    "topic", NULL };
  static const char *const children[] = { NULL };
  Map *m;

  if (!check_known (ld, node, attrs, children, error))
    return FALSE;
  m = g_new0 (Map, 1);
  m->system = ws_xml_attr (node, "system", NULL);
  m->descriptor = ws_xml_attr (node, "descriptor", NULL);
  m->category = ws_xml_attr (node, "category", NULL);
  m->topic = ws_xml_attr (node, "topic", NULL);
  m->file = ld->name;
  m->line = ws_xml_line (node);
  if ((m->descriptor == NULL) == (m->category == NULL)) {
    map_free (m);
    return fail (error, ld, node,
        "<map>: give exactly one of the fields \"descriptor\" (a descriptor "
        "code as written) and \"category\" (a common descriptor category)");
  }
  if (m->category != NULL && m->system != NULL) {
    map_free (m);
    return fail (error, ld, node,
        "<map>: field \"system\" only goes with \"descriptor\"; a category is "
        "common to every system");
  }
  if (!is_valid_id (m->topic)) {
    fail (error, ld, node,
        "<map>: field \"topic\": \"%s\" is not a topic id; name a <topic> "
        "declared in this file",
        m->topic ? m->topic : "");
    map_free (m);
    return FALSE;
  }
  g_ptr_array_add (ld->dir->maps, m);
  return TRUE;
}

static gboolean
parse_topics_doc (const Loader *ld, const xmlNode *root, GError **error)
{
  static const char *const attrs[] = { NULL };
  static const char *const children[] = { "topic", "map", NULL };

  if (ld->dir->have_topic_list)
    return fail (error, ld, root,
        "<support-topics>: a second topic list; keep one <support-topics> "
        "file (topics.xml) in the directory");
  if (!check_known (ld, root, attrs, children, error))
    return FALSE;
  ld->dir->have_topic_list = TRUE;
  for (const xmlNode *c = root->children; c; c = c->next) {
    if (ws_xml_is (c, SUPPORT_NS, "topic") && !parse_topic (ld, c, error))
      return FALSE;
  }
  for (const xmlNode *c = root->children; c; c = c->next) {
    if (ws_xml_is (c, SUPPORT_NS, "map") && !parse_map (ld, c, error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
parse_source (const Loader *ld, const xmlNode *hl, WsHelpline *h,
    GError **error)
{
  static const char *const attrs[] = { "href", "checked", "verified", NULL };
  static const char *const children[] = { NULL };
  xmlNode *src = ws_xml_first_child (hl, SUPPORT_NS, "source");
  char *href = NULL, *checked = NULL, *verified = NULL;
  gboolean ok = FALSE;

  if (src == NULL)
    return fail (error, ld, hl,
        "<helpline>: field \"source\" is missing; add <source href=\"URL "
        "where you checked it\" checked=\"YYYY-MM-DD\"/>");
  if (ws_xml_next_sibling (src, SUPPORT_NS, "source") != NULL)
    return fail (error, ld, ws_xml_next_sibling (src, SUPPORT_NS, "source"),
        "<helpline>: field \"source\" is given twice; keep the one the entry "
        "was checked against");
  if (!check_known (ld, src, attrs, children, error))
    return FALSE;
  href = ws_xml_attr (src, "href", NULL);
  checked = ws_xml_attr (src, "checked", NULL);
  verified = ws_xml_attr (src, "verified", NULL);
  if (href == NULL)
    fail (error, ld, src,
        "<source>: field \"href\" is missing; give the URL the entry was "
        "checked against");
  else if (!is_web_address (href))
    fail (error, ld, src,
        "<source>: field \"href\": \"%s\" is not an http(s) address", href);
  else if (checked == NULL)
    fail (error, ld, src,
        "<source>: field \"checked\" is missing; give the date the entry was "
        "checked, YYYY-MM-DD");
  else if (!is_valid_date (checked))
    fail (error, ld, src,
        "<source>: field \"checked\": \"%s\" is not a date; write YYYY-MM-DD",
        checked);
  else if (verified != NULL && strcmp (verified, "yes") != 0 &&
           strcmp (verified, "no") != 0)
    fail (error, ld, src,
        "<source>: field \"verified\": \"%s\" is neither \"yes\" nor \"no\"",
        verified);
  else {
    h->source = intern (ld->dir, href);
    h->checked = intern (ld->dir, checked);
    h->verified = verified == NULL || !strcmp (verified, "yes");
    ok = TRUE;
  }
  g_free (href);
  g_free (checked);
  g_free (verified);
  return ok;
}

static gboolean
parse_helpline (const Loader *ld, const xmlNode *node, const char *territory,
    const char *file_lang, GError **error)
{
  static const char *const attrs[] = { "topic", "lang", NULL };
  static const char *const children[] = { "name", "number", "url", "hours",
    "source", NULL };
  char *topic = NULL, *lang = NULL, *name = NULL, *number = NULL, *url = NULL,
       *hours = NULL;
  WsHelpline h = { 0 };
  gboolean ok = FALSE;

  if (!check_known (ld, node, attrs, children, error))
    return FALSE;
  topic = ws_xml_attr (node, "topic", NULL);
  lang = ws_xml_attr (node, "lang", NULL);
  if (!is_valid_id (topic)) {
    fail (error, ld, node,
        "<helpline>: field \"topic\": \"%s\" is not a topic id; name a topic "
        "of topics.xml",
        topic ? topic : "");
    goto end;
  }
  if (!child_text (ld, node, "name", &name, error) ||
      !child_text (ld, node, "number", &number, error) ||
      !child_text (ld, node, "url", &url, error) ||
      !child_text (ld, node, "hours", &hours, error))
    goto end;
  if (name == NULL) {
    fail (error, ld, node,
        "<helpline>: field \"name\" is missing; give the service's name as it "
        "presents itself");
    goto end;
  }
  if (number == NULL && url == NULL) {
    fail (error, ld, node,
        "<helpline>: fields \"number\" and \"url\" are both missing; give at "
        "least one way to reach \"%s\"",
        name);
    goto end;
  }
  if (url != NULL && !is_web_address (url)) {
    fail (error, ld, node,
        "<helpline>: field \"url\": \"%s\" is not an http(s) address", url);
    goto end;
  }
  if (lang == NULL && file_lang == NULL) {
    fail (error, ld, node,
        "<helpline>: field \"lang\" is missing; set lang on <helpline> or on "
        "<support>");
    goto end;
  }
  if (!parse_source (ld, node, &h, error))
    goto end;
  h.territory = territory;
  h.topic = intern (ld->dir, topic);
  h.name = intern (ld->dir, name);
  h.number = intern (ld->dir, number);
  h.url = intern (ld->dir, url);
  h.hours = intern (ld->dir, hours);
  h.lang = intern (ld->dir, lang ? lang : file_lang);
  h.file = ld->name;
  h.line = ws_xml_line (node);
  g_ptr_array_add (ld->dir->entries, g_memdup2 (&h, sizeof h));
  ok = TRUE;
end:
  g_free (topic);
  g_free (lang);
  g_free (name);
  g_free (number);
  g_free (url);
  g_free (hours);
  return ok;
}

static gboolean
parse_territory_doc (const Loader *ld, const xmlNode *root, GError **error)
{
  static const char *const attrs[] = { "territory", "lang", NULL };
  static const char *const children[] = { "helpline", NULL };
  char *written = NULL, *lang = NULL;
  const char *territory;
  TerritoryFile *tf;
  gboolean ok = FALSE;

  if (!check_known (ld, root, attrs, children, error))
    return FALSE;
  written = ws_xml_attr (root, "territory", NULL);
  lang = ws_xml_attr (root, "lang", NULL);
  if (written == NULL) {
    fail (error, ld, root,
        "<support>: field \"territory\" is missing; give the ISO 3166-1 "
        "alpha-2 code (GB)");
    goto end;
  }
  territory = ws_territory_normalise (written);
  if (territory == NULL) {
    fail (error, ld, root,
        "<support>: field \"territory\": \"%s\" is not a known ISO 3166-1 "
        "code; write the alpha-2 code (GB, DE)",
        written);
    goto end;
  }
  for (guint i = 0; i < ld->dir->territories->len; i++) {
    const TerritoryFile *o = g_ptr_array_index (ld->dir->territories, i);
    if (!strcmp (o->territory, territory)) {
      fail (error, ld, root,
          "<support>: field \"territory\": %s already has a support file "
          "(%s); keep one file per territory",
          territory, o->file);
      goto end;
    }
  }
  tf = g_new0 (TerritoryFile, 1);
  tf->territory = g_strdup (territory);
  tf->file = ld->name;
  g_ptr_array_add (ld->dir->territories, tf);
  territory = intern (ld->dir, territory);
  for (const xmlNode *c = root->children; c; c = c->next) {
    if (ws_xml_is (c, SUPPORT_NS, "helpline") &&
        !parse_helpline (ld, c, territory, lang, error))
      goto end;
  }
  ok = TRUE;
end:
  g_free (written);
  g_free (lang);
  return ok;
}

static gboolean
parse_doc (WsSupportDirectory *dir, xmlDoc *doc, const char *name,
    GError **error)
{
  Loader ld = { dir, intern (dir, name) };
  const xmlNode *root = xmlDocGetRootElement (doc);

  if (root != NULL && ws_xml_is (root, SUPPORT_NS, "support"))
    return parse_territory_doc (&ld, root, error);
  if (root != NULL && ws_xml_is (root, SUPPORT_NS, "support-topics"))
    return parse_topics_doc (&ld, root, error);
  g_set_error (error, WS_ERROR, WS_ERROR_UNKNOWN_FORMAT,
      "%s:%d: <%s>: not a support file; the root must be <support> or "
      "<support-topics> in the namespace " SUPPORT_NS,
      name, root ? ws_xml_line (root) : 0,
      root ? (const char *) root->name : "");
  return FALSE;
}

/* Across files: every topic a helpline or a map names is declared. */
static gboolean
check_topics (const WsSupportDirectory *dir, GError **error)
{
  if (!dir->have_topic_list)
    return TRUE;
  for (guint i = 0; i < dir->maps->len; i++) {
    const Map *m = g_ptr_array_index (dir->maps, i);
    if (find_topic (dir, m->topic) == NULL) {
      g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
          "%s:%d: <map>: field \"topic\": \"%s\" is not declared; add "
          "<topic id=\"%s\"> or fix the name",
          m->file, m->line, m->topic, m->topic);
      return FALSE;
    }
  }
  for (guint i = 0; i < dir->entries->len; i++) {
    const WsHelpline *h = g_ptr_array_index (dir->entries, i);
    if (find_topic (dir, h->topic) == NULL) {
      g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
          "%s:%d: <helpline>: field \"topic\": \"%s\" is not a topic of the "
          "topic list; use one it declares or declare it there",
          h->file, h->line, h->topic);
      return FALSE;
    }
  }
  return TRUE;
}

static WsSupportDirectory *
directory_alloc (void)
{
  WsSupportDirectory *dir = g_new0 (WsSupportDirectory, 1);

  dir->strings = g_string_chunk_new (1024);
  dir->entries = g_ptr_array_new_with_free_func (g_free);
  dir->topics = g_ptr_array_new_with_free_func (topic_free);
  dir->maps = g_ptr_array_new_with_free_func (map_free);
  dir->territories = g_ptr_array_new_with_free_func (territory_file_free);
  dir->sum = g_checksum_new (G_CHECKSUM_SHA256);
  return dir;
}

const char *
ws_support_directory_get_digest (const WsSupportDirectory *dir)
{
  g_return_val_if_fail (dir != NULL, NULL);
  return dir->digest;
}

void
ws_support_directory_free (WsSupportDirectory *dir)
{
  if (dir == NULL)
    return;
  g_ptr_array_unref (dir->entries);
  g_ptr_array_unref (dir->topics);
  g_ptr_array_unref (dir->maps);
  g_ptr_array_unref (dir->territories);
  g_string_chunk_free (dir->strings);
  if (dir->sum != NULL)
    g_checksum_free (dir->sum);
  g_free (dir->digest);
  g_free (dir);
}

/* Adds a file's name (without its folder: the same data elsewhere has the
 * same digest), prefixed by its length so names and digests cannot run
 * into each other. */
static void
sum_name (WsSupportDirectory *dir, const char *path)
{
  char *base = g_path_get_basename (path);
  char *head = g_strdup_printf ("%zu:%s", strlen (base), base);

  g_checksum_update (dir->sum, (const guchar *) head, -1);
  g_free (head);
  g_free (base);
}

/* Adds the file @name whose bytes @one has summed (and frees @one). */
static void
sum_file (WsSupportDirectory *dir, const char *name, GChecksum *one)
{
  guint8 bin[32];
  gsize n = sizeof (bin);

  g_checksum_get_digest (one, bin, &n);
  g_checksum_free (one);
  sum_name (dir, name);
  g_checksum_update (dir->sum, bin, (gssize) n);
}

/* The digest, once everything is loaded; the checksum is closed. */
static void
finish_digest (WsSupportDirectory *dir)
{
  dir->digest = g_strdup (g_checksum_get_string (dir->sum));
  g_checksum_free (dir->sum);
  dir->sum = NULL;
}

static gboolean
load_file (WsSupportDirectory *dir, const char *path, GError **error)
{
  GChecksum *one = g_checksum_new (G_CHECKSUM_SHA256);
  xmlDoc *doc = ws_xml_read_file_checksum (path, SUPPORT_MAX_BYTES, one, error);
  gboolean ok;

  if (doc == NULL) {
    g_checksum_free (one);
    return FALSE;
  }
  /* the file's own SHA-256 and its name go into the directory's */
  sum_file (dir, path, one);
  ok = parse_doc (dir, doc, path, error);
  xmlFreeDoc (doc);
  return ok;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static gboolean
load_dir (WsSupportDirectory *dir, const char *path, GError **error)
{
  GError *local = NULL;
  GDir *d = g_dir_open (path, 0, &local);
  GPtrArray *names;
  const char *n;
  char *topics;
  gboolean ok = TRUE;

  if (d == NULL) {
    g_set_error (error, WS_ERROR, WS_ERROR_IO, "%s: %s", path, local->message);
    g_error_free (local);
    return FALSE;
  }
  names = g_ptr_array_new_with_free_func (g_free);
  while ((n = g_dir_read_name (d)) != NULL) {
    if (g_str_has_suffix (n, ".xml") && strcmp (n, "topics.xml") != 0)
      g_ptr_array_add (names, g_build_filename (path, n, NULL));
  }
  g_dir_close (d);
  g_ptr_array_sort (names, compare_names);
  topics = g_build_filename (path, "topics.xml", NULL);
  if (!g_file_test (topics, G_FILE_TEST_EXISTS)) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "%s: no topics.xml; a support directory needs its topic list and "
        "descriptor map (copy ratings/support/topics.xml)",
        path);
    ok = FALSE;
  } else
    ok = load_file (dir, topics, error);
  for (guint i = 0; ok && i < names->len; i++)
    ok = load_file (dir, g_ptr_array_index (names, i), error);
  g_free (topics);
  g_ptr_array_unref (names);
  return ok;
}

WsSupportDirectory *
ws_support_directory_new (const char *path, GError **error)
{
  WsSupportDirectory *dir;
  char *found = NULL;
  gboolean ok;

  if (path == NULL) {
    found = ws_data_find_dir ("support", error);
    if (found == NULL)
      return NULL;
    path = found;
  }
  dir = directory_alloc ();
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    ok = load_dir (dir, path, error);
  else
    ok = load_file (dir, path, error);
  ok = ok && check_topics (dir, error);
  g_free (found);
  if (!ok) {
    ws_support_directory_free (dir);
    return NULL;
  }
  finish_digest (dir);
  return dir;
}

WsSupportDirectory *
ws_support_directory_new_memory (const char *data, gsize len, const char *name,
    GError **error)
{
  WsSupportDirectory *dir;
  xmlDoc *doc;
  gboolean ok;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  if (name == NULL)
    name = "<memory>";
  doc = ws_xml_read_memory_max (data, len, name, SUPPORT_MAX_BYTES, error);
  if (doc == NULL)
    return NULL;
  dir = directory_alloc ();
  ok = parse_doc (dir, doc, name, error) && check_topics (dir, error);
  xmlFreeDoc (doc);
  if (!ok) {
    ws_support_directory_free (dir);
    return NULL;
  }
  {
    GChecksum *one = g_checksum_new (G_CHECKSUM_SHA256);

    g_checksum_update (one, (const guchar *) data, (gssize) len);
    sum_file (dir, name, one);
  }
  finish_digest (dir);
  return dir;
}

static void
add_unique (GPtrArray *out, const char *s)
{
  for (guint i = 0; i < out->len; i++) {
    if (!strcmp (g_ptr_array_index (out, i), s))
      return;
  }
  g_ptr_array_add (out, g_strdup (s));
}

static gboolean
map_matches (const Map *m, const WsRatingSystem *sys, const char *rating_system,
    const char *descriptor, const char *category)
{
  if (m->category != NULL)
    return g_ascii_strcasecmp (m->category, category) == 0;
  if (m->system != NULL) {
    gboolean same = (sys != NULL && !g_ascii_strcasecmp (m->system,
                                        ws_rating_system_get_id (sys))) ||
                    (rating_system != NULL &&
                        !g_ascii_strcasecmp (m->system, rating_system));
    if (!same)
      return FALSE;
  }
  if (!g_ascii_strcasecmp (m->descriptor, descriptor))
    return TRUE;
  if (sys != NULL) {
    const WsRatingDescriptor *d = ws_rating_system_lookup_descriptor (sys,
        descriptor);
    return d != NULL && !g_ascii_strcasecmp (m->descriptor,
                            ws_rating_descriptor_get_code (d));
  }
  return FALSE;
}

char **
ws_support_topics_for_rating (const WsSupportDirectory *dir,
    const WsRatingRegistry *registry, const WsRating *rating)
{
  GPtrArray *out;
  const WsRatingSystem *sys = NULL;

  g_return_val_if_fail (dir != NULL, NULL);
  out = g_ptr_array_new ();
  if (rating == NULL) {
    g_ptr_array_add (out, NULL);
    return (char **) g_ptr_array_free (out, FALSE);
  }
  if (registry != NULL && rating->system != NULL)
    sys = ws_rating_registry_lookup_system (registry, rating->system);
  for (guint i = 0; rating->descriptors && i < rating->descriptors->len; i++) {
    const char *code = g_ptr_array_index (rating->descriptors, i);
    const char *category = ws_rating_descriptor_category_of (sys, code);
    for (guint j = 0; j < dir->maps->len; j++) {
      const Map *m = g_ptr_array_index (dir->maps, j);
      if (map_matches (m, sys, rating->system, code, category))
        add_unique (out, m->topic);
    }
  }
  for (guint i = 0; rating->support_topics && i < rating->support_topics->len;
       i++)
    add_unique (out, g_ptr_array_index (rating->support_topics, i));
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static void
add_entries (const WsSupportDirectory *dir, GPtrArray *out,
    const char *territory, const char *topic)
{
  for (guint i = 0; i < dir->entries->len; i++) {
    WsHelpline *h = g_ptr_array_index (dir->entries, i);
    gboolean seen = FALSE;
    if (strcmp (h->territory, territory) != 0 || strcmp (h->topic, topic) != 0)
      continue;
    for (guint j = 0; j < out->len && !seen; j++)
      seen = g_ptr_array_index (out, j) == h;
    if (!seen)
      g_ptr_array_add (out, h);
  }
}

GPtrArray *
ws_support_lookup (const WsSupportDirectory *dir, const char *territory,
    const char *const *topics)
{
  GPtrArray *out;
  const char *t;

  g_return_val_if_fail (dir != NULL, NULL);
  out = g_ptr_array_new ();
  t = territory ? ws_territory_normalise (territory) : NULL;
  if (t == NULL || topics == NULL || topics[0] == NULL)
    return out;
  for (const char *const *it = topics; *it; it++)
    add_entries (dir, out, t, *it);
  add_entries (dir, out, t, "child");
  return out;
}

GPtrArray *
ws_support_directory_get_helplines (const WsSupportDirectory *dir)
{
  g_return_val_if_fail (dir != NULL, NULL);
  return dir->entries;
}

char **
ws_support_directory_list_territories (const WsSupportDirectory *dir)
{
  GPtrArray *out;

  g_return_val_if_fail (dir != NULL, NULL);
  out = g_ptr_array_new ();
  for (guint i = 0; i < dir->territories->len; i++) {
    const TerritoryFile *tf = g_ptr_array_index (dir->territories, i);
    g_ptr_array_add (out, g_strdup (tf->territory));
  }
  g_ptr_array_sort (out, compare_names);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

const char *
ws_support_directory_get_territory_file (const WsSupportDirectory *dir,
    const char *territory)
{
  const char *t;

  g_return_val_if_fail (dir != NULL, NULL);
  t = territory ? ws_territory_normalise (territory) : NULL;
  for (guint i = 0; t && i < dir->territories->len; i++) {
    const TerritoryFile *tf = g_ptr_array_index (dir->territories, i);
    if (!strcmp (tf->territory, t))
      return tf->file;
  }
  return NULL;
}

char **
ws_support_directory_list_topics (const WsSupportDirectory *dir)
{
  GPtrArray *out;

  g_return_val_if_fail (dir != NULL, NULL);
  out = g_ptr_array_new ();
  for (guint i = 0; i < dir->topics->len; i++)
    g_ptr_array_add (out,
        g_strdup (((const Topic *) g_ptr_array_index (dir->topics, i))->id));
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

char **
ws_support_directory_list_mapped_topics (const WsSupportDirectory *dir)
{
  GPtrArray *out;

  g_return_val_if_fail (dir != NULL, NULL);
  out = g_ptr_array_new ();
  for (guint i = 0; i < dir->maps->len; i++)
    add_unique (out, ((const Map *) g_ptr_array_index (dir->maps, i))->topic);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

const char *
ws_support_topic_get_label (const WsSupportDirectory *dir, const char *topic)
{
  const Topic *t;

  g_return_val_if_fail (dir != NULL, NULL);
  t = topic ? find_topic (dir, topic) : NULL;
  return t ? t->label : NULL;
}

const WsSupportDirectory *
ws_support_directory_get_default (GError **error)
{
  static gsize once = 0;
  static WsSupportDirectory *dir;
  static GError *load_error;

  if (g_once_init_enter (&once)) {
    dir = ws_support_directory_new (NULL, &load_error);
    g_once_init_leave (&once, 1);
  }
  if (dir == NULL && error != NULL)
    *error = g_error_copy (load_error);
  return dir;
}

char **
ws_support_missing_topics (const WsSupportDirectory *dir, const char *territory,
    const char *const *topics)
{
  GPtrArray *out;

  g_return_val_if_fail (dir != NULL, NULL);
  out = g_ptr_array_new ();
  for (const char *const *it = topics; it && *it; it++) {
    const char *const one[] = { *it, NULL };
    GPtrArray *found = ws_support_lookup (dir, territory, one);
    gboolean have = FALSE;

    /* the child helpline the lookup adds stands in for no other topic */
    for (guint i = 0; i < found->len && !have; i++)
      have = !strcmp (((const WsHelpline *) found->pdata[i])->topic, *it);
    if (!have)
      add_unique (out, *it);
    g_ptr_array_unref (found);
  }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}
