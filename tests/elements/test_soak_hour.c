/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: an hour on air, simulated (issue #14 acceptance).
 *
 * ratingtag (the shipped sample, ratings/samples/demo-bbfc15.xml) !
 * ratinggate ! ratingoverlay on a 160x90 video at 10 fps and
 * ratingtag ! ratinggate on 48 kHz audio, clock=scheduled from 20:30 on a
 * summer evening under uk-ofcom (a BBFC 15: the gate opens at 21:00, half
 * an hour in), the overlay showing after every break (an application sends
 * `watershed-break-end` every five minutes from 2.5 minutes in), both
 * gates writing one as-run log. One hour of stream time runs as fast as
 * the machine goes.
 *
 * The hour runs in a child process (this program with --run-hour) under
 * GStreamer's leaks tracer (GST_TRACERS=leaks, its records logged with
 * GST_DEBUG=GST_TRACER:7 to a file of the test's own). The child tears the
 * pipeline down and calls gst_deinit(), where the tracer lists every
 * GStreamer object and mini-object still alive (what GStreamer keeps once
 * per process, such as caps caches and the system clock, is flagged
 * may-be-leaked and left out) and warns "Leaks detected". The test fails
 * on any `object-alive` record, on that warning, and on a child that does
 * not finish cleanly. (The tracer's get-live-objects action is not used:
 * in 1.22.0 it drops references it does not own.)
 *
 * The child samples its resident set size (VmRSS) every simulated minute;
 * after the first ten minutes it must not grow by more than RSS_BOUND_KB
 * (not asserted under AddressSanitizer, whose quarantine holds freed
 * memory on purpose).
 */
#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ws-rating-event.h"

#if defined(__SANITIZE_ADDRESS__)
#define WS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WS_ASAN 1
#endif
#endif

#define START "2026-07-01T20:30:00+01:00"
#define OPEN_NS (30 * 60 * GST_SECOND)
#define HOUR_NS (3600 * GST_SECOND)
#define FPS 10
#define RATE 48000
#define SAMPLES_PER_BUFFER 4800 /* 10 buffers a second */
#define BREAK_EVERY_NS (5 * 60 * GST_SECOND)
#define SAMPLE_EVERY_NS (60 * GST_SECOND)
#define WARM_UP_NS (10 * 60 * GST_SECOND)
/* growth of VmRSS after the warm-up; measured: 0-2 MiB (see the test's
 * output), the bound leaves room for allocator noise, not for a leak of a
 * few bytes per frame (36 000 frames and 36 000 audio buffers) */
#define RSS_BOUND_KB (8 * 1024)

/* made and removed by the parent process (an unchecked fixture), so the
 * files go even when the forked test fails */
static gchar *soak_dir;

static void
soak_setup (void)
{
  soak_dir = g_dir_make_tmp ("ws-soak-XXXXXX", NULL);
  g_assert (soak_dir != NULL);
}

static void
soak_teardown (void)
{
  GDir *d = g_dir_open (soak_dir, 0, NULL);
  const gchar *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
    gchar *path = g_build_filename (soak_dir, name, NULL);

    g_unlink (path);
    g_free (path);
  }
  if (d != NULL)
    g_dir_close (d);
  g_rmdir (soak_dir);
  g_clear_pointer (&soak_dir, g_free);
}

/* VmRSS of this process in kB; 0 when unknown */
static guint64
rss_kb (void)
{
  gchar *status = NULL;
  guint64 kb = 0;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL)) {
    const gchar *p = strstr (status, "\nVmRSS:");

    if (p != NULL)
      kb = g_ascii_strtoull (p + strlen ("\nVmRSS:"), NULL, 10);
  }
  g_free (status);
  return kb;
}

typedef struct {
  GMutex lock;
  GstClockTime next_break, next_sample;
  guint breaks;
  GArray *rss; /* guint64 kB, one per simulated minute */
} Soak;

