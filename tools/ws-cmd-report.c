/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed report merge: the part reports of a farm run (`watershed check
 * --shard K/N --json`, one per shard) put back together into the reports a
 * single run over every file gives, by the same writers. */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "ws-check.h"
#include "ws-cli.h"
#include "ws-config.h"
#include "ws-report-read.h"
#include "ws-report.h"

static void
print_usage (FILE *out)
{
  fprintf (out,
      "Usage: watershed report merge PART.json... [--json FILE|-] "
      "[--html FILE]\n"
      "                              [--junit FILE] [--csv FILE] "
      "[--pse-certificate FILE.pdf]\n"
      "                              [--failures-only] [--force]\n"
      "\n"
      "Puts the parts of a farm run (`watershed check --shard K/N --json`,\n"
      "one per shard) back together: the same files in the same order, with\n"
      "the same results and exit status as one `watershed check` over every\n"
      "file. Run `watershed report merge --help` for the options.\n");
}

static const char merge_summary[] =
    "Merges the JSON parts of one farm run (`watershed check --shard K/N\n"
    "--json`, one per shard K of N) into one report: the table on stdout (or\n"
    "the JSON report with --json -), and --json, --html, --junit, --csv,\n"
    "--pse-certificate files as `watershed check` writes them, all or none.\n"
    "\n"
    "Refused (exit 2, nothing written): parts of another watershed version,\n"
    "parts run with other result options (preset, limits, territories,\n"
    "metadata, policy, ...: the options fingerprint; the differing option is\n"
    "named), parts over another list of files, a shard missing or given\n"
    "twice, a file in two parts. The HTML report has plots when the shards\n"
    "were run with --keep-plots.\n"
    "\n"
    "Exit status: that of `watershed check` over every file: 0 every file\n"
    "passed; 1 a check failed; 2 a file could not be read, an input could\n"
    "not be walked, or the parts do not make one run.";

/* The value of "name=" among @options, or NULL. (transfer none) */
static const char *
option_value (char **options, const char *name)
{
  gsize n = strlen (name);

  for (char **o = options; o && *o; o++)
    if (strncmp (*o, name, n) == 0 && (*o)[n] == '=')
      return *o + n + 1;
  return NULL;
}

/* The first option where @a and @b differ, as "A vs B". (transfer full) */
static char *
options_difference (char **a, char **b)
{
  guint na = a ? g_strv_length (a) : 0, nb = b ? g_strv_length (b) : 0;

  for (guint i = 0; i < MAX (na, nb); i++)
    if (i >= na || i >= nb || strcmp (a[i], b[i]) != 0)
      return g_strdup_printf ("%s vs %s", i < na ? a[i] : "(none)",
          i < nb ? b[i] : "(none)");
  return g_strdup ("the same options, another fingerprint");
}

static WsReportReadPart *
load_part (const char *path)
{
  GError *error = NULL;
  GStatBuf st;
  char *data = NULL, *safe = ws_cli_safe_text (path, WS_CLI_TEXT_LINE);
  gsize len = 0;
  WsReportReadPart *part = NULL;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode)) {
    ws_cli_error ("report merge: %s: not a readable file", safe);
  } else if ((guint64) st.st_size > WS_REPORT_READ_MAX_BYTES) {
    ws_cli_error ("report merge: %s: larger than %" G_GSIZE_FORMAT " bytes; "
                  "not a part of watershed check",
        safe, WS_REPORT_READ_MAX_BYTES);
  } else if (!g_file_get_contents (path, &data, &len, &error)) {
    ws_cli_error ("report merge: %s", error->message);
  } else if ((part = ws_report_read_part (data, len, safe, &error)) == NULL) {
    ws_cli_error ("report merge: %s", error->message);
  }
  g_clear_error (&error);
  g_free (data);
  g_free (safe);
  return part;
}

/* Checks that the parts make one run: one version (ours), one list of
 * files, one set of options, every shard once. Prints every problem. */
