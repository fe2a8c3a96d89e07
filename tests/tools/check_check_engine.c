/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The check engine (tools/ws-check.h, library wscheck) and the options of
 * `watershed check` around it, on media made here by ffmpeg and then
 * damaged by the test: bytes overwritten in the middle of an MP4, a
 * truncated Matroska file, a container duration that disagrees with the
 * media, a stream that ends early, a timestamp gap, a file that grows while
 * it is checked; every audio track measured (a second track at -8.7 LUFS);
 * the mono rule; a customer's loudness spec; --jobs bounds. Expected counts
 * are taken from ffprobe where it can tell (frames it decodes, byte
 * positions of packets), not from our own output. Skipped (77) without
 * ffmpeg and ffprobe. */
#include <check.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "ws-check.h"
#include "ws-test-cli.h"
#include "ws-test-util.h"

static char *tmp_dir;

static char *
media (const char *relative)
{
  return g_build_filename (tmp_dir, relative, NULL);
}

/* ---- tools --------------------------------------------------------------- */

#define FFMPEG WS_TEST_FFMPEG

#define VIDEO6 "testsrc2=size=320x180:rate=25:duration=6"
#define TONE6 "sine=frequency=1000:sample_rate=48000:duration=6"

static const char sidecar_bbfc15[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" version=\"1\">\n"
    " <programme id=\"T\" title=\"Test\">\n"
    "  <rating territory=\"GB\" system=\"bbfc\" code=\"15\"/>\n"
    " </programme>\n"
    "</watershed-metadata>\n";

/* NAME.mp4 gets NAME.xml, so only the media decides the verdict. */
static gboolean
sidecar_for (const char *media_path)
{
  const char *dot = strrchr (media_path, '.');
  char *xml = g_strdup_printf ("%.*s.xml", (int) (dot - media_path),
      media_path);
  gboolean ok = g_file_set_contents (xml, sidecar_bbfc15, -1, NULL);

  g_free (xml);
  return ok;
}

/* ---- damage -------------------------------------------------------------- */

/* Overwrites @len bytes at the middle of @path with 0x5A. */
static gboolean
overwrite_middle (const char *path, gsize len, gsize *at)
{
  char *data = NULL;
  gsize size = 0;
  gboolean ok;

  if (!g_file_get_contents (path, &data, &size, NULL) || size < 4 * len)
    return FALSE;
  *at = size / 2;
  memset (data + *at, 0x5a, len);
  ok = g_file_set_contents (path, data, (gssize) size, NULL);
  g_free (data);
  return ok;
}

static gboolean
truncate_to (const char *path, gsize keep)
{
  char *data = NULL;
  gsize size = 0;
  gboolean ok;

  if (!g_file_get_contents (path, &data, &size, NULL) || keep >= size)
    return FALSE;
  ok = g_file_set_contents (path, data, (gssize) keep, NULL);
  g_free (data);
  return ok;
}

/* Doubles the duration in the MP4 movie header (mvhd, version 0), so the
 * container says twice what the media holds. */
static gboolean
double_mvhd_duration (const char *path)
{
  char *data = NULL;
  gsize size = 0;
  gboolean ok = FALSE;

  if (!g_file_get_contents (path, &data, &size, NULL))
    return FALSE;
  for (gsize i = 0; i + 24 <= size; i++) {
    if (memcmp (data + i, "mvhd", 4) == 0 && data[i + 4] == 0) {
      guint8 *p = (guint8 *) data + i + 20;
      guint32 d = (guint32) p[0] << 24 | (guint32) p[1] << 16 |
                  (guint32) p[2] << 8 | p[3];

      d *= 2;
      p[0] = (guint8) (d >> 24);
      p[1] = (guint8) (d >> 16);
      p[2] = (guint8) (d >> 8);
      p[3] = (guint8) d;
      ok = g_file_set_contents (path, data, (gssize) size, NULL);
      break;
    }
  }
  g_free (data);
  return ok;
}

static gboolean
concat_files (const char *a, const char *b, const char *to)
{
  char *da = NULL, *db = NULL;
  gsize la = 0, lb = 0;
  gboolean ok = FALSE;

  if (g_file_get_contents (a, &da, &la, NULL) &&
      g_file_get_contents (b, &db, &lb, NULL)) {
    GString *out = g_string_new_len (da, (gssize) la);

    g_string_append_len (out, db, (gssize) lb);
    ok = g_file_set_contents (to, out->str, (gssize) out->len, NULL);
    g_string_free (out, TRUE);
  }
  g_free (da);
  g_free (db);
  return ok;
}

/* ---- ffprobe's view ------------------------------------------------------ */

/* Packets and frames ffprobe reads from stream @index of @path. */
static void
probe_counts (const char *path, int index, gint64 *packets, gint64 *frames)
{
  char *sel = g_strdup_printf ("%d", index), *out = NULL;
  const char *p;

  ck_assert (ws_test_tool ("ffprobe",
      (const char *const[]){ "-count_frames", "-count_packets",
          "-select_streams", sel, "-show_entries",
          "stream=nb_read_frames,nb_read_packets", "-of", "flat", path, NULL },
      &out));
  p = strstr (out, "nb_read_frames=\"");
  ck_assert_msg (p != NULL, "%s", out);
  *frames = g_ascii_strtoll (p + strlen ("nb_read_frames=\""), NULL, 10);
  p = strstr (out, "nb_read_packets=\"");
  ck_assert_msg (p != NULL, "%s", out);
  *packets = g_ascii_strtoll (p + strlen ("nb_read_packets=\""), NULL, 10);
  g_free (out);
  g_free (sel);
}

/* The presentation times of the packets of stream @index whose bytes lie
 * in [at, at + len): where the damage is. */
static gboolean
probe_damaged_span (const char *path, int index, gsize at, gsize len,
    double *first_s, double *last_s)
{
  char *sel = g_strdup_printf ("%d", index), *out = NULL;
  char **lines;
  gboolean found = FALSE;

  ck_assert (ws_test_tool ("ffprobe",
      (const char *const[]){ "-select_streams", sel, "-show_entries",
          "packet=pts_time,pos,size", "-of", "csv=p=0", path, NULL },
      &out));
  lines = g_strsplit (out, "\n", -1);
  for (char **l = lines; *l; l++) {
    double t;
    gint64 size, pos;

    if (sscanf (*l, "%lf,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT, &t, &size,
            &pos) != 3)
      continue;
    if (pos + size <= (gint64) at || pos >= (gint64) (at + len))
      continue;
    if (!found)
      *first_s = *last_s = t;
    *first_s = MIN (*first_s, t);
    *last_s = MAX (*last_s, t);
    found = TRUE;
  }
  g_strfreev (lines);
  g_free (out);
  g_free (sel);
  return found;
}

/* ---- JSON ---------------------------------------------------------------- */

static JsonObject *
only_file (JsonParser *parser, const char *text)
{
  JsonArray *files = json_object_get_array_member (ws_test_parse_object (parser,
                                                       text),
      "files");

  ck_assert_int_eq (json_array_get_length (files), 1);
  return json_array_get_object_element (files, 0);
}

/* The check @id with @subject (NULL: no subject) of @file. */
static JsonObject *
find_check (JsonObject *file, const char *id, const char *subject)
{
  JsonArray *checks = json_object_get_array_member (file, "checks");

  for (guint i = 0; i < json_array_get_length (checks); i++) {
    JsonObject *c = json_array_get_object_element (checks, i);
    JsonNode *s = json_object_get_member (c, "subject");

    if (strcmp (json_object_get_string_member (c, "id"), id) != 0)
      continue;
    if (subject == NULL ? JSON_NODE_HOLDS_NULL (s) :
                          !JSON_NODE_HOLDS_NULL (s) &&
                              strcmp (json_node_get_string (s), subject) == 0)
      return c;
  }
  ck_abort_msg ("no check %s %s", id, subject ? subject : "");
  return NULL;
}

/* Match group @n of @m as a number. */
static gint64
group_int (const GMatchInfo *m, int n)
{
  char *s = g_match_info_fetch (m, n);
  gint64 v = g_ascii_strtoll (s, NULL, 10);

  g_free (s);
  return v;
}

static double
group_double (const GMatchInfo *m, int n)
{
  char *s = g_match_info_fetch (m, n);
  double v = g_ascii_strtod (s, NULL);

  g_free (s);
  return v;
}

/* ---- integrity: damaged media ------------------------------------------- */

#define DAMAGE_BYTES 20000

START_TEST (test_check_engine_overwritten_mp4_fails)
{
  char *path = media ("damaged/overwritten.mp4");
  char *at_s = media ("damaged/overwritten.at");
  char *text = NULL, *expected;
  gsize at;
  gint64 v_packets, v_frames, a_packets, a_frames, v_missing, a_errors;
  gint64 v_errors;
  gint64 problems;
  double v_first, v_last, a_first = 0, a_last = 0, r0, r1, r2, r3;
  gboolean audio_hit;
  JsonParser *parser = json_parser_new ();
  JsonObject *f, *integrity;
  GMatchInfo *m = NULL;
  GRegex *re;
  const char *msg;
  WsTestRun r;

  ck_assert (g_file_get_contents (at_s, &text, NULL, NULL));
  at = (gsize) g_ascii_strtoull (text, NULL, 10);
  probe_counts (path, 0, &v_packets, &v_frames);
  probe_counts (path, 1, &a_packets, &a_frames);
  ck_assert (probe_damaged_span (path, 0, at, DAMAGE_BYTES, &v_first, &v_last));
  audio_hit = probe_damaged_span (path, 1, at, DAMAGE_BYTES, &a_first, &a_last);
  /* the damage really costs video frames */
  ck_assert_int_gt (v_packets - v_frames, 0);

  r = WS_TEST_RUN ("check", "--json", "--no-progress", path);
  ck_assert_msg (r.status == 1, "exit %d: %s", r.status, r.err);
  /* libav's own lines do not reach the terminal */
  ck_assert_msg (strstr (r.err, "NAL") == NULL &&
                     strstr (r.err, " @ 0x") == NULL,
      "%s", r.err);
  f = only_file (parser, r.out);
  ck_assert_str_eq (json_object_get_string_member (f, "status"), "fail");
  /* only the damage fails it: rating, loudness and flash pass */
  ck_assert_str_eq (json_object_get_string_member (find_check (f,
                                                       "rating-present", "GB"),
                        "status"),
      "pass");
  ck_assert_str_eq (json_object_get_string_member (find_check (f, "loudness",
                                                       NULL),
                        "status"),
      "pass");
  integrity = find_check (f, "integrity", NULL);
  ck_assert_str_eq (json_object_get_string_member (integrity, "status"),
      "fail");
  msg = json_object_get_string_member (integrity, "message");

  re = g_regex_new ("^damaged media: video stream #0 \\(h264\\): "
                    "([0-9]+) undecodable packets?, ([0-9]+) frames? missing "
                    "at ([0-9.]+)-([0-9.]+) s; audio stream #1 \\(aac\\): "
                    "([0-9]+) undecodable packets? at ([0-9.]+)-([0-9.]+) s "
                    "\\(([0-9]+) problems; allowed 0, see "
                    "--allow-decode-errors\\)$",
      0, 0, NULL);
  ck_assert_msg (g_regex_match (re, msg, 0, &m), "%s", msg);
  v_errors = group_int (m, 1);
  v_missing = group_int (m, 2);
  a_errors = group_int (m, 5);
  problems = group_int (m, 8);
  r0 = group_double (m, 3);
  r1 = group_double (m, 4);
  r2 = group_double (m, 6);
  r3 = group_double (m, 7);
  /* the frames ffprobe could not decode either */
  ck_assert_int_eq (v_missing, v_packets - v_frames);
  ck_assert_int_ge (a_errors, 1);
  ck_assert_int_eq (problems, v_missing + a_errors);
  /* the ranges are where the overwritten bytes are (within a GOP of
   * frames dropped for want of their references) */
  ck_assert_msg (r0 >= v_first - 0.1 && r0 <= v_last + 0.1, "%f %f-%f", r0,
      v_first, v_last);
  ck_assert (r1 >= r0 && r1 <= 6.0);
  if (audio_hit)
    ck_assert_msg (r2 >= a_first - 0.1 && r3 <= a_last + 0.2, "%f-%f in %f-%f",
        r2, r3, a_first, a_last);
  /* the exact message, rebuilt from those numbers */
  expected =
      g_strdup_printf ("damaged media: video stream #0 (h264): "
                       "%" G_GINT64_FORMAT
                       " undecodable packet%s, %" G_GINT64_FORMAT
                       " frame%s missing at %.2f-%.2f s; audio stream "
                       "#1 (aac): %" G_GINT64_FORMAT
                       " undecodable packet%s at %.2f-%.2f s (%" G_GINT64_FORMAT
                       " problems; allowed 0, see "
                       "--allow-decode-errors)",
          v_errors, v_errors == 1 ? "" : "s", v_missing,
          v_missing == 1 ? "" : "s", r0, r1, a_errors, a_errors == 1 ? "" : "s",
          r2, r3, problems);
  ck_assert_str_eq (msg, expected);
  g_free (expected);

  /* the JSON integrity object says the same */
  integrity = json_object_get_object_member (f, "integrity");
  ck_assert_str_eq (json_object_get_string_member (integrity, "verdict"),
      "fail");
  ck_assert_int_eq (json_object_get_int_member (integrity, "problems"),
      problems);
  ck_assert_int_ge (json_array_get_length (
                        json_object_get_array_member (integrity, "ranges")),
      1);
  /* libav's complaints are counted into the warnings, not one per line */
  ck_assert_int_gt (json_object_get_int_member (integrity, "libav_log_lines"),
      0);
  {
    JsonArray *w = json_object_get_array_member (f, "warnings");
    gboolean counted = FALSE;

    ck_assert_int_le (json_array_get_length (w), 20);
    for (guint i = 0; i < json_array_get_length (w); i++) {
      const char *s = json_array_get_string_element (w, i);

      counted = counted || (g_str_has_prefix (s, "libav ") &&
                               strstr (s, "lines like this"));
    }
    ck_assert (counted);
  }
  ws_test_run_clear (&r);

  /* the table */
  r = WS_TEST_RUN ("check", "--no-progress", path);
  ck_assert_int_eq (r.status, 1);
  ck_assert_msg (strstr (r.out, "fail integrity: damaged media: video stream "
                                "#0 (h264): "),
      "%s", r.out);
  ws_test_run_clear (&r);

  /* --allow-decode-errors: as many problems as there are: a warning, the
   * file passes; one fewer: it fails */
  {
    char *n = g_strdup_printf ("%" G_GINT64_FORMAT, problems);
    char *n1 = g_strdup_printf ("%" G_GINT64_FORMAT, problems - 1);

    r = WS_TEST_RUN ("check", "--json", "--no-progress",
        "--allow-decode-errors", n, path);
    ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.out);
    f = only_file (parser, r.out);
    ck_assert_str_eq (json_object_get_string_member (f, "status"), "pass");
    integrity = find_check (f, "integrity", NULL);
    ck_assert_str_eq (json_object_get_string_member (integrity, "status"),
        "warn");
    ck_assert (strstr (json_object_get_string_member (integrity, "message"),
        "within --allow-decode-errors"));
    ws_test_run_clear (&r);
    r = WS_TEST_RUN ("check", "--json", "--no-progress",
        "--allow-decode-errors", n1, path);
    ck_assert_int_eq (r.status, 1);
    ws_test_run_clear (&r);
    r = WS_TEST_RUN ("check", "--allow-decode-errors", "-1", path);
    ck_assert_int_eq (r.status, 2);
    ck_assert (strstr (r.err, "--allow-decode-errors must be 0 or more"));
    ws_test_run_clear (&r);
    g_free (n);
    g_free (n1);
  }

  g_match_info_free (m);
  g_regex_unref (re);
  g_object_unref (parser);
  g_free (text);
  g_free (at_s);
  g_free (path);
}
END_TEST

