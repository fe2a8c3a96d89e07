/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* check tests for filters/ws-flash: generated video flashing at known rates,
 * over known areas, in every frame rate and several pixel formats. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ws-flash.h"
#include "ws-test-video.h"

#define W 320
#define H 180
#define PAD 24

/* ---- frame rendering -------------------------------------------------- */

typedef struct {
  WsFlashFormat format;
  WsFlashRange range;
  WsFlashMatrix matrix;
} Config;

static const Config configs[] = {
  { WS_FLASH_FORMAT_I420, WS_FLASH_RANGE_LIMITED, WS_FLASH_MATRIX_BT709 },
  { WS_FLASH_FORMAT_NV12, WS_FLASH_RANGE_FULL, WS_FLASH_MATRIX_BT601 },
  { WS_FLASH_FORMAT_I420_10LE, WS_FLASH_RANGE_LIMITED, WS_FLASH_MATRIX_BT709 },
  { WS_FLASH_FORMAT_P010, WS_FLASH_RANGE_FULL, WS_FLASH_MATRIX_BT709 },
  { WS_FLASH_FORMAT_YUY2, WS_FLASH_RANGE_LIMITED, WS_FLASH_MATRIX_BT601 },
  { WS_FLASH_FORMAT_BGRX, WS_FLASH_RANGE_FULL, WS_FLASH_MATRIX_BT709 },
  { WS_FLASH_FORMAT_RGB, WS_FLASH_RANGE_FULL, WS_FLASH_MATRIX_BT709 },
};

#define N_CONFIGS (sizeof (configs) / sizeof (configs[0]))

typedef struct {
  int num, den;
} Rate;

static const Rate rates[] = { { 25, 1 }, { 30000, 1001 }, { 50, 1 },
  { 60000, 1001 } };

#define N_RATES 4

/* A picture: a background and up to two rectangles, colours as R'G'B' in
 * 0..1 (display-referred, sRGB-encoded). Optional vertical stripes. */
typedef struct {
  double bg[3];
  double fg[3];
  int n_rects;
  int rects[2][4]; /* x, y, w, h */
  int stripes;     /* 2-pixel black/white stripes everywhere */
} Look;

typedef struct {
  uint8_t *buf;
  WsFlashFrame frame;
} Image;

static int
bits_of (WsFlashFormat f)
{
  return f == WS_FLASH_FORMAT_I420_10LE || f == WS_FLASH_FORMAT_P010 ? 10 : 8;
}

static void
look_pixel (const Look *look, int x, int y, double rgb[3])
{
  const double *c = look->bg;
  if (look->stripes) {
    double v = (x / 2) % 2 == 0 ? 1.0 : 0.0;
    rgb[0] = rgb[1] = rgb[2] = v;
    return;
  }
  for (int i = 0; i < look->n_rects; i++) {
    const int *r = look->rects[i];
    if (x >= r[0] && x < r[0] + r[2] && y >= r[1] && y < r[1] + r[3])
      c = look->fg;
  }
  memcpy (rgb, c, 3 * sizeof (double));
}

static void
to_ycbcr (const Config *cfg, const double rgb[3], unsigned out[3])
{
  int bits = bits_of (cfg->format);
  double kr = cfg->matrix == WS_FLASH_MATRIX_BT601 ? 0.299 : 0.2126;
  double kb = cfg->matrix == WS_FLASH_MATRIX_BT601 ? 0.114 : 0.0722;
  double y = kr * rgb[0] + (1.0 - kr - kb) * rgb[1] + kb * rgb[2];
  out[0] = ws_test_quant (y, bits, cfg->range == WS_FLASH_RANGE_FULL, 0);
  out[1] = ws_test_quant ((rgb[2] - y) / (2.0 * (1.0 - kb)), bits,
      cfg->range == WS_FLASH_RANGE_FULL, 1);
  out[2] = ws_test_quant ((rgb[0] - y) / (2.0 * (1.0 - kr)), bits,
      cfg->range == WS_FLASH_RANGE_FULL, 1);
}

static void
put (uint8_t *p, unsigned v, int bits, int msb)
{
  if (bits == 8) {
    p[0] = (uint8_t) v;
  } else {
    if (msb)
      v <<= 6;
    p[0] = (uint8_t) (v & 0xff);
    p[1] = (uint8_t) (v >> 8);
  }
}

