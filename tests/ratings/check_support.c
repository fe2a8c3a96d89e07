/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tests of ratings/ws-support.h: the support directory (helplines), its
 * topic map, the shipped data files and the loader's errors. */
#include <check.h>
#include <glib/gstdio.h>
#include <libxml/xmlschemas.h>
#include <stdlib.h>
#include <string.h>

#include "ws-error.h"
#include "ws-metadata.h"
#include "ws-policy.h"
#include "ws-rating.h"
#include "ws-support.h"
#include "ws-xml.h"

static char *
datadir_file (const char *rel)
{
  const char *dd = g_getenv ("WATERSHED_DATADIR");

  ck_assert_msg (dd != NULL, "WATERSHED_DATADIR is not set");
  return g_build_filename (dd, rel, NULL);
}

static WsSupportDirectory *
load_installed (void)
{
  GError *error = NULL;
  WsSupportDirectory *dir = ws_support_directory_new (NULL, &error);

  ck_assert_msg (dir != NULL, "%s", error ? error->message : "?");
  return dir;
}

static const WsRatingRegistry *
registry (void)
{
  GError *error = NULL;
  const WsRatingRegistry *reg = ws_rating_registry_get_default (&error);

  ck_assert_msg (reg != NULL, "%s", error ? error->message : "?");
  return reg;
}

static WsRating *
make_rating (const char *system, const char *code, const char *const *descs,
    const char *const *topics)
{
  WsRating *r = ws_rating_new ();

  r->system = g_strdup (system);
  r->code = g_strdup (code);
  for (const char *const *d = descs; d && *d; d++)
    g_ptr_array_add (r->descriptors, g_strdup (*d));
  for (const char *const *t = topics; t && *t; t++)
    g_ptr_array_add (r->support_topics, g_strdup (*t));
  return r;
}

/* The topics @r calls for, joined with ',', equal @expected ("" none). */
static void
expect_topics (const WsSupportDirectory *dir, const WsRatingRegistry *reg,
    const WsRating *r, const char *expected)
{
  char **topics = ws_support_topics_for_rating (dir, reg, r);
  char *s = g_strjoinv (",", topics);

  ck_assert_str_eq (s, expected);
  g_free (s);
  g_strfreev (topics);
}

/* ---- core -------------------------------------------------------------- */

START_TEST (test_support_lookup_gb_suicide)
{
  WsSupportDirectory *dir = load_installed ();
  const char *const topics[] = { "suicide-self-harm", NULL };
  GPtrArray *hl = ws_support_lookup (dir, "GB", topics);
  const WsHelpline *h;

  ck_assert_uint_eq (hl->len, 2);
  h = g_ptr_array_index (hl, 0);
  ck_assert_str_eq (h->territory, "GB");
  ck_assert_str_eq (h->topic, "suicide-self-harm");
  ck_assert_str_eq (h->name, "Samaritans");
  ck_assert_str_eq (h->number, "116 123");
  ck_assert_str_eq (h->url, "https://www.samaritans.org/");
  ck_assert_str_eq (h->lang, "en");
  ck_assert_str_eq (h->checked, "2026-12-03");
  ck_assert (g_str_has_prefix (h->source, "https://"));
  ck_assert (h->verified);
  ck_assert (g_str_has_suffix (h->file, "gb.xml"));
  ck_assert_int_gt (h->line, 10);
  /* the general child helpline comes last */
  h = g_ptr_array_index (hl, 1);
  ck_assert_str_eq (h->topic, "child");
  ck_assert_str_eq (h->name, "Childline");
  ck_assert_str_eq (h->number, "0800 1111");
  g_ptr_array_unref (hl);
  ws_support_directory_free (dir);
}
END_TEST

