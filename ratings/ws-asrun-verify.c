/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: reading as-run logs back (see ws-asrun-verify.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ws-asrun-verify.h"
#include "ws-asrun.h"
#include "ws-error.h"

#include <stdlib.h>
#include <string.h>

/* ---- one line: a flat JSON object ---------------------------------------- */

typedef enum {
  VALUE_NULL,
  VALUE_BOOL,
  VALUE_NUMBER,
  VALUE_STRING,
} ValueType;

typedef struct {
  ValueType type;
  gboolean b;
  gchar *s; /* the string, or the number's text */
} Value;

struct WsAsRunLine {
  GHashTable *members; /* gchar * -> Value * */
};

typedef struct {
  const gchar *p, *start, *end;
  GError **error;
} Parser;

static void
value_free (gpointer data)
{
  Value *v = data;

  g_free (v->s);
  g_free (v);
}

static gboolean
fail (Parser *ps, const gchar *what)
{
  g_set_error (ps->error, WS_ERROR, WS_ERROR_MALFORMED, "byte %u: %s",
      (guint) (ps->p - ps->start) + 1, what);
  return FALSE;
}

static void
skip_ws (Parser *ps)
{
  while (ps->p < ps->end &&
         (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r' || *ps->p == '\n'))
    ps->p++;
}

static gint
hex4 (const gchar *p)
{
  gint v = 0;

  for (int i = 0; i < 4; i++) {
    gint d = g_ascii_xdigit_value (p[i]);

    if (d < 0)
      return -1;
    v = v * 16 + d;
  }
  return v;
}

/* a JSON string at ps->p (the opening quote) into @out */
static gboolean
parse_string (Parser *ps, GString *out)
{
  g_string_truncate (out, 0);
  ps->p++;
  while (ps->p < ps->end && *ps->p != '"') {
    guchar c = (guchar) *ps->p;

    if (c < 0x20)
      return fail (ps, "a control character inside a string");
    if (c != '\\') {
      g_string_append_c (out, (gchar) c);
      ps->p++;
      continue;
    }
    if (ps->end - ps->p < 2)
      return fail (ps, "a string ends inside an escape");
    ps->p++;
    switch (*ps->p) {
      case '"':
      case '\\':
      case '/':
        g_string_append_c (out, *ps->p);
        break;
      case 'b':
        g_string_append_c (out, '\b');
        break;
      case 'f':
        g_string_append_c (out, '\f');
        break;
      case 'n':
        g_string_append_c (out, '\n');
        break;
      case 'r':
        g_string_append_c (out, '\r');
        break;
      case 't':
        g_string_append_c (out, '\t');
        break;
      case 'u': {
        gint u, lo;

        if (ps->end - ps->p < 5 || (u = hex4 (ps->p + 1)) < 0)
          return fail (ps, "a \\u escape without four hex digits");
        ps->p += 4;
        if (u >= 0xdc00 && u <= 0xdfff)
          return fail (ps, "a lone low surrogate");
        if (u >= 0xd800 && u <= 0xdbff) {
          if (ps->end - ps->p < 7 || ps->p[1] != '\\' || ps->p[2] != 'u' ||
              (lo = hex4 (ps->p + 3)) < 0xdc00 || lo > 0xdfff)
            return fail (ps, "a high surrogate without its low one");
          ps->p += 6;
          u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
        }
        if (u == 0)
          return fail (ps, "a NUL character (\\u0000) in a string");
        g_string_append_unichar (out, (gunichar) u);
        break;
      }
      default:
        return fail (ps, "an unknown escape in a string");
    }
    ps->p++;
  }
  if (ps->p >= ps->end)
    return fail (ps, "a string without its closing quote");
  ps->p++;
  if (memchr (out->str, '\0', out->len) != NULL ||
      !g_utf8_validate (out->str, (gssize) out->len, NULL))
    return fail (ps, "a string that is not UTF-8");
  return TRUE;
}

static gboolean
parse_number (Parser *ps, Value *v)
{
  const gchar *s = ps->p;

  if (ps->p < ps->end && *ps->p == '-')
    ps->p++;
  if (ps->p >= ps->end || !g_ascii_isdigit (*ps->p))
    return fail (ps, "not a value");
  if (*ps->p == '0')
    ps->p++;
  else
    while (ps->p < ps->end && g_ascii_isdigit (*ps->p))
      ps->p++;
  if (ps->p < ps->end && *ps->p == '.') {
    ps->p++;
    if (ps->p >= ps->end || !g_ascii_isdigit (*ps->p))
      return fail (ps, "a number without digits after its point");
    while (ps->p < ps->end && g_ascii_isdigit (*ps->p))
      ps->p++;
  }
  if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
    ps->p++;
    if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
      ps->p++;
    if (ps->p >= ps->end || !g_ascii_isdigit (*ps->p))
      return fail (ps, "a number without exponent digits");
    while (ps->p < ps->end && g_ascii_isdigit (*ps->p))
      ps->p++;
  }
  v->type = VALUE_NUMBER;
  v->s = g_strndup (s, (gsize) (ps->p - s));
  return TRUE;
}

static gboolean
literal (Parser *ps, const gchar *word)
{
  gsize n = strlen (word);

  if ((gsize) (ps->end - ps->p) < n || memcmp (ps->p, word, n) != 0)
    return FALSE;
  ps->p += n;
  return TRUE;
}

static gboolean
parse_value (Parser *ps, Value *v, GString *tmp)
{
  if (ps->p >= ps->end)
    return fail (ps, "a member without its value");
  switch (*ps->p) {
    case '"':
      if (!parse_string (ps, tmp))
        return FALSE;
      v->type = VALUE_STRING;
      v->s = g_strndup (tmp->str, tmp->len);
      return TRUE;
    case '{':
    case '[':
      return fail (ps, "a nested object or array (as-run lines are flat)");
    case 't':
    case 'f':
      v->type = VALUE_BOOL;
      v->b = *ps->p == 't';
      if (literal (ps, v->b ? "true" : "false"))
        return TRUE;
      return fail (ps, "not a value");
    case 'n':
      v->type = VALUE_NULL;
      if (literal (ps, "null"))
        return TRUE;
      return fail (ps, "not a value");
    default:
      return parse_number (ps, v);
  }
}

WsAsRunLine *
ws_asrun_line_parse (const gchar *text, gsize len, GError **error)
{
  Parser ps = { text, text, text + len, error };
  WsAsRunLine *line = g_new0 (WsAsRunLine, 1);
  GString *key = g_string_new (NULL), *tmp = g_string_new (NULL);
  gboolean ok = FALSE;

  g_return_val_if_fail (text != NULL || len == 0, NULL);

  line->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      value_free);
  skip_ws (&ps);
  if (ps.p >= ps.end || *ps.p != '{') {
    fail (&ps, "not a JSON object");
    goto end;
  }
  ps.p++;
  skip_ws (&ps);
  if (ps.p < ps.end && *ps.p == '}') {
    ps.p++;
  } else {
    for (;;) {
      Value *v;

      skip_ws (&ps);
      if (ps.p >= ps.end || *ps.p != '"') {
        fail (&ps, "a member name was expected");
        goto end;
      }
      if (!parse_string (&ps, key))
        goto end;
      skip_ws (&ps);
      if (ps.p >= ps.end || *ps.p != ':') {
        fail (&ps, "':' was expected after a member name");
        goto end;
      }
      ps.p++;
      skip_ws (&ps);
      v = g_new0 (Value, 1);
      if (!parse_value (&ps, v, tmp)) {
        value_free (v);
        goto end;
      }
      if (g_hash_table_contains (line->members, key->str)) {
        value_free (v);
        fail (&ps, "a member name given twice");
        goto end;
      }
      g_hash_table_insert (line->members, g_strndup (key->str, key->len), v);
      skip_ws (&ps);
      if (ps.p < ps.end && *ps.p == ',') {
        ps.p++;
        continue;
      }
      if (ps.p < ps.end && *ps.p == '}') {
        ps.p++;
        break;
      }
      fail (&ps, "',' or '}' was expected");
      goto end;
    }
  }
  skip_ws (&ps);
  if (ps.p != ps.end) {
    fail (&ps, "text after the object");
    goto end;
  }
  ok = TRUE;
end:
  g_string_free (key, TRUE);
  g_string_free (tmp, TRUE);
  if (!ok) {
    ws_asrun_line_free (line);
    return NULL;
  }
  return line;
}

void
ws_asrun_line_free (WsAsRunLine *line)
{
  if (line == NULL)
    return;
  g_hash_table_unref (line->members);
  g_free (line);
}

gboolean
ws_asrun_line_has (const WsAsRunLine *line, const gchar *key)
{
  g_return_val_if_fail (line != NULL && key != NULL, FALSE);
  return g_hash_table_contains (line->members, key);
}

const gchar *
ws_asrun_line_get_string (const WsAsRunLine *line, const gchar *key)
{
  const Value *v;

  g_return_val_if_fail (line != NULL && key != NULL, NULL);
  v = g_hash_table_lookup (line->members, key);
  return v != NULL && v->type == VALUE_STRING ? v->s : NULL;
}

gboolean
ws_asrun_line_get_int (const WsAsRunLine *line, const gchar *key, gint64 *out)
{
  const Value *v;
  gint64 n;

  g_return_val_if_fail (line != NULL && key != NULL && out != NULL, FALSE);
  v = g_hash_table_lookup (line->members, key);
  if (v == NULL || v->type != VALUE_NUMBER ||
      !g_ascii_string_to_signed (v->s, 10, G_MININT64, G_MAXINT64, &n, NULL))
    return FALSE;
  *out = n;
  return TRUE;
}

gboolean
ws_asrun_line_get_bool (const WsAsRunLine *line, const gchar *key,
    gboolean *out)
{
  const Value *v;

  g_return_val_if_fail (line != NULL && key != NULL && out != NULL, FALSE);
  v = g_hash_table_lookup (line->members, key);
  if (v == NULL || v->type != VALUE_BOOL)
    return FALSE;
  *out = v->b;
  return TRUE;
}

/* ---- one file ------------------------------------------------------------ */

typedef struct {
  gchar hash[WS_ASRUN_HASH_LEN + 1];
  gint64 seq;  /* -1 when absent */
  gchar *prev; /* NULL when absent or null */
  gboolean parsed;
  gchar *parse_error;
  gsize offset; /* of its first byte */
  gsize len;    /* with its newline */
  /* checkpoint members, when it is one */
  gboolean checkpoint;
  gint64 ck_lines, ck_bytes;
  gchar *ck_sha;
} LineInfo;

typedef struct {
  const gchar *name;
  gchar *base;
  guint n_lines; /* complete */
  LineInfo *lines;
  gsize torn_bytes;
  /* the header: line 1, or after lines written before the chain */
  guint header_line;  /* 0 when none */
  guint legacy_lines; /* lines before it, not chained */
  gboolean header_ok;
  gchar *chain; /* the chain id: the first file's nonce */
  gchar *prev;  /* the previous file's last hash, NULL for the first */
  gchar *prev_file;
  gint64 prev_lines;
  gchar *created;
  /* the first break inside the file */
  guint bad_line;
  gchar *problem;
  /* links */
  gint next, before; /* indexes, -1 when none */
  gboolean placed;
} FileInfo;

static gboolean
is_hash (const gchar *s, gsize n)
{
  if (s == NULL || strlen (s) != n)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isxdigit (s[i]) || g_ascii_isupper (s[i]))
      return FALSE;
  return TRUE;
}

