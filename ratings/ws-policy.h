/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: time-slot (watershed) and access policies as data. */
#ifndef WS_RATINGS_WS_POLICY_H
#define WS_RATINGS_WS_POLICY_H

#include <glib.h>

#include "ws-rating-system.h"

G_BEGIN_DECLS

/**
 * SECTION:ws-policy
 *
 * A #WsPolicy is one jurisdiction's rules, loaded from
 * `ratings/policies/<id>.xml` (schema `ratings/schemas/policy.xsd`): its IANA
 * time zone, service classes (free-to-air, pay, premium-film, ppv, vod-free,
 * ...), and one or more rule sets, each valid over a range of local dates.
 * A rule maps a rating threshold (minimum age, or exact `SYSTEM:CODE`
 * ratings) and a service class to allowed windows of local civil time, to
 * "any time", to "never", and may require access control (PIN, age
 * verification ...). Within the rule set in force, the first rule whose
 * class, rating and access requirements all match decides.
 *
 * Time is civil time: windows are evaluated in the policy's zone with the
 * zone's own rules (GTimeZone), never the process `TZ`. A window opens at the
 * first instant whose wall-clock reading reaches its start (so a start that
 * falls in a DST gap opens at the end of the gap, and a start that falls in a
 * repeated hour opens at its first occurrence) and closes likewise.
 *
 * A rating of another system than the policy's own is judged by its local
 * equivalent (ws_policy_judge_rating(): the registry's conversion, class
 * carried over, rounded up) before any rule is matched, in every decision
 * function; the #WsDecision says so.
 *
 * Fail closed: a missing (NULL), unrated or refused rating, a foreign
 * rating without a local equivalent, a rating no rule covers, a date no
 * rule set covers and an unknown service class are all blocked, and the
 * decision says why. A policy may allow unrated content explicitly with a
 * rule `kind="unrated"`.
 *
 * Instants are microseconds since the Unix epoch (UTC), as
 * g_get_real_time() returns. Decisions do not allocate and may be made from
 * any number of threads on the same const policy.
 */

typedef struct WsPolicy WsPolicy;

/** Marks "no instant": never, or unbounded, as each field documents. */
#define WS_TIME_NONE G_MININT64

/**
 * WsAccessFlags:
 * @WS_ACCESS_NONE: no access control asserted.
 * @WS_ACCESS_PIN: a parental PIN / mandatory restricted access protects the
 *   content (Ofcom "mandatory restricted access", JMStV "Vorsperre", French
 *   parental code).
 * @WS_ACCESS_AGE_VERIFIED: the viewer's age has been verified (adult
 *   verification, closed user group).
 * @WS_ACCESS_AUTHORISED_CHANNEL: the service holds the authorisation the
 *   rule names (French -18: authorised cinema/PPV channels).
 * @WS_ACCESS_CONDITIONAL_ACCESS: the service is encrypted (conditional
 *   access / subscription).
 * @WS_ACCESS_EXCEPTION: the operator uses a derogation the rules allow and
 *   counts it against its quota itself (French -12 exceptions).
 *
 * What the caller asserts about how the content is delivered.
 */
typedef enum {
  WS_ACCESS_NONE = 0,
  WS_ACCESS_PIN = 1 << 0,
  WS_ACCESS_AGE_VERIFIED = 1 << 1,
  WS_ACCESS_AUTHORISED_CHANNEL = 1 << 2,
  WS_ACCESS_CONDITIONAL_ACCESS = 1 << 3,
  WS_ACCESS_EXCEPTION = 1 << 4,
} WsAccessFlags;

/**
 * ws_access_flag_from_name:
 * @name: `pin`, `age-verified`, `authorised-channel`, `conditional-access`
 *   or `exception` (the names the policy files use).
 * Returns: the flag, or %WS_ACCESS_NONE when @name is not one of them.
 */
WsAccessFlags ws_access_flag_from_name (const char *name);

/**
 * ws_access_flags_to_string:
 * Returns: (transfer full): the flags' names separated by spaces ("" for
 *   none). Free with g_free().
 */
char *ws_access_flags_to_string (WsAccessFlags flags);