START_TEST (test_support_lookup_order_and_aliases)
{
  WsSupportDirectory *dir = load_installed ();
  const char *const topics[] = { "addiction", "abuse", NULL };
  const char *const with_child[] = { "child", "addiction", "child", NULL };
  GPtrArray *hl = ws_support_lookup (dir, "gbr", topics);
  const char *const expect[] = { "FRANK", "National Gambling Helpline",
    "National Domestic Abuse Helpline", "Childline" };

  ck_assert_uint_eq (hl->len, G_N_ELEMENTS (expect));
  for (guint i = 0; i < hl->len; i++)
    ck_assert_str_eq (((WsHelpline *) g_ptr_array_index (hl, i))->name,
        expect[i]);
  g_ptr_array_unref (hl);

  /* UK is GB; child asked first is listed once, first */
  hl = ws_support_lookup (dir, "UK", with_child);
  ck_assert_uint_eq (hl->len, 3);
  ck_assert_str_eq (((WsHelpline *) g_ptr_array_index (hl, 0))->name,
      "Childline");
  ck_assert_str_eq (((WsHelpline *) g_ptr_array_index (hl, 1))->name, "FRANK");
  g_ptr_array_unref (hl);

  /* German: language and hours as the service states them */
  hl = ws_support_lookup (dir, "DEU", topics + 1);
  ck_assert_uint_eq (hl->len, 2);
  ck_assert_str_eq (((WsHelpline *) g_ptr_array_index (hl, 0))->number,
      "116 016");
  ck_assert_str_eq (((WsHelpline *) g_ptr_array_index (hl, 1))->number,
      "116 111");
  ck_assert_str_eq (((WsHelpline *) g_ptr_array_index (hl, 1))->lang, "de");
  ck_assert_str_eq (((WsHelpline *) g_ptr_array_index (hl, 1))->hours,
      "Mo–Sa 14–20 Uhr; Mo, Mi, Do auch 10–12 Uhr");
  g_ptr_array_unref (hl);
  ws_support_directory_free (dir);
}
END_TEST

START_TEST (test_support_lookup_nothing)
{
  WsSupportDirectory *dir = load_installed ();
  const char *const none[] = { NULL };
  const char *const topics[] = { "abuse", NULL };
  GPtrArray *hl;

  hl = ws_support_lookup (dir, "GB", none);
  ck_assert_uint_eq (hl->len, 0);
  g_ptr_array_unref (hl);
  hl = ws_support_lookup (dir, "XX", topics);
  ck_assert_uint_eq (hl->len, 0);
  g_ptr_array_unref (hl);
  /* JP has no support file */
  hl = ws_support_lookup (dir, "JP", topics);
  ck_assert_uint_eq (hl->len, 0);
  g_ptr_array_unref (hl);
  ws_support_directory_free (dir);
}
END_TEST

/* What the end card would lack: NL lists a gap for addiction; JP has no
 * file at all; the child helpline stands in for no other topic. */
START_TEST (test_support_missing_topics)
{
  WsSupportDirectory *dir = load_installed ();
  const char *const topics[] = { "addiction", "abuse", "child", NULL };
  char **missing;
  char *s;

  missing = ws_support_missing_topics (dir, "NL", topics);
  s = g_strjoinv (",", missing);
  ck_assert_str_eq (s, "addiction");
  g_free (s);
  g_strfreev (missing);
  missing = ws_support_missing_topics (dir, "JP", topics);
  s = g_strjoinv (",", missing);
  ck_assert_str_eq (s, "addiction,abuse,child");
  g_free (s);
  g_strfreev (missing);
  missing = ws_support_missing_topics (dir, "GB", topics);
  ck_assert_ptr_null (missing[0]);
  g_strfreev (missing);
  ws_support_directory_free (dir);
}
END_TEST

START_TEST (test_support_topics_from_descriptors)
{
  WsSupportDirectory *dir = load_installed ();
  const char *const d1[] = { "violence", "drugs", "sexual-violence", "language",
    NULL };
  const char *const d2[] = { "sexual threat", NULL }; /* a bbfc alias */
  const char *const d3[] = { "sexualisierte-gewalt", "drogenkonsum", NULL };
  const char *const d4[] = { "Suicide", "Gambling", NULL }; /* as written */
  const char *const t4[] = { "eating-disorders", "addiction", NULL };
  WsRating *r;

  r = make_rating ("bbfc", "15", d1, NULL);
  expect_topics (dir, registry (), r, "addiction,abuse");
  ws_rating_free (r);

  r = make_rating ("bbfc", "18", d2, NULL);
  expect_topics (dir, registry (), r, "abuse");
  /* without the registry the alias cannot be resolved */
  expect_topics (dir, NULL, r, "");
  ws_rating_free (r);

  r = make_rating ("fsk", "16", d3, NULL);
  expect_topics (dir, registry (), r, "abuse,addiction");
  ws_rating_free (r);

  /* free-text descriptors (no system), then explicit sidecar topics
   * without repeats */
  r = make_rating (NULL, NULL, d4, t4);
  expect_topics (dir, registry (), r,
      "suicide-self-harm,addiction,eating-disorders");
  ws_rating_free (r);

  /* mpa violence/language: nothing */
  {
    const char *const d5[] = { "violence", "language", NULL };
    r = make_rating ("mpa", "R", d5, NULL);
    expect_topics (dir, registry (), r, "");
    ws_rating_free (r);
  }
  ws_support_directory_free (dir);
}
END_TEST

