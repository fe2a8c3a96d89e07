/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: ratingwarning on pixels and samples: the card for its
 * duration and not after, in every raw format; the announcement at the
 * warning's first sample with the programme ducked by the set gain, or
 * inserted before the programme (delay); the UK rule in auto mode; the
 * as-run line; right-to-left and CJK text shaped without missing glyphs. */
#include <glib/gstdio.h>
#include <gst/audio/audio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "ws-announcement.h"
#include "ws-guidance-render.h"
#include "ws-rating-event.h"
#include "ws-test-gst.h"
#include "ws-test-json.h"

#define RATE 16000
#define BUF_FRAMES 1600 /* 100 ms */
#define BUF_NS (100 * GST_MSECOND)
#define VCAPS "video/x-raw,format=I420,width=160,height=120,framerate=25/1"
#define ACAPS \
  "audio/x-raw,format=F32LE,layout=interleaved,rate=16000,channels=1"

/* ---- fixtures ----------------------------------------------------------- */

static GstBuffer *
video_frame (const char *caps_str, guint8 fill, guint index)
{
  GstCaps *caps = gst_caps_from_string (caps_str);
  GstVideoInfo info;
  GstBuffer *buf;

  fail_unless (gst_video_info_from_caps (&info, caps));
  gst_caps_unref (caps);
  buf = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  gst_buffer_memset (buf, 0, fill, GST_VIDEO_INFO_SIZE (&info));
  GST_BUFFER_PTS (buf) = gst_util_uint64_scale (index, GST_SECOND,
      GST_VIDEO_INFO_FPS_N (&info) > 0 ? GST_VIDEO_INFO_FPS_N (&info) : 25);
  GST_BUFFER_DURATION (buf) = GST_SECOND / 25;
  return buf;
}

/* Bytes of @buf that differ from @fill, as a fraction of its size. */
static double
changed_fraction (GstBuffer *buf, guint8 fill)
{
  GstMapInfo map;
  gsize n = 0;

  fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
  for (gsize i = 0; i < map.size; i++)
    if (map.data[i] != fill)
      n++;
  gst_buffer_unmap (buf, &map);
  return (double) n / (double) map.size;
}

static GstBuffer *
audio_dc (float level, guint index)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, BUF_FRAMES * sizeof (float),
      NULL);
  GstMapInfo map;

  fail_unless (gst_buffer_map (buf, &map, GST_MAP_WRITE));
  for (guint i = 0; i < BUF_FRAMES; i++)
    ((float *) (gpointer) map.data)[i] = level;
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = index * BUF_NS;
  GST_BUFFER_DURATION (buf) = BUF_NS;
  return buf;
}

/* The recording: 0.5 s of a 1 kHz sine at half scale, 16-bit mono WAV. */
#define ANN_FRAMES 8000

static gint16
ann_sample (guint n)
{
  return (gint16) lround (16384.0 * sin (2 * G_PI * 1000.0 * n / RATE));
}

static char *
write_announcement_wav (void)
{
  GError *err = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("ws-announce-XXXXXX.wav", &path, &err);
  GByteArray *b = g_byte_array_new ();
  guint32 data_len = ANN_FRAMES * 2, u32;
  guint16 u16;

  fail_unless (fd >= 0, "%s", err ? err->message : "");
#define PUT32(v) \
  (u32 = GUINT32_TO_LE (v), g_byte_array_append (b, (guint8 *) &u32, 4))
#define PUT16(v) \
  (u16 = GUINT16_TO_LE (v), g_byte_array_append (b, (guint8 *) &u16, 2))
  g_byte_array_append (b, (const guint8 *) "RIFF", 4);
  PUT32 (36 + data_len);
  g_byte_array_append (b, (const guint8 *) "WAVEfmt ", 8);
  PUT32 (16);
  PUT16 (1);
  PUT16 (1);
  PUT32 (RATE);
  PUT32 (RATE * 2);
  PUT16 (2);
  PUT16 (16);
  g_byte_array_append (b, (const guint8 *) "data", 4);
  PUT32 (data_len);
  for (guint n = 0; n < ANN_FRAMES; n++)
    PUT16 ((guint16) ann_sample (n));
#undef PUT32
#undef PUT16
  fail_unless (write (fd, b->data, b->len) == (gssize) b->len);
  close (fd);
  g_byte_array_free (b, TRUE);
  return path;
}

/* Pulls every buffer waiting on @h into one sample array. */
static GArray *
pull_samples (GstHarness *h, GArray *into)
{
  GstBuffer *buf;

  while ((buf = gst_harness_try_pull (h)) != NULL) {
    GstMapInfo map;
    fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
    g_array_append_vals (into, map.data, map.size / sizeof (float));
    gst_buffer_unmap (buf, &map);
    gst_buffer_unref (buf);
  }
  return into;
}

static GstHarness *
video_harness (GstElement **element)
{
  GstHarness *h = gst_harness_new_with_padnames ("ratingwarning", "video_sink",
      "video_src");
  gst_harness_set_src_caps_str (h, VCAPS);
  if (element)
    *element = h->element;
  return h;
}

/* ---- the card ----------------------------------------------------------- */

GST_START_TEST (test_ratingwarning_card_for_its_duration)
{
  GstElement *e;
  GstHarness *h = video_harness (&e);

  g_object_set (e, "mode", 1 /* always */, "text", "Warning text", "duration",
      (guint64) GST_SECOND, "speech", FALSE, NULL);
  for (guint i = 0; i < 50; i++) {
    GstBuffer *out;
    double changed;
    fail_unless_equals_int (gst_harness_push (h, video_frame (VCAPS, 128, i)),
        GST_FLOW_OK);
    out = gst_harness_pull (h);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), i * GST_SECOND / 25);
    changed = changed_fraction (out, 128);
    if (i < 25)
      fail_unless (changed > 0.6, "frame %u: %.2f of the bytes changed", i,
          changed);
    else
      fail_unless (changed == 0.0, "frame %u after the card: %.4f changed", i,
          changed);
    gst_buffer_unref (out);
  }
  /* a programme-start event: the card again, from the next frame */
  gst_harness_push_event (h, ws_programme_start_event_new ());
  {
    GstBuffer *out;
    gst_harness_push (h, video_frame (VCAPS, 128, 50));
    out = gst_harness_pull (h);
    fail_unless (changed_fraction (out, 128) > 0.6);
    gst_buffer_unref (out);
  }
  gst_harness_teardown (h);
}

GST_END_TEST;

static const char *const formats[] = { "I420", "YV12", "NV12", "NV21", "YUY2",
  "UYVY", "YVYU", "Y42B", "Y444", "AYUV", "v210", "I420_10LE", "P010_10LE",
  "RGBx", "BGRx", "xRGB", "xBGR", "RGBA", "BGRA", "ARGB", "ABGR", "RGB",
  "BGR" };

/* mode=auto with no policy to ask gives the warning (fail closed), and
 * says so. */
