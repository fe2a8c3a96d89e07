/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: loudnessmeter element. */

/**
 * SECTION:element-loudnessmeter
 * @title: loudnessmeter
 *
 * Measures loudness as ITU-R BS.1770-4 / EBU R 128 define it (momentary,
 * short-term, integrated loudness, loudness range, sample and true peak)
 * and judges the programme against a preset (EBU R 128, ATSC A/85 or custom
 * limits). The audio passes through untouched (in place, never written).
 *
 * Channel positions come from the caps: front left/right/centre weigh 1.0,
 * surrounds (rear or side in 5.1, side in 7.1, wide) 1.41, LFE is not
 * counted, mono is measured as dual mono. Unpositioned audio is taken as
 * mono, stereo or 5.1 (WAV order) by channel count, otherwise every channel
 * weighs 1.0. A caps change restarts the measurement. Gap buffers count as
 * silence.
 *
 * Every #WsLoudnessMeter:interval of stream time, when
 * #WsLoudnessMeter:post-messages is %TRUE, the element posts an element
 * message named "loudnessmeter" with these fields, in this order:
 *
 * - `timestamp` (#G_TYPE_UINT64): buffer time of the start of the interval
 * - `stream-time` (#G_TYPE_UINT64): its stream time
 * - `running-time` (#G_TYPE_UINT64): its running time
 * - `duration` (#G_TYPE_UINT64): the interval length in nanoseconds
 * - `final` (#G_TYPE_BOOLEAN): %FALSE
 * - `momentary-lufs` (#G_TYPE_DOUBLE): the last 400 ms
 * - `shortterm-lufs` (#G_TYPE_DOUBLE): the last 3 s
 * - `integrated-lufs` (#G_TYPE_DOUBLE): since the start
 * - `range-lu` (#G_TYPE_DOUBLE): loudness range since the start
 * - `sample-peak-dbfs` (#GstValueArray of #G_TYPE_DOUBLE): per channel, the
 *   highest sample since the start
 * - `true-peak-dbtp` (#GstValueArray of #G_TYPE_DOUBLE): per channel, the
 *   true peak since the start; only when #WsLoudnessMeter:true-peak is on
 *
 * Loudness values that do not exist yet (less than 400 ms or 3 s of input,
 * or silence) are -inf; so are the peaks of digital silence.
 *
 * On EOS, when #WsLoudnessMeter:summary is %TRUE, a last "loudnessmeter"
 * message covers the whole stream: the timing quartet (start of the stream,
 * its measured duration), `final` = %TRUE, `integrated-lufs`, `range-lu`,
 * `max-momentary-lufs`, `max-shortterm-lufs` (#G_TYPE_DOUBLE),
 * `sample-peak-dbfs`, `true-peak-dbtp` (arrays as above), `preset`
 * (#G_TYPE_STRING, the #WsLoudnessMeter:preset nick), `target-lufs`,
 * `tolerance-lu`, `max-true-peak-dbtp` (#G_TYPE_DOUBLE, the limits used),
 * `verdict` (#G_TYPE_STRING, "pass" or "fail") and `reasons`
 * (#GstValueArray of #G_TYPE_STRING, one English sentence per failed check
 * with the measured value and the limit; empty on "pass"). It is posted
 * before EOS travels on, so it reaches the bus before the EOS message. No
 * integrated loudness (silence, or under 400 ms) fails.
 *
 * With both #WsLoudnessMeter:post-messages and #WsLoudnessMeter:summary
 * off, nothing is measured and the element costs next to nothing.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 -m audiotestsrc num-buffers=500 ! loudnessmeter ! fakesink
 * ]| Prints a loudnessmeter message per second of audiotestsrc's 440 Hz
 * mono tone (peak -1.9 dBFS, measured as dual mono: about -2.7 LUFS) and at
 * the end the verdict: "fail", far too loud for EBU R 128.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "loudnessmeter.h"
#include "ws-element.h"

#include <gst/audio/audio.h>
#include <math.h>

#include "ws-loudness.h"

GST_DEBUG_CATEGORY_STATIC (loudnessmeter_debug);
#define GST_CAT_DEFAULT loudnessmeter_debug

enum {
  PROP_0,
  PROP_INTERVAL,
  PROP_POST_MESSAGES,
  PROP_SUMMARY,
  PROP_PRESET,
  PROP_TARGET,
  PROP_TOLERANCE,
  PROP_MAX_TRUE_PEAK,
  PROP_TRUE_PEAK,
};

#define DEFAULT_INTERVAL (GST_SECOND)
#define DEFAULT_POST_MESSAGES TRUE
#define DEFAULT_SUMMARY TRUE
#define DEFAULT_PRESET WS_LOUDNESS_PRESET_EBU_R128
#define DEFAULT_TARGET (-23.0)
#define DEFAULT_TOLERANCE (1.0)
#define DEFAULT_MAX_TRUE_PEAK (-1.0)
#define DEFAULT_TRUE_PEAK TRUE

/* frames of silence fed per call for a gap buffer */
#define GAP_FRAMES 256

