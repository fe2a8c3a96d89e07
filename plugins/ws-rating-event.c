/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "ws-rating-event.h"
#include "ws-rating.h"

#include <string.h>

static gpointer
register_tags (gpointer data)
{
  gst_tag_register_static (WS_TAG_RATING, GST_TAG_FLAG_META, G_TYPE_STRING,
      "age rating", "age rating as SYSTEM:CODE (bbfc:15)",
      gst_tag_merge_use_first);
  gst_tag_register_static (WS_TAG_MINIMUM_AGE, GST_TAG_FLAG_META, G_TYPE_INT,
      "minimum age",
      "minimum viewer age in years of the age rating "
      "(-1: unknown)",
      gst_tag_merge_use_first);
  gst_tag_register_static (WS_TAG_RATING_TERRITORY, GST_TAG_FLAG_META,
      G_TYPE_STRING, "rating territory",
      "ISO 3166-1 alpha-2 territory the age rating applies to",
      gst_tag_merge_use_first);
  gst_tag_register_static (WS_TAG_RATING_TEXT, GST_TAG_FLAG_META, G_TYPE_STRING,
      "rating guidance text",
      "viewer guidance text of the age rating, \"lang: text\"",
      gst_tag_merge_strings_with_comma);
  gst_tag_register_static (WS_TAG_RATING_DESCRIPTORS, GST_TAG_FLAG_META,
      G_TYPE_STRING, "rating descriptors",
      "content descriptors of the age rating",
      gst_tag_merge_strings_with_comma);
  return NULL;
}

void
ws_rating_tags_register (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, register_tags, NULL);
}

gboolean
ws_event_has_name (GstEvent *event, const char *name)
{
  const GstStructure *s;

  if (event == NULL)
    return FALSE;
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CUSTOM_DOWNSTREAM:
    case GST_EVENT_CUSTOM_DOWNSTREAM_STICKY:
    case GST_EVENT_CUSTOM_DOWNSTREAM_OOB:
    case GST_EVENT_CUSTOM_UPSTREAM:
    case GST_EVENT_CUSTOM_BOTH:
    case GST_EVENT_CUSTOM_BOTH_OOB:
      break;
    default:
      return FALSE;
  }
  s = gst_event_get_structure (event);
  return s != NULL && gst_structure_has_name (s, name);
}

gboolean
ws_rating_event_is (GstEvent *event)
{
  return ws_event_has_name (event, WS_RATING_EVENT_NAME);
}

static void
set_string (GstStructure *s, const char *field, const char *value)
{
  if (value != NULL)
    gst_structure_set (s, field, G_TYPE_STRING, value, NULL);
}

/* `support-topics`: optional, present only when the rating names topics
 * explicitly, so events of older senders and readers stay as they were. */
static void
add_support_topics (GstStructure *s, const WsRating *rating)
{
  GValue topics = G_VALUE_INIT;

  if (rating->support_topics == NULL || rating->support_topics->len == 0)
    return;
  g_value_init (&topics, GST_TYPE_ARRAY);
  for (guint i = 0; i < rating->support_topics->len; i++) {
    GValue v = G_VALUE_INIT;

    g_value_init (&v, G_TYPE_STRING);
    g_value_set_string (&v, g_ptr_array_index (rating->support_topics, i));
    gst_value_array_append_and_take_value (&topics, &v);
  }
  gst_structure_take_value (s, "support-topics", &topics);
}

static void
add_support_topic (WsRating *r, const GValue *v)
{
  const char *t = G_VALUE_HOLDS_STRING (v) ? g_value_get_string (v) : NULL;

  if (t == NULL || *t == '\0')
    return;
  for (guint j = 0; j < r->support_topics->len; j++) {
    if (strcmp (g_ptr_array_index (r->support_topics, j), t) == 0)
      return;
  }
  g_ptr_array_add (r->support_topics, g_strdup (t));
}

/* Strings only, each once; one topic may come as a plain string (an
 * application's gst-launch style event); anything else is skipped. */
static void
parse_support_topics (const GstStructure *s, WsRating *r)
{
  const GValue *arr = gst_structure_get_value (s, "support-topics");

  if (arr == NULL)
    return;
  if (!GST_VALUE_HOLDS_ARRAY (arr)) {
    add_support_topic (r, arr);
    return;
  }
  for (guint i = 0; i < gst_value_array_get_size (arr); i++)
    add_support_topic (r, gst_value_array_get_value (arr, i));
}

GstEvent *
ws_rating_event_new (const WsRating *rating, const char *source)
{
  GstStructure *s;
  GValue descriptors = G_VALUE_INIT, texts = G_VALUE_INIT;

  g_return_val_if_fail (rating != NULL, NULL);

  s = gst_structure_new_empty (WS_RATING_EVENT_NAME);
  if (rating->system != NULL && rating->code != NULL) {
    char *name = ws_rating_to_string (rating);
    set_string (s, "rating", name);
    g_free (name);
  }
  set_string (s, "system", rating->system);
  set_string (s, "code", rating->code);
  gst_structure_set (s, "minimum-age", G_TYPE_INT, rating->minimum_age, NULL);
  set_string (s, "territory", rating->territory);

  g_value_init (&descriptors, GST_TYPE_ARRAY);
  for (guint i = 0; i < rating->descriptors->len; i++) {
    GValue v = G_VALUE_INIT;

    g_value_init (&v, G_TYPE_STRING);
    g_value_set_string (&v, g_ptr_array_index (rating->descriptors, i));
    gst_value_array_append_and_take_value (&descriptors, &v);
  }
  gst_structure_take_value (s, "descriptors", &descriptors);

  g_value_init (&texts, GST_TYPE_ARRAY);
  for (guint i = 0; i < rating->texts->len; i++) {
    const WsGuidanceText *t = g_ptr_array_index (rating->texts, i);
    GstStructure *ts = gst_structure_new ("guidance-text", "text",
        G_TYPE_STRING, t->text, NULL);
    GValue v = G_VALUE_INIT;

    set_string (ts, "lang", t->lang);
    set_string (ts, "length", t->length);
    g_value_init (&v, GST_TYPE_STRUCTURE);
    g_value_take_boxed (&v, ts);
    gst_value_array_append_and_take_value (&texts, &v);
  }
  gst_structure_take_value (s, "texts", &texts);

  set_string (s, "source", source ? source : "metadata");
  set_string (s, "programme", rating->programme);
  add_support_topics (s, rating);
  return gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM_STICKY, s);
}

