/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the per-file analysis behind `watershed check`.
 *
 * Shape of FFmpeg's doc/examples/demux_decode.c: one demux loop, send/receive
 * decoding where EAGAIN and EOF are not errors, every owned pointer starts
 * NULL and is freed at one end. */
#include "ws-check.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/pixdesc.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

#include "ws-av.h"
#include "ws-embedded.h"
#include "ws-rating.h"
#include "ws-territory.h"

#define LOUDNESS_TICK_S 0.1

const char *
ws_check_status_to_string (WsCheckStatus status)
{
  switch (status) {
    case WS_CHECK_PASS:
      return "pass";
    case WS_CHECK_WARN:
      return "warn";
    case WS_CHECK_FAIL:
      return "fail";
    case WS_CHECK_NOT_APPLICABLE:
      return "not-applicable";
    case WS_CHECK_ERROR:
      return "error";
  }
  return "unknown";
}

void
ws_check_options_init (WsCheckOptions *opts, const WsRatingRegistry *reg)
{
  gint64 now;

  g_return_if_fail (opts != NULL);
  memset (opts, 0, sizeof (*opts));
  opts->reg = reg;
  opts->preset = WS_LOUDNESS_PRESET_EBU_R128;
  ws_loudness_preset_limits (opts->preset, &opts->limits);
  opts->mono = WS_LOUDNESS_MONO_DUAL;
  now = g_get_real_time ();
  opts->from_us = now;
  opts->to_us = now + 7 * G_TIME_SPAN_DAY;
  opts->slot_us = WS_TIME_NONE;
  opts->hlg_peak_cd_m2 = 1000.0;
  opts->programme = -1;
}

/* ---- results ------------------------------------------------------------ */

static void
check_item_clear (gpointer p)
{
  WsCheckItem *item = p;

  g_free (item->id);
  g_free (item->subject);
  g_free (item->message);
}

static void
check_rating_free (gpointer p)
{
  WsCheckRating *r = p;

  g_free (r->source);
  g_free (r->origin);
  ws_rating_free (r->rating);
  g_free (r);
}

static void
check_policy_free (WsCheckPolicy *p)
{
  if (p == NULL)
    return;
  g_free (p->policy_id);
  g_free (p->rating);
  if (p->windows)
    g_array_unref (p->windows);
  g_free (p->slot_description);
  g_free (p);
}

void
ws_check_file_free (WsCheckFile *file)
{
  if (file == NULL)
    return;
  g_free (file->path);
  g_free (file->error);
  g_free (file->format_name);
  g_free (file->sidecar_path);
  g_free (file->sidecar_format);
  g_free (file->title);
  g_ptr_array_unref (file->ratings);
  g_ptr_array_unref (file->warnings);
  g_array_unref (file->checks);
  g_free (file->audio_codec);
  g_free (file->loudness_message);
  g_array_unref (file->loudness_series);
  g_free (file->video_codec);
  g_free (file->flash_message);
  g_array_unref (file->flash_incidents);
  g_array_unref (file->risk_series);
  check_policy_free (file->policy);
  g_array_unref (file->audio_tracks);
  g_array_unref (file->integrity_ranges);
  g_free (file->integrity_message);
  g_free (file);
}

static void audio_track_clear (gpointer p);

static WsCheckFile *
check_file_new (const char *path)
{
  WsCheckFile *f = g_new0 (WsCheckFile, 1);

  f->path = g_strdup (path);
  f->duration_s = -1;
  f->programme = -1;
  f->ratings = g_ptr_array_new_with_free_func (check_rating_free);
  f->warnings = g_ptr_array_new_with_free_func (g_free);
  f->checks = g_array_new (FALSE, TRUE, sizeof (WsCheckItem));
  g_array_set_clear_func (f->checks, check_item_clear);
  f->integrated_lufs = NAN;
  f->lra_lu = NAN;
  f->true_peak_dbtp = NAN;
  f->max_momentary_lufs = NAN;
  f->max_shortterm_lufs = NAN;
  f->loudness_status = WS_CHECK_NOT_APPLICABLE;
  f->loudness_series = g_array_new (FALSE, FALSE,
      sizeof (WsCheckLoudnessPoint));
  f->flash_status = WS_CHECK_NOT_APPLICABLE;
  f->flash_incidents = g_array_new (FALSE, FALSE, sizeof (WsFlashIncident));
  f->risk_series = g_array_new (FALSE, FALSE, sizeof (WsCheckRiskPoint));
  f->audio_tracks = g_array_new (FALSE, TRUE, sizeof (WsCheckAudioTrack));
  g_array_set_clear_func (f->audio_tracks, audio_track_clear);
  f->worst_track = -1;
  f->integrity_ranges = g_array_new (FALSE, FALSE, sizeof (WsCheckRange));
  f->integrity_status = WS_CHECK_NOT_APPLICABLE;
  return f;
}

WsCheckFile *
ws_check_file_new (const char *path)
{
  return check_file_new (path);
}

static void add_item (WsCheckFile *f, const char *id, const char *subject,
    WsCheckStatus status, const char *format, ...) G_GNUC_PRINTF (5, 6);

static void
add_item (WsCheckFile *f, const char *id, const char *subject,
    WsCheckStatus status, const char *format, ...)
{
  WsCheckItem item = { 0 };
  va_list args;

  item.id = g_strdup (id);
  item.subject = g_strdup (subject);
  item.status = status;
  va_start (args, format);
  item.message = g_strdup_vprintf (format, args);
  va_end (args);
  g_array_append_val (f->checks, item);
}

static void
add_rating (WsCheckFile *f, const char *source, const char *origin,
    WsRating *rating)
{
  WsCheckRating *r = g_new0 (WsCheckRating, 1);

  r->source = g_strdup (source);
  r->origin = g_strdup (origin);
  r->rating = rating;
  g_ptr_array_add (f->ratings, r);
}

/* ---- a series decimated into a fixed number of points ------------------- */

/* Points of width `span_s`; when the array is full, neighbours merge (the
 * maximum of each value) and the span doubles: constant memory, every peak
 * kept. */
typedef struct {
  GArray *points; /* WsCheckLoudnessPoint-shaped: t, a, b */
  double span_s;
  double bucket_start_s;
  double a, b;
  gboolean open;
} Series;

static double
max_nan (double x, double y)
{
  if (isnan (x))
    return y;
  if (isnan (y))
    return x;
  return x > y ? x : y;
}

static void
series_init (Series *s, double span_s)
{
  memset (s, 0, sizeof (*s));
  s->points = g_array_new (FALSE, FALSE, sizeof (WsCheckLoudnessPoint));
  s->span_s = span_s;
}

static void
series_emit (Series *s)
{
  WsCheckLoudnessPoint p = { s->bucket_start_s, s->a, s->b };

  if (!s->open)
    return;
  s->open = FALSE;
  if (s->points->len >= WS_CHECK_SERIES_MAX_POINTS) {
    guint n = s->points->len / 2;
    WsCheckLoudnessPoint *v = (WsCheckLoudnessPoint *) s->points->data;

    for (guint i = 0; i < n; i++) {
      v[i].t_s = v[2 * i].t_s;
      v[i].momentary_lufs = max_nan (v[2 * i].momentary_lufs,
          v[2 * i + 1].momentary_lufs);
      v[i].shortterm_lufs = max_nan (v[2 * i].shortterm_lufs,
          v[2 * i + 1].shortterm_lufs);
    }
    g_array_set_size (s->points, n);
    s->span_s *= 2;
  }
  g_array_append_val (s->points, p);
}

static void
series_add (Series *s, double t_s, double a, double b)
{
  if (s->open && t_s >= s->bucket_start_s + s->span_s)
    series_emit (s);
  if (!s->open) {
    s->open = TRUE;
    s->bucket_start_s = t_s;
    s->a = a;
    s->b = b;
    return;
  }
  s->a = max_nan (s->a, a);
  s->b = max_nan (s->b, b);
}

/* ---- embedded ratings: the one reader of ratings/ws-embedded.h ---------- */

static gboolean
in_programme (const AVProgram *prog, unsigned int stream)
{
  for (unsigned int j = 0; prog != NULL && j < prog->nb_stream_indexes; j++)
    if (prog->stream_index[j] == stream)
      return TRUE;
  return FALSE;
}

/* The programme checked (#WsCheckOptions programme): the one asked for,
 * else the one holding the best video stream (else audio); NULL when the
 * file has no programmes. Only its streams are analysed and its EIT gives
 * the rating. NULL with f->error set when the one asked for is missing. */
