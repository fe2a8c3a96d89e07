/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ratingsignal: real pipelines to mpegtsmux, the transport stream read back
 * packet by packet (tests/ws-test-ts.h: repetition measured on the PCR,
 * continuity counters, CRCs), by GStreamer's libgstmpegts and tsparse, by
 * ratingtag after tsparse ! tsdemux, by `watershed check --json` and by
 * dvbinfo (libdvbpsi) when it is installed. */
#define _GNU_SOURCE /* memmem */
#define GST_USE_UNSTABLE_API 1
#include <gst/check/gstcheck.h>
#include <gst/mpegts/mpegts.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ws-rating-event.h"
#include "ws-stamp.h"
#include "ws-test-ts.h"

/* the acceptance bound of TR 101 211 for EIT p/f and SDT repetition */
#define MAX_GAP_S 2.0
/* where a change may land around its stream time: the encoder and the
 * muxer's queue move it by a few frames at most */
#define CHANGE_TOLERANCE_S 0.5
#define FPS 25

/* DE FSK 16 for the whole programme; FSK 18 from 3 s to 5 s */
static const char *SIDECAR_SEGMENT =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" version=\"1\">\n"
    "  <programme id=\"SIG-1\" title=\"Nachtfahrt\">\n"
    "    <rating territory=\"DE\" system=\"fsk\" code=\"16\">\n"
    "      <text xml:lang=\"de\">Gewalt, Sprache</text>\n"
    "    </rating>\n"
    "    <segment start=\"00:00:03\" end=\"00:00:05\">\n"
    "      <rating territory=\"DE\" system=\"fsk\" code=\"18\"/>\n"
    "    </segment>\n"
    "  </programme>\n"
    "</watershed-metadata>\n";

static const char *SIDECAR_PLAIN =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" version=\"1\">\n"
    "  <programme id=\"SIG-2\" title=\"Nachtfahrt\">\n"
    "    <rating territory=\"DE\" system=\"fsk\" code=\"16\"/>\n"
    "  </programme>\n"
    "</watershed-metadata>\n";

/* ---- the temporary folder (made and removed by the parent process) ----- */

static gchar *case_dir;

static void
case_dir_setup (void)
{
  case_dir = g_dir_make_tmp ("ws-signal-XXXXXX", NULL);
  fail_unless (case_dir != NULL);
}

static void
case_dir_teardown (void)
{
  GDir *d = g_dir_open (case_dir, 0, NULL);
  const gchar *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
    gchar *path = g_build_filename (case_dir, name, NULL);

    g_unlink (path);
    g_free (path);
  }
  if (d != NULL)
    g_dir_close (d);
  g_rmdir (case_dir);
  g_clear_pointer (&case_dir, g_free);
}

static gchar *
tmp_file (const gchar *name)
{
  gchar *path = g_build_filename (case_dir, name, NULL);

  g_unlink (path); /* each test case starts from nothing */
  return path;
}

static gchar *
write_tmp (const gchar *name, const gchar *text)
{
  gchar *path = tmp_file (name);

  fail_unless (g_file_set_contents (path, text, -1, NULL));
  return path;
}

/* ---- running a pipeline ------------------------------------------------- */

typedef struct {
  GPtrArray *signal_messages; /* GstStructure copies of "ratingsignal" */
  GPtrArray *tag_messages;    /* GstStructure copies of "ratingtag" */
  GPtrArray *warnings;        /* gchar * */
  GPtrArray *sections;        /* GstMpegtsSection (from tsparse) */
} Run;

static void
run_free (Run *run)
{
  g_ptr_array_unref (run->signal_messages);
  g_ptr_array_unref (run->tag_messages);
  g_ptr_array_unref (run->warnings);
  g_ptr_array_unref (run->sections);
  g_free (run);
}

