/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `watershed check` on HDR: HEVC Main10 files made here by ffmpeg with
 * libx265, tagged BT.2100 PQ or HLG (BT.2020 primaries and matrix), and the
 * same content untagged. The verdict rests on the transfer function the
 * stream states, which the report names; untagged 10-bit video is a
 * warning. */
#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ws-test-cli.h"

static char *tmp_dir;
static gboolean have_ffmpeg;
static gboolean have_media;

/* TRUE when the test has nothing to run on (no ffmpeg, noted on stderr);
 * fails it when ffmpeg is there but could not make the media. */
static gboolean
skip (void)
{
  ck_assert_msg (!have_ffmpeg || have_media,
      "ffmpeg with libx265 could not make the HDR test media");
  return !have_ffmpeg;
}

/* 3 s of 320x180 at 25 fps: grey @base, with @flash drawn over the whole
 * picture on 2 frames of every 4 (6.25 flashes per second). */
static gboolean
make_hevc (const char *name, const char *base, const char *flash,
    const char *trc)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  char *src = g_strdup_printf ("color=c=%s:s=320x180:r=25:d=3", base);
  char *vf = g_strdup_printf ("drawbox=x=0:y=0:w=iw:h=ih:color=%s:t=fill:"
                              "enable='lt(mod(n,4),2)'",
      flash);
  char *x265 = trc != NULL ?
                   g_strdup_printf ("log-level=error:hdr-opt=1:repeat-headers="
                                    "1:colorprim=bt2020:transfer=%s:"
                                    "colormatrix=bt2020nc",
                       trc) :
                   g_strdup ("log-level=error");
  gboolean ok;

  if (trc != NULL)
    ok = WS_TEST_FFMPEG ("-f", "lavfi", "-i", src, "-vf", vf, "-c:v", "libx265",
        "-preset", "ultrafast", "-pix_fmt", "yuv420p10le", "-color_primaries",
        "bt2020", "-color_trc", trc, "-colorspace", "bt2020nc", "-x265-params",
        x265, path);
  else
    ok = WS_TEST_FFMPEG ("-f", "lavfi", "-i", src, "-vf", vf, "-c:v", "libx265",
        "-preset", "ultrafast", "-pix_fmt", "yuv420p10le", "-x265-params", x265,
        path);
  g_free (x265);
  g_free (vf);
  g_free (src);
  g_free (path);
  return ok;
}

/* Signals 0.40 (0x66) and 0.50 (0x80): 33 <-> 92 cd/m^2 in PQ, fails.
 * Signals 0.62 (0x9E) and 0.75 (0xBF): about 300 <-> 980 cd/m^2 in PQ
 * (the darker state far above 160 cd/m^2: passes) but 68 <-> 105 cd/m^2 on
 * the 200 cd/m^2 SDR display (fails). */
static void
make_media (void)
{
  char *ffmpeg = g_find_program_in_path ("ffmpeg");

  if (ffmpeg == NULL) {
    fprintf (stderr, "ffmpeg is missing: the HDR check tests are skipped\n");
    return;
  }
  g_free (ffmpeg);
  have_ffmpeg = TRUE;
  have_media = make_hevc ("pq.mp4", "0x666666", "0x808080", "smpte2084") &&
               make_hevc ("hlg.mp4", "0x666666", "0x808080", "arib-std-b67") &&
               make_hevc ("pq-bright.mp4", "0x9E9E9E", "0xBFBFBF",
                   "smpte2084") &&
               make_hevc ("untagged.mp4", "0x9E9E9E", "0xBFBFBF", NULL) &&
               make_hevc ("untagged-steady.mp4", "0x404040", "0x404040", NULL);
}

/* Runs `watershed check --json FILE [extra]` and returns the file's entry
 * (owned by @parser); *@status gets the exit status. */
