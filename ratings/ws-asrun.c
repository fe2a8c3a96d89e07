/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the as-run log (see ws-asrun.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ws-asrun.h"
#include "ws-error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the line ---------------------------------------------------------- */

static void
json_string (GString *s, const gchar *v)
{
  gchar *valid = NULL;

  if (v == NULL) {
    g_string_append (s, "null");
    return;
  }
  /* a rating sent by an application may be any bytes: keep the line JSON */
  if (!g_utf8_validate (v, -1, NULL))
    v = valid = g_utf8_make_valid (v, -1);
  g_string_append_c (s, '"');
  for (const gchar *p = v; *p != '\0'; p++) {
    guchar c = (guchar) *p;

    switch (c) {
      case '"':
        g_string_append (s, "\\\"");
        break;
      case '\\':
        g_string_append (s, "\\\\");
        break;
      case '\n':
        g_string_append (s, "\\n");
        break;
      case '\r':
        g_string_append (s, "\\r");
        break;
      case '\t':
        g_string_append (s, "\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7f)
          g_string_append_printf (s, "\\u%04x", c);
        else
          g_string_append_c (s, (gchar) c);
    }
  }
  g_string_append_c (s, '"');
  g_free (valid);
}

static void
member (GString *s, const gchar *key, const gchar *v)
{
  g_string_append_printf (s, ", \"%s\": ", key);
  json_string (s, v);
}

gchar *
ws_asrun_format_line (const WsAsRunRecord *rec)
{
  GString *s = g_string_new ("{\"instant\": ");

  json_string (s, rec->instant);
  g_string_append (s, ", \"running_time_ns\": ");
  if (rec->running_time_ns >= 0)
    g_string_append_printf (s, "%" G_GINT64_FORMAT, rec->running_time_ns);
  else
    g_string_append (s, "null");
  g_string_append_printf (s, ", \"allowed\": %s",
      rec->allowed ? "true" : "false");
  member (s, "reason", rec->reason);
  member (s, "rule", rec->rule);
  member (s, "rating", rec->rating);
  member (s, "policy", rec->policy);
  member (s, "service_class", rec->service_class);
  member (s, "next_change", rec->next_change);
  member (s, "kind", rec->kind);
  member (s, "judged_as", rec->judged_as);
  member (s, "judgement", rec->judgement);
  member (s, "mode", rec->mode);
  member (s, "override", rec->override);
  member (s, "operator", rec->operator_name);
  member (s, "override_reason", rec->override_reason);
  member (s, "override_set_at", rec->override_set_at);
  member (s, "element", rec->element);
  if (rec->channel != NULL)
    member (s, "channel", rec->channel);
  g_string_append (s, "}\n");
  return g_string_free (s, FALSE);
}

/* ---- the file ---------------------------------------------------------- */

gssize
ws_asrun_truncate_to_last_line (int fd)
{
  struct stat st;
  char buf[4096];
  off_t end;

  if (fstat (fd, &st) != 0)
    return -1;
  end = st.st_size;
  while (end > 0) {
    off_t from = end > (off_t) sizeof (buf) ? end - (off_t) sizeof (buf) : 0;
    ssize_t n = pread (fd, buf, (size_t) (end - from), from);

    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    if (n != end - from) {
      errno = EIO;
      return -1;
    }
    for (ssize_t i = n - 1; i >= 0; i--) {
      if (buf[i] == '\n') {
        off_t keep = from + i + 1;

        if (keep == st.st_size)
          return 0;
        if (ftruncate (fd, keep) != 0)
          return -1;
        return (gssize) (st.st_size - keep);
      }
    }
    end = from;
  }
  if (st.st_size > 0 && ftruncate (fd, 0) != 0)
    return -1;
  return (gssize) st.st_size;
}

gboolean
ws_asrun_write_line (int fd, const gchar *line, gsize len)
{
  int e = 0;

  for (int attempt = 0; attempt < 2; attempt++) {
    gsize done = 0;

    while (done < len) {
      ssize_t n = write (fd, line + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) {
        e = n < 0 ? errno : ENOSPC;
        break;
      }
      done += (gsize) n;
    }
    if (done == len)
      return TRUE;
    if (done > 0 && ws_asrun_truncate_to_last_line (fd) < 0) {
      e = errno;
      break;
    }
  }
  errno = e;
  return FALSE;
}

/* ---- the writer thread ------------------------------------------------- */

struct WsAsRunWriter {
  int fd;
  gchar *path;
  guint max_queued;
  gchar *element;
  guint64 rotate_size_bytes;
  gboolean rotate_daily;
  guint checkpoint_lines;
  guint checkpoint_interval_s;

  /* the chain, on the writer thread only: what the file holds up to the
   * end of its last complete line (read back from the file under flock(),
   * so other writers' lines are in it too) */
  GChecksum *file_sum; /* every byte of those lines */
  GString *partial;    /* bytes read after the last newline */
  gchar last_hash[WS_ASRUN_HASH_LEN + 1]; /* SHA-256 of the last line */
  guint64 end;           /* offset after the last complete line */
  guint64 n_lines;       /* complete lines */
  guint64 since_ckpt;    /* lines after the last checkpoint */
  gint64 ckpt_mono_us;   /* when the last checkpoint was written or seen */
  gboolean headed;       /* line 1 is a chain header */
  gchar created_day[11]; /* the header's UTC day, YYYY-MM-DD */
  gchar chain_id[33];    /* the header's chain id */

  WsAsRunErrorFunc on_error;
  gpointer user_data;
  GThread *thread;

  GMutex lock;
  GCond cond;     /* the thread waits on it for lines, callers for done */
  GQueue queue;   /* gchar * lines; the drop notes are not counted */
  guint n_queued; /* lines in the queue counted against max_queued */
  guint64 pushed; /* lines (and drop notes) ever queued */
  guint64 done;   /* of those, written (or failed) and fsync()'d */
  guint64 pending_drops; /* dropped since the last drop note */
  guint64 dropped;       /* all dropped */
  gboolean failed;       /* a failure since the last sync */
  gboolean stop;
};

/* ---- the chain (on the writer thread) ---------------------------------- */

static void
chain_reset (WsAsRunWriter *w)
{
  if (w->file_sum != NULL)
    g_checksum_reset (w->file_sum);
  else
    w->file_sum = g_checksum_new (G_CHECKSUM_SHA256);
  if (w->partial == NULL)
    w->partial = g_string_new (NULL);
  g_string_truncate (w->partial, 0);
  w->last_hash[0] = '\0';
  w->end = 0;
  w->n_lines = 0;
  w->since_ckpt = 0;
  w->headed = FALSE;
  w->created_day[0] = '\0';
  w->chain_id[0] = '\0';
}

static void
chain_free (WsAsRunWriter *w)
{
  if (w->file_sum != NULL)
    g_checksum_free (w->file_sum);
  if (w->partial != NULL)
    g_string_free (w->partial, TRUE);
  g_free (w->element);
}

/* one complete line of the file (with its newline) */
static void
chain_take_line (WsAsRunWriter *w, const gchar *line, gsize len)
{
  gchar *hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
      (const guchar *) line, len);

  g_checksum_update (w->file_sum, (const guchar *) line, (gssize) len);
  g_strlcpy (w->last_hash, hash, sizeof w->last_hash);
  g_free (hash);
  w->end += len;
  w->n_lines++;
  if (!w->headed && g_str_has_prefix (line, WS_ASRUN_HEADER_PREFIX)) {
    static const gchar created[] = "\"created\": \"";
    const gchar *c = g_strstr_len (line, (gssize) len, created);

    static const gchar chain[] = "\"chain\": \"";
    const gchar *ch = g_strstr_len (line, (gssize) len, chain);

    w->headed = TRUE;
    if (c != NULL && (gsize) (c - line) + strlen (created) + 10 <= len)
      g_strlcpy (w->created_day, c + strlen (created), sizeof w->created_day);
    if (ch != NULL && (gsize) (ch - line) + strlen (chain) + 32 <= len)
      g_strlcpy (w->chain_id, ch + strlen (chain), sizeof w->chain_id);
  }
  if (g_str_has_prefix (line, "{\"checkpoint\"")) {
    w->since_ckpt = 0;
    w->ckpt_mono_us = g_get_monotonic_time ();
  } else {
    w->since_ckpt++;
  }
}

/* feeds bytes read from the file: complete lines go into the chain */
static void
chain_ingest (WsAsRunWriter *w, const gchar *buf, gsize n)
{
  while (n > 0) {
    const gchar *nl = memchr (buf, '\n', n);
    gsize take = nl != NULL ? (gsize) (nl - buf) + 1 : n;

    g_string_append_len (w->partial, buf, (gssize) take);
    if (nl != NULL) {
      chain_take_line (w, w->partial->str, w->partial->len);
      g_string_truncate (w->partial, 0);
    }
    buf += take;
    n -= take;
  }
}

/* Reads what other writers appended since we last looked (everything when
 * the file shrank) and cuts a torn last line (a writer died mid-line).
 * The file lock is held. FALSE with errno when the file cannot be read. */
static gboolean
chain_catch_up (WsAsRunWriter *w)
{
  struct stat st;
  gchar buf[8192];

  if (fstat (w->fd, &st) != 0)
    return FALSE;
  if ((guint64) st.st_size < w->end || w->file_sum == NULL)
    chain_reset (w);
  g_string_truncate (w->partial, 0);
  for (off_t at = (off_t) w->end; at < st.st_size;) {
    ssize_t n = pread (w->fd, buf, sizeof buf, at);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return FALSE;
    if (n == 0)
      break;
    chain_ingest (w, buf, (gsize) n);
    at += n;
  }
  if (w->partial->len > 0) {
    if (ftruncate (w->fd, (off_t) w->end) != 0)
      return FALSE;
    g_string_truncate (w->partial, 0);
  }
  return TRUE;
}

/* the current UTC time as ISO 8601 with a Z, or the day alone */
static gchar *
utc_now (const gchar *format)
{
  GDateTime *now = g_date_time_new_now_utc ();
  gchar *s = g_date_time_format (now, format);

  g_date_time_unref (now);
  return s;
}

/* the chain members every line ends with: `, "seq": N, "prev": ...}` */
static void
append_chain_members (GString *s, guint64 seq, const gchar *prev)
{
  g_string_append_printf (s,
      ", \"seq\": %" G_GUINT64_FORMAT ", \"prev\": ", seq);
  if (prev != NULL && *prev != '\0')
    g_string_append_printf (s, "\"%s\"}\n", prev);
  else
    g_string_append (s, "null}\n");
}

static gchar *
format_header (const WsAsRunWriter *w, const gchar *prev_file,
    const gchar *prev_hash, guint64 prev_lines)
{
  GString *s = g_string_new (WS_ASRUN_HEADER_PREFIX);
  gchar *created = utc_now ("%Y-%m-%dT%H:%M:%SZ");
  gchar nonce[33];

  for (int i = 0; i < 4; i++)
    g_snprintf (nonce + 8 * i, 9, "%08x", g_random_int ());
  g_string_append_printf (s,
      " \"%s\", \"version\": %d, \"nonce\": \"%s\", \"chain\": \"%s\"",
      WS_ASRUN_FORMAT, WS_ASRUN_VERSION, nonce,
      /* the chain's id: the first file's nonce, carried over on rotation */
      prev_file != NULL && w->chain_id[0] != '\0' ? w->chain_id : nonce);
  g_string_append_printf (s, ", \"created\": \"%s\"", created);
  member (s, "opened_by", w->element);
  member (s, "prev_file", prev_file);
  g_string_append (s, ", \"prev_lines\": ");
  if (prev_file != NULL)
    g_string_append_printf (s, "%" G_GUINT64_FORMAT, prev_lines);
  else
    g_string_append (s, "null");
  append_chain_members (s, w->n_lines + 1, prev_hash);
  g_free (created);
  return g_string_free (s, FALSE);
}

/* Writes @body (a JSON object ending with "}\n") with the chain members
 * appended. The file lock is held and the chain caught up. */
static gboolean
chain_write (WsAsRunWriter *w, const gchar *body, gsize len)
{
  GString *s;
  gboolean ok;

  if (len < 3 || body[0] != '{' || body[len - 2] != '}' ||
      body[len - 1] != '\n' || memchr (body, '\n', len - 1) != NULL) {
    errno = EINVAL;
    return FALSE;
  }
  s = g_string_new_len (body, (gssize) len - 2);
  append_chain_members (s, w->n_lines + 1, w->last_hash);
  ok = ws_asrun_write_line (w->fd, s->str, s->len);
  if (ok)
    chain_take_line (w, s->str, s->len);
  g_string_free (s, TRUE);
  return ok;
}

/* the header of a new file; the chain is empty */
static gboolean
write_header (WsAsRunWriter *w, const gchar *prev_file, const gchar *prev_hash,
    guint64 prev_lines)
{
  gchar *line = format_header (w, prev_file, prev_hash, prev_lines);
  gsize len = strlen (line);
  gboolean ok = ws_asrun_write_line (w->fd, line, len);

  if (ok)
    chain_take_line (w, line, len);
  g_free (line);
  return ok;
}

static gboolean
write_checkpoint (WsAsRunWriter *w)
{
  GChecksum *copy = g_checksum_copy (w->file_sum);
  gchar *at = utc_now ("%Y-%m-%dT%H:%M:%SZ");
  gchar *body = g_strdup_printf ("{\"checkpoint\": \"%s\", \"lines\": "
                                 "%" G_GUINT64_FORMAT ", \"bytes\": "
                                 "%" G_GUINT64_FORMAT ", \"sha256\": \"%s\"}\n",
      at, w->n_lines, w->end, g_checksum_get_string (copy));
  gboolean ok = chain_write (w, body, strlen (body));

  g_checksum_free (copy);
  g_free (at);
  g_free (body);
  return ok;
}

/* TRUE when @fd is still the file at @path */
static gboolean
is_current (int fd, const gchar *path)
{
  struct stat a, b;

  return fstat (fd, &a) == 0 && stat (path, &b) == 0 && a.st_dev == b.st_dev &&
         a.st_ino == b.st_ino;
}

/* Locks the log for this writer: reopens @path when another writer rotated
 * it (or it was removed), then catches the chain up. */
static gboolean
chain_lock (WsAsRunWriter *w)
{
  for (;;) {
    int fd;

    while (flock (w->fd, LOCK_EX) != 0) {
      if (errno != EINTR)
        return FALSE;
    }
    if (is_current (w->fd, w->path))
      break;
    fd = open (w->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      return FALSE;
    flock (w->fd, LOCK_UN);
    close (w->fd);
    w->fd = fd;
    chain_reset (w);
  }
  return chain_catch_up (w);
}

/* Starts a new file: the current one is renamed to PATH.YYYYMMDDTHHMMSSZ
 * (-N when taken), and the new file, made whole under a temporary name and
 * renamed over @path, opens with a header naming it and its last hash. The
 * lock is held, and is held on the new file on return. */
static gboolean
rotate (WsAsRunWriter *w)
{
  gchar *stamp = utc_now ("%Y%m%dT%H%M%SZ");
  gchar *old = g_strdup_printf ("%s.%s", w->path, stamp);
  gchar *tmp = g_strdup_printf ("%s.rotating", w->path);
  gchar *prev_hash = g_strdup (w->last_hash), *base = NULL;
  guint64 prev_lines = w->n_lines;
  gboolean ok = FALSE;
  int fd = -1, e = 0;

  for (guint n = 2; g_file_test (old, G_FILE_TEST_EXISTS) && n < 1000; n++) {
    g_free (old);
    old = g_strdup_printf ("%s.%s-%u", w->path, stamp, n);
  }
  base = g_path_get_basename (old);
  fd = open (tmp, O_RDWR | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || flock (fd, LOCK_EX) != 0 || link (w->path, old) != 0)
    goto end;
  {
    int old_fd = w->fd;
    gchar chain[sizeof w->chain_id];

    g_strlcpy (chain, w->chain_id, sizeof chain);
    w->fd = fd;
    chain_reset (w);
    g_strlcpy (w->chain_id, chain, sizeof w->chain_id);
    if (!write_header (w, base, prev_hash, prev_lines) || fsync (fd) != 0 ||
        rename (tmp, w->path) != 0) {
      e = errno;
      w->fd = old_fd;
      unlink (old);
      chain_reset (w);
      errno = e;
      goto end;
    }
    fd = -1;
    /* the old file's lock goes with its descriptor: other writers find
     * the new file under @path */
    close (old_fd);
  }
  ok = TRUE;
end:
  e = errno;
  if (fd >= 0) {
    close (fd);
    unlink (tmp);
  }
  g_free (stamp);
  g_free (old);
  g_free (tmp);
  g_free (prev_hash);
  g_free (base);
  errno = e;
  return ok;
}

/* before a line: header, rotation and checkpoint as due */
static gboolean
chain_prepare (WsAsRunWriter *w, gsize next_len)
{
  if (!w->headed) {
    /* a new file, or a log written before the chain: its lines are kept
     * as they are and the chain starts after them */
    return write_header (w, NULL, NULL, 0);
  }
  if ((w->rotate_size_bytes > 0 && w->n_lines > 1 &&
          w->end + next_len > w->rotate_size_bytes)) {
    if (!rotate (w))
      return FALSE;
  } else if (w->rotate_daily) {
    gchar *today = utc_now ("%Y-%m-%d");
    gboolean new_day = strcmp (today, w->created_day) != 0;

    g_free (today);
    if (new_day && !rotate (w))
      return FALSE;
  }
  if (w->since_ckpt >= w->checkpoint_lines)
    return write_checkpoint (w);
  return TRUE;
}

/* a checkpoint when lines were written and the interval has passed; the
 * lock is not held */
static gboolean
timed_checkpoint (WsAsRunWriter *w)
{
  gboolean ok;

  if (!chain_lock (w))
    return FALSE;
  ok = w->since_ckpt == 0 || write_checkpoint (w);
  if (fsync (w->fd) != 0)
    ok = FALSE;
  flock (w->fd, LOCK_UN);
  return ok;
}

/* a line saying @n lines were lost; the lock is held */
static void
queue_drop_note (WsAsRunWriter *w)
{
  gchar *note =
      g_strdup_printf ("{\"dropped_lines\": %" G_GUINT64_FORMAT
                       ", \"reason\": \"The as-run queue was full "
                       "(the log file did not keep up): %" G_GUINT64_FORMAT
                       " decision lines before "
                       "this one were not recorded.\"}\n",
          w->pending_drops, w->pending_drops);

  g_queue_push_tail (&w->queue, note);
  w->pushed++;
  w->pending_drops = 0;
}

static gpointer
writer_thread (gpointer data)
{
  WsAsRunWriter *w = data;

  g_mutex_lock (&w->lock);
  for (;;) {
    GQueue batch = G_QUEUE_INIT;
    guint64 n;
    gboolean ok = TRUE, locked;
    int lock_errno;

    while (g_queue_is_empty (&w->queue) && !w->stop) {
      gint64 due = w->ckpt_mono_us +
                   (gint64) w->checkpoint_interval_s * G_TIME_SPAN_SECOND;

      if (w->since_ckpt == 0) {
        g_cond_wait (&w->cond, &w->lock);
      } else if (!g_cond_wait_until (&w->cond, &w->lock, due) &&
                 g_queue_is_empty (&w->queue) && !w->stop) {
        /* idle for the interval with lines since the last checkpoint */
        g_mutex_unlock (&w->lock);
        if (!timed_checkpoint (w)) {
          int e = errno;

          w->ckpt_mono_us = g_get_monotonic_time (); /* not in a loop */
          if (w->on_error != NULL)
            w->on_error (NULL, e, w->user_data);
        }
        g_mutex_lock (&w->lock);
      }
    }
    if (g_queue_is_empty (&w->queue))
      break; /* stopping, nothing left */
    batch = w->queue;
    g_queue_init (&w->queue);
    n = batch.length;
    w->n_queued = 0;
    g_mutex_unlock (&w->lock);

    /* the chain is computed here, in the order written, under the file
     * lock: the lines of every pushing thread (and of other writers of the
     * same file) form one chain */
    locked = chain_lock (w);
    lock_errno = errno;
    for (GList *l = batch.head; l != NULL; l = l->next) {
      const gchar *line = l->data;
      gsize len = strlen (line);

      errno = lock_errno;
      if (!locked || !chain_prepare (w, len + 100) ||
          !chain_write (w, line, len)) {
        int e = errno;

        ok = FALSE;
        if (w->on_error != NULL)
          w->on_error (line, e, w->user_data);
        /* the next line starts from what the file holds */
        if (locked && !chain_catch_up (w))
          chain_reset (w);
      }
    }
    g_queue_clear_full (&batch, g_free);
    while (fsync (w->fd) != 0) {
      if (errno != EINTR) {
        int e = errno;

        ok = FALSE;
        if (w->on_error != NULL)
          w->on_error (NULL, e, w->user_data);
        break;
      }
    }
    if (locked)
      flock (w->fd, LOCK_UN);

    g_mutex_lock (&w->lock);
    w->done += n;
    if (!ok)
      w->failed = TRUE;
    g_cond_broadcast (&w->cond);
  }
  g_mutex_unlock (&w->lock);
  return NULL;
}

WsAsRunWriter *
ws_asrun_writer_open (const gchar *path, guint max_queued,
    WsAsRunErrorFunc on_error, gpointer user_data, gssize *cut_bytes,
    GError **error)
{
  WsAsRunOptions opts = { .max_queued = max_queued };

  return ws_asrun_writer_open_full (path, &opts, on_error, user_data, cut_bytes,
      error);
}

WsAsRunWriter *
ws_asrun_writer_open_full (const gchar *path, const WsAsRunOptions *opts,
    WsAsRunErrorFunc on_error, gpointer user_data, gssize *cut_bytes,
    GError **error)
{
  guint max_queued;
  WsAsRunWriter *w;
  GError *terr = NULL;
  gssize cut;
  int fd;

  g_return_val_if_fail (path != NULL && opts != NULL, NULL);

  max_queued = opts->max_queued;
  fd = open (path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    int e = errno;

    g_set_error (error, WS_ERROR, WS_ERROR_IO,
        "%s: cannot open the as-run log: %s", path, g_strerror (e));
    return NULL;
  }
  /* a torn last line (the process died mid-write) is cut, so the next
   * line does not get glued to it */
  cut = ws_asrun_truncate_to_last_line (fd);
  if (cut_bytes != NULL)
    *cut_bytes = cut;

  w = g_new0 (WsAsRunWriter, 1);
  w->fd = fd;
  w->path = g_strdup (path);
  w->max_queued = max_queued > 0 ? max_queued : WS_ASRUN_DEFAULT_QUEUE;
  w->on_error = on_error;
  w->user_data = user_data;
  w->element = g_strdup (opts->element);
  w->rotate_size_bytes = opts->rotate_size_bytes;
  w->rotate_daily = opts->rotate_daily;
  w->checkpoint_lines = opts->checkpoint_lines > 0 ?
                            opts->checkpoint_lines :
                            WS_ASRUN_DEFAULT_CHECKPOINT_LINES;
  w->checkpoint_interval_s = opts->checkpoint_interval_s > 0 ?
                                 opts->checkpoint_interval_s :
                                 WS_ASRUN_DEFAULT_CHECKPOINT_INTERVAL_S;
  w->ckpt_mono_us = g_get_monotonic_time ();
  chain_reset (w);
  g_mutex_init (&w->lock);
  g_cond_init (&w->cond);
  g_queue_init (&w->queue);
  w->thread = g_thread_try_new ("ws-asrun", writer_thread, w, &terr);
  if (w->thread == NULL) {
    g_set_error (error, WS_ERROR, WS_ERROR_IO,
        "%s: cannot start the as-run writer thread: %s", path, terr->message);
    g_error_free (terr);
    g_mutex_clear (&w->lock);
    g_cond_clear (&w->cond);
    g_free (w->path);
    chain_free (w);
    close (fd);
    g_free (w);
    return NULL;
  }
  return w;
}

gboolean
ws_asrun_writer_push (WsAsRunWriter *w, gchar *line)
{
  gboolean queued;

  g_return_val_if_fail (w != NULL && line != NULL, FALSE);

  g_mutex_lock (&w->lock);
  queued = w->n_queued < w->max_queued && !w->stop;
  if (queued) {
    if (w->pending_drops > 0)
      queue_drop_note (w);
    g_queue_push_tail (&w->queue, line);
    w->n_queued++;
    w->pushed++;
    g_cond_broadcast (&w->cond);
  } else {
    w->pending_drops++;
    w->dropped++;
  }
  g_mutex_unlock (&w->lock);
  if (!queued)
    g_free (line);
  return queued;
}

gboolean
ws_asrun_writer_sync (WsAsRunWriter *w)
{
  guint64 target;
  gboolean ok;

  g_return_val_if_fail (w != NULL, FALSE);

  g_mutex_lock (&w->lock);
  if (w->pending_drops > 0) {
    queue_drop_note (w);
    g_cond_broadcast (&w->cond);
  }
  target = w->pushed;
  while (w->done < target)
    g_cond_wait (&w->cond, &w->lock);
  ok = !w->failed;
  w->failed = FALSE;
  g_mutex_unlock (&w->lock);
  return ok;
}

guint64
ws_asrun_writer_get_dropped (WsAsRunWriter *w)
{
  guint64 n;

  g_return_val_if_fail (w != NULL, 0);
  g_mutex_lock (&w->lock);
  n = w->dropped;
  g_mutex_unlock (&w->lock);
  return n;
}

void
ws_asrun_writer_close (WsAsRunWriter *w)
{
  if (w == NULL)
    return;
  g_mutex_lock (&w->lock);
  if (w->pending_drops > 0)
    queue_drop_note (w);
  w->stop = TRUE;
  g_cond_broadcast (&w->cond);
  g_mutex_unlock (&w->lock);
  /* the thread writes what is queued before it sees stop */
  g_thread_join (w->thread);
  close (w->fd);
  g_queue_clear_full (&w->queue, g_free);
  g_mutex_clear (&w->lock);
  g_cond_clear (&w->cond);
  g_free (w->path);
  chain_free (w);
  g_free (w);
}
