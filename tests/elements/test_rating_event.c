/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The rating event and tags (DESIGN.md contract 1): round trips. */
#include <gst/check/gstcheck.h>

#include "ws-element.h"
#include "ws-rating-event.h"
#include "ws-rating.h"

static WsRating *
sample_rating (void)
{
  WsRating *r = ws_rating_new ();

  r->system = g_strdup ("bbfc");
  r->code = g_strdup ("15");
  r->minimum_age = 15;
  r->territory = g_strdup ("GB");
  r->programme = g_strdup ("crid://example.com/p1");
  g_ptr_array_add (r->descriptors, g_strdup ("language"));
  g_ptr_array_add (r->descriptors, g_strdup ("violence"));
  ws_rating_add_text (r, "en", "long", "Contains strong language");
  ws_rating_add_text (r, "cy", NULL, "Yn cynnwys iaith gref");
  return r;
}

GST_START_TEST (test_rating_event_round_trip)
{
  WsRating *r = sample_rating (), *back;
  GstEvent *ev = ws_rating_event_new (r, "sidecar-segment");
  const GstStructure *s = gst_event_get_structure (ev);
  char *source = NULL;
  const WsGuidanceText *t;
  int age;

  fail_unless_equals_int (GST_EVENT_TYPE (ev),
      GST_EVENT_CUSTOM_DOWNSTREAM_STICKY);
  fail_unless (GST_EVENT_IS_STICKY (ev));
  fail_unless (ws_rating_event_is (ev));
  fail_unless (gst_structure_has_name (s, "watershed-rating"));
  fail_unless_equals_string (gst_structure_get_string (s, "rating"), "bbfc:15");
  fail_unless (gst_structure_get_int (s, "minimum-age", &age));
  fail_unless_equals_int (age, 15);

  back = ws_rating_event_parse (ev, &source);
  fail_unless (back != NULL);
  fail_unless_equals_string (source, "sidecar-segment");
  fail_unless_equals_string (back->system, "bbfc");
  fail_unless_equals_string (back->code, "15");
  fail_unless_equals_int (back->minimum_age, 15);
  fail_unless_equals_string (back->territory, "GB");
  fail_unless_equals_string (back->programme, "crid://example.com/p1");
  fail_unless_equals_int (back->descriptors->len, 2);
  fail_unless_equals_string (g_ptr_array_index (back->descriptors, 1),
      "violence");
  fail_unless_equals_int (back->texts->len, 2);
  t = g_ptr_array_index (back->texts, 0);
  fail_unless_equals_string (t->lang, "en");
  fail_unless_equals_string (t->length, "long");
  fail_unless_equals_string (t->text, "Contains strong language");
  t = g_ptr_array_index (back->texts, 1);
  fail_unless_equals_string (t->lang, "cy");
  fail_unless (t->length == NULL);

  g_free (source);
  ws_rating_free (back);
  ws_rating_free (r);
  gst_event_unref (ev);
}
GST_END_TEST;

/* An application may send only "rating"; unknown age means fail closed. */
GST_START_TEST (test_rating_event_minimal_from_application)
{
  GstEvent *ev = gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM_STICKY,
      gst_structure_new ("watershed-rating", "rating", G_TYPE_STRING, "csa:-16",
          NULL));
  WsRating *r = ws_rating_event_parse (ev, NULL);

  fail_unless (r != NULL);
  fail_unless_equals_string (r->system, "csa");
  fail_unless_equals_string (r->code, "-16");
  fail_unless_equals_int (r->minimum_age, -1);
  fail_unless_equals_int (r->descriptors->len, 0);
  ws_rating_free (r);
  gst_event_unref (ev);

  ev = gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM_STICKY,
      gst_structure_new_empty ("something-else"));
  fail_unless (!ws_rating_event_is (ev));
  fail_unless (ws_rating_event_parse (ev, NULL) == NULL);
  gst_event_unref (ev);
  ev = gst_event_new_eos ();
  fail_unless (!ws_rating_event_is (ev));
  gst_event_unref (ev);
}
GST_END_TEST;

