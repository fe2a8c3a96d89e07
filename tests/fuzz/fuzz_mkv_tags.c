/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the Matroska Tags reader (ws-embedded-mkv.c) fed with
 * whole files: EBML header, Segment, SeekHead, Clusters, Tags, nested
 * SimpleTags. Seeds: tests/fuzz/seeds/mkv_tags/ (mkvpropedit and FFmpeg
 * output). */
#include "fuzz_embedded_file.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_whole_file (data, size, ws_embedded_read_matroska);
  return 0;
}
