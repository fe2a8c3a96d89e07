/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the gate and the overlay in step (issue #14).
 *
 * When ratinggate opens it sends `watershed-programme-start` downstream
 * just before the first frame that passes, and ratingoverlay after it
 * starts a showing there: the badge is seen for its whole duration. These
 * tests check that on the pixels (RGBA frames of one colour: the slate is
 * black, the programme that colour, the badge neither), the events the
 * gate sends, the gate's decisions and times after a flushing seek with
 * clock=reference-meta, and a live videotestsrc pipeline on clock=wall
 * across an opening about a second in. */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <glib/gstdio.h>

#include <string.h>

#include "ws-metadata.h"
#include "ws-rating-event.h"
#include "ws-test-gst.h"

/* uk-ofcom: a BBFC 15 may run on free-to-air from 21:00 */
#define START "2026-07-01T20:59:50+01:00"
#define OPEN_NS (10 * GST_SECOND)
#define BADGE_NS (5 * GST_SECOND)
#define FPS 25
#define FRAME_NS (GST_SECOND / FPS)
#define W 320
#define H 180
/* the programme's colour, R G B */
#define PR 0x30
#define PG 0x90
#define PB 0x60

static void
rgba_info (GstVideoInfo *info)
{
  gst_video_info_set_format (info, GST_VIDEO_FORMAT_RGBA, W, H);
  GST_VIDEO_INFO_FPS_N (info) = FPS;
  GST_VIDEO_INFO_FPS_D (info) = 1;
}

/* frame @n of the programme: every pixel (PR, PG, PB) */
static GstBuffer *
programme_frame (guint n)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, (gsize) W * H * 4, NULL);
  GstMapInfo map;

  fail_unless (gst_buffer_map (buf, &map, GST_MAP_WRITE));
  for (gsize i = 0; i < map.size; i += 4) {
    map.data[i] = PR;
    map.data[i + 1] = PG;
    map.data[i + 2] = PB;
    map.data[i + 3] = 0xff;
  }
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = n * FRAME_NS;
  GST_BUFFER_DURATION (buf) = FRAME_NS;
  return buf;
}

typedef enum { FRAME_SLATE, FRAME_PROGRAMME, FRAME_OTHER } FrameKind;

typedef struct {
  FrameKind kind;
  guint badge_pixels; /* pixels in the badge's box unlike the background */
} Look;

/* What @buf shows: slate (black) or programme outside @badge, and how many
 * pixels inside @badge differ from that background by more than 24. */
static Look
look_at (GstBuffer *buf, const GstVideoRectangle *badge)
{
  GstMapInfo map;
  guint black = 0, prog = 0, outside = 0;
  Look look = { FRAME_OTHER, 0 };
  const guint8 *bg;
  static const guint8 black_px[3] = { 0, 0, 0 };
  static const guint8 prog_px[3] = { PR, PG, PB };

  fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
  fail_unless_equals_uint64 (map.size, (guint64) W * H * 4);
  for (gint y = 0; y < H; y++)
    for (gint x = 0; x < W; x++) {
      const guint8 *p = map.data + ((gsize) y * W + x) * 4;

      if (x >= badge->x && x < badge->x + badge->w && y >= badge->y &&
          y < badge->y + badge->h)
        continue;
      outside++;
      if (p[0] == 0 && p[1] == 0 && p[2] == 0)
        black++;
      else if (p[0] == PR && p[1] == PG && p[2] == PB)
        prog++;
    }
  if (black == outside)
    look.kind = FRAME_SLATE;
  else if (prog == outside)
    look.kind = FRAME_PROGRAMME;
  bg = look.kind == FRAME_SLATE ? black_px : prog_px;
  for (gint y = badge->y; y < badge->y + badge->h; y++)
    for (gint x = badge->x; x < badge->x + badge->w; x++) {
      const guint8 *p = map.data + ((gsize) y * W + x) * 4;

      for (gint c = 0; c < 3; c++)
        if (ABS ((gint) p[c] - (gint) bg[c]) > 24) {
          look.badge_pixels++;
          break;
        }
    }
  gst_buffer_unmap (buf, &map);
  return look;
}

