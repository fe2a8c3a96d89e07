/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gst-check tests for the flashdetect element. */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#include "ws-test-video.h"

#define W 64
#define H 48
#define FPS 25
#define FRAME_NS (GST_SECOND / FPS)

/* I420 frame of one grey level (limited range). */
static GstBuffer *
grey_buffer (guint8 y, guint64 index)
{
  gsize ysize = W * H, csize = (W / 2) * (H / 2);
  GstBuffer *buf = gst_buffer_new_allocate (NULL, ysize + 2 * csize, NULL);
  GstMapInfo map;

  fail_unless (gst_buffer_map (buf, &map, GST_MAP_WRITE));
  memset (map.data, y, ysize);
  memset (map.data + ysize, 128, 2 * csize);
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = index * FRAME_NS;
  GST_BUFFER_DURATION (buf) = FRAME_NS;
  return buf;
}

static GstHarness *
new_harness (GstBus **bus)
{
  GstHarness *h = gst_harness_new ("flashdetect");
  *bus = gst_bus_new ();
  gst_element_set_bus (h->element, *bus);
  gst_harness_set_src_caps_str (h,
      "video/x-raw, format=I420, width=64, "
      "height=48, framerate=25/1, colorimetry=bt709, "
      "interlace-mode=progressive");
  return h;
}

static GList *
collect_messages (GstBus *bus)
{
  GList *list = NULL;
  GstMessage *msg;
  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT)) != NULL) {
    const GstStructure *s = gst_message_get_structure (msg);
    if (s != NULL && gst_structure_has_name (s, "flashdetect"))
      list = g_list_append (list, msg);
    else
      gst_message_unref (msg);
  }
  return list;
}

static const GstStructure *
find_event (GList *list, const gchar *event, const gchar *kind)
{
  for (GList *l = list; l; l = l->next) {
    const GstStructure *s = gst_message_get_structure (l->data);
    if (g_strcmp0 (gst_structure_get_string (s, "event"), event) == 0 &&
        (kind == NULL ||
            g_strcmp0 (gst_structure_get_string (s, "kind"), kind) == 0))
      return s;
  }
  return NULL;
}

static guint
count_events (GList *list, const gchar *event)
{
  guint n = 0;
  for (GList *l = list; l; l = l->next) {
    const GstStructure *s = gst_message_get_structure (l->data);
    if (g_strcmp0 (gst_structure_get_string (s, "event"), event) == 0)
      n++;
  }
  return n;
}

static void
assert_timing_quartet (const GstStructure *s)
{
  static const gchar *const names[] = { "timestamp", "stream-time",
    "running-time", "duration" };
  for (guint i = 0; i < 4; i++) {
    fail_unless_equals_string (gst_structure_nth_field_name (s, i), names[i]);
    fail_unless (gst_structure_get_field_type (s, names[i]) == G_TYPE_UINT64);
  }
}

