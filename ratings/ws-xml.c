/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "ws-xml.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "ws-error.h"

/* ---- the byte pre-scan ----------------------------------------------- */

/* Scans the bytes ahead of libxml2 for what its quadratic paths would choke
 * on (an element with 200,000 attributes costs minutes in the duplicate
 * check) and for an internal DTD subset. It follows XML's lexical structure
 * just enough to know where start tags are: comments, CDATA sections,
 * processing instructions and declarations are skipped; quoted values are
 * tracked inside tags. It never needs to be right about malformed input:
 * libxml2 rejects that itself, and the scan only ever refuses earlier. */
typedef enum {
  S_TEXT,
  S_LT,        /* after '<' */
  S_BANG,      /* after "<!": matching "--" or "[CDATA[" or a keyword */
  S_TAG,       /* inside a start or end tag */
  S_TAG_QUOTE, /* inside a quoted attribute value */
  S_COMMENT,
  S_CDATA,
  S_PI,
  S_DECL,       /* <!DOCTYPE ... > outside quotes */
  S_DECL_QUOTE, /* a quoted literal inside it */
} ScanState;

typedef struct {
  ScanState state;
  char quote;
  gboolean end_tag;
  int matched; /* characters of a multi-character delimiter matched */
  char bang[8];
  gsize tag_bytes;
  guint n_attrs;
  int line;     /* current line */
  int tag_line; /* line of the current tag's '<' */
  /* the refusal, once found */
  WsError code;
  int refused_line;
  char *refused;
} Scan;

static void
scan_init (Scan *sc)
{
  memset (sc, 0, sizeof (*sc));
  sc->line = 1;
}

static void
scan_refuse (Scan *sc, WsError code, int line, char *what)
{
  if (sc->refused == NULL) {
    sc->code = code;
    sc->refused_line = line;
    sc->refused = what;
  } else {
    g_free (what);
  }
}

static void
decl_char (Scan *sc, char c)
{
  if (c == '"' || c == '\'') {
    sc->quote = c;
    sc->state = S_DECL_QUOTE;
  } else if (c == '>') {
    sc->state = S_TEXT;
  }
}

/* Scans the common states - text, and inside a tag - in tight loops on
 * local copies of the state (the bytes are a char array, so the compiler
 * could otherwise keep nothing in registers): a few hundred MB/s. Returns
 * the index of the first byte it did not consume (a state change it left
 * to scan_feed), and writes the state back. */
static gsize
scan_fast (Scan *sc, const char *data, gsize i, gsize len)
{
  int line = sc->line;

  if (sc->state == S_TEXT) {
    for (; i < len; i++) {
      char c = data[i];

      if (c == '\n') {
        line++;
      } else if (c == '<') {
        sc->state = S_LT;
        sc->tag_line = line;
        i++;
        break;
      }
    }
  } else if (sc->state == S_TAG || sc->state == S_TAG_QUOTE) {
    gsize tag_bytes = sc->tag_bytes;
    guint n_attrs = sc->n_attrs;
    gboolean in_quote = sc->state == S_TAG_QUOTE;
    char quote = sc->quote;

    for (; i < len; i++) {
      char c = data[i];

      tag_bytes++;
      if (c == '\n') {
        line++;
      } else if (in_quote) {
        if (c == quote)
          in_quote = FALSE;
      } else if (c == '"' || c == '\'') {
        quote = c;
        in_quote = TRUE;
      } else if (c == '=') {
        n_attrs++;
        if (n_attrs > WS_XML_MAX_ATTRIBUTES)
          break;
      } else if (c == '>') {
        break;
      }
      if (tag_bytes > WS_XML_MAX_TAG_BYTES)
        break;
    }
    sc->tag_bytes = tag_bytes;
    sc->n_attrs = n_attrs;
    sc->quote = quote;
    sc->state = in_quote ? S_TAG_QUOTE : S_TAG;
    if (i < len) {
      /* the byte that stopped the loop has been counted */
      if (n_attrs > WS_XML_MAX_ATTRIBUTES)
        scan_refuse (sc, WS_ERROR_TOO_LARGE, sc->tag_line,
            g_strdup_printf ("an element with more than %d attributes",
                WS_XML_MAX_ATTRIBUTES));
      else if (tag_bytes > WS_XML_MAX_TAG_BYTES)
        scan_refuse (sc, WS_ERROR_TOO_LARGE, sc->tag_line,
            g_strdup_printf ("a start tag longer than %" G_GSIZE_FORMAT
                             " bytes",
                WS_XML_MAX_TAG_BYTES));
      else
        sc->state = S_TEXT; /* '>' */
      i++;
    }
  }
  sc->line = line;
  return i;
}

