/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for ratings/ws-schedule.c: our schedule format and BXF. */
#include <check.h>
#include <glib.h>
#include <libxml/xmlschemas.h>
#include <string.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "ws-error.h"
#include "ws-policy.h"
#include "ws-rating-system.h"
#include "ws-schedule.h"
#include "ws-test-util.h"

#define US G_GINT64_CONSTANT (1000000)

static gint64
utc (int y, int mo, int d, int h, int mi, int s)
{
  GDateTime *dt = g_date_time_new_utc (y, mo, d, h, mi, s);
  gint64 us = g_date_time_to_unix (dt) * US;

  g_date_time_unref (dt);
  return us;
}

START_TEST (test_schedule_iso8601)
{
  gint64 us;
  gboolean zone;

  ck_assert (ws_parse_iso8601_us ("2026-07-01T20:59:00+01:00", &us, &zone));
  ck_assert (zone);
  ck_assert_int_eq (us, utc (2026, 7, 1, 19, 59, 0));
  ck_assert (ws_parse_iso8601_us ("2026-07-01T19:59:00Z", &us, &zone));
  ck_assert_int_eq (us, utc (2026, 7, 1, 19, 59, 0));
  ck_assert (ws_parse_iso8601_us ("2026-07-01T19:59:00.250-0230", &us, &zone));
  ck_assert_int_eq (us, utc (2026, 7, 1, 22, 29, 0) + 250000);
  ck_assert (ws_parse_iso8601_us ("2024-02-29T00:00", &us, &zone));
  ck_assert (!zone);
  ck_assert_int_eq (us, utc (2024, 2, 29, 0, 0, 0));
  ck_assert (ws_parse_iso8601_us ("2026-12-31T24:00:00Z", &us, NULL));
  ck_assert_int_eq (us, utc (2027, 1, 1, 0, 0, 0));
  ck_assert (ws_parse_iso8601_us ("1969-12-31T23:59:59Z", &us, NULL));
  ck_assert_int_eq (us, -US);

  ck_assert (!ws_parse_iso8601_us ("2026-02-29T00:00:00Z", &us, NULL));
  ck_assert (!ws_parse_iso8601_us ("2026-07-01T25:00:00Z", &us, NULL));
  ck_assert (!ws_parse_iso8601_us ("2026-07-01T20:61:00Z", &us, NULL));
  ck_assert (!ws_parse_iso8601_us ("2026-07-01T20:00:60Z", &us, NULL));
  ck_assert (!ws_parse_iso8601_us ("2026-07-01T24:00:01Z", &us, NULL));
  ck_assert (!ws_parse_iso8601_us ("2026-13-01T00:00:00Z", &us, NULL));
  ck_assert (!ws_parse_iso8601_us ("2026-07-01", &us, NULL));
  ck_assert (!ws_parse_iso8601_us ("2026-07-01T20:00:00+25:00", &us, NULL));
  ck_assert (!ws_parse_iso8601_us ("2026-07-01T20:00:00Zjunk", &us, NULL));
  ck_assert (!ws_parse_iso8601_us ("", &us, NULL));
  ck_assert (!ws_parse_iso8601_us (NULL, &us, NULL));
}
END_TEST

START_TEST (test_schedule_duration)
{
  gint64 us;

  ck_assert (ws_parse_duration_us ("PT1H30M", &us));
  ck_assert_int_eq (us, 5400 * US);
  ck_assert (ws_parse_duration_us ("P1DT2H", &us));
  ck_assert_int_eq (us, 26 * 3600 * US);
  ck_assert (ws_parse_duration_us ("PT90.5S", &us));
  ck_assert_int_eq (us, 90 * US + 500000);
  ck_assert (ws_parse_duration_us ("01:30:00", &us));
  ck_assert_int_eq (us, 5400 * US);
  ck_assert (ws_parse_duration_us ("30:00:00.5", &us));
  ck_assert_int_eq (us, 30 * 3600 * US + 500000);

  ck_assert (!ws_parse_duration_us ("P1M", &us));
  ck_assert (!ws_parse_duration_us ("P1Y", &us));
  ck_assert (!ws_parse_duration_us ("-PT1H", &us));
  ck_assert (!ws_parse_duration_us ("PT", &us));
  ck_assert (!ws_parse_duration_us ("PTH", &us));
  ck_assert (!ws_parse_duration_us ("PT1H2H3Hx", &us));
  ck_assert (!ws_parse_duration_us ("01:60:00", &us));
  ck_assert (!ws_parse_duration_us ("one hour", &us));
}
END_TEST

