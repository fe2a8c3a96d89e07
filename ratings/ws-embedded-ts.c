/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the rating of an MPEG-TS programme, from its PAT (ISO/IEC
 * 13818-1) and the parental_rating_descriptor of the present event of its
 * EIT present/following (ETSI EN 300 468). Fed with packets (a file) or
 * whole sections (what tsparse posts). See ws-embedded.h. */
#include "ws-embedded-private.h"

#include <string.h>

#include "ws-dvb-si.h"
#include "ws-error.h"

#define TS_PACKET 188
#define PAT_PID 0x0000
#define EIT_PID 0x0012
#define TABLE_PAT 0x00
#define TABLE_PMT 0x02
#define TABLE_EIT_PF_ACTUAL 0x4E
#define MAX_SECTION (4096 + 3)
#define MAX_SERVICES 256
#define MAX_PMTS 64
#define PREFIX "EIT: "

typedef struct {
  guint8 buf[MAX_SECTION];
  gsize have;
  gboolean collecting;
  int last_cc;
} Assembler;

typedef struct {
  guint16 service_id;
  GPtrArray *ratings; /* (element-type WsRating): the present event's */
  guint16 event_id;
} Service;

/* A programme's PMT, read to find the programme of a stream's PID. */
typedef struct {
  guint16 program;
  guint16 pid;
  Assembler a;
  GArray *es_pids; /* guint16: the elementary streams of its last PMT */
} Pmt;

struct WsEmbeddedTs {
  const WsRatingRegistry *reg;
  int service_id;
  int stream_pid;  /* -1 = none given */
  GPtrArray *pmts; /* (element-type Pmt): those the PAT names */
  Assembler pat, eit;
  guint8 carry[TS_PACKET];
  gsize carry_len;
  gboolean pat_seen;
  GArray *pat_services; /* guint16, in PAT order */
  GPtrArray *services;  /* (element-type Service) in the order seen */
  GPtrArray *notes;     /* (element-type utf8) descriptor notes, said once */
  GHashTable *said;     /* warnings already handed out */
  guint bad_crc;
  guint dropped_services;
  gboolean changed; /* a pushed section may have changed the rating */
};

static void
pmt_free (gpointer p)
{
  Pmt *pmt = p;

  g_array_unref (pmt->es_pids);
  g_free (pmt);
}

static void
service_free (gpointer p)
{
  Service *s = p;

  g_ptr_array_unref (s->ratings);
  g_free (s);
}

WsEmbeddedTs *
ws_embedded_ts_new (const WsRatingRegistry *reg, int service_id)
{
  WsEmbeddedTs *ts;

  g_return_val_if_fail (reg != NULL, NULL);
  ts = g_new0 (WsEmbeddedTs, 1);
  ts->reg = reg;
  ts->service_id = service_id >= 0 && service_id <= 0xFFFF ? service_id : -1;
  ts->stream_pid = -1;
  ts->pmts = g_ptr_array_new_with_free_func (pmt_free);
  ts->pat.last_cc = -1;
  ts->eit.last_cc = -1;
  ts->pat_services = g_array_new (FALSE, FALSE, sizeof (guint16));
  ts->services = g_ptr_array_new_with_free_func (service_free);
  ts->notes = g_ptr_array_new_with_free_func (g_free);
  ts->said = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return ts;
}

void
ws_embedded_ts_free (WsEmbeddedTs *ts)
{
  if (ts == NULL)
    return;
  g_array_unref (ts->pat_services);
  g_ptr_array_unref (ts->pmts);
  g_ptr_array_unref (ts->services);
  g_ptr_array_unref (ts->notes);
  g_hash_table_unref (ts->said);
  g_free (ts);
}

static Service *
find_service (WsEmbeddedTs *ts, guint16 id)
{
  for (guint i = 0; i < ts->services->len; i++) {
    Service *s = ts->services->pdata[i];

    if (s->service_id == id)
      return s;
  }
  return NULL;
}

static gboolean
in_pat (const WsEmbeddedTs *ts, guint16 id)
{
  for (guint i = 0; i < ts->pat_services->len; i++)
    if (g_array_index (ts->pat_services, guint16, i) == id)
      return TRUE;
  return FALSE;
}

/* The programme whose last PMT lists @pid, or -1. */
static int
programme_of_pid (const WsEmbeddedTs *ts, int pid)
{
  for (guint i = 0; i < ts->pmts->len; i++) {
    const Pmt *pmt = ts->pmts->pdata[i];

    for (guint j = 0; j < pmt->es_pids->len; j++)
      if (g_array_index (pmt->es_pids, guint16, j) == pid)
        return pmt->program;
  }
  return -1;
}

