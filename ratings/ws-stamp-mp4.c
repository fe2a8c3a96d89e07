/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the iTunEXTC item of MP4 / MOV / M4V files (ws_stamp_mp4).
 *
 * The file is rewritten box by box: every top-level box but moov is copied
 * as it is (the media data never changes); moov is rebuilt in memory with
 * moov/udta/meta(hdlr mdir)/ilst holding a `----` item whose `mean` is
 * "com.apple.iTunes", `name` "iTunEXTC" and `data` (type 1, UTF-8) the
 * rating, creating the boxes that are missing and keeping every other item.
 * The chunk offsets (stco, co64) and the sample auxiliary information
 * offsets (saio) that point behind moov move by the size moov gained; an
 * stco whose offsets would pass 2^32 becomes a co64. */
#include "ws-stamp.h"

#include <string.h>
#include <unistd.h>

#include "ws-error.h"
#include "ws-stamp-private.h"
#include "ws-territory.h"

#define FOURCC(a, b, c, d)                                                \
  (((guint32) (a) << 24) | ((guint32) (b) << 16) | ((guint32) (c) << 8) | \
      (guint32) (d))
#define T_MOOV FOURCC ('m', 'o', 'o', 'v')
#define T_MOOF FOURCC ('m', 'o', 'o', 'f')
#define T_MVEX FOURCC ('m', 'v', 'e', 'x')
#define T_TRAK FOURCC ('t', 'r', 'a', 'k')
#define T_MDIA FOURCC ('m', 'd', 'i', 'a')
#define T_MINF FOURCC ('m', 'i', 'n', 'f')
#define T_STBL FOURCC ('s', 't', 'b', 'l')
#define T_STCO FOURCC ('s', 't', 'c', 'o')
#define T_CO64 FOURCC ('c', 'o', '6', '4')
#define T_SAIO FOURCC ('s', 'a', 'i', 'o')
#define T_UDTA FOURCC ('u', 'd', 't', 'a')
#define T_META FOURCC ('m', 'e', 't', 'a')
#define T_HDLR FOURCC ('h', 'd', 'l', 'r')
#define T_MDIR FOURCC ('m', 'd', 'i', 'r')
#define T_ILST FOURCC ('i', 'l', 's', 't')
#define T_FREEFORM FOURCC ('-', '-', '-', '-')
#define T_NAME FOURCC ('n', 'a', 'm', 'e')

#define ITUNES_MEAN "com.apple.iTunes"
#define ITUNES_NAME "iTunEXTC"
#define MAX_ANNOTATION 255

typedef struct {
  const char *path;
  guint64 moov_start, moov_end; /* in the input */
  gint64 delta;                 /* bytes moov grows by */
  const char *value;            /* the iTunEXTC string */
} Ctx;

typedef struct {
  guint32 type;
  gsize off;  /* of the header, in the parent's payload */
  gsize hdr;  /* header bytes */
  gsize size; /* whole box */
} MemBox;

static guint32
rd32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) |
         ((guint32) p[2] << 8) | p[3];
}

static guint64
rd64 (const guint8 *p)
{
  return ((guint64) rd32 (p) << 32) | rd32 (p + 4);
}

static void
wr32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

static void
type_name (guint32 t, char out[5])
{
  for (int i = 0; i < 4; i++) {
    char ch = (char) (t >> (24 - 8 * i));

    out[i] = g_ascii_isprint (ch) ? ch : '?';
  }
  out[4] = '\0';
}

/* The next box in @p[@pos, @len). FALSE with an error when it does not fit
 * (@where names the parent for the message). */
