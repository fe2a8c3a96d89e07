/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tests of ratings/ws-dvb-si: the encoders against known values (the
 * EN 300 468 annex C example, the CRC-32/MPEG-2 check value), the sections
 * byte by byte, and read back by outside code: GStreamer's libgstmpegts
 * section parsers and our own ws-embedded descriptor reader. */
#include <check.h>
#include <gst/mpegts/mpegts.h>
#include <string.h>

#include "ws-dvb-si.h"
#include "ws-embedded.h"
#include "ws-error.h"
#include "ws-territory.h"

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

static GPtrArray *
ratings (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) ws_rating_free);
}

/* ---- core: encoders ----------------------------------------------------- */

START_TEST (test_dvb_si_crc32)
{
  const guint8 check[] = "123456789";
  guint8 sec[] = { 0x00, 0xB0, 0x0D, 0x00, 0x01, 0xC1, 0x00, 0x00, 0x00, 0x01,
    0xF0, 0x00, 0, 0, 0, 0 };
  guint32 crc;

  /* the CRC-32/MPEG-2 check value */
  ck_assert_uint_eq (ws_dvb_crc32 (check, 9), 0x0376E6E7u);
  ck_assert_uint_eq (ws_dvb_crc32 (check, 0), 0xFFFFFFFFu);
  crc = ws_dvb_crc32 (sec, 12);
  sec[12] = crc >> 24;
  sec[13] = crc >> 16;
  sec[14] = crc >> 8;
  sec[15] = crc;
  ck_assert_uint_eq (ws_dvb_crc32 (sec, 16), 0);
}
END_TEST

START_TEST (test_dvb_si_start_time)
{
  guint8 t[5];
  GDateTime *d = g_date_time_new_utc (1993, 10, 13, 12, 45, 0);
  GTimeZone *tz = g_time_zone_new_identifier ("+02:00");
  GDateTime *local = g_date_time_new (tz, 2026, 7, 1, 21, 30, 5);
  GDateTime *old = g_date_time_new_utc (1850, 1, 1, 0, 0, 0);

  /* EN 300 468 annex C: 93/10/13 12:45:00 is 0xC079124500 */
  ck_assert (ws_dvb_encode_start_time (d, t));
  ck_assert_mem_eq (t, "\xC0\x79\x12\x45\x00", 5);
  /* 2026-07-01 is MJD 61222 (0xEF26); 21:30:05+02:00 is 19:30:05 UTC */
  ck_assert (ws_dvb_encode_start_time (local, t));
  ck_assert_mem_eq (t, "\xEF\x26\x19\x30\x05", 5);
  ck_assert (ws_dvb_encode_start_time (NULL, t));
  ck_assert_mem_eq (t, "\xFF\xFF\xFF\xFF\xFF", 5);
  ck_assert (!ws_dvb_encode_start_time (old, t));
  ck_assert_mem_eq (t, "\xFF\xFF\xFF\xFF\xFF", 5);
  g_date_time_unref (d);
  g_date_time_unref (local);
  g_date_time_unref (old);
  g_time_zone_unref (tz);
}
END_TEST

START_TEST (test_dvb_si_duration)
{
  guint8 d[3];

  /* 1 h 45 min 30 s: 0x014530 (EN 300 468 5.2.4 example form) */
  ck_assert (ws_dvb_encode_duration (3600 + 45 * 60 + 30, d));
  ck_assert_mem_eq (d, "\x01\x45\x30", 3);
  ck_assert (ws_dvb_encode_duration (0, d));
  ck_assert_mem_eq (d, "\x00\x00\x00", 3);
  ck_assert (ws_dvb_encode_duration (99 * 3600 + 59 * 60 + 59, d));
  ck_assert_mem_eq (d, "\x99\x59\x59", 3);
  ck_assert (!ws_dvb_encode_duration (100 * 3600, d));
  ck_assert_mem_eq (d, "\xFF\xFF\xFF", 3);
  ck_assert (!ws_dvb_encode_duration (-1, d));
  ck_assert_mem_eq (d, "\xFF\xFF\xFF", 3);
}
END_TEST

