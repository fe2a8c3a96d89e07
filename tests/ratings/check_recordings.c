/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tests of ratings/ws-recordings.h (the catalogue of recorded warning
 * announcements) and of ws_warning_plan() choosing from it. */
#include <check.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ws-error.h"
#include "ws-recordings.h"
#include "ws-warning.h"

#define HEAD "<recordings xmlns=\"urn:watershed:recordings:1\">\n"
#define TAIL "</recordings>\n"

static char *tmpdir;

static void
setup (void)
{
  tmpdir = g_dir_make_tmp ("ws-recordings-XXXXXX", NULL);
  ck_assert_ptr_nonnull (tmpdir);
}

static void
teardown (void)
{
  GDir *d = g_dir_open (tmpdir, 0, NULL);
  const char *n;

  while (d && (n = g_dir_read_name (d)) != NULL) {
    char *p = g_build_filename (tmpdir, n, NULL);
    g_remove (p);
    g_free (p);
  }
  if (d)
    g_dir_close (d);
  g_rmdir (tmpdir);
  g_free (tmpdir);
}

static char *
write_file (const char *name, const char *text)
{
  char *p = g_build_filename (tmpdir, name, NULL);
  ck_assert (g_file_set_contents (p, text, -1, NULL));
  return p;
}

static WsRating *
rating (const char *system, const char *code)
{
  WsRating *r = ws_rating_new ();
  r->system = g_strdup (system);
  r->code = g_strdup (code);
  return r;
}

static WsRecordings *
memory (const char *xml, GError **error)
{
  return ws_recordings_new_memory (xml, strlen (xml), "cat.xml", NULL, error);
}

START_TEST (test_recordings_find_most_specific)
{
  static const char xml[] = HEAD
      "<recording territory=\"GB\" xml:lang=\"en\" href=\"gb-any-en.wav\"/>\n"
      "<recording territory=\"gb\" rating=\"bbfc:15\" xml:lang=\"en\" "
      "href=\"gb-15-en.wav\"/>\n"
      "<recording territory=\"GB\" rating=\"bbfc:15\" xml:lang=\"en-GB\" "
      "href=\"gb-15-engb.wav\"/>\n"
      "<recording territory=\"GB\" rating=\"bbfc:15\" xml:lang=\"cy\" "
      "href=\"gb-15-cy.wav\"/>\n"
      "<recording territory=\"DE\" href=\"de-sting.wav\"/>\n"
      "<recording territory=\"FR\" rating=\"csa:-16\" xml:lang=\"fr\" "
      "href=\"https://media.example/fr-16.mp3\"/>\n" TAIL;
  GError *error = NULL;
  WsRecordings *rec = memory (xml, &error);
  WsRating *r15 = rating ("BBFC", "15"), *r18 = rating ("bbfc", "18");
  WsRating *fr = rating ("csa", "-16");

  ck_assert_msg (rec != NULL, "%s", error ? error->message : "?");
  ck_assert_uint_eq (ws_recordings_count (rec), 6);
  /* rating and exact tag; then rating and primary language */
  ck_assert_str_eq (ws_recordings_find (rec, "GB", r15, "en-GB"),
      "gb-15-engb.wav");
  ck_assert_str_eq (ws_recordings_find (rec, "gb", r15, "en"), "gb-15-en.wav");
  ck_assert_str_eq (ws_recordings_find (rec, "GB", r15, "en-US"),
      "gb-15-en.wav");
  ck_assert_str_eq (ws_recordings_find (rec, "GB", r15, "cy"), "gb-15-cy.wav");
  /* another rating: the territory's general one */
  ck_assert_str_eq (ws_recordings_find (rec, "GB", r18, "en"), "gb-any-en.wav");
  ck_assert_str_eq (ws_recordings_find (rec, "GB", NULL, "en"),
      "gb-any-en.wav");
  /* never in another language than the card's */
  ck_assert_ptr_null (ws_recordings_find (rec, "GB", r18, "cy"));
  ck_assert_ptr_null (ws_recordings_find (rec, "GB", r15, "fr"));
  /* no language on the entry: any card */
  ck_assert_str_eq (ws_recordings_find (rec, "DE", r18, "de"), "de-sting.wav");
  ck_assert_str_eq (ws_recordings_find (rec, "de", NULL, NULL), "de-sting.wav");
  /* a URI is kept as it is */
  ck_assert_str_eq (ws_recordings_find (rec, "FR", fr, "fr"),
      "https://media.example/fr-16.mp3");
  ck_assert_ptr_null (ws_recordings_find (rec, "FR", r15, "fr"));
  /* no territory, another territory */
  ck_assert_ptr_null (ws_recordings_find (rec, NULL, r15, "en"));
  ck_assert_ptr_null (ws_recordings_find (rec, "NL", r15, "en"));
  ws_recordings_free (rec);
  ws_rating_free (r15);
  ws_rating_free (r18);
  ws_rating_free (fr);
}
END_TEST

