/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: photosensitive flash analysis (ITU-R BT.1702 / Ofcom Annex 1).
 *
 * How a frame is analysed (see ws-flash.h for the model):
 *
 * 1. Sampling. One row in every sample_step rows is read, and in it every
 *    sample_step-th pixel (chroma planes on their own grid with the same
 *    step), on a lattice that shifts by one row and one pixel from one band
 *    of sample_step rows to the next: the band k reads row k * step + k %
 *    step, from pixel k % step on. So a cell sees every row and column
 *    phase (both fields of interlaced video, stripes and line gratings of
 *    any period at their true mean) instead of one phase that a regular
 *    pattern of the step's period could hide from it. Samples are summed
 *    per cell of the analysis grid with integer arithmetic: for Y'CbCr the sum
 *    of the luma codes, the sum of "neutral" linear luminances looked up from
 *    the luma code (a LUT per range and bit depth), and the sums of Cb and Cr;
 *    for RGB the sums of linear R, G and B (LUTs).
 *
 * 2. Cell luminance. RGB cells are exact: luminance is linear in linear R, G,
 *    B, so the mean of the sampled pixels' luminance is the luminance of the
 *    mean linear colour. For Y'CbCr, the luma LUT alone gives the right
 *    answer only for neutral colours (Y' = R' = G' = B'); for saturated
 *    colours luma is not luminance (full red at 8 bits has Y' = 54, which the
 *    luma LUT maps to 7 cd/m^2, while its luminance is 42.5 cd/m^2). So the
 *    cell's mean Y'CbCr is converted to R'G'B' and then to linear light, and
 *    the cell's luminance is
 *        mean (LUT (Y')) + (lum (EOTF (R'G'B' (mean Y'CbCr))) - EOTF (mean Y'))
 *    i.e. the exact mean for neutral cells (the correction is 0) and the
 *    exact luminance for uniform cells of any colour (the first and last terms
 *    cancel). Only cells that mix very different saturated colours are
 *    approximate, and a flashing region's cells are uniform except on its
 *    border. tests/filters/check_flash.c checks both exact cases.
 *    The tables follow the display model (setup_display()): SDR EOTFs
 *    relative to the peak, PQ relative to 10000 cd/m^2; for HLG the
 *    per-component tables hold scene light and the OOTF (a function of the
 *    pixel's luminance, not per component) is applied per cell, through a
 *    table of x^gamma, while the luma table holds a neutral pixel's display
 *    light (E^gamma), so the formula above stays exact for neutral and
 *    uniform cells. BT.2020 primaries change the luminance weights; the red
 *    value is taken on BT.709 components (tests/filters/check_flash_hdr.c).
 *
 * 3. Transitions. Each cell runs a zig-zag (peak/trough) detector per kind:
 *    a leg is a run in one direction, ended when the value moves back by more
 *    than a quarter of the threshold (so compression noise does not split a
 *    leg); a leg becomes a transition once its extent reaches the threshold
 *    (>= 20 cd/m^2 with the darker end < 160 cd/m^2; red value change > 20)
 *    and its direction is opposite to the cell's previous transition. A flash
 *    is a pair of opposing transitions, so more than 3 flashes in 1 s is more
 *    than 6 transitions. Each cell keeps a bit per frame of its transitions
 *    for the last WINDOW_FRAMES frames; with the pts of those frames this is
 *    the 1 s history (frame rates up to WINDOW_FRAMES fps are covered whole).
 *
 * 4. Area. A(k) = share of the picture in cells with at least k transitions
 *    in the last second. A frame fails when A(2 * max_flashes + 1) >
 *    area_limit, warns when A(2 * max_flashes) > warn_area, and is "close to
 *    failing" when A(2 * near_flashes) > area_limit; extended flashing is
 *    more than extended_fraction of the last extended_window_s close to
 *    failing (HardingFPA's rule).
 *
 * 5. Incidents. A run of non-passing frames of one kind is an incident
 *    (passing gaps shorter than 1 s do not split it; it is reported closed
 *    after 1 s of passing frames or at ws_flash_finish()). Its start is the
 *    oldest transition in the flagged cells' windows (so it is the first
 *    change of the flashing, not the moment the count passed the limit;
 *    other transitions in those cells in that second count too, as the rule
 *    says), or for extended flashing the oldest near-limit frame still in
 *    the window; its end is the latest transition in the flagged cells.
 */
#include "ws-flash.h"
#include "ws-pattern.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW_WORDS 4
#define WINDOW_FRAMES (64 * WINDOW_WORDS)
#define LIN_ONE 65535.0
#define EOTF_STEPS 4096
#define NS_PER_S INT64_C (1000000000)
#define EXT_RING_MAX 16384
#define N_KINDS 2
#define N_INCIDENT_KINDS 3 /* luminance, red, pattern */

typedef struct {
  float anchor;
  float ext;
  int8_t dir;
  int8_t last_dir;
  uint8_t counted;
  uint8_t init;
  uint64_t bits[WINDOW_WORDS];
} Detector;

/* One colour component: where its samples are and how they are spaced. */
typedef struct {
  int plane;
  int offset;         /* bytes from the pixel (group) start */
  int pixel_bytes;    /* bytes between neighbours on its grid */
  int hshift, vshift; /* chroma subsampling */
} Comp;

/* Per component grid: column spans per lattice phase and a row -> cell row
 * map. */
typedef struct {
  size_t *first; /* [step][cols] byte offset of the first sample */
  int *count;    /* [step][cols] samples per row and cell */
  int *rowmap;   /* [plane height] cell row, -1 = skipped */
  int *phase;    /* [plane height] the sampled row's phase (first / count) */
  int *next;     /* [plane height] the next sampled row, or plane height */
  int plane_height;
  size_t sample_bytes; /* bytes between samples in a row */
  size_t row_bytes;    /* bytes from a row's start to past its last sample */
} Grid;

typedef struct {
  int64_t pts;
  int64_t dur;
  uint8_t near[N_KINDS];
} ExtEntry;

struct WsFlash {
  WsFlashParams p;
  int width, height;
  WsFlashFormat format;
  WsFlashRange range;
  WsFlashMatrix matrix;

  int yuv;
  int depth;     /* 8, 10 or 12 */
  int msb;       /* P010 / P012: right shift to the code (6 or 4), else 0 */
  unsigned mask; /* (1 << depth) - 1 */
  int n_planes;
  size_t row_bytes[4];
  int plane_rows[4];
  Comp comps[3]; /* Y Cb Cr, or R G B */
  Grid grids[2]; /* [0] luma / RGB, [1] chroma */

  int cols, rows, n_cells;
  int *xb, *yb; /* cell boundaries in luma pixels */
  uint32_t *cell_area;
  double total_area;
  double *inv_n0; /* 1 / samples per cell, luma or RGB */
  double *inv_n1; /* 1 / chroma samples per cell */

  uint64_t *acc;       /* [n_cells * 4] */
  uint16_t lut[4096];  /* code -> linear light * LIN_ONE (HLG: scene) */
  uint64_t lutc[4096]; /* neutral display light * LIN_ONE | code << 32 */
  float eotf_tab[EOTF_STEPS + 2];
  float gamma_tab[EOTF_STEPS + 2]; /* HLG: x^gamma (the OOTF) */

  /* display model */
  double scale_cd_m2; /* cd/m^2 of linear 1.0: SDR peak, 10000, L_W */
  double hlg_gamma;   /* 0 unless HLG */
  double kl[3];       /* luminance coefficients of the primaries */
  int to709;          /* BT.2020 primaries: convert for the red rule */
  double m709[9];     /* BT.2020 -> BT.709 linear RGB */
  double red_scale;   /* linear 1.0 in units of the SDR peak */

  /* Y'CbCr normalisation and matrix */
  double y_off, y_scale, c_off, c_scale;
  double cr_r, cb_g, cr_g, cb_b;

  Detector *det[N_KINDS];
  float *value[N_KINDS];
  uint64_t *hist; /* [WINDOW_FRAMES + 1] */

  int64_t pts_ring[WINDOW_FRAMES];
  uint64_t n_frames;
  int64_t last_pts;

  ExtEntry *ext;
  size_t ext_cap, ext_head, ext_len;
  int64_t near_ns[N_KINDS];

  int open[N_INCIDENT_KINDS];
  int pass_run[N_INCIDENT_KINDS];
  int64_t pass_since[N_INCIDENT_KINDS];
  WsFlashIncident cur[N_INCIDENT_KINDS];
  WsFlashIncident *incidents;
  size_t n_incidents, incidents_cap;
  WsFlashVerdict worst;
  int finished;

  WsFlashFrameInfo info;

  /* regular patterns: a luminance plane for ws-pattern */
  WsPattern *pattern;
  float *pat_plane;
  int pat_w, pat_h, pat_step;
  float pat_lut[4096]; /* luma code -> cd/m^2 (neutral display light) */

  WsFlashFrameFunc frame_func;
  WsFlashIncidentFunc incident_func;
  void *user_data;
};

void
ws_flash_params_init (WsFlashParams *params)
{
  if (params == NULL)
    return;
  memset (params, 0, sizeof (*params));
  params->peak_cd_m2 = 200.0;
  params->eotf = WS_FLASH_EOTF_SRGB;
  params->flash_delta_cd_m2 = 20.0;
  params->dark_limit_cd_m2 = 160.0;
  params->red_delta = 20.0;
  params->max_flashes = 3;
  params->area_limit = 0.25;
  params->warn_area = 0.20;
  params->near_flashes = 2;
  params->extended_window_s = 5.0;
  params->extended_fraction = 0.8;
  params->extended_is_failure = 0;
  params->grid_columns = 96;
  params->grid_rows = 0;
  params->sample_step = 0;
  params->pattern = 1;
  params->pattern_min_pairs = 6;
  params->pattern_delta_cd_m2 = 20.0;
  params->pattern_min_contrast = 0.5;
  params->pattern_area_limit = 0.25;
  params->pattern_stationary_s = 0.5;
  params->pattern_step = 0;
  params->primaries = WS_FLASH_PRIMARIES_BT709;
  params->hlg_peak_cd_m2 = 1000.0;
}

static const char *const format_names[WS_FLASH_FORMAT_LAST] = {
  "unknown",
  "I420",
  "YV12",
  "NV12",
  "NV21",
  "Y42B",
  "Y444",
  "YUY2",
  "UYVY",
  "I420_10LE",
  "P010_10LE",
  "RGB",
  "BGR",
  "RGBx",
  "BGRx",
  "xRGB",
  "xBGR",
  "RGBA",
  "BGRA",
  "ARGB",
  "ABGR",
  "I422_10LE",
  "Y444_10LE",
  "I420_12LE",
  "I422_12LE",
  "Y444_12LE",
  "P012_LE",
};

const char *
ws_flash_format_to_string (WsFlashFormat format)
{
  if ((int) format < 0 || format >= WS_FLASH_FORMAT_LAST)
    return "unknown";
  return format_names[format];
}

int
ws_flash_format_is_yuv (WsFlashFormat format)
{
  return (format >= WS_FLASH_FORMAT_I420 && format <= WS_FLASH_FORMAT_P010) ||
         (format >= WS_FLASH_FORMAT_I422_10LE &&
             format <= WS_FLASH_FORMAT_P012);
}

int
ws_flash_format_bit_depth (WsFlashFormat format)
{
  switch (format) {
    case WS_FLASH_FORMAT_UNKNOWN:
    case WS_FLASH_FORMAT_LAST:
      return 0;
    case WS_FLASH_FORMAT_I420_10LE:
    case WS_FLASH_FORMAT_P010:
    case WS_FLASH_FORMAT_I422_10LE:
    case WS_FLASH_FORMAT_Y444_10LE:
      return 10;
    case WS_FLASH_FORMAT_I420_12LE:
    case WS_FLASH_FORMAT_I422_12LE:
    case WS_FLASH_FORMAT_Y444_12LE:
    case WS_FLASH_FORMAT_P012:
      return 12;
    default:
      return (int) format > 0 && format < WS_FLASH_FORMAT_LAST ? 8 : 0;
  }
}

const char *
ws_flash_eotf_to_string (WsFlashEotf eotf)
{
  switch (eotf) {
    case WS_FLASH_EOTF_SRGB:
      return "sdr-srgb";
    case WS_FLASH_EOTF_GAMMA24:
      return "sdr-bt1886";
    case WS_FLASH_EOTF_PQ:
      return "pq";
    case WS_FLASH_EOTF_HLG:
      return "hlg";
  }
  return "unknown";
}

const char *
ws_flash_eotf_describe (WsFlashEotf eotf)
{
  switch (eotf) {
    case WS_FLASH_EOTF_SRGB:
      return "SDR, sRGB (IEC 61966-2-1) EOTF";
    case WS_FLASH_EOTF_GAMMA24:
      return "SDR, BT.1886 EOTF (gamma 2.4, black 0)";
    case WS_FLASH_EOTF_PQ:
      return "HDR, SMPTE ST 2084 (BT.2100 PQ) EOTF";
    case WS_FLASH_EOTF_HLG:
      return "HDR, BT.2100 HLG (inverse OETF and OOTF)";
  }
  return "unknown";
}

const char *
ws_flash_primaries_to_string (WsFlashPrimaries primaries)
{
  switch (primaries) {
    case WS_FLASH_PRIMARIES_BT709:
      return "bt709";
    case WS_FLASH_PRIMARIES_BT2020:
      return "bt2020";
  }
  return "unknown";
}

double
ws_flash_hlg_system_gamma (double peak_cd_m2)
{
  if (!(peak_cd_m2 > 0.0))
    return 1.2;
  if (peak_cd_m2 >= 400.0 && peak_cd_m2 <= 2000.0)
    return 1.2 + 0.42 * log10 (peak_cd_m2 / 1000.0);
  return 1.2 * pow (1.111, log2 (peak_cd_m2 / 1000.0));
}

const char *
ws_flash_kind_to_string (WsFlashKind kind)
{
  switch (kind) {
    case WS_FLASH_KIND_LUMINANCE:
      return "luminance";
    case WS_FLASH_KIND_RED:
      return "red";
    case WS_FLASH_KIND_PATTERN:
      return "pattern";
  }
  return "unknown";
}

const char *
ws_flash_verdict_to_string (WsFlashVerdict verdict)
{
  switch (verdict) {
    case WS_FLASH_VERDICT_PASS:
      return "pass";
    case WS_FLASH_VERDICT_WARN:
      return "warn";
    case WS_FLASH_VERDICT_FAIL:
      return "fail";
  }
  return "unknown";
}

/* ---- layout ---------------------------------------------------------- */

static void
set_comp (Comp *c, int plane, int offset, int pixel_bytes, int hshift,
    int vshift)
{
  c->plane = plane;
  c->offset = offset;
  c->pixel_bytes = pixel_bytes;
  c->hshift = hshift;
  c->vshift = vshift;
}

/* Fills the components, planes and row sizes; 0 for an unknown format. */
static int
setup_layout (WsFlash *f)
{
  size_t w = (size_t) f->width, cw = (w + 1) / 2;
  int h = f->height, ch = (h + 1) / 2;
  int o[3];

  f->depth = ws_flash_format_bit_depth (f->format);
  f->msb = 0;
  f->yuv = ws_flash_format_is_yuv (f->format);
  switch (f->format) {
    case WS_FLASH_FORMAT_I420:
    case WS_FLASH_FORMAT_YV12: {
      int u = f->format == WS_FLASH_FORMAT_I420 ? 1 : 2;
      set_comp (&f->comps[0], 0, 0, 1, 0, 0);
      set_comp (&f->comps[1], u, 0, 1, 1, 1);
      set_comp (&f->comps[2], 3 - u, 0, 1, 1, 1);
      f->n_planes = 3;
      f->row_bytes[0] = w;
      f->row_bytes[1] = f->row_bytes[2] = cw;
      f->plane_rows[0] = h;
      f->plane_rows[1] = f->plane_rows[2] = ch;
      break;
    }
    case WS_FLASH_FORMAT_NV12:
    case WS_FLASH_FORMAT_NV21: {
      int u = f->format == WS_FLASH_FORMAT_NV12 ? 0 : 1;
      set_comp (&f->comps[0], 0, 0, 1, 0, 0);
      set_comp (&f->comps[1], 1, u, 2, 1, 1);
      set_comp (&f->comps[2], 1, 1 - u, 2, 1, 1);
      f->n_planes = 2;
      f->row_bytes[0] = w;
      f->row_bytes[1] = 2 * cw;
      f->plane_rows[0] = h;
      f->plane_rows[1] = ch;
      break;
    }
    case WS_FLASH_FORMAT_Y42B:
    case WS_FLASH_FORMAT_Y444: {
      int hs = f->format == WS_FLASH_FORMAT_Y42B ? 1 : 0;
      set_comp (&f->comps[0], 0, 0, 1, 0, 0);
      set_comp (&f->comps[1], 1, 0, 1, hs, 0);
      set_comp (&f->comps[2], 2, 0, 1, hs, 0);
      f->n_planes = 3;
      f->row_bytes[0] = w;
      f->row_bytes[1] = f->row_bytes[2] = hs ? cw : w;
      f->plane_rows[0] = f->plane_rows[1] = f->plane_rows[2] = h;
      break;
    }
    case WS_FLASH_FORMAT_YUY2:
    case WS_FLASH_FORMAT_UYVY: {
      int yo = f->format == WS_FLASH_FORMAT_YUY2 ? 0 : 1;
      set_comp (&f->comps[0], 0, yo, 2, 0, 0);
      set_comp (&f->comps[1], 0, 1 - yo, 4, 1, 0);
      set_comp (&f->comps[2], 0, 3 - yo, 4, 1, 0);
      f->n_planes = 1;
      f->row_bytes[0] = 4 * cw;
      f->plane_rows[0] = h;
      break;
    }
    case WS_FLASH_FORMAT_I420_10LE:
    case WS_FLASH_FORMAT_I420_12LE:
    case WS_FLASH_FORMAT_I422_10LE:
    case WS_FLASH_FORMAT_I422_12LE:
    case WS_FLASH_FORMAT_Y444_10LE:
    case WS_FLASH_FORMAT_Y444_12LE: {
      int hs = f->format == WS_FLASH_FORMAT_Y444_10LE ||
                       f->format == WS_FLASH_FORMAT_Y444_12LE ?
                   0 :
                   1;
      int vs = f->format == WS_FLASH_FORMAT_I420_10LE ||
               f->format == WS_FLASH_FORMAT_I420_12LE;
      set_comp (&f->comps[0], 0, 0, 2, 0, 0);
      set_comp (&f->comps[1], 1, 0, 2, hs, vs);
      set_comp (&f->comps[2], 2, 0, 2, hs, vs);
      f->n_planes = 3;
      f->row_bytes[0] = 2 * w;
      f->row_bytes[1] = f->row_bytes[2] = 2 * (hs ? cw : w);
      f->plane_rows[0] = h;
      f->plane_rows[1] = f->plane_rows[2] = vs ? ch : h;
      break;
    }
    case WS_FLASH_FORMAT_P010:
    case WS_FLASH_FORMAT_P012:
      set_comp (&f->comps[0], 0, 0, 2, 0, 0);
      set_comp (&f->comps[1], 1, 0, 4, 1, 1);
      set_comp (&f->comps[2], 1, 2, 4, 1, 1);
      f->msb = 16 - f->depth;
      f->n_planes = 2;
      f->row_bytes[0] = 2 * w;
      f->row_bytes[1] = 4 * cw;
      f->plane_rows[0] = h;
      f->plane_rows[1] = ch;
      break;
    case WS_FLASH_FORMAT_RGB:
    case WS_FLASH_FORMAT_BGR:
      o[0] = f->format == WS_FLASH_FORMAT_RGB ? 0 : 2;
      o[1] = 1;
      o[2] = 2 - o[0];
      for (int i = 0; i < 3; i++)
        set_comp (&f->comps[i], 0, o[i], 3, 0, 0);
      f->n_planes = 1;
      f->row_bytes[0] = 3 * w;
      f->plane_rows[0] = h;
      break;
    case WS_FLASH_FORMAT_RGBX:
    case WS_FLASH_FORMAT_RGBA:
    case WS_FLASH_FORMAT_BGRX:
    case WS_FLASH_FORMAT_BGRA:
    case WS_FLASH_FORMAT_XRGB:
    case WS_FLASH_FORMAT_ARGB:
    case WS_FLASH_FORMAT_XBGR:
    case WS_FLASH_FORMAT_ABGR: {
      int bgr = f->format == WS_FLASH_FORMAT_BGRX ||
                f->format == WS_FLASH_FORMAT_BGRA ||
                f->format == WS_FLASH_FORMAT_XBGR ||
                f->format == WS_FLASH_FORMAT_ABGR;
      int lead = f->format == WS_FLASH_FORMAT_XRGB ||
                 f->format == WS_FLASH_FORMAT_ARGB ||
                 f->format == WS_FLASH_FORMAT_XBGR ||
                 f->format == WS_FLASH_FORMAT_ABGR;
      o[0] = lead + (bgr ? 2 : 0);
      o[1] = lead + 1;
      o[2] = lead + (bgr ? 0 : 2);
      for (int i = 0; i < 3; i++)
        set_comp (&f->comps[i], 0, o[i], 4, 0, 0);
      f->n_planes = 1;
      f->row_bytes[0] = 4 * w;
      f->plane_rows[0] = h;
      break;
    }
    default:
      return 0;
  }
  f->mask = (1u << f->depth) - 1u;
  return 1;
}

/* The positions x >= @a, x < @b with x % step == phase: the first in
 * *@first, their number returned. */
static size_t
count_phase (int a, int b, int step, int phase, int *first)
{
  int fst = (a - phase + step - 1) / step * step + phase;
  if (fst < a)
    fst += step;
  *first = fst;
  if (fst >= b)
    return 0;
  return (size_t) ((b - 1 - fst) / step + 1);
}

/* Spans, row map and phases of the component @c on the cell grid (the
 * lattice of section 1). Returns 0 on allocation failure. */
static int
setup_grid (WsFlash *f, Grid *g, const Comp *c)
{
  int step = f->p.sample_step;
  int ph = f->plane_rows[c->plane];
  size_t n = (size_t) step * (size_t) f->cols;

  g->first = calloc (n, sizeof (size_t));
  g->count = calloc (n, sizeof (int));
  g->rowmap = malloc ((size_t) ph * sizeof (int));
  g->phase = calloc ((size_t) ph, sizeof (int));
  g->next = malloc ((size_t) ph * sizeof (int));
  if (g->first == NULL || g->count == NULL || g->rowmap == NULL ||
      g->phase == NULL || g->next == NULL)
    return 0;
  g->plane_height = ph;
  g->sample_bytes = (size_t) step * (size_t) c->pixel_bytes;
  g->row_bytes = 0;
  for (int k = 0; k < step; k++) {
    for (int col = 0; col < f->cols; col++) {
      int first;
      size_t i = (size_t) k * (size_t) f->cols + (size_t) col;
      int a = f->xb[col] >> c->hshift, b = f->xb[col + 1] >> c->hshift;
      g->count[i] = (int) count_phase (a, b, step, k, &first);
      g->first[i] = (size_t) first * (size_t) c->pixel_bytes;
      if (g->count[i] > 0) {
        size_t end = g->first[i] +
                     (size_t) (g->count[i] - 1) * g->sample_bytes + 1;
        if (end > g->row_bytes)
          g->row_bytes = end;
      }
    }
  }
  for (int y = 0; y < ph; y++)
    g->rowmap[y] = -1;
  for (int r = 0; r < f->rows; r++) {
    int a = f->yb[r] >> c->vshift, b = f->yb[r + 1] >> c->vshift;
    for (int y = a; y < b && y < ph; y++) {
      int k = y / step;
      if (y == k * step + k % step) {
        g->rowmap[y] = r;
        g->phase[y] = k % step;
      }
    }
  }
  for (int y = ph - 1, next = ph; y >= 0; y--) {
    g->next[y] = next;
    if (g->rowmap[y] >= 0)
      next = y;
  }
  return 1;
}

/* Samples per cell of a grid: the sum over its sampled rows of the row's
 * samples in the cell (which depend on the row's phase). */
static int
fill_inverse_counts (WsFlash *f, const Grid *g, double *inv)
{
  size_t n = (size_t) f->rows * (size_t) f->cols;
  int *count = calloc (n, sizeof (int));
  if (count == NULL)
    return 0;
  for (int y = 0; y < g->plane_height; y++) {
    int r = g->rowmap[y];
    const int *rc = g->count + (size_t) g->phase[y] * (size_t) f->cols;
    if (r < 0)
      continue;
    for (int c = 0; c < f->cols; c++)
      count[(size_t) r * (size_t) f->cols + (size_t) c] += rc[c];
  }
  for (size_t i = 0; i < n; i++)
    inv[i] = count[i] > 0 ? 1.0 / count[i] : 0.0;
  free (count);
  return 1;
}

/* SMPTE ST 2084: normalised signal -> luminance / 10000 cd/m^2. */
static double
pq_eotf (double v)
{
  const double m1 = 2610.0 / 16384.0, m2 = 2523.0 / 4096.0 * 128.0;
  const double c1 = 3424.0 / 4096.0, c2 = 2413.0 / 4096.0 * 32.0;
  const double c3 = 2392.0 / 4096.0 * 32.0;
  double e = pow (v, 1.0 / m2);
  double num = e - c1;
  if (num <= 0.0)
    return 0.0;
  return pow (num / (c2 - c3 * e), 1.0 / m1);
}

/* BT.2100 HLG inverse OETF: signal -> normalised scene light. */
static double
hlg_inverse_oetf (double v)
{
  const double a = 0.17883277, b = 1.0 - 4.0 * a;
  const double c = 0.5 - a * log (4.0 * a);
  if (v <= 0.5)
    return v * v / 3.0;
  return (exp ((v - c) / a) + b) / 12.0;
}

/* One component's linear light, 0..1: display light (relative to the
 * display model's scale) or, for HLG, scene light (the OOTF follows once
 * per cell, see display_rgb()). */
static double
eotf_exact (WsFlashEotf eotf, double v)
{
  if (v <= 0.0)
    return 0.0;
  if (v >= 1.0)
    return 1.0;
  switch (eotf) {
    case WS_FLASH_EOTF_GAMMA24:
      return pow (v, 2.4);
    case WS_FLASH_EOTF_PQ:
      return pq_eotf (v);
    case WS_FLASH_EOTF_HLG:
      return hlg_inverse_oetf (v);
    case WS_FLASH_EOTF_SRGB:
      break;
  }
  return v <= 0.04045 ? v / 12.92 : pow ((v + 0.055) / 1.055, 2.4);
}

/* Linear interpolation in a table of EOTF_STEPS + 2 values over 0..1. */
static inline double
table_fast (const float *tab, double v)
{
  double x;
  int i;
  if (v <= 0.0)
    return 0.0;
  if (v >= 1.0)
    return 1.0;
  x = v * EOTF_STEPS;
  i = (int) x;
  return tab[i] + (tab[i + 1] - tab[i]) * (x - i);
}

static inline double
eotf_fast (const WsFlash *f, double v)
{
  return table_fast (f->eotf_tab, v);
}

/* The display model: scale, luminance coefficients, HLG OOTF, red rule. */
static void
setup_display (WsFlash *f)
{
  /* BT.2020 -> BT.709 linear RGB (ITU-R BT.2407, the inverse of BT.2087's
   * BT.709 -> BT.2020 matrix) */
  static const double m709[9] = { 1.6605, -0.5876, -0.0728, -0.1246, 1.1329,
    -0.0083, -0.0182, -0.1006, 1.1187 };

  switch (f->p.eotf) {
    case WS_FLASH_EOTF_PQ:
      f->scale_cd_m2 = 10000.0;
      break;
    case WS_FLASH_EOTF_HLG:
      f->scale_cd_m2 = f->p.hlg_peak_cd_m2;
      f->hlg_gamma = ws_flash_hlg_system_gamma (f->p.hlg_peak_cd_m2);
      for (int i = 0; i <= EOTF_STEPS; i++)
        f->gamma_tab[i] = (float) pow ((double) i / EOTF_STEPS, f->hlg_gamma);
      f->gamma_tab[EOTF_STEPS + 1] = 1.0f;
      break;
    default:
      f->scale_cd_m2 = f->p.peak_cd_m2;
      break;
  }
  /* the red rule's R, G, B in units of the SDR peak: 1 in SDR */
  f->red_scale = f->p.eotf == WS_FLASH_EOTF_PQ ||
                         f->p.eotf == WS_FLASH_EOTF_HLG ?
                     f->scale_cd_m2 / f->p.peak_cd_m2 :
                     1.0;
  if (f->p.primaries == WS_FLASH_PRIMARIES_BT2020) {
    f->kl[0] = 0.2627;
    f->kl[1] = 0.6780;
    f->kl[2] = 0.0593;
    f->to709 = 1;
    memcpy (f->m709, m709, sizeof (m709));
  } else {
    f->kl[0] = 0.2126;
    f->kl[1] = 0.7152;
    f->kl[2] = 0.0722;
  }
}

static void
setup_tables (WsFlash *f)
{
  double k = (double) (1 << (f->depth - 8));
  double maxv = (double) ((1 << f->depth) - 1);
  int n = 1 << f->depth;

  setup_display (f);
  for (int i = 0; i <= EOTF_STEPS; i++)
    f->eotf_tab[i] = (float) eotf_exact (f->p.eotf, (double) i / EOTF_STEPS);
  f->eotf_tab[EOTF_STEPS + 1] = 1.0f;

  if (f->range == WS_FLASH_RANGE_LIMITED) {
    f->y_off = 16.0 * k;
    f->y_scale = 219.0 * k;
    f->c_scale = 224.0 * k;
  } else {
    f->y_off = 0.0;
    f->y_scale = maxv;
    f->c_scale = maxv;
  }
  f->c_off = 128.0 * k;
  for (int i = 0; i < n; i++) {
    double v = eotf_exact (f->p.eotf, (i - f->y_off) / f->y_scale);
    /* a neutral pixel's display light: for HLG the OOTF of Y_S = E */
    double d = f->hlg_gamma > 0.0 ? pow (v, f->hlg_gamma) : v;
    f->lut[i] = (uint16_t) lrint (v * LIN_ONE);
    f->lutc[i] = (uint64_t) lrint (d * LIN_ONE) | ((uint64_t) i << 32);
  }
  {
    double kr = f->matrix == WS_FLASH_MATRIX_BT601  ? 0.299 :
                f->matrix == WS_FLASH_MATRIX_BT2020 ? 0.2627 :
                                                      0.2126;
    double kb = f->matrix == WS_FLASH_MATRIX_BT601  ? 0.114 :
                f->matrix == WS_FLASH_MATRIX_BT2020 ? 0.0593 :
                                                      0.0722;
    double kg = 1.0 - kr - kb;
    f->cr_r = 2.0 * (1.0 - kr);
    f->cb_b = 2.0 * (1.0 - kb);
    f->cb_g = 2.0 * kb * (1.0 - kb) / kg;
    f->cr_g = 2.0 * kr * (1.0 - kr) / kg;
  }
}

static int
params_valid (const WsFlashParams *p)
{
  return p->peak_cd_m2 > 0.0 && p->peak_cd_m2 <= 10000.0 &&
         (p->eotf == WS_FLASH_EOTF_SRGB || p->eotf == WS_FLASH_EOTF_GAMMA24 ||
             p->eotf == WS_FLASH_EOTF_PQ || p->eotf == WS_FLASH_EOTF_HLG) &&
         (p->primaries == WS_FLASH_PRIMARIES_BT709 ||
             p->primaries == WS_FLASH_PRIMARIES_BT2020) &&
         p->hlg_peak_cd_m2 >= 100.0 && p->hlg_peak_cd_m2 <= 10000.0 &&
         p->flash_delta_cd_m2 > 0.0 && p->dark_limit_cd_m2 > 0.0 &&
         p->red_delta > 0.0 && p->max_flashes >= 1 &&
         2 * p->max_flashes + 1 <= WINDOW_FRAMES && p->area_limit > 0.0 &&
         p->area_limit <= 1.0 && p->warn_area > 0.0 && p->warn_area <= 1.0 &&
         p->near_flashes >= 1 && p->near_flashes <= p->max_flashes &&
         p->extended_window_s > 0.0 && p->extended_window_s <= 60.0 &&
         p->extended_fraction > 0.0 && p->extended_fraction <= 1.0 &&
         p->grid_columns >= 1 && p->grid_columns <= 1024 && p->grid_rows >= 0 &&
         p->grid_rows <= 1024 && p->sample_step >= 0 && p->sample_step <= 16 &&
         p->pattern_step >= 0 && p->pattern_step <= 64;
}

/* The sampling by resolution (sample_step 0): width / 480, at least 2, at
 * most 16: every 4th pixel of every 4th row at 1080p, every 8th at 2160p,
 * so each cell of the default 96-column grid gets 5 x 5 luma samples or
 * more whatever the resolution (a 20 x 20 pixel cell at 1080p), and a
 * 2160p picture costs what a 1080p one does.
 * tests/filters/check_flash_sampling.c compares it with reading every
 * pixel on 1080p content. */
static int
auto_sample_step (int width)
{
  int step = width / 480;
  return step < 2 ? 2 : step > 16 ? 16 : step;
}

/* The pattern plane: one sample per pat_step x pat_step pixels, about 480
 * across; its luminance uses the same display model as the cells (the luma
 * LUT, so neutral colours are exact). Frames too small for an 8 x 8 plane
 * are not searched. */
static WsResult
setup_pattern (WsFlash *f)
{
  WsPatternParams pp;
  WsResult r;
  int step = f->p.pattern_step;
  int n = 1 << f->depth;

  if (step == 0) {
    step = (int) lrint (f->width / 480.0);
    if (step < 2)
      step = 2;
  }
  while (step > 1 && (f->width / step < 8 || f->height / step < 8))
    step--;
  if (f->width / step < 8 || f->height / step < 8)
    return WS_RESULT_OK;
  ws_pattern_params_init (&pp);
  pp.min_pairs = f->p.pattern_min_pairs;
  pp.delta_cd_m2 = f->p.pattern_delta_cd_m2;
  pp.min_contrast = f->p.pattern_min_contrast;
  pp.area_limit = f->p.pattern_area_limit;
  pp.stationary_s = f->p.pattern_stationary_s;
  f->pat_step = step;
  f->pat_w = f->width / step;
  f->pat_h = f->height / step;
  r = ws_pattern_new (&f->pattern, f->pat_w, f->pat_h, &pp);
  if (r != WS_RESULT_OK)
    return r;
  /* zeroed: the samples the detector does not read stay 0 */
  f->pat_plane = calloc ((size_t) f->pat_w * (size_t) f->pat_h, sizeof (float));
  if (f->pat_plane == NULL)
    return WS_RESULT_NO_MEMORY;
  /* the neutral display light of each code, in cd/m^2 of the display
   * model (SDR peak, PQ absolute, HLG after its OOTF): patterns are judged
   * in absolute luminance as flashes are */
  for (int i = 0; i < n; i++)
    f->pat_lut[i] = (float) ((double) (f->lutc[i] & 0xffffffffu) / LIN_ONE *
                             f->scale_cd_m2);
  return WS_RESULT_OK;
}

WsResult
ws_flash_new (WsFlash **out, int width, int height, WsFlashFormat format,
    WsFlashRange range, WsFlashMatrix matrix, const WsFlashParams *params)
{
  WsFlash *f;
  WsFlashParams defaults;
  int step, max_cols, max_rows;
  size_t n;

  if (out == NULL || width < 2 || height < 2 ||
      width > WS_FLASH_MAX_DIMENSION || height > WS_FLASH_MAX_DIMENSION ||
      (range != WS_FLASH_RANGE_LIMITED && range != WS_FLASH_RANGE_FULL) ||
      (matrix != WS_FLASH_MATRIX_BT709 && matrix != WS_FLASH_MATRIX_BT601 &&
          matrix != WS_FLASH_MATRIX_BT2020))
    return WS_RESULT_INVALID_ARGUMENT;
  if (params == NULL) {
    ws_flash_params_init (&defaults);
    params = &defaults;
  }
  if (!params_valid (params))
    return WS_RESULT_INVALID_ARGUMENT;
  if ((int) format <= WS_FLASH_FORMAT_UNKNOWN || format >= WS_FLASH_FORMAT_LAST)
    return WS_RESULT_UNSUPPORTED_FORMAT;

  f = calloc (1, sizeof (*f));
  if (f == NULL)
    return WS_RESULT_NO_MEMORY;
  f->p = *params;
  if (f->p.sample_step == 0)
    f->p.sample_step = auto_sample_step (width);
  f->width = width;
  f->height = height;
  f->format = format;
  f->range = range;
  f->matrix = matrix;
  if (!setup_layout (f)) {
    free (f);
    return WS_RESULT_UNSUPPORTED_FORMAT;
  }

  /* Grid: cells at least 4 samples wide and high, so every cell gets luma
   * and chroma samples whatever the subsampling. */
  step = f->p.sample_step;
  max_cols = width / (4 * step);
  max_rows = height / (4 * step);
  f->cols = f->p.grid_columns;
  if (f->cols > max_cols)
    f->cols = max_cols;
  if (f->cols < 1)
    f->cols = 1;
  if (f->p.grid_rows > 0)
    f->rows = f->p.grid_rows;
  else
    f->rows = (int) lrint ((double) f->cols * height / width);
  if (f->rows > max_rows)
    f->rows = max_rows;
  if (f->rows < 1)
    f->rows = 1;
  f->n_cells = f->cols * f->rows;
  n = (size_t) f->n_cells;

  f->xb = malloc (((size_t) f->cols + 1) * sizeof (int));
  f->yb = malloc (((size_t) f->rows + 1) * sizeof (int));
  f->cell_area = malloc (n * sizeof (uint32_t));
  f->inv_n0 = malloc (n * sizeof (double));
  f->inv_n1 = malloc (n * sizeof (double));
  f->acc = malloc (n * 4 * sizeof (uint64_t));
  f->hist = malloc ((WINDOW_FRAMES + 1) * sizeof (uint64_t));
  for (int k = 0; k < N_KINDS; k++) {
    f->det[k] = calloc (n, sizeof (Detector));
    f->value[k] = calloc (n, sizeof (float));
  }
  f->ext_cap = 256;
  f->ext = malloc (f->ext_cap * sizeof (ExtEntry));
  if (f->xb == NULL || f->yb == NULL || f->cell_area == NULL ||
      f->inv_n0 == NULL || f->inv_n1 == NULL || f->acc == NULL ||
      f->hist == NULL || f->det[0] == NULL || f->det[1] == NULL ||
      f->value[0] == NULL || f->value[1] == NULL || f->ext == NULL)
    goto oom;

  for (int c = 0; c <= f->cols; c++)
    f->xb[c] = (int) ((int64_t) c * width / f->cols);
  for (int r = 0; r <= f->rows; r++)
    f->yb[r] = (int) ((int64_t) r * height / f->rows);
  f->total_area = (double) width * (double) height;
  for (int r = 0; r < f->rows; r++)
    for (int c = 0; c < f->cols; c++)
      f->cell_area[r * f->cols + c] = (uint32_t) ((f->xb[c + 1] - f->xb[c]) *
                                                  (f->yb[r + 1] - f->yb[r]));

  if (!setup_grid (f, &f->grids[0], &f->comps[0]))
    goto oom;
  if (!fill_inverse_counts (f, &f->grids[0], f->inv_n0))
    goto oom;
  if (f->yuv) {
    if (!setup_grid (f, &f->grids[1], &f->comps[1]))
      goto oom;
    if (!fill_inverse_counts (f, &f->grids[1], f->inv_n1))
      goto oom;
  }
  setup_tables (f);
  if (f->p.pattern) {
    WsResult r = setup_pattern (f);
    if (r != WS_RESULT_OK) {
      ws_flash_free (f);
      return r;
    }
  }
  f->worst = WS_FLASH_VERDICT_PASS;
  *out = f;
  return WS_RESULT_OK;

oom:
  ws_flash_free (f);
  return WS_RESULT_NO_MEMORY;
}

void
ws_flash_free (WsFlash *flash)
{
  if (flash == NULL)
    return;
  for (int i = 0; i < 2; i++) {
    free (flash->grids[i].first);
    free (flash->grids[i].count);
    free (flash->grids[i].rowmap);
    free (flash->grids[i].phase);
    free (flash->grids[i].next);
  }
  for (int k = 0; k < N_KINDS; k++) {
    free (flash->det[k]);
    free (flash->value[k]);
  }
  free (flash->xb);
  free (flash->yb);
  free (flash->cell_area);
  free (flash->inv_n0);
  free (flash->inv_n1);
  free (flash->acc);
  free (flash->hist);
  free (flash->ext);
  free (flash->incidents);
  ws_pattern_free (flash->pattern);
  free (flash->pat_plane);
  free (flash);
}

void
ws_flash_set_callbacks (WsFlash *flash, WsFlashFrameFunc frame_func,
    WsFlashIncidentFunc incident_func, void *user_data)
{
  if (flash == NULL)
    return;
  flash->frame_func = frame_func;
  flash->incident_func = incident_func;
  flash->user_data = user_data;
}

WsResult
ws_flash_get_display (const WsFlash *flash, WsFlashDisplay *display)
{
  if (flash == NULL || display == NULL)
    return WS_RESULT_INVALID_ARGUMENT;
  memset (display, 0, sizeof (*display));
  display->eotf = flash->p.eotf;
  display->primaries = flash->p.primaries;
  display->matrix = flash->matrix;
  display->range = flash->range;
  display->bit_depth = flash->depth;
  display->peak_cd_m2 = flash->scale_cd_m2;
  display->hlg_gamma = flash->hlg_gamma;
  display->standard = WS_FLASH_STANDARD;
  return WS_RESULT_OK;
}

int
ws_flash_display_describe (const WsFlashDisplay *d, char *buf, size_t size)
{
  const char *prim;
  char tail[64];

  if (d == NULL || (buf == NULL && size > 0))
    return -1;
  prim = d->primaries == WS_FLASH_PRIMARIES_BT2020 ? "BT.2020" : "BT.709";
  snprintf (tail, sizeof (tail), "%s primaries; %d-bit", prim, d->bit_depth);
  switch (d->eotf) {
    case WS_FLASH_EOTF_PQ:
      return snprintf (buf, size,
          "HDR: SMPTE ST 2084 (BT.2100 PQ) EOTF, absolute luminance, no tone "
          "mapping; %s",
          tail);
    case WS_FLASH_EOTF_HLG:
      return snprintf (buf, size,
          "HDR: BT.2100 HLG on a display of nominal peak %.0f cd/m\u00b2, "
          "system gamma %.2f; %s",
          d->peak_cd_m2, d->hlg_gamma, tail);
    case WS_FLASH_EOTF_GAMMA24:
      return snprintf (buf, size,
          "SDR display model: BT.1886 EOTF (gamma 2.4, black 0), peak white "
          "%.0f cd/m\u00b2; %s",
          d->peak_cd_m2, tail);
    case WS_FLASH_EOTF_SRGB:
      break;
  }
  return snprintf (buf, size,
      "SDR display model: sRGB (IEC 61966-2-1) EOTF, peak white %.0f "
      "cd/m\u00b2; %s",
      d->peak_cd_m2, tail);
}

WsResult
ws_flash_get_grid (const WsFlash *flash, int *columns, int *rows)
{
  if (flash == NULL)
    return WS_RESULT_INVALID_ARGUMENT;
  if (columns != NULL)
    *columns = flash->cols;
  if (rows != NULL)
    *rows = flash->rows;
  return WS_RESULT_OK;
}

WsResult
ws_flash_get_sample_step (const WsFlash *flash, int *step)
{
  if (flash == NULL || step == NULL)
    return WS_RESULT_INVALID_ARGUMENT;
  *step = flash->p.sample_step;
  return WS_RESULT_OK;
}

/* ---- sampling kernels ------------------------------------------------- */

/* A 10- or 12-bit code from a little-endian word: @shift is 16 - depth for
 * the high-bit layouts (P010, P012), 0 otherwise; @mask keeps the code in
 * the LUT whatever the unused bits hold. */
static inline unsigned
rd16 (const uint8_t *p, int shift, unsigned mask)
{
  unsigned v = (unsigned) p[0] | ((unsigned) p[1] << 8);
  return (v >> shift) & mask;
}

/* Luma kernel: lutc[] packs the neutral linear luminance (low 32 bits) and
 * the code (high 32 bits), so one 64-bit add per sample sums both. A span
 * has at most 16384 samples: 16384 * 65535 < 2^32, no carry between the
 * halves. @bs is a constant in the specialisations below. */
static inline uint64_t
span_luma8 (const uint8_t *p, int n, size_t bs, const uint64_t *lutc)
{
  uint64_t s0 = 0, s1 = 0;
  int i = 0;
  for (; i + 1 < n; i += 2) {
    s0 += lutc[p[(size_t) i * bs]];
    s1 += lutc[p[(size_t) (i + 1) * bs]];
  }
  if (i < n)
    s0 += lutc[p[(size_t) i * bs]];
  return s0 + s1;
}

static inline uint64_t
span_luma16 (const uint8_t *p, int n, size_t bs, const uint64_t *lutc,
    int shift, unsigned mask)
{
  uint64_t s0 = 0, s1 = 0;
  int i = 0;
  for (; i + 1 < n; i += 2) {
    s0 += lutc[rd16 (p + (size_t) i * bs, shift, mask)];
    s1 += lutc[rd16 (p + (size_t) (i + 1) * bs, shift, mask)];
  }
  if (i < n)
    s0 += lutc[rd16 (p + (size_t) i * bs, shift, mask)];
  return s0 + s1;
}

static void pattern_row (WsFlash *f, const uint8_t *row, int y);

/* Asks for the @n bytes at @p (the next sampled row) while the current one
 * is summed: rows are read a few apart, which the hardware prefetcher
 * does not follow. Only a hint. */
static inline void
prefetch_row (const uint8_t *p, size_t n)
{
  for (size_t x = 0; x < n; x += 64)
    __builtin_prefetch (p + x);
}

/* Luma: sums of the neutral linear luminance (LUT) and of the codes; and
 * the pattern plane (pattern_row()) from the same rows. */
static void
sample_luma (WsFlash *f, const WsFlashFrame *fr)
{
  const Grid *g = &f->grids[0];
  const Comp *c = &f->comps[0];
  const uint8_t *base = fr->planes[c->plane] + c->offset;
  size_t stride = fr->strides[c->plane];
  size_t bs = g->sample_bytes;
  const uint64_t *lutc = f->lutc;
  int cols = f->cols;

  for (int y = 0; y < g->plane_height; y++) {
    int r = g->rowmap[y];
    const uint8_t *row;
    uint64_t *acc;
    const size_t *first;
    const int *count;
    /* the pattern plane's pixels of this row while it is in cache */
    if (f->pattern != NULL)
      pattern_row (f, fr->planes[c->plane] + (size_t) y * stride, y);
    if (r < 0)
      continue;
    row = base + (size_t) y * stride;
    if (g->next[y] < g->plane_height)
      prefetch_row (base + (size_t) g->next[y] * stride, g->row_bytes);
    acc = f->acc + (size_t) r * cols * 4;
    first = g->first + (size_t) g->phase[y] * (size_t) cols;
    count = g->count + (size_t) g->phase[y] * (size_t) cols;
    for (int col = 0; col < cols; col++) {
      const uint8_t *p = row + first[col];
      int n = count[col];
      uint64_t s;
      if (f->depth == 8) {
        /* constant strides for the common layouts */
        if (bs == 2)
          s = span_luma8 (p, n, 2, lutc);
        else if (bs == 4)
          s = span_luma8 (p, n, 4, lutc);
        else
          s = span_luma8 (p, n, bs, lutc);
      } else {
        if (bs == 4)
          s = span_luma16 (p, n, 4, lutc, f->msb, f->mask);
        else
          s = span_luma16 (p, n, bs, lutc, f->msb, f->mask);
      }
      acc[col * 4 + 0] += s & 0xffffffffu;
      acc[col * 4 + 1] += s >> 32;
    }
  }
}

/* Chroma: plain sums of Cb and Cr (slot 2 and 3). */
static void
sample_chroma (WsFlash *f, const WsFlashFrame *fr)
{
  const Grid *g = &f->grids[1];
  const Comp *cb = &f->comps[1], *cr = &f->comps[2];
  const uint8_t *bb = fr->planes[cb->plane] + cb->offset;
  const uint8_t *br = fr->planes[cr->plane] + cr->offset;
  size_t sb = fr->strides[cb->plane], sr = fr->strides[cr->plane];
  size_t bs = g->sample_bytes;
  int cols = f->cols;

  for (int y = 0; y < g->plane_height; y++) {
    int r = g->rowmap[y];
    const uint8_t *rowb, *rowr;
    uint64_t *acc;
    const size_t *first;
    const int *count;
    if (r < 0)
      continue;
    rowb = bb + (size_t) y * sb;
    rowr = br + (size_t) y * sr;
    if (g->next[y] < g->plane_height) {
      prefetch_row (bb + (size_t) g->next[y] * sb, g->row_bytes);
      if (rowr != rowb + 1) /* not one interleaved plane (NV12) */
        prefetch_row (br + (size_t) g->next[y] * sr, g->row_bytes);
    }
    acc = f->acc + (size_t) r * cols * 4;
    first = g->first + (size_t) g->phase[y] * (size_t) cols;
    count = g->count + (size_t) g->phase[y] * (size_t) cols;
    for (int col = 0; col < cols; col++) {
      const uint8_t *pb = rowb + first[col];
      const uint8_t *pr = rowr + first[col];
      int n = count[col];
      uint32_t s1 = 0, s2 = 0;
      if (f->depth == 8) {
        for (int i = 0; i < n; i++) {
          s1 += pb[(size_t) i * bs];
          s2 += pr[(size_t) i * bs];
        }
      } else {
        for (int i = 0; i < n; i++) {
          s1 += rd16 (pb + (size_t) i * bs, f->msb, f->mask);
          s2 += rd16 (pr + (size_t) i * bs, f->msb, f->mask);
        }
      }
      acc[col * 4 + 2] += s1;
      acc[col * 4 + 3] += s2;
    }
  }
}

static inline void
span_rgb (const uint8_t *p, int n, size_t bs, int o0, int o1, int o2,
    const uint16_t *lut, uint64_t *acc)
{
  uint32_t s0 = 0, s1 = 0, s2 = 0;
  for (int i = 0; i < n; i++) {
    const uint8_t *q = p + (size_t) i * bs;
    s0 += lut[q[o0]];
    s1 += lut[q[o1]];
    s2 += lut[q[o2]];
  }
  acc[0] += s0;
  acc[1] += s1;
  acc[2] += s2;
}

/* RGB: sums of linear R, G, B (slots 0..2). All three share a grid. */
static void
sample_rgb (WsFlash *f, const WsFlashFrame *fr)
{
  const Grid *g = &f->grids[0];
  const uint8_t *base = fr->planes[0];
  size_t stride = fr->strides[0];
  size_t bs = g->sample_bytes;
  const uint16_t *lut = f->lut;
  int o0 = f->comps[0].offset, o1 = f->comps[1].offset;
  int o2 = f->comps[2].offset;
  int cols = f->cols;

  for (int y = 0; y < g->plane_height; y++) {
    int r = g->rowmap[y];
    const uint8_t *row;
    uint64_t *acc;
    const size_t *first;
    const int *count;
    if (r < 0)
      continue;
    row = base + (size_t) y * stride;
    acc = f->acc + (size_t) r * cols * 4;
    first = g->first + (size_t) g->phase[y] * (size_t) cols;
    count = g->count + (size_t) g->phase[y] * (size_t) cols;
    for (int col = 0; col < cols; col++) {
      const uint8_t *p = row + first[col];
      int n = count[col];
      /* constant strides for step 2 of 32- and 24-bit pixels (RGB input
       * is mostly memory bound: a 1080p BGRx frame is 8 MB) */
      if (bs == 8)
        span_rgb (p, n, 8, o0, o1, o2, lut, acc + col * 4);
      else if (bs == 6)
        span_rgb (p, n, 6, o0, o1, o2, lut, acc + col * 4);
      else
        span_rgb (p, n, bs, o0, o1, o2, lut, acc + col * 4);
    }
  }
}

/* Luminance (cd/m^2) of one pixel for the pattern plane: the neutral
 * luminance of the luma code for Y'CbCr, exact for RGB. */
static inline float
pattern_pixel (const WsFlash *f, const uint8_t *row, int x)
{
  const Comp *c = &f->comps[0];
  const uint8_t *q = row + (size_t) x * (size_t) c->pixel_bytes + c->offset;
  if (f->yuv)
    return f->pat_lut[f->depth == 8 ? q[0] : rd16 (q, f->msb, f->mask)];
  return 0.2126f * f->pat_lut[q[0]] +
         0.7152f * f->pat_lut[q[f->comps[1].offset - c->offset]] +
         0.0722f * f->pat_lut[q[f->comps[2].offset - c->offset]];
}

/* The pattern plane: each sample the mean of two pixels on a diagonal,
 * pat_step / 2 apart in x and y (one pixel when pat_step is 1): half the
 * reads of a 2 x 2 mean, still some smoothing along both axes. Fed one
 * picture row at a time (@row, row @y of the luma or RGB plane, without
 * the component offset), so that for Y'CbCr the luma pass reads each row
 * once for both (sample_luma()): a row is the first pixel row of plane row
 * y / pat_step (stored) or the second of plane row (y - pat_step / 2) /
 * pat_step (averaged in), or neither. Only what the detector reads
 * (ws_pattern_reads()): a scanned row whole, else the samples of the
 * scanned columns. */
static void
pattern_row (WsFlash *f, const uint8_t *row, int y)
{
  int step = f->pat_step, o = step / 2;
  int second = o > 0 && y >= o && (y - o) % step == 0;
  int py = second ? (y - o) / step : y / step;
  int whole, px0, inc, xinc, xo = second ? o : 0;
  float *out;

  if ((!second && y % step != 0) || py >= f->pat_h)
    return;
  out = f->pat_plane + (size_t) py * (size_t) f->pat_w;
  whole = py % WS_PATTERN_LINE_STEP == WS_PATTERN_LINE_FIRST;
  px0 = whole ? 0 : WS_PATTERN_LINE_FIRST;
  inc = whole ? 1 : WS_PATTERN_LINE_STEP;
  xinc = inc * step;
  if (o == 0) {
    for (int px = px0; px < f->pat_w; px += inc)
      out[px] = pattern_pixel (f, row, px);
    return;
  }
  if (f->yuv && f->depth == 8 && f->comps[0].pixel_bytes == 1) {
    /* planar 8-bit luma (I420, NV12, ...): the common case */
    const float *lut = f->pat_lut;
    const uint8_t *q = row + f->comps[0].offset + xo;
    if (!second)
      for (int px = px0, x = px0 * step; px < f->pat_w; px += inc, x += xinc)
        out[px] = lut[q[x]];
    else
      for (int px = px0, x = px0 * step; px < f->pat_w; px += inc, x += xinc)
        out[px] = 0.5f * (out[px] + lut[q[x]]);
    return;
  }
  for (int px = px0, x = px0 * step + xo; px < f->pat_w; px += inc, x += xinc)
    out[px] = !second ? pattern_pixel (f, row, x) :
                        0.5f * (out[px] + pattern_pixel (f, row, x));
}

/* The pattern plane of RGB input (Y'CbCr gets it in sample_luma()). */
static void
sample_pattern (WsFlash *f, const WsFlashFrame *fr)
{
  const uint8_t *base = fr->planes[f->comps[0].plane];
  size_t stride = fr->strides[f->comps[0].plane];
  int step = f->pat_step, o = step / 2;

  for (int py = 0; py < f->pat_h; py++) {
    pattern_row (f, base + (size_t) (py * step) * stride, py * step);
    if (o > 0)
      pattern_row (f, base + (size_t) (py * step + o) * stride, py * step + o);
  }
}

static inline float
red_value (double r, double g, double b)
{
  double sum = r + g + b;
  if (sum <= 0.0 || r < 0.8 * sum)
    return 0.0f;
  return (float) fmax (0.0, (r - g - b) * 320.0);
}

static inline double
clamp01 (double v)
{
  return v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v);
}

/* @c: a cell's linear R, G, B (eotf_exact()'s outputs). Makes them display
 * light (the HLG OOTF: F_D = Y_S^(gamma - 1) * E, relative to L_W) and
 * returns the luminance, relative to scale_cd_m2. */
static inline double
display_rgb (const WsFlash *f, double c[3])
{
  double y = f->kl[0] * c[0] + f->kl[1] * c[1] + f->kl[2] * c[2];
  if (f->hlg_gamma > 0.0) {
    double yd = table_fast (f->gamma_tab, y);
    double k = y > 0.0 ? yd / y : 0.0;
    c[0] *= k;
    c[1] *= k;
    c[2] *= k;
    return yd;
  }
  return y;
}

/* The red value of display-linear @c (see ws-flash.h: BT.709 primaries, in
 * units of the SDR peak). */
static inline float
cell_red (const WsFlash *f, const double c[3])
{
  double r = c[0], g = c[1], b = c[2];
  if (f->to709) {
    const double *m = f->m709;
    r = fmax (0.0, m[0] * c[0] + m[1] * c[1] + m[2] * c[2]);
    g = fmax (0.0, m[3] * c[0] + m[4] * c[1] + m[5] * c[2]);
    b = fmax (0.0, m[6] * c[0] + m[7] * c[1] + m[8] * c[2]);
  }
  if (f->red_scale != 1.0) {
    r *= f->red_scale;
    g *= f->red_scale;
    b *= f->red_scale;
  }
  return red_value (r, g, b);
}

/* Per cell luminance (cd/m^2) and red value; returns the frame's mean
 * luminance. */
static double
evaluate_cells (WsFlash *f)
{
  double peak = f->scale_cd_m2;
  double sum = 0.0;
  float *lum = f->value[WS_FLASH_KIND_LUMINANCE];
  float *red = f->value[WS_FLASH_KIND_RED];

  for (int i = 0; i < f->n_cells; i++) {
    const uint64_t *a = f->acc + (size_t) i * 4;
    double c[3], l;
    if (f->yuv) {
      double ym = a[1] * f->inv_n0[i];
      double yl = a[0] * f->inv_n0[i] / LIN_ONE;
      double yn = (ym - f->y_off) / f->y_scale;
      double cbn = (a[2] * f->inv_n1[i] - f->c_off) / f->c_scale;
      double crn = (a[3] * f->inv_n1[i] - f->c_off) / f->c_scale;
      double neutral = eotf_fast (f, clamp01 (yn));
      c[0] = eotf_fast (f, clamp01 (yn + f->cr_r * crn));
      c[1] = eotf_fast (f, clamp01 (yn - f->cb_g * cbn - f->cr_g * crn));
      c[2] = eotf_fast (f, clamp01 (yn + f->cb_b * cbn));
      if (f->hlg_gamma > 0.0)
        neutral = table_fast (f->gamma_tab, neutral);
      l = yl + display_rgb (f, c) - neutral;
      if (l < 0.0)
        l = 0.0;
    } else {
      double inv = f->inv_n0[i] / LIN_ONE;
      c[0] = a[0] * inv;
      c[1] = a[1] * inv;
      c[2] = a[2] * inv;
      l = display_rgb (f, c);
    }
    lum[i] = (float) (l * peak);
    red[i] = cell_red (f, c);
    sum += l * peak * f->cell_area[i];
  }
  return sum / f->total_area;
}

/* ---- transitions ------------------------------------------------------ */

static inline void
shift_bits (Detector *d)
{
  for (int w = WINDOW_WORDS - 1; w > 0; w--)
    d->bits[w] = (d->bits[w] << 1) | (d->bits[w - 1] >> 63);
  d->bits[0] <<= 1;
}

/* Zig-zag detector; see the file comment. @dark_limit <= 0 disables the
 * darker-state rule, @strict makes the threshold "more than". */
static inline void
detector_update (Detector *d, float v, float delta, float hyst,
    float dark_limit, int strict)
{
  shift_bits (d);
  if (!d->init) {
    d->anchor = d->ext = v;
    d->dir = 0;
    d->last_dir = 0;
    d->counted = 0;
    d->init = 1;
    return;
  }
  if (d->dir == 0) {
    if (v - d->anchor >= hyst) {
      d->dir = 1;
      d->ext = v;
    } else if (d->anchor - v >= hyst) {
      d->dir = -1;
      d->ext = v;
    }
  } else if (d->dir > 0) {
    if (v >= d->ext) {
      d->ext = v;
    } else if (d->ext - v >= hyst) {
      d->anchor = d->ext;
      d->ext = v;
      d->dir = -1;
      d->counted = 0;
    }
  } else {
    if (v <= d->ext) {
      d->ext = v;
    } else if (v - d->ext >= hyst) {
      d->anchor = d->ext;
      d->ext = v;
      d->dir = 1;
      d->counted = 0;
    }
  }
  if (d->dir != 0 && !d->counted && d->dir != d->last_dir) {
    float lo = d->anchor < d->ext ? d->anchor : d->ext;
    float hi = d->anchor < d->ext ? d->ext : d->anchor;
    float extent = hi - lo;
    int big = strict ? extent > delta : extent >= delta;
    if (big && (dark_limit <= 0.0f || lo < dark_limit)) {
      d->counted = 1;
      d->last_dir = d->dir;
      d->bits[0] |= 1;
    }
  }
}

static inline int
popcount64 (uint64_t x)
{
  x = x - ((x >> 1) & UINT64_C (0x5555555555555555));
  x = (x & UINT64_C (0x3333333333333333)) +
      ((x >> 2) & UINT64_C (0x3333333333333333));
  x = (x + (x >> 4)) & UINT64_C (0x0f0f0f0f0f0f0f0f);
  return (int) ((x * UINT64_C (0x0101010101010101)) >> 56);
}

static inline int
window_count (const Detector *d, const uint64_t *wm)
{
  int n = 0;
  for (int w = 0; w < WINDOW_WORDS; w++) {
    uint64_t m = d->bits[w] & wm[w];
    if (m)
      n += popcount64 (m);
  }
  return n;
}

static inline int64_t
pts_at_age (const WsFlash *f, int age)
{
  return f->pts_ring[(f->n_frames - 1 - (uint64_t) age) % WINDOW_FRAMES];
}

/* Oldest and newest transition of the cells with at least @kq transitions in
 * the window. */
static void
flagged_span (const WsFlash *f, int kind, const uint64_t *wm, int kq,
    int64_t *first, int64_t *last, int *max_count)
{
  int oldest = -1, newest = WINDOW_FRAMES;
  *max_count = 0;
  for (int i = 0; i < f->n_cells; i++) {
    const Detector *d = &f->det[kind][i];
    int n = window_count (d, wm);
    if (n < kq)
      continue;
    if (n > *max_count)
      *max_count = n;
    for (int w = WINDOW_WORDS - 1; w >= 0; w--) {
      uint64_t m = d->bits[w] & wm[w];
      if (m) {
        int age = w * 64 + 63 - __builtin_clzll (m);
        if (age > oldest)
          oldest = age;
        break;
      }
    }
    for (int w = 0; w < WINDOW_WORDS; w++) {
      uint64_t m = d->bits[w] & wm[w];
      if (m) {
        int age = w * 64 + __builtin_ctzll (m);
        if (age < newest)
          newest = age;
        break;
      }
    }
  }
  *first = oldest >= 0 ? pts_at_age (f, oldest) : f->last_pts;
  *last = newest < WINDOW_FRAMES ? pts_at_age (f, newest) : f->last_pts;
}

static WsResult
store_incident (WsFlash *f, const WsFlashIncident *inc)
{
  if (f->n_incidents == f->incidents_cap) {
    size_t cap = f->incidents_cap ? f->incidents_cap * 2 : 8;
    WsFlashIncident *n;
    if (cap > SIZE_MAX / sizeof (WsFlashIncident))
      return WS_RESULT_NO_MEMORY;
    n = realloc (f->incidents, cap * sizeof (WsFlashIncident));
    if (n == NULL)
      return WS_RESULT_NO_MEMORY;
    f->incidents = n;
    f->incidents_cap = cap;
  }
  f->incidents[f->n_incidents++] = *inc;
  return WS_RESULT_OK;
}

static WsResult
close_incident (WsFlash *f, int kind)
{
  WsResult res;
  if (!f->open[kind])
    return WS_RESULT_OK;
  f->open[kind] = 0;
  f->pass_run[kind] = 0;
  res = store_incident (f, &f->cur[kind]);
  if (f->incident_func != NULL)
    f->incident_func (&f->cur[kind], WS_FLASH_INCIDENT_ENDED, f->user_data);
  return res;
}

/* Adds the frame to the extended-flashing ring; returns the near time per
 * kind over the window in f->near_ns. */
static void
update_extended (WsFlash *f, int64_t pts, int64_t dur, const int *near)
{
  int64_t window = (int64_t) (f->p.extended_window_s * 1e9);
  ExtEntry *e;

  while (f->ext_len > 0) {
    ExtEntry *old = &f->ext[f->ext_head];
    if (old->pts > pts - window && f->ext_len < EXT_RING_MAX)
      break;
    for (int k = 0; k < N_KINDS; k++)
      if (old->near[k])
        f->near_ns[k] -= old->dur;
    f->ext_head = (f->ext_head + 1) % f->ext_cap;
    f->ext_len--;
  }
  if (f->ext_len == f->ext_cap) {
    size_t cap = f->ext_cap * 2;
    ExtEntry *n = malloc (cap * sizeof (ExtEntry));
    if (n == NULL) {
      /* keep going with a shorter memory: drop the oldest entry */
      ExtEntry *old = &f->ext[f->ext_head];
      for (int k = 0; k < N_KINDS; k++)
        if (old->near[k])
          f->near_ns[k] -= old->dur;
      f->ext_head = (f->ext_head + 1) % f->ext_cap;
      f->ext_len--;
    } else {
      for (size_t i = 0; i < f->ext_len; i++)
        n[i] = f->ext[(f->ext_head + i) % f->ext_cap];
      free (f->ext);
      f->ext = n;
      f->ext_cap = cap;
      f->ext_head = 0;
    }
  }
  e = &f->ext[(f->ext_head + f->ext_len) % f->ext_cap];
  e->pts = pts;
  e->dur = dur;
  for (int k = 0; k < N_KINDS; k++) {
    e->near[k] = (uint8_t) (near[k] != 0);
    if (near[k])
      f->near_ns[k] += dur;
  }
  f->ext_len++;
}

/* One frame of incident kind @k with verdict @v. A passing frame (@seen
 * NULL) closes the open incident after 1 s of passing frames, so a short
 * lull (or the fail -> extended hand-over) does not split it; its end_ns is
 * its last transition either way. A warn or fail frame opens the incident
 * or widens it with @seen (its span, verdict and peaks). */
static WsResult
track_incident (WsFlash *f, int k, WsFlashVerdict v, int64_t pts,
    const WsFlashIncident *seen)
{
  WsFlashIncident *inc = &f->cur[k];

  if (seen == NULL) {
    if (f->open[k] && !f->pass_run[k]) {
      f->pass_run[k] = 1;
      f->pass_since[k] = pts;
    }
    if (f->open[k] && pts - f->pass_since[k] >= NS_PER_S)
      return close_incident (f, k);
    return WS_RESULT_OK;
  }
  f->pass_run[k] = 0;
  if (!f->open[k]) {
    *inc = *seen;
    inc->kind = (WsFlashKind) k;
    inc->verdict = v;
    f->open[k] = 1;
    if (f->incident_func != NULL)
      f->incident_func (inc, WS_FLASH_INCIDENT_STARTED, f->user_data);
  } else {
    int escalated = v > inc->verdict || (seen->extended && !inc->extended);
    if (seen->start_ns < inc->start_ns)
      inc->start_ns = seen->start_ns;
    if (seen->end_ns > inc->end_ns)
      inc->end_ns = seen->end_ns;
    if (v > inc->verdict)
      inc->verdict = v;
    inc->extended |= seen->extended;
    inc->peak_flash_rate = fmax (inc->peak_flash_rate, seen->peak_flash_rate);
    inc->peak_area = fmax (inc->peak_area, seen->peak_area);
    inc->peak_risk = fmax (inc->peak_risk, seen->peak_risk);
    if (seen->pattern_pairs > inc->pattern_pairs)
      inc->pattern_pairs = seen->pattern_pairs;
    if (escalated && f->incident_func != NULL)
      f->incident_func (inc, WS_FLASH_INCIDENT_ESCALATED, f->user_data);
  }
  if (v > f->worst)
    f->worst = v;
  return WS_RESULT_OK;
}

/* Regular patterns: the luminance plane to ws-pattern, its result into the
 * frame trace and the pattern incident (which ends with the end of its last
 * failing frame, @dur after its pts). */
static WsResult
push_pattern (WsFlash *f, const WsFlashFrame *frame, int64_t dur)
{
  const int k = WS_FLASH_KIND_PATTERN;
  WsPatternResult pr;
  WsFlashIncident seen;
  WsResult r;

  if (!f->yuv)
    sample_pattern (f, frame); /* Y'CbCr: filled by sample_luma() */
  r = ws_pattern_push (f->pattern, f->pat_plane, (size_t) f->pat_w,
      frame->pts_ns, &pr);
  if (r != WS_RESULT_OK)
    return r;
  f->info.risk[k] = pr.risk;
  f->info.area[k] = pr.area;
  f->info.flash_rate[k] = pr.reversals / 2.0;
  f->info.verdict[k] = pr.fail ? WS_FLASH_VERDICT_FAIL : WS_FLASH_VERDICT_PASS;
  if (!pr.fail)
    return track_incident (f, k, WS_FLASH_VERDICT_PASS, frame->pts_ns, NULL);
  memset (&seen, 0, sizeof (seen));
  seen.start_ns = pr.onset_ns;
  seen.end_ns = frame->pts_ns + dur;
  seen.peak_flash_rate = pr.reversals / 2.0;
  seen.peak_area = pr.area;
  seen.peak_risk = pr.risk;
  seen.pattern_pairs = pr.pairs;
  return track_incident (f, k, WS_FLASH_VERDICT_FAIL, frame->pts_ns, &seen);
}

static int
frame_valid (const WsFlash *f, const WsFlashFrame *fr)
{
  if (fr->width != f->width || fr->height != f->height ||
      fr->format != f->format)
    return 0;
  for (int i = 0; i < f->n_planes; i++)
    if (fr->planes[i] == NULL || fr->strides[i] < f->row_bytes[i])
      return 0;
  if (f->n_frames > 0 && fr->pts_ns <= f->last_pts)
    return 0;
  return 1;
}

WsResult
ws_flash_push_frame (WsFlash *flash, const WsFlashFrame *frame)
{
  WsFlash *f = flash;
  uint64_t wm[WINDOW_WORDS];
  int m = 0, near[N_KINDS];
  double a_fail[N_KINDS], a_warn[N_KINDS], a_near[N_KINDS];
  int64_t dur;
  WsResult res = WS_RESULT_OK;
  float deltas[N_KINDS];
  int k_fail, k_warn, k_near;

  if (f == NULL || frame == NULL || f->finished || !frame_valid (f, frame))
    return WS_RESULT_INVALID_ARGUMENT;
  deltas[WS_FLASH_KIND_LUMINANCE] = (float) f->p.flash_delta_cd_m2;
  deltas[WS_FLASH_KIND_RED] = (float) f->p.red_delta;
  k_fail = 2 * f->p.max_flashes + 1;
  k_warn = 2 * f->p.max_flashes;
  k_near = 2 * f->p.near_flashes;

  memset (f->acc, 0, (size_t) f->n_cells * 4 * sizeof (uint64_t));
  if (f->yuv) {
    sample_luma (f, frame);
    sample_chroma (f, frame);
  } else {
    sample_rgb (f, frame);
  }
  memset (&f->info, 0, sizeof (f->info));
  f->info.pts_ns = frame->pts_ns;
  f->info.luminance_cd_m2 = evaluate_cells (f);

  dur = f->n_frames > 0 ? frame->pts_ns - f->last_pts : 0;
  f->pts_ring[f->n_frames % WINDOW_FRAMES] = frame->pts_ns;
  f->n_frames++;
  f->last_pts = frame->pts_ns;

  /* the 1 s window: frames with pts in (now - 1 s, now] */
  while (m < WINDOW_FRAMES && (uint64_t) m < f->n_frames &&
         pts_at_age (f, m) > frame->pts_ns - NS_PER_S)
    m++;
  for (int w = 0; w < WINDOW_WORDS; w++) {
    int lo = w * 64;
    if (m >= lo + 64)
      wm[w] = ~UINT64_C (0);
    else if (m <= lo)
      wm[w] = 0;
    else
      wm[w] = (UINT64_C (1) << (m - lo)) - 1;
  }

  for (int k = 0; k < N_KINDS; k++) {
    Detector *det = f->det[k];
    const float *val = f->value[k];
    float delta = deltas[k];
    float hyst = delta / 4.0f;
    float dark = k == WS_FLASH_KIND_LUMINANCE ? (float) f->p.dark_limit_cd_m2 :
                                                0.0f;
    int strict = k == WS_FLASH_KIND_RED;
    int maxn = 0;
    double suffix = 0.0, risk = 0.0;

    memset (f->hist, 0, (WINDOW_FRAMES + 1) * sizeof (uint64_t));
    for (int i = 0; i < f->n_cells; i++) {
      int n;
      detector_update (&det[i], val[i], delta, hyst, dark, strict);
      n = window_count (&det[i], wm);
      f->hist[n] += f->cell_area[i];
      if (n > maxn)
        maxn = n;
    }
    /* A(n) as a suffix sum of the area histogram, from the top down */
    a_fail[k] = a_warn[k] = a_near[k] = 0.0;
    for (int n = maxn; n >= 1; n--) {
      double a, rk;
      suffix += (double) f->hist[n];
      a = suffix / f->total_area;
      if (n == k_fail)
        a_fail[k] = a;
      if (n == k_warn)
        a_warn[k] = a;
      if (n == k_near)
        a_near[k] = a;
      rk = fmin ((double) n / k_warn, a / f->p.area_limit);
      if (rk > risk)
        risk = rk;
    }
    f->info.risk[k] = risk;
    f->info.area[k] = a_fail[k];
    f->info.flash_rate[k] = maxn / 2.0;
    near[k] = a_near[k] > f->p.area_limit;
  }

  update_extended (f, frame->pts_ns, dur, near);

  for (int k = 0; k < N_KINDS; k++) {
    int fail = a_fail[k] > f->p.area_limit;
    int warn = a_warn[k] > f->p.warn_area;
    /* extended flashing: the rule over the last window, while the frame
     * itself is still close to failing (so an incident ends with the
     * flashing, not extended_window_s later) */
    int extended = near[k] &&
                   (double) f->near_ns[k] >
                       f->p.extended_fraction * f->p.extended_window_s * 1e9;
    int kq, maxc;
    double a_q;
    int64_t first, last;
    WsFlashVerdict v;
    WsFlashIncident seen;
    WsResult r;

    if (fail || (extended && f->p.extended_is_failure))
      v = WS_FLASH_VERDICT_FAIL;
    else if (warn || extended)
      v = WS_FLASH_VERDICT_WARN;
    else
      v = WS_FLASH_VERDICT_PASS;
    f->info.verdict[k] = v;

    if (v == WS_FLASH_VERDICT_PASS) {
      r = track_incident (f, k, v, frame->pts_ns, NULL);
      if (r != WS_RESULT_OK)
        res = r;
      continue;
    }
    /* the flagged cells: those that make this frame fail, warn, or be close
     * to failing */
    if (fail) {
      kq = k_fail;
      a_q = a_fail[k];
    } else if (warn) {
      kq = k_warn;
      a_q = a_warn[k];
    } else {
      kq = k_near;
      a_q = a_near[k];
    }
    flagged_span (f, k, wm, kq, &first, &last, &maxc);
    if (!fail && !warn) {
      /* extended only: it began with the oldest near-limit frame kept */
      for (size_t i = 0; i < f->ext_len; i++) {
        const ExtEntry *e = &f->ext[(f->ext_head + i) % f->ext_cap];
        if (e->near[k]) {
          if (e->pts < first)
            first = e->pts;
          break;
        }
      }
    }
    memset (&seen, 0, sizeof (seen));
    seen.verdict = v;
    seen.extended = extended;
    seen.start_ns = first;
    seen.end_ns = last;
    seen.peak_flash_rate = maxc / 2.0;
    seen.peak_area = a_q;
    seen.peak_risk = f->info.risk[k];
    r = track_incident (f, k, v, frame->pts_ns, &seen);
    if (r != WS_RESULT_OK)
      res = r;
  }

  if (f->pattern != NULL) {
    WsResult r = push_pattern (f, frame, dur);
    if (r != WS_RESULT_OK)
      res = r;
  }

  if (f->frame_func != NULL)
    f->frame_func (&f->info, f->user_data);
  return res;
}

WsResult
ws_flash_finish (WsFlash *flash)
{
  WsResult res = WS_RESULT_OK;
  if (flash == NULL)
    return WS_RESULT_INVALID_ARGUMENT;
  for (int k = 0; k < N_INCIDENT_KINDS; k++) {
    WsResult r = close_incident (flash, k);
    if (r != WS_RESULT_OK)
      res = r;
  }
  flash->finished = 1;
  return res;
}

WsResult
ws_flash_get_incidents (const WsFlash *flash, const WsFlashIncident **incidents,
    size_t *n_incidents)
{
  if (flash == NULL || incidents == NULL || n_incidents == NULL)
    return WS_RESULT_INVALID_ARGUMENT;
  *incidents = flash->n_incidents > 0 ? flash->incidents : NULL;
  *n_incidents = flash->n_incidents;
  return WS_RESULT_OK;
}

WsResult
ws_flash_get_verdict (const WsFlash *flash, WsFlashVerdict *verdict)
{
  if (flash == NULL || verdict == NULL)
    return WS_RESULT_INVALID_ARGUMENT;
  if (flash->n_frames == 0)
    return WS_RESULT_NO_DATA;
  *verdict = flash->worst;
  return WS_RESULT_OK;
}

WsResult
ws_flash_get_frame_info (const WsFlash *flash, WsFlashFrameInfo *info)
{
  if (flash == NULL || info == NULL)
    return WS_RESULT_INVALID_ARGUMENT;
  if (flash->n_frames == 0)
    return WS_RESULT_NO_DATA;
  *info = flash->info;
  return WS_RESULT_OK;
}
