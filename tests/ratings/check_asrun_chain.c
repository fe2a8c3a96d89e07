/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: check tests of the as-run hash chain (ws-asrun.h) and its
 * verifier (ws-asrun-verify.h): a whole log verifies; an edited byte, a
 * removed line, two swapped lines and a cut file are found at the right
 * file and line; a writer killed with SIGKILL leaves a log that verifies
 * (a torn last line is a note); rotated files verify as one chain in any
 * order, and a removed middle file is found. */
#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ws-asrun-verify.h"
#include "ws-asrun.h"
#include "ws-test-asrun.h"
#include "ws-test-util.h"

/* ---- helpers ----------------------------------------------------------- */

/* a decision line as the gate writes it */
static gchar *
decision_line (guint n)
{
  gchar *instant = g_strdup_printf ("2026-07-01T20:%02u:%02u+01:00",
      (n / 60) % 60, n % 60);
  gchar *reason = g_strdup_printf ("Decision number %u of the test.", n);
  WsAsRunRecord rec = {
    .instant = instant,
    .running_time_ns = (gint64) n * 1000000000,
    .allowed = n % 2 == 0,
    .reason = reason,
    .rule = "uk-watershed",
    .rating = "bbfc:15",
    .policy = "uk-ofcom",
    .service_class = "free-to-air",
    .kind = n % 2 == 0 ? "allowed" : "outside-window",
    .mode = "slate",
    .element = "gate0",
  };
  gchar *line = ws_asrun_format_line (&rec);

  g_free (instant);
  g_free (reason);
  return line;
}

/* writes @n decision lines with @opts and closes the writer */
static void
write_log (const gchar *path, const WsAsRunOptions *opts, guint n)
{
  WsAsRunWriter *w = ws_asrun_writer_open_full (path, opts, NULL, NULL, NULL,
      NULL);

  ck_assert_ptr_nonnull (w);
  for (guint i = 0; i < n; i++) {
    ck_assert (ws_asrun_writer_push (w, decision_line (i)));
    /* small batches, as a live gate makes them */
    if (i % 7 == 6)
      ck_assert (ws_asrun_writer_sync (w));
  }
  ck_assert (ws_asrun_writer_sync (w));
  ws_asrun_writer_close (w);
}

static WsAsRunVerdict *
verify (const gchar *const *paths)
{
  GError *err = NULL;
  WsAsRunVerdict *v = ws_asrun_verify_files (paths, &err);

  ck_assert_msg (v != NULL, "%s", err ? err->message : "");
  return v;
}

static WsAsRunVerdict *
verify_one (const gchar *path)
{
  const gchar *paths[] = { path, NULL };

  return verify (paths);
}

static void
assert_whole (const WsAsRunVerdict *v)
{
  ck_assert_msg (v->whole, "%s:%" G_GUINT64_FORMAT ": %s", v->file, v->line,
      v->problem);
}

static void
assert_broken (const WsAsRunVerdict *v, const gchar *file, guint line,
    const gchar *word)
{
  ck_assert_msg (!v->whole, "verified whole");
  ck_assert_str_eq (v->file, file);
  ck_assert_msg (v->line == line, "line %" G_GUINT64_FORMAT " (want %u): %s",
      v->line, line, v->problem);
  ck_assert_msg (strstr (v->problem, word) != NULL, "\"%s\" not in: %s", word,
      v->problem);
}