static const AVProgram *
choose_programme (WsCheckFile *f, AVFormatContext *fmt,
    const WsCheckOptions *opts)
{
  GString *ids;
  int s;

  if (opts->programme >= 0) {
    for (unsigned int i = 0; i < fmt->nb_programs; i++)
      if (fmt->programs[i]->id == opts->programme)
        return fmt->programs[i];
    ids = g_string_new (NULL);
    for (unsigned int i = 0; i < fmt->nb_programs; i++)
      g_string_append_printf (ids, "%s%d", i ? ", " : "", fmt->programs[i]->id);
    f->error = g_strdup_printf ("%s: no programme %d (%s); give one of "
                                "them to --programme",
        f->path, opts->programme,
        ids->len ? ids->str : "the file has no programmes");
    g_string_free (ids, TRUE);
    return NULL;
  }
  s = av_find_best_stream (fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
  if (s < 0)
    s = av_find_best_stream (fmt, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
  for (unsigned int i = 0; s >= 0 && i < fmt->nb_programs; i++)
    if (in_programme (fmt->programs[i], (unsigned int) s))
      return fmt->programs[i];
  return NULL;
}

static void
read_embedded (WsCheckFile *f, AVFormatContext *fmt, const WsCheckOptions *opts,
    const AVProgram *prog)
{
  WsEmbeddedOptions eo;
  WsEmbeddedResult *res;
  GError *error = NULL;

  ws_embedded_options_init (&eo);
  eo.territories = opts->territories;
  eo.ts_scan_bytes = opts->eit_scan_bytes;
  if (fmt->iformat && strcmp (fmt->iformat->name, "mpegts") == 0)
    eo.service_id = prog != NULL ? prog->id : -1;
  res = ws_embedded_read_file (opts->reg, f->path, &eo, &error);
  if (res == NULL) {
    g_ptr_array_add (f->warnings,
        g_strdup_printf ("embedded ratings not read: %s", error->message));
    g_error_free (error);
    return;
  }
  for (guint i = 0; i < res->ratings->len; i++) {
    const WsRating *r = res->ratings->pdata[i];

    add_rating (f, "embedded",
        res->container == WS_EMBEDDED_CONTAINER_MPEGTS ?
            "EIT parental_rating_descriptor" :
            r->element,
        ws_rating_copy (r));
  }
  for (guint i = 0; i < res->warnings->len; i++)
    g_ptr_array_add (f->warnings, g_strdup (res->warnings->pdata[i]));
  ws_embedded_result_free (res);
}

/* ---- sidecar ------------------------------------------------------------- */

static char *
find_sidecar (const char *path, const char *metadata)
{
  char *base = g_path_get_basename (path);
  char *stem = g_strdup (base);
  char *dot = strrchr (stem, '.');
  char *dir = NULL, *candidate = NULL;
  const char *names[2];

  if (dot != NULL && dot != stem)
    *dot = '\0';
  names[0] = stem;
  names[1] = base;
  if (metadata != NULL && !g_file_test (metadata, G_FILE_TEST_IS_DIR)) {
    candidate = g_strdup (metadata);
    goto end;
  }
  dir = metadata ? g_strdup (metadata) : g_path_get_dirname (path);
  for (int i = 0; i < 2; i++) {
    char *file = g_strconcat (names[i], ".xml", NULL);

    candidate = g_build_filename (dir, file, NULL);
    g_free (file);
    /* anything by that name counts, regular or not (a directory, a FIFO,
     * /dev/zero): the reader refuses what it cannot read, and the file is
     * an error, as docs/check.md says - never skipped */
    if (g_file_test (candidate, G_FILE_TEST_EXISTS) ||
        g_file_test (candidate, G_FILE_TEST_IS_SYMLINK))
      goto end;
    g_clear_pointer (&candidate, g_free);
  }

end:
  g_free (dir);
  g_free (base);
  g_free (stem);
  return candidate;
}

char *
ws_check_find_sidecar (const char *path, const char *metadata)
{
  return find_sidecar (path, metadata);
}

static void
read_sidecar (WsCheckFile *f, const WsCheckOptions *opts)
{
  char *path = find_sidecar (f->path, opts->metadata);
  GError *error = NULL;
  WsMetadata *md;

  if (path == NULL)
    return;
  md = ws_metadata_read_file (path, opts->reg, &error);
  if (md == NULL) {
    f->error = g_strdup_printf ("%s: sidecar metadata %s: %s", f->path, path,
        error->message);
    g_error_free (error);
    g_free (path);
    return;
  }
  f->sidecar_path = path;
  f->sidecar_format = g_strdup (ws_metadata_format_to_string (md->format));
  f->title = g_strdup (md->title);
  for (guint i = 0; i < md->ratings->len; i++)
    add_rating (f, "sidecar", path, ws_rating_copy (md->ratings->pdata[i]));
  for (guint i = 0; i < md->warnings->len; i++) {
    const WsMetadataWarning *w = md->warnings->pdata[i];

    g_ptr_array_add (f->warnings,
        w->line > 0 ? g_strdup_printf ("%s:%d: %s", path, w->line, w->message) :
                      g_strdup_printf ("%s: %s", path, w->message));
  }
  ws_metadata_free (md);
}

/* ---- decoding ------------------------------------------------------------ */

/* Integrity: a gap between packets of one stream longer than this is a
 * timestamp gap; missing audio longer than this between decoded frames is
 * lost audio. */
#define TS_GAP_S 0.25
#define AUDIO_GAP_S 0.1
/* a stream ending this much before the others ends early */
#define EARLY_END_S 1.0
/* problems closer than this merge into one reported range */
#define RANGE_MERGE_S 1.0
/* problem spans kept per stream (further ones merge into the last) */
#define MAX_EVENTS 4096
/* ranges named in the integrity message */
#define RANGES_LISTED 8
/* frames queued from the decoders to the analysis thread */
#define QUEUE_MAX_ITEMS 48
#define QUEUE_MAX_VIDEO 6
/* distinct libav log messages kept per file (the rest are counted) */
#define LOG_MAX_DISTINCT 16

typedef struct Decoder Decoder;

/* One decoded stream: its decoder and integrity counters (demux thread),
 * and for audio its loudness state (analysis thread). */
typedef struct {
  Decoder *d;
  int index;
  AVStream *st;
  AVCodecContext *dec;
  gboolean audio;
  int number; /* audio track number, from 1 */
  /* integrity, demux thread */
  gint64 packets, frames, errors;
  gboolean have_dts;
  int64_t next_dts;
  double last_pkt_s;
  gboolean have_out;
  double next_out_s; /* where the next decoded frame should start */
  double out_dur_s;  /* nominal video frame duration */
  double end_s;      /* end of the last decoded frame */
  double first_pkt_s, last_pkt_end_s; /* the span the packets cover */
  gint64 shown_packets;               /* packets with a timestamp in it */
  double first_out_s;                 /* the first decoded frame */
  gint64 lost_frames;                 /* video: frames missing */
  gint64 ts_gaps, out_gaps;           /* packet and output gaps */
  gint64 backwards;                   /* timestamps going back */
  GArray *events;                     /* WsCheckRange */
  GArray *ts_gap_ranges;              /* WsCheckRange */
  /* audio analysis, analysis thread */
  WsLoudness *loudness;
  SwrContext *swr;
  int swr_in_format, swr_in_rate;
  AVChannelLayout swr_in_layout;
  AVChannelLayout layout; /* the measured layout */
  int channels, rate_hz;
  float *swr_buf;
  int swr_buf_frames;
  guint64 a_frames;
  unsigned int tick_frames, since_tick;
  double a_start_s;
  Series loud;
} Track;

typedef struct {
  char *key;   /* the message with its digits blanked */
  char *first; /* the first line as written */
  gint64 count;
} LogEntry;

/* An item on the analysis queue: a frame of @t, or (frame NULL) "flush". */
typedef struct {
  Track *t;
  AVFrame *frame;
} QueueItem;

struct Decoder {
  const WsCheckOptions *opts;
  WsCheckFile *f;
  AVFormatContext *fmt;
  GPtrArray *tracks; /* Track*: the audio tracks, then the video */
  Track *video;
  /* video analysis, analysis thread */
  WsFlash *flash;
  enum AVPixelFormat v_target; /* the pixel format the core is fed */
  WsFlashFormat v_format;
  int v_width, v_height;
  struct SwsContext *sws;
  AVFrame *v_conv;
  int64_t last_pts_ns;
  gint64 v_analysed;
  Series risk;
  /* the queue between the decoders and the analysis thread */
  GMutex lock;
  GCond cond;
  GQueue queue;
  guint queued_video;
  gboolean closing;
  GThread *analysis;
  /* errors: set by either thread under @lock */
  char *fatal;
  gint failed;
  /* libav's log lines caused by this file */
  GMutex log_lock;
  GHashTable *log_index; /* key -> LogEntry* */
  GPtrArray *log;        /* LogEntry*, first seen first */
  gint64 log_lines, log_dropped;
};

static double
to_seconds (int64_t ts, AVRational tb)
{
  return ts == AV_NOPTS_VALUE ? NAN : (double) ts * av_q2d (tb);
}

static double
file_start_s (const Decoder *d)
{
  return d->fmt->start_time != AV_NOPTS_VALUE ?
             (double) d->fmt->start_time / AV_TIME_BASE :
             0.0;
}

/* Seconds from the start of the file, NAN when unknown. */
static double
stream_seconds (const Track *t, int64_t ts)
{
  double s = to_seconds (ts, t->st->time_base);

  return isnan (s) ? s : s - file_start_s (t->d);
}

static void set_fatal (Decoder *d, const char *format, ...)
    G_GNUC_PRINTF (2, 3);

/* The first fatal error wins; the demux loop stops at the next packet. */
static void
set_fatal (Decoder *d, const char *format, ...)
{
  va_list args;
  char *msg;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_mutex_lock (&d->lock);
  if (d->fatal == NULL) {
    d->fatal = msg;
    msg = NULL;
  }
  g_atomic_int_set (&d->failed, 1);
  g_cond_broadcast (&d->cond);
  g_mutex_unlock (&d->lock);
  g_free (msg);
}

static gboolean
failed (Decoder *d)
{
  return g_atomic_int_get (&d->failed) != 0;
}

/* ---- libav's log, filed under the file that caused it -------------------- */

static GPrivate current_decoder;

static void
log_add (Decoder *d, const char *who, const char *line)
{
  GString *key = g_string_new (who);
  LogEntry *e;

  g_string_append_c (key, ':');
  for (const char *p = line; *p; p++)
    g_string_append_c (key, g_ascii_isdigit (*p) ? '#' : *p);
  g_mutex_lock (&d->log_lock);
  d->log_lines++;
  e = g_hash_table_lookup (d->log_index, key->str);
  if (e != NULL) {
    e->count++;
  } else if (d->log->len < LOG_MAX_DISTINCT) {
    e = g_new0 (LogEntry, 1);
    e->key = g_strdup (key->str);
    e->first = g_strdup_printf ("%s: %s", who, line);
    e->count = 1;
    g_hash_table_insert (d->log_index, e->key, e);
    g_ptr_array_add (d->log, e);
  } else {
    d->log_dropped++;
  }
  g_mutex_unlock (&d->log_lock);
  g_string_free (key, TRUE);
}

/* libav's log callback: @format is libav's printf format for @vl */
static void on_av_log (void *avcl, int level, const char *format, va_list vl)
    G_GNUC_PRINTF (3, 0);

static void
on_av_log (void *avcl, int level, const char *format, va_list vl)
{
  const AVClass *cls = avcl ? *(const AVClass **) avcl : NULL;
  Decoder *d = NULL;
  const char *who;
  char line[512];
  gsize n;

  if (level > AV_LOG_WARNING)
    return;
  if (cls == avcodec_get_class ())
    d = ((AVCodecContext *) avcl)->opaque;
  else if (cls == avformat_get_class ())
    d = ((AVFormatContext *) avcl)->opaque;
  if (d == NULL)
    d = g_private_get (&current_decoder);
  if (d == NULL)
    return; /* not caused by a check: dropped, never printed */
  g_vsnprintf (line, sizeof (line), format, vl);
  n = strlen (line);
  while (n > 0 && g_ascii_isspace (line[n - 1]))
    line[--n] = '\0';
  if (n == 0)
    return;
  who = cls && cls->item_name ? cls->item_name (avcl) : NULL;
  /* libavformat's parsers run a codec context without a codec: "NULL" */
  if (who == NULL || strcmp (who, "NULL") == 0)
    who = "parser";
  log_add (d, who, line);
}

static gpointer
install_log (gpointer unused)
{
  (void) unused;
  av_log_set_callback (on_av_log);
  return NULL;
}

static void
log_entry_free (gpointer p)
{
  LogEntry *e = p;

  g_free (e->key);
  g_free (e->first);
  g_free (e);
}

/* The log lines, counted, into the file's warnings. */
static void
log_to_warnings (Decoder *d)
{
  WsCheckFile *f = d->f;

  f->libav_log_lines = d->log_lines;
  for (guint i = 0; i < d->log->len; i++) {
    const LogEntry *e = d->log->pdata[i];

    if (e->count == 1)
      g_ptr_array_add (f->warnings, g_strdup_printf ("libav %s", e->first));
    else
      g_ptr_array_add (f->warnings,
          g_strdup_printf ("libav %s (%" G_GINT64_FORMAT " lines like this)",
              e->first, e->count));
  }
  if (d->log_dropped > 0)
    g_ptr_array_add (f->warnings,
        g_strdup_printf ("libav: %" G_GINT64_FORMAT " more log lines",
            d->log_dropped));
}

/* ---- integrity ----------------------------------------------------------- */

/* Adds a problem span, merged into the last one when they touch (events
 * come roughly in time order), so a long run of damage stays one entry;
 * bounded. */
static void
add_event (GArray *events, double start_s, double end_s)
{
  WsCheckRange r = { start_s, isnan (end_s) ? start_s : MAX (start_s, end_s) };
  WsCheckRange *last;

  if (isnan (start_s))
    return;
  last = events->len ? &g_array_index (events, WsCheckRange, events->len - 1) :
                       NULL;
  if (last != NULL && (events->len >= MAX_EVENTS ||
                          (r.start_s <= last->end_s + RANGE_MERGE_S &&
                              r.end_s >= last->start_s - RANGE_MERGE_S))) {
    last->start_s = MIN (last->start_s, r.start_s);
    last->end_s = MAX (last->end_s, r.end_s);
    return;
  }
  g_array_append_val (events, r);
}

/* Whether [start, end] touches one of the last spans of @ranges. */
static gboolean
overlaps (GArray *ranges, double start_s, double end_s, double slack_s)
{
  for (guint i = ranges->len; i > 0 && i + 4 > ranges->len; i--) {
    const WsCheckRange *r = &g_array_index (ranges, WsCheckRange, i - 1);

    if (start_s <= r->end_s + slack_s && end_s >= r->start_s - slack_s)
      return TRUE;
  }
  return FALSE;
}

/* Demux thread: a packet of @t is about to be decoded. */
static void
integrity_packet (Track *t, const AVPacket *pkt)
{
  int64_t dts = pkt->dts != AV_NOPTS_VALUE ? pkt->dts : pkt->pts;

  t->packets++;
  if (pkt->pts != AV_NOPTS_VALUE) {
    double s = stream_seconds (t, pkt->pts);
    double e = s + (pkt->duration > 0 ?
                           to_seconds (pkt->duration, t->st->time_base) :
                           0.0);

    t->last_pkt_s = s;
    /* the span the frames should cover; packets an edit list cuts away
     * (decoded, then discarded) are not part of it */
    if (!(pkt->flags & AV_PKT_FLAG_DISCARD)) {
      t->first_pkt_s = t->shown_packets == 0 ? s : MIN (t->first_pkt_s, s);
      t->last_pkt_end_s = t->shown_packets == 0 ? e :
                                                  MAX (t->last_pkt_end_s, e);
      t->shown_packets++;
    }
  } else if (dts != AV_NOPTS_VALUE) {
    t->last_pkt_s = stream_seconds (t, dts);
  }
  if (dts == AV_NOPTS_VALUE)
    return;
  if (t->have_dts) {
    double gap = (double) (dts - t->next_dts) * av_q2d (t->st->time_base);

    if (gap > TS_GAP_S) {
      double a = stream_seconds (t, t->next_dts), b = stream_seconds (t, dts);

      t->ts_gaps++;
      add_event (t->events, a, b);
      add_event (t->ts_gap_ranges, a, b);
    } else if (gap < -TS_GAP_S) {
      t->backwards++;
    }
  }
  t->have_dts = TRUE;
  t->next_dts = dts + MAX (pkt->duration, 0);
}

/* Demux thread: a decoder error on @t at its current packet. */
static void
integrity_error (Track *t)
{
  t->errors++;
  add_event (t->events, t->last_pkt_s, t->last_pkt_s);
}

/* The nominal duration of one frame of @t (video), in seconds. */
static double
video_frame_s (const Track *t, const AVFrame *frame)
{
  if (t->out_dur_s > 0)
    return t->out_dur_s;
  if (frame != NULL && frame->pkt_duration > 0)
    return to_seconds (frame->pkt_duration, t->st->time_base);
  return 0.04;
}

/* Missing media between @from_s and @to_s (a hole in the decoded output
 * that no timestamp gap explains): counted as frames (video) or as a hole
 * (audio, unless an undecodable packet next to it explains it). */
static void
missing_span (Track *t, double from_s, double to_s, double dur)
{
  double missing = to_s - from_s;

  if (t->audio ? missing <= AUDIO_GAP_S : missing <= dur * 0.5)
    return;
  if (overlaps (t->ts_gap_ranges, from_s, to_s, dur))
    return;
  if (t->audio) {
    if (!overlaps (t->events, from_s, to_s, 2 * AUDIO_GAP_S))
      t->out_gaps++;
  } else {
    t->lost_frames += MAX (1, (gint64) llround (missing / dur));
  }
  add_event (t->events, from_s, to_s);
}

/* Demux thread: @frame came out of @t's decoder. Frames come out in
 * presentation order, so a hole between two of them is missing media,
 * however it was lost (an undecodable packet, a frame dropped for want of
 * its reference); counting holes rather than packets also holds for
 * field-coded video, where two packets make one frame. */
static void
integrity_frame (Track *t, const AVFrame *frame)
{
  double s = stream_seconds (t, frame->best_effort_timestamp);
  double dur;

  t->frames++;
  if (isnan (s))
    return;
  if (t->audio)
    dur = frame->sample_rate > 0 ?
              (double) frame->nb_samples / frame->sample_rate :
              0.0;
  else
    dur = video_frame_s (t, frame);
  if (t->have_out)
    missing_span (t, t->next_out_s, s, dur);
  else
    t->first_out_s = s;
  if (!t->have_out || s + dur > t->next_out_s - dur * 0.5)
    t->next_out_s = s + dur;
  t->have_out = TRUE;
  t->end_s = MAX (t->end_s, s + dur);
}

/* Problems of @t once decoding is over: its holes, and what is missing
 * before its first and after its last decoded frame. */
static gint64
integrity_count (Track *t)
{
  double dur = t->audio ? 0.0 : video_frame_s (t, NULL);

  if (t->have_out && t->shown_packets > 0) {
    missing_span (t, t->first_pkt_s, t->first_out_s, dur);
    missing_span (t, t->end_s, t->last_pkt_end_s, dur);
  }
  if (!t->audio)
    return MAX (t->errors, t->lost_frames) + t->ts_gaps;
  return t->errors + t->out_gaps + t->ts_gaps;
}

static int
compare_ranges (gconstpointer a, gconstpointer b)
{
  const WsCheckRange *x = a, *y = b;

  return (x->start_s > y->start_s) - (x->start_s < y->start_s);
}

static void
merge_ranges (GArray *in, GArray *out)
{
  g_array_sort (in, compare_ranges);
  for (guint i = 0; i < in->len; i++) {
    const WsCheckRange *r = &g_array_index (in, WsCheckRange, i);
    WsCheckRange *last = out->len ?
                             &g_array_index (out, WsCheckRange, out->len - 1) :
                             NULL;

    if (last != NULL && r->start_s <= last->end_s + RANGE_MERGE_S)
      last->end_s = MAX (last->end_s, r->end_s);
    else
      g_array_append_val (out, *r);
  }
}

static void
append_ranges (GString *s, GArray *ranges)
{
  guint n = MIN (ranges->len, RANGES_LISTED);

  for (guint i = 0; i < n; i++) {
    const WsCheckRange *r = &g_array_index (ranges, WsCheckRange, i);

    g_string_append_printf (s, "%s%.2f-%.2f s", i ? ", " : "", r->start_s,
        r->end_s);
  }
  if (ranges->len > n)
    g_string_append_printf (s, " and %u more", ranges->len - n);
}

static const char *
track_kind (const Track *t)
{
  return t->audio ? "audio" : "video";
}

/* After decoding: the integrity verdict, or an error when the container
 * and the media disagree (truncated, or still being written). */
static void
finish_integrity (Decoder *d)
{
  WsCheckFile *f = d->f;
  GString *msg = g_string_new (NULL);
  GArray *all = g_array_new (FALSE, FALSE, sizeof (WsCheckRange));
  double end_s = 0.0;
  gint64 total = 0;

  for (guint i = 0; i < d->tracks->len; i++)
    end_s = MAX (end_s, ((Track *) d->tracks->pdata[i])->end_s);
  if (f->duration_s > 1.0 &&
      fabs (end_s - f->duration_s) > MAX (1.0, 0.02 * f->duration_s)) {
    f->error = g_strdup_printf ("%s: the container says %.2f s but the "
                                "media decoded to %.2f s: truncated, or still "
                                "being written?",
        f->path, f->duration_s, end_s);
    goto end;
  }
  for (guint i = 0; i < d->tracks->len; i++) {
    Track *t = d->tracks->pdata[i];
    gint64 n = integrity_count (t);
    GArray *ranges = g_array_new (FALSE, FALSE, sizeof (WsCheckRange));
    gboolean early = t->frames > 0 && t->end_s < end_s - EARLY_END_S;
    const char *sep = "";

    if (t->backwards > 0)
      g_ptr_array_add (f->warnings,
          g_strdup_printf ("%s stream #%d: timestamps jump back "
                           "%" G_GINT64_FORMAT
                           " time%s (concatenated or restarted stream)",
              track_kind (t), t->index, t->backwards,
              t->backwards == 1 ? "" : "s"));
    if (early) {
      n++;
      add_event (t->events, t->end_s, end_s);
    }
    if (n == 0) {
      g_array_unref (ranges);
      continue;
    }
    total += n;
    g_array_append_vals (all, t->events->data, t->events->len);
    merge_ranges (t->events, ranges);
    g_string_append_printf (msg, "%s%s stream #%d (%s): ", msg->len ? "; " : "",
        track_kind (t), t->index, t->dec->codec->name);
    if (t->errors > 0) {
      g_string_append_printf (msg, "%" G_GINT64_FORMAT " undecodable packet%s",
          t->errors, t->errors == 1 ? "" : "s");
      sep = ", ";
    }
    if (!t->audio && t->lost_frames > 0) {
      gint64 lost = t->lost_frames;

      g_string_append_printf (msg, "%s%" G_GINT64_FORMAT " frame%s missing",
          sep, lost, lost == 1 ? "" : "s");
      sep = ", ";
    }
    if (t->audio && t->out_gaps > 0) {
      g_string_append_printf (msg, "%s%" G_GINT64_FORMAT " hole%s in the audio",
          sep, t->out_gaps, t->out_gaps == 1 ? "" : "s");
      sep = ", ";
    }
    if (t->ts_gaps > 0) {
      g_string_append_printf (msg, "%s%" G_GINT64_FORMAT " timestamp gap%s",
          sep, t->ts_gaps, t->ts_gaps == 1 ? "" : "s");
      sep = ", ";
    }
    if (early) {
      g_string_append_printf (msg,
          "%sends at %.2f s, %.2f s before the "
          "others",
          sep, t->end_s, end_s - t->end_s);
    }
    if (ranges->len > 0) {
      g_string_append (msg, " at ");
      append_ranges (msg, ranges);
    }
    g_array_unref (ranges);
  }
  f->integrity_problems = total;
  merge_ranges (all, f->integrity_ranges);
  if (total == 0) {
    f->integrity_status = WS_CHECK_PASS;
    f->integrity_message = g_strdup ("every packet decoded; no gap, no "
                                     "missing frame, no stream ending early");
  } else if (total <= d->opts->allow_decode_errors) {
    f->integrity_status = WS_CHECK_WARN;
    f->integrity_message = g_strdup_printf ("%s (%" G_GINT64_FORMAT
                                            " problem%s, within "
                                            "--allow-decode-errors %d)",
        msg->str, total, total == 1 ? "" : "s", d->opts->allow_decode_errors);
  } else {
    f->integrity_status = WS_CHECK_FAIL;
    f->integrity_message =
        g_strdup_printf ("damaged media: %s (%" G_GINT64_FORMAT
                         " problem%s; allowed %d, see "
                         "--allow-decode-errors)",
            msg->str, total, total == 1 ? "" : "s",
            d->opts->allow_decode_errors);
  }
end:
  g_array_unref (all);
  g_string_free (msg, TRUE);
}

/* ---- audio analysis (analysis thread) ------------------------------------ */

static WsLoudnessChannel
map_channel (enum AVChannel ch, gboolean has_side, gboolean has_back)
{
  switch (ch) {
    case AV_CHAN_FRONT_LEFT:
      return WS_LOUDNESS_CHANNEL_LEFT;
    case AV_CHAN_FRONT_RIGHT:
      return WS_LOUDNESS_CHANNEL_RIGHT;
    case AV_CHAN_FRONT_CENTER:
      return WS_LOUDNESS_CHANNEL_CENTER;
    case AV_CHAN_LOW_FREQUENCY:
    case AV_CHAN_LOW_FREQUENCY_2:
      return WS_LOUDNESS_CHANNEL_UNUSED;
    case AV_CHAN_BACK_LEFT:
      return has_side ? WS_LOUDNESS_CHANNEL_REAR_LEFT :
                        WS_LOUDNESS_CHANNEL_LEFT_SURROUND;
    case AV_CHAN_BACK_RIGHT:
      return has_side ? WS_LOUDNESS_CHANNEL_REAR_RIGHT :
                        WS_LOUDNESS_CHANNEL_RIGHT_SURROUND;
    case AV_CHAN_BACK_CENTER:
      return WS_LOUDNESS_CHANNEL_REAR_CENTER;
    case AV_CHAN_SIDE_LEFT:
      return has_back ? WS_LOUDNESS_CHANNEL_SIDE_LEFT :
                        WS_LOUDNESS_CHANNEL_LEFT_SURROUND;
    case AV_CHAN_SIDE_RIGHT:
      return has_back ? WS_LOUDNESS_CHANNEL_SIDE_RIGHT :
                        WS_LOUDNESS_CHANNEL_RIGHT_SURROUND;
    case AV_CHAN_WIDE_LEFT:
      return WS_LOUDNESS_CHANNEL_WIDE_LEFT;
    case AV_CHAN_WIDE_RIGHT:
      return WS_LOUDNESS_CHANNEL_WIDE_RIGHT;
    default:
      return WS_LOUDNESS_CHANNEL_OTHER;
  }
}

static gboolean
loudness_start (Track *t, const AVFrame *frame)
{
  Decoder *d = t->d;
  const AVChannelLayout *l = &frame->ch_layout;
  unsigned int n = (unsigned int) l->nb_channels;
  WsLoudnessChannel map[WS_LOUDNESS_MAX_CHANNELS];
  WsLoudnessLayout layout = WS_LOUDNESS_LAYOUT_DEFAULT;
  WsResult res;

  if (n == 0 || n > WS_LOUDNESS_MAX_CHANNELS || frame->sample_rate <= 0) {
    set_fatal (d,
        "%s: audio track %d: %u channels at %d Hz cannot be "
        "measured",
        d->f->path, t->number, n, frame->sample_rate);
    return FALSE;
  }
  if (n == 1) {
    /* the mono rule: dual mono (EBU Tech 3343) or a single loudspeaker */
    map[0] = ws_loudness_mono_channel (d->opts->mono);
    layout = WS_LOUDNESS_LAYOUT_MAP;
  } else if (n > 2 && (l->order == AV_CHANNEL_ORDER_NATIVE ||
                          l->order == AV_CHANNEL_ORDER_CUSTOM)) {
    gboolean has_side = av_channel_layout_index_from_channel (l,
                            AV_CHAN_SIDE_LEFT) >= 0;
    gboolean has_back = av_channel_layout_index_from_channel (l,
                            AV_CHAN_BACK_LEFT) >= 0;

    for (unsigned int i = 0; i < n; i++)
      map[i] = map_channel (av_channel_layout_channel_from_index (l, i),
          has_side, has_back);
    layout = WS_LOUDNESS_LAYOUT_MAP;
  }
  res = ws_loudness_new (&t->loudness, n, (unsigned int) frame->sample_rate,
      layout, map, WS_LOUDNESS_FLAG_TRUE_PEAK);
  if (res != WS_RESULT_OK) {
    set_fatal (d,
        "%s: audio track %d: %u channels at %d Hz cannot be "
        "measured: %s",
        d->f->path, t->number, n, frame->sample_rate,
        ws_result_to_string (res));
    return FALSE;
  }
  av_channel_layout_copy (&t->layout, l);
  t->tick_frames = (unsigned int) MAX (1, frame->sample_rate / 10);
  t->channels = (int) n;
  t->rate_hz = frame->sample_rate;
  return TRUE;
}

static void
loudness_point (Track *t)
{
  double m = NAN, s = NAN, when;

  /* from the core's 10 ms steps: no pass over the last 3 s of samples
   * every 100 ms (which cost more than the measurement itself) */
  if (ws_loudness_get_recent (t->loudness, &m, &s) != WS_RESULT_OK) {
    ws_loudness_get_momentary (t->loudness, &m);
    ws_loudness_get_shortterm (t->loudness, &s);
  }
  when = t->a_start_s + (double) t->a_frames / t->rate_hz;
  series_add (&t->loud, when, m, s);
}

/* Adds @n frames of interleaved (@planes[0]) or planar data in the core's
 * format @fmt, cutting at every 100 ms tick. */
static void
loudness_add (Track *t, int fmt, uint8_t *const *planes, size_t n)
{
  unsigned int ch = ws_loudness_get_channels (t->loudness);
  size_t off = 0;

  while (off < n) {
    size_t chunk = MIN (n - off, (size_t) (t->tick_frames - t->since_tick));
    WsResult res = WS_RESULT_OK;

    switch (fmt) {
      case AV_SAMPLE_FMT_FLT:
        res = ws_loudness_add_frames_f32 (t->loudness,
            (const float *) planes[0] + off * ch, chunk);
        break;
      case AV_SAMPLE_FMT_DBL:
        res = ws_loudness_add_frames_f64 (t->loudness,
            (const double *) planes[0] + off * ch, chunk);
        break;
      case AV_SAMPLE_FMT_S16:
        res = ws_loudness_add_frames_s16 (t->loudness,
            (const int16_t *) planes[0] + off * ch, chunk);
        break;
      case AV_SAMPLE_FMT_S32:
        res = ws_loudness_add_frames_s32 (t->loudness,
            (const int32_t *) planes[0] + off * ch, chunk);
        break;
      case AV_SAMPLE_FMT_FLTP: {
        const float *p[WS_LOUDNESS_MAX_CHANNELS];

        for (unsigned int c = 0; c < ch; c++)
          p[c] = (const float *) planes[c] + off;
        res = ws_loudness_add_planar_f32 (t->loudness, p, chunk);
        break;
      }
      default:
        g_assert_not_reached ();
    }
    if (res != WS_RESULT_OK)
      set_fatal (t->d, "%s: audio track %d: loudness measurement failed: %s",
          t->d->f->path, t->number, ws_result_to_string (res));
    off += chunk;
    t->a_frames += chunk;
    t->since_tick += (unsigned int) chunk;
    if (t->since_tick >= t->tick_frames) {
      t->since_tick = 0;
      loudness_point (t);
    }
  }
}

static gboolean
direct_sample_format (int fmt)
{
  return fmt == AV_SAMPLE_FMT_FLT || fmt == AV_SAMPLE_FMT_FLTP ||
         fmt == AV_SAMPLE_FMT_DBL || fmt == AV_SAMPLE_FMT_S16 ||
         fmt == AV_SAMPLE_FMT_S32;
}

/* Converts through libswresample to float interleaved in the measured
 * layout and rate; @frame NULL flushes. */
static void
audio_convert (Track *t, const AVFrame *frame)
{
  int out_frames, got;

  if (frame != NULL &&
      (t->swr == NULL || t->swr_in_format != frame->format ||
          t->swr_in_rate != frame->sample_rate ||
          av_channel_layout_compare (&t->swr_in_layout, &frame->ch_layout))) {
    int ret;

    swr_free (&t->swr);
    av_channel_layout_uninit (&t->swr_in_layout);
    av_channel_layout_copy (&t->swr_in_layout, &frame->ch_layout);
    ret = swr_alloc_set_opts2 (&t->swr, &t->layout, AV_SAMPLE_FMT_FLT,
        t->rate_hz, &t->swr_in_layout, frame->format, frame->sample_rate, 0,
        NULL);
    if (ret >= 0)
      ret = swr_init (t->swr);
    if (ret < 0) {
      set_fatal (t->d, "%s: audio track %d: cannot convert %s audio: %s",
          t->d->f->path, t->number,
          av_get_sample_fmt_name (frame->format) ?
              av_get_sample_fmt_name (frame->format) :
              "unknown",
          av_err2str (ret));
      swr_free (&t->swr);
      return;
    }
    t->swr_in_format = frame->format;
    t->swr_in_rate = frame->sample_rate;
  }
  if (t->swr == NULL)
    return;
  out_frames = swr_get_out_samples (t->swr, frame ? frame->nb_samples : 0);
  if (out_frames <= 0)
    return;
  if (out_frames > t->swr_buf_frames) {
    g_free (t->swr_buf);
    t->swr_buf = g_new (float, (gsize) out_frames * t->channels);
    t->swr_buf_frames = out_frames;
  }
  got = swr_convert (t->swr, (uint8_t **) &t->swr_buf, out_frames,
      frame ? (const uint8_t **) frame->extended_data : NULL,
      frame ? frame->nb_samples : 0);
  if (got > 0)
    loudness_add (t, AV_SAMPLE_FMT_FLT, (uint8_t **) &t->swr_buf, (size_t) got);
}

static void
on_audio_frame (Track *t, AVFrame *frame)
{
  if (t->loudness == NULL) {
    double s;

    if (!loudness_start (t, frame))
      return;
    s = stream_seconds (t, frame->best_effort_timestamp);
    t->a_start_s = isnan (s) ? 0.0 : MAX (0.0, s);
    series_init (&t->loud, LOUDNESS_TICK_S);
  }
  if (direct_sample_format (frame->format) && t->swr == NULL &&
      frame->sample_rate == t->rate_hz &&
      frame->ch_layout.nb_channels == t->channels)
    loudness_add (t, frame->format, frame->extended_data,
        (size_t) frame->nb_samples);
  else
    audio_convert (t, frame);
}

/* ---- video analysis (analysis thread) ------------------------------------ */

static void
on_flash_frame (const WsFlashFrameInfo *info, void *user_data)
{
  Decoder *d = user_data;

  series_add (&d->risk, (double) info->pts_ns / 1e9,
      info->risk[WS_FLASH_KIND_LUMINANCE], info->risk[WS_FLASH_KIND_RED]);
}

/* Transfer function and primaries: the frame's, else the stream's codec
 * parameters. Records whether the transfer was tagged. */
static void
flash_display_params (Decoder *d, const AVFrame *frame, WsFlashParams *params)
{
  const AVCodecParameters *par = d->video != NULL ? d->video->st->codecpar :
                                                    NULL;
  int trc = frame->color_trc, pri = frame->color_primaries;

  if (trc == AVCOL_TRC_UNSPECIFIED && par != NULL)
    trc = par->color_trc;
  if (pri == AVCOL_PRI_UNSPECIFIED && par != NULL)
    pri = par->color_primaries;
  if (d->opts->hlg_peak_cd_m2 > 0.0)
    params->hlg_peak_cd_m2 = d->opts->hlg_peak_cd_m2;
  d->f->flash_transfer_tagged = ws_av_flash_display (trc, pri, params);
}

static gboolean
flash_start (Decoder *d, const AVFrame *frame)
{
  WsFlashRange range;
  WsFlashFormat format = ws_av_flash_format (frame->format, &range);
  WsFlashParams params;
  WsResult res;

  ws_flash_params_init (&params);
  flash_display_params (d, frame, &params);
  /* 0: the core's sampling by resolution, as flashdetect's default */
  params.sample_step = d->opts->flash_sample_step;
  d->v_target = frame->format;
  if (format == WS_FLASH_FORMAT_UNKNOWN) {
    /* Formats the core does not take go through libswscale to BGRx. */
    d->v_target = AV_PIX_FMT_BGR0;
    format = WS_FLASH_FORMAT_BGRX;
    range = WS_FLASH_RANGE_FULL;
  } else if (frame->color_range == AVCOL_RANGE_JPEG) {
    range = WS_FLASH_RANGE_FULL;
  }
  res = ws_flash_new (&d->flash, frame->width, frame->height, format, range,
      ws_av_flash_matrix (frame), &params);
  if (res != WS_RESULT_OK) {
    set_fatal (d, "%s: %dx%d %s video cannot be analysed for flashing: %s",
        d->f->path, frame->width, frame->height,
        av_get_pix_fmt_name (frame->format) ?
            av_get_pix_fmt_name (frame->format) :
            "unknown",
        ws_result_to_string (res));
    return FALSE;
  }
  ws_flash_get_display (d->flash, &d->f->flash_display);
  ws_flash_get_sample_step (d->flash, &d->f->flash_sample_step);
  {
    /* the decoded video's depth, also when swscale feeds the core 8 bits */
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get (frame->format);

    if (desc != NULL)
      d->f->flash_display.bit_depth = desc->comp[0].depth;
  }
  d->v_format = format;
  d->v_width = frame->width;
  d->v_height = frame->height;
  series_init (&d->risk, 0.04);
  ws_flash_set_callbacks (d->flash, on_flash_frame, NULL, d);
  return TRUE;
}

static int
sws_colorspace (const AVFrame *frame)
{
  switch (frame->colorspace) {
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M:
      return SWS_CS_ITU601;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL:
      return SWS_CS_BT2020;
    default:
      return SWS_CS_ITU709;
  }
}

/* The frame as the core takes it: straight from @frame's planes, or through
 * libswscale (other formats, a size change, negative line sizes). */
static const AVFrame *
video_prepare (Decoder *d, const AVFrame *frame)
{
  gboolean negative = FALSE;
  int ret;

  for (int i = 0; i < 4; i++)
    negative = negative || frame->linesize[i] < 0;
  if (frame->format == d->v_target && frame->width == d->v_width &&
      frame->height == d->v_height && !negative)
    return frame;
  d->sws = sws_getCachedContext (d->sws, frame->width, frame->height,
      frame->format, d->v_width, d->v_height, d->v_target, SWS_BILINEAR, NULL,
      NULL, NULL);
  if (d->sws == NULL)
    goto fail;
  sws_setColorspaceDetails (d->sws,
      sws_getCoefficients (sws_colorspace (frame)),
      frame->color_range == AVCOL_RANGE_JPEG,
      sws_getCoefficients (sws_colorspace (frame)),
      d->v_target == AV_PIX_FMT_BGR0 ? 1 :
                                       frame->color_range == AVCOL_RANGE_JPEG,
      0, 1 << 16, 1 << 16);
  if (d->v_conv == NULL) {
    d->v_conv = av_frame_alloc ();
    if (d->v_conv == NULL)
      goto fail;
    d->v_conv->format = d->v_target;
    d->v_conv->width = d->v_width;
    d->v_conv->height = d->v_height;
    if (av_frame_get_buffer (d->v_conv, 0) < 0)
      goto fail;
  }
  ret = sws_scale (d->sws, (const uint8_t *const *) frame->data,
      frame->linesize, 0, frame->height, d->v_conv->data, d->v_conv->linesize);
  if (ret <= 0)
    goto fail;
  d->v_conv->pts = frame->pts;
  d->v_conv->best_effort_timestamp = frame->best_effort_timestamp;
  return d->v_conv;

fail:
  set_fatal (d, "%s: cannot convert %dx%d %s video for the flash analysis",
      d->f->path, frame->width, frame->height,
      av_get_pix_fmt_name (frame->format) ?
          av_get_pix_fmt_name (frame->format) :
          "unknown");
  return NULL;
}

static void
on_video_frame (Decoder *d, AVFrame *frame)
{
  const AVFrame *in;
  WsFlashFrame wf;
  double s;
  int64_t pts_ns;
  WsResult res;

  if (d->flash == NULL && !flash_start (d, frame))
    return;
  in = video_prepare (d, frame);
  if (in == NULL)
    return;
  s = stream_seconds (d->video, frame->best_effort_timestamp);
  pts_ns = isnan (s) ? d->last_pts_ns + 40000000 : (int64_t) llround (s * 1e9);
  if (d->v_analysed > 0 && pts_ns <= d->last_pts_ns)
    pts_ns = d->last_pts_ns + 1;
  d->last_pts_ns = pts_ns;
  /* @in has the size and format the analyser was made for */
  ws_av_flash_frame (in, d->v_format, pts_ns, &wf);
  res = ws_flash_push_frame (d->flash, &wf);
  if (res != WS_RESULT_OK)
    set_fatal (d, "%s: flash analysis failed at %.3f s: %s", d->f->path,
        (double) pts_ns / 1e9, ws_result_to_string (res));
  d->v_analysed++;
}

/* ---- the analysis thread and its queue ----------------------------------- */

static gpointer
analysis_main (gpointer data)
{
  Decoder *d = data;

  g_private_set (&current_decoder, d);
  for (;;) {
    QueueItem *item;

    g_mutex_lock (&d->lock);
    while (g_queue_is_empty (&d->queue) && !d->closing)
      g_cond_wait (&d->cond, &d->lock);
    item = g_queue_pop_head (&d->queue);
    if (item != NULL && item->frame != NULL && !item->t->audio)
      d->queued_video--;
    g_cond_broadcast (&d->cond);
    g_mutex_unlock (&d->lock);
    if (item == NULL)
      break; /* closing and drained */
    if (!failed (d)) {
      if (item->frame == NULL)
        audio_convert (item->t, NULL);
      else if (item->t->audio)
        on_audio_frame (item->t, item->frame);
      else
        on_video_frame (d, item->frame);
    }
    av_frame_free (&item->frame);
    g_free (item);
  }
  g_private_set (&current_decoder, NULL);
  return NULL;
}

/* Demux thread: hands @frame (moved out, NULL = flush @t's resampler) to
 * the analysis thread, waiting while the queue is full. */
static void
queue_push (Decoder *d, Track *t, AVFrame *frame)
{
  QueueItem *item = g_new0 (QueueItem, 1);

  item->t = t;
  if (frame != NULL) {
    item->frame = av_frame_alloc ();
    if (item->frame == NULL) {
      g_free (item);
      set_fatal (d, "%s: out of memory", d->f->path);
      return;
    }
    av_frame_move_ref (item->frame, frame);
  }
  g_mutex_lock (&d->lock);
  while (!d->failed && (d->queue.length >= QUEUE_MAX_ITEMS ||
                           (frame != NULL && !t->audio &&
                               d->queued_video >= QUEUE_MAX_VIDEO)))
    g_cond_wait (&d->cond, &d->lock);
  if (frame != NULL && !t->audio)
    d->queued_video++;
  g_queue_push_tail (&d->queue, item);
  g_cond_broadcast (&d->cond);
  g_mutex_unlock (&d->lock);
}

static void
analysis_stop (Decoder *d)
{
  if (d->analysis == NULL)
    return;
  g_mutex_lock (&d->lock);
  d->closing = TRUE;
  g_cond_broadcast (&d->cond);
  g_mutex_unlock (&d->lock);
  g_thread_join (d->analysis);
  d->analysis = NULL;
}

/* ---- the demux loop ------------------------------------------------------- */

/* Sends @pkt (NULL: drain) and takes every frame out. EAGAIN and EOF end the
 * loop and are not errors; invalid data is counted and skipped. */
static void
decode (Track *t, const AVPacket *pkt, AVFrame *frame)
{
  Decoder *d = t->d;
  int ret;

  if (pkt != NULL)
    integrity_packet (t, pkt);
  ret = avcodec_send_packet (t->dec, pkt);
  if (ret < 0 && ret != AVERROR_EOF) {
    integrity_error (t);
    return;
  }
  while (!failed (d)) {
    ret = avcodec_receive_frame (t->dec, frame);
    if (ret == AVERROR (EAGAIN) || ret == AVERROR_EOF)
      return;
    if (ret < 0) {
      integrity_error (t);
      return;
    }
    integrity_frame (t, frame);
    queue_push (d, t, frame);
    av_frame_unref (frame);
  }
}

/* Analysis-grade decoding (#WsCheckOptions exact_decode): for H.264 and
 * HEVC, no in-loop deblocking (nor HEVC's SAO: libavcodec skips both with
 * skip_loop_filter) and the decoder's fast flag. The flash and pattern
 * analysis average luminance over 20 x 20 pixel cells and look for stripes
 * many pixels wide, which the smoothing of block edges does not change
 * (tests/tools/check_check_decode.c holds both decodes together). Frames
 * are never skipped. Returns TRUE when @dec was set so. */
static gboolean
analysis_grade (AVCodecContext *dec, const WsCheckOptions *opts)
{
  if (opts->exact_decode ||
      (dec->codec_id != AV_CODEC_ID_H264 && dec->codec_id != AV_CODEC_ID_HEVC))
    return FALSE;
  dec->skip_loop_filter = AVDISCARD_ALL;
  dec->flags2 |= AV_CODEC_FLAG2_FAST;
  return TRUE;
}

static int
open_decoder (Decoder *d, Track *t)
{
  const AVCodec *codec = avcodec_find_decoder (t->st->codecpar->codec_id);
  AVCodecContext *dec = NULL;
  int ret;

  if (codec == NULL) {
    set_fatal (d, "%s: stream %d: no decoder for codec %s", d->f->path,
        t->index, avcodec_get_name (t->st->codecpar->codec_id));
    return AVERROR_DECODER_NOT_FOUND;
  }
  dec = avcodec_alloc_context3 (codec);
  if (dec == NULL)
    return AVERROR (ENOMEM);
  ret = avcodec_parameters_to_context (dec, t->st->codecpar);
  if (ret >= 0) {
    dec->opaque = d; /* for the log; copied into frame threads */
    dec->thread_count = d->opts->decoder_threads;
    dec->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
    dec->pkt_timebase = t->st->time_base;
    if (!t->audio)
      d->f->decode_mode = analysis_grade (dec, d->opts) ? "analysis" : "exact";
    ret = avcodec_open2 (dec, codec, NULL);
  }
  if (ret < 0) {
    set_fatal (d, "%s: stream %d: cannot open the %s decoder: %s", d->f->path,
        t->index, codec->name, av_err2str (ret));
    avcodec_free_context (&dec);
    return ret;
  }
  t->dec = dec;
  return 0;
}

static Track *
track_new (Decoder *d, int index, gboolean audio)
{
  Track *t = g_new0 (Track, 1);

  t->d = d;
  t->index = index;
  t->st = d->fmt->streams[index];
  t->audio = audio;
  t->events = g_array_new (FALSE, FALSE, sizeof (WsCheckRange));
  t->ts_gap_ranges = g_array_new (FALSE, FALSE, sizeof (WsCheckRange));
  if (!audio) {
    AVRational r = t->st->avg_frame_rate.num > 0 ? t->st->avg_frame_rate :
                                                   t->st->r_frame_rate;

    t->out_dur_s = r.num > 0 && r.den > 0 ? av_q2d (av_inv_q (r)) : 0.0;
  }
  return t;
}

static int
compare_tracks (gconstpointer a, gconstpointer b)
{
  const Track *x = *(Track *const *) a, *y = *(Track *const *) b;

  return x->index - y->index;
}

static void
track_free (gpointer p)
{
  Track *t = p;

  avcodec_free_context (&t->dec);
  ws_loudness_free (t->loudness);
  swr_free (&t->swr);
  av_channel_layout_uninit (&t->swr_in_layout);
  av_channel_layout_uninit (&t->layout);
  g_free (t->swr_buf);
  if (t->loud.points)
    g_array_unref (t->loud.points);
  g_array_unref (t->events);
  g_array_unref (t->ts_gap_ranges);
  g_free (t);
}

static void
copy_series (GArray *dest, Series *s)
{
  if (s->points == NULL)
    return;
  series_emit (s);
  g_array_append_vals (dest, s->points->data, s->points->len);
  g_array_unref (s->points);
  s->points = NULL;
}

static void
audio_track_clear (gpointer p)
{
  WsCheckAudioTrack *a = p;

  g_free (a->language);
  g_free (a->layout);
  g_free (a->codec);
  g_free (a->message);
}

/* How far outside its limits @a is (LU or dB; negative = inside). */
static double
badness (const WsCheckAudioTrack *a, const WsLoudnessLimits *l)
{
  double b = -HUGE_VAL;

  if (!isnan (a->integrated_lufs))
    b = fabs (a->integrated_lufs - l->target_lufs) - l->tolerance_lu;
  else
    b = HUGE_VAL; /* no integrated loudness: fails closed */
  if (!isnan (a->true_peak_dbtp))
    b = MAX (b, a->true_peak_dbtp - l->max_true_peak_dbtp);
  return b;
}

/* Measures and judges audio track @t into the file's audio_tracks. */
static void
finish_track (Decoder *d, Track *t)
{
  WsCheckFile *f = d->f;
  WsCheckAudioTrack a = { 0 };
  AVDictionaryEntry *lang = av_dict_get (t->st->metadata, "language", NULL, 0);
  WsLoudnessVerdict verdict;
  gboolean several = d->video ? d->tracks->len > 2 : d->tracks->len > 1;
  char name[128], layout[64] = "";
  double v;

  a.stream_index = t->index;
  a.track = t->number;
  a.language = lang ? g_strdup (lang->value) : NULL;
  a.codec = g_strdup (t->dec->codec->name);
  a.integrated_lufs = a.lra_lu = a.true_peak_dbtp = NAN;
  a.max_momentary_lufs = a.max_shortterm_lufs = NAN;
  if (t->loudness != NULL) {
    if (av_channel_layout_describe (&t->layout, layout, sizeof (layout)) > 0)
      a.layout = g_strdup (layout);
    a.channels = t->channels;
    a.rate_hz = t->rate_hz;
  }
  if (several)
    g_snprintf (name, sizeof (name),
        "audio track %d (stream #%d, %s, %s): ", t->number, t->index,
        a.language ? a.language : "und", a.layout ? a.layout : "no layout");
  else
    name[0] = '\0';
  if (t->loudness == NULL) {
    a.status = WS_CHECK_FAIL;
    a.message = g_strdup_printf ("%sno audio could be measured", name);
    g_array_append_val (f->audio_tracks, a);
    return;
  }
  if (t->since_tick > 0)
    loudness_point (t);
  a.measured = TRUE;
  if (ws_loudness_get_integrated (t->loudness, &v) == WS_RESULT_OK)
    a.integrated_lufs = v;
  if (ws_loudness_get_range (t->loudness, &v) == WS_RESULT_OK)
    a.lra_lu = v;
  if (ws_loudness_get_true_peak (t->loudness, WS_LOUDNESS_ALL_CHANNELS, &v) ==
      WS_RESULT_OK)
    a.true_peak_dbtp = v;
  if (ws_loudness_get_max_momentary (t->loudness, &v) == WS_RESULT_OK)
    a.max_momentary_lufs = v;
  if (ws_loudness_get_max_shortterm (t->loudness, &v) == WS_RESULT_OK)
    a.max_shortterm_lufs = v;
  if (ws_loudness_judge (t->loudness, &f->limits, &verdict) != WS_RESULT_OK) {
    a.status = WS_CHECK_FAIL;
    a.message = g_strdup_printf ("%sthe loudness could not be judged", name);
  } else if (verdict.pass) {
    a.status = WS_CHECK_PASS;
    a.message = g_strdup_printf ("%s%.1f LUFS, %.1f dBTP: within %s (%.1f "
                                 "LUFS ±%.1f LU, max %.1f dBTP)",
        name, a.integrated_lufs, a.true_peak_dbtp,
        ws_loudness_preset_to_string (d->opts->preset), f->limits.target_lufs,
        f->limits.tolerance_lu, f->limits.max_true_peak_dbtp);
  } else {
    GString *s = g_string_new (name);

    for (size_t i = 0; i < verdict.n_failures; i++)
      g_string_append_printf (s, "%s%s", i ? "; " : "",
          verdict.failures[i].reason);
    g_string_append_printf (s, " (%s)",
        ws_loudness_preset_to_string (d->opts->preset));
    a.status = WS_CHECK_FAIL;
    a.message = g_string_free (s, FALSE);
  }
  g_array_append_val (f->audio_tracks, a);
}

/* Every audio track judged; the worst one becomes the file's summary. */
static void
finish_loudness (Decoder *d)
{
  WsCheckFile *f = d->f;
  const WsCheckAudioTrack *w;
  Track *wt = NULL;
  int worst = -1;

  if (d->opts->preset == WS_LOUDNESS_PRESET_CUSTOM)
    f->limits = d->opts->limits;
  else
    ws_loudness_preset_limits (d->opts->preset, &f->limits);
  for (guint i = 0; i < d->tracks->len; i++) {
    Track *t = d->tracks->pdata[i];
    const WsCheckAudioTrack *a;

    if (!t->audio)
      continue;
    finish_track (d, t);
    a = &g_array_index (f->audio_tracks, WsCheckAudioTrack,
        f->audio_tracks->len - 1);
    if (worst < 0) {
      worst = (int) f->audio_tracks->len - 1;
      wt = t;
    } else {
      w = &g_array_index (f->audio_tracks, WsCheckAudioTrack, worst);
      if ((a->status == WS_CHECK_FAIL && w->status != WS_CHECK_FAIL) ||
          (a->status == w->status &&
              badness (a, &f->limits) > badness (w, &f->limits))) {
        worst = (int) f->audio_tracks->len - 1;
        wt = t;
      }
    }
  }
  f->worst_track = worst;
  if (worst < 0)
    return;
  w = &g_array_index (f->audio_tracks, WsCheckAudioTrack, worst);
  f->audio_codec = g_strdup (w->codec);
  f->audio_channels = w->channels;
  f->audio_rate_hz = w->rate_hz;
  f->loudness_measured = w->measured;
  f->integrated_lufs = w->integrated_lufs;
  f->lra_lu = w->lra_lu;
  f->true_peak_dbtp = w->true_peak_dbtp;
  f->max_momentary_lufs = w->max_momentary_lufs;
  f->max_shortterm_lufs = w->max_shortterm_lufs;
  f->loudness_status = w->status;
  f->loudness_message = g_strdup (w->message);
  copy_series (f->loudness_series, &wt->loud);
}

/* Deep video that does not say its transfer function: the SDR analysis is
 * an assumption, so it is a warning in the report and the flash check is
 * at least "warn" (never a silent guess). */
static void
flash_untagged_warning (WsCheckFile *f)
{
  const WsFlashDisplay *dp = &f->flash_display;

  if (f->flash_transfer_tagged || dp->bit_depth <= 8)
    return;
  g_ptr_array_add (f->warnings,
      g_strdup_printf ("%s: %d-bit video does not say its transfer function "
                       "(color_trc unspecified): the flash analysis assumed "
                       "SDR (%s, %.0f cd/m2 peak, %s primaries); if it is "
                       "HDR, tag the stream (e.g. ffmpeg -color_trc "
                       "smpte2084 or arib-std-b67) and check it again",
          f->path, dp->bit_depth, ws_flash_eotf_describe (dp->eotf),
          dp->peak_cd_m2, ws_flash_primaries_to_string (dp->primaries)));
  if (f->flash_status == WS_CHECK_PASS)
    f->flash_status = WS_CHECK_WARN;
}

static void
finish_flash (Decoder *d)
{
  WsCheckFile *f = d->f;
  const WsFlashIncident *inc = NULL;
  size_t n = 0;
  WsFlashVerdict v = WS_FLASH_VERDICT_PASS;

  if (d->flash == NULL)
    return;
  ws_flash_finish (d->flash);
  copy_series (f->risk_series, &d->risk);
  ws_flash_get_incidents (d->flash, &inc, &n);
  if (n > 0)
    g_array_append_vals (f->flash_incidents, inc, (guint) n);
  ws_flash_get_verdict (d->flash, &v);
  f->flash_verdict = v;
  f->flash_status = v == WS_FLASH_VERDICT_FAIL ? WS_CHECK_FAIL :
                    v == WS_FLASH_VERDICT_WARN ? WS_CHECK_WARN :
                                                 WS_CHECK_PASS;
  flash_untagged_warning (f);
  if (n == 0) {
    f->flash_message = g_strdup_printf ("no flashing over %" G_GINT64_FORMAT
                                        " frames",
        f->video_frames);
  } else {
    const WsFlashIncident *worst = &inc[0];

    for (size_t i = 1; i < n; i++)
      if (inc[i].verdict > worst->verdict)
        worst = &inc[i];
    if (worst->kind == WS_FLASH_KIND_PATTERN)
      f->flash_message = g_strdup_printf ("%zu incident%s; worst: %s "
                                          "regular pattern %.3f-%.3f s, %d "
                                          "light-dark stripe pairs over "
                                          "%.0f%% of the screen%s",
          n, n == 1 ? "" : "s", ws_flash_verdict_to_string (worst->verdict),
          (double) worst->start_ns / 1e9, (double) worst->end_ns / 1e9,
          worst->pattern_pairs, worst->peak_area * 100.0,
          worst->peak_flash_rate > 0.0 ? ", reversing or flashing" :
                                         ", stationary for more than 0.5 s");
    else
      f->flash_message = g_strdup_printf ("%zu incident%s; worst: %s %s "
                                          "flashing %.3f-%.3f s, %.1f "
                                          "flashes/s over %.0f%% of the "
                                          "screen",
          n, n == 1 ? "" : "s", ws_flash_verdict_to_string (worst->verdict),
          ws_flash_kind_to_string (worst->kind), (double) worst->start_ns / 1e9,
          (double) worst->end_ns / 1e9, worst->peak_flash_rate,
          worst->peak_area * 100.0);
  }
  {
    /* the display model the verdict rests on */
    const WsFlashDisplay *dp = &f->flash_display;
    char *m = f->flash_message;
    char *hlg = dp->eotf == WS_FLASH_EOTF_HLG ?
                    g_strdup_printf (" on a %.0f cd/m2 display",
                        dp->peak_cd_m2) :
                    g_strdup ("");

    f->flash_message = g_strdup_printf ("%s (%s%s, %s, %d-bit%s)", m,
        ws_flash_eotf_to_string (dp->eotf), hlg,
        ws_flash_primaries_to_string (dp->primaries), dp->bit_depth,
        f->flash_transfer_tagged || dp->bit_depth <= 8 ?
            "" :
            ", transfer not tagged: assumed");
    g_free (hlg);
    g_free (m);
  }
}

static void
decoder_clear (Decoder *d)
{
  QueueItem *item;

  analysis_stop (d);
  while ((item = g_queue_pop_head (&d->queue)) != NULL) {
    av_frame_free (&item->frame);
    g_free (item);
  }
  /* the decoders (and their frame threads) go before the log they write */
  if (d->tracks)
    g_ptr_array_unref (d->tracks);
  avformat_close_input (&d->fmt);
  ws_flash_free (d->flash);
  sws_freeContext (d->sws);
  av_frame_free (&d->v_conv);
  if (d->risk.points)
    g_array_unref (d->risk.points);
  g_free (d->fatal);
  g_private_set (&current_decoder, NULL);
  log_to_warnings (d);
  g_hash_table_unref (d->log_index);
  g_ptr_array_unref (d->log);
  g_mutex_clear (&d->lock);
  g_cond_clear (&d->cond);
  g_mutex_clear (&d->log_lock);
}

/* The container the first bytes look like, for the message about a file
 * libavformat cannot open (a truncated MP4 still starts like one). */
static const char *
probe_format (const char *path)
{
  guint8 buf[4096 + AVPROBE_PADDING_SIZE] = { 0 };
  AVProbeData pd = { 0 };
  const AVInputFormat *fmt;
  int score = 0;
  size_t n;
  FILE *fp = g_fopen (path, "rb");

  if (fp == NULL)
    return NULL;
  n = fread (buf, 1, 4096, fp);
  fclose (fp);
  pd.filename = "";
  pd.buf = buf;
  pd.buf_size = (int) n;
  fmt = av_probe_input_format2 (&pd, 1, &score);
  if (fmt == NULL || score <= AVPROBE_SCORE_RETRY)
    return NULL;
  return fmt->long_name ? fmt->long_name : fmt->name;
}

/* A file that grows or is rewritten while it is checked is an error: the
 * verdict would be about a file that no longer exists. */
static gboolean
file_changed (const char *path, const GStatBuf *before, char **why)
{
  GStatBuf now;

  if (g_stat (path, &now) != 0) {
    *why = g_strdup_printf ("%s: disappeared while it was checked: %s", path,
        g_strerror (errno));
    return TRUE;
  }
  if (now.st_size != before->st_size || now.st_mtime != before->st_mtime
#ifdef __linux__
      || now.st_mtim.tv_nsec != before->st_mtim.tv_nsec
#endif
  ) {
    *why =
        g_strdup_printf ("%s: changed while it was checked (%" G_GINT64_FORMAT
                         " bytes before, %" G_GINT64_FORMAT
                         " after%s): still being written?",
            path, (gint64) before->st_size, (gint64) now.st_size,
            now.st_size == before->st_size ? ", modified" : "");
    return TRUE;
  }
  return FALSE;
}

static void
analyse_media (WsCheckFile *f, const WsCheckOptions *opts,
    WsCheckProgressFunc progress, gpointer user_data)
{
  static GOnce log_once = G_ONCE_INIT;
  Decoder d = { 0 };
  AVPacket *pkt = NULL;
  AVFrame *frame = NULL;
  Track **by_index = NULL;
  const AVProgram *prog = NULL;
  GStatBuf st;
  gint64 size;
  double last_fraction = 0.0;
  int v_index, ret;

  g_once (&log_once, install_log, NULL);
  d.opts = opts;
  d.f = f;
  g_mutex_init (&d.lock);
  g_cond_init (&d.cond);
  g_queue_init (&d.queue);
  g_mutex_init (&d.log_lock);
  d.log_index = g_hash_table_new (g_str_hash, g_str_equal);
  d.log = g_ptr_array_new_with_free_func (log_entry_free);
  g_private_set (&current_decoder, &d);

  if (g_stat (f->path, &st) != 0) {
    f->error = g_strdup_printf ("%s: cannot read: %s", f->path,
        g_strerror (errno));
    goto end;
  }
  if (!S_ISREG (st.st_mode)) {
    f->error = g_strdup_printf ("%s: not a regular file", f->path);
    goto end;
  }
  if (st.st_size == 0) {
    f->error = g_strdup_printf ("%s: empty file (0 bytes)", f->path);
    goto end;
  }
  d.fmt = avformat_alloc_context ();
  if (d.fmt == NULL) {
    f->error = g_strdup_printf ("%s: out of memory", f->path);
    goto end;
  }
  d.fmt->opaque = &d;
  ret = avformat_open_input (&d.fmt, f->path, NULL, NULL);
  if (ret < 0) {
    const char *guess = probe_format (f->path);

    if (guess != NULL)
      f->error = g_strdup_printf ("%s: a damaged or truncated %s file: %s",
          f->path, guess, av_err2str (ret));
    else
      f->error = g_strdup_printf ("%s: not a media file (no known container "
                                  "format): %s",
          f->path, av_err2str (ret));
    goto end;
  }
  f->format_name = g_strdup (d.fmt->iformat->name);
  ret = avformat_find_stream_info (d.fmt, NULL);
  if (ret < 0) {
    f->error = g_strdup_printf ("%s: cannot find the streams (%s): %s", f->path,
        d.fmt->iformat->name, av_err2str (ret));
    goto end;
  }
  if (d.fmt->duration != AV_NOPTS_VALUE && d.fmt->duration > 0)
    f->duration_s = (double) d.fmt->duration / AV_TIME_BASE;
  prog = choose_programme (f, d.fmt, opts);
  if (f->error != NULL)
    goto end;
  f->programme = prog != NULL ? prog->id : -1;
  read_embedded (f, d.fmt, opts, prog);

  /* every audio track, and the video, of the programme */
  d.tracks = g_ptr_array_new_with_free_func (track_free);
  by_index = g_new0 (Track *, d.fmt->nb_streams);
  for (unsigned int i = 0; i < d.fmt->nb_streams; i++)
    if (d.fmt->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO &&
        (prog == NULL || in_programme (prog, i))) {
      Track *t = track_new (&d, (int) i, TRUE);

      t->number = (int) d.tracks->len + 1;
      g_ptr_array_add (d.tracks, t);
      by_index[i] = t;
    }
  /* a stream of the programme restricts the search to it */
  v_index = av_find_best_stream (d.fmt, AVMEDIA_TYPE_VIDEO, -1,
      prog != NULL && prog->nb_stream_indexes > 0 ?
          (int) prog->stream_index[0] :
          -1,
      NULL, 0);
  if (v_index >= 0 && prog != NULL && !in_programme (prog, (unsigned) v_index))
    v_index = -1; /* libavformat falls back to another programme's */
  if (v_index >= 0 &&
      (d.fmt->streams[v_index]->disposition & AV_DISPOSITION_ATTACHED_PIC))
    v_index = -1; /* cover art is not programme video */
  if (v_index >= 0) {
    d.video = track_new (&d, v_index, FALSE);
    g_ptr_array_add (d.tracks, d.video);
    by_index[v_index] = d.video;
  }
  g_ptr_array_sort (d.tracks, compare_tracks);
  if (d.tracks->len == 0) {
    f->error = g_strdup_printf ("%s: no audio or video stream (%s)", f->path,
        d.fmt->iformat->name);
    goto end;
  }
  for (guint i = 0; i < d.tracks->len; i++)
    if (open_decoder (&d, d.tracks->pdata[i]) < 0)
      goto fatal;
  f->has_audio = d.video ? d.tracks->len > 1 : TRUE;
  f->has_video = d.video != NULL;
  if (d.video) {
    f->video_codec = g_strdup (d.video->dec->codec->name);
    f->frame_rate = d.video->out_dur_s > 0 ? 1.0 / d.video->out_dur_s : 0.0;
  }
  for (unsigned int i = 0; i < d.fmt->nb_streams; i++)
    if (by_index[i] == NULL)
      d.fmt->streams[i]->discard = AVDISCARD_ALL;

  pkt = av_packet_alloc ();
  frame = av_frame_alloc ();
  if (pkt == NULL || frame == NULL) {
    f->error = g_strdup_printf ("%s: out of memory", f->path);
    goto end;
  }
  d.analysis = g_thread_try_new ("ws-check-analysis", analysis_main, &d, NULL);
  if (d.analysis == NULL) {
    f->error = g_strdup_printf ("%s: cannot start the analysis thread",
        f->path);
    goto end;
  }
  size = d.fmt->pb ? avio_size (d.fmt->pb) : -1;
  while (!failed (&d) && (ret = av_read_frame (d.fmt, pkt)) >= 0) {
    if (pkt->stream_index >= 0 &&
        (unsigned int) pkt->stream_index < d.fmt->nb_streams &&
        by_index[pkt->stream_index] != NULL)
      decode (by_index[pkt->stream_index], pkt, frame);
    av_packet_unref (pkt);
    if (progress != NULL && size > 0) {
      double fraction = (double) avio_tell (d.fmt->pb) / (double) size;

      if (fraction >= last_fraction + 0.01) {
        last_fraction = fraction;
        progress (f->path, MIN (fraction, 1.0), user_data);
      }
    }
  }
  if (failed (&d))
    goto fatal;
  if (ret < 0 && ret != AVERROR_EOF) {
    double end_s = 0.0;

    for (guint i = 0; i < d.tracks->len; i++)
      end_s = MAX (end_s, ((Track *) d.tracks->pdata[i])->end_s);
    f->error = g_strdup_printf ("%s: read error after %.1f s: %s", f->path,
        end_s, av_err2str (ret));
    goto end;
  }
  for (guint i = 0; i < d.tracks->len; i++) {
    Track *t = d.tracks->pdata[i];

    decode (t, NULL, frame);
    if (t->audio)
      queue_push (&d, t, NULL); /* flush the resampler, if any */
  }
  analysis_stop (&d);
  if (failed (&d))
    goto fatal;

  for (guint i = 0; i < d.tracks->len; i++) {
    Track *t = d.tracks->pdata[i];

    if (t->frames == 0) {
      f->error = g_strdup_printf ("%s: the %s %s stream #%d has no decodable "
                                  "frame (%" G_GINT64_FORMAT
                                  " decoding errors)",
          f->path, t->dec->codec->name, track_kind (t), t->index, t->errors);
      goto end;
    }
  }
  if (file_changed (f->path, &st, &f->error))
    goto end;
  f->video_frames = d.v_analysed;
  if (d.flash) {
    f->width = d.v_width;
    f->height = d.v_height;
  }
  finish_integrity (&d);
  if (f->error != NULL)
    goto end;
  if (f->duration_s < 0)
    for (guint i = 0; i < d.tracks->len; i++)
      f->duration_s = MAX (f->duration_s,
          ((Track *) d.tracks->pdata[i])->end_s);
  finish_loudness (&d);
  finish_flash (&d);
  if (progress != NULL)
    progress (f->path, 1.0, user_data);
  goto end;

fatal:
  g_mutex_lock (&d.lock);
  f->error = g_strdup (d.fatal);
  g_mutex_unlock (&d.lock);

end:
  analysis_stop (&d);
  av_packet_free (&pkt);
  av_frame_free (&frame);
  g_free (by_index);
  decoder_clear (&d);
}

/* ---- checks -------------------------------------------------------------- */

/* The rating of @source ("embedded", "sidecar", NULL = either) for
 * @territory (NULL = any), by the library's one rule (ws_ratings_pick():
 * an exact territory before one for every territory, resolved before
 * unresolved, ties and two ratings for one territory to the most
 * restrictive). Segment ratings are skipped. */
static const WsCheckRating *
pick (const WsCheckFile *f, const char *source, const char *territory)
{
  GPtrArray *candidates = g_ptr_array_new ();
  const WsCheckRating *best = NULL;
  const WsRating *r;

  for (guint i = 0; i < f->ratings->len; i++) {
    const WsCheckRating *cr = f->ratings->pdata[i];

    if (source == NULL || strcmp (cr->source, source) == 0)
      g_ptr_array_add (candidates, cr->rating);
  }
  r = ws_ratings_pick (candidates, territory, NULL);
  for (guint i = 0; r != NULL && best == NULL && i < f->ratings->len; i++) {
    const WsCheckRating *cr = f->ratings->pdata[i];

    if (cr->rating == r)
      best = cr;
  }
  g_ptr_array_free (candidates, TRUE);
  return best;
}

static char *
rating_name (const WsRating *r)
{
  if (ws_rating_is_resolved (r))
    return ws_rating_to_string (r);
  return g_strdup_printf ("unresolved \"%s%s%s\"",
      r->source_system ? r->source_system : "",
      r->source_system && r->source_code ? " " : "",
      r->source_code ? r->source_code : "?");
}

static const char *
short_origin (const WsCheckRating *cr)
{
  return strcmp (cr->source, "sidecar") == 0 ? "sidecar" : cr->origin;
}

static GPtrArray *
territories_to_check (const WsCheckFile *f, const WsCheckOptions *opts)
{
  GPtrArray *t = g_ptr_array_new ();

  if (opts->territories != NULL) {
    for (const char *const *p = opts->territories; *p; p++) {
      const char *n = ws_territory_normalise (*p);

      g_ptr_array_add (t, (gpointer) (n ? n : *p));
    }
    return t;
  }
  for (guint i = 0; i < f->ratings->len; i++) {
    const WsRating *r = ((const WsCheckRating *) f->ratings->pdata[i])->rating;
    const char *n = r->territory ? ws_territory_normalise (r->territory) : NULL;

    if (n != NULL &&
        !g_ptr_array_find_with_equal_func (t, n, g_str_equal, NULL))
      g_ptr_array_add (t, (gpointer) n);
  }
  return t;
}

/* "bbfc:18 for GB (LAW_RATING), ..." : the ratings of other territories,
 * which do not count for the one asked about (a rating counts for a
 * territory only if its system belongs to it or the file says so). NULL
 * when there are none. */
static char *
ratings_elsewhere (const WsCheckFile *f)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < f->ratings->len; i++) {
    const WsCheckRating *cr = f->ratings->pdata[i];
    char *name;

    if (cr->rating->territory == NULL)
      continue;
    name = rating_name (cr->rating);
    g_string_append_printf (s, "%s%s for %s (%s)", s->len ? ", " : "", name,
        cr->rating->territory, short_origin (cr));
    g_free (name);
  }
  if (s->len == 0) {
    g_string_free (s, TRUE);
    return NULL;
  }
  return g_string_free (s, FALSE);
}

