/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:element-ratingwarning
 * @title: ratingwarning
 * @short_description: pre-programme warning card and announcement, and the
 *   end card with support information
 *
 * ratingwarning gives the viewer the warning some regulators ask for
 * before a programme rather than (or as well as) an on-screen badge: the
 * UK (Ofcom: clear information before the programme) and Germany (JMStV:
 * an acoustic or optical announcement for 16 and 18 content). It shows a
 * card with the rating badge and the warning text and plays an
 * announcement, in sync, at the start of the programme. At the end of the
 * programme it shows an end card with the helplines for the topics the
 * programme deals with (ratings/support/).
 *
 * It has a video pad pair (`video_sink`, `video_src`) and an audio pad
 * pair (`audio_sink`, `audio_src`); either may stay unlinked (a video-only
 * stream gets the card, an audio-only stream the announcement). It is a
 * separate element rather than more of ratingoverlay because it needs
 * both streams (ratingoverlay is a one-pad-pair video transform) and, in
 * `delay` timing, inserts frames and samples and shifts the programme's
 * timestamps, which a transform cannot.
 *
 * ## When
 *
 * A warning starts at the first buffer of the stream (unless
 * #WsRatingWarning:at-stream-start is %FALSE) and at the first buffer
 * after a `watershed-programme-start` event (which ratinggate
 * sends when it opens; see plugins/ws-rating-event.h), on either pad. The
 * first buffer that arrives on either pad after that fixes the warning's
 * start (its running time); the other pad joins at the same running time
 * (audio that has already run past it starts the announcement at its
 * next buffer). With #WsRatingWarning:mode `auto` the warning is given
 * when the territory's guidance rule for the rating (the policy of
 * #WsRatingWarning:policy, else of #WsRatingWarning:territory, else of
 * the rating's territory; ratings/policies/) says `announcement="true"`
 * (the UK for 15 and 18, Germany for 16 and 18), judged at the
 * programme's time from the buffers' `timestamp/x-unix` reference
 * timestamp; when the rule sets disagree and that time is unknown, when
 * there is no policy to ask (none set or found) or no rating (judged as
 * unrated), the warning is given (fail closed). `always` gives it at every start, `off`
 * never.
 *
 * ## What
 *
 * The text is the rule's `<announcement>` in #WsRatingWarning:language
 * (else the language of the rule's first announcement, the
 * territory's), else in English, else the English sentence "The
 * following programme is rated BBFC 15."; #WsRatingWarning:text
 * overrides it. The rating's own guidance text in that language is shown
 * under it and spoken after it. The card is full-screen or a lower third
 * (#WsRatingWarning:card), inside the graphics-safe area, drawn by the
 * guidance renderer (plugins/ws-guidance-render.h, pango: right-to-left
 * and CJK text are shaped). It lasts #WsRatingWarning:duration, else the
 * rule's `announcement-duration-s`, else 5 s.
 *
 * The announcement is #WsRatingWarning:announcement-file (any file or
 * URI GStreamer decodes) when set, decoded ahead of time into the
 * stream's audio format; else the recording #WsRatingWarning:recordings
 * (a catalogue, ratings/schemas/recordings.xsd) names for the territory,
 * the rating and the card's language, decoded as soon as the rating is
 * known; otherwise, with #WsRatingWarning:speech, the
 * text is spoken by espeak-ng, a clearly synthetic fallback voice, in
 * the text's language. Either is made ahead, when the audio caps or a
 * rating arrive, not in the streaming thread when the warning starts
 * (unless the warning turns out to need another, such as a rule that
 * differs by time of day). The announcement is brought to
 * #WsRatingWarning:announcement-loudness (EBU R 128's -23 LUFS by
 * default). In `overlay` timing (#WsRatingWarning:timing) the
 * programme audio under the warning is ducked by
 * #WsRatingWarning:duck-gain with ramps of #WsRatingWarning:ramp and the
 * announcement mixed in from the warning's first sample; a recording
 * longer than the warning fades out with the card. In `delay` timing the
 * card frames (the programme's first frame frozen under the card) and
 * the announcement (over silence) are inserted and the programme follows
 * them, its timestamps and segment shifted by the warning's length on
 * both pads; a seek from downstream is mapped to the programme's time (a
 * seek into a warning gives it again).
 *
 * ## End card
 *
 * When the rating calls for support information (the topics
 * ws_support_topics_for_rating() finds from its descriptors through
 * ratings/support/topics.xml, such as drugs, sexual violence or BBFC
 * imitable behaviour, or the sidecar's `<support topic>`), at EOS, at a
 * `watershed-programme-end` event, or #WsRatingWarning:end-card-before
 * the end (the duration upstream reports), an end card lists the
 * helplines of the territory (#WsRatingWarning:territory, else the
 * rating's, else the policy's jurisdiction) for those topics and the
 * general child helpline (name, number, web address, hours), full
 * screen, for #WsRatingWarning:end-card-duration. At EOS the card frames
 * are appended after the last frame (the EOS follows them); otherwise
 * they are laid over the programme. A topic without a helpline in the
 * territory's data is a warning on the bus, not a silent gap.
 *
 * ## Messages and the as-run log
 *
 * An element message `ratingwarning` is posted when a warning or an end
 * card starts: `timestamp`, `stream-time`, `running-time` (#guint64),
 * `duration` (#guint64, the card's length), `event` (#gchararray:
 * `warning` or `end-card`), `text` (#gchararray: the warning's sentence,
 * or the end card's helplines one per line), `language`
 * (#gchararray), `audio` (#gchararray: `file`, `speech` or `none`),
 * `timing` (#gchararray: `overlay` or `delay`). With
 * #WsRatingWarning:as-run-log each warning is also a line of the as-run
 * log (ratings/ws-asrun.h) of kind `warning-card` whose `mode` is the
 * timing and whose `reason` gives the duration and the audio source.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 -e videotestsrc num-buffers=250 ! \
 *   video/x-raw,width=1280,height=720,framerate=25/1 ! w.video_sink \
 *   audiotestsrc num-buffers=500 ! audio/x-raw,rate=48000,channels=2 ! \
 *   w.audio_sink \
 *   ratingwarning name=w rating=bbfc:15 policy=uk-ofcom \
 *   w.video_src ! videoconvert ! autovideosink \
 *   w.audio_src ! audioconvert ! autoaudiosink
 * ]| shows the UK warning card for 5 s over the start of a test picture
 * and speaks it over the ducked tone.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include <gst/audio/audio.h>
#include <gst/video/video.h>

#include "ratingwarning.h"
#include "ws-announcement.h"
#include "ws-asrun.h"
#include "ws-duck.h"
#include "ws-element.h"
#include "ws-guidance-render.h"
#include "ws-policy.h"
#include "ws-rating-event.h"
#include "ws-rating-system.h"
#include "ws-rating.h"
#include "ws-support.h"
#include "ws-warning.h"

GST_DEBUG_CATEGORY_STATIC (ratingwarning_debug);
#define GST_CAT_DEFAULT ratingwarning_debug

enum {
  PROP_0,
  PROP_MODE,
  PROP_CARD,
  PROP_TIMING,
  PROP_DURATION,
  PROP_LANGUAGE,
  PROP_TEXT,
  PROP_RATING,
  PROP_POLICY,
  PROP_TERRITORY,
  PROP_SERVICE_CLASS,
  PROP_ANNOUNCEMENT_FILE,
  PROP_SPEECH,
  PROP_DUCK_GAIN,
  PROP_RAMP,
  PROP_AS_RUN_LOG,
  PROP_AT_STREAM_START,
  PROP_ANNOUNCEMENT_LOUDNESS,
  PROP_END_CARD_DURATION,
  PROP_END_CARD_BEFORE,
  PROP_SUPPORT_DATA,
  PROP_RECORDINGS,
  PROP_AS_RUN_CHANNEL,
  PROP_START_TIME,
};

#define DEFAULT_MODE WS_RATING_WARNING_MODE_AUTO
#define DEFAULT_CARD WS_RATING_WARNING_CARD_FULL_SCREEN
#define DEFAULT_TIMING WS_RATING_WARNING_TIMING_OVERLAY
#define DEFAULT_DURATION 0
#define DEFAULT_LANGUAGE NULL
#define DEFAULT_TEXT NULL
#define DEFAULT_RATING NULL
#define DEFAULT_POLICY NULL
#define DEFAULT_TERRITORY NULL
#define DEFAULT_SERVICE_CLASS NULL
#define DEFAULT_ANNOUNCEMENT_FILE NULL
#define DEFAULT_SPEECH TRUE
#define DEFAULT_DUCK_GAIN -20.0
#define DEFAULT_RAMP (50 * GST_MSECOND)
#define DEFAULT_AS_RUN_LOG NULL
#define DEFAULT_AT_STREAM_START TRUE
#define DEFAULT_ANNOUNCEMENT_LOUDNESS -23.0
#define DEFAULT_END_CARD_DURATION (10 * GST_SECOND)
#define DEFAULT_END_CARD_BEFORE 0
#define DEFAULT_SUPPORT_DATA NULL
#define DEFAULT_RECORDINGS NULL

/* One warning delay timing inserted on a pad: before the programme buffer
 * at @in_pts (upstream time), @len long. */
typedef struct {
  GstClockTime in_pts;
  GstClockTime len;
  gboolean at_start; /* the warning at the stream's first buffer */
} Insertion;

/* Delay timing on one source pad: what was inserted, and how the segment
 * downstream is moved. */
typedef struct {
  GstClockTime shift;     /* inserted so far: added to the timestamps */
  GstClockTime seg_shift; /* the shift when the segment arrived */
  GstClockTime tail;      /* appended after the last buffer (end card) */
  guint32 seg_seqnum;     /* the segment's */
  GArray *ins;            /* (element-type Insertion): for seeks */
} DelayTrack;

/* frames per second assumed for inserted frames when the caps say none */
#define FALLBACK_FPS_N 25
#define FALLBACK_FPS_D 1

#define VIDEO_FORMATS                                                      \
  "{ I420, YV12, NV12, NV21, YUY2, UYVY, YVYU, Y42B, "                     \
  "Y444, AYUV, v210, I420_10LE, P010_10LE, RGBx, BGRx, xRGB, xBGR, RGBA, " \
  "BGRA, ARGB, ABGR, RGB, BGR }"
#define AUDIO_CAPS                                           \
  "audio/x-raw, format=(string){ F32LE, S16LE }, "           \
  "layout=(string)interleaved, rate=(int)[ 8000, 192000 ], " \
  "channels=(int)[ 1, 8 ]"

static GstStaticPadTemplate video_sink_template =
    GST_STATIC_PAD_TEMPLATE ("video_sink", GST_PAD_SINK, GST_PAD_ALWAYS,
        GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (VIDEO_FORMATS)));
static GstStaticPadTemplate video_src_template =
    GST_STATIC_PAD_TEMPLATE ("video_src", GST_PAD_SRC, GST_PAD_ALWAYS,
        GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (VIDEO_FORMATS)));
static GstStaticPadTemplate audio_sink_template =
    GST_STATIC_PAD_TEMPLATE ("audio_sink", GST_PAD_SINK, GST_PAD_ALWAYS,
        GST_STATIC_CAPS (AUDIO_CAPS));
static GstStaticPadTemplate audio_src_template =
    GST_STATIC_PAD_TEMPLATE ("audio_src", GST_PAD_SRC, GST_PAD_ALWAYS,
        GST_STATIC_CAPS (AUDIO_CAPS));

/* A card being shown: rendered once per caps. */
typedef struct {
  gboolean active;
  GstClockTime start_rt; /* NONE until a pad fixes it */
  GstClockTime duration;
  GstVideoOverlayComposition *comp;
  gboolean video_done; /* delay: inserted; overlay: past the end */
} Showing;

struct _WsRatingWarning {
  GstElement parent;

  GstPad *vsink, *vsrc, *asink, *asrc;

  /* properties (object lock) */
  WsRatingWarningMode mode;
  WsRatingWarningCard card;
  WsRatingWarningTiming timing;
  guint64 duration;
  gchar *language, *text, *rating, *policy_id, *territory, *service_class;
  gchar *announcement_file;
  gboolean speech;
  gdouble duck_gain;
  guint64 ramp;
  gchar *as_run_log;
  gchar *as_run_channel;
  gchar *start_time; /* as-run instants: start-time + running time */
  WsWallClock wall;  /* running time to UTC, for as-run lines */
  gboolean at_stream_start;
  gdouble announcement_loudness;
  guint64 end_card_duration, end_card_before;
  gchar *support_data;
  gchar *recordings;

  /* streaming state, shared by the pads (lock) */
  GMutex lock;
  GstVideoInfo vinfo;
  gboolean have_vinfo;
  GstAudioInfo ainfo;
  gboolean have_ainfo;
  GstSegment vseg, aseg;
  WsRating *event_rating;
  WsPolicyCache policy_cache;
  WsAsRunWriter *log;
  WsRecordings *rec_cache; /* the catalogue @rec_path named when read */
  gchar *rec_path;

  gboolean pending; /* a warning is due at the next buffer */
  WsWarning *warning;
  Showing card_show;
  gboolean audio_joined; /* the audio pad has placed the announcement */
  gboolean audio_done;
  WsDuck duck;
  float *announce;
  gsize announce_frames;
  gchar *announce_key;       /* what @announce was made from */
  GstClockTime vlast, alast; /* running time of each pad's last buffer */
  DelayTrack vdelay, adelay; /* delay timing, per pad */
  gboolean pending_at_start; /* the pending warning is the stream's first */
  gboolean card_at_start;    /* ... the warning in progress */
  guint32 seek_seqnum;       /* the last seek mapped, 0 = none */
  gboolean seek_replay;      /* it landed in a warning: give it again */
  gboolean seek_at_start;    /* ... the stream's first */
  GstClockTime delay_len;    /* the length inserted for this warning */

  /* the end card */
  Showing end_show;
  gboolean end_pending; /* a programme-end event: at the next frame */
  gboolean end_done;
  GstClockTime last_vpts, last_vdur;
  GstClockTime stream_duration; /* from a duration query, or NONE */
  gchar *end_text;              /* the helplines, for the message */
};

G_DEFINE_TYPE (WsRatingWarning, ws_rating_warning, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (ratingwarning, "ratingwarning", GST_RANK_NONE,
    WS_TYPE_RATING_WARNING);

GType
ws_rating_warning_mode_get_type (void)
{
  static gsize id = 0;
  static const GEnumValue values[] = {
    { WS_RATING_WARNING_MODE_AUTO,
        "When the territory's guidance rule asks for an announcement", "auto" },
    { WS_RATING_WARNING_MODE_ALWAYS, "At every programme start", "always" },
    { WS_RATING_WARNING_MODE_OFF, "Never", "off" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&id)) {
    GType t = g_enum_register_static ("WsRatingWarningMode", values);
    g_once_init_leave (&id, t);
  }
  return (GType) id;
}

GType
ws_rating_warning_card_get_type (void)
{
  static gsize id = 0;
  static const GEnumValue values[] = {
    { WS_RATING_WARNING_CARD_FULL_SCREEN, "An opaque full-screen card",
        "full-screen" },
    { WS_RATING_WARNING_CARD_LOWER_THIRD, "A band over the lower third",
        "lower-third" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&id)) {
    GType t = g_enum_register_static ("WsRatingWarningCard", values);
    g_once_init_leave (&id, t);
  }
  return (GType) id;
}

GType
ws_rating_warning_timing_get_type (void)
{
  static gsize id = 0;
  static const GEnumValue values[] = {
    { WS_RATING_WARNING_TIMING_OVERLAY,
        "Over the first seconds of the programme, its audio ducked",
        "overlay" },
    { WS_RATING_WARNING_TIMING_DELAY,
        "Inserted before the programme, which starts later", "delay" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&id)) {
    GType t = g_enum_register_static ("WsRatingWarningTiming", values);
    g_once_init_leave (&id, t);
  }
  return (GType) id;
}

/* ---- helpers ------------------------------------------------------------ */

static const char *
timing_nick (WsRatingWarningTiming t)
{
  return t == WS_RATING_WARNING_TIMING_DELAY ? "delay" : "overlay";
}

static void
showing_clear (Showing *s)
{
  if (s->comp)
    gst_video_overlay_composition_unref (s->comp);
  memset (s, 0, sizeof *s);
  s->start_rt = GST_CLOCK_TIME_NONE;
}

/* The rating in force (the event's, else the property's); a new rating
 * owned by the caller, or NULL. (object lock not held) */
static WsRating *
current_rating (WsRatingWarning *self)
{
  WsRating *r;
  char *sys = NULL, *code = NULL;

  if (self->event_rating)
    return ws_rating_copy (self->event_rating);
  GST_OBJECT_LOCK (self);
  if (self->rating == NULL || !ws_rating_split (self->rating, &sys, &code)) {
    GST_OBJECT_UNLOCK (self);
    return NULL;
  }
  GST_OBJECT_UNLOCK (self);
  r = ws_rating_new ();
  r->system = sys;
  r->code = code;
  return r;
}

/* Loads (and caches) the policy of the properties or the rating's
 * territory. (lock held) */
static WsPolicy *
get_policy (WsRatingWarning *self, const WsRating *r)
{
  char *policy_id, *territory;
  WsPolicy *policy;
  GError *err = NULL;

  GST_OBJECT_LOCK (self);
  policy_id = g_strdup (self->policy_id);
  territory = g_strdup (self->territory);
  GST_OBJECT_UNLOCK (self);
  if ((territory == NULL || territory[0] == '\0') && r && r->territory) {
    g_free (territory);
    territory = g_strdup (r->territory);
  }
  policy = ws_policy_cache_get (&self->policy_cache, policy_id, territory,
      &err);
  if (err != NULL) {
    GST_ELEMENT_WARNING (self, RESOURCE, NOT_FOUND, (NULL),
        ("%s; mode=auto gives the warning when no policy can be asked "
         "(set policy or territory, or mode)",
            err->message));
    g_clear_error (&err);
  }
  g_free (policy_id);
  g_free (territory);
  return policy;
}

static char *
rating_display_name (const WsRating *r)
{
  char *up, *name;

  if (r == NULL || r->code == NULL)
    return NULL;
  if (r->system == NULL)
    return g_strdup (r->code);
  up = g_ascii_strup (r->system, -1);
  name = g_strdup_printf ("%s %s", up, r->code);
  g_free (up);
  return name;
}

static void
post_started (WsRatingWarning *self, const GstSegment *seg, GstClockTime pts,
    const char *event, GstClockTime duration, const char *text,
    const char *language, const char *audio, WsRatingWarningTiming timing)
{
  GstStructure *s = ws_timed_structure_new_from_segment ("ratingwarning", seg,
      pts, duration);

  gst_structure_set (s, "event", G_TYPE_STRING, event, "text", G_TYPE_STRING,
      text, "language", G_TYPE_STRING, language, "audio", G_TYPE_STRING, audio,
      "timing", G_TYPE_STRING, timing_nick (timing), NULL);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
}

/* One as-run line for the warning that starts at @rt. (lock held) */
static void
log_warning (WsRatingWarning *self, const WsRating *r, GstClockTime rt,
    gint64 at_us, WsRatingWarningTiming timing)
{
  WsAsRunRecord rec = { 0 };
  char *reason, *line, *rating = NULL, *name, *service_class;
  char *instant = NULL, *channel;

  if (self->log == NULL)
    return;
  if (r && r->system && r->code)
    rating = g_strdup_printf ("%s:%s", r->system, r->code);
  reason = ws_warning_describe (self->warning);
  name = gst_object_get_name (GST_OBJECT (self));
  GST_OBJECT_LOCK (self);
  service_class = g_strdup (self->service_class);
  channel = g_strdup (self->as_run_channel);
  GST_OBJECT_UNLOCK (self);
  /* the programme's civil time when the buffers carry it, else when the
   * running time comes round on the clock */
  instant = ws_element_asrun_instant (GST_ELEMENT_CAST (self), &self->wall,
      at_us, rt, self->policy_cache.policy);
  rec.instant = instant;
  rec.running_time_ns = GST_CLOCK_TIME_IS_VALID (rt) ? (gint64) rt : -1;
  rec.allowed = TRUE;
  rec.reason = reason;
  rec.rule = self->warning->rule_id;
  rec.rating = rating;
  rec.policy = self->policy_cache.policy ?
                   ws_policy_get_id (self->policy_cache.policy) :
                   NULL;
  rec.service_class = service_class ? service_class :
                      self->policy_cache.policy ?
                                      ws_policy_get_default_service_class (
                                          self->policy_cache.policy) :
                                      NULL;
  rec.kind = "warning-card";
  rec.mode = timing_nick (timing);
  rec.element = name;
  rec.channel = channel && channel[0] ? channel : NULL;
  line = ws_asrun_format_line (&rec);
  if (!ws_asrun_writer_push (self->log, line))
    GST_ELEMENT_WARNING (self, RESOURCE, WRITE, (NULL),
        ("the as-run log's queue is full: the warning at %" GST_TIME_FORMAT
         " was not recorded",
            GST_TIME_ARGS (rt)));
  g_free (reason);
  g_free (rating);
  g_free (name);
  g_free (service_class);
  g_free (channel);
  g_free (instant);
}

/* The territory a warning or end card is for: the property, else the
 * rating's, else the policy's jurisdiction (when one was loaded).
 * (transfer full; lock held) */
static char *
warning_territory (WsRatingWarning *self, const WsRating *r)
{
  char *territory;

  GST_OBJECT_LOCK (self);
  territory = g_strdup (self->territory);
  GST_OBJECT_UNLOCK (self);
  if (territory == NULL && r != NULL && r->territory)
    territory = g_strdup (r->territory);
  if (territory == NULL && self->policy_cache.policy)
    territory = g_strdup (
        ws_policy_get_jurisdiction (self->policy_cache.policy));
  return territory;
}

/* The recordings catalogue the property names, read once per path; a
 * catalogue that cannot be read is a warning naming the file and line, and
 * the text is spoken instead (the card is shown either way). (lock held) */
static const WsRecordings *
get_recordings (WsRatingWarning *self)
{
  GError *err = NULL;
  char *path;

  GST_OBJECT_LOCK (self);
  path = g_strdup (self->recordings);
  GST_OBJECT_UNLOCK (self);
  if (path == NULL || path[0] == '\0') {
    g_free (path);
    return NULL;
  }
  if (g_strcmp0 (path, self->rec_path) == 0) {
    g_free (path);
    return self->rec_cache;
  }
  ws_recordings_free (self->rec_cache);
  g_free (self->rec_path);
  self->rec_path = path;
  self->rec_cache = ws_recordings_new (path, &err);
  if (self->rec_cache == NULL) {
    GST_ELEMENT_WARNING (self, RESOURCE, READ, (NULL),
        ("recordings: %s; the announcement is spoken instead (fix the "
         "catalogue)",
            err->message));
    g_clear_error (&err);
  } else {
    GST_INFO_OBJECT (self, "%u recordings in %s",
        ws_recordings_count (self->rec_cache), path);
  }
  return self->rec_cache;
}

static void produce_announcement (WsRatingWarning *self, const char *file,
    const char *text, const char *language);
static void prepare_announcement (WsRatingWarning *self, const WsWarning *w);

/* Whether a warning is due for @r at the programme's time @at_us
 * (%WS_TIME_NONE when unknown), and the guidance rule it follows (@g, NULL
 * when none); fails closed. @report posts what went wrong (FALSE when only
 * looking ahead). (lock held) */
static gboolean
warning_wanted (WsRatingWarning *self, const WsRating *r, gint64 at_us,
    gboolean report, const WsGuidance **g)
{
  const WsRatingDef *def = ws_rating_lookup (NULL, r, NULL, NULL);
  WsRatingWarningMode mode;
  WsPolicy *pol;
  GError *err = NULL;
  char *service_class;
  gboolean wanted;

  *g = NULL;
  GST_OBJECT_LOCK (self);
  mode = self->mode;
  service_class = g_strdup (self->service_class);
  GST_OBJECT_UNLOCK (self);
  if (mode == WS_RATING_WARNING_MODE_OFF) {
    g_free (service_class);
    return FALSE;
  }
  pol = get_policy (self, r);
  if (pol && !ws_policy_guidance_at (pol, service_class, def, at_us, g, &err)) {
    /* always: without the rule's words; auto: fail closed, warn */
    if (report && mode == WS_RATING_WARNING_MODE_AUTO)
      GST_ELEMENT_WARNING (self, STREAM, FORMAT, (NULL),
          ("%s; giving the warning", err->message));
    g_clear_error (&err);
    wanted = TRUE;
  } else if (mode == WS_RATING_WARNING_MODE_ALWAYS) {
    wanted = TRUE;
  } else if (pol) {
    /* no rating: judged as unrated by the policy */
    wanted = ws_warning_required (*g);
  } else {
    /* no policy to ask: fail closed */
    if (report && self->policy_cache.key == NULL)
      GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS, (NULL),
          ("mode=auto without a policy, a territory or a rating with a "
           "territory: giving the warning (set policy or territory, or "
           "mode)"));
    wanted = TRUE;
  }
  g_free (service_class);
  return wanted;
}

/* What a warning is planned from: the properties (copied), the rating's
 * name and the territory; the prefetch and the warning plan the same
 * request. (lock held) */
typedef struct {
  WsWarningRequest req;
  char *name, *territory, *language, *text, *audio_file;
} WarningInputs;

static void
warning_inputs_init (WsRatingWarning *self, const WsRating *r,
    const WsGuidance *g, WarningInputs *in)
{
  memset (in, 0, sizeof (*in));
  in->req.recordings = get_recordings (self);
  in->territory = warning_territory (self, r);
  in->name = rating_display_name (r);
  GST_OBJECT_LOCK (self);
  in->language = g_strdup (self->language);
  in->text = g_strdup (self->text);
  in->audio_file = g_strdup (self->announcement_file);
  in->req.duration_ns = self->duration;
  in->req.speech = self->speech;
  GST_OBJECT_UNLOCK (self);
  in->req.guidance = g;
  in->req.rating = r;
  in->req.rating_name = in->name;
  in->req.language = in->language;
  in->req.text = in->text;
  in->req.audio_file = in->audio_file;
  in->req.territory = in->territory;
}

static void
warning_inputs_clear (WarningInputs *in)
{
  g_free (in->name);
  g_free (in->territory);
  g_free (in->language);
  g_free (in->text);
  g_free (in->audio_file);
}

/* Makes, ahead of the warning, the announcement the warning would play for
 * the rating known now (at the audio caps or a rating event): the
 * recording is decoded or the text spoken here, so the streaming thread
 * does neither when the warning starts. If the warning then plans another
 * (a rule that differs by time), that one is made then. Never while a
 * warning's announcement is being mixed. (lock held) */
static void
prefetch_announcement (WsRatingWarning *self)
{
  WarningInputs in;
  const WsGuidance *g;
  WsWarning *w;
  WsRating *r;

  if (!self->have_ainfo || (self->card_show.active && !self->audio_done))
    return;
  r = current_rating (self);
  if (warning_wanted (self, r, WS_TIME_NONE, FALSE, &g)) {
    warning_inputs_init (self, r, g, &in);
    w = ws_warning_plan (&in.req);
    if (w->audio != WS_WARNING_AUDIO_NONE)
      prepare_announcement (self, w);
    ws_warning_free (w);
    warning_inputs_clear (&in);
  }
  ws_rating_free (r);
}

/* Decides whether a warning is due, and plans it; starts it at running
 * time @rt. (lock held) */
static void
begin_warning (WsRatingWarning *self, GstBuffer *buf, GstClockTime rt,
    const GstSegment *seg)
{
  WsRatingWarningTiming timing;
  WarningInputs in;
  WsRating *r = current_rating (self);
  const WsGuidance *g = NULL;

  self->pending = FALSE;
  self->card_at_start = self->pending_at_start;
  ws_warning_free (self->warning);
  self->warning = NULL;
  showing_clear (&self->card_show);
  self->audio_joined = FALSE;
  self->audio_done = FALSE;

  GST_OBJECT_LOCK (self);
  timing = self->timing;
  GST_OBJECT_UNLOCK (self);

  if (!warning_wanted (self, r, ws_buffer_programme_time_us (buf), TRUE, &g)) {
    char *name = rating_display_name (r);
    GST_INFO_OBJECT (self, "no warning for %s", name ? name : "(no rating)");
    g_free (name);
    ws_rating_free (r);
    return;
  }

  warning_inputs_init (self, r, g, &in);
  self->warning = ws_warning_plan (&in.req);

  self->card_show.active = TRUE;
  self->card_show.start_rt = rt;
  self->card_show.duration = self->warning->duration_ns;
  self->delay_len = self->warning->duration_ns;
  if (self->have_vinfo) {
    /* whole frames, the same length on both pads */
    gint n = GST_VIDEO_INFO_FPS_N (&self->vinfo) > 0 ?
                 GST_VIDEO_INFO_FPS_N (&self->vinfo) :
                 FALLBACK_FPS_N;
    gint d = GST_VIDEO_INFO_FPS_N (&self->vinfo) > 0 ?
                 GST_VIDEO_INFO_FPS_D (&self->vinfo) :
                 FALLBACK_FPS_D;
    guint64 frames = gst_util_uint64_scale_ceil (self->delay_len, n,
        (guint64) d * GST_SECOND);
    self->delay_len = gst_util_uint64_scale (frames, (guint64) d * GST_SECOND,
        n);
  }
  GST_INFO_OBJECT (self, "warning for %s at %" GST_TIME_FORMAT ": %s",
      in.name ? in.name : "(no rating)", GST_TIME_ARGS (rt),
      self->warning->headline);
  post_started (self, seg, GST_BUFFER_PTS (buf), "warning",
      self->warning->duration_ns, self->warning->headline,
      self->warning->language,
      ws_warning_audio_to_string (self->warning->audio), timing);
  log_warning (self, r, rt, ws_buffer_programme_time_us (buf), timing);
  warning_inputs_clear (&in);
  ws_rating_free (r);
}

/* The composition drawing @img over the frame: only its rows with
 * visible pixels (a lower third is blended as the band alone, and frame
 * rows above it are not touched). */
static GstVideoOverlayComposition *
composition_from_image (WsGuidanceImage *img)
{
  gsize stride[GST_VIDEO_MAX_PLANES] = { 0 };
  gsize offset[GST_VIDEO_MAX_PLANES] = { 0 };
  GstBuffer *buf;
  GstVideoOverlayRectangle *rect;
  GstVideoOverlayComposition *comp;
  int y0 = 0, y1 = img->height;

  while (y0 < img->height - 1) {
    const guint32 *row = (const guint32 *) (gpointer) (img->pixels +
                                                       (gsize) y0 *
                                                           img->stride);
    gboolean seen = FALSE;
    for (int x = 0; x < img->width && !seen; x++)
      seen = (row[x] >> 24) != 0;
    if (seen)
      break;
    y0++;
  }
  y0 &= ~1; /* even, for chroma-subsampled formats */
  stride[0] = img->stride;
  buf = gst_buffer_new_memdup (img->pixels + (gsize) y0 * img->stride,
      (gsize) img->stride * (gsize) (y1 - y0));
  gst_buffer_add_video_meta_full (buf, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB, img->width, y1 - y0, 1, offset,
      (gint *) stride);
  rect = gst_video_overlay_rectangle_new_raw (buf, 0, y0, img->width, y1 - y0,
      GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
  gst_buffer_unref (buf);
  comp = gst_video_overlay_composition_new (rect);
  gst_video_overlay_rectangle_unref (rect);
  return comp;
}

/* Renders @spec for the current caps; NULL (after a warning) when it
 * cannot be drawn. (lock held) */
static GstVideoOverlayComposition *
render_card (WsRatingWarning *self, WsNoticeSpec *spec)
{
  GError *err = NULL;
  WsGuidanceImage *img;
  GstVideoOverlayComposition *comp;

  spec->pixel_aspect = ws_video_info_pixel_aspect (&self->vinfo);
  img = ws_guidance_render_notice (spec, GST_VIDEO_INFO_WIDTH (&self->vinfo),
      GST_VIDEO_INFO_HEIGHT (&self->vinfo), &err);
  if (img == NULL) {
    GST_ELEMENT_WARNING (self, STREAM, FAILED, (NULL),
        ("cannot draw the card on a %dx%d frame: %s; no card is shown",
            GST_VIDEO_INFO_WIDTH (&self->vinfo),
            GST_VIDEO_INFO_HEIGHT (&self->vinfo), err->message));
    g_clear_error (&err);
    return NULL;
  }
  if (img->unknown_glyphs > 0)
    GST_ELEMENT_WARNING (self, RESOURCE, NOT_FOUND, (NULL),
        ("%d characters of the card's text (language %s) have no font and "
         "show as boxes: install fonts-noto-core and fonts-noto-cjk",
            img->unknown_glyphs, spec->language ? spec->language : "en"));
  comp = composition_from_image (img);
  ws_guidance_image_free (img);
  return comp;
}

/* The warning card's composition. (lock held) */
static GstVideoOverlayComposition *
warning_card (WsRatingWarning *self)
{
  WsNoticeSpec spec = { 0 };
  const char *lines[2] = { NULL, NULL };
  WsRating *r;
  const WsRatingDef *def;
  WsBadgeHints hints;

  if (self->card_show.comp)
    return self->card_show.comp;
  r = current_rating (self);
  def = ws_rating_lookup (NULL, r, NULL, NULL);
  if (def) {
    hints = *ws_rating_def_get_badge (def);
    if (hints.text == NULL)
      hints.text = ws_rating_def_get_code (def);
    spec.badge = &hints;
  }
  spec.headline = self->warning->headline;
  lines[0] = self->warning->detail;
  spec.lines = lines;
  spec.language = self->warning->language;
  GST_OBJECT_LOCK (self);
  spec.lower_third = self->card == WS_RATING_WARNING_CARD_LOWER_THIRD;
  GST_OBJECT_UNLOCK (self);
  self->card_show.comp = render_card (self, &spec);
  ws_rating_free (r);
  return self->card_show.comp;
}

static gboolean
blend (WsRatingWarning *self, GstBuffer *buf, GstVideoOverlayComposition *comp)
{
  GstVideoFrame frame;

  if (!gst_video_frame_map (&frame, &self->vinfo, buf, GST_MAP_READWRITE))
    return FALSE;
  gst_video_overlay_composition_blend (comp, &frame);
  gst_video_frame_unmap (&frame);
  return TRUE;
}

static GstClockTime
running_time (const GstSegment *seg, GstBuffer *buf)
{
  if (!GST_BUFFER_PTS_IS_VALID (buf) || seg->format != GST_FORMAT_TIME)
    return GST_CLOCK_TIME_NONE;
  return gst_segment_to_running_time (seg, GST_FORMAT_TIME,
      GST_BUFFER_PTS (buf));
}

/* The segment downstream sees: @in (the pad's input segment), its start,
 * time and position moved by what was inserted before it arrived, its
 * stop and duration by all that has been inserted or appended so far (a
 * demuxer's segment stops at the programme's end, and the last seconds
 * would otherwise be clipped downstream). Sent again after each insertion
 * and before the end card. */
static GstEvent *
delay_segment_event (const DelayTrack *d, const GstSegment *in)
{
  GstSegment seg = *in;
  GstClockTime all = d->shift + d->tail;
  GstEvent *ev;

  if (seg.format == GST_FORMAT_TIME) {
    seg.start += d->seg_shift;
    seg.time += d->seg_shift;
    if (GST_CLOCK_TIME_IS_VALID (seg.position))
      seg.position += d->seg_shift;
    if (GST_CLOCK_TIME_IS_VALID (seg.stop))
      seg.stop += all;
    if (GST_CLOCK_TIME_IS_VALID (seg.duration))
      seg.duration += all;
  }
  ev = gst_event_new_segment (&seg);
  gst_event_set_seqnum (ev, d->seg_seqnum);
  return ev;
}

static void
delay_track_reset (DelayTrack *d)
{
  d->shift = d->seg_shift = d->tail = 0;
  d->seg_seqnum = 0;
  g_array_set_size (d->ins, 0);
}

/* A warning of @len inserted before the programme buffer at @in_pts: the
 * timestamps from there on move by it. */
static void
delay_insert (DelayTrack *d, GstClockTime in_pts, GstClockTime len,
    gboolean at_start)
{
  Insertion x = { in_pts, len, at_start };

  d->shift += len;
  if (GST_CLOCK_TIME_IS_VALID (in_pts))
    g_array_append_val (d->ins, x);
}

/* The upstream time of time @t downstream: @t less what was inserted
 * before it; a time inside a warning is its programme's first. *@replay
 * (optional) is the warning to give again: the one @t lies in, or the
 * stream's first when @t comes before it; else NULL. */
static GstClockTime
upstream_time (const DelayTrack *d, GstClockTime t, const Insertion **replay)
{
  GstClockTime acc = 0;

  if (replay)
    *replay = NULL;
  for (guint i = 0; i < d->ins->len; i++) {
    const Insertion *x = &g_array_index (d->ins, Insertion, i);
    GstClockTime out_start = x->in_pts + acc;
    if (t < out_start) {
      if (replay && i == 0 && x->at_start)
        *replay = x;
      return t - acc;
    }
    if (t < out_start + x->len) {
      if (replay)
        *replay = x;
      return x->in_pts;
    }
    acc += x->len;
  }
  return t - acc;
}

/* After a flushing seek, a pad's segment @seg from upstream: the warnings
 * inserted before its start still shift the timestamps, those after it
 * are forgotten (given again if their programme start comes again), and a
 * seek that landed in a warning, or before the stream's first, gives it
 * again at the first buffer. (lock held) */
static void
rebase_after_seek (WsRatingWarning *self, DelayTrack *d, const GstSegment *seg)
{
  guint i;

  d->shift = 0;
  for (i = 0; i < d->ins->len; i++) {
    const Insertion *x = &g_array_index (d->ins, Insertion, i);
    if (x->in_pts >= seg->start)
      break;
    d->shift += x->len;
  }
  g_array_set_size (d->ins, i);
  if (self->seek_replay) {
    self->seek_replay = FALSE;
    ws_warning_free (self->warning);
    self->warning = NULL;
    showing_clear (&self->card_show);
    self->pending = TRUE;
    self->pending_at_start = self->seek_at_start;
  }
}

static GstClockTime
frame_duration (const GstVideoInfo *info)
{
  gint n = GST_VIDEO_INFO_FPS_N (info) > 0 ? GST_VIDEO_INFO_FPS_N (info) :
                                             FALLBACK_FPS_N;
  gint d = GST_VIDEO_INFO_FPS_N (info) > 0 ? GST_VIDEO_INFO_FPS_D (info) :
                                             FALLBACK_FPS_D;
  return gst_util_uint64_scale (GST_SECOND, d, n);
}

/* Pushes @n_frames copies of @like (frozen) with @comp over them, from
 * @pts on. (lock not held) */
static GstFlowReturn
push_card_frames (WsRatingWarning *self, GstBuffer *like, GstClockTime pts,
    GstClockTime length, GstVideoOverlayComposition *comp)
{
  GstClockTime fd = frame_duration (&self->vinfo);
  guint64 n = gst_util_uint64_scale_round (length, 1, fd);
  GstFlowReturn ret = GST_FLOW_OK;

  for (guint64 i = 0; i < n && ret == GST_FLOW_OK; i++) {
    GstBuffer *out = gst_buffer_copy_deep (like);
    GST_BUFFER_PTS (out) = pts + gst_util_uint64_scale (i, length, n);
    GST_BUFFER_DTS (out) = GST_CLOCK_TIME_NONE;
    GST_BUFFER_DURATION (out) = gst_util_uint64_scale (i + 1, length, n) -
                                gst_util_uint64_scale (i, length, n);
    GST_BUFFER_FLAG_UNSET (out, GST_BUFFER_FLAG_DISCONT);
    if (comp && !blend (self, out, comp)) {
      gst_buffer_unref (out);
      return GST_FLOW_ERROR;
    }
    ret = gst_pad_push (self->vsrc, out);
  }
  return ret;
}

/* ---- the end card ------------------------------------------------------- */

/* The end card for the current rating, NULL when its topics call for no
 * helpline here. (lock held) */
static GstVideoOverlayComposition *
end_card (WsRatingWarning *self)
{
  WsRating *r = current_rating (self);
  WsSupportDirectory *dir;
  GError *err = NULL;
  char *path, *territory;
  char **topics;
  GPtrArray *lines, *found;
  WsNoticeSpec spec = { 0 };
  GstVideoOverlayComposition *comp = NULL;
  const char *lang = NULL;

  if (r == NULL)
    return NULL;
  GST_OBJECT_LOCK (self);
  path = g_strdup (self->support_data);
  GST_OBJECT_UNLOCK (self);
  territory = warning_territory (self, r);
  dir = ws_support_directory_new (path, &err);
  if (dir == NULL) {
    GST_ELEMENT_WARNING (self, RESOURCE, NOT_FOUND, (NULL),
        ("no support information: %s; no end card", err->message));
    g_clear_error (&err);
    g_free (path);
    g_free (territory);
    ws_rating_free (r);
    return NULL;
  }
  topics = ws_support_topics_for_rating (dir,
      ws_rating_registry_get_default (NULL), r);
  found = territory && topics[0] ?
              ws_support_lookup (dir, territory, (const char *const *) topics) :
              g_ptr_array_new ();
  if (topics[0] && found->len == 0)
    GST_ELEMENT_WARNING (self, RESOURCE, NOT_FOUND, (NULL),
        ("the programme calls for support information (%s) but the data has "
         "no helpline for territory %s; no end card (set territory, or add "
         "ratings/support/)",
            topics[0], territory ? territory : "(unknown)"));
  if (found->len > 0) {
    lines = g_ptr_array_new_with_free_func (g_free);
    for (guint i = 0; i < found->len; i++) {
      const WsHelpline *h = g_ptr_array_index (found, i);
      GString *s = g_string_new (h->name);
      if (h->number)
        g_string_append_printf (s, "  %s", h->number);
      if (h->url)
        g_string_append_printf (s, "  %s", h->url);
      if (h->hours)
        g_string_append_printf (s, "  (%s)", h->hours);
      g_ptr_array_add (lines, g_string_free (s, FALSE));
      if (lang == NULL)
        lang = h->lang;
    }
    g_ptr_array_add (lines, NULL);
    g_free (self->end_text);
    self->end_text = g_strjoinv ("\n", (char **) lines->pdata);
    spec.lines = (const char *const *) lines->pdata;
    spec.language = lang;
    comp = render_card (self, &spec);
    g_ptr_array_unref (lines);
  }
  g_ptr_array_unref (found);
  g_strfreev (topics);
  ws_support_directory_free (dir);
  g_free (path);
  g_free (territory);
  ws_rating_free (r);
  return comp;
}

/* Starts the end card at @rt when the rating calls for one. (lock held) */
static gboolean
begin_end_card (WsRatingWarning *self, GstClockTime rt)
{
  guint64 dur;

  GST_OBJECT_LOCK (self);
  dur = self->end_card_duration;
  GST_OBJECT_UNLOCK (self);
  self->end_done = TRUE;
  if (dur == 0 || !self->have_vinfo)
    return FALSE;
  showing_clear (&self->end_show);
  self->end_show.comp = end_card (self);
  if (self->end_show.comp == NULL)
    return FALSE;
  self->end_show.active = TRUE;
  self->end_show.start_rt = rt;
  self->end_show.duration = dur;
  return TRUE;
}

/* ---- video -------------------------------------------------------------- */

static GstFlowReturn
video_chain (GstPad *pad, GstObject *parent, GstBuffer *buf)
{
  WsRatingWarning *self = WS_RATING_WARNING (parent);
  GstClockTime rt, before;
  GstVideoOverlayComposition *comp = NULL, *insert = NULL;
  GstClockTime insert_pts = GST_CLOCK_TIME_NONE, insert_len = 0;
  GstEvent *seg_ev = NULL;
  GstFlowReturn ret;

  g_mutex_lock (&self->lock);
  rt = running_time (&self->vseg, buf);
  if (self->pending && GST_CLOCK_TIME_IS_VALID (rt))
    begin_warning (self, buf, rt, &self->vseg);
  self->vlast = rt;

  if (self->card_show.active && !self->card_show.video_done &&
      GST_CLOCK_TIME_IS_VALID (rt)) {
    WsRatingWarningTiming timing;
    GST_OBJECT_LOCK (self);
    timing = self->timing;
    GST_OBJECT_UNLOCK (self);
    if (timing == WS_RATING_WARNING_TIMING_DELAY) {
      /* inserted before this frame, which follows the warning */
      insert = warning_card (self);
      if (insert)
        gst_video_overlay_composition_ref (insert);
      insert_pts = GST_BUFFER_PTS (buf) + self->vdelay.shift;
      insert_len = self->delay_len;
      delay_insert (&self->vdelay, GST_BUFFER_PTS (buf), self->delay_len,
          self->card_at_start);
      seg_ev = delay_segment_event (&self->vdelay, &self->vseg);
      self->card_show.video_done = TRUE;
    } else if (rt >= self->card_show.start_rt + self->card_show.duration) {
      self->card_show.video_done = TRUE;
    } else if (rt >= self->card_show.start_rt) {
      comp = warning_card (self);
      if (comp)
        gst_video_overlay_composition_ref (comp);
    }
  }

  /* the end card: a programme-end event, or the set time before the end */
  GST_OBJECT_LOCK (self);
  before = self->end_card_before;
  GST_OBJECT_UNLOCK (self);
  if (!self->end_done && GST_CLOCK_TIME_IS_VALID (rt)) {
    gboolean due = self->end_pending;
    if (!due && before > 0 && GST_CLOCK_TIME_IS_VALID (self->stream_duration) &&
        GST_BUFFER_PTS (buf) + before >= self->stream_duration)
      due = TRUE;
    if (due && begin_end_card (self, rt))
      post_started (self, &self->vseg, GST_BUFFER_PTS (buf), "end-card",
          self->end_show.duration, self->end_text, NULL, "none",
          WS_RATING_WARNING_TIMING_OVERLAY);
    self->end_pending = FALSE;
  }
  if (comp == NULL && self->end_show.active && GST_CLOCK_TIME_IS_VALID (rt)) {
    if (rt >= self->end_show.start_rt + self->end_show.duration)
      self->end_show.active = FALSE;
    else if (rt >= self->end_show.start_rt)
      comp = gst_video_overlay_composition_ref (self->end_show.comp);
  }
  if (GST_BUFFER_PTS_IS_VALID (buf)) {
    self->last_vpts = GST_BUFFER_PTS (buf) + self->vdelay.shift;
    self->last_vdur = GST_BUFFER_DURATION_IS_VALID (buf) ?
                          GST_BUFFER_DURATION (buf) :
                          frame_duration (&self->vinfo);
  }
  if (self->vdelay.shift > 0 && GST_BUFFER_PTS_IS_VALID (buf)) {
    buf = gst_buffer_make_writable (buf);
    GST_BUFFER_PTS (buf) += self->vdelay.shift;
    if (GST_BUFFER_DTS_IS_VALID (buf))
      GST_BUFFER_DTS (buf) += self->vdelay.shift;
  }
  g_mutex_unlock (&self->lock);

  if (seg_ev)
    gst_pad_push_event (self->vsrc, seg_ev);
  if (insert_len > 0) {
    ret = push_card_frames (self, buf, insert_pts, insert_len, insert);
    if (insert)
      gst_video_overlay_composition_unref (insert);
    if (ret != GST_FLOW_OK) {
      gst_buffer_unref (buf);
      if (comp)
        gst_video_overlay_composition_unref (comp);
      return ret;
    }
  }
  if (comp) {
    buf = gst_buffer_make_writable (buf);
    if (!blend (self, buf, comp)) {
      gst_video_overlay_composition_unref (comp);
      gst_buffer_unref (buf);
      GST_ELEMENT_ERROR (self, STREAM, FAILED, (NULL),
          ("cannot map a video buffer to draw the card"));
      return GST_FLOW_ERROR;
    }
    gst_video_overlay_composition_unref (comp);
  }
  return gst_pad_push (self->vsrc, buf);
}

/* At EOS: the end card appended after the last frame. */
static void
video_eos (WsRatingWarning *self)
{
  GstVideoOverlayComposition *comp = NULL;
  GstClockTime pts = GST_CLOCK_TIME_NONE, len = 0;
  GstEvent *seg_ev = NULL;
  GstBuffer *like;
  gchar *text;

  g_mutex_lock (&self->lock);
  if (!self->end_done && self->have_vinfo &&
      GST_CLOCK_TIME_IS_VALID (self->last_vpts) &&
      begin_end_card (self, GST_CLOCK_TIME_NONE)) {
    comp = gst_video_overlay_composition_ref (self->end_show.comp);
    pts = self->last_vpts + self->last_vdur;
    len = self->end_show.duration;
    self->end_show.active = FALSE;
    /* past a segment that stops at the programme's end */
    if (GST_CLOCK_TIME_IS_VALID (self->vseg.stop)) {
      self->vdelay.tail = len;
      seg_ev = delay_segment_event (&self->vdelay, &self->vseg);
    }
  }
  g_mutex_unlock (&self->lock);
  if (comp == NULL)
    return;
  if (seg_ev != NULL)
    gst_pad_push_event (self->vsrc, seg_ev);
  /* the card is opaque: what is under it does not matter */
  like = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&self->vinfo),
      NULL);
  gst_buffer_memset (like, 0, 0, GST_VIDEO_INFO_SIZE (&self->vinfo));
  g_mutex_lock (&self->lock);
  text = g_strdup (self->end_text);
  g_mutex_unlock (&self->lock);
  post_started (self, &self->vseg, pts, "end-card", len, text, NULL, "none",
      WS_RATING_WARNING_TIMING_DELAY);
  g_free (text);
  push_card_frames (self, like, pts, len, comp);
  gst_buffer_unref (like);
  gst_video_overlay_composition_unref (comp);
}

/* ---- audio -------------------------------------------------------------- */

/* The announcement's samples for the stream's format, made once per
 * source, format and loudness and kept (self->announce, self->
 * announce_key): a recording is decoded when the audio caps arrive, ahead
 * of the warning. @file or @text (with @language). (lock held) */
static void
produce_announcement (WsRatingWarning *self, const char *file, const char *text,
    const char *language)
{
  GError *err = NULL;
  int rate = GST_AUDIO_INFO_RATE (&self->ainfo);
  int channels = GST_AUDIO_INFO_CHANNELS (&self->ainfo);
  gdouble target;
  char *key;

  GST_OBJECT_LOCK (self);
  target = self->announcement_loudness;
  GST_OBJECT_UNLOCK (self);
  key = g_strdup_printf ("%s|%s|%s|%d|%d|%g", file ? "file" : "speech",
      file ? file : text, language ? language : "", rate, channels, target);
  if (g_strcmp0 (key, self->announce_key) == 0) {
    g_free (key);
    return;
  }
  g_clear_pointer (&self->announce, g_free);
  self->announce_frames = 0;
  g_free (self->announce_key);
  self->announce_key = key;
  if (file)
    self->announce = ws_announcement_decode (file, rate, channels,
        &self->announce_frames, &err);
  else
    self->announce = ws_announcement_speak (text, language, rate, channels,
        &self->announce_frames, &err);
  if (err) {
    GST_ELEMENT_WARNING (self, RESOURCE, READ, (NULL),
        ("no announcement: %s; the card is shown without it", err->message));
    g_clear_error (&err);
  } else {
    GST_INFO_OBJECT (self, "announcement made: %s, %" G_GSIZE_FORMAT " frames",
        file ? file : "speech", self->announce_frames);
  }
  if (self->announce && target < 0.0) {
    double gain = 0.0;
    WsResult r = ws_duck_normalise_f32 (self->announce, self->announce_frames,
        channels, rate, target, &gain);
    if (r == WS_RESULT_OK)
      GST_INFO_OBJECT (self, "announcement brought to %.1f LUFS (%+.1f dB)",
          target, gain);
    else
      GST_INFO_OBJECT (self, "announcement kept at its level: %s",
          ws_result_to_string (r));
  }
}

/* The samples for warning @w (the one in progress, or one planned ahead).
 * (lock held) */
static void
prepare_announcement (WsRatingWarning *self, const WsWarning *w)
{
  if (w->audio == WS_WARNING_AUDIO_FILE) {
    produce_announcement (self, w->audio_file, NULL, NULL);
  } else if (w->audio == WS_WARNING_AUDIO_SPEECH) {
    char *say = ws_warning_spoken_text (w);
    produce_announcement (self, NULL, say, w->language);
    g_free (say);
  } else {
    g_clear_pointer (&self->announce, g_free);
    g_clear_pointer (&self->announce_key, g_free);
    self->announce_frames = 0;
  }
}

static GstFlowReturn
audio_chain (GstPad *pad, GstObject *parent, GstBuffer *buf)
{
  WsRatingWarning *self = WS_RATING_WARNING (parent);
  GstClockTime rt;
  GstFlowReturn ret;
  GstBuffer *insert = NULL;
  GstEvent *seg_ev = NULL;
  gint bpf;

  g_mutex_lock (&self->lock);
  if (!self->have_ainfo) {
    g_mutex_unlock (&self->lock);
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("audio arrived before its caps"));
    gst_buffer_unref (buf);
    return GST_FLOW_NOT_NEGOTIATED;
  }
  bpf = GST_AUDIO_INFO_BPF (&self->ainfo);
  rt = running_time (&self->aseg, buf);
  if (self->pending && GST_CLOCK_TIME_IS_VALID (rt))
    begin_warning (self, buf, rt, &self->aseg);
  self->alast = rt;

  if (self->card_show.active && !self->audio_done &&
      GST_CLOCK_TIME_IS_VALID (rt)) {
    WsRatingWarningTiming timing;
    gdouble gain_db;
    guint64 ramp;
    int rate = GST_AUDIO_INFO_RATE (&self->ainfo);
    int channels = GST_AUDIO_INFO_CHANNELS (&self->ainfo);

    GST_OBJECT_LOCK (self);
    timing = self->timing;
    gain_db = self->duck_gain;
    ramp = self->ramp;
    GST_OBJECT_UNLOCK (self);

    if (!self->audio_joined) {
      GstClockTime start = MAX (rt, self->card_show.start_rt);
      if (timing == WS_RATING_WARNING_TIMING_DELAY)
        start = 0; /* the inserted buffer's own frames */
      if (timing == WS_RATING_WARNING_TIMING_OVERLAY &&
          rt > self->card_show.start_rt)
        GST_WARNING_OBJECT (self,
            "the audio ran %" GST_TIME_FORMAT " past the warning's start: "
            "the announcement starts at the next audio buffer",
            GST_TIME_ARGS (rt - self->card_show.start_rt));
      prepare_announcement (self, self->warning);
      ws_duck_init (&self->duck, rate, (gint64) start,
          (gint64) (timing == WS_RATING_WARNING_TIMING_DELAY ?
                        self->delay_len :
                        self->card_show.duration),
          (gint64) ramp,
          timing == WS_RATING_WARNING_TIMING_DELAY ? -200.0 : gain_db);
      self->audio_joined = TRUE;
    }
    if (timing == WS_RATING_WARNING_TIMING_DELAY) {
      /* the announcement over silence, before this buffer */
      gsize n = (gsize) self->duck.length;
      GstMapInfo map;

      insert = gst_buffer_new_allocate (NULL, n * bpf, NULL);
      gst_buffer_map (insert, &map, GST_MAP_WRITE);
      memset (map.data, 0, map.size);
      if (GST_AUDIO_INFO_FORMAT (&self->ainfo) == GST_AUDIO_FORMAT_F32LE)
        ws_duck_mix_f32 (&self->duck, 0, (float *) (gpointer) map.data, n,
            channels, self->announce, self->announce_frames);
      else
        ws_duck_mix_s16 (&self->duck, 0, (gint16 *) (gpointer) map.data, n,
            channels, self->announce, self->announce_frames);
      gst_buffer_unmap (insert, &map);
      GST_BUFFER_PTS (insert) = GST_BUFFER_PTS (buf) + self->adelay.shift;
      GST_BUFFER_DURATION (
          insert) = gst_util_uint64_scale (n, GST_SECOND, rate);
      delay_insert (&self->adelay, GST_BUFFER_PTS (buf), self->delay_len,
          self->card_at_start);
      seg_ev = delay_segment_event (&self->adelay, &self->aseg);
      self->audio_done = TRUE;
    } else {
      gint64 first = ws_duck_frame_of_ns ((gint64) rt, rate);
      gsize n = gst_buffer_get_size (buf) / bpf;
      GstMapInfo map;

      if (first + (gint64) n > self->duck.start) {
        buf = gst_buffer_make_writable (buf);
        if (gst_buffer_map (buf, &map, GST_MAP_READWRITE)) {
          if (GST_AUDIO_INFO_FORMAT (&self->ainfo) == GST_AUDIO_FORMAT_F32LE)
            ws_duck_mix_f32 (&self->duck, first, (float *) (gpointer) map.data,
                n, channels, self->announce, self->announce_frames);
          else
            ws_duck_mix_s16 (&self->duck, first, (gint16 *) (gpointer) map.data,
                n, channels, self->announce, self->announce_frames);
          gst_buffer_unmap (buf, &map);
        }
      }
      if (first + (gint64) n >= ws_duck_end (&self->duck))
        self->audio_done = TRUE;
    }
  }
  if (self->adelay.shift > 0 && GST_BUFFER_PTS_IS_VALID (buf)) {
    buf = gst_buffer_make_writable (buf);
    GST_BUFFER_PTS (buf) += self->adelay.shift;
  }
  g_mutex_unlock (&self->lock);

  if (seg_ev)
    gst_pad_push_event (self->asrc, seg_ev);
  if (insert) {
    ret = gst_pad_push (self->asrc, insert);
    if (ret != GST_FLOW_OK) {
      gst_buffer_unref (buf);
      return ret;
    }
  }
  return gst_pad_push (self->asrc, buf);
}

/* ---- events and queries ------------------------------------------------- */

static GstPad *
other_pad (WsRatingWarning *self, GstPad *pad)
{
  if (pad == self->vsink)
    return self->vsrc;
  if (pad == self->vsrc)
    return self->vsink;
  if (pad == self->asink)
    return self->asrc;
  return self->asink;
}

static GstIterator *
iterate_internal_links (GstPad *pad, GstObject *parent)
{
  GValue v = G_VALUE_INIT;
  GstIterator *it;

  g_value_init (&v, GST_TYPE_PAD);
  g_value_set_object (&v, other_pad (WS_RATING_WARNING (parent), pad));
  it = gst_iterator_new_single (GST_TYPE_PAD, &v);
  g_value_unset (&v);
  return it;
}

/* Remembers the stream's length for end-card-before. */
static void
query_duration (WsRatingWarning *self)
{
  gint64 d = -1;

  if (gst_pad_peer_query_duration (self->vsink, GST_FORMAT_TIME, &d) && d > 0)
    self->stream_duration = (GstClockTime) d;
}

static gboolean
sink_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  WsRatingWarning *self = WS_RATING_WARNING (parent);
  gboolean video = pad == self->vsink;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS: {
      GstCaps *caps;
      gboolean ok;
      gst_event_parse_caps (event, &caps);
      g_mutex_lock (&self->lock);
      if (video) {
        ok = self->have_vinfo = gst_video_info_from_caps (&self->vinfo, caps);
        /* the cards are drawn again for the new size */
        if (self->card_show.comp)
          g_clear_pointer (&self->card_show.comp,
              gst_video_overlay_composition_unref);
      } else {
        ok = self->have_ainfo = gst_audio_info_from_caps (&self->ainfo, caps);
        self->audio_joined = FALSE;
        /* the announcement is made now, ahead of the warning */
        if (ok)
          prefetch_announcement (self);
      }
      g_mutex_unlock (&self->lock);
      if (!ok) {
        GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
            ("cannot use caps %" GST_PTR_FORMAT, caps));
        gst_event_unref (event);
        return FALSE;
      }
      break;
    }
    case GST_EVENT_SEGMENT: {
      GstSegment *seg = video ? &self->vseg : &self->aseg;
      DelayTrack *d = video ? &self->vdelay : &self->adelay;
      GstEvent *out;
      g_mutex_lock (&self->lock);
      gst_event_copy_segment (event, seg);
      d->seg_seqnum = gst_event_get_seqnum (event);
      if (self->seek_seqnum != 0 && d->seg_seqnum == self->seek_seqnum &&
          seg->format == GST_FORMAT_TIME)
        rebase_after_seek (self, d, seg);
      d->seg_shift = d->shift;
      out = delay_segment_event (d, seg);
      g_mutex_unlock (&self->lock);
      gst_event_unref (event);
      event = out;
      if (video)
        query_duration (self);
      break;
    }
    case GST_EVENT_EOS:
      if (video)
        video_eos (self);
      break;
    case GST_EVENT_FLUSH_STOP:
      g_mutex_lock (&self->lock);
      gst_segment_init (video ? &self->vseg : &self->aseg, GST_FORMAT_TIME);
      g_mutex_unlock (&self->lock);
      break;
    case GST_EVENT_CUSTOM_DOWNSTREAM:
    case GST_EVENT_CUSTOM_DOWNSTREAM_STICKY:
      if (ws_rating_event_is (event)) {
        WsRating *r = ws_rating_event_parse (event, NULL);
        g_mutex_lock (&self->lock);
        ws_rating_free (self->event_rating);
        self->event_rating = r;
        prefetch_announcement (self);
        g_mutex_unlock (&self->lock);
      } else if (ws_event_has_name (event, WS_PROGRAMME_START_EVENT_NAME)) {
        GstClockTime last;
        g_mutex_lock (&self->lock);
        last = video ? self->vlast : self->alast;
        /* a gate on each stream announces the same start on both pads:
         * a warning the other pad has started at or after this pad's
         * position is this one */
        if (self->warning &&
            GST_CLOCK_TIME_IS_VALID (self->card_show.start_rt) &&
            (!GST_CLOCK_TIME_IS_VALID (last) ||
                self->card_show.start_rt >= last))
          GST_DEBUG_OBJECT (self,
              "programme start on %s: the warning from "
              "%" GST_TIME_FORMAT " is for it",
              video ? "video" : "audio",
              GST_TIME_ARGS (self->card_show.start_rt));
        else {
          self->pending = TRUE;
          self->pending_at_start = FALSE;
        }
        if (video)
          self->end_done = FALSE; /* a new programme gets its end card */
        g_mutex_unlock (&self->lock);
      } else if (ws_event_has_name (event, WS_PROGRAMME_END_EVENT_NAME)) {
        g_mutex_lock (&self->lock);
        if (!self->end_done)
          self->end_pending = TRUE;
        g_mutex_unlock (&self->lock);
      }
      break;
    default:
      break;
  }
  return gst_pad_push_event (other_pad (self, pad), event);
}

