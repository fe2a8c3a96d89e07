/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: photosensitive flash analysis (ITU-R BT.1702 / Ofcom Annex 1).
 *
 * Plain C, no GLib. The caller pushes decoded video frames (plane pointers
 * and byte strides, so a GstVideoFrame or an AVFrame maps onto WsFlashFrame
 * without a copy); the core reports incidents (luminance and red flashing,
 * and regular spatial patterns through ws-pattern.h) and a per-frame risk
 * trace.
 *
 * Display model (ws_flash_get_display() reports the one in use):
 * - SDR: peak white 200 cd/m^2, black 0 cd/m^2, with the sRGB
 *   (IEC 61966-2-1) EOTF by default or a pure 2.4 power law (BT.1886 with a
 *   zero black level) on request.
 * - HDR, BT.2100 PQ: the SMPTE ST 2084 EOTF, absolute (code 1.0 = 10000
 *   cd/m^2), no tone mapping (the reference display of BT.2100).
 * - HDR, BT.2100 HLG: the inverse OETF then the OOTF of a display of
 *   nominal peak L_W (hlg_peak_cd_m2, 1000 cd/m^2 by default) and black 0,
 *   system gamma 1.2 + 0.42 log10 (L_W / 1000) (BT.2100 Table 5, for L_W
 *   of 400 to 2000 cd/m^2; outside that, BT.2390's extension
 *   1.2 * 1.111^log2 (L_W / 1000)).
 * In HDR the flash thresholds (20 cd/m^2, darker state below 160 cd/m^2)
 * apply to this absolute luminance, as ITU-R BT.1702-3 does for HDR.
 * Luminance is computed from display-linear R, G, B with the coefficients
 * of the primaries: BT.709 (0.2126, 0.7152, 0.0722) or BT.2020 (0.2627,
 * 0.6780, 0.0593). The YUV matrix (BT.601, BT.709 or BT.2020 non-constant
 * luminance) only selects how Y'CbCr is turned back into R'G'B'. The red
 * rule (saturated red, R / (R + G + B) >= 0.8) is defined on sRGB / BT.709
 * primaries, so BT.2020 colours are converted to BT.709 linear RGB first
 * (negative components, colours outside BT.709, count as 0: more
 * saturated, fail closed); in HDR its R, G, B are in units of the SDR
 * peak (peak_cd_m2), so the same light gives the same red value in SDR
 * and HDR.
 *
 * Area: the picture is cut into a grid of cells (96 columns by default, rows
 * from the aspect ratio, about 20 x 20 pixels at 1080p). Each cell has its own
 * transition detector and a 1 s history of its transitions; the flashing area
 * at an instant is the share of the picture covered by cells with more than
 * max_flashes flashes (2 * max_flashes transitions) in the last second, the
 * same rule as the HardingFPA frame mask, at cell rather than pixel
 * resolution. A cell counts whole once its mean changes enough, so a region's
 * area is over- rather than under-estimated by at most one ring of cells
 * (fail closed).
 *
 * Patterns: each frame is also reduced to a plane of display luminance in
 * cd/m^2 (the same display model, luma only: mean of 2 pixels on a
 * diagonal pattern_step / 2 apart, one plane sample per pattern_step x
 * pattern_step pixels, about 480 samples across by default), which
 * ws-pattern.h searches for regular stripes. Stripes with a period below
 * about 3 plane samples (12 pixels at 1080p) are not resolved.
 */
#ifndef WS_FILTERS_WS_FLASH_H
#define WS_FILTERS_WS_FLASH_H

#include <stddef.h>
#include <stdint.h>

#include "ws-result.h"

