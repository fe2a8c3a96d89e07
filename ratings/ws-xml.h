/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: safe XML loading and small DOM helpers for every reader. */
#ifndef WS_RATINGS_WS_XML_H
#define WS_RATINGS_WS_XML_H

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

/** Default bound on one XML input, in bytes (256 MiB). */
#define WS_XML_DEFAULT_MAX_BYTES ((gsize) 256 * 1024 * 1024)

/**
 * ws_xml_read_file:
 * @path: file to read.
 * @max_bytes: refuse larger files (0 = WS_XML_DEFAULT_MAX_BYTES).
 * @error: (out) (optional): WS_ERROR_IO, WS_ERROR_TOO_LARGE,
 *   WS_ERROR_MALFORMED (message names FILE:LINE and libxml2's reason) or
 *   WS_ERROR_FORBIDDEN (a DTD declaring entities, external or internal).
 *
 * Parses with no network access, no DTD loading, no entity substitution;
 * a document that declares any entity is refused as soon as the declaration
 * is seen, so neither "billion laughs" nor an external entity pointing at a
 * local file is ever expanded. Line numbers above 65535 are kept.
 *
 * Returns: (transfer full): the document (free with xmlFreeDoc()), or NULL.
 */
xmlDoc *ws_xml_read_file (const char *path, gsize max_bytes, GError **error);

/**
 * ws_xml_read_memory:
 * @data: the bytes (need not be NUL-terminated).
 * @len: their length.
 * @name: name used in messages (a path, or "<memory>").
 *
 * As ws_xml_read_file() on a buffer. Returns: (transfer full) or NULL.
 */
xmlDoc *ws_xml_read_memory (const char *data, gsize len, const char *name,
    GError **error);

/**
 * ws_xml_ns_has_prefix:
 * @node: an element.
 * @prefix: a namespace URI prefix such as "urn:tva:metadata:", or NULL to
 *   mean "no namespace".
 *
 * Returns: TRUE when @node's namespace URI starts with @prefix (or, for
 *   NULL, when it has none).
 */
gboolean ws_xml_ns_has_prefix (const xmlNode *node, const char *prefix);

/**
 * ws_xml_is:
 * Returns: TRUE when @node is an element named @local_name whose namespace
 *   URI starts with @ns_prefix (NULL: any namespace at all).
 */
gboolean ws_xml_is (const xmlNode *node, const char *ns_prefix,
    const char *local_name);

/**
 * ws_xml_first_child:
 * Returns: (transfer none) (nullable): the first element child of @parent
 *   named @local_name in a namespace starting with @ns_prefix (NULL: any).
 */
xmlNode *ws_xml_first_child (const xmlNode *parent, const char *ns_prefix,
    const char *local_name);

/**
 * ws_xml_next_sibling:
 * Returns: (transfer none) (nullable): the next element sibling after
 *   @node with the same test as ws_xml_first_child().
 */
xmlNode *ws_xml_next_sibling (const xmlNode *node, const char *ns_prefix,
    const char *local_name);

/**
 * ws_xml_text:
 * Returns: (transfer full) (nullable): the text content of @node with
 *   leading and trailing white space removed, or NULL when that is empty.
 *   Free with g_free().
 */
char *ws_xml_text (const xmlNode *node);

/**
 * ws_xml_attr:
 * @ns_uri: exact namespace of the attribute, or NULL for an unqualified one.
 * Returns: (transfer full) (nullable): the trimmed attribute value, NULL when
 *   absent or empty. Free with g_free().
 */
char *ws_xml_attr (const xmlNode *node, const char *name, const char *ns_uri);

/**
 * ws_xml_line:
 * Returns: the 1-based source line of @node, or 0 when unknown.
 */
int ws_xml_line (const xmlNode *node);

/** The namespace of xml:lang. */
#define WS_XML_NS_XML "http://www.w3.org/XML/1998/namespace"

G_END_DECLS

#endif /* WS_RATINGS_WS_XML_H */
