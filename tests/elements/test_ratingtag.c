/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ratingtag: the rating event, tags and bus messages from metadata, segment
 * ratings, new programmes, and ratings already in the stream (Matroska
 * LAW_RATING, iTunEXTC, the DVB EIT parental_rating_descriptor). */
#define GST_USE_UNSTABLE_API 1
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/mpegts/mpegts.h>
#include <gst/tag/tag.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ws-rating-event.h"

#define SECOND GST_SECOND

static const char *SIDECAR =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" version=\"1\">\n"
    "  <programme id=\"P-1\" title=\"Night Crossing\">\n"
    "    <rating territory=\"GB\" system=\"bbfc\" code=\"15\">\n"
    "      <descriptor>language</descriptor>\n"
    "      <text xml:lang=\"en\">Contains strong language</text>\n"
    "    </rating>\n"
    "    <rating territory=\"DE\" system=\"fsk\" code=\"16\"/>\n"
    "    <rating territory=\"FR\" system=\"csa\" code=\"-16\"/>\n"
    "    <segment start=\"00:00:01\" end=\"00:00:02\">\n"
    "      <rating territory=\"GB\" system=\"bbfc\" code=\"18\">\n"
    "        <descriptor>violence</descriptor>\n"
    "      </rating>\n"
    "    </segment>\n"
    "  </programme>\n"
    "</watershed-metadata>\n";

static const char *SIDECAR_PG =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" version=\"1\">\n"
    "  <programme id=\"P-2\">\n"
    "    <rating territory=\"GB\" system=\"bbfc\" code=\"PG\"/>\n"
    "  </programme>\n"
    "</watershed-metadata>\n";

static const char *SIDECAR_TWO_SYSTEMS =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<watershed-metadata xmlns=\"urn:watershed:metadata:1\" version=\"1\">\n"
    "  <programme id=\"P-3\">\n"
    "    <rating territory=\"GB\" system=\"bbfc\" code=\"15\"/>\n"
    "    <rating territory=\"GB\" system=\"fvc\" code=\"fifteen\"/>\n"
    "  </programme>\n"
    "</watershed-metadata>\n";

/* ---- helpers ------------------------------------------------------------- */

typedef struct {
  GstHarness *h;
  GstBus *bus;
  GQueue messages;   /* "ratingtag" structures not yet taken */
  GString *warnings; /* warnings not yet taken */
} Fixture;

/* A harness around a ratingtag configured by @first_prop (NULL-terminated
 * property list), with its own bus set before it starts. */
static Fixture
fixture_new (const char *first_prop, ...)
{
  Fixture f;
  GstElement *e = gst_element_factory_make ("ratingtag", NULL);
  va_list ap;

  fail_unless (e != NULL, "ratingtag not found: is the plugin built?");
  f.bus = gst_bus_new ();
  gst_element_set_bus (e, f.bus);
  if (first_prop != NULL) {
    va_start (ap, first_prop);
    g_object_set_valist (G_OBJECT (e), first_prop, ap);
    va_end (ap);
  }
  g_queue_init (&f.messages);
  f.warnings = g_string_new (NULL);
  f.h = gst_harness_new_with_element (e, "sink", "src");
  gst_object_unref (e);
  gst_harness_set_src_caps_str (f.h, "application/x-test");
  return f;
}

static void
fixture_free (Fixture *f)
{
  gst_harness_teardown (f->h);
  g_queue_clear_full (&f->messages, (GDestroyNotify) gst_structure_free);
  g_string_free (f->warnings, TRUE);
  gst_bus_set_flushing (f->bus, TRUE);
  gst_object_unref (f->bus);
}

static void
push_at (Fixture *f, GstClockTime pts)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, 16, NULL);

  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = SECOND / 2;
  fail_unless_equals_int (gst_harness_push (f->h, buf), GST_FLOW_OK);
  gst_buffer_unref (gst_harness_pull (f->h));
}

/* Pulls every pending event; returns the last rating event's rating (and its
 * source), or NULL when none went out. Counts rating and tag events. */
static WsRating *
pull_rating (Fixture *f, char **source, guint *n_ratings, GstTagList **tags)
{
  WsRating *last = NULL;
  GstEvent *ev;

  if (source)
    *source = NULL;
  if (n_ratings)
    *n_ratings = 0;
  if (tags)
    *tags = NULL;
  while ((ev = gst_harness_try_pull_event (f->h)) != NULL) {
    if (ws_rating_event_is (ev)) {
      ws_rating_free (last);
      if (source)
        g_free (*source);
      last = ws_rating_event_parse (ev, source);
      if (n_ratings)
        (*n_ratings)++;
    } else if (GST_EVENT_TYPE (ev) == GST_EVENT_TAG && tags != NULL) {
      GstTagList *t;

      gst_event_parse_tag (ev, &t);
      if (gst_tag_list_get_tag_size (t, WS_TAG_RATING) > 0) {
        if (*tags)
          gst_tag_list_unref (*tags);
        *tags = gst_tag_list_ref (t);
      }
    }
    gst_event_unref (ev);
  }
  return last;
}

static void
assert_rating (const WsRating *r, const char *system, const char *code, int age)
{
  fail_unless (r != NULL, "no rating event went out");
  fail_unless_equals_string (r->system, system);
  fail_unless_equals_string (r->code, code);
  fail_unless_equals_int (r->minimum_age, age);
}

/* Moves every pending bus message into the fixture. */
static void
drain_bus (Fixture *f)
{
  GstMessage *m;

  while ((m = gst_bus_pop (f->bus)) != NULL) {
    const GstStructure *s = gst_message_get_structure (m);
    GError *err = NULL;

    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_WARNING) {
      gst_message_parse_warning (m, &err, NULL);
      g_string_append_printf (f->warnings, "%s\n", err->message);
      g_error_free (err);
    } else if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT && s != NULL &&
               gst_structure_has_name (s, "ratingtag")) {
      g_queue_push_tail (&f->messages, gst_structure_copy (s));
    }
    gst_message_unref (m);
  }
}

/* The next "ratingtag" element message (transfer full), or NULL. */
static GstStructure *
pop_ratingtag_message (Fixture *f)
{
  drain_bus (f);
  return g_queue_pop_head (&f->messages);
}

/* The text of every warning not yet taken, joined by "\n". */
static char *
pop_warnings (Fixture *f)
{
  char *all;

  drain_bus (f);
  all = g_strdup (f->warnings->str);
  g_string_truncate (f->warnings, 0);
  return all;
}

static guint64
get_u64 (const GstStructure *s, const char *field)
{
  guint64 v = 0;

  fail_unless (gst_structure_get_uint64 (s, field, &v), "no %s", field);
  return v;
}

static GstTagList *
extended_comments (const char *first, ...)
{
  GstTagList *tags = gst_tag_list_new_empty ();
  const char *c;
  va_list ap;

  gst_tag_list_set_scope (tags, GST_TAG_SCOPE_GLOBAL);
  va_start (ap, first);
  for (c = first; c != NULL; c = va_arg (ap, const char *))
    gst_tag_list_add (tags, GST_TAG_MERGE_APPEND, GST_TAG_EXTENDED_COMMENT, c,
        NULL);
  va_end (ap);
  return tags;
}

/* ---- metadata ------------------------------------------------------------ */