static void
check_rating_present (WsCheckFile *f, GPtrArray *territories)
{
  if (f->ratings->len == 0 && territories->len == 0) {
    add_item (f, "rating-present", NULL, WS_CHECK_FAIL,
        "no rating: none embedded in the file and no sidecar metadata "
        "(looked for a .xml file with the same base name)");
    return;
  }
  if (territories->len == 0) {
    const WsCheckRating *cr = pick (f, NULL, NULL);
    char *name = rating_name (cr->rating);

    add_item (f, "rating-present", NULL,
        ws_rating_is_resolved (cr->rating) ? WS_CHECK_PASS : WS_CHECK_FAIL,
        "%s (%s), for every territory", name, short_origin (cr));
    g_free (name);
    return;
  }
  for (guint i = 0; i < territories->len; i++) {
    const char *t = territories->pdata[i];
    const WsCheckRating *cr = pick (f, NULL, t);
    char *name;

    if (cr == NULL) {
      char *others = ratings_elsewhere (f);

      add_item (f, "rating-present", t, WS_CHECK_FAIL,
          "no rating for %s: none embedded in the file%s%s%s", t,
          f->sidecar_path ? " nor in the sidecar" : " and no sidecar metadata",
          others ? "; found only " : "", others ? others : "");
      g_free (others);
      continue;
    }
    name = rating_name (cr->rating);
    if (ws_rating_is_resolved (cr->rating))
      add_item (f, "rating-present", t, WS_CHECK_PASS, "%s: %s (%s)", t, name,
          short_origin (cr));
    else
      add_item (f, "rating-present", t, WS_CHECK_FAIL,
          "%s: %s (%s) is not a known rating: treated as unrated", t, name,
          short_origin (cr));
    g_free (name);
  }
}

