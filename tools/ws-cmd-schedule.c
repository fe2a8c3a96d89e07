/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed schedule check: does every programme fit its allowed slot? */
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "ws-cli.h"
#include "ws-error.h"
#include "ws-metadata.h"
#include "ws-policy.h"
#include "ws-schedule.h"

typedef struct {
  const WsRatingRegistry *reg;
  const WsPolicy *policy;
  const char *metadata_dir;
  const char *territory;
  GHashTable *inline_cache; /* interned rating string -> def (or NULL) */
  GHashTable *house_cache;  /* house number -> HouseRating */
  GPtrArray *errors;        /* char*: input problems (exit 2) */
} Joiner;

typedef struct {
  const WsRatingDef *def;
  char *source; /* where the rating came from, for the report */
} HouseRating;

typedef struct {
  const WsScheduleEvent *ev;
  const WsRatingDef *rating;
  const char *rating_source;
  const char *service_class;
  gint64 start_us;
  WsProgrammeCheck check;
} Violation;

static void
house_rating_free (gpointer p)
{
  HouseRating *h = p;

  g_free (h->source);
  g_free (h);
}

/* The rating of a house number from DIR/<house>.xml, read once. */
static const HouseRating *
house_rating (Joiner *j, const char *house)
{
  HouseRating *h = g_hash_table_lookup (j->house_cache, house);
  char *file, *path;
  GError *error = NULL;
  WsMetadata *md;

  if (h != NULL)
    return h;
  h = g_new0 (HouseRating, 1);
  g_hash_table_insert (j->house_cache, g_strdup (house), h);
  if (j->metadata_dir == NULL || strchr (house, '/') != NULL)
    return h;
  file = g_strconcat (house, ".xml", NULL);
  path = g_build_filename (j->metadata_dir, file, NULL);
  g_free (file);
  if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
    g_free (path);
    return h;
  }
  md = ws_metadata_read_file (path, j->reg, &error);
  if (md == NULL) {
    g_ptr_array_add (j->errors, g_strdup (error->message));
    g_error_free (error);
  } else {
    h->def = ws_rating_lookup (j->reg,
        ws_metadata_pick (md, j->territory, NULL), NULL, NULL);
    h->source = g_strdup (path);
    ws_metadata_free (md);
  }
  g_free (path);
  return h;
}

static const WsRatingDef *
event_rating (Joiner *j, const WsScheduleEvent *ev, const char **source)
{
  *source = NULL;
  if (ev->rating != NULL) {
    gpointer value;

    *source = "inline";
    if (!g_hash_table_lookup_extended (j->inline_cache, ev->rating, NULL,
            &value)) {
      GError *error = NULL;

      value = (gpointer) ws_rating_registry_parse (j->reg, ev->rating, &error);
      if (value == NULL) {
        g_ptr_array_add (j->errors, g_strdup_printf ("%s (event at line %d; "
                                                     "treated as unrated)",
                                        error->message, ev->line));
        g_error_free (error);
      }
      g_hash_table_insert (j->inline_cache, (gpointer) ev->rating, value);
    }
    return value;
  }
  if (ev->house_number != NULL) {
    const HouseRating *h = house_rating (j, ev->house_number);

    *source = h->source;
    return h->def;
  }
  return NULL;
}

/* A violation's name: how the programme overruns, or why its start is
 * blocked. */
static const char *
verdict_name (const WsProgrammeCheck *c)
{
  if (c->verdict == WS_PROGRAMME_RUNS_PAST_END ||
      c->at_start.kind == WS_DECISION_OUTSIDE_WINDOW ||
      c->at_start.kind == WS_DECISION_ALLOWED)
    return ws_programme_verdict_to_string (c->verdict);
  return ws_decision_kind_to_string (c->at_start.kind);
}

static const char *
event_label (const WsScheduleEvent *ev)
{
  return ev->id           ? ev->id :
         ev->house_number ? ev->house_number :
         ev->title        ? ev->title :
                            "(unnamed)";
}