GST_START_TEST (test_ratingtag_metadata_event_tags_message)
{
  Fixture f = fixture_new ("metadata", SIDECAR, NULL);
  GstStructure *s;
  GstTagList *tags;
  WsRating *r;
  char *source, *v = NULL;
  guint n;
  int age;

  push_at (&f, 0);
  r = pull_rating (&f, &source, &n, &tags);
  assert_rating (r, "bbfc", "15", 15);
  fail_unless_equals_int (n, 1);
  fail_unless_equals_string (source, "metadata");
  fail_unless_equals_string (r->territory, "GB");
  fail_unless_equals_string (r->programme, "P-1");
  fail_unless_equals_int (r->descriptors->len, 1);
  fail_unless_equals_string (g_ptr_array_index (r->descriptors, 0), "language");
  fail_unless_equals_int (r->texts->len, 1);

  fail_unless (tags != NULL, "no tag event with the rating");
  fail_unless (gst_tag_list_get_string (tags, WS_TAG_RATING, &v));
  fail_unless_equals_string (v, "bbfc:15");
  g_free (v);
  fail_unless (gst_tag_list_get_int (tags, WS_TAG_MINIMUM_AGE, &age));
  fail_unless_equals_int (age, 15);
  fail_unless (gst_tag_list_get_string (tags, WS_TAG_RATING_TERRITORY, &v));
  fail_unless_equals_string (v, "GB");
  g_free (v);
  fail_unless (gst_tag_list_get_string (tags, WS_TAG_RATING_TEXT, &v));
  fail_unless_equals_string (v, "en: Contains strong language");
  g_free (v);
  gst_tag_list_unref (tags);

  s = pop_ratingtag_message (&f);
  fail_unless (s != NULL, "no ratingtag message");
  /* the timing quartet first, in order */
  fail_unless_equals_string (gst_structure_nth_field_name (s, 0), "timestamp");
  fail_unless_equals_string (gst_structure_nth_field_name (s, 1),
      "stream-time");
  fail_unless_equals_string (gst_structure_nth_field_name (s, 2),
      "running-time");
  fail_unless_equals_string (gst_structure_nth_field_name (s, 3), "duration");
  fail_unless_equals_uint64 (get_u64 (s, "timestamp"), 0);
  fail_unless_equals_uint64 (get_u64 (s, "duration"), SECOND / 2);
  fail_unless_equals_string (gst_structure_get_string (s, "rating"), "bbfc:15");
  fail_unless_equals_string (gst_structure_get_string (s, "system"), "bbfc");
  fail_unless_equals_string (gst_structure_get_string (s, "code"), "15");
  fail_unless (gst_structure_get_int (s, "minimum-age", &age));
  fail_unless_equals_int (age, 15);
  fail_unless_equals_string (gst_structure_get_string (s, "territory"), "GB");
  fail_unless_equals_string (gst_structure_get_string (s, "source"),
      "metadata");
  fail_unless_equals_string (gst_structure_get_string (s, "text"),
      "Contains strong language");
  fail_unless_equals_string (gst_structure_get_string (s, "programme"), "P-1");
  fail_unless (!gst_structure_has_field (s, "disagreement"));
  gst_structure_free (s);

  /* unchanged: nothing more goes out */
  push_at (&f, SECOND / 2);
  r = (ws_rating_free (r), pull_rating (&f, NULL, &n, NULL));
  fail_unless (r == NULL);
  fail_unless (pop_ratingtag_message (&f) == NULL);

  g_free (source);
  fixture_free (&f);
}

GST_END_TEST;

GST_START_TEST (test_ratingtag_territory_and_system)
{
  Fixture f = fixture_new ("metadata", SIDECAR, "territory", "DEU", NULL);
  WsRating *r;

  push_at (&f, 0);
  r = pull_rating (&f, NULL, NULL, NULL);
  assert_rating (r, "fsk", "16", 16);
  fail_unless_equals_string (r->territory, "DE");
  ws_rating_free (r);

  /* a live change of territory takes effect at the next buffer */
  g_object_set (f.h->element, "territory", "FR", NULL);
  push_at (&f, SECOND / 2);
  r = pull_rating (&f, NULL, NULL, NULL);
  assert_rating (r, "csa", "-16", 16);
  ws_rating_free (r);
  fixture_free (&f);

  /* two GB ratings: system picks one */
  f = fixture_new ("metadata", SIDECAR_TWO_SYSTEMS, "territory", "GB", "system",
      "fvc", NULL);
  push_at (&f, 0);
  r = pull_rating (&f, NULL, NULL, NULL);
  assert_rating (r, "fvc", "fifteen", 15);
  ws_rating_free (r);
  fixture_free (&f);
}

GST_END_TEST;

GST_START_TEST (test_ratingtag_no_rating_sends_nothing)
{
  Fixture f = fixture_new ("metadata", SIDECAR, "territory", "JP", NULL);
  guint n;

  push_at (&f, 0);
  fail_unless (pull_rating (&f, NULL, &n, NULL) == NULL);
  fail_unless_equals_int (n, 0);
  fail_unless (pop_ratingtag_message (&f) == NULL);
  fixture_free (&f);
}

GST_END_TEST;

/* ---- per-segment ratings and new programmes ------------------------------ */

GST_START_TEST (test_ratingtag_segment_ratings_at_boundaries)
{
  Fixture f = fixture_new ("metadata", SIDECAR, NULL);
  const char *expect[] = { "15", NULL, "18", NULL, "15", NULL };
  char *source = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (expect); i++) {
    WsRating *r;
    GstStructure *s;

    push_at (&f, i * SECOND / 2);
    r = pull_rating (&f, &source, NULL, NULL);
    s = pop_ratingtag_message (&f);
    if (expect[i] == NULL) {
      fail_unless (r == NULL, "buffer %u: unexpected rating %s", i,
          r ? r->code : "");
      fail_unless (s == NULL);
      continue;
    }
    fail_unless (r != NULL, "buffer %u: no rating", i);
    fail_unless_equals_string (r->code, expect[i]);
    fail_unless (s != NULL);
    /* the rating goes out right before the first buffer of the segment */
    fail_unless_equals_uint64 (get_u64 (s, "timestamp"), i * SECOND / 2);
    fail_unless_equals_uint64 (get_u64 (s, "running-time"), i * SECOND / 2);
    if (strcmp (expect[i], "18") == 0) {
      gint64 start = 0, end = 0;

      fail_unless_equals_string (source, "sidecar-segment");
      fail_unless (gst_structure_get_int64 (s, "segment-start", &start));
      fail_unless (gst_structure_get_int64 (s, "segment-end", &end));
      fail_unless_equals_int64 (start, SECOND);
      fail_unless_equals_int64 (end, 2 * SECOND);
      fail_unless_equals_int (r->minimum_age, 18);
    } else {
      fail_unless_equals_string (source, "metadata");
    }
    g_free (source);
    ws_rating_free (r);
    gst_structure_free (s);
  }
  fixture_free (&f);
}

GST_END_TEST;

GST_START_TEST (test_ratingtag_new_metadata_while_playing)
{
  Fixture f = fixture_new ("metadata", SIDECAR, NULL);
  GstStructure *s;
  WsRating *r;

  push_at (&f, 0);
  r = pull_rating (&f, NULL, NULL, NULL);
  assert_rating (r, "bbfc", "15", 15);
  ws_rating_free (r);
  fail_unless ((s = pop_ratingtag_message (&f)) != NULL);
  gst_structure_free (s);

  g_object_set (f.h->element, "metadata", SIDECAR_PG, NULL);
  push_at (&f, 3 * SECOND);
  r = pull_rating (&f, NULL, NULL, NULL);
  assert_rating (r, "bbfc", "PG", 8);
  fail_unless_equals_string (r->programme, "P-2");
  ws_rating_free (r);
  s = pop_ratingtag_message (&f);
  fail_unless (s != NULL);
  fail_unless_equals_uint64 (get_u64 (s, "timestamp"), 3 * SECOND);
  gst_structure_free (s);
  fixture_free (&f);
}

GST_END_TEST;

GST_START_TEST (test_ratingtag_programme_start_event)
{
  Fixture f = fixture_new ("metadata", SIDECAR, NULL);
  gboolean forwarded = FALSE;
  GstEvent *ev;
  WsRating *r;
  guint n;

  push_at (&f, 0);
  ws_rating_free (pull_rating (&f, NULL, NULL, NULL));
  push_at (&f, 5 * SECOND);
  fail_unless (pull_rating (&f, NULL, NULL, NULL) == NULL);

  /* a new programme at 10 s: the rating goes out again before its first
   * buffer, and segment times count from there */
  fail_unless (gst_harness_push_event (f.h, ws_programme_start_event_new ()));
  push_at (&f, 10 * SECOND);
  while ((ev = gst_harness_try_pull_event (f.h)) != NULL) {
    if (ws_event_has_name (ev, WS_PROGRAMME_START_EVENT_NAME))
      forwarded = TRUE;
    if (ws_rating_event_is (ev)) {
      r = ws_rating_event_parse (ev, NULL);
      assert_rating (r, "bbfc", "15", 15);
      ws_rating_free (r);
      fail_unless (forwarded, "programme start must precede the rating");
    }
    gst_event_unref (ev);
  }
  fail_unless (forwarded);
  push_at (&f, 10 * SECOND + SECOND / 2);
  fail_unless (pull_rating (&f, NULL, &n, NULL) == NULL);
  push_at (&f, 11 * SECOND);
  r = pull_rating (&f, NULL, NULL, NULL);
  assert_rating (r, "bbfc", "18", 18);
  ws_rating_free (r);
  fixture_free (&f);
}

