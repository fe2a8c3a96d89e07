/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: rating systems as data (ratings/systems/<id>.xml). */
#ifndef WS_RATINGS_WS_RATING_SYSTEM_H
#define WS_RATINGS_WS_RATING_SYSTEM_H

#include <glib.h>

G_BEGIN_DECLS

/**
 * SECTION:ws-rating-system
 *
 * A #WsRatingRegistry holds every rating system loaded from
 * `ratings/systems/<id>.xml` (schema `ratings/schemas/rating-system.xsd`).
 * Systems and ratings are owned by the registry and live as long as it does;
 * every pointer returned here is (transfer none).
 *
 * A rating is written `SYSTEM:CODE` (`bbfc:15`, `csa:-16`). Identifiers are
 * the contract of DESIGN.md: short lower-case system ids, official codes.
 */

typedef struct WsRatingRegistry WsRatingRegistry;
typedef struct WsRatingSystem WsRatingSystem;
typedef struct WsRatingDef WsRatingDef;
typedef struct WsRatingDescriptor WsRatingDescriptor;

/**
 * WsRatingKind:
 * @WS_RATING_KIND_ADVISORY: parents decide (BBFC U/PG, MPA PG).
 * @WS_RATING_KIND_RESTRICTED: legally restricted at sale or admission.
 * @WS_RATING_KIND_UNRATED: "not rated" / "unrated": no minimum age known;
 *   treat as most restrictive unless the operator says otherwise.
 * @WS_RATING_KIND_REFUSED: refused classification (may not be shown).
 */
typedef enum {
  WS_RATING_KIND_ADVISORY,
  WS_RATING_KIND_RESTRICTED,
  WS_RATING_KIND_UNRATED,
  WS_RATING_KIND_REFUSED,
} WsRatingKind;

/**
 * WsRatingClass:
 * @WS_RATING_CLASS_ADVISORY: parents decide.
 * @WS_RATING_CLASS_RESTRICTED: legally restricted by age (15, 18, MA15+).
 * @WS_RATING_CLASS_ADULT_EXPLICIT: sexually explicit adult material (BBFC
 *   R18, ACB X18+, ICAA X): what regulators mean by "R18 or equivalent".
 *   Converts only to a rating of the same class, never to a plain 18.
 * @WS_RATING_CLASS_REFUSED: refused classification (RC): may not be shown.
 * @WS_RATING_CLASS_UNRATED: no rating known.
 *
 * The regulatory class that rules speak of, declared per rating in the
 * system file (`class="adult-explicit"`; default: the kind's class).
 */
typedef enum {
  WS_RATING_CLASS_ADVISORY,
  WS_RATING_CLASS_RESTRICTED,
  WS_RATING_CLASS_ADULT_EXPLICIT,
  WS_RATING_CLASS_REFUSED,
  WS_RATING_CLASS_UNRATED,
} WsRatingClass;

/**
 * WsBadgeShape: display hint for the on-screen badge.
 */
typedef enum {
  WS_BADGE_SHAPE_CIRCLE,
  WS_BADGE_SHAPE_ROUNDED_SQUARE,
  WS_BADGE_SHAPE_SQUARE,
  WS_BADGE_SHAPE_TRIANGLE,
  WS_BADGE_SHAPE_DIAMOND,
  WS_BADGE_SHAPE_SHIELD,
} WsBadgeShape;

/**
 * WsBadgeCaptionStyle: how a badge's caption is drawn.
 * @WS_BADGE_CAPTION_SMALL: a small label above the main text, as the
 *   "FSK" over "16" (the file's `caption-style="small"`, the default).
 * @WS_BADGE_CAPTION_LINE: the first of two lines of nearly equal size: a
 *   long code broken in two, "MA" over "15+" (`caption-style="line"`).
 */
typedef enum {
  WS_BADGE_CAPTION_SMALL,
  WS_BADGE_CAPTION_LINE,
} WsBadgeCaptionStyle;

/** The most content pictograms beside a badge when the system's file does
 * not say (`<badge max-pictograms>`). */
#define WS_BADGE_DEFAULT_MAX_PICTOGRAMS 5
/** The largest `max-pictograms` a rating-system file may give. */
#define WS_BADGE_MAX_PICTOGRAMS 8
/** The longest badge caption a rating-system file may give, in
 * characters. */
#define WS_BADGE_MAX_CAPTION_CHARS 16

/**
 * WsBadgeHints:
 * @shape: outline shape.
 * @background_argb, @foreground_argb, @border_argb: colours, 0xAARRGGBB.
 * @text: (nullable): text drawn in the badge (defaults to the code).
 * @caption: (nullable): a caption drawn with the text, styled by
 *   @caption_style (`<badge caption>`; a rating inherits its system's).
 * @caption_style: how @caption is drawn.
 * @max_pictograms: the most content pictograms shown beside the badge
 *   (the system's `<badge max-pictograms>`, 0 to
 *   WS_BADGE_MAX_PICTOGRAMS; WS_BADGE_DEFAULT_MAX_PICTOGRAMS when absent).
 *
 * The strings are owned by the registry (or by whoever filled the struct).
 */
