/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the loudness core: the input chooses the channel
 * count, rate (including impossible ones), layout or channel map, true
 * peak, sample format and chunking, then supplies the samples (NaN,
 * infinities and full-scale values included). Buffers are allocated with
 * exactly the frames passed, so AddressSanitizer catches any over-read. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ws-loudness.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const unsigned int rates[] = { 0, 1, 15, 16, 8000, 44100, 48000, 96000,
  192000, 768000, 768001 };

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  WsLoudness *l = NULL;
  WsLoudnessChannel map[WS_LOUDNESS_MAX_CHANNELS + 2];
  unsigned int channels, rate, layout, flags, format, chunk;
  size_t pos = 8, frame_bytes, n_frames;
  double v;

  if (size < 8)
    return 0;
  channels = data[0] % (WS_LOUDNESS_MAX_CHANNELS + 2); /* 0 and 65: bad */
  rate = rates[data[1] % (sizeof (rates) / sizeof (rates[0]))];
  layout = data[2] % 7; /* 6: not a layout */
  flags = data[3] % 4;  /* 2 and 3: unknown bits */
  format = data[4] % 5;
  chunk = 1 + (data[5] | data[6] << 8) % 4096;
  for (unsigned int i = 0; i < channels && i < WS_LOUDNESS_MAX_CHANNELS + 2;
       i++)
    map[i] = (WsLoudnessChannel) (data[(7 + i) % size] % 18);

  if (ws_loudness_new (&l, channels, rate, (WsLoudnessLayout) layout,
          data[7] & 1 ? map : NULL, flags) != WS_RESULT_OK)
    return 0;

  frame_bytes = (size_t) channels * (format == 1 ? 2 : format == 3 ? 8 : 4);
  n_frames = (size - pos) / frame_bytes;
  while (n_frames > 0) {
    size_t n = n_frames < chunk ? n_frames : chunk;
    size_t len = n * frame_bytes;
    void *buf = malloc (len);

    if (buf == NULL)
      break;
    memcpy (buf, data + pos, len);
    switch (format) {
      case 0:
        (void) ws_loudness_add_frames_f32 (l, buf, n);
        break;
      case 1:
        (void) ws_loudness_add_frames_s16 (l, buf, n);
        break;
      case 2:
        (void) ws_loudness_add_frames_s32 (l, buf, n);
        break;
      case 3:
        (void) ws_loudness_add_frames_f64 (l, buf, n);
        break;
      default: {
        /* planar: one exact-size allocation per channel */
        const float **planes = calloc (channels, sizeof (*planes));
        float **owned = calloc (channels, sizeof (*owned));

        for (unsigned int c = 0; planes && owned && c < channels; c++) {
          owned[c] = malloc (n * sizeof (float));
          if (owned[c] == NULL)
            break;
          for (size_t i = 0; i < n; i++)
            memcpy (&owned[c][i], (uint8_t *) buf + (i * channels + c) * 4, 4);
          planes[c] = owned[c];
        }
        if (planes && owned)
          (void) ws_loudness_add_planar_f32 (l, planes, n);
        for (unsigned int c = 0; owned && c < channels; c++)
          free (owned[c]);
        free (owned);
        free (planes);
        break;
      }
    }
    free (buf);
    pos += len;
    n_frames -= n;
  }

  (void) ws_loudness_get_momentary (l, &v);
  (void) ws_loudness_get_shortterm (l, &v);
  (void) ws_loudness_get_integrated (l, &v);
  (void) ws_loudness_get_range (l, &v);
  (void) ws_loudness_get_sample_peak (l, WS_LOUDNESS_ALL_CHANNELS, &v);
  (void) ws_loudness_get_sample_peak (l, channels, &v); /* out of range */
  (void) ws_loudness_get_true_peak (l, WS_LOUDNESS_ALL_CHANNELS, &v);
  {
    WsLoudnessLimits limits;
    WsLoudnessVerdict verdict;

    if (ws_loudness_preset_limits ((WsLoudnessPreset) (data[5] % 5), &limits) ==
        WS_RESULT_OK)
      (void) ws_loudness_judge (l, &limits, &verdict);
  }
  (void) ws_loudness_reset (l);
  ws_loudness_free (l);
  return 0;
}
