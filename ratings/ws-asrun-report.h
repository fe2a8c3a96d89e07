/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: what an as-run log says aired, re-checked against the policy
 * data: the compliance report (`watershed asrun report`). */
#ifndef WS_RATINGS_WS_ASRUN_REPORT_H
#define WS_RATINGS_WS_ASRUN_REPORT_H

#include <glib.h>

#include "ws-asrun-verify.h"
#include "ws-policy.h"
#include "ws-rating-system.h"

G_BEGIN_DECLS

/**
 * WsAsRunViolationKind:
 * @WS_ASRUN_VIOLATION_OUTSIDE_WINDOW: a rating aired outside the periods
 *   its policy allows (ws_policy_windows())
 * @WS_ASRUN_VIOLATION_MISSING_GUIDANCE: a rating aired without the
 *   on-screen guidance its policy asks for (ws_policy_guidance_at())
 * @WS_ASRUN_VIOLATION_UNCHECKED: the airing could not be re-checked (its
 *   policy or time could not be read): counted as a violation (fail closed)
 */
typedef enum {
  WS_ASRUN_VIOLATION_OUTSIDE_WINDOW,
  WS_ASRUN_VIOLATION_MISSING_GUIDANCE,
  WS_ASRUN_VIOLATION_UNCHECKED,
} WsAsRunViolationKind;

/**
 * ws_asrun_violation_kind_to_string:
 * Returns: (transfer none): `outside-window`, `missing-guidance` or
 *   `unchecked`.
 */
const gchar *ws_asrun_violation_kind_to_string (WsAsRunViolationKind kind);

/**
 * WsAsRunSegment:
 * @start_us, @end_us: the period [start, end) one decision was in force
 *   (clipped to its day in a #WsAsRunDay)
 * @rating: (nullable): `SYSTEM:CODE`
 * @policy, @service_class: (nullable): as decided with
 * @kind: (nullable): the decision kind (`allowed`, `outside-window`,
 *   `override-open`, ...)
 * @mode: (nullable): `slate`, `drop` or `monitor`
 * @allowed: the gate's decision
 * @aired: whether the content went on air: allowed, or a `monitor` gate
 *   (which never blocks)
 * @override, @operator_name, @override_reason: (nullable): the operator's
 *   override in force
 * @file, @line: the decision's line in the log
 *
 * One decision of a channel and how long it held. All strings owned by the
 * report.
 */
typedef struct {
  gint64 start_us, end_us;
  gchar *rating, *policy, *service_class, *kind, *mode;
  gboolean allowed, aired;
  gchar *override, *operator_name, *override_reason;
  gchar *file;
  guint line;
} WsAsRunSegment;

/**
 * WsAsRunGuidanceShown:
 * @start_us, @end_us: when the guidance was on screen
 * @rating: (nullable): what it showed
 * @mode: (nullable): how (`at-start`, `persistent`, ...)
 */
typedef struct {
  gint64 start_us, end_us;
  gchar *rating, *mode;
} WsAsRunGuidanceShown;

/**
 * WsAsRunViolation:
 * @kind: what
 * @channel: the channel (the record's `channel`, else its `element`)
 * @day: the local day (policy's zone) of @start_us, YYYY-MM-DD
 * @start_us, @end_us: the instants it lasted, [start, end)
 * @rating, @policy, @service_class: (nullable): as aired
 * @rule: (nullable): the policy rule that decides at @start_us
 * @mode: (nullable): the gate's mode; `monitor`: the gate did not block,
 *   this is what it would have blocked
 * @override_reason: (nullable): the operator's reason when the airing was
 *   forced open
 * @detail: one English sentence (the policy's reason, or the guidance the
 *   policy asks for)
 * @file, @line: the decision's line in the log
 */
typedef struct {
  WsAsRunViolationKind kind;
  gchar *channel, *day;
  gint64 start_us, end_us;
  gchar *rating, *policy, *service_class, *rule, *mode, *override_reason;
  gchar *detail;
  gchar *file;
  guint line;
} WsAsRunViolation;