GST_START_TEST (test_flashdetect_flashing_posts_incident)
{
  GstBus *bus;
  GstHarness *h = new_harness (&bus);
  GList *msgs;
  const GstStructure *s;
  guint64 start, end, ts;
  gdouble rate, area;
  guint count;
  gchar *verdict;
  gboolean prev = FALSE;
  guint64 last_change = 0;

  /* 1 s black, 3 s of 5 Hz white/black (frames 25..99), 1 s black */
  for (guint64 i = 0; i < 125; i++) {
    gboolean white = i >= 25 && i < 100 && ((i - 25) * 10 / FPS) % 2 == 0;
    if (white != prev)
      last_change = i;
    prev = white;
    fail_unless_equals_int (gst_harness_push (h,
                                grey_buffer (white ? 235 : 16, i)),
        GST_FLOW_OK);
    gst_buffer_unref (gst_harness_pull (h));
  }
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  msgs = collect_messages (bus);

  s = find_event (msgs, "incident-start", "luminance");
  fail_unless (s != NULL);
  assert_timing_quartet (s);
  fail_unless (gst_structure_get_uint64 (s, "timestamp", &ts));
  /* detected once the 7th transition is seen: 25 + 6 * 2.5 frames */
  fail_unless (ts >= 38 * FRAME_NS && ts <= 42 * FRAME_NS);
  fail_unless (gst_structure_get_uint64 (s, "start", &start));
  fail_unless_equals_uint64 (start, 25 * FRAME_NS);

  /* opened as a warning (6 transitions), raised to fail at the 7th */
  fail_unless_equals_string (gst_structure_get_string (s, "verdict"), "warn");
  s = find_event (msgs, "incident-update", "luminance");
  fail_unless (s != NULL);
  assert_timing_quartet (s);
  fail_unless_equals_string (gst_structure_get_string (s, "verdict"), "fail");

  s = find_event (msgs, "incident-end", "luminance");
  fail_unless (s != NULL);
  assert_timing_quartet (s);
  fail_unless_equals_string (gst_structure_get_string (s, "verdict"), "fail");
  fail_unless_equals_string (gst_structure_get_string (s, "kind"), "luminance");
  fail_unless (gst_structure_get_uint64 (s, "start", &start));
  fail_unless (gst_structure_get_uint64 (s, "end", &end));
  fail_unless_equals_uint64 (start, 25 * FRAME_NS);
  /* the last change (back to black for good), within a frame */
  fail_unless (end + FRAME_NS >= last_change * FRAME_NS &&
               end <= last_change * FRAME_NS + FRAME_NS);
  fail_unless (gst_structure_get_double (s, "peak-rate", &rate));
  fail_unless (rate >= 4.5 && rate <= 5.5);
  fail_unless (gst_structure_get_double (s, "area", &area));
  fail_unless (area > 0.99);
  fail_if (find_event (msgs, "incident-start", "red") != NULL);

  s = find_event (msgs, "summary", NULL);
  fail_unless (s != NULL);
  assert_timing_quartet (s);
  fail_unless_equals_string (gst_structure_get_string (s, "verdict"), "fail");
  fail_unless (gst_structure_get_uint (s, "incident-count", &count));
  fail_unless_equals_int (count, 1);

  g_object_get (h->element, "verdict", &verdict, "incident-count", &count,
      NULL);
  fail_unless_equals_string (verdict, "fail");
  fail_unless_equals_int (count, 1);
  g_free (verdict);

  g_list_free_full (msgs, (GDestroyNotify) gst_message_unref);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_flashdetect_steady_content_passes)
{
  GstBus *bus;
  GstHarness *h = new_harness (&bus);
  GList *msgs;
  const GstStructure *s;
  guint count = 99;

  g_object_set (h->element, "post-frames", TRUE, NULL);
  for (guint64 i = 0; i < 50; i++) {
    /* a slow ramp: no flashes */
    fail_unless_equals_int (gst_harness_push (h, grey_buffer (16 + i * 4, i)),
        GST_FLOW_OK);
    gst_buffer_unref (gst_harness_pull (h));
  }
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  msgs = collect_messages (bus);
  fail_unless_equals_int (count_events (msgs, "incident-start"), 0);
  fail_unless_equals_int (count_events (msgs, "frame"), 50);
  s = find_event (msgs, "frame", NULL);
  assert_timing_quartet (s);
  {
    gdouble risk = -1, lum = -1;
    fail_unless (gst_structure_get_double (s, "luminance-risk", &risk));
    fail_unless (gst_structure_get_double (s, "luminance", &lum));
    fail_unless (risk == 0.0);
    fail_unless (lum >= 0.0 && lum < 1.0);
  }
  s = find_event (msgs, "summary", NULL);
  fail_unless (s != NULL);
  fail_unless_equals_string (gst_structure_get_string (s, "verdict"), "pass");
  fail_unless (gst_structure_get_uint (s, "incident-count", &count));
  fail_unless_equals_int (count, 0);

  g_list_free_full (msgs, (GDestroyNotify) gst_message_unref);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_flashdetect_post_messages_off)
{
  GstBus *bus;
  GstHarness *h = new_harness (&bus);
  GList *msgs;

  g_object_set (h->element, "post-messages", FALSE, NULL);
  for (guint64 i = 0; i < 50; i++) {
    fail_unless_equals_int (gst_harness_push (h,
                                grey_buffer (i % 2 ? 235 : 16, i)),
        GST_FLOW_OK);
    gst_buffer_unref (gst_harness_pull (h));
  }
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  msgs = collect_messages (bus);
  fail_unless (msgs == NULL);
  {
    gchar *verdict;
    g_object_get (h->element, "verdict", &verdict, NULL);
    fail_unless_equals_string (verdict, "fail");
    g_free (verdict);
  }
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_flashdetect_passthrough_unchanged)
{
  GstBus *bus;
  GstHarness *h = new_harness (&bus);
  GstBuffer *in = grey_buffer (100, 0), *out;
  GstMapInfo a, b;

  gst_buffer_ref (in);
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (out == in);
  fail_unless (gst_buffer_map (out, &a, GST_MAP_READ));
  for (gsize i = 0; i < W * H; i++)
    fail_unless_equals_int (a.data[i], 100);
  gst_buffer_unmap (out, &a);
  gst_buffer_unref (out);

  /* a fresh buffer of another level comes out byte for byte */
  in = grey_buffer (50, 1);
  fail_unless (gst_buffer_map (in, &b, GST_MAP_READ));
  {
    guint8 *copy = g_memdup2 (b.data, b.size);
    gsize size = b.size;
    gst_buffer_unmap (in, &b);
    fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
    out = gst_harness_pull (h);
    fail_unless (gst_buffer_map (out, &a, GST_MAP_READ));
    fail_unless_equals_int (a.size, size);
    fail_unless (memcmp (a.data, copy, size) == 0);
    gst_buffer_unmap (out, &a);
    gst_buffer_unref (out);
    g_free (copy);
  }
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* A frame of @info's format filled with one sRGB colour, converted from
 * RGBA by GStreamer's own converter (so each format's plane and chroma
 * order is GStreamer's, not the test's). */
