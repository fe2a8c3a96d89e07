/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed demo: the main job, end to end, on a built-in sample.
 *
 * 1. Builds a short programme: videotestsrc (SMPTE bars, 1280x720, 25 fps)
 *    and audiotestsrc (a 997 Hz tone at -23 LUFS), or decodes --input with
 *    uridecodebin. In the sample two faults are planted by pad probes on
 *    the sources' capsfilters: full-screen black/white flashing at 5 Hz
 *    (the probe rewrites the frames in a time range) and a tone 10 dB too
 *    loud (the probe multiplies the samples in another range).
 * 2. Runs the real pipeline, one branch per stream:
 *      video: ... ! ratingtag ! ratinggate ! ratingoverlay ! x264enc ! mp4mux
 *      audio: ... ! ratingtag ! ratinggate ! AAC encoder ! mp4mux
 *    with the gates on clock=scheduled from --start-time, both writing the
 *    as-run log. Where the gate opens it sends the overlay after it a
 *    `watershed-programme-start` event, so the badge is shown when the
 *    programme appears: the order a live pipeline uses.
 * 3. Runs `watershed check` (a child process of this same binary) on the
 *    MP4 with --json and --html, and prints what happened and where the
 *    files are.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/audio/audio.h>
#include <gst/video/video.h>

#include "ws-cli.h"
#include "ws-data.h"
#include "ws-metadata.h"
#include "ws-policy.h"

#ifndef WS_PLUGINDIR
#define WS_PLUGINDIR NULL
#endif

#define DEFAULT_POLICY "uk-ofcom"
#define DEFAULT_START_TIME "2026-07-01T20:59:50+01:00"
#define DEFAULT_OUTPUT "watershed-demo"
#define DEFAULT_DURATION_S 30.0
#define MAX_DURATION_S 3600.0
#define SAMPLE_METADATA "demo-bbfc15.xml"

/* The built-in sample. */
#define SAMPLE_WIDTH 1280
#define SAMPLE_HEIGHT 720
#define SAMPLE_FPS 25
#define SAMPLE_RATE 48000
#define SAMPLE_CHANNELS 2
#define SAMPLE_TONE_HZ 997.0
/* A stereo full-scale 997 Hz sine reads 0 LUFS (K-weighting adds +0.69 dB
 * at 1 kHz, BS.1770 subtracts 0.691): the amplitude of -23 LUFS. */
#define SAMPLE_TONE_AMPLITUDE 0.0708
#define LOUD_GAIN_DB 10.0
#define FLASH_HALF_PERIOD_NS (100 * GST_MSECOND) /* 5 Hz: 10 changes/s */
#define FLASH_WHITE_Y 235                        /* BT.601 limited range */
#define FLASH_BLACK_Y 16
/* Where the faults go, counted from the moment the programme appears. */
#define FLASH_OFFSET_NS (2 * GST_SECOND)
#define FLASH_LENGTH_NS (3 * GST_SECOND)
#define LOUD_OFFSET_NS (6 * GST_SECOND)
#define LOUD_LENGTH_NS (4 * GST_SECOND)
/* How long the badge stays when the policy asks for no on-screen icon. */
#define DEMO_BADGE_NS (10 * GST_SECOND)

/* Give up when the pipeline makes no progress for this long. */
#define STALL_TIMEOUT_US (60 * G_USEC_PER_SEC)

#define OUT_VIDEO "demo.mp4"
#define OUT_ASRUN "as-run.jsonl"
#define OUT_HTML "report.html"
#define OUT_JSON "report.json"

typedef struct {
  guint64 running_time_ns;
  gboolean allowed;
  char *instant;
  char *kind;
  char *rule;
  char *reason;
  char *next_change;
} GateChange;

typedef struct {
  /* options */
  char *input;
  char *metadata;
  char *policy_id;
  char *start_time;
  char *output;
  double duration_s;
  gboolean json;

  /* resolved before the run */
  const WsRatingRegistry *reg;
  char *metadata_path; /* NULL: the rating comes from the input stream */
  WsMetadata *md;
  const WsRating *rating; /* (transfer none) from md */
  const WsRatingDef *def;
  WsPolicy *policy;
  const char *territory;
  gint64 start_us;
  guint64 duration_ns; /* GST_CLOCK_TIME_NONE: the whole input */
  guint64 open_ns;     /* where the gate opens; NONE: it stays closed */
  gboolean open_known; /* FALSE without a rating known up front */
  const char *overlay_mode;
  guint64 badge_ns; /* 0: the rule's duration */
  const WsGuidance *guidance;
  guint64 flash_start_ns, flash_end_ns; /* empty when equal */
  guint64 loud_start_ns, loud_end_ns;
  char *plugin_dir;
  char *self_exe;
  char *dir, *video_path, *part_path, *asrun_path, *html_path, *json_path;
  const char *aac_factory;

  /* the run */
  GstElement *pipeline;
  GstElement *mux;
  GstElement *warning; /* ratingwarning, shared by video and audio */
  GPtrArray *warnings; /* char*: what ratingwarning gave, for the summary */
  GstVideoInfo video_info;
  gboolean have_video, have_audio;
  GMutex lock;
  guint64 progress_ns; /* lock */
  char *tag_rating, *tag_text, *tag_source;
  GPtrArray *gate; /* GateChange*, from the video gate (else the audio one) */
  const char *gate_name;
  GPtrArray *errors;  /* char* */
  GPtrArray *created; /* GstElement* (transfer none): made in pad-added */
  GMutex build_lock;  /* pad-added may run in several streaming threads */

  /* the check */
  int check_status;
  JsonParser *check_parser;
  JsonObject *check_file; /* (transfer none): files[0] */
} Demo;

static void
gate_change_free (gpointer p)
{
  GateChange *c = p;

  g_free (c->instant);
  g_free (c->kind);
  g_free (c->rule);
  g_free (c->reason);
  g_free (c->next_change);
  g_free (c);
}

/* ---- where things are ----------------------------------------------------
 */

/* Puts our plugin on GStreamer's path before gst_init(): the build tree's
 * plugins/ when this binary runs from its build tree (ws_data_build_root(),
 * the rule the data files follow too), else the installed plugin folder.
 * Returns the folder used, or NULL. */
static char *
setup_plugin_path (void)
{
  const char *build_root = ws_data_build_root ();
  char *found = NULL;

  if (build_root != NULL) {
    char *cand = g_build_filename (build_root, "plugins", NULL);
    char *so = g_build_filename (cand, "libgstwatershed.so", NULL);

    if (g_file_test (so, G_FILE_TEST_IS_REGULAR))
      found = g_strdup (cand);
    g_free (so);
    g_free (cand);
  }
  if (found == NULL && build_root == NULL && WS_PLUGINDIR != NULL) {
    char *so = g_build_filename (WS_PLUGINDIR, "libgstwatershed.so", NULL);

    if (g_file_test (so, G_FILE_TEST_IS_REGULAR))
      found = g_strdup (WS_PLUGINDIR);
    g_free (so);
  }
  if (found != NULL) {
    const char *old = g_getenv ("GST_PLUGIN_PATH_1_0");
    char *path;

    if (old == NULL)
      old = g_getenv ("GST_PLUGIN_PATH");
    path = (old != NULL && *old != '\0') ?
               g_strconcat (found, G_SEARCHPATH_SEPARATOR_S, old, NULL) :
               g_strdup (found);
    g_setenv ("GST_PLUGIN_PATH_1_0", path, TRUE);
    g_free (path);
  }
  return found;
}

typedef struct {
  const char *factory;
  const char *what;
  const char *package; /* NULL: ours */
} Need;

static const Need sample_needs[] = {
  { "videotestsrc", "the test pattern", "gstreamer1.0-plugins-base" },
  { "audiotestsrc", "the test tone", "gstreamer1.0-plugins-base" },
};

static const Need input_needs[] = {
  { "uridecodebin", "decoding --input", "gstreamer1.0-plugins-base" },
  { "audioresample", "audio resampling", "gstreamer1.0-plugins-base" },
};

