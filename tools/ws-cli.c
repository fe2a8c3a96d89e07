/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "ws-cli.h"

#include <stdio.h>
#include <string.h>

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

gboolean
ws_cli_parse_files (GOptionContext *ctx, int *argc, char ***argv,
    const char *what, int *exit_code)
{
  if (!ws_cli_parse (ctx, argc, argv, exit_code))
    return FALSE;
  if (*argc < 2) {
    ws_cli_error ("%s: give at least one %s; see watershed %s --help",
        (*argv)[0], what, (*argv)[0]);
    *exit_code = WS_EXIT_USAGE;
    return FALSE;
  }
  return TRUE;
}

/* TRUE when @arg asks for help. */
static gboolean
is_help (const char *arg)
{
  return !strcmp (arg, "--help") || !strcmp (arg, "-h") ||
         !strcmp (arg, "help");
}

gboolean
ws_cli_dispatch_usage (int argc, char **argv, void (*print_usage) (FILE *out),
    int *exit_code)
{
  if (argc < 2) {
    print_usage (stderr);
    *exit_code = WS_EXIT_USAGE;
    return TRUE;
  }
  if (is_help (argv[1])) {
    print_usage (stdout);
    *exit_code = WS_EXIT_PASS;
    return TRUE;
  }
  return FALSE;
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

WsPolicy *
ws_cli_load_policy (const char *command, const char *id,
    const char *service_class, const WsRatingRegistry *reg)
{
  GError *error = NULL;
  WsPolicy *policy = ws_policy_load (id, reg, &error);
  GString *known;

  if (policy == NULL) {
    ws_cli_error ("%s", error->message);
    g_error_free (error);
    return NULL;
  }
  if (service_class == NULL ||
      ws_policy_has_service_class (policy, service_class))
    return policy;
  known = g_string_new (NULL);
  for (guint i = 0; i < ws_policy_get_n_service_classes (policy); i++)
    g_string_append_printf (known, "%s%s", i ? ", " : "",
        ws_policy_get_service_class (policy, i));
  ws_cli_error ("%s%spolicy %s has no service class \"%s\" (it has: %s); "
                "see watershed policy list",
      command ? command : "", command ? ": " : "", ws_policy_get_id (policy),
      service_class, known->str);
  g_string_free (known, TRUE);
  ws_policy_free (policy);
  return NULL;
}

/* ---- access control ------------------------------------------------------ */

void
ws_cli_add_access_entries (GOptionContext *ctx, WsCliAccess *access)
{
  const GOptionEntry e[] = {
    { "pin", 0, 0, G_OPTION_ARG_NONE, &access->pin,
        "A parental PIN / mandatory restricted access protects the content",
        NULL },
    { "age-verified", 0, 0, G_OPTION_ARG_NONE, &access->age_verified,
        "The viewer's age is verified", NULL },
    { "authorised-channel", 0, 0, G_OPTION_ARG_NONE,
        &access->authorised_channel,
        "The service holds the authorisation the rule names (French -18)",
        NULL },
    { "conditional-access", 0, 0, G_OPTION_ARG_NONE,
        &access->conditional_access,
        "The service is encrypted (conditional access)", NULL },
    { "exception", 0, 0, G_OPTION_ARG_NONE, &access->exception,
        "Use a derogation the rules allow (French -12 quota; you count it)",
        NULL },
    { NULL },
  };

  /* the group keeps a copy of the table */
  g_option_context_add_main_entries (ctx, e, NULL);
}

WsAccessFlags
ws_cli_access_flags (const WsCliAccess *access)
{
  return (access->pin ? WS_ACCESS_PIN : 0) |
         (access->age_verified ? WS_ACCESS_AGE_VERIFIED : 0) |
         (access->authorised_channel ? WS_ACCESS_AUTHORISED_CHANNEL : 0) |
         (access->conditional_access ? WS_ACCESS_CONDITIONAL_ACCESS : 0) |
         (access->exception ? WS_ACCESS_EXCEPTION : 0);
}

/* ---- JSON ---------------------------------------------------------------- */

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
ws_cli_print_json_builder (JsonBuilder *b)
{
  ws_cli_print_json (json_builder_get_root (b));
  g_object_unref (b);
}

void
ws_json_add_string (JsonBuilder *b, const char *value)
{
  if (g_utf8_validate (value, -1, NULL)) {
    json_builder_add_string_value (b, value);
  } else {
    char *safe = ws_cli_safe_text (value, WS_CLI_TEXT_JSON);

    json_builder_add_string_value (b, safe);
    g_free (safe);
  }
}

void
ws_json_add_string_or_null (JsonBuilder *b, const char *key, const char *value)
{
  json_builder_set_member_name (b, key);
  if (value != NULL)
    ws_json_add_string (b, value);
  else
    json_builder_add_null_value (b);
}

void
ws_json_add_time (JsonBuilder *b, const WsPolicy *p, const char *key, gint64 t)
{
  char *s = ws_policy_format_time (p, t);

  ws_json_add_string_or_null (b, key, s);
  g_free (s);
}

void
ws_json_add_age (JsonBuilder *b, const char *key, int age)
{
  json_builder_set_member_name (b, key);
  if (age >= 0)
    json_builder_add_int_value (b, age);
  else
    json_builder_add_null_value (b);
}

void
ws_json_add_rating_members (JsonBuilder *b, const WsRating *r)
{
  ws_json_add_string_or_null (b, "territory", r->territory);
  ws_json_add_string_or_null (b, "system", r->system);
  ws_json_add_string_or_null (b, "code", r->code);
  ws_json_add_age (b, "minimum_age", r->minimum_age);
  json_builder_set_member_name (b, "descriptors");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->descriptors->len; i++)
    ws_json_add_string (b, g_ptr_array_index (r->descriptors, i));
  json_builder_end_array (b);
  ws_json_add_string_or_null (b, "text",
      r->texts->len > 0 ?
          ((const WsGuidanceText *) g_ptr_array_index (r->texts, 0))->text :
          NULL);
  json_builder_set_member_name (b, "texts");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->texts->len; i++) {
    const WsGuidanceText *t = g_ptr_array_index (r->texts, i);

    json_builder_begin_object (b);
    ws_json_add_string_or_null (b, "lang", t->lang);
    ws_json_add_string_or_null (b, "length", t->length);
    ws_json_add_string_or_null (b, "text", t->text);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
}

