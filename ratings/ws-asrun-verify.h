/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: reading as-run logs back: the line parser and the verifier of
 * their hash chain (see ws-asrun.h for the format). */
#ifndef WS_RATINGS_WS_ASRUN_VERIFY_H
#define WS_RATINGS_WS_ASRUN_VERIFY_H

#include <glib.h>

G_BEGIN_DECLS

/* ---- one line ------------------------------------------------------------ */

/**
 * WsAsRunLine:
 *
 * One line of an as-run log parsed: a flat JSON object whose values are
 * strings, numbers, true, false or null (what the writer writes). Nested
 * objects and arrays are refused.
 */
typedef struct WsAsRunLine WsAsRunLine;

/**
 * ws_asrun_line_parse:
 * @text: the line, without its newline; need not be NUL-terminated
 * @len: its length in bytes
 * @error: %WS_ERROR_MALFORMED saying what is wrong and at which byte
 *   (not JSON, not an object, a nested value, a duplicate key, text after
 *   the object, a string that is not UTF-8)
 *
 * Returns: (transfer full): the line, or %NULL with @error set. Free with
 *   ws_asrun_line_free().
 */
WsAsRunLine *ws_asrun_line_parse (const gchar *text, gsize len, GError **error);

/** ws_asrun_line_free: frees @line; %NULL is a no-op. */
void ws_asrun_line_free (WsAsRunLine *line);

/**
 * ws_asrun_line_has:
 * Returns: %TRUE when @line has the member @key (also when it is null).
 */
gboolean ws_asrun_line_has (const WsAsRunLine *line, const gchar *key);

/**
 * ws_asrun_line_get_string:
 * Returns: (transfer none) (nullable): the unescaped string @key, owned by
 *   @line; %NULL when absent, null or not a string.
 */
const gchar *ws_asrun_line_get_string (const WsAsRunLine *line,
    const gchar *key);

/**
 * ws_asrun_line_get_int:
 * @out: (out): the value; untouched when %FALSE is returned
 * Returns: %TRUE when @key is an integer that fits a #gint64.
 */
gboolean ws_asrun_line_get_int (const WsAsRunLine *line, const gchar *key,
    gint64 *out);

/**
 * ws_asrun_line_get_bool:
 * @out: (out): the value; untouched when %FALSE is returned
 * Returns: %TRUE when @key is true or false.
 */
gboolean ws_asrun_line_get_bool (const WsAsRunLine *line, const gchar *key,
    gboolean *out);

/* ---- the chain ------------------------------------------------------------ */

/**
 * WsAsRunVerdict:
 * @whole: %TRUE when every chain link holds (notes may still be set)
 * @file: (nullable): when not whole, the file of the first break, as given
 * @line: when not whole, its line number (1-based)
 * @problem: (nullable): when not whole, one English sentence saying what
 *   was found (edited, removed, reordered, truncated) and where
 * @notes: (element-type utf8): remarks that are not tampering, each naming
 *   its file and line: a torn last line (the writer died mid-line), a
 *   chain that continues from a file not given
 * @files: (element-type utf8): the files in chain order (by their header
 *   links, not their names); those that could not be placed last
 * @n_lines: the complete lines checked, over all files
 * @last_hash: the SHA-256 of the last complete line of the chain (hex),
 *   "" when none: keep it elsewhere to detect a later cut of the end
 *
 * The result of ws_asrun_verify_files(). Free with
 * ws_asrun_verdict_free().
 */
typedef struct {
  gboolean whole;
  gchar *file;
  guint64 line;
  gchar *problem;
  GPtrArray *notes;
  GPtrArray *files;
  guint64 n_lines;
  gchar last_hash[65];
} WsAsRunVerdict;

/** ws_asrun_verdict_free: %NULL is a no-op. */
void ws_asrun_verdict_free (WsAsRunVerdict *v);

/**
 * ws_asrun_verify_files:
 * @paths: (array zero-terminated=1): one or more log files of one chain
 *   (the rotated files and the current one), in any order
 * @error: %WS_ERROR_IO naming the file that cannot be read;
 *   %WS_ERROR_ARGUMENT when @paths is empty
 *
 * Verifies the hash chain of the files as one chain: the files are ordered
 * by their headers' links; in each, every line must carry the hash of the
 * line before it and its line number; a checkpoint must match the bytes
 * before it; each file but the first must start where the file before it
 * ended. A torn last line of the last file (no newline: the writer died
 * mid-line) is a note, not a break; anywhere else it is a cut.
 *
 * What a chain cannot show by itself: lines cut from the end of the last
 * file at a line boundary, or its last line changed (keep @last_hash or a
 * checkpoint's hash elsewhere and give it to
 * ws_asrun_verify_files_anchored()).
 *
 * Returns: (transfer full): the verdict, or %NULL with @error set.
 */
WsAsRunVerdict *ws_asrun_verify_files (const gchar *const *paths,
    GError **error);

/**
 * ws_asrun_verify_files_anchored:
 * @paths: (array zero-terminated=1): as for ws_asrun_verify_files()
 * @anchors: (array zero-terminated=1) (nullable): hashes noted elsewhere
 *   earlier (a verdict's @last_hash, or a checkpoint's `sha256`); each must
 *   still be the hash of a line of the chain, or a checkpoint's
 * @error: as for ws_asrun_verify_files()
 *
 * As ws_asrun_verify_files(), and the chain is broken (at the last line of
 * its last file) when an anchor is no longer in it: what a chain cannot
 * show by itself, lines cut from the end or the last lines changed, is
 * found against a hash kept elsewhere.
 *
 * Returns: (transfer full): the verdict, or %NULL with @error set.
 */
WsAsRunVerdict *ws_asrun_verify_files_anchored (const gchar *const *paths,
    const gchar *const *anchors, GError **error);

/**
 * ws_asrun_verify_memory:
 * @names: (array length=n): the file names (for messages and the header
 *   links)
 * @data: (array length=n): the contents
 * @lens: (array length=n): their lengths
 * @n: the number of files, >= 1
 *
 * As ws_asrun_verify_files() on contents already read.
 *
 * Returns: (transfer full): the verdict. Never %NULL.
 */
WsAsRunVerdict *ws_asrun_verify_memory (const gchar *const *names,
    const gchar *const *data, const gsize *lens, guint n);

G_END_DECLS

#endif /* WS_RATINGS_WS_ASRUN_VERIFY_H */
