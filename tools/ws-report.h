/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed check: the report files (JUnit XML, HTML, CSV) and how they are
 * written: all of a run's reports first as temporary files next to their
 * targets, then renamed over them together, never over an input or over a
 * file that is not a report of ours (unless --force). */
#ifndef WS_TOOLS_WS_REPORT_H
#define WS_TOOLS_WS_REPORT_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ws-check.h"

G_BEGIN_DECLS

/** The first line of our CSV reports (also how a later run knows one). */
#define WS_REPORT_CSV_HEADER                                                  \
  "path,status,ratings,integrated_lufs,lra_lu,true_peak_dbtp,loudness,flash," \
  "error,path_bytes"

/** The first bytes of our JSON reports (ws_report_json()). */
#define WS_REPORT_JSON_START "{\n  \"files\" : ["

/** What a temporary report file's name holds after ".NAME": it is
 * ".NAME.ws-tmp-HOST-PID-XXXXXX" in the folder of NAME. */
#define WS_REPORT_TMP_TAG ".ws-tmp-"

/** The kinds of report file. */
typedef enum {
  WS_REPORT_JUNIT,
  WS_REPORT_HTML,
  WS_REPORT_CSV,
  WS_REPORT_PDF,
  WS_REPORT_JSON,
} WsReportKind;

/** What the PSE certificate's PDF Creator starts with (followed by the
 * version): how a later run knows the file is ours. */
#define WS_REPORT_PDF_CREATOR "watershed check PSE certificate"

/* ---- what the writers are given ------------------------------------------ */

/** One checked file and when it ran. */
typedef struct {
  const WsCheckFile *file;
  gint64 started_us; /* wall clock, microseconds since 1970 (UTC) */
  double elapsed_s;
  guint index; /* its place in the whole batch (all shards), from 0 */
} WsReportEntry;

/** A media-less input: a sidecar metadata file named on the command line. */
typedef struct {
  char *path;
  char *used_by; /* (nullable): the first input it is the sidecar of */
} WsReportSidecar;

/**
 * WsReportPart:
 * @shard_index, @shard_count: shard K of N.
 * @files_total: the files of the whole batch, before sharding.
 * @files_digest: ws_farm_list_digest() of the whole batch.
 * @fingerprint: ws_farm_fingerprint() of the version and @options.
 * @options: (array zero-terminated=1): "name=value" of every option that
 *   changes a result.
 * @input_errors: (element-type utf8): what could not be walked (the same
 *   in every shard).
 * @plots: the files carry their plotted series (--keep-plots).
 *
 * What a shard's JSON report says about its place in a farm run, so that
 * `watershed report merge` can put the shards together and refuse parts
 * that do not belong together.
 */
typedef struct {
  guint shard_index;
  guint shard_count;
  guint files_total;
  const char *files_digest;
  const char *fingerprint;
  const char *const *options;
  const GPtrArray *input_errors;
  gboolean plots;
} WsReportPart;

/**
 * WsReportRun:
 * @entries: the files to report, in input order (with --failures-only, only
 *   those that did not pass).
 * @counts: pass/fail/error counts (indexed by #WsCheckStatus) over every
 *   file checked.
 * @n_checked: every file checked.
 * @sidecars: (element-type WsReportSidecar): sidecars named as inputs.
 * @version: watershed's version; @command_line: the command as run.
 */
typedef struct {
  const WsReportEntry *entries;
  guint n_entries;
  const guint *counts;
  guint n_checked;
  const WsCheckOptions *opts;
  const GPtrArray *sidecars;
  const char *version;
  const char *command_line;
  const char *hostname;
  const WsReportPart *part; /* (nullable): a shard's report (--shard) */
} WsReportRun;

/** Frees a #WsReportSidecar (a GDestroyNotify); NULL is a no-op. */
void ws_report_sidecar_free (gpointer sidecar);

/** The check named @id of @f, or NULL. (transfer none) */
const WsCheckItem *ws_report_find_item (const WsCheckFile *f, const char *id);

/** "GB bbfc:15, DE missing" from the rating-present checks. (transfer
 * full), not made safe (see ws_cli_safe_text()). */
char *ws_report_ratings_summary (const WsCheckFile *f);

/** The longest span a plot's time axis covers, in seconds (about 31
 * years): a container claiming more is drawn to this. */
#define WS_REPORT_MAX_SPAN_S 1.0e9

/** The time span the plots of @f cover, in seconds: the duration, or the
 * last plotted point; at least 1, at most WS_REPORT_MAX_SPAN_S. */
double ws_report_file_span (const WsCheckFile *f);

