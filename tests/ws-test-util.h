/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: small helpers shared by the check tests (header-only). */
#ifndef WS_TESTS_WS_TEST_UTIL_H
#define WS_TESTS_WS_TEST_UTIL_H

#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

/**
 * ws_test_corpus_present:
 * Returns: TRUE when $WS_CORPUS_DIR exists. FALSE when it does not, with a
 *   note on stderr - unless WS_REQUIRE_CORPUS=1 (CI), where a missing corpus
 *   exits 1 so it can never pass silently. Call it from main(), outside the
 *   forked test cases.
 */
static inline gboolean
ws_test_corpus_present (void)
{
  const char *dir = g_getenv ("WS_CORPUS_DIR");

  if (dir != NULL && g_file_test (dir, G_FILE_TEST_IS_DIR))
    return TRUE;
  if (g_strcmp0 (g_getenv ("WS_REQUIRE_CORPUS"), "1") == 0) {
    fprintf (stderr,
        "corpus directory \"%s\" is missing and "
        "WS_REQUIRE_CORPUS=1\n",
        dir ? dir : "(unset)");
    exit (1);
  }
  fprintf (stderr,
      "corpus directory \"%s\" is missing: its tests are "
      "skipped\n",
      dir ? dir : "(unset)");
  return FALSE;
}

/**
 * ws_test_corpus_dir:
 * Returns: (transfer none): $WS_CORPUS_DIR when it exists. When it does
 *   not, exits 77 (skipped) - or fails with exit 1 when WS_REQUIRE_CORPUS=1
 *   (CI), so a missing corpus can never pass silently.
 */
static inline const char *
ws_test_corpus_dir (void)
{
  if (!ws_test_corpus_present ())
    exit (77);
  return g_getenv ("WS_CORPUS_DIR");
}

/** $WS_TEST_FILES/<relative>; g_free() the result. */
static inline char *
ws_test_file (const char *relative)
{
  const char *dir = g_getenv ("WS_TEST_FILES");

  return g_build_filename (dir ? dir : "tests/files", relative, NULL);
}

/**
 * ws_test_wait_lines:
 * @path: a file written by another thread (the as-run log's writer)
 * @n: the number of complete lines to wait for
 *
 * Waits until @path holds at least @n newline-terminated lines (not
 * counting the as-run hash chain's header and checkpoint lines) and ends
 * with a newline, for at most 30 s (a bound against hangs, not a timing
 * assertion: the wait usually ends within a millisecond).
 *
 * Returns: the number of complete lines found (less than @n on timeout).
 */
static inline guint
ws_test_wait_lines (const char *path, guint n)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  guint found = 0;

  for (;;) {
    gchar *text = NULL;
    gsize len = 0;

    found = 0;
    if (g_file_get_contents (path, &text, &len, NULL)) {
      /* records only: not the hash chain's header and checkpoints
       * (ws-asrun.h) */
      for (gsize start = 0, i = 0; i < len; i++) {
        if (text[i] != '\n')
          continue;
        if (strncmp (text + start, "{\"asrun_header\":", 16) != 0 &&
            strncmp (text + start, "{\"checkpoint\":", 14) != 0)
          found++;
        start = i + 1;
      }
      if (len > 0 && text[len - 1] != '\n')
        found = 0; /* a line half written: look again */
    }
    g_free (text);
    if (found >= n || g_get_monotonic_time () > deadline)
      return found;
    g_usleep (1000);
  }
}

/**
 * ws_test_temp_path:
 * @name: a file name
 *
 * Returns: (transfer full): @name in a new private temporary folder (the
 *   file is not created); remove both with ws_test_remove_temp(). Aborts
 *   when no folder can be made.
 */
static inline gchar *
ws_test_temp_path (const char *name)
{
  gchar *dir = g_dir_make_tmp ("watershed-XXXXXX", NULL);
  gchar *path;

  if (dir == NULL)
    g_error ("cannot make a temporary folder");
  path = g_build_filename (dir, name, NULL);
  g_free (dir);
  return path;
}

/**
 * ws_test_remove_temp:
 * @path: (transfer full): from ws_test_temp_path()
 *
 * Removes the file and its folder, and frees @path.
 */
static inline void
ws_test_remove_temp (gchar *path)
{
  gchar *dir = g_path_get_dirname (path);

  g_remove (path);
  g_rmdir (dir);
  g_free (dir);
  g_free (path);
}

#endif /* WS_TESTS_WS_TEST_UTIL_H */
