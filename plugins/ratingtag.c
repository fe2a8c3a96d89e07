/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: ratingtag element. */

/**
 * SECTION:element-ratingtag
 * @title: ratingtag
 *
 * Puts the programme's age rating into the stream, where ratingoverlay,
 * ratinggate, muxers and applications find it. Data passes through
 * untouched (in place, any caps, never written).
 *
 * Where the rating comes from:
 *
 * - **Metadata**: a file (#WsRatingTag:location) or inline XML
 *   (#WsRatingTag:metadata) in any format ws_metadata_read_file() reads
 *   (watershed sidecar, IMF CPL, TV-Anytime, DVB-I, EBUCore, iTunes
 *   package, XMLTV). The rating is picked for #WsRatingTag:territory,
 *   preferring #WsRatingTag:system. Sidecar segment ratings apply while the
 *   stream time (counted from the programme start) is inside the segment.
 * - **The stream**: Matroska `LAW_RATING` (every `COUNTRY`, nested or
 *   top level), MP4 `iTunEXTC`, the DVB parental_rating_descriptor of the
 *   present event (EIT present/following, actual TS, section 0) of an
 *   MPEG-TS, and a `watershed-rating` event sent from upstream (by an
 *   application or another ratingtag).
 *
 * Matroska and MP4 ratings are read from the file's own bytes with the
 * library reader `watershed check` uses (ws_embedded_read_file()): the
 * element sends a URI query upstream (demuxers pass it on to filesrc) when
 * caps, tags or the first buffer arrive, and reads a `file://` file with
 * bounded reads (again when #WsRatingTag:territory changes). matroskademux
 * flattens nested tags and qtdemux 1.22 drops `iTunEXTC`, so only without
 * a local file are the demuxer's extended-comment tags (`LAW_RATING`,
 * `COUNTRY/LAW_RATING`, `iTunEXTC=`) used instead.
 *
 * The EIT is read from the transport stream packets themselves: from
 * READY to PAUSED the element puts a buffer probe on the sink pad of each
 * MPEG-TS demuxer of its pipeline (an element that takes video/mpegts and
 * gives something else, such as `tsdemux`; also those decodebin adds
 * later), which reassembles only the PAT, PMT and EIT (PID 0x12) sections in
 * the demuxer's thread, without copying the packets. At the next buffer
 * only a demuxer upstream of this element counts (`... ! tsdemux !
 * ratingtag ! ...`; `tsparse` before it is not needed). The pipeline's bus
 * is not touched. The sections go to the
 * library's MPEG-TS rule (#WsEmbeddedTs): the present event of the
 * programme the demuxer plays: the one its `program-number` names, else
 * the one whose PMT lists the stream this element receives (the PID in
 * tsdemux's stream-id), else the PAT's only programme; when nothing says
 * which, every programme's counts, the most restrictive, with a warning.
 * An EIT for a service not in the PAT is ignored with a warning, several
 * services with one give a warning; bad-CRC sections are counted in one
 * warning at EOS.
 * The raw descriptor bytes are parsed, so "undefined" (0x00) and
 * broadcaster-defined (0x10-0xFF) values become unrated with a warning,
 * never a wrong age.
 *
 * A rating counts for #WsRatingTag:territory only when its system belongs
 * to it or the file says so (`LAW_RATING=bbfc:18` is GB's). Two ratings
 * for one territory with different minimum ages give a warning starting
 * `rating-conflict:` that names both, and the more restrictive is used
 * (ws_rating_resolve_conflicts(), the rule of every reader).
 *
 * When both have a rating #WsRatingTag:prefer decides. When their minimum
 * ages differ the element posts a warning message (GST_MESSAGE_WARNING,
 * "The stream rates this programme dvb:16 (dvb-eit) but the metadata rates
 * it bbfc:15 ...") once per disagreement, and the `ratingtag` message
 * carries a `disagreement` field naming the losing rating.
 *
 * What goes out, before the first buffer and again before the first buffer
 * after every change (a segment boundary, a new stream rating, new metadata
 * set while playing, a `watershed-programme-start` event):
 *
 * - the sticky `watershed-rating` event (see ws-rating-event.h),
 * - a stream-scope tag event with the watershed rating tags,
 * - when #WsRatingTag:post-messages is %TRUE, an element message named
 *   "ratingtag" with these fields, in this order:
 *   - `timestamp` (#G_TYPE_UINT64): the buffer the rating applies from
 *   - `stream-time` (#G_TYPE_UINT64), `running-time` (#G_TYPE_UINT64): its
 *     stream and running time
 *   - `duration` (#G_TYPE_UINT64): the buffer duration (or -1)
 *   - `rating` (#G_TYPE_STRING): `SYSTEM:CODE`, or "unrated"
 *   - `system`, `code` (#G_TYPE_STRING): only when resolved
 *   - `minimum-age` (#G_TYPE_INT): years, -1 unknown (fail closed)
 *   - `territory` (#G_TYPE_STRING): only when known
 *   - `source` (#G_TYPE_STRING): `metadata`, `sidecar-segment`,
 *     `matroska`, `mp4`, `dvb-eit`, `application` (or the source an
 *     upstream rating event names)
 *   - `text` (#G_TYPE_STRING): the first guidance text, when there is one
 *   - `programme` (#G_TYPE_STRING): the programme id, when known
 *   - `segment-start`, `segment-end` (#G_TYPE_INT64): the segment in
 *     nanoseconds from the programme start, -1 = whole programme
 *   - `disagreement` (#G_TYPE_STRING): only when the sources disagree:
 *     the other source's rating, as `SYSTEM:CODE (source)`
 *
 * Until a rating is known nothing is sent (ratinggate fails closed on its
 * own). Readers' warnings about dirty metadata and notes about embedded
 * values read leniently are posted as warning messages.
 *
 * What the metadata lacks is said once per metadata, territory and system
 * (a GST_MESSAGE_WARNING with #GST_RESOURCE_ERROR_NOT_FOUND, and the same
 * text in the debug log), naming the file: "FILE has no rating for
 * territory US; it has ratings for GB, DE, FR"; a #WsRatingTag:territory
 * that is not a territory code; a #WsRatingTag:system that is not a known
 * rating system (the message lists those there are) or in which the file
 * has no rating for the territory ("FILE has no fsk rating for GB; using
 * bbfc:15"); and a rating whose system or code is not known ("FILE:LINE:
 * the rating for US has the code "XYZ", which is not one of mpa (G, PG,
 * ...): treated as unrated (fail closed)").
 *
 * A bad metadata file is an error (GST_MESSAGE_ERROR, "FILE:LINE: ..." as
 * the reader words it) when the element starts, or at the next buffer when
 * the property was set while playing.
 *
 * A `watershed-programme-start` event from upstream starts a new programme:
 * the stream ratings of the previous one are forgotten, segment times count
 * from the next buffer's stream time, and the rating goes out again before
 * that buffer. Setting #WsRatingTag:location or #WsRatingTag:metadata while
 * playing does the same with the new metadata.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 -m videotestsrc num-buffers=50 ! ratingtag location=ratings/samples/demo-bbfc15.xml territory=GB ! fakesink
 * ]| (from the source tree) prints a "ratingtag" message with rating
 * bbfc:15, minimum-age 15 and the guidance text.
 * |[
 * gst-launch-1.0 -m filesrc location=film.mkv ! matroskademux ! ratingtag territory=US ! fakesink
 * ]| reads a Matroska `LAW_RATING` such as `PG-13` as mpa:PG-13.
 * |[
 * gst-launch-1.0 -m filesrc location=film.mp4 ! qtdemux ! ratingtag territory=GB ! fakesink
 * ]| reads an MP4 `iTunEXTC` such as `uk-movie|15|350|` as bbfc:15.
 * |[
 * gst-launch-1.0 -m filesrc location=channel.ts ! tsparse ! tsdemux ! ratingtag territory=DE ! fakesink
 * ]| reads the DVB parental rating of the present EIT event for Germany.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ratingtag.h"
#include "ws-element.h"

#include <string.h>

#include <gst/tag/tag.h>

#include "ws-embedded.h"
#include "ws-error.h"
#include "ws-rating-event.h"
#include "ws-rating.h"
#include "ws-territory.h"

GST_DEBUG_CATEGORY_STATIC (ws_rating_tag_debug);
#define GST_CAT_DEFAULT ws_rating_tag_debug

enum {
  PROP_0,
  PROP_LOCATION,
  PROP_METADATA,
  PROP_TERRITORY,
  PROP_SYSTEM,
  PROP_PREFER,
  PROP_POST_MESSAGES,
};

#define DEFAULT_LOCATION NULL
#define DEFAULT_METADATA NULL
#define DEFAULT_TERRITORY "GB"
#define DEFAULT_SYSTEM NULL
#define DEFAULT_PREFER WS_RATING_TAG_PREFER_METADATA
#define DEFAULT_POST_MESSAGES TRUE

struct _WsRatingTag {
  GstBaseTransform parent;

  /* properties (object lock) */
  char *location;
  char *metadata;
  char *territory;
  char *system;
  WsRatingTagPrefer prefer;
  gboolean post_messages;

  /* state (object lock: the bus handler and set_property touch it) */
  const WsRatingRegistry *reg;
  WsMetadata *md;
  gboolean reload;                   /* location/metadata set while running */
  gboolean programme_start;          /* new programme at the next buffer */
  GstClockTime programme_start_time; /* stream time of its start */
  GPtrArray *stream_ratings;         /* (element-type WsRating) of the stream */
  char *stream_source;
  char *last_eit_key;    /* the EIT ratings in use, to skip repeats */
  gboolean file_checked; /* the upstream file's bytes were looked at */
  WsEmbeddedContainer file_container; /* what they were, when read */
  char *file_territory;               /* the territory they were read for */
  gboolean resend;                    /* send even when unchanged */
  WsRating *current;                  /* what went out last */
  char *current_source;
  char *last_disagreement;
  /* what the metadata lacks, said once (see missing_rating_message) */
  const WsMetadata *checked_md;
  const WsRating *checked_pick;
  char *checked_territory, *checked_system;
  GHashTable *said;            /* (element-type utf8) warnings already posted */
  GPtrArray *pending_warnings; /* (element-type utf8) posted at next buffer */

  /* MPEG-TS taps (TsTap): the EIT read from the packets of the TS
   * demuxers of the pipeline, from READY to PAUSED */
  GMutex taps_lock;
  GPtrArray *taps; /* (element-type TsTap) owned, under taps_lock */
  int stream_pid;  /* the TS PID of the stream received (its stream-id), or
                      -1; under taps_lock */
  GstBin *top_bin;
  gulong deep_added_id;
};