/* (transfer none) the element made by @factory inside @bin */
static GstElement *
find_in_bin (GstElement *bin, const gchar *factory)
{
  GstElement *found = NULL;
  GstIterator *it = gst_bin_iterate_elements (GST_BIN (bin));
  GValue v = G_VALUE_INIT;

  while (found == NULL && gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    GstElement *e = g_value_get_object (&v);
    GstElementFactory *f = gst_element_get_factory (e);

    if (f != NULL && g_str_equal (GST_OBJECT_NAME (f), factory))
      found = e;
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
  fail_unless (found != NULL, "no %s", factory);
  return found;
}

/* the badge's box from the overlay's layout property */
static void
badge_box (GstElement *overlay, GstVideoRectangle *r)
{
  GstStructure *s = NULL;

  g_object_get (overlay, "layout", &s, NULL);
  fail_unless (s != NULL, "nothing rendered");
  fail_unless (gst_structure_get_int (s, "badge-x", &r->x));
  fail_unless (gst_structure_get_int (s, "badge-y", &r->y));
  fail_unless (gst_structure_get_int (s, "badge-width", &r->w));
  fail_unless (gst_structure_get_int (s, "badge-height", &r->h));
  fail_unless (r->w > 4 && r->h > 4);
  gst_structure_free (s);
}

/* ---- the badge is seen for its whole duration after the opening -------- */

/* Runs @launch (a ratinggate and a ratingoverlay in either order) across
 * the 21:00 opening and checks every frame on the pixels: the slate to
 * 21:00, the programme from then on, and the badge on every frame of one
 * showing of its full duration, from the opening (gate first: serialized,
 * on the frame) or from the frame after it (overlay first: the gate's
 * upstream announcement is not serialized, so the frame at the opening has
 * already been drawn). With the gate first the showing at the stream start
 * is also seen, drawn on the slate; with the overlay first the gate's slate
 * replaces it. */
static void
check_badge_after_opening (const gchar *launch, gboolean overlay_first)
{
  GstHarness *h = gst_harness_new_parse (launch);
  GstVideoInfo info;
  GstVideoRectangle badge = { 0, 0, 0, 0 };
  guint n_frames = (guint) ((OPEN_NS + BADGE_NS + 2 * GST_SECOND) / FRAME_NS);
  guint seen_badge = 0, seen_programme = 0;
  GstClockTime from = OPEN_NS + (overlay_first ? FRAME_NS : 0);

  rgba_info (&info);
  gst_harness_set_src_caps (h, gst_video_info_to_caps (&info));
  fail_unless (
      gst_harness_push_event (h, ws_test_rating_event ("bbfc", "15", "GB")));

  for (guint n = 0; n < n_frames; n++) {
    GstClockTime t = n * FRAME_NS;
    gboolean on_slate = !overlay_first && t < BADGE_NS;
    GstBuffer *out;
    Look look;

    fail_unless_equals_int (gst_harness_push (h, programme_frame (n)),
        GST_FLOW_OK);
    out = gst_harness_pull (h);
    if (n == 0)
      badge_box (find_in_bin (h->element, "ratingoverlay"), &badge);
    look = look_at (out, &badge);
    gst_buffer_unref (out);

    /* the gate: slate to 21:00, the programme from then on */
    fail_unless_equals_int (look.kind,
        t < OPEN_NS ? FRAME_SLATE : FRAME_PROGRAMME);
    if (on_slate || (t >= from && t < from + BADGE_NS)) {
      fail_unless (look.badge_pixels > (guint) (badge.w * badge.h / 4),
          "no badge at %" GST_TIME_FORMAT " (%u pixels)", GST_TIME_ARGS (t),
          look.badge_pixels);
      if (t >= OPEN_NS)
        seen_badge++;
    } else {
      fail_unless_equals_int (look.badge_pixels, 0);
    }
    if (look.kind == FRAME_PROGRAMME)
      seen_programme++;
  }
  /* every frame of the 5 s showing went out with the programme */
  fail_unless_equals_int (seen_badge, BADGE_NS / FRAME_NS);
  fail_unless_equals_int (seen_programme, n_frames - OPEN_NS / FRAME_NS);
  gst_harness_teardown (h);
}

GST_START_TEST (test_gate_overlay_badge_seen_after_opening)
{
  check_badge_after_opening ("ratinggate policy=uk-ofcom clock=scheduled "
                             "start-time=" START
                             " slate-text=\"\" ! ratingoverlay mode=at-start "
                             "fade=0 show-text=false "
                             "duration=5000000000",
      FALSE);
}

GST_END_TEST;

/* The order the issue names, the overlay before the gate. */
GST_START_TEST (test_overlay_before_gate_badge_seen_after_opening)
{
  check_badge_after_opening ("ratingoverlay mode=at-start fade=0 "
                             "show-text=false "
                             "duration=5000000000 ! ratinggate policy=uk-ofcom "
                             "clock=scheduled "
                             "start-time=" START " slate-text=\"\"",
      TRUE);
}

GST_END_TEST;

/* ---- the events the gate sends ---------------------------------------- */

/* the custom events of @h's sink queue, by name, in order ("" for others) */
static gchar *
custom_events (GstHarness *h)
{
  GString *s = g_string_new (NULL);
  GstEvent *ev;

  while ((ev = gst_harness_try_pull_event (h)) != NULL) {
    if (ws_event_has_name (ev, WS_PROGRAMME_START_EVENT_NAME)) {
      const gchar *by = gst_structure_get_string (gst_event_get_structure (ev),
          "opened-by");

      g_string_append_printf (s, "start(%s) ", by ? by : "-");
    } else if (ws_rating_event_is (ev)) {
      WsRating *r = ws_rating_event_parse (ev, NULL);

      fail_unless (r != NULL);
      g_string_append_printf (s, "rating(%s:%s) ", r->system, r->code);
      ws_rating_free (r);
    }
    gst_event_unref (ev);
  }
  return g_string_free (s, FALSE);
}

static void
push_and_drop (GstHarness *h, guint n)
{
  fail_unless_equals_int (gst_harness_push (h, programme_frame (n)),
      GST_FLOW_OK);
  gst_buffer_unref (gst_harness_pull (h));
}

static GstHarness *
gate_harness (const gchar *mode, const gchar *start)
{
  GstElement *gate = gst_element_factory_make ("ratinggate", "gate0");
  GstVideoInfo info;
  GstHarness *h;

  fail_unless (gate != NULL);
  g_object_set (gate, "policy", "uk-ofcom", "start-time", start, "slate-text",
      "", NULL);
  gst_util_set_object_arg (G_OBJECT (gate), "clock", "scheduled");
  gst_util_set_object_arg (G_OBJECT (gate), "mode", mode);
  h = gst_harness_new_with_element (gate, "sink", "src");
  gst_object_unref (gate);
  rgba_info (&info);
  gst_harness_set_src_caps (h, gst_video_info_to_caps (&info));
  return h;
}

/* Pushes frames @n... while their time is before @until (pulling the
 * slates in slate mode) and returns the next frame number. */
static guint
push_closed (GstHarness *h, const gchar *mode, guint n, GstClockTime until)
{
  for (; n * FRAME_NS < until; n++) {
    fail_unless_equals_int (gst_harness_push (h, programme_frame (n)),
        GST_FLOW_OK);
    if (g_str_equal (mode, "slate"))
      gst_buffer_unref (gst_harness_pull (h));
  }
  return n;
}

/* the custom events queued on @h's sink are @want */
static void
expect_events (GstHarness *h, const gchar *want)
{
  gchar *got = custom_events (h);

  fail_unless_equals_string (got, want);
  g_free (got);
}

GST_START_TEST (test_gate_announces_each_opening)
{
  const gchar *modes[] = { "slate", "drop" };

  for (guint m = 0; m < G_N_ELEMENTS (modes); m++) {
    GstHarness *h = gate_harness (modes[m], START);
    guint n;

    fail_unless (
        gst_harness_push_event (h, ws_test_rating_event ("bbfc", "15", "GB")));
    /* closed for 2 s: nothing announced */
    n = push_closed (h, modes[m], 0, 2 * GST_SECOND);
    expect_events (h, "rating(bbfc:15) ");

    /* a 12 may run at any time: the gate opens at the next frame */
    fail_unless (
        gst_harness_push_event (h, ws_test_rating_event ("bbfc", "12", "GB")));
    expect_events (h, "rating(bbfc:12) ");
    push_and_drop (h, n++);
    expect_events (h, "start(gate0) rating(bbfc:12) ");
    push_and_drop (h, n++);
    expect_events (h, "");

    /* back to 15: closed again, then open at 21:00 (running time 10 s) */
    fail_unless (
        gst_harness_push_event (h, ws_test_rating_event ("bbfc", "15", "GB")));
    n = push_closed (h, modes[m], n, OPEN_NS);
    expect_events (h, "rating(bbfc:15) ");
    push_and_drop (h, n++);
    expect_events (h, "start(gate0) rating(bbfc:15) ");
    gst_harness_teardown (h);
  }
}

GST_END_TEST;

/* open from the first frame: no opening to announce */
GST_START_TEST (test_gate_open_from_start_announces_nothing)
{
  GstHarness *h = gate_harness ("slate", "2026-07-01T21:30:00+01:00");

  fail_unless (
      gst_harness_push_event (h, ws_test_rating_event ("bbfc", "15", "GB")));
  for (guint n = 0; n < FPS; n++)
    push_and_drop (h, n);
  expect_events (h, "rating(bbfc:15) ");
  gst_harness_teardown (h);
}

GST_END_TEST;

/* ---- clock=reference-meta across flushing seeks ------------------------ */

typedef struct {
  gboolean allowed;
  gchar *kind, *instant;
  guint64 running_time, timestamp;
} Decision;

static void
decision_clear (Decision *d)
{
  g_free (d->kind);
  g_free (d->instant);
}

/* the "ratinggate" messages on @bus, oldest first (GArray of Decision) */
static GArray *
pop_decisions (GstBus *bus)
{
  GArray *a = g_array_new (FALSE, TRUE, sizeof (Decision));
  GstMessage *msg;

  g_array_set_clear_func (a, (GDestroyNotify) decision_clear);
  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT)) != NULL) {
    const GstStructure *s = gst_message_get_structure (msg);
    Decision d = { 0 };

    if (gst_structure_has_name (s, "ratinggate")) {
      fail_unless (gst_structure_get_boolean (s, "allowed", &d.allowed));
      fail_unless (
          gst_structure_get_uint64 (s, "running-time", &d.running_time));
      fail_unless (gst_structure_get_uint64 (s, "timestamp", &d.timestamp));
      d.kind = g_strdup (gst_structure_get_string (s, "kind"));
      d.instant = g_strdup (gst_structure_get_string (s, "instant"));
      g_array_append_val (a, d);
    }
    gst_message_unref (msg);
  }
  return a;
}

