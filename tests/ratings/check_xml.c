/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for ratings/ws-xml.c: safe loading and DOM helpers. */
#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ws-error.h"
#include "ws-xml.h"

static xmlDoc *
read_str (const char *text, GError **error)
{
  return ws_xml_read_memory (text, strlen (text), "test.xml", error);
}

START_TEST (test_xml_reads_well_formed)
{
  GError *error = NULL;
  xmlDoc *doc = read_str ("<?xml version=\"1.0\"?>\n<a xmlns=\"urn:x:1\">\n"
                          "  <b> hello </b>\n  <c k=\" v \"/>\n</a>\n",
      &error);
  xmlNode *root, *b, *c;
  char *text, *attr;

  ck_assert_ptr_nonnull (doc);
  ck_assert_ptr_null (error);
  root = xmlDocGetRootElement (doc);
  ck_assert (ws_xml_is (root, "urn:x:", "a"));
  ck_assert (!ws_xml_is (root, "urn:y:", "a"));
  ck_assert (ws_xml_ns_has_prefix (root, "urn:x"));
  b = ws_xml_first_child (root, NULL, "b");
  ck_assert_ptr_nonnull (b);
  ck_assert_int_eq (ws_xml_line (b), 3);
  text = ws_xml_text (b);
  ck_assert_str_eq (text, "hello");
  g_free (text);
  c = ws_xml_next_sibling (b, "urn:x:", "c");
  ck_assert_ptr_nonnull (c);
  attr = ws_xml_attr (c, "k", NULL);
  ck_assert_str_eq (attr, "v");
  g_free (attr);
  ck_assert_ptr_null (ws_xml_attr (c, "missing", NULL));
  ck_assert_ptr_null (ws_xml_next_sibling (c, NULL, NULL));
  xmlFreeDoc (doc);
}
END_TEST

START_TEST (test_xml_empty_text_is_null)
{
  xmlDoc *doc = read_str ("<a><b>   </b><c/></a>", NULL);
  xmlNode *root = xmlDocGetRootElement (doc);

  ck_assert_ptr_null (ws_xml_text (ws_xml_first_child (root, NULL, "b")));
  ck_assert_ptr_null (ws_xml_text (ws_xml_first_child (root, NULL, "c")));
  ck_assert_ptr_null (ws_xml_text (NULL));
  xmlFreeDoc (doc);
}
END_TEST

START_TEST (test_xml_malformed_names_line)
{
  GError *error = NULL;
  xmlDoc *doc = read_str ("<a>\n<b>\n</a>\n", &error);

  ck_assert_ptr_null (doc);
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_MALFORMED));
  ck_assert_msg (g_str_has_prefix (error->message, "test.xml:3:"),
      "message was: %s", error->message);
  g_error_free (error);
}
END_TEST

START_TEST (test_xml_empty_input)
{
  GError *error = NULL;

  ck_assert_ptr_null (ws_xml_read_memory ("", 0, "empty.xml", &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_MALFORMED));
  ck_assert (strstr (error->message, "empty.xml") != NULL);
  g_error_free (error);
}
END_TEST

START_TEST (test_xml_external_entity_refused)
{
  GError *error = NULL;
  const char *xxe = "<?xml version=\"1.0\"?>\n"
                    "<!DOCTYPE a [\n"
                    "  <!ENTITY secret SYSTEM \"file:///etc/passwd\">\n"
                    "]>\n"
                    "<a>&secret;</a>\n";
  xmlDoc *doc = read_str (xxe, &error);

  ck_assert_ptr_null (doc);
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_FORBIDDEN));
  ck_assert (strstr (error->message, "test.xml:3:") != NULL);
  ck_assert (strstr (error->message, "root:") == NULL);
  g_error_free (error);
}
END_TEST

