/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: gst-check tests of the loudnessmeter element. Signals are 1 kHz
 * sines generated here; "-23 dBFS" is the sine's peak, so a stereo pair
 * reads -23 LUFS (EBU Tech 3341 case 1). */
#include <gst/audio/audio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <math.h>
#include <string.h>

#define RATE 48000
#define BUFFER_FRAMES 4800 /* 100 ms */

typedef struct {
  GstHarness *h;
  GstBus *bus;
  GstAudioFormat format;
  gint channels;
  guint64 frames_pushed;
} Fixture;

static void
fixture_init (Fixture *f, GstAudioFormat format, gint channels,
    guint64 channel_mask)
{
  gchar *caps;

  memset (f, 0, sizeof *f);
  f->format = format;
  f->channels = channels;
  f->h = gst_harness_new ("loudnessmeter");
  f->bus = gst_bus_new ();
  gst_element_set_bus (f->h->element, f->bus);
  caps = g_strdup_printf ("audio/x-raw, format=%s, rate=%d, channels=%d, "
                          "layout=interleaved, "
                          "channel-mask=(bitmask)0x%" G_GINT64_MODIFIER "x",
      gst_audio_format_to_string (format), RATE, channels, channel_mask);
  gst_harness_set_src_caps_str (f->h, caps);
  g_free (caps);
}

static void
fixture_clear (Fixture *f)
{
  gst_element_set_bus (f->h->element, NULL);
  gst_object_unref (f->bus);
  gst_harness_teardown (f->h);
}

/* Pushes @seconds of a 1 kHz sine, @dbfs[c] per channel, and drops the
 * output buffers (checking they are the input ones). */
static void
push_sine (Fixture *f, const double *dbfs, double seconds)
{
  guint64 total = (guint64) llround (seconds * RATE);
  guint64 end = f->frames_pushed + total;
  while (f->frames_pushed < end) {
    guint64 n = MIN (BUFFER_FRAMES, end - f->frames_pushed);
    const GstAudioFormatInfo *fi = gst_audio_format_get_info (f->format);
    gsize size = n * f->channels * GST_AUDIO_FORMAT_INFO_WIDTH (fi) / 8;
    GstBuffer *buf = gst_buffer_new_allocate (NULL, size, NULL);
    GstBuffer *copy, *out;
    GstMapInfo map;
    guint64 i;
    gint c;

    gst_buffer_map (buf, &map, GST_MAP_WRITE);
    for (i = 0; i < n; i++) {
      double ph = sin (
          2.0 * G_PI * 1000.0 * (double) (f->frames_pushed + i) / RATE);
      for (c = 0; c < f->channels; c++) {
        double v = pow (10.0, dbfs[c] / 20.0) * ph;
        guint64 k = i * f->channels + c;

        switch (f->format) {
          case GST_AUDIO_FORMAT_S16LE:
            ((gint16 *) map.data)[k] = (gint16) lrint (v * 32767.0);
            break;
          case GST_AUDIO_FORMAT_S32LE:
            ((gint32 *) map.data)[k] = (gint32) lrint (v * 2147483647.0);
            break;
          case GST_AUDIO_FORMAT_F32LE:
            ((gfloat *) map.data)[k] = (gfloat) v;
            break;
          case GST_AUDIO_FORMAT_F64LE:
            ((gdouble *) map.data)[k] = v;
            break;
          default:
            g_assert_not_reached ();
        }
      }
    }
    gst_buffer_unmap (buf, &map);
    GST_BUFFER_PTS (
        buf) = gst_util_uint64_scale_int (f->frames_pushed, GST_SECOND, RATE);
    GST_BUFFER_DURATION (buf) = gst_util_uint64_scale_int (n, GST_SECOND, RATE);
    copy = gst_buffer_copy_deep (buf);

    fail_unless_equals_int (gst_harness_push (f->h, buf), GST_FLOW_OK);
    out = gst_harness_pull (f->h);
    fail_unless (out != NULL);
    /* passthrough: the very buffer, bytes untouched */
    fail_unless (out == buf);
    fail_unless_equals_int (gst_buffer_get_size (out),
        gst_buffer_get_size (copy));
    gst_buffer_map (copy, &map, GST_MAP_READ);
    fail_unless_equals_int (gst_buffer_memcmp (out, 0, map.data, map.size), 0);
    gst_buffer_unmap (copy, &map);
    gst_buffer_unref (copy);
    gst_buffer_unref (out);
    f->frames_pushed += n;
  }
}

static void
push_stereo (Fixture *f, double dbfs, double seconds)
{
  const double levels[2] = { dbfs, dbfs };

  push_sine (f, levels, seconds);
}

