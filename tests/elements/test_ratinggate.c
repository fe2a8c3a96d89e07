/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: gst-check tests of the ratinggate element. A BBFC 15 programme
 * on a UK free-to-air service (policy uk-ofcom) may run from 21:00 to 05:30
 * Europe/London; the fixtures start at 20:59:50+01:00 on a summer date, so
 * the gate opens at running time 10 s. Frames and samples are generated
 * patterns that are never black or silent. */
#include <gst/audio/audio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ws-metadata.h"
#include "ws-rating-event.h"
#include "ws-test-json.h"
#include "ws-test-gst.h"
#include "ws-test-util.h"

#define START "2026-07-01T20:59:50+01:00"
#define BOUNDARY (10 * GST_SECOND)
#define VIDEO_FPS 25

/* ---- helpers ----------------------------------------------------------- */

/* a gate with uk-ofcom, clock=scheduled from START and no slate text, plus
 * the given properties */
static GstElement *
new_gate (const gchar *first_property, ...)
{
  GstElement *gate = gst_element_factory_make ("ratinggate", NULL);
  va_list args;

  fail_unless (gate != NULL);
  g_object_set (gate, "policy", "uk-ofcom", "start-time", START, "slate-text",
      "", NULL);
  gst_util_set_object_arg (G_OBJECT (gate), "clock", "scheduled");
  if (first_property != NULL) {
    va_start (args, first_property);
    g_object_set_valist (G_OBJECT (gate), first_property, args);
    va_end (args);
  }
  return gate;
}

/* @gate with its enum or flags property @name set by nick, as
 * gst-launch-1.0 sets it */
static GstElement *
with_nick (GstElement *gate, const gchar *name, const gchar *nick)
{
  gst_util_set_object_arg (G_OBJECT (gate), name, nick);
  return gate;
}

typedef struct {
  GstHarness *h;
  GstBus *bus;
} Gate;

/* Starts @gate (transfer full) in a harness with @caps and, when @code is
 * not NULL, a bbfc rating event. */
static void
gate_start (Gate *g, GstElement *gate, const gchar *caps, const gchar *code)
{
  g->bus = gst_bus_new ();
  gst_element_set_bus (gate, g->bus);
  g->h = gst_harness_new_with_element (gate, "sink", "src");
  gst_object_unref (gate);
  gst_harness_set_src_caps_str (g->h, caps);
  if (code != NULL)
    fail_unless (gst_harness_push_event (g->h,
        ws_test_rating_event ("bbfc", code, "GB")));
}

static void
gate_stop (Gate *g)
{
  gst_element_set_bus (g->h->element, NULL);
  gst_object_unref (g->bus);
  gst_harness_teardown (g->h);
}

/* the element messages named "ratinggate" posted so far */
static GList *
pop_gate_messages (GstBus *bus)
{
  GList *list = NULL;
  GstMessage *msg;

  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT)) != NULL) {
    if (gst_structure_has_name (gst_message_get_structure (msg), "ratinggate"))
      list = g_list_append (list, msg);
    else
      gst_message_unref (msg);
  }
  return list;
}

static void
free_messages (GList *list)
{
  g_list_free_full (list, (GDestroyNotify) gst_message_unref);
}

static guint64
get_u64 (const GstStructure *s, const gchar *field)
{
  guint64 v = 0;

  fail_unless (gst_structure_get_uint64 (s, field, &v), "no %s", field);
  return v;
}

static gboolean
get_bool (const GstStructure *s, const gchar *field)
{
  gboolean v = FALSE;

  fail_unless (gst_structure_get_boolean (s, field, &v), "no %s", field);
  return v;
}

/* -- video -- */

static guint8
pattern_byte (guint frame, gsize i)
{
  return (guint8) (0x30 + ((i * 7 + frame * 13) % 0xa0));
}

static GstBuffer *
video_frame (const GstVideoInfo *info, guint frame)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, info->size, NULL);
  GstMapInfo map;
  gsize i;

  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (i = 0; i < map.size; i++)
    map.data[i] = pattern_byte (frame, i);
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = gst_util_uint64_scale (frame, GST_SECOND,
      GST_VIDEO_INFO_FPS_N (info));
  GST_BUFFER_DURATION (
      buf) = gst_util_uint64_scale (1, GST_SECOND, GST_VIDEO_INFO_FPS_N (info));
  return buf;
}

static gboolean
is_pattern (GstBuffer *buf, guint frame)
{
  GstMapInfo map;
  gsize i;
  gboolean ok = TRUE;

  gst_buffer_map (buf, &map, GST_MAP_READ);
  for (i = 0; i < map.size && ok; i++)
    ok = map.data[i] == pattern_byte (frame, i);
  gst_buffer_unmap (buf, &map);
  return ok;
}

static gboolean
plane_is (const GstVideoFrame *f, gint plane, gint bytes_per_value, guint value)
{
  gint x, y, w = GST_VIDEO_FRAME_COMP_WIDTH (f, plane);
  gint h = GST_VIDEO_FRAME_COMP_HEIGHT (f, plane);
  gint pstride = GST_VIDEO_FRAME_COMP_PSTRIDE (f, plane);

  for (y = 0; y < h; y++) {
    const guint8 *row = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (f, plane) +
                        y * GST_VIDEO_FRAME_PLANE_STRIDE (f, plane);
    for (x = 0; x < w * pstride / bytes_per_value; x++) {
      guint v = bytes_per_value == 1 ? row[x] :
                                       GST_READ_UINT16_LE (row + 2 * x);

      if (v != value)
        return FALSE;
    }
  }
  return TRUE;
}

/* black as the converter makes it from RGB 0,0,0 (limited-range YUV) */
static gboolean
is_black (GstBuffer *buf, const GstVideoInfo *info)
{
  GstVideoFrame f;
  gboolean ok = FALSE;
  gint x, y;

  fail_unless (gst_video_frame_map (&f, info, buf, GST_MAP_READ));
  switch (GST_VIDEO_INFO_FORMAT (info)) {
    case GST_VIDEO_FORMAT_I420:
      ok = plane_is (&f, 0, 1, 16) && plane_is (&f, 1, 1, 128) &&
           plane_is (&f, 2, 1, 128);
      break;
    case GST_VIDEO_FORMAT_NV12:
      ok = plane_is (&f, 0, 1, 16) && plane_is (&f, 1, 1, 128);
      break;
    case GST_VIDEO_FORMAT_I420_10LE:
      ok = plane_is (&f, 0, 2, 64) && plane_is (&f, 1, 2, 512) &&
           plane_is (&f, 2, 2, 512);
      break;
    case GST_VIDEO_FORMAT_RGBA:
      ok = TRUE;
      for (y = 0; y < GST_VIDEO_FRAME_HEIGHT (&f) && ok; y++) {
        const guint8 *p = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f, 0) +
                          y * GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0);
        for (x = 0; x < GST_VIDEO_FRAME_WIDTH (&f) && ok; x++)
          ok = p[4 * x] == 0 && p[4 * x + 1] == 0 && p[4 * x + 2] == 0 &&
               p[4 * x + 3] == 255;
      }
      break;
    case GST_VIDEO_FORMAT_YUY2:
      ok = TRUE;
      for (y = 0; y < GST_VIDEO_FRAME_HEIGHT (&f) && ok; y++) {
        const guint8 *p = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f, 0) +
                          y * GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0);
        for (x = 0; x < GST_VIDEO_FRAME_WIDTH (&f) * 2 && ok; x++)
          ok = p[x] == ((x & 1) ? 128 : 16);
      }
      break;
    default:
      fail ("no black check for %s", GST_VIDEO_INFO_NAME (info));
  }
  gst_video_frame_unmap (&f);
  return ok;
}

static gchar *
video_caps (const gchar *format)
{
  return g_strdup_printf ("video/x-raw, format=%s, width=64, height=48, "
                          "framerate=%d/1, pixel-aspect-ratio=1/1",
      format, VIDEO_FPS);
}

/* Pushes frames [from, last) and checks each output: the slate before
 * running time @open, the untouched input from there on. */
static void
push_video_checked (GstHarness *h, const GstVideoInfo *info, guint from,
    guint last, GstClockTime open)
{
  guint i;

  for (i = from; i < last; i++) {
    GstBuffer *in = video_frame (info, i), *out;
    GstClockTime pts = GST_BUFFER_PTS (in), dur = GST_BUFFER_DURATION (in);

    gst_buffer_ref (in);
    fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
    out = gst_harness_pull (h);
    fail_unless (out != NULL);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), pts);
    fail_unless_equals_uint64 (GST_BUFFER_DURATION (out), dur);
    fail_unless_equals_uint64 (gst_buffer_get_size (out), info->size);
    if (pts < open) {
      fail_unless (out != in, "frame %u passed while blocked", i);
      fail_unless (is_black (out, info), "frame %u is not black (%s)", i,
          GST_VIDEO_INFO_NAME (info));
    } else {
      fail_unless (out == in, "frame %u was copied while allowed", i);
      fail_unless (is_pattern (out, i), "frame %u was changed", i);
    }
    gst_buffer_unref (out);
    gst_buffer_unref (in);
  }
}

/* -- audio -- */

static gdouble
pattern_sample (guint64 sample, gint channel)
{
  return 0.1 + 0.5 * (gdouble) ((sample * 3 + channel * 5) % 97) / 97.0;
}

static GstBuffer *
audio_buffer (const GstAudioInfo *info, guint64 from, guint n)
{
  gint ch, channels = GST_AUDIO_INFO_CHANNELS (info);
  GstBuffer *buf = gst_buffer_new_allocate (NULL,
      (gsize) n * GST_AUDIO_INFO_BPF (info), NULL);
  GstAudioBuffer abuf;
  guint i;

  if (GST_AUDIO_INFO_LAYOUT (info) == GST_AUDIO_LAYOUT_NON_INTERLEAVED)
    gst_buffer_add_audio_meta (buf, info, n, NULL);
  fail_unless (gst_audio_buffer_map (&abuf, info, buf, GST_MAP_WRITE));
  for (i = 0; i < n; i++) {
    for (ch = 0; ch < channels; ch++) {
      gdouble v = pattern_sample (from + i, ch);
      gsize k;
      gpointer plane;

      if (abuf.n_planes > 1) {
        plane = abuf.planes[ch];
        k = i;
      } else {
        plane = abuf.planes[0];
        k = (gsize) i * channels + ch;
      }
      if (GST_AUDIO_INFO_FORMAT (info) == GST_AUDIO_FORMAT_S16)
        ((gint16 *) plane)[k] = (gint16) (v * 32767);
      else
        ((gfloat *) plane)[k] = (gfloat) v;
    }
  }
  gst_audio_buffer_unmap (&abuf);
  GST_BUFFER_PTS (buf) = gst_util_uint64_scale (from, GST_SECOND,
      GST_AUDIO_INFO_RATE (info));
  GST_BUFFER_DURATION (buf) = gst_util_uint64_scale (from + n, GST_SECOND,
                                  GST_AUDIO_INFO_RATE (info)) -
                              GST_BUFFER_PTS (buf);
  GST_BUFFER_OFFSET (buf) = from;
  return buf;
}

