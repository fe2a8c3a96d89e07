/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: loudness analysis core. See ws-loudness.h.
 *
 * Layout of the work:
 * - the caller's samples are de-interleaved (and converted) into
 *   per-channel float blocks of PEAK_BLOCK frames;
 * - every new run of frames is K-weighted at once (ws-loudness-dsp.c:
 *   double precision, vectorised across channels) into one energy per
 *   frame, the sum over the measured channels of weight * y^2. Those sum
 *   into 10 ms steps (maximum momentary and short-term, refreshed at 100
 *   Hz), into 100 ms sub-blocks (the 400 ms gating blocks every 100 ms and
 *   the 3 s short-term blocks every 1 s of the loudness range) and into a
 *   ring of the last 3 s (the momentary and short-term getters);
 * - gating and loudness range are ours, from BS.1770-4 and Tech 3342, over
 *   a distribution of 0.01 LU bins that also sums the energies (constant
 *   memory, within 0.01 LU of keeping every block);
 *   tests/filters/check_loudness_simd.c compares them with libebur128 on
 *   the same input. libebur128 itself is no longer fed: its scalar filter
 *   and repeated block sums were three quarters of the time;
 * - each full block gets its sample peak and (with
 *   WS_LOUDNESS_FLAG_TRUE_PEAK) its oversampled peak from fixed-size loops
 *   that gcc -O2 vectorises (a second copy compiled for AVX2 runs where the
 *   CPU has it). A partial block is looked at by the getters.
 * WS_LOUDNESS_FLAG_SCALAR (or WS_LOUDNESS_SCALAR=1 in the environment) runs
 * the plain C kernels instead, for comparison. */
#include "ws-loudness.h"

#include "ws-loudness-dsp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Frames per peak block: a multiple of 16 so the loops vectorise whole. */
#define PEAK_BLOCK 256
/* Taps per polyphase branch, and the history each channel keeps. */
#define TP_TAPS 12
#define TP_HIST (TP_TAPS - 1)
#define TP_MAX_PHASES 3
#define TP_STRIDE (TP_HIST + PEAK_BLOCK)

/* Energies of 10 ms steps kept for the running max momentary / short-term. */
#define STEPS_M 40
#define STEPS_S 300

/* 100 ms sub-blocks per gating block (400 ms) and short-term block (3 s),
 * and between two short-term blocks of the loudness range (1 s) */
#define SUBS_M 4
#define SUBS_S 30
#define SUBS_LRA_HOP 10
/* The distribution of block loudness: bins of 1/DIST_PER_LU LU from the
 * -70 LUFS absolute gate up to +30 LUFS (louder blocks go in the top bin;
 * its mean energy is still exact). */
#define DIST_PER_LU 100
#define DIST_FLOOR_LUFS (-70.0)
#define DIST_BINS (100 * DIST_PER_LU)

/* Blocks above the absolute gate: per bin their count and the sum of their
 * energies, and the totals. */
typedef struct {
  uint64_t count[DIST_BINS];
  double energy[DIST_BINS];
  uint64_t n;
  double sum;
} WsLoudnessDist;

#ifdef __GNUC__
#define WS_ALWAYS_INLINE inline __attribute__ ((always_inline))
#else
#define WS_ALWAYS_INLINE inline
#endif

struct WsLoudness {
  unsigned int channels;
  unsigned int rate;
  unsigned int flags;
  WsLoudnessChannel map[WS_LOUDNESS_MAX_CHANNELS];
  uint64_t frames;
  WsDspPath path;

  /* K-weighting of the measured channels (all but UNUSED) */
  WsKWeight kw;
  size_t n_meas;
  unsigned int meas[WS_LOUDNESS_MAX_CHANNELS];
  double meas_weight[WS_LOUDNESS_MAX_CHANNELS];
  WsKWeightState kstate[WS_LOUDNESS_MAX_CHANNELS];
  double energy[PEAK_BLOCK]; /* scratch: one energy per frame */

  /* 100 ms sub-blocks (libebur128's (rate + 5) / 10 frames) */
  size_t sub_frames;
  size_t sub_pos;
  double sub_acc;
  uint64_t n_subs;
  double sub_energy[SUBS_S]; /* ring of sums, index n_subs % SUBS_S */
  WsLoudnessDist *gating;    /* the 400 ms blocks, every 100 ms */
  WsLoudnessDist *shortterm; /* the 3 s blocks, every 1 s */

  /* the frame energies of the last SUBS_S sub-blocks, for the getters */
  double *ring;
  size_t ring_frames;

  /* max momentary / short-term from 10 ms energies */
  size_t step_frames; /* 0: not tracked (rate < 100 Hz) */
  size_t step_pos;
  double step_acc;
  uint64_t n_steps;
  double step_energy[STEPS_S]; /* ring, index n_steps % STEPS_S */
  double max_m_energy;
  double max_s_energy;

  /* peaks: absolute float values kept as their bit patterns (int32 order of
   * non-negative floats equals their numeric order) */
  unsigned int n_phases; /* oversampling phases besides the samples */
  float coef[TP_MAX_PHASES][TP_TAPS];
  float *block; /* channels * TP_STRIDE */
  size_t fill;
  int32_t *sample_peak;     /* per channel */
  int32_t *true_peak;       /* per channel */
  int32_t *prev_block_peak; /* per channel: sample peak of last block */
  float gain_bound;         /* max over branches of sum |coef| */
};

/* ---- true-peak interpolator ------------------------------------------- */

static double
bessel_i0 (double x)
{
  double sum = 1.0, term = 1.0;
  int k;

  for (k = 1; k < 50; k++) {
    term *= (x / (2.0 * k)) * (x / (2.0 * k));
    sum += term;
    if (term < sum * 1e-12)
      break;
  }
  return sum;
}

/* Designs the interpolator: a Kaiser-windowed (beta 5) sinc low-pass at
 * the input Nyquist frequency, TP_TAPS * factor + 1 taps long and centred,
 * so branch 0 is the input sample itself (the sample peak) and branches
 * 1..factor-1 hold TP_TAPS taps each. Each branch is normalised to unity
 * gain at DC. */
