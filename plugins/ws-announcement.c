/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: announcement samples from a recording or espeak-ng. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ws-announcement.h"

#include <string.h>

#include <gst/app/app.h>
#include <gst/gst.h>

#include "ws-error.h"

#ifdef WS_HAVE_ESPEAK_NG
#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#endif

/* The longest a private pipeline may run (decoding 2 minutes of audio
 * takes well under a second). */
#define PIPELINE_TIMEOUT (60 * GST_SECOND)

static gboolean
check_format (int rate, int channels, GError **error)
{
  if (rate < 8000 || rate > 192000 || channels < 1 || channels > 8) {
    g_set_error (error, WS_ERROR, WS_ERROR_ARGUMENT,
        "announcement audio of %d Hz, %d channels: use 8000-192000 Hz and "
        "1-8 channels",
        rate, channels);
    return FALSE;
  }
  return TRUE;
}

static GstElement *
make (const char *factory, GError **error)
{
  GstElement *e = gst_element_factory_make (factory, NULL);

  if (e == NULL)
    g_set_error (error, WS_ERROR, WS_ERROR_NOT_FOUND,
        "GStreamer element %s is missing (install gstreamer1.0-plugins-base)",
        factory);
  return e;
}

static void
on_pad_added (GstElement *src, GstPad *pad, gpointer user_data)
{
  GstElement *conv = user_data;
  GstPad *sinkpad = gst_element_get_static_pad (conv, "sink");
  GstCaps *caps = gst_pad_get_current_caps (pad);

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  if (!gst_pad_is_linked (sinkpad) && caps && !gst_caps_is_empty (caps) &&
      g_str_has_prefix (gst_structure_get_name (
                            gst_caps_get_structure (caps, 0)),
          "audio/"))
    gst_pad_link (pad, sinkpad);
  if (caps)
    gst_caps_unref (caps);
  gst_object_unref (sinkpad);
}

/* Runs @pipeline (whose converter chain ends in appsink @sink) to its end
 * and collects at most WS_ANNOUNCEMENT_MAX_S seconds. */
static float *
run_collect (GstElement *pipeline, GstElement *sink, const char *what, int rate,
    int channels, gsize *n_frames, GError **error)
{
  GByteArray *out = g_byte_array_new ();
  gsize max_bytes = (gsize) WS_ANNOUNCEMENT_MAX_S * rate * channels *
                    sizeof (float);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstClockTime waited = 0;
  gboolean failed = FALSE;

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE)
    failed = TRUE;
  while (!failed) {
    GstSample *s = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
        100 * GST_MSECOND);
    GstMessage *m;

    if (s) {
      GstBuffer *b = gst_sample_get_buffer (s);
      GstMapInfo map;
      if (b && gst_buffer_map (b, &map, GST_MAP_READ)) {
        gsize take = MIN (map.size, max_bytes - MIN (max_bytes, out->len));
        g_byte_array_append (out, map.data, (guint) take);
        gst_buffer_unmap (b, &map);
      }
      gst_sample_unref (s);
      continue;
    }
    if (gst_app_sink_is_eos (GST_APP_SINK (sink)))
      break;
    m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    if (m) {
      GError *gerr = NULL;
      gst_message_parse_error (m, &gerr, NULL);
      g_set_error (error, WS_ERROR, WS_ERROR_IO, "%s: %s", what,
          gerr ? gerr->message : "GStreamer error");
      g_clear_error (&gerr);
      gst_message_unref (m);
      gst_element_set_state (pipeline, GST_STATE_NULL);
      gst_object_unref (bus);
      g_byte_array_free (out, TRUE);
      return NULL;
    }
    waited += 100 * GST_MSECOND;
    if (waited > PIPELINE_TIMEOUT) {
      g_set_error (error, WS_ERROR, WS_ERROR_IO,
          "%s: decoding did not finish in %u s", what,
          (guint) (PIPELINE_TIMEOUT / GST_SECOND));
      failed = TRUE;
    }
  }
  if (failed && error && *error == NULL)
    g_set_error (error, WS_ERROR, WS_ERROR_IO, "%s: cannot start decoding",
        what);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  if (failed) {
    g_byte_array_free (out, TRUE);
    return NULL;
  }
  if (out->len < sizeof (float) * channels) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID, "%s: no audio in it", what);
    g_byte_array_free (out, TRUE);
    return NULL;
  }
  *n_frames = out->len / (sizeof (float) * channels);
  return (float *) (gpointer) g_byte_array_free (out, FALSE);
}

