/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: `watershed stamp`: container detection, the atomic output and
 * the copy plan the container stampers share. See ws-stamp.h. */
#include "ws-stamp.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ws-error.h"
#include "ws-stamp-private.h"

#define COPY_CHUNK (1024 * 1024)
#define TS_PACKET 188

const char *
ws_stamp_container_to_string (WsStampContainer c)
{
  switch (c) {
    case WS_STAMP_CONTAINER_MP4:
      return "mp4";
    case WS_STAMP_CONTAINER_MATROSKA:
      return "matroska";
    case WS_STAMP_CONTAINER_MPEGTS:
      return "mpegts";
    case WS_STAMP_CONTAINER_UNKNOWN:
    default:
      return "unknown";
  }
}

static gboolean
is_mp4_top_type (const guint8 *t)
{
  static const char *const types[] = { "ftyp", "moov", "mdat", "free", "skip",
    "wide", "pnot", "uuid", "styp" };

  for (gsize i = 0; i < G_N_ELEMENTS (types); i++) {
    if (memcmp (t, types[i], 4) == 0)
      return TRUE;
  }
  return FALSE;
}

WsStampContainer
ws_stamp_detect_container (const guint8 *head, gsize len)
{
  if (head == NULL)
    return WS_STAMP_CONTAINER_UNKNOWN;
  /* EBML header: Matroska and WebM (the DocType is checked when stamping) */
  if (len >= 4 && head[0] == 0x1A && head[1] == 0x45 && head[2] == 0xDF &&
      head[3] == 0xA3)
    return WS_STAMP_CONTAINER_MATROSKA;
  /* ISO BMFF / QuickTime: a plausible first box of a known top-level type */
  if (len >= 8 && is_mp4_top_type (head + 4)) {
    guint32 size = GUINT32_FROM_BE (*(const guint32 *) (const void *) head);

    if (size == 0 || size == 1 || size >= 8)
      return WS_STAMP_CONTAINER_MP4;
  }
  /* MPEG-TS: the sync byte at the start of three (four when there) packets */
  if (len >= 2 * TS_PACKET + 1 && head[0] == 0x47 && head[TS_PACKET] == 0x47 &&
      head[2 * TS_PACKET] == 0x47 &&
      (len < 3 * TS_PACKET + 1 || head[3 * TS_PACKET] == 0x47))
    return WS_STAMP_CONTAINER_MPEGTS;
  return WS_STAMP_CONTAINER_UNKNOWN;
}

/* ---- input helpers --------------------------------------------------- */

int
ws_stamp_open_input (const char *path, guint64 *size, GError **error)
{
  struct stat st;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0) {
    g_set_error (error, WS_ERROR, WS_ERROR_IO, "%s: cannot open: %s", path,
        g_strerror (errno));
    return -1;
  }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)) {
    g_set_error (error, WS_ERROR, WS_ERROR_IO,
        "%s: not a regular file; give a finished media file", path);
    close (fd);
    return -1;
  }
  *size = (guint64) st.st_size;
  return fd;
}

gboolean
ws_stamp_pread (int fd, const char *path, guint64 offset, void *buf, gsize len,
    const char *what, GError **error)
{
  gsize done = 0;

  while (done < len) {
    ssize_t n = pread (fd, (guint8 *) buf + done, len - done,
        (off_t) (offset + done));

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      g_set_error (error, WS_ERROR, WS_ERROR_IO,
          "%s: read error at byte %" G_GUINT64_FORMAT ": %s", path,
          offset + done, g_strerror (errno));
      return FALSE;
    }
    if (n == 0) {
      g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
          "%s: the file ends inside %s (byte %" G_GUINT64_FORMAT
          "); it is truncated",
          path, what, offset + done);
      return FALSE;
    }
    done += (gsize) n;
  }
  return TRUE;
}

void
ws_stamp_put_be32 (GByteArray *out, guint32 v)
{
  guint8 b[4] = { v >> 24, v >> 16, v >> 8, v };

  g_byte_array_append (out, b, 4);
}

void
ws_stamp_put_be64 (GByteArray *out, guint64 v)
{
  ws_stamp_put_be32 (out, (guint32) (v >> 32));
  ws_stamp_put_be32 (out, (guint32) v);
}

/* ---- the copy plan --------------------------------------------------- */

typedef struct {
  guint64 offset; /* input offset, or G_MAXUINT64 for new bytes */
  guint64 length;
  GBytes *data;
} Piece;

struct WsStampPlan {
  GArray *pieces; /* Piece */
};

static void
piece_clear (gpointer p)
{
  Piece *piece = p;

  if (piece->data != NULL)
    g_bytes_unref (piece->data);
}

WsStampPlan *
ws_stamp_plan_new (void)
{
  WsStampPlan *plan = g_new0 (WsStampPlan, 1);

  plan->pieces = g_array_new (FALSE, TRUE, sizeof (Piece));
  g_array_set_clear_func (plan->pieces, piece_clear);
  return plan;
}

void
ws_stamp_plan_free (WsStampPlan *plan)
{
  if (plan == NULL)
    return;
  g_array_free (plan->pieces, TRUE);
  g_free (plan);
}

void
ws_stamp_plan_copy (WsStampPlan *plan, guint64 offset, guint64 length)
{
  Piece p = { offset, length, NULL };

  if (length == 0)
    return;
  /* merge with the previous range when contiguous */
  if (plan->pieces->len > 0) {
    Piece *last = &g_array_index (plan->pieces, Piece, plan->pieces->len - 1);

    if (last->data == NULL && last->offset + last->length == offset) {
      last->length += length;
      return;
    }
  }
  g_array_append_val (plan->pieces, p);
}

