/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed check: the photosensitive-epilepsy (PSE) test certificate, a PDF
 * drawn with cairo's PDF surface and pango: one certificate per file, the
 * kind of page a QC house attaches to a delivery. */
#include "ws-report.h"

#include <cairo-pdf.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "ws-cli.h"
#include "ws-farm.h"

/* A4 portrait, in points; margins */
#define PAGE_W 595.0
#define PAGE_H 842.0
#define MARGIN 48.0
#define BODY_W (PAGE_W - 2 * MARGIN)
#define BOTTOM (PAGE_H - 56.0)
#define FONT "DejaVu Sans"

#define PLOT_H 170.0
#define PLOT_L 36.0 /* room for the risk axis' numbers */
#define PLOT_B 18.0 /* room for the time axis' numbers */

typedef struct {
  cairo_t *cr;
  const WsReportRun *run;
  const WsCheckFile *f;
  gint64 started_us; /* when the file's check started; 0 unknown */
  char *file_label;  /* the file's path, safe, for the page footer */
  guint file_no;
  guint page_of_file;
  double y;
} Pdf;

/* ---- text ---------------------------------------------------------------- */

/* Draws @text at (@x, @y) in a box @width wide (wrapped at words, or
 * anywhere in a long word such as a hash); returns its height. */
static double
text_at (Pdf *p, double x, double y, double width, const char *text,
    double size, gboolean bold, double r, double g, double b)
{
  PangoLayout *layout = pango_cairo_create_layout (p->cr);
  PangoFontDescription *font = pango_font_description_from_string (FONT);
  int w, h;

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font,
      bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (layout, text, -1);
  cairo_set_source_rgb (p->cr, r, g, b);
  cairo_move_to (p->cr, x, y);
  pango_cairo_show_layout (p->cr, layout);
  pango_layout_get_size (layout, &w, &h);
  pango_font_description_free (font);
  g_object_unref (layout);
  return (double) h / PANGO_SCALE;
}

static double
text_plain (Pdf *p, double x, double y, double width, const char *text,
    double size)
{
  return text_at (p, x, y, width, text, size, FALSE, 0.1, 0.1, 0.1);
}

/* ---- pages --------------------------------------------------------------- */

static void
footer (Pdf *p)
{
  char *line = g_strdup_printf ("watershed %s, PSE certificate %u of %u: %s "
                                "(page %u)",
      p->run->version, p->file_no, p->run->n_entries, p->file_label,
      p->page_of_file);

  cairo_set_source_rgb (p->cr, 0.6, 0.6, 0.6);
  cairo_set_line_width (p->cr, 0.5);
  cairo_move_to (p->cr, MARGIN, PAGE_H - 44);
  cairo_line_to (p->cr, PAGE_W - MARGIN, PAGE_H - 44);
  cairo_stroke (p->cr);
  text_at (p, MARGIN, PAGE_H - 40, BODY_W, line, 7, FALSE, 0.4, 0.4, 0.4);
  g_free (line);
}

static void
new_page (Pdf *p, gboolean continued)
{
  footer (p);
  cairo_show_page (p->cr);
  p->page_of_file++;
  p->y = MARGIN;
  if (continued)
    p->y += text_at (p, MARGIN, p->y, BODY_W,
                "Photosensitive epilepsy test certificate (continued)", 11,
                TRUE, 0.1, 0.1, 0.1) +
            10;
}

/* Makes room for @height more points, on a new page when needed. */
static void
need (Pdf *p, double height)
{
  if (p->y + height > BOTTOM)
    new_page (p, TRUE);
}

/* ---- what the certificate says ------------------------------------------- */

/* HH:MM:SS:FF at the stream's nominal rate (non-drop-frame; 29.97 counts
 * as 30), or HH:MM:SS.mmm when the rate is unknown. */
static char *
timecode (double t_s, double fps)
{
  if (t_s < 0)
    t_s = 0;
  if (fps > 0) {
    int nominal = (int) lround (fps);
    gint64 frame = (gint64) llround (t_s * fps);
    gint64 secs = frame / nominal;

    return g_strdup_printf ("%02" G_GINT64_FORMAT ":%02d:%02d:%02d",
        secs / 3600, (int) (secs / 60 % 60), (int) (secs % 60),
        (int) (frame % nominal));
  } else {
    gint64 ms = (gint64) llround (t_s * 1000.0);

    return g_strdup_printf ("%02" G_GINT64_FORMAT ":%02d:%02d.%03d",
        ms / 3600000, (int) (ms / 60000 % 60), (int) (ms / 1000 % 60),
        (int) (ms % 1000));
  }
}

