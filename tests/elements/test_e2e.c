/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the end-to-end acceptance test of ratingtag and ratinggate.
 * Real pipelines: a white videotestsrc (320x240, 25 fps) and a 1 kHz sine
 * (48 kHz stereo, amplitude 0.5) each go through ratingtag (a BBFC 15
 * sidecar for GB) and ratinggate (uk-ofcom, clock=scheduled from 20:59:58
 * BST, both gates logging to one as-run log), are encoded to H.264 and AAC
 * and muxed to MP4 and to MPEG-TS. Each file is then decoded back and
 * checked: two seconds of black slate and silence, then the white picture
 * and the tone, with no gap; in mode=drop only the allowed two seconds. */
#include <gst/audio/audio.h>
#include <gst/check/gstcheck.h>
#include <gst/video/video.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <errno.h>
#include <math.h>
#include <string.h>

#include "ws-rating-event.h"

/* the programme starts at 20:59:58 BST: the gate opens at running time 2 s */
#define START "2026-07-01T20:59:58+01:00"
#define OPEN_INSTANT "2026-07-01T21:00:00+01:00"
#define OPEN_NS (2 * GST_SECOND)
#define FPS 25
#define FRAME_NS (GST_SECOND / FPS)
#define N_FRAMES (4 * FPS)
#define RATE 48000
#define BLOCK 960 /* samples per audiotestsrc buffer and per RMS block */
#define N_BLOCKS (4 * RATE / BLOCK)
#define TONE_VOLUME 0.5
/* the sources' caps and settings, with FPS, RATE and TONE_VOLUME */
#define VIDEO_CAPS                                               \
  "video/x-raw,format=I420,width=320,height=240,framerate=25/1," \
  "pixel-aspect-ratio=1/1"
#define VIDEO_ENCODER                                              \
  "x264enc speed-preset=ultrafast tune=zerolatency key-int-max=10" \
  " ! h264parse"
#define AUDIO_TONE "wave=sine freq=1000 volume=0.5"
#define AUDIO_CAPS "audio/x-raw,format=S16LE,rate=48000,channels=2"
/* one AAC frame: the codecs' granularity at the start and the end */
#define AAC_FRAME 1024
/* no compressed sample is nearer to the switch than this in the checks:
 * an AAC frame (MDCT window) that straddles it spreads a little of the
 * tone into the last frame before it */
#define GUARD_NS (50 * GST_MSECOND)

/* the luma limited-range levels of black and white, and the allowance for
 * H.264 at x264's default bitrate on flat frames */
#define Y_BLACK 16
#define Y_WHITE 235
#define C_NEUTRAL 128
#define MEAN_TOLERANCE 2.0
#define PIXEL_TOLERANCE 12

static const char *SIDECAR =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" version=\"1\">\n"
    "  <programme id=\"E2E-1\" title=\"Crossing at Nine\">\n"
    "    <rating territory=\"GB\" system=\"bbfc\" code=\"15\">\n"
    "      <descriptor>language</descriptor>\n"
    "      <text xml:lang=\"en\">Contains strong language</text>\n"
    "    </rating>\n"
    "  </programme>\n"
    "</watershed-metadata>\n";

/* ---- the temporary folder ---------------------------------------------- */

/* A folder per test case, made and removed with everything in it by the
 * parent process (an unchecked fixture), so that it goes even when a
 * forked test fails; each test works in a subfolder of its own. */
static gchar *case_dir, *tmp_dir;

static void
remove_tree (const gchar *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
    gchar *path = g_build_filename (dir, name, NULL);

    if (g_file_test (path, G_FILE_TEST_IS_DIR))
      remove_tree (path);
    else
      g_unlink (path);
    g_free (path);
  }
  if (d != NULL)
    g_dir_close (d);
  g_rmdir (dir);
}

static void
case_dir_setup (void)
{
  GError *error = NULL;

  case_dir = g_dir_make_tmp ("ws-e2e-XXXXXX", &error);
  fail_unless (case_dir != NULL, "tmp dir: %s", error ? error->message : "?");
}

static void
case_dir_teardown (void)
{
  if (case_dir != NULL)
    remove_tree (case_dir);
  g_clear_pointer (&case_dir, g_free);
}

static void
tmp_dir_setup (void)
{
  tmp_dir = g_build_filename (case_dir, "test-XXXXXX", NULL);
  fail_unless (g_mkdtemp (tmp_dir) != NULL, "%s: %s", tmp_dir,
      g_strerror (errno));
}

static void
tmp_dir_teardown (void)
{
  if (tmp_dir != NULL)
    remove_tree (tmp_dir);
  g_clear_pointer (&tmp_dir, g_free);
}

