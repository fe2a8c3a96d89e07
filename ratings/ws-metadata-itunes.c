/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * watershed: Apple iTunes package metadata.xml reader
 * (namespace http://apple.com/itunes/importer, film and TV packages).
 *
 *   <package xmlns="http://apple.com/itunes/importer" version="film5.3">
 *     <video>
 *       <vendor_id>...</vendor_id>
 *       <title>...</title>
 *       <ratings>
 *         <rating system="mpaa" code="PG-13" reason="for violence"/>
 *         <rating system="uk-movie" code="12A"/>
 *       </ratings>
 *     </video>
 *   </package>
 *
 * Systems are Apple's prefixes (mpaa, us-tv, uk-movie, de-movie, fr-movie,
 * ...), which the rating registry declares as aliases. Apple distinguishes
 * "Not Rated" (not blocked by its parental controls) from "Unrated" (blocked
 * by all of them); watershed fails closed and treats both as unrated, with
 * a warning for "Not Rated" because the behaviour differs from Apple's.
 */
#include "ws-metadata-readers.h"

#include <string.h>

#define ITUNES_NS "http://apple.com/itunes/importer"

typedef enum {
  CODE_RATED,
  CODE_NOT_RATED,
  CODE_UNRATED,
} CodeKind;

static CodeKind
code_kind (const char *code)
{
  static const char *const not_rated[] = { "Not Rated", "NotRated", "Not-Rated",
    "NR", NULL };
  static const char *const unrated[] = { "Unrated", "UR", "???", NULL };

  for (const char *const *p = not_rated; *p != NULL; p++) {
    if (g_ascii_strcasecmp (code, *p) == 0)
      return CODE_NOT_RATED;
  }
  for (const char *const *p = unrated; *p != NULL; p++) {
    if (g_ascii_strcasecmp (code, *p) == 0)
      return CODE_UNRATED;
  }
  return CODE_RATED;
}

/* "uk-movie", "de-movies", "au-tv" -> the country of the prefix. */
static const char *
prefix_territory (const char *system)
{
  const char *dash;
  char *cc;
  const char *t;

  if (system == NULL || (dash = strchr (system, '-')) == NULL ||
      dash - system != 2)
    return NULL;
  cc = g_strndup (system, 2);
  t = ws_territory_normalise (cc);
  g_free (cc);
  return t;
}

static void
read_rating (WsMetadata *md, const WsRatingRegistry *reg, xmlNode *node,
    const char *programme)
{
  char *system = ws_xml_attr (node, "system", NULL);
  char *code = ws_xml_attr (node, "code", NULL);
  char *reason = ws_xml_attr (node, "reason", NULL);
  WsRating *r = ws_rating_new ();
  const WsRatingDef *def = NULL;
  const WsRatingSystem *sys;
  const char *territory;

  r->programme = g_strdup (programme);
  if (code == NULL)
    code = ws_xml_text (
        node); /* older packages: <rating system="mpaa">PG</rating> */
  if (system == NULL)
    ws_metadata_warn_node (md, node,
        "rating without a system attribute: it cannot be attributed to a "
        "rating system; write system=\"mpaa\" (or uk-movie, de-movie, ...)");

  if (system != NULL && code != NULL)
    def = ws_rating_registry_resolve (reg, system, code);
  sys = system != NULL ? ws_rating_registry_lookup_system (reg, system) : NULL;

  if (def != NULL) {
    r->source_system = g_strdup (system);
    r->source_code = g_strdup (code);
    ws_rating_set_resolved (r, def);
  } else if (code != NULL && code_kind (code) != CODE_RATED) {
    r->source_system = g_strdup (system);
    r->source_code = g_strdup (code);
    ws_rating_set_resolved (r, ws_metadata_find_unrated (sys));
    if (r->system == NULL && sys != NULL)
      r->system = g_strdup (ws_rating_system_get_id (sys));
    if (sys == NULL)
      ws_metadata_warn_node (md, node,
          "\"%s\" from unknown rating system \"%s\": treated as unrated "
          "(most restrictive)",
          code, system ? system : "(none)");
  } else {
    ws_metadata_resolve (md, r, reg, system, code, node);
  }
  if (code != NULL && code_kind (code) == CODE_NOT_RATED)
    ws_metadata_warn_node (md, node,
        "\"%s\": Apple's parental controls do not block \"Not Rated\" "
        "titles, but watershed treats them as unrated (most restrictive); "
        "deliver the title's rating if it has one",
        code);

  if (reason != NULL)
    ws_metadata_add_text (md, r, node, NULL, NULL, reason);

  territory = ws_metadata_system_territory (ws_metadata_rating_system (reg, r));
  if (territory == NULL)
    territory = ws_metadata_system_territory (sys);
  if (territory == NULL)
    territory = prefix_territory (system);
  r->territory = g_strdup (territory);
  ws_metadata_take_rating (md, r, node);

  g_free (system);
  g_free (code);
  g_free (reason);
}

gboolean
ws_metadata_read_itunes (WsMetadata *md, xmlNode *root,
    const WsRatingRegistry *reg, GError **error)
{
  xmlNode *video = ws_xml_first_child (root, ITUNES_NS, "video");
  guint n_videos = 0;

  if (video == NULL)
    return ws_metadata_set_invalid (error, md, root,
        "the package has no <video> element; watershed reads iTunes film "
        "and TV packages (package/video/ratings/rating)");

  for (; video != NULL;
       video = ws_xml_next_sibling (video, ITUNES_NS, "video")) {
    xmlNode *ratings = ws_xml_first_child (video, ITUNES_NS, "ratings");
    char *vendor_id = ws_xml_text (
        ws_xml_first_child (video, ITUNES_NS, "vendor_id"));
    char *title = ws_xml_text (ws_xml_first_child (video, ITUNES_NS, "title"));

    n_videos++;
    if (n_videos == 1) {
      md->title = title;
      title = NULL;
    } else {
      g_clear_pointer (&md->title, g_free);
    }
    if (ratings == NULL)
      ws_metadata_warn_node (md, video,
          "<video>%s%s%s has no <ratings>: the title is treated as unrated "
          "(most restrictive)",
          vendor_id ? " \"" : "", vendor_id ? vendor_id : "",
          vendor_id ? "\"" : "");
    for (xmlNode *r = ws_xml_first_child (ratings, ITUNES_NS, "rating");
         r != NULL; r = ws_xml_next_sibling (r, ITUNES_NS, "rating"))
      read_rating (md, reg, r, vendor_id);
    g_free (vendor_id);
    g_free (title);
  }
  return TRUE;
}