/* Checks frame by frame that an output buffer holding frames from @from is
 * silent before frame @open and the input pattern from there on. */
static void
check_audio (GstBuffer *out, const GstAudioInfo *info, guint64 from,
    guint64 open)
{
  gint ch, channels = GST_AUDIO_INFO_CHANNELS (info);
  GstAudioBuffer abuf;
  guint i;

  fail_unless (gst_audio_buffer_map (&abuf, info, out, GST_MAP_READ));
  for (i = 0; i < abuf.n_samples; i++) {
    for (ch = 0; ch < channels; ch++) {
      gsize k = abuf.n_planes > 1 ? i : (gsize) i * channels + ch;
      gconstpointer plane = abuf.planes[abuf.n_planes > 1 ? ch : 0];
      gdouble want = from + i < open ? 0.0 : pattern_sample (from + i, ch);

      gdouble got;

      /* compare first: a check assertion per sample is slow */
      if (GST_AUDIO_INFO_FORMAT (info) == GST_AUDIO_FORMAT_S16) {
        got = ((const gint16 *) plane)[k];
        want = (gint16) (want * 32767);
      } else {
        got = ((const gfloat *) plane)[k];
        want = (gfloat) want;
      }
      if (got != want)
        fail ("frame %" G_GUINT64_FORMAT " channel %d: %f, want %f", from + i,
            ch, got, want);
    }
  }
  gst_audio_buffer_unmap (&abuf);
}

/* Pushes @total frames in buffers of @per frames and checks the output;
 * the gate should open at frame @open. */
static void
push_audio_checked (GstHarness *h, const GstAudioInfo *info, guint64 total,
    guint per, guint64 open)
{
  guint64 from;

  for (from = 0; from < total; from += per) {
    guint n = (guint) MIN (per, total - from);
    GstBuffer *in = audio_buffer (info, from, n), *out;
    GstClockTime pts = GST_BUFFER_PTS (in), dur = GST_BUFFER_DURATION (in);

    fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
    out = gst_harness_pull (h);
    fail_unless (out != NULL);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), pts);
    fail_unless_equals_uint64 (GST_BUFFER_DURATION (out), dur);
    fail_unless_equals_uint64 (gst_buffer_get_size (out),
        (guint64) n * GST_AUDIO_INFO_BPF (info));
    check_audio (out, info, from, open);
    gst_buffer_unref (out);
  }
}

static gchar *
audio_caps (const gchar *format, gint rate, gint channels, const gchar *layout)
{
  return g_strdup_printf ("audio/x-raw, format=%s, rate=%d, channels=%d, "
                          "layout=%s",
      format, rate, channels, layout);
}

#define temp_path ws_test_temp_path
#define remove_temp ws_test_remove_temp

/* the lines of @path, each parsed as a JSON object */
static GPtrArray *
read_log (const gchar *path)
{
  gchar *problem = NULL;
  GPtrArray *lines = ws_test_read_json_lines (path, &problem);

  fail_unless (lines != NULL, "%s", problem);
  return lines;
}

#define log_line ws_test_json_line

/* ---- the boundary, video ----------------------------------------------- */

static void
run_video_boundary (const gchar *format)
{
  gchar *caps = video_caps (format);
  GstCaps *c = gst_caps_from_string (caps);
  GstVideoInfo info;
  Gate g;

  fail_unless (gst_video_info_from_caps (&info, c));
  gate_start (&g, new_gate (NULL), caps, "15");
  /* 20:59:50 .. 21:00:02: slate for 10 s, then the programme */
  push_video_checked (g.h, &info, 0, 12 * VIDEO_FPS, BOUNDARY);
  gate_stop (&g);
  gst_caps_unref (c);
  g_free (caps);
}

GST_START_TEST (test_ratinggate_video_boundary_i420)
{
  run_video_boundary ("I420");
}

GST_END_TEST;

GST_START_TEST (test_ratinggate_video_boundary_nv12)
{
  run_video_boundary ("NV12");
}

GST_END_TEST;

GST_START_TEST (test_ratinggate_video_boundary_rgba)
{
  run_video_boundary ("RGBA");
}

GST_END_TEST;

GST_START_TEST (test_ratinggate_video_boundary_yuy2)
{
  run_video_boundary ("YUY2");
}

GST_END_TEST;

GST_START_TEST (test_ratinggate_video_boundary_i420_10le)
{
  run_video_boundary ("I420_10LE");
}

GST_END_TEST;

/* Every format of the template gets a slate of the right size in place of
 * the input, and the input back once allowed. */
GST_START_TEST (test_ratinggate_video_all_formats)
{
  GstCaps *tmpl = gst_caps_from_string (
      GST_VIDEO_CAPS_MAKE (GST_VIDEO_FORMATS_ALL));
  const GValue *list = gst_structure_get_value (gst_caps_get_structure (tmpl,
                                                    0),
      "format");
  guint i, n = gst_value_list_get_size (list);

  fail_unless (n > 50);
  for (i = 0; i < n; i++) {
    const gchar *format = g_value_get_string (
        gst_value_list_get_value (list, i));
    gchar *caps = g_strdup_printf ("video/x-raw, format=%s, width=128, "
                                   "height=64, framerate=1/1",
        format);
    GstCaps *c = gst_caps_from_string (caps);
    GstVideoInfo info;
    GstBuffer *in, *out;
    Gate g;

    fail_unless (gst_video_info_from_caps (&info, c), "%s", format);
    /* 20:59:59: frame 0 blocked, frame 1 allowed */
    gate_start (&g,
        new_gate ("start-time", "2026-07-01T20:59:59+01:00", "slate-text",
            "Available from %s", NULL),
        caps, "15");
    in = video_frame (&info, 0);
    fail_unless_equals_int (gst_harness_push (g.h, in), GST_FLOW_OK);
    out = gst_harness_pull (g.h);
    fail_unless_equals_uint64 (gst_buffer_get_size (out), info.size);
    fail_unless (!is_pattern (out, 0), "%s: blocked frame passed", format);
    gst_buffer_unref (out);
    in = video_frame (&info, 1);
    fail_unless_equals_int (gst_harness_push (g.h, in), GST_FLOW_OK);
    out = gst_harness_pull (g.h);
    fail_unless (is_pattern (out, 1), "%s: allowed frame changed", format);
    gst_buffer_unref (out);
    gate_stop (&g);
    gst_caps_unref (c);
    g_free (caps);
  }
  gst_caps_unref (tmpl);
}

GST_END_TEST;

/* ---- the boundary, audio ----------------------------------------------- */

static void
run_audio_boundary (const gchar *format, gint rate, gint channels,
    const gchar *layout, guint per, const gchar *start, guint64 open)
{
  gchar *caps = audio_caps (format, rate, channels, layout);
  GstCaps *c = gst_caps_from_string (caps);
  GstAudioInfo info;
  Gate g;

  fail_unless (gst_audio_info_from_caps (&info, c));
  gate_start (&g, new_gate ("start-time", start, NULL), caps, "15");
  push_audio_checked (g.h, &info, open + 2 * (guint64) rate, per, open);
  gate_stop (&g);
  gst_caps_unref (c);
  g_free (caps);
}

GST_START_TEST (test_ratinggate_audio_boundary_s16)
{
  /* 100 ms buffers: the boundary falls between two buffers */
  run_audio_boundary ("S16LE", 48000, 2, "interleaved", 4800, START,
      10 * 48000);
}

GST_END_TEST;

GST_START_TEST (test_ratinggate_audio_boundary_f32)
{
  run_audio_boundary ("F32LE", 48000, 2, "interleaved", 4800, START,
      10 * 48000);
}

GST_END_TEST;

/* the boundary falls inside a buffer: it is cut at the boundary sample */
GST_START_TEST (test_ratinggate_audio_cut_at_boundary_sample)
{
  run_audio_boundary ("S16LE", 44100, 2, "interleaved", 1024,
      "2026-07-01T20:59:59+01:00", 44100);
  run_audio_boundary ("F32LE", 44100, 2, "non-interleaved", 1024,
      "2026-07-01T20:59:59+01:00", 44100);
}

GST_END_TEST;

/* ... and the same at the end of the window, 05:30 the next morning */
GST_START_TEST (test_ratinggate_audio_closes_at_window_end)
{
  gchar *caps = audio_caps ("S16LE", 44100, 1, "interleaved");
  GstCaps *c = gst_caps_from_string (caps);
  GstAudioInfo info;
  guint64 from;
  Gate g;

  fail_unless (gst_audio_info_from_caps (&info, c));
  gate_start (&g, new_gate ("start-time", "2026-07-02T05:29:59+01:00", NULL),
      caps, "15");
  for (from = 0; from < 2 * 44100; from += 1000) {
    GstBuffer *out;
    GstAudioBuffer abuf;
    guint i;

    fail_unless_equals_int (gst_harness_push (g.h,
                                audio_buffer (&info, from, 1000)),
        GST_FLOW_OK);
    out = gst_harness_pull (g.h);
    fail_unless (gst_audio_buffer_map (&abuf, &info, out, GST_MAP_READ));
    for (i = 0; i < abuf.n_samples; i++) {
      gint16 v = ((const gint16 *) abuf.planes[0])[i];

      gint16 want = from + i < 44100 ?
                        (gint16) (pattern_sample (from + i, 0) * 32767) :
                        0;

      if (v != want)
        fail ("frame %" G_GUINT64_FORMAT ": %d, want %d", from + i, v, want);
    }
    gst_audio_buffer_unmap (&abuf);
    gst_buffer_unref (out);
  }
  gate_stop (&g);
  gst_caps_unref (c);
  g_free (caps);
}

GST_END_TEST;

/* ---- fail closed ------------------------------------------------------- */

GST_START_TEST (test_ratinggate_fail_closed_without_rating)
{
  gchar *caps = video_caps ("I420");
  GstCaps *c = gst_caps_from_string (caps);
  GstVideoInfo info;
  GList *msgs;
  const GstStructure *s;
  Gate g;

  fail_unless (gst_video_info_from_caps (&info, c));
  /* 22:00: a rated 15 would pass; no rating must not */
  gate_start (&g, new_gate ("start-time", "2026-07-01T22:00:00+01:00", NULL),
      caps, NULL);
  push_video_checked (g.h, &info, 0, 10, G_MAXUINT64);
  msgs = pop_gate_messages (g.bus);
  fail_unless_equals_int (g_list_length (msgs), 1);
  s = gst_message_get_structure (msgs->data);
  fail_if (get_bool (s, "allowed"));
  fail_unless_equals_string (gst_structure_get_string (s, "kind"), "unrated");
  fail_unless (!gst_structure_has_field (s, "rating"));
  fail_unless (!gst_structure_has_field (s, "rule"));
  fail_unless (!gst_structure_has_field (s, "next-change"));
  free_messages (msgs);

  /* a rating arriving later opens the gate from its place in the stream */
  fail_unless (
      gst_harness_push_event (g.h, ws_test_rating_event ("bbfc", "15", "GB")));
  push_video_checked (g.h, &info, 10, 20, 0);
  msgs = pop_gate_messages (g.bus);
  fail_unless_equals_int (g_list_length (msgs), 1);
  s = gst_message_get_structure (msgs->data);
  fail_unless (get_bool (s, "allowed"));
  fail_unless_equals_uint64 (get_u64 (s, "running-time"),
      gst_util_uint64_scale (10, GST_SECOND, VIDEO_FPS));
  fail_unless_equals_string (gst_structure_get_string (s, "rating"), "bbfc:15");
  free_messages (msgs);
  gate_stop (&g);
  gst_caps_unref (c);
  g_free (caps);
}