/* Runs @pipeline to EOS; fails on an error or when it does not end. */
static Run *
run_pipeline (GstElement *pipeline)
{
  Run *run = g_new0 (Run, 1);
  GstBus *bus = gst_element_get_bus (pipeline);
  gboolean done = FALSE;

  run->signal_messages = g_ptr_array_new_with_free_func (
      (GDestroyNotify) gst_structure_free);
  run->tag_messages = g_ptr_array_new_with_free_func (
      (GDestroyNotify) gst_structure_free);
  run->warnings = g_ptr_array_new_with_free_func (g_free);
  run->sections = g_ptr_array_new_with_free_func (
      (GDestroyNotify) gst_mini_object_unref);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
               GST_STATE_CHANGE_FAILURE);
  while (!done) {
    GstMessage *m = gst_bus_timed_pop_filtered (bus, 120 * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING |
            GST_MESSAGE_ELEMENT);
    GstMpegtsSection *section;

    fail_unless (m != NULL, "the pipeline did not end");
    switch (GST_MESSAGE_TYPE (m)) {
      case GST_MESSAGE_EOS:
        done = TRUE;
        break;
      case GST_MESSAGE_ERROR: {
        GError *err = NULL;
        gchar *dbg = NULL;

        gst_message_parse_error (m, &err, &dbg);
        fail ("error from %s: %s (%s)", GST_OBJECT_NAME (m->src), err->message,
            dbg ? dbg : "");
        break;
      }
      case GST_MESSAGE_WARNING: {
        GError *err = NULL;

        gst_message_parse_warning (m, &err, NULL);
        g_ptr_array_add (run->warnings, g_strdup (err->message));
        g_error_free (err);
        break;
      }
      default:
        section = gst_message_parse_mpegts_section (m);
        if (section != NULL) {
          g_ptr_array_add (run->sections, section);
        } else if (gst_message_has_name (m, "ratingsignal")) {
          g_ptr_array_add (run->signal_messages,
              gst_structure_copy (gst_message_get_structure (m)));
        } else if (gst_message_has_name (m, "ratingtag")) {
          g_ptr_array_add (run->tag_messages,
              gst_structure_copy (gst_message_get_structure (m)));
        }
        break;
    }
    gst_message_unref (m);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  return run;
}

static Run *
run_launch (const gchar *description)
{
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (description, &err);
  Run *run;

  fail_unless (pipeline != NULL, "%s: %s", description,
      err ? err->message : "?");
  run = run_pipeline (pipeline);
  gst_object_unref (pipeline);
  return run;
}

/* Encodes @seconds of video through ratingtag (sidecar @sidecar, territory
 * DE) and ratingsignal into mpegtsmux: the pipeline of the acceptance
 * criteria. */
static Run *
encode_ts (const gchar *sidecar, const gchar *ts, int seconds,
    const gchar *signal_props, const gchar *mux_props)
{
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=%d ! "
                                 "video/x-raw,width=160,height=120,"
                                 "framerate=%d/1 ! ratingtag location=\"%s\" "
                                 "territory=DE ! "
                                 "x264enc speed-preset=ultrafast "
                                 "tune=zerolatency key-int-max=25 ! "
                                 "h264parse ! ratingsignal %s ! mpegtsmux %s ! "
                                 "filesink location=\"%s\"",
      seconds * FPS, FPS, sidecar, signal_props, mux_props, ts);
  Run *run = run_launch (desc);

  g_free (desc);
  return run;
}

/* ---- reading the EIT back ----------------------------------------------- */

/* The parental_rating entries of an EIT p/f section 0 as "DEU:13 GBR:12"
 * (raw bytes), read with libgstmpegts for the structure and the
 * descriptor bytes as they are. */
static gchar *
eit_ratings (const WsTestSection *s, guint *service_id, guint *version)
{
  GstMpegtsSection *gs = gst_mpegts_section_new (0x12,
      g_memdup2 (s->data, s->len), s->len);
  const GstMpegtsEIT *eit;
  GString *out = g_string_new (NULL);

  fail_unless (gs != NULL);
  fail_unless_equals_int (gs->table_id, 0x4E);
  eit = gst_mpegts_section_get_eit (gs);
  fail_unless (eit != NULL);
  fail_unless (eit->present_following && eit->actual_stream);
  if (service_id)
    *service_id = gs->subtable_extension;
  if (version)
    *version = gs->version_number;
  for (guint i = 0; i < eit->events->len; i++) {
    const GstMpegtsEITEvent *ev = g_ptr_array_index (eit->events, i);

    fail_unless_equals_int (ev->running_status,
        GST_MPEGTS_RUNNING_STATUS_RUNNING);
    for (guint k = 0; k < ev->descriptors->len; k++) {
      const GstMpegtsDescriptor *d = g_ptr_array_index (ev->descriptors, k);

      if (d->tag != 0x55)
        continue;
      for (guint j = 2; j + 4 <= d->length + 2u; j += 4)
        g_string_append_printf (out, "%s%c%c%c:%u", out->len ? " " : "",
            d->data[j], d->data[j + 1], d->data[j + 2], d->data[j + 3]);
    }
  }
  gst_mpegts_section_unref (gs);
  return g_string_free (out, FALSE);
}