static GstBuffer *
colour_frame (const GstVideoInfo *info, guint32 rgb, guint64 index)
{
  GstVideoInfo rgba;
  GstBuffer *src, *dst;
  GstVideoFrame in, out;
  GstVideoConverter *conv;
  GstMapInfo map;

  gst_video_info_set_format (&rgba, GST_VIDEO_FORMAT_RGBA,
      GST_VIDEO_INFO_WIDTH (info), GST_VIDEO_INFO_HEIGHT (info));
  GST_VIDEO_INFO_FPS_N (&rgba) = GST_VIDEO_INFO_FPS_N (info);
  GST_VIDEO_INFO_FPS_D (&rgba) = GST_VIDEO_INFO_FPS_D (info);
  src = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&rgba), NULL);
  fail_unless (gst_buffer_map (src, &map, GST_MAP_WRITE));
  for (gsize i = 0; i + 4 <= map.size; i += 4) {
    map.data[i] = (rgb >> 16) & 0xff;
    map.data[i + 1] = (rgb >> 8) & 0xff;
    map.data[i + 2] = rgb & 0xff;
    map.data[i + 3] = 0xff;
  }
  gst_buffer_unmap (src, &map);
  dst = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (info), NULL);
  fail_unless (gst_video_frame_map (&in, &rgba, src, GST_MAP_READ));
  fail_unless (gst_video_frame_map (&out, info, dst, GST_MAP_WRITE));
  conv = gst_video_converter_new (&rgba, (GstVideoInfo *) info, NULL);
  fail_unless (conv != NULL);
  gst_video_converter_frame (conv, &in, &out);
  gst_video_converter_free (conv);
  gst_video_frame_unmap (&in);
  gst_video_frame_unmap (&out);
  gst_buffer_unref (src);
  GST_BUFFER_PTS (dst) = index * FRAME_NS;
  GST_BUFFER_DURATION (dst) = FRAME_NS;
  return dst;
}