GST_START_TEST (test_ratingwarning_auto_without_policy)
{
  GstElement *e;
  GstHarness *h = video_harness (&e);
  GstBus *bus = gst_bus_new ();
  GstBuffer *out;
  GstMessage *m;

  gst_element_set_bus (e, bus);
  g_object_set (e, "speech", FALSE, NULL);
  gst_harness_push_event (h, ws_test_rating_event ("bbfc", "U", NULL));
  gst_harness_push (h, video_frame (VCAPS, 128, 0));
  out = gst_harness_pull (h);
  fail_unless (changed_fraction (out, 128) > 0.6);
  gst_buffer_unref (out);
  m = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  fail_unless (m != NULL);
  gst_message_unref (m);
  gst_element_set_bus (e, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_ratingwarning_every_format)
{
  for (guint f = 0; f < G_N_ELEMENTS (formats); f++) {
    char *caps = g_strdup_printf ("video/x-raw,format=%s,width=192,height=108,"
                                  "framerate=25/1",
        formats[f]);
    GstHarness *h = gst_harness_new_with_padnames ("ratingwarning",
        "video_sink", "video_src");
    GstBuffer *out;
    double changed;

    g_object_set (h->element, "mode", 1, "rating", "bbfc:15", "speech", FALSE,
        "duration", (guint64) GST_SECOND, "card", f % 2, NULL);
    gst_harness_set_src_caps_str (h, caps);
    gst_harness_push (h, video_frame (caps, 0xff, 0));
    out = gst_harness_pull (h);
    changed = changed_fraction (out, 0xff);
    /* full screen: nearly everything; lower third: the band (38 % of
     * the rows), nothing above it */
    fail_unless (changed > (f % 2 ? 0.2 : 0.6), "%s: %.3f of the bytes changed",
        formats[f], changed);
    if (f % 2)
      fail_unless (changed < 0.45, "%s: %.3f of the bytes changed", formats[f],
          changed);
    gst_buffer_unref (out);
    gst_harness_push (h, video_frame (caps, 0xff, 30));
    out = gst_harness_pull (h);
    fail_unless (changed_fraction (out, 0xff) == 0.0, "%s after the card",
        formats[f]);
    gst_buffer_unref (out);
    gst_harness_teardown (h);
    g_free (caps);
  }
}

GST_END_TEST;

/* ---- the announcement --------------------------------------------------- */

/* @s[from, to) holds the announcement starting at @at over a programme
 * at @under. */
static void
assert_announcement (const GArray *s, guint from, guint to, guint at,
    float under)
{
  for (guint n = from; n < to; n++) {
    float want = under +
                 (n - at < ANN_FRAMES ? ann_sample (n - at) / 32768.0f : 0.0f);
    float got = g_array_index (s, float, n);
    fail_unless (fabsf (got - want) < 1e-3,
        "sample %u: %f, want %f (announcement from %u over %f)", n, got, want,
        at, under);
  }
}

static void
assert_level (const GArray *s, guint from, guint to, float level)
{
  for (guint n = from; n < to; n++)
    fail_unless (fabsf (g_array_index (s, float, n) - level) < 1e-5,
        "sample %u: %f, want %f", n, g_array_index (s, float, n), level);
}

GST_START_TEST (test_ratingwarning_announcement_ducked)
{
  char *wav = write_announcement_wav ();
  char *log = NULL;
  int fd = g_file_open_tmp ("ws-warning-asrun-XXXXXX.jsonl", &log, NULL);
  GstElement *e = gst_element_factory_make ("ratingwarning", NULL);
  GstHarness *h;
  GArray *s = g_array_new (FALSE, FALSE, sizeof (float));
  GstCaps *unix_caps;

  close (fd);
  /* the log is opened when the element starts: set before */
  g_object_set (e, "mode", 1, "text", "x", "announcement-file", wav,
      "announcement-loudness", 0.0, "duration", (guint64) GST_SECOND,
      "duck-gain", -20.0, "ramp", (guint64) (10 * GST_MSECOND), "as-run-log",
      log, "policy", "uk-ofcom", NULL);
  h = gst_harness_new_with_element (e, "audio_sink", "audio_src");
  gst_object_unref (e);
  gst_harness_set_src_caps_str (h, ACAPS);
  unix_caps = gst_caps_new_empty_simple ("timestamp/x-unix");
  for (guint i = 0; i < 30; i++) {
    if (i == 20)
      gst_harness_push_event (h, ws_programme_start_event_new ());
    GstBuffer *b = audio_dc (0.5f, i);
    /* the programme's air time: 2026-07-01T20:00:00Z on */
    gst_buffer_add_reference_timestamp_meta (b, unix_caps,
        G_GUINT64_CONSTANT (1782936000) * GST_SECOND + i * BUF_NS,
        GST_CLOCK_TIME_NONE);
    fail_unless_equals_int (gst_harness_push (h, b), GST_FLOW_OK);
  }
  gst_caps_unref (unix_caps);
  pull_samples (h, s);
  fail_unless_equals_int (s->len, 30 * BUF_FRAMES);
  /* the first warning at sample 0: announcement over the programme at
   * -20 dB (0.5 -> 0.05) after the 10 ms (160-sample) ramp */
  assert_announcement (s, 160, ANN_FRAMES, 0, 0.05f);
  fail_unless (g_array_index (s, float, 0) > 0.4f); /* the ramp's start */
  assert_level (s, ANN_FRAMES, RATE - 160, 0.05f);
  /* after it, the programme untouched */
  assert_level (s, RATE, 2 * RATE, 0.5f);
  /* the second at 2 s, where the programme-start event was */
  assert_announcement (s, 2 * RATE + 160, 2 * RATE + ANN_FRAMES, 2 * RATE,
      0.05f);
  assert_level (s, 2 * RATE + ANN_FRAMES, 3 * RATE - 160, 0.05f);
  gst_harness_teardown (h);

  /* the as-run log has both records (after the hash chain's header), with
   * the duration and the audio source */
  {
    char *problem = NULL;
    GPtrArray *lines = ws_test_read_json_lines (log, &problem);
    JsonObject *o;

    fail_unless (lines != NULL, "%s", problem);
    fail_unless_equals_int (lines->len, 2);
    o = ws_test_json_line (lines, 0);
    fail_unless_equals_string (json_object_get_string_member (o, "kind"),
        "warning-card");
    fail_unless (strstr (json_object_get_string_member (o, "reason"),
                     "warning card 1.000 s in en, audio file ") != NULL);
    fail_unless (
        strstr (json_object_get_string_member (o, "reason"), wav) != NULL);
    /* in the policy's civil time, from the buffers' reference timestamps */
    fail_unless_equals_string (json_object_get_string_member (o, "instant"),
        "2026-07-01T21:00:00+01:00");
    o = ws_test_json_line (lines, 1);
    fail_unless_equals_string (json_object_get_string_member (o, "kind"),
        "warning-card");
    fail_unless_equals_string (json_object_get_string_member (o, "instant"),
        "2026-07-01T21:00:02+01:00");
    fail_unless_equals_int64 (json_object_get_int_member (o, "running_time_ns"),
        2000000000);
    g_ptr_array_unref (lines);
  }
  g_array_unref (s);
  g_unlink (wav);
  g_unlink (log);
  g_free (wav);
  g_free (log);
}

GST_END_TEST;

/* The recording comes from the broadcaster's catalogue (the `recordings`
 * property) for the territory, rating and the card's language; a
 * catalogue that cannot be read is a warning naming it, and the card comes
 * without sound (speech off here). */
/* 1.2 s of programme at 0.5 through a warning for BBFC 15 in GB with the
 * catalogue @cat; samples into @s, messages to @bus (nullable). When
 * @remove is set, that file is deleted once the caps are known: what was
 * decoded ahead is all the warning has. */
static void
run_with_recordings (const char *cat, GArray *s, GstBus *bus,
    const char *remove)
{
  GstHarness *h = gst_harness_new_with_padnames ("ratingwarning", "audio_sink",
      "audio_src");

  if (bus != NULL)
    gst_element_set_bus (h->element, bus);
  g_object_set (h->element, "mode", 1, "rating", "bbfc:15", "territory", "GB",
      "recordings", cat, "speech", FALSE, "announcement-loudness", 0.0,
      "duration", (guint64) GST_SECOND, "duck-gain", -20.0, "ramp", (guint64) 0,
      NULL);
  gst_harness_set_src_caps_str (h, ACAPS);
  if (remove != NULL)
    fail_unless_equals_int (g_unlink (remove), 0);
  for (guint i = 0; i < 12; i++)
    gst_harness_push (h, audio_dc (0.5f, i));
  pull_samples (h, s);
  fail_unless_equals_int (s->len, 12 * BUF_FRAMES);
  if (bus != NULL)
    gst_element_set_bus (h->element, NULL);
  gst_harness_teardown (h);
}

GST_START_TEST (test_ratingwarning_recordings_catalogue)
{
  char *wav = write_announcement_wav ();
  char *cat = NULL, *bad = NULL, *xml;
  int fd = g_file_open_tmp ("ws-recordings-XXXXXX.xml", &cat, NULL);
  GArray *s = g_array_new (FALSE, FALSE, sizeof (float));
  GstBus *bus;
  GstMessage *m;

  close (fd);
  /* a catalogue naming recordings that are not there is refused */
  xml = g_strdup_printf ("<recordings xmlns=\"urn:watershed:recordings:1\">\n"
                         "<recording territory=\"GB\" rating=\"bbfc:18\" "
                         "xml:lang=\"en\" "
                         "href=\"/nonexistent-18.wav\" />\n"
                         "<recording territory=\"GB\" rating=\"bbfc:15\" "
                         "xml:lang=\"cy\" "
                         "href=\"/nonexistent-cy.wav\" />\n"
                         "<recording territory=\"GB\" rating=\"bbfc:15\" "
                         "xml:lang=\"en\" "
                         "href=\"%s\"/>\n"
                         "</recordings>\n",
      wav);
  ck_assert (g_file_set_contents (cat, xml, -1, NULL));
  g_free (xml);
  bus = gst_bus_new ();
  run_with_recordings (cat, s, bus, NULL);
  /* ducked, silent card */
  assert_level (s, 0, RATE, 0.05f);
  m = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  fail_unless (m != NULL);
  {
    GError *err = NULL;
    gchar *debug = NULL;
    gst_message_parse_warning (m, &err, &debug);
    fail_unless (debug && strstr (debug, cat) != NULL &&
                     strstr (debug, "nonexistent-18.wav") != NULL,
        "%s", debug);
    g_error_free (err);
    g_free (debug);
  }
  gst_message_unref (m);
  gst_object_unref (bus);
  g_array_set_size (s, 0);

  /* with its files there: of another rating's, another language's and
   * the right one, the right one is heard */
  xml = g_strdup_printf ("<recordings xmlns=\"urn:watershed:recordings:1\">\n"
                         "<recording territory=\"GB\" rating=\"bbfc:18\" "
                         "xml:lang=\"en\" "
                         "href=\"%s.none\" />\n"
                         "<recording territory=\"GB\" rating=\"bbfc:15\" "
                         "xml:lang=\"cy\" "
                         "href=\"%s.none\" />\n"
                         "<recording territory=\"GB\" rating=\"bbfc:15\" "
                         "xml:lang=\"en\" "
                         "href=\"%s\"/>\n"
                         "</recordings>\n",
      wav, wav, wav);
  bad = g_strdup_printf ("%s.none", wav);
  ck_assert (g_file_set_contents (bad, "not audio", -1, NULL));
  ck_assert (g_file_set_contents (cat, xml, -1, NULL));
  g_free (xml);
  run_with_recordings (cat, s, NULL, NULL);
  assert_announcement (s, 0, ANN_FRAMES, 0, 0.05f);
  assert_level (s, ANN_FRAMES, RATE, 0.05f);
  assert_level (s, RATE, 12 * BUF_FRAMES, 0.5f);
  g_array_set_size (s, 0);
  /* decoded when the caps arrived (the rating is known from the
   * property): the file removed before the warning starts is still heard */
  run_with_recordings (cat, s, NULL, wav);
  assert_announcement (s, 0, ANN_FRAMES, 0, 0.05f);
  assert_level (s, RATE, 12 * BUF_FRAMES, 0.5f);

  g_unlink (bad);
  g_unlink (cat);
  g_unlink (wav);
  g_free (bad);
  g_free (cat);
  g_free (wav);
  g_array_unref (s);
}

GST_END_TEST;

/* A file job: the as-run line's instant is start-time plus the running
 * time (as ratinggate clock=scheduled), here a local time in the policy's
 * zone; a second warning 2 s in is 2 s later. */
GST_START_TEST (test_ratingwarning_start_time)
{
  char *log = NULL;
  int fd = g_file_open_tmp ("ws-warning-asrun-XXXXXX.jsonl", &log, NULL);
  GstElement *e = gst_element_factory_make ("ratingwarning", NULL);
  GstHarness *h;
  GArray *s = g_array_new (FALSE, FALSE, sizeof (float));

  close (fd);
  g_object_set (e, "mode", 1, "text", "x", "speech", FALSE, "duration",
      (guint64) GST_SECOND, "as-run-log", log, "policy", "uk-ofcom",
      "start-time", "2026-07-01 20:59:50", NULL);
  h = gst_harness_new_with_element (e, "audio_sink", "audio_src");
  gst_object_unref (e);
  gst_harness_set_src_caps_str (h, ACAPS);
  for (guint i = 0; i < 30; i++) {
    if (i == 20)
      gst_harness_push_event (h, ws_programme_start_event_new ());
    fail_unless_equals_int (gst_harness_push (h, audio_dc (0.5f, i)),
        GST_FLOW_OK);
  }
  pull_samples (h, s);
  gst_harness_teardown (h);
  {
    char *problem = NULL;
    GPtrArray *lines = ws_test_read_json_lines (log, &problem);

    fail_unless (lines != NULL, "%s", problem);
    fail_unless_equals_int (lines->len, 2);
    fail_unless_equals_string (
        json_object_get_string_member (ws_test_json_line (lines, 0), "instant"),
        "2026-07-01T20:59:50+01:00");
    fail_unless_equals_string (
        json_object_get_string_member (ws_test_json_line (lines, 1), "instant"),
        "2026-07-01T20:59:52+01:00");
    g_ptr_array_unref (lines);
  }
  /* a time that cannot be read: the element does not start */
  e = gst_element_factory_make ("ratingwarning", NULL);
  g_object_set (e, "start-time", "half past nine", NULL);
  fail_unless_equals_int (gst_element_set_state (e, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  gst_element_set_state (e, GST_STATE_NULL);
  gst_object_unref (e);
  g_array_unref (s);
  g_unlink (log);
  g_free (log);
}

GST_END_TEST;

/* A recording that cannot be read: a warning naming it, and the programme
 * still ducked under the (silent) warning. */
GST_START_TEST (test_ratingwarning_bad_recording)
{
  GstHarness *h = gst_harness_new_with_padnames ("ratingwarning", "audio_sink",
      "audio_src");
  GstBus *bus = gst_bus_new ();
  GArray *s = g_array_new (FALSE, FALSE, sizeof (float));
  GstMessage *m;
  GError *err = NULL;
  gchar *debug = NULL;

  gst_element_set_bus (h->element, bus);
  g_object_set (h->element, "mode", 1, "text", "x", "announcement-file",
      "/nonexistent/announce.wav", "duration", (guint64) GST_SECOND, "ramp",
      (guint64) 0, NULL);
  gst_harness_set_src_caps_str (h, ACAPS);
  for (guint i = 0; i < 12; i++)
    gst_harness_push (h, audio_dc (0.5f, i));
  pull_samples (h, s);
  assert_level (s, 0, RATE, 0.05f);
  assert_level (s, RATE, 12 * BUF_FRAMES, 0.5f);
  m = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  fail_unless (m != NULL);
  gst_message_parse_warning (m, &err, &debug);
  fail_unless (debug && strstr (debug, "/nonexistent/announce.wav") != NULL,
      "%s", debug);
  g_error_free (err);
  g_free (debug);
  gst_message_unref (m);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  g_array_unref (s);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Upstream of the harness: a 10 s stream, now at 2 s. */
static gboolean
upstream_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  GstFormat format;

  if (GST_QUERY_TYPE (query) == GST_QUERY_DURATION) {
    gst_query_parse_duration (query, &format, NULL);
    if (format == GST_FORMAT_TIME) {
      gst_query_set_duration (query, format, 10 * GST_SECOND);
      return TRUE;
    }
    return FALSE;
  }
  if (GST_QUERY_TYPE (query) == GST_QUERY_POSITION) {
    gst_query_parse_position (query, &format, NULL);
    if (format == GST_FORMAT_TIME) {
      gst_query_set_position (query, format, 2 * GST_SECOND);
      return TRUE;
    }
    return FALSE;
  }
  return gst_pad_query_default (pad, parent, query);
}

/* Duration and position asked from downstream of @h's element. */
static void
assert_duration_position (GstHarness *h, gint64 duration, gint64 position)
{
  gint64 d = -1, p = -1;

  fail_unless (gst_pad_peer_query_duration (h->sinkpad, GST_FORMAT_TIME, &d));
  fail_unless_equals_int64 (d, duration);
  fail_unless (gst_pad_peer_query_position (h->sinkpad, GST_FORMAT_TIME, &p));
  fail_unless_equals_int64 (p, position);
  /* other formats pass unchanged (and upstream knows none here) */
  fail_if (gst_pad_peer_query_duration (h->sinkpad, GST_FORMAT_BYTES, &d));
}

GST_START_TEST (test_ratingwarning_delay_inserts)
{
  char *wav = write_announcement_wav ();
  GstElement *e;
  GstHarness *hv = video_harness (&e);
  GstHarness *ha = gst_harness_new_with_element (e, "audio_sink", "audio_src");
  GArray *s = g_array_new (FALSE, FALSE, sizeof (float));
  GstBuffer *out;

  g_object_set (e, "mode", 1, "text", "x", "announcement-file", wav,
      "announcement-loudness", 0.0, "duration", (guint64) GST_SECOND, "timing",
      1 /* delay */, NULL);
  gst_pad_set_query_function (hv->srcpad, upstream_query);
  gst_pad_set_query_function (ha->srcpad, upstream_query);
  gst_harness_set_src_caps_str (ha, ACAPS);
  gst_harness_play (ha);
  /* nothing inserted yet: upstream's answers */
  assert_duration_position (hv, 10 * GST_SECOND, 2 * GST_SECOND);
  /* the video's first frame fixes the start */
  fail_unless_equals_int (gst_harness_push (hv, video_frame (VCAPS, 128, 0)),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_buffers_received (hv), 26);
  for (guint i = 0; i < 25; i++) {
    out = gst_harness_pull (hv);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), i * GST_SECOND / 25);
    fail_unless (changed_fraction (out, 128) > 0.6, "card frame %u", i);
    gst_buffer_unref (out);
  }
  out = gst_harness_pull (hv);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out), GST_SECOND);
  fail_unless (changed_fraction (out, 128) == 0.0);
  gst_buffer_unref (out);
  gst_harness_push (hv, video_frame (VCAPS, 128, 1));
  out = gst_harness_pull (hv);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out),
      GST_SECOND + GST_SECOND / 25);
  gst_buffer_unref (out);
  /* the stream downstream is 1 s longer and 1 s further on */
  assert_duration_position (hv, 11 * GST_SECOND, 3 * GST_SECOND);
  assert_duration_position (ha, 10 * GST_SECOND, 2 * GST_SECOND);

  /* audio: the announcement over silence, then the programme 1 s later */
  for (guint i = 0; i < 3; i++)
    gst_harness_push (ha, audio_dc (0.5f, i));
  out = gst_harness_pull (ha);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out), 0);
  fail_unless_equals_uint64 (GST_BUFFER_DURATION (out), GST_SECOND);
  gst_buffer_unref (out);
  out = gst_harness_pull (ha);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out), GST_SECOND);
  gst_buffer_unref (out);
  assert_duration_position (ha, 11 * GST_SECOND, 3 * GST_SECOND);
  gst_harness_teardown (ha);
  gst_harness_teardown (hv);

  /* the inserted samples, from a fresh run */
  hv = gst_harness_new_with_padnames ("ratingwarning", "audio_sink",
      "audio_src");
  g_object_set (hv->element, "mode", 1, "text", "x", "announcement-file", wav,
      "announcement-loudness", 0.0, "duration", (guint64) GST_SECOND, "timing",
      1, NULL);
  gst_harness_set_src_caps_str (hv, ACAPS);
  for (guint i = 0; i < 5; i++)
    gst_harness_push (hv, audio_dc (0.5f, i));
  pull_samples (hv, s);
  fail_unless_equals_int (s->len, RATE + 5 * BUF_FRAMES);
  assert_announcement (s, 0, ANN_FRAMES, 0, 0.0f);
  assert_level (s, ANN_FRAMES, RATE, 0.0f);
  assert_level (s, RATE, RATE + 5 * BUF_FRAMES, 0.5f);
  gst_harness_teardown (hv);
  g_array_unref (s);
  g_unlink (wav);
  g_free (wav);
}