struct _WsLoudnessMeter {
  GstAudioFilter parent;

  /* properties, under the object lock */
  guint64 interval;
  gboolean post_messages;
  gboolean summary;
  WsLoudnessPreset preset;
  gdouble target;
  gdouble tolerance;
  gdouble max_true_peak;
  gboolean true_peak;

  /* stream state, streaming thread only */
  WsLoudness *meter;
  gboolean meter_true_peak;    /* true-peak flag the meter was made with */
  float *zeros;                /* GAP_FRAMES * channels */
  guint64 interval_frames;     /* frames in the current interval */
  GstClockTime interval_start; /* buffer time of its first frame */
  GstClockTime stream_start;   /* buffer time of the first frame */
  GstClockTime next_ts;        /* expected time of the next frame */
};

#define CAPS_STR                                                               \
  "audio/x-raw, "                                                              \
  "format = (string) { S16LE, S32LE, F32LE, F64LE }, "                         \
  "rate = (int) [ " G_STRINGIFY (WS_LOUDNESS_MIN_RATE) ", " G_STRINGIFY (      \
      WS_LOUDNESS_MAX_RATE) " ], "                                             \
                            "channels = (int) [ 1, " G_STRINGIFY (             \
                                WS_LOUDNESS_MAX_CHANNELS) " ], "               \
                                                          "layout = (string) " \
                                                          "interleaved"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (CAPS_STR));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (CAPS_STR));

#define ws_loudness_meter_parent_class parent_class
G_DEFINE_TYPE (WsLoudnessMeter, ws_loudness_meter, GST_TYPE_AUDIO_FILTER);
GST_ELEMENT_REGISTER_DEFINE (loudnessmeter, "loudnessmeter", GST_RANK_NONE,
    WS_TYPE_LOUDNESS_METER);