START_TEST (test_dvb_si_rating_from_age)
{
  gboolean exact;

  ck_assert_uint_eq (ws_dvb_rating_from_age (4, &exact), 0x01);
  ck_assert (exact);
  ck_assert_uint_eq (ws_dvb_rating_from_age (16, &exact), 0x0D);
  ck_assert (exact);
  ck_assert_uint_eq (ws_dvb_rating_from_age (18, &exact), 0x0F);
  ck_assert (exact);
  /* not expressible: never less restrictive */
  ck_assert_uint_eq (ws_dvb_rating_from_age (0, &exact), 0x01);
  ck_assert (!exact);
  ck_assert_uint_eq (ws_dvb_rating_from_age (3, &exact), 0x01);
  ck_assert (!exact);
  ck_assert_uint_eq (ws_dvb_rating_from_age (21, &exact), 0x0F);
  ck_assert (!exact);
  ck_assert_uint_eq (ws_dvb_rating_from_age (-1, &exact), 0x0F);
  ck_assert (!exact);
}
END_TEST

START_TEST (test_dvb_si_language)
{
  ck_assert_str_eq (ws_dvb_language_code ("de"), "ger");
  ck_assert_str_eq (ws_dvb_language_code ("EN"), "eng");
  ck_assert_str_eq (ws_dvb_language_code ("en-GB"), "eng");
  ck_assert_str_eq (ws_dvb_language_code ("deu"), "deu");
  ck_assert_str_eq (ws_dvb_language_code ("fre"), "fre");
  ck_assert_str_eq (ws_dvb_language_code ("xx"), "und");
  ck_assert_str_eq (ws_dvb_language_code ("english"), "und");
  ck_assert_str_eq (ws_dvb_language_code (""), "und");
  ck_assert_str_eq (ws_dvb_language_code (NULL), "und");
}
END_TEST

/* One choice of the EIT's guidance text for ratingsignal and stamp: the
 * wanted language (any form of its code), else the first text. */
START_TEST (test_dvb_si_pick_text)
{
  GPtrArray *ratings = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_rating_free);
  WsRating *gb = ws_rating_new (), *de = ws_rating_new ();
  const WsGuidanceText *t;

  ck_assert_ptr_null (ws_dvb_pick_text (ratings, "en"));
  ws_rating_add_text (gb, "en", NULL, "");
  ws_rating_add_text (gb, "en", NULL, "Strong language");
  ws_rating_add_text (de, "de", NULL, "Gewalt");
  g_ptr_array_add (ratings, gb);
  g_ptr_array_add (ratings, de);
  t = ws_dvb_pick_text (ratings, NULL);
  ck_assert_str_eq (t->text, "Strong language");
  t = ws_dvb_pick_text (ratings, "ger");
  ck_assert_str_eq (t->text, "Gewalt");
  ck_assert_str_eq (t->lang, "de");
  /* the terminological code and a BCP 47 tag are the same language */
  ck_assert_str_eq (ws_dvb_pick_text (ratings, "deu")->text, "Gewalt");
  ck_assert_str_eq (ws_dvb_pick_text (ratings, "de-AT")->text, "Gewalt");
  /* none in that language: the first */
  ck_assert_str_eq (ws_dvb_pick_text (ratings, "fre")->text, "Strong language");
  g_ptr_array_unref (ratings);
}
END_TEST

START_TEST (test_dvb_si_text)
{
  GByteArray *b = g_byte_array_new ();

  ck_assert_uint_eq (ws_dvb_append_text (b, "Crossing at Nine", 100), 16);
  ck_assert_mem_eq (b->data, "Crossing at Nine", 16);
  g_byte_array_set_size (b, 0);
  /* non-ASCII: the UTF-8 table byte first */
  ck_assert_uint_eq (ws_dvb_append_text (b, "Gewalt\xC3\xA4", 100), 9);
  ck_assert_mem_eq (b->data, "\x15Gewalt\xC3\xA4", 9);
  g_byte_array_set_size (b, 0);
  /* cut at a character boundary: 0x15 + one two-byte character */
  ck_assert_uint_eq (ws_dvb_append_text (b, "\xC3\xA9\xC3\xA9\xC3\xA9", 4), 3);
  ck_assert_mem_eq (b->data, "\x15\xC3\xA9", 3);
  g_byte_array_set_size (b, 0);
  /* controls become spaces; invalid UTF-8 is repaired */
  ck_assert_uint_eq (ws_dvb_append_text (b, "a\nb\x01", 100), 4);
  ck_assert_mem_eq (b->data, "a b ", 4);
  g_byte_array_set_size (b, 0);
  ck_assert_uint_gt (ws_dvb_append_text (b, "x\xFFy", 100), 3);
  ck_assert_uint_eq (b->data[0], 0x15);
  ck_assert (g_utf8_validate ((const char *) b->data + 1, b->len - 1, NULL));
  g_byte_array_set_size (b, 0);
  ck_assert_uint_eq (ws_dvb_append_text (b, NULL, 100), 0);
  ck_assert_uint_eq (ws_dvb_append_text (b, "abc", 0), 0);
  ck_assert_uint_eq (b->len, 0);
  g_byte_array_unref (b);
}
END_TEST