START_TEST (test_schedule_local_to_utc_dst)
{
  GTimeZone *tz = g_time_zone_new_identifier ("Europe/London");
  gint64 local;

  ck_assert_ptr_nonnull (tz);
  /* Summer: 20:59 BST is 19:59 UTC. */
  ck_assert (ws_parse_iso8601_us ("2026-07-01T20:59:00", &local, NULL));
  ck_assert_int_eq (ws_schedule_local_to_utc (tz, local),
      utc (2026, 7, 1, 19, 59, 0));
  /* Winter: local == UTC. */
  ck_assert (ws_parse_iso8601_us ("2026-01-15T21:00:00", &local, NULL));
  ck_assert_int_eq (ws_schedule_local_to_utc (tz, local),
      utc (2026, 1, 15, 21, 0, 0));
  /* Missing hour (29 March 2026, 01:00 -> 02:00): 01:30 does not exist and
   * moves to the end of the gap, 02:00 BST = 01:00 UTC. */
  ck_assert (ws_parse_iso8601_us ("2026-03-29T01:30:00", &local, NULL));
  ck_assert_int_eq (ws_schedule_local_to_utc (tz, local),
      utc (2026, 3, 29, 1, 0, 0));
  /* Repeated hour (25 October 2026): 01:30 is taken at its first
   * occurrence, 01:30 BST = 00:30 UTC. */
  ck_assert (ws_parse_iso8601_us ("2026-10-25T01:30:00", &local, NULL));
  ck_assert_int_eq (ws_schedule_local_to_utc (tz, local),
      utc (2026, 10, 25, 0, 30, 0));
  /* Sub-second parts survive. */
  ck_assert (ws_parse_iso8601_us ("2026-07-01T20:59:00.5", &local, NULL));
  ck_assert_int_eq (ws_schedule_local_to_utc (tz, local),
      utc (2026, 7, 1, 19, 59, 0) + 500000);
  g_time_zone_unref (tz);
}
END_TEST

static WsSchedule *
read_test_file (const char *name)
{
  char *path = ws_test_file (name);
  GError *error = NULL;
  WsSchedule *s = ws_schedule_read_file (path, &error);

  ck_assert_msg (s != NULL, "%s: %s", path, error ? error->message : "");
  g_free (path);
  return s;
}

static const WsMetadataWarning *
warning_at (const WsSchedule *s, guint i)
{
  const GPtrArray *w = ws_schedule_get_warnings (s);

  ck_assert_uint_lt (i, w->len);
  return g_ptr_array_index (w, i);
}

START_TEST (test_schedule_watershed_format)
{
  WsSchedule *s = read_test_file ("schedules/two-channels.xml");
  const WsScheduleEvent *ev = ws_schedule_get_events (s);

  ck_assert_int_eq (ws_schedule_get_format (s), WS_SCHEDULE_FORMAT_WATERSHED);
  ck_assert_uint_eq (ws_schedule_get_n_events (s), 6);

  ck_assert_str_eq (ev[0].id, "e1");
  ck_assert_str_eq (ev[0].channel, "ch-one");
  ck_assert_str_eq (ev[0].service_class, "free-to-air");
  ck_assert_str_eq (ev[0].house_number, "HN-100");
  ck_assert_str_eq (ev[0].title, "Evening News");
  ck_assert_str_eq (ev[0].rating, "bbfc:PG");
  ck_assert (!ev[0].start_is_local);
  ck_assert_int_eq (ev[0].start_us, utc (2026, 7, 1, 17, 0, 0));
  ck_assert_int_eq (ev[0].duration_us, 3600 * US);
  ck_assert (ev[0].is_programme);
  ck_assert_int_eq (ev[0].line, 6); /* the line where its start tag ends */

  ck_assert_ptr_null (ev[1].rating);
  ck_assert_int_eq (ev[1].duration_us, 5400 * US);

  /* end instead of duration, local time */
  ck_assert (ev[2].start_is_local);
  ck_assert_int_eq (ev[2].duration_us, 105 * 60 * US);

  ck_assert_str_eq (ev[3].id, "p1");
  ck_assert (!ev[3].is_programme);
  ck_assert_int_eq (ev[3].duration_us, 30 * US);

  ck_assert_str_eq (ev[4].id, "e5");
  ck_assert_str_eq (ev[5].channel, "ch-two");
  ck_assert_str_eq (ev[5].service_class, "pay-pin");

  /* The two impossible events are skipped, each named with its line. */
  ck_assert_uint_eq (ws_schedule_get_warnings (s)->len, 2);
  ck_assert (warning_at (s, 0)->invalid);
  ck_assert_int_eq (warning_at (s, 0)->line, 18);
  ck_assert (strstr (warning_at (s, 0)->message, "bad-start"));
  ck_assert (strstr (warning_at (s, 0)->message, "25:61"));
  ck_assert_int_eq (warning_at (s, 1)->line, 19);
  ck_assert (strstr (warning_at (s, 1)->message, "positive"));
  ws_schedule_free (s);
}
END_TEST

