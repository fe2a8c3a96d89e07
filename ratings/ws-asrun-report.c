/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the as-run compliance report (see ws-asrun-report.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ws-asrun-report.h"
#include "ws-error.h"

#include <string.h>

const gchar *
ws_asrun_violation_kind_to_string (WsAsRunViolationKind kind)
{
  switch (kind) {
    case WS_ASRUN_VIOLATION_OUTSIDE_WINDOW:
      return "outside-window";
    case WS_ASRUN_VIOLATION_MISSING_GUIDANCE:
      return "missing-guidance";
    case WS_ASRUN_VIOLATION_UNCHECKED:
    default:
      return "unchecked";
  }
}

/* ---- records ------------------------------------------------------------- */

typedef struct {
  gint64 t_us;
  guint order; /* in the log: keeps equal instants in log order */
  WsAsRunLine *line;
  gchar *file;
  gchar *log; /* the chain id of its file (one log across rotations), else
               * the file */
  guint line_no;
} Event;

static void
event_free (gpointer data)
{
  Event *e = data;

  ws_asrun_line_free (e->line);
  g_free (e->file);
  g_free (e->log);
  g_free (e);
}

static gint
compare_events (gconstpointer a, gconstpointer b)
{
  const Event *ea = *(Event *const *) a, *eb = *(Event *const *) b;

  if (ea->t_us != eb->t_us)
    return ea->t_us < eb->t_us ? -1 : 1;
  return ea->order < eb->order ? -1 : ea->order > eb->order;
}

typedef struct {
  gchar *name;
  GPtrArray *decisions; /* Event * */
  GPtrArray *guidance;  /* Event * */
  GPtrArray *warnings;  /* Event *: ratingwarning's warning-card lines */
} Channel;

static void
channel_free (gpointer data)
{
  Channel *c = data;

  g_free (c->name);
  g_ptr_array_unref (c->decisions);
  g_ptr_array_unref (c->guidance);
  g_ptr_array_unref (c->warnings);
  g_free (c);
}

static const WsPolicy *
get_policy (WsAsRunReport *r, const gchar *id)
{
  WsPolicy *p;

  if (id == NULL)
    return NULL;
  if (g_hash_table_lookup_extended (r->policies, id, NULL, (gpointer *) &p))
    return p;
  p = ws_policy_load (id, r->reg, NULL);
  g_hash_table_insert (r->policies, g_strdup (id), p);
  return p;
}

/* an instant of the log: ISO 8601 with an offset (UTC when it has none and
 * the policy is unknown) */
static gboolean
parse_instant (WsAsRunReport *r, const gchar *policy_id, const gchar *text,
    gint64 *out)
{
  const WsPolicy *p = get_policy (r, policy_id);
  GTimeZone *utc;
  GDateTime *dt;

  if (text == NULL)
    return FALSE;
  if (p != NULL)
    return ws_policy_parse_time (p, text, out, NULL);
  utc = g_time_zone_new_utc ();
  dt = g_date_time_new_from_iso8601 (text, utc);
  g_time_zone_unref (utc);
  if (dt == NULL)
    return FALSE;
  *out = g_date_time_to_unix (dt) * G_USEC_PER_SEC +
         g_date_time_get_microsecond (dt);
  g_date_time_unref (dt);
  return TRUE;
}

static const gchar *
channel_of (const WsAsRunLine *l)
{
  const gchar *c = ws_asrun_line_get_string (l, "channel");

  return c != NULL ? c : ws_asrun_line_get_string (l, "element");
}

/* ---- time ---------------------------------------------------------------- */

static GTimeZone *
zone_of (WsAsRunReport *r, const gchar *policy_id)
{
  const WsPolicy *p = get_policy (r, policy_id);

  return p != NULL ? g_time_zone_ref (ws_policy_get_time_zone (p)) :
                     g_time_zone_new_utc ();
}

static GDateTime *
local (GTimeZone *tz, gint64 t_us)
{
  GDateTime *u = g_date_time_new_from_unix_utc (t_us / G_USEC_PER_SEC);
  GDateTime *l = g_date_time_to_timezone (u, tz);

  g_date_time_unref (u);
  return l;
}

/* the local day of @t_us, YYYY-MM-DD, and the start of the next one */
static gchar *
day_of (GTimeZone *tz, gint64 t_us, gint64 *next_us)
{
  GDateTime *l = local (tz, t_us);
  gchar *day = g_date_time_format (l, "%Y-%m-%d");

  if (next_us != NULL) {
    GDateTime *mid = g_date_time_new (tz, g_date_time_get_year (l),
        g_date_time_get_month (l), g_date_time_get_day_of_month (l), 0, 0, 0);
    GDateTime *next = g_date_time_add_days (mid, 1);

    *next_us = g_date_time_to_unix (next) * G_USEC_PER_SEC;
    g_date_time_unref (mid);
    g_date_time_unref (next);
  }
  g_date_time_unref (l);
  return day;
}

gchar *
ws_asrun_report_format_time (const WsAsRunReport *report,
    const gchar *policy_id, gint64 t_us)
{
  const WsPolicy *p = NULL;
  GTimeZone *utc;
  GDateTime *l;
  gchar *s;

  if (t_us == WS_TIME_NONE)
    return NULL;
  if (policy_id != NULL)
    p = g_hash_table_lookup (report->policies, policy_id);
  if (p != NULL)
    return ws_policy_format_time (p, t_us);
  utc = g_time_zone_new_utc ();
  l = local (utc, t_us);
  s = g_date_time_format (l, "%Y-%m-%dT%H:%M:%SZ");
  g_date_time_unref (l);
  g_time_zone_unref (utc);
  return s;
}

/* ---- the report ---------------------------------------------------------- */

static void
segment_free (gpointer data)
{
  WsAsRunSegment *s = data;

  g_free (s->rating);
  g_free (s->policy);
  g_free (s->service_class);
  g_free (s->kind);
  g_free (s->mode);
  g_free (s->override);
  g_free (s->operator_name);
  g_free (s->override_reason);
  g_free (s->file);
  g_free (s);
}

static WsAsRunSegment *
segment_copy (const WsAsRunSegment *s)
{
  WsAsRunSegment *c = g_memdup2 (s, sizeof *s);

  c->rating = g_strdup (s->rating);
  c->policy = g_strdup (s->policy);
  c->service_class = g_strdup (s->service_class);
  c->kind = g_strdup (s->kind);
  c->mode = g_strdup (s->mode);
  c->override = g_strdup (s->override);
  c->operator_name = g_strdup (s->operator_name);
  c->override_reason = g_strdup (s->override_reason);
  c->file = g_strdup (s->file);
  return c;
}

static void
guidance_free (gpointer data)
{
  WsAsRunGuidanceShown *g = data;

  g_free (g->rating);
  g_free (g->mode);
  g_free (g);
}

static void
violation_free (gpointer data)
{
  WsAsRunViolation *v = data;

  g_free (v->channel);
  g_free (v->day);
  g_free (v->rating);
  g_free (v->policy);
  g_free (v->service_class);
  g_free (v->rule);
  g_free (v->mode);
  g_free (v->override_reason);
  g_free (v->detail);
  g_free (v->file);
  g_free (v);
}

static void
day_free (gpointer data)
{
  WsAsRunDay *d = data;

  g_free (d->channel);
  g_free (d->day);
  g_ptr_array_unref (d->segments);
  g_ptr_array_unref (d->overrides);
  g_ptr_array_unref (d->guidance);
  g_ptr_array_unref (d->violations);
  g_free (d);
}

void
ws_asrun_report_free (WsAsRunReport *r)
{
  if (r == NULL)
    return;
  ws_asrun_verdict_free (r->verdict);
  g_ptr_array_unref (r->days);
  g_ptr_array_unref (r->violations);
  g_ptr_array_unref (r->warnings);
  g_hash_table_unref (r->policies);
  g_free (r);
}

static void
policy_free0 (gpointer p)
{
  ws_policy_free (p);
}

/* the day record of @channel and @day, made when new */
static WsAsRunDay *
get_day (GHashTable *days, GPtrArray *list, const gchar *channel,
    const gchar *day)
{
  gchar *key = g_strdup_printf ("%s\n%s", channel, day);
  WsAsRunDay *d = g_hash_table_lookup (days, key);

  if (d == NULL) {
    d = g_new0 (WsAsRunDay, 1);
    d->channel = g_strdup (channel);
    d->day = g_strdup (day);
    d->segments = g_ptr_array_new_with_free_func (segment_free);
    d->overrides = g_ptr_array_new ();
    d->guidance = g_ptr_array_new_with_free_func (guidance_free);
    d->violations = g_ptr_array_new ();
    g_hash_table_insert (days, key, d);
    g_ptr_array_add (list, d);
  } else {
    g_free (key);
  }
  return d;
}

static WsAsRunViolation *
add_violation (WsAsRunReport *r, WsAsRunViolationKind kind,
    const gchar *channel, const WsAsRunSegment *s, gint64 start_us,
    gint64 end_us, const gchar *rule, gchar *detail)
{
  WsAsRunViolation *v = g_new0 (WsAsRunViolation, 1);
  GTimeZone *tz = zone_of (r, s->policy);

  v->kind = kind;
  v->channel = g_strdup (channel);
  v->day = day_of (tz, start_us, NULL);
  v->start_us = start_us;
  v->end_us = end_us;
  v->rating = g_strdup (s->rating);
  v->policy = g_strdup (s->policy);
  v->service_class = g_strdup (s->service_class);
  v->rule = g_strdup (rule);
  v->mode = g_strdup (s->mode);
  v->override_reason = g_strdup (s->override_reason);
  v->detail = detail;
  v->file = g_strdup (s->file);
  v->line = s->line;
  g_ptr_array_add (r->violations, v);
  g_time_zone_unref (tz);
  return v;
}

/* the periods of [start, end) the policy does not allow the rating */
static void
check_window (WsAsRunReport *r, const gchar *channel, const WsAsRunSegment *s,
    const WsPolicy *p, const WsRatingDef *def)
{
  GError *err = NULL;
  GArray *allowed = ws_policy_windows (p, s->service_class, def, s->start_us,
      s->end_us, WS_ACCESS_NONE, &err);
  gint64 at = s->start_us;

  if (allowed == NULL) {
    add_violation (r, WS_ASRUN_VIOLATION_UNCHECKED, channel, s, s->start_us,
        s->end_us, NULL,
        g_strdup_printf ("cannot re-check the window: %s",
            err != NULL ? err->message : "no windows"));
    g_clear_error (&err);
    return;
  }
  for (guint i = 0; i <= allowed->len; i++) {
    gint64 gap_end = i < allowed->len ?
                         g_array_index (allowed, WsInterval, i).start_us :
                         s->end_us;

    if (gap_end > at) {
      WsDecision d;
      gchar *why;

      ws_policy_decide (p, s->service_class, def, at, WS_ACCESS_NONE, &d);
      why = ws_policy_describe_decision (p, &d);
      add_violation (r, WS_ASRUN_VIOLATION_OUTSIDE_WINDOW, channel, s, at,
          gap_end, d.rule_id, why);
    }
    if (i < allowed->len)
      at = MAX (at, g_array_index (allowed, WsInterval, i).end_us);
  }
  g_array_unref (allowed);
}

/* the parts of [from, to) no guidance of @rating covers */
static void
check_guidance_cover (WsAsRunReport *r, const gchar *channel,
    const WsAsRunSegment *s, GPtrArray *shown, gint64 from, gint64 to,
    const WsGuidance *g)
{
  gint64 at = from;

  while (at < to) {
    gint64 covered_to = at;
    gint64 next_cover = to;

    for (guint i = 0; i < shown->len; i++) {
      WsAsRunGuidanceShown *gs = g_ptr_array_index (shown, i);

      if (gs->rating != NULL && g_strcmp0 (gs->rating, s->rating) != 0)
        continue;
      if (gs->start_us <= at && gs->end_us > covered_to)
        covered_to = gs->end_us;
      else if (gs->start_us > at && gs->start_us < next_cover)
        next_cover = gs->start_us;
    }
    if (covered_to > at) {
      at = covered_to;
      continue;
    }
    if (next_cover - at >= WS_ASRUN_GUIDANCE_TOLERANCE_US)
      add_violation (r, WS_ASRUN_VIOLATION_MISSING_GUIDANCE, channel, s, at,
          next_cover, g->id,
          g_strdup_printf ("%s aired without the on-screen guidance its "
                           "policy asks for (%s, %s%s)",
              s->rating ? s->rating : "an unrated programme", g->id,
              ws_guidance_mode_to_string (g->mode),
              g->duration_s > 0 ? ", with a duration" : ""));
    at = next_cover;
  }
}

static void
check_segment (WsAsRunReport *r, const gchar *channel, const WsAsRunSegment *s,
    gint64 run_start, GPtrArray *shown, gboolean announced)
{
  const WsPolicy *p = get_policy (r, s->policy);
  const WsRatingDef *def = NULL;
  const WsGuidance *g = NULL;

  if (p == NULL) {
    add_violation (r, WS_ASRUN_VIOLATION_UNCHECKED, channel, s, s->start_us,
        s->end_us, NULL,
        g_strdup_printf ("cannot re-check: the policy \"%s\" cannot be "
                         "loaded",
            s->policy ? s->policy : "(none)"));
    return;
  }
  /* an unknown rating is judged as unrated: fail closed */
  if (s->rating != NULL)
    def = ws_rating_registry_parse (r->reg, s->rating, NULL);
  check_window (r, channel, s, p, def);
  if (!ws_policy_guidance_at (p, s->service_class, def, s->start_us, &g,
          NULL) ||
      g == NULL || !g->mandatory)
    return;
  /* an announcement before the programme: a warning-card line where the
   * airing began */
  if (g->announcement && s->start_us == run_start && !announced)
    add_violation (r, WS_ASRUN_VIOLATION_MISSING_GUIDANCE, channel, s,
        run_start,
        MIN (s->end_us, run_start + MAX ((gint64) g->announcement_duration_s *
                                             G_USEC_PER_SEC,
                                        WS_ASRUN_GUIDANCE_TOLERANCE_US)),
        g->id,
        g_strdup_printf ("%s aired without the announcement before it that "
                         "its policy asks for (%s): no warning-card line "
                         "where it began",
            s->rating ? s->rating : "an unrated programme", g->id));
  if (g->mode == WS_GUIDANCE_NONE)
    return;
  if (g->mode == WS_GUIDANCE_PERSISTENT) {
    check_guidance_cover (r, channel, s, shown, s->start_us, s->end_us, g);
  } else {
    gint64 want = MAX ((gint64) g->duration_s * G_USEC_PER_SEC,
        2 * WS_ASRUN_GUIDANCE_TOLERANCE_US);
    gint64 from = MAX (run_start, s->start_us);
    gint64 to = MIN (run_start + want, s->end_us);

    if (to > from)
      check_guidance_cover (r, channel, s, shown, from, to, g);
  }
}

static WsAsRunSegment
segment_of (const Event *e, gint64 end_us)
{
  const WsAsRunLine *l = e->line;
  WsAsRunSegment s = { 0 };
  gboolean allowed = FALSE;

  ws_asrun_line_get_bool (l, "allowed", &allowed);
  s.start_us = e->t_us;
  s.end_us = end_us;
  s.rating = (gchar *) ws_asrun_line_get_string (l, "rating");
  s.policy = (gchar *) ws_asrun_line_get_string (l, "policy");
  s.service_class = (gchar *) ws_asrun_line_get_string (l, "service_class");
  s.kind = (gchar *) ws_asrun_line_get_string (l, "kind");
  s.mode = (gchar *) ws_asrun_line_get_string (l, "mode");
  s.allowed = allowed;
  s.aired = allowed || g_strcmp0 (s.mode, "monitor") == 0;
  s.override = (gchar *) ws_asrun_line_get_string (l, "override");
  s.operator_name = (gchar *) ws_asrun_line_get_string (l, "operator");
  s.override_reason = (gchar *) ws_asrun_line_get_string (l, "override_reason");
  s.file = e->file;
  s.line = e->line_no;
  return s;
}

/* the guidance on screen, from its shown/hidden records */
static GPtrArray *
guidance_intervals (GPtrArray *events, gint64 end_us)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (guidance_free);
  WsAsRunGuidanceShown *open = NULL;

  for (guint i = 0; i < events->len; i++) {
    Event *e = g_ptr_array_index (events, i);
    const gchar *kind = ws_asrun_line_get_string (e->line, "kind");

    if (open != NULL) {
      open->end_us = e->t_us;
      g_ptr_array_add (out, open);
      open = NULL;
    }
    if (g_strcmp0 (kind, "guidance-shown") == 0) {
      open = g_new0 (WsAsRunGuidanceShown, 1);
      open->start_us = e->t_us;
      open->rating = g_strdup (ws_asrun_line_get_string (e->line, "rating"));
      open->mode = g_strdup (ws_asrun_line_get_string (e->line, "mode"));
    }
  }
  if (open != NULL) {
    open->end_us = MAX (end_us, open->start_us);
    g_ptr_array_add (out, open);
  }
  return out;
}

