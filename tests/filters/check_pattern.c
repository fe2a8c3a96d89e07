/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* check tests for regular spatial patterns (filters/ws-pattern, through the
 * flash core filters/ws-flash): stripes drawn in the test at known counts,
 * areas, durations, contrasts and orientations, and pictures that must not
 * count as patterns. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ws-flash.h"
#include "ws-pattern.h"

#define W 960
#define H 540
#define FPS 25
#define FRAME_NS (INT64_C (1000000000) / FPS)

/* A picture as relative linear luminance (0..1 of the 200 cd/m^2 peak) at
 * pixel (x, y) of frame @n. */
typedef double (*LumFunc) (int x, int y, int n, const void *data);

typedef struct {
  int n_pattern, n_other;
  WsFlashIncident pattern; /* the first pattern incident */
  double max_area;         /* largest per-frame pattern area */
  WsFlashVerdict verdict;
} Outcome;

static unsigned
encode (double lin)
{
  double v;
  if (lin <= 0.0)
    return 0;
  if (lin >= 1.0)
    return 255;
  v = lin <= 0.0031308 ? 12.92 * lin : 1.055 * pow (lin, 1.0 / 2.4) - 0.055;
  return (unsigned) floor (v * 255.0 + 0.5);
}

/* Grey I420, full range: the luma code is the sRGB code. */
static void
render (uint8_t *buf, LumFunc f, int n, const void *data)
{
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      buf[(size_t) y * W + x] = (uint8_t) encode (f (x, y, n, data));
}

static void
on_frame (const WsFlashFrameInfo *info, void *user_data)
{
  Outcome *o = user_data;
  if (info->area[WS_FLASH_KIND_PATTERN] > o->max_area)
    o->max_area = info->area[WS_FLASH_KIND_PATTERN];
}

/* Pushes @n_frames frames of @f at 25 fps and collects the incidents. */
static Outcome
run (LumFunc f, const void *data, int n_frames)
{
  size_t ysize = (size_t) W * H, csize = (size_t) (W / 2) * (H / 2);
  uint8_t *buf = malloc (ysize + 2 * csize);
  WsFlash *flash = NULL;
  WsFlashFrame fr;
  const WsFlashIncident *inc;
  size_t n_inc;
  Outcome o;

  memset (&o, 0, sizeof (o));
  ck_assert_ptr_nonnull (buf);
  memset (buf + ysize, 128, 2 * csize);
  ck_assert_int_eq (ws_flash_new (&flash, W, H, WS_FLASH_FORMAT_I420,
                        WS_FLASH_RANGE_FULL, WS_FLASH_MATRIX_BT709, NULL),
      WS_RESULT_OK);
  ws_flash_set_callbacks (flash, on_frame, NULL, &o);
  memset (&fr, 0, sizeof (fr));
  fr.width = W;
  fr.height = H;
  fr.format = WS_FLASH_FORMAT_I420;
  fr.planes[0] = buf;
  fr.planes[1] = buf + ysize;
  fr.planes[2] = buf + ysize + csize;
  fr.strides[0] = W;
  fr.strides[1] = fr.strides[2] = W / 2;
  for (int n = 0; n < n_frames; n++) {
    render (buf, f, n, data);
    fr.pts_ns = n * FRAME_NS;
    ck_assert_int_eq (ws_flash_push_frame (flash, &fr), WS_RESULT_OK);
  }
  ck_assert_int_eq (ws_flash_finish (flash), WS_RESULT_OK);
  ck_assert_int_eq (ws_flash_get_incidents (flash, &inc, &n_inc), WS_RESULT_OK);
  for (size_t i = 0; i < n_inc; i++) {
    if (inc[i].kind == WS_FLASH_KIND_PATTERN) {
      if (o.n_pattern++ == 0)
        o.pattern = inc[i];
    } else {
      o.n_other++;
    }
  }
  ck_assert_int_eq (ws_flash_get_verdict (flash, &o.verdict), WS_RESULT_OK);
  ws_flash_free (flash);
  free (buf);
  return o;
}

/* ---- pictures --------------------------------------------------------- */