START_TEST (test_schedule_bxf)
{
  WsSchedule *s = read_test_file ("schedules/bxf-day.xml");
  const WsScheduleEvent *ev = ws_schedule_get_events (s);
  gint64 day;

  ck_assert (ws_parse_iso8601_us ("2026-07-01T00:00:00", &day, NULL));
  ck_assert_int_eq (ws_schedule_get_format (s), WS_SCHEDULE_FORMAT_BXF);
  ck_assert_uint_eq (ws_schedule_get_n_events (s), 3);
  ck_assert_uint_eq (ws_schedule_get_n_skipped (s), 1);

  ck_assert_str_eq (ev[0].house_number, "HN-200");
  ck_assert_str_eq (ev[0].title, "Crime Drama");
  ck_assert_str_eq (ev[0].id, "urn:uuid:5f2c1d10-0000-4000-8000-000000000001");
  ck_assert_str_eq (ev[0].channel, "WSTV");
  ck_assert (ev[0].start_is_local);
  ck_assert (ev[0].is_programme);
  ck_assert_ptr_null (ev[0].rating);
  ck_assert_int_eq (ev[0].start_us, day + (20 * 3600 + 30 * 60) * US);
  /* the event's length, not the media's (00:59:00:00) */
  ck_assert_int_eq (ev[0].duration_us, 3600 * US);

  ck_assert_str_eq (ev[1].house_number, "PROMO-7");
  ck_assert (!ev[1].is_programme);
  ck_assert_str_eq (ev[1].rating, "bbfc:15");
  /* 12 frames at 25 fps */
  ck_assert_int_eq (ev[1].start_us, day + (21 * 3600 + 30 * 60) * US + 480000);

  /* 24:30 of the broadcast day is 00:30 the next calendar day. */
  ck_assert_str_eq (ev[2].rating, "bbfc:18");
  ck_assert_int_eq (ev[2].start_us, day + (24 * 3600 + 30 * 60) * US);
  ck_assert_int_eq (ev[2].duration_us, 105 * 60 * US);

  ck_assert_uint_eq (ws_schedule_get_warnings (s)->len, 1);
  ck_assert (strstr (warning_at (s, 0)->message, "26:99:00:00"));
  ws_schedule_free (s);
}
END_TEST