static gboolean
parts_agree (GPtrArray *parts, char **names)
{
  const WsReportReadPart *first = parts->pdata[0];
  guint n = first->shard_count;
  int *seen = g_new (int, n);
  gboolean ok = TRUE;
  GString *missing = g_string_new (NULL);

  for (guint k = 0; k < n; k++)
    seen[k] = -1;
  for (guint i = 0; i < parts->len; i++) {
    const WsReportReadPart *p = parts->pdata[i];
    char *name = ws_cli_safe_text (names[i], WS_CLI_TEXT_LINE);
    char *first_name = ws_cli_safe_text (names[0], WS_CLI_TEXT_LINE);

    if (strcmp (p->version, WS_VERSION) != 0) {
      char *v = ws_cli_safe_text (p->version, WS_CLI_TEXT_LINE);

      ws_cli_error ("report merge: %s was written by watershed %s, this is "
                    "watershed %s: merge with the version that checked",
          name, v, WS_VERSION);
      g_free (v);
      ok = FALSE;
    } else if (p->shard_count != n) {
      ws_cli_error ("report merge: %s is shard %u of %u, %s of %u: the parts "
                    "are of different runs",
          name, p->shard_index, p->shard_count, first_name, n);
      ok = FALSE;
    } else if (p->files_total != first->files_total ||
               strcmp (p->files_digest, first->files_digest) != 0) {
      ws_cli_error ("report merge: %s was cut from another list of files "
                    "than %s (%u files vs %u, %s vs %s): run every shard "
                    "over the same folders with the same --exclude",
          name, first_name, p->files_total, first->files_total, p->files_digest,
          first->files_digest);
      ok = FALSE;
    } else if (strcmp (p->fingerprint, first->fingerprint) != 0) {
      char *diff = options_difference (p->options, first->options);
      char *d = ws_cli_safe_text (diff, WS_CLI_TEXT_LINE);

      ws_cli_error ("report merge: %s was checked with other options than "
                    "%s (%s): run every shard with the same options",
          name, first_name, d);
      g_free (d);
      g_free (diff);
      ok = FALSE;
    } else if (seen[p->shard_index] >= 0) {
      char *other = ws_cli_safe_text (names[seen[p->shard_index]],
          WS_CLI_TEXT_LINE);

      ws_cli_error ("report merge: shard %u/%u is given twice: %s and %s",
          p->shard_index, n, other, name);
      g_free (other);
      ok = FALSE;
    } else {
      seen[p->shard_index] = (int) i;
    }
    g_free (name);
    g_free (first_name);
  }
  for (guint k = 0; ok && k < n; k++)
    if (seen[k] < 0)
      g_string_append_printf (missing, "%s%u/%u", missing->len ? ", " : "", k,
          n);
  if (missing->len > 0) {
    ws_cli_error ("report merge: shard%s %s missing: give the part of every "
                  "shard from 0/%u to %u/%u (rerun the task%s that failed)",
        strchr (missing->str, ',') ? "s" : "", missing->str, n, n - 1, n,
        strchr (missing->str, ',') ? "s" : "");
    ok = FALSE;
  }
  g_string_free (missing, TRUE);
  g_free (seen);
  return ok;
}

/* The check options the writers need, from the parts' options: the
 * preset, limits and mono rule, and the policy (its time zone writes the
 * windows). */