static void
write_json (const WsSchedule *s, const WsPolicy *policy, GArray *violations,
    GPtrArray *errors, gsize checked, gsize unrated_spots)
{
  JsonBuilder *b = json_builder_new ();
  const GPtrArray *warnings = ws_schedule_get_warnings (s);

  json_builder_begin_object (b);
  ws_json_add_string_or_null (b, "schedule", ws_schedule_get_path (s));
  ws_json_add_string_or_null (b, "format",
      ws_schedule_format_to_string (ws_schedule_get_format (s)));
  ws_json_add_string_or_null (b, "policy", ws_policy_get_id (policy));
  ws_json_add_string_or_null (b, "zone", ws_policy_get_zone (policy));
  json_builder_set_member_name (b, "events_checked");
  json_builder_add_int_value (b, (gint64) checked);
  json_builder_set_member_name (b, "events_skipped");
  json_builder_add_int_value (b,
      (gint64) (ws_schedule_get_n_skipped (s) + unrated_spots));
  json_builder_set_member_name (b, "violations");
  json_builder_begin_array (b);
  for (guint i = 0; i < violations->len; i++) {
    const Violation *v = &g_array_index (violations, Violation, i);

    json_builder_begin_object (b);
    ws_json_add_string_or_null (b, "id", v->ev->id);
    ws_json_add_string_or_null (b, "house_number", v->ev->house_number);
    ws_json_add_string_or_null (b, "title", v->ev->title);
    ws_json_add_string_or_null (b, "channel", v->ev->channel);
    json_builder_set_member_name (b, "line");
    json_builder_add_int_value (b, v->ev->line);
    ws_json_add_time (b, policy, "start", v->start_us);
    ws_json_add_time (b, policy, "end", v->start_us + v->ev->duration_us);
    ws_json_add_string_or_null (b, "rating",
        v->rating ? ws_rating_def_get_name (v->rating) : NULL);
    ws_json_add_string_or_null (b, "rating_source", v->rating_source);
    ws_json_add_string_or_null (b, "service_class", v->service_class);
    ws_json_add_string_or_null (b, "verdict", verdict_name (&v->check));
    ws_json_add_string_or_null (b, "rule", v->check.at_start.rule_id);
    ws_json_add_string_or_null (b, "reason", v->check.at_start.reason);
    json_builder_set_member_name (b, "mandatory");
    json_builder_add_boolean_value (b, v->check.at_start.mandatory);
    ws_json_add_time (b, policy, "allowed_period_ends", v->check.period_end_us);
    ws_json_add_time (b, policy, "earliest_compliant_start",
        v->check.earliest_start_us);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "errors");
  json_builder_begin_array (b);
  for (guint i = 0; i < warnings->len; i++) {
    const WsMetadataWarning *w = g_ptr_array_index (warnings, i);

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "line");
    json_builder_add_int_value (b, w->line);
    ws_json_add_string_or_null (b, "message", w->message);
    json_builder_end_object (b);
  }
  for (guint i = 0; i < errors->len; i++) {
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "line");
    json_builder_add_int_value (b, 0);
    ws_json_add_string_or_null (b, "message", g_ptr_array_index (errors, i));
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  ws_cli_print_json_builder (b);
}

/* JUnit XML: one testcase per checked event, a failure per violation. */
static gboolean
write_junit (const char *path, const WsSchedule *s, const WsPolicy *policy,
    const WsScheduleEvent *const *checked, gsize n_checked, GArray *violations,
    GError **error)
{
  WsJunit *junit = ws_junit_new ();
  char *suite = g_strdup_printf ("%s / %s", ws_schedule_get_path (s),
      ws_policy_get_id (policy));
  guint vi = 0;
  gboolean ok;

  for (gsize i = 0; i < n_checked; i++) {
    const WsScheduleEvent *ev = checked[i];
    const Violation *v = vi < violations->len ?
                             &g_array_index (violations, Violation, vi) :
                             NULL;
    const char *classname = ev->channel ? ev->channel : "schedule";

    if (v != NULL && v->ev == ev) {
      char *start = ws_policy_format_time (policy, v->start_us);
      char *earliest = ws_policy_format_time (policy,
          v->check.earliest_start_us);
      char *text = g_strdup_printf ("line %d, start %s, rating %s, rule %s, "
                                    "earliest compliant start %s",
          ev->line, start,
          v->rating ? ws_rating_def_get_name (v->rating) : "(none)",
          v->check.at_start.rule_id ? v->check.at_start.rule_id : "(none)",
          earliest ? earliest : "none");

      ws_junit_add_case (junit, classname, event_label (ev), WS_JUNIT_FAILURE,
          verdict_name (&v->check), v->check.at_start.reason, text);
      g_free (text);
      g_free (start);
      g_free (earliest);
      vi++;
    } else {
      ws_junit_add_case (junit, classname, event_label (ev), WS_JUNIT_PASS,
          NULL, NULL, NULL);
    }
  }
  ok = ws_junit_write (junit, path, "watershed schedule check", suite, error);
  ws_junit_free (junit);
  g_free (suite);
  return ok;
}

