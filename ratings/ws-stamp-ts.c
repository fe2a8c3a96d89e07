/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: ws_stamp_mpegts(), DVB EIT p/f and SDT inserted into a finished
 * transport stream (the sections themselves come from ws-dvb-si.c). */
#include "ws-stamp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ws-dvb-si.h"
#include "ws-error.h"

/*
 * Two passes over the file. The first reads the PAT (transport_stream_id,
 * the programs), an existing SDT and EIT (their versions, the SDT's
 * original_network_id and service descriptors, which are kept) and the
 * clock: the PCRs of the first PID that carries one, else the PTSs of the
 * first PES PID. The second copies every packet except those on PIDs 0x11
 * and 0x12 (the SDT and EIT are replaced) and writes a burst of SI
 * sections (SDT, then for each program EIT p/f sections 0 and 1) after the
 * leading PAT and PMT packets and again each time the clock has advanced by REPEAT_90K, so that
 * both tables repeat well inside the 2 s of TR 101 211 4.4. Where the
 * clock PID stops before the others (or there is no clock at all) a burst
 * also comes after two seconds' worth of packets at the rate the clock
 * showed (or every REPEAT_PACKETS packets).
 */

#define TS 188
#define CHUNK_PACKETS 2048
/* one second of the 90 kHz clock */
#define REPEAT_90K 90000
/* without a usable clock: a burst every this many packets */
#define REPEAT_PACKETS 4000
#define CLOCK_WRAP (G_GUINT64_CONSTANT (1) << 33)
#define MAX_PROGRAMS 64
/* private temporary use (ETSI TS 101 162) when the stream has no SDT */
#define DEFAULT_ONID 0xFF01

typedef struct {
  GByteArray *buf;
  gboolean active;
} SectionAsm;

typedef struct {
  guint16 number;
  guint16 pmt_pid;
  GBytes *sdt_descriptors;
} Program;

typedef struct {
  const char *path;
  SectionAsm pat, sdt, eit;
  gboolean have_pat;
  guint16 tsid;
  GArray *programs;         /* Program */
  int sdt_version;          /* -1 none seen */
  int onid;                 /* -1 none seen */
  GHashTable *eit_versions; /* service_id -> version + 1 */
  /* clock */
  int clock_pid;
  gboolean clock_is_pcr;
  int first_pts_pid;
  gboolean have_clock;
  guint64 first_clock, last_clock;
  guint64 first_clock_packet, last_clock_packet;
} Scan;

static void
section_asm_clear (SectionAsm *a)
{
  if (a->buf != NULL)
    g_byte_array_unref (a->buf);
  a->buf = NULL;
}

/* Feeds the payload of one packet; calls @done for each whole section. */
static void
section_asm_push (SectionAsm *a, const guint8 *p, gsize n, gboolean pusi,
    void (*done) (Scan *, const guint8 *, gsize), Scan *scan)
{
  if (a->buf == NULL)
    a->buf = g_byte_array_new ();
  if (pusi) {
    gsize ptr;

    if (n < 1)
      return;
    ptr = p[0];
    p++;
    n--;
    if (ptr > n) {
      a->active = FALSE;
      g_byte_array_set_size (a->buf, 0);
      return;
    }
    if (a->active)
      g_byte_array_append (a->buf, p, (guint) ptr);
    /* what is left of an unfinished section is dropped */
    while (a->active && a->buf->len >= 3) {
      gsize total = (((gsize) (a->buf->data[1] & 0x0F) << 8) |
                        a->buf->data[2]) +
                    3;
      if (a->buf->len < total)
        break;
      done (scan, a->buf->data, total);
      g_byte_array_remove_range (a->buf, 0, (guint) total);
    }
    g_byte_array_set_size (a->buf, 0);
    p += ptr;
    n -= ptr;
    a->active = TRUE;
  } else if (!a->active) {
    return;
  }
  g_byte_array_append (a->buf, p, (guint) n);
  while (a->buf->len >= 1) {
    gsize total;

    if (a->buf->data[0] == 0xFF) {
      /* stuffing: no more sections in this packet */
      a->active = FALSE;
      g_byte_array_set_size (a->buf, 0);
      break;
    }
    if (a->buf->len < 3)
      break;
    total = (((gsize) (a->buf->data[1] & 0x0F) << 8) | a->buf->data[2]) + 3;
    if (a->buf->len < total)
      break;
    done (scan, a->buf->data, total);
    g_byte_array_remove_range (a->buf, 0, (guint) total);
    if (a->buf->len == 0)
      a->active = FALSE;
  }
}

