/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Where the `watershed` command finds its data (ws_data_build_root()): the
 * source tree only while it runs from its build folder; a copy anywhere
 * else (an install, a package, a staging folder) never reads the source
 * tree, whatever its working folder. */
#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ws-config.h"
#include "ws-test-cli.h"

static char **
env_without_datadir (void)
{
  return g_environ_unsetenv (g_get_environ (), "WATERSHED_DATADIR");
}

START_TEST (test_build_tree_reads_source_data)
{
  char **env = env_without_datadir ();
  WsTestRun r = ws_test_run_env (g_getenv ("WS_WATERSHED"),
      (const char *const[]){ "rate", "convert", "bbfc:15", "--to", "fsk",
          NULL },
      env);

  ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
  ck_assert_msg (strstr (r.out, "fsk:16") != NULL, "%s", r.out);
  ws_test_run_clear (&r);
  g_strfreev (env);
}
END_TEST

START_TEST (test_copy_outside_build_tree_never_reads_source)
{
  char *dir = g_dir_make_tmp ("ws-data-paths-XXXXXX", NULL);
  char *copy = g_build_filename (dir, "watershed", NULL);
  char *data = NULL;
  gsize len = 0;
  char **env = env_without_datadir ();
  const char *source_data = WS_SOURCE_DATADIR;
  gboolean installed_data;
  WsTestRun r;

  ck_assert (dir != NULL);
  ck_assert (
      g_file_get_contents (g_getenv ("WS_WATERSHED"), &data, &len, NULL));
  ck_assert (g_file_set_contents (copy, data, len, NULL));
  ck_assert_int_eq (g_chmod (copy, 0755), 0);
  r = ws_test_run_env (copy, (const char *const[]){ "rate", "list", NULL },
      env);
  installed_data = g_file_test (WS_DATADIR "/systems", G_FILE_TEST_IS_DIR);
  if (installed_data) {
    /* watershed is installed on this machine: the copy reads that. */
    ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
  } else {
    ck_assert_msg (r.status == 2, "exit %d: %s%s", r.status, r.out, r.err);
    ck_assert_msg (strstr (r.err, WS_DATADIR "/systems") != NULL,
        "the error does not name the installed folder: %s", r.err);
    ck_assert_msg (strstr (r.err, source_data) == NULL,
        "a copy outside the build tree looked in the source tree: %s", r.err);
  }
  ck_assert_msg (strstr (r.err, source_data) == NULL, "%s", r.err);
  ws_test_run_clear (&r);
  g_strfreev (env);
  g_free (data);
  ws_test_remove_tree (dir);
  g_free (copy);
  g_free (dir);
}
END_TEST

static Suite *
data_paths_suite (void)
{
  Suite *s = suite_create ("data_paths");
  TCase *tc = tcase_create ("core");

  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_build_tree_reads_source_data);
  tcase_add_test (tc, test_copy_outside_build_tree_never_reads_source);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (data_paths_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
