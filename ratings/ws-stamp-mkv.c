/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: LAW_RATING tags in Matroska / WebM files (ws_stamp_matroska).
 *
 * What is written: one Tag whose Targets has TargetTypeValue 50 (the
 * movie/episode level) and, per territory, a SimpleTag `COUNTRY` holding
 * the ISO 3166-1 alpha-2 code ("the Matroska countries form, i.e. the
 * BCP 47 two-letter region subtag, without the UK exception", Matroska tag
 * specification) with a nested SimpleTag `LAW_RATING` holding the code.
 *
 * Nothing moves: every existing element keeps its position in the Segment,
 * so Cues, cluster positions and SeekHead entries stay valid. The old Tags
 * elements become Void elements; the new Tags (the old tags minus every
 * LAW_RATING, then ours) goes into free space before the first Cluster
 * (the old Tags and Void elements) when it fits there, else at the end of
 * the Segment. The SeekHead entries for Tags are pointed at it, in the
 * SeekHead's own room plus the Void after it (as mkvmerge and FFmpeg leave
 * it); an EBML CRC-32 of a rewritten SeekHead is recomputed. */
#include "ws-stamp.h"

#include <string.h>
#include <unistd.h>

#include "ws-embedded.h"
#include "ws-error.h"
#include "ws-stamp-private.h"
#include "ws-territory.h"

#define ID_EBML 0x1A45DFA3u
#define ID_DOCTYPE 0x4282u
#define ID_SEGMENT 0x18538067u
#define ID_SEEKHEAD 0x114D9B74u
#define ID_SEEK 0x4DBBu
#define ID_SEEKID 0x53ABu
#define ID_SEEKPOSITION 0x53ACu
#define ID_CLUSTER 0x1F43B675u
#define ID_TAGS 0x1254C367u
#define ID_TAG 0x7373u
#define ID_TARGETS 0x63C0u
#define ID_TARGETTYPEVALUE 0x68CAu
#define ID_SIMPLETAG 0x67C8u
#define ID_TAGNAME 0x45A3u
#define ID_TAGSTRING 0x4487u
#define ID_VOID 0xECu
#define ID_CRC32 0xBFu

#define UNKNOWN_SIZE G_MAXUINT64
#define MOVIE_LEVEL 50

/* ---- EBML ------------------------------------------------------------ */

/* An element header at @p[@pos, @len): its ID (marker bits kept), data
 * size (UNKNOWN_SIZE when all value bits are set) and header length. */
static gboolean
ebml_header (const guint8 *p, gsize len, gsize pos, guint32 *id, guint64 *size,
    gsize *hdr)
{
  guint idlen, szlen;
  guint64 v, all_ones;

  if (pos >= len || p[pos] == 0)
    return FALSE;
  idlen = 1;
  while (idlen <= 4 && !(p[pos] & (0x80 >> (idlen - 1))))
    idlen++;
  if (idlen > 4 || len - pos < idlen + 1)
    return FALSE;
  *id = 0;
  for (guint i = 0; i < idlen; i++)
    *id = (*id << 8) | p[pos + i];
  pos += idlen;
  if (p[pos] == 0)
    return FALSE;
  szlen = 1;
  while (!(p[pos] & (0x80 >> (szlen - 1))))
    szlen++;
  if (len - pos < szlen)
    return FALSE;
  v = p[pos] & (0xFF >> szlen);
  for (guint i = 1; i < szlen; i++)
    v = (v << 8) | p[pos + i];
  all_ones = (G_GUINT64_CONSTANT (1) << (7 * szlen)) - 1;
  *size = v == all_ones ? UNKNOWN_SIZE : v;
  *hdr = idlen + szlen;
  return TRUE;
}

static void
put_id (GByteArray *out, guint32 id)
{
  guint8 b[4];
  guint n = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1;

  for (guint i = 0; i < n; i++)
    b[i] = (guint8) (id >> (8 * (n - 1 - i)));
  g_byte_array_append (out, b, n);
}