/* The programme: the sidecar's title, else the first programme id the
 * ratings name, else the file's name. */
static char *
programme_of (const WsCheckFile *f)
{
  if (f->title != NULL && *f->title != '\0')
    return ws_cli_safe_text (f->title, WS_CLI_TEXT_LINE);
  for (guint i = 0; f->ratings != NULL && i < f->ratings->len; i++) {
    const WsCheckRating *r = g_ptr_array_index (f->ratings, i);

    if (r->rating != NULL && r->rating->programme != NULL &&
        *r->rating->programme != '\0')
      return ws_cli_safe_text (r->rating->programme, WS_CLI_TEXT_LINE);
  }
  {
    char *base = g_path_get_basename (f->path);
    char *safe = ws_cli_safe_text (base, WS_CLI_TEXT_LINE);

    g_free (base);
    return safe;
  }
}

static const char *
verdict_word (const WsCheckFile *f)
{
  if (f->status == WS_CHECK_ERROR)
    return "NOT TESTED";
  switch (f->flash_status) {
    case WS_CHECK_PASS:
      return "PASS";
    case WS_CHECK_WARN:
      return "PASS WITH WARNING";
    case WS_CHECK_FAIL:
      return "FAIL";
    default:
      return "NOT APPLICABLE";
  }
}

static void
verdict_colour (const WsCheckFile *f, double *r, double *g, double *b)
{
  *r = 0.45, *g = 0.45, *b = 0.45;
  if (f->status == WS_CHECK_ERROR)
    return;
  if (f->flash_status == WS_CHECK_PASS)
    *r = 0.1, *g = 0.5, *b = 0.2;
  else if (f->flash_status == WS_CHECK_WARN)
    *r = 0.8, *g = 0.5, *b = 0.0;
  else if (f->flash_status == WS_CHECK_FAIL)
    *r = 0.8, *g = 0.1, *b = 0.1;
}

/* One "label: value" row of the facts table. */
static void
fact (Pdf *p, const char *label, const char *value)
{
  double h;

  need (p, 14);
  text_at (p, MARGIN, p->y, 128, label, 8.5, TRUE, 0.25, 0.25, 0.25);
  h = text_plain (p, MARGIN + 132, p->y, BODY_W - 132, value, 8.5);
  p->y += MAX (h, 11.0) + 3;
}

