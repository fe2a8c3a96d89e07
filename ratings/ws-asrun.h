/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the as-run log: one JSON line per decision, written off the
 * caller's thread. */
#ifndef WS_RATINGS_WS_ASRUN_H
#define WS_RATINGS_WS_ASRUN_H

#include <glib.h>

G_BEGIN_DECLS

/**
 * WsAsRunRecord:
 * @instant: the civil time decided at, ISO 8601 with offset, or %NULL
 * @running_time_ns: the running time of the first frame the decision
 *   applies to, or -1 when unknown
 * @allowed: whether the content passes (the decision, also in monitor mode)
 * @reason: one English sentence saying why
 * @rule: the policy rule that decided, or %NULL
 * @rating: the rating as `SYSTEM:CODE`, or %NULL
 * @policy: the policy id
 * @service_class: the service class id
 * @next_change: when the decision changes next, ISO 8601, or %NULL
 * @kind: the decision kind ("allowed", "outside-window", ...,
 *   "override-open", "override-closed"), or "stopped" where the gate's
 *   last buffer ended (EOS or stop: nothing airs through it from there)
 * @judged_as: the local rating a foreign one was judged as, or %NULL
 * @judgement: how it was judged, or %NULL
 * @mode: what the gate did with the decision ("slate", "drop",
 *   "monitor"), or %NULL
 * @override: "open" or "closed" when an operator forced the gate, else
 *   %NULL
 * @operator_name: who forced it, or %NULL
 * @override_reason: why, as the operator gave it, or %NULL
 * @override_set_at: when the operator set it, ISO 8601 UTC, or %NULL
 * @element: the name of the element that decided
 * @channel: the channel the line is about, or %NULL (then the report
 *   counts the line for @element); written only when set
 *
 * Guidance records (what an overlay showed, read by the compliance report)
 * are lines of the same shape with @kind "guidance-shown" or
 * "guidance-hidden", @instant, @rating (what was shown), @mode (the
 * guidance mode: "at-start", "persistent", ...) and @channel.
 *
 * One line of the as-run log. All strings are borrowed (transfer none);
 * %NULL becomes JSON null. Strings that are not UTF-8 are made valid.
 */
typedef struct {
  const gchar *instant;
  gint64 running_time_ns;
  gboolean allowed;
  const gchar *reason;
  const gchar *rule;
  const gchar *rating;
  const gchar *policy;
  const gchar *service_class;
  const gchar *next_change;
  const gchar *kind;
  const gchar *judged_as;
  const gchar *judgement;
  const gchar *mode;
  const gchar *override;
  const gchar *operator_name;
  const gchar *override_reason;
  const gchar *override_set_at;
  const gchar *element;
  const gchar *channel;
} WsAsRunRecord;

/**
 * ws_asrun_format_line:
 * @rec: the record
 *
 * Formats @rec as one JSON object on one line, keys in this order:
 * `instant`, `running_time_ns`, `allowed`, `reason`, `rule`, `rating`,
 * `policy`, `service_class`, `next_change`, `kind`, `judged_as`,
 * `judgement`, `mode`, `override`, `operator`, `override_reason`,
 * `override_set_at`, `element`, then `channel` only when it is set, ending
 * with a newline (the writer appends the chain keys `seq` and `prev`). Control characters
 * and quotes are escaped, so the line never holds a raw newline.
 *
 * Returns: (transfer full): the line; free with g_free(). Never %NULL.
 */
gchar *ws_asrun_format_line (const WsAsRunRecord *rec);

/**
 * ws_asrun_truncate_to_last_line:
 * @fd: a file open for reading and writing
 *
 * Cuts @fd back to the end of its last complete line (nothing when it is
 * empty or already ends with a newline).
 *
 * Returns: the number of bytes removed (0 when none), or -1 with errno set
 *   when the file could not be read or truncated.
 */
gssize ws_asrun_truncate_to_last_line (int fd);

/**
 * ws_asrun_write_line:
 * @fd: a file opened with O_APPEND
 * @line: the bytes of one line, ending with a newline
 * @len: the length of @line
 *
 * Appends @line with one write() (O_APPEND keeps the lines of several
 * writers apart). A short write (the disk filled up mid-line, or the file
 * size limit was reached) would leave a torn line for the next one to be
 * glued to: the file is cut back to its last complete line and the line
 * written once more (space may have been freed meanwhile). Does not
 * fsync().
 *
 * Returns: %TRUE when the whole line was written; %FALSE with errno set
 *   when it was not, and the file then still ends with a complete line.
 */