START_TEST (test_schedule_errors)
{
  GError *error = NULL;
  const char *bad = "<watershed-schedule xmlns=\"urn:watershed:schedule:1\">\n"
                    "<channel id=\"x\">\n</watershed-schedule>\n";
  const char *other = "<tv><programme/></tv>";
  const char *xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE a [\n"
                    "<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
                    "<watershed-schedule xmlns=\"urn:watershed:schedule:1\">&e;"
                    "</watershed-schedule>";

  ck_assert_ptr_null (
      ws_schedule_read_memory (bad, strlen (bad), "s.xml", &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_MALFORMED));
  ck_assert_msg (g_str_has_prefix (error->message, "s.xml:3:"), "%s",
      error->message);
  g_clear_error (&error);

  ck_assert_ptr_null (
      ws_schedule_read_memory (other, strlen (other), "o.xml", &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_UNKNOWN_FORMAT));
  ck_assert (strstr (error->message, "<tv>"));
  g_clear_error (&error);

  ck_assert_ptr_null (
      ws_schedule_read_memory (xxe, strlen (xxe), "x.xml", &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_FORBIDDEN));
  g_clear_error (&error);

  ck_assert_ptr_null (ws_schedule_read_memory ("", 0, "e.xml", &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_MALFORMED));
  g_clear_error (&error);

  ck_assert_ptr_null (ws_schedule_read_file ("/nonexistent.xml", &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_IO));
  g_clear_error (&error);
}
END_TEST

/* Many events in several chunks: every one is read, none twice. */
START_TEST (test_schedule_many_events)
{
  GString *doc = g_string_new (
      "<watershed-schedule "
      "xmlns=\"urn:watershed:schedule:1\">\n<channel id=\"c\">\n");
  WsSchedule *s;
  const WsScheduleEvent *ev;
  const guint n = 60000;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (doc,
        "<event id=\"e%u\" start=\""
        "2026-01-01T00:00:00Z\" duration=\"PT%uS\" rating=\"bbfc:15\"/>\n",
        i, i + 1);
  g_string_append (doc, "</channel>\n</watershed-schedule>\n");
  s = ws_schedule_read_memory (doc->str, doc->len, "many.xml", NULL);
  ck_assert_ptr_nonnull (s);
  ck_assert_uint_eq (ws_schedule_get_n_events (s), n);
  ev = ws_schedule_get_events (s);
  for (guint i = 0; i < n; i += 997)
    ck_assert_int_eq (ev[i].duration_us, (gint64) (i + 1) * US);
  ck_assert_int_eq (ev[n - 1].line, (int) n + 2);
  ws_schedule_free (s);
  g_string_free (doc, TRUE);
}
END_TEST

START_TEST (test_schedule_file_validates)
{
  char *xsd = g_build_filename (g_getenv ("WATERSHED_DATADIR"), "schemas",
      "watershed-schedule.xsd", NULL);
  char *file = ws_test_file ("schedules/two-channels.xml");
  xmlSchemaParserCtxtPtr pctxt = xmlSchemaNewParserCtxt (xsd);
  xmlSchemaPtr schema = xmlSchemaParse (pctxt);
  xmlSchemaValidCtxtPtr vctxt;

  ck_assert_ptr_nonnull (schema);
  vctxt = xmlSchemaNewValidCtxt (schema);
  ck_assert_int_eq (xmlSchemaValidateFile (vctxt, file, 0), 0);
  xmlSchemaFreeValidCtxt (vctxt);
  xmlSchemaFree (schema);
  xmlSchemaFreeParserCtxt (pctxt);
  g_free (xsd);
  g_free (file);
}
END_TEST

/* ---- issue 11: hostile schedules --------------------------------------- */

#define WS_NS "urn:watershed:schedule:1"
#define BXF_NS "http://smpte-ra.org/schemas/2021/2008/BXF"

/* An <!ATTLIST> default would rate the unrated event bbfc:U. */
START_TEST (test_schedule_attlist_default_refused)
{
  GError *error = NULL;
  const char *doc = "<?xml version=\"1.0\"?>\n"
                    "<!DOCTYPE watershed-schedule [\n"
                    "<!ATTLIST event rating CDATA \"bbfc:U\">\n]>\n"
                    "<watershed-schedule xmlns=\"" WS_NS "\">\n"
                    "<event id=\"e1\" start=\"2026-07-01T20:00:00Z\" "
                    "duration=\"PT1H\"/>\n</watershed-schedule>\n";

  ck_assert_ptr_null (
      ws_schedule_read_memory (doc, strlen (doc), "s.xml", &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_FORBIDDEN));
  ck_assert_msg (strstr (error->message, "s.xml:3:") != NULL, "%s",
      error->message);
  ck_assert (strstr (error->message, "ATTLIST event rating"));
  g_clear_error (&error);
}
END_TEST

/* A default xmlns on <channel> moves every event out of our namespace:
 * that is an error naming the first look-alike, not "0 events, pass". */
START_TEST (test_schedule_no_events_in_namespace)
{
  GError *error = NULL;
  const char *moved = "<watershed-schedule xmlns=\"" WS_NS "\">\n"
                      "<channel id=\"c\" xmlns=\"urn:example:other\">\n"
                      "<event id=\"e1\" start=\"2026-07-01T20:00:00Z\" "
                      "duration=\"PT1H\"/>\n"
                      "<event id=\"e2\" start=\"2026-07-01T21:00:00Z\" "
                      "duration=\"PT1H\"/>\n"
                      "</channel></watershed-schedule>\n";
  const char *empty = "<watershed-schedule xmlns=\"" WS_NS "\">\n"
                      "<channel id=\"c\"/></watershed-schedule>\n";
  const char *bxf_empty = "<BxfMessage xmlns=\"" BXF_NS "\"><BxfData>"
                          "<Schedule/></BxfData></BxfMessage>";

  ck_assert_ptr_null (
      ws_schedule_read_memory (moved, strlen (moved), "m.xml", &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_INVALID));
  ck_assert_msg (g_str_has_prefix (error->message, "m.xml:2:"), "%s",
      error->message);
  ck_assert (strstr (error->message, "no <event> in namespace"));
  ck_assert (strstr (error->message, "3 element(s)"));
  ck_assert (strstr (error->message, "\"urn:example:other\""));
  g_clear_error (&error);

  ck_assert_ptr_null (
      ws_schedule_read_memory (empty, strlen (empty), "e.xml", &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_INVALID));
  ck_assert (strstr (error->message, "an empty schedule cannot be checked"));
  g_clear_error (&error);

  ck_assert_ptr_null (
      ws_schedule_read_memory (bxf_empty, strlen (bxf_empty), "b.xml", &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_INVALID));
  ck_assert (strstr (error->message, "no <ScheduledEvent>"));
  g_clear_error (&error);
}
END_TEST

/* Some events in our namespace and some look-alikes: read, with one
 * warning per (name, namespace) that counts them. */
START_TEST (test_schedule_lookalikes_warned)
{
  GError *error = NULL;
  GString *doc = g_string_new (
      "<watershed-schedule xmlns=\"" WS_NS "\" "
      "xmlns:o=\"urn:example:other\">\n"
      "<event id=\"real\" start=\"2026-07-01T20:00:"
      "00Z\" duration=\"PT1H\" rating=\"bbfc:15\"/>\n");
  WsSchedule *s;
  const GPtrArray *w;
  const WsMetadataWarning *first;
  int n_look = 0;

  for (int i = 0; i < 5; i++)
    g_string_append (doc, "<o:event id=\"fake\" start=\"2026-07-01T21:00:00Z\""
                          " duration=\"PT1H\" rating=\"bbfc:U\"/>\n");
  g_string_append (doc, "<event xmlns=\"\" id=\"bare\"/>\n");
  g_string_append (doc, "</watershed-schedule>\n");
  s = ws_schedule_read_memory (doc->str, doc->len, "l.xml", &error);
  ck_assert_ptr_nonnull (s);
  ck_assert_int_eq (ws_schedule_get_n_events (s), 1);
  ck_assert_str_eq (ws_schedule_get_events (s)[0].id, "real");
  w = ws_schedule_get_warnings (s);
  for (guint i = 0; i < w->len; i++) {
    const WsMetadataWarning *x = g_ptr_array_index (w, i);

    if (strstr (x->message, "is not the schedule's <event>") != NULL) {
      ck_assert (!x->invalid);
      n_look++;
    }
  }
  ck_assert_int_eq (n_look, 2);
  first = g_ptr_array_index (w, 0);
  ck_assert_int_eq (first->line, 3);
  ck_assert_str_eq (first->element, "event");
  ck_assert_msg (strstr (first->message,
                     "in namespace \"urn:example:other\"") &&
                     strstr (first->message,
                         "(5 such elements, the last at line 7)"),
      "%s", first->message);
  ws_schedule_free (s);
  g_string_free (doc, TRUE);
}
END_TEST

START_TEST (test_schedule_bxf_lookalike_warned)
{
  const char *doc =
      "<BxfMessage xmlns=\"" BXF_NS "\"><BxfData><Schedule>\n"
      "<ScheduledEvent><EventData eventType=\"Primary\"><EventId><EventId>"
      "A</EventId></EventId><StartDateTime>2026-07-01T20:00:00Z"
      "</StartDateTime><LengthOption><Duration>PT1H</Duration>"
      "</LengthOption></EventData></ScheduledEvent>\n"
      "<ScheduledEvent xmlns=\"urn:example:x\"/>\n"
      "</Schedule></BxfData></BxfMessage>";
  WsSchedule *s = ws_schedule_read_memory (doc, strlen (doc), "b.xml", NULL);
  const GPtrArray *w;
  const WsMetadataWarning *x;

  ck_assert_ptr_nonnull (s);
  ck_assert_int_eq (ws_schedule_get_n_events (s), 1);
  w = ws_schedule_get_warnings (s);
  ck_assert_int_eq (w->len, 1);
  x = g_ptr_array_index (w, 0);
  ck_assert_int_eq (x->line, 3);
  ck_assert (strstr (x->message, "is not the schedule's <ScheduledEvent>"));
  ws_schedule_free (s);
}
END_TEST

/* Durations that would overflow (repeated designators, huge values) are
 * refused rather than wrapped. */
START_TEST (test_schedule_duration_range)
{
  gint64 us;

  ck_assert (!ws_parse_duration_us ("PT9000000000S", &us));
  ck_assert (!ws_parse_duration_us ("PT1e100M", &us));
  ck_assert (!ws_parse_duration_us ("P100000000DT100000000H100000000H", &us));
  ck_assert (!ws_parse_duration_us ("P1D1D", &us));
  ck_assert (!ws_parse_duration_us ("PT1M1H", &us));
  ck_assert (!ws_parse_duration_us ("PT99999999999999999999999S", &us));
  ck_assert (ws_parse_duration_us ("P100000000DT100000000H100000000M"
                                   "100000000.999999S",
      &us));
  ck_assert_int_eq (us,
      G_GINT64_CONSTANT (100000000) * (86400 + 3600 + 60 + 1) * US + 999999);
}
END_TEST

/* Non-regular files are refused up front: a FIFO with no writer does not
 * hang; /dev/zero is not read for ever; an empty file says so. */
START_TEST (test_schedule_non_regular_and_empty)
{
  char *dir = g_dir_make_tmp ("ws-sched-XXXXXX", NULL);
  char *fifo = g_build_filename (dir, "fifo.xml", NULL);
  char *empty = g_build_filename (dir, "empty.xml", NULL);
  GError *error = NULL;
  const char *paths[] = { fifo, dir, "/dev/zero" };

  ck_assert_int_eq (mkfifo (fifo, 0600), 0);
  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++) {
    ck_assert_ptr_null (ws_schedule_read_file (paths[i], &error));
    ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_IO));
    ck_assert_msg (strstr (error->message, "not a regular file; give the "
                                           "schedule as a regular file"),
        "%s", error->message);
    g_clear_error (&error);
  }
  ck_assert (g_file_set_contents (empty, "\n", 1, NULL));
  ck_assert_ptr_null (ws_schedule_read_file (empty, &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_MALFORMED));
  ck_assert_msg (strstr (error->message, "the file is empty"), "%s",
      error->message);
  g_clear_error (&error);
  g_unlink (fifo);
  g_unlink (empty);
  g_rmdir (dir);
  g_free (fifo);
  g_free (empty);
  g_free (dir);
}
END_TEST

