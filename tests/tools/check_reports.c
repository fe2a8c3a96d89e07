/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The reports of `watershed check`: the JUnit file validated against the
 * Jenkins JUnit schema (tests/files/junit) with xmllint, the HTML report's
 * numbers under a comma-decimal locale, CSV and JSON Lines, --exclude and
 * --failures-only; report paths that would destroy an input, reports
 * written as a set with stale temporary files cleaned, folder walking with
 * symlink loops, hostile file names and metadata bytes, and a sidecar named
 * as an input. Media is made here by ffmpeg; skipped (77) without it. */
#include <check.h>
#include <locale.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <utime.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "ws-cli.h"
#include "ws-config.h"
#include "ws-report.h"
#include "ws-test-cli.h"

static char *tmp_dir;

static char *
media (const char *relative)
{
  return g_build_filename (tmp_dir, relative, NULL);
}

/* ---- making media ---------------------------------------------------------- */

#define FFMPEG WS_TEST_FFMPEG

#define VIDEO "testsrc2=size=160x90:rate=25:duration=3"
#define TONE "sine=frequency=1000:sample_rate=48000:duration=3"
/* a 1 kHz tone at -23 dBFS on both channels reads -23 LUFS */
#define STEREO(gain) "[1:a]volume=" gain ",pan=stereo|c0=c0|c1=c0[a]"