GST_END_TEST;

GST_START_TEST (test_ratingtag_upstream_rating_event)
{
  Fixture f = fixture_new (NULL, NULL);
  WsRating *in = ws_rating_new (), *r;
  char *source = NULL;
  guint n;

  push_at (&f, 0);
  fail_unless (pull_rating (&f, NULL, NULL, NULL) == NULL);

  in->system = g_strdup ("mpa");
  in->code = g_strdup ("R");
  in->minimum_age = 17;
  fail_unless (
      gst_harness_push_event (f.h, ws_rating_event_new (in, "application")));
  push_at (&f, SECOND);
  r = pull_rating (&f, &source, &n, NULL);
  /* the upstream event is replaced by ours: exactly one goes out */
  fail_unless_equals_int (n, 1);
  assert_rating (r, "mpa", "R", 17);
  fail_unless_equals_string (source, "application");
  ws_rating_free (r);
  g_free (source);
  ws_rating_free (in);
  fixture_free (&f);
}

GST_END_TEST;

/* ---- ratings in the stream ----------------------------------------------- */

GST_START_TEST (test_ratingtag_matroska_nested_tags)
{
  /* what matroskademux makes of nested COUNTRY/LAW_RATING SimpleTags */
  Fixture f = fixture_new ("territory", "DE", NULL);
  GstStructure *s;
  char *source = NULL;
  WsRating *r;

  fail_unless (gst_harness_push_event (f.h,
      gst_event_new_tag (
          extended_comments ("COUNTRY=GB", "COUNTRY/LAW_RATING=15",
              "COUNTRY=DE", "COUNTRY/LAW_RATING=16", NULL))));
  push_at (&f, 0);
  r = pull_rating (&f, &source, NULL, NULL);
  assert_rating (r, "fsk", "16", 16);
  fail_unless_equals_string (r->territory, "DE");
  fail_unless_equals_string (source, "matroska");
  s = pop_ratingtag_message (&f);
  fail_unless_equals_string (gst_structure_get_string (s, "source"),
      "matroska");
  gst_structure_free (s);
  ws_rating_free (r);
  g_free (source);
  fixture_free (&f);
}

GST_END_TEST;

GST_START_TEST (test_ratingtag_itunextc_tag)
{
  Fixture f = fixture_new ("territory", "US", NULL);
  char *source = NULL;
  WsRating *r;

  fail_unless (gst_harness_push_event (f.h,
      gst_event_new_tag (
          extended_comments ("iTunEXTC=mpaa|R|400|Rated R for language",
              NULL))));
  push_at (&f, 0);
  r = pull_rating (&f, &source, NULL, NULL);
  assert_rating (r, "mpa", "R", 17);
  fail_unless_equals_string (source, "mp4");
  fail_unless_equals_int (r->texts->len, 1);
  ws_rating_free (r);
  g_free (source);
  fixture_free (&f);
}

GST_END_TEST;

GST_START_TEST (test_ratingtag_prefer_metadata_disagreement)
{
  Fixture f = fixture_new ("metadata", SIDECAR, NULL);
  char *warnings, *source = NULL;
  GstStructure *s;
  WsRating *r;

  fail_unless (gst_harness_push_event (f.h,
      gst_event_new_tag (extended_comments ("LAW_RATING=12A", NULL))));
  push_at (&f, 0);
  r = pull_rating (&f, &source, NULL, NULL);
  assert_rating (r, "bbfc", "15", 15);
  fail_unless_equals_string (source, "metadata");
  s = pop_ratingtag_message (&f);
  fail_unless_equals_string (gst_structure_get_string (s, "disagreement"),
      "bbfc:12A (matroska)");
  gst_structure_free (s);
  warnings = pop_warnings (&f);
  fail_unless (strstr (warnings, "bbfc:12A") != NULL, "warning: %s", warnings);
  fail_unless (strstr (warnings, "prefer=metadata") != NULL);
  g_free (warnings);

  /* once per disagreement */
  push_at (&f, SECOND / 2);
  warnings = pop_warnings (&f);
  fail_unless_equals_string (warnings, "");
  g_free (warnings);
  ws_rating_free (r);
  g_free (source);
  fixture_free (&f);
}

GST_END_TEST;

GST_START_TEST (test_ratingtag_prefer_stream)
{
  Fixture f = fixture_new ("metadata", SIDECAR, NULL);
  char *warnings, *source = NULL, *nick = NULL;
  GstStructure *s;
  GParamSpec *ps;
  GEnumValue *ev;
  WsRating *r;
  int prefer = -1;

  /* set by nick, as gst-launch-1.0 does */
  gst_util_set_object_arg (G_OBJECT (f.h->element), "prefer", "stream");
  g_object_get (f.h->element, "prefer", &prefer, NULL);
  fail_unless_equals_int (prefer, 1);
  /* the enum's nicks are the documented values */
  ps = g_object_class_find_property (G_OBJECT_GET_CLASS (f.h->element),
      "prefer");
  ev = g_enum_get_value (G_PARAM_SPEC_ENUM (ps)->enum_class, 1);
  nick = g_strdup (ev->value_nick);
  fail_unless_equals_string (nick, "stream");
  g_free (nick);

  fail_unless (gst_harness_push_event (f.h,
      gst_event_new_tag (
          extended_comments ("COUNTRY=GB", "COUNTRY/LAW_RATING=12A", NULL))));
  push_at (&f, 0);
  r = pull_rating (&f, &source, NULL, NULL);
  assert_rating (r, "bbfc", "12A", 12);
  fail_unless_equals_string (source, "matroska");
  s = pop_ratingtag_message (&f);
  fail_unless_equals_string (gst_structure_get_string (s, "disagreement"),
      "bbfc:15 (metadata)");
  gst_structure_free (s);
  warnings = pop_warnings (&f);
  fail_unless (strstr (warnings, "prefer=stream") != NULL, "warning: %s",
      warnings);
  g_free (warnings);
  ws_rating_free (r);
  g_free (source);
  fixture_free (&f);
}

GST_END_TEST;

/* ---- what the metadata lacks ---------------------------------------------- */

/* The warnings not yet taken that contain @needle, joined by "\n". */
static char *
warnings_with (Fixture *f, const char *needle)
{
  char *all = pop_warnings (f);
  char **lines = g_strsplit (all, "\n", -1);
  GString *out = g_string_new (NULL);

  for (char **l = lines; *l != NULL; l++)
    if (strstr (*l, needle) != NULL)
      g_string_append_printf (out, "%s\n", *l);
  g_strfreev (lines);
  g_free (all);
  return g_string_free (out, FALSE);
}