typedef struct {
  WsBadgeShape shape;
  guint32 background_argb;
  guint32 foreground_argb;
  guint32 border_argb;
  const char *text;
  const char *caption;
  WsBadgeCaptionStyle caption_style;
  guint max_pictograms;
} WsBadgeHints;

/* ---- registry ---------------------------------------------------------- */

/**
 * ws_rating_registry_new:
 * @dir: (nullable): a folder of `*.xml` system files. NULL searches, in
 *   order: $WATERSHED_DATADIR/systems, the source tree (for uninstalled
 *   runs), then the installed $datadir/watershed/systems.
 * @error: (out) (optional): WS_ERROR_IO when no folder is found or readable;
 *   any error of ws_rating_registry_add_file() for the first bad file.
 *
 * Returns: (transfer full) (nullable): a registry; free with
 *   ws_rating_registry_free().
 */
WsRatingRegistry *ws_rating_registry_new (const char *dir, GError **error);

/**
 * ws_rating_registry_new_empty:
 * Returns: (transfer full): an empty registry, for tests and for callers
 *   that add files themselves.
 */
WsRatingRegistry *ws_rating_registry_new_empty (void);

/**
 * ws_rating_registry_add_file:
 * @error: WS_ERROR_IO, _MALFORMED, _FORBIDDEN, _INVALID (the message names
 *   FILE:LINE and the element, e.g. a rating without a minimum age, a
 *   duplicate code, a system id already loaded).
 *
 * Loads one rating-system file. On error the registry is unchanged.
 * Returns: TRUE on success.
 */
gboolean ws_rating_registry_add_file (WsRatingRegistry *reg, const char *path,
    GError **error);

/**
 * ws_rating_registry_add_memory:
 * As ws_rating_registry_add_file() on bytes; @name is used in messages.
 */
gboolean ws_rating_registry_add_memory (WsRatingRegistry *reg, const char *data,
    gsize len, const char *name, GError **error);

/** ws_rating_registry_free: NULL is a no-op. */
void ws_rating_registry_free (WsRatingRegistry *reg);

/**
 * ws_rating_registry_get_default:
 *
 * A process-wide registry loaded once (thread-safe) with
 * ws_rating_registry_new (NULL, ...). Never freed.
 * Returns: (transfer none) (nullable): NULL when loading failed; @error says
 *   why (each call that fails sets it).
 */
const WsRatingRegistry *ws_rating_registry_get_default (GError **error);

guint ws_rating_registry_get_n_systems (const WsRatingRegistry *reg);
/** Systems in id order. */
const WsRatingSystem *
ws_rating_registry_get_system (const WsRatingRegistry *reg, guint index);

/**
 * ws_rating_registry_lookup_system:
 * @name: a system id (`bbfc`), or any alias a system declares: a MovieLabs
 *   CMR agency URI (`http://www.movielabs.com/md/ratings/GB/BBFC/1`, with or
 *   without a trailing `/`), a legacy URI (`http://www.mpaa.org/2003-ratings`),
 *   an iTunes prefix (`uk-movie`), an XMLTV/retailer system name (`MPAA`,
 *   `VCHIP`, `BBFC`), an EBU/other scheme name. Matching is case-insensitive
 *   for plain names and exact for URIs (but `http`/`https` and a trailing
 *   `/` are ignored).
 * Returns: (transfer none) (nullable): the system, or NULL.
 */
const WsRatingSystem *
ws_rating_registry_lookup_system (const WsRatingRegistry *reg,
    const char *name);

/**
 * ws_rating_registry_resolve:
 * @scheme: (nullable): where the value comes from: a system id or alias (as
 *   for ws_rating_registry_lookup_system()), or a classification-scheme URN
 *   that ratings declare aliases in (`urn:dvb:metadata:cs:ParentalGuidanceCS:2007`,
 *   `urn:fvc:metadata:cs:ContentRatingCS:2014-07`,
 *   `urn:dtg:cs:BBFCContentRatingCS:2002`), or `itunes` for a whole
 *   iTunEXTC string. NULL: @value must be a `SYSTEM:CODE` string or a full
 *   term URI (see ws_rating_registry_resolve_uri()).
 * @value: the code, alias or term (`15`, `19.1.5`, `fifteen`,
 *   `uk-movie|15|350|reason`).
 *
 * Resolution order: (1) an alias (scheme, value) declared by a rating;
 * (2) the system @scheme names, then its rating by code or alias (codes
 * match case-insensitively and ignore surrounding white space).
 * Returns: (transfer none) (nullable): the rating, or NULL.
 */