GType
ws_loudness_meter_preset_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { WS_LOUDNESS_PRESET_EBU_R128, "EBU R 128: -23 LUFS +/- 1 LU, max -1 dBTP",
        "ebu-r128" },
    { WS_LOUDNESS_PRESET_EBU_R128_STRICT,
        "EBU R 128 strict: -23 LUFS +/- 0.5 LU, max -1 dBTP",
        "ebu-r128-strict" },
    { WS_LOUDNESS_PRESET_ATSC_A85, "ATSC A/85: -24 LKFS +/- 2 LU, max -2 dBTP",
        "atsc-a85" },
    { WS_LOUDNESS_PRESET_CUSTOM,
        "Custom: the target, tolerance and max-true-peak properties",
        "custom" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("WsLoudnessMeterPreset", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

/* ---- channel positions ------------------------------------------------- */

static WsResult
make_meter (WsLoudnessMeter *self, const GstAudioInfo *info, gboolean true_peak,
    WsLoudness **out)
{
  WsLoudnessChannel map[WS_LOUDNESS_MAX_CHANNELS];
  gint channels = GST_AUDIO_INFO_CHANNELS (info);
  gboolean has_side = FALSE, has_rear = FALSE;
  guint flags = true_peak ? WS_LOUDNESS_FLAG_TRUE_PEAK : 0;
  gint i;

  if (channels < 1 || channels > WS_LOUDNESS_MAX_CHANNELS)
    return WS_RESULT_INVALID_ARGUMENT;

  if (GST_AUDIO_INFO_IS_UNPOSITIONED (info) ||
      info->position[0] == GST_AUDIO_CHANNEL_POSITION_NONE)
    return ws_loudness_new (out, (guint) channels,
        (guint) GST_AUDIO_INFO_RATE (info), WS_LOUDNESS_LAYOUT_DEFAULT, NULL,
        flags);

  for (i = 0; i < channels; i++) {
    if (info->position[i] == GST_AUDIO_CHANNEL_POSITION_SIDE_LEFT ||
        info->position[i] == GST_AUDIO_CHANNEL_POSITION_SIDE_RIGHT)
      has_side = TRUE;
    if (info->position[i] == GST_AUDIO_CHANNEL_POSITION_REAR_LEFT ||
        info->position[i] == GST_AUDIO_CHANNEL_POSITION_REAR_RIGHT)
      has_rear = TRUE;
  }

  for (i = 0; i < channels; i++) {
    WsLoudnessChannel ch;

    switch (info->position[i]) {
      case GST_AUDIO_CHANNEL_POSITION_MONO:
        ch = WS_LOUDNESS_CHANNEL_DUAL_MONO;
        break;
      case GST_AUDIO_CHANNEL_POSITION_FRONT_LEFT:
        ch = WS_LOUDNESS_CHANNEL_LEFT;
        break;
      case GST_AUDIO_CHANNEL_POSITION_FRONT_RIGHT:
        ch = WS_LOUDNESS_CHANNEL_RIGHT;
        break;
      case GST_AUDIO_CHANNEL_POSITION_FRONT_CENTER:
        ch = WS_LOUDNESS_CHANNEL_CENTER;
        break;
      case GST_AUDIO_CHANNEL_POSITION_LFE1:
      case GST_AUDIO_CHANNEL_POSITION_LFE2:
        ch = WS_LOUDNESS_CHANNEL_UNUSED;
        break;
      case GST_AUDIO_CHANNEL_POSITION_REAR_LEFT:
        /* 5.1 surrounds (+-110 degrees) unless sides are there too (7.1) */
        ch = has_side ? WS_LOUDNESS_CHANNEL_REAR_LEFT :
                        WS_LOUDNESS_CHANNEL_LEFT_SURROUND;
        break;
      case GST_AUDIO_CHANNEL_POSITION_REAR_RIGHT:
        ch = has_side ? WS_LOUDNESS_CHANNEL_REAR_RIGHT :
                        WS_LOUDNESS_CHANNEL_RIGHT_SURROUND;
        break;
      case GST_AUDIO_CHANNEL_POSITION_SIDE_LEFT:
        ch = has_rear ? WS_LOUDNESS_CHANNEL_SIDE_LEFT :
                        WS_LOUDNESS_CHANNEL_LEFT_SURROUND;
        break;
      case GST_AUDIO_CHANNEL_POSITION_SIDE_RIGHT:
        ch = has_rear ? WS_LOUDNESS_CHANNEL_SIDE_RIGHT :
                        WS_LOUDNESS_CHANNEL_RIGHT_SURROUND;
        break;
      case GST_AUDIO_CHANNEL_POSITION_WIDE_LEFT:
        ch = WS_LOUDNESS_CHANNEL_WIDE_LEFT;
        break;
      case GST_AUDIO_CHANNEL_POSITION_WIDE_RIGHT:
        ch = WS_LOUDNESS_CHANNEL_WIDE_RIGHT;
        break;
      case GST_AUDIO_CHANNEL_POSITION_REAR_CENTER:
        ch = WS_LOUDNESS_CHANNEL_REAR_CENTER;
        break;
      default:
        ch = WS_LOUDNESS_CHANNEL_OTHER;
        break;
    }
    map[i] = ch;
  }
  return ws_loudness_new (out, (guint) channels,
      (guint) GST_AUDIO_INFO_RATE (info), WS_LOUDNESS_LAYOUT_MAP, map, flags);
}

static void
reset_timing (WsLoudnessMeter *self)
{
  self->interval_frames = 0;
  self->interval_start = GST_CLOCK_TIME_NONE;
  self->stream_start = GST_CLOCK_TIME_NONE;
  self->next_ts = GST_CLOCK_TIME_NONE;
}

static gboolean
ws_loudness_meter_setup (GstAudioFilter *filter, const GstAudioInfo *info)
{
  WsLoudnessMeter *self = WS_LOUDNESS_METER (filter);
  WsLoudness *meter = NULL;
  gboolean true_peak;
  WsResult res;

  GST_OBJECT_LOCK (self);
  true_peak = self->true_peak;
  GST_OBJECT_UNLOCK (self);

  res = make_meter (self, info, true_peak, &meter);
  if (res != WS_RESULT_OK)
    goto invalid_format;

  ws_loudness_free (self->meter);
  g_free (self->zeros);
  self->meter = meter;
  self->meter_true_peak = true_peak;
  self->zeros = g_new0 (float,
      (gsize) GAP_FRAMES *GST_AUDIO_INFO_CHANNELS (info));
  reset_timing (self);
  GST_DEBUG_OBJECT (self, "measuring %d channels at %d Hz, true peak %d",
      GST_AUDIO_INFO_CHANNELS (info), GST_AUDIO_INFO_RATE (info), true_peak);
  return TRUE;

  /* Errors. */
invalid_format : {
  GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
      ("loudnessmeter cannot measure %d channels at %d Hz",
          GST_AUDIO_INFO_CHANNELS (info), GST_AUDIO_INFO_RATE (info)),
      ("%s; it takes 1-%d channels at %d-%d Hz: put audioconvert and "
       "audioresample in front",
          ws_result_to_string (res), WS_LOUDNESS_MAX_CHANNELS,
          WS_LOUDNESS_MIN_RATE, WS_LOUDNESS_MAX_RATE));
  return FALSE;
}
}

/* ---- messages ---------------------------------------------------------- */

static void
take_double (GstStructure *s, const gchar *field, WsResult res, double v)
{
  gst_structure_set (s, field, G_TYPE_DOUBLE,
      res == WS_RESULT_OK ? v : -INFINITY, NULL);
}

static void
set_peaks (GstStructure *s, const WsLoudness *meter, gboolean true_peak)
{
  guint c, channels = ws_loudness_get_channels (meter);
  GValue sp = G_VALUE_INIT, tp = G_VALUE_INIT;

  g_value_init (&sp, GST_TYPE_ARRAY);
  g_value_init (&tp, GST_TYPE_ARRAY);
  for (c = 0; c < channels; c++) {
    GValue v = G_VALUE_INIT;
    double db = -INFINITY;

    if (ws_loudness_get_sample_peak (meter, c, &db) != WS_RESULT_OK)
      db = -INFINITY;
    g_value_init (&v, G_TYPE_DOUBLE);
    g_value_set_double (&v, db);
    gst_value_array_append_and_take_value (&sp, &v);
    if (true_peak) {
      GValue t = G_VALUE_INIT;

      if (ws_loudness_get_true_peak (meter, c, &db) != WS_RESULT_OK)
        db = -INFINITY;
      g_value_init (&t, G_TYPE_DOUBLE);
      g_value_set_double (&t, db);
      gst_value_array_append_and_take_value (&tp, &t);
    }
  }
  gst_structure_take_value (s, "sample-peak-dbfs", &sp);
  if (true_peak)
    gst_structure_take_value (s, "true-peak-dbtp", &tp);
  else
    g_value_unset (&tp);
}

/* The timing quartet, first in every message. */
static GstStructure *
new_structure (WsLoudnessMeter *self, GstClockTime ts, GstClockTime dur)
{
  return ws_timed_structure_new_from_segment ("loudnessmeter",
      &GST_BASE_TRANSFORM (self)->segment, ts, dur);
}

static GstMessage *
interval_message (WsLoudnessMeter *self, GstClockTime dur)
{
  GstStructure *s = new_structure (self, self->interval_start, dur);
  double v = 0.0;
  WsResult res;

  gst_structure_set (s, "final", G_TYPE_BOOLEAN, FALSE, NULL);
  res = ws_loudness_get_momentary (self->meter, &v);
  take_double (s, "momentary-lufs", res, v);
  res = ws_loudness_get_shortterm (self->meter, &v);
  take_double (s, "shortterm-lufs", res, v);
  res = ws_loudness_get_integrated (self->meter, &v);
  take_double (s, "integrated-lufs", res, v);
  res = ws_loudness_get_range (self->meter, &v);
  take_double (s, "range-lu", res, v);
  set_peaks (s, self->meter, self->meter_true_peak);
  return gst_message_new_element (GST_OBJECT (self), s);
}

static GstMessage *
summary_message (WsLoudnessMeter *self, WsLoudnessPreset preset,
    const WsLoudnessLimits *limits)
{
  guint rate = ws_loudness_get_rate (self->meter);
  GstClockTime dur = gst_util_uint64_scale_int_round (ws_loudness_get_frames (
                                                          self->meter),
      GST_SECOND, (gint) rate);
  GstStructure *s = new_structure (self, self->stream_start, dur);
  GValue reasons = G_VALUE_INIT;
  WsLoudnessVerdict verdict;
  double v = 0.0;
  WsResult res;
  gsize i;

  gst_structure_set (s, "final", G_TYPE_BOOLEAN, TRUE, NULL);
  res = ws_loudness_get_integrated (self->meter, &v);
  take_double (s, "integrated-lufs", res, v);
  res = ws_loudness_get_range (self->meter, &v);
  take_double (s, "range-lu", res, v);
  res = ws_loudness_get_max_momentary (self->meter, &v);
  take_double (s, "max-momentary-lufs", res, v);
  res = ws_loudness_get_max_shortterm (self->meter, &v);
  take_double (s, "max-shortterm-lufs", res, v);
  set_peaks (s, self->meter, self->meter_true_peak);

  g_value_init (&reasons, GST_TYPE_ARRAY);
  res = ws_loudness_judge (self->meter, limits, &verdict);
  if (res != WS_RESULT_OK) {
    /* fail closed: a verdict that cannot be reached is a fail */
    GValue r = G_VALUE_INIT;

    memset (&verdict, 0, sizeof verdict);
    g_value_init (&r, G_TYPE_STRING);
    g_value_take_string (&r,
        g_strdup_printf ("no verdict: %s", ws_result_to_string (res)));
    gst_value_array_append_and_take_value (&reasons, &r);
  }
  for (i = 0; i < verdict.n_failures; i++) {
    GValue r = G_VALUE_INIT;

    g_value_init (&r, G_TYPE_STRING);
    g_value_set_string (&r, verdict.failures[i].reason);
    gst_value_array_append_and_take_value (&reasons, &r);
  }
  gst_structure_set (s, "preset", G_TYPE_STRING,
      ws_loudness_preset_to_string (preset), "target-lufs", G_TYPE_DOUBLE,
      limits->target_lufs, "tolerance-lu", G_TYPE_DOUBLE, limits->tolerance_lu,
      "max-true-peak-dbtp", G_TYPE_DOUBLE, limits->max_true_peak_dbtp,
      "verdict", G_TYPE_STRING, verdict.pass ? "pass" : "fail", NULL);
  gst_structure_take_value (s, "reasons", &reasons);
  GST_INFO_OBJECT (self, "summary: %" GST_PTR_FORMAT, s);
  return gst_message_new_element (GST_OBJECT (self), s);
}

/* ---- streaming --------------------------------------------------------- */

static WsResult
feed (WsLoudnessMeter *self, const guint8 *data, guint64 frames,
    GstAudioFormat format)
{
  if (data == NULL) {
    /* a gap: silence */
    while (frames > 0) {
      guint64 n = MIN (frames, GAP_FRAMES);
      WsResult res = ws_loudness_add_frames_f32 (self->meter, self->zeros,
          (size_t) n);

      if (res != WS_RESULT_OK)
        return res;
      frames -= n;
    }
    return WS_RESULT_OK;
  }
  switch (format) {
    case GST_AUDIO_FORMAT_S16LE:
      return ws_loudness_add_frames_s16 (self->meter, (const int16_t *) data,
          (size_t) frames);
    case GST_AUDIO_FORMAT_S32LE:
      return ws_loudness_add_frames_s32 (self->meter, (const int32_t *) data,
          (size_t) frames);
    case GST_AUDIO_FORMAT_F32LE:
      return ws_loudness_add_frames_f32 (self->meter, (const float *) data,
          (size_t) frames);
    case GST_AUDIO_FORMAT_F64LE:
      return ws_loudness_add_frames_f64 (self->meter, (const double *) data,
          (size_t) frames);
    default:
      return WS_RESULT_UNSUPPORTED_FORMAT;
  }
}

static GstFlowReturn
ws_loudness_meter_transform_ip (GstBaseTransform *trans, GstBuffer *buf)
{
  WsLoudnessMeter *self = WS_LOUDNESS_METER (trans);
  GstAudioFilter *filter = GST_AUDIO_FILTER (trans);
  GstAudioFormat format = GST_AUDIO_INFO_FORMAT (&filter->info);
  gint rate = GST_AUDIO_INFO_RATE (&filter->info);
  gint bpf = GST_AUDIO_INFO_BPF (&filter->info);
  gboolean post_messages, summary, gap;
  guint64 interval, interval_frames, frames, done = 0;
  GstClockTime ts;
  GstMapInfo map;
  GstFlowReturn ret = GST_FLOW_OK;

  g_return_val_if_fail (self->meter != NULL, GST_FLOW_NOT_NEGOTIATED);

  GST_OBJECT_LOCK (self);
  post_messages = self->post_messages;
  summary = self->summary;
  interval = self->interval;
  GST_OBJECT_UNLOCK (self);

  if (!post_messages && !summary)
    return GST_FLOW_OK;

  if (!gst_buffer_map (buf, &map, GST_MAP_READ)) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED, ("Cannot read an audio buffer"),
        ("gst_buffer_map failed"));
    return GST_FLOW_ERROR;
  }
  frames = map.size / (gsize) bpf;
  gap = GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP);

  ts = GST_BUFFER_PTS (buf);
  if (!GST_CLOCK_TIME_IS_VALID (ts))
    ts = self->next_ts;
  if (!GST_CLOCK_TIME_IS_VALID (self->stream_start))
    self->stream_start = ts;

  interval_frames = MAX (1,
      gst_util_uint64_scale_round (interval, (guint64) rate, GST_SECOND));

  while (done < frames) {
    guint64 n = MIN (frames - done,
        interval_frames - MIN (interval_frames, self->interval_frames));
    WsResult res;

    if (n == 0)
      n = frames - done; /* the interval was shortened: close it */
    if (self->interval_frames == 0) {
      self->interval_start = GST_CLOCK_TIME_IS_VALID (ts) ?
                                 ts + gst_util_uint64_scale_int (done,
                                          GST_SECOND, rate) :
                                 GST_CLOCK_TIME_NONE;
    }
    res = feed (self, gap ? NULL : map.data + done * (guint64) bpf, n, format);
    if (res != WS_RESULT_OK) {
      GST_ELEMENT_ERROR (self, LIBRARY, FAILED, ("Loudness measurement failed"),
          ("%s", ws_result_to_string (res)));
      ret = GST_FLOW_ERROR;
      break;
    }
    done += n;
    self->interval_frames += n;
    if (self->interval_frames >= interval_frames) {
      GstClockTime dur = gst_util_uint64_scale_int_round (self->interval_frames,
          GST_SECOND, rate);

      self->interval_frames = 0;
      if (post_messages) {
        /* no lock is held here */
        gst_element_post_message (GST_ELEMENT (self),
            interval_message (self, dur));
      }
    }
  }
  gst_buffer_unmap (buf, &map);

  if (GST_CLOCK_TIME_IS_VALID (ts))
    self->next_ts = ts + gst_util_uint64_scale_int (frames, GST_SECOND, rate);
  return ret;
}

