/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: on-screen guidance artwork. The designs (badge styles and
 * pictograms) are watershed's own simple vector drawings; no third-party
 * logo is copied. */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <pango/pangocairo.h>

#include "ws-error.h"
#include "ws-metadata.h"
#include "ws-guidance-render.h"
#include "ws-xml.h"

#define MAX_IMAGE_SIDE WS_GUIDANCE_MAX_SIDE
#define FONT_FAMILY "Sans"

/* ---- small helpers ----------------------------------------------------- */

static void
set_argb (cairo_t *cr, guint32 argb)
{
  cairo_set_source_rgba (cr, ((argb >> 16) & 0xff) / 255.0,
      ((argb >> 8) & 0xff) / 255.0, (argb & 0xff) / 255.0,
      ((argb >> 24) & 0xff) / 255.0);
}

static void
rounded_rect (cairo_t *cr, double x, double y, double w, double h, double r)
{
  r = MIN (r, MIN (w, h) / 2.0);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI_2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI_2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI_2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI_2);
  cairo_close_path (cr);
}

/* A pango layout in @cr's user space with a bold font @px units high. */
static PangoLayout *
make_layout (cairo_t *cr, const char *text, double px, gboolean bold)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *fd = pango_font_description_new ();
  PangoContext *ctx = pango_layout_get_context (layout);
  cairo_font_options_t *fo = cairo_font_options_create ();

  /* Metrics independent of the device scale: the same layout on every
   * frame size and pixel aspect. */
  cairo_font_options_set_hint_metrics (fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (fo, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_antialias (fo, CAIRO_ANTIALIAS_GRAY);
  pango_cairo_context_set_font_options (ctx, fo);
  cairo_font_options_destroy (fo);
  pango_cairo_context_set_resolution (ctx, 72.0);
  /* glyph positions are rounded to whole user units by default, and a
   * pictogram's user unit is the whole tile */
  pango_context_set_round_glyph_positions (ctx, FALSE);
  pango_layout_context_changed (layout);

  pango_font_description_set_family (fd, FONT_FAMILY);
  pango_font_description_set_weight (fd,
      bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_SEMIBOLD);
  pango_font_description_set_absolute_size (fd, MAX (px, 1.0) * PANGO_SCALE);
  pango_layout_set_font_description (layout, fd);
  pango_font_description_free (fd);
  {
    /* pango lays out in time that grows with the text: never more than a
     * guidance text may hold (the readers already cut there) */
    char *bounded = ws_utf8_cut (text, WS_GUIDANCE_TEXT_MAX_CHARS);

    pango_layout_set_text (layout, bounded, -1);
    g_free (bounded);
  }
  return layout;
}

/* Draws @text centred on (@cx, @cy) by its ink box, shrunk to fit @max_w
 * by @max_h. */
static void
draw_centred_text (cairo_t *cr, const char *text, double cx, double cy,
    double px, double max_w, double max_h)
{
  PangoLayout *layout = make_layout (cr, text, px, TRUE);
  PangoRectangle ink;
  double scale = 1.0;

  pango_layout_get_extents (layout, &ink, NULL);
  if (ink.width > 0 && ink.width / (double) PANGO_SCALE > max_w)
    scale = max_w / (ink.width / (double) PANGO_SCALE);
  if (ink.height > 0 && ink.height / (double) PANGO_SCALE * scale > max_h)
    scale = max_h / (ink.height / (double) PANGO_SCALE);
  if (scale < 1.0) {
    g_object_unref (layout);
    layout = make_layout (cr, text, px * scale, TRUE);
    pango_layout_get_extents (layout, &ink, NULL);
  }
  cairo_move_to (cr, cx - (ink.x + ink.width / 2.0) / PANGO_SCALE,
      cy - (ink.y + ink.height / 2.0) / PANGO_SCALE);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

/* ---- badge ------------------------------------------------------------- */

static void
shape_path (cairo_t *cr, WsBadgeShape shape, double x, double y, double w,
    double h)
{
  switch (shape) {
    case WS_BADGE_SHAPE_CIRCLE:
      cairo_new_sub_path (cr);
      cairo_arc (cr, x + w / 2, y + h / 2, MIN (w, h) / 2, 0, 2 * G_PI);
      cairo_close_path (cr);
      break;
    case WS_BADGE_SHAPE_ROUNDED_SQUARE:
      rounded_rect (cr, x, y, w, h, 0.2 * w);
      break;
    case WS_BADGE_SHAPE_SQUARE:
      cairo_rectangle (cr, x, y, w, h);
      break;
    case WS_BADGE_SHAPE_TRIANGLE:
      cairo_move_to (cr, x + w / 2, y);
      cairo_line_to (cr, x + w, y + h);
      cairo_line_to (cr, x, y + h);
      cairo_close_path (cr);
      break;
    case WS_BADGE_SHAPE_DIAMOND:
      cairo_move_to (cr, x + w / 2, y);
      cairo_line_to (cr, x + w, y + h / 2);
      cairo_line_to (cr, x + w / 2, y + h);
      cairo_line_to (cr, x, y + h / 2);
      cairo_close_path (cr);
      break;
    case WS_BADGE_SHAPE_SHIELD:
    default:
      cairo_move_to (cr, x, y);
      cairo_line_to (cr, x + w, y);
      cairo_line_to (cr, x + w, y + 0.5 * h);
      cairo_curve_to (cr, x + w, y + 0.78 * h, x + 0.7 * w, y + 0.9 * h,
          x + w / 2, y + h);
      cairo_curve_to (cr, x + 0.3 * w, y + 0.9 * h, x, y + 0.78 * h, x,
          y + 0.5 * h);
      cairo_close_path (cr);
      break;
  }
}

/* The part of the shape text may use (inside the keyline): centre and
 * box, as fractions of the badge size. */
static void
shape_text_box (WsBadgeShape shape, double *cx, double *cy, double *bw,
    double *bh)
{
  *cx = 0.5;
  *cy = 0.5;
  *bw = 0.58;
  *bh = 0.42;
  switch (shape) {
    case WS_BADGE_SHAPE_CIRCLE:
      *bw = 0.56;
      *bh = 0.38;
      break;
    case WS_BADGE_SHAPE_TRIANGLE:
      *cy = 0.68;
      *bw = 0.42;
      *bh = 0.3;
      break;
    case WS_BADGE_SHAPE_DIAMOND:
      *bw = 0.46;
      *bh = 0.32;
      break;
    case WS_BADGE_SHAPE_SHIELD:
      *cy = 0.44;
      *bw = 0.6;
      *bh = 0.4;
      break;
    default:
      break;
  }
}

/* The badge: the shape, its border, then the text with the caption the
 * hints give (a system's file says which: docs/rating-systems.md). */
static void
draw_badge (cairo_t *cr, const WsBadgeHints *hints, double x, double y,
    double size, double shadow)
{
  const char *main_text = hints->text && hints->text[0] ? hints->text : "?";
  const char *caption = hints->caption && hints->caption[0] ? hints->caption :
                                                              NULL;
  gboolean big_caption = hints->caption_style == WS_BADGE_CAPTION_LINE;
  double lw = MAX (size * 0.065, 1.0);
  double cx, cy, bw, bh;

  /* soft drop shadow: readable on any picture */
  if (shadow > 0) {
    shape_path (cr, hints->shape, x + shadow, y + shadow, size, size);
    cairo_set_source_rgba (cr, 0, 0, 0, 0.4);
    cairo_fill (cr);
  }

  shape_path (cr, hints->shape, x, y, size, size);
  set_argb (cr, hints->background_argb);
  cairo_fill_preserve (cr);
  cairo_save (cr);
  cairo_clip_preserve (cr);
  /* the border is drawn inside the shape (twice the width, clipped) */
  cairo_set_line_width (cr, 2 * lw);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  set_argb (cr, hints->border_argb);
  cairo_stroke (cr);
  /* a fine inner keyline in the text colour when the border would vanish
   * into the background: the house style for flat colour badges */
  if ((hints->border_argb & 0xffffff) == (hints->background_argb & 0xffffff)) {
    double inset = 2.2 * lw;
    shape_path (cr, hints->shape, x + inset, y + inset, size - 2 * inset,
        size - 2 * inset);
    cairo_set_line_width (cr, MAX (lw * 0.45, 0.75));
    set_argb (cr, (hints->foreground_argb & 0xffffff) | 0x99000000u);
    cairo_stroke (cr);
  }
  cairo_restore (cr);
  cairo_new_path (cr);

  shape_text_box (hints->shape, &cx, &cy, &bw, &bh);
  set_argb (cr, hints->foreground_argb);
  if (caption && big_caption) {
    draw_centred_text (cr, caption, x + cx * size, y + (cy - bh * 0.3) * size,
        size * 0.26, bw * size * 0.9, bh * size * 0.42);
    draw_centred_text (cr, main_text, x + cx * size,
        y + (cy + bh * 0.26) * size, size * 0.3, bw * size, bh * size * 0.5);
  } else if (caption) {
    draw_centred_text (cr, caption, x + cx * size, y + (cy - bh * 0.42) * size,
        size * 0.16, bw * size * 0.8, bh * size * 0.24);
    draw_centred_text (cr, main_text, x + cx * size,
        y + (cy + bh * 0.14) * size, size * 0.44, bw * size, bh * size * 0.7);
  } else {
    draw_centred_text (cr, main_text, x + cx * size, y + cy * size, size * 0.45,
        bw * size, bh * size);
  }
}

/* ---- pictograms (unit square, white on the dark tile) ------------------ */

#define TILE_R 0.09, 0.09, 0.1

static void
person_path (cairo_t *cr, double cx, double top, double s)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, cx, top + 0.09 * s, 0.09 * s, 0, 2 * G_PI);
  cairo_close_path (cr);
  cairo_move_to (cr, cx - 0.17 * s, top + 0.22 * s);
  cairo_line_to (cr, cx + 0.17 * s, top + 0.22 * s);
  cairo_line_to (cr, cx + 0.1 * s, top + 0.44 * s);
  cairo_line_to (cr, cx + 0.12 * s, top + 0.64 * s);
  cairo_line_to (cr, cx + 0.03 * s, top + 0.64 * s);
  cairo_line_to (cr, cx, top + 0.48 * s);
  cairo_line_to (cr, cx - 0.03 * s, top + 0.64 * s);
  cairo_line_to (cr, cx - 0.12 * s, top + 0.64 * s);
  cairo_line_to (cr, cx - 0.1 * s, top + 0.44 * s);
  cairo_close_path (cr);
}