/* Bytes needed for @v as a size (all-ones is reserved for "unknown"). */
static guint
size_len (guint64 v)
{
  guint n = 1;

  while (n < 8 && v >= (G_GUINT64_CONSTANT (1) << (7 * n)) - 1)
    n++;
  return n;
}

static void
put_size_n (GByteArray *out, guint64 v, guint n)
{
  guint8 b[8];

  for (guint i = 0; i < n; i++)
    b[i] = (guint8) (v >> (8 * (n - 1 - i)));
  b[0] |= (guint8) (0x80 >> (n - 1));
  g_byte_array_append (out, b, n);
}

static void
put_element (GByteArray *out, guint32 id, const guint8 *data, gsize len)
{
  put_id (out, id);
  put_size_n (out, len, size_len (len));
  g_byte_array_append (out, data, len);
}

static void
put_string (GByteArray *out, guint32 id, const char *s)
{
  put_element (out, id, (const guint8 *) s, strlen (s));
}

static guint
uint_len (guint64 v)
{
  guint n = 1;

  while (n < 8 && (v >> (8 * n)) != 0)
    n++;
  return n;
}

static void
put_uint_n (GByteArray *out, guint32 id, guint64 v, guint n)
{
  guint8 b[8];

  for (guint i = 0; i < n; i++)
    b[i] = (guint8) (v >> (8 * (n - 1 - i)));
  put_element (out, id, b, n);
}

/* A Void element of exactly @len bytes (@len >= 2). */
static void
put_void (GByteArray *out, gsize len)
{
  guint n = len >= 9 ? 8 : 1;
  guint start;

  g_assert (len >= 2);
  put_id (out, ID_VOID);
  put_size_n (out, len - 1 - n, n);
  start = out->len;
  g_byte_array_set_size (out, start + (len - 1 - n));
  memset (out->data + start, 0, len - 1 - n);
}

