/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: check tests of the as-run log (ws-asrun.h): the line format,
 * the writer thread (lines from several threads never torn, durable after
 * sync and close), the bounded queue, the torn-tail cut. */
#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include "ws-asrun.h"
#include "ws-test-json.h"
#include "ws-test-util.h"

/* ---- helpers ----------------------------------------------------------- */

/* the lines of @path, each checked to be one whole JSON object */
static GPtrArray *
read_lines (const gchar *path)
{
  gchar *problem = NULL;
  GPtrArray *lines = ws_test_read_json_lines (path, &problem);

  ck_assert_msg (lines != NULL, "%s", problem);
  return lines;
}

#define obj ws_test_json_line

static gchar *
numbered_line (guint thread, guint n)
{
  return g_strdup_printf ("{\"thread\": %u, \"n\": %u, \"pad\": \"%0*u\"}\n",
      thread, n, (int) (50 + (n % 200)), n);
}

/* ---- the line ---------------------------------------------------------- */

START_TEST (test_asrun_format_line)
{
  WsAsRunRecord rec = {
    .instant = "2026-07-01T21:00:00+01:00",
    .running_time_ns = 10000000000,
    .allowed = TRUE,
    .reason = "Allowed \"after\" the watershed\n(21:00)\tok\x01",
    .rule = "uk-watershed",
    .rating = "bbfc:15\xff",
    .policy = "uk-ofcom",
    .service_class = "free-to-air",
    .next_change = NULL,
    .kind = "allowed",
    .mode = "monitor",
    .override = "open",
    .operator_name = "J. Smith",
    .override_reason = "news",
    .override_set_at = "2026-07-01T19:59:00Z",
    .element = "gate0",
  };
  gchar *line = ws_asrun_format_line (&rec);
  JsonParser *p = json_parser_new ();
  JsonObject *o;
  GList *members;
  const gchar *want[] = { "instant", "running_time_ns", "allowed", "reason",
    "rule", "rating", "policy", "service_class", "next_change", "kind",
    "judged_as", "judgement", "mode", "override", "operator", "override_reason",
    "override_set_at", "element" };
  guint i = 0;

  /* one line: only the final newline */
  ck_assert_ptr_eq (strchr (line, '\n'), line + strlen (line) - 1);
  ck_assert (json_parser_load_from_data (p, line, -1, NULL));
  o = json_node_get_object (json_parser_get_root (p));
  members = json_object_get_members (o);
  ck_assert_int_eq (g_list_length (members), G_N_ELEMENTS (want));
  for (GList *l = members; l != NULL; l = l->next, i++)
    ck_assert_str_eq (l->data, want[i]);
  g_list_free (members);
  ck_assert_int_eq (json_object_get_int_member (o, "running_time_ns"),
      10000000000);
  ck_assert (json_object_get_boolean_member (o, "allowed"));
  ck_assert_str_eq (json_object_get_string_member (o, "reason"),
      "Allowed \"after\" the watershed\n(21:00)\tok\x01");
  /* invalid UTF-8 made valid: U+FFFD */
  ck_assert_str_eq (json_object_get_string_member (o, "rating"),
      "bbfc:15\xef\xbf\xbd");
  ck_assert (json_object_get_null_member (o, "next_change"));
  ck_assert (json_object_get_null_member (o, "judged_as"));
  ck_assert_str_eq (json_object_get_string_member (o, "operator"), "J. Smith");
  ck_assert_str_eq (json_object_get_string_member (o, "mode"), "monitor");
  g_object_unref (p);
  g_free (line);

  /* unknown running time */
  rec.running_time_ns = -1;
  line = ws_asrun_format_line (&rec);
  ck_assert_ptr_nonnull (strstr (line, "\"running_time_ns\": null,"));
  g_free (line);
}
END_TEST

/* ---- the writer -------------------------------------------------------- */

typedef struct {
  WsAsRunWriter *w;
  guint thread;
  guint n;
} Pusher;

static gpointer
push_lines (gpointer data)
{
  Pusher *p = data;

  for (guint i = 0; i < p->n; i++)
    ck_assert (ws_asrun_writer_push (p->w, numbered_line (p->thread, i)));
  return NULL;
}

/* Eight threads push 500 lines each into one writer and two writers share
 * one file: every line arrives whole, once, each thread's in its order. */