static gchar *
tmp_file (const gchar *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

/* ---- running a pipeline to EOS ----------------------------------------- */

typedef struct {
  GMainLoop *loop;
  gchar *error;             /* the first ERROR, with its debug string */
  gboolean timed_out;       /* no EOS in a generous bound: a hang */
  GPtrArray *gate_messages; /* GstStructure: the "ratinggate" messages */
  GPtrArray *tag_messages;  /* GstStructure: the "ratingtag" messages */
  GPtrArray *tags;          /* GstTagList of every TAG message */
} Run;

static gboolean
on_bus (GstBus *bus, GstMessage *m, gpointer user_data)
{
  Run *run = user_data;
  const GstStructure *s;
  GstTagList *tags;
  GError *err = NULL;
  gchar *debug = NULL;

  (void) bus;
  switch (GST_MESSAGE_TYPE (m)) {
    case GST_MESSAGE_EOS:
      g_main_loop_quit (run->loop);
      break;
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (m, &err, &debug);
      if (run->error == NULL)
        run->error = g_strdup_printf ("%s: %s (%s)",
            GST_OBJECT_NAME (GST_MESSAGE_SRC (m)), err->message,
            debug ? debug : "");
      g_error_free (err);
      g_free (debug);
      g_main_loop_quit (run->loop);
      break;
    case GST_MESSAGE_TAG:
      gst_message_parse_tag (m, &tags);
      g_ptr_array_add (run->tags, tags);
      break;
    case GST_MESSAGE_ELEMENT:
      s = gst_message_get_structure (m);
      if (gst_structure_has_name (s, "ratinggate"))
        g_ptr_array_add (run->gate_messages, gst_structure_copy (s));
      else if (gst_structure_has_name (s, "ratingtag"))
        g_ptr_array_add (run->tag_messages, gst_structure_copy (s));
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_hang (gpointer user_data)
{
  Run *run = user_data;

  run->timed_out = TRUE;
  g_main_loop_quit (run->loop);
  return G_SOURCE_REMOVE;
}

static void
run_init (Run *run)
{
  run->loop = g_main_loop_new (NULL, FALSE);
  run->error = NULL;
  run->timed_out = FALSE;
  run->gate_messages = g_ptr_array_new_with_free_func (
      (GDestroyNotify) gst_structure_free);
  run->tag_messages = g_ptr_array_new_with_free_func (
      (GDestroyNotify) gst_structure_free);
  run->tags = g_ptr_array_new_with_free_func (
      (GDestroyNotify) gst_tag_list_unref);
}

static void
run_clear (Run *run)
{
  g_main_loop_unref (run->loop);
  g_free (run->error);
  g_ptr_array_unref (run->gate_messages);
  g_ptr_array_unref (run->tag_messages);
  g_ptr_array_unref (run->tags);
}

static GstElement *
pipeline_new (const gchar *desc)
{
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &error);

  fail_unless (pipeline != NULL && error == NULL, "%s: %s", desc,
      error ? error->message : "?");
  return pipeline;
}

/* Plays @pipeline to EOS with a bus watch that stops at the first ERROR (a
 * test failure). The pipeline stays PLAYING, so that the caller can look
 * at its elements; stop it with pipeline_stop(). */
static void
pipeline_play (GstElement *pipeline, const gchar *desc, Run *run)
{
  GstBus *bus;
  guint watch, hang;

  bus = gst_element_get_bus (pipeline);
  watch = gst_bus_add_watch (bus, on_bus, run);
  gst_object_unref (bus);
  /* only a hang guard for a broken build: nothing here measures speed */
  hang = g_timeout_add_seconds (240, on_hang, run);
  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
           GST_STATE_CHANGE_FAILURE);
  g_main_loop_run (run->loop);
  g_source_remove (watch);
  if (!run->timed_out)
    g_source_remove (hang);
  fail_if (run->error != NULL, "%s\nfailed: %s", desc, run->error);
  fail_if (run->timed_out, "%s\ndid not reach EOS", desc);
}

static void
pipeline_stop (GstElement *pipeline)
{
  fail_unless (gst_element_set_state (pipeline, GST_STATE_NULL) ==
               GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pipeline);
}

/* ---- making the files -------------------------------------------------- */

/* the running time of the first buffer each muxer sink pad received,
 * written by the streaming threads before EOS and read after it */
typedef struct {
  GstClockTime video_rt, audio_rt;
} MuxInput;

static GstPadProbeReturn
first_buffer (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  GstClockTime *first = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstEvent *ev = gst_pad_get_sticky_event (pad, GST_EVENT_SEGMENT, 0);
  const GstSegment *seg;

  /* no check assertion in a streaming thread: the caller checks */
  *first = GST_BUFFER_PTS (buf);
  if (ev != NULL) {
    gst_event_parse_segment (ev, &seg);
    *first = gst_segment_to_running_time (seg, GST_FORMAT_TIME, *first);
    gst_event_unref (ev);
  }
  return GST_PAD_PROBE_REMOVE;
}

/* probes the queues in front of the muxer (named vq and aq) */
static void
probe_mux_input (GstElement *pipeline, MuxInput *in)
{
  const gchar *names[] = { "vq", "aq" };
  GstClockTime *firsts[] = { &in->video_rt, &in->audio_rt };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    GstElement *q = gst_bin_get_by_name (GST_BIN (pipeline), names[i]);
    GstPad *pad;

    fail_unless (q != NULL);
    pad = gst_element_get_static_pad (q, "src");
    *firsts[i] = GST_CLOCK_TIME_NONE;
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, first_buffer, firsts[i],
        NULL);
    gst_object_unref (pad);
    gst_object_unref (q);
  }
}

/* The tags that reached the muxer's sink pads (sticky TAG events), merged;
 * each pad must have had our rating tag. */
