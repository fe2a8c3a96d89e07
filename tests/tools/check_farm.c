/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed on a farm: `check --shard K/N|auto`, `report merge` and
 * `check --resume DIR [--resume-hash]`. Shards are stable (a new file moves
 * only itself) and cover the batch once; merged parts give the very report
 * of one run; parts that do not make one run are refused; a run killed
 * part-way (SIGKILL) resumes with only the missing files checked. Media is
 * made here by ffmpeg; skipped (77) without it. */
#include <check.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ws-error.h"
#include "ws-farm.h"
#include "ws-report-read.h"
#include "ws-test-cli.h"

static char *tmp_dir;

static char *
tmp_path (const char *relative)
{
  return g_build_filename (tmp_dir, relative, NULL);
}

/* ---- media --------------------------------------------------------------- */

#define FFMPEG WS_TEST_FFMPEG
#define TONE(seconds) "sine=frequency=1000:sample_rate=48000:duration=" seconds
#define STEREO(gain) "[1:a]volume=" gain ",pan=stereo|c0=c0|c1=c0[a]"

static const char sidecar_bbfc15[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" version=\"1\">\n"
    " <programme id=\"T\" title=\"Test\">\n"
    "  <rating territory=\"GB\" system=\"bbfc\" code=\"15\"/>\n"
    " </programme>\n"
    "</watershed-metadata>\n";

/* src/good.mp4 (-23 LUFS; with a bbfc:15 sidecar it passes), src/loud.mp4
 * (-10 LUFS: fails), src/long.mp4 (8 s, for the run that is killed) */
static gboolean
make_media (void)
{
  char *dir = tmp_path ("src"), *good = tmp_path ("src/good.mp4");
  char *loud = tmp_path ("src/loud.mp4"), *lng = tmp_path ("src/long.mp4");
  gboolean ok = g_mkdir_with_parents (dir, 0700) == 0 &&
                FFMPEG ("-f", "lavfi", "-i",
                    "testsrc2=size=160x90:rate=25:duration=2", "-f", "lavfi",
                    "-i", TONE ("2"), "-filter_complex", STEREO ("-5dB"),
                    "-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-preset",
                    "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", good) &&
                FFMPEG ("-f", "lavfi", "-i",
                    "testsrc2=size=160x90:rate=25:duration=2", "-f", "lavfi",
                    "-i", TONE ("2"), "-filter_complex", STEREO ("8dB"), "-map",
                    "0:v", "-map", "[a]", "-c:v", "libx264", "-preset",
                    "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", loud) &&
                FFMPEG ("-f", "lavfi", "-i",
                    "testsrc2=size=320x180:rate=25:duration=8", "-f", "lavfi",
                    "-i", TONE ("8"), "-filter_complex", STEREO ("-5dB"),
                    "-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-preset",
                    "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", lng);

  g_free (dir);
  g_free (good);
  g_free (loud);
  g_free (lng);
  return ok;
}

static void
copy_file (const char *from, const char *to)
{
  char *data = NULL;
  gsize len = 0;

  ck_assert_msg (g_file_get_contents (from, &data, &len, NULL) &&
                     g_file_set_contents (to, data, (gssize) len, NULL),
      "cannot copy %s to %s", from, to);
  g_free (data);
}

/* A fresh folder @name: good.mp4 (+ good.xml), loud.mp4, broken.mp4 when
 * @broken, and sub/cNN.mp4 copies (odd ones loud) for @copies; the files
 * of @source (src/good.mp4 by default) for the copies. (transfer full) */
static char *
make_batch (const char *name, int copies, gboolean broken, const char *source)
{
  char *dir = tmp_path (name), *sub = g_build_filename (dir, "sub", NULL);
  char *src_good = tmp_path (source ? source : "src/good.mp4");
  char *src_loud = tmp_path ("src/loud.mp4");
  char *p;

  ws_test_remove_tree (dir);
  ck_assert_int_eq (g_mkdir_with_parents (sub, 0700), 0);
  p = g_build_filename (dir, "good.mp4", NULL);
  copy_file (src_good, p);
  g_free (p);
  p = g_build_filename (dir, "good.xml", NULL);
  ck_assert (g_file_set_contents (p, sidecar_bbfc15, -1, NULL));
  g_free (p);
  p = g_build_filename (dir, "loud.mp4", NULL);
  copy_file (src_loud, p);
  g_free (p);
  if (broken) {
    p = g_build_filename (dir, "broken.mp4", NULL);
    ck_assert (g_file_set_contents (p, "not a video\n", -1, NULL));
    g_free (p);
  }
  for (int i = 0; i < copies; i++) {
    char name_i[32];

    g_snprintf (name_i, sizeof (name_i), "c%02d.mp4", i);
    p = g_build_filename (sub, name_i, NULL);
    copy_file (i % 2 ? src_loud : src_good, p);
    g_free (p);
  }
  g_free (src_good);
  g_free (src_loud);
  g_free (sub);
  return dir;
}

/* ---- running watershed ---------------------------------------------------- */

/* Runs watershed with @args (NULL-terminated) and @envp (NULL: ours). */
static WsTestRun
run_args (char **envp, const char *const *args)
{
  return ws_test_run_env (g_getenv ("WS_WATERSHED"), args, envp);
}

#define RUN(...) run_args (NULL, (const char *const[]){ __VA_ARGS__, NULL })
#define RUN_ENV(envp, ...) \
  run_args (envp, (const char *const[]){ __VA_ARGS__, NULL })

/* Our environment without a farm's variables. (transfer full) */
static char **
plain_environ (void)
{
  char **env = g_get_environ ();
  const char *farm[] = { "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT",
    "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX", "JOB_COMPLETION_INDEX" };

  for (gsize i = 0; i < G_N_ELEMENTS (farm); i++)
    env = g_environ_unsetenv (env, farm[i]);
  return env;
}

/* `check DIR --shard K/N --json` into @part; returns the exit status. */
static int
check_shard (const char *dir, guint k, guint n, const char *part,
    const char *extra)
{
  char spec[32];
  WsTestRun r;
  int status;

  g_snprintf (spec, sizeof (spec), "%u/%u", k, n);
  if (extra != NULL)
    r = RUN ("check", dir, "--shard", spec, "--json", "--no-progress", extra);
  else
    r = RUN ("check", dir, "--shard", spec, "--json", "--no-progress");
  ck_assert_msg (r.status <= 2, "check --shard %s: %d: %s", spec, r.status,
      r.err);
  ck_assert (g_file_set_contents (part, r.out, -1, NULL));
  status = r.status;
  ws_test_run_clear (&r);
  return status;
}

/* The parts of @dir in N shards, as "farmN-K.json" in the temporary folder.
 * (transfer full) */
static char **
check_all_shards (const char *dir, guint n, const char *extra)
{
  char **parts = g_new0 (char *, n + 1);

  for (guint k = 0; k < n; k++) {
    char name[32];

    g_snprintf (name, sizeof (name), "farm%u-%u.json", n, k);
    parts[k] = tmp_path (name);
    check_shard (dir, k, n, parts[k], extra);
  }
  return parts;
}

/* path -> shard, from the parts; every file in one shard only. */
static GHashTable *
shard_of_paths (char **parts, guint *files_total)
{
  GHashTable *where = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);

  for (guint k = 0; parts[k]; k++) {
    char *text = NULL;
    gsize len = 0;
    GError *error = NULL;
    WsReportReadPart *p;

    ck_assert (g_file_get_contents (parts[k], &text, &len, NULL));
    p = ws_report_read_part (text, len, parts[k], &error);
    ck_assert_msg (p != NULL, "%s", error ? error->message : "");
    ck_assert_uint_eq (p->shard_index, k);
    *files_total = p->files_total;
    for (guint i = 0; i < p->files->len; i++) {
      const WsReportReadEntry *e = p->files->pdata[i];

      ck_assert_msg (g_hash_table_insert (where, g_strdup (e->file->path),
                         GUINT_TO_POINTER (k)),
          "%s is in two shards", e->file->path);
    }
    ws_report_read_part_free (p);
    g_free (text);
  }
  return where;
}

