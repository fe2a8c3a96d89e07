/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: DVB service information sections (ETSI EN 300 468). */
#include "ws-dvb-si.h"

#include <string.h>

#include "ws-error.h"
#include "ws-territory.h"

/* ---- CRC, time, text ---------------------------------------------------- */

guint32
ws_dvb_crc32 (const guint8 *data, gsize len)
{
  static guint32 table[256];
  static gsize table_ready = 0;
  guint32 crc = 0xFFFFFFFFu;

  if (g_once_init_enter (&table_ready)) {
    for (guint32 i = 0; i < 256; i++) {
      guint32 c = i << 24;

      for (int k = 0; k < 8; k++)
        c = (c & 0x80000000u) ? (c << 1) ^ 0x04C11DB7u : c << 1;
      table[i] = c;
    }
    g_once_init_leave (&table_ready, 1);
  }
  for (gsize i = 0; i < len; i++)
    crc = (crc << 8) ^ table[((crc >> 24) ^ data[i]) & 0xFF];
  return crc;
}

static guint8
bcd (int v)
{
  return (guint8) (((v / 10) << 4) | (v % 10));
}

gboolean
ws_dvb_encode_start_time (GDateTime *utc, guint8 out[5])
{
  GDateTime *u, *epoch;
  GTimeSpan span;
  gint64 days;

  memset (out, 0xFF, 5);
  if (utc == NULL)
    return TRUE;
  u = g_date_time_to_utc (utc);
  if (u == NULL)
    return FALSE;
  /* MJD 0 is 1858-11-17 00:00 UTC */
  epoch = g_date_time_new_utc (1858, 11, 17, 0, 0, 0);
  span = g_date_time_difference (u, epoch);
  days = span / G_TIME_SPAN_DAY;
  if (span < 0 || days > 0xFFFF) {
    g_date_time_unref (u);
    g_date_time_unref (epoch);
    return FALSE;
  }
  out[0] = (guint8) (days >> 8);
  out[1] = (guint8) days;
  out[2] = bcd (g_date_time_get_hour (u));
  out[3] = bcd (g_date_time_get_minute (u));
  out[4] = bcd (g_date_time_get_second (u));
  g_date_time_unref (u);
  g_date_time_unref (epoch);
  return TRUE;
}

gboolean
ws_dvb_encode_duration (gint64 seconds, guint8 out[3])
{
  if (seconds < 0 || seconds >= 100 * 3600) {
    memset (out, 0xFF, 3);
    return FALSE;
  }
  out[0] = bcd ((int) (seconds / 3600));
  out[1] = bcd ((int) (seconds / 60 % 60));
  out[2] = bcd ((int) (seconds % 60));
  return TRUE;
}

guint8
ws_dvb_rating_from_age (int minimum_age, gboolean *exact)
{
  gboolean ex = minimum_age >= 4 && minimum_age <= 18;
  guint8 r;

  if (ex)
    r = (guint8) (minimum_age - 3);
  else if (minimum_age >= 0 && minimum_age < 4)
    r = 0x01;
  else
    r = 0x0F;
  if (exact != NULL)
    *exact = ex;
  return r;
}

/* ISO 639-1 -> ISO 639-2/B for the languages of the rating systems we ship
 * and of Europe's broadcasters; others are written `und`. */
static const char *const LANGS[][2] = {
  { "ar", "ara" },
  { "bg", "bul" },
  { "ca", "cat" },
  { "cs", "cze" },
  { "cy", "wel" },
  { "da", "dan" },
  { "de", "ger" },
  { "el", "gre" },
  { "en", "eng" },
  { "es", "spa" },
  { "et", "est" },
  { "eu", "baq" },
  { "fi", "fin" },
  { "fr", "fre" },
  { "ga", "gle" },
  { "gd", "gla" },
  { "gl", "glg" },
  { "he", "heb" },
  { "hi", "hin" },
  { "hr", "hrv" },
  { "hu", "hun" },
  { "is", "ice" },
  { "it", "ita" },
  { "ja", "jpn" },
  { "ko", "kor" },
  { "lt", "lit" },
  { "lv", "lav" },
  { "mt", "mlt" },
  { "nb", "nob" },
  { "nl", "dut" },
  { "nn", "nno" },
  { "no", "nor" },
  { "pl", "pol" },
  { "pt", "por" },
  { "ro", "rum" },
  { "ru", "rus" },
  { "sk", "slo" },
  { "sl", "slv" },
  { "sr", "srp" },
  { "sv", "swe" },
  { "ta", "tam" },
  { "te", "tel" },
  { "tr", "tur" },
  { "uk", "ukr" },
  { "zh", "chi" },
};