static void
star_path (cairo_t *cr, double cx, double cy, double r_out, double r_in,
    int points, double rot)
{
  for (int i = 0; i < 2 * points; i++) {
    double r = (i % 2) ? r_in : r_out;
    double a = rot + i * G_PI / points;
    double px = cx + r * sin (a), py = cy - r * cos (a);
    if (i == 0)
      cairo_move_to (cr, px, py);
    else
      cairo_line_to (cr, px, py);
  }
  cairo_close_path (cr);
}

static void
bubble_path (cairo_t *cr, double x, double y, double w, double h, double tail_x,
    gboolean tail_left)
{
  rounded_rect (cr, x, y, w, h, 0.3 * h);
  cairo_move_to (cr, tail_x, y + h - 0.02);
  cairo_line_to (cr, tail_x + (tail_left ? -0.08 : 0.08), y + h + 0.14);
  cairo_line_to (cr, tail_x + (tail_left ? 0.12 : -0.12), y + h - 0.02);
  cairo_close_path (cr);
}

static void
draw_symbol_violence (cairo_t *cr)
{
  /* an impact burst */
  static const double r[] = { 0.36, 0.16, 0.3, 0.15, 0.38, 0.17, 0.28, 0.14,
    0.35, 0.16, 0.31, 0.15, 0.37, 0.17, 0.29, 0.15 };
  for (guint i = 0; i < G_N_ELEMENTS (r); i++) {
    double a = 0.2 + i * 2 * G_PI / G_N_ELEMENTS (r);
    double px = 0.5 + r[i] * sin (a), py = 0.5 - r[i] * cos (a);
    if (i == 0)
      cairo_move_to (cr, px, py);
    else
      cairo_line_to (cr, px, py);
  }
  cairo_close_path (cr);
  cairo_fill (cr);
}