static const char sidecar_bbfc15[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" version=\"1\">\n"
    " <programme id=\"T\" title=\"Test\">\n"
    "  <rating territory=\"GB\" system=\"bbfc\" code=\"15\"/>\n"
    " </programme>\n"
    "</watershed-metadata>\n";

static gboolean
write_sidecar (const char *relative)
{
  char *path = media (relative);
  gboolean ok = g_file_set_contents (path, sidecar_bbfc15, -1, NULL);

  g_free (path);
  return ok;
}

static gboolean
copy_file (const char *from, const char *to)
{
  char *data = NULL;
  gsize len = 0;
  gboolean ok = g_file_get_contents (from, &data, &len, NULL) &&
                g_file_set_contents (to, data, (gssize) len, NULL);

  g_free (data);
  return ok;
}

/* media/: good.mp4 (-23 LUFS, rated GB bbfc:15 by good.xml), loud.mp4
 * (-10 LUFS, loud.xml), broken.mp4 (text) */
static gboolean
make_media (void)
{
  char *dir = media ("media"), *good = media ("media/good.mp4");
  char *loud = media ("media/loud.mp4"), *broken = media ("media/broken.mp4");
  gboolean ok = g_mkdir_with_parents (dir, 0700) == 0 &&
                FFMPEG ("-f", "lavfi", "-i", VIDEO, "-f", "lavfi", "-i", TONE,
                    "-filter_complex", STEREO ("-5dB"), "-map", "0:v", "-map",
                    "[a]", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", good) &&
                write_sidecar ("media/good.xml") &&
                FFMPEG ("-f", "lavfi", "-i", VIDEO, "-f", "lavfi", "-i", TONE,
                    "-filter_complex", STEREO ("8dB"), "-map", "0:v", "-map",
                    "[a]", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", loud) &&
                write_sidecar ("media/loud.xml") &&
                g_file_set_contents (broken, "This is not a video.\n", -1,
                    NULL);

  g_free (dir);
  g_free (good);
  g_free (loud);
  g_free (broken);
  return ok;
}

/* ---- helpers --------------------------------------------------------------- */

/* A fresh, empty folder under the temporary folder. */
static char *
fresh_dir (const char *name)
{
  char *dir = media (name);

  ws_test_remove_tree (dir);
  ck_assert_int_eq (g_mkdir_with_parents (dir, 0700), 0);
  return dir;
}

static char *
read_text (const char *path)
{
  char *text = NULL;

  ck_assert_msg (g_file_get_contents (path, &text, NULL, NULL),
      "cannot read %s", path);
  return text;
}

static int
count (const char *haystack, const char *needle)
{
  int n = 0;

  for (const char *p = strstr (haystack, needle); p; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* xmllint --noout [--schema XSD] FILE: its exit status, or -1 without
 * xmllint (a note is printed; CI installs it). */
static int
xmllint (const char *file, gboolean schema)
{
  char *prog = g_find_program_in_path ("xmllint");
  char *xsd = g_build_filename (g_getenv ("WS_SOURCE_ROOT"), "tests", "files",
      "junit", "jenkins-junit.xsd", NULL);
  WsTestRun r;
  int status;

  if (prog == NULL) {
    fprintf (stderr, "xmllint is not installed: schema check skipped\n");
    g_free (xsd);
    return -1;
  }
  if (schema)
    r = ws_test_run (prog,
        (const char *const[]){ "--noout", "--schema", xsd, file, NULL });
  else
    r = ws_test_run (prog, (const char *const[]){ "--noout", file, NULL });
  status = r.status;
  if (status != 0)
    fprintf (stderr, "xmllint %s: %s\n", file, r.err);
  ws_test_run_clear (&r);
  g_free (prog);
  g_free (xsd);
  return status;
}

static char *
hex (const char *s)
{
  GString *out = g_string_new (NULL);

  for (const guchar *p = (const guchar *) s; *p; p++)
    g_string_append_printf (out, "%02x", *p);
  return g_string_free (out, FALSE);
}

static xmlNode *
next_element (xmlNode *n, const char *name)
{
  for (; n; n = n->next)
    if (n->type == XML_ELEMENT_NODE &&
        xmlStrcmp (n->name, (const xmlChar *) name) == 0)
      return n;
  return NULL;
}

static char *
attr (xmlNode *n, const char *name)
{
  xmlChar *v = xmlGetProp (n, (const xmlChar *) name);
  char *s = v ? g_strdup ((const char *) v) : NULL;

  xmlFree (v);
  return s;
}

/* ---- JUnit ----------------------------------------------------------------- */

START_TEST (test_reports_junit_schema)
{
  char *dir = fresh_dir ("junit");
  char *report = g_build_filename (dir, "report.xml", NULL);
  char *good = media ("media/good.mp4"), *loud = media ("media/loud.mp4");
  char *broken = media ("media/broken.mp4");
  WsTestRun r = WS_TEST_RUN ("check", "--territory", "GB", "--junit", report,
      good, loud, broken);
  GRegex *stamp = g_regex_new ("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:"
                               "[0-9]{2}$",
      0, 0, NULL);
  const char *paths[] = { good, loud, broken };
  xmlDoc *doc;
  xmlNode *suite;
  int n_suites = 0, failures = 0, errors = 0;

  ck_assert_msg (r.status == 2, "exit %d: %s", r.status, r.err);
  /* valid against the Jenkins JUnit schema (-1: no xmllint here) */
  ck_assert_int_le (xmllint (report, TRUE), 0);

  doc = xmlReadFile (report, NULL, XML_PARSE_NONET);
  ck_assert (doc != NULL);
  for (suite = next_element (xmlDocGetRootElement (doc)->children, "testsuite");
       suite; suite = next_element (suite->next, "testsuite")) {
    char *name = attr (suite, "name"), *ts = attr (suite, "timestamp");
    char *host = attr (suite, "hostname"), *time = attr (suite, "time");
    xmlNode *props = next_element (suite->children, "properties");
    xmlNode *prop = props ? next_element (props->children, "property") : NULL;
    char *pb = prop ? attr (prop, "value") : NULL, *want;

    /* one suite per file, in input order, each with its time */
    ck_assert_int_lt (n_suites, 3);
    ck_assert_str_eq (name, paths[n_suites]);
    ck_assert_msg (ts && g_regex_match (stamp, ts, 0, NULL), "timestamp %s",
        ts);
    ck_assert_str_eq (host, g_get_host_name ());
    ck_assert (time != NULL && g_ascii_strtod (time, NULL) >= 0.0);
    ck_assert (strchr (time, ',') == NULL);
    want = hex (paths[n_suites]);
    ck_assert_str_eq (pb, want);
    g_free (want);
    for (xmlNode *tc = next_element (suite->children, "testcase"); tc;
         tc = next_element (tc->next, "testcase")) {
      char *classname = attr (tc, "classname");
      xmlNode *f = next_element (tc->children, "failure");
      xmlNode *e = next_element (tc->children, "error");

      ck_assert (classname != NULL && *classname);
      ck_assert_msg (strpbrk (classname, "./") == NULL, "classname %s",
          classname);
      ck_assert (next_element (tc->children, "skipped") == NULL);
      for (xmlNode *x = f ? f : e; x; x = NULL) {
        char *message = attr (x, "message");
        xmlChar *body = xmlNodeGetContent (x);

        /* the message is also the body */
        ck_assert (message != NULL && *message);
        ck_assert_str_eq ((const char *) body, message);
        xmlFree (body);
        g_free (message);
      }
      failures += f != NULL;
      errors += e != NULL;
      g_free (classname);
    }
    g_free (name);
    g_free (ts);
    g_free (host);
    g_free (time);
    g_free (pb);
    n_suites++;
  }
  ck_assert_int_eq (n_suites, 3);
  /* loud.mp4 fails loudness; broken.mp4 is one error */
  ck_assert_int_eq (failures, 1);
  ck_assert_int_eq (errors, 1);
  xmlFreeDoc (doc);
  g_regex_unref (stamp);
  ws_test_run_clear (&r);
  ws_test_remove_tree (dir);
  g_free (dir);
  g_free (report);
  g_free (good);
  g_free (loud);
  g_free (broken);
}
END_TEST

/* ---- HTML under a comma-decimal locale ------------------------------------- */

/* TRUE when the de_DE.UTF-8 locale exists here. Without it the test would
 * pass without testing anything: CI (CI=true) fails, elsewhere it is
 * skipped with a note. */
static gboolean
have_german_locale (void)
{
  char *saved = g_strdup (setlocale (LC_ALL, NULL));
  gboolean ok = setlocale (LC_ALL, "de_DE.UTF-8") != NULL;

  setlocale (LC_ALL, saved);
  g_free (saved);
  if (ok)
    return TRUE;
  ck_assert_msg (g_strcmp0 (g_getenv ("CI"), "true") != 0,
      "the de_DE.UTF-8 locale is missing: run scripts/install-deps (it "
      "generates it) before the tests");
  fprintf (stderr, "de_DE.UTF-8 locale missing (scripts/install-deps makes "
                   "it): HTML locale test skipped\n");
  return FALSE;
}

/* Every numeric SVG attribute holds plain C numbers. */
static void
assert_svg_numbers (const char *html)
{
  GRegex *re =
      g_regex_new (" (x|y|x1|x2|y1|y2|width|height|d|viewBox)=\"([^\"]*)\"", 0,
          0, NULL);
  GMatchInfo *m = NULL;
  int n = 0;

  g_regex_match (re, html, 0, &m);
  while (g_match_info_matches (m)) {
    char *v = g_match_info_fetch (m, 2);

    ck_assert_msg (strspn (v, "0123456789.- MLHVZ") == strlen (v),
        "not a C number: %s", v);
    n++;
    g_free (v);
    g_match_info_next (m, NULL);
  }
  ck_assert_int_gt (n, 20);
  g_match_info_free (m);
  g_regex_unref (re);
}

/* The loudness plot of the file whose section holds @name: its y labels. */
static void
loudness_axis (const char *html, const char *name, double *lo, double *hi,
    double *band_px)
{
  const char *sec = strstr (html, name), *svg, *end;
  GRegex *re = g_regex_new ("text-anchor=\"end\">(-?[0-9]+)</text>", 0, 0,
      NULL);
  GRegex *band = g_regex_new ("class=\"band\"[^>]* height=\"([0-9.]+)\"", 0, 0,
      NULL);
  GMatchInfo *m = NULL;
  char *plot;

  ck_assert (sec != NULL);
  sec = strstr (sec, "<section");
  ck_assert (sec != NULL);
  svg = strstr (sec, "aria-label=\"Loudness over time\"");
  ck_assert (svg != NULL);
  end = strstr (svg, "</svg>");
  plot = g_strndup (svg, (gsize) (end - svg));
  *lo = INFINITY;
  *hi = -INFINITY;
  g_regex_match (re, plot, 0, &m);
  while (g_match_info_matches (m)) {
    char *v = g_match_info_fetch (m, 1);

    *lo = MIN (*lo, g_ascii_strtod (v, NULL));
    *hi = MAX (*hi, g_ascii_strtod (v, NULL));
    g_free (v);
    g_match_info_next (m, NULL);
  }
  g_match_info_free (m);
  ck_assert (g_regex_match (band, plot, 0, &m));
  {
    char *v = g_match_info_fetch (m, 1);

    *band_px = g_ascii_strtod (v, NULL);
    g_free (v);
  }
  g_match_info_free (m);
  g_regex_unref (re);
  g_regex_unref (band);
  g_free (plot);
}

/* The C number right before the first @unit after @text ("-23.0" in
 * "... -23.0 LUFS"): FALSE when there is none or it is not "-?D+.D". */
static gboolean
number_before (const char *text, const char *unit, double *out)
{
  const char *u = strstr (text, unit), *start;
  char *end = NULL;

  if (u == NULL)
    return FALSE;
  for (start = u; start > text && strchr ("0123456789.-", start[-1]); start--)
    ;
  if (start == u || memchr (start, '.', (gsize) (u - start)) == NULL)
    return FALSE;
  *out = g_ascii_strtod (start, &end);
  return end == u;
}

START_TEST (test_reports_html_c_locale)
{
  char *dir, *report, *good, *loud, *broken, *html, **env;
  char *good_row, *loud_row;
  WsTestRun r;
  const char *index, *p;
  double lo, hi, band, lufs = NAN, peak = NAN;
  int rank_seen = 0;

  if (!have_german_locale ())
    return;
  dir = fresh_dir ("html");
  report = g_build_filename (dir, "report.html", NULL);
  good = media ("media/good.mp4");
  loud = media ("media/loud.mp4");
  broken = media ("media/broken.mp4");
  env = g_environ_setenv (g_get_environ (), "LC_ALL", "de_DE.UTF-8", TRUE);
  r = ws_test_run_env (g_getenv ("WS_WATERSHED"),
      (const char *const[]){ "check", "--territory", "GB", "--html", report,
          good, loud, broken, NULL },
      env);
  ck_assert_msg (r.status == 2, "exit %d: %s", r.status, r.err);
  /* the table too: '.' whatever the locale */
  ck_assert_msg (number_before (r.out, " LUFS pass", &lufs) &&
                     fabs (lufs + 23.0) < 0.5,
      "%s", r.out);
  html = read_text (report);
  ck_assert (g_utf8_validate (html, -1, NULL));
  ck_assert (g_str_has_prefix (html, "<!DOCTYPE html>\n<!-- written by "
                                     "watershed"));
  assert_svg_numbers (html);

  /* the run: version, command line, preset */
  ck_assert (strstr (html, "watershed " WS_VERSION) != NULL);
  ck_assert (
      strstr (html, "<code>watershed check --territory GB --html ") != NULL);
  ck_assert (strstr (html, "<th>Loudness preset</th><td>ebu-r128</td>"));
  ck_assert (strstr (html, "<td>target -23.0 LUFS, tolerance 1.0 LU, true "
                           "peak at most -1.0 dBTP</td>"));
  /* a filter that needs no script */
  ck_assert (strstr (html, "id=\"show-bad\"") != NULL);
  ck_assert (strstr (html, "#show-bad:checked~table tr.row-pass") != NULL);
  ck_assert (strstr (html, "<script") == NULL);

  /* the index: failures first (error, fail, pass), numbers with '.' */
  index = strstr (html, "<table class=\"index\">");
  ck_assert (index != NULL);
  good_row = g_strdup_printf ("%s</a></td><td>GB bbfc:15</td>"
                              "<td class=\"num\">",
      good);
  p = strstr (index, good_row);
  ck_assert_msg (p != NULL, "%s", index);
  ck_assert (number_before (p, " LUFS</td>", &lufs));
  ck_assert_msg (fabs (lufs + 23.0) < 0.5, "%g", lufs);
  ck_assert (number_before (p, " dBTP</td>", &peak));
  /* the tone peaks at -23 dBFS; AAC adds about 1 dB of overshoot */
  ck_assert_msg (peak > -23.5 && peak < -21.0, "%g", peak);
  loud_row = g_strdup_printf ("%s</a></td><td>GB bbfc:15</td>", loud);
  ck_assert (strstr (index, loud_row) != NULL);
  for (p = strstr (index, "<tr class=\"row-");
       p && p < strstr (index, "</table>");
       p = strstr (p + 1, "<tr class=\"row-")) {
    int rank = g_str_has_prefix (p, "<tr class=\"row-bad\"><td "
                                    "class=\"error\">") ?
                   0 :
               g_str_has_prefix (p, "<tr class=\"row-bad\"><td "
                                    "class=\"fail\">") ?
                   1 :
                   2;

    ck_assert_int_ge (rank, rank_seen);
    rank_seen = rank;
  }
  ck_assert_int_eq (rank_seen, 2);
  ck_assert_int_eq (count (index, "<tr class=\"row-"), 3);

  /* the plot: an axis around the programme (not -60..0) holding the
   * tolerance band, drawn at least 3 px tall */
  loudness_axis (html, good, &lo, &hi, &band);
  ck_assert_msg (lo <= -24.0 && hi >= -22.0, "axis %g..%g", lo, hi);
  ck_assert_msg (hi - lo <= 40.0, "axis %g..%g", lo, hi);
  ck_assert_msg (band >= 3.0, "band %g px", band);

  g_free (good_row);
  g_free (loud_row);
  g_free (html);
  g_strfreev (env);
  ws_test_run_clear (&r);
  ws_test_remove_tree (dir);
  g_free (dir);
  g_free (report);
  g_free (good);
  g_free (loud);
  g_free (broken);
}
END_TEST

/* ---- CSV, JSON Lines, --exclude, --failures-only ---------------------------- */

START_TEST (test_reports_csv_jsonl_filters)
{
  char *dir = fresh_dir ("csv");
  char *csv = g_build_filename (dir, "report.csv", NULL);
  char *folder = media ("media"), *csv_text, **lines, **cells;
  WsTestRun r = WS_TEST_RUN ("check", "--territory", "GB", "--jsonl",
      "--failures-only", "--csv", csv, folder);
  char **jl = NULL;
  JsonParser *parser = json_parser_new ();
  double loud_lufs = NAN;
  guint n_lines = 0;

  ck_assert_msg (r.status == 2, "exit %d: %s", r.status, r.err);
  /* one object per line for each file that did not pass, and nothing else */
  jl = g_strsplit (r.out, "\n", -1);
  for (char **l = jl; *l && **l; l++) {
    JsonObject *o = ws_test_parse_object (parser, *l);
    const char *path = json_object_get_string_member (o, "path");

    ck_assert_str_ne (json_object_get_string_member (o, "status"), "pass");
    ck_assert (json_object_has_member (o, "path_bytes"));
    if (g_str_has_suffix (path, "loud.mp4"))
      loud_lufs =
          json_object_get_double_member (json_object_get_object_member (o,
                                             "loudness"),
              "integrated_lufs");
    n_lines++;
  }
  ck_assert_uint_eq (n_lines, 2);
  ck_assert (isfinite (loud_lufs) && loud_lufs > -15.0);

  csv_text = read_text (csv);
  lines = g_strsplit (csv_text, "\r\n", -1);
  ck_assert_str_eq (lines[0],
      "path,status,ratings,integrated_lufs,lra_lu,true_peak_dbtp,loudness,"
      "flash,error,path_bytes");
  ck_assert_uint_eq (g_strv_length (lines), 4); /* 2 rows and "" */
  ck_assert_msg (strstr (lines[1], "broken.mp4\",error,\"\",,,,,,\"") != NULL,
      "%s", lines[1]);
  cells = g_strsplit (lines[2], ",", -1);
  ck_assert (g_str_has_suffix (cells[0], "loud.mp4\""));
  ck_assert_str_eq (cells[1], "fail");
  ck_assert_str_eq (cells[2], "\"GB bbfc:15\"");
  ck_assert (fabs (g_ascii_strtod (cells[3], NULL) - loud_lufs) < 0.051);
  ck_assert_str_eq (cells[6], "fail");
  g_strfreev (cells);
  g_strfreev (lines);
  g_free (csv_text);
  g_strfreev (jl);
  ws_test_run_clear (&r);

  /* --exclude: by name, in a walked folder */
  r = WS_TEST_RUN ("check", "--territory", "GB", "--jsonl", "--exclude",
      "loud*", "--exclude", "*/broken.mp4", folder);
  ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
  ck_assert_int_eq (count (r.out, "\n"), 1);
  ck_assert (strstr (r.out, "good.mp4") != NULL);
  ws_test_run_clear (&r);

  /* one stdout document at a time */
  r = WS_TEST_RUN ("check", "--json", "--jsonl", folder);
  ck_assert_int_eq (r.status, 2);
  ck_assert (strstr (r.err, "--jsonl") != NULL);
  ws_test_run_clear (&r);

  g_object_unref (parser);
  ws_test_remove_tree (dir);
  g_free (dir);
  g_free (csv);
  g_free (folder);
}
END_TEST

/* ---- report paths that would destroy something ------------------------------ */

START_TEST (test_reports_refuse_inputs_and_foreign_files)
{
  char *dir = fresh_dir ("refuse");
  char *ep01 = g_build_filename (dir, "ep01.mp4", NULL);
  char *ep02 = g_build_filename (dir, "ep02.mp4", NULL);
  char *ep02_xml = g_build_filename (dir, "ep02.xml", NULL);
  char *other = g_build_filename (dir, "other.xml", NULL);
  char *report = g_build_filename (dir, "report.xml", NULL);
  char *fresh = g_build_filename (dir, "fresh.xml", NULL);
  char *link = g_build_filename (dir, "link.xml", NULL);
  char *good = media ("media/good.mp4"), *before = NULL, *after = NULL;
  gsize before_len = 0, after_len = 0;
  WsTestRun r;

  ck_assert (copy_file (good, ep01) && copy_file (good, ep02));
  ck_assert (g_file_set_contents (ep02_xml, sidecar_bbfc15, -1, NULL));
  ck_assert (g_file_get_contents (ep01, &before, &before_len, NULL));

  /* `--junit *.mp4`: the shell made ep01.mp4 the report path */
  r = WS_TEST_RUN ("check", "--junit", ep01, ep02);
  ck_assert_int_eq (r.status, 2);
  ck_assert_msg (strstr (r.err, "is not a JUnit report of watershed check") &&
                     strstr (r.err, "--force"),
      "%s", r.err);
  ck_assert (g_file_get_contents (ep01, &after, &after_len, NULL));
  ck_assert (after_len == before_len && memcmp (before, after, after_len) == 0);
  g_free (after);
  ws_test_run_clear (&r);

  /* an input, or the sidecar of one: never, even with --force */
  r = WS_TEST_RUN ("check", "--force", "--csv", ep02, ep02);
  ck_assert_int_eq (r.status, 2);
  ck_assert_msg (strstr (r.err, "is one of the inputs"), "%s", r.err);
  ws_test_run_clear (&r);
  r = WS_TEST_RUN ("check", "--force", "--junit", ep02_xml, ep02);
  ck_assert_int_eq (r.status, 2);
  ck_assert_msg (strstr (r.err, "is one of the inputs"), "%s", r.err);
  ck_assert (g_file_get_contents (ep02_xml, &after, NULL, NULL));
  ck_assert_str_eq (after, sidecar_bbfc15);
  g_free (after);
  ws_test_run_clear (&r);

  /* two reports into one file */
  r = WS_TEST_RUN ("check", "--junit", report, "--csv", report, ep02);
  ck_assert_int_eq (r.status, 2);
  ck_assert_msg (strstr (r.err, "is also the --junit report"), "%s", r.err);
  ws_test_run_clear (&r);

  /* refused as a set: the accepted report is not written either */
  r = WS_TEST_RUN ("check", "--junit", fresh, "--csv", ep01, ep02);
  ck_assert_int_eq (r.status, 2);
  ck_assert (!g_file_test (fresh, G_FILE_TEST_EXISTS));
  ws_test_run_clear (&r);

  /* our own report is replaced run after run; a foreign file with --force */
  for (int i = 0; i < 2; i++) {
    r = WS_TEST_RUN ("check", "--territory", "GB", "--junit", report, ep02);
    ck_assert_msg (r.status == 0, "run %d: exit %d: %s", i, r.status, r.err);
    ws_test_run_clear (&r);
  }
  ck_assert (g_file_set_contents (other, "<notes>mine</notes>\n", -1, NULL));
  r = WS_TEST_RUN ("check", "--territory", "GB", "--junit", other, ep02);
  ck_assert_int_eq (r.status, 2);
  ws_test_run_clear (&r);
  r = WS_TEST_RUN ("check", "--territory", "GB", "--force", "--junit", other,
      ep02);
  ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
  ck_assert (g_file_get_contents (other, &after, NULL, NULL));
  ck_assert (strstr (after, "<testsuites") != NULL);
  g_free (after);
  ws_test_run_clear (&r);

  /* a symbolic link in the report's place */
  ck_assert_int_eq (symlink ("report.xml", link), 0);
  r = WS_TEST_RUN ("check", "--territory", "GB", "--junit", link, ep02);
  ck_assert_int_eq (r.status, 2);
  ck_assert_msg (strstr (r.err, "symbolic link"), "%s", r.err);
  ws_test_run_clear (&r);

  g_free (before);
  ws_test_remove_tree (dir);
  g_free (dir);
  g_free (ep01);
  g_free (ep02);
  g_free (ep02_xml);
  g_free (other);
  g_free (report);
  g_free (fresh);
  g_free (link);
  g_free (good);
}
END_TEST

/* ---- temporary files of a killed run ---------------------------------------- */

/* The host part of a temporary name, as the tool writes it. */
static char *
tmp_host (void)
{
  char *h = g_strndup (g_get_host_name (), 32);

  for (char *p = h; *p; p++)
    if (!g_ascii_isalnum (*p))
      *p = '_';
  return h;
}

/* The pid of a process that has ended. */
static int
dead_pid (void)
{
  GPid pid;
  int status;

  ck_assert (g_spawn_async (NULL, (char *[]){ "true", NULL }, NULL,
      G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, NULL));
  ck_assert_int_eq (waitpid (pid, &status, 0), pid);
  return (int) pid;
}

START_TEST (test_reports_stale_temporary_files)
{
  char *dir = fresh_dir ("stale");
  char *host = tmp_host ();
  char *report = g_build_filename (dir, "r.csv", NULL);
  char *html = g_build_filename (dir, "r.html", NULL);
  char *dead = g_strdup_printf ("%s/.r.csv.ws-tmp-%s-%d-a1b2c3", dir, host,
      dead_pid ());
  char *live = g_strdup_printf ("%s/.r.csv.ws-tmp-%s-%d-d4e5f6", dir, host,
      (int) getpid ());
  char *old = g_strdup_printf ("%s/.r.csv.ws-tmp-elsewhere-1-g7h8i9", dir);
  char *recent = g_strdup_printf ("%s/.r.csv.ws-tmp-elsewhere-1-j0k1l2", dir);
  char *unrelated = g_strdup_printf ("%s/.notes.ws-tmp-%s-%d-m3n4o5", dir, host,
      dead_pid ());
  char *good = media ("media/good.mp4");
  struct utimbuf two_days = { time (NULL) - 2 * 86400,
    time (NULL) - 2 * 86400 };
  const char *tmps[] = { dead, live, old, recent, unrelated };
  WsTestRun r;
  GDir *d;
  const char *name;
  int n_tmp = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (tmps); i++)
    ck_assert (g_file_set_contents (tmps[i], "partial", -1, NULL));
  ck_assert_int_eq (utime (old, &two_days), 0);

  r = WS_TEST_RUN ("check", "--territory", "GB", "--csv", report, "--html",
      html, good);
  ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
  ck_assert_int_eq (count (r.err, "left by an interrupted run"), 2);
  /* a dead process's and a day-old file go; a live process's, another
   * host's recent one and another report's stay */
  ck_assert (!g_file_test (dead, G_FILE_TEST_EXISTS));
  ck_assert (!g_file_test (old, G_FILE_TEST_EXISTS));
  ck_assert (g_file_test (live, G_FILE_TEST_EXISTS));
  ck_assert (g_file_test (recent, G_FILE_TEST_EXISTS));
  ck_assert (g_file_test (unrelated, G_FILE_TEST_EXISTS));
  /* both reports there, no temporary file of this run left */
  ck_assert (g_file_test (report, G_FILE_TEST_IS_REGULAR));
  ck_assert (g_file_test (html, G_FILE_TEST_IS_REGULAR));
  d = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (d)) != NULL)
    n_tmp += strstr (name, ".ws-tmp-") != NULL;
  g_dir_close (d);
  ck_assert_int_eq (n_tmp, 3);
  ws_test_run_clear (&r);

  ws_test_remove_tree (dir);
  g_free (dir);
  g_free (host);
  g_free (report);
  g_free (html);
  g_free (dead);
  g_free (live);
  g_free (old);
  g_free (recent);
  g_free (unrelated);
  g_free (good);
}
END_TEST

/* ---- folders: links, loops, hard links -------------------------------------- */

START_TEST (test_reports_walk_each_file_once)
{
  char *dir = fresh_dir ("walk");
  char *sub = g_build_filename (dir, "sub", NULL);
  char *a = g_build_filename (dir, "a.mp4", NULL);
  char *b = g_build_filename (sub, "b.mp4", NULL);
  char *hard = g_build_filename (dir, "a-hard.mp4", NULL);
  char *soft = g_build_filename (dir, "a-link.mp4", NULL);
  char *loops[3];
  char *good = media ("media/good.mp4");
  JsonParser *parser = json_parser_new ();
  JsonArray *files;
  WsTestRun r;

  ck_assert_int_eq (g_mkdir (sub, 0700), 0);
  ck_assert (copy_file (good, a) && copy_file (good, b));
  ck_assert_int_eq (link (a, hard), 0);
  ck_assert_int_eq (symlink ("a.mp4", soft), 0);
  /* three loops: two back to the folder itself, one up from sub */
  loops[0] = g_build_filename (dir, "loop", NULL);
  loops[1] = g_build_filename (dir, "loop2", NULL);
  loops[2] = g_build_filename (sub, "up", NULL);
  ck_assert_int_eq (symlink (".", loops[0]), 0);
  ck_assert_int_eq (symlink (".", loops[1]), 0);
  ck_assert_int_eq (symlink ("..", loops[2]), 0);

  /* the folder twice and a file in it: still each file once */
  {
    char *md = media ("media/good.xml");

    r = WS_TEST_RUN ("check", "--json", "--territory", "GB", "--metadata", md,
        dir, loops[0], a);
    g_free (md);
  }
  ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
  files = json_object_get_array_member (ws_test_parse_object (parser, r.out),
      "files");
  ck_assert_uint_eq (json_array_get_length (files), 2);
  ck_assert_str_eq (json_object_get_string_member (
                        json_array_get_object_element (files, 0), "path"),
      hard); /* the first name in sorted order */
  ck_assert (
      g_str_has_suffix (json_object_get_string_member (
                            json_array_get_object_element (files, 1), "path"),
          "sub/b.mp4"));
  ws_test_run_clear (&r);

  g_object_unref (parser);
  /* the links first: removing through a loop would never end */
  g_unlink (soft);
  for (int i = 0; i < 3; i++) {
    g_unlink (loops[i]);
    g_free (loops[i]);
  }
  ws_test_remove_tree (dir);
  g_free (dir);
  g_free (sub);
  g_free (a);
  g_free (b);
  g_free (hard);
  g_free (soft);
  g_free (good);
}
END_TEST

/* ---- hostile names and metadata bytes --------------------------------------- */

static gboolean
has_byte (const char *text, char byte)
{
  return text != NULL && strchr (text, byte) != NULL;
}

START_TEST (test_reports_hostile_names_stay_valid)
{
  char *dir = fresh_dir ("hostile");
  char *ff = g_build_filename (dir, "bad\xff.mp4", NULL);
  char *esc = g_build_filename (dir, "esc\x1b[31mred.mp4", NULL);
  char *itunes = g_build_filename (dir, "itunes.mp4", NULL);
  char *junit = media ("hostile-report.xml"), *html = media ("hostile.html");
  char *csv = media ("hostile.csv"), *good = media ("media/good.mp4");
  char *text, *ff_hex = hex (ff);
  JsonParser *parser = json_parser_new ();
  JsonArray *files;
  gboolean found_ff = FALSE;
  WsTestRun r;

  ck_assert (copy_file (good, ff) && copy_file (good, esc));
  /* an iTunEXTC value that is not UTF-8 */
  ck_assert (FFMPEG ("-i", good, "-c", "copy", "-metadata",
      "iTunEXTC=uk-movie|15\xff\x1b|350|", "-movflags", "use_metadata_tags",
      itunes));

  r = WS_TEST_RUN ("check", "--json", "--territory", "GB", "--junit", junit,
      "--html", html, "--csv", csv, dir);
  ck_assert_msg (r.status == 1, "exit %d: %s", r.status, r.err);
  ck_assert (g_utf8_validate (r.out, -1, NULL));
  ck_assert (!has_byte (r.err, '\x1b'));
  files = json_object_get_array_member (ws_test_parse_object (parser, r.out),
      "files");
  ck_assert_uint_eq (json_array_get_length (files), 3);
  for (guint i = 0; i < 3; i++) {
    JsonObject *o = json_array_get_object_element (files, i);
    const char *path = json_object_get_string_member (o, "path");

    ck_assert (g_utf8_validate (path, -1, NULL));
    if (strcmp (json_object_get_string_member (o, "path_bytes"), ff_hex) == 0) {
      /* the name shown with the byte written out; the bytes kept */
      ck_assert (g_str_has_suffix (path, "bad\\xff.mp4"));
      found_ff = TRUE;
    }
  }
  ck_assert (found_ff);

  ck_assert_int_le (xmllint (junit, TRUE), 0);
  text = read_text (junit);
  ck_assert (g_utf8_validate (text, -1, NULL) && !has_byte (text, '\x1b'));
  ck_assert (strstr (text, "esc\\x1b[31mred.mp4") != NULL);
  g_free (text);
  text = read_text (html);
  ck_assert (g_utf8_validate (text, -1, NULL) && !has_byte (text, '\x1b'));
  g_free (text);
  text = read_text (csv);
  ck_assert (g_utf8_validate (text, -1, NULL) && !has_byte (text, '\x1b'));
  g_free (text);
  ws_test_run_clear (&r);

  /* the table: no escape sequence reaches the terminal */
  r = WS_TEST_RUN ("check", "--territory", "GB", dir);
  ck_assert_int_eq (r.status, 1);
  ck_assert (g_utf8_validate (r.out, -1, NULL));
  ck_assert (!has_byte (r.out, '\x1b') && !has_byte (r.err, '\x1b'));
  ck_assert (strstr (r.out, "esc\\x1b[31mred.mp4") != NULL);
  ws_test_run_clear (&r);

  g_object_unref (parser);
  ws_test_remove_tree (dir);
  g_unlink (junit);
  g_unlink (html);
  g_unlink (csv);
  g_free (dir);
  g_free (ff);
  g_free (esc);
  g_free (itunes);
  g_free (junit);
  g_free (html);
  g_free (csv);
  g_free (good);
  g_free (ff_hex);
}
END_TEST

/* ---- a sidecar named as an input -------------------------------------------- */

START_TEST (test_reports_sidecar_named_on_command_line)
{
  char *good = media ("media/good.mp4"), *xml = media ("media/good.xml");
  char *orphan = media ("orphan.xml");
  JsonParser *parser = json_parser_new ();
  JsonObject *root, *sc;
  WsTestRun r = WS_TEST_RUN ("check", "--json", "--territory", "GB", good, xml);

  ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
  root = ws_test_parse_object (parser, r.out);
  ck_assert_uint_eq (json_array_get_length (
                         json_object_get_array_member (root, "files")),
      1);
  ck_assert_uint_eq (json_array_get_length (
                         json_object_get_array_member (root, "sidecars")),
      1);
  sc = json_array_get_object_element (json_object_get_array_member (root,
                                          "sidecars"),
      0);
  ck_assert_str_eq (json_object_get_string_member (sc, "path"), xml);
  ck_assert_str_eq (json_object_get_string_member (sc, "sidecar_of"), good);
  ws_test_run_clear (&r);

  /* the table says so; an .xml beside no media is named as such */
  ck_assert (g_file_set_contents (orphan, sidecar_bbfc15, -1, NULL));
  r = WS_TEST_RUN ("check", "--territory", "GB", xml, good, orphan);
  ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
  ck_assert (strstr (r.out, "sidecar metadata of") != NULL);
  ck_assert (strstr (r.out, "no input uses it") != NULL);
  ck_assert (strstr (r.out, "1 file: 1 pass, 0 fail, 0 error") != NULL);
  ck_assert (strstr (r.out, "ERROR") == NULL);
  ws_test_run_clear (&r);

  g_unlink (orphan);
  g_object_unref (parser);
  g_free (good);
  g_free (xml);
  g_free (orphan);
}
END_TEST

/* ---- units: text from outside, our reports ---------------------------------- */

START_TEST (test_reports_safe_text_modes)
{
  static const struct {
    const char *in, *json, *xml, *line;
  } cases[] = {
    { "plain é.mp4", "plain é.mp4", "plain é.mp4", "plain é.mp4" },
    { "bad\xff.mp4", "bad\\xff.mp4", "bad\\xff.mp4", "bad\\xff.mp4" },
    { "esc\x1b[31m", "esc\x1b[31m", "esc\\x1b[31m", "esc\\x1b[31m" },
    { "a\tb\nc", "a\tb\nc", "a\tb\nc", "a\\x09b\\x0ac" },
    /* U+FFFE (not XML), U+0085 (C1), a truncated sequence */
    { "x\xef\xbf\xbey\xc2\x85z\xe2\x82", "x\xef\xbf\xbey\xc2\x85z\\xe2\\x82",
        "x\\xef\\xbf\\xbey\\xc2\\x85z\\xe2\\x82",
        "x\\xef\\xbf\\xbey\\xc2\\x85z\\xe2\\x82" },
    /* a surrogate and an overlong '/' are not UTF-8 */
    { "\xed\xa0\x80/\xc0\xaf", "\\xed\\xa0\\x80/\\xc0\\xaf",
        "\\xed\\xa0\\x80/\\xc0\\xaf", "\\xed\\xa0\\x80/\\xc0\\xaf" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    char *json = ws_cli_safe_text (cases[i].in, WS_CLI_TEXT_JSON);
    char *xml = ws_cli_safe_text (cases[i].in, WS_CLI_TEXT_XML);
    char *line = ws_cli_safe_text (cases[i].in, WS_CLI_TEXT_LINE);

    ck_assert_str_eq (json, cases[i].json);
    ck_assert_str_eq (xml, cases[i].xml);
    ck_assert_str_eq (line, cases[i].line);
    g_free (json);
    g_free (xml);
    g_free (line);
  }
  ck_assert (ws_cli_safe_text (NULL, WS_CLI_TEXT_LINE) == NULL);
  {
    char *h = ws_cli_hex ("bad\xff.mp4");

    ck_assert_str_eq (h, "626164ff2e6d7034");
    g_free (h);
  }
}
END_TEST

START_TEST (test_reports_recognise_ours)
{
  char *dir = fresh_dir ("ours");
  char *f = g_build_filename (dir, "r", NULL);
  static const struct {
    const char *text;
    WsReportKind kind;
    gboolean ours;
  } cases[] = {
    { "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" WS_REPORT_MARKER
      "\n<testsuites/>\n",
        WS_REPORT_JUNIT, TRUE },
    { "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites/>\n",
        WS_REPORT_JUNIT, FALSE },
    /* the marker later in the file does not count */
    { "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>" WS_REPORT_MARKER
      "</a>\n",
        WS_REPORT_JUNIT, FALSE },
    { "<!DOCTYPE html>\n" WS_REPORT_MARKER "\n<html></html>\n", WS_REPORT_HTML,
        TRUE },
    { "<!DOCTYPE html>\n" WS_REPORT_MARKER "\n<html></html>\n", WS_REPORT_JUNIT,
        FALSE },
    { WS_REPORT_CSV_HEADER "\r\n\"a.mp4\",pass\r\n", WS_REPORT_CSV, TRUE },
    { "path,status\r\n", WS_REPORT_CSV, FALSE },
    { "", WS_REPORT_CSV, FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    ck_assert (g_file_set_contents (f, cases[i].text, -1, NULL));
    ck_assert_msg (ws_report_is_ours (f, cases[i].kind) == cases[i].ours,
        "case %zu", i);
  }
  g_unlink (f);
  ck_assert (!ws_report_is_ours (f, WS_REPORT_CSV));
  ws_test_remove_tree (dir);
  g_free (dir);
  g_free (f);
}
END_TEST

/* The reports of a set are renamed together, after the places are checked
 * again: a foreign file that appeared during the run stops them all. */
START_TEST (test_reports_set_commit_rechecks)
{
  char *dir = fresh_dir ("set");
  char *a = g_build_filename (dir, "a.csv", NULL);
  char *b = g_build_filename (dir, "b.html", NULL);
  GHashTable *none = g_hash_table_new (g_str_hash, g_str_equal);
  WsReportSet *set = ws_report_set_new (none, FALSE);
  GError *error = NULL;
  char *text = NULL;
  GDir *d;
  int n = 0;

  ck_assert (ws_report_set_add (set, "--csv", a, WS_REPORT_CSV, &error));
  ck_assert (ws_report_set_add (set, "--html", b, WS_REPORT_HTML, &error));
  ck_assert (ws_report_set_stage (set, a, WS_REPORT_CSV_HEADER "\r\n", &error));
  ck_assert (ws_report_set_stage (set, b, "<!DOCTYPE html>\n", &error));
  /* someone's file appears where b goes */
  ck_assert (g_file_set_contents (b, "my notes\n", -1, NULL));
  ck_assert (!ws_report_set_commit (set, &error));
  ck_assert_msg (strstr (error->message, "appeared during the check"), "%s",
      error->message);
  g_clear_error (&error);
  ws_report_set_free (set);
  /* nothing renamed, nothing left behind */
  ck_assert (!g_file_test (a, G_FILE_TEST_EXISTS));
  ck_assert (g_file_get_contents (b, &text, NULL, NULL));
  ck_assert_str_eq (text, "my notes\n");
  g_free (text);
  d = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (d) != NULL)
    n++;
  g_dir_close (d);
  ck_assert_int_eq (n, 1);

  /* without the intruder both are written */
  g_unlink (b);
  set = ws_report_set_new (none, FALSE);
  ck_assert (ws_report_set_add (set, "--csv", a, WS_REPORT_CSV, &error));
  ck_assert (ws_report_set_add (set, "--html", b, WS_REPORT_HTML, &error));
  ck_assert (ws_report_set_stage (set, a, WS_REPORT_CSV_HEADER "\r\n", &error));
  ck_assert (ws_report_set_stage (set, b, "<!DOCTYPE html>\n", &error));
  ck_assert (ws_report_set_commit (set, &error));
  ws_report_set_free (set);
  ck_assert (ws_report_is_ours (a, WS_REPORT_CSV));
  ck_assert (g_file_test (b, G_FILE_TEST_IS_REGULAR));

  g_hash_table_unref (none);
  ws_test_remove_tree (dir);
  g_free (dir);
  g_free (a);
  g_free (b);
}
END_TEST

static Suite *
reports_suite (void)
{
  Suite *s = suite_create ("watershed-check-reports");
  TCase *formats = tcase_create ("formats");
  TCase *paths = tcase_create ("paths");
  TCase *hostile = tcase_create ("hostile");
  TCase *units = tcase_create ("units");

  tcase_set_timeout (formats, 120);
  tcase_set_timeout (paths, 120);
  tcase_set_timeout (hostile, 120);
  tcase_add_test (formats, test_reports_junit_schema);
  tcase_add_test (formats, test_reports_html_c_locale);
  tcase_add_test (formats, test_reports_csv_jsonl_filters);
  tcase_add_test (formats, test_reports_sidecar_named_on_command_line);
  tcase_add_test (paths, test_reports_refuse_inputs_and_foreign_files);
  tcase_add_test (paths, test_reports_stale_temporary_files);
  tcase_add_test (paths, test_reports_walk_each_file_once);
  tcase_add_test (hostile, test_reports_hostile_names_stay_valid);
  suite_add_tcase (s, formats);
  suite_add_tcase (s, paths);
  tcase_add_test (units, test_reports_safe_text_modes);
  tcase_add_test (units, test_reports_recognise_ours);
  tcase_add_test (units, test_reports_set_commit_rechecks);
  suite_add_tcase (s, hostile);
  suite_add_tcase (s, units);
  return s;
}

int
main (void)
{
  static const char *const tools[] = { "ffmpeg", NULL };
  int status = ws_test_media_main (tools, "ws-reports-XXXXXX", &tmp_dir,
      make_media, reports_suite);

  xmlCleanupParser ();
  return status;
}