static void
push_eos (Fixture *f)
{
  fail_unless (gst_harness_push_event (f->h, gst_event_new_eos ()));
}

/* Pops every pending loudnessmeter message: intervals into @intervals (a
 * GList of GstMessage, transfer full), the final one returned. */
static GstMessage *
pop_messages (Fixture *f, GList **intervals)
{
  GstMessage *final = NULL, *msg;

  while ((msg = gst_bus_pop_filtered (f->bus, GST_MESSAGE_ELEMENT))) {
    const GstStructure *s = gst_message_get_structure (msg);
    gboolean is_final = FALSE;

    fail_unless (gst_structure_has_name (s, "loudnessmeter"));
    fail_unless (gst_structure_get_boolean (s, "final", &is_final));
    if (is_final) {
      fail_unless (final == NULL, "two final messages");
      final = msg;
    } else if (intervals != NULL) {
      *intervals = g_list_append (*intervals, msg);
    } else {
      gst_message_unref (msg);
    }
  }
  return final;
}

static double
get_double (const GstStructure *s, const gchar *field)
{
  double v = 0.0;

  fail_unless (gst_structure_get_double (s, field, &v),
      "no %s in %" GST_PTR_FORMAT, field, s);
  return v;
}

static void
assert_timing_quartet_first (const GstStructure *s)
{
  static const gchar *names[] = { "timestamp", "stream-time", "running-time",
    "duration" };
  guint i;

  fail_unless (gst_structure_n_fields (s) > 4);
  for (i = 0; i < 4; i++) {
    fail_unless_equals_string (gst_structure_nth_field_name (s, i), names[i]);
    fail_unless_equals_int (gst_structure_get_field_type (s, names[i]),
        G_TYPE_UINT64);
  }
}

static double
array_double (const GstStructure *s, const gchar *field, guint i)
{
  const GValue *arr = gst_structure_get_value (s, field);

  fail_unless (arr != NULL && GST_VALUE_HOLDS_ARRAY (arr), "%s", field);
  fail_unless (i < gst_value_array_get_size (arr));
  return g_value_get_double (gst_value_array_get_value (arr, i));
}

GST_START_TEST (test_loudnessmeter_interval_messages_and_pass)
{
  Fixture f;
  GList *intervals = NULL, *l;
  GstMessage *final;
  const GstStructure *s;
  const GValue *reasons;
  guint64 ts = 0, dur = 0;
  guint i = 0;

  fixture_init (&f, GST_AUDIO_FORMAT_F32LE, 2, 0x3);
  push_stereo (&f, -23.0, 20.0);
  push_eos (&f);
  final = pop_messages (&f, &intervals);

  fail_unless_equals_int (g_list_length (intervals), 20);
  for (l = intervals; l != NULL; l = l->next, i++) {
    s = gst_message_get_structure (l->data);
    assert_timing_quartet_first (s);
    fail_unless (gst_structure_get_uint64 (s, "timestamp", &ts));
    fail_unless (gst_structure_get_uint64 (s, "duration", &dur));
    fail_unless_equals_uint64 (ts, i * GST_SECOND);
    fail_unless_equals_uint64 (dur, GST_SECOND);
    fail_unless (gst_structure_get_uint64 (s, "running-time", &ts));
    fail_unless_equals_uint64 (ts, i * GST_SECOND);
    fail_unless (fabs (get_double (s, "momentary-lufs") + 23.0) < 0.1);
    fail_unless (fabs (get_double (s, "integrated-lufs") + 23.0) < 0.1);
    if (i >= 2) { /* 3 s in */
      fail_unless (fabs (get_double (s, "shortterm-lufs") + 23.0) < 0.1);
      fail_unless (fabs (get_double (s, "range-lu")) < 0.5);
    } else {
      fail_unless (isinf (get_double (s, "shortterm-lufs")));
    }
    fail_unless (fabs (array_double (s, "sample-peak-dbfs", 1) + 23.0) < 0.05);
    fail_unless (fabs (array_double (s, "true-peak-dbtp", 0) + 23.0) < 0.1);
  }
  g_list_free_full (intervals, (GDestroyNotify) gst_message_unref);

  fail_unless (final != NULL);
  s = gst_message_get_structure (final);
  assert_timing_quartet_first (s);
  fail_unless (gst_structure_get_uint64 (s, "duration", &dur));
  fail_unless_equals_uint64 (dur, 20 * GST_SECOND);
  fail_unless (fabs (get_double (s, "integrated-lufs") + 23.0) <= 0.1,
      "integrated %f", get_double (s, "integrated-lufs"));
  fail_unless (fabs (get_double (s, "max-momentary-lufs") + 23.0) <= 0.1);
  fail_unless (fabs (get_double (s, "max-shortterm-lufs") + 23.0) <= 0.1);
  fail_unless_equals_string (gst_structure_get_string (s, "preset"),
      "ebu-r128");
  fail_unless_equals_string (gst_structure_get_string (s, "verdict"), "pass");
  fail_unless_equals_float (get_double (s, "target-lufs"), -23.0);
  reasons = gst_structure_get_value (s, "reasons");
  fail_unless (reasons != NULL && GST_VALUE_HOLDS_ARRAY (reasons));
  fail_unless_equals_int (gst_value_array_get_size (reasons), 0);
  gst_message_unref (final);
  fixture_clear (&f);
}