/* The ISO 639-2 bibliographic form of a code ws_dvb_language_code() gave
 * (its terminological forms, `deu`, are the same languages as `ger`). */
static const char *
bibliographic (const char *code)
{
  static const char *const t_to_b[][2] = { { "deu", "ger" }, { "fra", "fre" },
    { "nld", "dut" }, { "ces", "cze" }, { "zho", "chi" }, { "ell", "gre" },
    { "cym", "wel" }, { "eus", "baq" }, { "isl", "ice" }, { "ron", "rum" },
    { "slk", "slo" } };

  for (guint i = 0; i < G_N_ELEMENTS (t_to_b); i++)
    if (strcmp (code, t_to_b[i][0]) == 0)
      return t_to_b[i][1];
  return code;
}

const WsGuidanceText *
ws_dvb_pick_text (const GPtrArray *ratings, const char *language)
{
  const char *want = language != NULL ?
                         bibliographic (ws_dvb_language_code (language)) :
                         NULL;
  const WsGuidanceText *any = NULL;

  for (guint i = 0; ratings != NULL && i < ratings->len; i++) {
    const WsRating *r = g_ptr_array_index (ratings, i);

    for (guint k = 0; r->texts != NULL && k < r->texts->len; k++) {
      const WsGuidanceText *t = g_ptr_array_index (r->texts, k);

      if (t->text == NULL || *t->text == '\0')
        continue;
      if (any == NULL)
        any = t;
      if (want == NULL)
        return t;
      if (t->lang != NULL &&
          strcmp (bibliographic (ws_dvb_language_code (t->lang)), want) == 0)
        return t;
    }
  }
  return any;
}

const char *
ws_dvb_language_code (const char *lang)
{
  static GHashTable *three = NULL;
  static gsize ready = 0;
  char primary[4];
  gsize n = 0;

  if (g_once_init_enter (&ready)) {
    three = g_hash_table_new (g_str_hash, g_str_equal);
    for (guint i = 0; i < G_N_ELEMENTS (LANGS); i++)
      g_hash_table_add (three, (gpointer) LANGS[i][1]);
    /* the terminological forms some metadata writes */
    g_hash_table_add (three, (gpointer) "deu");
    g_hash_table_add (three, (gpointer) "fra");
    g_hash_table_add (three, (gpointer) "nld");
    g_hash_table_add (three, (gpointer) "ces");
    g_hash_table_add (three, (gpointer) "zho");
    g_hash_table_add (three, (gpointer) "ell");
    g_hash_table_add (three, (gpointer) "cym");
    g_hash_table_add (three, (gpointer) "eus");
    g_hash_table_add (three, (gpointer) "isl");
    g_hash_table_add (three, (gpointer) "ron");
    g_hash_table_add (three, (gpointer) "slk");
    g_once_init_leave (&ready, 1);
  }
  if (lang == NULL)
    return "und";
  while (g_ascii_isalpha (lang[n]) && n < 4)
    n++;
  if (n < 2 || n > 3 || (lang[n] != '\0' && lang[n] != '-' && lang[n] != '_'))
    return "und";
  for (gsize i = 0; i < n; i++)
    primary[i] = g_ascii_tolower (lang[i]);
  primary[n] = '\0';
  if (n == 3) {
    const char *k = g_hash_table_lookup (three, primary);

    return k != NULL ? k : "und";
  }
  for (guint i = 0; i < G_N_ELEMENTS (LANGS); i++)
    if (strcmp (LANGS[i][0], primary) == 0)
      return LANGS[i][1];
  return "und";
}