/* Checks every section of PID 0x12 (@eit) and 0x11: CRC, continuity, and
 * that each table repeats within MAX_GAP_S from the first PCR to the last;
 * the SDT names @expect_service with the EIT p/f flag. */
static void
check_si (const gchar *ts, WsTestTs *eit, guint expect_service)
{
  WsTestTs *sdt = ws_test_ts_read (ts, 0x11);
  WsTestTs *tables[2] = { eit, sdt };
  WsTestSection *s;
  GstMpegtsSection *gs;
  const GstMpegtsSDT *table;
  const GstMpegtsSDTService *svc;

  fail_unless (eit != NULL && sdt != NULL);
  fail_unless (eit->first_pcr_s >= 0);
  for (guint t = 0; t < 2; t++) {
    WsTestTs *x = tables[t];
    double last = x->first_pcr_s;

    fail_unless (x->sections->len > 0, "no sections on PID 0x%x",
        t == 0 ? 0x12 : 0x11);
    fail_unless_equals_int (x->cc_errors, 0);
    for (guint i = 0; i < x->sections->len; i++) {
      double at;

      s = g_ptr_array_index (x->sections, i);
      at = s->pcr_s < 0 ? x->first_pcr_s : s->pcr_s;
      fail_unless_equals_int (ws_test_crc32 (s->data, s->len), 0);
      fail_unless (at - last <= MAX_GAP_S,
          "PID 0x%x: %.3f s without the table (from %.3f s)",
          t == 0 ? 0x12 : 0x11, at - last, last - x->first_pcr_s);
      /* the EIT counts when its present section (0) comes */
      if (t == 1 || s->data[6] == 0)
        last = at;
    }
    fail_unless (x->last_pcr_s - last <= MAX_GAP_S,
        "PID 0x%x: no table in the last %.3f s", t == 0 ? 0x12 : 0x11,
        x->last_pcr_s - last);
  }
  s = g_ptr_array_index (sdt->sections, 0);
  gs = gst_mpegts_section_new (0x11, g_memdup2 (s->data, s->len), s->len);
  table = gst_mpegts_section_get_sdt (gs);
  fail_unless (table != NULL);
  fail_unless_equals_int (table->services->len, 1);
  svc = g_ptr_array_index (table->services, 0);
  fail_unless_equals_int (svc->service_id, expect_service);
  fail_unless (svc->EIT_present_following_flag);
  gst_mpegts_section_unref (gs);
  ws_test_ts_free (sdt);
}

typedef struct {
  double at_s; /* from the first PCR */
  guint version;
  guint event_id;
  gchar *ratings;
} Present;

static void
present_free (gpointer p)
{
  g_free (((Present *) p)->ratings);
  g_free (p);
}

/* The EIT present sections of @eit, in order. */
static GPtrArray *
presents (WsTestTs *eit, guint expect_service)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (present_free);

  for (guint i = 0; i < eit->sections->len; i++) {
    const WsTestSection *s = g_ptr_array_index (eit->sections, i);
    Present *p;
    guint sid;

    if (s->data[6] != 0)
      continue;
    p = g_new0 (Present, 1);
    p->ratings = eit_ratings (s, &sid, &p->version);
    p->event_id = (s->data[14] << 8) | s->data[15];
    fail_unless_equals_int (sid, expect_service);
    p->at_s = (s->pcr_s < 0 ? eit->first_pcr_s : s->pcr_s) - eit->first_pcr_s;
    g_ptr_array_add (out, p);
  }
  return out;
}

/* ---- the acceptance pipeline -------------------------------------------- */

/* videotestsrc ! ratingtag (DE) ! x264enc ! h264parse ! ratingsignal !
 * mpegtsmux: DEU rating 13 (FSK 16) within 2 s and then at least every
 * 2 s; the segment (FSK 18 from 3 s to 5 s) gives a new EIT version at 3 s
 * and another at 5 s. */
