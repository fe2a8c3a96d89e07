/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "ws-av.h"

#include <string.h>

#include <libavutil/pixfmt.h>

WsFlashFormat
ws_av_flash_format (int pix_fmt, WsFlashRange *range)
{
  *range = WS_FLASH_RANGE_LIMITED;
  switch (pix_fmt) {
    case AV_PIX_FMT_YUVJ420P:
      *range = WS_FLASH_RANGE_FULL;
      return WS_FLASH_FORMAT_I420;
    case AV_PIX_FMT_YUV420P:
      return WS_FLASH_FORMAT_I420;
    case AV_PIX_FMT_NV12:
      return WS_FLASH_FORMAT_NV12;
    case AV_PIX_FMT_NV21:
      return WS_FLASH_FORMAT_NV21;
    case AV_PIX_FMT_YUVJ422P:
      *range = WS_FLASH_RANGE_FULL;
      return WS_FLASH_FORMAT_Y42B;
    case AV_PIX_FMT_YUV422P:
      return WS_FLASH_FORMAT_Y42B;
    case AV_PIX_FMT_YUVJ444P:
      *range = WS_FLASH_RANGE_FULL;
      return WS_FLASH_FORMAT_Y444;
    case AV_PIX_FMT_YUV444P:
      return WS_FLASH_FORMAT_Y444;
    case AV_PIX_FMT_YUYV422:
      return WS_FLASH_FORMAT_YUY2;
    case AV_PIX_FMT_UYVY422:
      return WS_FLASH_FORMAT_UYVY;
    case AV_PIX_FMT_YUV420P10LE:
      return WS_FLASH_FORMAT_I420_10LE;
    case AV_PIX_FMT_P010LE:
      return WS_FLASH_FORMAT_P010;
    case AV_PIX_FMT_YUV422P10LE:
      return WS_FLASH_FORMAT_I422_10LE;
    case AV_PIX_FMT_YUV444P10LE:
      return WS_FLASH_FORMAT_Y444_10LE;
    case AV_PIX_FMT_YUV420P12LE:
      return WS_FLASH_FORMAT_I420_12LE;
    case AV_PIX_FMT_YUV422P12LE:
      return WS_FLASH_FORMAT_I422_12LE;
    case AV_PIX_FMT_YUV444P12LE:
      return WS_FLASH_FORMAT_Y444_12LE;
    default:
      break;
  }
  *range = WS_FLASH_RANGE_FULL;
  switch (pix_fmt) {
    case AV_PIX_FMT_RGB24:
      return WS_FLASH_FORMAT_RGB;
    case AV_PIX_FMT_BGR24:
      return WS_FLASH_FORMAT_BGR;
    case AV_PIX_FMT_RGB0:
      return WS_FLASH_FORMAT_RGBX;
    case AV_PIX_FMT_BGR0:
      return WS_FLASH_FORMAT_BGRX;
    case AV_PIX_FMT_0RGB:
      return WS_FLASH_FORMAT_XRGB;
    case AV_PIX_FMT_0BGR:
      return WS_FLASH_FORMAT_XBGR;
    case AV_PIX_FMT_RGBA:
      return WS_FLASH_FORMAT_RGBA;
    case AV_PIX_FMT_BGRA:
      return WS_FLASH_FORMAT_BGRA;
    case AV_PIX_FMT_ARGB:
      return WS_FLASH_FORMAT_ARGB;
    case AV_PIX_FMT_ABGR:
      return WS_FLASH_FORMAT_ABGR;
    default:
      break;
  }
  *range = WS_FLASH_RANGE_LIMITED;
  return WS_FLASH_FORMAT_UNKNOWN;
}

WsFlashMatrix
ws_av_flash_matrix (const AVFrame *frame)
{
  if (frame->colorspace == AVCOL_SPC_BT2020_NCL ||
      frame->colorspace == AVCOL_SPC_BT2020_CL)
    return WS_FLASH_MATRIX_BT2020;
  return frame->colorspace == AVCOL_SPC_BT470BG ||
                 frame->colorspace == AVCOL_SPC_SMPTE170M ?
             WS_FLASH_MATRIX_BT601 :
             WS_FLASH_MATRIX_BT709;
}

int
ws_av_flash_display (int color_trc, int color_primaries, WsFlashParams *params)
{
  params->primaries = color_primaries == AVCOL_PRI_BT2020 ?
                          WS_FLASH_PRIMARIES_BT2020 :
                          WS_FLASH_PRIMARIES_BT709;
  switch (color_trc) {
    case AVCOL_TRC_SMPTE2084:
      params->eotf = WS_FLASH_EOTF_PQ;
      return 1;
    case AVCOL_TRC_ARIB_STD_B67:
      params->eotf = WS_FLASH_EOTF_HLG;
      return 1;
    case AVCOL_TRC_UNSPECIFIED:
    case AVCOL_TRC_RESERVED:
    case AVCOL_TRC_RESERVED0:
      return 0;
    default:
      return color_trc > AVCOL_TRC_RESERVED0 && color_trc < AVCOL_TRC_NB;
  }
}

void
ws_av_flash_frame (const AVFrame *frame, WsFlashFormat format, int64_t pts_ns,
    WsFlashFrame *out)
{
  memset (out, 0, sizeof (*out));
  for (int i = 0; i < 4; i++) {
    out->planes[i] = frame->data[i];
    out->strides[i] = frame->linesize[i] > 0 ? (size_t) frame->linesize[i] : 0;
  }
  out->width = frame->width;
  out->height = frame->height;
  out->format = format;
  out->pts_ns = pts_ns;
}