static JsonObject *
check_json (JsonParser *parser, const char *name, const char *extra,
    const char *extra_value, int *status)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  JsonObject *root;
  JsonArray *files;
  WsTestRun r;

  if (extra != NULL)
    r = WS_TEST_RUN ("check", "--json", "--no-progress", extra, extra_value,
        path);
  else
    r = WS_TEST_RUN ("check", "--json", "--no-progress", path);
  *status = r.status;
  root = ws_test_parse_object (parser, r.out);
  files = json_object_get_array_member (root, "files");
  ck_assert_uint_eq (json_array_get_length (files), 1);
  ws_test_run_clear (&r);
  g_free (path);
  return json_array_get_object_element (files, 0);
}

static gboolean
warnings_mention (JsonObject *file, const char *text)
{
  JsonArray *w = json_object_get_array_member (file, "warnings");

  for (guint i = 0; i < json_array_get_length (w); i++)
    if (strstr (json_array_get_string_element (w, i), text) != NULL)
      return TRUE;
  return FALSE;
}

START_TEST (test_check_hdr_pq_reported)
{
  JsonParser *parser = json_parser_new ();
  JsonObject *file, *flash, *inc;
  int status;

  if (skip ())
    return;
  file = check_json (parser, "pq.mp4", NULL, NULL, &status);
  flash = json_object_get_object_member (file, "flash");
  ck_assert_str_eq (json_object_get_string_member (flash, "verdict"), "fail");
  ck_assert_str_eq (json_object_get_string_member (flash, "transfer"), "pq");
  ck_assert (json_object_get_boolean_member (flash, "transfer_tagged"));
  ck_assert_str_eq (json_object_get_string_member (flash, "primaries"),
      "bt2020");
  ck_assert_int_eq (json_object_get_int_member (flash, "bit_depth"), 10);
  ck_assert (json_object_get_null_member (flash, "hlg_peak_cd_m2"));
  ck_assert_str_eq (json_object_get_string_member (flash, "standard"),
      "ITU-R BT.1702-3");
  ck_assert_str_eq (json_object_get_string_member (flash, "codec"), "hevc");
  ck_assert_uint_ge (json_array_get_length (
                         json_object_get_array_member (flash, "incidents")),
      1);
  inc = json_array_get_object_element (json_object_get_array_member (flash,
                                           "incidents"),
      0);
  ck_assert_str_eq (json_object_get_string_member (inc, "kind"), "luminance");
  ck_assert_double_ge (json_object_get_double_member (inc, "peak_flash_rate"),
      6.0);
  ck_assert (strstr (json_object_get_string_member (flash, "message"),
                 "(pq, bt2020, 10-bit)") != NULL);
  ck_assert (!warnings_mention (file, "transfer function"));
  ck_assert_int_eq (status, 1);
  g_object_unref (parser);
}
END_TEST

START_TEST (test_check_hdr_hlg_reported_with_peak)
{
  JsonParser *parser = json_parser_new ();
  JsonObject *file, *flash;
  int status;

  if (skip ())
    return;
  file = check_json (parser, "hlg.mp4", NULL, NULL, &status);
  flash = json_object_get_object_member (file, "flash");
  ck_assert_str_eq (json_object_get_string_member (flash, "verdict"), "fail");
  ck_assert_str_eq (json_object_get_string_member (flash, "transfer"), "hlg");
  ck_assert_double_eq_tol (json_object_get_double_member (flash,
                               "hlg_peak_cd_m2"),
      1000.0, 1e-9);
  ck_assert (strstr (json_object_get_string_member (flash, "message"),
                 "(hlg on a 1000 cd/m2 display, bt2020, 10-bit)") != NULL);

  file = check_json (parser, "hlg.mp4", "--hlg-peak", "2000", &status);
  flash = json_object_get_object_member (file, "flash");
  ck_assert_str_eq (json_object_get_string_member (flash, "transfer"), "hlg");
  ck_assert_double_eq_tol (json_object_get_double_member (flash,
                               "hlg_peak_cd_m2"),
      2000.0, 1e-9);
  ck_assert_str_eq (json_object_get_string_member (flash, "verdict"), "fail");
  g_object_unref (parser);
}
END_TEST