gboolean ws_asrun_write_line (int fd, const gchar *line, gsize len);

/**
 * WsAsRunErrorFunc:
 * @line: the line that was not recorded (with its newline), or %NULL when
 *   fsync() failed
 * @err: the errno of the failure
 * @user_data: the data given to ws_asrun_writer_open()
 *
 * Called on the writer's thread when a line could not be written whole or
 * the file could not be made durable. Must not call back into the writer.
 */
typedef void (
    *WsAsRunErrorFunc) (const gchar *line, int err, gpointer user_data);

/**
 * WsAsRunWriter:
 *
 * An as-run log file with its own writer thread. ws_asrun_writer_push()
 * never does I/O: it queues the line (bounded) and returns. The thread
 * writes each line with one write() (ws_asrun_write_line()) in the order
 * pushed and fsync()s after each batch. Lines are never torn, also when
 * several threads push at once or several writers share one file.
 *
 * When the queue is full a pushed line is dropped, never waited for: the
 * caller is told (ws_asrun_writer_push() returns %FALSE), the drops are
 * counted, and before the next line that fits (or at the next sync or
 * close) the log gets a line of its own saying how many were lost:
 * `{"dropped_lines": N, "reason": "..."}`.
 */
typedef struct WsAsRunWriter WsAsRunWriter;

/** WS_ASRUN_DEFAULT_QUEUE: the default bound, in lines. */
#define WS_ASRUN_DEFAULT_QUEUE 256

/* ---- the hash chain ------------------------------------------------------
 *
 * Every file the writer makes is a hash chain (format "watershed-asrun",
 * version 1). Line 1 is a header:
 *
 *   {"asrun_header": "watershed-asrun", "version": 1,
 *    "nonce": "<32 hex digits, random per file>",
 *    "chain": "<32 hex digits>",
 *    "created": "<UTC, YYYY-MM-DDTHH:MM:SSZ>",
 *    "opened_by": "<element name>" | null,
 *    "prev_file": "<base name of the previous file>" | null,
 *    "prev_lines": <lines of the previous file> | null,
 *    "seq": 1, "prev": "<SHA-256 of the previous file's last line>" | null}
 *
 * ("chain" is the first file's nonce, carried over on rotation; "seq" is
 * the header's line number, 1 except after lines of a log written before
 * the chain.)
 *
 * Every later line (decisions, dropped-lines notes, checkpoints) keeps its
 * own keys first and ends with the two chain keys:
 *
 *   ..., "seq": <its line number in the file>,
 *        "prev": "<SHA-256, lower-case hex, of the line before it, as
 *                 bytes written including the newline>"}
 *
 * A checkpoint line is written before the next line after every
 * checkpoint_lines lines, and by the idle writer after
 * checkpoint_interval_s seconds with lines since the last one:
 *
 *   {"checkpoint": "<UTC>", "lines": <lines before it>,
 *    "bytes": <bytes before it>, "sha256": "<SHA-256 of those bytes>",
 *    "seq": ..., "prev": ...}
 *
 * Rotation (by size, or when the UTC day differs from the header's) renames
 * the file to PATH.YYYYMMDDTHHMMSSZ (with -N when taken) and starts PATH
 * again, its header naming that file, its line count and its last line's
 * hash. The hashes are computed on the writer thread under an exclusive
 * flock() of the file, from what the file holds, so several threads and
 * several writers (also other processes) sharing one file form one chain.
 * ws_asrun_verify_files() (ws-asrun-verify.h) checks it.
 */

/** The first bytes of a chain header line. */
#define WS_ASRUN_HEADER_PREFIX "{\"asrun_header\":"
/** The format name in the header. */
#define WS_ASRUN_FORMAT "watershed-asrun"
/** The format version in the header. */
#define WS_ASRUN_VERSION 1
/** The length of a hash in hex digits. */
#define WS_ASRUN_HASH_LEN 64
/** The default checkpoint period in lines. */
#define WS_ASRUN_DEFAULT_CHECKPOINT_LINES 1000
/** The default checkpoint period in seconds (idle writer). */
#define WS_ASRUN_DEFAULT_CHECKPOINT_INTERVAL_S 3600

