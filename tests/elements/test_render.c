/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the one renderer (plugins/ws-guidance-render.c) as the gate's
 * slate and the overlay's badge use it: frames too large for cairo, the
 * slate against reference images, and the per-system badge styling read
 * from the rating-system files (captions, line breaks, pictogram limits),
 * including a system that exists only as a file in a temporary folder. */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <glib/gstdio.h>

#include <string.h>

#include "ws-error.h"
#include "ws-guidance-render.h"
#include "ws-rating-event.h"
#include "ws-rating-system.h"

/* a BBFC 15 programme on uk-ofcom at 20:59:50 BST: blocked for 10 s */
#define START "2026-07-01T20:59:50+01:00"

/* ---- the gate ------------------------------------------------------------ */

typedef struct {
  GstHarness *h;
  GstBus *bus;
} Gate;

static void
gate_start (Gate *g, const gchar *caps, const gchar *first_property, ...)
{
  GstElement *gate = gst_element_factory_make ("ratinggate", NULL);
  WsRating *r = ws_rating_new ();
  va_list args;

  fail_unless (gate != NULL);
  g_object_set (gate, "policy", "uk-ofcom", "start-time", START, "slate-text",
      "", NULL);
  gst_util_set_object_arg (G_OBJECT (gate), "clock", "scheduled");
  va_start (args, first_property);
  if (first_property != NULL)
    g_object_set_valist (G_OBJECT (gate), first_property, args);
  va_end (args);
  g->bus = gst_bus_new ();
  gst_element_set_bus (gate, g->bus);
  g->h = gst_harness_new_with_element (gate, "sink", "src");
  gst_object_unref (gate);
  gst_harness_set_src_caps_str (g->h, caps);
  r->system = g_strdup ("bbfc");
  r->code = g_strdup ("15");
  r->territory = g_strdup ("GB");
  fail_unless (gst_harness_push_event (g->h, ws_rating_event_new (r, "test")));
  ws_rating_free (r);
}

static void
gate_stop (Gate *g)
{
  gst_element_set_bus (g->h->element, NULL);
  gst_object_unref (g->bus);
  gst_harness_teardown (g->h);
}

/* A mid-grey frame (never black) at time 0. */
static GstBuffer *
grey_frame (const GstVideoInfo *info)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, info->size, NULL);

  gst_buffer_memset (buf, 0, 0x80, info->size);
  GST_BUFFER_PTS (buf) = 0;
  GST_BUFFER_DURATION (buf) = GST_SECOND / 25;
  return buf;
}

/* Pushes one frame through a blocked gate; returns the slate (the harness
 * fails the test when the gate crashes or outputs nothing). */
static GstBuffer *
slate_of (Gate *g, const gchar *caps)
{
  GstCaps *c = gst_caps_from_string (caps);
  GstVideoInfo info;

  fail_unless (gst_video_info_from_caps (&info, c));
  gst_caps_unref (c);
  fail_unless_equals_int (gst_harness_push (g->h, grey_frame (&info)),
      GST_FLOW_OK);
  return gst_harness_pull (g->h);
}

static gboolean
plane_all (const GstVideoFrame *f, guint plane, guint8 value)
{
  for (gint y = 0; y < GST_VIDEO_FRAME_COMP_HEIGHT (f, plane); y++) {
    const guint8 *row = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (f, plane) +
                        y * GST_VIDEO_FRAME_PLANE_STRIDE (f, plane);
    for (gint x = 0; x < GST_VIDEO_FRAME_COMP_WIDTH (f, plane); x++)
      if (row[x] != value)
        return FALSE;
  }
  return TRUE;
}

static gchar *
pop_warning (GstBus *bus)
{
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  GError *err = NULL;
  gchar *text;

  if (msg == NULL)
    return NULL;
  gst_message_parse_warning (msg, &err, NULL);
  text = g_strdup (err->message);
  g_error_free (err);
  gst_message_unref (msg);
  return text;
}

/* A 33000x16 I420 frame is wider than a cairo image may be (32767): the
 * gate crashed on it. Now the slate is drawn at the renderer's limit and
 * scaled, with a warning naming both sizes; the frame out is the slate
 * (black), of the full size, with the input's timestamps. The same for a
 * frame that is too tall, and for one so wide that the slate is
 * distorted. */