/* Returns FALSE once the input is refused (sc->refused set). */
static gboolean
scan_feed (Scan *sc, const char *data, gsize len)
{
  gsize i = 0;

  while (i < len && sc->refused == NULL) {
    char c;

    if (sc->state == S_TEXT || sc->state == S_TAG || sc->state == S_TAG_QUOTE) {
      i = scan_fast (sc, data, i, len);
      continue;
    }
    c = data[i++];
    if (c == '\n')
      sc->line++;
    switch (sc->state) {
      case S_LT:
        if (c == '!') {
          sc->state = S_BANG;
          sc->matched = 0;
        } else if (c == '?') {
          sc->state = S_PI;
          sc->matched = 0;
        } else {
          sc->state = S_TAG;
          sc->end_tag = c == '/';
          sc->tag_bytes = 2;
          sc->n_attrs = 0;
        }
        break;
      case S_BANG:
        sc->bang[sc->matched++] = c;
        if (sc->matched == 2 && !memcmp (sc->bang, "--", 2)) {
          sc->state = S_COMMENT;
          sc->matched = 0;
        } else if (sc->matched == 7 && !memcmp (sc->bang, "[CDATA[", 7)) {
          sc->state = S_CDATA;
          sc->matched = 0;
        } else if ((sc->matched > 2 || strncmp (sc->bang, "--", sc->matched)) &&
                   strncmp (sc->bang, "[CDATA[", sc->matched)) {
          /* <!DOCTYPE (or something libxml2 will reject) */
          sc->state = S_DECL;
          decl_char (sc, c);
        }
        break;
      case S_COMMENT:
        if (c == '-')
          sc->matched = MIN (sc->matched + 1, 2);
        else if (c == '>' && sc->matched == 2)
          sc->state = S_TEXT;
        else
          sc->matched = 0;
        break;
      case S_CDATA:
        if (c == ']')
          sc->matched = MIN (sc->matched + 1, 2);
        else if (c == '>' && sc->matched == 2)
          sc->state = S_TEXT;
        else
          sc->matched = 0;
        break;
      case S_PI:
        if (c == '>' && sc->matched == 1)
          sc->state = S_TEXT;
        else
          sc->matched = c == '?';
        break;
      case S_DECL:
        decl_char (sc, c);
        break;
      case S_DECL_QUOTE:
        if (c == sc->quote)
          sc->state = S_DECL;
        break;
      case S_TEXT:
      case S_TAG:
      case S_TAG_QUOTE:
        break;
    }
  }
  return sc->refused == NULL;
}

/* ---- the guard: SAX hooks shared by the tree and the push parsers ------ */

typedef struct {
  xmlSAXHandler user_sax; /* the callbacks we wrap */
  gpointer user_data;
  char *name;
  Scan scan;
  gboolean in_subset; /* the DOCTYPE has an internal subset */
  gboolean forbidden;
  int forbidden_line;
  char *forbidden_what;
  int first_error_line;
  char *first_error; /* the first fatal error: later ones are consequences */
} Guard;

static void
guard_forbid (xmlParserCtxtPtr ctxt, char *what)
{
  Guard *g = ctxt->_private;

  if (!g->forbidden) {
    g->forbidden = TRUE;
    g->forbidden_line = xmlSAX2GetLineNumber (ctxt);
    g->forbidden_what = what;
  } else {
    g_free (what);
  }
  xmlStopParser (ctxt);
}

static void
guard_error (void *user_data, xmlErrorPtr e)
{
  xmlParserCtxtPtr ctxt = user_data;
  Guard *g = ctxt->_private;

  if (g->first_error != NULL || e == NULL || e->level < XML_ERR_ERROR)
    return;
  g->first_error = g_strdup (e->message ? e->message : "not well-formed");
  g_strchomp (g->first_error);
  g->first_error_line = e->line;
}