/* The intact file the damaged one was made from passes integrity. */
START_TEST (test_check_engine_intact_passes)
{
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  char *path = media ("damaged/intact.mp4");
  WsCheckOptions opts;
  WsCheckFile *f;

  ws_check_options_init (&opts, reg);
  f = ws_check_file (path, &opts, NULL, NULL);
  ck_assert_msg (f->status == WS_CHECK_PASS, "%s",
      f->error ? f->error : f->integrity_message);
  ck_assert_int_eq (f->integrity_status, WS_CHECK_PASS);
  ck_assert_int_eq (f->integrity_problems, 0);
  ck_assert_int_eq (f->integrity_ranges->len, 0);
  ck_assert_int_eq (f->video_frames, 150);
  ck_assert_int_eq (f->libav_log_lines, 0);
  ws_check_file_free (f);
  g_free (path);
}
END_TEST

/* Truncated Matroska (its Info says 6 s) and an MP4 whose header says
 * twice its length: errors, exit 2, "still being written?". */
START_TEST (test_check_engine_duration_disagrees)
{
  static const struct {
    const char *name;
    double container_s, decoded_lo, decoded_hi;
  } cases[] = {
    { "damaged/truncated.mkv", 6.0, 0.5, 5.0 },
    { "damaged/doubled.mp4", 12.0, 5.9, 6.1 },
  };
  JsonParser *parser = json_parser_new ();

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    char *path = media (cases[i].name);
    WsTestRun r = WS_TEST_RUN ("check", "--json", "--no-progress", path);
    JsonObject *f;
    const char *error;
    char *prefix;
    double c = 0, dec = 0;

    ck_assert_msg (r.status == 2, "%s: exit %d", cases[i].name, r.status);
    f = only_file (parser, r.out);
    ck_assert_str_eq (json_object_get_string_member (f, "status"), "error");
    error = json_object_get_string_member (f, "error");
    prefix = g_strdup_printf ("%s: the container says ", path);
    ck_assert_msg (g_str_has_prefix (error, prefix), "%s", error);
    ck_assert_msg (g_str_has_suffix (error, " s: truncated, or still being "
                                            "written?"),
        "%s", error);
    ck_assert (sscanf (error + strlen (prefix),
                   "%lf s but the media decoded to %lf s", &c, &dec) == 2);
    ck_assert_msg (fabs (c - cases[i].container_s) < 0.1, "%f", c);
    ck_assert_msg (dec > cases[i].decoded_lo && dec < cases[i].decoded_hi, "%f",
        dec);
    ck_assert (strstr (r.err, error));
    g_free (prefix);
    ws_test_run_clear (&r);
    g_free (path);
  }
  g_object_unref (parser);
}
END_TEST