static gboolean
section_ok (const guint8 *s, gsize len)
{
  /* long form (section_syntax_indicator) and a right CRC */
  return len >= 12 && (s[1] & 0x80) && ws_dvb_crc32 (s, len) == 0;
}

static Program *
find_program (Scan *scan, guint16 number)
{
  for (guint i = 0; i < scan->programs->len; i++) {
    Program *p = &g_array_index (scan->programs, Program, i);

    if (p->number == number)
      return p;
  }
  return NULL;
}

static void
on_pat (Scan *scan, const guint8 *s, gsize len)
{
  if (scan->have_pat || s[0] != 0x00 || !section_ok (s, len))
    return;
  scan->have_pat = TRUE;
  scan->tsid = (guint16) ((s[3] << 8) | s[4]);
  for (gsize i = 8; i + 4 <= len - 4; i += 4) {
    guint16 number = (guint16) ((s[i] << 8) | s[i + 1]);
    Program p = { number, (guint16) (((s[i + 2] & 0x1F) << 8) | s[i + 3]),
      NULL };

    if (number == 0 || find_program (scan, number) != NULL ||
        scan->programs->len >= MAX_PROGRAMS)
      continue; /* 0 is the NIT */
    g_array_append_val (scan->programs, p);
  }
}

static void
on_sdt (Scan *scan, const guint8 *s, gsize len)
{
  gsize i;

  if (s[0] != WS_DVB_TABLE_SDT_ACTUAL || !section_ok (s, len) || len < 15)
    return;
  scan->sdt_version = (s[5] >> 1) & 0x1F;
  scan->onid = (s[8] << 8) | s[9];
  /* services from byte 11 up to the CRC; keep each one's descriptors */
  for (i = 11; i + 5 <= len - 4;) {
    guint16 sid = (guint16) ((s[i] << 8) | s[i + 1]);
    gsize loop = ((gsize) (s[i + 3] & 0x0F) << 8) | s[i + 4];
    Program *p;

    if (i + 5 + loop > len - 4)
      break;
    p = scan->have_pat ? find_program (scan, sid) : NULL;
    if (p != NULL && p->sdt_descriptors == NULL && loop > 0 && loop <= 1000)
      p->sdt_descriptors = g_bytes_new (s + i + 5, loop);
    i += 5 + loop;
  }
}

static void
on_eit (Scan *scan, const guint8 *s, gsize len)
{
  guint16 sid;
  int v;

  if (s[0] != WS_DVB_TABLE_EIT_PF_ACTUAL || !section_ok (s, len))
    return;
  sid = (guint16) ((s[3] << 8) | s[4]);
  v = (s[5] >> 1) & 0x1F;
  /* stored + 1 so that version 0 is not NULL */
  g_hash_table_insert (scan->eit_versions, GUINT_TO_POINTER (sid),
      GINT_TO_POINTER (v + 1));
}

/* The clock of a packet, in 90 kHz units: the PCR base of its adaptation
 * field, or the PTS of a PES header starting in it. */
static gboolean
packet_pcr (const guint8 *p, guint64 *out)
{
  guint afc = (p[3] >> 4) & 0x03;

  if ((afc & 0x02) == 0 || p[4] < 7 || (p[5] & 0x10) == 0)
    return FALSE;
  *out = ((guint64) p[6] << 25) | ((guint64) p[7] << 17) |
         ((guint64) p[8] << 9) | ((guint64) p[9] << 1) | (p[10] >> 7);
  return TRUE;
}

