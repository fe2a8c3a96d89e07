/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* check tests for filters/ws-flash in HDR: BT.2100 PQ and HLG frames built
 * here at 10 and 12 bits (limited and full range, BT.2020 matrix), flashing
 * between known absolute luminances, judged by ITU-R BT.1702-3's rule in
 * cd/m^2: a flash is a pair of opposing changes of at least 20 cd/m^2 whose
 * darker state is below 160 cd/m^2. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ws-flash.h"
#include "ws-test-video.h"

#define W 192
#define H 108
#define FPS 25

/* ---- signal encoding (the inverse of what the core does) ---------------- */

static double
hlg_encode (double cd_m2, double lw)
{
  return ws_test_hlg_encode (cd_m2, lw, ws_flash_hlg_system_gamma (lw));
}

/* sRGB inverse EOTF for a 200 cd/m^2 SDR display. */
static double
srgb_encode (double cd_m2)
{
  double v = fmin (cd_m2 / 200.0, 1.0);
  return v <= 0.0031308 ? v * 12.92 : 1.055 * pow (v, 1.0 / 2.4) - 0.055;
}

/* ---- frames --------------------------------------------------------------- */

typedef struct {
  WsFlashFormat format;
  WsFlashRange range;
} Layout;

static const Layout layouts[] = {
  { WS_FLASH_FORMAT_I420_10LE, WS_FLASH_RANGE_LIMITED },
  { WS_FLASH_FORMAT_P010, WS_FLASH_RANGE_LIMITED },
  { WS_FLASH_FORMAT_I422_10LE, WS_FLASH_RANGE_FULL },
  { WS_FLASH_FORMAT_Y444_10LE, WS_FLASH_RANGE_LIMITED },
  { WS_FLASH_FORMAT_I420_12LE, WS_FLASH_RANGE_FULL },
  { WS_FLASH_FORMAT_I422_12LE, WS_FLASH_RANGE_LIMITED },
  { WS_FLASH_FORMAT_Y444_12LE, WS_FLASH_RANGE_FULL },
  { WS_FLASH_FORMAT_P012, WS_FLASH_RANGE_LIMITED },
};

#define N_LAYOUTS (sizeof (layouts) / sizeof (layouts[0]))

typedef struct {
  uint8_t *buf;
  WsFlashFrame frame;
} Image;

static void
put16 (uint8_t *p, unsigned v)
{
  p[0] = (uint8_t) (v & 0xff);
  p[1] = (uint8_t) (v >> 8);
}

/* A frame of @layout: R'G'B' @fg (0..1 signal) over the left @share of the
 * picture, @bg elsewhere, through the BT.2020 non-constant luminance
 * matrix. Unused high (or low, for P01x) bits are set to garbage, which
 * the core must ignore. */