/* Renders @look in @cfg's format into a fresh buffer with padded strides. */
static void
render (const Config *cfg, const Look *look, Image *img)
{
  int bits = bits_of (cfg->format), bps = bits == 8 ? 1 : 2;
  int msb = cfg->format == WS_FLASH_FORMAT_P010;
  size_t cw = (W + 1) / 2, chh = (H + 1) / 2;
  size_t off[4] = { 0 }, total = 0;
  WsFlashFrame *fr = &img->frame;

  memset (fr, 0, sizeof (*fr));
  fr->width = W;
  fr->height = H;
  fr->format = cfg->format;
  switch (cfg->format) {
    case WS_FLASH_FORMAT_I420:
    case WS_FLASH_FORMAT_I420_10LE:
      fr->strides[0] = W * bps + PAD;
      fr->strides[1] = fr->strides[2] = cw * bps + PAD;
      off[1] = fr->strides[0] * H;
      off[2] = off[1] + fr->strides[1] * chh;
      total = off[2] + fr->strides[2] * chh;
      break;
    case WS_FLASH_FORMAT_NV12:
    case WS_FLASH_FORMAT_P010:
      fr->strides[0] = W * bps + PAD;
      fr->strides[1] = 2 * cw * bps + PAD;
      off[1] = fr->strides[0] * H;
      total = off[1] + fr->strides[1] * chh;
      break;
    case WS_FLASH_FORMAT_YUY2:
      fr->strides[0] = 4 * cw + PAD;
      total = fr->strides[0] * H;
      break;
    case WS_FLASH_FORMAT_BGRX:
      fr->strides[0] = 4 * W + PAD;
      total = fr->strides[0] * H;
      break;
    case WS_FLASH_FORMAT_RGB:
      fr->strides[0] = 3 * W + PAD;
      total = fr->strides[0] * H;
      break;
    default:
      ck_abort_msg ("test renders no %s",
          ws_flash_format_to_string (cfg->format));
  }
  img->buf = calloc (1, total);
  ck_assert_ptr_nonnull (img->buf);
  for (int i = 0; i < 4; i++)
    fr->planes[i] = img->buf + off[i];

  for (int y = 0; y < H; y++) {
    for (int x = 0; x < W; x++) {
      double rgb[3];
      unsigned yuv[3];
      uint8_t *row0 = img->buf + fr->strides[0] * y;
      look_pixel (look, x, y, rgb);
      if (cfg->format == WS_FLASH_FORMAT_BGRX ||
          cfg->format == WS_FLASH_FORMAT_RGB) {
        int px = cfg->format == WS_FLASH_FORMAT_RGB ? 3 : 4;
        int bgr = cfg->format == WS_FLASH_FORMAT_BGRX;
        for (int c = 0; c < 3; c++)
          row0[x * px + (bgr ? 2 - c : c)] = (uint8_t) ws_test_quant (rgb[c], 8,
              cfg->range == WS_FLASH_RANGE_FULL, 0);
        continue;
      }
      to_ycbcr (cfg, rgb, yuv);
      if (cfg->format == WS_FLASH_FORMAT_YUY2) {
        row0[2 * x] = (uint8_t) yuv[0];
        if (x % 2 == 0) {
          row0[2 * x + 1] = (uint8_t) yuv[1];
          row0[2 * x + 3] = (uint8_t) yuv[2];
        }
        continue;
      }
      put (row0 + (size_t) x * bps, yuv[0], bits, msb);
      if (x % 2 == 0 && y % 2 == 0) {
        size_t cx = (size_t) x / 2, cy = (size_t) y / 2;
        if (cfg->format == WS_FLASH_FORMAT_NV12 ||
            cfg->format == WS_FLASH_FORMAT_P010) {
          uint8_t *c = img->buf + off[1] + fr->strides[1] * cy;
          put (c + 2 * cx * bps, yuv[1], bits, msb);
          put (c + (2 * cx + 1) * bps, yuv[2], bits, msb);
        } else {
          put (img->buf + off[1] + fr->strides[1] * cy + cx * bps, yuv[1], bits,
              msb);
          put (img->buf + off[2] + fr->strides[2] * cy + cx * bps, yuv[2], bits,
              msb);
        }
      }
    }
  }
}

/* ---- scenarios -------------------------------------------------------- */

typedef enum {
  TIMING_FLASH, /* B at hz inside [t0, t1), else A */
  TIMING_COUNT, /* n flashes of period 1/hz from t0 */
  TIMING_FADE,  /* A to B linearly over [t0, t1) */
  TIMING_CUTS,  /* A/B alternating every 1/hz s */
} Timing;

typedef struct {
  Look a, b;
  Timing timing;
  double hz;
  double t0, t1, duration;
  int count;
} Scenario;

typedef struct {
  WsFlashVerdict verdict;
  size_t n_incidents;
  WsFlashIncident incidents[8];
  int64_t first_change_ns, last_change_ns, frame_ns;
  int n_frames;
  int n_trace;
  double max_risk;
  int events[3]; /* per WsFlashIncidentEvent */
} Outcome;

static void
incident_cb (const WsFlashIncident *incident, WsFlashIncidentEvent event,
    void *user)
{
  Outcome *o = user;
  ck_assert_int_ge (event, 0);
  ck_assert_int_le (event, 2);
  ck_assert_int_ne (incident->verdict, WS_FLASH_VERDICT_PASS);
  o->events[event]++;
}

static void
trace_cb (const WsFlashFrameInfo *info, void *user)
{
  Outcome *o = user;
  o->n_trace++;
  if (info->risk[WS_FLASH_KIND_LUMINANCE] > o->max_risk)
    o->max_risk = info->risk[WS_FLASH_KIND_LUMINANCE];
}

/* 0..1 mix between look A and B at time t. */
static double
mix_at (const Scenario *s, double t)
{
  switch (s->timing) {
    case TIMING_FLASH:
      if (t < s->t0 || t >= s->t1)
        return 0.0;
      return (long) floor ((t - s->t0) * 2.0 * s->hz + 1e-9) % 2 == 0;
    case TIMING_COUNT: {
      double ph = (t - s->t0) * s->hz;
      if (t < s->t0 || ph >= s->count)
        return 0.0;
      return ph - floor (ph + 1e-9) < 0.5 - 1e-9;
    }
    case TIMING_FADE:
      if (t < s->t0)
        return 0.0;
      if (t >= s->t1)
        return 1.0;
      return (t - s->t0) / (s->t1 - s->t0);
    case TIMING_CUTS:
      return (long) floor (t * s->hz + 1e-9) % 2 == 1;
  }
  return 0.0;
}

static void
mix_look (const Scenario *s, double m, Look *out)
{
  *out = m >= 1.0 ? s->b : s->a;
  if (m > 0.0 && m < 1.0) {
    for (int c = 0; c < 3; c++) {
      out->bg[c] = s->a.bg[c] + (s->b.bg[c] - s->a.bg[c]) * m;
      out->fg[c] = s->a.fg[c] + (s->b.fg[c] - s->a.fg[c]) * m;
    }
  }
}

