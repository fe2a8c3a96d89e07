/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: loudness kernels. See ws-loudness-dsp.h.
 *
 * The K-weighting filter is recursive, so it is vectorised across channels:
 * each vector lane runs one channel's filter, the lanes of a group step
 * through the frames together (stereo: one SSE2 register of 2 doubles; 5.1:
 * one AVX2 register of 4 and one SSE2 register of 2, the unused lane fed
 * zeros with weight 0). The recursion is written so that only one multiply
 * and one subtraction lie on the path from one output to the next (the
 * terms of v2..v4 are known a frame earlier), the latency that bounds the
 * filter. Double precision throughout, as libebur128. */
#include "ws-loudness-dsp.h"

#include <math.h>
#include <string.h>

/* No fused multiply-adds: the scalar and vector paths must round alike. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#define FLUSH_BELOW 1e-200

typedef double v2d __attribute__ ((vector_size (16)));
typedef double v4d __attribute__ ((vector_size (32)));

static const float zeros[WS_KWEIGHT_MAX_FRAMES];

void
ws_kweight_design (WsKWeight *k, unsigned int rate_hz)
{
  /* ITU-R BS.1770-4 stage 1 (high shelf) and stage 2 (RLB high-pass), as
   * analogue prototypes for the rate (the constants of libebur128) */
  double f0 = 1681.974450955533;
  double g = 3.999843853973347;
  double q = 0.7071752369554196;
  double kk = tan (M_PI * f0 / (double) rate_hz);
  double vh = pow (10.0, g / 20.0);
  double vb = pow (vh, 0.4996667741545416);
  double pb[3], pa[3], rb[3] = { 1.0, -2.0, 1.0 }, ra[3];
  double a0 = 1.0 + kk / q + kk * kk;

  pb[0] = (vh + vb * kk / q + kk * kk) / a0;
  pb[1] = 2.0 * (kk * kk - vh) / a0;
  pb[2] = (vh - vb * kk / q + kk * kk) / a0;
  pa[0] = 1.0;
  pa[1] = 2.0 * (kk * kk - 1.0) / a0;
  pa[2] = (1.0 - kk / q + kk * kk) / a0;

  f0 = 38.13547087602444;
  q = 0.5003270373238773;
  kk = tan (M_PI * f0 / (double) rate_hz);
  ra[0] = 1.0;
  ra[1] = 2.0 * (kk * kk - 1.0) / (1.0 + kk / q + kk * kk);
  ra[2] = (1.0 - kk / q + kk * kk) / (1.0 + kk / q + kk * kk);

  /* the two sections multiplied out into one 4th-order section */
  k->b[0] = pb[0] * rb[0];
  k->b[1] = pb[0] * rb[1] + pb[1] * rb[0];
  k->b[2] = pb[0] * rb[2] + pb[1] * rb[1] + pb[2] * rb[0];
  k->b[3] = pb[1] * rb[2] + pb[2] * rb[1];
  k->b[4] = pb[2] * rb[2];
  k->a[0] = pa[0] * ra[0];
  k->a[1] = pa[0] * ra[1] + pa[1] * ra[0];
  k->a[2] = pa[0] * ra[2] + pa[1] * ra[1] + pa[2] * ra[0];
  k->a[3] = pa[1] * ra[2] + pa[2] * ra[1];
  k->a[4] = pa[2] * ra[2];
}

WsDspPath
ws_dsp_best_path (void)
{
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx2"))
    return WS_DSP_AVX2;
#endif
  return WS_DSP_VECTOR;
}

const char *
ws_dsp_path_to_string (WsDspPath path)
{
  switch (path) {
    case WS_DSP_SCALAR:
      return "scalar";
    case WS_DSP_VECTOR:
      return "vector";
    case WS_DSP_AVX2:
      return "avx2";
  }
  return "unknown";
}

static double
flush (double v)
{
  return fabs (v) < FLUSH_BELOW ? 0.0 : v;
}

/* One channel, one frame at a time: the reference. */
static void
kweight_channel_scalar (const WsKWeight *k, const float *x,
    WsKWeightState state, double w, double *e, size_t n)
{
  const double a1 = k->a[1], a2 = k->a[2], a3 = k->a[3], a4 = k->a[4];
  const double b0 = k->b[0], b1 = k->b[1], b2 = k->b[2], b3 = k->b[3],
               b4 = k->b[4];
  double v1 = state[0], v2 = state[1], v3 = state[2], v4 = state[3];
  size_t i;

  for (i = 0; i < n; i++) {
    double v0 = (((double) x[i] - a2 * v2) - a3 * v3 - a4 * v4) - a1 * v1;
    double y = b0 * v0 + b1 * v1 + b2 * v2 + b3 * v3 + b4 * v4;

    e[i] += (y * y) * w;
    v4 = v3;
    v3 = v2;
    v2 = v1;
    v1 = v0;
  }
  state[0] = flush (v1);
  state[1] = flush (v2);
  state[2] = flush (v3);
  state[3] = flush (v4);
}

