/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the one rating API the elements and the CLI call. */
#include "ws-rating.h"

#include <string.h>

#include "ws-territory.h"

G_DEFINE_QUARK (ws - rating - error - quark, ws_rating_error)

/* ---- equality and names -------------------------------------------------- */

static gboolean
texts_equal (const GPtrArray *a, const GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++) {
    const WsGuidanceText *ta = g_ptr_array_index (a, i);
    const WsGuidanceText *tb = g_ptr_array_index (b, i);

    if (g_strcmp0 (ta->text, tb->text) != 0 ||
        g_strcmp0 (ta->lang, tb->lang) != 0 ||
        g_strcmp0 (ta->length, tb->length) != 0)
      return FALSE;
  }
  return TRUE;
}

static gboolean
strings_equal (const GPtrArray *a, const GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (g_strcmp0 (g_ptr_array_index (a, i), g_ptr_array_index (b, i)) != 0)
      return FALSE;
  return TRUE;
}

gboolean
ws_rating_equal (const WsRating *a, const WsRating *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strcmp0 (a->programme, b->programme) == 0 &&
         g_strcmp0 (a->territory, b->territory) == 0 &&
         g_strcmp0 (a->system, b->system) == 0 &&
         g_strcmp0 (a->code, b->code) == 0 &&
         a->minimum_age == b->minimum_age &&
         g_strcmp0 (a->source_system, b->source_system) == 0 &&
         g_strcmp0 (a->source_code, b->source_code) == 0 &&
         a->start_ns == b->start_ns && a->end_ns == b->end_ns &&
         strings_equal (a->descriptors, b->descriptors) &&
         texts_equal (a->texts, b->texts) &&
         strings_equal (a->support_topics, b->support_topics);
}

char *
ws_rating_to_string (const WsRating *rating)
{
  g_return_val_if_fail (rating != NULL, NULL);
  if (rating->system != NULL && rating->code != NULL)
    return g_strdup_printf ("%s:%s", rating->system, rating->code);
  return g_strdup ("unrated");
}

gboolean
ws_rating_split (const char *text, char **system, char **code)
{
  const char *colon = text ? strchr (text, ':') : NULL;

  g_return_val_if_fail (system != NULL && code != NULL, FALSE);
  if (colon == NULL || colon == text || colon[1] == '\0')
    return FALSE;
  *system = g_strndup (text, colon - text);
  *code = g_strdup (colon + 1);
  return TRUE;
}

gboolean
ws_rating_is_resolved (const WsRating *rating)
{
  g_return_val_if_fail (rating != NULL, FALSE);
  return rating->system != NULL && rating->code != NULL &&
         rating->minimum_age >= 0;
}

/* ---- two ratings for one territory -------------------------------------- */

/* ws_rating_def_compare() of two resolved ratings of the default
 * registry, the one every reader resolves with; 0 when either is not
 * found there. */
static int
rating_def_compare (const WsRating *a, const WsRating *b)
{
  const WsRatingRegistry *reg = ws_rating_registry_get_default (NULL);
  const WsRatingDef *da, *db;

  if (reg == NULL || a->system == NULL || a->code == NULL ||
      b->system == NULL || b->code == NULL)
    return 0;
  da = ws_rating_registry_resolve (reg, a->system, a->code);
  db = ws_rating_registry_resolve (reg, b->system, b->code);
  return da != NULL && db != NULL ? ws_rating_def_compare (da, db) : 0;
}

gboolean
ws_rating_is_more_restrictive (const WsRating *a, const WsRating *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  if (a->minimum_age < 0)
    return b->minimum_age >= 0;
  if (b->minimum_age < 0)
    return FALSE;
  if (a->minimum_age != b->minimum_age)
    return a->minimum_age > b->minimum_age;
  /* one age (bbfc:18 and bbfc:R18, 12A and 12): the rating systems' own
   * order, so the first in a file does not win a tie by position */
  return rating_def_compare (a, b) > 0;
}

char *
ws_rating_describe (const WsRating *r)
{
  g_return_val_if_fail (r != NULL, NULL);
  if (r->system != NULL && r->code != NULL && r->minimum_age >= 0)
    return g_strdup_printf ("%s:%s", r->system, r->code);
  if (r->system != NULL && r->code != NULL)
    return g_strdup_printf ("%s:%s (unrated)", r->system, r->code);
  return g_strdup_printf ("unrated (value %s)",
      r->source_code ? r->source_code : "");
}

