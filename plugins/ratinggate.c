/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: ratinggate element. */

/**
 * SECTION:element-ratinggate
 * @title: ratinggate
 *
 * Keeps a programme out of the time slots where its rating may not run.
 * The gate reads the programme's rating from the sticky `watershed-rating`
 * event (DESIGN.md contract 1, sent by ratingtag or the application), the
 * civil time of each buffer from #WsRatingGate:clock, and asks the policy
 * (#WsRatingGate:policy, #WsRatingGate:service-class,
 * #WsRatingGate:access) whether it may be shown. Allowed buffers pass
 * untouched (the same buffer, not a copy). Blocked video becomes the slate
 * (black, or #WsRatingGate:slate-image scaled to fit, with
 * #WsRatingGate:slate-text centred on it) and blocked audio becomes
 * silence, with the original timestamps, durations and caps: no gap and no
 * stall, so a live pipeline keeps running. With
 * #WsRatingGate:mode=drop blocked buffers are dropped and GAP events sent
 * in their place (file jobs that should output nothing). With
 * #WsRatingGate:mode=monitor the gate decides, posts its messages and
 * writes the as-run log exactly as in the other modes, but every buffer
 * passes untouched (to try a policy on air).
 *
 * One element class handles raw video and raw audio in all formats (the
 * caps decide, as for identity); put one gate on each stream. The decision
 * is a pure function of (policy, service class, rating, instant, access),
 * so an audio gate and a video gate given the same rating and times switch
 * at the same running time. It is cached over the period the policy
 * returns (up to the next change), so the cost per buffer is a comparison.
 *
 * The gate opens at the window start and closes at its end, to the frame:
 * a video frame passes when its start instant is in an allowed period.
 * Audio is cut at the boundary sample (a buffer that straddles a boundary
 * is partly silenced) in slate mode, and decided per buffer in drop mode.
 *
 * Fail closed: a stream with no rating by the first buffer, a rating the
 * registry does not know, an unrated or refused one, or a rating for
 * another #WsRatingGate:territory is blocked, unless
 * #WsRatingGate:unrated-action is "allow" (refused ratings stay blocked).
 * A `watershed-rating` event changes the rating from its place in the
 * stream (its running time) on; the event travels on downstream. A new
 * stream (stream-start with another stream id) forgets the rating.
 *
 * Time sources (#WsRatingGate:clock):
 *
 * - "wall": the instant the buffer's running time comes round on the
 *   pipeline clock (base time + running time + the pipeline latency, which
 *   is when a synchronised sink presents it). That clock time is mapped to
 *   UTC: a #GstSystemClock of type realtime is UTC already; the monotonic
 *   system clock is mapped with one offset per process (so every gate of
 *   the process maps alike); any other clock with an offset taken once when
 *   the gate first sees it (g_get_real_time() minus its time). Without a
 *   clock (not in a running pipeline) the gate uses g_get_real_time() when
 *   it processes the buffer. For live pipelines.
 * - "scheduled": #WsRatingGate:start-time plus the buffer's running time.
 *   For file jobs, playout of a schedule and tests.
 * - "reference-meta": the buffer's #GstReferenceTimestampMeta with caps
 *   `timestamp/x-unix` (nanoseconds since the Unix epoch); buffers without
 *   one continue from the last one by running time. Until the first one
 *   arrives the gate is closed.
 *
 * ## Openings and the on-screen guidance
 *
 * When the gate opens (the first buffer that passes after blocked ones: at
 * the window start, after a rating change that allows the programme, after
 * a seek out of a closed period) it sends a `watershed-programme-start`
 * custom downstream event (see plugins/ws-rating-event.h) just before that
 * buffer, with a string field `opened-by` naming the gate, and then the
 * current `watershed-rating` event once more. The event is serialized with
 * the buffers, so it reaches ratingoverlay exactly at the opening frame
 * (through queues and encoders too), and ratingoverlay starts a showing
 * there: the badge is on screen for its whole duration while the viewer
 * can see the programme. A stream that is allowed from its first buffer
 * gets no event (the overlay shows at the stream start anyway).
 *
 * So put the gate before the overlay in live pipelines:
 * `ratingtag ! ratinggate ! ratingoverlay`. With the overlay before the
 * gate, the showing at the stream start is drawn into frames the gate then
 * replaces by the slate, and the overlay never learns of the opening (an
 * upstream event from the gate would reach it only after the opening
 * frames had passed it, one queue late).
 *
 * On every change of the decision (allowed, why, which rule, which rating)
 * and for the first buffer, when #WsRatingGate:post-messages is %TRUE, the
 * element posts an element message named "ratinggate" with these fields,
 * in this order:
 *
 * - `timestamp` (#G_TYPE_UINT64): buffer time of the first frame or sample
 *   the new decision applies to
 * - `stream-time` (#G_TYPE_UINT64): its stream time
 * - `running-time` (#G_TYPE_UINT64): its running time
 * - `duration` (#G_TYPE_UINT64): the duration of the buffer (for a cut
 *   audio buffer, of its part from the boundary on)
 * - `allowed` (#G_TYPE_BOOLEAN): whether the content passes now
 * - `reason` (#G_TYPE_STRING): one English sentence saying why
 * - `rule` (#G_TYPE_STRING): the policy rule that decided; absent when none
 *   did (fail closed)
 * - `rating` (#G_TYPE_STRING): the rating as `SYSTEM:CODE`; absent when the
 *   stream has none
 * - `instant` (#G_TYPE_STRING): the civil time decided at, ISO 8601 in the
 *   policy's zone with its offset; absent when unknown (reference-meta
 *   without a reference timestamp yet)
 * - `next-change` (#G_TYPE_STRING): when the decision changes next (the
 *   next allowed instant when blocked, the end of the allowed period when
 *   allowed), ISO 8601 as above; absent when it never does (or not within
 *   1000 days)
 * - `kind` (#G_TYPE_STRING): "allowed", "outside-window", "never",
 *   "needs-access", "unrated", "no-rule", "not-in-force",
 *   "unknown-service-class", "no-time" or "unrated-allowed"
 * - `policy` (#G_TYPE_STRING), `service-class` (#G_TYPE_STRING): the ids
 *   decided with
 * - `mode` (#G_TYPE_STRING): "slate", "drop" or "monitor"; a change of
 *   #WsRatingGate:mode is reported like a change of decision
 * - under an operator's override (`kind` "override-open" or
 *   "override-closed") only: `override` (#G_TYPE_STRING, "open" or
 *   "closed"), `operator` and `override-reason` (#G_TYPE_STRING, when
 *   given) and `override-set-at` (#G_TYPE_STRING, when it was set, ISO 8601
 *   UTC)
 *
 * With #WsRatingGate:as-run-log set, each change also appends one JSON line
 * to that file: `{"instant", "running_time_ns", "allowed", "reason",
 * "rule", "rating", "policy", "service_class", "next_change", "kind",
 * "judged_as", "judgement", "mode", "override", "operator",
 * "override_reason", "override_set_at", "element"}` (absent values are
 * null). The streaming thread never writes or fsync()s: it queues the line
 * (bounded, 256 lines) for a writer thread (ratings/ws-asrun.h), which
 * appends each line with one write() to a file opened with O_APPEND and
 * fsync()s after each batch, so lines are never torn and several gates may
 * share one file. EOS and the change to READY wait until the log is
 * durable. A line that cannot be written whole (disk full) is cut back and
 * tried once more, then is an element error with the line in its details;
 * when the queue is full the line is dropped without waiting, a warning is
 * posted and the log records the number of dropped lines
 * (`{"dropped_lines": N, "reason": ...}`) before its next line.
 *
 * The log is tamper-evident: a SHA-256 hash chain (ratings/ws-asrun.h). Its
 * first line is a header (`asrun_header`, a random `nonce`, `opened_by`:
 * this element's name), every line ends with `seq` (its line number) and
 * `prev` (the hash of the line before it), and a `checkpoint` line follows
 * every 1000 lines or an idle hour. #WsRatingGate:as-run-rotate-size and
 * #WsRatingGate:as-run-rotate-daily start a new file whose header names the
 * previous one and its last hash. `watershed asrun verify LOG...` checks
 * the chain; `watershed asrun report LOG...` re-checks what aired against
 * the policy.
 *
 * Operator control: #WsRatingGate:override forces the gate "open" (only
 * with #WsRatingGate:override-operator and #WsRatingGate:override-reason;
 * otherwise a warning and the policy decides) or "closed" until it is set
 * back to "none"; the #WsRatingGate::set-override action signal sets all
 * three at once. The read-only #WsRatingGate:allowed (the decision in
 * force; notify::allowed on each change, from the streaming thread) and
 * #WsRatingGate:next-change (ISO 8601 in the policy's zone, in programme
 * time: the civil time #WsRatingGate:clock gives the buffers) can be
 * polled.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 videotestsrc is-live=true ! \
 *     video/x-raw,width=1280,height=720,framerate=25/1 ! \
 *     ratingtag location=ratings/samples/demo-bbfc15.xml territory=GB ! \
 *     ratinggate policy=uk-ofcom clock=wall as-run-log=/tmp/as-run.jsonl ! \
 *     ratingoverlay mode=at-start duration=5000000000 ! \
 *     videoconvert ! autovideosink
 * ]| Live playout: a BBFC 15 programme on a free-to-air service is shown
 * only from 21:00 to 05:30 UK time; before that the screen shows "This
 * programme is available from 21:00", and at 21:00 the badge is shown for
 * 5 s as the programme appears.
 * |[
 * gst-launch-1.0 -m videotestsrc num-buffers=500 ! \
 *     video/x-raw,width=640,height=360,framerate=25/1 ! \
 *     ratingtag location=ratings/samples/demo-bbfc15.xml territory=GB ! \
 *     ratinggate policy=uk-ofcom clock=scheduled \
 *     start-time=2026-07-01T20:59:50+01:00 ! \
 *     x264enc ! mp4mux ! filesink location=/tmp/gated.mp4
 * ]| A file job scheduled for 20:59:50 on a summer evening: the first ten
 * seconds are black, the rest passes, and two "ratinggate" messages show
 * the change.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ratinggate.h"
#include "ws-element.h"
#include "ws-guidance-render.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include <gst/audio/audio.h>
#include <gst/video/video.h>

#include "ws-asrun.h"
#include "ws-error.h"
#include "ws-policy.h"
#include "ws-rating-event.h"
#include "ws-rating.h"
#include "ws-rating-system.h"
#include "ws-territory.h"
#include "ws-xml.h"

GST_DEBUG_CATEGORY_STATIC (ratinggate_debug);
#define GST_CAT_DEFAULT ratinggate_debug

enum {
  PROP_0,
  PROP_POLICY,
  PROP_SERVICE_CLASS,
  PROP_TERRITORY,
  PROP_ACCESS,
  PROP_CLOCK,
  PROP_START_TIME,
  PROP_MODE,
  PROP_SLATE_IMAGE,
  PROP_SLATE_TEXT,
  PROP_UNRATED_ACTION,
  PROP_AS_RUN_LOG,
  PROP_POST_MESSAGES,
  PROP_OVERRIDE,
  PROP_OVERRIDE_OPERATOR,
  PROP_OVERRIDE_REASON,
  PROP_ALLOWED,
  PROP_NEXT_CHANGE,
  PROP_AS_RUN_ROTATE_SIZE,
  PROP_AS_RUN_ROTATE_DAILY,
  PROP_AS_RUN_CHANNEL,
  N_PROPS,
};

enum {
  SIGNAL_SET_OVERRIDE,
  N_SIGNALS,
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

#define DEFAULT_POLICY NULL
#define DEFAULT_SERVICE_CLASS NULL
#define DEFAULT_TERRITORY NULL
#define DEFAULT_ACCESS WS_ACCESS_NONE
#define DEFAULT_CLOCK WS_RATING_GATE_CLOCK_WALL
#define DEFAULT_START_TIME NULL
#define DEFAULT_MODE WS_RATING_GATE_MODE_SLATE
#define DEFAULT_SLATE_IMAGE NULL
#define DEFAULT_SLATE_TEXT "This programme is available from %s"
#define DEFAULT_UNRATED_ACTION WS_RATING_GATE_UNRATED_BLOCK
#define DEFAULT_AS_RUN_LOG NULL
#define DEFAULT_AS_RUN_ROTATE_SIZE 0
#define DEFAULT_AS_RUN_ROTATE_DAILY FALSE
#define DEFAULT_POST_MESSAGES TRUE
#define DEFAULT_OVERRIDE WS_RATING_GATE_OVERRIDE_NONE
#define DEFAULT_OVERRIDE_OPERATOR NULL
#define DEFAULT_OVERRIDE_REASON NULL

/* decision kinds of our own, beyond WsDecisionKind */
#define KIND_NO_TIME ((WsDecisionKind) 100)
#define KIND_UNRATED_ALLOWED ((WsDecisionKind) 101)
#define KIND_OVERRIDE_OPEN ((WsDecisionKind) 102)
#define KIND_OVERRIDE_CLOSED ((WsDecisionKind) 103)