/* An audio stream that stops 3 s before the video; and an MPEG-TS whose
 * timestamps jump 10 s forward. */
START_TEST (test_check_engine_early_end_and_gap)
{
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  char *early = media ("damaged/early.mp4"), *gap = media ("damaged/gap.ts");
  WsCheckOptions opts;
  WsCheckFile *f;
  const WsCheckRange *range;

  ws_check_options_init (&opts, reg);
  f = ws_check_file (early, &opts, NULL, NULL);
  ck_assert_msg (f->status == WS_CHECK_FAIL, "%s", f->error);
  ck_assert_int_eq (f->integrity_status, WS_CHECK_FAIL);
  ck_assert_int_eq (f->integrity_problems, 1);
  ck_assert_msg (strstr (f->integrity_message,
                     "audio stream #1 (aac): ends at 3.0") &&
                     strstr (f->integrity_message, " before the others at 3."),
      "%s", f->integrity_message);
  ck_assert_int_eq (f->integrity_ranges->len, 1);
  range = &g_array_index (f->integrity_ranges, WsCheckRange, 0);
  ck_assert (fabs (range->start_s - 3.0) < 0.1);
  ck_assert (fabs (range->end_s - 6.0) < 0.1);
  ws_check_file_free (f);

  f = ws_check_file (gap, &opts, NULL, NULL);
  ck_assert_msg (f->status == WS_CHECK_FAIL, "%s", f->error);
  ck_assert_int_eq (f->integrity_status, WS_CHECK_FAIL);
  ck_assert_msg (strstr (f->integrity_message,
                     "video stream #0 (mpeg2video): 1 timestamp gap at "),
      "%s", f->integrity_message);
  ck_assert_msg (strstr (f->integrity_message,
                     "audio stream #1 (mp2): 1 timestamp gap at "),
      "%s", f->integrity_message);
  ck_assert_int_eq (f->integrity_problems, 2);
  range = &g_array_index (f->integrity_ranges, WsCheckRange, 0);
  /* the hole: from the end of the first piece (3 s) to the second (10 s) */
  ck_assert_msg (fabs (range->start_s - 3.0) < 0.2 &&
                     fabs (range->end_s - 10.0) < 0.2,
      "%f-%f", range->start_s, range->end_s);
  ws_check_file_free (f);
  g_free (early);
  g_free (gap);
}
END_TEST

