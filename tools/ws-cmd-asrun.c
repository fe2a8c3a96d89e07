/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed asrun: verify the hash chain of as-run logs, and the compliance
 * report of what aired (ratings/ws-asrun-verify.h, ws-asrun-report.h). */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "ws-asrun-report.h"
#include "ws-asrun-verify.h"
#include "ws-cli.h"

static void
print_usage (FILE *out)
{
  fprintf (out,
      "Usage: watershed asrun verify LOG...\n"
      "       watershed asrun report LOG... [--from T] [--to T] [--json "
      "FILE|-]\n"
      "                                     [--csv FILE] [--html FILE]\n"
      "\n"
      "verify: checks the hash chain of as-run logs (ratinggate's "
      "as-run-log,\n"
      "        with its rotated files): exit 0 whole, 1 broken (the file "
      "and\n"
      "        line are named), 2 a file cannot be read.\n"
      "report: per channel and day, what aired with its rating, the gate's\n"
      "        decisions and overrides, the guidance shown, and every "
      "instant\n"
      "        a rating aired outside its window or without its guidance,\n"
      "        re-checked against the policy data.\n"
      "`watershed asrun verify --help` and `watershed asrun report --help`\n"
      "describe each.\n");
}

/* ---- verify ---------------------------------------------------------------- */

static const char verify_summary[] =
    "Verifies the SHA-256 hash chain of as-run logs as written by ratinggate\n"
    "(as-run-log): every line carries the hash of the line before it and its\n"
    "line number, checkpoints match the bytes before them, and a rotated\n"
    "file's header names the file before it and its last hash. Give the\n"
    "current log and its rotated files in any order: they are ordered by\n"
    "their headers' links, not their names.\n"
    "\n"
    "A torn last line (no newline: the writer died mid-line) is reported as\n"
    "a note, not as tampering. Lines cut from the end of the newest file at\n"
    "a line boundary cannot be told from a writer that stopped there, nor\n"
    "its last line changed: keep the printed last hash (or a checkpoint's\n"
    "sha256) elsewhere and give it later with --anchor.\n"
    "\n"
    "Exit status: 0 every chain is whole; 1 a line was edited, removed,\n"
    "reordered or a file truncated (the first such file and line are named);\n"
    "2 usage error or a file cannot be read.";

static void
add_strings (JsonBuilder *b, const char *key, GPtrArray *strings)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_array (b);
  for (guint i = 0; i < strings->len; i++)
    ws_json_add_string (b, g_ptr_array_index (strings, i));
  json_builder_end_array (b);
}

/* the verdict's members, into the object being built */
static void
add_verdict_members (JsonBuilder *b, const WsAsRunVerdict *v)
{
  json_builder_set_member_name (b, "whole");
  json_builder_add_boolean_value (b, v->whole);
  ws_json_add_string_or_null (b, "file", v->file);
  json_builder_set_member_name (b, "line");
  if (v->whole)
    json_builder_add_null_value (b);
  else
    json_builder_add_int_value (b, (gint64) v->line);
  ws_json_add_string_or_null (b, "problem", v->problem);
  add_strings (b, "notes", v->notes);
  add_strings (b, "files", v->files);
  json_builder_set_member_name (b, "lines");
  json_builder_add_int_value (b, (gint64) v->n_lines);
  ws_json_add_string_or_null (b, "last_hash",
      v->last_hash[0] ? v->last_hash : NULL);
}

static void
print_verdict (const WsAsRunVerdict *v)
{
  for (guint i = 0; i < v->notes->len; i++) {
    char *n = ws_cli_safe_text (g_ptr_array_index (v->notes, i),
        WS_CLI_TEXT_LINE);

    printf ("note: %s\n", n);
    g_free (n);
  }
  if (v->whole) {
    printf ("whole: %u file(s), %" G_GUINT64_FORMAT " lines, last hash %s\n",
        v->files->len, v->n_lines, v->last_hash[0] ? v->last_hash : "(none)");
  } else {
    char *f = ws_cli_safe_text (v->file, WS_CLI_TEXT_LINE);

    ws_cli_error ("%s:%" G_GUINT64_FORMAT ": broken chain: %s", f, v->line,
        v->problem);
    g_free (f);
  }
}

