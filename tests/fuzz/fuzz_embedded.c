/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the embedded-rating parsers (ws-embedded.h). The first
 * byte picks the parser: 0 iTunEXTC, 1 LAW_RATING (COUNTRY, NUL, value),
 * 2 Matroska KEY=VALUE lines, 3 DVB parental_rating_descriptor bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ws-embedded.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const WsRatingRegistry *
get_registry (void)
{
  static const WsRatingRegistry *reg;

  if (reg == NULL) {
    reg = ws_rating_registry_get_default (NULL);
    if (reg == NULL)
      reg = ws_rating_registry_new_empty ();
  }
  return reg;
}

static void
touch (const WsRating *r)
{
  volatile size_t sum = 0;

  if (r == NULL)
    return;
  sum += r->minimum_age;
  if (r->territory != NULL)
    sum += strlen (r->territory);
  if (r->source_code != NULL)
    sum += strlen (r->source_code);
  (void) sum;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const WsRatingRegistry *reg = get_registry ();
  GPtrArray *notes = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *out = NULL;
  char *text, *note = NULL;
  WsRating *r;

  if (size < 1)
    goto done;
  text = g_strndup ((const char *) data + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      r = ws_embedded_parse_itunextc (reg, text, &note, NULL);
      touch (r);
      ws_rating_free (r);
      break;
    case 1: {
      /* COUNTRY NUL VALUE: g_strndup stopped at the first NUL */
      gsize n = strlen (text);
      char *v = g_strndup ((const char *) data + 1 + n + 1,
          size - 1 > n ? size - 1 - n - 1 : 0);

      r = ws_embedded_parse_law_rating (reg, n > 0 ? text : NULL, v, "GB",
          "bbfc", &note, NULL);
      touch (r);
      ws_rating_free (r);
      g_free (v);
      break;
    }
    case 2: {
      char **lines = g_strsplit (text, "\n", 64);

      out = ws_embedded_parse_matroska_tags (reg, (const char *const *) lines,
          g_strv_length (lines), "GB", NULL, notes);
      g_strfreev (lines);
      break;
    }
    default:
      out = ws_embedded_parse_dvb_parental_rating (reg, data + 1, size - 1,
          notes, NULL);
      break;
  }
  if (out != NULL) {
    for (guint i = 0; i < out->len; i++)
      touch (g_ptr_array_index (out, i));
    g_ptr_array_free (out, TRUE);
  }
  g_free (note);
  g_free (text);
done:
  g_ptr_array_free (notes, TRUE);
  return 0;
}
