/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for ratings/ws-territory.c (ISO 3166-1 and DVB groups). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ws-territory.h"

/* Number of officially assigned ISO 3166-1 codes (iso-codes 4.15). */
#define N_ASSIGNED 249

static void
assert_norm (const char *code, const char *expected)
{
  const char *got = ws_territory_normalise (code);

  if (expected == NULL)
    ck_assert_msg (got == NULL, "\"%s\" should not normalise, got %s",
        code ? code : "(null)", got);
  else
    ck_assert_msg (got != NULL && strcmp (got, expected) == 0,
        "\"%s\" should normalise to %s, got %s", code, expected,
        got ? got : "(null)");
}

/* ---- core --------------------------------------------------------------- */

START_TEST (test_territory_normalise_alpha2)
{
  assert_norm ("GB", "GB");
  assert_norm ("gb", "GB");
  assert_norm ("Gb", "GB");
  assert_norm ("  de\t", "DE");
  assert_norm ("\nFR \n", "FR");
  assert_norm ("NA", "NA"); /* Namibia, not "not available" */
  assert_norm ("SS", "SS"); /* South Sudan (2011) */
  assert_norm ("CW", "CW"); /* Curaçao (2010) */
  assert_norm ("BQ", "BQ");
  assert_norm ("AX", "AX");
}
END_TEST

START_TEST (test_territory_normalise_alpha3)
{
  assert_norm ("GBR", "GB");
  assert_norm ("deu", "DE");
  assert_norm ("FRA", "FR");
  assert_norm ("NZL", "NZ");
  assert_norm (" aus ", "AU");
  assert_norm ("USA", "US");
  assert_norm ("NLD", "NL");
  assert_norm ("SSD", "SS");
}
END_TEST

START_TEST (test_territory_normalise_numeric)
{
  assert_norm ("826", "GB");
  assert_norm ("276", "DE");
  assert_norm ("250", "FR");
  assert_norm ("008", "AL");
  assert_norm ("840", "US");
  assert_norm (" 036 ", "AU");
  assert_norm ("728", "SS");
}
END_TEST

START_TEST (test_territory_normalise_uk_alias)
{
  assert_norm ("UK", "GB");
  assert_norm ("uk", "GB");
  ck_assert_str_eq (ws_territory_get_alpha3 ("uk"), "GBR");
}
END_TEST

START_TEST (test_territory_get_alpha3_maps_alpha2)
{
  ck_assert_str_eq (ws_territory_get_alpha3 ("GB"), "GBR");
  ck_assert_str_eq (ws_territory_get_alpha3 ("de"), "DEU");
  ck_assert_str_eq (ws_territory_get_alpha3 ("NZ"), "NZL");
  ck_assert_str_eq (ws_territory_get_alpha3 ("BR"), "BRA");
  ck_assert_ptr_null (ws_territory_get_alpha3 ("XX"));
  ck_assert_ptr_null (ws_territory_get_alpha3 (NULL));
  ck_assert_ptr_null (ws_territory_get_alpha3 (""));
}
END_TEST

START_TEST (test_territory_dvb_group_range)
{
  ck_assert (ws_territory_is_dvb_group ("900"));
  ck_assert (ws_territory_is_dvb_group ("950"));
  ck_assert (ws_territory_is_dvb_group ("999"));
  ck_assert (ws_territory_is_dvb_group (" 901 "));
  ck_assert (!ws_territory_is_dvb_group ("899"));
  ck_assert (!ws_territory_is_dvb_group ("826"));
  ck_assert (!ws_territory_is_dvb_group ("9000"));
  ck_assert (!ws_territory_is_dvb_group ("99"));
  ck_assert (!ws_territory_is_dvb_group ("9a0"));
  ck_assert (!ws_territory_is_dvb_group ("GBR"));
  ck_assert (!ws_territory_is_dvb_group (""));
  ck_assert (!ws_territory_is_dvb_group (NULL));
  /* A group is not a country. */
  assert_norm ("900", NULL);
}
END_TEST

/* ---- limits ------------------------------------------------------------- */