START_TEST (test_support_rating_copy_equal)
{
  const char *const t[] = { "abuse", NULL };
  WsRating *a = make_rating ("bbfc", "15", NULL, t);
  WsRating *b = ws_rating_copy (a);

  ck_assert_uint_eq (b->support_topics->len, 1);
  ck_assert_str_eq (g_ptr_array_index (b->support_topics, 0), "abuse");
  ck_assert (ws_rating_equal (a, b));
  g_ptr_array_add (b->support_topics, g_strdup ("addiction"));
  ck_assert (!ws_rating_equal (a, b));
  ws_rating_free (a);
  ws_rating_free (b);
}
END_TEST

START_TEST (test_support_memory_single_file)
{
  static const char doc[] =
      "<support xmlns=\"urn:watershed:support:1\" territory=\"nzl\" "
      "lang=\"en\">\n"
      "<helpline topic=\"child\" lang=\"mi\"><name>A</name>"
      "<url>https://a.example/</url>"
      "<source href=\"https://a.example/s\" checked=\"2024-02-29\"/>"
      "</helpline>\n"
      "<helpline topic=\"child\"><name>B</name><number>1</number>"
      "<source href=\"https://b.example/\" checked=\"2024-03-01\" "
      "verified=\"no\"/></helpline></support>";
  GError *error = NULL;
  WsSupportDirectory *dir = ws_support_directory_new_memory (doc, strlen (doc),
      "t.xml", &error);
  const char *const topics[] = { "child", NULL };
  GPtrArray *hl;
  char **terr;
  const WsHelpline *h;

  ck_assert_msg (dir != NULL, "%s", error ? error->message : "?");
  terr = ws_support_directory_list_territories (dir);
  ck_assert_str_eq (terr[0], "NZ");
  ck_assert_ptr_null (terr[1]);
  g_strfreev (terr);
  hl = ws_support_lookup (dir, "NZ", topics);
  ck_assert_uint_eq (hl->len, 2);
  h = g_ptr_array_index (hl, 1);
  ck_assert_str_eq (h->name, "B");
  ck_assert_str_eq (h->lang, "en"); /* the file's */
  ck_assert (!h->verified);
  h = g_ptr_array_index (hl, 0);
  ck_assert_ptr_null (h->number);
  ck_assert_ptr_null (h->hours);
  ck_assert_str_eq (h->lang, "mi");
  ck_assert_str_eq (h->checked, "2024-02-29");
  ck_assert_int_eq (h->line, 2);
  ck_assert (h->verified);
  g_ptr_array_unref (hl);
  ws_support_directory_free (dir);
}
END_TEST

/* The sidecar's <support topic="..."/> (ws-metadata-sidecar.c). */
static WsMetadata *
read_sidecar (const char *rating_body, GError **error)
{
  char *doc =
      g_strdup_printf ("<watershed-metadata xmlns=\"urn:watershed:metadata:1\" "
                       "version=\"1\">\n"
                       "<programme id=\"P\">\n<rating territory=\"GB\" "
                       "system=\"bbfc\" "
                       "code=\"15\">\n%s</rating></programme></"
                       "watershed-metadata>",
          rating_body);
  WsMetadata *md = ws_metadata_read_memory (doc, strlen (doc), "s.xml",
      registry (), error);

  g_free (doc);
  return md;
}