/* audioconvert ! audioresample ! F32 caps ! appsink, added to @pipeline;
 * returns the converter (its sink pad is the input) and sets @sink. */
static GstElement *
add_tail (GstElement *pipeline, int rate, int channels, GstElement **sink,
    GError **error)
{
  GstElement *conv = make ("audioconvert", error);
  GstElement *res = conv ? make ("audioresample", error) : NULL;
  GstElement *app = res ? make ("appsink", error) : NULL;
  GstCaps *caps;

  if (app == NULL) {
    if (conv)
      gst_object_unref (conv);
    if (res)
      gst_object_unref (res);
    return NULL;
  }
  caps = gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, "F32LE",
      "layout", G_TYPE_STRING, "interleaved", "rate", G_TYPE_INT, rate,
      "channels", G_TYPE_INT, channels, NULL);
  g_object_set (app, "caps", caps, "sync", FALSE, NULL);
  gst_caps_unref (caps);
  gst_bin_add_many (GST_BIN (pipeline), conv, res, app, NULL);
  gst_element_link_many (conv, res, app, NULL);
  *sink = app;
  return conv;
}

float *
ws_announcement_decode (const char *location, int rate, int channels,
    gsize *n_frames, GError **error)
{
  GstElement *pipeline, *src, *conv, *sink = NULL;
  char *uri;
  float *samples;

  g_return_val_if_fail (location != NULL && n_frames != NULL, NULL);
  if (!check_format (rate, channels, error))
    return NULL;
  if (gst_uri_is_valid (location)) {
    uri = g_strdup (location);
  } else {
    GError *uerr = NULL;
    uri = gst_filename_to_uri (location, &uerr);
    if (uri == NULL) {
      g_set_error (error, WS_ERROR, WS_ERROR_IO, "%s: %s", location,
          uerr->message);
      g_clear_error (&uerr);
      return NULL;
    }
  }
  pipeline = gst_pipeline_new ("ws-announcement-decode");
  src = make ("uridecodebin", error);
  if (src == NULL) {
    gst_object_unref (pipeline);
    g_free (uri);
    return NULL;
  }
  g_object_set (src, "uri", uri, NULL);
  g_free (uri);
  gst_bin_add (GST_BIN (pipeline), src);
  conv = add_tail (pipeline, rate, channels, &sink, error);
  if (conv == NULL) {
    gst_object_unref (pipeline);
    return NULL;
  }
  g_signal_connect (src, "pad-added", G_CALLBACK (on_pad_added), conv);
  samples = run_collect (pipeline, sink, location, rate, channels, n_frames,
      error);
  gst_object_unref (pipeline);
  return samples;
}

#ifdef WS_HAVE_ESPEAK_NG
static GMutex speak_lock;
static gboolean speak_ready;
static int speak_rate;

static int
on_synth (short *wav, int n, espeak_EVENT *events)
{
  GByteArray *out = events ? events->user_data : NULL;

  if (out && wav && n > 0 &&
      out->len < (gsize) WS_ANNOUNCEMENT_MAX_S * 48000 * sizeof (short))
    g_byte_array_append (out, (const guint8 *) wav, (guint) n * sizeof (short));
  return 0;
}

/* Picks the voice for @language: that name, else its primary language,
 * else English. */
static void
set_voice (const char *language)
{
  char *primary;

  if (language && espeak_ng_SetVoiceByName (language) == ENS_OK)
    return;
  primary = language ? g_strndup (language, strcspn (language, "-_")) : NULL;
  if (primary == NULL || espeak_ng_SetVoiceByName (primary) != ENS_OK)
    espeak_ng_SetVoiceByName ("en");
  g_free (primary);
}
#endif

