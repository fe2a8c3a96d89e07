/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: ratingwarning, the pre-programme warning card and
 * announcement. */
#ifndef WS_PLUGINS_RATINGWARNING_H
#define WS_PLUGINS_RATINGWARNING_H

#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * WsRatingWarningMode:
 * @WS_RATING_WARNING_MODE_AUTO: when the territory's guidance rule asks
 *   for an announcement (`announcement="true"`).
 * @WS_RATING_WARNING_MODE_ALWAYS: at every programme start.
 * @WS_RATING_WARNING_MODE_OFF: never.
 */
typedef enum {
  WS_RATING_WARNING_MODE_AUTO,
  WS_RATING_WARNING_MODE_ALWAYS,
  WS_RATING_WARNING_MODE_OFF,
} WsRatingWarningMode;

/**
 * WsRatingWarningCard:
 * @WS_RATING_WARNING_CARD_FULL_SCREEN: an opaque full-screen card.
 * @WS_RATING_WARNING_CARD_LOWER_THIRD: a band over the lower third.
 */
typedef enum {
  WS_RATING_WARNING_CARD_FULL_SCREEN,
  WS_RATING_WARNING_CARD_LOWER_THIRD,
} WsRatingWarningCard;

/**
 * WsRatingWarningTiming:
 * @WS_RATING_WARNING_TIMING_OVERLAY: the warning is laid over the first
 *   seconds of the programme (its audio ducked).
 * @WS_RATING_WARNING_TIMING_DELAY: the warning is inserted before the
 *   programme, which starts later by the warning's duration.
 */
typedef enum {
  WS_RATING_WARNING_TIMING_OVERLAY,
  WS_RATING_WARNING_TIMING_DELAY,
} WsRatingWarningTiming;

#define WS_TYPE_RATING_WARNING_MODE (ws_rating_warning_mode_get_type ())
GType ws_rating_warning_mode_get_type (void);
#define WS_TYPE_RATING_WARNING_CARD (ws_rating_warning_card_get_type ())
GType ws_rating_warning_card_get_type (void);
#define WS_TYPE_RATING_WARNING_TIMING (ws_rating_warning_timing_get_type ())
GType ws_rating_warning_timing_get_type (void);

#define WS_TYPE_RATING_WARNING (ws_rating_warning_get_type ())
G_DECLARE_FINAL_TYPE (WsRatingWarning, ws_rating_warning, WS, RATING_WARNING,
    GstElement)

GST_ELEMENT_REGISTER_DECLARE (ratingwarning);

G_END_DECLS

#endif /* WS_PLUGINS_RATINGWARNING_H */