GST_END_TEST;

/* The last segment event @h received (a TIME segment), into @seg. */
static void
last_segment (GstHarness *h, GstSegment *seg)
{
  GstEvent *ev;
  gboolean seen = FALSE;

  while ((ev = gst_harness_try_pull_event (h)) != NULL) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_SEGMENT) {
      gst_event_copy_segment (ev, seg);
      seen = TRUE;
    }
    gst_event_unref (ev);
  }
  fail_unless (seen, "no segment event downstream");
  fail_unless_equals_int (seg->format, GST_FORMAT_TIME);
}

/* Delay timing moves the segment with the timestamps: a demuxer's segment
 * stops at the programme's end, and downstream would clip the last seconds
 * (a sink drops buffers past the stop). Every frame, the inserted ones and
 * the programme's last, lies inside the segment downstream, and a segment
 * that arrives after a warning is moved by it. */
GST_START_TEST (test_ratingwarning_delay_segment)
{
  GstElement *e;
  GstHarness *h = video_harness (&e);
  GstSegment seg;
  GstEvent *ev;
  guint n = 0;

  g_object_set (e, "mode", 1, "text", "x", "speech", FALSE, "duration",
      (guint64) GST_SECOND, "timing", 1 /* delay */, NULL);
  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.stop = 4 * GST_SECOND;
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&seg)));
  for (guint i = 0; i < 100; i++)
    fail_unless_equals_int (gst_harness_push (h, video_frame (VCAPS, 128, i)),
        GST_FLOW_OK);
  last_segment (h, &seg);
  fail_unless_equals_uint64 (seg.start, 0);
  fail_unless_equals_uint64 (seg.stop, 5 * GST_SECOND);
  for (GstBuffer *b; (b = gst_harness_try_pull (h)) != NULL; n++) {
    guint64 start, stop;
    fail_unless (gst_segment_clip (&seg, GST_FORMAT_TIME, GST_BUFFER_PTS (b),
                     GST_BUFFER_PTS (b) + GST_BUFFER_DURATION (b), &start,
                     &stop),
        "frame %u at %" GST_TIME_FORMAT " outside the segment", n,
        GST_TIME_ARGS (GST_BUFFER_PTS (b)));
    fail_unless_equals_uint64 (stop - start, GST_SECOND / 25);
    gst_buffer_unref (b);
  }
  fail_unless_equals_int (n, 125);

  /* a segment after the warning: start, time and stop 1 s on */
  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.start = seg.time = seg.position = 2 * GST_SECOND;
  seg.stop = 4 * GST_SECOND;
  ev = gst_event_new_segment (&seg);
  gst_event_set_seqnum (ev, 4242);
  fail_unless (gst_harness_push_event (h, ev));
  ev = gst_harness_pull_event (h);
  fail_unless_equals_int (GST_EVENT_TYPE (ev), GST_EVENT_SEGMENT);
  fail_unless_equals_int (gst_event_get_seqnum (ev), 4242);
  gst_event_copy_segment (ev, &seg);
  gst_event_unref (ev);
  fail_unless_equals_uint64 (seg.start, 3 * GST_SECOND);
  fail_unless_equals_uint64 (seg.time, 3 * GST_SECOND);
  fail_unless_equals_uint64 (seg.stop, 5 * GST_SECOND);
  gst_harness_push (h, video_frame (VCAPS, 128, 50));
  ev = gst_harness_try_pull_event (h);
  fail_unless (ev == NULL, "no new segment without a new warning");
  {
    GstBuffer *b = gst_harness_pull (h);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (b), 3 * GST_SECOND);
    gst_buffer_unref (b);
  }
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Sends a flushing seek to @start (time downstream) from downstream, and
 * returns the start upstream received; then plays upstream's part: a
 * flush and a segment from there with the seek's seqnum. */