GST_START_TEST (test_ratingsignal_segment_versions)
{
  gchar *sidecar = write_tmp ("segment.xml", SIDECAR_SEGMENT);
  gchar *ts = tmp_file ("segment.ts");
  Run *run = encode_ts (sidecar, ts, 7, "", "");
  WsTestTs *eit = ws_test_ts_read (ts, 0x12);
  GPtrArray *ps;
  const Present *p0, *p;
  guint i, changes = 0;
  double at_18 = -1, back_16 = -1;

  check_si (ts, eit, 1);
  ps = presents (eit, 1);
  fail_unless (ps->len > 0);
  p0 = g_ptr_array_index (ps, 0);
  fail_unless (p0->at_s <= MAX_GAP_S, "first EIT at %.3f s", p0->at_s);
  fail_unless_equals_string (p0->ratings, "DEU:13");
  for (i = 1; i < ps->len; i++) {
    const Present *prev = g_ptr_array_index (ps, i - 1);

    p = g_ptr_array_index (ps, i);
    if (strcmp (p->ratings, prev->ratings) == 0) {
      /* the same content keeps its version */
      fail_unless_equals_int (p->version, prev->version);
      continue;
    }
    fail_unless (p->version == ((prev->version + 1) & 0x1F),
        "%s -> %s: version %u -> %u", prev->ratings, p->ratings, prev->version,
        p->version);
    changes++;
    if (strcmp (p->ratings, "DEU:15") == 0 && at_18 < 0)
      at_18 = p->at_s;
    else if (strcmp (p->ratings, "DEU:13") == 0 && at_18 >= 0)
      back_16 = p->at_s;
  }
  fail_unless_equals_int (changes, 2);
  fail_unless (at_18 > 3.0 - CHANGE_TOLERANCE_S &&
                   at_18 < 3.0 + CHANGE_TOLERANCE_S,
      "FSK 18 signalled at %.3f s, the segment starts at 3 s", at_18);
  fail_unless (back_16 > 5.0 - CHANGE_TOLERANCE_S &&
                   back_16 < 5.0 + CHANGE_TOLERANCE_S,
      "FSK 16 again at %.3f s, the segment ends at 5 s", back_16);

  /* the element says what it handed over, version by version */
  fail_unless_equals_int (run->signal_messages->len, 3);
  for (i = 0; i < 3; i++) {
    const GstStructure *s = g_ptr_array_index (run->signal_messages, i);
    static const char *const want[] = { "DEU:16", "DEU:18", "DEU:16" };
    guint v = 99, sid = 0;

    fail_unless_equals_string (gst_structure_get_name (s), "ratingsignal");
    fail_unless_equals_string (gst_structure_get_string (s, "ratings"),
        want[i]);
    fail_unless (gst_structure_get_uint (s, "version", &v));
    fail_unless_equals_int (v, (p0->version + i) & 0x1F);
    fail_unless (gst_structure_get_uint (s, "service-id", &sid));
    fail_unless_equals_int (sid, 1);
  }
  g_ptr_array_unref (ps);
  ws_test_ts_free (eit);
  run_free (run);
  g_free (sidecar);
  g_free (ts);
}
GST_END_TEST;

/* ---- outside readers ---------------------------------------------------- */

/* Runs a tool; its standard output with NUL bytes (dvbinfo prints raw
 * descriptor bytes) turned into spaces. */
static gchar *
run_tool (const gchar *const *argv, gint *status)
{
  GError *err = NULL;
  GSubprocess *p = g_subprocess_newv (argv,
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &err);
  GBytes *out = NULL;
  gsize len;
  const guint8 *data;
  gchar *text;

  fail_unless (p != NULL, "%s: %s", argv[0], err ? err->message : "?");
  fail_unless (g_subprocess_communicate (p, NULL, NULL, &out, NULL, &err),
      "%s: %s", argv[0], err ? err->message : "?");
  *status = g_subprocess_get_exit_status (p);
  data = g_bytes_get_data (out, &len);
  text = g_malloc (len + 1);
  if (len > 0)
    memcpy (text, data, len);
  for (gsize i = 0; i < len; i++)
    if (text[i] == '\0')
      text[i] = ' ';
  text[len] = '\0';
  g_bytes_unref (out);
  g_object_unref (p);
  return text;
}