GST_START_TEST (test_render_gate_huge_frame)
{
  static const struct {
    int w, h;
    const char *format;
  } sizes[] = { { 33000, 16, "I420" }, { 16, 33000, "I420" },
    { 33000, 2, "RGBA" }, { 400000, 2, "I420" } };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++) {
    gchar *caps = g_strdup_printf ("video/x-raw, format=%s, width=%d, "
                                   "height=%d, framerate=25/1",
        sizes[i].format, sizes[i].w, sizes[i].h);
    gchar *want = g_strdup_printf ("%dx%d", sizes[i].w, sizes[i].h);
    GstCaps *c = gst_caps_from_string (caps);
    GstVideoInfo info;
    GstVideoFrame f;
    GstBuffer *out;
    gchar *m;
    Gate g;

    fail_unless (gst_video_info_from_caps (&info, c));
    gst_caps_unref (c);
    gate_start (&g, caps, NULL);
    out = slate_of (&g, caps);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), 0);
    fail_unless_equals_int (gst_buffer_get_size (out), info.size);
    fail_unless (gst_video_frame_map (&f, &info, out, GST_MAP_READ));
    if (GST_VIDEO_INFO_FORMAT (&info) == GST_VIDEO_FORMAT_I420) {
      fail_unless (plane_all (&f, 0, 16) && plane_all (&f, 1, 128) &&
                   plane_all (&f, 2, 128));
    } else {
      const guint8 *p = GST_VIDEO_FRAME_PLANE_DATA (&f, 0);
      for (gint y = 0; y < sizes[i].h; y++)
        for (gint x = 0; x < sizes[i].w; x++) {
          const guint8 *px = p + y * GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0) +
                             4 * x;
          fail_unless (px[0] == 0 && px[1] == 0 && px[2] == 0 && px[3] == 255,
              "pixel %d,%d not black", x, y);
        }
    }
    gst_video_frame_unmap (&f);
    gst_buffer_unref (out);
    m = pop_warning (g.bus);
    fail_unless (m != NULL, "no warning for %s", want);
    fail_unless (strstr (m, want) != NULL && strstr (m, "8192") != NULL, "%s",
        m);
    g_free (m);
    /* the next frame reuses the slate: no second warning */
    gst_buffer_unref (slate_of (&g, caps));
    fail_unless (gst_bus_pop_filtered (g.bus, GST_MESSAGE_WARNING) == NULL);
    gate_stop (&g);
    g_free (want);
    g_free (caps);
  }
}

GST_END_TEST;

/* ---- the slate against reference images ------------------------------- */

