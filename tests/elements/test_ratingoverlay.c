/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gst-check tests for the ratingoverlay element. */
#include <math.h>
#include <string.h>

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#include "ws-rating-event.h"
#include "ws-rating-system.h"

#define W 320
#define H 180
#define BG 0xff606870u /* test frame colour, 0xAARRGGBB */

/* ---- frames -------------------------------------------------------------- */

static void
info_for (GstVideoInfo *info, GstVideoFormat format, int w, int h, int par_n,
    int par_d)
{
  gst_video_info_set_format (info, format, w, h);
  GST_VIDEO_INFO_PAR_N (info) = par_n;
  GST_VIDEO_INFO_PAR_D (info) = par_d;
  GST_VIDEO_INFO_FPS_N (info) = 25;
  GST_VIDEO_INFO_FPS_D (info) = 1;
}

/* Converts between two frame layouts of the same size. */
static GstBuffer *
convert (const GstVideoInfo *from, GstBuffer *in, const GstVideoInfo *to)
{
  GstBuffer *out = gst_buffer_new_allocate (NULL, to->size, NULL);
  GstVideoFrame fin, fout;
  GstVideoConverter *conv = gst_video_converter_new ((GstVideoInfo *) from,
      (GstVideoInfo *) to,
      gst_structure_new ("options", GST_VIDEO_CONVERTER_OPT_DITHER_METHOD,
          GST_TYPE_VIDEO_DITHER_METHOD, GST_VIDEO_DITHER_NONE, NULL));

  fail_unless (conv != NULL);
  fail_unless (
      gst_video_frame_map (&fin, (GstVideoInfo *) from, in, GST_MAP_READ));
  fail_unless (
      gst_video_frame_map (&fout, (GstVideoInfo *) to, out, GST_MAP_WRITE));
  gst_video_converter_frame (conv, &fin, &fout);
  gst_video_frame_unmap (&fin);
  gst_video_frame_unmap (&fout);
  gst_video_converter_free (conv);
  return out;
}

/* A frame of one colour in @info's format at @pts. */
static GstBuffer *
frame_new (const GstVideoInfo *info, guint32 argb, GstClockTime pts)
{
  GstVideoInfo rgba;
  GstBuffer *buf;
  GstMapInfo map;

  info_for (&rgba, GST_VIDEO_FORMAT_RGBA, info->width, info->height, 1, 1);
  buf = gst_buffer_new_allocate (NULL, rgba.size, NULL);
  fail_unless (gst_buffer_map (buf, &map, GST_MAP_WRITE));
  for (gsize i = 0; i + 3 < map.size; i += 4) {
    map.data[i] = (argb >> 16) & 0xff;
    map.data[i + 1] = (argb >> 8) & 0xff;
    map.data[i + 2] = argb & 0xff;
    map.data[i + 3] = argb >> 24;
  }
  gst_buffer_unmap (buf, &map);
  if (GST_VIDEO_INFO_FORMAT (info) != GST_VIDEO_FORMAT_RGBA) {
    GstBuffer *conv = convert (&rgba, buf, info);
    gst_buffer_unref (buf);
    buf = conv;
  }
  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = GST_SECOND / 25;
  return buf;
}

/* The frame as tightly packed RGBA (g_free). */
static guint8 *
frame_rgba (const GstVideoInfo *info, GstBuffer *buf)
{
  GstVideoInfo rgba;
  GstBuffer *conv;
  GstMapInfo map;
  guint8 *out;

  info_for (&rgba, GST_VIDEO_FORMAT_RGBA, info->width, info->height, 1, 1);
  conv = GST_VIDEO_INFO_FORMAT (info) == GST_VIDEO_FORMAT_RGBA ?
             gst_buffer_ref (buf) :
             convert (info, buf, &rgba);
  fail_unless (gst_buffer_map (conv, &map, GST_MAP_READ));
  out = g_memdup2 (map.data, (gsize) info->width * info->height * 4);
  gst_buffer_unmap (conv, &map);
  gst_buffer_unref (conv);
  return out;
}

/* ---- harness ------------------------------------------------------------- */

static GstHarness *
harness_new (const char *launch, const GstVideoInfo *info)
{
  GstHarness *h = gst_harness_new_parse (launch);
  GstCaps *caps = gst_video_info_to_caps ((GstVideoInfo *) info);
  gst_harness_set_src_caps (h, caps);
  return h;
}

static GstHarness *
harness_rgba (const char *launch)
{
  GstVideoInfo info;
  info_for (&info, GST_VIDEO_FORMAT_RGBA, W, H, 1, 1);
  return harness_new (launch, &info);
}

static void
push_rating (GstHarness *h, const char *system, const char *code,
    const char *const *descriptors)
{
  WsRating *r = ws_rating_new ();
  r->system = g_strdup (system);
  r->code = g_strdup (code);
  for (guint i = 0; descriptors && descriptors[i]; i++)
    g_ptr_array_add (r->descriptors, g_strdup (descriptors[i]));
  fail_unless (
      gst_harness_push_event (h, ws_rating_event_new (r, "application")));
  ws_rating_free (r);
}

/* Pushes a frame of colour BG at @pts and returns the output. */
static GstBuffer *
push_frame (GstHarness *h, const GstVideoInfo *info, GstClockTime pts)
{
  fail_unless_equals_int (gst_harness_push (h, frame_new (info, BG, pts)),
      GST_FLOW_OK);
  return gst_harness_pull (h);
}

/* Number of pixels of @buf that differ from the plain BG frame by more
 * than @thr in any channel. */
static guint
count_changed (const GstVideoInfo *info, GstBuffer *buf, int thr)
{
  GstBuffer *ref = frame_new (info, BG, 0);
  guint8 *a = frame_rgba (info, buf), *b = frame_rgba (info, ref);
  guint n = 0;

  for (gsize i = 0; i < (gsize) info->width * info->height; i++)
    for (int c = 0; c < 4; c++)
      if (ABS (a[4 * i + c] - b[4 * i + c]) > thr) {
        n++;
        break;
      }
  g_free (a);
  g_free (b);
  gst_buffer_unref (ref);
  return n;
}

static gboolean
visible_at (GstHarness *h, GstClockTime pts)
{
  GstVideoInfo info;
  GstBuffer *out;
  guint n;

  info_for (&info, GST_VIDEO_FORMAT_RGBA, W, H, 1, 1);
  out = push_frame (h, &info, pts);
  n = count_changed (&info, out, 8);
  gst_buffer_unref (out);
  return n > 0;
}