static gboolean
next_box (const Ctx *c, const guint8 *p, gsize len, gsize pos, MemBox *b,
    const char *where, GError **error)
{
  guint64 size;
  char tn[5];

  if (len - pos < 8) {
    g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
        "%s: %zu stray bytes at the end of %s; the box structure is broken",
        c->path, len - pos, where);
    return FALSE;
  }
  b->off = pos;
  b->type = rd32 (p + pos + 4);
  size = rd32 (p + pos);
  b->hdr = 8;
  if (size == 1) {
    if (len - pos < 16)
      goto bad;
    size = rd64 (p + pos + 8);
    b->hdr = 16;
  } else if (size == 0) {
    size = len - pos; /* to the end of the parent */
  }
  if (size < b->hdr || size > len - pos)
    goto bad;
  b->size = (gsize) size;
  return TRUE;

bad:
  type_name (b->type, tn);
  g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
      "%s: box '%s' inside %s does not fit in it; the file is damaged", c->path,
      tn, where);
  return FALSE;
}

static guint
begin_box (GByteArray *out, guint32 type)
{
  guint start = out->len;

  ws_stamp_put_be32 (out, 0);
  ws_stamp_put_be32 (out, type);
  return start;
}

static void
end_box (GByteArray *out, guint start)
{
  /* moov is bounded by WS_STAMP_MAX_HEADER_BYTES, so 32 bits suffice */
  wr32 (out->data + start, out->len - start);
}

/* ---- the item ------------------------------------------------------- */

GByteArray *
ws_stamp_mp4_build_item (const char *value)
{
  GByteArray *out = g_byte_array_new ();
  guint item, b;

  item = begin_box (out, T_FREEFORM);
  b = begin_box (out, FOURCC ('m', 'e', 'a', 'n'));
  ws_stamp_put_be32 (out, 0); /* version, flags */
  g_byte_array_append (out, (const guint8 *) ITUNES_MEAN, strlen (ITUNES_MEAN));
  end_box (out, b);
  b = begin_box (out, T_NAME);
  ws_stamp_put_be32 (out, 0);
  g_byte_array_append (out, (const guint8 *) ITUNES_NAME, strlen (ITUNES_NAME));
  end_box (out, b);
  b = begin_box (out, FOURCC ('d', 'a', 't', 'a'));
  ws_stamp_put_be32 (out, 1); /* version 0, type 1: UTF-8 */
  ws_stamp_put_be32 (out, 0); /* locale */
  g_byte_array_append (out, (const guint8 *) value, strlen (value));
  end_box (out, b);
  end_box (out, item);
  return out;
}

/* The annotation field: the first guidance text, one line, without `|`,
 * at most MAX_ANNOTATION bytes cut at a character boundary. */
static char *
annotation (const WsRating *r)
{
  const WsGuidanceText *t;
  GString *s;

  if (r->texts->len == 0)
    return g_strdup ("");
  t = g_ptr_array_index (r->texts, 0);
  if (t->text == NULL || !g_utf8_validate (t->text, -1, NULL))
    return g_strdup ("");
  s = g_string_new (NULL);
  for (const char *p = t->text; *p != '\0'; p = g_utf8_next_char (p)) {
    const char *next = g_utf8_next_char (p);

    if (s->len + (gsize) (next - p) > MAX_ANNOTATION)
      break;
    if (*p == '|')
      g_string_append_c (s, '/');
    else if ((guchar) *p < 0x20 || *p == 0x7f)
      g_string_append_c (s, ' ');
    else
      g_string_append_len (s, p, next - p);
  }
  return g_string_free (s, FALSE);
}