START_TEST (test_asrun_writer_threads_never_torn)
{
  gchar *path = ws_test_temp_path ("as-run.jsonl");
  WsAsRunWriter *w[2];
  GThread *threads[8];
  Pusher pushers[8];
  GPtrArray *lines;
  guint next[8] = { 0 };

  for (guint k = 0; k < 2; k++) {
    w[k] = ws_asrun_writer_open (path, 8 * 500, NULL, NULL, NULL, NULL);
    ck_assert_ptr_nonnull (w[k]);
  }
  for (guint t = 0; t < 8; t++) {
    pushers[t] = (Pusher){ w[t % 2], t, 500 };
    threads[t] = g_thread_new ("pusher", push_lines, &pushers[t]);
  }
  for (guint t = 0; t < 8; t++)
    g_thread_join (threads[t]);
  ck_assert (ws_asrun_writer_sync (w[0]));
  ck_assert (ws_asrun_writer_sync (w[1]));
  ck_assert_uint_eq (ws_asrun_writer_get_dropped (w[0]), 0);
  ck_assert_uint_eq (ws_asrun_writer_get_dropped (w[1]), 0);

  /* synced: all there before close */
  lines = read_lines (path);
  ck_assert_uint_eq (lines->len, 8 * 500);
  for (guint i = 0; i < lines->len; i++) {
    JsonObject *o = obj (lines, i);
    guint t = (guint) json_object_get_int_member (o, "thread");
    guint n = (guint) json_object_get_int_member (o, "n");

    ck_assert_uint_lt (t, 8);
    ck_assert_uint_eq (n, next[t]);
    ck_assert_uint_eq (strlen (json_object_get_string_member (o, "pad")),
        50 + (n % 200));
    next[t]++;
  }
  for (guint t = 0; t < 8; t++)
    ck_assert_uint_eq (next[t], 500);
  g_ptr_array_unref (lines);

  ws_asrun_writer_close (w[0]);
  ws_asrun_writer_close (w[1]);
  ws_test_remove_temp (path);
}
END_TEST

/* close writes what is still queued, fsync()s and joins; a second writer
 * appends */
START_TEST (test_asrun_writer_close_writes_all)
{
  gchar *path = ws_test_temp_path ("as-run.jsonl");
  WsAsRunWriter *w = ws_asrun_writer_open (path, 0, NULL, NULL, NULL, NULL);
  GPtrArray *lines;

  ck_assert_ptr_nonnull (w);
  for (guint i = 0; i < 200; i++)
    ck_assert (ws_asrun_writer_push (w, numbered_line (0, i)));
  ws_asrun_writer_close (w);
  w = ws_asrun_writer_open (path, 0, NULL, NULL, NULL, NULL);
  ck_assert (ws_asrun_writer_push (w, numbered_line (1, 0)));
  ws_asrun_writer_close (w);
  ws_asrun_writer_close (NULL);

  lines = read_lines (path);
  ck_assert_uint_eq (lines->len, 201);
  ck_assert_int_eq (json_object_get_int_member (obj (lines, 199), "n"), 199);
  ck_assert_int_eq (json_object_get_int_member (obj (lines, 200), "thread"), 1);
  g_ptr_array_unref (lines);
  ws_test_remove_temp (path);
}
END_TEST

/* The writer thread is held inside the error callback of a line the file
 * size limit refused; meanwhile the queue (4 lines) fills and two more
 * lines are dropped without waiting. The log then has the queued lines,
 * the count of the dropped ones, and what came after. */
typedef struct {
  GMutex lock;
  GCond cond;
  gboolean entered, release;
  int err;
  gchar *line;
} Gatekeeper;

static void
hold_writer (const gchar *line, int err, gpointer data)
{
  Gatekeeper *k = data;

  g_mutex_lock (&k->lock);
  if (k->line == NULL) {
    k->line = g_strdup (line);
    k->err = err;
  }
  k->entered = TRUE;
  g_cond_broadcast (&k->cond);
  while (!k->release)
    g_cond_wait (&k->cond, &k->lock);
  g_mutex_unlock (&k->lock);
}