gsize
ws_dvb_append_text (GByteArray *out, const char *utf8, gsize max_len)
{
  char *valid;
  gboolean ascii = TRUE;
  gsize len, start = out->len, budget;
  const char *end;

  if (utf8 == NULL || *utf8 == '\0' || max_len == 0)
    return 0;
  valid = g_utf8_make_valid (utf8, -1);
  for (char *p = valid; *p != '\0'; p++) {
    if ((guchar) *p < 0x20 || *p == 0x7F)
      *p = ' ';
    if ((guchar) *p >= 0x80)
      ascii = FALSE;
  }
  /* C1 controls (U+0080-U+009F) are DVB control codes in UTF-8 text too */
  if (!ascii) {
    GString *s = g_string_new (NULL);

    for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p)) {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (s, (c >= 0x80 && c <= 0x9F) ? ' ' : c);
    }
    g_free (valid);
    valid = g_string_free (s, FALSE);
  }
  len = strlen (valid);
  if (ascii) {
    budget = max_len;
  } else {
    if (max_len < 2) {
      g_free (valid);
      return 0;
    }
    g_byte_array_append (out, (const guint8 *) "\x15", 1);
    budget = max_len - 1;
  }
  if (len > budget) {
    /* cut before the character that would not fit whole */
    end = valid + budget;
    if (!ascii)
      end = g_utf8_find_prev_char (valid, end + 1);
    len = end != NULL ? (gsize) (end - valid) : 0;
  }
  g_byte_array_append (out, (const guint8 *) valid, (guint) len);
  g_free (valid);
  if (out->len == start + 1 && !ascii) {
    /* nothing but the table byte: drop it */
    g_byte_array_set_size (out, start);
  }
  return out->len - start;
}

/* ---- descriptors -------------------------------------------------------- */

typedef struct {
  char alpha3[4];
  guint8 rating;
  int age;
} Entry;

static gint
entry_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (((const Entry *) a)->alpha3, ((const Entry *) b)->alpha3);
}

static int
restrictiveness (int age)
{
  /* unknown sorts above every age: fail closed */
  return age < 0 ? 1000 : age;
}

static char *
rating_name (const WsRating *r)
{
  if (r->system != NULL && r->code != NULL)
    return g_strdup_printf ("%s:%s", r->system, r->code);
  if (r->source_code != NULL)
    return g_strdup_printf ("\"%s\" (unresolved)", r->source_code);
  return g_strdup ("an unresolved rating");
}

