/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: Matroska Tags read from the file's own EBML (the Matroska
 * specification, RFC 9559, and its tagging notes): every Tags element of
 * the Segment, every Tag and nested SimpleTag, LAW_RATING with its COUNTRY.
 * Bounded: element headers are read one at a time, Clusters are skipped by
 * their size, only short string values are read. See ws-embedded.h. */
#include "ws-embedded-private.h"

#include <string.h>

#include "ws-error.h"
#include "ws-territory.h"

#define ID_EBML 0x1A45DFA3
#define ID_SEGMENT 0x18538067
#define ID_SEEKHEAD 0x114D9B74
#define ID_SEEK 0x4DBB
#define ID_SEEKID 0x53AB
#define ID_SEEKPOSITION 0x53AC
#define ID_CLUSTER 0x1F43B675
#define ID_TAGS 0x1254C367
#define ID_TAG 0x7373
#define ID_SIMPLETAG 0x67C8
#define ID_TAGNAME 0x45A3
#define ID_TAGSTRING 0x4487

#define MAX_TOP_LEVEL 200000 /* top-level elements walked */
#define MAX_TAGS_ELEMENTS 16 /* Tags elements read */
#define MAX_SEEKHEADS 4
#define MAX_SEEKHEAD_SIZE (1024 * 1024)
#define MAX_SIMPLETAGS 10000
#define MAX_DEPTH 16
#define MAX_NAME 256

#define PREFIX "Matroska Tags: "

typedef struct {
  guint32 id;
  guint64 size;     /* of the data */
  gboolean unknown; /* size unknown (live files): up to the parent's end */
  guint64 data;     /* offset of the data */
} Elem;

typedef struct SimpleTag SimpleTag;
struct SimpleTag {
  char *name; /* upper case */
  char *value;
  GPtrArray *children; /* (element-type SimpleTag) */
};

typedef struct {
  WsByteReader *br;
  const WsRatingRegistry *reg;
  const WsEmbeddedOptions *opts;
  GPtrArray *ratings;
  GPtrArray *warnings;
  GPtrArray *tags;      /* (element-type SimpleTag): top-level SimpleTags */
  GArray *tags_offsets; /* guint64 offsets of Tags elements read */
  guint n_simple;
  gboolean too_many;
} Mkv;

static void
simple_tag_free (gpointer p)
{
  SimpleTag *st = p;

  g_free (st->name);
  g_free (st->value);
  if (st->children)
    g_ptr_array_unref (st->children);
  g_free (st);
}

#define warn(m, ...) ws_embedded_warnf ((m)->warnings, PREFIX, __VA_ARGS__)

/* ---- EBML ---------------------------------------------------------------- */

/* Reads the element header at @off, which must end by @end. */
static gboolean
read_elem (WsByteReader *br, guint64 off, guint64 end, Elem *e)
{
  guint8 b[12];
  gssize n;
  int idlen, szlen;
  guint64 size;

  if (off >= end)
    return FALSE;
  n = ws_byte_reader_get_some (br, off, b, (gsize) MIN (end - off, 12));
  if (n < 2)
    return FALSE;
  if (b[0] == 0)
    return FALSE;
  idlen = 1;
  while (!(b[0] & (0x80 >> (idlen - 1))))
    idlen++;
  if (idlen > 4 || idlen >= n)
    return FALSE;
  e->id = 0;
  for (int i = 0; i < idlen; i++)
    e->id = e->id << 8 | b[i];
  if (b[idlen] == 0)
    return FALSE; /* a size longer than 8 bytes */
  szlen = 1;
  while (!(b[idlen] & (0x80 >> (szlen - 1))))
    szlen++;
  if (idlen + szlen > n)
    return FALSE;
  size = b[idlen] & (0xFF >> szlen);
  for (int i = 1; i < szlen; i++)
    size = size << 8 | b[idlen + i];
  e->unknown = size == (G_GUINT64_CONSTANT (1) << (7 * szlen)) - 1;
  e->data = off + (guint64) idlen + (guint64) szlen;
  if (e->data > end)
    return FALSE;
  if (e->unknown) {
    e->size = end - e->data;
  } else {
    if (size > end - e->data)
      return FALSE; /* longer than its parent: damaged */
    e->size = size;
  }
  return TRUE;
}