/* ---- descriptors -------------------------------------------------------- */

START_TEST (test_dvb_si_parental_rating)
{
  GPtrArray *rs = ratings (), *notes = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *back;
  GByteArray *b = g_byte_array_new ();
  const WsRating *r;

  g_ptr_array_add (rs, rating ("GB", "bbfc:15"));
  g_ptr_array_add (rs, rating ("DE", "fsk:16"));
  ck_assert (
      ws_dvb_append_parental_rating (b, rs, WS_DVB_RATING_STRICT, notes, NULL));
  /* sorted by country code: DEU 16 - 3, GBR 15 - 3 */
  ck_assert_uint_eq (b->len, 10);
  ck_assert_mem_eq (b->data,
      "\x55\x08"
      "DEU\x0D"
      "GBR\x0C",
      10);
  ck_assert_uint_eq (notes->len, 0);
  /* read back by the descriptor reader of watershed check and ratingtag */
  back = ws_embedded_parse_dvb_parental_rating (reg (), b->data, b->len, NULL,
      NULL);
  ck_assert_ptr_nonnull (back);
  ck_assert_uint_eq (back->len, 2);
  r = g_ptr_array_index (back, 0);
  ck_assert_str_eq (r->territory, "DE");
  ck_assert_int_eq (r->minimum_age, 16);
  r = g_ptr_array_index (back, 1);
  ck_assert_str_eq (r->territory, "GB");
  ck_assert_int_eq (r->minimum_age, 15);
  g_ptr_array_unref (back);
  g_byte_array_unref (b);
  g_ptr_array_unref (notes);
  g_ptr_array_unref (rs);
}
END_TEST

START_TEST (test_dvb_si_parental_rating_fail_closed)
{
  GPtrArray *rs = ratings (), *notes = g_ptr_array_new_with_free_func (g_free);
  GByteArray *b = g_byte_array_new ();
  GError *err = NULL;
  WsRating *unrated = rating ("FR", NULL);

  /* two ratings for one territory: the more restrictive */
  g_ptr_array_add (rs, rating ("DE", "fsk:12"));
  g_ptr_array_add (rs, rating ("DE", "fsk:16"));
  g_ptr_array_add (rs, rating ("DE", "fsk:6"));
  /* age 0: 4 years, the least DVB can say */
  g_ptr_array_add (rs, rating ("NL", "kijkwijzer:AL"));
  ck_assert (
      ws_dvb_append_parental_rating (b, rs, WS_DVB_RATING_STRICT, notes, NULL));
  ck_assert_mem_eq (b->data,
      "\x55\x08"
      "DEU\x0D"
      "NLD\x01",
      10);
  ck_assert_uint_eq (notes->len, 3);

  /* unrated: an error when strict, 18 years when failing closed */
  g_ptr_array_add (rs, unrated);
  g_byte_array_set_size (b, 0);
  ck_assert (
      !ws_dvb_append_parental_rating (b, rs, WS_DVB_RATING_STRICT, NULL, &err));
  ck_assert_int_eq (err->code, WS_ERROR_INVALID);
  ck_assert_ptr_nonnull (strstr (err->message, "FR"));
  ck_assert_uint_eq (b->len, 0);
  g_clear_error (&err);
  g_ptr_array_set_size (notes, 0);
  ck_assert (ws_dvb_append_parental_rating (b, rs, WS_DVB_RATING_FAIL_CLOSED,
      notes, NULL));
  ck_assert_mem_eq (b->data,
      "\x55\x0C"
      "DEU\x0D"
      "FRA\x0F"
      "NLD\x01",
      14);

  /* no territory: an error when strict, skipped (with a note) otherwise */
  g_ptr_array_add (rs, rating (NULL, "bbfc:18"));
  g_byte_array_set_size (b, 0);
  ck_assert (
      !ws_dvb_append_parental_rating (b, rs, WS_DVB_RATING_STRICT, NULL, &err));
  ck_assert_int_eq (err->code, WS_ERROR_INVALID);
  g_clear_error (&err);
  g_ptr_array_set_size (notes, 0);
  ck_assert (ws_dvb_append_parental_rating (b, rs, WS_DVB_RATING_FAIL_CLOSED,
      notes, NULL));
  ck_assert_uint_eq (b->len, 14);
  ck_assert_uint_eq (notes->len, 5);
  g_byte_array_unref (b);
  g_ptr_array_unref (notes);
  g_ptr_array_unref (rs);
}
END_TEST