/* on the video gate's src: a break ends every five minutes (at 2.5, 7.5,
 * ... minutes: never at the opening); VmRSS every minute */
static GstPadProbeReturn
soak_probe (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  Soak *s = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime t = GST_BUFFER_PTS (buf);

  if (!GST_CLOCK_TIME_IS_VALID (t))
    return GST_PAD_PROBE_OK;
  if (t >= s->next_break) {
    s->next_break += BREAK_EVERY_NS;
    s->breaks++;
    gst_pad_push_event (pad, ws_break_end_event_new ());
  }
  if (t >= s->next_sample) {
    guint64 kb = rss_kb ();

    s->next_sample += SAMPLE_EVERY_NS;
    g_mutex_lock (&s->lock);
    g_array_append_val (s->rss, kb);
    g_mutex_unlock (&s->lock);
  }
  return GST_PAD_PROBE_OK;
}

typedef struct {
  guint shown;        /* ratingoverlay "shown" messages */
  guint gate_changes; /* ratinggate messages */
} Seen;

/* in the child: give up with a message (no check there) */
#define need(cond, ...)                      \
  G_STMT_START                               \
  {                                          \
    if (!(cond)) {                           \
      g_printerr ("run-hour: " __VA_ARGS__); \
      g_printerr ("\n");                     \
      exit (1);                              \
    }                                        \
  }                                          \
  G_STMT_END

/* The child: runs the hour with its as-run log in @dir, prints what it
 * saw. The rating: the shipped sample, bbfc:15 for GB. */
static int
run_hour (const gchar *dir)
{
  GstClockTime duration_ns = HOUR_NS;
  Soak soak_data = { 0 }, *soak = &soak_data;
  Seen seen_data = { 0 }, *seen = &seen_data;
  const gchar *data = g_getenv ("WATERSHED_DATADIR");
  gchar *sidecar = g_build_filename (data != NULL ? data : "ratings", "samples",
      "demo-bbfc15.xml", NULL);
  gchar *log = g_build_filename (dir, "as-run.jsonl", NULL);
  guint n_frames = (guint) (duration_ns / (GST_SECOND / FPS));
  guint n_audio = (guint) (duration_ns / (GST_SECOND / 10));
  gchar *launch =
      g_strdup_printf ("videotestsrc num-buffers=%u ! "
                       "video/"
                       "x-raw,format=I420,width=160,height=90,framerate=%d/1 ! "
                       "ratingtag location=\"%s\" territory=GB ! "
                       "ratinggate name=vgate policy=uk-ofcom clock=scheduled "
                       "start-time=" START " as-run-log=\"%s\" ! "
                       "ratingoverlay mode=after-breaks duration=10000000000 ! "
                       "fakesink sync=false "
                       "audiotestsrc num-buffers=%u samplesperbuffer=%d ! "
                       "audio/x-raw,format=S16LE,rate=%d,channels=2 ! "
                       "ratingtag location=\"%s\" territory=GB ! "
                       "ratinggate policy=uk-ofcom clock=scheduled "
                       "start-time=" START
                       " as-run-log=\"%s\" ! fakesink sync=false",
          n_frames, FPS, sidecar, log, n_audio, SAMPLES_PER_BUFFER, RATE,
          sidecar, log);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (launch, &err);
  GstBus *bus;
  gboolean eos = FALSE;

  need (pipe != NULL, "%s", err ? err->message : "?");
  g_mutex_init (&soak->lock);
  soak->rss = g_array_new (FALSE, FALSE, sizeof (guint64));
  {
    GstElement *gate = gst_bin_get_by_name (GST_BIN (pipe), "vgate");
    GstPad *pad = gst_element_get_static_pad (gate, "src");

    soak->next_break = BREAK_EVERY_NS / 2;
    soak->next_sample = 0;
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, soak_probe, soak, NULL);
    gst_object_unref (pad);
    gst_object_unref (gate);
  }
  bus = gst_element_get_bus (pipe);
  need (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
            GST_STATE_CHANGE_FAILURE,
      "cannot play");
  while (!eos) {
    /* generous: a failure, not a timing assertion */
    GstMessage *m = gst_bus_timed_pop_filtered (bus, 600 * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT);
    const GstStructure *st;

    need (m != NULL, "no end of stream after 10 minutes");
    switch (GST_MESSAGE_TYPE (m)) {
      case GST_MESSAGE_ERROR:
        gst_message_parse_error (m, &err, NULL);
        need (FALSE, "pipeline error: %s", err->message);
        break;
      case GST_MESSAGE_EOS:
        eos = TRUE;
        break;
      default:
        st = gst_message_get_structure (m);
        if (gst_structure_has_name (st, "ratinggate"))
          seen->gate_changes++;
        else if (gst_structure_has_name (st, "ratingoverlay") &&
                 g_strcmp0 (gst_structure_get_string (st, "event"), "shown") ==
                     0)
          seen->shown++;
        break;
    }
    gst_message_unref (m);
  }
  need (gst_element_set_state (pipe, GST_STATE_NULL) ==
            GST_STATE_CHANGE_SUCCESS,
      "cannot stop");
  gst_object_unref (bus);
  gst_object_unref (pipe);
  g_unlink (log);
  g_free (launch);
  g_free (log);
  g_free (sidecar);

  g_print ("gate-changes %u\nshown %u\nbreaks %u\nrss", seen->gate_changes,
      seen->shown, soak->breaks);
  for (guint i = 0; i < soak->rss->len; i++)
    g_print (" %" G_GUINT64_FORMAT, g_array_index (soak->rss, guint64, i));
  g_print ("\n");
  g_array_unref (soak->rss);
  g_mutex_clear (&soak->lock);
  /* the leaks tracer reports here, after every streaming thread ended */
  gst_deinit ();
  return 0;
}