static gchar **
read_lines (const gchar *path)
{
  gchar *text = NULL;
  gchar **lines;

  ck_assert (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  g_free (text);
  return lines;
}

/* writes @lines (NULL-terminated, as split on newlines) back */
static void
write_lines (const gchar *path, gchar **lines)
{
  gchar *text = g_strjoinv ("\n", lines);

  ck_assert (g_file_set_contents (path, text, -1, NULL));
  g_free (text);
}

/* removes @path's folder and everything in it */
static void
remove_all (gchar *path)
{
  ws_test_asrun_remove_dir (g_path_get_dirname (path));
  g_free (path);
}

static const WsAsRunOptions defaults = { 0 };

/* ---- whole ------------------------------------------------------------- */

/* every line carries its number and the SHA-256 of the line before it,
 * recomputed here; the header opens the chain */
START_TEST (test_asrun_chain_format)
{
  gchar *path = ws_test_temp_path ("as-run.jsonl");
  WsAsRunOptions opts = { .element = "gate0" };
  gchar **lines;
  WsAsRunVerdict *v;
  guint n;

  write_log (path, &opts, 20);
  lines = read_lines (path);
  n = g_strv_length (lines);
  ck_assert_uint_eq (n, 1 + 20 + 1); /* and the empty piece after the end */
  for (guint i = 0; i + 1 < n; i++) {
    WsAsRunLine *l = ws_asrun_line_parse (lines[i], strlen (lines[i]), NULL);
    gint64 seq = 0;

    ck_assert_ptr_nonnull (l);
    ck_assert (ws_asrun_line_get_int (l, "seq", &seq));
    ck_assert_int_eq (seq, i + 1);
    if (i == 0) {
      const gchar *nonce = ws_asrun_line_get_string (l, "nonce");

      ck_assert_str_eq (ws_asrun_line_get_string (l, "asrun_header"),
          "watershed-asrun");
      ck_assert_uint_eq (strlen (nonce), 32);
      ck_assert_str_eq (ws_asrun_line_get_string (l, "chain"), nonce);
      ck_assert_str_eq (ws_asrun_line_get_string (l, "opened_by"), "gate0");
      ck_assert (ws_asrun_line_has (l, "prev"));
      ck_assert_ptr_null (ws_asrun_line_get_string (l, "prev"));
    } else {
      gchar *with_nl = g_strconcat (lines[i - 1], "\n", NULL);
      gchar *want = g_compute_checksum_for_string (G_CHECKSUM_SHA256, with_nl,
          -1);

      ck_assert_str_eq (ws_asrun_line_get_string (l, "prev"), want);
      /* the record's own keys come first, unchanged */
      ck_assert (g_str_has_prefix (lines[i], "{\"instant\": "));
      ck_assert_str_eq (ws_asrun_line_get_string (l, "element"), "gate0");
      g_free (with_nl);
      g_free (want);
    }
    ws_asrun_line_free (l);
  }
  v = verify_one (path);
  assert_whole (v);
  ck_assert_uint_eq (v->n_lines, 21);
  ck_assert_uint_eq (v->notes->len, 0);
  ws_asrun_verdict_free (v);
  g_strfreev (lines);
  remove_all (path);
}
END_TEST

typedef struct {
  WsAsRunWriter *w;
  guint n;
} Pusher;

static gpointer
push_lines (gpointer data)
{
  Pusher *p = data;

  for (guint i = 0; i < p->n; i++)
    ck_assert (ws_asrun_writer_push (p->w, decision_line (i)));
  return NULL;
}

/* four threads pushing into two writers of one file: one chain */
START_TEST (test_asrun_chain_threads_and_writers)
{
  gchar *path = ws_test_temp_path ("as-run.jsonl");
  WsAsRunOptions opts = { .max_queued = 1000, .checkpoint_lines = 50 };
  WsAsRunWriter *w[2];
  GThread *threads[4];
  Pusher pushers[4];
  WsAsRunVerdict *v;

  for (guint k = 0; k < 2; k++) {
    w[k] = ws_asrun_writer_open_full (path, &opts, NULL, NULL, NULL, NULL);
    ck_assert_ptr_nonnull (w[k]);
  }
  for (guint t = 0; t < 4; t++) {
    pushers[t] = (Pusher){ w[t % 2], 200 };
    threads[t] = g_thread_new ("pusher", push_lines, &pushers[t]);
  }
  for (guint t = 0; t < 4; t++)
    g_thread_join (threads[t]);
  ws_asrun_writer_close (w[0]);
  ws_asrun_writer_close (w[1]);
  v = verify_one (path);
  assert_whole (v);
  /* one header, 800 records, a checkpoint before every 50 lines after it */
  ck_assert_uint_eq (v->n_lines, 1 + 800 + 800 / 50);
  ws_asrun_verdict_free (v);
  remove_all (path);
}
END_TEST

/* ---- tampering ---------------------------------------------------------- */

/* one byte of line 7's reason changed: line 7 is named */
START_TEST (test_asrun_chain_edited_byte)
{
  gchar *path = ws_test_temp_path ("as-run.jsonl");
  gchar **lines;
  gchar *p;
  WsAsRunVerdict *v;

  write_log (path, &defaults, 20);
  lines = read_lines (path);
  p = strstr (lines[6], "Decision number");
  ck_assert_ptr_nonnull (p);
  p[0] = 'd';
  write_lines (path, lines);
  v = verify_one (path);
  assert_broken (v, path, 7, "changed");
  ws_asrun_verdict_free (v);

  /* the edit in the hash of the line before it: still line 7 */
  p[0] = 'D';
  p = strstr (lines[6], "\"prev\": \"");
  p[9] = p[9] == 'a' ? 'b' : 'a';
  write_lines (path, lines);
  v = verify_one (path);
  assert_broken (v, path, 7, "changed");
  ws_asrun_verdict_free (v);

  /* and in the header */
  p[9] = p[9] == 'a' ? 'b' : 'a';
  p = strstr (lines[0], "\"nonce\": \"");
  p[10] = p[10] == '0' ? '1' : '0';
  write_lines (path, lines);
  v = verify_one (path);
  assert_broken (v, path, 1, "changed");
  ws_asrun_verdict_free (v);
  g_strfreev (lines);
  remove_all (path);
}
END_TEST

/* line 9 removed: the line now 9 is named */
START_TEST (test_asrun_chain_deleted_line)
{
  gchar *path = ws_test_temp_path ("as-run.jsonl");
  gchar **lines;
  WsAsRunVerdict *v;

  write_log (path, &defaults, 20);
  lines = read_lines (path);
  g_free (lines[8]);
  memmove (lines + 8, lines + 9,
      (g_strv_length (lines + 9) + 1) * sizeof (gchar *));
  write_lines (path, lines);
  v = verify_one (path);
  assert_broken (v, path, 9, "removed");
  ws_asrun_verdict_free (v);
  g_strfreev (lines);
  remove_all (path);
}
END_TEST

/* lines 12 and 13 swapped: line 12 is named */
START_TEST (test_asrun_chain_swapped_lines)
{
  gchar *path = ws_test_temp_path ("as-run.jsonl");
  gchar **lines;
  gchar *t;
  WsAsRunVerdict *v;

  write_log (path, &defaults, 20);
  lines = read_lines (path);
  t = lines[11];
  lines[11] = lines[12];
  lines[12] = t;
  write_lines (path, lines);
  v = verify_one (path);
  assert_broken (v, path, 12, "reordered");
  ws_asrun_verdict_free (v);
  g_strfreev (lines);
  remove_all (path);
}
END_TEST

/* a line added without the chain, and a checkpoint that lies */
START_TEST (test_asrun_chain_inserted_and_checkpoint)
{
  gchar *path = ws_test_temp_path ("as-run.jsonl");
  WsAsRunOptions opts = { .checkpoint_lines = 5 };
  gchar **lines, **with;
  gchar *p;
  guint n, ck = 0;
  WsAsRunVerdict *v;

  write_log (path, &opts, 20);
  lines = read_lines (path);
  n = g_strv_length (lines);
  with = g_new0 (gchar *, n + 2);
  for (guint i = 0, k = 0; i < n; i++) {
    if (i == 4)
      with[k++] = g_strdup ("{\"instant\": \"2026-07-01T20:00:00+01:00\"}");
    with[k++] = g_strdup (lines[i]);
  }
  write_lines (path, with);
  v = verify_one (path);
  assert_broken (v, path, 5, "inserted");
  ws_asrun_verdict_free (v);
  g_strfreev (with);

  /* a checkpoint's byte count changed */
  for (guint i = 0; i < n && ck == 0; i++)
    if (g_str_has_prefix (lines[i], "{\"checkpoint\""))
      ck = i;
  ck_assert_uint_gt (ck, 0);
  p = strstr (lines[ck], "\"bytes\": ");
  ck_assert_ptr_nonnull (p);
  p[9] = p[9] == '1' ? '2' : '1';
  write_lines (path, lines);
  v = verify_one (path);
  ck_assert (!v->whole);
  ck_assert_uint_eq (v->line, ck + 1);
  ws_asrun_verdict_free (v);
  g_strfreev (lines);
  remove_all (path);
}
END_TEST

/* What the chain alone cannot show (the end cut at a line boundary, the
 * last line changed) is found against a hash noted earlier. */
START_TEST (test_asrun_chain_anchor)
{
  gchar *path = ws_test_temp_path ("as-run.jsonl");
  const gchar *paths[] = { path, NULL };
  gchar anchor[65];
  const gchar *anchors[] = { anchor, NULL };
  gchar **lines;
  guint n;
  WsAsRunVerdict *v;
  GError *err = NULL;

  write_log (path, &defaults, 20);
  v = verify_one (path);
  g_strlcpy (anchor, v->last_hash, sizeof anchor);
  ws_asrun_verdict_free (v);
  v = ws_asrun_verify_files_anchored (paths, anchors, &err);
  assert_whole (v);
  ws_asrun_verdict_free (v);

  /* the last two lines cut */
  lines = read_lines (path);
  n = g_strv_length (lines);
  g_free (lines[n - 3]);
  lines[n - 3] = g_strdup ("");
  g_free (lines[n - 2]);
  g_free (lines[n - 1]);
  lines[n - 2] = lines[n - 1] = NULL;
  write_lines (path, lines);
  v = verify_one (path);
  assert_whole (v);
  ck_assert_uint_eq (v->n_lines, 19);
  ws_asrun_verdict_free (v);
  v = ws_asrun_verify_files_anchored (paths, anchors, &err);
  assert_broken (v, path, 19, "noted earlier");
  ws_asrun_verdict_free (v);
  g_strfreev (lines);

  /* a line appended, its hash noted, then the line changed */
  write_log (path, &defaults, 1);
  v = verify_one (path);
  g_strlcpy (anchor, v->last_hash, sizeof anchor);
  ws_asrun_verdict_free (v);
  lines = read_lines (path);
  n = g_strv_length (lines);
  *strstr (lines[n - 2], "Decision") = 'd';
  write_lines (path, lines);
  v = verify_one (path);
  assert_whole (v);
  ws_asrun_verdict_free (v);
  v = ws_asrun_verify_files_anchored (paths, anchors, &err);
  assert_broken (v, path, 20, "noted earlier");
  ws_asrun_verdict_free (v);
  g_strfreev (lines);
  remove_all (path);
}
END_TEST

/* ---- crashes ------------------------------------------------------------- */

/* A child writes decisions in a loop and is killed with SIGKILL: the log
 * verifies. A torn last line (what a power cut mid-write leaves) is a note
 * naming its line, not tampering; the next writer cuts it and the chain
 * goes on. */
START_TEST (test_asrun_chain_sigkill)
{
  gchar *path = ws_test_temp_path ("as-run.jsonl");
  gchar *torn, *line, *text;
  WsAsRunVerdict *v;
  int status = 0;
  pid_t pid;
  guint64 n;

  pid = fork ();
  ck_assert_int_ge (pid, 0);
  if (pid == 0) {
    WsAsRunWriter *w = ws_asrun_writer_open (path, 0, NULL, NULL, NULL, NULL);

    if (w == NULL)
      _exit (4);
    for (guint i = 0;; i++) {
      ws_asrun_writer_push (w, decision_line (i));
      if (i % 5 == 4)
        ws_asrun_writer_sync (w);
    }
    _exit (3);
  }
  ck_assert_uint_ge (ws_test_wait_lines (path, 40), 40);
  ck_assert_int_eq (kill (pid, SIGKILL), 0);
  ck_assert_int_eq (waitpid (pid, &status, 0), pid);
  ck_assert (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);

  v = verify_one (path);
  assert_whole (v);
  n = v->n_lines;
  ck_assert_uint_ge (n, 41);
  ws_asrun_verdict_free (v);

  /* the power-cut case: half a line at the end */
  line = decision_line (9999);
  torn = g_strndup (line, strlen (line) / 2);
  ck_assert (g_file_get_contents (path, &text, NULL, NULL));
  {
    gchar *more = g_strconcat (text, torn, NULL);

    ck_assert (g_file_set_contents (path, more, -1, NULL));
    g_free (more);
  }
  v = verify_one (path);
  assert_whole (v);
  ck_assert_uint_eq (v->n_lines, n);
  ck_assert_uint_eq (v->notes->len, 1);
  {
    gchar *want = g_strdup_printf (":%" G_GUINT64_FORMAT ": torn tail", n + 1);

    ck_assert_msg (strstr (g_ptr_array_index (v->notes, 0), want) != NULL, "%s",
        (gchar *) g_ptr_array_index (v->notes, 0));
    g_free (want);
  }
  ws_asrun_verdict_free (v);

  /* the next writer cuts the torn line and continues the chain */
  write_log (path, &defaults, 3);
  v = verify_one (path);
  assert_whole (v);
  ck_assert_uint_eq (v->n_lines, n + 3);
  ck_assert_uint_eq (v->notes->len, 0);
  ws_asrun_verdict_free (v);

  g_free (line);
  g_free (torn);
  g_free (text);
  remove_all (path);
}
END_TEST

/* ---- rotation ------------------------------------------------------------ */

/* By size: the files verify as one chain given in any order; a removed
 * middle file, and a rotated file cut short, are found. */
START_TEST (test_asrun_chain_rotation)
{
  gchar *path = ws_test_temp_path ("as-run.jsonl");
  gchar *dir = g_path_get_dirname (path);
  WsAsRunOptions opts = { .rotate_size_bytes = 3000, .element = "gate0" };
  GPtrArray *order;
  gchar **files;
  guint n_files;
  const gchar **paths;
  WsAsRunVerdict *v;
  guint64 total = 0;
  gchar *first_text = NULL;
  gsize first_len = 0;

  write_log (path, &opts, 60);
  files = ws_test_asrun_files (dir);
  n_files = g_strv_length (files);
  ck_assert_uint_ge (n_files, 4);
  /* every file but the newest (the path itself) was renamed by rotation;
   * each is at most the limit */
  paths = g_new0 (const gchar *, n_files + 1);
  for (guint i = 0; i < n_files; i++) {
    GStatBuf st;

    /* reversed: the order comes from the headers, not the names */
    paths[i] = files[n_files - 1 - i];
    ck_assert_int_eq (g_stat (paths[i], &st), 0);
    ck_assert_int_le (st.st_size, 3000);
  }
  v = verify (paths);
  assert_whole (v);
  ck_assert_uint_eq (v->files->len, n_files);
  /* the newest last; every file's lines counted */
  ck_assert_str_eq (g_ptr_array_index (v->files, v->files->len - 1), path);
  order = g_ptr_array_ref (v->files);
  for (guint i = 0; i < n_files; i++) {
    gchar **lines = read_lines (g_ptr_array_index (order, i));

    total += g_strv_length (lines) - 1;
    g_strfreev (lines);
  }
  ck_assert_uint_eq (v->n_lines, total);
  /* 60 records and a header per file */
  ck_assert_uint_eq (total, 60 + n_files);
  ws_asrun_verdict_free (v);

  /* the second file removed: the third is named at its line 1 */
  {
    const gchar **without = g_new0 (const gchar *, n_files);
    guint k = 0;

    for (guint i = 0; i < order->len; i++)
      if (i != 1)
        without[k++] = g_ptr_array_index (order, i);
    v = verify (without);
    assert_broken (v, g_ptr_array_index (order, 2), 1, "removed");
    ws_asrun_verdict_free (v);
    g_free (without);
  }

  /* the first file cut in the middle of its fourth line */
  {
    const gchar *first = g_ptr_array_index (order, 0);
    gchar **lines = read_lines (first);
    gsize cut = strlen (lines[0]) + strlen (lines[1]) + strlen (lines[2]) + 3 +
                strlen (lines[3]) / 2;

    ck_assert (g_file_get_contents (first, &first_text, &first_len, NULL));
    ck_assert (g_file_set_contents (first, first_text, (gssize) cut, NULL));
    v = verify (paths);
    assert_broken (v, first, 4, "truncated");
    ws_asrun_verdict_free (v);

    /* at a line boundary: the same */
    cut = strlen (lines[0]) + strlen (lines[1]) + strlen (lines[2]) + 3;
    ck_assert (g_file_set_contents (first, first_text, (gssize) cut, NULL));
    v = verify (paths);
    assert_broken (v, first, 4, "truncated");
    ws_asrun_verdict_free (v);
    g_strfreev (lines);
  }

  g_free (first_text);
  g_ptr_array_unref (order);
  g_free (paths);
  g_strfreev (files);
  g_free (dir);
  remove_all (path);
}
END_TEST

/* By day: a log whose header says it was created yesterday (UTC) is
 * rotated at the first line of today; old and new verify as one chain. The
 * header is rewritten and the chain recomputed here, as only a test (or a
 * forger, which is why --anchor exists) does. */
START_TEST (test_asrun_chain_rotation_daily)
{
  gchar *path = ws_test_temp_path ("as-run.jsonl");
  gchar *dir = g_path_get_dirname (path);
  WsAsRunOptions opts = { .rotate_daily = TRUE };
  gchar **lines, **files, *p;
  GDateTime *now = g_date_time_new_now_utc ();
  GDateTime *yesterday = g_date_time_add_days (now, -1);
  gchar *day = g_date_time_format (yesterday, "%Y-%m-%d");
  WsAsRunVerdict *v;

  write_log (path, &opts, 3);
  lines = read_lines (path);
  p = strstr (lines[0], "\"created\": \"");
  ck_assert_ptr_nonnull (p);
  memcpy (p + 12, day, 10);
  for (guint i = 1; lines[i] != NULL && *lines[i] != '\0'; i++) {
    gchar *with_nl = g_strconcat (lines[i - 1], "\n", NULL);
    gchar *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, with_nl,
        -1);
    gchar *at = g_strrstr (lines[i], ", \"prev\": ");
    gchar *fixed;

    *at = '\0';
    fixed = g_strdup_printf ("%s, \"prev\": \"%s\"}", lines[i], hash);
    g_free (lines[i]);
    lines[i] = fixed;
    g_free (with_nl);
    g_free (hash);
  }
  write_lines (path, lines);
  v = verify_one (path);
  assert_whole (v);
  ws_asrun_verdict_free (v);

  write_log (path, &opts, 2);
  files = ws_test_asrun_files (dir);
  ck_assert_uint_eq (g_strv_length (files), 2);
  v = verify ((const gchar *const *) files);
  assert_whole (v);
  /* 1 + 3 lines of yesterday's file, then a header and 2 lines */
  ck_assert_uint_eq (v->n_lines, 1 + 3 + 1 + 2);
  ck_assert_str_eq (g_ptr_array_index (v->files, 1), path);
  ws_asrun_verdict_free (v);
  /* the new file does not rotate again the same day (unless the test ran
   * across midnight UTC) */
  write_log (path, &opts, 1);
  g_strfreev (files);
  files = ws_test_asrun_files (dir);
  {
    GDateTime *after = g_date_time_new_now_utc ();

    if (g_date_time_get_day_of_year (after) ==
        g_date_time_get_day_of_year (now))
      ck_assert_uint_eq (g_strv_length (files), 2);
    g_date_time_unref (after);
  }

  g_strfreev (files);
  g_strfreev (lines);
  g_free (day);
  g_date_time_unref (yesterday);
  g_date_time_unref (now);
  g_free (dir);
  remove_all (path);
}
END_TEST