static void
print_text (const WsSchedule *s, const WsPolicy *policy, GArray *violations,
    GPtrArray *errors, gsize checked, gsize unrated_spots)
{
  const GPtrArray *warnings = ws_schedule_get_warnings (s);

  for (guint i = 0; i < violations->len; i++) {
    const Violation *v = &g_array_index (violations, Violation, i);
    char *start = ws_policy_format_time (policy, v->start_us);
    char *earliest = ws_policy_format_time (policy, v->check.earliest_start_us);

    printf ("%s:%d: %s%s%s%s starts %s, rating %s: %s: %s%s%s%s\n",
        ws_schedule_get_path (s), v->ev->line, event_label (v->ev),
        v->ev->title && v->ev->title != event_label (v->ev) ? " (" : "",
        v->ev->title && v->ev->title != event_label (v->ev) ? v->ev->title : "",
        v->ev->title && v->ev->title != event_label (v->ev) ? ")" : "", start,
        v->rating ? ws_rating_def_get_name (v->rating) : "(none)",
        verdict_name (&v->check), v->check.at_start.reason,
        v->check.at_start.rule_id ? " [rule " : "",
        v->check.at_start.rule_id ? v->check.at_start.rule_id : "",
        v->check.at_start.rule_id ? "]" : "");
    printf ("    earliest compliant start: %s\n",
        earliest ? earliest : "none within 1000 days");
    g_free (start);
    g_free (earliest);
  }
  for (guint i = 0; i < warnings->len; i++) {
    const WsMetadataWarning *w = g_ptr_array_index (warnings, i);
    fprintf (stderr, "watershed: %s:%d: %s\n", ws_schedule_get_path (s),
        w->line, w->message);
  }
  for (guint i = 0; i < errors->len; i++)
    fprintf (stderr, "watershed: %s\n", (char *) g_ptr_array_index (errors, i));
  printf ("%s: %" G_GSIZE_FORMAT " events checked against %s (%s), %u "
          "violation%s, %" G_GSIZE_FORMAT
          " skipped (secondary events and unrated "
          "spots)\n",
      ws_schedule_get_path (s), checked, ws_policy_get_id (policy),
      ws_policy_get_zone (policy), violations->len,
      violations->len == 1 ? "" : "s",
      ws_schedule_get_n_skipped (s) + unrated_spots);
}

static int
schedule_check (const char *path, const char *policy_id,
    const char *service_class, const char *metadata_dir, WsAccessFlags access,
    const char *junit, gboolean json)
{
  const WsRatingRegistry *reg = ws_cli_registry ();
  GError *error = NULL;
  WsPolicy *policy = NULL;
  WsSchedule *s = NULL;
  Joiner j = { 0 };
  GArray *violations = NULL;
  GPtrArray *checked = NULL;
  GTimeZone *tz;
  gsize unrated_spots = 0;
  int code = WS_EXIT_USAGE;

  if (reg == NULL)
    return WS_EXIT_USAGE;
  policy = ws_cli_load_policy ("schedule check", policy_id, service_class, reg);
  if (policy == NULL)
    goto end;
  if (metadata_dir != NULL && !g_file_test (metadata_dir, G_FILE_TEST_IS_DIR)) {
    ws_cli_error ("schedule check: --metadata-dir %s is not a directory",
        metadata_dir);
    goto end;
  }
  s = ws_schedule_read_file (path, &error);
  if (s == NULL) {
    ws_cli_error ("%s", error->message);
    goto end;
  }

  j.reg = reg;
  j.policy = policy;
  j.metadata_dir = metadata_dir;
  j.territory = ws_policy_get_jurisdiction (policy);
  j.inline_cache = g_hash_table_new (NULL, NULL);
  j.house_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      house_rating_free);
  j.errors = g_ptr_array_new_with_free_func (g_free);
  violations = g_array_new (FALSE, FALSE, sizeof (Violation));
  checked = g_ptr_array_new ();
  tz = ws_policy_get_time_zone (policy);

  for (gsize i = 0; i < ws_schedule_get_n_events (s); i++) {
    const WsScheduleEvent *ev = &ws_schedule_get_events (s)[i];
    Violation v = { ev };

    v.rating = event_rating (&j, ev, &v.rating_source);
    if (v.rating == NULL && !ev->is_programme && ev->rating == NULL) {
      unrated_spots++; /* an unrated spot or ident is not a programme */
      continue;
    }
    v.service_class = service_class ? service_class :
                      ev->service_class && ws_policy_has_service_class (policy,
                                               ev->service_class) ?
                                      ev->service_class :
                                      NULL;
    if (v.service_class == NULL && ev->service_class != NULL)
      v.service_class = ev->service_class; /* unknown: fails closed below */
    v.start_us = ev->start_is_local ?
                     ws_schedule_local_to_utc (tz, ev->start_us) :
                     ev->start_us;
    g_ptr_array_add (checked, (gpointer) ev);
    if (!ws_policy_check_programme (policy, v.service_class, v.rating,
            v.start_us, ev->duration_us, access, &v.check))
      g_array_append_val (violations, v);
  }

  if (json)
    write_json (s, policy, violations, j.errors, checked->len, unrated_spots);
  else
    print_text (s, policy, violations, j.errors, checked->len, unrated_spots);
  if (junit != NULL && !write_junit (junit, s, policy,
                           (const WsScheduleEvent *const *) checked->pdata,
                           checked->len, violations, &error)) {
    ws_cli_error ("%s: cannot write the JUnit report: %s", junit,
        error->message);
    goto end;
  }
  if (j.errors->len > 0 || ws_schedule_get_warnings (s)->len > 0)
    code = WS_EXIT_USAGE;
  else
    code = violations->len > 0 ? WS_EXIT_FAIL : WS_EXIT_PASS;

