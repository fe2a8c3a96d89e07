/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the per-sample kernels of the loudness core (internal to
 * filters/, not installed): the ITU-R BS.1770-4 K-weighting filter and the
 * sums of its energies, each as a portable scalar version and a vectorised
 * one (GCC vector extensions: 2 doubles in SSE2 / NEON registers, 4 in AVX2
 * registers after a run-time CPU check). Both versions evaluate the same
 * expressions in the same order on every channel, so they agree to the last
 * bit on one machine; tests/filters/check_loudness_simd.c compares them. */
#ifndef WS_FILTERS_WS_LOUDNESS_DSP_H
#define WS_FILTERS_WS_LOUDNESS_DSP_H

#include <stddef.h>

/* The most frames one ws_kweight_run() call takes. */
#define WS_KWEIGHT_MAX_FRAMES 256

/**
 * WsDspPath:
 * @WS_DSP_SCALAR: plain C, one channel and one frame at a time.
 * @WS_DSP_VECTOR: GCC vector extensions, 2 doubles wide (SSE2 on x86-64,
 *   which every x86-64 CPU has).
 * @WS_DSP_AVX2: as %WS_DSP_VECTOR, 4 doubles wide for 3 or more channels;
 *   only where the CPU has AVX2.
 */
typedef enum {
  WS_DSP_SCALAR = 0,
  WS_DSP_VECTOR,
  WS_DSP_AVX2,
} WsDspPath;

/**
 * WsKWeight:
 *
 * The K-weighting filter (BS.1770-4 pre-filter and RLB high-pass) as one
 * 4th-order direct-form-II section, coefficients as libebur128 derives them
 * for the rate (a[0] is 1).
 */
typedef struct {
  double b[5];
  double a[5];
} WsKWeight;

/* The state of one channel's filter: v1..v4 of the direct form II. */
typedef double WsKWeightState[4];

/** ws_kweight_design: fills @k for @rate_hz. */
void ws_kweight_design (WsKWeight *k, unsigned int rate_hz);

/** ws_dsp_best_path: the fastest path this CPU runs. */
WsDspPath ws_dsp_best_path (void);

/** ws_dsp_path_to_string: "scalar", "vector", "avx2". Static. */
const char *ws_dsp_path_to_string (WsDspPath path);

/**
 * ws_kweight_run:
 * @k: the filter.
 * @path: the code path.
 * @x: @n_ch pointers, each to @n samples of one measured channel.
 * @state: @n_ch filter states, updated.
 * @weight: @n_ch channel weights (BS.1770-4 G_i).
 * @n_ch: measured channels (0 leaves @e all zero).
 * @e: (out): @n frame energies: sum over the channels, in order, of
 *   weight * y^2, y the K-weighted sample.
 * @n: 1 to %WS_KWEIGHT_MAX_FRAMES.
 *
 * State values below 1e-200 are set to zero after the call, so a decaying
 * filter never reaches denormal numbers (and their slow arithmetic).
 */
void ws_kweight_run (const WsKWeight *k, WsDspPath path, const float *const *x,
    WsKWeightState *state, const double *weight, size_t n_ch, double *e,
    size_t n);

/** ws_dsp_sum: the sum of @n doubles (4 partial sums on the vector paths,
 * in order on the scalar one). */
double ws_dsp_sum (WsDspPath path, const double *v, size_t n);

#endif /* WS_FILTERS_WS_LOUDNESS_DSP_H */
