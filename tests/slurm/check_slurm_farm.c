/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The farm flow of docs/farm.md on a real Slurm cluster: a single-node
 * cluster (Debian's slurmctld, slurmd and munge) started from a temporary
 * folder by tests/slurm/ws-slurm-cluster, tools/slurm/watershed-farm-submit
 * over a delivery folder of 20 files made here by ffmpeg (pass, too loud,
 * no rating) in 4 array tasks and a merge job, and the merged report
 * compared with one `watershed check` over the same folder on this machine:
 * the same files, statuses, values and exit code; each file in exactly one
 * part; a log per task and the merge job's with the verdict. A second
 * submission to the same output folder (the rerun after a failure) gives
 * the same report with every file taken from the resume records.
 * Skipped (77, with the reason) when Slurm, munge or ffmpeg is not installed
 * (scripts/install-deps installs them) or when not run as root (slurmd
 * starts jobs as their user; CI runs as root). */
#include <check.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ws-test-cli.h"

#define N_TASKS 4

static char *tmp_dir;
static char *delivery;

static const char sidecar_bbfc15[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" version=\"1\">\n"
    " <programme id=\"T\" title=\"Test\">\n"
    "  <rating territory=\"GB\" system=\"bbfc\" code=\"15\"/>\n"
    " </programme>\n"
    "</watershed-metadata>\n";

/* One file of the delivery: NAME (under the delivery folder), its length,
 * the tone's gain (-5 dB: -23 LUFS, within EBU R128; +4 dB: -14 LUFS, too
 * loud) and whether it gets a sidecar with its rating. */
typedef struct {
  const char *name;
  int seconds;
  const char *gain;
  gboolean sidecar;
} Item;

static const Item items[] = {
  { "ep01.mp4", 2, "-5dB", TRUE },
  { "ep02.mp4", 3, "-5dB", TRUE },
  { "ep03.mkv", 2, "-5dB", TRUE },
  { "ep04.mp4", 2, "+4dB", TRUE }, /* too loud */
  { "ep05.mkv", 3, "-5dB", TRUE },
  { "ep06.mp4", 2, "-5dB", FALSE }, /* no rating */
  { "ep07.mp4", 4, "-5dB", TRUE },
  { "ep08.mkv", 2, "-5dB", TRUE },
  { "ep09.mp4", 2, "-5dB", TRUE },
  { "ep10.mp4", 3, "-5dB", TRUE },
  { "season2/ep11.mp4", 2, "-5dB", TRUE },
  { "season2/ep12.mkv", 2, "+4dB", TRUE }, /* too loud */
  { "season2/ep13.mp4", 3, "-5dB", TRUE },
  { "season2/ep14.mp4", 2, "-5dB", TRUE },
  { "season2/ep15.mkv", 2, "-5dB", TRUE },
  { "season2/ep16.mp4", 4, "-5dB", TRUE },
  { "season2/ep17.mp4", 2, "-5dB", TRUE },
  { "season2/ep18.mkv", 3, "-5dB", TRUE },
  { "season2/ep19.mp4", 2, "-5dB", TRUE },
  { "season2/ep20.mp4", 2, "-5dB", TRUE },
};

#define N_ITEMS G_N_ELEMENTS (items)

static gboolean
make_item (const Item *it)
{
  char *path = g_build_filename (delivery, it->name, NULL);
  char *dir = g_path_get_dirname (path);
  char *video = g_strdup_printf ("testsrc2=size=160x90:rate=25:duration=%d",
      it->seconds);
  char *tone =
      g_strdup_printf ("sine=frequency=1000:sample_rate=48000:duration=%d",
          it->seconds);
  char *graph = g_strdup_printf ("[1:a]volume=%s,pan=stereo|c0=c0|c1=c0[a]",
      it->gain);
  gboolean mkv = g_str_has_suffix (it->name, ".mkv");
  gboolean ok = g_mkdir_with_parents (dir, 0755) == 0 &&
                WS_TEST_FFMPEG ("-f", "lavfi", "-i", video, "-f", "lavfi", "-i",
                    tone, "-filter_complex", graph, "-map", "0:v", "-map",
                    "[a]", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", "-c:a", mkv ? "flac" : "aac", path);

  if (ok && it->sidecar) {
    char *xml = g_strdup_printf ("%.*s.xml", (int) (strrchr (path, '.') - path),
        path);

    ok = g_file_set_contents (xml, sidecar_bbfc15, -1, NULL);
    g_free (xml);
  }
  g_free (graph);
  g_free (tone);
  g_free (video);
  g_free (dir);
  g_free (path);
  return ok;
}

/* ---- comparing reports ----------------------------------------------------
 * Strict JSON equality (same members, same array order, same values),
 * except for the members that say when, where and how long a run took. */

static const char *const timing_members[] = {
  "elapsed_s",
  "started",
  "finished",
  "generated",
  "host",
  NULL,
};

static gboolean
ignored_member (const char *name)
{
  for (const char *const *t = timing_members; *t; t++)
    if (strcmp (name, *t) == 0)
      return TRUE;
  return FALSE;
}

/* Returns NULL when @a equals @b, else (transfer full) the path of the
 * first difference and what differs. */
static char *
json_diff (JsonNode *a, JsonNode *b, const char *path)
{
  if (JSON_NODE_TYPE (a) != JSON_NODE_TYPE (b))
    return g_strdup_printf ("%s: a %s against a %s", path,
        json_node_type_name (a), json_node_type_name (b));
  if (JSON_NODE_HOLDS_OBJECT (a)) {
    JsonObject *oa = json_node_get_object (a), *ob = json_node_get_object (b);
    GList *ma = json_object_get_members (oa),
          *mb = json_object_get_members (ob);
    char *diff = NULL;

    for (GList *l = ma; l && !diff; l = l->next) {
      const char *m = l->data;
      char *sub;

      if (ignored_member (m))
        continue;
      sub = g_strdup_printf ("%s.%s", path, m);
      if (!json_object_has_member (ob, m))
        diff = g_strdup_printf ("%s: only in the single run", sub);
      else
        diff = json_diff (json_object_get_member (oa, m),
            json_object_get_member (ob, m), sub);
      g_free (sub);
    }
    for (GList *l = mb; l && !diff; l = l->next) {
      const char *m = l->data;

      if (!ignored_member (m) && !json_object_has_member (oa, m))
        diff = g_strdup_printf ("%s.%s: only in the merged report", path, m);
    }
    g_list_free (ma);
    g_list_free (mb);
    return diff;
  }
  if (JSON_NODE_HOLDS_ARRAY (a)) {
    JsonArray *aa = json_node_get_array (a), *ab = json_node_get_array (b);
    guint n = json_array_get_length (aa);
    char *diff = NULL;

    if (n != json_array_get_length (ab))
      return g_strdup_printf ("%s: %u elements against %u", path, n,
          json_array_get_length (ab));
    for (guint i = 0; i < n && !diff; i++) {
      char *sub = g_strdup_printf ("%s[%u]", path, i);

      diff = json_diff (json_array_get_element (aa, i),
          json_array_get_element (ab, i), sub);
      g_free (sub);
    }
    return diff;
  }
  if (!json_node_equal (a, b)) {
    char *sa = json_to_string (a, FALSE), *sb = json_to_string (b, FALSE);
    char *diff = g_strdup_printf ("%s: %s against %s", path, sa, sb);

    g_free (sa);
    g_free (sb);
    return diff;
  }
  return NULL;
}

static JsonNode *
load_json (const char *path)
{
  JsonParser *parser = json_parser_new ();
  GError *error = NULL;
  JsonNode *root;

  ck_assert_msg (json_parser_load_from_file (parser, path, &error), "%s: %s",
      path, error ? error->message : "");
  root = json_node_copy (json_parser_get_root (parser));
  g_object_unref (parser);
  return root;
}

/* The "files"[*]."path" of a report, in order. */
static GPtrArray *
file_paths (JsonNode *root)
{
  JsonArray *files = json_object_get_array_member (json_node_get_object (root),
      "files");
  GPtrArray *paths = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (files); i++)
    g_ptr_array_add (paths,
        (gpointer)
            json_object_get_string_member (json_array_get_object_element (files,
                                               i),
                "path"));
  return paths;
}

/* ---- the flow ------------------------------------------------------------ */

/* Submits the batch over the delivery into @out on a fresh cluster and
 * waits for the merge; returns the run (its status is the verdict). */
static WsTestRun
farm_run (const char *out)
{
  const char *src = g_getenv ("WS_SOURCE_ROOT");
  char *cluster = g_build_filename (src, "tests", "slurm", "ws-slurm-cluster",
      NULL);
  char *submit = g_build_filename (src, "tools", "slurm",
      "watershed-farm-submit", NULL);
  WsTestRun r = ws_test_run (cluster,
      (const char *const[]){ "run", submit, delivery, out, "--tasks", "4",
          "--wait", "--watershed", g_getenv ("WS_WATERSHED"),
          "--sbatch-arg=--time=5", NULL });

  g_free (submit);
  g_free (cluster);
  return r;
}

/* The single-machine run: report.json and report.csv in @dir. */
static int
single_run (const char *dir, char **json_path, char **csv_path)
{
  WsTestRun r;

  *json_path = g_build_filename (dir, "single.json", NULL);
  *csv_path = g_build_filename (dir, "single.csv", NULL);
  r = WS_TEST_RUN ("check", delivery, "--no-progress", "--json", "--csv",
      *csv_path);
  ck_assert_msg (r.status == 0 || r.status == 1 || r.status == 2,
      "watershed check: exit %d\n%s", r.status, r.err);
  ck_assert_msg (g_file_set_contents (*json_path, r.out, -1, NULL),
      "cannot write %s", *json_path);
  {
    int status = r.status;

    ws_test_run_clear (&r);
    return status;
  }
}

/* The merged reports of @out equal the single run's. */
static void
assert_same_report (const char *out, const char *single_json,
    const char *single_csv)
{
  char *merged_json = g_build_filename (out, "report.json", NULL);
  char *merged_csv = g_build_filename (out, "report.csv", NULL);
  JsonNode *a = load_json (single_json), *b = load_json (merged_json);
  char *diff = json_diff (a, b, "$");
  char *ca = ws_test_read_text (single_csv),
       *cb = ws_test_read_text (merged_csv);

  ck_assert_msg (diff == NULL, "merged report differs from the single run: %s",
      diff);
  ck_assert_str_eq (ca, cb);
  g_free (ca);
  g_free (cb);
  json_node_unref (a);
  json_node_unref (b);
  g_free (merged_csv);
  g_free (merged_json);
}

START_TEST (test_slurm_farm_equals_single_run)
{
  char *out = g_build_filename (tmp_dir, "farm", NULL);
  char *single_json = NULL, *single_csv = NULL;
  int single_status = single_run (tmp_dir, &single_json, &single_csv);
  WsTestRun r = farm_run (out);
  JsonNode *single = load_json (single_json);
  GPtrArray *all = file_paths (single);
  GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  char *logs = g_build_filename (out, "logs", NULL);
  GDir *dir;
  const char *name;
  guint task_logs = 0, merge_logs = 0;

  /* the delivery: 17 pass, 2 too loud, 1 without a rating */
  ck_assert_uint_eq (all->len, N_ITEMS);
  ck_assert_int_eq (single_status, 1);
  ck_assert_int_eq (json_object_get_int_member (
                        json_object_get_object_member (json_node_get_object (
                                                           single),
                            "summary"),
                        "fail"),
      3);

  /* the batch verdict: the merge job's exit status, through sbatch --wait */
  if (r.status != single_status)
    fprintf (stderr, "farm run:\nstdout:\n%s\nstderr:\n%s\n", r.out, r.err);
  ck_assert_msg (r.status == single_status,
      "farm exit %d, single run exit %d (its output above)", r.status,
      single_status);
  assert_same_report (out, single_json, single_csv);

  /* 4 parts, each file in exactly one of them, each part saying its shard */
  for (guint k = 0; k < N_TASKS; k++) {
    char *part_name = g_strdup_printf ("part-%u.json", k);
    char *part = g_build_filename (out, "parts", part_name, NULL);
    JsonNode *root = load_json (part);
    JsonObject *info = json_object_get_object_member (json_node_get_object (
                                                          root),
        "part");
    GPtrArray *paths = file_paths (root);

    ck_assert_msg (info != NULL, "%s: no \"part\" member", part);
    ck_assert_int_eq (json_object_get_int_member (info, "shard_index"), k);
    ck_assert_int_eq (json_object_get_int_member (info, "shard_count"),
        N_TASKS);
    for (guint i = 0; i < paths->len; i++) {
      char *p = g_strdup (paths->pdata[i]);

      ck_assert_msg (!g_hash_table_contains (seen, p), "%s in two parts", p);
      g_hash_table_add (seen, p);
    }
    g_ptr_array_unref (paths);
    json_node_unref (root);
    g_free (part);
    g_free (part_name);
  }
  ck_assert_uint_eq (g_hash_table_size (seen), all->len);
  for (guint i = 0; i < all->len; i++)
    ck_assert_msg (g_hash_table_contains (seen, all->pdata[i]), "%s in no part",
        (char *) all->pdata[i]);

  /* a log per task (JOBID_K.log) and the merge job's with the verdict */
  dir = g_dir_open (logs, 0, NULL);
  ck_assert_msg (dir != NULL, "%s: no log folder", logs);
  while ((name = g_dir_read_name (dir)) != NULL) {
    char *path = g_build_filename (logs, name, NULL);
    char *text = ws_test_read_text (path);

    if (g_str_has_suffix (name, "-merge.log")) {
      merge_logs++;
      ck_assert_msg (strstr (text, "batch verdict: exit 1") != NULL,
          "%s: no verdict line", path);
    } else {
      guint job = 0, k = 0;
      char tail[8] = "";

      ck_assert_msg (sscanf (name, "%u_%u.%7s", &job, &k, tail) == 3 &&
                         strcmp (tail, "log") == 0 && k < N_TASKS,
          "unexpected log %s", name);
      ck_assert_msg (strstr (text, "watershed-shard: task") != NULL,
          "%s: not the shard script's log", path);
      task_logs++;
    }
    g_free (text);
    g_free (path);
  }
  g_dir_close (dir);
  ck_assert_uint_eq (task_logs, N_TASKS);
  ck_assert_uint_eq (merge_logs, 1);
  {
    char *html = g_build_filename (out, "report.html", NULL);
    char *junit = g_build_filename (out, "report.xml", NULL);
    char *text = ws_test_read_text (html), *xml = ws_test_read_text (junit);

    ck_assert_msg (strstr (text, "ep04.mp4") != NULL, "%s", html);
    ck_assert_msg (strstr (xml, "<testsuites") != NULL, "%s", junit);
    g_free (text);
    g_free (xml);
    g_free (junit);
    g_free (html);
  }
  ws_test_run_clear (&r);

  /* the rerun after a failure: same folder, results from the resume
   * records, the same report */
  r = farm_run (out);
  if (r.status != single_status)
    fprintf (stderr, "rerun:\nstdout:\n%s\nstderr:\n%s\n", r.out, r.err);
  ck_assert_msg (r.status == single_status,
      "rerun: exit %d, single run exit %d (its output above)", r.status,
      single_status);
  assert_same_report (out, single_json, single_csv);
  ws_test_run_clear (&r);
  /* ... and no file was checked again: each task's log says how many of
   * its files came from the resume records (the fresh test cluster numbers
   * its jobs from 1 again, so the rerun's logs replaced the first's) */
  {
    GRegex *re = g_regex_new ("--resume [^\n]*: ([0-9]+) of ([0-9]+) files "
                              "kept from an earlier run, ([0-9]+) checked",
        0, 0, NULL);
    guint kept = 0, total = 0, checked = 0, logs_seen = 0;

    dir = g_dir_open (logs, 0, NULL);
    ck_assert (dir != NULL);
    while ((name = g_dir_read_name (dir)) != NULL) {
      char *path = g_build_filename (logs, name, NULL);
      char *text = ws_test_read_text (path);
      GMatchInfo *m = NULL;

      if (!g_str_has_suffix (name, "-merge.log")) {
        logs_seen++;
        ck_assert_msg (g_regex_match (re, text, 0, &m), "%s: no resume line",
            path);
        for (guint g = 1; g <= 3; g++) {
          char *v = g_match_info_fetch (m, (int) g);
          guint n = (guint) g_ascii_strtoull (v, NULL, 10);

          *(g == 1 ? &kept : g == 2 ? &total : &checked) += n;
          g_free (v);
        }
      }
      g_match_info_free (m);
      g_free (text);
      g_free (path);
    }
    g_dir_close (dir);
    g_regex_unref (re);
    ck_assert_uint_eq (logs_seen, N_TASKS);
    ck_assert_uint_eq (kept, N_ITEMS);
    ck_assert_uint_eq (total, N_ITEMS);
    ck_assert_uint_eq (checked, 0);
  }

  g_hash_table_unref (seen);
  g_ptr_array_unref (all);
  json_node_unref (single);
  g_free (logs);
  g_free (single_json);
  g_free (single_csv);
  g_free (out);
}
END_TEST

static Suite *
farm_suite (void)
{
  Suite *s = suite_create ("slurm-farm");
  TCase *tc = tcase_create ("cluster");

  tcase_set_timeout (tc, 600);
  tcase_add_test (tc, test_slurm_farm_equals_single_run);
  suite_add_tcase (s, tc);
  return s;
}

/* Slurm's daemons live in /usr/sbin, which a user's PATH may lack. */
static gboolean
have_program (const char *name)
{
  char *p = g_find_program_in_path (name);
  char *sbin = g_build_filename ("/usr/sbin", name, NULL);
  gboolean ok = p != NULL || g_file_test (sbin, G_FILE_TEST_IS_EXECUTABLE);

  g_free (sbin);
  g_free (p);
  return ok;
}

int
main (void)
{
  static const char *const needed[] = { "munged", "slurmctld", "slurmd",
    "sbatch", "scontrol", "squeue", "scancel", "ffmpeg", NULL };
  SRunner *sr;
  int failed;

  for (const char *const *n = needed; *n; n++) {
    if (!have_program (*n)) {
      fprintf (stderr,
          "skipped: %s is not installed (scripts/install-deps installs "
          "slurmctld, slurmd, slurm-client, munge and ffmpeg)\n",
          *n);
      return 77;
    }
  }
  if (geteuid () != 0) {
    fprintf (stderr, "skipped: the Slurm test cluster needs root (slurmd "
                     "starts every job as its user)\n");
    return 77;
  }
  tmp_dir = g_dir_make_tmp ("ws-slurm-farm-XXXXXX", NULL);
  if (tmp_dir == NULL) {
    fprintf (stderr, "cannot make a temporary folder\n");
    return 1;
  }
  /* slurmd runs the jobs as root from their own working folder: the
   * delivery and the output must be readable by path from anywhere */
  g_chmod (tmp_dir, 0755);
  delivery = g_build_filename (tmp_dir, "delivery", NULL);
  for (guint i = 0; i < N_ITEMS; i++) {
    if (!make_item (&items[i])) {
      fprintf (stderr, "cannot make %s in %s\n", items[i].name, delivery);
      ws_test_remove_tree (tmp_dir);
      return 1;
    }
  }
  sr = srunner_create (farm_suite ());
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  ws_test_remove_tree (tmp_dir);
  g_free (delivery);
  g_free (tmp_dir);
  return failed == 0 ? 0 : 1;
}
