/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the as-run log (see ws-asrun.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ws-asrun.h"
#include "ws-error.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
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
    gboolean ok = TRUE;

    while (g_queue_is_empty (&w->queue) && !w->stop)
      g_cond_wait (&w->cond, &w->lock);
    if (g_queue_is_empty (&w->queue))
      break; /* stopping, nothing left */
    batch = w->queue;
    g_queue_init (&w->queue);
    n = batch.length;
    w->n_queued = 0;
    g_mutex_unlock (&w->lock);

    for (GList *l = batch.head; l != NULL; l = l->next) {
      const gchar *line = l->data;

      if (!ws_asrun_write_line (w->fd, line, strlen (line))) {
        int e = errno;

        ok = FALSE;
        if (w->on_error != NULL)
          w->on_error (line, e, w->user_data);
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
  WsAsRunWriter *w;
  GError *terr = NULL;
  gssize cut;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

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
  g_free (w);
}
