/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: tests of the announcement's ducking and placement
 * (filters/ws-duck.h). */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "ws-duck.h"
#include "ws-loudness.h"

#define NS INT64_C (1000000000)

START_TEST (test_duck_frame_of_ns)
{
  ck_assert_int_eq (ws_duck_frame_of_ns (0, 48000), 0);
  ck_assert_int_eq (ws_duck_frame_of_ns (NS, 48000), 48000);
  ck_assert_int_eq (ws_duck_frame_of_ns (NS / 2, 44100), 22050);
  /* rounded to the nearest frame: 1 frame at 48 kHz is 20833.3 ns */
  ck_assert_int_eq (ws_duck_frame_of_ns (10417, 48000), 1);
  ck_assert_int_eq (ws_duck_frame_of_ns (10416, 48000), 0);
  /* a year of running time at 768 kHz does not overflow */
  ck_assert_int_eq (ws_duck_frame_of_ns (365 * 86400 * NS, 768000),
      INT64_C (365) * 86400 * 768000);
}
END_TEST

START_TEST (test_duck_gain_ramps)
{
  WsDuck d;

  /* 1 s at 1000 Hz from 2 s, 10 ms ramps, -20 dB */
  ck_assert_int_eq (ws_duck_init (&d, 1000, 2 * NS, NS, NS / 100, -20.0),
      WS_RESULT_OK);
  ck_assert_int_eq (d.start, 2000);
  ck_assert_int_eq (d.length, 1000);
  ck_assert_int_eq (d.ramp, 10);
  ck_assert_float_eq_tol (d.gain, 0.1f, 1e-6);
  ck_assert_float_eq (ws_duck_gain_at (&d, 1999), 1.0f);
  ck_assert_float_eq (ws_duck_gain_at (&d, 3000), 1.0f);
  /* the ramp goes down monotonically to the gain */
  for (int64_t f = 2000; f < 2010; f++)
    ck_assert (ws_duck_gain_at (&d, f) > ws_duck_gain_at (&d, f + 1));
  ck_assert_float_eq_tol (ws_duck_gain_at (&d, 2010), 0.1f, 1e-6);
  ck_assert_float_eq_tol (ws_duck_gain_at (&d, 2500), 0.1f, 1e-6);
  ck_assert_float_eq_tol (ws_duck_gain_at (&d, 2989), 0.1f, 1e-6);
  /* and back up at the end */
  for (int64_t f = 2990; f < 2999; f++)
    ck_assert (ws_duck_gain_at (&d, f) < ws_duck_gain_at (&d, f + 1));
  ck_assert (ws_duck_gain_at (&d, 2999) < 1.0f);
  /* -96 dB or less is silence */
  ck_assert_int_eq (ws_duck_init (&d, 1000, 0, NS, 0, -120.0), WS_RESULT_OK);
  ck_assert_float_eq (ws_duck_gain_at (&d, 10), 0.0f);
  /* ramps longer than half the warning are cut */
  ck_assert_int_eq (ws_duck_init (&d, 1000, 0, NS / 10, NS, -6.0),
      WS_RESULT_OK);
  ck_assert_int_eq (d.ramp, 50);
}
END_TEST

