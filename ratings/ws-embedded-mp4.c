/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: iTunEXTC read from an MP4/QuickTime file's own boxes (ISO/IEC
 * 14496-12 box structure; the iTunes `ilst` and QuickTime `mdta` metadata
 * as AtomicParsley, Subler and FFmpeg write them). Bounded: box headers
 * are read one at a time, mdat is skipped by its size, only short values
 * are read. See ws-embedded.h. */
#include "ws-embedded-private.h"

#include <string.h>

#include "ws-error.h"

#define MAX_BOXES 100000 /* boxes looked at in one file */
#define MAX_KEYS 65536
#define MAX_KEY_LEN 256
#define PREFIX "MP4 ilst: "

typedef struct {
  char type[5];
  guint64 off;  /* of the header */
  guint64 data; /* of the payload */
  guint64 end;
} Box;

typedef struct {
  WsByteReader *br;
  const WsRatingRegistry *reg;
  GPtrArray *ratings;
  GPtrArray *warnings;
  guint n_boxes;
} Mp4;

#define warn(m, ...) ws_embedded_warnf ((m)->warnings, PREFIX, __VA_ARGS__)

static guint32
be32 (const guint8 *b)
{
  return (guint32) b[0] << 24 | (guint32) b[1] << 16 | (guint32) b[2] << 8 |
         b[3];
}

/* The box at @off, which must end by @end. */
static gboolean
read_box (Mp4 *m, guint64 off, guint64 end, Box *box)
{
  guint8 h[16];
  guint64 size;
  guint hdr = 8;

  if (++m->n_boxes > MAX_BOXES)
    return FALSE;
  if (off >= end || end - off < 8 || !ws_byte_reader_get (m->br, off, h, 8))
    return FALSE;
  size = be32 (h);
  memcpy (box->type, h + 4, 4);
  box->type[4] = '\0';
  if (size == 1) {
    if (end - off < 16 || !ws_byte_reader_get (m->br, off + 8, h + 8, 8))
      return FALSE;
    size = (guint64) be32 (h + 8) << 32 | be32 (h + 12);
    hdr = 16;
  } else if (size == 0) {
    size = end - off; /* to the end of the parent */
  }
  if (size < hdr || size > end - off)
    return FALSE;
  box->off = off;
  box->data = off + hdr;
  box->end = off + size;
  return TRUE;
}

/* The payload of a box from @skip bytes in, as a string; NULL when too
 * long or damaged. */
static char *
read_text (Mp4 *m, const Box *b, guint64 skip, gsize max, const char *what)
{
  guint64 len;
  char *s;

  if (b->end - b->data < skip)
    return NULL;
  len = b->end - b->data - skip;
  if (len > max) {
    warn (m,
        "%s of %" G_GUINT64_FORMAT " bytes is longer than %" G_GSIZE_FORMAT
        " bytes: skipped",
        what, len, max);
    return NULL;
  }
  s = g_malloc ((gsize) len + 1);
  if (!ws_byte_reader_get (m->br, b->data + skip, (guint8 *) s, (gsize) len)) {
    g_free (s);
    return NULL;
  }
  s[len] = '\0';
  return s;
}

static gboolean
is_itunextc_key (const char *key)
{
  gsize n = strlen (key), k = strlen ("iTunEXTC");

  if (n < k || g_ascii_strcasecmp (key + n - k, "iTunEXTC") != 0)
    return FALSE;
  return n == k || key[n - k - 1] == '.' || key[n - k - 1] == ':';
}

/* The `data` boxes of an ilst item: each value one rating. */
static void
read_values (Mp4 *m, const Box *item, guint64 first_child, const char *where)
{
  Box b;

  for (guint64 o = first_child; o < item->end; o = b.end) {
    guint8 head[8];
    char *value;
    guint32 type;

    if (!read_box (m, o, item->end, &b))
      break;
    if (strcmp (b.type, "data") != 0)
      continue;
    if (b.end - b.data < 8 || !ws_byte_reader_get (m->br, b.data, head, 8))
      continue;
    type = be32 (head) & 0xFFFFFF;
    if (type != 1 && type != 0) {
      warn (m, "%s: a data value of type %u, not UTF-8 text: skipped", where,
          type);
      continue;
    }
    value = read_text (m, &b, 8, WS_EMBEDDED_MAX_VALUE, where);
    if (value == NULL)
      continue;
    if (!g_utf8_validate (value, -1, NULL)) {
      warn (m, "%s: the value is not UTF-8: skipped", where);
    } else {
      GError *error = NULL;
      char *note = NULL;
      WsRating *r = ws_embedded_parse_itunextc (m->reg, value, &note, &error);

      if (r != NULL) {
        g_ptr_array_add (m->ratings, r);
      } else {
        warn (m, "%s: %s", where, error->message);
        g_error_free (error);
      }
      if (note != NULL)
        warn (m, "%s", note);
      g_free (note);
    }
    g_free (value);
  }
}

static void
read_freeform (Mp4 *m, const Box *item)
{
  char *mean = NULL, *name = NULL;
  Box b;

  for (guint64 o = item->data; o < item->end; o = b.end) {
    if (!read_box (m, o, item->end, &b))
      break;
    if (strcmp (b.type, "mean") == 0 && mean == NULL)
      mean = read_text (m, &b, 4, MAX_KEY_LEN, "a ---- mean");
    else if (strcmp (b.type, "name") == 0 && name == NULL)
      name = read_text (m, &b, 4, MAX_KEY_LEN, "a ---- name");
  }
  if (name != NULL && g_ascii_strcasecmp (name, "iTunEXTC") == 0) {
    if (mean == NULL || strcmp (mean, "com.apple.iTunes") != 0)
      warn (m,
          "an iTunEXTC item whose mean is \"%s\", not "
          "com.apple.iTunes: read all the same",
          mean && g_utf8_validate (mean, -1, NULL) ? mean : "?");
    read_values (m, item, item->data, "iTunEXTC");
  }
  g_free (mean);
  g_free (name);
}

