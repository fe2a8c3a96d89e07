/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tests of ws_stamp_mpegts(): DVB EIT p/f and SDT inserted into finished
 * transport streams. The inputs are built here: a synthetic stream (PAT,
 * PMT, PES packets with PCR or PTS only, a trailing partial packet) and,
 * when ffmpeg is installed, a real H.264/AAC stream from FFmpeg's mpegts
 * muxer (with its own SDT). The output is read back with an independent
 * reader (tests/ws-test-ts.h), libgstmpegts, the descriptor reader of
 * watershed check, `watershed check --json`, dvbinfo and ffmpeg's framemd5
 * (the audio and video must be untouched). */
#include <check.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gst/mpegts/mpegts.h>
#include <string.h>
#include <unistd.h>

#include "ws-dvb-si.h"
#include "ws-embedded.h"
#include "ws-error.h"
#include "ws-stamp.h"
#include "ws-test-ts.h"

#define MAX_GAP_S 2.0

static gchar *tmp_dir;

static void
tmp_setup (void)
{
  tmp_dir = g_dir_make_tmp ("ws-stamp-ts-XXXXXX", NULL);
  ck_assert_ptr_nonnull (tmp_dir);
}

static void
tmp_teardown (void)
{
  GDir *d = g_dir_open (tmp_dir, 0, NULL);
  const gchar *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
    gchar *p = g_build_filename (tmp_dir, name, NULL);

    g_unlink (p);
    g_free (p);
  }
  if (d != NULL)
    g_dir_close (d);
  g_rmdir (tmp_dir);
  g_clear_pointer (&tmp_dir, g_free);
}

static gchar *
tmp_path (const gchar *name)
{
  gchar *p = g_build_filename (tmp_dir, name, NULL);

  g_unlink (p);
  return p;
}

static const WsRatingRegistry *
reg (void)
{
  const WsRatingRegistry *r = ws_rating_registry_get_default (NULL);

  ck_assert_ptr_nonnull (r);
  return r;
}

static WsRating *
rating (const char *territory, const char *name)
{
  WsRating *r = ws_rating_new ();

  r->territory = g_strdup (territory);
  if (name != NULL)
    ws_rating_set_resolved (r, ws_rating_registry_parse (reg (), name, NULL));
  return r;
}

/* ---- a synthetic transport stream -------------------------------------- */

static void
put_section (GByteArray *out, guint16 pid, guint8 *cc, const guint8 *body,
    gsize len)
{
  /* body without section_length and CRC: they are filled here */
  guint8 *s = g_malloc (len + 4);
  guint32 crc;

  memcpy (s, body, len);
  s[1] = (guint8) (0xB0 | ((len + 4 - 3) >> 8));
  s[2] = (guint8) (len + 4 - 3);
  crc = ws_test_crc32 (s, len);
  s[len] = crc >> 24;
  s[len + 1] = crc >> 16;
  s[len + 2] = crc >> 8;
  s[len + 3] = crc;
  ws_dvb_packetize_section (s, len + 4, pid, cc, out);
  g_free (s);
}

/* @seconds of 25 frames per second on PID 0x101, each frame a PES packet
 * with a PTS and 5 more payload packets; the PCR in the first packet of
 * each frame when @pcr; PAT and PMT every 10 frames; @tail bytes of a cut
 * packet at the end. Payload bytes are a counter (so copies can be
 * checked). */