/* Whether 2 s of @rgb flashing with black at about 4 Hz in @format gives a
 * red-flash incident. */
static gboolean
red_incident_in (const gchar *format, guint32 rgb)
{
  GstHarness *h = gst_harness_new ("flashdetect");
  GstBus *bus = gst_bus_new ();
  gchar *caps = g_strdup_printf ("video/x-raw, format=%s, width=%d, "
                                 "height=%d, framerate=%d/1",
      format, W, H, FPS);
  GstCaps *c = gst_caps_from_string (caps);
  GstVideoInfo info;
  GList *msgs;
  gboolean red;

  gst_element_set_bus (h->element, bus);
  fail_unless (gst_video_info_from_caps (&info, c));
  gst_harness_set_src_caps (h, c);
  for (guint64 n = 0; n < 2 * FPS; n++) {
    GstBuffer *buf = colour_frame (&info, (n / 3) % 2 ? 0x000000 : rgb, n);

    fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);
    gst_buffer_unref (gst_harness_pull (h));
  }
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  msgs = collect_messages (bus);
  red = find_event (msgs, "incident-start", "red") != NULL;
  g_list_free_full (msgs, (GDestroyNotify) gst_message_unref);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  g_free (caps);
  gst_harness_teardown (h);
  return red;
}

/* Every format negotiates and is read with its own plane and chroma
 * order: saturated red flashing is a red flash, saturated blue flashing
 * (the same picture with U and V, or R and B, swapped) is not. */
GST_START_TEST (test_flashdetect_formats_negotiate)
{
  static const gchar *const formats[] = { "I420", "YV12", "NV12", "NV21",
    "Y42B", "Y444", "YUY2", "UYVY", "I420_10LE", "P010_10LE", "RGB", "BGR",
    "RGBx", "BGRx", "xRGB", "xBGR", "RGBA", "BGRA", "ARGB", "ABGR" };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++) {
    fail_unless (red_incident_in (formats[i], 0xff0000),
        "%s: red flashing not seen as a red flash", formats[i]);
    fail_if (red_incident_in (formats[i], 0x0000ff),
        "%s: blue flashing seen as a red flash (chroma swapped?)", formats[i]);
  }
}

GST_END_TEST;