START_TEST (test_support_sidecar_topics)
{
  GError *error = NULL;
  WsMetadata *md = read_sidecar ("<descriptor>drugs</descriptor>\n"
                                 "<text xml:lang=\"en\">Drugs</text>\n"
                                 "<support topic=\"suicide-self-harm\"/>\n"
                                 "<support topic=\"addiction\"/>\n",
      &error);
  WsSupportDirectory *dir = load_installed ();
  const WsRating *r;

  ck_assert_msg (md != NULL, "%s", error ? error->message : "?");
  ck_assert (ws_metadata_is_valid (md));
  r = g_ptr_array_index (md->ratings, 0);
  ck_assert_uint_eq (r->support_topics->len, 2);
  ck_assert_str_eq (g_ptr_array_index (r->support_topics, 0),
      "suicide-self-harm");
  /* drugs -> addiction first, then the explicit ones, addiction once */
  expect_topics (dir, registry (), r, "addiction,suicide-self-harm");
  ws_metadata_free (md);
  ws_support_directory_free (dir);

  /* errors: each names FILE:LINE and what to write */
  md = read_sidecar ("<support topic=\"Suicide\"/>\n", &error);
  ck_assert_ptr_null (md);
  ck_assert_msg (strstr (error->message, "s.xml:4") != NULL &&
                     strstr (error->message, "\"Suicide\"") != NULL,
      "%s", error->message);
  g_clear_error (&error);
  md = read_sidecar ("<support/>\n", &error);
  ck_assert_ptr_null (md);
  ck_assert (strstr (error->message, "missing topic") != NULL);
  g_clear_error (&error);
  md = read_sidecar ("<support topic=\"abuse\"/>\n<support topic=\"abuse\"/>",
      &error);
  ck_assert_ptr_null (md);
  ck_assert_msg (strstr (error->message, "s.xml:5") != NULL &&
                     strstr (error->message, "twice") != NULL,
      "%s", error->message);
  g_clear_error (&error);
  md = read_sidecar ("<support topic=\"abuse\"/>\n<text "
                     "xml:lang=\"en\">T</text>",
      &error);
  ck_assert_ptr_null (md);
  ck_assert_msg (strstr (error->message, "after a <support>") != NULL, "%s",
      error->message);
  g_clear_error (&error);
}
END_TEST

/* ---- data -------------------------------------------------------------- */

/* The "gap TOPIC:" lines of the comment before the root element. */
static gboolean
header_lists_gap (const char *path, const char *topic)
{
  GError *error = NULL;
  xmlDoc *doc = ws_xml_read_file (path, 0, &error);
  gboolean found = FALSE;
  char *needle = g_strdup_printf ("gap %s:", topic);

  ck_assert_msg (doc != NULL, "%s", error ? error->message : "?");
  for (xmlNode *n = doc->children; n && n->type != XML_ELEMENT_NODE;
       n = n->next) {
    if (n->type == XML_COMMENT_NODE && n->content &&
        strstr ((const char *) n->content, needle))
      found = TRUE;
  }
  xmlFreeDoc (doc);
  g_free (needle);
  return found;
}

START_TEST (test_support_data_covers_policy_territories)
{
  GError *error = NULL;
  WsSupportDirectory *dir = load_installed ();
  char **ids = ws_policy_list_ids (&error);
  char **mapped = ws_support_directory_list_mapped_topics (dir);
  GPtrArray *all = ws_support_directory_get_helplines (dir);
  guint n_policies = 0, n_gaps = 0;

  ck_assert_msg (ids != NULL, "%s", error ? error->message : "?");
  /* the map leads to these four; child is added to every card */
  ck_assert_uint_eq (g_strv_length (mapped), 4);
  for (char **id = ids; *id; id++) {
    WsPolicy *p = ws_policy_load (*id, NULL, &error);
    const char *terr;
    const char *file;

    ck_assert_msg (p != NULL, "%s", error ? error->message : "?");
    terr = ws_policy_get_jurisdiction (p);
    file = ws_support_directory_get_territory_file (dir, terr);
    ck_assert_msg (file != NULL, "policy %s: no support file for %s", *id,
        terr);
    for (guint t = 0; t <= g_strv_length (mapped); t++) {
      const char *topic = t < g_strv_length (mapped) ? mapped[t] : "child";
      gboolean have = FALSE;
      for (guint i = 0; i < all->len && !have; i++) {
        const WsHelpline *h = g_ptr_array_index (all, i);
        have = !strcmp (h->territory, terr) && !strcmp (h->topic, topic);
      }
      if (!have) {
        ck_assert_msg (header_lists_gap (file, topic),
            "%s: no helpline for topic %s and no \"gap %s:\" line in the "
            "header comment",
            file, topic, topic);
        n_gaps++;
      } else
        ck_assert_msg (!header_lists_gap (file, topic),
            "%s: lists a gap for %s but has a helpline for it", file, topic);
    }
    n_policies++;
    ws_policy_free (p);
  }
  ck_assert_uint_eq (n_policies, 10);
  ck_assert_uint_gt (n_gaps, 0);
  /* every entry has a source and a real check date */
  ck_assert_uint_ge (all->len, 30);
  for (guint i = 0; i < all->len; i++) {
    const WsHelpline *h = g_ptr_array_index (all, i);
    GDate *d = g_date_new ();
    ck_assert (g_str_has_prefix (h->source, "https://") ||
               g_str_has_prefix (h->source, "http://"));
    ck_assert_uint_eq (strlen (h->checked), 10);
    g_date_set_parse (d, h->checked);
    ck_assert_msg (g_date_valid (d), "%s:%d: bad date", h->file, h->line);
    g_date_free (d);
    ck_assert (h->number != NULL || h->url != NULL);
  }
  g_strfreev (mapped);
  g_strfreev (ids);
  ws_support_directory_free (dir);
}
END_TEST