/* The `object-alive` records of the leaks tracer in @path (g_free). */
static gchar *
alive_records (const gchar *path)
{
  gchar *text = NULL;
  gchar **lines;
  GString *out = g_string_new (NULL);

  fail_unless (g_file_get_contents (path, &text, NULL, NULL),
      "cannot read the tracer log %s", path);
  lines = g_strsplit (text, "\n", -1);
  for (gchar **l = lines; *l != NULL; l++)
    if (strstr (*l, "object-alive, type-name=(string)") != NULL &&
        strstr (*l, "format string") == NULL)
      g_string_append_printf (out, "%s\n", *l);
  g_strfreev (lines);
  g_free (text);
  return g_string_free (out, FALSE);
}

/* the value of the line "KEY ..." of @out (transfer none into @lines) */
static const gchar *
field (gchar **lines, const gchar *key)
{
  gsize n = strlen (key);

  for (gchar **l = lines; *l != NULL; l++)
    if (strncmp (*l, key, n) == 0 && (*l)[n] == ' ')
      return *l + n + 1;
  fail ("no \"%s\" in the child's output", key);
  return NULL;
}

GST_START_TEST (test_soak_hour_no_leak_rss_flat)
{
  gchar *log = g_build_filename (soak_dir, "tracer.log", NULL);
  gchar *exe = g_file_read_link ("/proc/self/exe", NULL);
  gchar *argv[] = { exe, (gchar *) "--run-hour", soak_dir, NULL };
  gchar **envp = g_get_environ ();
  const gchar *debug = g_environ_getenv (envp, "GST_DEBUG");
  gchar *want_debug = debug != NULL && *debug != '\0' ?
                          g_strdup_printf ("%s,GST_TRACER:7", debug) :
                          g_strdup ("GST_TRACER:7");
  gchar *out = NULL, *err = NULL, *alive;
  gchar **lines, **rss;
  gint status = -1;
  guint warm_i = (guint) (WARM_UP_NS / SAMPLE_EVERY_NS), n_rss;
  guint64 base_kb, max_kb = 0;

  fail_unless (exe != NULL);
  envp = g_environ_setenv (envp, "GST_TRACERS", "leaks", TRUE);
  envp = g_environ_setenv (envp, "GST_DEBUG", want_debug, TRUE);
  envp = g_environ_setenv (envp, "GST_DEBUG_FILE", log, TRUE);
  envp = g_environ_setenv (envp, "GST_DEBUG_NO_COLOR", "1", TRUE);
  fail_unless (g_spawn_sync (NULL, argv, envp, G_SPAWN_DEFAULT, NULL, NULL,
      &out, &err, &status, NULL));
  fail_unless (g_spawn_check_wait_status (status, NULL),
      "the hour did not finish cleanly: %s", err);
  g_print ("%s", out);

  /* the leaks tracer, at gst_deinit() */
  alive = alive_records (log);
  fail_unless (alive[0] == '\0' && strstr (err, "Leaks detected") == NULL,
      "the leaks tracer found objects alive:\n%s%s", alive, err);
  g_print ("leaks tracer: no object alive after the hour\n");

  /* it was the hour we meant: the gate closed, then open at 21:00 (two
   * changes for each gate), and the badge shown at the start, at the
   * opening and after each of the twelve breaks */
  lines = g_strsplit (out, "\n", -1);
  fail_unless_equals_string (field (lines, "gate-changes"), "4");
  fail_unless_equals_string (field (lines, "breaks"), "12");
  fail_unless_equals_string (field (lines, "shown"), "14");

  /* VmRSS: one sample per simulated minute */
  rss = g_strsplit (field (lines, "rss"), " ", -1);
  n_rss = g_strv_length (rss);
  fail_unless_equals_int (n_rss, HOUR_NS / SAMPLE_EVERY_NS);
  base_kb = g_ascii_strtoull (rss[warm_i], NULL, 10);
  for (guint i = warm_i; i < n_rss; i++)
    max_kb = MAX (max_kb, g_ascii_strtoull (rss[i], NULL, 10));
  fail_unless (base_kb > 0, "no VmRSS in /proc/self/status");
  g_print ("VmRSS over the simulated hour: %s kB at 0 min, %" G_GUINT64_FORMAT
           " kB at 10 min, at most %" G_GUINT64_FORMAT " kB after, %s kB at "
           "the end (bound +%d kB)\n",
      rss[0], base_kb, max_kb, rss[n_rss - 1], RSS_BOUND_KB);
#ifdef WS_ASAN
  g_print ("AddressSanitizer build: the VmRSS bound is not asserted\n");
#else
  fail_unless (max_kb - base_kb < RSS_BOUND_KB,
      "VmRSS grew by %" G_GUINT64_FORMAT " kB after the warm-up",
      max_kb - base_kb);
#endif

  g_strfreev (rss);
  g_strfreev (lines);
  g_free (alive);
  g_free (out);
  g_free (err);
  g_free (want_debug);
  g_strfreev (envp);
  g_free (exe);
  g_free (log);
}

GST_END_TEST;

static Suite *
soak_hour_suite (void)
{
  Suite *s = suite_create ("soak_hour");
  TCase *tc = tcase_create ("hour");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 900);
  tcase_add_unchecked_fixture (tc, soak_setup, soak_teardown);
  tcase_add_test (tc, test_soak_hour_no_leak_rss_flat);
  return s;
}

int
main (int argc, char **argv)
{
  Suite *s;
  SRunner *sr;
  int n_failed;

  if (argc == 3 && g_str_equal (argv[1], "--run-hour")) {
    gst_init (NULL, NULL);
    return run_hour (argv[2]);
  }
  gst_check_init (&argc, &argv);
  s = soak_hour_suite ();
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  n_failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return n_failed == 0 ? 0 : 1;
}
