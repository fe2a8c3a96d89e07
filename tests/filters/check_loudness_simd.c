/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the vectorised loudness kernels against the scalar ones, and
 * the loudness core against libebur128, on the same input.
 *
 * - the K-weighting kernel (filters/ws-loudness-dsp.h), every path this CPU
 *   runs against the scalar one: frame energies within 1e-9 relative, on
 *   noise, full scale, denormal floats, silence, 1 to 8 channels and every
 *   block length from 1 to 256;
 * - whole states, WS_LOUDNESS_FLAG_SCALAR against the default: integrated
 *   loudness and loudness range within 0.01 LU, momentary and short-term
 *   energies every 100 ms within 1e-9 relative, true and sample peaks
 *   within 0.01 dB, in odd call sizes, mono, stereo and 5.1;
 * - the core against libebur128 1.2.6 fed the same samples (its exact
 *   mode, every block kept): integrated within 0.01 LU and loudness range
 *   within 0.02 LU (the core's 0.01 LU bins), momentary and short-term
 *   within 0.001 LU. */
#include <check.h>
#include <ebur128.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws-loudness-dsp.h"
#include "ws-loudness.h"

#define REL_ENERGY 1e-9

/* ---- input -------------------------------------------------------------- */

typedef enum {
  KIND_NOISE,      /* uniform noise under a moving envelope */
  KIND_FULL_SCALE, /* +-1.0 square waves of different periods */
  KIND_DENORMAL,   /* float denormals, then silence, then noise */
  KIND_SILENCE,
} Kind;

static uint32_t
lcg (uint32_t *s)
{
  *s = *s * 1664525u + 1013904223u;
  return *s;
}

static float
uniform (uint32_t *s)
{
  return (float) ((double) (lcg (s) >> 8) / 8388608.0 - 1.0);
}

/* @frames interleaved frames of @channels channels (malloc'ed). */
static float *
make_signal (Kind kind, unsigned int channels, unsigned int rate, size_t frames,
    uint32_t seed)
{
  float *x = malloc (frames * channels * sizeof (float));
  size_t i;
  unsigned int c;

  ck_assert_ptr_nonnull (x);
  for (i = 0; i < frames; i++) {
    /* the envelope moves over 20 dB every few seconds */
    double env = 0.05 + 0.45 * (0.5 + 0.5 * sin ((double) i / rate * 1.3));

    for (c = 0; c < channels; c++) {
      float *v = &x[i * channels + c];

      switch (kind) {
        case KIND_NOISE:
          *v = (float) (env * uniform (&seed));
          break;
        case KIND_FULL_SCALE:
          *v = ((i / (7 + 3 * c)) % 2) ? 1.0f : -1.0f;
          break;
        case KIND_DENORMAL:
          if (i < frames / 3)
            *v = FLT_MIN * 1e-3f * (float) ((lcg (&seed) >> 16) % 7);
          else if (i < 2 * frames / 3)
            *v = 0.0f;
          else
            *v = 0.3f * uniform (&seed);
          break;
        case KIND_SILENCE:
          *v = 0.0f;
          break;
      }
    }
  }
  return x;
}

/* ---- the kernel --------------------------------------------------------- */

static void
assert_energies_close (const double *a, const double *b, size_t n,
    const char *what)
{
  size_t i;

  for (i = 0; i < n; i++) {
    double scale = fmax (fabs (a[i]), fabs (b[i]));

    ck_assert_msg (fabs (a[i] - b[i]) <= REL_ENERGY * scale,
        "%s: frame %zu: %.17g vs %.17g", what, i, a[i], b[i]);
  }
}

/* Runs @path and the scalar path over the same planar blocks of every
 * length from 1 to 256 and compares every frame energy. */
static void
compare_kernel (WsDspPath path, Kind kind, unsigned int channels)
{
  const unsigned int rate = 48000;
  const size_t total = 256 * 257 / 2; /* blocks of 1, 2, ... 256 frames */
  float *inter = make_signal (kind, channels, rate, total, 7 + channels);
  float *planar = malloc (total * channels * sizeof (float));
  WsKWeightState sa[8], sb[8];
  double weight[8], ea[256], eb[256], sum_a = 0.0, sum_b = 0.0;
  WsKWeight k;
  size_t i, pos = 0, len;
  unsigned int c;
  char what[96];

  ck_assert_ptr_nonnull (planar);
  ck_assert_uint_le (channels, 8);
  for (i = 0; i < total; i++)
    for (c = 0; c < channels; c++)
      planar[c * total + i] = inter[i * channels + c];
  memset (sa, 0, sizeof sa);
  memset (sb, 0, sizeof sb);
  for (c = 0; c < channels; c++)
    weight[c] = c % 3 == 2 ? 1.41 : 1.0;
  ws_kweight_design (&k, rate);
  snprintf (what, sizeof what, "%s, kind %d, %u channels",
      ws_dsp_path_to_string (path), (int) kind, channels);

  for (len = 1; len <= 256; len++) {
    const float *x[8];

    for (c = 0; c < channels; c++)
      x[c] = planar + c * total + pos;
    ws_kweight_run (&k, WS_DSP_SCALAR, x, sa, weight, channels, ea, len);
    ws_kweight_run (&k, path, x, sb, weight, channels, eb, len);
    assert_energies_close (ea, eb, len, what);
    sum_a += ws_dsp_sum (WS_DSP_SCALAR, ea, len);
    sum_b += ws_dsp_sum (path, eb, len);
    pos += len;
  }
  ck_assert_uint_eq (pos, total);
  ck_assert_msg (fabs (sum_a - sum_b) <= REL_ENERGY * fmax (sum_a, sum_b),
      "%s: sums %.17g vs %.17g", what, sum_a, sum_b);
  /* the states agree too, and stay finite */
  for (c = 0; c < channels; c++)
    for (i = 0; i < 4; i++) {
      ck_assert (isfinite (sa[c][i]));
      ck_assert_msg (fabs (sa[c][i] - sb[c][i]) <=
                         REL_ENERGY * fmax (fabs (sa[c][i]), 1e-300),
          "%s: state %u/%zu", what, c, i);
    }
  if (kind == KIND_SILENCE)
    ck_assert (sum_a == 0.0 && sum_b == 0.0);
  else
    ck_assert_msg (sum_a > 0.0, "%s: no energy", what);
  free (inter);
  free (planar);
}

START_TEST (test_kweight_paths_agree)
{
  const Kind kinds[] = { KIND_NOISE, KIND_FULL_SCALE, KIND_DENORMAL,
    KIND_SILENCE };
  WsDspPath best = ws_dsp_best_path ();
  size_t i;
  unsigned int channels;

  printf ("check_loudness_simd: this CPU's path: %s\n",
      ws_dsp_path_to_string (best));
  for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    for (channels = 1; channels <= 8; channels++) {
      compare_kernel (WS_DSP_VECTOR, kinds[i], channels);
      if (best == WS_DSP_AVX2)
        compare_kernel (WS_DSP_AVX2, kinds[i], channels);
    }
}
END_TEST

/* A zero-length or over-long call leaves the energies zero and the state
 * alone. */
START_TEST (test_kweight_bad_lengths)
{
  WsKWeight k;
  WsKWeightState st = { 1.0, 2.0, 3.0, 4.0 };
  const float x[1] = { 0.5f };
  const float *xp[1] = { x };
  double w = 1.0, e[1] = { 42.0 };

  ws_kweight_design (&k, 44100);
  ws_kweight_run (&k, WS_DSP_VECTOR, xp, &st, &w, 1, e, 0);
  ck_assert (e[0] == 42.0);
  ck_assert (st[0] == 1.0 && st[3] == 4.0);
  ck_assert (ws_dsp_sum (WS_DSP_VECTOR, e, 0) == 0.0);
}
END_TEST

/* ---- whole states ------------------------------------------------------- */

typedef struct {
  double integrated, range, max_m, max_s, tp, sp;
  double *momentary; /* energies every 100 ms */
  double *shortterm;
  size_t n_points;
} Readings;

static double
lufs_to_energy (double lufs)
{
  return isinf (lufs) ? 0.0 : pow (10.0, (lufs + 0.691) / 10.0);
}

/* Feeds @x in call sizes cycling through odd lengths, reading momentary and
 * short-term loudness every 100 ms of input. */
static void
measure (const float *x, size_t frames, unsigned int channels,
    unsigned int rate, WsLoudnessLayout layout, unsigned int flags, Readings *r)
{
  static const size_t sizes[] = { 1, 7, 255, 257, 1001, 4800, 3 };
  WsLoudness *l = NULL;
  size_t pos = 0, s = 0, tick = rate / 10, next = tick;
  double v;

  memset (r, 0, sizeof *r);
  r->momentary = calloc (frames / tick + 1, sizeof (double));
  r->shortterm = calloc (frames / tick + 1, sizeof (double));
  ck_assert_ptr_nonnull (r->momentary);
  ck_assert_ptr_nonnull (r->shortterm);
  ck_assert_int_eq (ws_loudness_new (&l, channels, rate, layout, NULL,
                        flags | WS_LOUDNESS_FLAG_TRUE_PEAK),
      WS_RESULT_OK);
  while (pos < frames) {
    size_t n = sizes[s++ % (sizeof sizes / sizeof sizes[0])];

    if (n > next - pos)
      n = next - pos;
    if (n > frames - pos)
      n = frames - pos;
    ck_assert_int_eq (ws_loudness_add_frames_f32 (l, x + pos * channels, n),
        WS_RESULT_OK);
    pos += n;
    if (pos == next) {
      if (ws_loudness_get_momentary (l, &v) == WS_RESULT_OK)
        r->momentary[r->n_points] = lufs_to_energy (v);
      if (ws_loudness_get_shortterm (l, &v) == WS_RESULT_OK)
        r->shortterm[r->n_points] = lufs_to_energy (v);
      r->n_points++;
      next += tick;
    }
  }
  r->integrated = NAN;
  ws_loudness_get_integrated (l, &r->integrated);
  ck_assert_int_eq (ws_loudness_get_range (l, &r->range), WS_RESULT_OK);
  r->max_m = r->max_s = NAN;
  ws_loudness_get_max_momentary (l, &r->max_m);
  ws_loudness_get_max_shortterm (l, &r->max_s);
  ck_assert_int_eq (ws_loudness_get_true_peak (l, WS_LOUDNESS_ALL_CHANNELS,
                        &r->tp),
      WS_RESULT_OK);
  ck_assert_int_eq (ws_loudness_get_sample_peak (l, WS_LOUDNESS_ALL_CHANNELS,
                        &r->sp),
      WS_RESULT_OK);
  ws_loudness_free (l);
}

static void
readings_clear (Readings *r)
{
  free (r->momentary);
  free (r->shortterm);
}

/* Equal within @tol, or both NAN, or both the same infinity. */
static int
same (double a, double b, double tol)
{
  if (isnan (a) || isnan (b))
    return isnan (a) && isnan (b);
  if (isinf (a) || isinf (b))
    return a == b;
  return fabs (a - b) <= tol;
}

static void
compare_states (Kind kind, unsigned int channels, WsLoudnessLayout layout)
{
  const unsigned int rate = 48000;
  const size_t frames = (size_t) rate * 7 + 123;
  float *x = make_signal (kind, channels, rate, frames, 99);
  Readings a, b;
  size_t i;

  measure (x, frames, channels, rate, layout, WS_LOUDNESS_FLAG_SCALAR, &a);
  measure (x, frames, channels, rate, layout, 0, &b);
  ck_assert_msg (same (a.integrated, b.integrated, 0.01),
      "kind %d, %u ch: integrated %.4f vs %.4f", (int) kind, channels,
      a.integrated, b.integrated);
  ck_assert (same (a.range, b.range, 0.01));
  ck_assert (same (a.max_m, b.max_m, 0.01));
  ck_assert (same (a.max_s, b.max_s, 0.01));
  ck_assert (same (a.tp, b.tp, 0.01));
  ck_assert (same (a.sp, b.sp, 0.01));
  ck_assert_uint_eq (a.n_points, b.n_points);
  for (i = 0; i < a.n_points; i++) {
    ck_assert_msg (fabs (a.momentary[i] - b.momentary[i]) <=
                       REL_ENERGY * a.momentary[i],
        "kind %d, %u ch: momentary at %zu: %.17g vs %.17g", (int) kind,
        channels, i, a.momentary[i], b.momentary[i]);
    ck_assert (
        fabs (a.shortterm[i] - b.shortterm[i]) <= REL_ENERGY * a.shortterm[i]);
  }
  if (kind == KIND_SILENCE) {
    ck_assert (isnan (a.integrated));
    ck_assert (isinf (a.sp) && a.sp < 0.0);
  } else if (kind == KIND_FULL_SCALE) {
    ck_assert_msg (fabs (a.sp) < 1e-9, "sample peak %f dBFS", a.sp);
  }
  readings_clear (&a);
  readings_clear (&b);
  free (x);
}

START_TEST (test_states_scalar_and_vector_agree)
{
  const Kind kinds[] = { KIND_NOISE, KIND_FULL_SCALE, KIND_DENORMAL,
    KIND_SILENCE };
  size_t i;

  for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    compare_states (kinds[i], 1, WS_LOUDNESS_LAYOUT_MONO);
    compare_states (kinds[i], 2, WS_LOUDNESS_LAYOUT_STEREO);
    compare_states (kinds[i], 6, WS_LOUDNESS_LAYOUT_5_1);
  }
}
END_TEST