/* The ratingoverlay inside the harness (gst_harness_new_parse() wraps it
 * in a bin). (transfer none) */
static GstElement *
overlay_of (GstHarness *h)
{
  GstElement *found = NULL;
  GstIterator *it;
  GValue v = G_VALUE_INIT;

  if (!GST_IS_BIN (h->element))
    return h->element;
  it = gst_bin_iterate_elements (GST_BIN (h->element));
  while (found == NULL && gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    GstElement *e = g_value_get_object (&v);
    GstElementFactory *f = gst_element_get_factory (e);
    if (f && g_str_equal (GST_OBJECT_NAME (f), "ratingoverlay"))
      found = e;
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
  fail_unless (found != NULL);
  return found;
}

static GstStructure *
get_layout (GstHarness *h)
{
  GstStructure *s = NULL;
  g_object_get (overlay_of (h), "layout", &s, NULL);
  return s;
}

static void
layout_rect (const GstStructure *s, const char *name, GstVideoRectangle *r)
{
  char *f;
#define GET(field, out)                                                    \
  f = name[0] ? g_strdup_printf ("%s-%s", name, field) : g_strdup (field); \
  fail_unless (gst_structure_get_int (s, f, out), "no %s in layout", f);   \
  g_free (f)
  GET ("x", &r->x);
  GET ("y", &r->y);
  GET ("width", &r->w);
  GET ("height", &r->h);
#undef GET
}

static gboolean
in_rect (const GstVideoRectangle *r, int x, int y)
{
  return r->w > 0 && x >= r->x && x < r->x + r->w && y >= r->y &&
         y < r->y + r->h;
}

/* ---- placement and pixels ------------------------------------------------ */

static void
check_only_in_rects (const char *position)
{
  static const char *const desc[] = { "violence", "language", NULL };
  char *launch =
      g_strdup_printf ("ratingoverlay mode=persistent fade=0 "
                       "position=%s text=\"Strong violence and language\"",
          position);
  GstHarness *h = harness_rgba (launch);
  GstVideoInfo info;
  GstBuffer *out, *ref;
  GstStructure *layout;
  GstVideoRectangle badge, pic, text;
  guint8 *a, *b;
  guint in_badge = 0, outside = 0;

  info_for (&info, GST_VIDEO_FORMAT_RGBA, W, H, 1, 1);
  push_rating (h, "bbfc", "15", desc);
  out = push_frame (h, &info, 0);
  layout = get_layout (h);
  fail_unless (layout != NULL);
  layout_rect (layout, "badge", &badge);
  layout_rect (layout, "pictograms", &pic);
  layout_rect (layout, "text", &text);
  fail_unless (badge.w > 0 && pic.w > 0 && text.w > 0);

  /* inside the EBU R 95 graphics-safe area (5 % in from every edge) */
  for (int i = 0; i < 3; i++) {
    const GstVideoRectangle *r = i == 0 ? &badge : i == 1 ? &pic : &text;
    fail_unless (r->x >= W * 5 / 100 && r->y >= H * 5 / 100, "%s: %d,%d",
        position, r->x, r->y);
    fail_unless (r->x + r->w <= W - W * 5 / 100 &&
                     r->y + r->h <= H - H * 5 / 100,
        "%s: %d,%d %dx%d", position, r->x, r->y, r->w, r->h);
  }
  /* badge height: size 0.08 of the frame height, plus the shadow */
  fail_unless (badge.h >= (int) (0.08 * H) && badge.h <= (int) (0.08 * H) + 2,
      "badge height %d", badge.h);

  ref = frame_new (&info, BG, 0);
  a = frame_rgba (&info, out);
  b = frame_rgba (&info, ref);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      gsize i = ((gsize) y * W + x) * 4;
      gboolean changed = memcmp (a + i, b + i, 4) != 0;
      if (!changed)
        continue;
      if (in_rect (&badge, x, y))
        in_badge++;
      else if (!in_rect (&pic, x, y) && !in_rect (&text, x, y)) {
        if (outside < 5)
          g_printerr ("%s: pixel %d,%d changed outside (badge %d,%d %dx%d, "
                      "pictograms %d,%d %dx%d, text %d,%d %dx%d)\n",
              position, x, y, badge.x, badge.y, badge.w, badge.h, pic.x, pic.y,
              pic.w, pic.h, text.x, text.y, text.w, text.h);
        outside++;
      }
    }
  fail_unless_equals_int (outside, 0);
  /* the badge covers most of its rectangle */
  fail_unless (in_badge > (guint) (badge.w * badge.h) / 2, "%u of %d", in_badge,
      badge.w * badge.h);

  g_free (a);
  g_free (b);
  gst_buffer_unref (ref);
  gst_buffer_unref (out);
  gst_structure_free (layout);
  gst_harness_teardown (h);
  g_free (launch);
}

GST_START_TEST (test_ratingoverlay_pixels_only_in_rects)
{
  check_only_in_rects ("top-left");
  check_only_in_rects ("top-right");
  check_only_in_rects ("bottom-left");
  check_only_in_rects ("bottom-right");
  check_only_in_rects ("bottom-center");
}

GST_END_TEST;