static void
write_synthetic_pcr_until (const char *path, int seconds, int pcr_s, gsize tail)
{
  GByteArray *out = g_byte_array_new ();
  guint8 cc_pat = 15, cc_pmt = 15, cc_v = 15;
  static const guint8 pat[] = { 0x00, 0, 0, 0x00, 0x2A, 0xC1, 0x00, 0x00, 0x00,
    0x01, 0xE1, 0x00 };
  static const guint8 pmt[] = { 0x02, 0, 0, 0x00, 0x01, 0xC1, 0x00, 0x00, 0xE1,
    0x01, 0xF0, 0x00, 0x1B, 0xE1, 0x01, 0xF0, 0x00 };
  guint8 counter = 0;

  for (int f = 0; f < seconds * 25; f++) {
    guint64 pts = 90000 + (guint64) f * 3600;

    if (f % 10 == 0) {
      put_section (out, 0x000, &cc_pat, pat, sizeof pat);
      put_section (out, 0x100, &cc_pmt, pmt, sizeof pmt);
    }
    for (int k = 0; k < 6; k++) {
      guint8 p[188];
      guint at = 4;

      memset (p, 0, sizeof p);
      cc_v = (cc_v + 1) & 0x0F;
      p[0] = 0x47;
      p[1] = (k == 0 ? 0x40 : 0x00) | 0x01;
      p[2] = 0x01;
      if (k == 0 && f < pcr_s * 25) {
        guint64 base = pts - 9000;

        p[3] = 0x30 | cc_v;
        p[4] = 7;
        p[5] = 0x10;
        p[6] = base >> 25;
        p[7] = base >> 17;
        p[8] = base >> 9;
        p[9] = base >> 1;
        p[10] = ((base & 1) << 7) | 0x7E;
        p[11] = 0;
        at = 12;
      } else {
        p[3] = 0x10 | cc_v;
      }
      if (k == 0) {
        guint8 h[14] = { 0, 0, 1, 0xE0, 0, 0, 0x80, 0x80, 5,
          (guint8) (0x21 | ((pts >> 29) & 0x0E)), (guint8) (pts >> 22),
          (guint8) (0x01 | ((pts >> 14) & 0xFE)), (guint8) (pts >> 7),
          (guint8) (0x01 | ((pts << 1) & 0xFE)) };

        memcpy (p + at, h, sizeof h);
        at += sizeof h;
      }
      for (; at < 188; at++)
        p[at] = counter++;
      g_byte_array_append (out, p, sizeof p);
    }
  }
  for (gsize i = 0; i < tail; i++)
    g_byte_array_append (out, (const guint8 *) "\x47", 1);
  ck_assert (
      g_file_set_contents (path, (const char *) out->data, out->len, NULL));
  g_byte_array_unref (out);
}

static void
write_synthetic (const char *path, int seconds, gboolean pcr, gsize tail)
{
  write_synthetic_pcr_until (path, seconds, pcr ? seconds : 0, tail);
}

/* ---- stamping and reading back ----------------------------------------- */

static gboolean
stamp_in (const char *in, const char *out, GPtrArray *ratings,
    const char *language, GError **error)
{
  WsStampRequest req = { reg (), ratings, "Nachtfahrt", language };
  int fd = g_open (out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  gboolean ok;

  ck_assert_int_ge (fd, 0);
  ok = ws_stamp_mpegts (in, fd, &req, error);
  close (fd);
  return ok;
}

static gboolean
stamp (const char *in, const char *out, GPtrArray *ratings, GError **error)
{
  return stamp_in (in, out, ratings, "ger", error);
}

static GPtrArray *
ratings_de16_gb15 (void)
{
  GPtrArray *rs = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_rating_free);

  g_ptr_array_add (rs, rating ("DE", "fsk:16"));
  g_ptr_array_add (rs, rating ("GB", "bbfc:15"));
  ws_rating_add_text (g_ptr_array_index (rs, 0), "de", NULL, "Gewalt, Sprache");
  return rs;
}

typedef struct {
  guint n_present, n_following;
  guint version;
  guint service_id;
  gint64 duration_s;
  double max_gap_s;
  /* the short_event_descriptor's, of the last present section */
  char language[4];
  char text[256];
} EitSummary;

/* Reads every EIT section of @path: CRC, continuity, repetition, and the
 * present event's ratings (ages, via the descriptor reader of watershed
 * check) as "DE:16 GB:15"; all present sections must agree. */