gboolean
ws_dvb_append_parental_rating (GByteArray *out, const GPtrArray *ratings,
    WsDvbRatingMode mode, GPtrArray *notes, GError **error)
{
  GArray *entries;
  guint i;

  if (ratings == NULL || ratings->len == 0)
    return TRUE;
  entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  for (i = 0; i < ratings->len; i++) {
    const WsRating *r = g_ptr_array_index ((GPtrArray *) ratings, i);
    const char *a2 = r->territory ? ws_territory_normalise (r->territory) :
                                    NULL;
    const char *a3 = a2 ? ws_territory_get_alpha3 (a2) : NULL;
    gboolean exact;
    guint8 byte;
    Entry e = { 0 }, *dup = NULL;
    char *name = rating_name (r);

    if (a3 == NULL) {
      if (mode == WS_DVB_RATING_STRICT) {
        g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
            "rating %s: %s; a DVB parental_rating_descriptor names one "
            "country per rating: give the rating a territory "
            "(ISO 3166, e.g. GB)",
            name,
            r->territory ? "the territory is not an ISO 3166 country code" :
                           "it has no territory");
        g_free (name);
        g_array_free (entries, TRUE);
        return FALSE;
      }
      if (notes != NULL)
        g_ptr_array_add (notes,
            g_strdup_printf ("Rating %s has %s territory \"%s\": it is not "
                             "written to the parental_rating_descriptor, "
                             "which needs a country.",
                name, r->territory ? "the unknown" : "no",
                r->territory ? r->territory : ""));
      g_free (name);
      continue;
    }
    byte = ws_dvb_rating_from_age (r->minimum_age, &exact);
    if (!exact && r->minimum_age >= 0 && r->minimum_age < 4) {
      if (notes != NULL)
        g_ptr_array_add (notes,
            g_strdup_printf ("%s: rating %s (age %d) is written as DVB "
                             "rating 0x01 (4 years), the least age DVB can "
                             "say.",
                a2, name, r->minimum_age));
    } else if (!exact) {
      if (mode == WS_DVB_RATING_STRICT) {
        g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
            "%s: rating %s %s; DVB ratings are ages 4 to 18: give a "
            "rating with a minimum age of at most 18",
            a2, name,
            r->minimum_age < 0 ? "has no minimum age (unrated or refused)" :
                                 "is above 18 years");
        g_free (name);
        g_array_free (entries, TRUE);
        return FALSE;
      }
      if (notes != NULL)
        g_ptr_array_add (notes,
            g_strdup_printf ("%s: rating %s %s: written as DVB rating 0x0F "
                             "(18 years), the most restrictive DVB can say.",
                a2, name,
                r->minimum_age < 0 ? "has no minimum age" : "is above 18"));
    }
    for (guint k = 0; k < entries->len; k++) {
      Entry *x = &g_array_index (entries, Entry, k);

      if (strcmp (x->alpha3, a3) == 0)
        dup = x;
    }
    if (dup != NULL) {
      if (notes != NULL)
        g_ptr_array_add (notes,
            g_strdup_printf ("%s has two ratings; the more restrictive is "
                             "written.",
                a2));
      if (restrictiveness (r->minimum_age) > restrictiveness (dup->age)) {
        dup->rating = byte;
        dup->age = r->minimum_age;
      }
      g_free (name);
      continue;
    }
    g_strlcpy (e.alpha3, a3, sizeof e.alpha3);
    e.rating = byte;
    e.age = r->minimum_age;
    g_array_append_val (entries, e);
    g_free (name);
  }
  g_array_sort (entries, entry_cmp);
  for (i = 0; i < entries->len; i += WS_DVB_PARENTAL_RATING_MAX_ENTRIES) {
    guint n = MIN (WS_DVB_PARENTAL_RATING_MAX_ENTRIES, entries->len - i);
    guint8 hdr[2] = { WS_DVB_TAG_PARENTAL_RATING, (guint8) (n * 4) };

    g_byte_array_append (out, hdr, 2);
    for (guint k = 0; k < n; k++) {
      const Entry *e = &g_array_index (entries, Entry, i + k);
      guint8 b[4] = { (guint8) e->alpha3[0], (guint8) e->alpha3[1],
        (guint8) e->alpha3[2], e->rating };

      g_byte_array_append (out, b, 4);
    }
  }
  g_array_free (entries, TRUE);
  return TRUE;
}

/* short_event_descriptor: ISO_639_language_code, event_name, text */
static void
append_short_event (GByteArray *out, const char *language, const char *title,
    const char *text)
{
  guint at = out->len;
  const char *lang = ws_dvb_language_code (language);
  guint8 hdr[2] = { WS_DVB_TAG_SHORT_EVENT, 0 };
  guint name_at, text_at;
  gsize n;

  g_byte_array_append (out, hdr, 2);
  g_byte_array_append (out, (const guint8 *) lang, 3);
  name_at = out->len;
  g_byte_array_append (out, (const guint8 *) "", 1);
  /* 255 - 3 (language) - 2 (the two lengths) = 250 for name and text */
  n = ws_dvb_append_text (out, title, 200);
  out->data[name_at] = (guint8) n;
  text_at = out->len;
  g_byte_array_append (out, (const guint8 *) "", 1);
  n = ws_dvb_append_text (out, text, 250 - out->data[name_at]);
  out->data[text_at] = (guint8) n;
  out->data[at + 1] = (guint8) (out->len - at - 2);
}

