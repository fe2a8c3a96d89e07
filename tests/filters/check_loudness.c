/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: tests of the loudness core (filters/ws-loudness.h).
 *
 * The signals are the EBU Tech 3341 (V4) "minimum requirements" cases 1-6
 * and 9-19 and the Tech 3342 loudness-range cases 1-4, synthesised here at
 * 48 kHz and 44.1 kHz (1 kHz sines in both stereo channels unless noted).
 * Tolerances are those of the EBU documents: integrated, momentary and
 * short-term loudness +/-0.1 LU, loudness range +/-1 LU, true peak
 * +0.2/-0.4 dB (Tech 3341 table 1 for cases 15-19; quoted the same way by
 * several independent test suites of Tech 3341 implementations). */
#include <check.h>
#include <ebur128.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ws-loudness.h"

#define TOL_LU 0.1

static const unsigned int rates[] = { 48000, 44100 };

/* ---- signal synthesis --------------------------------------------------- */

typedef struct {
  unsigned int rate;
  unsigned int channels;
  size_t frames;
  size_t cap;
  float *data; /* interleaved */
} Signal;

static void
signal_init (Signal *s, unsigned int rate, unsigned int channels)
{
  memset (s, 0, sizeof *s);
  s->rate = rate;
  s->channels = channels;
}

static float *
signal_grow (Signal *s, size_t frames)
{
  float *p;

  if (s->frames + frames > s->cap) {
    size_t cap = (s->frames + frames) * 2;
    s->data = realloc (s->data, cap * s->channels * sizeof (float));
    ck_assert_ptr_nonnull (s->data);
    s->cap = cap;
  }
  p = s->data + s->frames * s->channels;
  s->frames += frames;
  return p;
}

static size_t
seconds_to_frames (const Signal *s, double seconds)
{
  return (size_t) llround (seconds * s->rate);
}

/* A 1 kHz sine of @seconds, with a per-channel level in dBFS (NAN means
 * silence in that channel). Phase runs on from the start of the signal. */
static void
signal_sine_levels (Signal *s, const double *dbfs, double seconds)
{
  size_t n = seconds_to_frames (s, seconds);
  size_t start = s->frames;
  float *p = signal_grow (s, n);
  size_t i;
  unsigned int c;

  for (i = 0; i < n; i++) {
    double ph = sin (2.0 * M_PI * 1000.0 * (double) (start + i) / s->rate);
    for (c = 0; c < s->channels; c++)
      p[i * s->channels + c] = isnan (dbfs[c]) ?
                                   0.0f :
                                   (float) (pow (10.0, dbfs[c] / 20.0) * ph);
  }
}

static void
signal_sine (Signal *s, double dbfs, double seconds)
{
  double levels[WS_LOUDNESS_MAX_CHANNELS];
  unsigned int c;

  for (c = 0; c < s->channels; c++)
    levels[c] = dbfs;
  signal_sine_levels (s, levels, seconds);
}

static void
signal_silence (Signal *s, double seconds)
{
  size_t n = seconds_to_frames (s, seconds);
  float *p = signal_grow (s, n);

  memset (p, 0, n * s->channels * sizeof (float));
}

/* Tech 3341 cases 15-19: a sine at @rate / @divisor, phase @phase_deg.
 * It fades in (and with @fade_out, out) over 10 ms: a sine that starts abruptly from silence is a
 * step, and the step's overshoot (real: a DAC would make it too, and
 * libebur128 reads it the same way) would hide the tone's own peak. */
static void
signal_tp_sine (Signal *s, double divisor, double phase_deg, double amplitude,
    double seconds, int fade_out)
{
  size_t n = seconds_to_frames (s, seconds);
  float *p = signal_grow (s, n);
  size_t i;
  unsigned int c;

  for (i = 0; i < n; i++) {
    double v = amplitude * sin (2.0 * M_PI * (double) i / divisor +
                                phase_deg * M_PI / 180.0);
    if (i < s->rate / 100)
      v *= 0.5 - 0.5 * cos (M_PI * (double) i / (s->rate / 100));
    if (fade_out && n - i <= s->rate / 100)
      v *= 0.5 - 0.5 * cos (M_PI * (double) (n - i) / (s->rate / 100));
    for (c = 0; c < s->channels; c++)
      p[i * s->channels + c] = (float) v;
  }
}

static void
signal_noise (Signal *s, double amplitude, double seconds, uint32_t seed)
{
  size_t n = seconds_to_frames (s, seconds);
  float *p = signal_grow (s, n);
  size_t i;
  uint32_t x = seed ? seed : 1;

  for (i = 0; i < n * s->channels; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    p[i] = (float) (amplitude * ((double) x / 2147483648.0 - 1.0));
  }
}

/* Noise kept mostly below rate / 4 (a 4-sample moving average), like
 * programme audio at high sample rates. */
static void
signal_noise_smooth (Signal *s, double amplitude, double seconds, uint32_t seed)
{
  size_t start = s->frames, i;
  unsigned int c;

  signal_noise (s, amplitude, seconds, seed);
  for (c = 0; c < s->channels; c++) {
    float *p = s->data + start * s->channels + c;
    size_t n = s->frames - start;

    for (i = n - 1; i >= 3; i--)
      p[i * s->channels] = 0.25f *
                           (p[i * s->channels] + p[(i - 1) * s->channels] +
                               p[(i - 2) * s->channels] +
                               p[(i - 3) * s->channels]);
  }
}

static void
signal_clear (Signal *s)
{
  free (s->data);
  memset (s, 0, sizeof *s);
}

/* ---- measuring ---------------------------------------------------------- */

static WsLoudness *
analyse (const Signal *s, WsLoudnessLayout layout, const WsLoudnessChannel *map,
    unsigned int flags)
{
  WsLoudness *l = NULL;

  ck_assert_int_eq (ws_loudness_new (&l, s->channels, s->rate, layout, map,
                        flags),
      WS_RESULT_OK);
  ck_assert_int_eq (ws_loudness_add_frames_f32 (l, s->data, s->frames),
      WS_RESULT_OK);
  return l;
}

static double
integrated_of (const Signal *s, WsLoudnessLayout layout,
    const WsLoudnessChannel *map)
{
  WsLoudness *l = analyse (s, layout, map, WS_LOUDNESS_FLAG_NONE);
  double v = 0.0;

  ck_assert_int_eq (ws_loudness_get_integrated (l, &v), WS_RESULT_OK);
  ws_loudness_free (l);
  return v;
}