static GstTagList *
tags_at_muxer (GstElement *pipeline)
{
  GstElement *mux = gst_bin_get_by_name (GST_BIN (pipeline), "mux");
  GstTagList *all = gst_tag_list_new_empty ();
  GstIterator *it;
  GValue item = G_VALUE_INIT;
  guint n_pads = 0, n_rated = 0;

  fail_unless (mux != NULL);
  it = gst_element_iterate_sink_pads (mux);
  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK) {
    GstPad *pad = g_value_get_object (&item);
    GstEvent *ev;
    guint i;

    n_pads++;
    for (i = 0; (ev = gst_pad_get_sticky_event (pad, GST_EVENT_TAG, i)); i++) {
      GstTagList *t;

      gst_event_parse_tag (ev, &t);
      if (gst_tag_list_get_tag_size (t, WS_TAG_RATING) > 0)
        n_rated++;
      gst_tag_list_insert (all, t, GST_TAG_MERGE_APPEND);
      gst_event_unref (ev);
    }
    g_value_reset (&item);
  }
  g_value_unset (&item);
  gst_iterator_free (it);
  gst_object_unref (mux);
  fail_unless_equals_int (n_pads, 2);
  /* the rating reached the picture's pad and the sound's */
  fail_unless_equals_int (n_rated, 2);
  return all;
}

/* Encodes 4 s of picture and sound through ratingtag and ratinggate (with
 * @gate_extra properties) into @out with @mux; returns the tags that
 * reached the muxer and sets @in to the first buffers it got. */
static GstTagList *
make_file (const gchar *mux, const gchar *aenc, const gchar *gate_extra,
    const gchar *out, const gchar *sidecar, const gchar *log, Run *run,
    MuxInput *in)
{
  gchar *tag = g_strdup_printf ("ratingtag location=\"%s\" territory=GB",
      sidecar);
  gchar *gate = g_strdup_printf ("policy=uk-ofcom clock=scheduled "
                                 "start-time=" START " as-run-log=\"%s\" %s",
      log, gate_extra);
  gchar *video = g_strdup_printf ("videotestsrc num-buffers=%d pattern=white"
                                  " ! " VIDEO_CAPS " ! %s"
                                  " ! ratinggate name=vgate %s"
                                  " ! " VIDEO_ENCODER " ! queue name=vq",
      N_FRAMES, tag, gate);
  gchar *audio = g_strdup_printf ("audiotestsrc num-buffers=%d"
                                  " samplesperbuffer=%d " AUDIO_TONE
                                  " ! " AUDIO_CAPS " ! %s"
                                  " ! ratinggate name=agate %s"
                                  " ! audioconvert ! %s ! aacparse"
                                  " ! queue name=aq",
      N_BLOCKS, BLOCK, tag, gate, aenc);
  gchar *desc = g_strdup_printf ("%s ! mux. %s ! mux. "
                                 "%s name=mux ! filesink location=\"%s\"",
      video, audio, mux, out);
  GstElement *pipeline = pipeline_new (desc);
  GstTagList *tags;

  probe_mux_input (pipeline, in);
  pipeline_play (pipeline, desc, run);
  tags = tags_at_muxer (pipeline);

  pipeline_stop (pipeline);
  g_free (desc);
  g_free (audio);
  g_free (video);
  g_free (gate);
  g_free (tag);
  return tags;
}

/* ---- decoding them back ------------------------------------------------ */

typedef struct {
  GstClockTime rt; /* running time */
  GstClockTime dur;
  gdouble y_mean, u_mean, v_mean;
  guint y_min, y_max; /* whole frame */
  guint edge_y_max;   /* top and bottom thirds (no slate text) */
  guint centre_y_max; /* middle third (the slate text) */
} FrameStat;

typedef struct {
  GArray *frames;        /* FrameStat */
  GArray *samples;       /* gfloat, interleaved stereo */
  GstClockTime audio_rt; /* running time of the first sample */
  guint audio_gaps;      /* buffers that do not start where the last ended */
  gchar *audio_gap_detail;
  GPtrArray *tags; /* every TAG message of the decoding pipeline */
} Decoded;

static FrameStat
frame_stat (GstSample *sample)
{
  GstBuffer *buf = gst_sample_get_buffer (sample);
  const GstSegment *seg = gst_sample_get_segment (sample);
  GstVideoInfo info;
  GstVideoFrame f;
  FrameStat st = { 0 };
  guint64 sums[3] = { 0, 0, 0 };
  gint p, x, y;

  fail_unless (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)));
  fail_unless_equals_int (GST_VIDEO_INFO_FORMAT (&info), GST_VIDEO_FORMAT_I420);
  fail_unless_equals_int (GST_VIDEO_INFO_WIDTH (&info), 320);
  fail_unless_equals_int (GST_VIDEO_INFO_HEIGHT (&info), 240);
  st.rt = gst_segment_to_running_time (seg, GST_FORMAT_TIME,
      GST_BUFFER_PTS (buf));
  st.dur = GST_BUFFER_DURATION (buf);
  st.y_min = 255;
  fail_unless (gst_video_frame_map (&f, &info, buf, GST_MAP_READ));
  for (p = 0; p < 3; p++) {
    gint w = GST_VIDEO_FRAME_COMP_WIDTH (&f, p);
    gint h = GST_VIDEO_FRAME_COMP_HEIGHT (&f, p);

    for (y = 0; y < h; y++) {
      const guint8 *row = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f, p) +
                          y * GST_VIDEO_FRAME_PLANE_STRIDE (&f, p);

      for (x = 0; x < w; x++) {
        sums[p] += row[x];
        if (p != 0)
          continue;
        st.y_min = MIN (st.y_min, row[x]);
        st.y_max = MAX (st.y_max, row[x]);
        if (y < h / 3 || y >= h - h / 3)
          st.edge_y_max = MAX (st.edge_y_max, row[x]);
        else
          st.centre_y_max = MAX (st.centre_y_max, row[x]);
      }
    }
  }
  st.y_mean = (gdouble) sums[0] / (GST_VIDEO_FRAME_COMP_WIDTH (&f, 0) *
                                      GST_VIDEO_FRAME_COMP_HEIGHT (&f, 0));
  st.u_mean = (gdouble) sums[1] / (GST_VIDEO_FRAME_COMP_WIDTH (&f, 1) *
                                      GST_VIDEO_FRAME_COMP_HEIGHT (&f, 1));
  st.v_mean = (gdouble) sums[2] / (GST_VIDEO_FRAME_COMP_WIDTH (&f, 2) *
                                      GST_VIDEO_FRAME_COMP_HEIGHT (&f, 2));
  gst_video_frame_unmap (&f);
  return st;
}