static void
draw_symbol_fear (cairo_t *cr)
{
  /* a ghost */
  cairo_move_to (cr, 0.27, 0.8);
  cairo_line_to (cr, 0.27, 0.46);
  cairo_arc (cr, 0.5, 0.46, 0.23, G_PI, 2 * G_PI);
  cairo_line_to (cr, 0.73, 0.8);
  cairo_line_to (cr, 0.655, 0.72);
  cairo_line_to (cr, 0.58, 0.8);
  cairo_line_to (cr, 0.5, 0.72);
  cairo_line_to (cr, 0.42, 0.8);
  cairo_line_to (cr, 0.345, 0.72);
  cairo_close_path (cr);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, TILE_R);
  cairo_new_sub_path (cr);
  cairo_arc (cr, 0.42, 0.45, 0.045, 0, 2 * G_PI);
  cairo_new_sub_path (cr);
  cairo_arc (cr, 0.58, 0.45, 0.045, 0, 2 * G_PI);
  cairo_new_sub_path (cr);
  cairo_arc (cr, 0.5, 0.6, 0.05, 0, 2 * G_PI);
  cairo_fill (cr);
}

static void
draw_symbol_sex (cairo_t *cr)
{
  /* two linked hearts would be busy: one heart */
  cairo_move_to (cr, 0.5, 0.8);
  cairo_curve_to (cr, 0.08, 0.52, 0.2, 0.14, 0.5, 0.34);
  cairo_curve_to (cr, 0.8, 0.14, 0.92, 0.52, 0.5, 0.8);
  cairo_close_path (cr);
  cairo_fill (cr);
}

static void
draw_symbol_discrimination (cairo_t *cr)
{
  /* "not equal" */
  cairo_set_line_width (cr, 0.09);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_move_to (cr, 0.26, 0.41);
  cairo_line_to (cr, 0.74, 0.41);
  cairo_move_to (cr, 0.26, 0.59);
  cairo_line_to (cr, 0.74, 0.59);
  cairo_move_to (cr, 0.62, 0.22);
  cairo_line_to (cr, 0.38, 0.78);
  cairo_stroke (cr);
}

static void
draw_symbol_drugs (cairo_t *cr)
{
  /* a capsule, half filled */
  cairo_save (cr);
  cairo_translate (cr, 0.5, 0.5);
  cairo_rotate (cr, -G_PI / 4);
  rounded_rect (cr, -0.3, -0.12, 0.6, 0.24, 0.12);
  cairo_set_line_width (cr, 0.06);
  cairo_stroke_preserve (cr);
  cairo_clip (cr);
  cairo_rectangle (cr, -0.3, -0.12, 0.3, 0.24);
  cairo_fill (cr);
  cairo_restore (cr);
}

static void
draw_symbol_language (cairo_t *cr)
{
  /* a speech bubble with a grawlix: "#!" drawn as strokes */
  bubble_path (cr, 0.16, 0.2, 0.68, 0.46, 0.3, TRUE);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, TILE_R);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_width (cr, 0.04);
  cairo_move_to (cr, 0.39, 0.31);
  cairo_line_to (cr, 0.36, 0.55);
  cairo_move_to (cr, 0.48, 0.31);
  cairo_line_to (cr, 0.45, 0.55);
  cairo_move_to (cr, 0.31, 0.38);
  cairo_line_to (cr, 0.53, 0.38);
  cairo_move_to (cr, 0.3, 0.48);
  cairo_line_to (cr, 0.52, 0.48);
  cairo_stroke (cr);
  cairo_set_line_width (cr, 0.065);
  cairo_move_to (cr, 0.64, 0.31);
  cairo_line_to (cr, 0.64, 0.47);
  cairo_stroke (cr);
  cairo_arc (cr, 0.64, 0.56, 0.035, 0, 2 * G_PI);
  cairo_fill (cr);
}

static void
draw_symbol_nudity (cairo_t *cr)
{
  person_path (cr, 0.5, 0.16, 1.05);
  cairo_fill (cr);
}

static void
draw_symbol_horror (cairo_t *cr)
{
  /* a skull */
  cairo_new_sub_path (cr);
  cairo_arc (cr, 0.5, 0.43, 0.25, 0, 2 * G_PI);
  cairo_close_path (cr);
  rounded_rect (cr, 0.36, 0.56, 0.28, 0.22, 0.05);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, TILE_R);
  cairo_new_sub_path (cr);
  cairo_arc (cr, 0.41, 0.44, 0.065, 0, 2 * G_PI);
  cairo_new_sub_path (cr);
  cairo_arc (cr, 0.59, 0.44, 0.065, 0, 2 * G_PI);
  cairo_move_to (cr, 0.5, 0.53);
  cairo_line_to (cr, 0.535, 0.6);
  cairo_line_to (cr, 0.465, 0.6);
  cairo_close_path (cr);
  cairo_fill (cr);
  cairo_set_line_width (cr, 0.025);
  for (int i = 1; i < 4; i++) {
    cairo_move_to (cr, 0.36 + i * 0.07, 0.68);
    cairo_line_to (cr, 0.36 + i * 0.07, 0.78);
  }
  cairo_stroke (cr);
}