static guint32
crc32_ieee (const guint8 *p, gsize len)
{
  static guint32 table[256];
  static gsize init;
  guint32 crc = 0xFFFFFFFFu;

  if (g_once_init_enter (&init)) {
    for (guint32 i = 0; i < 256; i++) {
      guint32 c = i;

      for (int k = 0; k < 8; k++)
        c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    g_once_init_leave (&init, 1);
  }
  for (gsize i = 0; i < len; i++)
    crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

/* ---- the new Tags ------------------------------------------------------ */

static gboolean
name_is (const guint8 *p, gsize len, const char *name)
{
  /* TagName is UTF-8; compare without a trailing NUL padding */
  while (len > 0 && p[len - 1] == 0)
    len--;
  return len == strlen (name) &&
         g_ascii_strncasecmp ((const char *) p, name, len) == 0;
}

/* Copies the SimpleTag body @p[0, @len) to @out without its LAW_RATING
 * SimpleTags. *@keep is FALSE when the SimpleTag itself must go: it is a
 * LAW_RATING, or a COUNTRY that held only LAW_RATING tags. FALSE on a
 * malformed body. */
static gboolean
filter_simple_tag (const guint8 *p, gsize len, int depth, GByteArray *out,
    gboolean *keep)
{
  gsize pos = 0;
  gboolean is_country = FALSE, dropped = FALSE;
  guint nested = 0;
  GByteArray *body = g_byte_array_new ();

  *keep = TRUE;
  while (pos < len) {
    guint32 id;
    guint64 size;
    gsize hdr;

    if (!ebml_header (p, len, pos, &id, &size, &hdr) || size > len - pos - hdr)
      goto bad;
    if (id == ID_TAGNAME) {
      if (name_is (p + pos + hdr, size, "LAW_RATING"))
        *keep = FALSE;
      is_country = name_is (p + pos + hdr, size, "COUNTRY");
    }
    if (id == ID_SIMPLETAG && depth < 8) {
      GByteArray *child = g_byte_array_new ();
      gboolean k;

      if (!filter_simple_tag (p + pos + hdr, size, depth + 1, child, &k)) {
        g_byte_array_unref (child);
        goto bad;
      }
      if (k) {
        g_byte_array_append (body, child->data, child->len);
        nested++;
      } else {
        dropped = TRUE;
      }
      g_byte_array_unref (child);
    } else {
      g_byte_array_append (body, p + pos, hdr + size);
    }
    pos += hdr + size;
  }
  if (is_country && dropped && nested == 0)
    *keep = FALSE;
  if (*keep)
    put_element (out, ID_SIMPLETAG, body->data, body->len);
  g_byte_array_unref (body);
  return TRUE;

bad:
  g_byte_array_unref (body);
  return FALSE;
}

/* Appends the Tag elements of a Tags body to @kept, without LAW_RATING. */
static gboolean
filter_tags (const guint8 *p, gsize len, GByteArray *kept)
{
  gsize pos = 0;

  while (pos < len) {
    guint32 id;
    guint64 size;
    gsize hdr, tpos;
    GByteArray *tag;
    guint simple = 0;

    if (!ebml_header (p, len, pos, &id, &size, &hdr) || size > len - pos - hdr)
      return FALSE;
    if (id != ID_TAG) { /* Void, CRC-32 */
      pos += hdr + size;
      continue;
    }
    tag = g_byte_array_new ();
    for (tpos = pos + hdr; tpos < pos + hdr + size;) {
      guint32 cid;
      guint64 csize;
      gsize chdr;
      const gsize end = pos + hdr + size;

      if (!ebml_header (p, end, tpos, &cid, &csize, &chdr) ||
          csize > end - tpos - chdr) {
        g_byte_array_unref (tag);
        return FALSE;
      }
      if (cid == ID_SIMPLETAG) {
        gboolean k;
        guint before = tag->len;

        if (!filter_simple_tag (p + tpos + chdr, csize, 0, tag, &k)) {
          g_byte_array_unref (tag);
          return FALSE;
        }
        if (tag->len > before)
          simple++;
      } else if (cid != ID_CRC32) {
        g_byte_array_append (tag, p + tpos, chdr + csize);
      }
      tpos += chdr + csize;
    }
    /* a Tag needs at least one SimpleTag */
    if (simple > 0)
      put_element (kept, ID_TAG, tag->data, tag->len);
    g_byte_array_unref (tag);
    pos += hdr + size;
  }
  return TRUE;
}

/* The LAW_RATING value for @def in @territory: the code when the readers
 * (ws_embedded_parse_law_rating) resolve it back to @def from the country
 * alone, else SYSTEM:CODE. (transfer full) */
static char *
law_rating_value (const WsRatingRegistry *reg, const char *territory,
    const WsRatingDef *def)
{
  const char *code = ws_rating_def_get_code (def);

  if (ws_embedded_lookup_territory_code (reg, territory, code, NULL) == def)
    return g_strdup (code);
  return g_strdup (ws_rating_def_get_name (def));
}

GByteArray *
ws_stamp_mkv_build_tags (const WsStampRequest *req, const GByteArray *kept,
    GError **error)
{
  GByteArray *tag = g_byte_array_new (), *targets = g_byte_array_new ();
  GByteArray *out = NULL;
  GHashTable *seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (req != NULL && req->reg != NULL, NULL);
  if (req->ratings == NULL || req->ratings->len == 0) {
    g_set_error (error, WS_ERROR, WS_ERROR_ARGUMENT,
        "no rating to write; give one");
    goto end;
  }
  put_uint_n (targets, ID_TARGETTYPEVALUE, MOVIE_LEVEL, 1);
  put_element (tag, ID_TARGETS, targets->data, targets->len);
  for (guint i = 0; i < req->ratings->len; i++) {
    const WsRating *r = g_ptr_array_index (req->ratings, i);
    const WsRatingSystem *sys = r->system ?
                                    ws_rating_registry_lookup_system (req->reg,
                                        r->system) :
                                    NULL;
    const WsRatingDef *def = sys && r->code ?
                                 ws_rating_system_lookup_rating (sys, r->code) :
                                 NULL;
    const char *cc = r->territory ? ws_territory_normalise (r->territory) :
                                    NULL;
    GByteArray *country, *law;
    char *value;

    if (def == NULL) {
      g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
          "the rating %s:%s is not a known rating; an unresolved rating is "
          "never written",
          r->system ? r->system : "?", r->code ? r->code : "?");
      goto end;
    }
    if (cc == NULL) {
      g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
          "the rating %s has no territory (\"%s\" is not an ISO 3166 code); "
          "a Matroska LAW_RATING is written under a COUNTRY: give the "
          "territory",
          ws_rating_def_get_name (def), r->territory ? r->territory : "");
      goto end;
    }
    if (g_hash_table_contains (seen, cc)) {
      g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
          "two ratings for %s; give one per territory (the most restrictive)",
          cc);
      goto end;
    }
    g_hash_table_add (seen, (gpointer) cc);
    value = law_rating_value (req->reg, cc, def);
    law = g_byte_array_new ();
    put_string (law, ID_TAGNAME, "LAW_RATING");
    put_string (law, ID_TAGSTRING, value);
    country = g_byte_array_new ();
    put_string (country, ID_TAGNAME, "COUNTRY");
    put_string (country, ID_TAGSTRING, cc);
    put_element (country, ID_SIMPLETAG, law->data, law->len);
    put_element (tag, ID_SIMPLETAG, country->data, country->len);
    g_byte_array_unref (law);
    g_byte_array_unref (country);
    g_free (value);
  }
  {
    GByteArray *body = g_byte_array_new ();

    if (kept != NULL)
      g_byte_array_append (body, kept->data, kept->len);
    put_element (body, ID_TAG, tag->data, tag->len);
    out = g_byte_array_new ();
    put_element (out, ID_TAGS, body->data, body->len);
    g_byte_array_unref (body);
  }