static void
add_audio (Decoded *d, GstSample *sample, GstClockTime *next_rt)
{
  GstBuffer *buf = gst_sample_get_buffer (sample);
  const GstSegment *seg = gst_sample_get_segment (sample);
  GstAudioInfo info;
  GstMapInfo map;
  GstClockTime rt;
  guint n;

  fail_unless (gst_audio_info_from_caps (&info, gst_sample_get_caps (sample)));
  fail_unless_equals_int (GST_AUDIO_INFO_FORMAT (&info), GST_AUDIO_FORMAT_F32);
  fail_unless_equals_int (GST_AUDIO_INFO_RATE (&info), RATE);
  fail_unless_equals_int (GST_AUDIO_INFO_CHANNELS (&info), 2);
  rt = gst_segment_to_running_time (seg, GST_FORMAT_TIME, GST_BUFFER_PTS (buf));
  fail_unless (GST_CLOCK_TIME_IS_VALID (rt));
  fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
  n = map.size / sizeof (gfloat);
  if (d->samples->len == 0)
    d->audio_rt = rt;
  else if (GST_CLOCK_DIFF (*next_rt, rt) > GST_SECOND / RATE ||
           GST_CLOCK_DIFF (rt, *next_rt) > GST_SECOND / RATE) {
    /* more than a sample away from where the last buffer ended */
    if (d->audio_gaps++ == 0)
      d->audio_gap_detail =
          g_strdup_printf ("buffer at %" GST_TIME_FORMAT
                           " after one ending at %" GST_TIME_FORMAT,
              GST_TIME_ARGS (rt), GST_TIME_ARGS (*next_rt));
  }
  g_array_append_vals (d->samples, map.data, n);
  *next_rt = rt + gst_util_uint64_scale (n / 2, GST_SECOND, RATE);
  gst_buffer_unmap (buf, &map);
}

/* Decodes @path with decodebin; video to I420 and audio to interleaved F32
 * into appsinks, read after EOS. */
static Decoded
decode_file (const gchar *path)
{
  gchar *desc =
      g_strdup_printf ("filesrc location=\"%s\" ! decodebin name=d "
                       "d. ! video/x-raw ! queue ! videoconvert ! "
                       "video/x-raw,format=I420 ! "
                       "appsink name=vsink sync=false wait-on-eos=false "
                       "d. ! audio/x-raw ! queue ! audioconvert ! "
                       "audio/x-raw,format=F32LE,layout=interleaved ! "
                       "appsink name=asink sync=false wait-on-eos=false",
          path);
  Decoded d = { g_array_new (FALSE, FALSE, sizeof (FrameStat)),
    g_array_new (FALSE, FALSE, sizeof (gfloat)), GST_CLOCK_TIME_NONE, 0, NULL,
    NULL };
  Run run;
  GstElement *pipeline, *vsink, *asink;
  GstSample *sample;
  GstClockTime next_rt = 0;

  run_init (&run);
  pipeline = pipeline_new (desc);
  pipeline_play (pipeline, desc, &run);
  vsink = gst_bin_get_by_name (GST_BIN (pipeline), "vsink");
  asink = gst_bin_get_by_name (GST_BIN (pipeline), "asink");
  for (;;) {
    FrameStat st;

    sample = NULL;
    g_signal_emit_by_name (vsink, "try-pull-sample", (GstClockTime) 0, &sample);
    if (sample == NULL)
      break;
    st = frame_stat (sample);
    g_array_append_val (d.frames, st);
    gst_sample_unref (sample);
  }
  for (;;) {
    sample = NULL;
    g_signal_emit_by_name (asink, "try-pull-sample", (GstClockTime) 0, &sample);
    if (sample == NULL)
      break;
    add_audio (&d, sample, &next_rt);
    gst_sample_unref (sample);
  }
  gst_object_unref (vsink);
  gst_object_unref (asink);
  pipeline_stop (pipeline);
  d.tags = g_ptr_array_ref (run.tags);
  run_clear (&run);
  g_free (desc);
  return d;
}

static void
decoded_clear (Decoded *d)
{
  g_array_unref (d->frames);
  g_array_unref (d->samples);
  g_free (d->audio_gap_detail);
  g_ptr_array_unref (d->tags);
}

