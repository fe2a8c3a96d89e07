/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed check: batch QA of media files (ratings, loudness, flashing,
 * allowed slots), with text, JSON, JUnit XML and HTML reports. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include <libavutil/log.h>

#include "ws-check.h"
#include "ws-cli.h"
#include "ws-error.h"
#include "ws-territory.h"

/* Extensions that are never media when a folder is walked (sidecars,
 * reports, documents, checksums, subtitles, images). Files named on the
 * command line are always checked. */
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

/* Adds the media files under @dir, sorted by name, recursively. */
static void
collect_dir (const char *dir, GPtrArray *out, GPtrArray *errors)
{
  GError *error = NULL;
  GDir *d = g_dir_open (dir, 0, &error);
  GPtrArray *names;
  const char *name;

  if (d == NULL) {
    g_ptr_array_add (errors, g_strdup_printf ("%s: %s", dir, error->message));
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

    if (g_file_test (path, G_FILE_TEST_IS_DIR))
      collect_dir (path, out, errors);
    else if (!skipped_name (names->pdata[i]))
      g_ptr_array_add (out, g_steal_pointer (&path));
    g_free (path);
  }
  g_ptr_array_unref (names);
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
      g_free (name);
      name = g_path_get_basename (key);
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

/* ---- the pool ------------------------------------------------------------ */

typedef struct {
  const WsCheckOptions *opts;
  Progress *progress;
  GPtrArray *paths;
  WsCheckFile **results;
  gboolean keep_series; /* the HTML report plots them */
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

static void
check_one (gpointer data, gpointer user_data)
{
  Batch *b = user_data;
  guint i = GPOINTER_TO_UINT (data) - 1;
  const char *path = b->paths->pdata[i];
  Progress *p = b->progress;
  WsCheckFile *f;

  if (p->enabled) {
    g_mutex_lock (&p->lock);
    g_hash_table_insert (p->current, (gpointer) path, g_new0 (double, 1));
    g_mutex_unlock (&p->lock);
  }
  f = ws_check_file (path, b->opts, p->enabled ? on_progress : NULL, p);
  if (!b->keep_series)
    drop_series (f);
  b->results[i] = f;
  if (p->enabled) {
    g_mutex_lock (&p->lock);
    g_hash_table_remove (p->current, path);
    p->done++;
    progress_draw (p, TRUE);
    g_mutex_unlock (&p->lock);
  }
}

/* ---- text ---------------------------------------------------------------- */

static const WsCheckItem *
find_item (const WsCheckFile *f, const char *id)
{
  for (guint i = 0; i < f->checks->len; i++) {
    const WsCheckItem *it = &g_array_index (f->checks, WsCheckItem, i);

    if (strcmp (it->id, id) == 0)
      return it;
  }
  return NULL;
}

/* "GB bbfc:15, DE fsk:16" from the rating-present checks. */
static char *
ratings_summary (const WsCheckFile *f)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < f->checks->len; i++) {
    const WsCheckItem *it = &g_array_index (f->checks, WsCheckItem, i);

    if (strcmp (it->id, "rating-present") != 0)
      continue;
    if (s->len)
      g_string_append (s, ", ");
    if (it->status == WS_CHECK_PASS) {
      const char *colon = strchr (it->message, ':');
      const char *m = it->subject && colon ? colon + 2 : it->message;
      const char *sp = strchr (m, ' ');

      g_string_append_printf (s, "%s%s%.*s", it->subject ? it->subject : "",
          it->subject ? " " : "", sp ? (int) (sp - m) : (int) strlen (m), m);
    } else {
      g_string_append_printf (s, "%s%smissing", it->subject ? it->subject : "",
          it->subject ? " " : "");
    }
  }
  return g_string_free (s, FALSE);
}