#define assert_near(got, want, tol, what, rate)                             \
  ck_assert_msg (fabs ((got) - (want)) <= (tol),                            \
      "%s at %u Hz: measured %.3f, expected %.3f +/- %.2f", (what), (rate), \
      (got), (want), (tol))

/* ---- Tech 3341: integrated ---------------------------------------------- */

START_TEST (test_loudness_tech3341_case1_2)
{
  unsigned int rate = rates[_i];
  Signal s;
  WsLoudness *l;
  double v = 0.0;

  signal_init (&s, rate, 2);
  signal_sine (&s, -23.0, 20.0);
  l = analyse (&s, WS_LOUDNESS_LAYOUT_STEREO, NULL, 0);
  ck_assert_int_eq (ws_loudness_get_integrated (l, &v), WS_RESULT_OK);
  assert_near (v, -23.0, TOL_LU, "3341-1 I", rate);
  ck_assert_int_eq (ws_loudness_get_momentary (l, &v), WS_RESULT_OK);
  assert_near (v, -23.0, TOL_LU, "3341-1 M", rate);
  ck_assert_int_eq (ws_loudness_get_shortterm (l, &v), WS_RESULT_OK);
  assert_near (v, -23.0, TOL_LU, "3341-1 S", rate);
  ck_assert_int_eq (ws_loudness_get_max_momentary (l, &v), WS_RESULT_OK);
  assert_near (v, -23.0, TOL_LU, "3341-1 max M", rate);
  ck_assert_int_eq (ws_loudness_get_max_shortterm (l, &v), WS_RESULT_OK);
  assert_near (v, -23.0, TOL_LU, "3341-1 max S", rate);
  ck_assert_int_eq (ws_loudness_get_range (l, &v), WS_RESULT_OK);
  ck_assert_msg (v < 0.1, "steady tone LRA %.3f", v);
  ws_loudness_free (l);
  signal_clear (&s);

  signal_init (&s, rate, 2);
  signal_sine (&s, -33.0, 20.0);
  assert_near (integrated_of (&s, WS_LOUDNESS_LAYOUT_STEREO, NULL), -33.0,
      TOL_LU, "3341-2 I", rate);
  signal_clear (&s);
}
END_TEST

START_TEST (test_loudness_tech3341_case3_4_gates)
{
  unsigned int rate = rates[_i];
  Signal s;

  /* 3: the relative gate drops the quiet parts */
  signal_init (&s, rate, 2);
  signal_sine (&s, -36.0, 10.0);
  signal_sine (&s, -23.0, 60.0);
  signal_sine (&s, -36.0, 10.0);
  assert_near (integrated_of (&s, WS_LOUDNESS_LAYOUT_STEREO, NULL), -23.0,
      TOL_LU, "3341-3 I", rate);
  signal_clear (&s);

  /* 4: the absolute gate drops -72 */
  signal_init (&s, rate, 2);
  signal_sine (&s, -72.0, 10.0);
  signal_sine (&s, -36.0, 10.0);
  signal_sine (&s, -23.0, 60.0);
  signal_sine (&s, -36.0, 10.0);
  signal_sine (&s, -72.0, 10.0);
  assert_near (integrated_of (&s, WS_LOUDNESS_LAYOUT_STEREO, NULL), -23.0,
      TOL_LU, "3341-4 I", rate);
  signal_clear (&s);
}
END_TEST

START_TEST (test_loudness_tech3341_case5)
{
  unsigned int rate = rates[_i];
  Signal s;

  signal_init (&s, rate, 2);
  signal_sine (&s, -26.0, 20.0);
  signal_sine (&s, -20.0, 20.1);
  signal_sine (&s, -26.0, 20.0);
  assert_near (integrated_of (&s, WS_LOUDNESS_LAYOUT_STEREO, NULL), -23.0,
      TOL_LU, "3341-5 I", rate);
  signal_clear (&s);
}
END_TEST

START_TEST (test_loudness_tech3341_case6_surround)
{
  unsigned int rate = rates[_i];
  const double five[] = { -28.0, -28.0, -24.0, -30.0, -30.0 };
  /* 5.1 in WAV order with a loud LFE that must not count */
  const double five_one[] = { -28.0, -28.0, -24.0, -6.0, -30.0, -30.0 };
  /* the same 5.1 in another order: C, LFE, Ls, L, Rs, R */
  const double shuffled[] = { -24.0, -6.0, -30.0, -28.0, -30.0, -28.0 };
  const WsLoudnessChannel map[] = { WS_LOUDNESS_CHANNEL_CENTER,
    WS_LOUDNESS_CHANNEL_UNUSED, WS_LOUDNESS_CHANNEL_LEFT_SURROUND,
    WS_LOUDNESS_CHANNEL_LEFT, WS_LOUDNESS_CHANNEL_RIGHT_SURROUND,
    WS_LOUDNESS_CHANNEL_RIGHT };
  Signal s;

  signal_init (&s, rate, 5);
  signal_sine_levels (&s, five, 20.0);
  assert_near (integrated_of (&s, WS_LOUDNESS_LAYOUT_5_0, NULL), -23.0, TOL_LU,
      "3341-6 I (5.0)", rate);
  signal_clear (&s);

  signal_init (&s, rate, 6);
  signal_sine_levels (&s, five_one, 20.0);
  assert_near (integrated_of (&s, WS_LOUDNESS_LAYOUT_5_1, NULL), -23.0, TOL_LU,
      "3341-6 I (5.1, LFE excluded)", rate);
  assert_near (integrated_of (&s, WS_LOUDNESS_LAYOUT_DEFAULT, NULL), -23.0,
      TOL_LU, "3341-6 I (6 ch default = 5.1)", rate);
  signal_clear (&s);

  signal_init (&s, rate, 6);
  signal_sine_levels (&s, shuffled, 20.0);
  assert_near (integrated_of (&s, WS_LOUDNESS_LAYOUT_MAP, map), -23.0, TOL_LU,
      "3341-6 I (5.1, channel map)", rate);
  signal_clear (&s);
}
END_TEST

START_TEST (test_loudness_mono_is_dual_mono)
{
  unsigned int rate = rates[_i];
  Signal s;

  signal_init (&s, rate, 1);
  signal_sine (&s, -23.0, 20.0);
  assert_near (integrated_of (&s, WS_LOUDNESS_LAYOUT_MONO, NULL), -23.0, TOL_LU,
      "mono -23 dBFS", rate);
  assert_near (integrated_of (&s, WS_LOUDNESS_LAYOUT_DEFAULT, NULL), -23.0,
      TOL_LU, "mono default layout", rate);
  signal_clear (&s);
}
END_TEST

