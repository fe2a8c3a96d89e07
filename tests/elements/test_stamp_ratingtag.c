/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Round trip: what ws_stamp_file() writes into a Matroska file that
 * GStreamer's matroskamux made, ratingtag reads back after matroskademux,
 * for every territory; and the iTunEXTC item it writes into an MP4 that
 * mp4mux made, after qtdemux (which drops the item itself: ratingtag reads
 * the upstream file's own bytes through the library reader). */
#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>

#include "ws-metadata.h"
#include "ws-stamp.h"

static char *tmp_dir;

static void
run_to_eos (GstElement *pipeline, GPtrArray *messages)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  gboolean done = FALSE;

  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
               GST_STATE_CHANGE_FAILURE);
  while (!done) {
    GstMessage *m = gst_bus_timed_pop (bus, 30 * GST_SECOND);

    fail_unless (m != NULL, "no EOS within 30 s");
    switch (GST_MESSAGE_TYPE (m)) {
      case GST_MESSAGE_EOS:
        done = TRUE;
        break;
      case GST_MESSAGE_ERROR: {
        GError *e = NULL;

        gst_message_parse_error (m, &e, NULL);
        fail ("pipeline error: %s", e->message);
        break;
      }
      case GST_MESSAGE_ELEMENT:
        if (messages != NULL &&
            gst_structure_has_name (gst_message_get_structure (m), "ratingtag"))
          g_ptr_array_add (messages,
              gst_structure_copy (gst_message_get_structure (m)));
        break;
      default:
        break;
    }
    gst_message_unref (m);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
}

static void
launch (const char *description, GPtrArray *messages)
{
  GError *error = NULL;
  GstElement *p = gst_parse_launch (description, &error);

  fail_unless (p != NULL, "%s: %s", description, error ? error->message : "");
  run_to_eos (p, messages);
  gst_object_unref (p);
}

static WsRating *
rating (const WsRatingRegistry *reg, const char *name, const char *cc)
{
  WsRating *r = ws_rating_new ();

  ws_rating_set_resolved (r, ws_rating_registry_parse (reg, name, NULL));
  r->territory = g_strdup (cc);
  return r;
}

GST_START_TEST (test_stamp_matroska_ratingtag_round_trip)
{
  static const char *const cases[][3] = { { "GB", "bbfc:15", "15" },
    { "DE", "fsk:16", "16" }, { "FR", "csa:-16", "16" } };
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  char *in = g_build_filename (tmp_dir, "gst.mkv", NULL);
  char *out = g_build_filename (tmp_dir, "gst-rated.mkv", NULL);
  char *desc;
  WsStampRequest req = { reg, NULL, NULL, NULL };
  WsStampContainer c;
  GError *error = NULL;

  fail_unless (reg != NULL);
  desc = g_strdup_printf ("videotestsrc num-buffers=10 ! "
                          "video/x-raw,width=64,height=48,framerate=10/1 ! "
                          "x264enc ! h264parse ! matroskamux ! "
                          "filesink location=%s",
      in);
  launch (desc, NULL);
  g_free (desc);

  req.ratings = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_rating_free);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_ptr_array_add (req.ratings, rating (reg, cases[i][1], cases[i][0]));
  fail_unless (ws_stamp_file (in, out, &req, &c, &error), "%s",
      error ? error->message : "");
  fail_unless_equals_int (c, WS_STAMP_CONTAINER_MATROSKA);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    GPtrArray *msgs = g_ptr_array_new_with_free_func (
        (GDestroyNotify) gst_structure_free);
    const GstStructure *s;
    int age = 0;

    desc = g_strdup_printf ("filesrc location=%s ! matroskademux ! "
                            "ratingtag territory=%s post-messages=true ! "
                            "fakesink",
        out, cases[i][0]);
    launch (desc, msgs);
    g_free (desc);
    fail_unless (msgs->len >= 1, "no ratingtag message for %s", cases[i][0]);
    s = g_ptr_array_index (msgs, 0);
    fail_unless_equals_string (gst_structure_get_string (s, "rating"),
        cases[i][1]);
    fail_unless_equals_string (gst_structure_get_string (s, "territory"),
        cases[i][0]);
    fail_unless_equals_string (gst_structure_get_string (s, "source"),
        "matroska");
    fail_unless (gst_structure_get_int (s, "minimum-age", &age));
    fail_unless_equals_int (age, atoi (cases[i][2]));
    g_ptr_array_free (msgs, TRUE);
  }
  /* the stamped file still seeks (its Cues and SeekHead are intact) */
  {
    char *d = g_strdup_printf ("filesrc location=%s ! matroskademux ! "
                               "fakesink sync=false",
        out);
    GstElement *p = gst_parse_launch (d, NULL);
    GstBus *bus = gst_element_get_bus (p);
    GstMessage *m;

    fail_unless (gst_element_set_state (p, GST_STATE_PAUSED) !=
                 GST_STATE_CHANGE_FAILURE);
    fail_unless (gst_element_get_state (p, NULL, NULL, 10 * GST_SECOND) ==
                 GST_STATE_CHANGE_SUCCESS);
    while ((m = gst_bus_pop (bus)) != NULL) /* the preroll's messages */
      gst_message_unref (m);
    fail_unless (gst_element_seek_simple (p, GST_FORMAT_TIME,
        GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT, GST_SECOND / 2));
    m = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND,
        GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_ERROR);
    fail_unless (m != NULL && GST_MESSAGE_TYPE (m) == GST_MESSAGE_ASYNC_DONE);
    gst_message_unref (m);
    gst_element_set_state (p, GST_STATE_NULL);
    gst_object_unref (bus);
    gst_object_unref (p);
    g_free (d);
  }
  g_ptr_array_free (req.ratings, TRUE);
  g_unlink (in);
  g_unlink (out);
  g_free (in);
  g_free (out);
}
GST_END_TEST;

