/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for reading as-run logs back (ws-asrun-verify.h): the
 * input is cut into up to four "files" at each 0x00 byte and verified as
 * one chain (header links, lines, checkpoints, torn tails); each line is
 * also given to the flat JSON line parser alone. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ws-asrun-verify.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const gchar *const names[] = { "a.jsonl", "dir/b.jsonl",
    "a.jsonl.20260701T000000Z", "c" };
  const gchar *parts[4];
  gsize lens[4];
  guint n = 0;
  const gchar *p = (const gchar *) data, *end = p + size;
  WsAsRunVerdict *v;

  while (n < 4) {
    const gchar *z = n < 3 ? memchr (p, '\0', (gsize) (end - p)) : NULL;

    parts[n] = p;
    lens[n] = (gsize) ((z != NULL ? z : end) - p);
    n++;
    if (z == NULL)
      break;
    p = z + 1;
  }
  v = ws_asrun_verify_memory (names, parts, lens, n);
  if (!v->whole && (v->file == NULL || v->problem == NULL || v->line == 0))
    __builtin_trap ();
  ws_asrun_verdict_free (v);

  for (const gchar *l = (const gchar *) data; l < end;) {
    const gchar *nl = memchr (l, '\n', (gsize) (end - l));
    gsize len = (gsize) ((nl != NULL ? nl : end) - l);
    WsAsRunLine *line = ws_asrun_line_parse (l, len, NULL);

    if (line != NULL) {
      gint64 i;
      gboolean b;

      ws_asrun_line_get_string (line, "prev");
      ws_asrun_line_get_int (line, "seq", &i);
      ws_asrun_line_get_bool (line, "allowed", &b);
      ws_asrun_line_free (line);
    }
    l += len + 1;
  }
  return 0;
}