static GstClockTime
seek_through (GstHarness *h, GstClockTime start, GstClockTime stop,
    GstClockTime *stop_up)
{
  GstEvent *ev = gst_event_new_seek (1.0, GST_FORMAT_TIME,
      GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, GST_SEEK_TYPE_SET,
      (gint64) start,
      GST_CLOCK_TIME_IS_VALID (stop) ? GST_SEEK_TYPE_SET : GST_SEEK_TYPE_NONE,
      GST_CLOCK_TIME_IS_VALID (stop) ? (gint64) stop : -1);
  guint32 seqnum = gst_event_get_seqnum (ev);
  GstSeekType st, et;
  gint64 up_start, up_stop;
  GstSegment seg;
  GstEvent *up;

  fail_unless (gst_harness_push_upstream_event (h, ev));
  while ((up = gst_harness_try_pull_upstream_event (h)) != NULL &&
         GST_EVENT_TYPE (up) != GST_EVENT_SEEK)
    gst_event_unref (up);
  fail_unless (up != NULL, "the seek did not go upstream");
  fail_unless_equals_int (gst_event_get_seqnum (up), seqnum);
  gst_event_parse_seek (up, NULL, NULL, NULL, &st, &up_start, &et, &up_stop);
  gst_event_unref (up);
  if (stop_up)
    *stop_up = et == GST_SEEK_TYPE_SET ? (GstClockTime) up_stop :
                                         GST_CLOCK_TIME_NONE;
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.start = seg.time = seg.position = (GstClockTime) up_start;
  ev = gst_event_new_segment (&seg);
  gst_event_set_seqnum (ev, seqnum);
  fail_unless (gst_harness_push_event (h, ev));
  /* the flush and the segment downstream */
  while ((ev = gst_harness_try_pull_event (h)) != NULL)
    gst_event_unref (ev);
  return (GstClockTime) up_start;
}