START_TEST (test_xml_billion_laughs_fails_fast)
{
  GString *s = g_string_new ("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
                             " <!ENTITY lol \"lol\">\n");
  GError *error = NULL;
  xmlDoc *doc;

  for (int i = 1; i < 10; i++) {
    g_string_append_printf (s, " <!ENTITY lol%d \"", i);
    for (int j = 0; j < 10; j++) {
      if (i == 1)
        g_string_append (s, "&lol;");
      else
        g_string_append_printf (s, "&lol%d;", i - 1);
    }
    g_string_append (s, "\">\n");
  }
  g_string_append (s, "]>\n<lolz>&lol9;</lolz>\n");
  doc = read_str (s->str, &error);
  ck_assert_ptr_null (doc);
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_FORBIDDEN));
  ck_assert (strstr (error->message, "entity") != NULL);
  g_error_free (error);
  g_string_free (s, TRUE);
}
END_TEST

START_TEST (test_xml_external_dtd_not_loaded)
{
  GError *error = NULL;
  /* An external subset is never fetched: the document still reads, and
   * nothing from the DTD is applied. */
  xmlDoc *doc = read_str ("<?xml version=\"1.0\"?>\n"
                          "<!DOCTYPE a SYSTEM "
                          "\"http://127.0.0.1:9/never.dtd\">\n<a>x</a>\n",
      &error);

  ck_assert_ptr_nonnull (doc);
  ck_assert_ptr_null (error);
  xmlFreeDoc (doc);
}
END_TEST

START_TEST (test_xml_size_bound)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp ("ws-xml-XXXXXX", NULL);
  char *path = g_build_filename (dir, "big.xml", NULL);
  GString *s = g_string_new ("<a>");

  for (int i = 0; i < 1000; i++)
    g_string_append (s, "<b>0123456789</b>");
  g_string_append (s, "</a>");
  ck_assert (g_file_set_contents (path, s->str, s->len, NULL));

  ck_assert_ptr_null (ws_xml_read_file (path, 1024, &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_TOO_LARGE));
  ck_assert (strstr (error->message, "big.xml") != NULL);
  g_clear_error (&error);

  {
    xmlDoc *doc = ws_xml_read_file (path, 0, &error);
    ck_assert_ptr_nonnull (doc);
    xmlFreeDoc (doc);
  }

  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
  g_string_free (s, TRUE);
}
END_TEST

START_TEST (test_xml_missing_file_and_directory)
{
  GError *error = NULL;

  ck_assert_ptr_null (ws_xml_read_file ("/nonexistent/x.xml", 0, &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_IO));
  ck_assert (strstr (error->message, "/nonexistent/x.xml") != NULL);
  g_clear_error (&error);

  ck_assert_ptr_null (ws_xml_read_file ("/", 0, &error));
  ck_assert (g_error_matches (error, WS_ERROR, WS_ERROR_IO));
  g_clear_error (&error);
}
END_TEST

START_TEST (test_xml_big_line_numbers)
{
  GString *s = g_string_new ("<a>\n");
  xmlDoc *doc;
  xmlNode *b;

  for (int i = 0; i < 70000; i++)
    g_string_append_c (s, '\n');
  g_string_append (s, "<b/></a>");
  doc = read_str (s->str, NULL);
  ck_assert_ptr_nonnull (doc);
  b = ws_xml_first_child (xmlDocGetRootElement (doc), NULL, "b");
  ck_assert_int_eq (ws_xml_line (b), 70002);
  xmlFreeDoc (doc);
  g_string_free (s, TRUE);
}
END_TEST

static Suite *
xml_suite (void)
{
  Suite *s = suite_create ("ws-xml");
  TCase *core = tcase_create ("core");
  TCase *errors = tcase_create ("errors");
  TCase *security = tcase_create ("security");

  tcase_add_test (core, test_xml_reads_well_formed);
  tcase_add_test (core, test_xml_empty_text_is_null);
  tcase_add_test (core, test_xml_big_line_numbers);
  suite_add_tcase (s, core);

  tcase_add_test (errors, test_xml_malformed_names_line);
  tcase_add_test (errors, test_xml_empty_input);
  tcase_add_test (errors, test_xml_missing_file_and_directory);
  tcase_add_test (errors, test_xml_size_bound);
  suite_add_tcase (s, errors);

  tcase_add_test (security, test_xml_external_entity_refused);
  tcase_add_test (security, test_xml_billion_laughs_fails_fast);
  tcase_add_test (security, test_xml_external_dtd_not_loaded);
  suite_add_tcase (s, security);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (xml_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