static gboolean
same_group (const WsRating *a, const WsRating *b)
{
  return g_strcmp0 (a->territory, b->territory) == 0 &&
         g_strcmp0 (a->programme, b->programme) == 0 &&
         a->start_ns == b->start_ns && a->end_ns == b->end_ns;
}

static gboolean
same_rating (const WsRating *a, const WsRating *b)
{
  return g_strcmp0 (a->system, b->system) == 0 &&
         g_strcmp0 (a->code, b->code) == 0 &&
         a->minimum_age == b->minimum_age &&
         g_strcmp0 (a->source_code, b->source_code) == 0;
}

/* "bbfc:18 (iTunEXTC, line 12)" */
static char *
describe_where (const WsRating *r)
{
  char *name = ws_rating_describe (r);
  char *out;

  if (r->element != NULL && r->line > 0)
    out = g_strdup_printf ("%s (%s, line %d)", name, r->element, r->line);
  else if (r->element != NULL)
    out = g_strdup_printf ("%s (%s)", name, r->element);
  else if (r->line > 0)
    out = g_strdup_printf ("%s (line %d)", name, r->line);
  else
    out = g_strdup (name);
  g_free (name);
  return out;
}

guint
ws_rating_resolve_conflicts (GPtrArray *ratings, GPtrArray *warnings)
{
  guint removed = 0;

  g_return_val_if_fail (ratings != NULL, 0);
  for (guint i = 0; i < ratings->len; i++) {
    guint j = i + 1;

    while (j < ratings->len) {
      WsRating *a = g_ptr_array_index (ratings, i);
      WsRating *b = g_ptr_array_index (ratings, j);
      char *da, *db;

      if (!same_group (a, b)) {
        j++;
        continue;
      }
      if (same_rating (a, b)) {
        g_ptr_array_remove_index (ratings, j);
        continue;
      }
      if (!ws_rating_is_more_restrictive (a, b) &&
          !ws_rating_is_more_restrictive (b, a)) {
        j++; /* equally restrictive: both stay (a system preference picks) */
        continue;
      }
      da = describe_where (a);
      db = describe_where (b);
      if (warnings != NULL)
        g_ptr_array_add (warnings,
            g_strdup_printf ("rating-conflict: %s%s%s has two ratings, %s "
                             "and %s: using %s, the more restrictive",
                a->territory ? "" : "the programme (every territory)",
                a->territory ? a->territory : "",
                a->start_ns >= 0 || a->end_ns >= 0 ? " (a segment)" : "", da,
                db, ws_rating_is_more_restrictive (b, a) ? db : da));
      g_free (da);
      g_free (db);
      removed++;
      if (ws_rating_is_more_restrictive (b, a)) {
        /* b wins: it takes a's place, keeping the order of the first */
        ratings->pdata[i] = b;
        ratings->pdata[j] = a;
      }
      g_ptr_array_remove_index (ratings, j);
    }
  }
  return removed;
}

/* ---- which rating applies ------------------------------------------------ */

static gboolean
is_segment (const WsRating *r)
{
  return r->start_ns >= 0 || r->end_ns >= 0;
}

/* 0: does not qualify */
static int
pick_score (const WsRating *r, const char *territory, const char *system)
{
  int score = 1;

  if (territory != NULL && r->territory != NULL &&
      strcmp (r->territory, territory) != 0)
    return 0;
  if (territory != NULL && r->territory != NULL)
    score += 4; /* exact territory beats "every territory" */
  if (ws_rating_is_resolved (r))
    score += 2; /* resolved beats unresolved */
  if (system != NULL && r->system != NULL && strcmp (system, r->system) == 0)
    score += 8; /* the preferred system beats everything */
  return score;
}

static const WsRating *
pick (const GPtrArray *ratings, const char *territory, const char *system,
    gboolean segment, gint64 position_ns)
{
  const WsRating *best = NULL;
  int best_score = 0;
  const char *cc = NULL;

  g_return_val_if_fail (ratings != NULL, NULL);

  if (territory != NULL) {
    cc = ws_territory_normalise (territory);
    if (cc == NULL)
      return NULL;
  }
  for (guint i = 0; i < ratings->len; i++) {
    const WsRating *r = g_ptr_array_index (ratings, i);
    int score;

    if (is_segment (r) != segment)
      continue;
    if (segment && ((r->start_ns >= 0 && position_ns < r->start_ns) ||
                       (r->end_ns >= 0 && position_ns >= r->end_ns)))
      continue;
    score = pick_score (r, cc, system);
    if (score == 0)
      continue;
    /* the one tie rule: the more restrictive, else the first */
    if (score > best_score ||
        (score == best_score && ws_rating_is_more_restrictive (r, best))) {
      best = r;
      best_score = score;
    }
  }
  /* two ratings for the winner's territory (and programme, segment): the
   * most restrictive, as ws_rating_resolve_conflicts() says */
  for (guint i = 0; best != NULL && i < ratings->len; i++) {
    const WsRating *r = g_ptr_array_index (ratings, i);

    if (r != best && same_group (r, best) &&
        ws_rating_is_more_restrictive (r, best))
      best = r;
  }
  return best;
}

