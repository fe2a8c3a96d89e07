/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: check tests of the as-run compliance report
 * (ws-asrun-report.h) over a generated month of two channels with planted
 * violations: exactly those are listed, re-checked against the policies. */
#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>

#include <string.h>

#include "ws-asrun-report.h"
#include "ws-test-asrun.h"
#include "ws-test-util.h"

static gchar *dir;

static void
setup (void)
{
  dir = g_dir_make_tmp ("watershed-asrun-XXXXXX", NULL);
  ck_assert_ptr_nonnull (dir);
  ws_test_asrun_month (dir);
}

static void
teardown (void)
{
  ws_test_asrun_remove_dir (g_steal_pointer (&dir));
}

static WsAsRunReport *
build (gint64 from_us, gint64 to_us)
{
  gchar **paths = ws_test_asrun_files (dir);
  GError *err = NULL;
  WsAsRunReport *r = ws_asrun_report_build ((const gchar *const *) paths, NULL,
      from_us, to_us, &err);

  ck_assert_msg (r != NULL, "%s", err ? err->message : "");
  /* fr-un was rotated: several files, all verified */
  ck_assert_uint_ge (g_strv_length (paths), 4);
  g_strfreev (paths);
  return r;
}

typedef struct {
  const gchar *channel, *kind, *start, *end, *rating, *mode, *override_reason;
  const gchar *day;
} Want;

static void
assert_violation (const WsAsRunReport *r, guint i, const Want *w)
{
  const WsAsRunViolation *v = g_ptr_array_index (r->violations, i);
  gchar *start = ws_asrun_report_format_time (r, v->policy, v->start_us);
  gchar *end = ws_asrun_report_format_time (r, v->policy, v->end_us);

  ck_assert_str_eq (v->channel, w->channel);
  ck_assert_str_eq (ws_asrun_violation_kind_to_string (v->kind), w->kind);
  ck_assert_str_eq (start, w->start);
  ck_assert_str_eq (end, w->end);
  ck_assert_str_eq (v->rating, w->rating);
  ck_assert_str_eq (v->mode, w->mode);
  ck_assert_str_eq (v->day, w->day);
  if (w->override_reason != NULL)
    ck_assert_str_eq (v->override_reason, w->override_reason);
  else
    ck_assert_ptr_null (v->override_reason);
  ck_assert_ptr_nonnull (v->detail);
  ck_assert_uint_gt (v->line, 1);
  g_free (start);
  g_free (end);
}

static const Want planted[] = {
  { "fr-un", "missing-guidance", "2026-02-08T22:30:00+01:00",
      "2026-02-08T22:50:00+01:00", "csa:-16", "slate", NULL, "2026-02-08" },
  { "fr-un", "outside-window", "2026-02-20T21:30:00+01:00",
      "2026-02-20T22:30:00+01:00", "csa:-16", "slate", NULL, "2026-02-20" },
  { "fr-un", "missing-guidance", "2026-02-25T21:00:00+01:00",
      "2026-02-25T22:30:00+01:00", "csa:-10", "slate", NULL, "2026-02-25" },
  { "uk-one", "outside-window", "2026-02-05T20:30:00+00:00",
      "2026-02-05T21:00:00+00:00", "bbfc:15", "slate", "Breaking news special",
      "2026-02-05" },
  { "uk-one", "outside-window", "2026-02-12T20:40:00+00:00",
      "2026-02-12T21:00:00+00:00", "bbfc:15", "monitor", NULL, "2026-02-12" },
  { "uk-one", "missing-guidance", "2026-02-17T21:00:00+00:00",
      "2026-02-17T21:00:01+00:00", "bbfc:15", "slate", NULL, "2026-02-17" },
};

static const WsAsRunDay *
find_day (const WsAsRunReport *r, const gchar *channel, const gchar *day)
{
  for (guint i = 0; i < r->days->len; i++) {
    const WsAsRunDay *d = g_ptr_array_index (r->days, i);

    if (!strcmp (d->channel, channel) && !strcmp (d->day, day))
      return d;
  }
  ck_abort_msg ("no day %s %s", channel, day);
  return NULL;
}

/* exactly the planted violations, in order */
START_TEST (test_asrun_report_month_violations)
{
  WsAsRunReport *r = build (WS_TIME_NONE, WS_TIME_NONE);

  ck_assert_msg (r->verdict->whole, "%s", r->verdict->problem);
  ck_assert_uint_eq (r->warnings->len, 0);
  ck_assert_uint_eq (r->violations->len, G_N_ELEMENTS (planted));
  for (guint i = 0; i < G_N_ELEMENTS (planted); i++)
    assert_violation (r, i, &planted[i]);
  ws_asrun_report_free (r);
}
END_TEST

