/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the MP4 iTunEXTC reader (ws-embedded-mp4.c) fed with
 * whole files: top-level boxes, moov, udta/meta, keys, ilst ---- and mdta
 * items. Seeds: tests/fuzz/seeds/mp4_ilst/ (FFmpeg and AtomicParsley
 * output). */
#include "fuzz_embedded_file.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_whole_file (data, size, ws_embedded_read_mp4);
  return 0;
}