static void
set_bad (FileInfo *f, guint line, gchar *problem)
{
  if (f->bad_line == 0) {
    f->bad_line = line;
    f->problem = problem;
  } else {
    g_free (problem);
  }
}

static void
scan_lines (FileInfo *f, const gchar *data, gsize len)
{
  GArray *lines = g_array_new (FALSE, TRUE, sizeof (LineInfo));
  gsize at = 0;

  while (at < len) {
    const gchar *nl = memchr (data + at, '\n', len - at);
    LineInfo li = { .seq = -1, .offset = at, .ck_lines = -1, .ck_bytes = -1 };
    WsAsRunLine *pl;
    GError *err = NULL;
    gchar *h;
    gsize n;

    if (nl == NULL) {
      f->torn_bytes = len - at;
      break;
    }
    n = (gsize) (nl - (data + at));
    h = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
        (const guchar *) data + at, n + 1);
    g_strlcpy (li.hash, h, sizeof li.hash);
    g_free (h);
    li.len = n + 1;
    pl = ws_asrun_line_parse (data + at, n, &err);
    if (pl != NULL) {
      li.parsed = TRUE;
      if (!ws_asrun_line_get_int (pl, "seq", &li.seq))
        li.seq = -1;
      li.prev = g_strdup (ws_asrun_line_get_string (pl, "prev"));
      if (ws_asrun_line_get_string (pl, "checkpoint") != NULL) {
        li.checkpoint = TRUE;
        ws_asrun_line_get_int (pl, "lines", &li.ck_lines);
        ws_asrun_line_get_int (pl, "bytes", &li.ck_bytes);
        li.ck_sha = g_strdup (ws_asrun_line_get_string (pl, "sha256"));
      }
      if (f->header_line == 0 && ws_asrun_line_has (pl, "asrun_header")) {
        gint64 version = 0;
        const gchar *fmt = ws_asrun_line_get_string (pl, "asrun_header");
        const gchar *nonce = ws_asrun_line_get_string (pl, "nonce");
        const gchar *chain = ws_asrun_line_get_string (pl, "chain");

        f->header_ok = fmt != NULL && !strcmp (fmt, WS_ASRUN_FORMAT) &&
                       ws_asrun_line_get_int (pl, "version", &version) &&
                       version == WS_ASRUN_VERSION && is_hash (nonce, 32) &&
                       is_hash (chain, 32) &&
                       li.seq == (gint64) lines->len + 1 &&
                       (li.prev == NULL || is_hash (li.prev, 64));
        f->header_line = lines->len + 1;
        if (f->header_ok) {
          f->chain = g_strdup (chain);
          f->prev = g_strdup (li.prev);
          f->prev_file = g_strdup (ws_asrun_line_get_string (pl, "prev_file"));
          if (!ws_asrun_line_get_int (pl, "prev_lines", &f->prev_lines))
            f->prev_lines = -1;
          f->created = g_strdup (ws_asrun_line_get_string (pl, "created"));
        }
      }
      ws_asrun_line_free (pl);
    } else {
      li.parse_error = g_strdup (err->message);
      g_error_free (err);
    }
    g_array_append_val (lines, li);
    at += n + 1;
  }
  f->n_lines = lines->len;
  f->lines = (LineInfo *) (gpointer) g_array_free (lines, FALSE);
}

