/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the schedule reader (watershed format and BXF). */
#include <stddef.h>
#include <stdint.h>

#include "ws-schedule.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  WsSchedule *s = ws_schedule_read_memory ((const char *) data, size,
      "fuzz.xml", NULL);

  if (s != NULL) {
    const WsScheduleEvent *ev = ws_schedule_get_events (s);
    gint64 sum = 0;

    for (gsize i = 0; i < ws_schedule_get_n_events (s); i++)
      sum += ev[i].duration_us + ev[i].line;
    (void) sum;
    ws_schedule_free (s);
  }
  return 0;
}