/* Whether a warning card for @rating was logged within the tolerance of
 * @at: on channel @c, or by any element writing the same file as @e (the
 * gate and ratingwarning of one pipeline share a log, each under its own
 * element name). */
static gboolean
announced (GPtrArray *channel_list, const Channel *c, const Event *e,
    const gchar *rating, gint64 at)
{
  for (guint i = 0; i < channel_list->len; i++) {
    const Channel *ch = g_ptr_array_index (channel_list, i);

    for (guint j = 0; j < ch->warnings->len; j++) {
      const Event *w = g_ptr_array_index (ch->warnings, j);
      const gchar *wr = ws_asrun_line_get_string (w->line, "rating");

      if (ABS (w->t_us - at) <= WS_ASRUN_GUIDANCE_TOLERANCE_US &&
          (ch == c || g_strcmp0 (w->log, e->log) == 0) &&
          (wr == NULL || g_strcmp0 (wr, rating) == 0))
        return TRUE;
    }
  }
  return FALSE;
}

/* whether the line of @e says which channel it is about (else it is
 * counted for its element) */
static gboolean
names_channel (const Event *e)
{
  return ws_asrun_line_get_string (e->line, "channel") != NULL;
}

/* In the map of log files to the one channel whose gate decisions they
 * hold: a file several gates write. */