#define ws_rating_tag_parent_class parent_class
G_DEFINE_TYPE (WsRatingTag, ws_rating_tag, GST_TYPE_BASE_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE (ratingtag, "ratingtag", GST_RANK_NONE,
    WS_TYPE_RATING_TAG);

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

GType
ws_rating_tag_prefer_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { WS_RATING_TAG_PREFER_METADATA, "The metadata file or inline XML wins",
        "metadata" },
    { WS_RATING_TAG_PREFER_STREAM, "The rating carried in the stream wins",
        "stream" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("WsRatingTagPrefer", values);

    g_once_init_leave (&type, t);
  }
  return type;
}

static void ws_rating_tag_finalize (GObject *object);
static void untap_pipeline (WsRatingTag *self);
static void ws_rating_tag_set_property (GObject *object, guint prop_id,
    const GValue *value, GParamSpec *pspec);
static void ws_rating_tag_get_property (GObject *object, guint prop_id,
    GValue *value, GParamSpec *pspec);
static GstStateChangeReturn ws_rating_tag_change_state (GstElement *element,
    GstStateChange transition);
static gboolean ws_rating_tag_start (GstBaseTransform *trans);
static gboolean ws_rating_tag_stop (GstBaseTransform *trans);
static gboolean ws_rating_tag_sink_event (GstBaseTransform *trans,
    GstEvent *event);
static GstFlowReturn ws_rating_tag_transform_ip (GstBaseTransform *trans,
    GstBuffer *buf);