GST_START_TEST (test_stamp_mp4_ratingtag_round_trip)
{
  static const char *const cases[][3] = { { "GB", "bbfc:15", "15" },
    { "US", "mpa:R", "17" }, { "DE", "fsk:16", "16" } };
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  char *in = g_build_filename (tmp_dir, "gst.mp4", NULL);
  char *desc;

  fail_unless (reg != NULL);
  desc = g_strdup_printf ("videotestsrc num-buffers=10 ! "
                          "video/x-raw,width=64,height=48,framerate=10/1 ! "
                          "x264enc ! h264parse ! mp4mux ! "
                          "filesink location=%s",
      in);
  launch (desc, NULL);
  g_free (desc);

  /* iTunEXTC carries one rating: one stamped file per territory */
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    char *out = g_build_filename (tmp_dir, "gst-rated.mp4", NULL);
    WsStampRequest req = { reg, NULL, NULL, NULL };
    GPtrArray *msgs = g_ptr_array_new_with_free_func (
        (GDestroyNotify) gst_structure_free);
    WsStampContainer c;
    GError *error = NULL;
    const GstStructure *s;
    int age = 0;

    req.ratings = g_ptr_array_new_with_free_func (
        (GDestroyNotify) ws_rating_free);
    g_ptr_array_add (req.ratings, rating (reg, cases[i][1], cases[i][0]));
    fail_unless (ws_stamp_file (in, out, &req, &c, &error), "%s: %s",
        cases[i][1], error ? error->message : "");
    fail_unless_equals_int (c, WS_STAMP_CONTAINER_MP4);
    desc = g_strdup_printf ("filesrc location=%s ! qtdemux ! "
                            "ratingtag territory=%s post-messages=true ! "
                            "fakesink",
        out, cases[i][0]);
    launch (desc, msgs);
    g_free (desc);
    fail_unless (msgs->len >= 1, "no ratingtag message for %s", cases[i][0]);
    s = g_ptr_array_index (msgs, 0);
    fail_unless_equals_string (gst_structure_get_string (s, "rating"),
        cases[i][1]);
    fail_unless_equals_string (gst_structure_get_string (s, "territory"),
        cases[i][0]);
    fail_unless_equals_string (gst_structure_get_string (s, "source"), "mp4");
    fail_unless (gst_structure_get_int (s, "minimum-age", &age));
    fail_unless_equals_int (age, atoi (cases[i][2]));
    g_ptr_array_free (msgs, TRUE);
    g_ptr_array_free (req.ratings, TRUE);
    g_unlink (out);
    g_free (out);
  }
  g_unlink (in);
  g_free (in);
}
GST_END_TEST;

static Suite *
stamp_ratingtag_suite (void)
{
  Suite *s = suite_create ("stamp-ratingtag");
  TCase *tc = tcase_create ("matroska");

  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_stamp_matroska_ratingtag_round_trip);
  suite_add_tcase (s, tc);
  tc = tcase_create ("mp4");
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_stamp_mp4_ratingtag_round_trip);
  suite_add_tcase (s, tc);
  return s;
}

int
main (int argc, char **argv)
{
  int failed;

  gst_check_init (&argc, &argv);
  tmp_dir = g_dir_make_tmp ("ws-stamp-gst-XXXXXX", NULL);
  if (tmp_dir == NULL)
    return 1;
  failed = gst_check_run_suite (stamp_ratingtag_suite (), "stamp-ratingtag",
      __FILE__);
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return failed;
}
