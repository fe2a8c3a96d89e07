/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Analysis-grade decoding (issue #18): the check engine (tools/ws-check.h)
 * decodes H.264 and HEVC without the in-loop deblocking filter (and HEVC's
 * SAO) and with libavcodec's fast flag unless told to decode exactly. This
 * holds the two decodes together on every kind of file the flash and
 * pattern tests use (made here by ffmpeg the same way: the black/white
 * flash and testsrc2 files of check_check, the stripes of
 * check_check_pattern, the PQ, HLG and untagged HEVC Main10 files of
 * check_check_hdr) and on heavily compressed "programmes" (camera noise,
 * a cut, a flashing half screen, a fade) in H.264 and HEVC, where the loop
 * filter has the most to do:
 *
 * - the flash verdict, and every incident's kind, verdict, stripe pairs
 *   and extended flag, are identical;
 * - incident start and end agree within one frame;
 * - the flash risk trace (luminance and red, per plotted point; 1.0 is the
 *   limit of the rule) differs by at most RISK_TOLERANCE; the largest
 *   difference is printed.
 *
 * Skipped (77) without ffmpeg. */
#include <check.h>
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ws-check.h"
#include "ws-test-cli.h"
#include "ws-test-decode.h"

/* The largest difference allowed between the risk traces of the two
 * decodes: one step of the rule's transition count, 1 / (2 x max_flashes)
 * = 1/6 of its limit, which is what a transition registered a frame
 * earlier or later in enough cells moves the trace by (measured: 0 on
 * every H.264 test file, 0.06 on the CRF 38 HEVC programme, in its fade to
 * black; tests/bench/bench-decode.sh measures a 10-minute programme). */
#define RISK_TOLERANCE (1.0 / 6.0 + 1e-9)

static char *tmp_dir;

/* One test file: its name in tmp_dir, the video codec the decode mode
 * applies to, and the flash verdict it must get ("pass", "warn", "fail"). */
typedef struct {
  const char *name;
  const char *expect;
} Media;

static const Media media[] = {
  /* check_check: full screen black/white at 5 Hz; testsrc2 */
  { "flash.mp4", "fail" },
  { "testsrc2.mp4", "pass" },
  /* check_check_pattern: 20 pairs of 16 px stripes (fail), 5 pairs of 32
   * px over half the screen (pass); 40 pairs of 8 px at a high CRF */
  { "stripes.mp4", "fail" },
  { "five.mp4", "pass" },
  { "fine-stripes.mp4", "fail" },
  /* check_check_hdr: HEVC Main10 */
  { "pq.mp4", "fail" },
  { "hlg.mp4", "fail" },
  { "pq-bright.mp4", "pass" },
  { "untagged.mp4", "fail" },
  { "untagged-steady.mp4", "warn" },
  /* programmes: noise, a cut, a flashing half screen, a fade */
  { "programme-h264.mp4", "fail" },
  { "programme-hevc.mp4", "fail" },
  { "programme-h264-steady.mp4", "pass" },
};

static double largest_diff;
static const char *largest_diff_file;

static char *
path_of (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

/* 2 s of 320x180 at 25 fps, black, with white stripes (period @period px,
 * across the first @width px) from 0.4 s to 1.4 s, as check_check_pattern
 * makes them (preset ultrafast, CRF 23); with @crf, preset veryfast (the
 * loop filter on) at that CRF. */
static gboolean
make_stripes (const char *name, int period, int width, const char *crf)
{
  char *path = path_of (name);
  char *src = g_strdup_printf ("nullsrc=s=320x180:r=25:d=2,format=gray,"
                               "geq=lum='if(between(T\\,0.4\\,1.4)*lt(X\\,%d)*"
                               "lt(mod(X\\,%d)\\,%d)\\,235\\,16)'",
      width, period, period / 2);
  gboolean ok = WS_TEST_FFMPEG ("-f", "lavfi", "-i", src, "-c:v", "libx264",
      "-preset", crf ? "veryfast" : "ultrafast", "-crf", crf ? crf : "23",
      "-pix_fmt", "yuv420p", path);

  g_free (src);
  g_free (path);
  return ok;
}

/* 3 s of 320x180 HEVC Main10 as check_check_hdr makes them: grey @base
 * with @flash over the whole picture on 2 frames of 4; @trc NULL:
 * untagged. */
static gboolean
make_hevc (const char *name, const char *base, const char *flash,
    const char *trc)
{
  char *path = path_of (name);
  char *src = g_strdup_printf ("color=c=%s:s=320x180:r=25:d=3", base);
  char *vf = g_strdup_printf ("drawbox=x=0:y=0:w=iw:h=ih:color=%s:t=fill:"
                              "enable='lt(mod(n,4),2)'",
      flash);
  char *x265 = trc ? g_strdup_printf ("log-level=error:colorprim=bt2020:"
                                      "transfer=%s:colormatrix=bt2020nc",
                         trc) :
                     g_strdup ("log-level=error");
  GPtrArray *args = g_ptr_array_new ();
  const char *const fixed[] = { "-f", "lavfi", "-i", src, "-vf", vf, "-c:v",
    "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le",
    "-x265-params", x265 };
  gboolean ok;

  for (gsize i = 0; i < G_N_ELEMENTS (fixed); i++)
    g_ptr_array_add (args, (gpointer) fixed[i]);
  if (trc != NULL) {
    /* tagged in the container and the codec parameters as well */
    const char *const tags[] = { "-color_primaries", "bt2020", "-color_trc",
      trc, "-colorspace", "bt2020nc" };

    for (gsize i = 0; i < G_N_ELEMENTS (tags); i++)
      g_ptr_array_add (args, (gpointer) tags[i]);
  }
  g_ptr_array_add (args, path);
  g_ptr_array_add (args, NULL);
  ok = ws_test_tool ("ffmpeg", (const char *const *) args->pdata, NULL);
  g_ptr_array_free (args, TRUE);
  g_free (x265);
  g_free (vf);
  g_free (src);
  g_free (path);
  return ok;
}

/* 6 s of 640x360: testsrc2 under camera noise; a cut at 2 s to a noisy
 * grey picture whose left half flashes white at 5 Hz until 4 s (fails when
 * @flashing); a fade to black over the last 1.5 s; @codec at CRF 38 (so
 * the loop filter has a lot to smooth; preset veryfast, since x264's
 * ultrafast, which the other test files use, turns the loop filter off). */
static gboolean
make_programme (const char *name, const char *codec, gboolean flashing)
{
  char *path = path_of (name);
  char *graph =
      g_strdup_printf ("testsrc2=s=640x360:r=25:d=2[a];"
                       "color=c=0x707070:s=640x360:r=25:d=4,"
                       "drawbox=x=0:y=0:w=iw/2:h=ih:color=white:t=fill:"
                       "enable='%s*lt(t\\,2)*lt(mod(n\\,5)\\,2)'[b];"
                       "[a][b]concat=n=2:v=1,noise=alls=24:allf=t,format="
                       "yuv420p,"
                       "fade=t=out:st=4.5:d=1.5",
          flashing ? "1" : "0");
  gboolean ok = WS_TEST_FFMPEG ("-f", "lavfi", "-i", graph, "-c:v", codec,
      "-preset", "ultrafast", "-crf", "38", "-pix_fmt", "yuv420p",
      "-x265-params", "log-level=error", path);

  g_free (graph);
  g_free (path);
  return ok;
}

static gboolean
make_media (void)
{
  char *flash = path_of ("flash.mp4"), *testsrc2 = path_of ("testsrc2.mp4");
  gboolean ok =
      /* check_check's fail/flash.mp4 and good.mp4 (video) */
      WS_TEST_FFMPEG ("-f", "lavfi", "-i",
          "color=black:size=160x90:rate=25:duration=4", "-vf",
          "drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:"
          "enable='lt(mod(n,5),2)'",
          "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
          flash) &&
      WS_TEST_FFMPEG ("-f", "lavfi", "-i",
          "testsrc2=size=160x90:rate=25:duration=4", "-c:v", "libx264",
          "-preset", "ultrafast", "-pix_fmt", "yuv420p", testsrc2) &&
      make_stripes ("stripes.mp4", 16, 320, NULL) &&
      make_stripes ("five.mp4", 32, 160, NULL) &&
      make_stripes ("fine-stripes.mp4", 8, 320, "38") &&
      make_hevc ("pq.mp4", "0x666666", "0x808080", "smpte2084") &&
      make_hevc ("hlg.mp4", "0x666666", "0x808080", "arib-std-b67") &&
      make_hevc ("pq-bright.mp4", "0x9E9E9E", "0xBFBFBF", "smpte2084") &&
      make_hevc ("untagged.mp4", "0x9E9E9E", "0xBFBFBF", NULL) &&
      make_hevc ("untagged-steady.mp4", "0x404040", "0x404040", NULL) &&
      make_programme ("programme-h264.mp4", "libx264", TRUE) &&
      make_programme ("programme-hevc.mp4", "libx265", TRUE) &&
      make_programme ("programme-h264-steady.mp4", "libx264", FALSE);

  g_free (flash);
  g_free (testsrc2);
  return ok;
}

static WsCheckFile *
check (const char *name, gboolean exact)
{
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  char *path = path_of (name);
  WsCheckOptions opts;
  WsCheckFile *f;

  ck_assert_ptr_nonnull (reg);
  ws_check_options_init (&opts, reg);
  opts.exact_decode = exact;
  f = ws_check_file (path, &opts, NULL, NULL);
  g_free (path);
  ck_assert_msg (f->status != WS_CHECK_ERROR, "%s: %s", name,
      f->error ? f->error : "");
  return f;
}

/* The same flash verdict, incidents and (within RISK_TOLERANCE) risk
 * trace from both decodes of media[_i]. */
START_TEST (test_decode_modes_agree)
{
  const Media *m = &media[_i];
  WsCheckFile *a = check (m->name, FALSE), *e = check (m->name, TRUE);
  double frame_s = a->frame_rate > 0 ? 1.0 / a->frame_rate : 0.04;
  WsTestDecodeDiff d;

  ck_assert_str_eq (a->decode_mode, "analysis");
  ck_assert_str_eq (e->decode_mode, "exact");
  ck_assert_int_eq (e->video_frames, a->video_frames);
  ck_assert_str_eq (ws_check_status_to_string (e->flash_status), m->expect);
  ws_test_decode_compare (a, e, &d);
  ck_assert_msg (d.different == NULL, "%s: %s", m->name, d.different);
  ck_assert_uint_gt (d.points, 0);
  ck_assert_double_le (d.max_edge_s, frame_s + 1e-6);
  printf ("%-26s %-5s %s, %u incident(s), %u risk points: largest risk "
          "difference %.4f (at %.2f s)\n",
      m->name, a->video_codec, m->expect, a->flash_incidents->len, d.points,
      d.max_risk_diff, d.max_risk_t_s);
  if (d.max_risk_diff >= largest_diff) {
    largest_diff = d.max_risk_diff;
    largest_diff_file = m->name;
  }
  ck_assert_msg (d.max_risk_diff <= RISK_TOLERANCE,
      "%s: the risk traces differ by %.4f (tolerance %.3f)", m->name,
      d.max_risk_diff, RISK_TOLERANCE);
  ws_check_file_free (a);
  ws_check_file_free (e);
}
END_TEST

/* Other codecs are decoded exactly either way, and say so. */
START_TEST (test_decode_mode_other_codecs_exact)
{
  char *path = path_of ("mpeg4.avi");
  WsCheckFile *f;

  ck_assert (WS_TEST_FFMPEG ("-f", "lavfi", "-i",
      "testsrc2=size=160x90:rate=25:duration=1", "-c:v", "mpeg4", path));
  f = check ("mpeg4.avi", FALSE);
  ck_assert_str_eq (f->decode_mode, "exact");
  ws_check_file_free (f);
  g_free (path);
}
END_TEST

static Suite *
decode_suite (void)
{
  Suite *s = suite_create ("check-decode");
  TCase *tc = tcase_create ("modes");

  tcase_set_timeout (tc, 300);
  tcase_add_loop_test (tc, test_decode_modes_agree, 0, G_N_ELEMENTS (media));
  tcase_add_test (tc, test_decode_mode_other_codecs_exact);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  const char *tools[] = { "ffmpeg", NULL };
  int status;

  /* one process: the largest difference over every file is printed */
  setenv ("CK_FORK", "no", 1);
  status = ws_test_media_main (tools, "ws-decode-XXXXXX", &tmp_dir, make_media,
      decode_suite);
  if (largest_diff_file != NULL)
    printf ("largest risk-trace difference, analysis-grade vs exact decode: "
            "%.4f (%s; tolerance %.3f)\n",
        largest_diff, largest_diff_file, RISK_TOLERANCE);
  return status;
}