static Outcome
run (const Scenario *s, const Config *cfg, const Rate *rate)
{
  Outcome o;
  WsFlash *f = NULL;
  Image img_a, img_b;
  const WsFlashIncident *inc;
  size_t n;
  int n_frames = (int) floor (s->duration * rate->num / rate->den);
  double prev_m = -1.0;

  memset (&o, 0, sizeof (o));
  o.first_change_ns = -1;
  o.frame_ns = (int64_t) (1e9 * rate->den / rate->num);
  o.n_frames = n_frames;
  ck_assert_int_eq (ws_flash_new (&f, W, H, cfg->format, cfg->range,
                        cfg->matrix, NULL),
      WS_RESULT_OK);
  ws_flash_set_callbacks (f, trace_cb, incident_cb, &o);
  render (cfg, &s->a, &img_a);
  render (cfg, &s->b, &img_b);
  for (int i = 0; i < n_frames; i++) {
    int64_t pts = (int64_t) i * INT64_C (1000000000) * rate->den / rate->num;
    double t = (double) i * rate->den / rate->num;
    double m = mix_at (s, t);
    Image tmp;
    const WsFlashFrame *fr;
    if (m <= 0.0) {
      fr = &img_a.frame;
    } else if (m >= 1.0) {
      fr = &img_b.frame;
    } else {
      Look l;
      mix_look (s, m, &l);
      render (cfg, &l, &tmp);
      fr = &tmp.frame;
    }
    if (i > 0 && m != prev_m) {
      if (o.first_change_ns < 0)
        o.first_change_ns = pts;
      o.last_change_ns = pts;
    }
    prev_m = m;
    {
      WsFlashFrame copy = *fr;
      copy.pts_ns = pts;
      ck_assert_int_eq (ws_flash_push_frame (f, &copy), WS_RESULT_OK);
    }
    if (m > 0.0 && m < 1.0)
      free (tmp.buf);
  }
  ck_assert_int_eq (ws_flash_finish (f), WS_RESULT_OK);
  ck_assert_int_eq (ws_flash_get_verdict (f, &o.verdict), WS_RESULT_OK);
  ck_assert_int_eq (ws_flash_get_incidents (f, &inc, &n), WS_RESULT_OK);
  o.n_incidents = n;
  for (size_t i = 0; i < n && i < 8; i++)
    o.incidents[i] = inc[i];
  ws_flash_free (f);
  free (img_a.buf);
  free (img_b.buf);
  return o;
}

static const double BLACK[3] = { 0, 0, 0 };
static const double WHITE[3] = { 1, 1, 1 };
static const double RED[3] = { 1, 0, 0 };

static Look
full (const double c[3])
{
  Look l;
  memset (&l, 0, sizeof (l));
  memcpy (l.bg, c, sizeof (l.bg));
  memcpy (l.fg, c, sizeof (l.fg));
  return l;
}

/* Black background with @n rectangles of @share of the screen each, white
 * (look B) or black (look A). Rectangles are not aligned to the grid. */
static void
regions (Scenario *s, int n, double share)
{
  double side = sqrt (share);
  int w = (int) lrint (W * side), h = (int) lrint (H * side);
  s->a = full (BLACK);
  s->b = full (BLACK);
  memcpy (s->b.fg, WHITE, sizeof (s->b.fg));
  s->b.n_rects = n;
  for (int i = 0; i < n; i++) {
    /* odd offsets: never on a cell boundary */
    s->b.rects[i][0] = n == 1 ? (W - w) / 2 + 3 : (i == 0 ? 5 : W - w - 5);
    s->b.rects[i][1] = n == 1 ? (H - h) / 2 + 3 : (i == 0 ? 3 : H - h - 3);
    s->b.rects[i][2] = w;
    s->b.rects[i][3] = h;
  }
  s->a.n_rects = 0;
}

static Scenario
flash_scenario (double hz)
{
  Scenario s;
  memset (&s, 0, sizeof (s));
  s.a = full (BLACK);
  s.b = full (WHITE);
  s.timing = TIMING_FLASH;
  s.hz = hz;
  s.t0 = 0.5;
  s.t1 = 3.5;
  s.duration = 4.5;
  return s;
}

#define FOR_EACH_RUN(cfg, rate)                                \
  for (size_t ci_ = 0; ci_ < N_CONFIGS; ci_++)                 \
    for (int ri_ = 0; ri_ < N_RATES; ri_++)                    \
      for (const Config *cfg = &configs[ci_]; cfg; cfg = NULL) \
        for (const Rate *rate = &rates[ri_]; rate; rate = NULL)

static const WsFlashIncident *
find_incident (const Outcome *o, WsFlashKind kind)
{
  for (size_t i = 0; i < o->n_incidents && i < 8; i++)
    if (o->incidents[i].kind == kind)
      return &o->incidents[i];
  return NULL;
}

static void
assert_fail_with_times (const Outcome *o, WsFlashKind kind, const Config *cfg,
    const Rate *rate)
{
  const WsFlashIncident *inc = find_incident (o, kind);
  const char *fmt = ws_flash_format_to_string (cfg->format);
  double fps = (double) rate->num / rate->den;

  ck_assert_msg (o->verdict == WS_FLASH_VERDICT_FAIL,
      "%s @ %.2f fps: verdict %s, expected fail", fmt, fps,
      ws_flash_verdict_to_string (o->verdict));
  ck_assert_msg (inc != NULL, "%s @ %.2f fps: no %s incident", fmt, fps,
      ws_flash_kind_to_string (kind));
  ck_assert_int_eq (inc->verdict, WS_FLASH_VERDICT_FAIL);
  ck_assert_msg (llabs (inc->start_ns - o->first_change_ns) <= o->frame_ns,
      "%s @ %.2f fps: start %lld, first change %lld", fmt, fps,
      (long long) inc->start_ns, (long long) o->first_change_ns);
  ck_assert_msg (llabs (inc->end_ns - o->last_change_ns) <= o->frame_ns,
      "%s @ %.2f fps: end %lld, last change %lld", fmt, fps,
      (long long) inc->end_ns, (long long) o->last_change_ns);
  ck_assert_double_gt (inc->peak_flash_rate, 3.0);
  ck_assert_double_gt (inc->peak_area, 0.25);
  ck_assert_double_gt (inc->peak_risk, 1.0);
}

