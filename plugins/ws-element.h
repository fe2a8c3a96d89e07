/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: what every element of the plugin shares (bus messages). */
#ifndef WS_PLUGINS_WS_ELEMENT_H
#define WS_PLUGINS_WS_ELEMENT_H

#include <gst/gst.h>
#include <gst/video/video.h>

#include "ws-policy.h"

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

/**
 * WsWallClock:
 *
 * How an element's pipeline clock maps to UTC, worked out once per clock:
 * zero it, pass it to ws_wall_clock_instant_ns() and free it with
 * ws_wall_clock_clear().
 */
typedef struct {
  GstClock *clock;
  gint64 offset_ns;
  gboolean scheduled;  /* ws_wall_clock_set_scheduled() */
  gint64 scheduled_ns; /* the instant of running time 0 */
} WsWallClock;

/**
 * ws_wall_clock_set_scheduled:
 * @wc: the mapping
 * @policy: (nullable): the policy whose zone a local time is read in
 * @start_time: (nullable): ISO 8601, the instant of running time 0 (as
 *   ratinggate's `start-time`: with an offset or `Z`, or a local time in
 *   @policy's zone); NULL or empty: no schedule
 * @error: WS_ERROR_ARGUMENT for a time that cannot be read, or a local time
 *   without a policy
 *
 * With a schedule, ws_element_asrun_instant() gives @start_time plus the
 * running time (ratinggate's `clock=scheduled`): for file jobs, whose
 * running time is not the wall clock's.
 * Returns: FALSE with @error set (the mapping then has no schedule).
 */
gboolean ws_wall_clock_set_scheduled (WsWallClock *wc, const WsPolicy *policy,
    const gchar *start_time, GError **error);

/**
 * ws_element_set_schedule:
 * @element: the element, whose `start-time` property @start_time is
 * @cache: its policy cache (a local @start_time is read in the zone of
 *   the policy @policy_id or @territory names)
 *
 * ws_wall_clock_set_scheduled() for an element starting: a time that
 * cannot be read is an element error (RESOURCE, SETTINGS) naming it.
 * Returns: FALSE after posting the error (the element must not start).
 */
gboolean ws_element_set_schedule (GstElement *element, WsWallClock *wc,
    WsPolicyCache *cache, const gchar *start_time, const gchar *policy_id,
    const gchar *territory);

/**
 * ws_wall_clock_instant_ns:
 * @wc: the element's mapping (updated when the clock changed)
 * @element: the element
 * @rt: a running time
 * @latency: the pipeline latency to add (a buffer at @rt is shown then)
 *
 * The UTC instant the running time @rt comes round on @element's clock,
 * plus @latency: a realtime system clock as is, a monotonic one shifted by
 * the process's realtime - monotonic offset, any other clock by its
 * offset when first seen. Before @element is PLAYING (its base time is
 * not set yet), or without a clock: now.
 * Returns: nanoseconds since the Unix epoch.
 */
gint64 ws_wall_clock_instant_ns (WsWallClock *wc, GstElement *element,
    GstClockTime rt, GstClockTime latency);

/**
 * ws_element_asrun_instant:
 * @element: the element writing the line
 * @wc: its running time to UTC mapping
 * @at_us: the programme's civil time (ws_buffer_programme_time_us()), or
 *   %WS_TIME_NONE
 * @rt: the buffer's running time
 * @policy: (nullable): the policy in force
 *
 * The `instant` of an as-run line an element writes about a buffer: with a
 * schedule (ws_wall_clock_set_scheduled()) its start plus @rt; else the
 * programme's civil time when the buffer carries it, else the instant its
 * running time comes round on the clock (ws_wall_clock_instant_ns()); ISO
 * 8601 in @policy's zone, or UTC without a policy.
 * Returns: (transfer full): the instant.
 */
gchar *ws_element_asrun_instant (GstElement *element, WsWallClock *wc,
    gint64 at_us, GstClockTime rt, const WsPolicy *policy);

/** Releases the clock @wc holds. */
void ws_wall_clock_clear (WsWallClock *wc);

G_END_DECLS

#endif /* WS_PLUGINS_WS_ELEMENT_H */