/* A seek in time from downstream, in delay timing, names a time of the
 * stream with its warnings: it is sent upstream as the programme's time
 * (less what was inserted before it; a time inside a warning seeks to its
 * programme's first frame, and the warning is given again). (lock held) */
static GstEvent *
upstream_seek (WsRatingWarning *self, GstPad *pad, GstEvent *event)
{
  const DelayTrack *d = pad == self->vsrc ? &self->vdelay : &self->adelay;
  gdouble rate;
  GstFormat format;
  GstSeekFlags flags;
  GstSeekType start_type, stop_type;
  gint64 start, stop;
  const Insertion *replay = NULL;
  guint32 seqnum = gst_event_get_seqnum (event);
  GstEvent *up;

  gst_event_parse_seek (event, &rate, &format, &flags, &start_type, &start,
      &stop_type, &stop);
  if (format != GST_FORMAT_TIME || d->ins->len == 0)
    return gst_event_ref (event);
  if (start_type == GST_SEEK_TYPE_SET && start >= 0)
    start = (gint64) upstream_time (d, (GstClockTime) start, &replay);
  if (stop_type == GST_SEEK_TYPE_SET && stop >= 0)
    stop = (gint64) upstream_time (d, (GstClockTime) stop, NULL);
  up = gst_event_new_seek (rate, format, flags, start_type, start, stop_type,
      stop);
  gst_event_set_seqnum (up, seqnum);
  /* a seek reaches both source pads: the first sets what follows */
  if ((flags & GST_SEEK_FLAG_FLUSH) && seqnum != self->seek_seqnum) {
    self->seek_seqnum = seqnum;
    self->seek_replay = replay != NULL;
    self->seek_at_start = replay != NULL && replay->at_start;
    GST_DEBUG_OBJECT (self, "seek to %" GST_TIME_FORMAT " upstream%s",
        GST_TIME_ARGS ((GstClockTime) start),
        self->seek_replay ? ", the warning again" : "");
  }
  return up;
}