static Channel several_gates;

/* file -> the Channel whose decisions it holds, or &several_gates */
static GHashTable *
gates_by_file (WsAsRunReport *r, GPtrArray *channel_list)
{
  GHashTable *map = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < channel_list->len; i++) {
    Channel *c = g_ptr_array_index (channel_list, i);

    for (guint j = 0; j < c->decisions->len; j++) {
      const Event *e = g_ptr_array_index (c->decisions, j);
      Channel *had = g_hash_table_lookup (map, e->log);

      if (had == NULL)
        g_hash_table_insert (map, e->log, c);
      else if (had != c && had != &several_gates)
        g_hash_table_insert (map, e->log, &several_gates);
    }
  }
  /* guidance lines that name no channel where they cannot be placed */
  for (guint i = 0; i < channel_list->len; i++) {
    Channel *c = g_ptr_array_index (channel_list, i);

    for (guint j = 0; c->decisions->len == 0 && j < c->guidance->len; j++) {
      const Event *e = g_ptr_array_index (c->guidance, j);

      if (!names_channel (e) &&
          g_hash_table_lookup (map, e->log) == &several_gates) {
        g_ptr_array_add (r->warnings,
            g_strdup_printf ("%s:%u: guidance of %s counted for no gate: "
                             "several gates write this file (set "
                             "as-run-channel on the overlay)",
                e->file, e->line_no, c->name));
        break;
      }
    }
  }
  return map;
}