static gboolean
packet_pts (const guint8 *p, guint64 *out)
{
  guint afc = (p[3] >> 4) & 0x03;
  gsize at = 4;
  const guint8 *h;

  if ((p[1] & 0x40) == 0 || (afc & 0x01) == 0)
    return FALSE;
  if (afc & 0x02)
    at += 1 + p[4];
  if (at + 14 > TS)
    return FALSE;
  h = p + at;
  if (h[0] != 0 || h[1] != 0 || h[2] != 1 || (h[7] & 0x80) == 0)
    return FALSE;
  *out = ((guint64) (h[9] & 0x0E) << 29) | ((guint64) h[10] << 22) |
         ((guint64) (h[11] & 0xFE) << 14) | ((guint64) h[12] << 7) |
         (h[13] >> 1);
  return TRUE;
}

static gboolean
write_all (int fd, const guint8 *data, gsize len, GError **error)
{
  while (len > 0) {
    ssize_t n = write (fd, data, len);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      g_set_error (error, WS_ERROR, WS_ERROR_IO,
          "writing the stamped transport stream failed: %s",
          g_strerror (errno));
      return FALSE;
    }
    data += n;
    len -= (gsize) n;
  }
  return TRUE;
}

/* Reads the next whole packet. Returns 1 for a packet, 0 at the end (a
 * trailing partial packet is left in @tail), -1 on a read error. */
typedef struct {
  FILE *f;
  guint8 buf[TS * CHUNK_PACKETS];
  gsize len, pos;
  guint64 offset; /* of the packet returned last */
  gboolean eof;
} Reader;

static int
reader_next (Reader *r, const guint8 **packet)
{
  if (r->len - r->pos < TS && !r->eof) {
    gsize keep = r->len - r->pos;

    memmove (r->buf, r->buf + r->pos, keep);
    r->len = keep;
    r->pos = 0;
    while (r->len < sizeof r->buf && !r->eof) {
      gsize n = fread (r->buf + r->len, 1, sizeof r->buf - r->len, r->f);

      if (n == 0) {
        if (ferror (r->f))
          return -1;
        r->eof = TRUE;
      }
      r->len += n;
    }
  }
  if (r->len - r->pos < TS)
    return 0;
  *packet = r->buf + r->pos;
  r->pos += TS;
  return 1;
}

static gboolean
reader_open (Reader *r, const char *path, GError **error)
{
  memset (r, 0, sizeof *r);
  r->f = fopen (path, "rb");
  if (r->f == NULL) {
    g_set_error (error, WS_ERROR, WS_ERROR_IO, "%s: cannot open: %s", path,
        g_strerror (errno));
    return FALSE;
  }
  return TRUE;
}

static gboolean
sync_lost (const char *path, guint64 index, GError **error)
{
  g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
      "%s: packet %" G_GUINT64_FORMAT " (byte %" G_GUINT64_FORMAT
      ") does not start with the sync byte 0x47: not a 188-byte MPEG "
      "transport stream, or a damaged one; repair or remux it first",
      path, index, index * TS);
  return FALSE;
}

static gboolean
read_error (const char *path, GError **error)
{
  g_set_error (error, WS_ERROR, WS_ERROR_IO, "%s: read error: %s", path,
      g_strerror (errno));
  return FALSE;
}

static gsize
payload_at (const guint8 *p)
{
  guint afc = (p[3] >> 4) & 0x03;

  if ((afc & 0x01) == 0)
    return TS;
  if (afc & 0x02)
    return 5 + (gsize) p[4];
  return 4;
}

static void
feed_si (Scan *scan, const guint8 *p, guint pid)
{
  gsize at = payload_at (p);
  gboolean pusi = (p[1] & 0x40) != 0;
  SectionAsm *a;
  void (*done) (Scan *, const guint8 *, gsize);

  if (pid == 0x00) {
    a = &scan->pat;
    done = on_pat;
  } else if (pid == WS_DVB_PID_SDT) {
    a = &scan->sdt;
    done = on_sdt;
  } else {
    a = &scan->eit;
    done = on_eit;
  }
  if (at >= TS)
    return;
  section_asm_push (a, p + at, TS - at, pusi, done, scan);
}