static void
remove_parts (char **parts)
{
  for (guint k = 0; parts[k]; k++)
    g_unlink (parts[k]);
  g_strfreev (parts);
}

/* ---- shards --------------------------------------------------------------- */

START_TEST (test_farm_shards_cover_and_stay)
{
  char *dir = make_batch ("stable", 10, FALSE, NULL);
  char **parts = check_all_shards (dir, 3, NULL);
  GHashTable *before, *after;
  GHashTableIter it;
  gpointer key, value;
  guint total = 0, moved = 0;
  char *added = g_build_filename (dir, "sub", "added.mp4", NULL);
  char *src = tmp_path ("src/good.mp4");
  int prefix = (int) strlen (dir) + 1;

  /* every file in exactly one shard, the one its relative path hashes to */
  before = shard_of_paths (parts, &total);
  ck_assert_uint_eq (total, 12);
  ck_assert_uint_eq (g_hash_table_size (before), 12);
  g_hash_table_iter_init (&it, before);
  while (g_hash_table_iter_next (&it, &key, &value))
    ck_assert_uint_eq (ws_farm_shard_of ((const char *) key + prefix, 3),
        GPOINTER_TO_UINT (value));
  remove_parts (parts);

  /* a file added: it lands in one shard, no other file moves */
  copy_file (src, added);
  parts = check_all_shards (dir, 3, NULL);
  after = shard_of_paths (parts, &total);
  ck_assert_uint_eq (total, 13);
  ck_assert_uint_eq (g_hash_table_size (after), 13);
  g_hash_table_iter_init (&it, before);
  while (g_hash_table_iter_next (&it, &key, &value))
    if (g_hash_table_lookup (after, key) != value)
      moved++;
  ck_assert_uint_eq (moved, 0);
  ck_assert (g_hash_table_contains (after, added));
  ck_assert_uint_eq (GPOINTER_TO_UINT (g_hash_table_lookup (after, added)),
      ws_farm_shard_of ("sub/added.mp4", 3));

  g_hash_table_unref (before);
  g_hash_table_unref (after);
  remove_parts (parts);
  ws_test_remove_tree (dir);
  g_free (dir);
  g_free (added);
  g_free (src);
}
END_TEST

