/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed check: what the reports share, the JUnit XML and CSV reports. */
#include "ws-report.h"

#include <math.h>
#include <string.h>

#include "ws-cli.h"

const WsCheckItem *
ws_report_find_item (const WsCheckFile *f, const char *id)
{
  for (guint i = 0; i < f->checks->len; i++) {
    const WsCheckItem *it = &g_array_index (f->checks, WsCheckItem, i);

    if (strcmp (it->id, id) == 0)
      return it;
  }
  return NULL;
}

char *
ws_report_ratings_summary (const WsCheckFile *f)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < f->checks->len; i++) {
    const WsCheckItem *it = &g_array_index (f->checks, WsCheckItem, i);

    if (strcmp (it->id, "rating-present") != 0)
      continue;
    if (s->len)
      g_string_append (s, ", ");
    if (it->status == WS_CHECK_PASS) {
      const char *colon = strchr (it->message, ':');
      const char *m = it->subject && colon ? colon + 2 : it->message;
      const char *sp = strchr (m, ' ');

      g_string_append_printf (s, "%s%s%.*s", it->subject ? it->subject : "",
          it->subject ? " " : "", sp ? (int) (sp - m) : (int) strlen (m), m);
    } else {
      g_string_append_printf (s, "%s%smissing", it->subject ? it->subject : "",
          it->subject ? " " : "");
    }
  }
  return g_string_free (s, FALSE);
}

double
ws_report_file_span (const WsCheckFile *f)
{
  double end = f->duration_s > 0 ? f->duration_s : 0.0;
  GArray *l = f->loudness_series, *r = f->risk_series;

  if (l != NULL && l->len)
    end = MAX (end, g_array_index (l, WsCheckLoudnessPoint, l->len - 1).t_s);
  if (r != NULL && r->len)
    end = MAX (end, g_array_index (r, WsCheckRiskPoint, r->len - 1).t_s);
  /* a broken container can claim any duration: the axis stays finite */
  if (!(end > 0))
    return 1.0;
  return MIN (end, WS_REPORT_MAX_SPAN_S);
}

double
ws_report_time_step (double span_s)
{
  static const double steps[] = { 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600,
    900, 1800, 3600, 7200 };

  double step = steps[G_N_ELEMENTS (steps) - 1];

  for (gsize i = 0; i < G_N_ELEMENTS (steps); i++)
    if (span_s / steps[i] <= 10)
      return steps[i];
  /* past twenty hours: two hours doubled until ten marks cover the span */
  while (span_s / step > 10 && step < WS_REPORT_MAX_SPAN_S)
    step *= 2;
  return step;
}

char *
ws_report_time_label (double t_s)
{
  gint64 whole = (gint64) CLAMP (t_s, 0.0, WS_REPORT_MAX_SPAN_S);

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d%s", whole / 60,
      (int) (whole % 60), t_s - (double) whole > 0.01 ? ".5" : "");
}

double
ws_report_risk_top (const WsCheckFile *f)
{
  const GArray *r = f->risk_series;
  double top = 1.5;

  for (guint i = 0; r != NULL && i < r->len; i++) {
    const WsCheckRiskPoint *p = &g_array_index (r, WsCheckRiskPoint, i);

    top = MAX (top, MAX (p->luminance, p->red) * 1.1);
  }
  return MIN (top, 10.0);
}

char *
ws_report_command_line (int argc, char **argv)
{
  GString *s = g_string_new (NULL);
  char *line;

  for (int i = 0; i < argc; i++) {
    char *q = g_shell_quote (argv[i]);
    const char *a = argv[i];
    gboolean plain = *a != '\0';

    for (; *a && plain; a++)
      plain = g_ascii_isalnum (*a) || strchr ("-_./=:,+@%", *a) != NULL;
    if (i)
      g_string_append_c (s, ' ');
    g_string_append (s, plain ? argv[i] : q);
    g_free (q);
  }
  line = ws_cli_safe_text (s->str, WS_CLI_TEXT_LINE);
  g_string_free (s, TRUE);
  return line;
}

void
ws_report_add_entries (GOptionContext *ctx, WsReportOptions *ro)
{
  const GOptionEntry e[] = {
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &ro->csv,
        "Also write a CSV report (a row per file)", "FILE" },
    { "jsonl", 0, 0, G_OPTION_ARG_NONE, &ro->jsonl,
        "Print one JSON object per file on stdout as each file finishes "
        "(JSON Lines) instead of the table",
        NULL },
    { "exclude", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &ro->excludes,
        "Leave out files and folders whose name or path matches GLOB "
        "(repeatable; quote it: --exclude '*.part')",
        "GLOB" },
    { "failures-only", 0, 0, G_OPTION_ARG_NONE, &ro->failures_only,
        "List only files that failed or could not be read in the table and "
        "every report (the counts still cover every file)",
        NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &ro->force,
        "Replace an existing report file even when it is not a report of "
        "watershed check (never an input)",
        NULL },
    { NULL },
  };

  g_option_context_add_main_entries (ctx, e, NULL);
}

