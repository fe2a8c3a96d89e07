/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: `watershed policy decide|windows|list`. */
#include <stdio.h>
#include <string.h>

#include "ws-cli.h"
#include "ws-error.h"
#include "ws-policy.h"

#define USEC G_GINT64_CONSTANT (1000000)

typedef struct {
  char *policy;
  char *rating;
  char *at;
  char *from;
  char *to;
  char *klass;
  char *duration;
  WsCliAccess access;
  gboolean json;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->policy);
  g_free (o->rating);
  g_free (o->at);
  g_free (o->from);
  g_free (o->to);
  g_free (o->klass);
  g_free (o->duration);
}

/* A decide or windows context: the options every policy subcommand takes
 * (the access control ones shared with `watershed schedule`), then @extra. */
static GOptionContext *
subcommand_context (const char *parameter, Options *o,
    const GOptionEntry *extra, const char *summary, const char *description)
{
  const GOptionEntry common[] = {
    { "policy", 'p', 0, G_OPTION_ARG_STRING, &o->policy,
        "Policy id (uk-ofcom, de-jmstv ...; see `watershed policy list`) or "
        "path to a policy file",
        "ID|FILE" },
    { "rating", 'r', 0, G_OPTION_ARG_STRING, &o->rating,
        "The rating, SYSTEM:CODE (bbfc:15, csa:-16); `none` for a missing "
        "rating (decided fail closed)",
        "SYSTEM:CODE" },
    { "service-class", 'c', 0, G_OPTION_ARG_STRING, &o->klass,
        "Service class (default: the policy's default class)", "CLASS" },
    { NULL },
  };
  const GOptionEntry json[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json,
        "Print one JSON document on stdout", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new (parameter);

  /* the main group keeps a copy of each table */
  g_option_context_add_main_entries (ctx, common, NULL);
  ws_cli_add_access_entries (ctx, &o->access);
  g_option_context_add_main_entries (ctx, json, NULL);
  g_option_context_add_main_entries (ctx, extra, NULL);
  g_option_context_set_summary (ctx, summary);
  g_option_context_set_description (ctx, description);
  return ctx;
}

/* Parses a decide or windows command line, which takes no argument;
 * FALSE with *code set when it is wrong. */
static gboolean
parse_subcommand (GOptionContext *ctx, int *argc, char ***argv, int *code)
{
  if (!ws_cli_parse (ctx, argc, argv, code))
    return FALSE;
  *code = WS_EXIT_USAGE;
  if (*argc > 1) {
    ws_cli_error ("unexpected argument \"%s\"; see --help", (*argv)[1]);
    return FALSE;
  }
  return TRUE;
}

/* The service class asked for, else the policy's default. */
static const char *
service_class (const Options *o, const WsPolicy *p)
{
  return o->klass ? o->klass : ws_policy_get_default_service_class (p);
}

/* "zone", "service_class" and "rating" of a decision or a window list. */
static void
json_add_subject (JsonBuilder *b, const Options *o, const WsPolicy *p,
    const WsRatingDef *r)
{
  json_builder_set_member_name (b, "zone");
  json_builder_add_string_value (b, ws_policy_get_zone (p));
  json_builder_set_member_name (b, "service_class");
  json_builder_add_string_value (b, service_class (o, p));
  ws_json_add_string_or_null (b, "rating",
      r ? ws_rating_def_get_name (r) : NULL);
}

/* Loads the policy and rating named in @o; prints errors. */
static gboolean
load_inputs (const Options *o, WsPolicy **out_p, const WsRatingDef **out_r)
{
  const WsRatingRegistry *reg = ws_cli_registry ();
  GError *error = NULL;

  if (reg == NULL)
    return FALSE;
  if (o->policy == NULL) {
    ws_cli_error ("--policy is required; see --help");
    return FALSE;
  }
  if (o->rating == NULL) {
    ws_cli_error ("--rating is required (SYSTEM:CODE, or none); see --help");
    return FALSE;
  }
  *out_p = ws_cli_load_policy (NULL, o->policy, o->klass, reg);
  if (*out_p == NULL)
    return FALSE;
  if (!g_ascii_strcasecmp (o->rating, "none")) {
    *out_r = NULL;
    return TRUE;
  }
  *out_r = ws_rating_registry_parse (reg, o->rating, &error);
  if (*out_r == NULL) {
    ws_cli_error ("--rating: %s", error->message);
    g_error_free (error);
    ws_policy_free (*out_p);
    *out_p = NULL;
    return FALSE;
  }
  return TRUE;
}

static gboolean
parse_duration_s (const char *text, gint64 *out_us)
{
  int h = 0, m = 0, s = 0;
  char tail;
  gint64 v;

  if (g_ascii_string_to_signed (text, 10, 0, G_GINT64_CONSTANT (315360000), &v,
          NULL)) {
    *out_us = v * USEC;
    return TRUE;
  }
  if (sscanf (text, "%d:%d:%d%c", &h, &m, &s, &tail) == 3 && h >= 0 && m >= 0 &&
      m < 60 && s >= 0 && s < 60 && h < 100000) {
    *out_us = ((gint64) h * 3600 + m * 60 + s) * USEC;
    return TRUE;
  }
  if (text[0] == 'P' && text[1] == 'T') {
    const char *c = text + 2;
    gint64 total = 0;
    if (*c == '\0')
      return FALSE;
    while (*c) {
      char *end;
      gint64 n = g_ascii_strtoll (c, &end, 10);
      if (end == c || n < 0 || n > 10000000)
        return FALSE;
      if (*end == 'H')
        total += n * 3600;
      else if (*end == 'M')
        total += n * 60;
      else if (*end == 'S')
        total += n;
      else
        return FALSE;
      c = end + 1;
    }
    *out_us = total * USEC;
    return TRUE;
  }
  return FALSE;
}

static void
json_add_access (JsonBuilder *b, const char *key, WsAccessFlags flags)
{
  char *s = ws_access_flags_to_string (flags);
  char **parts = g_strsplit (s, " ", -1);

  json_builder_set_member_name (b, key);
  json_builder_begin_array (b);
  for (char **it = parts; *it; it++) {
    if (**it)
      json_builder_add_string_value (b, *it);
  }
  json_builder_end_array (b);
  g_strfreev (parts);
  g_free (s);
}

static int
cmd_decide (int argc, char **argv)
{
  Options o = { 0 };
  GOptionEntry extra[] = {
    { "at", 't', 0, G_OPTION_ARG_STRING, &o.at,
        "The instant, ISO 8601 (2026-07-01T20:30:00+01:00, ...Z, or "
        "2026-07-01T20:30 in the policy's zone); default: now",
        "TIME" },
    { "duration", 'd', 0, G_OPTION_ARG_STRING, &o.duration,
        "Also check that a programme of this length (seconds, HH:MM:SS or "
        "PT1H30M) starting at --at runs wholly inside an allowed period",
        "DURATION" },
    { NULL },
  };
  GOptionContext *ctx = subcommand_context ("- may this rating be shown now?",
      &o, extra,
      "Decides whether content with a rating may be shown at an instant on a\n"
      "service class under a jurisdiction's policy, and says why: the rule\n"
      "and its source, the next allowed instant or the end of the allowed\n"
      "period, and the on-screen guidance rule. A missing or unknown rating\n"
      "is blocked (fail closed).",
      "Example:\n"
      "  watershed policy decide --policy uk-ofcom --rating bbfc:15 \\\n"
      "      --at 2026-07-01T20:30 --json\n"
      "\n"
      "Exit status: 0 allowed (and the programme fits), 1 blocked, 2 usage\n"
      "or input error.\n");
  WsPolicy *p = NULL;
  const WsRatingDef *r = NULL;
  WsDecision d;
  WsProgrammeCheck pc;
  gboolean have_pc = FALSE;
  gint64 t, dur = 0;
  int code = WS_EXIT_USAGE;
  GError *error = NULL;

  g_set_prgname ("watershed policy decide");
  if (!parse_subcommand (ctx, &argc, &argv, &code))
    goto out;
  if (!load_inputs (&o, &p, &r))
    goto out;
  if (o.at == NULL) {
    t = g_get_real_time ();
  } else if (!ws_policy_parse_time (p, o.at, &t, &error)) {
    ws_cli_error ("--at: %s", error->message);
    g_error_free (error);
    goto out;
  }
  if (o.duration != NULL) {
    if (!parse_duration_s (o.duration, &dur)) {
      ws_cli_error ("--duration \"%s\": give seconds, HH:MM:SS or PT1H30M",
          o.duration);
      goto out;
    }
    have_pc = TRUE;
  }
  ws_policy_decide (p, o.klass, r, t, ws_cli_access_flags (&o.access), &d);
  if (have_pc)
    ws_policy_check_programme (p, o.klass, r, t, dur,
        ws_cli_access_flags (&o.access), &pc);
  code = d.allowed && (!have_pc || pc.verdict == WS_PROGRAMME_FITS) ?
             WS_EXIT_PASS :
             WS_EXIT_FAIL;

  if (o.json) {
    JsonBuilder *b = json_builder_new ();
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "allowed");
    json_builder_add_boolean_value (b, d.allowed);
    json_builder_set_member_name (b, "decision");
    json_builder_add_string_value (b, ws_decision_kind_to_string (d.kind));
    json_builder_set_member_name (b, "reason");
    json_builder_add_string_value (b, d.reason);
    ws_json_add_time (b, p, "next_allowed", d.next_allowed_us);
    ws_json_add_time (b, p, "allowed_until", d.allowed_until_us);
    ws_json_add_string_or_null (b, "rule", d.rule_id);
    ws_json_add_string_or_null (b, "citation", d.citation);
    json_builder_set_member_name (b, "mandatory");
    json_builder_add_boolean_value (b, d.mandatory);
    json_builder_set_member_name (b, "policy");
    json_builder_add_string_value (b, ws_policy_get_id (p));
    ws_json_add_string_or_null (b, "rule_set", d.rule_set_version);
    json_add_subject (b, &o, p, r);
    ws_json_add_age (b, "minimum_age",
        r ? ws_rating_def_get_minimum_age (r) : -1);
    /* a foreign rating is judged by its local equivalent */
    ws_json_add_string_or_null (b, "judged_as",
        d.judged_as ? ws_rating_def_get_name (d.judged_as) : NULL);
    json_builder_set_member_name (b, "judged_approximate");
    json_builder_add_boolean_value (b, d.judged_approximate);
    json_builder_set_member_name (b, "no_equivalent");
    json_builder_add_boolean_value (b, d.no_equivalent);
    ws_json_add_string_or_null (b, "judgement",
        d.judgement[0] ? d.judgement : NULL);
    ws_json_add_time (b, p, "at", t);
    json_add_access (b, "access", ws_cli_access_flags (&o.access));
    json_add_access (b, "missing_access", d.missing_access);
    json_builder_set_member_name (b, "guidance");
    if (d.guidance == NULL) {
      json_builder_add_null_value (b);
    } else {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, d.guidance->id);
      json_builder_set_member_name (b, "mode");
      json_builder_add_string_value (b,
          ws_guidance_mode_to_string (d.guidance->mode));
      json_builder_set_member_name (b, "duration_s");
      if (d.guidance->duration_s)
        json_builder_add_int_value (b, d.guidance->duration_s);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "after_breaks");
      json_builder_add_boolean_value (b, d.guidance->after_breaks);
      json_builder_set_member_name (b, "announcement");
      json_builder_add_boolean_value (b, d.guidance->announcement);
      json_builder_set_member_name (b, "mandatory");
      json_builder_add_boolean_value (b, d.guidance->mandatory);
      ws_json_add_string_or_null (b, "text", d.guidance->text);
      ws_json_add_string_or_null (b, "citation", d.guidance->citation);
      json_builder_end_object (b);
    }
    if (have_pc) {
      json_builder_set_member_name (b, "programme");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "fits");
      json_builder_add_boolean_value (b, pc.verdict == WS_PROGRAMME_FITS);
      json_builder_set_member_name (b, "verdict");
      json_builder_add_string_value (b,
          ws_programme_verdict_to_string (pc.verdict));
      json_builder_set_member_name (b, "duration_s");
      json_builder_add_double_value (b, (double) dur / USEC);
      ws_json_add_time (b, p, "period_end", pc.period_end_us);
      ws_json_add_time (b, p, "earliest_start", pc.earliest_start_us);
      json_builder_end_object (b);
    }
    json_builder_end_object (b);
    ws_cli_print_json_builder (b);
  } else {
    char *when = ws_policy_format_time (p, t);
    char *text = ws_policy_describe_decision (p, &d);
    printf ("%s: %s %s on %s at %s\n", d.allowed ? "ALLOWED" : "BLOCKED",
        ws_policy_get_id (p), r ? ws_rating_def_get_name (r) : "(no rating)",
        service_class (&o, p), when);
    printf ("  %s\n", text);
    if (d.rule_id)
      printf ("  rule: %s (%s%s%s)\n", d.rule_id,
          d.mandatory ? "mandatory" : "advisory", d.citation ? "; " : "",
          d.citation ? d.citation : "");
    if (d.guidance)
      printf ("  guidance: %s%s%s\n",
          ws_guidance_mode_to_string (d.guidance->mode),
          d.guidance->after_breaks ? ", after each break" : "",
          d.guidance->announcement ? ", announcement" : "");
    if (d.guidance && d.guidance->text)
      printf ("    %s\n", d.guidance->text);
    if (have_pc) {
      char *ps = ws_policy_format_time (p, pc.earliest_start_us);
      char *pe = ws_policy_format_time (p, pc.period_end_us);
      printf ("  programme (%" G_GINT64_FORMAT " s): %s", dur / USEC,
          ws_programme_verdict_to_string (pc.verdict));
      if (pe)
        printf ("; the allowed period ends at %s", pe);
      if (pc.verdict != WS_PROGRAMME_FITS)
        printf ("; earliest compliant start: %s", ps ? ps : "none");
      printf ("\n");
      g_free (ps);
      g_free (pe);
    }
    g_free (when);
    g_free (text);
  }
