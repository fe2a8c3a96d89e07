/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "ws-xml.h"

#include <errno.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "ws-error.h"

typedef struct {
  gboolean forbidden;
  int forbidden_line;
  char *forbidden_what;
  int first_error_line;
  char *first_error; /* the first fatal error: later ones are consequences */
} SafeState;

static void
record_error (void *user_data, xmlErrorPtr e)
{
  xmlParserCtxtPtr ctxt = user_data;
  SafeState *st = ctxt->_private;

  if (st->first_error != NULL || e == NULL || e->level < XML_ERR_ERROR)
    return;
  st->first_error = g_strdup (e->message ? e->message : "not well-formed");
  g_strchomp (st->first_error);
  st->first_error_line = e->line;
}

static void
refuse_entity_decl (void *user_data, const xmlChar *name, int type,
    const xmlChar *public_id, const xmlChar *system_id, xmlChar *content)
{
  xmlParserCtxtPtr ctxt = user_data;
  SafeState *st = ctxt->_private;

  if (!st->forbidden) {
    st->forbidden = TRUE;
    st->forbidden_line = xmlSAX2GetLineNumber (ctxt);
    st->forbidden_what = g_strdup_printf ("%s entity \"%s\"%s%s%s",
        system_id ? "external" : "internal", (const char *) name,
        system_id ? " (system id \"" : "",
        system_id ? (const char *) system_id : "", system_id ? "\")" : "");
  }
  xmlStopParser (ctxt);
}

static xmlDoc *
parse_safely (const char *data, gsize len, const char *name, GError **error)
{
  xmlParserCtxtPtr ctxt;
  SafeState st = { FALSE, 0, NULL, 0, NULL };
  xmlDoc *doc = NULL;
  int options;

  if (len > G_MAXINT) {
    g_set_error (error, WS_ERROR, WS_ERROR_TOO_LARGE,
        "%s: %" G_GSIZE_FORMAT " bytes is larger than an XML document may "
        "be here; split the file",
        name, len);
    return NULL;
  }

  ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL) {
    g_set_error (error, WS_ERROR, WS_ERROR_IO,
        "%s: out of memory creating the XML parser", name);
    return NULL;
  }
  ctxt->_private = &st;
  ctxt->sax->entityDecl = refuse_entity_decl;
  ctxt->sax->serror = record_error;

  /* No NOENT (no substitution), no DTDLOAD/DTDATTR/DTDVALID (no external
   * subset), no network, no HUGE (keep libxml2's own depth and size limits),
   * and keep line numbers beyond 65535. */
  options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
            XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA;
  doc = xmlCtxtReadMemory (ctxt, data, (int) len, name, NULL, options);

  if (st.forbidden) {
    g_set_error (error, WS_ERROR, WS_ERROR_FORBIDDEN,
        "%s:%d: the document declares an %s; entity declarations are never "
        "processed (they can read local files or expand without bound): "
        "remove the DOCTYPE's entity declarations",
        name, st.forbidden_line, st.forbidden_what);
    g_clear_pointer (&doc, xmlFreeDoc);
  } else if (doc == NULL || !ctxt->wellFormed) {
    g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
        "%s:%d: malformed XML: %s; fix the document (xmllint --noout shows "
        "every error)",
        name, st.first_error_line,
        st.first_error ? st.first_error : "not well-formed");
    g_clear_pointer (&doc, xmlFreeDoc);
  } else if (xmlDocGetRootElement (doc) == NULL) {
    g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
        "%s: the XML document has no root element", name);
    g_clear_pointer (&doc, xmlFreeDoc);
  }

  g_free (st.forbidden_what);
  g_free (st.first_error);
  xmlFreeParserCtxt (ctxt);
  return doc;
}

xmlDoc *
ws_xml_read_memory (const char *data, gsize len, const char *name,
    GError **error)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (name == NULL)
    name = "<memory>";
  if (len == 0) {
    g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
        "%s: the document is empty; expected XML", name);
    return NULL;
  }
  return parse_safely (data, len, name, error);
}

xmlDoc *
ws_xml_read_file (const char *path, gsize max_bytes, GError **error)
{
  GMappedFile *map;
  GError *local = NULL;
  xmlDoc *doc;
  gsize len;

  g_return_val_if_fail (path != NULL, NULL);

  if (max_bytes == 0)
    max_bytes = WS_XML_DEFAULT_MAX_BYTES;

  if (g_file_test (path, G_FILE_TEST_IS_DIR)) {
    g_set_error (error, WS_ERROR, WS_ERROR_IO,
        "%s: is a directory; give an XML file", path);
    return NULL;
  }
  map = g_mapped_file_new (path, FALSE, &local);
  if (map == NULL) {
    g_set_error (error, WS_ERROR, WS_ERROR_IO, "%s: cannot read: %s", path,
        local->message);
    g_error_free (local);
    return NULL;
  }
  len = g_mapped_file_get_length (map);
  if (len > max_bytes) {
    g_set_error (error, WS_ERROR, WS_ERROR_TOO_LARGE,
        "%s: %" G_GSIZE_FORMAT " bytes exceeds the limit of %" G_GSIZE_FORMAT
        " bytes for one XML input; split the file or raise the limit",
        path, len, max_bytes);
    g_mapped_file_unref (map);
    return NULL;
  }
  doc = ws_xml_read_memory (g_mapped_file_get_contents (map), len, path, error);
  g_mapped_file_unref (map);
  return doc;
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
