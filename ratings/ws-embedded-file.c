/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the one reader of ratings embedded in media files, used by
 * ratingtag and watershed check. Recognises the container and hands over
 * to ws-embedded-mkv.c, ws-embedded-mp4.c or ws-embedded-ts.c. See
 * ws-embedded.h. */
#include "ws-embedded-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ws-error.h"
#include "ws-territory.h"

/* More warnings than this from one file are one problem repeated. */
#define MAX_WARNINGS 64

const char *
ws_embedded_container_to_string (WsEmbeddedContainer container)
{
  switch (container) {
    case WS_EMBEDDED_CONTAINER_MATROSKA:
      return "matroska";
    case WS_EMBEDDED_CONTAINER_MP4:
      return "mp4";
    case WS_EMBEDDED_CONTAINER_MPEGTS:
      return "mpegts";
    case WS_EMBEDDED_CONTAINER_UNKNOWN:
      break;
  }
  return "unknown";
}

void
ws_embedded_options_init (WsEmbeddedOptions *opts)
{
  g_return_if_fail (opts != NULL);
  memset (opts, 0, sizeof (*opts));
  opts->service_id = -1;
}

void
ws_embedded_result_free (WsEmbeddedResult *result)
{
  if (result == NULL)
    return;
  g_ptr_array_unref (result->ratings);
  g_ptr_array_unref (result->warnings);
  g_free (result);
}

void
ws_embedded_warn (GPtrArray *warnings, char *msg)
{
  if (warnings == NULL || msg == NULL) {
    g_free (msg);
    return;
  }
  for (guint i = 0; i < warnings->len; i++) {
    if (strcmp (warnings->pdata[i], msg) == 0) {
      g_free (msg);
      return;
    }
  }
  if (warnings->len == MAX_WARNINGS)
    g_ptr_array_add (warnings,
        g_strdup ("further warnings about this file are not shown"));
  if (warnings->len > MAX_WARNINGS) {
    g_free (msg);
    return;
  }
  g_ptr_array_add (warnings, msg);
}

void
ws_embedded_warnf (GPtrArray *warnings, const char *prefix, const char *format,
    ...)
{
  va_list args;
  char *msg;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  ws_embedded_warn (warnings, g_strconcat (prefix, msg, NULL));
  g_free (msg);
}

/* ---- the byte reader ------------------------------------------------------ */

gssize
ws_byte_reader_get_some (WsByteReader *br, guint64 off, guint8 *buf, gsize len)
{
  gsize done = 0;

  if (br->failed)
    return -1;
  if (br->size != G_MAXUINT64) {
    if (off >= br->size)
      return 0;
    len = (gsize) MIN ((guint64) len, br->size - off);
  }
  if (len > WS_BYTE_READER_WINDOW) {
    gssize n = br->read (br->user_data, off, buf, len);

    if (n < 0)
      br->failed = TRUE;
    return n;
  }
  if (br->cache == NULL)
    br->cache = g_malloc (WS_BYTE_READER_WINDOW);
  while (done < len) {
    guint64 o = off + done;

    if (br->cache_len > 0 && o >= br->cache_off &&
        o < br->cache_off + br->cache_len) {
      gsize at = (gsize) (o - br->cache_off);
      gsize take = MIN (len - done, br->cache_len - at);

      memcpy (buf + done, br->cache + at, take);
      done += take;
      continue;
    }
    {
      gssize n = br->read (br->user_data, o, br->cache, WS_BYTE_READER_WINDOW);

      if (n < 0) {
        br->failed = TRUE;
        br->cache_len = 0;
        return -1;
      }
      br->cache_off = o;
      br->cache_len = (gsize) n;
      if (n == 0)
        break;
    }
  }
  return (gssize) done;
}

gboolean
ws_byte_reader_get (WsByteReader *br, guint64 off, guint8 *buf, gsize len)
{
  if (len == 0)
    return TRUE;
  if (br->size != G_MAXUINT64 && (off > br->size || len > br->size - off))
    return FALSE;
  return ws_byte_reader_get_some (br, off, buf, len) == (gssize) len;
}

/* ---- the dispatcher ------------------------------------------------------- */

static gboolean
is_mp4_box_type (const guint8 *t)
{
  static const char *const types[] = { "ftyp", "moov", "mdat", "free", "skip",
    "wide", "pnot", "styp", "uuid" };

  for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
    if (memcmp (t, types[i], 4) == 0)
      return TRUE;
  return FALSE;
}

static WsEmbeddedContainer
sniff (WsByteReader *br)
{
  guint8 head[12];
  guint8 probe[189 * 3];
  gssize n = ws_byte_reader_get_some (br, 0, head, sizeof head);

  if (n >= 4 && head[0] == 0x1A && head[1] == 0x45 && head[2] == 0xDF &&
      head[3] == 0xA3)
    return WS_EMBEDDED_CONTAINER_MATROSKA;
  if (n >= 8 && is_mp4_box_type (head + 4))
    return WS_EMBEDDED_CONTAINER_MP4;
  /* 188-byte packets: a sync byte at a small offset, and two more after */
  n = ws_byte_reader_get_some (br, 0, probe, sizeof probe);
  for (gssize off = 0; n > 0 && off < 188; off++) {
    if (off + 2 * 188 < n && probe[off] == 0x47 && probe[off + 188] == 0x47 &&
        probe[off + 376] == 0x47)
      return WS_EMBEDDED_CONTAINER_MPEGTS;
  }
  if (n >= 188 && n < 2 * 188 + 1 && probe[0] == 0x47)
    return WS_EMBEDDED_CONTAINER_MPEGTS; /* one or two packets only */
  return WS_EMBEDDED_CONTAINER_UNKNOWN;
}