char *
ws_stamp_mp4_itunextc_value (const WsStampRequest *req, GError **error)
{
  const WsRating *r;
  const WsRatingSystem *sys;
  const WsRatingDef *def = NULL;
  const char *itunes, *sys_territory;
  char *note, *value;

  g_return_val_if_fail (req != NULL && req->reg != NULL, NULL);
  if (req->ratings == NULL || req->ratings->len == 0) {
    g_set_error (error, WS_ERROR, WS_ERROR_ARGUMENT,
        "no rating to write; give one");
    return NULL;
  }
  if (req->ratings->len > 1) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "iTunEXTC carries one rating but %u were given (one per territory); "
        "choose the territory of the storefront with --territory",
        req->ratings->len);
    return NULL;
  }
  r = g_ptr_array_index (req->ratings, 0);
  sys = r->system ? ws_rating_registry_lookup_system (req->reg, r->system) :
                    NULL;
  if (sys != NULL && r->code != NULL)
    def = ws_rating_system_lookup_rating (sys, r->code);
  if (def == NULL) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "the rating %s:%s is not a known rating; an unresolved rating is "
        "never written",
        r->system ? r->system : "?", r->code ? r->code : "?");
    return NULL;
  }
  itunes = ws_rating_def_get_itunes (def);
  if (itunes == NULL) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "%s has no iTunEXTC form (ratings/systems/%s.xml lists no iTunes "
        "string for it); iTunEXTC cannot carry it",
        ws_rating_def_get_name (def), ws_rating_system_get_id (sys));
    return NULL;
  }
  /* iTunEXTC names no territory: the system string implies it */
  sys_territory = ws_rating_system_get_territory (sys);
  if (r->territory != NULL &&
      g_strcmp0 (ws_territory_normalise (r->territory),
          ws_territory_normalise (sys_territory)) != 0) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "iTunEXTC cannot say that %s applies in %s: its system string "
        "stands for %s; give a rating of a system of %s",
        ws_rating_def_get_name (def), r->territory, sys_territory,
        r->territory);
    return NULL;
  }
  note = annotation (r);
  /* the data keeps "system|code|value|"; the annotation follows */
  value = g_strconcat (itunes, note, NULL);
  g_free (note);
  return value;
}

/* ---- rebuilding moov ------------------------------------------------- */

static gboolean
shift_offset (const Ctx *c, guint64 *v, GError **error)
{
  if (*v >= c->moov_end) {
    *v += c->delta;
  } else if (*v >= c->moov_start) {
    g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
        "%s: a chunk offset (%" G_GUINT64_FORMAT
        ") points into the moov box; the file is damaged",
        c->path, *v);
    return FALSE;
  }
  return TRUE;
}

/* stco / co64: version+flags, entry_count, entries */
static gboolean
rewrite_chunk_offsets (const Ctx *c, const guint8 *box, const MemBox *b,
    GByteArray *out, GError **error)
{
  const guint8 *p = box + b->hdr;
  gsize len = b->size - b->hdr;
  gboolean wide = b->type == T_CO64;
  gsize esize = wide ? 8 : 4;
  guint32 n;
  guint64 *values;
  gboolean need64 = wide, ok = TRUE;
  guint start;

  if (len < 8 || (n = rd32 (p + 4)) > (len - 8) / esize) {
    g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
        "%s: the %s table is shorter than its entry count; the file is "
        "damaged",
        c->path, wide ? "co64" : "stco");
    return FALSE;
  }
  values = g_new (guint64, MAX (n, 1));
  for (guint32 i = 0; ok && i < n; i++) {
    values[i] = wide ? rd64 (p + 8 + 8 * (gsize) i) :
                       rd32 (p + 8 + 4 * (gsize) i);
    ok = shift_offset (c, &values[i], error);
    if (values[i] > G_MAXUINT32)
      need64 = TRUE;
  }
  if (ok) {
    start = begin_box (out, need64 ? T_CO64 : T_STCO);
    g_byte_array_append (out, p, 4); /* version, flags */
    ws_stamp_put_be32 (out, n);
    for (guint32 i = 0; i < n; i++) {
      if (need64)
        ws_stamp_put_be64 (out, values[i]);
      else
        ws_stamp_put_be32 (out, (guint32) values[i]);
    }
    /* anything after the table is kept */
    g_byte_array_append (out, p + 8 + esize * (gsize) n,
        len - 8 - esize * (gsize) n);
    end_box (out, start);
  }
  g_free (values);
  return ok;
}

