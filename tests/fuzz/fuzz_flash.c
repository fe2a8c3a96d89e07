/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the photosensitive-flash core: the input chooses the
 * dimensions (including impossible ones), format, range, matrix, grid,
 * sampling and strides, then supplies pixel data for several frames. Each
 * plane is allocated with exactly the bytes the header documents as read,
 * so AddressSanitizer catches any read outside them. The upper bits of
 * byte 11 drive the regular-pattern detector (on/off, plane step, pairs),
 * and its incidents are checked against what the header promises. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ws-flash.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

typedef struct {
  int n_planes;
  /* per plane: bytes per horizontal unit, pixels per unit, row divisor */
  int unit_bytes[3];
  int unit_pixels[3];
  int row_div[3];
} Geometry;

static int
geometry (WsFlashFormat f, Geometry *g)
{
  static const Geometry yuv420 = { 3, { 1, 1, 1 }, { 1, 2, 2 }, { 1, 2, 2 } };
  static const Geometry semi420 = { 2, { 1, 2 }, { 1, 2 }, { 1, 2 } };
  static const Geometry yuv422 = { 3, { 1, 1, 1 }, { 1, 2, 2 }, { 1, 1, 1 } };
  static const Geometry yuv444 = { 3, { 1, 1, 1 }, { 1, 1, 1 }, { 1, 1, 1 } };
  static const Geometry packed422 = { 1, { 4 }, { 2 }, { 1 } };
  static const Geometry yuv420_10 = { 3, { 2, 2, 2 }, { 1, 2, 2 },
    { 1, 2, 2 } };
  static const Geometry p010 = { 2, { 2, 4 }, { 1, 2 }, { 1, 2 } };
  static const Geometry yuv422_16 = { 3, { 2, 2, 2 }, { 1, 2, 2 },
    { 1, 1, 1 } };
  static const Geometry yuv444_16 = { 3, { 2, 2, 2 }, { 1, 1, 1 },
    { 1, 1, 1 } };
  static const Geometry rgb24 = { 1, { 3 }, { 1 }, { 1 } };
  static const Geometry rgb32 = { 1, { 4 }, { 1 }, { 1 } };

  switch (f) {
    case WS_FLASH_FORMAT_I420:
    case WS_FLASH_FORMAT_YV12:
      *g = yuv420;
      return 1;
    case WS_FLASH_FORMAT_NV12:
    case WS_FLASH_FORMAT_NV21:
      *g = semi420;
      return 1;
    case WS_FLASH_FORMAT_Y42B:
      *g = yuv422;
      return 1;
    case WS_FLASH_FORMAT_Y444:
      *g = yuv444;
      return 1;
    case WS_FLASH_FORMAT_YUY2:
    case WS_FLASH_FORMAT_UYVY:
      *g = packed422;
      return 1;
    case WS_FLASH_FORMAT_I420_10LE:
    case WS_FLASH_FORMAT_I420_12LE:
      *g = yuv420_10;
      return 1;
    case WS_FLASH_FORMAT_P010:
    case WS_FLASH_FORMAT_P012:
      *g = p010;
      return 1;
    case WS_FLASH_FORMAT_I422_10LE:
    case WS_FLASH_FORMAT_I422_12LE:
      *g = yuv422_16;
      return 1;
    case WS_FLASH_FORMAT_Y444_10LE:
    case WS_FLASH_FORMAT_Y444_12LE:
      *g = yuv444_16;
      return 1;
    case WS_FLASH_FORMAT_RGB:
    case WS_FLASH_FORMAT_BGR:
      *g = rgb24;
      return 1;
    case WS_FLASH_FORMAT_RGBX:
    case WS_FLASH_FORMAT_BGRX:
    case WS_FLASH_FORMAT_XRGB:
    case WS_FLASH_FORMAT_XBGR:
    case WS_FLASH_FORMAT_RGBA:
    case WS_FLASH_FORMAT_BGRA:
    case WS_FLASH_FORMAT_ARGB:
    case WS_FLASH_FORMAT_ABGR:
      *g = rgb32;
      return 1;
    default:
      return 0;
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  WsFlashParams params;
  WsFlash *flash = NULL;
  Geometry g;
  int width, height, format, n_frames;
  size_t pad, pos = 12;
  uint8_t *planes[3] = { NULL, NULL, NULL };
  size_t strides[3] = { 0, 0, 0 }, bytes[3] = { 0, 0, 0 };

  if (size < 12)
    return 0;
  /* Dimensions may be impossible (0, 1, > 16384): the core must refuse. */
  width = (data[0] | data[1] << 8) % 20000;
  height = (data[2] | data[3] << 8) % 20000;
  format = data[4] % (WS_FLASH_FORMAT_LAST + 2);
  pad = data[7] % 9;
  n_frames = 1 + data[8] % 8;
  ws_flash_params_init (&params);
  params.sample_step = data[9] % 18;  /* 0: auto; 17: out of range */
  params.grid_columns = data[10] * 5; /* 0: out of range */
  params.extended_is_failure = data[11] & 1;
  params.pattern = !(data[11] & 2);
  params.pattern_step = (data[11] >> 2) % 9;      /* 0 = auto */
  params.pattern_min_pairs = 2 + (data[11] >> 5); /* 2..9 */
  /* transfer (4: out of range), primaries (2: out of range), HLG peak
   * (below 100: out of range) */
  params.eotf = (WsFlashEotf) ((data[11] >> 1) % 5);
  params.primaries = (WsFlashPrimaries) ((data[11] >> 4) % 3);
  params.hlg_peak_cd_m2 = 50.0 + (double) (data[11] >> 6) * 1000.0;

  if (ws_flash_new (&flash, width, height, (WsFlashFormat) format,
          (WsFlashRange) (data[5] % 3), (WsFlashMatrix) (data[6] % 4),
          &params) != WS_RESULT_OK)
    return 0;
  /* Accepted, so the format is known and the dimensions sane; large
   * frames are fed once to keep each input fast. */
  if (!geometry ((WsFlashFormat) format, &g))
    abort (); /* the core accepted a format it does not have */
  if ((size_t) width * (size_t) height > 512 * 512)
    n_frames = 1;
  /* Frames beyond UHD are accepted by the core but too slow to feed here:
   * their geometry is the same code as smaller ones. */
  if ((size_t) width * (size_t) height > 3840 * 2160)
    goto end;

  for (int p = 0; p < g.n_planes; p++) {
    size_t units = ((size_t) width + g.unit_pixels[p] - 1) / g.unit_pixels[p];
    size_t row = units * g.unit_bytes[p];
    size_t rows = ((size_t) height + g.row_div[p] - 1) / g.row_div[p];

    strides[p] = row + pad;
    /* the last row need only hold the row size */
    bytes[p] = strides[p] * (rows - 1) + row;
    planes[p] = malloc (bytes[p]);
    if (planes[p] == NULL)
      goto end;
  }

  for (int f = 0; f < n_frames; f++) {
    WsFlashFrame frame = { { NULL }, { 0 }, width, height,
      (WsFlashFormat) format, (int64_t) f * 40000000 };

    for (int p = 0; p < g.n_planes; p++) {
      /* fill from the input, cycling; an empty tail gives flat frames */
      for (size_t i = 0; i < bytes[p]; i++)
        planes[p][i] = pos < size ? data[pos + (i % (size - pos))] : 0;
      frame.planes[p] = planes[p];
      frame.strides[p] = strides[p];
    }
    if (pos < size)
      pos += (size - pos) / (size_t) (n_frames - f);
    (void) ws_flash_push_frame (flash, &frame);
  }
  /* A frame with a stride shorter than its row must be refused. */
  if (g.n_planes > 0 && strides[0] > 1) {
    WsFlashFrame bad = { { planes[0], planes[1], planes[2] },
      { strides[0] - pad - 1, strides[1], strides[2] }, width, height,
      (WsFlashFormat) format, (int64_t) n_frames * 40000000 };

    if (ws_flash_push_frame (flash, &bad) == WS_RESULT_OK)
      abort ();
  }
  (void) ws_flash_finish (flash);
  {
    WsFlashVerdict v;
    const WsFlashIncident *inc = NULL;
    size_t n = 0;
    (void) ws_flash_get_verdict (flash, &v);
    (void) ws_flash_get_incidents (flash, &inc, &n);
    for (size_t i = 0; i < n; i++) {
      if (inc[i].kind != WS_FLASH_KIND_PATTERN)
        continue;
      if (!params.pattern || inc[i].pattern_pairs < params.pattern_min_pairs ||
          inc[i].start_ns > inc[i].end_ns || !(inc[i].peak_area > 0.25) ||
          inc[i].peak_area > 1.0 || inc[i].verdict != WS_FLASH_VERDICT_FAIL)
        abort (); /* a pattern incident breaks the documented rule */
    }
  }

end:
  for (int p = 0; p < 3; p++)
    free (planes[p]);
  ws_flash_free (flash);
  return 0;
}