START_TEST (test_recordings_paths_from_the_catalogue)
{
  char *wav = write_file ("gb-15.wav", "RIFF");
  char *cat, *abs_cat;
  GError *error = NULL;
  WsRecordings *rec;
  WsRating *r15 = rating ("bbfc", "15");

  cat = write_file ("cat.xml",
      HEAD "<recording territory=\"GB\" rating=\"bbfc:15\" "
           "href=\"gb-15.wav\"/>\n" TAIL);
  rec = ws_recordings_new (cat, &error);
  ck_assert_msg (rec != NULL, "%s", error ? error->message : "?");
  /* relative to the catalogue's folder, made absolute */
  ck_assert_str_eq (ws_recordings_find (rec, "GB", r15, "en"), wav);
  ws_recordings_free (rec);

  /* an absolute path and a file: URI */
  abs_cat = g_strdup_printf (HEAD "<recording territory=\"GB\" href=\"%s\"/>\n"
                                  "<recording territory=\"DE\" "
                                  "href=\"file:///nonexistent/x.wav\"/>\n" TAIL,
      wav);
  g_free (cat);
  cat = write_file ("abs.xml", abs_cat);
  rec = ws_recordings_new (cat, &error);
  ck_assert_msg (rec != NULL, "%s", error ? error->message : "?");
  ck_assert_str_eq (ws_recordings_find (rec, "GB", r15, "en"), wav);
  ck_assert_str_eq (ws_recordings_find (rec, "DE", r15, "de"),
      "file:///nonexistent/x.wav");
  ws_recordings_free (rec);

  /* a local file that is not there: refused with the file, line, field */
  g_free (cat);
  cat = write_file ("missing.xml",
      HEAD "<recording territory=\"GB\" href=\"gb-15.wav\"/>\n"
           "<recording territory=\"DE\" href=\"de/missing.wav\"/>\n" TAIL);
  rec = ws_recordings_new (cat, &error);
  ck_assert_ptr_null (rec);
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_INVALID));
  ck_assert_msg (strstr (error->message, "missing.xml:3:") != NULL &&
                     strstr (error->message, "\"href\"") != NULL &&
                     strstr (error->message, "de/missing.wav") != NULL,
      "%s", error->message);
  g_clear_error (&error);
  /* a folder is not a recording */
  g_free (cat);
  cat = write_file ("dir.xml",
      HEAD "<recording territory=\"GB\" href=\".\"/>\n" TAIL);
  rec = ws_recordings_new (cat, &error);
  ck_assert_ptr_null (rec);
  g_clear_error (&error);
  /* a catalogue that is not there */
  rec = ws_recordings_new ("/nonexistent/cat.xml", &error);
  ck_assert_ptr_null (rec);
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_IO));
  g_clear_error (&error);

  ws_rating_free (r15);
  g_free (abs_cat);
  g_free (cat);
  g_free (wav);
}
END_TEST

START_TEST (test_recordings_errors_name_line_and_field)
{
  static const struct {
    const char *xml;
    WsError code;
    const char *message;
  } cases[] = {
    { HEAD "<recording territory=\"GBR\" href=\"a.wav\"/>\n" TAIL,
        WS_ERROR_INVALID, "cat.xml:2: <recording>: field \"territory\"" },
    { HEAD "<recording href=\"a.wav\"/>\n" TAIL, WS_ERROR_INVALID,
        "field \"territory\": \"(missing)\"" },
    { HEAD
        "<recording territory=\"GB\" rating=\"bbfc\" href=\"a.wav\"/>\n" TAIL,
        WS_ERROR_INVALID, "field \"rating\": \"bbfc\" is not SYSTEM:CODE" },
    { HEAD
        "<recording territory=\"GB\" rating=\"a:b:c\" href=\"a.wav\"/>\n" TAIL,
        WS_ERROR_INVALID, "field \"rating\"" },
    { HEAD
        "<recording territory=\"GB\" xml:lang=\"e n\" href=\"a.wav\"/>\n" TAIL,
        WS_ERROR_INVALID, "field \"xml:lang\"" },
    { HEAD "<recording territory=\"GB\"/>\n" TAIL, WS_ERROR_INVALID,
        "field \"href\" is missing" },
    { HEAD "<recording territory=\"GB\" href=\"a.wav\" gain=\"3\"/>\n" TAIL,
        WS_ERROR_INVALID, "unknown attribute \"gain\"" },
    { HEAD "<recording territory=\"GB\" href=\"a.wav\"><x/></recording>\n" TAIL,
        WS_ERROR_INVALID, "unexpected element <x>" },
    { HEAD "<voice territory=\"GB\" href=\"a.wav\"/>\n" TAIL, WS_ERROR_INVALID,
        "cat.xml:2: <recordings>: unexpected element <voice>" },
    { HEAD
        "<recording territory=\"GB\" xml:lang=\"en\" href=\"a.wav\"/>\n"
        "<recording territory=\"gb\" xml:lang=\"EN\" href=\"b.wav\"/>\n" TAIL,
        WS_ERROR_INVALID,
        "cat.xml:3: <recording>: the same territory, "
        "rating and language as line 2" },
    { "<recordings/>", WS_ERROR_UNKNOWN_FORMAT, "not a recordings catalogue" },
    { "<support xmlns=\"urn:watershed:support:1\"/>", WS_ERROR_UNKNOWN_FORMAT,
        "the root must be <recordings>" },
    { HEAD "<recording territory=\"GB\" href=\"a.wav\">", WS_ERROR_MALFORMED,
        "cat.xml:" },
    { "<!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>" HEAD TAIL,
        WS_ERROR_FORBIDDEN, "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    GError *error = NULL;
    WsRecordings *rec = memory (cases[i].xml, &error);
    ck_assert_msg (rec == NULL, "case %zu loaded", i);
    ck_assert_msg (g_error_matches (error, WS_ERROR, cases[i].code),
        "case %zu: %s (code %d)", i, error ? error->message : "?",
        error ? error->code : -1);
    ck_assert_msg (strstr (error->message, cases[i].message) != NULL,
        "case %zu: \"%s\" lacks \"%s\"", i, error->message, cases[i].message);
    g_clear_error (&error);
  }
}
END_TEST

START_TEST (test_recordings_limits)
{
  GString *big = g_string_new (HEAD);
  GError *error = NULL;
  WsRecordings *rec;
  char *huge;

  for (int i = 0; i <= WS_RECORDINGS_MAX_ENTRIES; i++)
    g_string_append_printf (big,
        "<recording territory=\"GB\" rating=\"s:%d\" href=\"a\"/>\n", i);
  g_string_append (big, TAIL);
  rec = ws_recordings_new_memory (big->str, big->len, "big.xml", NULL, &error);
  ck_assert_ptr_null (rec);
  ck_assert_msg (g_error_matches (error, WS_ERROR, WS_ERROR_TOO_LARGE), "%s",
      error->message);
  ck_assert (strstr (error->message, "more than 10000 recordings") != NULL);
  g_clear_error (&error);
  g_string_free (big, TRUE);

  huge = g_malloc0 (WS_RECORDINGS_MAX_BYTES + 2);
  memset (huge, ' ', WS_RECORDINGS_MAX_BYTES + 1);
  rec = ws_recordings_new_memory (huge, WS_RECORDINGS_MAX_BYTES + 1, NULL, NULL,
      &error);
  ck_assert_ptr_null (rec);
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_TOO_LARGE));
  ck_assert (strstr (error->message, "<memory>") != NULL);
  g_clear_error (&error);
  g_free (huge);
}
END_TEST