GST_START_TEST (test_ratingsignal_read_back)
{
  gchar *sidecar = write_tmp ("plain.xml", SIDECAR_PLAIN);
  gchar *ts = tmp_file ("plain.ts");
  Run *run = encode_ts (sidecar, ts, 4,
      "service-name=\"Kanal Eins\" provider-name=watershed", "");
  gchar *desc, *dvbinfo, *watershed;
  gboolean eit_seen = FALSE, sdt_seen = FALSE;
  guint i;

  run_free (run);

  /* GStreamer: tsparse's section messages, ratingtag after tsdemux */
  desc = g_strdup_printf ("filesrc location=\"%s\" ! tsparse ! tsdemux ! "
                          "h264parse ! ratingtag territory=DE ! fakesink",
      ts);
  run = run_launch (desc);
  g_free (desc);
  for (i = 0; i < run->sections->len; i++) {
    GstMpegtsSection *s = g_ptr_array_index (run->sections, i);

    if (s->section_type == GST_MPEGTS_SECTION_EIT && s->table_id == 0x4E &&
        s->section_number == 0) {
      const GstMpegtsEIT *eit = gst_mpegts_section_get_eit (s);
      const GstMpegtsEITEvent *ev = g_ptr_array_index (eit->events, 0);
      const GstMpegtsDescriptor
          *d = gst_mpegts_find_descriptor (ev->descriptors, 0x55);
      GPtrArray *items = NULL;
      GstMpegtsDVBParentalRatingItem *item;

      fail_unless (d != NULL);
      fail_unless (gst_mpegts_descriptor_parse_dvb_parental_rating (d, &items));
      fail_unless_equals_int (items->len, 1);
      item = g_ptr_array_index (items, 0);
      fail_unless_equals_string (item->country_code, "DEU");
      fail_unless_equals_int (item->rating, 16); /* gst gives the age */
      g_ptr_array_unref (items);
      eit_seen = TRUE;
    } else if (s->section_type == GST_MPEGTS_SECTION_SDT) {
      const GstMpegtsSDT *sdt = gst_mpegts_section_get_sdt (s);
      const GstMpegtsSDTService *svc = g_ptr_array_index (sdt->services, 0);
      const GstMpegtsDescriptor
          *d = gst_mpegts_find_descriptor (svc->descriptors, 0x48);
      GstMpegtsDVBServiceType type;
      gchar *name = NULL, *provider = NULL;

      fail_unless (
          gst_mpegts_descriptor_parse_dvb_service (d, &type, &name, &provider));
      fail_unless_equals_string (name, "Kanal Eins");
      fail_unless_equals_string (provider, "watershed");
      fail_unless (svc->EIT_present_following_flag);
      g_free (name);
      g_free (provider);
      sdt_seen = TRUE;
    }
  }
  fail_unless (eit_seen && sdt_seen);
  fail_unless (run->tag_messages->len >= 1);
  {
    const GstStructure *s = g_ptr_array_index (run->tag_messages, 0);
    int age = 0;

    fail_unless_equals_string (gst_structure_get_string (s, "rating"),
        "dvb:16");
    fail_unless_equals_string (gst_structure_get_string (s, "source"),
        "dvb-eit");
    fail_unless_equals_string (gst_structure_get_string (s, "territory"), "DE");
    fail_unless (gst_structure_get_int (s, "minimum-age", &age));
    fail_unless_equals_int (age, 16);
  }
  run_free (run);

  /* watershed check --json */
  watershed = g_strdup (g_getenv ("WS_WATERSHED"));
  if (watershed != NULL) {
    const gchar *argv[] = { watershed, "check", "--json", ts, NULL };
    gint status = 0;
    gchar *out = run_tool (argv, &status);
    JsonParser *parser = json_parser_new ();
    JsonObject *file, *rating;
    JsonArray *ratings;
    gboolean found = FALSE;

    fail_unless (json_parser_load_from_data (parser, out, -1, NULL));
    file = json_array_get_object_element (
        json_object_get_array_member (json_node_get_object (
                                          json_parser_get_root (parser)),
            "files"),
        0);
    rating = json_object_get_object_member (file, "rating");
    ratings = json_object_get_array_member (rating, "ratings");
    for (i = 0; i < json_array_get_length (ratings); i++) {
      JsonObject *r = json_array_get_object_element (ratings, i);

      if (g_strcmp0 (json_object_get_string_member (r, "territory"), "DE") ==
          0) {
        fail_unless_equals_int (json_object_get_int_member (r, "minimum_age"),
            16);
        found = TRUE;
      }
    }
    fail_unless (found, "watershed check did not read DE");
    g_object_unref (parser);
    g_free (out);
  } else {
    g_printerr ("WS_WATERSHED is not set: watershed check is not run\n");
  }
  g_free (watershed);

  /* dvbinfo (libdvbpsi) decodes the EIT with the descriptor and the SDT */
  dvbinfo = g_find_program_in_path ("dvbinfo");
  if (dvbinfo != NULL) {
    const gchar *argv[] = { dvbinfo, "-f", ts, "-s", "table", NULL };
    gint status = 0;
    gchar *out = run_tool (argv, &status);

    fail_unless (strstr (out, "EIT: Event Information Table") != NULL);
    fail_unless (strstr (out, "Parental Rating") != NULL);
    fail_unless (strstr (out, "\"DEU") != NULL);
    fail_unless (strstr (out, "Running status: 4") != NULL);
    fail_unless (strstr (out, "EIT present  : yes") != NULL);
    fail_unless (strstr (out, "Kanal Eins") != NULL);
    g_free (out);
  } else {
    g_printerr ("dvbinfo is not installed (dvbpsi-utils): not run\n");
  }
  g_free (dvbinfo);
  g_free (sidecar);
  g_free (ts);
}
GST_END_TEST;