GST_START_TEST (test_flashdetect_rejects_other_formats)
{
  GstHarness *h = gst_harness_new ("flashdetect");
  GstCaps *caps = gst_caps_from_string ("video/x-raw, format=GRAY8, "
                                        "width=64, height=48, framerate=25/1");
  GstPad *sink = gst_element_get_static_pad (h->element, "sink");

  fail_if (gst_pad_query_accept_caps (sink, caps));
  gst_caps_unref (caps);
  gst_object_unref (sink);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* ---- regular patterns ---------------------------------------------------
 * Kept together: other blocks of tests are appended after this one. */

#define PW 320
#define PH 240

/* I420 (limited range) of vertical black/white stripes @period pixels apart,
 * or flat grey when @period is 0. */
static GstBuffer *
stripes_buffer (guint period, guint64 index)
{
  gsize ysize = PW * PH, csize = (PW / 2) * (PH / 2);
  GstBuffer *buf = gst_buffer_new_allocate (NULL, ysize + 2 * csize, NULL);
  GstMapInfo map;

  fail_unless (gst_buffer_map (buf, &map, GST_MAP_WRITE));
  for (guint y = 0; y < PH; y++)
    for (guint x = 0; x < PW; x++)
      map.data[y * PW + x] = period == 0            ? 126 :
                             (x / (period / 2)) % 2 ? 16 :
                                                      235;
  memset (map.data + ysize, 128, 2 * csize);
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = index * FRAME_NS;
  GST_BUFFER_DURATION (buf) = FRAME_NS;
  return buf;
}

GST_START_TEST (test_flashdetect_pattern_posts_incident)
{
  GstBus *bus;
  GstHarness *h = gst_harness_new ("flashdetect");
  GList *msgs;
  const GstStructure *s;
  guint64 start, end, ts;
  gdouble area;
  gint pairs;

  bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (h,
      "video/x-raw, format=I420, width=320, height=240, framerate=25/1, "
      "colorimetry=bt709, interlace-mode=progressive");
  g_object_set (h->element, "post-frames", TRUE, NULL);
  /* 0.2 s grey, 1 s of stationary stripes (20 pairs of 16 px), 1.2 s grey */
  for (guint64 i = 0; i < 60; i++) {
    fail_unless_equals_int (gst_harness_push (h,
                                stripes_buffer (i >= 5 && i < 30 ? 16 : 0, i)),
        GST_FLOW_OK);
    gst_buffer_unref (gst_harness_pull (h));
  }
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  msgs = collect_messages (bus);

  s = find_event (msgs, "incident-start", "pattern");
  fail_unless (s != NULL);
  assert_timing_quartet (s);
  /* fails once stationary for more than 0.5 s: the 13th frame of it */
  fail_unless (gst_structure_get_uint64 (s, "timestamp", &ts));
  fail_unless_equals_uint64 (ts, 17 * FRAME_NS);
  fail_unless_equals_string (gst_structure_get_string (s, "verdict"), "fail");
  fail_unless (gst_structure_get_uint64 (s, "start", &start));
  fail_unless_equals_uint64 (start, 5 * FRAME_NS);
  fail_unless (gst_structure_get_int (s, "stripe-pairs", &pairs));
  fail_unless_equals_int (pairs, 20);
  fail_unless (gst_structure_get_double (s, "area", &area));
  fail_unless (area > 0.95 && area <= 1.0);

  s = find_event (msgs, "incident-end", "pattern");
  fail_unless (s != NULL);
  fail_unless (gst_structure_get_uint64 (s, "end", &end));
  fail_unless_equals_uint64 (end, 30 * FRAME_NS);
  fail_unless (find_event (msgs, "incident-start", "luminance") == NULL);

  s = find_event (msgs, "frame", NULL);
  fail_unless (s != NULL);
  fail_unless (
      gst_structure_has_field_typed (s, "pattern-area", G_TYPE_DOUBLE));
  s = find_event (msgs, "summary", NULL);
  fail_unless (s != NULL);
  fail_unless_equals_string (gst_structure_get_string (s, "verdict"), "fail");
  g_list_free_full (msgs, (GDestroyNotify) gst_message_unref);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* ---- HDR (issue 16): BT.2100 colorimetry, 10- and 12-bit formats ------ */

static GstHarness *
hdr_harness (const gchar *caps, GstVideoInfo *info, GstBus **bus)
{
  GstHarness *h = gst_harness_new ("flashdetect");
  GstCaps *c = gst_caps_from_string (caps);

  fail_unless (gst_video_info_from_caps (info, c));
  *bus = gst_bus_new ();
  gst_element_set_bus (h->element, *bus);
  gst_harness_set_src_caps (h, c);
  return h;
}

static void
hdr_teardown (GstHarness *h, GstBus *bus, GList *msgs)
{
  g_list_free_full (msgs, (GDestroyNotify) gst_message_unref);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

/* A frame of @info (10 or 12 bits, limited range): neutral grey of signal
 * @signal (0..1), chroma at its zero. */
static GstBuffer *
deep_grey_buffer (const GstVideoInfo *info, gdouble signal, guint64 index)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (info),
      NULL);
  GstVideoFrame frame;
  guint depth = GST_VIDEO_INFO_COMP_DEPTH (info, 0);
  guint k = 1u << (depth - 8);

  fail_unless (gst_video_frame_map (&frame, info, buf, GST_MAP_WRITE));
  /* every 16-bit word of each plane's rows: luma, or a chroma zero (the
   * interleaved UV plane of P010 / P012 is two such words per pixel) */
  for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES (&frame); p++) {
    guint c = p == 0 ? 0 : 1;
    guint code = p == 0 ? (guint) lrint ((16.0 + 219.0 * signal) * k) : 128 * k;
    guint v = code << GST_VIDEO_FORMAT_INFO_SHIFT (frame.info.finfo, c);
    guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (&frame, p);
    gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, p);
    gint row = GST_VIDEO_FRAME_COMP_WIDTH (&frame, c) *
               GST_VIDEO_FRAME_COMP_PSTRIDE (&frame, c);

    for (gint y = 0; y < GST_VIDEO_FRAME_COMP_HEIGHT (&frame, c); y++)
      for (gint x = 0; x + 1 < row; x += 2) {
        guint8 *q = data + y * stride + x;
        q[0] = (guint8) (v & 0xff);
        q[1] = (guint8) (v >> 8);
      }
  }
  gst_video_frame_unmap (&frame);
  GST_BUFFER_PTS (buf) = index * FRAME_NS;
  GST_BUFFER_DURATION (buf) = FRAME_NS;
  return buf;
}