static const Need common_needs[] = {
  { "ratingtag", "reading the rating", NULL },
  { "ratingoverlay", "the on-screen badge", NULL },
  { "ratinggate", "the watershed gate", NULL },
  { "ratingwarning", "the pre-programme warning", NULL },
  { "capsfilter", "caps filtering", "libgstreamer1.0-0" },
  { "queue", "queues", "libgstreamer1.0-0" },
  { "filesink", "writing the file", "libgstreamer1.0-0" },
  { "videoconvert", "video conversion", "gstreamer1.0-plugins-base" },
  { "audioconvert", "audio conversion", "gstreamer1.0-plugins-base" },
  { "x264enc", "the H.264 encoder", "gstreamer1.0-plugins-ugly" },
  { "mp4mux", "the MP4 muxer", "gstreamer1.0-plugins-good" },
};

static gboolean
check_needs (const Need *needs, gsize n, const char *plugin_dir)
{
  gboolean ok = TRUE;

  for (gsize i = 0; i < n; i++) {
    GstElementFactory *f = gst_element_factory_find (needs[i].factory);

    if (f != NULL) {
      gst_object_unref (f);
      continue;
    }
    ok = FALSE;
    if (needs[i].package != NULL) {
      ws_cli_error ("demo: GStreamer has no %s element (%s); Debian's %s "
                    "package provides it: apt-get install %s",
          needs[i].factory, needs[i].what, needs[i].package, needs[i].package);
    } else {
      GstPlugin *plugin = gst_registry_find_plugin (gst_registry_get (),
          "watershed");

      if (plugin != NULL) {
        ws_cli_error ("demo: the watershed plugin (%s) has no %s element "
                      "(%s): this build lacks plugins/%s.c; rebuild "
                      "(ninja -C build) or reinstall it",
            gst_plugin_get_filename (plugin), needs[i].factory, needs[i].what,
            needs[i].factory);
        gst_object_unref (plugin);
      } else {
        ws_cli_error ("demo: the watershed GStreamer plugin (element %s, "
                      "%s) was not found (looked in %s and GStreamer's "
                      "plugin path); build it (ninja -C build) or install "
                      "it (meson install -C build)",
            needs[i].factory, needs[i].what,
            plugin_dir ? plugin_dir : "the build tree, " WS_PLUGINDIR);
      }
    }
  }
  return ok;
}

static const char *
pick_aac_encoder (void)
{
  const char *candidates[] = { "avenc_aac", "voaacenc" };

  for (gsize i = 0; i < G_N_ELEMENTS (candidates); i++) {
    GstElementFactory *f = gst_element_factory_find (candidates[i]);

    if (f != NULL) {
      gst_object_unref (f);
      return candidates[i];
    }
  }
  ws_cli_error ("demo: GStreamer has no AAC encoder; Debian's "
                "gstreamer1.0-libav (avenc_aac) or gstreamer1.0-plugins-bad "
                "(voaacenc) provides one: apt-get install gstreamer1.0-libav");
  return NULL;
}

/* Runs this binary with @args; TRUE when it could be started. */
static gboolean
run_self (Demo *d, const char *const *args, char **out, char **err, int *status)
{
  GPtrArray *argv = g_ptr_array_new ();
  GError *error = NULL;
  int wait_status = 0;
  gboolean ok;

  g_ptr_array_add (argv, d->self_exe);
  for (const char *const *a = args; *a != NULL; a++)
    g_ptr_array_add (argv, (gpointer) *a);
  g_ptr_array_add (argv, NULL);
  ok = g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL,
      NULL, out, err, &wait_status, &error);
  g_ptr_array_free (argv, TRUE);
  if (!ok) {
    ws_cli_error ("demo: cannot run %s: %s", d->self_exe, error->message);
    g_error_free (error);
    return FALSE;
  }
  *status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  return TRUE;
}

static gboolean
check_command_present (Demo *d)
{
  const char *args[] = { "check", "--help", NULL };
  char *out = NULL, *err = NULL;
  int status = -1;
  gboolean ok;

  if (!run_self (d, args, &out, &err, &status))
    return FALSE;
  ok = status == 0;
  if (!ok)
    ws_cli_error ("demo: this watershed has no working `check` command "
                  "(`watershed check --help` exited %d: %s); the demo "
                  "needs it to check its result (tools/ws-cmd-check.c)",
        status, err && *err ? g_strstrip (err) : "no message");
  g_free (out);
  g_free (err);
  return ok;
}

/* ---- preparation -------------------------------------------------------
 */

static gboolean
resolve_metadata (Demo *d)
{
  GError *error = NULL;

  if (d->metadata != NULL) {
    d->metadata_path = g_canonicalize_filename (d->metadata, NULL);
  } else if (d->input != NULL) {
    /* The input's sidecar (film.mp4 -> film.xml), else the stream's own. */
    const char *dot = strrchr (d->input, '.');
    const char *slash = strrchr (d->input, '/');
    char *base = (dot != NULL && (slash == NULL || dot > slash)) ?
                     g_strndup (d->input, dot - d->input) :
                     g_strdup (d->input);
    char *sidecar = g_strconcat (base, ".xml", NULL);

    if (g_file_test (sidecar, G_FILE_TEST_IS_REGULAR))
      d->metadata_path = g_canonicalize_filename (sidecar, NULL);
    g_free (sidecar);
    g_free (base);
  } else {
    /* found as the rating registry finds its data: $WATERSHED_DATADIR, the
     * source tree, the installed data folder */
    d->metadata_path = ws_data_find_file ("samples", SAMPLE_METADATA, &error);
    if (d->metadata_path == NULL) {
      ws_cli_error ("demo: the sample metadata is missing: %s; or give "
                    "--metadata FILE",
          error->message);
      g_error_free (error);
      return FALSE;
    }
  }
  if (d->metadata_path == NULL)
    return TRUE;

  d->md = ws_metadata_read_file (d->metadata_path, d->reg, &error);
  if (d->md == NULL) {
    ws_cli_error ("%s", error->message);
    g_error_free (error);
    return FALSE;
  }
  for (guint i = 0; i < d->md->warnings->len; i++) {
    const WsMetadataWarning *w = g_ptr_array_index (d->md->warnings, i);

    if (w->line > 0)
      ws_cli_error ("warning: %s:%d: %s", d->metadata_path, w->line,
          w->message);
    else
      ws_cli_error ("warning: %s: %s", d->metadata_path, w->message);
  }
  d->rating = ws_metadata_pick (d->md, d->territory, NULL);
  d->def = ws_rating_lookup (d->reg, d->rating, NULL, NULL);
  return TRUE;
}

static guint64
clip (guint64 t, guint64 end)
{
  return t < end ? t : end;
}

/* Where the gate opens, how the badge is shown, where the faults go. */
static void
plan_timeline (Demo *d)
{
  WsDecision at_start, at_open;
  guint64 base = 0, end = d->duration_ns;

  d->open_ns = GST_CLOCK_TIME_NONE;
  d->overlay_mode = "at-start";
  d->badge_ns = DEMO_BADGE_NS;
  d->open_known = d->metadata_path != NULL;
  if (d->open_known) {
    ws_policy_decide (d->policy, NULL, d->def, d->start_us, WS_ACCESS_NONE,
        &at_start);
    if (at_start.allowed) {
      d->open_ns = 0;
    } else if (at_start.next_allowed_us != WS_TIME_NONE) {
      guint64 off = (guint64) (at_start.next_allowed_us - d->start_us) *
                    GST_USECOND;

      if (end == GST_CLOCK_TIME_NONE || off < end)
        d->open_ns = off;
    }
    if (d->open_ns != GST_CLOCK_TIME_NONE) {
      ws_policy_decide (d->policy, NULL, d->def,
          d->start_us + (gint64) (d->open_ns / GST_USECOND), WS_ACCESS_NONE,
          &at_open);
      d->guidance = at_open.guidance;
      base = d->open_ns;
    }
  }
  /* Follow the territory's on-screen rule where it asks for one; a rule
   * with nothing on screen (the UK asks for an on-air warning) still gets
   * the badge for a few seconds: this is a demo of the badge. */
  if (d->guidance != NULL && d->guidance->mode != WS_GUIDANCE_NONE) {
    d->overlay_mode = "auto";
    d->badge_ns = 0;
  }

  if (d->input != NULL || end == GST_CLOCK_TIME_NONE)
    return;
  d->flash_start_ns = clip (base + FLASH_OFFSET_NS, end);
  d->flash_end_ns = clip (base + FLASH_OFFSET_NS + FLASH_LENGTH_NS, end);
  d->loud_start_ns = clip (base + LOUD_OFFSET_NS, end);
  d->loud_end_ns = clip (base + LOUD_OFFSET_NS + LOUD_LENGTH_NS, end);
}

