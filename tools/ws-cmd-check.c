/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed check: batch QA of media files (ratings, loudness, flashing,
 * allowed slots), with text, JSON, JSON Lines, CSV, JUnit XML and HTML
 * reports (the report files: ws-report*.c). */
#include <errno.h>
#include <fnmatch.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include <libavutil/log.h>

#include "ws-check.h"
#include "ws-cli.h"
#include "ws-config.h"
#include "ws-error.h"
#include "ws-farm.h"
#include "ws-report-read.h"
#include "ws-report.h"
#include "ws-territory.h"

/* Extensions that are never media when a folder is walked (sidecars,
 * reports, documents, checksums, subtitles, images). Files named on the
 * command line are checked, except .xml (sidecar metadata). */
static const char *const skipped_extensions[] = { "xml", "json", "txt", "md",
  "html", "htm", "csv", "pdf", "doc", "docx", "xls", "xlsx", "nfo", "log",
  "md5", "sha1", "sha256", "srt", "vtt", "ttml", "dfxp", "scc", "stl", "ass",
  "ssa", "jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "svg", "xsd",
  "yaml", "yml", "ini", "sh", "py", NULL };

/* --jobs not given */
#define JOBS_UNSET G_MININT
/* the memory one file being checked may take (see jobs_allowed()) */
#define JOB_MEMORY ((guint64) 512 * 1024 * 1024)

/* ---- inputs -------------------------------------------------------------- */

static gboolean
skipped_name (const char *name)
{
  const char *dot = strrchr (name, '.');

  if (name[0] == '.')
    return TRUE;
  if (dot == NULL)
    return FALSE;
  for (const char *const *e = skipped_extensions; *e; e++)
    if (g_ascii_strcasecmp (dot + 1, *e) == 0)
      return TRUE;
  return FALSE;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* What the command line names, walked. Each real file (device and inode) is
 * checked once, whatever links or repeated arguments lead to it; each
 * folder is walked once, so symbolic links to folders are followed but a
 * loop (`ln -s . loop`) ends at the folder already walked. */
typedef struct {
  GPtrArray *paths;     /* media files to check */
  GPtrArray *rels;      /* each one's path relative to its argument */
  GPtrArray *named_xml; /* .xml files named on the command line */
  GPtrArray *errors;    /* messages, made safe for the terminal */
  GHashTable *seen_files;
  GHashTable *seen_dirs;
  char **excludes;
} Inputs;

static char *
stat_key (const GStatBuf *st)
{
  return g_strdup_printf ("%ju:%ju", (uintmax_t) st->st_dev,
      (uintmax_t) st->st_ino);
}

static void
input_error (Inputs *in, const char *path, const char *why)
{
  char *safe = ws_cli_safe_text (path, WS_CLI_TEXT_LINE);

  g_ptr_array_add (in->errors, g_strdup_printf ("%s: %s", safe, why));
  g_free (safe);
}

/* --exclude GLOB: matched against the file or folder name and the path as
 * walked (fnmatch(3) without flags: '*' also matches '/'). */
static gboolean
excluded (const Inputs *in, const char *path)
{
  char *base;
  gboolean out = FALSE;

  if (in->excludes == NULL)
    return FALSE;
  base = g_path_get_basename (path);
  for (char **g = in->excludes; *g && !out; g++)
    out = fnmatch (*g, base, 0) == 0 || fnmatch (*g, path, 0) == 0;
  g_free (base);
  return out;
}

/* Adds a regular file unless a path to it was added before; a media file
 * with its path relative to the argument it was found under (@rel). */
static void
add_file (Inputs *in, GPtrArray *to, const char *path, const char *rel,
    const GStatBuf *st)
{
  char *key = stat_key (st);

  if (!g_hash_table_add (in->seen_files, key))
    return;
  g_ptr_array_add (to, g_strdup (path));
  if (to == in->paths)
    g_ptr_array_add (in->rels, g_strdup (rel));
}

/* A media path named on the command line, and its relative path: its
 * name, the same whatever folder each node reaches it from. */
static void
add_named (Inputs *in, const char *path)
{
  g_ptr_array_add (in->paths, g_strdup (path));
  g_ptr_array_add (in->rels, g_path_get_basename (path));
}

/* Adds the media files under @dir, sorted by name (bytes, strcmp: no
 * locale), recursively; @rel_dir is @dir relative to the argument (NULL for
 * the argument itself). */
static void
walk_dir (Inputs *in, const char *dir, const char *rel_dir,
    const GStatBuf *dir_st)
{
  GError *error = NULL;
  GDir *d;
  GPtrArray *names;
  const char *name;

  if (!g_hash_table_add (in->seen_dirs, stat_key (dir_st)))
    return; /* walked already: a link back up, or named twice */
  d = g_dir_open (dir, 0, &error);
  if (d == NULL) {
    input_error (in, dir, error->message);
    g_error_free (error);
    return;
  }
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (d)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_dir_close (d);
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++) {
    char *path = g_build_filename (dir, names->pdata[i], NULL);
    char *rel = rel_dir ? g_strconcat (rel_dir, "/", names->pdata[i], NULL) :
                          g_strdup (names->pdata[i]);
    GStatBuf st;

    if (excluded (in, path)) {
      /* left out */
    } else if (g_stat (path, &st) != 0) {
      input_error (in, path, g_strerror (errno)); /* a broken link */
    } else if (S_ISDIR (st.st_mode)) {
      walk_dir (in, path, rel, &st);
    } else if (skipped_name (names->pdata[i])) {
      /* a sidecar, report or document */
    } else if (!S_ISREG (st.st_mode)) {
      input_error (in, path,
          "not a regular file (a FIFO, device or socket); not checked");
    } else {
      add_file (in, in->paths, path, rel, &st);
    }
    g_free (rel);
    g_free (path);
  }
  g_ptr_array_unref (names);
}

static gboolean
has_extension (const char *path, const char *ext)
{
  const char *dot = strrchr (path, '.');

  return dot != NULL && g_ascii_strcasecmp (dot + 1, ext) == 0;
}

/* Adds what one command-line argument names. */
static void
add_argument (Inputs *in, const char *arg)
{
  GStatBuf st;

  if (excluded (in, arg))
    return;
  if (g_stat (arg, &st) != 0) {
    add_named (in, arg); /* an error row says why */
  } else if (S_ISDIR (st.st_mode)) {
    walk_dir (in, arg, NULL, &st);
  } else if (!S_ISREG (st.st_mode)) {
    input_error (in, arg,
        "not a regular file (a FIFO, device or socket); not checked");
  } else if (has_extension (arg, "xml")) {
    add_file (in, in->named_xml, arg, NULL, &st); /* metadata, not media */
  } else {
    char *rel = g_path_get_basename (arg);

    add_file (in, in->paths, arg, rel, &st);
    g_free (rel);
  }
}

static void
inputs_clear (Inputs *in)
{
  g_clear_pointer (&in->paths, g_ptr_array_unref);
  g_clear_pointer (&in->rels, g_ptr_array_unref);
  g_clear_pointer (&in->named_xml, g_ptr_array_unref);
  g_clear_pointer (&in->errors, g_ptr_array_unref);
  g_clear_pointer (&in->seen_files, g_hash_table_unref);
  g_clear_pointer (&in->seen_dirs, g_hash_table_unref);
}

/* The files no report may replace: every input, every sidecar it reads,
 * the --metadata file; and the .xml files named as inputs, each with the
 * input it is the sidecar of. */
static GHashTable *
protected_files (const Inputs *in, const char *metadata, GPtrArray *sidecars)
{
  GHashTable *keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  GHashTable *users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  char *key;

  for (guint i = 0; i < in->paths->len; i++) {
    const char *media = in->paths->pdata[i];
    char *sidecar = ws_check_find_sidecar (media, metadata);

    if ((key = ws_report_file_key (media)) != NULL)
      g_hash_table_add (keys, key);
    if (sidecar != NULL && (key = ws_report_file_key (sidecar)) != NULL) {
      if (!g_hash_table_contains (users, key))
        g_hash_table_insert (users, g_strdup (key), (gpointer) media);
      g_hash_table_add (keys, key);
    }
    g_free (sidecar);
  }
  if (metadata != NULL && (key = ws_report_file_key (metadata)) != NULL)
    g_hash_table_add (keys, key);
  for (guint i = 0; i < in->named_xml->len; i++) {
    WsReportSidecar *sc = g_new0 (WsReportSidecar, 1);
    const char *user;

    sc->path = g_strdup (in->named_xml->pdata[i]);
    key = ws_report_file_key (sc->path);
    user = key ? g_hash_table_lookup (users, key) : NULL;
    sc->used_by = g_strdup (user);
    g_ptr_array_add (sidecars, sc);
    if (key != NULL)
      g_hash_table_add (keys, key);
  }
  g_hash_table_unref (users);
  return keys;
}

/* ---- progress ------------------------------------------------------------ */

typedef struct {
  GMutex lock;
  gboolean enabled;
  guint total;
  guint done;
  GHashTable *current; /* path -> double* fraction */
  gint64 start_us;
  gint64 last_draw_us;
  char *last_path;
} Progress;

static void
progress_draw (Progress *p, gboolean force)
{
  gint64 now = g_get_monotonic_time ();
  double sum = 0.0, fraction, elapsed;
  GHashTableIter it;
  gpointer key, value;
  char eta[32] = "--:--";
  char *name = NULL;
  int bar = 24, filled;
  double cur = 0.0;

  if (!force && now - p->last_draw_us < 100000)
    return;
  p->last_draw_us = now;
  g_hash_table_iter_init (&it, p->current);
  while (g_hash_table_iter_next (&it, &key, &value)) {
    sum += *(double *) value;
    if (name == NULL || g_strcmp0 (key, p->last_path) == 0) {
      char *base = g_path_get_basename (key);

      g_free (name);
      name = ws_cli_safe_text (base, WS_CLI_TEXT_LINE);
      g_free (base);
      cur = *(double *) value;
    }
  }
  fraction = p->total ? ((double) p->done + sum) / p->total : 1.0;
  elapsed = (double) (now - p->start_us) / 1e6;
  if (fraction > 0.01 && elapsed > 0.5) {
    int left = (int) (elapsed / fraction * (1.0 - fraction) + 0.5);

    g_snprintf (eta, sizeof (eta), "%d:%02d", left / 60, left % 60);
  }
  filled = (int) (fraction * bar);
  fprintf (stderr, "\r\033[K[");
  for (int i = 0; i < bar; i++)
    fputc (i < filled ? '#' : '.', stderr);
  fprintf (stderr, "] %u/%u files", p->done, p->total);
  if (name != NULL)
    fprintf (stderr, "  %.30s %3.0f%%", name, cur * 100.0);
  fprintf (stderr, "  ETA %s", eta);
  fflush (stderr);
  g_free (name);
}

