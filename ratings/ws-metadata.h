/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: programme metadata readers, one normalised model. */
#ifndef WS_RATINGS_WS_METADATA_H
#define WS_RATINGS_WS_METADATA_H

#include <glib.h>
#include "ws-rating-system.h"

G_BEGIN_DECLS

/**
 * WsMetadataFormat:
 *
 * Recognised from the root element and its namespace, never the file name.
 * Names (ws_metadata_format_to_string()) are the JSON `format` values.
 */
typedef enum {
  WS_METADATA_FORMAT_UNKNOWN,
  WS_METADATA_FORMAT_IMF_CPL,           /* "imf-cpl" */
  WS_METADATA_FORMAT_TVA,               /* "tva" */
  WS_METADATA_FORMAT_DVBI_SERVICE_LIST, /* "dvbi-service-list" */
  WS_METADATA_FORMAT_EBUCORE,           /* "ebucore" */
  WS_METADATA_FORMAT_ITUNES,            /* "itunes" */
  WS_METADATA_FORMAT_XMLTV,             /* "xmltv" */
  WS_METADATA_FORMAT_WATERSHED,         /* "watershed" (our sidecar) */
} WsMetadataFormat;

const char *ws_metadata_format_to_string (WsMetadataFormat format);

/**
 * WsGuidanceText:
 * @lang: (nullable): BCP 47 language (`en`, `zh`), NULL when unstated.
 * @length: (nullable): TV-Anytime length class (`short`, `medium`, `long`).
 * @text: the text, white space collapsed.
 */
typedef struct {
  char *lang;
  char *length;
  char *text;
} WsGuidanceText;

/**
 * WsRating:
 * @programme: (nullable): programme identifier (CRID, CPL id, title) this
 *   rating belongs to; NULL for a single-programme file.
 * @territory: (nullable): ISO 3166-1 alpha-2, NULL = every territory.
 * @system: (nullable): rating-system id (`bbfc`), NULL when unresolved.
 * @code: (nullable): official code in @system, NULL when unresolved.
 * @minimum_age: years; -1 when unknown (unrated, unresolved).
 * @source_system: (nullable): the system/agency/scheme as written.
 * @source_code: (nullable): the code/term as written.
 * @descriptors: (element-type utf8): descriptor codes of @system (or as
 *   written when @system has no such descriptor); never NULL.
 * @texts: (element-type WsGuidanceText): guidance texts; never NULL.
 * @start_ns, @end_ns: segment of the programme this rating covers, in
 *   nanoseconds from the programme start; -1 = from the start / to the end.
 * @line: source line of the element the rating came from (0 = unknown).
 * @element: the element name it came from (`ContentMaturityRating`).
 * @support_topics: (element-type utf8): support-information topics the
 *   metadata names explicitly (our sidecar's `<support topic="..."/>`),
 *   in document order, without repeats; never NULL (empty when none).
 */
typedef struct {
  char *programme;
  char *territory;
  char *system;
  char *code;
  int minimum_age;
  char *source_system;
  char *source_code;
  GPtrArray *descriptors;
  GPtrArray *texts;
  gint64 start_ns;
  gint64 end_ns;
  int line;
  char *element;
  GPtrArray *support_topics;
} WsRating;

/**
 * WsMetadataWarning:
 * @line: source line, 0 when unknown.
 * @element: (nullable): element or attribute the warning is about.
 * @message: what was lenient and what the user should check.
 * @invalid: TRUE when the finding makes the document invalid against its
 *   specification or profile (for example a DVB-I rule), though it could
 *   still be read; FALSE for a lenient reading of dirty but legal data.
 */
typedef struct {
  int line;
  char *element;
  char *message;
  gboolean invalid;
} WsMetadataWarning;

/**
 * WsMetadata:
 * @path: the file name (or the name given to ws_metadata_read_memory()).
 * @format: the recognised format.
 * @title: (nullable): programme title when the file has exactly one.
 * @ratings: (element-type WsRating): in document order.
 * @warnings: (element-type WsMetadataWarning): in document order.
 */
typedef struct {
  char *path;
  WsMetadataFormat format;
  char *title;
  GPtrArray *ratings;
  GPtrArray *warnings;
} WsMetadata;

/**
 * ws_metadata_read_file:
 * @reg: the rating systems used to resolve codes (transfer none).
 * @error: WS_ERROR_IO, _TOO_LARGE, _MALFORMED, _FORBIDDEN (see ws-xml.h);
 *   WS_ERROR_UNKNOWN_FORMAT (names the root element and namespace);
 *   WS_ERROR_INVALID (FILE:LINE: element: what is unusable).
 *
 * Reads leniently: dirty values (an agency that is not a URI, an empty
 * rating, an unknown code, an invalid country code) become warnings and,
 * where possible, a rating with @minimum_age -1 so that policy decisions
 * fail closed. A file with no rating at all is not an error: @ratings is
 * empty and a warning says so.
 * Returns: (transfer full) (nullable): free with ws_metadata_free().
 */
WsMetadata *ws_metadata_read_file (const char *path,
    const WsRatingRegistry *reg, GError **error);

/** As ws_metadata_read_file() on bytes; @name is used in messages. */
WsMetadata *ws_metadata_read_memory (const char *data, gsize len,
    const char *name, const WsRatingRegistry *reg, GError **error);