/* The "part" of a shard run's JSON: K and N. */
static void
assert_part (const WsTestRun *r, gint64 k, gint64 n)
{
  JsonParser *parser = json_parser_new ();
  JsonObject *o, *part;

  ck_assert_msg (r->status <= 1, "exit %d: %s", r->status, r->err);
  o = ws_test_parse_object (parser, r->out);
  part = json_object_get_object_member (o, "part");
  ck_assert (part != NULL);
  ck_assert_int_eq (json_object_get_int_member (part, "shard_index"), k);
  ck_assert_int_eq (json_object_get_int_member (part, "shard_count"), n);
  ck_assert_int_eq (json_object_get_int_member (part, "files_total"), 4);
  g_object_unref (parser);
}

START_TEST (test_farm_shard_auto)
{
  char *dir = make_batch ("auto", 2, FALSE, NULL);
  char **env = plain_environ ();
  char **e;
  WsTestRun r;

  /* Slurm 22.05: SLURM_ARRAY_TASK_ID and _COUNT */
  e = g_environ_setenv (g_strdupv (env), "SLURM_ARRAY_TASK_ID", "1", TRUE);
  e = g_environ_setenv (e, "SLURM_ARRAY_TASK_COUNT", "3", TRUE);
  r = RUN_ENV (e, "check", dir, "--shard", "auto", "--json", "--no-progress");
  assert_part (&r, 1, 3);
  ws_test_run_clear (&r);
  g_strfreev (e);

  /* no _COUNT: _MIN and _MAX (an array 1-4: task 3 is shard 2 of 4) */
  e = g_environ_setenv (g_strdupv (env), "SLURM_ARRAY_TASK_ID", "3", TRUE);
  e = g_environ_setenv (e, "SLURM_ARRAY_TASK_MIN", "1", TRUE);
  e = g_environ_setenv (e, "SLURM_ARRAY_TASK_MAX", "4", TRUE);
  r = RUN_ENV (e, "check", dir, "--shard", "auto", "--json", "--no-progress");
  assert_part (&r, 2, 4);
  ws_test_run_clear (&r);

  /* a stepped array does not number the shards */
  e = g_environ_setenv (e, "SLURM_ARRAY_TASK_COUNT", "2", TRUE);
  r = RUN_ENV (e, "check", dir, "--shard", "auto", "--json", "--no-progress");
  ck_assert_int_eq (r.status, 2);
  ck_assert_ptr_nonnull (strstr (r.err, "--array=0-1"));
  ws_test_run_clear (&r);
  g_strfreev (e);

  /* Kubernetes Indexed Job: JOB_COMPLETION_INDEX and --shard-count */
  e = g_environ_setenv (g_strdupv (env), "JOB_COMPLETION_INDEX", "2", TRUE);
  r = RUN_ENV (e, "check", dir, "--shard", "auto", "--shard-count", "5",
      "--json", "--no-progress");
  assert_part (&r, 2, 5);
  ws_test_run_clear (&r);
  r = RUN_ENV (e, "check", dir, "--shard", "auto", "--no-progress");
  ck_assert_int_eq (r.status, 2);
  ck_assert_ptr_nonnull (strstr (r.err, "--shard-count N"));
  ws_test_run_clear (&r);
  r = RUN_ENV (e, "check", dir, "--shard", "auto", "--shard-count", "2",
      "--no-progress");
  ck_assert_int_eq (r.status, 2);
  ck_assert_ptr_nonnull (strstr (r.err, "JOB_COMPLETION_INDEX=\"2\""));
  ws_test_run_clear (&r);
  g_strfreev (e);

  /* neither */
  r = RUN_ENV (env, "check", dir, "--shard", "auto", "--no-progress");
  ck_assert_int_eq (r.status, 2);
  ck_assert_ptr_nonnull (strstr (r.err, "neither SLURM_ARRAY_TASK_ID"));
  ws_test_run_clear (&r);

  /* K/N refused when it is not one */
  {
    const char *bad[] = { "3/3", "1/0", "a/b", "2", "-1/3", "1/3x" };

    for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
      r = RUN_ENV (env, "check", dir, "--shard", bad[i], "--no-progress");
      ck_assert_msg (r.status == 2, "--shard %s: exit %d", bad[i], r.status);
      ck_assert_ptr_nonnull (strstr (r.err, "--shard"));
      ws_test_run_clear (&r);
    }
  }
  g_strfreev (env);
  ws_test_remove_tree (dir);
  g_free (dir);
}
END_TEST

/* ---- merge ---------------------------------------------------------------- */

static char *
read_text (const char *path)
{
  char *text = NULL;

  ck_assert_msg (g_file_get_contents (path, &text, NULL, NULL),
      "cannot read %s", path);
  return text;
}