end:
  g_hash_table_unref (seen);
  g_byte_array_unref (tag);
  g_byte_array_unref (targets);
  return out;
}

/* ---- the file --------------------------------------------------------- */

typedef struct {
  guint32 id;
  guint64 off;  /* of the header */
  guint64 hdr;  /* header bytes */
  guint64 size; /* data bytes */
} El;

typedef struct {
  guint64 off, len;
  GByteArray *data; /* exactly @len bytes */
} Patch;

static guint64
el_end (const El *e)
{
  return e->off + e->hdr + e->size;
}

static gboolean
read_header_at (int fd, const char *path, guint64 off, guint64 limit,
    guint32 *id, guint64 *size, gsize *hdr, GError **error)
{
  guint8 h[12];
  gsize n = (gsize) MIN ((guint64) sizeof h, limit - off);

  if (!ws_stamp_pread (fd, path, off, h, n, "an element header", error))
    return FALSE;
  if (!ebml_header (h, n, 0, id, size, hdr)) {
    g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
        "%s: no valid EBML element at byte %" G_GUINT64_FORMAT
        "; the file is damaged or not Matroska",
        path, off);
    return FALSE;
  }
  return TRUE;
}

static guint8 *
read_data (int fd, const char *path, const El *e, const char *what,
    GError **error)
{
  guint8 *d;

  if (e->size > WS_STAMP_MAX_HEADER_BYTES) {
    g_set_error (error, WS_ERROR, WS_ERROR_TOO_LARGE,
        "%s: the %s element at byte %" G_GUINT64_FORMAT " is %" G_GUINT64_FORMAT
        " bytes, more than the %u read into memory",
        path, what, e->off, e->size, WS_STAMP_MAX_HEADER_BYTES);
    return NULL;
  }
  d = g_malloc (MAX (e->size, 1));
  if (!ws_stamp_pread (fd, path, e->off + e->hdr, d, e->size, what, error)) {
    g_free (d);
    return NULL;
  }
  return d;
}