/* Fills section_length and appends the CRC. @s starts at table_id. */
static GBytes *
finish_section (GByteArray *s)
{
  guint32 crc;
  guint len = s->len + 4 - 3;
  guint8 c[4];

  s->data[1] = (guint8) ((s->data[1] & 0xF0) | ((len >> 8) & 0x0F));
  s->data[2] = (guint8) len;
  crc = ws_dvb_crc32 (s->data, s->len);
  c[0] = (guint8) (crc >> 24);
  c[1] = (guint8) (crc >> 16);
  c[2] = (guint8) (crc >> 8);
  c[3] = (guint8) crc;
  g_byte_array_append (s, c, 4);
  return g_byte_array_free_to_bytes (s);
}

static void
put16 (GByteArray *s, guint v)
{
  guint8 b[2] = { (guint8) (v >> 8), (guint8) v };

  g_byte_array_append (s, b, 2);
}

GBytes *
ws_dvb_build_eit_pf (const WsDvbEvent *ev, guint section_number,
    GPtrArray *notes, GError **error)
{
  GByteArray *s, *desc;
  guint8 b[12];

  g_return_val_if_fail (ev != NULL, NULL);
  if (section_number > 1) {
    g_set_error (error, WS_ERROR, WS_ERROR_ARGUMENT,
        "EIT present/following section %u: only sections 0 (present) and "
        "1 (following) exist",
        section_number);
    return NULL;
  }
  desc = g_byte_array_new ();
  if (section_number == 0) {
    append_short_event (desc, ev->language, ev->title, ev->text);
    if (!ws_dvb_append_parental_rating (desc, ev->ratings, ev->mode, notes,
            error)) {
      g_byte_array_unref (desc);
      return NULL;
    }
  }
  s = g_byte_array_sized_new (64 + desc->len);
  /* table_id; section_syntax_indicator 1, reserved_future_use 1,
   * reserved 11, section_length (filled in at the end) */
  b[0] = WS_DVB_TABLE_EIT_PF_ACTUAL;
  b[1] = 0xF0;
  b[2] = 0;
  g_byte_array_append (s, b, 3);
  put16 (s, ev->service_id);
  /* reserved 11, version_number, current_next_indicator 1 */
  b[0] = (guint8) (0xC0 | ((ev->version & 0x1F) << 1) | 0x01);
  b[1] = (guint8) section_number;
  b[2] = 1; /* last_section_number */
  g_byte_array_append (s, b, 3);
  put16 (s, ev->transport_stream_id);
  put16 (s, ev->original_network_id);
  b[0] = 1;                          /* segment_last_section_number */
  b[1] = WS_DVB_TABLE_EIT_PF_ACTUAL; /* last_table_id */
  g_byte_array_append (s, b, 2);
  if (section_number == 0) {
    guint8 t[5], d[3];
    guint loop = desc->len;

    /* at most 249 countries (4 bytes each) and one short_event_descriptor:
     * the loop always fits the 4096-byte section */
    if (s->len + 12 + loop + 4 > WS_DVB_SECTION_MAX) {
      g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
          "EIT: %u bytes of descriptors do not fit one section", loop);
      g_byte_array_unref (desc);
      g_byte_array_unref (s);
      return NULL;
    }

    put16 (s, ev->event_id);
    ws_dvb_encode_start_time (ev->start, t);
    g_byte_array_append (s, t, 5);
    ws_dvb_encode_duration (ev->duration_s, d);
    g_byte_array_append (s, d, 3);
    /* running_status 3, free_CA_mode 0, descriptors_loop_length 12 */
    b[0] = (guint8) (((ev->running_status & 0x07) << 5) | ((loop >> 8) & 0x0F));
    b[1] = (guint8) loop;
    g_byte_array_append (s, b, 2);
    g_byte_array_append (s, desc->data, loop);
  }
  g_byte_array_unref (desc);
  return finish_section (s);
}