static void
ws_rating_tag_class_init (WsRatingTagClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (ws_rating_tag_debug, "ratingtag", 0,
      "watershed rating tagger");
  ws_rating_tags_register ();

  gobject_class->finalize = ws_rating_tag_finalize;
  gobject_class->set_property = ws_rating_tag_set_property;
  gobject_class->get_property = ws_rating_tag_get_property;

  g_object_class_install_property (gobject_class, PROP_LOCATION,
      g_param_spec_string ("location", "Location",
          "Programme metadata file (sidecar, IMF CPL, TV-Anytime, DVB-I, "
          "EBUCore, iTunes package, XMLTV); setting it clears metadata; "
          "set while playing it starts a new programme at the next buffer",
          DEFAULT_LOCATION,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_METADATA,
      g_param_spec_string ("metadata", "Metadata",
          "Programme metadata as an inline XML document (any format "
          "location takes); setting it clears location; set while playing "
          "it starts a new programme at the next buffer",
          DEFAULT_METADATA,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_TERRITORY,
      g_param_spec_string ("territory", "Territory",
          "ISO 3166-1 code (GB, DEU, 250) of the audience whose rating is "
          "picked; NULL takes the first rating",
          DEFAULT_TERRITORY,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_SYSTEM,
      g_param_spec_string ("system", "System",
          "Preferred rating-system id (bbfc, fsk, mpa...) when the territory "
          "has ratings in several systems; NULL = no preference",
          DEFAULT_SYSTEM,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_PREFER,
      g_param_spec_enum ("prefer", "Prefer",
          "Which source wins when both the metadata and the stream carry a "
          "rating",
          WS_TYPE_RATING_TAG_PREFER, DEFAULT_PREFER,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_POST_MESSAGES,
      g_param_spec_boolean ("post-messages", "Post Messages",
          "Post a \"ratingtag\" element message on the bus each time a "
          "rating goes out",
          DEFAULT_POST_MESSAGES,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "Age rating tagger",
      "Filter/Metadata",
      "Sends the programme's age rating (from metadata or the stream) "
      "downstream as the watershed rating event, tags and bus messages",
      "watershed");
  element_class->change_state = GST_DEBUG_FUNCPTR (ws_rating_tag_change_state);

  trans_class->start = GST_DEBUG_FUNCPTR (ws_rating_tag_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (ws_rating_tag_stop);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (ws_rating_tag_sink_event);
  trans_class->transform_ip = GST_DEBUG_FUNCPTR (ws_rating_tag_transform_ip);
  trans_class->passthrough_on_same_caps = TRUE;
  trans_class->transform_ip_on_passthrough = TRUE;

  gst_type_mark_as_plugin_api (WS_TYPE_RATING_TAG_PREFER, 0);
}

static void
ws_rating_tag_init (WsRatingTag *self)
{
  self->location = g_strdup (DEFAULT_LOCATION);
  self->metadata = g_strdup (DEFAULT_METADATA);
  self->territory = g_strdup (DEFAULT_TERRITORY);
  self->system = g_strdup (DEFAULT_SYSTEM);
  self->prefer = DEFAULT_PREFER;
  self->post_messages = DEFAULT_POST_MESSAGES;
  self->stream_ratings = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_rating_free);
  self->pending_warnings = g_ptr_array_new_with_free_func (g_free);
  self->said = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_init (&self->taps_lock);
  self->stream_pid = -1;
  self->taps = g_ptr_array_new ();
  self->programme_start_time = 0;
  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), TRUE);
  gst_base_transform_set_in_place (GST_BASE_TRANSFORM (self), TRUE);
}

/* New metadata (or a new run): what it lacks is said again. Object lock
 * held. */
static void
forget_checked (WsRatingTag *self)
{
  self->checked_md = NULL;
  self->checked_pick = NULL;
  g_clear_pointer (&self->checked_territory, g_free);
  g_clear_pointer (&self->checked_system, g_free);
  g_hash_table_remove_all (self->said);
}

/* Everything that belongs to one run; called with the object lock held or
 * when no other thread can see the element. */
static void
reset_state (WsRatingTag *self)
{
  g_clear_pointer (&self->md, ws_metadata_free);
  g_ptr_array_set_size (self->stream_ratings, 0);
  g_clear_pointer (&self->stream_source, g_free);
  g_clear_pointer (&self->last_eit_key, g_free);
  self->file_checked = FALSE;
  self->file_container = WS_EMBEDDED_CONTAINER_UNKNOWN;
  g_clear_pointer (&self->file_territory, g_free);
  g_clear_pointer (&self->current, ws_rating_free);
  g_clear_pointer (&self->current_source, g_free);
  g_clear_pointer (&self->last_disagreement, g_free);
  forget_checked (self);
  g_ptr_array_set_size (self->pending_warnings, 0);
  self->reload = FALSE;
  self->programme_start = FALSE;
  self->programme_start_time = 0;
  self->resend = FALSE;
}

static void
ws_rating_tag_finalize (GObject *object)
{
  WsRatingTag *self = WS_RATING_TAG (object);

  untap_pipeline (self);
  g_ptr_array_unref (self->taps);
  g_mutex_clear (&self->taps_lock);
  reset_state (self);
  g_ptr_array_free (self->stream_ratings, TRUE);
  g_ptr_array_free (self->pending_warnings, TRUE);
  g_hash_table_unref (self->said);
  g_free (self->location);
  g_free (self->metadata);
  g_free (self->territory);
  g_free (self->system);
  g_free (self->checked_territory);
  g_free (self->checked_system);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static gboolean
is_running (WsRatingTag *self)
{
  return GST_STATE (self) >= GST_STATE_PAUSED ||
         GST_STATE_PENDING (self) >= GST_STATE_PAUSED;
}

static void
ws_rating_tag_set_property (GObject *object, guint prop_id, const GValue *value,
    GParamSpec *pspec)
{
  WsRatingTag *self = WS_RATING_TAG (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_LOCATION:
      g_free (self->location);
      self->location = g_value_dup_string (value);
      if (self->location != NULL)
        g_clear_pointer (&self->metadata, g_free);
      self->reload = is_running (self);
      break;
    case PROP_METADATA:
      g_free (self->metadata);
      self->metadata = g_value_dup_string (value);
      if (self->metadata != NULL)
        g_clear_pointer (&self->location, g_free);
      self->reload = is_running (self);
      break;
    case PROP_TERRITORY:
      g_free (self->territory);
      self->territory = g_value_dup_string (value);
      break;
    case PROP_SYSTEM:
      g_free (self->system);
      self->system = g_value_dup_string (value);
      break;
    case PROP_PREFER:
      self->prefer = g_value_get_enum (value);
      break;
    case PROP_POST_MESSAGES:
      self->post_messages = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
ws_rating_tag_get_property (GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec)
{
  WsRatingTag *self = WS_RATING_TAG (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_LOCATION:
      g_value_set_string (value, self->location);
      break;
    case PROP_METADATA:
      g_value_set_string (value, self->metadata);
      break;
    case PROP_TERRITORY:
      g_value_set_string (value, self->territory);
      break;
    case PROP_SYSTEM:
      g_value_set_string (value, self->system);
      break;
    case PROP_PREFER:
      g_value_set_enum (value, self->prefer);
      break;
    case PROP_POST_MESSAGES:
      g_value_set_boolean (value, self->post_messages);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

/* ---- helpers ------------------------------------------------------------- */

/* Replaces the stream ratings (object lock held). Takes @ratings. */
static void
set_stream_ratings (WsRatingTag *self, GPtrArray *ratings, const char *source)
{
  g_ptr_array_free (self->stream_ratings, TRUE);
  self->stream_ratings = ratings;
  g_free (self->stream_source);
  self->stream_source = g_strdup (source);
}

static void
take_notes (WsRatingTag *self, GPtrArray *notes)
{
  for (guint i = 0; i < notes->len; i++)
    g_ptr_array_add (self->pending_warnings, g_strdup (notes->pdata[i]));
}

/* Walks upstream from @pad (a sink pad) looking for @target. */
static gboolean
is_upstream_of (GstPad *pad, GstObject *target, guint depth)
{
  GstPad *peer;
  gboolean found = FALSE;

  if (depth > 64)
    return FALSE;
  peer = gst_pad_get_peer (pad);
  while (peer != NULL && !found) {
    GstObject *parent = gst_object_get_parent (GST_OBJECT (peer));
    GstPad *next = NULL;

    if (GST_IS_GHOST_PAD (peer)) {
      /* a bin's source ghost pad: continue inside the bin */
      next = gst_ghost_pad_get_target (GST_GHOST_PAD (peer));
    } else if (parent != NULL && GST_IS_PAD (parent)) {
      /* the internal pad of a bin's sink ghost pad: continue outside */
      next = gst_pad_get_peer (GST_PAD (parent));
    } else if (parent != NULL && GST_IS_ELEMENT (parent)) {
      if (parent == target) {
        found = TRUE;
      } else {
        GstIterator *it = gst_element_iterate_sink_pads (GST_ELEMENT (parent));
        GValue item = G_VALUE_INIT;
        gboolean done = FALSE;

        while (!done && !found) {
          switch (gst_iterator_next (it, &item)) {
            case GST_ITERATOR_OK:
              found = is_upstream_of (g_value_get_object (&item), target,
                  depth + 1);
              g_value_reset (&item);
              break;
            case GST_ITERATOR_RESYNC:
              gst_iterator_resync (it);
              break;
            default:
              done = TRUE;
              break;
          }
        }
        g_value_unset (&item);
        gst_iterator_free (it);
      }
    }
    if (parent != NULL)
      gst_object_unref (parent);
    gst_object_unref (peer);
    peer = next;
    if (++depth > 64)
      break;
  }
  if (peer != NULL)
    gst_object_unref (peer);
  return found;
}

/* "GB dvb:15 -1 0x0C;..." : what the EIT ratings are, to skip repeats */
static char *
ratings_key (GPtrArray *ratings)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < ratings->len; i++) {
    const WsRating *r = ratings->pdata[i];

    g_string_append_printf (s, "%s %s:%s %d %s;", r->territory, r->system,
        r->code, r->minimum_age, r->source_code);
  }
  return g_string_free (s, FALSE);
}

/* ---- MPEG-TS taps: the EIT read from the packets a TS demuxer takes ------ */

/* A buffer probe on the sink pad of an element that takes an MPEG-TS and
 * gives something else (tsdemux), feeding the library's MPEG-TS rule in
 * that element's streaming thread. Reference counted: one reference is
 * the element's, one the probe's (released when the probe is removed or
 * the pad goes), so a probe running while the element stops is safe. The
 * pad and its element are weak references. */
typedef struct {
  GWeakRef pad;
  GWeakRef element;
  gulong probe_id;
  GMutex lock;
  WsEmbeddedTs *ts; /* under lock */
  gint changed;     /* atomic: a section may have changed the rating */
  gboolean has_program_number; /* the demuxer's `program-number` (tsdemux) */
} TsTap;

static void
ts_tap_clear (gpointer data)
{
  TsTap *tap = data;

  g_weak_ref_clear (&tap->pad);
  g_weak_ref_clear (&tap->element);
  ws_embedded_ts_free (tap->ts);
  g_mutex_clear (&tap->lock);
}

static void
ts_tap_unref (gpointer data)
{
  g_atomic_rc_box_release_full (data, ts_tap_clear);
}

static void
ts_tap_push (TsTap *tap, GstBuffer *buf)
{
  GstMapInfo map;

  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    return;
  g_mutex_lock (&tap->lock);
  if (ws_embedded_ts_push_packets (tap->ts, map.data, map.size))
    g_atomic_int_set (&tap->changed, 1);
  g_mutex_unlock (&tap->lock);
  gst_buffer_unmap (buf, &map);
}

static gboolean
ts_tap_push_one (GstBuffer **buf, guint idx, gpointer data)
{
  (void) idx;
  ts_tap_push (data, *buf);
  return TRUE;
}

/* The programme the demuxer plays when one is named (tsdemux
 * `program-number`, which may change while it runs). */
static void
ts_tap_follow_programme (TsTap *tap, GstPad *pad)
{
  GstObject *demuxer;
  int number = -1;

  if (!tap->has_program_number || (demuxer = gst_pad_get_parent (pad)) == NULL)
    return;
  g_object_get (demuxer, "program-number", &number, NULL);
  gst_object_unref (demuxer);
  g_mutex_lock (&tap->lock);
  if (ws_embedded_ts_set_service (tap->ts, number))
    g_atomic_int_set (&tap->changed, 1);
  g_mutex_unlock (&tap->lock);
}

/* in the demuxer's streaming thread: only the PAT, PMT and EIT PIDs are
 * looked at, the packets are not copied */
static GstPadProbeReturn
ts_tap_probe (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  ts_tap_follow_programme (data, pad);
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    ts_tap_push (data, GST_PAD_PROBE_INFO_BUFFER (info));
  else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    gst_buffer_list_foreach (GST_PAD_PROBE_INFO_BUFFER_LIST (info),
        ts_tap_push_one, data);
  return GST_PAD_PROBE_OK;
}

static gboolean
caps_are_ts (GstCaps *caps)
{
  GstCaps *ts = gst_caps_new_empty_simple ("video/mpegts");
  gboolean yes = caps != NULL && gst_caps_can_intersect (caps, ts);

  gst_caps_unref (ts);
  return yes;
}

/* A TS demuxer: a sink pad template that takes video/mpegts and no
 * source pad template that gives it (tsparse passes the TS on: the
 * demuxer after it is tapped). Returns its TS sink pad, or NULL. */
static GstPad *
ts_demuxer_sink_pad (GstElement *element)
{
  GstElementClass *klass = GST_ELEMENT_GET_CLASS (element);
  GstPadTemplate *sink = NULL;

  for (GList *l = gst_element_class_get_pad_template_list (klass); l != NULL;
       l = l->next) {
    GstPadTemplate *t = l->data;
    GstCaps *caps = gst_pad_template_get_caps (t);
    gboolean ts = !gst_caps_is_any (caps) && caps_are_ts (caps);

    gst_caps_unref (caps);
    if (!ts)
      continue;
    if (GST_PAD_TEMPLATE_DIRECTION (t) == GST_PAD_SRC)
      return NULL;
    if (GST_PAD_TEMPLATE_PRESENCE (t) == GST_PAD_ALWAYS)
      sink = t;
  }
  return sink != NULL ? gst_element_get_static_pad (element,
                            GST_PAD_TEMPLATE_NAME_TEMPLATE (sink)) :
                        NULL;
}

/* Taps @element when it is a TS demuxer not tapped yet. */
static void
tap_element (WsRatingTag *self, GstElement *element)
{
  GstPad *pad;
  TsTap *tap;

  if (GST_IS_BIN (element) || element == GST_ELEMENT_CAST (self))
    return;
  pad = ts_demuxer_sink_pad (element);
  if (pad == NULL)
    return;
  g_mutex_lock (&self->taps_lock);
  for (guint i = 0; i < self->taps->len; i++) {
    GstPad *other = g_weak_ref_get (&((TsTap *) self->taps->pdata[i])->pad);

    if (other != NULL)
      gst_object_unref (other);
    if (other == pad) {
      g_mutex_unlock (&self->taps_lock);
      gst_object_unref (pad);
      return;
    }
  }
  tap = g_atomic_rc_box_new0 (TsTap);
  g_weak_ref_init (&tap->pad, pad);
  g_weak_ref_init (&tap->element, element);
  g_mutex_init (&tap->lock);
  tap->ts = ws_embedded_ts_new (self->reg, -1);
  ws_embedded_ts_set_stream_pid (tap->ts, self->stream_pid);
  {
    GParamSpec *ps = g_object_class_find_property (G_OBJECT_GET_CLASS (element),
        "program-number");
    tap->has_program_number = ps != NULL && ps->value_type == G_TYPE_INT;
  }
  tap->probe_id = gst_pad_add_probe (pad,
      GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST, ts_tap_probe,
      g_atomic_rc_box_acquire (tap), ts_tap_unref);
  g_ptr_array_add (self->taps, tap);
  g_mutex_unlock (&self->taps_lock);
  GST_DEBUG_OBJECT (self,
      "reading the EIT from the packets into %" GST_PTR_FORMAT, pad);
  gst_object_unref (pad);
}

static void
tap_item (const GValue *item, gpointer self)
{
  tap_element (WS_RATING_TAG (self), g_value_get_object (item));
}

static void
on_deep_element_added (GstBin *bin, GstBin *sub_bin, GstElement *element,
    gpointer user_data)
{
  (void) bin;
  (void) sub_bin;
  tap_element (WS_RATING_TAG (user_data), element);
}

/* Taps every TS demuxer of the pipeline, and those added later (inside
 * decodebin), from READY to PAUSED. Only the ones upstream of this element
 * are used, at each buffer. Nothing is asked of the pipeline's bus. */
static void
tap_pipeline (WsRatingTag *self)
{
  GstObject *top = gst_object_ref (GST_OBJECT (self)), *parent;
  GstIterator *it;

  while ((parent = gst_object_get_parent (top)) != NULL) {
    gst_object_unref (top);
    top = parent;
  }
  if (!GST_IS_BIN (top)) {
    gst_object_unref (top);
    return;
  }
  self->top_bin = GST_BIN (top);
  self->deep_added_id = g_signal_connect (top, "deep-element-added",
      G_CALLBACK (on_deep_element_added), self);
  it = gst_bin_iterate_recurse (GST_BIN (top));
  /* an element seen twice after a resync is tapped once */
  while (gst_iterator_foreach (it, tap_item, self) == GST_ITERATOR_RESYNC)
    gst_iterator_resync (it);
  gst_iterator_free (it);
}

static void
untap_pipeline (WsRatingTag *self)
{
  GPtrArray *taps;

  if (self->top_bin != NULL) {
    g_signal_handler_disconnect (self->top_bin, self->deep_added_id);
    self->deep_added_id = 0;
    gst_clear_object (&self->top_bin);
  }
  g_mutex_lock (&self->taps_lock);
  taps = self->taps;
  self->taps = g_ptr_array_new ();
  g_mutex_unlock (&self->taps_lock);
  for (guint i = 0; i < taps->len; i++) {
    TsTap *tap = taps->pdata[i];
    GstPad *pad = g_weak_ref_get (&tap->pad);

    /* drops the probe's reference, now or when a running probe returns */
    if (pad != NULL) {
      gst_pad_remove_probe (pad, tap->probe_id);
      gst_object_unref (pad);
    }
    ts_tap_unref (tap); /* this element's */
  }
  g_ptr_array_unref (taps);
}

/* the taps upstream of this element, each with a reference */
static GPtrArray *
upstream_taps (WsRatingTag *self)
{
  GstPad *sinkpad = GST_BASE_TRANSFORM_SINK_PAD (self);
  GPtrArray *found = g_ptr_array_new_with_free_func (ts_tap_unref);
  GPtrArray *all = g_ptr_array_new_with_free_func (ts_tap_unref);

  g_mutex_lock (&self->taps_lock);
  for (guint i = 0; i < self->taps->len; i++)
    g_ptr_array_add (all, g_atomic_rc_box_acquire (self->taps->pdata[i]));
  g_mutex_unlock (&self->taps_lock);
  for (guint i = 0; i < all->len; i++) {
    TsTap *tap = all->pdata[i];
    GstObject *element = g_weak_ref_get (&tap->element);

    if (element != NULL && is_upstream_of (sinkpad, element, 0)) {
      g_ptr_array_add (found, g_atomic_rc_box_acquire (tap));
    } else {
      /* this element's buffers do not come from there */
      g_atomic_int_set (&tap->changed, 0);
      GST_LOG_OBJECT (self, "%" GST_PTR_FORMAT " is not upstream", element);
    }
    if (element != NULL)
      gst_object_unref (element);
  }
  g_ptr_array_unref (all);
  return found;
}

/* At a buffer: when a TS demuxer upstream of this element has seen a PAT or
 * EIT section that may change the rating (the library's MPEG-TS rule: the
 * present event of the programme), its ratings become the stream's.
 * Otherwise it costs a few atomic reads per buffer. Called without the
 * object lock. */
static void
adopt_pending_eit (WsRatingTag *self)
{
  GPtrArray *warnings, *ratings = NULL, *taps;
  gboolean any = FALSE;

  g_mutex_lock (&self->taps_lock);
  for (guint i = 0; i < self->taps->len && !any; i++)
    any = g_atomic_int_get (&((TsTap *) self->taps->pdata[i])->changed) != 0;
  g_mutex_unlock (&self->taps_lock);
  if (!any)
    return;

  warnings = g_ptr_array_new_with_free_func (g_free);
  taps = upstream_taps (self);
  for (guint i = 0; i < taps->len; i++) {
    TsTap *tap = taps->pdata[i];

    if (!g_atomic_int_compare_and_exchange (&tap->changed, 1, 0) ||
        ratings != NULL)
      continue;
    g_mutex_lock (&tap->lock);
    ratings = ws_embedded_ts_get_ratings (tap->ts, warnings);
    g_mutex_unlock (&tap->lock);
  }
  g_ptr_array_unref (taps);

  GST_OBJECT_LOCK (self);
  if (ratings != NULL && ratings->len > 0) {
    char *key = ratings_key (ratings);

    if (g_strcmp0 (key, self->last_eit_key) != 0) {
      GST_DEBUG_OBJECT (self, "EIT present event: %u parental rating(s)",
          ratings->len);
      set_stream_ratings (self, ratings, "dvb-eit");
      ratings = NULL;
      g_free (self->last_eit_key);
      self->last_eit_key = key;
    } else {
      g_free (key);
    }
  }
  take_notes (self, warnings);
  GST_OBJECT_UNLOCK (self);
  if (ratings != NULL)
    g_ptr_array_unref (ratings);
  g_ptr_array_unref (warnings);
}

static GstStateChangeReturn
ws_rating_tag_change_state (GstElement *element, GstStateChange transition)
{
  WsRatingTag *self = WS_RATING_TAG (element);
  GstStateChangeReturn ret;

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  /* after start(): the registry is loaded; before upstream streams */
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED &&
      ret != GST_STATE_CHANGE_FAILURE)
    tap_pipeline (self);
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    untap_pipeline (self);
  return ret;
}

/* ---- start / stop -------------------------------------------------------- */

/* Reads the metadata named by the properties; NULL with no error when there
 * is none. */
static WsMetadata *
load_metadata (WsRatingTag *self, const char *location, const char *xml,
    GError **error)
{
  if (location != NULL)
    return ws_metadata_read_file (location, self->reg, error);
  if (xml != NULL)
    return ws_metadata_read_memory (xml, strlen (xml), "metadata property",
        self->reg, error);
  return NULL;
}

static void
queue_metadata_warnings (WsRatingTag *self, const WsMetadata *md)
{
  for (guint i = 0; md != NULL && i < md->warnings->len; i++) {
    const WsMetadataWarning *w = g_ptr_array_index (md->warnings, i);

    if (w->line > 0)
      g_ptr_array_add (self->pending_warnings,
          g_strdup_printf ("%s:%d: %s%s%s", md->path, w->line,
              w->element ? w->element : "", w->element ? ": " : "",
              w->message));
    else
      g_ptr_array_add (self->pending_warnings,
          g_strdup_printf ("%s: %s", md->path, w->message));
  }
}

static void
post_error (WsRatingTag *self, const char *location, GError *error)
{
  if (error->domain == WS_ERROR && error->code == WS_ERROR_IO)
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ, ("%s", error->message),
        ("could not read the rating metadata %s",
            location ? location : "(inline)"));
  else if (location != NULL)
    GST_ELEMENT_ERROR (self, RESOURCE, READ, ("%s", error->message),
        ("bad rating metadata %s; fix the file or clear the property",
            location));
  else
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, ("%s", error->message),
        ("bad rating metadata in the metadata property; fix it or clear "
         "it"));
}

static gboolean
ws_rating_tag_start (GstBaseTransform *trans)
{
  WsRatingTag *self = WS_RATING_TAG (trans);
  GError *error = NULL;
  char *location, *xml;
  WsMetadata *md;

  self->reg = ws_rating_registry_get_default (&error);
  if (self->reg == NULL) {
    GST_ELEMENT_ERROR (self, LIBRARY, INIT,
        ("Could not load the rating systems: %s", error->message),
        ("set WATERSHED_DATADIR to the folder holding systems/"));
    g_error_free (error);
    return FALSE;
  }

  GST_OBJECT_LOCK (self);
  reset_state (self);
  location = g_strdup (self->location);
  xml = g_strdup (self->metadata);
  GST_OBJECT_UNLOCK (self);

  md = load_metadata (self, location, xml, &error);
  if (error != NULL) {
    post_error (self, location, error);
    g_error_free (error);
    g_free (location);
    g_free (xml);
    return FALSE;
  }
  GST_OBJECT_LOCK (self);
  self->md = md;
  queue_metadata_warnings (self, md);
  GST_OBJECT_UNLOCK (self);
  g_free (location);
  g_free (xml);
  return TRUE;
}

static gboolean
ws_rating_tag_stop (GstBaseTransform *trans)
{
  WsRatingTag *self = WS_RATING_TAG (trans);

  GST_OBJECT_LOCK (self);
  reset_state (self);
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

/* ---- events -------------------------------------------------------------- */

/* The file upstream, when the source answers the URI query with a file://
 * URI (filesrc, and demuxers pass the query upstream); NULL otherwise. */
static char *
upstream_file (WsRatingTag *self)
{
  GstQuery *q = gst_query_new_uri ();
  char *uri = NULL, *path = NULL;

  if (gst_pad_peer_query (GST_BASE_TRANSFORM_SINK_PAD (self), q))
    gst_query_parse_uri (q, &uri);
  gst_query_unref (q);
  if (uri != NULL && g_str_has_prefix (uri, "file:"))
    path = g_filename_from_uri (uri, NULL, NULL);
  GST_DEBUG_OBJECT (self, "upstream URI %s", uri ? uri : "(none)");
  g_free (uri);
  return path;
}

/* Reads the ratings of a Matroska or MP4 file upstream from its own bytes,
 * with the library's reader (the one watershed check uses): every COUNTRY
 * and nested LAW_RATING, and iTunEXTC, which qtdemux drops. Once per run
 * (again when the territory changes). Called from the streaming thread
 * without the object lock. */
static void
read_upstream_file (WsRatingTag *self)
{
  const char *territories[2] = { NULL, NULL };
  WsEmbeddedOptions opts;
  WsEmbeddedResult *res;
  GError *error = NULL;
  char *territory, *system, *path;

  GST_OBJECT_LOCK (self);
  if (self->file_checked &&
      (self->file_container == WS_EMBEDDED_CONTAINER_UNKNOWN ||
          g_strcmp0 (self->file_territory, self->territory) == 0)) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  self->file_checked = TRUE;
  territory = g_strdup (self->territory);
  system = g_strdup (self->system);
  GST_OBJECT_UNLOCK (self);

  path = upstream_file (self);
  if (path == NULL)
    goto out;
  ws_embedded_options_init (&opts);
  territories[0] = territory;
  opts.territories = territory ? territories : NULL;
  opts.system = system;
  /* an MPEG-TS is rated from the bus sections: do not scan it here */
  opts.ts_scan_bytes = 188;
  res = ws_embedded_read_file (self->reg, path, &opts, &error);
  GST_OBJECT_LOCK (self);
  if (res == NULL) {
    g_ptr_array_add (self->pending_warnings,
        g_strdup_printf ("Embedded ratings not read from the file: %s",
            error->message));
    g_clear_error (&error);
  } else if (res->container == WS_EMBEDDED_CONTAINER_MATROSKA ||
             res->container == WS_EMBEDDED_CONTAINER_MP4) {
    /* MPEG-TS: the EIT changes as the stream plays; it comes from the
     * sections on the bus instead */
    GST_DEBUG_OBJECT (self, "%u rating(s) in %s (%s)", res->ratings->len, path,
        ws_embedded_container_to_string (res->container));
    self->file_container = res->container;
    g_free (self->file_territory);
    self->file_territory = g_strdup (territory);
    if (res->ratings->len > 0) {
      set_stream_ratings (self, g_ptr_array_ref (res->ratings),
          res->container == WS_EMBEDDED_CONTAINER_MP4 ? "mp4" : "matroska");
    } else if (self->stream_source != NULL &&
               (strcmp (self->stream_source, "matroska") == 0 ||
                   strcmp (self->stream_source, "mp4") == 0)) {
      /* the territory changed and the file has nothing for the new one */
      g_ptr_array_set_size (self->stream_ratings, 0);
      g_clear_pointer (&self->stream_source, g_free);
    }
    take_notes (self, res->warnings);
  }
  GST_OBJECT_UNLOCK (self);
  ws_embedded_result_free (res);
out:
  g_free (path);
  g_free (territory);
  g_free (system);
}

/* Ratings in the tag list (what a demuxer passes on), when the file's own
 * bytes could not be read: iTunEXTC extended comments, else Matroska
 * LAW_RATING ones. */
static void
handle_tags (WsRatingTag *self, GstTagList *tags)
{
  guint n = gst_tag_list_get_tag_size (tags, GST_TAG_EXTENDED_COMMENT);
  GPtrArray *comments = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *notes = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *ratings = NULL;
  const char *source = "matroska";
  char *territory, *system;
  gboolean from_file;

  read_upstream_file (self);
  GST_OBJECT_LOCK (self);
  from_file = self->file_container != WS_EMBEDDED_CONTAINER_UNKNOWN;
  GST_OBJECT_UNLOCK (self);
  if (from_file)
    goto out; /* the same tags, read whole from the file */

  for (guint i = 0; i < n; i++) {
    char *c = NULL;

    if (gst_tag_list_get_string_index (tags, GST_TAG_EXTENDED_COMMENT, i, &c))
      g_ptr_array_add (comments, c);
  }
  if (comments->len == 0)
    goto out;

  GST_OBJECT_LOCK (self);
  territory = g_strdup (self->territory);
  system = g_strdup (self->system);
  GST_OBJECT_UNLOCK (self);

  /* iTunEXTC (an MP4 freeform atom) when a demuxer passes it on: every one
   * of them */
  for (guint i = 0; i < comments->len; i++) {
    const char *c = comments->pdata[i];
    const char *eq = strchr (c, '=');
    char *key, *note = NULL;
    GError *error = NULL;
    WsRating *r;

    if (eq == NULL)
      continue;
    key = g_strndup (c, eq - c);
    if (g_str_has_suffix (key, "iTunEXTC") ||
        g_str_has_suffix (key, "ITUNEXTC")) {
      r = ws_embedded_parse_itunextc (self->reg, eq + 1, &note, &error);
      if (r != NULL) {
        if (ratings == NULL)
          ratings = g_ptr_array_new_with_free_func (
              (GDestroyNotify) ws_rating_free);
        g_ptr_array_add (ratings, r);
        source = "mp4";
        if (note != NULL)
          g_ptr_array_add (notes, note);
      } else {
        g_ptr_array_add (notes, g_strdup (error->message));
        g_error_free (error);
      }
    }
    g_free (key);
  }
  if (ratings == NULL) {
    ratings = ws_embedded_parse_matroska_tags (self->reg,
        (const char *const *) comments->pdata, comments->len, territory, system,
        notes);
    if (ratings->len == 0)
      g_clear_pointer (&ratings, g_ptr_array_unref);
  }
  /* two ratings for one territory: the most restrictive, with a warning */
  if (ratings != NULL)
    ws_rating_resolve_conflicts (ratings, notes);
  g_free (territory);
  g_free (system);

  GST_OBJECT_LOCK (self);
  if (ratings != NULL) {
    GST_DEBUG_OBJECT (self, "%u rating(s) in the stream tags (%s)",
        ratings->len, source);
    set_stream_ratings (self, ratings, source);
  }
  take_notes (self, notes);
  GST_OBJECT_UNLOCK (self);
out:
  g_ptr_array_free (notes, TRUE);
  g_ptr_array_free (comments, TRUE);
}

/* At the end of the stream: what the MPEG-TS rule counted (bad-CRC
 * sections), said once. */
static void
finish_ts (WsRatingTag *self)
{
  GPtrArray *warnings, *taps = upstream_taps (self);

  warnings = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < taps->len; i++) {
    TsTap *tap = taps->pdata[i];

    g_mutex_lock (&tap->lock);
    ws_embedded_ts_finish (tap->ts, warnings);
    g_mutex_unlock (&tap->lock);
  }
  g_ptr_array_unref (taps);
  for (guint i = 0; i < warnings->len; i++)
    GST_ELEMENT_WARNING (self, STREAM, FORMAT,
        ("%s", (char *) warnings->pdata[i]), (NULL));
  g_ptr_array_unref (warnings);
}

/* The PID of the stream received, when a TS demuxer made its stream-id
 * (tsdemux: the upstream id, "/", the PID in 8 hex digits), or -1. */
static int
stream_pid_of (GstEvent *event)
{
  const char *id = NULL, *last;
  char *end = NULL;
  guint64 pid;

  gst_event_parse_stream_start (event, &id);
  if (id == NULL || (last = strrchr (id, '/')) == NULL ||
      strlen (last + 1) != 8)
    return -1;
  pid = g_ascii_strtoull (last + 1, &end, 16);
  if (end == NULL || *end != '\0' || pid >= 0x1FFF)
    return -1;
  return (int) pid;
}

/* A new stream: the TS demuxers' rule follows the programme that holds
 * it (a multi-programme TS whose programme is not named in the demuxer). */
static void
follow_stream (WsRatingTag *self, GstEvent *event)
{
  int pid = stream_pid_of (event);

  g_mutex_lock (&self->taps_lock);
  self->stream_pid = pid;
  for (guint i = 0; i < self->taps->len; i++) {
    TsTap *tap = self->taps->pdata[i];

    g_mutex_lock (&tap->lock);
    if (ws_embedded_ts_set_stream_pid (tap->ts, pid))
      g_atomic_int_set (&tap->changed, 1);
    g_mutex_unlock (&tap->lock);
  }
  g_mutex_unlock (&self->taps_lock);
  GST_DEBUG_OBJECT (self, "stream PID %d", pid);
}

static gboolean
ws_rating_tag_sink_event (GstBaseTransform *trans, GstEvent *event)
{
  WsRatingTag *self = WS_RATING_TAG (trans);

  if (ws_rating_event_is (event)) {
    char *source = NULL;
    WsRating *r = ws_rating_event_parse (event, &source);
    GPtrArray *ratings = g_ptr_array_new_with_free_func (
        (GDestroyNotify) ws_rating_free);

    g_ptr_array_add (ratings, r);
    GST_OBJECT_LOCK (self);
    set_stream_ratings (self, ratings, source ? source : "application");
    self->resend = TRUE;
    GST_OBJECT_UNLOCK (self);
    g_free (source);
    /* ours, with the winner, goes out before the next buffer */
    gst_event_unref (event);
    return TRUE;
  }
  if (ws_event_has_name (event, WS_PROGRAMME_START_EVENT_NAME)) {
    GST_OBJECT_LOCK (self);
    g_ptr_array_set_size (self->stream_ratings, 0);
    g_clear_pointer (&self->stream_source, g_free);
    g_clear_pointer (&self->last_eit_key, g_free);
    self->programme_start = TRUE;
    self->resend = TRUE;
    GST_OBJECT_UNLOCK (self);
  } else if (GST_EVENT_TYPE (event) == GST_EVENT_TAG) {
    GstTagList *tags = NULL;

    gst_event_parse_tag (event, &tags);
    handle_tags (self, tags);
  } else if (GST_EVENT_TYPE (event) == GST_EVENT_STREAM_START) {
    follow_stream (self, event);
  } else if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS) {
    read_upstream_file (self);
  } else if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    adopt_pending_eit (self);
    finish_ts (self);
  }
  return GST_BASE_TRANSFORM_CLASS (parent_class)->sink_event (trans, event);
}

/* ---- buffers ------------------------------------------------------------- */

/* "GB, DE, FR": the territories @md has ratings for, in document order. */
static char *
metadata_territories (const WsMetadata *md)
{
  GString *s = g_string_new (NULL);
  GPtrArray *seen = g_ptr_array_new ();

  for (guint i = 0; i < md->ratings->len; i++) {
    const WsRating *r = g_ptr_array_index (md->ratings, i);

    if (r->territory == NULL || g_ptr_array_find_with_equal_func (seen,
                                    r->territory, g_str_equal, NULL))
      continue;
    g_ptr_array_add (seen, r->territory);
    g_string_append_printf (s, "%s%s", s->len ? ", " : "", r->territory);
  }
  g_ptr_array_free (seen, TRUE);
  return g_string_free (s, FALSE);
}

/* "acb, acma, bbfc, ...": the ids of @reg's systems. */
static char *
known_systems (const WsRatingRegistry *reg)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < ws_rating_registry_get_n_systems (reg); i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "",
        ws_rating_system_get_id (ws_rating_registry_get_system (reg, i)));
  return g_string_free (s, FALSE);
}