/* Pushes frames @from..@to-1 and checks what comes out: @cards card
 * frames from @card_pts, then the programme frames each at
 * @shift + its time. */
static void
play_frames (GstHarness *h, guint from, guint to, guint cards,
    GstClockTime card_pts, GstClockTime shift)
{
  for (guint i = from; i < to; i++)
    fail_unless_equals_int (gst_harness_push (h, video_frame (VCAPS, 128, i)),
        GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_buffers_in_queue (h),
      cards + (to - from));
  for (guint i = 0; i < cards; i++) {
    GstBuffer *b = gst_harness_pull (h);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (b),
        card_pts + i * GST_SECOND / 25);
    fail_unless (changed_fraction (b, 128) > 0.6, "card frame %u", i);
    gst_buffer_unref (b);
  }
  for (guint i = from; i < to; i++) {
    GstBuffer *b = gst_harness_pull (h);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (b), shift + i * GST_SECOND / 25);
    fail_unless (changed_fraction (b, 128) == 0.0, "frame %u", i);
    gst_buffer_unref (b);
  }
}

/* A seek from downstream in delay timing names a time of the stream with
 * its warnings: upstream is asked for the programme's time, the warnings
 * before it still shift what follows, one after it is forgotten, and a
 * seek into a warning gives the warning again. */