static void
render (const Layout *lay, const double fg[3], const double bg[3], double share,
    Image *img)
{
  const double kr = 0.2627, kb = 0.0593;
  int bits = ws_flash_format_bit_depth (lay->format);
  int semi = lay->format == WS_FLASH_FORMAT_P010 ||
             lay->format == WS_FLASH_FORMAT_P012;
  int hs = lay->format == WS_FLASH_FORMAT_Y444_10LE ||
                   lay->format == WS_FLASH_FORMAT_Y444_12LE ?
               0 :
               1;
  int vs = lay->format == WS_FLASH_FORMAT_I420_10LE ||
           lay->format == WS_FLASH_FORMAT_I420_12LE || semi;
  int cw = (W + hs) >> hs, ch = (H + vs) >> vs;
  size_t ys = 2 * W + 16;
  size_t cs = semi ? 4 * (size_t) cw + 8 : 2 * (size_t) cw + 8;
  size_t ysize = ys * H, csize = cs * ch;
  int edge = (int) lrint (share * W);
  unsigned codes[2][3];
  const double *cols[2] = { bg, fg };
  unsigned garbage = semi ? 0x5u : 0xa000u;

  for (int i = 0; i < 2; i++) {
    const double *c = cols[i];
    double y = kr * c[0] + (1.0 - kr - kb) * c[1] + kb * c[2];
    codes[i][0] = ws_test_quant (y, bits, lay->range == WS_FLASH_RANGE_FULL, 0);
    codes[i][1] = ws_test_quant ((c[2] - y) / (2.0 * (1.0 - kb)), bits,
        lay->range == WS_FLASH_RANGE_FULL, 1);
    codes[i][2] = ws_test_quant ((c[0] - y) / (2.0 * (1.0 - kr)), bits,
        lay->range == WS_FLASH_RANGE_FULL, 1);
    for (int j = 0; j < 3; j++) {
      if (semi)
        codes[i][j] = (codes[i][j] << (16 - bits)) | (garbage >> (bits - 10));
      else
        codes[i][j] |= garbage & ~((1u << bits) - 1u);
    }
  }
  img->buf = calloc (1, ysize + 2 * csize);
  ck_assert_ptr_nonnull (img->buf);
  memset (&img->frame, 0, sizeof (img->frame));
  img->frame.width = W;
  img->frame.height = H;
  img->frame.format = lay->format;
  img->frame.planes[0] = img->buf;
  img->frame.strides[0] = ys;
  img->frame.planes[1] = img->buf + ysize;
  img->frame.strides[1] = cs;
  if (!semi) {
    img->frame.planes[2] = img->buf + ysize + csize;
    img->frame.strides[2] = cs;
  }
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      put16 (img->buf + y * ys + 2 * x, codes[x < edge][0]);
  for (int y = 0; y < ch; y++)
    for (int x = 0; x < cw; x++) {
      int in = (x << hs) < edge;
      if (semi) {
        put16 (img->buf + ysize + y * cs + 4 * x, codes[in][1]);
        put16 (img->buf + ysize + y * cs + 4 * x + 2, codes[in][2]);
      } else {
        put16 (img->buf + ysize + y * cs + 2 * x, codes[in][1]);
        put16 (img->buf + ysize + csize + y * cs + 2 * x, codes[in][2]);
      }
    }
}

static void
grey (double v, double out[3])
{
  out[0] = out[1] = out[2] = v;
}

/* ---- running the core ------------------------------------------------------ */

typedef struct {
  WsFlashVerdict verdict;
  size_t n_incidents;
  WsFlashKind first_kind;
  double mean_cd_m2[2]; /* frame luminance of state 0 and 1 */
} Outcome;

static WsFlash *
new_flash (const Layout *lay, WsFlashEotf eotf, double hlg_peak)
{
  WsFlash *f = NULL;
  WsFlashParams p;

  ws_flash_params_init (&p);
  p.eotf = eotf;
  p.primaries = WS_FLASH_PRIMARIES_BT2020;
  p.hlg_peak_cd_m2 = hlg_peak;
  ck_assert_int_eq (ws_flash_new (&f, W, H, lay->format, lay->range,
                        WS_FLASH_MATRIX_BT2020, &p),
      WS_RESULT_OK);
  return f;
}

/* 3 s at 25 fps alternating between the two images every @hold frames
 * (hold 2: 6.25 flashes per second). */
static Outcome
run_images (WsFlash *f, Image img[2], int hold)
{
  Outcome o;
  const WsFlashIncident *inc = NULL;
  WsFlashFrameInfo info;

  memset (&o, 0, sizeof (o));
  for (int n = 0; n < 3 * FPS; n++) {
    int st = (n / hold) % 2;
    img[st].frame.pts_ns = (int64_t) n * 1000000000 / FPS;
    ck_assert_int_eq (ws_flash_push_frame (f, &img[st].frame), WS_RESULT_OK);
    ck_assert_int_eq (ws_flash_get_frame_info (f, &info), WS_RESULT_OK);
    o.mean_cd_m2[st] = info.luminance_cd_m2;
  }
  ck_assert_int_eq (ws_flash_finish (f), WS_RESULT_OK);
  ck_assert_int_eq (ws_flash_get_verdict (f, &o.verdict), WS_RESULT_OK);
  ck_assert_int_eq (ws_flash_get_incidents (f, &inc, &o.n_incidents),
      WS_RESULT_OK);
  if (o.n_incidents > 0)
    o.first_kind = inc[0].kind;
  return o;
}