/* a log written before the chain keeps its lines; the chain starts after
 * them, and they are noted as not verified */
START_TEST (test_asrun_chain_after_old_log)
{
  gchar *path = ws_test_temp_path ("as-run.jsonl");
  gchar *old = decision_line (1);
  WsAsRunVerdict *v;

  ck_assert (g_file_set_contents (path, old, -1, NULL));
  write_log (path, &defaults, 5);
  v = verify_one (path);
  assert_whole (v);
  ck_assert_uint_eq (v->n_lines, 1 + 1 + 5);
  ck_assert_uint_eq (v->notes->len, 1);
  ck_assert (
      strstr (g_ptr_array_index (v->notes, 0), ":1-1: written before "
                                               "the hash chain") != NULL);
  ws_asrun_verdict_free (v);
  g_free (old);
  remove_all (path);
}
END_TEST

/* what is not a chain at all, and unreadable files */
START_TEST (test_asrun_chain_errors)
{
  const gchar *names[] = { "a.jsonl" };
  const gchar *data[] = {
    "{\"instant\": \"x\", \"seq\": 1, \"prev\": null}\n"
  };
  gsize lens[] = { strlen (data[0]) };
  const gchar *missing[] = { "/nonexistent/as-run.jsonl", NULL };
  const gchar *none[] = { NULL };
  WsAsRunVerdict *v = ws_asrun_verify_memory (names, data, lens, 1);
  GError *err = NULL;

  assert_broken (v, "a.jsonl", 1, "header");
  ws_asrun_verdict_free (v);
  ck_assert_ptr_null (ws_asrun_verify_files (missing, &err));
  ck_assert (strstr (err->message, "/nonexistent/as-run.jsonl") != NULL);
  g_clear_error (&err);
  ck_assert_ptr_null (ws_asrun_verify_files (none, &err));
  g_clear_error (&err);
}
END_TEST