/* ---- several territories, fail closed, service-id, repeat-interval ------ */

/* Through a queue to the muxer's pad sink_300, which prog-map puts in
 * program 7. */

static GstPadProbeReturn
send_ratings (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  static const char *const names[] = { "bbfc:15", NULL, "fsk:12" };
  static const char *const territories[] = { "GB", "FR", NULL };
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    WsRating *r = ws_rating_new ();

    r->territory = g_strdup (territories[i]);
    if (names[i] != NULL)
      ws_rating_set_resolved (r,
          ws_rating_registry_parse (reg, names[i], NULL));
    gst_pad_send_event (pad, ws_rating_event_new (r, "application"));
    ws_rating_free (r);
  }
  return GST_PAD_PROBE_REMOVE;
}

GST_START_TEST (test_ratingsignal_territories)
{
  gchar *ts = tmp_file ("territories.ts");
  gchar *desc =
      g_strdup_printf ("videotestsrc num-buffers=100 ! "
                       "video/x-raw,width=160,height=120,"
                       "framerate=25/1 ! x264enc speed-preset=ultrafast "
                       "tune=zerolatency ! "
                       "h264parse ! ratingsignal name=sig "
                       "repeat-interval=500000000 ! queue ! "
                       "mux.sink_300 mpegtsmux name=mux si-interval=450000 "
                       "prog-map=\"program_map,sink_300=(int)7\" ! filesink "
                       "location=\"%s\"",
          ts);
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  GstElement *sig = gst_bin_get_by_name (GST_BIN (pipeline), "sig");
  GstElement *mux = gst_bin_get_by_name (GST_BIN (pipeline), "mux");
  GstPad *sink = gst_element_get_static_pad (sig, "sink");
  WsTestTs *eit;
  GPtrArray *ps;
  Run *run;
  guint interval = 0, fr_note = 0, no_territory = 0;
  double max_gap = 0;

  gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER, send_ratings, NULL, NULL);
  run = run_pipeline (pipeline);
  /* the muxer's 5 s si-interval was lowered to repeat-interval (90 kHz) */
  g_object_get (mux, "si-interval", &interval, NULL);
  fail_unless_equals_int (interval, 45000);

  eit = ws_test_ts_read (ts, 0x12);
  check_si (ts, eit, 7);
  ps = presents (eit, 7);
  for (guint i = 0; i < ps->len; i++) {
    const Present *p = g_ptr_array_index (ps, i);

    /* FR is unrated: 18 years (0x0F); the rating without territory is
     * not written */
    fail_unless_equals_string (p->ratings, "FRA:15 GBR:12");
    if (i > 0)
      max_gap = MAX (max_gap,
          p->at_s - ((const Present *) g_ptr_array_index (ps, i - 1))->at_s);
  }
  fail_unless (ps->len >= 6, "%u EITs in 4 s", ps->len);
  /* 0.5 s, give or take a frame of the PCR stream */
  fail_unless (max_gap < 0.5 + 0.1, "largest gap %.3f s", max_gap);
  for (guint i = 0; i < run->warnings->len; i++) {
    const gchar *w = g_ptr_array_index (run->warnings, i);

    if (strstr (w, "FR:") != NULL && strstr (w, "0x0F") != NULL)
      fr_note++;
    if (strstr (w, "needs a country") != NULL)
      no_territory++;
  }
  fail_unless_equals_int (fr_note, 1);
  fail_unless_equals_int (no_territory, 1);

  /* watershed check reads every territory: FR fail-closed at 18 */
  if (g_getenv ("WS_WATERSHED") != NULL) {
    const gchar *argv[] = { g_getenv ("WS_WATERSHED"), "check", "--json", ts,
      NULL };
    gint status = 0;
    gchar *out = run_tool (argv, &status);

    fail_unless (strstr (out, "\"territory\" : \"GB\",\n") != NULL);
    fail_unless (strstr (out, "\"territory\" : \"FR\",\n") != NULL);
    fail_unless (strstr (out, "\"minimum_age\" : 15,") != NULL);
    fail_unless (strstr (out, "\"minimum_age\" : 18,") != NULL);
    g_free (out);
  }

  g_ptr_array_unref (ps);
  ws_test_ts_free (eit);
  run_free (run);
  gst_object_unref (sink);
  gst_object_unref (sig);
  gst_object_unref (mux);
  gst_object_unref (pipeline);
  g_free (desc);
  g_free (ts);
}
GST_END_TEST;