GST_START_TEST (test_ratingtag_warns_territory_missing)
{
  char *dir = g_dir_make_tmp ("ws-ratingtag-XXXXXX", NULL);
  char *path = g_build_filename (dir, "night-crossing.xml", NULL);
  Fixture f;
  char *w, *expect;
  guint n;

  fail_unless (g_file_set_contents (path, SIDECAR, -1, NULL));
  f = fixture_new ("location", path, "territory", "US", NULL);
  push_at (&f, 0);
  fail_unless (pull_rating (&f, NULL, &n, NULL) == NULL);
  fail_unless_equals_int (n, 0);
  /* the file, the territory asked for, and those the file has */
  expect = g_strdup_printf ("%s has no rating for territory US; it has "
                            "ratings for GB, DE, FR\n",
      path);
  w = warnings_with (&f, "has no rating");
  fail_unless_equals_string (w, expect);
  g_free (w);
  g_free (expect);

  /* said once, not at every buffer */
  push_at (&f, SECOND / 2);
  w = pop_warnings (&f);
  fail_unless_equals_string (w, "");
  g_free (w);

  /* another territory the file lacks: said for it too (alpha-3 asked) */
  g_object_set (f.h->element, "territory", "JPN", NULL);
  push_at (&f, SECOND);
  w = warnings_with (&f, "has no rating");
  fail_unless (strstr (w, "has no rating for territory JP; it has ratings "
                          "for GB, DE, FR") != NULL,
      "%s", w);
  g_free (w);

  /* one it has: nothing missing, the rating goes out */
  g_object_set (f.h->element, "territory", "DE", NULL);
  push_at (&f, 3 * SECOND / 2);
  w = pop_warnings (&f);
  fail_unless_equals_string (w, "");
  g_free (w);
  fixture_free (&f);

  /* not a territory code at all */
  f = fixture_new ("metadata", SIDECAR, "territory", "XQ", NULL);
  push_at (&f, 0);
  w = warnings_with (&f, "territory \"XQ\"");
  fail_unless_equals_string (w,
      "territory \"XQ\" is not an ISO 3166-1 country code (GB, DEU, 250): no "
      "rating of metadata property applies\n");
  g_free (w);
  fixture_free (&f);
  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
}

GST_END_TEST;

GST_START_TEST (test_ratingtag_warns_unknown_system)
{
  Fixture f = fixture_new ("metadata", SIDECAR, "territory", "GB", "system",
      "nosuch", NULL);
  WsRating *r;
  char *w;

  push_at (&f, 0);
  /* no preference: the territory's rating still goes out */
  r = pull_rating (&f, NULL, NULL, NULL);
  assert_rating (r, "bbfc", "15", 15);
  ws_rating_free (r);
  w = warnings_with (&f, "nosuch");
  fail_unless (g_str_has_prefix (w, "system \"nosuch\" is not a known rating "
                                    "system (known: acb, "),
      "%s", w);
  fail_unless (strstr (w, "bbfc") != NULL && strstr (w, "fsk") != NULL);
  fail_unless (g_str_has_suffix (w,
                   "); no preference is applied to metadata property\n"),
      "%s", w);
  g_free (w);
  fixture_free (&f);

  /* a known system the file has no rating in for the territory */
  f = fixture_new ("metadata", SIDECAR, "territory", "GB", "system", "fsk",
      NULL);
  push_at (&f, 0);
  r = pull_rating (&f, NULL, NULL, NULL);
  assert_rating (r, "bbfc", "15", 15);
  ws_rating_free (r);
  w = warnings_with (&f, "has no fsk rating");
  fail_unless_equals_string (w,
      "metadata property has no fsk rating for GB; using bbfc:15\n");
  g_free (w);
  fixture_free (&f);
}

GST_END_TEST;

/* An IMF CPL (read leniently) with an unknown code for the US and an
 * unknown agency for GB. */
static const char *CPL_UNKNOWN =
    "<CompositionPlaylist "
    "xmlns=\"http://www.smpte-ra.org/schemas/2067-3/2016\">\n"
    "<Id>urn:uuid:b</Id>\n"
    "<LocaleList><Locale>\n"
    "<RegionList><Region>US</Region></RegionList>\n"
    "<ContentMaturityRatingList>\n"
    "<ContentMaturityRating><Agency>http://www.movielabs.com/md/ratings/US/"
    "MPAA/2</Agency><Rating>XYZ</Rating></ContentMaturityRating>\n"
    "</ContentMaturityRatingList></Locale>\n"
    "<Locale><RegionList><Region>GB</Region></RegionList>\n"
    "<ContentMaturityRatingList>\n"
    "<ContentMaturityRating><Agency>http://example.com/ratings/QQ</Agency>"
    "<Rating>15</Rating></ContentMaturityRating>\n"
    "</ContentMaturityRatingList></Locale>\n"
    "</LocaleList></CompositionPlaylist>\n";

GST_START_TEST (test_ratingtag_warns_unknown_code)
{
  Fixture f = fixture_new ("metadata", CPL_UNKNOWN, "territory", "US", NULL);
  WsRating *r;
  char *w;

  push_at (&f, 0);
  /* unrated goes out (the gate fails closed on it) */
  r = pull_rating (&f, NULL, NULL, NULL);
  fail_unless (r != NULL);
  fail_unless (r->system == NULL);
  fail_unless_equals_int (r->minimum_age, -1);
  ws_rating_free (r);
  w = warnings_with (&f, "the rating for US");
  fail_unless_equals_string (w,
      "metadata property:6: the rating for US has the code \"XYZ\", which is "
      "not one of mpa (G, PG, PG-13, R, NC-17, NR): treated as unrated (fail "
      "closed)\n");
  g_free (w);
  fixture_free (&f);

  f = fixture_new ("metadata", CPL_UNKNOWN, "territory", "GB", NULL);
  push_at (&f, 0);
  w = warnings_with (&f, "the rating for GB");
  fail_unless (g_str_has_prefix (w, "metadata property:10: the rating for GB "
                                    "names the rating system "
                                    "\"http://example.com/ratings/QQ\", which "
                                    "is not known (known: acb, "),
      "%s", w);
  fail_unless (g_str_has_suffix (w, "): treated as unrated (fail closed)\n"),
      "%s", w);
  g_free (w);
  fixture_free (&f);
}

GST_END_TEST;

/* Two stream ratings of one age in two systems: the system property picks
 * (the branch of the one pick rule for ratings carried in the stream). */
GST_START_TEST (test_ratingtag_stream_preferred_system)
{
  const char *systems[] = { "fvc", "bbfc" };
  const char *codes[] = { "fifteen", "15" };

  for (guint i = 0; i < G_N_ELEMENTS (systems); i++) {
    Fixture f = fixture_new ("territory", "GB", "system", systems[i], NULL);
    char *source = NULL;
    WsRating *r;

    fail_unless (gst_harness_push_event (f.h,
        gst_event_new_tag (extended_comments ("LAW_RATING=bbfc:15",
            "LAW_RATING=fvc:fifteen", NULL))));
    push_at (&f, 0);
    r = pull_rating (&f, &source, NULL, NULL);
    assert_rating (r, systems[i], codes[i], 15);
    fail_unless_equals_string (source, "matroska");
    ws_rating_free (r);
    g_free (source);
    fixture_free (&f);
  }
}

GST_END_TEST;

/* ---- files made by the tests ---------------------------------------------- */

typedef struct {
  GPtrArray *messages; /* GstStructure of "ratingtag" messages */
  char *warnings;
  char *error;
  GPtrArray *events; /* WsRating seen by the sink */
  char *stream_id;   /* the sink's stream-start */
} RunResult;

static GstPadProbeReturn
collect_events (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  RunResult *res = user_data;
  GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);

  if (ws_rating_event_is (ev))
    g_ptr_array_add (res->events, ws_rating_event_parse (ev, NULL));
  if (GST_EVENT_TYPE (ev) == GST_EVENT_STREAM_START) {
    const char *id = NULL;
    gst_event_parse_stream_start (ev, &id);
    g_free (res->stream_id);
    res->stream_id = g_strdup (id);
  }
  return GST_PAD_PROBE_OK;
}

static void
count_sync_message (GstBus *bus, GstMessage *message, gpointer data)
{
  (void) bus;
  (void) message;
  g_atomic_int_inc ((gint *) data);
}