/* Full-screen neutral flash between two display luminances. */
static Outcome
run_flash (const Layout *lay, WsFlashEotf eotf, double hlg_peak,
    double dark_cd_m2, double bright_cd_m2)
{
  WsFlash *f = new_flash (lay, eotf, hlg_peak);
  Image img[2];
  double c[2][3];
  Outcome o;
  double lv[2] = { dark_cd_m2, bright_cd_m2 };

  for (int i = 0; i < 2; i++) {
    grey (eotf == WS_FLASH_EOTF_PQ ? ws_test_pq_encode (lv[i]) :
                                     hlg_encode (lv[i], hlg_peak),
        c[i]);
    render (lay, c[i], c[i], 1.0, &img[i]);
  }
  o = run_images (f, img, 2);
  free (img[0].buf);
  free (img[1].buf);
  ws_flash_free (f);
  return o;
}

/* The same light on an 8-bit SDR BT.709 display of 200 cd/m^2. */
static Outcome
run_flash_sdr (double dark_cd_m2, double bright_cd_m2)
{
  WsFlash *f = NULL;
  const int w = 160, h = 90;
  uint8_t *buf[2];
  WsFlashFrame fr[2];
  Outcome o;
  const WsFlashIncident *inc;
  double lv[2] = { dark_cd_m2, bright_cd_m2 };

  memset (&o, 0, sizeof (o));
  ck_assert_int_eq (ws_flash_new (&f, w, h, WS_FLASH_FORMAT_RGB,
                        WS_FLASH_RANGE_FULL, WS_FLASH_MATRIX_BT709, NULL),
      WS_RESULT_OK);
  for (int i = 0; i < 2; i++) {
    buf[i] = malloc ((size_t) w * h * 3);
    ck_assert_ptr_nonnull (buf[i]);
    memset (buf[i], (int) lrint (srgb_encode (lv[i]) * 255.0),
        (size_t) w * h * 3);
    memset (&fr[i], 0, sizeof (fr[i]));
    fr[i].planes[0] = buf[i];
    fr[i].strides[0] = (size_t) w * 3;
    fr[i].width = w;
    fr[i].height = h;
    fr[i].format = WS_FLASH_FORMAT_RGB;
  }
  for (int n = 0; n < 3 * FPS; n++) {
    WsFlashFrame *x = &fr[(n / 2) % 2];
    x->pts_ns = (int64_t) n * 1000000000 / FPS;
    ck_assert_int_eq (ws_flash_push_frame (f, x), WS_RESULT_OK);
  }
  ws_flash_finish (f);
  ws_flash_get_verdict (f, &o.verdict);
  ws_flash_get_incidents (f, &inc, &o.n_incidents);
  ws_flash_free (f);
  free (buf[0]);
  free (buf[1]);
  return o;
}

/* ---- tests ----------------------------------------------------------------- */

/* Reference points of BT.2408: PQ 58 % and HLG 75 % (L_W 1000) are HDR
 * reference white, 203 cd/m^2; HLG 75 % on a 2000 cd/m^2 display is
 * 2000 * 0.2650^1.3264. */
