/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed check: report files written as a set, never over an input. */
/* memmem() */
#define _GNU_SOURCE
#include "ws-report.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "ws-cli.h"

/* A temporary file older than this is stale whoever made it. */
#define STALE_AGE_S (24 * 3600)

/* The most bytes of a report's name a temporary name repeats (names are at
 * most 255 bytes; the tag, host and pid take the rest). */
#define TMP_NAME_BASE_MAX 160

typedef struct {
  char *option;
  char *path;
  char *key; /* (nullable): "DEV:INODE" when it exists */
  WsReportKind kind;
  char *tmp; /* (nullable): staged, not renamed yet */
} Entry;

struct WsReportSet {
  GHashTable *protected_inputs;
  gboolean force;
  GPtrArray *entries;
};

static const char *const kind_names[] = { [WS_REPORT_JUNIT] = "JUnit",
  [WS_REPORT_HTML] = "HTML",
  [WS_REPORT_CSV] = "CSV",
  [WS_REPORT_PDF] = "PSE certificate (PDF)",
  [WS_REPORT_JSON] = "JSON" };

static void
entry_free (gpointer data)
{
  Entry *e = data;

  if (e->tmp != NULL)
    g_unlink (e->tmp);
  g_free (e->option);
  g_free (e->path);
  g_free (e->key);
  g_free (e->tmp);
  g_free (e);
}

WsReportSet *
ws_report_set_new (GHashTable *protected_inputs, gboolean force)
{
  WsReportSet *set = g_new0 (WsReportSet, 1);
  GHashTableIter it;
  gpointer key;

  set->protected_inputs = g_hash_table_new_full (g_str_hash, g_str_equal,
      g_free, NULL);
  if (protected_inputs != NULL) {
    g_hash_table_iter_init (&it, protected_inputs);
    while (g_hash_table_iter_next (&it, &key, NULL))
      g_hash_table_add (set->protected_inputs, g_strdup (key));
  }
  set->force = force;
  set->entries = g_ptr_array_new_with_free_func (entry_free);
  return set;
}

void
ws_report_set_free (WsReportSet *set)
{
  if (set == NULL)
    return;
  g_ptr_array_unref (set->entries);
  g_hash_table_unref (set->protected_inputs);
  g_free (set);
}

char *
ws_report_file_key (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return NULL;
  return g_strdup_printf ("%ju:%ju", (uintmax_t) st.st_dev,
      (uintmax_t) st.st_ino);
}

/* Opens @path to look at it: O_NONBLOCK, so a FIFO put in a report's place
 * never blocks the check. NULL when it cannot be opened. */
static FILE *
open_to_look (const char *path)
{
  int fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
  FILE *fp;

  if (fd < 0)
    return NULL;
  fp = fdopen (fd, "rb");
  if (fp == NULL)
    close (fd);
  return fp;
}

/* A PDF whose document information names us as its Creator: cairo writes
 * that dictionary, uncompressed, near the end of the file. */
static gboolean
pdf_is_ours (FILE *fp)
{
  static const char creator[] = "/Creator (" WS_REPORT_PDF_CREATOR;
  char head[5], *tail;
  long size;
  gsize n;
  gboolean ours = FALSE;

  if (fread (head, 1, sizeof head, fp) != sizeof head ||
      memcmp (head, "%PDF-", sizeof head) != 0 ||
      fseek (fp, 0, SEEK_END) != 0 || (size = ftell (fp)) < 0)
    return FALSE;
  n = (gsize) MIN (size, 65536);
  tail = g_malloc (n);
  if (fseek (fp, size - (long) n, SEEK_SET) == 0 && fread (tail, 1, n, fp) == n)
    ours = memmem (tail, n, creator, sizeof creator - 1) != NULL;
  g_free (tail);
  return ours;
}

gboolean
ws_report_is_ours (const char *path, WsReportKind kind)
{
  static const char *const starts[] = {
    [WS_REPORT_JUNIT] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" WS_REPORT_MARKER "\n",
    [WS_REPORT_HTML] = "<!DOCTYPE html>\n" WS_REPORT_MARKER "\n",
    [WS_REPORT_CSV] = WS_REPORT_CSV_HEADER "\r\n",
    [WS_REPORT_JSON] = WS_REPORT_JSON_START,
  };
  FILE *fp = open_to_look (path);
  gboolean ours;

  if (fp == NULL)
    return FALSE;
  if (kind == WS_REPORT_PDF) {
    ours = pdf_is_ours (fp);
  } else {
    const char *start = starts[kind];
    size_t n = strlen (start);
    char buf[256];

    g_assert (n < sizeof (buf));
    ours = fread (buf, 1, n, fp) == n && memcmp (buf, start, n) == 0;
  }
  fclose (fp);
  return ours;
}

