/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed check: the HTML report, with inline SVG plots. */
#include "ws-report.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include "ws-cli.h"

/* ---- HTML with inline SVG ------------------------------------------------ */

#define PLOT_W 760.0
#define PLOT_H 200.0
#define PLOT_L 52.0
#define PLOT_R 12.0
#define PLOT_T 12.0
#define PLOT_B 28.0

typedef struct {
  double x0, x1, y0, y1; /* data range */
} Axes;

static double
px (const Axes *a, double x)
{
  return PLOT_L + (x - a->x0) / (a->x1 - a->x0) * (PLOT_W - PLOT_L - PLOT_R);
}

static double
py (const Axes *a, double y)
{
  double v = MIN (a->y1, MAX (a->y0, y));

  return PLOT_T + (a->y1 - v) / (a->y1 - a->y0) * (PLOT_H - PLOT_T - PLOT_B);
}

static void
svg_time_axis (GString *s, const Axes *a)
{
  double step = ws_report_time_step (a->x1 - a->x0);

  for (double t = 0; t <= a->x1 + 1e-9; t += step) {
    char *label = ws_report_time_label (t);

    g_string_append_printf (s,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
        "stroke=\"#ddd\"/>"
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
        px (a, t), PLOT_T, px (a, t), PLOT_H - PLOT_B, px (a, t),
        PLOT_H - PLOT_B + 16, label);
    g_free (label);
  }
}

static void
svg_begin (GString *s, const char *label)
{
  g_string_append_printf (s,
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
      "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
      "aria-label=\"",
      PLOT_W, PLOT_H, PLOT_W, PLOT_H);
  ws_cli_append_escaped (s, label);
  g_string_append_printf (s,
      "\" font-family=\"sans-serif\" font-size=\"11\">\n"
      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
      "fill=\"#fff\" stroke=\"#999\"/>\n",
      PLOT_L, PLOT_T, PLOT_W - PLOT_L - PLOT_R, PLOT_H - PLOT_T - PLOT_B);
}

/* A polyline through (t, v) broken at NAN. */
static void
svg_path (GString *s, const Axes *a, const WsCheckLoudnessPoint *pts, guint n,
    int which, const char *color, double width)
{
  gboolean pen = FALSE;

  g_string_append (s, "<path fill=\"none\" stroke-linejoin=\"round\" d=\"");
  for (guint i = 0; i < n; i++) {
    double v = which == 0 ? pts[i].momentary_lufs : pts[i].shortterm_lufs;

    if (isnan (v)) {
      pen = FALSE;
      continue;
    }
    if (isinf (v))
      v = v < 0 ? a->y0 : a->y1;
    g_string_append_printf (s, "%s%.1f %.1f ", pen ? "L" : "M",
        px (a, pts[i].t_s), py (a, v));
    pen = TRUE;
  }
  g_string_append_printf (s, "\" stroke=\"%s\" stroke-width=\"%.1f\"/>\n",
      color, width);
}

/* The loudness axis: the programme's range with the tolerance band, a few
 * LU of margin, in steps of 5 LU; at least 15 LU tall. */
static void
loudness_range (const WsCheckFile *f, double lo, double hi, double *y0,
    double *y1)
{
  const GArray *l = f->loudness_series;
  double mn = lo, mx = hi;

  for (guint i = 0; i < l->len; i++) {
    const WsCheckLoudnessPoint *p = &g_array_index (l, WsCheckLoudnessPoint, i);

    if (isfinite (p->momentary_lufs)) {
      mn = MIN (mn, p->momentary_lufs);
      mx = MAX (mx, p->momentary_lufs);
    }
    if (isfinite (p->shortterm_lufs)) {
      mn = MIN (mn, p->shortterm_lufs);
      mx = MAX (mx, p->shortterm_lufs);
    }
  }
  /* silence gaps are drawn at the bottom; keep the axis readable, whatever
   * limits a report read back claims */
  mn = MIN (MAX (mn, -90.0), 10.0);
  mx = MAX (MIN (mx, 10.0), -90.0);
  *y0 = floor ((mn - 2.0) / 5.0) * 5.0;
  *y1 = ceil ((mx + 2.0) / 5.0) * 5.0;
  while (*y1 - *y0 < 15.0) {
    *y0 -= 5.0;
    *y1 += 5.0;
  }
}