static gchar *
read_eit (const char *path, EitSummary *sum)
{
  WsTestTs *ts = ws_test_ts_read (path, WS_DVB_PID_EIT);
  gchar *ratings = NULL;
  double last;

  ck_assert_ptr_nonnull (ts);
  memset (sum, 0, sizeof *sum);
  ck_assert_uint_eq (ts->cc_errors, 0);
  last = ts->first_pcr_s;
  for (guint i = 0; i < ts->sections->len; i++) {
    const WsTestSection *s = g_ptr_array_index (ts->sections, i);
    GstMpegtsSection *gs;
    const GstMpegtsEIT *eit;

    ck_assert_uint_eq (ws_test_crc32 (s->data, s->len), 0);
    ck_assert_uint_eq (s->data[0], 0x4E);
    gs = gst_mpegts_section_new (WS_DVB_PID_EIT, g_memdup2 (s->data, s->len),
        s->len);
    ck_assert_ptr_nonnull (gs);
    eit = gst_mpegts_section_get_eit (gs);
    ck_assert_ptr_nonnull (eit);
    ck_assert_uint_eq (gs->last_section_number, 1);
    if (i == 0) {
      sum->version = gs->version_number;
      sum->service_id = gs->subtable_extension;
    }
    ck_assert_uint_eq (gs->version_number, sum->version);
    if (gs->section_number == 1) {
      sum->n_following++;
      ck_assert_uint_eq (eit->events->len, 0);
    } else {
      const GstMpegtsEITEvent *ev = g_ptr_array_index (eit->events, 0);
      const GstMpegtsDescriptor *d;
      GPtrArray *back;
      GString *str = g_string_new (NULL);
      double at = s->pcr_s < 0 ? ts->first_pcr_s : s->pcr_s;

      if (ts->first_pcr_s >= 0) {
        sum->max_gap_s = MAX (sum->max_gap_s, at - last);
        last = at;
      }
      sum->n_present++;
      sum->duration_s = ev->duration;
      ck_assert_int_eq (ev->running_status, GST_MPEGTS_RUNNING_STATUS_RUNNING);
      d = gst_mpegts_find_descriptor (ev->descriptors, 0x55);
      ck_assert_ptr_nonnull (d);
      back = ws_embedded_parse_dvb_parental_rating (reg (), d->data,
          d->length + 2, NULL, NULL);
      ck_assert_ptr_nonnull (back);
      for (guint k = 0; k < back->len; k++) {
        const WsRating *r = g_ptr_array_index (back, k);

        g_string_append_printf (str, "%s%s:%d", k ? " " : "", r->territory,
            r->minimum_age);
      }
      g_ptr_array_unref (back);
      if (ratings == NULL)
        ratings = g_string_free (str, FALSE);
      else {
        ck_assert_str_eq (str->str, ratings);
        g_string_free (str, TRUE);
      }
      d = gst_mpegts_find_descriptor (ev->descriptors, 0x4D);
      ck_assert_ptr_nonnull (d);
      {
        gchar *lang = NULL, *name = NULL, *text = NULL;
        ck_assert (gst_mpegts_descriptor_parse_dvb_short_event (d, &lang, &name,
            &text));
        g_strlcpy (sum->language, lang ? lang : "", sizeof sum->language);
        g_strlcpy (sum->text, text ? text : "", sizeof sum->text);
        g_free (lang);
        g_free (name);
        g_free (text);
      }
    }
    gst_mpegts_section_unref (gs);
  }
  if (ts->first_pcr_s >= 0)
    sum->max_gap_s = MAX (sum->max_gap_s, ts->last_pcr_s - last);
  ws_test_ts_free (ts);
  return ratings;
}

/* ---- tests -------------------------------------------------------------- */

/* The EIT's guidance text is in the language asked for when a rating has
 * one in it, else the first text, and the descriptor names the text's
 * language (it named the language asked for, whatever the text's). */
START_TEST (test_stamp_ts_text_language)
{
  /* asked for, the text written, its language in the descriptor */
  static const struct {
    const char *asked, *text, *language;
  } cases[] = {
    { "deu", "Gewalt", "ger" },
    { "fre", "Strong language", "eng" },
  };
  gchar *in = tmp_path ("in.ts"), *out = tmp_path ("out.ts");
  GPtrArray *rs = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_rating_free);
  GError *err = NULL;
  EitSummary sum;
  gchar *got;

  g_ptr_array_add (rs, rating ("GB", "bbfc:15"));
  g_ptr_array_add (rs, rating ("DE", "fsk:16"));
  ws_rating_add_text (g_ptr_array_index (rs, 0), "en", NULL, "Strong language");
  ws_rating_add_text (g_ptr_array_index (rs, 1), "de", NULL, "Gewalt");
  write_synthetic (in, 3, TRUE, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    ck_assert_msg (stamp_in (in, out, rs, cases[i].asked, &err), "%s",
        err ? err->message : "");
    got = read_eit (out, &sum);
    ck_assert_str_eq (sum.text, cases[i].text);
    ck_assert_str_eq (sum.language, cases[i].language);
    g_free (got);
  }
  g_ptr_array_unref (rs);
  g_unlink (in);
  g_unlink (out);
  g_free (in);
  g_free (out);
}
END_TEST

