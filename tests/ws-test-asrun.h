/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed tests: a generated month of as-run logs for two channels with
 * planted violations (for the report tests of the library and the CLI). */
#ifndef WS_TESTS_WS_TEST_ASRUN_H
#define WS_TESTS_WS_TEST_ASRUN_H

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ws-asrun.h"

static inline gint
ws_test_asrun_compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar *const *) a, *(const gchar *const *) b);
}

/**
 * ws_test_asrun_files:
 * @dir: a folder
 *
 * Returns: (transfer full): the paths of the files in @dir (the logs and
 *   their rotated files), sorted by name, NULL-terminated; g_strfreev().
 */
static inline gchar **
ws_test_asrun_files (const gchar *dir)
{
  GPtrArray *files = g_ptr_array_new ();
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (files, g_build_filename (dir, name, NULL));
  g_dir_close (d);
  g_ptr_array_sort (files, ws_test_asrun_compare_paths);
  g_ptr_array_add (files, NULL);
  return (gchar **) g_ptr_array_free (files, FALSE);
}

/**
 * ws_test_asrun_remove_dir:
 * @dir: (transfer full): a folder of files (no subfolders)
 *
 * Removes the files of @dir and @dir, and frees @dir.
 */
static inline void
ws_test_asrun_remove_dir (gchar *dir)
{
  gchar **files = ws_test_asrun_files (dir);

  for (gchar **f = files; *f != NULL; f++)
    g_remove (*f);
  g_strfreev (files);
  g_rmdir (dir);
  g_free (dir);
}

/* one decision of a gate */
static inline void
ws_test_asrun_decision (WsAsRunWriter *w, const gchar *element,
    const gchar *policy, const gchar *service_class, const gchar *instant,
    const gchar *rating, gboolean allowed, const gchar *kind, const gchar *mode,
    const gchar *override_reason)
{
  WsAsRunRecord rec = {
    .instant = instant,
    .running_time_ns = -1,
    .allowed = allowed,
    .reason = "generated",
    .rule = NULL,
    .rating = rating,
    .policy = policy,
    .service_class = service_class,
    .kind = kind,
    .mode = mode,
    .override = override_reason != NULL ? "open" : NULL,
    .operator_name = override_reason != NULL ? "J. Smith" : NULL,
    .override_reason = override_reason,
    .override_set_at = override_reason != NULL ? "2026-02-05T20:29:00Z" : NULL,
    .element = element,
  };

  g_assert_true (ws_asrun_writer_push (w, ws_asrun_format_line (&rec)));
}

/* the overlay's guidance appearing or going */
static inline void
ws_test_asrun_guidance (WsAsRunWriter *w, const gchar *channel,
    const gchar *instant, gboolean shown, const gchar *rating)
{
  WsAsRunRecord rec = {
    .instant = instant,
    .running_time_ns = -1,
    .allowed = TRUE,
    .reason = shown ? "guidance shown" : "guidance hidden",
    .rating = rating,
    .kind = shown ? "guidance-shown" : "guidance-hidden",
    .mode = "persistent",
    .element = "overlay0",
    .channel = channel,
  };

  g_assert_true (ws_asrun_writer_push (w, ws_asrun_format_line (&rec)));
}

/* ratingwarning's pre-programme warning (card and announcement); @channel
 * NULL: none, the element's name (`warning0`) stands for it */
static inline void
ws_test_asrun_warning (WsAsRunWriter *w, const gchar *channel,
    const gchar *instant, const gchar *rating)
{
  WsAsRunRecord rec = {
    .instant = instant,
    .running_time_ns = -1,
    .allowed = TRUE,
    .reason = "warning card 5.000 s in en, spoken by espeak-ng",
    .rule = "uk-on-air-warning",
    .rating = rating,
    .policy = "uk-ofcom",
    .kind = "warning-card",
    .mode = "overlay",
    .element = "warning0",
    .channel = channel,
  };

  g_assert_true (ws_asrun_writer_push (w, ws_asrun_format_line (&rec)));
}

/**
 * ws_test_asrun_month:
 * @dir: an empty folder
 *
 * Writes February 2026 for two channels into @dir: `uk-one.jsonl`
 * (uk-ofcom, free-to-air: bbfc:12 at 18:00, bbfc:15 at 21:00, bbfc:PG at
 * 23:00 every day) and `fr-un.jsonl` with its rotated files (fr-arcom,
 * general: csa:-10 at 20:00 and csa:-16 at 22:30 with their persistent
 * pictogram, csa:TP at 00:30). uk-one's bbfc:15 is announced by a
 * warning card where each airing begins. Planted, and nothing else
 * against the policies:
 *
 * - uk-one 2026-02-05 20:30-21:00 +00:00: bbfc:15 forced open by the
 *   operator ("Breaking news special"): outside-window
 * - uk-one 2026-02-10 20:30-21:00: bbfc:15 blocked (slate): no violation
 * - uk-one 2026-02-12 (mode monitor) 20:40-21:00: bbfc:15 not allowed,
 *   not blocked: outside-window (would have been blocked)
 * - uk-one 2026-02-17 21:00: bbfc:15 without its warning card: the UK
 *   rule's announcement missing (missing-guidance, 21:00:00-21:00:01)
 * - fr-un 2026-02-08 22:30-22:50 +01:00: csa:-16 before its pictogram:
 *   missing-guidance
 * - fr-un 2026-02-20 21:30-22:30: csa:-16 let through (the gate was
 *   told of access control it did not have): outside-window
 * - fr-un 2026-02-25 21:00-22:30: the csa:-10 pictogram taken off early:
 *   missing-guidance
 */
