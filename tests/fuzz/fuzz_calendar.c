/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the holiday-calendar reader (the files policies
 * reference with <calendar href>), through the same code ws_policy_load()
 * uses: bounded ranges, linear time, no crash on any input. */
#include <stddef.h>
#include <stdint.h>

#include "ws-policy.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  guint n_public = 0, n_school = 0;

  if (ws_policy_calendar_read_memory ((const char *) data, size, "fuzz.xml",
          &n_public, &n_school, &error)) {
    /* a calendar covers at most ten years */
    if (n_public > 3701 || n_school > 3701)
      __builtin_trap ();
  }
  g_clear_error (&error);
  return 0;
}