START_TEST (test_stamp_ts_synthetic)
{
  gchar *in = tmp_path ("in.ts"), *out = tmp_path ("out.ts");
  GPtrArray *rs = ratings_de16_gb15 ();
  GError *err = NULL;
  EitSummary sum;
  gchar *got, *a = NULL, *b = NULL;
  gsize alen, blen, ai = 0;
  WsTestTs *sdt;

  /* 6 s, PCR, and 100 bytes of a cut packet at the end */
  write_synthetic (in, 6, TRUE, 100);
  ck_assert_msg (stamp (in, out, rs, &err), "%s", err ? err->message : "");
  got = read_eit (out, &sum);
  ck_assert_str_eq (got, "DE:16 GB:15");
  ck_assert_uint_eq (sum.service_id, 1);
  ck_assert_uint_eq (sum.version, 0);
  ck_assert_uint_eq (sum.n_present, sum.n_following);
  ck_assert_uint_ge (sum.n_present, 6);
  ck_assert_msg (sum.max_gap_s <= MAX_GAP_S, "gap %.3f s", sum.max_gap_s);
  /* PCRs span 5.96 s: the duration is rounded up */
  ck_assert_int_eq (sum.duration_s, 6);
  g_free (got);

  /* the SDT: a service_descriptor of ours (the input had no SDT) */
  sdt = ws_test_ts_read (out, WS_DVB_PID_SDT);
  ck_assert_uint_ge (sdt->sections->len, 6);
  ck_assert_uint_eq (sdt->cc_errors, 0);
  {
    const WsTestSection *s = g_ptr_array_index (sdt->sections, 0);
    GstMpegtsSection *gs = gst_mpegts_section_new (WS_DVB_PID_SDT,
        g_memdup2 (s->data, s->len), s->len);
    const GstMpegtsSDT *t = gst_mpegts_section_get_sdt (gs);
    const GstMpegtsSDTService *svc = g_ptr_array_index (t->services, 0);

    ck_assert_uint_eq (gs->subtable_extension, 0x2A); /* the PAT's TS id */
    ck_assert_uint_eq (t->original_network_id, 0xFF01);
    ck_assert_uint_eq (svc->service_id, 1);
    ck_assert (svc->EIT_present_following_flag);
    gst_mpegts_section_unref (gs);
  }
  ws_test_ts_free (sdt);

  /* every input packet is in the output, in order, unchanged; the cut
   * packet at the end too */
  ck_assert (g_file_get_contents (in, &a, &alen, NULL));
  ck_assert (g_file_get_contents (out, &b, &blen, NULL));
  ck_assert_uint_eq ((blen - alen) % 188, 0);
  for (gsize bi = 0; bi + 188 <= blen; bi += 188) {
    guint pid = ((b[bi + 1] & 0x1F) << 8) | (guint8) b[bi + 2];

    if (pid == 0x11 || pid == 0x12)
      continue;
    ck_assert_mem_eq (b + bi, a + ai, 188);
    ai += 188;
  }
  ck_assert_uint_eq (ai, alen - 100);
  ck_assert_mem_eq (b + blen - 100, a + alen - 100, 100);
  g_free (a);
  g_free (b);
  g_ptr_array_unref (rs);
  g_free (in);
  g_free (out);
}
END_TEST

/* Without PCRs the PTSs are the clock. */
START_TEST (test_stamp_ts_pts_clock)
{
  gchar *in = tmp_path ("pts.ts"), *out = tmp_path ("pts-out.ts");
  GPtrArray *rs = ratings_de16_gb15 ();
  EitSummary sum;
  gchar *got;

  write_synthetic (in, 8, FALSE, 0);
  ck_assert (stamp (in, out, rs, NULL));
  got = read_eit (out, &sum);
  ck_assert_str_eq (got, "DE:16 GB:15");
  /* one burst at the start and one per second of PTS: 8 or 9 */
  ck_assert_uint_ge (sum.n_present, 8);
  ck_assert_uint_le (sum.n_present, 9);
  /* no PCR: the duration is unknown (all ones; libgstmpegts reads BCD
   * nibbles of 15) */
  ck_assert_int_ne (sum.duration_s, 8);
  g_free (got);
  g_ptr_array_unref (rs);
  g_free (in);
  g_free (out);
}
END_TEST