GST_START_TEST (test_ratingoverlay_corners)
{
  GstHarness *h;
  GstStructure *l;
  GstVideoRectangle tl, br;
  GstVideoInfo info;

  info_for (&info, GST_VIDEO_FORMAT_RGBA, W, H, 1, 1);
  h = harness_rgba ("ratingoverlay mode=persistent fade=0 rating=fsk:16");
  gst_buffer_unref (push_frame (h, &info, 0));
  l = get_layout (h);
  layout_rect (l, "badge", &tl);
  gst_structure_free (l);
  gst_util_set_object_arg (G_OBJECT (overlay_of (h)), "position",
      "bottom-right");
  gst_buffer_unref (push_frame (h, &info, GST_SECOND / 25));
  l = get_layout (h);
  layout_rect (l, "badge", &br);
  gst_structure_free (l);
  /* the corners of the graphics-safe area (even coordinates) */
  fail_unless (ABS (tl.x - W * 5 / 100) <= 1 && ABS (tl.y - H * 5 / 100) <= 1,
      "%d,%d", tl.x, tl.y);
  fail_unless (ABS (br.x + br.w - (W - W * 5 / 100)) <= 1, "%d", br.x + br.w);
  fail_unless (ABS (br.y + br.h - (H - H * 5 / 100)) <= 1, "%d", br.y + br.h);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* The badge keeps its shape: width = height / PAR in pixels, at every
 * frame size. */
static void
check_round (int w, int h, int par_n, int par_d)
{
  GstVideoInfo info;
  GstHarness *hs;
  GstStructure *l;
  GstVideoRectangle badge;
  double expect;

  info_for (&info, GST_VIDEO_FORMAT_I420, w, h, par_n, par_d);
  hs = harness_new ("ratingoverlay mode=persistent fade=0 rating=csa:-12",
      &info);
  fail_unless_equals_int (gst_harness_push (hs, frame_new (&info, BG, 0)),
      GST_FLOW_OK);
  gst_buffer_unref (gst_harness_pull (hs));
  l = get_layout (hs);
  fail_unless (l != NULL);
  layout_rect (l, "badge", &badge);
  expect = badge.h * (double) par_d / par_n;
  fail_unless (fabs (badge.w - expect) <= 2.0, "%dx%d par %d/%d: %dx%d", w, h,
      par_n, par_d, badge.w, badge.h);
  fail_unless (ABS (badge.h - (int) round (0.08 * h)) <= 1 + h / 100,
      "%dx%d: badge height %d", w, h, badge.h);
  gst_structure_free (l);
  gst_harness_teardown (hs);
}

GST_START_TEST (test_ratingoverlay_par_and_sizes)
{
  check_round (720, 480, 10, 11); /* NTSC 4:3 */
  check_round (720, 576, 64, 45); /* PAL 16:9 anamorphic */
  check_round (1280, 720, 1, 1);
  check_round (1920, 1080, 1, 1);
  check_round (1440, 1080, 4, 3); /* HDV */
  check_round (3840, 2160, 1, 1);
}

GST_END_TEST;

/* ---- timing -------------------------------------------------------------- */

GST_START_TEST (test_ratingoverlay_timing_at_start)
{
  GstHarness *h = harness_rgba ("ratingoverlay rating=bbfc:12A "
                                "mode=at-start duration=2000000000 fade=0");
  GstBus *bus = gst_bus_new ();
  GstMessage *m;
  const GstStructure *s;
  guint64 t;

  gst_element_set_bus (h->element, bus);
  fail_unless (visible_at (h, 0));
  fail_unless (visible_at (h, GST_SECOND));
  fail_unless (visible_at (h, 1960 * GST_MSECOND));
  fail_if (visible_at (h, 2 * GST_SECOND));
  fail_if (visible_at (h, 3 * GST_SECOND));
  fail_if (visible_at (h, 60 * GST_SECOND));

  /* as-run messages: shown at 0, hidden at 2 s, nothing else */
  m = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT);
  fail_unless (m != NULL);
  s = gst_message_get_structure (m);
  fail_unless (gst_structure_has_name (s, "ratingoverlay"));
  fail_unless_equals_string (gst_structure_get_string (s, "event"), "shown");
  fail_unless_equals_string (gst_structure_get_string (s, "mode"), "at-start");
  fail_unless (
      g_str_has_prefix (gst_structure_get_string (s, "rating"), "bbfc:12A"));
  fail_unless (gst_structure_get_uint64 (s, "running-time", &t));
  fail_unless_equals_uint64 (t, 0);
  gst_message_unref (m);
  m = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT);
  fail_unless (m != NULL);
  s = gst_message_get_structure (m);
  fail_unless_equals_string (gst_structure_get_string (s, "event"), "hidden");
  fail_unless (gst_structure_get_uint64 (s, "timestamp", &t));
  fail_unless_equals_uint64 (t, 2 * GST_SECOND);
  gst_message_unref (m);
  fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT) == NULL);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* A flushing seek continues the showing in progress. */