/* Pushes frame @pts (with a reference timestamp @ref_ns unless NONE) and
 * returns what came out: TRUE the programme, FALSE the slate. */
static gboolean
push_ref_frame (GstHarness *h, GstClockTime pts, GstClockTime ref_ns)
{
  static GstCaps *unix_caps;
  GstBuffer *in = programme_frame (0), *out;
  GstVideoRectangle none = { 0, 0, 0, 0 };
  Look look;

  if (unix_caps == NULL)
    unix_caps = gst_caps_new_empty_simple ("timestamp/x-unix");
  GST_BUFFER_PTS (in) = pts;
  if (GST_CLOCK_TIME_IS_VALID (ref_ns))
    gst_buffer_add_reference_timestamp_meta (in, unix_caps, ref_ns,
        GST_CLOCK_TIME_NONE);
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out), pts);
  look = look_at (out, &none);
  gst_buffer_unref (out);
  fail_unless (look.kind != FRAME_OTHER);
  return look.kind == FRAME_PROGRAMME;
}

/* a flushing seek as the harness's upstream would do it: flush, then a
 * segment playing from @start (running time from 0 again) */
static void
flushing_seek (GstHarness *h, GstClockTime start)
{
  GstSegment seg;

  fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.start = seg.time = seg.position = start;
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&seg)));
}