/**
 * WsGuidanceMode:
 * @WS_GUIDANCE_NONE: nothing is required on screen.
 * @WS_GUIDANCE_AT_START: a badge for @duration_s seconds at the start.
 * @WS_GUIDANCE_PERSISTENT: the badge for the whole programme.
 * @WS_GUIDANCE_FULL_SCREEN: a full-screen card for @duration_s seconds
 *   before the start (French VOD).
 */
typedef enum {
  WS_GUIDANCE_NONE,
  WS_GUIDANCE_AT_START,
  WS_GUIDANCE_PERSISTENT,
  WS_GUIDANCE_FULL_SCREEN,
} WsGuidanceMode;

/**
 * WsGuidance:
 * @id: the guidance rule's id in the file.
 * @mode: how the badge is shown.
 * @duration_s: seconds, for %WS_GUIDANCE_AT_START and
 *   %WS_GUIDANCE_FULL_SCREEN; 0 when the rules name no duration (and for
 *   the other modes).
 * @after_breaks: show it again after each break.
 * @announcement: an acoustic or optical announcement before the programme.
 * @mandatory: FALSE when the source is secondary or unverified (advisory).
 * @text: (nullable): announcement text, in the territory's language.
 * @citation: (nullable): source URL.
 * @announcement_duration_s: how long the pre-programme warning (card and
 *   announcement) lasts, in seconds, from the rule's
 *   `announcement-duration-s` attribute; 0 when the data names none.
 * @announcements: (element-type WsGuidanceText) (nullable): the words said
 *   and shown to the viewer before the programme, one per language, from
 *   the rule's `<announcement xml:lang="...">` children (@text describes
 *   the rule for the operator); NULL when there are none. Pick one with
 *   ws_rating_pick_text() (ws-rating.h).
 *
 * The territory's on-screen guidance rule. Owned by the policy.
 */
typedef struct {
  const char *id;
  WsGuidanceMode mode;
  guint duration_s;
  gboolean after_breaks;
  gboolean announcement;
  gboolean mandatory;
  const char *text;
  const char *citation;
  guint announcement_duration_s;
  const GPtrArray *announcements;
} WsGuidance;

/**
 * WsDecisionKind:
 * @WS_DECISION_ALLOWED: allowed now.
 * @WS_DECISION_OUTSIDE_WINDOW: blocked now; allowed in the windows the rule
 *   names (see @next_allowed_us).
 * @WS_DECISION_NEVER: the rule never allows it (with the access asserted).
 * @WS_DECISION_NEEDS_ACCESS: allowed only with access control the caller
 *   did not assert (see @missing_access).
 * @WS_DECISION_UNRATED: the rating is missing, unknown, unrated or refused:
 *   fail closed.
 * @WS_DECISION_NO_RULE: no rule covers this rating and class: fail closed.
 * @WS_DECISION_NOT_IN_FORCE: no rule set of the policy is valid on that
 *   date: fail closed.
 * @WS_DECISION_UNKNOWN_CLASS: the policy has no such service class: fail
 *   closed.
 */
typedef enum {
  WS_DECISION_ALLOWED,
  WS_DECISION_OUTSIDE_WINDOW,
  WS_DECISION_NEVER,
  WS_DECISION_NEEDS_ACCESS,
  WS_DECISION_UNRATED,
  WS_DECISION_NO_RULE,
  WS_DECISION_NOT_IN_FORCE,
  WS_DECISION_UNKNOWN_CLASS,
} WsDecisionKind;