const WsRatingDef *ws_rating_registry_resolve (const WsRatingRegistry *reg,
    const char *scheme, const char *value);

/**
 * ws_rating_registry_resolve_uri:
 * @uri: a term URI as in a TV-Anytime `ParentalRating/@href`
 *   (`urn:fvc:metadata:cs:ContentRatingCS:2014-07:fifteen`) or a CMR rating
 *   URI (`http://www.movielabs.com/md/ratings/GB/BBFC/1/15`): split at the
 *   last `:` (URNs) or `/` (URLs) into scheme and term, then resolved.
 * Returns: (transfer none) (nullable).
 */
const WsRatingDef *ws_rating_registry_resolve_uri (const WsRatingRegistry *reg,
    const char *uri);

/**
 * ws_rating_registry_parse:
 * @text: `SYSTEM:CODE` (`bbfc:15`, `csa:-16`, `us-tv:TV-14`).
 * @error: WS_ERROR_ARGUMENT when not of that form, WS_ERROR_NOT_FOUND for an
 *   unknown system (message lists the known ids) or code (message lists the
 *   system's codes).
 * Returns: (transfer none) (nullable).
 */
const WsRatingDef *ws_rating_registry_parse (const WsRatingRegistry *reg,
    const char *text, GError **error);

/**
 * ws_rating_registry_lookup_age:
 * @system: system id.
 * @minimum_age: the age in years.
 * Returns: (transfer none) (nullable): the least restrictive rating of
 *   @system whose minimum age is exactly @minimum_age, or NULL.
 */
const WsRatingDef *ws_rating_registry_lookup_age (const WsRatingRegistry *reg,
    const char *system, int minimum_age);

/* ---- systems ----------------------------------------------------------- */

const char *ws_rating_system_get_id (const WsRatingSystem *sys);
const char *ws_rating_system_get_name (const WsRatingSystem *sys);
/** ISO 3166-1 alpha-2 of the territory, or a region name ("EU") */
const char *ws_rating_system_get_territory (const WsRatingSystem *sys);

/**
 * ws_rating_system_get_badge:
 *
 * The system's own display hints (its file's system-level `<badge>`):
 * what its ratings inherit, and what to draw for a code of the system the
 * file does not list (its caption, its @max_pictograms). @text is NULL.
 * Returns: (transfer none): owned by the registry; NULL when @sys is NULL.
 */
const WsBadgeHints *ws_rating_system_get_badge (const WsRatingSystem *sys);
const char *ws_rating_system_get_authority (const WsRatingSystem *sys);
/** The file the system came from. */
const char *ws_rating_system_get_path (const WsRatingSystem *sys);

guint ws_rating_system_get_n_ratings (const WsRatingSystem *sys);
/** Ratings in order, least restrictive first (index == ordinal order). */
const WsRatingDef *ws_rating_system_get_rating (const WsRatingSystem *sys,
    guint index);

/**
 * ws_rating_system_lookup_rating:
 * @code: an official code or an alias (legacy code, scheme term) of @sys.
 * Returns: (transfer none) (nullable).
 */
const WsRatingDef *ws_rating_system_lookup_rating (const WsRatingSystem *sys,
    const char *code);

guint ws_rating_system_get_n_descriptors (const WsRatingSystem *sys);
const WsRatingDescriptor *
ws_rating_system_get_descriptor (const WsRatingSystem *sys, guint index);
/** By descriptor code or alias (`V`, `violence`, `geweld`). */
const WsRatingDescriptor *
ws_rating_system_lookup_descriptor (const WsRatingSystem *sys,
    const char *code);

/* ---- ratings ----------------------------------------------------------- */

const WsRatingSystem *ws_rating_def_get_system (const WsRatingDef *def);
/** Official code: `15`, `PG-13`, `-16`. */
const char *ws_rating_def_get_code (const WsRatingDef *def);
/** Human label: "15", "Parental Guidance", "Déconseillé aux moins de 16 ans". */
const char *ws_rating_def_get_label (const WsRatingDef *def);
/** Minimum age in years; -1 for UNRATED and REFUSED. */
int ws_rating_def_get_minimum_age (const WsRatingDef *def);
/** Position in the system's order, 0 = least restrictive. */
guint ws_rating_def_get_ordinal (const WsRatingDef *def);
WsRatingKind ws_rating_def_get_kind (const WsRatingDef *def);
/** Display hints; never NULL (the system's defaults when the rating has none). */
const WsBadgeHints *ws_rating_def_get_badge (const WsRatingDef *def);
/** `SYSTEM:CODE`; owned by the registry. */
const char *ws_rating_def_get_name (const WsRatingDef *def);

