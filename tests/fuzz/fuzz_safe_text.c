/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz target: bytes from outside (file names, metadata values) made safe
 * for the reports by ws_cli_safe_text(). Whatever the input, the JSON text
 * is valid UTF-8; the XML text holds only XML 1.0 characters and, escaped
 * and wrapped in an element, parses; the one-line text holds no control
 * character. Any violation aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <libxml/parser.h>

#include "ws-cli.h"

static void
check_chars (const char *s, WsCliTextMode mode)
{
  if (!g_utf8_validate (s, -1, NULL))
    abort ();
  for (const char *p = s; *p; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    gboolean line_break = c == '\t' || c == '\n' || c == '\r';
    gboolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f);

    if (mode == WS_CLI_TEXT_XML && (control || c == 0xfffe || c == 0xffff) &&
        !line_break)
      abort ();
    if (mode == WS_CLI_TEXT_LINE && (control || c == 0xfffe || c == 0xffff))
      abort ();
  }
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text = g_strndup ((const char *) data, size); /* up to a NUL */
  GString *xml = g_string_new ("<a x=\"");
  xmlDoc *doc;

  for (int mode = WS_CLI_TEXT_JSON; mode <= WS_CLI_TEXT_LINE; mode++) {
    char *safe = ws_cli_safe_text (text, (WsCliTextMode) mode);

    check_chars (safe, (WsCliTextMode) mode);
    g_free (safe);
  }
  ws_cli_append_escaped_line (xml, text);
  g_string_append (xml, "\">");
  ws_cli_append_escaped (xml, text);
  g_string_append (xml, "</a>");
  doc = xmlReadMemory (xml->str, (int) xml->len, NULL, "UTF-8",
      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == NULL)
    abort ();
  xmlFreeDoc (doc);
  g_string_free (xml, TRUE);
  g_free (text);
  return 0;
}