/**
 * WsDecision:
 * @allowed: the verdict.
 * @kind: why.
 * @rule_id: (nullable): the rule that decided; NULL when none did (fail
 *   closed).
 * @citation: (nullable): the deciding rule's source URL.
 * @reason: one English sentence; never NULL; owned by the policy or static.
 * @mandatory: FALSE when the deciding rule is advisory (a recommendation,
 *   or a fact from a secondary or unverified source); TRUE for fail-closed
 *   decisions.
 * @next_allowed_us: when blocked, the next instant it is allowed with the
 *   same access; %WS_TIME_NONE when never (or not within 1000 days); always
 *   %WS_TIME_NONE when allowed.
 * @allowed_until_us: when allowed, the end of the current allowed period
 *   (exclusive); %WS_TIME_NONE when unbounded (or not within 1000 days) and
 *   when blocked.
 * @missing_access: when an earlier rule would allow more with more access
 *   control, the flags it needs; else %WS_ACCESS_NONE.
 * @guidance: (nullable): the on-screen guidance rule for this rating.
 * @rule_set_version: (nullable): the version of the rule set in force.
 * @judged_as: (nullable): when the rating is not of the policy's own
 *   systems, the local equivalent it was judged by (ws_rating_convert() to
 *   the policy's first system: the least restrictive local rating at least
 *   as old, the adult-explicit class carried over); NULL when the rating is
 *   the policy's own (or of an equivalent system), missing, unrated or
 *   refused, or has no local equivalent.
 * @judged_approximate: TRUE when @judged_as is an approximation (another
 *   minimum age or kind).
 * @no_equivalent: TRUE when the rating is foreign and no local rating is
 *   restrictive enough (e.g. an adult-explicit rating under a system without
 *   that class): blocked, %WS_DECISION_NO_RULE.
 * @judgement: "" when the rating was judged as itself; else one English
 *   sentence for logs: `bbfc:15 judged as icaa:16 (approximation)`, or
 *   `icaa:X has no equivalent in fsk: blocked (fail closed)`.
 *
 * Every pointer is owned by the policy (or static) and valid as long as it;
 * the policy's rating registry must outlive it too.
 */
typedef struct {
  gboolean allowed;
  WsDecisionKind kind;
  const char *rule_id;
  const char *citation;
  const char *reason;
  gboolean mandatory;
  gint64 next_allowed_us;
  gint64 allowed_until_us;
  WsAccessFlags missing_access;
  const WsGuidance *guidance;
  const char *rule_set_version;
  const WsRatingDef *judged_as;
  gboolean judged_approximate;
  gboolean no_equivalent;
  char judgement[160];
} WsDecision;

/**
 * WsInterval:
 * @start_us: first instant, inclusive.
 * @end_us: end, exclusive.
 */
typedef struct {
  gint64 start_us;
  gint64 end_us;
} WsInterval;

/* ---- loading ----------------------------------------------------------- */

/**
 * ws_policy_load:
 * @id_or_path: a policy id (`uk-ofcom`), looked up as `<id>.xml` in
 *   $WATERSHED_DATADIR/policies, the source tree (uninstalled runs), then
 *   the installed $datadir/watershed/policies; or a path (anything with a
 *   `/` or ending in `.xml`).
 * @reg: (nullable): the rating registry that rules' `SYSTEM:CODE` ratings
 *   are checked against; NULL uses ws_rating_registry_get_default().
 * @error: (out) (optional): WS_ERROR_NOT_FOUND (no such policy id: the
 *   message lists where it looked), WS_ERROR_IO, WS_ERROR_TOO_LARGE,
 *   WS_ERROR_MALFORMED, WS_ERROR_FORBIDDEN (from ws_xml_read_file()),
 *   WS_ERROR_INVALID (the message names FILE:LINE and the element: an
 *   unknown zone, service class, rating or access flag, a bad time, an
 *   overlapping rule-set validity ...).
 *
 * Loads the policy and the holiday calendars it references (paths relative
 * to the policy file), and compiles its windows. The policy's own rating
 * systems are those its `systems` attribute lists (first = the one foreign
 * ratings are converted to), else every system of @reg whose territory is
 * the jurisdiction. @reg must outlive the policy.
 *
 * Returns: (transfer full) (nullable): the policy; free with ws_policy_free().
 */
WsPolicy *ws_policy_load (const char *id_or_path, const WsRatingRegistry *reg,
    GError **error);

/**
 * ws_policy_load_memory:
 * @name: used in messages.
 *
 * As ws_policy_load() on bytes. Calendar references (`<calendar href>`)
 * are refused (WS_ERROR_INVALID) since there is no folder to resolve them.
 * Returns: (transfer full) (nullable).
 */
WsPolicy *ws_policy_load_memory (const char *data, gsize len, const char *name,
    const WsRatingRegistry *reg, GError **error);

