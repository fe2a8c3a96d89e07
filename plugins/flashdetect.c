/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:element-flashdetect
 * @title: flashdetect
 * @short_description: photosensitive flash analysis (ITU-R BT.1702, Ofcom)
 *
 * flashdetect looks at raw video as it passes (the buffers are not touched)
 * and finds sequences that break the broadcast rules on photosensitive
 * epilepsy: more than 3 flashes in any second over more than a quarter of
 * the screen, where a flash is a pair of opposing luminance changes of at
 * least 20 cd/m² whose darker state is below 160 cd/m² on a 200 cd/m²
 * display, and the same for transitions to or from saturated red. The
 * analysis is per region of the picture (a grid of cells, see
 * filters/ws-flash.h), so localised flashing is measured by its real area.
 * Warnings are raised close to the limit (3 flashes per second, or 20–25 %
 * of the screen) and for extended flashing (more than 80 % of the last 5 s
 * close to failing). Spatial patterns are not analysed.
 *
 * Range, matrix, primaries and transfer function come from the caps'
 * colorimetry (matrices BT.601, BT.709 and BT.2020; other matrices are
 * treated as BT.709, unknown ranges as limited for YUV).
 *
 * HDR: with the transfer `smpte2084` (colorimetry `bt2100-pq`) luminance
 * is the SMPTE ST 2084 EOTF's absolute cd/m²; with `arib-std-b67`
 * (`bt2100-hlg`) it is the BT.2100 HLG inverse OETF and OOTF on a display
 * of #WsFlashDetect:hlg-peak-luminance (system gamma 1.2 at 1000 cd/m²,
 * 1.2 + 0.42 log10 (L_W / 1000)). The thresholds (20 cd/m², darker state
 * below 160 cd/m²) then apply to that absolute luminance, as ITU-R
 * BT.1702-3 does for HDR. BT.2020 primaries weight luminance with 0.2627,
 * 0.6780, 0.0593, and the red rule converts them to BT.709 first. Every
 * other transfer is SDR on the #WsFlashDetect:peak-luminance display
 * (sRGB EOTF). 10- and 12-bit video whose caps carry no colorimetry (or an
 * unknown transfer) is analysed as SDR BT.709 and the element posts a
 * warning message saying so: tag the caps (e.g. with `capssetter` or at
 * the decoder) for a real HDR analysis.
 *
 * When #WsFlashDetect:post-messages is %TRUE, element messages named
 * `flashdetect` are posted on the bus. Every message starts with:
 *
 * * `timestamp` (#guint64): buffer timestamp of the frame being analysed.
 * * `stream-time` (#guint64), `running-time` (#guint64): the same in stream
 *   and running time.
 * * `duration` (#guint64): buffer duration.
 * * `event` (#gchararray): `incident-start`, `incident-update`,
 *   `incident-end`, `frame` or `summary`.
 *
 * Incident messages (`incident-start` when the incident is detected,
 * `incident-update` when its verdict rises to `fail` or extended flashing is
 * found in it, `incident-end` after 1 s of frames that neither fail nor
 * warn, or at EOS) add:
 *
 * * `kind` (#gchararray): `luminance`, `red` or `pattern` (a regular
 *   pattern of stripes over more than a quarter of the screen, stationary
 *   for more than 0.5 s, or reversing or flashing).
 * * `verdict` (#gchararray): `warn` or `fail` (worst so far).
 * * `extended` (#gboolean): extended flashing was seen.
 * * `start`, `end` (#guint64): buffer time of the first and last transition
 *   of the flashing, in nanoseconds (`end` is the last one so far in
 *   `incident-start`).
 * * `peak-rate` (#gdouble): highest flash rate, flashes per second.
 * * `area` (#gdouble): largest flagged share of the screen, 0..1.
 * * `risk` (#gdouble): largest risk value (above 1.0 means fail).
 * * `stripe-pairs` (#gint): `pattern` incidents only: the most light-dark
 *   stripe pairs counted along one row or column. For patterns `start` is
 *   when the pattern appeared, `end` the end of its last failing frame and
 *   `peak-rate` its reversals per second divided by 2.
 * * `transfer` (#gchararray): the transfer function assumed: `sdr-srgb`,
 *   `pq` or `hlg`.
 *
 * With #WsFlashDetect:post-frames, a `frame` message per frame adds
 * `luminance-risk`, `red-risk` (#gdouble, 1.0 is the limit),
 * `luminance-area`, `red-area` (#gdouble, share flashing more than 3 times
 * per second), `luminance-rate`, `red-rate` (#gdouble, flashes per second of
 * the fastest cell), `luminance` (#gdouble, mean cd/m²) and `verdict`
 * (#gchararray), then `pattern-risk` and `pattern-area` (#gdouble, share of
 * the screen covered by regular patterns).
 *
 * On EOS a `summary` message adds `verdict` (#gchararray: `pass`, `warn` or
 * `fail`), `incident-count` (#guint), `transfer` (#gchararray, as above),
 * `primaries` (#gchararray: `bt709` or `bt2020`) and `standard`
 * (#gchararray: `ITU-R BT.1702-3`).
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 -m videotestsrc pattern=ball num-buffers=100 ! flashdetect ! fakesink
 * ]| analyses 100 frames of a bouncing ball and prints the summary message
 * (verdict pass).
 * |[
 * gst-launch-1.0 -m filesrc location=hdr.mkv ! matroskademux ! h265parse ! avdec_h265 ! flashdetect hlg-peak-luminance=1000 ! fakesink
 * ]| analyses an HEVC Main10 file; its PQ or HLG colorimetry comes from
 * the stream (the summary's `transfer` says which).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "flashdetect.h"
#include "ws-element.h"

GST_DEBUG_CATEGORY_STATIC (flashdetect_debug);
#define GST_CAT_DEFAULT flashdetect_debug

enum {
  PROP_0,
  PROP_POST_MESSAGES,
  PROP_POST_FRAMES,
  PROP_EXTENDED_IS_FAILURE,
  PROP_GRID_COLUMNS,
  PROP_SAMPLE_STEP,
  PROP_PEAK_LUMINANCE,
  PROP_HLG_PEAK_LUMINANCE,
  PROP_TRANSFER,
  PROP_VERDICT,
  PROP_INCIDENT_COUNT,
};

#define DEFAULT_POST_MESSAGES TRUE
#define DEFAULT_POST_FRAMES FALSE
#define DEFAULT_EXTENDED_IS_FAILURE FALSE
#define DEFAULT_GRID_COLUMNS 96
#define DEFAULT_SAMPLE_STEP 0
#define DEFAULT_PEAK_LUMINANCE 200.0
#define DEFAULT_HLG_PEAK_LUMINANCE 1000.0

#define FLASH_FORMATS                                                    \
  "{ I420, YV12, NV12, NV21, Y42B, Y444, YUY2, UYVY, "                   \
  "I420_10LE, P010_10LE, RGB, BGR, RGBx, BGRx, xRGB, xBGR, RGBA, BGRA, " \
  "ARGB, ABGR, I422_10LE, Y444_10LE, I420_12LE, I422_12LE, Y444_12LE, "  \
  "P012_LE }"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (FLASH_FORMATS)));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (FLASH_FORMATS)));

typedef struct {
  WsFlashIncident incident;
  WsFlashIncidentEvent event;
} PendingIncident;

G_DEFINE_TYPE (WsFlashDetect, ws_flash_detect, GST_TYPE_VIDEO_FILTER);
GST_ELEMENT_REGISTER_DEFINE (flashdetect, "flashdetect", GST_RANK_NONE,
    WS_TYPE_FLASH_DETECT);

static void ws_flash_detect_set_property (GObject *object, guint prop_id,
    const GValue *value, GParamSpec *pspec);
static void ws_flash_detect_get_property (GObject *object, guint prop_id,
    GValue *value, GParamSpec *pspec);
static void ws_flash_detect_finalize (GObject *object);
static gboolean ws_flash_detect_start (GstBaseTransform *trans);
static gboolean ws_flash_detect_stop (GstBaseTransform *trans);
static gboolean ws_flash_detect_sink_event (GstBaseTransform *trans,
    GstEvent *event);
static gboolean ws_flash_detect_set_info (GstVideoFilter *filter,
    GstCaps *incaps, GstVideoInfo *in_info, GstCaps *outcaps,
    GstVideoInfo *out_info);
static GstFlowReturn ws_flash_detect_transform_frame_ip (GstVideoFilter *filter,
    GstVideoFrame *frame);

static void
ws_flash_detect_class_init (WsFlashDetectClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstVideoFilterClass *filter_class = GST_VIDEO_FILTER_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (flashdetect_debug, "flashdetect", 0,
      "photosensitive flash analysis");

  gobject_class->set_property = ws_flash_detect_set_property;
  gobject_class->get_property = ws_flash_detect_get_property;
  gobject_class->finalize = ws_flash_detect_finalize;

  g_object_class_install_property (gobject_class, PROP_POST_MESSAGES,
      g_param_spec_boolean ("post-messages", "Post Messages",
          "Post flashdetect incident and summary messages on the bus",
          DEFAULT_POST_MESSAGES,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_POST_FRAMES,
      g_param_spec_boolean ("post-frames", "Post Frames",
          "Also post one flashdetect message per frame with the risk trace "
          "(needs post-messages)",
          DEFAULT_POST_FRAMES,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_EXTENDED_IS_FAILURE,
      g_param_spec_boolean ("extended-is-failure", "Extended Is Failure",
          "Rate extended flashing (more than 80% of 5 s close to the limit) "
          "as a failure, as HardingFPA does, instead of a warning",
          DEFAULT_EXTENDED_IS_FAILURE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_GRID_COLUMNS,
      g_param_spec_int ("grid-columns", "Grid Columns",
          "Columns of the analysis grid (cells); rows follow the aspect "
          "ratio",
          1, 1024, DEFAULT_GRID_COLUMNS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_SAMPLE_STEP,
      g_param_spec_int ("sample-step", "Sample Step",
          "Read one pixel in each N x N block, on a lattice that shifts by "
          "a row and a column from one band of N rows to the next (so both "
          "fields and fine stripes are seen); 0 = by resolution, as "
          "watershed check: width / 480, at least 2 (2 up to 720p, 4 at "
          "1080p, 8 at 2160p)",
          0, 16, DEFAULT_SAMPLE_STEP,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_PEAK_LUMINANCE,
      g_param_spec_double ("peak-luminance", "Peak Luminance",
          "Peak white of the SDR display model (cd/m2)", 1.0, 10000.0,
          DEFAULT_PEAK_LUMINANCE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_HLG_PEAK_LUMINANCE,
      g_param_spec_double ("hlg-peak-luminance", "HLG Peak Luminance",
          "Nominal peak luminance L_W of the display HLG video is judged on "
          "(cd/m2); sets the OOTF's system gamma, 1.2 at 1000",
          100.0, 10000.0, DEFAULT_HLG_PEAK_LUMINANCE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_TRANSFER,
      g_param_spec_string ("transfer", "Transfer",
          "Transfer function assumed for the current caps: sdr-srgb, pq or "
          "hlg",
          "sdr-srgb", G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_VERDICT,
      g_param_spec_string ("verdict", "Verdict",
          "Worst verdict so far: pass, warn or fail", "pass",
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_INCIDENT_COUNT,
      g_param_spec_uint ("incident-count", "Incident Count",
          "Incidents detected so far (open ones included)", 0, G_MAXUINT, 0,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  gst_element_class_set_static_metadata (element_class,
      "Photosensitive flash detector", "Filter/Analyzer/Video",
      "Finds luminance and red flashing that breaks ITU-R BT.1702 / Ofcom "
      "photosensitive epilepsy limits. Bus: element messages "
      "\"flashdetect\" with timestamp, stream-time, running-time, duration "
      "(guint64 ns) and event: \"incident-start\", \"incident-update\", "
      "\"incident-end\" add kind (\"luminance\" or \"red\"), verdict "
      "(\"warn\" or \"fail\"), extended (gboolean), start, end (guint64 "
      "ns), peak-rate (flashes/s), area (0..1), risk (above 1.0 fails); "
      "\"frame\" (post-frames) adds luminance-risk, red-risk, "
      "luminance-area, red-area, luminance-rate, red-rate, luminance "
      "(cd/m2) and verdict; \"summary\" on EOS adds verdict (\"pass\", "
      "\"warn\" or \"fail\") and incident-count (guint). See "
      "docs/flashdetect.md",
      "watershed");
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);

  trans_class->start = GST_DEBUG_FUNCPTR (ws_flash_detect_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (ws_flash_detect_stop);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (ws_flash_detect_sink_event);
  filter_class->set_info = GST_DEBUG_FUNCPTR (ws_flash_detect_set_info);
  filter_class->transform_frame_ip = GST_DEBUG_FUNCPTR (
      ws_flash_detect_transform_frame_ip);
}

static void
ws_flash_detect_init (WsFlashDetect *self)
{
  self->post_messages = DEFAULT_POST_MESSAGES;
  self->post_frames = DEFAULT_POST_FRAMES;
  self->extended_is_failure = DEFAULT_EXTENDED_IS_FAILURE;
  self->grid_columns = DEFAULT_GRID_COLUMNS;
  self->sample_step = DEFAULT_SAMPLE_STEP;
  self->peak_luminance = DEFAULT_PEAK_LUMINANCE;
  self->hlg_peak_luminance = DEFAULT_HLG_PEAK_LUMINANCE;
  self->eotf = WS_FLASH_EOTF_SRGB;
  self->primaries = WS_FLASH_PRIMARIES_BT709;
  self->pending = g_ptr_array_new_with_free_func (g_free);
  self->last_pts = GST_CLOCK_TIME_NONE;
  self->verdict = WS_FLASH_VERDICT_PASS;
  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), TRUE);
  gst_base_transform_set_in_place (GST_BASE_TRANSFORM (self), TRUE);
}

static void
ws_flash_detect_set_property (GObject *object, guint prop_id,
    const GValue *value, GParamSpec *pspec)
{
  WsFlashDetect *self = WS_FLASH_DETECT (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_POST_MESSAGES:
      self->post_messages = g_value_get_boolean (value);
      break;
    case PROP_POST_FRAMES:
      self->post_frames = g_value_get_boolean (value);
      break;
    case PROP_EXTENDED_IS_FAILURE:
      self->extended_is_failure = g_value_get_boolean (value);
      break;
    case PROP_GRID_COLUMNS:
      self->grid_columns = g_value_get_int (value);
      break;
    case PROP_SAMPLE_STEP:
      self->sample_step = g_value_get_int (value);
      break;
    case PROP_PEAK_LUMINANCE:
      self->peak_luminance = g_value_get_double (value);
      break;
    case PROP_HLG_PEAK_LUMINANCE:
      self->hlg_peak_luminance = g_value_get_double (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
ws_flash_detect_get_property (GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec)
{
  WsFlashDetect *self = WS_FLASH_DETECT (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_POST_MESSAGES:
      g_value_set_boolean (value, self->post_messages);
      break;
    case PROP_POST_FRAMES:
      g_value_set_boolean (value, self->post_frames);
      break;
    case PROP_EXTENDED_IS_FAILURE:
      g_value_set_boolean (value, self->extended_is_failure);
      break;
    case PROP_GRID_COLUMNS:
      g_value_set_int (value, self->grid_columns);
      break;
    case PROP_SAMPLE_STEP:
      g_value_set_int (value, self->sample_step);
      break;
    case PROP_PEAK_LUMINANCE:
      g_value_set_double (value, self->peak_luminance);
      break;
    case PROP_HLG_PEAK_LUMINANCE:
      g_value_set_double (value, self->hlg_peak_luminance);
      break;
    case PROP_TRANSFER:
      g_value_set_string (value, ws_flash_eotf_to_string (self->eotf));
      break;
    case PROP_VERDICT:
      g_value_set_string (value, ws_flash_verdict_to_string (self->verdict));
      break;
    case PROP_INCIDENT_COUNT:
      g_value_set_uint (value, self->incident_count + self->open_count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
ws_flash_detect_finalize (GObject *object)
{
  WsFlashDetect *self = WS_FLASH_DETECT (object);

  ws_flash_free (self->flash);
  g_ptr_array_unref (self->pending);
  G_OBJECT_CLASS (ws_flash_detect_parent_class)->finalize (object);
}

/* Core callback: runs inside ws_flash_push_frame()/ws_flash_finish(), in the
 * streaming thread; messages are posted after the call returns. */
static void
on_incident (const WsFlashIncident *incident, WsFlashIncidentEvent event,
    void *user_data)
{
  WsFlashDetect *self = user_data;
  PendingIncident *p = g_new (PendingIncident, 1);

  p->incident = *incident;
  p->event = event;
  g_ptr_array_add (self->pending, p);
  GST_OBJECT_LOCK (self);
  if (event == WS_FLASH_INCIDENT_STARTED) {
    self->open_count++;
  } else if (event == WS_FLASH_INCIDENT_ENDED) {
    self->open_count--;
    self->incident_count++;
  }
  if (incident->verdict > self->verdict)
    self->verdict = incident->verdict;
  GST_OBJECT_UNLOCK (self);
}

static GstStructure *
new_message_structure (WsFlashDetect *self, GstClockTime timestamp,
    GstClockTime duration, const gchar *event)
{
  GstStructure *s = ws_timed_structure_new_from_segment ("flashdetect",
      &GST_BASE_TRANSFORM (self)->segment, timestamp, duration);

  gst_structure_set (s, "event", G_TYPE_STRING, event, NULL);
  return s;
}

static void
post_structure (WsFlashDetect *self, GstStructure *s)
{
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
}

/* The display model in a message: `transfer`, and with @full `primaries`
 * and `standard`. */
static void
add_display_fields (WsFlashDetect *self, GstStructure *s, gboolean full)
{
  WsFlashEotf eotf;
  WsFlashPrimaries primaries;

  GST_OBJECT_LOCK (self);
  eotf = self->eotf;
  primaries = self->primaries;
  GST_OBJECT_UNLOCK (self);
  gst_structure_set (s, "transfer", G_TYPE_STRING,
      ws_flash_eotf_to_string (eotf), NULL);
  if (full)
    gst_structure_set (s, "primaries", G_TYPE_STRING,
        ws_flash_primaries_to_string (primaries), "standard", G_TYPE_STRING,
        WS_FLASH_STANDARD, NULL);
}

static void
post_pending (WsFlashDetect *self, GstClockTime timestamp,
    GstClockTime duration, gboolean post)
{
  for (guint i = 0; post && i < self->pending->len; i++) {
    const PendingIncident *p = g_ptr_array_index (self->pending, i);
    const WsFlashIncident *inc = &p->incident;
    const gchar *name = p->event == WS_FLASH_INCIDENT_STARTED ?
                            "incident-start" :
                        p->event == WS_FLASH_INCIDENT_ESCALATED ?
                            "incident-update" :
                            "incident-end";
    GstStructure *s = new_message_structure (self, timestamp, duration, name);

    gst_structure_set (s, "kind", G_TYPE_STRING,
        ws_flash_kind_to_string (inc->kind), "verdict", G_TYPE_STRING,
        ws_flash_verdict_to_string (inc->verdict), "extended", G_TYPE_BOOLEAN,
        inc->extended != 0, "start", G_TYPE_UINT64,
        (guint64) MAX (inc->start_ns, 0), "end", G_TYPE_UINT64,
        (guint64) MAX (inc->end_ns, 0), "peak-rate", G_TYPE_DOUBLE,
        inc->peak_flash_rate, "area", G_TYPE_DOUBLE, inc->peak_area, "risk",
        G_TYPE_DOUBLE, inc->peak_risk, NULL);
    if (inc->kind == WS_FLASH_KIND_PATTERN)
      gst_structure_set (s, "stripe-pairs", G_TYPE_INT, inc->pattern_pairs,
          NULL);
    add_display_fields (self, s, FALSE);
    GST_INFO_OBJECT (self,
        "%s: %s incident (%s): %" GST_TIME_FORMAT " - %" GST_TIME_FORMAT
        ", %.1f flashes/s over %.0f%%",
        name, ws_flash_kind_to_string (inc->kind),
        ws_flash_verdict_to_string (inc->verdict),
        GST_TIME_ARGS ((GstClockTime) MAX (inc->start_ns, 0)),
        GST_TIME_ARGS ((GstClockTime) MAX (inc->end_ns, 0)),
        inc->peak_flash_rate, inc->peak_area * 100.0);
    post_structure (self, s);
  }
  g_ptr_array_set_size (self->pending, 0);
}

/* Closes the analyser's open incidents and frees it. */
static void
finish_analyser (WsFlashDetect *self, GstClockTime timestamp, gboolean post)
{
  if (self->flash == NULL)
    return;
  ws_flash_finish (self->flash);
  ws_flash_free (self->flash);
  self->flash = NULL;
  post_pending (self, timestamp, 0, post);
}

static gboolean
ensure_analyser (WsFlashDetect *self)
{
  WsFlashParams params;
  WsResult res;

  if (self->flash != NULL)
    return TRUE;
  ws_flash_params_init (&params);
  GST_OBJECT_LOCK (self);
  params.extended_is_failure = self->extended_is_failure;
  params.grid_columns = self->grid_columns;
  /* 0: the core's sampling by resolution, as `watershed check` */
  params.sample_step = self->sample_step;
  params.peak_cd_m2 = self->peak_luminance;
  params.hlg_peak_cd_m2 = self->hlg_peak_luminance;
  params.eotf = self->eotf;
  params.primaries = self->primaries;
  GST_OBJECT_UNLOCK (self);

  res = ws_flash_new (&self->flash, self->width, self->height, self->format,
      self->range, self->matrix, &params);
  if (res != WS_RESULT_OK) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("cannot analyse %dx%d %s video: %s; scale the video to at most "
         "%dx%d or convert it with videoconvert",
            self->width, self->height, ws_flash_format_to_string (self->format),
            ws_result_to_string (res), WS_FLASH_MAX_DIMENSION,
            WS_FLASH_MAX_DIMENSION));
    return FALSE;
  }
  ws_flash_set_callbacks (self->flash, NULL, on_incident, self);
  self->last_pts = GST_CLOCK_TIME_NONE;
  return TRUE;
}

static gboolean
ws_flash_detect_start (GstBaseTransform *trans)
{
  WsFlashDetect *self = WS_FLASH_DETECT (trans);

  GST_OBJECT_LOCK (self);
  self->verdict = WS_FLASH_VERDICT_PASS;
  self->incident_count = 0;
  self->open_count = 0;
  GST_OBJECT_UNLOCK (self);
  self->last_pts = GST_CLOCK_TIME_NONE;
  return TRUE;
}

static gboolean
ws_flash_detect_stop (GstBaseTransform *trans)
{
  WsFlashDetect *self = WS_FLASH_DETECT (trans);

  ws_flash_free (self->flash);
  self->flash = NULL;
  g_ptr_array_set_size (self->pending, 0);
  return TRUE;
}

static WsFlashFormat
map_format (GstVideoFormat format)
{
  switch (format) {
    case GST_VIDEO_FORMAT_I420:
      return WS_FLASH_FORMAT_I420;
    case GST_VIDEO_FORMAT_YV12:
      return WS_FLASH_FORMAT_YV12;
    case GST_VIDEO_FORMAT_NV12:
      return WS_FLASH_FORMAT_NV12;
    case GST_VIDEO_FORMAT_NV21:
      return WS_FLASH_FORMAT_NV21;
    case GST_VIDEO_FORMAT_Y42B:
      return WS_FLASH_FORMAT_Y42B;
    case GST_VIDEO_FORMAT_Y444:
      return WS_FLASH_FORMAT_Y444;
    case GST_VIDEO_FORMAT_YUY2:
      return WS_FLASH_FORMAT_YUY2;
    case GST_VIDEO_FORMAT_UYVY:
      return WS_FLASH_FORMAT_UYVY;
    case GST_VIDEO_FORMAT_I420_10LE:
      return WS_FLASH_FORMAT_I420_10LE;
    case GST_VIDEO_FORMAT_P010_10LE:
      return WS_FLASH_FORMAT_P010;
    case GST_VIDEO_FORMAT_RGB:
      return WS_FLASH_FORMAT_RGB;
    case GST_VIDEO_FORMAT_BGR:
      return WS_FLASH_FORMAT_BGR;
    case GST_VIDEO_FORMAT_RGBx:
      return WS_FLASH_FORMAT_RGBX;
    case GST_VIDEO_FORMAT_BGRx:
      return WS_FLASH_FORMAT_BGRX;
    case GST_VIDEO_FORMAT_xRGB:
      return WS_FLASH_FORMAT_XRGB;
    case GST_VIDEO_FORMAT_xBGR:
      return WS_FLASH_FORMAT_XBGR;
    case GST_VIDEO_FORMAT_RGBA:
      return WS_FLASH_FORMAT_RGBA;
    case GST_VIDEO_FORMAT_BGRA:
      return WS_FLASH_FORMAT_BGRA;
    case GST_VIDEO_FORMAT_ARGB:
      return WS_FLASH_FORMAT_ARGB;
    case GST_VIDEO_FORMAT_ABGR:
      return WS_FLASH_FORMAT_ABGR;
    case GST_VIDEO_FORMAT_I422_10LE:
      return WS_FLASH_FORMAT_I422_10LE;
    case GST_VIDEO_FORMAT_Y444_10LE:
      return WS_FLASH_FORMAT_Y444_10LE;
    case GST_VIDEO_FORMAT_I420_12LE:
      return WS_FLASH_FORMAT_I420_12LE;
    case GST_VIDEO_FORMAT_I422_12LE:
      return WS_FLASH_FORMAT_I422_12LE;
    case GST_VIDEO_FORMAT_Y444_12LE:
      return WS_FLASH_FORMAT_Y444_12LE;
    case GST_VIDEO_FORMAT_P012_LE:
      return WS_FLASH_FORMAT_P012;
    default:
      return WS_FLASH_FORMAT_UNKNOWN;
  }
}

/* Transfer function and primaries from the caps' colorimetry string (not
 * GstVideoInfo's, which fills unknown fields with defaults). Untagged deep
 * video (no colorimetry field, or an unknown transfer, as decoders give
 * for streams that do not say: "2:0:0:0") is analysed as SDR BT.709, with
 * a warning: never a silent guess. */
static void
set_display (WsFlashDetect *self, GstCaps *caps, WsFlashFormat format)
{
  const GstStructure *st = gst_caps_get_structure (caps, 0);
  const gchar *str = gst_structure_get_string (st, "colorimetry");
  GstVideoColorimetry cm;
  gboolean parsed = str != NULL && gst_video_colorimetry_from_string (&cm, str);
  gboolean tagged = parsed && cm.transfer != GST_VIDEO_TRANSFER_UNKNOWN;
  WsFlashEotf eotf = WS_FLASH_EOTF_SRGB;
  WsFlashPrimaries primaries = WS_FLASH_PRIMARIES_BT709;
  gdouble sdr_peak;

  if (tagged && cm.transfer == GST_VIDEO_TRANSFER_SMPTE2084)
    eotf = WS_FLASH_EOTF_PQ;
  else if (tagged && cm.transfer == GST_VIDEO_TRANSFER_ARIB_STD_B67)
    eotf = WS_FLASH_EOTF_HLG;
  if (parsed && cm.primaries == GST_VIDEO_COLOR_PRIMARIES_BT2020)
    primaries = WS_FLASH_PRIMARIES_BT2020;
  GST_OBJECT_LOCK (self);
  self->eotf = eotf;
  self->primaries = primaries;
  sdr_peak = self->peak_luminance;
  GST_OBJECT_UNLOCK (self);
  if (!tagged && ws_flash_format_bit_depth (format) > 8)
    GST_ELEMENT_WARNING (self, STREAM, FORMAT,
        ("%d-bit video without a transfer function in its colorimetry: "
         "analysed as SDR (sRGB EOTF, %.0f cd/m2 peak, BT.709); if it is "
         "HDR, tag it (colorimetry=bt2100-pq or bt2100-hlg) and analyse "
         "again",
            ws_flash_format_bit_depth (format), sdr_peak),
        ("caps %" GST_PTR_FORMAT, caps));
}

static gboolean
ws_flash_detect_set_info (GstVideoFilter *filter, GstCaps *incaps,
    GstVideoInfo *in_info, GstCaps *outcaps, GstVideoInfo *out_info)
{
  WsFlashDetect *self = WS_FLASH_DETECT (filter);
  WsFlashFormat format = map_format (GST_VIDEO_INFO_FORMAT (in_info));
  const GstVideoColorimetry *cm = &in_info->colorimetry;
  gboolean yuv = ws_flash_format_is_yuv (format);
  gboolean post;

  if (format == WS_FLASH_FORMAT_UNKNOWN) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("flashdetect cannot read %s video; put videoconvert in front of it",
            gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (in_info))));
    return FALSE;
  }

  GST_OBJECT_LOCK (self);
  post = self->post_messages;
  GST_OBJECT_UNLOCK (self);
  /* new caps: a new analyser (the old one's incidents are closed) */
  finish_analyser (self, self->last_pts, post);

  self->format = format;
  self->width = GST_VIDEO_INFO_WIDTH (in_info);
  self->height = GST_VIDEO_INFO_HEIGHT (in_info);
  if (cm->range == GST_VIDEO_COLOR_RANGE_0_255)
    self->range = WS_FLASH_RANGE_FULL;
  else if (cm->range == GST_VIDEO_COLOR_RANGE_16_235)
    self->range = WS_FLASH_RANGE_LIMITED;
  else
    self->range = yuv ? WS_FLASH_RANGE_LIMITED : WS_FLASH_RANGE_FULL;
  if (cm->matrix == GST_VIDEO_COLOR_MATRIX_BT601 ||
      cm->matrix == GST_VIDEO_COLOR_MATRIX_FCC) {
    self->matrix = WS_FLASH_MATRIX_BT601;
  } else if (cm->matrix == GST_VIDEO_COLOR_MATRIX_BT2020) {
    self->matrix = WS_FLASH_MATRIX_BT2020;
  } else {
    self->matrix = WS_FLASH_MATRIX_BT709;
    if (yuv && cm->matrix != GST_VIDEO_COLOR_MATRIX_BT709 &&
        cm->matrix != GST_VIDEO_COLOR_MATRIX_UNKNOWN)
      GST_WARNING_OBJECT (self, "matrix %d analysed as BT.709", cm->matrix);
  }
  if (GST_VIDEO_INFO_FPS_N (in_info) > 0 && GST_VIDEO_INFO_FPS_D (in_info) > 0)
    self->frame_duration = gst_util_uint64_scale_int (GST_SECOND,
        GST_VIDEO_INFO_FPS_D (in_info), GST_VIDEO_INFO_FPS_N (in_info));
  else
    self->frame_duration = 40 * GST_MSECOND;

  set_display (self, incaps, format);

  GST_DEBUG_OBJECT (self, "%dx%d %s, %s range, matrix %d, %s, %s", self->width,
      self->height, ws_flash_format_to_string (format),
      self->range == WS_FLASH_RANGE_FULL ? "full" : "limited", self->matrix,
      ws_flash_eotf_to_string (self->eotf),
      ws_flash_primaries_to_string (self->primaries));
  return ensure_analyser (self);
}

static gboolean
ws_flash_detect_sink_event (GstBaseTransform *trans, GstEvent *event)
{
  WsFlashDetect *self = WS_FLASH_DETECT (trans);
  gboolean post;

  GST_OBJECT_LOCK (self);
  post = self->post_messages;
  GST_OBJECT_UNLOCK (self);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_EOS: {
      GstClockTime ts = GST_CLOCK_TIME_IS_VALID (self->last_pts) ?
                            self->last_pts + self->frame_duration :
                            GST_CLOCK_TIME_NONE;
      WsFlashVerdict verdict;
      guint count;

      finish_analyser (self, ts, post);
      GST_OBJECT_LOCK (self);
      verdict = self->verdict;
      count = self->incident_count + self->open_count;
      GST_OBJECT_UNLOCK (self);
      GST_INFO_OBJECT (self, "EOS: %s, %u incidents",
          ws_flash_verdict_to_string (verdict), count);
      if (post) {
        GstStructure *s = new_message_structure (self, ts, 0, "summary");
        gst_structure_set (s, "verdict", G_TYPE_STRING,
            ws_flash_verdict_to_string (verdict), "incident-count", G_TYPE_UINT,
            count, NULL);
        add_display_fields (self, s, TRUE);
        post_structure (self, s);
      }
      break;
    }
    case GST_EVENT_FLUSH_STOP:
      /* time restarts: close what was open, analyse afresh */
      finish_analyser (self, self->last_pts, post);
      break;
    default:
      break;
  }
  return GST_BASE_TRANSFORM_CLASS (ws_flash_detect_parent_class)
      ->sink_event (trans, event);
}

static GstFlowReturn
ws_flash_detect_transform_frame_ip (GstVideoFilter *filter,
    GstVideoFrame *frame)
{
  WsFlashDetect *self = WS_FLASH_DETECT (filter);
  GstBuffer *buf = frame->buffer;
  GstClockTime pts = GST_BUFFER_PTS (buf);
  WsFlashFrame wf;
  WsResult res;
  gboolean post, post_frames;

  if (!ensure_analyser (self))
    return GST_FLOW_NOT_NEGOTIATED;

  if (!GST_CLOCK_TIME_IS_VALID (pts)) {
    pts = GST_CLOCK_TIME_IS_VALID (self->last_pts) ?
              self->last_pts + self->frame_duration :
              0;
  }
  if (GST_CLOCK_TIME_IS_VALID (self->last_pts) && pts <= self->last_pts) {
    GST_WARNING_OBJECT (self,
        "timestamp %" GST_TIME_FORMAT " does not "
        "increase, frame not analysed",
        GST_TIME_ARGS (pts));
    return GST_FLOW_OK;
  }

  memset (&wf, 0, sizeof (wf));
  for (guint i = 0; i < GST_VIDEO_FRAME_N_PLANES (frame) && i < 4; i++) {
    wf.planes[i] = GST_VIDEO_FRAME_PLANE_DATA (frame, i);
    wf.strides[i] = (size_t) MAX (GST_VIDEO_FRAME_PLANE_STRIDE (frame, i), 0);
  }
  wf.width = GST_VIDEO_FRAME_WIDTH (frame);
  wf.height = GST_VIDEO_FRAME_HEIGHT (frame);
  wf.format = self->format;
  wf.pts_ns = (int64_t) pts;

  res = ws_flash_push_frame (self->flash, &wf);
  if (res != WS_RESULT_OK) {
    GST_ELEMENT_ERROR (self, LIBRARY, FAILED, (NULL),
        ("flash analysis of the frame at %" GST_TIME_FORMAT " failed: %s",
            GST_TIME_ARGS (pts), ws_result_to_string (res)));
    return GST_FLOW_ERROR;
  }
  self->last_pts = pts;

  GST_OBJECT_LOCK (self);
  post = self->post_messages;
  post_frames = self->post_frames;
  GST_OBJECT_UNLOCK (self);

  post_pending (self, GST_BUFFER_PTS (buf), GST_BUFFER_DURATION (buf), post);
  if (post && post_frames) {
    WsFlashFrameInfo info;
    WsFlashVerdict v;
    GstStructure *s;

    ws_flash_get_frame_info (self->flash, &info);
    v = MAX (info.verdict[WS_FLASH_KIND_LUMINANCE],
        info.verdict[WS_FLASH_KIND_RED]);
    v = MAX (v, info.verdict[WS_FLASH_KIND_PATTERN]);
    s = new_message_structure (self, GST_BUFFER_PTS (buf),
        GST_BUFFER_DURATION (buf), "frame");
    gst_structure_set (s, "luminance-risk", G_TYPE_DOUBLE,
        info.risk[WS_FLASH_KIND_LUMINANCE], "red-risk", G_TYPE_DOUBLE,
        info.risk[WS_FLASH_KIND_RED], "luminance-area", G_TYPE_DOUBLE,
        info.area[WS_FLASH_KIND_LUMINANCE], "red-area", G_TYPE_DOUBLE,
        info.area[WS_FLASH_KIND_RED], "luminance-rate", G_TYPE_DOUBLE,
        info.flash_rate[WS_FLASH_KIND_LUMINANCE], "red-rate", G_TYPE_DOUBLE,
        info.flash_rate[WS_FLASH_KIND_RED], "luminance", G_TYPE_DOUBLE,
        info.luminance_cd_m2, "verdict", G_TYPE_STRING,
        ws_flash_verdict_to_string (v), "pattern-risk", G_TYPE_DOUBLE,
        info.risk[WS_FLASH_KIND_PATTERN], "pattern-area", G_TYPE_DOUBLE,
        info.area[WS_FLASH_KIND_PATTERN], NULL);
    post_structure (self, s);
  }
  return GST_FLOW_OK;
}