GST_END_TEST;

/* an unknown code and a rating for another territory count as unrated */
GST_START_TEST (test_ratinggate_fail_closed_unknown_and_foreign)
{
  gchar *caps = video_caps ("I420");
  GstCaps *c = gst_caps_from_string (caps);
  GstVideoInfo info;
  GList *msgs;
  const GstStructure *s;
  Gate g;

  fail_unless (gst_video_info_from_caps (&info, c));
  gate_start (&g, new_gate ("start-time", "2026-07-01T22:00:00+01:00", NULL),
      caps, "99");
  push_video_checked (g.h, &info, 0, 3, G_MAXUINT64);
  msgs = pop_gate_messages (g.bus);
  fail_unless_equals_int (g_list_length (msgs), 1);
  s = gst_message_get_structure (msgs->data);
  fail_if (get_bool (s, "allowed"));
  fail_unless_equals_string (gst_structure_get_string (s, "rating"), "bbfc:99");
  fail_unless (strstr (gst_structure_get_string (s, "reason"),
                   "not a known rating") != NULL);
  free_messages (msgs);

  fail_unless (
      gst_harness_push_event (g.h, ws_test_rating_event ("fsk", "12", "DE")));
  push_video_checked (g.h, &info, 3, 6, G_MAXUINT64);
  msgs = pop_gate_messages (g.bus);
  fail_unless_equals_int (g_list_length (msgs), 1);
  s = gst_message_get_structure (msgs->data);
  fail_if (get_bool (s, "allowed"));
  fail_unless (strstr (gst_structure_get_string (s, "reason"),
                   "territory DE, not GB") != NULL);
  free_messages (msgs);
  gate_stop (&g);
  gst_caps_unref (c);
  g_free (caps);
}

GST_END_TEST;

/* a new stream (another stream id) is a new programme: its rating is not
 * known until its own event comes */
GST_START_TEST (test_ratinggate_new_stream_forgets_rating)
{
  gchar *caps = video_caps ("I420");
  GstCaps *c = gst_caps_from_string (caps);
  GstVideoInfo info;
  GstSegment segment;
  GList *msgs;
  const GstStructure *s;
  Gate g;

  fail_unless (gst_video_info_from_caps (&info, c));
  gate_start (&g, new_gate ("start-time", "2026-07-01T22:00:00+01:00", NULL),
      caps, "15");
  push_video_checked (g.h, &info, 0, 3, 0);
  fail_unless (gst_harness_push_event (g.h,
      gst_event_new_stream_start ("next-programme")));
  fail_unless (gst_harness_push_event (g.h, gst_event_new_caps (c)));
  gst_segment_init (&segment, GST_FORMAT_TIME);
  segment.base = gst_util_uint64_scale (3, GST_SECOND, VIDEO_FPS);
  segment.start = segment.time = segment.base;
  fail_unless (gst_harness_push_event (g.h, gst_event_new_segment (&segment)));
  push_video_checked (g.h, &info, 3, 6, G_MAXUINT64);
  msgs = pop_gate_messages (g.bus);
  fail_unless_equals_int (g_list_length (msgs), 2);
  s = gst_message_get_structure (g_list_last (msgs)->data);
  fail_if (get_bool (s, "allowed"));
  fail_unless_equals_string (gst_structure_get_string (s, "kind"), "unrated");
  free_messages (msgs);
  gate_stop (&g);
  gst_caps_unref (c);
  g_free (caps);
}

GST_END_TEST;

GST_START_TEST (test_ratinggate_unrated_action_allow)
{
  gchar *caps = video_caps ("NV12");
  GstCaps *c = gst_caps_from_string (caps);
  GstVideoInfo info;
  GList *msgs;
  const GstStructure *s;
  Gate g;

  fail_unless (gst_video_info_from_caps (&info, c));
  gate_start (&g, with_nick (new_gate (NULL), "unrated-action", "allow"), caps,
      NULL);
  push_video_checked (g.h, &info, 0, 5, 0);
  msgs = pop_gate_messages (g.bus);
  fail_unless_equals_int (g_list_length (msgs), 1);
  s = gst_message_get_structure (msgs->data);
  fail_unless (get_bool (s, "allowed"));
  fail_unless_equals_string (gst_structure_get_string (s, "kind"),
      "unrated-allowed");
  free_messages (msgs);

  /* a known rating is still gated */
  fail_unless (
      gst_harness_push_event (g.h, ws_test_rating_event ("bbfc", "15", "GB")));
  push_video_checked (g.h, &info, 5, 10, G_MAXUINT64);
  gate_stop (&g);
  gst_caps_unref (c);
  g_free (caps);
}

GST_END_TEST;

/* ---- drop mode --------------------------------------------------------- */

GST_START_TEST (test_ratinggate_drop_mode_sends_gaps)
{
  gchar *caps = video_caps ("I420");
  GstCaps *c = gst_caps_from_string (caps);
  GstVideoInfo info;
  GstEvent *ev;
  guint i, gaps = 0;
  Gate g;

  fail_unless (gst_video_info_from_caps (&info, c));
  gate_start (&g,
      with_nick (new_gate ("start-time", "2026-07-01T20:59:58+01:00", NULL),
          "mode", "drop"),
      caps, "15");
  for (i = 0; i < 3 * VIDEO_FPS; i++) {
    GstBuffer *in = video_frame (&info, i);
    GstClockTime pts = GST_BUFFER_PTS (in);

    fail_unless_equals_int (gst_harness_push (g.h, in), GST_FLOW_OK);
    if (pts < 2 * GST_SECOND)
      fail_unless (gst_harness_try_pull (g.h) == NULL, "frame %u passed", i);
    else {
      GstBuffer *out = gst_harness_pull (g.h);

      fail_unless (is_pattern (out, i));
      gst_buffer_unref (out);
    }
  }
  while ((ev = gst_harness_try_pull_event (g.h)) != NULL) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_GAP) {
      GstClockTime ts, dur;

      gst_event_parse_gap (ev, &ts, &dur);
      fail_unless_equals_uint64 (ts,
          gst_util_uint64_scale (gaps, GST_SECOND, VIDEO_FPS));
      fail_unless_equals_uint64 (dur, GST_SECOND / VIDEO_FPS);
      gaps++;
    }
    gst_event_unref (ev);
  }
  fail_unless_equals_int (gaps, 2 * VIDEO_FPS);
  gate_stop (&g);
  gst_caps_unref (c);
  g_free (caps);
}

GST_END_TEST;

/* ---- messages and the as-run log --------------------------------------- */