START_TEST (test_support_data_validates)
{
  char *xsd = datadir_file ("schemas/support.xsd");
  char *dirname = datadir_file ("support");
  xmlSchemaParserCtxtPtr pctx = xmlSchemaNewParserCtxt (xsd);
  xmlSchemaPtr schema = xmlSchemaParse (pctx);
  GDir *d = g_dir_open (dirname, 0, NULL);
  const char *n;
  guint count = 0;

  ck_assert_msg (schema != NULL, "%s does not parse", xsd);
  ck_assert_ptr_nonnull (d);
  while ((n = g_dir_read_name (d)) != NULL) {
    char *f = g_build_filename (dirname, n, NULL);
    GError *error = NULL;
    xmlDoc *doc = ws_xml_read_file (f, 0, &error);
    xmlSchemaValidCtxtPtr vctx;

    ck_assert_msg (doc != NULL, "%s: %s", f, error ? error->message : "?");
    vctx = xmlSchemaNewValidCtxt (schema);
    ck_assert_msg (xmlSchemaValidateDoc (vctx, doc) == 0,
        "%s does not validate against support.xsd", f);
    xmlSchemaFreeValidCtxt (vctx);
    xmlFreeDoc (doc);
    g_free (f);
    count++;
  }
  g_dir_close (d);
  ck_assert_uint_eq (count, 11);
  xmlSchemaFree (schema);
  xmlSchemaFreeParserCtxt (pctx);
  g_free (xsd);
  g_free (dirname);
}
END_TEST

/* ---- errors ------------------------------------------------------------ */

#define TERR_HEAD \
  "<support xmlns=\"urn:watershed:support:1\" territory=\"GB\" lang=\"en\">\n"

static void
expect_error (const char *doc, int code, const char *where, const char *field)
{
  GError *error = NULL;
  WsSupportDirectory *dir = ws_support_directory_new_memory (doc, strlen (doc),
      "bad.xml", &error);

  ck_assert_msg (dir == NULL, "accepted: %s", doc);
  ck_assert_ptr_nonnull (error);
  ck_assert_msg (g_error_matches (error, WS_ERROR, code), "%d: %s", error->code,
      error->message);
  ck_assert_msg (strstr (error->message, where) != NULL,
      "\"%s\" does not name %s", error->message, where);
  ck_assert_msg (strstr (error->message, field) != NULL,
      "\"%s\" does not name %s", error->message, field);
  g_error_free (error);
}