/** The step between time-axis marks for a plot of @span_s seconds (0.5 s
 * up to 2 h, then doubling): at most ten marks. */
double ws_report_time_step (double span_s);

/** A time-axis mark's label for @t_s seconds: "M:SS", or "M:SS.5" on a
 * half-second step. (transfer full) */
char *ws_report_time_label (double t_s);

/** The top of the flash-risk axis of @f: 1.5, or 10 % above the highest
 * risk plotted, at most 10. */
double ws_report_risk_top (const WsCheckFile *f);

/**
 * ws_report_command_line:
 * Returns: (transfer full): @argv quoted as a POSIX shell would need it,
 *   made one safe line (ws_cli_safe_text(), %WS_CLI_TEXT_LINE).
 */
char *ws_report_command_line (int argc, char **argv);

/**
 * ws_report_junit:
 * One testsuite per file (name: the path; timestamp, hostname, time; the
 * property path_bytes), one testcase per check that applies (classname: the
 * file name with dots and slashes as underscores; name: the check and its
 * territory), the failure's message also as its body; an unreadable file is
 * one case with an error.
 * Returns: (transfer full): the XML document.
 */
char *ws_report_junit (const WsReportRun *run);

/**
 * ws_report_html:
 * An index (the rating per territory, integrated loudness, true peak, flash
 * verdict; failures first; a status filter that needs no script), the
 * run's version, command line and preset, and a section per file with its
 * checks and plots. Numbers are written in the C locale whatever LC_NUMERIC.
 * Returns: (transfer full): the HTML document.
 */
char *ws_report_html (const WsReportRun *run);

/**
 * ws_report_csv:
 * RFC 4180 CSV, one row per file under %WS_REPORT_CSV_HEADER; numbers with
 * a '.' (C locale); a text cell that starts with = + - @ gets a leading '
 * so spreadsheets do not run it as a formula.
 * Returns: (transfer full): the CSV text.
 */
char *ws_report_csv (const WsReportRun *run);

/**
 * ws_report_pse_pdf:
 * The photosensitive-epilepsy test certificate: for each file a page (more
 * when its incidents do not fit) with the verdict, the programme, the
 * file's SHA-256, duration and video, the standard and the display model
 * (transfer function) applied, the analysis settings, when and by which
 * version it was tested, the flash-risk trace and every incident with its
 * kind and timecodes. A4, drawn with cairo's PDF surface; Creator
 * %WS_REPORT_PDF_CREATOR and the version. Reads each file once more for
 * its hash.
 * Returns: (transfer full) (nullable): the PDF, or NULL with @error when
 *   cairo fails.
 */
GBytes *ws_report_pse_pdf (const WsReportRun *run, GError **error);

/**
 * ws_report_json:
 * The JSON report of `watershed check --json` (tools/ws-cmd-check.c):
 * "files", "sidecars", "summary"; with @run's @part also "part" (see
 * #WsReportPart) and, in each file, its "index" in the batch, when it
 * ran, the engine's state and (with @plots) its series, with every number
 * at full precision, so ws_report_read_part() gives back the same values.
 * Returns: (transfer full): the document, pretty-printed, ending in a
 *   newline.
 */
char *ws_report_json (const WsReportRun *run);

/**
 * ws_report_json_entry:
 * One file of a part report (as ws_report_json() writes it with a
 * @part, series included): what --resume keeps per file.
 * Returns: (transfer full): the JSON object (a new node).
 */
JsonNode *ws_report_json_entry (const WsReportEntry *e,
    const WsCheckOptions *opts);

/* ---- the report options of watershed check --------------------------- */

/** What the report options set (ws_report_add_entries()). */
typedef struct {
  char *csv;
  gboolean jsonl;
  char **excludes;
  gboolean failures_only;
  gboolean force;
} WsReportOptions;

/**
 * ws_report_add_entries:
 * Adds --csv FILE, --jsonl, --exclude GLOB (repeatable), --failures-only
 * and --force to @ctx's main group, each setting its member of @ro (which
 * must outlive the parse; free its members with ws_report_options_clear()).
 */
void ws_report_add_entries (GOptionContext *ctx, WsReportOptions *ro);

/** Frees the members of @ro. */
void ws_report_options_clear (WsReportOptions *ro);

/* ---- writing them safely ------------------------------------------------- */

/** A set of report files written together. */
typedef struct WsReportSet WsReportSet;

/**
 * ws_report_set_new:
 * @protected_inputs: (element-type utf8 utf8): the "DEV:INODE" keys
 *   (ws_report_file_key()) of every input and sidecar: a report path that
 *   is one of them is refused, --force or not. Copied.
 * @force: replace an existing file that is not a report of ours.
 * Returns: (transfer full): free with ws_report_set_free().
 */