/* the line parser: what the writer writes, and what it refuses */
START_TEST (test_asrun_line_parse)
{
  const gchar *ok = "{\"a\": \"x\\u00e9\\ud83d\\ude00\\n\", \"b\": -12, "
                    "\"c\": true, \"d\": null, \"e\": 1.5e3}";
  const gchar *bad[] = { "", "[]", "{\"a\": {}}", "{\"a\": 1,}", "{\"a\": 1} x",
    "{\"a\": 1, \"a\": 2}", "{\"a\": \"\\ud800\"}", "{\"a\": \"\\u0000\"}",
    "{\"a\": \"\xff\"}", "{\"a\": 01}", "{\"a\" 1}", "{\"a\": tru}",
    "{\"a\": \"x}" };
  WsAsRunLine *l = ws_asrun_line_parse (ok, strlen (ok), NULL);
  gint64 n = 0;
  gboolean b = FALSE;

  ck_assert_ptr_nonnull (l);
  ck_assert_str_eq (ws_asrun_line_get_string (l, "a"),
      "x\xc3\xa9\xf0\x9f\x98\x80\n");
  ck_assert (ws_asrun_line_get_int (l, "b", &n));
  ck_assert_int_eq (n, -12);
  ck_assert (ws_asrun_line_get_bool (l, "c", &b) && b);
  ck_assert (ws_asrun_line_has (l, "d"));
  ck_assert_ptr_null (ws_asrun_line_get_string (l, "d"));
  ck_assert (!ws_asrun_line_get_int (l, "e", &n));
  ws_asrun_line_free (l);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    GError *err = NULL;

    l = ws_asrun_line_parse (bad[i], strlen (bad[i]), &err);
    ck_assert_msg (l == NULL, "accepted: %s", bad[i]);
    ck_assert (g_str_has_prefix (err->message, "byte "));
    g_error_free (err);
  }
}
END_TEST

