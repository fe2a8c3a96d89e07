/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: ratingsignal element. */

/**
 * SECTION:element-ratingsignal
 * @title: ratingsignal
 *
 * Signals the programme's age rating where set-top boxes' and TVs'
 * parental locks read it: the DVB EIT present/following of an MPEG
 * transport stream. Place it before a sink pad of `mpegtsmux`, directly
 * or with a queue in between (any caps; data passes through untouched). It reads the
 * `watershed-rating` events that `ratingtag` (or an application) sends,
 * one per territory, and the title tag, and hands the muxer, through the
 * muxer's own section interface (gst_mpegts_section_send_event()):
 *
 * - the EIT present/following, actual TS (table 0x4E, PID 0x12) of the
 *   service: section 0 with the present event (start time = the wall-clock
 *   UTC time the programme's first rating arrived, duration from an
 *   upstream duration query or undefined, running_status "running", a
 *   short_event_descriptor with the title, the guidance text (the first
 *   in the stream's language tag, else the first; ws_dvb_pick_text()) and
 *   its ISO 639-2 language, and a parental_rating_descriptor with one entry per
 *   territory: the ISO 3166 alpha-3 country code and minimum age - 3), and
 *   an empty section 1 (no following event is known);
 * - an SDT, actual TS (table 0x42, PID 0x11) with the service,
 *   EIT_present_following_flag set and a service_descriptor
 *   (#WsRatingSignal:service-name, #WsRatingSignal:provider-name), so that
 *   receivers look at the EIT.
 *
 * The muxer repeats the sections it holds at its `si-interval`; when that
 * is longer than #WsRatingSignal:repeat-interval the element lowers it, so
 * both tables repeat at least every 2 s (TR 101 211) by default.
 *
 * Every change of the EIT (a new rating for a territory, a segment of the
 * sidecar that changes the rating part-way, a new programme) gives a new
 * version_number (modulo 32). A rating event for another `programme`, or a
 * `watershed-programme-start` event, starts a new present event (new
 * event_id and start time; the previous programme's ratings are dropped).
 *
 * Fail closed: an unrated or refused rating and an age above 18 are
 * signalled as 18 years (0x0F, the most restrictive DVB value), ages 0-3
 * as 4 years (0x01, the least DVB can say), each with a warning message. A
 * rating without a territory cannot be signalled (the descriptor names a
 * country): warning.
 *
 * Each time a new EIT version goes to the muxer the element posts an
 * element message named "ratingsignal" with these fields, in this order:
 * - `timestamp` (#G_TYPE_UINT64): the last buffer before the change
 * - `stream-time` (#G_TYPE_UINT64), `running-time` (#G_TYPE_UINT64)
 * - `duration` (#G_TYPE_UINT64): -1
 * - `service-id` (#G_TYPE_UINT): the service (MPEG program_number)
 * - `event-id` (#G_TYPE_UINT): the present event
 * - `version` (#G_TYPE_UINT): the EIT version_number
 * - `ratings` (#G_TYPE_STRING): what the parental_rating_descriptor says,
 *   `DEU:16 GBR:15` (country, minimum age), empty when nothing
 *
 * Downstream of anything but an MPEG-TS muxer (GstBaseTsMux: mpegtsmux)
 * the element posts one warning and only passes data through.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 -e videotestsrc num-buffers=250 ! ratingtag location=ratings/samples/demo-bbfc15.xml territory=GB ! x264enc ! h264parse ! ratingsignal service-name="Channel 1" provider-name=Example ! mpegtsmux ! filesink location=rated.ts
 * ]| (from the source tree) writes ten seconds of H.264 in a transport
 * stream whose EIT says GBR, age 15; `dvbinfo -f rated.ts -s table` shows
 * it, and `watershed check rated.ts` reads it back.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#define GST_USE_UNSTABLE_API 1
#include "ratingsignal.h"
#include "ws-element.h"

#include <string.h>

#include <gst/mpegts/mpegts.h>
#include <gst/tag/tag.h>

#include "ws-dvb-si.h"
#include "ws-rating-event.h"
#include "ws-territory.h"

GST_DEBUG_CATEGORY_STATIC (ws_rating_signal_debug);
#define GST_CAT_DEFAULT ws_rating_signal_debug

enum {
  PROP_0,
  PROP_SERVICE_ID,
  PROP_TRANSPORT_STREAM_ID,
  PROP_ORIGINAL_NETWORK_ID,
  PROP_SERVICE_NAME,
  PROP_PROVIDER_NAME,
  PROP_REPEAT_INTERVAL,
};

#define DEFAULT_SERVICE_ID 0
/* mpegtsmux writes transport_stream_id 1 in its PAT */
#define DEFAULT_TRANSPORT_STREAM_ID 1
/* "private temporary use" (ETSI TS 101 162) */
#define DEFAULT_ORIGINAL_NETWORK_ID 0xFF01
#define DEFAULT_SERVICE_NAME NULL
#define DEFAULT_PROVIDER_NAME NULL
#define DEFAULT_REPEAT_INTERVAL (1 * GST_SECOND)
#define MIN_REPEAT_INTERVAL (25 * GST_MSECOND)
#define MAX_REPEAT_INTERVAL (2 * GST_SECOND)