static gboolean
prepare_output (Demo *d)
{
  GError *error = NULL;
  char *paths[5];

  if (g_mkdir_with_parents (d->output, 0755) != 0) {
    ws_cli_error ("demo: %s: cannot create the output folder: %s", d->output,
        g_strerror (errno));
    return FALSE;
  }
  d->dir = g_canonicalize_filename (d->output, NULL);
  d->video_path = g_build_filename (d->dir, OUT_VIDEO, NULL);
  d->part_path = g_strconcat (d->video_path, ".part", NULL);
  d->asrun_path = g_build_filename (d->dir, OUT_ASRUN, NULL);
  d->html_path = g_build_filename (d->dir, OUT_HTML, NULL);
  d->json_path = g_build_filename (d->dir, OUT_JSON, NULL);
  /* The gates append to the as-run log: start a new one; and never leave
   * the previous run's results next to this one's. */
  paths[0] = d->asrun_path;
  paths[1] = d->html_path;
  paths[2] = d->json_path;
  paths[3] = d->part_path;
  paths[4] = d->video_path;
  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++) {
    if (g_unlink (paths[i]) != 0 && errno != ENOENT) {
      ws_cli_error ("demo: %s: cannot replace it: %s", paths[i],
          g_strerror (errno));
      return FALSE;
    }
  }
  if (!g_file_set_contents (d->part_path, "", 0, &error)) {
    ws_cli_error ("demo: %s", error->message);
    g_error_free (error);
    return FALSE;
  }
  return TRUE;
}

/* ---- the pipeline ------------------------------------------------------
 */

static GstElement *
make (Demo *d, const char *factory, const char *name)
{
  GstElement *e = gst_element_factory_make (factory, name);

  if (e == NULL) {
    g_ptr_array_add (d->errors,
        g_strdup_printf ("cannot create a %s element", factory));
    return NULL;
  }
  gst_bin_add (GST_BIN (d->pipeline), e);
  if (d->created != NULL)
    g_ptr_array_add (d->created, e);
  return e;
}

static gboolean
link_chain (Demo *d, GstElement **chain, gsize n)
{
  for (gsize i = 0; i < n; i++) {
    if (chain[i] == NULL)
      return FALSE;
  }
  for (gsize i = 0; i + 1 < n; i++) {
    if (!gst_element_link (chain[i], chain[i + 1])) {
      g_ptr_array_add (d->errors,
          g_strdup_printf ("cannot link %s to %s", GST_OBJECT_NAME (chain[i]),
              GST_OBJECT_NAME (chain[i + 1])));
      return FALSE;
    }
  }
  return TRUE;
}

/* Full-screen black/white at 5 Hz over the frames in the flash range. */
static GstPadProbeReturn
flash_probe (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  Demo *d = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime pts = GST_BUFFER_PTS (buf);
  GstVideoFrame frame;
  guint8 luma;

  if (!GST_CLOCK_TIME_IS_VALID (pts) || pts < d->flash_start_ns ||
      pts >= d->flash_end_ns)
    return GST_PAD_PROBE_OK;
  luma = ((pts - d->flash_start_ns) / FLASH_HALF_PERIOD_NS) % 2 == 0 ?
             FLASH_WHITE_Y :
             FLASH_BLACK_Y;
  buf = gst_buffer_make_writable (buf);
  GST_PAD_PROBE_INFO_DATA (info) = buf;
  if (!gst_video_frame_map (&frame, &d->video_info, buf, GST_MAP_WRITE))
    return GST_PAD_PROBE_OK;
  for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES (&frame); p++) {
    guint8 *row = GST_VIDEO_FRAME_PLANE_DATA (&frame, p);
    gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, p);
    guint w = GST_VIDEO_FRAME_COMP_WIDTH (&frame, p);
    guint h = GST_VIDEO_FRAME_COMP_HEIGHT (&frame, p);

    for (guint y = 0; y < h; y++, row += stride)
      memset (row, p == 0 ? luma : 128, w);
  }
  gst_video_frame_unmap (&frame);
  return GST_PAD_PROBE_OK;
}

/* The tone +10 dB over the samples in the loud range (F32 interleaved). */
static GstPadProbeReturn
loud_probe (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  Demo *d = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime pts = GST_BUFFER_PTS (buf);
  const float gain = (float) pow (10.0, LOUD_GAIN_DB / 20.0);
  GstMapInfo map;
  gsize frames;

  if (!GST_CLOCK_TIME_IS_VALID (pts) || d->loud_end_ns <= d->loud_start_ns ||
      pts >= d->loud_end_ns)
    return GST_PAD_PROBE_OK;
  frames = gst_buffer_get_size (buf) / (sizeof (float) * SAMPLE_CHANNELS);
  if (pts + gst_util_uint64_scale (frames, GST_SECOND, SAMPLE_RATE) <=
      d->loud_start_ns)
    return GST_PAD_PROBE_OK;
  buf = gst_buffer_make_writable (buf);
  GST_PAD_PROBE_INFO_DATA (info) = buf;
  if (!gst_buffer_map (buf, &map, GST_MAP_READWRITE))
    return GST_PAD_PROBE_OK;
  for (gsize i = 0; i < frames; i++) {
    GstClockTime t = pts + gst_util_uint64_scale (i, GST_SECOND, SAMPLE_RATE);
    float *s = (float *) map.data + i * SAMPLE_CHANNELS;

    if (t < d->loud_start_ns || t >= d->loud_end_ns)
      continue;
    for (guint c = 0; c < SAMPLE_CHANNELS; c++)
      s[c] *= gain;
  }
  gst_buffer_unmap (buf, &map);
  return GST_PAD_PROBE_OK;
}

/* The running time of @buf on @pad; GST_CLOCK_TIME_NONE when unknown. */
static guint64
buffer_running_time (GstPad *pad, GstBuffer *buf)
{
  GstEvent *ev;
  guint64 rt = GST_BUFFER_PTS (buf);

  if (!GST_BUFFER_PTS_IS_VALID (buf))
    return GST_CLOCK_TIME_NONE;
  ev = gst_pad_get_sticky_event (pad, GST_EVENT_SEGMENT, 0);
  if (ev != NULL) {
    const GstSegment *seg;

    gst_event_parse_segment (ev, &seg);
    rt = gst_segment_to_running_time (seg, GST_FORMAT_TIME, rt);
    gst_event_unref (ev);
  }
  return rt;
}

static GstPadProbeReturn
progress_probe (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  Demo *d = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  guint64 rt = buffer_running_time (pad, buf);

  if (rt == GST_CLOCK_TIME_NONE)
    return GST_PAD_PROBE_OK;
  if (GST_BUFFER_DURATION_IS_VALID (buf))
    rt += GST_BUFFER_DURATION (buf);
  g_mutex_lock (&d->lock);
  if (rt > d->progress_ns)
    d->progress_ns = rt;
  g_mutex_unlock (&d->lock);
  return GST_PAD_PROBE_OK;
}

static void
add_buffer_probe (GstElement *e, const char *pad_name, GstPadProbeCallback cb,
    Demo *d)
{
  GstPad *pad = gst_element_get_static_pad (e, pad_name);

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, cb, d, NULL);
  gst_object_unref (pad);
}

static GstElement *
make_tag (Demo *d, const char *name)
{
  GstElement *tag = make (d, "ratingtag", name);

  if (tag == NULL)
    return NULL;
  g_object_set (tag, "territory", d->territory, NULL);
  if (d->metadata_path != NULL)
    g_object_set (tag, "location", d->metadata_path, NULL);
  return tag;
}