static void
on_progress (const char *path, double fraction, gpointer user_data)
{
  Progress *p = user_data;
  double *v;

  g_mutex_lock (&p->lock);
  v = g_hash_table_lookup (p->current, path);
  if (v != NULL) {
    *v = fraction;
    g_free (p->last_path);
    p->last_path = g_strdup (path);
    progress_draw (p, FALSE);
  }
  g_mutex_unlock (&p->lock);
}

/* ---- text ---------------------------------------------------------------- */

/* One line for the terminal: no escape sequences from file names or
 * metadata (see ws_cli_safe_text()). (transfer full) */
static char *
line (const char *text)
{
  return ws_cli_safe_text (text ? text : "", WS_CLI_TEXT_LINE);
}

static void
print_text (const WsReportRun *run)
{
  guint n = run->n_entries;
  int width = 4, rwidth = 6, lwidth = 8;
  char **rating = g_new0 (char *, n), **loud = g_new0 (char *, n);
  char **name = g_new0 (char *, n);
  const guint *counts = run->counts;

  for (guint i = 0; i < n; i++) {
    const WsCheckFile *f = run->entries[i].file;
    const WsCheckItem *li = ws_report_find_item (f, "loudness");
    char *r;

    name[i] = line (f->path);
    width = MAX (width, (int) MIN (60, g_utf8_strlen (name[i], -1)));
    if (f->status == WS_CHECK_ERROR)
      continue;
    r = ws_report_ratings_summary (f);
    rating[i] = line (r);
    g_free (r);
    /* the worst audio track, named when there are several */
    if (f->has_audio && f->audio_tracks->len > 1 && f->worst_track >= 0)
      loud[i] = g_strdup_printf ("%.1f LUFS %s (track %d of %u)",
          f->integrated_lufs, ws_check_status_to_string (f->loudness_status),
          g_array_index (f->audio_tracks, WsCheckAudioTrack, f->worst_track)
              .track,
          f->audio_tracks->len);
    else if (f->has_audio && !isnan (f->integrated_lufs))
      loud[i] = g_strdup_printf ("%.1f LUFS %s", f->integrated_lufs,
          ws_check_status_to_string (f->loudness_status));
    else if (!isnan (f->integrated_lufs))
      loud[i] = g_strdup_printf ("%.1f LUFS %s", f->integrated_lufs,
          li ? ws_check_status_to_string (li->status) : "");
    else
      loud[i] = g_strdup (li ? ws_check_status_to_string (li->status) : "-");
    rwidth = MAX (rwidth, (int) MIN (40, g_utf8_strlen (rating[i], -1)));
    lwidth = MAX (lwidth, (int) g_utf8_strlen (loud[i], -1));
  }
  printf ("%-6s  %-*s  %-*s  %-*s  %s\n", "STATUS", width, "FILE", rwidth,
      "RATING", lwidth, "LOUDNESS", "FLASH");
  for (guint i = 0; i < n; i++) {
    const WsCheckFile *f = run->entries[i].file;
    const WsCheckItem *fi = ws_report_find_item (f, "flash");

    if (f->status == WS_CHECK_ERROR) {
      char *e = line (f->error);

      printf ("%-6s  %-*s  %s\n", "ERROR", width, name[i], e);
      g_free (e);
      continue;
    }
    printf ("%-6s  %-*s  %-*s  %-*s  %s\n",
        f->status == WS_CHECK_PASS ? "pass" : "FAIL", width, name[i], rwidth,
        rating[i], lwidth, loud[i],
        fi ? ws_check_status_to_string (fi->status) : "-");
    for (guint j = 0; j < f->checks->len; j++) {
      const WsCheckItem *it = &g_array_index (f->checks, WsCheckItem, j);

      if (it->status == WS_CHECK_FAIL || it->status == WS_CHECK_WARN) {
        char *m = line (it->message);

        printf ("        %s %s: %s\n",
            it->status == WS_CHECK_FAIL ? "fail" : "warn", it->id, m);
        g_free (m);
      }
    }
  }
  for (guint i = 0; run->sidecars && i < run->sidecars->len; i++) {
    const WsReportSidecar *sc = run->sidecars->pdata[i];
    char *p = line (sc->path), *u = line (sc->used_by);

    if (sc->used_by != NULL)
      printf ("%-6s  %s: sidecar metadata of %s (not media)\n", "meta", p, u);
    else
      printf ("%-6s  %s: metadata, not media; no input uses it as its "
              "sidecar\n",
          "meta", p);
    g_free (p);
    g_free (u);
  }
  printf ("%u file%s: %u pass, %u fail, %u error\n", run->n_checked,
      run->n_checked == 1 ? "" : "s", counts[WS_CHECK_PASS],
      counts[WS_CHECK_FAIL], counts[WS_CHECK_ERROR]);
  for (guint i = 0; i < n; i++) {
    g_free (rating[i]);
    g_free (loud[i]);
    g_free (name[i]);
  }
  g_free (rating);
  g_free (loud);
  g_free (name);
}

/* ---- JSON ---------------------------------------------------------------- */

/* Set on the builder of a part report (--shard) or a resume record: numbers
 * at full precision, so `watershed report merge` and --resume give back the
 * very values a single run reports (rounded the same way there). */
#define EXACT_KEY "ws-exact"

static void
add_double_or_null (JsonBuilder *b, const char *key, double v)
{
  gboolean exact = g_object_get_data (G_OBJECT (b), EXACT_KEY) != NULL;

  json_builder_set_member_name (b, key);
  if (isfinite (v))
    json_builder_add_double_value (b, exact ? v : round (v * 1000.0) / 1000.0);
  else
    json_builder_add_null_value (b);
}

/* A number of a series: NAN null, an infinity "inf" or "-inf". */
static void
add_series_value (JsonBuilder *b, double v)
{
  if (isnan (v))
    json_builder_add_null_value (b);
  else if (isinf (v))
    json_builder_add_string_value (b, v < 0 ? "-inf" : "inf");
  else
    json_builder_add_double_value (b, v);
}

/* "KEY": [[a, b, c], ...] from @n points of three doubles each
 * (WsCheckLoudnessPoint, WsCheckRiskPoint). */
static void
add_series (JsonBuilder *b, const char *key, const GArray *points)
{
  const double *v = (const double *) (gconstpointer) points->data;

  json_builder_set_member_name (b, key);
  json_builder_begin_array (b);
  for (guint i = 0; i < points->len; i++) {
    json_builder_begin_array (b);
    for (guint k = 0; k < 3; k++)
      add_series_value (b, v[3 * i + k]);
    json_builder_end_array (b);
  }
  json_builder_end_array (b);
}

/* What a part report (and a resume record) adds to a file: its place in the
 * batch, when it ran, the engine's state that the public members do not
 * show, and the plotted series. */
static void
json_file_part_members (JsonBuilder *b, const WsReportEntry *e)
{
  const WsCheckFile *f = e->file;

  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, e->index);
  json_builder_set_member_name (b, "started_us");
  json_builder_add_int_value (b, e->started_us);
  json_builder_set_member_name (b, "elapsed_s");
  json_builder_add_double_value (b, e->elapsed_s);
  json_builder_set_member_name (b, "engine");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "has_audio");
  json_builder_add_boolean_value (b, f->has_audio);
  json_builder_set_member_name (b, "has_video");
  json_builder_add_boolean_value (b, f->has_video);
  json_builder_set_member_name (b, "loudness_measured");
  json_builder_add_boolean_value (b, f->loudness_measured);
  add_double_or_null (b, "target_lufs", f->limits.target_lufs);
  add_double_or_null (b, "tolerance_lu", f->limits.tolerance_lu);
  add_double_or_null (b, "max_true_peak_dbtp", f->limits.max_true_peak_dbtp);
  ws_json_add_string_or_null (b, "loudness_status",
      ws_check_status_to_string (f->loudness_status));
  ws_json_add_string_or_null (b, "loudness_message", f->loudness_message);
  ws_json_add_string_or_null (b, "flash_verdict",
      ws_flash_verdict_to_string (f->flash_verdict));
  ws_json_add_string_or_null (b, "flash_status",
      ws_check_status_to_string (f->flash_status));
  ws_json_add_string_or_null (b, "flash_message", f->flash_message);
  ws_json_add_string_or_null (b, "slot_description",
      f->policy ? f->policy->slot_description : NULL);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "series");
  json_builder_begin_object (b);
  G_STATIC_ASSERT (sizeof (WsCheckLoudnessPoint) == 3 * sizeof (double));
  G_STATIC_ASSERT (sizeof (WsCheckRiskPoint) == 3 * sizeof (double));
  add_series (b, "loudness", f->loudness_series);
  add_series (b, "risk", f->risk_series);
  json_builder_end_object (b);
}

static void
json_rating (JsonBuilder *b, const WsCheckRating *cr)
{
  json_builder_begin_object (b);
  ws_json_add_string_or_null (b, "source", cr->source);
  ws_json_add_string_or_null (b, "origin", cr->origin);
  ws_json_add_rating_members (b, cr->rating);
  ws_json_add_string_or_null (b, "source_system", cr->rating->source_system);
  ws_json_add_string_or_null (b, "source_code", cr->rating->source_code);
  json_builder_end_object (b);
}

/* The display model the flash verdict rests on: "transfer" ("sdr-srgb",
 * "pq", "hlg"), "transfer_tagged" (FALSE: the stream did not say, the SDR
 * model is an assumption), "primaries", "bit_depth", "hlg_peak_cd_m2" (HLG
 * only) and "standard"; nulls when no video was analysed. */
static void
json_flash_display (JsonBuilder *b, const WsCheckFile *f)
{
  const WsFlashDisplay *dp = &f->flash_display;
  gboolean known = dp->standard != NULL;

  ws_json_add_string_or_null (b, "transfer",
      known ? ws_flash_eotf_to_string (dp->eotf) : NULL);
  json_builder_set_member_name (b, "transfer_tagged");
  if (known)
    json_builder_add_boolean_value (b, f->flash_transfer_tagged);
  else
    json_builder_add_null_value (b);
  ws_json_add_string_or_null (b, "primaries",
      known ? ws_flash_primaries_to_string (dp->primaries) : NULL);
  json_builder_set_member_name (b, "bit_depth");
  if (known)
    json_builder_add_int_value (b, dp->bit_depth);
  else
    json_builder_add_null_value (b);
  add_double_or_null (b, "hlg_peak_cd_m2",
      known && dp->eotf == WS_FLASH_EOTF_HLG ? dp->peak_cd_m2 : NAN);
  ws_json_add_string_or_null (b, "standard", known ? dp->standard : NULL);
}