out:
  ws_policy_free (p);
  options_clear (&o);
  g_option_context_free (ctx);
  return code;
}

static int
cmd_windows (int argc, char **argv)
{
  Options o = { 0 };
  GOptionEntry extra[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &o.from,
        "Start of the range: a date (local midnight) or an ISO 8601 time",
        "DATE" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &o.to,
        "End of the range (exclusive), at most 3660 days after --from",
        "DATE" },
    { NULL },
  };
  GOptionContext *ctx = subcommand_context ("- allowed periods over a date "
                                            "range",
      &o, extra,
      "Lists the periods in which content with a rating may be shown (VOD\n"
      "availability windows), in the policy's local time.",
      "Example:\n"
      "  watershed policy windows --policy de-jmstv --rating fsk:16 \\\n"
      "      --service-class telemedien --from 2026-07-01 --to 2026-07-08\n"
      "\n"
      "Exit status: 0 at least one period, 1 none, 2 usage or input error.\n");
  WsPolicy *p = NULL;
  const WsRatingDef *r = NULL;
  GArray *w = NULL;
  gint64 from, to;
  int code = WS_EXIT_USAGE;
  GError *error = NULL;

  g_set_prgname ("watershed policy windows");
  if (!parse_subcommand (ctx, &argc, &argv, &code))
    goto out;
  if (o.from == NULL || o.to == NULL) {
    ws_cli_error ("--from and --to are required; see --help");
    goto out;
  }
  if (!load_inputs (&o, &p, &r))
    goto out;
  if (!ws_policy_parse_time (p, o.from, &from, &error) ||
      !ws_policy_parse_time (p, o.to, &to, &error)) {
    ws_cli_error ("%s", error->message);
    g_error_free (error);
    goto out;
  }
  w = ws_policy_windows (p, o.klass, r, from, to,
      ws_cli_access_flags (&o.access), &error);
  if (w == NULL) {
    ws_cli_error ("%s", error->message);
    g_error_free (error);
    goto out;
  }
  code = w->len > 0 ? WS_EXIT_PASS : WS_EXIT_FAIL;
  if (o.json) {
    JsonBuilder *b = json_builder_new ();
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "policy");
    json_builder_add_string_value (b, ws_policy_get_id (p));
    json_add_subject (b, &o, p, r);
    json_add_access (b, "access", ws_cli_access_flags (&o.access));
    ws_json_add_time (b, p, "from", from);
    ws_json_add_time (b, p, "to", to);
    json_builder_set_member_name (b, "windows");
    json_builder_begin_array (b);
    for (guint i = 0; i < w->len; i++) {
      const WsInterval *iv = &g_array_index (w, WsInterval, i);
      json_builder_begin_object (b);
      ws_json_add_time (b, p, "start", iv->start_us);
      ws_json_add_time (b, p, "end", iv->end_us);
      json_builder_set_member_name (b, "duration_s");
      json_builder_add_double_value (b,
          (double) (iv->end_us - iv->start_us) / USEC);
      json_builder_end_object (b);
    }
    json_builder_end_array (b);
    json_builder_end_object (b);
    ws_cli_print_json_builder (b);
  } else {
    printf ("%s, %s on %s: %u allowed period%s\n", ws_policy_get_id (p),
        r ? ws_rating_def_get_name (r) : "(no rating)", service_class (&o, p),
        w->len, w->len == 1 ? "" : "s");
    for (guint i = 0; i < w->len; i++) {
      const WsInterval *iv = &g_array_index (w, WsInterval, i);
      char *a = ws_policy_format_time (p, iv->start_us);
      char *e = ws_policy_format_time (p, iv->end_us);
      printf ("  %s  ->  %s\n", a, e);
      g_free (a);
      g_free (e);
    }
  }
