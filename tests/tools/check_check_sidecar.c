/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `watershed check`: a sidecar NAME.xml that exists but is not a file
 * watershed can read (a directory, /dev/zero, a FIFO) makes the media file
 * an error, as docs/check.md says; it is never skipped (issue 11, row 10).
 * The media is made by ffmpeg in a temporary folder. */
#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ws-test-cli.h"

static char *tmp_dir;
static gboolean have_media;

static void
make_media (void)
{
  char *mp4 = g_build_filename (tmp_dir, "prog.mp4", NULL);
  const char *args[] = { "-hide_banner", "-loglevel", "error", "-f", "lavfi",
    "-i", "testsrc2=size=64x36:rate=10:duration=1", "-f", "lavfi", "-i",
    "sine=frequency=1000:sample_rate=48000:duration=1", "-c:v", "mpeg4", "-c:a",
    "aac", "-shortest", "-y", mp4, NULL };
  char *ffmpeg = g_find_program_in_path ("ffmpeg");

  if (ffmpeg == NULL) {
    fprintf (stderr, "ffmpeg is missing: the sidecar tests are skipped\n");
  } else {
    WsTestRun r = ws_test_run (ffmpeg, args);

    have_media = r.status == 0;
    if (!have_media)
      fprintf (stderr, "ffmpeg failed: %s\n", r.err);
    ws_test_run_clear (&r);
  }
  g_free (ffmpeg);
  g_free (mp4);
}

/* Runs `watershed check --json` on prog.mp4 with @sidecar_kind in place of
 * prog.xml and returns the file's status and error. */
static void
check_with (const char *kind, char **status, char **error)
{
  char *mp4 = g_build_filename (tmp_dir, "prog.mp4", NULL);
  char *xml = g_build_filename (tmp_dir, "prog.xml", NULL);
  JsonParser *parser = json_parser_new ();
  JsonObject *f;
  WsTestRun r;

  if (strcmp (kind, "directory") == 0)
    ck_assert_int_eq (g_mkdir (xml, 0700), 0);
  else if (strcmp (kind, "fifo") == 0)
    ck_assert_int_eq (mkfifo (xml, 0600), 0);
  else if (strcmp (kind, "dev-zero") == 0)
    ck_assert_int_eq (symlink ("/dev/zero", xml), 0);
  r = WS_TEST_RUN ("check", "--json", mp4);
  /* 2: an input error, whatever else the file has */
  ck_assert_msg (r.status == 2, "exit %d\n%s\n%s", r.status, r.out, r.err);
  f = json_array_get_object_element (
      json_object_get_array_member (ws_test_parse_object (parser, r.out),
          "files"),
      0);
  *status = g_strdup (json_object_get_string_member (f, "status"));
  *error = g_strdup (json_object_get_string_member (f, "error"));
  ws_test_run_clear (&r);
  g_object_unref (parser);
  if (strcmp (kind, "directory") == 0)
    g_rmdir (xml);
  else
    g_unlink (xml);
  g_free (mp4);
  g_free (xml);
}

START_TEST (test_check_unreadable_sidecar_is_error)
{
  static const struct {
    const char *kind, *want;
  } cases[] = {
    { "directory", "is a directory, not a regular file" },
    { "fifo", "is a FIFO (named pipe), not a regular file" },
    { "dev-zero", "is a character device, not a regular file" },
  };

  if (!have_media)
    return;
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    char *status = NULL, *error = NULL;

    check_with (cases[i].kind, &status, &error);
    ck_assert_str_eq (status, "error");
    ck_assert_msg (error != NULL && strstr (error, "sidecar metadata") &&
                       strstr (error, "prog.xml") &&
                       strstr (error, cases[i].want),
        "%s: %s", cases[i].kind, error);
    g_free (status);
    g_free (error);
  }
}
END_TEST

static void
setup (void)
{
  tmp_dir = g_dir_make_tmp ("ws-check-sidecar-XXXXXX", NULL);
  ck_assert (tmp_dir != NULL);
  make_media ();
}

static void
teardown (void)
{
  char *mp4 = g_build_filename (tmp_dir, "prog.mp4", NULL);

  g_unlink (mp4);
  g_rmdir (tmp_dir);
  g_free (mp4);
  g_clear_pointer (&tmp_dir, g_free);
}

int
main (void)
{
  Suite *s = suite_create ("check-sidecar");
  TCase *tc = tcase_create ("errors");
  SRunner *sr;
  int failed;

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_check_unreadable_sidecar_is_error);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