GBytes *
ws_dvb_build_sdt (const WsDvbService *services, guint n_services,
    GError **error)
{
  GByteArray *s;
  guint8 b[8];

  if (services == NULL || n_services == 0 || n_services > 64) {
    g_set_error (error, WS_ERROR, WS_ERROR_ARGUMENT,
        "SDT: %u services; one section holds 1 to 64", n_services);
    return NULL;
  }
  s = g_byte_array_sized_new (64 + 220 * n_services);
  b[0] = WS_DVB_TABLE_SDT_ACTUAL;
  b[1] = 0xF0;
  b[2] = 0;
  g_byte_array_append (s, b, 3);
  put16 (s, services[0].transport_stream_id);
  b[0] = (guint8) (0xC0 | ((services[0].version & 0x1F) << 1) | 0x01);
  b[1] = 0; /* section_number */
  b[2] = 0; /* last_section_number */
  g_byte_array_append (s, b, 3);
  put16 (s, services[0].original_network_id);
  b[0] = 0xFF; /* reserved_future_use */
  g_byte_array_append (s, b, 1);
  for (guint i = 0; i < n_services; i++) {
    const WsDvbService *sv = &services[i];
    guint loop_at, desc_at, n;

    put16 (s, sv->service_id);
    /* reserved_future_use 6, EIT_schedule_flag 0,
     * EIT_present_following_flag 1 */
    b[0] = 0xFC | 0x01;
    g_byte_array_append (s, b, 1);
    loop_at = s->len;
    g_byte_array_append (s, b, 2);
    desc_at = s->len;
    if (sv->descriptors != NULL) {
      g_byte_array_append (s, sv->descriptors,
          (guint) MIN (sv->descriptors_len, 1000));
    } else {
      b[0] = WS_DVB_TAG_SERVICE;
      b[1] = 0;
      b[2] = sv->service_type;
      g_byte_array_append (s, b, 3);
      g_byte_array_append (s, b, 1);
      n = (guint) ws_dvb_append_text (s, sv->provider_name, 100);
      s->data[desc_at + 3] = (guint8) n;
      g_byte_array_append (s, b, 1);
      n = (guint) ws_dvb_append_text (s, sv->service_name, 100);
      s->data[desc_at + 4 + s->data[desc_at + 3]] = (guint8) n;
      s->data[desc_at + 1] = (guint8) (s->len - desc_at - 2);
    }
    n = s->len - desc_at;
    /* running_status 4 (running), free_CA_mode 0, descriptors_loop_length */
    s->data[loop_at] = (guint8) ((WS_DVB_RUNNING_RUNNING << 5) | (n >> 8));
    s->data[loop_at + 1] = (guint8) n;
  }
  if (s->len + 4 > WS_DVB_SECTION_MAX) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "SDT: %u services with these names take %u bytes, more than one "
        "section holds (%d): use shorter names or fewer services",
        n_services, s->len + 4, WS_DVB_SECTION_MAX);
    g_byte_array_unref (s);
    return NULL;
  }
  return finish_section (s);
}

guint
ws_dvb_packetize_section (const guint8 *section, gsize len, guint16 pid,
    guint8 *cc, GByteArray *out)
{
  gsize done = 0;
  guint n = 0;

  g_return_val_if_fail (section != NULL && cc != NULL && out != NULL, 0);
  while (done < len || n == 0) {
    guint8 p[WS_TS_PACKET_SIZE];
    gsize room = WS_TS_PACKET_SIZE - 4, take;
    guint at = 4;

    memset (p, 0xFF, sizeof p);
    *cc = (guint8) ((*cc + 1) & 0x0F);
    p[0] = 0x47;
    p[1] = (guint8) (((n == 0) ? 0x40 : 0x00) | ((pid >> 8) & 0x1F));
    p[2] = (guint8) pid;
    p[3] = (guint8) (0x10 | *cc); /* payload only */
    if (n == 0) {
      p[at++] = 0x00; /* pointer_field */
      room--;
    }
    take = MIN (room, len - done);
    memcpy (p + at, section + done, take);
    done += take;
    g_byte_array_append (out, p, sizeof p);
    n++;
  }
  return n;
}
