/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "ws-schedule.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "ws-error.h"
#include "ws-xml.h"

#define NS_WATERSHED "urn:watershed:schedule:1"
#define NS_BXF "http://smpte-ra.org/schemas/2021/2008/BXF"
#define MAX_DEPTH 64
#define MAX_TEXT 4096
#define CHUNK (4 * 1024 * 1024)
#define US_PER_S G_GINT64_CONSTANT (1000000)
#define US_PER_DAY (G_GINT64_CONSTANT (86400) * US_PER_S)

struct WsSchedule {
  char *path;
  WsScheduleFormat format;
  GArray *events;
  GStringChunk *strings;
  GPtrArray *warnings;
  gsize n_skipped;
};

/* Elements the BXF state machine cares about; everything else is OTHER. */
typedef enum {
  E_OTHER,
  E_SCHEDULED_EVENT,
  E_EVENT_DATA,
  E_EVENT_ID,
  E_PRIMARY_EVENT,
  E_PROGRAM_EVENT,
  E_PROGRAM_NAME,
  E_START_DATE_TIME,
  E_SMPTE_DATE_TIME,
  E_SMPTE_TIME_CODE,
  E_LENGTH_OPTION,
  E_DURATION,
  E_SMPTE_DURATION,
  E_CONTENT,
  E_CONTENT_ID,
  E_HOUSE_NUMBER,
  E_NAME,
  E_CHANNEL,
  E_WS_RATING,
} Elem;

static const struct {
  const char *name;
  Elem elem;
} bxf_names[] = {
  { "ScheduledEvent", E_SCHEDULED_EVENT },
  { "EventData", E_EVENT_DATA },
  { "EventId", E_EVENT_ID },
  { "PrimaryEvent", E_PRIMARY_EVENT },
  { "ProgramEvent", E_PROGRAM_EVENT },
  { "ProgramName", E_PROGRAM_NAME },
  { "StartDateTime", E_START_DATE_TIME },
  { "SmpteDateTime", E_SMPTE_DATE_TIME },
  { "SmpteTimeCode", E_SMPTE_TIME_CODE },
  { "LengthOption", E_LENGTH_OPTION },
  { "Duration", E_DURATION },
  { "SmpteDuration", E_SMPTE_DURATION },
  { "Content", E_CONTENT },
  { "ContentId", E_CONTENT_ID },
  { "HouseNumber", E_HOUSE_NUMBER },
  { "Name", E_NAME },
  { "Channel", E_CHANNEL },
};

/* The BXF event being read. */
typedef struct {
  gboolean primary;
  gboolean programme;
  char *event_id;
  char *broadcast_date;
  char *start_tc;
  char *start_text;
  char *frame_rate;
  char *duration_tc;
  char *duration_text;
  char *house_number;
  char *name;
  char *programme_name;
  char *rating;
  int line;
} BxfEvent;

typedef struct {
  WsSchedule *sched;
  xmlParserCtxtPtr ctxt;
  gboolean root_seen;
  gboolean unknown_root;
  char *unknown_root_desc;
  /* events (or BXF ScheduledEvents) in the format's namespace */
  gsize n_events_seen;
  /* look-alikes: our element names in another namespace, per (name, ns) */
  GHashTable *lookalikes; /* "name\nns" -> WsMetadataWarning (in warnings) */
  gsize n_lookalikes;
  int first_lookalike_line;
  char *first_lookalike;
  /* element stack */
  Elem stack[MAX_DEPTH];
  int depth;
  /* text capture */
  GString *text;
  gboolean capturing;
  /* current channel (both formats) */
  const char *channel;
  const char *service_class;
  /* BXF */
  gboolean in_event;
  BxfEvent ev;
} Parser;

const char *
ws_schedule_format_to_string (WsScheduleFormat format)
{
  return format == WS_SCHEDULE_FORMAT_BXF ? "bxf" : "watershed";
}

/* ---- time parsing ------------------------------------------------------ */