out:
  if (w)
    g_array_unref (w);
  ws_policy_free (p);
  options_clear (&o);
  g_option_context_free (ctx);
  return code;
}

static int
cmd_list (int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
        "Print one JSON document on stdout", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("- the known policies");
  const WsRatingRegistry *reg;
  GError *error = NULL;
  char **ids = NULL;
  JsonBuilder *b = NULL;
  int code = WS_EXIT_USAGE;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_set_prgname ("watershed policy list");
  if (!ws_cli_parse (ctx, &argc, &argv, &code))
    goto out;
  code = WS_EXIT_USAGE;
  if ((reg = ws_cli_registry ()) == NULL)
    goto out;
  ids = ws_policy_list_ids (&error);
  if (ids == NULL) {
    ws_cli_error ("%s", error->message);
    g_error_free (error);
    goto out;
  }
  code = WS_EXIT_PASS;
  if (json) {
    b = json_builder_new ();
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "policies");
    json_builder_begin_array (b);
  }
  for (char **it = ids; *it; it++) {
    WsPolicy *p = ws_policy_load (*it, reg, &error);
    if (p == NULL) {
      ws_cli_error ("%s", error->message);
      if (b) {
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "id");
        json_builder_add_string_value (b, *it);
        json_builder_set_member_name (b, "error");
        json_builder_add_string_value (b, error->message);
        json_builder_end_object (b);
      }
      g_clear_error (&error);
      code = WS_EXIT_USAGE;
      continue;
    }
    if (b) {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, ws_policy_get_id (p));
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, ws_policy_get_name (p));
      json_builder_set_member_name (b, "jurisdiction");
      json_builder_add_string_value (b, ws_policy_get_jurisdiction (p));
      json_builder_set_member_name (b, "zone");
      json_builder_add_string_value (b, ws_policy_get_zone (p));
      ws_json_add_string_or_null (b, "version",
          ws_policy_get_version (p, WS_TIME_NONE));
      json_builder_set_member_name (b, "default_service_class");
      json_builder_add_string_value (b,
          ws_policy_get_default_service_class (p));
      json_builder_set_member_name (b, "service_classes");
      json_builder_begin_array (b);
      for (guint i = 0; i < ws_policy_get_n_service_classes (p); i++)
        json_builder_add_string_value (b, ws_policy_get_service_class (p, i));
      json_builder_end_array (b);
      json_builder_end_object (b);
    } else {
      printf ("%-14s %s  %-20s %s\n", ws_policy_get_id (p),
          ws_policy_get_jurisdiction (p), ws_policy_get_zone (p),
          ws_policy_get_name (p));
      printf ("%-14s classes:", "");
      for (guint i = 0; i < ws_policy_get_n_service_classes (p); i++)
        printf (" %s", ws_policy_get_service_class (p, i));
      printf ("\n");
    }
    ws_policy_free (p);
  }
  if (b) {
    json_builder_end_array (b);
    json_builder_end_object (b);
    ws_cli_print_json_builder (b);
  }