static inline void
ws_test_asrun_month (const gchar *dir)
{
  gchar *uk_path = g_build_filename (dir, "uk-one.jsonl", NULL);
  gchar *fr_path = g_build_filename (dir, "fr-un.jsonl", NULL);
  WsAsRunOptions uk_opts = { .element = "uk-one", .checkpoint_lines = 50 };
  WsAsRunOptions fr_opts = { .element = "fr-un", .rotate_size_bytes = 20000 };
  WsAsRunWriter *uk = ws_asrun_writer_open_full (uk_path, &uk_opts, NULL, NULL,
      NULL, NULL);
  WsAsRunWriter *fr = ws_asrun_writer_open_full (fr_path, &fr_opts, NULL, NULL,
      NULL, NULL);

  g_assert_nonnull (uk);
  g_assert_nonnull (fr);
  for (guint d = 1; d <= 28; d++) {
    const gchar *mode = d == 12 ? "monitor" : "slate";
#define AT(hhmm) \
  (g_snprintf (t, sizeof t, "2026-02-%02uT%s:00+00:00", d, hhmm), t)
#define FR(hhmm) \
  (g_snprintf (t, sizeof t, "2026-02-%02uT%s:00+01:00", d, hhmm), t)
    gchar t[40], next[40];

    /* uk-one */
    ws_test_asrun_decision (uk, "uk-one", "uk-ofcom", "free-to-air",
        AT ("18:00"), "bbfc:12", TRUE, "allowed", mode, NULL);
    if (d == 5) {
      ws_test_asrun_decision (uk, "uk-one", "uk-ofcom", "free-to-air",
          AT ("20:30"), "bbfc:15", TRUE, "override-open", mode,
          "Breaking news special");
      ws_test_asrun_warning (uk, "uk-one", t, "bbfc:15");
    }
    if (d == 10)
      ws_test_asrun_decision (uk, "uk-one", "uk-ofcom", "free-to-air",
          AT ("20:30"), "bbfc:15", FALSE, "outside-window", mode, NULL);
    if (d == 12) {
      ws_test_asrun_decision (uk, "uk-one", "uk-ofcom", "free-to-air",
          AT ("20:40"), "bbfc:15", FALSE, "outside-window", mode, NULL);
      ws_test_asrun_warning (uk, "uk-one", t, "bbfc:15");
    }
    ws_test_asrun_decision (uk, "uk-one", "uk-ofcom", "free-to-air",
        AT ("21:00"), "bbfc:15", TRUE, "allowed", mode, NULL);
    /* the airing already began at 20:30 / 20:40 on the 5th and 12th */
    if (d != 5 && d != 12 && d != 17)
      ws_test_asrun_warning (uk, "uk-one", t, "bbfc:15");
    ws_test_asrun_decision (uk, "uk-one", "uk-ofcom", "free-to-air",
        AT ("23:00"), "bbfc:PG", TRUE, "allowed", mode, NULL);

    /* fr-un */
    ws_test_asrun_decision (fr, "fr-un", "fr-arcom", "general", FR ("20:00"),
        "csa:-10", TRUE, "allowed", "slate", NULL);
    ws_test_asrun_guidance (fr, "fr-un", t, TRUE, "csa:-10");
    if (d == 25)
      ws_test_asrun_guidance (fr, "fr-un", FR ("21:00"), FALSE, NULL);
    if (d == 20) {
      ws_test_asrun_decision (fr, "fr-un", "fr-arcom", "general", FR ("21:30"),
          "csa:-16", TRUE, "allowed", "slate", NULL);
      ws_test_asrun_guidance (fr, "fr-un", t, FALSE, NULL);
      ws_test_asrun_guidance (fr, "fr-un", t, TRUE, "csa:-16");
    }
    ws_test_asrun_decision (fr, "fr-un", "fr-arcom", "general", FR ("22:30"),
        "csa:-16", TRUE, "allowed", "slate", NULL);
    if (d != 20) {
      if (d != 25)
        ws_test_asrun_guidance (fr, "fr-un", t, FALSE, NULL);
      ws_test_asrun_guidance (fr, "fr-un", d == 8 ? FR ("22:50") : t, TRUE,
          "csa:-16");
    }
    if (d < 28)
      g_snprintf (next, sizeof next, "2026-02-%02uT00:30:00+01:00", d + 1);
    else
      g_strlcpy (next, "2026-03-01T00:30:00+01:00", sizeof next);
    ws_test_asrun_guidance (fr, "fr-un", next, FALSE, NULL);
    ws_test_asrun_decision (fr, "fr-un", "fr-arcom", "general", next, "csa:TP",
        TRUE, "allowed", "slate", NULL);
#undef AT
#undef FR
  }
  /* the end of the month */
  ws_test_asrun_decision (uk, "uk-one", "uk-ofcom", "free-to-air",
      "2026-03-01T00:00:00+00:00", "bbfc:PG", TRUE, "allowed", "slate", NULL);
  g_assert_true (ws_asrun_writer_sync (uk));
  g_assert_true (ws_asrun_writer_sync (fr));
  ws_asrun_writer_close (uk);
  ws_asrun_writer_close (fr);
  g_free (uk_path);
  g_free (fr_path);
}

#endif /* WS_TESTS_WS_TEST_ASRUN_H */