/* "audio_tracks": one entry per audio track, each measured and judged. */
static void
json_audio_tracks (JsonBuilder *b, const WsCheckFile *f)
{
  json_builder_set_member_name (b, "audio_tracks");
  json_builder_begin_array (b);
  for (guint i = 0; f->status != WS_CHECK_ERROR && i < f->audio_tracks->len;
       i++) {
    const WsCheckAudioTrack *a = &g_array_index (f->audio_tracks,
        WsCheckAudioTrack, i);

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "track");
    json_builder_add_int_value (b, a->track);
    json_builder_set_member_name (b, "stream_index");
    json_builder_add_int_value (b, a->stream_index);
    ws_json_add_string_or_null (b, "language", a->language);
    ws_json_add_string_or_null (b, "layout", a->layout);
    ws_json_add_string_or_null (b, "codec", a->codec);
    json_builder_set_member_name (b, "channels");
    json_builder_add_int_value (b, a->channels);
    json_builder_set_member_name (b, "sample_rate_hz");
    json_builder_add_int_value (b, a->rate_hz);
    add_double_or_null (b, "integrated_lufs", a->integrated_lufs);
    add_double_or_null (b, "lra_lu", a->lra_lu);
    add_double_or_null (b, "true_peak_dbtp", a->true_peak_dbtp);
    add_double_or_null (b, "max_momentary_lufs", a->max_momentary_lufs);
    add_double_or_null (b, "max_shortterm_lufs", a->max_shortterm_lufs);
    ws_json_add_string_or_null (b, "verdict",
        ws_check_status_to_string (a->status));
    ws_json_add_string_or_null (b, "message", a->message);
    json_builder_set_member_name (b, "worst");
    json_builder_add_boolean_value (b, (int) i == f->worst_track);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
}

/* "integrity": damaged media (null for a file that could not be read). */
static void
json_integrity (JsonBuilder *b, const WsCheckFile *f)
{
  json_builder_set_member_name (b, "integrity");
  if (f->status == WS_CHECK_ERROR) {
    json_builder_add_null_value (b);
    return;
  }
  json_builder_begin_object (b);
  ws_json_add_string_or_null (b, "verdict",
      ws_check_status_to_string (f->integrity_status));
  json_builder_set_member_name (b, "problems");
  json_builder_add_int_value (b, f->integrity_problems);
  json_builder_set_member_name (b, "ranges");
  json_builder_begin_array (b);
  for (guint i = 0; i < f->integrity_ranges->len; i++) {
    const WsCheckRange *r = &g_array_index (f->integrity_ranges, WsCheckRange,
        i);

    json_builder_begin_object (b);
    add_double_or_null (b, "start_s", r->start_s);
    add_double_or_null (b, "end_s", r->end_s);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  ws_json_add_string_or_null (b, "message", f->integrity_message);
  json_builder_set_member_name (b, "libav_log_lines");
  json_builder_add_int_value (b, f->libav_log_lines);
  json_builder_end_object (b);
}

/* One file; with @part (a part report or a resume record), also
 * json_file_part_members(). */
static void
json_file (JsonBuilder *b, const WsCheckFile *f, const WsCheckOptions *opts,
    const WsReportEntry *part)
{
  gboolean ok = f->status != WS_CHECK_ERROR;
  char *path_bytes;

  json_builder_begin_object (b);
  ws_json_add_string_or_null (b, "path", f->path);
  path_bytes = ws_cli_hex (f->path);
  ws_json_add_string_or_null (b, "path_bytes", path_bytes);
  g_free (path_bytes);
  ws_json_add_string_or_null (b, "status",
      ws_check_status_to_string (f->status));
  ws_json_add_string_or_null (b, "error", f->error);
  ws_json_add_string_or_null (b, "format", f->format_name);
  json_builder_set_member_name (b, "programme");
  if (f->programme >= 0)
    json_builder_add_int_value (b, f->programme);
  else
    json_builder_add_null_value (b);
  add_double_or_null (b, "duration_s", f->duration_s);

  json_builder_set_member_name (b, "rating");
  if (!ok) {
    json_builder_add_null_value (b);
  } else {
    json_builder_begin_object (b);
    ws_json_add_string_or_null (b, "sidecar", f->sidecar_path);
    ws_json_add_string_or_null (b, "sidecar_format", f->sidecar_format);
    ws_json_add_string_or_null (b, "title", f->title);
    json_builder_set_member_name (b, "ratings");
    json_builder_begin_array (b);
    for (guint i = 0; i < f->ratings->len; i++)
      json_rating (b, f->ratings->pdata[i]);
    json_builder_end_array (b);
    json_builder_end_object (b);
  }

  json_builder_set_member_name (b, "loudness");
  if (!ok) {
    json_builder_add_null_value (b);
  } else {
    const WsCheckItem *li = ws_report_find_item (f, "loudness");

    json_builder_begin_object (b);
    ws_json_add_string_or_null (b, "preset",
        ws_loudness_preset_to_string (opts->preset));
    add_double_or_null (b, "integrated_lufs", f->integrated_lufs);
    add_double_or_null (b, "lra_lu", f->lra_lu);
    add_double_or_null (b, "true_peak_dbtp", f->true_peak_dbtp);
    add_double_or_null (b, "max_momentary_lufs", f->max_momentary_lufs);
    add_double_or_null (b, "max_shortterm_lufs", f->max_shortterm_lufs);
    add_double_or_null (b, "target_lufs",
        f->loudness_measured ? f->limits.target_lufs : NAN);
    add_double_or_null (b, "tolerance_lu",
        f->loudness_measured ? f->limits.tolerance_lu : NAN);
    add_double_or_null (b, "max_true_peak_dbtp",
        f->loudness_measured ? f->limits.max_true_peak_dbtp : NAN);
    /* the worst audio track (every track: audio_tracks) */
    ws_json_add_string_or_null (b, "verdict",
        f->has_audio ? ws_check_status_to_string (f->loudness_status) :
        li           ? ws_check_status_to_string (li->status) :
                       NULL);
    ws_json_add_string_or_null (b, "message",
        f->has_audio ? f->loudness_message :
        li           ? li->message :
                       NULL);
    ws_json_add_string_or_null (b, "mono",
        ws_loudness_mono_to_string (opts->mono));
    json_builder_set_member_name (b, "track");
    if (f->worst_track >= 0)
      json_builder_add_int_value (b,
          g_array_index (f->audio_tracks, WsCheckAudioTrack, f->worst_track)
              .track);
    else
      json_builder_add_null_value (b);
    ws_json_add_string_or_null (b, "codec", f->audio_codec);
    json_builder_set_member_name (b, "channels");
    json_builder_add_int_value (b, f->audio_channels);
    json_builder_set_member_name (b, "sample_rate_hz");
    json_builder_add_int_value (b, f->audio_rate_hz);
    json_builder_end_object (b);
  }

  json_audio_tracks (b, f);
  json_integrity (b, f);

  json_builder_set_member_name (b, "flash");
  if (!ok) {
    json_builder_add_null_value (b);
  } else {
    const WsCheckItem *fi = ws_report_find_item (f, "flash");

    json_builder_begin_object (b);
    ws_json_add_string_or_null (b, "verdict",
        fi ? ws_check_status_to_string (fi->status) : NULL);
    ws_json_add_string_or_null (b, "message", fi ? fi->message : NULL);
    ws_json_add_string_or_null (b, "codec", f->video_codec);
    json_builder_set_member_name (b, "width");
    json_builder_add_int_value (b, f->width);
    json_builder_set_member_name (b, "height");
    json_builder_add_int_value (b, f->height);
    json_builder_set_member_name (b, "frames");
    json_builder_add_int_value (b, f->video_frames);
    add_double_or_null (b, "frame_rate",
        f->frame_rate > 0 ? f->frame_rate : NAN);
    json_builder_set_member_name (b, "sample_step");
    json_builder_add_int_value (b, f->flash_sample_step);
    json_flash_display (b, f);
    json_builder_set_member_name (b, "incidents");
    json_builder_begin_array (b);
    for (guint i = 0; i < f->flash_incidents->len; i++) {
      const WsFlashIncident *inc = &g_array_index (f->flash_incidents,
          WsFlashIncident, i);

      json_builder_begin_object (b);
      ws_json_add_string_or_null (b, "kind",
          ws_flash_kind_to_string (inc->kind));
      add_double_or_null (b, "start_s", (double) inc->start_ns / 1e9);
      add_double_or_null (b, "end_s", (double) inc->end_ns / 1e9);
      ws_json_add_string_or_null (b, "verdict",
          ws_flash_verdict_to_string (inc->verdict));
      json_builder_set_member_name (b, "extended");
      json_builder_add_boolean_value (b, inc->extended != 0);
      add_double_or_null (b, "peak_flash_rate", inc->peak_flash_rate);
      add_double_or_null (b, "peak_area", inc->peak_area);
      add_double_or_null (b, "peak_risk", inc->peak_risk);
      if (inc->kind == WS_FLASH_KIND_PATTERN) {
        json_builder_set_member_name (b, "stripe_pairs");
        json_builder_add_int_value (b, inc->pattern_pairs);
      }
      json_builder_end_object (b);
    }
    json_builder_end_array (b);
    json_builder_end_object (b);
  }

  if (ok && f->policy != NULL) {
    const WsPolicy *p = opts->policy;

    json_builder_set_member_name (b, "policy");
    json_builder_begin_object (b);
    ws_json_add_string_or_null (b, "id", f->policy->policy_id);
    ws_json_add_string_or_null (b, "rating", f->policy->rating);
    json_builder_set_member_name (b, "windows");
    json_builder_begin_array (b);
    for (guint i = 0; i < f->policy->windows->len; i++) {
      const WsInterval *w = &g_array_index (f->policy->windows, WsInterval, i);

      json_builder_begin_object (b);
      ws_json_add_time (b, p, "start", w->start_us);
      ws_json_add_time (b, p, "end", w->end_us);
      json_builder_end_object (b);
    }
    json_builder_end_array (b);
    if (f->policy->slot_us != WS_TIME_NONE) {
      json_builder_set_member_name (b, "slot");
      json_builder_begin_object (b);
      ws_json_add_time (b, p, "at", f->policy->slot_us);
      json_builder_set_member_name (b, "allowed");
      json_builder_add_boolean_value (b, f->policy->slot.allowed);
      ws_json_add_string_or_null (b, "reason", f->policy->slot.reason);
      ws_json_add_time (b, p, "next_allowed", f->policy->slot.next_allowed_us);
      json_builder_end_object (b);
    }
    json_builder_end_object (b);
  }

  json_builder_set_member_name (b, "checks");
  json_builder_begin_array (b);
  for (guint i = 0; i < f->checks->len; i++) {
    const WsCheckItem *it = &g_array_index (f->checks, WsCheckItem, i);

    json_builder_begin_object (b);
    ws_json_add_string_or_null (b, "id", it->id);
    ws_json_add_string_or_null (b, "subject", it->subject);
    ws_json_add_string_or_null (b, "status",
        ws_check_status_to_string (it->status));
    ws_json_add_string_or_null (b, "message", it->message);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (guint i = 0; i < f->warnings->len; i++)
    ws_json_add_string (b, f->warnings->pdata[i]);
  json_builder_end_array (b);
  ws_json_add_string_or_null (b, "decode", f->decode_mode);
  if (part != NULL)
    json_file_part_members (b, part);
  json_builder_end_object (b);
}

JsonNode *
ws_report_json_entry (const WsReportEntry *e, const WsCheckOptions *opts)
{
  JsonBuilder *b = json_builder_new ();
  JsonNode *root;

  g_object_set_data (G_OBJECT (b), EXACT_KEY, GINT_TO_POINTER (1));
  json_file (b, e->file, opts, e);
  root = json_builder_get_root (b);
  g_object_unref (b);
  return root;
}

/* "part": where a shard's report belongs (see #WsReportPart). */
static void
json_part (JsonBuilder *b, const WsReportRun *run)
{
  const WsReportPart *part = run->part;

  json_builder_set_member_name (b, "part");
  json_builder_begin_object (b);
  ws_json_add_string_or_null (b, "watershed_version", run->version);
  json_builder_set_member_name (b, "shard_index");
  json_builder_add_int_value (b, part->shard_index);
  json_builder_set_member_name (b, "shard_count");
  json_builder_add_int_value (b, part->shard_count);
  json_builder_set_member_name (b, "files_total");
  json_builder_add_int_value (b, part->files_total);
  ws_json_add_string_or_null (b, "files_digest", part->files_digest);
  ws_json_add_string_or_null (b, "options_fingerprint", part->fingerprint);
  json_builder_set_member_name (b, "options");
  json_builder_begin_array (b);
  for (const char *const *o = part->options; o && *o; o++)
    ws_json_add_string (b, *o);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "input_errors");
  json_builder_begin_array (b);
  for (guint i = 0; part->input_errors && i < part->input_errors->len; i++)
    ws_json_add_string (b, part->input_errors->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "plots");
  json_builder_add_boolean_value (b, part->plots);
  json_builder_end_object (b);
}

char *
ws_report_json (const WsReportRun *run)
{
  JsonBuilder *b = json_builder_new ();
  JsonGenerator *gen = json_generator_new ();
  const guint *counts = run->counts;
  JsonNode *root;
  char *text, *out;

  if (run->part != NULL)
    g_object_set_data (G_OBJECT (b), EXACT_KEY, GINT_TO_POINTER (1));
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (guint i = 0; i < run->n_entries; i++)
    json_file (b, run->entries[i].file, run->opts,
        run->part ? &run->entries[i] : NULL);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "sidecars");
  json_builder_begin_array (b);
  for (guint i = 0; run->sidecars && i < run->sidecars->len; i++) {
    const WsReportSidecar *sc = run->sidecars->pdata[i];
    char *hex = ws_cli_hex (sc->path);

    json_builder_begin_object (b);
    ws_json_add_string_or_null (b, "path", sc->path);
    ws_json_add_string_or_null (b, "path_bytes", hex);
    ws_json_add_string_or_null (b, "sidecar_of", sc->used_by);
    json_builder_end_object (b);
    g_free (hex);
  }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "summary");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "files");
  json_builder_add_int_value (b, run->n_checked);
  json_builder_set_member_name (b, "pass");
  json_builder_add_int_value (b, counts[WS_CHECK_PASS]);
  json_builder_set_member_name (b, "fail");
  json_builder_add_int_value (b, counts[WS_CHECK_FAIL]);
  json_builder_set_member_name (b, "error");
  json_builder_add_int_value (b, counts[WS_CHECK_ERROR]);
  json_builder_end_object (b);
  if (run->part != NULL)
    json_part (b, run);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  json_node_unref (root);
  g_object_unref (gen);
  g_object_unref (b);
  out = g_strconcat (text, "\n", NULL);
  g_free (text);
  return out;
}