static void
facts (Pdf *p, const char *sha256, const char *hash_error)
{
  const WsCheckFile *f = p->f;
  char *programme = programme_of (f);
  char *path = ws_cli_safe_text (f->path, WS_CLI_TEXT_LINE);
  char *when, *s;
  GDateTime *dt;

  fact (p, "Programme", programme);
  fact (p, "File", path);
  fact (p, "SHA-256", sha256 != NULL ? sha256 : hash_error);
  if (f->duration_s > 0) {
    char *tc = timecode (f->duration_s, f->frame_rate);

    s = g_strdup_printf ("%s (%.3f s)", tc, f->duration_s);
    fact (p, "Duration", s);
    g_free (s);
    g_free (tc);
  } else {
    fact (p, "Duration", "unknown");
  }
  if (f->has_video) {
    s = g_strdup_printf ("%s, %d x %d, %.3f frames/s, %" G_GINT64_FORMAT
                         " frames analysed",
        f->video_codec != NULL ? f->video_codec : "?", f->width, f->height,
        f->frame_rate, f->video_frames);
    fact (p, "Video", s);
    g_free (s);
  } else {
    fact (p, "Video", "none: the flash test does not apply");
  }
  if (f->flash_display.standard != NULL) {
    char line[512];

    s = g_strdup_printf ("%s, as Ofcom's Guidance Note on Section 2 of the "
                         "Broadcasting Code, Annex 1 applies it: more than 3 "
                         "flashes (pairs of opposing changes of at least "
                         "20 cd/m², the darker state below "
                         "160 cd/m²) or red flashes in any 1 s over "
                         "more than 25 %% of the screen fail",
        f->flash_display.standard);
    fact (p, "Standard applied", s);
    g_free (s);
    ws_flash_display_describe (&f->flash_display, line, sizeof line);
    s = f->flash_transfer_tagged ?
            g_strdup (line) :
            g_strdup_printf ("%s. ASSUMED: the stream does not say its "
                             "transfer function; tag it and test again",
                line);
    fact (p, "Transfer function", s);
    g_free (s);
  } else {
    fact (p, "Standard applied", WS_FLASH_STANDARD);
    fact (p, "Transfer function", "none: the video was not analysed");
  }
  if (f->flash_sample_step > 0)
    s = g_strdup_printf ("one pixel in each %d x %d block, on a lattice "
                         "shifting by a row and a column per band "
                         "(--flash-sample-step %d); a screen area counts "
                         "whole once it flashes (fail closed)",
        f->flash_sample_step, f->flash_sample_step, f->flash_sample_step);
  else
    s = g_strdup ("not run");
  fact (p, "Analysis", s);
  g_free (s);
  dt = g_date_time_new_from_unix_utc (
      (p->started_us > 0 ? p->started_us : g_get_real_time ()) /
      G_USEC_PER_SEC);
  when = g_date_time_format (dt, "%Y-%m-%d %H:%M:%S UTC");
  s = g_strdup_printf ("%s on %s by watershed %s", when,
      p->run->hostname != NULL ? p->run->hostname : "?", p->run->version);
  fact (p, "Tested", s);
  g_free (s);
  g_free (when);
  g_date_time_unref (dt);
  if (f->status == WS_CHECK_ERROR && f->error != NULL) {
    s = ws_cli_safe_text (f->error, WS_CLI_TEXT_LINE);
    fact (p, "Error", s);
    g_free (s);
  } else if (f->flash_message != NULL) {
    s = ws_cli_safe_text (f->flash_message, WS_CLI_TEXT_LINE);
    fact (p, "Finding", s);
    g_free (s);
  }
  g_free (path);
  g_free (programme);
}

/* ---- the risk trace ------------------------------------------------------ */

static void
risk_plot (Pdf *p)
{
  const WsCheckFile *f = p->f;
  const GArray *r = f->risk_series;
  double span = ws_report_file_span (f), top = ws_report_risk_top (f);
  double step = ws_report_time_step (span);
  double x0 = MARGIN + PLOT_L, w = BODY_W - PLOT_L;
  double y0, h = PLOT_H - PLOT_B;
  cairo_t *cr = p->cr;

  need (p, PLOT_H + 30);
  p->y += text_at (p, MARGIN, p->y, BODY_W, "Flash risk over time", 10, TRUE,
              0.1, 0.1, 0.1) +
          4;
  y0 = p->y;
#define X(t) (x0 + (t) / span * w)
#define Y(v) (y0 + h - MIN (MAX ((v), 0.0), top) / top * h)
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x0, y0, w, h);
  cairo_fill (cr);
  for (guint i = 0; i < f->flash_incidents->len; i++) {
    const WsFlashIncident *inc = &g_array_index (f->flash_incidents,
        WsFlashIncident, i);
    double a = X ((double) inc->start_ns / 1e9);
    double b = X ((double) inc->end_ns / 1e9);

    if (inc->verdict == WS_FLASH_VERDICT_FAIL)
      cairo_set_source_rgba (cr, 0.87, 0.13, 0.13, 0.25);
    else
      cairo_set_source_rgba (cr, 0.93, 0.6, 0.0, 0.25);
    cairo_rectangle (cr, MIN (a, x0 + w), y0, MAX (1.5, b - a), h);
    cairo_fill (cr);
  }
  cairo_set_line_width (cr, 0.4);
  for (double t = 0; t <= span + 1e-9; t += step) {
    char *label = ws_report_time_label (t);

    cairo_set_source_rgb (cr, 0.85, 0.85, 0.85);
    cairo_move_to (cr, X (t), y0);
    cairo_line_to (cr, X (t), y0 + h);
    cairo_stroke (cr);
    text_at (p, X (t) - 20, y0 + h + 3, 40, label, 7, FALSE, 0.3, 0.3, 0.3);
    g_free (label);
  }
  for (double v = 0; v <= top + 1e-9; v += top > 4 ? 1.0 : 0.5) {
    char *label = g_strdup_printf ("%.1f", v);

    text_at (p, MARGIN, Y (v) - 5, PLOT_L - 6, label, 7, FALSE, 0.3, 0.3, 0.3);
    g_free (label);
  }
  /* the limit: risk 1.0 */
  cairo_set_source_rgb (cr, 0.87, 0.13, 0.13);
  cairo_set_line_width (cr, 0.8);
  {
    const double dash[] = { 4, 3 };

    cairo_set_dash (cr, dash, 2, 0);
    cairo_move_to (cr, x0, Y (1.0));
    cairo_line_to (cr, x0 + w, Y (1.0));
    cairo_stroke (cr);
    cairo_set_dash (cr, NULL, 0, 0);
  }
  for (int kind = 0; kind < 2; kind++) {
    if (r == NULL || r->len == 0)
      break;
    if (kind)
      cairo_set_source_rgb (cr, 0.8, 0.2, 0.2);
    else
      cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
    cairo_set_line_width (cr, 1.0);
    for (guint i = 0; i < r->len; i++) {
      const WsCheckRiskPoint *pt = &g_array_index (r, WsCheckRiskPoint, i);
      double v = kind ? pt->red : pt->luminance;

      if (i == 0)
        cairo_move_to (cr, X (pt->t_s), Y (v));
      else
        cairo_line_to (cr, X (pt->t_s), Y (v));
    }
    cairo_stroke (cr);
  }
  cairo_set_source_rgb (cr, 0.6, 0.6, 0.6);
  cairo_set_line_width (cr, 0.6);
  cairo_rectangle (cr, x0, y0, w, h);
  cairo_stroke (cr);