/* The programme being checked: the one asked for, else the one holding
 * the stream asked for, else the PAT's only programme; -1 while not known
 * (the rule then takes every programme's, the most restrictive). */
static int
chosen_service (const WsEmbeddedTs *ts)
{
  int p;

  if (ts->service_id >= 0)
    return ts->service_id;
  if (ts->stream_pid >= 0 && (p = programme_of_pid (ts, ts->stream_pid)) >= 0)
    return p;
  if (ts->pat_services->len == 1)
    return g_array_index (ts->pat_services, guint16, 0);
  return -1;
}

gboolean
ws_embedded_ts_set_service (WsEmbeddedTs *ts, int service_id)
{
  int before;

  g_return_val_if_fail (ts != NULL, FALSE);
  before = chosen_service (ts);
  ts->service_id = service_id >= 0 && service_id <= 0xFFFF ? service_id : -1;
  return chosen_service (ts) != before;
}

gboolean
ws_embedded_ts_set_stream_pid (WsEmbeddedTs *ts, int pid)
{
  int before;

  g_return_val_if_fail (ts != NULL, FALSE);
  before = chosen_service (ts);
  ts->stream_pid = pid >= 0 && pid < 0x1FFF ? pid : -1;
  return chosen_service (ts) != before;
}

static void
note (WsEmbeddedTs *ts, char *msg)
{
  for (guint i = 0; i < ts->notes->len; i++) {
    if (strcmp (ts->notes->pdata[i], msg) == 0) {
      g_free (msg);
      return;
    }
  }
  if (ts->notes->len < 32)
    g_ptr_array_add (ts->notes, msg);
  else
    g_free (msg);
}

static gboolean
push_pat (WsEmbeddedTs *ts, const guint8 *s, gsize n)
{
  if (n < 12 || !(s[5] & 0x01))
    return FALSE; /* too short, or not yet current */
  for (gsize i = 8; i + 4 <= n - 4; i += 4) {
    guint16 prog = (guint16) (s[i] << 8 | s[i + 1]);
    guint16 pid = (guint16) ((s[i + 2] & 0x1F) << 8 | s[i + 3]);

    if (prog == 0 || in_pat (ts, prog))
      continue; /* 0 is the network PID */
    if (ts->pat_services->len < MAX_SERVICES)
      g_array_append_val (ts->pat_services, prog);
    if (ts->pmts->len < MAX_PMTS && pid != PAT_PID && pid != EIT_PID) {
      Pmt *pmt = g_new0 (Pmt, 1);

      pmt->program = prog;
      pmt->pid = pid;
      pmt->a.last_cc = -1;
      pmt->es_pids = g_array_new (FALSE, FALSE, sizeof (guint16));
      g_ptr_array_add (ts->pmts, pmt);
    }
  }
  ts->pat_seen = TRUE;
  return TRUE;
}

/* A PMT (ISO/IEC 13818-1 2.4.4.8) of a programme of the PAT: its
 * elementary streams' PIDs. */
static gboolean
push_pmt (WsEmbeddedTs *ts, const guint8 *s, gsize n)
{
  guint16 prog = (guint16) (s[3] << 8 | s[4]);
  int before = chosen_service (ts);
  gsize pos;
  Pmt *pmt = NULL;

  if (!(s[5] & 0x01))
    return FALSE; /* not yet current */
  for (guint i = 0; i < ts->pmts->len && pmt == NULL; i++)
    if (((Pmt *) ts->pmts->pdata[i])->program == prog)
      pmt = ts->pmts->pdata[i];
  if (pmt == NULL)
    return FALSE; /* not a programme of the PAT (or beyond the bound) */
  pos = 12 + (gsize) ((s[10] & 0x0F) << 8 | s[11]);
  g_array_set_size (pmt->es_pids, 0);
  while (pos + 5 <= n - 4) {
    guint16 pid = (guint16) ((s[pos + 1] & 0x1F) << 8 | s[pos + 2]);

    g_array_append_val (pmt->es_pids, pid);
    pos += 5 + (gsize) ((s[pos + 3] & 0x0F) << 8 | s[pos + 4]);
  }
  return chosen_service (ts) != before;
}