static void
check_agreement_one (WsCheckFile *f, const char *t)
{
  const WsCheckRating *e = pick (f, "embedded", t);
  const WsCheckRating *s = pick (f, "sidecar", t);
  const char *where = t ? t : "every territory";
  char *en, *sn;
  gboolean same;

  if (e == NULL || s == NULL) {
    add_item (f, "rating-agreement", t, WS_CHECK_NOT_APPLICABLE, "%s: %s",
        where,
        e == NULL && s == NULL ? "no rating to compare" :
        e == NULL              ? "only the sidecar has a rating" :
                                 "only the file has a rating");
    return;
  }
  en = rating_name (e->rating);
  sn = rating_name (s->rating);
  same = ws_rating_is_resolved (e->rating) &&
         ws_rating_is_resolved (s->rating) &&
         ((g_ascii_strcasecmp (e->rating->system, s->rating->system) == 0 &&
              g_ascii_strcasecmp (e->rating->code, s->rating->code) == 0) ||
             e->rating->minimum_age == s->rating->minimum_age);
  if (same)
    add_item (f, "rating-agreement", t, WS_CHECK_PASS,
        "%s: embedded %s (%s) agrees with sidecar %s", where, en, e->origin,
        sn);
  else
    add_item (f, "rating-agreement", t, WS_CHECK_FAIL,
        "%s: embedded %s (%s, minimum age %d) disagrees with sidecar %s (%s, "
        "minimum age %d)",
        where, en, e->origin, e->rating->minimum_age, sn, s->origin,
        s->rating->minimum_age);
  g_free (en);
  g_free (sn);
}