START_TEST (test_asrun_writer_queue_full)
{
  gchar *path = ws_test_temp_path ("as-run.jsonl");
  Gatekeeper k = { 0 };
  struct rlimit saved, lim;
  void (*old_handler) (int);
  WsAsRunWriter *w;
  GPtrArray *lines;
  JsonObject *o;

  g_mutex_init (&k.lock);
  g_cond_init (&k.cond);
  w = ws_asrun_writer_open (path, 4, hold_writer, &k, NULL, NULL);
  ck_assert_ptr_nonnull (w);

  /* no room at all: the first line fails with EFBIG */
  ck_assert_int_eq (getrlimit (RLIMIT_FSIZE, &saved), 0);
  old_handler = signal (SIGXFSZ, SIG_IGN);
  lim = saved;
  lim.rlim_cur = 0;
  ck_assert_int_eq (setrlimit (RLIMIT_FSIZE, &lim), 0);
  ck_assert (ws_asrun_writer_push (w, numbered_line (0, 0)));
  g_mutex_lock (&k.lock);
  while (!k.entered)
    g_cond_wait (&k.cond, &k.lock);
  g_mutex_unlock (&k.lock);
  ck_assert_int_eq (setrlimit (RLIMIT_FSIZE, &saved), 0);
  signal (SIGXFSZ, old_handler);
  ck_assert_int_eq (k.err, EFBIG);
  ck_assert_ptr_nonnull (strstr (k.line, "\"n\": 0,"));

  /* the thread is held: 4 lines fit, 2 are dropped, none waits */
  for (guint i = 1; i <= 4; i++)
    ck_assert (ws_asrun_writer_push (w, numbered_line (0, i)));
  ck_assert (!ws_asrun_writer_push (w, numbered_line (0, 5)));
  ck_assert (!ws_asrun_writer_push (w, numbered_line (0, 6)));
  ck_assert_uint_eq (ws_asrun_writer_get_dropped (w), 2);

  g_mutex_lock (&k.lock);
  k.release = TRUE;
  g_cond_broadcast (&k.cond);
  g_mutex_unlock (&k.lock);
  /* the failed line is reported by sync */
  ck_assert (!ws_asrun_writer_sync (w));
  ck_assert (ws_asrun_writer_push (w, numbered_line (0, 7)));
  ck_assert (ws_asrun_writer_sync (w));
  ws_asrun_writer_close (w);

  lines = read_lines (path);
  ck_assert_uint_eq (lines->len, 6);
  for (guint i = 0; i < 4; i++)
    ck_assert_int_eq (json_object_get_int_member (obj (lines, i), "n"), i + 1);
  o = obj (lines, 4);
  ck_assert_int_eq (json_object_get_int_member (o, "dropped_lines"), 2);
  ck_assert_ptr_nonnull (
      strstr (json_object_get_string_member (o, "reason"), "queue was full"));
  ck_assert_int_eq (json_object_get_int_member (obj (lines, 5), "n"), 7);
  g_ptr_array_unref (lines);

  g_free (k.line);
  g_mutex_clear (&k.lock);
  g_cond_clear (&k.cond);
  ws_test_remove_temp (path);
}
END_TEST

/* a torn last line is cut when the log is opened, and said so */
START_TEST (test_asrun_writer_cuts_torn_tail)
{
  gchar *path = ws_test_temp_path ("as-run.jsonl");
  const gchar *good = "{\"n\": 1}\n{\"n\": 2}\n";
  gchar *contents = g_strconcat (good, "{\"n\": 3, \"rea", NULL);
  WsAsRunWriter *w;
  gssize cut = -2;
  GPtrArray *lines;

  ck_assert (g_file_set_contents (path, contents, -1, NULL));
  w = ws_asrun_writer_open (path, 0, NULL, NULL, &cut, NULL);
  ck_assert_ptr_nonnull (w);
  ck_assert_int_eq (cut, 13);
  ck_assert (ws_asrun_writer_push (w, numbered_line (0, 4)));
  ws_asrun_writer_close (w);
  lines = read_lines (path);
  ck_assert_uint_eq (lines->len, 3);
  ck_assert_int_eq (json_object_get_int_member (obj (lines, 2), "n"), 4);
  g_ptr_array_unref (lines);

  /* a whole file is left alone */
  w = ws_asrun_writer_open (path, 0, NULL, NULL, &cut, NULL);
  ck_assert_int_eq (cut, 0);
  ws_asrun_writer_close (w);
  g_free (contents);
  ws_test_remove_temp (path);
}
END_TEST

START_TEST (test_asrun_writer_open_error)
{
  GError *err = NULL;
  WsAsRunWriter *w = ws_asrun_writer_open ("/nonexistent/dir/log.jsonl", 0,
      NULL, NULL, NULL, &err);

  ck_assert_ptr_null (w);
  ck_assert_ptr_nonnull (err);
  ck_assert_ptr_nonnull (strstr (err->message, "/nonexistent/dir/log.jsonl"));
  ck_assert_ptr_nonnull (strstr (err->message, "No such file"));
  g_error_free (err);
}
END_TEST

static Suite *
asrun_suite (void)
{
  Suite *s = suite_create ("asrun");
  TCase *core = tcase_create ("core");
  TCase *writer = tcase_create ("writer");
  TCase *limits = tcase_create ("limits");

  tcase_add_test (core, test_asrun_format_line);
  tcase_set_timeout (writer, 120);
  tcase_add_test (writer, test_asrun_writer_threads_never_torn);
  tcase_add_test (writer, test_asrun_writer_close_writes_all);
  tcase_add_test (limits, test_asrun_writer_queue_full);
  tcase_add_test (limits, test_asrun_writer_cuts_torn_tail);
  tcase_add_test (limits, test_asrun_writer_open_error);
  suite_add_tcase (s, core);
  suite_add_tcase (s, writer);
  suite_add_tcase (s, limits);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (asrun_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