/* The host name as it goes into a temporary name: [A-Za-z0-9] and '_'. */
static char *
tmp_host (void)
{
  char *h = g_strndup (g_get_host_name (), 32);

  for (char *p = h; *p; p++)
    if (!g_ascii_isalnum (*p))
      *p = '_';
  return h;
}

/* ".NAME.ws-tmp-" for the report @base (its first bytes when long). */
static char *
tmp_prefix (const char *base)
{
  gsize n = strlen (base);

  if (n > TMP_NAME_BASE_MAX)
    n = TMP_NAME_BASE_MAX;
  return g_strdup_printf (".%.*s%s", (int) n, base, WS_REPORT_TMP_TAG);
}

/* Is @rest ("HOST-PID-XXXXXX") a temporary file of a process that is gone
 * (this host), or is the file older than a day? */
static gboolean
tmp_is_stale (const char *file, const char *rest, const char *host)
{
  const char *last = strrchr (rest, '-'), *prev;
  GStatBuf st;
  char *end = NULL;
  gint64 pid;

  if (g_lstat (file, &st) != 0 || !S_ISREG (st.st_mode) ||
      st.st_uid != getuid ())
    return FALSE;
  if ((gint64) st.st_mtime < g_get_real_time () / G_USEC_PER_SEC - STALE_AGE_S)
    return TRUE;
  if (last == NULL || last == rest)
    return FALSE;
  for (prev = last - 1; prev > rest && *prev != '-'; prev--)
    ;
  if (*prev != '-' || (gsize) (prev - rest) != strlen (host) ||
      strncmp (rest, host, strlen (host)) != 0)
    return FALSE;
  pid = g_ascii_strtoll (prev + 1, &end, 10);
  if (end != last || pid <= 0 || pid > G_MAXINT || pid == getpid ())
    return FALSE;
  return kill ((pid_t) pid, 0) != 0 && errno == ESRCH;
}

/* Removes what a killed run left for the report @path. */
static void
clean_stale (const char *path)
{
  char *dir = g_path_get_dirname (path), *base = g_path_get_basename (path);
  char *prefix = tmp_prefix (base), *host = tmp_host ();
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
    char *file;

    if (!g_str_has_prefix (name, prefix))
      continue;
    file = g_build_filename (dir, name, NULL);
    if (tmp_is_stale (file, name + strlen (prefix), host) &&
        g_unlink (file) == 0) {
      char *safe = ws_cli_safe_text (file, WS_CLI_TEXT_LINE);

      ws_cli_error ("check: removed %s, left by an interrupted run", safe);
      g_free (safe);
    }
    g_free (file);
  }
  if (d != NULL)
    g_dir_close (d);
  g_free (dir);
  g_free (base);
  g_free (prefix);
  g_free (host);
}

static gboolean
refuse (GError **error, const char *path, const char *why)
{
  char *safe = ws_cli_safe_text (path, WS_CLI_TEXT_LINE);

  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST, "%s %s", safe, why);
  g_free (safe);
  return FALSE;
}

gboolean
ws_report_set_add (WsReportSet *set, const char *option, const char *path,
    WsReportKind kind, GError **error)
{
  char *dir = g_path_get_dirname (path);
  GStatBuf st, lst;
  char *key = NULL, *msg;
  Entry *e;
  gboolean ok = FALSE;

  if (g_stat (dir, &st) != 0 || !S_ISDIR (st.st_mode)) {
    ok = refuse (error, dir, "is not a folder that exists");
    goto end;
  }
  if (g_lstat (path, &lst) == 0) {
    if (S_ISLNK (lst.st_mode) && !set->force) {
      ok = refuse (error, path,
          "is a symbolic link; name the file it points to, or give --force "
          "to replace the link");
      goto end;
    }
    if (g_stat (path, &st) == 0) {
      key = g_strdup_printf ("%ju:%ju", (uintmax_t) st.st_dev,
          (uintmax_t) st.st_ino);
      if (g_hash_table_contains (set->protected_inputs, key)) {
        ok = refuse (error, path,
            "is one of the inputs (or a sidecar of one); refusing to "
            "overwrite it (did the shell expand a * right after the "
            "option?)");
        goto end;
      }
      if (S_ISDIR (st.st_mode)) {
        ok = refuse (error, path, "is a folder; give a file name");
        goto end;
      }
      if (!S_ISREG (st.st_mode) && !S_ISLNK (lst.st_mode)) {
        ok = refuse (error, path, "is not a regular file (a FIFO or device)");
        goto end;
      }
      if (!set->force && st.st_size > 0 && !ws_report_is_ours (path, kind)) {
        msg = g_strdup_printf ("exists and is not a %s report of watershed "
                               "check; refusing to replace it (--force "
                               "replaces it)",
            kind_names[kind]);
        ok = refuse (error, path, msg);
        g_free (msg);
        goto end;
      }
    }
  } else if (errno != ENOENT) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s",
        g_strerror (errno));
    goto end;
  }
  for (guint i = 0; i < set->entries->len; i++) {
    const Entry *o = set->entries->pdata[i];

    if (strcmp (o->path, path) == 0 ||
        (key != NULL && o->key != NULL && strcmp (o->key, key) == 0)) {
      msg = g_strdup_printf ("is also the %s report; give each report its "
                             "own file",
          o->option);
      ok = refuse (error, path, msg);
      g_free (msg);
      goto end;
    }
  }
  clean_stale (path);
  e = g_new0 (Entry, 1);
  e->option = g_strdup (option);
  e->path = g_strdup (path);
  e->key = g_steal_pointer (&key);
  e->kind = kind;
  g_ptr_array_add (set->entries, e);
  ok = TRUE;

