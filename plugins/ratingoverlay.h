/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: ratingoverlay, on-screen rating guidance. */
#ifndef WS_PLUGINS_RATINGOVERLAY_H
#define WS_PLUGINS_RATINGOVERLAY_H

#include <gst/gst.h>
#include <gst/base/gstbasetransform.h>
#include <gst/video/video.h>

#include "ws-metadata.h"
#include "ws-policy.h"
#include "ws-asrun.h"
#include "ws-element.h"
#include "ws-guidance-render.h"

G_BEGIN_DECLS

/**
 * WsRatingOverlayPosition:
 * Where the guidance sits inside the graphics-safe area.
 */
typedef enum {
  WS_RATING_OVERLAY_POSITION_TOP_LEFT,
  WS_RATING_OVERLAY_POSITION_TOP_RIGHT,
  WS_RATING_OVERLAY_POSITION_BOTTOM_LEFT,
  WS_RATING_OVERLAY_POSITION_BOTTOM_RIGHT,
  WS_RATING_OVERLAY_POSITION_TOP_CENTER,
  WS_RATING_OVERLAY_POSITION_BOTTOM_CENTER,
} WsRatingOverlayPosition;

/**
 * WsRatingOverlayMode:
 * @WS_RATING_OVERLAY_MODE_AUTO: the territory's guidance rule (from
 *   #WsRatingOverlay:policy, #WsRatingOverlay:territory or the rating's
 *   territory).
 * @WS_RATING_OVERLAY_MODE_AT_START: shown for the duration at each start.
 * @WS_RATING_OVERLAY_MODE_PERSISTENT: shown all the time.
 * @WS_RATING_OVERLAY_MODE_AFTER_BREAKS: as at-start, and again after each
 *   break-end event.
 * @WS_RATING_OVERLAY_MODE_FULL_SCREEN: a full-screen card for the duration
 *   at each start (VOD).
 * @WS_RATING_OVERLAY_MODE_OFF: never shown.
 */
typedef enum {
  WS_RATING_OVERLAY_MODE_AUTO,
  WS_RATING_OVERLAY_MODE_AT_START,
  WS_RATING_OVERLAY_MODE_PERSISTENT,
  WS_RATING_OVERLAY_MODE_AFTER_BREAKS,
  WS_RATING_OVERLAY_MODE_FULL_SCREEN,
  WS_RATING_OVERLAY_MODE_OFF,
} WsRatingOverlayMode;

#define WS_TYPE_RATING_OVERLAY_POSITION (ws_rating_overlay_position_get_type ())
GType ws_rating_overlay_position_get_type (void);
#define WS_TYPE_RATING_OVERLAY_MODE (ws_rating_overlay_mode_get_type ())
GType ws_rating_overlay_mode_get_type (void);

/* the most separately blended parts of the guidance image */
#define WS_RATING_OVERLAY_MAX_PARTS 4

#define WS_TYPE_RATING_OVERLAY (ws_rating_overlay_get_type ())
G_DECLARE_FINAL_TYPE (WsRatingOverlay, ws_rating_overlay, WS, RATING_OVERLAY,
    GstBaseTransform)

struct _WsRatingOverlay {
  GstBaseTransform parent;

  /* properties (object lock) */
  WsRatingOverlayPosition position;
  gdouble size;
  gdouble margin;
  gdouble opacity;
  gchar *language;
  gboolean show_text;
  gboolean show_descriptors;
  WsRatingOverlayMode mode;
  guint64 duration;
  guint64 fade;
  gchar *policy_id;
  gchar *territory;
  gchar *service_class;
  gchar *rating;
  gchar *text;
  gchar *descriptors;
  gboolean post_messages;
  gchar *as_run_log;
  gchar *start_time; /* as-run instants: start-time + running time */
  gchar *as_run_channel;
  gboolean dirty;       /* artwork or rule must be redone */
  GstStructure *layout; /* read-only property */
  guint props_serial;   /* bumped by every property set */

  /* streaming state */
  GstVideoInfo info;
  gboolean have_info;
  WsRating *event_rating; /* last rating event, or NULL */
  gboolean check_allocation;
  gpointer props_in_use; /* Props copied when props_serial moved */
  guint props_in_use_serial;
  gboolean attach;

  /* the rule in force */
  WsRatingOverlayMode eff_mode;
  GstClockTime eff_duration;
  gboolean eff_after_breaks;
  WsPolicyCache policy;

  /* timing, in running time */
  gboolean trigger;     /* start an episode at the next buffer */
  gint upstream_start;  /* atomic: a gate after us opened (src pad) */
  gboolean break_end;   /* a break ended: start one if the rule says so */
  gboolean episode;     /* an episode has started */
  gint64 episode_start; /* may be negative after a flush */
  gboolean shown;       /* visible on the last buffer */
  gchar *summary;       /* what is shown, for messages */
  gchar *asrun_rating;  /* SYSTEM:CODE shown, for the as-run log */
  WsAsRunWriter *log;   /* as-run-log's writer, while started */
  gchar *log_path;      /* its path */
  WsWallClock wall;     /* running time to UTC, for its lines */
  gint64 end_us;        /* where the last frame shown ends, UTC us */
  GstClockTime end_rt;  /* and in running time */
  GstClockTime last_running_time;
  gboolean rebase; /* after a flush: continue the episode */
  GstClockTimeDiff rebase_elapsed;
  gdouble alpha; /* for the buffer being processed */

  /* the rendered guidance, cached until something changes: the
   * rectangle (attached as it is, in a composition at the current alpha) */
  GstVideoOverlayRectangle *rectangle;
  GstVideoOverlayComposition *composition;
  gfloat composition_alpha;
  /* for blending: the same image (premultiplied ARGB with a video meta),
   * where its top-left corner goes in the frame and its visible parts (in
   * image pixels), each blended into a view of the frame covering only
   * that part */
  GstBuffer *pixels;
  GstVideoInfo pixels_info;
  gint rect_x, rect_y;
  GstVideoRectangle parts[WS_RATING_OVERLAY_MAX_PARTS];
  guint n_parts;
};

GST_ELEMENT_REGISTER_DECLARE (ratingoverlay);

G_END_DECLS

#endif /* WS_PLUGINS_RATINGOVERLAY_H */