/* ---- Tech 3341: momentary and short-term -------------------------------- */

/* Feeds @s in 10 ms pieces; checks every @what reading after @from_s. */
static void
check_steady (const Signal *s, int shortterm, double from_s, double want,
    const char *what)
{
  WsLoudness *l = NULL;
  size_t step = s->rate / 100, done = 0;
  double v;

  ck_assert_int_eq (ws_loudness_new (&l, s->channels, s->rate,
                        WS_LOUDNESS_LAYOUT_DEFAULT, NULL, 0),
      WS_RESULT_OK);
  while (done < s->frames) {
    size_t k = s->frames - done < step ? s->frames - done : step;

    ck_assert_int_eq (ws_loudness_add_frames_f32 (l,
                          s->data + done * s->channels, k),
        WS_RESULT_OK);
    done += k;
    if (done >= (size_t) (from_s * s->rate)) {
      v = 0.0;
      ck_assert_int_eq (shortterm ? ws_loudness_get_shortterm (l, &v) :
                                    ws_loudness_get_momentary (l, &v),
          WS_RESULT_OK);
      ck_assert_msg (fabs (v - want) <= TOL_LU, "%s at %u Hz, %.2f s: %.3f",
          what, s->rate, (double) done / s->rate, v);
    }
  }
  ws_loudness_free (l);
}

START_TEST (test_loudness_tech3341_case9_12_steady)
{
  unsigned int rate = rates[_i];
  Signal s;
  int k;

  /* 9: S constant at -23 after 3 s */
  signal_init (&s, rate, 2);
  for (k = 0; k < 5; k++) {
    signal_sine (&s, -20.0, 1.34);
    signal_sine (&s, -30.0, 1.66);
  }
  check_steady (&s, 1, 3.0, -23.0, "3341-9 S");
  signal_clear (&s);

  /* 12: M constant at -23 after 400 ms */
  signal_init (&s, rate, 2);
  for (k = 0; k < 25; k++) {
    signal_sine (&s, -20.0, 0.18);
    signal_sine (&s, -30.0, 0.22);
  }
  check_steady (&s, 0, 0.4, -23.0, "3341-12 M");
  signal_clear (&s);
}
END_TEST

/* Cases 10 and 13: twenty signals, burst @burst_s at -23 dBFS after
 * 0.15 i s (10) or 0.02 i s (13) of silence: max S / max M = -23. */
static void
check_burst_alignment (unsigned int rate, double burst_s, double offset_s,
    int shortterm, const char *what)
{
  int i;

  for (i = 0; i < 20; i++) {
    Signal s;
    WsLoudness *l;
    double v = 0.0;

    signal_init (&s, rate, 2);
    signal_silence (&s, 0.5 + offset_s * i);
    signal_sine (&s, -23.0, burst_s);
    signal_silence (&s, 0.5 + burst_s);
    l = analyse (&s, WS_LOUDNESS_LAYOUT_STEREO, NULL, 0);
    ck_assert_int_eq (shortterm ? ws_loudness_get_max_shortterm (l, &v) :
                                  ws_loudness_get_max_momentary (l, &v),
        WS_RESULT_OK);
    ck_assert_msg (fabs (v + 23.0) <= TOL_LU, "%s-%d at %u Hz: %.3f", what,
        i + 1, rate, v);
    ws_loudness_free (l);
    signal_clear (&s);
  }
}

/* Cases 11 and 14: one signal, twenty bursts at -38 + i dBFS with growing
 * offsets; after each burst the maximum is that burst's level. */
static void
check_burst_ladder (unsigned int rate, double burst_s, double offset_s,
    int shortterm, const char *what)
{
  WsLoudness *l = NULL;
  int i;

  ck_assert_int_eq (ws_loudness_new (&l, 2, rate, WS_LOUDNESS_LAYOUT_STEREO,
                        NULL, 0),
      WS_RESULT_OK);
  for (i = 0; i < 20; i++) {
    Signal s;
    double v = 0.0;

    signal_init (&s, rate, 2);
    signal_silence (&s, burst_s + offset_s * i);
    signal_sine (&s, -38.0 + i, burst_s);
    ck_assert_int_eq (ws_loudness_add_frames_f32 (l, s.data, s.frames),
        WS_RESULT_OK);
    ck_assert_int_eq (shortterm ? ws_loudness_get_max_shortterm (l, &v) :
                                  ws_loudness_get_max_momentary (l, &v),
        WS_RESULT_OK);
    ck_assert_msg (fabs (v - (-38.0 + i)) <= TOL_LU,
        "%s burst %d at %u Hz: %.3f, expected %.1f", what, i + 1, rate, v,
        -38.0 + i);
    signal_clear (&s);
  }
  ws_loudness_free (l);
}

START_TEST (test_loudness_tech3341_case10_11_max_shortterm)
{
  check_burst_alignment (rates[_i], 3.0, 0.15, 1, "3341-10");
  check_burst_ladder (rates[_i], 3.0, 0.15, 1, "3341-11");
}
END_TEST

START_TEST (test_loudness_tech3341_case13_14_max_momentary)
{
  check_burst_alignment (rates[_i], 0.4, 0.02, 0, "3341-13");
  check_burst_ladder (rates[_i], 0.4, 0.02, 0, "3341-14");
}
END_TEST

/* ---- Tech 3341: true peak ----------------------------------------------- */

static double
libebur128_true_peak (const Signal *s)
{
  ebur128_state *st = ebur128_init (s->channels, s->rate,
      EBUR128_MODE_TRUE_PEAK);
  double best = 0.0, v;
  unsigned int c;

  ck_assert_ptr_nonnull (st);
  ck_assert_int_eq (ebur128_add_frames_float (st, s->data, s->frames),
      EBUR128_SUCCESS);
  for (c = 0; c < s->channels; c++) {
    ck_assert_int_eq (ebur128_true_peak (st, c, &v), EBUR128_SUCCESS);
    if (v > best)
      best = v;
  }
  ebur128_destroy (&st);
  return 20.0 * log10 (best);
}