/* saio (ISO/IEC 14496-12 8.7.9): absolute offsets in an unfragmented file */
static gboolean
rewrite_saio (const Ctx *c, const guint8 *box, const MemBox *b, GByteArray *out,
    GError **error)
{
  const guint8 *p = box + b->hdr;
  gsize len = b->size - b->hdr, pos = 4, esize;
  guint32 n;
  guint start;

  if (len < 4)
    goto bad;
  esize = p[0] == 0 ? 4 : 8;
  if (rd32 (p) & 1)
    pos += 8; /* aux_info_type, aux_info_type_parameter */
  if (len < pos + 4 || (n = rd32 (p + pos)) > (len - pos - 4) / esize)
    goto bad;
  start = out->len;
  g_byte_array_append (out, box, b->size);
  for (guint32 i = 0; i < n; i++) {
    guint8 *e = out->data + start + b->hdr + pos + 4 + esize * (gsize) i;
    guint64 v = esize == 4 ? rd32 (e) : rd64 (e);

    if (!shift_offset (c, &v, error))
      return FALSE;
    if (esize == 4 && v > G_MAXUINT32) {
      g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
          "%s: a 32-bit saio offset would pass 4 GiB; remux the file with "
          "moov at the end first",
          c->path);
      return FALSE;
    }
    if (esize == 4) {
      wr32 (e, (guint32) v);
    } else {
      wr32 (e, (guint32) (v >> 32));
      wr32 (e + 4, (guint32) v);
    }
  }
  /* a box copied with a 64-bit header keeps it; sizes do not change */
  return TRUE;

bad:
  g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
      "%s: the saio box is shorter than its entry count; the file is damaged",
      c->path);
  return FALSE;
}

/* Where the children of a meta box start: ISO meta is a full box (4 bytes
 * of version and flags), QuickTime's is a plain container. */
static gsize
meta_children_offset (const guint8 *payload, gsize len)
{
  if (len >= 8 && rd32 (payload + 4) == T_HDLR)
    return 0;
  return 4;
}

static gboolean
meta_is_mdir (const Ctx *c, const guint8 *payload, gsize len, gboolean *is_mdir,
    GError **error)
{
  gsize pos = meta_children_offset (payload, len);
  MemBox b;

  *is_mdir = FALSE;
  while (pos < len) {
    if (!next_box (c, payload, len, pos, &b, "meta", error))
      return FALSE;
    if (b.type == T_HDLR) {
      /* version+flags, pre_defined, handler_type */
      *is_mdir = b.size - b.hdr >= 12 &&
                 rd32 (payload + b.off + b.hdr + 8) == T_MDIR;
      return TRUE;
    }
    pos += b.size;
  }
  return TRUE;
}

/* 1: the iTunEXTC item; 0: another item; -1: error */
static int
is_our_item (const Ctx *c, const guint8 *item, const MemBox *ib, GError **error)
{
  const guint8 *p = item + ib->hdr;
  gsize len = ib->size - ib->hdr, pos = 0;
  MemBox b;

  if (ib->type != T_FREEFORM)
    return 0;
  while (pos < len) {
    if (!next_box (c, p, len, pos, &b, "an ilst item", error))
      return -1;
    if (b.type == T_NAME && b.size - b.hdr >= 4) {
      const char *name = (const char *) p + b.off + b.hdr + 4;
      gsize nlen = b.size - b.hdr - 4;

      return nlen == strlen (ITUNES_NAME) &&
             g_ascii_strncasecmp (name, ITUNES_NAME, nlen) == 0;
    }
    pos += b.size;
  }
  return 0;
}