/* Days from 1970-01-01 to the civil date y-m-d (proleptic Gregorian). */
static gint64
days_from_civil (gint64 y, int m, int d)
{
  gint64 era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static int
days_in_month (gint64 y, int m)
{
  static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return days[m - 1];
}

static gboolean
digits (const char **p, int n, int *out)
{
  int v = 0;

  for (int i = 0; i < n; i++) {
    if (!g_ascii_isdigit ((*p)[i]))
      return FALSE;
    v = v * 10 + ((*p)[i] - '0');
  }
  *p += n;
  *out = v;
  return TRUE;
}

static gboolean
parse_date (const char **p, gint64 *out_days)
{
  int y, m, d;

  if (!digits (p, 4, &y) || **p != '-')
    return FALSE;
  (*p)++;
  if (!digits (p, 2, &m) || **p != '-')
    return FALSE;
  (*p)++;
  if (!digits (p, 2, &d))
    return FALSE;
  if (m < 1 || m > 12 || d < 1 || d > days_in_month (y, m))
    return FALSE;
  *out_days = days_from_civil (y, m, d);
  return TRUE;
}

/* Parses ".ddd" into microseconds; nothing there is 0. */
static gboolean
parse_fraction (const char **p, gint64 *out_us)
{
  gint64 us = 0, scale = 100000;

  *out_us = 0;
  if (**p != '.' && **p != ',')
    return TRUE;
  (*p)++;
  if (!g_ascii_isdigit (**p))
    return FALSE;
  while (g_ascii_isdigit (**p)) {
    us += (**p - '0') * scale;
    scale /= 10;
    (*p)++;
  }
  *out_us = us;
  return TRUE;
}

gboolean
ws_parse_iso8601_us (const char *text, gint64 *out_us, gboolean *out_has_zone)
{
  const char *p = text;
  gint64 days, frac;
  int hh, mm, ss = 0, oh, om;
  gint64 us;
  gboolean has_zone = FALSE;

  if (text == NULL)
    return FALSE;
  while (g_ascii_isspace (*p))
    p++;
  if (!parse_date (&p, &days) || (*p != 'T' && *p != 't' && *p != ' '))
    return FALSE;
  p++;
  if (!digits (&p, 2, &hh) || *p != ':')
    return FALSE;
  p++;
  if (!digits (&p, 2, &mm))
    return FALSE;
  if (*p == ':') {
    p++;
    if (!digits (&p, 2, &ss))
      return FALSE;
  }
  if (!parse_fraction (&p, &frac))
    return FALSE;
  /* 24:00:00 is the end of the day (ISO 8601); leap seconds are refused. */
  if (hh > 24 || mm > 59 || ss > 59 || (hh == 24 && (mm || ss || frac)))
    return FALSE;
  us = days * US_PER_DAY + ((gint64) hh * 3600 + mm * 60 + ss) * US_PER_S +
       frac;
  if (*p == 'Z' || *p == 'z') {
    has_zone = TRUE;
    p++;
  } else if (*p == '+' || *p == '-') {
    int sign = *p == '-' ? -1 : 1;

    p++;
    if (!digits (&p, 2, &oh))
      return FALSE;
    if (*p == ':')
      p++;
    if (!digits (&p, 2, &om) || oh > 23 || om > 59)
      return FALSE;
    us -= sign * ((gint64) oh * 3600 + om * 60) * US_PER_S;
    has_zone = TRUE;
  }
  while (g_ascii_isspace (*p))
    p++;
  if (*p != '\0')
    return FALSE;
  *out_us = us;
  if (out_has_zone)
    *out_has_zone = has_zone;
  return TRUE;
}

gboolean
ws_parse_duration_us (const char *text, gint64 *out_us)
{
  const char *p = text;
  gint64 total = 0;
  gboolean in_time = FALSE, any = FALSE;
  int rank = 0; /* D, H, M, S each at most once and in that order, so
                 * the total (each part at most 10^8) cannot overflow */

  if (text == NULL)
    return FALSE;
  while (g_ascii_isspace (*p))
    p++;

  if (g_ascii_isdigit (*p)) {
    /* HH:MM:SS[.frac] */
    int h, m, s;
    gint64 frac;
    const char *q = p;
    char *end;
    gint64 hours = g_ascii_strtoll (q, &end, 10);

    if (end == q || *end != ':' || hours < 0 || hours > 24 * 366)
      return FALSE;
    h = (int) hours;
    p = end + 1;
    if (!digits (&p, 2, &m) || *p != ':')
      return FALSE;
    p++;
    if (!digits (&p, 2, &s) || !parse_fraction (&p, &frac) || m > 59 || s > 59)
      return FALSE;
    while (g_ascii_isspace (*p))
      p++;
    if (*p != '\0')
      return FALSE;
    *out_us = ((gint64) h * 3600 + m * 60 + s) * US_PER_S + frac;
    return TRUE;
  }

  if (*p != 'P')
    return FALSE;
  p++;
  while (*p && !g_ascii_isspace (*p)) {
    gint64 value, frac = 0;
    char *end;

    if (*p == 'T') {
      if (in_time)
        return FALSE;
      in_time = TRUE;
      p++;
      continue;
    }
    if (!g_ascii_isdigit (*p))
      return FALSE;
    value = g_ascii_strtoll (p, &end, 10);
    if (value < 0 || value > G_GINT64_CONSTANT (100000000))
      return FALSE;
    p = end;
    if (*p == '.' || *p == ',') {
      if (!parse_fraction (&p, &frac) || *p != 'S')
        return FALSE;
    }
    switch (*p) {
      case 'D':
        if (in_time || rank >= 1)
          return FALSE;
        rank = 1;
        total += value * US_PER_DAY;
        break;
      case 'H':
        if (!in_time || rank >= 2)
          return FALSE;
        rank = 2;
        total += value * 3600 * US_PER_S;
        break;
      case 'M':
        if (!in_time || rank >= 3)
          return FALSE; /* months are not a fixed length */
        rank = 3;
        total += value * 60 * US_PER_S;
        break;
      case 'S':
        if (!in_time || rank >= 4)
          return FALSE;
        rank = 4;
        total += value * US_PER_S + frac;
        break;
      default:
        return FALSE;
    }
    any = TRUE;
    p++;
  }
  while (g_ascii_isspace (*p))
    p++;
  if (!any || *p != '\0')
    return FALSE;
  *out_us = total;
  return TRUE;
}

/* "HH:MM:SS:FF" or "HH:MM:SS;FF" (drop-frame labels track the wall clock,
 * so the label is read as a time of day); HH may exceed 23 for a broadcast
 * day running past midnight. */
static gboolean
parse_timecode_us (const char *text, double fps, gint64 *out_us)
{
  int h, m, s, f = 0;
  const char *p = text;

  if (text == NULL)
    return FALSE;
  while (g_ascii_isspace (*p))
    p++;
  if (!digits (&p, 2, &h) || *p != ':')
    return FALSE;
  p++;
  if (!digits (&p, 2, &m) || *p != ':')
    return FALSE;
  p++;
  if (!digits (&p, 2, &s))
    return FALSE;
  if (*p == ':' || *p == ';' || *p == '.') {
    p++;
    if (!digits (&p, 2, &f))
      return FALSE;
  }
  while (g_ascii_isspace (*p))
    p++;
  if (*p != '\0' || m > 59 || s > 59 || h > 47 || f >= (int) (fps + 0.999))
    return FALSE;
  *out_us = ((gint64) h * 3600 + m * 60 + s) * US_PER_S +
            (gint64) (f * 1e6 / fps);
  return TRUE;
}

gint64
ws_schedule_local_to_utc (GTimeZone *tz, gint64 local_us)
{
  gint64 local_s = local_us / US_PER_S;
  gint64 rem = local_us % US_PER_S;
  gint64 t;
  int interval;

  if (rem < 0) {
    rem += US_PER_S;
    local_s--;
  }
  /* The DAYLIGHT hint takes the first occurrence of a repeated time (DST
   * ends); a time in the gap (DST starts) is moved to the end of the gap. */
  t = local_s;
  interval = g_time_zone_adjust_time (tz, G_TIME_TYPE_DAYLIGHT, &t);
  return (t - g_time_zone_get_offset (tz, interval)) * US_PER_S + rem;
}

/* ---- building ---------------------------------------------------------- */

static void add_violation (Parser *ps, int line, const char *element,
    const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static void
add_violation (Parser *ps, int line, const char *element, const char *fmt, ...)
{
  WsMetadataWarning *w = g_new0 (WsMetadataWarning, 1);
  va_list args;

  va_start (args, fmt);
  w->message = ws_xml_shorten_message (g_strdup_vprintf (fmt, args));
  va_end (args);
  w->line = line;
  w->element = ws_utf8_cut (element, WS_XML_MAX_QUOTED_CHARS);
  w->invalid = TRUE;
  g_ptr_array_add (ps->sched->warnings, w);
}

static const char *
intern (WsSchedule *s, const char *str)
{
  return str != NULL && *str ? g_string_chunk_insert_const (s->strings, str) :
                               NULL;
}

static const char *
attr (const xmlChar **attrs, int n, const char *name, char **owned)
{
  /* SAX2 attributes: localname, prefix, URI, value, end (5 per attribute) */
  for (int i = 0; i < n; i++) {
    const xmlChar **a = attrs + i * 5;

    if (a[2] == NULL && !strcmp ((const char *) a[0], name)) {
      *owned = g_strndup ((const char *) a[3], a[4] - a[3]);
      g_strstrip (*owned);
      return *owned;
    }
  }
  *owned = NULL;
  return NULL;
}

static void
watershed_event (Parser *ps, int line, const xmlChar **attrs, int n)
{
  char *id, *start, *duration, *end, *house, *title, *rating, *kind;
  WsScheduleEvent ev = { 0 };
  gboolean has_zone = FALSE;

  attr (attrs, n, "id", &id);
  attr (attrs, n, "start", &start);
  attr (attrs, n, "duration", &duration);
  attr (attrs, n, "end", &end);
  attr (attrs, n, "house-number", &house);
  attr (attrs, n, "title", &title);
  attr (attrs, n, "rating", &rating);
  attr (attrs, n, "kind", &kind);

  ev.line = line;
  if (start == NULL || !ws_parse_iso8601_us (start, &ev.start_us, &has_zone)) {
    add_violation (ps, line, "event",
        "event%s%s: start \"%s\" is not an "
        "ISO 8601 date and time (2026-07-01T20:30:00+01:00); event skipped",
        id ? " " : "", id ? id : "", start ? start : "(missing)");
    goto done;
  }
  ev.start_is_local = !has_zone;
  if (duration != NULL) {
    if (!ws_parse_duration_us (duration, &ev.duration_us)) {
      add_violation (ps, line, "event",
          "event%s%s: duration \"%s\" is not "
          "an xs:duration (PT1H30M) or HH:MM:SS; event skipped",
          id ? " " : "", id ? id : "", duration);
      goto done;
    }
  } else if (end != NULL) {
    gint64 end_us;
    gboolean end_zone = FALSE;

    if (!ws_parse_iso8601_us (end, &end_us, &end_zone) ||
        end_zone != has_zone) {
      add_violation (ps, line, "event",
          "event%s%s: end \"%s\" is not an "
          "ISO 8601 date and time written like its start; event skipped",
          id ? " " : "", id ? id : "", end);
      goto done;
    }
    ev.duration_us = end_us - ev.start_us;
  } else {
    add_violation (ps, line, "event",
        "event%s%s: give a duration or an "
        "end; event skipped",
        id ? " " : "", id ? id : "");
    goto done;
  }
  if (ev.duration_us <= 0) {
    add_violation (ps, line, "event",
        "event%s%s: duration must be positive; "
        "event skipped",
        id ? " " : "", id ? id : "");
    goto done;
  }
  ev.id = intern (ps->sched, id);
  ev.house_number = intern (ps->sched, house);
  ev.title = intern (ps->sched, title);
  ev.rating = intern (ps->sched, rating);
  ev.channel = ps->channel;
  ev.service_class = ps->service_class;
  ev.is_programme = kind == NULL || !strcmp (kind, "programme");
  g_array_append_val (ps->sched->events, ev);

done:
  g_free (id);
  g_free (start);
  g_free (duration);
  g_free (end);
  g_free (house);
  g_free (title);
  g_free (rating);
  g_free (kind);
}

static void
bxf_event_clear (BxfEvent *ev)
{
  g_free (ev->event_id);
  g_free (ev->broadcast_date);
  g_free (ev->start_tc);
  g_free (ev->start_text);
  g_free (ev->frame_rate);
  g_free (ev->duration_tc);
  g_free (ev->duration_text);
  g_free (ev->house_number);
  g_free (ev->name);
  g_free (ev->programme_name);
  g_free (ev->rating);
  memset (ev, 0, sizeof (*ev));
}

static void
bxf_event_finish (Parser *ps)
{
  BxfEvent *b = &ps->ev;
  WsScheduleEvent ev = { 0 };
  const char *label = b->event_id ? b->event_id : b->house_number;
  double fps = 30.0;

  if (!b->primary) {
    ps->sched->n_skipped++;
    return;
  }
  ev.line = b->line;
  if (b->frame_rate != NULL) {
    fps = g_ascii_strtod (b->frame_rate, NULL);
    if (!(fps >= 1.0 && fps <= 300.0)) {
      add_violation (ps, b->line, "SmpteDuration",
          "ScheduledEvent %s: "
          "frameRate \"%s\" is not a frame rate; event skipped",
          label ? label : "", b->frame_rate);
      return;
    }
  }
  if (b->broadcast_date != NULL && b->start_tc != NULL) {
    const char *p = b->broadcast_date;
    gint64 days, tod;

    if (!parse_date (&p, &days) || *p != '\0' ||
        !parse_timecode_us (b->start_tc, fps, &tod)) {
      add_violation (ps, b->line, "StartDateTime",
          "ScheduledEvent %s: start "
          "%s %s is not a date and SMPTE time code; event skipped",
          label ? label : "", b->broadcast_date, b->start_tc);
      return;
    }
    ev.start_us = days * US_PER_DAY + tod;
    ev.start_is_local = TRUE;
  } else if (b->start_text != NULL) {
    gboolean has_zone = FALSE;

    if (!ws_parse_iso8601_us (b->start_text, &ev.start_us, &has_zone)) {
      add_violation (ps, b->line, "StartDateTime",
          "ScheduledEvent %s: start "
          "\"%s\" is not a date and time; event skipped",
          label ? label : "", b->start_text);
      return;
    }
    ev.start_is_local = !has_zone;
  } else {
    add_violation (ps, b->line, "StartDateTime",
        "ScheduledEvent %s has no "
        "StartDateTime; event skipped",
        label ? label : "");
    return;
  }
  if (b->duration_tc != NULL) {
    if (!parse_timecode_us (b->duration_tc, fps, &ev.duration_us)) {
      add_violation (ps, b->line, "LengthOption",
          "ScheduledEvent %s: "
          "duration \"%s\" is not a SMPTE time code; event skipped",
          label ? label : "", b->duration_tc);
      return;
    }
  } else if (b->duration_text == NULL ||
             !ws_parse_duration_us (b->duration_text, &ev.duration_us)) {
    add_violation (ps, b->line, "LengthOption",
        "ScheduledEvent %s: no "
        "usable LengthOption/Duration; event skipped",
        label ? label : "");
    return;
  }
  if (ev.duration_us <= 0) {
    add_violation (ps, b->line, "LengthOption",
        "ScheduledEvent %s: "
        "duration must be positive; event skipped",
        label ? label : "");
    return;
  }
  ev.id = intern (ps->sched, b->event_id);
  ev.house_number = intern (ps->sched, b->house_number);
  ev.title = intern (ps->sched,
      b->programme_name ? b->programme_name : b->name);
  ev.rating = intern (ps->sched, b->rating);
  ev.channel = ps->channel;
  ev.service_class = ps->service_class;
  ev.is_programme = b->programme;
  g_array_append_val (ps->sched->events, ev);
}

static Elem
bxf_elem (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (bxf_names); i++) {
    if (!strcmp (bxf_names[i].name, name))
      return bxf_names[i].elem;
  }
  return E_OTHER;
}

/* TRUE when the stack ends with the given elements (innermost last). */
static gboolean
path_is (const Parser *ps, int n, const Elem *path)
{
  if (ps->depth < n)
    return FALSE;
  for (int i = 0; i < n; i++) {
    if (ps->stack[ps->depth - n + i] != path[i])
      return FALSE;
  }
  return TRUE;
}

#define PATH_IS(ps, ...)                                 \
  path_is (ps, G_N_ELEMENTS (((Elem[]){ __VA_ARGS__ })), \
      (Elem[]){ __VA_ARGS__ })

static gboolean
wants_text (const Parser *ps)
{
  Elem top = ps->stack[ps->depth - 1];

  if (!ps->in_event)
    return FALSE;
  switch (top) {
    case E_WS_RATING:
    case E_HOUSE_NUMBER:
    case E_PROGRAM_NAME:
      return TRUE;
    case E_EVENT_ID:
      return PATH_IS (ps, E_EVENT_DATA, E_EVENT_ID, E_EVENT_ID);
    case E_NAME:
      return PATH_IS (ps, E_CONTENT, E_NAME);
    case E_START_DATE_TIME:
      return PATH_IS (ps, E_EVENT_DATA, E_START_DATE_TIME);
    case E_DURATION:
      return PATH_IS (ps, E_EVENT_DATA, E_LENGTH_OPTION, E_DURATION);
    case E_SMPTE_TIME_CODE:
      return PATH_IS (ps, E_START_DATE_TIME, E_SMPTE_DATE_TIME,
                 E_SMPTE_TIME_CODE) ||
             PATH_IS (ps, E_EVENT_DATA, E_LENGTH_OPTION, E_DURATION,
                 E_SMPTE_DURATION, E_SMPTE_TIME_CODE);
    default:
      return FALSE;
  }
}

static void
take_text (Parser *ps, char **slot)
{
  char *t = g_strstrip (g_strdup (ps->text->str));

  if (*t == '\0' || *slot != NULL) {
    g_free (t);
    return;
  }
  *slot = t;
}

static void
bxf_end (Parser *ps)
{
  Elem top = ps->stack[ps->depth - 1];
  BxfEvent *b = &ps->ev;

  if (ps->capturing) {
    switch (top) {
      case E_WS_RATING:
        take_text (ps, &b->rating);
        break;
      case E_HOUSE_NUMBER:
        take_text (ps, &b->house_number);
        break;
      case E_PROGRAM_NAME:
        take_text (ps, &b->programme_name);
        break;
      case E_EVENT_ID:
        take_text (ps, &b->event_id);
        break;
      case E_NAME:
        take_text (ps, &b->name);
        break;
      case E_START_DATE_TIME:
        take_text (ps, &b->start_text);
        break;
      case E_DURATION:
        take_text (ps, &b->duration_text);
        break;
      case E_SMPTE_TIME_CODE:
        take_text (ps, PATH_IS (ps, E_START_DATE_TIME, E_SMPTE_DATE_TIME,
                           E_SMPTE_TIME_CODE) ?
                           &b->start_tc :
                           &b->duration_tc);
        break;
      default:
        break;
    }
    ps->capturing = FALSE;
  }
  if (top == E_SCHEDULED_EVENT && ps->in_event) {
    bxf_event_finish (ps);
    bxf_event_clear (b);
    ps->in_event = FALSE;
  }
}

/* ---- SAX callbacks ----------------------------------------------------- */

/* One of our element names in another namespace (a default xmlns moved
 * it, or a typo): ignored, with one warning per name and namespace that
 * counts them. */
typedef struct {
  WsMetadataWarning *w; /* owned by the warnings array */
  char *ns;
  const char *want_ns;
  gsize count;
  int last_line;
} Lookalike;

static void
lookalike_free (gpointer p)
{
  Lookalike *l = p;

  g_free (l->ns);
  g_free (l);
}

static void
note_lookalike (Parser *ps, int line, const char *name, const char *ns,
    const char *want_ns)
{
  char *key = g_strconcat (name, "\n", ns, NULL);
  Lookalike *l = g_hash_table_lookup (ps->lookalikes, key);

  ps->n_lookalikes++;
  if (ps->first_lookalike == NULL) {
    char *shown = ws_utf8_cut (ns, WS_XML_MAX_QUOTED_CHARS);

    ps->first_lookalike_line = line;
    ps->first_lookalike = g_strdup_printf ("<%s> %s%s%s", name,
        *ns ? "in namespace \"" : "with no namespace", shown, *ns ? "\"" : "");
    g_free (shown);
  }
  if (l == NULL) {
    l = g_new0 (Lookalike, 1);
    l->w = g_new0 (WsMetadataWarning, 1);
    l->w->line = line;
    l->w->element = ws_utf8_cut (name, WS_XML_MAX_QUOTED_CHARS);
    l->ns = ws_utf8_cut (ns, WS_XML_MAX_QUOTED_CHARS);
    l->want_ns = want_ns;
    g_ptr_array_add (ps->sched->warnings, l->w);
    g_hash_table_insert (ps->lookalikes, key, l);
    key = NULL;
  }
  l->count++;
  l->last_line = line;
  g_free (key);
}

/* Writes the look-alike warnings' messages once their counts are known. */
static void
finish_lookalikes (Parser *ps)
{
  GHashTableIter it;
  gpointer value;

  g_hash_table_iter_init (&it, ps->lookalikes);
  while (g_hash_table_iter_next (&it, NULL, &value)) {
    Lookalike *l = value;
    GString *m = g_string_new (NULL);

    g_string_append_printf (m,
        "<%s> %s%s%s is not the schedule's <%s> "
        "(namespace \"%s\"): ignored",
        l->w->element, *l->ns ? "in namespace \"" : "with no namespace", l->ns,
        *l->ns ? "\"" : "", l->w->element, l->want_ns);
    if (l->count > 1)
      g_string_append_printf (m,
          " (%" G_GSIZE_FORMAT " such elements, the "
          "last at line %d)",
          l->count, l->last_line);
    g_string_append (m, "; check the document's xmlns declarations");
    g_free (l->w->message);
    l->w->message = g_string_free (m, FALSE);
  }
}

static void
on_start (void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attrs)
{
  xmlParserCtxtPtr ctxt = ctx;
  Parser *ps = ws_xml_push_user_data (ctx);
  const char *name = (const char *) localname;
  const char *ns = uri ? (const char *) uri : "";
  int line = xmlSAX2GetLineNumber (ctxt);
  Elem e = E_OTHER;

  if (!ps->root_seen) {
    ps->root_seen = TRUE;
    if (!strcmp (name, "watershed-schedule") && !strcmp (ns, NS_WATERSHED)) {
      ps->sched->format = WS_SCHEDULE_FORMAT_WATERSHED;
    } else if (!strcmp (name, "BxfMessage") && !strcmp (ns, NS_BXF)) {
      ps->sched->format = WS_SCHEDULE_FORMAT_BXF;
    } else {
      ps->unknown_root = TRUE;
      ps->unknown_root_desc = g_strdup_printf ("%d: root element <%s>%s%s%s",
          line, name, *ns ? " in namespace \"" : " with no namespace", ns,
          *ns ? "\"" : "");
      xmlStopParser (ctxt);
      return;
    }
  }

  if (ps->sched->format == WS_SCHEDULE_FORMAT_WATERSHED) {
    char *owned_id, *owned_class;

    if (strcmp (ns, NS_WATERSHED) != 0) {
      if (!strcmp (name, "event") || !strcmp (name, "channel") ||
          !strcmp (name, "watershed-schedule"))
        note_lookalike (ps, line, name, ns, NS_WATERSHED);
      goto push;
    }
    if (!strcmp (name, "watershed-schedule") || !strcmp (name, "channel")) {
      attr (attrs, nb_attributes, !strcmp (name, "channel") ? "id" : "channel",
          &owned_id);
      attr (attrs, nb_attributes, "service-class", &owned_class);
      if (owned_id != NULL)
        ps->channel = intern (ps->sched, owned_id);
      if (owned_class != NULL)
        ps->service_class = intern (ps->sched, owned_class);
      g_free (owned_id);
      g_free (owned_class);
    } else if (!strcmp (name, "event")) {
      ps->n_events_seen++;
      watershed_event (ps, line, attrs, nb_attributes);
    }
    goto push;
  }

  /* BXF */
  if (!strcmp (ns, NS_BXF))
    e = bxf_elem (name);
  else if (!strcmp (ns, NS_WATERSHED) && !strcmp (name, "rating"))
    e = E_WS_RATING;
  else if (bxf_elem (name) != E_OTHER || !strcmp (name, "BxfMessage"))
    note_lookalike (ps, line, name, ns, NS_BXF);
  if (e == E_SCHEDULED_EVENT)
    ps->n_events_seen++;

  if (e == E_CHANNEL && !ps->in_event) {
    char *shortname;

    attr (attrs, nb_attributes, "shortName", &shortname);
    if (shortname != NULL)
      ps->channel = intern (ps->sched, shortname);
    g_free (shortname);
  } else if (e == E_SCHEDULED_EVENT && !ps->in_event) {
    bxf_event_clear (&ps->ev);
    ps->in_event = TRUE;
    ps->ev.line = line;
  } else if (ps->in_event && e == E_EVENT_DATA) {
    char *type;

    attr (attrs, nb_attributes, "eventType", &type);
    ps->ev.primary = type == NULL || !strcmp (type, "Primary");
    g_free (type);
  } else if (ps->in_event && e == E_SMPTE_DATE_TIME) {
    char *date;

    attr (attrs, nb_attributes, "broadcastDate", &date);
    if (ps->ev.broadcast_date == NULL)
      ps->ev.broadcast_date = date;
    else
      g_free (date);
  } else if (ps->in_event && e == E_SMPTE_DURATION && ps->depth >= 3 &&
             ps->stack[ps->depth - 2] == E_LENGTH_OPTION) {
    char *rate;

    attr (attrs, nb_attributes, "frameRate", &rate);
    if (ps->ev.frame_rate == NULL)
      ps->ev.frame_rate = rate;
    else
      g_free (rate);
  }
  if (ps->in_event && e == E_PROGRAM_EVENT && ps->depth > 0 &&
      ps->stack[ps->depth - 1] == E_PRIMARY_EVENT)
    ps->ev.programme = TRUE;

push:
  if (ps->depth >= MAX_DEPTH) {
    add_violation (ps, line, name,
        "elements nested deeper than %d levels; "
        "reading stopped",
        MAX_DEPTH);
    xmlStopParser (ctxt);
    return;
  }
  ps->stack[ps->depth++] = e;
  ps->capturing = ps->sched->format == WS_SCHEDULE_FORMAT_BXF &&
                  wants_text (ps);
  if (ps->capturing)
    g_string_truncate (ps->text, 0);
}

static void
on_end (void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
  Parser *ps = ws_xml_push_user_data (ctx);

  if (ps->depth == 0)
    return;
  if (ps->sched->format == WS_SCHEDULE_FORMAT_BXF)
    bxf_end (ps);
  else if (ps->depth >= 1 && !strcmp ((const char *) localname, "channel"))
    ps->channel = NULL, ps->service_class = NULL;
  ps->depth--;
  ps->capturing = FALSE;
}

static void
on_characters (void *ctx, const xmlChar *ch, int len)
{
  Parser *ps = ws_xml_push_user_data (ctx);

  if (ps->capturing && ps->text->len + len <= MAX_TEXT)
    g_string_append_len (ps->text, (const char *) ch, len);
}

/* ---- driver ------------------------------------------------------------ */

static WsSchedule *
schedule_new (const char *name)
{
  WsSchedule *s = g_new0 (WsSchedule, 1);

  s->path = g_strdup (name);
  s->events = g_array_new (FALSE, FALSE, sizeof (WsScheduleEvent));
  s->strings = g_string_chunk_new (64 * 1024);
  s->warnings = g_ptr_array_new_with_free_func (ws_metadata_warning_free);
  return s;
}

void
ws_schedule_free (WsSchedule *s)
{
  if (s == NULL)
    return;
  g_free (s->path);
  g_array_unref (s->events);
  g_string_chunk_free (s->strings);
  g_ptr_array_unref (s->warnings);
  g_free (s);
}

typedef gssize (*ReadFunc) (gpointer src, char *buf, gsize len);

static gboolean
all_blank (const char *buf, gsize n)
{
  for (gsize i = 0; i < n; i++) {
    if (!g_ascii_isspace (buf[i]))
      return FALSE;
  }
  return TRUE;
}

static WsSchedule *
parse_stream (const char *name, ReadFunc read, gpointer src, gsize buf_size,
    GError **error)
{
  xmlSAXHandler sax;
  Parser ps = { 0 };
  WsXmlPush *push = NULL;
  char *buf = g_malloc (MAX (buf_size, 1));
  gssize n;
  gboolean ok = TRUE, blank = TRUE;

  memset (&sax, 0, sizeof (sax));
  sax.initialized = XML_SAX2_MAGIC;
  sax.startElementNs = on_start;
  sax.endElementNs = on_end;
  sax.characters = on_characters;
  sax.cdataBlock = on_characters;

  ps.sched = schedule_new (name);
  ps.text = g_string_sized_new (256);
  ps.lookalikes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      lookalike_free);
  push = ws_xml_push_new (&sax, &ps, name);
  if (push == NULL) {
    g_set_error (error, WS_ERROR, WS_ERROR_IO, "%s: out of memory", name);
    ok = FALSE;
    goto end;
  }
  ps.ctxt = ws_xml_push_get_context (push);

  while ((n = read (src, buf, MAX (buf_size, 1))) > 0) {
    blank = blank && all_blank (buf, (gsize) n);
    if (!ws_xml_push_feed (push, buf, (gsize) n, FALSE))
      break;
  }
  if (n < 0) {
    g_set_error (error, WS_ERROR, WS_ERROR_IO, "%s: read error: %s", name,
        g_strerror (errno));
    ok = FALSE;
    goto end;
  }
  if (blank) {
    g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
        "%s: the file is empty; expected a schedule", name);
    ok = FALSE;
    goto end;
  }
  ws_xml_push_feed (push, NULL, 0, TRUE);

  if (!ws_xml_push_check_refused (push, error)) {
    ok = FALSE;
  } else if (ps.unknown_root) {
    g_set_error (error, WS_ERROR, WS_ERROR_UNKNOWN_FORMAT,
        "%s:%s is not a "
        "schedule watershed reads; expected <watershed-schedule> (%s) or "
        "SMPTE BXF <BxfMessage> (%s)",
        name, ps.unknown_root_desc, NS_WATERSHED, NS_BXF);
    ok = FALSE;
  } else if (!ws_xml_push_check_well_formed (push, error)) {
    ok = FALSE;
  } else if (!ps.root_seen) {
    g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
        "%s: malformed XML: no root element; fix the document", name);
    ok = FALSE;
  } else if (ps.n_events_seen == 0) {
    /* "0 events checked, pass" is how a default xmlns that moves every
     * event out of our namespace would slip through */
    const char *what = ps.sched->format == WS_SCHEDULE_FORMAT_BXF ?
                           "<ScheduledEvent>" :
                           "<event>";
    const char *want = ps.sched->format == WS_SCHEDULE_FORMAT_BXF ?
                           NS_BXF :
                           NS_WATERSHED;

    if (ps.n_lookalikes > 0)
      g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
          "%s:%d: the schedule has no %s in namespace \"%s\"; %" G_GSIZE_FORMAT
          " element(s) with the schedule's names are in "
          "another namespace, the first %s: check the xmlns declarations",
          name, ps.first_lookalike_line, what, want, ps.n_lookalikes,
          ps.first_lookalike);
    else
      g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
          "%s: the schedule has no %s in namespace \"%s\"; an empty "
          "schedule cannot be checked",
          name, what, want);
    ok = FALSE;
  }
  finish_lookalikes (&ps);

