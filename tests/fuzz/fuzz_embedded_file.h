/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared by the whole-file fuzz targets (fuzz_mkv_tags.c, fuzz_mp4_ilst.c,
 * fuzz_ts_eit.c): the registry, a memory source, touching every result. */
#ifndef WS_TESTS_FUZZ_EMBEDDED_FILE_H
#define WS_TESTS_FUZZ_EMBEDDED_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ws-embedded-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const WsRatingRegistry *
fuzz_registry (void)
{
  static const WsRatingRegistry *reg;

  if (reg == NULL) {
    reg = ws_rating_registry_get_default (NULL);
    if (reg == NULL)
      reg = ws_rating_registry_new_empty ();
  }
  return reg;
}

typedef struct {
  const uint8_t *data;
  size_t size;
} FuzzInput;

static gssize
fuzz_read (gpointer user_data, guint64 offset, guint8 *buf, gsize len)
{
  const FuzzInput *in = user_data;

  if (offset >= in->size)
    return 0;
  len = (gsize) MIN ((guint64) len, in->size - offset);
  memcpy (buf, in->data + offset, len);
  return (gssize) len;
}

static void
fuzz_touch (GPtrArray *ratings, GPtrArray *warnings)
{
  volatile size_t sum = 0;

  for (guint i = 0; i < ratings->len; i++) {
    const WsRating *r = ratings->pdata[i];

    sum += (size_t) r->minimum_age;
    if (r->territory != NULL)
      sum += strlen (r->territory);
    if (r->source_code != NULL)
      sum += strlen (r->source_code);
  }
  for (guint i = 0; i < warnings->len; i++)
    sum += strlen (warnings->pdata[i]);
  (void) sum;
}

/* Runs one container reader on the whole input, as if it had been
 * recognised, then the public entry point (which sniffs). */
static void
fuzz_whole_file (const uint8_t *data, size_t size,
    void (*reader) (WsByteReader *, const WsRatingRegistry *,
        const WsEmbeddedOptions *, GPtrArray *, GPtrArray *))
{
  static const char *const territories[] = { "GB", "DE", "US", NULL };
  FuzzInput in = { data, size };
  WsByteReader br = { 0 };
  WsEmbeddedOptions opts;
  GPtrArray *ratings = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_rating_free);
  GPtrArray *warnings = g_ptr_array_new_with_free_func (g_free);
  WsEmbeddedResult *res;

  ws_embedded_options_init (&opts);
  opts.territories = territories;
  br.read = fuzz_read;
  br.user_data = &in;
  br.size = size;
  reader (&br, fuzz_registry (), &opts, ratings, warnings);
  ws_rating_resolve_conflicts (ratings, warnings);
  fuzz_touch (ratings, warnings);
  g_free (br.cache);
  g_ptr_array_unref (ratings);
  g_ptr_array_unref (warnings);

  res = ws_embedded_read_memory (fuzz_registry (), data, size, &opts);
  fuzz_touch (res->ratings, res->warnings);
  ws_embedded_result_free (res);
}

#endif /* WS_TESTS_FUZZ_EMBEDDED_FILE_H */
