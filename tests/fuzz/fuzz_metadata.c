/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for one metadata reader, chosen at build time with
 * -DWS_FUZZ_READER=ws_metadata_read_<format>. The reader is called on the
 * root of any well-formed input, whatever its name, so the fuzzer explores
 * the reader itself; the full dispatch (ws_metadata_read_memory) runs too. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ws-metadata-private.h"

#ifndef WS_FUZZ_READER
#error "define WS_FUZZ_READER"
#endif

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const WsRatingRegistry *
registry (void)
{
  static const WsRatingRegistry *reg;

  if (reg == NULL) {
    GError *error = NULL;

    reg = ws_rating_registry_get_default (&error);
    if (reg == NULL) {
      g_printerr ("fuzz: cannot load rating systems: %s\n", error->message);
      abort ();
    }
  }
  return reg;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const WsRatingRegistry *reg = registry ();
  xmlDoc *doc;
  WsMetadata *md;

  doc = ws_xml_read_memory ((const char *) data, size, "fuzz.xml", NULL);
  if (doc != NULL) {
    GError *error = NULL;

    md = ws_metadata_new_for_reader ("fuzz.xml", WS_METADATA_FORMAT_UNKNOWN);
    (void) WS_FUZZ_READER (md, xmlDocGetRootElement (doc), reg, &error);
    g_clear_error (&error);
    ws_metadata_free (md);
    xmlFreeDoc (doc);

    md = ws_metadata_read_memory ((const char *) data, size, "fuzz.xml", reg,
        &error);
    g_clear_error (&error);
    ws_metadata_free (md);
  }
  return 0;
}