START_TEST (test_support_errors_fields)
{
  expect_error (TERR_HEAD "<helpline topic=\"child\"><name>A</name>"
                          "<number>1</number></helpline></support>",
      WS_ERROR_INVALID, "bad.xml:2:", "\"source\"");
  expect_error (TERR_HEAD "\n<helpline topic=\"child\"><name>A</name>"
                          "<number>1</number><source "
                          "href=\"https://x.example/\"/></helpline></support>",
      WS_ERROR_INVALID, "bad.xml:3:", "\"checked\"");
  expect_error (TERR_HEAD "<helpline topic=\"child\"><name>A</name>"
                          "<number>1</number><source href=\"https://x/\" "
                          "checked=\"2026-02-30\"/></helpline></support>",
      WS_ERROR_INVALID, "bad.xml:2:", "2026-02-30");
  expect_error (TERR_HEAD "<helpline topic=\"child\"><name>A</name>"
                          "<number>1</number><source href=\"https://x/\" "
                          "checked=\"3 Dec 2026\"/></helpline></support>",
      WS_ERROR_INVALID, "bad.xml:2:", "\"checked\"");
  expect_error (TERR_HEAD "<helpline topic=\"child\"><name>A</name>"
                          "<number>1</number><source href=\"ftp://x/\" "
                          "checked=\"2026-12-03\"/></helpline></support>",
      WS_ERROR_INVALID, "bad.xml:2:", "\"href\"");
  expect_error (TERR_HEAD "<helpline topic=\"child\"><name>A</name>"
                          "<source href=\"https://x/\" "
                          "checked=\"2026-12-03\"/></helpline></support>",
      WS_ERROR_INVALID, "bad.xml:2:", "\"number\"");
  expect_error (TERR_HEAD "<helpline topic=\"Child\"><name>A</name>"
                          "<number>1</number><source href=\"https://x/\" "
                          "checked=\"2026-12-03\"/></helpline></support>",
      WS_ERROR_INVALID, "bad.xml:2:", "\"topic\"");
  expect_error (TERR_HEAD "<helpline topic=\"child\"><name>A</name>"
                          "<number>1</number><phone>2</phone></helpline>"
                          "</support>",
      WS_ERROR_INVALID, "bad.xml:2:", "<phone>");
  expect_error ("<support xmlns=\"urn:watershed:support:1\" territory=\"XX\" "
                "lang=\"en\"/>",
      WS_ERROR_INVALID, "bad.xml:1:", "\"territory\"");
  expect_error ("<support xmlns=\"urn:watershed:support:1\" lang=\"en\"/>",
      WS_ERROR_INVALID, "bad.xml:1:", "\"territory\"");
  expect_error ("<support xmlns=\"urn:watershed:support:1\" "
                "territory=\"GB\">\n<helpline topic=\"child\"><name>A</name>"
                "<number>1</number><source href=\"https://x/\" "
                "checked=\"2026-12-03\"/></helpline></support>",
      WS_ERROR_INVALID, "bad.xml:2:", "\"lang\"");
  expect_error ("<support-topics xmlns=\"urn:watershed:support:1\">\n"
                "<topic id=\"a\" label=\"A\"/>\n"
                "<map category=\"drugs\" descriptor=\"x\" topic=\"a\"/>"
                "</support-topics>",
      WS_ERROR_INVALID, "bad.xml:3:", "\"descriptor\"");
  expect_error ("<support-topics xmlns=\"urn:watershed:support:1\">\n"
                "<topic id=\"a\" label=\"A\"/>\n"
                "<map category=\"drugs\" topic=\"b\"/></support-topics>",
      WS_ERROR_INVALID, "bad.xml:3:", "\"topic\"");
  expect_error ("<support-topics xmlns=\"urn:watershed:support:1\">\n"
                "<topic id=\"a\" label=\"A\"/>\n<topic id=\"a\" label=\"B\"/>"
                "</support-topics>",
      WS_ERROR_INVALID, "bad.xml:3:", "\"id\"");
}
END_TEST

START_TEST (test_support_errors_xml)
{
  expect_error (TERR_HEAD "<helpline topic=\"child\">\n<name>A</nam>"
                          "</helpline></support>",
      WS_ERROR_MALFORMED, "bad.xml:3", "nam");
  expect_error ("<!DOCTYPE support [<!ENTITY x SYSTEM "
                "\"file:///etc/passwd\">]>" TERR_HEAD
                "<helpline topic=\"child\"><name>&x;</name>"
                "</helpline></support>",
      WS_ERROR_FORBIDDEN, "bad.xml", "");
  expect_error ("<policy xmlns=\"urn:watershed:policy:1\"/>",
      WS_ERROR_UNKNOWN_FORMAT, "bad.xml:1:", "<policy>");
}
END_TEST

