/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: FFmpeg frames as the flash core takes them (no copy). Plain C
 * on libavutil, shared by `watershed check` and tests/bench/bench_flash. */
#ifndef WS_TOOLS_WS_AV_H
#define WS_TOOLS_WS_AV_H

#include <stdint.h>

#include <libavutil/frame.h>

#include "ws-flash.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * ws_av_flash_format:
 * @pix_fmt: an AVPixelFormat.
 * @range: (out): the range the format implies: full for the YUVJ and RGB
 *   formats, limited otherwise. A frame's color_range may still say full.
 * Returns: the flash core's format for @pix_fmt, or WS_FLASH_FORMAT_UNKNOWN
 *   (with @range limited) for a format the core does not take (convert it
 *   with libswscale).
 */
WsFlashFormat ws_av_flash_format (int pix_fmt, WsFlashRange *range);

/** The Y'CbCr matrix of @frame: BT.601 for BT.470BG and SMPTE 170M,
 * BT.2020 for BT.2020 (non-constant and, approximately, constant
 * luminance), else BT.709. */
WsFlashMatrix ws_av_flash_matrix (const AVFrame *frame);

/**
 * ws_av_flash_display:
 * @color_trc: an AVColorTransferCharacteristic (a frame's or a stream's
 *   AVCodecParameters color_trc).
 * @color_primaries: an AVColorPrimaries.
 * @params: (inout): its eotf and primaries are set: PQ for
 *   AVCOL_TRC_SMPTE2084, HLG for AVCOL_TRC_ARIB_STD_B67, otherwise left as
 *   they are (the SDR display model); BT.2020 for AVCOL_PRI_BT2020,
 *   otherwise BT.709.
 * Returns: 1 when @color_trc says what the transfer is, 0 when it is
 *   unspecified or reserved (then the caller warns: the SDR assumption is
 *   a guess).
 */
int ws_av_flash_display (int color_trc, int color_primaries,
    WsFlashParams *params);

/**
 * ws_av_flash_frame:
 * @format: @frame's format as the core knows it (ws_av_flash_format()).
 * @out: (out): @frame's planes and strides (a negative line size becomes
 *   0: convert such frames first), size, @format and @pts_ns; it points
 *   into @frame, which must outlive its use.
 */
void ws_av_flash_frame (const AVFrame *frame, WsFlashFormat format,
    int64_t pts_ns, WsFlashFrame *out);

#ifdef __cplusplus
}
#endif

#endif /* WS_TOOLS_WS_AV_H */
