/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "ws-element.h"

#include "ws-policy.h"

GstStructure *
ws_timed_structure_new (const char *name, GstClockTime timestamp,
    GstClockTime stream_time, GstClockTime running_time, GstClockTime duration)
{
  g_return_val_if_fail (name != NULL, NULL);

  return gst_structure_new (name, "timestamp", G_TYPE_UINT64,
      (guint64) timestamp, "stream-time", G_TYPE_UINT64, (guint64) stream_time,
      "running-time", G_TYPE_UINT64, (guint64) running_time, "duration",
      G_TYPE_UINT64, (guint64) duration, NULL);
}

GstStructure *
ws_timed_structure_new_from_segment (const char *name,
    const GstSegment *segment, GstClockTime timestamp, GstClockTime duration)
{
  GstClockTime stream_time = GST_CLOCK_TIME_NONE;
  GstClockTime running_time = GST_CLOCK_TIME_NONE;

  g_return_val_if_fail (segment != NULL, NULL);

  if (GST_CLOCK_TIME_IS_VALID (timestamp) &&
      segment->format == GST_FORMAT_TIME) {
    stream_time = gst_segment_to_stream_time (segment, GST_FORMAT_TIME,
        timestamp);
    running_time = gst_segment_to_running_time (segment, GST_FORMAT_TIME,
        timestamp);
  }
  return ws_timed_structure_new (name, timestamp, stream_time, running_time,
      duration);
}

gint64
ws_buffer_programme_time_us (GstBuffer *buf)
{
  static GstStaticCaps unix_caps = GST_STATIC_CAPS ("timestamp/x-unix");
  GstReferenceTimestampMeta *meta = NULL;
  GstCaps *caps;

  if (buf == NULL)
    return WS_TIME_NONE;
  /* a reference per call (transfer full): given back, or a 24/7 pipeline
   * calling this per frame would overflow the static caps' refcount */
  caps = gst_static_caps_get (&unix_caps);
  meta = gst_buffer_get_reference_timestamp_meta (buf, caps);
  gst_caps_unref (caps);
  if (meta == NULL || !GST_CLOCK_TIME_IS_VALID (meta->timestamp))
    return WS_TIME_NONE;
  return (gint64) (meta->timestamp / GST_USECOND);
}

double
ws_video_info_pixel_aspect (const GstVideoInfo *info)
{
  if (GST_VIDEO_INFO_PAR_N (info) > 0 && GST_VIDEO_INFO_PAR_D (info) > 0)
    return (double) GST_VIDEO_INFO_PAR_N (info) / GST_VIDEO_INFO_PAR_D (info);
  return 1.0;
}

/* realtime - monotonic, taken once per process so every element maps the
 * monotonic system clock alike */
static gint64
monotonic_to_real_offset_ns (void)
{
  static gsize once = 0;
  static gint64 offset;

  if (g_once_init_enter (&once)) {
    offset = (g_get_real_time () - g_get_monotonic_time ()) * GST_USECOND;
    g_once_init_leave (&once, 1);
  }
  return offset;
}

gint64
ws_wall_clock_instant_ns (WsWallClock *wc, GstElement *element, GstClockTime rt,
    GstClockTime latency)
{
  GstClock *clock;
  GstClockTime base;

  /* the base time is set just before an element goes to PLAYING; a buffer
   * seen before (preroll, or during the change) has no instant on the
   * clock yet */
  if (GST_STATE (element) != GST_STATE_PLAYING)
    return g_get_real_time () * GST_USECOND;
  clock = gst_element_get_clock (element);
  if (clock == NULL)
    return g_get_real_time () * GST_USECOND;

  if (clock != wc->clock) {
    gint type = -1;

    gst_object_replace ((GstObject **) &wc->clock, GST_OBJECT (clock));
    if (GST_IS_SYSTEM_CLOCK (clock))
      g_object_get (clock, "clock-type", &type, NULL);
    if (type == GST_CLOCK_TYPE_REALTIME)
      wc->offset_ns = 0;
    else if (type == GST_CLOCK_TYPE_MONOTONIC)
      wc->offset_ns = monotonic_to_real_offset_ns ();
    else
      wc->offset_ns = g_get_real_time () * GST_USECOND -
                      (gint64) gst_clock_get_time (clock);
    GST_DEBUG_OBJECT (element,
        "clock %" GST_PTR_FORMAT ": UTC offset %" G_GINT64_FORMAT " ns", clock,
        wc->offset_ns);
  }
  gst_object_unref (clock);

  base = gst_element_get_base_time (element);
  if (!GST_CLOCK_TIME_IS_VALID (base))
    return g_get_real_time () * GST_USECOND;
  if (!GST_CLOCK_TIME_IS_VALID (rt))
    rt = 0;
  if (!GST_CLOCK_TIME_IS_VALID (latency))
    latency = 0;
  return (gint64) (base + rt + latency) + wc->offset_ns;
}

void
ws_wall_clock_clear (WsWallClock *wc)
{
  gst_object_replace ((GstObject **) &wc->clock, NULL);
}

gboolean
ws_wall_clock_set_scheduled (WsWallClock *wc, const WsPolicy *policy,
    const gchar *start_time, GError **error)
{
  gint64 us;

  wc->scheduled = FALSE;
  if (start_time == NULL || start_time[0] == '\0')
    return TRUE;
  if (!ws_policy_parse_time (policy, start_time, &us, error))
    return FALSE;
  wc->scheduled = TRUE;
  wc->scheduled_ns = us * 1000;
  return TRUE;
}

gboolean
ws_element_set_schedule (GstElement *element, WsWallClock *wc,
    WsPolicyCache *cache, const gchar *start_time, const gchar *policy_id,
    const gchar *territory)
{
  GError *err = NULL;
  const WsPolicy *policy = NULL;

  if (start_time != NULL && start_time[0] != '\0')
    policy = ws_policy_cache_get (cache, policy_id, territory, NULL);
  if (ws_wall_clock_set_scheduled (wc, policy, start_time, &err))
    return TRUE;
  GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS, (NULL),
      ("start-time: %s", err->message));
  g_error_free (err);
  return FALSE;
}

gchar *
ws_element_asrun_instant (GstElement *element, WsWallClock *wc, gint64 at_us,
    GstClockTime rt, const WsPolicy *policy)
{
  GDateTime *dt, *exact;
  gchar *text;

  if (wc->scheduled)
    at_us = (wc->scheduled_ns +
                (GST_CLOCK_TIME_IS_VALID (rt) ? (gint64) rt : 0)) /
            1000;
  else if (at_us == WS_TIME_NONE)
    at_us = ws_wall_clock_instant_ns (wc, element, rt, 0) / 1000;
  if (policy != NULL)
    return ws_policy_format_time (policy, at_us);
  dt = g_date_time_new_from_unix_utc (at_us / G_USEC_PER_SEC);
  exact = dt ? g_date_time_add (dt, at_us % G_USEC_PER_SEC) : NULL;
  text = exact ? g_date_time_format_iso8601 (exact) : NULL;
  g_clear_pointer (&exact, g_date_time_unref);
  g_clear_pointer (&dt, g_date_time_unref);
  return text;
}
