/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: loudness analysis core (ITU-R BS.1770-4, EBU R 128, ATSC A/85).
 *
 * Plain C: no GLib, no GStreamer. The K-weighting (double precision,
 * vectorised across channels) and the block energies are computed here;
 * momentary, short-term, integrated loudness and loudness range follow
 * BS.1770-4 and EBU Tech 3342 in constant memory (the tests compare them
 * with libebur128 on the same input). The sample
 * peak and the true peak (4x oversampling polyphase FIR, ITU-R BS.1770-4
 * Annex 2 style) are computed block-wise on float. */
#ifndef WS_FILTERS_WS_LOUDNESS_H
#define WS_FILTERS_WS_LOUDNESS_H

#include <stddef.h>
#include <stdint.h>

#include "ws-result.h"

#ifdef __cplusplus
extern "C" {
#endif

/** WS_LOUDNESS_MAX_CHANNELS: the most channels one #WsLoudness takes. */
#define WS_LOUDNESS_MAX_CHANNELS 64
/** WS_LOUDNESS_MIN_RATE: the lowest sample rate in Hz (libebur128's floor). */
#define WS_LOUDNESS_MIN_RATE 16
/** WS_LOUDNESS_MAX_RATE: the highest sample rate in Hz. */
#define WS_LOUDNESS_MAX_RATE 768000
/** WS_LOUDNESS_ALL_CHANNELS: channel index meaning "the maximum over all". */
#define WS_LOUDNESS_ALL_CHANNELS ((size_t) -1)

/**
 * WsLoudness:
 *
 * Opaque analysis state for one stream with a fixed channel count and rate.
 * Not thread-safe: use one per thread, or lock around every call.
 */
typedef struct WsLoudness WsLoudness;

/**
 * WsLoudnessChannel:
 * @WS_LOUDNESS_CHANNEL_UNUSED: not measured for loudness (LFE); its peaks
 *   are still measured.
 * @WS_LOUDNESS_CHANNEL_LEFT: front left, ITU M+030, weight 1.0.
 * @WS_LOUDNESS_CHANNEL_RIGHT: front right, ITU M-030, weight 1.0.
 * @WS_LOUDNESS_CHANNEL_CENTER: front centre, ITU M+000, weight 1.0.
 * @WS_LOUDNESS_CHANNEL_LEFT_SURROUND: ITU M+110, weight 1.41.
 * @WS_LOUDNESS_CHANNEL_RIGHT_SURROUND: ITU M-110, weight 1.41.
 * @WS_LOUDNESS_CHANNEL_DUAL_MONO: a mono channel that stands for two
 *   identical loudspeakers (weight 2.0): a mono programme reads like the
 *   same signal on stereo.
 * @WS_LOUDNESS_CHANNEL_SIDE_LEFT: ITU M+090, weight 1.41.
 * @WS_LOUDNESS_CHANNEL_SIDE_RIGHT: ITU M-090, weight 1.41.
 * @WS_LOUDNESS_CHANNEL_WIDE_LEFT: ITU M+060, weight 1.41.
 * @WS_LOUDNESS_CHANNEL_WIDE_RIGHT: ITU M-060, weight 1.41.
 * @WS_LOUDNESS_CHANNEL_REAR_LEFT: ITU M+135, weight 1.0.
 * @WS_LOUDNESS_CHANNEL_REAR_RIGHT: ITU M-135, weight 1.0.
 * @WS_LOUDNESS_CHANNEL_REAR_CENTER: ITU M+180, weight 1.0.
 * @WS_LOUDNESS_CHANNEL_OTHER: any other loudspeaker (height, ...), weight
 *   1.0.
 *
 * The position of one channel, with its ITU-R BS.1770-4 weight.
 */
typedef enum {
  WS_LOUDNESS_CHANNEL_UNUSED = 0,
  WS_LOUDNESS_CHANNEL_LEFT,
  WS_LOUDNESS_CHANNEL_RIGHT,
  WS_LOUDNESS_CHANNEL_CENTER,
  WS_LOUDNESS_CHANNEL_LEFT_SURROUND,
  WS_LOUDNESS_CHANNEL_RIGHT_SURROUND,
  WS_LOUDNESS_CHANNEL_DUAL_MONO,
  WS_LOUDNESS_CHANNEL_SIDE_LEFT,
  WS_LOUDNESS_CHANNEL_SIDE_RIGHT,
  WS_LOUDNESS_CHANNEL_WIDE_LEFT,
  WS_LOUDNESS_CHANNEL_WIDE_RIGHT,
  WS_LOUDNESS_CHANNEL_REAR_LEFT,
  WS_LOUDNESS_CHANNEL_REAR_RIGHT,
  WS_LOUDNESS_CHANNEL_REAR_CENTER,
  WS_LOUDNESS_CHANNEL_OTHER,
} WsLoudnessChannel;

/**
 * WsLoudnessLayout:
 * @WS_LOUDNESS_LAYOUT_DEFAULT: by channel count: 1 = mono (dual mono),
 *   2 = stereo, 6 = 5.1, anything else = every channel weighted 1.0.
 * @WS_LOUDNESS_LAYOUT_MONO: one channel measured as dual mono.
 * @WS_LOUDNESS_LAYOUT_STEREO: L, R.
 * @WS_LOUDNESS_LAYOUT_5_0: L, R, C, Ls, Rs (EBU Tech 3341 case 6).
 * @WS_LOUDNESS_LAYOUT_5_1: L, R, C, LFE, Ls, Rs (SMPTE / WAV order); the
 *   LFE is excluded from loudness.
 * @WS_LOUDNESS_LAYOUT_MAP: the caller's channel map gives every position,
 *   in any order.
 *
 * Predefined channel layouts for ws_loudness_new().
 */
typedef enum {
  WS_LOUDNESS_LAYOUT_DEFAULT = 0,
  WS_LOUDNESS_LAYOUT_MONO,
  WS_LOUDNESS_LAYOUT_STEREO,
  WS_LOUDNESS_LAYOUT_5_0,
  WS_LOUDNESS_LAYOUT_5_1,
  WS_LOUDNESS_LAYOUT_MAP,
} WsLoudnessLayout;

/**
 * WsLoudnessMono:
 * @WS_LOUDNESS_MONO_DUAL: a one-channel programme is meant for two
 *   loudspeakers (the same signal on left and right, as a stereo receiver
 *   plays it): its channel counts twice (weight 2.0, +3 dB), so it reads
 *   like the identical signal on stereo. EBU Tech 3343 (section 4.3) asks
 *   for this "dual mono" measurement of mono programmes in stereo
 *   broadcasting; it is what %WS_LOUDNESS_LAYOUT_MONO and the default
 *   layout for one channel do.
 * @WS_LOUDNESS_MONO_SINGLE: a one-channel programme played on a single
 *   loudspeaker (e.g. a centre channel): weight 1.0, so it reads 3 LU lower
 *   than %WS_LOUDNESS_MONO_DUAL.
 *
 * The mono rule: how a mono programme is measured. Use
 * ws_loudness_mono_channel() to build a %WS_LOUDNESS_LAYOUT_MAP map.
 */
typedef enum {
  WS_LOUDNESS_MONO_DUAL = 0,
  WS_LOUDNESS_MONO_SINGLE,
} WsLoudnessMono;

/** ws_loudness_mono_channel: the channel position that measures a mono
 * programme under @mono (%WS_LOUDNESS_CHANNEL_DUAL_MONO or
 * %WS_LOUDNESS_CHANNEL_CENTER); an unknown value fails closed to dual mono
 * (the louder reading). */
WsLoudnessChannel ws_loudness_mono_channel (WsLoudnessMono mono);

/** ws_loudness_mono_to_string: "dual-mono", "single"; "unknown" otherwise.
 * Static, never NULL. */
const char *ws_loudness_mono_to_string (WsLoudnessMono mono);

/**
 * WsLoudnessFlags:
 * @WS_LOUDNESS_FLAG_NONE: momentary, short-term, integrated, loudness range,
 *   maximum momentary and short-term, sample peak.
 * @WS_LOUDNESS_FLAG_TRUE_PEAK: also measure the true peak (dBTP). Costs
 *   about as much as the loudness measurement itself.
 * @WS_LOUDNESS_FLAG_SCALAR: run the portable scalar kernels instead of the
 *   vectorised ones (SSE2; AVX2 where the CPU has it), to compare the two:
 *   they agree within 1e-9 relative on every energy (on one machine, to the
 *   last bit). Setting WS_LOUDNESS_SCALAR=1 in the environment does the same
 *   for every state created afterwards.
 */
typedef enum {
  WS_LOUDNESS_FLAG_NONE = 0,
  WS_LOUDNESS_FLAG_TRUE_PEAK = 1 << 0,
  WS_LOUDNESS_FLAG_SCALAR = 1 << 1,
} WsLoudnessFlags;

/**
 * ws_loudness_new:
 * @out: (out) (transfer full): the new state; free with ws_loudness_free().
 *   Set only on success.
 * @channels: 1 to %WS_LOUDNESS_MAX_CHANNELS.
 * @rate_hz: %WS_LOUDNESS_MIN_RATE to %WS_LOUDNESS_MAX_RATE.
 * @layout: a predefined layout, or %WS_LOUDNESS_LAYOUT_MAP.
 * @map: (nullable): with %WS_LOUDNESS_LAYOUT_MAP, @channels positions
 *   (copied); ignored otherwise.
 * @flags: a #WsLoudnessFlags mask.
 *
 * Returns: %WS_RESULT_OK; %WS_RESULT_INVALID_ARGUMENT if @out is NULL, the
 *   channel count or rate is out of range, @layout does not fit @channels
 *   (e.g. 5.1 with 2 channels), @map is NULL or holds an unknown position
 *   with %WS_LOUDNESS_LAYOUT_MAP (or %WS_LOUDNESS_CHANNEL_DUAL_MONO with
 *   more than one channel), or @flags has unknown bits;
 *   %WS_RESULT_NO_MEMORY.
 */
WsResult ws_loudness_new (WsLoudness **out, unsigned int channels,
    unsigned int rate_hz, WsLoudnessLayout layout, const WsLoudnessChannel *map,
    unsigned int flags);

/** ws_loudness_free: frees @loudness and everything it owns. NULL is a
 * no-op. */
void ws_loudness_free (WsLoudness *loudness);

/**
 * ws_loudness_reset:
 * @loudness: the state.
 *
 * Forgets all input (a new programme), keeping channels, rate, layout and
 * flags.
 *
 * Returns: %WS_RESULT_OK; %WS_RESULT_INVALID_ARGUMENT if @loudness is NULL.
 */
WsResult ws_loudness_reset (WsLoudness *loudness);

/**
 * ws_loudness_add_frames_f32:
 * @loudness: the state.
 * @frames: (transfer none): @n_frames interleaved frames, full scale ±1.0.
 * @n_frames: the number of frames (0 is allowed and does nothing).
 *
 * Adds audio. The _s16 (full scale 32768), _s32 (full scale 2^31) and _f64
 * variants are identical but for the sample type. Any block size works;
 * the state processes internally in fixed blocks, so large calls are not
 * slower than small ones. Samples are measured as float (exact for s16 and
 * f32; s32 and f64 keep 24 bits, far below any loudness tolerance), the
 * K-weighting in double.
 *
 * Returns: %WS_RESULT_OK; %WS_RESULT_INVALID_ARGUMENT if @loudness is NULL or
 *   @frames is NULL with @n_frames > 0 (nothing is added).
 */
WsResult ws_loudness_add_frames_f32 (WsLoudness *loudness, const float *frames,
    size_t n_frames);
/** ws_loudness_add_frames_f64: as ws_loudness_add_frames_f32(). */
WsResult ws_loudness_add_frames_f64 (WsLoudness *loudness, const double *frames,
    size_t n_frames);
/** ws_loudness_add_frames_s16: as ws_loudness_add_frames_f32(). */
WsResult ws_loudness_add_frames_s16 (WsLoudness *loudness,
    const int16_t *frames, size_t n_frames);
/** ws_loudness_add_frames_s32: as ws_loudness_add_frames_f32(). */
WsResult ws_loudness_add_frames_s32 (WsLoudness *loudness,
    const int32_t *frames, size_t n_frames);

/**
 * ws_loudness_add_planar_f32:
 * @loudness: the state.
 * @planes: (transfer none): one pointer per channel, each to @n_frames
 *   samples.
 * @n_frames: the number of frames.
 *
 * Adds non-interleaved audio: copied straight into the per-channel blocks
 * the core works on (no allocation), so it is the cheapest input.
 *
 * Returns: as ws_loudness_add_frames_f32(); also
 *   %WS_RESULT_INVALID_ARGUMENT if @planes or one of its planes is NULL.
 */
WsResult ws_loudness_add_planar_f32 (WsLoudness *loudness,
    const float *const *planes, size_t n_frames);

/**
 * ws_loudness_get_momentary:
 * @loudness: the state.
 * @out_lufs: (out): the loudness of the last 400 ms, in LUFS.
 *
 * The getters below all share this contract: on any error *out is untouched.
 *
 * Returns: %WS_RESULT_OK (-HUGE_VAL for digital silence);
 *   %WS_RESULT_INVALID_ARGUMENT for a NULL argument; %WS_RESULT_NO_DATA
 *   before 400 ms of input.
 */
WsResult ws_loudness_get_momentary (const WsLoudness *loudness,
    double *out_lufs);

/** ws_loudness_get_shortterm: the last 3 s, in LUFS. As
 * ws_loudness_get_momentary(), but %WS_RESULT_NO_DATA before 3 s. */
WsResult ws_loudness_get_shortterm (const WsLoudness *loudness,
    double *out_lufs);

/**
 * ws_loudness_get_recent:
 * @loudness: the state.
 * @momentary_lufs: (out): the momentary loudness (400 ms), in LUFS; NAN
 *   before 400 ms of input, -HUGE_VAL for digital silence.
 * @shortterm_lufs: (out): the short-term loudness (3 s), in LUFS; NAN
 *   before 3 s of input, -HUGE_VAL for digital silence.
 *
 * Both readings from the 10 ms energies the state keeps for its maxima
 * (steps of rate / 100 frames): as of the last complete step, so at a step
 * boundary they equal ws_loudness_get_momentary() and
 * ws_loudness_get_shortterm() (within rounding), at a cost of a few hundred
 * additions instead of a pass over the last 3 s of samples. For meters and
 * plots read every few steps.
 *
 * Returns: %WS_RESULT_OK; %WS_RESULT_INVALID_ARGUMENT for a NULL argument;
 *   %WS_RESULT_UNSUPPORTED_FORMAT below 100 Hz sample rate (no steps: use
 *   the two getters). On error the outputs are untouched.
 */
WsResult ws_loudness_get_recent (const WsLoudness *loudness,
    double *momentary_lufs, double *shortterm_lufs);

/**
 * ws_loudness_get_integrated:
 * @loudness: the state.
 * @out_lufs: (out): the gated integrated (programme) loudness, in LUFS.
 *
 * Memory stays constant however long the programme: the gating blocks
 * are counted in bins of 0.01 LU that also sum their energies, so the
 * means are exact and only the relative gate's own bin is decided whole:
 * the value is within 0.01 LU of gating every block kept. The loudness
 * range is kept the same way (its percentiles within 0.01 LU).
 *
 * Returns: %WS_RESULT_OK; %WS_RESULT_INVALID_ARGUMENT for a NULL argument;
 *   %WS_RESULT_NO_DATA before the first 400 ms block or when every block
 *   is below the -70 LUFS absolute gate (silence).
 */
WsResult ws_loudness_get_integrated (const WsLoudness *loudness,
    double *out_lufs);

/**
 * ws_loudness_get_range:
 * @loudness: the state.
 * @out_lu: (out): the loudness range (EBU Tech 3342), in LU.
 *
 * Returns: %WS_RESULT_OK (0.0 for a steady signal);
 *   %WS_RESULT_INVALID_ARGUMENT for a NULL argument; %WS_RESULT_NO_DATA
 *   before 3 s of input.
 */
WsResult ws_loudness_get_range (const WsLoudness *loudness, double *out_lu);

/**
 * ws_loudness_get_max_momentary:
 * @loudness: the state.
 * @out_lufs: (out): the highest momentary loudness seen, refreshed every
 *   10 ms of input (EBU Tech 3341 cases 12-14), in LUFS.
 *
 * Returns: %WS_RESULT_OK; %WS_RESULT_INVALID_ARGUMENT for a NULL argument;
 *   %WS_RESULT_NO_DATA before 400 ms of input or below 100 Hz sample rate.
 */
WsResult ws_loudness_get_max_momentary (const WsLoudness *loudness,
    double *out_lufs);

/** ws_loudness_get_max_shortterm: as ws_loudness_get_max_momentary() for
 * the 3 s window (EBU Tech 3341 cases 9-11); %WS_RESULT_NO_DATA before 3 s.
 */
WsResult ws_loudness_get_max_shortterm (const WsLoudness *loudness,
    double *out_lufs);

/**
 * ws_loudness_get_sample_peak:
 * @loudness: the state.
 * @channel: a channel index, or %WS_LOUDNESS_ALL_CHANNELS for the maximum.
 * @out_dbfs: (out): the highest absolute sample value since creation or
 *   reset, in dBFS (-HUGE_VAL for digital silence).
 *
 * Returns: %WS_RESULT_OK; %WS_RESULT_INVALID_ARGUMENT for a NULL argument
 *   or a channel index out of range; %WS_RESULT_NO_DATA before any input.
 */
WsResult ws_loudness_get_sample_peak (const WsLoudness *loudness,
    size_t channel, double *out_dbfs);

/**
 * ws_loudness_get_true_peak:
 * @loudness: the state.
 * @channel: a channel index, or %WS_LOUDNESS_ALL_CHANNELS for the maximum.
 * @out_dbtp: (out): the true peak since creation or reset, in dBTP: the
 *   maximum of the sample peak and of the signal oversampled 4x (2x at 96
 *   kHz and above, none from 192 kHz) by a polyphase low-pass of 12 taps
 *   per interpolated branch (Kaiser-windowed sinc). Content close to the
 *   Nyquist frequency is under-read, as with every 4x meter (BS.1770-4).
 *
 * Returns: %WS_RESULT_OK; %WS_RESULT_INVALID_ARGUMENT for a NULL argument
 *   or a channel index out of range; %WS_RESULT_UNSUPPORTED_FORMAT if the
 *   state was created without %WS_LOUDNESS_FLAG_TRUE_PEAK;
 *   %WS_RESULT_NO_DATA before any input.
 */
WsResult ws_loudness_get_true_peak (const WsLoudness *loudness, size_t channel,
    double *out_dbtp);

/** ws_loudness_get_channels: the channel count (0 for NULL). */
unsigned int ws_loudness_get_channels (const WsLoudness *loudness);
/** ws_loudness_get_rate: the sample rate in Hz (0 for NULL). */
unsigned int ws_loudness_get_rate (const WsLoudness *loudness);
/** ws_loudness_get_frames: frames added since creation or reset (0 for
 * NULL). */
uint64_t ws_loudness_get_frames (const WsLoudness *loudness);
/** ws_loudness_get_code_path: the kernels @loudness runs: "scalar",
 * "vector" (SSE2 / the target's 16-byte vectors) or "avx2"; static, never
 * NULL ("none" for NULL). For benchmarks and logs. */
const char *ws_loudness_get_code_path (const WsLoudness *loudness);

/* ---- compliance ---------------------------------------------------------- */

/**
 * WsLoudnessPreset:
 * @WS_LOUDNESS_PRESET_EBU_R128: EBU R 128 (v4, 2020): -23 LUFS ±1.0 LU
 *   (production tolerance), max true peak -1 dBTP.
 * @WS_LOUDNESS_PRESET_EBU_R128_STRICT: EBU R 128 with ±0.5 LU (R 128 v3,
 *   and the EBU QC item 0010B default), max -1 dBTP.
 * @WS_LOUDNESS_PRESET_ATSC_A85: ATSC A/85: -24 LKFS ±2 LU, max -2 dBTP.
 * @WS_LOUDNESS_PRESET_CUSTOM: the caller fills a #WsLoudnessLimits.
 */
typedef enum {
  WS_LOUDNESS_PRESET_EBU_R128 = 0,
  WS_LOUDNESS_PRESET_EBU_R128_STRICT,
  WS_LOUDNESS_PRESET_ATSC_A85,
  WS_LOUDNESS_PRESET_CUSTOM,
} WsLoudnessPreset;

/**
 * WsLoudnessLimits:
 * @target_lufs: the integrated loudness target (LUFS).
 * @tolerance_lu: the allowed deviation either side (LU, >= 0).
 * @max_true_peak_dbtp: the highest allowed true peak (dBTP). When the state
 *   measures no true peak, the sample peak is checked against it instead
 *   (a lower bound of the true peak: it can only under-report).
 */
typedef struct {
  double target_lufs;
  double tolerance_lu;
  double max_true_peak_dbtp;
} WsLoudnessLimits;

/**
 * ws_loudness_preset_limits:
 * @preset: a preset other than %WS_LOUDNESS_PRESET_CUSTOM.
 * @out: (out): its limits; untouched on error.
 *
 * Returns: %WS_RESULT_OK; %WS_RESULT_INVALID_ARGUMENT for NULL @out,
 *   %WS_LOUDNESS_PRESET_CUSTOM or an unknown preset.
 */
WsResult ws_loudness_preset_limits (WsLoudnessPreset preset,
    WsLoudnessLimits *out);

/** ws_loudness_preset_to_string: "ebu-r128", "ebu-r128-strict",
 * "atsc-a85", "custom"; "unknown" otherwise. Static, never NULL. */
const char *ws_loudness_preset_to_string (WsLoudnessPreset preset);

/**
 * WsLoudnessCheck:
 * @WS_LOUDNESS_CHECK_INTEGRATED_HIGH: integrated loudness above target +
 *   tolerance.
 * @WS_LOUDNESS_CHECK_INTEGRATED_LOW: below target - tolerance.
 * @WS_LOUDNESS_CHECK_INTEGRATED_MISSING: no integrated loudness (too short,
 *   or silence below the -70 LUFS gate); fails closed.
 * @WS_LOUDNESS_CHECK_TRUE_PEAK: true peak above the maximum.
 * @WS_LOUDNESS_CHECK_SAMPLE_PEAK: sample peak above the maximum (when the
 *   true peak is not measured).
 */
typedef enum {
  WS_LOUDNESS_CHECK_INTEGRATED_HIGH = 0,
  WS_LOUDNESS_CHECK_INTEGRATED_LOW,
  WS_LOUDNESS_CHECK_INTEGRATED_MISSING,
  WS_LOUDNESS_CHECK_TRUE_PEAK,
  WS_LOUDNESS_CHECK_SAMPLE_PEAK,
} WsLoudnessCheck;

/** WS_LOUDNESS_MAX_FAILURES: room for failures in a #WsLoudnessVerdict. */
#define WS_LOUDNESS_MAX_FAILURES 4

/**
 * WsLoudnessFailure:
 * @check: which check failed.
 * @measured: the measured value (LUFS or dBTP/dBFS; NAN when missing).
 * @limit: the limit it broke (LUFS or dBTP).
 * @reason: an English sentence with both numbers, NUL-terminated.
 */
typedef struct {
  WsLoudnessCheck check;
  double measured;
  double limit;
  char reason[160];
} WsLoudnessFailure;

/**
 * WsLoudnessVerdict:
 * @pass: 1 when every check passed, 0 otherwise.
 * @n_failures: how many entries of @failures are filled.
 * @failures: the failed checks, in #WsLoudnessCheck order.
 */
typedef struct {
  int pass;
  size_t n_failures;
  WsLoudnessFailure failures[WS_LOUDNESS_MAX_FAILURES];
} WsLoudnessVerdict;

/**
 * ws_loudness_judge:
 * @loudness: the state (usually at end of stream).
 * @limits: (transfer none): the limits, e.g. from
 *   ws_loudness_preset_limits().
 * @out: (out): the verdict; untouched on error.
 *
 * Returns: %WS_RESULT_OK (a failing programme is still OK: see @out->pass);
 *   %WS_RESULT_INVALID_ARGUMENT for a NULL argument, a negative or NAN
 *   tolerance or NAN limits.
 */
WsResult ws_loudness_judge (const WsLoudness *loudness,
    const WsLoudnessLimits *limits, WsLoudnessVerdict *out);

#ifdef __cplusplus
}
#endif

#endif /* WS_FILTERS_WS_LOUDNESS_H */