static void
design_interpolator (WsLoudness *self, unsigned int factor)
{
  const double beta = 5.0;
  const int n_taps = TP_TAPS * (int) factor + 1;
  const double centre = (n_taps - 1) / 2.0;
  unsigned int p;
  int m;

  self->n_phases = factor - 1;
  self->gain_bound = 1.0f;
  for (p = 1; p < factor; p++) {
    double sum = 0.0, l1 = 0.0;
    double h[TP_TAPS];

    for (m = 0; m < TP_TAPS; m++) {
      int k = (int) factor * m + (int) p;
      double t = (k - centre) / factor;
      double r = (k - centre) / centre;
      double sinc = sin (M_PI * t) / (M_PI * t);
      double w = bessel_i0 (beta * sqrt (fmax (0.0, 1.0 - r * r))) /
                 bessel_i0 (beta);

      h[m] = sinc * w;
      sum += h[m];
    }
    for (m = 0; m < TP_TAPS; m++) {
      self->coef[p - 1][m] = (float) (h[m] / sum);
      l1 += fabs (h[m] / sum);
    }
    /* a little above the exact sum, for float rounding */
    if (l1 * 1.001 > self->gain_bound)
      self->gain_bound = (float) (l1 * 1.001);
  }
}

static WS_ALWAYS_INLINE int32_t
abs_bits (float v)
{
  int32_t bits;

  memcpy (&bits, &v, sizeof bits);
  return bits & 0x7fffffff;
}

/* The highest absolute sample of @count frames at @x, as bits. */
static WS_ALWAYS_INLINE int32_t
sample_peak_bits (const float *restrict x, size_t count)
{
  int32_t sp = 0;
  size_t n;

  for (n = 0; n < count; n++) {
    int32_t b = abs_bits (x[n]);
    sp = b > sp ? b : sp;
  }
  return sp;
}

/* The highest absolute interpolated value of @count frames of one channel,
 * or @tp if higher. @x points at the channel's block (TP_HIST history
 * samples, then the new ones). Called with the constant PEAK_BLOCK for full
 * blocks, where the loops vectorise without a remainder. */
static WS_ALWAYS_INLINE int32_t
interpolated_peak_bits (const float *restrict x, size_t count,
    const float (*restrict coef)[TP_TAPS], unsigned int n_phases, int32_t tp)
{
  unsigned int p;
  size_t n;

  for (p = 0; p < n_phases; p++) {
    const float *h = coef[p];

    for (n = 0; n < count; n++) {
      const float *xp = x + n;
      float y = h[0] * xp[11] + h[1] * xp[10] + h[2] * xp[9] + h[3] * xp[8] +
                h[4] * xp[7] + h[5] * xp[6] + h[6] * xp[5] + h[7] * xp[4] +
                h[8] * xp[3] + h[9] * xp[2] + h[10] * xp[1] + h[11] * xp[0];
      int32_t b = abs_bits (y);

      tp = b > tp ? b : tp;
    }
  }
  return tp;
}

static float
bits_to_float (int32_t bits)
{
  float v;

  memcpy (&v, &bits, sizeof v);
  return v;
}

/* Runs the peak measurement over the full blocks of every channel. An
 * interpolated value is a weighted sum of TP_TAPS samples, so it can not
 * exceed gain_bound times the largest of them (the block and its history,
 * which lies in the previous block): a block whose bound is below the true
 * peak so far cannot raise it and is skipped. Exact, and it skips most
 * blocks of real programmes once the loudest passage has been seen. */
static WS_ALWAYS_INLINE void
full_block_peaks (WsLoudness *self)
{
  unsigned int c;
  int want_tp = (self->flags & WS_LOUDNESS_FLAG_TRUE_PEAK) != 0;

  for (c = 0; c < self->channels; c++) {
    float *x = self->block + (size_t) c * TP_STRIDE;
    int32_t bp = sample_peak_bits (x + TP_HIST, PEAK_BLOCK);

    if (bp > self->sample_peak[c])
      self->sample_peak[c] = bp;
    if (want_tp) {
      int32_t around = bp > self->prev_block_peak[c] ? bp :
                                                       self->prev_block_peak[c];
      int32_t tp = self->true_peak[c] > bp ? self->true_peak[c] : bp;

      if (bits_to_float (around) * self->gain_bound > bits_to_float (tp))
        tp = interpolated_peak_bits (x, PEAK_BLOCK,
            (const float (*)[TP_TAPS]) self->coef, self->n_phases, tp);
      self->true_peak[c] = tp;
      self->prev_block_peak[c] = bp;
    }
    memmove (x, x + PEAK_BLOCK, TP_HIST * sizeof (float));
  }
  self->fill = 0;
}

/* The same loops compiled for the baseline ISA (SSE2 on x86-64, where gcc
 * vectorises them 4 floats wide) and for AVX2 (8 wide, and a native signed
 * maximum instead of SSE2's compare-and-blend); the arithmetic is the same
 * (no fused multiply-adds), so are the peaks. */
static void
full_block_peaks_generic (WsLoudness *self)
{
  full_block_peaks (self);
}

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
__attribute__ ((target ("avx2"))) static void
full_block_peaks_avx2 (WsLoudness *self)
{
  full_block_peaks (self);
}
#endif

static void
process_full_block (WsLoudness *self)
{
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
  if (self->path == WS_DSP_AVX2) {
    full_block_peaks_avx2 (self);
    return;
  }
#endif
  full_block_peaks_generic (self);
}

/* ---- max momentary / short-term --------------------------------------- */

static void
finish_step (WsLoudness *self)
{
  double energy = self->step_acc / (double) self->step_frames, sum;
  size_t i, idx;

  self->step_acc = 0.0;
  self->step_energy[self->n_steps % STEPS_S] = energy;
  self->n_steps++;

  if (self->n_steps >= STEPS_M) {
    sum = 0.0;
    for (i = 0; i < STEPS_M; i++) {
      idx = (size_t) ((self->n_steps - 1 - i) % STEPS_S);
      sum += self->step_energy[idx];
    }
    if (sum / STEPS_M > self->max_m_energy)
      self->max_m_energy = sum / STEPS_M;
  }
  if (self->n_steps >= STEPS_S) {
    sum = 0.0;
    for (i = 0; i < STEPS_S; i++)
      sum += self->step_energy[i];
    if (sum / STEPS_S > self->max_s_energy)
      self->max_s_energy = sum / STEPS_S;
  }
}