static void
check_agreement (WsCheckFile *f, GPtrArray *territories)
{
  if (territories->len == 0) {
    check_agreement_one (f, NULL);
    return;
  }
  for (guint i = 0; i < territories->len; i++)
    check_agreement_one (f, territories->pdata[i]);
}

static void
check_guidance (WsCheckFile *f)
{
  guint n = 0, longest = 0, bad = 0;
  GString *msg = g_string_new (NULL);

  for (guint i = 0; i < f->ratings->len; i++) {
    const WsCheckRating *cr = f->ratings->pdata[i];

    for (guint j = 0; j < cr->rating->texts->len; j++) {
      const WsGuidanceText *gt = cr->rating->texts->pdata[j];
      guint len = (guint) g_utf8_strlen (gt->text ? gt->text : "", -1);

      n++;
      longest = MAX (longest, len);
      if (len > WS_CHECK_GUIDANCE_MAX_CHARS) {
        char *name = rating_name (cr->rating);

        g_string_append_printf (msg,
            "%s%s %s guidance text%s%s%s has %u "
            "characters",
            bad ? "; " : "", short_origin (cr), name, gt->lang ? " (" : "",
            gt->lang ? gt->lang : "", gt->lang ? ")" : "", len);
        g_free (name);
        bad++;
      }
    }
  }
  if (bad > 0)
    add_item (f, "guidance-text", NULL, WS_CHECK_FAIL,
        "%s; DVB-I allows at most %d", msg->str, WS_CHECK_GUIDANCE_MAX_CHARS);
  else if (n == 0)
    add_item (f, "guidance-text", NULL, WS_CHECK_NOT_APPLICABLE,
        "no guidance text");
  else
    add_item (f, "guidance-text", NULL, WS_CHECK_PASS,
        "%u guidance text%s, the longest %u characters (at most %d)", n,
        n == 1 ? "" : "s", longest, WS_CHECK_GUIDANCE_MAX_CHARS);
  g_string_free (msg, TRUE);
}