static void
svg_loudness (GString *s, const WsCheckFile *f)
{
  double lo = f->limits.target_lufs - f->limits.tolerance_lu;
  double hi = f->limits.target_lufs + f->limits.tolerance_lu;
  double y0, y1, step;
  Axes a;

  loudness_range (f, lo, hi, &y0, &y1);
  a = (Axes){ 0, ws_report_file_span (f), y0, y1 };
  step = y1 - y0 > 40.0 ? 10.0 : 5.0;
  svg_begin (s, "Loudness over time");
  for (double y = ceil (y0 / step) * step; y <= y1 + 1e-9; y += step)
    g_string_append_printf (s,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
        "stroke=\"#eee\"/><text x=\"%.1f\" y=\"%.1f\" "
        "text-anchor=\"end\">%.0f</text>\n",
        PLOT_L, py (&a, y), PLOT_W - PLOT_R, py (&a, y), PLOT_L - 4,
        py (&a, y) + 4, y);
  svg_time_axis (s, &a);
  /* the tolerance band: filled, with its edges drawn so that even a band
   * of a few pixels shows */
  g_string_append_printf (s,
      "<rect class=\"band\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
      "height=\"%.1f\" fill=\"#2a2\" fill-opacity=\"0.22\"><title>target "
      "%.1f LUFS, tolerance %.1f LU</title></rect>\n"
      "<line class=\"band-edge\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
      "y2=\"%.1f\" stroke=\"#2a2\" stroke-opacity=\"0.6\"/>\n"
      "<line class=\"band-edge\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
      "y2=\"%.1f\" stroke=\"#2a2\" stroke-opacity=\"0.6\"/>\n"
      "<line class=\"target\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
      "stroke=\"#2a2\" stroke-dasharray=\"6 4\"/>\n",
      PLOT_L, py (&a, hi), PLOT_W - PLOT_L - PLOT_R,
      MAX (1.0, py (&a, lo) - py (&a, hi)), f->limits.target_lufs,
      f->limits.tolerance_lu, PLOT_L, py (&a, hi), PLOT_W - PLOT_R, py (&a, hi),
      PLOT_L, py (&a, lo), PLOT_W - PLOT_R, py (&a, lo), PLOT_L,
      py (&a, f->limits.target_lufs), PLOT_W - PLOT_R,
      py (&a, f->limits.target_lufs));
  svg_path (s, &a, (const WsCheckLoudnessPoint *) f->loudness_series->data,
      f->loudness_series->len, 0, "#8ab4e8", 1.0);
  svg_path (s, &a, (const WsCheckLoudnessPoint *) f->loudness_series->data,
      f->loudness_series->len, 1, "#1f4e99", 2.0);
  g_string_append_printf (s,
      "<text x=\"%.1f\" y=\"%.1f\" fill=\"#1f4e99\">short-term</text>"
      "<text x=\"%.1f\" y=\"%.1f\" fill=\"#8ab4e8\">momentary</text>"
      "<text x=\"%.1f\" y=\"%.1f\" fill=\"#2a2\">target %.1f &#xb1; %.1f "
      "LU</text>"
      "<text x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\" "
      "text-anchor=\"middle\">LUFS</text>\n</svg>\n",
      PLOT_W - 300, PLOT_T + 14, PLOT_W - 220, PLOT_T + 14, PLOT_W - 150,
      PLOT_T + 14, f->limits.target_lufs, f->limits.tolerance_lu, PLOT_H / 2,
      PLOT_H / 2);
}