/* Row 6 of issue 11: a file that grows while it is checked. */
static void
grow_file (const char *path, double fraction, gpointer user_data)
{
  gboolean *grown = user_data;
  FILE *fp;

  (void) fraction;
  if (*grown)
    return;
  fp = g_fopen (path, "ab");
  ck_assert (fp != NULL);
  ck_assert_int_eq (fwrite ("more data", 1, 9, fp), 9);
  fclose (fp);
  *grown = TRUE;
}

START_TEST (test_check_engine_file_grows)
{
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  char *intact = media ("damaged/intact.mp4");
  char *path = media ("damaged/growing.mp4");
  char *data = NULL, *expected_end;
  gsize len = 0;
  gboolean grown = FALSE;
  WsCheckOptions opts;
  WsCheckFile *f;

  ck_assert (g_file_get_contents (intact, &data, &len, NULL));
  ck_assert (g_file_set_contents (path, data, (gssize) len, NULL));
  ws_check_options_init (&opts, reg);
  f = ws_check_file (path, &opts, grow_file, &grown);
  ck_assert (grown);
  ck_assert_int_eq (f->status, WS_CHECK_ERROR);
  expected_end = g_strdup_printf ("%s: changed while it was checked (%zu "
                                  "bytes before, %zu after): still being "
                                  "written?",
      path, len, len + 9);
  ck_assert_str_eq (f->error, expected_end);
  ws_check_file_free (f);
  g_unlink (path);
  g_free (expected_end);
  g_free (data);
  g_free (path);
  g_free (intact);
}
END_TEST