/* "FRANK 0300 123 6600, Childline 0800 1111 (not verified)" */
static char *
helplines_text (const GPtrArray *hl, guint *n_unverified)
{
  GString *s = g_string_new (NULL);

  *n_unverified = 0;
  for (guint i = 0; i < hl->len; i++) {
    const WsHelpline *h = g_ptr_array_index (hl, i);

    g_string_append_printf (s, "%s%s %s%s", s->len ? ", " : "", h->name,
        h->number ? h->number : h->url, h->verified ? "" : " (not verified)");
    if (!h->verified)
      (*n_unverified)++;
  }
  return g_string_free (s, FALSE);
}

/* support-info: for each territory whose rating calls for support topics
 * (descriptors through ratings/support/topics.xml, or the sidecar's
 * <support topic>), are helplines configured? A topic no data file
 * declares fails (a typo would silently show nothing); a topic without a
 * helpline, or helplines not verified at their source, warn: showing
 * support information is a broadcaster's practice, not a rule of the
 * shipped policies, so it does not fail the file. No item when no rating
 * calls for support. */
/* The topics every rating for @t (or for every territory) calls for,
 * embedded and sidecar, segments included, without repeats: one rating's
 * explicit topics are never lost to another being picked. */
static char **
support_topics_for (const WsCheckFile *f, const WsCheckOptions *opts,
    const WsSupportDirectory *dir, const char *t)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < f->ratings->len; i++) {
    const WsRating *r = ((const WsCheckRating *) f->ratings->pdata[i])->rating;
    const char *rt = r->territory ? ws_territory_normalise (r->territory) :
                                    NULL;
    char **topics;

    if (t != NULL && rt != NULL && strcmp (rt, t) != 0)
      continue;
    topics = ws_support_topics_for_rating (dir, opts->reg, r);
    for (char **it = topics; *it; it++) {
      if (!g_ptr_array_find_with_equal_func (out, *it, g_str_equal, NULL))
        g_ptr_array_add (out, g_strdup (*it));
    }
    g_strfreev (topics);
  }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static void