GST_START_TEST (test_gate_reference_meta_flushing_seek)
{
  GstElement *gate = gst_element_factory_make ("ratinggate", "gate0");
  GstBus *bus = gst_bus_new ();
  GDateTime *dt = g_date_time_new_from_iso8601 (START, NULL);
  GstClockTime ref0 = (GstClockTime) g_date_time_to_unix (dt) * GST_SECOND;
  GstVideoInfo info;
  GArray *d;
  GstHarness *h;
  gchar *got;
  guint n;

  g_object_set (gate, "policy", "uk-ofcom", "slate-text", "", NULL);
  gst_util_set_object_arg (G_OBJECT (gate), "clock", "reference-meta");
  gst_element_set_bus (gate, bus);
  h = gst_harness_new_with_element (gate, "sink", "src");
  gst_object_unref (gate);
  rgba_info (&info);
  gst_harness_set_src_caps (h, gst_video_info_to_caps (&info));
  fail_unless (
      gst_harness_push_event (h, ws_test_rating_event ("bbfc", "15", "GB")));

  /* 20:59:50 + pts, every frame stamped: the gate opens at 10 s */
  for (n = 0; n < 12 * FPS; n++)
    fail_unless_equals_int (push_ref_frame (h, n * FRAME_NS,
                                ref0 + n * FRAME_NS),
        n * FRAME_NS >= OPEN_NS);
  d = pop_decisions (bus);
  fail_unless_equals_int (d->len, 2);
  fail_unless (!g_array_index (d, Decision, 0).allowed);
  fail_unless (g_array_index (d, Decision, 1).allowed);
  fail_unless_equals_uint64 (g_array_index (d, Decision, 1).running_time,
      OPEN_NS);
  fail_unless_equals_string (g_array_index (d, Decision, 1).instant,
      "2026-07-01T21:00:00+01:00");
  g_array_unref (d);
  g_free (custom_events (h));

  /* seek back to the start of the programme (stream time 2 s). The first
   * frame after the flush carries no reference timestamp: the one from
   * before the flush must not be carried on, so it is blocked (fail
   * closed, "no-time") rather than allowed from the old 21:00:12. */
  flushing_seek (h, 2 * GST_SECOND);
  fail_unless (!push_ref_frame (h, 2 * GST_SECOND, GST_CLOCK_TIME_NONE));
  d = pop_decisions (bus);
  fail_unless_equals_int (d->len, 1);
  fail_unless_equals_string (g_array_index (d, Decision, 0).kind, "no-time");
  fail_unless_equals_uint64 (g_array_index (d, Decision, 0).running_time, 0);
  g_array_unref (d);

  /* then stamped 20:59:52: blocked; unstamped frames go on from it by
   * running time and the gate opens 8 s later, at running time 8 s + one
   * frame (the unstamped frame at running time 0 came first) */
  fail_unless (
      !push_ref_frame (h, 2 * GST_SECOND + FRAME_NS, ref0 + 2 * GST_SECOND));
  for (n = 2; n < 10 * FPS; n++) {
    GstClockTime pts = 2 * GST_SECOND + n * FRAME_NS;
    GstClockTime instant = ref0 + 2 * GST_SECOND + (n - 1) * FRAME_NS;

    gboolean passed = push_ref_frame (h, pts, GST_CLOCK_TIME_NONE);

    fail_unless (passed == (instant >= ref0 + OPEN_NS), "frame %u", n);
  }
  d = pop_decisions (bus);
  fail_unless_equals_int (d->len, 2);
  fail_unless_equals_string (g_array_index (d, Decision, 0).kind,
      "outside-window");
  fail_unless_equals_string (g_array_index (d, Decision, 0).instant,
      "2026-07-01T20:59:52+01:00");
  fail_unless (g_array_index (d, Decision, 1).allowed);
  fail_unless_equals_uint64 (g_array_index (d, Decision, 1).running_time,
      8 * GST_SECOND + FRAME_NS);
  fail_unless_equals_uint64 (g_array_index (d, Decision, 1).timestamp,
      10 * GST_SECOND + FRAME_NS);
  fail_unless_equals_string (g_array_index (d, Decision, 1).instant,
      "2026-07-01T21:00:00+01:00");
  g_array_unref (d);
  /* the reopening after the seek is announced once */
  got = custom_events (h);
  fail_unless (strstr (got, "start(gate0) ") != NULL, "%s", got);
  fail_unless (strstr (strstr (got, "start(gate0) ") + 1, "start(") == NULL,
      "%s", got);
  g_free (got);

  /* seek forward into the allowed period: open at once, no slate */
  flushing_seek (h, 60 * GST_SECOND);
  for (n = 0; n < FPS; n++)
    fail_unless (push_ref_frame (h, 60 * GST_SECOND + n * FRAME_NS,
        ref0 + 60 * GST_SECOND + n * FRAME_NS));
  /* allowed as before the seek: no change to report */
  d = pop_decisions (bus);
  fail_unless_equals_int (d->len, 0);
  g_array_unref (d);
  /* it was open before the seek: no new opening */
  got = custom_events (h);
  fail_unless (strstr (got, "start(") == NULL, "%s", got);
  g_free (got);

  /* back before 21:00 with a stamp on every frame: closed, then open */
  flushing_seek (h, 5 * GST_SECOND);
  for (n = 0; n < 6 * FPS; n++)
    fail_unless_equals_int (push_ref_frame (h, 5 * GST_SECOND + n * FRAME_NS,
                                ref0 + 5 * GST_SECOND + n * FRAME_NS),
        5 * GST_SECOND + n * FRAME_NS >= OPEN_NS);
  d = pop_decisions (bus);
  fail_unless_equals_int (d->len, 2);
  fail_unless (!g_array_index (d, Decision, 0).allowed);
  fail_unless_equals_uint64 (g_array_index (d, Decision, 0).running_time, 0);
  fail_unless (g_array_index (d, Decision, 1).allowed);
  fail_unless_equals_uint64 (g_array_index (d, Decision, 1).running_time,
      5 * GST_SECOND);
  g_array_unref (d);

  gst_element_set_bus (h->element, NULL);
  gst_harness_teardown (h);
  gst_object_unref (bus);
  g_date_time_unref (dt);
}