static double
our_true_peak (const Signal *s)
{
  WsLoudness *l = analyse (s, WS_LOUDNESS_LAYOUT_DEFAULT, NULL,
      WS_LOUDNESS_FLAG_TRUE_PEAK);
  double v = 0.0;

  ck_assert_int_eq (ws_loudness_get_true_peak (l, WS_LOUDNESS_ALL_CHANNELS, &v),
      WS_RESULT_OK);
  ws_loudness_free (l);
  return v;
}

START_TEST (test_loudness_tech3341_case15_19_true_peak)
{
  static const struct {
    int id;
    double divisor, phase, amplitude, want;
  } cases[] = {
    { 15, 4.0, 0.0, 0.5, -6.0 },
    { 16, 4.0, 45.0, 0.5, -6.0 },
    { 17, 6.0, 60.0, 0.5, -6.0 },
    { 18, 8.0, 67.5, 0.5, -6.0 },
    { 19, 4.0, 45.0, 1.41, 3.0 },
  };
  unsigned int rate = rates[_i];
  size_t k;

  for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    Signal s;
    double ours, ref;

    signal_init (&s, rate, 2);
    signal_tp_sine (&s, cases[k].divisor, cases[k].phase, cases[k].amplitude,
        2.0, 0);
    ours = our_true_peak (&s);
    ref = libebur128_true_peak (&s);
    ck_assert_msg (ours - cases[k].want <= 0.2 && ours - cases[k].want >= -0.4,
        "3341-%d at %u Hz: %.3f dBTP, expected %.1f +0.2/-0.4", cases[k].id,
        rate, ours, cases[k].want);
    ck_assert_msg (fabs (ours - ref) <= 0.2,
        "3341-%d at %u Hz: ours %.3f vs libebur128 %.3f dBTP", cases[k].id,
        rate, ours, ref);
    signal_clear (&s);
  }
}
END_TEST

START_TEST (test_loudness_true_peak_noise_matches_libebur128)
{
  unsigned int rate = rates[_i];
  Signal s;
  double ours, ref, sp = 0.0;
  WsLoudness *l;

  signal_init (&s, rate, 2);
  signal_noise (&s, 0.7, 5.0, 12345u);
  ours = our_true_peak (&s);
  ref = libebur128_true_peak (&s);
  ck_assert_msg (fabs (ours - ref) <= 0.2, "noise at %u Hz: %.3f vs %.3f", rate,
      ours, ref);
  /* the true peak is never below the sample peak */
  l = analyse (&s, WS_LOUDNESS_LAYOUT_STEREO, NULL, 0);
  ck_assert_int_eq (ws_loudness_get_sample_peak (l, WS_LOUDNESS_ALL_CHANNELS,
                        &sp),
      WS_RESULT_OK);
  ck_assert (ours >= sp);
  ck_assert (sp <= 20.0 * log10 (0.7) + 1e-6);
  ck_assert (sp > 20.0 * log10 (0.7) - 0.05);
  ws_loudness_free (l);
  signal_clear (&s);
}
END_TEST

START_TEST (test_loudness_true_peak_high_rates_match_libebur128)
{
  /* 2x oversampling from 96 kHz, none from 192 kHz, as libebur128 */
  static const unsigned int high[] = { 96000, 192000 };
  Signal s;
  double ours, ref;

  signal_init (&s, high[_i], 2);
  signal_noise_smooth (&s, 0.9, 2.0, 4242u);
  ours = our_true_peak (&s);
  ref = libebur128_true_peak (&s);
  ck_assert_msg (fabs (ours - ref) <= 0.2, "noise at %u Hz: %.3f vs %.3f",
      high[_i], ours, ref);
  signal_clear (&s);
}
END_TEST

START_TEST (test_loudness_true_peak_found_late)
{
  /* a loud tone first, then case 19's +3 dBTP tone, then a quiet one whose
   * blocks are skipped: the highest inter-sample peak is still found */
  unsigned int rate = rates[_i];
  Signal s;
  double ours;

  signal_init (&s, rate, 2);
  signal_tp_sine (&s, 48.0, 0.0, 0.9, 2.0, 1);
  signal_silence (&s, 0.1);
  signal_tp_sine (&s, 4.0, 45.0, 1.41, 0.5, 1);
  signal_silence (&s, 0.1);
  signal_tp_sine (&s, 48.0, 0.0, 0.5, 2.0, 1);
  ours = our_true_peak (&s);
  ck_assert_msg (ours - 3.0 <= 0.2 && ours - 3.0 >= -0.4,
      "late peak at %u Hz: %.3f dBTP, expected 3.0", rate, ours);
  ck_assert_msg (fabs (ours - libebur128_true_peak (&s)) <= 0.2,
      "late peak at %u Hz: differs from libebur128", rate);
  signal_clear (&s);
}
END_TEST

START_TEST (test_loudness_peaks_per_channel)
{
  const double levels[] = { -6.0, -20.0 };
  Signal s;
  WsLoudness *l;
  double a = 0.0, b = 0.0, all = 0.0, t = 0.0;

  signal_init (&s, 48000, 2);
  signal_sine_levels (&s, levels, 1.0);
  l = analyse (&s, WS_LOUDNESS_LAYOUT_STEREO, NULL, WS_LOUDNESS_FLAG_TRUE_PEAK);
  ck_assert_int_eq (ws_loudness_get_sample_peak (l, 0, &a), WS_RESULT_OK);
  ck_assert_int_eq (ws_loudness_get_sample_peak (l, 1, &b), WS_RESULT_OK);
  ck_assert_int_eq (ws_loudness_get_sample_peak (l, WS_LOUDNESS_ALL_CHANNELS,
                        &all),
      WS_RESULT_OK);
  ck_assert_int_eq (ws_loudness_get_true_peak (l, 1, &t), WS_RESULT_OK);
  ck_assert_msg (fabs (a + 6.0) < 0.05, "left %.3f", a);
  ck_assert_msg (fabs (b + 20.0) < 0.05, "right %.3f", b);
  ck_assert (all == a);
  ck_assert_msg (fabs (t + 20.0) < 0.05, "right true peak %.3f", t);
  ws_loudness_free (l);
  signal_clear (&s);
}
END_TEST

/* ---- Tech 3342: loudness range ------------------------------------------ */