START_TEST (test_duck_mix_f32_offsets)
{
  WsDuck d;
  float buf[2 * 100];
  float ann[2 * 30];

  /* 40 frames from frame 50 (rate 1000: 50 ms), no ramp, -6.0206 dB */
  ck_assert_int_eq (ws_duck_init (&d, 1000, 50 * NS / 1000, 40 * NS / 1000, 0,
                        20.0 * log10 (0.5)),
      WS_RESULT_OK);
  for (int i = 0; i < 60; i++)
    ann[i] = (float) (i + 1);
  /* the buffer covers frames 20..119 */
  for (int i = 0; i < 200; i++)
    buf[i] = 1.0f;
  ck_assert_int_eq (ws_duck_mix_f32 (&d, 20, buf, 100, 2, ann, 30),
      WS_RESULT_OK);
  for (int f = 20; f < 120; f++) {
    for (int c = 0; c < 2; c++) {
      float v = buf[(f - 20) * 2 + c];
      float want = 1.0f;
      if (f >= 50 && f < 90)
        want = 0.5f + (f - 50 < 30 ? ann[(f - 50) * 2 + c] : 0.0f);
      ck_assert_msg (fabsf (v - want) < 1e-5, "frame %d ch %d: %g, want %g", f,
          c, v, want);
    }
  }
  /* a buffer wholly before or after is untouched */
  for (int i = 0; i < 200; i++)
    buf[i] = 1.0f;
  ck_assert_int_eq (ws_duck_mix_f32 (&d, 90, buf, 100, 2, ann, 30),
      WS_RESULT_OK);
  for (int i = 0; i < 200; i++)
    ck_assert_float_eq (buf[i], 1.0f);
}
END_TEST

START_TEST (test_duck_long_recording_fades)
{
  WsDuck d;
  float buf[100] = { 0 };
  float ann[200];

  /* a recording of 200 frames in a warning of 100 with 10-frame ramps:
   * it is cut at the end, fading over the last 10 frames */
  ck_assert_int_eq (ws_duck_init (&d, 1000, 0, 100 * NS / 1000, 10 * NS / 1000,
                        -200.0),
      WS_RESULT_OK);
  for (int i = 0; i < 200; i++)
    ann[i] = 1.0f;
  ck_assert_int_eq (ws_duck_mix_f32 (&d, 0, buf, 100, 1, ann, 200),
      WS_RESULT_OK);
  ck_assert_float_eq (buf[50], 1.0f);
  ck_assert_float_eq (buf[89], 1.0f);
  for (int i = 90; i < 99; i++)
    ck_assert (buf[i] > buf[i + 1]);
  ck_assert (buf[99] < 0.1f);
}
END_TEST

START_TEST (test_duck_mix_s16_clips)
{
  WsDuck d;
  int16_t buf[10];
  float ann[10];

  ck_assert_int_eq (ws_duck_init (&d, 1000, 0, 10 * NS / 1000, 0, 0.0),
      WS_RESULT_OK);
  for (int i = 0; i < 10; i++) {
    buf[i] = (int16_t) (i % 2 ? -30000 : 30000);
    ann[i] = i % 2 ? -0.5f : 0.5f;
  }
  ck_assert_int_eq (ws_duck_mix_s16 (&d, 0, buf, 10, 1, ann, 10), WS_RESULT_OK);
  for (int i = 0; i < 10; i++)
    ck_assert_int_eq (buf[i], i % 2 ? -32768 : 32767);
  /* ducked by -20 dB without an announcement */
  ck_assert_int_eq (ws_duck_init (&d, 1000, 0, 10 * NS / 1000, 0, -20.0),
      WS_RESULT_OK);
  buf[0] = 10000;
  ck_assert_int_eq (ws_duck_mix_s16 (&d, 0, buf, 1, 1, NULL, 0), WS_RESULT_OK);
  ck_assert_int_eq (buf[0], 1000);
}
END_TEST