/* Stripes across a rectangle on a background, shown for frames [on, off)
 * (off 0 = always). @angle_deg is the direction across the stripes (0:
 * vertical stripes). @reverse_every > 0 swaps light and dark every that
 * many frames. */
typedef struct {
  int x, y, w, h;
  double period;
  double light, dark, background;
  double angle_deg;
  int on, off;
  int reverse_every;
} Stripes;

static double
stripes_lum (int x, int y, int n, const void *data)
{
  const Stripes *s = data;
  double a = s->angle_deg * M_PI / 180.0, u;
  int phase;
  if (n < s->on || (s->off > 0 && n >= s->off) || x < s->x || y < s->y ||
      x >= s->x + s->w || y >= s->y + s->h)
    return s->background;
  u = (x - s->x) * cos (a) + (y - s->y) * sin (a);
  phase = (int) floor (u / (s->period / 2.0)) & 1;
  if (s->reverse_every > 0)
    phase ^= (n / s->reverse_every) & 1;
  return phase == 0 ? s->light : s->dark;
}

static Stripes
full_screen (double period, double angle_deg)
{
  Stripes s = { 0, 0, W, H, period, 0.9, 0.02, 0.0, angle_deg, 0, 0, 0 };
  return s;
}

/* @pairs black and white sectors around the centre */
static double
radial_lum (int x, int y, int n, const void *data)
{
  int pairs = *(const int *) data;
  double a = atan2 (y - H / 2.0 + 0.5, x - W / 2.0 + 0.5) + M_PI;
  (void) n;
  return ((int) floor (a / (M_PI / pairs)) & 1) ? 0.9 : 0.02;
}

/* concentric rings @period pixels apart */
static double
rings_lum (int x, int y, int n, const void *data)
{
  double period = *(const double *) data;
  double r = hypot (x - W / 2.0, y - H / 2.0);
  (void) n;
  return ((int) floor (r / (period / 2.0)) & 1) ? 0.9 : 0.02;
}

static double
gradient_lum (int x, int y, int n, const void *data)
{
  (void) y;
  (void) n;
  (void) data;
  return (double) x / (W - 1);
}

/* deterministic hash noise in 0..1 */
static double
hash01 (uint32_t a, uint32_t b, uint32_t seed)
{
  uint32_t h = a * 0x9e3779b1u ^ (b + 0x7f4a7c15u) * 0x85ebca6bu ^ seed;
  h ^= h >> 15;
  h *= 0x2c1b3c6du;
  h ^= h >> 12;
  h *= 0x297a2d39u;
  h ^= h >> 15;
  return (h & 0xffffff) / (double) 0xffffff;
}

/* "natural" texture: value noise at 3 scales plus pixel grain, full range */
static double
noise_lum (int x, int y, int n, const void *data)
{
  double v = 0.0, wsum = 0.0;
  static const int cells[] = { 64, 16, 4 };
  (void) n;
  (void) data;
  for (int i = 0; i < 3; i++) {
    int c = cells[i];
    int cx = x / c, cy = y / c;
    double fx = (double) (x % c) / c, fy = (double) (y % c) / c;
    double v00 = hash01 (cx, cy, i), v10 = hash01 (cx + 1, cy, i);
    double v01 = hash01 (cx, cy + 1, i), v11 = hash01 (cx + 1, cy + 1, i);
    double top = v00 + (v10 - v00) * fx, bot = v01 + (v11 - v01) * fx;
    double w = 1.0 / (i + 1);
    v += w * (top + (bot - top) * fy);
    wsum += w;
  }
  v = v / wsum + 0.15 * (hash01 (x, y, 99) - 0.5);
  v = (v - 0.5) * 2.5 + 0.5; /* stretched to full contrast */
  return v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v);
}

/* text-like: lines of black "words" of random widths and gaps on white */
static double
text_lum (int x, int y, int n, const void *data)
{
  int line = y / 24, in_line = y % 24;
  int pos = 8;
  (void) n;
  (void) data;
  if (in_line < 6 || in_line >= 18)
    return 0.9;
  for (int k = 0; pos < W; k++) {
    int word = 4 + (int) (hash01 (line, k, 7) * 28);
    int gap = 3 + (int) (hash01 (line, k, 8) * 14);
    if (x >= pos && x < pos + word)
      return 0.02;
    pos += word + gap;
  }
  return 0.9;
}