/* The first pass: see the comment at the top. */
static gboolean
scan_file (Scan *scan, GError **error)
{
  Reader *r = g_new (Reader, 1);
  const guint8 *p;
  guint64 index = 0;
  int got;
  gboolean ok = TRUE;

  if (!reader_open (r, scan->path, error)) {
    g_free (r);
    return FALSE;
  }
  while ((got = reader_next (r, &p)) == 1) {
    guint pid = ((p[1] & 0x1F) << 8) | p[2];
    guint64 clock;

    if (p[0] != 0x47) {
      ok = sync_lost (scan->path, index, error);
      break;
    }
    index++;
    if (p[1] & 0x80)
      continue; /* transport_error_indicator */
    if (pid == 0x00 || pid == WS_DVB_PID_SDT || pid == WS_DVB_PID_EIT)
      feed_si (scan, p, pid);
    if (scan->clock_pid < 0 && packet_pcr (p, &clock)) {
      scan->clock_pid = (int) pid;
      scan->clock_is_pcr = TRUE;
      scan->have_clock = FALSE;
    }
    if (scan->first_pts_pid < 0 && pid != 0x00 && pid < 0x1FFF &&
        packet_pts (p, &clock))
      scan->first_pts_pid = (int) pid;
    if ((int) pid == scan->clock_pid && packet_pcr (p, &clock)) {
      if (!scan->have_clock) {
        scan->first_clock = clock;
        scan->first_clock_packet = index;
      }
      scan->last_clock = clock;
      scan->last_clock_packet = index;
      scan->have_clock = TRUE;
    }
  }
  if (got < 0)
    ok = read_error (scan->path, error);
  if (ok && index == 0) {
    g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
        "%s: no whole 188-byte packet: not an MPEG transport stream",
        scan->path);
    ok = FALSE;
  }
  if (ok && !scan->have_pat) {
    g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
        "%s: no valid PAT (PID 0, table 0x00, right CRC): the programs and "
        "so the DVB services to rate are unknown; remux the file with a "
        "PAT",
        scan->path);
    ok = FALSE;
  }
  if (ok && scan->programs->len == 0) {
    g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
        "%s: the PAT lists no program: there is no service to rate",
        scan->path);
    ok = FALSE;
  }
  fclose (r->f);
  g_free (r);
  /* without PCRs, the PTSs of the first PES PID are the clock: a second
   * look at that PID only */
  if (ok && scan->clock_pid < 0 && scan->first_pts_pid >= 0) {
    scan->clock_pid = scan->first_pts_pid;
    scan->clock_is_pcr = FALSE;
  }
  return ok;
}

/* The clock of a packet on the clock PID, if it carries one. */
static gboolean
packet_clock (const Scan *scan, const guint8 *p, guint pid, guint64 *out)
{
  if ((int) pid != scan->clock_pid)
    return FALSE;
  return scan->clock_is_pcr ? packet_pcr (p, out) : packet_pts (p, out);
}

/* The sections of one burst: EIT p/f sections 0 and 1 of each program are
 * added to @sections; the SDT is returned. */