/* The --jsonl line of @f: one compact JSON object, no newline inside.
 * (transfer full) */
static char *
json_line (const WsCheckFile *f, const WsCheckOptions *opts)
{
  JsonBuilder *b = json_builder_new ();
  JsonGenerator *gen = json_generator_new ();
  JsonNode *root;
  char *text;

  json_file (b, f, opts, NULL);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  json_node_unref (root);
  g_object_unref (gen);
  g_object_unref (b);
  return text;
}

/* ---- the pool ------------------------------------------------------------ */

typedef struct {
  const WsCheckOptions *opts;
  Progress *progress;
  GPtrArray *paths;
  WsCheckFile **results;
  WsReportEntry *entries; /* when each ran */
  gboolean keep_series;   /* the HTML report plots them */
  gboolean jsonl;         /* print each file's line as it finishes */
  gboolean failures_only;
  GMutex out_lock;
  /* --resume */
  const char *resume_dir; /* (nullable) */
  gboolean resume_hash;
  const char *fingerprint;
  const GPtrArray *rels; /* of the whole batch, by entries[i].index */
  gint resumed;          /* atomic */
} Batch;

/* Without plots the series are dropped as soon as a file is done, so a
 * batch of thousands of files keeps only its verdicts. */
static void
drop_series (WsCheckFile *f)
{
  g_array_unref (f->loudness_series);
  f->loudness_series = g_array_new (FALSE, FALSE,
      sizeof (WsCheckLoudnessPoint));
  g_array_unref (f->risk_series);
  f->risk_series = g_array_new (FALSE, FALSE, sizeof (WsCheckRiskPoint));
}

/* ---- --resume: each file's result kept as it finishes ------------------- */

/* What a kept result is valid for: the file (and its sidecar) as they were
 * when it was checked. */
typedef struct {
  gint64 size;
  gint64 mtime_ns;
  gboolean has_sidecar;
  gint64 sidecar_size;
  gint64 sidecar_mtime_ns;
  char *sha256; /* (nullable): with --resume-hash */
} ResumeStamp;

static gboolean
stat_ns (const char *path, gint64 *size, gint64 *mtime_ns)
{
  struct stat st;

  if (stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return FALSE;
  *size = st.st_size;
  *mtime_ns = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) +
              st.st_mtim.tv_nsec;
  return TRUE;
}

/* The stamp of @path now; FALSE when it cannot be read (then it is checked,
 * and its error is not kept). */
static gboolean
resume_stamp (const Batch *b, const char *path, ResumeStamp *st)
{
  char *sidecar = ws_check_find_sidecar (path, b->opts->metadata);

  memset (st, 0, sizeof (*st));
  if (!stat_ns (path, &st->size, &st->mtime_ns)) {
    g_free (sidecar);
    return FALSE;
  }
  st->has_sidecar = sidecar != NULL &&
                    stat_ns (sidecar, &st->sidecar_size, &st->sidecar_mtime_ns);
  g_free (sidecar);
  if (b->resume_hash && (st->sha256 = ws_farm_file_sha256 (path, NULL)) == NULL)
    return FALSE;
  return TRUE;
}

/* The record of the file with relative path @rel:
 * DIR/<hex SHA-256 of the fingerprint and @rel>.json. (transfer full) */
static char *
resume_record_path (const Batch *b, const char *rel)
{
  const char *parts[] = { rel, NULL };
  char *key = ws_farm_fingerprint (b->fingerprint, parts);
  char *name = g_strconcat (key + strlen ("sha256:"), ".json", NULL);
  char *path = g_build_filename (b->resume_dir, name, NULL);

  g_free (key);
  g_free (name);
  return path;
}

static gint64
member_int (JsonObject *o, const char *key)
{
  JsonNode *n = json_object_get_member (o, key);

  return n && JSON_NODE_HOLDS_VALUE (n) &&
                 json_node_get_value_type (n) == G_TYPE_INT64 ?
             json_node_get_int (n) :
             G_MININT64;
}

/* The kept result of @rel when it still holds: same version, options,
 * relative path, size and modification time (and content hash with
 * --resume-hash) of the file and its sidecar; a result that was an error
 * is checked again. FALSE otherwise (a missing, stale, damaged or foreign
 * record is simply not used). */
static gboolean
resume_load (const Batch *b, const char *rel, const ResumeStamp *st,
    WsReportReadEntry *out)
{
  char *path = resume_record_path (b, rel), *data = NULL;
  JsonParser *parser = json_parser_new_immutable ();
  JsonObject *o, *r, *sc;
  gboolean ok = FALSE;
  gsize len;

  if (!g_file_get_contents (path, &data, &len, NULL) ||
      len > WS_REPORT_READ_MAX_BYTES ||
      !json_parser_load_from_data (parser, data, (gssize) len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    goto end;
  o = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (o, "resume") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "resume")))
    goto end;
  r = json_object_get_object_member (o, "resume");
  if (g_strcmp0 (json_object_get_string_member_with_default (r,
                     "watershed_version", ""),
          WS_VERSION) != 0 ||
      g_strcmp0 (json_object_get_string_member_with_default (r,
                     "options_fingerprint", ""),
          b->fingerprint) != 0 ||
      g_strcmp0 (json_object_get_string_member_with_default (r, "relative_path",
                     ""),
          rel) != 0 ||
      member_int (r, "size") != st->size ||
      member_int (r, "mtime_ns") != st->mtime_ns)
    goto end;
  if (st->sha256 != NULL &&
      g_strcmp0 (json_object_get_string_member_with_default (r, "sha256", ""),
          st->sha256) != 0)
    goto end;
  sc = json_object_has_member (r, "sidecar") &&
               JSON_NODE_HOLDS_OBJECT (json_object_get_member (r, "sidecar")) ?
           json_object_get_object_member (r, "sidecar") :
           NULL;
  if ((sc != NULL) != st->has_sidecar ||
      (sc != NULL && (member_int (sc, "size") != st->sidecar_size ||
                         member_int (sc, "mtime_ns") != st->sidecar_mtime_ns)))
    goto end;
  if (!ws_report_read_entry (json_object_get_member (o, "file"), out, NULL))
    goto end;
  if (out->file->status == WS_CHECK_ERROR) {
    ws_report_read_entry_clear (out);
    goto end;
  }
  ok = TRUE;

end:
  g_object_unref (parser);
  g_free (data);
  g_free (path);
  return ok;
}

/* Keeps @e's result: written to a temporary file, synced and renamed over
 * the record, so a kill at any moment leaves the old record or the new
 * one, never half of one. Not for a file that could not be read. */