GST_END_TEST;

GST_START_TEST (test_loudnessmeter_loud_signal_fails_with_reason)
{
  Fixture f;
  GstMessage *final;
  const GstStructure *s;
  const GValue *reasons;

  fixture_init (&f, GST_AUDIO_FORMAT_F32LE, 2, 0x3);
  push_stereo (&f, -0.5, 5.0);
  push_eos (&f);
  final = pop_messages (&f, NULL);
  fail_unless (final != NULL);
  s = gst_message_get_structure (final);
  fail_unless_equals_string (gst_structure_get_string (s, "verdict"), "fail");
  reasons = gst_structure_get_value (s, "reasons");
  fail_unless_equals_int (gst_value_array_get_size (reasons), 2);
  fail_unless (
      strstr (g_value_get_string (gst_value_array_get_value (reasons, 0)),
          "above the maximum -22.0 LUFS") != NULL);
  fail_unless (
      strstr (g_value_get_string (gst_value_array_get_value (reasons, 1)),
          "true peak") != NULL);
  gst_message_unref (final);
  fixture_clear (&f);
}

GST_END_TEST;

GST_START_TEST (test_loudnessmeter_all_formats)
{
  static const GstAudioFormat formats[] = { GST_AUDIO_FORMAT_S16LE,
    GST_AUDIO_FORMAT_S32LE, GST_AUDIO_FORMAT_F32LE, GST_AUDIO_FORMAT_F64LE };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (formats); i++) {
    Fixture f;
    GstMessage *final;
    const GstStructure *s;

    fixture_init (&f, formats[i], 2, 0x3);
    push_stereo (&f, -23.0, 2.0);
    push_eos (&f);
    final = pop_messages (&f, NULL);
    fail_unless (final != NULL);
    s = gst_message_get_structure (final);
    fail_unless (fabs (get_double (s, "integrated-lufs") + 23.0) <= 0.1,
        "%s: %f", gst_audio_format_to_string (formats[i]),
        get_double (s, "integrated-lufs"));
    fail_unless (fabs (array_double (s, "true-peak-dbtp", 0) + 23.0) < 0.1);
    gst_message_unref (final);
    fixture_clear (&f);
  }
}

GST_END_TEST;

GST_START_TEST (test_loudnessmeter_surround_5_1_excludes_lfe)
{
  /* FL FR FC LFE RL RR (channel-mask 0x3f), EBU Tech 3341 case 6 levels
   * plus a loud LFE that must not count */
  const double levels[6] = { -28.0, -28.0, -24.0, -6.0, -30.0, -30.0 };
  Fixture f;
  GstMessage *final;
  const GstStructure *s;

  fixture_init (&f, GST_AUDIO_FORMAT_F32LE, 6, 0x3f);
  push_sine (&f, levels, 5.0);
  push_eos (&f);
  final = pop_messages (&f, NULL);
  fail_unless (final != NULL);
  s = gst_message_get_structure (final);
  fail_unless (fabs (get_double (s, "integrated-lufs") + 23.0) <= 0.1,
      "5.1: %f", get_double (s, "integrated-lufs"));
  /* the LFE peak is still reported */
  fail_unless (fabs (array_double (s, "sample-peak-dbfs", 3) + 6.0) < 0.05);
  gst_message_unref (final);
  fixture_clear (&f);
}

GST_END_TEST;