static GstElement *
make_gate (Demo *d, const char *name)
{
  GstElement *gate = make (d, "ratinggate", name);

  if (gate == NULL)
    return NULL;
  g_object_set (gate, "policy", d->policy_id, "start-time", d->start_time,
      "as-run-log", d->asrun_path, NULL);
  gst_util_set_object_arg (G_OBJECT (gate), "clock", "scheduled");
  gst_util_set_object_arg (G_OBJECT (gate), "mode", "slate");
  add_buffer_probe (gate, "src", progress_probe, d);
  return gate;
}

/* The ratingwarning both tails go through (created once): the UK rule
 * asks for a warning before the programme, given where the gate opens. */
static GstElement *
get_warning (Demo *d)
{
  if (d->warning == NULL) {
    d->warning = make (d, "ratingwarning", "warning");
    if (d->warning != NULL) {
      /* a lower third, so the planted flashing under it stays visible to
       * the QA check */
      g_object_set (d->warning, "policy", d->policy_id, "at-stream-start",
          FALSE, "as-run-log", d->asrun_path, NULL);
      gst_util_set_object_arg (G_OBJECT (d->warning), "card", "lower-third");
    }
  }
  return d->warning;
}

/* @from ! warning.@sink_pad, warning.@src_pad ! @to */
static gboolean
link_through_warning (Demo *d, GstElement *from, const char *sink_pad,
    const char *src_pad, GstElement *to)
{
  GstElement *w = get_warning (d);

  if (w == NULL || from == NULL || to == NULL)
    return FALSE;
  if (!gst_element_link_pads (from, NULL, w, sink_pad) ||
      !gst_element_link_pads (w, src_pad, to, NULL)) {
    g_ptr_array_add (d->errors,
        g_strdup_printf ("cannot link %s through ratingwarning's %s",
            GST_OBJECT_NAME (from), sink_pad));
    return FALSE;
  }
  return TRUE;
}

/* ratingtag ! ratinggate ! ratingoverlay ! ratingwarning ! queue !
 * videoconvert ! x264enc ! mp4mux, from @head on: the gate before the
 * overlay and the warning, so they show the badge and the warning card
 * where the gate opens (the gate's programme-start event). */
static gboolean
build_video_tail (Demo *d, GstElement *head)
{
  GstElement *chain[8];
  GstElement *overlay;

  chain[0] = head;
  chain[1] = make_tag (d, "video-tag");
  chain[2] = make_gate (d, "video-gate");
  chain[3] = overlay = make (d, "ratingoverlay", "overlay");
  chain[4] = make (d, "queue", "video-queue");
  chain[5] = make (d, "videoconvert", "video-convert-out");
  chain[6] = make (d, "x264enc", "video-encoder");
  chain[7] = d->mux;
  if (overlay != NULL) {
    gst_util_set_object_arg (G_OBJECT (overlay), "mode", d->overlay_mode);
    g_object_set (overlay, "policy", d->policy_id, "duration", d->badge_ns,
        NULL);
  }
  if (chain[6] != NULL) {
    gst_util_set_object_arg (G_OBJECT (chain[6]), "speed-preset", "veryfast");
    gst_util_set_object_arg (G_OBJECT (chain[6]), "tune", "zerolatency");
    g_object_set (chain[6], "key-int-max", 2 * SAMPLE_FPS, NULL);
  }
  d->have_video = link_chain (d, chain, 4) &&
                  link_through_warning (d, chain[3], "video_sink", "video_src",
                      chain[4]) &&
                  link_chain (d, chain + 4, 4);
  return d->have_video;
}

/* ratingtag ! ratinggate ! ratingwarning ! queue ! audioconvert ! AAC !
 * mp4mux. */
static gboolean
build_audio_tail (Demo *d, GstElement *head)
{
  GstElement *chain[7];

  chain[0] = head;
  chain[1] = make_tag (d, "audio-tag");
  chain[2] = make_gate (d, "audio-gate");
  chain[3] = make (d, "queue", "audio-queue");
  chain[4] = make (d, "audioconvert", "audio-convert-out");
  chain[5] = make (d, "audioresample", "audio-resample-out");
  chain[6] = make (d, d->aac_factory, "audio-encoder");
  if (!link_chain (d, chain, 3) ||
      !link_through_warning (d, chain[2], "audio_sink", "audio_src",
          chain[3]) ||
      !link_chain (d, chain + 3, 4))
    return FALSE;
  if (!gst_element_link (chain[6], d->mux)) {
    g_ptr_array_add (d->errors,
        g_strdup_printf ("cannot link %s to mp4mux", d->aac_factory));
    return FALSE;
  }
  d->have_audio = TRUE;
  return TRUE;
}

static gboolean
build_sample (Demo *d)
{
  guint n_buffers = (guint) ceil (d->duration_s * SAMPLE_FPS);
  GstElement *vsrc, *vcaps, *asrc, *acaps;
  GstCaps *caps;

  vsrc = make (d, "videotestsrc", "sample-video");
  vcaps = make (d, "capsfilter", "sample-video-caps");
  asrc = make (d, "audiotestsrc", "sample-audio");
  acaps = make (d, "capsfilter", "sample-audio-caps");
  if (vsrc == NULL || vcaps == NULL || asrc == NULL || acaps == NULL)
    return FALSE;

  gst_util_set_object_arg (G_OBJECT (vsrc), "pattern", "smpte");
  g_object_set (vsrc, "num-buffers", n_buffers, NULL);
  gst_video_info_set_format (&d->video_info, GST_VIDEO_FORMAT_I420,
      SAMPLE_WIDTH, SAMPLE_HEIGHT);
  GST_VIDEO_INFO_FPS_N (&d->video_info) = SAMPLE_FPS;
  GST_VIDEO_INFO_FPS_D (&d->video_info) = 1;
  caps = gst_video_info_to_caps (&d->video_info);
  g_object_set (vcaps, "caps", caps, NULL);
  gst_caps_unref (caps);
  if (!gst_element_link (vsrc, vcaps))
    return FALSE;
  if (d->flash_end_ns > d->flash_start_ns)
    add_buffer_probe (vcaps, "src", flash_probe, d);

  gst_util_set_object_arg (G_OBJECT (asrc), "wave", "sine");
  /* One 40 ms buffer per video frame: the same number of buffers. */
  g_object_set (asrc, "freq", SAMPLE_TONE_HZ, "volume", SAMPLE_TONE_AMPLITUDE,
      "samplesperbuffer", SAMPLE_RATE / SAMPLE_FPS, "num-buffers", n_buffers,
      NULL);
  caps = gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING,
      GST_AUDIO_NE (F32), "layout", G_TYPE_STRING, "interleaved", "rate",
      G_TYPE_INT, SAMPLE_RATE, "channels", G_TYPE_INT, SAMPLE_CHANNELS, NULL);
  g_object_set (acaps, "caps", caps, NULL);
  gst_caps_unref (caps);
  if (!gst_element_link (asrc, acaps))
    return FALSE;
  if (d->loud_end_ns > d->loud_start_ns)
    add_buffer_probe (acaps, "src", loud_probe, d);

  return build_video_tail (d, vcaps) && build_audio_tail (d, acaps);
}

/* --duration with --input: the stream ends at the first buffer from that
 * running time on. An EOS goes downstream in its place; the buffers after
 * it get GST_FLOW_EOS from the queue, which stops the demuxer once every
 * stream has ended. (A seek with a stop position would flush mp4mux.) */
static GstPadProbeReturn
limit_probe (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  Demo *d = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  guint64 rt = buffer_running_time (pad, buf);

  if (rt == GST_CLOCK_TIME_NONE || rt < d->duration_ns)
    return GST_PAD_PROBE_OK;
  gst_pad_push_event (pad, gst_event_new_eos ());
  return GST_PAD_PROBE_REMOVE;
}

/* uridecodebin's streams: the first video and the first audio stream go
 * through the chain, any other one into a fakesink. */