/* The PCR stops after 2 s of 10: the tables still come every 2 s or
 * sooner (counted in packets: 25 frames of 6 packets a second, plus the
 * PAT and PMT) */
START_TEST (test_stamp_ts_clock_stops)
{
  gchar *in = tmp_path ("stop.ts"), *out = tmp_path ("stop-out.ts");
  GPtrArray *rs = ratings_de16_gb15 ();
  WsTestTs *ts;
  guint64 last = 0, per_second = 25 * 6 + 2 * 2.5, max_step = 0;
  guint n = 0;

  write_synthetic_pcr_until (in, 10, 2, 0);
  ck_assert (stamp (in, out, rs, NULL));
  ts = ws_test_ts_read (out, WS_DVB_PID_EIT);
  for (guint i = 0; i < ts->sections->len; i++) {
    const WsTestSection *s = g_ptr_array_index (ts->sections, i);

    if (s->data[6] != 0)
      continue;
    /* packets of the input between two present sections */
    if (n > 0)
      max_step = MAX (max_step, s->packet - last);
    last = s->packet;
    n++;
  }
  ck_assert_uint_ge (n, 5);
  /* a burst is 1 SDT + 2 EIT packets */
  ck_assert_uint_le (max_step, 2 * per_second + 3);
  ws_test_ts_free (ts);
  g_ptr_array_unref (rs);
  g_free (in);
  g_free (out);
}
END_TEST

/* A stamped file stamped again: the old EIT and SDT go, the versions go up */
START_TEST (test_stamp_ts_restamp)
{
  gchar *in = tmp_path ("re.ts"), *once = tmp_path ("re1.ts"),
        *twice = tmp_path ("re2.ts");
  GPtrArray *rs = ratings_de16_gb15 ();
  GPtrArray *rs2 = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_rating_free);
  EitSummary sum;
  gchar *got;
  WsTestTs *sdt;

  write_synthetic (in, 3, TRUE, 0);
  ck_assert (stamp (in, once, rs, NULL));
  g_ptr_array_add (rs2, rating ("DE", "fsk:18"));
  ck_assert (stamp (once, twice, rs2, NULL));
  got = read_eit (twice, &sum);
  ck_assert_str_eq (got, "DE:18");
  ck_assert_uint_eq (sum.version, 1);
  sdt = ws_test_ts_read (twice, WS_DVB_PID_SDT);
  ck_assert_uint_eq (((WsTestSection *) g_ptr_array_index (sdt->sections, 0))
                                 ->data[5] >>
                             1 &
                         0x1F,
      1);
  ck_assert_uint_eq (sdt->cc_errors, 0);
  ws_test_ts_free (sdt);
  g_free (got);
  g_ptr_array_unref (rs);
  g_ptr_array_unref (rs2);
  g_free (in);
  g_free (once);
  g_free (twice);
}
END_TEST