/* The data of @e as a string when it is short and UTF-8; NULL otherwise. */
static char *
read_string (Mkv *m, const Elem *e, const char *what)
{
  guint8 *buf;
  gsize len;

  if (e->size > WS_EMBEDDED_MAX_VALUE) {
    warn (m,
        "a %s of %" G_GUINT64_FORMAT " bytes is longer than %d bytes: "
        "skipped",
        what, e->size, WS_EMBEDDED_MAX_VALUE);
    return NULL;
  }
  len = (gsize) e->size;
  buf = g_malloc (len + 1);
  if (!ws_byte_reader_get (m->br, e->data, buf, len)) {
    g_free (buf);
    return NULL;
  }
  buf[len] = '\0';
  /* EBML strings may be padded with NULs */
  if (strlen ((char *) buf) < len)
    len = strlen ((char *) buf);
  if (!g_utf8_validate ((char *) buf, (gssize) len, NULL)) {
    warn (m, "a %s is not UTF-8: skipped", what);
    g_free (buf);
    return NULL;
  }
  return (char *) buf;
}

static guint64
read_uint (WsByteReader *br, const Elem *e, gboolean *ok)
{
  guint8 b[8];
  guint64 v = 0;

  *ok = e->size >= 1 && e->size <= 8 &&
        ws_byte_reader_get (br, e->data, b, (gsize) e->size);
  for (guint i = 0; *ok && i < e->size; i++)
    v = v << 8 | b[i];
  return v;
}

/* ---- Tags ---------------------------------------------------------------- */

static SimpleTag *
read_simple_tag (Mkv *m, const Elem *st, int depth)
{
  SimpleTag *t = g_new0 (SimpleTag, 1);
  guint64 off = st->data, end = st->data + st->size;
  Elem e;

  t->children = g_ptr_array_new_with_free_func (simple_tag_free);
  while (off < end && read_elem (m->br, off, end, &e)) {
    if (e.id == ID_TAGNAME && t->name == NULL) {
      char *name = e.size <= MAX_NAME ? read_string (m, &e, "TagName") : NULL;

      if (name != NULL) {
        t->name = g_ascii_strup (name, -1);
        g_free (name);
      }
    } else if (e.id == ID_TAGSTRING && t->value == NULL) {
      t->value = read_string (m, &e, "TagString");
    } else if (e.id == ID_SIMPLETAG) {
      if (depth + 1 >= MAX_DEPTH) {
        warn (m,
            "SimpleTags nested deeper than %d levels: the deeper ones "
            "are skipped",
            MAX_DEPTH);
      } else if (++m->n_simple > MAX_SIMPLETAGS) {
        m->too_many = TRUE;
      } else {
        g_ptr_array_add (t->children, read_simple_tag (m, &e, depth + 1));
      }
    }
    if (e.unknown)
      break;
    off = e.data + e.size;
  }
  return t;
}