/* 200,000 attributes on one event, and a 5 MB attribute value echoed in a
 * violation: the first is refused before parsing, the second cut. */
START_TEST (test_schedule_bounds_and_cut_values)
{
  GError *error = NULL;
  GString *doc = g_string_new ("<watershed-schedule xmlns=\"" WS_NS "\">\n"
                               "<event");
  WsSchedule *s;
  const WsMetadataWarning *w;

  for (int i = 0; i < 200000; i++)
    g_string_append_printf (doc, " a%d=\"1\"", i);
  g_string_append (doc, "/></watershed-schedule>");
  ck_assert_ptr_null (
      ws_schedule_read_memory (doc->str, doc->len, "a.xml", &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_TOO_LARGE));
  ck_assert_msg (g_str_has_prefix (error->message, "a.xml:2:"), "%s",
      error->message);
  g_clear_error (&error);

  g_string_assign (doc, "<watershed-schedule xmlns=\"" WS_NS "\">\n"
                        "<event id=\"e\" start=\"2026-07-01T20:00:00Z\" "
                        "duration=\"");
  for (int i = 0; i < 5 * 1024 * 1024 / 8 - 64; i++)
    g_string_append (doc, "PT1HPT1H");
  g_string_append (doc, "\"/>\n<event id=\"ok\" start=\"2026-07-01T20:00:00Z\""
                        " duration=\"PT1H\"/></watershed-schedule>");
  /* over the start-tag bound: refused without echoing the value */
  ck_assert_ptr_null (
      ws_schedule_read_memory (doc->str, doc->len, "v.xml", &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_TOO_LARGE));
  ck_assert_uint_lt (strlen (error->message), 400);
  g_clear_error (&error);

  /* under it: read, the violation quotes 80 characters and an ellipsis */
  g_string_assign (doc, "<watershed-schedule xmlns=\"" WS_NS "\">\n"
                        "<event id=\"e\" start=\"2026-07-01T20:00:00Z\" "
                        "duration=\"");
  for (int i = 0; i < 100000; i++)
    g_string_append (doc, "PT1HPT1H");
  g_string_append (doc, "\"/>\n<event id=\"ok\" start=\"2026-07-01T20:00:00Z\""
                        " duration=\"PT1H\"/></watershed-schedule>");
  s = ws_schedule_read_memory (doc->str, doc->len, "v.xml", &error);
  ck_assert_ptr_nonnull (s);
  ck_assert_int_eq (ws_schedule_get_n_events (s), 1);
  w = g_ptr_array_index (ws_schedule_get_warnings (s), 0);
  ck_assert (w->invalid);
  ck_assert_uint_lt (strlen (w->message), 400);
  ck_assert_msg (strstr (w->message, "PT1HPT1H\u2026\" is not an"), "%s",
      w->message);
  ws_schedule_free (s);
  g_string_free (doc, TRUE);
}
END_TEST