static void
assert_not_fail (const Outcome *o, const Config *cfg, const Rate *rate)
{
  ck_assert_msg (o->verdict != WS_FLASH_VERDICT_FAIL,
      "%s @ %.2f fps: verdict fail (%zu incidents, first %s rate %.1f "
      "area %.3f)",
      ws_flash_format_to_string (cfg->format), (double) rate->num / rate->den,
      o->n_incidents,
      o->n_incidents ? ws_flash_kind_to_string (o->incidents[0].kind) : "-",
      o->n_incidents ? o->incidents[0].peak_flash_rate : 0.0,
      o->n_incidents ? o->incidents[0].peak_area : 0.0);
}

static void
assert_pass (const Outcome *o, const Config *cfg, const Rate *rate)
{
  assert_not_fail (o, cfg, rate);
  ck_assert_msg (o->verdict == WS_FLASH_VERDICT_PASS,
      "%s @ %.2f fps: verdict %s, expected pass",
      ws_flash_format_to_string (cfg->format), (double) rate->num / rate->den,
      ws_flash_verdict_to_string (o->verdict));
  ck_assert_uint_eq (o->n_incidents, 0);
}

/* ---- core: rate ------------------------------------------------------- */

START_TEST (test_flash_full_screen_5hz_fails)
{
  Scenario s = flash_scenario (5.0);
  FOR_EACH_RUN (cfg, rate)
  {
    Outcome o = run (&s, cfg, rate);
    assert_fail_with_times (&o, WS_FLASH_KIND_LUMINANCE, cfg, rate);
    ck_assert_uint_eq (o.n_incidents, 1);
    ck_assert_double_ge (o.incidents[0].peak_flash_rate, 4.5);
    ck_assert_double_le (o.incidents[0].peak_flash_rate, 5.5);
    ck_assert_double_eq_tol (o.incidents[0].peak_area, 1.0, 1e-9);
    ck_assert_int_eq (o.n_trace, o.n_frames);
    /* opened as a warning, raised to fail, closed at the end */
    ck_assert_int_eq (o.events[WS_FLASH_INCIDENT_STARTED], 1);
    ck_assert_int_eq (o.events[WS_FLASH_INCIDENT_ESCALATED], 1);
    ck_assert_int_eq (o.events[WS_FLASH_INCIDENT_ENDED], 1);
  }
}
END_TEST

START_TEST (test_flash_full_screen_2hz_passes)
{
  Scenario s = flash_scenario (2.0);
  FOR_EACH_RUN (cfg, rate)
  {
    Outcome o = run (&s, cfg, rate);
    assert_pass (&o, cfg, rate);
    ck_assert_double_lt (o.max_risk, 1.0);
    ck_assert_double_gt (o.max_risk, 0.5);
  }
}
END_TEST

START_TEST (test_flash_three_flashes_pass_four_fail)
{
  Scenario s = flash_scenario (5.0);
  s.timing = TIMING_COUNT;
  s.hz = 5.0;
  s.count = 3;
  FOR_EACH_RUN (cfg, rate)
  {
    Outcome o;
    s.count = 3;
    o = run (&s, cfg, rate);
    assert_not_fail (&o, cfg, rate);
    /* exactly at the limit over the whole screen: a warning */
    ck_assert_int_eq (o.verdict, WS_FLASH_VERDICT_WARN);
    ck_assert_double_eq_tol (o.max_risk, 1.0, 1e-9);
    s.count = 4;
    o = run (&s, cfg, rate);
    assert_fail_with_times (&o, WS_FLASH_KIND_LUMINANCE, cfg, rate);
  }
}
END_TEST

/* ---- core: area ------------------------------------------------------- */

START_TEST (test_flash_area_20_percent_passes)
{
  Scenario s = flash_scenario (5.0);
  regions (&s, 1, 0.20);
  FOR_EACH_RUN (cfg, rate)
  {
    Outcome o = run (&s, cfg, rate);
    assert_not_fail (&o, cfg, rate);
  }
}
END_TEST

START_TEST (test_flash_area_30_percent_fails)
{
  Scenario s = flash_scenario (5.0);
  regions (&s, 1, 0.30);
  FOR_EACH_RUN (cfg, rate)
  {
    Outcome o = run (&s, cfg, rate);
    assert_fail_with_times (&o, WS_FLASH_KIND_LUMINANCE, cfg, rate);
    ck_assert_double_lt (o.incidents[0].peak_area, 0.36);
  }
}
END_TEST

START_TEST (test_flash_two_15_percent_regions_fail)
{
  Scenario s = flash_scenario (5.0);
  regions (&s, 2, 0.15);
  FOR_EACH_RUN (cfg, rate)
  {
    Outcome o = run (&s, cfg, rate);
    assert_fail_with_times (&o, WS_FLASH_KIND_LUMINANCE, cfg, rate);
  }
}
END_TEST

START_TEST (test_flash_single_15_percent_region_passes)
{
  Scenario s = flash_scenario (5.0);
  regions (&s, 1, 0.15);
  FOR_EACH_RUN (cfg, rate)
  {
    Outcome o = run (&s, cfg, rate);
    assert_pass (&o, cfg, rate);
  }
}
END_TEST