static void
resume_save (const Batch *b, const char *rel, const ResumeStamp *st,
    const WsReportEntry *e)
{
  JsonBuilder *jb = json_builder_new ();
  JsonGenerator *gen = json_generator_new ();
  JsonNode *root;
  char *path, *text;
  GError *error = NULL;

  if (e->file->status == WS_CHECK_ERROR)
    return;
  json_builder_begin_object (jb);
  json_builder_set_member_name (jb, "resume");
  json_builder_begin_object (jb);
  ws_json_add_string_or_null (jb, "watershed_version", WS_VERSION);
  ws_json_add_string_or_null (jb, "options_fingerprint", b->fingerprint);
  ws_json_add_string_or_null (jb, "relative_path", rel);
  json_builder_set_member_name (jb, "size");
  json_builder_add_int_value (jb, st->size);
  json_builder_set_member_name (jb, "mtime_ns");
  json_builder_add_int_value (jb, st->mtime_ns);
  ws_json_add_string_or_null (jb, "sha256", st->sha256);
  json_builder_set_member_name (jb, "sidecar");
  if (st->has_sidecar) {
    json_builder_begin_object (jb);
    json_builder_set_member_name (jb, "size");
    json_builder_add_int_value (jb, st->sidecar_size);
    json_builder_set_member_name (jb, "mtime_ns");
    json_builder_add_int_value (jb, st->sidecar_mtime_ns);
    json_builder_end_object (jb);
  } else {
    json_builder_add_null_value (jb);
  }
  json_builder_end_object (jb);
  json_builder_set_member_name (jb, "file");
  json_builder_add_value (jb, ws_report_json_entry (e, b->opts));
  json_builder_end_object (jb);
  root = json_builder_get_root (jb);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  path = resume_record_path (b, rel);
  if (!g_file_set_contents_full (path, text, -1,
          G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0644,
          &error)) {
    char *safe = ws_cli_safe_text (error->message, WS_CLI_TEXT_LINE);

    ws_cli_error ("check: warning: --resume: %s", safe);
    g_free (safe);
    g_error_free (error);
  }
  g_free (path);
  g_free (text);
  json_node_unref (root);
  g_object_unref (gen);
  g_object_unref (jb);
}

static void
check_one (gpointer data, gpointer user_data)
{
  Batch *b = user_data;
  guint i = GPOINTER_TO_UINT (data) - 1;
  const char *path = b->paths->pdata[i];
  Progress *p = b->progress;
  gint64 start_mono = g_get_monotonic_time ();
  WsCheckFile *f;
  ResumeStamp stamp = { 0 };
  gboolean stamped = FALSE;
  const char *rel = b->rels->pdata[b->entries[i].index];
  WsReportReadEntry kept;

  if (b->resume_dir != NULL) {
    stamped = resume_stamp (b, path, &stamp);
    if (stamped && resume_load (b, rel, &stamp, &kept)) {
      /* the result of the run that was stopped, as it was */
      f = kept.file;
      g_free (f->path);
      f->path = g_strdup (path);
      b->entries[i].started_us = kept.started_us;
      b->entries[i].elapsed_s = kept.elapsed_s;
      g_atomic_int_inc (&b->resumed);
      g_free (stamp.sha256);
      goto done;
    }
  }
  b->entries[i].started_us = g_get_real_time ();
  if (p->enabled) {
    g_mutex_lock (&p->lock);
    g_hash_table_insert (p->current, (gpointer) path, g_new0 (double, 1));
    g_mutex_unlock (&p->lock);
  }
  f = ws_check_file (path, b->opts, p->enabled ? on_progress : NULL, p);
  b->entries[i].elapsed_s = (double) (g_get_monotonic_time () - start_mono) /
                            G_USEC_PER_SEC;
  if (stamped) {
    WsReportEntry e = b->entries[i];

    e.file = f;
    resume_save (b, rel, &stamp, &e);
    g_free (stamp.sha256);
  }

done:
  if (!b->keep_series)
    drop_series (f);
  b->results[i] = f;
  b->entries[i].file = f;
  if (b->jsonl && !(b->failures_only && f->status == WS_CHECK_PASS)) {
    char *text = json_line (f, b->opts);

    g_mutex_lock (&b->out_lock);
    fputs (text, stdout);
    fputc ('\n', stdout);
    fflush (stdout);
    g_mutex_unlock (&b->out_lock);
    g_free (text);
  }
  if (p->enabled) {
    g_mutex_lock (&p->lock);
    g_hash_table_remove (p->current, path);
    p->done++;
    progress_draw (p, TRUE);
    g_mutex_unlock (&p->lock);
  }
}

/* ---- the command --------------------------------------------------------- */

static gboolean
parse_preset (const char *name, WsLoudnessPreset *out)
{
  static const WsLoudnessPreset presets[] = { WS_LOUDNESS_PRESET_EBU_R128,
    WS_LOUDNESS_PRESET_EBU_R128_STRICT, WS_LOUDNESS_PRESET_ATSC_A85 };

  for (gsize i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_ascii_strcasecmp (name, ws_loudness_preset_to_string (presets[i])) ==
        0) {
      *out = presets[i];
      return TRUE;
    }
  return FALSE;
}

/* Splits repeated, comma-separated --territory values; NULL when bad. */
static char **
parse_territories (char **values, gboolean *ok)
{
  GPtrArray *out = g_ptr_array_new ();

  *ok = TRUE;
  for (char **v = values; v && *v; v++) {
    char **parts = g_strsplit (*v, ",", -1);

    for (char **p = parts; *p; p++) {
      const char *t = ws_territory_normalise (g_strstrip (*p));

      if (t == NULL) {
        ws_cli_error ("check: --territory \"%s\" is not an ISO 3166 country "
                      "code (GB, DE, FRA, ...)",
            *p);
        *ok = FALSE;
      } else if (!g_ptr_array_find_with_equal_func (out, t, g_str_equal,
                     NULL)) {
        g_ptr_array_add (out, g_strdup (t));
      }
    }
    g_strfreev (parts);
  }
  if (values == NULL || !*ok) {
    g_ptr_array_set_free_func (out, g_free);
    g_ptr_array_unref (out);
    return NULL;
  }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static gboolean
parse_mono (const char *name, WsLoudnessMono *out)
{
  static const WsLoudnessMono rules[] = { WS_LOUDNESS_MONO_DUAL,
    WS_LOUDNESS_MONO_SINGLE };

  for (gsize i = 0; i < G_N_ELEMENTS (rules); i++)
    if (g_ascii_strcasecmp (name, ws_loudness_mono_to_string (rules[i])) == 0) {
      *out = rules[i];
      return TRUE;
    }
  return FALSE;
}

/* --target, --tolerance, --max-true-peak (NAN when not given) override the
 * preset's limits: a customer's spec, reported as preset "custom". */
static gboolean
parse_limits (WsCheckOptions *opts, double target, double tolerance,
    double max_true_peak)
{
  WsLoudnessLimits l;

  if (isnan (target) && isnan (tolerance) && isnan (max_true_peak))
    return TRUE;
  ws_loudness_preset_limits (opts->preset, &l);
  if (!isnan (target)) {
    if (!isfinite (target) || target < -70.0 || target > 0.0) {
      ws_cli_error ("check: --target %g is not a loudness target (-70 to 0 "
                    "LUFS)",
          target);
      return FALSE;
    }
    l.target_lufs = target;
  }
  if (!isnan (tolerance)) {
    if (!isfinite (tolerance) || tolerance < 0.0 || tolerance > 20.0) {
      ws_cli_error ("check: --tolerance %g must be 0 to 20 LU", tolerance);
      return FALSE;
    }
    l.tolerance_lu = tolerance;
  }
  if (!isnan (max_true_peak)) {
    if (!isfinite (max_true_peak) || max_true_peak < -70.0 ||
        max_true_peak > 6.0) {
      ws_cli_error ("check: --max-true-peak %g must be -70 to +6 dBTP",
          max_true_peak);
      return FALSE;
    }
    l.max_true_peak_dbtp = max_true_peak;
  }
  opts->preset = WS_LOUDNESS_PRESET_CUSTOM;
  opts->limits = l;
  return TRUE;
}

/* Bytes of memory available to new work (MemAvailable), 0 when unknown. */
static guint64
memory_available (void)
{
  char *text = NULL;
  guint64 kib = 0;

  if (g_file_get_contents ("/proc/meminfo", &text, NULL, NULL)) {
    const char *m = strstr (text, "MemAvailable:");

    if (m != NULL)
      kib = g_ascii_strtoull (m + strlen ("MemAvailable:"), NULL, 10);
  }
  g_free (text);
  return kib * 1024;
}

/* How many files may be checked at once: at most one per core (each file's
 * decoders use threads of their own) and one per JOB_MEMORY of available
 * memory (a 1080p H.264 decoder with its frame threads, the queue to the
 * analysis and the cores take about 100-300 MiB; 2160p more); at least
 * one. --jobs above that is lowered, with a warning. */
static guint
jobs_allowed (int requested)
{
  guint cores = MAX (1, g_get_num_processors ());
  guint64 mem = memory_available ();
  guint limit = cores;

  if (mem > 0)
    limit = (guint) MAX (1, MIN ((guint64) cores, mem / JOB_MEMORY));
  if (requested == JOBS_UNSET)
    return limit;
  if ((guint) requested > limit) {
    if (mem > 0)
      ws_cli_error ("check: warning: --jobs %d lowered to %u (%u core%s, "
                    "%.1f GiB of memory available, %u MiB per job)",
          requested, limit, cores, cores == 1 ? "" : "s",
          (double) mem / (1024.0 * 1024.0 * 1024.0),
          (guint) (JOB_MEMORY / (1024 * 1024)));
    else
      ws_cli_error ("check: warning: --jobs %d lowered to %u (%u core%s)",
          requested, limit, cores, cores == 1 ? "" : "s");
    return limit;
  }
  return (guint) requested;
}

gboolean
ws_report_outputs_add (WsReportSet *set, const WsReportOutputs *out)
{
  const struct {
    const char *option, *path, *name;
    WsReportKind kind;
  } reports[] = {
    { "--json", out->json, "JSON", WS_REPORT_JSON },
    { "--junit", out->junit, "JUnit", WS_REPORT_JUNIT },
    { "--html", out->html, "HTML", WS_REPORT_HTML },
    { "--csv", out->csv, "CSV", WS_REPORT_CSV },
    { "--pse-certificate", out->pse_certificate, "PSE certificate",
        WS_REPORT_PDF },
  };
  GError *error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (reports); i++) {
    char *safe;

    if (reports[i].path == NULL ||
        ws_report_set_add (set, reports[i].option, reports[i].path,
            reports[i].kind, &error))
      continue;
    safe = ws_cli_safe_text (reports[i].path, WS_CLI_TEXT_LINE);
    ws_cli_error ("%s: %s %s: cannot write the %s report: %s", out->command,
        reports[i].option, safe, reports[i].name, error->message);
    g_free (safe);
    g_error_free (error);
    return FALSE;
  }
  return TRUE;
}