static int
cmd_verify (int argc, char **argv)
{
  gboolean json = FALSE;
  char **anchors = NULL;
  const GOptionEntry entries[] = {
    { "anchor", 0, 0, G_OPTION_ARG_STRING_ARRAY, &anchors,
        "A hash noted earlier (a last_hash this command printed, or a "
        "checkpoint's sha256) that must still be in the chain: finds lines "
        "cut from the end or changed since (repeatable)",
        "HASH" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
        "Print the verdict as one JSON document: {\"whole\", \"file\", "
        "\"line\", \"problem\", \"notes\", \"files\", \"lines\", "
        "\"last_hash\"}",
        NULL },
    { NULL }
  };
  GOptionContext *ctx = g_option_context_new ("LOG...");
  WsAsRunVerdict *v = NULL;
  GError *error = NULL;
  int code = WS_EXIT_USAGE;

  g_option_context_set_summary (ctx, verify_summary);
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!ws_cli_parse_files (ctx, &argc, &argv, "as-run log", &code))
    goto end;
  for (char **a = anchors; a != NULL && *a != NULL; a++) {
    gboolean hex = strlen (*a) == 64;

    for (const char *c = *a; hex && *c != '\0'; c++)
      hex = g_ascii_isxdigit (*c);
    if (!hex) {
      char *safe = ws_cli_safe_text (*a, WS_CLI_TEXT_LINE);

      ws_cli_error ("asrun verify: --anchor \"%s\" is not a SHA-256 hash "
                    "(64 hexadecimal digits)",
          safe);
      g_free (safe);
      goto end;
    }
  }
  v = ws_asrun_verify_files_anchored ((const gchar *const *) argv + 1,
      (const gchar *const *) anchors, &error);
  if (v == NULL) {
    char *m = ws_cli_safe_text (error->message, WS_CLI_TEXT_LINE);

    ws_cli_error ("%s", m);
    g_free (m);
    goto end;
  }
  if (json) {
    JsonBuilder *b = json_builder_new ();

    json_builder_begin_object (b);
    add_verdict_members (b, v);
    json_builder_end_object (b);
    ws_cli_print_json_builder (b);
    if (!v->whole)
      print_verdict (v);
  } else {
    print_verdict (v);
  }
  code = v->whole ? WS_EXIT_PASS : WS_EXIT_FAIL;
end:
  g_clear_error (&error);
  ws_asrun_verdict_free (v);
  g_strfreev (anchors);
  g_option_context_free (ctx);
  return code;
}

/* ---- report ---------------------------------------------------------------- */

static const char report_summary[] =
    "The compliance report of as-run logs (one chain, any order: see\n"
    "`watershed asrun verify`), per channel (the records' channel, else the\n"
    "gate's element name) and local day: what aired with its rating and for\n"
    "how long, the gate's openings and closings, the time it showed the\n"
    "slate, the operator's overrides with their reasons, the guidance on\n"
    "screen (guidance-shown / guidance-hidden records) and for how long, and\n"
    "every violation: an instant a rating aired outside the periods its\n"
    "policy allows, or without the on-screen guidance the policy asks for,\n"
    "re-checked against the policy data in force at that time (no access\n"
    "control assumed). Logs of a gate in mode=monitor are read the same way:\n"
    "there nothing was blocked, and the violations are what the gate would\n"
    "have blocked.\n"
    "\n"
    "Times (--from, --to) are ISO 8601 with an offset or Z, or a date (UTC\n"
    "midnight). Without --to the last decision holds until the last instant\n"
    "the logs show.\n"
    "\n"
    "Exit status: 0 the chain is whole and nothing aired against the policy;\n"
    "1 a violation, or the chain is broken; 2 usage error or a file cannot\n"
    "be read.";

static gboolean
parse_time_arg (const char *name, const char *text, gint64 *out)
{
  GTimeZone *utc = g_time_zone_new_utc ();
  GDateTime *dt = g_date_time_new_from_iso8601 (text, utc);

  if (dt == NULL && strlen (text) == 10) {
    char *midnight = g_strconcat (text, "T00:00:00Z", NULL);

    dt = g_date_time_new_from_iso8601 (midnight, utc);
    g_free (midnight);
  }
  g_time_zone_unref (utc);
  if (dt == NULL) {
    ws_cli_error ("asrun report: --%s \"%s\" is not a time; use ISO 8601 "
                  "such as 2026-07-01T21:00:00+01:00 or a date",
        name, text);
    return FALSE;
  }
  *out = g_date_time_to_unix (dt) * G_USEC_PER_SEC +
         g_date_time_get_microsecond (dt);
  g_date_time_unref (dt);
  return TRUE;
}