static GBytes *
build_burst_sections (const Scan *scan, const WsStampRequest *req,
    gint64 duration_s, GPtrArray *sections, GError **error)
{
  WsDvbService *services;
  GBytes *sdt;
  guint n = scan->programs->len;
  /* the guidance text written with the title, in its own language */
  const WsGuidanceText *text = ws_dvb_pick_text (req->ratings, req->language);

  services = g_new0 (WsDvbService, n);
  for (guint i = 0; i < n; i++) {
    const Program *p = &g_array_index (scan->programs, Program, i);
    WsDvbEvent ev = { 0 };
    GBytes *eit;

    services[i].service_id = p->number;
    services[i].transport_stream_id = scan->tsid;
    services[i].original_network_id = (guint16) (scan->onid >= 0 ?
                                                     scan->onid :
                                                     DEFAULT_ONID);
    services[i].version = (guint8) (scan->sdt_version >= 0 ?
                                        scan->sdt_version + 1 :
                                        0);
    services[i].service_type = 0x01;
    if (p->sdt_descriptors != NULL)
      services[i].descriptors = g_bytes_get_data (p->sdt_descriptors,
          &services[i].descriptors_len);

    ev.service_id = p->number;
    ev.transport_stream_id = scan->tsid;
    ev.original_network_id = services[i].original_network_id;
    ev.version = (guint8) GPOINTER_TO_INT (
        g_hash_table_lookup (scan->eit_versions, GUINT_TO_POINTER (p->number)));
    ev.event_id = 1;
    ev.start = NULL; /* a file has no broadcast time: undefined */
    ev.duration_s = duration_s;
    ev.running_status = WS_DVB_RUNNING_RUNNING;
    ev.language = text != NULL && text->lang != NULL ? text->lang :
                                                       req->language;
    ev.title = req->title;
    ev.text = text != NULL ? text->text : NULL;
    ev.ratings = req->ratings;
    ev.mode = WS_DVB_RATING_STRICT;
    for (guint sn = 0; sn < 2; sn++) {
      eit = ws_dvb_build_eit_pf (&ev, sn, NULL, error);
      if (eit == NULL) {
        g_free (services);
        return NULL;
      }
      g_ptr_array_add (sections, eit);
    }
  }
  sdt = ws_dvb_build_sdt (services, n, error);
  g_free (services);
  return sdt;
}

static gboolean
is_pmt_pid (const Scan *scan, guint pid)
{
  for (guint i = 0; i < scan->programs->len; i++)
    if (g_array_index (scan->programs, Program, i).pmt_pid == pid)
      return TRUE;
  return FALSE;
}

static void
scan_clear (Scan *scan)
{
  section_asm_clear (&scan->pat);
  section_asm_clear (&scan->sdt);
  section_asm_clear (&scan->eit);
  if (scan->programs != NULL) {
    for (guint i = 0; i < scan->programs->len; i++)
      g_clear_pointer (&g_array_index (scan->programs, Program, i)
                            .sdt_descriptors,
          g_bytes_unref);
    g_array_free (scan->programs, TRUE);
  }
  if (scan->eit_versions != NULL)
    g_hash_table_unref (scan->eit_versions);
}

static void
write_burst (GBytes *sdt, GPtrArray *eits, guint8 *cc_sdt, guint8 *cc_eit,
    GByteArray *out)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (sdt, &len);

  ws_dvb_packetize_section (d, len, WS_DVB_PID_SDT, cc_sdt, out);
  for (guint i = 0; i < eits->len; i++) {
    d = g_bytes_get_data (g_ptr_array_index (eits, i), &len);
    ws_dvb_packetize_section (d, len, WS_DVB_PID_EIT, cc_eit, out);
  }
}