/* ---- checks ------------------------------------------------------------ */

static void
check_slate_frame (const FrameStat *st, guint i)
{
  /* black with the centred white message "This programme is available
   * from 21:00" (the default slate-text): black above and below it */
  fail_unless (st->edge_y_max <= Y_BLACK + PIXEL_TOLERANCE,
      "frame %u (%" GST_TIME_FORMAT "): slate edge luma up to %u", i,
      GST_TIME_ARGS (st->rt), st->edge_y_max);
  fail_unless (st->y_min >= Y_BLACK - PIXEL_TOLERANCE,
      "frame %u: slate luma down to %u", i, st->y_min);
  fail_unless (st->y_mean < Y_BLACK + 20, "frame %u: slate mean luma %.1f", i,
      st->y_mean);
  fail_unless (st->centre_y_max > 180,
      "frame %u: no slate text (centre luma at most %u)", i, st->centre_y_max);
  fail_unless (fabs (st->u_mean - C_NEUTRAL) <= MEAN_TOLERANCE &&
                   fabs (st->v_mean - C_NEUTRAL) <= MEAN_TOLERANCE,
      "frame %u: slate chroma %.1f,%.1f", i, st->u_mean, st->v_mean);
}

static void
check_white_frame (const FrameStat *st, guint i)
{
  fail_unless (fabs (st->y_mean - Y_WHITE) <= MEAN_TOLERANCE,
      "frame %u (%" GST_TIME_FORMAT "): mean luma %.2f, want %d", i,
      GST_TIME_ARGS (st->rt), st->y_mean, Y_WHITE);
  fail_unless (st->y_min >= Y_WHITE - PIXEL_TOLERANCE &&
                   st->y_max <= Y_WHITE + PIXEL_TOLERANCE,
      "frame %u: luma %u..%u, want %d", i, st->y_min, st->y_max, Y_WHITE);
  fail_unless (fabs (st->u_mean - C_NEUTRAL) <= MEAN_TOLERANCE &&
                   fabs (st->v_mean - C_NEUTRAL) <= MEAN_TOLERANCE,
      "frame %u: chroma %.1f,%.1f", i, st->u_mean, st->v_mean);
}

/* Checks the decoded picture: @n frames, one every 40 ms from running time
 * @first_rt with none missing, slate before running time @open_rt and the
 * white test picture from there on. */
static void
check_video (const Decoded *d, guint n, GstClockTime first_rt,
    GstClockTime open_rt)
{
  guint i;

  fail_unless_equals_int (d->frames->len, n);
  for (i = 0; i < d->frames->len; i++) {
    const FrameStat *st = &g_array_index (d->frames, FrameStat, i);
    GstClockTime want = first_rt + i * FRAME_NS;

    /* continuous: no frame missing, none repeated, timestamps kept */
    fail_unless (GST_CLOCK_DIFF (want, st->rt) <= GST_MSECOND &&
                     GST_CLOCK_DIFF (st->rt, want) <= GST_MSECOND,
        "frame %u at %" GST_TIME_FORMAT ", want %" GST_TIME_FORMAT, i,
        GST_TIME_ARGS (st->rt), GST_TIME_ARGS (want));
    fail_unless_equals_uint64 (st->dur, FRAME_NS);
    if (want < open_rt)
      check_slate_frame (st, i);
    else
      check_white_frame (st, i);
  }
}

static gdouble
rms_db (const gfloat *s, guint n)
{
  gdouble sum = 0;
  guint i;

  for (i = 0; i < n; i++)
    sum += (gdouble) s[i] * s[i];
  return sum > 0 ? 10 * log10 (sum / n) : -200.0;
}

/* the first sample frame louder than -26 dBFS (the tone peaks at -6 dBFS;
 * AAC's noise and pre-echo stay far below) */
static guint64
tone_onset (const gfloat *s, guint64 frames)
{
  guint64 k;

  for (k = 0; k < frames; k++)
    if (fabs (s[2 * k]) > 0.05 || fabs (s[2 * k + 1]) > 0.05)
      break;
  return k;
}

/* Checks the decoded sound: continuous, @duration long within two AAC
 * frames, from running time @first_rt (within an AAC frame), silent before
 * running time @open_rt and the tone after it, in 20 ms blocks. */
