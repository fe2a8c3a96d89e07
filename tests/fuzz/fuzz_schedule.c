/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the schedule reader: both formats it reads (the
 * watershed schedule format and SMPTE ST 2021 BXF, recognised from the
 * root) through the guarded push parser, fed in one piece; then what a
 * schedule check does with the result (local-time conversion, warnings).
 * The shared xs:duration and ISO 8601 parsers are also fed the raw bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ws-schedule.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static GTimeZone *london;
  WsSchedule *s;
  char *text;
  gint64 us;
  gboolean zone;

  if (london == NULL)
    london = g_time_zone_new_identifier ("Europe/London");

  s = ws_schedule_read_memory ((const char *) data, size, "fuzz.xml", NULL);
  if (s != NULL) {
    const WsScheduleEvent *ev = ws_schedule_get_events (s);
    const GPtrArray *w = ws_schedule_get_warnings (s);
    gint64 sum = 0;

    for (gsize i = 0; i < ws_schedule_get_n_events (s); i++) {
      sum += ev[i].duration_us + ev[i].line;
      if (ev[i].start_is_local && london != NULL)
        sum += ws_schedule_local_to_utc (london, ev[i].start_us);
      if (ev[i].rating != NULL)
        sum += (gint64) strlen (ev[i].rating);
    }
    for (guint i = 0; i < w->len; i++) {
      const WsMetadataWarning *x = g_ptr_array_index (w, i);

      sum += (gint64) strlen (x->message) + x->line;
    }
    (void) sum;
    (void) ws_schedule_format_to_string (ws_schedule_get_format (s));
    ws_schedule_free (s);
  }

  /* the shared parsers on the same bytes, as a string */
  text = g_strndup ((const char *) data, MIN (size, 256));
  (void) ws_parse_duration_us (text, &us);
  (void) ws_parse_iso8601_us (text, &us, &zone);
  g_free (text);
  return 0;
}