void
ws_stamp_plan_data (WsStampPlan *plan, const guint8 *data, gsize len)
{
  Piece p = { G_MAXUINT64, len, NULL };

  if (len == 0)
    return;
  p.data = g_bytes_new (data, len);
  g_array_append_val (plan->pieces, p);
}

static gboolean
write_all (int fd, const guint8 *buf, gsize len, GError **error)
{
  while (len > 0) {
    ssize_t n = write (fd, buf, len);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      g_set_error (error, WS_ERROR, WS_ERROR_IO, "cannot write the output: %s",
          g_strerror (errno));
      return FALSE;
    }
    buf += n;
    len -= (gsize) n;
  }
  return TRUE;
}

gboolean
ws_stamp_plan_write (const WsStampPlan *plan, int in_fd, const char *in_path,
    int out_fd, GError **error)
{
  guint8 *buf = g_malloc (COPY_CHUNK);
  gboolean ok = TRUE;

  for (guint i = 0; ok && i < plan->pieces->len; i++) {
    const Piece *p = &g_array_index (plan->pieces, Piece, i);

    if (p->data != NULL) {
      gsize len;
      const guint8 *d = g_bytes_get_data (p->data, &len);

      ok = write_all (out_fd, d, len, error);
      continue;
    }
    for (guint64 done = 0; ok && done < p->length;) {
      gsize n = (gsize) MIN ((guint64) COPY_CHUNK, p->length - done);

      ok = ws_stamp_pread (in_fd, in_path, p->offset + done, buf, n,
               "the media data", error) &&
           write_all (out_fd, buf, n, error);
      done += n;
    }
  }
  g_free (buf);
  return ok;
}

/* ---- the atomic output ----------------------------------------------- */

static gboolean
sync_dir (const char *dir)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0)
    return FALSE;
  fsync (fd);
  close (fd);
  return TRUE;
}

gboolean
ws_stamp_file (const char *in_path, const char *out_path,
    const WsStampRequest *req, WsStampContainer *container, GError **error)
{
  guint8 head[TS_PACKET * 4 + 4];
  guint64 in_size;
  gssize got;
  int in_fd, out_fd = -1;
  WsStampContainer c;
  char *dir = NULL, *base = NULL, *tmp = NULL;
  gboolean ok = FALSE;
  struct stat st;
  gboolean replace_mode;

  g_return_val_if_fail (in_path != NULL && out_path != NULL, FALSE);
  g_return_val_if_fail (req != NULL && req->reg != NULL, FALSE);
  if (container != NULL)
    *container = WS_STAMP_CONTAINER_UNKNOWN;

  in_fd = ws_stamp_open_input (in_path, &in_size, error);
  if (in_fd < 0)
    return FALSE;
  do {
    got = pread (in_fd, head, sizeof head, 0);
  } while (got < 0 && errno == EINTR);
  if (got < 0) {
    g_set_error (error, WS_ERROR, WS_ERROR_IO, "%s: cannot read: %s", in_path,
        g_strerror (errno));
    close (in_fd);
    return FALSE;
  }
  c = ws_stamp_detect_container (head, (gsize) got);
  if (container != NULL)
    *container = c;
  if (c == WS_STAMP_CONTAINER_UNKNOWN) {
    g_set_error (error, WS_ERROR, WS_ERROR_UNKNOWN_FORMAT,
        "%s: not an MP4/MOV/M4V, Matroska/WebM or MPEG-TS file; those are "
        "the containers watershed stamp writes",
        in_path);
    close (in_fd);
    return FALSE;
  }

  /* the output's permissions: those of the file replaced, else the
   * process default (open() applies the umask to 0666) */
  replace_mode = g_stat (out_path, &st) == 0;

  dir = g_path_get_dirname (out_path);
  base = g_path_get_basename (out_path);
  tmp = g_strdup_printf ("%s/.%s.stamp-XXXXXX", dir, base);
  out_fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0666);
  if (out_fd < 0) {
    g_set_error (error, WS_ERROR, WS_ERROR_IO,
        "%s: cannot create a temporary file in %s: %s", out_path, dir,
        g_strerror (errno));
    goto end;
  }

  switch (c) {
    case WS_STAMP_CONTAINER_MP4:
      ok = ws_stamp_mp4 (in_path, out_fd, req, error);
      break;
    case WS_STAMP_CONTAINER_MATROSKA:
      ok = ws_stamp_matroska (in_path, out_fd, req, error);
      break;
    case WS_STAMP_CONTAINER_MPEGTS:
      ok = ws_stamp_mpegts (in_path, out_fd, req, error);
      break;
    case WS_STAMP_CONTAINER_UNKNOWN:
    default:
      g_assert_not_reached ();
  }
  if (ok && ((replace_mode && fchmod (out_fd, st.st_mode & 07777) != 0) ||
                fsync (out_fd) != 0)) {
    g_set_error (error, WS_ERROR, WS_ERROR_IO, "%s: cannot write: %s", out_path,
        g_strerror (errno));
    ok = FALSE;
  }
  if (close (out_fd) != 0 && ok) {
    g_set_error (error, WS_ERROR, WS_ERROR_IO, "%s: cannot write: %s", out_path,
        g_strerror (errno));
    ok = FALSE;
  }
  out_fd = -1;
  if (ok && g_rename (tmp, out_path) != 0) {
    g_set_error (error, WS_ERROR, WS_ERROR_IO,
        "%s: cannot rename the stamped file into place: %s", out_path,
        g_strerror (errno));
    ok = FALSE;
  }
  if (!ok)
    g_unlink (tmp);
  else
    sync_dir (dir);

end:
  if (out_fd >= 0) {
    close (out_fd);
    g_unlink (tmp);
  }
  close (in_fd);
  g_free (dir);
  g_free (base);
  g_free (tmp);
  return ok;
}