static void
on_pad_added (GstElement *src, GstPad *pad, gpointer user_data)
{
  Demo *d = user_data;
  GstCaps *caps = gst_pad_get_current_caps (pad);
  const char *media = "";
  GstElement *chain[3] = { NULL, NULL, NULL };
  GstPad *sinkpad;
  gboolean ok = FALSE;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  if (caps != NULL && gst_caps_get_size (caps) > 0)
    media = gst_structure_get_name (gst_caps_get_structure (caps, 0));

  g_mutex_lock (&d->build_lock);
  d->created = g_ptr_array_new ();
  if (g_str_has_prefix (media, "video/") && !d->have_video) {
    GstCaps *i420 = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING,
        "I420", NULL);

    chain[0] = make (d, "queue", "input-video-queue");
    chain[1] = make (d, "videoconvert", "input-video-convert");
    chain[2] = make (d, "capsfilter", "input-video-caps");
    if (chain[2] != NULL)
      g_object_set (chain[2], "caps", i420, NULL);
    gst_caps_unref (i420);
    ok = link_chain (d, chain, 3) && build_video_tail (d, chain[2]);
  } else if (g_str_has_prefix (media, "audio/") && !d->have_audio) {
    chain[0] = make (d, "queue", "input-audio-queue");
    chain[1] = make (d, "audioconvert", "input-audio-convert");
    chain[2] = make (d, "audioresample", "input-audio-resample");
    ok = link_chain (d, chain, 3) && build_audio_tail (d, chain[2]);
  } else {
    /* A second video or audio stream, subtitles, data: not used. */
    chain[0] = make (d, "fakesink", NULL);
    if (chain[0] != NULL) {
      g_object_set (chain[0], "sync", FALSE, "async", FALSE, NULL);
      ok = TRUE;
    }
  }
  /* Bring the new elements up to the pipeline's state, downstream first. */
  for (guint i = d->created->len; ok && i > 0; i--)
    gst_element_sync_state_with_parent (g_ptr_array_index (d->created, i - 1));
  g_ptr_array_unref (d->created);
  d->created = NULL;
  if (ok) {
    if (d->duration_ns != GST_CLOCK_TIME_NONE)
      gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, limit_probe, d, NULL);
    sinkpad = gst_element_get_static_pad (chain[0], "sink");
    ok = gst_pad_link (pad, sinkpad) == GST_PAD_LINK_OK;
    gst_object_unref (sinkpad);
  }
  if (!ok)
    GST_ELEMENT_ERROR (src, CORE, NEGOTIATION,
        ("Cannot connect the input's %s stream to the demo's pipeline", media),
        (NULL));
  g_mutex_unlock (&d->build_lock);
  if (caps != NULL)
    gst_caps_unref (caps);
}

static void
on_no_more_pads (GstElement *src, gpointer user_data)
{
  Demo *d = user_data;
  gboolean none;

  g_mutex_lock (&d->build_lock);
  none = !d->have_video && !d->have_audio;
  g_mutex_unlock (&d->build_lock);
  if (none)
    GST_ELEMENT_ERROR (src, STREAM, WRONG_TYPE,
        ("%s has no audio or video stream", d->input), (NULL));
}

static gboolean
build_input (Demo *d)
{
  GError *error = NULL;
  char *uri = gst_uri_is_valid (d->input) ?
                  g_strdup (d->input) :
                  gst_filename_to_uri (d->input, &error);
  GstElement *src;

  if (uri == NULL) {
    g_ptr_array_add (d->errors,
        g_strdup_printf ("%s: %s", d->input, error->message));
    g_error_free (error);
    return FALSE;
  }
  src = make (d, "uridecodebin", "input");
  if (src == NULL) {
    g_free (uri);
    return FALSE;
  }
  g_object_set (src, "uri", uri, NULL);
  g_free (uri);
  g_signal_connect (src, "pad-added", G_CALLBACK (on_pad_added), d);
  g_signal_connect (src, "no-more-pads", G_CALLBACK (on_no_more_pads), d);
  return TRUE;
}

static gboolean
build_pipeline (Demo *d)
{
  GstElement *sink;

  d->pipeline = gst_pipeline_new ("watershed-demo");
  d->mux = make (d, "mp4mux", "mux");
  sink = make (d, "filesink", "sink");
  if (d->mux == NULL || sink == NULL)
    return FALSE;
  g_object_set (sink, "location", d->part_path, NULL);
  if (!gst_element_link (d->mux, sink))
    return FALSE;
  return d->input != NULL ? build_input (d) : build_sample (d);
}

static void
record_gate_message (Demo *d, GstMessage *msg)
{
  const GstStructure *s = gst_message_get_structure (msg);
  const char *name = GST_OBJECT_NAME (GST_MESSAGE_SRC (msg));
  GateChange *c;

  /* The video gate tells the story; the audio one when there is no
   * video. Both write the as-run log. */
  if (!strcmp (name, "video-gate")) {
    if (g_strcmp0 (d->gate_name, "video-gate") != 0)
      g_ptr_array_set_size (d->gate, 0);
    d->gate_name = "video-gate";
  } else if (d->gate_name == NULL) {
    d->gate_name = "audio-gate";
  }
  if (strcmp (d->gate_name, name) != 0)
    return;
  c = g_new0 (GateChange, 1);
  gst_structure_get_uint64 (s, "running-time", &c->running_time_ns);
  gst_structure_get_boolean (s, "allowed", &c->allowed);
  c->instant = g_strdup (gst_structure_get_string (s, "instant"));
  c->kind = g_strdup (gst_structure_get_string (s, "kind"));
  c->rule = g_strdup (gst_structure_get_string (s, "rule"));
  c->reason = g_strdup (gst_structure_get_string (s, "reason"));
  c->next_change = g_strdup (gst_structure_get_string (s, "next-change"));
  g_ptr_array_add (d->gate, c);
}

static void
record_tag_message (Demo *d, GstMessage *msg)
{
  const GstStructure *s = gst_message_get_structure (msg);
  const char *name = GST_OBJECT_NAME (GST_MESSAGE_SRC (msg));

  if (d->tag_rating != NULL && strcmp (name, "video-tag") != 0)
    return;
  g_free (d->tag_rating);
  g_free (d->tag_text);
  g_free (d->tag_source);
  d->tag_rating = g_strdup (gst_structure_get_string (s, "rating"));
  d->tag_text = g_strdup (gst_structure_get_string (s, "text"));
  d->tag_source = g_strdup (gst_structure_get_string (s, "source"));
}

static void
print_progress (Demo *d, guint64 pos, guint64 total)
{
  if (total != GST_CLOCK_TIME_NONE && total > 0)
    fprintf (stderr, "\rwatershed demo: encoding %5.1f / %.1f s", pos / 1e9,
        total / 1e9);
  else
    fprintf (stderr, "\rwatershed demo: encoding %5.1f s", pos / 1e9);
  fflush (stderr);
}

/* Runs the pipeline to EOS. FALSE on error (reported). */

/* One line of the summary per warning ratingwarning gave. */
static void
record_warning_message (Demo *d, GstMessage *msg)
{
  const GstStructure *s = gst_message_get_structure (msg);
  guint64 rt = 0, dur = 0;
  const char *text = gst_structure_get_string (s, "text");
  const char *audio = gst_structure_get_string (s, "audio");

  gst_structure_get_uint64 (s, "running-time", &rt);
  gst_structure_get_uint64 (s, "duration", &dur);
  g_mutex_lock (&d->lock);
  g_ptr_array_add (d->warnings,
      g_strdup_printf ("  %6.1f s  warning card%s for %.0f s: \"%s\"", rt / 1e9,
          g_strcmp0 (audio, "speech") == 0 ?
              " and spoken announcement (espeak-ng)" :
          g_strcmp0 (audio, "file") == 0 ? " and recorded announcement" :
                                           "",
          dur / 1e9, text ? text : ""));
  g_mutex_unlock (&d->lock);
}