out:
  g_strfreev (ids);
  g_option_context_free (ctx);
  return code;
}

static void
print_rule (const WsPolicy *p, guint set, guint i, const WsRuleInfo *ri)
{
  char *access = ws_access_flags_to_string (ri->requires);

  printf ("  %s\n", ri->id);
  printf ("    applies to: %s", ri->classes ? ri->classes : "every class");
  if (ri->min_age >= 0 && ri->max_age == ri->min_age)
    printf ("; age %d", ri->min_age);
  else if (ri->min_age >= 0 && ri->max_age >= 0)
    printf ("; ages %d-%d", ri->min_age, ri->max_age);
  else if (ri->min_age >= 0)
    printf ("; ages %d and over", ri->min_age);
  if (ri->ratings != NULL) {
    printf ("; ratings");
    for (const char *const *it = ri->ratings; *it; it++)
      printf (" %s", *it);
  }
  if (ri->kinds != NULL)
    printf ("; kind %s", ri->kinds);
  if (*access)
    printf ("; with %s", access);
  printf ("\n    action: %s", ri->action);
  printf ("\n");
  for (guint w = 0; w < ri->n_windows; w++) {
    char *text = ws_policy_describe_window (p, set, i, w);
    printf ("      %s\n", text);
    g_free (text);
  }
  printf ("    reason: %s\n", ri->reason);
  printf ("    source: %s\n", ri->citation);
  printf ("    confidence: %s%s\n",
      ri->confidence ? ri->confidence : "not stated",
      ri->mandatory ? "" : " (advisory rule)");
  if (ri->source_note)
    printf ("    the source says: %s\n", ri->source_note);
  g_free (access);
}