check_support_one (WsCheckFile *f, const WsCheckOptions *opts,
    const WsSupportDirectory *dir, const WsCheckRating *cr, const char *t)
{
  char **topics = support_topics_for (f, opts, dir, t);
  char **declared, **missing = NULL;
  GString *unknown = g_string_new (NULL);
  char *name = NULL, *called = NULL, *shown = NULL;
  GPtrArray *hl = NULL;
  guint n_unverified = 0;

  if (topics[0] == NULL)
    goto end;
  name = rating_name (cr->rating);
  called = g_strjoinv (", ", topics);
  declared = ws_support_directory_list_topics (dir);
  for (char **it = topics; *it; it++) {
    if (!g_strv_contains ((const char *const *) declared, *it))
      g_string_append_printf (unknown, "%s\"%s\"", unknown->len ? ", " : "",
          *it);
  }
  g_strfreev (declared);
  if (unknown->len > 0) {
    add_item (f, "support-info", t, WS_CHECK_FAIL,
        "%s: %s (%s) names support topic %s, which ratings/support/topics.xml "
        "does not declare; use one of its topics",
        t ? t : "every territory", name, short_origin (cr), unknown->str);
    goto end;
  }
  if (t == NULL) {
    add_item (f, "support-info", NULL, WS_CHECK_WARN,
        "%s (%s, for every territory) calls for support information (%s); "
        "give --territory to check the helplines of a territory",
        name, short_origin (cr), called);
    goto end;
  }
  hl = ws_support_lookup (dir, t, (const char *const *) topics);
  missing = ws_support_missing_topics (dir, t, (const char *const *) topics);
  shown = helplines_text (hl, &n_unverified);
  if (ws_support_directory_get_territory_file (dir, t) == NULL)
    add_item (f, "support-info", t, WS_CHECK_WARN,
        "%s: %s calls for support information (%s), but none is configured "
        "for %s (no file in ratings/support); add one or the end card shows "
        "nothing",
        t, name, called, t);
  else if (missing[0] != NULL) {
    char *m = g_strjoinv (", ", missing);

    add_item (f, "support-info", t, WS_CHECK_WARN,
        "%s: %s calls for support information (%s), but %s has no helpline "
        "for %s (see the gaps in %s); the end card shows %s",
        t, name, called, t, m, ws_support_directory_get_territory_file (dir, t),
        hl->len ? shown : "nothing");
    g_free (m);
  } else if (n_unverified > 0)
    add_item (f, "support-info", t, WS_CHECK_WARN,
        "%s: %s calls for support information (%s): %s; %u of them not "
        "verified at their source, check before broadcast",
        t, name, called, shown, n_unverified);
  else
    add_item (f, "support-info", t, WS_CHECK_PASS,
        "%s: %s calls for support information (%s): %s", t, name, called,
        shown);
end:
  if (hl != NULL)
    g_ptr_array_unref (hl);
  g_strfreev (missing);
  g_strfreev (topics);
  g_string_free (unknown, TRUE);
  g_free (name);
  g_free (called);
  g_free (shown);
}

