/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for ratings/ws-data.c: finding the data folders. */
#include <check.h>
#include <glib.h>
#include <string.h>

#include "ws-data.h"
#include "ws-error.h"

START_TEST (test_data_dirs_order)
{
  GPtrArray *dirs;
  char *expect;

  g_setenv ("WATERSHED_DATADIR", "/nonexistent/ws-data", TRUE);
  dirs = ws_data_dirs ("policies");
  ck_assert_uint_ge (dirs->len, 2);
  ck_assert_str_eq (g_ptr_array_index (dirs, 0),
      "/nonexistent/ws-data/policies");
  g_ptr_array_unref (dirs);

  /* The environment folder does not exist: the next one is used. */
  expect = ws_data_find_dir ("systems", NULL);
  ck_assert_ptr_nonnull (expect);
  ck_assert (g_str_has_suffix (expect, "systems"));
  ck_assert (g_file_test (expect, G_FILE_TEST_IS_DIR));
  g_free (expect);

  /* Empty means unset: the same folders as with no variable, and none
   * built from the empty string ("systems", relative to the working
   * folder). */
  {
    GPtrArray *unset;

    g_unsetenv ("WATERSHED_DATADIR");
    unset = ws_data_dirs ("systems");
    g_setenv ("WATERSHED_DATADIR", "", TRUE);
    dirs = ws_data_dirs ("systems");
    ck_assert_uint_ge (unset->len, 1);
    ck_assert_uint_eq (dirs->len, unset->len);
    for (guint i = 0; i < dirs->len; i++) {
      ck_assert_str_eq (g_ptr_array_index (dirs, i),
          g_ptr_array_index (unset, i));
      ck_assert (g_path_is_absolute (g_ptr_array_index (dirs, i)));
    }
    g_ptr_array_unref (unset);
    g_ptr_array_unref (dirs);
  }
}
END_TEST

START_TEST (test_data_find_file)
{
  GError *error = NULL;
  char *path = ws_data_find_file ("samples", "demo-bbfc15.xml", &error);

  ck_assert_msg (path != NULL, "%s", error ? error->message : "");
  ck_assert (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_free (path);

  ck_assert_ptr_null (ws_data_find_file ("samples", "no-such.xml", &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_NOT_FOUND));
  ck_assert (strstr (error->message, "no-such.xml") != NULL);
  ck_assert (strstr (error->message, "WATERSHED_DATADIR") != NULL);
  g_clear_error (&error);

  ck_assert_ptr_null (ws_data_find_dir ("no-such-folder", &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_IO));
  ck_assert (strstr (error->message, "no-such-folder") != NULL);
  g_clear_error (&error);
}
END_TEST

static Suite *
data_suite (void)
{
  Suite *s = suite_create ("ws-data");
  TCase *tc = tcase_create ("core");

  tcase_add_test (tc, test_data_dirs_order);
  tcase_add_test (tc, test_data_find_file);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (data_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