struct _WsRatingGate {
  GstElement parent;

  GstPad *sinkpad;
  GstPad *srcpad;

  /* properties, under the object lock */
  gchar *policy_id;
  gchar *service_class;
  gchar *territory;
  guint access;
  WsRatingGateClock clock;
  gchar *start_time;
  gint mode; /* WsRatingGateMode; atomic */
  gchar *slate_image;
  gchar *slate_text;
  WsRatingGateUnratedAction unrated_action;
  gchar *as_run_log;
  gchar *as_run_channel;
  guint64 as_run_rotate_size;
  gboolean as_run_rotate_daily;
  gboolean post_messages;
  gint settings_dirty; /* atomic: copy the settings, re-decide */
  gint slate_dirty;    /* atomic: render the slate again */
  GstClockTime latency;

  /* made in READY->PAUSED, freed in PAUSED->READY */
  WsPolicy *policy;
  WsRatingGateClock clock_mode;
  gint64 start_ns; /* clock=scheduled: the instant of running time 0 */
  gchar *log_path;
  WsAsRunWriter *log;

  /* settings in use: streaming thread */
  gchar *cur_class; /* the effective class id */
  WsAccessFlags cur_access;
  WsRatingGateUnratedAction cur_unrated;
  const gchar *cur_territory; /* static alpha-2, or NULL */

  /* stream state: streaming thread */
  gboolean have_caps;
  gboolean is_video;
  GstVideoInfo vinfo;
  GstAudioInfo ainfo;
  GstSegment segment;
  gchar *stream_id;
  GstClockTime next_rt; /* running time after the last buffer */

  /* the rating */
  WsRating *rating;
  const WsRatingDef *rating_def;
  gchar *rating_name;    /* SYSTEM:CODE as received, NULL when none */
  gchar *rating_problem; /* why it counts as unrated, NULL when it does not */

  /* the cached decision, valid for instants in [valid_from, valid_until) */
  gboolean have_decision;
  /* the end of the last buffer with a time: where the as-run log's
   * "stopped" line goes at EOS or stop */
  gboolean have_end;
  gint64 end_ns;
  GstClockTime end_rt;
  gboolean allowed;
  WsDecisionKind kind;
  const gchar *rule;   /* owned by the policy */
  const gchar *reason; /* owned by the policy, static or rating_problem */
  gint64 valid_from_ns;
  gint64 valid_until_ns; /* G_MAXINT64: unbounded */
  gint64 next_change_us; /* WS_TIME_NONE: none */

  /* the last decision reported */
  gboolean reported;
  gboolean rep_allowed;
  WsDecisionKind rep_kind;
  gchar *rep_rule;
  gchar *rep_rating;

  /* slate and silence */
  gchar *want_text; /* slate text for the current decision, or NULL */
  GstBuffer *slate;
  gchar *slate_text_used;
  GstMemory *silence;

  /* clock=wall */
  WsWallClock wall;

  /* clock=reference-meta */
  GstCaps *unix_caps;
  gboolean have_ref;
  gint64 ref_ns;
  GstClockTime ref_rt;

  /* the last buffer out ended blocked (slate, silence or a gap): the next
   * one that passes is an opening (announce_opening) */
  gboolean out_blocked;

  /* operator control: the properties, under the object lock */
  WsRatingGateOverride override;
  gchar *override_operator;
  gchar *override_reason;
  gint64 override_set_us; /* when it was last set, UTC */
  guint override_serial;  /* bumped by every change */
  gint override_dirty;    /* atomic: copy them at the next buffer */

  /* ... in use: streaming thread */
  WsRatingGateOverride cur_override;
  gchar *cur_operator;
  gchar *cur_override_reason;
  gchar *cur_override_set_at; /* ISO 8601 UTC */
  gchar *override_text;       /* the decision's reason sentence */
  guint cur_override_serial;
  WsRatingGateMode dec_mode; /* the mode of the cached decision */

  /* reported with the last decision */
  WsRatingGateMode rep_mode;
  WsRatingGateOverride rep_override;
  guint rep_override_serial;

  /* the decision in force, for the read-only properties (object lock) */
  gboolean pub_allowed;
  gint64 pub_next_change_us;
  gchar *pub_next_change;
};

#define VIDEO_CAPS GST_VIDEO_CAPS_MAKE (GST_VIDEO_FORMATS_ALL)
#define AUDIO_CAPS                                             \
  "audio/x-raw, format = (string) " GST_AUDIO_FORMATS_ALL ", " \
  "rate = (int) [ 1, MAX ], channels = (int) [ 1, MAX ], "     \
  "layout = (string) { interleaved, non-interleaved }"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (VIDEO_CAPS "; " AUDIO_CAPS));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (VIDEO_CAPS "; " AUDIO_CAPS));