/* the day summaries: decisions, slate and monitor time, overrides,
 * guidance time */
START_TEST (test_asrun_report_month_days)
{
  WsAsRunReport *r = build (WS_TIME_NONE, WS_TIME_NONE);
  const WsAsRunDay *d;
  const WsAsRunSegment *s;

  /* 28 days of each channel, and 1 March of each (uk-one's last decision
   * at midnight, fr-un's csa:TP from 00:30 +01:00 until then) */
  ck_assert_uint_eq (r->days->len, 29 + 29);

  d = find_day (r, "uk-one", "2026-02-10");
  ck_assert_uint_eq (d->n_opened, 1);
  ck_assert_uint_eq (d->n_closed, 1);
  ck_assert_int_eq (d->blocked_us, (gint64) 30 * 60 * G_USEC_PER_SEC);
  ck_assert_int_eq (d->would_block_us, 0);
  ck_assert_int_eq (d->aired_us, (gint64) (24 * 60 - 30) * 60 * G_USEC_PER_SEC);
  ck_assert_uint_eq (d->violations->len, 0);

  d = find_day (r, "uk-one", "2026-02-12");
  ck_assert_int_eq (d->would_block_us, (gint64) 20 * 60 * G_USEC_PER_SEC);
  ck_assert_int_eq (d->blocked_us, 0);
  ck_assert_int_eq (d->aired_us, (gint64) 24 * 3600 * G_USEC_PER_SEC);
  ck_assert_uint_eq (d->violations->len, 1);

  d = find_day (r, "uk-one", "2026-02-05");
  ck_assert_uint_eq (d->overrides->len, 1);
  s = g_ptr_array_index (d->overrides, 0);
  ck_assert_str_eq (s->override, "open");
  ck_assert_str_eq (s->operator_name, "J. Smith");
  ck_assert_str_eq (s->override_reason, "Breaking news special");
  ck_assert_uint_eq (d->n_opened, 0);

  /* a plain French day: the -16 pictogram until 00:30, the -10 one from
   * 20:00 and the -16 one from 22:30 to midnight: 4 h 30 */
  d = find_day (r, "fr-un", "2026-02-03");
  ck_assert_int_eq (d->guidance_us,
      (gint64) (4 * 60 + 30) * 60 * G_USEC_PER_SEC);
  ck_assert_uint_eq (d->guidance->len, 3);
  ck_assert_uint_eq (d->segments->len, 4);
  ck_assert_uint_eq (d->violations->len, 0);
  d = find_day (r, "fr-un", "2026-02-08");
  ck_assert_int_eq (d->guidance_us,
      (gint64) (4 * 60 + 10) * 60 * G_USEC_PER_SEC);
  ws_asrun_report_free (r);
}
END_TEST

/* --from and --to cut the month: the violations in the period only */
START_TEST (test_asrun_report_period)
{
  GTimeZone *utc = g_time_zone_new_utc ();
  GDateTime *from = g_date_time_new (utc, 2026, 2, 10, 0, 0, 0);
  GDateTime *to = g_date_time_new (utc, 2026, 2, 21, 0, 0, 0);
  WsAsRunReport *r = build (g_date_time_to_unix (from) * G_USEC_PER_SEC,
      g_date_time_to_unix (to) * G_USEC_PER_SEC);

  ck_assert_uint_eq (r->violations->len, 3);
  assert_violation (r, 0, &planted[1]);
  assert_violation (r, 1, &planted[4]);
  assert_violation (r, 2, &planted[5]);
  ws_asrun_report_free (r);
  g_date_time_unref (from);
  g_date_time_unref (to);
  g_time_zone_unref (utc);
}
END_TEST

/* a policy that is not there: every airing is unchecked (fail closed) */
START_TEST (test_asrun_report_unknown_policy)
{
  gchar *path = g_build_filename (dir, "other.jsonl", NULL);
  const gchar *paths[] = { path, NULL };
  WsAsRunWriter *w = ws_asrun_writer_open (path, 0, NULL, NULL, NULL, NULL);
  WsAsRunReport *r;

  ws_test_asrun_decision (w, "x", "no-such-policy", NULL,
      "2026-02-01T20:00:00+00:00", "bbfc:15", TRUE, "allowed", "slate", NULL);
  ws_test_asrun_decision (w, "x", "no-such-policy", NULL,
      "2026-02-01T21:00:00+00:00", "bbfc:PG", TRUE, "allowed", "slate", NULL);
  ws_asrun_writer_close (w);
  r = ws_asrun_report_build (paths, NULL, WS_TIME_NONE, WS_TIME_NONE, NULL);
  ck_assert_ptr_nonnull (r);
  ck_assert_uint_eq (r->violations->len, 1);
  ck_assert_str_eq (ws_asrun_violation_kind_to_string (
                        ((WsAsRunViolation *) r->violations->pdata[0])->kind),
      "unchecked");
  ws_asrun_report_free (r);
  g_free (path);
}
END_TEST