/* ---- core: thresholds ------------------------------------------------- */

START_TEST (test_flash_bright_states_pass)
{
  /* 170 <-> 200 cd/m^2: 30 cd/m^2 apart but the darker state is above 160 */
  Scenario s = flash_scenario (5.0);
  double v = 1.055 * pow (0.85, 1.0 / 2.4) - 0.055 + 0.002;
  s.a = full ((const double[3]){ v, v, v });
  FOR_EACH_RUN (cfg, rate)
  {
    Outcome o = run (&s, cfg, rate);
    assert_pass (&o, cfg, rate);
  }
}
END_TEST

START_TEST (test_flash_dim_small_changes_pass)
{
  /* 0 <-> 15 cd/m^2: below the 20 cd/m^2 step */
  Scenario s = flash_scenario (5.0);
  double v = 1.055 * pow (0.075, 1.0 / 2.4) - 0.055;
  s.b = full ((const double[3]){ v, v, v });
  FOR_EACH_RUN (cfg, rate)
  {
    Outcome o = run (&s, cfg, rate);
    assert_pass (&o, cfg, rate);
  }
}
END_TEST

START_TEST (test_flash_red_fails_as_red)
{
  Scenario s = flash_scenario (5.0);
  s.b = full (RED);
  FOR_EACH_RUN (cfg, rate)
  {
    Outcome o = run (&s, cfg, rate);
    const WsFlashIncident *red = find_incident (&o, WS_FLASH_KIND_RED);
    assert_fail_with_times (&o, WS_FLASH_KIND_RED, cfg, rate);
    ck_assert_ptr_nonnull (red);
    ck_assert_double_ge (red->peak_flash_rate, 4.5);
    /* red is 42.5 cd/m^2 on the 200 cd/m^2 display: a luminance flash too */
    ck_assert_ptr_nonnull (find_incident (&o, WS_FLASH_KIND_LUMINANCE));
  }
}
END_TEST

START_TEST (test_flash_dark_red_is_not_red_flash)
{
  /* a dim desaturated red: neither a red nor a luminance flash */
  Scenario s = flash_scenario (5.0);
  s.b = full ((const double[3]){ 0.3, 0.2, 0.2 });
  FOR_EACH_RUN (cfg, rate)
  {
    Outcome o = run (&s, cfg, rate);
    assert_pass (&o, cfg, rate);
  }
}
END_TEST

START_TEST (test_flash_fade_and_cuts_pass)
{
  Scenario s = flash_scenario (1.0);
  s.timing = TIMING_FADE;
  s.t0 = 0.5;
  s.t1 = 2.5;
  s.duration = 3.0;
  FOR_EACH_RUN (cfg, rate)
  {
    Outcome o = run (&s, cfg, rate);
    assert_pass (&o, cfg, rate);
  }
  s.timing = TIMING_CUTS;
  s.hz = 1.0 / 1.5;
  s.duration = 7.0;
  FOR_EACH_RUN (cfg, rate)
  {
    Outcome o = run (&s, cfg, rate);
    assert_pass (&o, cfg, rate);
  }
}
END_TEST

START_TEST (test_flash_extended_flashing_warns)
{
  Scenario s = flash_scenario (2.0);
  s.t1 = 9.5;
  s.duration = 10.0;
  for (int ri = 0; ri < N_RATES; ri++) {
    Outcome o = run (&s, &configs[0], &rates[ri]);
    const WsFlashIncident *inc = find_incident (&o, WS_FLASH_KIND_LUMINANCE);
    ck_assert_int_eq (o.verdict, WS_FLASH_VERDICT_WARN);
    ck_assert_ptr_nonnull (inc);
    ck_assert_int_ne (inc->extended, 0);
    /* dated back to the first near-limit frame (4 transitions seen) */
    ck_assert_int_ge (inc->start_ns, (int64_t) (1.0e9));
    ck_assert_int_le (inc->start_ns, (int64_t) (1.5e9));
  }
}
END_TEST

START_TEST (test_flash_extended_can_fail)
{
  Scenario s = flash_scenario (2.0);
  WsFlashParams p;
  WsFlash *f;
  Image a, b;
  WsFlashVerdict v;

  s.t1 = 9.5;
  ws_flash_params_init (&p);
  p.extended_is_failure = 1;
  ck_assert_int_eq (ws_flash_new (&f, W, H, WS_FLASH_FORMAT_I420,
                        WS_FLASH_RANGE_LIMITED, WS_FLASH_MATRIX_BT709, &p),
      WS_RESULT_OK);
  render (&configs[0], &s.a, &a);
  render (&configs[0], &s.b, &b);
  for (int i = 0; i < 250; i++) {
    WsFlashFrame fr = mix_at (&s, i / 25.0) > 0 ? b.frame : a.frame;
    fr.pts_ns = (int64_t) i * 40000000;
    ck_assert_int_eq (ws_flash_push_frame (f, &fr), WS_RESULT_OK);
  }
  ck_assert_int_eq (ws_flash_get_verdict (f, &v), WS_RESULT_OK);
  ck_assert_int_eq (v, WS_FLASH_VERDICT_FAIL);
  ws_flash_free (f);
  free (a.buf);
  free (b.buf);
}
END_TEST