/* ---- every audio track --------------------------------------------------- */

START_TEST (test_check_engine_second_track_loud_fails)
{
  char *path = media ("tracks/two-tracks.mp4");
  JsonParser *parser = json_parser_new ();
  WsTestRun r = WS_TEST_RUN ("check", "--json", "--no-progress", path);
  JsonObject *f, *c, *loud;
  JsonArray *tracks;
  const char *msg;

  ck_assert_msg (r.status == 1, "exit %d: %s", r.status, r.err);
  f = only_file (parser, r.out);
  ck_assert_str_eq (json_object_get_string_member (f, "status"), "fail");
  tracks = json_object_get_array_member (f, "audio_tracks");
  ck_assert_int_eq (json_array_get_length (tracks), 2);
  for (guint i = 0; i < 2; i++) {
    JsonObject *t = json_array_get_object_element (tracks, i);
    double want = i == 0 ? -23.0 : -8.7;

    ck_assert_int_eq (json_object_get_int_member (t, "track"), i + 1);
    ck_assert_int_eq (json_object_get_int_member (t, "stream_index"), i + 1);
    ck_assert_str_eq (json_object_get_string_member (t, "language"),
        i == 0 ? "eng" : "fra");
    ck_assert_str_eq (json_object_get_string_member (t, "layout"), "stereo");
    ck_assert_int_eq (json_object_get_int_member (t, "channels"), 2);
    ck_assert_msg (fabs (json_object_get_double_member (t, "integrated_lufs") -
                         want) < 0.3,
        "track %u: %f", i + 1,
        json_object_get_double_member (t, "integrated_lufs"));
    ck_assert_str_eq (json_object_get_string_member (t, "verdict"),
        i == 0 ? "pass" : "fail");
    ck_assert (json_object_get_boolean_member (t, "worst") == (i == 1));
  }
  /* one loudness check per track, named */
  c = find_check (f, "loudness", "audio track 1");
  ck_assert_str_eq (json_object_get_string_member (c, "status"), "pass");
  c = find_check (f, "loudness", "audio track 2");
  ck_assert_str_eq (json_object_get_string_member (c, "status"), "fail");
  msg = json_object_get_string_member (c, "message");
  ck_assert_msg (g_str_has_prefix (msg, "audio track 2 (stream #2, fra, "
                                        "stereo): integrated loudness -8."),
      "%s", msg);
  ck_assert_msg (g_str_has_suffix (msg, " LUFS is above the maximum -22.0 "
                                        "LUFS (target -23.0 LUFS +/- 1.0 LU) "
                                        "(ebu-r128)"),
      "%s", msg);
  /* the summary (the old keys) is the worst track */
  loud = json_object_get_object_member (f, "loudness");
  ck_assert_str_eq (json_object_get_string_member (loud, "verdict"), "fail");
  ck_assert_int_eq (json_object_get_int_member (loud, "track"), 2);
  ck_assert (fabs (json_object_get_double_member (loud, "integrated_lufs") -
                   -8.7) < 0.3);
  ws_test_run_clear (&r);

  /* the table shows the worst, and names it */
  r = WS_TEST_RUN ("check", "--no-progress", path);
  ck_assert_int_eq (r.status, 1);
  ck_assert_msg (strstr (r.out, " LUFS fail (track 2 of 2)"), "%s", r.out);
  ck_assert_msg (strstr (r.out, "fail loudness: audio track 2 (stream #2, "
                                "fra, stereo): "),
      "%s", r.out);
  ws_test_run_clear (&r);

  /* a customer's spec around -9 LUFS: now track 1 is the one that fails */
  r = WS_TEST_RUN ("check", "--json", "--no-progress", "--target", "-9",
      "--tolerance", "1", "--max-true-peak", "-2", path);
  ck_assert_int_eq (r.status, 1);
  f = only_file (parser, r.out);
  ck_assert_str_eq (json_object_get_string_member (find_check (f, "loudness",
                                                       "audio track 2"),
                        "status"),
      "pass");
  ck_assert_str_eq (json_object_get_string_member (find_check (f, "loudness",
                                                       "audio track 1"),
                        "status"),
      "fail");
  loud = json_object_get_object_member (f, "loudness");
  ck_assert_str_eq (json_object_get_string_member (loud, "preset"), "custom");
  ck_assert (
      fabs (json_object_get_double_member (loud, "target_lufs") - -9) < 1e-9);
  ck_assert (
      fabs (json_object_get_double_member (loud, "tolerance_lu") - 1) < 1e-9);
  ck_assert (fabs (json_object_get_double_member (loud, "max_true_peak_dbtp") -
                   -2) < 1e-9);
  ck_assert_int_eq (json_object_get_int_member (loud, "track"), 1);
  ws_test_run_clear (&r);
  g_object_unref (parser);
  g_free (path);
}
END_TEST