/* The merge of @parts equals one run over @dir: JSON, CSV, exit status. */
static void
assert_merge_equals_single (const char *dir, char **parts, int want_status)
{
  char *csv1 = tmp_path ("single.csv"), *csv2 = tmp_path ("merged.csv");
  char *json2 = tmp_path ("merged.json");
  char *t1, *t2, *j2;
  WsTestRun single, merged, table;
  GPtrArray *args = g_ptr_array_new ();

  single = RUN ("check", dir, "--json", "--no-progress", "--csv", csv1);
  ck_assert_int_eq (single.status, want_status);
  g_ptr_array_add (args, (gpointer) "report");
  g_ptr_array_add (args, (gpointer) "merge");
  for (guint k = 0; parts[k]; k++)
    g_ptr_array_add (args, parts[k]);
  g_ptr_array_add (args, (gpointer) "--json");
  g_ptr_array_add (args, (gpointer) "-");
  g_ptr_array_add (args, (gpointer) "--csv");
  g_ptr_array_add (args, csv2);
  g_ptr_array_add (args, NULL);
  merged = run_args (NULL, (const char *const *) args->pdata);
  ck_assert_msg (merged.status == want_status, "merge exit %d: %s",
      merged.status, merged.err);
  ck_assert_str_eq (merged.out, single.out);
  t1 = read_text (csv1);
  t2 = read_text (csv2);
  ck_assert_str_eq (t2, t1);

  /* --json FILE: the same document in the file, the table on stdout */
  args->pdata[args->len - 4] = json2;
  table = run_args (NULL, (const char *const *) args->pdata);
  ck_assert_int_eq (table.status, want_status);
  j2 = read_text (json2);
  ck_assert_str_eq (j2, single.out);
  ck_assert_ptr_nonnull (strstr (table.out, "STATUS"));

  g_unlink (csv1);
  g_unlink (csv2);
  g_unlink (json2);
  g_free (csv1);
  g_free (csv2);
  g_free (json2);
  g_free (t1);
  g_free (t2);
  g_free (j2);
  g_ptr_array_free (args, TRUE);
  ws_test_run_clear (&single);
  ws_test_run_clear (&merged);
  ws_test_run_clear (&table);
}

START_TEST (test_farm_merge_equals_single_run)
{
  char *dir = make_batch ("merge", 6, FALSE, NULL);
  char *broken = g_build_filename (dir, "broken.mp4", NULL);
  char **parts = check_all_shards (dir, 3, NULL);

  /* files that fail: exit 1 both ways */
  assert_merge_equals_single (dir, parts, 1);
  remove_parts (parts);
  /* and one that cannot be read: exit 2 both ways, its error kept */
  ck_assert (g_file_set_contents (broken, "not a video\n", -1, NULL));
  parts = check_all_shards (dir, 4, NULL);
  assert_merge_equals_single (dir, parts, 2);
  remove_parts (parts);
  ws_test_remove_tree (dir);
  g_free (broken);
  g_free (dir);
}
END_TEST

/* Replaces the first @from in the file @path by @to. */
static void
edit_file (const char *path, const char *from, const char *to)
{
  char *text = read_text (path), *at = strstr (text, from);
  GString *s;

  ck_assert_msg (at != NULL, "%s not in %s", from, path);
  s = g_string_new_len (text, at - text);
  g_string_append (s, to);
  g_string_append (s, at + strlen (from));
  ck_assert (g_file_set_contents (path, s->str, -1, NULL));
  g_string_free (s, TRUE);
  g_free (text);
}