/* A 64x36 PNG of four coloured quadrants, written with cairo. */
static gchar *
write_quadrants_png (void)
{
  gchar *dir = g_dir_make_tmp ("ws-render-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "slate.png", NULL);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 64, 36);
  cairo_t *cr = cairo_create (s);
  static const double colours[4][3] = { { 0.9, 0.1, 0.1 }, { 0.1, 0.8, 0.2 },
    { 0.1, 0.2, 0.9 }, { 0.9, 0.9, 0.2 } };

  for (int q = 0; q < 4; q++) {
    cairo_rectangle (cr, (q % 2) * 32, (q / 2) * 18, 32, 18);
    cairo_set_source_rgb (cr, colours[q][0], colours[q][1], colours[q][2]);
    cairo_fill (cr);
  }
  cairo_destroy (cr);
  fail_unless_equals_int (cairo_surface_write_to_png (s, path),
      CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (s);
  g_free (dir);
  return path;
}

static void
remove_png (gchar *path)
{
  gchar *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
  g_free (dir);
  g_free (path);
}

/* Compares the RGBA frame @buf with $WS_TEST_FILES/slates/@name (written
 * first when WS_UPDATE_SLATES=1): the slate's look is kept on purpose. */
static void
check_slate_reference (const char *name, GstBuffer *buf,
    const GstVideoInfo *info)
{
  const char *files = g_getenv ("WS_TEST_FILES");
  gchar *dir, *path;
  cairo_surface_t *ref;
  GstVideoFrame f;
  const guint8 *rp;
  int w = GST_VIDEO_INFO_WIDTH (info), h = GST_VIDEO_INFO_HEIGHT (info);
  double sum = 0;
  guint bad = 0;

  fail_unless (files != NULL, "WS_TEST_FILES is not set");
  dir = g_build_filename (files, "slates", NULL);
  path = g_build_filename (dir, name, NULL);
  fail_unless (gst_video_frame_map (&f, info, buf, GST_MAP_READ));
  if (g_strcmp0 (g_getenv ("WS_UPDATE_SLATES"), "1") == 0) {
    cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
    guint8 *d = cairo_image_surface_get_data (s);

    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++) {
        const guint8 *p = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f, 0) +
                          y * GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0) + 4 * x;
        guint32 v = 0xff000000u | ((guint32) p[0] << 16) |
                    ((guint32) p[1] << 8) | p[2];
        memcpy (d + y * cairo_image_surface_get_stride (s) + 4 * x, &v, 4);
      }
    cairo_surface_mark_dirty (s);
    g_mkdir_with_parents (dir, 0755);
    fail_unless_equals_int (cairo_surface_write_to_png (s, path),
        CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy (s);
  }
  ref = cairo_image_surface_create_from_png (path);
  fail_unless (cairo_surface_status (ref) == CAIRO_STATUS_SUCCESS,
      "%s: %s (make it with WS_UPDATE_SLATES=1, then look at it)", path,
      cairo_status_to_string (cairo_surface_status (ref)));
  fail_unless (cairo_image_surface_get_width (ref) == w &&
                   cairo_image_surface_get_height (ref) == h,
      "%s: wrong size", path);
  rp = cairo_image_surface_get_data (ref);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      const guint8 *p = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f, 0) +
                        y * GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0) + 4 * x;
      guint32 v;
      int worst = 0;

      memcpy (&v, rp + y * cairo_image_surface_get_stride (ref) + 4 * x, 4);
      for (int c = 0; c < 3; c++) {
        int d = ABS ((int) p[c] - (int) ((v >> (16 - 8 * c)) & 0xff));
        sum += d;
        worst = MAX (worst, d);
      }
      if (worst > 64)
        bad++;
    }
  gst_video_frame_unmap (&f);
  /* font versions move a few edge pixels; a change of look moves many */
  fail_unless (sum / (3.0 * w * h) < 1.5 && bad < (guint) (w * h) / 200,
      "%s: mean difference %.2f, %u pixels off: the slate's look changed", path,
      sum / (3.0 * w * h), bad);
  cairo_surface_destroy (ref);
  g_free (path);
  g_free (dir);
}

/* The slate with an image and the "available from" text, at square and at
 * non-square pixels (PAL 4:3, 16/15), matches the images it had before
 * the gate drew it with the shared renderer. */
GST_START_TEST (test_render_slate_reference)
{
  static const struct {
    const char *caps, *name;
    gboolean image;
  } cases[] = {
    { "video/x-raw, format=RGBA, width=480, height=270, framerate=25/1, "
      "pixel-aspect-ratio=1/1",
        "slate-480x270.png", TRUE },
    { "video/x-raw, format=RGBA, width=720, height=576, framerate=25/1, "
      "pixel-aspect-ratio=16/15",
        "slate-720x576-par16-15.png", TRUE },
    { "video/x-raw, format=RGBA, width=320, height=180, framerate=25/1, "
      "pixel-aspect-ratio=1/1",
        "slate-320x180-text.png", FALSE },
  };
  gchar *png = write_quadrants_png ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstCaps *c = gst_caps_from_string (cases[i].caps);
    GstVideoInfo info;
    GstBuffer *out;
    Gate g;

    fail_unless (gst_video_info_from_caps (&info, c));
    gst_caps_unref (c);
    gate_start (&g, cases[i].caps, "slate-text",
        "This programme is available from %s", "slate-image",
        cases[i].image ? png : NULL, NULL);
    out = slate_of (&g, cases[i].caps);
    check_slate_reference (cases[i].name, out, &info);
    fail_unless (gst_bus_pop_filtered (g.bus, GST_MESSAGE_WARNING) == NULL);
    gst_buffer_unref (out);
    gate_stop (&g);
  }
  remove_png (png);
}

GST_END_TEST;

/* ---- badge styling from the rating-system files --------------------------- */

/* The badge alone (no pictograms, no text), @height pixels high. */
static WsGuidanceImage *
render_badge (const WsBadgeHints *hints, int height)
{
  WsGuidanceSpec spec = { 0 };
  GError *err = NULL;
  WsGuidanceImage *img;

  spec.badge = *hints;
  spec.badge_height = height;
  spec.pixel_aspect = 1.0;
  img = ws_guidance_render (&spec, &err);
  fail_unless (img != NULL, "%s", err ? err->message : "?");
  return img;
}

/* Pixels that differ between @a and @b in the rows [@y0, @y1) of the
 * badge. */