GST_START_TEST (test_ratingwarning_delay_seek)
{
  GstElement *e;
  GstHarness *h = video_harness (&e);
  GstClockTime up, stop_up;

  g_object_set (e, "mode", 1, "text", "x", "speech", FALSE, "duration",
      (guint64) GST_SECOND, "timing", 1 /* delay */, NULL);
  gst_harness_play (h);
  /* the warning at the start, 1 s; 2 s of programme */
  play_frames (h, 0, 50, 25, 0, GST_SECOND);
  /* 2.0 s downstream is 1.0 s of programme; the stop moves the same */
  up = seek_through (h, 2 * GST_SECOND, 3 * GST_SECOND, &stop_up);
  fail_unless_equals_uint64 (up, GST_SECOND);
  fail_unless_equals_uint64 (stop_up, 2 * GST_SECOND);
  play_frames (h, 25, 50, 0, 0, GST_SECOND);
  /* a programme start at 2 s: a second warning */
  gst_harness_push_event (h, ws_programme_start_event_new ());
  play_frames (h, 50, 75, 25, 3 * GST_SECOND, 2 * GST_SECOND);
  /* back to 1.5 s downstream: 0.5 s of programme, the second warning
   * forgotten (it comes again with its programme start) */
  up = seek_through (h, 3 * GST_SECOND / 2, GST_CLOCK_TIME_NONE, NULL);
  fail_unless_equals_uint64 (up, GST_SECOND / 2);
  play_frames (h, 12, 60, 0, 0, GST_SECOND);
  /* into the first warning: from the programme's first frame, with the
   * warning again */
  up = seek_through (h, GST_SECOND / 2, GST_CLOCK_TIME_NONE, NULL);
  fail_unless_equals_uint64 (up, 0);
  play_frames (h, 0, 10, 25, 0, GST_SECOND);
  /* and into it again: the replayed warning is the stream's first too */
  up = seek_through (h, GST_SECOND / 5, GST_CLOCK_TIME_NONE, NULL);
  fail_unless_equals_uint64 (up, 0);
  play_frames (h, 0, 5, 25, 0, GST_SECOND);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* The same through GStreamer's own MP4 demuxer, whose segment stops at
 * the file's end: 4 s of H.264 and AAC, a 1 s warning inserted; every
 * frame and sample reaches the sinks, and a pipeline seek to 2.5 s (of the
 * stream with the warning) starts both there and plays to the end. */
typedef struct {
  guint n;
  GstClockTime first, last, end;
} Seen;

static void
seen_handoff (GstElement *sink, GstBuffer *b, GstPad *pad, gpointer data)
{
  Seen *seen = data;

  if (seen->n++ == 0)
    seen->first = GST_BUFFER_PTS (b);
  seen->last = GST_BUFFER_PTS (b);
  seen->end = GST_BUFFER_PTS (b) + GST_BUFFER_DURATION (b);
}

/* Plays @p to its EOS (an error fails), then stops it. */
static void
play_to_eos (GstElement *p)
{
  GstMessage *m;

  gst_element_set_state (p, GST_STATE_PLAYING);
  m = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (p), 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (m != NULL && GST_MESSAGE_TYPE (m) == GST_MESSAGE_EOS);
  gst_message_unref (m);
  gst_element_set_state (p, GST_STATE_NULL);
}

static void
run_mp4 (const char *path, const char *rating_file, GstClockTime seek_to,
    Seen *seen, Seen *aseen)
{
  char *tag = rating_file ? g_strdup_printf ("ratingtag location=\"%s\" "
                                             "territory=GB ! ",
                                rating_file) :
                            g_strdup ("");
  char *desc =
      g_strdup_printf ("filesrc location=\"%s\" ! qtdemux name=d d.video_0 ! "
                       "queue ! "
                       "avdec_h264 ! videoconvert ! video/x-raw,format=I420 ! "
                       "%s "
                       "w.video_sink d.audio_0 ! queue ! avdec_aac ! "
                       "audioconvert ! "
                       "audio/x-raw,format=F32LE ! w.audio_sink ratingwarning "
                       "name=w "
                       "mode=always text=x speech=false duration=1000000000 "
                       "timing=delay "
                       "end-card-duration=1000000000 w.video_src ! "
                       "fakesink name=sink sync=false signal-handoffs=true "
                       "w.audio_src ! "
                       "fakesink name=asink sync=false signal-handoffs=true",
          path, tag);
  GstElement *p = gst_parse_launch (desc, NULL);
  GstElement *sink, *asink;

  fail_unless (p != NULL);
  g_free (desc);
  g_free (tag);
  sink = gst_bin_get_by_name (GST_BIN (p), "sink");
  asink = gst_bin_get_by_name (GST_BIN (p), "asink");
  fail_unless_equals_int (gst_element_set_state (p, GST_STATE_PAUSED),
      GST_STATE_CHANGE_ASYNC);
  fail_unless_equals_int (gst_element_get_state (p, NULL, NULL,
                              GST_CLOCK_TIME_NONE),
      GST_STATE_CHANGE_SUCCESS);
  if (GST_CLOCK_TIME_IS_VALID (seek_to)) {
    fail_unless (gst_element_seek_simple (p, GST_FORMAT_TIME,
        GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, (gint64) seek_to));
    fail_unless_equals_int (gst_element_get_state (p, NULL, NULL,
                                GST_CLOCK_TIME_NONE),
        GST_STATE_CHANGE_SUCCESS);
  }
  /* fakesink hands over in render: the prerolled buffer comes with
   * PLAYING */
  memset (seen, 0, sizeof (*seen));
  memset (aseen, 0, sizeof (*aseen));
  g_signal_connect (sink, "handoff", G_CALLBACK (seen_handoff), seen);
  g_signal_connect (asink, "handoff", G_CALLBACK (seen_handoff), aseen);
  play_to_eos (p);
  gst_object_unref (sink);
  gst_object_unref (asink);
  gst_object_unref (p);
}

GST_START_TEST (test_ratingwarning_delay_qtdemux)
{
  char *path = NULL;
  int fd = g_file_open_tmp ("ws-warning-XXXXXX.mp4", &path, NULL);
  char *desc;
  GstElement *enc;
  Seen seen, aseen;
  GstClockTime audio_end;

  close (fd);
  desc = g_strdup_printf ("videotestsrc num-buffers=100 ! "
                          "video/x-raw,width=160,height=120,framerate=25/1 ! "
                          "x264enc speed-preset=ultrafast key-int-max=25 ! "
                          "mux. audiotestsrc num-buffers=100 "
                          "samplesperbuffer=1920 ! audio/x-raw,rate=48000 ! "
                          "voaacenc ! mux. mp4mux name=mux ! "
                          "filesink location=\"%s\"",
      path);
  enc = gst_parse_launch (desc, NULL);
  g_free (desc);
  if (enc == NULL) {
    g_print ("test_ratingwarning_delay_qtdemux: no x264enc, skipped\n");
    g_unlink (path);
    g_free (path);
    return;
  }
  play_to_eos (enc);
  gst_object_unref (enc);

  /* 25 card frames and the 100 of the programme, to 4.96 s */
  run_mp4 (path, NULL, GST_CLOCK_TIME_NONE, &seen, &aseen);
  fail_unless_equals_int (seen.n, 125);
  fail_unless_equals_uint64 (seen.last, 4 * GST_SECOND + 24 * GST_SECOND / 25);
  /* the announcement (silent here) first, then 4 s of programme audio
   * less the AAC encoder's priming the demuxer's edit list trims */
  fail_unless_equals_uint64 (aseen.first, 0);
  fail_unless (aseen.end > 5 * GST_SECOND - 30 * GST_MSECOND &&
                   aseen.end <= 5 * GST_SECOND,
      "audio ends at %" GST_TIME_FORMAT, GST_TIME_ARGS (aseen.end));
  audio_end = aseen.end;
  /* from 2.5 s: the programme's 1.5 s on (frames 37 to 99), to the same
   * end */
  run_mp4 (path, NULL, 5 * GST_SECOND / 2, &seen, &aseen);
  /* the frame at 1.48 s is clipped to the segment's start by the decoder */
  fail_unless_equals_uint64 (seen.first, 5 * GST_SECOND / 2);
  fail_unless_equals_uint64 (seen.last, 4 * GST_SECOND + 24 * GST_SECOND / 25);
  fail_unless_equals_int (seen.n, 63);
  /* the audio too: from 2.5 s (clipped by the decoder), the same end */
  fail_unless_equals_uint64 (aseen.first, 5 * GST_SECOND / 2);
  fail_unless_equals_uint64 (aseen.end, audio_end);
  /* a rating that calls for support information: the 1 s end card is
   * appended after the last frame, past the demuxer's stop */
  {
    char *side = NULL;
    int sfd = g_file_open_tmp ("ws-warning-XXXXXX.xml", &side, NULL);

    close (sfd);
    fail_unless (g_file_set_contents (side,
        "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" "
        "version=\"1\"><programme id=\"P\"><rating territory=\"GB\" "
        "system=\"bbfc\" code=\"15\"><descriptor>imitable-behaviour"
        "</descriptor></rating></programme></watershed-metadata>\n",
        -1, NULL));
    run_mp4 (path, side, GST_CLOCK_TIME_NONE, &seen, &aseen);
    fail_unless_equals_int (seen.n, 150);
    fail_unless_equals_uint64 (seen.last,
        5 * GST_SECOND + 24 * GST_SECOND / 25);
    g_unlink (side);
    g_free (side);
  }
  g_unlink (path);
  g_free (path);
}

GST_END_TEST;

/* The UK rule: bbfc:15 in auto mode gets the card and a spoken
 * announcement; bbfc:PG gets neither. */
static void
run_uk (const char *code, gboolean want)
{
  GstElement *e;
  GstHarness *hv = video_harness (&e);
  GstHarness *ha = gst_harness_new_with_element (e, "audio_sink", "audio_src");
  GArray *s = g_array_new (FALSE, FALSE, sizeof (float));
  GstBuffer *out;
  double energy = 0, ducked = 0;

  g_object_set (e, "policy", "uk-ofcom", NULL);
  gst_harness_set_src_caps_str (ha, ACAPS);
  gst_harness_play (ha);
  gst_harness_push_event (hv, ws_test_rating_event ("bbfc", code, "GB"));
  gst_harness_push_event (ha, ws_test_rating_event ("bbfc", code, "GB"));
  gst_harness_push (hv, video_frame (VCAPS, 128, 0));
  out = gst_harness_pull (hv);
  fail_unless ((changed_fraction (out, 128) > 0.6) == want, "bbfc:%s card",
      code);
  gst_buffer_unref (out);
  /* 6 s of programme at 0.1; the warning lasts 5 s (no duration in the
   * rule) */
  for (guint i = 0; i < 60; i++)
    gst_harness_push (ha, audio_dc (0.1f, i));
  pull_samples (ha, s);
  fail_unless_equals_int (s->len, 60 * BUF_FRAMES);
  for (guint n = 0; n < 4 * RATE; n++) {
    float v = g_array_index (s, float, n) - 0.01f;
    energy += v * v;
  }
  energy = sqrt (energy / (4 * RATE));
  for (guint n = 5 * RATE; n < 6 * RATE; n++)
    ducked += fabsf (g_array_index (s, float, n) - 0.1f);
  if (want) {
    /* speech well above the ducked programme (-20 dB: 0.01) */
    fail_unless (energy > 0.02, "speech RMS %f", energy);
  } else {
    assert_level (s, 0, 60 * BUF_FRAMES, 0.1f);
  }
  fail_unless (ducked < 1e-3, "after the warning: %f", ducked);
  gst_harness_teardown (ha);
  gst_harness_teardown (hv);
  g_array_unref (s);
}

GST_START_TEST (test_ratingwarning_uk_auto)
{
  if (!ws_announcement_can_speak ()) {
    g_print ("test_ratingwarning_uk_auto: built without espeak-ng, skipped\n");
    return;
  }
  run_uk ("15", TRUE);
  run_uk ("PG", FALSE);
}

GST_END_TEST;

/* The spoken announcement is made ahead, when the audio caps arrive, not
 * in the streaming thread when the warning starts: the element's "made"
 * log line comes once, before the first buffer, and the warning then mixes
 * those samples. A rating event that changes the words makes them again,
 * still ahead. */
static void
count_made (GstDebugCategory *category, GstDebugLevel level, const gchar *file,
    const gchar *function, gint line, GObject *object, GstDebugMessage *message,
    gpointer user_data)
{
  if (g_strcmp0 (gst_debug_category_get_name (category), "ratingwarning") ==
          0 &&
      g_str_has_prefix (gst_debug_message_get (message), "announcement made"))
    g_atomic_int_inc ((gint *) user_data);
}

GST_START_TEST (test_ratingwarning_speech_made_ahead)
{
  GstHarness *h;
  GArray *s = g_array_new (FALSE, FALSE, sizeof (float));
  gint made = 0;
  double energy = 0;

  if (!ws_announcement_can_speak ()) {
    g_print ("test_ratingwarning_speech_made_ahead: built without "
             "espeak-ng, skipped\n");
    g_array_unref (s);
    return;
  }
  gst_debug_remove_log_function (gst_debug_log_default);
  gst_debug_add_log_function (count_made, &made, NULL);
  gst_debug_set_threshold_for_name ("ratingwarning", GST_LEVEL_INFO);
  h = gst_harness_new_with_padnames ("ratingwarning", "audio_sink",
      "audio_src");
  g_object_set (h->element, "mode", 1, "rating", "bbfc:15", "speech", TRUE,
      "duration", (guint64) GST_SECOND, "duck-gain", -20.0, "ramp", (guint64) 0,
      NULL);
  gst_harness_set_src_caps_str (h, ACAPS);
  fail_unless_equals_int (g_atomic_int_get (&made), 1);
  /* other words: made again, before any buffer */
  gst_harness_push_event (h, ws_test_rating_event ("bbfc", "18", "GB"));
  fail_unless_equals_int (g_atomic_int_get (&made), 2);
  for (guint i = 0; i < 12; i++)
    gst_harness_push (h, audio_dc (0.5f, i));
  pull_samples (h, s);
  fail_unless_equals_int (s->len, 12 * BUF_FRAMES);
  /* nothing was synthesised when the warning started, and it was heard */
  fail_unless_equals_int (g_atomic_int_get (&made), 2);
  for (guint n = 0; n < RATE; n++) {
    float v = g_array_index (s, float, n) - 0.05f;
    energy += v * v;
  }
  energy = sqrt (energy / RATE);
  fail_unless (energy > 0.02, "speech RMS %f", energy);
  assert_level (s, RATE, 12 * BUF_FRAMES, 0.5f);
  gst_harness_teardown (h);
  gst_debug_remove_log_function (count_made);
  g_array_unref (s);
}

GST_END_TEST;

/* ---- text shaping ------------------------------------------------------- */

static const struct {
  const char *lang, *text;
} scripts[] = {
  { "ar", "البرنامج التالي غير مناسب للمشاهدين الصغار" },
  { "he", "התוכנית הבאה אינה מתאימה לצופים צעירים" },
  { "ja", "この番組は青少年の視聴に適していません" },
  { "zh-CN", "以下节目不适合青少年观看" },
  { "ko", "다음 프로그램은 청소년 시청에 적합하지 않습니다" },
};

GST_START_TEST (test_ratingwarning_rtl_cjk_shaped)
{
  for (guint i = 0; i < G_N_ELEMENTS (scripts); i++) {
    WsNoticeSpec spec = { 0 };
    GError *err = NULL;
    WsGuidanceImage *img;
    guint bright = 0;

    spec.headline = scripts[i].text;
    spec.language = scripts[i].lang;
    spec.pixel_aspect = 1.0;
    spec.lower_third = i % 2;
    img = ws_guidance_render_notice (&spec, 640, 360, &err);
    fail_unless (img != NULL, "%s", err ? err->message : "");
    fail_unless_equals_int (img->unknown_glyphs, 0);
    fail_unless (img->text.width > 0 && img->text.height > 0);
    /* the text inside the graphics-safe area */
    fail_unless (img->text.x >= 32 - 1 && img->text.y >= 18 - 1 &&
                 img->text.x + img->text.width <= 640 - 32 + 1 &&
                 img->text.y + img->text.height <= 360 - 18 + 1);
    for (int y = img->text.y; y < img->text.y + img->text.height; y++)
      for (int x = img->text.x; x < img->text.x + img->text.width; x++) {
        guint32 p = *(guint32 *) (gpointer) (img->pixels +
                                             (gsize) y * img->stride + x * 4);
        if (((p >> 8) & 0xff) > 200)
          bright++;
      }
    fail_unless (bright > 200, "%s: %u glyph pixels", scripts[i].lang, bright);
    ws_guidance_image_free (img);
  }
  /* a character no font has is counted, not silently drawn as a box */
  {
    WsNoticeSpec spec = { 0 };
    WsGuidanceImage *img;

    spec.headline = "\xf3\xb0\x80\x80"; /* U+F0000, private use plane 15 */
    spec.pixel_aspect = 1.0;
    img = ws_guidance_render_notice (&spec, 640, 360, NULL);
    fail_unless (img != NULL);
    fail_unless (img->unknown_glyphs > 0);
    ws_guidance_image_free (img);
  }
}

GST_END_TEST;

/* ---- the end card ------------------------------------------------------- */

static GstEvent *
rating_with_descriptor (const char *system, const char *code,
    const char *descriptor, const char *territory)
{
  WsRating *r = ws_rating_new ();
  GstEvent *ev;

  r->system = g_strdup (system);
  r->code = g_strdup (code);
  r->territory = g_strdup (territory);
  if (descriptor)
    g_ptr_array_add (r->descriptors, g_strdup (descriptor));
  ev = ws_rating_event_new (r, "application");
  ws_rating_free (r);
  return ev;
}

/* The text of the first `ratingwarning` message with @event on @bus. */
static char *
message_text (GstBus *bus, const char *event)
{
  GstMessage *m;
  char *text = NULL;

  while (text == NULL &&
         (m = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT)) != NULL) {
    const GstStructure *st = gst_message_get_structure (m);
    if (gst_structure_has_name (st, "ratingwarning") &&
        g_strcmp0 (gst_structure_get_string (st, "event"), event) == 0)
      text = g_strdup (gst_structure_get_string (st, "text"));
    gst_message_unref (m);
  }
  return text;
}

