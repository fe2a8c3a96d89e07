/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: JSON-lines helpers shared by the tests that read the as-run
 * log (header-only; link json-glib). */
#ifndef WS_TESTS_WS_TEST_JSON_H
#define WS_TESTS_WS_TEST_JSON_H

#include <glib.h>
#include <json-glib/json-glib.h>

/**
 * ws_test_read_json_lines:
 * @path: a file of JSON lines (the as-run log)
 * @problem: (out) (transfer full): what is wrong when %NULL is returned
 *
 * Reads @path; each non-empty line must be one whole JSON object and the
 * file must end with a newline (a torn last line is a problem). A missing
 * file has no lines. The hash chain's header and checkpoint lines
 * (ws-asrun.h) are left out: the records only.
 *
 * Returns: (transfer full) (element-type JsonParser): one parser a line,
 *   or %NULL with @problem set.
 */
static inline GPtrArray *
ws_test_read_json_lines (const char *path, char **problem)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_object_unref);
  gchar *text = NULL, **parts;
  gsize len = 0;

  *problem = NULL;
  if (!g_file_get_contents (path, &text, &len, NULL))
    return lines;
  if (len > 0 && text[len - 1] != '\n') {
    *problem = g_strdup_printf ("%s: the last line is incomplete", path);
    g_free (text);
    g_ptr_array_unref (lines);
    return NULL;
  }
  parts = g_strsplit (text, "\n", -1);
  for (guint i = 0; parts[i] != NULL && *problem == NULL; i++) {
    JsonParser *p;
    GError *err = NULL;

    if (*parts[i] == '\0')
      continue;
    p = json_parser_new ();
    if (!json_parser_load_from_data (p, parts[i], -1, &err) ||
        !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p)))
      *problem = g_strdup_printf ("%s:%u: not one JSON object (%s): %s", path,
          i + 1, err != NULL ? err->message : "not an object", parts[i]);
    g_clear_error (&err);
    if (*problem == NULL &&
        (json_object_has_member (json_node_get_object (
                                     json_parser_get_root (p)),
             "asrun_header") ||
            json_object_has_member (json_node_get_object (
                                        json_parser_get_root (p)),
                "checkpoint"))) {
      g_object_unref (p);
      continue;
    }
    g_ptr_array_add (lines, p);
  }
  g_strfreev (parts);
  g_free (text);
  if (*problem != NULL) {
    g_ptr_array_unref (lines);
    return NULL;
  }
  return lines;
}

/**
 * ws_test_json_line:
 * Returns: (transfer none): the object of line @i of
 *   ws_test_read_json_lines().
 */
static inline JsonObject *
ws_test_json_line (GPtrArray *lines, guint i)
{
  return json_node_get_object (
      json_parser_get_root (g_ptr_array_index (lines, i)));
}

#endif /* WS_TESTS_WS_TEST_JSON_H */