struct _WsRatingSignal {
  GstBaseTransform parent;

  /* properties (object lock) */
  guint service_id;
  guint transport_stream_id;
  guint original_network_id;
  char *service_name;
  char *provider_name;
  guint64 repeat_interval;

  /* streaming thread */
  GPtrArray *ratings; /* WsRating, one per territory, in territory order */
  gboolean have_rating_event;
  char *programme;
  char *title;
  char *tag_language;
  GDateTime *start;
  gint64 duration_s;
  guint event_id;
  guint eit_version;
  GBytes *last_eit;    /* section 0 last handed to the muxer */
  GstElement *sent_to; /* the muxer the sections went to (no ref: compared) */
  gboolean dirty;
  gboolean warned_no_mux;
  GHashTable *warned; /* notes already posted */
  GstClockTime last_ts;
};

G_DEFINE_TYPE (WsRatingSignal, ws_rating_signal, GST_TYPE_BASE_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE (ratingsignal, "ratingsignal", GST_RANK_NONE,
    WS_TYPE_RATING_SIGNAL);

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

static void ws_rating_signal_finalize (GObject *object);
static void ws_rating_signal_set_property (GObject *object, guint prop_id,
    const GValue *value, GParamSpec *pspec);
static void ws_rating_signal_get_property (GObject *object, guint prop_id,
    GValue *value, GParamSpec *pspec);
static gboolean ws_rating_signal_start (GstBaseTransform *trans);
static gboolean ws_rating_signal_stop (GstBaseTransform *trans);
static gboolean ws_rating_signal_sink_event (GstBaseTransform *trans,
    GstEvent *event);
static GstFlowReturn ws_rating_signal_transform_ip (GstBaseTransform *trans,
    GstBuffer *buf);

static void
ws_rating_signal_class_init (WsRatingSignalClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (ws_rating_signal_debug, "ratingsignal", 0,
      "watershed DVB rating signalling");
  gst_mpegts_initialize ();
  ws_rating_tags_register ();

  gobject_class->finalize = ws_rating_signal_finalize;
  gobject_class->set_property = ws_rating_signal_set_property;
  gobject_class->get_property = ws_rating_signal_get_property;

  g_object_class_install_property (gobject_class, PROP_SERVICE_ID,
      g_param_spec_uint ("service-id", "Service ID",
          "DVB service_id of the EIT and SDT (= the MPEG program_number); "
          "0 = the muxer's program number of the pad this element feeds "
          "(its prog-map entry, else 1, mpegtsmux's first program)",
          0, 65535, DEFAULT_SERVICE_ID,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_TRANSPORT_STREAM_ID,
      g_param_spec_uint ("transport-stream-id", "Transport Stream ID",
          "transport_stream_id written in the EIT and SDT; must match the "
          "PAT's (mpegtsmux writes 1)",
          0, 65535, DEFAULT_TRANSPORT_STREAM_ID,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_ORIGINAL_NETWORK_ID,
      g_param_spec_uint ("original-network-id", "Original Network ID",
          "original_network_id written in the EIT and SDT (ETSI TS 101 162; "
          "the default 0xFF01 = 65281 is for private temporary use)",
          0, 65535, DEFAULT_ORIGINAL_NETWORK_ID,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_SERVICE_NAME,
      g_param_spec_string ("service-name", "Service Name",
          "Service (channel) name in the SDT service_descriptor, UTF-8, at "
          "most 100 bytes; NULL = empty",
          DEFAULT_SERVICE_NAME,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_PROVIDER_NAME,
      g_param_spec_string ("provider-name", "Provider Name",
          "Service provider name in the SDT service_descriptor, UTF-8, at "
          "most 100 bytes; NULL = empty",
          DEFAULT_PROVIDER_NAME,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_REPEAT_INTERVAL,
      g_param_spec_uint64 ("repeat-interval", "Repeat Interval",
          "Longest time between two copies of the EIT and SDT, in "
          "nanoseconds (25 ms to 2 s, TR 101 211); the muxer's si-interval "
          "is lowered to it when longer",
          MIN_REPEAT_INTERVAL, MAX_REPEAT_INTERVAL, DEFAULT_REPEAT_INTERVAL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "DVB age rating signalling", "Filter/Metadata",
      "Keeps a downstream MPEG-TS muxer's DVB EIT present/following "
      "(parental_rating_descriptor) and SDT current with the watershed "
      "rating events",
      "watershed");

  trans_class->start = GST_DEBUG_FUNCPTR (ws_rating_signal_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (ws_rating_signal_stop);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (ws_rating_signal_sink_event);
  trans_class->transform_ip = GST_DEBUG_FUNCPTR (ws_rating_signal_transform_ip);
  trans_class->passthrough_on_same_caps = TRUE;
  trans_class->transform_ip_on_passthrough = TRUE;
}

static void
ws_rating_signal_init (WsRatingSignal *self)
{
  self->service_id = DEFAULT_SERVICE_ID;
  self->transport_stream_id = DEFAULT_TRANSPORT_STREAM_ID;
  self->original_network_id = DEFAULT_ORIGINAL_NETWORK_ID;
  self->service_name = g_strdup (DEFAULT_SERVICE_NAME);
  self->provider_name = g_strdup (DEFAULT_PROVIDER_NAME);
  self->repeat_interval = DEFAULT_REPEAT_INTERVAL;
  self->ratings = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_rating_free);
  self->warned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->duration_s = -1;
  self->last_ts = GST_CLOCK_TIME_NONE;
  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), TRUE);
  gst_base_transform_set_in_place (GST_BASE_TRANSFORM (self), TRUE);
}

/* Forgets the programme (not the EIT version: a receiver must see every
 * change as a new version, also across programmes). */
static void
reset_programme (WsRatingSignal *self)
{
  g_ptr_array_set_size (self->ratings, 0);
  g_clear_pointer (&self->programme, g_free);
  g_clear_pointer (&self->start, g_date_time_unref);
  self->duration_s = -1;
  self->have_rating_event = FALSE;
}

static void
reset_state (WsRatingSignal *self)
{
  reset_programme (self);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->tag_language, g_free);
  g_clear_pointer (&self->last_eit, g_bytes_unref);
  self->event_id = 0;
  self->eit_version = 0;
  self->sent_to = NULL;
  self->dirty = FALSE;
  self->warned_no_mux = FALSE;
  self->last_ts = GST_CLOCK_TIME_NONE;
  g_hash_table_remove_all (self->warned);
}

static void
ws_rating_signal_finalize (GObject *object)
{
  WsRatingSignal *self = WS_RATING_SIGNAL (object);

  reset_state (self);
  g_ptr_array_unref (self->ratings);
  g_hash_table_unref (self->warned);
  g_free (self->service_name);
  g_free (self->provider_name);
  G_OBJECT_CLASS (ws_rating_signal_parent_class)->finalize (object);
}

static void
ws_rating_signal_set_property (GObject *object, guint prop_id,
    const GValue *value, GParamSpec *pspec)
{
  WsRatingSignal *self = WS_RATING_SIGNAL (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_SERVICE_ID:
      self->service_id = g_value_get_uint (value);
      break;
    case PROP_TRANSPORT_STREAM_ID:
      self->transport_stream_id = g_value_get_uint (value);
      break;
    case PROP_ORIGINAL_NETWORK_ID:
      self->original_network_id = g_value_get_uint (value);
      break;
    case PROP_SERVICE_NAME:
      g_free (self->service_name);
      self->service_name = g_value_dup_string (value);
      break;
    case PROP_PROVIDER_NAME:
      g_free (self->provider_name);
      self->provider_name = g_value_dup_string (value);
      break;
    case PROP_REPEAT_INTERVAL:
      self->repeat_interval = g_value_get_uint64 (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
ws_rating_signal_get_property (GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec)
{
  WsRatingSignal *self = WS_RATING_SIGNAL (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_SERVICE_ID:
      g_value_set_uint (value, self->service_id);
      break;
    case PROP_TRANSPORT_STREAM_ID:
      g_value_set_uint (value, self->transport_stream_id);
      break;
    case PROP_ORIGINAL_NETWORK_ID:
      g_value_set_uint (value, self->original_network_id);
      break;
    case PROP_SERVICE_NAME:
      g_value_set_string (value, self->service_name);
      break;
    case PROP_PROVIDER_NAME:
      g_value_set_string (value, self->provider_name);
      break;
    case PROP_REPEAT_INTERVAL:
      g_value_set_uint64 (value, self->repeat_interval);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static gboolean
ws_rating_signal_start (GstBaseTransform *trans)
{
  reset_state (WS_RATING_SIGNAL (trans));
  return TRUE;
}

static gboolean
ws_rating_signal_stop (GstBaseTransform *trans)
{
  reset_state (WS_RATING_SIGNAL (trans));
  return TRUE;
}

/* ---- the muxer ---------------------------------------------------------- */

/* The MPEG-TS muxer our source pad feeds (transfer full), and the name of
 * its sink pad; NULL when there is none. Elements with one sink and one
 * source pad in between (a queue) are looked through. */
static GstElement *
find_mux (WsRatingSignal *self, char **pad_name)
{
  GType base = g_type_from_name ("GstBaseTsMux");
  GstPad *peer = gst_pad_get_peer (GST_BASE_TRANSFORM_SRC_PAD (self));

  for (int depth = 0; peer != NULL && depth < 8; depth++) {
    GstElement *e = gst_pad_get_parent_element (peer);
    GstPad *src = NULL;

    if (e == NULL)
      break;
    if (base != 0 && g_type_is_a (G_OBJECT_TYPE (e), base)) {
      if (pad_name != NULL)
        *pad_name = gst_pad_get_name (peer);
      gst_object_unref (peer);
      return e;
    }
    GST_OBJECT_LOCK (e);
    if (e->numsinkpads == 1 && e->numsrcpads == 1)
      src = gst_object_ref (e->srcpads->data);
    GST_OBJECT_UNLOCK (e);
    gst_object_unref (e);
    gst_object_unref (peer);
    peer = NULL;
    if (src != NULL) {
      peer = gst_pad_get_peer (src);
      gst_object_unref (src);
    }
  }
  if (peer != NULL)
    gst_object_unref (peer);
  return NULL;
}

/* service-id, or the muxer's program number of our pad: its prog-map
 * entry, else 1 (mpegtsmux numbers unmapped programs from 1). */
static guint
service_id_for (WsRatingSignal *self, GstElement *mux, const char *pad_name)
{
  GstStructure *map = NULL;
  guint id;
  int mapped;

  GST_OBJECT_LOCK (self);
  id = self->service_id;
  GST_OBJECT_UNLOCK (self);
  if (id != 0)
    return id;
  id = 1;
  g_object_get (mux, "prog-map", &map, NULL);
  if (map != NULL && pad_name != NULL &&
      gst_structure_get_int (map, pad_name, &mapped) && mapped > 0 &&
      mapped <= 65535)
    id = (guint) mapped;
  if (map != NULL)
    gst_structure_free (map);
  return id;
}

/* Lowers the muxer's si-interval (90 kHz ticks) to repeat-interval. */
static void
cap_si_interval (WsRatingSignal *self, GstElement *mux)
{
  guint ticks = 0, want;
  guint64 ns;

  GST_OBJECT_LOCK (self);
  ns = self->repeat_interval;
  GST_OBJECT_UNLOCK (self);
  want = (guint) gst_util_uint64_scale (ns, 90000, GST_SECOND);
  g_object_get (mux, "si-interval", &ticks, NULL);
  if (ticks > want) {
    GST_INFO_OBJECT (self, "lowering %s si-interval from %u to %u ticks",
        GST_ELEMENT_NAME (mux), ticks, want);
    g_object_set (mux, "si-interval", want, NULL);
  }
}

/* Hands one section to the muxer, which then repeats it. The muxer keeps
 * one section per GstMpegtsSectionType, so the EIT's following section
 * (section 1) is filed as "unknown" to sit beside the present one. */
static gboolean
send_section (GstElement *mux, GBytes *bytes, guint16 pid, gboolean following)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GstMpegtsSection *section;
  gboolean ok;

  section = gst_mpegts_section_new (pid, g_memdup2 (data, len), len);
  if (section == NULL)
    return FALSE;
  if (following)
    section->section_type = GST_MPEGTS_SECTION_UNKNOWN;
  ok = gst_mpegts_section_send_event (section, mux);
  gst_mpegts_section_unref (section);
  return ok;
}

static void
post_notes (WsRatingSignal *self, GPtrArray *notes)
{
  for (guint i = 0; i < notes->len; i++) {
    const char *note = g_ptr_array_index (notes, i);

    if (g_hash_table_contains (self->warned, note))
      continue;
    g_hash_table_add (self->warned, g_strdup (note));
    GST_ELEMENT_WARNING (self, STREAM, FORMAT, ("%s", note), (NULL));
  }
}

static char *
describe_ratings (const GBytes *eit)
{
  gsize len;
  const guint8 *s = g_bytes_get_data ((GBytes *) eit, &len);
  GString *out = g_string_new (NULL);
  gsize at, end;

  /* the descriptors of the one event: from byte 26 up to the CRC */
  if (len < 30)
    return g_string_free (out, FALSE);
  end = len - 4;
  for (at = 26; at + 2 <= end && at + 2 + s[at + 1] <= end;
       at += 2 + s[at + 1]) {
    if (s[at] != WS_DVB_TAG_PARENTAL_RATING)
      continue;
    for (gsize k = at + 2; k + 4 <= at + 2 + s[at + 1]; k += 4)
      g_string_append_printf (out, "%s%c%c%c:%d", out->len ? " " : "", s[k],
          s[k + 1], s[k + 2], s[k + 3] + 3);
  }
  return g_string_free (out, FALSE);
}

/* Builds the EIT and SDT; hands them to the muxer when they changed or the
 * muxer has not had them. Streaming thread. */
static void
signal_now (WsRatingSignal *self)
{
  char *pad_name = NULL;
  GstElement *mux;
  GPtrArray *notes;
  WsDvbEvent ev = { 0 };
  WsDvbService sv = { 0 };
  const WsGuidanceText *text;
  GBytes *eit0 = NULL, *eit1 = NULL, *sdt = NULL;
  GError *err = NULL;
  gboolean changed, new_mux;
  char *service_name, *provider_name;

  if (self->ratings->len == 0)
    return;
  mux = find_mux (self, &pad_name);
  if (mux == NULL) {
    if (gst_pad_is_linked (GST_BASE_TRANSFORM_SRC_PAD (self)))
      self->dirty = FALSE; /* linked to something else: nothing to do */
    if (!self->warned_no_mux &&
        gst_pad_is_linked (GST_BASE_TRANSFORM_SRC_PAD (self))) {
      self->warned_no_mux = TRUE;
      GST_ELEMENT_WARNING (self, CORE, PAD,
          ("ratingsignal is not linked to an MPEG-TS muxer: the rating is "
           "not signalled"),
          ("Put ratingsignal before a sink pad of mpegtsmux."));
    }
    return;
  }
  if (self->event_id == 0)
    self->event_id = 1;
  if (self->start == NULL) {
    gint64 dur = -1;

    self->start = g_date_time_new_now_utc ();
    if (gst_pad_peer_query_duration (GST_BASE_TRANSFORM_SINK_PAD (self),
            GST_FORMAT_TIME, &dur) &&
        dur > 0)
      self->duration_s = (dur + GST_SECOND - 1) / GST_SECOND;
  }
  /* the stream's language first (its language tag), as stamp does */
  text = ws_dvb_pick_text (self->ratings, self->tag_language);

  GST_OBJECT_LOCK (self);
  ev.transport_stream_id = (guint16) self->transport_stream_id;
  ev.original_network_id = (guint16) self->original_network_id;
  service_name = g_strdup (self->service_name);
  provider_name = g_strdup (self->provider_name);
  GST_OBJECT_UNLOCK (self);
  ev.service_id = (guint16) service_id_for (self, mux, pad_name);
  ev.event_id = (guint16) self->event_id;
  ev.start = self->start;
  ev.duration_s = self->duration_s;
  ev.running_status = WS_DVB_RUNNING_RUNNING;
  ev.language = text && text->lang ? text->lang : self->tag_language;
  ev.title = self->title;
  ev.text = text ? text->text : NULL;
  ev.ratings = self->ratings;
  ev.mode = WS_DVB_RATING_FAIL_CLOSED;
  ev.version = (guint8) self->eit_version;

  notes = g_ptr_array_new_with_free_func (g_free);
  eit0 = ws_dvb_build_eit_pf (&ev, 0, notes, &err);
  if (eit0 == NULL)
    goto failed;
  post_notes (self, notes);
  changed = self->last_eit == NULL || !g_bytes_equal (eit0, self->last_eit);
  new_mux = self->sent_to != mux;
  if (!changed && !new_mux)
    goto done;
  if (changed && self->last_eit != NULL) {
    self->eit_version = (self->eit_version + 1) & 0x1F;
    ev.version = (guint8) self->eit_version;
    g_bytes_unref (eit0);
    eit0 = ws_dvb_build_eit_pf (&ev, 0, NULL, &err);
    if (eit0 == NULL)
      goto failed;
  }
  eit1 = ws_dvb_build_eit_pf (&ev, 1, NULL, &err);
  if (eit1 == NULL)
    goto failed;
  if (new_mux) {
    sv.service_id = ev.service_id;
    sv.transport_stream_id = ev.transport_stream_id;
    sv.original_network_id = ev.original_network_id;
    sv.version = 0;
    sv.service_type = 0x01;
    sv.service_name = service_name;
    sv.provider_name = provider_name;
    sdt = ws_dvb_build_sdt (&sv, 1, &err);
    if (sdt == NULL)
      goto failed;
    cap_si_interval (self, mux);
    if (!send_section (mux, sdt, WS_DVB_PID_SDT, FALSE))
      goto refused;
  }
  /* the following section first: the present one completes the version */
  if (!send_section (mux, eit1, WS_DVB_PID_EIT, TRUE) ||
      !send_section (mux, eit0, WS_DVB_PID_EIT, FALSE))
    goto refused;
  /* the next build at this version gives these bytes when nothing changed */
  g_clear_pointer (&self->last_eit, g_bytes_unref);
  self->last_eit = g_bytes_ref (eit0);
  self->sent_to = mux;
  self->dirty = FALSE;
  if (changed) {
    GstBaseTransform *trans = GST_BASE_TRANSFORM (self);
    char *desc = describe_ratings (eit0);
    GstStructure *s = ws_timed_structure_new_from_segment ("ratingsignal",
        &trans->segment, self->last_ts, GST_CLOCK_TIME_NONE);

    gst_structure_set (s, "service-id", G_TYPE_UINT, (guint) ev.service_id,
        "event-id", G_TYPE_UINT, (guint) ev.event_id, "version", G_TYPE_UINT,
        self->eit_version, "ratings", G_TYPE_STRING, desc, NULL);
    GST_INFO_OBJECT (self, "EIT version %u for service %u: %s",
        self->eit_version, ev.service_id, desc);
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_element (GST_OBJECT (self), s));
    g_free (desc);
  }
  goto done;

refused:
  GST_ELEMENT_WARNING (self, STREAM, MUX,
      ("%s did not take the EIT/SDT sections: the rating is not signalled",
          GST_ELEMENT_NAME (mux)),
      (NULL));
  goto done;
failed:
  GST_ELEMENT_WARNING (self, LIBRARY, FAILED,
      ("The DVB sections could not be built: %s", err->message), (NULL));
  g_clear_error (&err);
done:
  if (eit0 != NULL)
    g_bytes_unref (eit0);
  if (eit1 != NULL)
    g_bytes_unref (eit1);
  if (sdt != NULL)
    g_bytes_unref (sdt);
  g_ptr_array_unref (notes);
  g_free (service_name);
  g_free (provider_name);
  g_free (pad_name);
  gst_object_unref (mux);
}

/* ---- events ------------------------------------------------------------- */

/* Replaces the rating of @r's territory (takes @r). */
static void
set_rating (WsRatingSignal *self, WsRating *r)
{
  const char *t = r->territory ? ws_territory_normalise (r->territory) : NULL;
  guint i;

  if (t != NULL) {
    g_free (r->territory);
    r->territory = g_strdup (t);
  }
  for (i = 0; i < self->ratings->len; i++) {
    WsRating *old = g_ptr_array_index (self->ratings, i);
    int cmp = g_strcmp0 (old->territory, r->territory);

    if (cmp == 0) {
      g_ptr_array_index (self->ratings, i) = r;
      ws_rating_free (old);
      return;
    }
    if (cmp > 0)
      break;
  }
  g_ptr_array_insert (self->ratings, (gint) i, r);
}

static void
new_programme (WsRatingSignal *self)
{
  reset_programme (self);
  self->event_id = self->event_id >= 0xFFFF ? 1 : self->event_id + 1;
}

static void
handle_rating (WsRatingSignal *self, WsRating *r)
{
  if (self->have_rating_event && r->programme != NULL &&
      g_strcmp0 (r->programme, self->programme) != 0) {
    GST_INFO_OBJECT (self, "new programme %s", r->programme);
    new_programme (self);
  }
  if (self->programme == NULL && r->programme != NULL)
    self->programme = g_strdup (r->programme);
  self->have_rating_event = TRUE;
  set_rating (self, r);
  self->dirty = TRUE;
}

/* A rating from the watershed tags (an application that sends tags only). */
static WsRating *
rating_from_tags (const GstTagList *tags)
{
  char *name = NULL, *territory = NULL;
  int age = -1;
  WsRating *r;
  const WsRatingRegistry *reg;

  if (!gst_tag_list_get_string (tags, WS_TAG_RATING, &name))
    return NULL;
  r = ws_rating_new ();
  gst_tag_list_get_string (tags, WS_TAG_RATING_TERRITORY, &territory);
  r->territory = territory;
  reg = ws_rating_registry_get_default (NULL);
  if (reg != NULL)
    ws_rating_set_resolved (r, ws_rating_registry_parse (reg, name, NULL));
  if (r->system == NULL &&
      gst_tag_list_get_int (tags, WS_TAG_MINIMUM_AGE, &age))
    r->minimum_age = age; /* -1 stays unknown: fail closed */
  r->source_code = name;
  return r;
}

static void
handle_tags (WsRatingSignal *self, GstEvent *event)
{
  GstTagList *tags = NULL;
  char *s = NULL;

  gst_event_parse_tag (event, &tags);
  if (gst_tag_list_get_string (tags, GST_TAG_TITLE, &s)) {
    if (g_strcmp0 (s, self->title) != 0)
      self->dirty = TRUE;
    g_free (self->title);
    self->title = s;
  }
  if (gst_tag_list_get_string (tags, GST_TAG_LANGUAGE_CODE, &s)) {
    g_free (self->tag_language);
    self->tag_language = s;
  }
  /* ratingtag sends the event and the same rating as tags: the event wins */
  if (!self->have_rating_event) {
    WsRating *r = rating_from_tags (tags);

    if (r != NULL) {
      set_rating (self, r);
      self->dirty = TRUE;
    }
  }
}

static gboolean
ws_rating_signal_sink_event (GstBaseTransform *trans, GstEvent *event)
{
  WsRatingSignal *self = WS_RATING_SIGNAL (trans);

  if (ws_rating_event_is (event)) {
    WsRating *r = ws_rating_event_parse (event, NULL);

    if (r != NULL)
      handle_rating (self, r);
  } else if (ws_event_has_name (event, WS_PROGRAMME_START_EVENT_NAME)) {
    new_programme (self);
  } else if (GST_EVENT_TYPE (event) == GST_EVENT_TAG) {
    handle_tags (self, event);
  }
  if (self->dirty)
    signal_now (self);
  return GST_BASE_TRANSFORM_CLASS (ws_rating_signal_parent_class)
      ->sink_event (trans, event);
}

static GstFlowReturn
ws_rating_signal_transform_ip (GstBaseTransform *trans, GstBuffer *buf)
{
  WsRatingSignal *self = WS_RATING_SIGNAL (trans);

  if (GST_BUFFER_PTS_IS_VALID (buf))
    self->last_ts = GST_BUFFER_PTS (buf);
  /* a rating that came before the muxer was linked */
  if (self->dirty)
    signal_now (self);
  return GST_FLOW_OK;
}