/** NULL is a no-op. */
void ws_metadata_free (WsMetadata *md);

/**
 * ws_metadata_pick:
 * @territory: (nullable): alpha-2 (any code ws_territory_normalise() takes);
 *   NULL = the first rating.
 * @system: (nullable): preferred system id.
 *
 * The rating for a territory: one whose territory matches, preferring
 * @system, then any resolved one; a rating without a territory applies to
 * every territory and is used when none matches exactly. Segment ratings
 * (start_ns/end_ns set) are skipped: use ws_metadata_pick_at().
 * Returns: (transfer none) (nullable).
 */
const WsRating *ws_metadata_pick (const WsMetadata *md, const char *territory,
    const char *system);

/**
 * ws_metadata_pick_at:
 * As ws_metadata_pick() but for the segment covering @position_ns, falling
 * back to the whole-programme rating.
 */
const WsRating *ws_metadata_pick_at (const WsMetadata *md,
    const char *territory, const char *system, gint64 position_ns);

/* ---- building (used by the readers and by tests) ----------------------- */

/** A rating with every field empty, @minimum_age -1, segments -1. */
WsRating *ws_rating_new (void);
void ws_rating_free (WsRating *rating);
WsRating *ws_rating_copy (const WsRating *rating);

/**
 * ws_rating_set_resolved:
 * Fills @system, @code and @minimum_age from @def (NULL: leaves them unset
 * and @minimum_age -1).
 */
void ws_rating_set_resolved (WsRating *rating, const WsRatingDef *def);

/**
 * WS_GUIDANCE_TEXT_MAX_CHARS:
 * The longest guidance text kept, in characters (1000). DVB-I allows 160
 * characters for an ExplanatoryText; TV-Anytime's long form and sidecar
 * texts run longer, but no guidance a viewer reads on screen runs to
 * thousands. Longer texts are cut there with an ellipsis ("…"), and the
 * readers warn.
 */
#define WS_GUIDANCE_TEXT_MAX_CHARS 1000

/**
 * ws_rating_add_text:
 * @lang, @length: (nullable): copied.
 * @text: copied with runs of white space collapsed, invalid UTF-8
 *   replaced, and cut at WS_GUIDANCE_TEXT_MAX_CHARS with an ellipsis.
 *
 * Returns: TRUE when @text had to be cut (a reader then warns).
 */
gboolean ws_rating_add_text (WsRating *rating, const char *lang,
    const char *length, const char *text);

/** Appends a warning; @line 0 and @element NULL allowed. printf-style. */
void ws_metadata_add_warning (WsMetadata *md, int line, const char *element,
    const char *format, ...) G_GNUC_PRINTF (4, 5);

/**
 * ws_metadata_add_violation:
 * As ws_metadata_add_warning() with @invalid set: the document breaks its
 * specification or profile (say which rule in the message).
 */
void ws_metadata_add_violation (WsMetadata *md, int line, const char *element,
    const char *format, ...) G_GNUC_PRINTF (4, 5);

/** Frees a #WsMetadataWarning (a GDestroyNotify). NULL is a no-op. */
void ws_metadata_warning_free (gpointer warning);

/**
 * ws_metadata_is_valid:
 * Returns: FALSE when any warning is a violation.
 */
gboolean ws_metadata_is_valid (const WsMetadata *md);

/**
 * ws_rating_is_more_restrictive:
 * @a: a rating.
 * @b: another.
 *
 * Unresolved (@minimum_age -1: unknown, fail closed) is the most
 * restrictive; otherwise the higher minimum age; at one age, the order of
 * ws_rating_def_compare() in the default registry (bbfc:R18 above
 * bbfc:18, bbfc:12 above 12A).
 * Returns: %TRUE when @a is strictly more restrictive than @b.
 */
gboolean ws_rating_is_more_restrictive (const WsRating *a, const WsRating *b);

/**
 * ws_rating_describe:
 * @rating: a rating.
 *
 * Returns: (transfer full): `bbfc:15`, or `unrated ("VALUE")` naming what
 *   was written when it is not resolved.
 */
char *ws_rating_describe (const WsRating *rating);

/**
 * ws_rating_resolve_conflicts:
 * @ratings: (element-type WsRating): edited in place; its free function
 *   (if any) frees the ratings removed.
 * @warnings: (nullable) (element-type utf8): receives one sentence per
 *   conflict, starting `rating-conflict: ` and naming both ratings (where
 *   each was found: @element, @line) and the one kept (transfer full).
 *
 * The one rule for two ratings of one territory, used by every metadata
 * reader, the embedded-rating readers, `ratingtag` and `watershed check`:
 * ratings with the same territory (NULL is a territory of its own) and
 * the same segment (@start_ns, @end_ns) whose minimum ages differ are a
 * conflict, and only the most restrictive (ws_rating_is_more_restrictive())
 * stays. An exact repeat (same system, code, age and source value) is
 * dropped silently. Ratings of equal age in different systems both stay.
 * The order of the ratings kept does not change.
 * Returns: how many ratings were removed because of a conflict.
 */
guint ws_rating_resolve_conflicts (GPtrArray *ratings, GPtrArray *warnings);

G_END_DECLS

#endif /* WS_RATINGS_WS_METADATA_H */