static gboolean
check_doctype (int fd, const char *path, guint64 file_size, guint64 *next,
    GError **error)
{
  guint32 id;
  guint64 size;
  gsize hdr, pos = 0;
  El e;
  guint8 *d;
  gboolean ok = FALSE;

  if (!read_header_at (fd, path, 0, file_size, &id, &size, &hdr, error))
    return FALSE;
  if (id != ID_EBML || size == UNKNOWN_SIZE || size > 4096) {
    g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
        "%s: the EBML header is damaged", path);
    return FALSE;
  }
  e = (El){ id, 0, hdr, size };
  d = read_data (fd, path, &e, "EBML header", error);
  if (d == NULL)
    return FALSE;
  while (pos < size) {
    guint32 cid;
    guint64 csize;
    gsize chdr;

    if (!ebml_header (d, size, pos, &cid, &csize, &chdr) ||
        csize > size - pos - chdr)
      break;
    if (cid == ID_DOCTYPE) {
      char *doctype = g_strndup ((const char *) d + pos + chdr, csize);

      ok = strcmp (doctype, "matroska") == 0 || strcmp (doctype, "webm") == 0;
      if (!ok)
        g_set_error (error, WS_ERROR, WS_ERROR_UNKNOWN_FORMAT,
            "%s: an EBML file of DocType \"%s\", not Matroska or WebM", path,
            doctype);
      g_free (doctype);
      break;
    }
    pos += chdr + csize;
  }
  if (!ok && (error == NULL || *error == NULL))
    g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
        "%s: the EBML header has no DocType", path);
  g_free (d);
  *next = hdr + size;
  return ok;
}

/* One SeekHead rewritten: the Tags entries point at @tags_pos, one is added
 * when @add_entry, a CRC-32 is recomputed. (transfer full) */
static GByteArray *
rebuild_seekhead (const guint8 *d, gsize len, guint64 tags_pos,
    gboolean add_entry, gboolean *had_tags, gboolean *ok)
{
  GByteArray *body = g_byte_array_new (), *out;
  gboolean crc = FALSE;
  gsize pos = 0;
  static const guint8 tags_id[] = { 0x12, 0x54, 0xC3, 0x67 };

  *ok = TRUE;
  while (pos < len) {
    guint32 id;
    guint64 size;
    gsize hdr;

    if (!ebml_header (d, len, pos, &id, &size, &hdr) ||
        size > len - pos - hdr) {
      *ok = FALSE;
      break;
    }
    if (id == ID_CRC32) {
      crc = TRUE;
    } else if (id == ID_SEEK) {
      const guint8 *s = d + pos + hdr;
      gsize spos = 0, poslen = 0;
      gboolean is_tags = FALSE;

      while (spos < size) {
        guint32 sid;
        guint64 ssize;
        gsize shdr;

        if (!ebml_header (s, size, spos, &sid, &ssize, &shdr) ||
            ssize > size - spos - shdr)
          break;
        if (sid == ID_SEEKID && ssize == 4 &&
            memcmp (s + spos + shdr, tags_id, 4) == 0)
          is_tags = TRUE;
        if (sid == ID_SEEKPOSITION)
          poslen = ssize;
        spos += shdr + ssize;
      }
      if (is_tags) {
        GByteArray *seek = g_byte_array_new ();

        put_element (seek, ID_SEEKID, tags_id, 4);
        put_uint_n (seek, ID_SEEKPOSITION, tags_pos,
            MAX (uint_len (tags_pos), MIN (poslen, 8)));
        put_element (body, ID_SEEK, seek->data, seek->len);
        g_byte_array_unref (seek);
        *had_tags = TRUE;
      } else {
        g_byte_array_append (body, d + pos, hdr + size);
      }
    } else if (id != ID_VOID) {
      g_byte_array_append (body, d + pos, hdr + size);
    }
    pos += hdr + size;
  }
  if (add_entry) {
    GByteArray *seek = g_byte_array_new ();

    put_element (seek, ID_SEEKID, tags_id, 4);
    put_uint_n (seek, ID_SEEKPOSITION, tags_pos, uint_len (tags_pos));
    put_element (body, ID_SEEK, seek->data, seek->len);
    g_byte_array_unref (seek);
  }
  out = g_byte_array_new ();
  if (crc) {
    guint32 v = crc32_ieee (body->data, body->len);
    guint8 le[4] = { v, v >> 8, v >> 16, v >> 24 };
    GByteArray *with = g_byte_array_new ();

    put_element (with, ID_CRC32, le, 4);
    g_byte_array_append (with, body->data, body->len);
    put_element (out, ID_SEEKHEAD, with->data, with->len);
    g_byte_array_unref (with);
  } else {
    put_element (out, ID_SEEKHEAD, body->data, body->len);
  }
  g_byte_array_unref (body);
  return out;
}