/* What the metadata lacks for the territory and system asked for, as a
 * warning naming the file: no rating for the territory (and the
 * territories it does have), an unknown territory code, an unknown
 * system property, a rating of an unknown system or code, or no rating in
 * the preferred system. NULL when nothing is missing. Object lock held. */
static char *
missing_rating_message (WsRatingTag *self, const WsRating *picked)
{
  const WsMetadata *md = self->md;
  const WsRatingSystem *sys;
  const char *cc = self->territory ? ws_territory_normalise (self->territory) :
                                     NULL;
  char *has, *known, *msg, *where;

  if (self->territory != NULL && cc == NULL)
    return g_strdup_printf ("territory \"%s\" is not an ISO 3166-1 country "
                            "code (GB, DEU, 250): no rating of %s applies",
        self->territory, md->path);
  if (self->system != NULL &&
      ws_rating_registry_lookup_system (self->reg, self->system) == NULL) {
    known = known_systems (self->reg);
    msg = g_strdup_printf ("system \"%s\" is not a known rating system "
                           "(known: %s); no preference is applied to %s",
        self->system, known, md->path);
    g_free (known);
    return msg;
  }
  if (picked == NULL) {
    has = metadata_territories (md);
    if (*has != '\0')
      msg = g_strdup_printf ("%s has no rating for territory %s; it has "
                             "ratings for %s",
          md->path, cc ? cc : "any territory", has);
    else
      msg = g_strdup_printf ("%s has no rating for territory %s; it has no "
                             "rating for any territory",
          md->path, cc ? cc : "any territory");
    g_free (has);
    return msg;
  }
  if (picked->system == NULL) {
    where = picked->line > 0 ?
                g_strdup_printf ("%s:%d", md->path, picked->line) :
                g_strdup (md->path);
    sys = picked->source_system != NULL ?
              ws_rating_registry_lookup_system (self->reg,
                  picked->source_system) :
              NULL;
    if (sys == NULL) {
      known = known_systems (self->reg);
      msg = g_strdup_printf ("%s: the rating for %s names the rating "
                             "system \"%s\", which is not known (known: %s): "
                             "treated as unrated (fail closed)",
          where, picked->territory ? picked->territory : "every territory",
          picked->source_system ? picked->source_system : "", known);
      g_free (known);
    } else {
      GString *codes = g_string_new (NULL);

      for (guint i = 0; i < ws_rating_system_get_n_ratings (sys); i++)
        g_string_append_printf (codes, "%s%s", i ? ", " : "",
            ws_rating_def_get_code (ws_rating_system_get_rating (sys, i)));
      msg = g_strdup_printf ("%s: the rating for %s has the code \"%s\", "
                             "which is not one of %s (%s): treated as "
                             "unrated (fail closed)",
          where, picked->territory ? picked->territory : "every territory",
          picked->source_code ? picked->source_code : "",
          ws_rating_system_get_id (sys), codes->str);
      g_string_free (codes, TRUE);
    }
    g_free (where);
    return msg;
  }
  if (self->system != NULL && strcmp (picked->system, self->system) != 0) {
    char *name = ws_rating_to_string (picked);

    msg = g_strdup_printf ("%s has no %s rating for %s; using %s", md->path,
        self->system, cc ? cc : "the programme", name);
    g_free (name);
    return msg;
  }
  return NULL;
}