/* Flashing at 5 Hz in [a0, a1) and [b0, b1) (seconds), 25 fps I420. */
static size_t
two_bursts (double a0, double a1, double b0, double b1, WsFlashIncident *out)
{
  Scenario s = flash_scenario (5.0);
  WsFlash *f;
  Image a, b;
  const WsFlashIncident *inc;
  size_t n;

  ck_assert_int_eq (ws_flash_new (&f, W, H, WS_FLASH_FORMAT_I420,
                        WS_FLASH_RANGE_LIMITED, WS_FLASH_MATRIX_BT709, NULL),
      WS_RESULT_OK);
  render (&configs[0], &s.a, &a);
  render (&configs[0], &s.b, &b);
  for (int i = 0; i < (int) ((b1 + 2.0) * 25); i++) {
    double t = i / 25.0;
    int on = 0;
    WsFlashFrame fr;
    if (t >= a0 && t < a1)
      on = (int) floor ((t - a0) * 10.0 + 1e-9) % 2 == 0;
    if (t >= b0 && t < b1)
      on = (int) floor ((t - b0) * 10.0 + 1e-9) % 2 == 0;
    fr = on ? b.frame : a.frame;
    fr.pts_ns = (int64_t) i * 40000000;
    ck_assert_int_eq (ws_flash_push_frame (f, &fr), WS_RESULT_OK);
  }
  ck_assert_int_eq (ws_flash_finish (f), WS_RESULT_OK);
  ck_assert_int_eq (ws_flash_get_incidents (f, &inc, &n), WS_RESULT_OK);
  for (size_t i = 0; i < n && i < 2; i++)
    out[i] = inc[i];
  ws_flash_free (f);
  free (a.buf);
  free (b.buf);
  return n;
}

START_TEST (test_flash_incidents_merge_short_gaps)
{
  WsFlashIncident inc[2];

  /* a 0.3 s lull: one incident over both bursts */
  ck_assert_uint_eq (two_bursts (0.5, 2.0, 2.3, 3.5, inc), 1);
  ck_assert_int_eq (inc[0].start_ns, 520000000);
  ck_assert_int_le (llabs (inc[0].end_ns - INT64_C (3400000000)), 40000000);
  /* 3 s apart: two incidents */
  ck_assert_uint_eq (two_bursts (0.5, 2.0, 5.0, 6.5, inc), 2);
  ck_assert_int_le (llabs (inc[0].end_ns - INT64_C (2000000000)), 40000000);
  ck_assert_int_le (llabs (inc[1].start_ns - INT64_C (5000000000)), 40000000);
  ck_assert_int_eq (inc[1].verdict, WS_FLASH_VERDICT_FAIL);
}
END_TEST

/* ---- luminance model -------------------------------------------------- */

static double
frame_luminance (const Config *cfg, const Look *look)
{
  WsFlash *f;
  Image img;
  WsFlashFrameInfo info;
  render (cfg, look, &img);
  ck_assert_int_eq (ws_flash_new (&f, W, H, cfg->format, cfg->range,
                        cfg->matrix, NULL),
      WS_RESULT_OK);
  img.frame.pts_ns = 0;
  ck_assert_int_eq (ws_flash_push_frame (f, &img.frame), WS_RESULT_OK);
  ck_assert_int_eq (ws_flash_get_frame_info (f, &info), WS_RESULT_OK);
  ws_flash_free (f);
  free (img.buf);
  return info.luminance_cd_m2;
}

START_TEST (test_flash_luminance_of_uniform_colours)
{
  /* saturated colours: luma is not luminance; the cell colour is */
  for (size_t ci = 0; ci < N_CONFIGS; ci++) {
    const Config *cfg = &configs[ci];
    double tol = bits_of (cfg->format) == 10 ? 0.5 : 1.5;
    ck_assert_double_eq_tol (frame_luminance (cfg,
                                 &(Look){ .bg = { 1, 1, 1 } }),
        200.0, tol);
    ck_assert_double_eq_tol (frame_luminance (cfg,
                                 &(Look){ .bg = { 0, 0, 0 } }),
        0.0, 0.1);
    ck_assert_double_eq_tol (frame_luminance (cfg,
                                 &(Look){ .bg = { 1, 0, 0 } }),
        0.2126 * 200.0, tol);
    ck_assert_double_eq_tol (frame_luminance (cfg,
                                 &(Look){ .bg = { 0, 0, 1 } }),
        0.0722 * 200.0, tol);
    ck_assert_double_eq_tol (frame_luminance (cfg,
                                 &(Look){ .bg = { 0, 1, 0 } }),
        0.7152 * 200.0, tol);
  }
}
END_TEST

START_TEST (test_flash_luminance_of_mixed_neutral_cells)
{
  /* 2-pixel black/white stripes: mean linear light is 100 cd/m^2, while
   * converting the mean Y' would give about 43 cd/m^2 */
  for (size_t ci = 0; ci < N_CONFIGS; ci++) {
    double l = frame_luminance (&configs[ci], &(Look){ .stripes = 1 });
    ck_assert_double_eq_tol (l, 100.0, 2.0);
  }
}
END_TEST

START_TEST (test_flash_gamma24_eotf)
{
  WsFlashParams p;
  WsFlash *f;
  Image img;
  WsFlashFrameInfo info;
  Look grey = full ((const double[3]){ 0.5, 0.5, 0.5 });
  ws_flash_params_init (&p);
  p.eotf = WS_FLASH_EOTF_GAMMA24;
  render (&configs[5], &grey, &img);
  ck_assert_int_eq (ws_flash_new (&f, W, H, WS_FLASH_FORMAT_BGRX,
                        WS_FLASH_RANGE_FULL, WS_FLASH_MATRIX_BT709, &p),
      WS_RESULT_OK);
  ck_assert_int_eq (ws_flash_push_frame (f, &img.frame), WS_RESULT_OK);
  ck_assert_int_eq (ws_flash_get_frame_info (f, &info), WS_RESULT_OK);
  ck_assert_double_eq_tol (info.luminance_cd_m2,
      200.0 * pow (128.0 / 255.0, 2.4), 0.2);
  ws_flash_free (f);
  free (img.buf);
}
END_TEST

/* ---- errors ----------------------------------------------------------- */