/* the first break inside the file */
static void
check_file (FileInfo *f, const gchar *data)
{
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);

  for (guint i = 0; i < f->n_lines && f->bad_line == 0; i++) {
    LineInfo *li = &f->lines[i];
    guint no = i + 1;

    if (!li->parsed) {
      set_bad (f, no,
          g_strdup_printf ("line %u is not one JSON object (%s): it was "
                           "edited, or bytes were cut or inserted",
              no, li->parse_error));
      break;
    }
    if (f->header_line == 0 || no < f->header_line) {
      /* lines of a log written before the chain existed carry no chain
       * members; any other line here means the header was removed */
      if (f->header_line == 0 || li->seq >= 0 || li->prev != NULL) {
        set_bad (f, no,
            g_strdup_printf ("line %u comes before any as-run chain header "
                             "(format \"" WS_ASRUN_FORMAT "\"): the start "
                             "of the file was edited or removed, or it is not "
                             "a chained as-run log",
                no));
        break;
      }
      f->legacy_lines = no;
    } else if (no == f->header_line) {
      if (!f->header_ok)
        set_bad (f, no,
            g_strdup_printf ("line %u is not a valid as-run chain header "
                             "(version 1, nonce, chain, seq): it was edited",
                no));
    } else if (li->seq < 0 || li->prev == NULL || !is_hash (li->prev, 64)) {
      set_bad (f, no,
          g_strdup_printf ("line %u carries no chain members (seq, prev): it "
                           "was inserted or edited",
              no));
    } else if (li->seq != (gint64) no) {
      guint holder = 0;

      for (guint m = i + 1; m < f->n_lines && holder == 0; m++)
        if (f->lines[m].seq == (gint64) no)
          holder = m + 1;
      if (li->seq > (gint64) no && holder == 0)
        set_bad (f, no,
            g_strdup_printf ("line %u is line %" G_GINT64_FORMAT
                             " of the chain: %" G_GINT64_FORMAT " line(s) "
                             "before it were removed",
                no, li->seq, li->seq - (gint64) no));
      else
        set_bad (f, no,
            g_strdup_printf ("line %u is line %" G_GINT64_FORMAT " of the "
                             "chain: lines were reordered or copied%s",
                no, li->seq,
                holder ? " (its place is taken further down)" : ""));
    } else if (strcmp (li->prev, f->lines[i - 1].hash) != 0) {
      gboolean next_breaks = i + 1 < f->n_lines && f->lines[i + 1].parsed &&
                             f->lines[i + 1].prev != NULL &&
                             strcmp (f->lines[i + 1].prev, li->hash) != 0;

      if (next_breaks)
        set_bad (f, no,
            g_strdup_printf ("line %u was changed after it was written (it "
                             "does not carry the hash of line %u, and line "
                             "%u does not carry its hash)",
                no, no - 1, no + 1));
      else
        set_bad (f, no - 1,
            g_strdup_printf ("line %u was changed after it was written: line "
                             "%u carries the hash of another text",
                no - 1, no));
    } else if (li->checkpoint) {
      GChecksum *copy = g_checksum_copy (sum);

      if (li->ck_lines != (gint64) i || li->ck_bytes != (gint64) li->offset ||
          li->ck_sha == NULL ||
          strcmp (li->ck_sha, g_checksum_get_string (copy)) != 0)
        set_bad (f, no,
            g_strdup_printf ("the checkpoint at line %u does not match the %u "
                             "lines before it: they were changed",
                no, i));
      g_checksum_free (copy);
    }
    g_checksum_update (sum, (const guchar *) data + li->offset,
        (gssize) li->len);
  }
  g_checksum_free (sum);
}