START_TEST (test_flash_hdr_reference_white)
{
  const Layout *lay = &layouts[_i];
  struct {
    WsFlashEotf eotf;
    double lw;
    double signal;
    double expect;
  } cases[] = {
    { WS_FLASH_EOTF_PQ, 1000.0, 0.58, 203.0 },
    { WS_FLASH_EOTF_PQ, 1000.0, 0.0, 0.0 },
    { WS_FLASH_EOTF_PQ, 1000.0, 1.0, 10000.0 },
    { WS_FLASH_EOTF_HLG, 1000.0, 0.75, 203.0 },
    { WS_FLASH_EOTF_HLG, 1000.0, 1.0, 1000.0 },
    { WS_FLASH_EOTF_HLG, 2000.0, 0.75, 343.6 },
    { WS_FLASH_EOTF_HLG, 400.0, 0.75, 400.0 * pow (0.26496, 1.0329) },
  };

  for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++) {
    WsFlash *f = new_flash (lay, cases[i].eotf, cases[i].lw);
    Image img;
    double c[3];
    WsFlashFrameInfo info;

    grey (cases[i].signal, c);
    render (lay, c, c, 1.0, &img);
    img.frame.pts_ns = 0;
    ck_assert_int_eq (ws_flash_push_frame (f, &img.frame), WS_RESULT_OK);
    ck_assert_int_eq (ws_flash_get_frame_info (f, &info), WS_RESULT_OK);
    /* within 1.5 % (quantisation of the code at 10 bits) and 0.5 cd/m^2 */
    ck_assert_double_eq_tol (info.luminance_cd_m2, cases[i].expect,
        0.015 * cases[i].expect + 0.5);
    free (img.buf);
    ws_flash_free (f);
  }
}
END_TEST

/* A uniform colour: BT.2020 luminance of the PQ-decoded components. */
START_TEST (test_flash_hdr_colour_luminance)
{
  const Layout *lay = &layouts[_i];
  const double sig[3] = { 0.62, 0.45, 0.30 };
  const double kl[3] = { 0.2627, 0.6780, 0.0593 };
  WsFlash *f = new_flash (lay, WS_FLASH_EOTF_PQ, 1000.0);
  Image img;
  WsFlashFrameInfo info;
  double expect = 0.0;

  for (int i = 0; i < 3; i++) {
    /* the pure ST 2084 EOTF, independent of the core */
    double e = pow (sig[i], 1.0 / 78.84375);
    expect += kl[i] * 10000.0 *
              pow (fmax (e - 0.8359375, 0.0) / (18.8515625 - 18.6875 * e),
                  1.0 / 0.1593017578125);
  }
  render (lay, sig, sig, 1.0, &img);
  img.frame.pts_ns = 0;
  ck_assert_int_eq (ws_flash_push_frame (f, &img.frame), WS_RESULT_OK);
  ck_assert_int_eq (ws_flash_get_frame_info (f, &info), WS_RESULT_OK);
  ck_assert_double_eq_tol (info.luminance_cd_m2, expect, 0.03 * expect);
  free (img.buf);
  ws_flash_free (f);
}
END_TEST

/* 20 cd/m^2: 100 <-> 116 passes, 100 <-> 124 fails; PQ and HLG alike. */
START_TEST (test_flash_hdr_change_threshold)
{
  const Layout *lay = &layouts[_i];
  WsFlashEotf eotfs[2] = { WS_FLASH_EOTF_PQ, WS_FLASH_EOTF_HLG };

  for (int e = 0; e < 2; e++) {
    Outcome small = run_flash (lay, eotfs[e], 1000.0, 100.0, 116.0);
    Outcome big = run_flash (lay, eotfs[e], 1000.0, 100.0, 124.0);

    ck_assert_double_eq_tol (small.mean_cd_m2[0], 100.0, 1.5);
    ck_assert_double_eq_tol (small.mean_cd_m2[1], 116.0, 1.8);
    ck_assert_int_eq (small.verdict, WS_FLASH_VERDICT_PASS);
    ck_assert_uint_eq (small.n_incidents, 0);
    ck_assert_int_eq (big.verdict, WS_FLASH_VERDICT_FAIL);
    ck_assert_uint_eq (big.n_incidents, 1);
    ck_assert_int_eq (big.first_kind, WS_FLASH_KIND_LUMINANCE);
  }
}
END_TEST

/* The darker state: 150 <-> 400 fails, 175 <-> 400 passes (however large
 * the change), in PQ and HLG. */