static Suite *
asrun_chain_suite (void)
{
  Suite *s = suite_create ("asrun_chain");
  TCase *core = tcase_create ("core");
  TCase *tamper = tcase_create ("tampering");
  TCase *limits = tcase_create ("limits");

  tcase_add_test (core, test_asrun_chain_format);
  tcase_add_test (core, test_asrun_chain_threads_and_writers);
  tcase_add_test (core, test_asrun_line_parse);
  tcase_add_test (tamper, test_asrun_chain_edited_byte);
  tcase_add_test (tamper, test_asrun_chain_deleted_line);
  tcase_add_test (tamper, test_asrun_chain_swapped_lines);
  tcase_add_test (tamper, test_asrun_chain_inserted_and_checkpoint);
  tcase_add_test (tamper, test_asrun_chain_anchor);
  tcase_add_test (limits, test_asrun_chain_sigkill);
  tcase_add_test (limits, test_asrun_chain_rotation);
  tcase_add_test (limits, test_asrun_chain_rotation_daily);
  tcase_add_test (limits, test_asrun_chain_after_old_log);
  tcase_add_test (limits, test_asrun_chain_errors);
  tcase_set_timeout (limits, 120);
  suite_add_tcase (s, core);
  suite_add_tcase (s, tamper);
  suite_add_tcase (s, limits);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (asrun_chain_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