GST_START_TEST (test_rating_event_tags)
{
  WsRating *r = sample_rating ();
  GstTagList *tags = ws_rating_to_tag_list (r);
  char *s = NULL;
  int age = 0;

  fail_unless_equals_int (gst_tag_list_get_scope (tags), GST_TAG_SCOPE_STREAM);
  fail_unless (gst_tag_list_get_string (tags, WS_TAG_RATING, &s));
  fail_unless_equals_string (s, "bbfc:15");
  g_free (s);
  fail_unless (gst_tag_list_get_int (tags, WS_TAG_MINIMUM_AGE, &age));
  fail_unless_equals_int (age, 15);
  fail_unless (gst_tag_list_get_string (tags, WS_TAG_RATING_TERRITORY, &s));
  fail_unless_equals_string (s, "GB");
  g_free (s);
  fail_unless_equals_int (gst_tag_list_get_tag_size (tags, WS_TAG_RATING_TEXT),
      2);
  fail_unless (gst_tag_list_get_string_index (tags, WS_TAG_RATING_TEXT, 0, &s));
  fail_unless_equals_string (s, "en: Contains strong language");
  g_free (s);
  fail_unless_equals_int (gst_tag_list_get_tag_size (tags,
                              WS_TAG_RATING_DESCRIPTORS),
      2);
  fail_unless (gst_tag_exists (WS_TAG_RATING));
  fail_unless_equals_int (gst_tag_get_type (WS_TAG_MINIMUM_AGE), G_TYPE_INT);
  gst_tag_list_unref (tags);
  ws_rating_free (r);
}
GST_END_TEST;

/* A sticky rating event is stored on the pad by name: a newer one
 * replaces the older, and other custom events do not disturb it. */
GST_START_TEST (test_rating_event_sticky_replaces)
{
  GstPad *src = gst_pad_new ("src", GST_PAD_SRC);
  GstPad *sink = gst_pad_new ("sink", GST_PAD_SINK);
  WsRating *r = sample_rating ();
  GstEvent *got;
  WsRating *back;

  gst_pad_set_active (src, TRUE);
  gst_pad_set_active (sink, TRUE);
  fail_unless_equals_int (gst_pad_link (src, sink), GST_PAD_LINK_OK);
  gst_pad_push_event (src, gst_event_new_stream_start ("s"));
  gst_pad_push_event (src, ws_rating_event_new (r, NULL));
  g_free (r->code);
  r->code = g_strdup ("18");
  r->minimum_age = 18;
  gst_pad_push_event (src, ws_rating_event_new (r, NULL));
  gst_pad_push_event (src, ws_break_end_event_new ());

  got = gst_pad_get_sticky_event (sink, GST_EVENT_CUSTOM_DOWNSTREAM_STICKY, 0);
  fail_unless (got != NULL);
  back = ws_rating_event_parse (got, NULL);
  fail_unless_equals_string (back->code, "18");
  fail_unless (gst_pad_get_sticky_event (sink,
                   GST_EVENT_CUSTOM_DOWNSTREAM_STICKY, 1) == NULL);
  ws_rating_free (back);
  gst_event_unref (got);
  ws_rating_free (r);
  gst_pad_set_active (src, FALSE);
  gst_pad_set_active (sink, FALSE);
  gst_object_unref (src);
  gst_object_unref (sink);
}
GST_END_TEST;

GST_START_TEST (test_rating_event_guidance_events)
{
  GstEvent *brk = ws_break_end_event_new ();
  GstEvent *start = ws_programme_start_event_new ();

  fail_unless (ws_event_has_name (brk, WS_BREAK_END_EVENT_NAME));
  fail_unless (!ws_event_has_name (brk, WS_PROGRAMME_START_EVENT_NAME));
  fail_unless (ws_event_has_name (start, WS_PROGRAMME_START_EVENT_NAME));
  fail_unless (!GST_EVENT_IS_STICKY (brk));
  fail_unless (!ws_rating_event_is (brk));
  gst_event_unref (brk);
  gst_event_unref (start);
}
GST_END_TEST;

/* Every bus message of ours starts with the timing quartet, in order. */
GST_START_TEST (test_element_timed_structure)
{
  static const char *const quartet[] = { "timestamp", "stream-time",
    "running-time", "duration" };
  GstSegment segment;
  GstStructure *s;
  guint64 v;

  gst_segment_init (&segment, GST_FORMAT_TIME);
  segment.start = 2 * GST_SECOND;
  segment.time = 10 * GST_SECOND;
  segment.base = GST_SECOND;
  s = ws_timed_structure_new_from_segment ("ratinggate", &segment,
      3 * GST_SECOND, 40 * GST_MSECOND);
  fail_unless (gst_structure_has_name (s, "ratinggate"));
  for (guint i = 0; i < G_N_ELEMENTS (quartet); i++)
    fail_unless_equals_string (gst_structure_nth_field_name (s, i), quartet[i]);
  fail_unless (gst_structure_get_uint64 (s, "timestamp", &v));
  fail_unless_equals_uint64 (v, 3 * GST_SECOND);
  fail_unless (gst_structure_get_uint64 (s, "stream-time", &v));
  fail_unless_equals_uint64 (v, 11 * GST_SECOND);
  fail_unless (gst_structure_get_uint64 (s, "running-time", &v));
  fail_unless_equals_uint64 (v, 2 * GST_SECOND);
  fail_unless (gst_structure_get_uint64 (s, "duration", &v));
  fail_unless_equals_uint64 (v, 40 * GST_MSECOND);
  gst_structure_free (s);

  /* no timestamp, or not a TIME segment: the times are unknown */
  gst_segment_init (&segment, GST_FORMAT_BYTES);
  s = ws_timed_structure_new_from_segment ("flashdetect", &segment, GST_SECOND,
      GST_CLOCK_TIME_NONE);
  fail_unless (gst_structure_get_uint64 (s, "running-time", &v));
  fail_unless_equals_uint64 (v, GST_CLOCK_TIME_NONE);
  gst_structure_free (s);
}
GST_END_TEST;