static void
svg_flash (GString *s, const WsCheckFile *f)
{
  const GArray *r = f->risk_series;
  double top = ws_report_risk_top (f);
  Axes a;

  a = (Axes){ 0, ws_report_file_span (f), 0, top };
  svg_begin (s, "Flash risk over time");
  for (guint i = 0; i < f->flash_incidents->len; i++) {
    const WsFlashIncident *inc = &g_array_index (f->flash_incidents,
        WsFlashIncident, i);
    double x0 = px (&a, (double) inc->start_ns / 1e9);
    double x1 = px (&a, (double) inc->end_ns / 1e9);

    g_string_append_printf (s,
        "<rect class=\"incident\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
        "height=\"%.1f\" fill=\"%s\" fill-opacity=\"0.25\"><title>%s %s "
        "%.2f-%.2f s</title></rect>\n",
        x0, PLOT_T, MAX (2.0, x1 - x0), PLOT_H - PLOT_T - PLOT_B,
        inc->verdict == WS_FLASH_VERDICT_FAIL ? "#d22" : "#e90",
        ws_flash_verdict_to_string (inc->verdict),
        ws_flash_kind_to_string (inc->kind), (double) inc->start_ns / 1e9,
        (double) inc->end_ns / 1e9);
  }
  for (double y = 0; y <= top + 1e-9; y += top > 4 ? 1.0 : 0.5)
    g_string_append_printf (s,
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>\n",
        PLOT_L - 4, py (&a, y) + 4, y);
  svg_time_axis (s, &a);
  g_string_append_printf (s,
      "<line class=\"limit\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
      "y2=\"%.1f\" stroke=\"#d22\" stroke-dasharray=\"6 4\"/>\n",
      PLOT_L, py (&a, 1.0), PLOT_W - PLOT_R, py (&a, 1.0));
  for (int kind = 0; kind < 2; kind++) {
    gboolean pen = FALSE;

    g_string_append (s, "<path fill=\"none\" d=\"");
    for (guint i = 0; i < r->len; i++) {
      const WsCheckRiskPoint *p = &g_array_index (r, WsCheckRiskPoint, i);

      g_string_append_printf (s, "%s%.1f %.1f ", pen ? "L" : "M",
          px (&a, p->t_s), py (&a, kind ? p->red : p->luminance));
      pen = TRUE;
    }
    g_string_append_printf (s, "\" stroke=\"%s\" stroke-width=\"1.5\"/>\n",
        kind ? "#c33" : "#333");
  }
  g_string_append_printf (s,
      "<text x=\"%.1f\" y=\"%.1f\" fill=\"#333\">luminance risk</text>"
      "<text x=\"%.1f\" y=\"%.1f\" fill=\"#c33\">red risk</text>"
      "<text x=\"%.1f\" y=\"%.1f\" fill=\"#d22\">limit 1.0</text>"
      "<text x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\" "
      "text-anchor=\"middle\">risk</text>\n</svg>\n",
      PLOT_W - 290, PLOT_T + 14, PLOT_W - 190, PLOT_T + 14, PLOT_W - 120,
      PLOT_T + 14, PLOT_H / 2, PLOT_H / 2);
}

static const char html_style[] =
    "body{font-family:sans-serif;margin:2em;color:#222;max-width:66em}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;"
    "vertical-align:top}td.num{text-align:right;white-space:nowrap}"
    ".pass{color:#070}.fail{color:#b00;font-weight:bold}"
    ".error{color:#fff;background:#b00;padding:0 .3em}.warn{color:#a60}"
    ".not-applicable{color:#777}section{border-top:2px solid #ccc;"
    "margin-top:1.5em}h2{font-size:1.1em;word-break:break-all}"
    "code{word-break:break-all}"
    "svg{display:block;max-width:100%;height:auto}"
    "#show-bad:checked~table tr.row-pass,"
    "#show-bad:checked~div section.row-pass{display:none}";

/* Index rows and sections: errors, then failures, then passes; input order
 * within each. */
static int
status_rank (WsCheckStatus s)
{
  return s == WS_CHECK_ERROR ? 0 : s == WS_CHECK_FAIL ? 1 : 2;
}

static guint *
failures_first (const WsReportRun *run)
{
  guint *order = g_new (guint, run->n_entries + 1), k = 0;

  for (int rank = 0; rank < 3; rank++)
    for (guint i = 0; i < run->n_entries; i++)
      if (status_rank (run->entries[i].file->status) == rank)
        order[k++] = i;
  return order;
}