GST_END_TEST;

/* ---- live: videotestsrc is-live=true on clock=wall --------------------- */

/* A policy in UTC whose only window for a 15 opens at @open_s (Unix
 * seconds) and lasts an hour; written into @dir. g_free the path. */
static gchar *
write_policy (const gchar *dir, gint64 open_s)
{
  GDateTime *from = g_date_time_new_from_unix_utc (open_s);
  GDateTime *to = g_date_time_add_hours (from, 1);
  gchar *f = g_date_time_format (from, "%H:%M:%S");
  gchar *t = g_date_time_format (to, "%H:%M:%S");
  gchar *path = g_build_filename (dir, "live-policy.xml", NULL);
  gchar *xml =
      g_strdup_printf ("<policy xmlns=\"urn:watershed:policy:1\" "
                       "id=\"live-test\" "
                       "jurisdiction=\"GB\" zone=\"UTC\" systems=\"bbfc\">\n"
                       "  <name>live test</name>\n"
                       "  <service-class id=\"tv\" "
                       "default=\"true\"><description>tv"
                       "</description></service-class>\n"
                       "  <rule-set version=\"1\" valid-from=\"2000-01-01\">\n"
                       "    <rule id=\"fifteen\" min-age=\"15\"><window "
                       "from=\"%s\" "
                       "to=\"%s\"/><reason>a 15 from %s</reason><source "
                       "href=\"https://example.org/live\"/></rule>\n"
                       "  </rule-set>\n"
                       "</policy>\n",
          f, t, f);

  fail_unless (g_file_set_contents (path, xml, -1, NULL));
  g_free (xml);
  g_free (f);
  g_free (t);
  g_date_time_unref (from);
  g_date_time_unref (to);
  return path;
}