/* Checks what the metadata lacks when the pick or the properties changed
 * (no string is built otherwise); returns the warning to post, once per
 * metadata. Object lock held. */
static char *
check_missing (WsRatingTag *self, const WsRating *picked)
{
  char *msg;

  if (self->md == NULL ||
      (self->md == self->checked_md && picked == self->checked_pick &&
          g_strcmp0 (self->territory, self->checked_territory) == 0 &&
          g_strcmp0 (self->system, self->checked_system) == 0))
    return NULL;
  self->checked_md = self->md;
  self->checked_pick = picked;
  g_free (self->checked_territory);
  self->checked_territory = g_strdup (self->territory);
  g_free (self->checked_system);
  self->checked_system = g_strdup (self->system);
  msg = missing_rating_message (self, picked);
  if (msg != NULL && g_hash_table_contains (self->said, msg))
    g_clear_pointer (&msg, g_free);
  if (msg != NULL)
    g_hash_table_add (self->said, g_strdup (msg));
  return msg;
}

static GstMessage *
build_message (WsRatingTag *self, const WsRating *r, const char *source,
    const char *disagreement, GstClockTime ts, GstClockTime stream_time,
    GstClockTime running_time, GstClockTime duration)
{
  GstStructure *s;
  char *name = ws_rating_to_string (r);

  s = ws_timed_structure_new ("ratingtag", ts, stream_time, running_time,
      duration);
  gst_structure_set (s, "rating", G_TYPE_STRING, name, NULL);
  g_free (name);
  if (r->system != NULL)
    gst_structure_set (s, "system", G_TYPE_STRING, r->system, NULL);
  if (r->code != NULL)
    gst_structure_set (s, "code", G_TYPE_STRING, r->code, NULL);
  gst_structure_set (s, "minimum-age", G_TYPE_INT, r->minimum_age, NULL);
  if (r->territory != NULL)
    gst_structure_set (s, "territory", G_TYPE_STRING, r->territory, NULL);
  gst_structure_set (s, "source", G_TYPE_STRING, source, NULL);
  if (ws_rating_pick_text (r->texts, NULL) != NULL)
    gst_structure_set (s, "text", G_TYPE_STRING,
        ws_rating_pick_text (r->texts, NULL), NULL);
  if (r->programme != NULL)
    gst_structure_set (s, "programme", G_TYPE_STRING, r->programme, NULL);
  gst_structure_set (s, "segment-start", G_TYPE_INT64, r->start_ns,
      "segment-end", G_TYPE_INT64, r->end_ns, NULL);
  if (disagreement != NULL)
    gst_structure_set (s, "disagreement", G_TYPE_STRING, disagreement, NULL);
  return gst_message_new_element (GST_OBJECT (self), s);
}

