/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed check on a farm: which shard a file belongs to, the shard of
 * this task (from the command line or a Slurm array / Kubernetes Indexed
 * Job environment), and the digests that let `watershed report merge`
 * and --resume tell runs apart. Plain GLib: no printing, no exiting. */
#ifndef WS_TOOLS_WS_FARM_H
#define WS_TOOLS_WS_FARM_H

#include <glib.h>

G_BEGIN_DECLS

/** The most shards a batch may be cut into. */
#define WS_FARM_MAX_SHARDS 100000

/**
 * ws_farm_parse_shard:
 * @spec: "K/N" (0 <= K < N, decimal) or "auto".
 * @shard_count: --shard-count, or 0 when not given.
 * @envp: (nullable): the environment to read for "auto" (g_get_environ()
 *   form); NULL = the process environment.
 * @index: (out): K.
 * @count: (out): N.
 *
 * "auto" reads a Slurm array task (SLURM_ARRAY_TASK_ID, and
 * SLURM_ARRAY_TASK_COUNT or else SLURM_ARRAY_TASK_MIN/_MAX; K is the task
 * id minus SLURM_ARRAY_TASK_MIN when that is set), else a Kubernetes
 * Indexed Job (JOB_COMPLETION_INDEX, with N from @shard_count). A Slurm
 * array with a step (`--array=0-6:2`) is refused: its ids do not number
 * the shards. @shard_count, when given, must agree with Slurm's count.
 * Returns: FALSE with @error (G_OPTION_ERROR_BAD_VALUE) saying what is
 *   wrong and what to give instead; @index and @count untouched then.
 */
gboolean ws_farm_parse_shard (const char *spec, guint shard_count, char **envp,
    guint *index, guint *count, GError **error);

/**
 * ws_farm_shard_of:
 * @relative_path: a file's path relative to the command-line argument it
 *   was found under (its name, for a file named on the command line).
 * @count: the number of shards (1 or more).
 *
 * The shard @relative_path belongs to: the first 8 bytes of its SHA-256,
 * read big-endian, modulo @count. Depends on nothing but the path's bytes,
 * so every node agrees, and adding or removing a file moves no other file.
 */
guint ws_farm_shard_of (const char *relative_path, guint count);

/**
 * ws_farm_list_digest:
 * @relative_paths: (element-type filename): every file of the batch, in
 *   check order.
 * Returns: (transfer full): "sha256:" and the hex SHA-256 of the paths,
 *   each followed by a NUL byte.
 */
char *ws_farm_list_digest (const GPtrArray *relative_paths);

/**
 * ws_farm_fingerprint:
 * @version: watershed's version.
 * @options: (array zero-terminated=1): "name=value" for every option that
 *   changes a result, in a fixed order.
 * Returns: (transfer full): "sha256:" and the hex SHA-256 of the version
 *   and options, each followed by a NUL byte.
 */
char *ws_farm_fingerprint (const char *version, const char *const *options);

/**
 * ws_farm_file_sha256:
 * @path: a file.
 * Returns: (transfer full) (nullable): the hex SHA-256 of its content;
 *   NULL with @error (G_FILE_ERROR) when it cannot be read.
 */
char *ws_farm_file_sha256 (const char *path, GError **error);

G_END_DECLS

#endif /* WS_TOOLS_WS_FARM_H */