/* The mono rule: a -23 dBFS tone on one channel reads -23 LUFS as dual mono
 * (two loudspeakers, EBU Tech 3343) and 3 LU lower on a single one. */
START_TEST (test_check_engine_mono_rule)
{
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  char *path = media ("tracks/mono.m4a");
  WsCheckOptions opts;
  WsCheckFile *dual, *single;
  const WsCheckAudioTrack *t;

  ws_check_options_init (&opts, reg);
  ck_assert_int_eq (opts.mono, WS_LOUDNESS_MONO_DUAL);
  dual = ws_check_file (path, &opts, NULL, NULL);
  opts.mono = WS_LOUDNESS_MONO_SINGLE;
  single = ws_check_file (path, &opts, NULL, NULL);
  ck_assert_msg (dual->status != WS_CHECK_ERROR, "%s", dual->error);
  ck_assert_msg (single->status != WS_CHECK_ERROR, "%s", single->error);
  ck_assert_int_eq (dual->audio_tracks->len, 1);
  t = &g_array_index (dual->audio_tracks, WsCheckAudioTrack, 0);
  ck_assert_str_eq (t->layout, "mono");
  ck_assert_int_eq (t->channels, 1);
  ck_assert_msg (fabs (dual->integrated_lufs - -23.0) < 0.3, "%f",
      dual->integrated_lufs);
  ck_assert_msg (fabs (dual->integrated_lufs - single->integrated_lufs - 3.01) <
                     0.15,
      "%f vs %f", dual->integrated_lufs, single->integrated_lufs);
  ck_assert_int_eq (dual->loudness_status, WS_CHECK_PASS);
  ck_assert_int_eq (single->loudness_status, WS_CHECK_FAIL);
  ws_check_file_free (dual);
  ws_check_file_free (single);
  g_free (path);
}
END_TEST