/* ---- tests ------------------------------------------------------------ */

START_TEST (test_pattern_six_pairs_fail_five_pass)
{
  /* vertical stripes, 96 px period, centred, on black, 1 s */
  Stripes s6 = { 192, 0, 6 * 96, H, 96, 0.9, 0.02, 0.0, 0, 0, 0, 0 };
  Stripes s5 = { 240, 0, 5 * 96, H, 96, 0.9, 0.02, 0.0, 0, 0, 0, 0 };
  Outcome o6 = run (stripes_lum, &s6, 25);
  Outcome o5 = run (stripes_lum, &s5, 25);

  ck_assert_int_eq (o6.n_pattern, 1);
  ck_assert_int_eq (o6.pattern.verdict, WS_FLASH_VERDICT_FAIL);
  ck_assert_int_eq (o6.pattern.pattern_pairs, 6);
  ck_assert_double_eq_tol (o6.pattern.peak_area, 0.6, 0.03);
  ck_assert_int_eq (o6.pattern.start_ns, 0);
  ck_assert_int_eq (o6.pattern.end_ns, 25 * FRAME_NS);
  ck_assert_int_eq (o6.verdict, WS_FLASH_VERDICT_FAIL);
  ck_assert_int_eq (o6.n_other, 0);

  ck_assert_int_eq (o5.n_pattern, 0);
  ck_assert_double_eq_tol (o5.max_area, 0.0, 1e-9);
  ck_assert_int_eq (o5.verdict, WS_FLASH_VERDICT_PASS);
}
END_TEST

START_TEST (test_pattern_area_24_passes_26_fails)
{
  /* 30 pairs of 16 px across half the width, 24 % and 26 % of the screen */
  int h24 = (int) lrint (0.24 * W * H / 480.0);
  int h26 = (int) lrint (0.26 * W * H / 480.0);
  Stripes s24 = { 240, 100, 480, h24, 16, 0.9, 0.02, 0.0, 0, 0, 0, 0 };
  Stripes s26 = { 240, 100, 480, h26, 16, 0.9, 0.02, 0.0, 0, 0, 0, 0 };
  Outcome o24 = run (stripes_lum, &s24, 25);
  Outcome o26 = run (stripes_lum, &s26, 25);

  ck_assert_int_eq (o24.n_pattern, 0);
  ck_assert_double_eq_tol (o24.max_area, 0.24, 0.008);
  ck_assert_int_eq (o26.n_pattern, 1);
  ck_assert_double_eq_tol (o26.pattern.peak_area, 0.26, 0.008);
  ck_assert_int_eq (o26.pattern.pattern_pairs, 30);
}
END_TEST

START_TEST (test_pattern_stationary_04s_passes_06s_fails)
{
  Stripes s = full_screen (40, 0);
  Outcome o04, o06;

  s.off = 10; /* frames 0..9: 0.4 s, then black */
  o04 = run (stripes_lum, &s, 50);
  s.off = 15; /* 0.6 s */
  o06 = run (stripes_lum, &s, 50);

  ck_assert_int_eq (o04.n_pattern, 0);
  ck_assert_double_eq_tol (o04.max_area, 1.0, 0.03);
  ck_assert_int_eq (o06.n_pattern, 1);
  ck_assert_int_eq (o06.pattern.start_ns, 0);
  ck_assert_int_eq (o06.pattern.end_ns, 15 * FRAME_NS);
  ck_assert_double_eq_tol (o06.pattern.peak_flash_rate, 0.0, 1e-9);
  ck_assert_int_eq (o06.pattern.pattern_pairs, 24);
}
END_TEST