static gboolean
push_eit (WsEmbeddedTs *ts, const guint8 *s, gsize n)
{
  guint16 sid = (guint16) (s[3] << 8 | s[4]);
  GPtrArray *ratings = NULL;
  gsize pos = 14;
  Service *svc;

  if (n < 18 || s[6] != 0 || !(s[5] & 0x01))
    return FALSE; /* section 0 is the present event */
  /* the present event: the first whose running_status is undefined (0),
   * starts in a few seconds (2) or running (4) */
  while (pos + 12 <= n - 4) {
    int running = s[pos + 10] >> 5;
    gsize dlen = (gsize) ((s[pos + 10] & 0x0F) << 8 | s[pos + 11]);
    gsize d = pos + 12, dend = d + dlen;
    guint16 event_id = (guint16) (s[pos] << 8 | s[pos + 1]);

    if (dend > n - 4) {
      note (ts, g_strdup_printf ("service %u: the event's descriptor loop "
                                 "runs past the end of the section: ignored",
                    sid));
      return FALSE;
    }
    if (running != 0 && running != 2 && running != 4) {
      pos = dend;
      continue;
    }
    ratings = g_ptr_array_new_with_free_func ((GDestroyNotify) ws_rating_free);
    while (d + 2 <= dend) {
      gsize len = s[d + 1];

      if (d + 2 + len > dend)
        break;
      if (s[d] == WS_DVB_PARENTAL_RATING_TAG) {
        GPtrArray *notes = g_ptr_array_new_with_free_func (g_free);
        GError *error = NULL;
        GPtrArray *r = ws_embedded_parse_dvb_parental_rating (ts->reg, s + d,
            2 + len, notes, &error);

        if (r == NULL) {
          WsRating *unrated = ws_rating_new ();

          /* fail closed: the present event's rating is unknown */
          note (ts, g_strdup_printf ("service %u event %u: %s: treated as "
                                     "unrated",
                        sid, event_id, error->message));
          g_error_free (error);
          unrated->source_system = g_strdup ("dvb");
          unrated->element = g_strdup ("parental_rating_descriptor");
          g_ptr_array_add (ratings, unrated);
        } else {
          for (guint i = 0; i < r->len; i++)
            g_ptr_array_add (ratings, ws_rating_copy (r->pdata[i]));
          g_ptr_array_unref (r);
        }
        for (guint i = 0; i < notes->len; i++)
          note (ts, g_strdup (notes->pdata[i]));
        g_ptr_array_unref (notes);
      }
      d += 2 + len;
    }
    svc = find_service (ts, sid);
    if (svc == NULL) {
      if (ts->services->len >= MAX_SERVICES) {
        ts->dropped_services++;
        g_ptr_array_unref (ratings);
        return FALSE;
      }
      svc = g_new0 (Service, 1);
      svc->service_id = sid;
      g_ptr_array_add (ts->services, svc);
    } else {
      g_ptr_array_unref (svc->ratings);
    }
    svc->ratings = ratings;
    svc->event_id = event_id;
    return chosen_service (ts) < 0 || chosen_service (ts) == sid;
  }
  return FALSE;
}

gboolean
ws_embedded_ts_push_section (WsEmbeddedTs *ts, const guint8 *s, gsize len)
{
  gsize n;

  g_return_val_if_fail (ts != NULL, FALSE);
  if (s == NULL || len < 3)
    return FALSE;
  if (s[0] != TABLE_PAT && s[0] != TABLE_PMT && s[0] != TABLE_EIT_PF_ACTUAL)
    return FALSE;
  n = 3 + (gsize) ((s[1] & 0x0F) << 8 | s[2]);
  if (n > len || !(s[1] & 0x80) || n < 12)
    return FALSE;
  if (ws_dvb_crc32 (s, n) != 0) { /* 0 over a section with its CRC */
    ts->bad_crc++;
    return FALSE;
  }
  if (s[0] == TABLE_PAT) {
    if (!push_pat (ts, s, n))
      return FALSE;
    /* the PAT can make an earlier EIT the programme's, or another's */
    return TRUE;
  }
  if (s[0] == TABLE_PMT)
    return push_pmt (ts, s, n);
  return push_eit (ts, s, n);
}

/* ---- packets ------------------------------------------------------------- */

static void
assemble (WsEmbeddedTs *ts, Assembler *a, const guint8 *p, gsize n,
    gboolean start)
{
  while (n > 0) {
    gsize want, take;

    if (start) {
      if (p[0] == 0xFF)
        return; /* stuffing */
      a->collecting = TRUE;
      a->have = 0;
      start = FALSE;
    }
    if (!a->collecting)
      return;
    want = 3;
    if (a->have >= 3)
      want = 3 + (gsize) ((a->buf[1] & 0x0F) << 8 | a->buf[2]);
    take = MIN (n, want - a->have);
    memcpy (a->buf + a->have, p, take);
    a->have += take;
    p += take;
    n -= take;
    if (a->have < 3)
      continue; /* n is 0: wait for the next packet */
    want = 3 + (gsize) ((a->buf[1] & 0x0F) << 8 | a->buf[2]);
    if (a->have == want) {
      if (ws_embedded_ts_push_section (ts, a->buf, a->have))
        ts->changed = TRUE;
      a->collecting = FALSE;
      a->have = 0;
      start = TRUE; /* another section may follow in this packet */
    }
  }
}