static gboolean
src_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  WsRatingWarning *self = WS_RATING_WARNING (parent);

  if (GST_EVENT_TYPE (event) == GST_EVENT_SEEK) {
    GstEvent *up;
    g_mutex_lock (&self->lock);
    up = upstream_seek (self, pad, event);
    g_mutex_unlock (&self->lock);
    gst_event_unref (event);
    event = up;
  }
  return gst_pad_push_event (other_pad (self, pad), event);
}

/* Position and duration in time, answered upstream, move by what delay
 * timing has inserted on this pad so far: a player shows the programme's
 * length with its warnings, and the position of the stream it receives.
 * Other queries and formats pass as they are. */
static gboolean
src_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  WsRatingWarning *self = WS_RATING_WARNING (parent);
  GstFormat format;
  gint64 value;
  GstClockTime shift;

  if (GST_QUERY_TYPE (query) != GST_QUERY_DURATION &&
      GST_QUERY_TYPE (query) != GST_QUERY_POSITION)
    return gst_pad_query_default (pad, parent, query);
  if (!gst_pad_peer_query (other_pad (self, pad), query))
    return FALSE;
  if (GST_QUERY_TYPE (query) == GST_QUERY_DURATION)
    gst_query_parse_duration (query, &format, &value);
  else
    gst_query_parse_position (query, &format, &value);
  if (format != GST_FORMAT_TIME || value < 0)
    return TRUE;
  g_mutex_lock (&self->lock);
  shift = pad == self->vsrc ? self->vdelay.shift : self->adelay.shift;
  g_mutex_unlock (&self->lock);
  if (shift == 0)
    return TRUE;
  if (GST_QUERY_TYPE (query) == GST_QUERY_DURATION)
    gst_query_set_duration (query, format, value + (gint64) shift);
  else
    gst_query_set_position (query, format, value + (gint64) shift);
  return TRUE;
}