/** ws_policy_free: NULL is a no-op. */
void ws_policy_free (WsPolicy *p);

/**
 * ws_policy_list_ids:
 * @error: WS_ERROR_IO when no policies folder is found.
 *
 * The ids of the policy files in the first policies folder found (same
 * search order as ws_policy_load()), sorted.
 * Returns: (transfer full) (nullable): a NULL-terminated array; free with
 *   g_strfreev().
 */
char **ws_policy_list_ids (GError **error);

/**
 * ws_policy_load_for_territory:
 * @territory: an ISO 3166-1 code (`GB`, `DEU`, `250`).
 * @reg: (nullable): as for ws_policy_load().
 * @error: (out) (optional): WS_ERROR_ARGUMENT for a code that is not a
 *   territory; WS_ERROR_IO when no policies folder is found;
 *   WS_ERROR_NOT_FOUND when no policy has that jurisdiction (the message
 *   lists those there are); WS_ERROR_INVALID when two have it (ambiguous:
 *   the caller names one; nothing is guessed).
 *
 * The policy whose jurisdiction is @territory, among those
 * ws_policy_list_ids() lists. Files that do not load are skipped.
 * Returns: (transfer full) (nullable): free with ws_policy_free().
 */
WsPolicy *ws_policy_load_for_territory (const char *territory,
    const WsRatingRegistry *reg, GError **error);

/**
 * WsPolicyCache:
 * @key: what @policy was asked for (`policy:ID` or `territory:CC`), or
 *   %NULL
 * @policy: (nullable): the policy loaded for @key; %NULL when it failed
 *
 * The policy an element follows, loaded again only when what it is asked
 * for changes. Zero-initialise; free what it holds with
 * ws_policy_cache_clear().
 */
typedef struct {
  char *key;
  WsPolicy *policy;
} WsPolicyCache;

/**
 * ws_policy_cache_get:
 * @cache: the cache.
 * @policy_id: (nullable): a policy id (ws_policy_load()); %NULL or empty
 *   for none.
 * @territory: (nullable): used when @policy_id is not given: the policy
 *   of that jurisdiction (ws_policy_load_for_territory()); %NULL or empty
 *   for none.
 * @error: (out) (optional): why the policy could not be loaded, set only
 *   on the call that tried (so a caller warns once per change).
 *
 * The policy @policy_id names, else the one for @territory, from @cache
 * when it was asked for the same before.
 * Returns: (transfer none) (nullable): the policy, owned by @cache; %NULL
 *   when neither is given or it cannot be loaded.
 */
WsPolicy *ws_policy_cache_get (WsPolicyCache *cache, const char *policy_id,
    const char *territory, GError **error);

/**
 * ws_policy_cache_clear:
 * @cache: the cache; frees the policy and forgets what it was for.
 */
void ws_policy_cache_clear (WsPolicyCache *cache);

/* ---- properties -------------------------------------------------------- */

const char *ws_policy_get_id (const WsPolicy *p);
const char *ws_policy_get_name (const WsPolicy *p);
/** ISO 3166-1 alpha-2 code of the jurisdiction. */
const char *ws_policy_get_jurisdiction (const WsPolicy *p);
/** The IANA zone identifier (`Europe/London`). */
const char *ws_policy_get_zone (const WsPolicy *p);
/** (transfer none): the zone; valid as long as @p. */
GTimeZone *ws_policy_get_time_zone (const WsPolicy *p);
/** The file the policy came from (the name given for memory loads). */
const char *ws_policy_get_path (const WsPolicy *p);

/**
 * ws_policy_get_version:
 * @at_us: an instant, or %WS_TIME_NONE for the newest rule set.
 * Returns: (transfer none) (nullable): the version of the rule set in force
 *   at @at_us, or NULL when none is.
 */
const char *ws_policy_get_version (const WsPolicy *p, gint64 at_us);

guint ws_policy_get_n_service_classes (const WsPolicy *p);
/** Service class ids in file order. */
const char *ws_policy_get_service_class (const WsPolicy *p, guint index);
/** Human description of a service class, or NULL for an unknown id. */
const char *ws_policy_get_service_class_description (const WsPolicy *p,
    const char *service_class);