#define ws_rating_gate_parent_class parent_class
G_DEFINE_TYPE (WsRatingGate, ws_rating_gate, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (ratinggate, "ratinggate", GST_RANK_NONE,
    WS_TYPE_RATING_GATE);

GType
ws_rating_gate_clock_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { WS_RATING_GATE_CLOCK_WALL,
        "Real-time clock: the instant the buffer's running time comes round "
        "on the pipeline clock (live)",
        "wall" },
    { WS_RATING_GATE_CLOCK_SCHEDULED,
        "start-time plus the buffer's running time (schedules, files)",
        "scheduled" },
    { WS_RATING_GATE_CLOCK_REFERENCE_META,
        "The buffers' GstReferenceTimestampMeta with caps timestamp/x-unix",
        "reference-meta" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("WsRatingGateClock", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GType
ws_rating_gate_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { WS_RATING_GATE_MODE_SLATE,
        "Blocked video becomes the slate and audio silence, same timestamps "
        "(live-safe)",
        "slate" },
    { WS_RATING_GATE_MODE_DROP,
        "Blocked buffers are dropped, GAP events sent instead (file jobs)",
        "drop" },
    { WS_RATING_GATE_MODE_MONITOR,
        "Decide, log and post messages, but never block: every buffer "
        "passes untouched",
        "monitor" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("WsRatingGateMode", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GType
ws_rating_gate_override_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { WS_RATING_GATE_OVERRIDE_NONE, "The policy decides", "none" },
    { WS_RATING_GATE_OVERRIDE_OPEN,
        "Forced open by an operator (needs override-operator and "
        "override-reason)",
        "open" },
    { WS_RATING_GATE_OVERRIDE_CLOSED, "Forced closed by an operator",
        "closed" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("WsRatingGateOverride", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GType
ws_rating_gate_unrated_action_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { WS_RATING_GATE_UNRATED_BLOCK,
        "Block a missing, unknown or unrated rating (fail closed)", "block" },
    { WS_RATING_GATE_UNRATED_ALLOW,
        "Let a missing, unknown or unrated rating pass", "allow" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("WsRatingGateUnratedAction", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GType
ws_rating_gate_access_get_type (void)
{
  static GType type = 0;
  static const GFlagsValue values[] = {
    { WS_ACCESS_PIN, "A parental PIN (mandatory restricted access)", "pin" },
    { WS_ACCESS_AGE_VERIFIED, "The viewer's age is verified", "age-verified" },
    { WS_ACCESS_AUTHORISED_CHANNEL,
        "The service holds the authorisation the rule names",
        "authorised-channel" },
    { WS_ACCESS_CONDITIONAL_ACCESS,
        "The service is encrypted (conditional access)", "conditional-access" },
    { WS_ACCESS_EXCEPTION, "The operator uses a derogation the rules allow",
        "exception" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_flags_register_static ("WsRatingGateAccess", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

/* The policy's names, plus the gate's own two states. */
static const gchar *
kind_nick (WsDecisionKind kind)
{
  switch ((gint) kind) {
    case KIND_NO_TIME:
      return "no-time";
    case KIND_UNRATED_ALLOWED:
      return "unrated-allowed";
    case KIND_OVERRIDE_OPEN:
      return "override-open";
    case KIND_OVERRIDE_CLOSED:
      return "override-closed";
    default:
      return ws_decision_kind_to_string (kind);
  }
}

/* ---- the rating -------------------------------------------------------- */

/* Turns the received rating into a registry rating; sets rating_problem
 * when it counts as unrated. */
static void
resolve_rating (WsRatingGate *self)
{
  GError *err = NULL;

  g_clear_pointer (&self->rating_name, g_free);
  g_clear_pointer (&self->rating_problem, g_free);
  self->rating_def = NULL;
  if (self->rating == NULL)
    return;
  if (self->rating->system != NULL && self->rating->code != NULL)
    self->rating_name = ws_rating_to_string (self->rating);
  self->rating_def = ws_rating_lookup (NULL, self->rating, self->cur_territory,
      &err);
  if (self->rating_def == NULL) {
    self->rating_problem = g_strdup_printf ("%s: treated as unrated (fail "
                                            "closed).",
        err->message);
    g_clear_error (&err);
  }
}

static gboolean
rating_is_unrated (WsRatingGate *self)
{
  return self->rating_def == NULL ||
         ws_rating_def_get_kind (self->rating_def) == WS_RATING_KIND_UNRATED;
}

/* Copies the run-time settings for the streaming thread. */
static void
refresh_settings (WsRatingGate *self)
{
  gchar *territory;

  g_atomic_int_set (&self->settings_dirty, 0);
  GST_OBJECT_LOCK (self);
  g_free (self->cur_class);
  self->cur_class = g_strdup (self->service_class);
  self->cur_access = (WsAccessFlags) self->access;
  self->cur_unrated = self->unrated_action;
  territory = g_strdup (self->territory);
  GST_OBJECT_UNLOCK (self);

  if (self->cur_class == NULL && self->policy != NULL)
    self->cur_class = g_strdup (
        ws_policy_get_default_service_class (self->policy));
  if (territory != NULL) {
    const gchar *cc = ws_territory_normalise (territory);

    /* start() refused an unknown territory; one set while playing is an
     * error too, and the territory in force stays */
    if (cc == NULL) {
      gchar *shown = ws_utf8_cut (territory, WS_XML_MAX_QUOTED_CHARS);

      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
          ("territory \"%s\" is not an ISO 3166-1 country code; the "
           "territory %s stays in force",
              shown, GST_STR_NULL (self->cur_territory)),
          (NULL));
      g_free (shown);
    } else {
      self->cur_territory = cc;
    }
  } else if (self->policy != NULL)
    self->cur_territory = ws_territory_normalise (
        ws_policy_get_jurisdiction (self->policy));
  g_free (territory);
  resolve_rating (self);
  self->have_decision = FALSE;
}

/* ---- time -------------------------------------------------------------- */

static gint64
floor_div (gint64 a, gint64 b)
{
  gint64 q = a / b;

  if ((a % b != 0) && ((a < 0) != (b < 0)))
    q--;
  return q;
}

static gint64
wall_instant (WsRatingGate *self, GstClockTime rt)
{
  GstClockTime latency;

  GST_OBJECT_LOCK (self);
  latency = self->latency;
  GST_OBJECT_UNLOCK (self);
  return ws_wall_clock_instant_ns (&self->wall, GST_ELEMENT_CAST (self), rt,
      latency);
}

/* The civil instant of a buffer at running time @rt, in ns since the Unix
 * epoch. FALSE when unknown (reference-meta without a reference yet). */
static gboolean
buffer_instant (WsRatingGate *self, GstBuffer *buf, GstClockTime rt,
    gint64 *out_ns)
{
  GstReferenceTimestampMeta *meta;

  switch (self->clock_mode) {
    case WS_RATING_GATE_CLOCK_SCHEDULED:
      *out_ns = self->start_ns + (gint64) rt;
      return TRUE;
    case WS_RATING_GATE_CLOCK_REFERENCE_META:
      meta = gst_buffer_get_reference_timestamp_meta (buf, self->unix_caps);
      if (meta != NULL && GST_CLOCK_TIME_IS_VALID (meta->timestamp)) {
        self->have_ref = TRUE;
        self->ref_ns = (gint64) meta->timestamp;
        self->ref_rt = rt;
        *out_ns = self->ref_ns;
        return TRUE;
      }
      if (!self->have_ref)
        return FALSE;
      *out_ns = self->ref_ns + ((gint64) rt - (gint64) self->ref_rt);
      return TRUE;
    case WS_RATING_GATE_CLOCK_WALL:
    default:
      *out_ns = wall_instant (self, rt);
      return TRUE;
  }
}

/* "21:00", or "21:00 on Thursday 2 July" when not on the day of @now_us */
static gchar *
format_local_hm (WsRatingGate *self, gint64 when_us, gint64 now_us)
{
  GTimeZone *tz = ws_policy_get_time_zone (self->policy);
  GDateTime *u, *w, *n;
  gchar *s;
  const gchar *fmt;

  u = g_date_time_new_from_unix_utc (floor_div (when_us, G_USEC_PER_SEC));
  if (u == NULL)
    return NULL;
  w = g_date_time_to_timezone (u, tz);
  g_date_time_unref (u);
  u = g_date_time_new_from_unix_utc (floor_div (now_us, G_USEC_PER_SEC));
  n = u != NULL ? g_date_time_to_timezone (u, tz) : NULL;
  if (u != NULL)
    g_date_time_unref (u);
  fmt = g_date_time_get_second (w) != 0 ? "%H:%M:%S" : "%H:%M";
  if (n == NULL || g_date_time_get_year (w) != g_date_time_get_year (n) ||
      g_date_time_get_day_of_year (w) != g_date_time_get_day_of_year (n)) {
    gchar *day = g_date_time_format (w, "%A %-d %B");
    gchar *hm = g_date_time_format (w, fmt);

    s = g_strdup_printf ("%s on %s", hm, day);
    g_free (day);
    g_free (hm);
  } else {
    s = g_date_time_format (w, fmt);
  }
  g_date_time_unref (w);
  if (n != NULL)
    g_date_time_unref (n);
  return s;
}

/* The slate text for a blocked decision: the template with "%s" replaced by
 * the next allowed local time and "%%" by "%". Never a printf format. */
static gchar *
make_slate_text (WsRatingGate *self, gint64 now_us)
{
  gchar *tmpl, *when = NULL;
  GString *out;
  const gchar *p;

  GST_OBJECT_LOCK (self);
  tmpl = g_strdup (self->slate_text);
  GST_OBJECT_UNLOCK (self);
  if (tmpl == NULL || *tmpl == '\0') {
    g_free (tmpl);
    return NULL;
  }
  if (strstr (tmpl, "%s") != NULL) {
    if (self->allowed || self->next_change_us == WS_TIME_NONE) {
      g_free (tmpl);
      return g_strdup ("This programme is not available now.");
    }
    when = format_local_hm (self, self->next_change_us, now_us);
  }
  out = g_string_new (NULL);
  for (p = tmpl; *p != '\0'; p++) {
    if (p[0] == '%' && p[1] == 's') {
      g_string_append (out, when != NULL ? when : "");
      p++;
    } else if (p[0] == '%' && p[1] == '%') {
      g_string_append_c (out, '%');
      p++;
    } else {
      g_string_append_c (out, *p);
    }
  }
  g_free (tmpl);
  g_free (when);
  return g_string_free (out, FALSE);
}

/* ---- decisions and reports -------------------------------------------- */

static const gchar *
mode_nick (WsRatingGateMode mode)
{
  switch (mode) {
    case WS_RATING_GATE_MODE_DROP:
      return "drop";
    case WS_RATING_GATE_MODE_MONITOR:
      return "monitor";
    case WS_RATING_GATE_MODE_SLATE:
    default:
      return "slate";
  }
}

static const gchar *
override_nick (WsRatingGateOverride o)
{
  switch (o) {
    case WS_RATING_GATE_OVERRIDE_OPEN:
      return "open";
    case WS_RATING_GATE_OVERRIDE_CLOSED:
      return "closed";
    case WS_RATING_GATE_OVERRIDE_NONE:
    default:
      return NULL;
  }
}

/* Copies the operator's override for the streaming thread. An override
 * that forces the gate open without saying who and why is not applied
 * (fail closed); one that closes it is. */
static void
refresh_override (WsRatingGate *self)
{
  WsRatingGateOverride o;
  gchar *op, *why;
  gint64 set_us;
  guint serial;

  g_atomic_int_set (&self->override_dirty, 0);
  GST_OBJECT_LOCK (self);
  o = self->override;
  op = g_strdup (self->override_operator);
  why = g_strdup (self->override_reason);
  set_us = self->override_set_us;
  serial = self->override_serial;
  GST_OBJECT_UNLOCK (self);

  if (o == WS_RATING_GATE_OVERRIDE_OPEN && (op == NULL || why == NULL)) {
    GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
        ("override=open needs override-operator and override-reason (who "
         "forces the gate open, and why): the override is not applied and "
         "the policy decides"),
        ("set override-operator and override-reason before override, or "
         "use the set-override action signal"));
    o = WS_RATING_GATE_OVERRIDE_NONE;
  }

  self->cur_override = o;
  self->cur_override_serial = serial;
  g_free (self->cur_operator);
  self->cur_operator = op;
  g_free (self->cur_override_reason);
  self->cur_override_reason = why;
  g_clear_pointer (&self->cur_override_set_at, g_free);
  g_clear_pointer (&self->override_text, g_free);
  if (o != WS_RATING_GATE_OVERRIDE_NONE) {
    GDateTime *at = g_date_time_new_from_unix_utc (
        floor_div (set_us, G_USEC_PER_SEC));

    if (at != NULL) {
      self->cur_override_set_at = g_date_time_format (at, "%Y-%m-%dT%H:%M:%SZ");
      g_date_time_unref (at);
    }
    self->override_text = g_strdup_printf ("Forced %s by %s: %s",
        o == WS_RATING_GATE_OVERRIDE_OPEN ? "open" : "closed",
        op != NULL ? op : "an operator who gave no name",
        why != NULL ? why : "no reason given.");
    GST_INFO_OBJECT (self, "override: %s", self->override_text);
  }
  self->have_decision = FALSE;
}

/* Publishes the decision in force for the allowed and next-change
 * properties; notify::allowed when it changed. A string is made only when
 * the next change moves. */
static void
publish_decision (WsRatingGate *self)
{
  gboolean changed, next_moved;
  gchar *next = NULL;

  GST_OBJECT_LOCK (self);
  changed = self->pub_allowed != self->allowed;
  next_moved = self->pub_next_change_us != self->next_change_us;
  GST_OBJECT_UNLOCK (self);
  if (!changed && !next_moved)
    return;

  if (next_moved && self->next_change_us != WS_TIME_NONE)
    next = ws_policy_format_time (self->policy, self->next_change_us);
  GST_OBJECT_LOCK (self);
  self->pub_allowed = self->allowed;
  if (next_moved) {
    self->pub_next_change_us = self->next_change_us;
    g_free (self->pub_next_change);
    self->pub_next_change = next;
  }
  GST_OBJECT_UNLOCK (self);

  if (next_moved)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_CHANGE]);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOWED]);
}

static void
decide (WsRatingGate *self, gboolean have_time, gint64 instant_ns)
{
  WsDecision d;
  gint64 next_us;

  self->have_decision = TRUE;
  if (self->cur_override != WS_RATING_GATE_OVERRIDE_NONE) {
    /* the operator decides until the override is cleared */
    self->allowed = self->cur_override == WS_RATING_GATE_OVERRIDE_OPEN;
    self->kind = self->allowed ? KIND_OVERRIDE_OPEN : KIND_OVERRIDE_CLOSED;
    self->rule = NULL;
    self->reason = self->override_text;
    self->next_change_us = WS_TIME_NONE;
    self->valid_from_ns = have_time ? instant_ns : G_MAXINT64;
    self->valid_until_ns = have_time ? G_MAXINT64 : G_MININT64;
    goto done;
  }
  if (!have_time) {
    self->allowed = FALSE;
    self->kind = KIND_NO_TIME;
    self->rule = NULL;
    self->reason = "No timestamp/x-unix reference timestamp on the stream "
                   "yet: blocked (fail closed).";
    self->next_change_us = WS_TIME_NONE;
    /* decide again at the next buffer */
    self->valid_from_ns = G_MAXINT64;
    self->valid_until_ns = G_MININT64;
    goto done;
  }

  ws_policy_decide (self->policy, self->cur_class, self->rating_def,
      floor_div (instant_ns, 1000), self->cur_access, &d);
  self->allowed = d.allowed;
  self->kind = d.kind;
  self->rule = d.rule_id;
  self->reason = d.reason;
  next_us = d.allowed ? d.allowed_until_us : d.next_allowed_us;
  if (!d.allowed && self->rating_problem != NULL &&
      d.kind == WS_DECISION_UNRATED)
    self->reason = self->rating_problem;
  if (!d.allowed && self->cur_unrated == WS_RATING_GATE_UNRATED_ALLOW &&
      rating_is_unrated (self)) {
    self->allowed = TRUE;
    self->kind = KIND_UNRATED_ALLOWED;
    self->rule = NULL;
    self->reason = "No rating, or an unknown or unrated one: allowed by "
                   "unrated-action=allow.";
    next_us = WS_TIME_NONE;
  }
  self->next_change_us = next_us;
  self->valid_from_ns = instant_ns;
  if (next_us == WS_TIME_NONE || next_us >= G_MAXINT64 / 1000)
    self->valid_until_ns = G_MAXINT64;
  else
    self->valid_until_ns = next_us * 1000;
  if (self->valid_until_ns <= instant_ns)
    self->valid_until_ns = instant_ns + 1;

done:
  g_free (self->want_text);
  self->want_text = self->allowed ?
                        NULL :
                        make_slate_text (self,
                            have_time ? floor_div (instant_ns, 1000) : 0);
  publish_decision (self);
}

/* Called on the as-run writer's thread for a line it could not write. */
static void
as_run_failed (const gchar *line, int err, gpointer user_data)
{
  WsRatingGate *self = user_data;

  /* every decision must be on record: an error, not a warning */
  if (line != NULL)
    GST_ELEMENT_ERROR (self, RESOURCE, WRITE,
        ("Could not write the as-run log \"%s\": %s; the decision was not "
         "recorded (the log still ends with its last complete line): free "
         "space or move the log",
            self->log_path, g_strerror (err)),
        ("decision: %s", line));
  else
    GST_ELEMENT_ERROR (self, RESOURCE, SYNC,
        ("Could not make the as-run log \"%s\" durable (fsync: %s): the "
         "last decisions may be lost in a power cut; check the disk",
            self->log_path, g_strerror (err)),
        (NULL));
}

/* Formats the decision's line and hands it to the writer thread: no I/O
 * here. */
static void
write_as_run (WsRatingGate *self, const gchar *instant, GstClockTime rt,
    const gchar *next, WsRatingGateMode mode)
{
  /* a foreign rating is judged by its local equivalent (issue #10) */
  char judgement[160] = "";
  const WsRatingDef *judged = self->rating_def ?
                                  ws_policy_describe_judgement (self->policy,
                                      self->rating_def, judgement,
                                      sizeof judgement) :
                                  NULL;
  gchar *name = gst_object_get_name (GST_OBJECT (self));
  gboolean forced = self->kind == KIND_OVERRIDE_OPEN ||
                    self->kind == KIND_OVERRIDE_CLOSED;
  WsAsRunRecord rec = {
    .instant = instant,
    .running_time_ns = GST_CLOCK_TIME_IS_VALID (rt) ? (gint64) rt : -1,
    .allowed = self->allowed,
    .reason = self->reason,
    .rule = self->rule,
    .rating = self->rating_name,
    .policy = ws_policy_get_id (self->policy),
    .service_class = self->cur_class,
    .next_change = next,
    .kind = kind_nick (self->kind),
    .judged_as = judged ? ws_rating_def_get_name (judged) : NULL,
    .judgement = judgement[0] ? judgement : NULL,
    .mode = mode_nick (mode),
    .override = forced ? override_nick (self->cur_override) : NULL,
    .operator_name = forced ? self->cur_operator : NULL,
    .override_reason = forced ? self->cur_override_reason : NULL,
    .override_set_at = forced ? self->cur_override_set_at : NULL,
    .element = name,
    .channel = self->as_run_channel && self->as_run_channel[0] ?
                   self->as_run_channel :
                   NULL,
  };
  gchar *line = ws_asrun_format_line (&rec);

  if (!ws_asrun_writer_push (self->log, line)) {
    /* the writer records the count in the log before its next line */
    GST_ELEMENT_WARNING (self, RESOURCE, WRITE,
        ("The as-run log \"%s\" does not keep up: a decision line was "
         "dropped (%" G_GUINT64_FORMAT " so far); the log records how many",
            self->log_path, ws_asrun_writer_get_dropped (self->log)),
        ("decision at %s: %s", GST_STR_NULL (instant), self->reason));
  }
  g_free (name);
}

/* A "stopped" line where the last buffer ended (EOS, or the gate
 * stopping): nothing airs through the gate from there, so the report does
 * not count the last decision on until the next line, maybe days later.
 * The next buffer's decision is logged again. */
static void
log_end (WsRatingGate *self, const gchar *why)
{
  gchar *instant, *name, *line;
  WsAsRunRecord rec = { 0 };

  if (self->log == NULL || !self->reported || !self->have_end ||
      self->policy == NULL)
    return;
  instant = ws_policy_format_time (self->policy,
      floor_div (self->end_ns, 1000));
  name = gst_object_get_name (GST_OBJECT (self));
  rec.instant = instant;
  rec.running_time_ns = (gint64) self->end_rt;
  rec.allowed = FALSE;
  rec.reason = why;
  rec.rating = self->rating_name;
  rec.policy = ws_policy_get_id (self->policy);
  rec.service_class = self->cur_class;
  rec.kind = "stopped";
  rec.mode = mode_nick (self->dec_mode);
  rec.element = name;
  rec.channel = self->as_run_channel && self->as_run_channel[0] ?
                    self->as_run_channel :
                    NULL;
  line = ws_asrun_format_line (&rec);
  if (!ws_asrun_writer_push (self->log, line))
    GST_ELEMENT_WARNING (self, RESOURCE, WRITE,
        ("The as-run log \"%s\" does not keep up: the line saying the gate "
         "stopped was dropped",
            self->log_path),
        ("at %s: %s", instant, why));
  self->reported = FALSE;
  self->have_decision = FALSE;
  self->have_end = FALSE;
  g_free (instant);
  g_free (name);
}

/* Posts the message and logs the line when the decision differs from the
 * last one reported. */
static void
report (WsRatingGate *self, gboolean have_time, gint64 instant_ns,
    GstClockTime pts, GstClockTime rt, GstClockTime duration)
{
  gchar *instant = NULL, *next = NULL;
  gboolean post;
  WsRatingGateMode mode = self->dec_mode;

  if (self->reported && self->rep_allowed == self->allowed &&
      self->rep_kind == self->kind &&
      g_strcmp0 (self->rep_rule, self->rule) == 0 &&
      g_strcmp0 (self->rep_rating, self->rating_name) == 0 &&
      self->rep_mode == mode && self->rep_override == self->cur_override &&
      (self->cur_override == WS_RATING_GATE_OVERRIDE_NONE ||
          self->rep_override_serial == self->cur_override_serial))
    return;

  self->reported = TRUE;
  self->rep_allowed = self->allowed;
  self->rep_kind = self->kind;
  g_free (self->rep_rule);
  self->rep_rule = g_strdup (self->rule);
  g_free (self->rep_rating);
  self->rep_rating = g_strdup (self->rating_name);
  self->rep_mode = mode;
  self->rep_override = self->cur_override;
  self->rep_override_serial = self->cur_override_serial;

  if (have_time)
    instant = ws_policy_format_time (self->policy,
        floor_div (instant_ns, 1000));
  if (self->next_change_us != WS_TIME_NONE)
    next = ws_policy_format_time (self->policy, self->next_change_us);

  GST_INFO_OBJECT (self,
      "%s at %s (running time %" GST_TIME_FORMAT "): %s "
      "[rule %s, rating %s, next change %s, mode %s]",
      self->allowed ? "allowed" : "blocked", GST_STR_NULL (instant),
      GST_TIME_ARGS (rt), self->reason, GST_STR_NULL (self->rule),
      GST_STR_NULL (self->rating_name), GST_STR_NULL (next), mode_nick (mode));

  GST_OBJECT_LOCK (self);
  post = self->post_messages;
  GST_OBJECT_UNLOCK (self);

  if (post) {
    GstStructure *s = ws_timed_structure_new ("ratinggate", pts,
        gst_segment_to_stream_time (&self->segment, GST_FORMAT_TIME, pts), rt,
        duration);

    gst_structure_set (s, "allowed", G_TYPE_BOOLEAN, self->allowed, "reason",
        G_TYPE_STRING, self->reason, NULL);

    if (self->rule != NULL)
      gst_structure_set (s, "rule", G_TYPE_STRING, self->rule, NULL);
    if (self->rating_name != NULL)
      gst_structure_set (s, "rating", G_TYPE_STRING, self->rating_name, NULL);
    if (instant != NULL)
      gst_structure_set (s, "instant", G_TYPE_STRING, instant, NULL);
    if (next != NULL)
      gst_structure_set (s, "next-change", G_TYPE_STRING, next, NULL);
    gst_structure_set (s, "kind", G_TYPE_STRING, kind_nick (self->kind),
        "policy", G_TYPE_STRING, ws_policy_get_id (self->policy),
        "service-class", G_TYPE_STRING, self->cur_class, "mode", G_TYPE_STRING,
        mode_nick (mode), NULL);
    if (self->kind == KIND_OVERRIDE_OPEN ||
        self->kind == KIND_OVERRIDE_CLOSED) {
      gst_structure_set (s, "override", G_TYPE_STRING,
          override_nick (self->cur_override), NULL);
      if (self->cur_operator != NULL)
        gst_structure_set (s, "operator", G_TYPE_STRING, self->cur_operator,
            NULL);
      if (self->cur_override_reason != NULL)
        gst_structure_set (s, "override-reason", G_TYPE_STRING,
            self->cur_override_reason, NULL);
      if (self->cur_override_set_at != NULL)
        gst_structure_set (s, "override-set-at", G_TYPE_STRING,
            self->cur_override_set_at, NULL);
    }
    gst_element_post_message (GST_ELEMENT_CAST (self),
        gst_message_new_element (GST_OBJECT_CAST (self), s));
  }

  if (self->log != NULL)
    write_as_run (self, instant, rt, next, mode);

  g_free (instant);
  g_free (next);
}

/* Makes the cached decision cover @instant_ns, reporting any change. */
static inline void
ensure_decision (WsRatingGate *self, gboolean have_time, gint64 instant_ns,
    GstClockTime pts, GstClockTime rt, GstClockTime duration)
{
  if (G_LIKELY (self->have_decision && have_time &&
                instant_ns >= self->valid_from_ns &&
                instant_ns < self->valid_until_ns))
    return;
  decide (self, have_time, instant_ns);
  report (self, have_time, instant_ns, pts, rt, duration);
}

/* ---- the slate --------------------------------------------------------- */

/* Renders the slate with the shared renderer (ARGB32) and converts it once
 * to the negotiated format. A frame larger than the renderer draws is
 * drawn at its limit and scaled by the converter, with a warning. */
static gboolean
render_slate (WsRatingGate *self)
{
  GstVideoInfo *vi = &self->vinfo;
  gint w = GST_VIDEO_INFO_WIDTH (vi);
  gint h = GST_VIDEO_INFO_FIELD_HEIGHT (vi);
  gint rw = MIN (w, WS_GUIDANCE_MAX_SIDE), rh = MIN (h, WS_GUIDANCE_MAX_SIDE);
  gdouble par = 1.0;
  WsSlateSpec spec = { NULL, NULL, 1.0 };
  WsGuidanceImage *img;
  GError *image_err = NULL, *err = NULL;
  GstVideoInfo sinfo;
  GstBuffer *src = NULL, *dst = NULL;
  GstVideoFrame sframe, dframe;
  GstVideoConverter *conv;
  gchar *image;
  gboolean ok = FALSE;

  GST_OBJECT_LOCK (self);
  image = g_strdup (self->slate_image);
  GST_OBJECT_UNLOCK (self);
  g_atomic_int_set (&self->slate_dirty, 0);

  par = ws_video_info_pixel_aspect (vi);

  spec.image_path = image;
  spec.text = self->want_text;
  /* a slate pixel covers w / rw by h / rh frame pixels; a frame of
   * absurd shape gets its slate distorted rather than none */
  spec.pixel_aspect = CLAMP (par * ((gdouble) w / rw) / ((gdouble) h / rh),
      0.06, 19.0);
  img = ws_guidance_render_slate (&spec, rw, rh, &image_err, &err);
  if (image_err != NULL) {
    if (g_error_matches (image_err, WS_ERROR, WS_ERROR_INVALID))
      GST_ELEMENT_WARNING (self, RESOURCE, READ,
          ("The slate image %s; the slate is black", image_err->message),
          ("slate-image must be a PNG file"));
    else
      GST_ELEMENT_WARNING (self, RESOURCE, READ,
          ("Could not read the slate image: %s; the slate is black",
              image_err->message),
          (NULL));
    g_error_free (image_err);
  }
  if (img == NULL) {
    GST_ELEMENT_WARNING (self, STREAM, FAILED,
        ("Could not draw the slate for a %dx%d frame: %s", w, h, err->message),
        (NULL));
    g_error_free (err);
    g_free (image);
    return FALSE;
  }
  if (rw != w || rh != h)
    GST_ELEMENT_WARNING (self, STREAM, FAILED,
        ("The frame is %dx%d, larger than the slate renderer's %dx%d: the "
         "slate is drawn at %dx%d and scaled to the frame",
            w, h, WS_GUIDANCE_MAX_SIDE, WS_GUIDANCE_MAX_SIDE, rw, rh),
        (NULL));

  gst_video_info_set_interlaced_format (&sinfo,
      G_BYTE_ORDER == G_LITTLE_ENDIAN ? GST_VIDEO_FORMAT_BGRA :
                                        GST_VIDEO_FORMAT_ARGB,
      GST_VIDEO_INFO_INTERLACE_MODE (vi), rw,
      rh * (GST_VIDEO_INFO_HEIGHT (vi) / MAX (h, 1)));
  GST_VIDEO_INFO_PAR_N (&sinfo) = GST_VIDEO_INFO_PAR_N (vi);
  GST_VIDEO_INFO_PAR_D (&sinfo) = GST_VIDEO_INFO_PAR_D (vi);
  GST_VIDEO_INFO_FPS_N (&sinfo) = GST_VIDEO_INFO_FPS_N (vi);
  GST_VIDEO_INFO_FPS_D (&sinfo) = GST_VIDEO_INFO_FPS_D (vi);
  GST_VIDEO_INFO_PLANE_STRIDE (&sinfo, 0) = img->stride;
  GST_VIDEO_INFO_SIZE (&sinfo) = (gsize) img->stride * img->height;

  /* the buffer owns the pixels from here */
  src = gst_buffer_new_wrapped (img->pixels, GST_VIDEO_INFO_SIZE (&sinfo));
  img->pixels = NULL;
  ws_guidance_image_free (img);
  dst = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (vi), NULL);
  if (dst == NULL)
    goto end;
  if (!gst_video_frame_map (&sframe, &sinfo, src, GST_MAP_READ))
    goto end;
  if (!gst_video_frame_map (&dframe, vi, dst, GST_MAP_WRITE)) {
    gst_video_frame_unmap (&sframe);
    goto end;
  }
  conv = gst_video_converter_new (&sinfo, vi,
      gst_structure_new ("options", GST_VIDEO_CONVERTER_OPT_DITHER_METHOD,
          GST_TYPE_VIDEO_DITHER_METHOD, GST_VIDEO_DITHER_NONE,
          GST_VIDEO_CONVERTER_OPT_THREADS, G_TYPE_UINT, 1, NULL));
  if (conv != NULL) {
    gst_video_converter_frame (conv, &sframe, &dframe);
    gst_video_converter_free (conv);
    ok = TRUE;
  }
  gst_video_frame_unmap (&dframe);
  gst_video_frame_unmap (&sframe);

end:
  if (ok) {
    gst_buffer_replace (&self->slate, dst);
    g_free (self->slate_text_used);
    self->slate_text_used = g_strdup (self->want_text);
    GST_DEBUG_OBJECT (self, "slate rendered, %dx%d %s, text \"%s\"", w, h,
        GST_VIDEO_INFO_NAME (vi), GST_STR_NULL (self->want_text));
  }
  if (dst != NULL)
    gst_buffer_unref (dst);
  gst_buffer_unref (src);
  g_free (image);
  return ok;
}

static void
copy_buffer_info (GstBuffer *out, GstBuffer *in)
{
  GstReferenceTimestampMeta *rmeta;
  GstVideoTimeCodeMeta *tmeta;
  gpointer state = NULL;

  gst_buffer_copy_into (out, in,
      GST_BUFFER_COPY_FLAGS | GST_BUFFER_COPY_TIMESTAMPS, 0, -1);
  GST_BUFFER_FLAG_UNSET (out, GST_BUFFER_FLAG_GAP);
  while ((rmeta = (GstReferenceTimestampMeta *)
                 gst_buffer_iterate_meta_filtered (in, &state,
                     GST_REFERENCE_TIMESTAMP_META_API_TYPE)) != NULL)
    gst_buffer_add_reference_timestamp_meta (out, rmeta->reference,
        rmeta->timestamp, rmeta->duration);
  tmeta = gst_buffer_get_video_time_code_meta (in);
  if (tmeta != NULL)
    gst_buffer_add_video_time_code_meta (out, &tmeta->tc);
}

/* (transfer full) @in; returns the slate with @in's timestamps */
static GstBuffer *
slate_buffer (WsRatingGate *self, GstBuffer *in)
{
  GstBuffer *out;

  if (self->slate == NULL || g_atomic_int_get (&self->slate_dirty) ||
      g_strcmp0 (self->want_text, self->slate_text_used) != 0) {
    if (!render_slate (self) && self->slate == NULL) {
      GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
          ("Could not make a slate in %s %dx%d",
              GST_VIDEO_INFO_NAME (&self->vinfo),
              GST_VIDEO_INFO_WIDTH (&self->vinfo),
              GST_VIDEO_INFO_HEIGHT (&self->vinfo)),
          ("put videoconvert before ratinggate to use another format"));
      gst_buffer_unref (in);
      return NULL;
    }
  }
  out = gst_buffer_new ();
  /* shares the slate's memory: no copy per frame */
  gst_buffer_copy_into (out, self->slate, GST_BUFFER_COPY_MEMORY, 0, -1);
  copy_buffer_info (out, in);
  gst_buffer_unref (in);
  return out;
}

/* (transfer full) @in; returns silence with @in's timestamps and layout */
static GstBuffer *
silence_buffer (WsRatingGate *self, GstBuffer *in)
{
  gsize size = gst_buffer_get_size (in);
  GstBuffer *out;

  if (self->silence == NULL || self->silence->size < size) {
    GstMapInfo map;
    gsize want = MAX (size, (gsize) GST_AUDIO_INFO_BPF (&self->ainfo) * 4096);

    if (self->silence != NULL)
      gst_memory_unref (self->silence);
    self->silence = gst_allocator_alloc (NULL, want, NULL);
    gst_memory_map (self->silence, &map, GST_MAP_WRITE);
    gst_audio_format_info_fill_silence (self->ainfo.finfo, map.data, map.size);
    gst_memory_unmap (self->silence, &map);
  }
  out = gst_buffer_new ();
  gst_buffer_append_memory (out, gst_memory_share (self->silence, 0, size));
  gst_buffer_copy_into (out, in,
      GST_BUFFER_COPY_FLAGS | GST_BUFFER_COPY_TIMESTAMPS | GST_BUFFER_COPY_META,
      0, -1);
  GST_BUFFER_FLAG_UNSET (out, GST_BUFFER_FLAG_GAP);
  gst_buffer_unref (in);
  return out;
}

/* silences frames [from, to) of a writable audio buffer */
static gboolean
silence_range (WsRatingGate *self, GstBuffer *buf, guint64 from, guint64 to)
{
  GstAudioBuffer abuf;
  gint bps = GST_AUDIO_INFO_BPS (&self->ainfo);
  gint bpf = GST_AUDIO_INFO_BPF (&self->ainfo);
  gint p;

  if (!gst_audio_buffer_map (&abuf, &self->ainfo, buf, GST_MAP_READWRITE))
    return FALSE;
  to = MIN (to, abuf.n_samples);
  if (from < to) {
    for (p = 0; p < abuf.n_planes; p++) {
      gsize unit = abuf.n_planes > 1 ? (gsize) bps : (gsize) bpf;

      gst_audio_format_info_fill_silence (self->ainfo.finfo,
          (guint8 *) abuf.planes[p] + from * unit, (to - from) * unit);
    }
  }
  gst_audio_buffer_unmap (&abuf);
  return TRUE;
}

/* ---- streaming --------------------------------------------------------- */

static GstFlowReturn
push_gap (WsRatingGate *self, GstBuffer *buf)
{
  GstClockTime pts = GST_BUFFER_PTS (buf), dur = GST_BUFFER_DURATION (buf);

  gst_buffer_unref (buf);
  if (!GST_CLOCK_TIME_IS_VALID (pts) ||
      gst_pad_push_event (self->srcpad, gst_event_new_gap (pts, dur)))
    return GST_FLOW_OK;

  /* A refused GAP must not hide a broken pipeline for as long as the gate
   * stays closed (hours on clock=wall): report what a buffer would have. */
  if (GST_PAD_IS_FLUSHING (self->srcpad))
    return GST_FLOW_FLUSHING;
  if (!gst_pad_is_linked (self->srcpad))
    return GST_FLOW_NOT_LINKED;
  {
    GstPad *peer = gst_pad_get_peer (self->srcpad);
    gboolean negotiated = peer != NULL && gst_pad_has_current_caps (peer);

    gst_clear_object (&peer);
    if (!negotiated) {
      GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
          ("Downstream did not accept the stream while the gate was closed "
           "(mode=drop)"),
          ("the GAP event standing in for a dropped buffer was refused and "
           "downstream has no caps: check the elements after ratinggate"));
      return GST_FLOW_NOT_NEGOTIATED;
    }
  }
  GST_WARNING_OBJECT (self, "downstream refused a GAP event");
  return GST_FLOW_OK;
}

/* ---- openings ---------------------------------------------------------- */

static gboolean
copy_rating_event (GstPad *pad, GstEvent **event, gpointer user_data)
{
  GstEvent **found = user_data;

  if (ws_rating_event_is (*event)) {
    gst_event_replace (found, *event);
    return FALSE;
  }
  return TRUE;
}

/* Announces that the gate opens: before the first buffer that passes
 * after blocked ones, a `watershed-programme-start` event goes downstream
 * (serialized, so it arrives just before that buffer, through queues and
 * encoders alike), followed by the current rating event once more, so an
 * element that starts a new programme on it (ratingsignal) keeps the
 * rating. Call with @passes whether any of the buffer about to go out
 * passes and @ends_blocked whether its end is blocked. */
static void
announce_opening (WsRatingGate *self, gboolean passes, gboolean ends_blocked)
{
  if (self->out_blocked && passes) {
    GstEvent *start = ws_programme_start_event_new ();
    GstEvent *rating = NULL;
    GstEvent *up = ws_programme_start_upstream_event_new ();
    gchar *name = gst_object_get_name (GST_OBJECT_CAST (self));

    gst_structure_set (gst_event_writable_structure (start), "opened-by",
        G_TYPE_STRING, name, NULL);
    gst_structure_set (gst_event_writable_structure (up), "opened-by",
        G_TYPE_STRING, name, NULL);
    g_free (name);
    GST_INFO_OBJECT (self, "the gate opens: announcing the programme start");
    /* upstream too, for an overlay before the gate (ratingoverlay !
     * ratinggate): not serialized, it starts its showing at its next
     * frame */
    gst_pad_push_event (self->sinkpad, up);
    gst_pad_push_event (self->srcpad, start);
    gst_pad_sticky_events_foreach (self->srcpad, copy_rating_event, &rating);
    if (rating != NULL) {
      /* a new event, so the pad sends it on again */
      gst_pad_push_event (self->srcpad, gst_event_copy (rating));
      gst_event_unref (rating);
    }
  }
  self->out_blocked = ends_blocked;
}

/* audio in slate (or monitor) mode whose buffer crosses the end of the
 * cached decision: cut at the boundary sample (monitor: decide and report
 * at that sample, pass the buffer untouched) */
static GstFlowReturn
chain_audio_split (WsRatingGate *self, GstBuffer *buf, gint64 instant_ns,
    GstClockTime pts, GstClockTime rt, gboolean monitor)
{
  gint rate = GST_AUDIO_INFO_RATE (&self->ainfo);
  gint bpf = GST_AUDIO_INFO_BPF (&self->ainfo);
  guint64 n = gst_buffer_get_size (buf) / (guint64) bpf, s = 0;
  guint64 from[8], to[8];
  guint n_ranges = 0, i;
  guint64 blocked = 0;
  gint64 prev_until = G_MININT64;

  while (s < n) {
    gint64 at = instant_ns +
                (gint64) gst_util_uint64_scale_int (s, GST_SECOND, rate);
    guint64 e = n;

    /* sample s was found to be at or past the previous boundary; the
     * buffer's start instant is rounded down, so do not let rounding put
     * it a nanosecond before */
    if (s > 0 && at < prev_until)
      at = prev_until;
    ensure_decision (self, TRUE, at,
        GST_CLOCK_TIME_IS_VALID (pts) ? pts + (at - instant_ns) :
                                        GST_CLOCK_TIME_NONE,
        rt + (at - instant_ns),
        gst_util_uint64_scale_int (n - s, GST_SECOND, rate));
    prev_until = self->valid_until_ns;
    if (prev_until != G_MAXINT64) {
      gint64 left = prev_until - instant_ns;

      /* the first sample s with instant + s / rate >= the boundary, with
       * the start instant up to 1 ns early from rounding */
      if (left <= 0)
        e = s + 1;
      else
        e = gst_util_uint64_scale_int ((guint64) left - 1, rate, GST_SECOND) +
            1;
      e = CLAMP (e, s + 1, n);
    }
    if (!self->allowed) {
      if (n_ranges > 0 && to[n_ranges - 1] == s)
        to[n_ranges - 1] = e;
      else if (n_ranges < G_N_ELEMENTS (from)) {
        from[n_ranges] = s;
        to[n_ranges] = e;
        n_ranges++;
      } else {
        to[n_ranges - 1] = e; /* silence a little more, never less */
      }
      blocked += e - s;
    }
    s = e;
  }

  announce_opening (self, monitor || blocked < n, !monitor && !self->allowed);
  if (blocked == 0 || monitor)
    return gst_pad_push (self->srcpad, buf);
  if (blocked >= n)
    return gst_pad_push (self->srcpad, silence_buffer (self, buf));
  buf = gst_buffer_make_writable (buf);
  for (i = 0; i < n_ranges; i++) {
    if (!silence_range (self, buf, from[i], to[i])) {
      GST_ELEMENT_ERROR (self, STREAM, FAILED,
          ("Could not map an audio buffer to silence it"), (NULL));
      gst_buffer_unref (buf);
      return GST_FLOW_ERROR;
    }
  }
  return gst_pad_push (self->srcpad, buf);
}

static GstFlowReturn
ws_rating_gate_chain (GstPad *pad, GstObject *parent, GstBuffer *buf)
{
  WsRatingGate *self = WS_RATING_GATE (parent);
  GstClockTime pts = GST_BUFFER_PTS (buf), dur = GST_BUFFER_DURATION (buf);
  GstClockTime rt = GST_CLOCK_TIME_NONE;
  gint64 instant_ns = 0;
  gboolean have_time;
  WsRatingGateMode mode;

  if (G_UNLIKELY (!self->have_caps)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("ratinggate got a buffer before its caps"),
        ("the upstream element must send a caps event first"));
    gst_buffer_unref (buf);
    return GST_FLOW_NOT_NEGOTIATED;
  }
  if (G_UNLIKELY (self->policy == NULL)) {
    gst_buffer_unref (buf);
    return GST_FLOW_FLUSHING;
  }
  if (G_UNLIKELY (g_atomic_int_get (&self->settings_dirty)))
    refresh_settings (self);
  if (G_UNLIKELY (g_atomic_int_get (&self->override_dirty)))
    refresh_override (self);
  mode = (WsRatingGateMode) g_atomic_int_get (&self->mode);
  if (G_UNLIKELY (mode != self->dec_mode)) {
    /* a new mode is reported (and logged) like a new decision */
    self->dec_mode = mode;
    self->have_decision = FALSE;
  }

  if (!self->is_video && !GST_CLOCK_TIME_IS_VALID (dur) &&
      GST_AUDIO_INFO_BPF (&self->ainfo) > 0 &&
      GST_AUDIO_INFO_RATE (&self->ainfo) > 0)
    dur = gst_util_uint64_scale_int (gst_buffer_get_size (buf) /
                                         GST_AUDIO_INFO_BPF (&self->ainfo),
        GST_SECOND, GST_AUDIO_INFO_RATE (&self->ainfo));

  if (GST_CLOCK_TIME_IS_VALID (pts))
    rt = gst_segment_to_running_time (&self->segment, GST_FORMAT_TIME, pts);
  if (!GST_CLOCK_TIME_IS_VALID (rt))
    rt = GST_CLOCK_TIME_IS_VALID (self->next_rt) ? self->next_rt : 0;
  self->next_rt = GST_CLOCK_TIME_IS_VALID (dur) ? rt + dur : rt;

  have_time = buffer_instant (self, buf, rt, &instant_ns);
  ensure_decision (self, have_time, instant_ns, pts, rt, dur);
  if (have_time) {
    self->have_end = TRUE;
    self->end_ns = instant_ns +
                   (GST_CLOCK_TIME_IS_VALID (dur) ? (gint64) dur : 0);
    self->end_rt = self->next_rt;
  }

  /* audio in slate or monitor mode crossing the end of the decision: cut */
  if (!self->is_video && have_time && mode != WS_RATING_GATE_MODE_DROP &&
      GST_CLOCK_TIME_IS_VALID (dur) && self->valid_until_ns != G_MAXINT64 &&
      instant_ns + (gint64) dur > self->valid_until_ns)
    return chain_audio_split (self, buf, instant_ns, pts, rt,
        mode == WS_RATING_GATE_MODE_MONITOR);

  {
    gboolean passes = self->allowed || (mode != WS_RATING_GATE_MODE_SLATE &&
                                           mode != WS_RATING_GATE_MODE_DROP);

    announce_opening (self, passes, !passes);
  }
  /* monitor: decided and reported above, never blocked */
  if (G_LIKELY (self->allowed) || mode == WS_RATING_GATE_MODE_MONITOR)
    return gst_pad_push (self->srcpad, buf);
  if (mode == WS_RATING_GATE_MODE_DROP)
    return push_gap (self, buf);
  if (self->is_video) {
    buf = slate_buffer (self, buf);
    if (buf == NULL)
      return GST_FLOW_NOT_NEGOTIATED;
    return gst_pad_push (self->srcpad, buf);
  }
  return gst_pad_push (self->srcpad, silence_buffer (self, buf));
}

static void
clear_rating (WsRatingGate *self)
{
  g_clear_pointer (&self->rating, ws_rating_free);
  resolve_rating (self);
  self->have_decision = FALSE;
}

static gboolean
ws_rating_gate_sink_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  WsRatingGate *self = WS_RATING_GATE (parent);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS: {
      GstCaps *caps;
      const GstStructure *s;

      gst_event_parse_caps (event, &caps);
      s = gst_caps_get_structure (caps, 0);
      if (gst_structure_has_name (s, "video/x-raw")) {
        if (!gst_video_info_from_caps (&self->vinfo, caps))
          goto bad_caps;
        self->is_video = TRUE;
      } else {
        if (!gst_audio_info_from_caps (&self->ainfo, caps))
          goto bad_caps;
        self->is_video = FALSE;
      }
      self->have_caps = TRUE;
      gst_buffer_replace (&self->slate, NULL);
      g_clear_pointer (&self->silence, gst_memory_unref);
      GST_DEBUG_OBJECT (self, "caps %" GST_PTR_FORMAT, caps);
      break;
    bad_caps:
      GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
          ("ratinggate cannot use the caps %" GST_PTR_FORMAT, caps),
          ("raw video or raw audio with complete caps is needed"));
      gst_event_unref (event);
      return FALSE;
    }
    case GST_EVENT_SEGMENT:
      gst_event_copy_segment (event, &self->segment);
      if (self->segment.format != GST_FORMAT_TIME) {
        GST_ELEMENT_ERROR (self, STREAM, FORMAT,
            ("ratinggate needs a TIME segment, got %s",
                gst_format_get_name (self->segment.format)),
            ("put a parser or decoder before ratinggate"));
        gst_event_unref (event);
        return FALSE;
      }
      break;
    case GST_EVENT_STREAM_START: {
      const gchar *id = NULL;

      gst_event_parse_stream_start (event, &id);
      if (self->stream_id != NULL && g_strcmp0 (id, self->stream_id) != 0) {
        GST_DEBUG_OBJECT (self, "new stream %s: forgetting the rating", id);
        clear_rating (self);
      }
      g_free (self->stream_id);
      self->stream_id = g_strdup (id);
      break;
    }
    case GST_EVENT_EOS:
      /* the as-run log says the stream ended, durably, before EOS goes on */
      log_end (self, "the stream ended: nothing aired through the gate "
                     "after this");
      if (self->log != NULL)
        ws_asrun_writer_sync (self->log);
      break;
    case GST_EVENT_FLUSH_STOP:
      gst_segment_init (&self->segment, GST_FORMAT_TIME);
      self->next_rt = GST_CLOCK_TIME_NONE;
      self->have_ref = FALSE;
      self->have_decision = FALSE;
      break;
    case GST_EVENT_CUSTOM_DOWNSTREAM_STICKY:
      if (ws_rating_event_is (event)) {
        g_clear_pointer (&self->rating, ws_rating_free);
        self->rating = ws_rating_event_parse (event, NULL);
        resolve_rating (self);
        self->have_decision = FALSE;
        GST_INFO_OBJECT (self, "rating %s%s%s",
            GST_STR_NULL (self->rating_name), self->rating_problem ? ": " : "",
            self->rating_problem ? self->rating_problem : "");
      }
      break;
    default:
      break;
  }
  return gst_pad_event_default (pad, parent, event);
}