/* ---- gating and loudness range -----------------------------------------
 * ITU-R BS.1770-4 gates the 400 ms blocks twice: at -70 LUFS absolute and
 * at 10 LU below the mean energy of the blocks above that; EBU Tech 3342
 * gates the 3 s blocks at -70 LUFS and 20 LU below their mean, then takes
 * the 10th and 95th percentiles of what is left. Keeping every block would
 * grow without bound on a live stream, so each block goes into a
 * distribution of 1/DIST_PER_LU LU bins that also sums the energies:
 * the means are exact sums, only the relative gate's own bin is taken whole
 * or not at all (by its blocks' mean) and a percentile is the mean of the
 * bin it falls in, so both are within 1/DIST_PER_LU LU of the exact value
 * in constant memory. */

static double
energy_to_lufs (double energy)
{
  if (energy <= 0.0)
    return -HUGE_VAL;
  return 10.0 * log10 (energy) - 0.691;
}

static void
dist_add (WsLoudnessDist *d, double energy)
{
  double lufs = energy_to_lufs (energy);
  double pos;
  size_t i;

  if (!(lufs > DIST_FLOOR_LUFS))
    return; /* the absolute gate */
  pos = (lufs - DIST_FLOOR_LUFS) * DIST_PER_LU;
  i = pos >= DIST_BINS - 1 ? DIST_BINS - 1 : (size_t) pos;
  d->count[i]++;
  d->energy[i] += energy;
  d->n++;
  d->sum += energy;
}

/* The loudness of bin @i's blocks (their mean energy). */
static double
dist_bin_lufs (const WsLoudnessDist *d, size_t i)
{
  return energy_to_lufs (d->energy[i] / (double) d->count[i]);
}

/* The first bin above the relative gate @below_lu under the mean of all
 * the blocks; @n and @sum get the count and energy of the blocks from
 * there up (0 when none). */
static size_t
dist_relative_gate (const WsLoudnessDist *d, double below_lu, uint64_t *n,
    double *sum)
{
  double gate, pos;
  size_t first, i;

  *n = 0;
  *sum = 0.0;
  if (d->n == 0)
    return DIST_BINS;
  gate = energy_to_lufs (d->sum / (double) d->n) - below_lu;
  pos = (gate - DIST_FLOOR_LUFS) * DIST_PER_LU;
  first = pos <= 0.0 ? 0 : pos >= DIST_BINS - 1 ? DIST_BINS - 1 : (size_t) pos;
  if (d->count[first] > 0 && dist_bin_lufs (d, first) <= gate)
    first++;
  for (i = first; i < DIST_BINS; i++) {
    *n += d->count[i];
    *sum += d->energy[i];
  }
  return first;
}

/* The loudness at rank @rank (0-based) among the blocks from bin @first
 * up. */
static double
dist_rank_lufs (const WsLoudnessDist *d, size_t first, uint64_t rank)
{
  uint64_t seen = 0;
  size_t i;

  for (i = first; i < DIST_BINS; i++) {
    seen += d->count[i];
    if (seen > rank)
      return dist_bin_lufs (d, i);
  }
  return -HUGE_VAL; /* not reached: rank < the count from @first */
}

/* The sum of the last @n sub-blocks (n <= SUBS_S, n <= n_subs). */
static double
last_subs (const WsLoudness *self, size_t n)
{
  double sum = 0.0;
  size_t i;

  for (i = n; i > 0; i--)
    sum += self->sub_energy[(self->n_subs - i) % SUBS_S];
  return sum;
}

static void
finish_sub (WsLoudness *self)
{
  double energy;

  self->sub_energy[self->n_subs % SUBS_S] = self->sub_acc;
  self->n_subs++;
  self->sub_acc = 0.0;
  self->sub_pos = 0;

  /* a 400 ms gating block every 100 ms */
  if (self->n_subs >= SUBS_M) {
    energy = last_subs (self, SUBS_M) / (double) (SUBS_M * self->sub_frames);
    dist_add (self->gating, energy);
  }
  /* a 3 s short-term block every 1 s for the loudness range */
  if (self->n_subs >= SUBS_S && (self->n_subs - SUBS_S) % SUBS_LRA_HOP == 0) {
    energy = last_subs (self, SUBS_S) / (double) (SUBS_S * self->sub_frames);
    dist_add (self->shortterm, energy);
  }
}

/* Accounts @n frame energies: steps, sub-blocks, ring. */
static void
add_energies (WsLoudness *self, const double *e, size_t n)
{
  size_t i = 0;

  while (i < n) {
    size_t j = n, pos, k;
    double sum;

    if (j - i > self->sub_frames - self->sub_pos)
      j = i + (self->sub_frames - self->sub_pos);
    if (self->step_frames > 0 && j - i > self->step_frames - self->step_pos)
      j = i + (self->step_frames - self->step_pos);

    sum = ws_dsp_sum (self->path, e + i, j - i);
    self->sub_acc += sum;
    self->sub_pos += j - i;

    /* the ring index of a frame is its number modulo ring_frames */
    pos = (size_t) ((self->frames + i) % self->ring_frames);
    k = j - i;
    if (k > self->ring_frames - pos)
      k = self->ring_frames - pos;
    memcpy (self->ring + pos, e + i, k * sizeof *e);
    memcpy (self->ring, e + i + k, (j - i - k) * sizeof *e);

    if (self->sub_pos == self->sub_frames)
      finish_sub (self);
    if (self->step_frames > 0) {
      self->step_acc += sum;
      self->step_pos += j - i;
      if (self->step_pos == self->step_frames) {
        self->step_pos = 0;
        finish_step (self);
      }
    }
    i = j;
  }
}

/* The mean energy of the last @n frames (n <= ring_frames); frames before
 * the first count as silence. */
static double
recent_energy (const WsLoudness *self, size_t n)
{
  size_t end = (size_t) (self->frames % self->ring_frames);
  double sum;

  if (n <= end)
    sum = ws_dsp_sum (self->path, self->ring + end - n, n);
  else
    sum = ws_dsp_sum (self->path, self->ring, end) +
          ws_dsp_sum (self->path, self->ring + self->ring_frames - (n - end),
              n - end);
  return sum / (double) n;
}

/* ---- creation ---------------------------------------------------------- */

/* The ITU-R BS.1770-4 weight of a position (as libebur128 weighs it), 0
 * for an unmeasured one, -1 for an unknown value. */