static gboolean
build_ilst (const Ctx *c, const guint8 *payload, gsize len, GByteArray *out,
    GError **error)
{
  guint start = begin_box (out, T_ILST);
  GByteArray *item;
  gsize pos = 0;
  MemBox b;

  while (pos < len) {
    int ours;

    if (!next_box (c, payload, len, pos, &b, "ilst", error))
      return FALSE;
    ours = is_our_item (c, payload + b.off, &b, error);
    if (ours < 0)
      return FALSE;
    if (ours == 0)
      g_byte_array_append (out, payload + b.off, b.size);
    pos += b.size;
  }
  item = ws_stamp_mp4_build_item (c->value);
  g_byte_array_append (out, item->data, item->len);
  g_byte_array_unref (item);
  end_box (out, start);
  return TRUE;
}

static void
build_new_meta (const Ctx *c, GByteArray *out)
{
  guint meta = begin_box (out, T_META), h;

  ws_stamp_put_be32 (out, 0); /* version, flags */
  h = begin_box (out, T_HDLR);
  ws_stamp_put_be32 (out, 0);      /* version, flags */
  ws_stamp_put_be32 (out, 0);      /* pre_defined */
  ws_stamp_put_be32 (out, T_MDIR); /* handler_type */
  ws_stamp_put_be32 (out, FOURCC ('a', 'p', 'p', 'l'));
  ws_stamp_put_be32 (out, 0);
  ws_stamp_put_be32 (out, 0);
  g_byte_array_append (out, (const guint8 *) "", 1); /* empty name */
  end_box (out, h);
  build_ilst (c, NULL, 0, out, NULL);
  end_box (out, meta);
}

static gboolean
build_meta (const Ctx *c, const guint8 *payload, gsize len, GByteArray *out,
    GError **error)
{
  gsize first = meta_children_offset (payload, len), pos = first;
  guint start = begin_box (out, T_META);
  gboolean have_ilst = FALSE;
  MemBox b;

  g_byte_array_append (out, payload, first);
  while (pos < len) {
    if (!next_box (c, payload, len, pos, &b, "meta", error))
      return FALSE;
    if (b.type == T_ILST && !have_ilst) {
      if (!build_ilst (c, payload + b.off + b.hdr, b.size - b.hdr, out, error))
        return FALSE;
      have_ilst = TRUE;
    } else {
      g_byte_array_append (out, payload + b.off, b.size);
    }
    pos += b.size;
  }
  if (!have_ilst && !build_ilst (c, NULL, 0, out, error))
    return FALSE;
  end_box (out, start);
  return TRUE;
}

/* A meta box that is not the iTunes one (handler mdir). When it is a
 * QuickTime keys meta (handler mdta, as `ffmpeg -movflags use_metadata_tags`
 * writes it) with an iTunEXTC key, that key's value becomes ours, so no
 * reader finds a stale rating there; anything else is copied as it is. */
