/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the one rating API the elements and the CLI call. */
#ifndef WS_RATINGS_WS_RATING_H
#define WS_RATINGS_WS_RATING_H

#include <glib.h>

#include "ws-metadata.h"
#include "ws-rating-system.h"

G_BEGIN_DECLS

/**
 * SECTION:ws-rating
 *
 * The questions every element and command asks of a #WsRating, answered
 * once: are two ratings the same, how is one written, which one applies
 * to a territory, and which registry rating it is. `ratingtag`,
 * `ratingoverlay`, `ratinggate`, `ratingsignal` and `watershed check` all
 * call these; none keeps a copy of the rules.
 *
 * The conflict rule (two ratings for one territory) is
 * ws_rating_resolve_conflicts() and the restrictiveness order is
 * ws_rating_is_more_restrictive() (ws-metadata.h): ws_ratings_pick() uses
 * that same order for its ties.
 */

/**
 * WS_RATING_ERROR:
 *
 * The GError domain of ws_rating_lookup(): why a rating could not be
 * turned into a registry rating. Every such rating is treated as unrated
 * (fail closed) by the callers.
 */
#define WS_RATING_ERROR (ws_rating_error_quark ())

/**
 * WsRatingError:
 * @WS_RATING_ERROR_NO_RATING: the rating names no system and code (only a
 *   value as written, or nothing).
 * @WS_RATING_ERROR_OTHER_TERRITORY: the rating is for another territory
 *   than the one asked about.
 * @WS_RATING_ERROR_NO_SYSTEMS: no rating systems could be loaded.
 * @WS_RATING_ERROR_UNKNOWN: the system or the code is not in the registry.
 */
typedef enum {
  WS_RATING_ERROR_NO_RATING = 1,
  WS_RATING_ERROR_OTHER_TERRITORY,
  WS_RATING_ERROR_NO_SYSTEMS,
  WS_RATING_ERROR_UNKNOWN,
} WsRatingError;

GQuark ws_rating_error_quark (void);

/**
 * ws_rating_equal:
 * @a: (nullable): a rating.
 * @b: (nullable): another.
 *
 * Whether @a and @b say the same thing: programme, territory, system,
 * code, minimum age, the values as written, the segment, every descriptor,
 * every guidance text (language, length, text) and every explicit support
 * topic, in order. Where each came from (@line, @element) does not count.
 * Two NULLs are equal; NULL and a rating are not.
 * Returns: %TRUE when equal.
 */
gboolean ws_rating_equal (const WsRating *a, const WsRating *b);

/**
 * ws_rating_to_string:
 * @rating: a rating.
 *
 * The rating as the contract writes it: `SYSTEM:CODE` (`bbfc:15`) when
 * it names a system and a code, else `unrated`. This is the `rating` field
 * of the rating event, the tags and the elements' bus messages. For a
 * sentence that also says what was written when unresolved, use
 * ws_rating_describe().
 * Returns: (transfer full): free with g_free().
 */
char *ws_rating_to_string (const WsRating *rating);

/**
 * ws_rating_split:
 * @text: a rating written `SYSTEM:CODE` (`bbfc:15`, `csa:-16`).
 * @system: (out) (transfer full): the part before the first `:`.
 * @code: (out) (transfer full): the part after it.
 *
 * Splits the contract's way of writing a rating, without asking the
 * registry whether it exists (see ws_rating_registry_parse() for that).
 * Returns: FALSE, with @system and @code untouched, when @text is NULL or
 *   has no `:`, or an empty system or code.
 */
gboolean ws_rating_split (const char *text, char **system, char **code);

/**
 * ws_rating_is_resolved:
 * @rating: a rating.
 *
 * Returns: %TRUE when @rating names a system and a code and has a known
 *   minimum age (an unrated or refused rating, or one not found in the
 *   registry, is not resolved).
 */
gboolean ws_rating_is_resolved (const WsRating *rating);