static double
seconds (gint64 us)
{
  return (double) us / G_USEC_PER_SEC;
}

static void
json_time (JsonBuilder *b, const WsAsRunReport *r, const char *policy,
    const char *key, gint64 t)
{
  char *s = ws_asrun_report_format_time (r, policy, t);

  ws_json_add_string_or_null (b, key, s);
  g_free (s);
}

static void
json_violation (JsonBuilder *b, const WsAsRunReport *r,
    const WsAsRunViolation *v)
{
  json_builder_begin_object (b);
  ws_json_add_string_or_null (b, "kind",
      ws_asrun_violation_kind_to_string (v->kind));
  ws_json_add_string_or_null (b, "channel", v->channel);
  ws_json_add_string_or_null (b, "day", v->day);
  json_time (b, r, v->policy, "start", v->start_us);
  json_time (b, r, v->policy, "end", v->end_us);
  json_builder_set_member_name (b, "duration_s");
  json_builder_add_double_value (b, seconds (v->end_us - v->start_us));
  ws_json_add_string_or_null (b, "rating", v->rating);
  ws_json_add_string_or_null (b, "policy", v->policy);
  ws_json_add_string_or_null (b, "service_class", v->service_class);
  ws_json_add_string_or_null (b, "rule", v->rule);
  ws_json_add_string_or_null (b, "mode", v->mode);
  json_builder_set_member_name (b, "would_have_been_blocked");
  json_builder_add_boolean_value (b, g_strcmp0 (v->mode, "monitor") == 0);
  ws_json_add_string_or_null (b, "override_reason", v->override_reason);
  ws_json_add_string_or_null (b, "detail", v->detail);
  ws_json_add_string_or_null (b, "file", v->file);
  json_builder_set_member_name (b, "line");
  json_builder_add_int_value (b, v->line);
  json_builder_end_object (b);
}

static JsonNode *
report_json (const WsAsRunReport *r)
{
  JsonBuilder *b = json_builder_new ();
  JsonNode *root;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "chain");
  json_builder_begin_object (b);
  add_verdict_members (b, r->verdict);
  json_builder_end_object (b);
  json_time (b, r, NULL, "from", r->from_us);
  json_time (b, r, NULL, "to", r->to_us);
  json_builder_set_member_name (b, "days");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->days->len; i++) {
    const WsAsRunDay *d = g_ptr_array_index (r->days, i);

    json_builder_begin_object (b);
    ws_json_add_string_or_null (b, "channel", d->channel);
    ws_json_add_string_or_null (b, "day", d->day);
    json_builder_set_member_name (b, "aired");
    json_builder_begin_array (b);
    for (guint k = 0; k < d->segments->len; k++) {
      const WsAsRunSegment *s = g_ptr_array_index (d->segments, k);

      json_builder_begin_object (b);
      json_time (b, r, s->policy, "start", s->start_us);
      json_time (b, r, s->policy, "end", s->end_us);
      ws_json_add_string_or_null (b, "rating", s->rating);
      json_builder_set_member_name (b, "allowed");
      json_builder_add_boolean_value (b, s->allowed);
      json_builder_set_member_name (b, "on_air");
      json_builder_add_boolean_value (b, s->aired);
      ws_json_add_string_or_null (b, "kind", s->kind);
      ws_json_add_string_or_null (b, "mode", s->mode);
      ws_json_add_string_or_null (b, "policy", s->policy);
      ws_json_add_string_or_null (b, "service_class", s->service_class);
      ws_json_add_string_or_null (b, "override", s->override);
      ws_json_add_string_or_null (b, "operator", s->operator_name);
      ws_json_add_string_or_null (b, "override_reason", s->override_reason);
      json_builder_end_object (b);
    }
    json_builder_end_array (b);
    json_builder_set_member_name (b, "opened");
    json_builder_add_int_value (b, d->n_opened);
    json_builder_set_member_name (b, "closed");
    json_builder_add_int_value (b, d->n_closed);
    json_builder_set_member_name (b, "on_air_s");
    json_builder_add_double_value (b, seconds (d->aired_us));
    json_builder_set_member_name (b, "slate_s");
    json_builder_add_double_value (b, seconds (d->blocked_us));
    json_builder_set_member_name (b, "would_block_s");
    json_builder_add_double_value (b, seconds (d->would_block_us));
    json_builder_set_member_name (b, "guidance");
    json_builder_begin_array (b);
    for (guint k = 0; k < d->guidance->len; k++) {
      const WsAsRunGuidanceShown *g = g_ptr_array_index (d->guidance, k);

      json_builder_begin_object (b);
      json_time (b, r, NULL, "start", g->start_us);
      json_time (b, r, NULL, "end", g->end_us);
      json_builder_set_member_name (b, "duration_s");
      json_builder_add_double_value (b, seconds (g->end_us - g->start_us));
      ws_json_add_string_or_null (b, "rating", g->rating);
      ws_json_add_string_or_null (b, "mode", g->mode);
      json_builder_end_object (b);
    }
    json_builder_end_array (b);
    json_builder_set_member_name (b, "guidance_s");
    json_builder_add_double_value (b, seconds (d->guidance_us));
    json_builder_set_member_name (b, "violations");
    json_builder_add_int_value (b, d->violations->len);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "violations");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->violations->len; i++)
    json_violation (b, r, g_ptr_array_index (r->violations, i));
  json_builder_end_array (b);
  add_strings (b, "warnings", r->warnings);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  g_object_unref (b);
  return root;
}