static gboolean
copy_other_meta (const Ctx *c, const guint8 *box, const MemBox *mb,
    GByteArray *out, GError **error)
{
  const guint8 *payload = box + mb->hdr, *keys = NULL;
  gsize len = mb->size - mb->hdr, first = meta_children_offset (payload, len);
  gsize pos = first, klen = 0;
  guint32 handler = 0, idx = 0;
  guint start;
  MemBox b;

  while (pos < len) {
    if (!next_box (c, payload, len, pos, &b, "meta", error))
      return FALSE;
    if (b.type == T_HDLR && b.size - b.hdr >= 12)
      handler = rd32 (payload + b.off + b.hdr + 8);
    if (b.type == FOURCC ('k', 'e', 'y', 's')) {
      keys = payload + b.off + b.hdr;
      klen = b.size - b.hdr;
    }
    pos += b.size;
  }
  if (handler == FOURCC ('m', 'd', 't', 'a') && keys != NULL && klen >= 8) {
    guint32 n = rd32 (keys + 4);
    gsize kpos = 8;

    for (guint32 i = 1; i <= n && kpos + 8 <= klen; i++) {
      guint32 ksize = rd32 (keys + kpos);

      if (ksize < 8 || ksize > klen - kpos)
        break;
      if (ksize - 8 == strlen (ITUNES_NAME) &&
          g_ascii_strncasecmp ((const char *) keys + kpos + 8, ITUNES_NAME,
              ksize - 8) == 0)
        idx = i;
      kpos += ksize;
    }
  }
  if (idx == 0) {
    g_byte_array_append (out, box, mb->size);
    return TRUE;
  }
  start = begin_box (out, T_META);
  g_byte_array_append (out, payload, first);
  for (pos = first; pos < len; pos += b.size) {
    gsize ipos;
    guint ilst;

    next_box (c, payload, len, pos, &b, "meta", NULL); /* checked above */
    if (b.type != T_ILST) {
      g_byte_array_append (out, payload + b.off, b.size);
      continue;
    }
    ilst = begin_box (out, T_ILST);
    for (ipos = 0; ipos < b.size - b.hdr;) {
      const guint8 *items = payload + b.off + b.hdr;
      MemBox item;

      if (!next_box (c, items, b.size - b.hdr, ipos, &item, "ilst", error))
        return FALSE;
      if (item.type == idx) {
        guint it = begin_box (out, idx), d;

        d = begin_box (out, FOURCC ('d', 'a', 't', 'a'));
        ws_stamp_put_be32 (out, 1); /* UTF-8 */
        ws_stamp_put_be32 (out, 0); /* locale */
        g_byte_array_append (out, (const guint8 *) c->value, strlen (c->value));
        end_box (out, d);
        end_box (out, it);
      } else {
        g_byte_array_append (out, items + item.off, item.size);
      }
      ipos += item.size;
    }
    end_box (out, ilst);
  }
  end_box (out, start);
  return TRUE;
}

static gboolean
build_udta (const Ctx *c, const guint8 *payload, gsize len, GByteArray *out,
    GError **error)
{
  guint start = begin_box (out, T_UDTA);
  gboolean done = FALSE;
  gsize pos = 0;
  MemBox b;

  while (pos < len) {
    gboolean mdir = FALSE;

    /* QuickTime allows a 32-bit zero terminator at the end of udta */
    if (len - pos == 4 && rd32 (payload + pos) == 0) {
      g_byte_array_append (out, payload + pos, 4);
      break;
    }
    if (!next_box (c, payload, len, pos, &b, "udta", error))
      return FALSE;
    if (b.type == T_META && !done &&
        !meta_is_mdir (c, payload + b.off + b.hdr, b.size - b.hdr, &mdir,
            error))
      return FALSE;
    if (mdir) {
      if (!build_meta (c, payload + b.off + b.hdr, b.size - b.hdr, out, error))
        return FALSE;
      done = TRUE;
    } else if (b.type == T_META) {
      if (!copy_other_meta (c, payload + b.off, &b, out, error))
        return FALSE;
    } else {
      g_byte_array_append (out, payload + b.off, b.size);
    }
    pos += b.size;
  }
  if (!done)
    build_new_meta (c, out);
  end_box (out, start);
  return TRUE;
}

static gboolean
is_offset_container (guint32 type)
{
  return type == T_TRAK || type == T_MDIA || type == T_MINF || type == T_STBL;
}

