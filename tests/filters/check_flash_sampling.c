/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* check tests for the flash core's sampling (filters/ws-flash.c, section 1):
 * 1080p content analysed three ways, reading every pixel (sample_step 1,
 * the reference), every 2nd and by resolution (sample_step 0: every 4th at
 * 1080p, what flashdetect and `watershed check` use by default), must give
 * the same verdicts, the same flagged area within 0.03 and a luminance
 * risk trace within RISK_TOLERANCE of reading every pixel. The content
 * includes what a regular sampling grid cannot see: flashing 1-pixel
 * columns, one field of an interlaced picture, and 2-on-2-off stripes in
 * both directions (period 4, the step itself). */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws-flash.h"

#define W 1920
#define H 1080
#define FPS 25
#define N_FRAMES 50 /* 2 s */
#define N_WAYS 3
/* the largest difference of the per-frame luminance risk from reading
 * every pixel (1.0 is the limit; one transition more or less in the
 * flagged cells moves it by 1/6) */
#define RISK_TOLERANCE 0.34
#define AREA_TOLERANCE 0.03

static const int steps[N_WAYS] = { 1, 2, 0 };

typedef enum {
  SC_AREA_22, /* a white rectangle of 22 % of the screen flashing on black */
  SC_AREA_28, /* ... of 28 % */
  SC_RED,     /* the left half flashing saturated red */
  SC_COLUMNS, /* 40 %: every odd pixel column flashing white */
  SC_FIELD,   /* 40 %: every odd row (one field) flashing white */
  SC_STRIPES, /* 40 %: vertical stripes 2 on, 2 off, flashing */
  SC_BARS,    /* 40 %: horizontal bars 2 on, 2 off, flashing */
  SC_NOISE,   /* camera noise on grey, 30 % flashing to white */
  SC_SLOW,    /* the whole screen flashing twice a second: passes */
  N_SCENES
} Scene;

static const char *const scene_names[N_SCENES] = { "area-22", "area-28", "red",
  "columns", "field", "stripes", "bars", "noise", "slow" };

static const WsFlashVerdict expected[N_SCENES] = { WS_FLASH_VERDICT_WARN,
  WS_FLASH_VERDICT_FAIL, WS_FLASH_VERDICT_FAIL, WS_FLASH_VERDICT_FAIL,
  WS_FLASH_VERDICT_FAIL, WS_FLASH_VERDICT_FAIL, WS_FLASH_VERDICT_FAIL,
  WS_FLASH_VERDICT_FAIL, WS_FLASH_VERDICT_PASS };

typedef struct {
  uint8_t *buf;
  size_t stride[3];
  uint8_t *plane[3];
} Picture;

typedef struct {
  double risk[N_FRAMES];
  int n;
} Trace;

static void
on_frame (const WsFlashFrameInfo *info, void *user)
{
  Trace *t = user;
  double r = info->risk[WS_FLASH_KIND_LUMINANCE];
  if (info->risk[WS_FLASH_KIND_RED] > r)
    r = info->risk[WS_FLASH_KIND_RED];
  if (t->n < N_FRAMES)
    t->risk[t->n++] = r;
}

/* Deterministic noise in -10..10 codes. */
static uint32_t noise_state;

static int
noise (void)
{
  noise_state = noise_state * 1664525u + 1013904223u;
  return (int) ((noise_state >> 16) % 21) - 10;
}

/* A rectangle of @share of the screen, off the sampling lattice (odd
 * offsets). */
static void
rect (double share, int *x0, int *y0, int *x1, int *y1)
{
  double side = sqrt (share);
  int w = (int) lrint (W * side), h = (int) lrint (H * side);
  *x0 = (W - w) / 2 + 3;
  *y0 = (H - h) / 2 + 1;
  *x1 = *x0 + w;
  *y1 = *y0 + h;
}

/* Limited-range BT.709 I420: white 235, black 16, grey 126, red (1, 0, 0)
 * Y' 63 Cb 102 Cr 240. */
