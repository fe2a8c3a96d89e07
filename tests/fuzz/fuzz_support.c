/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the support-file reader (ratings/ws-support.c) and
 * the lookups over what it loaded. */
#include <stddef.h>
#include <stdint.h>

#include "ws-support.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const WsRatingRegistry *reg;
  static const char *const territories[] = { "GB", "de", "NLD", "XX" };
  GError *error = NULL;
  WsSupportDirectory *dir;
  WsRating *r;
  char **topics, **all;

  if (reg == NULL)
    reg = ws_rating_registry_get_default (NULL);
  dir = ws_support_directory_new_memory ((const char *) data, size, "fuzz.xml",
      &error);
  g_clear_error (&error);
  if (dir == NULL)
    return 0;

  r = ws_rating_new ();
  r->system = g_strdup ("bbfc");
  r->code = g_strdup ("18");
  g_ptr_array_add (r->descriptors, g_strdup ("drugs"));
  g_ptr_array_add (r->descriptors, g_strdup ("sexual threat"));
  g_ptr_array_add (r->support_topics, g_strdup ("suicide-self-harm"));
  topics = ws_support_topics_for_rating (dir, reg, r);
  all = ws_support_directory_list_topics (dir);
  for (gsize i = 0; i < G_N_ELEMENTS (territories); i++) {
    GPtrArray *hl = ws_support_lookup (dir, territories[i],
        (const char *const *) topics);
    GPtrArray *hl2 = ws_support_lookup (dir, territories[i],
        (const char *const *) all);
    char **missing = ws_support_missing_topics (dir, territories[i],
        (const char *const *) all);

    g_ptr_array_unref (hl);
    g_ptr_array_unref (hl2);
    g_strfreev (missing);
    (void) ws_support_directory_get_territory_file (dir, territories[i]);
  }
  g_strfreev (ws_support_directory_list_territories (dir));
  g_strfreev (ws_support_directory_list_mapped_topics (dir));
  (void) ws_support_topic_get_label (dir, "abuse");
  g_strfreev (all);
  g_strfreev (topics);
  ws_rating_free (r);
  ws_support_directory_free (dir);
  return 0;
}