/* The UK rule's announcement: a warning-card line where the airing began,
 * paired with the gate by channel or by the log file they share, and
 * only so. */
START_TEST (test_asrun_report_announcement_pairing)
{
  const gchar *names[] = { "a.jsonl", "b.jsonl", "c.jsonl" };
  gchar *paths[4] = { NULL };
  WsAsRunWriter *w[3];
  WsAsRunReport *r;
  const WsAsRunViolation *v;

  for (guint i = 0; i < 3; i++) {
    paths[i] = g_build_filename (dir, names[i], NULL);
    w[i] = ws_asrun_writer_open (paths[i], 0, NULL, NULL, NULL, NULL);
    ck_assert_ptr_nonnull (w[i]);
  }
  /* a: the gate and, under its own element name, the warning */
  ws_test_asrun_decision (w[0], "gate-a", "uk-ofcom", "free-to-air",
      "2026-02-01T21:00:00+00:00", "bbfc:15", TRUE, "allowed", "slate", NULL);
  ws_test_asrun_warning (w[0], NULL, "2026-02-01T21:00:00+00:00", "bbfc:15");
  ws_test_asrun_decision (w[0], "gate-a", "uk-ofcom", "free-to-air",
      "2026-02-01T22:00:00+00:00", "bbfc:PG", TRUE, "allowed", "slate", NULL);
  /* b: the gate alone; c: a warning of another pipeline at that time */
  ws_test_asrun_decision (w[1], "gate-b", "uk-ofcom", "free-to-air",
      "2026-02-01T21:00:00+00:00", "bbfc:15", TRUE, "allowed", "slate", NULL);
  ws_test_asrun_warning (w[2], NULL, "2026-02-01T21:00:00+00:00", "bbfc:15");
  ws_test_asrun_decision (w[1], "gate-b", "uk-ofcom", "free-to-air",
      "2026-02-01T22:00:00+00:00", "bbfc:PG", TRUE, "allowed", "slate", NULL);
  for (guint i = 0; i < 3; i++)
    ws_asrun_writer_close (w[i]);

  r = ws_asrun_report_build ((const gchar *const *) paths, NULL, WS_TIME_NONE,
      WS_TIME_NONE, NULL);
  ck_assert_ptr_nonnull (r);
  ck_assert_uint_eq (r->violations->len, 1);
  v = g_ptr_array_index (r->violations, 0);
  ck_assert_str_eq (v->channel, "gate-b");
  ck_assert_str_eq (ws_asrun_violation_kind_to_string (v->kind),
      "missing-guidance");
  ck_assert_str_eq (v->rule, "uk-on-air-warning");
  ck_assert_str_eq (v->rating, "bbfc:15");
  /* the warning lines are no channel's decisions */
  for (guint i = 0; i < r->days->len; i++)
    ck_assert_str_ne (((WsAsRunDay *) r->days->pdata[i])->channel, "warning0");
  ws_asrun_report_free (r);
  for (guint i = 0; i < 3; i++)
    g_free (paths[i]);
}
END_TEST

/* A gate's "stopped" line ends the airing: a 15 allowed at 22:00 and
 * stopped at 23:00, then a PG the next evening, aired one hour; without
 * the line it ran on overnight and broke the 05:30 end of the watershed. */