/* one CSV cell and its separator (or the end of the row) */
static void
csv_cell (GString *out, const char *text, gboolean last)
{
  ws_cli_append_csv (out, text);
  g_string_append (out, last ? "\r\n" : ",");
}

static char *
report_csv (const WsAsRunReport *r)
{
  GString *out = g_string_new ("channel,day,kind,start,end,duration_s,"
                               "rating,policy,service_class,rule,mode,"
                               "would_have_been_blocked,override_reason,"
                               "detail,file,line\r\n");

  for (guint i = 0; i < r->violations->len; i++) {
    const WsAsRunViolation *v = g_ptr_array_index (r->violations, i);
    char *start = ws_asrun_report_format_time (r, v->policy, v->start_us);
    char *end = ws_asrun_report_format_time (r, v->policy, v->end_us);
    char *dur = g_strdup_printf ("%.3f", seconds (v->end_us - v->start_us));
    char *line = g_strdup_printf ("%u", v->line);

    csv_cell (out, v->channel, FALSE);
    csv_cell (out, v->day, FALSE);
    csv_cell (out, ws_asrun_violation_kind_to_string (v->kind), FALSE);
    csv_cell (out, start, FALSE);
    csv_cell (out, end, FALSE);
    csv_cell (out, dur, FALSE);
    csv_cell (out, v->rating, FALSE);
    csv_cell (out, v->policy, FALSE);
    csv_cell (out, v->service_class, FALSE);
    csv_cell (out, v->rule, FALSE);
    csv_cell (out, v->mode, FALSE);
    csv_cell (out, g_strcmp0 (v->mode, "monitor") == 0 ? "true" : "false",
        FALSE);
    csv_cell (out, v->override_reason, FALSE);
    csv_cell (out, v->detail, FALSE);
    csv_cell (out, v->file, FALSE);
    csv_cell (out, line, TRUE);
    g_free (start);
    g_free (end);
    g_free (dur);
    g_free (line);
  }
  return g_string_free (out, FALSE);
}

static void
html_cell (GString *out, const char *tag, const char *text)
{
  g_string_append_printf (out, "<%s>", tag);
  ws_cli_append_escaped (out, text);
  g_string_append_printf (out, "</%s>", tag);
}

static void
html_time_cell (GString *out, const WsAsRunReport *r, const char *policy,
    gint64 t)
{
  char *s = ws_asrun_report_format_time (r, policy, t);

  html_cell (out, "td", s);
  g_free (s);
}

static void
html_seconds_cell (GString *out, gint64 us)
{
  char *s = g_strdup_printf ("%.0f", seconds (us));

  html_cell (out, "td", s);
  g_free (s);
}

/* a <ul> of @items (escaped), under a heading when @title is set; nothing
 * when there are none */