static guint
badge_diff (const WsGuidanceImage *a, const WsGuidanceImage *b, int y0, int y1)
{
  guint n = 0;

  fail_unless (a->width == b->width && a->height == b->height);
  for (int y = y0; y < y1; y++)
    for (int x = a->badge.x; x < a->badge.x + a->badge.width; x++)
      if (memcmp (a->pixels + y * a->stride + 4 * x,
              b->pixels + y * b->stride + 4 * x, 4) != 0)
        n++;
  return n;
}

/* Pixels of the badge in colour @argb (opaque), give or take 8 a channel. */
static guint
count_colour (const WsGuidanceImage *img, guint32 argb)
{
  guint n = 0;

  for (int y = 0; y < img->height; y++)
    for (int x = 0; x < img->width; x++) {
      guint32 v;
      gboolean near = TRUE;

      memcpy (&v, img->pixels + y * img->stride + 4 * x, 4);
      for (int c = 0; c < 32; c += 8)
        near = near &&
               ABS ((int) ((v >> c) & 0xff) - (int) ((argb >> c) & 0xff)) <= 8;
      if (near)
        n++;
    }
  return n;
}

/* Draws the badge of @hints with and without its caption: the caption
 * shows in the upper half of the badge. */
static void
check_caption_drawn (const WsBadgeHints *hints, const char *name)
{
  WsBadgeHints bare = *hints;
  WsGuidanceImage *with, *without;
  guint diff;

  bare.caption = NULL;
  with = render_badge (hints, 64);
  without = render_badge (&bare, 64);
  diff = badge_diff (with, without, with->badge.y,
      with->badge.y + with->badge.height / 2);
  fail_unless (diff > 40, "%s: the caption \"%s\" changed %u pixels", name,
      hints->caption, diff);
  ws_guidance_image_free (with);
  ws_guidance_image_free (without);
}

/* The captions the shipped files give, and that each is drawn: FSK, PEGI
 * and TV as small captions, long codes broken in two lines. No system id
 * appears in the renderer. */
GST_START_TEST (test_render_system_captions)
{
  static const struct {
    const char *rating, *caption, *text;
    WsBadgeCaptionStyle style;
  } want[] = {
    { "fsk:16", "FSK", NULL, WS_BADGE_CAPTION_SMALL },
    { "fsk:0", "FSK", NULL, WS_BADGE_CAPTION_SMALL },
    { "pegi:18", "PEGI", NULL, WS_BADGE_CAPTION_SMALL },
    { "us-tv:TV-14", "TV", "14", WS_BADGE_CAPTION_SMALL },
    { "us-tv:TV-Y7", "TV", "Y7", WS_BADGE_CAPTION_SMALL },
    { "acb:MA15+", "MA", "15+", WS_BADGE_CAPTION_LINE },
    { "acma:AV15+", "AV", "15+", WS_BADGE_CAPTION_LINE },
    { "agcom:VM14", "VM", "14", WS_BADGE_CAPTION_LINE },
    { "cbfc:UA13+", "UA", "13+", WS_BADGE_CAPTION_LINE },
    { "eirin:PG12", "PG", "12", WS_BADGE_CAPTION_LINE },
    { "mpa:PG-13", "PG", "13", WS_BADGE_CAPTION_LINE },
    { "mpa:NC-17", "NC", "17", WS_BADGE_CAPTION_LINE },
  };
  static const char *const plain[] = { "bbfc:15", "mpa:R", "csa:-16",
    "kijkwijzer:12", "acb:M" };
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  guint n_captioned = 0;

  fail_unless (reg != NULL);
  for (guint i = 0; i < G_N_ELEMENTS (want); i++) {
    const WsRatingDef *def = ws_rating_registry_parse (reg, want[i].rating,
        NULL);
    const WsBadgeHints *h;

    fail_unless (def != NULL, "%s", want[i].rating);
    h = ws_rating_def_get_badge (def);
    fail_unless_equals_string (h->caption, want[i].caption);
    fail_unless_equals_int (h->caption_style, want[i].style);
    fail_unless_equals_string (h->text, want[i].text);
  }
  /* no caption where the file gives none */
  for (guint i = 0; i < G_N_ELEMENTS (plain); i++) {
    const WsRatingDef *def = ws_rating_registry_parse (reg, plain[i], NULL);

    fail_unless (def != NULL, "%s", plain[i]);
    fail_unless (ws_rating_def_get_badge (def)->caption == NULL, "%s",
        plain[i]);
  }
  /* every captioned rating of every system draws its caption */
  for (guint s = 0; s < ws_rating_registry_get_n_systems (reg); s++) {
    const WsRatingSystem *sys = ws_rating_registry_get_system (reg, s);

    for (guint r = 0; r < ws_rating_system_get_n_ratings (sys); r++) {
      const WsRatingDef *def = ws_rating_system_get_rating (sys, r);
      WsBadgeHints h = *ws_rating_def_get_badge (def);

      if (h.text == NULL)
        h.text = ws_rating_def_get_code (def);
      if (h.caption == NULL)
        continue;
      check_caption_drawn (&h, ws_rating_def_get_name (def));
      n_captioned++;
    }
  }
  /* 5 FSK + 5 PEGI + 6 TV + 16 two-line codes */
  fail_unless_equals_int (n_captioned, 32);
  /* the pictogram limits are data too */
  fail_unless_equals_int (ws_rating_system_get_badge (
                              ws_rating_registry_lookup_system (reg,
                                  "kijkwijzer"))
                              ->max_pictograms,
      3);
  fail_unless_equals_int (ws_rating_system_get_badge (
                              ws_rating_registry_lookup_system (reg, "bbfc"))
                              ->max_pictograms,
      WS_BADGE_DEFAULT_MAX_PICTOGRAMS);
}