/* The guidance that counts for channel @c: its own lines (a channel
 * without gate decisions keeps only those no gate claims), and the lines of
 * overlays that name no channel, written to a file only @c's gate writes
 * (one pipeline's elements share a log, each under its own name). A line
 * that names its channel counts for that channel only. */
static GPtrArray *
guidance_for (Channel *c, GPtrArray *channel_list, GHashTable *gates,
    gint64 end_all)
{
  GPtrArray *own = g_ptr_array_new ();
  GPtrArray *shown;

  g_ptr_array_sort (c->guidance, compare_events);
  for (guint j = 0; j < c->guidance->len; j++) {
    Event *e = g_ptr_array_index (c->guidance, j);
    Channel *gate = g_hash_table_lookup (gates, e->log);

    if (c->decisions->len > 0 || gate == NULL || gate == &several_gates ||
        names_channel (e))
      g_ptr_array_add (own, e);
  }
  shown = guidance_intervals (own, end_all);
  g_ptr_array_unref (own);
  for (guint i = 0; c->decisions->len > 0 && i < channel_list->len; i++) {
    Channel *ch = g_ptr_array_index (channel_list, i);
    GPtrArray *theirs, *parts;

    if (ch == c || ch->decisions->len > 0)
      continue;
    theirs = g_ptr_array_new ();
    g_ptr_array_sort (ch->guidance, compare_events);
    for (guint j = 0; j < ch->guidance->len; j++) {
      Event *e = g_ptr_array_index (ch->guidance, j);

      if (!names_channel (e) && g_hash_table_lookup (gates, e->log) == c)
        g_ptr_array_add (theirs, e);
    }
    parts = guidance_intervals (theirs, end_all);
    for (guint j = 0; j < parts->len; j++)
      g_ptr_array_add (shown, g_ptr_array_index (parts, j));
    g_ptr_array_set_free_func (parts, NULL);
    g_ptr_array_unref (parts);
    g_ptr_array_unref (theirs);
  }
  return shown;
}

