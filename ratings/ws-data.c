/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* dladdr() */
#define _GNU_SOURCE
#include "ws-data.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "ws-config.h"
#include "ws-error.h"

/* The file this code was loaded from: the plugin, libwatershed or an
 * executable. dladdr() names a shared object by the absolute path the
 * loader used, but the main program by its argv[0] (relative, or a bare
 * name found on PATH): for those, /proc/self/exe. */
static char *
loaded_object_path (void)
{
  Dl_info info;
  char *real;

  if (dladdr ((const void *) loaded_object_path, &info) == 0 ||
      info.dli_fname == NULL || info.dli_fname[0] != '/')
    return g_file_read_link ("/proc/self/exe", NULL);
  real = realpath (info.dli_fname, NULL);
  if (real != NULL) {
    char *copy = g_strdup (real);

    free (real);
    return copy;
  }
  return g_strdup (info.dli_fname);
}

static gpointer
find_build_root (gpointer unused)
{
  char *self = loaded_object_path ();
  char *root = realpath (WS_BUILD_ROOT, NULL);
  char *found = NULL;

  if (self != NULL && root != NULL) {
    gsize n = strlen (root);

    if (strncmp (self, root, n) == 0 && self[n] == '/')
      found = g_strdup (root);
  }
  free (root);
  g_free (self);
  return found;
}

const char *
ws_data_build_root (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, find_build_root, NULL);
}

GPtrArray *
ws_data_dirs (const char *subdir)
{
  GPtrArray *dirs = g_ptr_array_new_with_free_func (g_free);
  const char *bases[] = { g_getenv ("WATERSHED_DATADIR"),
    ws_data_build_root () != NULL ? WS_SOURCE_DATADIR : NULL, WS_DATADIR };

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
