/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * watershed: XMLTV listings reader (root <tv>, no namespace).
 *
 *   <tv>
 *     <programme start="20260701193000 +0100" channel="bbc1.uk">
 *       <title lang="en">Meridian</title>
 *       <rating system="MPAA"><value>PG-13</value></rating>
 *       <rating system="VCHIP"><value>TV-14</value></rating>
 *     </programme>
 *   </tv>
 *
 * One WsRating per programme rating. The programme identifier is the title
 * and start ("Meridian @ 20260701193000 +0100"). System names (MPAA, VCHIP,
 * BBFC, FSK, ...) are aliases the rating registry declares; the territory
 * is the system's. V-chip values carrying content letters ("TV-14-LV",
 * "TV-PG DL") are split into the code and its descriptors.
 */
#include "ws-metadata-readers.h"

#include <string.h>

/* "TV-14-LV" / "TV-PG DL" / "TV-Y7-FV": the code and trailing letters. */
static const WsRatingDef *
split_vchip (const WsRatingRegistry *reg, const char *system, const char *value,
    char **letters)
{
  const char *sep = strrchr (value, '-');
  const char *space = strrchr (value, ' ');
  const WsRatingDef *def;
  char *code;

  if (space != NULL && (sep == NULL || space > sep))
    sep = space;
  if (sep == NULL || sep == value || sep[1] == '\0')
    return NULL;
  for (const char *p = sep + 1; *p != '\0'; p++) {
    if (strchr ("DLSVF", g_ascii_toupper (*p)) == NULL)
      return NULL;
  }
  code = g_strndup (value, (gsize) (sep - value));
  g_strchomp (code);
  def = ws_rating_registry_resolve (reg, system, code);
  g_free (code);
  /* Only US TV ratings carry content letters. */
  if (def != NULL &&
      strcmp (ws_rating_system_get_id (ws_rating_def_get_system (def)),
          "us-tv") != 0)
    def = NULL;
  if (def != NULL)
    *letters = g_ascii_strup (sep + 1, -1);
  return def;
}

static void
add_vchip_letters (const WsRatingRegistry *reg, WsRating *r,
    const char *letters)
{
  for (const char *p = letters; *p != '\0'; p++) {
    char d[3] = { *p, '\0', '\0' };

    if (p[0] == 'F' && p[1] == 'V') {
      d[1] = 'V';
      p++;
    }
    ws_metadata_add_descriptor (reg, r, d);
  }
}

static void
read_rating (WsMetadata *md, const WsRatingRegistry *reg, xmlNode *node,
    const char *programme)
{
  char *system = ws_xml_attr (node, "system", NULL);
  xmlNode *value_node = ws_xml_first_child (node, NULL, "value");
  char *value = ws_xml_text (value_node);
  WsRating *r = ws_rating_new ();
  const WsRatingDef *def = NULL;
  char *letters = NULL;

  r->programme = g_strdup (programme);
  if (system == NULL)
    ws_metadata_warn_node (md, node,
        "rating without a system attribute: it cannot be attributed to a "
        "rating system; write system=\"MPAA\", \"VCHIP\", \"BBFC\", ...");
  if (value_node == NULL && value == NULL)
    value = ws_xml_text (node); /* <rating system="MPAA">PG</rating> */

  if (system != NULL && value != NULL &&
      ws_rating_registry_resolve (reg, system, value) == NULL)
    def = split_vchip (reg, system, value, &letters);
  if (def != NULL) {
    r->source_system = g_strdup (system);
    r->source_code = g_strdup (value);
    ws_rating_set_resolved (r, def);
    add_vchip_letters (reg, r, letters);
  } else {
    ws_metadata_resolve (md, r, reg, system, value,
        value_node ? value_node : node);
  }
  r->territory = g_strdup (
      ws_metadata_system_territory (ws_metadata_rating_system (reg, r)));
  if (r->territory == NULL && r->system == NULL && system != NULL) {
    const WsRatingSystem *sys = ws_rating_registry_lookup_system (reg, system);

    r->territory = g_strdup (ws_metadata_system_territory (sys));
  }
  ws_metadata_take_rating (md, r, node);

  g_free (letters);
  g_free (system);
  g_free (value);
}

gboolean
ws_metadata_read_xmltv (WsMetadata *md, xmlNode *root,
    const WsRatingRegistry *reg, GError **error)
{
  guint n_programmes = 0, n_unrated = 0;
  char *only_title = NULL;

  for (xmlNode *p = ws_xml_first_child (root, NULL, "programme"); p != NULL;
       p = ws_xml_next_sibling (p, NULL, "programme")) {
    char *title = ws_xml_text (ws_xml_first_child (p, NULL, "title"));
    char *start = ws_xml_attr (p, "start", NULL);
    char *channel = ws_xml_attr (p, "channel", NULL);
    char *id;
    xmlNode *rating = ws_xml_first_child (p, NULL, "rating");

    n_programmes++;
    if (start == NULL || channel == NULL)
      ws_metadata_warn_node (md, p,
          "programme without %s (required by the XMLTV DTD)",
          start == NULL && channel == NULL ? "start and channel" :
          start == NULL                    ? "start" :
                                             "channel");
    if (title == NULL)
      ws_metadata_warn_node (md, p,
          "programme without a title: its ratings are identified by %s",
          start ? "start time only" : "nothing");
    if (title != NULL && start != NULL)
      id = g_strdup_printf ("%s @ %s", title, start);
    else
      id = g_strdup (title != NULL ? title : start);

    if (rating == NULL)
      n_unrated++;
    for (; rating != NULL;
         rating = ws_xml_next_sibling (rating, NULL, "rating"))
      read_rating (md, reg, rating, id);

    if (n_programmes == 1)
      only_title = g_strdup (title);
    g_free (id);
    g_free (title);
    g_free (start);
    g_free (channel);
  }

  if (n_programmes == 1)
    md->title = g_steal_pointer (&only_title);
  g_free (only_title);
  if (n_unrated > 0 && md->ratings->len > 0)
    ws_metadata_warn_node (md, root,
        "%u of %u programmes have no rating: they are treated as unrated "
        "(most restrictive)",
        n_unrated, n_programmes);
  return TRUE;
}