/* The children of moov (depth 0) or of a container on the way to stbl. */
static gboolean
build_children (const Ctx *c, const guint8 *p, gsize len, int depth,
    GByteArray *out, GError **error)
{
  gboolean have_udta = FALSE;
  gsize pos = 0;
  MemBox b;

  while (pos < len) {
    const guint8 *box;

    if (!next_box (c, p, len, pos, &b, depth == 0 ? "moov" : "a track", error))
      return FALSE;
    box = p + b.off;
    if (b.type == FOURCC ('c', 'm', 'o', 'v')) {
      g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
          "%s: a compressed movie header (moov/cmov) is not supported; "
          "remux the file (ffmpeg -i IN -map 0 -c copy OUT.mp4) and stamp "
          "that",
          c->path);
      return FALSE;
    }
    if (b.type == T_MVEX) {
      g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
          "%s: a fragmented MP4 (moov/mvex) is not supported; remux it "
          "unfragmented (ffmpeg -i IN -c copy -map 0 OUT.mp4) and stamp that",
          c->path);
      return FALSE;
    }
    if (depth == 0 && b.type == T_UDTA && !have_udta) {
      if (!build_udta (c, box + b.hdr, b.size - b.hdr, out, error))
        return FALSE;
      have_udta = TRUE;
    } else if (depth < 4 && is_offset_container (b.type)) {
      guint start = begin_box (out, b.type);

      if (!build_children (c, box + b.hdr, b.size - b.hdr, depth + 1, out,
              error))
        return FALSE;
      end_box (out, start);
    } else if (depth == 0 && b.type == T_META) {
      if (!copy_other_meta (c, box, &b, out, error))
        return FALSE;
    } else if (b.type == T_STCO || b.type == T_CO64) {
      if (!rewrite_chunk_offsets (c, box, &b, out, error))
        return FALSE;
    } else if (b.type == T_SAIO) {
      if (!rewrite_saio (c, box, &b, out, error))
        return FALSE;
    } else {
      g_byte_array_append (out, box, b.size);
    }
    pos += b.size;
  }
  if (depth == 0 && !have_udta) {
    guint start = begin_box (out, T_UDTA);

    build_new_meta (c, out);
    end_box (out, start);
  }
  return TRUE;
}

GByteArray *
ws_stamp_mp4_build_moov (const char *path, const guint8 *moov, gsize size,
    gsize hdr, guint64 moov_start, const char *value, GError **error)
{
  Ctx c = { path, moov_start, moov_start + size, 0, value };
  GByteArray *out = NULL;

  /* The offsets depend on how much moov grows, and moov grows when an stco
   * becomes a co64: rebuild until the size stops changing (it only grows,
   * by at most one conversion per table). */
  for (int round = 0;; round++) {
    gint64 delta;
    guint start;

    if (out != NULL)
      g_byte_array_unref (out);
    out = g_byte_array_new ();
    start = begin_box (out, T_MOOV);
    if (!build_children (&c, moov + hdr, size - hdr, 0, out, error)) {
      g_byte_array_unref (out);
      return NULL;
    }
    end_box (out, start);
    delta = (gint64) out->len - (gint64) size;
    if (delta == c.delta)
      return out;
    if (round >= 64) {
      g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
          "%s: the chunk offset tables do not settle; the file is damaged",
          path);
      g_byte_array_unref (out);
      return NULL;
    }
    c.delta = delta;
  }
}

/* ---- the file --------------------------------------------------------- */

typedef struct {
  guint32 type;
  guint64 off, size, hdr;
} FileBox;

static gboolean
read_top_level (const char *path, int fd, guint64 file_size, GArray *boxes,
    GError **error)
{
  guint64 off = 0;

  while (off < file_size) {
    guint8 h[16];
    FileBox b = { 0 };
    guint64 size;
    char tn[5];

    if (file_size - off < 8) {
      /* stray bytes at the end: kept as they are */
      b.type = 0;
      b.off = off;
      b.size = file_size - off;
      g_array_append_val (boxes, b);
      break;
    }
    if (!ws_stamp_pread (fd, path, off, h, 8, "a box header", error))
      return FALSE;
    b.off = off;
    b.type = rd32 (h + 4);
    b.hdr = 8;
    size = rd32 (h);
    if (size == 1) {
      if (!ws_stamp_pread (fd, path, off + 8, h + 8, 8, "a box header", error))
        return FALSE;
      size = rd64 (h + 8);
      b.hdr = 16;
    } else if (size == 0) {
      size = file_size - off; /* to the end of the file */
    }
    type_name (b.type, tn);
    if (size < b.hdr || size > file_size - off) {
      g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
          "%s: the top-level box '%s' at byte %" G_GUINT64_FORMAT
          " says it is %" G_GUINT64_FORMAT " bytes but %" G_GUINT64_FORMAT
          " are left; the file is truncated or not MP4",
          path, tn, off, size, file_size - off);
      return FALSE;
    }
    b.size = size;
    g_array_append_val (boxes, b);
    off += size;
  }
  return TRUE;
}