static void
guard_entity_decl (void *ctx, const xmlChar *name, int type,
    const xmlChar *public_id, const xmlChar *system_id, xmlChar *content)
{
  guard_forbid (ctx,
      g_strdup_printf ("%s entity \"%s\"%s%s%s",
          system_id ? "an external" : "an internal", (const char *) name,
          system_id ? " (system id \"" : "",
          system_id ? (const char *) system_id : "", system_id ? "\")" : ""));
}

static void
guard_attribute_decl (void *ctx, const xmlChar *elem, const xmlChar *fullname,
    int type, int def, const xmlChar *default_value, xmlEnumerationPtr tree)
{
  xmlFreeEnumeration (tree);
  guard_forbid (ctx,
      g_strdup_printf ("an attribute declaration <!ATTLIST %s %s>",
          (const char *) elem, (const char *) fullname));
}

static void
guard_element_decl (void *ctx, const xmlChar *name, int type,
    xmlElementContentPtr content)
{
  guard_forbid (ctx, g_strdup_printf ("an element declaration <!ELEMENT %s>",
                         (const char *) name));
}

static void
guard_notation_decl (void *ctx, const xmlChar *name, const xmlChar *public_id,
    const xmlChar *system_id)
{
  guard_forbid (ctx, g_strdup_printf ("a notation declaration <!NOTATION %s>",
                         (const char *) name));
}

static void
guard_internal_subset (void *ctx, const xmlChar *name,
    const xmlChar *external_id, const xmlChar *system_id)
{
  xmlParserCtxtPtr ctxt = ctx;
  Guard *g = ctxt->_private;

  /* libxml2 calls this after the DOCTYPE's name and external id, with the
   * input on the '[' that opens an internal subset, if there is one. Every
   * declaration in it is refused as it comes (naming it); a subset with
   * none is refused where it ends (guard_external_subset). */
  g->in_subset = ctxt->input != NULL && ctxt->input->cur != NULL &&
                 ctxt->input->cur[0] == '[';
  if (g->user_sax.internalSubset != NULL)
    g->user_sax.internalSubset (ctx, name, external_id, system_id);
}

/* Called once the DOCTYPE, internal subset included, has been read. */
static void
guard_external_subset (void *ctx, const xmlChar *name,
    const xmlChar *external_id, const xmlChar *system_id)
{
  xmlParserCtxtPtr ctxt = ctx;
  Guard *g = ctxt->_private;

  if (g->in_subset)
    guard_forbid (ctxt, g_strdup ("an internal DTD subset"));
}

static void
guard_start (void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
  xmlParserCtxtPtr ctxt = ctx;
  Guard *g = ctxt->_private;

  if (uri != NULL &&
      (!strcmp ((const char *) uri, WS_XML_NS_XINCLUDE) ||
          !strcmp ((const char *) uri, WS_XML_NS_XINCLUDE_2003))) {
    guard_forbid (ctxt, g_strdup_printf ("an XInclude element <%s%s%s>",
                            prefix ? (const char *) prefix : "",
                            prefix ? ":" : "", (const char *) localname));
    return;
  }
  if (nb_defaulted > 0) {
    /* only an internal subset can default attributes, and it is refused
     * above; this is the last line of defence */
    guard_forbid (ctxt, g_strdup ("attribute defaults from a DTD"));
    return;
  }
  if (g->user_sax.startElementNs != NULL)
    g->user_sax.startElementNs (ctx, localname, prefix, uri, nb_namespaces,
        namespaces, nb_attributes, nb_defaulted, attributes);
}

static void
guard_install (xmlSAXHandler *sax, Guard *g)
{
  g->user_sax = *sax;
  sax->entityDecl = guard_entity_decl;
  sax->attributeDecl = guard_attribute_decl;
  sax->elementDecl = guard_element_decl;
  sax->notationDecl = guard_notation_decl;
  sax->unparsedEntityDecl = NULL;
  sax->internalSubset = guard_internal_subset;
  sax->externalSubset = guard_external_subset; /* loads nothing */
  sax->resolveEntity = NULL;
  sax->getEntity = NULL;
  sax->getParameterEntity = NULL;
  sax->startElementNs = guard_start;
  sax->serror = guard_error;
  sax->error = NULL;
  sax->warning = NULL;
  sax->fatalError = NULL;
}