/* An application that sends tags only, then a new programme */
static GstPadProbeReturn
tags_then_programme (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  guint *n = data;
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  WsRating *r = ws_rating_new ();

  if (*n == 0) {
    GstTagList *tags;

    r->territory = g_strdup ("DE");
    ws_rating_set_resolved (r, ws_rating_registry_parse (reg, "fsk:12", NULL));
    tags = ws_rating_to_tag_list (r);
    gst_tag_list_add (tags, GST_TAG_MERGE_APPEND, GST_TAG_TITLE, "Nachtfahrt",
        NULL);
    gst_pad_send_event (pad, gst_event_new_tag (tags));
  } else if (*n == 50) {
    gst_pad_send_event (pad, ws_programme_start_event_new ());
    r->territory = g_strdup ("GB");
    r->programme = g_strdup ("NEXT");
    ws_rating_set_resolved (r, ws_rating_registry_parse (reg, "bbfc:18", NULL));
    gst_pad_send_event (pad, ws_rating_event_new (r, "application"));
  }
  ws_rating_free (r);
  (*n)++;
  return GST_PAD_PROBE_OK;
}

GST_START_TEST (test_ratingsignal_tags_and_programmes)
{
  gchar *ts = tmp_file ("programmes.ts");
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=100 ! "
                                 "video/x-raw,width=160,height=120,"
                                 "framerate=25/1 ! x264enc "
                                 "speed-preset=ultrafast tune=zerolatency ! "
                                 "h264parse ! ratingsignal name=sig ! "
                                 "mpegtsmux ! filesink "
                                 "location=\"%s\"",
      ts);
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  GstElement *sig = gst_bin_get_by_name (GST_BIN (pipeline), "sig");
  GstPad *sink = gst_element_get_static_pad (sig, "sink");
  guint n = 0, i;
  WsTestTs *eit;
  GPtrArray *ps;
  Run *run;
  const Present *p = NULL;
  gboolean named = FALSE;

  gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER, tags_then_programme, &n,
      NULL);
  run = run_pipeline (pipeline);
  eit = ws_test_ts_read (ts, 0x12);
  check_si (ts, eit, 1);
  ps = presents (eit, 1);
  fail_unless (ps->len > 2);
  p = g_ptr_array_index (ps, 0);
  /* from the tags: FSK 12, event 1 */
  fail_unless_equals_string (p->ratings, "DEU:9");
  fail_unless_equals_int (p->event_id, 1);
  /* the title tag is the event name */
  for (i = 0; i < eit->sections->len && !named; i++) {
    const WsTestSection *s = g_ptr_array_index (eit->sections, i);

    if (s->data[6] == 0)
      named = memmem (s->data, s->len, "\x0ANachtfahrt", 11) != NULL;
  }
  fail_unless (named);
  /* the new programme: event 2, only its own rating, a new version */
  p = g_ptr_array_index (ps, ps->len - 1);
  fail_unless_equals_string (p->ratings, "GBR:15");
  fail_unless_equals_int (p->event_id, 2);
  fail_unless_equals_int (p->version,
      (((const Present *) g_ptr_array_index (ps, 0))->version + 1) & 0x1F);
  fail_unless_equals_int (run->signal_messages->len, 2);

  g_ptr_array_unref (ps);
  ws_test_ts_free (eit);
  run_free (run);
  gst_object_unref (sink);
  gst_object_unref (sig);
  gst_object_unref (pipeline);
  g_free (desc);
  g_free (ts);
}
GST_END_TEST;