START_TEST (test_flash_hdr_dark_limit)
{
  const Layout *lay = &layouts[_i];
  WsFlashEotf eotfs[2] = { WS_FLASH_EOTF_PQ, WS_FLASH_EOTF_HLG };

  for (int e = 0; e < 2; e++) {
    Outcome below = run_flash (lay, eotfs[e], 1000.0, 150.0, 400.0);
    Outcome above = run_flash (lay, eotfs[e], 1000.0, 175.0, 400.0);

    ck_assert_int_eq (below.verdict, WS_FLASH_VERDICT_FAIL);
    ck_assert_int_eq (above.verdict, WS_FLASH_VERDICT_PASS);
    ck_assert_uint_eq (above.n_incidents, 0);
  }
}
END_TEST

/* HLG's nominal peak changes the light: the signals of a 100 <-> 124
 * cd/m^2 flash on a 1000 cd/m^2 display give less than 20 cd/m^2 of change
 * on a 400 cd/m^2 one. */
START_TEST (test_flash_hdr_hlg_peak_matters)
{
  const Layout *lay = &layouts[0];
  WsFlash *f = new_flash (lay, WS_FLASH_EOTF_HLG, 400.0);
  Image img[2];
  double c[2][3];
  Outcome o;

  grey (hlg_encode (100.0, 1000.0), c[0]);
  grey (hlg_encode (124.0, 1000.0), c[1]);
  render (lay, c[0], c[0], 1.0, &img[0]);
  render (lay, c[1], c[1], 1.0, &img[1]);
  o = run_images (f, img, 2);
  ck_assert_double_lt (o.mean_cd_m2[1] - o.mean_cd_m2[0], 20.0);
  ck_assert_double_gt (o.mean_cd_m2[1] - o.mean_cd_m2[0], 5.0);
  ck_assert_int_eq (o.verdict, WS_FLASH_VERDICT_PASS);
  free (img[0].buf);
  free (img[1].buf);
  ws_flash_free (f);
}
END_TEST

/* The same light judged in SDR (200 cd/m^2 display) and in HDR gives the
 * Recommendation's verdict both times. */
START_TEST (test_flash_hdr_same_light_as_sdr)
{
  struct {
    double dark, bright;
    WsFlashVerdict verdict;
  } cases[] = {
    { 0.0, 30.0, WS_FLASH_VERDICT_FAIL },    /* 30 cd/m^2 from black */
    { 40.0, 55.0, WS_FLASH_VERDICT_PASS },   /* 15 cd/m^2 */
    { 100.0, 150.0, WS_FLASH_VERDICT_FAIL }, /* darker below 160 */
    { 170.0, 200.0, WS_FLASH_VERDICT_PASS }, /* darker above 160 */
  };

  for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++) {
    Outcome sdr = run_flash_sdr (cases[i].dark, cases[i].bright);
    Outcome pq = run_flash (&layouts[0], WS_FLASH_EOTF_PQ, 1000.0,
        cases[i].dark, cases[i].bright);
    Outcome hlg = run_flash (&layouts[1], WS_FLASH_EOTF_HLG, 1000.0,
        cases[i].dark, cases[i].bright);

    ck_assert_int_eq (sdr.verdict, cases[i].verdict);
    ck_assert_int_eq (pq.verdict, cases[i].verdict);
    ck_assert_int_eq (hlg.verdict, cases[i].verdict);
  }
}
END_TEST

/* The same code values mean other light in PQ: signals 0.90 <-> 1.00 are
 * 157 <-> 200 cd/m^2 in SDR (fails: the darker state is below 160) but
 * 3900 <-> 10000 cd/m^2 in PQ (passes: far above 160); signals 0.50 <->
 * 0.58 are 43 <-> 59 cd/m^2 in SDR (16 cd/m^2: passes) but 92 <-> 203
 * cd/m^2 in PQ (fails). */