static void
check_audio (const Decoded *d, GstClockTime first_rt, GstClockTime duration,
    GstClockTime open_rt)
{
  const gfloat *s = (const gfloat *) d->samples->data;
  guint64 frames = d->samples->len / 2;
  guint64 want = gst_util_uint64_scale (duration, RATE, GST_SECOND);
  GstClockTime aac_ns = gst_util_uint64_scale (AAC_FRAME, GST_SECOND, RATE);
  /* the RMS of a sine of amplitude TONE_VOLUME: -9.03 dBFS */
  gdouble tone_db = 20 * log10 (TONE_VOLUME / G_SQRT2);
  guint64 b;
  guint silent = 0, tone = 0;

  fail_unless (d->audio_gaps == 0, "%u audio gaps, first: %s", d->audio_gaps,
      d->audio_gap_detail);
  fail_unless (frames + 2 * AAC_FRAME >= want && frames <= want + 2 * AAC_FRAME,
      "%" G_GUINT64_FORMAT " audio frames, want %" G_GUINT64_FORMAT, frames,
      want);
  fail_unless (GST_CLOCK_DIFF (first_rt, d->audio_rt) <=
                       (GstClockTimeDiff) aac_ns &&
                   GST_CLOCK_DIFF (d->audio_rt, first_rt) <=
                       (GstClockTimeDiff) aac_ns,
      "audio starts at %" GST_TIME_FORMAT ", want %" GST_TIME_FORMAT,
      GST_TIME_ARGS (d->audio_rt), GST_TIME_ARGS (first_rt));

  for (b = 0; (b + 1) * BLOCK <= frames; b++) {
    GstClockTime from = d->audio_rt +
                        gst_util_uint64_scale (b * BLOCK, GST_SECOND, RATE);
    GstClockTime to = from + gst_util_uint64_scale (BLOCK, GST_SECOND, RATE);
    gdouble db = rms_db (s + b * BLOCK * 2, BLOCK * 2);

    if (to + GUARD_NS <= open_rt) {
      fail_unless (db < -70.0,
          "block at %" GST_TIME_FORMAT ": %.1f dBFS, "
          "want silence (< -70)",
          GST_TIME_ARGS (from), db);
      silent++;
    } else if (from >= MAX (open_rt, d->audio_rt) + GUARD_NS &&
               to + GUARD_NS <= d->audio_rt + duration) {
      fail_unless (fabs (db - tone_db) <= 1.0,
          "block at %" GST_TIME_FORMAT
          ": %.2f dBFS, want the tone at %.2f +- 1",
          GST_TIME_ARGS (from), db, tone_db);
      tone++;
    }
  }
  /* the windows above are not empty */
  fail_unless (open_rt <= first_rt || silent >= 90, "%u silent blocks", silent);
  fail_unless (tone >= 90, "%u tone blocks", tone);

  if (open_rt > first_rt) {
    /* Nothing of the programme before the gate opens, and the tone right
     * after: the gate cuts at the boundary sample; the decoded tone starts
     * later by the encoder's delay, which neither demuxer trims in
     * GStreamer 1.22 (avenc_aac: exactly 1024 samples, measured in MP4 and
     * MPEG-TS alike, while the picture switches on its exact frame). */
    guint64 open = gst_util_uint64_scale (open_rt - d->audio_rt, RATE,
        GST_SECOND);
    guint64 onset = tone_onset (s, frames);

    fail_unless (onset >= open && onset <= open + AAC_FRAME,
        "the tone starts at sample %" G_GUINT64_FORMAT
        ", want %" G_GUINT64_FORMAT " + up to %d",
        onset, open, AAC_FRAME);
  }
}

static const gchar *
get_str (JsonObject *o, const gchar *member)
{
  fail_unless (json_object_has_member (o, member), "no %s", member);
  return json_object_get_string_member (o, member);
}

/* The as-run log has, for each gate, the blocked decision at 20:59:58
 * (running time 0), the allowed one at 21:00:00 (running time 2 s) and,
 * after both, the "stopped" line at the end of its stream, and nothing
 * else. */
static void
check_as_run_log (const gchar *path)
{
  gchar *text = NULL, **lines;
  gsize len;
  guint i, seen = 0, stopped = 0;

  fail_unless (g_file_get_contents (path, &text, &len, NULL), "no %s", path);
  fail_unless (len > 0 && text[len - 1] == '\n', "last line incomplete");
  lines = g_strsplit (text, "\n", -1);
  /* the hash chain's header, the four decisions, the two ends */
  fail_unless_equals_int (g_strv_length (lines), 1 + 4 + 2 + 1);
  fail_unless (g_str_has_prefix (lines[0], "{\"asrun_header\":"), "%s",
      lines[0]);
  for (i = 1; i < 7; i++) {
    JsonParser *p = json_parser_new ();
    GError *err = NULL;
    JsonObject *o;
    const gchar *element;
    gboolean allowed;
    guint bit;

    fail_unless (json_parser_load_from_data (p, lines[i], -1, &err),
        "line %u: %s", i + 1, err ? err->message : "");
    o = json_node_get_object (json_parser_get_root (p));
    element = get_str (o, "element");
    allowed = json_object_get_boolean_member (o, "allowed");
    fail_unless (g_str_equal (element, "vgate") ||
                     g_str_equal (element, "agate"),
        "line %u: element %s", i + 1, element);
    bit = (g_str_equal (element, "vgate") ? 1 : 4) << (allowed ? 1 : 0);
    if (g_str_equal (get_str (o, "kind"), "stopped")) {
      guint both = g_str_equal (element, "vgate") ? 0x3 : 0xc;

      /* after the gate's own decisions, at the end of its last buffer */
      fail_unless ((seen & both) == both, "line %u: %s stopped early", i + 1,
          element);
      fail_if (allowed);
      fail_unless_equals_string (get_str (o, "rating"), "bbfc:15");
      fail_unless (g_str_has_prefix (get_str (o, "instant"),
                       "2026-07-01T21:00:"),
          "line %u: %s", i + 1, get_str (o, "instant"));
      stopped |= both;
      g_object_unref (p);
      continue;
    }
    fail_if (seen & bit, "line %u: a second %s line for %s", i + 1,
        allowed ? "allowed" : "blocked", element);
    seen |= bit;
    fail_unless_equals_string (get_str (o, "rating"), "bbfc:15");
    fail_unless_equals_string (get_str (o, "rule"), "uk-watershed");
    fail_unless_equals_string (get_str (o, "policy"), "uk-ofcom");
    fail_unless_equals_string (get_str (o, "service_class"), "free-to-air");
    if (allowed) {
      fail_unless_equals_string (get_str (o, "instant"), OPEN_INSTANT);
      fail_unless_equals_int64 (json_object_get_int_member (o,
                                    "running_time_ns"),
          OPEN_NS);
      fail_unless_equals_string (get_str (o, "kind"), "allowed");
      fail_unless_equals_string (get_str (o, "next_change"),
          "2026-07-02T05:30:00+01:00");
    } else {
      fail_unless_equals_string (get_str (o, "instant"), START);
      fail_unless_equals_int64 (json_object_get_int_member (o,
                                    "running_time_ns"),
          0);
      fail_unless_equals_string (get_str (o, "kind"), "outside-window");
      fail_unless_equals_string (get_str (o, "next_change"), OPEN_INSTANT);
    }
    g_object_unref (p);
  }
  fail_unless_equals_int (seen, 0xf);
  fail_unless_equals_int (stopped, 0xf);
  g_strfreev (lines);
  g_free (text);
}