static void
draw_symbol_theme (cairo_t *cr)
{
  /* a warning triangle */
  cairo_set_line_width (cr, 0.07);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_move_to (cr, 0.5, 0.2);
  cairo_line_to (cr, 0.8, 0.76);
  cairo_line_to (cr, 0.2, 0.76);
  cairo_close_path (cr);
  cairo_stroke (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_move_to (cr, 0.5, 0.39);
  cairo_line_to (cr, 0.5, 0.58);
  cairo_stroke (cr);
  cairo_arc (cr, 0.5, 0.67, 0.04, 0, 2 * G_PI);
  cairo_fill (cr);
}

static void
draw_symbol_imitable (cairo_t *cr)
{
  /* a grown-up and a child copying the pose */
  person_path (cr, 0.37, 0.16, 1.0);
  person_path (cr, 0.69, 0.39, 0.64);
  cairo_fill (cr);
}

static void
draw_symbol_dialogue (cairo_t *cr)
{
  bubble_path (cr, 0.14, 0.18, 0.46, 0.3, 0.26, TRUE);
  cairo_fill (cr);
  bubble_path (cr, 0.42, 0.42, 0.44, 0.28, 0.74, FALSE);
  cairo_set_line_width (cr, 0.05);
  cairo_save (cr);
  cairo_set_source_rgb (cr, TILE_R);
  cairo_fill_preserve (cr);
  cairo_restore (cr);
  cairo_stroke (cr);
}

static void
draw_symbol_fantasy_violence (cairo_t *cr)
{
  star_path (cr, 0.46, 0.54, 0.3, 0.13, 5, 0.0);
  cairo_fill (cr);
  star_path (cr, 0.76, 0.24, 0.1, 0.03, 4, 0.0);
  cairo_fill (cr);
  star_path (cr, 0.8, 0.56, 0.06, 0.02, 4, 0.0);
  cairo_fill (cr);
}

static void
draw_symbol_gambling (cairo_t *cr)
{
  static const double pips[][2] = { { 0.36, 0.36 }, { 0.64, 0.36 },
    { 0.5, 0.5 }, { 0.36, 0.64 }, { 0.64, 0.64 } };
  rounded_rect (cr, 0.22, 0.22, 0.56, 0.56, 0.1);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, TILE_R);
  for (guint i = 0; i < G_N_ELEMENTS (pips); i++) {
    cairo_new_sub_path (cr);
    cairo_arc (cr, pips[i][0], pips[i][1], 0.055, 0, 2 * G_PI);
  }
  cairo_fill (cr);
}

static void
draw_symbol_other (cairo_t *cr)
{
  cairo_set_line_width (cr, 0.07);
  cairo_new_sub_path (cr);
  cairo_arc (cr, 0.5, 0.5, 0.29, 0, 2 * G_PI);
  cairo_stroke (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_width (cr, 0.09);
  cairo_move_to (cr, 0.5, 0.47);
  cairo_line_to (cr, 0.5, 0.64);
  cairo_stroke (cr);
  cairo_arc (cr, 0.5, 0.35, 0.05, 0, 2 * G_PI);
  cairo_fill (cr);
}

typedef struct {
  const char *category;
  void (*draw) (cairo_t *cr);
} Pictogram;

/* In display priority order (Kijkwijzer: violence > fear > sex first). */
static const Pictogram pictograms[] = {
  { "violence", draw_symbol_violence },
  { "fear", draw_symbol_fear },
  { "sex", draw_symbol_sex },
  { "discrimination", draw_symbol_discrimination },
  { "drugs", draw_symbol_drugs },
  { "language", draw_symbol_language },
  { "horror", draw_symbol_horror },
  { "nudity", draw_symbol_nudity },
  { "fantasy-violence", draw_symbol_fantasy_violence },
  { "theme", draw_symbol_theme },
  { "imitable-behaviour", draw_symbol_imitable },
  { "dialogue", draw_symbol_dialogue },
  { "gambling", draw_symbol_gambling },
  { "other", draw_symbol_other },
};

static int
pictogram_index (const char *category)
{
  if (category == NULL)
    return -1;
  for (guint i = 0; i < G_N_ELEMENTS (pictograms); i++)
    if (g_str_equal (pictograms[i].category, category))
      return (int) i;
  return -1;
}

void
ws_guidance_draw_pictogram (cairo_t *cr, const char *category, double x,
    double y, double size)
{
  int i = pictogram_index (category);

  g_return_if_fail (cr != NULL);
  if (i < 0)
    i = pictogram_index ("other");

  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, size, size);
  /* tile: near-black rounded square with a white rim */
  rounded_rect (cr, 0.02, 0.02, 0.96, 0.96, 0.16);
  cairo_set_source_rgba (cr, TILE_R, 0.92);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_width (cr, 0.045);
  cairo_stroke (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  pictograms[i].draw (cr);
  cairo_restore (cr);
}

guint
ws_guidance_order_categories (const char **categories, guint n, guint max)
{
  guint kept = 0;

  g_return_val_if_fail (categories != NULL || n == 0, 0);

  /* insertion sort by priority; unknown categories rank as "other" */
  for (guint i = 0; i < n; i++) {
    const char *c = categories[i];
    gboolean dup = FALSE;
    int pc, j;

    if (c == NULL)
      continue;
    for (guint k = 0; k < kept; k++)
      if (g_str_equal (categories[k], c))
        dup = TRUE;
    if (dup)
      continue;
    pc = pictogram_index (c);
    if (pc < 0)
      pc = (int) G_N_ELEMENTS (pictograms);
    for (j = (int) kept; j > 0; j--) {
      int pj = pictogram_index (categories[j - 1]);
      if (pj < 0)
        pj = (int) G_N_ELEMENTS (pictograms);
      if (pj <= pc)
        break;
      categories[j] = categories[j - 1];
    }
    categories[j] = c;
    kept++;
  }
  return MIN (kept, max);
}

/* ---- text -------------------------------------------------------------- */

/* ---- composition ------------------------------------------------------- */

static WsGuidanceImage *
image_new (int width, int height, GError **error)
{
  WsGuidanceImage *img;
  int stride;

  if (width < 1 || height < 1 || width > MAX_IMAGE_SIDE ||
      height > MAX_IMAGE_SIDE) {
    g_set_error (error, WS_ERROR, WS_ERROR_TOO_LARGE,
        "guidance image of %d x %d pixels: the limit is %d x %d", width, height,
        MAX_IMAGE_SIDE, MAX_IMAGE_SIDE);
    return NULL;
  }
  stride = cairo_format_stride_for_width (CAIRO_FORMAT_ARGB32, width);
  img = g_new0 (WsGuidanceImage, 1);
  img->width = width;
  img->height = height;
  img->stride = stride;
  img->pixels = g_malloc0 ((gsize) stride * (gsize) height);
  return img;
}

void
ws_guidance_image_free (WsGuidanceImage *image)
{
  if (image == NULL)
    return;
  g_free (image->pixels);
  g_free (image);
}

/* Sets @error from cairo's @status; FALSE unless it is a success. */
static gboolean
cairo_check (cairo_status_t status, const char *what, GError **error)
{
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, WS_ERROR,
      status == CAIRO_STATUS_NO_MEMORY || status == CAIRO_STATUS_INVALID_SIZE ?
          WS_ERROR_TOO_LARGE :
          WS_ERROR_INVALID,
      "cairo could not %s: %s", what, cairo_status_to_string (status));
  return FALSE;
}

