/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: ratinggate element (keeps programmes out of the wrong slot). */
#ifndef WS_PLUGINS_RATINGGATE_H
#define WS_PLUGINS_RATINGGATE_H

#include <gst/gst.h>

G_BEGIN_DECLS

#define WS_TYPE_RATING_GATE (ws_rating_gate_get_type ())
G_DECLARE_FINAL_TYPE (WsRatingGate, ws_rating_gate, WS, RATING_GATE, GstElement)

/**
 * WsRatingGateClock:
 * @WS_RATING_GATE_CLOCK_WALL: the real-time clock ("wall"): the instant a
 *   buffer's running time comes round on the pipeline clock, in UTC.
 * @WS_RATING_GATE_CLOCK_SCHEDULED: #WsRatingGate:start-time plus the
 *   buffer's running time ("scheduled").
 * @WS_RATING_GATE_CLOCK_REFERENCE_META: the buffer's
 *   #GstReferenceTimestampMeta with caps `timestamp/x-unix`
 *   ("reference-meta").
 *
 * Where the gate takes the civil time of a buffer from.
 */
typedef enum {
  WS_RATING_GATE_CLOCK_WALL,
  WS_RATING_GATE_CLOCK_SCHEDULED,
  WS_RATING_GATE_CLOCK_REFERENCE_META,
} WsRatingGateClock;

#define WS_TYPE_RATING_GATE_CLOCK (ws_rating_gate_clock_get_type ())
GType ws_rating_gate_clock_get_type (void);

/**
 * WsRatingGateMode:
 * @WS_RATING_GATE_MODE_SLATE: blocked video becomes the slate, blocked
 *   audio silence, with the original timestamps ("slate"; live-safe).
 * @WS_RATING_GATE_MODE_DROP: blocked buffers are dropped and GAP events
 *   sent in their place ("drop"; for file jobs).
 * @WS_RATING_GATE_MODE_MONITOR: the gate decides, logs and posts its
 *   messages as in the other modes but never blocks: every buffer passes
 *   untouched ("monitor"; for trying a policy on air).
 */
typedef enum {
  WS_RATING_GATE_MODE_SLATE,
  WS_RATING_GATE_MODE_DROP,
  WS_RATING_GATE_MODE_MONITOR,
} WsRatingGateMode;

#define WS_TYPE_RATING_GATE_MODE (ws_rating_gate_mode_get_type ())
GType ws_rating_gate_mode_get_type (void);

/**
 * WsRatingGateOverride:
 * @WS_RATING_GATE_OVERRIDE_NONE: the policy decides ("none").
 * @WS_RATING_GATE_OVERRIDE_OPEN: an operator forces the gate open
 *   ("open"); needs #WsRatingGate:override-operator and
 *   #WsRatingGate:override-reason, or it is not applied.
 * @WS_RATING_GATE_OVERRIDE_CLOSED: an operator forces the gate closed
 *   ("closed"); applied also without an operator or reason.
 *
 * An operator's override of the policy, recorded in the as-run log.
 */
typedef enum {
  WS_RATING_GATE_OVERRIDE_NONE,
  WS_RATING_GATE_OVERRIDE_OPEN,
  WS_RATING_GATE_OVERRIDE_CLOSED,
} WsRatingGateOverride;

#define WS_TYPE_RATING_GATE_OVERRIDE (ws_rating_gate_override_get_type ())
GType ws_rating_gate_override_get_type (void);

/**
 * WsRatingGateUnratedAction:
 * @WS_RATING_GATE_UNRATED_BLOCK: no rating, an unknown one or an unrated
 *   one is blocked ("block": fail closed).
 * @WS_RATING_GATE_UNRATED_ALLOW: ... passes ("allow").
 */
typedef enum {
  WS_RATING_GATE_UNRATED_BLOCK,
  WS_RATING_GATE_UNRATED_ALLOW,
} WsRatingGateUnratedAction;

#define WS_TYPE_RATING_GATE_UNRATED_ACTION \
  (ws_rating_gate_unrated_action_get_type ())
GType ws_rating_gate_unrated_action_get_type (void);

/**
 * WS_TYPE_RATING_GATE_ACCESS:
 *
 * The #GFlags of the #WsRatingGate:access property; its values are those of
 * #WsAccessFlags (ratings/ws-policy.h), its nicks "pin", "age-verified",
 * "authorised-channel", "conditional-access" and "exception".
 */
#define WS_TYPE_RATING_GATE_ACCESS (ws_rating_gate_access_get_type ())
GType ws_rating_gate_access_get_type (void);

GST_ELEMENT_REGISTER_DECLARE (ratinggate);

G_END_DECLS

#endif /* WS_PLUGINS_RATINGGATE_H */