static GPtrArray *
read_keys (Mp4 *m, const Box *keys)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  guint8 h[8];
  guint32 count;
  guint64 o;

  if (keys->end - keys->data < 8 ||
      !ws_byte_reader_get (m->br, keys->data, h, 8))
    return names;
  count = be32 (h + 4);
  if (count > MAX_KEYS) {
    warn (m, "a keys box with %u entries: only the first %d are read", count,
        MAX_KEYS);
    count = MAX_KEYS;
  }
  o = keys->data + 8;
  for (guint32 i = 0; i < count; i++) {
    guint8 e[8];
    guint32 size;
    char *name = NULL;

    if (keys->end - o < 8 || !ws_byte_reader_get (m->br, o, e, 8))
      break;
    size = be32 (e);
    if (size < 8 || size > keys->end - o)
      break;
    if (size - 8 <= MAX_KEY_LEN) {
      name = g_malloc (size - 8 + 1);
      if (!ws_byte_reader_get (m->br, o + 8, (guint8 *) name, size - 8)) {
        g_free (name);
        break;
      }
      name[size - 8] = '\0';
    }
    g_ptr_array_add (names, name);
    o += size;
  }
  return names;
}

static void
read_meta (Mp4 *m, const Box *meta)
{
  guint8 peek[8];
  guint64 first = meta->data;
  Box b, ilst = { { 0 } }, keys = { { 0 } };
  gboolean have_ilst = FALSE, have_keys = FALSE;
  GPtrArray *names = NULL;

  /* ISO meta is a full box (4 bytes version/flags); QuickTime's is not */
  if (meta->end - meta->data >= 8 &&
      ws_byte_reader_get (m->br, meta->data, peek, 8) &&
      memcmp (peek + 4, "hdlr", 4) != 0)
    first += 4;
  for (guint64 o = first; o < meta->end; o = b.end) {
    if (!read_box (m, o, meta->end, &b))
      break;
    if (strcmp (b.type, "ilst") == 0 && !have_ilst) {
      ilst = b;
      have_ilst = TRUE;
    } else if (strcmp (b.type, "keys") == 0 && !have_keys) {
      keys = b;
      have_keys = TRUE;
    }
  }
  if (!have_ilst)
    return;
  if (have_keys)
    names = read_keys (m, &keys);
  for (guint64 o = ilst.data; o < ilst.end; o = b.end) {
    if (!read_box (m, o, ilst.end, &b)) {
      warn (m,
          "a damaged item in ilst at byte %" G_GUINT64_FORMAT
          ": the rest of ilst is skipped",
          o);
      break;
    }
    if (strcmp (b.type, "----") == 0) {
      read_freeform (m, &b);
    } else if (names != NULL) {
      guint32 index = be32 ((const guint8 *) b.type);
      const char *key = index >= 1 && index <= names->len ?
                            names->pdata[index - 1] :
                            NULL;

      if (key != NULL && is_itunextc_key (key))
        read_values (m, &b, b.data, "iTunEXTC");
    }
  }
  if (names != NULL)
    g_ptr_array_unref (names);
}

/* udta or trak/udta: the meta boxes in it */
static void
read_udta (Mp4 *m, const Box *udta)
{
  Box b;

  for (guint64 o = udta->data; o < udta->end; o = b.end) {
    if (!read_box (m, o, udta->end, &b))
      break;
    if (strcmp (b.type, "meta") == 0)
      read_meta (m, &b);
  }
}

static void
read_moov (Mp4 *m, const Box *moov)
{
  Box b, c;

  for (guint64 o = moov->data; o < moov->end; o = b.end) {
    if (!read_box (m, o, moov->end, &b)) {
      warn (m,
          "a damaged box in moov at byte %" G_GUINT64_FORMAT
          ": the rest of moov is skipped",
          o);
      break;
    }
    if (strcmp (b.type, "udta") == 0) {
      read_udta (m, &b);
    } else if (strcmp (b.type, "meta") == 0) {
      read_meta (m, &b);
    } else if (strcmp (b.type, "trak") == 0) {
      for (guint64 p = b.data; p < b.end; p = c.end) {
        if (!read_box (m, p, b.end, &c))
          break;
        if (strcmp (c.type, "udta") == 0)
          read_udta (m, &c);
      }
    }
  }
}

void
ws_embedded_read_mp4 (WsByteReader *br, const WsRatingRegistry *reg,
    const WsEmbeddedOptions *opts, GPtrArray *ratings, GPtrArray *warnings)
{
  Mp4 m = { br, reg, ratings, warnings, 0 };
  guint64 end = br->size;
  gboolean moov = FALSE;
  Box b;

  (void) opts; /* iTunEXTC names its own system and territory */
  for (guint64 o = 0; o < end; o = b.end) {
    if (!read_box (&m, o, end, &b)) {
      if (o < end && end != G_MAXUINT64)
        warn (&m,
            "a damaged top-level box at byte %" G_GUINT64_FORMAT
            ": the rest of the file is not read",
            o);
      break;
    }
    if (strcmp (b.type, "moov") == 0) {
      if (moov)
        warn (&m,
            "a second moov box at byte %" G_GUINT64_FORMAT ": read as well", o);
      moov = TRUE;
      read_moov (&m, &b);
    }
  }
  if (m.n_boxes > MAX_BOXES)
    warn (&m, "more than %d boxes: the rest of the file is not read",
        MAX_BOXES);
  if (!moov)
    warn (&m, "no moov box: no metadata read");
}