/* A context on @surface (transfer full), or NULL with @error set and the
 * surface destroyed when cairo cannot make either. */
static cairo_t *
checked_cairo (cairo_surface_t *surface, const char *what, GError **error)
{
  cairo_t *cr = cairo_create (surface);

  /* a context on a surface in error is in error too */
  if (cairo_check (cairo_status (cr), what, error))
    return cr;
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return NULL;
}

static cairo_t *
image_cairo (WsGuidanceImage *img, cairo_surface_t **surface, GError **error)
{
  cairo_t *cr;

  *surface = cairo_image_surface_create_for_data (img->pixels,
      CAIRO_FORMAT_ARGB32, img->width, img->height, img->stride);
  cr = checked_cairo (*surface, "draw into the image", error);
  if (cr == NULL)
    *surface = NULL;
  return cr;
}

/* Drawing happens in square units. With square pixels that is the image
 * itself; otherwise a square-unit scratch surface, squeezed into the
 * image at the end (cairo's text layout misplaces glyphs under a
 * non-uniform scale, so the whole drawing is resampled instead). NULL
 * with @error set when cairo cannot make the surface. */
static cairo_t *
begin_drawing (WsGuidanceImage *img, double aspect, double width_u,
    double height_u, cairo_surface_t **surface, GError **error)
{
  cairo_t *cr;

  if (fabs (aspect - 1.0) < 1e-6)
    return image_cairo (img, surface, error);
  *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
      (int) ceil (width_u), (int) ceil (height_u));
  cr = checked_cairo (*surface, "make the drawing surface", error);
  if (cr == NULL)
    *surface = NULL;
  return cr;
}

/* Ends the drawing begun by begin_drawing() (both are freed); FALSE with
 * @error set when any cairo call failed on the way. */
static gboolean
end_drawing (WsGuidanceImage *img, double aspect, cairo_t *cr,
    cairo_surface_t *surface, GError **error)
{
  gboolean ok = cairo_check (cairo_status (cr), "draw the guidance", error);

  cairo_destroy (cr);
  cairo_surface_flush (surface);
  if (ok && fabs (aspect - 1.0) >= 1e-6) {
    cairo_surface_t *out_surface;
    cairo_t *out = image_cairo (img, &out_surface, error);

    ok = out != NULL;
    if (ok) {
      cairo_scale (out, 1.0 / aspect, 1.0);
      cairo_set_source_surface (out, surface, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (out), CAIRO_FILTER_GOOD);
      cairo_paint (out);
      ok = cairo_check (cairo_status (out), "scale the guidance", error);
      cairo_destroy (out);
      cairo_surface_flush (out_surface);
      cairo_surface_destroy (out_surface);
    }
  }
  cairo_surface_destroy (surface);
  return ok;
}

/* A rectangle in square units -> pixels (x squeezed by 1 / aspect). */
static WsGuidanceRect
to_pixels (double x, double y, double w, double h, double aspect,
    const WsGuidanceImage *img)
{
  WsGuidanceRect r;
  /* one pixel of room for anti-aliased edges */
  int x0 = (int) floor (x / aspect) - 1, y0 = (int) floor (y) - 1;
  int x1 = (int) ceil ((x + w) / aspect) + 1, y1 = (int) ceil (y + h) + 1;
  x0 = CLAMP (x0, 0, img->width);
  x1 = CLAMP (x1, 0, img->width);
  y0 = CLAMP (y0, 0, img->height);
  y1 = CLAMP (y1, 0, img->height);
  r.x = x0;
  r.y = y0;
  r.width = x1 - x0;
  r.height = y1 - y0;
  return r;
}

static gboolean
check_spec (const WsGuidanceSpec *spec, gboolean need_height, GError **error)
{
  if (spec == NULL || !(spec->pixel_aspect > 0.05 && spec->pixel_aspect < 20)) {
    g_set_error (error, WS_ERROR, WS_ERROR_ARGUMENT,
        "pixel aspect %g: use the caps pixel-aspect-ratio (0.05 to 20)",
        spec ? spec->pixel_aspect : 0.0);
    return FALSE;
  }
  if (need_height &&
      (spec->badge_height < 8 || spec->badge_height > MAX_IMAGE_SIDE / 2)) {
    g_set_error (error, WS_ERROR, WS_ERROR_ARGUMENT,
        "badge height %d pixels: use 8 to %d", spec->badge_height,
        MAX_IMAGE_SIDE / 2);
    return FALSE;
  }
  if (spec->max_text_width < 0) {
    g_set_error (error, WS_ERROR, WS_ERROR_ARGUMENT,
        "maximum text width %d: must not be negative", spec->max_text_width);
    return FALSE;
  }
  return TRUE;
}

static guint
count_categories (const char *const *categories)
{
  guint n = 0;
  while (categories && categories[n])
    n++;
  return n;
}

/* Lays the text out wrapped at @wrap_units; returns NULL without text. */
static PangoLayout *
text_layout (cairo_t *cr, const char *text, double font_px, double wrap_units,
    PangoAlignment align, double *w, double *h)
{
  PangoLayout *layout;
  PangoRectangle logical;

  if (text == NULL || text[0] == '\0' || wrap_units <= font_px)
    return NULL;
  layout = make_layout (cr, text, font_px, FALSE);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_width (layout, (int) (wrap_units * PANGO_SCALE));
  /* at most WS_GUIDANCE_TEXT_MAX_LINES lines, the last one ellipsized: a
   * long text cannot push the panel off the frame */
  pango_layout_set_height (layout, -WS_GUIDANCE_TEXT_MAX_LINES);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, align);
  pango_layout_get_extents (layout, NULL, &logical);
  /* shrink the box to the longest line, then align within it */
  *w = logical.width / (double) PANGO_SCALE;
  *h = logical.height / (double) PANGO_SCALE;
  pango_layout_set_width (layout, (int) ceil (*w * PANGO_SCALE));
  return layout;
}

static void
draw_text_panel (cairo_t *cr, PangoLayout *layout, double x, double y, double w,
    double h, double pad)
{
  rounded_rect (cr, x, y, w, h, pad * 0.8);
  cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.85);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_move_to (cr, x + pad, y + pad);
  pango_cairo_show_layout (cr, layout);
}