/* ---- text from outside ---------------------------------------------------- */

/* TRUE when @mode writes the valid character @c as \xNN bytes. */
static gboolean
escaped_char (gunichar c, WsCliTextMode mode)
{
  if (mode == WS_CLI_TEXT_JSON)
    return FALSE;
  if (c == '\t' || c == '\n' || c == '\r')
    return mode == WS_CLI_TEXT_LINE;
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0xfffe || c == 0xffff;
}

char *
ws_cli_safe_text (const char *text, WsCliTextMode mode)
{
  const char *p, *end;
  GString *out;

  if (text == NULL)
    return NULL;
  end = text + strlen (text);
  out = g_string_sized_new ((gsize) (end - text) + 1);
  for (p = text; p < end;) {
    gunichar c = g_utf8_get_char_validated (p, end - p);
    const char *next;

    if (c == (gunichar) -1 || c == (gunichar) -2 ||
        (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff) {
      g_string_append_printf (out, "\\x%02x", (guchar) *p);
      p++;
      continue;
    }
    next = g_utf8_next_char (p);
    if (escaped_char (c, mode)) {
      for (; p < next; p++)
        g_string_append_printf (out, "\\x%02x", (guchar) *p);
    } else {
      g_string_append_len (out, p, next - p);
    }
    p = next;
  }
  return g_string_free (out, FALSE);
}

char *
ws_cli_hex (const char *text)
{
  static const char digits[] = "0123456789abcdef";
  gsize n = strlen (text);
  char *out = g_malloc (2 * n + 1);

  for (gsize i = 0; i < n; i++) {
    out[2 * i] = digits[(guchar) text[i] >> 4];
    out[2 * i + 1] = digits[(guchar) text[i] & 0xf];
  }
  out[2 * n] = '\0';
  return out;
}

/* ---- XML ------------------------------------------------------------------- */

static void
append_escaped_mode (GString *out, const char *text, WsCliTextMode mode)
{
  char *safe, *e;

  if (text == NULL)
    return;
  safe = ws_cli_safe_text (text, mode);
  e = g_markup_escape_text (safe, -1);
  g_string_append (out, e);
  g_free (e);
  g_free (safe);
}

void
ws_cli_append_escaped (GString *out, const char *text)
{
  append_escaped_mode (out, text, WS_CLI_TEXT_XML);
}

void
ws_cli_append_escaped_line (GString *out, const char *text)
{
  append_escaped_mode (out, text, WS_CLI_TEXT_LINE);
}

/* ---- JUnit XML ------------------------------------------------------------- */

typedef struct {
  GString *head; /* the attributes after name */
  GString *properties;
  GString *cases;
  guint tests, failures, errors, skipped;
} JunitSuite;

struct WsJunit {
  GPtrArray *suites; /* JunitSuite* */
  gboolean implicit; /* the one suite was made by the first case */
};

static void
junit_suite_free (gpointer data)
{
  JunitSuite *s = data;

  g_string_free (s->head, TRUE);
  g_string_free (s->properties, TRUE);
  g_string_free (s->cases, TRUE);
  g_free (s);
}

WsJunit *
ws_junit_new (void)
{
  WsJunit *j = g_new0 (WsJunit, 1);

  j->suites = g_ptr_array_new_with_free_func (junit_suite_free);
  return j;
}

void
ws_junit_free (WsJunit *junit)
{
  if (junit == NULL)
    return;
  g_ptr_array_unref (junit->suites);
  g_free (junit);
}

/* Appends ` name="value"` unless @value is NULL; one line of text. */
static void
append_attribute (GString *out, const char *name, const char *value)
{
  if (value == NULL)
    return;
  g_string_append_printf (out, " %s=\"", name);
  ws_cli_append_escaped_line (out, value);
  g_string_append_c (out, '"');
}

/* Appends ` name="seconds"` with a '.' whatever the locale. */
static void
append_seconds (GString *out, const char *name, double s)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (out, " %s=\"%s\"", name,
      g_ascii_formatd (buf, sizeof (buf), "%.3f", s));
}