static double
channel_weight (WsLoudnessChannel ch)
{
  switch (ch) {
    case WS_LOUDNESS_CHANNEL_UNUSED:
      return 0.0;
    case WS_LOUDNESS_CHANNEL_LEFT:
    case WS_LOUDNESS_CHANNEL_RIGHT:
    case WS_LOUDNESS_CHANNEL_CENTER:
    case WS_LOUDNESS_CHANNEL_REAR_LEFT:
    case WS_LOUDNESS_CHANNEL_REAR_RIGHT:
    case WS_LOUDNESS_CHANNEL_REAR_CENTER:
    case WS_LOUDNESS_CHANNEL_OTHER:
      return 1.0;
    case WS_LOUDNESS_CHANNEL_LEFT_SURROUND:
    case WS_LOUDNESS_CHANNEL_RIGHT_SURROUND:
    case WS_LOUDNESS_CHANNEL_SIDE_LEFT:
    case WS_LOUDNESS_CHANNEL_SIDE_RIGHT:
    case WS_LOUDNESS_CHANNEL_WIDE_LEFT:
    case WS_LOUDNESS_CHANNEL_WIDE_RIGHT:
      return 1.41;
    case WS_LOUDNESS_CHANNEL_DUAL_MONO:
      return 2.0;
  }
  return -1.0;
}

static WsResult
fill_map (WsLoudnessChannel *map, unsigned int channels,
    WsLoudnessLayout layout, const WsLoudnessChannel *user_map)
{
  static const WsLoudnessChannel five_0[] = { WS_LOUDNESS_CHANNEL_LEFT,
    WS_LOUDNESS_CHANNEL_RIGHT, WS_LOUDNESS_CHANNEL_CENTER,
    WS_LOUDNESS_CHANNEL_LEFT_SURROUND, WS_LOUDNESS_CHANNEL_RIGHT_SURROUND };
  static const WsLoudnessChannel five_1[] = { WS_LOUDNESS_CHANNEL_LEFT,
    WS_LOUDNESS_CHANNEL_RIGHT, WS_LOUDNESS_CHANNEL_CENTER,
    WS_LOUDNESS_CHANNEL_UNUSED, WS_LOUDNESS_CHANNEL_LEFT_SURROUND,
    WS_LOUDNESS_CHANNEL_RIGHT_SURROUND };
  unsigned int c;

  if (layout == WS_LOUDNESS_LAYOUT_DEFAULT) {
    if (channels == 1)
      layout = WS_LOUDNESS_LAYOUT_MONO;
    else if (channels == 2)
      layout = WS_LOUDNESS_LAYOUT_STEREO;
    else if (channels == 6)
      layout = WS_LOUDNESS_LAYOUT_5_1;
    else {
      for (c = 0; c < channels; c++)
        map[c] = WS_LOUDNESS_CHANNEL_OTHER;
      return WS_RESULT_OK;
    }
  }

  switch (layout) {
    case WS_LOUDNESS_LAYOUT_MONO:
      if (channels != 1)
        return WS_RESULT_INVALID_ARGUMENT;
      map[0] = WS_LOUDNESS_CHANNEL_DUAL_MONO;
      return WS_RESULT_OK;
    case WS_LOUDNESS_LAYOUT_STEREO:
      if (channels != 2)
        return WS_RESULT_INVALID_ARGUMENT;
      map[0] = WS_LOUDNESS_CHANNEL_LEFT;
      map[1] = WS_LOUDNESS_CHANNEL_RIGHT;
      return WS_RESULT_OK;
    case WS_LOUDNESS_LAYOUT_5_0:
      if (channels != 5)
        return WS_RESULT_INVALID_ARGUMENT;
      memcpy (map, five_0, sizeof five_0);
      return WS_RESULT_OK;
    case WS_LOUDNESS_LAYOUT_5_1:
      if (channels != 6)
        return WS_RESULT_INVALID_ARGUMENT;
      memcpy (map, five_1, sizeof five_1);
      return WS_RESULT_OK;
    case WS_LOUDNESS_LAYOUT_MAP:
      if (user_map == NULL)
        return WS_RESULT_INVALID_ARGUMENT;
      for (c = 0; c < channels; c++) {
        if (channel_weight (user_map[c]) < 0.0 ||
            (user_map[c] == WS_LOUDNESS_CHANNEL_DUAL_MONO && channels != 1))
          return WS_RESULT_INVALID_ARGUMENT;
        map[c] = user_map[c];
      }
      return WS_RESULT_OK;
    case WS_LOUDNESS_LAYOUT_DEFAULT:
      break;
  }
  return WS_RESULT_INVALID_ARGUMENT;
}

static void
clear_measurements (WsLoudness *self)
{
  self->frames = 0;
  memset (self->kstate, 0, sizeof self->kstate);
  self->sub_pos = 0;
  self->sub_acc = 0.0;
  self->n_subs = 0;
  memset (self->sub_energy, 0, sizeof self->sub_energy);
  memset (self->gating, 0, sizeof *self->gating);
  memset (self->shortterm, 0, sizeof *self->shortterm);
  memset (self->ring, 0, self->ring_frames * sizeof (double));
  self->step_pos = 0;
  self->step_acc = 0.0;
  self->n_steps = 0;
  memset (self->step_energy, 0, sizeof self->step_energy);
  self->max_m_energy = -1.0;
  self->max_s_energy = -1.0;
  self->fill = 0;
  memset (self->block, 0, (size_t) self->channels * TP_STRIDE * sizeof (float));
  memset (self->sample_peak, 0, self->channels * sizeof (int32_t));
  memset (self->true_peak, 0, self->channels * sizeof (int32_t));
  memset (self->prev_block_peak, 0, self->channels * sizeof (int32_t));
}