/* ---- the chain over files ------------------------------------------------- */

static void
file_info_clear (FileInfo *f)
{
  for (guint i = 0; i < f->n_lines; i++) {
    g_free (f->lines[i].prev);
    g_free (f->lines[i].parse_error);
    g_free (f->lines[i].ck_sha);
  }
  g_free (f->lines);
  g_free (f->base);
  g_free (f->chain);
  g_free (f->prev);
  g_free (f->prev_file);
  g_free (f->created);
  g_free (f->problem);
}

static const gchar *
last_hash (const FileInfo *f)
{
  return f->n_lines > 0 ? f->lines[f->n_lines - 1].hash : "";
}

void
ws_asrun_verdict_free (WsAsRunVerdict *v)
{
  if (v == NULL)
    return;
  g_free (v->file);
  g_free (v->problem);
  g_ptr_array_unref (v->notes);
  g_ptr_array_unref (v->files);
  g_free (v);
}

/* the starts first: a chain's first file (no prev) before one that
 * continues from a file not given; then by creation time and name */
static gint
compare_starts (gconstpointer a, gconstpointer b, gpointer data)
{
  const FileInfo *files = data;
  const FileInfo *fa = &files[*(const guint *) a];
  const FileInfo *fb = &files[*(const guint *) b];
  gint c = (fa->prev != NULL) - (fb->prev != NULL);

  if (c == 0)
    c = g_strcmp0 (fa->created, fb->created);
  if (c == 0)
    c = g_strcmp0 (fa->name, fb->name);
  return c;
}

