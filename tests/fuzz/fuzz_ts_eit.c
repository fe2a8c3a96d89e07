/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the MPEG-TS PAT/PMT/EIT reader (ws-embedded-ts.c)
 * fed with whole transport streams (packets, resynchronisation, section
 * reassembly), with the same bytes as one section (the path ratingtag
 * feeds from tsparse), and as packets for a stream whose programme the
 * PMTs give. Seeds: tests/fuzz/seeds/ts_eit/. */
#include "fuzz_embedded_file.h"

/* The ratings and the end-of-stream warnings, read; @ts freed. */
static void
finish (WsEmbeddedTs *ts, GPtrArray *warnings)
{
  GPtrArray *r = ws_embedded_ts_get_ratings (ts, warnings);

  ws_embedded_ts_finish (ts, warnings);
  fuzz_touch (r, warnings);
  g_ptr_array_unref (r);
  g_ptr_array_unref (warnings);
  ws_embedded_ts_free (ts);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  WsEmbeddedTs *ts;
  GPtrArray *warnings, *r;

  fuzz_whole_file (data, size, ws_embedded_read_ts);

  /* sections one after another, as the bus delivers them */
  ts = ws_embedded_ts_new (fuzz_registry (), size > 0 ? data[0] : -1);
  warnings = g_ptr_array_new_with_free_func (g_free);
  for (size_t off = 0; off < size;) {
    size_t n = off + 3 <= size ?
                   3 + (size_t) ((data[off + 1] & 0x0F) << 8 | data[off + 2]) :
                   size - off;

    n = MIN (n, size - off);
    ws_embedded_ts_push_section (ts, data + off, n);
    off += n;
  }
  finish (ts, warnings);

  /* packets for a stream whose programme is looked up in the PMTs (what
   * ratingtag does after tsdemux), the programme named half way */
  ts = ws_embedded_ts_new (fuzz_registry (), -1);
  warnings = g_ptr_array_new_with_free_func (g_free);
  ws_embedded_ts_set_stream_pid (ts,
      size > 2 ? (data[1] << 8 | data[2]) & 0x1FFF : 0x41);
  ws_embedded_ts_push_packets (ts, data, size / 2);
  r = ws_embedded_ts_get_ratings (ts, warnings);
  g_ptr_array_unref (r);
  ws_embedded_ts_set_service (ts, size > 0 ? data[size - 1] : 1);
  ws_embedded_ts_push_packets (ts, data + size / 2, size - size / 2);
  finish (ts, warnings);
  return 0;
}
