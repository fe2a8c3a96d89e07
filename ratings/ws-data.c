/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "ws-data.h"

#include <string.h>

#include "ws-config.h"
#include "ws-error.h"

GPtrArray *
ws_data_dirs (const char *subdir)
{
  GPtrArray *dirs = g_ptr_array_new_with_free_func (g_free);
  const char *bases[] = { g_getenv ("WATERSHED_DATADIR"), WS_SOURCE_DATADIR,
    WS_DATADIR };

  g_return_val_if_fail (subdir != NULL, dirs);

  for (gsize i = 0; i < G_N_ELEMENTS (bases); i++) {
    char *d;
    gboolean dup = FALSE;

    if (bases[i] == NULL || *bases[i] == '\0')
      continue;
    d = g_build_filename (bases[i], subdir, NULL);
    for (guint j = 0; j < dirs->len; j++)
      dup |= strcmp (g_ptr_array_index (dirs, j), d) == 0;
    if (dup)
      g_free (d);
    else
      g_ptr_array_add (dirs, d);
  }
  return dirs;
}

static char *
joined (GPtrArray *paths)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < paths->len; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "",
        (const char *) g_ptr_array_index (paths, i));
  return g_string_free (s, FALSE);
}

char *
ws_data_find_dir (const char *subdir, GError **error)
{
  GPtrArray *dirs = ws_data_dirs (subdir);
  char *found = NULL;

  for (guint i = 0; i < dirs->len && found == NULL; i++) {
    if (g_file_test (g_ptr_array_index (dirs, i), G_FILE_TEST_IS_DIR))
      found = g_strdup (g_ptr_array_index (dirs, i));
  }
  if (found == NULL) {
    char *looked = joined (dirs);

    g_set_error (error, WS_ERROR, WS_ERROR_IO,
        "no %s folder found (looked "
        "in %s); set WATERSHED_DATADIR to the folder that holds %s/",
        subdir, looked, subdir);
    g_free (looked);
  }
  g_ptr_array_unref (dirs);
  return found;
}

char *
ws_data_find_file (const char *subdir, const char *name, GError **error)
{
  GPtrArray *dirs = ws_data_dirs (subdir);
  GPtrArray *tried = g_ptr_array_new_with_free_func (g_free);
  char *found = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < dirs->len && found == NULL; i++) {
    char *path = g_build_filename (g_ptr_array_index (dirs, i), name, NULL);

    if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
      found = path;
    else
      g_ptr_array_add (tried, path);
  }
  if (found == NULL) {
    char *looked = joined (tried);

    g_set_error (error, WS_ERROR, WS_ERROR_NOT_FOUND,
        "%s not found (looked "
        "for %s); set WATERSHED_DATADIR to the folder that holds %s/",
        name, looked, subdir);
    g_free (looked);
  }
  g_ptr_array_unref (tried);
  g_ptr_array_unref (dirs);
  return found;
}
