/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed stamp: write ratings into a finished media file (ws-stamp.h). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "ws-cli.h"
#include "ws-error.h"
#include "ws-metadata.h"
#include "ws-stamp.h"
#include "ws-territory.h"

typedef struct {
  const WsRatingRegistry *reg;
  GPtrArray *ratings;  /* WsRating, one per territory */
  GPtrArray *warnings; /* char * */
} Selection;

static void add_warning (Selection *sel, const char *format, ...)
    G_GNUC_PRINTF (2, 3);

static void
add_warning (Selection *sel, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (sel->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

/* --territory CC,CC --territory CC -> normalised alpha-2 codes */
static gboolean
parse_territories (char **opt, GPtrArray *out)
{
  for (char **t = opt; t != NULL && *t != NULL; t++) {
    char **parts = g_strsplit (*t, ",", -1);

    for (char **p = parts; *p != NULL; p++) {
      const char *cc = ws_territory_normalise (*p);

      if (**p == '\0')
        continue;
      if (cc == NULL) {
        ws_cli_error ("stamp: --territory \"%s\" is not an ISO 3166 country "
                      "code",
            *p);
        g_strfreev (parts);
        return FALSE;
      }
      for (guint i = 0; i < out->len; i++) {
        if (strcmp (g_ptr_array_index (out, i), cc) == 0) {
          cc = NULL;
          break;
        }
      }
      if (cc != NULL)
        g_ptr_array_add (out, (gpointer) cc);
    }
    g_strfreev (parts);
  }
  return TRUE;
}

static WsRating *
rating_for (const WsRatingDef *def, const char *territory)
{
  WsRating *r = ws_rating_new ();

  ws_rating_set_resolved (r, def);
  r->territory = g_strdup (territory);
  return r;
}

/* --rating SYSTEM:CODE ... with --territory paired by position, or each
 * rating in its system's territory. */
static gboolean
select_from_options (Selection *sel, char **ratings, GPtrArray *territories)
{
  guint n = g_strv_length (ratings);

  if (territories->len != 0 && territories->len != n) {
    ws_cli_error ("stamp: %u --rating but %u territories; give one "
                  "--territory per --rating (in the same order), or none",
        n, territories->len);
    return FALSE;
  }
  for (guint i = 0; i < n; i++) {
    GError *error = NULL;
    const WsRatingDef *def = ws_rating_registry_parse (sel->reg, ratings[i],
        &error);
    const char *cc;

    if (def == NULL) {
      ws_cli_error ("stamp: --rating %s: %s", ratings[i], error->message);
      g_error_free (error);
      return FALSE;
    }
    if (territories->len > 0) {
      cc = g_ptr_array_index (territories, i);
    } else {
      cc = ws_territory_normalise (
          ws_rating_system_get_territory (ws_rating_def_get_system (def)));
      if (cc == NULL) {
        ws_cli_error ("stamp: --rating %s: the system %s is not of one "
                      "country; give --territory",
            ratings[i],
            ws_rating_system_get_id (ws_rating_def_get_system (def)));
        return FALSE;
      }
    }
    for (guint j = 0; j < sel->ratings->len; j++) {
      const WsRating *o = g_ptr_array_index (sel->ratings, j);

      if (strcmp (o->territory, cc) == 0) {
        ws_cli_error ("stamp: two ratings for %s (%s:%s and %s); give one "
                      "per territory",
            cc, o->system, o->code, ratings[i]);
        return FALSE;
      }
    }
    g_ptr_array_add (sel->ratings, rating_for (def, cc));
  }
  return TRUE;
}

/* The territory a metadata rating applies to: its own, else its system's
 * when that is a country; NULL when neither. */
static const char *
rating_territory (const WsRatingRegistry *reg, const WsRating *r)
{
  const WsRatingDef *def;

  if (r->territory != NULL)
    return ws_territory_normalise (r->territory);
  def = ws_rating_lookup (reg, r, NULL, NULL);
  if (def == NULL)
    return NULL;
  return ws_territory_normalise (
      ws_rating_system_get_territory (ws_rating_def_get_system (def)));
}

/* The most restrictive rating of @md for @cc (ratings without a territory
 * apply everywhere; segment ratings count too: the container has one
 * rating for the whole file). */
static gboolean
select_territory (Selection *sel, const WsMetadata *md, const char *cc)
{
  const WsRating *best = NULL;
  const WsRatingDef *best_def = NULL;
  GString *names = g_string_new (NULL);
  guint n = 0;

  for (guint i = 0; i < md->ratings->len; i++) {
    const WsRating *r = g_ptr_array_index (md->ratings, i);
    const WsRatingDef *def;

    if (r->territory != NULL &&
        g_strcmp0 (ws_territory_normalise (r->territory), cc) != 0)
      continue;
    def = ws_rating_lookup (sel->reg, r, NULL, NULL);
    if (def == NULL) {
      ws_cli_error ("stamp: %s:%d: the rating \"%s\" for %s could not be "
                    "resolved; stamp never writes an unknown rating (fix the "
                    "metadata or give --rating)",
          md->path, r->line, r->source_code ? r->source_code : "", cc);
      g_string_free (names, TRUE);
      return FALSE;
    }
    n++;
    g_string_append_printf (names, "%s%s (line %d)", names->len ? ", " : "",
        ws_rating_def_get_name (def), r->line);
    if (best == NULL || ws_rating_def_compare (def, best_def) > 0) {
      best = r;
      best_def = def;
    }
  }
  if (best == NULL) {
    ws_cli_error ("stamp: %s has no rating for %s", md->path, cc);
    g_string_free (names, TRUE);
    return FALSE;
  }
  if (n > 1)
    add_warning (sel,
        "%s: %u ratings for %s: %s; the most restrictive, %s, is written",
        md->path, n, cc, names->str, ws_rating_def_get_name (best_def));
  {
    WsRating *r = ws_rating_copy (best);

    g_free (r->territory);
    r->territory = g_strdup (cc);
    g_ptr_array_add (sel->ratings, r);
  }
  g_string_free (names, TRUE);
  return TRUE;
}

static gboolean
select_from_metadata (Selection *sel, const WsMetadata *md,
    GPtrArray *territories)
{
  GPtrArray *all = territories;
  gboolean ok = TRUE;

  if (territories->len == 0) {
    all = g_ptr_array_new ();
    for (guint i = 0; i < md->ratings->len; i++) {
      const WsRating *r = g_ptr_array_index (md->ratings, i);
      const char *cc = rating_territory (sel->reg, r);
      gboolean seen = FALSE;

      if (cc == NULL) {
        ws_cli_error ("stamp: %s:%d: the rating \"%s\" names no territory; "
                      "give --territory",
            md->path, r->line, r->source_code ? r->source_code : "");
        g_ptr_array_free (all, TRUE);
        return FALSE;
      }
      for (guint j = 0; j < all->len; j++)
        seen = seen || strcmp (g_ptr_array_index (all, j), cc) == 0;
      if (!seen)
        g_ptr_array_add (all, (gpointer) cc);
    }
    if (all->len == 0) {
      ws_cli_error ("stamp: %s has no rating", md->path);
      g_ptr_array_free (all, TRUE);
      return FALSE;
    }
  }
  for (guint i = 0; ok && i < all->len; i++)
    ok = select_territory (sel, md, g_ptr_array_index (all, i));
  if (all != territories)
    g_ptr_array_free (all, TRUE);
  return ok;
}

static gboolean
same_file (const char *a, const char *b)
{
  GStatBuf sa, sb;

  if (g_stat (a, &sa) != 0 || g_stat (b, &sb) != 0)
    return FALSE;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void
print_result (gboolean json, const char *in, const char *out,
    WsStampContainer c, const Selection *sel, const char *error)
{
  if (json) {
    JsonBuilder *b = json_builder_new ();

    json_builder_begin_object (b);
    ws_json_add_string_or_null (b, "input", in);
    ws_json_add_string_or_null (b, "output", out);
    ws_json_add_string_or_null (b, "container",
        c != WS_STAMP_CONTAINER_UNKNOWN ? ws_stamp_container_to_string (c) :
                                          NULL);
    ws_json_add_string_or_null (b, "error", error);
    json_builder_set_member_name (b, "ratings");
    json_builder_begin_array (b);
    for (guint i = 0; i < sel->ratings->len; i++) {
      json_builder_begin_object (b);
      ws_json_add_rating_members (b, g_ptr_array_index (sel->ratings, i));
      json_builder_end_object (b);
    }
    json_builder_end_array (b);
    json_builder_set_member_name (b, "warnings");
    json_builder_begin_array (b);
    for (guint i = 0; i < sel->warnings->len; i++)
      json_builder_add_string_value (b, g_ptr_array_index (sel->warnings, i));
    json_builder_end_array (b);
    json_builder_end_object (b);
    ws_cli_print_json_builder (b);
    return;
  }
  printf ("%s: %s stamped with", out, ws_stamp_container_to_string (c));
  for (guint i = 0; i < sel->ratings->len; i++) {
    const WsRating *r = g_ptr_array_index (sel->ratings, i);

    printf ("%s %s %s:%s", i ? "," : "", r->territory, r->system, r->code);
  }
  printf ("\n");
}

int
ws_cmd_stamp (int argc, char **argv)
{
  char *output = NULL, *metadata = NULL;
  char **ratings = NULL, **territory_opts = NULL;
  gboolean in_place = FALSE, json = FALSE;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
        "Write the stamped file here (replaced atomically)", "OUTPUT" },
    { "in-place", 0, 0, G_OPTION_ARG_NONE, &in_place,
        "Replace INPUT itself (atomically); instead of -o", NULL },
    { "metadata", 'm', 0, G_OPTION_ARG_FILENAME, &metadata,
        "Take the ratings from this metadata file (any format watershed "
        "metadata reads)",
        "FILE" },
    { "rating", 'r', 0, G_OPTION_ARG_STRING_ARRAY, &ratings,
        "Write this rating (repeatable; instead of --metadata)",
        "SYSTEM:CODE" },
    { "territory", 't', 0, G_OPTION_ARG_STRING_ARRAY, &territory_opts,
        "Only these territories (ISO 3166 codes, comma-separated or "
        "repeated); with --rating, one per --rating in order",
        "CC,..." },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
        "Print one JSON document on stdout", NULL },
    { NULL }
  };
  GOptionContext *ctx = g_option_context_new ("INPUT");
  GPtrArray *territories = g_ptr_array_new ();
  Selection sel = { NULL, NULL, NULL };
  WsMetadata *md = NULL;
  WsStampContainer container = WS_STAMP_CONTAINER_UNKNOWN;
  WsStampRequest req = { 0 };
  GError *error = NULL;
  const char *in, *out;
  int code = WS_EXIT_USAGE;

  g_option_context_set_summary (ctx,
      "Writes ratings into a finished media file without re-encoding, in\n"
      "the container's own form, where players' parental controls read "
      "them:\n"
      "  MP4/MOV/M4V   the iTunes ----:com.apple.iTunes:iTunEXTC item in\n"
      "                moov/udta/meta/ilst (uk-movie|15|350|). It carries "
      "ONE\n"
      "                rating: with several territories give --territory.\n"
      "  Matroska/WebM a COUNTRY tag per territory with a nested "
      "LAW_RATING.\n"
      "  MPEG-TS       DVB EIT present/following with a "
      "parental_rating_descriptor,\n"
      "                and an SDT.\n"
      "The audio and video are copied byte for byte. The output is written\n"
      "to a temporary file beside it and renamed into place: it is either\n"
      "complete or untouched. Replacing INPUT needs --in-place.\n\n"
      "With --metadata, every territory of the metadata is written (or only\n"
      "those of --territory); two ratings for one territory: the most\n"
      "restrictive is written, with a warning. An unknown or unresolvable\n"
      "rating is never written.\n\n"
      "Examples:\n"
      "  watershed stamp film.mp4 -o film-rated.mp4 --rating bbfc:15\n"
      "  watershed stamp film.mkv --in-place --metadata cpl.xml\n"
      "  watershed stamp film.mp4 -o out.mp4 --metadata cpl.xml "
      "--territory DE\n\n"
      "Exit status: 0 stamped; 2 usage error, unreadable or unsupported\n"
      "file, unknown rating, or a rating the container cannot carry.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!ws_cli_parse (ctx, &argc, &argv, &code))
    goto end;
  if (argc != 2) {
    ws_cli_error ("stamp: give exactly one INPUT; see watershed stamp --help");
    goto end;
  }
  in = argv[1];
  if ((output == NULL) == !in_place) {
    ws_cli_error ("stamp: give -o OUTPUT or --in-place (one of them); see "
                  "watershed stamp --help");
    goto end;
  }
  out = in_place ? in : output;
  if (!in_place && (strcmp (in, out) == 0 || same_file (in, out))) {
    ws_cli_error ("stamp: %s is INPUT itself; say --in-place to replace it",
        out);
    goto end;
  }
  if ((metadata == NULL) == (ratings == NULL)) {
    ws_cli_error ("stamp: give --metadata FILE or --rating SYSTEM:CODE (one "
                  "of them); see watershed stamp --help");
    goto end;
  }
  if (!parse_territories (territory_opts, territories))
    goto end;
  sel.reg = ws_cli_registry ();
  if (sel.reg == NULL)
    goto end;
  sel.ratings = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_rating_free);
  sel.warnings = g_ptr_array_new_with_free_func (g_free);

  if (ratings != NULL) {
    if (!select_from_options (&sel, ratings, territories))
      goto end;
  } else {
    md = ws_metadata_read_file (metadata, sel.reg, &error);
    if (md == NULL) {
      ws_cli_error ("%s", error->message);
      goto end;
    }
    if (!select_from_metadata (&sel, md, territories))
      goto end;
    req.title = md->title;
  }
  for (guint i = 0; i < sel.warnings->len; i++)
    ws_cli_error ("warning: %s",
        (const char *) g_ptr_array_index (sel.warnings, i));

  req.reg = sel.reg;
  req.ratings = sel.ratings;
  if (!ws_stamp_file (in, out, &req, &container, &error)) {
    ws_cli_error ("%s", error->message);
    if (json)
      print_result (json, in, out, container, &sel, error->message);
    goto end;
  }
  print_result (json, in, out, container, &sel, NULL);
  code = WS_EXIT_PASS;

end:
  g_clear_error (&error);
  ws_metadata_free (md);
  if (sel.ratings != NULL)
    g_ptr_array_free (sel.ratings, TRUE);
  if (sel.warnings != NULL)
    g_ptr_array_free (sel.warnings, TRUE);
  g_ptr_array_free (territories, TRUE);
  g_free (output);
  g_free (metadata);
  g_strfreev (ratings);
  g_strfreev (territory_opts);
  g_option_context_free (ctx);
  return code;
}