/* The same pictures, tagged PQ, pass (bright states), untagged (judged as
 * SDR) fail, with the warning that the transfer was assumed. */
START_TEST (test_check_hdr_transfer_decides)
{
  JsonParser *parser = json_parser_new ();
  JsonObject *file, *flash;
  int status;

  if (skip ())
    return;
  file = check_json (parser, "pq-bright.mp4", NULL, NULL, &status);
  flash = json_object_get_object_member (file, "flash");
  ck_assert_str_eq (json_object_get_string_member (flash, "transfer"), "pq");
  ck_assert_str_eq (json_object_get_string_member (flash, "verdict"), "pass");
  ck_assert_uint_eq (json_array_get_length (
                         json_object_get_array_member (flash, "incidents")),
      0);

  file = check_json (parser, "untagged.mp4", NULL, NULL, &status);
  flash = json_object_get_object_member (file, "flash");
  ck_assert_str_eq (json_object_get_string_member (flash, "transfer"),
      "sdr-srgb");
  ck_assert (!json_object_get_boolean_member (flash, "transfer_tagged"));
  ck_assert_str_eq (json_object_get_string_member (flash, "primaries"),
      "bt709");
  ck_assert_str_eq (json_object_get_string_member (flash, "verdict"), "fail");
  ck_assert (warnings_mention (file,
      "10-bit video does not say its transfer function"));
  ck_assert (strstr (json_object_get_string_member (flash, "message"),
                 "transfer not tagged: assumed") != NULL);
  ck_assert_int_eq (status, 1);
  g_object_unref (parser);
}
END_TEST

/* Untagged 10-bit video with nothing flashing: the flash check is "warn",
 * never a silent pass, and the text report says why. */
START_TEST (test_check_hdr_untagged_steady_warns)
{
  JsonParser *parser = json_parser_new ();
  JsonObject *file, *flash;
  char *path = g_build_filename (tmp_dir, "untagged-steady.mp4", NULL);
  int status;
  WsTestRun r;

  if (skip ()) {
    g_free (path);
    g_object_unref (parser);
    return;
  }
  file = check_json (parser, "untagged-steady.mp4", NULL, NULL, &status);
  flash = json_object_get_object_member (file, "flash");
  ck_assert_str_eq (json_object_get_string_member (flash, "verdict"), "warn");
  ck_assert (warnings_mention (file, "assumed SDR"));

  r = WS_TEST_RUN ("check", "--no-progress", path);
  ck_assert (strstr (r.out, "warn flash: no flashing") != NULL);
  ck_assert (strstr (r.out, "transfer not tagged: assumed") != NULL);
  ws_test_run_clear (&r);
  g_free (path);
  g_object_unref (parser);
}
END_TEST

START_TEST (test_check_hdr_bad_hlg_peak)
{
  const char *bad[] = { "50", "20000", "nan" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    WsTestRun r = WS_TEST_RUN ("check", "--hlg-peak", bad[i], "x.mp4");

    ck_assert_int_eq (r.status, 2);
    ck_assert (strstr (r.err, "--hlg-peak") != NULL);
    ws_test_run_clear (&r);
  }
}
END_TEST

static Suite *
check_hdr_suite (void)
{
  Suite *s = suite_create ("check-hdr");
  TCase *tc = tcase_create ("hdr");

  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_check_hdr_pq_reported);
  tcase_add_test (tc, test_check_hdr_hlg_reported_with_peak);
  tcase_add_test (tc, test_check_hdr_transfer_decides);
  tcase_add_test (tc, test_check_hdr_untagged_steady_warns);
  tcase_add_test (tc, test_check_hdr_bad_hlg_peak);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr;
  int failed;

  tmp_dir = g_dir_make_tmp ("ws-check-hdr-XXXXXX", NULL);
  if (tmp_dir == NULL)
    return 1;
  make_media ();
  sr = srunner_create (check_hdr_suite ());
  srunner_set_fork_status (sr, CK_NOFORK);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  ws_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return failed == 0 ? 0 : 1;
}