static gboolean
ws_loudness_meter_sink_event (GstBaseTransform *trans, GstEvent *event)
{
  WsLoudnessMeter *self = WS_LOUDNESS_METER (trans);

  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS && self->meter != NULL) {
    WsLoudnessLimits limits;
    WsLoudnessPreset preset;
    gboolean summary;

    GST_OBJECT_LOCK (self);
    summary = self->summary;
    preset = self->preset;
    if (preset == WS_LOUDNESS_PRESET_CUSTOM ||
        ws_loudness_preset_limits (preset, &limits) != WS_RESULT_OK) {
      limits.target_lufs = self->target;
      limits.tolerance_lu = self->tolerance;
      limits.max_true_peak_dbtp = self->max_true_peak;
    }
    GST_OBJECT_UNLOCK (self);

    if (summary)
      gst_element_post_message (GST_ELEMENT (self),
          summary_message (self, preset, &limits));
  }
  return GST_BASE_TRANSFORM_CLASS (parent_class)->sink_event (trans, event);
}

static gboolean
ws_loudness_meter_start (GstBaseTransform *trans)
{
  WsLoudnessMeter *self = WS_LOUDNESS_METER (trans);

  reset_timing (self);
  return TRUE;
}

static gboolean
ws_loudness_meter_stop (GstBaseTransform *trans)
{
  WsLoudnessMeter *self = WS_LOUDNESS_METER (trans);

  ws_loudness_free (self->meter);
  self->meter = NULL;
  g_clear_pointer (&self->zeros, g_free);
  return TRUE;
}