static RunResult
run_pipeline (const char *description)
{
  gint sync_messages = 0;
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch (description, &error);
  GstElement *sink;
  GstPad *pad;
  GstBus *bus;
  GString *warnings = g_string_new (NULL);
  RunResult res = {
    g_ptr_array_new_with_free_func ((GDestroyNotify) gst_structure_free), NULL,
    NULL, g_ptr_array_new_with_free_func ((GDestroyNotify) ws_rating_free), NULL
  };
  gboolean done = FALSE;

  fail_unless (pipeline != NULL && error == NULL, "%s: %s", description,
      error ? error->message : "?");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  fail_unless (sink != NULL);
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, collect_events,
      &res, NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);

  bus = gst_element_get_bus (pipeline);
  /* never enabled here: "sync-message" is emitted only if an element turns
   * sync emission on for the application's bus, which ratingtag must not */
  g_signal_connect (bus, "sync-message", G_CALLBACK (count_sync_message),
      &sync_messages);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while (!done) {
    GstMessage *m = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING |
            GST_MESSAGE_ELEMENT);
    const GstStructure *s;
    GError *err = NULL;

    fail_unless (m != NULL, "%s: no EOS within 60 s", description);
    switch (GST_MESSAGE_TYPE (m)) {
      case GST_MESSAGE_EOS:
        done = TRUE;
        break;
      case GST_MESSAGE_ERROR:
        gst_message_parse_error (m, &err, NULL);
        res.error = g_strdup (err->message);
        g_error_free (err);
        done = TRUE;
        break;
      case GST_MESSAGE_WARNING:
        gst_message_parse_warning (m, &err, NULL);
        g_string_append_printf (warnings, "%s\n", err->message);
        g_error_free (err);
        break;
      default:
        s = gst_message_get_structure (m);
        if (s != NULL && gst_structure_has_name (s, "ratingtag"))
          g_ptr_array_add (res.messages, gst_structure_copy (s));
        break;
    }
    gst_message_unref (m);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_signal_handlers_disconnect_by_func (bus, count_sync_message,
      &sync_messages);
  fail_unless_equals_int (g_atomic_int_get (&sync_messages), 0);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  res.warnings = g_string_free (warnings, FALSE);
  return res;
}

static void
run_result_clear (RunResult *res)
{
  g_ptr_array_free (res->messages, TRUE);
  g_ptr_array_free (res->events, TRUE);
  g_free (res->warnings);
  g_free (res->error);
  g_free (res->stream_id);
}

/* A temporary folder per test, removed with its files by the fixture's
 * teardown even when the test fails. */
static char *tmp_dir;

static void
tmp_dir_setup (void)
{
  GError *error = NULL;

  tmp_dir = g_dir_make_tmp ("ws-ratingtag-XXXXXX", &error);
  fail_unless (tmp_dir != NULL, "tmp dir: %s", error ? error->message : "?");
}

static void
tmp_dir_teardown (void)
{
  GDir *d = tmp_dir ? g_dir_open (tmp_dir, 0, NULL) : NULL;
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
    char *path = g_build_filename (tmp_dir, name, NULL);

    g_unlink (path);
    g_free (path);
  }
  if (d != NULL)
    g_dir_close (d);
  if (tmp_dir != NULL)
    g_rmdir (tmp_dir);
  g_clear_pointer (&tmp_dir, g_free);
}

/* Makes a one-second FFV1 Matroska file with FFmpeg; @metadata are
 * "-metadata" values (NULL-terminated). */
static void
make_mkv (const char *path, const char *const *metadata)
{
  char *ffmpeg = g_find_program_in_path ("ffmpeg");
  GPtrArray *argv = g_ptr_array_new ();
  char *out = NULL, *err = NULL;
  GError *error = NULL;
  int status = 0;

  /* FFmpeg is a dependency of the project: a missing one fails loudly */
  fail_unless (ffmpeg != NULL, "ffmpeg is not in PATH: cannot make the "
                               "Matroska test file");
  g_ptr_array_add (argv, ffmpeg);
  for (const char *const *a =
           (const char *const[]){ "-nostdin", "-v", "error", "-y", "-f",
               "lavfi", "-i", "testsrc=d=1:s=64x48:r=5", "-c:v", "ffv1", NULL };
       *a != NULL; a++)
    g_ptr_array_add (argv, (gpointer) *a);
  for (; *metadata != NULL; metadata++) {
    g_ptr_array_add (argv, (gpointer) "-metadata");
    g_ptr_array_add (argv, (gpointer) *metadata);
  }
  g_ptr_array_add (argv, (gpointer) path);
  g_ptr_array_add (argv, NULL);
  fail_unless (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT,
                   NULL, NULL, &out, &err, &status, &error),
      "ffmpeg: %s", error ? error->message : "?");
  fail_unless (g_spawn_check_wait_status (status, NULL), "ffmpeg: %s", err);
  g_ptr_array_free (argv, TRUE);
  g_free (ffmpeg);
  g_free (out);
  g_free (err);
}

/* Reads an EBML variable-size integer at @i; returns its length, 0 when it
 * does not fit. @keep_marker: element ids keep the length marker bit. */
static gsize
ebml_vint (const guint8 *b, gsize len, gsize i, gboolean keep_marker,
    guint64 *value)
{
  gsize n = 1;
  guint8 mask = 0x80;
  guint64 v;

  if (i >= len || b[i] == 0)
    return 0;
  while (!(b[i] & mask)) {
    mask >>= 1;
    n++;
  }
  if (i + n > len)
    return 0;
  v = keep_marker ? b[i] : (b[i] & (mask - 1));
  for (gsize k = 1; k < n; k++)
    v = (v << 8) | b[i + k];
  *value = v;
  return n;
}

/* Appends an EBML element with a payload shorter than 127 bytes. */
static void
ebml_add (GByteArray *out, guint32 id, const guint8 *payload, gsize n)
{
  guint8 hdr[5];
  gsize h = 0;

  fail_unless (n < 127);
  for (int shift = 24; shift >= 0; shift -= 8) {
    if (h > 0 || (id >> shift) != 0)
      hdr[h++] = (id >> shift) & 0xFF;
  }
  hdr[h++] = 0x80 | n;
  g_byte_array_append (out, hdr, h);
  g_byte_array_append (out, payload, n);
}

static void
ebml_add_string (GByteArray *out, guint32 id, const char *s)
{
  ebml_add (out, id, (const guint8 *) s, strlen (s));
}

/* Replaces the Tags element of an FFmpeg-written Matroska file (same size,
 * padded with an EBML Void) with one Tag holding a SimpleTag COUNTRY whose
 * child SimpleTag is LAW_RATING: the nesting FFmpeg's muxer cannot write. */
static void
nest_law_rating (const char *path, const char *country, const char *rating)
{
  GByteArray *inner = g_byte_array_new (), *outer = g_byte_array_new ();
  GByteArray *targets = g_byte_array_new (), *tag = g_byte_array_new ();
  GByteArray *tags = g_byte_array_new ();
  guint8 *d = NULL, type_value = 50;
  gsize len = 0, i, n, tags_at = 0;
  guint64 id, size = 0, tags_size = 0;

  fail_unless (g_file_get_contents (path, (char **) &d, &len, NULL));
  /* EBML header, then the Segment's children */
  n = ebml_vint (d, len, 0, TRUE, &id);
  i = n + ebml_vint (d, len, n, FALSE, &size);
  i += size;
  n = ebml_vint (d, len, i, TRUE, &id);
  fail_unless (n > 0 && id == 0x18538067, "no Segment");
  i += n;
  i += ebml_vint (d, len, i, FALSE, &size);
  while (i < len && tags_at == 0) {
    gsize l1 = ebml_vint (d, len, i, TRUE, &id);
    gsize l2 = l1 ? ebml_vint (d, len, i + l1, FALSE, &size) : 0;

    fail_unless (l1 > 0 && l2 > 0, "bad EBML at %" G_GSIZE_FORMAT, i);
    if (id == 0x1254C367) {
      tags_at = i + l1 + l2;
      tags_size = size;
    }
    i += l1 + l2 + size;
  }
  fail_unless (tags_at > 0 && tags_at + tags_size <= len, "no Tags");

  ebml_add_string (inner, 0x45A3, "LAW_RATING");
  ebml_add_string (inner, 0x4487, rating);
  ebml_add_string (outer, 0x45A3, "COUNTRY");
  ebml_add_string (outer, 0x4487, country);
  ebml_add (outer, 0x67C8, inner->data, inner->len);
  ebml_add (targets, 0x68CA, &type_value, 1);
  ebml_add (tag, 0x63C0, targets->data, targets->len);
  ebml_add (tag, 0x67C8, outer->data, outer->len);
  ebml_add (tags, 0x7373, tag->data, tag->len);
  fail_unless (tags->len + 2 <= tags_size && tags_size - tags->len - 2 < 127,
      "Tags of %" G_GUINT64_FORMAT " bytes: no room", tags_size);
  {
    guint8 void_hdr[2] = { 0xEC, 0x80 | (tags_size - tags->len - 2) };

    g_byte_array_append (tags, void_hdr, 2);
    while (tags->len < tags_size)
      g_byte_array_append (tags, (const guint8 *) "", 1);
  }
  memcpy (d + tags_at, tags->data, tags_size);
  fail_unless (g_file_set_contents (path, (char *) d, len, NULL));
  g_free (d);
  g_byte_array_free (inner, TRUE);
  g_byte_array_free (outer, TRUE);
  g_byte_array_free (targets, TRUE);
  g_byte_array_free (tag, TRUE);
  g_byte_array_free (tags, TRUE);
}