static void
guard_clear (Guard *g)
{
  g_free (g->name);
  g_free (g->scan.refused);
  g_free (g->forbidden_what);
  g_free (g->first_error);
}

static gboolean
guard_check_refused (Guard *g, GError **error)
{
  if (g->scan.refused != NULL) {
    g_set_error (error, WS_ERROR, g->scan.code,
        "%s:%d: %s; no real document has one, so this one is refused "
        "before it is parsed",
        g->name, g->scan.refused_line, g->scan.refused);
    return FALSE;
  }
  if (g->forbidden) {
    g_set_error (error, WS_ERROR, WS_ERROR_FORBIDDEN,
        "%s:%d: the document has %s; DTD declarations (entities, "
        "attribute defaults) and XInclude are never processed (they can "
        "read local files, expand without bound or add what the document "
        "does not show): remove the DOCTYPE's [...] part or the include",
        g->name, g->forbidden_line, g->forbidden_what);
    return FALSE;
  }
  return TRUE;
}

static gboolean
guard_check_well_formed (Guard *g, xmlParserCtxtPtr ctxt, GError **error)
{
  if (ctxt->wellFormed && g->first_error == NULL)
    return TRUE;
  g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
      "%s:%d: malformed XML: %s; fix the document (xmllint --noout shows "
      "every error)",
      g->name, g->first_error_line,
      g->first_error ? g->first_error : "not well-formed");
  return FALSE;
}

/* No NOENT (no substitution), no DTDLOAD/DTDATTR/DTDVALID (no external
 * subset), no XINCLUDE, no network, no HUGE (keep libxml2's own depth and
 * size limits), and keep line numbers beyond 65535. */
#define SAFE_OPTIONS                                           \
  (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | \
      XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA)

static xmlDoc *
parse_safely (const char *data, gsize len, const char *name, GError **error)
{
  xmlParserCtxtPtr ctxt;
  Guard g = { 0 };
  xmlDoc *doc = NULL;

  if (len > G_MAXINT) {
    g_set_error (error, WS_ERROR, WS_ERROR_TOO_LARGE,
        "%s: %" G_GSIZE_FORMAT " bytes is larger than an XML document may "
        "be here; split the file",
        name, len);
    return NULL;
  }

  g.name = g_strdup (name);
  scan_init (&g.scan);
  if (!scan_feed (&g.scan, data, len)) {
    guard_check_refused (&g, error);
    guard_clear (&g);
    return NULL;
  }

  ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL) {
    g_set_error (error, WS_ERROR, WS_ERROR_IO,
        "%s: out of memory creating the XML parser", name);
    guard_clear (&g);
    return NULL;
  }
  ctxt->_private = &g;
  guard_install (ctxt->sax, &g);

  doc = xmlCtxtReadMemory (ctxt, data, (int) len, name, NULL, SAFE_OPTIONS);

  if (!guard_check_refused (&g, error) ||
      !guard_check_well_formed (&g, ctxt, error) || doc == NULL) {
    if (doc == NULL && error != NULL && *error == NULL)
      g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
          "%s: malformed XML; fix the document", name);
    g_clear_pointer (&doc, xmlFreeDoc);
  } else if (xmlDocGetRootElement (doc) == NULL) {
    g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
        "%s: the XML document has no root element", name);
    g_clear_pointer (&doc, xmlFreeDoc);
  }

  guard_clear (&g);
  xmlFreeParserCtxt (ctxt);
  return doc;
}

/* The document is nothing but white space (or nothing at all): libxml2
 * would say "Document is empty" or "Extra content at the end". */
static gboolean
is_blank (const char *data, gsize len)
{
  for (gsize i = 0; i < len; i++) {
    if (!g_ascii_isspace (data[i]))
      return FALSE;
  }
  return TRUE;
}