WsGuidanceImage *
ws_guidance_render (const WsGuidanceSpec *spec, GError **error)
{
  WsGuidanceImage *img;
  cairo_surface_t *surface, *probe;
  cairo_t *cr, *pcr;
  PangoLayout *layout = NULL;
  guint n_pic;
  double b, shadow, gap, pic, row_w, row_h, font_px, pad;
  double text_w = 0, text_h = 0, panel_w = 0, panel_h = 0;
  double width_u, height_u, row_y, panel_y, aspect;

  if (!check_spec (spec, TRUE, error))
    return NULL;

  aspect = spec->pixel_aspect;
  b = spec->badge_height;
  shadow = MAX (1.0, round (b * 0.04));
  gap = round (b * 0.12);
  pic = round (b * 0.7);
  n_pic = count_categories (spec->categories);
  n_pic = MIN (n_pic, 16);
  row_w = b + shadow + n_pic * (gap + pic);
  row_h = b + shadow;
  font_px = MAX (10.0, round (b * 0.3));
  pad = round (font_px * 0.45);

  /* measure the text on a scratch context with the same font options */
  probe = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  pcr = checked_cairo (probe, "make a context to measure the text", error);
  if (pcr == NULL)
    return NULL;
  layout = text_layout (pcr, spec->text, font_px,
      spec->max_text_width * aspect - 2 * pad,
      spec->align_right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT, &text_w,
      &text_h);
  if (layout) {
    panel_w = ceil (text_w + 2 * pad);
    panel_h = ceil (text_h + 2 * pad);
  }

  width_u = MAX (row_w, panel_w);
  height_u = row_h + (layout ? gap + panel_h : 0);
  img = image_new ((int) ceil (width_u / aspect), (int) ceil (height_u), error);
  if (img == NULL) {
    if (layout)
      g_object_unref (layout);
    cairo_destroy (pcr);
    cairo_surface_destroy (probe);
    return NULL;
  }

  row_y = spec->text_above && layout ? panel_h + gap : 0;
  panel_y = spec->text_above ? 0 : row_h + gap;

  cr = begin_drawing (img, aspect, width_u, height_u, &surface, error);
  if (cr == NULL) {
    if (layout)
      g_object_unref (layout);
    cairo_destroy (pcr);
    cairo_surface_destroy (probe);
    ws_guidance_image_free (img);
    return NULL;
  }

  /* badge at the outer end of the row, pictograms inwards */
  {
    double bx = spec->align_right ? width_u - b - shadow : 0;
    draw_badge (cr, &spec->badge, bx, row_y, b, shadow);
    img->badge = to_pixels (bx, row_y, b + shadow, b + shadow, aspect, img);
  }
  if (n_pic > 0) {
    double py = row_y + (b - pic) / 2;
    double span = n_pic * (gap + pic) - gap;
    double px0 = spec->align_right ? width_u - b - shadow - gap - span :
                                     b + shadow + gap;
    for (guint i = 0; i < n_pic; i++)
      ws_guidance_draw_pictogram (cr, spec->categories[i],
          px0 + i * (pic + gap), py, pic);
    img->pictograms = to_pixels (px0, py, span, pic, aspect, img);
  }
  if (layout) {
    double px = spec->align_right ? width_u - panel_w : 0;
    /* laid out on the probe context, which has the same transformation
     * and font options */
    draw_text_panel (cr, layout, px, panel_y, panel_w, panel_h, pad);
    img->text = to_pixels (px, panel_y, panel_w, panel_h, aspect, img);
    g_object_unref (layout);
  }

  if (!end_drawing (img, aspect, cr, surface, error))
    g_clear_pointer (&img, ws_guidance_image_free);
  cairo_destroy (pcr);
  cairo_surface_destroy (probe);
  return img;
}

WsGuidanceImage *
ws_guidance_render_card (const WsGuidanceSpec *spec, int width, int height,
    GError **error)
{
  WsGuidanceImage *img;
  cairo_surface_t *surface;
  cairo_t *cr;
  PangoLayout *layout;
  guint n_pic;
  double aspect, wu, hu, b, bx, by, pic, gap, font_px, text_w = 0, text_h = 0;
  double y;

  if (!check_spec (spec, FALSE, error))
    return NULL;
  img = image_new (width, height, error);
  if (img == NULL)
    return NULL;

  aspect = spec->pixel_aspect;
  wu = width * aspect;
  hu = height;
  b = round (MIN (hu * 0.36, wu * 0.5));
  gap = round (hu * 0.04);
  pic = round (hu * 0.1);
  font_px = MAX (10.0, round (hu * 0.045));
  n_pic = MIN (count_categories (spec->categories), 8);

  cr = begin_drawing (img, aspect, wu, hu, &surface, error);
  if (cr == NULL) {
    ws_guidance_image_free (img);
    return NULL;
  }
  cairo_set_source_rgb (cr, 0.06, 0.06, 0.08);
  cairo_paint (cr);

  layout = text_layout (cr, spec->text, font_px, wu * 0.72, PANGO_ALIGN_CENTER,
      &text_w, &text_h);
  y = (hu - (b + (n_pic ? gap + pic : 0) + (layout ? gap * 1.5 + text_h : 0))) /
      2;
  y = MAX (y, 0);
  bx = (wu - b) / 2;
  by = y;
  draw_badge (cr, &spec->badge, bx, by, b, MAX (1.0, round (b * 0.02)));
  img->badge = to_pixels (bx, by, b, b, aspect, img);
  y += b;
  if (n_pic) {
    double span = n_pic * (pic + gap) - gap;
    double px0 = (wu - span) / 2;
    y += gap;
    for (guint i = 0; i < n_pic; i++)
      ws_guidance_draw_pictogram (cr, spec->categories[i],
          px0 + i * (pic + gap), y, pic);
    img->pictograms = to_pixels (px0, y, span, pic, aspect, img);
    y += pic;
  }
  if (layout) {
    y += gap * 1.5;
    cairo_set_source_rgb (cr, 1, 1, 1);
    cairo_move_to (cr, (wu - text_w) / 2, y);
    pango_cairo_show_layout (cr, layout);
    img->text = to_pixels ((wu - text_w) / 2, y, text_w, text_h, aspect, img);
    g_object_unref (layout);
  }
  if (!end_drawing (img, aspect, cr, surface, error))
    g_clear_pointer (&img, ws_guidance_image_free);
  return img;
}