START_TEST (test_pattern_low_contrast_passes_high_fails)
{
  /* 70 vs 100 cd/m^2: 30 cd/m^2 apart but Michelson 0.18 */
  Stripes low = full_screen (40, 0);
  Stripes high = full_screen (40, 0);
  Outcome ol, oh;
  low.light = 0.5;
  low.dark = 0.35;
  high.light = 0.5;
  high.dark = 0.1; /* Michelson 0.67 */
  ol = run (stripes_lum, &low, 25);
  oh = run (stripes_lum, &high, 25);
  ck_assert_int_eq (ol.n_pattern, 0);
  ck_assert_double_eq_tol (ol.max_area, 0.0, 1e-9);
  ck_assert_int_eq (oh.n_pattern, 1);
  ck_assert_int_eq (oh.pattern.pattern_pairs, 24);
}
END_TEST

static void
assert_full_screen_pattern (Outcome o, int min_pairs)
{
  ck_assert_int_eq (o.n_pattern, 1);
  ck_assert_int_eq (o.pattern.verdict, WS_FLASH_VERDICT_FAIL);
  ck_assert_int_ge (o.pattern.pattern_pairs, min_pairs);
  ck_assert_double_ge (o.pattern.peak_area, 0.8);
  ck_assert_int_eq (o.pattern.start_ns, 0);
  ck_assert_int_eq (o.n_other, 0);
}

START_TEST (test_pattern_orientations)
{
  Stripes vertical = full_screen (48, 0);
  Stripes horizontal = full_screen (48, 90);
  Stripes diagonal = full_screen (48, 45);
  Stripes oblique = full_screen (48, 120);
  Outcome o;

  o = run (stripes_lum, &vertical, 20);
  assert_full_screen_pattern (o, 20);
  ck_assert_int_eq (o.pattern.pattern_pairs, 20);
  o = run (stripes_lum, &horizontal, 20);
  assert_full_screen_pattern (o, 11);
  ck_assert_int_eq (o.pattern.pattern_pairs, 11);
  o = run (stripes_lum, &diagonal, 20);
  assert_full_screen_pattern (o, 6);
  o = run (stripes_lum, &oblique, 20);
  assert_full_screen_pattern (o, 6);
}
END_TEST

START_TEST (test_pattern_radial_and_rings)
{
  int pairs = 36; /* 5 degree sectors */
  double period = 40;
  Outcome o = run (radial_lum, &pairs, 20);
  ck_assert_int_eq (o.n_pattern, 1);
  ck_assert_int_ge (o.pattern.pattern_pairs, 6);
  ck_assert_double_ge (o.pattern.peak_area, 0.5);
  o = run (rings_lum, &period, 20);
  ck_assert_int_eq (o.n_pattern, 1);
  ck_assert_int_ge (o.pattern.pattern_pairs, 6);
  ck_assert_double_ge (o.pattern.peak_area, 0.5);
}
END_TEST

START_TEST (test_pattern_reversing_fails_at_once)
{
  /* shown 0.4 s (would pass stationary) but reversing every 4 frames */
  Stripes s = full_screen (40, 0);
  Outcome o;
  s.off = 10;
  s.reverse_every = 4;
  o = run (stripes_lum, &s, 50);
  ck_assert_int_eq (o.n_pattern, 1);
  ck_assert_int_eq (o.pattern.start_ns, 0);
  ck_assert_int_eq (o.pattern.end_ns, 10 * FRAME_NS);
  ck_assert_double_eq_tol (o.pattern.peak_flash_rate, 1.0, 1e-9);
}
END_TEST

START_TEST (test_pattern_single_short_appearance_passes)
{
  /* shown once for 0.2 s, not reversing: neither stationary long enough
   * nor flashing */
  Stripes s = full_screen (40, 0);
  Outcome o;
  s.on = 10;
  s.off = 15;
  o = run (stripes_lum, &s, 40);
  ck_assert_int_eq (o.n_pattern, 0);
  ck_assert_double_eq_tol (o.max_area, 1.0, 0.03);
}
END_TEST

/* the stripes of @data on in frames 0..4 and 10..14 */
static double
twice_lum (int x, int y, int n, const void *data)
{
  const Stripes *s = data;
  Stripes c = *s;
  c.on = 0;
  c.off = 0;
  if (!((n >= 0 && n < 5) || (n >= 10 && n < 15)))
    return s->background;
  return stripes_lum (x, y, n, &c);
}