#undef X
#undef Y
  p->y = y0 + PLOT_H;
  p->y += text_at (p, x0, p->y, w,
              "dark line: luminance flash risk; red line: red flash risk; "
              "dashed: the limit (1.0); shaded: incidents (red fail, amber "
              "warning). Time in minutes:seconds.",
              7, FALSE, 0.35, 0.35, 0.35) +
          10;
}

/* ---- incidents ----------------------------------------------------------- */

static const struct {
  const char *title;
  double x; /* from MARGIN */
} columns[] = {
  { "#", 0 },
  { "Kind", 18 },
  { "Verdict", 100 },
  { "Start", 148 },
  { "End", 212 },
  { "Length", 276 },
  { "Peak flashes/s", 322 },
  { "Peak area", 392 },
  { "Peak risk", 450 },
};

static void
incident_header (Pdf *p)
{
  for (gsize c = 0; c < G_N_ELEMENTS (columns); c++)
    text_at (p, MARGIN + columns[c].x, p->y, 70, columns[c].title, 7.5, TRUE,
        0.25, 0.25, 0.25);
  p->y += 12;
  cairo_set_source_rgb (p->cr, 0.7, 0.7, 0.7);
  cairo_set_line_width (p->cr, 0.5);
  cairo_move_to (p->cr, MARGIN, p->y);
  cairo_line_to (p->cr, PAGE_W - MARGIN, p->y);
  cairo_stroke (p->cr);
  p->y += 3;
}

