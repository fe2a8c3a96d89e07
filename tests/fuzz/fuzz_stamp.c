/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for `watershed stamp` (ws-stamp.h). The first byte picks
 * what is fuzzed:
 * 0: the writers' inputs: byte 1 = number of ratings (0-64), then two bytes
 *    per rating (which rating of the registry, which territory), then the
 *    guidance text of the first rating (any length, any bytes): the
 *    iTunEXTC value and item, and the Matroska Tags;
 * 1: the rest is an MP4 file, stamped with bbfc:15 for GB;
 * 2: the rest is a Matroska file, stamped with bbfc:15 for GB and fsk:16
 *    for DE. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "ws-stamp-private.h"
#include "ws-stamp.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char *const territories[] = { "GB", "DE", "US", "FR", "NL", "AU",
  "IE", "IN", "BR", "JP", "IT", "ES", NULL, "XX" };

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

static const WsRatingDef *
nth_rating (const WsRatingRegistry *reg, guint n)
{
  guint total = 0;

  for (guint i = 0; i < ws_rating_registry_get_n_systems (reg); i++)
    total += ws_rating_system_get_n_ratings (
        ws_rating_registry_get_system (reg, i));
  if (total == 0)
    return NULL;
  n %= total;
  for (guint i = 0; i < ws_rating_registry_get_n_systems (reg); i++) {
    const WsRatingSystem *sys = ws_rating_registry_get_system (reg, i);

    if (n < ws_rating_system_get_n_ratings (sys))
      return ws_rating_system_get_rating (sys, n);
    n -= ws_rating_system_get_n_ratings (sys);
  }
  return NULL;
}

static void
fuzz_writers (const WsRatingRegistry *reg, const uint8_t *data, size_t size)
{
  WsStampRequest req = { reg, NULL, NULL, NULL };
  guint n;
  size_t pos = 1;
  char *value;
  GByteArray *b;

  if (size < 1)
    return;
  n = data[0] % 65;
  req.ratings = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_rating_free);
  for (guint i = 0; i < n && pos + 2 <= size; i++, pos += 2) {
    WsRating *r = ws_rating_new ();

    ws_rating_set_resolved (r, nth_rating (reg, data[pos]));
    r->territory = g_strdup (
        territories[data[pos + 1] % G_N_ELEMENTS (territories)]);
    g_ptr_array_add (req.ratings, r);
  }
  if (req.ratings->len > 0) {
    WsRating *r = g_ptr_array_index (req.ratings, 0);
    char *text = g_strndup ((const char *) data + pos, size - pos);

    ws_rating_add_text (r, NULL, NULL, text);
    g_free (text);
  }
  value = ws_stamp_mp4_itunextc_value (&req, NULL);
  if (value != NULL) {
    g_assert (g_utf8_validate (value, -1, NULL));
    b = ws_stamp_mp4_build_item (value);
    g_assert (b->len > strlen (value));
    g_byte_array_unref (b);
  }
  g_free (value);
  b = ws_stamp_mkv_build_tags (&req, NULL, NULL);
  if (b != NULL)
    g_byte_array_unref (b);
  g_ptr_array_free (req.ratings, TRUE);
}

static void
fuzz_file (const WsRatingRegistry *reg, gboolean mp4, const uint8_t *data,
    size_t size)
{
  static char *in_path;
  WsStampRequest req = { reg, NULL, NULL, NULL };
  int out_fd;
  char *out_path = NULL;

  if (in_path == NULL) {
    int fd = g_file_open_tmp ("ws-fuzz-stamp-XXXXXX", &in_path, NULL);

    if (fd < 0)
      return;
    close (fd);
  }
  if (!g_file_set_contents (in_path, (const char *) data, size, NULL))
    return;
  out_fd = g_file_open_tmp ("ws-fuzz-stamp-out-XXXXXX", &out_path, NULL);
  if (out_fd < 0)
    return;
  req.ratings = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_rating_free);
  {
    WsRating *r = ws_rating_new ();

    ws_rating_set_resolved (r, ws_rating_registry_parse (reg, "bbfc:15", NULL));
    r->territory = g_strdup ("GB");
    g_ptr_array_add (req.ratings, r);
    if (!mp4) {
      r = ws_rating_new ();
      ws_rating_set_resolved (r,
          ws_rating_registry_parse (reg, "fsk:16", NULL));
      r->territory = g_strdup ("DE");
      g_ptr_array_add (req.ratings, r);
    }
  }
  if (mp4)
    ws_stamp_mp4 (in_path, out_fd, &req, NULL);
  else
    ws_stamp_matroska (in_path, out_fd, &req, NULL);
  close (out_fd);
  g_unlink (out_path);
  g_free (out_path);
  g_ptr_array_free (req.ratings, TRUE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const WsRatingRegistry *reg = get_registry ();

  if (size < 1)
    return 0;
  switch (data[0] % 3) {
    case 0:
      fuzz_writers (reg, data + 1, size - 1);
      break;
    case 1:
      fuzz_file (reg, TRUE, data + 1, size - 1);
      break;
    default:
      fuzz_file (reg, FALSE, data + 1, size - 1);
      break;
  }
  ws_stamp_detect_container (data, size);
  return 0;
}