/* ---- the input path ----------------------------------------------------- */

/* Interleaved stereo s16, s32 and f32 (split with vector shuffles) fed in
 * odd call sizes read exactly as the same samples converted here one by
 * one and fed as planar float in one call. */
START_TEST (test_stereo_split_matches_planar)
{
  static const size_t sizes[] = { 1, 3, 7, 8, 9, 15, 17, 255, 4, 1000 };
  const size_t frames = 48000;
  int16_t *s16 = malloc (frames * 2 * sizeof *s16);
  int32_t *s32 = malloc (frames * 2 * sizeof *s32);
  float *f32 = malloc (frames * 2 * sizeof *f32);
  float *planes[2];
  uint32_t seed = 3;
  int type;
  size_t i;

  planes[0] = malloc (frames * sizeof (float));
  planes[1] = malloc (frames * sizeof (float));
  ck_assert (s16 && s32 && f32 && planes[0] && planes[1]);
  for (i = 0; i < frames * 2; i++) {
    s16[i] = (int16_t) (lcg (&seed) >> 16);
    s32[i] = (int32_t) lcg (&seed);
    f32[i] = uniform (&seed);
  }
  s16[0] = INT16_MIN; /* full scale both ways */
  s32[1] = INT32_MIN;
  s32[3] = INT32_MAX;

  for (type = 0; type < 3; type++) {
    WsLoudness *a = NULL, *b = NULL;
    size_t pos = 0, k = 0;
    unsigned int c;
    double va, vb;

    for (i = 0; i < frames * 2; i++)
      planes[i % 2][i / 2] = type == 0 ?
                                 (float) s16[i] * (1.0f / 32768.0f) :
                             type == 1 ?
                                 (float) s32[i] * (1.0f / 2147483648.0f) :
                                 f32[i];
    ck_assert_int_eq (ws_loudness_new (&a, 2, 48000, 0, NULL,
                          WS_LOUDNESS_FLAG_TRUE_PEAK),
        WS_RESULT_OK);
    ck_assert_int_eq (ws_loudness_new (&b, 2, 48000, 0, NULL,
                          WS_LOUDNESS_FLAG_TRUE_PEAK),
        WS_RESULT_OK);
    while (pos < frames) {
      size_t n = sizes[k++ % (sizeof sizes / sizeof sizes[0])];

      if (n > frames - pos)
        n = frames - pos;
      if (type == 0)
        ck_assert_int_eq (ws_loudness_add_frames_s16 (a, s16 + 2 * pos, n),
            WS_RESULT_OK);
      else if (type == 1)
        ck_assert_int_eq (ws_loudness_add_frames_s32 (a, s32 + 2 * pos, n),
            WS_RESULT_OK);
      else
        ck_assert_int_eq (ws_loudness_add_frames_f32 (a, f32 + 2 * pos, n),
            WS_RESULT_OK);
      pos += n;
    }
    ck_assert_int_eq (ws_loudness_add_planar_f32 (b,
                          (const float *const *) planes, frames),
        WS_RESULT_OK);
    for (c = 0; c < 2; c++) {
      ck_assert_int_eq (ws_loudness_get_sample_peak (a, c, &va), WS_RESULT_OK);
      ck_assert_int_eq (ws_loudness_get_sample_peak (b, c, &vb), WS_RESULT_OK);
      ck_assert_msg (va == vb, "type %d ch %u: sample peak %.9f vs %.9f", type,
          c, va, vb);
      ck_assert_int_eq (ws_loudness_get_true_peak (a, c, &va), WS_RESULT_OK);
      ck_assert_int_eq (ws_loudness_get_true_peak (b, c, &vb), WS_RESULT_OK);
      ck_assert_msg (va == vb, "type %d ch %u: true peak %.9f vs %.9f", type, c,
          va, vb);
    }
    if (type == 0) {
      ck_assert_int_eq (ws_loudness_get_sample_peak (a, 0, &va), WS_RESULT_OK);
      ck_assert (va == 0.0); /* INT16_MIN reads full scale */
    }
    ck_assert_int_eq (ws_loudness_get_momentary (a, &va), WS_RESULT_OK);
    ck_assert_int_eq (ws_loudness_get_momentary (b, &vb), WS_RESULT_OK);
    ck_assert_msg (fabs (lufs_to_energy (va) - lufs_to_energy (vb)) <=
                       REL_ENERGY * lufs_to_energy (vb),
        "type %d: momentary %.12f vs %.12f", type, va, vb);
    ws_loudness_free (a);
    ws_loudness_free (b);
  }
  free (s16);
  free (s32);
  free (f32);
  free (planes[0]);
  free (planes[1]);
}
END_TEST