/* the file named @base among the given ones of @chain, or -1 */
static gint
find_by_name (FileInfo *files, guint n, const gchar *base, const gchar *chain)
{
  for (guint i = 0; base != NULL && i < n; i++)
    if (!strcmp (files[i].base, base) && g_strcmp0 (files[i].chain, chain) == 0)
      return (gint) i;
  return -1;
}

/* TRUE when a line of @files hashes to @anchor, or a checkpoint records
 * it as the hash of the bytes before it */
static gboolean
anchor_found (const FileInfo *files, guint n, const gchar *anchor)
{
  for (guint i = 0; i < n; i++)
    for (guint k = 0; k < files[i].n_lines; k++)
      if (g_ascii_strcasecmp (files[i].lines[k].hash, anchor) == 0 ||
          (files[i].lines[k].ck_sha != NULL &&
              g_ascii_strcasecmp (files[i].lines[k].ck_sha, anchor) == 0))
        return TRUE;
  return FALSE;
}

static WsAsRunVerdict *
verify_blobs (const gchar *const *names, const gchar *const *data,
    const gsize *lens, guint n, const gchar *const *anchors)
{
  WsAsRunVerdict *v = g_new0 (WsAsRunVerdict, 1);
  FileInfo *files = g_new0 (FileInfo, n);
  GArray *starts = g_array_new (FALSE, FALSE, sizeof (guint));
  GArray *order = g_array_new (FALSE, FALSE, sizeof (guint));

  v->notes = g_ptr_array_new_with_free_func (g_free);
  v->files = g_ptr_array_new_with_free_func (g_free);
  v->whole = TRUE;

  for (guint i = 0; i < n; i++) {
    files[i].name = names[i];
    files[i].base = g_path_get_basename (names[i]);
    files[i].next = files[i].before = -1;
    scan_lines (&files[i], data[i], lens[i]);
    check_file (&files[i], data[i]);
  }
  /* links: B follows A when B's header carries A's last hash */
  for (guint b = 0; b < n; b++) {
    if (!files[b].header_ok || files[b].prev == NULL)
      continue;
    for (guint a = 0; a < n; a++) {
      if (a != b && files[a].next < 0 && files[a].torn_bytes == 0 &&
          files[a].n_lines > 0 &&
          !strcmp (last_hash (&files[a]), files[b].prev) &&
          g_strcmp0 (files[a].chain, files[b].chain) == 0) {
        files[a].next = (gint) b;
        files[b].before = (gint) a;
        break;
      }
    }
  }
  for (guint i = 0; i < n; i++)
    if (files[i].before < 0)
      g_array_append_val (starts, i);
  g_array_sort_with_data (starts, compare_starts, files);
  for (guint s = 0; s < starts->len; s++) {
    for (gint i = g_array_index (starts, guint, s); i >= 0 && !files[i].placed;
         i = files[i].next) {
      files[i].placed = TRUE;
      g_array_append_val (order, i);
    }
  }
  for (guint i = 0; i < n; i++) {
    /* a loop of links (copied files): placed last */
    if (!files[i].placed) {
      files[i].placed = TRUE;
      g_array_append_val (order, i);
      set_bad (&files[i], 1,
          g_strdup ("this file's header links into a loop of files (a file "
                    "was copied over another)"));
    }
  }

  /* breaks between files: a file that does not start where the one before
   * it ended */
  for (guint s = 0; s < starts->len; s++) {
    guint b = g_array_index (starts, guint, s);
    FileInfo *fb = &files[b];
    gint a;
    gboolean other_piece = FALSE;

    if (!fb->header_ok || fb->prev == NULL)
      continue;
    a = find_by_name (files, n, fb->prev_file, fb->chain);
    if (a >= 0 && (guint) a != b) {
      FileInfo *fa = &files[a];
      guint at = fa->n_lines;

      if (fb->prev_lines >= 0 && (guint64) fb->prev_lines > fa->n_lines)
        at = fa->n_lines + 1;
      set_bad (fa, at,
          g_strdup_printf ("the file ends at line %u%s, but %s, which follows "
                           "it, says it ended at line %" G_GINT64_FORMAT
                           " with another last line: its end was cut "
                           "(truncated) or changed",
              fa->n_lines, fa->torn_bytes ? " and an incomplete line" : "",
              fb->base, fb->prev_lines));
      continue;
    }
    for (guint o = 0; o < starts->len; o++) {
      guint other = g_array_index (starts, guint, o);

      if (other != b && g_strcmp0 (files[other].chain, fb->chain) == 0)
        other_piece = TRUE;
    }
    if (other_piece)
      set_bad (fb, 1,
          g_strdup_printf ("the chain breaks before this file: it continues "
                           "from %s (%" G_GINT64_FORMAT " lines), which is "
                           "not among the files given: a file was removed",
              fb->prev_file ? fb->prev_file : "a file not named",
              fb->prev_lines));
    else
      g_ptr_array_add (v->notes,
          g_strdup_printf ("%s:1: continues from %s (%" G_GINT64_FORMAT
                           " lines), not given: verified from here on",
              fb->name, fb->prev_file ? fb->prev_file : "a file not named",
              fb->prev_lines));
  }
  /* a torn line ends a chain only at its last file */
  for (guint i = 0; i < n; i++) {
    FileInfo *f = &files[i];

    if (f->torn_bytes == 0)
      continue;
    /* a later file that says where this one ended named the cut above */
    if (f->bad_line == 0)
      g_ptr_array_add (v->notes,
          g_strdup_printf ("%s:%u: torn tail: the last line is incomplete "
                           "(%" G_GSIZE_FORMAT " bytes, no newline): the "
                           "writer stopped mid-line (a crash or power cut); "
                           "it is not part of the chain",
              f->name, f->n_lines + 1, f->torn_bytes));
  }

  for (guint k = 0; k < order->len; k++) {
    FileInfo *f = &files[g_array_index (order, guint, k)];

    if (f->legacy_lines > 0 && f->bad_line == 0)
      g_ptr_array_add (v->notes,
          g_strdup_printf ("%s:1-%u: written before the hash chain (no "
                           "header, no hashes): not verified",
              f->name, f->legacy_lines));

    g_ptr_array_add (v->files, g_strdup (f->name));
    v->n_lines += f->n_lines;
    if (v->whole && f->bad_line != 0) {
      v->whole = FALSE;
      v->file = g_strdup (f->name);
      v->line = f->bad_line;
      v->problem = g_strdup (f->problem);
    }
  }
  if (order->len > 0)
    g_strlcpy (v->last_hash,
        last_hash (&files[g_array_index (order, guint, order->len - 1)]),
        sizeof v->last_hash);
  /* hashes noted elsewhere earlier: the chain must still hold them */
  for (const gchar *const *a = anchors; v->whole && a != NULL && *a != NULL;
       a++) {
    if (order->len > 0 && !anchor_found (files, n, *a)) {
      const FileInfo
          *last = &files[g_array_index (order, guint, order->len - 1)];

      v->whole = FALSE;
      v->file = g_strdup (last->name);
      v->line = MAX (last->n_lines, 1);
      v->problem = g_strdup_printf ("no line (or checkpoint) of the chain "
                                    "has the hash %s noted earlier: lines "
                                    "were cut from the end, or changed, "
                                    "after it was noted",
          *a);
    }
  }

  for (guint i = 0; i < n; i++)
    file_info_clear (&files[i]);
  g_free (files);
  g_array_unref (starts);
  g_array_unref (order);
  return v;
}