static void
render (Scene sc, int frame, Picture *p)
{
  int on = frame >= 5 && frame < 45 && (frame / 3) % 2 == 1;
  double share = sc == SC_AREA_22 ? 0.22 :
                 sc == SC_AREA_28 ? 0.28 :
                 sc == SC_NOISE   ? 0.30 :
                                    0.40;
  int x0, y0, x1, y1;

  if (sc == SC_SLOW)
    on = (frame / 6) % 2 == 1 && frame < 25; /* 2 flashes/s, then steady */
  if (sc == SC_RED) {
    x0 = 0;
    y0 = 0;
    x1 = W / 2 + 7;
    y1 = H;
  } else if (sc == SC_SLOW) {
    x0 = y0 = 0;
    x1 = W;
    y1 = H;
  } else {
    rect (share, &x0, &y0, &x1, &y1);
  }
  for (int y = 0; y < H; y++) {
    uint8_t *row = p->plane[0] + (size_t) y * p->stride[0];
    for (int x = 0; x < W; x++) {
      int in = x >= x0 && x < x1 && y >= y0 && y < y1;
      int v = sc == SC_NOISE ? 126 : 16;
      if (in && on) {
        switch (sc) {
          case SC_COLUMNS:
            v = x % 2 ? 235 : 16;
            break;
          case SC_FIELD:
            v = y % 2 ? 235 : 16;
            break;
          case SC_STRIPES:
            v = (x / 2) % 2 ? 235 : 16;
            break;
          case SC_BARS:
            v = (y / 2) % 2 ? 235 : 16;
            break;
          case SC_RED:
            v = 63;
            break;
          default:
            v = 235;
        }
      }
      if (sc == SC_NOISE)
        v += noise ();
      row[x] = (uint8_t) (v < 1 ? 1 : v > 254 ? 254 : v);
    }
  }
  for (int c = 1; c < 3; c++) {
    for (int y = 0; y < H / 2; y++) {
      uint8_t *row = p->plane[c] + (size_t) y * p->stride[c];
      for (int x = 0; x < W / 2; x++) {
        int in = 2 * x >= x0 && 2 * x < x1 && 2 * y >= y0 && 2 * y < y1;
        row[x] = sc == SC_RED && in && on ? (c == 1 ? 102 : 240) : 128;
      }
    }
  }
}

typedef struct {
  WsFlashVerdict verdict;
  double area[3]; /* largest peak area of the fail or warn incidents */
  Trace trace;
  int step;
} Result;

static void
run_scene (Scene sc, Result out[N_WAYS])
{
  WsFlash *f[N_WAYS];
  Picture p;
  size_t y_size = (size_t) (W + 32) * H;
  size_t c_size = (size_t) (W / 2 + 16) * (H / 2);

  p.buf = malloc (y_size + 2 * c_size);
  ck_assert_ptr_nonnull (p.buf);
  p.stride[0] = W + 32;
  p.stride[1] = p.stride[2] = W / 2 + 16;
  p.plane[0] = p.buf;
  p.plane[1] = p.buf + y_size;
  p.plane[2] = p.buf + y_size + c_size;
  memset (out, 0, N_WAYS * sizeof (Result));
  for (int i = 0; i < N_WAYS; i++) {
    WsFlashParams params;
    ws_flash_params_init (&params);
    params.sample_step = steps[i];
    params.pattern = 0; /* the pattern plane has its own sampling */
    ck_assert_int_eq (ws_flash_new (&f[i], W, H, WS_FLASH_FORMAT_I420,
                          WS_FLASH_RANGE_LIMITED, WS_FLASH_MATRIX_BT709,
                          &params),
        WS_RESULT_OK);
    ck_assert_int_eq (ws_flash_get_sample_step (f[i], &out[i].step),
        WS_RESULT_OK);
    ws_flash_set_callbacks (f[i], on_frame, NULL, &out[i].trace);
  }
  /* by resolution: every 4th pixel of every 4th row at 1080p */
  ck_assert_int_eq (out[2].step, 4);
  noise_state = 12345u;
  for (int n = 0; n < N_FRAMES; n++) {
    WsFlashFrame fr;
    render (sc, n, &p);
    memset (&fr, 0, sizeof (fr));
    fr.width = W;
    fr.height = H;
    fr.format = WS_FLASH_FORMAT_I420;
    fr.pts_ns = (int64_t) n * INT64_C (1000000000) / FPS;
    for (int c = 0; c < 3; c++) {
      fr.planes[c] = p.plane[c];
      fr.strides[c] = p.stride[c];
    }
    for (int i = 0; i < N_WAYS; i++)
      ck_assert_int_eq (ws_flash_push_frame (f[i], &fr), WS_RESULT_OK);
  }
  for (int i = 0; i < N_WAYS; i++) {
    const WsFlashIncident *inc;
    size_t n_inc;
    ck_assert_int_eq (ws_flash_finish (f[i]), WS_RESULT_OK);
    ck_assert_int_eq (ws_flash_get_verdict (f[i], &out[i].verdict),
        WS_RESULT_OK);
    ck_assert_int_eq (ws_flash_get_incidents (f[i], &inc, &n_inc),
        WS_RESULT_OK);
    for (size_t k = 0; k < n_inc; k++)
      if (inc[k].peak_area > out[i].area[inc[k].kind])
        out[i].area[inc[k].kind] = inc[k].peak_area;
    ck_assert_int_eq (out[i].trace.n, N_FRAMES);
    ws_flash_free (f[i]);
  }
  free (p.buf);
}