/* The bus said the same: a ratingtag message per stream with the sidecar's
 * rating, and per gate a blocked message at running time 0 and an allowed
 * one at 2 s. */
static void
check_messages (const Run *run)
{
  guint i, blocked = 0, allowed = 0;

  fail_unless_equals_int (run->tag_messages->len, 2);
  for (i = 0; i < run->tag_messages->len; i++) {
    const GstStructure *s = g_ptr_array_index (run->tag_messages, i);
    gint age = 0;

    fail_unless_equals_string (gst_structure_get_string (s, "rating"),
        "bbfc:15");
    fail_unless_equals_string (gst_structure_get_string (s, "source"),
        "metadata");
    fail_unless_equals_string (gst_structure_get_string (s, "programme"),
        "E2E-1");
    fail_unless (gst_structure_get_int (s, "minimum-age", &age));
    fail_unless_equals_int (age, 15);
  }
  fail_unless_equals_int (run->gate_messages->len, 4);
  for (i = 0; i < run->gate_messages->len; i++) {
    const GstStructure *s = g_ptr_array_index (run->gate_messages, i);
    gboolean ok = FALSE;
    guint64 rt = 0;

    fail_unless (gst_structure_get_boolean (s, "allowed", &ok));
    fail_unless (gst_structure_get_uint64 (s, "running-time", &rt));
    fail_unless_equals_uint64 (rt, ok ? OPEN_NS : 0);
    fail_unless_equals_string (gst_structure_get_string (s, "rating"),
        "bbfc:15");
    if (ok)
      allowed++;
    else
      blocked++;
  }
  fail_unless_equals_int (blocked, 2);
  fail_unless_equals_int (allowed, 2);
}

/* Our registered tags, as ratingtag sent them, reached both of the
 * muxer's sink pads (through the encoders, which merge upstream tags). */
static void
check_tags_at_muxer (const GstTagList *tags)
{
  gchar *s = NULL;
  gint age = 0;

  fail_unless (gst_tag_list_get_string (tags, WS_TAG_RATING, &s));
  fail_unless_equals_string (s, "bbfc:15");
  g_free (s);
  fail_unless (gst_tag_list_get_int (tags, WS_TAG_MINIMUM_AGE, &age));
  fail_unless_equals_int (age, 15);
  fail_unless (gst_tag_list_get_string (tags, WS_TAG_RATING_TERRITORY, &s));
  fail_unless_equals_string (s, "GB");
  g_free (s);
  fail_unless (gst_tag_list_get_string (tags, WS_TAG_RATING_TEXT, &s));
  fail_unless_equals_string (s, "en: Contains strong language");
  g_free (s);
  fail_unless (gst_tag_list_get_string (tags, WS_TAG_RATING_DESCRIPTORS, &s));
  fail_unless_equals_string (s, "language");
  g_free (s);
}

