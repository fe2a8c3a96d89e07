/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the DVB SI writers (ws-dvb-si.h) and the transport
 * stream reader of ws_stamp_mpegts().
 *
 * First byte < 0x80: the section writers. Then: byte 1 the number of
 * territories (mod 65: 0 to 64), byte 2 flags (bit 0 fail-closed mode,
 * bit 1 no start time), then per territory 3 bytes (two letters, any
 * bytes, and a signed age), then NUL-separated strings of any length and
 * bytes: title, guidance text, language, service name, provider name. The
 * sections built must be well formed: at most 4096 bytes, a
 * section_length that matches, a right CRC, TS packets of 188 bytes.
 *
 * First byte >= 0x80: the rest is a transport stream to stamp. */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ws-dvb-si.h"
#include "ws-stamp.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_section (GBytes *b)
{
  gsize len;
  const guint8 *s;
  GByteArray *packets;
  guint8 cc = 0;
  guint n;

  if (b == NULL)
    return;
  s = g_bytes_get_data (b, &len);
  if (len < 12 || len > WS_DVB_SECTION_MAX)
    abort ();
  if ((gsize) (((s[1] & 0x0F) << 8) | s[2]) + 3 != len)
    abort ();
  if (ws_dvb_crc32 (s, len) != 0)
    abort ();
  packets = g_byte_array_new ();
  n = ws_dvb_packetize_section (s, len, WS_DVB_PID_EIT, &cc, packets);
  if (packets->len != n * WS_TS_PACKET_SIZE || n != (len + 1 + 183) / 184)
    abort ();
  g_byte_array_unref (packets);
}

static char *
next_string (const uint8_t **p, const uint8_t *end)
{
  const uint8_t *z;
  char *s;

  if (*p >= end)
    return NULL;
  z = memchr (*p, 0, (size_t) (end - *p));
  if (z == NULL)
    z = end;
  s = g_strndup ((const char *) *p, (gsize) (z - *p));
  *p = z < end ? z + 1 : end;
  return s;
}

static void
writers (const uint8_t *data, size_t size)
{
  const uint8_t *p = data, *end = data + size;
  GPtrArray *ratings = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_rating_free);
  GPtrArray *notes = g_ptr_array_new_with_free_func (g_free);
  guint n, flags;
  char *title, *text, *lang, *service, *provider;
  WsDvbEvent ev = { 0 };
  WsDvbService sv = { 0 };
  GDateTime *start = g_date_time_new_utc (2026, 7, 1, 19, 30, 0);

  if (size < 2)
    goto done;
  n = p[0] % 65;
  flags = p[1];
  p += 2;
  for (guint i = 0; i < n && p + 3 <= end; i++, p += 3) {
    WsRating *r = ws_rating_new ();

    r->territory = g_strndup ((const char *) p, 2);
    r->minimum_age = (gint8) p[2];
    ws_rating_add_text (r, "en", NULL, "x");
    g_ptr_array_add (ratings, r);
  }
  title = next_string (&p, end);
  text = next_string (&p, end);
  lang = next_string (&p, end);
  service = next_string (&p, end);
  provider = next_string (&p, end);

  ev.service_id = 1;
  ev.transport_stream_id = 1;
  ev.original_network_id = 0xFF01;
  ev.version = flags >> 3;
  ev.event_id = 1;
  ev.start = (flags & 2) ? NULL : start;
  ev.duration_s = (gint64) flags * 977 - 1;
  ev.running_status = WS_DVB_RUNNING_RUNNING;
  ev.language = lang;
  ev.title = title;
  ev.text = text;
  ev.ratings = ratings;
  ev.mode = (flags & 1) ? WS_DVB_RATING_FAIL_CLOSED : WS_DVB_RATING_STRICT;
  for (guint sn = 0; sn < 3; sn++) {
    GBytes *b = ws_dvb_build_eit_pf (&ev, sn, notes, NULL);

    check_section (b);
    if (b != NULL)
      g_bytes_unref (b);
  }
  sv.service_id = 1;
  sv.transport_stream_id = 1;
  sv.original_network_id = 0xFF01;
  sv.service_type = 1;
  sv.service_name = service;
  sv.provider_name = provider;
  {
    GBytes *b = ws_dvb_build_sdt (&sv, 1, NULL);

    check_section (b);
    if (b != NULL)
      g_bytes_unref (b);
  }
  g_free (title);
  g_free (text);
  g_free (lang);
  g_free (service);
  g_free (provider);
done:
  g_date_time_unref (start);
  g_ptr_array_unref (ratings);
  g_ptr_array_unref (notes);
}

static char *path;

static void
remove_tmp (void)
{
  if (path != NULL)
    g_unlink (path);
}

static void
stamp (const uint8_t *data, size_t size)
{
  static int null_fd = -1;
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  GPtrArray *ratings = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_rating_free);
  WsRating *r = ws_rating_new ();
  WsStampRequest req = { reg, ratings, "title", "eng" };

  if (path == NULL) {
    int fd = g_file_open_tmp ("fuzz-dvb-si-XXXXXX.ts", &path, NULL);

    if (fd >= 0)
      close (fd);
    atexit (remove_tmp);
    null_fd = open ("/dev/null", O_WRONLY);
  }
  r->territory = g_strdup ("DE");
  r->minimum_age = 16;
  g_ptr_array_add (ratings, r);
  if (path != NULL && null_fd >= 0 &&
      g_file_set_contents (path, (const char *) data, (gssize) size, NULL))
    ws_stamp_mpegts (path, null_fd, &req, NULL);
  g_ptr_array_unref (ratings);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  if (data[0] < 0x80)
    writers (data + 1, size - 1);
  else
    stamp (data + 1, size - 1);
  return 0;
}