GST_START_TEST (test_ratinggate_messages_and_as_run_log)
{
  gchar *caps = video_caps ("I420");
  GstCaps *c = gst_caps_from_string (caps);
  gchar *log = temp_path ("as-run.jsonl");
  GstVideoInfo info;
  GPtrArray *lines;
  GList *msgs;
  const GstStructure *s;
  JsonObject *o;
  Gate g;
  guint i;

  fail_unless (gst_video_info_from_caps (&info, c));
  gate_start (&g, new_gate ("as-run-log", log, NULL), caps, "15");

  push_video_checked (g.h, &info, 0, 1, BOUNDARY);
  msgs = pop_gate_messages (g.bus);
  fail_unless_equals_int (g_list_length (msgs), 1);
  s = gst_message_get_structure (msgs->data);
  /* the timing quartet comes from */
  fail_unless_equals_string (gst_structure_nth_field_name (s, 0), "timestamp");
  fail_unless_equals_string (gst_structure_nth_field_name (s, 1),
      "stream-time");
  fail_unless_equals_string (gst_structure_nth_field_name (s, 2),
      "running-time");
  fail_unless_equals_string (gst_structure_nth_field_name (s, 3), "duration");
  fail_unless_equals_uint64 (get_u64 (s, "timestamp"), 0);
  fail_unless_equals_uint64 (get_u64 (s, "stream-time"), 0);
  fail_unless_equals_uint64 (get_u64 (s, "running-time"), 0);
  fail_unless_equals_uint64 (get_u64 (s, "duration"), GST_SECOND / VIDEO_FPS);
  fail_if (get_bool (s, "allowed"));
  fail_unless_equals_string (gst_structure_get_string (s, "rule"),
      "uk-watershed");
  fail_unless_equals_string (gst_structure_get_string (s, "rating"), "bbfc:15");
  fail_unless_equals_string (gst_structure_get_string (s, "instant"), START);
  fail_unless_equals_string (gst_structure_get_string (s, "next-change"),
      "2026-07-01T21:00:00+01:00");
  fail_unless_equals_string (gst_structure_get_string (s, "kind"),
      "outside-window");
  fail_unless_equals_string (gst_structure_get_string (s, "policy"),
      "uk-ofcom");
  fail_unless_equals_string (gst_structure_get_string (s, "service-class"),
      "free-to-air");
  fail_unless (strlen (gst_structure_get_string (s, "reason")) > 10);
  free_messages (msgs);

  /* the writer thread appends the line at once (no I/O in the streaming
   * thread) */
  fail_unless_equals_int (ws_test_wait_lines (log, 1), 1);
  lines = read_log (log);
  fail_unless_equals_int (lines->len, 1);
  o = log_line (lines, 0);
  fail_unless_equals_string (json_object_get_string_member (o, "instant"),
      START);
  fail_unless_equals_int (json_object_get_int_member (o, "running_time_ns"), 0);
  fail_if (json_object_get_boolean_member (o, "allowed"));
  fail_unless_equals_string (json_object_get_string_member (o, "rule"),
      "uk-watershed");
  fail_unless_equals_string (json_object_get_string_member (o, "rating"),
      "bbfc:15");
  fail_unless_equals_string (json_object_get_string_member (o, "policy"),
      "uk-ofcom");
  fail_unless_equals_string (json_object_get_string_member (o, "service_class"),
      "free-to-air");
  fail_unless_equals_string (json_object_get_string_member (o, "next_change"),
      "2026-07-01T21:00:00+01:00");
  fail_unless (strlen (json_object_get_string_member (o, "reason")) > 10);
  g_ptr_array_unref (lines);

  /* no change, no message, no line */
  push_video_checked (g.h, &info, 1, 10 * VIDEO_FPS, BOUNDARY);
  fail_unless (pop_gate_messages (g.bus) == NULL);
  lines = read_log (log);
  fail_unless_equals_int (lines->len, 1);
  g_ptr_array_unref (lines);

  /* 21:00:00 */
  push_video_checked (g.h, &info, 10 * VIDEO_FPS, 10 * VIDEO_FPS + 1, BOUNDARY);
  msgs = pop_gate_messages (g.bus);
  fail_unless_equals_int (g_list_length (msgs), 1);
  s = gst_message_get_structure (msgs->data);
  fail_unless (get_bool (s, "allowed"));
  fail_unless_equals_uint64 (get_u64 (s, "timestamp"), BOUNDARY);
  fail_unless_equals_uint64 (get_u64 (s, "running-time"), BOUNDARY);
  fail_unless_equals_string (gst_structure_get_string (s, "instant"),
      "2026-07-01T21:00:00+01:00");
  fail_unless_equals_string (gst_structure_get_string (s, "next-change"),
      "2026-07-02T05:30:00+01:00");
  fail_unless_equals_string (gst_structure_get_string (s, "rule"),
      "uk-watershed");
  free_messages (msgs);
  /* lines keep their order: a line for the frames without a change would
   * have come before this one */
  fail_unless_equals_int (ws_test_wait_lines (log, 2), 2);
  lines = read_log (log);
  fail_unless_equals_int (lines->len, 2);
  o = log_line (lines, 1);
  fail_unless (json_object_get_boolean_member (o, "allowed"));
  fail_unless_equals_int64 (json_object_get_int_member (o, "running_time_ns"),
      BOUNDARY);
  fail_unless_equals_string (json_object_get_string_member (o, "instant"),
      "2026-07-01T21:00:00+01:00");
  fail_unless_equals_string (json_object_get_string_member (o, "next_change"),
      "2026-07-02T05:30:00+01:00");
  g_ptr_array_unref (lines);

  /* a new rating is a new decision: bbfc:12 may run at any time */
  fail_unless (
      gst_harness_push_event (g.h, ws_test_rating_event ("bbfc", "12", "GB")));
  for (i = 10 * VIDEO_FPS + 1; i < 10 * VIDEO_FPS + 3; i++)
    push_video_checked (g.h, &info, i, i + 1, 0);
  msgs = pop_gate_messages (g.bus);
  fail_unless_equals_int (g_list_length (msgs), 1);
  s = gst_message_get_structure (msgs->data);
  fail_unless (get_bool (s, "allowed"));
  fail_unless_equals_string (gst_structure_get_string (s, "rule"),
      "uk-any-time");
  fail_unless (!gst_structure_has_field (s, "next-change"));
  free_messages (msgs);
  fail_unless_equals_int (ws_test_wait_lines (log, 3), 3);
  lines = read_log (log);
  fail_unless_equals_int (lines->len, 3);
  o = log_line (lines, 2);
  fail_unless (json_object_get_null_member (o, "next_change"));
  fail_unless_equals_string (json_object_get_string_member (o, "rating"),
      "bbfc:12");
  g_ptr_array_unref (lines);

  gate_stop (&g);
  /* stopping says where the last frame ended: off air from there */
  lines = read_log (log);
  fail_unless_equals_int (lines->len, 4);
  o = log_line (lines, 3);
  fail_unless_equals_string (json_object_get_string_member (o, "kind"),
      "stopped");
  fail_if (json_object_get_boolean_member (o, "allowed"));
  fail_unless_equals_string (json_object_get_string_member (o, "rating"),
      "bbfc:12");
  fail_unless_equals_int64 (json_object_get_int_member (o, "running_time_ns"),
      BOUNDARY + 3 * GST_SECOND / VIDEO_FPS);
  g_ptr_array_unref (lines);
  /* a second run appends its decision and its end */
  gate_start (&g, new_gate ("as-run-log", log, NULL), caps, "15");
  push_video_checked (g.h, &info, 0, 1, BOUNDARY);
  gate_stop (&g);
  lines = read_log (log);
  fail_unless_equals_int (lines->len, 6);
  fail_unless_equals_string (json_object_get_string_member (log_line (lines, 5),
                                 "kind"),
      "stopped");
  g_ptr_array_unref (lines);

  remove_temp (log);
  gst_caps_unref (c);
  g_free (caps);
}

GST_END_TEST;

GST_START_TEST (test_ratinggate_post_messages_off)
{
  gchar *caps = video_caps ("I420");
  GstCaps *c = gst_caps_from_string (caps);
  GstVideoInfo info;
  Gate g;

  fail_unless (gst_video_info_from_caps (&info, c));
  gate_start (&g, new_gate ("post-messages", FALSE, NULL), caps, "15");
  push_video_checked (g.h, &info, 0, 12 * VIDEO_FPS, BOUNDARY);
  fail_unless (pop_gate_messages (g.bus) == NULL);
  gate_stop (&g);
  gst_caps_unref (c);
  g_free (caps);
}

GST_END_TEST;

/* The log survives a crash: a child process runs the gate across the
 * boundary and is killed without any teardown. */
GST_START_TEST (test_ratinggate_as_run_log_survives_kill)
{
  gchar *log = temp_path ("killed.jsonl");
  GPtrArray *lines;
  pid_t pid;
  int status = 0;

  pid = fork ();
  fail_unless (pid >= 0);
  if (pid == 0) {
    gchar *caps = video_caps ("I420");
    GstCaps *c = gst_caps_from_string (caps);
    GstVideoInfo info;
    Gate g;
    guint i;

    gst_video_info_from_caps (&info, c);
    gate_start (&g,
        new_gate ("as-run-log", log, "start-time", "2026-07-01T20:59:59+01:00",
            NULL),
        caps, "15");
    for (i = 0; i < 2 * VIDEO_FPS; i++) {
      gst_harness_push (g.h, video_frame (&info, i));
      gst_buffer_unref (gst_harness_pull (g.h));
    }
    /* the writer thread has appended both lines; no EOS, no stop */
    ws_test_wait_lines (log, 2);
    kill (getpid (), SIGKILL);
    _exit (3);
  }
  fail_unless (waitpid (pid, &status, 0) == pid);
  fail_unless (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  lines = read_log (log);
  fail_unless_equals_int (lines->len, 2);
  fail_if (json_object_get_boolean_member (log_line (lines, 0), "allowed"));
  fail_unless (json_object_get_boolean_member (log_line (lines, 1), "allowed"));
  g_ptr_array_unref (lines);
  remove_temp (log);
}

GST_END_TEST;

/* ---- audio and video switch together ----------------------------------- */

GST_START_TEST (test_ratinggate_audio_and_video_switch_together)
{
  gchar *vcaps = video_caps ("I420");
  gchar *acaps = audio_caps ("S16LE", 44100, 2, "interleaved");
  GstCaps *vc = gst_caps_from_string (vcaps),
          *ac = gst_caps_from_string (acaps);
  GstVideoInfo vinfo;
  GstAudioInfo ainfo;
  GstClockTime video_open = GST_CLOCK_TIME_NONE, audio_open;
  GstClockTime vmsg_rt = 0, amsg_rt = 1;
  GList *msgs, *l;
  guint64 from;
  guint i;
  Gate v, a;

  fail_unless (gst_video_info_from_caps (&vinfo, vc));
  fail_unless (gst_audio_info_from_caps (&ainfo, ac));
  gate_start (&v, new_gate (NULL), vcaps, "15");
  gate_start (&a, new_gate (NULL), acaps, "15");

  for (i = 0; i < 12 * VIDEO_FPS; i++) {
    GstBuffer *out;

    gst_harness_push (v.h, video_frame (&vinfo, i));
    out = gst_harness_pull (v.h);
    if (!GST_CLOCK_TIME_IS_VALID (video_open) && is_pattern (out, i))
      video_open = GST_BUFFER_PTS (out);
    gst_buffer_unref (out);
  }
  /* 1024-frame buffers: 21:00 falls inside one; check every sample */
  for (from = 0; from < 12 * 44100; from += 1024) {
    GstBuffer *out;

    gst_harness_push (a.h, audio_buffer (&ainfo, from, 1024));
    out = gst_harness_pull (a.h);
    check_audio (out, &ainfo, from, 10 * 44100);
    gst_buffer_unref (out);
  }
  audio_open = gst_util_uint64_scale (10 * 44100, GST_SECOND, 44100);
  fail_unless_equals_uint64 (video_open, BOUNDARY);
  fail_unless_equals_uint64 (audio_open, BOUNDARY);

  msgs = pop_gate_messages (v.bus);
  fail_unless_equals_int (g_list_length (msgs), 2);
  for (l = msgs; l; l = l->next)
    if (get_bool (gst_message_get_structure (l->data), "allowed"))
      vmsg_rt = get_u64 (gst_message_get_structure (l->data), "running-time");
  free_messages (msgs);
  msgs = pop_gate_messages (a.bus);
  fail_unless_equals_int (g_list_length (msgs), 2);
  for (l = msgs; l; l = l->next)
    if (get_bool (gst_message_get_structure (l->data), "allowed"))
      amsg_rt = get_u64 (gst_message_get_structure (l->data), "running-time");
  free_messages (msgs);
  fail_unless_equals_uint64 (vmsg_rt, BOUNDARY);
  fail_unless_equals_uint64 (amsg_rt, vmsg_rt);

  gate_stop (&v);
  gate_stop (&a);
  gst_caps_unref (vc);
  gst_caps_unref (ac);
  g_free (vcaps);
  g_free (acaps);
}

GST_END_TEST;

/* ---- other clocks ------------------------------------------------------ */

GST_START_TEST (test_ratinggate_reference_meta_clock)
{
  gchar *caps = video_caps ("RGBA");
  GstCaps *c = gst_caps_from_string (caps);
  GstCaps *unix_caps = gst_caps_new_empty_simple ("timestamp/x-unix");
  GDateTime *dt = g_date_time_new_from_iso8601 ("2026-07-01T20:59:58+01:00",
      NULL);
  guint64 base_ns = (guint64) g_date_time_to_unix (dt) * GST_SECOND;
  GstVideoInfo info;
  GList *msgs;
  guint i;
  Gate g;

  fail_unless (gst_video_info_from_caps (&info, c));
  gate_start (&g, with_nick (new_gate (NULL), "clock", "reference-meta"), caps,
      "15");
  /* the from frame has no meta yet: closed */
  push_video_checked (g.h, &info, 0, 1, G_MAXUINT64);
  msgs = pop_gate_messages (g.bus);
  fail_unless_equals_int (g_list_length (msgs), 1);
  fail_unless_equals_string (
      gst_structure_get_string (gst_message_get_structure (msgs->data), "kind"),
      "no-time");
  fail_unless (!gst_structure_has_field (gst_message_get_structure (msgs->data),
      "instant"));
  free_messages (msgs);

  /* frames with metas: 20:59:58 + pts; every other frame carries one */
  for (i = 1; i < 4 * VIDEO_FPS; i++) {
    GstBuffer *in = video_frame (&info, i), *out;
    GstClockTime pts = GST_BUFFER_PTS (in);

    if (i % 2 == 1)
      gst_buffer_add_reference_timestamp_meta (in, unix_caps, base_ns + pts,
          GST_CLOCK_TIME_NONE);
    gst_buffer_ref (in);
    gst_harness_push (g.h, in);
    out = gst_harness_pull (g.h);
    if (pts < 2 * GST_SECOND)
      fail_unless (is_black (out, &info), "frame %u", i);
    else
      fail_unless (out == in && is_pattern (out, i), "frame %u", i);
    gst_buffer_unref (out);
    gst_buffer_unref (in);
  }
  msgs = pop_gate_messages (g.bus);
  fail_unless_equals_int (g_list_length (msgs), 2);
  fail_unless_equals_string (
      gst_structure_get_string (gst_message_get_structure (msgs->data),
          "instant"),
      "2026-07-01T20:59:58.040000+01:00");
  fail_unless_equals_string (
      gst_structure_get_string (gst_message_get_structure (msgs->next->data),
          "instant"),
      "2026-07-01T21:00:00+01:00");
  free_messages (msgs);
  gate_stop (&g);
  g_date_time_unref (dt);
  gst_caps_unref (unix_caps);
  gst_caps_unref (c);
  g_free (caps);
}

GST_END_TEST;

/* clock=wall: R18 is never allowed on free-to-air, 12 always; the instant
 * is now (no assertion on how fast anything runs) */
GST_START_TEST (test_ratinggate_wall_clock)
{
  gchar *caps = video_caps ("I420");
  GstCaps *c = gst_caps_from_string (caps);
  GstVideoInfo info;
  GList *msgs;
  const GstStructure *s;
  GDateTime *dt;
  gint64 now_s = g_get_real_time () / G_USEC_PER_SEC;
  Gate g;

  fail_unless (gst_video_info_from_caps (&info, c));
  gate_start (&g, with_nick (new_gate (NULL), "clock", "wall"), caps, "R18");
  push_video_checked (g.h, &info, 0, 3, G_MAXUINT64);
  msgs = pop_gate_messages (g.bus);
  fail_unless_equals_int (g_list_length (msgs), 1);
  s = gst_message_get_structure (msgs->data);
  fail_unless_equals_string (gst_structure_get_string (s, "kind"), "never");
  fail_unless_equals_string (gst_structure_get_string (s, "rule"),
      "uk-r18-never");
  dt = g_date_time_new_from_iso8601 (gst_structure_get_string (s, "instant"),
      NULL);
  fail_unless (dt != NULL);
  fail_unless (ABS (g_date_time_to_unix (dt) - now_s) < 24 * 3600);
  g_date_time_unref (dt);
  free_messages (msgs);

  fail_unless (
      gst_harness_push_event (g.h, ws_test_rating_event ("bbfc", "12", "GB")));
  push_video_checked (g.h, &info, 3, 6, 0);
  gate_stop (&g);
  gst_caps_unref (c);
  g_free (caps);
}

GST_END_TEST;

/* ---- the slate --------------------------------------------------------- */

static guint
count_bright (GstBuffer *buf, const GstVideoInfo *info)
{
  GstVideoFrame f;
  guint n = 0;
  gint x, y;

  fail_unless (gst_video_frame_map (&f, info, buf, GST_MAP_READ));
  for (y = 0; y < GST_VIDEO_FRAME_HEIGHT (&f); y++) {
    const guint8 *p = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f, 0) +
                      y * GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0);
    for (x = 0; x < GST_VIDEO_FRAME_WIDTH (&f); x++)
      if (p[4 * x] > 200 && p[4 * x + 1] > 200 && p[4 * x + 2] > 200)
        n++;
  }
  gst_video_frame_unmap (&f);
  return n;
}