/* An event in year 0001 is printed as a date, never "(null)". */
START_TEST (test_schedule_year_0001_formats)
{
  GError *error = NULL;
  WsRatingRegistry *reg = ws_rating_registry_new (NULL, &error);
  WsPolicy *p;
  gint64 us;
  char *text;

  ck_assert_msg (reg != NULL, "%s", error ? error->message : "?");
  p = ws_policy_load ("uk-ofcom", reg, &error);
  ck_assert_msg (p != NULL, "%s", error ? error->message : "?");
  ck_assert (ws_parse_iso8601_us ("0001-01-01T00:00:00Z", &us, NULL));
  text = ws_policy_format_time (p, us);
  /* London's local mean time was 1 min 15 s behind UTC */
  ck_assert_str_eq (text, "0000-12-31T23:58:45-00:01");
  g_free (text);
  ck_assert (ws_parse_iso8601_us ("9999-12-31T23:59:59Z", &us, NULL));
  text = ws_policy_format_time (p, us + 3600 * US);
  ck_assert_str_eq (text, "10000-01-01T00:59:59+00:00");
  g_free (text);
  ws_policy_free (p);
  ws_rating_registry_free (reg);
}
END_TEST

static Suite *
schedule_suite (void)
{
  Suite *s = suite_create ("ws-schedule");
  TCase *time = tcase_create ("time");
  TCase *formats = tcase_create ("formats");
  TCase *errors = tcase_create ("errors");

  tcase_add_test (time, test_schedule_iso8601);
  tcase_add_test (time, test_schedule_duration);
  tcase_add_test (time, test_schedule_local_to_utc_dst);
  suite_add_tcase (s, time);

  tcase_add_test (formats, test_schedule_watershed_format);
  tcase_add_test (formats, test_schedule_bxf);
  tcase_add_test (formats, test_schedule_many_events);
  tcase_add_test (formats, test_schedule_file_validates);
  suite_add_tcase (s, formats);

  tcase_add_test (errors, test_schedule_errors);
  tcase_add_test (errors, test_schedule_attlist_default_refused);
  tcase_add_test (errors, test_schedule_no_events_in_namespace);
  tcase_add_test (errors, test_schedule_lookalikes_warned);
  tcase_add_test (errors, test_schedule_bxf_lookalike_warned);
  tcase_add_test (errors, test_schedule_non_regular_and_empty);
  tcase_add_test (errors, test_schedule_bounds_and_cut_values);
  tcase_add_test (time, test_schedule_duration_range);
  tcase_add_test (time, test_schedule_year_0001_formats);
  suite_add_tcase (s, errors);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (schedule_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