static JunitSuite *
junit_suite_add (WsJunit *junit)
{
  JunitSuite *s = g_new0 (JunitSuite, 1);

  s->head = g_string_new (NULL);
  s->properties = g_string_new (NULL);
  s->cases = g_string_new (NULL);
  g_ptr_array_add (junit->suites, s);
  return s;
}

void
ws_junit_begin_suite (WsJunit *junit, const char *name, const char *timestamp,
    const char *hostname, double time_s)
{
  JunitSuite *s = junit_suite_add (junit);

  append_attribute (s->head, "name", name);
  append_attribute (s->head, "timestamp", timestamp);
  append_attribute (s->head, "hostname", hostname);
  if (time_s >= 0)
    append_seconds (s->head, "time", time_s);
}

static JunitSuite *
junit_current (WsJunit *junit)
{
  if (junit->suites->len == 0) {
    junit_suite_add (junit);
    junit->implicit = TRUE;
  }
  return junit->suites->pdata[junit->suites->len - 1];
}

void
ws_junit_add_property (WsJunit *junit, const char *name, const char *value)
{
  GString *out = junit_current (junit)->properties;

  g_string_append (out, "      <property");
  append_attribute (out, "name", name);
  append_attribute (out, "value", value ? value : "");
  g_string_append (out, "/>\n");
}