static guint
count_warnings (GstBus *bus)
{
  guint n = 0;
  GstMessage *msg;

  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING)) != NULL) {
    n++;
    gst_message_unref (msg);
  }
  return n;
}

GST_START_TEST (test_flashdetect_hdr_formats_negotiate)
{
  static const gchar *const formats[] = { "I420_10LE", "P010_10LE", "I422_10LE",
    "Y444_10LE", "I420_12LE", "I422_12LE", "Y444_12LE", "P012_LE" };
  static const gchar *const cms[][2] = { { "bt2100-pq", "pq" },
    { "bt2100-hlg", "hlg" } };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    for (guint j = 0; j < G_N_ELEMENTS (cms); j++) {
      gchar *caps = g_strdup_printf ("video/x-raw, format=%s, width=64, "
                                     "height=48, framerate=25/1, "
                                     "colorimetry=%s",
          formats[i], cms[j][0]);
      GstVideoInfo info;
      GstBus *bus;
      GstHarness *h = hdr_harness (caps, &info, &bus);
      gchar *transfer = NULL;

      fail_unless_equals_int (GST_VIDEO_INFO_COLORIMETRY (&info).primaries,
          GST_VIDEO_COLOR_PRIMARIES_BT2020);
      for (guint n = 0; n < 3; n++) {
        fail_unless_equals_int (gst_harness_push (h,
                                    deep_grey_buffer (&info, n * 0.3, n)),
            GST_FLOW_OK);
        gst_buffer_unref (gst_harness_pull (h));
      }
      g_object_get (h->element, "transfer", &transfer, NULL);
      fail_unless_equals_string (transfer, cms[j][1]);
      fail_unless_equals_int (count_warnings (bus), 0);
      g_free (transfer);
      g_free (caps);
      hdr_teardown (h, bus, NULL);
    }
}

GST_END_TEST;

/* 3 s full-screen flash at 6.25 Hz between two display luminances; returns
 * the messages. */
static GList *
run_hdr_flash (const gchar *caps, gdouble dark_cd_m2, gdouble bright_cd_m2,
    GstHarness **hout, GstBus **bus)
{
  GstVideoInfo info;
  GstHarness *h = hdr_harness (caps, &info, bus);
  gboolean pq = GST_VIDEO_INFO_COLORIMETRY (&info).transfer ==
                GST_VIDEO_TRANSFER_SMPTE2084;
  gdouble lv[2] = { dark_cd_m2, bright_cd_m2 };
  gdouble sig[2];

  for (guint i = 0; i < 2; i++)
    sig[i] = pq ? ws_test_pq_encode (lv[i]) :
                  ws_test_hlg_encode (lv[i], 1000.0, 1.2);
  for (guint64 n = 0; n < 3 * FPS; n++) {
    fail_unless_equals_int (gst_harness_push (h,
                                deep_grey_buffer (&info, sig[(n / 2) % 2], n)),
        GST_FLOW_OK);
    gst_buffer_unref (gst_harness_pull (h));
  }
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  *hout = h;
  return collect_messages (*bus);
}