/* An application's `watershed-rating` event for bbfc:18 whose
 * support-topics field is @field (taken): its topics read back, joined
 * with ',', are @expected. */
static void
check_application_topics (GValue *field, const char *expected)
{
  GstStructure *s = gst_structure_new ("watershed-rating", "rating",
      G_TYPE_STRING, "bbfc:18", NULL);
  GstEvent *ev;
  WsRating *back;
  GString *got = g_string_new (NULL);

  gst_structure_take_value (s, "support-topics", field);
  ev = gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM_STICKY, s);
  back = ws_rating_event_parse (ev, NULL);
  fail_unless (back != NULL);
  for (guint i = 0; i < back->support_topics->len; i++)
    g_string_append_printf (got, "%s%s", i ? "," : "",
        (const char *) g_ptr_array_index (back->support_topics, i));
  fail_unless_equals_string (got->str, expected);
  g_string_free (got, TRUE);
  ws_rating_free (back);
  gst_event_unref (ev);
}

/* support-topics (issue #17): optional; present only when the rating names
 * topics; read back in order; junk an application puts there is skipped. */
GST_START_TEST (test_rating_event_support_topics)
{
  WsRating *r = sample_rating (), *back;
  GstEvent *ev = ws_rating_event_new (r, NULL);
  const GValue *v;
  GValue arr = G_VALUE_INIT, item = G_VALUE_INIT;

  /* none named: the field is absent, as before */
  fail_unless (!gst_structure_has_field (gst_event_get_structure (ev),
      "support-topics"));
  back = ws_rating_event_parse (ev, NULL);
  fail_unless_equals_int (back->support_topics->len, 0);
  ws_rating_free (back);
  gst_event_unref (ev);

  g_ptr_array_add (r->support_topics, g_strdup ("suicide-self-harm"));
  g_ptr_array_add (r->support_topics, g_strdup ("abuse"));
  ev = ws_rating_event_new (r, NULL);
  v = gst_structure_get_value (gst_event_get_structure (ev), "support-topics");
  fail_unless (v != NULL && GST_VALUE_HOLDS_ARRAY (v));
  fail_unless_equals_int (gst_value_array_get_size (v), 2);
  fail_unless_equals_string (g_value_get_string (
                                 gst_value_array_get_value (v, 0)),
      "suicide-self-harm");
  back = ws_rating_event_parse (ev, NULL);
  fail_unless (ws_rating_equal (r, back));
  fail_unless_equals_string (g_ptr_array_index (back->support_topics, 1),
      "abuse");
  ws_rating_free (back);
  gst_event_unref (ev);

  /* from an application: an empty string and a repeat skipped */
  g_value_init (&arr, GST_TYPE_ARRAY);
  g_value_init (&item, G_TYPE_STRING);
  g_value_set_string (&item, "addiction");
  gst_value_array_append_value (&arr, &item);
  g_value_set_string (&item, "");
  gst_value_array_append_value (&arr, &item);
  g_value_set_string (&item, "addiction");
  gst_value_array_append_value (&arr, &item);
  g_value_unset (&item);
  check_application_topics (&arr, "addiction");

  /* one topic as a plain string is taken (gst-launch style) */
  g_value_init (&item, G_TYPE_STRING);
  g_value_set_string (&item, "abuse");
  check_application_topics (&item, "abuse");

  /* an array of ints is not a topic list */
  g_value_init (&arr, GST_TYPE_ARRAY);
  g_value_init (&item, G_TYPE_INT);
  g_value_set_int (&item, 7);
  gst_value_array_append_value (&arr, &item);
  g_value_unset (&item);
  check_application_topics (&arr, "");
  ws_rating_free (r);
}
GST_END_TEST;

static Suite *
rating_event_suite (void)
{
  Suite *s = suite_create ("rating-event");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_rating_event_round_trip);
  tcase_add_test (tc, test_rating_event_minimal_from_application);
  tcase_add_test (tc, test_rating_event_tags);
  tcase_add_test (tc, test_rating_event_sticky_replaces);
  tcase_add_test (tc, test_rating_event_guidance_events);
  tcase_add_test (tc, test_element_timed_structure);
  tcase_add_test (tc, test_rating_event_support_topics);
  return s;
}

GST_CHECK_MAIN (rating_event);