START_TEST (test_farm_merge_html_has_the_plots)
{
  char *dir = make_batch ("plots", 2, FALSE, NULL);
  char **parts = check_all_shards (dir, 2, "--keep-plots");
  char *html1 = tmp_path ("single.html"), *html2 = tmp_path ("merged.html");
  char *t1, *t2;
  WsTestRun r;

  r = RUN ("check", dir, "--html", html1, "--no-progress");
  ck_assert_int_eq (r.status, 1);
  ws_test_run_clear (&r);
  r = RUN ("report", "merge", parts[0], parts[1], "--html", html2);
  ck_assert_int_eq (r.status, 1);
  ck_assert_ptr_null (strstr (r.err, "no plots"));
  ws_test_run_clear (&r);
  t1 = read_text (html1);
  t2 = read_text (html2);
  /* the same plots, point for point: the file sections are equal */
  ck_assert_ptr_nonnull (strstr (t1, "<div class=\"files\">"));
  ck_assert_ptr_nonnull (strstr (t1, "<svg"));
  ck_assert_str_eq (strstr (t2, "<div class=\"files\">"),
      strstr (t1, "<div class=\"files\">"));
  g_free (t2);

  /* a part that claims a duration of 8e9 s and a loudness target of
   * 1e300 LUFS (a broken container, a hand-edited part): every plot keeps
   * at most eleven time marks and the merge finishes (the time axis was
   * marked every two hours at most, a million marks here, and cast seconds
   * past 2^31 into an int; the loudness axis grew by 5 LU from 1e300) */
  edit_file (parts[0],
      "\"duration_s\" : ", "\"duration_s\" : 8e9, \"duration_was\" : ");
  edit_file (parts[0],
      "\"target_lufs\" : ", "\"target_lufs\" : 1e300, \"target_was\" : ");
  r = RUN ("report", "merge", parts[0], parts[1], "--html", html2);
  ck_assert_int_eq (r.status, 1);
  ws_test_run_clear (&r);
  t2 = read_text (html2);
  {
    guint marks = 0, plots = 0;

    for (const char *at = t2; (at = strstr (at, "<svg")) != NULL; at++)
      plots++;
    for (const char *at = t2;
         (at = strstr (at, "text-anchor=\"middle\">")) != NULL; at++)
      marks++;
    ck_assert_uint_gt (plots, 0);
    ck_assert_msg (marks <= 11 * plots, "%u time marks on %u plots", marks,
        plots);
  }
  g_free (t2);
  remove_parts (parts);

  /* without --keep-plots, merge says the HTML report has none */
  parts = check_all_shards (dir, 2, NULL);
  r = RUN ("report", "merge", parts[0], parts[1], "--html", html2);
  ck_assert_int_eq (r.status, 1);
  ck_assert_ptr_nonnull (strstr (r.err, "--keep-plots"));
  ws_test_run_clear (&r);
  t2 = read_text (html2);
  ck_assert_ptr_nonnull (strstr (t1, "d=\"M"));
  ck_assert_ptr_null (strstr (t2, "d=\"M")); /* frames, no curve */

  g_unlink (html1);
  g_unlink (html2);
  g_free (html1);
  g_free (html2);
  g_free (t1);
  g_free (t2);
  remove_parts (parts);
  ws_test_remove_tree (dir);
  g_free (dir);
}
END_TEST

/* `report merge` of @parts (and nothing written to --json): exit 2 and
 * @message on stderr. */
static void
assert_refused (const char *const *parts, const char *message)
{
  char *out = tmp_path ("refused.json");
  GPtrArray *args = g_ptr_array_new ();
  WsTestRun r;

  g_unlink (out);
  g_ptr_array_add (args, (gpointer) "report");
  g_ptr_array_add (args, (gpointer) "merge");
  for (guint k = 0; parts[k]; k++)
    g_ptr_array_add (args, (gpointer) parts[k]);
  g_ptr_array_add (args, (gpointer) "--json");
  g_ptr_array_add (args, out);
  g_ptr_array_add (args, NULL);
  r = run_args (NULL, (const char *const *) args->pdata);
  ck_assert_msg (r.status == 2, "exit %d, want 2 (%s)", r.status, message);
  ck_assert_msg (strstr (r.err, message) != NULL, "stderr lacks \"%s\": %s",
      message, r.err);
  ck_assert_msg (!g_file_test (out, G_FILE_TEST_EXISTS),
      "a refused merge wrote its report");
  ws_test_run_clear (&r);
  g_ptr_array_free (args, TRUE);
  g_free (out);
}

START_TEST (test_farm_merge_refusals)
{
  char *dir = make_batch ("refuse", 4, FALSE, NULL);
  char **parts = check_all_shards (dir, 3, NULL);
  char *other = tmp_path ("other-options.json");
  char *version = tmp_path ("other-version.json");
  char *whole = tmp_path ("whole.json"), *twice = tmp_path ("twice.json");
  char *listed = tmp_path ("other-list.json");
  char *extra = g_build_filename (dir, "sub", "extra.mp4", NULL);
  char *src = tmp_path ("src/good.mp4");
  WsTestRun r;

  /* a shard missing, a shard given twice */
  assert_refused ((const char *[]){ parts[0], parts[1], NULL },
      "shard 2/3 missing");
  assert_refused ((const char *[]){ parts[0], parts[1], parts[2], parts[1],
                      NULL },
      "shard 1/3 is given twice");
  /* another preset: the option is named */
  check_shard (dir, 2, 3, other, "--preset=atsc-a85");
  assert_refused ((const char *[]){ parts[0], parts[1], other, NULL },
      "preset=atsc-a85 vs preset=ebu-r128");
  /* another watershed version */
  copy_file (parts[2], version);
  edit_file (version, "\"watershed_version\" : \"",
      "\"watershed_version\" : \"0.0.1-other");
  assert_refused ((const char *[]){ parts[0], parts[1], version, NULL },
      "was written by watershed 0.0.1-other");
  /* a shard cut from another list of files */
  copy_file (src, extra);
  check_shard (dir, 2, 3, listed, NULL);
  g_unlink (extra);
  assert_refused ((const char *[]){ parts[0], parts[1], listed, NULL },
      "another list of files");
  /* the report of a whole run is no part */
  r = RUN ("check", dir, "--json", "--no-progress");
  ck_assert (g_file_set_contents (whole, r.out, -1, NULL));
  ws_test_run_clear (&r);
  assert_refused ((const char *[]){ whole, NULL }, "not a shard");
  /* a file in two parts: shard 1 claims shard 0's first file too */
  {
    JsonParser *p0 = json_parser_new (), *p1 = json_parser_new ();
    JsonObject *o0, *o1;
    JsonGenerator *gen = json_generator_new ();
    char *t0 = read_text (parts[0]), *t1 = read_text (parts[1]);

    o0 = ws_test_parse_object (p0, t0);
    o1 = ws_test_parse_object (p1, t1);
    ck_assert_uint_gt (json_array_get_length (
                           json_object_get_array_member (o0, "files")),
        0);
    json_array_add_element (json_object_get_array_member (o1, "files"),
        json_node_copy (
            json_array_get_element (json_object_get_array_member (o0, "files"),
                0)));
    json_generator_set_root (gen, json_parser_get_root (p1));
    ck_assert (json_generator_to_file (gen, twice, NULL));
    g_object_unref (gen);
    g_object_unref (p0);
    g_object_unref (p1);
    g_free (t0);
    g_free (t1);
  }
  assert_refused ((const char *[]){ parts[0], twice, parts[2], NULL },
      "is in two parts");
  /* hostile bytes: a status watershed never writes, a missing part */
  copy_file (parts[1], twice);
  edit_file (twice, "\"status\" : \"", "\"status\" : \"maybe-");
  assert_refused ((const char *[]){ parts[0], twice, parts[2], NULL },
      "files[0].status: \"maybe-");
  assert_refused ((const char *[]){ parts[0], parts[1], "/nonexistent.json",
                      NULL },
      "/nonexistent.json: not a readable file");

  g_unlink (other);
  g_unlink (version);
  g_unlink (whole);
  g_unlink (twice);
  g_unlink (listed);
  g_free (other);
  g_free (version);
  g_free (whole);
  g_free (twice);
  g_free (listed);
  g_free (extra);
  g_free (src);
  remove_parts (parts);
  ws_test_remove_tree (dir);
  g_free (dir);
}
END_TEST