typedef struct {
  GMutex lock;
  GPtrArray *frames; /* GstSample* */
} Live;

static GstFlowReturn
live_sample (GstElement *sink, gpointer user_data)
{
  Live *l = user_data;
  GstSample *s = NULL;

  g_signal_emit_by_name (sink, "pull-sample", &s);
  if (s == NULL)
    return GST_FLOW_ERROR;
  g_mutex_lock (&l->lock);
  g_ptr_array_add (l->frames, s);
  g_mutex_unlock (&l->lock);
  return GST_FLOW_OK;
}

/* The live test's folder, made and removed by the parent process (an
 * unchecked fixture), so it goes even when the forked test fails. */
static gchar *live_dir;

static void
live_setup (void)
{
  live_dir = g_dir_make_tmp ("ws-live-XXXXXX", NULL);
}

static void
live_teardown (void)
{
  GDir *d = live_dir ? g_dir_open (live_dir, 0, NULL) : NULL;
  const gchar *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
    gchar *path = g_build_filename (live_dir, name, NULL);

    g_unlink (path);
    g_free (path);
  }
  if (d != NULL)
    g_dir_close (d);
  if (live_dir != NULL)
    g_rmdir (live_dir);
  g_clear_pointer (&live_dir, g_free);
}

/* One live run whose window opens @lead_s seconds (rounded down to the
 * second) after now. FALSE when the programme was on from the first frame
 * (the pipeline took longer than @lead_s to start: a slow or loaded
 * machine, or a sanitizer build), for the caller to try again with a
 * longer lead; otherwise checks every frame on the pixels. */