WsResult
ws_loudness_new (WsLoudness **out, unsigned int channels, unsigned int rate_hz,
    WsLoudnessLayout layout, const WsLoudnessChannel *map, unsigned int flags)
{
  WsLoudness *self;
  const char *env;
  WsResult res;
  unsigned int c;

  if (out == NULL || channels == 0 || channels > WS_LOUDNESS_MAX_CHANNELS ||
      rate_hz < WS_LOUDNESS_MIN_RATE || rate_hz > WS_LOUDNESS_MAX_RATE ||
      (flags & ~(unsigned int) (WS_LOUDNESS_FLAG_TRUE_PEAK |
                                WS_LOUDNESS_FLAG_SCALAR)) != 0)
    return WS_RESULT_INVALID_ARGUMENT;

  self = calloc (1, sizeof *self);
  if (self == NULL)
    return WS_RESULT_NO_MEMORY;
  self->channels = channels;
  self->rate = rate_hz;
  self->flags = flags;
  res = fill_map (self->map, channels, layout, map);
  if (res != WS_RESULT_OK) {
    free (self);
    return res;
  }

  self->block = calloc ((size_t) channels * TP_STRIDE, sizeof (float));
  self->sample_peak = calloc (channels, sizeof (int32_t));
  self->true_peak = calloc (channels, sizeof (int32_t));
  self->prev_block_peak = calloc (channels, sizeof (int32_t));
  self->sub_frames = (rate_hz + 5) / 10;
  self->ring_frames = SUBS_S * self->sub_frames;
  self->ring = calloc (self->ring_frames, sizeof (double));
  self->gating = calloc (1, sizeof (WsLoudnessDist));
  self->shortterm = calloc (1, sizeof (WsLoudnessDist));
  if (self->block == NULL || self->sample_peak == NULL ||
      self->true_peak == NULL || self->prev_block_peak == NULL ||
      self->ring == NULL || self->gating == NULL || self->shortterm == NULL) {
    ws_loudness_free (self);
    return WS_RESULT_NO_MEMORY;
  }

  env = getenv ("WS_LOUDNESS_SCALAR");
  if ((flags & WS_LOUDNESS_FLAG_SCALAR) ||
      (env != NULL && *env != '\0' && strcmp (env, "0") != 0))
    self->path = WS_DSP_SCALAR;
  else
    self->path = ws_dsp_best_path ();
  ws_kweight_design (&self->kw, rate_hz);
  for (c = 0; c < channels; c++) {
    double w = channel_weight (self->map[c]);

    if (w > 0.0) {
      self->meas[self->n_meas] = c;
      self->meas_weight[self->n_meas] = w;
      self->n_meas++;
    }
  }
  /* BS.1770-4 Annex 2 asks for 4x at 48 kHz; higher rates need less */
  if (rate_hz < 96000)
    design_interpolator (self, 4);
  else if (rate_hz < 192000)
    design_interpolator (self, 2);
  else
    self->n_phases = 0;

  self->step_frames = rate_hz / 100;
  clear_measurements (self);
  *out = self;
  return WS_RESULT_OK;
}

void
ws_loudness_free (WsLoudness *loudness)
{
  if (loudness == NULL)
    return;
  free (loudness->block);
  free (loudness->sample_peak);
  free (loudness->true_peak);
  free (loudness->prev_block_peak);
  free (loudness->ring);
  free (loudness->gating);
  free (loudness->shortterm);
  free (loudness);
}

WsResult
ws_loudness_reset (WsLoudness *loudness)
{
  if (loudness == NULL)
    return WS_RESULT_INVALID_ARGUMENT;
  clear_measurements (loudness);
  return WS_RESULT_OK;
}

/* ---- adding audio ------------------------------------------------------ */

/* Measures the @k frames just put into the blocks at fill: K-weighting and
 * energies now, the peaks when the block is full. */
static void
consume (WsLoudness *self, size_t k)
{
  const float *x[WS_LOUDNESS_MAX_CHANNELS];
  size_t m;

  for (m = 0; m < self->n_meas; m++)
    x[m] = self->block + (size_t) self->meas[m] * TP_STRIDE + TP_HIST +
           self->fill;
  ws_kweight_run (&self->kw, self->path, x, self->kstate, self->meas_weight,
      self->n_meas, self->energy, k);
  add_energies (self, self->energy, k);
  self->frames += k;
  self->fill += k;
  if (self->fill == PEAK_BLOCK)
    process_full_block (self);
}

/* Stereo de-interleaving in GCC vector extensions (SSE2 shuffles and
 * conversions on x86-64; the same rounding as the scalar cast and
 * multiply): the frames done, a multiple of 8 (s16) or 4 (s32, f32); the
 * caller does the rest. */
typedef int16_t v8s16 __attribute__ ((vector_size (16)));
typedef int32_t v4s32 __attribute__ ((vector_size (16)));
typedef float v4f __attribute__ ((vector_size (16)));

/* the even and the odd lanes of two vectors (GCC and clang spell it
 * differently) */
#if defined(__clang__)
#define EVEN8(a, b) __builtin_shufflevector (a, b, 0, 2, 4, 6, 8, 10, 12, 14)
#define ODD8(a, b) __builtin_shufflevector (a, b, 1, 3, 5, 7, 9, 11, 13, 15)
#define EVEN4(a, b) __builtin_shufflevector (a, b, 0, 2, 4, 6)
#define ODD4(a, b) __builtin_shufflevector (a, b, 1, 3, 5, 7)
#else
#define EVEN8(a, b) \
  __builtin_shuffle (a, b, (v8s16){ 0, 2, 4, 6, 8, 10, 12, 14 })
#define ODD8(a, b) \
  __builtin_shuffle (a, b, (v8s16){ 1, 3, 5, 7, 9, 11, 13, 15 })
#define EVEN4(a, b) __builtin_shuffle (a, b, (v4s32){ 0, 2, 4, 6 })
#define ODD4(a, b) __builtin_shuffle (a, b, (v4s32){ 1, 3, 5, 7 })
#endif

static size_t
split_stereo_s16 (const int16_t *src, float *d0, float *d1, size_t k)
{
  size_t i;

  for (i = 0; i + 8 <= k; i += 8) {
    v8s16 a, b, l, r;
    v4s32 l0, l1, r0, r1;
    v4f f;

    memcpy (&a, src + 2 * i, sizeof a);
    memcpy (&b, src + 2 * i + 8, sizeof b);
    l = EVEN8 (a, b);
    r = ODD8 (a, b);
    /* widen to int32: the low and the high four lanes */
    l0 = (v4s32){ l[0], l[1], l[2], l[3] };
    l1 = (v4s32){ l[4], l[5], l[6], l[7] };
    r0 = (v4s32){ r[0], r[1], r[2], r[3] };
    r1 = (v4s32){ r[4], r[5], r[6], r[7] };
    f = __builtin_convertvector(l0, v4f) * (1.0f / 32768.0f);
    memcpy (d0 + i, &f, sizeof f);
    f = __builtin_convertvector(l1, v4f) * (1.0f / 32768.0f);
    memcpy (d0 + i + 4, &f, sizeof f);
    f = __builtin_convertvector(r0, v4f) * (1.0f / 32768.0f);
    memcpy (d1 + i, &f, sizeof f);
    f = __builtin_convertvector(r1, v4f) * (1.0f / 32768.0f);
    memcpy (d1 + i + 4, &f, sizeof f);
  }
  return i;
}