end:
  ws_xml_push_free (push);
  bxf_event_clear (&ps.ev);
  g_string_free (ps.text, TRUE);
  g_hash_table_unref (ps.lookalikes);
  g_free (ps.first_lookalike);
  g_free (ps.unknown_root_desc);
  g_free (buf);
  if (!ok) {
    ws_schedule_free (ps.sched);
    return NULL;
  }
  return ps.sched;
}

typedef struct {
  const char *data;
  gsize len, pos;
} MemSrc;

static gssize
read_mem (gpointer p, char *buf, gsize len)
{
  MemSrc *m = p;
  gsize n = MIN (len, m->len - m->pos);

  memcpy (buf, m->data + m->pos, n);
  m->pos += n;
  return (gssize) n;
}

static gssize
read_file (gpointer p, char *buf, gsize len)
{
  FILE *f = p;
  size_t n = fread (buf, 1, len, f);

  return ferror (f) ? -1 : (gssize) n;
}

WsSchedule *
ws_schedule_read_memory (const char *data, gsize len, const char *name,
    GError **error)
{
  MemSrc m = { data, len, 0 };

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  if (name == NULL)
    name = "<memory>";
  if (len == 0) {
    g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED,
        "%s: the file is empty; expected a schedule", name);
    return NULL;
  }
  return parse_stream (name, read_mem, &m, MIN (len, CHUNK), error);
}