gboolean
ws_stamp_mpegts (const char *in_path, int out_fd, const WsStampRequest *req,
    GError **error)
{
  Scan scan = { 0 };
  GPtrArray *eits = NULL;
  GBytes *sdt = NULL;
  GByteArray *out = NULL;
  Reader *r = NULL;
  const guint8 *p;
  guint8 cc_sdt = 0x0F, cc_eit = 0x0F;
  gint64 duration_s = -1;
  /* a burst at least every this many packets: where the clock PID stops
   * before the others, and without any clock */
  guint64 max_packets = REPEAT_PACKETS;
  guint64 index = 0, since_burst = 0, last_burst = 0;
  gboolean have_last = FALSE, ok = FALSE, first_burst_done = FALSE;
  int got;

  g_return_val_if_fail (in_path != NULL && req != NULL, FALSE);
  scan.path = in_path;
  scan.programs = g_array_new (FALSE, TRUE, sizeof (Program));
  scan.eit_versions = g_hash_table_new (NULL, NULL);
  scan.sdt_version = -1;
  scan.onid = -1;
  scan.clock_pid = -1;
  scan.first_pts_pid = -1;
  if (req->ratings == NULL || req->ratings->len == 0) {
    g_set_error (error, WS_ERROR, WS_ERROR_ARGUMENT, "%s: no rating to write",
        in_path);
    goto end;
  }
  if (!scan_file (&scan, error))
    goto end;
  if (scan.have_clock && scan.clock_is_pcr) {
    guint64 span = (scan.last_clock - scan.first_clock) % CLOCK_WRAP;

    duration_s = (gint64) ((span + 89999) / 90000);
    /* two seconds' worth at the average rate while the clock ran: the
     * clock rules, this is for a clock that stops */
    if (span >= 90000)
      max_packets = MAX ((scan.last_clock_packet - scan.first_clock_packet) *
                             2 * 90000 / span,
          64);
  }

  eits = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  sdt = build_burst_sections (&scan, req, duration_s, eits, error);
  if (sdt == NULL)
    goto end;
  /* the clock is followed again from the start */
  scan.have_clock = FALSE;

  r = g_new (Reader, 1);
  if (!reader_open (r, in_path, error)) {
    g_clear_pointer (&r, g_free);
    goto end;
  }
  out = g_byte_array_sized_new (TS * (CHUNK_PACKETS + 64));
  for (;;) {
    gboolean burst = FALSE;
    guint pid;
    guint64 clock = 0;

    got = reader_next (r, &p);
    if (got <= 0)
      break;
    if (p[0] != 0x47) {
      sync_lost (in_path, index, error);
      goto end;
    }
    pid = ((p[1] & 0x1F) << 8) | p[2];
    /* the first burst after the leading PAT and PMT: demuxers then number
     * the programme's streams first, as they were */
    if (!first_burst_done && pid != 0x00 && pid != WS_DVB_PID_SDT &&
        pid != WS_DVB_PID_EIT && !is_pmt_pid (&scan, pid)) {
      burst = TRUE;
      first_burst_done = TRUE;
    }
    if ((p[1] & 0x80) == 0 && packet_clock (&scan, p, pid, &clock)) {
      if (!have_last) {
        have_last = TRUE;
        last_burst = clock;
      } else {
        guint64 step = (clock - last_burst) % CLOCK_WRAP;

        /* forward by the interval, or a discontinuity either way */
        if (step >= REPEAT_90K) {
          burst = TRUE;
          last_burst = clock;
        }
      }
    }
    if (!first_burst_done)
      burst = FALSE;
    else if (since_burst >= max_packets)
      burst = TRUE;
    if (burst) {
      write_burst (sdt, eits, &cc_sdt, &cc_eit, out);
      since_burst = 0;
    }
    index++;
    since_burst++;
    /* the old SDT and EIT are replaced by ours */
    if (pid != WS_DVB_PID_SDT && pid != WS_DVB_PID_EIT)
      g_byte_array_append (out, p, TS);
    if (out->len >= TS * CHUNK_PACKETS) {
      if (!write_all (out_fd, out->data, out->len, error))
        goto end;
      g_byte_array_set_size (out, 0);
    }
  }
  if (got < 0) {
    read_error (in_path, error);
    goto end;
  }
  /* a stream of nothing but PAT and PMT still gets the tables */
  if (!first_burst_done)
    write_burst (sdt, eits, &cc_sdt, &cc_eit, out);
  /* a trailing partial packet is kept as it was */
  g_byte_array_append (out, r->buf + r->pos, (guint) (r->len - r->pos));
  if (!write_all (out_fd, out->data, out->len, error))
    goto end;
  ok = TRUE;

end:
  if (r != NULL) {
    fclose (r->f);
    g_free (r);
  }
  if (out != NULL)
    g_byte_array_unref (out);
  if (eits != NULL)
    g_ptr_array_unref (eits);
  if (sdt != NULL)
    g_bytes_unref (sdt);
  scan_clear (&scan);
  return ok;
}