int
ws_report_emit (const WsReportEntry *entries, guint n, const WsReportRun *base,
    WsReportSet *set, const WsReportOutputs *out)
{
  WsReportEntry *listed = g_new0 (WsReportEntry, MAX (n, 1));
  guint counts[WS_CHECK_ERROR + 1] = { 0 };
  WsReportRun run = *base;
  const struct {
    const char *option, *path, *name;
    char *(*write) (const WsReportRun *run);
  } reports[] = {
    { "--json", out->json, "JSON", ws_report_json },
    { "--junit", out->junit, "JUnit", ws_report_junit },
    { "--html", out->html, "HTML", ws_report_html },
    { "--csv", out->csv, "CSV", ws_report_csv },
  };
  gboolean staged = TRUE;
  GError *error = NULL;
  int code;

  for (guint i = 0; i < n; i++)
    counts[entries[i].file->status]++;
  run.entries = listed;
  run.n_entries = 0;
  run.counts = counts;
  run.n_checked = n;
  for (guint i = 0; i < n; i++)
    if (!out->failures_only || entries[i].file->status != WS_CHECK_PASS)
      listed[run.n_entries++] = entries[i];
  if (out->json_stdout) {
    char *text = ws_report_json (&run);

    fputs (text, stdout);
    g_free (text);
  } else if (out->table) {
    print_text (&run);
  }
  fflush (stdout);
  for (guint i = 0; i < n; i++)
    if (entries[i].file->status == WS_CHECK_ERROR) {
      char *e = ws_cli_safe_text (entries[i].file->error, WS_CLI_TEXT_LINE);

      ws_cli_error ("%s", e);
      g_free (e);
    }

  code = counts[WS_CHECK_ERROR] > 0 || out->input_errors > 0 ? WS_EXIT_USAGE :
         counts[WS_CHECK_FAIL] > 0                           ? WS_EXIT_FAIL :
                                                               WS_EXIT_PASS;
  /* every report to a temporary file first, then all renamed: a run
   * replaces the reports of the last one as a set, or none of them */
  for (gsize i = 0; staged && i < G_N_ELEMENTS (reports); i++) {
    char *text, *safe;

    if (reports[i].path == NULL)
      continue;
    text = reports[i].write (&run);
    staged = ws_report_set_stage (set, reports[i].path, text, &error);
    g_free (text);
    if (staged)
      continue;
    safe = ws_cli_safe_text (reports[i].path, WS_CLI_TEXT_LINE);
    ws_cli_error ("%s: %s %s: cannot write the %s report: %s", out->command,
        reports[i].option, safe, reports[i].name, error->message);
    g_free (safe);
    g_clear_error (&error);
    code = WS_EXIT_USAGE;
  }
  if (staged && out->pse_certificate != NULL) {
    GBytes *pdf = ws_report_pse_pdf (&run, &error);

    staged = pdf != NULL &&
             ws_report_set_stage_bytes (set, out->pse_certificate, pdf, &error);
    if (pdf != NULL)
      g_bytes_unref (pdf);
    if (!staged) {
      char *safe = ws_cli_safe_text (out->pse_certificate, WS_CLI_TEXT_LINE);

      ws_cli_error ("%s: --pse-certificate %s: cannot write the PSE "
                    "certificate: %s",
          out->command, safe, error->message);
      g_free (safe);
      g_clear_error (&error);
      code = WS_EXIT_USAGE;
    }
  }
  if (staged && !ws_report_set_commit (set, &error)) {
    ws_cli_error ("%s: cannot write the reports: %s", out->command,
        error->message);
    g_clear_error (&error);
    code = WS_EXIT_USAGE;
  }
  g_free (listed);
  return code;
}

/* "name=value" for every option that changes a result, in a fixed order
 * (the options fingerprint of a part report and of --resume records; the
 * file list itself is the part's files digest). A policy or --metadata
 * given as a file is named by its content too. */
static char **
result_options (const WsCheckOptions *opts, const char *policy_id,
    const char *service_class)
{
  GPtrArray *o = g_ptr_array_new ();
  char *t = opts->territories ? g_strjoinv (",", (char **) opts->territories) :
                                g_strdup ("(from the metadata)");
  char buf[3][G_ASCII_DTOSTR_BUF_SIZE];
  const char *named[] = { "policy", policy_id, "metadata", opts->metadata };

  g_ptr_array_add (o, g_strconcat ("territory=", t, NULL));
  g_free (t);
  /* a --metadata file by its content (below), so nodes that mount it at
   * different places agree; a folder by its path */
  g_ptr_array_add (o,
      g_strconcat ("metadata=",
          opts->metadata == NULL ? "(next to each file)" :
          g_file_test (opts->metadata, G_FILE_TEST_IS_REGULAR) ? "(a file)" :
                                                                 opts->metadata,
          NULL));
  g_ptr_array_add (o, g_strconcat ("preset=",
                          ws_loudness_preset_to_string (opts->preset), NULL));
  if (opts->preset == WS_LOUDNESS_PRESET_CUSTOM)
    g_ptr_array_add (o,
        g_strdup_printf ("limits=%s,%s,%s",
            g_ascii_dtostr (buf[0], sizeof (buf[0]), opts->limits.target_lufs),
            g_ascii_dtostr (buf[1], sizeof (buf[1]), opts->limits.tolerance_lu),
            g_ascii_dtostr (buf[2], sizeof (buf[2]),
                opts->limits.max_true_peak_dbtp)));
  g_ptr_array_add (o,
      g_strconcat ("mono=", ws_loudness_mono_to_string (opts->mono), NULL));
  g_ptr_array_add (o,
      g_strconcat ("policy=", policy_id ? policy_id : "(none)", NULL));
  g_ptr_array_add (o, g_strconcat ("service-class=",
                          service_class ? service_class : "(default)", NULL));
  if (policy_id != NULL) {
    g_ptr_array_add (o,
        g_strdup_printf ("from=%" G_GINT64_FORMAT, opts->from_us));
    g_ptr_array_add (o, g_strdup_printf ("to=%" G_GINT64_FORMAT, opts->to_us));
    g_ptr_array_add (o,
        g_strdup_printf ("slot=%" G_GINT64_FORMAT, opts->slot_us));
  }
  for (gsize i = 0; i < G_N_ELEMENTS (named); i += 2)
    if (named[i + 1] != NULL &&
        g_file_test (named[i + 1], G_FILE_TEST_IS_REGULAR)) {
      char *sum = ws_farm_file_sha256 (named[i + 1], NULL);

      g_ptr_array_add (o, g_strdup_printf ("%s-sha256=%s", named[i],
                              sum ? sum : "(unreadable)"));
      g_free (sum);
    }
  g_ptr_array_add (o,
      g_strdup_printf ("require-audio=%d", opts->require_audio ? 1 : 0));
  g_ptr_array_add (o,
      g_strdup_printf ("require-video=%d", opts->require_video ? 1 : 0));
  g_ptr_array_add (o,
      g_strdup_printf ("allow-decode-errors=%d", opts->allow_decode_errors));
  g_ptr_array_add (o,
      g_strdup_printf ("flash-sample-step=%d", opts->flash_sample_step));
  g_ptr_array_add (o, g_strdup_printf ("eit-scan-bytes=%" G_GSIZE_FORMAT,
                          opts->eit_scan_bytes));
  {
    /* the support data by its content, --support or the installed data:
     * results checked against other helplines are not reused */
    const WsSupportDirectory *dir = opts->support;

    if (dir == NULL)
      dir = ws_support_directory_get_default (NULL);
    g_ptr_array_add (o,
        g_strconcat ("support-sha256=",
            dir != NULL ? ws_support_directory_get_digest (dir) : "(none)",
            NULL));
  }
  g_ptr_array_add (o,
      g_strdup (opts->exact_decode ? "decode=exact" : "decode=analysis"));
  g_ptr_array_add (o, g_strdup_printf ("programme=%d", opts->programme));
  g_ptr_array_add (o, NULL);
  return (char **) g_ptr_array_free (o, FALSE);
}

static const char summary[] =
    "Checks media files before they go out: the age rating is present for\n"
    "each territory and the same in the file and in its sidecar metadata,\n"
    "guidance texts fit DVB-I's 160 characters, the loudness meets the\n"
    "preset, there is no photosensitive-epilepsy flashing, and (with\n"
    "--policy) when the rating may be shown.\n"
    "\n"
    "support-info: when a rating's descriptors (through ratings/support/\n"
    "topics.xml) or its sidecar's <support topic> call for support\n"
    "information (suicide and self-harm, abuse, addiction, eating\n"
    "disorders), the territory's helplines are listed; a topic without a\n"
    "helpline, a territory without support data or an entry not verified\n"
    "at its source is a \"warn\" (it does not fail the file); a topic no\n"
    "data file declares fails. --support DIR|FILE uses other data.\n"
    "\n"
    "PATH is a file or a folder (walked recursively; hidden files and\n"
    "sidecar/document extensions such as .xml .json .txt .html .srt .jpg are\n"
    "skipped there; a file named on the command line is checked, except an\n"
    ".xml, which is listed as sidecar metadata). Each real file (device and\n"
    "inode) is checked once; links to folders are followed, each folder\n"
    "walked once, so link loops end. --exclude GLOB leaves files out.\n"
    "Reports (--junit, --html, --csv, --pse-certificate) never replace an\n"
    "input or a file that is not a watershed report (--force for the\n"
    "latter); they are written to temporary files first and renamed\n"
    "together.\n"
    "Ratings are read from the file (MP4 iTunEXTC, Matroska LAW_RATING and\n"
    "COUNTRY/LAW_RATING, MPEG-TS EIT parental_rating_descriptor) and from\n"
    "the sidecar: NAME.xml next to NAME.mp4 (or NAME.mp4.xml), or\n"
    "--metadata FILE|DIR; any format `watershed metadata` reads.\n"
    "Territories checked: --territory, else every territory the metadata\n"
    "names; a file with no rating at all fails.\n"
    "Audio and video are decoded once; every audio track is measured and\n"
    "judged. A file without audio (or video) is \"not applicable\" for\n"
    "loudness (or flash) unless --require-audio (--require-video). A flash\n"
    "\"warn\" does not fail the file.\n"
    "Flashing is judged to ITU-R BT.1702-3 in absolute luminance. The\n"
    "transfer function comes from the stream: PQ (smpte2084) through the\n"
    "SMPTE ST 2084 EOTF, HLG (arib-std-b67) on a --hlg-peak display, other\n"
    "transfers as SDR on a 200 cd/m2 display; BT.2020 primaries are\n"
    "honoured. 10- and 12-bit video that does not say its transfer is\n"
    "analysed as SDR with a warning (flash at least \"warn\").\n"
    "Damaged media (undecodable packets, missing frames, timestamp gaps, a\n"
    "stream ending early) fails the integrity check; --allow-decode-errors\n"
    "relaxes it. A file whose container duration disagrees with the decoded\n"
    "media, or that changes while checked, is an error (still being\n"
    "written?).\n"
    "\n"
    "On a farm: --shard K/N (or auto, in a Slurm array or Kubernetes\n"
    "Indexed Job) checks the files whose relative path hashes to shard K;\n"
    "--json then writes a part for `watershed report merge`. --resume DIR\n"
    "keeps each result as it finishes, so a rerun checks only the files\n"
    "missing or changed (docs/farm.md).\n"
    "\n"
    "Exit status: 0 every file passed; 1 a check failed; 2 a file could not\n"
    "be read (empty, truncated, not media) or a usage error. Every file is\n"
    "checked and reported either way.";