xmlDoc *
ws_xml_read_memory_max (const char *data, gsize len, const char *name,
    gsize max_bytes, GError **error)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len > max_bytes) {
    g_set_error (error, WS_ERROR, WS_ERROR_TOO_LARGE,
        "%s: %" G_GSIZE_FORMAT " bytes exceeds the limit of %" G_GSIZE_FORMAT
        " bytes for one XML input; split the file or raise the limit",
        name ? name : "<memory>", len, max_bytes);
    return NULL;
  }
  return ws_xml_read_memory (data, len, name, error);
}

xmlDoc *
ws_xml_read_memory (const char *data, gsize len, const char *name,
    GError **error)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (name == NULL)
    name = "<memory>";
  if (len == 0 || is_blank (data, len)) {
    g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
        "%s: the file is empty; expected an XML document", name);
    return NULL;
  }
  return parse_safely (data, len, name, error);
}

int
ws_xml_open_regular (const char *path, const char *what, gsize *out_size,
    GError **error)
{
  struct stat st;
  int fd, e, flags;
  const char *kind;

  g_return_val_if_fail (path != NULL, -1);

  if (what == NULL)
    what = "input";
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0) {
    e = errno;
    g_set_error (error, WS_ERROR, WS_ERROR_IO, "%s: cannot open the %s: %s",
        path, what, g_strerror (e));
    return -1;
  }
  if (fstat (fd, &st) != 0) {
    e = errno;
    close (fd);
    g_set_error (error, WS_ERROR, WS_ERROR_IO, "%s: cannot read the %s: %s",
        path, what, g_strerror (e));
    return -1;
  }
  if (!S_ISREG (st.st_mode)) {
    kind = S_ISDIR (st.st_mode)  ? "a directory" :
           S_ISFIFO (st.st_mode) ? "a FIFO (named pipe)" :
           S_ISSOCK (st.st_mode) ? "a socket" :
           S_ISCHR (st.st_mode)  ? "a character device" :
           S_ISBLK (st.st_mode)  ? "a block device" :
                                   "not a regular file";
    close (fd);
    g_set_error (error, WS_ERROR, WS_ERROR_IO,
        "%s: is %s, not a regular file; give the %s as a regular file", path,
        kind, what);
    return -1;
  }
  /* reads from a regular file never block, but keep ordinary semantics */
  flags = fcntl (fd, F_GETFL);
  if (flags >= 0)
    (void) fcntl (fd, F_SETFL, flags & ~O_NONBLOCK);
  if (out_size != NULL)
    *out_size = (gsize) st.st_size;
  return fd;
}

xmlDoc *
ws_xml_read_file (const char *path, gsize max_bytes, GError **error)
{
  return ws_xml_read_file_checksum (path, max_bytes, NULL, error);
}

xmlDoc *
ws_xml_read_file_checksum (const char *path, gsize max_bytes,
    GChecksum *checksum, GError **error)
{
  GMappedFile *map;
  GError *local = NULL;
  xmlDoc *doc;
  gsize len;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  if (max_bytes == 0)
    max_bytes = WS_XML_DEFAULT_MAX_BYTES;

  fd = ws_xml_open_regular (path, "XML file", &len, error);
  if (fd < 0)
    return NULL;
  if (len > max_bytes) {
    g_set_error (error, WS_ERROR, WS_ERROR_TOO_LARGE,
        "%s: %" G_GSIZE_FORMAT " bytes exceeds the limit of %" G_GSIZE_FORMAT
        " bytes for one XML input; split the file or raise the limit",
        path, len, max_bytes);
    close (fd);
    return NULL;
  }
  if (len == 0) {
    close (fd);
    return ws_xml_read_memory ("", 0, path, error);
  }
  map = g_mapped_file_new_from_fd (fd, FALSE, &local);
  close (fd);
  if (map == NULL) {
    g_set_error (error, WS_ERROR, WS_ERROR_IO, "%s: cannot read: %s", path,
        local->message);
    g_error_free (local);
    return NULL;
  }
  len = MIN (len, g_mapped_file_get_length (map));
  doc = ws_xml_read_memory (g_mapped_file_get_contents (map), len, path, error);
  if (doc != NULL && checksum != NULL)
    g_checksum_update (checksum,
        (const guchar *) g_mapped_file_get_contents (map), (gssize) len);
  g_mapped_file_unref (map);
  return doc;
}