START_TEST (test_stamp_ts_errors)
{
  gchar *in = tmp_path ("bad.ts"), *out = tmp_path ("bad-out.ts");
  GPtrArray *rs = ratings_de16_gb15 ();
  GPtrArray *unrated = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_rating_free);
  GPtrArray *none = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_rating_free);
  GError *err = NULL;
  gchar *data;
  gsize len;
  guint8 nulls[188 * 4];

  /* not a transport stream */
  ck_assert (
      g_file_set_contents (in, "<?xml version=\"1.0\"?><a/>\n", -1, NULL));
  ck_assert (!stamp (in, out, rs, &err));
  ck_assert_int_eq (err->code, WS_ERROR_MALFORMED);
  ck_assert_ptr_nonnull (strstr (err->message, in));
  g_clear_error (&err);

  /* sync lost in packet 7 */
  write_synthetic (in, 1, TRUE, 0);
  ck_assert (g_file_get_contents (in, &data, &len, NULL));
  data[7 * 188] = 0x00;
  ck_assert (g_file_set_contents (in, data, len, NULL));
  g_free (data);
  ck_assert (!stamp (in, out, rs, &err));
  ck_assert_int_eq (err->code, WS_ERROR_MALFORMED);
  ck_assert_ptr_nonnull (strstr (err->message, "packet 7 "));
  g_clear_error (&err);

  /* no PAT: null packets only */
  for (guint i = 0; i < 4; i++) {
    memset (nulls + i * 188, 0xFF, 188);
    memcpy (nulls + i * 188, "\x47\x1F\xFF\x10", 4);
  }
  ck_assert (
      g_file_set_contents (in, (const char *) nulls, sizeof nulls, NULL));
  ck_assert (!stamp (in, out, rs, &err));
  ck_assert_int_eq (err->code, WS_ERROR_MALFORMED);
  ck_assert_ptr_nonnull (strstr (err->message, "PAT"));
  g_clear_error (&err);

  /* a rating DVB cannot say, and no rating at all */
  write_synthetic (in, 1, TRUE, 0);
  g_ptr_array_add (unrated, rating ("FR", NULL));
  ck_assert (!stamp (in, out, unrated, &err));
  ck_assert_int_eq (err->code, WS_ERROR_INVALID);
  ck_assert_ptr_nonnull (strstr (err->message, "FR"));
  g_clear_error (&err);
  ck_assert (!stamp (in, out, none, &err));
  ck_assert_int_eq (err->code, WS_ERROR_ARGUMENT);
  g_clear_error (&err);

  /* a file that cannot be read */
  ck_assert (!stamp ("/nonexistent/x.ts", out, rs, &err));
  ck_assert_int_eq (err->code, WS_ERROR_IO);
  g_clear_error (&err);
  g_ptr_array_unref (rs);
  g_ptr_array_unref (unrated);
  g_ptr_array_unref (none);
  g_free (in);
  g_free (out);
}
END_TEST

/* ---- a real file (FFmpeg), read back by outside tools ------------------- */

static gchar *
tool_output (const gchar *const *argv, gint *status)
{
  GSubprocess *p = g_subprocess_newv (argv,
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, NULL);
  GBytes *out = NULL;
  gsize len;
  const guint8 *d;
  gchar *text;

  ck_assert_ptr_nonnull (p);
  ck_assert (g_subprocess_communicate (p, NULL, NULL, &out, NULL, NULL));
  *status = g_subprocess_get_exit_status (p);
  d = g_bytes_get_data (out, &len);
  text = g_malloc (len + 1);
  if (len > 0)
    memcpy (text, d, len);
  for (gsize i = 0; i < len; i++)
    if (text[i] == '\0')
      text[i] = ' ';
  text[len] = '\0';
  g_bytes_unref (out);
  g_object_unref (p);
  return text;
}

/* The framemd5 lines (every packet) of streams 0 to @n_streams - 1,
 * without comments. FFmpeg shows a DVB EIT as one more stream (an "epg"
 * data stream); the stamp writes the EIT after the leading PAT and PMT so
 * that it comes after the programme's own streams, whose numbers stay. */
static gchar *
framemd5 (const gchar *ffmpeg, const gchar *path, int n_streams)
{
  const gchar *argv[] = { ffmpeg, "-v", "error", "-i", path, "-map", "0", "-c",
    "copy", "-f", "framemd5", "-", NULL };
  gint status = -1;
  gchar *out = tool_output (argv, &status);
  GString *lines = g_string_new (NULL);
  gchar **v = g_strsplit (out, "\n", -1);

  ck_assert_int_eq (status, 0);
  for (guint i = 0; v[i] != NULL; i++)
    if (v[i][0] != '#' && v[i][0] != '\0' &&
        g_ascii_strtoll (v[i], NULL, 10) < n_streams)
      g_string_append_printf (lines, "%s\n", v[i]);
  g_strfreev (v);
  g_free (out);
  return g_string_free (lines, FALSE);
}