static void
read_tags (Mkv *m, guint64 off, guint64 end)
{
  Elem tags, tag, e;
  guint64 o;

  for (guint i = 0; i < m->tags_offsets->len; i++)
    if (g_array_index (m->tags_offsets, guint64, i) == off)
      return; /* found both through the SeekHead and the walk */
  if (m->tags_offsets->len >= MAX_TAGS_ELEMENTS) {
    warn (m, "more than %d Tags elements: the others are not read",
        MAX_TAGS_ELEMENTS);
    return;
  }
  g_array_append_val (m->tags_offsets, off);
  if (!read_elem (m->br, off, end, &tags) || tags.id != ID_TAGS) {
    warn (m,
        "the SeekHead points to a Tags element at byte %" G_GUINT64_FORMAT
        " that is not there: skipped",
        off);
    return;
  }
  for (o = tags.data; o < tags.data + tags.size; o = tag.data + tag.size) {
    if (!read_elem (m->br, o, tags.data + tags.size, &tag)) {
      warn (m,
          "a damaged element inside Tags at byte %" G_GUINT64_FORMAT
          ": the rest of that Tags element is skipped",
          o);
      return;
    }
    if (tag.id == ID_TAG) {
      guint64 p;

      for (p = tag.data; p < tag.data + tag.size; p = e.data + e.size) {
        if (!read_elem (m->br, p, tag.data + tag.size, &e)) {
          warn (m,
              "a damaged element inside a Tag at byte %" G_GUINT64_FORMAT
              ": the rest of that Tag is skipped",
              p);
          break;
        }
        if (e.id == ID_SIMPLETAG) {
          if (++m->n_simple > MAX_SIMPLETAGS)
            m->too_many = TRUE;
          else
            g_ptr_array_add (m->tags, read_simple_tag (m, &e, 0));
        }
        if (e.unknown)
          break;
      }
    }
    if (tag.unknown)
      break;
  }
}

/* ---- SeekHead and the top-level walk -------------------------------------- */

static void
read_seekhead (Mkv *m, const Elem *sh, guint64 seg_data, guint64 seg_end,
    GArray *targets, GArray *more_seekheads)
{
  guint64 o, p;
  Elem seek, e;

  if (sh->size > MAX_SEEKHEAD_SIZE) {
    warn (m, "a SeekHead of %" G_GUINT64_FORMAT " bytes is not read", sh->size);
    return;
  }
  for (o = sh->data; o < sh->data + sh->size; o = seek.data + seek.size) {
    guint32 id = 0;
    guint64 pos = 0;
    gboolean have_pos = FALSE;

    if (!read_elem (m->br, o, sh->data + sh->size, &seek) || seek.unknown)
      return;
    if (seek.id != ID_SEEK)
      continue;
    for (p = seek.data; p < seek.data + seek.size; p = e.data + e.size) {
      if (!read_elem (m->br, p, seek.data + seek.size, &e) || e.unknown)
        break;
      if (e.id == ID_SEEKID && e.size <= 4) {
        gboolean ok;

        id = (guint32) read_uint (m->br, &e, &ok);
      } else if (e.id == ID_SEEKPOSITION) {
        pos = read_uint (m->br, &e, &have_pos);
      }
    }
    if (!have_pos || pos >= seg_end - seg_data)
      continue;
    if (id == ID_TAGS)
      g_array_append_val (targets, (guint64){ seg_data + pos });
    else if (id == ID_SEEKHEAD && more_seekheads->len < MAX_SEEKHEADS)
      g_array_append_val (more_seekheads, (guint64){ seg_data + pos });
  }
}

static void
find_tags (Mkv *m, guint64 seg_data, guint64 seg_end)
{
  GArray *targets = g_array_new (FALSE, FALSE, sizeof (guint64));
  GArray *seekheads = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint64 off = seg_data;
  guint n = 0;
  Elem e;

  /* the linear walk: top-level elements, Clusters skipped by their size */
  while (off < seg_end) {
    if (++n > MAX_TOP_LEVEL) {
      warn (m,
          "more than %d top-level elements: the walk stopped at byte "
          "%" G_GUINT64_FORMAT,
          MAX_TOP_LEVEL, off);
      break;
    }
    if (!read_elem (m->br, off, seg_end, &e)) {
      if (seg_end != G_MAXUINT64 && m->br->size != G_MAXUINT64 &&
          off < m->br->size)
        warn (m,
            "a damaged top-level element at byte %" G_GUINT64_FORMAT
            ": the rest of the file is reached through the SeekHead "
            "only",
            off);
      break;
    }
    if (e.id == ID_TAGS)
      g_array_append_val (targets, off);
    else if (e.id == ID_SEEKHEAD)
      read_seekhead (m, &e, seg_data, seg_end, targets, seekheads);
    if (e.unknown)
      break; /* a live file's Cluster: what follows cannot be skipped to */
    off = e.data + e.size;
  }
  for (guint i = 0; i < seekheads->len; i++) {
    guint64 o = g_array_index (seekheads, guint64, i);

    if (read_elem (m->br, o, seg_end, &e) && e.id == ID_SEEKHEAD &&
        i < MAX_SEEKHEADS)
      read_seekhead (m, &e, seg_data, seg_end, targets, seekheads);
  }
  for (guint i = 0; i < targets->len; i++)
    read_tags (m, g_array_index (targets, guint64, i), seg_end);
  if (m->too_many)
    warn (m, "more than %d SimpleTags: the others are not read",
        MAX_SIMPLETAGS);
  g_array_unref (targets);
  g_array_unref (seekheads);
}