GST_START_TEST (test_ratingoverlay_timing_flush)
{
  GstHarness *h = harness_rgba ("ratingoverlay rating=bbfc:12A "
                                "mode=at-start duration=2000000000 fade=0");
  GstSegment seg;

  fail_unless (visible_at (h, 0));
  fail_unless (visible_at (h, GST_SECOND));
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
  gst_segment_init (&seg, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&seg)));
  /* 1 s shown before the flush: less than 1 s more after it */
  fail_unless (visible_at (h, 0));
  fail_unless (visible_at (h, 960 * GST_MSECOND));
  fail_if (visible_at (h, 1040 * GST_MSECOND));
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_ratingoverlay_timing_break_end)
{
  GstHarness *h = harness_rgba ("ratingoverlay rating=acb:MA15+ "
                                "mode=after-breaks duration=2000000000 fade=0");

  fail_unless (visible_at (h, 0));
  fail_if (visible_at (h, 5 * GST_SECOND));
  fail_unless (gst_harness_push_event (h, ws_break_end_event_new ()));
  fail_unless (visible_at (h, 10 * GST_SECOND));
  fail_unless (visible_at (h, 11 * GST_SECOND));
  fail_if (visible_at (h, 12 * GST_SECOND));
  gst_harness_teardown (h);

  /* at-start ignores breaks */
  h = harness_rgba ("ratingoverlay rating=acb:MA15+ mode=at-start "
                    "duration=2000000000 fade=0");
  fail_unless (visible_at (h, 0));
  fail_if (visible_at (h, 5 * GST_SECOND));
  fail_unless (gst_harness_push_event (h, ws_break_end_event_new ()));
  fail_if (visible_at (h, 10 * GST_SECOND));
  /* ... but not a new programme */
  fail_unless (gst_harness_push_event (h, ws_programme_start_event_new ()));
  fail_unless (visible_at (h, 20 * GST_SECOND));
  fail_if (visible_at (h, 22 * GST_SECOND));
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_ratingoverlay_timing_rating_change)
{
  GstHarness *h = harness_rgba ("ratingoverlay mode=at-start "
                                "duration=2000000000 fade=0");

  /* nothing to show before a rating arrives */
  fail_if (visible_at (h, 0));
  push_rating (h, "fsk", "12", NULL);
  fail_unless (visible_at (h, GST_SECOND));
  fail_unless (visible_at (h, 2900 * GST_MSECOND));
  fail_if (visible_at (h, 3 * GST_SECOND));
  /* the same rating again: no new showing */
  push_rating (h, "fsk", "12", NULL);
  fail_if (visible_at (h, 4 * GST_SECOND));
  /* a different rating: shown again */
  push_rating (h, "fsk", "16", NULL);
  fail_unless (visible_at (h, 5 * GST_SECOND));
  fail_if (visible_at (h, 7 * GST_SECOND));
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_ratingoverlay_fade)
{
  GstHarness *h = harness_rgba (
      "ratingoverlay rating=csa:-16 mode=at-start "
      "duration=4000000000 fade=1000000000 show-text=false");
  GstVideoInfo info;
  GstStructure *l;
  GstVideoRectangle badge;
  GstBuffer *out;
  guint8 *px;
  int cx, cy, v_half, v_full;

  info_for (&info, GST_VIDEO_FORMAT_RGBA, W, H, 1, 1);
  /* fade-in starts at 0: the first frame is untouched */
  fail_if (visible_at (h, 0));
  l = get_layout (h);
  layout_rect (l, "badge", &badge);
  gst_structure_free (l);
  /* the csa badge is white inside; sample it above the text */
  cx = badge.x + badge.w * 45 / 100;
  cy = badge.y + badge.h * 15 / 100;

  out = push_frame (h, &info, 500 * GST_MSECOND);
  px = frame_rgba (&info, out);
  v_half = px[(cy * W + cx) * 4];
  g_free (px);
  gst_buffer_unref (out);
  out = push_frame (h, &info, 2 * GST_SECOND);
  px = frame_rgba (&info, out);
  v_full = px[(cy * W + cx) * 4];
  g_free (px);
  gst_buffer_unref (out);

  /* background red 0x60 = 96, white badge 255: half way is ~176 */
  fail_unless (v_full >= 250, "%d", v_full);
  fail_unless (v_half > 140 && v_half < 210, "%d", v_half);
  /* fading out again before the end */
  out = push_frame (h, &info, 3800 * GST_MSECOND);
  px = frame_rgba (&info, out);
  fail_unless (px[(cy * W + cx) * 4] < v_full - 40);
  g_free (px);
  gst_buffer_unref (out);
  fail_if (visible_at (h, 4 * GST_SECOND));
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_ratingoverlay_auto_rules)
{
  GstHarness *h;

  /* Ireland: the RTE icon for 20 s at the start */
  h = harness_rgba ("ratingoverlay policy=ie-cnam rating=ifco:15 fade=0");
  fail_unless (visible_at (h, 0));
  fail_unless (visible_at (h, 19 * GST_SECOND));
  fail_if (visible_at (h, 21 * GST_SECOND));
  gst_harness_teardown (h);

  /* France (TV): the pictogram for the whole programme */
  h = harness_rgba ("ratingoverlay territory=FR rating=csa:-16 fade=0");
  fail_unless (visible_at (h, 0));
  fail_unless (visible_at (h, 3600 * GST_SECOND));
  gst_harness_teardown (h);

  /* Australia: at the start and again after each break */
  h = harness_rgba ("ratingoverlay policy=au-freetv rating=acb:M fade=0 "
                    "duration=3000000000");
  fail_unless (visible_at (h, 0));
  fail_if (visible_at (h, 4 * GST_SECOND));
  fail_unless (gst_harness_push_event (h, ws_break_end_event_new ()));
  fail_unless (visible_at (h, 600 * GST_SECOND));
  fail_if (visible_at (h, 604 * GST_SECOND));
  gst_harness_teardown (h);

  /* French VOD: a full-screen card for 5 s */
  h = harness_rgba ("ratingoverlay policy=fr-arcom service-class=vod-free "
                    "rating=csa:-12 fade=0");
  {
    GstVideoInfo info;
    GstBuffer *out;
    info_for (&info, GST_VIDEO_FORMAT_RGBA, W, H, 1, 1);
    out = push_frame (h, &info, 0);
    fail_unless (count_changed (&info, out, 8) > W * H * 9 / 10);
    gst_buffer_unref (out);
    fail_unless (visible_at (h, 4900 * GST_MSECOND));
    fail_if (visible_at (h, 5 * GST_SECOND));
  }
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_ratingoverlay_off_and_no_rating)
{
  GstHarness *h = harness_rgba ("ratingoverlay rating=bbfc:18 mode=off");
  GstVideoInfo info;
  GstBuffer *in, *out;

  fail_if (visible_at (h, 0));
  gst_harness_teardown (h);

  /* no rating at all: passthrough, the very same buffer comes out */
  h = harness_rgba ("ratingoverlay");
  info_for (&info, GST_VIDEO_FORMAT_RGBA, W, H, 1, 1);
  in = frame_new (&info, BG, 0);
  gst_buffer_ref (in);
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (out == in);
  fail_unless (get_layout (h) == NULL);
  gst_buffer_unref (out);
  gst_buffer_unref (in);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* ---- content ------------------------------------------------------------- */

static int
pictograms_width (const char *system, const char *code,
    const char *const *descriptors)
{
  GstHarness *h = harness_rgba ("ratingoverlay mode=persistent fade=0");
  GstVideoInfo info;
  GstStructure *l;
  GstVideoRectangle r;

  info_for (&info, GST_VIDEO_FORMAT_RGBA, W, H, 1, 1);
  push_rating (h, system, code, descriptors);
  gst_buffer_unref (push_frame (h, &info, 0));
  l = get_layout (h);
  layout_rect (l, "pictograms", &r);
  gst_structure_free (l);
  gst_harness_teardown (h);
  return r.w;
}

GST_START_TEST (test_ratingoverlay_pictogram_limits)
{
  static const char *const five[] = { "coarse-language", "drugs-alcohol", "sex",
    "fear", "violence", NULL };
  static const char *const three[] = { "violence", "fear", "sex", NULL };
  static const char *const one[] = { "fear", NULL };
  int w5 = pictograms_width ("kijkwijzer", "16", five);
  int w3 = pictograms_width ("kijkwijzer", "16", three);
  int w1 = pictograms_width ("kijkwijzer", "16", one);

  /* Kijkwijzer: at most 3 content pictograms */
  fail_unless (w5 > 0 && w1 > 0);
  fail_unless_equals_int (w5, w3);
  fail_unless (w1 < w3);
  fail_unless_equals_int (pictograms_width ("kijkwijzer", "16", NULL), 0);
}

GST_END_TEST;

GST_START_TEST (test_ratingoverlay_text_language)
{
  GstHarness *h = harness_rgba ("ratingoverlay mode=persistent fade=0 "
                                "language=fr-CA");
  GstVideoInfo info;
  WsRating *r = ws_rating_new ();
  GstStructure *l;
  const char *summary;

  info_for (&info, GST_VIDEO_FORMAT_RGBA, W, H, 1, 1);
  r->system = g_strdup ("csa");
  r->code = g_strdup ("-12");
  ws_rating_add_text (r, "en", "long", "Not for under 12s");
  ws_rating_add_text (r, "fr", "long", "Déconseillé aux moins de 12 ans");
  fail_unless (gst_harness_push_event (h, ws_rating_event_new (r, NULL)));
  ws_rating_free (r);
  gst_buffer_unref (push_frame (h, &info, 0));
  l = get_layout (h);
  summary = gst_structure_get_string (l, "rating");
  fail_unless (g_str_has_suffix (summary, "Déconseillé aux moins de 12 ans"),
      "%s", summary);
  gst_structure_free (l);

  /* a language with no text: the first one */
  g_object_set (overlay_of (h), "language", "de", NULL);
  gst_buffer_unref (push_frame (h, &info, GST_SECOND));
  l = get_layout (h);
  summary = gst_structure_get_string (l, "rating");
  fail_unless (g_str_has_suffix (summary, "Not for under 12s"), "%s", summary);
  gst_structure_free (l);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* ---- meta and blend paths ------------------------------------------------ */

GST_START_TEST (test_ratingoverlay_meta_path)
{
  GstHarness *h = gst_harness_new_parse ("ratingoverlay rating=bbfc:15 "
                                         "mode=persistent fade=0");
  GstVideoInfo info;
  GstBuffer *in, *out;
  GstMapInfo a, b;
  GstVideoOverlayCompositionMeta *meta;
  GstVideoOverlayRectangle *rect;
  GstStructure *l;
  gint rx, ry, lx, ly;
  guint rw, rh;

  gst_harness_add_propose_allocation_meta (h,
      GST_VIDEO_OVERLAY_COMPOSITION_META_API_TYPE, NULL);
  info_for (&info, GST_VIDEO_FORMAT_I420, W, H, 1, 1);
  gst_harness_set_src_caps (h, gst_video_info_to_caps (&info));
  in = frame_new (&info, BG, 0);
  fail_unless_equals_int (gst_harness_push (h, gst_buffer_copy_deep (in)),
      GST_FLOW_OK);
  out = gst_harness_pull (h);

  meta = gst_buffer_get_video_overlay_composition_meta (out);
  fail_unless (meta != NULL);
  fail_unless_equals_int (gst_video_overlay_composition_n_rectangles (
                              meta->overlay),
      1);
  rect = gst_video_overlay_composition_get_rectangle (meta->overlay, 0);
  fail_unless (gst_video_overlay_rectangle_get_render_rectangle (rect, &rx, &ry,
      &rw, &rh));
  l = get_layout (h);
  fail_unless (gst_structure_get_int (l, "x", &lx));
  fail_unless (gst_structure_get_int (l, "y", &ly));
  fail_unless_equals_int (rx, lx);
  fail_unless_equals_int (ry, ly);
  fail_unless (rw > 0 && rh > 0);
  gst_structure_free (l);

  /* the pixels are untouched */
  fail_unless (gst_buffer_map (in, &a, GST_MAP_READ));
  fail_unless (gst_buffer_map (out, &b, GST_MAP_READ));
  fail_unless_equals_int (a.size, b.size);
  fail_unless (memcmp (a.data, b.data, a.size) == 0);
  gst_buffer_unmap (in, &a);
  gst_buffer_unmap (out, &b);
  gst_buffer_unref (in);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_ratingoverlay_blend_path)
{
  GstHarness *h = gst_harness_new_parse ("ratingoverlay rating=bbfc:15 "
                                         "mode=persistent fade=0");
  GstVideoInfo info;
  GstBuffer *in, *out;
  GstCaps *caps;
  /* downstream takes plain system-memory caps only */
  gst_harness_set_sink_caps_str (h, "video/x-raw");
  info_for (&info, GST_VIDEO_FORMAT_I420, W, H, 1, 1);
  gst_harness_set_src_caps (h, gst_video_info_to_caps (&info));

  /* a buffer the test keeps a reference to is not writable: the element
   * must draw on a copy */
  in = frame_new (&info, BG, 0);
  fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (in)),
      GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (out != in);
  fail_unless (gst_buffer_get_video_overlay_composition_meta (out) == NULL);
  fail_unless (count_changed (&info, out, 8) > 200);
  fail_unless_equals_int (count_changed (&info, in, 8), 0);

  caps = gst_pad_get_current_caps (h->sinkpad);
  fail_unless (caps != NULL);
  fail_unless (gst_caps_features_is_equal (gst_caps_get_features (caps, 0),
      GST_CAPS_FEATURES_MEMORY_SYSTEM_MEMORY));
  gst_caps_unref (caps);
  gst_buffer_unref (out);
  gst_buffer_unref (in);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Downstream starts taking the composition meta after a RECONFIGURE (a
 * compositor linked in while playing): the next frame gets the meta and
 * untouched pixels instead of blended ones. */
GST_START_TEST (test_ratingoverlay_reconfigure_to_meta)
{
  GstHarness *h = gst_harness_new_parse ("ratingoverlay rating=bbfc:15 "
                                         "mode=persistent fade=0");
  GstVideoInfo info;
  GstBuffer *out;

  info_for (&info, GST_VIDEO_FORMAT_I420, W, H, 1, 1);
  gst_harness_set_src_caps (h, gst_video_info_to_caps (&info));
  fail_unless_equals_int (gst_harness_push (h, frame_new (&info, BG, 0)),
      GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (gst_buffer_get_video_overlay_composition_meta (out) == NULL);
  fail_unless (count_changed (&info, out, 8) > 200);
  gst_buffer_unref (out);

  /* no RECONFIGURE yet: still blended */
  gst_harness_add_propose_allocation_meta (h,
      GST_VIDEO_OVERLAY_COMPOSITION_META_API_TYPE, NULL);
  fail_unless_equals_int (gst_harness_push (h, frame_new (&info, BG, 1)),
      GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (gst_buffer_get_video_overlay_composition_meta (out) == NULL);
  gst_buffer_unref (out);

  fail_unless (
      gst_harness_push_upstream_event (h, gst_event_new_reconfigure ()));
  fail_unless_equals_int (gst_harness_push (h, frame_new (&info, BG, 2)),
      GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (gst_buffer_get_video_overlay_composition_meta (out) != NULL);
  fail_unless_equals_int (count_changed (&info, out, 8), 0);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Every format in the template negotiates and gets the badge blended
 * inside its rectangle (a small allowance for chroma subsampling). */
GST_START_TEST (test_ratingoverlay_formats)
{
  static const GstVideoFormat formats[] = {
    GST_VIDEO_FORMAT_I420,
    GST_VIDEO_FORMAT_YV12,
    GST_VIDEO_FORMAT_NV12,
    GST_VIDEO_FORMAT_NV21,
    GST_VIDEO_FORMAT_YUY2,
    GST_VIDEO_FORMAT_UYVY,
    GST_VIDEO_FORMAT_YVYU,
    GST_VIDEO_FORMAT_Y42B,
    GST_VIDEO_FORMAT_Y444,
    GST_VIDEO_FORMAT_AYUV,
    GST_VIDEO_FORMAT_v210,
    GST_VIDEO_FORMAT_I420_10LE,
    GST_VIDEO_FORMAT_P010_10LE,
    GST_VIDEO_FORMAT_RGBx,
    GST_VIDEO_FORMAT_BGRx,
    GST_VIDEO_FORMAT_xRGB,
    GST_VIDEO_FORMAT_xBGR,
    GST_VIDEO_FORMAT_RGBA,
    GST_VIDEO_FORMAT_BGRA,
    GST_VIDEO_FORMAT_ARGB,
    GST_VIDEO_FORMAT_ABGR,
    GST_VIDEO_FORMAT_RGB,
    GST_VIDEO_FORMAT_BGR,
  };

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++) {
    const char *name = gst_video_format_to_string (formats[f]);
    GstVideoInfo info;
    GstHarness *h;
    GstBuffer *out, *ref;
    GstStructure *l;
    GstVideoRectangle all;
    guint8 *a, *b;
    guint inside = 0, outside = 0;

    info_for (&info, formats[f], W, H, 1, 1);
    h = harness_new ("ratingoverlay rating=bbfc:18 mode=persistent fade=0 "
                     "show-text=false",
        &info);
    fail_unless (gst_harness_push (h, frame_new (&info, BG, 0)) == GST_FLOW_OK,
        "%s: not negotiated", name);
    out = gst_harness_pull (h);
    fail_unless (out != NULL, "%s", name);
    l = get_layout (h);
    fail_unless (l != NULL, "%s", name);
    layout_rect (l, "", &all);
    gst_structure_free (l);
    all.x -= 2;
    all.y -= 2;
    all.w += 4;
    all.h += 4;

    ref = frame_new (&info, BG, 0);
    a = frame_rgba (&info, out);
    b = frame_rgba (&info, ref);
    for (int y = 0; y < H; y++)
      for (int x = 0; x < W; x++) {
        gsize i = ((gsize) y * W + x) * 4;
        gboolean changed = FALSE;
        for (int c = 0; c < 3; c++)
          if (ABS (a[i + c] - b[i + c]) > 6)
            changed = TRUE;
        if (changed && in_rect (&all, x, y))
          inside++;
        else if (changed)
          outside++;
      }
    fail_unless (outside == 0, "%s: %u pixels changed outside", name, outside);
    fail_unless (inside > (guint) (all.w * all.h) / 3, "%s: %u changed", name,
        inside);
    g_free (a);
    g_free (b);
    gst_buffer_unref (ref);
    gst_buffer_unref (out);
    gst_harness_teardown (h);
  }
}

GST_END_TEST;

/* ---- reference pictures -------------------------------------------------- */

#define REF_W 640
#define REF_H 360

static GstBuffer *
read_png (const char *path, int *w, int *h)
{
  char *desc = g_strdup_printf ("filesrc location=\"%s\" ! pngdec ! "
                                "videoconvert ! video/x-raw,format=RGBA ! "
                                "appsink name=sink",
      path);
  GstElement *p = gst_parse_launch (desc, NULL);
  GstElement *sink;
  GstSample *sample;
  GstBuffer *buf = NULL;

  g_free (desc);
  fail_unless (p != NULL);
  sink = gst_bin_get_by_name (GST_BIN (p), "sink");
  gst_element_set_state (p, GST_STATE_PLAYING);
  g_signal_emit_by_name (sink, "pull-sample", &sample);
  if (sample) {
    GstVideoInfo info;
    guint8 *px;
    fail_unless (
        gst_video_info_from_caps (&info, gst_sample_get_caps (sample)));
    *w = info.width;
    *h = info.height;
    px = frame_rgba (&info, gst_sample_get_buffer (sample));
    buf = gst_buffer_new_wrapped (px, (gsize) info.width * info.height * 4);
    gst_sample_unref (sample);
  }
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (p);
  return buf;
}

static void
write_png (const char *path, const guint8 *rgba, int w, int h)
{
  char *desc = g_strdup_printf ("appsrc name=src ! pngenc compression-level=9 "
                                "! filesink location=\"%s\"",
      path);
  GstElement *p = gst_parse_launch (desc, NULL);
  GstElement *src = gst_bin_get_by_name (GST_BIN (p), "src");
  GstCaps *caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING,
      "RGBA", "width", G_TYPE_INT, w, "height", G_TYPE_INT, h, "framerate",
      GST_TYPE_FRACTION, 0, 1, NULL);
  GstBus *bus = gst_element_get_bus (p);
  GstMessage *m;

  g_free (desc);
  g_object_set (src, "caps", caps, "format", GST_FORMAT_TIME, NULL);
  gst_caps_unref (caps);
  gst_element_set_state (p, GST_STATE_PLAYING);
  {
    GstBuffer *buf = gst_buffer_new_memdup (rgba, (gsize) w * h * 4);
    GstFlowReturn ret;
    g_signal_emit_by_name (src, "push-buffer", buf, &ret);
    gst_buffer_unref (buf);
    fail_unless_equals_int (ret, GST_FLOW_OK);
    g_signal_emit_by_name (src, "end-of-stream", &ret);
  }
  m = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (m && GST_MESSAGE_TYPE (m) == GST_MESSAGE_EOS);
  gst_message_unref (m);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (src);
  gst_object_unref (p);
}

/* Every rating of @sys (at most 8) drawn on a REF_WxREF_H grey frame,
 * the badges cut out side by side. */
static guint8 *
render_strip (const WsRatingSystem *sys, int *sw, int *sh)
{
  GstHarness *h;
  GstVideoInfo info;
  guint n = MIN (ws_rating_system_get_n_ratings (sys), 8);
  guint8 *strip = NULL;
  int bw = 0, bh = 0;

  info_for (&info, GST_VIDEO_FORMAT_RGBA, REF_W, REF_H, 1, 1);
  h = harness_new ("ratingoverlay mode=persistent fade=0 size=0.2 "
                   "show-text=false",
      &info);
  for (guint i = 0; i < n; i++) {
    const WsRatingDef *def = ws_rating_system_get_rating (sys, i);
    GstStructure *l;
    GstVideoRectangle r;
    GstBuffer *out;
    guint8 *px;

    push_rating (h, ws_rating_system_get_id (sys), ws_rating_def_get_code (def),
        NULL);
    out = push_frame (h, &info, i * GST_SECOND);
    l = get_layout (h);
    layout_rect (l, "badge", &r);
    gst_structure_free (l);
    if (strip == NULL) {
      bw = r.w;
      bh = r.h;
      strip = g_malloc0 ((gsize) bw * n * bh * 4);
    }
    fail_unless (r.w == bw && r.h == bh);
    px = frame_rgba (&info, out);
    for (int y = 0; y < bh; y++)
      memcpy (strip + ((gsize) y * bw * n + (gsize) i * bw) * 4,
          px + ((gsize) (r.y + y) * REF_W + r.x) * 4, (gsize) bw * 4);
    g_free (px);
    gst_buffer_unref (out);
  }
  gst_harness_teardown (h);
  *sw = bw * n;
  *sh = bh;
  return strip;
}

/* The pictograms of every common category, 5 to a row, under a bbfc:15
 * badge on a REF_WxREF_H grey frame, cut out and stacked. */
static guint8 *
render_pictograms (int *sw, int *sh)
{
  static const char *const rows[] = {
    "violence,fear,sex,discrimination,drugs",
    "language,horror,nudity,fantasy-violence,theme",
    "imitable-behaviour,dialogue,gambling,other",
  };
  GstVideoInfo info;
  guint8 *img = NULL;
  int rw = 0, rh = 0;

  info_for (&info, GST_VIDEO_FORMAT_RGBA, REF_W, REF_H, 1, 1);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++) {
    char *launch = g_strdup_printf ("ratingoverlay mode=persistent fade=0 "
                                    "size=0.2 show-text=false rating=bbfc:15 "
                                    "descriptors=%s",
        rows[i]);
    GstHarness *h = harness_new (launch, &info);
    GstBuffer *out = push_frame (h, &info, 0);
    GstStructure *l = get_layout (h);
    GstVideoRectangle r;
    guint8 *px;

    layout_rect (l, "pictograms", &r);
    gst_structure_free (l);
    if (img == NULL) {
      /* the first row is full: every row fits in its width */
      rw = r.w;
      rh = r.h;
      img = g_malloc ((gsize) rw * rh * G_N_ELEMENTS (rows) * 4);
      for (gsize p = 0; p < (gsize) rw * rh * G_N_ELEMENTS (rows); p++) {
        img[4 * p] = (BG >> 16) & 0xff;
        img[4 * p + 1] = (BG >> 8) & 0xff;
        img[4 * p + 2] = BG & 0xff;
        img[4 * p + 3] = 0xff;
      }
    }
    fail_unless (r.w <= rw && r.h == rh);
    px = frame_rgba (&info, out);
    for (int y = 0; y < rh; y++)
      memcpy (img + ((gsize) (i * rh + y) * rw) * 4,
          px + ((gsize) (r.y + y) * REF_W + r.x) * 4, (gsize) r.w * 4);
    g_free (px);
    gst_buffer_unref (out);
    gst_harness_teardown (h);
    g_free (launch);
  }
  *sw = rw;
  *sh = rh * (int) G_N_ELEMENTS (rows);
  return img;
}

/* Compares @img with the PNG @name under $WS_TEST_FILES/badges (writes it
 * first when WS_UPDATE_BADGES=1). */
static void
check_reference (const char *name, const guint8 *img, int w, int h)
{
  const char *files = g_getenv ("WS_TEST_FILES");
  gboolean update = g_strcmp0 (g_getenv ("WS_UPDATE_BADGES"), "1") == 0;
  char *dir, *path;
  int ew = 0, eh = 0;
  GstBuffer *expected;
  GstMapInfo map;
  double sum = 0, mean;
  guint bad = 0;

  fail_unless (files != NULL, "WS_TEST_FILES is not set");
  dir = g_build_filename (files, "badges", NULL);
  path = g_build_filename (dir, name, NULL);
  if (update) {
    g_mkdir_with_parents (dir, 0755);
    write_png (path, img, w, h);
  }
  fail_unless (g_file_test (path, G_FILE_TEST_EXISTS),
      "%s: missing (make "
      "it with WS_UPDATE_BADGES=1, then look at it)",
      path);
  expected = read_png (path, &ew, &eh);
  fail_unless (expected != NULL, "%s: unreadable", path);
  fail_unless (ew == w && eh == h, "%s: %dx%d, rendered %dx%d", path, ew, eh, w,
      h);
  fail_unless (gst_buffer_map (expected, &map, GST_MAP_READ));
  for (gsize i = 0; i < (gsize) w * h; i++) {
    int worst = 0;
    for (int c = 0; c < 3; c++) {
      int d = ABS (map.data[4 * i + c] - img[4 * i + c]);
      sum += d;
      worst = MAX (worst, d);
    }
    if (worst > 64)
      bad++;
  }
  gst_buffer_unmap (expected, &map);
  mean = sum / ((double) w * h * 3);
  /* anti-aliasing and font versions move a few edge pixels, a change of
   * style moves many */
  fail_unless (mean < 3.0 && bad < (guint) (w * h) / 50,
      "%s: mean difference %.2f, %u pixels off: the style changed (if on "
      "purpose, regenerate with WS_UPDATE_BADGES=1 and look at them)",
      path, mean, bad);
  gst_buffer_unref (expected);
  g_free (path);
  g_free (dir);
}

GST_START_TEST (test_ratingoverlay_reference_badges)
{
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);

  fail_unless (reg != NULL);
  fail_unless (ws_rating_registry_get_n_systems (reg) >= 18);
  for (guint s = 0; s < ws_rating_registry_get_n_systems (reg); s++) {
    const WsRatingSystem *sys = ws_rating_registry_get_system (reg, s);
    char *name = g_strdup_printf ("%s.png", ws_rating_system_get_id (sys));
    int sw, sh;
    guint8 *strip = render_strip (sys, &sw, &sh);

    check_reference (name, strip, sw, sh);
    g_free (strip);
    g_free (name);
  }
}

GST_END_TEST;

GST_START_TEST (test_ratingoverlay_reference_pictograms)
{
  int w, h;
  guint8 *img = render_pictograms (&w, &h);

  check_reference ("pictograms.png", img, w, h);
  g_free (img);
}

GST_END_TEST;

/* ---- issue 11: hostile texts --------------------------------------------- */

/* A 100,000-character guidance text (property or application event) used
 * to stall the streaming thread for seconds in pango, then fail to draw:
 * it is cut at WS_GUIDANCE_TEXT_MAX_CHARS with an ellipsis and drawn, and
 * the text box stays inside the frame. */
GST_START_TEST (test_ratingoverlay_huge_text_bounded)
{
  GString *big = g_string_new (NULL);
  GstHarness *h;
  GstVideoInfo info;
  GstStructure *l;
  GstVideoRectangle text;
  GstMessage *msg;
  GstBus *bus;
  const char *summary, *tail;
  WsRating *r;

  for (int i = 0; i < 100000 / 10; i++)
    g_string_append (big, "violence  ");
  info_for (&info, GST_VIDEO_FORMAT_RGBA, W, H, 1, 1);

  for (int path = 0; path < 2; path++) {
    h = harness_rgba ("ratingoverlay mode=persistent fade=0");
    bus = gst_bus_new ();
    gst_element_set_bus (h->element, bus);
    if (path == 0) {
      g_object_set (overlay_of (h), "text", big->str, NULL);
      push_rating (h, "bbfc", "15", NULL);
    } else {
      /* an application builds the event itself: the text is cut there */
      r = ws_rating_new ();
      r->system = g_strdup ("bbfc");
      r->code = g_strdup ("15");
      fail_unless (ws_rating_add_text (r, "en", "long", big->str));
      fail_unless (gst_harness_push_event (h, ws_rating_event_new (r, NULL)));
      ws_rating_free (r);
    }
    gst_buffer_unref (push_frame (h, &info, 0));
    l = get_layout (h);
    fail_unless (l != NULL, "nothing drawn");
    summary = gst_structure_get_string (l, "rating");
    /* "BBFC 15 violence violence ... v…": the text part is bounded */
    tail = strstr (summary, "violence");
    fail_unless (tail != NULL, "%s", summary);
    fail_unless_equals_int (g_utf8_strlen (tail, -1),
        WS_GUIDANCE_TEXT_MAX_CHARS + 1);
    fail_unless (g_str_has_suffix (summary, "\u2026"), "%s", summary);
    layout_rect (l, "text", &text);
    fail_unless (text.w > 0 && text.h > 0);
    fail_unless (text.x >= 0 && text.y >= 0 && text.x + text.w <= W &&
                     text.y + text.h <= H,
        "text box %d,%d %dx%d", text.x, text.y, text.w, text.h);
    gst_structure_free (l);
    /* no "cannot draw" */
    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING | GST_MESSAGE_ERROR);
    fail_unless (msg == NULL);
    gst_element_set_bus (h->element, NULL);
    gst_object_unref (bus);
    gst_harness_teardown (h);
  }
  g_string_free (big, TRUE);
}

GST_END_TEST;

/* An unknown code of 100,000 characters is a generic badge with the code
 * cut, not a layout of the whole string. */
GST_START_TEST (test_ratingoverlay_huge_code_bounded)
{
  GString *code = g_string_new (NULL);
  GstHarness *h = harness_rgba ("ratingoverlay mode=persistent fade=0");
  GstVideoInfo info;
  GstStructure *l;
  const char *summary;

  for (int i = 0; i < 100000; i++)
    g_string_append_c (code, 'X');
  info_for (&info, GST_VIDEO_FORMAT_RGBA, W, H, 1, 1);
  push_rating (h, "nowhere", code->str, NULL);
  gst_buffer_unref (push_frame (h, &info, 0));
  l = get_layout (h);
  fail_unless (l != NULL);
  summary = gst_structure_get_string (l, "rating");
  fail_unless (strlen (summary) < 200, "%zu bytes", strlen (summary));
  fail_unless (g_str_has_suffix (summary, "XXXX\u2026"), "%s", summary);
  gst_structure_free (l);
  gst_harness_teardown (h);
  g_string_free (code, TRUE);
}

GST_END_TEST;

static Suite *
ratingoverlay_suite (void)
{
  Suite *s = suite_create ("ratingoverlay");
  TCase *core = tcase_create ("core");
  TCase *timing = tcase_create ("timing");
  TCase *paths = tcase_create ("paths");
  TCase *style = tcase_create ("style");
  TCase *hostile;

  tcase_set_timeout (core, 120);
  tcase_set_timeout (paths, 300);
  tcase_set_timeout (style, 300);
  tcase_add_test (core, test_ratingoverlay_pixels_only_in_rects);
  tcase_add_test (core, test_ratingoverlay_corners);
  tcase_add_test (core, test_ratingoverlay_par_and_sizes);
  tcase_add_test (core, test_ratingoverlay_pictogram_limits);
  tcase_add_test (core, test_ratingoverlay_text_language);
  tcase_add_test (core, test_ratingoverlay_off_and_no_rating);
  tcase_add_test (timing, test_ratingoverlay_timing_at_start);
  tcase_add_test (timing, test_ratingoverlay_timing_flush);
  tcase_add_test (timing, test_ratingoverlay_timing_break_end);
  tcase_add_test (timing, test_ratingoverlay_timing_rating_change);
  tcase_add_test (timing, test_ratingoverlay_fade);
  tcase_add_test (timing, test_ratingoverlay_auto_rules);
  tcase_add_test (paths, test_ratingoverlay_meta_path);
  tcase_add_test (paths, test_ratingoverlay_blend_path);
  tcase_add_test (paths, test_ratingoverlay_reconfigure_to_meta);
  tcase_add_test (paths, test_ratingoverlay_formats);
  tcase_add_test (style, test_ratingoverlay_reference_badges);
  tcase_add_test (style, test_ratingoverlay_reference_pictograms);
  suite_add_tcase (s, core);
  suite_add_tcase (s, timing);
  suite_add_tcase (s, paths);
  suite_add_tcase (s, style);

  hostile = tcase_create ("hostile");
  tcase_set_timeout (hostile, 300);
  tcase_add_test (hostile, test_ratingoverlay_huge_text_bounded);
  tcase_add_test (hostile, test_ratingoverlay_huge_code_bounded);
  suite_add_tcase (s, hostile);
  return s;
}

GST_CHECK_MAIN (ratingoverlay);
