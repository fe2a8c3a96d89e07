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
#include <libavutil/crc.h>
#include <libavutil/pixdesc.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

#include "ws-av.h"
#include "ws-cli.h"
#include "ws-embedded.h"
#include "ws-territory.h"

#define EIT_PID 0x12
#define TS_PACKET 188
#define DEFAULT_EIT_SCAN_BYTES (16 * 1024 * 1024)
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
  now = g_get_real_time ();
  opts->from_us = now;
  opts->to_us = now + 7 * G_TIME_SPAN_DAY;
  opts->slot_us = WS_TIME_NONE;
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
  g_free (file);
}

static WsCheckFile *
check_file_new (const char *path)
{
  WsCheckFile *f = g_new0 (WsCheckFile, 1);

  f->path = g_strdup (path);
  f->duration_s = -1;
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
  return f;
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

/* ---- MPEG-TS EIT scan ---------------------------------------------------- */

typedef struct {
  const WsRatingRegistry *reg;
  GPtrArray *notes;
  GPtrArray *ratings; /* the result */
  gboolean found;
  guint8 section[4096 + 3];
  gsize have;
  gboolean collecting;
  int last_cc;
  guint8 carry[TS_PACKET];
  gsize carry_len;
  gboolean synced;
} EitScanner;

static void
eit_section (EitScanner *sc, const guint8 *s, gsize n)
{
  const AVCRC *crc = av_crc_get_table (AV_CRC_32_IEEE);
  gsize pos = 14;
  gboolean any = FALSE;

  /* p/f actual (0x4E), section_syntax_indicator, section 0 = present */
  if (n < 18 || s[0] != 0x4E || !(s[1] & 0x80) || s[6] != 0)
    return;
  if (av_crc (crc, UINT32_MAX, s, n) != 0) {
    if (sc->notes)
      g_ptr_array_add (sc->notes,
          g_strdup ("EIT present/following section with a bad CRC "
                    "skipped"));
    return;
  }
  /* the present event is the first (and only) event of section 0 */
  if (pos + 12 <= n - 4) {
    gsize dlen = (gsize) ((s[pos + 10] & 0x0f) << 8 | s[pos + 11]);
    gsize d = pos + 12, dend = d + dlen;

    if (dend > n - 4)
      dend = d; /* a descriptor loop longer than the section: ignored */
    while (d + 2 <= dend) {
      gsize len = s[d + 1];

      if (d + 2 + len > dend)
        break;
      if (s[d] == WS_DVB_PARENTAL_RATING_TAG) {
        GError *error = NULL;
        GPtrArray *r = ws_embedded_parse_dvb_parental_rating (sc->reg, s + d,
            2 + len, sc->notes, &error);

        if (r == NULL) {
          if (sc->notes)
            g_ptr_array_add (sc->notes, g_strdup (error->message));
          g_error_free (error);
        } else {
          for (guint i = 0; i < r->len; i++)
            g_ptr_array_add (sc->ratings, ws_rating_copy (r->pdata[i]));
          g_ptr_array_unref (r);
          any = TRUE;
        }
      }
      d += 2 + len;
    }
  }
  if (any)
    sc->found = TRUE;
}

/* Appends payload bytes to the section being collected; completes it. */
static void
eit_payload (EitScanner *sc, const guint8 *p, gsize n, gboolean start)
{
  while (n > 0 && !sc->found) {
    gsize want, take;

    if (start) {
      if (p[0] == 0xFF)
        return; /* stuffing */
      sc->collecting = TRUE;
      sc->have = 0;
      start = FALSE;
    }
    if (!sc->collecting)
      return;
    want = 3;
    if (sc->have >= 3)
      want = 3 + (gsize) ((sc->section[1] & 0x0f) << 8 | sc->section[2]);
    take = MIN (n, want - sc->have);
    memcpy (sc->section + sc->have, p, take);
    sc->have += take;
    p += take;
    n -= take;
    if (sc->have < 3)
      continue; /* n is 0: wait for the next packet */
    want = 3 + (gsize) ((sc->section[1] & 0x0f) << 8 | sc->section[2]);
    if (sc->have == want) {
      eit_section (sc, sc->section, sc->have);
      sc->collecting = FALSE;
      sc->have = 0;
      start = TRUE; /* another section may follow in this packet */
    }
  }
}

static void
eit_packet (EitScanner *sc, const guint8 *pkt)
{
  int pid = (pkt[1] & 0x1f) << 8 | pkt[2];
  gboolean pusi = (pkt[1] & 0x40) != 0;
  int afc = (pkt[3] >> 4) & 3, cc = pkt[3] & 0x0f;
  gsize off = 4;

  if (pid != EIT_PID || !(afc & 1) || (pkt[1] & 0x80))
    return;
  if (afc & 2)
    off += 1 + (gsize) pkt[4];
  if (off >= TS_PACKET)
    return;
  if (sc->last_cc >= 0 && cc != ((sc->last_cc + 1) & 0x0f) && !pusi)
    sc->collecting = FALSE; /* lost a packet: drop the partial section */
  sc->last_cc = cc;
  if (pusi) {
    gsize pointer = pkt[off];

    off++;
    if (off + pointer > TS_PACKET)
      return;
    if (sc->collecting)
      eit_payload (sc, pkt + off, pointer, FALSE);
    sc->collecting = FALSE;
    eit_payload (sc, pkt + off + pointer, TS_PACKET - off - pointer, TRUE);
  } else {
    eit_payload (sc, pkt + off, TS_PACKET - off, FALSE);
  }
}

static void
eit_scanner_init (EitScanner *sc, const WsRatingRegistry *reg, GPtrArray *notes)
{
  memset (sc, 0, sizeof (*sc));
  sc->reg = reg;
  sc->notes = notes;
  sc->last_cc = -1;
  sc->ratings = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_rating_free);
}