/* What ws_stamp_mpegts() writes into a finished file, ratingtag reads back
 * for every territory (the file side of `watershed stamp`). */
GST_START_TEST (test_ratingsignal_stamped_file_read_back)
{
  gchar *plain = tmp_file ("unstamped.ts"), *stamped = tmp_file ("stamped.ts");
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  GPtrArray *ratings = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_rating_free);
  static const char *const territories[] = { "DE", "GB" };
  static const char *const names[] = { "fsk:16", "bbfc:15" };
  static const int ages[] = { 16, 15 };
  WsStampRequest req = { reg, ratings, "Nachtfahrt", "ger" };
  gchar *desc =
      g_strdup_printf ("videotestsrc num-buffers=75 ! "
                       "video/x-raw,width=160,height=120,"
                       "framerate=25/1 ! x264enc speed-preset=ultrafast "
                       "tune=zerolatency ! "
                       "h264parse ! mpegtsmux ! filesink location=\"%s\"",
          plain);
  GError *err = NULL;
  int fd;

  run_free (run_launch (desc));
  g_free (desc);
  for (guint i = 0; i < 2; i++) {
    WsRating *r = ws_rating_new ();

    r->territory = g_strdup (territories[i]);
    ws_rating_set_resolved (r, ws_rating_registry_parse (reg, names[i], NULL));
    g_ptr_array_add (ratings, r);
  }
  fd = g_open (stamped, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  fail_unless (fd >= 0);
  fail_unless (ws_stamp_mpegts (plain, fd, &req, &err), "%s",
      err ? err->message : "");
  close (fd);

  for (guint i = 0; i < 2; i++) {
    Run *run;
    const GstStructure *s;
    int age = 0;

    desc = g_strdup_printf ("filesrc location=\"%s\" ! tsparse ! tsdemux ! "
                            "h264parse ! ratingtag territory=%s ! fakesink",
        stamped, territories[i]);
    run = run_launch (desc);
    g_free (desc);
    fail_unless (run->tag_messages->len >= 1);
    s = g_ptr_array_index (run->tag_messages, 0);
    fail_unless_equals_string (gst_structure_get_string (s, "source"),
        "dvb-eit");
    fail_unless_equals_string (gst_structure_get_string (s, "territory"),
        territories[i]);
    fail_unless (gst_structure_get_int (s, "minimum-age", &age));
    fail_unless_equals_int (age, ages[i]);
    run_free (run);
  }
  g_ptr_array_unref (ratings);
  g_free (plain);
  g_free (stamped);
}
GST_END_TEST;

GST_START_TEST (test_ratingsignal_not_a_ts_muxer)
{
  gchar *sidecar = write_tmp ("plain2.xml", SIDECAR_PLAIN);
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=5 ! ratingtag "
                                 "location=\"%s\" territory=DE ! ratingsignal "
                                 "! fakesink",
      sidecar);
  Run *run = run_launch (desc);
  guint n = 0;

  for (guint i = 0; i < run->warnings->len; i++)
    if (strstr (g_ptr_array_index (run->warnings, i), "MPEG-TS muxer"))
      n++;
  fail_unless_equals_int (n, 1);
  fail_unless_equals_int (run->signal_messages->len, 0);
  run_free (run);
  g_free (desc);
  g_free (sidecar);
}
GST_END_TEST;

static Suite *
ratingsignal_suite (void)
{
  Suite *s = suite_create ("ratingsignal");
  TCase *tc = tcase_create ("pipelines");

  gst_mpegts_initialize ();
  tcase_set_timeout (tc, 300);
  tcase_add_unchecked_fixture (tc, case_dir_setup, case_dir_teardown);
  tcase_add_test (tc, test_ratingsignal_segment_versions);
  tcase_add_test (tc, test_ratingsignal_read_back);
  tcase_add_test (tc, test_ratingsignal_territories);
  tcase_add_test (tc, test_ratingsignal_tags_and_programmes);
  tcase_add_test (tc, test_ratingsignal_stamped_file_read_back);
  tcase_add_test (tc, test_ratingsignal_not_a_ts_muxer);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (ratingsignal);