/* ---- state -------------------------------------------------------------- */

static void
reset (WsRatingWarning *self)
{
  self->have_vinfo = FALSE;
  self->have_ainfo = FALSE;
  gst_segment_init (&self->vseg, GST_FORMAT_TIME);
  gst_segment_init (&self->aseg, GST_FORMAT_TIME);
  ws_rating_free (self->event_rating);
  self->event_rating = NULL;
  ws_warning_free (self->warning);
  self->warning = NULL;
  showing_clear (&self->card_show);
  g_clear_pointer (&self->announce, g_free);
  g_clear_pointer (&self->announce_key, g_free);
  self->announce_frames = 0;
  self->audio_joined = self->audio_done = FALSE;
  self->delay_len = 0;
  delay_track_reset (&self->vdelay);
  delay_track_reset (&self->adelay);
  self->seek_seqnum = 0;
  self->seek_replay = self->seek_at_start = self->pending_at_start = FALSE;
  self->vlast = self->alast = GST_CLOCK_TIME_NONE;
  showing_clear (&self->end_show);
  self->end_pending = self->end_done = FALSE;
  self->last_vpts = self->last_vdur = GST_CLOCK_TIME_NONE;
  self->stream_duration = GST_CLOCK_TIME_NONE;
  g_clear_pointer (&self->end_text, g_free);
  self->pending = FALSE;
}