/* a channel's segments into its days, and the checks */
static void
report_channel (WsAsRunReport *r, Channel *c, GPtrArray *channel_list,
    GHashTable *gates, gint64 end_all, GHashTable *days)
{
  GPtrArray *shown;
  gboolean prev_aired = FALSE, prev_allowed = FALSE, have_prev = FALSE;
  const gchar *prev_rating = NULL;
  gint64 run_start = 0, prev_end = WS_TIME_NONE;

  g_ptr_array_sort (c->decisions, compare_events);
  shown = guidance_for (c, channel_list, gates, end_all);

  for (guint i = 0; i < c->decisions->len; i++) {
    Event *e = g_ptr_array_index (c->decisions, i);
    gint64 end = i + 1 < c->decisions->len ?
                     ((Event *) g_ptr_array_index (c->decisions, i + 1))->t_us :
                     MAX (end_all, e->t_us);
    WsAsRunSegment s = segment_of (e, end);
    gboolean opened, closed;
    GTimeZone *tz;

    /* the gate stopped (EOS, or the pipeline stopped): off air until its
     * next decision, neither aired nor blocked */
    if (g_strcmp0 (s.kind, "stopped") == 0) {
      have_prev = prev_aired = prev_allowed = FALSE;
      prev_rating = NULL;
      prev_end = WS_TIME_NONE;
      continue;
    }

    /* the airing runs on while the same rating stays on air */
    if (!(s.aired && prev_aired && g_strcmp0 (s.rating, prev_rating) == 0 &&
            prev_end == s.start_us))
      run_start = s.start_us;
    opened = have_prev && s.allowed && !prev_allowed;
    closed = have_prev && !s.allowed && prev_allowed;
    prev_aired = s.aired;
    prev_allowed = s.allowed;
    prev_rating = s.rating;
    prev_end = s.end_us;
    have_prev = TRUE;

    /* clip to the period asked for */
    if (r->from_us != WS_TIME_NONE)
      s.start_us = MAX (s.start_us, r->from_us);
    if (r->to_us != WS_TIME_NONE)
      s.end_us = MIN (s.end_us, r->to_us);
    if (s.start_us > s.end_us ||
        (s.start_us == s.end_us && e->t_us != s.start_us))
      continue;
    if (s.aired && s.end_us > s.start_us)
      check_segment (r, c->name, &s, run_start, shown,
          s.start_us == run_start &&
              announced (channel_list, c, e, s.rating, run_start));

    /* into days */
    tz = zone_of (r, s.policy);
    for (gint64 at = s.start_us;;) {
      gint64 next;
      gchar *day = day_of (tz, at, &next);
      WsAsRunDay *d = get_day (days, r->days, c->name, day);
      WsAsRunSegment *part = segment_copy (&s);
      gint64 len;

      part->start_us = at;
      part->end_us = MIN (next, s.end_us);
      len = part->end_us - part->start_us;
      g_ptr_array_add (d->segments, part);
      if (at == e->t_us) {
        d->n_opened += opened;
        d->n_closed += closed;
      }
      if (s.aired)
        d->aired_us += len;
      if (!s.allowed && g_strcmp0 (s.mode, "monitor") == 0)
        d->would_block_us += len;
      else if (!s.allowed)
        d->blocked_us += len;
      if (s.override != NULL)
        g_ptr_array_add (d->overrides, part);
      g_free (day);
      if (next >= s.end_us)
        break;
      at = next;
    }
    g_time_zone_unref (tz);
  }

  /* guidance per day, in the zone of the channel's first policy */
  if (c->decisions->len > 0 || shown->len > 0) {
    const gchar *policy =
        c->decisions->len > 0 ?
            ws_asrun_line_get_string (((Event *) c->decisions->pdata[0])->line,
                "policy") :
            NULL;
    GTimeZone *tz = zone_of (r, policy);

    for (guint i = 0; i < shown->len; i++) {
      WsAsRunGuidanceShown *gs = g_ptr_array_index (shown, i);
      gint64 from = gs->start_us, to = gs->end_us;

      if (r->from_us != WS_TIME_NONE)
        from = MAX (from, r->from_us);
      if (r->to_us != WS_TIME_NONE)
        to = MIN (to, r->to_us);
      for (gint64 at = from; at < to;) {
        gint64 next;
        gchar *day = day_of (tz, at, &next);
        WsAsRunDay *d = get_day (days, r->days, c->name, day);
        WsAsRunGuidanceShown *part = g_new0 (WsAsRunGuidanceShown, 1);

        part->start_us = at;
        part->end_us = MIN (next, to);
        part->rating = g_strdup (gs->rating);
        part->mode = g_strdup (gs->mode);
        d->guidance_us += part->end_us - part->start_us;
        g_ptr_array_add (d->guidance, part);
        g_free (day);
        at = part->end_us;
      }
    }
    g_time_zone_unref (tz);
  }
  g_ptr_array_unref (shown);
}