GST_START_TEST (test_ratingwarning_end_card_at_eos)
{
  GstElement *e;
  GstHarness *h = video_harness (&e);
  GstBus *bus = gst_bus_new ();
  char *text;

  gst_element_set_bus (e, bus);
  g_object_set (e, "mode", 2 /* off: only the end card */, "end-card-duration",
      (guint64) GST_SECOND, NULL);
  /* BBFC imitable behaviour calls for suicide and self-harm support */
  gst_harness_push_event (h,
      rating_with_descriptor ("bbfc", "15", "imitable-behaviour", "GB"));
  for (guint i = 0; i < 10; i++) {
    GstBuffer *out;
    gst_harness_push (h, video_frame (VCAPS, 128, i));
    out = gst_harness_pull (h);
    fail_unless (changed_fraction (out, 128) == 0.0, "frame %u", i);
    gst_buffer_unref (out);
  }
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  /* 1 s of end card after the last frame, then the EOS */
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), 25);
  for (guint i = 0; i < 25; i++) {
    GstBuffer *out = gst_harness_pull (h);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out),
        (10 + i) * GST_SECOND / 25);
    fail_unless (changed_fraction (out, 0) > 0.6, "end card frame %u", i);
    gst_buffer_unref (out);
  }
  text = message_text (bus, "end-card");
  fail_unless (text != NULL);
  /* the topic's helpline, then the territory's child helpline */
  fail_unless (g_str_has_prefix (text, "Samaritans  116 123"), "%s", text);
  fail_unless (strstr (text, "\nChildline  0800 1111") != NULL, "%s", text);
  g_free (text);
  gst_element_set_bus (e, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_ratingwarning_end_card_event)
{
  GstElement *e;
  GstHarness *h = video_harness (&e);
  GstBus *bus = gst_bus_new ();
  char *text;

  gst_element_set_bus (e, bus);
  g_object_set (e, "mode", 2, "end-card-duration", (guint64) GST_SECOND, NULL);
  /* FSK drug use calls for addiction support in Germany */
  gst_harness_push_event (h,
      rating_with_descriptor ("fsk", "16", "drogenkonsum", "DE"));
  for (guint i = 0; i < 60; i++) {
    GstBuffer *out;
    if (i == 20)
      gst_harness_push_event (h, ws_programme_end_event_new ());
    gst_harness_push (h, video_frame (VCAPS, 128, i));
    out = gst_harness_pull (h);
    if (i >= 20 && i < 45)
      fail_unless (changed_fraction (out, 128) > 0.6, "frame %u", i);
    else
      fail_unless (changed_fraction (out, 128) == 0.0, "frame %u", i);
    gst_buffer_unref (out);
  }
  /* shown once: nothing more at EOS */
  gst_harness_push_event (h, gst_event_new_eos ());
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), 0);
  text = message_text (bus, "end-card");
  fail_unless (text != NULL && text[0] != '\0');
  g_free (text);
  gst_element_set_bus (e, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_ratingwarning_no_end_card_without_topic)
{
  GstElement *e;
  GstHarness *h = video_harness (&e);

  g_object_set (e, "mode", 2, NULL);
  gst_harness_push_event (h,
      rating_with_descriptor ("bbfc", "15", "language", "GB"));
  gst_harness_push (h, video_frame (VCAPS, 128, 0));
  gst_buffer_unref (gst_harness_pull (h));
  gst_harness_push_event (h, gst_event_new_eos ());
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), 0);
  gst_harness_teardown (h);
}