/* BT.1702-3 in absolute luminance: 0 <-> 100 cd/m^2 fails; 175 <-> 400
 * cd/m^2 (darker state above 160) passes; the messages name the transfer,
 * the primaries and the standard. */
GST_START_TEST (test_flashdetect_hdr_absolute_rule)
{
  static const struct {
    const gchar *caps;
    gdouble dark, bright;
    const gchar *verdict, *transfer;
  } cases[] = {
    { "video/x-raw, format=P010_10LE, width=64, height=48, "
      "framerate=25/1, colorimetry=bt2100-pq",
        0.0, 100.0, "fail", "pq" },
    { "video/x-raw, format=P010_10LE, width=64, height=48, "
      "framerate=25/1, colorimetry=bt2100-pq",
        175.0, 400.0, "pass", "pq" },
    { "video/x-raw, format=I420_10LE, width=64, height=48, "
      "framerate=25/1, colorimetry=bt2100-hlg",
        150.0, 400.0, "fail", "hlg" },
    { "video/x-raw, format=I420_12LE, width=64, height=48, "
      "framerate=25/1, colorimetry=bt2100-hlg",
        100.0, 116.0, "pass", "hlg" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstHarness *h;
    GstBus *bus;
    GList *msgs = run_hdr_flash (cases[i].caps, cases[i].dark, cases[i].bright,
        &h, &bus);
    const GstStructure *s = find_event (msgs, "summary", NULL);

    fail_unless (s != NULL);
    fail_unless_equals_string (gst_structure_get_string (s, "verdict"),
        cases[i].verdict);
    fail_unless_equals_string (gst_structure_get_string (s, "transfer"),
        cases[i].transfer);
    fail_unless_equals_string (gst_structure_get_string (s, "primaries"),
        "bt2020");
    fail_unless_equals_string (gst_structure_get_string (s, "standard"),
        "ITU-R BT.1702-3");
    s = find_event (msgs, "incident-start", "luminance");
    if (g_str_equal (cases[i].verdict, "fail")) {
      fail_unless (s != NULL, "case %u: no incident-start among %u messages", i,
          g_list_length (msgs));
      fail_unless_equals_string (gst_structure_get_string (s, "transfer"),
          cases[i].transfer);
    } else {
      fail_unless (s == NULL);
    }
    hdr_teardown (h, bus, msgs);
  }
}

GST_END_TEST;

/* hlg-peak-luminance sets L_W: HLG 75 % is 203 cd/m^2 at 1000 cd/m^2 and
 * 2000 * 0.265^1.326 = 344 cd/m^2 at 2000 (BT.2100 system gamma). */
GST_START_TEST (test_flashdetect_hdr_hlg_peak_property)
{
  static const gdouble peaks[][2] = { { 1000.0, 203.0 }, { 2000.0, 343.6 } };

  for (guint i = 0; i < G_N_ELEMENTS (peaks); i++) {
    GstVideoInfo info;
    GstBus *bus;
    GstHarness *h = gst_harness_new ("flashdetect");
    GstCaps *c = gst_caps_from_string ("video/x-raw, format=Y444_10LE, "
                                       "width=64, height=48, framerate=25/1, "
                                       "colorimetry=bt2100-hlg");
    GList *msgs;
    const GstStructure *s;
    gdouble lum, peak;

    g_object_set (h->element, "post-frames", TRUE, "hlg-peak-luminance",
        peaks[i][0], NULL);
    g_object_get (h->element, "hlg-peak-luminance", &peak, NULL);
    fail_unless_equals_float (peak, peaks[i][0]);
    fail_unless (gst_video_info_from_caps (&info, c));
    bus = gst_bus_new ();
    gst_element_set_bus (h->element, bus);
    gst_harness_set_src_caps (h, c);
    fail_unless_equals_int (gst_harness_push (h,
                                deep_grey_buffer (&info, 0.75, 0)),
        GST_FLOW_OK);
    gst_buffer_unref (gst_harness_pull (h));
    msgs = collect_messages (bus);
    s = find_event (msgs, "frame", NULL);
    fail_unless (s != NULL);
    fail_unless (gst_structure_get_double (s, "luminance", &lum));
    fail_unless (fabs (lum - peaks[i][1]) < 0.015 * peaks[i][1],
        "HLG 75 %% at %.0f cd/m2: %.1f cd/m2, expected %.1f", peaks[i][0], lum,
        peaks[i][1]);
    hdr_teardown (h, bus, msgs);
  }
}

GST_END_TEST;

/* Untagged deep video is a warning, never a silent guess; tagged SDR and
 * untagged 8-bit are not. */
GST_START_TEST (test_flashdetect_hdr_untagged_warns)
{
  static const struct {
    const gchar *caps;
    guint warnings;
  } cases[] = {
    { "video/x-raw, format=I420_10LE, width=64, height=48, framerate=25/1", 1 },
    { "video/x-raw, format=P012_LE, width=64, height=48, framerate=25/1", 1 },
    /* what avdec_h265 gives for an HEVC stream that does not say */
    { "video/x-raw, format=I420_10LE, width=64, height=48, framerate=25/1, "
      "colorimetry=2:0:0:0",
        1 },
    /* SDR BT.2020 (transfer bt2020-10) is tagged */
    { "video/x-raw, format=I420_10LE, width=64, height=48, framerate=25/1, "
      "colorimetry=bt2020",
        0 },
    { "video/x-raw, format=I420_10LE, width=64, height=48, framerate=25/1, "
      "colorimetry=bt709",
        0 },
    { "video/x-raw, format=I420, width=64, height=48, framerate=25/1", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstVideoInfo info;
    GstBus *bus;
    GstHarness *h = hdr_harness (cases[i].caps, &info, &bus);
    gchar *transfer = NULL;
    GstMessage *msg;

    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
    fail_unless_equals_int (msg != NULL, cases[i].warnings);
    if (msg != NULL) {
      GError *err = NULL;
      gchar *debug = NULL;

      gst_message_parse_warning (msg, &err, &debug);
      fail_unless (strstr (err->message, "analysed as SDR") != NULL,
          "warning: %s", err->message);
      fail_unless (strstr (err->message, "bt2100-pq") != NULL);
      g_error_free (err);
      g_free (debug);
      gst_message_unref (msg);
    }
    g_object_get (h->element, "transfer", &transfer, NULL);
    fail_unless_equals_string (transfer, "sdr-srgb");
    g_free (transfer);
    hdr_teardown (h, bus, NULL);
  }
}

GST_END_TEST;

static TCase *
hdr_tcase (void)
{
  TCase *tc = tcase_create ("hdr");

  tcase_add_test (tc, test_flashdetect_hdr_formats_negotiate);
  tcase_add_test (tc, test_flashdetect_hdr_absolute_rule);
  tcase_add_test (tc, test_flashdetect_hdr_hlg_peak_property);
  tcase_add_test (tc, test_flashdetect_hdr_untagged_warns);
  return tc;
}

static Suite *
flashdetect_suite (void)
{
  Suite *s = suite_create ("flashdetect");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_flashdetect_flashing_posts_incident);
  tcase_add_test (tc, test_flashdetect_steady_content_passes);
  tcase_add_test (tc, test_flashdetect_post_messages_off);
  tcase_add_test (tc, test_flashdetect_passthrough_unchanged);
  tcase_add_test (tc, test_flashdetect_formats_negotiate);
  tcase_add_test (tc, test_flashdetect_rejects_other_formats);
  tcase_add_test (tc, test_flashdetect_pattern_posts_incident);
  suite_add_tcase (s, hdr_tcase ());
  return s;
}

GST_CHECK_MAIN (flashdetect);