/* Every two-letter, three-letter and three-digit string: exactly the
 * assigned codes normalise, each one to itself (alpha-2), and alpha-2,
 * alpha-3 and numeric agree with one another. */
START_TEST (test_territory_table_complete_and_consistent)
{
  char code[4];
  int n2 = 0, n3 = 0, nnum = 0;

  for (char a = 'A'; a <= 'Z'; a++) {
    for (char b = 'A'; b <= 'Z'; b++) {
      const char *n, *a3;

      code[0] = a;
      code[1] = b;
      code[2] = '\0';
      n = ws_territory_normalise (code);
      if (n == NULL || strcmp (code, "UK") == 0)
        continue;
      ck_assert_str_eq (n, code);
      n2++;
      a3 = ws_territory_get_alpha3 (code);
      ck_assert_ptr_nonnull (a3);
      ck_assert_int_eq (strlen (a3), 3);
      ck_assert_str_eq (ws_territory_normalise (a3), code);
    }
  }
  for (char a = 'A'; a <= 'Z'; a++) {
    for (char b = 'A'; b <= 'Z'; b++) {
      for (char c = 'A'; c <= 'Z'; c++) {
        const char *n;

        code[0] = a;
        code[1] = b;
        code[2] = c;
        code[3] = '\0';
        n = ws_territory_normalise (code);
        if (n == NULL)
          continue;
        n3++;
        ck_assert_str_eq (ws_territory_get_alpha3 (n), code);
      }
    }
  }
  for (int i = 0; i < 1000; i++) {
    g_snprintf (code, sizeof code, "%03d", i);
    if (ws_territory_normalise (code) != NULL)
      nnum++;
  }
  ck_assert_int_eq (n2, N_ASSIGNED);
  ck_assert_int_eq (n3, N_ASSIGNED);
  ck_assert_int_eq (nnum, N_ASSIGNED);
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

START_TEST (test_territory_normalise_rejects_unassigned)
{
  assert_norm ("AUK", NULL); /* the typo in a DVB-I test file */
  assert_norm ("XX", NULL);
  assert_norm ("ZZ", NULL);
  assert_norm ("EU", NULL);  /* exceptionally reserved, not a country */
  assert_norm ("AN", NULL);  /* Netherlands Antilles, withdrawn 2010 */
  assert_norm ("YU", NULL);  /* Yugoslavia, withdrawn */
  assert_norm ("021", NULL); /* UN M49 region "Northern America" */
  assert_norm ("000", NULL);
}
END_TEST

START_TEST (test_territory_normalise_rejects_malformed)
{
  assert_norm (NULL, NULL);
  assert_norm ("", NULL);
  assert_norm ("   ", NULL);
  assert_norm ("G", NULL);
  assert_norm ("GBRX", NULL);
  assert_norm ("G B", NULL);
  assert_norm ("G1", NULL);
  assert_norm ("82", NULL);
  assert_norm ("8260", NULL);
  assert_norm ("GB,FR", NULL);
  assert_norm ("\xc3\x84"
               "B",
      NULL); /* non-ASCII letter */
  assert_norm ("gb-eng", NULL);
}
END_TEST

static Suite *
territory_suite (void)
{
  Suite *s = suite_create ("territory");
  TCase *tc;

  tc = tcase_create ("core");
  tcase_add_test (tc, test_territory_normalise_alpha2);
  tcase_add_test (tc, test_territory_normalise_alpha3);
  tcase_add_test (tc, test_territory_normalise_numeric);
  tcase_add_test (tc, test_territory_normalise_uk_alias);
  tcase_add_test (tc, test_territory_get_alpha3_maps_alpha2);
  tcase_add_test (tc, test_territory_dvb_group_range);
  suite_add_tcase (s, tc);

  tc = tcase_create ("limits");
  tcase_add_test (tc, test_territory_table_complete_and_consistent);
  suite_add_tcase (s, tc);

  tc = tcase_create ("errors");
  tcase_add_test (tc, test_territory_normalise_rejects_unassigned);
  tcase_add_test (tc, test_territory_normalise_rejects_malformed);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (territory_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
