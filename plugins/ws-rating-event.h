/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the rating event and tags (DESIGN.md contract 1). */
#ifndef WS_PLUGINS_WS_RATING_EVENT_H
#define WS_PLUGINS_WS_RATING_EVENT_H

#include <gst/gst.h>

#include "ws-metadata.h"

G_BEGIN_DECLS

/**
 * SECTION:ws-rating-event
 *
 * The rating travels downstream as one sticky custom event,
 * GST_EVENT_CUSTOM_DOWNSTREAM_STICKY, whose structure is named
 * `watershed-rating`. A newer one replaces the older (sticky events are
 * keyed by structure name), so a pad always knows the current rating.
 * Every element of ours reads it; an application can send it
 * (gst_element_send_event() on the pipeline or gst_pad_push_event()).
 *
 * Fields (absent when unknown):
 * | field          | type       | meaning |
 * |----------------|------------|---------|
 * | `rating`       | string     | `SYSTEM:CODE` (`bbfc:15`) |
 * | `system`       | string     | rating-system id (`bbfc`) |
 * | `code`         | string     | official code (`15`) |
 * | `minimum-age`  | int        | years; -1 = unknown/unrated (fail closed) |
 * | `territory`    | string     | ISO 3166-1 alpha-2 the rating applies to |
 * | `descriptors`  | string array (GstValueArray) | the system's descriptor codes |
 * | `texts`        | GstStructure array | guidance texts, each `guidance-text` with `text`, `lang`, `length` |
 * | `source`       | string     | where it came from: `metadata`, `sidecar-segment`, `matroska`, `mp4`, `dvb-eit`, `application` |
 * | `programme`    | string     | programme id (CRID, CPL id, title) |
 * | `support-topics` | string array (GstValueArray) | optional: support-information topics the metadata names explicitly (our sidecar's `<support topic>`, ws-support.h); absent = none; a plain string is read as one topic. The topics the descriptors call for are not listed: ask ws_support_topics_for_rating() |
 *
 * Tags: the same rating also goes out as a tag list with the tags
 * registered by ws_rating_tags_register(): %WS_TAG_RATING,
 * %WS_TAG_MINIMUM_AGE, %WS_TAG_RATING_TERRITORY, %WS_TAG_RATING_TEXT,
 * %WS_TAG_RATING_DESCRIPTORS.
 *
 * Two more custom events, not sticky, let playout automation drive the
 * on-screen guidance: `watershed-break-end` (a break has ended: show the
 * guidance again where the territory's rule says so) and
 * `watershed-programme-start` (a new programme starts now). ratinggate
 * sends `watershed-programme-start` itself, with a string field
 * `opened-by` (its element name), just before the first buffer that passes
 * when it opens, and then the current rating event again; ratingoverlay
 * after the gate starts a showing there.
 *
 * `watershed-programme-end` (custom downstream, not sticky, no fields)
 * says the programme ends now, before its last seconds: ratingwarning
 * shows its end card (the support helplines) from the next frame.
 * Playout automation sends it where the credits start
 * (ws_programme_end_event_new()).
 */

#define WS_RATING_EVENT_NAME "watershed-rating"
#define WS_BREAK_END_EVENT_NAME "watershed-break-end"
#define WS_PROGRAMME_START_EVENT_NAME "watershed-programme-start"
#define WS_PROGRAMME_END_EVENT_NAME "watershed-programme-end"

/** `SYSTEM:CODE` (string) */
#define WS_TAG_RATING "watershed-rating"
/** minimum age in years (gint; -1 unknown) */
#define WS_TAG_MINIMUM_AGE "watershed-minimum-age"
/** ISO 3166-1 alpha-2 (string) */
#define WS_TAG_RATING_TERRITORY "watershed-rating-territory"
/** guidance text (string; one value per language, "lang: text") */
#define WS_TAG_RATING_TEXT "watershed-rating-text"
/** descriptor codes (string, one value each) */
#define WS_TAG_RATING_DESCRIPTORS "watershed-rating-descriptors"

/**
 * ws_rating_tags_register:
 * Registers the tags above (idempotent, thread-safe). The plugin calls it
 * when it loads; applications that read the tags without loading the
 * plugin may call it themselves.
 */
void ws_rating_tags_register (void);

/**
 * ws_rating_event_new:
 * @rating: the rating (copied).
 * @source: (nullable): overrides the `source` field; NULL = "metadata".
 * Returns: (transfer full): a sticky custom downstream event.
 */
GstEvent *ws_rating_event_new (const WsRating *rating, const char *source);

/**
 * ws_rating_event_is:
 * Returns: TRUE when @event is a `watershed-rating` event.
 */
gboolean ws_rating_event_is (GstEvent *event);

/**
 * ws_rating_event_parse:
 * @event: a `watershed-rating` event.
 * @source: (out) (optional) (transfer full): the `source` field, or NULL.
 *
 * Returns: (transfer full) (nullable): the rating (free with
 *   ws_rating_free()); NULL when @event is not a rating event.
 */
WsRating *ws_rating_event_parse (GstEvent *event, char **source);

/**
 * ws_rating_to_tag_list:
 * Returns: (transfer full): a stream tag list carrying @rating.
 */
GstTagList *ws_rating_to_tag_list (const WsRating *rating);

/** Returns: (transfer full): a `watershed-break-end` event. */
GstEvent *ws_break_end_event_new (void);
/** Returns: (transfer full): a `watershed-programme-start` event. */
GstEvent *ws_programme_start_event_new (void);
/** Returns: (transfer full): a `watershed-programme-end` event. */
GstEvent *ws_programme_end_event_new (void);

/**
 * ws_programme_start_upstream_event_new:
 * The same announcement travelling upstream (GST_EVENT_CUSTOM_UPSTREAM),
 * which ratinggate also sends when it opens, for a ratingoverlay placed
 * before it (`ratingoverlay ! ratinggate`): not serialized, so the overlay
 * starts its showing at the next frame it draws.
 * Returns: (transfer full): an upstream `watershed-programme-start` event.
 */
GstEvent *ws_programme_start_upstream_event_new (void);

/** Returns: TRUE when @event is a custom event whose structure is @name. */
gboolean ws_event_has_name (GstEvent *event, const char *name);

G_END_DECLS

#endif /* WS_PLUGINS_WS_RATING_EVENT_H */