static int
cmd_show (int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
        "Print one JSON document on stdout", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("ID|FILE - a policy's rules, "
                                              "with sources");
  const WsRatingRegistry *reg;
  WsPolicy *p = NULL;
  int code = WS_EXIT_USAGE;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_summary (ctx,
      "Prints every rule of a policy in the order they are tried: what it\n"
      "applies to, what it allows, its reason, its source and the confidence\n"
      "in it (primary: the regulator's own text; secondary; assumed),\n"
      "so the file can be audited without reading XML.");
  g_option_context_set_description (ctx,
      "Example:\n"
      "  watershed policy show uk-ofcom\n"
      "\n"
      "Exit status: 0, or 2 for a usage or input error.\n");
  g_set_prgname ("watershed policy show");
  if (!ws_cli_parse (ctx, &argc, &argv, &code))
    goto out;
  code = WS_EXIT_USAGE;
  if (argc != 2) {
    ws_cli_error ("give one policy id or file; see --help");
    goto out;
  }
  if ((reg = ws_cli_registry ()) == NULL)
    goto out;
  p = ws_cli_load_policy (NULL, argv[1], NULL, reg);
  if (p == NULL)
    goto out;
  code = WS_EXIT_PASS;
  if (json) {
    JsonBuilder *b = json_builder_new ();
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "id");
    json_builder_add_string_value (b, ws_policy_get_id (p));
    json_builder_set_member_name (b, "name");
    json_builder_add_string_value (b, ws_policy_get_name (p));
    json_builder_set_member_name (b, "zone");
    json_builder_add_string_value (b, ws_policy_get_zone (p));
    json_builder_set_member_name (b, "systems");
    json_builder_begin_array (b);
    for (guint i = 0; i < ws_policy_get_n_systems (p); i++)
      json_builder_add_string_value (b,
          ws_rating_system_get_id (ws_policy_get_system (p, i)));
    json_builder_end_array (b);
    json_builder_set_member_name (b, "rules");
    json_builder_begin_array (b);
    for (guint set = 0; set < ws_policy_get_n_rule_sets (p); set++) {
      for (guint i = 0; i < ws_policy_get_n_rules (p, set); i++) {
        WsRuleInfo ri;
        ws_policy_get_rule (p, set, i, &ri);
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "id");
        json_builder_add_string_value (b, ri.id);
        json_builder_set_member_name (b, "rule_set");
        json_builder_add_string_value (b, ri.rule_set_version);
        ws_json_add_string_or_null (b, "classes", ri.classes);
        ws_json_add_age (b, "min_age", ri.min_age);
        ws_json_add_age (b, "max_age", ri.max_age);
        json_builder_set_member_name (b, "ratings");
        json_builder_begin_array (b);
        for (const char *const *it = ri.ratings; it && *it; it++)
          json_builder_add_string_value (b, *it);
        json_builder_end_array (b);
        ws_json_add_string_or_null (b, "kind", ri.kinds);
        json_add_access (b, "requires", ri.requires);
        json_builder_set_member_name (b, "action");
        json_builder_add_string_value (b, ri.action);
        json_builder_set_member_name (b, "windows");
        json_builder_begin_array (b);
        for (guint w = 0; w < ri.n_windows; w++) {
          char *text = ws_policy_describe_window (p, set, i, w);
          json_builder_add_string_value (b, text);
          g_free (text);
        }
        json_builder_end_array (b);
        json_builder_set_member_name (b, "mandatory");
        json_builder_add_boolean_value (b, ri.mandatory);
        json_builder_set_member_name (b, "reason");
        json_builder_add_string_value (b, ri.reason);
        json_builder_set_member_name (b, "source");
        json_builder_add_string_value (b, ri.citation);
        ws_json_add_string_or_null (b, "confidence", ri.confidence);
        ws_json_add_string_or_null (b, "source_says", ri.source_note);
        json_builder_end_object (b);
      }
    }
    json_builder_end_array (b);
    json_builder_end_object (b);
    ws_cli_print_json_builder (b);
  } else {
    printf ("%s: %s (%s, %s)\n", ws_policy_get_id (p), ws_policy_get_name (p),
        ws_policy_get_jurisdiction (p), ws_policy_get_zone (p));
    printf ("own rating systems:");
    for (guint i = 0; i < ws_policy_get_n_systems (p); i++)
      printf (" %s", ws_rating_system_get_id (ws_policy_get_system (p, i)));
    printf ("%s\n", ws_policy_get_n_systems (p) ?
                        " (other systems are judged by their equivalent in "
                        "the first)" :
                        "");
    for (guint set = 0; set < ws_policy_get_n_rule_sets (p); set++) {
      WsRuleInfo ri;
      if (!ws_policy_get_rule (p, set, 0, &ri))
        continue;
      printf ("\nrule set %s (first matching rule decides):\n",
          ri.rule_set_version);
      for (guint i = 0; i < ws_policy_get_n_rules (p, set); i++) {
        ws_policy_get_rule (p, set, i, &ri);
        print_rule (p, set, i, &ri);
      }
    }
  }