static gboolean
has_bytes (const gchar *data, gsize len, const gchar *needle)
{
  gsize n = strlen (needle), i;

  for (i = 0; i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/* What the file says about tags when read back: @expected_tag is a tag the
 * demuxer does report (so the absence below is not an empty reading), and
 * none of ours is there. */
static void
check_tags_not_in_file (const Decoded *d, const gchar *path,
    const gchar *expected_tag)
{
  const gchar *ours[] = { WS_TAG_RATING, WS_TAG_MINIMUM_AGE,
    WS_TAG_RATING_TERRITORY, WS_TAG_RATING_TEXT, WS_TAG_RATING_DESCRIPTORS };
  gboolean expected = FALSE;
  gchar *bytes = NULL;
  gsize len = 0;
  guint i, k;

  for (i = 0; i < d->tags->len; i++) {
    const GstTagList *t = g_ptr_array_index (d->tags, i);

    if (gst_tag_list_get_tag_size (t, expected_tag) > 0)
      expected = TRUE;
    for (k = 0; k < G_N_ELEMENTS (ours); k++)
      fail_unless (gst_tag_list_get_tag_size (t, ours[k]) == 0,
          "%s: the file has %s", path, ours[k]);
  }
  fail_unless (expected, "%s: no %s tag read back", path, expected_tag);
  /* and not written anywhere in the file, under any name */
  fail_unless (g_file_get_contents (path, &bytes, &len, NULL));
  fail_unless (len > 10000, "%s: %" G_GSIZE_FORMAT " bytes", path, len);
  fail_if (has_bytes (bytes, len, "bbfc"), "%s: bbfc found", path);
  fail_if (has_bytes (bytes, len, "strong language"), "%s: text found", path);
  g_free (bytes);
}

/* ---- the scenarios ----------------------------------------------------- */

typedef struct {
  gchar *sidecar, *log, *out;
  Run run;
  GstTagList *mux_tags;
  MuxInput in;
  Decoded d;
} Scenario;

static void
scenario_run (Scenario *sc, const gchar *mux, const gchar *aenc,
    const gchar *gate_extra, const gchar *out_name)
{
  sc->sidecar = tmp_file ("programme.xml");
  sc->log = tmp_file ("as-run.jsonl");
  sc->out = tmp_file (out_name);
  fail_unless (g_file_set_contents (sc->sidecar, SIDECAR, -1, NULL));
  run_init (&sc->run);
  sc->mux_tags = make_file (mux, aenc, gate_extra, sc->out, sc->sidecar,
      sc->log, &sc->run, &sc->in);
  sc->d = decode_file (sc->out);
}

static void
scenario_clear (Scenario *sc)
{
  decoded_clear (&sc->d);
  gst_tag_list_unref (sc->mux_tags);
  run_clear (&sc->run);
  g_free (sc->sidecar);
  g_free (sc->log);
  g_free (sc->out);
}

/* Slate mode: the whole 4 s come back, the first 2 s as slate and
 * silence. */
static void
check_slate_scenario (Scenario *sc, const gchar *expected_tag)
{
  check_messages (&sc->run);
  check_as_run_log (sc->log);
  /* the muxer got the whole programme from its start */
  fail_unless_equals_uint64 (sc->in.video_rt, 0);
  fail_unless_equals_uint64 (sc->in.audio_rt, 0);
  check_video (&sc->d, N_FRAMES, 0, OPEN_NS);
  check_audio (&sc->d, 0, 4 * GST_SECOND, OPEN_NS);
  check_tags_at_muxer (sc->mux_tags);
  check_tags_not_in_file (&sc->d, sc->out, expected_tag);
}

GST_START_TEST (test_e2e_mp4_slate_then_programme)
{
  Scenario sc;

  scenario_run (&sc, "mp4mux", "avenc_aac", "", "out.mp4");
  /* mp4mux writes only the tags of its fixed table (title, comment,
   * encoder ...: qtmux's tag map) and those with an XMP mapping, and drops
   * any other tag: our registered tags reach its sink pads but are not in
   * the file. The rating of an MP4 travels beside it (a sidecar, the iTunes
   * package metadata) and ratingtag reads it from there. */
  check_slate_scenario (&sc, GST_TAG_CONTAINER_FORMAT);
  scenario_clear (&sc);
}

GST_END_TEST;

GST_START_TEST (test_e2e_mpegts_slate_then_programme)
{
  Scenario sc;

  scenario_run (&sc, "mpegtsmux", "avenc_aac", "", "out.ts");
  /* mpegtsmux turns only the language tag into a PMT descriptor and
   * drops any other tag: MPEG-TS carries a rating in the EIT's
   * parental_rating_descriptor, which mpegtsmux does not write */
  check_slate_scenario (&sc, GST_TAG_VIDEO_CODEC);
  scenario_clear (&sc);
}

GST_END_TEST;

/* mode=drop: only the allowed part, 21:00:00 on, is in the file. */
GST_START_TEST (test_e2e_mpegts_drop_mode)
{
  Scenario sc;

  scenario_run (&sc, "mpegtsmux", "voaacenc", "mode=drop", "drop.ts");
  check_messages (&sc.run);
  check_as_run_log (sc.log);
  /* the muxer got nothing before 21:00:00 (GAP events only) */
  fail_unless_equals_uint64 (sc.in.video_rt, OPEN_NS);
  fail_unless_equals_uint64 (sc.in.audio_rt, OPEN_NS);
  /* and the file holds the two allowed seconds, no slate, no silence.
   * MPEG-TS has no start offset of its own: tsdemux starts its segment at
   * the first PTS, so the decoded file starts at running time 0 */
  check_video (&sc.d, N_FRAMES / 2, 0, 0);
  check_audio (&sc.d, 0, 2 * GST_SECOND, 0);
  scenario_clear (&sc);
}

GST_END_TEST;

static Suite *
e2e_suite (void)
{
  Suite *s = suite_create ("e2e");
  TCase *tc = tcase_create ("files");

  /* generous: the machine may be shared; nothing here measures speed */
  tcase_set_timeout (tc, 300);
  tcase_add_unchecked_fixture (tc, case_dir_setup, case_dir_teardown);
  tcase_add_checked_fixture (tc, tmp_dir_setup, tmp_dir_teardown);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_e2e_mp4_slate_then_programme);
  tcase_add_test (tc, test_e2e_mpegts_slate_then_programme);
  tcase_add_test (tc, test_e2e_mpegts_drop_mode);
  return s;
}

GST_CHECK_MAIN (e2e);