static void
html_list (GString *out, const char *title, GPtrArray *items)
{
  if (items->len == 0)
    return;
  if (title != NULL)
    g_string_append_printf (out, "<h2>%s</h2>\n", title);
  g_string_append (out, "<ul>\n");
  for (guint i = 0; i < items->len; i++) {
    g_string_append (out, "<li>");
    ws_cli_append_escaped (out, g_ptr_array_index (items, i));
    g_string_append (out, "</li>\n");
  }
  g_string_append (out, "</ul>\n");
}

static char *
report_html (const WsAsRunReport *r)
{
  GString *out = g_string_new ("<!DOCTYPE html>\n" WS_REPORT_MARKER "\n"
                               "<html lang=\"en\">\n<head>\n"
                               "<meta charset=\"utf-8\">\n"
                               "<title>As-run compliance report</title>\n"
                               "<style>body{font-family:sans-serif}"
                               "table{border-collapse:collapse;margin:1em 0}"
                               "th,td{border:1px solid #999;padding:2px 6px;"
                               "text-align:left}"
                               ".bad{color:#a00}</style>\n"
                               "</head>\n<body>\n"
                               "<h1>As-run compliance report</h1>\n");
  const WsAsRunVerdict *v = r->verdict;

  g_string_append (out, "<h2>Hash chain</h2>\n<p>");
  if (v->whole) {
    g_string_append_printf (out,
        "Whole: %u file(s), %" G_GUINT64_FORMAT " lines, last hash <code>",
        v->files->len, v->n_lines);
    ws_cli_append_escaped (out, v->last_hash);
    g_string_append (out, "</code>.");
  } else {
    char *where = g_strdup_printf ("%s:%" G_GUINT64_FORMAT ": %s", v->file,
        v->line, v->problem);

    g_string_append (out, "<strong class=\"bad\">Broken</strong>: ");
    ws_cli_append_escaped (out, where);
    g_free (where);
  }
  g_string_append (out, "</p>\n");
  html_list (out, NULL, v->notes);

  g_string_append_printf (out,
      "<h2>Violations (%u)</h2>\n<table id=\"violations\">\n<thead><tr>"
      "<th>Channel</th><th>Kind</th><th>Start</th><th>End</th>"
      "<th>Duration (s)</th><th>Rating</th><th>Policy</th><th>Rule</th>"
      "<th>Gate mode</th><th>Override reason</th><th>Detail</th>"
      "<th>Log line</th></tr></thead>\n<tbody>\n",
      r->violations->len);
  for (guint i = 0; i < r->violations->len; i++) {
    const WsAsRunViolation *vi = g_ptr_array_index (r->violations, i);
    char *where = g_strdup_printf ("%s:%u", vi->file, vi->line);
    char *mode = g_strdup_printf ("%s%s", vi->mode ? vi->mode : "",
        g_strcmp0 (vi->mode, "monitor") == 0 ? " (would have blocked)" : "");

    g_string_append (out, "<tr>");
    html_cell (out, "td", vi->channel);
    html_cell (out, "td", ws_asrun_violation_kind_to_string (vi->kind));
    html_time_cell (out, r, vi->policy, vi->start_us);
    html_time_cell (out, r, vi->policy, vi->end_us);
    html_seconds_cell (out, vi->end_us - vi->start_us);
    html_cell (out, "td", vi->rating);
    html_cell (out, "td", vi->policy);
    html_cell (out, "td", vi->rule);
    html_cell (out, "td", mode);
    html_cell (out, "td", vi->override_reason);
    html_cell (out, "td", vi->detail);
    html_cell (out, "td", where);
    g_string_append (out, "</tr>\n");
    g_free (where);
    g_free (mode);
  }
  g_string_append (out, "</tbody>\n</table>\n");

  g_string_append (out,
      "<h2>Per channel and day</h2>\n<table id=\"days\">\n<thead><tr>"
      "<th>Channel</th><th>Day</th><th>On air (s)</th><th>Opened</th>"
      "<th>Closed</th><th>Slate (s)</th><th>Would block (s)</th>"
      "<th>Guidance shown (s)</th><th>Overrides</th><th>Violations</th>"
      "</tr></thead>\n<tbody>\n");
  for (guint i = 0; i < r->days->len; i++) {
    const WsAsRunDay *d = g_ptr_array_index (r->days, i);
    char *n;

    g_string_append (out, "<tr>");
    html_cell (out, "td", d->channel);
    html_cell (out, "td", d->day);
    html_seconds_cell (out, d->aired_us);
    n = g_strdup_printf ("%u", d->n_opened);
    html_cell (out, "td", n);
    g_free (n);
    n = g_strdup_printf ("%u", d->n_closed);
    html_cell (out, "td", n);
    g_free (n);
    html_seconds_cell (out, d->blocked_us);
    html_seconds_cell (out, d->would_block_us);
    html_seconds_cell (out, d->guidance_us);
    n = g_strdup_printf ("%u", d->overrides->len);
    html_cell (out, "td", n);
    g_free (n);
    n = g_strdup_printf ("%u", d->violations->len);
    html_cell (out, "td", n);
    g_free (n);
    g_string_append (out, "</tr>\n");
  }
  g_string_append (out, "</tbody>\n</table>\n");

  g_string_append (out,
      "<h2>What aired</h2>\n<table id=\"aired\">\n<thead><tr>"
      "<th>Channel</th><th>Start</th><th>End</th><th>Rating</th>"
      "<th>Decision</th><th>On air</th><th>Gate mode</th><th>Override</th>"
      "<th>Operator</th><th>Reason</th></tr></thead>\n<tbody>\n");
  for (guint i = 0; i < r->days->len; i++) {
    const WsAsRunDay *d = g_ptr_array_index (r->days, i);

    for (guint k = 0; k < d->segments->len; k++) {
      const WsAsRunSegment *s = g_ptr_array_index (d->segments, k);

      g_string_append (out, "<tr>");
      html_cell (out, "td", d->channel);
      html_time_cell (out, r, s->policy, s->start_us);
      html_time_cell (out, r, s->policy, s->end_us);
      html_cell (out, "td", s->rating);
      html_cell (out, "td", s->kind);
      html_cell (out, "td", s->aired ? "yes" : "no");
      html_cell (out, "td", s->mode);
      html_cell (out, "td", s->override);
      html_cell (out, "td", s->operator_name);
      html_cell (out, "td", s->override_reason);
      g_string_append (out, "</tr>\n");
    }
  }
  g_string_append (out, "</tbody>\n</table>\n");
  html_list (out, "Warnings", r->warnings);
  g_string_append (out, "</body>\n</html>\n");
  return g_string_free (out, FALSE);
}