START_TEST (test_stamp_ts_ffmpeg)
{
  gchar *ffmpeg = g_find_program_in_path ("ffmpeg");
  gchar *dvbinfo = g_find_program_in_path ("dvbinfo");
  const gchar *watershed = g_getenv ("WS_WATERSHED");
  gchar *in = tmp_path ("ff.ts"), *out = tmp_path ("ff-out.ts");
  GPtrArray *rs = ratings_de16_gb15 ();
  EitSummary sum;
  gchar *got, *before, *after;
  gint status = -1;

  if (ffmpeg == NULL) {
    g_printerr ("ffmpeg is not installed: the real-file test is skipped\n");
    goto end;
  }
  {
    const gchar *argv[] = { ffmpeg, "-v", "error", "-f", "lavfi", "-i",
      "testsrc=size=160x120:rate=25:duration=5", "-f", "lavfi", "-i",
      "sine=frequency=1000:duration=5", "-c:v", "libx264", "-preset",
      "ultrafast", "-c:a", "aac", "-f", "mpegts", in, NULL };
    g_free (tool_output (argv, &status));
    ck_assert_int_eq (status, 0);
  }
  ck_assert (stamp (in, out, rs, NULL));
  got = read_eit (out, &sum);
  ck_assert_str_eq (got, "DE:16 GB:15");
  ck_assert_msg (sum.max_gap_s <= MAX_GAP_S, "gap %.3f s", sum.max_gap_s);
  ck_assert_uint_eq (sum.service_id, 1);
  g_free (got);

  /* the audio and video are untouched */
  before = framemd5 (ffmpeg, in, 2);
  after = framemd5 (ffmpeg, out, 2);
  ck_assert_uint_gt (strlen (before), 100);
  if (strcmp (before, after) != 0) {
    gsize i = 0;

    while (before[i] == after[i])
      i++;
    ck_abort_msg ("framemd5 differs at byte %" G_GSIZE_FORMAT
                  ": \"%.80s\" vs \"%.80s\"",
        i, before + i, after + i);
  }
  g_free (before);
  g_free (after);

  /* FFmpeg's SDT is replaced: its service names and network are kept,
   * the version goes up, EIT p/f is announced */
  if (dvbinfo != NULL) {
    const gchar *argv[] = { dvbinfo, "-f", out, "-s", "table", NULL };
    gchar *text = tool_output (argv, &status);

    ck_assert_ptr_nonnull (strstr (text, "EIT: Event Information Table"));
    ck_assert_ptr_nonnull (strstr (text, "Parental Rating"));
    ck_assert_ptr_nonnull (strstr (text, "\"DEU"));
    ck_assert_ptr_nonnull (strstr (text, "EIT present  : yes"));
    ck_assert_ptr_nonnull (strstr (text, "Service01"));
    ck_assert_ptr_nonnull (strstr (text, "Duration: 5"));
    g_free (text);
  } else {
    g_printerr ("dvbinfo is not installed (dvbpsi-utils): not run\n");
  }

  /* watershed check reads every territory back */
  if (watershed != NULL) {
    const gchar *argv[] = { watershed, "check", "--json", out, NULL };
    gchar *text = tool_output (argv, &status);

    ck_assert_ptr_nonnull (strstr (text, "\"territory\" : \"DE\""));
    ck_assert_ptr_nonnull (strstr (text, "\"territory\" : \"GB\""));
    ck_assert_ptr_nonnull (strstr (text, "\"minimum_age\" : 16"));
    ck_assert_ptr_nonnull (strstr (text, "\"minimum_age\" : 15"));
    g_free (text);
  } else {
    g_printerr ("WS_WATERSHED is not set: watershed check is not run\n");
  }
end:
  g_ptr_array_unref (rs);
  g_free (ffmpeg);
  g_free (dvbinfo);
  g_free (in);
  g_free (out);
}
END_TEST

static Suite *
stamp_ts_suite (void)
{
  Suite *s = suite_create ("stamp-ts");
  TCase *tc = tcase_create ("core");
  TCase *real = tcase_create ("real");

  tcase_add_unchecked_fixture (tc, tmp_setup, tmp_teardown);
  tcase_add_test (tc, test_stamp_ts_synthetic);
  tcase_add_test (tc, test_stamp_ts_text_language);
  tcase_add_test (tc, test_stamp_ts_pts_clock);
  tcase_add_test (tc, test_stamp_ts_clock_stops);
  tcase_add_test (tc, test_stamp_ts_restamp);
  tcase_add_test (tc, test_stamp_ts_errors);
  suite_add_tcase (s, tc);
  tcase_add_unchecked_fixture (real, tmp_setup, tmp_teardown);
  tcase_set_timeout (real, 120);
  tcase_add_test (real, test_stamp_ts_ffmpeg);
  suite_add_tcase (s, real);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (stamp_ts_suite ());
  int failed;

  gst_init (NULL, NULL);
  gst_mpegts_initialize ();
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