START_TEST (test_pattern_reappearing_fails)
{
  Stripes s = full_screen (40, 0);
  Outcome o = run (twice_lum, &s, 40);
  ck_assert_int_eq (o.n_pattern, 1);
  ck_assert_int_eq (o.pattern.start_ns, 0);
  ck_assert_int_eq (o.pattern.end_ns, 15 * FRAME_NS);
  ck_assert_double_eq_tol (o.pattern.peak_flash_rate, 0.5, 1e-9);
}
END_TEST

START_TEST (test_pattern_natural_pictures_pass)
{
  Outcome o;
  o = run (noise_lum, NULL, 20);
  ck_assert_int_eq (o.n_pattern, 0);
  ck_assert_double_le (o.max_area, 0.1);
  o = run (gradient_lum, NULL, 20);
  ck_assert_int_eq (o.n_pattern, 0);
  ck_assert_double_eq_tol (o.max_area, 0.0, 1e-9);
  o = run (text_lum, NULL, 20);
  ck_assert_int_eq (o.n_pattern, 0);
  /* the left margin, where every line starts, is a (narrow) real pattern */
  ck_assert_double_le (o.max_area, 0.2);
  ck_assert_int_eq (o.verdict, WS_FLASH_VERDICT_PASS);
}
END_TEST

