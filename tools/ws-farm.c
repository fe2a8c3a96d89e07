/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed check on a farm: shards, and the digests of a batch. */
#include "ws-farm.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

static gboolean
parse_number (const char *text, guint64 max, guint64 *out)
{
  return text != NULL && *text != '\0' &&
         g_ascii_string_to_unsigned (text, 10, 0, max, out, NULL);
}

static gboolean bad (GError **error, const char *format, ...)
    G_GNUC_PRINTF (2, 3);

static gboolean
bad (GError **error, const char *format, ...)
{
  va_list args;
  char *m;

  va_start (args, format);
  m = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, m);
  g_free (m);
  return FALSE;
}

/* A Slurm array task: K and N from SLURM_ARRAY_TASK_*. */
static gboolean
slurm_shard (char **envp, guint shard_count, guint *index, guint *count,
    GError **error)
{
  const char *id_s = g_environ_getenv (envp, "SLURM_ARRAY_TASK_ID");
  const char *count_s = g_environ_getenv (envp, "SLURM_ARRAY_TASK_COUNT");
  const char *min_s = g_environ_getenv (envp, "SLURM_ARRAY_TASK_MIN");
  const char *max_s = g_environ_getenv (envp, "SLURM_ARRAY_TASK_MAX");
  guint64 id, n = 0, min = 0, max = 0;

  if (!parse_number (id_s, G_MAXUINT32, &id))
    return bad (error,
        "--shard auto: SLURM_ARRAY_TASK_ID=\"%s\" is not a "
        "task id",
        id_s);
  if (min_s != NULL && !parse_number (min_s, id, &min))
    return bad (error,
        "--shard auto: SLURM_ARRAY_TASK_MIN=\"%s\" is not a "
        "task id at most SLURM_ARRAY_TASK_ID (%" G_GUINT64_FORMAT ")",
        min_s, id);
  if (max_s != NULL &&
      (!parse_number (max_s, G_MAXUINT32, &max) || max < min || max < id))
    return bad (error,
        "--shard auto: SLURM_ARRAY_TASK_MAX=\"%s\" is not a "
        "task id at least SLURM_ARRAY_TASK_ID (%" G_GUINT64_FORMAT ")",
        max_s, id);
  if (count_s != NULL) {
    if (!parse_number (count_s, WS_FARM_MAX_SHARDS, &n) || n == 0)
      return bad (error,
          "--shard auto: SLURM_ARRAY_TASK_COUNT=\"%s\" is not "
          "a count of 1 to %d",
          count_s, WS_FARM_MAX_SHARDS);
    if (max_s != NULL && min_s != NULL && max - min + 1 != n)
      return bad (error,
          "--shard auto: the Slurm array has %" G_GUINT64_FORMAT
          " tasks from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT
          ", not one per id (a step such as --array=0-6:2?); "
          "submit it as --array=0-%" G_GUINT64_FORMAT,
          n, min, max, n - 1);
  } else if (max_s != NULL) {
    n = max - min + 1;
  } else if (shard_count > 0) {
    n = shard_count;
  } else {
    return bad (error, "--shard auto: SLURM_ARRAY_TASK_ID is set but neither "
                       "SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX; "
                       "give --shard-count N");
  }
  if (n > WS_FARM_MAX_SHARDS)
    return bad (error,
        "--shard auto: %" G_GUINT64_FORMAT " array tasks; at "
        "most %d shards",
        n, WS_FARM_MAX_SHARDS);
  if (shard_count > 0 && shard_count != n)
    return bad (error,
        "--shard-count %u disagrees with the Slurm array's %" G_GUINT64_FORMAT
        " tasks",
        shard_count, n);
  if (id - min >= n)
    return bad (error,
        "--shard auto: array task %" G_GUINT64_FORMAT " is not "
        "one of %" G_GUINT64_FORMAT " tasks from %" G_GUINT64_FORMAT
        "; submit the array as --array=0-%" G_GUINT64_FORMAT,
        id, n, min, n - 1);
  *index = (guint) (id - min);
  *count = (guint) n;
  return TRUE;
}

