/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: on-screen guidance artwork (badge, pictograms, text), drawn
 * with cairo and pango into one premultiplied ARGB image. */
#ifndef WS_PLUGINS_WS_GUIDANCE_RENDER_H
#define WS_PLUGINS_WS_GUIDANCE_RENDER_H

#include <glib.h>
#include <cairo.h>

#include "ws-rating-system.h"

G_BEGIN_DECLS

/**
 * SECTION:ws-guidance-render
 *
 * Renders the viewer guidance for one rating: the rating badge drawn from
 * the rating system's display hints (#WsBadgeHints), the content
 * pictograms (watershed's own vector designs, one per common descriptor
 * category) and the guidance text wrapped to a maximum width. Everything
 * is composed into one image in cairo's %CAIRO_FORMAT_ARGB32 layout
 * (premultiplied alpha, native-endian 32-bit words: B, G, R, A bytes on
 * little-endian machines), which is what a #GstVideoOverlayRectangle with
 * %GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA wants. Nothing here
 * depends on GStreamer; callers render once per change and cache.
 *
 * Sizes are in image pixels. Non-square pixels are handled with
 * @pixel_aspect (the width of a pixel divided by its height, the caps
 * pixel-aspect-ratio): the artwork is drawn in square units and squeezed
 * horizontally by 1 / @pixel_aspect, so a round badge stays round on
 * screen.
 */

/** The most lines of guidance text drawn. */
#define WS_GUIDANCE_TEXT_MAX_LINES 4

/**
 * WsGuidanceRect:
 * A rectangle in image pixels; @width and @height 0 when absent.
 */
typedef struct {
  int x, y, width, height;
} WsGuidanceRect;

/**
 * WsGuidanceSpec:
 * @badge: shape and colours; @badge.text is the text drawn in the badge
 *   (NULL draws "?").
 * @system_id: (nullable): the rating system's id, for the small
 *   per-system details of the style (a caption such as "FSK" or "PEGI").
 * @categories: (nullable) (array zero-terminated=1): pictogram categories
 *   in display order (see ws_guidance_order_categories()); unknown
 *   categories draw the generic "other" pictogram.
 * @text: (nullable): guidance text, plain UTF-8 (not markup). Only its
 *   first WS_GUIDANCE_TEXT_MAX_CHARS characters are laid out, on at most
 *   WS_GUIDANCE_TEXT_MAX_LINES lines (the last ends in an ellipsis when
 *   the text is longer).
 * @badge_height: badge height in pixels (rows), at least 8.
 * @pixel_aspect: pixel aspect ratio (> 0; 1.0 for square pixels).
 * @max_text_width: the text wraps at this width in pixels (columns);
 *   0 = no text block.
 * @align_right: the badge sits at the right end of the row and the text
 *   is right-aligned (for positions on the right of the frame).
 * @text_above: the text block sits above the badge row (for positions at
 *   the bottom of the frame).
 */
typedef struct {
  WsBadgeHints badge;
  const char *system_id;
  const char *const *categories;
  const char *text;
  int badge_height;
  double pixel_aspect;
  int max_text_width;
  gboolean align_right;
  gboolean text_above;
} WsGuidanceSpec;

/**
 * WsGuidanceImage:
 * @pixels: premultiplied ARGB32 (cairo layout), @stride bytes per row.
 * @badge, @pictograms, @text: where each part was drawn, in image
 *   coordinates (the drop shadow included); width 0 when absent.
 */
typedef struct {
  guint8 *pixels;
  int width;
  int height;
  int stride;
  WsGuidanceRect badge;
  WsGuidanceRect pictograms;
  WsGuidanceRect text;
} WsGuidanceImage;

/**
 * ws_guidance_render:
 * @spec: what to draw.
 * @error: (out) (optional): WS_ERROR_ARGUMENT for a bad size or aspect;
 *   WS_ERROR_TOO_LARGE when the image would exceed 8192 x 8192.
 *
 * Draws the badge, then the pictograms beside it, then the text block
 * (on a translucent dark panel) under or over them, into a tight image.
 *
 * Returns: (transfer full) (nullable): the image; free with
 *   ws_guidance_image_free(). NULL on error.
 */
WsGuidanceImage *ws_guidance_render (const WsGuidanceSpec *spec,
    GError **error);

/**
 * ws_guidance_render_card:
 * @spec: what to draw; @spec->badge_height is ignored (the card scales the
 *   artwork to the frame), as are @align_right and @text_above.
 * @width, @height: the frame size in pixels.
 * @error: as ws_guidance_render().
 *
 * A full-screen card (French VOD style): an opaque dark background, the
 * badge large in the centre, the pictograms and the text under it.
 *
 * Returns: (transfer full) (nullable): a @width x @height image.
 */
WsGuidanceImage *ws_guidance_render_card (const WsGuidanceSpec *spec, int width,
    int height, GError **error);

/** ws_guidance_image_free: NULL is a no-op. */
void ws_guidance_image_free (WsGuidanceImage *image);

/**
 * ws_guidance_order_categories:
 * @categories: (inout) (array length=n): category names; reordered in
 *   place.
 * @n: number of entries.
 * @max: the most to keep.
 *
 * Removes duplicates and NULLs and sorts by the display priority
 * (violence, fear, sex, discrimination, drugs, language, horror, nudity,
 * fantasy-violence, theme, imitable-behaviour, dialogue, gambling, other;
 * the Kijkwijzer order for its own categories), keeping at most @max.
 *
 * Returns: the number kept (the first entries of @categories).
 */
guint ws_guidance_order_categories (const char **categories, guint n,
    guint max);

/**
 * ws_guidance_draw_pictogram:
 * @cr: a cairo context.
 * @category: a common descriptor category; unknown ones draw "other".
 * @x, @y, @size: the square, in @cr's user units.
 *
 * Draws one pictogram: a dark rounded tile with a white symbol.
 */
void ws_guidance_draw_pictogram (cairo_t *cr, const char *category, double x,
    double y, double size);

G_END_DECLS

#endif /* WS_PLUGINS_WS_GUIDANCE_RENDER_H */