/* Fills @region_len bytes with @data then a Void; FALSE when it does not
 * fit (a Void needs at least two bytes). */
static gboolean
fits (gsize data_len, guint64 region_len)
{
  return data_len == region_len || data_len + 2 <= region_len;
}

static void
add_patch (GArray *patches, guint64 off, guint64 len, GByteArray *data)
{
  Patch p = { off, len, data };

  if (data->len < len)
    put_void (data, len - data->len);
  g_assert (data->len == len);
  g_array_append_val (patches, p);
}

static int
patch_cmp (gconstpointer a, gconstpointer b)
{
  const Patch *x = a, *y = b;

  return x->off < y->off ? -1 : x->off > y->off;
}

gboolean
ws_stamp_matroska (const char *in_path, int out_fd, const WsStampRequest *req,
    GError **error)
{
  GArray *els = g_array_new (FALSE, FALSE, sizeof (El));
  GArray *patches = g_array_new (FALSE, FALSE, sizeof (Patch));
  GByteArray *kept = g_byte_array_new (), *tags = NULL;
  gboolean *reserved = NULL, ok = FALSE, appended = FALSE;
  guint64 file_size, seg_off, seg_data, seg_end, first_cluster, tags_at;
  guint64 seg_size;
  gsize seg_hdr;
  guint32 id;
  WsStampPlan *plan = NULL;
  int fd;

  g_return_val_if_fail (in_path != NULL && req != NULL, FALSE);
  fd = ws_stamp_open_input (in_path, &file_size, error);
  if (fd < 0)
    goto end;
  if (!check_doctype (fd, in_path, file_size, &seg_off, error))
    goto end;

  /* the Segment (Void elements may come first) */
  for (;;) {
    if (seg_off >= file_size) {
      g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
          "%s: no Segment after the EBML header; the file is truncated",
          in_path);
      goto end;
    }
    if (!read_header_at (fd, in_path, seg_off, file_size, &id, &seg_size,
            &seg_hdr, error))
      goto end;
    if (id == ID_SEGMENT)
      break;
    if ((id != ID_VOID && id != ID_CRC32) || seg_size == UNKNOWN_SIZE) {
      g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
          "%s: no Segment after the EBML header", in_path);
      goto end;
    }
    seg_off += seg_hdr + seg_size;
  }
  seg_data = seg_off + seg_hdr;
  if (seg_size == UNKNOWN_SIZE) {
    seg_end = file_size; /* live-written: up to the end of the file */
  } else if (seg_size > file_size - seg_data) {
    g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
        "%s: the Segment says it is %" G_GUINT64_FORMAT
        " bytes but %" G_GUINT64_FORMAT " are left; the file is truncated",
        in_path, seg_size, file_size - seg_data);
    goto end;
  } else {
    seg_end = seg_data + seg_size;
  }

  /* the top-level elements of the Segment */
  first_cluster = seg_end;
  for (guint64 off = seg_data; off < seg_end;) {
    El e = { 0 };
    gsize hdr;

    if (!read_header_at (fd, in_path, off, seg_end, &e.id, &e.size, &hdr,
            error))
      goto end;
    e.off = off;
    e.hdr = hdr;
    if (seg_size == UNKNOWN_SIZE && (e.id == ID_EBML || e.id == ID_SEGMENT)) {
      seg_end = off; /* a next Segment ends an unknown-size one */
      break;
    }
    if (e.size == UNKNOWN_SIZE) {
      g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
          "%s: an element of unknown size at byte %" G_GUINT64_FORMAT
          " (a live-written file); remux it first (mkvmerge -o OUT IN, or "
          "ffmpeg -i IN -map 0 -c copy OUT.mkv) and stamp that",
          in_path, off);
      goto end;
    }
    if (e.size > seg_end - off - hdr) {
      g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
          "%s: the element at byte %" G_GUINT64_FORMAT
          " runs past the end of the Segment; the file is truncated",
          in_path, off);
      goto end;
    }
    if (e.id == ID_CLUSTER && first_cluster == seg_end)
      first_cluster = off;
    g_array_append_val (els, e);
    off = el_end (&e);
  }

  /* the tags kept */
  for (guint i = 0; i < els->len; i++) {
    const El *e = &g_array_index (els, El, i);
    guint8 *d;

    if (e->id != ID_TAGS)
      continue;
    d = read_data (fd, in_path, e, "Tags", error);
    if (d == NULL)
      goto end;
    if (!filter_tags (d, e->size, kept)) {
      g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
          "%s: the Tags element at byte %" G_GUINT64_FORMAT " is damaged",
          in_path, e->off);
      g_free (d);
      goto end;
    }
    g_free (d);
  }
  tags = ws_stamp_mkv_build_tags (req, kept, error);
  if (tags == NULL) {
    g_prefix_error (error, "%s: ", in_path);
    goto end;
  }

  /* the SeekHeads keep the Void after them for their own growth */
  reserved = g_new0 (gboolean, els->len + 1);
  for (guint i = 0; i < els->len; i++) {
    if (g_array_index (els, El, i).id != ID_SEEKHEAD)
      continue;
    for (guint j = i + 1;
         j < els->len && g_array_index (els, El, j).id == ID_VOID; j++)
      reserved[j] = TRUE;
  }

  /* where the new Tags goes: free room before the first Cluster, else the
   * end of the Segment */
  tags_at = G_MAXUINT64;
  for (guint i = 0; i < els->len && tags_at == G_MAXUINT64;) {
    const El *e = &g_array_index (els, El, i);
    guint j = i;
    guint64 end;

    if (e->off >= first_cluster)
      break;
    while (j < els->len &&
           ((g_array_index (els, El, j).id == ID_VOID && !reserved[j]) ||
               g_array_index (els, El, j).id == ID_TAGS) &&
           g_array_index (els, El, j).off < first_cluster)
      j++;
    if (j == i) {
      i++;
      continue;
    }
    end = el_end (&g_array_index (els, El, j - 1));
    if (fits (tags->len, end - e->off)) {
      GByteArray *d = g_byte_array_new ();

      tags_at = e->off;
      g_byte_array_append (d, tags->data, tags->len);
      add_patch (patches, e->off, end - e->off, d);
      /* the Tags elements of this run are covered by the patch */
      for (guint k = i; k < j; k++)
        g_array_index (els, El, k).id = ID_VOID;
    }
    i = j;
  }
  if (tags_at == G_MAXUINT64) {
    tags_at = seg_end;
    appended = TRUE;
  }
  /* every other old Tags becomes a Void of the same size */
  for (guint i = 0; i < els->len; i++) {
    const El *e = &g_array_index (els, El, i);

    if (e->id == ID_TAGS)
      add_patch (patches, e->off, e->hdr + e->size, g_byte_array_new ());
  }

  /* the SeekHeads */
  {
    gboolean had_tags = FALSE, any = FALSE;

    for (int pass = 0; pass < 2; pass++) {
      for (guint i = 0; i < els->len; i++) {
        const El *e = &g_array_index (els, El, i);
        gboolean add = pass == 1 && !had_tags && !any;
        gboolean had = FALSE, sok;
        guint64 room;
        guint8 *d;
        GByteArray *sh;
        guint j;

        if (e->id != ID_SEEKHEAD)
          continue;
        if (pass == 1 && !add)
          break;
        d = read_data (fd, in_path, e, "SeekHead", error);
        if (d == NULL)
          goto end;
        sh = rebuild_seekhead (d, e->size, tags_at - seg_data, add, &had, &sok);
        g_free (d);
        if (!sok) {
          g_byte_array_unref (sh);
          g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
              "%s: the SeekHead at byte %" G_GUINT64_FORMAT " is damaged",
              in_path, e->off);
          goto end;
        }
        for (j = i + 1; j < els->len && reserved[j]; j++)
          ;
        room = el_end (&g_array_index (els, El, j - 1)) - e->off;
        if (pass == 0 && !had) {
          g_byte_array_unref (sh);
          continue;
        }
        if (!fits (sh->len, room) && pass == 1 && !appended) {
          /* the Tags before the first Cluster is found without an entry */
          g_byte_array_unref (sh);
          break;
        }
        if (!fits (sh->len, room)) {
          g_byte_array_unref (sh);
          g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
              "%s: no room in the SeekHead at byte %" G_GUINT64_FORMAT
              " to point at the new Tags (and none before the first Cluster "
              "for the Tags itself); remux with mkvmerge, which leaves room, "
              "and stamp that",
              in_path, e->off);
          goto end;
        }
        had_tags = had_tags || had;
        any = any || add;
        add_patch (patches, e->off, room, sh);
      }
    }
    if (appended && !had_tags && !any) {
      g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
          "%s: no SeekHead and no room before the first Cluster; players "
          "would not find Tags written at the end; remux with mkvmerge and "
          "stamp that",
          in_path);
      goto end;
    }
  }

  /* the output */
  g_array_sort (patches, patch_cmp);
  plan = ws_stamp_plan_new ();
  {
    const guint idlen = 4; /* the Segment ID, 0x18538067 */
    guint64 pos = seg_data;

    /* the Segment header: its size grows by what is appended */
    ws_stamp_plan_copy (plan, 0, seg_off + idlen);
    if (seg_size == UNKNOWN_SIZE) {
      ws_stamp_plan_copy (plan, seg_off + idlen, seg_hdr - idlen);
    } else {
      guint64 new_size = seg_size + (appended ? tags->len : 0);
      guint n = seg_hdr - idlen;
      GByteArray *v = g_byte_array_new ();

      if (size_len (new_size) > n)
        n = 8;
      put_size_n (v, new_size, n);
      ws_stamp_plan_data (plan, v->data, v->len);
      g_byte_array_unref (v);
    }
    for (guint i = 0; i < patches->len; i++) {
      const Patch *p = &g_array_index (patches, Patch, i);

      g_assert (p->off >= pos);
      ws_stamp_plan_copy (plan, pos, p->off - pos);
      ws_stamp_plan_data (plan, p->data->data, p->data->len);
      pos = p->off + p->len;
    }
    ws_stamp_plan_copy (plan, pos, seg_end - pos);
    if (appended)
      ws_stamp_plan_data (plan, tags->data, tags->len);
    ws_stamp_plan_copy (plan, seg_end, file_size - seg_end);
  }
  ok = ws_stamp_plan_write (plan, fd, in_path, out_fd, error);

end:
  if (fd >= 0)
    close (fd);
  for (guint i = 0; i < patches->len; i++)
    g_byte_array_unref (g_array_index (patches, Patch, i).data);
  g_array_free (patches, TRUE);
  g_array_free (els, TRUE);
  g_byte_array_unref (kept);
  if (tags != NULL)
    g_byte_array_unref (tags);
  ws_stamp_plan_free (plan);
  g_free (reserved);
  return ok;
}