START_TEST (test_duck_errors)
{
  WsDuck d = { 0 };
  float buf[4];

  ck_assert_int_eq (ws_duck_init (&d, 0, 0, NS, 0, -20),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_duck_init (&d, 48000, 0, 0, 0, -20),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_duck_init (&d, 48000, -1, NS, 0, -20),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_duck_init (&d, 48000, 0, NS, 0, 6.0),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_duck_init (&d, 48000, 0, NS, 0, NAN),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (d.length, 0); /* untouched */
  ck_assert_int_eq (ws_duck_init (&d, 48000, 0, NS, 0, -20), WS_RESULT_OK);
  ck_assert_int_eq (ws_duck_mix_f32 (&d, 0, NULL, 4, 1, NULL, 0),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_duck_mix_f32 (&d, 0, buf, 4, 0, NULL, 0),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_duck_mix_f32 (&d, 0, buf, 4, 65, NULL, 0),
      WS_RESULT_INVALID_ARGUMENT);
}
END_TEST

static double
integrated (const float *s, size_t n, int rate)
{
  WsLoudness *l = NULL;
  double lufs = 0;

  ck_assert_int_eq (ws_loudness_new (&l, 1, (unsigned) rate,
                        WS_LOUDNESS_LAYOUT_DEFAULT, NULL, 0),
      WS_RESULT_OK);
  ck_assert_int_eq (ws_loudness_add_frames_f32 (l, s, n), WS_RESULT_OK);
  ck_assert_int_eq (ws_loudness_get_integrated (l, &lufs), WS_RESULT_OK);
  ws_loudness_free (l);
  return lufs;
}

START_TEST (test_duck_normalise)
{
  const int rate = 48000;
  const size_t n = 3 * rate;
  float *s = malloc (n * sizeof *s);
  double gain = 0, peak = 0;

  /* a quiet 1 kHz sine (-40 dBFS) is lifted to -23 LUFS */
  for (size_t i = 0; i < n; i++)
    s[i] = (float) (0.01 * sin (2 * M_PI * 1000.0 * i / rate));
  ck_assert_int_eq (ws_duck_normalise_f32 (s, n, 1, rate, -23.0, &gain),
      WS_RESULT_OK);
  ck_assert_double_eq_tol (integrated (s, n, rate), -23.0, 0.1);
  ck_assert (gain > 10.0);
  /* a loud one to -30 LUFS: down */
  for (size_t i = 0; i < n; i++)
    s[i] = (float) (0.9 * sin (2 * M_PI * 1000.0 * i / rate));
  ck_assert_int_eq (ws_duck_normalise_f32 (s, n, 1, rate, -30.0, &gain),
      WS_RESULT_OK);
  ck_assert_double_eq_tol (integrated (s, n, rate), -30.0, 0.1);
  ck_assert (gain < 0.0);
  /* a click train cannot be lifted past a -1 dBFS peak */
  for (size_t i = 0; i < n; i++)
    s[i] = i % 4800 == 0 ? 0.5f : 0.0f;
  ck_assert_int_eq (ws_duck_normalise_f32 (s, n, 1, rate, -5.0, &gain),
      WS_RESULT_OK);
  for (size_t i = 0; i < n; i++)
    peak = fmax (peak, fabs (s[i]));
  ck_assert_double_eq_tol (20 * log10 (peak), -1.0, 0.01);
  /* silence and too-short input are left alone */
  for (size_t i = 0; i < n; i++)
    s[i] = 0.0f;
  ck_assert_int_eq (ws_duck_normalise_f32 (s, n, 1, rate, -23.0, NULL),
      WS_RESULT_NO_DATA);
  s[0] = 0.5f;
  ck_assert_int_eq (ws_duck_normalise_f32 (s, 100, 1, rate, -23.0, NULL),
      WS_RESULT_NO_DATA);
  ck_assert_float_eq (s[0], 0.5f);
  ck_assert_int_eq (ws_duck_normalise_f32 (NULL, 1, 1, rate, -23.0, NULL),
      WS_RESULT_INVALID_ARGUMENT);
  free (s);
}
END_TEST

static Suite *
duck_suite (void)
{
  Suite *s = suite_create ("duck");
  TCase *core = tcase_create ("core");
  TCase *errors = tcase_create ("errors");

  tcase_add_test (core, test_duck_frame_of_ns);
  tcase_add_test (core, test_duck_gain_ramps);
  tcase_add_test (core, test_duck_mix_f32_offsets);
  tcase_add_test (core, test_duck_long_recording_fades);
  tcase_add_test (core, test_duck_mix_s16_clips);
  tcase_add_test (core, test_duck_normalise);
  tcase_add_test (errors, test_duck_errors);
  suite_add_tcase (s, core);
  suite_add_tcase (s, errors);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (duck_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
