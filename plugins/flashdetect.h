/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: flashdetect, photosensitive flash analysis (ITU-R BT.1702). */
#ifndef WS_PLUGINS_FLASHDETECT_H
#define WS_PLUGINS_FLASHDETECT_H

#include <gst/gst.h>
#include <gst/video/video.h>
#include <gst/video/gstvideofilter.h>

#include "ws-flash.h"

G_BEGIN_DECLS

#define WS_TYPE_FLASH_DETECT (ws_flash_detect_get_type ())
G_DECLARE_FINAL_TYPE (WsFlashDetect, ws_flash_detect, WS, FLASH_DETECT,
    GstVideoFilter)

struct _WsFlashDetect {
  GstVideoFilter parent;

  /* properties (object lock) */
  gboolean post_messages;
  gboolean post_frames;
  gboolean extended_is_failure;
  gint grid_columns;
  gint sample_step;
  gdouble peak_luminance;
  gdouble hlg_peak_luminance;

  /* streaming state */
  WsFlash *flash;
  WsFlashFormat format;
  WsFlashRange range;
  WsFlashMatrix matrix;
  WsFlashEotf eotf;           /* from the caps' transfer; object lock */
  WsFlashPrimaries primaries; /* from the caps' primaries */
  gint width, height;
  GstClockTime last_pts;
  GstClockTime frame_duration;
  GPtrArray *pending; /* GstStructure*: incidents to post */

  /* totals over analysers (caps changes, flushes); object lock */
  WsFlashVerdict verdict;
  guint incident_count;
  guint open_count;
};

GST_ELEMENT_REGISTER_DECLARE (flashdetect);

G_END_DECLS

#endif /* WS_PLUGINS_FLASHDETECT_H */
