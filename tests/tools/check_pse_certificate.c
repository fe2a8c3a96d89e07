/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `watershed check --pse-certificate`: the PDF renders (poppler's pdftoppm
 * turns its pages into PNG, whose pixels are read back with cairo) and
 * carries what a QC house files (pdftotext: verdict, programme, the file's
 * SHA-256, standard, transfer function, incidents with timecodes, version);
 * a page per file and continuation pages when the incidents do not fit;
 * an existing file that is not a certificate of ours is never replaced.
 * Media is made here by ffmpeg; skipped (77) without ffmpeg or poppler. */
#include <cairo.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "ws-config.h"
#include "ws-report.h"
#include "ws-test-cli.h"

static char *tmp_dir;

static char *
media (const char *relative)
{
  return g_build_filename (tmp_dir, relative, NULL);
}

#define TONE "sine=frequency=1000:sample_rate=48000:duration=8"

static const char sidecar[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" version=\"1\">\n"
    " <programme id=\"T1\" title=\"The Flashing Test\">\n"
    "  <rating territory=\"GB\" system=\"bbfc\" code=\"15\"/>\n"
    " </programme>\n"
    "</watershed-metadata>\n";

static gboolean
make_media (void)
{
  char *flash = media ("flash.mp4"), *steady = media ("steady.mp4");
  char *flash_xml = media ("flash.xml"), *broken = media ("broken.mp4");
  char *pq = media ("pq.mp4");
  /* full-screen black/white at 5 Hz from 2 s to 4 s: 5 flashes/s */
  gboolean ok = WS_TEST_FFMPEG ("-f", "lavfi", "-i",
                    "color=black:size=320x180:rate=25:duration=8", "-f",
                    "lavfi", "-i", TONE, "-filter_complex",
                    "[0:v]drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:"
                    "enable='between(t,2,4)*lt(mod(n,5),2)'[v]",
                    "-map", "[v]", "-map", "1:a", "-c:v", "libx264", "-preset",
                    "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", flash) &&
                g_file_set_contents (flash_xml, sidecar, -1, NULL) &&
                WS_TEST_FFMPEG ("-f", "lavfi", "-i",
                    "testsrc2=size=320x180:rate=25:duration=4", "-c:v",
                    "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                    steady) &&
                g_file_set_contents (broken, "not a video\n", -1, NULL) &&
                /* HEVC Main10, BT.2100 PQ */
                WS_TEST_FFMPEG ("-f", "lavfi", "-i",
                    "testsrc2=size=320x180:rate=25:duration=2", "-c:v",
                    "libx265", "-preset", "ultrafast", "-pix_fmt",
                    "yuv420p10le", "-color_primaries", "bt2020", "-color_trc",
                    "smpte2084", "-colorspace", "bt2020nc", "-x265-params",
                    "log-level=error:repeat-headers=1:colorprim=bt2020:"
                    "transfer=smpte2084:colormatrix=bt2020nc",
                    pq);

  g_free (flash);
  g_free (steady);
  g_free (flash_xml);
  g_free (broken);
  g_free (pq);
  return ok;
}

/* The text of the PDF (pdftotext, layout kept). */
static char *
pdf_text (const char *pdf)
{
  WsTestRun r = ws_test_run ("pdftotext",
      (const char *const[]){ "-q", "-layout", pdf, "-", NULL });
  char *out;

  ck_assert_msg (r.status == 0, "pdftotext %s: %s", pdf, r.err);
  out = g_steal_pointer (&r.out);
  ws_test_run_clear (&r);
  return out;
}

static int
pdf_pages (const char *pdf)
{
  WsTestRun r = ws_test_run ("pdfinfo", (const char *const[]){ pdf, NULL });
  const char *line;
  int pages;

  ck_assert_msg (r.status == 0, "pdfinfo %s: %s", pdf, r.err);
  line = strstr (r.out, "Pages:");
  ck_assert_msg (line != NULL, "%s", r.out);
  pages = atoi (line + strlen ("Pages:"));
  ws_test_run_clear (&r);
  return pages;
}

static char *
sha256_of (const char *path)
{
  char *data = NULL;
  gsize len = 0;
  char *hex;

  ck_assert (g_file_get_contents (path, &data, &len, NULL));
  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data,
      len);
  g_free (data);
  return hex;
}

START_TEST (test_pse_certificate_fail_renders_and_says_why)
{
  char *flash = media ("flash.mp4"), *pdf = media ("flash-cert.pdf");
  char *prefix = media ("flash-page"), *png = media ("flash-page-1.png");
  WsTestRun r = WS_TEST_RUN ("check", "--no-progress", "--pse-certificate", pdf,
      flash);
  char *text, *hash = sha256_of (flash), *version;
  cairo_surface_t *page;
  const guint8 *px;
  int stride;

  ck_assert_msg (r.status == 1, "exit %d: %s", r.status, r.err);
  text = pdf_text (pdf);
  version = g_strdup_printf ("watershed %s", WS_VERSION);
  {
    const char *needles[] = { "Photosensitive epilepsy test certificate",
      "FAIL", "The Flashing Test", hash, "ITU-R BT.1702-3", "Transfer function",
      "00:00:08:00", "320 x 180", "200 frames", "luminance", "00:00:02:00",
      version, "Incidents" };

    for (gsize i = 0; i < G_N_ELEMENTS (needles); i++)
      ck_assert_msg (strstr (text, needles[i]) != NULL, "no \"%s\" in:\n%s",
          needles[i], text);
  }
  ck_assert_int_eq (pdf_pages (pdf), 1);

  /* rendered by poppler: the verdict banner is red, the page white */
  {
    WsTestRun conv = ws_test_run ("pdftoppm",
        (const char *const[]){ "-r", "50", "-png", "-f", "1", "-l", "1", pdf,
            prefix, NULL });

    ck_assert_msg (conv.status == 0, "pdftoppm: %s", conv.err);
    ws_test_run_clear (&conv);
  }
  page = cairo_image_surface_create_from_png (png);
  ck_assert_int_eq (cairo_surface_status (page), CAIRO_STATUS_SUCCESS);
  /* A4 (595 x 842 pt) at 50 dpi: 413.2 x 584.7 pixels, rounded up */
  ck_assert_int_eq (cairo_image_surface_get_width (page), 414);
  ck_assert_int_eq (cairo_image_surface_get_height (page), 585);
  px = cairo_image_surface_get_data (page);
  stride = cairo_image_surface_get_stride (page);
  {
    /* the banner at about (60 pt, 115 pt); a margin at (10 pt, 10 pt) */
    const guint8 *banner = px + (int) (115 * 50 / 72.0) * stride +
                           (int) (60 * 50 / 72.0) * 4;
    const guint8 *margin = px + 7 * stride + 7 * 4;

    /* cairo's ARGB32 in memory, little endian: B G R A */
    ck_assert_msg (banner[2] > 170 && banner[1] < 70 && banner[0] < 70,
        "banner pixel %d,%d,%d is not red", banner[2], banner[1], banner[0]);
    ck_assert (margin[0] == 255 && margin[1] == 255 && margin[2] == 255);
  }
  cairo_surface_destroy (page);
  g_unlink (png);

  /* a second run replaces its own certificate */
  ws_test_run_clear (&r);
  r = WS_TEST_RUN ("check", "--no-progress", "--pse-certificate", pdf, flash);
  ck_assert_msg (r.status == 1, "exit %d: %s", r.status, r.err);
  ck_assert (ws_report_is_ours (pdf, WS_REPORT_PDF));

  g_unlink (pdf);
  g_free (version);
  g_free (text);
  g_free (hash);
  g_free (prefix);
  g_free (png);
  ws_test_run_clear (&r);
  g_free (flash);
  g_free (pdf);
}
END_TEST

START_TEST (test_pse_certificate_page_per_file)
{
  char *flash = media ("flash.mp4"), *steady = media ("steady.mp4");
  char *broken = media ("broken.mp4"), *pdf = media ("batch-cert.pdf");
  WsTestRun r = WS_TEST_RUN ("check", "--no-progress", "--pse-certificate", pdf,
      steady, flash, broken);
  char *text;

  ck_assert_msg (r.status == 2, "exit %d: %s", r.status, r.err);
  ck_assert_int_eq (pdf_pages (pdf), 3);
  text = pdf_text (pdf);
  ck_assert_msg (strstr (text, "PASS") && strstr (text, "FAIL") &&
                     strstr (text, "NOT TESTED") &&
                     strstr (text, "None: no flashing") &&
                     strstr (text, "certificate 3 of 3"),
      "%s", text);
  g_unlink (pdf);
  g_free (text);
  ws_test_run_clear (&r);
  g_free (flash);
  g_free (steady);
  g_free (broken);
  g_free (pdf);
}
END_TEST

START_TEST (test_pse_certificate_never_replaces_foreign_file)
{
  char *flash = media ("flash.mp4"), *pdf = media ("someone-else.pdf");
  static const char foreign[] = "%PDF-1.4\n% not ours\n";
  char *after = NULL;
  WsTestRun r;

  ck_assert (g_file_set_contents (pdf, foreign, -1, NULL));
  ck_assert (!ws_report_is_ours (pdf, WS_REPORT_PDF));
  r = WS_TEST_RUN ("check", "--no-progress", "--pse-certificate", pdf, flash);
  ck_assert_msg (r.status == 2, "exit %d", r.status);
  ck_assert_msg (strstr (r.err, "--pse-certificate") &&
                     strstr (r.err, "not a PSE certificate (PDF) report"),
      "%s", r.err);
  ck_assert (g_file_get_contents (pdf, &after, NULL, NULL));
  ck_assert_str_eq (after, foreign);
  g_free (after);
  g_unlink (pdf);
  ws_test_run_clear (&r);
  g_free (flash);
  g_free (pdf);
}
END_TEST

/* The transfer function the verdict assumed, from the stream: HDR PQ;
 * the same certificate again through report merge. */
START_TEST (test_pse_certificate_names_the_transfer)
{
  char *pq = media ("pq.mp4"), *pdf = media ("pq-cert.pdf");
  char *part = media ("pq-part.json"), *merged = media ("pq-merged.pdf");
  WsTestRun r = WS_TEST_RUN ("check", "--no-progress", "--pse-certificate", pdf,
      pq);
  char *text, *text_merged;

  ck_assert_msg (r.status != 2, "exit %d: %s", r.status, r.err);
  text = pdf_text (pdf);
  ck_assert_msg (strstr (text, "SMPTE ST 2084") &&
                     strstr (text, "2020 primaries") &&
                     strstr (text, "10-bit") && !strstr (text, "ASSUMED"),
      "%s", text);
  ws_test_run_clear (&r);

  /* one shard of one, merged: the certificate says the same */
  r = WS_TEST_RUN ("check", "--no-progress", "--shard", "0/1", "--keep-plots",
      "--json", pq);
  ck_assert_msg (r.status != 2, "exit %d: %s", r.status, r.err);
  ck_assert (g_file_set_contents (part, r.out, -1, NULL));
  ws_test_run_clear (&r);
  r = WS_TEST_RUN ("report", "merge", part, "--pse-certificate", merged);
  ck_assert_msg (r.status != 2, "exit %d: %s", r.status, r.err);
  text_merged = pdf_text (merged);
  ck_assert_msg (strstr (text_merged, "SMPTE ST 2084") &&
                     strstr (text_merged, "2020 primaries") &&
                     strstr (text_merged, "10-bit"),
      "%s", text_merged);
  g_unlink (pdf);
  g_unlink (part);
  g_unlink (merged);
  g_free (text);
  g_free (text_merged);
  ws_test_run_clear (&r);
  g_free (pq);
  g_free (pdf);
  g_free (part);
  g_free (merged);
}
END_TEST

/* The incidents of a merged certificate (one shard of one, kept plots) are
 * those of the single run's, value for value. */
static char *
incidents_of (const char *text)
{
  const char *a = strstr (text, "Incidents");
  const char *b = a ? strstr (a, "watershed " WS_VERSION ", PSE") : NULL;

  ck_assert_msg (a != NULL && b != NULL, "%s", text);
  return g_strndup (a, (gsize) (b - a));
}

START_TEST (test_pse_certificate_merged_equals_single)
{
  char *flash = media ("flash.mp4"), *pdf = media ("single.pdf");
  char *part = media ("flash-part.json"), *merged = media ("merged.pdf");
  char *text, *text_merged, *inc, *inc_merged;
  WsTestRun r = WS_TEST_RUN ("check", "--no-progress", "--pse-certificate", pdf,
      flash);

  ck_assert_int_eq (r.status, 1);
  ws_test_run_clear (&r);
  r = WS_TEST_RUN ("check", "--no-progress", "--shard", "0/1", "--keep-plots",
      "--json", flash);
  ck_assert_int_eq (r.status, 1);
  ck_assert (g_file_set_contents (part, r.out, -1, NULL));
  ws_test_run_clear (&r);
  r = WS_TEST_RUN ("report", "merge", part, "--pse-certificate", merged);
  ck_assert_msg (r.status == 1, "exit %d: %s", r.status, r.err);
  text = pdf_text (pdf);
  text_merged = pdf_text (merged);
  inc = incidents_of (text);
  inc_merged = incidents_of (text_merged);
  ck_assert_str_eq (inc_merged, inc);
  ck_assert_msg (strstr (text_merged, "The Flashing Test") != NULL, "%s",
      text_merged);
  g_unlink (pdf);
  g_unlink (part);
  g_unlink (merged);
  g_free (inc);
  g_free (inc_merged);
  g_free (text);
  g_free (text_merged);
  ws_test_run_clear (&r);
  g_free (flash);
  g_free (pdf);
  g_free (part);
  g_free (merged);
}
END_TEST

/* Built in memory: 150 incidents need continuation pages, each with the
 * table's header again, and every incident is listed. */
START_TEST (test_pse_certificate_continuation_pages)
{
  WsCheckFile f = { 0 };
  WsCheckOptions opts = { 0 };
  WsReportEntry entry = { &f, 0, 1.0 };
  guint counts[8] = { 0 };
  WsReportRun run = { &entry, 1, counts, 1, &opts, NULL, WS_VERSION, "test",
    "host" };
  GError *error = NULL;
  GBytes *pdf;
  char *path = media ("many.pdf"), *text;

  f.path = media ("flash.mp4");
  f.status = WS_CHECK_FAIL;
  f.has_video = TRUE;
  f.width = 320;
  f.height = 180;
  f.frame_rate = 25.0;
  f.duration_s = 600.0;
  f.flash_sample_step = 2;
  f.flash_status = WS_CHECK_FAIL;
  f.ratings = g_ptr_array_new ();
  f.loudness_series = g_array_new (FALSE, FALSE, sizeof (WsCheckLoudnessPoint));
  f.risk_series = g_array_new (FALSE, FALSE, sizeof (WsCheckRiskPoint));
  f.flash_incidents = g_array_new (FALSE, TRUE, sizeof (WsFlashIncident));
  for (int i = 0; i < 150; i++) {
    WsFlashIncident inc = { i % 2 ? WS_FLASH_KIND_RED : WS_FLASH_KIND_LUMINANCE,
      WS_FLASH_VERDICT_FAIL, 0, (gint64) (i * 4) * 1000000000,
      (gint64) (i * 4 + 1) * 1000000000, 5.0, 0.5, 1.5 };
    WsCheckRiskPoint pt = { i * 4.0, 1.5, 0.2 };

    g_array_append_val (f.flash_incidents, inc);
    g_array_append_val (f.risk_series, pt);
  }
  pdf = ws_report_pse_pdf (&run, &error);
  ck_assert_msg (pdf != NULL, "%s", error ? error->message : "");
  ck_assert (g_file_set_contents (path, g_bytes_get_data (pdf, NULL),
      (gssize) g_bytes_get_size (pdf), NULL));
  ck_assert_int_ge (pdf_pages (path), 3);
  text = pdf_text (path);
  /* the last incident: 596 s = 00:09:56:00, and the header repeated */
  ck_assert_msg (strstr (text, "00:09:56:00") != NULL, "%s", text);
  ck_assert_msg (strstr (text, "(continued)") != NULL, "%s", text);
  ck_assert_msg (strstr (text, "150 ") != NULL, "%s", text);

  g_free (text);
  g_bytes_unref (pdf);
  g_unlink (path);
  g_free (path);
  g_free (f.path);
  g_ptr_array_unref (f.ratings);
  g_array_unref (f.loudness_series);
  g_array_unref (f.risk_series);
  g_array_unref (f.flash_incidents);
}
END_TEST

static Suite *
pse_suite (void)
{
  Suite *s = suite_create ("pse_certificate");
  TCase *tc = tcase_create ("core");

  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_pse_certificate_fail_renders_and_says_why);
  tcase_add_test (tc, test_pse_certificate_page_per_file);
  tcase_add_test (tc, test_pse_certificate_never_replaces_foreign_file);
  tcase_add_test (tc, test_pse_certificate_continuation_pages);
  tcase_add_test (tc, test_pse_certificate_names_the_transfer);
  tcase_add_test (tc, test_pse_certificate_merged_equals_single);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  static const char *const tools[] = { "ffmpeg", "pdftoppm", "pdftotext",
    "pdfinfo", NULL };
  int status = ws_test_media_main (tools, "ws-pse-XXXXXX", &tmp_dir, make_media,
      pse_suite);

  return status;
}