START_TEST (test_flash_new_rejects_bad_arguments)
{
  WsFlash *f = (WsFlash *) (uintptr_t) 1;
  WsFlashParams p;
  const WsFlashFormat fmt = WS_FLASH_FORMAT_I420;
  const WsFlashRange rg = WS_FLASH_RANGE_LIMITED;
  const WsFlashMatrix mx = WS_FLASH_MATRIX_BT709;

  ck_assert_int_eq (ws_flash_new (NULL, W, H, fmt, rg, mx, NULL),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_flash_new (&f, 0, H, fmt, rg, mx, NULL),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_flash_new (&f, W, 0, fmt, rg, mx, NULL),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_flash_new (&f, -4, H, fmt, rg, mx, NULL),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_flash_new (&f, 16385, H, fmt, rg, mx, NULL),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_flash_new (&f, W, 20000, fmt, rg, mx, NULL),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_flash_new (&f, W, H, fmt, (WsFlashRange) 7, mx, NULL),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_flash_new (&f, W, H, fmt, rg, (WsFlashMatrix) 9, NULL),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_flash_new (&f, W, H, WS_FLASH_FORMAT_UNKNOWN, rg, mx,
                        NULL),
      WS_RESULT_UNSUPPORTED_FORMAT);
  ck_assert_int_eq (ws_flash_new (&f, W, H, WS_FLASH_FORMAT_LAST, rg, mx, NULL),
      WS_RESULT_UNSUPPORTED_FORMAT);
  ck_assert_int_eq (ws_flash_new (&f, W, H, (WsFlashFormat) 999, rg, mx, NULL),
      WS_RESULT_UNSUPPORTED_FORMAT);
  ws_flash_params_init (&p);
  p.area_limit = 0.0;
  ck_assert_int_eq (ws_flash_new (&f, W, H, fmt, rg, mx, &p),
      WS_RESULT_INVALID_ARGUMENT);
  ws_flash_params_init (&p);
  p.sample_step = -1;
  ck_assert_int_eq (ws_flash_new (&f, W, H, fmt, rg, mx, &p),
      WS_RESULT_INVALID_ARGUMENT);
  p.sample_step = 17;
  ck_assert_int_eq (ws_flash_new (&f, W, H, fmt, rg, mx, &p),
      WS_RESULT_INVALID_ARGUMENT);
  ws_flash_params_init (&p);
  p.flash_delta_cd_m2 = -1.0;
  ck_assert_int_eq (ws_flash_new (&f, W, H, fmt, rg, mx, &p),
      WS_RESULT_INVALID_ARGUMENT);
  /* untouched on error */
  ck_assert_ptr_eq (f, (WsFlash *) (uintptr_t) 1);
  ws_flash_free (NULL);
}
END_TEST

START_TEST (test_flash_push_rejects_bad_frames)
{
  WsFlash *f;
  Image img;
  WsFlashFrame fr;
  WsFlashVerdict v = WS_FLASH_VERDICT_FAIL;
  WsFlashFrameInfo info;
  const WsFlashIncident *inc;
  size_t n;

  render (&configs[0], &(Look){ .bg = { 0.5, 0.5, 0.5 } }, &img);
  ck_assert_int_eq (ws_flash_new (&f, W, H, WS_FLASH_FORMAT_I420,
                        WS_FLASH_RANGE_LIMITED, WS_FLASH_MATRIX_BT709, NULL),
      WS_RESULT_OK);
  ck_assert_int_eq (ws_flash_get_verdict (f, &v), WS_RESULT_NO_DATA);
  ck_assert_int_eq (v, WS_FLASH_VERDICT_FAIL);
  ck_assert_int_eq (ws_flash_get_frame_info (f, &info), WS_RESULT_NO_DATA);
  ck_assert_int_eq (ws_flash_push_frame (f, NULL), WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_flash_push_frame (NULL, &img.frame),
      WS_RESULT_INVALID_ARGUMENT);

  fr = img.frame;
  fr.strides[0] = W - 1;
  ck_assert_int_eq (ws_flash_push_frame (f, &fr), WS_RESULT_INVALID_ARGUMENT);
  fr = img.frame;
  fr.strides[2] = W / 2 - 1;
  ck_assert_int_eq (ws_flash_push_frame (f, &fr), WS_RESULT_INVALID_ARGUMENT);
  fr = img.frame;
  fr.planes[1] = NULL;
  ck_assert_int_eq (ws_flash_push_frame (f, &fr), WS_RESULT_INVALID_ARGUMENT);
  fr = img.frame;
  fr.width = W + 2;
  ck_assert_int_eq (ws_flash_push_frame (f, &fr), WS_RESULT_INVALID_ARGUMENT);
  fr = img.frame;
  fr.format = WS_FLASH_FORMAT_NV12;
  ck_assert_int_eq (ws_flash_push_frame (f, &fr), WS_RESULT_INVALID_ARGUMENT);

  fr = img.frame;
  fr.pts_ns = 1000;
  ck_assert_int_eq (ws_flash_push_frame (f, &fr), WS_RESULT_OK);
  ck_assert_int_eq (ws_flash_push_frame (f, &fr), WS_RESULT_INVALID_ARGUMENT);
  fr.pts_ns = 999;
  ck_assert_int_eq (ws_flash_push_frame (f, &fr), WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_flash_get_verdict (f, &v), WS_RESULT_OK);
  ck_assert_int_eq (v, WS_FLASH_VERDICT_PASS);
  ck_assert_int_eq (ws_flash_get_incidents (f, &inc, &n), WS_RESULT_OK);
  ck_assert_uint_eq (n, 0);
  ck_assert_ptr_null (inc);
  ck_assert_int_eq (ws_flash_get_incidents (f, NULL, &n),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_flash_finish (f), WS_RESULT_OK);
  fr.pts_ns = 50000000;
  ck_assert_int_eq (ws_flash_push_frame (f, &fr), WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_flash_finish (NULL), WS_RESULT_INVALID_ARGUMENT);
  ws_flash_free (f);
  free (img.buf);
}
END_TEST