static void
incidents (Pdf *p)
{
  const GArray *list = p->f->flash_incidents;

  need (p, 40);
  p->y += text_at (p, MARGIN, p->y, BODY_W, "Incidents", 10, TRUE, 0.1, 0.1,
              0.1) +
          4;
  if (list == NULL || list->len == 0) {
    p->y += text_plain (p, MARGIN, p->y, BODY_W,
                p->f->has_video ? "None: no flashing, red flashing or "
                                  "pattern reached a warning." :
                                  "None (no video).",
                8.5) +
            6;
    return;
  }
  incident_header (p);
  for (guint i = 0; i < list->len; i++) {
    const WsFlashIncident *inc = &g_array_index (list, WsFlashIncident, i);
    double start = (double) inc->start_ns / 1e9,
           end = (double) inc->end_ns / 1e9;
    char *cell[G_N_ELEMENTS (columns)];

    if (p->y + 12 > BOTTOM) {
      new_page (p, TRUE);
      incident_header (p);
    }
    cell[0] = g_strdup_printf ("%u", i + 1);
    if (inc->kind == WS_FLASH_KIND_PATTERN)
      cell[1] = g_strdup_printf ("pattern, %d pairs", inc->pattern_pairs);
    else
      cell[1] = g_strdup_printf ("%s%s", ws_flash_kind_to_string (inc->kind),
          inc->extended ? " (extended)" : "");
    cell[2] = g_strdup (ws_flash_verdict_to_string (inc->verdict));
    cell[3] = timecode (start, p->f->frame_rate);
    cell[4] = timecode (end, p->f->frame_rate);
    cell[5] = g_strdup_printf ("%.2f s", end - start);
    cell[6] = g_strdup_printf ("%.1f", inc->peak_flash_rate);
    cell[7] = g_strdup_printf ("%.0f %%", inc->peak_area * 100.0);
    cell[8] = g_strdup_printf ("%.2f", inc->peak_risk);
    for (gsize c = 0; c < G_N_ELEMENTS (columns); c++) {
      gboolean fail = c == 2 && inc->verdict == WS_FLASH_VERDICT_FAIL;

      text_at (p, MARGIN + columns[c].x, p->y, 70, cell[c], 7.5, fail,
          fail ? 0.8 : 0.1, 0.1, 0.1);
      g_free (cell[c]);
    }
    p->y += 11;
  }
  p->y += 6;
}

/* ---- one certificate ----------------------------------------------------- */

static void
certificate (Pdf *p)
{
  const WsCheckFile *f = p->f;
  char *sha256 = NULL, *hash_error = NULL;
  double r, g, b;
  GError *error = NULL;

  sha256 = ws_farm_file_sha256 (f->path, &error);
  if (sha256 == NULL) {
    hash_error = g_strdup_printf ("not computed: %s", error->message);
    g_clear_error (&error);
  }
  p->y = MARGIN;
  p->y += text_at (p, MARGIN, p->y, BODY_W,
              "Photosensitive epilepsy test certificate", 17, TRUE, 0.1, 0.1,
              0.1) +
          2;
  p->y += text_at (p, MARGIN, p->y, BODY_W,
              "Flashing, red flashing and regular patterns, tested to "
              "ITU-R BT.1702-3",
              9, FALSE, 0.35, 0.35, 0.35) +
          12;
  verdict_colour (f, &r, &g, &b);
  cairo_set_source_rgb (p->cr, r, g, b);
  cairo_rectangle (p->cr, MARGIN, p->y, BODY_W, 34);
  cairo_fill (p->cr);
  text_at (p, MARGIN + 12, p->y + 6, BODY_W - 24, verdict_word (f), 18, TRUE, 1,
      1, 1);
  p->y += 34 + 12;
  facts (p, sha256, hash_error);
  p->y += 8;
  if (f->has_video)
    risk_plot (p);
  incidents (p);
  g_free (sha256);
  g_free (hash_error);
}

static cairo_status_t
append_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

GBytes *
ws_report_pse_pdf (const WsReportRun *run, GError **error)
{
  GByteArray *out = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_status_t status;
  Pdf p = { 0 };
  char *creator;

  surface = cairo_pdf_surface_create_for_stream (append_bytes, out, PAGE_W,
      PAGE_H);
  creator = g_strdup_printf ("%s %s", WS_REPORT_PDF_CREATOR, run->version);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, creator);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE,
      "Photosensitive epilepsy test certificate");
  g_free (creator);
  p.cr = cairo_create (surface);
  p.run = run;
  for (guint i = 0; i < run->n_entries; i++) {
    p.f = run->entries[i].file;
    p.started_us = run->entries[i].started_us;
    p.file_no = i + 1;
    p.page_of_file = 1;
    p.file_label = ws_cli_safe_text (p.f->path, WS_CLI_TEXT_LINE);
    certificate (&p);
    footer (&p);
    cairo_show_page (p.cr);
    g_free (p.file_label);
  }
  if (run->n_entries == 0) {
    p.y = MARGIN;
    text_plain (&p, MARGIN, p.y, BODY_W,
        "No file to certify: every file was left out (--failures-only) or "
        "none was checked.",
        10);
    cairo_show_page (p.cr);
  }
  status = cairo_status (p.cr);
  cairo_destroy (p.cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
        "cairo could not draw the PDF: %s", cairo_status_to_string (status));
    g_byte_array_unref (out);
    return NULL;
  }
  return g_byte_array_free_to_bytes (out);
}