/* Feeds bytes of the stream; packets may straddle calls. */
static void
eit_feed (EitScanner *sc, const guint8 *data, gsize len)
{
  while (len > 0 && !sc->found) {
    if (sc->carry_len > 0 || len < TS_PACKET) {
      gsize take = MIN (len, TS_PACKET - sc->carry_len);

      memcpy (sc->carry + sc->carry_len, data, take);
      sc->carry_len += take;
      data += take;
      len -= take;
      if (sc->carry_len < TS_PACKET)
        return;
      sc->carry_len = 0;
      if (sc->carry[0] == 0x47)
        eit_packet (sc, sc->carry);
      continue;
    }
    if (data[0] != 0x47) {
      /* resynchronise: the next 0x47 followed by one a packet later */
      data++;
      len--;
      continue;
    }
    eit_packet (sc, data);
    data += TS_PACKET;
    len -= TS_PACKET;
  }
}

GPtrArray *
ws_check_scan_eit (const guint8 *data, gsize len, const WsRatingRegistry *reg,
    GPtrArray *notes)
{
  EitScanner sc;

  g_return_val_if_fail (reg != NULL, NULL);
  eit_scanner_init (&sc, reg, notes);
  if (data != NULL)
    eit_feed (&sc, data, len);
  return sc.ratings;
}

static void
read_eit (WsCheckFile *f, const WsCheckOptions *opts)
{
  gsize limit = opts->eit_scan_bytes ? opts->eit_scan_bytes :
                                       DEFAULT_EIT_SCAN_BYTES;
  GPtrArray *notes = g_ptr_array_new_with_free_func (g_free);
  guint8 *buf = g_malloc (64 * TS_PACKET * 16);
  gsize total = 0;
  EitScanner sc;
  FILE *fp;

  eit_scanner_init (&sc, opts->reg, notes);
  fp = g_fopen (f->path, "rb");
  while (fp != NULL && total < limit && !sc.found) {
    size_t n = fread (buf, 1, 64 * TS_PACKET * 16, fp);

    if (n == 0)
      break;
    eit_feed (&sc, buf, n);
    total += n;
  }
  if (fp)
    fclose (fp);
  for (guint i = 0; i < sc.ratings->len; i++)
    add_rating (f, "embedded", "EIT parental_rating_descriptor",
        ws_rating_copy (sc.ratings->pdata[i]));
  for (guint i = 0; i < notes->len; i++)
    g_ptr_array_add (f->warnings,
        g_strdup_printf ("EIT: %s", (char *) notes->pdata[i]));
  g_ptr_array_unref (sc.ratings);
  g_ptr_array_unref (notes);
  g_free (buf);
}

/* ---- embedded ratings from libavformat metadata -------------------------- */

static void
add_notes (WsCheckFile *f, const char *prefix, GPtrArray *notes)
{
  for (guint i = 0; i < notes->len; i++)
    g_ptr_array_add (f->warnings,
        g_strdup_printf ("%s: %s", prefix, (char *) notes->pdata[i]));
}