START_TEST (test_flash_hdr_same_codes_other_verdicts)
{
  struct {
    double a, b;
    WsFlashVerdict sdr, pq;
  } cases[] = {
    { 0.90, 1.00, WS_FLASH_VERDICT_FAIL, WS_FLASH_VERDICT_PASS },
    { 0.50, 0.58, WS_FLASH_VERDICT_PASS, WS_FLASH_VERDICT_FAIL },
  };
  const Layout *lay = &layouts[0];

  for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++) {
    WsFlashEotf eotfs[2] = { WS_FLASH_EOTF_SRGB, WS_FLASH_EOTF_PQ };
    WsFlashVerdict expect[2] = { cases[i].sdr, cases[i].pq };

    for (int e = 0; e < 2; e++) {
      WsFlash *f = new_flash (lay, eotfs[e], 1000.0);
      Image img[2];
      double c[2][3];
      Outcome o;

      grey (cases[i].a, c[0]);
      grey (cases[i].b, c[1]);
      render (lay, c[0], c[0], 1.0, &img[0]);
      render (lay, c[1], c[1], 1.0, &img[1]);
      o = run_images (f, img, 2);
      ck_assert_int_eq (o.verdict, expect[e]);
      free (img[0].buf);
      free (img[1].buf);
      ws_flash_free (f);
    }
  }
}
END_TEST

/* Linear BT.709 colour @c709 (units of the 200 cd/m^2 SDR peak) as a PQ
 * BT.2020 signal. */
static void
pq_colour_from_709 (const double c709[3], double sig[3])
{
  /* BT.2087 BT.709 -> BT.2020 */
  static const double m[9] = { 0.6274, 0.3293, 0.0433, 0.0691, 0.9195, 0.0114,
    0.0164, 0.0880, 0.8956 };
  for (int i = 0; i < 3; i++)
    sig[i] = ws_test_pq_encode (
        200.0 *
        (m[3 * i] * c709[0] + m[3 * i + 1] * c709[1] + m[3 * i + 2] * c709[2]));
}

/* Red flashing in BT.2020: a BT.709 red of (1, 0.05, 0.05) is saturated
 * red (R / (R + G + B) = 0.91) but only 0.78 in BT.2020 components, so it is
 * found only because the core converts to BT.709 first. A dim grey of the
 * same luminance change stays below the red rule. */
START_TEST (test_flash_hdr_red_in_bt2020)
{
  const Layout *lay = &layouts[_i];
  const double red[3] = { 1.0, 0.05, 0.05 };
  const double black[3] = { 0.0, 0.0, 0.0 };
  double sr[3], sb[3];
  WsFlash *f = new_flash (lay, WS_FLASH_EOTF_PQ, 1000.0);
  Image img[2];
  Outcome o;
  const WsFlashIncident *inc;
  size_t n;
  int red_seen = 0;

  pq_colour_from_709 (red, sr);
  pq_colour_from_709 (black, sb);
  /* half the screen: red against the BT.2020 red component check */
  render (lay, sr, sb, 0.5, &img[1]);
  render (lay, sb, sb, 0.5, &img[0]);
  o = run_images (f, img, 2);
  ck_assert_int_eq (o.verdict, WS_FLASH_VERDICT_FAIL);
  ws_flash_get_incidents (f, &inc, &n);
  for (size_t i = 0; i < n; i++)
    red_seen |= inc[i].kind == WS_FLASH_KIND_RED &&
                inc[i].verdict == WS_FLASH_VERDICT_FAIL;
  ck_assert_int_eq (red_seen, 1);
  free (img[0].buf);
  free (img[1].buf);
  ws_flash_free (f);
}
END_TEST