/* ---- the slate ---------------------------------------------------------- */

static cairo_status_t
read_fd (void *closure, unsigned char *data, unsigned int length)
{
  int fd = *(int *) closure;

  while (length > 0) {
    ssize_t n = read (fd, data, length);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return CAIRO_STATUS_READ_ERROR;
    data += n;
    length -= (unsigned int) n;
  }
  return CAIRO_STATUS_SUCCESS;
}

/* Draws the PNG at @path scaled to fit @dw x @h, centred; @image_error
 * says why not when it cannot. */
static void
draw_slate_image (cairo_t *cr, const char *path, double dw, int h,
    GError **image_error)
{
  cairo_surface_t *img;
  double iw, ih, scale;
  int fd;

  /* opened like every input (a FIFO cannot hang the caller), so a missing
   * file is not reported as "not a PNG" */
  fd = ws_xml_open_regular (path, "slate image", NULL, image_error);
  if (fd < 0)
    return;
  img = cairo_image_surface_create_from_png_stream (read_fd, &fd);
  close (fd);
  if (cairo_surface_status (img) != CAIRO_STATUS_SUCCESS) {
    g_set_error (image_error, WS_ERROR, WS_ERROR_INVALID,
        "\"%s\" is not a PNG image cairo can read (%s)", path,
        cairo_status_to_string (cairo_surface_status (img)));
    cairo_surface_destroy (img);
    return;
  }
  iw = cairo_image_surface_get_width (img);
  ih = cairo_image_surface_get_height (img);
  if (iw > 0 && ih > 0) {
    scale = MIN (dw / iw, h / ih);
    cairo_save (cr);
    cairo_translate (cr, (dw - iw * scale) / 2, (h - ih * scale) / 2);
    cairo_scale (cr, scale, scale);
    cairo_set_source_surface (cr, img, 0, 0);
    cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
    cairo_paint (cr);
    cairo_restore (cr);
  }
  cairo_surface_destroy (img);
}

/* White text with a black outline, centred on @dw x @h, wrapped at 90%. */
static void
draw_slate_text (cairo_t *cr, const char *text, double dw, int h)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *fd = pango_font_description_from_string (
      FONT_FAMILY " Bold");
  PangoRectangle logical;
  double margin = dw * 0.05;
  char *bounded = ws_utf8_cut (text, WS_GUIDANCE_TEXT_MAX_CHARS);

  pango_font_description_set_absolute_size (fd, MAX (6, h / 18) * PANGO_SCALE);
  pango_layout_set_font_description (layout, fd);
  pango_layout_set_width (layout, (int) ((dw - 2 * margin) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_text (layout, bounded, -1);
  pango_layout_get_pixel_extents (layout, NULL, &logical);

  cairo_move_to (cr, margin, (h - logical.height) / 2.0);
  pango_cairo_layout_path (cr, layout);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, MAX (1.0, h / 180.0));
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill (cr);

  g_free (bounded);
  pango_font_description_free (fd);
  g_object_unref (layout);
}

WsGuidanceImage *
ws_guidance_render_slate (const WsSlateSpec *spec, int width, int height,
    GError **image_error, GError **error)
{
  WsGuidanceImage *img;
  cairo_surface_t *surface;
  cairo_t *cr;
  double aspect;
  gboolean ok;

  g_return_val_if_fail (spec != NULL, NULL);
  aspect = spec->pixel_aspect;
  if (!(aspect > 0.05 && aspect < 20)) {
    g_set_error (error, WS_ERROR, WS_ERROR_ARGUMENT,
        "pixel aspect %g: use the caps pixel-aspect-ratio (0.05 to 20)",
        aspect);
    return NULL;
  }
  img = image_new (width, height, error);
  if (img == NULL)
    return NULL;
  cr = image_cairo (img, &surface, error);
  if (cr == NULL) {
    ws_guidance_image_free (img);
    return NULL;
  }
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_paint (cr);
  /* draw in square display units: a pixel is @aspect wide (paths only,
   * which a non-uniform scale does not misplace) */
  cairo_scale (cr, 1.0 / aspect, 1.0);
  if (spec->image_path != NULL && spec->image_path[0] != '\0')
    draw_slate_image (cr, spec->image_path, width * aspect, height,
        image_error);
  if (spec->text != NULL && spec->text[0] != '\0')
    draw_slate_text (cr, spec->text, width * aspect, height);
  ok = cairo_check (cairo_status (cr), "draw the slate", error);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  cairo_surface_destroy (surface);
  if (!ok)
    g_clear_pointer (&img, ws_guidance_image_free);
  return img;
}

/* ---- notices: the warning card and the end card ------------------------- */

#define NOTICE_SAFE_INSET 0.05
#define NOTICE_MAX_PARAGRAPHS 8

/* A wrapped paragraph in @language, @px high, at most @wrap units wide. */
static PangoLayout *
notice_layout (cairo_t *cr, const char *text, const char *language, double px,
    double wrap, gboolean bold)
{
  PangoLayout *layout = make_layout (cr, text, px, bold);
  PangoContext *ctx = pango_layout_get_context (layout);

  pango_context_set_language (ctx,
      pango_language_from_string (language ? language : "en"));
  /* the paragraph's direction comes from its first strong character:
   * Arabic and Hebrew lay out right to left */
  pango_context_set_base_dir (ctx, PANGO_DIRECTION_WEAK_LTR);
  pango_layout_context_changed (layout);
  pango_layout_set_auto_dir (layout, TRUE);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_width (layout, (int) (wrap * PANGO_SCALE));
  pango_layout_set_height (layout, -WS_GUIDANCE_TEXT_MAX_LINES);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  return layout;
}

typedef struct {
  PangoLayout *layouts[NOTICE_MAX_PARAGRAPHS];
  guint n;
  double height; /* with the gaps */
} NoticeText;

static void
notice_text_clear (NoticeText *t)
{
  for (guint i = 0; i < t->n; i++)
    g_object_unref (t->layouts[i]);
  t->n = 0;
  t->height = 0;
}