/* 4 frames at a time of 32-bit samples (VEC: v4s32 or v4f). */
#define DEFINE_SPLIT4(suffix, type, VEC, scale)                               \
  static size_t split_stereo_##suffix (const type *src, float *d0, float *d1, \
      size_t k)                                                               \
  {                                                                           \
    size_t i;                                                                 \
    for (i = 0; i + 4 <= k; i += 4) {                                         \
      VEC a, b;                                                               \
      v4f f;                                                                  \
      memcpy (&a, src + 2 * i, sizeof a);                                     \
      memcpy (&b, src + 2 * i + 4, sizeof b);                                 \
      f = __builtin_convertvector(EVEN4 (a, b), v4f) * (scale);               \
      memcpy (d0 + i, &f, sizeof f);                                          \
      f = __builtin_convertvector(ODD4 (a, b), v4f) * (scale);                \
      memcpy (d1 + i, &f, sizeof f);                                          \
    }                                                                         \
    return i;                                                                 \
  }

DEFINE_SPLIT4 (s32, int32_t, v4s32, 1.0f / 2147483648.0f)
DEFINE_SPLIT4 (f32, float, v4f, 1.0f)

static size_t
split_stereo_f64 (const double *src, float *d0, float *d1, size_t k)
{
  (void) src;
  (void) d0;
  (void) d1;
  (void) k;
  return 0; /* the scalar loop converts */
}

/* De-interleaves (and scales to +-1.0) @n frames into the blocks, measuring
 * as it goes. Stereo, the common case, is split with vector shuffles (no
 * per-sample calls or channel strides). */
#define DEFINE_DEINTERLEAVE(suffix, type, scale)                        \
  static void deinterleave_##suffix (WsLoudness *self, const type *src, \
      size_t n)                                                         \
  {                                                                     \
    const size_t ch = self->channels;                                   \
    while (n > 0) {                                                     \
      size_t k = PEAK_BLOCK - self->fill;                               \
      size_t c, i;                                                      \
      if (k > n)                                                        \
        k = n;                                                          \
      if (ch == 2) {                                                    \
        float *restrict d0 = self->block + TP_HIST + self->fill;        \
        float *restrict d1 = d0 + TP_STRIDE;                            \
        i = split_stereo_##suffix (src, d0, d1, k);                     \
        for (; i < k; i++) {                                            \
          d0[i] = (float) src[2 * i] * (scale);                         \
          d1[i] = (float) src[2 * i + 1] * (scale);                     \
        }                                                               \
      } else {                                                          \
        for (c = 0; c < ch; c++) {                                      \
          float *restrict dst = self->block + c * TP_STRIDE + TP_HIST + \
                                self->fill;                             \
          const type *s = src + c;                                      \
          for (i = 0; i < k; i++)                                       \
            dst[i] = (float) s[i * ch] * (scale);                       \
        }                                                               \
      }                                                                 \
      src += k * ch;                                                    \
      n -= k;                                                           \
      consume (self, k);                                                \
    }                                                                   \
  }

DEFINE_DEINTERLEAVE (f32, float, 1.0f)
DEFINE_DEINTERLEAVE (f64, double, 1.0f)
DEFINE_DEINTERLEAVE (s16, int16_t, 1.0f / 32768.0f)
DEFINE_DEINTERLEAVE (s32, int32_t, 1.0f / 2147483648.0f)

#define DEFINE_ADD(suffix, type)                                  \
  WsResult ws_loudness_add_frames_##suffix (WsLoudness *loudness, \
      const type *frames, size_t n_frames)                        \
  {                                                               \
    if (loudness == NULL || (frames == NULL && n_frames > 0))     \
      return WS_RESULT_INVALID_ARGUMENT;                          \
    deinterleave_##suffix (loudness, frames, n_frames);           \
    return WS_RESULT_OK;                                          \
  }

DEFINE_ADD (f32, float)
DEFINE_ADD (f64, double)
DEFINE_ADD (s16, int16_t)
DEFINE_ADD (s32, int32_t)

WsResult
ws_loudness_add_planar_f32 (WsLoudness *loudness, const float *const *planes,
    size_t n_frames)
{
  size_t done = 0, c;

  if (loudness == NULL || (planes == NULL && n_frames > 0))
    return WS_RESULT_INVALID_ARGUMENT;
  if (n_frames == 0)
    return WS_RESULT_OK;
  for (c = 0; c < loudness->channels; c++)
    if (planes[c] == NULL)
      return WS_RESULT_INVALID_ARGUMENT;

  while (done < n_frames) {
    size_t k = PEAK_BLOCK - loudness->fill;

    if (k > n_frames - done)
      k = n_frames - done;
    for (c = 0; c < loudness->channels; c++)
      memcpy (loudness->block + c * TP_STRIDE + TP_HIST + loudness->fill,
          planes[c] + done, k * sizeof (float));
    consume (loudness, k);
    done += k;
  }
  return WS_RESULT_OK;
}

/* ---- measurements ------------------------------------------------------ */

static double
bits_to_db (int32_t bits)
{
  float v = bits_to_float (bits);

  if (v <= 0.0f)
    return -HUGE_VAL;
  return 20.0 * log10 ((double) v);
}

WsResult
ws_loudness_get_momentary (const WsLoudness *loudness, double *out_lufs)
{
  double v;

  if (loudness == NULL || out_lufs == NULL)
    return WS_RESULT_INVALID_ARGUMENT;
  if (loudness->frames < (uint64_t) loudness->rate * 4 / 10)
    return WS_RESULT_NO_DATA;
  v = recent_energy (loudness, SUBS_M * loudness->sub_frames);
  *out_lufs = energy_to_lufs (v);
  return WS_RESULT_OK;
}

WsResult
ws_loudness_get_shortterm (const WsLoudness *loudness, double *out_lufs)
{
  double v;

  if (loudness == NULL || out_lufs == NULL)
    return WS_RESULT_INVALID_ARGUMENT;
  if (loudness->frames < (uint64_t) loudness->rate * 3)
    return WS_RESULT_NO_DATA;
  v = recent_energy (loudness, SUBS_S * loudness->sub_frames);
  *out_lufs = energy_to_lufs (v);
  return WS_RESULT_OK;
}

/* The integrated loudness (BS.1770-4 gating); -HUGE_VAL when no block is
 * above the gates. */
