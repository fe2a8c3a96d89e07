/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: a small, independent MPEG-TS section reader for the tests of
 * the EIT/SDT writers (header-only; GLib only). It is deliberately written
 * apart from ratings/ws-stamp-ts.c so the tests do not check the writer
 * with its own reading. */
#ifndef WS_TESTS_WS_TEST_TS_H
#define WS_TESTS_WS_TEST_TS_H

#include <glib.h>
#include <string.h>

/** MPEG-2 CRC32, bit by bit (ISO/IEC 13818-1 annex A); a whole section
 * with its CRC gives 0. */
static inline guint32
ws_test_crc32 (const guint8 *data, gsize len)
{
  guint32 crc = 0xFFFFFFFFu;

  for (gsize i = 0; i < len; i++) {
    crc ^= (guint32) data[i] << 24;
    for (int k = 0; k < 8; k++)
      crc = (crc & 0x80000000u) ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
  }
  return crc;
}

/**
 * WsTestSection:
 * @data, @len: the whole section.
 * @pcr_s: the last PCR (any PID) before the section's first packet, in
 *   seconds; -1 when none came before it.
 * @packet: index of the section's first packet in the file.
 */
typedef struct {
  guint8 *data;
  gsize len;
  double pcr_s;
  guint64 packet;
} WsTestSection;

static inline void
ws_test_section_free (gpointer p)
{
  WsTestSection *s = p;

  g_free (s->data);
  g_free (s);
}

/**
 * WsTestTs:
 * @sections: (element-type WsTestSection): the sections on the PID asked
 *   for, in order, CRC not checked (the test does).
 * @cc_errors: packets on that PID whose continuity_counter did not follow.
 * @packets: packets on that PID.
 * @first_pcr_s, @last_pcr_s: the first and last PCR of the file (-1 none).
 */
typedef struct {
  GPtrArray *sections;
  guint cc_errors;
  guint packets;
  double first_pcr_s;
  double last_pcr_s;
} WsTestTs;

static inline void
ws_test_ts_free (WsTestTs *ts)
{
  if (ts == NULL)
    return;
  g_ptr_array_unref (ts->sections);
  g_free (ts);
}

/** Reads the sections of @pid in the 188-byte TS @path; NULL if unreadable. */
static inline WsTestTs *
ws_test_ts_read (const char *path, guint pid)
{
  gchar *buf = NULL;
  gsize size = 0;
  WsTestTs *ts;
  GByteArray *cur = g_byte_array_new ();
  gboolean active = FALSE;
  double pcr = -1, start_pcr = -1;
  guint64 start_packet = 0;
  int last_cc = -1;

  if (!g_file_get_contents (path, &buf, &size, NULL))
    return NULL;
  ts = g_new0 (WsTestTs, 1);
  ts->sections = g_ptr_array_new_with_free_func (ws_test_section_free);
  ts->first_pcr_s = -1;
  ts->last_pcr_s = -1;
  for (gsize off = 0; off + 188 <= size; off += 188) {
    const guint8 *p = (const guint8 *) buf + off;
    guint afc = (p[3] >> 4) & 3, at = 4;
    guint ppid = ((p[1] & 0x1F) << 8) | p[2];

    if (p[0] != 0x47)
      break;
    if ((afc & 2) && p[4] >= 7 && (p[5] & 0x10)) {
      guint64 base = ((guint64) p[6] << 25) | ((guint64) p[7] << 17) |
                     ((guint64) p[8] << 9) | ((guint64) p[9] << 1) |
                     (p[10] >> 7);
      guint ext = ((p[10] & 1) << 8) | p[11];

      pcr = (base * 300 + ext) / 27e6;
      if (ts->first_pcr_s < 0)
        ts->first_pcr_s = pcr;
      ts->last_pcr_s = pcr;
    }
    if (ppid != pid || (afc & 1) == 0)
      continue;
    ts->packets++;
    if (last_cc >= 0 && (p[3] & 0x0F) != ((last_cc + 1) & 0x0F))
      ts->cc_errors++;
    last_cc = p[3] & 0x0F;
    if (afc & 2)
      at += 1 + p[4];
    if (at >= 188)
      continue;
    if (p[1] & 0x40) {
      guint ptr = p[at++];

      if (active && at + ptr <= 188)
        g_byte_array_append (cur, p + at, ptr);
      at += ptr;
      g_byte_array_set_size (cur, active ? cur->len : 0);
      if (!active)
        g_byte_array_set_size (cur, 0);
      active = TRUE;
      /* sections that end in this packet are taken below; what an
       * unfinished section had is dropped at a new start */
      if (cur->len >= 3) {
        gsize total = (((gsize) (cur->data[1] & 0x0F) << 8) | cur->data[2]) + 3;

        if (cur->len >= total) {
          WsTestSection *s = g_new0 (WsTestSection, 1);

          s->data = g_memdup2 (cur->data, total);
          s->len = total;
          s->pcr_s = start_pcr;
          s->packet = start_packet;
          g_ptr_array_add (ts->sections, s);
        }
      }
      g_byte_array_set_size (cur, 0);
      start_pcr = pcr;
      start_packet = off / 188;
      if (at > 188)
        continue;
    } else if (!active) {
      continue;
    }
    g_byte_array_append (cur, p + at, 188 - at);
    while (cur->len >= 3 && cur->data[0] != 0xFF) {
      gsize total = (((gsize) (cur->data[1] & 0x0F) << 8) | cur->data[2]) + 3;
      WsTestSection *s;

      if (cur->len < total)
        break;
      s = g_new0 (WsTestSection, 1);
      s->data = g_memdup2 (cur->data, total);
      s->len = total;
      s->pcr_s = start_pcr;
      s->packet = start_packet;
      g_ptr_array_add (ts->sections, s);
      g_byte_array_remove_range (cur, 0, total);
    }
    if (cur->len > 0 && cur->data[0] == 0xFF) {
      g_byte_array_set_size (cur, 0);
      active = FALSE;
    }
    if (cur->len == 0)
      active = FALSE;
  }
  g_byte_array_unref (cur);
  g_free (buf);
  return ts;
}

#endif /* WS_TESTS_WS_TEST_TS_H */