static void
print_text (WsCheckFile **results, guint n)
{
  guint counts[5] = { 0 };
  int width = 4, rwidth = 6, lwidth = 8;
  char **rating = g_new0 (char *, n), **loud = g_new0 (char *, n);

  for (guint i = 0; i < n; i++) {
    const WsCheckFile *f = results[i];
    const WsCheckItem *li = find_item (f, "loudness");

    width = MAX (width, (int) MIN (60, g_utf8_strlen (f->path, -1)));
    if (f->status == WS_CHECK_ERROR)
      continue;
    rating[i] = ratings_summary (f);
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
    const WsCheckFile *f = results[i];
    const WsCheckItem *fi = find_item (f, "flash");

    counts[f->status]++;
    if (f->status == WS_CHECK_ERROR) {
      printf ("%-6s  %-*s  %s\n", "ERROR", width, f->path, f->error);
      continue;
    }
    printf ("%-6s  %-*s  %-*s  %-*s  %s\n",
        f->status == WS_CHECK_PASS ? "pass" : "FAIL", width, f->path, rwidth,
        rating[i], lwidth, loud[i],
        fi ? ws_check_status_to_string (fi->status) : "-");
    for (guint j = 0; j < f->checks->len; j++) {
      const WsCheckItem *it = &g_array_index (f->checks, WsCheckItem, j);

      if (it->status == WS_CHECK_FAIL || it->status == WS_CHECK_WARN)
        printf ("        %s %s: %s\n",
            it->status == WS_CHECK_FAIL ? "fail" : "warn", it->id, it->message);
    }
  }
  printf ("%u file%s: %u pass, %u fail, %u error\n", n, n == 1 ? "" : "s",
      counts[WS_CHECK_PASS], counts[WS_CHECK_FAIL], counts[WS_CHECK_ERROR]);
  for (guint i = 0; i < n; i++) {
    g_free (rating[i]);
    g_free (loud[i]);
  }
  g_free (rating);
  g_free (loud);
}

/* ---- JSON ---------------------------------------------------------------- */