START_TEST (test_loudness_tech3342_cases1_4)
{
  static const struct {
    int id;
    int n;
    double levels[5];
    double want;
  } cases[] = {
    { 1, 2, { -20.0, -30.0 }, 10.0 },
    { 2, 2, { -20.0, -15.0 }, 5.0 },
    { 3, 2, { -40.0, -20.0 }, 20.0 },
    { 4, 5, { -50.0, -35.0, -20.0, -35.0, -50.0 }, 15.0 },
  };
  unsigned int rate = rates[_i];
  size_t k;

  for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    Signal s;
    WsLoudness *l;
    double v = -1.0;
    int j;

    signal_init (&s, rate, 2);
    for (j = 0; j < cases[k].n; j++)
      signal_sine (&s, cases[k].levels[j], 20.0);
    l = analyse (&s, WS_LOUDNESS_LAYOUT_STEREO, NULL, 0);
    ck_assert_int_eq (ws_loudness_get_range (l, &v), WS_RESULT_OK);
    ck_assert_msg (fabs (v - cases[k].want) <= 1.0,
        "3342-%d at %u Hz: LRA %.3f, expected %.0f +/- 1", cases[k].id, rate, v,
        cases[k].want);
    ws_loudness_free (l);
    signal_clear (&s);
  }
}
END_TEST

/* ---- sample formats and block sizes ------------------------------------- */

START_TEST (test_loudness_formats_agree)
{
  Signal s;
  WsLoudness *l = NULL;
  double want_i = 0.0, want_tp = 0.0, v = 0.0;
  int16_t *s16;
  int32_t *s32;
  double *f64;
  float *planes[2];
  size_t i, n;

  signal_init (&s, 48000, 2);
  signal_noise (&s, 0.25, 4.0, 99u);
  n = s.frames * 2;
  s16 = malloc (n * sizeof *s16);
  s32 = malloc (n * sizeof *s32);
  f64 = malloc (n * sizeof *f64);
  planes[0] = malloc (s.frames * sizeof (float));
  planes[1] = malloc (s.frames * sizeof (float));
  for (i = 0; i < n; i++) {
    s16[i] = (int16_t) lrint (s.data[i] * 32767.0);
    s32[i] = (int32_t) lrint (s.data[i] * 2147483647.0);
    f64[i] = s.data[i];
    planes[i % 2][i / 2] = s.data[i];
  }

  l = analyse (&s, WS_LOUDNESS_LAYOUT_STEREO, NULL, WS_LOUDNESS_FLAG_TRUE_PEAK);
  ck_assert_int_eq (ws_loudness_get_integrated (l, &want_i), WS_RESULT_OK);
  ck_assert_int_eq (ws_loudness_get_true_peak (l, WS_LOUDNESS_ALL_CHANNELS,
                        &want_tp),
      WS_RESULT_OK);

#define CHECK_SAME(call)                                                      \
  do {                                                                        \
    ck_assert_int_eq (ws_loudness_reset (l), WS_RESULT_OK);                   \
    ck_assert_int_eq (call, WS_RESULT_OK);                                    \
    ck_assert_int_eq (ws_loudness_get_integrated (l, &v), WS_RESULT_OK);      \
    ck_assert_msg (fabs (v - want_i) < 0.01, #call ": I %.4f vs %.4f", v,     \
        want_i);                                                              \
    ck_assert_int_eq (ws_loudness_get_true_peak (l, WS_LOUDNESS_ALL_CHANNELS, \
                          &v),                                                \
        WS_RESULT_OK);                                                        \
    ck_assert_msg (fabs (v - want_tp) < 0.01, #call ": TP %.4f vs %.4f", v,   \
        want_tp);                                                             \
  } while (0)

  CHECK_SAME (ws_loudness_add_frames_s16 (l, s16, s.frames));
  CHECK_SAME (ws_loudness_add_frames_s32 (l, s32, s.frames));
  CHECK_SAME (ws_loudness_add_frames_f64 (l, f64, s.frames));
  CHECK_SAME (
      ws_loudness_add_planar_f32 (l, (const float *const *) planes, s.frames));
#undef CHECK_SAME

  ws_loudness_free (l);
  free (s16);
  free (s32);
  free (f64);
  free (planes[0]);
  free (planes[1]);
  signal_clear (&s);
}
END_TEST

START_TEST (test_loudness_block_sizes_do_not_matter)
{
  static const size_t pieces[] = { 1, 7, 255, 256, 257, 1000, 4801 };
  Signal s;
  WsLoudness *whole, *bits = NULL;
  double a = 0.0, b = 0.0;
  size_t done = 0, k = 0;

  signal_init (&s, 44100, 2);
  signal_noise (&s, 0.5, 6.0, 7u);
  whole = analyse (&s, WS_LOUDNESS_LAYOUT_STEREO, NULL,
      WS_LOUDNESS_FLAG_TRUE_PEAK);
  ck_assert_int_eq (ws_loudness_new (&bits, 2, 44100, WS_LOUDNESS_LAYOUT_STEREO,
                        NULL, WS_LOUDNESS_FLAG_TRUE_PEAK),
      WS_RESULT_OK);
  while (done < s.frames) {
    size_t n = pieces[k++ % (sizeof pieces / sizeof pieces[0])];
    if (n > s.frames - done)
      n = s.frames - done;
    ck_assert_int_eq (ws_loudness_add_frames_f32 (bits, s.data + done * 2, n),
        WS_RESULT_OK);
    done += n;
  }
  ck_assert_uint_eq (ws_loudness_get_frames (bits), s.frames);
  ck_assert_int_eq (ws_loudness_get_true_peak (whole, 0, &a), WS_RESULT_OK);
  ck_assert_int_eq (ws_loudness_get_true_peak (bits, 0, &b), WS_RESULT_OK);
  ck_assert (a == b);
  ck_assert_int_eq (ws_loudness_get_integrated (whole, &a), WS_RESULT_OK);
  ck_assert_int_eq (ws_loudness_get_integrated (bits, &b), WS_RESULT_OK);
  ck_assert (fabs (a - b) < 1e-9);
  ck_assert_int_eq (ws_loudness_get_max_shortterm (whole, &a), WS_RESULT_OK);
  ck_assert_int_eq (ws_loudness_get_max_shortterm (bits, &b), WS_RESULT_OK);
  ck_assert (fabs (a - b) < 1e-9);
  ws_loudness_free (whole);
  ws_loudness_free (bits);
  signal_clear (&s);
}
END_TEST

/* ---- presets and verdicts ----------------------------------------------- */