const WsRating *
ws_ratings_pick (const GPtrArray *ratings, const char *territory,
    const char *system)
{
  return pick (ratings, territory, system, FALSE, 0);
}

const WsRating *
ws_ratings_pick_at (const GPtrArray *ratings, const char *territory,
    const char *system, gint64 position_ns)
{
  const WsRating *r = pick (ratings, territory, system, TRUE, position_ns);

  return r != NULL ? r : pick (ratings, territory, system, FALSE, 0);
}

/* ---- guidance texts ------------------------------------------------------ */

const char *
ws_rating_pick_text (const GPtrArray *texts, const char *language)
{
  const WsGuidanceText *first = NULL, *prefix = NULL;
  char primary[16] = "";

  if (texts == NULL)
    return NULL;
  if (language && language[0]) {
    gsize n = strcspn (language, "-_");
    if (n < sizeof (primary)) {
      memcpy (primary, language, n);
      primary[n] = '\0';
    }
  }
  for (guint i = 0; i < texts->len; i++) {
    const WsGuidanceText *t = g_ptr_array_index ((GPtrArray *) texts, i);
    if (t == NULL || t->text == NULL || t->text[0] == '\0')
      continue;
    if (first == NULL)
      first = t;
    if (language == NULL || language[0] == '\0' || t->lang == NULL)
      continue;
    if (g_ascii_strcasecmp (t->lang, language) == 0)
      return t->text;
    if (prefix == NULL && primary[0]) {
      gsize n = strcspn (t->lang, "-_");
      if (n == strlen (primary) &&
          g_ascii_strncasecmp (t->lang, primary, n) == 0)
        prefix = t;
    }
  }
  if (prefix)
    return prefix->text;
  return first ? first->text : NULL;
}

/* ---- the registry's rating ----------------------------------------------- */

const WsRatingDef *
ws_rating_lookup (const WsRatingRegistry *reg, const WsRating *rating,
    const char *territory, GError **error)
{
  const WsRatingSystem *sys;
  const WsRatingDef *def = NULL;
  const char *want = NULL, *have = NULL;
  GError *err = NULL;

  if (rating == NULL || rating->system == NULL || rating->code == NULL) {
    g_set_error (error, WS_RATING_ERROR, WS_RATING_ERROR_NO_RATING,
        "The rating names no rating system and code");
    return NULL;
  }
  if (territory != NULL && rating->territory != NULL) {
    want = ws_territory_normalise (territory);
    have = ws_territory_normalise (rating->territory);
    if (have == NULL || g_strcmp0 (want, have) != 0) {
      g_set_error (error, WS_RATING_ERROR, WS_RATING_ERROR_OTHER_TERRITORY,
          "The rating %s:%s is for territory %s, not %s", rating->system,
          rating->code, rating->territory, want ? want : territory);
      return NULL;
    }
  }
  if (reg == NULL) {
    reg = ws_rating_registry_get_default (&err);
    if (reg == NULL) {
      g_set_error (error, WS_RATING_ERROR, WS_RATING_ERROR_NO_SYSTEMS,
          "No rating systems could be loaded (%s)",
          err ? err->message : "no registry");
      g_clear_error (&err);
      return NULL;
    }
  }
  sys = ws_rating_registry_lookup_system (reg, rating->system);
  if (sys != NULL)
    def = ws_rating_system_lookup_rating (sys, rating->code);
  if (def == NULL)
    g_set_error (error, WS_RATING_ERROR, WS_RATING_ERROR_UNKNOWN,
        "%s:%s is not a known rating", rating->system, rating->code);
  return def;
}

/* ---- descriptors --------------------------------------------------------- */

const char *
ws_rating_descriptor_category_of (const WsRatingSystem *sys, const char *code)
{
  g_return_val_if_fail (code != NULL, "other");
  if (sys != NULL) {
    const WsRatingDescriptor *d = ws_rating_system_lookup_descriptor (sys,
        code);

    if (d != NULL)
      return ws_rating_descriptor_get_category (d);
  }
  return ws_rating_category_lookup (code);
}
