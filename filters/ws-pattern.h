/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: regular spatial pattern detection (ITU-R BT.1702 / Ofcom
 * Annex 1, "regular patterns"), the part of the photosensitivity check that
 * looks at one picture's stripes rather than at changes between pictures.
 *
 * Plain C, no GLib. The flash core (ws-flash.h) builds a downscaled plane of
 * display luminance from each frame and pushes it here; WsFlash turns the
 * per-frame result into WS_FLASH_KIND_PATTERN incidents. The plane is in
 * cd/m^2 (absolute display luminance), so the thresholds below mean the same
 * for SDR (through the core's display model) and HDR (through its EOTF).
 *
 * What counts (see docs/patterns.md for the sources and choices):
 * a pattern is a run of more than five light-dark pairs of stripes along a
 * row or a column of the plane, in any orientation (stripes at an angle are
 * crossed at up to 1.41 times their period; straight, curved and radial
 * stripes and rows of repeated elements are all seen as locally regular
 * light-dark sequences). Radial stripes count where a straight line
 * crosses more than five regular pairs, i.e. from about 30 spokes pairs
 * around the centre; a coarser pinwheel is not found.
 * A light-dark step counts when the lighter side is at least delta_cd_m2
 * brighter and the Michelson contrast (Lmax - Lmin) / (Lmax + Lmin) is at
 * least min_contrast ("high contrast"). A run is regular while each full
 * period (light + dark) is within a quarter (or one plane sample) of the
 * previous one, which tolerates the smoothly changing spacing of curved and
 * radial stripes but not the random spacing of text or texture. The runs'
 * extents are marked on the plane; the pattern area is the marked share of
 * the picture, counted in 8 x 8 sample blocks that are at least half marked
 * (and the partly marked blocks next to them), so scattered chance runs in
 * texture do not add up.
 *
 * Time: a pattern covering more than area_limit of the screen fails when it
 * stays stationary (the same light/dark phase on at least three quarters of
 * its samples from frame to frame) for more than stationary_s, or at once
 * when it reverses (the phase flips on at least three quarters), or flashes
 * (disappears and comes back within 1 s). A pattern that drifts by a good
 * fraction of its period per frame is moving and passes; a slow drift counts
 * as stationary (fail closed).
 */
#ifndef WS_FILTERS_WS_PATTERN_H
#define WS_FILTERS_WS_PATTERN_H

#include <stddef.h>
#include <stdint.h>

#include "ws-result.h"

#ifdef __cplusplus
extern "C" {
#endif

/** WS_PATTERN_MAX_DIMENSION: the largest plane width or height accepted. */
#define WS_PATTERN_MAX_DIMENSION 4096

/**
 * WsPatternParams:
 * @min_pairs: a pattern has at least this many light-dark pairs along a
 *   line (6: "more than five").
 * @delta_cd_m2: a light-dark step is at least this much (20 cd/m^2, the
 *   flash rule's luminance change).
 * @min_contrast: ... and at least this Michelson contrast (0.5).
 * @area_limit: a pattern matters when it covers more than this share of the
 *   screen (0.25).
 * @stationary_s: a stationary pattern fails after more than this long
 *   (0.5 s).
 *
 * Fill with ws_pattern_params_init() and change what you need.
 */
typedef struct {
  int min_pairs;
  double delta_cd_m2;
  double min_contrast;
  double area_limit;
  double stationary_s;
} WsPatternParams;

/**
 * WsPatternResult: one frame's result.
 * @area: share of the screen (0..1) covered by regular patterns.
 * @pairs: the most light-dark pairs counted along one line (0 when none
 *   reaches @min_pairs).
 * @present: @area > @area_limit.
 * @fail: the frame fails: present and stationary for more than
 *   @stationary_s, or present and reversed or flashed in the last 1 s.
 * @reversals: phase reversals and reappearances in the last 1 s.
 * @onset_ns: pts of the first frame of this presence of the pattern (valid
 *   when @present).
 * @stationary_ns: how long it has been stationary, this frame included.
 * @risk: min (@area / @area_limit, max (stationary time / @stationary_s,
 *   2 when it reversed or flashed in the last 1 s)); above 1.0 exactly when
 *   the frame fails, 0 without a pattern.
 */
typedef struct {
  double area;
  int pairs;
  int present;
  int fail;
  int reversals;
  int64_t onset_ns;
  int64_t stationary_ns;
  double risk;
} WsPatternResult;

typedef struct WsPattern WsPattern;

/**
 * WS_PATTERN_LINE_STEP, WS_PATTERN_LINE_FIRST: the detector reads only the
 * samples of the lines it scans: every row y with y % WS_PATTERN_LINE_STEP
 * == WS_PATTERN_LINE_FIRST, whole, and every column x with the same
 * property, whole. A caller may fill only those samples (about 44 % of the
 * plane; ws_pattern_reads() says which); the others are never read.
 */
#define WS_PATTERN_LINE_STEP 4
#define WS_PATTERN_LINE_FIRST 1

/** ws_pattern_reads: non-zero when ws_pattern_push() reads sample (x, y). */
static inline int
ws_pattern_reads (int x, int y)
{
  return y % WS_PATTERN_LINE_STEP == WS_PATTERN_LINE_FIRST ||
         x % WS_PATTERN_LINE_STEP == WS_PATTERN_LINE_FIRST;
}

/** ws_pattern_params_init: fills @params with the defaults above. NULL is a
 * no-op. */
void ws_pattern_params_init (WsPatternParams *params);

/**
 * ws_pattern_new:
 * @out: (out) (transfer full): the new detector, free with ws_pattern_free().
 * @width, @height: plane size in samples, 8..WS_PATTERN_MAX_DIMENSION.
 * @params: (nullable): copied; NULL for the defaults.
 *
 * Returns: WS_RESULT_OK; WS_RESULT_INVALID_ARGUMENT when @out is NULL, a
 * dimension is out of range or a parameter is (min_pairs outside 2..1000,
 * delta_cd_m2 <= 0, min_contrast outside [0, 1), area_limit outside (0, 1],
 * stationary_s outside [0, 60]); WS_RESULT_NO_MEMORY. *@out is untouched on
 * error.
 */
WsResult ws_pattern_new (WsPattern **out, int width, int height,
    const WsPatternParams *params);

/** ws_pattern_free: NULL is a no-op. */
void ws_pattern_free (WsPattern *pattern);

/**
 * ws_pattern_push:
 * @lum_cd_m2: (transfer none): @height rows of @width display luminances in
 *   cd/m^2 (finite, >= 0; other values give unspecified results but are
 *   read safely), rows @stride floats apart; only the samples
 *   ws_pattern_reads() names are read.
 * @pts_ns: presentation time, strictly increasing.
 * @result: (out) (nullable): this frame's result.
 *
 * Returns: WS_RESULT_OK; WS_RESULT_INVALID_ARGUMENT when @pattern or
 * @lum_cd_m2 is NULL, @stride < width, or @pts_ns does not increase (state
 * and *@result untouched).
 */
WsResult ws_pattern_push (WsPattern *pattern, const float *lum_cd_m2,
    size_t stride, int64_t pts_ns, WsPatternResult *result);

/**
 * ws_pattern_get_marks: the last frame's pattern map, for display and tests:
 * @width * @height bytes, 0 = no pattern, 1 = dark stripe, 2 = light stripe.
 * (transfer none), valid until the next push or free; NULL before the first
 * push or when @pattern is NULL.
 */
const uint8_t *ws_pattern_get_marks (const WsPattern *pattern);

#ifdef __cplusplus
}
#endif

#endif /* WS_FILTERS_WS_PATTERN_H */