/* ---- resume --------------------------------------------------------------- */

/* The records in @dir (finished ones: NAME.json). */
static guint
count_records (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  if (d == NULL)
    return 0;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      n++;
  g_dir_close (d);
  return n;
}

/* "--resume DIR: K of N files kept" from stderr; -1 when absent. */
static int
kept_count (const char *err)
{
  const char *at = strstr (err, "kept from an earlier run");
  const char *colon;

  if (at == NULL)
    return -1;
  for (colon = at; colon > err && colon[-1] != ':'; colon--)
    ;
  return atoi (colon);
}

START_TEST (test_farm_resume_after_kill)
{
  char *dir = make_batch ("killed", 10, FALSE, "src/long.mp4");
  char *records = tmp_path ("killed-resume");
  const char *argv[] = { g_getenv ("WS_WATERSHED"), "check", dir, "--jobs", "1",
    "--no-progress", "--json", "--resume", records, NULL };
  GError *error = NULL;
  GPid pid;
  int wait_status = 0;
  guint kept = 0;
  WsTestRun single, resumed;

  ws_test_remove_tree (records);
  ck_assert_msg (g_spawn_async (NULL, (char **) argv, NULL,
                     G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                         G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &pid, &error),
      "spawn: %s", error ? error->message : "");
  /* killed (SIGKILL: no chance to tidy up) once two results are kept */
  for (int i = 0; i < 60000 && count_records (records) < 2; i++)
    g_usleep (1000);
  ck_assert_int_eq (kill (pid, SIGKILL), 0);
  ck_assert_int_eq (waitpid (pid, &wait_status, 0), pid);
  g_spawn_close_pid (pid);
  ck_assert_msg (WIFSIGNALED (wait_status), "the run ended before the kill");
  kept = count_records (records);
  ck_assert_uint_ge (kept, 2);
  ck_assert_uint_lt (kept, 12);

  /* the rerun checks only the rest, and reports as one whole run does */
  resumed = RUN ("check", dir, "--jobs", "1", "--no-progress", "--json",
      "--resume", records);
  ck_assert_int_eq (resumed.status, 1);
  ck_assert_int_eq (kept_count (resumed.err), (int) kept);
  ck_assert_uint_eq (count_records (records), 12);
  single = RUN ("check", dir, "--no-progress", "--json");
  ck_assert_int_eq (single.status, 1);
  ck_assert_str_eq (resumed.out, single.out);
  ws_test_run_clear (&resumed);

  /* all kept now: nothing checked */
  resumed = RUN ("check", dir, "--no-progress", "--json", "--resume", records);
  ck_assert_int_eq (kept_count (resumed.err), 12);
  ck_assert_str_eq (resumed.out, single.out);
  ws_test_run_clear (&resumed);

  /* other options: the records are not theirs */
  resumed = RUN ("check", dir, "--no-progress", "--json", "--resume", records,
      "--preset", "atsc-a85");
  ck_assert_int_eq (kept_count (resumed.err), 0);
  ws_test_run_clear (&resumed);

  ws_test_run_clear (&single);
  ws_test_remove_tree (records);
  ws_test_remove_tree (dir);
  g_free (records);
  g_free (dir);
}
END_TEST