static void
as_run_failed (const gchar *line, int err, gpointer user_data)
{
  GST_WARNING_OBJECT (user_data, "as-run log: %s%s", g_strerror (err),
      line ? "" : " (fsync)");
}

static GstStateChangeReturn
change_state (GstElement *element, GstStateChange transition)
{
  WsRatingWarning *self = WS_RATING_WARNING (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    char *path, *start, *policy_id, *territory;
    GError *err = NULL;
    gboolean ok;

    g_mutex_lock (&self->lock);
    reset (self);
    GST_OBJECT_LOCK (self);
    self->pending = self->pending_at_start = self->at_stream_start;
    GST_OBJECT_UNLOCK (self);
    g_mutex_unlock (&self->lock);
    GST_OBJECT_LOCK (self);
    path = g_strdup (self->as_run_log);
    start = g_strdup (self->start_time);
    policy_id = g_strdup (self->policy_id);
    territory = g_strdup (self->territory);
    GST_OBJECT_UNLOCK (self);
    ok = ws_element_set_schedule (GST_ELEMENT_CAST (self), &self->wall,
        &self->policy_cache, start, policy_id, territory);
    g_free (start);
    g_free (policy_id);
    g_free (territory);
    if (!ok) {
      g_free (path);
      return GST_STATE_CHANGE_FAILURE;
    }
    if (path && path[0]) {
      self->log = ws_asrun_writer_open (path, 0, as_run_failed, self, NULL,
          &err);
      if (self->log == NULL) {
        GST_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE, (NULL),
            ("as-run-log: %s", err->message));
        g_clear_error (&err);
        g_free (path);
        return GST_STATE_CHANGE_FAILURE;
      }
    }
    g_free (path);
  }
  ret = GST_ELEMENT_CLASS (ws_rating_warning_parent_class)
            ->change_state (element, transition);
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    g_mutex_lock (&self->lock);
    reset (self);
    ws_policy_cache_clear (&self->policy_cache);
    g_mutex_unlock (&self->lock);
    g_clear_pointer (&self->log, ws_asrun_writer_close);
    ws_wall_clock_clear (&self->wall);
  }
  return ret;
}