WsAsRunVerdict *
ws_asrun_verify_memory (const gchar *const *names, const gchar *const *data,
    const gsize *lens, guint n)
{
  return verify_blobs (names, data, lens, n, NULL);
}

WsAsRunVerdict *
ws_asrun_verify_files (const gchar *const *paths, GError **error)
{
  return ws_asrun_verify_files_anchored (paths, NULL, error);
}

WsAsRunVerdict *
ws_asrun_verify_files_anchored (const gchar *const *paths,
    const gchar *const *anchors, GError **error)
{
  guint n = paths != NULL ? g_strv_length ((gchar **) paths) : 0;
  gchar **data;
  gsize *lens;
  WsAsRunVerdict *v = NULL;
  guint read = 0;

  if (n == 0) {
    g_set_error (error, WS_ERROR, WS_ERROR_ARGUMENT, "no as-run log given");
    return NULL;
  }
  data = g_new0 (gchar *, n + 1);
  lens = g_new0 (gsize, n);
  for (; read < n; read++) {
    GError *err = NULL;

    if (!g_file_get_contents (paths[read], &data[read], &lens[read], &err)) {
      g_set_error (error, WS_ERROR, WS_ERROR_IO, "%s: cannot read: %s",
          paths[read], err->message);
      g_error_free (err);
      goto end;
    }
  }
  v = verify_blobs (paths, (const gchar *const *) data, lens, n, anchors);
end:
  g_strfreev (data);
  g_free (lens);
  return v;
}