START_TEST (test_flash_hdr_display_reported)
{
  WsFlash *f = new_flash (&layouts[4], WS_FLASH_EOTF_HLG, 2000.0);
  WsFlashDisplay d;

  ck_assert_int_eq (ws_flash_get_display (f, &d), WS_RESULT_OK);
  ck_assert_int_eq (d.eotf, WS_FLASH_EOTF_HLG);
  ck_assert_str_eq (ws_flash_eotf_to_string (d.eotf), "hlg");
  ck_assert_int_eq (d.primaries, WS_FLASH_PRIMARIES_BT2020);
  ck_assert_str_eq (ws_flash_primaries_to_string (d.primaries), "bt2020");
  ck_assert_int_eq (d.bit_depth, 12);
  ck_assert_int_eq (d.range, WS_FLASH_RANGE_FULL);
  ck_assert_int_eq (d.matrix, WS_FLASH_MATRIX_BT2020);
  ck_assert_double_eq_tol (d.peak_cd_m2, 2000.0, 1e-9);
  ck_assert_double_eq_tol (d.hlg_gamma, 1.2 + 0.42 * log10 (2.0), 1e-9);
  ck_assert_str_eq (d.standard, "ITU-R BT.1702-3");
  {
    char line[256];
    int n = ws_flash_display_describe (&d, line, sizeof (line));

    ck_assert_int_eq (n, (int) strlen (line));
    ck_assert_str_eq (line, "HDR: BT.2100 HLG on a display of nominal peak "
                            "2000 cd/m\u00b2, system gamma 1.33; BT.2020 "
                            "primaries; 12-bit");
    /* truncated as snprintf does, the full length returned */
    ck_assert_int_eq (ws_flash_display_describe (&d, line, 5), n);
    ck_assert_str_eq (line, "HDR:");
    ck_assert_int_eq (ws_flash_display_describe (NULL, line, 5), -1);
  }
  ck_assert_int_eq (ws_flash_get_display (NULL, &d),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_flash_get_display (f, NULL), WS_RESULT_INVALID_ARGUMENT);
  ws_flash_free (f);

  f = new_flash (&layouts[0], WS_FLASH_EOTF_PQ, 1000.0);
  ws_flash_get_display (f, &d);
  ck_assert_str_eq (ws_flash_eotf_to_string (d.eotf), "pq");
  ck_assert_double_eq_tol (d.peak_cd_m2, 10000.0, 1e-9);
  ck_assert_double_eq_tol (d.hlg_gamma, 0.0, 1e-12);
  ck_assert_int_eq (d.bit_depth, 10);
  {
    char line[256];

    ws_flash_display_describe (&d, line, sizeof (line));
    ck_assert_str_eq (line, "HDR: SMPTE ST 2084 (BT.2100 PQ) EOTF, absolute "
                            "luminance, no tone mapping; BT.2020 primaries; "
                            "10-bit");
  }
  ws_flash_free (f);

  /* the SDR default, as before HDR */
  ck_assert_int_eq (ws_flash_new (&f, W, H, WS_FLASH_FORMAT_I420,
                        WS_FLASH_RANGE_LIMITED, WS_FLASH_MATRIX_BT709, NULL),
      WS_RESULT_OK);
  ws_flash_get_display (f, &d);
  {
    char line[256];

    ws_flash_display_describe (&d, line, sizeof (line));
    ck_assert_str_eq (line, "SDR display model: sRGB (IEC 61966-2-1) EOTF, "
                            "peak white 200 cd/m\u00b2; BT.709 primaries; "
                            "8-bit");
  }
  ck_assert_int_eq (d.eotf, WS_FLASH_EOTF_SRGB);
  ck_assert_double_eq_tol (d.peak_cd_m2, 200.0, 1e-9);
  ws_flash_free (f);

  ck_assert_str_eq (ws_flash_eotf_to_string (WS_FLASH_EOTF_SRGB), "sdr-srgb");
  ck_assert_str_eq (ws_flash_eotf_to_string (WS_FLASH_EOTF_GAMMA24),
      "sdr-bt1886");
  ck_assert_str_eq (ws_flash_eotf_to_string ((WsFlashEotf) 99), "unknown");
  /* BT.2100 gamma at 1000 and the BT.2390 extension beyond 2000 */
  ck_assert_double_eq_tol (ws_flash_hlg_system_gamma (1000.0), 1.2, 1e-12);
  ck_assert_double_eq_tol (ws_flash_hlg_system_gamma (4000.0),
      1.2 * pow (1.111, 2.0), 1e-9);
  ck_assert_int_eq (ws_flash_format_bit_depth (WS_FLASH_FORMAT_P012), 12);
  ck_assert_int_eq (ws_flash_format_bit_depth (WS_FLASH_FORMAT_I422_10LE), 10);
  ck_assert_int_eq (ws_flash_format_bit_depth (WS_FLASH_FORMAT_NV12), 8);
  ck_assert_int_eq (ws_flash_format_bit_depth (WS_FLASH_FORMAT_UNKNOWN), 0);
  ck_assert_int_eq (ws_flash_format_is_yuv (WS_FLASH_FORMAT_Y444_12LE), 1);
  ck_assert_int_eq (ws_flash_format_is_yuv (WS_FLASH_FORMAT_ABGR), 0);
  ck_assert_str_eq (ws_flash_format_to_string (WS_FLASH_FORMAT_P012),
      "P012_LE");
}
END_TEST