static void
check_support (WsCheckFile *f, const WsCheckOptions *opts,
    GPtrArray *territories)
{
  const WsSupportDirectory *dir = opts->support;
  GError *error = NULL;
  gboolean any = FALSE;

  for (guint i = 0; i < f->ratings->len && !any; i++) {
    const WsRating *r = ((const WsCheckRating *) f->ratings->pdata[i])->rating;
    any = r->support_topics->len > 0 || r->descriptors->len > 0;
  }
  if (!any)
    return;
  if (dir == NULL)
    dir = ws_support_directory_get_default (&error);
  if (dir == NULL) {
    add_item (f, "support-info", NULL, WS_CHECK_FAIL,
        "cannot tell which support information the ratings call for: %s",
        error->message);
    g_error_free (error);
    return;
  }
  if (territories->len == 0) {
    const WsCheckRating *cr = pick (f, NULL, NULL);
    if (cr != NULL)
      check_support_one (f, opts, dir, cr, NULL);
    return;
  }
  for (guint i = 0; i < territories->len; i++) {
    const WsCheckRating *cr = pick (f, NULL, territories->pdata[i]);
    if (cr != NULL)
      check_support_one (f, opts, dir, cr, territories->pdata[i]);
  }
}

static void
check_policy (WsCheckFile *f, const WsCheckOptions *opts)
{
  const WsPolicy *p = opts->policy;
  const char *jurisdiction = ws_policy_get_jurisdiction (p);
  const WsCheckRating *cr = pick (f, "sidecar", jurisdiction);
  const WsRatingDef *def;
  WsCheckPolicy *cp = g_new0 (WsCheckPolicy, 1);
  GError *error = NULL;

  if (cr == NULL || !ws_rating_is_resolved (cr->rating))
    cr = pick (f, NULL, jurisdiction);
  def = cr ? ws_rating_lookup (opts->reg, cr->rating, NULL, NULL) : NULL;
  cp->policy_id = g_strdup (ws_policy_get_id (p));
  cp->rating = def ? g_strdup (ws_rating_def_get_name (def)) : NULL;
  cp->slot_us = WS_TIME_NONE;
  f->policy = cp;

  cp->windows = ws_policy_windows (p, opts->service_class, def, opts->from_us,
      opts->to_us, WS_ACCESS_NONE, &error);
  if (cp->windows == NULL) {
    add_item (f, "policy-windows", jurisdiction, WS_CHECK_FAIL, "%s: %s",
        cp->policy_id, error->message);
    g_clear_error (&error);
    cp->windows = g_array_new (FALSE, FALSE, sizeof (WsInterval));
  } else {
    char *from = ws_policy_format_time (p, opts->from_us);
    char *to = ws_policy_format_time (p, opts->to_us);

    if (cp->windows->len == 0) {
      add_item (f, "policy-windows", jurisdiction, WS_CHECK_FAIL,
          "%s: %s may not be shown at any time from %s to %s", cp->policy_id,
          cp->rating ? cp->rating : "unrated content", from, to);
    } else {
      WsInterval *w = &g_array_index (cp->windows, WsInterval, 0);
      char *ws = ws_policy_format_time (p, w->start_us);
      char *we = ws_policy_format_time (p, w->end_us);

      add_item (f, "policy-windows", jurisdiction, WS_CHECK_PASS,
          "%s: %s allowed in %u window%s from %s to %s, the first %s to %s",
          cp->policy_id, cp->rating ? cp->rating : "unrated content",
          cp->windows->len, cp->windows->len == 1 ? "" : "s", from, to, ws, we);
      g_free (ws);
      g_free (we);
    }
    g_free (from);
    g_free (to);
  }
  if (opts->slot_us != WS_TIME_NONE) {
    char *at = ws_policy_format_time (p, opts->slot_us);

    cp->slot_us = opts->slot_us;
    ws_policy_decide (p, opts->service_class, def, opts->slot_us,
        WS_ACCESS_NONE, &cp->slot);
    cp->slot_description = ws_policy_describe_decision (p, &cp->slot);
    add_item (f, "policy-slot", jurisdiction,
        cp->slot.allowed ? WS_CHECK_PASS : WS_CHECK_FAIL, "%s: %s at %s: %s",
        cp->policy_id, cp->rating ? cp->rating : "unrated content", at,
        cp->slot_description);
    g_free (at);
  }
}

static void
run_checks (WsCheckFile *f, const WsCheckOptions *opts)
{
  GPtrArray *territories = territories_to_check (f, opts);

  check_rating_present (f, territories);
  check_agreement (f, territories);
  check_guidance (f);
  check_support (f, opts, territories);
  g_ptr_array_unref (territories);

  add_item (f, "integrity", NULL, f->integrity_status, "%s",
      f->integrity_message);
  if (f->has_audio && f->audio_tracks->len > 1) {
    /* every track judged: one item each, named */
    for (guint i = 0; i < f->audio_tracks->len; i++) {
      const WsCheckAudioTrack *a = &g_array_index (f->audio_tracks,
          WsCheckAudioTrack, i);
      char *subject = g_strdup_printf ("audio track %d", a->track);

      add_item (f, "loudness", subject, a->status, "%s", a->message);
      g_free (subject);
    }
  } else if (f->has_audio)
    add_item (f, "loudness", NULL, f->loudness_status, "%s",
        f->loudness_message);
  else
    add_item (f, "loudness", NULL,
        opts->require_audio ? WS_CHECK_FAIL : WS_CHECK_NOT_APPLICABLE,
        "no audio stream%s", opts->require_audio ? " (audio required)" : "");
  if (f->has_video)
    add_item (f, "flash", NULL, f->flash_status, "%s", f->flash_message);
  else
    add_item (f, "flash", NULL,
        opts->require_video ? WS_CHECK_FAIL : WS_CHECK_NOT_APPLICABLE,
        "no video stream%s", opts->require_video ? " (video required)" : "");
  if (opts->policy != NULL)
    check_policy (f, opts);
}

WsCheckFile *
ws_check_file (const char *path, const WsCheckOptions *opts,
    WsCheckProgressFunc progress, gpointer user_data)
{
  WsCheckFile *f;

  g_return_val_if_fail (path != NULL && opts != NULL && opts->reg != NULL,
      NULL);
  f = check_file_new (path);
  analyse_media (f, opts, progress, user_data);
  if (f->error != NULL) {
    f->status = WS_CHECK_ERROR;
    return f;
  }
  read_sidecar (f, opts);
  if (f->error != NULL) {
    f->status = WS_CHECK_ERROR;
    return f;
  }
  run_checks (f, opts);
  f->status = WS_CHECK_PASS;
  for (guint i = 0; i < f->checks->len; i++)
    if (g_array_index (f->checks, WsCheckItem, i).status == WS_CHECK_FAIL)
      f->status = WS_CHECK_FAIL;
  return f;
}
