/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: ducking the programme under the announcement. */
#include "ws-duck.h"

#include <math.h>

#include "ws-loudness.h"

#define NS_PER_S INT64_C (1000000000)

int64_t
ws_duck_frame_of_ns (int64_t ns, int rate)
{
  if (ns <= 0 || rate <= 0)
    return 0;
  /* seconds and the rest apart: ns * rate would overflow after ~100 days
   * at 768 kHz */
  return (ns / NS_PER_S) * rate +
         ((ns % NS_PER_S) * rate + NS_PER_S / 2) / NS_PER_S;
}

WsResult
ws_duck_init (WsDuck *d, int rate, int64_t start_ns, int64_t duration_ns,
    int64_t ramp_ns, double gain_db)
{
  int64_t length, ramp;

  if (d == NULL || rate < 1 || rate > 768000 || start_ns < 0 ||
      duration_ns <= 0 || ramp_ns < 0 || !(gain_db <= 0.0))
    return WS_RESULT_INVALID_ARGUMENT;
  length = ws_duck_frame_of_ns (duration_ns, rate);
  if (length < 1)
    length = 1;
  ramp = ws_duck_frame_of_ns (ramp_ns, rate);
  if (ramp > length / 2)
    ramp = length / 2;
  d->start = ws_duck_frame_of_ns (start_ns, rate);
  d->length = length;
  d->ramp = ramp;
  d->gain = gain_db <= -96.0 ? 0.0f : (float) pow (10.0, gain_db / 20.0);
  return WS_RESULT_OK;
}

int64_t
ws_duck_end (const WsDuck *d)
{
  return d->start + d->length;
}

/* 0 at the edges of the warning, 1 inside the ramps; -1 outside. */
static float
ramp_position (const WsDuck *d, int64_t frame)
{
  int64_t in = frame - d->start, left;

  if (in < 0 || in >= d->length)
    return -1.0f;
  left = d->length - 1 - in;
  if (d->ramp > 0 && in < d->ramp)
    return (float) (in + 1) / (float) (d->ramp + 1);
  if (d->ramp > 0 && left < d->ramp)
    return (float) (left + 1) / (float) (d->ramp + 1);
  return 1.0f;
}

float
ws_duck_gain_at (const WsDuck *d, int64_t frame)
{
  float r = ramp_position (d, frame);

  if (r < 0.0f)
    return 1.0f;
  return 1.0f + (d->gain - 1.0f) * r;
}

/* The announcement's sample for @frame and channel @c (0 outside it). */
static float
announce_at (const WsDuck *d, int64_t frame, int c, int channels,
    const float *announce, size_t announce_frames)
{
  int64_t i = frame - d->start, left = d->length - 1 - (frame - d->start);
  float v;

  if (announce == NULL || i < 0 || i >= (int64_t) announce_frames ||
      i >= d->length)
    return 0.0f;
  v = announce[(size_t) i * (size_t) channels + (size_t) c];
  /* a recording longer than the warning fades out with the card */
  if ((int64_t) announce_frames > d->length && d->ramp > 0 && left < d->ramp)
    v *= (float) (left + 1) / (float) (d->ramp + 1);
  return v;
}

/* The frames of [first, first + n) inside the warning: [*a, *b). */
static int
overlap (const WsDuck *d, int64_t first, size_t n, size_t *a, size_t *b)
{
  int64_t s = d->start > first ? d->start : first;
  int64_t e = ws_duck_end (d) < first + (int64_t) n ? ws_duck_end (d) :
                                                      first + (int64_t) n;
  if (e <= s)
    return 0;
  *a = (size_t) (s - first);
  *b = (size_t) (e - first);
  return 1;
}

/* Ducks and mixes into @f32 or @s16 (one of them). */
static WsResult
mix (const WsDuck *d, int64_t first_frame, float *f32, int16_t *s16,
    size_t n_frames, int channels, const float *announce,
    size_t announce_frames)
{
  size_t a, b;

  if (d == NULL || channels < 1 || channels > 64 ||
      (f32 == NULL && s16 == NULL && n_frames > 0))
    return WS_RESULT_INVALID_ARGUMENT;
  if (!overlap (d, first_frame, n_frames, &a, &b))
    return WS_RESULT_OK;
  for (size_t i = a; i < b; i++) {
    int64_t f = first_frame + (int64_t) i;
    float g = ws_duck_gain_at (d, f);
    for (int c = 0; c < channels; c++) {
      size_t k = i * (size_t) channels + (size_t) c;
      float add = announce_at (d, f, c, channels, announce, announce_frames);
      if (f32 != NULL) {
        f32[k] = f32[k] * g + add;
      } else {
        float v = roundf (s16[k] * g + 32767.0f * add);
        s16[k] = (int16_t) (v > 32767.0f ? 32767.0f :
                                           (v < -32768.0f ? -32768.0f : v));
      }
    }
  }
  return WS_RESULT_OK;
}

WsResult
ws_duck_mix_f32 (const WsDuck *d, int64_t first_frame, float *buf,
    size_t n_frames, int channels, const float *announce,
    size_t announce_frames)
{
  if (buf == NULL && n_frames > 0)
    return WS_RESULT_INVALID_ARGUMENT;
  return mix (d, first_frame, buf, NULL, n_frames, channels, announce,
      announce_frames);
}

WsResult
ws_duck_mix_s16 (const WsDuck *d, int64_t first_frame, int16_t *buf,
    size_t n_frames, int channels, const float *announce,
    size_t announce_frames)
{
  if (buf == NULL && n_frames > 0)
    return WS_RESULT_INVALID_ARGUMENT;
  return mix (d, first_frame, NULL, buf, n_frames, channels, announce,
      announce_frames);
}

WsResult
ws_duck_normalise_f32 (float *samples, size_t n_frames, int channels, int rate,
    double target_lufs, double *gain_db)
{
  WsLoudness *l = NULL;
  WsResult r;
  double lufs, g_db, g, peak = 0.0;

  if (samples == NULL || channels < 1 || channels > 64 || rate < 1)
    return WS_RESULT_INVALID_ARGUMENT;
  r = ws_loudness_new (&l, (unsigned int) channels, (unsigned int) rate,
      WS_LOUDNESS_LAYOUT_DEFAULT, NULL, WS_LOUDNESS_FLAG_NONE);
  if (r != WS_RESULT_OK)
    return r;
  r = ws_loudness_add_frames_f32 (l, samples, n_frames);
  if (r == WS_RESULT_OK)
    r = ws_loudness_get_integrated (l, &lufs);
  ws_loudness_free (l);
  if (r != WS_RESULT_OK)
    return r;
  g_db = target_lufs - lufs;
  for (size_t i = 0; i < n_frames * (size_t) channels; i++)
    peak = fmax (peak, fabs (samples[i]));
  /* no louder than a -1 dBFS sample peak */
  if (peak > 0.0 && g_db > -1.0 - 20.0 * log10 (peak))
    g_db = -1.0 - 20.0 * log10 (peak);
  g = pow (10.0, g_db / 20.0);
  for (size_t i = 0; i < n_frames * (size_t) channels; i++)
    samples[i] = (float) (samples[i] * g);
  if (gain_db)
    *gain_db = g_db;
  return WS_RESULT_OK;
}