START_TEST (test_flash_small_and_odd_sizes)
{
  /* odd sizes, tiny frames: every format reads only inside its planes (run
   * under ASan) */
  static const int sizes[][2] = { { 2, 2 }, { 3, 5 }, { 17, 9 }, { 101, 57 } };
  for (size_t si = 0; si < 4; si++) {
    for (int fmt = WS_FLASH_FORMAT_I420; fmt < WS_FLASH_FORMAT_LAST; fmt++) {
      int w = sizes[si][0], h = sizes[si][1];
      size_t stride = (size_t) w * 4 + 1;
      size_t rows = (size_t) h;
      uint8_t *buf[3];
      WsFlash *f;
      WsFlashFrame fr;
      memset (&fr, 0, sizeof (fr));
      for (int p = 0; p < 3; p++) {
        buf[p] = malloc (stride * rows);
        ck_assert_ptr_nonnull (buf[p]);
        memset (buf[p], 0xff, stride * rows);
        fr.planes[p] = buf[p];
        fr.strides[p] = stride;
      }
      ck_assert_int_eq (ws_flash_new (&f, w, h, (WsFlashFormat) fmt,
                            WS_FLASH_RANGE_FULL, WS_FLASH_MATRIX_BT601, NULL),
          WS_RESULT_OK);
      fr.width = w;
      fr.height = h;
      fr.format = (WsFlashFormat) fmt;
      for (int i = 0; i < 3; i++) {
        fr.pts_ns = i;
        ck_assert_int_eq (ws_flash_push_frame (f, &fr), WS_RESULT_OK);
      }
      ws_flash_free (f);
      for (int p = 0; p < 3; p++)
        free (buf[p]);
    }
  }
}
END_TEST

START_TEST (test_flash_grid_follows_aspect)
{
  WsFlash *f;
  int cols, rows;
  ck_assert_int_eq (ws_flash_new (&f, 1920, 1080, WS_FLASH_FORMAT_I420,
                        WS_FLASH_RANGE_LIMITED, WS_FLASH_MATRIX_BT709, NULL),
      WS_RESULT_OK);
  ck_assert_int_eq (ws_flash_get_grid (f, &cols, &rows), WS_RESULT_OK);
  ck_assert_int_eq (cols, 96);
  ck_assert_int_eq (rows, 54);
  ws_flash_free (f);
  ck_assert_int_eq (ws_flash_get_grid (NULL, &cols, &rows),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_str_eq (ws_flash_format_to_string (WS_FLASH_FORMAT_P010),
      "P010_10LE");
  ck_assert_str_eq (ws_flash_format_to_string ((WsFlashFormat) 77), "unknown");
  ck_assert_str_eq (ws_flash_kind_to_string (WS_FLASH_KIND_RED), "red");
  ck_assert_str_eq (ws_flash_verdict_to_string (WS_FLASH_VERDICT_WARN), "warn");
}
END_TEST

static Suite *
flash_suite (void)
{
  Suite *s = suite_create ("flash");
  TCase *rate = tcase_create ("rate");
  TCase *area = tcase_create ("area");
  TCase *thresholds = tcase_create ("thresholds");
  TCase *model = tcase_create ("model");
  TCase *errors = tcase_create ("errors");

  tcase_add_test (rate, test_flash_full_screen_5hz_fails);
  tcase_add_test (rate, test_flash_full_screen_2hz_passes);
  tcase_add_test (rate, test_flash_three_flashes_pass_four_fail);
  tcase_add_test (rate, test_flash_extended_flashing_warns);
  tcase_add_test (rate, test_flash_extended_can_fail);
  tcase_add_test (rate, test_flash_incidents_merge_short_gaps);
  suite_add_tcase (s, rate);

  tcase_add_test (area, test_flash_area_20_percent_passes);
  tcase_add_test (area, test_flash_area_30_percent_fails);
  tcase_add_test (area, test_flash_two_15_percent_regions_fail);
  tcase_add_test (area, test_flash_single_15_percent_region_passes);
  suite_add_tcase (s, area);

  tcase_add_test (thresholds, test_flash_bright_states_pass);
  tcase_add_test (thresholds, test_flash_dim_small_changes_pass);
  tcase_add_test (thresholds, test_flash_red_fails_as_red);
  tcase_add_test (thresholds, test_flash_dark_red_is_not_red_flash);
  tcase_add_test (thresholds, test_flash_fade_and_cuts_pass);
  suite_add_tcase (s, thresholds);

  tcase_add_test (model, test_flash_luminance_of_uniform_colours);
  tcase_add_test (model, test_flash_luminance_of_mixed_neutral_cells);
  tcase_add_test (model, test_flash_gamma24_eotf);
  tcase_add_test (model, test_flash_grid_follows_aspect);
  suite_add_tcase (s, model);

  tcase_add_test (errors, test_flash_new_rejects_bad_arguments);
  tcase_add_test (errors, test_flash_push_rejects_bad_frames);
  tcase_add_test (errors, test_flash_small_and_odd_sizes);
  suite_add_tcase (s, errors);

  /* hundreds of generated clips per test; slow under sanitizers */
  tcase_set_timeout (rate, 300);
  tcase_set_timeout (area, 300);
  tcase_set_timeout (thresholds, 300);
  tcase_set_timeout (model, 300);
  tcase_set_timeout (errors, 300);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (flash_suite ());
  int failed;
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