static GstFlowReturn
reload_metadata (WsRatingTag *self, GstClockTime stream_time)
{
  GError *error = NULL;
  char *location, *xml;
  WsMetadata *md;

  GST_OBJECT_LOCK (self);
  location = g_strdup (self->location);
  xml = g_strdup (self->metadata);
  self->reload = FALSE;
  GST_OBJECT_UNLOCK (self);

  md = load_metadata (self, location, xml, &error);
  if (error != NULL) {
    post_error (self, location, error);
    g_error_free (error);
    g_free (location);
    g_free (xml);
    return GST_FLOW_ERROR;
  }
  GST_INFO_OBJECT (self,
      "new programme metadata %s from stream time %" GST_TIME_FORMAT,
      location ? location : "(inline)", GST_TIME_ARGS (stream_time));
  GST_OBJECT_LOCK (self);
  ws_metadata_free (self->md);
  self->md = md;
  forget_checked (self);
  queue_metadata_warnings (self, md);
  /* a new programme: the old one's stream ratings no longer apply */
  g_ptr_array_set_size (self->stream_ratings, 0);
  g_clear_pointer (&self->stream_source, g_free);
  g_clear_pointer (&self->last_eit_key, g_free);
  self->programme_start = TRUE;
  self->resend = TRUE;
  GST_OBJECT_UNLOCK (self);
  g_free (location);
  g_free (xml);
  return GST_FLOW_OK;
}