static double
gated_loudness (const WsLoudness *self)
{
  uint64_t n;
  double sum;

  dist_relative_gate (self->gating, 10.0, &n, &sum);
  return n == 0 ? -HUGE_VAL : energy_to_lufs (sum / (double) n);
}

WsResult
ws_loudness_get_integrated (const WsLoudness *loudness, double *out_lufs)
{
  double v;

  if (loudness == NULL || out_lufs == NULL)
    return WS_RESULT_INVALID_ARGUMENT;
  v = gated_loudness (loudness);
  if (!isfinite (v))
    return WS_RESULT_NO_DATA;
  *out_lufs = v;
  return WS_RESULT_OK;
}

WsResult
ws_loudness_get_recent (const WsLoudness *loudness, double *momentary_lufs,
    double *shortterm_lufs)
{
  double sum = 0.0, m = NAN, s = NAN;
  size_t i;

  if (loudness == NULL || momentary_lufs == NULL || shortterm_lufs == NULL)
    return WS_RESULT_INVALID_ARGUMENT;
  if (loudness->step_frames == 0)
    return WS_RESULT_UNSUPPORTED_FORMAT;
  if (loudness->n_steps >= STEPS_M) {
    for (i = 0; i < STEPS_M; i++)
      sum += loudness->step_energy[(loudness->n_steps - 1 - i) % STEPS_S];
    m = energy_to_lufs (sum / STEPS_M);
  }
  if (loudness->n_steps >= STEPS_S) {
    sum = 0.0;
    for (i = 0; i < STEPS_S; i++)
      sum += loudness->step_energy[i];
    s = energy_to_lufs (sum / STEPS_S);
  }
  *momentary_lufs = m;
  *shortterm_lufs = s;
  return WS_RESULT_OK;
}

/* The loudness range (EBU Tech 3342): the 95th minus the 10th percentile
 * of the gated short-term loudness, each taken at rank
 * round ((n - 1) * p) of the n blocks in ascending order, as Tech 3342's
 * own definition computes it. */
static double
loudness_range (const WsLoudness *self)
{
  const WsLoudnessDist *d = self->shortterm;
  uint64_t n;
  double sum;
  size_t first;

  first = dist_relative_gate (d, 20.0, &n, &sum);
  if (n == 0)
    return 0.0;
  return dist_rank_lufs (d, first,
             (uint64_t) llround ((double) (n - 1) * 0.95)) -
         dist_rank_lufs (d, first,
             (uint64_t) llround ((double) (n - 1) * 0.10));
}

WsResult
ws_loudness_get_range (const WsLoudness *loudness, double *out_lu)
{
  if (loudness == NULL || out_lu == NULL)
    return WS_RESULT_INVALID_ARGUMENT;
  if (loudness->frames < (uint64_t) loudness->rate * 3)
    return WS_RESULT_NO_DATA;
  *out_lu = loudness_range (loudness);
  return WS_RESULT_OK;
}

WsResult
ws_loudness_get_max_momentary (const WsLoudness *loudness, double *out_lufs)
{
  if (loudness == NULL || out_lufs == NULL)
    return WS_RESULT_INVALID_ARGUMENT;
  if (loudness->max_m_energy < 0.0)
    return WS_RESULT_NO_DATA;
  *out_lufs = energy_to_lufs (loudness->max_m_energy);
  return WS_RESULT_OK;
}

WsResult
ws_loudness_get_max_shortterm (const WsLoudness *loudness, double *out_lufs)
{
  if (loudness == NULL || out_lufs == NULL)
    return WS_RESULT_INVALID_ARGUMENT;
  if (loudness->max_s_energy < 0.0)
    return WS_RESULT_NO_DATA;
  *out_lufs = energy_to_lufs (loudness->max_s_energy);
  return WS_RESULT_OK;
}

/* The peaks of channel @c including the pending partial block. */
static void
channel_peak_bits (const WsLoudness *self, size_t c, int32_t *sp, int32_t *tp)
{
  const float *x = self->block + c * TP_STRIDE;

  *sp = self->sample_peak[c];
  *tp = self->true_peak[c];
  if (self->fill > 0) {
    int32_t bp = sample_peak_bits (x + TP_HIST, self->fill);

    *sp = bp > *sp ? bp : *sp;
    if (self->flags & WS_LOUDNESS_FLAG_TRUE_PEAK)
      *tp = interpolated_peak_bits (x, self->fill,
          (const float (*)[TP_TAPS]) self->coef, self->n_phases, *tp);
  }
  *tp = *sp > *tp ? *sp : *tp;
}

static WsResult
get_peak (const WsLoudness *loudness, size_t channel, int true_peak,
    double *out)
{
  int32_t best = 0, sp, tp;
  size_t c;

  if (loudness == NULL || out == NULL ||
      (channel != WS_LOUDNESS_ALL_CHANNELS && channel >= loudness->channels))
    return WS_RESULT_INVALID_ARGUMENT;
  if (true_peak && !(loudness->flags & WS_LOUDNESS_FLAG_TRUE_PEAK))
    return WS_RESULT_UNSUPPORTED_FORMAT;
  if (loudness->frames == 0)
    return WS_RESULT_NO_DATA;

  for (c = 0; c < loudness->channels; c++) {
    int32_t v;

    if (channel != WS_LOUDNESS_ALL_CHANNELS && channel != c)
      continue;
    channel_peak_bits (loudness, c, &sp, &tp);
    v = true_peak ? (tp > sp ? tp : sp) : sp;
    if (v > best)
      best = v;
  }
  *out = bits_to_db (best);
  return WS_RESULT_OK;
}

WsResult
ws_loudness_get_sample_peak (const WsLoudness *loudness, size_t channel,
    double *out_dbfs)
{
  return get_peak (loudness, channel, 0, out_dbfs);
}

WsResult
ws_loudness_get_true_peak (const WsLoudness *loudness, size_t channel,
    double *out_dbtp)
{
  return get_peak (loudness, channel, 1, out_dbtp);
}

unsigned int
ws_loudness_get_channels (const WsLoudness *loudness)
{
  return loudness ? loudness->channels : 0;
}

unsigned int
ws_loudness_get_rate (const WsLoudness *loudness)
{
  return loudness ? loudness->rate : 0;
}

uint64_t
ws_loudness_get_frames (const WsLoudness *loudness)
{
  return loudness ? loudness->frames : 0;
}

const char *
ws_loudness_get_code_path (const WsLoudness *loudness)
{
  return loudness ? ws_dsp_path_to_string (loudness->path) : "none";
}

