/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: ratingsignal element (keeps an MPEG-TS muxer's DVB EIT
 * present/following and SDT current with the programme's rating). */
#ifndef WS_PLUGINS_RATINGSIGNAL_H
#define WS_PLUGINS_RATINGSIGNAL_H

#include <gst/base/gstbasetransform.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define WS_TYPE_RATING_SIGNAL (ws_rating_signal_get_type ())
G_DECLARE_FINAL_TYPE (WsRatingSignal, ws_rating_signal, WS, RATING_SIGNAL,
    GstBaseTransform)

GST_ELEMENT_REGISTER_DECLARE (ratingsignal);

G_END_DECLS

#endif /* WS_PLUGINS_RATINGSIGNAL_H */