/* 64 territories: 63 in the first descriptor, 1 in a second */
START_TEST (test_dvb_si_parental_rating_64)
{
  GPtrArray *rs = ratings ();
  GByteArray *b = g_byte_array_new ();
  char code[3] = { 0 };
  guint total = 0;

  for (char a = 'A'; a <= 'Z' && rs->len < 64; a++)
    for (char c = 'A'; c <= 'Z' && rs->len < 64; c++) {
      const char *n;

      code[0] = a;
      code[1] = c;
      n = ws_territory_normalise (code);
      if (n != NULL && strcmp (n, code) == 0 &&
          ws_territory_get_alpha3 (n) != NULL)
        g_ptr_array_add (rs, rating (code, "fsk:12"));
    }
  ck_assert_uint_eq (rs->len, 64);
  ck_assert (
      ws_dvb_append_parental_rating (b, rs, WS_DVB_RATING_STRICT, NULL, NULL));
  ck_assert_uint_eq (b->len, 2 + 63 * 4 + 2 + 4);
  ck_assert_uint_eq (b->data[0], 0x55);
  ck_assert_uint_eq (b->data[1], 252);
  ck_assert_uint_eq (b->data[254], 0x55);
  ck_assert_uint_eq (b->data[255], 4);
  for (guint at = 0; at < b->len; at += 2 + b->data[at + 1]) {
    GPtrArray *back = ws_embedded_parse_dvb_parental_rating (reg (),
        b->data + at, 2 + b->data[at + 1], NULL, NULL);

    ck_assert_ptr_nonnull (back);
    for (guint i = 0; i < back->len; i++)
      ck_assert_int_eq (((WsRating *) g_ptr_array_index (back, i))->minimum_age,
          12);
    total += back->len;
    g_ptr_array_unref (back);
  }
  ck_assert_uint_eq (total, 64);
  g_byte_array_unref (b);
  g_ptr_array_unref (rs);
}
END_TEST

/* ---- sections ----------------------------------------------------------- */

static WsDvbEvent
event (GPtrArray *rs, GDateTime *start)
{
  WsDvbEvent ev = { 0 };

  ev.service_id = 0x1234;
  ev.transport_stream_id = 0x0042;
  ev.original_network_id = 0xFF01;
  ev.version = 7;
  ev.event_id = 0x0101;
  ev.start = start;
  ev.duration_s = 5400;
  ev.running_status = WS_DVB_RUNNING_RUNNING;
  ev.language = "de";
  ev.title = "Nachtfahrt";
  ev.text = "Gewalt, Sprache";
  ev.ratings = rs;
  ev.mode = WS_DVB_RATING_STRICT;
  return ev;
}