GST_START_TEST (test_loudnessmeter_custom_preset)
{
  Fixture f;
  GstMessage *final;
  const GstStructure *s;

  fixture_init (&f, GST_AUDIO_FORMAT_S16LE, 2, 0x3);
  g_object_set (f.h->element, "preset", 3 /* custom */, "target", -16.0,
      "tolerance", 1.0, "max-true-peak", -10.0, NULL);
  push_stereo (&f, -16.0, 5.0);
  push_eos (&f);
  final = pop_messages (&f, NULL);
  s = gst_message_get_structure (final);
  fail_unless_equals_string (gst_structure_get_string (s, "preset"), "custom");
  fail_unless_equals_float (get_double (s, "target-lufs"), -16.0);
  fail_unless_equals_string (gst_structure_get_string (s, "verdict"), "pass");
  gst_message_unref (final);
  fixture_clear (&f);

  /* the same programme is too loud for ATSC A/85 */
  fixture_init (&f, GST_AUDIO_FORMAT_S16LE, 2, 0x3);
  gst_util_set_object_arg (G_OBJECT (f.h->element), "preset", "atsc-a85");
  push_stereo (&f, -16.0, 5.0);
  push_eos (&f);
  final = pop_messages (&f, NULL);
  s = gst_message_get_structure (final);
  fail_unless_equals_string (gst_structure_get_string (s, "verdict"), "fail");
  fail_unless_equals_float (get_double (s, "max-true-peak-dbtp"), -2.0);
  gst_message_unref (final);
  fixture_clear (&f);
}

GST_END_TEST;

GST_START_TEST (test_loudnessmeter_message_switches)
{
  Fixture f;
  GList *intervals = NULL;
  GstMessage *final;

  /* no interval messages, the summary still comes */
  fixture_init (&f, GST_AUDIO_FORMAT_F32LE, 2, 0x3);
  g_object_set (f.h->element, "post-messages", FALSE, NULL);
  push_stereo (&f, -23.0, 3.0);
  push_eos (&f);
  final = pop_messages (&f, &intervals);
  fail_unless (intervals == NULL);
  fail_unless (final != NULL);
  fail_unless (
      fabs (get_double (gst_message_get_structure (final), "integrated-lufs") +
            23.0) <= 0.1);
  gst_message_unref (final);
  fixture_clear (&f);

  /* nothing at all; a shorter interval gives more messages */
  fixture_init (&f, GST_AUDIO_FORMAT_F32LE, 2, 0x3);
  g_object_set (f.h->element, "post-messages", FALSE, "summary", FALSE, NULL);
  push_stereo (&f, -23.0, 1.0);
  g_object_set (f.h->element, "post-messages", TRUE, "interval",
      (guint64) (250 * GST_MSECOND), NULL);
  push_stereo (&f, -23.0, 1.0);
  push_eos (&f);
  final = pop_messages (&f, &intervals);
  fail_unless (final == NULL);
  fail_unless_equals_int (g_list_length (intervals), 4);
  g_list_free_full (intervals, (GDestroyNotify) gst_message_unref);
  fixture_clear (&f);
}

GST_END_TEST;

GST_START_TEST (test_loudnessmeter_no_true_peak)
{
  Fixture f;
  GstMessage *final;
  const GstStructure *s;

  fixture_init (&f, GST_AUDIO_FORMAT_F32LE, 1, 0x0);
  g_object_set (f.h->element, "true-peak", FALSE, NULL);
  /* caps were set before the property: set them again to apply it */
  gst_harness_set_src_caps_str (f.h,
      "audio/x-raw, format=F32LE, "
      "rate=48000, channels=1, layout=interleaved");
  {
    const double level = -23.0;
    push_sine (&f, &level, 2.0);
  }
  push_eos (&f);
  final = pop_messages (&f, NULL);
  s = gst_message_get_structure (final);
  fail_unless (!gst_structure_has_field (s, "true-peak-dbtp"));
  /* mono is dual mono: a -23 dBFS sine reads -23 LUFS */
  fail_unless (fabs (get_double (s, "integrated-lufs") + 23.0) <= 0.1,
      "mono %f", get_double (s, "integrated-lufs"));
  gst_message_unref (final);
  fixture_clear (&f);
}

GST_END_TEST;

static Suite *
loudnessmeter_suite (void)
{
  Suite *s = suite_create ("loudnessmeter");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_loudnessmeter_interval_messages_and_pass);
  tcase_add_test (tc, test_loudnessmeter_loud_signal_fails_with_reason);
  tcase_add_test (tc, test_loudnessmeter_all_formats);
  tcase_add_test (tc, test_loudnessmeter_surround_5_1_excludes_lfe);
  tcase_add_test (tc, test_loudnessmeter_custom_preset);
  tcase_add_test (tc, test_loudnessmeter_message_switches);
  tcase_add_test (tc, test_loudnessmeter_no_true_peak);
  return s;
}

GST_CHECK_MAIN (loudnessmeter);