START_TEST (test_pattern_can_be_switched_off)
{
  Stripes s = full_screen (40, 0);
  WsFlashParams p;
  WsFlash *flash = NULL;
  ws_flash_params_init (&p);
  ck_assert_int_eq (p.pattern, 1);
  ck_assert_int_eq (p.pattern_min_pairs, 6);
  ck_assert_double_eq (p.pattern_area_limit, 0.25);
  ck_assert_double_eq (p.pattern_stationary_s, 0.5);
  p.pattern_step = -1;
  ck_assert_int_eq (ws_flash_new (&flash, W, H, WS_FLASH_FORMAT_I420,
                        WS_FLASH_RANGE_FULL, WS_FLASH_MATRIX_BT709, &p),
      WS_RESULT_INVALID_ARGUMENT);
  p.pattern_step = 0;
  p.pattern_min_pairs = 1;
  ck_assert_int_eq (ws_flash_new (&flash, W, H, WS_FLASH_FORMAT_I420,
                        WS_FLASH_RANGE_FULL, WS_FLASH_MATRIX_BT709, &p),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_ptr_null (flash);
  (void) s;
}
END_TEST

/* The contract ws-flash relies on to sample less: samples outside the
 * scanned lines (ws_pattern_reads()) are never read, so garbage there
 * changes nothing, frame by frame. */
START_TEST (test_pattern_reads_only_scanned_lines)
{
  enum { PW = 96, PH = 64 };
  static float clean[PW * PH], dirty[PW * PH];
  WsPattern *a = NULL, *b = NULL;
  int skipped = 0;

  ck_assert_int_eq (ws_pattern_new (&a, PW, PH, NULL), WS_RESULT_OK);
  ck_assert_int_eq (ws_pattern_new (&b, PW, PH, NULL), WS_RESULT_OK);
  for (int n = 0; n < 40; n++) {
    WsPatternResult ra, rb;

    for (int y = 0; y < PH; y++)
      for (int x = 0; x < PW; x++) {
        /* vertical stripes 8 samples apart over the left two thirds,
         * reversing every 10 frames; flat grey elsewhere */
        float v = x < 64 ? ((x / 4 + n / 10) % 2 ? 180.0f : 5.0f) : 90.0f;

        clean[y * PW + x] = v;
        if (ws_pattern_reads (x, y)) {
          dirty[y * PW + x] = v;
        } else {
          dirty[y * PW + x] = (x + y + n) % 3 ? 1e6f : NAN;
          skipped += n == 0;
        }
      }
    ck_assert_int_eq (ws_pattern_push (a, clean, PW, n * FRAME_NS, &ra),
        WS_RESULT_OK);
    ck_assert_int_eq (ws_pattern_push (b, dirty, PW, n * FRAME_NS, &rb),
        WS_RESULT_OK);
    ck_assert_double_eq (ra.area, rb.area);
    ck_assert_int_eq (ra.pairs, rb.pairs);
    ck_assert_int_eq (ra.present, rb.present);
    ck_assert_int_eq (ra.fail, rb.fail);
    ck_assert_int_eq (ra.reversals, rb.reversals);
    ck_assert_int_eq (ra.onset_ns, rb.onset_ns);
    ck_assert_int_eq (ra.stationary_ns, rb.stationary_ns);
    ck_assert_double_eq (ra.risk, rb.risk);
    if (n == 39) {
      /* the stripes were found at all, and reversed */
      ck_assert_int_gt (ra.pairs, 5);
      ck_assert_int_gt (ra.reversals, 0);
    }
  }
  /* more than half of the plane was garbage */
  ck_assert_int_gt (skipped, PW * PH / 2);
  ws_pattern_free (a);
  ws_pattern_free (b);
}
END_TEST

START_TEST (test_pattern_api_errors)
{
  WsPattern *p = NULL;
  WsPatternParams pp;
  float plane[16 * 16];
  WsPatternResult r;

  ck_assert_int_eq (ws_pattern_new (NULL, 16, 16, NULL),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_pattern_new (&p, 7, 16, NULL),
      WS_RESULT_INVALID_ARGUMENT);
  ws_pattern_params_init (&pp);
  pp.min_contrast = 1.0;
  ck_assert_int_eq (ws_pattern_new (&p, 16, 16, &pp),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_ptr_null (p);
  ck_assert_int_eq (ws_pattern_new (&p, 16, 16, NULL), WS_RESULT_OK);
  ck_assert_ptr_null (ws_pattern_get_marks (p));
  for (int i = 0; i < 16 * 16; i++)
    plane[i] = (i % 16) / 2 % 2 ? NAN : 180.0f; /* NaN reads as 0 */
  ck_assert_int_eq (ws_pattern_push (p, plane, 15, 0, &r),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_pattern_push (p, NULL, 16, 0, &r),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_pattern_push (p, plane, 16, 10, &r), WS_RESULT_OK);
  ck_assert_int_eq (ws_pattern_push (p, plane, 16, 10, &r),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_ptr_nonnull (ws_pattern_get_marks (p));
  /* 16 samples hold at most 4 pairs of period 4: no pattern */
  ck_assert_int_eq (r.pairs, 0);
  ck_assert_int_eq (r.present, 0);
  ws_pattern_free (p);
  ws_pattern_free (NULL);
}
END_TEST

static Suite *
pattern_suite (void)
{
  Suite *s = suite_create ("pattern");
  TCase *rule = tcase_create ("rule");
  TCase *shape = tcase_create ("shape");
  TCase *time = tcase_create ("time");
  TCase *negative = tcase_create ("negative");
  TCase *errors = tcase_create ("errors");

  tcase_set_timeout (rule, 120);
  tcase_set_timeout (shape, 120);
  tcase_set_timeout (time, 120);
  tcase_set_timeout (negative, 120);
  tcase_add_test (rule, test_pattern_six_pairs_fail_five_pass);
  tcase_add_test (rule, test_pattern_area_24_passes_26_fails);
  tcase_add_test (rule, test_pattern_low_contrast_passes_high_fails);
  suite_add_tcase (s, rule);
  tcase_add_test (shape, test_pattern_orientations);
  tcase_add_test (shape, test_pattern_reads_only_scanned_lines);
  tcase_add_test (shape, test_pattern_radial_and_rings);
  suite_add_tcase (s, shape);
  tcase_add_test (time, test_pattern_stationary_04s_passes_06s_fails);
  tcase_add_test (time, test_pattern_reversing_fails_at_once);
  tcase_add_test (time, test_pattern_single_short_appearance_passes);
  tcase_add_test (time, test_pattern_reappearing_fails);
  suite_add_tcase (s, time);
  tcase_add_test (negative, test_pattern_natural_pictures_pass);
  suite_add_tcase (s, negative);
  tcase_add_test (errors, test_pattern_can_be_switched_off);
  tcase_add_test (errors, test_pattern_api_errors);
  suite_add_tcase (s, errors);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (pattern_suite ());
  int failed;
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
