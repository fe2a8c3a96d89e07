/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: helpers shared by the CLI tests (header-only): run a program,
 * take its exit status and output, parse its JSON, clean up a folder. Use
 * them inside check test cases (they fail the test with ck_assert). */
#ifndef WS_TESTS_WS_TEST_CLI_H
#define WS_TESTS_WS_TEST_CLI_H

#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <sys/wait.h>

/** What a finished program left: its exit status, stdout and stderr. */
typedef struct {
  int status;
  char *out;
  char *err;
} WsTestRun;

/**
 * ws_test_run_env:
 * @prog: the program, a path or a name looked up in $PATH.
 * @args: (array zero-terminated=1): its arguments, without @prog.
 * @envp: (nullable): its environment; NULL inherits ours.
 *
 * Runs @prog to the end and fails the test when it cannot be started or
 * does not exit normally. Free the result with ws_test_run_clear().
 */
static inline WsTestRun
ws_test_run_env (const char *prog, const char *const *args, char **envp)
{
  WsTestRun r = { -1, NULL, NULL };
  GPtrArray *argv = g_ptr_array_new ();
  GError *error = NULL;
  int wait_status = 0;

  ck_assert_msg (prog != NULL, "no program to run (is WS_WATERSHED set?)");
  g_ptr_array_add (argv, (gpointer) prog);
  for (const char *const *a = args; *a != NULL; a++)
    g_ptr_array_add (argv, (gpointer) *a);
  g_ptr_array_add (argv, NULL);
  ck_assert_msg (g_spawn_sync (NULL, (char **) argv->pdata, envp,
                     G_SPAWN_SEARCH_PATH, NULL, NULL, &r.out, &r.err,
                     &wait_status, &error),
      "spawn %s failed: %s", prog, error ? error->message : "?");
  ck_assert_msg (WIFEXITED (wait_status), "%s did not exit", prog);
  r.status = WEXITSTATUS (wait_status);
  g_ptr_array_free (argv, TRUE);
  return r;
}

/** ws_test_run_env() with our environment. */
static inline WsTestRun
ws_test_run (const char *prog, const char *const *args)
{
  return ws_test_run_env (prog, args, NULL);
}

/** Runs the `watershed` under test ($WS_WATERSHED) with the arguments. */
#define WS_TEST_RUN(...)                  \
  ws_test_run (g_getenv ("WS_WATERSHED"), \
      (const char *const[]){ __VA_ARGS__, NULL })

/** Frees the output of a run (not @r itself). */
static inline void
ws_test_run_clear (WsTestRun *r)
{
  g_free (r->out);
  g_free (r->err);
  r->out = r->err = NULL;
}

/**
 * ws_test_parse_object:
 * Parses @text with @parser and fails the test unless it is one JSON
 * object. Returns: (transfer none): the object, owned by @parser.
 */
static inline JsonObject *
ws_test_parse_object (JsonParser *parser, const char *text)
{
  GError *error = NULL;
  JsonNode *root;

  ck_assert_msg (json_parser_load_from_data (parser, text, -1, &error),
      "not JSON: %s\n%s", error ? error->message : "", text);
  root = json_parser_get_root (parser);
  ck_assert (JSON_NODE_HOLDS_OBJECT (root));
  return json_node_get_object (root);
}

/** Removes @path: a file, or a folder with everything in it. */
static inline void
ws_test_remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL) {
    g_unlink (path);
    return;
  }
  while ((name = g_dir_read_name (dir)) != NULL) {
    char *child = g_build_filename (path, name, NULL);

    ws_test_remove_tree (child);
    g_free (child);
  }
  g_dir_close (dir);
  g_rmdir (path);
}

/**
 * ws_test_tool:
 * @tool: an outside program looked up in $PATH (`ffmpeg`, `ffprobe`, ...).
 * @args: (array zero-terminated=1): its arguments, after `-v error` (and,
 *   for ffmpeg, `-nostdin -y`).
 * @out: (out) (optional): its standard output.
 *
 * Runs @tool quietly to the end. Never asserts, so it also serves in
 * main() to make the media a suite works on; on failure it prints the
 * tool's error output.
 * Returns: TRUE when @tool exited 0.
 */