/** The class used when the caller gives none. */
const char *ws_policy_get_default_service_class (const WsPolicy *p);
gboolean ws_policy_has_service_class (const WsPolicy *p,
    const char *service_class);

/**
 * ws_policy_get_n_systems:
 * Returns: how many rating systems are the policy's own (0 when none is
 *   known: then no rating is converted).
 */
guint ws_policy_get_n_systems (const WsPolicy *p);
/** (transfer none): the @index-th own system; index 0 is the one foreign
 * ratings are judged by. */
const WsRatingSystem *ws_policy_get_system (const WsPolicy *p, guint index);

/**
 * ws_policy_judge_rating:
 * @rating: (nullable): a rating.
 * @approximate: (out) (optional): TRUE when the result is an approximation.
 * @no_equivalent: (out) (optional): TRUE when @rating is foreign and has no
 *   local equivalent (the decision blocks it).
 *
 * The one place that decides which rating the policy's rules see: @rating
 * itself when it is of an own (or equivalent) system, unrated, refused or
 * NULL; else its conversion to the policy's first system. Every decision
 * (ws_policy_decide(), ws_policy_windows(), ws_policy_check_programme())
 * uses it.
 * Returns: (transfer none) (nullable): the rating the rules are matched
 *   against; NULL when @rating is NULL or has no local equivalent.
 */
const WsRatingDef *ws_policy_judge_rating (const WsPolicy *p,
    const WsRatingDef *rating, gboolean *approximate, gboolean *no_equivalent);

/**
 * ws_policy_describe_judgement:
 * @rating: (nullable): a rating.
 * @buf: (out caller-allocates): receives the sentence a #WsDecision
 *   carries in @judgement ("" when @rating is judged as itself); 160 bytes
 *   hold any.
 * @size: the size of @buf.
 *
 * For logs written apart from the decision (an as-run line): the same
 * judgement ws_policy_decide() makes.
 * Returns: (transfer none) (nullable): the local equivalent @rating is
 *   judged as, NULL when it is judged as itself or has none.
 */
const WsRatingDef *ws_policy_describe_judgement (const WsPolicy *p,
    const WsRatingDef *rating, char *buf, gsize size);

/**
 * WsRuleInfo:
 * @id: the rule's id.
 * @rule_set_version: the rule set it belongs to.
 * @classes: (nullable): the service classes it applies to as written;
 *   NULL = all.
 * @min_age, @max_age: age bounds, -1 when none.
 * @ratings: (nullable): NULL-terminated `SYSTEM:CODE` list it names (with
 *   the same symbols of equivalent systems added).
 * @kinds: (nullable): `unrated`, `refused`, `adult-explicit` as written.
 * @requires: the access control it needs.
 * @action: `never`, `anytime` or `windows`.
 * @n_windows: the number of windows.
 * @mandatory: FALSE for advisory rules.
 * @reason: the rule's reason sentence.
 * @citation: the source URL.
 * @confidence: (nullable): `primary` (the regulator's or legislator's own
 *   text), `secondary` or `assumed`; NULL when the file does not say.
 * @source_note: (nullable): what the source says, as the file records it.
 *
 * A rule as the policy file states it, for audits (`watershed policy
 * show`). Every pointer is owned by the policy.
 */
typedef struct {
  const char *id;
  const char *rule_set_version;
  const char *classes;
  int min_age;
  int max_age;
  const char *const *ratings;
  const char *kinds;
  WsAccessFlags requires;
  const char *action;
  guint n_windows;
  gboolean mandatory;
  const char *reason;
  const char *citation;
  const char *confidence;
  const char *source_note;
} WsRuleInfo;

/** The number of rule sets. */
guint ws_policy_get_n_rule_sets (const WsPolicy *p);
/** The number of rules in rule set @set. */
guint ws_policy_get_n_rules (const WsPolicy *p, guint set);
/**
 * ws_policy_get_rule:
 * @out: (out caller-allocates): filled when the indices are valid.
 * Returns: FALSE when @set or @index is out of range (@out untouched).
 */
gboolean ws_policy_get_rule (const WsPolicy *p, guint set, guint index,
    WsRuleInfo *out);