START_TEST (test_flash_sampling_matches_every_pixel)
{
  Scene sc = (Scene) _i;
  Result r[N_WAYS];

  run_scene (sc, r);
  ck_assert_msg (r[0].verdict == expected[sc],
      "%s: every pixel gives %s, the content is made to %s", scene_names[sc],
      ws_flash_verdict_to_string (r[0].verdict),
      ws_flash_verdict_to_string (expected[sc]));
  for (int i = 1; i < N_WAYS; i++) {
    double worst = 0.0;
    int at = 0;
    for (int n = 0; n < N_FRAMES; n++) {
      double d = fabs (r[i].trace.risk[n] - r[0].trace.risk[n]);
      if (d > worst) {
        worst = d;
        at = n;
      }
    }
    /* the number the tolerance is judged on, in the test log */
    printf ("%-8s step %d: verdict %s (every pixel: %s), largest risk "
            "difference %.4f at frame %d, luminance area %.4f (%.4f), red "
            "area %.4f (%.4f)\n",
        scene_names[sc], r[i].step, ws_flash_verdict_to_string (r[i].verdict),
        ws_flash_verdict_to_string (r[0].verdict), worst, at,
        r[i].area[WS_FLASH_KIND_LUMINANCE], r[0].area[WS_FLASH_KIND_LUMINANCE],
        r[i].area[WS_FLASH_KIND_RED], r[0].area[WS_FLASH_KIND_RED]);
    ck_assert_msg (r[i].verdict == r[0].verdict,
        "%s: step %d gives %s, every pixel %s", scene_names[sc], r[i].step,
        ws_flash_verdict_to_string (r[i].verdict),
        ws_flash_verdict_to_string (r[0].verdict));
    ck_assert_msg (worst <= RISK_TOLERANCE,
        "%s: step %d: risk %.4f at frame %d, every pixel %.4f", scene_names[sc],
        r[i].step, r[i].trace.risk[at], at, r[0].trace.risk[at]);
    for (int k = WS_FLASH_KIND_LUMINANCE; k <= WS_FLASH_KIND_RED; k++)
      ck_assert_msg (fabs (r[i].area[k] - r[0].area[k]) <= AREA_TOLERANCE,
          "%s: step %d: %s area %.4f, every pixel %.4f", scene_names[sc],
          r[i].step, ws_flash_kind_to_string ((WsFlashKind) k), r[i].area[k],
          r[0].area[k]);
  }
  fflush (stdout);
}
END_TEST

START_TEST (test_flash_sampling_by_resolution)
{
  static const struct {
    int width, height, step;
  } sizes[] = { { 320, 180, 2 }, { 1280, 720, 2 }, { 1440, 1080, 3 },
    { 1920, 1080, 4 }, { 3840, 2160, 8 }, { 7680, 4320, 16 },
    { 15360, 8640, 16 } };

  for (size_t i = 0; i < sizeof (sizes) / sizeof (sizes[0]); i++) {
    WsFlash *f;
    WsFlashParams params;
    int step = -1;
    ws_flash_params_init (&params);
    params.pattern = 0;
    ck_assert_int_eq (ws_flash_new (&f, sizes[i].width, sizes[i].height,
                          WS_FLASH_FORMAT_I420, WS_FLASH_RANGE_LIMITED,
                          WS_FLASH_MATRIX_BT709, &params),
        WS_RESULT_OK);
    ck_assert_int_eq (ws_flash_get_sample_step (f, &step), WS_RESULT_OK);
    ck_assert_int_eq (step, sizes[i].step);
    ws_flash_free (f);
  }
  ck_assert_int_eq (ws_flash_get_sample_step (NULL, NULL),
      WS_RESULT_INVALID_ARGUMENT);
}
END_TEST

static Suite *
flash_sampling_suite (void)
{
  Suite *s = suite_create ("flash-sampling");
  TCase *tc = tcase_create ("sampling");
  tcase_set_timeout (tc, 300);
  tcase_add_loop_test (tc, test_flash_sampling_matches_every_pixel, 0,
      N_SCENES);
  tcase_add_test (tc, test_flash_sampling_by_resolution);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (flash_sampling_suite ());
  int failed;
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
