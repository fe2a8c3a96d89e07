/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed tests: video signals for the flash tests: code values of a
 * signal, and HDR signals from display light (the inverse of what the flash
 * core computes), to build PQ and HLG frames at known cd/m^2.
 * Header-only; needs libm. */
#ifndef WS_TESTS_WS_TEST_VIDEO_H
#define WS_TESTS_WS_TEST_VIDEO_H

#include <math.h>

/* SMPTE ST 2084 inverse EOTF: cd/m^2 -> signal 0..1. */
static inline double
ws_test_pq_encode (double cd_m2)
{
  const double m1 = 2610.0 / 16384.0, m2 = 2523.0 / 4096.0 * 128.0;
  const double c1 = 3424.0 / 4096.0, c2 = 2413.0 / 4096.0 * 32.0;
  const double c3 = 2392.0 / 4096.0 * 32.0;
  double y = pow (fmax (cd_m2, 0.0) / 10000.0, m1);
  return pow ((c1 + c2 * y) / (1.0 + c3 * y), m2);
}

/* BT.2100 HLG OETF: scene light 0..1 -> signal. */
static inline double
ws_test_hlg_oetf (double e)
{
  const double a = 0.17883277, b = 1.0 - 4.0 * a;
  const double c = 0.5 - a * log (4.0 * a);
  if (e <= 1.0 / 12.0)
    return sqrt (3.0 * e);
  return a * log (12.0 * e - b) + c;
}

/* A neutral grey of display luminance @cd_m2 on an HLG display of nominal
 * peak @lw and system gamma @gamma (the OOTF inverted: E = (L / L_W)^(1 /
 * gamma)). */
static inline double
ws_test_hlg_encode (double cd_m2, double lw, double gamma)
{
  return ws_test_hlg_oetf (pow (fmin (cd_m2 / lw, 1.0), 1.0 / gamma));
}

/* The @bits-bit code of signal @v (luma 0..1, or chroma -0.5..0.5 with
 * @chroma), limited range or @full, rounded and clipped. */
static inline unsigned
ws_test_quant (double v, int bits, int full, int chroma)
{
  double k = (double) (1 << (bits - 8));
  double maxv = (double) ((1 << bits) - 1);
  double q;
  if (chroma)
    q = !full ? (128.0 + 224.0 * v) * k : 128.0 * k + v * maxv;
  else
    q = !full ? (16.0 + 219.0 * v) * k : v * maxv;
  q = floor (q + 0.5);
  return (unsigned) fmin (fmax (q, 0.0), maxv);
}

#endif /* WS_TESTS_WS_TEST_VIDEO_H */
