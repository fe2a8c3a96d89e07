/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: safe XML loading and small DOM helpers for every reader. */
#ifndef WS_RATINGS_WS_XML_H
#define WS_RATINGS_WS_XML_H

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

/** Default bound on one XML input, in bytes (256 MiB). */
#define WS_XML_DEFAULT_MAX_BYTES ((gsize) 256 * 1024 * 1024)

/**
 * WS_XML_MAX_ATTRIBUTES:
 * Most attributes (namespace declarations included) one element may carry.
 * libxml2 compares every attribute of an element with every other, so
 * 200,000 attributes cost minutes of CPU; no real document has more than a
 * few dozen. Checked on the bytes before the parser sees the element.
 */
#define WS_XML_MAX_ATTRIBUTES 1024

/**
 * WS_XML_MAX_TAG_BYTES:
 * Longest start tag (its name and all its attributes with their values),
 * in bytes (1 MiB). Checked on the bytes before the parser sees it.
 */
#define WS_XML_MAX_TAG_BYTES ((gsize) 1024 * 1024)

/**
 * WS_XML_MAX_QUOTED_CHARS:
 * Values quoted in warnings and errors are cut to this many characters
 * with an ellipsis, so a 5 MB attribute is never echoed whole.
 */
#define WS_XML_MAX_QUOTED_CHARS 80

/** The XInclude namespaces (2001 recommendation and the 2003 draft). */
#define WS_XML_NS_XINCLUDE "http://www.w3.org/2001/XInclude"
#define WS_XML_NS_XINCLUDE_2003 "http://www.w3.org/2003/XInclude"

/**
 * ws_xml_open_regular:
 * @path: a file to read.
 * @what: what the file is for, used in messages ("metadata", "schedule").
 * @out_size: (out) (optional): the file's size in bytes.
 * @error: (out) (optional): WS_ERROR_IO naming @path: it does not exist,
 *   cannot be opened, or is not a regular file (a directory, a FIFO, a
 *   socket or a device such as /dev/zero).
 *
 * The one way ratings/ opens an input file. The file is opened with
 * O_NONBLOCK and checked with fstat() before anything is read, so a FIFO
 * with no writer cannot hang the caller and a device cannot feed endless
 * bytes. A symbolic link to a regular file is followed.
 *
 * Returns: a file descriptor opened for reading (blocking again; the caller
 *   closes it), or -1.
 */
int ws_xml_open_regular (const char *path, const char *what, gsize *out_size,
    GError **error);

/**
 * ws_utf8_cut:
 * @text: (nullable): any bytes, NUL-terminated.
 * @max_chars: the most characters to keep.
 *
 * Invalid UTF-8 is replaced (U+FFFD); text longer than @max_chars
 * characters is cut after @max_chars characters and an ellipsis ("…") is
 * appended.
 *
 * Returns: (transfer full) (nullable): the text (NULL for NULL); free with
 *   g_free().
 */
char *ws_utf8_cut (const char *text, gsize max_chars);

/**
 * ws_xml_shorten_message:
 * @message: (transfer full): a formatted warning or error message.
 *
 * Cuts every double-quoted value in @message longer than
 * WS_XML_MAX_QUOTED_CHARS characters with an ellipsis (and the whole
 * message at 4 times that plus 1000 characters), and replaces invalid
 * UTF-8. Every reader passes its messages through this.
 *
 * Returns: (transfer full): the message, perhaps reallocated.
 */
char *ws_xml_shorten_message (char *message);

/**
 * ws_xml_set_errorv:
 * @error: (nullable): where to put the error
 * @file: the file name the message names
 * @node: (nullable): the node at fault; its line is named when known
 * @format: printf format of the message
 * @args: its arguments
 *
 * Sets a #WS_ERROR_INVALID error `FILE:LINE: MESSAGE` (`FILE: MESSAGE`
 * without a line), the message shortened by ws_xml_shorten_message(). For
 * the loaders' own error helpers.
 *
 * Returns: %FALSE, always (for `return fail (...)`).
 */
gboolean ws_xml_set_errorv (GError **error, const char *file,
    const xmlNode *node, const char *format, va_list args) G_GNUC_PRINTF (4, 0);

/** ws_xml_set_error: as ws_xml_set_errorv(). Returns: %FALSE. */
gboolean ws_xml_set_error (GError **error, const char *file,
    const xmlNode *node, const char *format, ...) G_GNUC_PRINTF (4, 5);