/**
 * ws_ratings_pick:
 * @ratings: (element-type WsRating): the candidates (transfer none).
 * @territory: (nullable): any code ws_territory_normalise() takes (`GB`,
 *   `DEU`, `250`); NULL = no territory asked (every rating qualifies).
 * @system: (nullable): the preferred rating-system id (`bbfc`).
 *
 * The one rule for which rating applies, used for metadata, for the
 * ratings a stream carries and by `watershed check`. Segment ratings
 * (@start_ns or @end_ns set) are skipped (see ws_ratings_pick_at()).
 * A rating qualifies when its territory is @territory or it has none
 * (it applies to every territory). Among those, a score decides, highest
 * first: the preferred @system (8), then an exact territory over "every
 * territory" (4), then resolved (ws_rating_is_resolved()) over unresolved
 * (2). Ties: the more restrictive (ws_rating_is_more_restrictive(): an
 * unknown minimum age is the most restrictive), and between equally
 * restrictive ones the first. Last, as ws_rating_resolve_conflicts()
 * says, a more restrictive rating of the winner's territory, programme and
 * segment takes its place: two ratings for one territory never yield the
 * less restrictive (fail closed).
 * Returns: (transfer none) (nullable): one of @ratings; NULL when none
 *   qualifies, @ratings is empty, or @territory is not a known code.
 */
const WsRating *ws_ratings_pick (const GPtrArray *ratings,
    const char *territory, const char *system);

/**
 * ws_ratings_pick_at:
 * @position_ns: nanoseconds from the programme start.
 *
 * As ws_ratings_pick() among the segment ratings covering @position_ns
 * (`start_ns <= position_ns < end_ns`, -1 = open), falling back to the
 * whole-programme rating when no segment covers it.
 * Returns: (transfer none) (nullable).
 */
const WsRating *ws_ratings_pick_at (const GPtrArray *ratings,
    const char *territory, const char *system, gint64 position_ns);

/**
 * ws_rating_pick_text:
 * @texts: (element-type WsGuidanceText) (nullable): the rating's texts.
 * @language: (nullable): a BCP 47 tag (`fr`, `en-GB`).
 *
 * Picks the text for @language: an exact (case-insensitive) tag match,
 * then the same primary language (`en` for `en-GB`, `en-US` for `en`),
 * then the first text. Empty texts are skipped.
 *
 * Returns: (transfer none) (nullable): the text, or NULL when there is
 *   none.
 */
const char *ws_rating_pick_text (const GPtrArray *texts, const char *language);

/**
 * ws_rating_lookup:
 * @reg: (nullable): the registry; NULL = ws_rating_registry_get_default().
 * @rating: (nullable): the rating to look up; NULL is "no rating".
 * @territory: (nullable): the territory the rating must be for (any code
 *   ws_territory_normalise() takes); NULL = any. A rating without a
 *   territory is for every territory.
 * @error: (out) (optional): in the #WS_RATING_ERROR domain, with one
 *   English sentence (no trailing period) a log or a slate can show:
 *   %WS_RATING_ERROR_NO_RATING, %WS_RATING_ERROR_OTHER_TERRITORY,
 *   %WS_RATING_ERROR_NO_SYSTEMS (the message says why loading failed),
 *   %WS_RATING_ERROR_UNKNOWN (system or code not in the registry).
 *
 * The registry's definition of @rating's `SYSTEM:CODE` (the system by id
 * or alias, the code by code or alias). An unrated or refused definition is
 * found like any other: ask ws_rating_def_get_kind().
 * Returns: (transfer none) (nullable): owned by the registry; NULL on
 *   error.
 */
const WsRatingDef *ws_rating_lookup (const WsRatingRegistry *reg,
    const WsRating *rating, const char *territory, GError **error);

/**
 * ws_rating_descriptor_category_of:
 * @sys: (nullable): the rating's system.
 * @code: a descriptor code or alias of @sys (`V`, `geweld`), or a
 *   category name itself (`violence`).
 *
 * The common descriptor category a pictogram stands for: @sys's
 * descriptor's category (ws_rating_descriptor_get_category()), else
 * @code when it is a category name (any case), else `other`.
 * Returns: (transfer none): a static string or one owned by the registry;
 *   never NULL.
 */
const char *ws_rating_descriptor_category_of (const WsRatingSystem *sys,
    const char *code);

G_END_DECLS

#endif /* WS_RATINGS_WS_RATING_H */