/* Plays @path through matroskademux ! ratingtag and checks the rating. */
static void
check_mkv (const char *path, const char *territory, const char *system,
    const char *code, int age)
{
  char *desc = g_strdup_printf ("filesrc location=\"%s\" ! matroskademux ! "
                                "ratingtag territory=%s ! fakesink name=sink",
      path, territory);
  char *name = g_strdup_printf ("%s:%s", system, code);
  RunResult res = run_pipeline (desc);
  const GstStructure *s;

  fail_unless (res.error == NULL, "%s", res.error);
  fail_unless (res.messages->len >= 1, "%s: no ratingtag message", territory);
  fail_unless (res.events->len >= 1, "%s: no rating event at the sink",
      territory);
  s = g_ptr_array_index (res.messages, res.messages->len - 1);
  assert_rating (g_ptr_array_index (res.events, res.events->len - 1), system,
      code, age);
  fail_unless_equals_string (gst_structure_get_string (s, "source"),
      "matroska");
  fail_unless_equals_string (gst_structure_get_string (s, "rating"), name);
  fail_unless_equals_string (gst_structure_get_string (s, "territory"),
      territory);
  /* the rating went out before the first buffer */
  fail_unless_equals_uint64 (get_u64 (g_ptr_array_index (res.messages, 0),
                                 "timestamp"),
      0);
  run_result_clear (&res);
  g_free (name);
  g_free (desc);
}

GST_START_TEST (test_ratingtag_matroska_file_law_rating)
{
  char *path = g_build_filename (tmp_dir, "law-rating.mkv", NULL);
  const char *md[] = { "LAW_RATING=PG-13", "COUNTRY=GB",
    "COUNTRY/LAW_RATING=15", NULL };

  /* FFmpeg writes the nested key flattened, as a plain COUNTRY/LAW_RATING */
  make_mkv (path, md);
  check_mkv (path, "GB", "bbfc", "15", 15);
  /* the top-level LAW_RATING is for the element's territory */
  check_mkv (path, "US", "mpa", "PG-13", 13);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_ratingtag_matroska_file_nested_country)
{
  char *path = g_build_filename (tmp_dir, "nested.mkv", NULL);
  const char *md[] = { "TITLE=placeholder for the tags", NULL };

  /* a real nested SimpleTag: matroskademux gives COUNTRY=DE and
   * COUNTRY/LAW_RATING=16 as extended comments */
  make_mkv (path, md);
  nest_law_rating (path, "DE", "16");
  check_mkv (path, "DE", "fsk", "16", 16);
  g_free (path);
}

GST_END_TEST;

/* MPEG-2 CRC-32 (poly 0x04C11DB7, no reflection), as in PSI sections. */
static guint32
crc32_mpeg (const guint8 *data, gsize len)
{
  guint32 crc = 0xFFFFFFFF;

  for (gsize i = 0; i < len; i++) {
    crc ^= (guint32) data[i] << 24;
    for (int b = 0; b < 8; b++)
      crc = (crc & 0x80000000) ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
  }
  return crc;
}

/* An EIT present/following (actual) section, section 0 (the present event),
 * running, with a parental_rating_descriptor: GBR raw 0x0C (age 15) and DEU
 * raw 0x00 (undefined). */
static GstMpegtsSection *
make_eit_section_for (guint16 service_id, guint8 gbr_raw)
{
  const guint8 desc[] = { 0x55, 8, 'G', 'B', 'R', gbr_raw, 'D', 'E', 'U',
    0x00 };
  guint8 s[64];
  gsize n = 0, section_length;
  guint32 crc;

  s[n++] = 0x4E; /* table_id: EIT p/f actual */
  s[n++] = 0;    /* section_length: below */
  s[n++] = 0;
  s[n++] = service_id >> 8;
  s[n++] = service_id & 0xFF;
  s[n++] = 0xC1; /* version 0, current_next 1 */
  s[n++] = 0x00; /* section_number: present */
  s[n++] = 0x01; /* last_section_number */
  s[n++] = 0x00; /* transport_stream_id */
  s[n++] = 0x01;
  s[n++] = 0x00; /* original_network_id */
  s[n++] = 0x01;
  s[n++] = 0x01; /* segment_last_section_number */
  s[n++] = 0x4E; /* last_table_id */
  s[n++] = 0x00; /* event_id */
  s[n++] = 0x07;
  s[n++] = 0xE8; /* start_time: MJD 0xE87E, 20:00:00 */
  s[n++] = 0x7E;
  s[n++] = 0x20;
  s[n++] = 0x00;
  s[n++] = 0x00;
  s[n++] = 0x01; /* duration 01:30:00 */
  s[n++] = 0x30;
  s[n++] = 0x00;
  s[n++] = (4 << 5) | (sizeof desc >> 8); /* running, loop length */
  s[n++] = sizeof desc & 0xFF;
  memcpy (s + n, desc, sizeof desc);
  n += sizeof desc;
  section_length = n - 3 + 4;
  s[1] = 0xF0 | (section_length >> 8);
  s[2] = section_length & 0xFF;
  crc = crc32_mpeg (s, n);
  s[n++] = crc >> 24;
  s[n++] = crc >> 16;
  s[n++] = crc >> 8;
  s[n++] = crc;
  return gst_mpegts_section_new (0x12, g_memdup2 (s, n), n);
}

static GstMpegtsSection *
make_eit_section (void)
{
  return make_eit_section_for (1, 0x0C);
}

/* Plays the pipeline that writes a test file to its end, and frees it. */
static void
make_file (GstElement *pipeline)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *m;

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  m = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (m != NULL && GST_MESSAGE_TYPE (m) == GST_MESSAGE_EOS,
      "making the MPEG-TS failed");
  gst_message_unref (m);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

static void
make_ts_with_eit (const char *path)
{
  GError *error = NULL;
  char *desc = g_strdup_printf ("audiotestsrc num-buffers=150 ! audioconvert "
                                "! voaacenc ! aacparse ! mpegtsmux name=mux ! "
                                "filesink location=\"%s\"",
      path);
  GstElement *pipeline = gst_parse_launch (desc, &error);
  GstElement *mux;
  GstMpegtsSection *section;

  fail_unless (pipeline != NULL && error == NULL, "%s: %s", desc,
      error ? error->message : "?");
  mux = gst_bin_get_by_name (GST_BIN (pipeline), "mux");
  section = make_eit_section ();
  fail_unless (section != NULL);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  fail_unless (gst_mpegts_section_send_event (section, mux));
  gst_mpegts_section_unref (section);
  gst_object_unref (mux);
  make_file (pipeline);
  g_free (desc);
}