/* A group of LANES channels in one vector of type VEC: the same
 * expressions as kweight_channel_scalar(), lane by lane; the lanes' energies
 * are added to e[i] in channel order. Unused lanes read zeros, weight 0.
 * LOAD builds the frame's input vector and ADD the sum, both spelled out
 * lane by lane: a loop over the lanes went through the stack (a store
 * forwarding stall every frame). */
#define KWEIGHT_GROUP(VEC, LANES, LOAD, ADD)                    \
  do {                                                          \
    VEC a1, a2, a3, a4, b0, b1, b2, b3, b4, wv, v1, v2, v3, v4; \
    const float *xs[LANES];                                     \
    size_t i, l;                                                \
    for (l = 0; l < LANES; l++) {                               \
      a1[l] = k->a[1];                                          \
      a2[l] = k->a[2];                                          \
      a3[l] = k->a[3];                                          \
      a4[l] = k->a[4];                                          \
      b0[l] = k->b[0];                                          \
      b1[l] = k->b[1];                                          \
      b2[l] = k->b[2];                                          \
      b3[l] = k->b[3];                                          \
      b4[l] = k->b[4];                                          \
      xs[l] = l < lanes ? x[l] : zeros;                         \
      wv[l] = l < lanes ? weight[l] : 0.0;                      \
      v1[l] = l < lanes ? state[l][0] : 0.0;                    \
      v2[l] = l < lanes ? state[l][1] : 0.0;                    \
      v3[l] = l < lanes ? state[l][2] : 0.0;                    \
      v4[l] = l < lanes ? state[l][3] : 0.0;                    \
    }                                                           \
    for (i = 0; i < n; i++) {                                   \
      VEC xi = LOAD, v0, y, t;                                  \
      v0 = (((xi - a2 * v2) - a3 * v3) - a4 * v4) - a1 * v1;    \
      y = b0 * v0 + b1 * v1 + b2 * v2 + b3 * v3 + b4 * v4;      \
      t = (y * y) * wv;                                         \
      e[i] = ADD;                                               \
      v4 = v3;                                                  \
      v3 = v2;                                                  \
      v2 = v1;                                                  \
      v1 = v0;                                                  \
    }                                                           \
    for (l = 0; l < lanes; l++) {                               \
      state[l][0] = flush (v1[l]);                              \
      state[l][1] = flush (v2[l]);                              \
      state[l][2] = flush (v3[l]);                              \
      state[l][3] = flush (v4[l]);                              \
    }                                                           \
  } while (0)

/* 1 or 2 channels in SSE2 (or the target's 16-byte vectors). */
static void
kweight_group2 (const WsKWeight *k, const float *const *x,
    WsKWeightState *state, const double *weight, size_t lanes, double *e,
    size_t n)
{
  KWEIGHT_GROUP (v2d, 2, ((v2d){ xs[0][i], xs[1][i] }), (e[i] + t[0]) + t[1]);
}

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
/* 3 or 4 channels in AVX2; only called after the CPU check. */
__attribute__ ((target ("avx2"))) static void
kweight_group4 (const WsKWeight *k, const float *const *x,
    WsKWeightState *state, const double *weight, size_t lanes, double *e,
    size_t n)
{
  KWEIGHT_GROUP (v4d, 4, ((v4d){ xs[0][i], xs[1][i], xs[2][i], xs[3][i] }),
      (((e[i] + t[0]) + t[1]) + t[2]) + t[3]);
}
#define HAVE_GROUP4 1
#endif

void
ws_kweight_run (const WsKWeight *k, WsDspPath path, const float *const *x,
    WsKWeightState *state, const double *weight, size_t n_ch, double *e,
    size_t n)
{
  size_t c = 0;

  memset (e, 0, n * sizeof *e);
  if (n == 0 || n > WS_KWEIGHT_MAX_FRAMES)
    return;
  if (path == WS_DSP_SCALAR) {
    for (c = 0; c < n_ch; c++)
      kweight_channel_scalar (k, x[c], state[c], weight[c], e, n);
    return;
  }
  while (c < n_ch) {
    size_t left = n_ch - c;

#ifdef HAVE_GROUP4
    if (path == WS_DSP_AVX2 && left >= 3) {
      size_t lanes = left < 4 ? left : 4;

      kweight_group4 (k, x + c, state + c, weight + c, lanes, e, n);
      c += lanes;
      continue;
    }
#endif
    if (left > 2)
      left = 2;
    kweight_group2 (k, x + c, state + c, weight + c, left, e, n);
    c += left;
  }
}

double
ws_dsp_sum (WsDspPath path, const double *v, size_t n)
{
  v2d s0 = { 0.0, 0.0 }, s1 = { 0.0, 0.0 };
  double s = 0.0;
  size_t i = 0;

  if (path != WS_DSP_SCALAR) {
    for (; i + 4 <= n; i += 4) {
      v2d p, q;

      memcpy (&p, v + i, sizeof p);
      memcpy (&q, v + i + 2, sizeof q);
      s0 += p;
      s1 += q;
    }
    s = (s0[0] + s0[1]) + (s1[0] + s1[1]);
  }
  for (; i < n; i++)
    s += v[i];
  return s;
}