static WsLoudness *
tone (double dbfs, double seconds, unsigned int flags)
{
  Signal s;
  WsLoudness *l;

  signal_init (&s, 48000, 2);
  signal_sine (&s, dbfs, seconds);
  l = analyse (&s, WS_LOUDNESS_LAYOUT_STEREO, NULL, flags);
  signal_clear (&s);
  return l;
}

static WsLoudnessVerdict
judge (const WsLoudness *l, WsLoudnessPreset preset)
{
  WsLoudnessLimits lim;
  WsLoudnessVerdict v;

  ck_assert_int_eq (ws_loudness_preset_limits (preset, &lim), WS_RESULT_OK);
  ck_assert_int_eq (ws_loudness_judge (l, &lim, &v), WS_RESULT_OK);
  return v;
}

START_TEST (test_loudness_preset_limits)
{
  WsLoudnessLimits l = { 1.0, 2.0, 3.0 };

  ck_assert_int_eq (ws_loudness_preset_limits (WS_LOUDNESS_PRESET_EBU_R128, &l),
      WS_RESULT_OK);
  ck_assert (l.target_lufs == -23.0 && l.tolerance_lu == 1.0 &&
             l.max_true_peak_dbtp == -1.0);
  ck_assert_int_eq (
      ws_loudness_preset_limits (WS_LOUDNESS_PRESET_EBU_R128_STRICT, &l),
      WS_RESULT_OK);
  ck_assert (l.target_lufs == -23.0 && l.tolerance_lu == 0.5);
  ck_assert_int_eq (ws_loudness_preset_limits (WS_LOUDNESS_PRESET_ATSC_A85, &l),
      WS_RESULT_OK);
  ck_assert (l.target_lufs == -24.0 && l.tolerance_lu == 2.0 &&
             l.max_true_peak_dbtp == -2.0);
  ck_assert_int_eq (ws_loudness_preset_limits (WS_LOUDNESS_PRESET_CUSTOM, &l),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert (l.target_lufs == -24.0);
  ck_assert_int_eq (ws_loudness_preset_limits (WS_LOUDNESS_PRESET_EBU_R128,
                        NULL),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_str_eq (ws_loudness_preset_to_string (WS_LOUDNESS_PRESET_ATSC_A85),
      "atsc-a85");
  ck_assert_str_eq (ws_loudness_preset_to_string ((WsLoudnessPreset) 42),
      "unknown");
}
END_TEST

START_TEST (test_loudness_verdict_pass)
{
  WsLoudness *l = tone (-23.0, 20.0, WS_LOUDNESS_FLAG_TRUE_PEAK);
  WsLoudnessVerdict v;

  v = judge (l, WS_LOUDNESS_PRESET_EBU_R128);
  ck_assert_int_eq (v.pass, 1);
  ck_assert_uint_eq (v.n_failures, 0);
  v = judge (l, WS_LOUDNESS_PRESET_EBU_R128_STRICT);
  ck_assert_int_eq (v.pass, 1);
  v = judge (l, WS_LOUDNESS_PRESET_ATSC_A85);
  ck_assert_int_eq (v.pass, 1);
  ws_loudness_free (l);
}
END_TEST

START_TEST (test_loudness_verdict_fail_reasons)
{
  WsLoudness *l;
  WsLoudnessVerdict v;
  WsLoudnessLimits custom = { -16.0, 1.0, -1.0 };

  /* too loud, and the peak (-0.0 dBFS sine) breaks -1 dBTP */
  l = tone (0.0, 10.0, WS_LOUDNESS_FLAG_TRUE_PEAK);
  v = judge (l, WS_LOUDNESS_PRESET_EBU_R128);
  ck_assert_int_eq (v.pass, 0);
  ck_assert_uint_eq (v.n_failures, 2);
  ck_assert_int_eq (v.failures[0].check, WS_LOUDNESS_CHECK_INTEGRATED_HIGH);
  ck_assert_msg (fabs (v.failures[0].measured - 0.0) < 0.1, "%f",
      v.failures[0].measured);
  ck_assert (v.failures[0].limit == -22.0);
  ck_assert_msg (strstr (v.failures[0].reason, "above the maximum -22.0") !=
                     NULL,
      "%s", v.failures[0].reason);
  ck_assert_int_eq (v.failures[1].check, WS_LOUDNESS_CHECK_TRUE_PEAK);
  ck_assert (v.failures[1].limit == -1.0);
  ck_assert_msg (strstr (v.failures[1].reason, "true peak") != NULL, "%s",
      v.failures[1].reason);
  ws_loudness_free (l);

  /* -23.8 passes +/-1 but fails +/-0.5; -30 is too quiet even for A/85 */
  l = tone (-23.8, 20.0, 0);
  ck_assert_int_eq (judge (l, WS_LOUDNESS_PRESET_EBU_R128).pass, 1);
  v = judge (l, WS_LOUDNESS_PRESET_EBU_R128_STRICT);
  ck_assert_int_eq (v.pass, 0);
  ck_assert_int_eq (v.failures[0].check, WS_LOUDNESS_CHECK_INTEGRATED_LOW);
  ck_assert (v.failures[0].limit == -23.5);
  ck_assert_msg (strstr (v.failures[0].reason, "-23.8 LUFS is below") != NULL,
      "%s", v.failures[0].reason);
  ws_loudness_free (l);

  l = tone (-30.0, 20.0, 0);
  v = judge (l, WS_LOUDNESS_PRESET_ATSC_A85);
  ck_assert_int_eq (v.pass, 0);
  ck_assert_int_eq (v.failures[0].check, WS_LOUDNESS_CHECK_INTEGRATED_LOW);
  ck_assert (v.failures[0].limit == -26.0);
  ws_loudness_free (l);

  /* custom limits; sample peak stands in when the true peak is off */
  l = tone (-16.0, 20.0, 0);
  ck_assert_int_eq (ws_loudness_judge (l, &custom, &v), WS_RESULT_OK);
  ck_assert_int_eq (v.pass, 1);
  custom.max_true_peak_dbtp = -20.0;
  ck_assert_int_eq (ws_loudness_judge (l, &custom, &v), WS_RESULT_OK);
  ck_assert_int_eq (v.pass, 0);
  ck_assert_int_eq (v.failures[0].check, WS_LOUDNESS_CHECK_SAMPLE_PEAK);
  ws_loudness_free (l);

  /* silence fails closed */
  l = tone (-200.0, 5.0, 0);
  v = judge (l, WS_LOUDNESS_PRESET_EBU_R128);
  ck_assert_int_eq (v.pass, 0);
  ck_assert_int_eq (v.failures[0].check, WS_LOUDNESS_CHECK_INTEGRATED_MISSING);
  ck_assert (isnan (v.failures[0].measured));
  ws_loudness_free (l);
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

START_TEST (test_loudness_new_rejects_bad_arguments)
{
  WsLoudness *l = (WsLoudness *) &l; /* must stay untouched */
  WsLoudness *const sentinel = l;
  const WsLoudnessChannel bad_map[] = { WS_LOUDNESS_CHANNEL_LEFT,
    (WsLoudnessChannel) 99 };

  ck_assert_int_eq (ws_loudness_new (NULL, 2, 48000, 0, NULL, 0),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_loudness_new (&l, 0, 48000, 0, NULL, 0),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_loudness_new (&l, 65, 48000, 0, NULL, 0),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_loudness_new (&l, 2, 0, 0, NULL, 0),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_loudness_new (&l, 2, 768001, 0, NULL, 0),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_loudness_new (&l, 2, 48000, WS_LOUDNESS_LAYOUT_5_1, NULL,
                        0),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_loudness_new (&l, 1, 48000, WS_LOUDNESS_LAYOUT_STEREO,
                        NULL, 0),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_loudness_new (&l, 2, 48000, WS_LOUDNESS_LAYOUT_MAP, NULL,
                        0),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_loudness_new (&l, 2, 48000, WS_LOUDNESS_LAYOUT_MAP,
                        bad_map, 0),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_loudness_new (&l, 2, 48000, (WsLoudnessLayout) 77, NULL,
                        0),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_loudness_new (&l, 2, 48000, 0, NULL, 1u << 9),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_ptr_eq (l, sentinel);

  /* the extremes of the range work */
  l = NULL;
  ck_assert_int_eq (ws_loudness_new (&l, WS_LOUDNESS_MAX_CHANNELS,
                        WS_LOUDNESS_MAX_RATE, 0, NULL,
                        WS_LOUDNESS_FLAG_TRUE_PEAK),
      WS_RESULT_OK);
  ck_assert_uint_eq (ws_loudness_get_channels (l), 64);
  ck_assert_uint_eq (ws_loudness_get_rate (l), 768000);
  ws_loudness_free (l);
  l = NULL;
  ck_assert_int_eq (ws_loudness_new (&l, 1, WS_LOUDNESS_MIN_RATE, 0, NULL,
                        WS_LOUDNESS_FLAG_TRUE_PEAK),
      WS_RESULT_OK);
  ws_loudness_free (l);
  ws_loudness_free (NULL);
}
END_TEST

START_TEST (test_loudness_calls_reject_null)
{
  WsLoudness *l = NULL;
  double v = 42.0;
  WsLoudnessLimits lim = { -23.0, -1.0, -1.0 };
  WsLoudnessVerdict verdict;

  ck_assert_int_eq (ws_loudness_new (&l, 2, 48000, 0, NULL, 0), WS_RESULT_OK);
  ck_assert_int_eq (ws_loudness_add_frames_f32 (NULL, NULL, 0),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_loudness_add_frames_f32 (l, NULL, 10),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_loudness_add_frames_s16 (l, NULL, 10),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_loudness_add_frames_f32 (l, NULL, 0), WS_RESULT_OK);
  ck_assert_int_eq (ws_loudness_add_planar_f32 (l, NULL, 3),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_loudness_get_integrated (NULL, &v),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_loudness_get_integrated (l, NULL),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_loudness_get_sample_peak (l, 2, &v),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_loudness_reset (NULL), WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_loudness_judge (l, NULL, &verdict),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_loudness_judge (l, &lim, &verdict),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert (v == 42.0);
  ck_assert_uint_eq (ws_loudness_get_channels (NULL), 0);
  ws_loudness_free (l);
}
END_TEST

START_TEST (test_loudness_no_data_before_enough_input)
{
  WsLoudness *l = NULL;
  Signal s;
  double v = 42.0;

  ck_assert_int_eq (ws_loudness_new (&l, 2, 48000, 0, NULL, 0), WS_RESULT_OK);
  ck_assert_int_eq (ws_loudness_get_sample_peak (l, 0, &v), WS_RESULT_NO_DATA);
  ck_assert_int_eq (ws_loudness_get_true_peak (l, 0, &v),
      WS_RESULT_UNSUPPORTED_FORMAT);

  signal_init (&s, 48000, 2);
  signal_sine (&s, -23.0, 0.3);
  ck_assert_int_eq (ws_loudness_add_frames_f32 (l, s.data, s.frames),
      WS_RESULT_OK);
  ck_assert_int_eq (ws_loudness_get_momentary (l, &v), WS_RESULT_NO_DATA);
  ck_assert_int_eq (ws_loudness_get_integrated (l, &v), WS_RESULT_NO_DATA);
  ck_assert_int_eq (ws_loudness_get_max_momentary (l, &v), WS_RESULT_NO_DATA);
  ck_assert_int_eq (ws_loudness_get_shortterm (l, &v), WS_RESULT_NO_DATA);
  ck_assert_int_eq (ws_loudness_get_range (l, &v), WS_RESULT_NO_DATA);
  ck_assert (v == 42.0);
  /* the sample peak is there at once, partial block included */
  ck_assert_int_eq (ws_loudness_get_sample_peak (l, 0, &v), WS_RESULT_OK);
  ck_assert_msg (fabs (v + 23.0) < 0.05, "%f", v);

  ck_assert_int_eq (ws_loudness_add_frames_f32 (l, s.data, s.frames),
      WS_RESULT_OK);
  ck_assert_int_eq (ws_loudness_get_momentary (l, &v), WS_RESULT_OK);
  ck_assert_int_eq (ws_loudness_get_integrated (l, &v), WS_RESULT_OK);
  ck_assert_int_eq (ws_loudness_get_max_shortterm (l, &v), WS_RESULT_NO_DATA);

  /* reset forgets */
  ck_assert_int_eq (ws_loudness_reset (l), WS_RESULT_OK);
  ck_assert_uint_eq (ws_loudness_get_frames (l), 0);
  ck_assert_int_eq (ws_loudness_get_integrated (l, &v), WS_RESULT_NO_DATA);
  ws_loudness_free (l);
  signal_clear (&s);
}
END_TEST

/* ws_loudness_get_recent() reads what the two getters read, at every
 * 100 ms (a step boundary), on a signal whose loudness moves. */
START_TEST (test_loudness_recent_matches_getters)
{
  unsigned int rate = rates[_i];
  Signal s;
  WsLoudness *l = NULL;
  size_t tick, done = 0;
  double m, st, m2, st2;
  int checked = 0;

  signal_init (&s, rate, 2);
  signal_sine (&s, -30.0, 2.0);
  signal_sine (&s, -18.0, 3.0);
  signal_sine (&s, -25.0, 2.0);
  tick = s.rate / 10;
  ck_assert_int_eq (ws_loudness_new (&l, 2, rate, WS_LOUDNESS_LAYOUT_DEFAULT,
                        NULL, 0),
      WS_RESULT_OK);
  while (done + tick <= s.frames) {
    ck_assert_int_eq (ws_loudness_add_frames_f32 (l, s.data + done * 2, tick),
        WS_RESULT_OK);
    done += tick;
    ck_assert_int_eq (ws_loudness_get_recent (l, &m, &st), WS_RESULT_OK);
    if (done < (size_t) rate * 4 / 10) {
      ck_assert (isnan (m));
      continue;
    }
    ck_assert_int_eq (ws_loudness_get_momentary (l, &m2), WS_RESULT_OK);
    if (rate % 100 == 0)
      assert_near (m, m2, 0.01, "recent momentary", rate);
    if (done < (size_t) rate * 3) {
      ck_assert (isnan (st));
      continue;
    }
    ck_assert_int_eq (ws_loudness_get_shortterm (l, &st2), WS_RESULT_OK);
    if (rate % 100 == 0)
      assert_near (st, st2, 0.01, "recent short-term", rate);
    checked++;
  }
  ck_assert_int_gt (checked, 30);
  ws_loudness_free (l);
  signal_clear (&s);
}
END_TEST

/* The mono rule: single reads 3 LU below dual mono; unknown fails closed
 * to dual mono (the louder reading). */
START_TEST (test_loudness_mono_rule)
{
  unsigned int rate = rates[_i];
  WsLoudnessChannel dual = ws_loudness_mono_channel (WS_LOUDNESS_MONO_DUAL);
  WsLoudnessChannel single = ws_loudness_mono_channel (WS_LOUDNESS_MONO_SINGLE);
  Signal s;

  ck_assert_int_eq (dual, WS_LOUDNESS_CHANNEL_DUAL_MONO);
  ck_assert_int_eq (single, WS_LOUDNESS_CHANNEL_CENTER);
  ck_assert_int_eq (ws_loudness_mono_channel ((WsLoudnessMono) 7),
      WS_LOUDNESS_CHANNEL_DUAL_MONO);
  ck_assert_str_eq (ws_loudness_mono_to_string (WS_LOUDNESS_MONO_DUAL),
      "dual-mono");
  ck_assert_str_eq (ws_loudness_mono_to_string (WS_LOUDNESS_MONO_SINGLE),
      "single");
  signal_init (&s, rate, 1);
  signal_sine (&s, -23.0, 20.0);
  assert_near (integrated_of (&s, WS_LOUDNESS_LAYOUT_MAP, &dual), -23.0, TOL_LU,
      "mono, dual-mono rule", rate);
  assert_near (integrated_of (&s, WS_LOUDNESS_LAYOUT_MAP, &single), -26.01,
      TOL_LU, "mono, single rule", rate);
  signal_clear (&s);
}
END_TEST

static Suite *
loudness_suite (void)
{
  Suite *s = suite_create ("loudness");
  TCase *tc;
  int n_rates = (int) (sizeof rates / sizeof rates[0]);

  tc = tcase_create ("tech3341");
  tcase_add_loop_test (tc, test_loudness_tech3341_case1_2, 0, n_rates);
  tcase_add_loop_test (tc, test_loudness_tech3341_case3_4_gates, 0, n_rates);
  tcase_add_loop_test (tc, test_loudness_tech3341_case5, 0, n_rates);
  tcase_add_loop_test (tc, test_loudness_tech3341_case6_surround, 0, n_rates);
  tcase_add_loop_test (tc, test_loudness_mono_is_dual_mono, 0, n_rates);
  tcase_add_loop_test (tc, test_loudness_tech3341_case9_12_steady, 0, n_rates);
  tcase_add_loop_test (tc, test_loudness_tech3341_case10_11_max_shortterm, 0,
      n_rates);
  tcase_add_loop_test (tc, test_loudness_tech3341_case13_14_max_momentary, 0,
      n_rates);
  suite_add_tcase (s, tc);

  tc = tcase_create ("peaks");
  tcase_add_loop_test (tc, test_loudness_tech3341_case15_19_true_peak, 0,
      n_rates);
  tcase_add_loop_test (tc, test_loudness_true_peak_noise_matches_libebur128, 0,
      n_rates);
  tcase_add_loop_test (tc, test_loudness_true_peak_high_rates_match_libebur128,
      0, 2);
  tcase_add_loop_test (tc, test_loudness_true_peak_found_late, 0, n_rates);
  tcase_add_test (tc, test_loudness_peaks_per_channel);
  suite_add_tcase (s, tc);

  tc = tcase_create ("tech3342");
  tcase_add_loop_test (tc, test_loudness_tech3342_cases1_4, 0, n_rates);
  suite_add_tcase (s, tc);

  tc = tcase_create ("input");
  tcase_add_test (tc, test_loudness_formats_agree);
  tcase_add_test (tc, test_loudness_block_sizes_do_not_matter);
  suite_add_tcase (s, tc);

  tc = tcase_create ("verdict");
  tcase_add_test (tc, test_loudness_preset_limits);
  tcase_add_test (tc, test_loudness_verdict_pass);
  tcase_add_test (tc, test_loudness_verdict_fail_reasons);
  suite_add_tcase (s, tc);

  tc = tcase_create ("errors");
  tcase_add_test (tc, test_loudness_new_rejects_bad_arguments);
  tcase_add_test (tc, test_loudness_calls_reject_null);
  tcase_add_test (tc, test_loudness_no_data_before_enough_input);
  suite_add_tcase (s, tc);

  tc = tcase_create ("meters");
  tcase_add_loop_test (tc, test_loudness_recent_matches_getters, 0, n_rates);
  tcase_add_loop_test (tc, test_loudness_mono_rule, 0, n_rates);
  suite_add_tcase (s, tc);

  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (loudness_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