static void
index_row (GString *s, const WsCheckFile *f, guint id)
{
  const char *st = ws_check_status_to_string (f->status);
  const WsCheckItem *fi = ws_report_find_item (f, "flash");
  char *ratings;

  g_string_append_printf (s,
      "<tr class=\"row-%s\"><td class=\"%s\">%s</td><td><a href=\"#f%u\">",
      f->status == WS_CHECK_PASS ? "pass" : "bad", st, st, id);
  ws_cli_append_escaped_line (s, f->path);
  g_string_append (s, "</a></td>");
  if (f->status == WS_CHECK_ERROR) {
    g_string_append (s, "<td colspan=\"4\">");
    ws_cli_append_escaped_line (s, f->error);
    g_string_append (s, "</td></tr>\n");
    return;
  }
  ratings = ws_report_ratings_summary (f);
  g_string_append (s, "<td>");
  ws_cli_append_escaped_line (s, ratings);
  g_string_append (s, "</td>");
  g_free (ratings);
  if (isfinite (f->integrated_lufs))
    g_string_append_printf (s, "<td class=\"num\">%.1f LUFS</td>",
        f->integrated_lufs);
  else
    g_string_append (s, "<td class=\"num\">-</td>");
  if (isfinite (f->true_peak_dbtp))
    g_string_append_printf (s, "<td class=\"num\">%.1f dBTP</td>",
        f->true_peak_dbtp);
  else
    g_string_append (s, "<td class=\"num\">-</td>");
  if (fi != NULL)
    g_string_append_printf (s, "<td class=\"%s\">%s</td></tr>\n",
        ws_check_status_to_string (fi->status),
        ws_check_status_to_string (fi->status));
  else
    g_string_append (s, "<td>-</td></tr>\n");
}

static void
file_section (GString *s, const WsCheckFile *f, guint id)
{
  const char *st = ws_check_status_to_string (f->status);
  char *hex = ws_cli_hex (f->path);

  g_string_append_printf (s,
      "<section id=\"f%u\" class=\"row-%s\" data-path-bytes=\"%s\">\n<h2>", id,
      f->status == WS_CHECK_PASS ? "pass" : "bad", hex);
  g_free (hex);
  ws_cli_append_escaped_line (s, f->path);
  g_string_append_printf (s, " <span class=\"%s\">%s</span></h2>\n", st, st);
  if (f->status == WS_CHECK_ERROR) {
    g_string_append (s, "<p class=\"fail\">");
    ws_cli_append_escaped (s, f->error);
    g_string_append (s, "</p>\n</section>\n");
    return;
  }
  g_string_append (s, "<table>\n<tr><th>Check</th><th>For</th>"
                      "<th>Result</th><th>Details</th></tr>\n");
  for (guint j = 0; j < f->checks->len; j++) {
    const WsCheckItem *it = &g_array_index (f->checks, WsCheckItem, j);
    const char *cs = ws_check_status_to_string (it->status);

    g_string_append (s, "<tr><td>");
    ws_cli_append_escaped (s, it->id);
    g_string_append (s, "</td><td>");
    ws_cli_append_escaped (s, it->subject);
    g_string_append_printf (s, "</td><td class=\"%s\">%s</td><td>", cs, cs);
    ws_cli_append_escaped (s, it->message);
    g_string_append (s, "</td></tr>\n");
  }
  g_string_append (s, "</table>\n");
  for (guint j = 0; j < f->warnings->len; j++) {
    g_string_append (s, "<p class=\"warn\">warning: ");
    ws_cli_append_escaped (s, f->warnings->pdata[j]);
    g_string_append (s, "</p>\n");
  }
  if (f->loudness_measured) {
    g_string_append (s, "<h3>Loudness</h3>\n");
    svg_loudness (s, f);
  }
  if (f->has_video && f->video_frames > 0) {
    g_string_append (s, "<h3>Flash risk</h3>\n");
    svg_flash (s, f);
  }
  g_string_append (s, "</section>\n");
}