GST_START_TEST (test_ratinggate_slate_text_and_image)
{
  const gchar *caps = "video/x-raw, format=RGBA, width=320, height=180, "
                      "framerate=25/1";
  GstCaps *c = gst_caps_from_string (caps);
  gchar *png = temp_path ("slate.png");
  gchar *launch;
  GstElement *pipe;
  GstVideoInfo info;
  GstBuffer *out;
  GstMessage *msg;
  guint bright;
  Gate g;

  fail_unless (gst_video_info_from_caps (&info, c));

  /* the default text is drawn in white, centred */
  gate_start (&g,
      new_gate ("slate-text", "This programme is available from %s", NULL),
      caps, "15");
  gst_harness_push (g.h, video_frame (&info, 0));
  out = gst_harness_pull (g.h);
  bright = count_bright (out, &info);
  fail_unless (bright > 100 && bright < 320 * 180 / 4, "%u bright", bright);
  gst_buffer_unref (out);
  gate_stop (&g);

  /* an image: a white 16x9 PNG scaled to fit covers the frame */
  launch = g_strdup_printf ("videotestsrc pattern=white num-buffers=1 ! "
                            "video/x-raw,width=16,height=9 ! pngenc ! "
                            "filesink location=\"%s\"",
      png);
  pipe = gst_parse_launch (launch, NULL);
  g_free (launch);
  fail_unless (pipe != NULL);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipe), GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);

  gate_start (&g, new_gate ("slate-image", png, NULL), caps, "15");
  gst_harness_push (g.h, video_frame (&info, 0));
  out = gst_harness_pull (g.h);
  bright = count_bright (out, &info);
  fail_unless (bright > 320 * 180 * 8 / 10, "%u bright", bright);
  gst_buffer_unref (out);
  gate_stop (&g);

  /* an unreadable image: a warning, and the slate is black */
  gate_start (&g, new_gate ("slate-image", "/nonexistent/slate.png", NULL),
      caps, "15");
  gst_harness_push (g.h, video_frame (&info, 0));
  out = gst_harness_pull (g.h);
  fail_unless (is_black (out, &info));
  gst_buffer_unref (out);
  msg = gst_bus_pop_filtered (g.bus, GST_MESSAGE_WARNING);
  fail_unless (msg != NULL);
  gst_message_unref (msg);
  gate_stop (&g);

  remove_temp (png);
  gst_caps_unref (c);
}

GST_END_TEST;

/* ---- errors ------------------------------------------------------------ */