/* Lays out the headline and lines at @px (headline 1.4 x). */
static void
notice_text_build (NoticeText *t, cairo_t *cr, const WsNoticeSpec *spec,
    double px, double wrap)
{
  const char *paragraphs[NOTICE_MAX_PARAGRAPHS];
  guint n = 0;

  if (spec->headline && spec->headline[0])
    paragraphs[n++] = spec->headline;
  for (guint i = 0; spec->lines && spec->lines[i] && n < NOTICE_MAX_PARAGRAPHS;
       i++)
    if (spec->lines[i][0])
      paragraphs[n++] = spec->lines[i];
  t->n = 0;
  t->height = 0;
  for (guint i = 0; i < n; i++) {
    gboolean head = i == 0 && spec->headline && spec->headline[0];
    PangoLayout *l = notice_layout (cr, paragraphs[i], spec->language,
        head ? px * 1.4 : px, wrap, head);
    PangoRectangle logical;

    pango_layout_get_extents (l, NULL, &logical);
    t->height += logical.height / (double) PANGO_SCALE + (i ? px * 0.6 : 0);
    t->layouts[t->n++] = l;
  }
}

WsGuidanceImage *
ws_guidance_render_notice (const WsNoticeSpec *spec, int width, int height,
    GError **error)
{
  WsGuidanceImage *img;
  cairo_surface_t *surface;
  cairo_t *cr;
  NoticeText text = { { 0 }, 0, 0 };
  double aspect, wu, hu, sx0, sy0, sx1, sy1, band_y0, badge = 0, px, y, wrap;
  double area_h, tx0, tx1;

  if (spec == NULL || !(spec->pixel_aspect > 0.05 && spec->pixel_aspect < 20)) {
    g_set_error (error, WS_ERROR, WS_ERROR_ARGUMENT,
        "pixel aspect %g: use the caps pixel-aspect-ratio (0.05 to 20)",
        spec ? spec->pixel_aspect : 0.0);
    return NULL;
  }
  if (width < 64 || height < 48) {
    g_set_error (error, WS_ERROR, WS_ERROR_ARGUMENT,
        "a %d x %d frame is too small for a card (at least 64 x 48)", width,
        height);
    return NULL;
  }
  img = image_new (width, height, error);
  if (img == NULL)
    return NULL;
  aspect = spec->pixel_aspect;
  wu = width * aspect;
  hu = height;
  sx0 = ceil (wu * NOTICE_SAFE_INSET);
  sx1 = wu - sx0;
  sy0 = ceil (hu * NOTICE_SAFE_INSET);
  sy1 = hu - sy0;

  cr = begin_drawing (img, aspect, wu, hu, &surface, error);
  if (cr == NULL) {
    ws_guidance_image_free (img);
    return NULL;
  }
  if (spec->lower_third) {
    /* the band reaches the frame's edges; its content stays safe */
    band_y0 = round (hu * 0.62);
    cairo_rectangle (cr, 0, band_y0, wu, hu - band_y0);
    cairo_set_source_rgba (cr, 0.04, 0.04, 0.06, 0.88);
    cairo_fill (cr);
    area_h = sy1 - band_y0 - hu * 0.03;
    if (spec->badge)
      badge = round (MIN (area_h, wu * 0.2));
    tx0 = sx0 + (badge > 0 ? badge + hu * 0.03 : 0);
    tx1 = sx1;
  } else {
    cairo_set_source_rgb (cr, 0.06, 0.06, 0.08);
    cairo_paint (cr);
    band_y0 = sy0;
    area_h = sy1 - sy0;
    if (spec->badge)
      badge = round (MIN (hu * 0.26, wu * 0.4));
    tx0 = sx0;
    tx1 = sx1;
  }
  wrap = tx1 - tx0;
  /* the largest text that fits the area left by the badge */
  px = MAX (8.0, round (hu * (spec->lower_third ? 0.04 : 0.045)));
  for (;;) {
    double room = spec->lower_third ? area_h :
                                      area_h - (badge > 0 ? badge + px : 0);
    notice_text_build (&text, cr, spec, px, wrap);
    if (text.height <= room || px <= 8.0)
      break;
    notice_text_clear (&text);
    px = MAX (8.0, floor (px * 0.85));
  }

  if (spec->lower_third) {
    double top = band_y0 + hu * 0.03;
    if (badge > 0) {
      draw_badge (cr, spec->badge, sx0, top + (area_h - badge) / 2, badge,
          MAX (1.0, round (badge * 0.02)));
      img->badge = to_pixels (sx0, top + (area_h - badge) / 2, badge, badge,
          aspect, img);
    }
    y = top + MAX (0.0, (area_h - text.height) / 2);
  } else {
    double total = (badge > 0 ? badge + px : 0) + text.height;
    y = sy0 + MAX (0.0, (area_h - total) / 2);
    if (badge > 0) {
      draw_badge (cr, spec->badge, (wu - badge) / 2, y, badge,
          MAX (1.0, round (badge * 0.02)));
      img->badge = to_pixels ((wu - badge) / 2, y, badge, badge, aspect, img);
      y += badge + px;
    }
  }
  {
    double y0 = y, minx = tx1, maxx = tx0;
    cairo_set_source_rgb (cr, 1, 1, 1);
    for (guint i = 0; i < text.n; i++) {
      PangoRectangle ink, logical;
      pango_layout_get_extents (text.layouts[i], &ink, &logical);
      img->unknown_glyphs += pango_layout_get_unknown_glyphs_count (
          text.layouts[i]);
      if (i)
        y += px * 0.6;
      cairo_move_to (cr, tx0, y);
      pango_cairo_show_layout (cr, text.layouts[i]);
      if (ink.width > 0) {
        minx = MIN (minx, tx0 + ink.x / (double) PANGO_SCALE);
        maxx = MAX (maxx, tx0 + (ink.x + ink.width) / (double) PANGO_SCALE);
      }
      y += logical.height / (double) PANGO_SCALE;
    }
    if (maxx > minx)
      img->text = to_pixels (minx, y0, maxx - minx, y - y0, aspect, img);
  }
  notice_text_clear (&text);
  if (!end_drawing (img, aspect, cr, surface, error))
    g_clear_pointer (&img, ws_guidance_image_free);
  return img;
}