void
ws_junit_add_case (WsJunit *junit, const char *classname, const char *name,
    WsJunitResult result, const char *type, const char *message,
    const char *text)
{
  static const char *const elements[] = { [WS_JUNIT_PASS] = "system-out",
    [WS_JUNIT_FAILURE] = "failure",
    [WS_JUNIT_ERROR] = "error",
    [WS_JUNIT_SKIPPED] = "skipped" };
  JunitSuite *s = junit_current (junit);
  GString *out = s->cases;
  const char *element = elements[result];

  s->tests++;
  s->failures += result == WS_JUNIT_FAILURE;
  s->errors += result == WS_JUNIT_ERROR;
  s->skipped += result == WS_JUNIT_SKIPPED;
  if (text == NULL && (result == WS_JUNIT_FAILURE || result == WS_JUNIT_ERROR))
    text = message;
  g_string_append (out, "    <testcase");
  append_attribute (out, "classname", classname);
  append_attribute (out, "name", name ? name : "");
  if (result == WS_JUNIT_PASS && text == NULL) {
    g_string_append (out, "/>\n");
    return;
  }
  g_string_append_printf (out, ">\n      <%s", element);
  if (result == WS_JUNIT_FAILURE || result == WS_JUNIT_ERROR) {
    append_attribute (out, "type", type);
    append_attribute (out, "message", message);
  }
  if (text != NULL) {
    g_string_append_c (out, '>');
    ws_cli_append_escaped (out, text);
    g_string_append_printf (out, "</%s>\n", element);
  } else {
    g_string_append (out, "/>\n");
  }
  g_string_append (out, "    </testcase>\n");
}

static void
append_counts (GString *out, guint tests, guint failures, guint errors,
    guint skipped)
{
  g_string_append_printf (out,
      " tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\"", tests,
      failures, errors, skipped);
}

char *
ws_junit_to_string (const WsJunit *junit, const char *name,
    const char *suite_name)
{
  GString *out = g_string_new (
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" WS_REPORT_MARKER "\n");
  guint tests = 0, failures = 0, errors = 0;

  for (guint i = 0; i < junit->suites->len; i++) {
    const JunitSuite *s = junit->suites->pdata[i];

    tests += s->tests;
    failures += s->failures;
    errors += s->errors;
  }
  /* the schema has no skipped count on testsuites */
  g_string_append (out, "<testsuites");
  append_attribute (out, "name", name);
  g_string_append_printf (out, " tests=\"%u\" failures=\"%u\" errors=\"%u\">\n",
      tests, failures, errors);
  if (junit->suites->len == 0) {
    g_string_append (out, "  <testsuite");
    append_attribute (out, "name", suite_name ? suite_name : "");
    append_counts (out, 0, 0, 0, 0);
    g_string_append (out, "/>\n");
  }
  for (guint i = 0; i < junit->suites->len; i++) {
    const JunitSuite *s = junit->suites->pdata[i];

    g_string_append (out, "  <testsuite");
    if (junit->implicit)
      append_attribute (out, "name", suite_name ? suite_name : "");
    else
      g_string_append_len (out, s->head->str, (gssize) s->head->len);
    append_counts (out, s->tests, s->failures, s->errors, s->skipped);
    g_string_append (out, ">\n");
    if (s->properties->len) {
      g_string_append (out, "    <properties>\n");
      g_string_append_len (out, s->properties->str,
          (gssize) s->properties->len);
      g_string_append (out, "    </properties>\n");
    }
    g_string_append_len (out, s->cases->str, (gssize) s->cases->len);
    g_string_append (out, "  </testsuite>\n");
  }
  g_string_append (out, "</testsuites>\n");
  return g_string_free (out, FALSE);
}

gboolean
ws_junit_write (const WsJunit *junit, const char *path, const char *name,
    const char *suite_name, GError **error)
{
  char *text = ws_junit_to_string (junit, name, suite_name);
  gboolean ok;

  /* g_file_set_contents() writes a temporary file and renames it */
  ok = g_file_set_contents (path, text, -1, error);
  g_free (text);
  return ok;
}

void
ws_cli_append_csv (GString *out, const char *text)
{
  char *safe = ws_cli_safe_text (text ? text : "", WS_CLI_TEXT_LINE);

  g_string_append_c (out, '"');
  if (safe[0] != '\0' && strchr ("=+-@", safe[0]) != NULL)
    g_string_append_c (out, '\'');
  for (const char *p = safe; *p; p++) {
    if (*p == '"')
      g_string_append_c (out, '"');
    g_string_append_c (out, *p);
  }
  g_string_append_c (out, '"');
  g_free (safe);
}