/* ---- options ------------------------------------------------------------- */

START_TEST (test_check_engine_option_errors)
{
  static const struct {
    const char *opt, *value, *needle;
  } bad[] = {
    { "--jobs", "0", "--jobs must be 1 or more (got 0)" },
    { "--jobs", "-3", "--jobs must be 1 or more (got -3)" },
    { "--tolerance", "-1", "--tolerance -1 must be 0 to 20 LU" },
    { "--target", "5", "--target 5 is not a loudness target" },
    { "--max-true-peak", "9", "--max-true-peak 9 must be -70 to +6 dBTP" },
    { "--mono", "left", "unknown --mono \"left\"; use dual-mono or single" },
  };
  char *path = media ("damaged/intact.mp4");

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    WsTestRun r = WS_TEST_RUN ("check", bad[i].opt, bad[i].value, path);

    ck_assert_msg (r.status == 2, "%s %s: exit %d", bad[i].opt, bad[i].value,
        r.status);
    ck_assert_msg (strstr (r.err, bad[i].needle), "%s", r.err);
    ck_assert_str_eq (r.out, "");
    ws_test_run_clear (&r);
  }
  g_free (path);
}
END_TEST

/* Row 14 of issue 11: --jobs beyond the cores is lowered, with a warning,
 * and the files are still all checked. */
START_TEST (test_check_engine_jobs_clamped)
{
  char *path = media ("damaged/intact.mp4");
  char *copy1 = media ("damaged/intact-copy1.mp4");
  char *copy2 = media ("damaged/intact-copy2.mp4");
  guint cores = g_get_num_processors ();
  char *want = g_strdup_printf (" (%u core%s", cores, cores == 1 ? "" : "s");
  char *bytes = NULL;
  gsize len = 0;
  WsTestRun r;

  /* three distinct files: one file named three times is checked once */
  ck_assert (g_file_get_contents (path, &bytes, &len, NULL));
  ck_assert (g_file_set_contents (copy1, bytes, len, NULL));
  ck_assert (g_file_set_contents (copy2, bytes, len, NULL));
  ck_assert (sidecar_for (copy1) && sidecar_for (copy2));
  g_free (bytes);
  r = WS_TEST_RUN ("check", "--jobs", "10000", "--no-progress", path, copy1,
      copy2);

  ck_assert_msg (r.status == 0, "exit %d: %s %s", r.status, r.out, r.err);
  ck_assert_msg (strstr (r.err, "warning: --jobs 10000 lowered to "), "%s",
      r.err);
  /* to the cores at most (fewer when memory is short), saying why */
  ck_assert_msg (strstr (r.err, want), "%s", r.err);
  {
    const char *to = strstr (r.err, "lowered to ") + strlen ("lowered to ");
    guint64 n = g_ascii_strtoull (to, NULL, 10);

    ck_assert (n >= 1 && n <= cores);
  }
  ck_assert_msg (strstr (r.out, "3 files: 3 pass, 0 fail, 0 error"), "%s",
      r.out);
  ws_test_run_clear (&r);
  for (char **c = (char *[]){ copy1, copy2, NULL }; *c; c++) {
    char *xml = g_strdup_printf ("%.*s.xml", (int) (strlen (*c) - 4), *c);

    g_unlink (*c);
    g_unlink (xml);
    g_free (xml);
  }
  g_free (want);
  g_free (copy1);
  g_free (copy2);
  g_free (path);
}
END_TEST

/* ---- fixtures ------------------------------------------------------------ */