static void
print_report_text (const WsAsRunReport *r)
{
  print_verdict (r->verdict);
  for (guint i = 0; i < r->days->len; i++) {
    const WsAsRunDay *d = g_ptr_array_index (r->days, i);
    char *c = ws_cli_safe_text (d->channel, WS_CLI_TEXT_LINE);

    printf ("%s %s: on air %.0f s, opened %u, closed %u, slate %.0f s, "
            "would block %.0f s, guidance %.0f s, overrides %u, "
            "violations %u\n",
        c, d->day, seconds (d->aired_us), d->n_opened, d->n_closed,
        seconds (d->blocked_us), seconds (d->would_block_us),
        seconds (d->guidance_us), d->overrides->len, d->violations->len);
    g_free (c);
  }
  for (guint i = 0; i < r->violations->len; i++) {
    const WsAsRunViolation *v = g_ptr_array_index (r->violations, i);
    char *start = ws_asrun_report_format_time (r, v->policy, v->start_us);
    char *end = ws_asrun_report_format_time (r, v->policy, v->end_us);
    char *text = g_strdup_printf ("%s %s %s..%s %s%s: %s (%s:%u)", v->channel,
        ws_asrun_violation_kind_to_string (v->kind), start, end,
        v->rating ? v->rating : "unrated",
        g_strcmp0 (v->mode, "monitor") == 0 ? " (monitor: would have blocked)" :
                                              "",
        v->detail, v->file, v->line);
    char *safe = ws_cli_safe_text (text, WS_CLI_TEXT_LINE);

    printf ("violation: %s\n", safe);
    g_free (start);
    g_free (end);
    g_free (text);
    g_free (safe);
  }
  for (guint i = 0; i < r->warnings->len; i++) {
    char *w = ws_cli_safe_text (g_ptr_array_index (r->warnings, i),
        WS_CLI_TEXT_LINE);

    ws_cli_error ("asrun report: warning: %s", w);
    g_free (w);
  }
}

/* writes @text to @path whole (a temporary file renamed over it); never
 * over one of the logs */
