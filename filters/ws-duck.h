/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the pre-programme announcement's audio: where it goes in the
 * programme's samples and how much the programme is ducked under it
 * (no GLib here). */
#ifndef WS_FILTERS_WS_DUCK_H
#define WS_FILTERS_WS_DUCK_H

#include <stddef.h>
#include <stdint.h>

#include "ws-result.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * WsDuck:
 * @start: the first sample frame of the warning, counted in frames of
 *   running time (ws_duck_frame_of_ns()).
 * @length: the warning's length in frames (> 0).
 * @ramp: the length of each gain ramp in frames (the programme goes down
 *   over the first @ramp frames and back up over the last @ramp; the
 *   announcement fades out over the last @ramp when it runs longer).
 * @gain: the programme's linear gain while ducked, 0 to 1.
 *
 * One warning's audio plan. Fill it with ws_duck_init().
 */
typedef struct {
  int64_t start;
  int64_t length;
  int64_t ramp;
  float gain;
} WsDuck;

/**
 * ws_duck_frame_of_ns:
 * @ns: a time in nanoseconds (>= 0).
 * @rate: samples per second (> 0).
 *
 * Returns: the frame index at @ns, rounded to the nearest frame; never
 *   overflows for any time a stream can reach.
 */
int64_t ws_duck_frame_of_ns (int64_t ns, int rate);

/**
 * ws_duck_init:
 * @d: (out): the plan.
 * @rate: samples per second (1 to 768000).
 * @start_ns: the running time the warning starts at (>= 0).
 * @duration_ns: its length (> 0).
 * @ramp_ns: each gain ramp (>= 0; cut to half the length).
 * @gain_db: the programme's gain under the announcement, in dB (<= 0;
 *   -96 or less mutes it).
 *
 * Returns: %WS_RESULT_OK, or %WS_RESULT_INVALID_ARGUMENT for a value out
 *   of range (@d is then untouched).
 */
WsResult ws_duck_init (WsDuck *d, int rate, int64_t start_ns,
    int64_t duration_ns, int64_t ramp_ns, double gain_db);

/**
 * ws_duck_gain_at:
 * Returns: the programme's linear gain at @frame: 1 outside the warning,
 *   @d->gain inside, linear ramps at both ends.
 */
float ws_duck_gain_at (const WsDuck *d, int64_t frame);

/**
 * ws_duck_end:
 * Returns: the first frame after the warning.
 */
int64_t ws_duck_end (const WsDuck *d);

/**
 * ws_duck_mix_f32:
 * @d: the plan.
 * @first_frame: the frame index of @buf's first frame (running time).
 * @buf: (inout): interleaved 32-bit float samples, @n_frames x @channels.
 * @n_frames: frames in @buf.
 * @channels: channels in @buf and @announce (1 to 64).
 * @announce: (nullable): the announcement, interleaved at the same rate
 *   and channels; its first frame plays at @d->start.
 * @announce_frames: frames in @announce (frames after the warning's end
 *   are not played).
 *
 * Ducks the programme in @buf and adds the announcement, for the frames
 * of @buf inside the warning; frames outside are untouched. The sum is
 * not clipped (float).
 *
 * Returns: %WS_RESULT_OK, or %WS_RESULT_INVALID_ARGUMENT (NULL @buf with
 *   frames, bad @channels); @buf is then untouched.
 */
WsResult ws_duck_mix_f32 (const WsDuck *d, int64_t first_frame, float *buf,
    size_t n_frames, int channels, const float *announce,
    size_t announce_frames);

/**
 * ws_duck_mix_s16:
 * As ws_duck_mix_f32() for interleaved signed 16-bit samples; the sum is
 * rounded and clipped to the 16-bit range.
 */
WsResult ws_duck_mix_s16 (const WsDuck *d, int64_t first_frame, int16_t *buf,
    size_t n_frames, int channels, const float *announce,
    size_t announce_frames);

/**
 * ws_duck_normalise_f32:
 * @samples: (inout): interleaved 32-bit float samples.
 * @n_frames: frames in @samples.
 * @channels: 1 to 64 (measured with ws-loudness's default layout).
 * @rate: samples per second.
 * @target_lufs: the integrated loudness wanted (EBU R 128: -23).
 * @gain_db: (out) (optional): the gain applied, in dB.
 *
 * Brings the announcement to @target_lufs integrated (EBU R 128 / ITU-R
 * BS.1770, measured with filters/ws-loudness.h), so a warning is as loud
 * as the programme around it, whatever level the recording or the
 * synthesiser gave. The gain never lifts the sample peak above -1 dBFS.
 *
 * Returns: %WS_RESULT_OK; %WS_RESULT_NO_DATA when the announcement is
 *   shorter than 400 ms or silent (@samples untouched);
 *   %WS_RESULT_INVALID_ARGUMENT for a NULL @samples or a bad rate or
 *   channel count; the errors of ws_loudness_new().
 */
WsResult ws_duck_normalise_f32 (float *samples, size_t n_frames, int channels,
    int rate, double target_lufs, double *gain_db);

#ifdef __cplusplus
}
#endif

#endif /* WS_FILTERS_WS_DUCK_H */