static void
read_embedded (WsCheckFile *f, AVFormatContext *fmt, const WsCheckOptions *opts)
{
  const AVDictionaryEntry *e = NULL;
  GPtrArray *tags = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *notes = g_ptr_array_new_with_free_func (g_free);
  gboolean law = FALSE;

  while ((e = av_dict_get (fmt->metadata, "", e, AV_DICT_IGNORE_SUFFIX))) {
    if (g_ascii_strcasecmp (e->key, "iTunEXTC") == 0) {
      GError *error = NULL;
      char *note = NULL;
      WsRating *r = ws_embedded_parse_itunextc (opts->reg, e->value, &note,
          &error);

      if (r != NULL)
        add_rating (f, "embedded", "iTunEXTC", r);
      else {
        g_ptr_array_add (f->warnings,
            g_strdup_printf ("iTunEXTC \"%s\": %s", e->value, error->message));
        g_error_free (error);
      }
      if (note)
        g_ptr_array_add (f->warnings, g_strdup_printf ("iTunEXTC: %s", note));
      g_free (note);
      continue;
    }
    if (strstr (e->key, "LAW_RATING") != NULL)
      law = TRUE;
    g_ptr_array_add (tags, g_strdup_printf ("%s=%s", e->key, e->value));
  }
  if (law) {
    GPtrArray *r = ws_embedded_parse_matroska_tags (opts->reg,
        (const char *const *) tags->pdata, tags->len, NULL, NULL, notes);

    for (guint i = 0; i < r->len; i++)
      add_rating (f, "embedded", "LAW_RATING", ws_rating_copy (r->pdata[i]));
    g_ptr_array_unref (r);
    add_notes (f, "LAW_RATING", notes);
  }
  g_ptr_array_unref (tags);
  g_ptr_array_unref (notes);
  if (fmt->iformat && strcmp (fmt->iformat->name, "mpegts") == 0)
    read_eit (f, opts);
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

typedef struct {
  const WsCheckOptions *opts;
  WsCheckFile *f;
  AVFormatContext *fmt;
  /* audio */
  int a_index;
  AVCodecContext *a_dec;
  WsLoudness *loudness;
  SwrContext *swr;
  int swr_in_format, swr_in_rate;
  AVChannelLayout swr_in_layout;
  AVChannelLayout a_layout; /* the measured layout */
  float *swr_buf;
  int swr_buf_frames;
  guint64 a_frames;
  unsigned int tick_frames, since_tick;
  double a_start_s;
  gboolean a_started;
  gint64 a_decoded;
  Series loud;
  /* video */
  int v_index;
  AVCodecContext *v_dec;
  WsFlash *flash;
  enum AVPixelFormat v_target; /* the pixel format the core is fed */
  WsFlashFormat v_format;
  int v_width, v_height;
  struct SwsContext *sws;
  AVFrame *v_conv;
  int64_t last_pts_ns;
  double v_end_s;
  Series risk;
  /* errors */
  int decode_errors;
  char *fatal;
} Decoder;

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
loudness_start (Decoder *d, const AVFrame *frame)
{
  const AVChannelLayout *l = &frame->ch_layout;
  unsigned int n = (unsigned int) l->nb_channels;
  WsLoudnessChannel map[WS_LOUDNESS_MAX_CHANNELS];
  WsLoudnessLayout layout = WS_LOUDNESS_LAYOUT_DEFAULT;
  WsResult res;

  if (n == 0 || n > WS_LOUDNESS_MAX_CHANNELS || frame->sample_rate <= 0) {
    d->fatal = g_strdup_printf ("%s: audio with %u channels at %d Hz cannot "
                                "be measured",
        d->f->path, n, frame->sample_rate);
    return FALSE;
  }
  if (n > 2 && (l->order == AV_CHANNEL_ORDER_NATIVE ||
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
  res = ws_loudness_new (&d->loudness, n, (unsigned int) frame->sample_rate,
      layout, map, WS_LOUDNESS_FLAG_TRUE_PEAK);
  if (res != WS_RESULT_OK) {
    d->fatal = g_strdup_printf ("%s: audio with %u channels at %d Hz cannot "
                                "be measured: %s",
        d->f->path, n, frame->sample_rate, ws_result_to_string (res));
    return FALSE;
  }
  av_channel_layout_copy (&d->a_layout, l);
  d->tick_frames = (unsigned int) MAX (1, frame->sample_rate / 10);
  d->f->audio_channels = (int) n;
  d->f->audio_rate_hz = frame->sample_rate;
  return TRUE;
}

static void
loudness_point (Decoder *d)
{
  double m = NAN, s = NAN, t;

  ws_loudness_get_momentary (d->loudness, &m);
  ws_loudness_get_shortterm (d->loudness, &s);
  t = d->a_start_s + (double) d->a_frames / d->f->audio_rate_hz;
  series_add (&d->loud, t, m, s);
}

/* Adds @n frames starting at frame @off of interleaved (@planes[0]) or
 * planar data, in the core's format @fmt, cutting at every 100 ms tick. */
static void
loudness_add (Decoder *d, int fmt, uint8_t *const *planes, size_t n)
{
  unsigned int ch = ws_loudness_get_channels (d->loudness);
  size_t off = 0;

  while (off < n) {
    size_t chunk = MIN (n - off, (size_t) (d->tick_frames - d->since_tick));
    WsResult res = WS_RESULT_OK;

    switch (fmt) {
      case AV_SAMPLE_FMT_FLT:
        res = ws_loudness_add_frames_f32 (d->loudness,
            (const float *) planes[0] + off * ch, chunk);
        break;
      case AV_SAMPLE_FMT_DBL:
        res = ws_loudness_add_frames_f64 (d->loudness,
            (const double *) planes[0] + off * ch, chunk);
        break;
      case AV_SAMPLE_FMT_S16:
        res = ws_loudness_add_frames_s16 (d->loudness,
            (const int16_t *) planes[0] + off * ch, chunk);
        break;
      case AV_SAMPLE_FMT_S32:
        res = ws_loudness_add_frames_s32 (d->loudness,
            (const int32_t *) planes[0] + off * ch, chunk);
        break;
      case AV_SAMPLE_FMT_FLTP: {
        const float *p[WS_LOUDNESS_MAX_CHANNELS];

        for (unsigned int c = 0; c < ch; c++)
          p[c] = (const float *) planes[c] + off;
        res = ws_loudness_add_planar_f32 (d->loudness, p, chunk);
        break;
      }
      default:
        g_assert_not_reached ();
    }
    if (res != WS_RESULT_OK && d->fatal == NULL)
      d->fatal = g_strdup_printf ("%s: loudness measurement failed: %s",
          d->f->path, ws_result_to_string (res));
    off += chunk;
    d->a_frames += chunk;
    d->since_tick += (unsigned int) chunk;
    if (d->since_tick >= d->tick_frames) {
      d->since_tick = 0;
      loudness_point (d);
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
audio_convert (Decoder *d, const AVFrame *frame)
{
  int out_frames, got;

  if (frame != NULL &&
      (d->swr == NULL || d->swr_in_format != frame->format ||
          d->swr_in_rate != frame->sample_rate ||
          av_channel_layout_compare (&d->swr_in_layout, &frame->ch_layout))) {
    int ret;

    swr_free (&d->swr);
    av_channel_layout_uninit (&d->swr_in_layout);
    av_channel_layout_copy (&d->swr_in_layout, &frame->ch_layout);
    ret = swr_alloc_set_opts2 (&d->swr, &d->a_layout, AV_SAMPLE_FMT_FLT,
        d->f->audio_rate_hz, &d->swr_in_layout, frame->format,
        frame->sample_rate, 0, NULL);
    if (ret >= 0)
      ret = swr_init (d->swr);
    if (ret < 0) {
      if (d->fatal == NULL)
        d->fatal = g_strdup_printf ("%s: cannot convert %s audio: %s",
            d->f->path,
            av_get_sample_fmt_name (frame->format) ?
                av_get_sample_fmt_name (frame->format) :
                "unknown",
            av_err2str (ret));
      swr_free (&d->swr);
      return;
    }
    d->swr_in_format = frame->format;
    d->swr_in_rate = frame->sample_rate;
  }
  if (d->swr == NULL)
    return;
  out_frames = swr_get_out_samples (d->swr, frame ? frame->nb_samples : 0);
  if (out_frames <= 0)
    return;
  if (out_frames > d->swr_buf_frames) {
    g_free (d->swr_buf);
    d->swr_buf = g_new (float, (gsize) out_frames * d->f->audio_channels);
    d->swr_buf_frames = out_frames;
  }
  got = swr_convert (d->swr, (uint8_t **) &d->swr_buf, out_frames,
      frame ? (const uint8_t **) frame->extended_data : NULL,
      frame ? frame->nb_samples : 0);
  if (got > 0)
    loudness_add (d, AV_SAMPLE_FMT_FLT, (uint8_t **) &d->swr_buf, (size_t) got);
}

static void
on_audio_frame (Decoder *d, AVFrame *frame)
{
  if (d->loudness == NULL) {
    double t;

    if (!loudness_start (d, frame))
      return;
    t = to_seconds (frame->best_effort_timestamp,
        d->fmt->streams[d->a_index]->time_base);
    d->a_start_s = isnan (t) ? 0.0 : MAX (0.0, t - file_start_s (d));
    series_init (&d->loud, LOUDNESS_TICK_S);
    d->a_started = TRUE;
  }
  d->a_decoded++;
  if (direct_sample_format (frame->format) && d->swr == NULL &&
      frame->sample_rate == d->f->audio_rate_hz &&
      frame->ch_layout.nb_channels == d->f->audio_channels)
    loudness_add (d, frame->format, frame->extended_data,
        (size_t) frame->nb_samples);
  else
    audio_convert (d, frame);
}

static void
on_flash_frame (const WsFlashFrameInfo *info, void *user_data)
{
  Decoder *d = user_data;

  series_add (&d->risk, (double) info->pts_ns / 1e9,
      info->risk[WS_FLASH_KIND_LUMINANCE], info->risk[WS_FLASH_KIND_RED]);
}

static gboolean
flash_start (Decoder *d, const AVFrame *frame)
{
  WsFlashRange range;
  WsFlashFormat format = ws_av_flash_format (frame->format, &range);
  WsFlashParams params;
  WsResult res;

  ws_flash_params_init (&params);
  params.sample_step = d->opts->flash_sample_step > 0 ?
                           d->opts->flash_sample_step :
                           MAX (params.sample_step, frame->width / 480);
  params.sample_step = MIN (params.sample_step, 16);
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
    d->fatal = g_strdup_printf ("%s: %dx%d %s video cannot be analysed for "
                                "flashing: %s",
        d->f->path, frame->width, frame->height,
        av_get_pix_fmt_name (frame->format) ?
            av_get_pix_fmt_name (frame->format) :
            "unknown",
        ws_result_to_string (res));
    return FALSE;
  }
  d->v_format = format;
  d->v_width = frame->width;
  d->v_height = frame->height;
  d->f->width = frame->width;
  d->f->height = frame->height;
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
  if (d->fatal == NULL)
    d->fatal = g_strdup_printf ("%s: cannot convert %dx%d %s video for the "
                                "flash analysis",
        d->f->path, frame->width, frame->height,
        av_get_pix_fmt_name (frame->format) ?
            av_get_pix_fmt_name (frame->format) :
            "unknown");
  return NULL;
}

static void
on_video_frame (Decoder *d, AVFrame *frame)
{
  AVRational tb = d->fmt->streams[d->v_index]->time_base;
  const AVFrame *in;
  WsFlashFrame wf;
  double t;
  int64_t pts_ns;
  WsResult res;

  if (d->flash == NULL && !flash_start (d, frame))
    return;
  in = video_prepare (d, frame);
  if (in == NULL)
    return;
  t = to_seconds (frame->best_effort_timestamp, tb);
  if (!isnan (t))
    t -= file_start_s (d);
  pts_ns = isnan (t) ? d->last_pts_ns + 40000000 : (int64_t) llround (t * 1e9);
  if (d->f->video_frames > 0 && pts_ns <= d->last_pts_ns)
    pts_ns = d->last_pts_ns + 1;
  d->last_pts_ns = pts_ns;
  /* @in has the size and format the analyser was made for */
  ws_av_flash_frame (in, d->v_format, pts_ns, &wf);
  res = ws_flash_push_frame (d->flash, &wf);
  if (res != WS_RESULT_OK && d->fatal == NULL)
    d->fatal = g_strdup_printf ("%s: flash analysis failed at %.3f s: %s",
        d->f->path, (double) pts_ns / 1e9, ws_result_to_string (res));
  d->f->video_frames++;
  t = (double) pts_ns / 1e9 +
      (frame->pkt_duration > 0 ? to_seconds (frame->pkt_duration, tb) : 0.0);
  d->v_end_s = MAX (d->v_end_s, t);
}

/* Sends @pkt (NULL: drain) and takes every frame out. EAGAIN and EOF end the
 * loop and are not errors; invalid data is counted and skipped. */
static void
decode (Decoder *d, AVCodecContext *dec, const AVPacket *pkt, AVFrame *frame)
{
  int ret = avcodec_send_packet (dec, pkt);

  if (ret < 0 && ret != AVERROR_EOF) {
    d->decode_errors++;
    return;
  }
  while (d->fatal == NULL) {
    ret = avcodec_receive_frame (dec, frame);
    if (ret == AVERROR (EAGAIN) || ret == AVERROR_EOF)
      return;
    if (ret < 0) {
      d->decode_errors++;
      return;
    }
    if (dec == d->a_dec)
      on_audio_frame (d, frame);
    else
      on_video_frame (d, frame);
    av_frame_unref (frame);
  }
}

static int
open_decoder (Decoder *d, int index, AVCodecContext **out)
{
  AVStream *st = d->fmt->streams[index];
  const AVCodec *codec = avcodec_find_decoder (st->codecpar->codec_id);
  AVCodecContext *dec = NULL;
  int ret;

  if (codec == NULL) {
    d->fatal = g_strdup_printf ("%s: stream %d: no decoder for codec %s",
        d->f->path, index, avcodec_get_name (st->codecpar->codec_id));
    return AVERROR_DECODER_NOT_FOUND;
  }
  dec = avcodec_alloc_context3 (codec);
  if (dec == NULL)
    return AVERROR (ENOMEM);
  ret = avcodec_parameters_to_context (dec, st->codecpar);
  if (ret >= 0) {
    dec->thread_count = d->opts->decoder_threads;
    dec->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
    dec->pkt_timebase = st->time_base;
    ret = avcodec_open2 (dec, codec, NULL);
  }
  if (ret < 0) {
    d->fatal = g_strdup_printf ("%s: stream %d: cannot open the %s decoder: "
                                "%s",
        d->f->path, index, codec->name, av_err2str (ret));
    avcodec_free_context (&dec);
    return ret;
  }
  *out = dec;
  return 0;
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
finish_loudness (Decoder *d)
{
  WsCheckFile *f = d->f;
  WsLoudnessVerdict verdict;
  double v;

  if (d->loudness == NULL)
    return;
  if (d->since_tick > 0)
    loudness_point (d);
  copy_series (f->loudness_series, &d->loud);
  f->loudness_measured = TRUE;
  ws_loudness_preset_limits (d->opts->preset, &f->limits);
  if (ws_loudness_get_integrated (d->loudness, &v) == WS_RESULT_OK)
    f->integrated_lufs = v;
  if (ws_loudness_get_range (d->loudness, &v) == WS_RESULT_OK)
    f->lra_lu = v;
  if (ws_loudness_get_true_peak (d->loudness, WS_LOUDNESS_ALL_CHANNELS, &v) ==
      WS_RESULT_OK)
    f->true_peak_dbtp = v;
  if (ws_loudness_get_max_momentary (d->loudness, &v) == WS_RESULT_OK)
    f->max_momentary_lufs = v;
  if (ws_loudness_get_max_shortterm (d->loudness, &v) == WS_RESULT_OK)
    f->max_shortterm_lufs = v;
  if (ws_loudness_judge (d->loudness, &f->limits, &verdict) != WS_RESULT_OK) {
    f->loudness_status = WS_CHECK_FAIL;
    f->loudness_message = g_strdup ("the loudness could not be judged");
  } else if (verdict.pass) {
    f->loudness_status = WS_CHECK_PASS;
    f->loudness_message = g_strdup_printf ("%.1f LUFS, %.1f dBTP: within "
                                           "%s (%.0f LUFS ±%.1f LU, max "
                                           "%.0f dBTP)",
        f->integrated_lufs, f->true_peak_dbtp,
        ws_loudness_preset_to_string (d->opts->preset), f->limits.target_lufs,
        f->limits.tolerance_lu, f->limits.max_true_peak_dbtp);
  } else {
    GString *s = g_string_new (NULL);

    for (size_t i = 0; i < verdict.n_failures; i++)
      g_string_append_printf (s, "%s%s", i ? "; " : "",
          verdict.failures[i].reason);
    g_string_append_printf (s, " (%s)",
        ws_loudness_preset_to_string (d->opts->preset));
    f->loudness_status = WS_CHECK_FAIL;
    f->loudness_message = g_string_free (s, FALSE);
  }
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
  if (n == 0) {
    f->flash_message = g_strdup_printf ("no flashing over %" G_GINT64_FORMAT
                                        " frames",
        f->video_frames);
  } else {
    const WsFlashIncident *worst = &inc[0];

    for (size_t i = 1; i < n; i++)
      if (inc[i].verdict > worst->verdict)
        worst = &inc[i];
    f->flash_message = g_strdup_printf ("%zu incident%s; worst: %s %s "
                                        "flashing %.3f-%.3f s, %.1f "
                                        "flashes/s over %.0f%% of the screen",
        n, n == 1 ? "" : "s", ws_flash_verdict_to_string (worst->verdict),
        ws_flash_kind_to_string (worst->kind), (double) worst->start_ns / 1e9,
        (double) worst->end_ns / 1e9, worst->peak_flash_rate,
        worst->peak_area * 100.0);
  }
}

static void
decoder_clear (Decoder *d)
{
  avcodec_free_context (&d->a_dec);
  avcodec_free_context (&d->v_dec);
  ws_loudness_free (d->loudness);
  swr_free (&d->swr);
  av_channel_layout_uninit (&d->swr_in_layout);
  av_channel_layout_uninit (&d->a_layout);
  g_free (d->swr_buf);
  ws_flash_free (d->flash);
  sws_freeContext (d->sws);
  av_frame_free (&d->v_conv);
  if (d->loud.points)
    g_array_unref (d->loud.points);
  if (d->risk.points)
    g_array_unref (d->risk.points);
  g_free (d->fatal);
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

static void
analyse_media (WsCheckFile *f, const WsCheckOptions *opts,
    WsCheckProgressFunc progress, gpointer user_data)
{
  Decoder d = { 0 };
  AVPacket *pkt = NULL;
  AVFrame *frame = NULL;
  GStatBuf st;
  gint64 size;
  double last_fraction = 0.0, end_s;
  int ret;

  d.opts = opts;
  d.f = f;
  d.a_index = -1;
  d.v_index = -1;

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
  read_embedded (f, d.fmt, opts);

  d.a_index = av_find_best_stream (d.fmt, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
  d.v_index = av_find_best_stream (d.fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
  if (d.v_index >= 0 &&
      (d.fmt->streams[d.v_index]->disposition & AV_DISPOSITION_ATTACHED_PIC))
    d.v_index = -1; /* cover art is not programme video */
  if (d.a_index < 0 && d.v_index < 0) {
    f->error = g_strdup_printf ("%s: no audio or video stream (%s)", f->path,
        d.fmt->iformat->name);
    goto end;
  }
  if (d.a_index >= 0 && open_decoder (&d, d.a_index, &d.a_dec) < 0)
    goto fatal;
  if (d.v_index >= 0 && open_decoder (&d, d.v_index, &d.v_dec) < 0)
    goto fatal;
  f->has_audio = d.a_index >= 0;
  f->has_video = d.v_index >= 0;
  if (d.a_dec)
    f->audio_codec = g_strdup (d.a_dec->codec->name);
  if (d.v_dec)
    f->video_codec = g_strdup (d.v_dec->codec->name);
  for (unsigned int i = 0; i < d.fmt->nb_streams; i++)
    if ((int) i != d.a_index && (int) i != d.v_index)
      d.fmt->streams[i]->discard = AVDISCARD_ALL;

  pkt = av_packet_alloc ();
  frame = av_frame_alloc ();
  if (pkt == NULL || frame == NULL) {
    f->error = g_strdup_printf ("%s: out of memory", f->path);
    goto end;
  }
  size = d.fmt->pb ? avio_size (d.fmt->pb) : -1;
  while (d.fatal == NULL && (ret = av_read_frame (d.fmt, pkt)) >= 0) {
    if (pkt->stream_index == d.a_index)
      decode (&d, d.a_dec, pkt, frame);
    else if (pkt->stream_index == d.v_index)
      decode (&d, d.v_dec, pkt, frame);
    av_packet_unref (pkt);
    if (progress != NULL && size > 0) {
      double fraction = (double) avio_tell (d.fmt->pb) / (double) size;

      if (fraction >= last_fraction + 0.01) {
        last_fraction = fraction;
        progress (f->path, MIN (fraction, 1.0), user_data);
      }
    }
  }
  if (d.fatal != NULL)
    goto fatal;
  if (ret < 0 && ret != AVERROR_EOF) {
    f->error = g_strdup_printf ("%s: read error after %.1f s: %s", f->path,
        MAX (d.v_end_s,
            d.a_start_s + (d.f->audio_rate_hz ?
                                  (double) d.a_frames / d.f->audio_rate_hz :
                                  0.0)),
        av_err2str (ret));
    goto end;
  }
  if (d.a_dec)
    decode (&d, d.a_dec, NULL, frame);
  if (d.v_dec)
    decode (&d, d.v_dec, NULL, frame);
  if (d.swr != NULL)
    audio_convert (&d, NULL);
  if (d.fatal != NULL)
    goto fatal;

  if (d.a_index >= 0 && d.a_decoded == 0) {
    f->error = g_strdup_printf ("%s: the %s audio stream has no decodable "
                                "frame (%d decoding errors)",
        f->path, f->audio_codec, d.decode_errors);
    goto end;
  }
  if (d.v_index >= 0 && f->video_frames == 0) {
    f->error = g_strdup_printf ("%s: the %s video stream has no decodable "
                                "frame (%d decoding errors)",
        f->path, f->video_codec, d.decode_errors);
    goto end;
  }
  end_s = d.v_end_s;
  if (d.loudness)
    end_s = MAX (end_s, d.a_start_s + (double) d.a_frames / f->audio_rate_hz);
  if (f->duration_s > 1.0 && end_s < f->duration_s * 0.9 - 0.5) {
    f->error = g_strdup_printf ("%s: truncated: the media ends at %.1f s but "
                                "the container says %.1f s",
        f->path, end_s, f->duration_s);
    goto end;
  }
  if (f->duration_s < 0)
    f->duration_s = end_s;
  if (d.decode_errors > 0)
    g_ptr_array_add (f->warnings,
        g_strdup_printf ("%d packets could not be decoded and were skipped",
            d.decode_errors));
  finish_loudness (&d);
  finish_flash (&d);
  if (progress != NULL)
    progress (f->path, 1.0, user_data);
  goto end;

fatal:
  f->error = g_strdup (d.fatal);

end:
  av_packet_free (&pkt);
  av_frame_free (&frame);
  avformat_close_input (&d.fmt);
  decoder_clear (&d);
}

/* ---- checks -------------------------------------------------------------- */

static gboolean
rating_resolved (const WsRating *r)
{
  return r->system != NULL && r->code != NULL && r->minimum_age >= 0;
}

/* The rating of @source ("embedded", "sidecar", NULL = either) for
 * @territory (NULL = any): an exact territory first, then one for every
 * territory; resolved ones before unresolved. Segment ratings are skipped. */
static const WsCheckRating *
pick (const WsCheckFile *f, const char *source, const char *territory)
{
  const WsCheckRating *best = NULL;
  int best_score = -1;

  for (guint i = 0; i < f->ratings->len; i++) {
    const WsCheckRating *cr = f->ratings->pdata[i];
    const WsRating *r = cr->rating;
    int score;

    if (source != NULL && strcmp (cr->source, source) != 0)
      continue;
    if (r->start_ns >= 0 || r->end_ns >= 0)
      continue;
    if (territory == NULL)
      score = 1;
    else if (r->territory != NULL && strcmp (r->territory, territory) == 0)
      score = 2;
    else if (r->territory == NULL)
      score = 1;
    else
      continue;
    score = score * 2 + (rating_resolved (r) ? 1 : 0);
    if (score > best_score) {
      best = cr;
      best_score = score;
    }
  }
  return best;
}

static char *
rating_name (const WsRating *r)
{
  if (rating_resolved (r))
    return g_strdup_printf ("%s:%s", r->system, r->code);
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
        rating_resolved (cr->rating) ? WS_CHECK_PASS : WS_CHECK_FAIL,
        "%s (%s), for every territory", name, short_origin (cr));
    g_free (name);
    return;
  }
  for (guint i = 0; i < territories->len; i++) {
    const char *t = territories->pdata[i];
    const WsCheckRating *cr = pick (f, NULL, t);
    char *name;

    if (cr == NULL) {
      add_item (f, "rating-present", t, WS_CHECK_FAIL,
          "no rating for %s: none embedded in the file%s", t,
          f->sidecar_path ? " nor in the sidecar" : " and no sidecar metadata");
      continue;
    }
    name = rating_name (cr->rating);
    if (rating_resolved (cr->rating))
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
  same = rating_resolved (e->rating) && rating_resolved (s->rating) &&
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

static void
check_policy (WsCheckFile *f, const WsCheckOptions *opts)
{
  const WsPolicy *p = opts->policy;
  const char *jurisdiction = ws_policy_get_jurisdiction (p);
  const WsCheckRating *cr = pick (f, "sidecar", jurisdiction);
  const WsRatingDef *def;
  WsCheckPolicy *cp = g_new0 (WsCheckPolicy, 1);
  GError *error = NULL;

  if (cr == NULL || !rating_resolved (cr->rating))
    cr = pick (f, NULL, jurisdiction);
  def = cr ? ws_cli_rating_def (opts->reg, cr->rating) : NULL;
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
  g_ptr_array_unref (territories);

  if (f->has_audio)
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