static gboolean
write_output (const char *path, const char *text, char **logs)
{
  GError *error = NULL;

  for (char **l = logs; *l != NULL; l++) {
    GFile *a = g_file_new_for_path (*l), *b = g_file_new_for_path (path);
    gboolean same = g_file_equal (a, b);

    g_object_unref (a);
    g_object_unref (b);
    if (same) {
      ws_cli_error ("asrun report: %s is one of the logs; write the report "
                    "elsewhere",
          path);
      return FALSE;
    }
  }
  if (!g_file_set_contents (path, text, -1, &error)) {
    ws_cli_error ("asrun report: %s", error->message);
    g_error_free (error);
    return FALSE;
  }
  return TRUE;
}

static int
cmd_report (int argc, char **argv)
{
  char *from = NULL, *to = NULL, *json = NULL, *csv = NULL, *html = NULL;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from,
        "Report from this instant on (ISO 8601, or a date)", "T" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to,
        "Report up to this instant (exclusive)", "T" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json,
        "Write the report as JSON to FILE, or print it on stdout instead "
        "of the text with -",
        "FILE|-" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv,
        "Write the violations as CSV (a row each) to FILE", "FILE" },
    { "html", 0, 0, G_OPTION_ARG_FILENAME, &html,
        "Write the report as a standalone HTML page to FILE", "FILE" },
    { NULL }
  };
  GOptionContext *ctx = g_option_context_new ("LOG...");
  WsAsRunReport *r = NULL;
  GError *error = NULL;
  gint64 from_us = WS_TIME_NONE, to_us = WS_TIME_NONE;
  const WsRatingRegistry *reg;
  int code = WS_EXIT_USAGE;
  gboolean json_stdout;

  setlocale (LC_NUMERIC, "C");
  g_option_context_set_summary (ctx, report_summary);
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!ws_cli_parse_files (ctx, &argc, &argv, "as-run log", &code))
    goto end;
  if ((from != NULL && !parse_time_arg ("from", from, &from_us)) ||
      (to != NULL && !parse_time_arg ("to", to, &to_us)))
    goto end;
  if ((reg = ws_cli_registry ()) == NULL)
    goto end;
  r = ws_asrun_report_build ((const gchar *const *) argv + 1, reg, from_us,
      to_us, &error);
  if (r == NULL) {
    char *m = ws_cli_safe_text (error->message, WS_CLI_TEXT_LINE);

    ws_cli_error ("asrun report: %s", m);
    g_free (m);
    goto end;
  }
  json_stdout = json != NULL && strcmp (json, "-") == 0;
  {
    gboolean ok = TRUE;

    if (json != NULL) {
      JsonNode *root = report_json (r);

      if (json_stdout) {
        ws_cli_print_json (root);
      } else {
        char *text = json_to_string (root, TRUE);

        ok = write_output (json, text, argv + 1) && ok;
        g_free (text);
        json_node_unref (root);
      }
    }
    if (csv != NULL) {
      char *text = report_csv (r);

      ok = write_output (csv, text, argv + 1) && ok;
      g_free (text);
    }
    if (html != NULL) {
      char *text = report_html (r);

      ok = write_output (html, text, argv + 1) && ok;
      g_free (text);
    }
    if (!json_stdout)
      print_report_text (r);
    else if (!r->verdict->whole)
      print_verdict (r->verdict);
    if (!ok)
      goto end;
  }
  code = r->verdict->whole && r->violations->len == 0 ? WS_EXIT_PASS :
                                                        WS_EXIT_FAIL;
end:
  g_clear_error (&error);
  ws_asrun_report_free (r);
  g_free (from);
  g_free (to);
  g_free (json);
  g_free (csv);
  g_free (html);
  g_option_context_free (ctx);
  return code;
}

int
ws_cmd_asrun (int argc, char **argv)
{
  int code;

  if (ws_cli_dispatch_usage (argc, argv, print_usage, &code))
    return code;
  if (!strcmp (argv[1], "verify"))
    return cmd_verify (argc - 1, argv + 1);
  if (!strcmp (argv[1], "report"))
    return cmd_report (argc - 1, argv + 1);
  ws_cli_error ("unknown asrun subcommand \"%s\"; use verify or report",
      argv[1]);
  return WS_EXIT_USAGE;
}