/* The assembler of a PMT PID, while a stream's programme is looked for. */
static Assembler *
pmt_assembler (WsEmbeddedTs *ts, int pid)
{
  if (ts->stream_pid < 0 || ts->service_id >= 0)
    return NULL;
  for (guint i = 0; i < ts->pmts->len; i++) {
    Pmt *pmt = ts->pmts->pdata[i];

    if (pmt->pid == pid)
      return &pmt->a;
  }
  return NULL;
}

static void
push_packet (WsEmbeddedTs *ts, const guint8 *pkt)
{
  int pid = (pkt[1] & 0x1F) << 8 | pkt[2];
  gboolean pusi = (pkt[1] & 0x40) != 0;
  int afc = (pkt[3] >> 4) & 3, cc = pkt[3] & 0x0F;
  gsize off = 4;
  Assembler *a;

  if (pid == PAT_PID)
    a = &ts->pat;
  else if (pid == EIT_PID)
    a = &ts->eit;
  else if ((a = pmt_assembler (ts, pid)) == NULL)
    return;
  if (!(afc & 1) || (pkt[1] & 0x80))
    return; /* no payload, or transport_error_indicator */
  if (afc & 2)
    off += 1 + (gsize) pkt[4];
  if (off >= TS_PACKET)
    return;
  if (a->last_cc >= 0 && cc != ((a->last_cc + 1) & 0x0F) && !pusi)
    a->collecting = FALSE; /* lost a packet: drop the partial section */
  a->last_cc = cc;
  if (pusi) {
    gsize pointer = pkt[off];

    off++;
    if (off + pointer > TS_PACKET)
      return;
    if (a->collecting)
      assemble (ts, a, pkt + off, pointer, FALSE);
    a->collecting = FALSE;
    assemble (ts, a, pkt + off + pointer, TS_PACKET - off - pointer, TRUE);
  } else {
    assemble (ts, a, pkt + off, TS_PACKET - off, FALSE);
  }
}

gboolean
ws_embedded_ts_push_packets (WsEmbeddedTs *ts, const guint8 *data, gsize len)
{
  g_return_val_if_fail (ts != NULL, FALSE);
  ts->changed = FALSE;
  while (data != NULL && len > 0) {
    if (ts->carry_len > 0 || len < TS_PACKET) {
      gsize take = MIN (len, TS_PACKET - ts->carry_len);

      memcpy (ts->carry + ts->carry_len, data, take);
      ts->carry_len += take;
      data += take;
      len -= take;
      if (ts->carry_len < TS_PACKET)
        return ts->changed;
      ts->carry_len = 0;
      if (ts->carry[0] == 0x47)
        push_packet (ts, ts->carry);
      continue;
    }
    if (data[0] != 0x47) {
      /* resynchronise on the next sync byte */
      data++;
      len--;
      continue;
    }
    push_packet (ts, data);
    data += TS_PACKET;
    len -= TS_PACKET;
  }
  return ts->changed;
}

/* ---- the rule ------------------------------------------------------------- */

gboolean
ws_embedded_ts_is_complete (const WsEmbeddedTs *ts)
{
  int chosen;

  g_return_val_if_fail (ts != NULL, FALSE);
  chosen = chosen_service (ts);
  if (!ts->pat_seen)
    return FALSE;
  if (chosen >= 0)
    return find_service ((WsEmbeddedTs *) ts, (guint16) chosen) != NULL;
  /* not known which: every programme's present event */
  for (guint i = 0; i < ts->pat_services->len; i++)
    if (find_service ((WsEmbeddedTs *) ts,
            g_array_index (ts->pat_services, guint16, i)) == NULL)
      return FALSE;
  return TRUE;
}

static void
say (WsEmbeddedTs *ts, GPtrArray *warnings, char *msg)
{
  if (warnings == NULL || g_hash_table_contains (ts->said, msg)) {
    g_free (msg);
    return;
  }
  g_hash_table_add (ts->said, g_strdup (msg));
  ws_embedded_warn (warnings, msg);
}

static char *
service_list (GPtrArray *ids)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (s, "%s%u", i ? ", " : "",
        GPOINTER_TO_UINT (ids->pdata[i]));
  return g_string_free (s, FALSE);
}

