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
 * (when the variable is set and not empty), the source tree (uninstalled
 * runs), then the installed $datadir/watershed/@subdir; duplicates removed.
 * They need not exist.
 * Returns: (transfer full) (element-type filename): free with
 *   g_ptr_array_unref().
 */
GPtrArray *ws_data_dirs (const char *subdir);

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