/**
 * WsAsRunOptions:
 * @max_queued: the most lines waiting to be written (0 = the default,
 *   %WS_ASRUN_DEFAULT_QUEUE)
 * @element: (nullable): the name of the element (or channel) writing, for
 *   the header's `opened_by`; copied
 * @rotate_size_bytes: start a new file before a line would make the file
 *   larger than this; 0 = never
 * @rotate_daily: start a new file on the first line of a new UTC day
 * @checkpoint_lines: a checkpoint line after this many lines (0 = the
 *   default, %WS_ASRUN_DEFAULT_CHECKPOINT_LINES)
 * @checkpoint_interval_s: a checkpoint when idle this long with lines
 *   since the last one (0 = the default,
 *   %WS_ASRUN_DEFAULT_CHECKPOINT_INTERVAL_S)
 *
 * How ws_asrun_writer_open_full() writes. All zero is the defaults.
 */
typedef struct {
  guint max_queued;
  const gchar *element;
  guint64 rotate_size_bytes;
  gboolean rotate_daily;
  guint checkpoint_lines;
  guint checkpoint_interval_s;
} WsAsRunOptions;

/**
 * ws_asrun_writer_open:
 * @path: the log file; created (mode 0644) when missing, appended to
 * @max_queued: the most lines waiting to be written (0 = the default,
 *   %WS_ASRUN_DEFAULT_QUEUE)
 * @on_error: (nullable): called on the writer thread for each failure
 * @user_data: for @on_error
 * @cut_bytes: (out) (optional): the length of a torn last line that was
 *   removed (a process died mid-write), 0 when none, -1 when the end of
 *   the file could not be checked
 * @error: a #WS_ERROR_IO error naming @path when it cannot be opened, or
 *   the thread cannot be started
 *
 * Opens @path and starts the writer thread, with the default options
 * (#WsAsRunOptions all zero except @max_queued).
 *
 * Returns: (transfer full): the writer, or %NULL with @error set. Free
 *   with ws_asrun_writer_close().
 */
WsAsRunWriter *ws_asrun_writer_open (const gchar *path, guint max_queued,
    WsAsRunErrorFunc on_error, gpointer user_data, gssize *cut_bytes,
    GError **error);

/**
 * ws_asrun_writer_open_full:
 * @path: the log file; created (mode 0644) when missing, appended to
 * @opts: how to write (rotation, checkpoints, queue); copied
 * @on_error: (nullable): called on the writer thread for each failure
 *   (also a line the chain could not be extended with: the file could not
 *   be locked, read or rotated; errno EINVAL for a pushed line that is not
 *   one JSON object ending with "}\n")
 * @user_data: for @on_error
 * @cut_bytes: (out) (optional): as for ws_asrun_writer_open()
 * @error: as for ws_asrun_writer_open()
 *
 * As ws_asrun_writer_open() with @opts. In a file written before the chain
 * (no header), the chain starts after its lines with a header line of its
 * own (the verifier notes the lines before it as not verified).
 *
 * Returns: (transfer full): the writer, or %NULL with @error set.
 */
WsAsRunWriter *ws_asrun_writer_open_full (const gchar *path,
    const WsAsRunOptions *opts, WsAsRunErrorFunc on_error, gpointer user_data,
    gssize *cut_bytes, GError **error);

/**
 * ws_asrun_writer_push:
 * @w: the writer
 * @line: (transfer full): one JSON object on one line ending with "}\n"
 *   (such as made by ws_asrun_format_line()); the writer appends the chain
 *   keys; taken also when it is dropped
 *
 * Queues @line. Never blocks for I/O: it only takes the queue's lock.
 * Safe to call from several threads.
 *
 * Returns: %TRUE when queued; %FALSE when the queue was full and the line
 *   was dropped (counted, and recorded in the log as described above).
 */
gboolean ws_asrun_writer_push (WsAsRunWriter *w, gchar *line);

/**
 * ws_asrun_writer_sync:
 * @w: the writer
 *
 * Waits until every line pushed before the call is written and the file
 * fsync()'d (for EOS and state changes). A drop count still pending is
 * written first.
 *
 * Returns: %TRUE when all of them were written whole and made durable;
 *   %FALSE when one or more failed since the last sync (each failure was
 *   also passed to the error function).
 */
gboolean ws_asrun_writer_sync (WsAsRunWriter *w);

/**
 * ws_asrun_writer_get_dropped:
 * @w: the writer
 *
 * Returns: the number of lines dropped because the queue was full since
 *   the writer was opened.
 */
guint64 ws_asrun_writer_get_dropped (WsAsRunWriter *w);

/**
 * ws_asrun_writer_close:
 * @w: (nullable) (transfer full): the writer
 *
 * Writes every queued line, fsync()s, stops the thread and closes the
 * file. %NULL is a no-op.
 */
void ws_asrun_writer_close (WsAsRunWriter *w);

G_END_DECLS

#endif /* WS_RATINGS_WS_ASRUN_H */
