/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: regular spatial pattern detection (see ws-pattern.h).
 *
 * Per frame:
 *
 * 1. Lines. Every second row and every second column of the plane is read
 *    into a buffer. Stripes at any angle cross rows or columns at no more
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
 *    line and its neighbour (the lines are two samples apart).
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

struct WsPattern {
  WsPatternParams p;
  int w, h;
  double kd, ku; /* contrast factors of a light-dark step */

  float *line;      /* [max (w, h)] values along the line */
  int *epos;        /* [max (w, h)] extreme positions */
  float *eval;      /* [max (w, h)] extreme values */
  uint8_t *marks;   /* [w * h] this frame */
  uint8_t *prev;    /* [w * h] the last frame */
  uint32_t *blocks; /* [bw * bh] marks per block */
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
  p->line = malloc (longest * sizeof (float));
  p->epos = malloc (longest * sizeof (int));
  p->eval = malloc (longest * sizeof (float));
  p->marks = calloc (n, 1);
  p->prev = calloc (n, 1);
  p->blocks = malloc ((size_t) p->bw * (size_t) p->bh * sizeof (uint32_t));
  if (p->line == NULL || p->epos == NULL || p->eval == NULL ||
      p->marks == NULL || p->prev == NULL || p->blocks == NULL) {
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
  free (pattern->line);
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

/* ---- one line --------------------------------------------------------- */

/* Confirmed extremes of line[0..n) into epos/eval; returns their number.
 * The pending extreme at the end of the line counts: it was reached by a
 * full light-dark step. */
static int
find_extremes (WsPattern *p, int n)
{
  const float *v = p->line;
  float delta = (float) p->p.delta_cd_m2;
  float kd = (float) p->kd, ku = (float) p->ku;
  float lo = v[0], hi = v[0], ext = v[0];
  int lo_pos = 0, hi_pos = 0, pos = 0, dir = 0, ne = 0;

  for (int i = 1; i < n; i++) {
    float x = v[i];
    /* a plateau's position is where it starts: the extreme moves on only
     * when the value goes clearly beyond it (a darker background after the
     * last dark stripe is still that stripe) */
    float tol = 0.25f * delta + 0.1f * ext;
    if (dir > 0) {
      if (x > ext + tol) {
        ext = x;
        pos = i;
      } else if (x > ext) {
        ext = x;
      } else if (x <= fminf (ext - delta, ext * kd)) {
        p->epos[ne] = pos;
        p->eval[ne++] = ext;
        dir = -1;
        ext = x;
        pos = i;
      }
    } else if (dir < 0) {
      if (x < ext - tol) {
        ext = x;
        pos = i;
      } else if (x < ext) {
        ext = x;
      } else if (x >= fmaxf (ext + delta, ext * ku)) {
        p->epos[ne] = pos;
        p->eval[ne++] = ext;
        dir = 1;
        ext = x;
        pos = i;
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
      if (x >= fmaxf (lo + delta, lo * ku) && lo_pos < i) {
        p->epos[ne] = lo_pos;
        p->eval[ne++] = lo;
        dir = 1;
        ext = x;
        pos = i;
      } else if (x <= fminf (hi - delta, hi * kd) && hi_pos < i) {
        p->epos[ne] = hi_pos;
        p->eval[ne++] = hi;
        dir = -1;
        ext = x;
        pos = i;
      }
    }
  }
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
 * step (dx, dy), and the same samples of the next row (@nb_down, for rows)
 * or column (for columns). */
static void
mark_run (WsPattern *p, int a, int b, int n, int x0, int y0, int dx, int dy,
    int nb_down)
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
    uint8_t bit = p->line[k] > mid ? 2 : 1;
    p->marks[m] = bit;
    if (nb_down) {
      if (y + 1 < p->h)
        p->marks[m + (size_t) p->w] = bit;
    } else if (x + 1 < p->w) {
      p->marks[m + 1] = bit;
    }
  }
}

static void
scan_line (WsPattern *p, const float *plane, size_t stride, int x0, int y0,
    int dx, int dy, int n)
{
  int ne, a;

  if (n < 2 * p->p.min_pairs * MIN_PERIOD / 2)
    return;
  for (int k = 0; k < n; k++) {
    float v = plane[(size_t) (y0 + k * dy) * stride + (size_t) (x0 + k * dx)];
    p->line[k] = v > 0.0f ? v : 0.0f; /* NaN and negatives read as 0 */
  }
  ne = find_extremes (p, n);
  if (ne < 2 * p->p.min_pairs)
    return;
  /* runs of agreeing periods; period i spans extremes i - 2 .. i */
  a = 0;
  for (int i = 3; i <= ne; i++) {
    int ok = i < ne && periods_agree (p->epos[i] - p->epos[i - 2],
                           p->epos[i - 1] - p->epos[i - 3]);
    if (!ok) {
      if (p->epos[a + 2] - p->epos[a] >= MIN_PERIOD)
        mark_run (p, a, i - 1, n, x0, y0, dx, dy, dy == 0);
      a = i - 2;
    }
  }
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
    for (int x = 0; x < w; x++)
      brow[x / BLOCK] += row[x] != 0;
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
  memset (p->marks, 0, (size_t) w * (size_t) h);
  p->max_pairs = 0;

  for (int y = 0; y < h; y += 2)
    scan_line (p, lum_cd_m2, stride, 0, y, 1, 0, w);
  for (int x = 0; x < w; x += 2)
    scan_line (p, lum_cd_m2, stride, x, 0, 0, 1, h);

  memset (&r, 0, sizeof (r));
  r.area = measure_area (p);
  r.pairs = p->max_pairs;
  present = r.area > p->p.area_limit && r.pairs >= p->p.min_pairs;

  for (size_t i = 0, n = (size_t) w * (size_t) h; i < n; i++) {
    uint8_t c = p->marks[i], q = p->prev[i];
    n_cur += c != 0;
    n_prev += q != 0;
    if (c != 0 && q != 0) {
      same += c == q;
      opp += c != q;
    }
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