out:
  ws_policy_free (p);
  g_option_context_free (ctx);
  return code;
}

static void
print_usage (FILE *out)
{
  fprintf (out,
      "Usage: watershed policy <decide|windows|list|show> [options]\n"
      "\n"
      "Time-slot (watershed) and access policies per jurisdiction.\n"
      "\n"
      "  decide   may content with a rating be shown at an instant?\n"
      "  windows  the allowed periods over a date range (VOD windows)\n"
      "  list     the known policies, their zones and service classes\n"
      "  show     a policy's rules with their sources and confidence\n"
      "\n"
      "`watershed policy <subcommand> --help` describes the options.\n");
}

int
ws_cmd_policy (int argc, char **argv)
{
  int code;

  if (ws_cli_dispatch_usage (argc, argv, print_usage, &code))
    return code;
  if (!strcmp (argv[1], "decide"))
    return cmd_decide (argc - 1, argv + 1);
  if (!strcmp (argv[1], "windows"))
    return cmd_windows (argc - 1, argv + 1);
  if (!strcmp (argv[1], "list"))
    return cmd_list (argc - 1, argv + 1);
  if (!strcmp (argv[1], "show"))
    return cmd_show (argc - 1, argv + 1);
  ws_cli_error ("unknown policy subcommand \"%s\"; use decide, windows, "
                "list or show",
      argv[1]);
  return WS_EXIT_USAGE;
}