static void
add_double_or_null (JsonBuilder *b, const char *key, double v)
{
  json_builder_set_member_name (b, key);
  if (isfinite (v))
    json_builder_add_double_value (b, round (v * 1000.0) / 1000.0);
  else
    json_builder_add_null_value (b);
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

static void
json_file (JsonBuilder *b, const WsCheckFile *f, const WsCheckOptions *opts)
{
  gboolean ok = f->status != WS_CHECK_ERROR;

  json_builder_begin_object (b);
  ws_json_add_string_or_null (b, "path", f->path);
  ws_json_add_string_or_null (b, "status",
      ws_check_status_to_string (f->status));
  ws_json_add_string_or_null (b, "error", f->error);
  ws_json_add_string_or_null (b, "format", f->format_name);
  add_double_or_null (b, "duration_s", f->duration_s);

  json_builder_set_member_name (b, "rating");
  if (!ok) {
    json_builder_add_null_value (b);
  } else {
    json_builder_begin_object (b);
    ws_json_add_string_or_null (b, "sidecar", f->sidecar_path);
    ws_json_add_string_or_null (b, "sidecar_format", f->sidecar_format);
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
    const WsCheckItem *li = find_item (f, "loudness");

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
    const WsCheckItem *fi = find_item (f, "flash");

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
    json_builder_add_string_value (b, f->warnings->pdata[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
write_json (WsCheckFile **results, guint n, const WsCheckOptions *opts,
    const guint *counts)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    json_file (b, results[i], opts);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "summary");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "files");
  json_builder_add_int_value (b, n);
  json_builder_set_member_name (b, "pass");
  json_builder_add_int_value (b, counts[WS_CHECK_PASS]);
  json_builder_set_member_name (b, "fail");
  json_builder_add_int_value (b, counts[WS_CHECK_FAIL]);
  json_builder_set_member_name (b, "error");
  json_builder_add_int_value (b, counts[WS_CHECK_ERROR]);
  json_builder_end_object (b);
  json_builder_end_object (b);
  ws_cli_print_json_builder (b);
}

/* ---- JUnit XML ----------------------------------------------------------- */

static gboolean
write_junit (const char *path, WsCheckFile **results, guint n, GError **error)
{
  WsJunit *junit = ws_junit_new ();
  gboolean ok;

  for (guint i = 0; i < n; i++) {
    const WsCheckFile *f = results[i];

    if (f->status == WS_CHECK_ERROR) {
      ws_junit_add_case (junit, f->path, "read", WS_JUNIT_ERROR, "unreadable",
          f->error, NULL);
      continue;
    }
    for (guint j = 0; j < f->checks->len; j++) {
      const WsCheckItem *it = &g_array_index (f->checks, WsCheckItem, j);
      char *name = it->subject ?
                       g_strdup_printf ("%s %s", it->id, it->subject) :
                       g_strdup (it->id);
      char *out;

      switch (it->status) {
        case WS_CHECK_FAIL:
          ws_junit_add_case (junit, f->path, name, WS_JUNIT_FAILURE, it->id,
              it->message, NULL);
          break;
        case WS_CHECK_NOT_APPLICABLE:
          ws_junit_add_case (junit, f->path, name, WS_JUNIT_SKIPPED, NULL,
              it->message, NULL);
          break;
        default:
          out = g_strdup_printf ("%s: %s",
              ws_check_status_to_string (it->status),
              it->message ? it->message : "");
          ws_junit_add_case (junit, f->path, name, WS_JUNIT_PASS, NULL, NULL,
              out);
          g_free (out);
          break;
      }
      g_free (name);
    }
  }
  ok = ws_junit_write (junit, path, "watershed check", "watershed check",
      error);
  ws_junit_free (junit);
  return ok;
}

/* ---- HTML with inline SVG ------------------------------------------------ */

#define PLOT_W 760.0
#define PLOT_H 200.0
#define PLOT_L 52.0
#define PLOT_R 12.0
#define PLOT_T 12.0
#define PLOT_B 28.0

typedef struct {
  double x0, x1, y0, y1; /* data range */
} Axes;

static double
px (const Axes *a, double x)
{
  return PLOT_L + (x - a->x0) / (a->x1 - a->x0) * (PLOT_W - PLOT_L - PLOT_R);
}

static double
py (const Axes *a, double y)
{
  double v = MIN (a->y1, MAX (a->y0, y));

  return PLOT_T + (a->y1 - v) / (a->y1 - a->y0) * (PLOT_H - PLOT_T - PLOT_B);
}

static void
svg_time_axis (GString *s, const Axes *a)
{
  static const double steps[] = { 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600,
    900, 1800, 3600, 7200 };
  double step = steps[G_N_ELEMENTS (steps) - 1];
  double span = a->x1 - a->x0;

  for (gsize i = 0; i < G_N_ELEMENTS (steps); i++)
    if (span / steps[i] <= 10) {
      step = steps[i];
      break;
    }
  for (double t = 0; t <= a->x1 + 1e-9; t += step) {
    int whole = (int) t;

    g_string_append_printf (s,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
        "stroke=\"#ddd\"/>"
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d:%02d%s</text>\n",
        px (a, t), PLOT_T, px (a, t), PLOT_H - PLOT_B, px (a, t),
        PLOT_H - PLOT_B + 16, whole / 60, whole % 60,
        t - whole > 0.01 ? ".5" : "");
  }
}

static void
svg_begin (GString *s, const char *label)
{
  g_string_append_printf (s,
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
      "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
      "aria-label=\"",
      PLOT_W, PLOT_H, PLOT_W, PLOT_H);
  ws_cli_append_escaped (s, label);
  g_string_append_printf (s,
      "\" font-family=\"sans-serif\" font-size=\"11\">\n"
      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
      "fill=\"#fff\" stroke=\"#999\"/>\n",
      PLOT_L, PLOT_T, PLOT_W - PLOT_L - PLOT_R, PLOT_H - PLOT_T - PLOT_B);
}

/* A polyline through (t, v) broken at NAN. */
static void
svg_path (GString *s, const Axes *a, const WsCheckLoudnessPoint *pts, guint n,
    int which, const char *color, double width)
{
  gboolean pen = FALSE;

  g_string_append (s, "<path fill=\"none\" stroke-linejoin=\"round\" d=\"");
  for (guint i = 0; i < n; i++) {
    double v = which == 0 ? pts[i].momentary_lufs : pts[i].shortterm_lufs;

    if (isnan (v)) {
      pen = FALSE;
      continue;
    }
    if (isinf (v))
      v = v < 0 ? a->y0 : a->y1;
    g_string_append_printf (s, "%s%.1f %.1f ", pen ? "L" : "M",
        px (a, pts[i].t_s), py (a, v));
    pen = TRUE;
  }
  g_string_append_printf (s, "\" stroke=\"%s\" stroke-width=\"%.1f\"/>\n",
      color, width);
}

static double
file_span (const WsCheckFile *f)
{
  double end = f->duration_s > 0 ? f->duration_s : 0.0;
  GArray *l = f->loudness_series, *r = f->risk_series;

  if (l->len)
    end = MAX (end, g_array_index (l, WsCheckLoudnessPoint, l->len - 1).t_s);
  if (r->len)
    end = MAX (end, g_array_index (r, WsCheckRiskPoint, r->len - 1).t_s);
  return end > 0 ? end : 1.0;
}

static void
svg_loudness (GString *s, const WsCheckFile *f)
{
  Axes a = { 0, file_span (f), -60, 0 };
  double lo = f->limits.target_lufs - f->limits.tolerance_lu;
  double hi = f->limits.target_lufs + f->limits.tolerance_lu;

  svg_begin (s, "Loudness over time");
  for (int y = -60; y <= 0; y += 10)
    g_string_append_printf (s,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
        "stroke=\"#eee\"/><text x=\"%.1f\" y=\"%.1f\" "
        "text-anchor=\"end\">%d</text>\n",
        PLOT_L, py (&a, y), PLOT_W - PLOT_R, py (&a, y), PLOT_L - 4,
        py (&a, y) + 4, y);
  svg_time_axis (s, &a);
  g_string_append_printf (s,
      "<rect class=\"band\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
      "height=\"%.1f\" fill=\"#2a2\" fill-opacity=\"0.12\"/>\n"
      "<line class=\"target\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
      "stroke=\"#2a2\" stroke-dasharray=\"6 4\"/>\n",
      PLOT_L, py (&a, hi), PLOT_W - PLOT_L - PLOT_R, py (&a, lo) - py (&a, hi),
      PLOT_L, py (&a, f->limits.target_lufs), PLOT_W - PLOT_R,
      py (&a, f->limits.target_lufs));
  svg_path (s, &a, (const WsCheckLoudnessPoint *) f->loudness_series->data,
      f->loudness_series->len, 0, "#8ab4e8", 1.0);
  svg_path (s, &a, (const WsCheckLoudnessPoint *) f->loudness_series->data,
      f->loudness_series->len, 1, "#1f4e99", 2.0);
  g_string_append_printf (s,
      "<text x=\"%.1f\" y=\"%.1f\" fill=\"#1f4e99\">short-term</text>"
      "<text x=\"%.1f\" y=\"%.1f\" fill=\"#8ab4e8\">momentary</text>"
      "<text x=\"%.1f\" y=\"%.1f\" fill=\"#2a2\">target %.0f LUFS</text>"
      "<text x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\" "
      "text-anchor=\"middle\">LUFS</text>\n</svg>\n",
      PLOT_W - 260, PLOT_T + 14, PLOT_W - 180, PLOT_T + 14, PLOT_W - 110,
      PLOT_T + 14, f->limits.target_lufs, PLOT_H / 2, PLOT_H / 2);
}

static void
svg_flash (GString *s, const WsCheckFile *f)
{
  const GArray *r = f->risk_series;
  double top = 1.5;
  Axes a;

  for (guint i = 0; i < r->len; i++) {
    const WsCheckRiskPoint *p = &g_array_index (r, WsCheckRiskPoint, i);

    top = MAX (top, MAX (p->luminance, p->red) * 1.1);
  }
  top = MIN (top, 10.0);
  a = (Axes){ 0, file_span (f), 0, top };
  svg_begin (s, "Flash risk over time");
  for (guint i = 0; i < f->flash_incidents->len; i++) {
    const WsFlashIncident *inc = &g_array_index (f->flash_incidents,
        WsFlashIncident, i);
    double x0 = px (&a, (double) inc->start_ns / 1e9);
    double x1 = px (&a, (double) inc->end_ns / 1e9);

    g_string_append_printf (s,
        "<rect class=\"incident\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
        "height=\"%.1f\" fill=\"%s\" fill-opacity=\"0.25\"><title>%s %s "
        "%.2f-%.2f s</title></rect>\n",
        x0, PLOT_T, MAX (2.0, x1 - x0), PLOT_H - PLOT_T - PLOT_B,
        inc->verdict == WS_FLASH_VERDICT_FAIL ? "#d22" : "#e90",
        ws_flash_verdict_to_string (inc->verdict),
        ws_flash_kind_to_string (inc->kind), (double) inc->start_ns / 1e9,
        (double) inc->end_ns / 1e9);
  }
  for (double y = 0; y <= top + 1e-9; y += top > 4 ? 1.0 : 0.5)
    g_string_append_printf (s,
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>\n",
        PLOT_L - 4, py (&a, y) + 4, y);
  svg_time_axis (s, &a);
  g_string_append_printf (s,
      "<line class=\"limit\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
      "y2=\"%.1f\" stroke=\"#d22\" stroke-dasharray=\"6 4\"/>\n",
      PLOT_L, py (&a, 1.0), PLOT_W - PLOT_R, py (&a, 1.0));
  for (int kind = 0; kind < 2; kind++) {
    gboolean pen = FALSE;

    g_string_append (s, "<path fill=\"none\" d=\"");
    for (guint i = 0; i < r->len; i++) {
      const WsCheckRiskPoint *p = &g_array_index (r, WsCheckRiskPoint, i);

      g_string_append_printf (s, "%s%.1f %.1f ", pen ? "L" : "M",
          px (&a, p->t_s), py (&a, kind ? p->red : p->luminance));
      pen = TRUE;
    }
    g_string_append_printf (s, "\" stroke=\"%s\" stroke-width=\"1.5\"/>\n",
        kind ? "#c33" : "#333");
  }
  g_string_append_printf (s,
      "<text x=\"%.1f\" y=\"%.1f\" fill=\"#333\">luminance risk</text>"
      "<text x=\"%.1f\" y=\"%.1f\" fill=\"#c33\">red risk</text>"
      "<text x=\"%.1f\" y=\"%.1f\" fill=\"#d22\">limit 1.0</text>"
      "<text x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\" "
      "text-anchor=\"middle\">risk</text>\n</svg>\n",
      PLOT_W - 290, PLOT_T + 14, PLOT_W - 190, PLOT_T + 14, PLOT_W - 120,
      PLOT_T + 14, PLOT_H / 2, PLOT_H / 2);
}

static const char html_style[] =
    "body{font-family:sans-serif;margin:2em;color:#222;max-width:60em}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;"
    "vertical-align:top}"
    ".pass{color:#070}.fail{color:#b00;font-weight:bold}"
    ".error{color:#fff;background:#b00;padding:0 .3em}.warn{color:#a60}"
    ".not-applicable{color:#777}section{border-top:2px solid #ccc;"
    "margin-top:1.5em}h2{font-size:1.1em;word-break:break-all}"
    "svg{display:block;max-width:100%;height:auto}";

static gboolean
write_html (const char *path, WsCheckFile **results, guint n,
    const guint *counts, GError **error)
{
  GString *s = g_string_new (NULL);
  GDateTime *dt = g_date_time_new_now_utc ();
  char *now = g_date_time_format_iso8601 (dt);
  gboolean ok;

  g_date_time_unref (dt);

  g_string_append_printf (s,
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
      "charset=\"utf-8\">\n<title>watershed check</title>\n"
      "<style>%s</style>\n</head>\n<body>\n<h1>watershed check</h1>\n"
      "<p>%u file%s: <span class=\"pass\">%u pass</span>, <span "
      "class=\"fail\">%u fail</span>, %u error. Generated %s.</p>\n"
      "<table>\n<tr><th>File</th><th>Status</th></tr>\n",
      html_style, n, n == 1 ? "" : "s", counts[WS_CHECK_PASS],
      counts[WS_CHECK_FAIL], counts[WS_CHECK_ERROR], now);
  for (guint i = 0; i < n; i++) {
    const char *st = ws_check_status_to_string (results[i]->status);

    g_string_append_printf (s, "<tr><td><a href=\"#f%u\">", i);
    ws_cli_append_escaped (s, results[i]->path);
    g_string_append_printf (s, "</a></td><td class=\"%s\">%s</td></tr>\n", st,
        st);
  }
  g_string_append (s, "</table>\n");
  for (guint i = 0; i < n; i++) {
    const WsCheckFile *f = results[i];
    const char *st = ws_check_status_to_string (f->status);

    g_string_append_printf (s, "<section id=\"f%u\">\n<h2>", i);
    ws_cli_append_escaped (s, f->path);
    g_string_append_printf (s, " <span class=\"%s\">%s</span></h2>\n", st, st);
    if (f->status == WS_CHECK_ERROR) {
      g_string_append (s, "<p class=\"fail\">");
      ws_cli_append_escaped (s, f->error);
      g_string_append (s, "</p>\n</section>\n");
      continue;
    }
    g_string_append (s, "<table>\n<tr><th>Check</th><th>For</th>"
                        "<th>Result</th><th>Details</th></tr>\n");
    for (guint j = 0; j < f->checks->len; j++) {
      const WsCheckItem *it = &g_array_index (f->checks, WsCheckItem, j);
      const char *cs = ws_check_status_to_string (it->status);

      g_string_append (s, "<tr><td>");
      ws_cli_append_escaped (s, it->id);
      g_string_append (s, "</td><td>");
      ws_cli_append_escaped (s, it->subject);
      g_string_append_printf (s, "</td><td class=\"%s\">%s</td><td>", cs, cs);
      ws_cli_append_escaped (s, it->message);
      g_string_append (s, "</td></tr>\n");
    }
    g_string_append (s, "</table>\n");
    for (guint j = 0; j < f->warnings->len; j++) {
      g_string_append (s, "<p class=\"warn\">warning: ");
      ws_cli_append_escaped (s, f->warnings->pdata[j]);
      g_string_append (s, "</p>\n");
    }
    if (f->loudness_measured) {
      g_string_append (s, "<h3>Loudness</h3>\n");
      svg_loudness (s, f);
    }
    if (f->has_video && f->video_frames > 0) {
      g_string_append (s, "<h3>Flash risk</h3>\n");
      svg_flash (s, f);
    }
    g_string_append (s, "</section>\n");
  }
  g_string_append (s, "</body>\n</html>\n");
  ok = g_file_set_contents (path, s->str, (gssize) s->len, error);
  g_string_free (s, TRUE);
  g_free (now);
  return ok;
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

static const char summary[] =
    "Checks media files before they go out: the age rating is present for\n"
    "each territory and the same in the file and in its sidecar metadata,\n"
    "guidance texts fit DVB-I's 160 characters, the loudness meets the\n"
    "preset, there is no photosensitive-epilepsy flashing, and (with\n"
    "--policy) when the rating may be shown.\n"
    "\n"
    "PATH is a file or a folder (walked recursively; hidden files and\n"
    "sidecar/document extensions such as .xml .json .txt .html .srt .jpg are\n"
    "skipped there; a file named on the command line is always checked).\n"
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
    "Damaged media (undecodable packets, missing frames, timestamp gaps, a\n"
    "stream ending early) fails the integrity check; --allow-decode-errors\n"
    "relaxes it. A file whose container duration disagrees with the decoded\n"
    "media, or that changes while checked, is an error (still being\n"
    "written?).\n"
    "\n"
    "Exit status: 0 every file passed; 1 a check failed; 2 a file could not\n"
    "be read (empty, truncated, not media) or a usage error. Every file is\n"
    "checked and reported either way.";

int
ws_cmd_check (int argc, char **argv)
{
  gboolean json = FALSE, require_audio = FALSE, require_video = FALSE;
  gboolean no_progress = FALSE;
  char **territory_args = NULL, **territories = NULL;
  char *metadata = NULL, *preset = NULL, *policy_id = NULL;
  char *service_class = NULL, *from = NULL, *to = NULL, *slot = NULL;
  char *junit = NULL, *html = NULL;
  int jobs = JOBS_UNSET, flash_step = 0, code = WS_EXIT_USAGE;
  int allow_decode_errors = 0;
  double target = NAN, tolerance = NAN, max_true_peak = NAN;
  char *mono = NULL;
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
        "Flash analysis reads every Nth pixel of every Nth row, 1-16 "
        "(default: width / 480, at least 2)",
        "N" },
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
        "Also write a JUnit XML report (a testcase per file and check)",
        "FILE" },
    { "html", 0, 0, G_OPTION_ARG_FILENAME, &html,
        "Also write an HTML report with loudness and flash-risk plots",
        "FILE" },
    { "no-progress", 0, 0, G_OPTION_ARG_NONE, &no_progress,
        "No progress bar (it is shown only when stderr is a terminal)", NULL },
    { NULL }
  };
  GOptionContext *ctx = g_option_context_new ("PATH...");
  const WsRatingRegistry *reg;
  WsPolicy *policy = NULL;
  WsCheckOptions opts;
  GPtrArray *paths = NULL, *errors = NULL;
  WsCheckFile **results = NULL;
  Progress progress = { 0 };
  GError *error = NULL;
  guint counts[5] = { 0 };
  gboolean territories_ok = TRUE;
  guint n = 0;

  g_option_context_set_summary (ctx, summary);
  g_option_context_add_main_entries (ctx, entries, NULL);
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

  paths = g_ptr_array_new_with_free_func (g_free);
  errors = g_ptr_array_new_with_free_func (g_free);
  for (int i = 1; i < argc; i++) {
    if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
      collect_dir (argv[i], paths, errors);
    else
      g_ptr_array_add (paths, g_strdup (argv[i])); /* missing: an error row */
  }
  for (guint i = 0; i < errors->len; i++)
    ws_cli_error ("check: %s", (char *) errors->pdata[i]);
  n = paths->len;
  if (n == 0) {
    ws_cli_error ("check: no media file found in the given folders");
    goto end;
  }

  {
    guint n_jobs = jobs_allowed (jobs);
    guint cores = g_get_num_processors ();
    guint parallel = MIN (n_jobs, n);
    Batch batch = { &opts, &progress, paths, NULL, html != NULL };
    GThreadPool *pool;

    /* One file: its decoders take every core. Several at once: the cores
     * are shared between them (frame threads in each would only compete). */
    opts.decoder_threads = parallel <= 1 ? 0 : (int) MAX (1, cores / parallel);
    results = g_new0 (WsCheckFile *, n);
    batch.results = results;
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
  }

  for (guint i = 0; i < n; i++)
    counts[results[i]->status]++;
  if (json)
    write_json (results, n, &opts, counts);
  else
    print_text (results, n);
  fflush (stdout);
  for (guint i = 0; i < n; i++)
    if (results[i]->status == WS_CHECK_ERROR)
      ws_cli_error ("%s", results[i]->error);

  code = counts[WS_CHECK_ERROR] > 0 || errors->len > 0 ? WS_EXIT_USAGE :
         counts[WS_CHECK_FAIL] > 0                     ? WS_EXIT_FAIL :
                                                         WS_EXIT_PASS;
  if (junit != NULL && !write_junit (junit, results, n, &error)) {
    ws_cli_error ("%s: cannot write the JUnit report: %s", junit,
        error->message);
    g_clear_error (&error);
    code = WS_EXIT_USAGE;
  }
  if (html != NULL && !write_html (html, results, n, counts, &error)) {
    ws_cli_error ("%s: cannot write the HTML report: %s", html, error->message);
    g_clear_error (&error);
    code = WS_EXIT_USAGE;
  }

end:
  g_clear_error (&error);
  for (guint i = 0; results && i < n; i++)
    ws_check_file_free (results[i]);
  g_free (results);
  if (paths)
    g_ptr_array_unref (paths);
  if (errors)
    g_ptr_array_unref (errors);
  ws_policy_free (policy);
  g_strfreev (territory_args);
  g_strfreev (territories);
  g_free (metadata);
  g_free (preset);
  g_free (mono);
  g_free (policy_id);
  g_free (service_class);
  g_free (from);
  g_free (to);
  g_free (slot);
  g_free (junit);
  g_free (html);
  g_option_context_free (ctx);
  return code;
}
