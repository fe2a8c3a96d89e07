/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:element-ratingoverlay
 * @title: ratingoverlay
 * @short_description: on-screen age-rating guidance (badge, pictograms, text)
 *
 * ratingoverlay shows the viewer the programme's rating the way the
 * territory's rules ask for it: the rating badge drawn from the rating
 * system's display hints (ratings/systems/<id>.xml: shape, colours, code;
 * watershed's own artwork), the content pictograms for the rating's
 * descriptors (watershed's own designs for violence, fear, sex,
 * discrimination, drugs, coarse language, horror, nudity, ...; at most 3
 * for Kijkwijzer, in its order violence > fear > sex, at most 5 otherwise)
 * and the guidance text in the language of #WsRatingOverlay:language
 * (exact tag, then the same primary language, then the first text).
 *
 * The rating comes from the sticky `watershed-rating` event (sent by
 * ratingtag, or by an application with ws_rating_event_new(); see
 * plugins/ws-rating-event.h). Without one, #WsRatingOverlay:rating (a
 * `SYSTEM:CODE` string such as `bbfc:15`) with #WsRatingOverlay:text and
 * #WsRatingOverlay:descriptors is shown instead: that is how to use the
 * element from gst-launch-1.0.
 *
 * ## Placement
 *
 * The guidance sits in a corner (or centred at the top or bottom) of the
 * graphics-safe area of EBU R 95: 5 % of the width and of the height in
 * from each edge (the action-safe area is 3.5 %), plus
 * #WsRatingOverlay:margin. The badge is #WsRatingOverlay:size times the
 * frame height high, so it looks the same from 480p to 4K, and the artwork
 * is drawn with the caps' pixel-aspect-ratio, so a round badge stays round
 * on anamorphic SD.
 *
 * ## Timing
 *
 * With #WsRatingOverlay:mode `auto` the rule is the territory's guidance
 * rule from the policy (#WsRatingOverlay:policy, else the policy of
 * #WsRatingOverlay:territory; see ratings/policies/) for the rating and
 * #WsRatingOverlay:service-class: `at-start` for N seconds (Ireland: 20 s), again after
 * each break (Australia), `persistent` for the whole programme (France TV,
 * Italy, Spain) or a `full-screen` card for N seconds (French VOD: 5 s).
 * A rule without a duration shows the badge for 15 s (a full-screen card
 * for 5 s); #WsRatingOverlay:duration overrides it. Without any policy the
 * badge is persistent; a rule that asks for nothing on screen shows
 * nothing. The other modes force one behaviour. The rule is that of the
 * policy's rule set in force at the programme's time, read from the
 * buffers' `timestamp/x-unix` reference timestamp (as `ratinggate
 * clock=reference-meta` reads it), never the time the pipeline runs at;
 * without one, the rule every rule set of the policy agrees on, and when
 * they differ a warning and a persistent badge (fail closed).
 *
 * A showing starts at the first buffer, and again at the first buffer
 * after: a rating change (a rating event with a different rating), a
 * stream-start event, a `watershed-programme-start` event, and, in
 * `after-breaks` mode or when the rule says so, a `watershed-break-end`
 * event. Playout automation sends these two as custom downstream events
 * (ws_programme_start_event_new(), ws_break_end_event_new()) at the
 * buffer where the programme resumes. ratinggate sends
 * `watershed-programme-start` itself just before the first frame that
 * passes when it opens, so put the overlay after the gate
 * (`ratingtag ! ratinggate ! ratingoverlay`): the badge is then seen for its
 * whole duration from the first frame of the programme. Before the gate,
 * the showing would be drawn into frames the gate replaces with its
 * slate. A flushing seek continues the
 * showing in progress rather than starting a new one. The badge fades in
 * and out over #WsRatingOverlay:fade.
 *
 * ## Rendering
 *
 * The artwork is drawn with cairo and pango once per change (rating,
 * caps, property) and cached as a #GstVideoOverlayRectangle. When
 * downstream lists the #GstVideoOverlayCompositionMeta API in its answer
 * to the ALLOCATION query (a compositor, a GL or hardware sink), the
 * composition is attached to the buffers and the pixels are not touched;
 * otherwise it is blended into the frames in software (I420, YV12, NV12,
 * NV21, YUY2, UYVY, YVYU, Y42B, Y444, AYUV, v210, I420_10LE, P010_10LE and
 * the 8-bit RGB formats) with GStreamer's gst_video_blend(), one visible
 * part at a time (the badge row, the text panel), each into a view of the
 * frame that covers only that part, so the cost follows the area of the
 * guidance rather than the width of the frame. When nothing is visible
 * the element is in passthrough.
 *
 * The read-only #WsRatingOverlay:layout property reports where the parts
 * were placed, in frame pixels.
 *
 * ## Messages
 *
 * With #WsRatingOverlay:post-messages (the default), an element message
 * named `ratingoverlay` is posted when the guidance appears and when it
 * goes (for the as-run log), with the fields:
 *
 * * `timestamp` (#guint64): the buffer timestamp of the first frame with
 *   (`shown`) or without (`hidden`) the guidance.
 * * `stream-time` (#guint64), `running-time` (#guint64): the same in stream
 *   and running time.
 * * `duration` (#guint64): that buffer's duration.
 * * `event` (#gchararray): `shown` or `hidden`.
 * * `mode` (#gchararray): the mode in force (the rule's, in `auto`).
 * * `rating` (#gchararray): what is shown: `SYSTEM:CODE` and the text.
 * * `attached` (#gboolean): %TRUE when the guidance travels as
 *   #GstVideoOverlayCompositionMeta rather than blended pixels.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=250 ! \
 *   video/x-raw,width=1280,height=720,framerate=25/1 ! \
 *   ratingoverlay rating=kijkwijzer:12 descriptors=violence,fear \
 *     text="Niet voor kinderen onder 12 jaar" duration=5000000000 \
 *     mode=at-start ! videoconvert ! x264enc ! mp4mux ! \
 *   filesink location=kijkwijzer.mp4
 * ]| shows a Kijkwijzer 12 badge with the violence and fear pictograms and
 * a line of text for the first 5 s of a 10 s clip.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "ratingoverlay.h"
#include "ws-asrun.h"
#include "ws-element.h"
#include "ws-guidance-render.h"
#include "ws-rating-event.h"
#include "ws-rating.h"
#include "ws-rating-system.h"
#include "ws-xml.h"

GST_DEBUG_CATEGORY_STATIC (ratingoverlay_debug);
#define GST_CAT_DEFAULT ratingoverlay_debug

enum {
  PROP_0,
  PROP_POSITION,
  PROP_SIZE,
  PROP_MARGIN,
  PROP_OPACITY,
  PROP_LANGUAGE,
  PROP_SHOW_TEXT,
  PROP_SHOW_DESCRIPTORS,
  PROP_MODE,
  PROP_DURATION,
  PROP_FADE,
  PROP_POLICY,
  PROP_TERRITORY,
  PROP_SERVICE_CLASS,
  PROP_RATING,
  PROP_TEXT,
  PROP_DESCRIPTORS,
  PROP_POST_MESSAGES,
  PROP_AS_RUN_LOG,
  PROP_AS_RUN_CHANNEL,
  PROP_START_TIME,
  PROP_LAYOUT,
};

#define DEFAULT_POSITION WS_RATING_OVERLAY_POSITION_TOP_LEFT
#define DEFAULT_SIZE 0.08
#define DEFAULT_MARGIN 0.0
#define DEFAULT_OPACITY 1.0
#define DEFAULT_LANGUAGE NULL
#define DEFAULT_SHOW_TEXT TRUE
#define DEFAULT_SHOW_DESCRIPTORS TRUE
#define DEFAULT_MODE WS_RATING_OVERLAY_MODE_AUTO
#define DEFAULT_DURATION 0
#define DEFAULT_FADE (500 * GST_MSECOND)
#define DEFAULT_POLICY NULL
#define DEFAULT_TERRITORY NULL
#define DEFAULT_SERVICE_CLASS NULL
#define DEFAULT_RATING NULL
#define DEFAULT_TEXT NULL
#define DEFAULT_DESCRIPTORS NULL
#define DEFAULT_POST_MESSAGES TRUE

/* When neither the rule nor the duration property gives one. */
#define FALLBACK_AT_START_DURATION (15 * GST_SECOND)
#define FALLBACK_FULL_SCREEN_DURATION (5 * GST_SECOND)

/* EBU R 95 (2008, "Safe areas for 16:9 television production"), the same
 * proportions as ITU-R BT.1848-1: the action-safe area is 93 % of the
 * width and height (3.5 % in from each edge) and the graphics-safe
 * (title-safe) area 90 % (5 % in from each edge). Graphics go inside the
 * graphics-safe area.
 * https://tech.ebu.ch/docs/r/r095.pdf
 * https://www.itu.int/rec/R-REC-BT.1848 */
#define GRAPHICS_SAFE_INSET 0.05

#define OVERLAY_FORMATS                                                    \
  "{ I420, YV12, NV12, NV21, YUY2, UYVY, YVYU, Y42B, "                     \
  "Y444, AYUV, v210, I420_10LE, P010_10LE, RGBx, BGRx, xRGB, xBGR, RGBA, " \
  "BGRA, ARGB, ABGR, RGB, BGR }"

#define OVERLAY_CAPS                                       \
  GST_VIDEO_CAPS_MAKE_WITH_FEATURES (                      \
      GST_CAPS_FEATURE_META_GST_VIDEO_OVERLAY_COMPOSITION, \
      GST_VIDEO_FORMATS_ALL)                               \
  "; " GST_VIDEO_CAPS_MAKE (OVERLAY_FORMATS)

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (OVERLAY_CAPS));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (OVERLAY_CAPS));

G_DEFINE_TYPE (WsRatingOverlay, ws_rating_overlay, GST_TYPE_BASE_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE (ratingoverlay, "ratingoverlay", GST_RANK_NONE,
    WS_TYPE_RATING_OVERLAY);

GType
ws_rating_overlay_position_get_type (void)
{
  static gsize id = 0;
  static const GEnumValue values[] = {
    { WS_RATING_OVERLAY_POSITION_TOP_LEFT, "Top left", "top-left" },
    { WS_RATING_OVERLAY_POSITION_TOP_RIGHT, "Top right", "top-right" },
    { WS_RATING_OVERLAY_POSITION_BOTTOM_LEFT, "Bottom left", "bottom-left" },
    { WS_RATING_OVERLAY_POSITION_BOTTOM_RIGHT, "Bottom right", "bottom-right" },
    { WS_RATING_OVERLAY_POSITION_TOP_CENTER, "Top centre", "top-center" },
    { WS_RATING_OVERLAY_POSITION_BOTTOM_CENTER, "Bottom centre",
        "bottom-center" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&id)) {
    GType t = g_enum_register_static ("WsRatingOverlayPosition", values);
    g_once_init_leave (&id, t);
  }
  return (GType) id;
}

GType
ws_rating_overlay_mode_get_type (void)
{
  static gsize id = 0;
  static const GEnumValue values[] = {
    { WS_RATING_OVERLAY_MODE_AUTO, "The territory's guidance rule", "auto" },
    { WS_RATING_OVERLAY_MODE_AT_START, "For the duration at each start",
        "at-start" },
    { WS_RATING_OVERLAY_MODE_PERSISTENT, "All the time", "persistent" },
    { WS_RATING_OVERLAY_MODE_AFTER_BREAKS,
        "For the duration at each start and after each break", "after-breaks" },
    { WS_RATING_OVERLAY_MODE_FULL_SCREEN,
        "A full-screen card for the duration at each start", "full-screen" },
    { WS_RATING_OVERLAY_MODE_OFF, "Never", "off" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&id)) {
    GType t = g_enum_register_static ("WsRatingOverlayMode", values);
    g_once_init_leave (&id, t);
  }
  return (GType) id;
}

/* ---- the content to show ------------------------------------------------ */

typedef struct {
  WsBadgeHints hints;
  char *badge_text;
  char *system_id;
  const WsRatingDef *def;
  GPtrArray *categories; /* char*, NULL-terminated */
  char *text;
  char *summary;     /* for logs and messages: "bbfc:15 text" */
  char *split_code;  /* the code of the rating property */
  char *rating_name; /* for the as-run log: SYSTEM:CODE as the gate logs it */
} Content;

static void
content_free (Content *c)
{
  if (c == NULL)
    return;
  g_free (c->badge_text);
  g_free (c->system_id);
  if (c->categories)
    g_ptr_array_unref (c->categories);
  g_free (c->text);
  g_free (c->summary);
  g_free (c->split_code);
  g_free (c->rating_name);
  g_free (c);
}

/* A snapshot of the properties, taken under the object lock. */
typedef struct {
  WsRatingOverlayPosition position;
  gdouble size, margin, opacity;
  gchar *language;
  gboolean show_text, show_descriptors;
  WsRatingOverlayMode mode;
  guint64 duration, fade;
  gchar *policy_id, *territory, *service_class;
  gchar *rating, *text, *descriptors;
  gboolean post_messages;
} Props;

static void
props_take (WsRatingOverlay *self, Props *p)
{
  GST_OBJECT_LOCK (self);
  p->position = self->position;
  p->size = self->size;
  p->margin = self->margin;
  p->opacity = self->opacity;
  p->language = g_strdup (self->language);
  p->show_text = self->show_text;
  p->show_descriptors = self->show_descriptors;
  p->mode = self->mode;
  p->duration = self->duration;
  p->fade = self->fade;
  p->policy_id = g_strdup (self->policy_id);
  p->territory = g_strdup (self->territory);
  p->service_class = g_strdup (self->service_class);
  p->rating = g_strdup (self->rating);
  p->text = g_strdup (self->text);
  p->descriptors = g_strdup (self->descriptors);
  p->post_messages = self->post_messages;
  GST_OBJECT_UNLOCK (self);
}

static void
props_clear (Props *p)
{
  g_free (p->language);
  g_free (p->policy_id);
  g_free (p->territory);
  g_free (p->service_class);
  g_free (p->rating);
  g_free (p->text);
  g_free (p->descriptors);
}

/* The properties for the streaming thread: copied only after one was set,
 * so no strings are copied per frame. (transfer none) */
static const Props *
props_in_use (WsRatingOverlay *self)
{
  Props *p = self->props_in_use;
  guint serial;

  GST_OBJECT_LOCK (self);
  serial = self->props_serial;
  GST_OBJECT_UNLOCK (self);
  if (p != NULL && serial == self->props_in_use_serial)
    return p;
  if (p == NULL)
    p = self->props_in_use = g_new0 (Props, 1);
  else
    props_clear (p);
  /* a set in between is taken now and again at the next frame */
  props_take (self, p);
  self->props_in_use_serial = serial;
  return p;
}

/* What to show: from the rating event, else the fallback properties.
 * NULL when there is no rating at all. */
static Content *
content_build (WsRatingOverlay *self, const Props *p)
{
  const WsRatingRegistry *reg;
  const WsRatingSystem *sys = NULL;
  const WsRating *ev = self->event_rating;
  const char *system = NULL, *code = NULL, *text = NULL;
  int minimum_age = -1;
  GPtrArray *codes = g_ptr_array_new_with_free_func (g_free);
  GError *err = NULL;
  Content *c;
  const char **cats;
  guint n, kept;

  if (ev == NULL && (p->rating == NULL || p->rating[0] == '\0')) {
    g_ptr_array_unref (codes);
    return NULL;
  }

  c = g_new0 (Content, 1);
  reg = ws_rating_registry_get_default (&err);
  if (reg == NULL) {
    GST_WARNING_OBJECT (self, "no rating systems (%s): generic badge",
        err ? err->message : "?");
    g_clear_error (&err);
  }

  if (ev) {
    system = ev->system ? ev->system : ev->source_system;
    code = ev->code ? ev->code : ev->source_code;
    minimum_age = ev->minimum_age;
    for (guint i = 0; i < ev->descriptors->len; i++)
      g_ptr_array_add (codes,
          g_strdup (g_ptr_array_index (ev->descriptors, i)));
    if (p->show_text)
      text = ws_rating_pick_text (ev->texts, p->language);
    c->rating_name = ws_rating_to_string (ev);
  } else {
    if (ws_rating_split (p->rating, &c->system_id, &c->split_code)) {
      system = c->system_id;
      code = c->split_code;
      c->rating_name = g_strdup_printf ("%s:%s", system, code);
    } else {
      code = p->rating;
      c->rating_name = g_strdup (p->rating);
    }
    if (p->descriptors) {
      char **v = g_strsplit_set (p->descriptors, ",; ", -1);
      for (char **s = v; *s; s++)
        if (**s)
          g_ptr_array_add (codes, g_strdup (*s));
      g_strfreev (v);
    }
  }
  if (p->show_text && text == NULL && p->text && p->text[0])
    text = p->text;

  if (reg && system)
    sys = ws_rating_registry_lookup_system (reg, system);
  if (sys && code)
    c->def = ws_rating_system_lookup_rating (sys, code);
  if (ev == NULL && p->rating && c->def == NULL)
    GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS, (NULL),
        ("rating=\"%s\": not a known SYSTEM:CODE rating (e.g. bbfc:15, "
         "csa:-16); drawing a generic badge",
            p->rating));

  if (c->def) {
    const WsBadgeHints *h = ws_rating_def_get_badge (c->def);
    c->hints = *h;
    c->badge_text = g_strdup (
        h->text ? h->text : ws_rating_def_get_code (c->def));
    g_free (c->system_id);
    c->system_id = g_strdup (ws_rating_system_get_id (sys));
    if (p->show_text && text == NULL) {
      const char *label = ws_rating_def_get_label (c->def);
      if (label && g_strcmp0 (label, ws_rating_def_get_code (c->def)) != 0 &&
          strlen (label) > 4)
        text = label;
    }
  } else {
    /* unknown rating: a neutral grey badge with what we know */
    c->hints.shape = WS_BADGE_SHAPE_CIRCLE;
    c->hints.background_argb = 0xff3a3a3a;
    c->hints.foreground_argb = 0xffffffff;
    c->hints.border_argb = 0xffffffff;
    if (code && code[0])
      c->badge_text = ws_utf8_cut (code, WS_XML_MAX_QUOTED_CHARS);
    else if (minimum_age >= 0)
      c->badge_text = g_strdup_printf ("%d+", minimum_age);
    else
      c->badge_text = g_strdup ("?");
    if (c->system_id == NULL && sys)
      c->system_id = g_strdup (ws_rating_system_get_id (sys));
  }
  c->hints.text = c->badge_text;

  /* pictograms: categories, ordered, at most what the system's file says
   * (Kijkwijzer: 3) */
  c->categories = g_ptr_array_new ();
  if (p->show_descriptors && codes->len > 0) {
    cats = g_new0 (const char *, codes->len);
    for (guint i = 0; i < codes->len; i++)
      cats[i] = ws_rating_descriptor_category_of (sys,
          g_ptr_array_index (codes, i));
    n = codes->len;
    kept = ws_guidance_order_categories (cats, n,
        sys ? ws_rating_system_get_badge (sys)->max_pictograms :
              WS_BADGE_DEFAULT_MAX_PICTOGRAMS);
    for (guint i = 0; i < kept; i++)
      g_ptr_array_add (c->categories, (gpointer) cats[i]);
    g_free (cats);
  }
  g_ptr_array_add (c->categories, NULL);
  /* a text from the property or an application's event is bounded like
   * one read from metadata (ws_rating_add_text) */
  c->text = ws_utf8_cut (text, WS_GUIDANCE_TEXT_MAX_CHARS);
  if (c->def)
    c->summary = g_strdup_printf ("%s%s%s", ws_rating_def_get_name (c->def),
        c->text ? " " : "", c->text ? c->text : "");
  else
    c->summary = g_strdup_printf ("%s:%s%s%s",
        c->system_id ? c->system_id : "?", c->badge_text, c->text ? " " : "",
        c->text ? c->text : "");
  g_ptr_array_unref (codes);
  return c;
}

/* ---- the rule ----------------------------------------------------------- */

/* Loads (and caches) the policy named by the properties. */
static WsPolicy *
get_policy (WsRatingOverlay *self, const Props *p)
{
  GError *err = NULL;
  WsPolicy *policy = ws_policy_cache_get (&self->policy, p->policy_id,
      p->territory, &err);

  if (err != NULL && p->policy_id && p->policy_id[0])
    GST_ELEMENT_WARNING (self, RESOURCE, NOT_FOUND, (NULL),
        ("policy \"%s\": %s; showing the badge persistently (set mode to "
         "choose another behaviour)",
            p->policy_id, err->message));
  else if (err != NULL)
    GST_ELEMENT_WARNING (self, RESOURCE, NOT_FOUND, (NULL),
        ("%s; showing the badge persistently (set policy, or mode)",
            err->message));
  g_clear_error (&err);
  return policy;
}

static void
update_rule (WsRatingOverlay *self, const Props *p, const Content *c,
    GstBuffer *buf)
{
  WsRatingOverlayMode mode = p->mode;
  GstClockTime rule_duration = 0;

  self->eff_after_breaks = FALSE;
  if (mode == WS_RATING_OVERLAY_MODE_AUTO) {
    WsPolicy *pol = get_policy (self, p);
    const WsGuidance *g = NULL;
    GError *err = NULL;

    if (pol == NULL) {
      mode = WS_RATING_OVERLAY_MODE_PERSISTENT;
    } else if (!ws_policy_guidance_at (pol, p->service_class, c ? c->def : NULL,
                   ws_buffer_programme_time_us (buf), &g, &err)) {
      /* fail closed: the badge the whole time */
      GST_ELEMENT_WARNING (self, STREAM, FORMAT, (NULL),
          ("%s; showing the badge persistently", err->message));
      g_clear_error (&err);
      mode = WS_RATING_OVERLAY_MODE_PERSISTENT;
    } else {
      if (g == NULL) {
        mode = WS_RATING_OVERLAY_MODE_AT_START;
      } else {
        rule_duration = g->duration_s * GST_SECOND;
        switch (g->mode) {
          case WS_GUIDANCE_NONE:
            mode = WS_RATING_OVERLAY_MODE_OFF;
            break;
          case WS_GUIDANCE_AT_START:
            mode = g->after_breaks ? WS_RATING_OVERLAY_MODE_AFTER_BREAKS :
                                     WS_RATING_OVERLAY_MODE_AT_START;
            break;
          case WS_GUIDANCE_PERSISTENT:
            mode = WS_RATING_OVERLAY_MODE_PERSISTENT;
            break;
          case WS_GUIDANCE_FULL_SCREEN:
            mode = WS_RATING_OVERLAY_MODE_FULL_SCREEN;
            break;
        }
      }
      GST_INFO_OBJECT (self, "policy %s, guidance rule %s: mode %d, %u s",
          ws_policy_get_id (pol), g ? g->id : "(none)", mode,
          g ? g->duration_s : 0);
    }
  }
  self->eff_mode = mode;
  self->eff_after_breaks = (mode == WS_RATING_OVERLAY_MODE_AFTER_BREAKS);
  if (p->duration > 0)
    self->eff_duration = p->duration;
  else if (rule_duration > 0)
    self->eff_duration = rule_duration;
  else if (mode == WS_RATING_OVERLAY_MODE_FULL_SCREEN)
    self->eff_duration = FALLBACK_FULL_SCREEN_DURATION;
  else
    self->eff_duration = FALLBACK_AT_START_DURATION;
}

/* ---- rendering ---------------------------------------------------------- */

static void
clear_cache (WsRatingOverlay *self)
{
  if (self->composition)
    gst_video_overlay_composition_unref (self->composition);
  self->composition = NULL;
  if (self->rectangle)
    gst_video_overlay_rectangle_unref (self->rectangle);
  self->rectangle = NULL;
  gst_clear_buffer (&self->pixels);
  self->n_parts = 0;
}

static void
set_layout (WsRatingOverlay *self, GstStructure *layout)
{
  GST_OBJECT_LOCK (self);
  if (self->layout)
    gst_structure_free (self->layout);
  self->layout = layout;
  GST_OBJECT_UNLOCK (self);
}

static void
layout_add_rect (GstStructure *s, const char *name, const WsGuidanceRect *r,
    int ox, int oy)
{
  char *fx = g_strdup_printf ("%s-x", name);
  char *fy = g_strdup_printf ("%s-y", name);
  char *fw = g_strdup_printf ("%s-width", name);
  char *fh = g_strdup_printf ("%s-height", name);
  gst_structure_set (s, fx, G_TYPE_INT, r->width ? ox + r->x : 0, fy,
      G_TYPE_INT, r->height ? oy + r->y : 0, fw, G_TYPE_INT, r->width, fh,
      G_TYPE_INT, r->height, NULL);
  g_free (fx);
  g_free (fy);
  g_free (fw);
  g_free (fh);
}

/* The parts of @img worth blending: each run of rows with visible pixels
 * (the badge row, the text panel: a transparent gap separates them), as
 * wide as its visible pixels. A run beyond the last part joins it.
 * Returns the number of parts, 0 when nothing is visible. */
static guint
visible_parts (const WsGuidanceImage *img,
    GstVideoRectangle parts[WS_RATING_OVERLAY_MAX_PARTS])
{
  guint n = 0;
  gboolean in_run = FALSE;

  for (int y = 0; y < img->height; y++) {
    const guint32 *row = (const guint32 *) (gpointer) (img->pixels +
                                                       (gsize) y * img->stride);
    int first = -1, last = -1;
    GstVideoRectangle *r;

    for (int x = 0; x < img->width; x++)
      if (row[x] >> 24) {
        if (first < 0)
          first = x;
        last = x;
      }
    if (first < 0) {
      in_run = FALSE;
      continue;
    }
    if (!in_run && n < WS_RATING_OVERLAY_MAX_PARTS) {
      parts[n++] = (GstVideoRectangle){ first, y, last - first + 1, 1 };
    } else {
      r = &parts[n - 1];
      last = MAX (last, r->x + r->w - 1);
      r->x = MIN (r->x, first);
      r->w = last - r->x + 1;
      r->h = y - r->y + 1;
    }
    in_run = TRUE;
  }
  return n;
}

static void
render (WsRatingOverlay *self, const Props *p, const Content *c)
{
  WsGuidanceSpec spec = { 0 };
  WsGuidanceImage *img;
  GError *err = NULL;
  GstBuffer *buf;
  GstStructure *layout;
  int width = GST_VIDEO_INFO_WIDTH (&self->info);
  int height = GST_VIDEO_INFO_HEIGHT (&self->info);
  double par = 1.0;
  int x, y;
  gsize stride[GST_VIDEO_MAX_PLANES] = { 0 };
  gsize offset[GST_VIDEO_MAX_PLANES] = { 0 };
  gboolean right = p->position == WS_RATING_OVERLAY_POSITION_TOP_RIGHT ||
                   p->position == WS_RATING_OVERLAY_POSITION_BOTTOM_RIGHT;
  gboolean bottom = p->position == WS_RATING_OVERLAY_POSITION_BOTTOM_LEFT ||
                    p->position == WS_RATING_OVERLAY_POSITION_BOTTOM_RIGHT ||
                    p->position == WS_RATING_OVERLAY_POSITION_BOTTOM_CENTER;
  gboolean centre = p->position == WS_RATING_OVERLAY_POSITION_TOP_CENTER ||
                    p->position == WS_RATING_OVERLAY_POSITION_BOTTOM_CENTER;
  int safe_x0, safe_y0, safe_x1, safe_y1, mx, my;

  clear_cache (self);
  g_free (self->summary);
  self->summary = c ? g_strdup (c->summary) : NULL;
  g_free (self->asrun_rating);
  self->asrun_rating = c ? g_strdup (c->rating_name) : NULL;
  if (c == NULL || self->eff_mode == WS_RATING_OVERLAY_MODE_OFF ||
      !self->have_info) {
    set_layout (self, NULL);
    return;
  }
  par = ws_video_info_pixel_aspect (&self->info);

  safe_x0 = (int) ceil (width * GRAPHICS_SAFE_INSET);
  safe_y0 = (int) ceil (height * GRAPHICS_SAFE_INSET);
  safe_x1 = width - safe_x0;
  safe_y1 = height - safe_y0;
  my = (int) round (p->margin * height);
  mx = (int) round (p->margin * height / par);

  spec.badge = c->hints;
  spec.categories = (const char *const *) c->categories->pdata;
  spec.text = c->text;
  spec.pixel_aspect = par;
  spec.badge_height = (int) round (p->size * height);
  spec.badge_height = CLAMP (spec.badge_height, 8, MAX (8, height / 2));
  spec.max_text_width = (safe_x1 - safe_x0) / 2;
  spec.align_right = right;
  spec.text_above = bottom;

  if (self->eff_mode == WS_RATING_OVERLAY_MODE_FULL_SCREEN)
    img = ws_guidance_render_card (&spec, width, height, &err);
  else
    img = ws_guidance_render (&spec, &err);
  if (img == NULL) {
    GST_ELEMENT_WARNING (self, STREAM, FAILED, (NULL),
        ("cannot draw the guidance for %s on a %dx%d frame: %s; nothing is "
         "shown (use a larger frame or a smaller size)",
            c->summary, width, height, err->message));
    g_clear_error (&err);
    set_layout (self, NULL);
    return;
  }

  if (self->eff_mode == WS_RATING_OVERLAY_MODE_FULL_SCREEN) {
    x = y = 0;
  } else {
    if (centre)
      x = (width - img->width) / 2;
    else if (right)
      x = safe_x1 - mx - img->width;
    else
      x = safe_x0 + mx;
    if (bottom)
      y = safe_y1 - my - img->height;
    else
      y = safe_y0 + my;
    /* even coordinates for chroma-subsampled formats, rounded inwards */
    x = right ? (x & ~1) : ((x + 1) & ~1);
    y = bottom ? (y & ~1) : ((y + 1) & ~1);
    x = MAX (x, 0);
    y = MAX (y, 0);
  }

  self->rect_x = x;
  self->rect_y = y;

  self->n_parts = visible_parts (img, self->parts);
  for (guint i = 0; i < self->n_parts; i++)
    GST_DEBUG_OBJECT (self, "visible part %u: %dx%d at %d,%d", i,
        self->parts[i].w, self->parts[i].h, x + self->parts[i].x,
        y + self->parts[i].y);
  stride[0] = img->stride;
  buf = gst_buffer_new_wrapped (img->pixels,
      (gsize) img->stride * (gsize) img->height);
  gst_buffer_add_video_meta_full (buf, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB, img->width, img->height, 1,
      offset, (gint *) stride);
  img->pixels = NULL;
  self->rectangle = gst_video_overlay_rectangle_new_raw (buf, x, y, img->width,
      img->height, GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
  self->pixels = buf;
  gst_video_info_set_format (&self->pixels_info,
      GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB, img->width, img->height);
  self->pixels_info.flags |= GST_VIDEO_FLAG_PREMULTIPLIED_ALPHA;

  layout = gst_structure_new ("ratingoverlay-layout", "x", G_TYPE_INT, x, "y",
      G_TYPE_INT, y, "width", G_TYPE_INT, img->width, "height", G_TYPE_INT,
      img->height, "rating", G_TYPE_STRING, c->summary, NULL);
  layout_add_rect (layout, "badge", &img->badge, x, y);
  layout_add_rect (layout, "pictograms", &img->pictograms, x, y);
  layout_add_rect (layout, "text", &img->text, x, y);
  set_layout (self, layout);
  GST_INFO_OBJECT (self, "rendered %s: %dx%d at %d,%d", c->summary, img->width,
      img->height, x, y);
  ws_guidance_image_free (img);
}

static GstVideoOverlayComposition *
composition_for_alpha (WsRatingOverlay *self, gdouble alpha)
{
  gfloat a = (gfloat) (round (CLAMP (alpha, 0.0, 1.0) * 255.0) / 255.0);

  if (self->composition && self->composition_alpha == a)
    return self->composition;
  if (self->composition)
    gst_video_overlay_composition_unref (self->composition);
  if (a >= 1.0f) {
    self->composition = gst_video_overlay_composition_new (self->rectangle);
  } else {
    /* a copy shares the pixels; the original stays at alpha 1 */
    GstVideoOverlayRectangle *r = gst_video_overlay_rectangle_copy (
        self->rectangle);
    gst_video_overlay_rectangle_set_global_alpha (r, a);
    self->composition = gst_video_overlay_composition_new (r);
    gst_video_overlay_rectangle_unref (r);
  }
  self->composition_alpha = a;
  return self->composition;
}

/* ---- timing ------------------------------------------------------------- */

static gdouble
alpha_at (WsRatingOverlay *self, GstClockTime rt, const Props *p)
{
  gint64 dt, dur = (gint64) self->eff_duration, fade = (gint64) p->fade;
  gdouble a = 1.0;

  if (!self->episode || self->eff_mode == WS_RATING_OVERLAY_MODE_OFF)
    return 0.0;
  dt = (gint64) rt - self->episode_start;
  if (dt < 0)
    return 0.0;
  if (self->eff_mode != WS_RATING_OVERLAY_MODE_PERSISTENT) {
    if (dt >= dur)
      return 0.0;
    if (fade > 0 && dur - dt < fade)
      a = MIN (a, (gdouble) (dur - dt) / fade);
  }
  if (fade > 0 && dt < fade)
    a = MIN (a, (gdouble) dt / fade);
  return a * p->opacity;
}

/* ---- GstBaseTransform --------------------------------------------------- */

static GstCaps *
ws_rating_overlay_transform_caps (GstBaseTransform *trans,
    GstPadDirection direction, GstCaps *caps, GstCaps *filter)
{
  GstCaps *ret = gst_caps_new_empty ();

  for (guint i = 0; i < gst_caps_get_size (caps); i++) {
    GstStructure *s = gst_caps_get_structure (caps, i);
    GstCapsFeatures *f = gst_caps_get_features (caps, i);
    gboolean has_meta =
        f && gst_caps_features_contains (f,
                 GST_CAPS_FEATURE_META_GST_VIDEO_OVERLAY_COMPOSITION);

    if (f && gst_caps_features_is_any (f)) {
      ret = gst_caps_merge_structure_full (ret, gst_structure_copy (s),
          gst_caps_features_copy (f));
      continue;
    }
    if (direction == GST_PAD_SINK && !has_meta) {
      /* downstream: prefer the caps that carry the composition meta */
      GstCapsFeatures *nf = f ? gst_caps_features_copy (f) :
                                gst_caps_features_new_empty ();
      gst_caps_features_add (nf,
          GST_CAPS_FEATURE_META_GST_VIDEO_OVERLAY_COMPOSITION);
      ret = gst_caps_merge_structure_full (ret, gst_structure_copy (s), nf);
    } else if (direction == GST_PAD_SRC && has_meta) {
      GstCapsFeatures *nf = gst_caps_features_copy (f);
      gst_caps_features_remove (nf,
          GST_CAPS_FEATURE_META_GST_VIDEO_OVERLAY_COMPOSITION);
      if (gst_caps_features_get_size (nf) == 0) {
        gst_caps_features_free (nf);
        nf = gst_caps_features_new (GST_CAPS_FEATURE_MEMORY_SYSTEM_MEMORY,
            NULL);
      }
      ret = gst_caps_merge_structure_full (ret, gst_structure_copy (s), nf);
    }
    ret = gst_caps_merge_structure_full (ret, gst_structure_copy (s),
        f ? gst_caps_features_copy (f) : NULL);
  }
  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full (filter, ret,
        GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref (ret);
    ret = tmp;
  }
  GST_LOG_OBJECT (trans, "%s %" GST_PTR_FORMAT " -> %" GST_PTR_FORMAT,
      direction == GST_PAD_SINK ? "downstream" : "upstream", caps, ret);
  return ret;
}

static gboolean
ws_rating_overlay_set_caps (GstBaseTransform *trans, GstCaps *incaps,
    GstCaps *outcaps)
{
  WsRatingOverlay *self = WS_RATING_OVERLAY (trans);
  GstVideoInfo info;

  if (!gst_video_info_from_caps (&info, incaps)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("caps %" GST_PTR_FORMAT " are not raw video ratingoverlay can use; "
         "put videoconvert before it",
            incaps));
    return FALSE;
  }
  self->info = info;
  self->have_info = TRUE;
  self->check_allocation = TRUE;
  GST_OBJECT_LOCK (self);
  self->dirty = TRUE;
  GST_OBJECT_UNLOCK (self);
  GST_DEBUG_OBJECT (self, "caps %" GST_PTR_FORMAT " -> %" GST_PTR_FORMAT,
      incaps, outcaps);
  return TRUE;
}

/* Does downstream take GstVideoOverlayCompositionMeta? Asked with an
 * ALLOCATION query, as basetextoverlay does. */
static void
check_downstream (WsRatingOverlay *self)
{
  GstBaseTransform *trans = GST_BASE_TRANSFORM (self);
  GstCaps *caps = gst_pad_get_current_caps (trans->srcpad);
  GstQuery *q;
  gboolean attach = FALSE;

  self->check_allocation = FALSE;
  if (caps == NULL)
    return;
  q = gst_query_new_allocation (caps, FALSE);
  if (gst_pad_peer_query (trans->srcpad, q))
    attach = gst_query_find_allocation_meta (q,
        GST_VIDEO_OVERLAY_COMPOSITION_META_API_TYPE, NULL);
  gst_query_unref (q);
  gst_caps_unref (caps);
  if (attach != self->attach)
    GST_INFO_OBJECT (self, "%s",
        attach ? "downstream takes the overlay "
                 "composition meta: attaching" :
                 "blending into the frames");
  self->attach = attach;
}

static gboolean
ws_rating_overlay_sink_event (GstBaseTransform *trans, GstEvent *event)
{
  WsRatingOverlay *self = WS_RATING_OVERLAY (trans);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CUSTOM_DOWNSTREAM_STICKY:
      if (ws_rating_event_is (event)) {
        WsRating *r = ws_rating_event_parse (event, NULL);
        if (r && !ws_rating_equal (r, self->event_rating)) {
          GST_INFO_OBJECT (self, "rating %s:%s", r->system ? r->system : "?",
              r->code ? r->code : "?");
          ws_rating_free (self->event_rating);
          self->event_rating = r;
          self->trigger = TRUE;
          GST_OBJECT_LOCK (self);
          self->dirty = TRUE;
          GST_OBJECT_UNLOCK (self);
        } else {
          ws_rating_free (r);
        }
      }
      break;
    case GST_EVENT_CUSTOM_DOWNSTREAM:
      if (ws_event_has_name (event, WS_BREAK_END_EVENT_NAME)) {
        GST_INFO_OBJECT (self, "break end");
        self->break_end = TRUE;
      } else if (ws_event_has_name (event, WS_PROGRAMME_START_EVENT_NAME)) {
        GST_INFO_OBJECT (self, "programme start");
        self->trigger = TRUE;
      }
      break;
    case GST_EVENT_STREAM_START:
      self->trigger = TRUE;
      break;
    case GST_EVENT_FLUSH_STOP:
      if (self->episode && !self->trigger) {
        self->rebase = TRUE;
        self->rebase_elapsed = (GstClockTimeDiff) self->last_running_time -
                               self->episode_start;
      }
      break;
    default:
      break;
  }
  return GST_BASE_TRANSFORM_CLASS (ws_rating_overlay_parent_class)
      ->sink_event (trans, event);
}

/* A ratinggate after us opened (ratingoverlay ! ratinggate): the upstream
 * announcement arrives on our source pad, maybe from another thread
 * (through a queue), so it is only noted here and taken at the next frame. */
static gboolean
ws_rating_overlay_src_event (GstBaseTransform *trans, GstEvent *event)
{
  WsRatingOverlay *self = WS_RATING_OVERLAY (trans);

  if (GST_EVENT_TYPE (event) == GST_EVENT_CUSTOM_UPSTREAM &&
      ws_event_has_name (event, WS_PROGRAMME_START_EVENT_NAME)) {
    GST_INFO_OBJECT (self, "programme start from downstream (a gate opened)");
    g_atomic_int_set (&self->upstream_start, 1);
  }
  return GST_BASE_TRANSFORM_CLASS (ws_rating_overlay_parent_class)
      ->src_event (trans, event);
}

static const char *
mode_nick (WsRatingOverlayMode mode)
{
  GEnumClass *klass = g_type_class_ref (WS_TYPE_RATING_OVERLAY_MODE);
  GEnumValue *v = g_enum_get_value (klass, mode);
  const char *nick = v ? v->value_nick : "?";
  g_type_class_unref (klass);
  return nick;
}

/* `ratingoverlay` element message when the guidance appears or goes. */
static void
post_message (WsRatingOverlay *self, GstBuffer *buf, GstClockTime rt)
{
  GstBaseTransform *trans = GST_BASE_TRANSFORM (self);
  GstClockTime pts = GST_BUFFER_PTS (buf);
  GstClockTime st = GST_CLOCK_TIME_NONE;
  GstStructure *s;

  if (GST_CLOCK_TIME_IS_VALID (pts) && trans->segment.format == GST_FORMAT_TIME)
    st = gst_segment_to_stream_time (&trans->segment, GST_FORMAT_TIME, pts);
  s = ws_timed_structure_new ("ratingoverlay", pts, st, rt,
      GST_BUFFER_DURATION (buf));
  gst_structure_set (s, "event", G_TYPE_STRING,
      self->shown ? "shown" : "hidden", "mode", G_TYPE_STRING,
      mode_nick (self->eff_mode), "rating", G_TYPE_STRING,
      self->summary ? self->summary : "", "attached", G_TYPE_BOOLEAN,
      self->attach, NULL);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
}

/* Called on the as-run writer's thread for a line it could not write. */
static void
as_run_failed (const gchar *line, int err, gpointer user_data)
{
  WsRatingOverlay *self = user_data;

  if (line != NULL)
    GST_ELEMENT_WARNING (self, RESOURCE, WRITE,
        ("Could not write the as-run log \"%s\": %s; the guidance record "
         "was not kept: free space or move the log",
            self->log_path, g_strerror (err)),
        ("record: %s", line));
  else
    GST_ELEMENT_WARNING (self, RESOURCE, SYNC,
        ("Could not make the as-run log \"%s\" durable (fsync: %s)",
            self->log_path, g_strerror (err)),
        (NULL));
}

/* A `guidance-shown` or `guidance-hidden` line in the as-run log, at the
 * programme's civil time of @buf (its timestamp/x-unix meta), else when
 * its running time comes round on the clock. */
static void
log_guidance (WsRatingOverlay *self, gint64 at_us, GstClockTime rt)
{
  const WsPolicy *policy = self->policy.policy;
  gchar *name, *channel, *instant, *line;
  WsAsRunRecord rec = { 0 };

  if (self->log == NULL)
    return;
  instant = ws_element_asrun_instant (GST_ELEMENT_CAST (self), &self->wall,
      at_us, rt, policy);
  name = gst_object_get_name (GST_OBJECT (self));
  GST_OBJECT_LOCK (self);
  channel = g_strdup (self->as_run_channel);
  GST_OBJECT_UNLOCK (self);
  rec.instant = instant;
  rec.running_time_ns = GST_CLOCK_TIME_IS_VALID (rt) ? (gint64) rt : -1;
  rec.allowed = TRUE;
  rec.reason = self->shown ? "guidance shown" : "guidance hidden";
  rec.rating = self->asrun_rating;
  rec.policy = policy ? ws_policy_get_id (policy) : NULL;
  rec.kind = self->shown ? "guidance-shown" : "guidance-hidden";
  rec.mode = mode_nick (self->eff_mode);
  rec.element = name;
  rec.channel = channel && channel[0] ? channel : NULL;
  line = ws_asrun_format_line (&rec);
  if (!ws_asrun_writer_push (self->log, line))
    GST_ELEMENT_WARNING (self, RESOURCE, WRITE,
        ("The as-run log \"%s\" does not keep up: a guidance record was "
         "dropped; the log records how many",
            self->log_path),
        ("%s at %s", rec.kind, GST_STR_NULL (instant)));
  g_free (instant);
  g_free (name);
  g_free (channel);
}

static void
ws_rating_overlay_before_transform (GstBaseTransform *trans, GstBuffer *buf)
{
  WsRatingOverlay *self = WS_RATING_OVERLAY (trans);
  GstClockTime pts = GST_BUFFER_PTS (buf), rt = GST_CLOCK_TIME_NONE;
  gboolean dirty;
  Props p = *props_in_use (self); /* borrowed */

  GST_OBJECT_LOCK (self);
  dirty = self->dirty;
  self->dirty = FALSE;
  GST_OBJECT_UNLOCK (self);

  /* downstream asked for a renegotiation (a RECONFIGURE event marked the
   * source pad): ask it again whether it takes the composition meta. The
   * pad's flag is only read here: the base class clears it when it
   * renegotiates, after this. */
  if (self->check_allocation || gst_pad_needs_reconfigure (trans->srcpad))
    check_downstream (self);
  if (dirty) {
    Content *c = content_build (self, &p);
    update_rule (self, &p, c, buf);
    render (self, &p, c);
    content_free (c);
  }

  if (GST_CLOCK_TIME_IS_VALID (pts) && trans->segment.format == GST_FORMAT_TIME)
    rt = gst_segment_to_running_time (&trans->segment, GST_FORMAT_TIME, pts);
  if (!GST_CLOCK_TIME_IS_VALID (rt))
    rt = GST_CLOCK_TIME_IS_VALID (self->last_running_time) ?
             self->last_running_time :
             0;

  if (self->rebase) {
    self->episode_start = (gint64) rt - self->rebase_elapsed;
    self->rebase = FALSE;
  }
  if (self->break_end) {
    if (self->eff_after_breaks)
      self->trigger = TRUE;
    self->break_end = FALSE;
  }
  if (g_atomic_int_compare_and_exchange (&self->upstream_start, 1, 0))
    self->trigger = TRUE;
  if (self->trigger) {
    GST_INFO_OBJECT (self, "showing the guidance from %" GST_TIME_FORMAT,
        GST_TIME_ARGS (rt));
    self->episode = TRUE;
    self->episode_start = (gint64) rt;
    self->trigger = FALSE;
  }
  self->last_running_time = rt;
  self->alpha = self->rectangle ? alpha_at (self, rt, &p) : 0.0;
  gst_base_transform_set_passthrough (trans, self->alpha <= 0.0);
  if ((self->alpha > 0.0) != self->shown) {
    self->shown = self->alpha > 0.0;
    if (p.post_messages)
      post_message (self, buf, rt);
    log_guidance (self, ws_buffer_programme_time_us (buf), rt);
  }
  /* where this frame ends: the guidance-hidden line if the element stops
   * while showing it */
  if (self->log != NULL && self->shown) {
    GstClockTime dur = GST_BUFFER_DURATION (buf);
    gint64 at_us = ws_buffer_programme_time_us (buf);

    if (!GST_CLOCK_TIME_IS_VALID (dur))
      dur = 0;
    if (at_us == WS_TIME_NONE)
      at_us = ws_wall_clock_instant_ns (&self->wall, GST_ELEMENT_CAST (self),
                  rt, 0) /
              1000;
    self->end_us = at_us + (gint64) (dur / GST_USECOND);
    self->end_rt = rt + dur;
  }
}

/* How a view into a frame of format @f must be aligned so that its
 * pixels unpack and pack as they do in the whole frame: to whole chroma
 * samples (2 for 4:2:0 and 4:2:2, horizontally and vertically as
 * subsampled) and to whole v210 groups (6 pixels). FALSE for layouts a
 * view cannot express (other complex or tiled ones): then the view is the
 * whole frame. */
static gboolean
view_alignment (const GstVideoFormatInfo *f, int *align_x, int *align_y)
{
  *align_x = *align_y = 1;
  if (GST_VIDEO_FORMAT_INFO_FORMAT (f) == GST_VIDEO_FORMAT_v210) {
    *align_x = 6;
    return TRUE;
  }
  if (GST_VIDEO_FORMAT_INFO_IS_COMPLEX (f) ||
      GST_VIDEO_FORMAT_INFO_IS_TILED (f) ||
      GST_VIDEO_FORMAT_INFO_HAS_PALETTE (f))
    return FALSE;
  for (guint c = 0; c < GST_VIDEO_FORMAT_INFO_N_COMPONENTS (f); c++) {
    if (GST_VIDEO_FORMAT_INFO_PSTRIDE (f, c) <= 0)
      return FALSE;
    *align_x = MAX (*align_x, 1 << GST_VIDEO_FORMAT_INFO_W_SUB (f, c));
    *align_y = MAX (*align_y, 1 << GST_VIDEO_FORMAT_INFO_H_SUB (f, c));
  }
  return TRUE;
}

/* A view of the mapped @frame covering only @r (inside the frame and
 * aligned as view_alignment() says): the same format, flags and strides,
 * the width and height of @r, every plane pointer moved to @r's top-left
 * corner. It borrows @frame's mapping and is never unmapped itself; it is
 * only handed to gst_video_blend(), which reads the info (format, flags,
 * size, strides) and the plane pointers. */
static void
frame_view (const GstVideoFrame *frame, const GstVideoRectangle *r,
    GstVideoFrame *view)
{
  const GstVideoFormatInfo *f = frame->info.finfo;

  *view = *frame;
  GST_VIDEO_INFO_WIDTH (&view->info) = r->w;
  GST_VIDEO_INFO_HEIGHT (&view->info) = r->h;
  for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES (frame); p++) {
    gint comp[GST_VIDEO_MAX_COMPONENTS];
    gsize x_bytes;

    gst_video_format_info_component (f, p, comp);
    if (GST_VIDEO_FORMAT_INFO_FORMAT (f) == GST_VIDEO_FORMAT_v210)
      x_bytes = (gsize) (r->x / 6) * 16;
    else
      x_bytes = (gsize) GST_VIDEO_FORMAT_INFO_SCALE_WIDTH (f, comp[0], r->x) *
                GST_VIDEO_FORMAT_INFO_PSTRIDE (f, comp[0]);
    view->data[p] = (guint8 *) frame->data[p] + x_bytes +
                    (gsize) GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT (f, comp[0],
                        r->y) *
                        GST_VIDEO_FRAME_PLANE_STRIDE (frame, p);
  }
}

/* Blends the visible parts of the guidance into @frame with
 * gst_video_blend(), each part into a view of the frame that covers only
 * that part (aligned outwards to whole chroma samples). gst_video_blend()
 * unpacks and packs every line of its destination at full width and
 * converts and blends every pixel of its source, so blending the whole
 * image into the whole frame would also convert the rest of each 1920-pixel
 * line and the transparent corners of the image. Because the views are
 * aligned the pixels come out exactly as from a whole-frame blend (the
 * chroma of a 4:2:0 pair of lines from the first line, as always). */
static gboolean
blend_parts (WsRatingOverlay *self, GstVideoFrame *frame)
{
  GstVideoFrame image;
  gfloat alpha = (gfloat) (round (CLAMP (self->alpha, 0.0, 1.0) * 255.0) /
                           255.0);
  int fw = GST_VIDEO_FRAME_WIDTH (frame), fh = GST_VIDEO_FRAME_HEIGHT (frame);
  int ax, ay;
  gboolean views = view_alignment (frame->info.finfo, &ax, &ay);
  gboolean ok = TRUE;

  if (!gst_video_frame_map (&image, &self->pixels_info, self->pixels,
          GST_MAP_READ))
    return FALSE;
  for (guint i = 0; i < self->n_parts && ok; i++) {
    const GstVideoRectangle *part = &self->parts[i];
    /* the part in frame pixels, clipped to the frame */
    int x0 = MAX (self->rect_x + part->x, 0);
    int y0 = MAX (self->rect_y + part->y, 0);
    int x1 = MIN (self->rect_x + part->x + part->w, fw);
    int y1 = MIN (self->rect_y + part->y + part->h, fh);
    GstVideoRectangle s, d = { 0, 0, fw, fh };
    GstVideoFrame src, dest;

    if (x0 >= x1 || y0 >= y1)
      continue;
    s = (GstVideoRectangle){ x0 - self->rect_x, y0 - self->rect_y, x1 - x0,
      y1 - y0 };
    if (views) {
      d.x = x0 / ax * ax;
      d.y = y0 / ay * ay;
      d.w = MIN ((x1 + ax - 1) / ax * ax, fw) - d.x;
      d.h = MIN ((y1 + ay - 1) / ay * ay, fh) - d.y;
    }
    frame_view (&image, &s, &src);
    frame_view (frame, &d, &dest);
    ok = gst_video_blend (&dest, &src, x0 - d.x, y0 - d.y, alpha);
  }
  gst_video_frame_unmap (&image);
  return ok;
}

static GstFlowReturn
ws_rating_overlay_transform_ip (GstBaseTransform *trans, GstBuffer *buf)
{
  WsRatingOverlay *self = WS_RATING_OVERLAY (trans);
  GstVideoOverlayComposition *comp;
  GstVideoFrame frame;

  if (self->rectangle == NULL || self->alpha <= 0.0)
    return GST_FLOW_OK;

  if (self->attach) {
    comp = composition_for_alpha (self, self->alpha);
    GstVideoOverlayCompositionMeta
        *m = gst_buffer_get_video_overlay_composition_meta (buf);
    if (m) {
      /* upstream already attached one: add our rectangle to it */
      GstVideoOverlayComposition *merged = gst_video_overlay_composition_copy (
          m->overlay);
      gst_video_overlay_composition_add_rectangle (merged,
          gst_video_overlay_composition_get_rectangle (comp, 0));
      gst_buffer_remove_video_overlay_composition_meta (buf, m);
      gst_buffer_add_video_overlay_composition_meta (buf, merged);
      gst_video_overlay_composition_unref (merged);
    } else {
      gst_buffer_add_video_overlay_composition_meta (buf, comp);
    }
    return GST_FLOW_OK;
  }

  if (!gst_video_frame_map (&frame, &self->info, buf, GST_MAP_READWRITE)) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED, (NULL),
        ("cannot map a %" G_GSIZE_FORMAT "-byte buffer as a %s %dx%d frame",
            gst_buffer_get_size (buf),
            gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&self->info)),
            GST_VIDEO_INFO_WIDTH (&self->info),
            GST_VIDEO_INFO_HEIGHT (&self->info)));
    return GST_FLOW_ERROR;
  }
  if (!blend_parts (self, &frame)) {
    GST_ELEMENT_WARNING (self, STREAM, FAILED, (NULL),
        ("cannot blend the guidance into %s frames; nothing is shown (put "
         "videoconvert to I420 before ratingoverlay)",
            gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&self->info))));
    self->n_parts = 0; /* warn once, until the next rendering */
  }
  gst_video_frame_unmap (&frame);
  return GST_FLOW_OK;
}

static gboolean
ws_rating_overlay_start (GstBaseTransform *trans)
{
  WsRatingOverlay *self = WS_RATING_OVERLAY (trans);
  gchar *path, *start, *policy_id, *territory;

  self->trigger = TRUE;
  self->break_end = FALSE;
  g_atomic_int_set (&self->upstream_start, 0);
  self->episode = FALSE;
  self->rebase = FALSE;
  self->episode_start = 0;
  self->shown = FALSE;
  self->last_running_time = GST_CLOCK_TIME_NONE;
  self->attach = FALSE;
  self->check_allocation = TRUE;
  self->alpha = 0.0;
  GST_OBJECT_LOCK (self);
  self->dirty = TRUE;
  path = g_strdup (self->as_run_log);
  start = g_strdup (self->start_time);
  policy_id = g_strdup (self->policy_id);
  territory = g_strdup (self->territory);
  GST_OBJECT_UNLOCK (self);
  if (!ws_element_set_schedule (GST_ELEMENT_CAST (self), &self->wall,
          &self->policy, start, policy_id, territory)) {
    g_free (start);
    g_free (policy_id);
    g_free (territory);
    g_free (path);
    return FALSE;
  }
  g_free (start);
  g_free (policy_id);
  g_free (territory);
  if (path != NULL && path[0] != '\0') {
    GError *err = NULL;

    /* the path first: the writer thread's error callback names it */
    g_free (self->log_path);
    self->log_path = g_strdup (path);
    self->log = ws_asrun_writer_open (path, 0, as_run_failed, self, NULL, &err);
    if (self->log == NULL) {
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE,
          ("Could not open the as-run log \"%s\": %s", path, err->message),
          (NULL));
      g_error_free (err);
      g_free (path);
      return FALSE;
    }
  }
  g_free (path);
  return TRUE;
}

static gboolean
ws_rating_overlay_stop (GstBaseTransform *trans)
{
  WsRatingOverlay *self = WS_RATING_OVERLAY (trans);

  /* stopped while showing: the guidance went with the last frame */
  if (self->log != NULL && self->shown) {
    self->shown = FALSE;
    log_guidance (self, self->end_us, self->end_rt);
  }
  clear_cache (self);
  ws_rating_free (self->event_rating);
  self->event_rating = NULL;
  ws_policy_cache_clear (&self->policy);
  g_clear_pointer (&self->summary, g_free);
  g_clear_pointer (&self->asrun_rating, g_free);
  /* the lines queued so far are written and synced */
  g_clear_pointer (&self->log, ws_asrun_writer_close);
  ws_wall_clock_clear (&self->wall);
  self->have_info = FALSE;
  set_layout (self, NULL);
  return TRUE;
}

/* ---- GObject ------------------------------------------------------------ */

static void
set_string (WsRatingOverlay *self, gchar **field, const GValue *value)
{
  g_free (*field);
  *field = g_value_dup_string (value);
  self->dirty = TRUE;
}

static void
ws_rating_overlay_set_property (GObject *object, guint prop_id,
    const GValue *value, GParamSpec *pspec)
{
  WsRatingOverlay *self = WS_RATING_OVERLAY (object);

  GST_OBJECT_LOCK (self);
  self->props_serial++;
  switch (prop_id) {
    case PROP_POSITION:
      self->position = g_value_get_enum (value);
      self->dirty = TRUE;
      break;
    case PROP_SIZE:
      self->size = g_value_get_double (value);
      self->dirty = TRUE;
      break;
    case PROP_MARGIN:
      self->margin = g_value_get_double (value);
      self->dirty = TRUE;
      break;
    case PROP_OPACITY:
      self->opacity = g_value_get_double (value);
      break;
    case PROP_LANGUAGE:
      set_string (self, &self->language, value);
      break;
    case PROP_SHOW_TEXT:
      self->show_text = g_value_get_boolean (value);
      self->dirty = TRUE;
      break;
    case PROP_SHOW_DESCRIPTORS:
      self->show_descriptors = g_value_get_boolean (value);
      self->dirty = TRUE;
      break;
    case PROP_MODE:
      self->mode = g_value_get_enum (value);
      self->dirty = TRUE;
      break;
    case PROP_DURATION:
      self->duration = g_value_get_uint64 (value);
      self->dirty = TRUE;
      break;
    case PROP_FADE:
      self->fade = g_value_get_uint64 (value);
      break;
    case PROP_POLICY:
      set_string (self, &self->policy_id, value);
      break;
    case PROP_TERRITORY:
      set_string (self, &self->territory, value);
      break;
    case PROP_SERVICE_CLASS:
      set_string (self, &self->service_class, value);
      break;
    case PROP_RATING:
      set_string (self, &self->rating, value);
      break;
    case PROP_TEXT:
      set_string (self, &self->text, value);
      break;
    case PROP_DESCRIPTORS:
      set_string (self, &self->descriptors, value);
      break;
    case PROP_POST_MESSAGES:
      self->post_messages = g_value_get_boolean (value);
      break;
    case PROP_AS_RUN_LOG:
      g_free (self->as_run_log);
      self->as_run_log = g_value_dup_string (value);
      break;
    case PROP_AS_RUN_CHANNEL:
      g_free (self->as_run_channel);
      self->as_run_channel = g_value_dup_string (value);
      break;
    case PROP_START_TIME:
      g_free (self->start_time);
      self->start_time = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
ws_rating_overlay_get_property (GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec)
{
  WsRatingOverlay *self = WS_RATING_OVERLAY (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_POSITION:
      g_value_set_enum (value, self->position);
      break;
    case PROP_SIZE:
      g_value_set_double (value, self->size);
      break;
    case PROP_MARGIN:
      g_value_set_double (value, self->margin);
      break;
    case PROP_OPACITY:
      g_value_set_double (value, self->opacity);
      break;
    case PROP_LANGUAGE:
      g_value_set_string (value, self->language);
      break;
    case PROP_SHOW_TEXT:
      g_value_set_boolean (value, self->show_text);
      break;
    case PROP_SHOW_DESCRIPTORS:
      g_value_set_boolean (value, self->show_descriptors);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_DURATION:
      g_value_set_uint64 (value, self->duration);
      break;
    case PROP_FADE:
      g_value_set_uint64 (value, self->fade);
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
    case PROP_RATING:
      g_value_set_string (value, self->rating);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    case PROP_DESCRIPTORS:
      g_value_set_string (value, self->descriptors);
      break;
    case PROP_POST_MESSAGES:
      g_value_set_boolean (value, self->post_messages);
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
    case PROP_LAYOUT:
      gst_value_set_structure (value, self->layout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
ws_rating_overlay_finalize (GObject *object)
{
  WsRatingOverlay *self = WS_RATING_OVERLAY (object);

  clear_cache (self);
  if (self->props_in_use != NULL) {
    props_clear (self->props_in_use);
    g_free (self->props_in_use);
  }
  ws_rating_free (self->event_rating);
  ws_policy_cache_clear (&self->policy);
  g_free (self->summary);
  g_free (self->asrun_rating);
  g_free (self->as_run_log);
  g_free (self->as_run_channel);
  g_free (self->start_time);
  g_free (self->log_path);
  if (self->log != NULL)
    ws_asrun_writer_close (self->log);
  ws_wall_clock_clear (&self->wall);
  g_free (self->language);
  g_free (self->policy_id);
  g_free (self->territory);
  g_free (self->service_class);
  g_free (self->rating);
  g_free (self->text);
  g_free (self->descriptors);
  if (self->layout)
    gst_structure_free (self->layout);
  G_OBJECT_CLASS (ws_rating_overlay_parent_class)->finalize (object);
}

static void
ws_rating_overlay_class_init (WsRatingOverlayClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                         GST_PARAM_MUTABLE_PLAYING;

  GST_DEBUG_CATEGORY_INIT (ratingoverlay_debug, "ratingoverlay", 0,
      "watershed on-screen rating guidance");

  gobject_class->set_property = ws_rating_overlay_set_property;
  gobject_class->get_property = ws_rating_overlay_get_property;
  gobject_class->finalize = ws_rating_overlay_finalize;

  g_object_class_install_property (gobject_class, PROP_POSITION,
      g_param_spec_enum ("position", "Position",
          "Where the guidance sits inside the EBU R 95 graphics-safe area",
          WS_TYPE_RATING_OVERLAY_POSITION, DEFAULT_POSITION, rw));
  g_object_class_install_property (gobject_class, PROP_SIZE,
      g_param_spec_double ("size", "Size",
          "Badge height as a fraction of the frame height", 0.02, 0.5,
          DEFAULT_SIZE, rw));
  g_object_class_install_property (gobject_class, PROP_MARGIN,
      g_param_spec_double ("margin", "Margin",
          "Extra distance from the edge of the graphics-safe area, as a "
          "fraction of the frame height",
          0.0, 0.4, DEFAULT_MARGIN, rw));
  g_object_class_install_property (gobject_class, PROP_OPACITY,
      g_param_spec_double ("opacity", "Opacity",
          "Opacity of the guidance, 0 (invisible) to 1 (opaque)", 0.0, 1.0,
          DEFAULT_OPACITY, rw));
  g_object_class_install_property (gobject_class, PROP_LANGUAGE,
      g_param_spec_string ("language", "Language",
          "BCP 47 language of the guidance text (exact tag, then the same "
          "primary language, then the first text); NULL = the first text",
          DEFAULT_LANGUAGE, rw));
  g_object_class_install_property (gobject_class, PROP_SHOW_TEXT,
      g_param_spec_boolean ("show-text", "Show text", "Show the guidance text",
          DEFAULT_SHOW_TEXT, rw));
  g_object_class_install_property (gobject_class, PROP_SHOW_DESCRIPTORS,
      g_param_spec_boolean ("show-descriptors", "Show descriptors",
          "Show the content pictograms", DEFAULT_SHOW_DESCRIPTORS, rw));
  g_object_class_install_property (gobject_class, PROP_MODE,
      g_param_spec_enum ("mode", "Mode",
          "When the guidance is shown (auto = the territory's rule)",
          WS_TYPE_RATING_OVERLAY_MODE, DEFAULT_MODE, rw));
  g_object_class_install_property (gobject_class, PROP_DURATION,
      g_param_spec_uint64 ("duration", "Duration",
          "How long each showing lasts, in nanoseconds (0 = the rule's, "
          "else 15 s; 5 s for a full-screen card)",
          0, G_MAXUINT64, DEFAULT_DURATION, rw));
  g_object_class_install_property (gobject_class, PROP_FADE,
      g_param_spec_uint64 ("fade", "Fade",
          "Fade-in and fade-out time in nanoseconds", 0, 10 * GST_SECOND,
          DEFAULT_FADE, rw));
  g_object_class_install_property (gobject_class, PROP_POLICY,
      g_param_spec_string ("policy", "Policy",
          "Policy id (uk-ofcom, fr-arcom, ie-cnam, ...) or path whose "
          "guidance rule mode=auto follows",
          DEFAULT_POLICY, rw));
  g_object_class_install_property (gobject_class, PROP_TERRITORY,
      g_param_spec_string ("territory", "Territory",
          "ISO 3166-1 alpha-2 territory whose policy mode=auto follows when "
          "policy is not set",
          DEFAULT_TERRITORY, rw));
  g_object_class_install_property (gobject_class, PROP_SERVICE_CLASS,
      g_param_spec_string ("service-class", "Service class",
          "The policy's service class (free-to-air, vod-free, ...); NULL = "
          "the policy's default",
          DEFAULT_SERVICE_CLASS, rw));
  g_object_class_install_property (gobject_class, PROP_RATING,
      g_param_spec_string ("rating", "Rating",
          "SYSTEM:CODE shown while no rating event has arrived (bbfc:15)",
          DEFAULT_RATING, rw));
  g_object_class_install_property (gobject_class, PROP_TEXT,
      g_param_spec_string ("text", "Text",
          "Guidance text used when the rating has none", DEFAULT_TEXT, rw));
  g_object_class_install_property (gobject_class, PROP_DESCRIPTORS,
      g_param_spec_string ("descriptors", "Descriptors",
          "Comma-separated descriptor codes or categories for the rating "
          "property (violence,fear)",
          DEFAULT_DESCRIPTORS, rw));
  g_object_class_install_property (gobject_class, PROP_POST_MESSAGES,
      g_param_spec_boolean ("post-messages", "Post messages",
          "Post a ratingoverlay element message when the guidance appears "
          "and when it goes",
          DEFAULT_POST_MESSAGES, rw));
  g_object_class_install_property (gobject_class, PROP_AS_RUN_LOG,
      g_param_spec_string ("as-run-log", "As-Run Log",
          "Append a guidance-shown / guidance-hidden JSON line to this file "
          "(the hash-chained as-run log ratinggate writes; the same file as "
          "the gate's, so that `watershed asrun report` pairs them) when "
          "the guidance appears and goes; read when the element starts",
          NULL, rw | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_AS_RUN_CHANNEL,
      g_param_spec_string ("as-run-channel", "As-Run Channel",
          "The channel the as-run lines are about (their `channel` key); "
          "unset, the report counts them for the gate writing the same "
          "file",
          NULL, rw));
  g_object_class_install_property (gobject_class, PROP_START_TIME,
      g_param_spec_string ("start-time", "Start Time",
          "The ISO 8601 instant of running time 0 for the as-run lines "
          "(as ratinggate clock=scheduled, for file jobs): with an offset, "
          "or local in the policy's zone; NULL = the buffers' programme "
          "time, else the pipeline clock",
          NULL, rw | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_LAYOUT,
      g_param_spec_boxed ("layout", "Layout",
          "Where the guidance was placed, in frame pixels: x, y, width, "
          "height, badge-*, pictograms-*, text-* (NULL when nothing is "
          "rendered)",
          GST_TYPE_STRUCTURE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  gst_element_class_set_static_metadata (element_class, "Rating overlay",
      "Filter/Editor/Video/Overlay",
      "Shows the age rating, content pictograms and guidance text as the "
      "territory's rules ask",
      "watershed");
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);

  trans_class->transform_caps = GST_DEBUG_FUNCPTR (
      ws_rating_overlay_transform_caps);
  trans_class->set_caps = GST_DEBUG_FUNCPTR (ws_rating_overlay_set_caps);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (ws_rating_overlay_sink_event);
  trans_class->src_event = GST_DEBUG_FUNCPTR (ws_rating_overlay_src_event);
  trans_class->before_transform = GST_DEBUG_FUNCPTR (
      ws_rating_overlay_before_transform);
  trans_class->transform_ip = GST_DEBUG_FUNCPTR (
      ws_rating_overlay_transform_ip);
  trans_class->start = GST_DEBUG_FUNCPTR (ws_rating_overlay_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (ws_rating_overlay_stop);
  trans_class->passthrough_on_same_caps = FALSE;
  trans_class->transform_ip_on_passthrough = FALSE;

  gst_type_mark_as_plugin_api (WS_TYPE_RATING_OVERLAY_POSITION, 0);
  gst_type_mark_as_plugin_api (WS_TYPE_RATING_OVERLAY_MODE, 0);
}

static void
ws_rating_overlay_init (WsRatingOverlay *self)
{
  self->position = DEFAULT_POSITION;
  self->size = DEFAULT_SIZE;
  self->margin = DEFAULT_MARGIN;
  self->opacity = DEFAULT_OPACITY;
  self->language = g_strdup (DEFAULT_LANGUAGE);
  self->show_text = DEFAULT_SHOW_TEXT;
  self->show_descriptors = DEFAULT_SHOW_DESCRIPTORS;
  self->mode = DEFAULT_MODE;
  self->duration = DEFAULT_DURATION;
  self->fade = DEFAULT_FADE;
  self->policy_id = g_strdup (DEFAULT_POLICY);
  self->territory = g_strdup (DEFAULT_TERRITORY);
  self->service_class = g_strdup (DEFAULT_SERVICE_CLASS);
  self->rating = g_strdup (DEFAULT_RATING);
  self->text = g_strdup (DEFAULT_TEXT);
  self->descriptors = g_strdup (DEFAULT_DESCRIPTORS);
  self->post_messages = DEFAULT_POST_MESSAGES;
  self->dirty = TRUE;
  self->last_running_time = GST_CLOCK_TIME_NONE;
  self->eff_mode = WS_RATING_OVERLAY_MODE_PERSISTENT;
  gst_base_transform_set_in_place (GST_BASE_TRANSFORM (self), TRUE);
}