START_TEST (test_farm_resume_hash)
{
  char *dir = make_batch ("hashed", 2, FALSE, NULL);
  char *records = tmp_path ("hashed-resume");
  char *loud = g_build_filename (dir, "loud.mp4", NULL);
  char *sidecar = g_build_filename (dir, "good.xml", NULL);
  char *good = tmp_path ("src/good.mp4");
  struct stat st;
  WsTestRun r;

  ws_test_remove_tree (records);
  r = RUN ("check", dir, "--no-progress", "--resume", records, "--resume-hash");
  ck_assert_int_eq (kept_count (r.err), 0);
  ws_test_run_clear (&r);
  r = RUN ("check", dir, "--no-progress", "--resume", records, "--resume-hash");
  ck_assert_int_eq (kept_count (r.err), 4);
  ws_test_run_clear (&r);

  /* loud.mp4 replaced by good.mp4's bytes (same size), its time kept */
  ck_assert_int_eq (stat (loud, &st), 0);
  {
    char *a = read_text (loud), *b = NULL;
    gsize la = (gsize) st.st_size, lb = 0;

    ck_assert (g_file_get_contents (good, &b, &lb, NULL));
    /* the same length: good's bytes, padded or cut to loud's size */
    b = g_realloc (b, MAX (la, lb));
    if (lb < la)
      memset (b + lb, 0, la - lb);
    ck_assert (g_file_set_contents (loud, b, (gssize) la, NULL));
    g_free (a);
    g_free (b);
  }
  {
    const struct timespec times[2] = { st.st_atim, st.st_mtim };
    struct stat now;

    ck_assert_int_eq (utimensat (AT_FDCWD, loud, times, 0), 0);
    ck_assert_int_eq (stat (loud, &now), 0);
    ck_assert_int_eq (now.st_size, st.st_size);
    ck_assert_int_eq (now.st_mtim.tv_nsec, st.st_mtim.tv_nsec);
  }
  /* size and modification time alone do not see it ... */
  r = RUN ("check", dir, "--no-progress", "--resume", records);
  ck_assert_int_eq (kept_count (r.err), 4);
  ws_test_run_clear (&r);
  /* ... the content hash does */
  r = RUN ("check", dir, "--no-progress", "--resume", records, "--resume-hash");
  ck_assert_int_eq (kept_count (r.err), 3);
  ws_test_run_clear (&r);

  /* a sidecar touched: its file is checked again */
  ck_assert (g_file_set_contents (sidecar,
      "<?xml version=\"1.0\"?>\n"
      "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" version=\"1\">\n"
      " <programme id=\"T\"><rating territory=\"GB\" system=\"bbfc\" "
      "code=\"18\"/></programme>\n"
      "</watershed-metadata>\n",
      -1, NULL));
  r = RUN ("check", dir, "--no-progress", "--resume", records);
  ck_assert_int_eq (kept_count (r.err), 3);
  ws_test_run_clear (&r);
  r = RUN ("check", dir, "--no-progress", "--resume", records);
  ck_assert_int_eq (kept_count (r.err), 4);
  ws_test_run_clear (&r);

  /* the support data is part of a result: the installed data named with
   * --support keeps the records, a copy with one file changed does not */
  {
    char *installed = g_build_filename (g_getenv ("WATERSHED_DATADIR"),
        "support", NULL);
    char *copy = tmp_path ("hashed-support");
    GDir *d = g_dir_open (installed, 0, NULL);
    const char *n;

    ck_assert_ptr_nonnull (d);
    ws_test_remove_tree (copy);
    ck_assert_int_eq (g_mkdir_with_parents (copy, 0755), 0);
    while ((n = g_dir_read_name (d)) != NULL) {
      char *from = g_build_filename (installed, n, NULL);
      char *to = g_build_filename (copy, n, NULL);
      copy_file (from, to);
      g_free (from);
      g_free (to);
    }
    g_dir_close (d);
    r = RUN ("check", dir, "--no-progress", "--resume", records, "--support",
        installed);
    ck_assert_int_eq (kept_count (r.err), 4);
    ws_test_run_clear (&r);
    r = RUN ("check", dir, "--no-progress", "--resume", records, "--support",
        copy);
    ck_assert_int_eq (kept_count (r.err), 4);
    ws_test_run_clear (&r);
    {
      /* one byte more in the topic list: other data */
      char *topics = g_build_filename (copy, "topics.xml", NULL);
      char *text = read_text (topics);
      char *more = g_strconcat (text, "\n", NULL);
      ck_assert (g_file_set_contents (topics, more, -1, NULL));
      g_free (more);
      g_free (text);
      g_free (topics);
    }
    r = RUN ("check", dir, "--no-progress", "--resume", records, "--support",
        copy);
    ck_assert_int_eq (kept_count (r.err), 0);
    ws_test_run_clear (&r);
    ws_test_remove_tree (copy);
    g_free (copy);
    g_free (installed);
  }

  r = RUN ("check", dir, "--no-progress", "--resume-hash");
  ck_assert_int_eq (r.status, 2);
  ck_assert_ptr_nonnull (strstr (r.err, "--resume-hash goes with --resume"));
  ws_test_run_clear (&r);

  ws_test_remove_tree (records);
  ws_test_remove_tree (dir);
  g_free (records);
  g_free (loud);
  g_free (sidecar);
  g_free (good);
  g_free (dir);
}
END_TEST