end:
  g_clear_error (&error);
  if (checked)
    g_ptr_array_unref (checked);
  if (violations)
    g_array_unref (violations);
  if (j.inline_cache)
    g_hash_table_unref (j.inline_cache);
  if (j.house_cache)
    g_hash_table_unref (j.house_cache);
  if (j.errors)
    g_ptr_array_unref (j.errors);
  ws_schedule_free (s);
  ws_policy_free (policy);
  return code;
}

int
ws_cmd_schedule (int argc, char **argv)
{
  gboolean json = FALSE;
  char *policy = NULL, *service_class = NULL, *metadata_dir = NULL;
  char *junit = NULL;
  WsCliAccess access = { 0 };
  int code = WS_EXIT_USAGE;
  const GOptionEntry entries[] = {
    { "policy", 'p', 0, G_OPTION_ARG_STRING, &policy,
        "Policy id (uk-ofcom, de-jmstv, ...) or file", "ID" },
    { "service-class", 'c', 0, G_OPTION_ARG_STRING, &service_class,
        "Service class for every event (default: each channel's, else the "
        "policy's default)",
        "CLASS" },
    { "metadata-dir", 'm', 0, G_OPTION_ARG_FILENAME, &metadata_dir,
        "Folder of metadata files named <house number>.xml (any format "
        "watershed metadata reads)",
        "DIR" },
    { NULL }
  };
  const GOptionEntry report_entries[] = {
    { "junit", 0, 0, G_OPTION_ARG_FILENAME, &junit,
        "Also write a JUnit XML report (a testcase per event)", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
        "Print one JSON document on stdout", NULL },
    { NULL }
  };
  GOptionContext *ctx = g_option_context_new ("check SCHEDULE --policy ID");

  g_option_context_set_summary (ctx,
      "Checks that every programme of a playout schedule fits in a time slot\n"
      "its rating allows, from its start to its end, in the policy's time\n"
      "zone. Schedules: the watershed schedule format or SMPTE BXF. Ratings\n"
      "come inline (rating=\"bbfc:15\", or <ws:rating> in BXF) or from\n"
      "--metadata-dir by house number. A programme with no rating fails\n"
      "closed. Each violation names the item, its start, rating, rule and\n"
      "the earliest compliant start.\n\n"
      "Exit status: 0 every programme fits; 1 a violation; 2 usage or input\n"
      "error (an unreadable file, an unusable event).");
  g_option_context_add_main_entries (ctx, entries, NULL);
  ws_cli_add_access_entries (ctx, &access);
  g_option_context_add_main_entries (ctx, report_entries, NULL);
  if (!ws_cli_parse (ctx, &argc, &argv, &code))
    goto end;
  code = WS_EXIT_USAGE;
  if (argc != 3 || strcmp (argv[1], "check") != 0) {
    ws_cli_error ("schedule: say check SCHEDULE --policy ID; see watershed "
                  "schedule --help");
    goto end;
  }
  if (policy == NULL) {
    ws_cli_error ("schedule check: --policy ID is required; see watershed "
                  "policy list");
    goto end;
  }
  code = schedule_check (argv[2], policy, service_class, metadata_dir,
      ws_cli_access_flags (&access), junit, json);

end:
  g_free (policy);
  g_free (service_class);
  g_free (metadata_dir);
  g_free (junit);
  g_option_context_free (ctx);
  return code;
}
