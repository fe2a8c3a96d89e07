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
  GstReferenceTimestampMeta *meta;

  meta = buf ? gst_buffer_get_reference_timestamp_meta (buf,
                   gst_static_caps_get (&unix_caps)) :
               NULL;
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