/* ---- the push parser --------------------------------------------------- */

struct WsXmlPush {
  Guard guard;
  xmlSAXHandler sax;
  xmlParserCtxtPtr ctxt;
};

WsXmlPush *
ws_xml_push_new (const xmlSAXHandler *sax, gpointer user_data, const char *name)
{
  WsXmlPush *p;

  g_return_val_if_fail (sax != NULL, NULL);

  p = g_new0 (WsXmlPush, 1);
  p->guard.name = g_strdup (name ? name : "<memory>");
  p->guard.user_data = user_data;
  scan_init (&p->guard.scan);
  p->sax = *sax;
  p->sax.initialized = XML_SAX2_MAGIC;
  guard_install (&p->sax, &p->guard);
  p->ctxt = xmlCreatePushParserCtxt (&p->sax, NULL, NULL, 0, p->guard.name);
  if (p->ctxt == NULL) {
    ws_xml_push_free (p);
    return NULL;
  }
  p->ctxt->_private = &p->guard;
  xmlCtxtUseOptions (p->ctxt, SAFE_OPTIONS);
  return p;
}

xmlParserCtxtPtr
ws_xml_push_get_context (WsXmlPush *push)
{
  return push->ctxt;
}

gpointer
ws_xml_push_user_data (void *ctx)
{
  xmlParserCtxtPtr ctxt = ctx;
  Guard *g = ctxt->_private;

  return g->user_data;
}

gboolean
ws_xml_push_feed (WsXmlPush *push, const char *data, gsize len,
    gboolean terminate)
{
  g_return_val_if_fail (push != NULL && len <= G_MAXINT, FALSE);

  if (push->ctxt->disableSAX || push->guard.forbidden)
    return FALSE;
  if (!scan_feed (&push->guard.scan, data, len)) {
    xmlStopParser (push->ctxt);
    return FALSE;
  }
  if (xmlParseChunk (push->ctxt, data, (int) len, terminate) != 0)
    return FALSE;
  return !push->ctxt->disableSAX;
}

gboolean
ws_xml_push_check_refused (WsXmlPush *push, GError **error)
{
  return guard_check_refused (&push->guard, error);
}

gboolean
ws_xml_push_check_well_formed (WsXmlPush *push, GError **error)
{
  return guard_check_well_formed (&push->guard, push->ctxt, error);
}

void
ws_xml_push_free (WsXmlPush *push)
{
  if (push == NULL)
    return;
  if (push->ctxt != NULL) {
    if (push->ctxt->myDoc != NULL)
      xmlFreeDoc (push->ctxt->myDoc);
    xmlFreeParserCtxt (push->ctxt);
  }
  guard_clear (&push->guard);
  g_free (push);
}

/* ---- messages ---------------------------------------------------------- */

char *
ws_utf8_cut (const char *text, gsize max_chars)
{
  /* look no further than the bytes that can hold max_chars + 1 characters:
   * a 10 MB text costs no more than a short one */
  gsize limit = max_chars < G_MAXSIZE / 8 ? 4 * max_chars + 4 : G_MAXSIZE / 2;
  gsize n;
  char *valid, *end;
  GString *s;

  if (text == NULL)
    return NULL;
  n = strnlen (text, limit + 1);
  valid = g_utf8_make_valid (text, (gssize) MIN (n, limit));
  if (n <= limit && g_utf8_strlen (valid, -1) <= (glong) max_chars)
    return valid;
  end = g_utf8_offset_to_pointer (valid, (glong) max_chars);
  s = g_string_new_len (valid, end - valid);
  g_string_append (s, "\u2026");
  g_free (valid);
  return g_string_free (s, FALSE);
}

