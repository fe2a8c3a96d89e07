/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: regular spatial pattern detection (see ws-pattern.h).
 *
 * Per frame:
 *
 * 1. Lines. Every fourth row and every fourth column of the plane is
 *    scanned (columns from a contiguous copy). Stripes at any angle cross rows or columns at no more
 *    than 1.41 times their period, so two directions see every orientation.
 *    Diagonal scans were tried and dropped: a diagonal crosses lines of text
 *    as a regular burst per line (the words average out along it), so text
 *    pages came out as patterns.
 *
 * 2. Extremes. A zig-zag (peak/trough) detector runs along the line: the
 *    current extreme is confirmed, and the direction turns, once the value
 *    has moved back from it by a light-dark step (at least delta_cd_m2 and
 *    at least min_contrast Michelson contrast). So low-contrast texture and
 *    noise make no extremes at all. An extreme's position is where the
 *    plateau starts, so for square stripes the extremes are the stripe
 *    edges.
 *
 * 3. Regular runs. The full period ending at extreme i is pos[i] -
 *    pos[i - 2] (light + dark, whatever the duty cycle). A run is a stretch
 *    of extremes in which each period is at least MIN_PERIOD samples and
 *    agrees with the previous one within a quarter (or one sample), so
 *    smoothly changing spacing (radial and curved stripes seen by a straight
 *    line) stays one run and random spacing (text, texture) breaks it. A run
 *    of n extremes holds n / 2 light-dark pairs; one with at least min_pairs
 *    is marked on the plane from its first extreme to its last plus the last
 *    half period (the last stripe's width), each sample as light or dark
 *    against the middle of the run's extremes. The mark covers the scanned
 *    line and the lines around it up to the next scanned one, so the
 *    marks of a pattern tile its area.
 *
 * 4. Area. Marks are counted in 8 x 8 blocks; a block at least half marked
 *    counts its marks, as does a partly marked block next to one (the
 *    region's border); isolated partly marked blocks (chance runs in
 *    texture) do not.
 *
 * 5. Time. The light/dark marks of this frame and the last are compared on
 *    the samples marked in both: mostly the same is stationary, mostly
 *    flipped is a reversal, anything else (or too little overlap) is motion,
 *    which restarts the stationary clock.
 */
#include "ws-pattern.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_S INT64_C (1000000000)
#define BLOCK 8
#define MIN_PERIOD 3
#define EVENT_RING 64
/* scan every 4th row and column (1, 5, 9, ...) ... */
#define LINE_STEP WS_PATTERN_LINE_STEP
#define LINE_LO WS_PATTERN_LINE_FIRST /* ... and mark from 1 before ... */
#define LINE_HI 2 /* ... to 2 after it, so the marks tile the plane */

struct WsPattern {
  WsPatternParams p;
  int w, h;
  double kd, ku; /* contrast factors of a light-dark step */

  float *cols;     /* [w / LINE_STEP + 1 columns][h] the scanned columns */
  int *epos;       /* [max (w, h)] extreme positions */
  float *eval;     /* [max (w, h)] extreme values */
  uint8_t *marks;  /* [w * h] this frame */
  uint8_t *prev;   /* [w * h] the last frame */
  size_t n_writes; /* marks written this frame (0: marks all 0) */
  size_t n_prev_writes;
  uint8_t *rows;      /* [h] rows of @marks with a mark */
  uint8_t *prev_rows; /* [h] rows of @prev with a mark */
  uint32_t *blocks;   /* [bw * bh] marks per block */
  int bw, bh;
  int max_pairs;

  uint64_t n_frames;
  int64_t last_pts;
  int prev_present;
  int had_present;
  int64_t last_present_end;
  int64_t onset, since;
  int64_t events[EVENT_RING];
  int n_events, event_head;
};

void
ws_pattern_params_init (WsPatternParams *params)
{
  if (params == NULL)
    return;
  memset (params, 0, sizeof (*params));
  params->min_pairs = 6;
  params->delta_cd_m2 = 20.0;
  params->min_contrast = 0.5;
  params->area_limit = 0.25;
  params->stationary_s = 0.5;
}

static int
params_valid (const WsPatternParams *p)
{
  return p->min_pairs >= 2 && p->min_pairs <= 1000 && p->delta_cd_m2 > 0.0 &&
         p->min_contrast >= 0.0 && p->min_contrast < 1.0 &&
         p->area_limit > 0.0 && p->area_limit <= 1.0 &&
         p->stationary_s >= 0.0 && p->stationary_s <= 60.0;
}

WsResult
ws_pattern_new (WsPattern **out, int width, int height,
    const WsPatternParams *params)
{
  WsPattern *p;
  WsPatternParams defaults;
  size_t n, longest;

  if (out == NULL || width < 8 || height < 8 ||
      width > WS_PATTERN_MAX_DIMENSION || height > WS_PATTERN_MAX_DIMENSION)
    return WS_RESULT_INVALID_ARGUMENT;
  if (params == NULL) {
    ws_pattern_params_init (&defaults);
    params = &defaults;
  }
  if (!params_valid (params))
    return WS_RESULT_INVALID_ARGUMENT;

  p = calloc (1, sizeof (*p));
  if (p == NULL)
    return WS_RESULT_NO_MEMORY;
  p->p = *params;
  p->w = width;
  p->h = height;
  p->kd = (1.0 - params->min_contrast) / (1.0 + params->min_contrast);
  p->ku = (1.0 + params->min_contrast) / (1.0 - params->min_contrast);
  p->bw = (width + BLOCK - 1) / BLOCK;
  p->bh = (height + BLOCK - 1) / BLOCK;
  n = (size_t) width * (size_t) height;
  longest = (size_t) (width > height ? width : height);
  p->cols = malloc (
      (size_t) (width / LINE_STEP + 1) * (size_t) height * sizeof (float));
  p->epos = malloc (longest * sizeof (int));
  p->eval = malloc (longest * sizeof (float));
  p->marks = calloc (n, 1);
  p->prev = calloc (n, 1);
  p->blocks = malloc ((size_t) p->bw * (size_t) p->bh * sizeof (uint32_t));
  p->rows = calloc ((size_t) height, 1);
  p->prev_rows = calloc ((size_t) height, 1);
  if (p->rows == NULL || p->prev_rows == NULL || p->cols == NULL ||
      p->epos == NULL || p->eval == NULL || p->marks == NULL ||
      p->prev == NULL || p->blocks == NULL) {
    ws_pattern_free (p);
    return WS_RESULT_NO_MEMORY;
  }
  *out = p;
  return WS_RESULT_OK;
}

void
ws_pattern_free (WsPattern *pattern)
{
  if (pattern == NULL)
    return;
  free (pattern->cols);
  free (pattern->rows);
  free (pattern->prev_rows);
  free (pattern->epos);
  free (pattern->eval);
  free (pattern->marks);
  free (pattern->prev);
  free (pattern->blocks);
  free (pattern);
}

const uint8_t *
ws_pattern_get_marks (const WsPattern *pattern)
{
  if (pattern == NULL || pattern->n_frames == 0)
    return NULL;
  return pattern->marks;
}

/* fminf / fmaxf are library calls (NaN rules) unless -ffast-math. A NaN
 * sample (outside the API's promise) only makes comparisons false: no
 * extreme, no crash. */
static inline float
min_f (float a, float b)
{
  return a < b ? a : b;
}

static inline float
max_f (float a, float b)
{
  return a > b ? a : b;
}

/* ---- one line --------------------------------------------------------- */

/* Confirmed extremes of @v[0..n) into epos/eval; returns their number.
 * The pending extreme at the end of the line counts: it was reached by a
 * full light-dark step. A plateau's position is where it starts: the
 * extreme's position moves on only when the value goes clearly beyond the
 * level it had there (a darker background after the last dark stripe is
 * still that stripe). Thresholds are recomputed only when the extreme
 * moves, so a sample inside the band costs two comparisons. */
static int
find_extremes (WsPattern *p, const float *v, int n)
{
  const float delta = (float) p->p.delta_cd_m2;
  const float kd = (float) p->kd, ku = (float) p->ku;
  const float tol_abs = 0.25f * delta;
  float lo = v[0], hi = v[0], ext = v[0], thr = 0.0f, beyond = 0.0f;
  int lo_pos = 0, hi_pos = 0, pos = 0, dir = 0, ne = 0;

#define TURN(new_dir)                      \
  do {                                     \
    dir = (new_dir);                       \
    ext = x;                               \
    pos = i;                               \
    if (dir > 0) {                         \
      thr = min_f (ext - delta, ext * kd); \
      beyond = ext + tol_abs + 0.1f * ext; \
    } else {                               \
      thr = max_f (ext + delta, ext * ku); \
      beyond = ext - tol_abs - 0.1f * ext; \
    }                                      \
  } while (0)

  for (int i = 1; i < n; i++) {
    float x = v[i];
    if (dir > 0) {
      if (x > ext) {
        ext = x;
        thr = min_f (ext - delta, ext * kd);
        if (x > beyond) {
          pos = i;
          beyond = x + tol_abs + 0.1f * x;
        }
      } else if (x <= thr) {
        p->epos[ne] = pos;
        p->eval[ne++] = ext;
        TURN (-1);
      }
    } else if (dir < 0) {
      if (x < ext) {
        ext = x;
        thr = max_f (ext + delta, ext * ku);
        if (x < beyond) {
          pos = i;
          beyond = x - tol_abs - 0.1f * x;
        }
      } else if (x >= thr) {
        p->epos[ne] = pos;
        p->eval[ne++] = ext;
        TURN (1);
      }
    } else {
      if (x < lo) {
        lo = x;
        lo_pos = i;
      }
      if (x > hi) {
        hi = x;
        hi_pos = i;
      }
      if (x >= max_f (lo + delta, lo * ku) && lo_pos < i) {
        p->epos[ne] = lo_pos;
        p->eval[ne++] = lo;
        TURN (1);
      } else if (x <= min_f (hi - delta, hi * kd) && hi_pos < i) {
        p->epos[ne] = hi_pos;
        p->eval[ne++] = hi;
        TURN (-1);
      }
    }
  }
#undef TURN
  if (dir != 0) {
    p->epos[ne] = pos;
    p->eval[ne++] = ext;
  }
  return ne;
}

static inline int
periods_agree (int a, int b)
{
  int d = a > b ? a - b : b - a;
  int m = a > b ? a : b;
  return a >= MIN_PERIOD && b >= MIN_PERIOD && (d <= 1 || 4 * d <= m);
}

/* Marks the run of extremes [a, b] of the line starting at (x0, y0) with
 * step (dx, dy), and the same samples of the rows (@nb_down) or columns
 * LINE_LO before to LINE_HI after it. */
static void
mark_run (WsPattern *p, const float *v, int a, int b, int n, int x0, int y0,
    int dx, int dy, int nb_down)
{
  int pairs = (b - a + 1) / 2;
  int start = p->epos[a];
  int end = p->epos[b] + (p->epos[b] - p->epos[b - 1] + 1) / 2;
  double sum = 0.0;
  float mid;

  if (pairs < p->p.min_pairs)
    return;
  if (pairs > p->max_pairs)
    p->max_pairs = pairs;
  if (end > n)
    end = n;
  for (int i = a; i <= b; i++)
    sum += p->eval[i];
  mid = (float) (sum / (b - a + 1));
  for (int k = start; k < end; k++) {
    int x = x0 + k * dx, y = y0 + k * dy;
    size_t m = (size_t) y * (size_t) p->w + (size_t) x;
    uint8_t bit = v[k] > mid ? 2 : 1;
    p->n_writes++;
    if (nb_down) {
      int y1 = y - LINE_LO, y2 = y + LINE_HI < p->h ? y + LINE_HI : p->h - 1;
      for (int yy = y1 < 0 ? 0 : y1; yy <= y2; yy++) {
        p->marks[(size_t) yy * (size_t) p->w + (size_t) x] = bit;
        p->rows[yy] = 1;
      }
    } else {
      p->rows[y] = 1;
      int x1 = x - LINE_LO, x2 = x + LINE_HI < p->w ? x + LINE_HI : p->w - 1;
      for (int xx = x1 < 0 ? 0 : x1; xx <= x2; xx++)
        p->marks[m - (size_t) x + (size_t) xx] = bit;
    }
  }
}

/* One line: @v[0..n) are the samples from (x0, y0) on, step (dx, dy). */
static void
scan_line (WsPattern *p, const float *v, int x0, int y0, int dx, int dy, int n)
{
  int ne, a;
  float lo = v[0], hi = v[0];

  if (n < p->p.min_pairs * MIN_PERIOD)
    return;
  for (int k = 1; k < n; k++) {
    lo = min_f (lo, v[k]);
    hi = max_f (hi, v[k]);
  }
  /* no light-dark step anywhere on the line */
  if (hi - lo < (float) p->p.delta_cd_m2 || hi < lo * (float) p->ku)
    return;
  ne = find_extremes (p, v, n);
  if (ne < 2 * p->p.min_pairs)
    return;
  /* runs of agreeing periods; period i spans extremes i - 2 .. i */
  a = 0;
  for (int i = 3; i <= ne; i++) {
    int ok = i < ne && periods_agree (p->epos[i] - p->epos[i - 2],
                           p->epos[i - 1] - p->epos[i - 3]);
    if (!ok) {
      if (p->epos[a + 2] - p->epos[a] >= MIN_PERIOD)
        mark_run (p, v, a, i - 1, n, x0, y0, dx, dy, dy == 0);
      a = i - 2;
    }
  }
}

/* Scans every LINE_STEP-th row in place, then every LINE_STEP-th column
 * from a contiguous copy (made row by row, so the plane is read once, in
 * order). */
static void
scan_plane (WsPattern *p, const float *plane, size_t stride)
{
  int w = p->w, h = p->h, nc = (w - LINE_LO + LINE_STEP - 1) / LINE_STEP;

  for (int y = 0; y < h; y++) {
    const float *row = plane + (size_t) y * stride;
    float *col = p->cols + (size_t) y;
    for (int c = 0; c < nc; c++)
      col[(size_t) c * (size_t) h] = row[LINE_LO + LINE_STEP * c];
    if (y % LINE_STEP == LINE_LO)
      scan_line (p, row, 0, y, 1, 0, w);
  }
  for (int c = 0; c < nc; c++)
    scan_line (p, p->cols + (size_t) c * (size_t) h, LINE_LO + LINE_STEP * c, 0,
        0, 1, h);
}

/* ---- area and time ---------------------------------------------------- */

static double
measure_area (WsPattern *p)
{
  int w = p->w, h = p->h, bw = p->bw, bh = p->bh;
  uint64_t sum = 0;

  memset (p->blocks, 0, (size_t) bw * (size_t) bh * sizeof (uint32_t));
  for (int y = 0; y < h; y++) {
    const uint8_t *row = p->marks + (size_t) y * (size_t) w;
    uint32_t *brow = p->blocks + (size_t) (y / BLOCK) * (size_t) bw;
    if (!p->rows[y])
      continue;
    for (int bx = 0; bx < bw; bx++) {
      int x1 = (bx + 1) * BLOCK < w ? (bx + 1) * BLOCK : w;
      uint32_t c = 0;
      for (int x = bx * BLOCK; x < x1; x++)
        c += row[x] != 0;
      brow[bx] += c;
    }
  }
  for (int by = 0; by < bh; by++) {
    for (int bx = 0; bx < bw; bx++) {
      uint32_t c = p->blocks[by * bw + bx];
      int strong = 0;
      if (c == 0)
        continue;
      /* at least half marked, or a partly marked border of such a block */
      for (int j = -1; j <= 1 && !strong; j++) {
        for (int i = -1; i <= 1 && !strong; i++) {
          int nx = bx + i, ny = by + j;
          int cw, ch;
          if ((i != 0 && j != 0) || nx < 0 || ny < 0 || nx >= bw || ny >= bh)
            continue;
          cw = (nx + 1) * BLOCK <= w ? BLOCK : w - nx * BLOCK;
          ch = (ny + 1) * BLOCK <= h ? BLOCK : h - ny * BLOCK;
          if (2 * p->blocks[ny * bw + nx] >= (uint32_t) (cw * ch))
            strong = 1;
        }
      }
      if (strong)
        sum += c;
    }
  }
  return (double) sum / ((double) w * (double) h);
}

static void
add_event (WsPattern *p, int64_t pts)
{
  p->events[(p->event_head + p->n_events) % EVENT_RING] = pts;
  if (p->n_events < EVENT_RING)
    p->n_events++;
  else
    p->event_head = (p->event_head + 1) % EVENT_RING;
}

static int
recent_events (WsPattern *p, int64_t pts)
{
  while (p->n_events > 0 && p->events[p->event_head] <= pts - NS_PER_S) {
    p->event_head = (p->event_head + 1) % EVENT_RING;
    p->n_events--;
  }
  return p->n_events;
}

WsResult
ws_pattern_push (WsPattern *pattern, const float *lum_cd_m2, size_t stride,
    int64_t pts_ns, WsPatternResult *result)
{
  WsPattern *p = pattern;
  WsPatternResult r;
  int w, h, present;
  int64_t interval;
  uint8_t *t;
  uint64_t same = 0, opp = 0, n_cur = 0, n_prev = 0;

  if (p == NULL || lum_cd_m2 == NULL || stride < (size_t) pattern->w ||
      (p->n_frames > 0 && pts_ns <= p->last_pts))
    return WS_RESULT_INVALID_ARGUMENT;
  w = p->w;
  h = p->h;

  t = p->prev;
  p->prev = p->marks;
  p->marks = t;
  t = p->prev_rows;
  p->prev_rows = p->rows;
  p->rows = t;
  for (int y = 0; y < h && p->n_prev_writes > 0; y++) {
    /* clear the rows of the reused buffer that have marks */
    if (p->rows[y])
      memset (p->marks + (size_t) y * (size_t) w, 0, (size_t) w);
    p->rows[y] = 0;
  }
  p->n_prev_writes = p->n_writes;
  p->n_writes = 0;
  p->max_pairs = 0;

  scan_plane (p, lum_cd_m2, stride);

  memset (&r, 0, sizeof (r));
  r.area = p->n_writes > 0 ? measure_area (p) : 0.0;
  r.pairs = p->max_pairs;
  present = r.area > p->p.area_limit && r.pairs >= p->p.min_pairs;

  for (int y = 0; y < h && (p->n_writes > 0 || p->n_prev_writes > 0); y++) {
    const uint8_t *mc;
    const uint8_t *mq;
    uint32_t rc = 0, rq = 0, rs = 0, ro = 0;
    if (!p->rows[y] && !p->prev_rows[y])
      continue;
    mc = p->marks + (size_t) y * (size_t) w;
    mq = p->prev + (size_t) y * (size_t) w;
    for (int x = 0; x < w; x++) {
      /* marks are 0, 1 (dark) or 2 (light): c * q is 1 or 4 when they
       * agree, 2 when they are opposite, 0 when either is unmarked */
      unsigned c = mc[x], q = mq[x], cq = c * q;
      rc += c != 0;
      rq += q != 0;
      rs += (cq & 5) != 0;
      ro += cq == 2;
    }
    n_cur += rc;
    n_prev += rq;
    same += rs;
    opp += ro;
  }

  interval = p->n_frames > 0 ? pts_ns - p->last_pts : 0;
  if (present) {
    if (!p->prev_present) {
      /* back within 1 s of going away: the pattern flashes, and the
       * flashing began with the earlier appearance */
      if (p->had_present && pts_ns - p->last_present_end < NS_PER_S)
        add_event (p, pts_ns);
      else
        p->onset = pts_ns;
      p->since = pts_ns;
    } else {
      uint64_t both = same + opp;
      uint64_t ref = n_cur < n_prev ? n_cur : n_prev;
      if (2 * both >= ref && opp >= 3 * same) {
        add_event (p, pts_ns); /* phase reversal */
        p->since = pts_ns;
      } else if (!(2 * both >= ref && same >= 3 * opp)) {
        p->since = pts_ns; /* moving: the stationary clock restarts */
      }
    }
    p->had_present = 1;
    p->last_present_end = pts_ns + interval;
    r.present = 1;
    r.onset_ns = p->onset;
    r.stationary_ns = pts_ns - p->since + interval;
  }
  r.reversals = recent_events (p, pts_ns);
  if (present) {
    double stat = (double) r.stationary_ns / (p->p.stationary_s * 1e9);
    r.fail = (double) r.stationary_ns > p->p.stationary_s * 1e9 ||
             r.reversals > 0;
    if (p->p.stationary_s <= 0.0)
      stat = 2.0;
    if (r.reversals > 0 && stat < 2.0)
      stat = 2.0;
    r.risk = fmin (r.area / p->p.area_limit, stat);
  }
  p->prev_present = present;
  p->last_pts = pts_ns;
  p->n_frames++;
  if (result != NULL)
    *result = r;
  return WS_RESULT_OK;
}