static gboolean
run_pipeline (Demo *d)
{
  GstBus *bus = gst_element_get_bus (d->pipeline);
  gboolean ok = FALSE, done = FALSE;
  gboolean tty = !d->json && isatty (fileno (stderr));
  guint64 last_progress = 0, total = d->duration_ns;
  gint64 last_change_us = g_get_monotonic_time ();

  if (gst_element_set_state (d->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE)
    goto failed;

  while (!done) {
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, 200 * GST_MSECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING |
            GST_MESSAGE_ELEMENT);
    guint64 pos;

    g_mutex_lock (&d->lock);
    pos = d->progress_ns;
    g_mutex_unlock (&d->lock);
    if (pos != last_progress) {
      last_progress = pos;
      last_change_us = g_get_monotonic_time ();
    } else if (g_get_monotonic_time () - last_change_us > STALL_TIMEOUT_US) {
      ws_cli_error ("demo: the pipeline made no progress for %d s (at "
                    "%.1f s); giving up",
          (int) (STALL_TIMEOUT_US / G_USEC_PER_SEC), pos / 1e9);
      if (msg != NULL)
        gst_message_unref (msg);
      goto failed_drain;
    }
    if (tty)
      print_progress (d, pos, total);
    if (msg == NULL)
      continue;

    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_EOS:
        done = TRUE;
        ok = TRUE;
        break;
      case GST_MESSAGE_ERROR: {
        GError *err = NULL;
        char *dbg = NULL;

        gst_message_parse_error (msg, &err, &dbg);
        if (tty)
          fputc ('\n', stderr);
        ws_cli_error ("demo: %s: %s%s%s%s", GST_OBJECT_NAME (msg->src),
            err->message, dbg ? " (" : "", dbg ? dbg : "", dbg ? ")" : "");
        g_error_free (err);
        g_free (dbg);
        for (guint i = 0; i < d->errors->len; i++)
          ws_cli_error ("demo: %s", (char *) g_ptr_array_index (d->errors, i));
        done = TRUE;
        break;
      }
      case GST_MESSAGE_WARNING: {
        GError *err = NULL;

        gst_message_parse_warning (msg, &err, NULL);
        if (tty)
          fputc ('\n', stderr);
        ws_cli_error ("warning: %s: %s", GST_OBJECT_NAME (msg->src),
            err->message);
        g_error_free (err);
        break;
      }
      case GST_MESSAGE_ELEMENT:
        if (gst_message_has_name (msg, "ratinggate"))
          record_gate_message (d, msg);
        else if (gst_message_has_name (msg, "ratingtag"))
          record_tag_message (d, msg);
        else if (gst_message_has_name (msg, "ratingwarning"))
          record_warning_message (d, msg);
        break;
      default:
        break;
    }
    gst_message_unref (msg);
  }
  if (tty)
    fputs ("\r\033[K", stderr);
  gst_element_set_state (d->pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  return ok;

failed:
  ws_cli_error ("demo: the pipeline would not start");
failed_drain:
  for (guint i = 0; i < d->errors->len; i++)
    ws_cli_error ("demo: %s", (char *) g_ptr_array_index (d->errors, i));
  gst_element_set_state (d->pipeline, GST_STATE_NULL);
  {
    GstMessage *msg;

    while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR)) != NULL) {
      GError *err = NULL;

      gst_message_parse_error (msg, &err, NULL);
      ws_cli_error ("demo: %s: %s", GST_OBJECT_NAME (msg->src), err->message);
      g_error_free (err);
      gst_message_unref (msg);
    }
  }
  gst_object_unref (bus);
  return FALSE;
}

/* ---- the check ---------------------------------------------------------
 */

static gboolean
run_check (Demo *d)
{
  const char *args[12];
  gsize n = 0;
  char *out = NULL, *err = NULL;
  GError *error = NULL;
  JsonNode *root;
  JsonArray *files;
  gboolean ok = FALSE;

  args[n++] = "check";
  args[n++] = d->video_path;
  args[n++] = "--json";
  args[n++] = "--html";
  args[n++] = d->html_path;
  args[n++] = "--policy";
  args[n++] = d->policy_id;
  if (d->metadata_path != NULL) {
    args[n++] = "--metadata";
    args[n++] = d->metadata_path;
  }
  args[n] = NULL;
  if (!run_self (d, args, &out, &err, &d->check_status))
    goto end;
  if (d->check_status != 0 && d->check_status != 1) {
    ws_cli_error ("demo: `watershed check %s` failed (exit %d)%s%s",
        d->video_path, d->check_status, err && *err ? ": " : "",
        err && *err ? g_strstrip (err) : "");
    goto end;
  }
  d->check_parser = json_parser_new ();
  if (!json_parser_load_from_data (d->check_parser, out, -1, &error)) {
    ws_cli_error ("demo: `watershed check --json` printed no JSON: %s",
        error->message);
    g_error_free (error);
    goto end;
  }
  root = json_parser_get_root (d->check_parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "files") ||
      !JSON_NODE_HOLDS_ARRAY (
          json_object_get_member (json_node_get_object (root), "files"))) {
    ws_cli_error ("demo: `watershed check --json` printed no \"files\"");
    goto end;
  }
  files = json_object_get_array_member (json_node_get_object (root), "files");
  if (json_array_get_length (files) > 0 &&
      JSON_NODE_HOLDS_OBJECT (json_array_get_element (files, 0)))
    d->check_file = json_array_get_object_element (files, 0);
  /* g_file_set_contents() writes a temporary file, then renames it. */
  if (!g_file_set_contents (d->json_path, out, -1, &error)) {
    ws_cli_error ("demo: %s", error->message);
    g_error_free (error);
    goto end;
  }
  ok = TRUE;
end:
  g_free (out);
  g_free (err);
  return ok;
}

/* ---- the report --------------------------------------------------------
 */

/* "2026-07-01T21:00:00+01:00" -> "21:00:00"; returned by value, so it
 * lives until the end of the full expression (C11 6.2.4). */
typedef struct {
  char s[9];
} ClockText;

static ClockText
clock_of (const char *iso)
{
  ClockText t = { "--:--:--" };

  if (iso != NULL && strlen (iso) >= 19) {
    memcpy (t.s, iso + 11, 8);
    t.s[8] = '\0';
  }
  return t;
}

static char *
instant_at (Demo *d, guint64 running_time_ns)
{
  return ws_policy_format_time (d->policy,
      d->start_us + (gint64) (running_time_ns / GST_USECOND));
}

static JsonObject *
member_object (JsonObject *o, const char *name)
{
  if (o == NULL || !json_object_has_member (o, name))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, name)))
    return NULL;
  return json_object_get_object_member (o, name);
}

static const char *
member_string (JsonObject *o, const char *name)
{
  JsonNode *n;

  if (o == NULL || !json_object_has_member (o, name))
    return NULL;
  n = json_object_get_member (o, name);
  return JSON_NODE_HOLDS_VALUE (n) &&
                 json_node_get_value_type (n) == G_TYPE_STRING ?
             json_node_get_string (n) :
             NULL;
}