static gint
compare_days (gconstpointer a, gconstpointer b)
{
  const WsAsRunDay *da = *(WsAsRunDay *const *) a;
  const WsAsRunDay *db = *(WsAsRunDay *const *) b;
  gint c = strcmp (da->channel, db->channel);

  return c != 0 ? c : strcmp (da->day, db->day);
}

static gint
compare_violations (gconstpointer a, gconstpointer b)
{
  const WsAsRunViolation *va = *(WsAsRunViolation *const *) a;
  const WsAsRunViolation *vb = *(WsAsRunViolation *const *) b;
  gint c = strcmp (va->channel, vb->channel);

  if (c != 0)
    return c;
  if (va->start_us != vb->start_us)
    return va->start_us < vb->start_us ? -1 : 1;
  return (gint) va->kind - (gint) vb->kind;
}

/* reads one file's records into the channels */
static void
read_records (WsAsRunReport *r, const gchar *path, const gchar *data, gsize len,
    GHashTable *channels, GPtrArray *channel_list, guint *order,
    gint64 *last_seen)
{
  guint line_no = 0;
  gchar *log = NULL;

  for (gsize at = 0; at < len;) {
    const gchar *nl = memchr (data + at, '\n', len - at);
    gsize n;
    WsAsRunLine *l;
    const gchar *kind, *channel;
    gint64 t = 0, dropped = 0;
    GError *err = NULL;
    Event *e;
    Channel *c;
    gboolean guidance, warning;

    if (nl == NULL)
      break; /* a torn tail is not a record */
    n = (gsize) (nl - (data + at));
    line_no++;
    l = ws_asrun_line_parse (data + at, n, &err);
    at += n + 1;
    if (l == NULL) {
      g_ptr_array_add (r->warnings,
          g_strdup_printf ("%s:%u: not used: %s", path, line_no, err->message));
      g_error_free (err);
      continue;
    }
    if (ws_asrun_line_get_int (l, "dropped_lines", &dropped)) {
      g_ptr_array_add (r->warnings,
          g_strdup_printf ("%s:%u: %" G_GINT64_FORMAT " decision lines were "
                           "lost (the log did not keep up): the report may "
                           "miss decisions before this line",
              path, line_no, dropped));
    }
    /* the header names the chain the file belongs to, the same in every
     * file of a rotated log */
    if (log == NULL && ws_asrun_line_has (l, "asrun_header") &&
        ws_asrun_line_get_string (l, "chain") != NULL)
      log = g_strdup (ws_asrun_line_get_string (l, "chain"));
    kind = ws_asrun_line_get_string (l, "kind");
    guidance = g_strcmp0 (kind, "guidance-shown") == 0 ||
               g_strcmp0 (kind, "guidance-hidden") == 0;
    /* a pre-programme warning is evidence of an announcement, not a
     * decision of a gate */
    warning = g_strcmp0 (kind, "warning-card") == 0;
    channel = channel_of (l);
    if ((!guidance && !warning && !ws_asrun_line_has (l, "allowed")) ||
        !ws_asrun_line_has (l, "instant")) {
      ws_asrun_line_free (l);
      continue;
    }
    if (channel == NULL ||
        !parse_instant (r, ws_asrun_line_get_string (l, "policy"),
            ws_asrun_line_get_string (l, "instant"), &t)) {
      g_ptr_array_add (r->warnings,
          g_strdup_printf ("%s:%u: not used: no channel or element, or no "
                           "instant with its offset (the decision's time "
                           "is unknown)",
              path, line_no));
      ws_asrun_line_free (l);
      continue;
    }
    *last_seen = MAX (*last_seen, t);
    c = g_hash_table_lookup (channels, channel);
    if (c == NULL) {
      c = g_new0 (Channel, 1);
      c->name = g_strdup (channel);
      c->decisions = g_ptr_array_new_with_free_func (event_free);
      c->guidance = g_ptr_array_new_with_free_func (event_free);
      c->warnings = g_ptr_array_new_with_free_func (event_free);
      g_hash_table_insert (channels, c->name, c);
      g_ptr_array_add (channel_list, c);
    }
    e = g_new0 (Event, 1);
    e->t_us = t;
    e->order = (*order)++;
    e->line = l;
    e->file = g_strdup (path);
    e->log = g_strdup (log != NULL ? log : path);
    e->line_no = line_no;
    g_ptr_array_add (guidance ? c->guidance :
                     warning  ? c->warnings :
                                c->decisions,
        e);
  }
  g_free (log);
}