static void
write_file (const char *dir, const char *name, const char *text)
{
  char *p = g_build_filename (dir, name, NULL);
  ck_assert (g_file_set_contents (p, text, -1, NULL));
  g_free (p);
}

static void
remove_tree (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *n;

  while (d && (n = g_dir_read_name (d)) != NULL) {
    char *p = g_build_filename (dir, n, NULL);
    g_remove (p);
    g_free (p);
  }
  if (d)
    g_dir_close (d);
  g_rmdir (dir);
}

START_TEST (test_support_errors_directory)
{
  char *dir = g_dir_make_tmp ("ws-support-XXXXXX", NULL);
  GError *error = NULL;
  WsSupportDirectory *sd;
  static const char gb[] = TERR_HEAD
      "<helpline topic=\"grief\"><name>A</name><number>1</number>"
      "<source href=\"https://x/\" checked=\"2026-12-03\"/>"
      "</helpline></support>";

  ck_assert_ptr_nonnull (dir);
  write_file (dir, "gb.xml", gb);
  /* no topic list */
  sd = ws_support_directory_new (dir, &error);
  ck_assert_ptr_null (sd);
  ck_assert (strstr (error->message, "topics.xml") != NULL);
  g_clear_error (&error);
  /* a topic the list does not declare */
  write_file (dir, "topics.xml",
      "<support-topics xmlns=\"urn:watershed:support:1\">"
      "<topic id=\"child\" label=\"C\"/></support-topics>");
  sd = ws_support_directory_new (dir, &error);
  ck_assert_ptr_null (sd);
  ck_assert_msg (strstr (error->message, "gb.xml:2:") != NULL &&
                     strstr (error->message, "\"grief\"") != NULL,
      "%s", error->message);
  g_clear_error (&error);
  /* two files for one territory */
  write_file (dir, "gb.xml",
      TERR_HEAD "<helpline topic=\"child\"><name>A</name><number>1</number>"
                "<source href=\"https://x/\" checked=\"2026-12-03\"/>"
                "</helpline></support>");
  write_file (dir, "uk.xml",
      "<support xmlns=\"urn:watershed:support:1\" territory=\"UK\" "
      "lang=\"en\"/>");
  sd = ws_support_directory_new (dir, &error);
  ck_assert_ptr_null (sd);
  ck_assert_msg (strstr (error->message, "uk.xml:1:") != NULL &&
                     strstr (error->message, "gb.xml") != NULL,
      "%s", error->message);
  g_clear_error (&error);
  /* fixed: loads */
  {
    char *p = g_build_filename (dir, "uk.xml", NULL);
    g_remove (p);
    g_free (p);
  }
  sd = ws_support_directory_new (dir, &error);
  ck_assert_msg (sd != NULL, "%s", error ? error->message : "?");
  ws_support_directory_free (sd);
  /* a path that does not exist */
  {
    char *p = g_build_filename (dir, "none.xml", NULL);
    sd = ws_support_directory_new (p, &error);
    ck_assert_ptr_null (sd);
    ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_IO));
    g_clear_error (&error);
    g_free (p);
  }
  remove_tree (dir);
  g_free (dir);
}
END_TEST

/* The digest names the data: a copy elsewhere has the same one, any change
 * to a file, a file more or a renamed file another. */