START_TEST (test_dvb_si_eit_bytes)
{
  GPtrArray *rs = ratings ();
  GDateTime *start = g_date_time_new_utc (2026, 7, 1, 19, 30, 0);
  WsDvbEvent ev;
  GBytes *sec;
  gsize len;
  const guint8 *s;
  static const guint8 head[] = { 0x4E, 0xF0, 0x00, 0x12, 0x34, 0xCF, 0x00, 0x01,
    0x00, 0x42, 0xFF, 0x01, 0x01, 0x4E, 0x01, 0x01, 0xEF, 0x26, 0x19, 0x30,
    0x00, 0x01, 0x30, 0x00 };

  g_ptr_array_add (rs, rating ("DE", "fsk:16"));
  ev = event (rs, start);
  sec = ws_dvb_build_eit_pf (&ev, 0, NULL, NULL);
  ck_assert_ptr_nonnull (sec);
  s = g_bytes_get_data (sec, &len);
  /* header: version 7 current, section 0 of 1; event 0x0101 at
   * 2026-07-01 19:30:00 UTC for 1:30:00, running (4) */
  ck_assert_uint_eq (len, 3 + (((s[1] & 0x0F) << 8) | s[2]));
  ck_assert_mem_eq (s + 3, head + 3, 21);
  ck_assert_uint_eq (s[0], 0x4E);
  ck_assert_uint_eq (s[1] & 0xF0, 0xF0);
  ck_assert_uint_eq (s[24] >> 5, 4);
  ck_assert_uint_eq (s[24] & 0x10, 0);
  /* descriptors: short_event (ger, name, text), parental_rating */
  ck_assert_uint_eq (((s[24] & 0x0F) << 8) | s[25], len - 26 - 4);
  ck_assert_mem_eq (s + 26,
      "\x4D\x1E"
      "ger\x0A"
      "Nachtfahrt\x0F"
      "Gewalt, Sprache",
      32);
  ck_assert_mem_eq (s + 58,
      "\x55\x04"
      "DEU\x0D",
      6);
  ck_assert_uint_eq (len, 26 + 32 + 6 + 4);
  ck_assert_uint_eq (ws_dvb_crc32 (s, len), 0);
  g_bytes_unref (sec);

  /* the following section: same header, section 1, no event */
  sec = ws_dvb_build_eit_pf (&ev, 1, NULL, NULL);
  s = g_bytes_get_data (sec, &len);
  ck_assert_uint_eq (len, 14 + 4);
  ck_assert_uint_eq (s[6], 1);
  ck_assert_uint_eq (s[7], 1);
  ck_assert_uint_eq (ws_dvb_crc32 (s, len), 0);
  g_bytes_unref (sec);
  ck_assert_ptr_null (ws_dvb_build_eit_pf (&ev, 2, NULL, NULL));
  g_date_time_unref (start);
  g_ptr_array_unref (rs);
}
END_TEST

/* GStreamer's own EIT parser reads what we write */
START_TEST (test_dvb_si_eit_gst)
{
  GPtrArray *rs = ratings ();
  GDateTime *start = g_date_time_new_utc (2026, 7, 1, 19, 30, 0);
  WsDvbEvent ev;
  GBytes *sec;
  gsize len;
  GstMpegtsSection *gs;
  const GstMpegtsEIT *eit;
  const GstMpegtsEITEvent *e;
  const GstMpegtsDescriptor *d;
  gchar *lang = NULL, *name = NULL, *text = NULL;
  GPtrArray *items = NULL;

  g_ptr_array_add (rs, rating ("DE", "fsk:16"));
  g_ptr_array_add (rs, rating ("GB", "bbfc:15"));
  ev = event (rs, start);
  sec = ws_dvb_build_eit_pf (&ev, 0, NULL, NULL);
  gs = gst_mpegts_section_new (WS_DVB_PID_EIT,
      g_memdup2 (g_bytes_get_data (sec, &len), g_bytes_get_size (sec)), len);
  ck_assert_ptr_nonnull (gs);
  ck_assert_int_eq (gs->section_type, GST_MPEGTS_SECTION_EIT);
  ck_assert_uint_eq (gs->subtable_extension, 0x1234);
  ck_assert_uint_eq (gs->version_number, 7);
  eit = gst_mpegts_section_get_eit (gs);
  ck_assert_ptr_nonnull (eit);
  ck_assert (eit->actual_stream);
  ck_assert (eit->present_following);
  ck_assert_uint_eq (eit->transport_stream_id, 0x42);
  ck_assert_uint_eq (eit->original_network_id, 0xFF01);
  ck_assert_uint_eq (eit->events->len, 1);
  e = g_ptr_array_index (eit->events, 0);
  ck_assert_uint_eq (e->event_id, 0x0101);
  ck_assert_uint_eq (e->duration, 5400);
  ck_assert_int_eq (e->running_status, GST_MPEGTS_RUNNING_STATUS_RUNNING);
  ck_assert_int_eq (gst_date_time_get_year (e->start_time), 2026);
  ck_assert_int_eq (gst_date_time_get_hour (e->start_time), 19);
  ck_assert_int_eq (gst_date_time_get_minute (e->start_time), 30);
  d = gst_mpegts_find_descriptor (e->descriptors, GST_MTS_DESC_DVB_SHORT_EVENT);
  ck_assert_ptr_nonnull (d);
  ck_assert (
      gst_mpegts_descriptor_parse_dvb_short_event (d, &lang, &name, &text));
  ck_assert_str_eq (lang, "ger");
  ck_assert_str_eq (name, "Nachtfahrt");
  ck_assert_str_eq (text, "Gewalt, Sprache");
  d = gst_mpegts_find_descriptor (e->descriptors,
      GST_MTS_DESC_DVB_PARENTAL_RATING);
  ck_assert_ptr_nonnull (d);
  ck_assert (gst_mpegts_descriptor_parse_dvb_parental_rating (d, &items));
  ck_assert_uint_eq (items->len, 2);
  /* libgstmpegts gives the age (raw + 3) */
  ck_assert_str_eq (((GstMpegtsDVBParentalRatingItem *)
                            g_ptr_array_index (items, 0))
                        ->country_code,
      "DEU");
  ck_assert_uint_eq (((GstMpegtsDVBParentalRatingItem *)
                             g_ptr_array_index (items, 0))
                         ->rating,
      16);
  ck_assert_uint_eq (((GstMpegtsDVBParentalRatingItem *)
                             g_ptr_array_index (items, 1))
                         ->rating,
      15);
  g_ptr_array_unref (items);
  g_free (lang);
  g_free (name);
  g_free (text);
  gst_mpegts_section_unref (gs);
  g_bytes_unref (sec);
  g_date_time_unref (start);
  g_ptr_array_unref (rs);
}
END_TEST