static gboolean
live_run (gint lead_s, gboolean overlay_first)
{
  const gchar *dir = live_dir;
  /* the shipped sample: bbfc:15 for GB (WATERSHED_DATADIR: meson sets it) */
  gchar *sidecar = g_build_filename (g_getenv ("WATERSHED_DATADIR"), "samples",
      "demo-bbfc15.xml", NULL);
  gint64 open_s = g_get_real_time () / G_USEC_PER_SEC + lead_s;
  gchar *policy = write_policy (dir, open_s);
  gchar *launch;
  GstElement *pipe, *sink, *overlay;
  GstBus *bus;
  Live l = { 0 };
  GstVideoRectangle badge = { 0, 0, 0, 0 };
  guint first_prog = 0, n_badge = 0, n_after = 0;
  gboolean seen_prog = FALSE;
  gint64 deadline;

  /* the order (overlay, then gate: the gate's upstream
   * announcement, a frame late) or the documented one (gate, then overlay:
   * serialized, on the frame) */
  gchar *gate_desc = g_strdup_printf ("ratinggate policy=\"%s\" clock=wall "
                                      "slate-text=\"\"",
      policy);
  const gchar *overlay_desc = "ratingoverlay name=overlay mode=at-start fade=0 "
                              "show-text=false show-descriptors=false "
                              "duration=1000000000";
  guint late = overlay_first ? 1 : 0;

  fail_unless (dir != NULL && g_getenv ("WATERSHED_DATADIR") != NULL);
  launch =
      g_strdup_printf ("videotestsrc is-live=true pattern=solid-color "
                       "foreground-color=0xff%02x%02x%02x ! "
                       "video/"
                       "x-raw,format=RGBA,width=%d,height=%d,framerate=%d/1 ! "
                       "ratingtag location=\"%s\" territory=GB ! %s ! %s ! "
                       "appsink name=sink emit-signals=true sync=false",
          PR, PG, PB, W, H, FPS, sidecar,
          overlay_first ? overlay_desc : gate_desc,
          overlay_first ? gate_desc : overlay_desc);
  pipe = gst_parse_launch (launch, NULL);
  fail_unless (pipe != NULL);
  sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  overlay = gst_bin_get_by_name (GST_BIN (pipe), "overlay");
  g_mutex_init (&l.lock);
  l.frames = g_ptr_array_new_with_free_func ((GDestroyNotify) gst_sample_unref);
  g_signal_connect (sink, "new-sample", G_CALLBACK (live_sample), &l);
  bus = gst_element_get_bus (pipe);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
               GST_STATE_CHANGE_FAILURE);

  /* run until the programme has been on for 2 s (or give up after 30 s:
   * a failure, not a timing assertion) */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline) {
    GstMessage *m = gst_bus_timed_pop_filtered (bus, 50 * GST_MSECOND,
        GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
    guint n;

    if (m != NULL) {
      GError *err = NULL;

      if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR)
        gst_message_parse_error (m, &err, NULL);
      fail ("pipeline stopped: %s", err ? err->message : "EOS");
    }
    g_mutex_lock (&l.lock);
    n = l.frames->len;
    g_mutex_unlock (&l.lock);
    if (n > 0 && badge.w == 0)
      badge_box (overlay, &badge);
    if (badge.w == 0)
      continue;
    for (; first_prog < n && !seen_prog; first_prog++) {
      Look look;

      g_mutex_lock (&l.lock);
      look = look_at (gst_sample_get_buffer (
                          g_ptr_array_index (l.frames, first_prog)),
          &badge);
      g_mutex_unlock (&l.lock);
      if (look.kind == FRAME_PROGRAMME) {
        seen_prog = TRUE;
        break;
      }
    }
    if (seen_prog && n > first_prog + 2 * FPS)
      break;
  }
  gst_element_set_state (pipe, GST_STATE_NULL);
  fail_unless (seen_prog, "the gate never opened");
  if (first_prog == 0) {
    g_print ("the first frame came after the opening (%d s lead): again\n",
        lead_s);
    goto end;
  }

  /* before the opening: the slate; from it: the programme, with the badge
   * on its first second of frames and not after */
  for (guint i = 0; i < l.frames->len; i++) {
    GstSample *s = g_ptr_array_index (l.frames, i);
    Look look = look_at (gst_sample_get_buffer (s), &badge);

    if (i < first_prog) {
      fail_unless_equals_int (look.kind, FRAME_SLATE);
      continue;
    }
    fail_unless_equals_int (look.kind, FRAME_PROGRAMME);
    if (i < first_prog + late) {
      fail_unless_equals_int (look.badge_pixels, 0);
    } else if (i < first_prog + late + FPS) {
      fail_unless (look.badge_pixels > (guint) (badge.w * badge.h / 4),
          "frame %u: no badge", i);
      n_badge++;
    } else {
      fail_unless_equals_int (look.badge_pixels, 0);
      n_after++;
    }
  }
  fail_unless_equals_int (n_badge, FPS);
  fail_unless (n_after > 0);