GST_START_TEST (test_ratingtag_mpegts_eit_parental_rating)
{
  static const char *const demuxers[] = { "tsparse ! tsdemux", "tsdemux" };
  char *path = g_build_filename (tmp_dir, "eit.ts", NULL);
  char *desc;
  const GstStructure *s;
  const WsRating *r;
  RunResult res;
  int age = 0;

  make_ts_with_eit (path);

  /* GB: raw 0x0C is dvb:15. The EIT is read from the packets entering
   * tsdemux, so tsparse before it is not needed; the application's bus is
   * left alone (run_pipeline checks that no sync message was emitted) */
  for (guint i = 0; i < G_N_ELEMENTS (demuxers); i++) {
    desc = g_strdup_printf ("filesrc location=\"%s\" ! %s ! "
                            "ratingtag territory=GB ! fakesink name=sink",
        path, demuxers[i]);
    res = run_pipeline (desc);
    fail_unless (res.error == NULL, "%s: %s", desc, res.error);
    fail_unless (res.messages->len >= 1, "%s: no ratingtag message", desc);
    g_free (desc);
    s = g_ptr_array_index (res.messages, res.messages->len - 1);
    fail_unless_equals_string (gst_structure_get_string (s, "source"),
        "dvb-eit");
    fail_unless_equals_string (gst_structure_get_string (s, "rating"),
        "dvb:15");
    fail_unless_equals_string (gst_structure_get_string (s, "territory"), "GB");
    fail_unless (gst_structure_get_int (s, "minimum-age", &age));
    fail_unless_equals_int (age, 15);
    fail_unless (res.events->len >= 1);
    r = g_ptr_array_index (res.events, res.events->len - 1);
    assert_rating (r, "dvb", "15", 15);
    run_result_clear (&res);
  }

  /* DE: raw 0x00 is "undefined": unrated, with a warning, never age 3 */
  desc = g_strdup_printf ("filesrc location=\"%s\" ! tsparse ! tsdemux ! "
                          "ratingtag territory=DE ! fakesink name=sink",
      path);
  res = run_pipeline (desc);
  g_free (desc);
  fail_unless (res.error == NULL, "%s", res.error);
  fail_unless (res.messages->len >= 1);
  s = g_ptr_array_index (res.messages, res.messages->len - 1);
  fail_unless_equals_string (gst_structure_get_string (s, "rating"), "unrated");
  fail_unless (gst_structure_get_int (s, "minimum-age", &age));
  fail_unless_equals_int (age, -1);
  fail_unless (strstr (res.warnings, "undefined") != NULL, "warnings: %s",
      res.warnings);
  run_result_clear (&res);

  g_free (path);
}

GST_END_TEST;

/* A multi-programme TS: programme 1 (PID 0x41) rated GBR 15, programme 2
 * (PID 0x42) rated GBR 18, each an AAC stream. mpegtsmux keeps one EIT
 * section, so both EITs are written as packets (PID 0x12) before its
 * output. */
static void
make_mpts (const char *path)
{
  GByteArray *file = g_byte_array_new ();
  gchar *contents = NULL;
  gsize len = 0;
  GError *error = NULL;
  char *desc = g_strdup_printf ("audiotestsrc num-buffers=150 ! voaacenc ! "
                                "aacparse ! mux.sink_65 "
                                "audiotestsrc num-buffers=150 freq=880 ! "
                                "voaacenc ! aacparse ! "
                                "mux.sink_66 mpegtsmux name=mux "
                                "prog-map=\"program_map,sink_65=(int)1,sink_66="
                                "(int)2\" ! "
                                "filesink location=\"%s\"",
      path);
  GstElement *pipeline = gst_parse_launch (desc, &error);

  fail_unless (pipeline != NULL && error == NULL, "%s: %s", desc,
      error ? error->message : "?");
  make_file (pipeline);
  g_free (desc);
  for (guint16 sid = 1; sid <= 2; sid++) {
    GstMpegtsSection *section = make_eit_section_for (sid,
        sid == 1 ? 0x0C : 0x0F);
    GBytes *bytes = gst_mpegts_section_get_data (section);
    gsize n = 0;
    const guint8 *data = g_bytes_get_data (bytes, &n);
    guint8 pkt[188];

    fail_unless (n + 5 <= sizeof pkt);
    memset (pkt, 0xFF, sizeof pkt);
    pkt[0] = 0x47;
    pkt[1] = 0x40; /* payload_unit_start, PID 0x0012 */
    pkt[2] = 0x12;
    pkt[3] = 0x10 | (sid - 1); /* payload only, continuity counter */
    pkt[4] = 0x00;             /* pointer_field */
    memcpy (pkt + 5, data, n);
    g_byte_array_append (file, pkt, sizeof pkt);
    g_bytes_unref (bytes);
    gst_mpegts_section_unref (section);
  }
  fail_unless (g_file_get_contents (path, &contents, &len, NULL));
  g_byte_array_append (file, (const guint8 *) contents, len);
  fail_unless (
      g_file_set_contents (path, (const char *) file->data, file->len, NULL));
  g_free (contents);
  g_byte_array_free (file, TRUE);
}

/* The age ratingtag gave for @desc (its last message). */
static int
mpts_age (const char *desc, RunResult *res)
{
  const GstStructure *s;
  int age = 0;

  *res = run_pipeline (desc);
  fail_unless (res->error == NULL, "%s: %s", desc, res->error);
  fail_unless (res->messages->len >= 1, "%s: no ratingtag message", desc);
  s = g_ptr_array_index (res->messages, res->messages->len - 1);
  fail_unless_equals_string (gst_structure_get_string (s, "source"), "dvb-eit");
  fail_unless (gst_structure_get_int (s, "minimum-age", &age));
  return age;
}

/* A multi-programme TS is rated by the programme the demuxer plays: the
 * one named in tsdemux's program-number, else the one whose PMT holds the
 * stream received; never the first programme's rating for another's
 * stream (programme 2 was rated 15, programme 1's, before). */
GST_START_TEST (test_ratingtag_mpegts_programme_played)
{
  char *path = g_build_filename (tmp_dir, "mpts.ts", NULL);
  char *desc;
  RunResult res;

  make_mpts (path);
  for (int prog = 1; prog <= 2; prog++) {
    desc = g_strdup_printf ("filesrc location=\"%s\" ! tsdemux "
                            "program-number=%d ! ratingtag territory=GB ! "
                            "fakesink name=sink",
        path, prog);
    fail_unless_equals_int (mpts_age (desc, &res), prog == 1 ? 15 : 18);
    g_free (desc);
    run_result_clear (&res);
  }
  /* the demuxer's choice: the programme of the stream received (PID 0x41
   * is programme 1's, 0x42 programme 2's) */
  desc = g_strdup_printf ("filesrc location=\"%s\" ! tsdemux ! "
                          "ratingtag territory=GB ! fakesink name=sink",
      path);
  {
    int age = mpts_age (desc, &res);
    fail_unless (res.stream_id != NULL);
    fail_unless (g_str_has_suffix (res.stream_id, "/00000041") ||
                     g_str_has_suffix (res.stream_id, "/00000042"),
        "%s", res.stream_id);
    fail_unless_equals_int (age,
        g_str_has_suffix (res.stream_id, "/00000041") ? 15 : 18);
  }
  g_free (desc);
  run_result_clear (&res);
  g_free (path);
}

GST_END_TEST;

/* ---- one reader, one conflict rule (issues #13 and #11) ------------------ */

/* No file upstream (the harness): the tag list, with the conflict rule. */
GST_START_TEST (test_ratingtag_itunextc_tags_conflict)
{
  Fixture f = fixture_new ("territory", "GB", NULL);
  char *warnings, *source = NULL;
  WsRating *r;

  fail_unless (gst_harness_push_event (f.h,
      gst_event_new_tag (extended_comments ("iTunEXTC=uk-movie|18|500|",
          "iTunEXTC=uk-movie|U|100|", NULL))));
  push_at (&f, 0);
  r = pull_rating (&f, &source, NULL, NULL);
  assert_rating (r, "bbfc", "18", 18);
  fail_unless_equals_string (source, "mp4");
  warnings = pop_warnings (&f);
  fail_unless (strstr (warnings,
                   "rating-conflict: GB has two ratings, "
                   "bbfc:18 (iTunEXTC) and bbfc:U (iTunEXTC)") != NULL,
      "warnings: %s", warnings);
  g_free (warnings);
  ws_rating_free (r);
  g_free (source);
  fixture_free (&f);
}

GST_END_TEST;