/* ---- the reader ------------------------------------------------------------ */

START_TEST (test_farm_reader_names_the_member)
{
  const struct {
    const char *json, *message;
  } cases[] = {
    { "[]", "not a JSON object" },
    { "{\"files\": [], \"summary\": {}}", "part: missing" },
    { "{\"files\": {}, \"summary\": {}, \"part\": {\"watershed_version\": "
      "\"1\", \"shard_index\": 0, \"shard_count\": 1, \"files_total\": 0, "
      "\"files_digest\": \"d\", \"options_fingerprint\": \"f\"}}",
        "files: must be an array" },
    { "{\"files\": [{\"path\": \"a\", \"status\": \"pass\", \"index\": 5}], "
      "\"summary\": {}, \"part\": {\"watershed_version\": \"1\", "
      "\"shard_index\": 0, \"shard_count\": 1, \"files_total\": 1, "
      "\"files_digest\": \"d\", \"options_fingerprint\": \"f\"}}",
        "files[0].index" },
    { "{\"files\": [], \"summary\": {}, \"part\": {\"watershed_version\": "
      "\"1\", \"shard_index\": 3, \"shard_count\": 2, \"files_total\": 0, "
      "\"files_digest\": \"d\", \"options_fingerprint\": \"f\"}}",
        "part.shard_index: 3 is out of range" },
    { "{\"files\": [{\"path\": \"a\", \"status\": \"pass\", \"index\": 0, "
      "\"series\": {\"loudness\": [[1, 2]]}}], \"summary\": {}, \"part\": "
      "{\"watershed_version\": \"1\", \"shard_index\": 0, \"shard_count\": "
      "1, \"files_total\": 1, \"files_digest\": \"d\", "
      "\"options_fingerprint\": \"f\"}}",
        "files[0].series.loudness[0]: must be an array of three values" },
    { "{\"files\": [{\"path\": \"a\", \"status\": \"pass\", \"index\": 0, "
      "\"duration_s\": 1e300}], \"summary\": {}, \"part\": "
      "{\"watershed_version\": \"1\", \"shard_index\": 0, \"shard_count\": "
      "1, \"files_total\": 1, \"files_digest\": \"d\", "
      "\"options_fingerprint\": \"f\"}}",
        "files[0].duration_s: must be a time in seconds" },
    { "{\"files\": [{\"path\": \"a\", \"status\": \"pass\", \"index\": 0, "
      "\"series\": {\"risk\": [[1e12, 0, 0]]}}], \"summary\": {}, \"part\": "
      "{\"watershed_version\": \"1\", \"shard_index\": 0, \"shard_count\": "
      "1, \"files_total\": 1, \"files_digest\": \"d\", "
      "\"options_fingerprint\": \"f\"}}",
        "files[0].series.risk[0]: must start with a time in seconds" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    GError *error = NULL;
    WsReportReadPart *p = ws_report_read_part (cases[i].json,
        strlen (cases[i].json), "t.json", &error);

    ck_assert_msg (p == NULL, "case %zu read", i);
    ck_assert_msg (strstr (error->message, cases[i].message) != NULL,
        "case %zu: \"%s\" lacks \"%s\"", i, error->message, cases[i].message);
    g_error_free (error);
  }
}
END_TEST

static Suite *
farm_suite (void)
{
  Suite *s = suite_create ("farm");
  TCase *shards = tcase_create ("shards"), *merge = tcase_create ("merge");
  TCase *resume = tcase_create ("resume"), *units = tcase_create ("units");

  tcase_set_timeout (shards, 300);
  tcase_set_timeout (merge, 300);
  tcase_set_timeout (resume, 300);
  tcase_add_test (shards, test_farm_shards_cover_and_stay);
  tcase_add_test (shards, test_farm_shard_auto);
  tcase_add_test (merge, test_farm_merge_equals_single_run);
  tcase_add_test (merge, test_farm_merge_html_has_the_plots);
  tcase_add_test (merge, test_farm_merge_refusals);
  tcase_add_test (resume, test_farm_resume_after_kill);
  tcase_add_test (resume, test_farm_resume_hash);
  tcase_add_test (units, test_farm_reader_names_the_member);
  suite_add_tcase (s, shards);
  suite_add_tcase (s, merge);
  suite_add_tcase (s, resume);
  suite_add_tcase (s, units);
  return s;
}

int
main (void)
{
  static const char *const tools[] = { "ffmpeg", NULL };
  int status = ws_test_media_main (tools, "ws-farm-XXXXXX", &tmp_dir,
      make_media, farm_suite);

  return status;
}