end:
  g_ptr_array_unref (l.frames);
  g_mutex_clear (&l.lock);
  gst_object_unref (bus);
  gst_object_unref (overlay);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  g_free (policy);
  g_free (gate_desc);
  g_free (sidecar);
  g_free (launch);
  return first_prog > 0;
}

/* the window opens ~1-2 s in; where the pipeline starts slower than that,
 * again with a longer lead */
GST_START_TEST (test_gate_overlay_live_wall_clock)
{
  for (gint overlay_first = 0; overlay_first < 2; overlay_first++) {
    gint lead_s = 2;

    while (!live_run (lead_s, overlay_first)) {
      lead_s *= 2;
      fail_unless (lead_s <= 16, "the pipeline never started before the "
                                 "opening");
    }
  }
}

GST_END_TEST;

static Suite *
gate_overlay_suite (void)
{
  Suite *s = suite_create ("gate_overlay");
  TCase *step = tcase_create ("in-step");
  TCase *seek = tcase_create ("seek");
  TCase *live = tcase_create ("live");

  suite_add_tcase (s, step);
  tcase_add_test (step, test_gate_overlay_badge_seen_after_opening);
  tcase_add_test (step, test_overlay_before_gate_badge_seen_after_opening);
  tcase_add_test (step, test_gate_announces_each_opening);
  tcase_add_test (step, test_gate_open_from_start_announces_nothing);
  suite_add_tcase (s, seek);
  tcase_add_test (seek, test_gate_reference_meta_flushing_seek);
  suite_add_tcase (s, live);
  tcase_set_timeout (live, 120);
  tcase_add_unchecked_fixture (live, live_setup, live_teardown);
  tcase_add_test (live, test_gate_overlay_live_wall_clock);
  return s;
}

GST_CHECK_MAIN (gate_overlay);