START_TEST (test_asrun_report_stopped_ends_airing)
{
  gchar *path = g_build_filename (dir, "stopped.jsonl", NULL);
  const gchar *paths[] = { path, NULL };
  WsAsRunReport *r;

  for (int with_stop = 0; with_stop < 2; with_stop++) {
    WsAsRunWriter *w = ws_asrun_writer_open (path, 0, NULL, NULL, NULL, NULL);
    gint64 aired = 0, blocked = 0;

    ws_test_asrun_decision (w, "gate", "uk-ofcom", "free-to-air",
        "2026-02-01T22:00:00+00:00", "bbfc:15", TRUE, "allowed", "slate", NULL);
    ws_test_asrun_warning (w, NULL, "2026-02-01T22:00:00+00:00", "bbfc:15");
    if (with_stop)
      ws_test_asrun_decision (w, "gate", "uk-ofcom", "free-to-air",
          "2026-02-01T23:00:00+00:00", "bbfc:15", FALSE, "stopped", "slate",
          NULL);
    ws_test_asrun_decision (w, "gate", "uk-ofcom", "free-to-air",
        "2026-02-02T18:00:00+00:00", "bbfc:PG", TRUE, "allowed", "slate", NULL);
    ws_asrun_writer_close (w);
    r = ws_asrun_report_build (paths, NULL, WS_TIME_NONE,
        G_GINT64_CONSTANT (1770058800) * G_USEC_PER_SEC, NULL);
    ck_assert_ptr_nonnull (r);
    for (guint i = 0; i < r->days->len; i++) {
      const WsAsRunDay *d = r->days->pdata[i];

      aired += d->aired_us;
      blocked += d->blocked_us;
    }
    if (with_stop) {
      /* 22:00-23:00 the 15, 18:00-19:00 the PG; off air is not blocked */
      ck_assert_uint_eq (r->violations->len, 0);
      ck_assert_int_eq (aired, (gint64) 2 * 3600 * G_USEC_PER_SEC);
      ck_assert_int_eq (blocked, 0);
    } else {
      /* the 15 ran on past 05:30 */
      ck_assert_uint_eq (r->violations->len, 1);
      ck_assert_str_eq (ws_asrun_violation_kind_to_string (
                            ((WsAsRunViolation *) r->violations->pdata[0])
                                ->kind),
          "outside-window");
    }
    ws_asrun_report_free (r);
    g_unlink (path);
  }
  g_free (path);
}
END_TEST

/* A rotation between the gate's decision and the warning card (a daily
 * rotation at midnight, a programme starting on the hour): the files are
 * one log (one chain), so they still pair; a log of its own does not. */
START_TEST (test_asrun_report_pairing_across_rotation)
{
  gchar *sub = g_dir_make_tmp ("watershed-rotated-XXXXXX", NULL);
  gchar *path = g_build_filename (sub, "rotated.jsonl", NULL);
  WsAsRunOptions opts = { 0 };
  WsAsRunWriter *w;
  WsAsRunReport *r;
  gchar **files;

  /* every line starts a new file */
  opts.rotate_size_bytes = 300;
  w = ws_asrun_writer_open_full (path, &opts, NULL, NULL, NULL, NULL);
  ck_assert_ptr_nonnull (w);
  ws_test_asrun_decision (w, "gate", "uk-ofcom", "free-to-air",
      "2026-02-01T21:00:00+00:00", "bbfc:15", TRUE, "allowed", "slate", NULL);
  ws_test_asrun_warning (w, NULL, "2026-02-01T21:00:00+00:00", "bbfc:15");
  ws_test_asrun_decision (w, "gate", "uk-ofcom", "free-to-air",
      "2026-02-01T22:00:00+00:00", "bbfc:PG", TRUE, "allowed", "slate", NULL);
  ws_asrun_writer_close (w);
  files = ws_test_asrun_files (sub);
  ck_assert_uint_ge (g_strv_length (files), 3);
  r = ws_asrun_report_build ((const gchar *const *) files, NULL, WS_TIME_NONE,
      WS_TIME_NONE, NULL);
  ck_assert_ptr_nonnull (r);
  ck_assert (r->verdict->whole);
  ck_assert_uint_eq (r->violations->len, 0);
  ws_asrun_report_free (r);
  g_strfreev (files);
  g_free (path);
  ws_test_asrun_remove_dir (sub);
}
END_TEST

static Suite *
asrun_report_suite (void)
{
  Suite *s = suite_create ("asrun_report");
  TCase *core = tcase_create ("core");

  tcase_add_checked_fixture (core, setup, teardown);
  tcase_set_timeout (core, 120);
  tcase_add_test (core, test_asrun_report_month_violations);
  tcase_add_test (core, test_asrun_report_month_days);
  tcase_add_test (core, test_asrun_report_period);
  tcase_add_test (core, test_asrun_report_unknown_policy);
  tcase_add_test (core, test_asrun_report_announcement_pairing);
  tcase_add_test (core, test_asrun_report_stopped_ends_airing);
  tcase_add_test (core, test_asrun_report_pairing_across_rotation);
  suite_add_tcase (s, core);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (asrun_report_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