/* ---- ratings from the SimpleTags ------------------------------------------ */

static gboolean
has_child (const SimpleTag *t, const char *name)
{
  for (guint i = 0; i < t->children->len; i++) {
    const SimpleTag *c = t->children->pdata[i];

    if (g_strcmp0 (c->name, name) == 0)
      return TRUE;
  }
  return FALSE;
}

static void
emit (Mkv *m, const char *country, const char *value,
    const char *default_territory, const char *element,
    gboolean keep_unresolved)
{
  GError *error = NULL;
  char *note = NULL;
  WsRating *r = ws_embedded_parse_law_rating (m->reg, country, value,
      default_territory, m->opts->system, &note, &error);

  if (r == NULL) {
    warn (m, "%s: skipped", error->message);
    g_error_free (error);
    return;
  }
  if (r->minimum_age < 0 && !keep_unresolved) {
    ws_rating_free (r);
    g_free (note);
    return;
  }
  g_free (r->element);
  r->element = g_strdup (element);
  if (note != NULL)
    warn (m, "%s", note);
  g_free (note);
  g_ptr_array_add (m->ratings, r);
}

/* Names its own system: SYSTEM:CODE or an iTunEXTC-style value. */
static gboolean
names_system (Mkv *m, const char *value)
{
  const char *colon = strchr (value, ':');
  char *sys;
  gboolean known;

  if (strchr (value, '|') != NULL)
    return TRUE;
  if (colon == NULL)
    return FALSE;
  sys = g_strndup (value, colon - value);
  known = ws_rating_registry_lookup_system (m->reg, g_strstrip (sys)) != NULL;
  g_free (sys);
  return known;
}

/* A LAW_RATING with no COUNTRY of its own. */
static void
emit_top (Mkv *m, const char *value, GPtrArray *file_countries)
{
  guint before = m->ratings->len;

  if (file_countries->len > 0) {
    for (guint i = 0; i < file_countries->len; i++)
      emit (m, file_countries->pdata[i], value, NULL, "LAW_RATING", TRUE);
    return;
  }
  if (names_system (m, value)) {
    emit (m, NULL, value, NULL, "LAW_RATING", TRUE);
    return;
  }
  /* the system inferred per territory asked about; the territories whose
   * systems have no such code get nothing from it */
  for (const char *const *t = m->opts->territories; t && *t; t++)
    emit (m, NULL, value, *t, "LAW_RATING", FALSE);
  if (m->ratings->len == before)
    emit (m, NULL, value, NULL, "LAW_RATING", TRUE);
}

typedef struct {
  GPtrArray *countries;      /* (element-type utf8) (transfer none) */
  GPtrArray *file_countries; /* (element-type utf8) (transfer none) */
  guint n_flat_total;
  guint n_flat;
} Walk;