START_TEST (test_dvb_si_sdt)
{
  WsDvbService sv[2] = { { 0 } };
  GBytes *sec;
  gsize len;
  const guint8 *s;
  GstMpegtsSection *gs;
  const GstMpegtsSDT *sdt;
  const GstMpegtsSDTService *svc;
  const GstMpegtsDescriptor *d;
  GstMpegtsDVBServiceType type;
  gchar *name = NULL, *provider = NULL;
  GError *err = NULL;
  static const guint8 keep[] = { 0x48, 0x05, 0x19, 0x01, 'P', 0x01, 'S' };

  sv[0].service_id = 1;
  sv[0].transport_stream_id = 0x42;
  sv[0].original_network_id = 0xFF01;
  sv[0].version = 3;
  sv[0].service_type = 0x01;
  sv[0].provider_name = "watershed";
  sv[0].service_name = "Kanal Eins";
  sv[1] = sv[0];
  sv[1].service_id = 2;
  sv[1].descriptors = keep;
  sv[1].descriptors_len = sizeof keep;
  sec = ws_dvb_build_sdt (sv, 2, NULL);
  ck_assert_ptr_nonnull (sec);
  s = g_bytes_get_data (sec, &len);
  ck_assert_uint_eq (s[0], 0x42);
  ck_assert_uint_eq (len, 3 + (((s[1] & 0x0F) << 8) | s[2]));
  ck_assert_uint_eq (ws_dvb_crc32 (s, len), 0);
  /* service 1: EIT p/f flag only, running, service_descriptor */
  ck_assert_mem_eq (s + 11, "\x00\x01\xFD", 3);
  ck_assert_uint_eq (s[14] >> 5, 4);
  ck_assert_mem_eq (s + 16,
      "\x48\x16\x01\x09"
      "watershed\x0A"
      "Kanal Eins",
      24);

  gs = gst_mpegts_section_new (WS_DVB_PID_SDT, g_memdup2 (s, len), len);
  ck_assert_ptr_nonnull (gs);
  ck_assert_int_eq (gs->section_type, GST_MPEGTS_SECTION_SDT);
  ck_assert_uint_eq (gs->version_number, 3);
  sdt = gst_mpegts_section_get_sdt (gs);
  ck_assert_ptr_nonnull (sdt);
  ck_assert (sdt->actual_ts);
  ck_assert_uint_eq (sdt->original_network_id, 0xFF01);
  ck_assert_uint_eq (sdt->services->len, 2);
  svc = g_ptr_array_index (sdt->services, 0);
  ck_assert_uint_eq (svc->service_id, 1);
  ck_assert (svc->EIT_present_following_flag);
  ck_assert (!svc->EIT_schedule_flag);
  ck_assert_int_eq (svc->running_status, GST_MPEGTS_RUNNING_STATUS_RUNNING);
  d = gst_mpegts_find_descriptor (svc->descriptors, GST_MTS_DESC_DVB_SERVICE);
  ck_assert (
      gst_mpegts_descriptor_parse_dvb_service (d, &type, &name, &provider));
  ck_assert_str_eq (name, "Kanal Eins");
  ck_assert_str_eq (provider, "watershed");
  g_free (name);
  g_free (provider);
  svc = g_ptr_array_index (sdt->services, 1);
  d = gst_mpegts_find_descriptor (svc->descriptors, GST_MTS_DESC_DVB_SERVICE);
  ck_assert (
      gst_mpegts_descriptor_parse_dvb_service (d, &type, &name, &provider));
  ck_assert_int_eq (type, 0x19);
  ck_assert_str_eq (name, "S");
  g_free (name);
  g_free (provider);
  gst_mpegts_section_unref (gs);
  g_bytes_unref (sec);

  ck_assert_ptr_null (ws_dvb_build_sdt (sv, 0, &err));
  ck_assert_int_eq (err->code, WS_ERROR_ARGUMENT);
  g_clear_error (&err);
}
END_TEST