#ifdef __cplusplus
extern "C" {
#endif

/** WS_FLASH_MAX_DIMENSION: the largest width or height accepted. */
#define WS_FLASH_MAX_DIMENSION 16384

/**
 * WsFlashFormat:
 *
 * Pixel layouts, named as GStreamer names them (GST_VIDEO_FORMAT_*); the
 * FFmpeg equivalent is given where it exists. 10-bit formats are little
 * endian 16-bit words, as are the 12-bit ones. Values after
 * WS_FLASH_FORMAT_ABGR were added for HDR; ws_flash_format_is_yuv() and
 * ws_flash_format_bit_depth() describe every value.
 */
typedef enum {
  WS_FLASH_FORMAT_UNKNOWN = 0,
  WS_FLASH_FORMAT_I420,      /* Y, U, V planes, 4:2:0 (yuv420p) */
  WS_FLASH_FORMAT_YV12,      /* Y, V, U planes, 4:2:0 */
  WS_FLASH_FORMAT_NV12,      /* Y plane, interleaved UV, 4:2:0 (nv12) */
  WS_FLASH_FORMAT_NV21,      /* Y plane, interleaved VU, 4:2:0 (nv21) */
  WS_FLASH_FORMAT_Y42B,      /* Y, U, V planes, 4:2:2 (yuv422p) */
  WS_FLASH_FORMAT_Y444,      /* Y, U, V planes, 4:4:4 (yuv444p) */
  WS_FLASH_FORMAT_YUY2,      /* packed Y0 U Y1 V (yuyv422) */
  WS_FLASH_FORMAT_UYVY,      /* packed U Y0 V Y1 (uyvy422) */
  WS_FLASH_FORMAT_I420_10LE, /* 3 planes, 10 bits in the low bits
                               * (yuv420p10le) */
  WS_FLASH_FORMAT_P010,      /* Y plane + interleaved UV, 10 bits in the
                               * high bits (GStreamer P010_10LE, p010le) */
  WS_FLASH_FORMAT_RGB,       /* packed 24-bit (rgb24) */
  WS_FLASH_FORMAT_BGR,       /* (bgr24) */
  WS_FLASH_FORMAT_RGBX,      /* packed 32-bit, padding last (rgb0) */
  WS_FLASH_FORMAT_BGRX,      /* (bgr0) */
  WS_FLASH_FORMAT_XRGB,      /* (0rgb) */
  WS_FLASH_FORMAT_XBGR,      /* (0bgr) */
  WS_FLASH_FORMAT_RGBA,      /* alpha ignored (rgba) */
  WS_FLASH_FORMAT_BGRA,      /* (bgra) */
  WS_FLASH_FORMAT_ARGB,      /* (argb) */
  WS_FLASH_FORMAT_ABGR,      /* (abgr) */
  WS_FLASH_FORMAT_I422_10LE, /* 3 planes, 4:2:2, 10 bits (yuv422p10le) */
  WS_FLASH_FORMAT_Y444_10LE, /* 3 planes, 4:4:4, 10 bits (yuv444p10le) */
  WS_FLASH_FORMAT_I420_12LE, /* 3 planes, 4:2:0, 12 bits in the low bits
                               * (yuv420p12le) */
  WS_FLASH_FORMAT_I422_12LE, /* 3 planes, 4:2:2, 12 bits (yuv422p12le) */
  WS_FLASH_FORMAT_Y444_12LE, /* 3 planes, 4:4:4, 12 bits (yuv444p12le) */
  WS_FLASH_FORMAT_P012,      /* Y plane + interleaved UV, 12 bits in the
                               * high bits (GStreamer P012_LE) */
  WS_FLASH_FORMAT_LAST       /* not a format: the number of values */
} WsFlashFormat;

/** WsFlashRange: quantisation range (limited = 16-235/240 at 8 bits). */
typedef enum {
  WS_FLASH_RANGE_LIMITED = 0,
  WS_FLASH_RANGE_FULL,
} WsFlashRange;

/** WsFlashMatrix: the Y'CbCr matrix (ignored for RGB formats);
 * @WS_FLASH_MATRIX_BT2020 is BT.2020 / BT.2100 non-constant luminance. */
typedef enum {
  WS_FLASH_MATRIX_BT709 = 0,
  WS_FLASH_MATRIX_BT601,
  WS_FLASH_MATRIX_BT2020,
} WsFlashMatrix;

/**
 * WsFlashEotf:
 * @WS_FLASH_EOTF_SRGB: IEC 61966-2-1 piecewise curve (what WCAG, IRIS and
 *   the relative thresholds 0.1 / 0.8 assume). The default.
 * @WS_FLASH_EOTF_GAMMA24: BT.1886 with a zero black level, a 2.4 power law.
 * @WS_FLASH_EOTF_PQ: BT.2100 PQ, the SMPTE ST 2084 EOTF (absolute).
 * @WS_FLASH_EOTF_HLG: BT.2100 HLG (ARIB STD-B67): inverse OETF and OOTF for
 *   a display of nominal peak @hlg_peak_cd_m2.
 *
 * Names (ws_flash_eotf_to_string()): "sdr-srgb", "sdr-bt1886", "pq",
 * "hlg".
 */
typedef enum {
  WS_FLASH_EOTF_SRGB = 0,
  WS_FLASH_EOTF_GAMMA24,
  WS_FLASH_EOTF_PQ,
  WS_FLASH_EOTF_HLG,
} WsFlashEotf;

/** WsFlashPrimaries: the colour primaries (white D65 for both). Names
 * (ws_flash_primaries_to_string()): "bt709", "bt2020". */
typedef enum {
  WS_FLASH_PRIMARIES_BT709 = 0,
  WS_FLASH_PRIMARIES_BT2020,
} WsFlashPrimaries;

/**
 * WS_FLASH_STANDARD: the guideline whose thresholds the defaults apply, as
 * a report or certificate names it.
 */
#define WS_FLASH_STANDARD "ITU-R BT.1702-3"

/** WsFlashKind: what flashed; WS_FLASH_KIND_PATTERN is a regular spatial
 * pattern (stripes) that stays, reverses or flashes (see ws-pattern.h). */
typedef enum {
  WS_FLASH_KIND_LUMINANCE = 0,
  WS_FLASH_KIND_RED,
  WS_FLASH_KIND_PATTERN,
} WsFlashKind;

/** WsFlashVerdict: ordered, worst last. */
typedef enum {
  WS_FLASH_VERDICT_PASS = 0,
  WS_FLASH_VERDICT_WARN,
  WS_FLASH_VERDICT_FAIL,
} WsFlashVerdict;

/**
 * WsFlashParams:
 * @peak_cd_m2: SDR display peak white (200); in HDR the unit of the red
 *   rule's R, G, B.
 * @eotf: display transfer function (sRGB).
 * @flash_delta_cd_m2: a luminance transition is a change of at least this
 *   much (20).
 * @dark_limit_cd_m2: a luminance transition counts only when its darker
 *   state is below this (160).
 * @red_delta: a red transition is a change of the red value
 *   max(0, (R - G - B) * 320) of more than this (20), counted only while
 *   R / (R + G + B) >= 0.8 in linear light.
 * @max_flashes: more than this many flashes in any 1 s fail (3).
 * @area_limit: ... over more than this share of the screen (0.25).
 * @warn_area: a warning when more than @max_flashes flashes/s, or exactly
 *   @max_flashes, cover more than this share of the screen (0.20).
 * @near_flashes: a frame is "close to failing" (for extended flashing) when
 *   at least this many flashes in 1 s cover more than @area_limit (2, as
 *   IRIS's 4 to 6 transitions).
 * @extended_window_s: extended flashing window (5 s).
 * @extended_fraction: extended flashing when more than this share of the
 *   window was close to failing (0.8).
 * @extended_is_failure: 0 (default): extended flashing is a warning;
 *   non-zero: a failure, as HardingFPA rates it.
 * @grid_columns: analysis grid columns (96); capped so a cell is at least
 *   4 * @sample_step pixels wide.
 * @grid_rows: analysis grid rows; 0 = from the aspect ratio (square cells).
 * @sample_step: read every Nth pixel of every Nth row, 1 to 16 (1 reads
 *   all); 0 (default) = by resolution: width / 480, at least 2 (2 up to
 *   720p, 4 at 1080p, 8 at 2160p: 5 x 5 samples or more in each cell of the
 *   default grid). ws_flash_get_sample_step() says which was used.
 * @pattern: non-zero (default) to look for regular patterns.
 * @pattern_min_pairs: a pattern has at least this many light-dark pairs
 *   (6: "more than five").
 * @pattern_delta_cd_m2: a stripe is at least this much lighter than its
 *   neighbours (20, as a flash).
 * @pattern_min_contrast: ... with at least this Michelson contrast (0.5,
 *   "high contrast").
 * @pattern_area_limit: a pattern matters over more than this share of the
 *   screen (0.25).
 * @pattern_stationary_s: a stationary pattern fails after more than this
 *   (0.5 s); a reversing or flashing one at once.
 * @pattern_step: pixels per pattern plane sample; 0 (default) = width / 480
 *   rounded, at least 2.
 * @primaries: colour primaries (BT.709).
 * @hlg_peak_cd_m2: HLG display nominal peak luminance L_W (1000), 100 to
 *   10000; used with WS_FLASH_EOTF_HLG only.
 *
 * Fill with ws_flash_params_init() and change what you need.
 */
typedef struct {
  double peak_cd_m2;
  WsFlashEotf eotf;
  double flash_delta_cd_m2;
  double dark_limit_cd_m2;
  double red_delta;
  int max_flashes;
  double area_limit;
  double warn_area;
  int near_flashes;
  double extended_window_s;
  double extended_fraction;
  int extended_is_failure;
  int grid_columns;
  int grid_rows;
  int sample_step;
  int pattern;
  int pattern_min_pairs;
  double pattern_delta_cd_m2;
  double pattern_min_contrast;
  double pattern_area_limit;
  double pattern_stationary_s;
  int pattern_step;
  WsFlashPrimaries primaries;
  double hlg_peak_cd_m2;
} WsFlashParams;

/**
 * WsFlashFrame:
 * @planes: plane start pointers (as GstVideoFrame data[] / AVFrame data[]);
 *   only the planes the format has are read.
 * @strides: bytes between rows of each plane (GstVideoFrame stride[],
 *   AVFrame linesize[]; negative linesizes are not supported).
 * @width, @height: must equal the values given to ws_flash_new().
 * @format: must equal the format given to ws_flash_new().
 * @pts_ns: presentation time in nanoseconds, strictly increasing.
 *
 * Each plane must hold @height rows (the chroma planes of 4:2:0 formats
 * (@height + 1) / 2) of at least @strides[i] bytes, the last row at least the
 * row size: the core reads nothing else.
 */
typedef struct {
  const uint8_t *planes[4];
  size_t strides[4];
  int width;
  int height;
  WsFlashFormat format;
  int64_t pts_ns;
} WsFlashFrame;

/**
 * WsFlashIncident: a run of frames of one kind that fail or warn; passing
 * gaps shorter than 1 s do not split it, and it is closed (and reported by
 * the incident callback) after 1 s of passing frames or by ws_flash_finish().
 * @kind: luminance, red or pattern.
 * @verdict: the worst verdict reached during the incident (warn or fail).
 * @extended: non-zero when extended flashing was detected in it.
 * @start_ns: time of the first transition of the flashing that raised it.
 * @end_ns: time of its last transition (set when the incident closes; while
 *   it is open, the last transition so far).
 * @peak_flash_rate: highest flash rate (flashes per second) of any cell in
 *   the flagged area.
 * @peak_area: largest share of the screen (0..1) flagged: flashing more than
 *   @max_flashes times per second on fail frames, at least @max_flashes times
 *   on warn frames, at least @near_flashes times on extended-only frames.
 * @peak_risk: largest per-frame risk (see WsFlashFrameInfo) in the incident.
 * @pattern_pairs: pattern incidents: the most light-dark stripe pairs counted
 *   along one line; 0 for the other kinds.
 *
 * For pattern incidents @start_ns is when the pattern appeared, @end_ns
 * when it was last seen failing (the end of that frame), @peak_area the
 * largest share of the screen it covered, @peak_flash_rate its phase
 * reversals and reappearances in 1 s divided by 2 (0 for a stationary
 * pattern), and @extended is 0.
 */
typedef struct {
  WsFlashKind kind;
  WsFlashVerdict verdict;
  int extended;
  int64_t start_ns;
  int64_t end_ns;
  double peak_flash_rate;
  double peak_area;
  double peak_risk;
  int pattern_pairs;
} WsFlashIncident;

/**
 * WsFlashFrameInfo: the per-frame trace.
 * @risk: per kind (index with WsFlashKind; [WS_FLASH_KIND_PATTERN] is the
 *   pattern risk of ws-pattern.h's WsPatternResult):
 *   max over k of min (k / (2 * max_flashes), A(k) / area_limit), where A(k)
 *   is the share of the screen with at least k transitions in the last 1 s.
 *   It is 1.0 at the limit and above 1.0 exactly when the frame fails the
 *   rate-and-area rule; 0 for steady content.
 * @area: per kind, share of the screen flashing more than max_flashes times
 *   in the last second; for patterns, the share covered by regular patterns.
 * @flash_rate: per kind, highest flash rate (flashes/s) of any cell; for
 *   patterns, reversals and reappearances in the last 1 s divided by 2.
 * @verdict: per kind, this frame's status (extended flashing included).
 * @luminance_cd_m2: mean display luminance of the frame.
 */
typedef struct {
  int64_t pts_ns;
  double risk[3];
  double area[3];
  double flash_rate[3];
  WsFlashVerdict verdict[3];
  double luminance_cd_m2;
} WsFlashFrameInfo;

/**
 * WsFlashIncidentEvent: why the incident callback is called.
 * @WS_FLASH_INCIDENT_STARTED: the incident opened (its verdict may be warn
 *   and rise later).
 * @WS_FLASH_INCIDENT_ESCALATED: an open incident's verdict rose to fail, or
 *   extended flashing was found in it.
 * @WS_FLASH_INCIDENT_ENDED: the incident closed; its fields are final.
 */
typedef enum {
  WS_FLASH_INCIDENT_STARTED = 0,
  WS_FLASH_INCIDENT_ENDED,
  WS_FLASH_INCIDENT_ESCALATED,
} WsFlashIncidentEvent;

typedef struct WsFlash WsFlash;

/** WsFlashFrameFunc: called once per pushed frame; @info is (transfer none)
 * and valid during the call only. */
typedef void (
    *WsFlashFrameFunc) (const WsFlashFrameInfo *info, void *user_data);

/** WsFlashIncidentFunc: called when an incident opens, escalates and closes;
 * @incident is (transfer none), valid during the call only. */
typedef void (*WsFlashIncidentFunc) (const WsFlashIncident *incident,
    WsFlashIncidentEvent event, void *user_data);

/** ws_flash_params_init: fills @params with the defaults above. NULL is a
 * no-op. */
void ws_flash_params_init (WsFlashParams *params);

/** ws_flash_format_is_yuv: 1 for Y'CbCr formats, 0 for RGB and unknown. */
int ws_flash_format_is_yuv (WsFlashFormat format);

/** ws_flash_format_to_string: a static name ("I420", ...); "unknown" for
 * values out of range. Never NULL. */
const char *ws_flash_format_to_string (WsFlashFormat format);

/** ws_flash_format_bit_depth: bits per component (8, 10 or 12); 0 for
 * unknown values. */
int ws_flash_format_bit_depth (WsFlashFormat format);

/** ws_flash_eotf_to_string: "sdr-srgb", "sdr-bt1886", "pq", "hlg";
 * "unknown" for other values. Never NULL. */
const char *ws_flash_eotf_to_string (WsFlashEotf eotf);

/** ws_flash_eotf_describe: a static English description for a report
 * ("SMPTE ST 2084 (BT.2100 PQ)", ...). Never NULL. */
const char *ws_flash_eotf_describe (WsFlashEotf eotf);

/** ws_flash_primaries_to_string: "bt709", "bt2020"; "unknown" otherwise.
 * Never NULL. */
const char *ws_flash_primaries_to_string (WsFlashPrimaries primaries);

/**
 * ws_flash_hlg_system_gamma: the HLG OOTF's system gamma for a display of
 * nominal peak @peak_cd_m2: 1.2 + 0.42 log10 (L_W / 1000) from 400 to
 * 2000 cd/m^2 (BT.2100), 1.2 * 1.111^log2 (L_W / 1000) outside (BT.2390).
 * Returns 1.2 for values <= 0.
 */
double ws_flash_hlg_system_gamma (double peak_cd_m2);

/**
 * ws_flash_new:
 * @out: (out) (transfer full): the new analyser, free with ws_flash_free().
 * @params: (nullable): copied; NULL for the defaults.
 *
 * Returns: WS_RESULT_OK; WS_RESULT_INVALID_ARGUMENT when @out is NULL, a
 * dimension is below 2 or above WS_FLASH_MAX_DIMENSION, @range, @matrix or
 * a parameter is out of range (thresholds <= 0, area shares outside (0, 1],
 * sample step outside 0..16, grid outside 1..1024); WS_RESULT_UNSUPPORTED_FORMAT
 * for an unknown @format; WS_RESULT_NO_MEMORY. On error *@out is untouched.
 */
WsResult ws_flash_new (WsFlash **out, int width, int height,
    WsFlashFormat format, WsFlashRange range, WsFlashMatrix matrix,
    const WsFlashParams *params);

/** ws_flash_free: frees @flash and its incidents. NULL is a no-op. */
void ws_flash_free (WsFlash *flash);

/**
 * ws_flash_set_callbacks:
 * @frame_func: (nullable): per-frame trace.
 * @incident_func: (nullable): incident start and end.
 * @user_data: passed to both; not owned.
 *
 * The callbacks run inside ws_flash_push_frame() and ws_flash_finish() and
 * must not call back into @flash except the const getters.
 */
void ws_flash_set_callbacks (WsFlash *flash, WsFlashFrameFunc frame_func,
    WsFlashIncidentFunc incident_func, void *user_data);

/**
 * ws_flash_get_grid: the analysis grid in use. Either pointer may be NULL.
 * Returns: WS_RESULT_OK, or WS_RESULT_INVALID_ARGUMENT when @flash is NULL.
 */
WsResult ws_flash_get_grid (const WsFlash *flash, int *columns, int *rows);

/**
 * ws_flash_get_sample_step: the sample step in use (WsFlashParams.sample_step,
 * or what 0 chose for this width).
 * Returns: WS_RESULT_OK, or WS_RESULT_INVALID_ARGUMENT when either pointer
 * is NULL.
 */
WsResult ws_flash_get_sample_step (const WsFlash *flash, int *step);

/**
 * ws_flash_push_frame: analyses one frame.
 *
 * Returns: WS_RESULT_OK; WS_RESULT_INVALID_ARGUMENT when an argument is NULL,
 * the frame's width, height or format differ from ws_flash_new(), a needed
 * plane is NULL, a stride is smaller than the row, the pts does not increase,
 * or ws_flash_finish() was called; WS_RESULT_NO_MEMORY when an incident
 * could not be stored. On INVALID_ARGUMENT nothing is read and the state is
 * unchanged.
 */
WsResult ws_flash_push_frame (WsFlash *flash, const WsFlashFrame *frame);

/**
 * ws_flash_finish: end of stream; closes the open incidents (their end_ns is
 * their last transition). Pushing afterwards is an error. Calling it twice is
 * harmless.
 * Returns: WS_RESULT_OK, or WS_RESULT_INVALID_ARGUMENT when @flash is NULL.
 */
WsResult ws_flash_finish (WsFlash *flash);

/**
 * ws_flash_get_incidents:
 * @incidents: (out) (transfer none): the closed incidents in the order they
 *   opened, valid until the next push, finish or free; NULL when there are
 *   none.
 * @n_incidents: (out): their number.
 * Returns: WS_RESULT_OK, or WS_RESULT_INVALID_ARGUMENT when an argument is
 * NULL (outputs untouched).
 */
WsResult ws_flash_get_incidents (const WsFlash *flash,
    const WsFlashIncident **incidents, size_t *n_incidents);

/**
 * ws_flash_get_verdict: the worst verdict so far, open incidents included.
 * Returns: WS_RESULT_OK; WS_RESULT_INVALID_ARGUMENT for NULL arguments;
 * WS_RESULT_NO_DATA before the first frame. *@verdict is untouched on error.
 */
WsResult ws_flash_get_verdict (const WsFlash *flash, WsFlashVerdict *verdict);

/**
 * ws_flash_get_frame_info: the trace of the last pushed frame.
 * Returns: WS_RESULT_OK; WS_RESULT_INVALID_ARGUMENT for NULL arguments;
 * WS_RESULT_NO_DATA before the first frame. *@info is untouched on error.
 */
WsResult ws_flash_get_frame_info (const WsFlash *flash, WsFlashFrameInfo *info);

/**
 * WsFlashDisplay: the display model an analyser assumes, for reports.
 * @eotf, @primaries, @matrix, @range: as given to ws_flash_new().
 * @bit_depth: of the pixel format (8, 10 or 12).
 * @peak_cd_m2: luminance of code value 1.0: the SDR peak, 10000 for PQ,
 *   L_W for HLG.
 * @hlg_gamma: the HLG system gamma (0 for other transfers).
 * @standard: WS_FLASH_STANDARD (static).
 */
typedef struct {
  WsFlashEotf eotf;
  WsFlashPrimaries primaries;
  WsFlashMatrix matrix;
  WsFlashRange range;
  int bit_depth;
  double peak_cd_m2;
  double hlg_gamma;
  const char *standard;
} WsFlashDisplay;

/**
 * ws_flash_get_display: the display model @flash assumes.
 * Returns: WS_RESULT_OK, or WS_RESULT_INVALID_ARGUMENT when an argument is
 * NULL (*@display untouched).
 */
WsResult ws_flash_get_display (const WsFlash *flash, WsFlashDisplay *display);

/**
 * ws_flash_display_describe: one English line for a report or certificate
 * saying what the verdict assumed, e.g. "HDR: SMPTE ST 2084 (BT.2100 PQ)
 * EOTF, absolute luminance, no tone mapping; BT.2020 primaries; 10-bit",
 * "HDR: BT.2100 HLG on a display of nominal peak 1000 cd/m², system gamma
 * 1.20; ...", "SDR display model: sRGB (IEC 61966-2-1) EOTF, peak white
 * 200 cd/m²; BT.709 primaries; 8-bit" (UTF-8).
 * @buf: (out): filled as snprintf() does (NUL-terminated when @size > 0).
 * Returns: the length of the whole line (as snprintf()); -1 when @display
 * is NULL, or @buf is NULL with @size > 0 (nothing written).
 */
int ws_flash_display_describe (const WsFlashDisplay *display, char *buf,
    size_t size);

/** ws_flash_kind_to_string: "luminance", "red", "pattern"; never NULL. */
const char *ws_flash_kind_to_string (WsFlashKind kind);

/** ws_flash_verdict_to_string: "pass", "warn", "fail"; never NULL. */
const char *ws_flash_verdict_to_string (WsFlashVerdict verdict);

#ifdef __cplusplus
}
#endif

#endif /* WS_FILTERS_WS_FLASH_H */