int
ws_cmd_check (int argc, char **argv)
{
  gboolean json = FALSE, require_audio = FALSE, require_video = FALSE;
  gboolean exact_decode = FALSE;
  gboolean no_progress = FALSE;
  char **territory_args = NULL, **territories = NULL;
  char *metadata = NULL, *preset = NULL, *policy_id = NULL;
  char *service_class = NULL, *from = NULL, *to = NULL, *slot = NULL;
  char *junit = NULL, *html = NULL, *pse_certificate = NULL;
  char *shard = NULL, *resume = NULL;
  int shard_count = 0;
  gboolean keep_plots = FALSE, resume_hash = FALSE;
  int jobs = JOBS_UNSET, flash_step = 0, code = WS_EXIT_USAGE;
  int programme = -1;
  int allow_decode_errors = 0;
  double target = NAN, tolerance = NAN, max_true_peak = NAN;
  double hlg_peak = 1000.0;
  char *mono = NULL;
  char *support_path = NULL;
  WsSupportDirectory *support = NULL;
  const GOptionEntry entries[] = {
    { "territory", 't', 0, G_OPTION_ARG_STRING_ARRAY, &territory_args,
        "Territory that must have a rating (repeatable or comma-separated; "
        "default: every territory the metadata names)",
        "CC" },
    { "metadata", 'm', 0, G_OPTION_ARG_FILENAME, &metadata,
        "Sidecar metadata file for every input, or a folder of "
        "<name>.xml files (default: <name>.xml next to each file)",
        "FILE|DIR" },
    { "preset", 0, 0, G_OPTION_ARG_STRING, &preset,
        "Loudness preset: ebu-r128 (default), ebu-r128-strict, atsc-a85",
        "NAME" },
    { "policy", 'p', 0, G_OPTION_ARG_STRING, &policy_id,
        "Also list the windows the rating is allowed in, under this policy "
        "(uk-ofcom, de-jmstv, ... or a file)",
        "ID" },
    { "service-class", 'c', 0, G_OPTION_ARG_STRING, &service_class,
        "Service class for --policy (default: the policy's default)", "CLASS" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from,
        "Start of the window range (ISO 8601; default: now)", "TIME" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to,
        "End of the window range (default: 7 days after --from)", "TIME" },
    { "slot", 0, 0, G_OPTION_ARG_STRING, &slot,
        "Fail when the rating may not be shown at this instant (ISO 8601; "
        "needs --policy)",
        "TIME" },
    { "require-audio", 0, 0, G_OPTION_ARG_NONE, &require_audio,
        "Fail a file that has no audio (default: loudness not applicable)",
        NULL },
    { "require-video", 0, 0, G_OPTION_ARG_NONE, &require_video,
        "Fail a file that has no video (default: flash not applicable)", NULL },
    { "flash-sample-step", 0, 0, G_OPTION_ARG_INT, &flash_step,
        "Flash analysis reads one pixel in each N x N block, 1-16 "
        "(default: width / 480, at least 2; 1 reads every pixel)",
        "N" },
    { "exact-decode", 0, 0, G_OPTION_ARG_NONE, &exact_decode,
        "Decode H.264 and HEVC video bit-exactly (default: analysis-grade, "
        "without the in-loop deblocking filter, which the flash and pattern "
        "analysis cannot see, and faster; every frame is still analysed)",
        NULL },
    { "programme", 0, 0, G_OPTION_ARG_INT, &programme,
        "Of a multi-programme file (an MPEG-TS mux), check programme N: its "
        "video, every audio track and its EIT rating (default: the "
        "programme holding the best video stream); a file without it is an "
        "error",
        "N" },
    { "hlg-peak", 0, 0, G_OPTION_ARG_DOUBLE, &hlg_peak,
        "Nominal peak luminance of the display HLG video is judged on, "
        "100-10000 cd/m2; sets the HLG system gamma (default: 1000, gamma "
        "1.2)",
        "CD_M2" },
    { "target", 0, 0, G_OPTION_ARG_DOUBLE, &target,
        "Integrated loudness target in LUFS, for a customer's spec (default: "
        "the preset's)",
        "LUFS" },
    { "tolerance", 0, 0, G_OPTION_ARG_DOUBLE, &tolerance,
        "Allowed deviation from the target, either side, in LU (default: the "
        "preset's)",
        "LU" },
    { "max-true-peak", 0, 0, G_OPTION_ARG_DOUBLE, &max_true_peak,
        "Highest allowed true peak in dBTP (default: the preset's)", "DBTP" },
    { "mono", 0, 0, G_OPTION_ARG_STRING, &mono,
        "How a one-channel track is measured: dual-mono (default; played on "
        "two loudspeakers, +3 dB, EBU Tech 3343) or single (one loudspeaker)",
        "RULE" },
    { "allow-decode-errors", 0, 0, G_OPTION_ARG_INT, &allow_decode_errors,
        "Integrity problems (undecodable packets, missing frames, timestamp "
        "gaps, streams ending early) a file may have and still pass, as a "
        "warning (default: 0)",
        "N" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
        "Files checked in parallel, 1 or more (default and maximum: the "
        "number of cores, and one per 512 MiB of available memory)",
        "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
        "Print one JSON document on stdout instead of the table", NULL },
    { "junit", 0, 0, G_OPTION_ARG_FILENAME, &junit,
        "Also write a JUnit XML report (a testsuite per file, a testcase "
        "per check that applies)",
        "FILE" },
    { "html", 0, 0, G_OPTION_ARG_FILENAME, &html,
        "Also write an HTML report with loudness and flash-risk plots",
        "FILE" },
    { "pse-certificate", 0, 0, G_OPTION_ARG_FILENAME, &pse_certificate,
        "Also write a photosensitive-epilepsy test certificate (PDF, a page "
        "per file: verdict, file hash, standard, transfer function, "
        "incidents with timecodes, risk plot)",
        "FILE.pdf" },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &shard,
        "Check only shard K of N (from 0) of the files, for a farm: each "
        "file always falls in the same shard; auto = the Slurm array task "
        "or Kubernetes Indexed Job this runs in. --json then writes a part "
        "for watershed report merge",
        "K/N|auto" },
    { "shard-count", 0, 0, G_OPTION_ARG_INT, &shard_count,
        "The number of shards, with --shard auto in a Kubernetes Indexed Job "
        "(its completions)",
        "N" },
    { "keep-plots", 0, 0, G_OPTION_ARG_NONE, &keep_plots,
        "With --shard: put the loudness and flash-risk series in the JSON "
        "part, so the HTML report of report merge has its plots",
        NULL },
    { "resume", 0, 0, G_OPTION_ARG_FILENAME, &resume,
        "Keep each file's result in DIR as it finishes; a rerun (after a "
        "node failure or preemption) checks only the files missing there "
        "or changed since (size, modification time, sidecar)",
        "DIR" },
    { "resume-hash", 0, 0, G_OPTION_ARG_NONE, &resume_hash,
        "With --resume: also compare each file's content (SHA-256; reads "
        "every file once more)",
        NULL },
    { "no-progress", 0, 0, G_OPTION_ARG_NONE, &no_progress,
        "No progress bar (it is shown only when stderr is a terminal)", NULL },
    { "support", 0, 0, G_OPTION_ARG_FILENAME, &support_path,
        "Support data (helplines) for the support-info check: a folder like "
        "ratings/support or one file (default: the installed data)",
        "DIR|FILE" },
    { NULL }
  };
  GOptionContext *ctx = g_option_context_new ("PATH...");
  const WsRatingRegistry *reg;
  WsPolicy *policy = NULL;
  WsCheckOptions opts;
  GPtrArray *paths = NULL, *errors = NULL;
  WsCheckFile **results = NULL;
  WsReportOptions ro = { 0 };
  Inputs in = { 0 };
  GPtrArray *sidecars = g_ptr_array_new_with_free_func (ws_report_sidecar_free);
  GHashTable *protected = NULL;
  WsReportSet *report_set = NULL;
  WsReportEntry *report_entries = NULL;
  char *command_line = NULL;
  Progress progress = { 0 };
  GError *error = NULL;
  gboolean territories_ok = TRUE;
  guint n = 0, shard_k = 0, shard_n = 0, n_all = 0;
  guint *index_of = NULL;
  char **result_opts = NULL;
  char *fingerprint = NULL, *files_digest = NULL;

  /* Numbers in messages, the table and every report are written with a
   * '.': a comma-decimal locale would make "-23,0 LUFS" in English
   * sentences and break CSV and SVG. Text stays in the user's encoding. */
  setlocale (LC_NUMERIC, "C");
  {
    char *args = ws_report_command_line (argc, argv);

    command_line = g_strconcat ("watershed ", args, NULL);
    g_free (args);
  }
  g_option_context_set_summary (ctx, summary);
  g_option_context_add_main_entries (ctx, entries, NULL);
  ws_report_add_entries (ctx, &ro);
  if (!ws_cli_parse_files (ctx, &argc, &argv, "file or folder", &code))
    goto end;
  reg = ws_cli_registry ();
  if (reg == NULL)
    goto end;
  ws_check_options_init (&opts, reg);
  territories = parse_territories (territory_args, &territories_ok);
  if (!territories_ok)
    goto end;
  opts.territories = (const char *const *) territories;
  opts.metadata = metadata;
  opts.require_audio = require_audio;
  opts.require_video = require_video;
  if (metadata != NULL && !g_file_test (metadata, G_FILE_TEST_EXISTS)) {
    ws_cli_error ("check: --metadata %s: no such file or folder", metadata);
    goto end;
  }
  if (preset != NULL && !parse_preset (preset, &opts.preset)) {
    ws_cli_error ("check: unknown --preset \"%s\"; use ebu-r128, "
                  "ebu-r128-strict or atsc-a85",
        preset);
    goto end;
  }
  if (policy_id == NULL && (slot || from || to || service_class)) {
    ws_cli_error ("check: --slot, --from, --to and --service-class need "
                  "--policy ID; see watershed policy list");
    goto end;
  }
  if (policy_id != NULL) {
    policy = ws_cli_load_policy ("check", policy_id, service_class, reg);
    if (policy == NULL)
      goto end;
    if ((from && !ws_policy_parse_time (policy, from, &opts.from_us, &error)) ||
        (slot && !ws_policy_parse_time (policy, slot, &opts.slot_us, &error))) {
      ws_cli_error ("check: %s", error->message);
      goto end;
    }
    opts.to_us = opts.from_us + 7 * G_TIME_SPAN_DAY;
    if (to && !ws_policy_parse_time (policy, to, &opts.to_us, &error)) {
      ws_cli_error ("check: %s", error->message);
      goto end;
    }
    if (opts.to_us <= opts.from_us) {
      ws_cli_error ("check: --to must be after --from");
      goto end;
    }
    opts.policy = policy;
    opts.service_class = service_class;
  }
  if (support_path != NULL) {
    support = ws_support_directory_new (support_path, &error);
    if (support == NULL) {
      ws_cli_error ("check: --support: %s", error->message);
      goto end;
    }
    opts.support = support;
  }
  if (jobs != JOBS_UNSET && jobs < 1) {
    ws_cli_error ("check: --jobs must be 1 or more (got %d)", jobs);
    goto end;
  }
  if (allow_decode_errors < 0) {
    ws_cli_error ("check: --allow-decode-errors must be 0 or more");
    goto end;
  }
  opts.allow_decode_errors = allow_decode_errors;
  if (!parse_limits (&opts, target, tolerance, max_true_peak))
    goto end;
  if (mono != NULL && !parse_mono (mono, &opts.mono)) {
    ws_cli_error ("check: unknown --mono \"%s\"; use dual-mono or single",
        mono);
    goto end;
  }
  if (flash_step < 0 || flash_step > 16) {
    ws_cli_error ("check: --flash-sample-step must be 1 to 16");
    goto end;
  }
  opts.flash_sample_step = flash_step;
  if (!(hlg_peak >= 100.0 && hlg_peak <= 10000.0)) {
    ws_cli_error ("check: --hlg-peak must be 100 to 10000 (cd/m2)");
    goto end;
  }
  opts.hlg_peak_cd_m2 = hlg_peak;
  opts.exact_decode = exact_decode;
  if (programme < -1 || programme > 65535) {
    ws_cli_error ("check: --programme must be an MPEG-TS program number, 0 "
                  "to 65535");
    goto end;
  }
  opts.programme = programme;

  if (shard_count < 0) {
    ws_cli_error ("check: --shard-count must be 1 or more");
    goto end;
  }
  if (shard == NULL && (shard_count > 0 || keep_plots)) {
    ws_cli_error ("check: --shard-count and --keep-plots go with --shard");
    goto end;
  }
  if (shard != NULL) {
    if (!ws_farm_parse_shard (shard, (guint) shard_count, NULL, &shard_k,
            &shard_n, &error)) {
      ws_cli_error ("check: %s", error->message);
      goto end;
    }
    if (ro.failures_only) {
      ws_cli_error ("check: --failures-only with --shard would leave files "
                    "out of the part; give it to watershed report merge");
      goto end;
    }
    if (policy != NULL && from == NULL) {
      ws_cli_error ("check: --policy with --shard needs --from: every shard "
                    "must list the windows from the same instant");
      goto end;
    }
  }
  if (resume_hash && resume == NULL) {
    ws_cli_error ("check: --resume-hash goes with --resume DIR");
    goto end;
  }
  if (resume != NULL && g_mkdir_with_parents (resume, 0755) != 0) {
    char *safe = ws_cli_safe_text (resume, WS_CLI_TEXT_LINE);

    ws_cli_error ("check: --resume %s: cannot make the folder: %s", safe,
        g_strerror (errno));
    g_free (safe);
    goto end;
  }
  result_opts = result_options (&opts, policy_id, service_class);
  fingerprint = ws_farm_fingerprint (WS_VERSION,
      (const char *const *) result_opts);

  if (json && ro.jsonl) {
    ws_cli_error ("check: --json and --jsonl both print on stdout; give one");
    goto end;
  }
  in.paths = g_ptr_array_new_with_free_func (g_free);
  in.rels = g_ptr_array_new_with_free_func (g_free);
  in.named_xml = g_ptr_array_new_with_free_func (g_free);
  in.errors = g_ptr_array_new_with_free_func (g_free);
  in.seen_files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  in.seen_dirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  in.excludes = ro.excludes;
  if (resume != NULL) {
    GStatBuf st;

    /* the records are never walked as media, even inside a folder given */
    if (g_stat (resume, &st) == 0)
      g_hash_table_add (in.seen_dirs, stat_key (&st));
  }
  for (int i = 1; i < argc; i++)
    add_argument (&in, argv[i]);
  paths = in.paths;
  errors = in.errors;
  for (guint i = 0; i < errors->len; i++)
    ws_cli_error ("check: %s", (char *) errors->pdata[i]);
  n = n_all = paths->len;
  if (n == 0) {
    ws_cli_error ("check: no media file found in the given files and "
                  "folders");
    goto end;
  }
  index_of = g_new (guint, n_all);
  for (guint i = 0; i < n_all; i++)
    index_of[i] = i;
  if (shard != NULL) {
    files_digest = ws_farm_list_digest (in.rels);
    paths = g_ptr_array_new_with_free_func (g_free);
    n = 0;
    for (guint i = 0; i < n_all; i++)
      if (ws_farm_shard_of (in.rels->pdata[i], shard_n) == shard_k) {
        g_ptr_array_add (paths, g_strdup (in.paths->pdata[i]));
        index_of[n++] = i;
      }
  }

  /* the reports: refused now, before an hour of checking, when they would
   * replace an input or a file that is not ours */
  protected = protected_files (&in, metadata, sidecars);
  report_set = ws_report_set_new (protected, ro.force);
  {
    WsReportOutputs out = { "check", json, FALSE, NULL, junit, html, ro.csv,
      FALSE, 0, pse_certificate };

    if (!ws_report_outputs_add (report_set, &out))
      goto end;
  }

  {
    guint n_jobs = jobs_allowed (jobs);
    guint cores = g_get_num_processors ();
    guint parallel = MIN (n_jobs, n);
    Batch batch = { &opts, &progress, paths, NULL, NULL,
      html != NULL || pse_certificate != NULL || keep_plots, ro.jsonl,
      ro.failures_only, { 0 }, resume, resume_hash, fingerprint, in.rels, 0 };
    GThreadPool *pool;

    /* One file: its decoders take every core. Several at once: the cores
     * are shared between them (frame threads in each would only compete). */
    opts.decoder_threads = parallel <= 1 ? 0 : (int) MAX (1, cores / parallel);
    results = g_new0 (WsCheckFile *, n);
    batch.results = results;
    report_entries = g_new0 (WsReportEntry, n);
    for (guint i = 0; i < n; i++)
      report_entries[i].index = index_of[i];
    batch.entries = report_entries;
    g_mutex_init (&batch.out_lock);
    g_mutex_init (&progress.lock);
    progress.enabled = !no_progress && isatty (STDERR_FILENO);
    progress.total = n;
    progress.current = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
        g_free);
    progress.start_us = g_get_monotonic_time ();
    /* libav's warnings and errors go to the file that caused them (the
     * check engine's log callback), never to the terminal */
    av_log_set_level (AV_LOG_WARNING);
    if (parallel <= 1) {
      for (guint i = 0; i < n; i++)
        check_one (GUINT_TO_POINTER (i + 1), &batch);
    } else {
      pool = g_thread_pool_new (check_one, &batch, (int) parallel, TRUE, NULL);
      for (guint i = 0; i < n; i++)
        g_thread_pool_push (pool, GUINT_TO_POINTER (i + 1), NULL);
      g_thread_pool_free (pool, FALSE, TRUE);
    }
    if (progress.enabled) {
      fprintf (stderr, "\r\033[K");
      fflush (stderr);
    }
    g_hash_table_unref (progress.current);
    g_free (progress.last_path);
    g_mutex_clear (&progress.lock);
    g_mutex_clear (&batch.out_lock);
    if (resume != NULL) {
      char *safe = ws_cli_safe_text (resume, WS_CLI_TEXT_LINE);

      ws_cli_error ("check: --resume %s: %d of %u file%s kept from an "
                    "earlier run, %u checked",
          safe, batch.resumed, n, n == 1 ? "" : "s", n - (guint) batch.resumed);
      g_free (safe);
    }
  }

  {
    WsReportPart part = { shard_k, shard_n, n_all, files_digest, fingerprint,
      (const char *const *) result_opts, errors, keep_plots };
    WsReportRun run = { NULL, 0, NULL, 0, &opts, sidecars, WS_VERSION,
      command_line, g_get_host_name (), shard ? &part : NULL };
    WsReportOutputs out = { "check", json, !json && !ro.jsonl, NULL, junit,
      html, ro.csv, ro.failures_only, errors->len, pse_certificate };

    code = ws_report_emit (report_entries, n, &run, report_set, &out);
  }

end:
  g_clear_error (&error);
  for (guint i = 0; results && i < n; i++)
    ws_check_file_free (results[i]);
  g_free (results);
  if (paths != NULL && paths != in.paths)
    g_ptr_array_unref (paths); /* this shard's */
  inputs_clear (&in);
  ws_report_set_free (report_set);
  if (protected)
    g_hash_table_unref (protected);
  g_ptr_array_unref (sidecars);
  g_free (report_entries);
  g_free (command_line);
  ws_report_options_clear (&ro);
  ws_policy_free (policy);
  g_strfreev (territory_args);
  g_strfreev (territories);
  g_free (metadata);
  g_free (preset);
  g_free (mono);
  g_free (support_path);
  ws_support_directory_free (support);
  g_free (policy_id);
  g_free (service_class);
  g_free (from);
  g_free (to);
  g_free (slot);
  g_free (junit);
  g_free (html);
  g_free (pse_certificate);
  g_free (shard);
  g_free (resume);
  g_free (index_of);
  g_strfreev (result_opts);
  g_free (fingerprint);
  g_free (files_digest);
  g_option_context_free (ctx);
  return code;
}