static gchar *
start_error (GstElement *gate)
{
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;
  gchar *text;

  gst_element_set_bus (gate, bus);
  fail_unless_equals_int (gst_element_set_state (gate, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  text = g_strdup (err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_state (gate, GST_STATE_NULL);
  gst_element_set_bus (gate, NULL);
  gst_object_unref (bus);
  gst_object_unref (gate);
  return text;
}

/* the domain and code of the error a failing start posts */
static void
start_error_is (GstElement *gate, GQuark domain, gint code)
{
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;

  gst_element_set_bus (gate, bus);
  fail_unless_equals_int (gst_element_set_state (gate, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (g_error_matches (err, domain, code), "%s %d: %s",
      g_quark_to_string (err->domain), err->code, err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_state (gate, GST_STATE_NULL);
  gst_element_set_bus (gate, NULL);
  gst_object_unref (bus);
  gst_object_unref (gate);
}

/* files are resources: a policy that does not exist, one that is not a
 * policy, an as-run log that cannot be opened */
GST_START_TEST (test_ratinggate_error_domains)
{
  gchar *bad = temp_path ("bad-policy.xml");

  start_error_is (new_gate ("policy", "xx-nowhere", NULL), GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_FOUND);
  fail_unless (g_file_set_contents (bad, "<notapolicy/>", -1, NULL));
  start_error_is (new_gate ("policy", bad, NULL), GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_READ);
  start_error_is (new_gate ("as-run-log", "/nonexistent/dir/log.jsonl", NULL),
      GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_WRITE);
  remove_temp (bad);
}

GST_END_TEST;

GST_START_TEST (test_ratinggate_errors_name_the_setting)
{
  gchar *m;

  m = start_error (new_gate ("policy", NULL, NULL));
  fail_unless (strstr (m, "needs a policy") && strstr (m, "uk-ofcom"), "%s", m);
  g_free (m);
  m = start_error (new_gate ("policy", "xx-nowhere", NULL));
  fail_unless (strstr (m, "xx-nowhere") != NULL, "%s", m);
  g_free (m);
  m = start_error (new_gate ("service-class", "cable", NULL));
  fail_unless (strstr (m, "cable") && strstr (m, "free-to-air"), "%s", m);
  g_free (m);
  m = start_error (new_gate ("start-time", NULL, NULL));
  fail_unless (strstr (m, "start-time") != NULL, "%s", m);
  g_free (m);
  m = start_error (new_gate ("start-time", "yesterday at nine", NULL));
  fail_unless (strstr (m, "yesterday at nine") != NULL, "%s", m);
  g_free (m);
  m = start_error (new_gate ("as-run-log", "/nonexistent/dir/log.jsonl", NULL));
  fail_unless (strstr (m, "/nonexistent/dir/log.jsonl") != NULL, "%s", m);
  g_free (m);
}

GST_END_TEST;

GST_START_TEST (test_ratinggate_properties)
{
  GstElement *gate = gst_element_factory_make ("ratinggate", NULL);
  gchar *s = NULL;
  guint access = 0;
  gint clock = -1, mode = -1, unrated = -1;
  gboolean post = FALSE;

  g_object_get (gate, "policy", &s, "clock", &clock, "mode", &mode,
      "unrated-action", &unrated, "access", &access, "post-messages", &post,
      NULL);
  fail_unless (s == NULL);
  fail_unless_equals_int (clock, 0);
  fail_unless_equals_int (mode, 0);
  fail_unless_equals_int (unrated, 0);
  fail_unless_equals_int (access, 0);
  fail_unless (post);
  gst_util_set_object_arg (G_OBJECT (gate), "access", "pin+age-verified");
  gst_util_set_object_arg (G_OBJECT (gate), "clock", "reference-meta");
  g_object_get (gate, "access", &access, "clock", &clock, "slate-text", &s,
      NULL);
  fail_unless_equals_int (access, 3);
  fail_unless_equals_int (clock, 2);
  fail_unless_equals_string (s, "This programme is available from %s");
  g_free (s);
  gst_object_unref (gate);
}

GST_END_TEST;

/* access=pin on a pay-pin service lets a 15 through by day */
GST_START_TEST (test_ratinggate_access_flags)
{
  gchar *caps = video_caps ("I420");
  GstCaps *c = gst_caps_from_string (caps);
  GstVideoInfo info;
  GstElement *gate;
  Gate g;

  fail_unless (gst_video_info_from_caps (&info, c));
  gate = new_gate ("start-time", "2026-07-01T15:00:00+01:00", "service-class",
      "pay-pin", NULL);
  gst_util_set_object_arg (G_OBJECT (gate), "access", "pin");
  gate_start (&g, gate, caps, "15");
  push_video_checked (g.h, &info, 0, 3, 0);
  /* the same without the PIN is blocked; the change applies live */
  gst_util_set_object_arg (G_OBJECT (g.h->element), "access", "");
  push_video_checked (g.h, &info, 3, 6, G_MAXUINT64);
  gate_stop (&g);
  gst_caps_unref (c);
  g_free (caps);
}

GST_END_TEST;

/* ---- issue 11: hostile conditions -------------------------------------- */

static gsize
file_size (const gchar *path)
{
  GStatBuf st;

  fail_unless (g_stat (path, &st) == 0);
  return (gsize) st.st_size;
}

/* the text of the first bus message of @type, waiting up to @timeout for
 * it (one posted by the as-run writer thread), or NULL */
static gchar *
wait_text (GstBus *bus, GstMessageType type, gchar **debug,
    GstClockTime timeout)
{
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, timeout, type);
  GError *err = NULL;
  gchar *text;

  if (msg == NULL)
    return NULL;
  if (type == GST_MESSAGE_ERROR)
    gst_message_parse_error (msg, &err, debug);
  else
    gst_message_parse_warning (msg, &err, debug);
  text = g_strdup (err->message);
  g_error_free (err);
  gst_message_unref (msg);
  return text;
}

/* the text of the first bus message of @type, or NULL */
static gchar *
pop_text (GstBus *bus, GstMessageType type, gchar **debug)
{
  return wait_text (bus, type, debug, 0);
}

/* The file system fills up mid-line, then frees: the short write is cut
 * back to the last complete line (no torn line), the lost decision is an
 * element error, and the next decision is a clean line of its own. The
 * full disk is a real one as far as write() can tell: RLIMIT_FSIZE with
 * SIGXFSZ ignored gives a short write, then EFBIG (check runs each test in
 * its own process; the limit is restored anyway). */
GST_START_TEST (test_ratinggate_as_run_log_short_write)
{
  gchar *caps = video_caps ("I420");
  GstCaps *c = gst_caps_from_string (caps);
  gchar *log = temp_path ("full.jsonl");
  gchar *text, *debug = NULL, *before;
  struct rlimit saved, lim;
  GstVideoInfo info;
  GPtrArray *lines;
  void (*old_handler) (int);
  gsize size;
  guint i;
  Gate g;

  fail_unless (gst_video_info_from_caps (&info, c));
  gate_start (&g, new_gate ("as-run-log", log, NULL), caps, "15");
  push_video_checked (g.h, &info, 0, 1, BOUNDARY);
  fail_unless_equals_int (ws_test_wait_lines (log, 1), 1);
  size = file_size (log);
  fail_unless (size > 100);
  fail_unless (g_file_get_contents (log, &before, NULL, NULL));

  /* check records each assertion in a file of its own, which the limit
   * below also bounds: it must already be past the limit (every write to
   * it then fails whole), or its next record would be torn */
  for (i = 0; i < 2 * size / 32; i++)
    fail_unless (TRUE);
  /* room for 40 more bytes: the 21:00 line (about 400) is torn */
  fail_unless (getrlimit (RLIMIT_FSIZE, &saved) == 0);
  old_handler = signal (SIGXFSZ, SIG_IGN);
  lim = saved;
  lim.rlim_cur = size + 40;
  fail_unless (setrlimit (RLIMIT_FSIZE, &lim) == 0);
  push_video_checked (g.h, &info, 1, 10 * VIDEO_FPS + 1, BOUNDARY);
  /* the writer thread meets the limit: its error, then space again */
  text = wait_text (g.bus, GST_MESSAGE_ERROR, &debug, 30 * GST_SECOND);
  fail_unless (setrlimit (RLIMIT_FSIZE, &saved) == 0);
  signal (SIGXFSZ, old_handler);
  fail_unless (text != NULL, "no element error");
  fail_unless (strstr (text, log) && strstr (text, "File too large") &&
                   strstr (text, "last complete line"),
      "%s", text);
  /* the lost decision is in the error's details */
  fail_unless (debug && strstr (debug, "\"allowed\": true"), "%s", debug);
  g_free (text);
  g_free (debug);
  /* nothing torn: the file is exactly what it was */
  {
    gchar *after;

    fail_unless (g_file_get_contents (log, &after, NULL, NULL));
    fail_unless_equals_string (after, before);
    g_free (after);
  }

  /* space again: the next decision is written whole, on its own line */
  fail_unless (
      gst_harness_push_event (g.h, ws_test_rating_event ("bbfc", "12", "GB")));
  for (i = 10 * VIDEO_FPS + 1; i < 10 * VIDEO_FPS + 3; i++)
    push_video_checked (g.h, &info, i, i + 1, 0);
  fail_unless_equals_int (ws_test_wait_lines (log, 2), 2);
  lines = read_log (log);
  fail_unless_equals_int (lines->len, 2);
  fail_if (json_object_get_boolean_member (log_line (lines, 0), "allowed"));
  fail_unless_equals_string (json_object_get_string_member (log_line (lines, 1),
                                 "rating"),
      "bbfc:12");
  g_ptr_array_unref (lines);
  gate_stop (&g);

  g_free (before);
  remove_temp (log);
  gst_caps_unref (c);
  g_free (caps);
}

GST_END_TEST;

/* A log whose last line was torn by a crash is cut back at start, with a
 * warning, so the next decision is not glued to the torn bytes. */
GST_START_TEST (test_ratinggate_as_run_log_torn_tail_cut)
{
  gchar *caps = video_caps ("I420");
  GstCaps *c = gst_caps_from_string (caps);
  gchar *log = temp_path ("torn.jsonl");
  const gchar *good = "{\"instant\": \"2026-07-01T20:00:00+01:00\"}\n";
  const gchar *torn = "{\"instant\": \"2026-07-01T20:3";
  gchar *contents = g_strconcat (good, torn, NULL), *text;
  GstVideoInfo info;
  GPtrArray *lines;
  Gate g;

  fail_unless (gst_video_info_from_caps (&info, c));
  fail_unless (g_file_set_contents (log, contents, -1, NULL));
  gate_start (&g, new_gate ("as-run-log", log, NULL), caps, "15");
  push_video_checked (g.h, &info, 0, 1, BOUNDARY);
  text = pop_text (g.bus, GST_MESSAGE_WARNING, NULL);
  fail_unless (text != NULL);
  fail_unless (strstr (text, "incomplete line of 28 bytes") != NULL, "%s",
      text);
  g_free (text);
  fail_unless_equals_int (ws_test_wait_lines (log, 2), 2);
  lines = read_log (log);
  fail_unless_equals_int (lines->len, 2);
  fail_unless_equals_string (json_object_get_string_member (log_line (lines, 0),
                                 "instant"),
      "2026-07-01T20:00:00+01:00");
  fail_unless_equals_string (json_object_get_string_member (log_line (lines, 1),
                                 "instant"),
      START);
  g_ptr_array_unref (lines);
  gate_stop (&g);

  g_free (contents);
  remove_temp (log);
  gst_caps_unref (c);
  g_free (caps);
}

GST_END_TEST;

/* territory=XX used to mean "ratings for any territory": an error now, at
 * start and when set while playing (the territory in force stays). */
GST_START_TEST (test_ratinggate_unknown_territory_is_error)
{
  gchar *caps = video_caps ("I420");
  GstCaps *c = gst_caps_from_string (caps);
  GstVideoInfo info;
  gchar *m;
  Gate g;

  m = start_error (new_gate ("territory", "XX", NULL));
  fail_unless (strstr (m, "\"XX\"") && strstr (m, "ISO 3166-1"), "%s", m);
  g_free (m);
  m = start_error (new_gate ("territory", "Narnia", NULL));
  fail_unless (strstr (m, "\"Narnia\"") != NULL, "%s", m);
  g_free (m);

  fail_unless (gst_video_info_from_caps (&info, c));
  gate_start (&g, new_gate ("territory", "GB", NULL), caps, "15");
  push_video_checked (g.h, &info, 0, 1, BOUNDARY);
  g_object_set (g.h->element, "territory", "XX", NULL);
  /* still judged as GB: blocked before 21:00, open after */
  push_video_checked (g.h, &info, 1, 10 * VIDEO_FPS + 2, BOUNDARY);
  m = pop_text (g.bus, GST_MESSAGE_ERROR, NULL);
  fail_unless (m != NULL && strstr (m, "\"XX\"") &&
                   strstr (m, "territory GB stays in force"),
      "%s", m);
  g_free (m);
  gate_stop (&g);
  gst_caps_unref (c);
  g_free (caps);
}

GST_END_TEST;

/* A missing slate image is "cannot open ...: No such file", not "must be a
 * PNG file"; a FIFO as the slate does not hang the streaming thread. */
GST_START_TEST (test_ratinggate_slate_image_errors)
{
  gchar *caps = video_caps ("I420");
  GstCaps *c = gst_caps_from_string (caps);
  gchar *fifo = temp_path ("slate.png");
  gchar *notpng = g_strconcat (fifo, ".txt", NULL);
  GstVideoInfo info;
  GstBuffer *out;
  gchar *m, *debug = NULL;
  Gate g;
  struct {
    const gchar *path, *want;
  } cases[] = {
    { "/nonexistent/slate.png", "No such file or directory" },
    { fifo, "is a FIFO (named pipe), not a regular file" },
    { "/dev/zero", "is a character device" },
    { notpng, "is not a PNG image" },
  };

  fail_unless (gst_video_info_from_caps (&info, c));
  fail_unless (mkfifo (fifo, 0600) == 0);
  fail_unless (g_file_set_contents (notpng, "GIF89a", -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    gate_start (&g, new_gate ("slate-image", cases[i].path, NULL), caps, "15");
    gst_harness_push (g.h, video_frame (&info, 0));
    out = gst_harness_pull (g.h);
    fail_unless (is_black (out, &info));
    gst_buffer_unref (out);
    m = pop_text (g.bus, GST_MESSAGE_WARNING, &debug);
    fail_unless (m != NULL);
    fail_unless (strstr (m, cases[i].path) && strstr (m, cases[i].want), "%s",
        m);
    /* "must be a PNG file" only when it is a file that is not a PNG */
    fail_unless ((i == 3) == (debug && strstr (debug, "must be a PNG")), "%s",
        debug);
    g_free (m);
    g_free (debug);
    debug = NULL;
    gate_stop (&g);
  }
  g_unlink (notpng);
  g_free (notpng);
  remove_temp (fifo);
  gst_caps_unref (c);
  g_free (caps);
}

GST_END_TEST;

/* ---- operator control: monitor, override, allowed, next-change --------- */

static void
set_nick (GstElement *e, const gchar *property, const gchar *nick)
{
  gst_util_set_object_arg (G_OBJECT (e), property, nick);
}

static gchar *
get_string (GstElement *e, const gchar *property)
{
  gchar *v = NULL;

  g_object_get (e, property, &v, NULL);
  return v;
}

static gboolean
get_allowed (GstElement *e)
{
  gboolean v = TRUE;

  g_object_get (e, "allowed", &v, NULL);
  return v;
}

static void
count_notify (GObject *obj, GParamSpec *pspec, gpointer data)
{
  (void) obj;
  (void) pspec;
  (*(guint *) data)++;
}

/* mode=monitor: the same decisions, messages and as-run lines as the
 * blocking modes, but every frame passes untouched */
GST_START_TEST (test_ratinggate_monitor_passes_video)
{
  gchar *caps = video_caps ("I420");
  GstCaps *c = gst_caps_from_string (caps);
  gchar *log = temp_path ("monitor.jsonl");
  GstElement *gate = new_gate ("as-run-log", log, NULL);
  GstVideoInfo info;
  GPtrArray *lines;
  GList *msgs;
  const GstStructure *s;
  JsonObject *o;
  Gate g;

  fail_unless (gst_video_info_from_caps (&info, c));
  set_nick (gate, "mode", "monitor");
  gate_start (&g, gate, caps, "15");

  /* open = 0: every frame must come out as it went in, also before 21:00 */
  push_video_checked (g.h, &info, 0, 10 * VIDEO_FPS + 2, 0);
  msgs = pop_gate_messages (g.bus);
  fail_unless_equals_int (g_list_length (msgs), 2);
  s = gst_message_get_structure (msgs->data);
  fail_if (get_bool (s, "allowed"));
  fail_unless_equals_uint64 (get_u64 (s, "running-time"), 0);
  fail_unless_equals_string (gst_structure_get_string (s, "kind"),
      "outside-window");
  fail_unless_equals_string (gst_structure_get_string (s, "rule"),
      "uk-watershed");
  fail_unless_equals_string (gst_structure_get_string (s, "mode"), "monitor");
  fail_unless_equals_string (gst_structure_get_string (s, "next-change"),
      "2026-07-01T21:00:00+01:00");
  s = gst_message_get_structure (msgs->next->data);
  fail_unless (get_bool (s, "allowed"));
  fail_unless_equals_uint64 (get_u64 (s, "running-time"), BOUNDARY);
  fail_unless_equals_string (gst_structure_get_string (s, "mode"), "monitor");
  free_messages (msgs);
  fail_unless (get_allowed (g.h->element));

  gate_stop (&g);
  /* stopped: the log is complete and durable without waiting, its last
   * line the gate's end */
  lines = read_log (log);
  fail_unless_equals_int (lines->len, 3);
  fail_unless_equals_string (json_object_get_string_member (log_line (lines, 2),
                                 "kind"),
      "stopped");
  o = log_line (lines, 0);
  fail_if (json_object_get_boolean_member (o, "allowed"));
  fail_unless_equals_string (json_object_get_string_member (o, "mode"),
      "monitor");
  fail_unless_equals_string (json_object_get_string_member (o, "kind"),
      "outside-window");
  o = log_line (lines, 1);
  fail_unless (json_object_get_boolean_member (o, "allowed"));
  fail_unless_equals_int64 (json_object_get_int_member (o, "running_time_ns"),
      BOUNDARY);
  g_ptr_array_unref (lines);

  remove_temp (log);
  gst_caps_unref (c);
  g_free (caps);
}

GST_END_TEST;

/* monitor on audio: the decision changes at the boundary sample inside a
 * buffer, reported there, and no sample is silenced */
GST_START_TEST (test_ratinggate_monitor_passes_audio)
{
  gchar *caps = audio_caps ("S16LE", 44100, 2, "interleaved");
  GstCaps *c = gst_caps_from_string (caps);
  GstElement *gate = new_gate (NULL);
  GstAudioInfo info;
  GList *msgs;
  const GstStructure *s;
  Gate g;

  fail_unless (gst_audio_info_from_caps (&info, c));
  set_nick (gate, "mode", "monitor");
  gate_start (&g, gate, caps, "15");
  /* 1024-frame buffers: 441000 is inside one; open = 0: nothing silent */
  push_audio_checked (g.h, &info, 441000 + 4096, 1024, 0);
  msgs = pop_gate_messages (g.bus);
  fail_unless_equals_int (g_list_length (msgs), 2);
  fail_if (get_bool (gst_message_get_structure (msgs->data), "allowed"));
  s = gst_message_get_structure (msgs->next->data);
  fail_unless (get_bool (s, "allowed"));
  fail_unless_equals_uint64 (get_u64 (s, "running-time"), BOUNDARY);
  fail_unless_equals_string (gst_structure_get_string (s, "mode"), "monitor");
  free_messages (msgs);
  gate_stop (&g);
  gst_caps_unref (c);
  g_free (caps);
}

GST_END_TEST;

/* Switching a playing gate to monitor and back is reported and logged,
 * and the frames follow the mode. */
GST_START_TEST (test_ratinggate_mode_change_is_reported)
{
  gchar *caps = video_caps ("I420");
  GstCaps *c = gst_caps_from_string (caps);
  GstVideoInfo info;
  GList *msgs;
  Gate g;

  fail_unless (gst_video_info_from_caps (&info, c));
  gate_start (&g, new_gate (NULL), caps, "15");
  push_video_checked (g.h, &info, 0, 2, BOUNDARY); /* slate */
  set_nick (g.h->element, "mode", "monitor");
  push_video_checked (g.h, &info, 2, 4, 0); /* passes */
  set_nick (g.h->element, "mode", "slate");
  push_video_checked (g.h, &info, 4, 6, BOUNDARY); /* slate again */
  msgs = pop_gate_messages (g.bus);
  fail_unless_equals_int (g_list_length (msgs), 3);
  fail_unless_equals_string (
      gst_structure_get_string (gst_message_get_structure (msgs->data), "mode"),
      "slate");
  fail_unless_equals_string (
      gst_structure_get_string (gst_message_get_structure (
                                    g_list_nth_data (msgs, 1)),
          "mode"),
      "monitor");
  fail_unless_equals_uint64 (get_u64 (gst_message_get_structure (
                                          g_list_nth_data (msgs, 1)),
                                 "running-time"),
      2 * GST_SECOND / VIDEO_FPS);
  fail_unless_equals_string (
      gst_structure_get_string (gst_message_get_structure (
                                    g_list_nth_data (msgs, 2)),
          "mode"),
      "slate");
  free_messages (msgs);
  gate_stop (&g);
  gst_caps_unref (c);
  g_free (caps);
}

GST_END_TEST;

/* An operator forces the gate open before 21:00, closed after it, then
 * hands back to the policy: each is a message and an as-run line saying
 * who, when and why. */
GST_START_TEST (test_ratinggate_override_open_and_closed)
{
  gchar *caps = video_caps ("I420");
  GstCaps *c = gst_caps_from_string (caps);
  gchar *log = temp_path ("override.jsonl");
  GstVideoInfo info;
  GPtrArray *lines;
  GList *msgs;
  const GstStructure *s;
  JsonObject *o;
  gboolean ok = FALSE;
  gchar *text, *next;
  Gate g;

  fail_unless (gst_video_info_from_caps (&info, c));
  gate_start (&g, new_gate ("as-run-log", log, NULL), caps, "15");
  push_video_checked (g.h, &info, 0, 1, BOUNDARY);
  free_messages (pop_gate_messages (g.bus));

  /* open needs who and why: refused, nothing changes */
  g_signal_emit_by_name (g.h->element, "set-override", "open", "J. Smith", "",
      &ok);
  fail_if (ok);
  g_signal_emit_by_name (g.h->element, "set-override", "ajar", "J. Smith",
      "news", &ok);
  fail_if (ok);
  push_video_checked (g.h, &info, 1, 2, BOUNDARY); /* still the slate */
  fail_unless (pop_gate_messages (g.bus) == NULL);

  g_signal_emit_by_name (g.h->element, "set-override", "open", "J. Smith",
      "Breaking news: \"live\" statement", &ok);
  fail_unless (ok);
  push_video_checked (g.h, &info, 2, 4, 0); /* passes at 20:59:50 */
  msgs = pop_gate_messages (g.bus);
  fail_unless_equals_int (g_list_length (msgs), 1);
  s = gst_message_get_structure (msgs->data);
  fail_unless (get_bool (s, "allowed"));
  fail_unless_equals_uint64 (get_u64 (s, "running-time"),
      2 * GST_SECOND / VIDEO_FPS);
  fail_unless_equals_string (gst_structure_get_string (s, "kind"),
      "override-open");
  fail_unless_equals_string (gst_structure_get_string (s, "override"), "open");
  fail_unless_equals_string (gst_structure_get_string (s, "operator"),
      "J. Smith");
  fail_unless_equals_string (gst_structure_get_string (s, "override-reason"),
      "Breaking news: \"live\" statement");
  fail_unless (
      g_str_has_suffix (gst_structure_get_string (s, "override-set-at"), "Z"));
  fail_unless (strstr (gst_structure_get_string (s, "reason"), "J. Smith"));
  fail_if (gst_structure_has_field (s, "rule"));
  fail_if (gst_structure_has_field (s, "next-change"));
  free_messages (msgs);
  fail_unless (get_allowed (g.h->element));
  next = get_string (g.h->element, "next-change");
  fail_unless (next == NULL, "next-change %s under an override", next);

  /* closed after 21:00 (when the policy would allow), set by properties:
   * who and why first */
  g_object_set (g.h->element, "override-operator", "A. N. Other",
      "override-reason", "viewer complaint", NULL);
  set_nick (g.h->element, "override", "closed");
  push_video_checked (g.h, &info, 10 * VIDEO_FPS, 10 * VIDEO_FPS + 2,
      G_MAXUINT64);
  msgs = pop_gate_messages (g.bus);
  fail_unless_equals_int (g_list_length (msgs), 1);
  s = gst_message_get_structure (msgs->data);
  fail_if (get_bool (s, "allowed"));
  fail_unless_equals_string (gst_structure_get_string (s, "kind"),
      "override-closed");
  fail_unless_equals_string (gst_structure_get_string (s, "operator"),
      "A. N. Other");
  fail_unless_equals_string (gst_structure_get_string (s, "override-reason"),
      "viewer complaint");
  free_messages (msgs);
  fail_if (get_allowed (g.h->element));

  /* back to the policy: allowed after 21:00 */
  set_nick (g.h->element, "override", "none");
  push_video_checked (g.h, &info, 10 * VIDEO_FPS + 2, 10 * VIDEO_FPS + 3, 0);
  msgs = pop_gate_messages (g.bus);
  fail_unless_equals_int (g_list_length (msgs), 1);
  s = gst_message_get_structure (msgs->data);
  fail_unless (get_bool (s, "allowed"));
  fail_unless_equals_string (gst_structure_get_string (s, "kind"), "allowed");
  fail_if (gst_structure_has_field (s, "override"));
  free_messages (msgs);
  next = get_string (g.h->element, "next-change");
  fail_unless_equals_string (next, "2026-07-02T05:30:00+01:00");
  g_free (next);

  /* open without who and why, by property: a warning, not applied */
  set_nick (g.h->element, "mode", "slate");
  g_object_set (g.h->element, "override-operator", NULL, "override-reason",
      NULL, NULL);
  set_nick (g.h->element, "override", "open");
  gst_harness_push_event (g.h, ws_test_rating_event ("bbfc", "18", "GB"));
  push_video_checked (g.h, &info, 10 * VIDEO_FPS + 3, 10 * VIDEO_FPS + 4, 0);
  text = pop_text (g.bus, GST_MESSAGE_WARNING, NULL);
  fail_unless (text != NULL && strstr (text, "override-reason"), "%s",
      GST_STR_NULL (text));
  g_free (text);
  msgs = pop_gate_messages (g.bus);
  fail_unless_equals_int (g_list_length (msgs), 1);
  fail_unless_equals_string (
      gst_structure_get_string (gst_message_get_structure (msgs->data),
          "rating"),
      "bbfc:18");
  fail_unless_equals_string (
      gst_structure_get_string (gst_message_get_structure (msgs->data), "kind"),
      "allowed");
  free_messages (msgs);

  gate_stop (&g);
  lines = read_log (log);
  /* the five decisions and the end */
  fail_unless_equals_int (lines->len, 6);
  o = log_line (lines, 0);
  fail_unless (json_object_get_null_member (o, "override"));
  fail_unless (json_object_get_null_member (o, "operator"));
  o = log_line (lines, 1);
  fail_unless (json_object_get_boolean_member (o, "allowed"));
  fail_unless_equals_string (json_object_get_string_member (o, "kind"),
      "override-open");
  fail_unless_equals_string (json_object_get_string_member (o, "override"),
      "open");
  fail_unless_equals_string (json_object_get_string_member (o, "operator"),
      "J. Smith");
  fail_unless_equals_string (json_object_get_string_member (o,
                                 "override_reason"),
      "Breaking news: \"live\" statement");
  fail_unless (
      g_str_has_suffix (json_object_get_string_member (o, "override_set_at"),
          "Z"));
  /* frame 2 at 25 fps: 80 ms after the start */
  fail_unless_equals_string (json_object_get_string_member (o, "instant"),
      "2026-07-01T20:59:50.080000+01:00");
  fail_unless_equals_int64 (json_object_get_int_member (o, "running_time_ns"),
      2 * GST_SECOND / VIDEO_FPS);
  fail_unless_equals_string (json_object_get_string_member (o, "mode"),
      "slate");
  o = log_line (lines, 2);
  fail_if (json_object_get_boolean_member (o, "allowed"));
  fail_unless_equals_string (json_object_get_string_member (o, "override"),
      "closed");
  fail_unless_equals_string (json_object_get_string_member (o, "operator"),
      "A. N. Other");
  fail_unless_equals_string (json_object_get_string_member (o, "instant"),
      "2026-07-01T21:00:00+01:00");
  o = log_line (lines, 3);
  fail_unless (json_object_get_boolean_member (o, "allowed"));
  fail_unless (json_object_get_null_member (o, "override"));
  fail_unless_equals_string (json_object_get_string_member (o, "kind"),
      "allowed");
  o = log_line (lines, 4);
  fail_unless_equals_string (json_object_get_string_member (o, "rating"),
      "bbfc:18");
  fail_unless (json_object_get_null_member (o, "override"));
  g_ptr_array_unref (lines);

  remove_temp (log);
  gst_caps_unref (c);
  g_free (caps);
}

GST_END_TEST;

/* allowed and next-change follow the decision in programme time
 * (clock=scheduled), with one notify::allowed per change */
GST_START_TEST (test_ratinggate_allowed_and_next_change)
{
  gchar *caps = video_caps ("I420");
  GstCaps *c = gst_caps_from_string (caps);
  GstElement *gate = new_gate (NULL);
  GstVideoInfo info;
  guint notified = 0;
  gchar *next;
  Gate g;

  fail_unless (gst_video_info_from_caps (&info, c));
  g_signal_connect (gate, "notify::allowed", G_CALLBACK (count_notify),
      &notified);
  fail_if (get_allowed (gate));
  next = get_string (gate, "next-change");
  fail_unless (next == NULL);
  gate_start (&g, gst_object_ref (gate), caps, "15");

  push_video_checked (g.h, &info, 0, 1, BOUNDARY);
  fail_if (get_allowed (gate));
  next = get_string (gate, "next-change");
  fail_unless_equals_string (next, "2026-07-01T21:00:00+01:00");
  g_free (next);
  fail_unless_equals_int (notified, 0);

  push_video_checked (g.h, &info, 1, 10 * VIDEO_FPS, BOUNDARY);
  fail_if (get_allowed (gate));
  fail_unless_equals_int (notified, 0);
  push_video_checked (g.h, &info, 10 * VIDEO_FPS, 10 * VIDEO_FPS + 1, 0);
  fail_unless (get_allowed (gate));
  next = get_string (gate, "next-change");
  fail_unless_equals_string (next, "2026-07-02T05:30:00+01:00");
  g_free (next);
  fail_unless_equals_int (notified, 1);

  /* a rating that may run at any time: allowed stays, no next change */
  gst_harness_push_event (g.h, ws_test_rating_event ("bbfc", "PG", "GB"));
  push_video_checked (g.h, &info, 10 * VIDEO_FPS + 1, 10 * VIDEO_FPS + 2, 0);
  fail_unless (get_allowed (gate));
  next = get_string (gate, "next-change");
  fail_unless (next == NULL, "%s", next);
  fail_unless_equals_int (notified, 1);

  /* stopped: nothing passes */
  gate_stop (&g);
  fail_if (get_allowed (gate));
  fail_unless_equals_int (notified, 2);
  gst_object_unref (gate);
  gst_caps_unref (c);
  g_free (caps);
}

GST_END_TEST;

/* ... and with clock=reference-meta: unknown until the first timestamp */
GST_START_TEST (test_ratinggate_allowed_reference_meta)
{
  gchar *caps = video_caps ("I420");
  GstCaps *c = gst_caps_from_string (caps);
  GstCaps *unix_caps = gst_caps_new_empty_simple ("timestamp/x-unix");
  GstElement *gate = new_gate (NULL);
  GstVideoInfo info;
  GstBuffer *buf;
  GDateTime *dt;
  gchar *next;
  Gate g;

  fail_unless (gst_video_info_from_caps (&info, c));
  set_nick (gate, "clock", "reference-meta");
  gate_start (&g, gate, caps, "15");

  gst_harness_push (g.h, video_frame (&info, 0));
  gst_buffer_unref (gst_harness_pull (g.h));
  fail_if (get_allowed (g.h->element));
  next = get_string (g.h->element, "next-change");
  fail_unless (next == NULL);

  /* 21:00:05 BST */
  dt = g_date_time_new_from_iso8601 ("2026-07-01T20:00:05Z", NULL);
  buf = video_frame (&info, 1);
  gst_buffer_add_reference_timestamp_meta (buf, unix_caps,
      (GstClockTime) g_date_time_to_unix (dt) * GST_SECOND,
      GST_CLOCK_TIME_NONE);
  g_date_time_unref (dt);
  gst_harness_push (g.h, buf);
  gst_buffer_unref (gst_harness_pull (g.h));
  fail_unless (get_allowed (g.h->element));
  next = get_string (g.h->element, "next-change");
  fail_unless_equals_string (next, "2026-07-02T05:30:00+01:00");
  g_free (next);

  gate_stop (&g);
  gst_caps_unref (unix_caps);
  gst_caps_unref (c);
  g_free (caps);
}

GST_END_TEST;

static Suite *
ratinggate_suite (void)
{
  Suite *s = suite_create ("ratinggate");
  TCase *core = tcase_create ("core");
  TCase *formats = tcase_create ("formats");
  TCase *log = tcase_create ("as-run-log");
  TCase *errors = tcase_create ("errors");
  TCase *hostile;
  TCase *operator= tcase_create ("operator");

  /* generous: the machine may be shared; nothing here measures speed */
  tcase_set_timeout (core, 300);
  tcase_set_timeout (formats, 300);
  tcase_set_timeout (log, 300);
  tcase_set_timeout (errors, 300);
  suite_add_tcase (s, core);
  tcase_add_test (core, test_ratinggate_video_boundary_i420);
  tcase_add_test (core, test_ratinggate_audio_boundary_s16);
  tcase_add_test (core, test_ratinggate_audio_boundary_f32);
  tcase_add_test (core, test_ratinggate_audio_cut_at_boundary_sample);
  tcase_add_test (core, test_ratinggate_audio_closes_at_window_end);
  tcase_add_test (core, test_ratinggate_fail_closed_without_rating);
  tcase_add_test (core, test_ratinggate_fail_closed_unknown_and_foreign);
  tcase_add_test (core, test_ratinggate_unrated_action_allow);
  tcase_add_test (core, test_ratinggate_new_stream_forgets_rating);
  tcase_add_test (core, test_ratinggate_drop_mode_sends_gaps);
  tcase_add_test (core, test_ratinggate_audio_and_video_switch_together);
  tcase_add_test (core, test_ratinggate_reference_meta_clock);
  tcase_add_test (core, test_ratinggate_wall_clock);
  tcase_add_test (core, test_ratinggate_access_flags);
  tcase_add_test (core, test_ratinggate_properties);

  suite_add_tcase (s, formats);
  tcase_add_test (formats, test_ratinggate_video_boundary_nv12);
  tcase_add_test (formats, test_ratinggate_video_boundary_rgba);
  tcase_add_test (formats, test_ratinggate_video_boundary_yuy2);
  tcase_add_test (formats, test_ratinggate_video_boundary_i420_10le);
  tcase_add_test (formats, test_ratinggate_video_all_formats);
  tcase_add_test (formats, test_ratinggate_slate_text_and_image);

  suite_add_tcase (s, log);
  tcase_add_test (log, test_ratinggate_messages_and_as_run_log);
  tcase_add_test (log, test_ratinggate_post_messages_off);
  tcase_add_test (log, test_ratinggate_as_run_log_survives_kill);

  suite_add_tcase (s, errors);
  tcase_add_test (errors, test_ratinggate_errors_name_the_setting);
  tcase_add_test (errors, test_ratinggate_error_domains);

  hostile = tcase_create ("hostile");
  tcase_set_timeout (hostile, 300);
  suite_add_tcase (s, hostile);
  tcase_add_test (hostile, test_ratinggate_as_run_log_short_write);
  tcase_add_test (hostile, test_ratinggate_as_run_log_torn_tail_cut);
  tcase_add_test (hostile, test_ratinggate_unknown_territory_is_error);
  tcase_add_test (hostile, test_ratinggate_slate_image_errors);

  tcase_set_timeout (operator, 300);
  tcase_add_test (operator, test_ratinggate_monitor_passes_video);
  tcase_add_test (operator, test_ratinggate_monitor_passes_audio);
  tcase_add_test (operator, test_ratinggate_mode_change_is_reported);
  tcase_add_test (operator, test_ratinggate_override_open_and_closed);
  tcase_add_test (operator, test_ratinggate_allowed_and_next_change);
  tcase_add_test (operator, test_ratinggate_allowed_reference_meta);
  suite_add_tcase (s, operator);
  return s;
}

GST_CHECK_MAIN (ratinggate);