WsAsRunReport *
ws_asrun_report_build (const gchar *const *paths, const WsRatingRegistry *reg,
    gint64 from_us, gint64 to_us, GError **error)
{
  WsAsRunReport *r;
  WsAsRunVerdict *v;
  GHashTable *channels, *days, *gates;
  GPtrArray *channel_list;
  guint order = 0;
  gint64 last_seen = G_MININT64, end_all;

  if (from_us != WS_TIME_NONE && to_us != WS_TIME_NONE && to_us <= from_us) {
    g_set_error (error, WS_ERROR, WS_ERROR_ARGUMENT,
        "the end of the period is not after its start");
    return NULL;
  }
  if (reg == NULL && (reg = ws_rating_registry_get_default (error)) == NULL)
    return NULL;
  v = ws_asrun_verify_files (paths, error);
  if (v == NULL)
    return NULL;
  r = g_new0 (WsAsRunReport, 1);
  r->verdict = v;
  r->from_us = from_us;
  r->to_us = to_us;
  r->reg = reg;
  r->days = g_ptr_array_new_with_free_func (day_free);
  r->violations = g_ptr_array_new_with_free_func (violation_free);
  r->warnings = g_ptr_array_new_with_free_func (g_free);
  r->policies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      policy_free0);
  channels = g_hash_table_new (g_str_hash, g_str_equal);
  channel_list = g_ptr_array_new_with_free_func (channel_free);
  days = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < v->files->len; i++) {
    const gchar *path = g_ptr_array_index (v->files, i);
    gchar *data = NULL;
    gsize len = 0;
    GError *err = NULL;

    if (!g_file_get_contents (path, &data, &len, &err)) {
      g_set_error (error, WS_ERROR, WS_ERROR_IO, "%s: cannot read: %s", path,
          err->message);
      g_error_free (err);
      ws_asrun_report_free (r);
      r = NULL;
      goto end;
    }
    read_records (r, path, data, len, channels, channel_list, &order,
        &last_seen);
    g_free (data);
  }
  end_all = to_us != WS_TIME_NONE ? to_us : last_seen;
  gates = gates_by_file (r, channel_list);
  for (guint i = 0; i < channel_list->len; i++)
    report_channel (r, g_ptr_array_index (channel_list, i), channel_list, gates,
        end_all, days);
  g_hash_table_unref (gates);
  g_ptr_array_sort (r->days, compare_days);
  g_ptr_array_sort (r->violations, compare_violations);
  for (guint i = 0; i < r->violations->len; i++) {
    WsAsRunViolation *vi = g_ptr_array_index (r->violations, i);
    WsAsRunDay *d;
    gchar *key = g_strdup_printf ("%s\n%s", vi->channel, vi->day);

    d = g_hash_table_lookup (days, key);
    if (d == NULL)
      d = get_day (days, r->days, vi->channel, vi->day);
    g_ptr_array_add (d->violations, vi);
    g_free (key);
  }
  g_ptr_array_sort (r->days, compare_days);
end:
  g_hash_table_unref (channels);
  g_ptr_array_unref (channel_list);
  g_hash_table_unref (days);
  return r;
}