/* ---- GObject ------------------------------------------------------------ */

static void
set_property (GObject *object, guint prop_id, const GValue *value,
    GParamSpec *pspec)
{
  WsRatingWarning *self = WS_RATING_WARNING (object);
  gchar **field = NULL;

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_MODE:
      self->mode = g_value_get_enum (value);
      break;
    case PROP_CARD:
      self->card = g_value_get_enum (value);
      break;
    case PROP_TIMING:
      self->timing = g_value_get_enum (value);
      break;
    case PROP_DURATION:
      self->duration = g_value_get_uint64 (value);
      break;
    case PROP_LANGUAGE:
      field = &self->language;
      break;
    case PROP_TEXT:
      field = &self->text;
      break;
    case PROP_RATING:
      field = &self->rating;
      break;
    case PROP_POLICY:
      field = &self->policy_id;
      break;
    case PROP_TERRITORY:
      field = &self->territory;
      break;
    case PROP_SERVICE_CLASS:
      field = &self->service_class;
      break;
    case PROP_ANNOUNCEMENT_FILE:
      field = &self->announcement_file;
      break;
    case PROP_SPEECH:
      self->speech = g_value_get_boolean (value);
      break;
    case PROP_DUCK_GAIN:
      self->duck_gain = g_value_get_double (value);
      break;
    case PROP_RAMP:
      self->ramp = g_value_get_uint64 (value);
      break;
    case PROP_AS_RUN_LOG:
      field = &self->as_run_log;
      break;
    case PROP_AS_RUN_CHANNEL:
      field = &self->as_run_channel;
      break;
    case PROP_START_TIME:
      field = &self->start_time;
      break;
    case PROP_AT_STREAM_START:
      self->at_stream_start = g_value_get_boolean (value);
      break;
    case PROP_ANNOUNCEMENT_LOUDNESS:
      self->announcement_loudness = g_value_get_double (value);
      break;
    case PROP_END_CARD_DURATION:
      self->end_card_duration = g_value_get_uint64 (value);
      break;
    case PROP_END_CARD_BEFORE:
      self->end_card_before = g_value_get_uint64 (value);
      break;
    case PROP_SUPPORT_DATA:
      field = &self->support_data;
      break;
    case PROP_RECORDINGS:
      field = &self->recordings;
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  if (field) {
    g_free (*field);
    *field = g_value_dup_string (value);
  }
  GST_OBJECT_UNLOCK (self);
}