/* ---- compliance -------------------------------------------------------- */

WsResult
ws_loudness_preset_limits (WsLoudnessPreset preset, WsLoudnessLimits *out)
{
  WsLoudnessLimits l;

  if (out == NULL)
    return WS_RESULT_INVALID_ARGUMENT;
  switch (preset) {
    case WS_LOUDNESS_PRESET_EBU_R128:
      l.target_lufs = -23.0;
      l.tolerance_lu = 1.0;
      l.max_true_peak_dbtp = -1.0;
      break;
    case WS_LOUDNESS_PRESET_EBU_R128_STRICT:
      l.target_lufs = -23.0;
      l.tolerance_lu = 0.5;
      l.max_true_peak_dbtp = -1.0;
      break;
    case WS_LOUDNESS_PRESET_ATSC_A85:
      l.target_lufs = -24.0;
      l.tolerance_lu = 2.0;
      l.max_true_peak_dbtp = -2.0;
      break;
    case WS_LOUDNESS_PRESET_CUSTOM:
    default:
      return WS_RESULT_INVALID_ARGUMENT;
  }
  *out = l;
  return WS_RESULT_OK;
}

WsLoudnessChannel
ws_loudness_mono_channel (WsLoudnessMono mono)
{
  return mono == WS_LOUDNESS_MONO_SINGLE ? WS_LOUDNESS_CHANNEL_CENTER :
                                           WS_LOUDNESS_CHANNEL_DUAL_MONO;
}

const char *
ws_loudness_mono_to_string (WsLoudnessMono mono)
{
  switch (mono) {
    case WS_LOUDNESS_MONO_DUAL:
      return "dual-mono";
    case WS_LOUDNESS_MONO_SINGLE:
      return "single";
  }
  return "unknown";
}

const char *
ws_loudness_preset_to_string (WsLoudnessPreset preset)
{
  switch (preset) {
    case WS_LOUDNESS_PRESET_EBU_R128:
      return "ebu-r128";
    case WS_LOUDNESS_PRESET_EBU_R128_STRICT:
      return "ebu-r128-strict";
    case WS_LOUDNESS_PRESET_ATSC_A85:
      return "atsc-a85";
    case WS_LOUDNESS_PRESET_CUSTOM:
      return "custom";
  }
  return "unknown";
}

/* Meters show one decimal; limits are judged on the displayed value. */
static double
round_tenth (double v)
{
  return round (v * 10.0) / 10.0;
}

static void
add_failure (WsLoudnessVerdict *v, WsLoudnessCheck check, double measured,
    double limit, const char *fmt_reason)
{
  WsLoudnessFailure *f;

  if (v->n_failures >= WS_LOUDNESS_MAX_FAILURES)
    return;
  f = &v->failures[v->n_failures++];
  f->check = check;
  f->measured = measured;
  f->limit = limit;
  snprintf (f->reason, sizeof f->reason, "%s", fmt_reason);
}

WsResult
ws_loudness_judge (const WsLoudness *loudness, const WsLoudnessLimits *limits,
    WsLoudnessVerdict *out)
{
  WsLoudnessVerdict v;
  char reason[sizeof v.failures[0].reason];
  double integrated, peak;
  int have_tp;
  WsResult res;

  if (loudness == NULL || limits == NULL || out == NULL ||
      isnan (limits->target_lufs) || isnan (limits->tolerance_lu) ||
      isnan (limits->max_true_peak_dbtp) || limits->tolerance_lu < 0.0)
    return WS_RESULT_INVALID_ARGUMENT;

  memset (&v, 0, sizeof v);
  res = ws_loudness_get_integrated (loudness, &integrated);
  if (res == WS_RESULT_NO_DATA) {
    snprintf (reason, sizeof reason,
        "no integrated loudness: the input is shorter than 400 ms or "
        "entirely below the -70 LUFS gate (target %.1f LUFS)",
        limits->target_lufs);
    add_failure (&v, WS_LOUDNESS_CHECK_INTEGRATED_MISSING, NAN,
        limits->target_lufs, reason);
  } else if (res != WS_RESULT_OK) {
    return res;
  } else {
    double hi = limits->target_lufs + limits->tolerance_lu;
    double lo = limits->target_lufs - limits->tolerance_lu;
    double shown = round_tenth (integrated);

    if (shown > round_tenth (hi) + 1e-9) {
      snprintf (reason, sizeof reason,
          "integrated loudness %.1f LUFS is above the maximum %.1f LUFS "
          "(target %.1f LUFS +/- %.1f LU)",
          shown, hi, limits->target_lufs, limits->tolerance_lu);
      add_failure (&v, WS_LOUDNESS_CHECK_INTEGRATED_HIGH, integrated, hi,
          reason);
    } else if (shown < round_tenth (lo) - 1e-9) {
      snprintf (reason, sizeof reason,
          "integrated loudness %.1f LUFS is below the minimum %.1f LUFS "
          "(target %.1f LUFS +/- %.1f LU)",
          shown, lo, limits->target_lufs, limits->tolerance_lu);
      add_failure (&v, WS_LOUDNESS_CHECK_INTEGRATED_LOW, integrated, lo,
          reason);
    }
  }

  have_tp = (loudness->flags & WS_LOUDNESS_FLAG_TRUE_PEAK) != 0;
  res = have_tp ? ws_loudness_get_true_peak (loudness, WS_LOUDNESS_ALL_CHANNELS,
                      &peak) :
                  ws_loudness_get_sample_peak (loudness,
                      WS_LOUDNESS_ALL_CHANNELS, &peak);
  if (res == WS_RESULT_OK && isfinite (peak) &&
      round_tenth (peak) > round_tenth (limits->max_true_peak_dbtp) + 1e-9) {
    snprintf (reason, sizeof reason,
        "%s %.1f %s is above the maximum %.1f dBTP",
        have_tp ? "true peak" : "sample peak (true peak not measured)",
        round_tenth (peak), have_tp ? "dBTP" : "dBFS",
        limits->max_true_peak_dbtp);
    add_failure (&v,
        have_tp ? WS_LOUDNESS_CHECK_TRUE_PEAK : WS_LOUDNESS_CHECK_SAMPLE_PEAK,
        peak, limits->max_true_peak_dbtp, reason);
  }

  v.pass = v.n_failures == 0;
  *out = v;
  return WS_RESULT_OK;
}