gboolean
ws_announcement_can_speak (void)
{
#ifdef WS_HAVE_ESPEAK_NG
  return TRUE;
#else
  return FALSE;
#endif
}

float *
ws_announcement_speak (const char *text, const char *language, int rate,
    int channels, gsize *n_frames, GError **error)
{
#ifdef WS_HAVE_ESPEAK_NG
  GByteArray *pcm;
  espeak_ng_STATUS st;
  GstElement *pipeline, *src, *conv, *sink = NULL;
  GstCaps *caps;
  GstBuffer *buf;
  float *samples;

  g_return_val_if_fail (text != NULL && n_frames != NULL, NULL);
  if (!check_format (rate, channels, error))
    return NULL;

  g_mutex_lock (&speak_lock);
  if (!speak_ready) {
    espeak_ng_InitializePath (NULL);
    st = espeak_ng_Initialize (NULL);
    if (st == ENS_OK)
      st = espeak_ng_InitializeOutput (ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL);
    if (st != ENS_OK) {
      char msg[256] = "";
      espeak_ng_GetStatusCodeMessage (st, msg, sizeof msg);
      g_mutex_unlock (&speak_lock);
      g_set_error (error, WS_ERROR, WS_ERROR_NOT_FOUND,
          "espeak-ng cannot start (%s): install espeak-ng-data", msg);
      return NULL;
    }
    espeak_SetSynthCallback (on_synth);
    speak_rate = espeak_ng_GetSampleRate ();
    speak_ready = TRUE;
  }
  set_voice (language);
  pcm = g_byte_array_new ();
  st = espeak_ng_Synthesize (text, strlen (text) + 1, 0, POS_CHARACTER, 0,
      espeakCHARS_UTF8, NULL, pcm);
  if (st == ENS_OK)
    st = espeak_ng_Synchronize ();
  g_mutex_unlock (&speak_lock);
  if (st != ENS_OK || pcm->len < sizeof (short)) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "espeak-ng could not speak \"%s\"", text);
    g_byte_array_free (pcm, TRUE);
    return NULL;
  }

  /* espeak-ng's 16-bit mono at its own rate -> the programme's format */
  pipeline = gst_pipeline_new ("ws-announcement-speak");
  src = make ("appsrc", error);
  if (src == NULL) {
    gst_object_unref (pipeline);
    g_byte_array_free (pcm, TRUE);
    return NULL;
  }
  caps = gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, "S16LE",
      "layout", G_TYPE_STRING, "interleaved", "rate", G_TYPE_INT, speak_rate,
      "channels", G_TYPE_INT, 1, NULL);
  g_object_set (src, "caps", caps, "format", GST_FORMAT_TIME, NULL);
  gst_caps_unref (caps);
  gst_bin_add (GST_BIN (pipeline), src);
  conv = add_tail (pipeline, rate, channels, &sink, error);
  if (conv == NULL || !gst_element_link (src, conv)) {
    gst_object_unref (pipeline);
    g_byte_array_free (pcm, TRUE);
    return NULL;
  }
  {
    gsize len = pcm->len;
    buf = gst_buffer_new_wrapped (g_byte_array_free (pcm, FALSE), len);
    GST_BUFFER_PTS (buf) = 0;
    GST_BUFFER_DURATION (buf) = gst_util_uint64_scale (len / sizeof (short),
        GST_SECOND, speak_rate);
  }
  gst_app_src_push_buffer (GST_APP_SRC (src), buf);
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  samples = run_collect (pipeline, sink, "espeak-ng", rate, channels, n_frames,
      error);
  gst_object_unref (pipeline);
  return samples;
#else
  g_set_error (error, WS_ERROR, WS_ERROR_NOT_FOUND,
      "watershed was built without espeak-ng: give a recording "
      "(announcement-file), or install libespeak-ng-dev and rebuild");
  return NULL;
#endif
}