WsSchedule *
ws_schedule_read_file (const char *path, GError **error)
{
  FILE *f;
  WsSchedule *s;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  fd = ws_xml_open_regular (path, "schedule", NULL, error);
  if (fd < 0)
    return NULL;
  f = fdopen (fd, "rb");
  if (f == NULL) {
    int e = errno;

    close (fd);
    g_set_error (error, WS_ERROR, WS_ERROR_IO, "%s: cannot read: %s", path,
        g_strerror (e));
    return NULL;
  }
  s = parse_stream (path, read_file, f, CHUNK, error);
  fclose (f);
  return s;
}

const char *
ws_schedule_get_path (const WsSchedule *s)
{
  return s->path;
}

WsScheduleFormat
ws_schedule_get_format (const WsSchedule *s)
{
  return s->format;
}

gsize
ws_schedule_get_n_events (const WsSchedule *s)
{
  return s->events->len;
}

const WsScheduleEvent *
ws_schedule_get_events (const WsSchedule *s)
{
  return (const WsScheduleEvent *) s->events->data;
}

gsize
ws_schedule_get_n_skipped (const WsSchedule *s)
{
  return s->n_skipped;
}

const GPtrArray *
ws_schedule_get_warnings (const WsSchedule *s)
{
  return s->warnings;
}