static void
build_html (GString *s, const WsReportRun *run)
{
  GDateTime *dt = g_date_time_new_now_utc ();
  char *now = g_date_time_format_iso8601 (dt);
  guint *order = failures_first (run);
  const guint *c = run->counts;

  g_date_time_unref (dt);
  g_string_append (s, "<!DOCTYPE html>\n" WS_REPORT_MARKER "\n");
  g_string_append (s, "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"generator\" content=\"watershed ");
  ws_cli_append_escaped_line (s, run->version);
  g_string_append_printf (s,
      "\">\n<title>watershed check</title>\n<style>%s</style>\n</head>\n"
      "<body>\n<h1>watershed check</h1>\n",
      html_style);
  g_string_append (s, "<table class=\"run\">\n<tr><th>Version</th><td>"
                      "watershed ");
  ws_cli_append_escaped_line (s, run->version);
  g_string_append (s, "</td></tr>\n<tr><th>Command</th><td><code>");
  ws_cli_append_escaped_line (s, run->command_line);
  g_string_append (s, "</code></td></tr>\n<tr><th>Loudness preset</th><td>");
  ws_cli_append_escaped_line (s,
      ws_loudness_preset_to_string (run->opts->preset));
  {
    /* the limits the files were judged by (a customer spec may replace the
     * preset's), else the preset's */
    WsLoudnessLimits limits;
    gboolean known = ws_loudness_preset_limits (run->opts->preset, &limits) ==
                     WS_RESULT_OK;

    for (guint i = 0; i < run->n_entries; i++)
      if (run->entries[i].file->loudness_measured) {
        limits = run->entries[i].file->limits;
        known = TRUE;
        break;
      }
    if (known)
      g_string_append_printf (s,
          "</td></tr>\n<tr><th>Loudness limits</th><td>target %.1f LUFS, "
          "tolerance %.1f LU, true peak at most %.1f dBTP",
          limits.target_lufs, limits.tolerance_lu, limits.max_true_peak_dbtp);
  }
  g_string_append (s, "</td></tr>\n<tr><th>Generated</th><td>");
  ws_cli_append_escaped_line (s, now);
  if (run->hostname != NULL) {
    g_string_append (s, " on ");
    ws_cli_append_escaped_line (s, run->hostname);
  }
  g_string_append_printf (s,
      "</td></tr>\n</table>\n"
      "<p>%u file%s: <span class=\"pass\">%u pass</span>, <span "
      "class=\"fail\">%u fail</span>, %u error%s.</p>\n",
      run->n_checked, run->n_checked == 1 ? "" : "s", c[WS_CHECK_PASS],
      c[WS_CHECK_FAIL], c[WS_CHECK_ERROR],
      run->n_entries < run->n_checked ? " (passed files not listed)" : "");
  g_string_append (s,
      "<input type=\"radio\" name=\"show\" id=\"show-all\" checked>"
      "<label for=\"show-all\">every file</label>\n"
      "<input type=\"radio\" name=\"show\" id=\"show-bad\">"
      "<label for=\"show-bad\">failures and errors only</label>\n"
      "<table class=\"index\">\n<tr><th>Status</th><th>File</th>"
      "<th>Rating per territory</th><th>Integrated loudness</th>"
      "<th>True peak</th><th>Flash</th></tr>\n");
  for (guint k = 0; k < run->n_entries; k++)
    index_row (s, run->entries[order[k]].file, order[k]);
  g_string_append (s, "</table>\n");
  if (run->sidecars != NULL && run->sidecars->len > 0) {
    g_string_append (s, "<h2>Sidecar metadata named as inputs</h2>\n<ul>\n");
    for (guint i = 0; i < run->sidecars->len; i++) {
      const WsReportSidecar *sc = run->sidecars->pdata[i];

      g_string_append (s, "<li>");
      ws_cli_append_escaped_line (s, sc->path);
      if (sc->used_by != NULL) {
        g_string_append (s, ": the sidecar of ");
        ws_cli_append_escaped_line (s, sc->used_by);
      } else {
        g_string_append (s, ": no input uses it");
      }
      g_string_append (s, "</li>\n");
    }
    g_string_append (s, "</ul>\n");
  }
  g_string_append (s, "<div class=\"files\">\n");
  for (guint k = 0; k < run->n_entries; k++)
    file_section (s, run->entries[order[k]].file, order[k]);
  g_string_append (s, "</div>\n</body>\n</html>\n");
  g_free (order);
  g_free (now);
}

char *
ws_report_html (const WsReportRun *run)
{
  GString *s = g_string_new (NULL);
  /* numbers go into SVG attributes: always a '.', whatever LC_NUMERIC */
  locale_t c = newlocale (LC_ALL_MASK, "C", (locale_t) 0);
  locale_t old = c != (locale_t) 0 ? uselocale (c) : (locale_t) 0;

  build_html (s, run);
  if (c != (locale_t) 0) {
    uselocale (old);
    freelocale (c);
  }
  return g_string_free (s, FALSE);
}
