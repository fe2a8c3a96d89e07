/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A program of the kind the docs tell integrators to write, built against
 * the installed watershed-1.0 pkg-config file only (scripts/check-install):
 *
 *   cc ws-api-example.c $(pkg-config --cflags --libs watershed-1.0)
 *   ./a.out METADATA.xml
 *
 * It reads the metadata's GB rating, asks the uk-ofcom policy about 20:30
 * and 21:30, and round-trips the rating event an application sends into a
 * pipeline. Prints one line of facts; exits 1 on any error. */
#include <stdio.h>
#include <watershed.h>

static int
fail (const char *what, GError *error)
{
  fprintf (stderr, "ws-api-example: %s: %s\n", what,
      error != NULL ? error->message : "failed");
  g_clear_error (&error);
  return 1;
}

int
main (int argc, char **argv)
{
  GError *error = NULL;
  const WsRatingRegistry *reg;
  WsMetadata *md;
  const WsRating *rating;
  const WsRatingDef *def;
  WsPolicy *policy;
  WsDecision early, late;
  gint64 t_early, t_late;
  GstEvent *event;
  WsRating *back;
  char *source = NULL;
  int status = 0;

  if (argc != 2) {
    fprintf (stderr, "usage: ws-api-example METADATA.xml\n");
    return 2;
  }
  gst_init (NULL, NULL);
  ws_rating_tags_register ();

  reg = ws_rating_registry_get_default (&error);
  if (reg == NULL)
    return fail ("rating systems", error);
  md = ws_metadata_read_file (argv[1], reg, &error);
  if (md == NULL)
    return fail (argv[1], error);
  rating = ws_metadata_pick (md, "GB", NULL);
  if (rating == NULL || rating->system == NULL) {
    ws_metadata_free (md);
    return fail ("no resolved GB rating", NULL);
  }
  def = ws_rating_registry_resolve (reg, rating->system, rating->code);
  policy = ws_policy_load ("uk-ofcom", reg, &error);
  if (policy == NULL) {
    ws_metadata_free (md);
    return fail ("uk-ofcom", error);
  }
  if (!ws_policy_parse_time (policy, "2026-07-01T20:30", &t_early, &error) ||
      !ws_policy_parse_time (policy, "2026-07-01T21:30", &t_late, &error)) {
    ws_policy_free (policy);
    ws_metadata_free (md);
    return fail ("time", error);
  }
  ws_policy_decide (policy, NULL, def, t_early, WS_ACCESS_NONE, &early);
  ws_policy_decide (policy, NULL, def, t_late, WS_ACCESS_NONE, &late);

  event = ws_rating_event_new (rating, "application");
  back = ws_rating_event_parse (event, &source);
  if (back == NULL || g_strcmp0 (back->system, rating->system) != 0 ||
      g_strcmp0 (back->code, rating->code) != 0 ||
      back->minimum_age != rating->minimum_age)
    status = fail ("the rating event does not round-trip", NULL);
  else
    printf ("GB %s:%s age %d; 20:30 %s; 21:30 %s; event %s from %s\n",
        rating->system, rating->code, rating->minimum_age,
        early.allowed ? "allowed" : "blocked",
        late.allowed ? "allowed" : "blocked",
        gst_structure_get_name (gst_event_get_structure (event)), source);

  g_free (source);
  if (back != NULL)
    ws_rating_free (back);
  gst_event_unref (event);
  ws_policy_free (policy);
  ws_metadata_free (md);
  return status;
}