static gboolean
ws_rating_gate_src_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  WsRatingGate *self = WS_RATING_GATE (parent);

  if (GST_EVENT_TYPE (event) == GST_EVENT_LATENCY) {
    GstClockTime latency;

    gst_event_parse_latency (event, &latency);
    GST_OBJECT_LOCK (self);
    self->latency = GST_CLOCK_TIME_IS_VALID (latency) ? latency : 0;
    GST_OBJECT_UNLOCK (self);
  }
  return gst_pad_event_default (pad, parent, event);
}

/* ---- start / stop ------------------------------------------------------ */

/* A policy that cannot be used: not found (no such id or file), not
 * readable, or a file that is not a valid policy. */
static void
post_policy_error (WsRatingGate *self, const gchar *policy_id, GError *err)
{
  if (g_error_matches (err, WS_ERROR, WS_ERROR_NOT_FOUND))
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
        ("Could not load the policy \"%s\": %s", policy_id, err->message),
        (NULL));
  else if (g_error_matches (err, WS_ERROR, WS_ERROR_IO))
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ,
        ("Could not load the policy \"%s\": %s", policy_id, err->message),
        (NULL));
  else
    GST_ELEMENT_ERROR (self, RESOURCE, READ,
        ("Could not load the policy \"%s\": %s", policy_id, err->message),
        ("the file is not a valid policy: fix it or give a policy id"));
}

