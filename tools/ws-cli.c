/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "ws-cli.h"

#include <stdio.h>

void
ws_cli_error (const char *format, ...)
{
  va_list args;
  char *msg;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "watershed: %s\n", msg);
  g_free (msg);
}

gboolean
ws_cli_parse (GOptionContext *ctx, int *argc, char ***argv, int *exit_code)
{
  GError *error = NULL;

  if (!g_option_context_parse (ctx, argc, argv, &error)) {
    ws_cli_error ("%s; see --help", error->message);
    g_error_free (error);
    *exit_code = WS_EXIT_USAGE;
    return FALSE;
  }
  return TRUE;
}

const WsRatingRegistry *
ws_cli_registry (void)
{
  GError *error = NULL;
  const WsRatingRegistry *reg = ws_rating_registry_get_default (&error);

  if (reg == NULL) {
    ws_cli_error ("cannot load the rating systems: %s", error->message);
    g_error_free (error);
  }
  return reg;
}

void
ws_cli_print_json (JsonNode *node)
{
  JsonGenerator *gen = json_generator_new ();
  char *text;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  fputs (text, stdout);
  fputc ('\n', stdout);
  g_free (text);
  g_object_unref (gen);
  json_node_unref (node);
}

void
ws_json_add_string_or_null (JsonBuilder *b, const char *key, const char *value)
{
  json_builder_set_member_name (b, key);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}