/**
 * ws_policy_describe_window:
 * Returns: (transfer full) (nullable): window @w of a rule as text
 *   (`20:00-05:30 mon tue; not on public-holiday`), NULL when out of
 *   range. Free with g_free().
 */
char *ws_policy_describe_window (const WsPolicy *p, guint set, guint index,
    guint w);

/**
 * ws_policy_calendar_read_memory:
 * @out_n_public, @out_n_school: (out) (optional): how many days the
 *   calendar marks as public and as school holidays.
 * @error: WS_ERROR_MALFORMED, _FORBIDDEN, _TOO_LARGE (ws_xml_read_memory();
 *   more than 20000 entries), WS_ERROR_INVALID (FILE:LINE: a bad date, a
 *   range over 366 days or outside the file's from/to, more than ten years
 *   covered, an unknown kind).
 *
 * Reads a holiday calendar (`<holidays xmlns="urn:watershed:policy:1">`,
 * see docs/policies.md) exactly as ws_policy_load() does, in time linear in
 * its size. For tests and fuzzing.
 * Returns: TRUE when the calendar is valid.
 */
gboolean ws_policy_calendar_read_memory (const char *data, gsize len,
    const char *name, guint *out_n_public, guint *out_n_school, GError **error);

/* ---- decisions --------------------------------------------------------- */

/**
 * ws_policy_decide:
 * @service_class: (nullable): a class id; NULL = the default class.
 * @rating: (nullable): the programme's rating; NULL = missing or unknown.
 * @at_us: the instant.
 * @access: what access control protects the content.
 * @out: (out caller-allocates): the decision; always filled.
 *
 * Returns: @out->allowed.
 */
gboolean ws_policy_decide (const WsPolicy *p, const char *service_class,
    const WsRatingDef *rating, gint64 at_us, WsAccessFlags access,
    WsDecision *out);

/**
 * ws_policy_describe_decision:
 * Returns: (transfer full): @d->judgement (when the rating was judged by a
 *   local equivalent), @d->reason, then the next allowed instant or the end
 *   of the allowed period in the policy's local time, and the access that
 *   would unlock it. Free with g_free().
 */
char *ws_policy_describe_decision (const WsPolicy *p, const WsDecision *d);

/**
 * ws_policy_guidance_at:
 * @service_class: (nullable): a class id; NULL = the default class.
 * @rating: (nullable): the programme's rating; NULL = missing or unknown
 *   (judged as unrated, as ws_policy_decide() does).
 * @at_us: the programme's time (when it is seen: the air time of a live
 *   channel, a buffer's reference timestamp), never the time a job runs;
 *   %WS_TIME_NONE when unknown.
 * @out: (out) (transfer none): the guidance rule, owned by @p; NULL when
 *   the rules name none for this rating and class. Untouched on error.
 * @error: (out) (optional): WS_ERROR_NOT_FOUND when @service_class is not
 *   one of @p's or no rule set is in force at @at_us; WS_ERROR_ARGUMENT
 *   when @at_us is %WS_TIME_NONE and the rule sets of @p name different
 *   guidance (mode, duration or after-breaks) for this rating, so the
 *   time is needed (the caller fails closed, e.g. shows the badge all the
 *   time).
 *
 * The on-screen guidance rule for a rating at an instant: that of the rule
 * set in force on the local day of @at_us (the same as @out->guidance of
 * ws_policy_decide()), or, without an instant, the one every rule set
 * agrees on.
 * Returns: TRUE when @out was set.
 */
gboolean ws_policy_guidance_at (const WsPolicy *p, const char *service_class,
    const WsRatingDef *rating, gint64 at_us, const WsGuidance **out,
    GError **error);

/**
 * ws_policy_windows:
 * @from_us, @to_us: the range, @from_us < @to_us, at most 3660 days.
 * @error: WS_ERROR_ARGUMENT for a bad range; WS_ERROR_NOT_FOUND for an
 *   unknown service class.
 *
 * The maximal allowed periods that intersect [@from_us, @to_us), clipped to
 * it, in order (VOD availability windows). Fail-closed cases yield none.
 * Returns: (transfer full) (element-type WsInterval) (nullable): free with
 *   g_array_unref().
 */
