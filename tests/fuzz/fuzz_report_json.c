/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the reader of watershed check's own JSON reports
 * (tools/ws-report-read.c): the parts `watershed report merge` reads from
 * other nodes and the records of --resume. Any bytes: no crash, no leak,
 * what it accepts holds together (every file's place inside the batch,
 * every status one the writers know), and the JUnit, HTML and CSV writers
 * (tools/ws-report*.c) take it as merge gives it to them. */
#include <stddef.h>
#include <stdint.h>

#include "ws-report-read.h"
#include "ws-report.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  WsReportReadPart *part = ws_report_read_part ((const char *) data, size,
      "fuzz.json", &error);

  if (part == NULL) {
    if (error == NULL)
      __builtin_trap ();
    g_error_free (error);
    return 0;
  }
  if (part->shard_index >= part->shard_count)
    __builtin_trap ();
  for (guint i = 0; i < part->files->len; i++) {
    const WsReportReadEntry *e = part->files->pdata[i];
    const WsCheckFile *f = e->file;

    if (e->index < 0 || e->index >= part->files_total || f->path == NULL ||
        (f->status != WS_CHECK_PASS && f->status != WS_CHECK_FAIL &&
            f->status != WS_CHECK_ERROR))
      __builtin_trap ();
    /* the writers look checks up by id: each has one */
    for (guint j = 0; j < f->checks->len; j++)
      if (g_array_index (f->checks, WsCheckItem, j).id == NULL)
        __builtin_trap ();
    if (f->worst_track >= (int) f->audio_tracks->len)
      __builtin_trap ();
  }
  /* what merge does next: the writers take it as a run of their own */
  {
    WsReportEntry *entries = g_new0 (WsReportEntry, part->files->len + 1);
    guint counts[WS_CHECK_ERROR + 1] = { 0 };
    WsCheckOptions opts;
    WsReportRun run = { entries, part->files->len, counts, part->files->len,
      &opts, part->sidecars, "fuzz", "watershed report merge fuzz.json", "fuzz",
      NULL };
    char *text;

    ws_check_options_init (&opts, NULL);
    for (guint i = 0; i < part->files->len; i++) {
      const WsReportReadEntry *e = part->files->pdata[i];

      entries[i].file = e->file;
      entries[i].started_us = e->started_us;
      entries[i].elapsed_s = e->elapsed_s;
      counts[e->file->status]++;
    }
    text = ws_report_junit (&run);
    g_free (text);
    text = ws_report_html (&run);
    g_free (text);
    text = ws_report_csv (&run);
    g_free (text);
    g_free (entries);
  }
  ws_report_read_part_free (part);
  return 0;
}