GPtrArray *
ws_embedded_ts_get_ratings (WsEmbeddedTs *ts, GPtrArray *warnings)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_rating_free);
  GPtrArray *with_eit = g_ptr_array_new ();
  GPtrArray *conflicts = g_ptr_array_new_with_free_func (g_free);
  int chosen;

  g_return_val_if_fail (ts != NULL, out);
  chosen = chosen_service (ts);
  for (guint i = 0; i < ts->services->len; i++) {
    Service *s = ts->services->pdata[i];

    if (ts->pat_seen && !in_pat (ts, s->service_id)) {
      say (ts, warnings,
          g_strdup_printf (PREFIX "an EIT present event for service %u, "
                                  "which is not in the PAT: ignored",
              s->service_id));
      continue;
    }
    if (s->ratings->len > 0)
      g_ptr_array_add (with_eit, GUINT_TO_POINTER (s->service_id));
    if (chosen >= 0 && (int) s->service_id != chosen)
      continue;
    for (guint j = 0; j < s->ratings->len; j++)
      g_ptr_array_add (out, ws_rating_copy (s->ratings->pdata[j]));
  }
  if (with_eit->len > 1) {
    char *list = service_list (with_eit);

    if (chosen >= 0)
      say (ts, warnings,
          g_strdup_printf (PREFIX "several services carry an EIT present "
                                  "event with a rating (%s): service %d's is "
                                  "used, the programme checked",
              list, chosen));
    else if (!ts->pat_seen)
      say (ts, warnings,
          g_strdup_printf (PREFIX "several services carry an EIT present "
                                  "event with a rating (%s) and no PAT says "
                                  "which is the programme: the most "
                                  "restrictive is used",
              list));
    else
      say (ts, warnings,
          g_strdup_printf (PREFIX "several services carry an EIT present "
                                  "event with a rating (%s) and it is not "
                                  "known which programme is checked: the "
                                  "most restrictive is used (name the "
                                  "programme: tsdemux program-number)",
              list));
    g_free (list);
  }
  for (guint i = 0; i < ts->notes->len; i++)
    say (ts, warnings, g_strconcat (PREFIX, ts->notes->pdata[i], NULL));
  ws_rating_resolve_conflicts (out, conflicts);
  for (guint i = 0; i < conflicts->len; i++)
    say (ts, warnings, g_strdup (conflicts->pdata[i]));
  g_ptr_array_unref (conflicts);
  g_ptr_array_unref (with_eit);
  return out;
}

void
ws_embedded_ts_finish (WsEmbeddedTs *ts, GPtrArray *warnings)
{
  g_return_if_fail (ts != NULL);
  for (guint i = 0; i < ts->notes->len; i++)
    say (ts, warnings, g_strconcat (PREFIX, ts->notes->pdata[i], NULL));
  if (ts->bad_crc > 0)
    say (ts, warnings,
        g_strdup_printf (PREFIX "%u PAT or EIT present/following section%s "
                                "with a bad CRC skipped",
            ts->bad_crc, ts->bad_crc == 1 ? "" : "s"));
  if (ts->dropped_services > 0)
    say (ts, warnings,
        g_strdup_printf (PREFIX "EITs of more than %d services: %u not read",
            MAX_SERVICES, ts->dropped_services));
}

/* ---- a file --------------------------------------------------------------- */

void
ws_embedded_read_ts (WsByteReader *br, const WsRatingRegistry *reg,
    const WsEmbeddedOptions *opts, GPtrArray *ratings, GPtrArray *warnings)
{
  guint64 limit = opts->ts_scan_bytes ? opts->ts_scan_bytes :
                                        WS_EMBEDDED_TS_SCAN_BYTES;
  WsEmbeddedTs *ts = ws_embedded_ts_new (reg, opts->service_id);
  guint8 *buf = g_malloc (WS_BYTE_READER_WINDOW);
  guint64 off = 0;
  GPtrArray *r;

  while (off < limit && !ws_embedded_ts_is_complete (ts)) {
    gssize n = ws_byte_reader_get_some (br, off, buf,
        (gsize) MIN ((guint64) WS_BYTE_READER_WINDOW, limit - off));

    if (n <= 0)
      break;
    ws_embedded_ts_push_packets (ts, buf, (gsize) n);
    off += (guint64) n;
  }
  r = ws_embedded_ts_get_ratings (ts, warnings);
  for (guint i = 0; i < r->len; i++)
    g_ptr_array_add (ratings, ws_rating_copy (r->pdata[i]));
  g_ptr_array_unref (r);
  ws_embedded_ts_finish (ts, warnings);
  ws_embedded_ts_free (ts);
  g_free (buf);
}