GArray *ws_policy_windows (const WsPolicy *p, const char *service_class,
    const WsRatingDef *rating, gint64 from_us, gint64 to_us,
    WsAccessFlags access, GError **error);

/**
 * WsProgrammeVerdict:
 * @WS_PROGRAMME_FITS: the whole programme lies in one allowed period.
 * @WS_PROGRAMME_STARTS_OUTSIDE: blocked at its start.
 * @WS_PROGRAMME_RUNS_PAST_END: allowed at its start but the allowed period
 *   ends before the programme does.
 */
typedef enum {
  WS_PROGRAMME_FITS,
  WS_PROGRAMME_STARTS_OUTSIDE,
  WS_PROGRAMME_RUNS_PAST_END,
} WsProgrammeVerdict;

/**
 * WsProgrammeCheck:
 * @verdict: the result.
 * @at_start: the decision at the programme's start.
 * @period_end_us: for %WS_PROGRAMME_RUNS_PAST_END the end of the allowed
 *   period; else %WS_TIME_NONE.
 * @earliest_start_us: the earliest start at or after the given one at
 *   which the whole programme fits (the given start when it fits);
 *   %WS_TIME_NONE when none within 1000 days.
 */
typedef struct {
  WsProgrammeVerdict verdict;
  WsDecision at_start;
  gint64 period_end_us;
  gint64 earliest_start_us;
} WsProgrammeCheck;

/**
 * ws_policy_check_programme:
 * @duration_us: the programme's duration, >= 0.
 * @out: (out caller-allocates): always filled.
 *
 * Whether a programme of @duration_us starting at @start_us runs wholly
 * inside one allowed period.
 * Returns: TRUE when it fits.
 */
gboolean ws_policy_check_programme (const WsPolicy *p,
    const char *service_class, const WsRatingDef *rating, gint64 start_us,
    gint64 duration_us, WsAccessFlags access, WsProgrammeCheck *out);

/* ---- time helpers ------------------------------------------------------ */

/**
 * ws_policy_parse_time:
 * @text: ISO 8601: `2026-07-01T20:59:00+01:00`, `...Z`, or without an
 *   offset (`2026-07-01T20:59`, `2026-07-01 20:59:00`), which is read as the
 *   policy's local civil time; a date alone (`2026-07-01`) means local
 *   midnight.
 * @out_us: (out): the instant; untouched on error.
 * @p: (nullable): the policy whose zone local times are read in; NULL
 *   takes only times with an offset.
 * @error: WS_ERROR_ARGUMENT when @text is not such a time, is a local
 *   time that does not exist in the zone (the DST gap), or is a local time
 *   without @p. A local time that occurs twice (the repeated hour) means
 *   its first occurrence.
 */
gboolean ws_policy_parse_time (const WsPolicy *p, const char *text,
    gint64 *out_us, GError **error);

/**
 * ws_policy_format_time:
 * Returns: (transfer full): @t_us as ISO 8601 in the policy's zone with its
 *   offset (`2026-07-01T21:00:00+01:00`; seconds fractions only when not
 *   zero), or NULL for %WS_TIME_NONE.
 */
char *ws_policy_format_time (const WsPolicy *p, gint64 t_us);

/* ---- names ------------------------------------------------------------- */

/**
 * ws_decision_kind_to_string:
 * Returns: (transfer none): the kebab-case name used in JSON, messages and
 *   logs: `allowed`, `outside-window`, `never`, `needs-access`, `unrated`,
 *   `no-rule`, `not-in-force`, `unknown-service-class`.
 */
const char *ws_decision_kind_to_string (WsDecisionKind kind);

/**
 * ws_guidance_mode_to_string:
 * Returns: (transfer none): `none`, `at-start`, `persistent` or
 *   `full-screen`.
 */
const char *ws_guidance_mode_to_string (WsGuidanceMode mode);

/**
 * ws_programme_verdict_to_string:
 * Returns: (transfer none): `fits`, `starts-outside` or `runs-past-end`.
 */
const char *ws_programme_verdict_to_string (WsProgrammeVerdict verdict);

G_END_DECLS

#endif /* WS_RATINGS_WS_POLICY_H */