static gboolean
ws_rating_gate_start (WsRatingGate *self)
{
  gchar *policy_id, *start_time, *log_path, *service_class, *territory;
  gchar *name = gst_object_get_name (GST_OBJECT (self));
  WsAsRunOptions log_opts = { .element = name };
  GError *err = NULL;
  gboolean ok = FALSE;

  GST_OBJECT_LOCK (self);
  policy_id = g_strdup (self->policy_id);
  start_time = g_strdup (self->start_time);
  log_path = g_strdup (self->as_run_log);
  log_opts.rotate_size_bytes = self->as_run_rotate_size;
  log_opts.rotate_daily = self->as_run_rotate_daily;
  service_class = g_strdup (self->service_class);
  territory = g_strdup (self->territory);
  self->clock_mode = self->clock;
  GST_OBJECT_UNLOCK (self);

  /* an unknown territory would match no rating, or every one: refuse it */
  if (territory != NULL && ws_territory_normalise (territory) == NULL) {
    gchar *shown = ws_utf8_cut (territory, WS_XML_MAX_QUOTED_CHARS);

    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("territory \"%s\" is not an ISO 3166-1 country code; give one "
         "such as GB, DE or FR",
            shown),
        (NULL));
    g_free (shown);
    g_free (territory);
    g_free (policy_id);
    g_free (start_time);
    g_free (log_path);
    g_free (service_class);
    g_free (name);
    return FALSE;
  }
  g_free (territory);

  if (policy_id == NULL || *policy_id == '\0') {
    gchar **ids = ws_policy_list_ids (NULL);
    gchar *list = ids != NULL ? g_strjoinv (", ", ids) : g_strdup ("none");

    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("ratinggate needs a policy: set policy to a policy id (%s) or a "
         "policy file",
            list),
        (NULL));
    g_free (list);
    g_strfreev (ids);
    goto end;
  }
  self->policy = ws_policy_load (policy_id, NULL, &err);
  if (self->policy == NULL) {
    post_policy_error (self, policy_id, err);
    goto end;
  }
  if (service_class != NULL &&
      !ws_policy_has_service_class (self->policy, service_class)) {
    GString *list = g_string_new (NULL);
    guint i;

    for (i = 0; i < ws_policy_get_n_service_classes (self->policy); i++)
      g_string_append_printf (list, "%s%s", i ? ", " : "",
          ws_policy_get_service_class (self->policy, i));
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("The policy %s has no service class \"%s\"; use one of: %s",
            ws_policy_get_id (self->policy), service_class, list->str),
        (NULL));
    g_string_free (list, TRUE);
    goto end;
  }
  if (self->clock_mode == WS_RATING_GATE_CLOCK_SCHEDULED) {
    gint64 us;

    if (start_time == NULL || *start_time == '\0') {
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
          ("clock=scheduled needs start-time, the ISO 8601 instant of "
           "running time 0 (such as 2026-07-01T20:59:50+01:00)"),
          (NULL));
      goto end;
    }
    if (!ws_policy_parse_time (self->policy, start_time, &us, &err)) {
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
          ("start-time \"%s\": %s", start_time, err->message),
          ("use ISO 8601 such as 2026-07-01T20:59:50+01:00"));
      goto end;
    }
    self->start_ns = us * 1000;
  }
  if (log_path != NULL && *log_path != '\0') {
    gssize cut = 0;

    /* the path first: the writer thread's error callback names it */
    self->log_path = g_strdup (log_path);
    self->log = ws_asrun_writer_open_full (log_path, &log_opts, as_run_failed,
        self, &cut, &err);
    if (self->log == NULL) {
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE,
          ("Could not open the as-run log \"%s\": %s", log_path, err->message),
          (NULL));
      goto end;
    }
    /* a torn last line (the process died mid-write) was cut, so the next
     * decision does not get glued to it */
    {
      if (cut > 0)
        GST_ELEMENT_WARNING (self, RESOURCE, WRITE,
            ("The as-run log \"%s\" ended with an incomplete line of "
             "%" G_GSSIZE_FORMAT " bytes; it was removed",
                log_path, cut),
            (NULL));
      else if (cut < 0)
        GST_WARNING_OBJECT (self, "cannot check the end of %s: %s", log_path,
            g_strerror (errno));
    }
  }

  gst_segment_init (&self->segment, GST_FORMAT_TIME);
  self->next_rt = GST_CLOCK_TIME_NONE;
  self->have_decision = FALSE;
  self->have_end = FALSE;
  self->reported = FALSE;
  self->have_ref = FALSE;
  self->out_blocked = FALSE;
  g_atomic_int_set (&self->settings_dirty, 1);
  g_atomic_int_set (&self->override_dirty, 1);
  self->dec_mode = (WsRatingGateMode) g_atomic_int_get (&self->mode);
  ok = TRUE;