WsReportSet *ws_report_set_new (GHashTable *protected_inputs, gboolean force);

/**
 * ws_report_set_free:
 * Removes the temporary files of a set that was not committed. NULL is a
 * no-op.
 */
void ws_report_set_free (WsReportSet *set);

/**
 * ws_report_set_add:
 * @option: the option that named it ("--junit"), for messages.
 *
 * Accepts @path as a report of @kind, before anything is checked: its
 * folder must exist; it must not be an input, a sidecar, a report already
 * in the set, a folder, a FIFO or device, or a symbolic link (unless
 * --force); an existing non-empty file must be a report of ours of @kind
 * (unless --force). Removes the temporary files that a killed run left for
 * @path (its host's dead processes, or any older than a day) and says so
 * on stderr.
 * Returns: FALSE with @error (G_FILE_ERROR) saying why and what to do.
 */
gboolean ws_report_set_add (WsReportSet *set, const char *option,
    const char *path, WsReportKind kind, GError **error);

/**
 * ws_report_set_stage:
 * Writes @text (transfer none) into a new temporary file next to the
 * report @path (added before) and syncs it.
 * Returns: FALSE with @error when it cannot be written.
 */
gboolean ws_report_set_stage (WsReportSet *set, const char *path,
    const char *text, GError **error);

/** As ws_report_set_stage() for binary content (the PDF certificate). */
gboolean ws_report_set_stage_bytes (WsReportSet *set, const char *path,
    GBytes *bytes, GError **error);

/**
 * ws_report_set_commit:
 * Checks again that no report's place has become an input or a file that
 * is not ours (unless --force) since ws_report_set_add(), then renames
 * every staged file over its report. Call it only when every report of the
 * set was staged.
 * Returns: FALSE with @error when a place is refused (nothing renamed) or a
 *   rename fails (the temporary files left are removed by
 *   ws_report_set_free()).
 */
gboolean ws_report_set_commit (WsReportSet *set, GError **error);

/**
 * ws_report_is_ours:
 * Returns: TRUE when the first bytes of the file at @path are those of a
 *   report of @kind that watershed writes (WS_REPORT_MARKER after the XML
 *   declaration or the doctype; the CSV header line).
 */
gboolean ws_report_is_ours (const char *path, WsReportKind kind);

/**
 * ws_report_file_key:
 * Returns: (transfer full) (nullable): "DEV:INODE" of the file @path
 *   names (links followed), NULL when it cannot be stat()ed.
 */
char *ws_report_file_key (const char *path);

/* ---- the end of a run --------------------------------------------------- */

/**
 * WsReportOutputs:
 * @command: "check" or "report merge", to start messages with.
 * @json_stdout: print the JSON report on stdout; else, with @table, the
 *   table.
 * @json, @junit, @html, @csv: (nullable): report files, each added to the
 *   #WsReportSet before.
 * @failures_only: list only files that did not pass.
 * @input_errors: how many inputs could not be walked (the exit status is
 *   then 2).
 * @pse_certificate: (nullable): the PSE certificate (PDF) to write, added
 *   to the #WsReportSet before like the others.
 */
typedef struct {
  const char *command;
  gboolean json_stdout;
  gboolean table;
  const char *json;
  const char *junit;
  const char *html;
  const char *csv;
  gboolean failures_only;
  guint input_errors;
  const char *pse_certificate;
} WsReportOutputs;

/**
 * ws_report_outputs_add:
 * Adds the report files of @out (--json, --junit, --html, --csv,
 * --pse-certificate) to @set
 * (ws_report_set_add()), before the work that fills them.
 * Returns: FALSE, having said why on stderr, when one is refused.
 */
gboolean ws_report_outputs_add (WsReportSet *set, const WsReportOutputs *out);

/**
 * ws_report_emit:
 * @entries: (array length=n): every file of the run, in check order.
 * @base: the run's version, options, sidecars, command line, host and
 *   part; its entries and counts are ignored (made from @entries).
 *
 * The end of `watershed check` and of `watershed report merge`: prints the
 * table or the JSON report, each unreadable file's error on stderr, and
 * writes the report files through @set (all or none).
 * Returns: the exit status: 2 when a file could not be read, an input
 *   could not be walked or a report not written; else 1 when a file
 *   failed; else 0.
 */
int ws_report_emit (const WsReportEntry *entries, guint n,
    const WsReportRun *base, WsReportSet *set, const WsReportOutputs *out);

G_END_DECLS

#endif /* WS_TOOLS_WS_REPORT_H */