static inline gboolean
ws_test_tool (const char *tool, const char *const *args, char **out)
{
  GPtrArray *argv = g_ptr_array_new ();
  char *err = NULL;
  int status = 0;
  gboolean ok;

  g_ptr_array_add (argv, (gpointer) tool);
  if (g_strcmp0 (tool, "ffmpeg") == 0) {
    g_ptr_array_add (argv, (gpointer) "-nostdin");
    g_ptr_array_add (argv, (gpointer) "-y");
  }
  g_ptr_array_add (argv, (gpointer) "-v");
  g_ptr_array_add (argv, (gpointer) "error");
  for (const char *const *a = args; *a; a++)
    g_ptr_array_add (argv, (gpointer) *a);
  g_ptr_array_add (argv, NULL);
  ok = g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH,
           NULL, NULL, out, &err, &status, NULL) &&
       WIFEXITED (status) && WEXITSTATUS (status) == 0;
  if (!ok)
    fprintf (stderr, "%s failed: %s\n", tool, err ? err : "");
  g_free (err);
  g_ptr_array_free (argv, TRUE);
  return ok;
}

/** WS_TEST_FFMPEG: ws_test_tool() for ffmpeg with the arguments listed. */
#define WS_TEST_FFMPEG(...) \
  ws_test_tool ("ffmpeg", (const char *const[]){ __VA_ARGS__, NULL }, NULL)

/**
 * ws_test_read_text:
 * Reads the whole file @path and fails the test when it cannot.
 * Returns: (transfer full): its content.
 */
static inline char *
ws_test_read_text (const char *path)
{
  char *text = NULL;

  ck_assert_msg (g_file_get_contents (path, &text, NULL, NULL),
      "cannot read %s", path);
  return text;
}

/**
 * ws_test_media_main:
 * @tools: (array zero-terminated=1): outside programs the suite needs
 *   (`ffmpeg`, `ffprobe`, `pdftoppm`, ...); a missing one skips it (77).
 * @tmp_template: the temporary folder's name, as g_dir_make_tmp() takes it.
 * @tmp_dir: (out): set to that folder while the suite runs, then freed.
 * @make_media: makes the suite's media in *@tmp_dir; FALSE fails (1).
 * @suite: the suite to run.
 *
 * The main() of the CLI tests that make their media with outside tools:
 * skip without them, make the media in a fresh temporary folder, run the
 * suite, and remove the folder whatever happened.
 * Returns: the exit status for main(): 0, 1 or 77.
 */
static inline int
ws_test_media_main (const char *const *tools, const char *tmp_template,
    char **tmp_dir, gboolean (*make_media) (void), Suite *(*suite) (void) )
{
  SRunner *sr;
  int failed;

  for (const char *const *t = tools; *t != NULL; t++) {
    char *path = g_find_program_in_path (*t);

    if (path == NULL) {
      fprintf (stderr, "%s is not installed: skipped\n", *t);
      return 77;
    }
    g_free (path);
  }
  *tmp_dir = g_dir_make_tmp (tmp_template, NULL);
  if (*tmp_dir == NULL || !make_media ()) {
    fprintf (stderr, "cannot make the test media in %s\n",
        *tmp_dir ? *tmp_dir : "(no temporary folder)");
    if (*tmp_dir)
      ws_test_remove_tree (*tmp_dir);
    g_clear_pointer (tmp_dir, g_free);
    return 1;
  }
  sr = srunner_create (suite ());
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  ws_test_remove_tree (*tmp_dir);
  g_clear_pointer (tmp_dir, g_free);
  return failed == 0 ? 0 : 1;
}

#endif /* WS_TESTS_WS_TEST_CLI_H */