START_TEST (test_support_digest)
{
  char *a = g_dir_make_tmp ("ws-support-XXXXXX", NULL);
  char *b = g_dir_make_tmp ("ws-support-XXXXXX", NULL);
  static const char topics[] =
      "<support-topics xmlns=\"urn:watershed:support:1\">"
      "<topic id=\"child\" label=\"C\"/></support-topics>";
  static const char gb[] = TERR_HEAD
      "<helpline topic=\"child\"><name>A</name><number>1</number>"
      "<source href=\"https://x/\" checked=\"2026-12-03\"/>"
      "</helpline></support>";
  static const char gb2[] = TERR_HEAD
      "<helpline topic=\"child\"><name>A</name><number>2</number>"
      "<source href=\"https://x/\" checked=\"2026-12-03\"/>"
      "</helpline></support>";
  char *da, *db, *d2, *d3, *dm;
  WsSupportDirectory *sd, *mem;
  GError *error = NULL;

  ck_assert_ptr_nonnull (a);
  ck_assert_ptr_nonnull (b);
  write_file (a, "topics.xml", topics);
  write_file (a, "gb.xml", gb);
  write_file (b, "topics.xml", topics);
  write_file (b, "gb.xml", gb);
  sd = ws_support_directory_new (a, &error);
  ck_assert_msg (sd != NULL, "%s", error ? error->message : "?");
  da = g_strdup (ws_support_directory_get_digest (sd));
  ws_support_directory_free (sd);
  ck_assert_uint_eq (strlen (da), 64);
  ck_assert_uint_eq (strspn (da, "0123456789abcdef"), 64);
  /* the same files in another folder */
  sd = ws_support_directory_new (b, &error);
  ck_assert_msg (sd != NULL, "%s", error ? error->message : "?");
  db = g_strdup (ws_support_directory_get_digest (sd));
  ws_support_directory_free (sd);
  ck_assert_str_eq (da, db);
  /* one number changed */
  write_file (b, "gb.xml", gb2);
  sd = ws_support_directory_new (b, &error);
  ck_assert_msg (sd != NULL, "%s", error ? error->message : "?");
  d2 = g_strdup (ws_support_directory_get_digest (sd));
  ws_support_directory_free (sd);
  ck_assert_str_ne (d2, da);
  /* the same content under another name */
  write_file (b, "gb.xml", gb);
  {
    char *from = g_build_filename (b, "gb.xml", NULL);
    char *to = g_build_filename (b, "uk.xml", NULL);
    ck_assert_int_eq (g_rename (from, to), 0);
    g_free (from);
    g_free (to);
  }
  sd = ws_support_directory_new (b, &error);
  ck_assert_msg (sd != NULL, "%s", error ? error->message : "?");
  d3 = g_strdup (ws_support_directory_get_digest (sd));
  ws_support_directory_free (sd);
  ck_assert_str_ne (d3, da);
  ck_assert_str_ne (d3, d2);
  /* one file in memory: stable, and not the folder's */
  mem = ws_support_directory_new_memory (topics, strlen (topics), "topics.xml",
      &error);
  ck_assert_msg (mem != NULL, "%s", error ? error->message : "?");
  dm = g_strdup (ws_support_directory_get_digest (mem));
  ws_support_directory_free (mem);
  mem = ws_support_directory_new_memory (topics, strlen (topics), "topics.xml",
      &error);
  ck_assert_msg (mem != NULL, "%s", error ? error->message : "?");
  ck_assert_str_eq (ws_support_directory_get_digest (mem), dm);
  ck_assert_str_ne (dm, da);
  ws_support_directory_free (mem);
  /* the installed data has one */
  sd = load_installed ();
  ck_assert_uint_eq (strlen (ws_support_directory_get_digest (sd)), 64);
  ws_support_directory_free (sd);
  remove_tree (a);
  remove_tree (b);
  g_free (a);
  g_free (b);
  g_free (da);
  g_free (db);
  g_free (d2);
  g_free (d3);
  g_free (dm);
}
END_TEST

static Suite *
support_suite (void)
{
  Suite *s = suite_create ("support");
  TCase *tc;

  tc = tcase_create ("core");
  tcase_add_test (tc, test_support_lookup_gb_suicide);
  tcase_add_test (tc, test_support_lookup_order_and_aliases);
  tcase_add_test (tc, test_support_lookup_nothing);
  tcase_add_test (tc, test_support_topics_from_descriptors);
  tcase_add_test (tc, test_support_rating_copy_equal);
  tcase_add_test (tc, test_support_digest);
  tcase_add_test (tc, test_support_memory_single_file);
  tcase_add_test (tc, test_support_sidecar_topics);
  tcase_add_test (tc, test_support_missing_topics);
  suite_add_tcase (s, tc);

  tc = tcase_create ("data");
  tcase_add_test (tc, test_support_data_covers_policy_territories);
  tcase_add_test (tc, test_support_data_validates);
  suite_add_tcase (s, tc);

  tc = tcase_create ("errors");
  tcase_add_test (tc, test_support_errors_fields);
  tcase_add_test (tc, test_support_errors_xml);
  tcase_add_test (tc, test_support_errors_directory);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (support_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