end:
  g_clear_error (&err);
  g_free (policy_id);
  g_free (start_time);
  g_free (log_path);
  g_free (service_class);
  g_free (name);
  return ok;
}

static void
ws_rating_gate_stop (WsRatingGate *self)
{
  gboolean was_allowed;

  log_end (self, "the gate stopped: nothing aired through it after this");
  /* writes what is queued, fsync()s and joins the writer thread */
  g_clear_pointer (&self->log, ws_asrun_writer_close);
  g_clear_pointer (&self->log_path, g_free);
  g_clear_pointer (&self->cur_operator, g_free);
  g_clear_pointer (&self->cur_override_reason, g_free);
  g_clear_pointer (&self->cur_override_set_at, g_free);
  g_clear_pointer (&self->override_text, g_free);
  self->cur_override = WS_RATING_GATE_OVERRIDE_NONE;
  self->rep_override = WS_RATING_GATE_OVERRIDE_NONE;
  /* a stopped gate passes nothing */
  GST_OBJECT_LOCK (self);
  was_allowed = self->pub_allowed;
  self->pub_allowed = FALSE;
  self->pub_next_change_us = WS_TIME_NONE;
  g_clear_pointer (&self->pub_next_change, g_free);
  GST_OBJECT_UNLOCK (self);
  if (was_allowed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOWED]);
  g_clear_pointer (&self->rating, ws_rating_free);
  resolve_rating (self);
  g_clear_pointer (&self->policy, ws_policy_free);
  g_clear_pointer (&self->cur_class, g_free);
  g_clear_pointer (&self->stream_id, g_free);
  g_clear_pointer (&self->rep_rule, g_free);
  g_clear_pointer (&self->rep_rating, g_free);
  g_clear_pointer (&self->want_text, g_free);
  g_clear_pointer (&self->slate_text_used, g_free);
  gst_buffer_replace (&self->slate, NULL);
  g_clear_pointer (&self->silence, gst_memory_unref);
  ws_wall_clock_clear (&self->wall);
  self->cur_territory = NULL;
  self->have_caps = FALSE;
  self->have_decision = FALSE;
  self->reported = FALSE;
  self->rule = NULL;
  self->reason = NULL;
}