static gboolean
member_double (JsonObject *o, const char *name, double *out)
{
  JsonNode *n;

  if (o == NULL || !json_object_has_member (o, name))
    return FALSE;
  n = json_object_get_member (o, name);
  if (!JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  *out = json_node_get_double (n);
  return TRUE;
}

static const char *
rating_label (Demo *d)
{
  if (d->tag_rating != NULL)
    return d->tag_rating;
  return "none (the gate fails closed)";
}

static void
print_planted (Demo *d, const char *what, guint64 start, guint64 end)
{
  char *at;

  if (end <= start) {
    printf ("  planted: %s: not in this programme (too short)\n", what);
    return;
  }
  at = instant_at (d, start);
  printf ("  %6.1f s  %s  planted: %.0f s of %s\n", start / 1e9,
      clock_of (at).s, (end - start) / 1e9, what);
  g_free (at);
}

static void
print_text (Demo *d)
{
  JsonObject *loud = member_object (d->check_file, "loudness");
  JsonObject *flash = member_object (d->check_file, "flash");
  const char *status = member_string (d->check_file, "status");
  double v;

  printf ("watershed demo: %s%s%s%s, rating %s for %s\n",
      d->input ? d->input : "the built-in sample",
      d->md && d->md->title ? " \"" : "",
      d->md && d->md->title ? d->md->title : "",
      d->md && d->md->title ? "\"" : "", rating_label (d), d->territory);
  if (d->tag_text != NULL)
    printf ("  guidance: %s\n", d->tag_text);
  printf ("  rating from: %s\n", d->metadata_path ? d->metadata_path :
                                 d->tag_source    ? d->tag_source :
                                                    "nowhere");
  printf ("\nOn air from %s under %s (%s), %.1f s:\n", d->start_time,
      d->policy_id,
      ws_policy_get_name (d->policy) ? ws_policy_get_name (d->policy) : "",
      (d->duration_ns != GST_CLOCK_TIME_NONE ? d->duration_ns :
                                               d->progress_ns) /
          1e9);
  if (d->have_video)
    printf ("  video: ratingtag -> ratinggate -> ratingoverlay -> "
            "ratingwarning -> x264enc -> mp4mux\n");
  if (d->have_audio)
    printf ("  audio: ratingtag -> ratinggate -> ratingwarning -> %s -> "
            "mp4mux\n",
        d->aac_factory);
  for (guint i = 0; i < d->gate->len; i++) {
    const GateChange *c = g_ptr_array_index (d->gate, i);

    if (c->allowed)
      printf ("  %6.1f s  %s  gate open: the programme airs (%s%s)\n",
          c->running_time_ns / 1e9, clock_of (c->instant).s,
          c->rule ? "rule " : "", c->rule ? c->rule : c->kind);
    else
      printf ("  %6.1f s  %s  gate closed: %s%s%s. %s\n",
          c->running_time_ns / 1e9, clock_of (c->instant).s,
          d->have_video && d->have_audio ? "slate and silence" :
          d->have_video                  ? "slate" :
                                           "silence",
          c->next_change ? " until " : "",
          c->next_change ? clock_of (c->next_change).s : "", c->reason);
    /* the overlay shows the badge where the gate opens (and at the start
     * when the programme is allowed from there) */
    if (c->allowed && d->have_video &&
        (i == 0 || !((const GateChange *) g_ptr_array_index (d->gate, i - 1))
                        ->allowed)) {
      if (d->badge_ns > 0)
        printf ("  %6.1f s  %s  badge %s with its guidance text, for %.0f "
                "s%s\n",
            c->running_time_ns / 1e9, clock_of (c->instant).s, rating_label (d),
            d->badge_ns / 1e9,
            d->guidance && d->guidance->mode == WS_GUIDANCE_NONE ?
                " (this policy asks for an on-air warning, no on-screen "
                "icon; the demo shows the badge anyway)" :
                "");
      else
        printf ("  %6.1f s  %s  badge %s shown as %s's guidance rule %s "
                "asks\n",
            c->running_time_ns / 1e9, clock_of (c->instant).s, rating_label (d),
            d->policy_id, d->guidance ? d->guidance->id : "");
    }
  }
  for (guint i = 0; i < d->warnings->len; i++)
    printf ("%s\n", (const char *) g_ptr_array_index (d->warnings, i));
  if (d->gate->len == 0)
    printf ("  the gate posted no decision\n");
  if (d->input == NULL) {
    print_planted (d, "full-screen black/white flashing at 5 Hz",
        d->flash_start_ns, d->flash_end_ns);
    print_planted (d, "tone 10 dB too loud", d->loud_start_ns, d->loud_end_ns);
  }

  printf ("\nwatershed check on the result: %s\n",
      status ? status : "(no status)");
  if (loud != NULL) {
    const char *verdict = member_string (loud, "verdict");

    printf ("  loudness: %s", verdict ? verdict : "no verdict");
    if (member_double (loud, "integrated_lufs", &v))
      printf (", %.1f LUFS integrated", v);
    if (member_double (loud, "true_peak_dbtp", &v))
      printf (", true peak %.1f dBTP", v);
    printf ("\n");
  }
  if (flash != NULL) {
    const char *verdict = member_string (flash, "verdict");
    JsonArray *inc = json_object_has_member (flash, "incidents") &&
                             JSON_NODE_HOLDS_ARRAY (
                                 json_object_get_member (flash, "incidents")) ?
                         json_object_get_array_member (flash, "incidents") :
                         NULL;
    guint n = inc ? json_array_get_length (inc) : 0;

    printf ("  flash: %s, %u incident%s", verdict ? verdict : "no verdict", n,
        n == 1 ? "" : "s");
    for (guint i = 0; i < n; i++) {
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (json_array_get_element (inc, i)) ?
                          json_array_get_object_element (inc, i) :
                          NULL;
      const char *kind = member_string (o, "kind");
      double s = 0, e = 0;

      member_double (o, "start_s", &s);
      member_double (o, "end_s", &e);
      printf ("%s %s %.1f-%.1f s", i ? "," : ":", kind ? kind : "?", s, e);
    }
    printf ("\n");
  }
  if (member_string (d->check_file, "error"))
    printf ("  error: %s\n", member_string (d->check_file, "error"));
  if (d->input == NULL)
    printf ("  (the sample is made to fail: the flashing and the loud tone "
            "are planted)\n");

  printf ("\nFiles:\n"
          "  video    %s\n"
          "  report   %s (open it in a browser)\n"
          "  as-run   %s\n"
          "  check    %s\n",
      d->video_path, d->html_path, d->asrun_path, d->json_path);
}

static void
add_range (JsonBuilder *b, const char *name, guint64 start, guint64 end)
{
  json_builder_set_member_name (b, name);
  if (end <= start) {
    json_builder_add_null_value (b);
    return;
  }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "start_s");
  json_builder_add_double_value (b, start / 1e9);
  json_builder_set_member_name (b, "end_s");
  json_builder_add_double_value (b, end / 1e9);
  json_builder_end_object (b);
}

static void
print_json (Demo *d)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  ws_json_add_string_or_null (b, "video", d->video_path);
  ws_json_add_string_or_null (b, "report_html", d->html_path);
  ws_json_add_string_or_null (b, "report_json", d->json_path);
  ws_json_add_string_or_null (b, "as_run_log", d->asrun_path);
  ws_json_add_string_or_null (b, "input", d->input);
  ws_json_add_string_or_null (b, "metadata", d->metadata_path);
  ws_json_add_string_or_null (b, "rating", d->tag_rating);
  ws_json_add_string_or_null (b, "rating_text", d->tag_text);
  ws_json_add_string_or_null (b, "policy", d->policy_id);
  ws_json_add_string_or_null (b, "territory", d->territory);
  ws_json_add_string_or_null (b, "start_time", d->start_time);
  json_builder_set_member_name (b, "duration_s");
  json_builder_add_double_value (b,
      (d->duration_ns != GST_CLOCK_TIME_NONE ? d->duration_ns :
                                               d->progress_ns) /
          1e9);
  json_builder_set_member_name (b, "gate");
  json_builder_begin_array (b);
  for (guint i = 0; i < d->gate->len; i++) {
    const GateChange *c = g_ptr_array_index (d->gate, i);

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "running_time_s");
    json_builder_add_double_value (b, c->running_time_ns / 1e9);
    ws_json_add_string_or_null (b, "instant", c->instant);
    json_builder_set_member_name (b, "allowed");
    json_builder_add_boolean_value (b, c->allowed);
    ws_json_add_string_or_null (b, "kind", c->kind);
    ws_json_add_string_or_null (b, "rule", c->rule);
    ws_json_add_string_or_null (b, "reason", c->reason);
    ws_json_add_string_or_null (b, "next_change", c->next_change);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "badge");
  json_builder_begin_object (b);
  ws_json_add_string_or_null (b, "mode", d->overlay_mode);
  json_builder_set_member_name (b, "start_s");
  if (d->open_known && d->open_ns != GST_CLOCK_TIME_NONE)
    json_builder_add_double_value (b, d->open_ns / 1e9);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "duration_s");
  if (d->badge_ns > 0)
    json_builder_add_double_value (b, d->badge_ns / 1e9);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "planted");
  json_builder_begin_object (b);
  add_range (b, "flash", d->flash_start_ns, d->flash_end_ns);
  add_range (b, "loud", d->loud_start_ns, d->loud_end_ns);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "check_exit_status");
  json_builder_add_int_value (b, d->check_status);
  json_builder_set_member_name (b, "check");
  if (d->check_file != NULL)
    json_builder_add_value (b,
        json_node_copy (
            json_object_get_member (json_node_get_object (
                                        json_parser_get_root (d->check_parser)),
                "files")));
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  ws_cli_print_json_builder (b);
}

/* ---- the command -------------------------------------------------------
 */