static void
visit (Mkv *m, const SimpleTag *t, const char *country, Walk *w)
{
  if (t->name == NULL) {
    /* no TagName: nothing to read */
  } else if (strcmp (t->name, "COUNTRY") == 0) {
    country = t->value;
    if (country == NULL)
      warn (m, "a COUNTRY SimpleTag has no TagString: its nested tags are "
               "read as top-level ones");
  } else if (strcmp (t->name, "LAW_RATING") == 0 && t->value != NULL) {
    if (country != NULL)
      emit (m, country, t->value, NULL, "COUNTRY/LAW_RATING", TRUE);
    else
      emit_top (m, t->value, w->file_countries);
  } else if (g_str_has_suffix (t->name, "/LAW_RATING") && t->value != NULL) {
    /* FFmpeg's flattened name: paired with the top-level COUNTRY values in
     * order */
    if (country == NULL && g_str_has_prefix (t->name, "COUNTRY/") &&
        w->countries->len > 0) {
      const char *c = w->countries
                          ->pdata[MIN (w->n_flat, w->countries->len - 1)];

      w->n_flat++;
      emit (m, c, t->value, NULL, "COUNTRY/LAW_RATING", TRUE);
    } else if (country != NULL) {
      emit (m, country, t->value, NULL, "COUNTRY/LAW_RATING", TRUE);
    } else {
      warn (m,
          "%s \"%s\" has no COUNTRY value: read as a top-level "
          "LAW_RATING",
          t->name, t->value);
      emit_top (m, t->value, w->file_countries);
    }
  }
  for (guint i = 0; i < t->children->len; i++)
    visit (m, t->children->pdata[i], country, w);
}

void
ws_embedded_read_matroska (WsByteReader *br, const WsRatingRegistry *reg,
    const WsEmbeddedOptions *opts, GPtrArray *ratings, GPtrArray *warnings)
{
  Mkv m = { br, reg, opts, ratings, warnings, NULL, NULL, 0, FALSE };
  guint64 end = br->size, off;
  Walk w = { NULL, NULL, 0, 0 };
  Elem e;

  m.tags = g_ptr_array_new_with_free_func (simple_tag_free);
  m.tags_offsets = g_array_new (FALSE, FALSE, sizeof (guint64));
  if (!read_elem (br, 0, end, &e) || e.id != ID_EBML || e.unknown) {
    warn (&m, "the EBML header is damaged: no tags read");
    goto out;
  }
  /* the Segment: the first after the header (Void elements may come first) */
  for (off = e.data + e.size;; off = e.data + e.size) {
    if (!read_elem (br, off, end, &e)) {
      warn (&m, "no Segment element: no tags read");
      goto out;
    }
    if (e.id == ID_SEGMENT)
      break;
    if (e.unknown) {
      warn (&m, "no Segment element: no tags read");
      goto out;
    }
  }
  find_tags (&m, e.data, e.data + e.size);

  /* Top-level COUNTRY values with no LAW_RATING of their own: the first
   * ones are the parents of FFmpeg's flattened COUNTRY/LAW_RATING tags (in
   * order), the others say which countries the file's top-level
   * LAW_RATING is for. */
  w.countries = g_ptr_array_new ();
  for (guint i = 0; i < m.tags->len; i++) {
    const SimpleTag *t = m.tags->pdata[i];

    if (g_strcmp0 (t->name, "COUNTRY") == 0 && t->value != NULL &&
        !has_child (t, "LAW_RATING"))
      g_ptr_array_add (w.countries, t->value);
    else if (t->name != NULL && strcmp (t->name, "COUNTRY/LAW_RATING") == 0)
      w.n_flat_total++;
  }
  w.file_countries = g_ptr_array_new ();
  for (guint i = w.n_flat_total; i < w.countries->len; i++)
    if (!g_ptr_array_find_with_equal_func (w.file_countries,
            w.countries->pdata[i], g_str_equal, NULL))
      g_ptr_array_add (w.file_countries, w.countries->pdata[i]);
  for (guint i = 0; i < m.tags->len; i++)
    visit (&m, m.tags->pdata[i], NULL, &w);
  g_ptr_array_unref (w.file_countries);
  g_ptr_array_unref (w.countries);
out:
  g_ptr_array_unref (m.tags);
  g_array_unref (m.tags_offsets);
}