/**
 * ws_rating_def_get_itunes:
 *
 * The iTunEXTC string this rating is written as (`uk-movie|15|350|`): the
 * first iTunes alias its system file declares for it (the files list the
 * film scheme before the TV scheme where a system has both, e.g.
 * `de-movie` before `de-tv`), or for an UNRATED rating the alias whose
 * value is `???` ("Unrated", which Apple's parental controls block).
 * Returns: (transfer none) (nullable): owned by the registry; NULL when
 *   the data has no iTunes string for the rating.
 */
const char *ws_rating_def_get_itunes (const WsRatingDef *def);

/**
 * ws_rating_def_get_class:
 * Returns: the rating's regulatory class (see #WsRatingClass).
 */
WsRatingClass ws_rating_def_get_class (const WsRatingDef *def);

/**
 * ws_rating_class_to_string:
 * Returns: (transfer none): `advisory`, `restricted`, `adult-explicit`,
 *   `refused` or `unrated`.
 */
const char *ws_rating_class_to_string (WsRatingClass c);

/**
 * ws_rating_system_is_equivalent:
 *
 * Whether @a and @b are the same system or one declares the other
 * `<equivalent system="..."/>` in its file: systems of one territory that
 * share symbols (the Classification Board's `acb` and the broadcast codes'
 * `acma`), so a code of one means the same as the same code of the other.
 */
gboolean ws_rating_system_is_equivalent (const WsRatingSystem *a,
    const WsRatingSystem *b);

/**
 * ws_rating_def_get_equivalent:
 * Returns: (transfer none) (nullable): @def itself when @target is its
 *   system; the rating of @target with the same code, class and minimum age
 *   when the systems are equivalent (ws_rating_system_is_equivalent());
 *   else NULL.
 */
const WsRatingDef *ws_rating_def_get_equivalent (const WsRatingDef *def,
    const WsRatingSystem *target);

/** The number of `<source href>` URLs the system file cites for its codes
 * and classes. */
guint ws_rating_system_get_n_sources (const WsRatingSystem *sys);
/** (transfer none): the @index-th source URL. */
const char *ws_rating_system_get_source (const WsRatingSystem *sys,
    guint index);

/**
 * ws_rating_def_compare:
 *
 * Orders by restrictiveness: minimum age, then (same system) ordinal,
 * then (one age in two systems) an adult-explicit rating above any other.
 * UNRATED and REFUSED sort above every age (fail closed).
 * Returns: <0, 0, >0 like strcmp().
 */
int ws_rating_def_compare (const WsRatingDef *a, const WsRatingDef *b);

/**
 * WsConversion:
 * @result: (nullable): the target rating, NULL when none qualifies (e.g. no
 *   target rating is that restrictive, or the source is unrated).
 * @approximate: TRUE when the target's minimum age differs from the
 *   source's, or the kinds differ (advisory vs restricted).
 * @note: (nullable): a static English sentence explaining the approximation.
 */
typedef struct {
  const WsRatingDef *result;
  gboolean approximate;
  const char *note;
} WsConversion;

/**
 * ws_rating_convert:
 *
 * The documented rule: the least restrictive rating of @target whose minimum
 * age is at least the source's minimum age (ties broken by the lower
 * ordinal), with the class carried over: an adult-explicit source converts
 * only to an adult-explicit target (icaa:X -> bbfc:R18; to fsk: none), and
 * a plain source takes an adult-explicit target only when no plain one is
 * restrictive enough (rounding up). A rating of an equivalent system with
 * the same code converts exactly (acb:M -> acma:M). An UNRATED source
 * converts to the target's UNRATED rating if it has one, else NULL; REFUSED
 * likewise.
 * Examples: bbfc:15 -> fsk:16; fsk:16 -> bbfc:18; us-tv:TV-14 -> kijkwijzer:14.
 */
WsConversion ws_rating_convert (const WsRatingDef *from,
    const WsRatingSystem *target);

/* ---- descriptors ------------------------------------------------------- */

/** The system's own code (`V`, `geweld`, `language`). */
const char *ws_rating_descriptor_get_code (const WsRatingDescriptor *d);
/** Human label in English. */
const char *ws_rating_descriptor_get_label (const WsRatingDescriptor *d);
/**
 * The common category used for pictograms, one of: violence, fear, sex,
 * nudity, discrimination, drugs, language, horror, theme,
 * imitable-behaviour, dialogue, fantasy-violence, gambling, other.
 */
const char *ws_rating_descriptor_get_category (const WsRatingDescriptor *d);

/**
 * ws_rating_category_lookup:
 * @name: a category name, any case (`Violence`).
 *
 * Returns: (transfer none): the category of the list above that @name
 *   names (a static string), or `other` when it names none.
 */
const char *ws_rating_category_lookup (const char *name);

G_END_DECLS

#endif /* WS_RATINGS_WS_RATING_SYSTEM_H */
