/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: where the data files are (systems, policies, samples, ...). */
#ifndef WS_RATINGS_WS_DATA_H
#define WS_RATINGS_WS_DATA_H

#include <glib.h>

G_BEGIN_DECLS

/**
 * ws_data_dirs:
 * @subdir: a data folder: `systems`, `policies`, `samples`, `schemas`.
 *
 * The folders searched for @subdir, in order: $WATERSHED_DATADIR/@subdir
 * (when the variable is set and not empty), the source tree (only when
 * this code runs from the build tree it was compiled in, see
 * ws_data_build_root()), then the installed $datadir/watershed/@subdir;
 * duplicates removed.
 * They need not exist.
 * Returns: (transfer full) (element-type filename): free with
 *   g_ptr_array_unref().
 */
GPtrArray *ws_data_dirs (const char *subdir);

/**
 * ws_data_build_root:
 *
 * Whether the code runs from the meson build tree it was compiled in: the
 * shared object or executable holding this function lies under that build
 * folder. Installed copies (meson install, a package, a DESTDIR staging
 * folder) never do, so they never read the source tree's data or plugins.
 * Returns: (transfer none) (nullable): the build folder (resolved, no
 *   symbolic links), or %NULL when running from anywhere else.
 */
const char *ws_data_build_root (void);

/**
 * ws_data_find_dir:
 * @error: WS_ERROR_IO when none exists; the message lists where it looked
 *   and says to set WATERSHED_DATADIR.
 * Returns: (transfer full) (nullable): the first folder of ws_data_dirs()
 *   that exists. Free with g_free().
 */
char *ws_data_find_dir (const char *subdir, GError **error);

/**
 * ws_data_find_file:
 * @error: WS_ERROR_NOT_FOUND when no folder holds @name; the message lists
 *   where it looked.
 * Returns: (transfer full) (nullable): the first @subdir/@name that is a
 *   regular file. Free with g_free().
 */
char *ws_data_find_file (const char *subdir, const char *name, GError **error);

G_END_DECLS

#endif /* WS_RATINGS_WS_DATA_H */