void
ws_report_options_clear (WsReportOptions *ro)
{
  g_clear_pointer (&ro->csv, g_free);
  g_clear_pointer (&ro->excludes, g_strfreev);
}

/* ---- JUnit ---------------------------------------------------------------- */

/* A classname Jenkins will not split into packages or folders. */
static char *
junit_classname (const char *path)
{
  char *c = ws_cli_safe_text (path, WS_CLI_TEXT_LINE);

  for (char *p = c; *p; p++)
    if (*p == '.' || *p == '/' || *p == '\\')
      *p = '_';
  return c;
}

char *
ws_report_junit (const WsReportRun *run)
{
  WsJunit *junit = ws_junit_new ();
  char *text;

  for (guint i = 0; i < run->n_entries; i++) {
    const WsReportEntry *e = &run->entries[i];
    const WsCheckFile *f = e->file;
    GDateTime *dt = g_date_time_new_from_unix_utc (
        e->started_us / G_USEC_PER_SEC);
    char *stamp = dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S") : NULL;
    char *classname = junit_classname (f->path);
    char *hex = ws_cli_hex (f->path);

    ws_junit_begin_suite (junit, f->path, stamp, run->hostname, e->elapsed_s);
    ws_junit_add_property (junit, "path_bytes", hex);
    if (f->status == WS_CHECK_ERROR) {
      ws_junit_add_case (junit, classname, "read", WS_JUNIT_ERROR, "unreadable",
          f->error, NULL);
    }
    for (guint j = 0; f->status != WS_CHECK_ERROR && j < f->checks->len; j++) {
      const WsCheckItem *it = &g_array_index (f->checks, WsCheckItem, j);
      char *name = it->subject ?
                       g_strdup_printf ("%s %s", it->id, it->subject) :
                       g_strdup (it->id);
      char *out;

      switch (it->status) {
        case WS_CHECK_NOT_APPLICABLE:
          /* nothing was checked: not a test */
          break;
        case WS_CHECK_FAIL:
        case WS_CHECK_ERROR:
          ws_junit_add_case (junit, classname, name, WS_JUNIT_FAILURE, it->id,
              it->message, NULL);
          break;
        default:
          out = g_strdup_printf ("%s: %s",
              ws_check_status_to_string (it->status),
              it->message ? it->message : "");
          ws_junit_add_case (junit, classname, name, WS_JUNIT_PASS, NULL, NULL,
              out);
          g_free (out);
          break;
      }
      g_free (name);
    }
    g_free (hex);
    g_free (classname);
    g_free (stamp);
    if (dt)
      g_date_time_unref (dt);
  }
  text = ws_junit_to_string (junit, "watershed check", "watershed check");
  ws_junit_free (junit);
  return text;
}

/* ---- CSV ------------------------------------------------------------------ */

static void
csv_number (GString *s, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isfinite (v))
    g_string_append (s, g_ascii_formatd (buf, sizeof (buf), "%.1f", v));
}

char *
ws_report_csv (const WsReportRun *run)
{
  GString *s = g_string_new (WS_REPORT_CSV_HEADER "\r\n");

  for (guint i = 0; i < run->n_entries; i++) {
    const WsCheckFile *f = run->entries[i].file;
    gboolean ok = f->status != WS_CHECK_ERROR;
    const WsCheckItem *li = ws_report_find_item (f, "loudness");
    const WsCheckItem *fi = ws_report_find_item (f, "flash");
    char *ratings = ok ? ws_report_ratings_summary (f) : NULL;
    char *hex = ws_cli_hex (f->path);

    ws_cli_append_csv (s, f->path);
    g_string_append_printf (s, ",%s,", ws_check_status_to_string (f->status));
    ws_cli_append_csv (s, ratings);
    g_string_append_c (s, ',');
    csv_number (s, ok ? f->integrated_lufs : NAN);
    g_string_append_c (s, ',');
    csv_number (s, ok ? f->lra_lu : NAN);
    g_string_append_c (s, ',');
    csv_number (s, ok ? f->true_peak_dbtp : NAN);
    g_string_append_printf (s, ",%s,%s,",
        li ? ws_check_status_to_string (li->status) : "",
        fi ? ws_check_status_to_string (fi->status) : "");
    ws_cli_append_csv (s, f->error);
    g_string_append_printf (s, ",%s\r\n", hex);
    g_free (ratings);
    g_free (hex);
  }
  return g_string_free (s, FALSE);
}