static void
get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  WsRatingWarning *self = WS_RATING_WARNING (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_CARD:
      g_value_set_enum (value, self->card);
      break;
    case PROP_TIMING:
      g_value_set_enum (value, self->timing);
      break;
    case PROP_DURATION:
      g_value_set_uint64 (value, self->duration);
      break;
    case PROP_LANGUAGE:
      g_value_set_string (value, self->language);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    case PROP_RATING:
      g_value_set_string (value, self->rating);
      break;
    case PROP_POLICY:
      g_value_set_string (value, self->policy_id);
      break;
    case PROP_TERRITORY:
      g_value_set_string (value, self->territory);
      break;
    case PROP_SERVICE_CLASS:
      g_value_set_string (value, self->service_class);
      break;
    case PROP_ANNOUNCEMENT_FILE:
      g_value_set_string (value, self->announcement_file);
      break;
    case PROP_SPEECH:
      g_value_set_boolean (value, self->speech);
      break;
    case PROP_DUCK_GAIN:
      g_value_set_double (value, self->duck_gain);
      break;
    case PROP_RAMP:
      g_value_set_uint64 (value, self->ramp);
      break;
    case PROP_AS_RUN_LOG:
      g_value_set_string (value, self->as_run_log);
      break;
    case PROP_AS_RUN_CHANNEL:
      g_value_set_string (value, self->as_run_channel);
      break;
    case PROP_START_TIME:
      g_value_set_string (value, self->start_time);
      break;
    case PROP_AT_STREAM_START:
      g_value_set_boolean (value, self->at_stream_start);
      break;
    case PROP_ANNOUNCEMENT_LOUDNESS:
      g_value_set_double (value, self->announcement_loudness);
      break;
    case PROP_END_CARD_DURATION:
      g_value_set_uint64 (value, self->end_card_duration);
      break;
    case PROP_END_CARD_BEFORE:
      g_value_set_uint64 (value, self->end_card_before);
      break;
    case PROP_SUPPORT_DATA:
      g_value_set_string (value, self->support_data);
      break;
    case PROP_RECORDINGS:
      g_value_set_string (value, self->recordings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
finalize (GObject *object)
{
  WsRatingWarning *self = WS_RATING_WARNING (object);

  reset (self);
  g_array_unref (self->vdelay.ins);
  g_array_unref (self->adelay.ins);
  ws_policy_cache_clear (&self->policy_cache);
  g_free (self->language);
  g_free (self->text);
  g_free (self->rating);
  g_free (self->policy_id);
  g_free (self->territory);
  g_free (self->service_class);
  g_free (self->announcement_file);
  g_free (self->as_run_log);
  g_free (self->as_run_channel);
  g_free (self->start_time);
  ws_wall_clock_clear (&self->wall);
  g_free (self->support_data);
  g_free (self->recordings);
  ws_recordings_free (self->rec_cache);
  g_free (self->rec_path);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (ws_rating_warning_parent_class)->finalize (object);
}

static void
ws_rating_warning_class_init (WsRatingWarningClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                         GST_PARAM_MUTABLE_PLAYING;

  GST_DEBUG_CATEGORY_INIT (ratingwarning_debug, "ratingwarning", 0,
      "watershed pre-programme warning and end card");

  gobject_class->set_property = set_property;
  gobject_class->get_property = get_property;
  gobject_class->finalize = finalize;

  g_object_class_install_property (gobject_class, PROP_MODE,
      g_param_spec_enum ("mode", "Mode",
          "When a warning is given (auto = when the territory's guidance "
          "rule asks for an announcement)",
          WS_TYPE_RATING_WARNING_MODE, DEFAULT_MODE, rw));
  g_object_class_install_property (gobject_class, PROP_CARD,
      g_param_spec_enum ("card", "Card", "How the warning card is drawn",
          WS_TYPE_RATING_WARNING_CARD, DEFAULT_CARD, rw));
  g_object_class_install_property (gobject_class, PROP_TIMING,
      g_param_spec_enum ("timing", "Timing",
          "Lay the warning over the programme's start (audio ducked) or "
          "insert it before the programme (timestamps shifted)",
          WS_TYPE_RATING_WARNING_TIMING, DEFAULT_TIMING, rw));
  g_object_class_install_property (gobject_class, PROP_DURATION,
      g_param_spec_uint64 ("duration", "Duration",
          "How long the warning lasts, in nanoseconds (0 = the rule's "
          "announcement-duration-s, else 5 s)",
          0, 600 * GST_SECOND, DEFAULT_DURATION, rw));
  g_object_class_install_property (gobject_class, PROP_LANGUAGE,
      g_param_spec_string ("language", "Language",
          "BCP 47 language of the warning (NULL = the territory's, that of "
          "the rule's first announcement; English when there is no text in "
          "it)",
          DEFAULT_LANGUAGE, rw));
  g_object_class_install_property (gobject_class, PROP_TEXT,
      g_param_spec_string ("text", "Text",
          "The warning's sentence, instead of the rule's", DEFAULT_TEXT, rw));
  g_object_class_install_property (gobject_class, PROP_RATING,
      g_param_spec_string ("rating", "Rating",
          "SYSTEM:CODE used while no rating event has arrived (bbfc:15)",
          DEFAULT_RATING, rw));
  g_object_class_install_property (gobject_class, PROP_POLICY,
      g_param_spec_string ("policy", "Policy",
          "Policy id (uk-ofcom, de-jmstv, ...) or path whose guidance rule "
          "mode=auto follows",
          DEFAULT_POLICY, rw));
  g_object_class_install_property (gobject_class, PROP_TERRITORY,
      g_param_spec_string ("territory", "Territory",
          "ISO 3166-1 alpha-2 territory whose policy mode=auto follows and "
          "whose helplines the end card lists (NULL = the rating's)",
          DEFAULT_TERRITORY, rw));
  g_object_class_install_property (gobject_class, PROP_SERVICE_CLASS,
      g_param_spec_string ("service-class", "Service class",
          "The policy's service class; NULL = the policy's default",
          DEFAULT_SERVICE_CLASS, rw));
  g_object_class_install_property (gobject_class, PROP_ANNOUNCEMENT_FILE,
      g_param_spec_string ("announcement-file", "Announcement file",
          "A recording of the announcement (path or URI, any format "
          "GStreamer decodes); NULL = speak the text",
          DEFAULT_ANNOUNCEMENT_FILE, rw));
  g_object_class_install_property (gobject_class, PROP_SPEECH,
      g_param_spec_boolean ("speech", "Speech",
          "Without a recording, speak the text with espeak-ng (a synthetic "
          "fallback voice)",
          DEFAULT_SPEECH, rw));
  g_object_class_install_property (gobject_class, PROP_DUCK_GAIN,
      g_param_spec_double ("duck-gain", "Duck gain",
          "Gain of the programme audio under the announcement in overlay "
          "timing, in dB (-96 or less = silent)",
          -200.0, 0.0, DEFAULT_DUCK_GAIN, rw));
  g_object_class_install_property (gobject_class, PROP_RAMP,
      g_param_spec_uint64 ("ramp", "Ramp",
          "Length of the ducking ramps in nanoseconds", 0, GST_SECOND,
          DEFAULT_RAMP, rw));
  g_object_class_install_property (gobject_class, PROP_AS_RUN_LOG,
      g_param_spec_string ("as-run-log", "As-run log",
          "Append a warning-card line per warning to this as-run log (JSON "
          "lines); NULL = none",
          DEFAULT_AS_RUN_LOG,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_AS_RUN_CHANNEL,
      g_param_spec_string ("as-run-channel", "As-run channel",
          "The channel the as-run lines are about (their `channel` key); "
          "NULL = paired with the gate writing the same file",
          NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_START_TIME,
      g_param_spec_string ("start-time", "Start time",
          "The ISO 8601 instant of running time 0 for the as-run lines "
          "(as ratinggate clock=scheduled, for file jobs): with an offset, "
          "or local in the policy's zone; NULL = the buffers' programme "
          "time, else the pipeline clock",
          NULL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_AT_STREAM_START,
      g_param_spec_boolean ("at-stream-start", "At stream start",
          "Give the warning at the stream's first buffer too, not only at "
          "watershed-programme-start events (FALSE after a ratinggate that "
          "starts closed: the warning then comes where it opens)",
          DEFAULT_AT_STREAM_START, rw));

  g_object_class_install_property (gobject_class, PROP_ANNOUNCEMENT_LOUDNESS,
      g_param_spec_double ("announcement-loudness", "Announcement loudness",
          "Integrated loudness the announcement is brought to, in LUFS (EBU "
          "R 128: -23; its sample peak stays under -1 dBFS); 0 = as "
          "recorded",
          -70.0, 0.0, DEFAULT_ANNOUNCEMENT_LOUDNESS, rw));

  g_object_class_install_property (gobject_class, PROP_END_CARD_DURATION,
      g_param_spec_uint64 ("end-card-duration", "End card duration",
          "How long the end card with the helplines is shown, in "
          "nanoseconds (0 = no end card)",
          0, 600 * GST_SECOND, DEFAULT_END_CARD_DURATION, rw));
  g_object_class_install_property (gobject_class, PROP_END_CARD_BEFORE,
      g_param_spec_uint64 ("end-card-before", "End card before",
          "Show the end card this long before the end the stream's "
          "duration gives, in nanoseconds (0 = at EOS or a "
          "watershed-programme-end event)",
          0, G_MAXUINT64, DEFAULT_END_CARD_BEFORE, rw));
  g_object_class_install_property (gobject_class, PROP_SUPPORT_DATA,
      g_param_spec_string ("support-data", "Support data",
          "A support file or folder (NULL = the installed "
          "ratings/support/)",
          DEFAULT_SUPPORT_DATA, rw));
  g_object_class_install_property (gobject_class, PROP_RECORDINGS,
      g_param_spec_string ("recordings", "Recordings",
          "A catalogue of the broadcaster's recorded announcements, one per "
          "territory, rating and language (ratings/schemas/recordings.xsd); "
          "used when announcement-file is not set; NULL = none",
          DEFAULT_RECORDINGS, rw));

  gst_element_class_set_static_metadata (element_class, "Rating warning",
      "Filter/Editor/Video/Audio",
      "Pre-programme warning card and announcement, and the end card with "
      "support helplines, as the territory's rules ask",
      "watershed");
  gst_element_class_add_static_pad_template (element_class,
      &video_sink_template);
  gst_element_class_add_static_pad_template (element_class,
      &video_src_template);
  gst_element_class_add_static_pad_template (element_class,
      &audio_sink_template);
  gst_element_class_add_static_pad_template (element_class,
      &audio_src_template);
  element_class->change_state = GST_DEBUG_FUNCPTR (change_state);

  gst_type_mark_as_plugin_api (WS_TYPE_RATING_WARNING_MODE, 0);
  gst_type_mark_as_plugin_api (WS_TYPE_RATING_WARNING_CARD, 0);
  gst_type_mark_as_plugin_api (WS_TYPE_RATING_WARNING_TIMING, 0);
}

static GstPad *
add_pad (WsRatingWarning *self, GstStaticPadTemplate *tmpl)
{
  GstPad *pad = gst_pad_new_from_static_template (tmpl, tmpl->name_template);

  gst_pad_set_iterate_internal_links_function (pad, iterate_internal_links);
  if (tmpl->direction == GST_PAD_SINK) {
    gst_pad_set_event_function (pad, sink_event);
    GST_PAD_SET_PROXY_CAPS (pad);
    GST_PAD_SET_PROXY_ALLOCATION (pad);
  } else {
    gst_pad_set_event_function (pad, src_event);
    gst_pad_set_query_function (pad, src_query);
    GST_PAD_SET_PROXY_CAPS (pad);
  }
  gst_element_add_pad (GST_ELEMENT (self), pad);
  return pad;
}

static void
ws_rating_warning_init (WsRatingWarning *self)
{
  g_mutex_init (&self->lock);
  self->vdelay.ins = g_array_new (FALSE, FALSE, sizeof (Insertion));
  self->adelay.ins = g_array_new (FALSE, FALSE, sizeof (Insertion));
  self->vsink = add_pad (self, &video_sink_template);
  self->vsrc = add_pad (self, &video_src_template);
  self->asink = add_pad (self, &audio_sink_template);
  self->asrc = add_pad (self, &audio_src_template);
  gst_pad_set_chain_function (self->vsink, video_chain);
  gst_pad_set_chain_function (self->asink, audio_chain);

  self->mode = DEFAULT_MODE;
  self->card = DEFAULT_CARD;
  self->timing = DEFAULT_TIMING;
  self->duration = DEFAULT_DURATION;
  self->language = g_strdup (DEFAULT_LANGUAGE);
  self->text = g_strdup (DEFAULT_TEXT);
  self->rating = g_strdup (DEFAULT_RATING);
  self->policy_id = g_strdup (DEFAULT_POLICY);
  self->territory = g_strdup (DEFAULT_TERRITORY);
  self->service_class = g_strdup (DEFAULT_SERVICE_CLASS);
  self->announcement_file = g_strdup (DEFAULT_ANNOUNCEMENT_FILE);
  self->speech = DEFAULT_SPEECH;
  self->duck_gain = DEFAULT_DUCK_GAIN;
  self->ramp = DEFAULT_RAMP;
  self->as_run_log = g_strdup (DEFAULT_AS_RUN_LOG);
  self->at_stream_start = DEFAULT_AT_STREAM_START;
  self->announcement_loudness = DEFAULT_ANNOUNCEMENT_LOUDNESS;
  self->end_card_duration = DEFAULT_END_CARD_DURATION;
  self->end_card_before = DEFAULT_END_CARD_BEFORE;
  self->support_data = g_strdup (DEFAULT_SUPPORT_DATA);
  self->recordings = g_strdup (DEFAULT_RECORDINGS);
  reset (self);
}