end:
  g_free (key);
  g_free (dir);
  return ok;
}

static Entry *
find_entry (WsReportSet *set, const char *path)
{
  for (guint i = 0; i < set->entries->len; i++) {
    Entry *e = set->entries->pdata[i];

    if (strcmp (e->path, path) == 0)
      return e;
  }
  return NULL;
}

gboolean
ws_report_set_stage (WsReportSet *set, const char *path, const char *text,
    GError **error)
{
  GBytes *bytes = g_bytes_new_static (text, strlen (text));
  gboolean ok = ws_report_set_stage_bytes (set, path, bytes, error);

  g_bytes_unref (bytes);
  return ok;
}

gboolean
ws_report_set_stage_bytes (WsReportSet *set, const char *path, GBytes *bytes,
    GError **error)
{
  Entry *e = find_entry (set, path);
  char *dir, *base, *prefix, *host, *tmpl;
  gsize len = 0, done = 0;
  const char *text = g_bytes_get_data (bytes, &len);
  int fd, saved;

  g_return_val_if_fail (e != NULL && e->tmp == NULL, FALSE);
  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  prefix = tmp_prefix (base);
  host = tmp_host ();
  tmpl = g_strdup_printf ("%s%s%s%s-%d-XXXXXX", dir, G_DIR_SEPARATOR_S, prefix,
      host, (int) getpid ());
  g_free (dir);
  g_free (base);
  g_free (prefix);
  g_free (host);
  fd = g_mkstemp_full (tmpl, O_RDWR | O_CLOEXEC, 0666);
  if (fd < 0) {
    saved = errno;
    goto fail;
  }
  e->tmp = tmpl;
  while (done < len) {
    ssize_t w = write (fd, text + done, len - done);

    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      saved = w < 0 ? errno : ENOSPC;
      close (fd);
      goto fail;
    }
    done += (gsize) w;
  }
  if (fsync (fd) != 0 || close (fd) != 0) {
    saved = errno;
    goto fail;
  }
  return TRUE;

fail:
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s",
      g_strerror (saved));
  if (e->tmp != NULL) {
    g_unlink (e->tmp);
    g_clear_pointer (&e->tmp, g_free);
  } else {
    g_free (tmpl);
  }
  return FALSE;
}

/* Is the report's place still what ws_report_set_add() accepted? A check
 * can run for hours: an input or someone's file may have appeared there. */
static gboolean
still_replaceable (const WsReportSet *set, const Entry *e, GError **error)
{
  GStatBuf st;
  char *key;
  gboolean same, ok = TRUE;

  if (g_stat (e->path, &st) != 0)
    return TRUE; /* gone, or a dangling link (--force) */
  key = g_strdup_printf ("%ju:%ju", (uintmax_t) st.st_dev,
      (uintmax_t) st.st_ino);
  same = e->key != NULL && strcmp (e->key, key) == 0;
  if (g_hash_table_contains (set->protected_inputs, key))
    ok = refuse (error, e->path, "has become one of the inputs; not replaced");
  else if (!same && !set->force && S_ISREG (st.st_mode) && st.st_size > 0 &&
           !ws_report_is_ours (e->path, e->kind))
    ok = refuse (error, e->path,
        "appeared during the check and is not a report of watershed check; "
        "not replaced (--force replaces it)");
  else if (!S_ISREG (st.st_mode))
    ok = refuse (error, e->path, "is no longer a regular file; not replaced");
  g_free (key);
  return ok;
}

gboolean
ws_report_set_commit (WsReportSet *set, GError **error)
{
  for (guint i = 0; i < set->entries->len; i++) {
    Entry *e = set->entries->pdata[i];

    g_return_val_if_fail (e->tmp != NULL, FALSE);
    if (!still_replaceable (set, e, error))
      return FALSE;
  }
  for (guint i = 0; i < set->entries->len; i++) {
    Entry *e = set->entries->pdata[i];

    if (g_rename (e->tmp, e->path) != 0) {
      int saved = errno;
      char *safe = ws_cli_safe_text (e->path, WS_CLI_TEXT_LINE);

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
          "%s: %s", safe, g_strerror (saved));
      g_free (safe);
      return FALSE;
    }
    g_clear_pointer (&e->tmp, g_free);
  }
  return TRUE;
}