WsEmbeddedResult *
ws_embedded_read (const WsRatingRegistry *reg, WsEmbeddedReadFunc read,
    gpointer user_data, guint64 size, const WsEmbeddedOptions *opts,
    GError **error)
{
  WsEmbeddedOptions defaults;
  WsByteReader br = { 0 };
  WsEmbeddedResult *res;

  g_return_val_if_fail (reg != NULL && read != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (opts == NULL) {
    ws_embedded_options_init (&defaults);
    opts = &defaults;
  }
  br.read = read;
  br.user_data = user_data;
  br.size = size;

  res = g_new0 (WsEmbeddedResult, 1);
  res->ratings = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_rating_free);
  res->warnings = g_ptr_array_new_with_free_func (g_free);
  res->container = sniff (&br);
  if (br.failed) {
    g_set_error (error, WS_ERROR, WS_ERROR_IO,
        "cannot read the first bytes of the file");
    ws_embedded_result_free (res);
    g_free (br.cache);
    return NULL;
  }
  switch (res->container) {
    case WS_EMBEDDED_CONTAINER_MATROSKA:
      ws_embedded_read_matroska (&br, reg, opts, res->ratings, res->warnings);
      break;
    case WS_EMBEDDED_CONTAINER_MP4:
      ws_embedded_read_mp4 (&br, reg, opts, res->ratings, res->warnings);
      break;
    case WS_EMBEDDED_CONTAINER_MPEGTS:
      ws_embedded_read_ts (&br, reg, opts, res->ratings, res->warnings);
      break;
    case WS_EMBEDDED_CONTAINER_UNKNOWN:
      break;
  }
  if (br.failed)
    ws_embedded_warn (res->warnings,
        g_strdup ("a read error stopped the search for embedded ratings: "
                  "the ratings found may be incomplete"));
  ws_rating_resolve_conflicts (res->ratings, res->warnings);
  g_free (br.cache);
  return res;
}

/* ---- files and memory ----------------------------------------------------- */

static gssize
read_fd (gpointer user_data, guint64 offset, guint8 *buf, gsize len)
{
  int fd = GPOINTER_TO_INT (user_data);
  gsize done = 0;

  while (done < len) {
    ssize_t n = pread (fd, buf + done, len - done, (off_t) (offset + done));

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    if (n == 0)
      break;
    done += (gsize) n;
  }
  return (gssize) done;
}

WsEmbeddedResult *
ws_embedded_read_file (const WsRatingRegistry *reg, const char *path,
    const WsEmbeddedOptions *opts, GError **error)
{
  WsEmbeddedResult *res;
  GStatBuf st;
  int fd;

  g_return_val_if_fail (reg != NULL && path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (g_stat (path, &st) != 0) {
    int e = errno;

    g_set_error (error, WS_ERROR, WS_ERROR_IO, "%s: cannot read: %s", path,
        g_strerror (e));
    return NULL;
  }
  if (!S_ISREG (st.st_mode)) {
    g_set_error (error, WS_ERROR, WS_ERROR_IO,
        "%s: not a regular file (a FIFO, device or folder): embedded "
        "ratings are read from regular files only",
        path);
    return NULL;
  }
  fd = g_open (path, O_RDONLY | O_NONBLOCK, 0);
  if (fd < 0) {
    int e = errno;

    g_set_error (error, WS_ERROR, WS_ERROR_IO, "%s: cannot open: %s", path,
        g_strerror (e));
    return NULL;
  }
  res = ws_embedded_read (reg, read_fd, GINT_TO_POINTER (fd),
      (guint64) st.st_size, opts, error);
  if (res == NULL && error != NULL && *error != NULL)
    g_prefix_error (error, "%s: ", path);
  close (fd);
  return res;
}

typedef struct {
  const guint8 *data;
  gsize len;
} Memory;

static gssize
read_memory (gpointer user_data, guint64 offset, guint8 *buf, gsize len)
{
  const Memory *m = user_data;

  if (offset >= m->len)
    return 0;
  len = (gsize) MIN ((guint64) len, m->len - offset);
  memcpy (buf, m->data + offset, len);
  return (gssize) len;
}

WsEmbeddedResult *
ws_embedded_read_memory (const WsRatingRegistry *reg, const guint8 *data,
    gsize len, const WsEmbeddedOptions *opts)
{
  Memory m = { data, data ? len : 0 };

  g_return_val_if_fail (reg != NULL, NULL);
  return ws_embedded_read (reg, read_memory, &m, m.len, opts, NULL);
}