static gboolean
writer_options (WsCheckOptions *opts, char **options, WsPolicy **policy)
{
  const char *preset = option_value (options, "preset");
  const char *mono = option_value (options, "mono");
  const char *policy_id = option_value (options, "policy");
  const char *service_class = option_value (options, "service-class");
  const char *limits = option_value (options, "limits");
  gboolean found = FALSE;

  for (int p = 0; p <= WS_LOUDNESS_PRESET_CUSTOM && preset; p++)
    if (strcmp (preset, ws_loudness_preset_to_string (p)) == 0) {
      opts->preset = p;
      found = TRUE;
    }
  for (int m = 0; m <= WS_LOUDNESS_MONO_SINGLE && mono; m++)
    if (strcmp (mono, ws_loudness_mono_to_string (m)) == 0)
      opts->mono = m;
  if (!found) {
    ws_cli_error ("report merge: the parts name no loudness preset watershed "
                  "knows (\"%s\")",
        preset ? preset : "");
    return FALSE;
  }
  if (limits != NULL) {
    char **v = g_strsplit (limits, ",", 3);

    if (g_strv_length (v) == 3) {
      opts->limits.target_lufs = g_ascii_strtod (v[0], NULL);
      opts->limits.tolerance_lu = g_ascii_strtod (v[1], NULL);
      opts->limits.max_true_peak_dbtp = g_ascii_strtod (v[2], NULL);
    }
    g_strfreev (v);
  }
  if (policy_id != NULL && strcmp (policy_id, "(none)") != 0) {
    *policy = ws_cli_load_policy ("report merge", policy_id,
        service_class && strcmp (service_class, "(default)") != 0 ?
            service_class :
            NULL,
        opts->reg);
    if (*policy == NULL)
      return FALSE;
    opts->policy = *policy;
  }
  return TRUE;
}

/* Every file of the batch in its place; FALSE (and why) when a file is in
 * two parts or in none. */
static gboolean
place_files (GPtrArray *parts, char **names, WsReportEntry *entries,
    guint total)
{
  int *from = g_new (int, total);
  gboolean ok = TRUE;
  guint absent = 0;

  for (guint i = 0; i < total; i++)
    from[i] = -1;
  for (guint p = 0; p < parts->len; p++) {
    const WsReportReadPart *part = parts->pdata[p];

    for (guint j = 0; j < part->files->len; j++) {
      const WsReportReadEntry *e = part->files->pdata[j];
      guint at = (guint) e->index;

      if (from[at] >= 0) {
        char *path = ws_cli_safe_text (e->file->path, WS_CLI_TEXT_LINE);
        char *a = ws_cli_safe_text (names[from[at]], WS_CLI_TEXT_LINE);
        char *b = ws_cli_safe_text (names[p], WS_CLI_TEXT_LINE);

        ws_cli_error ("report merge: %s (file %u of the batch) is in two "
                      "parts: %s and %s",
            path, at, a, b);
        g_free (path);
        g_free (a);
        g_free (b);
        ok = FALSE;
        continue;
      }
      from[at] = (int) p;
      entries[at].file = e->file;
      entries[at].started_us = e->started_us;
      entries[at].elapsed_s = e->elapsed_s;
      entries[at].index = at;
    }
  }
  for (guint i = 0; i < total; i++)
    if (from[i] < 0)
      absent++;
  if (absent > 0) {
    ws_cli_error ("report merge: %u file%s of the batch of %u %s in no part "
                  "(a part was cut short or edited): rerun the shards",
        absent, absent == 1 ? "" : "s", total, absent == 1 ? "is" : "are");
    ok = FALSE;
  }
  g_free (from);
  return ok;
}