gboolean
ws_stamp_mp4 (const char *in_path, int out_fd, const WsStampRequest *req,
    GError **error)
{
  GArray *boxes = g_array_new (FALSE, FALSE, sizeof (FileBox));
  const FileBox *moov = NULL;
  guint8 *moov_data = NULL;
  GByteArray *new_moov = NULL;
  WsStampPlan *plan = NULL;
  guint64 file_size;
  char *value = NULL;
  gboolean ok = FALSE;
  int fd = -1;

  g_return_val_if_fail (in_path != NULL && req != NULL, FALSE);
  value = ws_stamp_mp4_itunextc_value (req, error);
  if (value == NULL) {
    g_prefix_error (error, "%s: ", in_path);
    g_array_free (boxes, TRUE);
    return FALSE;
  }
  fd = ws_stamp_open_input (in_path, &file_size, error);
  if (fd < 0)
    goto end;
  if (!read_top_level (in_path, fd, file_size, boxes, error))
    goto end;
  for (guint i = 0; i < boxes->len; i++) {
    const FileBox *b = &g_array_index (boxes, FileBox, i);

    if (b->type == T_MOOF) {
      g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
          "%s: a fragmented MP4 (moof boxes) is not supported; remux it "
          "unfragmented (ffmpeg -i IN -c copy -map 0 OUT.mp4) and stamp that",
          in_path);
      goto end;
    }
    if (b->type != T_MOOV)
      continue;
    if (moov != NULL) {
      g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
          "%s: two moov boxes (bytes %" G_GUINT64_FORMAT
          " and %" G_GUINT64_FORMAT "); the file is damaged",
          in_path, moov->off, b->off);
      goto end;
    }
    moov = b;
  }
  if (moov == NULL) {
    g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
        "%s: no moov box (an unfinished recording?); finish or remux the "
        "file first",
        in_path);
    goto end;
  }
  if (moov->size > WS_STAMP_MAX_HEADER_BYTES) {
    g_set_error (error, WS_ERROR, WS_ERROR_TOO_LARGE,
        "%s: the moov box is %" G_GUINT64_FORMAT " bytes, more than the %u "
        "read into memory",
        in_path, moov->size, WS_STAMP_MAX_HEADER_BYTES);
    goto end;
  }
  moov_data = g_malloc (moov->size);
  if (!ws_stamp_pread (fd, in_path, moov->off, moov_data, moov->size,
          "the moov box", error))
    goto end;
  new_moov = ws_stamp_mp4_build_moov (in_path, moov_data, moov->size, moov->hdr,
      moov->off, value, error);
  if (new_moov == NULL)
    goto end;

  plan = ws_stamp_plan_new ();
  for (guint i = 0; i < boxes->len; i++) {
    const FileBox *b = &g_array_index (boxes, FileBox, i);

    if (b == moov)
      ws_stamp_plan_data (plan, new_moov->data, new_moov->len);
    else
      ws_stamp_plan_copy (plan, b->off, b->size);
  }
  ok = ws_stamp_plan_write (plan, fd, in_path, out_fd, error);

end:
  if (!ok && error != NULL && *error != NULL &&
      !g_str_has_prefix ((*error)->message, in_path))
    g_prefix_error (error, "%s: ", in_path);
  if (fd >= 0)
    close (fd);
  ws_stamp_plan_free (plan);
  if (new_moov != NULL)
    g_byte_array_unref (new_moov);
  g_free (moov_data);
  g_free (value);
  g_array_free (boxes, TRUE);
  return ok;
}