char *
ws_xml_shorten_message (char *message)
{
  const gsize max_total = 4 * WS_XML_MAX_QUOTED_CHARS + 1000;
  GString *out;
  const char *p, *open;
  char *valid, *cut;

  if (message == NULL)
    return NULL;
  if (g_utf8_validate (message, -1, NULL) &&
      strlen (message) <= WS_XML_MAX_QUOTED_CHARS)
    return message;
  valid = g_utf8_make_valid (message, -1);
  g_free (message);
  out = g_string_sized_new (256);
  p = valid;
  while ((open = strchr (p, '"')) != NULL) {
    const char *close = strchr (open + 1, '"');
    char *inner;

    if (close == NULL)
      break;
    g_string_append_len (out, p, open + 1 - p);
    inner = g_strndup (open + 1, close - open - 1);
    cut = ws_utf8_cut (inner, WS_XML_MAX_QUOTED_CHARS);
    g_string_append (out, cut);
    g_string_append_c (out, '"');
    g_free (inner);
    g_free (cut);
    p = close + 1;
  }
  g_string_append (out, p);
  g_free (valid);
  cut = ws_utf8_cut (out->str, max_total);
  g_string_free (out, TRUE);
  return cut;
}

gboolean
ws_xml_ns_has_prefix (const xmlNode *node, const char *prefix)
{
  const char *href;

  if (node == NULL)
    return FALSE;
  href = node->ns && node->ns->href ? (const char *) node->ns->href : NULL;
  if (prefix == NULL)
    return href == NULL || href[0] == '\0';
  return href != NULL && g_str_has_prefix (href, prefix);
}

gboolean
ws_xml_is (const xmlNode *node, const char *ns_prefix, const char *local_name)
{
  if (node == NULL || node->type != XML_ELEMENT_NODE)
    return FALSE;
  if (local_name != NULL && strcmp ((const char *) node->name, local_name))
    return FALSE;
  if (ns_prefix == NULL)
    return TRUE;
  return ws_xml_ns_has_prefix (node, ns_prefix);
}

xmlNode *
ws_xml_next_sibling (const xmlNode *node, const char *ns_prefix,
    const char *local_name)
{
  xmlNode *n;

  if (node == NULL)
    return NULL;
  for (n = node->next; n != NULL; n = n->next) {
    if (ws_xml_is (n, ns_prefix, local_name))
      return n;
  }
  return NULL;
}

xmlNode *
ws_xml_first_child (const xmlNode *parent, const char *ns_prefix,
    const char *local_name)
{
  xmlNode *n;

  if (parent == NULL)
    return NULL;
  for (n = parent->children; n != NULL; n = n->next) {
    if (ws_xml_is (n, ns_prefix, local_name))
      return n;
  }
  return NULL;
}

static char *
trimmed_or_null (xmlChar *raw)
{
  char *s;

  if (raw == NULL)
    return NULL;
  s = g_strdup ((const char *) raw);
  xmlFree (raw);
  g_strstrip (s);
  if (s[0] == '\0') {
    g_free (s);
    return NULL;
  }
  return s;
}

char *
ws_xml_text (const xmlNode *node)
{
  if (node == NULL)
    return NULL;
  return trimmed_or_null (xmlNodeGetContent (node));
}

char *
ws_xml_attr (const xmlNode *node, const char *name, const char *ns_uri)
{
  if (node == NULL || node->type != XML_ELEMENT_NODE)
    return NULL;
  if (ns_uri != NULL)
    return trimmed_or_null (
        xmlGetNsProp (node, (const xmlChar *) name, (const xmlChar *) ns_uri));
  return trimmed_or_null (xmlGetNoNsProp (node, (const xmlChar *) name));
}

int
ws_xml_line (const xmlNode *node)
{
  long line;

  if (node == NULL)
    return 0;
  line = xmlGetLineNo (node);
  return line > 0 && line < G_MAXINT ? (int) line : 0;
}

gboolean
ws_xml_set_errorv (GError **error, const char *file, const xmlNode *node,
    const char *format, va_list args)
{
  char *msg = ws_xml_shorten_message (g_strdup_vprintf (format, args));
  int line = node != NULL ? ws_xml_line (node) : 0;

  if (line > 0)
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID, "%s:%d: %s", file, line,
        msg);
  else
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID, "%s: %s", file, msg);
  g_free (msg);
  return FALSE;
}

gboolean
ws_xml_set_error (GError **error, const char *file, const xmlNode *node,
    const char *format, ...)
{
  va_list args;

  va_start (args, format);
  ws_xml_set_errorv (error, file, node, format, args);
  va_end (args);
  return FALSE;
}