/**
 * WsAsRunDay:
 * @channel: the channel
 * @day: the local day, YYYY-MM-DD (in the zone of the channel's policy)
 * @segments: (element-type WsAsRunSegment): the decisions in force that
 *   day, clipped to it
 * @n_opened, @n_closed: the gate's openings (blocked to allowed) and
 *   closings that day
 * @aired_us: time on air; @blocked_us: time the gate blocked (slate or
 *   drop); @would_block_us: time a `monitor` gate would have blocked
 * @overrides: (element-type WsAsRunSegment): the segments under an
 *   operator's override (borrowed from @segments)
 * @guidance: (element-type WsAsRunGuidanceShown): guidance on screen that
 *   day, clipped to it; @guidance_us: its total time
 * @violations: (element-type WsAsRunViolation): those starting that day
 *   (borrowed from the report's list)
 */
typedef struct {
  gchar *channel, *day;
  GPtrArray *segments;
  guint n_opened, n_closed;
  gint64 aired_us, blocked_us, would_block_us;
  GPtrArray *overrides;
  GPtrArray *guidance;
  gint64 guidance_us;
  GPtrArray *violations;
} WsAsRunDay;

/**
 * WsAsRunReport:
 * @verdict: the hash chain's verification (ws_asrun_verify_files())
 * @from_us, @to_us: the period reported, %WS_TIME_NONE when open
 * @days: (element-type WsAsRunDay): by channel, then day
 * @violations: (element-type WsAsRunViolation): all, by channel and time
 * @warnings: (element-type utf8): lines that could not be used, lost
 *   lines (dropped-lines records), each naming its file and line
 *
 * Free with ws_asrun_report_free().
 */
typedef struct {
  WsAsRunVerdict *verdict;
  gint64 from_us, to_us;
  GPtrArray *days;
  GPtrArray *violations;
  GPtrArray *warnings;
  /*< private >*/
  const WsRatingRegistry *reg;
  GHashTable *policies; /* id -> WsPolicy * or NULL when it did not load */
} WsAsRunReport;

/** WS_ASRUN_GUIDANCE_TOLERANCE_US: gaps in the guidance shorter than this
 * (a frame or two around an opening) are not violations. */
#define WS_ASRUN_GUIDANCE_TOLERANCE_US G_USEC_PER_SEC

/**
 * ws_asrun_report_build:
 * @paths: (array zero-terminated=1): the log files (one chain, any order)
 * @reg: (nullable): the rating systems; %NULL = the default registry
 * @from_us, @to_us: the period to report, [from, to); %WS_TIME_NONE for
 *   open ends (the last decision then holds until the last instant the
 *   records show: the last decision or guidance line of any channel;
 *   checkpoints carry the writer's clock, not programme time)
 * @error: %WS_ERROR_IO naming a file that cannot be read;
 *   %WS_ERROR_ARGUMENT when @paths is empty or @to_us <= @from_us
 *
 * Reads the decision records (`instant`, `allowed`, `rating`, `policy`,
 * `service_class`, `mode`, override members; the channel is `channel`
 * when present, else `element`) and the guidance records (`kind`
 * `guidance-shown` / `guidance-hidden`, with `instant`, `rating`, `mode`)
 * of @paths in chain order. Each airing is re-checked against its policy
 * with ws_policy_windows() (no access control asserted: fail closed) and
 * ws_policy_guidance_at() at the airing's start: at-start and full-screen
 * guidance must be on screen for its duration from the start of the
 * airing, persistent guidance for the whole of it. Policies are loaded by
 * the id the records name (ws_policy_load()).
 *
 * Returns: (transfer full): the report (also when the chain is broken: see
 *   @verdict), or %NULL with @error set.
 */
WsAsRunReport *ws_asrun_report_build (const gchar *const *paths,
    const WsRatingRegistry *reg, gint64 from_us, gint64 to_us, GError **error);

/** ws_asrun_report_free: %NULL is a no-op. */
void ws_asrun_report_free (WsAsRunReport *report);

/**
 * ws_asrun_report_format_time:
 * Returns: (transfer full): @t_us as ISO 8601 in the zone of the policy
 *   @policy_id (UTC when it cannot be loaded, or for %NULL), as the report
 *   prints it. Free with g_free().
 */
gchar *ws_asrun_report_format_time (const WsAsRunReport *report,
    const gchar *policy_id, gint64 t_us);

G_END_DECLS

#endif /* WS_RATINGS_WS_ASRUN_REPORT_H */