static GstStateChangeReturn
ws_rating_gate_change_state (GstElement *element, GstStateChange transition)
{
  WsRatingGate *self = WS_RATING_GATE (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED &&
      !ws_rating_gate_start (self)) {
    ws_rating_gate_stop (self);
    return GST_STATE_CHANGE_FAILURE;
  }
  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    ws_rating_gate_stop (self);
  return ret;
}

/* ---- GObject ----------------------------------------------------------- */

/* UTF-8, and NULL for an empty string */
static gchar *
dup_text (const gchar *t)
{
  return t != NULL && *t != '\0' ? g_utf8_make_valid (t, -1) : NULL;
}

/* the object lock is held */
static void
override_changed (WsRatingGate *self)
{
  self->override_set_us = g_get_real_time ();
  self->override_serial++;
  g_atomic_int_set (&self->override_dirty, 1);
}

/* The set-override action signal: all three at once, so the streaming
 * thread never sees half of an override. */
static gboolean
ws_rating_gate_set_override (WsRatingGate *self, const gchar *state,
    const gchar *operator_name, const gchar *reason)
{
  GEnumClass *klass;
  GEnumValue *v;
  WsRatingGateOverride o;

  klass = g_type_class_ref (WS_TYPE_RATING_GATE_OVERRIDE);
  v = state != NULL ? g_enum_get_value_by_nick (klass, state) : NULL;
  o = v != NULL ? (WsRatingGateOverride) v->value : DEFAULT_OVERRIDE;
  g_type_class_unref (klass);
  if (v == NULL) {
    GST_WARNING_OBJECT (self,
        "set-override: \"%s\" is not none, open or "
        "closed; nothing changed",
        GST_STR_NULL (state));
    return FALSE;
  }
  if (o == WS_RATING_GATE_OVERRIDE_OPEN &&
      (operator_name == NULL || *operator_name == '\0' || reason == NULL ||
          *reason == '\0')) {
    GST_WARNING_OBJECT (self, "set-override: open needs an operator and a "
                              "reason; nothing changed");
    return FALSE;
  }

  GST_OBJECT_LOCK (self);
  self->override = o;
  g_free (self->override_operator);
  self->override_operator = dup_text (operator_name);
  g_free (self->override_reason);
  self->override_reason = dup_text (reason);
  override_changed (self);
  GST_OBJECT_UNLOCK (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OVERRIDE]);
  g_object_notify_by_pspec (G_OBJECT (self),
      properties[PROP_OVERRIDE_OPERATOR]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OVERRIDE_REASON]);
  return TRUE;
}