gboolean
ws_farm_parse_shard (const char *spec, guint shard_count, char **envp,
    guint *index, guint *count, GError **error)
{
  char **own = NULL;
  gboolean ok;
  guint64 k, n;
  const char *slash;

  g_return_val_if_fail (spec != NULL, FALSE);
  if (shard_count > WS_FARM_MAX_SHARDS)
    return bad (error, "--shard-count %u: at most %d shards", shard_count,
        WS_FARM_MAX_SHARDS);
  if (strcmp (spec, "auto") != 0) {
    char *k_s;

    if (shard_count > 0)
      return bad (error, "--shard-count goes with --shard auto (a Kubernetes "
                         "Indexed Job); with --shard K/N the count is N");
    slash = strchr (spec, '/');
    if (slash == NULL)
      return bad (error,
          "--shard \"%s\": give K/N (shard K of N, counted "
          "from 0: 0/4 1/4 2/4 3/4) or auto",
          spec);
    k_s = g_strndup (spec, (gsize) (slash - spec));
    ok = parse_number (k_s, G_MAXUINT32, &k) &&
         parse_number (slash + 1, WS_FARM_MAX_SHARDS, &n);
    g_free (k_s);
    if (!ok || n == 0)
      return bad (error,
          "--shard \"%s\": K and N must be whole numbers, N "
          "from 1 to %d (shard K of N, counted from 0)",
          spec, WS_FARM_MAX_SHARDS);
    if (k >= n)
      return bad (error,
          "--shard %s: K must be below N; the shards of %" G_GUINT64_FORMAT
          " are 0/%" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT
          "/%" G_GUINT64_FORMAT,
          spec, n, n, n - 1, n);
    *index = (guint) k;
    *count = (guint) n;
    return TRUE;
  }

  if (envp == NULL)
    envp = own = g_get_environ ();
  if (g_environ_getenv (envp, "SLURM_ARRAY_TASK_ID") != NULL) {
    ok = slurm_shard (envp, shard_count, index, count, error);
  } else if (g_environ_getenv (envp, "JOB_COMPLETION_INDEX") != NULL) {
    const char *idx = g_environ_getenv (envp, "JOB_COMPLETION_INDEX");

    if (shard_count == 0)
      ok = bad (error, "--shard auto: a Kubernetes Indexed Job "
                       "(JOB_COMPLETION_INDEX) does not give the number of "
                       "shards; add --shard-count N (the Job's completions)");
    else if (!parse_number (idx, shard_count - 1, &k))
      ok = bad (error,
          "--shard auto: JOB_COMPLETION_INDEX=\"%s\" is not an "
          "index from 0 to %u (--shard-count %u)",
          idx, shard_count - 1, shard_count);
    else {
      *index = (guint) k;
      *count = shard_count;
      ok = TRUE;
    }
  } else {
    ok = bad (error, "--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm "
                     "array job) nor JOB_COMPLETION_INDEX (a Kubernetes "
                     "Indexed Job) is set; give --shard K/N");
  }
  g_strfreev (own);
  return ok;
}

guint
ws_farm_shard_of (const char *relative_path, guint count)
{
  GChecksum *c = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof (digest);
  guint64 v = 0;

  g_return_val_if_fail (count > 0, 0);
  g_checksum_update (c, (const guchar *) relative_path,
      (gssize) strlen (relative_path));
  g_checksum_get_digest (c, digest, &len);
  g_checksum_free (c);
  for (int i = 0; i < 8; i++)
    v = (v << 8) | digest[i];
  return (guint) (v % count);
}

/* "sha256:HEX" of @items, each followed by a NUL. */
static char *
digest_of (const char *first, const char *const *items, guint n)
{
  GChecksum *c = g_checksum_new (G_CHECKSUM_SHA256);
  char *out;

  if (first != NULL)
    g_checksum_update (c, (const guchar *) first, (gssize) strlen (first) + 1);
  for (guint i = 0; i < n; i++)
    g_checksum_update (c, (const guchar *) items[i],
        (gssize) strlen (items[i]) + 1);
  out = g_strconcat ("sha256:", g_checksum_get_string (c), NULL);
  g_checksum_free (c);
  return out;
}

char *
ws_farm_list_digest (const GPtrArray *relative_paths)
{
  return digest_of (NULL, (const char *const *) relative_paths->pdata,
      relative_paths->len);
}

char *
ws_farm_fingerprint (const char *version, const char *const *options)
{
  return digest_of (version, options, g_strv_length ((char **) options));
}

char *
ws_farm_file_sha256 (const char *path, GError **error)
{
  GChecksum *c;
  guchar buf[1 << 16];
  char *out = NULL;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0) {
    int e = errno;

    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: %s",
        path, g_strerror (e));
    return NULL;
  }
  c = g_checksum_new (G_CHECKSUM_SHA256);
  for (;;) {
    ssize_t n = read (fd, buf, sizeof (buf));

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      int e = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: %s",
          path, g_strerror (e));
      break;
    }
    if (n == 0) {
      out = g_strdup (g_checksum_get_string (c));
      break;
    }
    g_checksum_update (c, buf, n);
  }
  g_checksum_free (c);
  close (fd);
  return out;
}