static gboolean
make_media (void)
{
  char *intact = media ("damaged/intact.mp4");
  char *over = media ("damaged/overwritten.mp4");
  char *over_at = media ("damaged/overwritten.at");
  char *mkv = media ("damaged/truncated.mkv");
  char *dbl = media ("damaged/doubled.mp4");
  char *early = media ("damaged/early.mp4");
  char *ts_a = media ("gap-a.ts"), *ts_b = media ("gap-b.ts");
  char *gap = media ("damaged/gap.ts");
  char *two = media ("tracks/two-tracks.mp4");
  char *mono = media ("tracks/mono.m4a");
  char *dirs[2] = { media ("damaged"), media ("tracks") };
  char at_text[32];
  gsize at = 0, mkv_size = 0;
  gboolean ok = TRUE;

  for (int i = 0; i < 2; i++)
    ok = ok && g_mkdir_with_parents (dirs[i], 0700) == 0;
  ok = ok &&
       FFMPEG ("-f", "lavfi", "-i", VIDEO6, "-f", "lavfi", "-i", TONE6,
           "-filter_complex", "[1:a]volume=-5dB,pan=stereo|c0=c0|c1=c0[a]",
           "-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-preset",
           "ultrafast", "-g", "50", "-pix_fmt", "yuv420p", "-c:a", "aac",
           intact) &&
       sidecar_for (intact) && FFMPEG ("-i", intact, "-c", "copy", over) &&
       overwrite_middle (over, DAMAGE_BYTES, &at) && sidecar_for (over);
  g_snprintf (at_text, sizeof (at_text), "%zu", at);
  ok = ok && g_file_set_contents (over_at, at_text, -1, NULL) &&
       FFMPEG ("-i", intact, "-c", "copy", mkv);
  if (ok) {
    GStatBuf st;

    ok = g_stat (mkv, &st) == 0;
    mkv_size = (gsize) st.st_size;
  }
  ok = ok && truncate_to (mkv, mkv_size / 2) &&
       FFMPEG ("-i", intact, "-c", "copy", dbl) && double_mvhd_duration (dbl) &&
       FFMPEG ("-f", "lavfi", "-i", VIDEO6, "-f", "lavfi", "-i",
           "sine=frequency=1000:sample_rate=48000:duration=3",
           "-filter_complex", "[1:a]volume=-5dB,pan=stereo|c0=c0|c1=c0[a]",
           "-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-preset",
           "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", early) &&
       /* two 3 s pieces, the second 10 s later, back to back */
       FFMPEG ("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=3",
           "-f", "lavfi", "-i",
           "sine=frequency=1000:sample_rate=48000:duration=3", "-c:v",
           "mpeg2video", "-c:a", "mp2", "-f", "mpegts", ts_a) &&
       FFMPEG ("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=3",
           "-f", "lavfi", "-i",
           "sine=frequency=1000:sample_rate=48000:duration=3", "-c:v",
           "mpeg2video", "-c:a", "mp2", "-output_ts_offset", "10", "-f",
           "mpegts", ts_b) &&
       concat_files (ts_a, ts_b, gap) && g_unlink (ts_a) == 0 &&
       g_unlink (ts_b) == 0 &&
       FFMPEG ("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=4",
           "-f", "lavfi", "-i",
           "sine=frequency=1000:sample_rate=48000:duration=4", "-f", "lavfi",
           "-i", "sine=frequency=1000:sample_rate=48000:duration=4",
           "-filter_complex",
           "[1:a]volume=-5dB,pan=stereo|c0=c0|c1=c0[a1];"
           "[2:a]volume=9.3dB,pan=stereo|c0=c0|c1=c0[a2]",
           "-map", "0:v", "-map", "[a1]", "-map", "[a2]", "-c:v", "libx264",
           "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
           "-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fra",
           two) &&
       sidecar_for (two) &&
       FFMPEG ("-f", "lavfi", "-i",
           "sine=frequency=1000:sample_rate=48000:duration=4", "-af",
           "volume=-5dB", "-c:a", "aac", mono);
  for (int i = 0; i < 2; i++)
    g_free (dirs[i]);
  g_free (intact);
  g_free (over);
  g_free (over_at);
  g_free (mkv);
  g_free (dbl);
  g_free (early);
  g_free (ts_a);
  g_free (ts_b);
  g_free (gap);
  g_free (two);
  g_free (mono);
  return ok;
}

static Suite *
engine_suite (void)
{
  Suite *s = suite_create ("watershed-check-engine");
  TCase *integrity = tcase_create ("integrity");
  TCase *tracks = tcase_create ("tracks");
  TCase *options = tcase_create ("options");

  tcase_set_timeout (integrity, 120);
  tcase_set_timeout (tracks, 120);
  tcase_set_timeout (options, 120);
  tcase_add_test (integrity, test_check_engine_overwritten_mp4_fails);
  tcase_add_test (integrity, test_check_engine_intact_passes);
  tcase_add_test (integrity, test_check_engine_duration_disagrees);
  tcase_add_test (integrity, test_check_engine_early_end_and_gap);
  tcase_add_test (integrity, test_check_engine_file_grows);
  tcase_add_test (tracks, test_check_engine_second_track_loud_fails);
  tcase_add_test (tracks, test_check_engine_mono_rule);
  tcase_add_test (options, test_check_engine_option_errors);
  tcase_add_test (options, test_check_engine_jobs_clamped);
  suite_add_tcase (s, integrity);
  suite_add_tcase (s, tracks);
  suite_add_tcase (s, options);
  return s;
}

int
main (void)
{
  static const char *const tools[] = { "ffmpeg", "ffprobe", NULL };
  int status = ws_test_media_main (tools, "ws-check-engine-XXXXXX", &tmp_dir,
      make_media, engine_suite);

  return status;
}