static void
ws_rating_gate_set_property (GObject *object, guint prop_id,
    const GValue *value, GParamSpec *pspec)
{
  WsRatingGate *self = WS_RATING_GATE (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_POLICY:
      g_free (self->policy_id);
      self->policy_id = g_value_dup_string (value);
      break;
    case PROP_SERVICE_CLASS:
      g_free (self->service_class);
      self->service_class = g_value_dup_string (value);
      if (self->service_class != NULL && *self->service_class == '\0')
        g_clear_pointer (&self->service_class, g_free);
      g_atomic_int_set (&self->settings_dirty, 1);
      break;
    case PROP_TERRITORY:
      g_free (self->territory);
      self->territory = g_value_dup_string (value);
      if (self->territory != NULL && *self->territory == '\0')
        g_clear_pointer (&self->territory, g_free);
      g_atomic_int_set (&self->settings_dirty, 1);
      break;
    case PROP_ACCESS:
      self->access = g_value_get_flags (value);
      g_atomic_int_set (&self->settings_dirty, 1);
      break;
    case PROP_CLOCK:
      self->clock = (WsRatingGateClock) g_value_get_enum (value);
      break;
    case PROP_START_TIME:
      g_free (self->start_time);
      self->start_time = g_value_dup_string (value);
      break;
    case PROP_MODE:
      g_atomic_int_set (&self->mode, g_value_get_enum (value));
      break;
    case PROP_SLATE_IMAGE:
      g_free (self->slate_image);
      self->slate_image = g_value_dup_string (value);
      g_atomic_int_set (&self->slate_dirty, 1);
      break;
    case PROP_SLATE_TEXT: {
      const gchar *t = g_value_get_string (value);

      g_free (self->slate_text);
      self->slate_text = t != NULL ? g_utf8_make_valid (t, -1) : NULL;
      /* the text is made at the next decision */
      g_atomic_int_set (&self->settings_dirty, 1);
      break;
    }
    case PROP_UNRATED_ACTION:
      self->unrated_action = (WsRatingGateUnratedAction) g_value_get_enum (
          value);
      g_atomic_int_set (&self->settings_dirty, 1);
      break;
    case PROP_AS_RUN_LOG:
      g_free (self->as_run_log);
      self->as_run_log = g_value_dup_string (value);
      break;
    case PROP_AS_RUN_ROTATE_SIZE:
      self->as_run_rotate_size = g_value_get_uint64 (value);
      break;
    case PROP_AS_RUN_ROTATE_DAILY:
      self->as_run_rotate_daily = g_value_get_boolean (value);
      break;
    case PROP_AS_RUN_CHANNEL:
      g_free (self->as_run_channel);
      self->as_run_channel = g_value_dup_string (value);
      break;
    case PROP_POST_MESSAGES:
      self->post_messages = g_value_get_boolean (value);
      break;
    case PROP_OVERRIDE:
      self->override = (WsRatingGateOverride) g_value_get_enum (value);
      override_changed (self);
      break;
    case PROP_OVERRIDE_OPERATOR:
      g_free (self->override_operator);
      self->override_operator = dup_text (g_value_get_string (value));
      override_changed (self);
      break;
    case PROP_OVERRIDE_REASON:
      g_free (self->override_reason);
      self->override_reason = dup_text (g_value_get_string (value));
      override_changed (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
ws_rating_gate_get_property (GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec)
{
  WsRatingGate *self = WS_RATING_GATE (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_POLICY:
      g_value_set_string (value, self->policy_id);
      break;
    case PROP_SERVICE_CLASS:
      g_value_set_string (value, self->service_class);
      break;
    case PROP_TERRITORY:
      g_value_set_string (value, self->territory);
      break;
    case PROP_ACCESS:
      g_value_set_flags (value, self->access);
      break;
    case PROP_CLOCK:
      g_value_set_enum (value, self->clock);
      break;
    case PROP_START_TIME:
      g_value_set_string (value, self->start_time);
      break;
    case PROP_MODE:
      g_value_set_enum (value, g_atomic_int_get (&self->mode));
      break;
    case PROP_SLATE_IMAGE:
      g_value_set_string (value, self->slate_image);
      break;
    case PROP_SLATE_TEXT:
      g_value_set_string (value, self->slate_text);
      break;
    case PROP_UNRATED_ACTION:
      g_value_set_enum (value, self->unrated_action);
      break;
    case PROP_AS_RUN_LOG:
      g_value_set_string (value, self->as_run_log);
      break;
    case PROP_AS_RUN_ROTATE_SIZE:
      g_value_set_uint64 (value, self->as_run_rotate_size);
      break;
    case PROP_AS_RUN_ROTATE_DAILY:
      g_value_set_boolean (value, self->as_run_rotate_daily);
      break;
    case PROP_AS_RUN_CHANNEL:
      g_value_set_string (value, self->as_run_channel);
      break;
    case PROP_POST_MESSAGES:
      g_value_set_boolean (value, self->post_messages);
      break;
    case PROP_OVERRIDE:
      g_value_set_enum (value, self->override);
      break;
    case PROP_OVERRIDE_OPERATOR:
      g_value_set_string (value, self->override_operator);
      break;
    case PROP_OVERRIDE_REASON:
      g_value_set_string (value, self->override_reason);
      break;
    case PROP_ALLOWED:
      g_value_set_boolean (value, self->pub_allowed);
      break;
    case PROP_NEXT_CHANGE:
      g_value_set_string (value, self->pub_next_change);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
ws_rating_gate_finalize (GObject *object)
{
  WsRatingGate *self = WS_RATING_GATE (object);

  ws_rating_gate_stop (self);
  g_free (self->policy_id);
  g_free (self->service_class);
  g_free (self->territory);
  g_free (self->start_time);
  g_free (self->slate_image);
  g_free (self->slate_text);
  g_free (self->as_run_log);
  g_free (self->as_run_channel);
  g_free (self->override_operator);
  g_free (self->override_reason);
  gst_caps_unref (self->unix_caps);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
ws_rating_gate_class_init (WsRatingGateClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (ratinggate_debug, "ratinggate", 0,
      "watershed rating gate");

  gobject_class->set_property = ws_rating_gate_set_property;
  gobject_class->get_property = ws_rating_gate_get_property;
  gobject_class->finalize = ws_rating_gate_finalize;

  g_object_class_install_property (gobject_class, PROP_POLICY,
      g_param_spec_string ("policy", "Policy",
          "The time-slot policy: an id (uk-ofcom, de-jmstv, fr-arcom ...) or "
          "the path of a policy XML file",
          DEFAULT_POLICY,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_SERVICE_CLASS,
      g_param_spec_string ("service-class", "Service Class",
          "The policy's service class of this channel (free-to-air, pay-pin, "
          "vod ...); NULL = the policy's default class",
          DEFAULT_SERVICE_CLASS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_TERRITORY,
      g_param_spec_string ("territory", "Territory",
          "ISO 3166-1 code of the audience (an unknown code is an error); "
          "a rating event for another territory counts as unrated. "
          "NULL = the policy's jurisdiction",
          DEFAULT_TERRITORY,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_ACCESS,
      g_param_spec_flags ("access", "Access",
          "The access control protecting the content on this service",
          WS_TYPE_RATING_GATE_ACCESS, DEFAULT_ACCESS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_CLOCK,
      g_param_spec_enum ("clock", "Clock",
          "Where the civil time of a buffer comes from",
          WS_TYPE_RATING_GATE_CLOCK, DEFAULT_CLOCK,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_START_TIME,
      g_param_spec_string ("start-time", "Start Time",
          "For clock=scheduled: the ISO 8601 instant of running time 0 "
          "(2026-07-01T20:59:50+01:00; without an offset it is the policy's "
          "local time)",
          DEFAULT_START_TIME,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_MODE,
      g_param_spec_enum ("mode", "Mode",
          "What a closed gate outputs (monitor: nothing is blocked)",
          WS_TYPE_RATING_GATE_MODE, DEFAULT_MODE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_SLATE_IMAGE,
      g_param_spec_string ("slate-image", "Slate Image",
          "Path of a PNG image shown on blocked video, scaled to fit on "
          "black; NULL = black",
          DEFAULT_SLATE_IMAGE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_SLATE_TEXT,
      g_param_spec_string ("slate-text", "Slate Text",
          "Message drawn centred on blocked video; %s becomes the next "
          "allowed local time (21:00), %% a percent sign; empty = no text",
          DEFAULT_SLATE_TEXT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_UNRATED_ACTION,
      g_param_spec_enum ("unrated-action", "Unrated Action",
          "What happens to content with no rating, an unknown or an unrated "
          "one",
          WS_TYPE_RATING_GATE_UNRATED_ACTION, DEFAULT_UNRATED_ACTION,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_AS_RUN_LOG,
      g_param_spec_string ("as-run-log", "As-Run Log",
          "Path of a file that gets one JSON line per decision change "
          "(appended and fsync'd by a writer thread, durable at EOS and "
          "stop; a line that cannot be written whole is cut back and is an "
          "element error; lines dropped on a full queue are counted in the "
          "log); NULL = none",
          DEFAULT_AS_RUN_LOG,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_AS_RUN_ROTATE_SIZE,
      g_param_spec_uint64 ("as-run-rotate-size", "As-Run Rotate Size",
          "Start a new as-run log file before a line would make it larger "
          "than this many bytes (the old one is renamed to "
          "LOG.YYYYMMDDTHHMMSSZ and named, with its last hash, in the new "
          "one's header); 0 = never",
          0, G_MAXUINT64, DEFAULT_AS_RUN_ROTATE_SIZE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_AS_RUN_ROTATE_DAILY,
      g_param_spec_boolean ("as-run-rotate-daily", "As-Run Rotate Daily",
          "Start a new as-run log file on the first line of each UTC day "
          "(renamed and linked as for as-run-rotate-size)",
          DEFAULT_AS_RUN_ROTATE_DAILY,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_AS_RUN_CHANNEL,
      g_param_spec_string ("as-run-channel", "As-Run Channel",
          "The channel the as-run lines are about (their `channel` key, "
          "what `watershed asrun report` groups by); NULL = the element's "
          "name",
          NULL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_POST_MESSAGES,
      g_param_spec_boolean ("post-messages", "Post Messages",
          "Post a \"ratinggate\" element message on every decision change",
          DEFAULT_POST_MESSAGES,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING));

  properties[PROP_OVERRIDE] = g_param_spec_enum ("override", "Override",
      "An operator's override of the policy: open (needs override-operator "
      "and override-reason, or it is not applied), closed, or none; applied "
      "from the next buffer and recorded in the as-run log and messages",
      WS_TYPE_RATING_GATE_OVERRIDE, DEFAULT_OVERRIDE,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);
  properties[PROP_OVERRIDE_OPERATOR] = g_param_spec_string ("override-operator",
      "Override Operator",
      "Who sets the override (a name or id), recorded with it; set it "
      "before override, or use the set-override action signal",
      DEFAULT_OVERRIDE_OPERATOR,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);
  properties[PROP_OVERRIDE_REASON] = g_param_spec_string ("override-reason",
      "Override Reason",
      "Why the override is set, recorded with it; set it before override, "
      "or use the set-override action signal",
      DEFAULT_OVERRIDE_REASON,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);
  properties[PROP_ALLOWED] = g_param_spec_boolean ("allowed", "Allowed",
      "The decision in force: TRUE when the content may be shown now (in "
      "mode=monitor buffers pass either way); FALSE before the first buffer "
      "and when stopped; notify::allowed on every change",
      FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NEXT_CHANGE] = g_param_spec_string ("next-change",
      "Next Change",
      "When the decision in force changes next, in programme time (the "
      "clock property's civil time): ISO 8601 with the policy zone's offset "
      "(2026-07-01T21:00:00+01:00); NULL when it never does, under an "
      "override, or before the first buffer",
      NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_property (gobject_class, PROP_OVERRIDE,
      properties[PROP_OVERRIDE]);
  g_object_class_install_property (gobject_class, PROP_OVERRIDE_OPERATOR,
      properties[PROP_OVERRIDE_OPERATOR]);
  g_object_class_install_property (gobject_class, PROP_OVERRIDE_REASON,
      properties[PROP_OVERRIDE_REASON]);
  g_object_class_install_property (gobject_class, PROP_ALLOWED,
      properties[PROP_ALLOWED]);
  g_object_class_install_property (gobject_class, PROP_NEXT_CHANGE,
      properties[PROP_NEXT_CHANGE]);

  /**
   * WsRatingGate::set-override:
   * @gate: the gate
   * @state: "open", "closed" or "none"
   * @operator: who forces the gate (needed for "open")
   * @reason: why (needed for "open")
   *
   * Sets #WsRatingGate:override, #WsRatingGate:override-operator and
   * #WsRatingGate:override-reason at once; applied from the next buffer.
   *
   * Returns: %TRUE when set; %FALSE (nothing changed) when @state is not
   *   one of the three, or "open" lacks an operator or a reason.
   */
  signals[SIGNAL_SET_OVERRIDE] = g_signal_new_class_handler ("set-override",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (ws_rating_gate_set_override), NULL, NULL, NULL,
      G_TYPE_BOOLEAN, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);

  element_class->change_state = ws_rating_gate_change_state;

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "Rating gate",
      "Filter/Video;Filter/Audio",
      "Passes a programme only in the time slots its rating allows; shows a "
      "slate and silence otherwise (mode=monitor: decides and reports but "
      "never blocks). Operator control: override, override-operator, "
      "override-reason or the set-override action signal; poll allowed and "
      "next-change. Bus: a \"ratinggate\" element message on every change "
      "of decision with timestamp, stream-time, running-time, duration "
      "(guint64 ns), allowed (gboolean), reason, rule, rating, instant, "
      "next-change (ISO 8601), kind, policy, service-class, mode and, under "
      "an override, override, operator, override-reason, override-set-at "
      "(strings). Downstream, before the first buffer that passes after "
      "blocked ones, a watershed-programme-start event (field opened-by), "
      "then the rating event again: put ratingoverlay after the gate "
      "(ratingtag ! ratinggate ! ratingoverlay) so the badge is shown when "
      "the programme is seen. See docs/ratinggate.md",
      "watershed");

  gst_type_mark_as_plugin_api (WS_TYPE_RATING_GATE_CLOCK, 0);
  gst_type_mark_as_plugin_api (WS_TYPE_RATING_GATE_MODE, 0);
  gst_type_mark_as_plugin_api (WS_TYPE_RATING_GATE_OVERRIDE, 0);
  gst_type_mark_as_plugin_api (WS_TYPE_RATING_GATE_UNRATED_ACTION, 0);
  gst_type_mark_as_plugin_api (WS_TYPE_RATING_GATE_ACCESS, 0);
}

static void
ws_rating_gate_init (WsRatingGate *self)
{
  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (ws_rating_gate_chain));
  gst_pad_set_event_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (ws_rating_gate_sink_event));
  GST_PAD_SET_PROXY_CAPS (self->sinkpad);
  GST_PAD_SET_PROXY_ALLOCATION (self->sinkpad);
  GST_PAD_SET_PROXY_SCHEDULING (self->sinkpad);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_set_event_function (self->srcpad,
      GST_DEBUG_FUNCPTR (ws_rating_gate_src_event));
  GST_PAD_SET_PROXY_CAPS (self->srcpad);
  GST_PAD_SET_PROXY_ALLOCATION (self->srcpad);
  GST_PAD_SET_PROXY_SCHEDULING (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);

  self->policy_id = g_strdup (DEFAULT_POLICY);
  self->service_class = g_strdup (DEFAULT_SERVICE_CLASS);
  self->territory = g_strdup (DEFAULT_TERRITORY);
  self->access = DEFAULT_ACCESS;
  self->clock = DEFAULT_CLOCK;
  self->start_time = g_strdup (DEFAULT_START_TIME);
  self->mode = DEFAULT_MODE;
  self->slate_image = g_strdup (DEFAULT_SLATE_IMAGE);
  self->slate_text = g_strdup (DEFAULT_SLATE_TEXT);
  self->unrated_action = DEFAULT_UNRATED_ACTION;
  self->as_run_log = g_strdup (DEFAULT_AS_RUN_LOG);
  self->as_run_rotate_size = DEFAULT_AS_RUN_ROTATE_SIZE;
  self->as_run_rotate_daily = DEFAULT_AS_RUN_ROTATE_DAILY;
  self->post_messages = DEFAULT_POST_MESSAGES;
  self->latency = 0;
  self->override = DEFAULT_OVERRIDE;
  self->override_operator = g_strdup (DEFAULT_OVERRIDE_OPERATOR);
  self->override_reason = g_strdup (DEFAULT_OVERRIDE_REASON);
  self->pub_allowed = FALSE;
  self->pub_next_change_us = WS_TIME_NONE;
  self->next_change_us = WS_TIME_NONE;
  self->unix_caps = gst_caps_new_empty_simple ("timestamp/x-unix");
  gst_segment_init (&self->segment, GST_FORMAT_TIME);
}