START_TEST (test_flash_hdr_rejects_bad_params)
{
  WsFlash *f = NULL;
  WsFlashParams p;

  ws_flash_params_init (&p);
  ck_assert_double_eq_tol (p.hlg_peak_cd_m2, 1000.0, 1e-12);
  ck_assert_int_eq (p.primaries, WS_FLASH_PRIMARIES_BT709);
  p.hlg_peak_cd_m2 = 50.0;
  ck_assert_int_eq (ws_flash_new (&f, W, H, WS_FLASH_FORMAT_P010,
                        WS_FLASH_RANGE_LIMITED, WS_FLASH_MATRIX_BT2020, &p),
      WS_RESULT_INVALID_ARGUMENT);
  ws_flash_params_init (&p);
  p.eotf = (WsFlashEotf) 7;
  ck_assert_int_eq (ws_flash_new (&f, W, H, WS_FLASH_FORMAT_P010,
                        WS_FLASH_RANGE_LIMITED, WS_FLASH_MATRIX_BT2020, &p),
      WS_RESULT_INVALID_ARGUMENT);
  ws_flash_params_init (&p);
  p.primaries = (WsFlashPrimaries) 5;
  ck_assert_int_eq (ws_flash_new (&f, W, H, WS_FLASH_FORMAT_P010,
                        WS_FLASH_RANGE_LIMITED, WS_FLASH_MATRIX_BT2020, &p),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_int_eq (ws_flash_new (&f, W, H, WS_FLASH_FORMAT_P010,
                        WS_FLASH_RANGE_LIMITED, (WsFlashMatrix) 9, NULL),
      WS_RESULT_INVALID_ARGUMENT);
  ck_assert_ptr_null (f);
}
END_TEST

static Suite *
flash_hdr_suite (void)
{
  Suite *s = suite_create ("flash-hdr");
  TCase *model = tcase_create ("model");
  TCase *rule = tcase_create ("rule");
  TCase *errors = tcase_create ("errors");

  tcase_add_loop_test (model, test_flash_hdr_reference_white, 0, N_LAYOUTS);
  tcase_add_loop_test (model, test_flash_hdr_colour_luminance, 0, N_LAYOUTS);
  tcase_add_test (model, test_flash_hdr_display_reported);
  suite_add_tcase (s, model);

  tcase_set_timeout (rule, 120);
  tcase_add_loop_test (rule, test_flash_hdr_change_threshold, 0, N_LAYOUTS);
  tcase_add_loop_test (rule, test_flash_hdr_dark_limit, 0, N_LAYOUTS);
  tcase_add_test (rule, test_flash_hdr_hlg_peak_matters);
  tcase_add_test (rule, test_flash_hdr_same_light_as_sdr);
  tcase_add_test (rule, test_flash_hdr_same_codes_other_verdicts);
  tcase_add_loop_test (rule, test_flash_hdr_red_in_bt2020, 0, N_LAYOUTS);
  suite_add_tcase (s, rule);

  tcase_add_test (errors, test_flash_hdr_rejects_bad_params);
  suite_add_tcase (s, errors);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (flash_hdr_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