/* ws_warning_plan(): the recording in the card's language; a recording
 * named by the caller wins; none in that language: spoken. */
START_TEST (test_recordings_warning_plan)
{
  static const char xml[] = HEAD
      "<recording territory=\"GB\" rating=\"bbfc:15\" xml:lang=\"en\" "
      "href=\"gb-15.wav\"/>\n"
      "<recording territory=\"DE\" xml:lang=\"de\" href=\"de.wav\"/>\n" TAIL;
  GError *error = NULL;
  WsRecordings *rec = memory (xml, &error);
  WsRating *r15 = rating ("bbfc", "15");
  WsWarningRequest req = { 0 };
  WsWarning *w;

  ck_assert_msg (rec != NULL, "%s", error ? error->message : "?");
  req.rating = r15;
  req.recordings = rec;
  req.territory = "GB";
  req.speech = TRUE;
  w = ws_warning_plan (&req);
  ck_assert_int_eq (w->audio, WS_WARNING_AUDIO_FILE);
  ck_assert_str_eq (w->audio_file, "gb-15.wav");
  ck_assert_str_eq (w->language, "en");
  ws_warning_free (w);
  /* the card in German: no English recording for it */
  req.language = "de";
  req.text = "Die folgende Sendung ist nicht für Kinder geeignet.";
  req.territory = "GB";
  w = ws_warning_plan (&req);
  ck_assert_int_eq (w->audio, WS_WARNING_AUDIO_SPEECH);
  ck_assert_ptr_null (w->audio_file);
  ws_warning_free (w);
  req.territory = "DE";
  w = ws_warning_plan (&req);
  ck_assert_int_eq (w->audio, WS_WARNING_AUDIO_FILE);
  ck_assert_str_eq (w->audio_file, "de.wav");
  ws_warning_free (w);
  /* the caller's file wins */
  req.audio_file = "/srv/override.wav";
  w = ws_warning_plan (&req);
  ck_assert_str_eq (w->audio_file, "/srv/override.wav");
  ws_warning_free (w);
  /* no territory: no recording, the text is spoken */
  req.audio_file = NULL;
  req.territory = NULL;
  w = ws_warning_plan (&req);
  ck_assert_int_eq (w->audio, WS_WARNING_AUDIO_SPEECH);
  ws_warning_free (w);
  ws_recordings_free (rec);
  ws_rating_free (r15);
}
END_TEST

static Suite *
recordings_suite (void)
{
  Suite *s = suite_create ("recordings");
  TCase *tc = tcase_create ("core");

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_recordings_find_most_specific);
  tcase_add_test (tc, test_recordings_paths_from_the_catalogue);
  tcase_add_test (tc, test_recordings_errors_name_line_and_field);
  tcase_add_test (tc, test_recordings_limits);
  tcase_add_test (tc, test_recordings_warning_plan);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (recordings_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