static char *
dup_string (const GstStructure *s, const char *field)
{
  const char *v = gst_structure_get_string (s, field);

  return v != NULL ? g_strdup (v) : NULL;
}

WsRating *
ws_rating_event_parse (GstEvent *event, char **source)
{
  const GstStructure *s;
  const GValue *arr;
  WsRating *r;

  if (!ws_rating_event_is (event))
    return NULL;
  s = gst_event_get_structure (event);
  r = ws_rating_new ();
  r->system = dup_string (s, "system");
  r->code = dup_string (s, "code");
  if (r->system == NULL || r->code == NULL) {
    /* an application may send only "rating": SYSTEM:CODE */
    char *system, *code;

    if (ws_rating_split (gst_structure_get_string (s, "rating"), &system,
            &code)) {
      g_free (r->system);
      g_free (r->code);
      r->system = system;
      r->code = code;
    }
  }
  if (!gst_structure_get_int (s, "minimum-age", &r->minimum_age))
    r->minimum_age = -1;
  r->territory = dup_string (s, "territory");
  r->programme = dup_string (s, "programme");

  arr = gst_structure_get_value (s, "descriptors");
  if (arr != NULL && GST_VALUE_HOLDS_ARRAY (arr)) {
    for (guint i = 0; i < gst_value_array_get_size (arr); i++) {
      const GValue *v = gst_value_array_get_value (arr, i);

      if (G_VALUE_HOLDS_STRING (v))
        g_ptr_array_add (r->descriptors, g_value_dup_string (v));
    }
  }
  arr = gst_structure_get_value (s, "texts");
  if (arr != NULL && GST_VALUE_HOLDS_ARRAY (arr)) {
    for (guint i = 0; i < gst_value_array_get_size (arr); i++) {
      const GValue *v = gst_value_array_get_value (arr, i);
      const GstStructure *ts;

      if (!GST_VALUE_HOLDS_STRUCTURE (v))
        continue;
      ts = gst_value_get_structure (v);
      if (gst_structure_get_string (ts, "text") != NULL)
        ws_rating_add_text (r, gst_structure_get_string (ts, "lang"),
            gst_structure_get_string (ts, "length"),
            gst_structure_get_string (ts, "text"));
    }
  }
  parse_support_topics (s, r);
  if (source != NULL)
    *source = dup_string (s, "source");
  return r;
}

GstTagList *
ws_rating_to_tag_list (const WsRating *rating)
{
  GstTagList *tags = gst_tag_list_new_empty ();

  g_return_val_if_fail (rating != NULL, tags);

  ws_rating_tags_register ();
  gst_tag_list_set_scope (tags, GST_TAG_SCOPE_STREAM);
  if (rating->system != NULL && rating->code != NULL) {
    char *name = ws_rating_to_string (rating);
    gst_tag_list_add (tags, GST_TAG_MERGE_REPLACE, WS_TAG_RATING, name, NULL);
    g_free (name);
  }
  gst_tag_list_add (tags, GST_TAG_MERGE_REPLACE, WS_TAG_MINIMUM_AGE,
      rating->minimum_age, NULL);
  if (rating->territory != NULL)
    gst_tag_list_add (tags, GST_TAG_MERGE_REPLACE, WS_TAG_RATING_TERRITORY,
        rating->territory, NULL);
  for (guint i = 0; i < rating->texts->len; i++) {
    const WsGuidanceText *t = g_ptr_array_index (rating->texts, i);
    char *v = g_strdup_printf ("%s: %s", t->lang ? t->lang : "und", t->text);

    gst_tag_list_add (tags, GST_TAG_MERGE_APPEND, WS_TAG_RATING_TEXT, v, NULL);
    g_free (v);
  }
  for (guint i = 0; i < rating->descriptors->len; i++)
    gst_tag_list_add (tags, GST_TAG_MERGE_APPEND, WS_TAG_RATING_DESCRIPTORS,
        g_ptr_array_index (rating->descriptors, i), NULL);
  return tags;
}

GstEvent *
ws_break_end_event_new (void)
{
  return gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM,
      gst_structure_new_empty (WS_BREAK_END_EVENT_NAME));
}

GstEvent *
ws_programme_start_event_new (void)
{
  return gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM,
      gst_structure_new_empty (WS_PROGRAMME_START_EVENT_NAME));
}

GstEvent *
ws_programme_start_upstream_event_new (void)
{
  return gst_event_new_custom (GST_EVENT_CUSTOM_UPSTREAM,
      gst_structure_new_empty (WS_PROGRAMME_START_EVENT_NAME));
}

GstEvent *
ws_programme_end_event_new (void)
{
  return gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM,
      gst_structure_new_empty (WS_PROGRAMME_END_EVENT_NAME));
}