static void
demo_clear (Demo *d)
{
  if (d->pipeline != NULL)
    gst_object_unref (d->pipeline);
  if (d->check_parser != NULL)
    g_object_unref (d->check_parser);
  ws_metadata_free (d->md);
  ws_policy_free (d->policy);
  g_free (d->input);
  g_free (d->metadata);
  g_free (d->policy_id);
  g_free (d->start_time);
  g_free (d->output);
  g_free (d->metadata_path);
  g_free (d->plugin_dir);
  g_free (d->self_exe);
  g_free (d->dir);
  g_free (d->video_path);
  g_free (d->part_path);
  g_free (d->asrun_path);
  g_free (d->html_path);
  g_free (d->json_path);
  g_free (d->tag_rating);
  g_free (d->tag_text);
  g_free (d->tag_source);
  g_ptr_array_unref (d->gate);
  g_ptr_array_unref (d->errors);
  g_ptr_array_unref (d->warnings);
  g_mutex_clear (&d->lock);
  g_mutex_clear (&d->build_lock);
}

static gboolean
validate_options (Demo *d, int argc)
{
  GError *error = NULL;

  if (argc > 1) {
    ws_cli_error ("demo: takes no file arguments (use --input FILE); see "
                  "watershed demo --help");
    return FALSE;
  }
  if (d->input != NULL && !gst_uri_is_valid (d->input) &&
      !g_file_test (d->input, G_FILE_TEST_IS_REGULAR)) {
    ws_cli_error ("demo: %s: no such file (--input)", d->input);
    return FALSE;
  }
  if (d->metadata != NULL &&
      !g_file_test (d->metadata, G_FILE_TEST_IS_REGULAR)) {
    ws_cli_error ("demo: %s: no such file (--metadata)", d->metadata);
    return FALSE;
  }
  if (d->duration_s < 0) {
    d->duration_ns = d->input ? GST_CLOCK_TIME_NONE :
                                (guint64) (DEFAULT_DURATION_S * GST_SECOND);
    d->duration_s = DEFAULT_DURATION_S;
  } else if (!(d->duration_s >= 1.0 && d->duration_s <= MAX_DURATION_S)) {
    ws_cli_error ("demo: --duration %g: give 1 to %.0f seconds", d->duration_s,
        MAX_DURATION_S);
    return FALSE;
  } else {
    d->duration_ns = (guint64) llround (d->duration_s * GST_SECOND);
  }
  d->policy = ws_policy_load (d->policy_id, d->reg, &error);
  if (d->policy == NULL) {
    ws_cli_error ("%s", error->message);
    g_error_free (error);
    return FALSE;
  }
  if (!ws_policy_parse_time (d->policy, d->start_time, &d->start_us, &error)) {
    ws_cli_error ("demo: --start-time: %s", error->message);
    g_error_free (error);
    return FALSE;
  }
  d->territory = ws_policy_get_jurisdiction (d->policy);
  return TRUE;
}

int
ws_cmd_demo (int argc, char **argv)
{
  Demo d = { 0 };
  int code = WS_EXIT_USAGE;
  const GOptionEntry entries[] = {
    { "input", 'i', 0, G_OPTION_ARG_FILENAME, &d.input,
        "Your own media file (or URI) instead of the built-in sample, "
        "decoded with uridecodebin",
        "FILE" },
    { "metadata", 'm', 0, G_OPTION_ARG_FILENAME, &d.metadata,
        "Programme metadata (any format `watershed metadata` reads); "
        "default: the shipped sample " SAMPLE_METADATA
        ", or with --input its sidecar FILE.xml, else the rating the stream "
        "carries",
        "FILE" },
    { "policy", 'p', 0, G_OPTION_ARG_STRING, &d.policy_id,
        "Policy id or file (default " DEFAULT_POLICY ")", "ID" },
    { "start-time", 's', 0, G_OPTION_ARG_STRING, &d.start_time,
        "When the programme goes on air, ISO 8601 (default " DEFAULT_START_TIME
        ")",
        "ISO8601" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &d.output,
        "Folder for the results, created when missing (default "
        "./" DEFAULT_OUTPUT ")",
        "DIR" },
    { "duration", 'd', 0, G_OPTION_ARG_DOUBLE, &d.duration_s,
        "Programme length in seconds (default 30 for the sample; with "
        "--input, the first S seconds, default all)",
        "S" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &d.json,
        "Print one JSON document on stdout instead of the summary", NULL },
    { NULL }
  };
  GOptionContext *ctx = g_option_context_new ("");

  d.duration_s = -1;
  d.gate = g_ptr_array_new_with_free_func (gate_change_free);
  d.errors = g_ptr_array_new_with_free_func (g_free);
  d.warnings = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&d.lock);
  g_mutex_init (&d.build_lock);
  g_option_context_set_summary (ctx,
      "Runs the main job end to end: a short programme (test pattern and\n"
      "tone, with 3 s of flashing and 4 s of too-loud tone planted in it)\n"
      "rated by the shipped sample metadata (bbfc:15), through the real\n"
      "GStreamer pipeline ratingtag -> ratinggate -> ratingoverlay ->\n"
      "ratingwarning -> x264enc + AAC -> mp4mux, as if on air from\n"
      "--start-time: under uk-ofcom the gate shows a slate and silence\n"
      "until the 21:00 watershed, then the programme appears with its\n"
      "badge, under the UK's pre-programme warning (a lower-third card\n"
      "and a spoken announcement, espeak-ng) for its first 5 s. Then it\n"
      "runs\n"
      "`watershed check` on the MP4 and prints where the video, the HTML\n"
      "report and the as-run log are, and what happened.\n\n"
      "Files in the output folder (replaced on each run): demo.mp4,\n"
      "as-run.jsonl (one JSON line per gate decision), report.html and\n"
      "report.json (from `watershed check`).\n\n"
      "Exit status: 0 the demo ran (the QA verdict is in the report: the\n"
      "sample is made to fail it; `watershed check` gives the verdict as\n"
      "its exit status); 2 usage error, missing GStreamer element or\n"
      "failed run.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!ws_cli_parse (ctx, &argc, &argv, &code))
    goto end;
  code = WS_EXIT_USAGE;
  if (d.policy_id == NULL)
    d.policy_id = g_strdup (DEFAULT_POLICY);
  if (d.start_time == NULL)
    d.start_time = g_strdup (DEFAULT_START_TIME);
  if (d.output == NULL)
    d.output = g_strdup (DEFAULT_OUTPUT);
  d.reg = ws_cli_registry ();
  if (d.reg == NULL)
    goto end;
  if (!validate_options (&d, argc))
    goto end;
  if (!resolve_metadata (&d))
    goto end;
  plan_timeline (&d);

  d.self_exe = g_file_read_link ("/proc/self/exe", NULL);
  if (d.self_exe == NULL)
    d.self_exe = g_find_program_in_path ("watershed");
  if (d.self_exe == NULL) {
    ws_cli_error ("demo: cannot find the watershed binary to run `watershed "
                  "check`");
    goto end;
  }
  d.plugin_dir = setup_plugin_path ();
  gst_init (NULL, NULL);
  if (!check_needs (common_needs, G_N_ELEMENTS (common_needs), d.plugin_dir))
    goto end;
  if (d.input == NULL ?
          !check_needs (sample_needs, G_N_ELEMENTS (sample_needs),
              d.plugin_dir) :
          !check_needs (input_needs, G_N_ELEMENTS (input_needs), d.plugin_dir))
    goto end;
  d.aac_factory = pick_aac_encoder ();
  if (d.aac_factory == NULL || !check_command_present (&d))
    goto end;
  if (!prepare_output (&d))
    goto end;

  if (!build_pipeline (&d)) {
    ws_cli_error ("demo: cannot build the pipeline");
    for (guint i = 0; i < d.errors->len; i++)
      ws_cli_error ("demo: %s", (char *) g_ptr_array_index (d.errors, i));
    g_unlink (d.part_path);
    goto end;
  }
  if (!run_pipeline (&d)) {
    g_unlink (d.part_path);
    goto end;
  }
  if (g_rename (d.part_path, d.video_path) != 0) {
    ws_cli_error ("demo: %s: cannot rename it to %s: %s", d.part_path,
        d.video_path, g_strerror (errno));
    goto end;
  }
  if (!run_check (&d))
    goto end;
  if (d.json)
    print_json (&d);
  else
    print_text (&d);
  code = WS_EXIT_PASS;
end:
  g_option_context_free (ctx);
  demo_clear (&d);
  return code;
}