static GstFlowReturn
ws_rating_tag_transform_ip (GstBaseTransform *trans, GstBuffer *buf)
{
  WsRatingTag *self = WS_RATING_TAG (trans);
  GstClockTime ts = GST_BUFFER_PTS (buf), stream_time = GST_CLOCK_TIME_NONE;
  GstClockTime running_time = GST_CLOCK_TIME_NONE;
  const WsRating *from_md = NULL, *from_stream = NULL, *chosen = NULL;
  const char *chosen_source = NULL;
  WsRating *send = NULL;
  char *send_source = NULL, *disagreement = NULL, *warn = NULL;
  char *missing;
  GPtrArray *warnings;
  gboolean post;
  gint64 position = 0;

  if (!GST_CLOCK_TIME_IS_VALID (ts))
    ts = GST_BUFFER_DTS (buf);
  if (GST_CLOCK_TIME_IS_VALID (ts) &&
      trans->segment.format == GST_FORMAT_TIME) {
    stream_time = gst_segment_to_stream_time (&trans->segment, GST_FORMAT_TIME,
        ts);
    running_time = gst_segment_to_running_time (&trans->segment,
        GST_FORMAT_TIME, ts);
  }

  read_upstream_file (self);
  adopt_pending_eit (self);
  GST_OBJECT_LOCK (self);
  if (self->reload) {
    GST_OBJECT_UNLOCK (self);
    if (reload_metadata (self, stream_time) != GST_FLOW_OK)
      return GST_FLOW_ERROR;
    GST_OBJECT_LOCK (self);
  }
  if (self->programme_start) {
    self->programme_start = FALSE;
    self->programme_start_time = GST_CLOCK_TIME_IS_VALID (stream_time) ?
                                     stream_time :
                                     0;
  }
  if (GST_CLOCK_TIME_IS_VALID (stream_time) &&
      stream_time > self->programme_start_time)
    position = (gint64) (stream_time - self->programme_start_time);

  if (self->md != NULL)
    from_md = ws_metadata_pick_at (self->md, self->territory, self->system,
        position);
  missing = check_missing (self, from_md);
  from_stream = ws_ratings_pick (self->stream_ratings, self->territory,
      self->system);

  if (from_md != NULL &&
      (from_stream == NULL || self->prefer == WS_RATING_TAG_PREFER_METADATA)) {
    chosen = from_md;
    chosen_source = from_md->start_ns >= 0 || from_md->end_ns >= 0 ?
                        "sidecar-segment" :
                        "metadata";
  } else if (from_stream != NULL) {
    chosen = from_stream;
    chosen_source = self->stream_source ? self->stream_source : "application";
  }

  if (from_md != NULL && from_stream != NULL &&
      from_md->minimum_age != from_stream->minimum_age) {
    const WsRating *other = chosen == from_md ? from_stream : from_md;
    const char *other_source = chosen == from_md ?
                                   (self->stream_source ? self->stream_source :
                                                          "application") :
                                   "metadata";
    char *a = ws_rating_describe (other), *b = ws_rating_describe (chosen);

    disagreement = g_strdup_printf ("%s (%s)", a, other_source);
    if (g_strcmp0 (disagreement, self->last_disagreement) != 0) {
      warn = g_strdup_printf ("The %s rates this programme %s (minimum age "
                              "%d) but the %s rates it %s (minimum age %d); "
                              "using %s "
                              "(prefer=%s)",
          chosen == from_md ? "stream" : "metadata", a, other->minimum_age,
          chosen == from_md ? "metadata" : "stream", b, chosen->minimum_age, b,
          self->prefer == WS_RATING_TAG_PREFER_METADATA ? "metadata" :
                                                          "stream");
      g_free (self->last_disagreement);
      self->last_disagreement = g_strdup (disagreement);
    }
    g_free (a);
    g_free (b);
  } else {
    g_clear_pointer (&self->last_disagreement, g_free);
  }

  if (chosen != NULL &&
      (self->resend || !ws_rating_equal (chosen, self->current) ||
          g_strcmp0 (chosen_source, self->current_source) != 0)) {
    ws_rating_free (self->current);
    self->current = ws_rating_copy (chosen);
    g_free (self->current_source);
    self->current_source = g_strdup (chosen_source);
    self->resend = FALSE;
    send = ws_rating_copy (chosen);
    send_source = g_strdup (chosen_source);
  }
  post = self->post_messages;
  warnings = self->pending_warnings;
  self->pending_warnings = g_ptr_array_new_with_free_func (g_free);
  GST_OBJECT_UNLOCK (self);

  for (guint i = 0; i < warnings->len; i++)
    GST_ELEMENT_WARNING (self, STREAM, FORMAT,
        ("%s", (char *) warnings->pdata[i]), (NULL));
  g_ptr_array_free (warnings, TRUE);
  if (missing != NULL) {
    GST_WARNING_OBJECT (self, "%s", missing);
    GST_ELEMENT_WARNING (self, RESOURCE, NOT_FOUND, ("%s", missing), (NULL));
    g_free (missing);
  }
  if (warn != NULL) {
    GST_ELEMENT_WARNING (self, STREAM, FORMAT, ("%s", warn), (NULL));
    g_free (warn);
  }

  if (send != NULL) {
    GstPad *srcpad = GST_BASE_TRANSFORM_SRC_PAD (trans);
    char *name = ws_rating_describe (send);

    GST_INFO_OBJECT (self, "rating %s (%s) from stream time %" GST_TIME_FORMAT,
        name, send_source, GST_TIME_ARGS (stream_time));
    g_free (name);
    gst_pad_push_event (srcpad, ws_rating_event_new (send, send_source));
    gst_pad_push_event (srcpad,
        gst_event_new_tag (ws_rating_to_tag_list (send)));
    if (post)
      gst_element_post_message (GST_ELEMENT (self),
          build_message (self, send, send_source, disagreement, ts, stream_time,
              running_time, GST_BUFFER_DURATION (buf)));
    ws_rating_free (send);
    g_free (send_source);
  }
  g_free (disagreement);
  return GST_FLOW_OK;
}