GST_END_TEST;

static Suite *
ratingwarning_suite (void)
{
  Suite *s = suite_create ("ratingwarning");
  TCase *card = tcase_create ("card");
  TCase *audio = tcase_create ("audio");
  TCase *text = tcase_create ("text");
  TCase *end = tcase_create ("end-card");

  tcase_add_test (card, test_ratingwarning_card_for_its_duration);
  tcase_add_test (card, test_ratingwarning_every_format);
  tcase_add_test (card, test_ratingwarning_auto_without_policy);
  tcase_add_test (audio, test_ratingwarning_announcement_ducked);
  tcase_add_test (audio, test_ratingwarning_delay_inserts);
  tcase_add_test (audio, test_ratingwarning_delay_segment);
  tcase_add_test (audio, test_ratingwarning_delay_seek);
  tcase_add_test (audio, test_ratingwarning_delay_qtdemux);
  tcase_add_test (audio, test_ratingwarning_bad_recording);
  tcase_add_test (audio, test_ratingwarning_recordings_catalogue);
  tcase_add_test (audio, test_ratingwarning_start_time);
  tcase_add_test (audio, test_ratingwarning_uk_auto);
  tcase_add_test (audio, test_ratingwarning_speech_made_ahead);
  tcase_add_test (text, test_ratingwarning_rtl_cjk_shaped);
  tcase_add_test (end, test_ratingwarning_end_card_at_eos);
  tcase_add_test (end, test_ratingwarning_end_card_event);
  tcase_add_test (end, test_ratingwarning_no_end_card_without_topic);
  suite_add_tcase (s, card);
  suite_add_tcase (s, audio);
  suite_add_tcase (s, text);
  suite_add_tcase (s, end);
  return s;
}

GST_CHECK_MAIN (ratingwarning);