START_TEST (test_dvb_si_packetize)
{
  guint8 sec[400];
  GByteArray *out = g_byte_array_new ();
  guint8 cc = 0x0E;

  for (guint i = 0; i < sizeof sec; i++)
    sec[i] = (guint8) i;
  /* 400 bytes: 183 + 184 + 33 */
  ck_assert_uint_eq (ws_dvb_packetize_section (sec, sizeof sec, 0x12, &cc, out),
      3);
  ck_assert_uint_eq (out->len, 3 * 188);
  ck_assert_uint_eq (cc, 0x01);
  ck_assert_mem_eq (out->data, "\x47\x40\x12\x1F\x00", 5);
  ck_assert_mem_eq (out->data + 5, sec, 183);
  ck_assert_mem_eq (out->data + 188, "\x47\x00\x12\x10", 4);
  ck_assert_mem_eq (out->data + 192, sec + 183, 184);
  ck_assert_mem_eq (out->data + 376, "\x47\x00\x12\x11", 4);
  ck_assert_mem_eq (out->data + 380, sec + 367, 33);
  for (guint i = 380 + 33; i < out->len; i++)
    ck_assert_uint_eq (out->data[i], 0xFF);
  g_byte_array_unref (out);
}
END_TEST

static Suite *
dvb_si_suite (void)
{
  Suite *s = suite_create ("dvb-si");
  TCase *core = tcase_create ("core");
  TCase *desc = tcase_create ("descriptors");
  TCase *sections = tcase_create ("sections");

  tcase_add_test (core, test_dvb_si_crc32);
  tcase_add_test (core, test_dvb_si_start_time);
  tcase_add_test (core, test_dvb_si_duration);
  tcase_add_test (core, test_dvb_si_rating_from_age);
  tcase_add_test (core, test_dvb_si_language);
  tcase_add_test (core, test_dvb_si_pick_text);
  tcase_add_test (core, test_dvb_si_text);
  suite_add_tcase (s, core);
  tcase_add_test (desc, test_dvb_si_parental_rating);
  tcase_add_test (desc, test_dvb_si_parental_rating_fail_closed);
  tcase_add_test (desc, test_dvb_si_parental_rating_64);
  suite_add_tcase (s, desc);
  tcase_add_test (sections, test_dvb_si_eit_bytes);
  tcase_add_test (sections, test_dvb_si_eit_gst);
  tcase_add_test (sections, test_dvb_si_sdt);
  tcase_add_test (sections, test_dvb_si_packetize);
  suite_add_tcase (s, sections);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (dvb_si_suite ());
  int failed;

  gst_init (NULL, NULL);
  gst_mpegts_initialize ();
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