GST_END_TEST;

static const char new_system_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<rating-system xmlns=\"urn:watershed:rating-system:1\" id=\"zz-test\"\n"
    "    territory=\"NL\">\n"
    "  <name>A test system</name>\n"
    "  <authority>watershed tests</authority>\n"
    "  <badge shape=\"diamond\" background=\"#1E5AA0\" foreground=\"#FFFFFF\"\n"
    "      border=\"#1E5AA0\" caption=\"ZZ\" max-pictograms=\"2\"/>\n"
    "  <rating code=\"A\" ordinal=\"0\" kind=\"advisory\" minimum-age=\"0\"\n"
    "      label=\"All ages\"/>\n"
    "  <rating code=\"XL-21\" ordinal=\"1\" kind=\"restricted\"\n"
    "      minimum-age=\"18\" label=\"Adults\">\n"
    "    <badge background=\"#B01010\" border=\"#B01010\" caption=\"XL\"\n"
    "        caption-style=\"line\" text=\"21\"/>\n"
    "  </rating>\n"
    "</rating-system>\n";

/* A system the code has never heard of, as one file in a temporary
 * folder: loaded, valid against the schema, and its badges drawn with its
 * colours and captions exactly as hand-written hints would be. */
GST_START_TEST (test_render_new_system_from_file)
{
  gchar *dir = g_dir_make_tmp ("ws-render-system-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "zz-test.xml", NULL);
  gchar *xmllint = g_find_program_in_path ("xmllint");
  WsRatingRegistry *reg;
  const WsRatingSystem *sys;
  const WsRatingDef *a, *xl;
  WsBadgeHints hand = { 0 };
  WsGuidanceImage *from_file, *by_hand;
  GError *err = NULL;

  fail_unless (g_file_set_contents (path, new_system_xml, -1, NULL));
  if (xmllint != NULL) {
    gchar *xsd = g_build_filename (g_getenv ("WATERSHED_DATADIR"), "schemas",
        "rating-system.xsd", NULL);
    const gchar *argv[] = { xmllint, "--noout", "--schema", xsd, path, NULL };
    gchar *out = NULL;
    gint status = -1;

    fail_unless (g_spawn_sync (NULL, (gchar **) argv, NULL,
        G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &out, &status, NULL));
    fail_unless (g_spawn_check_wait_status (status, NULL), "%s", out);
    g_free (out);
    g_free (xsd);
  } else {
    g_print ("xmllint not found: the schema check of the new file is "
             "skipped\n");
  }
  reg = ws_rating_registry_new (dir, &err);
  fail_unless (reg != NULL, "%s", err ? err->message : "?");
  sys = ws_rating_registry_lookup_system (reg, "zz-test");
  fail_unless (sys != NULL);
  fail_unless_equals_int (ws_rating_system_get_badge (sys)->max_pictograms, 2);
  a = ws_rating_system_lookup_rating (sys, "A");
  xl = ws_rating_system_lookup_rating (sys, "XL-21");
  fail_unless (a != NULL && xl != NULL);
  fail_unless_equals_string (ws_rating_def_get_badge (a)->caption, "ZZ");
  fail_unless_equals_string (ws_rating_def_get_badge (xl)->caption, "XL");
  fail_unless_equals_string (ws_rating_def_get_badge (xl)->text, "21");

  /* the inherited caption, drawn as hand-written hints would be */
  hand.shape = WS_BADGE_SHAPE_DIAMOND;
  hand.background_argb = 0xff1e5aa0;
  hand.foreground_argb = 0xffffffff;
  hand.border_argb = 0xff1e5aa0;
  hand.text = "A";
  hand.caption = "ZZ";
  {
    WsBadgeHints h = *ws_rating_def_get_badge (a);

    h.text = "A";
    from_file = render_badge (&h, 64);
  }
  by_hand = render_badge (&hand, 64);
  fail_unless (from_file->stride == by_hand->stride &&
               from_file->height == by_hand->height);
  fail_unless (memcmp (from_file->pixels, by_hand->pixels,
                   (gsize) by_hand->stride * by_hand->height) == 0);
  fail_unless (count_colour (from_file, 0xff1e5aa0) > 64 * 64 / 4);
  check_caption_drawn (&hand, "zz-test:A");
  ws_guidance_image_free (from_file);
  ws_guidance_image_free (by_hand);

  /* the rating's own colours and two-line code */
  from_file = render_badge (ws_rating_def_get_badge (xl), 64);
  fail_unless (count_colour (from_file, 0xffb01010) > 64 * 64 / 4);
  fail_unless (count_colour (from_file, 0xff1e5aa0) == 0);
  check_caption_drawn (ws_rating_def_get_badge (xl), "zz-test:XL-21");
  ws_guidance_image_free (from_file);

  ws_rating_registry_free (reg);
  g_unlink (path);
  g_rmdir (dir);
  g_free (xmllint);
  g_free (path);
  g_free (dir);
}

GST_END_TEST;

/* The renderer itself refuses what cairo cannot draw: an error, no
 * crash, for the card, the slate and the badge. */
GST_START_TEST (test_render_refuses_huge_images)
{
  WsGuidanceSpec spec = { 0 };
  WsSlateSpec slate = { NULL, "text", 1.0 };
  GError *err = NULL;

  spec.badge.text = "15";
  spec.pixel_aspect = 1.0;
  spec.badge_height = 64;
  fail_unless (ws_guidance_render_card (&spec, 33000, 16, &err) == NULL);
  fail_unless (g_error_matches (err, WS_ERROR, WS_ERROR_TOO_LARGE));
  g_clear_error (&err);
  fail_unless (
      ws_guidance_render_slate (&slate, 16, 33000, NULL, &err) == NULL);
  fail_unless (g_error_matches (err, WS_ERROR, WS_ERROR_TOO_LARGE));
  fail_unless (strstr (err->message, "8192") != NULL, "%s", err->message);
  g_clear_error (&err);
  slate.pixel_aspect = 100;
  fail_unless (ws_guidance_render_slate (&slate, 64, 64, NULL, &err) == NULL);
  fail_unless (g_error_matches (err, WS_ERROR, WS_ERROR_ARGUMENT));
  g_clear_error (&err);
  /* a text 8 times the widest image */
  spec.text = "a";
  spec.badge_height = WS_GUIDANCE_MAX_SIDE / 2;
  spec.max_text_width = 8 * WS_GUIDANCE_MAX_SIDE;
  {
    gchar *long_text = g_strnfill (WS_GUIDANCE_TEXT_MAX_CHARS, 'W');
    WsGuidanceImage *img;

    spec.text = long_text;
    img = ws_guidance_render (&spec, &err);
    fail_unless (img == NULL);
    fail_unless (g_error_matches (err, WS_ERROR, WS_ERROR_TOO_LARGE), "%s",
        err->message);
    g_clear_error (&err);
    g_free (long_text);
  }
}

GST_END_TEST;

static Suite *
render_suite (void)
{
  Suite *s = suite_create ("render");
  TCase *slate = tcase_create ("slate");
  TCase *styling = tcase_create ("styling");

  suite_add_tcase (s, slate);
  suite_add_tcase (s, styling);
  tcase_add_test (styling, test_render_system_captions);
  tcase_add_test (styling, test_render_new_system_from_file);
  tcase_add_test (styling, test_render_refuses_huge_images);
  tcase_add_test (slate, test_render_gate_huge_frame);
  tcase_add_test (slate, test_render_slate_reference);
  return s;
}

GST_CHECK_MAIN (render);
