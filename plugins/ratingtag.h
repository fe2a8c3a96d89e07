/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: ratingtag element (puts the programme's age rating into the
 * stream as the rating event, tags and a bus message). */
#ifndef WS_PLUGINS_RATINGTAG_H
#define WS_PLUGINS_RATINGTAG_H

#include <gst/base/gstbasetransform.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define WS_TYPE_RATING_TAG (ws_rating_tag_get_type ())
G_DECLARE_FINAL_TYPE (WsRatingTag, ws_rating_tag, WS, RATING_TAG,
    GstBaseTransform)

/**
 * WsRatingTagPrefer:
 * @WS_RATING_TAG_PREFER_METADATA: the metadata file or inline XML wins
 *   (nick "metadata").
 * @WS_RATING_TAG_PREFER_STREAM: the rating carried in the stream wins
 *   (Matroska LAW_RATING, iTunEXTC, DVB EIT, an upstream rating event)
 *   (nick "stream").
 *
 * Which source wins when both have a rating.
 */
typedef enum {
  WS_RATING_TAG_PREFER_METADATA,
  WS_RATING_TAG_PREFER_STREAM,
} WsRatingTagPrefer;

#define WS_TYPE_RATING_TAG_PREFER (ws_rating_tag_prefer_get_type ())
GType ws_rating_tag_prefer_get_type (void);

GST_ELEMENT_REGISTER_DECLARE (ratingtag);

G_END_DECLS

#endif /* WS_PLUGINS_RATINGTAG_H */
