/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: on-screen guidance artwork (badge, pictograms, text), drawn
 * with cairo and pango into one premultiplied ARGB image. */
#ifndef WS_PLUGINS_WS_GUIDANCE_RENDER_H
#define WS_PLUGINS_WS_GUIDANCE_RENDER_H

#include <glib.h>
#include <cairo.h>

#include "ws-error.h"
#include "ws-rating-system.h"

G_BEGIN_DECLS

/**
 * SECTION:ws-guidance-render
 *
 * Renders the viewer guidance for one rating: the rating badge drawn from
 * the rating system's display hints (#WsBadgeHints: shape, colours, the
 * caption and line break its file gives, see docs/rating-systems.md), the
 * content
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
 *
 * It also draws ratinggate's slate (ws_guidance_render_slate()), so the
 * badge and the slate come from one renderer. Every cairo surface and
 * context is checked: a size cairo cannot hold or a failed allocation is
 * an error, never a crash.
 */

/** The largest image side the renderer draws, in pixels. */
#define WS_GUIDANCE_MAX_SIDE 8192

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
 * @badge: shape, colours and caption; @badge.text is the text drawn in
 *   the badge (NULL draws "?"), @badge.caption the caption drawn with it
 *   (NULL: none). Only the hints say how a system's badge looks: adding a
 *   system is adding its file.
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
 * @unknown_glyphs: characters no installed font could draw (shown as
 *   boxes, "tofu"); set by ws_guidance_render_notice(), 0 otherwise.
 */
typedef struct {
  guint8 *pixels;
  int width;
  int height;
  int stride;
  WsGuidanceRect badge;
  WsGuidanceRect pictograms;
  WsGuidanceRect text;
  int unknown_glyphs;
} WsGuidanceImage;

/**
 * ws_guidance_render:
 * @spec: what to draw.
 * @error: (out) (optional): WS_ERROR_ARGUMENT for a bad size or aspect;
 *   WS_ERROR_TOO_LARGE when the image would exceed WS_GUIDANCE_MAX_SIDE on
 *   a side or cairo has no memory for it; WS_ERROR_INVALID when cairo
 *   fails otherwise (the message says cairo's status).
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

/**
 * WsSlateSpec:
 * @image_path: (nullable): a PNG file, scaled to fit the frame (its
 *   aspect kept) and centred on black.
 * @text: (nullable): plain UTF-8 text, white with a black outline,
 *   centred and wrapped at 90% of the width; its first
 *   WS_GUIDANCE_TEXT_MAX_CHARS characters are drawn.
 * @pixel_aspect: pixel aspect ratio of the image (> 0; 1.0 for square
 *   pixels); the slate is drawn in square units and squeezed.
 */
typedef struct {
  const char *image_path;
  const char *text;
  double pixel_aspect;
} WsSlateSpec;

/**
 * ws_guidance_render_slate:
 * @spec: what to draw.
 * @width, @height: the image size in pixels (1 to WS_GUIDANCE_MAX_SIDE).
 * @image_error: (out) (optional): set when @spec->image_path could not be
 *   used: WS_ERROR_IO (cannot open it, or not a regular file: the
 *   message is ws_xml_open_regular()'s) or WS_ERROR_INVALID (not a PNG
 *   cairo can read). The slate is then drawn without the image and the
 *   function succeeds; the caller says so to the user.
 * @error: (out) (optional): as ws_guidance_render(); for a frame larger
 *   than WS_GUIDANCE_MAX_SIDE, draw at that size with a @pixel_aspect
 *   that keeps the display shape, and scale.
 *
 * The slate a closed ratinggate shows instead of the programme: opaque
 * black, the image, then the text over it.
 *
 * Returns: (transfer full) (nullable): a @width x @height opaque image,
 *   free with ws_guidance_image_free(); NULL on error.
 */
WsGuidanceImage *ws_guidance_render_slate (const WsSlateSpec *spec, int width,
    int height, GError **image_error, GError **error);

/**
 * WsNoticeSpec:
 * @badge: (nullable): the rating badge drawn with the text; NULL for none.
 * @headline: (nullable): the main sentence, bold and large.
 * @lines: (nullable) (array zero-terminated=1): further lines (the
 *   rating's guidance text, helplines), each wrapped on its own.
 * @language: (nullable): BCP 47 language of the text, which picks the
 *   fonts where scripts share code points (Chinese, Japanese, Korean
 *   Han); NULL = English. Right-to-left text (Arabic, Hebrew) is shaped
 *   and laid out right to left by pango, whatever the language.
 * @pixel_aspect: as in #WsGuidanceSpec.
 * @lower_third: TRUE: a band over the lower third of the frame, the
 *   rest transparent; FALSE: an opaque full-screen card.
 *
 * A card of text: the pre-programme warning and the end card (support
 * information) of ratingwarning.
 */
typedef struct {
  const WsBadgeHints *badge;
  const char *headline;
  const char *const *lines;
  const char *language;
  double pixel_aspect;
  gboolean lower_third;
} WsNoticeSpec;

/**
 * ws_guidance_render_notice:
 * @spec: what to draw.
 * @width, @height: the frame size in pixels (at least 64 x 48).
 * @error: as ws_guidance_render().
 *
 * Draws the card in a @width x @height image: every part inside the
 * graphics-safe area (5 % in from each edge, EBU R 95), the text shrunk
 * until it fits (at most WS_GUIDANCE_TEXT_MAX_LINES lines per paragraph,
 * the last one ellipsized). @text in the result is the box of all text;
 * @unknown_glyphs counts characters drawn as boxes.
 *
 * Returns: (transfer full) (nullable): the image, NULL on error.
 */
WsGuidanceImage *ws_guidance_render_notice (const WsNoticeSpec *spec, int width,
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