/* ---- against libebur128 ------------------------------------------------- */

static void
compare_libebur128 (unsigned int channels, unsigned int rate,
    unsigned int flags)
{
  const size_t frames = (size_t) rate * 25 + 77;
  float *x = make_signal (KIND_NOISE, channels, rate, frames, 5 + rate);
  ebur128_state *st = ebur128_init (channels, rate,
      EBUR128_MODE_M | EBUR128_MODE_S | EBUR128_MODE_I | EBUR128_MODE_LRA);
  WsLoudness *l = NULL;
  double ref_i, ref_lra, ref_m, ref_s, i_lufs, lra, m, s;

  ck_assert_ptr_nonnull (st);
  /* libebur128's default map for 6 channels is ours for 5.1: L R C (LFE
   * unused) Ls Rs */
  ck_assert_int_eq (ws_loudness_new (&l, channels, rate,
                        WS_LOUDNESS_LAYOUT_DEFAULT, NULL, flags),
      WS_RESULT_OK);
  if (channels == 1)
    ck_assert_int_eq (ebur128_set_channel (st, 0, EBUR128_DUAL_MONO),
        EBUR128_SUCCESS);
  ck_assert_int_eq (ebur128_add_frames_float (st, x, frames), EBUR128_SUCCESS);
  ck_assert_int_eq (ws_loudness_add_frames_f32 (l, x, frames), WS_RESULT_OK);

  ck_assert_int_eq (ebur128_loudness_global (st, &ref_i), EBUR128_SUCCESS);
  ck_assert_int_eq (ebur128_loudness_range (st, &ref_lra), EBUR128_SUCCESS);
  ck_assert_int_eq (ebur128_loudness_momentary (st, &ref_m), EBUR128_SUCCESS);
  ck_assert_int_eq (ebur128_loudness_shortterm (st, &ref_s), EBUR128_SUCCESS);
  ck_assert_int_eq (ws_loudness_get_integrated (l, &i_lufs), WS_RESULT_OK);
  ck_assert_int_eq (ws_loudness_get_range (l, &lra), WS_RESULT_OK);
  ck_assert_int_eq (ws_loudness_get_momentary (l, &m), WS_RESULT_OK);
  ck_assert_int_eq (ws_loudness_get_shortterm (l, &s), WS_RESULT_OK);
  printf ("check_loudness_simd: %u ch %u Hz %s: I %.4f / %.4f LUFS, "
          "LRA %.3f / %.3f LU (ours / libebur128)\n",
      channels, rate, ws_loudness_get_code_path (l), i_lufs, ref_i, lra,
      ref_lra);
  ck_assert_msg (fabs (i_lufs - ref_i) <= 0.01, "I %.5f vs %.5f", i_lufs,
      ref_i);
  ck_assert_msg (fabs (lra - ref_lra) <= 0.02, "LRA %.5f vs %.5f", lra,
      ref_lra);
  ck_assert_msg (lra > 1.0, "the envelope moves: LRA %.3f", lra);
  ck_assert_msg (fabs (m - ref_m) <= 0.001, "M %.6f vs %.6f", m, ref_m);
  ck_assert_msg (fabs (s - ref_s) <= 0.001, "S %.6f vs %.6f", s, ref_s);
  ws_loudness_free (l);
  ebur128_destroy (&st);
  free (x);
}

START_TEST (test_matches_libebur128)
{
  static const unsigned int rates[] = { 48000, 44100, 22050 };
  size_t r;

  for (r = 0; r < sizeof rates / sizeof rates[0]; r++) {
    compare_libebur128 (2, rates[r], 0);
    compare_libebur128 (2, rates[r], WS_LOUDNESS_FLAG_SCALAR);
  }
  compare_libebur128 (1, 48000, 0);
  compare_libebur128 (6, 48000, 0);
  compare_libebur128 (6, 48000, WS_LOUDNESS_FLAG_SCALAR);
}
END_TEST

static Suite *
simd_suite (void)
{
  Suite *s = suite_create ("loudness_simd");
  TCase *tc = tcase_create ("core");

  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_kweight_paths_agree);
  tcase_add_test (tc, test_kweight_bad_lengths);
  tcase_add_test (tc, test_states_scalar_and_vector_agree);
  tcase_add_test (tc, test_stereo_split_matches_planar);
  tcase_add_test (tc, test_matches_libebur128);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (simd_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