/**
 * ws_xml_read_file:
 * @path: file to read.
 * @max_bytes: refuse larger files (0 = WS_XML_DEFAULT_MAX_BYTES).
 * @error: (out) (optional): WS_ERROR_IO, WS_ERROR_TOO_LARGE,
 *   WS_ERROR_MALFORMED (message names FILE:LINE and libxml2's reason),
 *   WS_ERROR_FORBIDDEN (an internal DTD subset, an entity declaration,
 *   XInclude) or WS_ERROR_TOO_LARGE (also for an element beyond the
 *   bounds above).
 *
 * Parses with no network access, no DTD loading, no entity substitution;
 * a document with an internal DTD subset (entity, attribute-default or
 * element declarations) is refused as soon as it is seen, so neither
 * "billion laughs", an external entity pointing at a local file nor an
 * <!ATTLIST> default that adds attributes the document does not show
 * is ever used. XInclude elements are refused, not silently ignored.
 * Before the parser sees an element, its start tag is checked against
 * WS_XML_MAX_ATTRIBUTES and WS_XML_MAX_TAG_BYTES. The file is opened with
 * ws_xml_open_regular(). Line numbers above 65535 are kept.
 *
 * Returns: (transfer full): the document (free with xmlFreeDoc()), or NULL.
 */
xmlDoc *ws_xml_read_file (const char *path, gsize max_bytes, GError **error);

/**
 * ws_xml_read_file_checksum:
 * @checksum: (nullable): updated with the bytes parsed (the same bytes,
 *   read once), so a digest names exactly what was read; untouched on error.
 *
 * As ws_xml_read_file().
 */
xmlDoc *ws_xml_read_file_checksum (const char *path, gsize max_bytes,
    GChecksum *checksum, GError **error);

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
 * ws_xml_read_memory_max:
 * @max_bytes: refuse larger buffers with %WS_ERROR_TOO_LARGE, as
 *   ws_xml_read_file() refuses larger files.
 *
 * As ws_xml_read_memory(), for the loaders' `_new_memory()` functions.
 */
xmlDoc *ws_xml_read_memory_max (const char *data, gsize len, const char *name,
    gsize max_bytes, GError **error);

/**
 * WsXmlPush:
 *
 * A streaming (SAX push) parse with the same protections as
 * ws_xml_read_file(): for readers that must not build a tree (schedules
 * of a million events). The SAX callbacks receive the parser context as
 * their first argument; ws_xml_push_user_data() gives the @user_data.
 */
typedef struct WsXmlPush WsXmlPush;

/**
 * ws_xml_push_new:
 * @sax: the reader's callbacks (copied). Its entity, DTD declaration and
 *   error callbacks are replaced by ours; startElementNs is wrapped.
 * @user_data: handed back by ws_xml_push_user_data().
 * @name: the input's name in messages.
 *
 * Returns: (transfer full) (nullable): NULL when out of memory. Free with
 *   ws_xml_push_free().
 */
WsXmlPush *ws_xml_push_new (const xmlSAXHandler *sax, gpointer user_data,
    const char *name);

/** Returns: (transfer none): the libxml2 context, for line numbers. */
xmlParserCtxtPtr ws_xml_push_get_context (WsXmlPush *push);

/** Returns: the @user_data of the WsXmlPush whose context is @ctx. */
gpointer ws_xml_push_user_data (void *ctx);

/**
 * ws_xml_push_feed:
 * @data: the next bytes (any split); @len 0 with @terminate TRUE ends.
 *
 * Scans the bytes against the bounds, then parses them.
 * Returns: FALSE when parsing has stopped (a refusal, a fatal XML error,
 *   or a callback called xmlStopParser()).
 */
gboolean ws_xml_push_feed (WsXmlPush *push, const char *data, gsize len,
    gboolean terminate);

/**
 * ws_xml_push_check_refused:
 * @error: WS_ERROR_FORBIDDEN (an entity or DTD declaration, an internal
 *   subset, XInclude) or WS_ERROR_TOO_LARGE (an element beyond
 *   WS_XML_MAX_ATTRIBUTES or WS_XML_MAX_TAG_BYTES), naming NAME:LINE.
 * Returns: FALSE (with @error) when the input was refused.
 */
gboolean ws_xml_push_check_refused (WsXmlPush *push, GError **error);

/**
 * ws_xml_push_check_well_formed:
 * @error: WS_ERROR_MALFORMED with NAME:LINE and libxml2's reason.
 * Returns: FALSE (with @error) unless the whole input was well-formed.
 */
gboolean ws_xml_push_check_well_formed (WsXmlPush *push, GError **error);

/** NULL is a no-op. Frees any document libxml2 built as well. */
void ws_xml_push_free (WsXmlPush *push);

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
