/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: what every element of the plugin shares (bus messages). */
#ifndef WS_PLUGINS_WS_ELEMENT_H
#define WS_PLUGINS_WS_ELEMENT_H

#include <gst/gst.h>
#include <gst/video/video.h>

G_BEGIN_DECLS

/**
 * ws_timed_structure_new:
 * @name: the element's factory name (the message structure's name).
 *
 * The start of every bus message of ours (DESIGN.md contract 2, STYLE.md):
 * a structure named after the element whose first fields are the timing
 * quartet `timestamp`, `stream-time`, `running-time`, `duration`, each a
 * guint64 in nanoseconds (GST_CLOCK_TIME_NONE when unknown). The caller
 * appends its own fields.
 * Returns: (transfer full): the structure.
 */
GstStructure *ws_timed_structure_new (const char *name, GstClockTime timestamp,
    GstClockTime stream_time, GstClockTime running_time, GstClockTime duration);

/**
 * ws_timed_structure_new_from_segment:
 * As ws_timed_structure_new(), with the stream and running times of
 * @timestamp in @segment (unknown unless @segment is in TIME format and
 * @timestamp valid).
 * Returns: (transfer full): the structure.
 */
GstStructure *ws_timed_structure_new_from_segment (const char *name,
    const GstSegment *segment, GstClockTime timestamp, GstClockTime duration);

/**
 * ws_buffer_programme_time_us:
 * @buf: (nullable): a buffer.
 *
 * The programme's civil time of @buf: its `timestamp/x-unix`
 * GstReferenceTimestampMeta (what `ratinggate clock=reference-meta`
 * reads), in microseconds since the Unix epoch; never the time the
 * pipeline happens to run at. The time the policy functions take
 * (ws_policy_guidance_at()).
 * Returns: the time, or %WS_TIME_NONE when @buf has none.
 */
gint64 ws_buffer_programme_time_us (GstBuffer *buf);

/**
 * ws_video_info_pixel_aspect:
 * @info: video caps.
 *
 * The pixel aspect ratio of @info (the width of a pixel divided by its
 * height), as the guidance renderer takes it.
 * Returns: the ratio; 1.0 (square) when the caps give none or a bad one.
 */
double ws_video_info_pixel_aspect (const GstVideoInfo *info);

G_END_DECLS

#endif /* WS_PLUGINS_WS_ELEMENT_H */
