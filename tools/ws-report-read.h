/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed check: its own JSON reports read back into the structs the
 * report writers take (ws-report.h), for `watershed report merge` and
 * `watershed check --resume`. The input comes from outside (a file another
 * node wrote): every member is type-checked, sizes are bounded, and an
 * error names the member. No printing. */
#ifndef WS_TOOLS_WS_REPORT_READ_H
#define WS_TOOLS_WS_REPORT_READ_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ws-check.h"

G_BEGIN_DECLS

/** The largest report part or resume record read, in bytes (1 GiB). */
#define WS_REPORT_READ_MAX_BYTES ((gsize) 1 << 30)

/**
 * WsReportReadEntry:
 * @file: (transfer full): the file's results.
 * @index: its place in the whole batch, -1 when the report does not say.
 * @started_us, @elapsed_s: when it ran (0 when the report does not say).
 */
typedef struct {
  WsCheckFile *file;
  gint64 index;
  gint64 started_us;
  double elapsed_s;
} WsReportReadEntry;

/**
 * WsReportReadPart:
 * A part report (`watershed check --shard K/N --json`) read back. @files
 * holds #WsReportReadEntry, @sidecars #WsReportSidecar (ws-report.h),
 * @input_errors and @options strings; see #WsReportPart for the rest.
 */
typedef struct {
  char *version;
  guint shard_index;
  guint shard_count;
  guint files_total;
  char *files_digest;
  char *fingerprint;
  char **options;
  GPtrArray *input_errors;
  gboolean plots;
  GPtrArray *files;
  GPtrArray *sidecars;
} WsReportReadPart;

/**
 * ws_report_read_entry:
 * @node: one member of a report's "files" (or a --resume record).
 * @entry: (out caller-allocates): filled on success; on error untouched.
 *
 * Reads one file as ws_report_json() writes it, with or without the part
 * members ("index", "started_us", "elapsed_s", "engine", "series").
 * Returns: FALSE with @error (WS_ERROR_INVALID, naming the member and what
 *   it should be) when a member has the wrong type or value.
 */
gboolean ws_report_read_entry (JsonNode *node, WsReportReadEntry *entry,
    GError **error);

/** Frees the members of @entry. */
void ws_report_read_entry_clear (WsReportReadEntry *entry);

/**
 * ws_report_read_part:
 * @data, @len: the JSON text.
 * @name: the file it came from, for messages.
 *
 * Reads a part report. A report without "part" (a `check --json` run
 * without --shard) is refused: it does not say which files of which batch
 * it holds.
 * Returns: (transfer full) (nullable): free with
 *   ws_report_read_part_free(); NULL with @error (WS_ERROR_MALFORMED: not
 *   JSON; WS_ERROR_TOO_LARGE; WS_ERROR_INVALID: "NAME: files[3].status:
 *   ..." naming the member) otherwise.
 */
WsReportReadPart *ws_report_read_part (const char *data, gsize len,
    const char *name, GError **error);

/** NULL is a no-op. */
void ws_report_read_part_free (WsReportReadPart *part);

G_END_DECLS

#endif /* WS_TOOLS_WS_REPORT_READ_H */