/* ---- GObject ----------------------------------------------------------- */

static void
ws_loudness_meter_set_property (GObject *object, guint prop_id,
    const GValue *value, GParamSpec *pspec)
{
  WsLoudnessMeter *self = WS_LOUDNESS_METER (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_INTERVAL:
      self->interval = g_value_get_uint64 (value);
      break;
    case PROP_POST_MESSAGES:
      self->post_messages = g_value_get_boolean (value);
      break;
    case PROP_SUMMARY:
      self->summary = g_value_get_boolean (value);
      break;
    case PROP_PRESET:
      self->preset = (WsLoudnessPreset) g_value_get_enum (value);
      break;
    case PROP_TARGET:
      self->target = g_value_get_double (value);
      break;
    case PROP_TOLERANCE:
      self->tolerance = g_value_get_double (value);
      break;
    case PROP_MAX_TRUE_PEAK:
      self->max_true_peak = g_value_get_double (value);
      break;
    case PROP_TRUE_PEAK:
      self->true_peak = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
ws_loudness_meter_get_property (GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec)
{
  WsLoudnessMeter *self = WS_LOUDNESS_METER (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_INTERVAL:
      g_value_set_uint64 (value, self->interval);
      break;
    case PROP_POST_MESSAGES:
      g_value_set_boolean (value, self->post_messages);
      break;
    case PROP_SUMMARY:
      g_value_set_boolean (value, self->summary);
      break;
    case PROP_PRESET:
      g_value_set_enum (value, (gint) self->preset);
      break;
    case PROP_TARGET:
      g_value_set_double (value, self->target);
      break;
    case PROP_TOLERANCE:
      g_value_set_double (value, self->tolerance);
      break;
    case PROP_MAX_TRUE_PEAK:
      g_value_set_double (value, self->max_true_peak);
      break;
    case PROP_TRUE_PEAK:
      g_value_set_boolean (value, self->true_peak);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
ws_loudness_meter_finalize (GObject *object)
{
  WsLoudnessMeter *self = WS_LOUDNESS_METER (object);

  ws_loudness_free (self->meter);
  self->meter = NULL;
  g_clear_pointer (&self->zeros, g_free);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
ws_loudness_meter_class_init (WsLoudnessMeterClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstAudioFilterClass *filter_class = GST_AUDIO_FILTER_CLASS (klass);

  gobject_class->set_property = ws_loudness_meter_set_property;
  gobject_class->get_property = ws_loudness_meter_get_property;
  gobject_class->finalize = ws_loudness_meter_finalize;

  /**
   * WsLoudnessMeter:interval:
   *
   * Stream time between two interval messages.
   */
  g_object_class_install_property (gobject_class, PROP_INTERVAL,
      g_param_spec_uint64 ("interval", "Interval",
          "Interval between two loudnessmeter messages (in nanoseconds)",
          GST_MSECOND, G_MAXUINT64, DEFAULT_INTERVAL,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
              G_PARAM_STATIC_STRINGS));
  /**
   * WsLoudnessMeter:post-messages:
   *
   * Post a "loudnessmeter" element message every interval.
   */
  g_object_class_install_property (gobject_class, PROP_POST_MESSAGES,
      g_param_spec_boolean ("post-messages", "Post Messages",
          "Whether to post a 'loudnessmeter' element message on the bus "
          "every interval (fields: see the element description)",
          DEFAULT_POST_MESSAGES,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
              G_PARAM_STATIC_STRINGS));
  /**
   * WsLoudnessMeter:summary:
   *
   * Post the final message with the verdict on EOS. With this and
   * post-messages both off the element measures nothing.
   */
  g_object_class_install_property (gobject_class, PROP_SUMMARY,
      g_param_spec_boolean ("summary", "Summary",
          "Whether to post a final 'loudnessmeter' message with the verdict "
          "on EOS",
          DEFAULT_SUMMARY,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
              G_PARAM_STATIC_STRINGS));
  /**
   * WsLoudnessMeter:preset:
   *
   * The delivery specification the EOS verdict is judged against.
   */
  g_object_class_install_property (gobject_class, PROP_PRESET,
      g_param_spec_enum ("preset", "Preset",
          "Loudness specification for the verdict (custom uses target, "
          "tolerance and max-true-peak)",
          WS_TYPE_LOUDNESS_METER_PRESET, DEFAULT_PRESET,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
              G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_TARGET,
      g_param_spec_double ("target", "Target",
          "Integrated loudness target with preset=custom (in LUFS)", -70.0, 0.0,
          DEFAULT_TARGET,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
              G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_TOLERANCE,
      g_param_spec_double ("tolerance", "Tolerance",
          "Allowed deviation from the target either way with preset=custom "
          "(in LU)",
          0.0, 20.0, DEFAULT_TOLERANCE,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
              G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_MAX_TRUE_PEAK,
      g_param_spec_double ("max-true-peak", "Max True Peak",
          "Highest allowed true peak with preset=custom (in dBTP)", -60.0, 20.0,
          DEFAULT_MAX_TRUE_PEAK,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
              G_PARAM_STATIC_STRINGS));
  /**
   * WsLoudnessMeter:true-peak:
   *
   * Measure the true peak (4x oversampled). Off, the peak check of the
   * verdict uses the sample peak. Takes effect at the next caps.
   */
  g_object_class_install_property (gobject_class, PROP_TRUE_PEAK,
      g_param_spec_boolean ("true-peak", "True Peak",
          "Whether to measure the true peak (dBTP, 4x oversampling)",
          DEFAULT_TRUE_PEAK,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
              G_PARAM_STATIC_STRINGS));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "Loudness meter",
      "Filter/Analyzer/Audio",
      "Measures EBU R 128 / ITU-R BS.1770 loudness and true peak and judges "
      "it against EBU R 128 or ATSC A/85. Bus: an element message "
      "\"loudnessmeter\" every interval with timestamp, stream-time, "
      "running-time, duration (guint64 ns), final (FALSE), momentary-lufs, "
      "shortterm-lufs, integrated-lufs, range-lu (gdouble, -inf when not "
      "measurable yet), sample-peak-dbfs and true-peak-dbtp (GstValueArray "
      "of gdouble per channel); and on EOS a last one with final (TRUE), "
      "integrated-lufs, range-lu, max-momentary-lufs, max-shortterm-lufs, "
      "the peaks, preset, target-lufs, tolerance-lu, max-true-peak-dbtp, "
      "verdict (\"pass\" or \"fail\") and reasons (GstValueArray of "
      "strings). See docs/loudnessmeter.md",
      "watershed");

  trans_class->transform_ip = ws_loudness_meter_transform_ip;
  trans_class->sink_event = ws_loudness_meter_sink_event;
  trans_class->start = ws_loudness_meter_start;
  trans_class->stop = ws_loudness_meter_stop;
  trans_class->passthrough_on_same_caps = TRUE;
  filter_class->setup = ws_loudness_meter_setup;

  gst_type_mark_as_plugin_api (WS_TYPE_LOUDNESS_METER_PRESET, 0);
  GST_DEBUG_CATEGORY_INIT (loudnessmeter_debug, "loudnessmeter", 0,
      "loudnessmeter element");
}

static void
ws_loudness_meter_init (WsLoudnessMeter *self)
{
  self->interval = DEFAULT_INTERVAL;
  self->post_messages = DEFAULT_POST_MESSAGES;
  self->summary = DEFAULT_SUMMARY;
  self->preset = DEFAULT_PRESET;
  self->target = DEFAULT_TARGET;
  self->tolerance = DEFAULT_TOLERANCE;
  self->max_true_peak = DEFAULT_MAX_TRUE_PEAK;
  self->true_peak = DEFAULT_TRUE_PEAK;
  reset_timing (self);

  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), TRUE);
  gst_base_transform_set_gap_aware (GST_BASE_TRANSFORM (self), TRUE);
}