static int
cmd_merge (int argc, char **argv)
{
  char *json = NULL, *junit = NULL, *html = NULL, *csv = NULL;
  char *pse_certificate = NULL;
  gboolean failures_only = FALSE, force = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json,
        "Write the merged JSON report to FILE, or print it on stdout "
        "instead of the table with -",
        "FILE|-" },
    { "junit", 0, 0, G_OPTION_ARG_FILENAME, &junit,
        "Also write a JUnit XML report", "FILE" },
    { "html", 0, 0, G_OPTION_ARG_FILENAME, &html,
        "Also write an HTML report (with plots when the shards ran with "
        "--keep-plots)",
        "FILE" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv,
        "Also write a CSV report (a row per file)", "FILE" },
    { "pse-certificate", 0, 0, G_OPTION_ARG_FILENAME, &pse_certificate,
        "Also write the photosensitive-epilepsy test certificate (PDF; the "
        "risk plot when the shards ran with --keep-plots)",
        "FILE.pdf" },
    { "failures-only", 0, 0, G_OPTION_ARG_NONE, &failures_only,
        "List only files that failed or could not be read (the counts "
        "still cover every file)",
        NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
        "Replace an existing report file even when it is not a report of "
        "watershed (never a part)",
        NULL },
    { NULL }
  };
  GOptionContext *ctx = g_option_context_new ("PART.json...");
  GPtrArray *parts = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_report_read_part_free);
  WsPolicy *policy = NULL;
  WsReportSet *set = NULL;
  WsReportEntry *merged = NULL;
  GError *error = NULL;
  char *command_line = NULL;
  int code = WS_EXIT_USAGE;
  gboolean json_stdout;

  setlocale (LC_NUMERIC, "C");
  {
    char *args = ws_report_command_line (argc, argv);

    command_line = g_strconcat ("watershed report ", args, NULL);
    g_free (args);
  }
  g_option_context_set_summary (ctx, merge_summary);
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!ws_cli_parse (ctx, &argc, &argv, &code))
    goto end;
  if (argc < 2) {
    ws_cli_error ("report merge: give the JSON part of every shard; see "
                  "watershed report merge --help");
    goto end;
  }
  json_stdout = json != NULL && strcmp (json, "-") == 0;

  for (int i = 1; i < argc; i++) {
    WsReportReadPart *p = load_part (argv[i]);

    if (p == NULL)
      goto end;
    g_ptr_array_add (parts, p);
  }
  if (!parts_agree (parts, argv + 1))
    goto end;

  {
    const WsReportReadPart *first = parts->pdata[0];
    const WsRatingRegistry *reg = ws_cli_registry ();
    WsCheckOptions opts;
    GPtrArray *sidecars = first->sidecars;
    WsReportRun run = { NULL, 0, NULL, 0, &opts, sidecars, first->version,
      command_line, g_get_host_name (), NULL };
    WsReportOutputs out = { "report merge", json_stdout, !json_stdout,
      json_stdout ? NULL : json, junit, html, csv, failures_only,
      first->input_errors->len, pse_certificate };
    GHashTable *protected = g_hash_table_new_full (g_str_hash, g_str_equal,
        g_free, NULL);

    if (reg == NULL) {
      g_hash_table_unref (protected);
      goto end;
    }
    ws_check_options_init (&opts, reg);
    if (!writer_options (&opts, first->options, &policy)) {
      g_hash_table_unref (protected);
      goto end;
    }
    /* the parts are inputs: no report may replace one */
    for (int i = 1; i < argc; i++) {
      char *key = ws_report_file_key (argv[i]);

      if (key != NULL)
        g_hash_table_add (protected, key);
    }
    set = ws_report_set_new (protected, force);
    g_hash_table_unref (protected);
    if (!ws_report_outputs_add (set, &out))
      goto end;
    merged = g_new0 (WsReportEntry, MAX (first->files_total, 1));
    if (!place_files (parts, argv + 1, merged, first->files_total))
      goto end;
    if (html != NULL || pse_certificate != NULL)
      for (guint i = 0; i < parts->len; i++)
        if (!((const WsReportReadPart *) parts->pdata[i])->plots) {
          ws_cli_error (
              "report merge: warning: the shards ran without "
              "--keep-plots: the HTML report and the certificate have no "
              "plots");
          break;
        }
    for (guint i = 0; i < first->input_errors->len; i++) {
      char *e = ws_cli_safe_text (first->input_errors->pdata[i],
          WS_CLI_TEXT_LINE);

      ws_cli_error ("check: %s", e);
      g_free (e);
    }
    code = ws_report_emit (merged, first->files_total, &run, set, &out);
  }

end:
  g_clear_error (&error);
  g_free (merged);
  ws_report_set_free (set);
  ws_policy_free (policy);
  g_ptr_array_unref (parts);
  g_free (csv);
  g_free (command_line);
  g_free (json);
  g_free (junit);
  g_free (html);
  g_free (pse_certificate);
  g_option_context_free (ctx);
  return code;
}

int
ws_cmd_report (int argc, char **argv)
{
  int code;

  if (ws_cli_dispatch_usage (argc, argv, print_usage, &code))
    return code;
  if (!strcmp (argv[1], "merge"))
    return cmd_merge (argc - 1, argv + 1);
  ws_cli_error ("unknown report subcommand \"%s\"; use merge", argv[1]);
  return WS_EXIT_USAGE;
}