/* An MP4 iTunEXTC, which qtdemux drops, read from the file's own bytes. */
GST_START_TEST (test_ratingtag_mp4_file_itunextc)
{
  char *path = g_build_filename (tmp_dir, "itunes.mp4", NULL);
  char *out = NULL, *err = NULL, *desc;
  int status = 0;
  const GstStructure *s;
  RunResult res;
  const char *argv[] = { "ffmpeg", "-nostdin", "-v", "error", "-y", "-f",
    "lavfi", "-i", "testsrc=d=1:s=64x48:r=5", "-c:v", "mpeg4", "-movflags",
    "use_metadata_tags", "-metadata", "iTunEXTC=uk-movie|15|350|", path, NULL };

  fail_unless (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH,
      NULL, NULL, &out, &err, &status, NULL));
  fail_unless (g_spawn_check_wait_status (status, NULL), "ffmpeg: %s", err);
  desc = g_strdup_printf ("filesrc location=\"%s\" ! qtdemux ! ratingtag "
                          "territory=GB ! fakesink name=sink",
      path);
  res = run_pipeline (desc);
  fail_unless (res.error == NULL, "%s", res.error);
  fail_unless (res.messages->len >= 1, "no ratingtag message");
  s = g_ptr_array_index (res.messages, res.messages->len - 1);
  fail_unless_equals_string (gst_structure_get_string (s, "rating"), "bbfc:15");
  fail_unless_equals_string (gst_structure_get_string (s, "source"), "mp4");
  assert_rating (g_ptr_array_index (res.events, res.events->len - 1), "bbfc",
      "15", 15);
  run_result_clear (&res);
  g_unlink (path);
  g_free (desc);
  g_free (out);
  g_free (err);
  g_free (path);
}

GST_END_TEST;

/* LAW_RATING=bbfc:18 with no COUNTRY is GB's: nothing for DE. */
GST_START_TEST (test_ratingtag_matroska_file_other_territory)
{
  char *path = g_build_filename (tmp_dir, "bbfc18.mkv", NULL);
  const char *md[] = { "LAW_RATING=bbfc:18", NULL };
  char *desc = g_strdup_printf ("filesrc location=\"%s\" ! matroskademux ! "
                                "ratingtag territory=DE ! fakesink name=sink",
      path);
  RunResult res;

  make_mkv (path, md);
  res = run_pipeline (desc);
  fail_unless (res.error == NULL, "%s", res.error);
  fail_unless_equals_int (res.messages->len, 0);
  fail_unless_equals_int (res.events->len, 0);
  run_result_clear (&res);
  check_mkv (path, "GB", "bbfc", "18", 18);
  g_unlink (path);
  g_free (desc);
  g_free (path);
}

GST_END_TEST;

/* ---- errors -------------------------------------------------------------- */

static char *
start_and_get_error (const char *location)
{
  GstElement *e = gst_element_factory_make ("ratingtag", NULL);
  GstBus *bus = gst_bus_new ();
  GstMessage *m;
  GError *err = NULL;
  char *msg;

  gst_element_set_bus (e, bus);
  g_object_set (e, "location", location, NULL);
  fail_unless_equals_int (gst_element_set_state (e, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (m != NULL, "no error message");
  gst_message_parse_error (m, &err, NULL);
  msg = g_strdup (err->message);
  g_error_free (err);
  gst_message_unref (m);
  gst_element_set_state (e, GST_STATE_NULL);
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
  gst_object_unref (e);
  return msg;
}

GST_START_TEST (test_ratingtag_bad_metadata_file_error)
{
  char *path = g_build_filename (tmp_dir, "broken.xml", NULL);
  const char *files = g_getenv ("WS_TEST_FILES");
  char *msg;

  /* malformed XML: the message names the file and the line */
  fail_unless (g_file_set_contents (path,
      "<?xml version=\"1.0\"?>\n"
      "<watershed-metadata xmlns=\"urn:watershed:metadata:1\">\n"
      "  <programme id=\"x\">\n"
      "</watershed-metadata>\n",
      -1, NULL));
  msg = start_and_get_error (path);
  fail_unless (strstr (msg, path) != NULL, "message lacks the file: %s", msg);
  g_free (msg);

  /* a missing file */
  msg = start_and_get_error ("/nonexistent/ws-missing.xml");
  fail_unless (strstr (msg, "/nonexistent/ws-missing.xml") != NULL, "%s", msg);
  g_free (msg);

  /* a well-formed sidecar with a code its system lacks: FILE:LINE */
  if (files != NULL) {
    char *bad = g_build_filename (files, "metadata", "sidecar-invalid-code.xml",
        NULL);
    char *needle = g_strdup_printf ("%s:", bad);

    msg = start_and_get_error (bad);
    fail_unless (strstr (msg, needle) != NULL, "%s", msg);
    g_free (msg);
    g_free (needle);
    g_free (bad);
  }
  g_free (path);
}

GST_END_TEST;

/* issue 11, row 10: a FIFO as location used to hang the element's start
 * for ever; it, a directory and /dev/zero are refused at once. */
GST_START_TEST (test_ratingtag_location_not_a_file)
{
  char *fifo = g_build_filename (tmp_dir, "fifo.xml", NULL);
  const char *paths[] = { fifo, tmp_dir, "/dev/zero" };
  const char *kinds[] = { "is a FIFO", "is a directory",
    "is a character device" };
  char *msg;

  fail_unless (mkfifo (fifo, 0600) == 0);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++) {
    msg = start_and_get_error (paths[i]);
    fail_unless (strstr (msg, paths[i]) && strstr (msg, kinds[i]) &&
                     strstr (msg, "not a regular file"),
        "%s", msg);
    g_free (msg);
  }
  g_unlink (fifo);
  g_free (fifo);
}

GST_END_TEST;

static Suite *
ratingtag_suite (void)
{
  Suite *s = suite_create ("ratingtag");
  TCase *tc;

  tc = tcase_create ("metadata");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_ratingtag_metadata_event_tags_message);
  tcase_add_test (tc, test_ratingtag_territory_and_system);
  tcase_add_test (tc, test_ratingtag_no_rating_sends_nothing);
  tcase_add_test (tc, test_ratingtag_warns_territory_missing);
  tcase_add_test (tc, test_ratingtag_warns_unknown_system);
  tcase_add_test (tc, test_ratingtag_warns_unknown_code);

  tc = tcase_create ("programmes");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_ratingtag_segment_ratings_at_boundaries);
  tcase_add_test (tc, test_ratingtag_new_metadata_while_playing);
  tcase_add_test (tc, test_ratingtag_programme_start_event);
  tcase_add_test (tc, test_ratingtag_upstream_rating_event);

  tc = tcase_create ("stream");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_ratingtag_matroska_nested_tags);
  tcase_add_test (tc, test_ratingtag_itunextc_tag);
  tcase_add_test (tc, test_ratingtag_itunextc_tags_conflict);
  tcase_add_test (tc, test_ratingtag_prefer_metadata_disagreement);
  tcase_add_test (tc, test_ratingtag_prefer_stream);
  tcase_add_test (tc, test_ratingtag_stream_preferred_system);

  tc = tcase_create ("files");
  tcase_set_timeout (tc, 120);
  tcase_add_checked_fixture (tc, tmp_dir_setup, tmp_dir_teardown);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_ratingtag_matroska_file_law_rating);
  tcase_add_test (tc, test_ratingtag_matroska_file_nested_country);
  tcase_add_test (tc, test_ratingtag_mpegts_eit_parental_rating);
  tcase_add_test (tc, test_ratingtag_mpegts_programme_played);
  tcase_add_test (tc, test_ratingtag_mp4_file_itunextc);
  tcase_add_test (tc, test_ratingtag_matroska_file_other_territory);

  tc = tcase_create ("errors");
  tcase_add_checked_fixture (tc, tmp_dir_setup, tmp_dir_teardown);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_ratingtag_bad_metadata_file_error);

  tc = tcase_create ("hostile");
  tcase_add_checked_fixture (tc, tmp_dir_setup, tmp_dir_teardown);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_ratingtag_location_not_a_file);
  return s;
}

GST_CHECK_MAIN (ratingtag);
