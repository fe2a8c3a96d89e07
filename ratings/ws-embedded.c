/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: parsers of ratings embedded in media (iTunEXTC, Matroska
 * LAW_RATING, DVB parental_rating_descriptor). See ws-embedded.h. */
#include "ws-embedded.h"

#include <string.h>

#include "ws-error.h"
#include "ws-territory.h"

/* Longest value we accept from a container field (an iTunEXTC string or a
 * LAW_RATING is a few dozen bytes; the annotation may be a sentence). */
#define MAX_VALUE_LEN 4096

static void
add_note (GPtrArray *notes, char *note)
{
  if (note == NULL)
    return;
  if (notes != NULL)
    g_ptr_array_add (notes, note);
  else
    g_free (note);
}

static void
set_note (char **out, char *note)
{
  if (out != NULL)
    *out = note;
  else
    g_free (note);
}

static const WsRatingDef *
find_unrated (const WsRatingSystem *sys)
{
  for (guint i = 0; i < ws_rating_system_get_n_ratings (sys); i++) {
    const WsRatingDef *def = ws_rating_system_get_rating (sys, i);

    if (ws_rating_def_get_kind (def) == WS_RATING_KIND_UNRATED)
      return def;
  }
  return NULL;
}

/* The system's territory when it is a country ("EU" is not). */
static const char *
system_country (const WsRatingSystem *sys)
{
  const char *t = ws_rating_system_get_territory (sys);

  if (t == NULL || strlen (t) != 2)
    return NULL;
  return ws_territory_normalise (t);
}

static gboolean
is_valid_text (const char *value, gsize max)
{
  return value != NULL && strlen (value) <= max &&
         g_utf8_validate (value, -1, NULL);
}

/* ---- iTunEXTC ------------------------------------------------------------ */

static gboolean
is_itunes_value_field (const char *s)
{
  if (*s == '\0' || strcmp (s, "???") == 0)
    return TRUE;
  for (; *s != '\0'; s++) {
    if (!g_ascii_isdigit (*s))
      return FALSE;
  }
  return TRUE;
}

WsRating *
ws_embedded_parse_itunextc (const WsRatingRegistry *reg, const char *value,
    char **note, GError **error)
{
  char **fields = NULL;
  const WsRatingDef *def;
  const WsRatingSystem *sys;
  WsRating *r = NULL;
  char *prefix, *code, *number, *annotation = NULL;

  g_return_val_if_fail (reg != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  set_note (note, NULL);

  if (!is_valid_text (value, MAX_VALUE_LEN)) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "iTunEXTC: the value is missing, longer than %d bytes or not UTF-8",
        MAX_VALUE_LEN);
    return NULL;
  }
  fields = g_strsplit (value, "|", 4);
  if (g_strv_length (fields) < 3) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "iTunEXTC \"%s\": expected system|code|value|annotation "
        "(for example mpaa|PG-13|300|)",
        value);
    goto out;
  }
  prefix = g_strstrip (fields[0]);
  code = g_strstrip (fields[1]);
  number = g_strstrip (fields[2]);
  if (*prefix == '\0' || *code == '\0') {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "iTunEXTC \"%s\": the %s field is empty", value,
        *prefix == '\0' ? "system" : "code");
    goto out;
  }
  if (!is_itunes_value_field (number)) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "iTunEXTC \"%s\": the value field \"%s\" is not a number or ???", value,
        number);
    goto out;
  }
  if (fields[3] != NULL) {
    /* Subler writes "rating|annotation" as the fourth field */
    const char *last = strrchr (fields[3], '|');

    annotation = g_strstrip (g_strdup (last ? last + 1 : fields[3]));
  }

  r = ws_rating_new ();
  r->source_system = g_strdup ("itunes");
  r->source_code = g_strdup (value);
  r->element = g_strdup ("iTunEXTC");
  def = ws_rating_registry_resolve (reg, "itunes", value);
  sys = def ? ws_rating_def_get_system (def) :
              ws_rating_registry_lookup_system (reg, prefix);
  if (def == NULL && sys != NULL) {
    def = find_unrated (sys);
    set_note (note, g_strdup_printf ("iTunEXTC \"%s\": \"%s\" is not a "
                                     "code of %s: treated as unrated",
                        value, code, ws_rating_system_get_id (sys)));
  } else if (def == NULL) {
    set_note (note, g_strdup_printf ("iTunEXTC \"%s\": unknown iTunes "
                                     "rating system \"%s\": treated as unrated",
                        value, prefix));
  }
  ws_rating_set_resolved (r, def);
  if (sys != NULL)
    r->territory = g_strdup (system_country (sys));
  if (annotation != NULL && *annotation != '\0')
    ws_rating_add_text (r, NULL, NULL, annotation);

out:
  g_free (annotation);
  g_strfreev (fields);
  return r;
}

/* ---- Matroska LAW_RATING ------------------------------------------------- */

const WsRatingDef *
ws_embedded_lookup_territory_code (const WsRatingRegistry *reg,
    const char *territory, const char *code, const char *preferred_system)
{
  const char *t;
  const WsRatingSystem *sys;

  g_return_val_if_fail (reg != NULL, NULL);
  if (territory == NULL || code == NULL)
    return NULL;
  t = ws_territory_normalise (territory);
  if (t == NULL)
    return NULL;

  if (preferred_system != NULL) {
    sys = ws_rating_registry_lookup_system (reg, preferred_system);
    if (sys != NULL && g_strcmp0 (system_country (sys), t) == 0) {
      const WsRatingDef *def = ws_rating_system_lookup_rating (sys, code);

      if (def != NULL)
        return def;
    }
  }
  for (guint i = 0; i < ws_rating_registry_get_n_systems (reg); i++) {
    const WsRatingDef *def;

    sys = ws_rating_registry_get_system (reg, i);
    if (g_strcmp0 (system_country (sys), t) != 0)
      continue;
    def = ws_rating_system_lookup_rating (sys, code);
    if (def != NULL)
      return def;
  }
  return NULL;
}

/* "bbfc, fvc" or "none" */
static char *
systems_of (const WsRatingRegistry *reg, const char *territory)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; territory && i < ws_rating_registry_get_n_systems (reg);
       i++) {
    const WsRatingSystem *sys = ws_rating_registry_get_system (reg, i);

    if (g_strcmp0 (system_country (sys), territory) != 0)
      continue;
    if (s->len > 0)
      g_string_append (s, ", ");
    g_string_append (s, ws_rating_system_get_id (sys));
  }
  if (s->len == 0)
    g_string_append (s, "none loaded");
  return g_string_free (s, FALSE);
}

WsRating *
ws_embedded_parse_law_rating (const WsRatingRegistry *reg, const char *country,
    const char *value, const char *default_territory,
    const char *preferred_system, char **note, GError **error)
{
  const char *territory = NULL;
  const WsRatingDef *def = NULL;
  const char *field = country ? "COUNTRY/LAW_RATING" : "LAW_RATING";
  WsRating *r;
  char *v;

  g_return_val_if_fail (reg != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  set_note (note, NULL);

  if (!is_valid_text (value, MAX_VALUE_LEN)) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "%s: the value is missing, longer than %d bytes or not UTF-8", field,
        MAX_VALUE_LEN);
    return NULL;
  }
  v = g_strstrip (g_strdup (value));
  if (*v == '\0') {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID, "%s: the value is empty",
        field);
    g_free (v);
    return NULL;
  }
  if (country != NULL) {
    territory = is_valid_text (country, 64) ? ws_territory_normalise (country) :
                                              NULL;
    if (territory == NULL) {
      g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
          "COUNTRY \"%s\" (of LAW_RATING \"%s\") is not an ISO 3166 country "
          "code",
          is_valid_text (country, 64) ? country : "?", v);
      g_free (v);
      return NULL;
    }
  } else if (default_territory != NULL) {
    territory = ws_territory_normalise (default_territory);
  }

  if (strchr (v, '|') != NULL) {
    GError *local = NULL;

    r = ws_embedded_parse_itunextc (reg, v, note, &local);
    if (r != NULL) {
      g_free (r->source_system);
      r->source_system = g_strdup ("matroska");
      g_free (r->element);
      r->element = g_strdup (field);
      if (country != NULL || r->territory == NULL) {
        g_free (r->territory);
        r->territory = g_strdup (territory);
      }
      g_free (v);
      return r;
    }
    g_clear_error (&local);
  }

  if (strchr (v, ':') != NULL) {
    def = ws_rating_registry_resolve (reg, NULL, v);
    /* SYSTEM:CODE with no COUNTRY is for the system's territory, not the
     * one assumed: bbfc:18 is a rating for GB, never for DE */
    if (def != NULL && country == NULL) {
      const char *own = system_country (ws_rating_def_get_system (def));

      if (own != NULL)
        territory = own;
    }
  }
  if (def == NULL && territory != NULL)
    def = ws_embedded_lookup_territory_code (reg, territory, v,
        preferred_system);
  if (def == NULL && territory == NULL && preferred_system != NULL)
    def = ws_rating_registry_resolve (reg, preferred_system, v);

  r = ws_rating_new ();
  r->source_system = g_strdup ("matroska");
  r->source_code = g_strdup (v);
  r->element = g_strdup (field);
  r->territory = g_strdup (territory);
  ws_rating_set_resolved (r, def);
  if (def == NULL) {
    char *tried = systems_of (reg, territory);

    set_note (note,
        g_strdup_printf ("%s \"%s\" for %s matches no rating "
                         "(systems tried: %s): treated as unrated",
            field, v, territory ? territory : "an unknown territory", tried));
    g_free (tried);
  }
  g_free (v);
  return r;
}

/* Splits "KEY=VALUE"; strips FFmpeg's "-<lang>" key suffix; upper-cases the
 * key. Returns FALSE when there is no '='. */
static gboolean
split_tag (const char *tag, char **key, const char **value)
{
  const char *eq = strchr (tag, '=');
  char *k, *dash, *slash;

  if (eq == NULL)
    return FALSE;
  k = g_ascii_strup (tag, eq - tag);
  g_strstrip (k);
  slash = strrchr (k, '/');
  dash = strrchr (k, '-');
  if (dash != NULL && (slash == NULL || dash > slash)) {
    gsize n = strlen (dash + 1);

    if (n >= 2 && n <= 3)
      *dash = '\0';
  }
  *key = k;
  *value = eq + 1;
  return TRUE;
}

static gboolean
ends_with (const char *s, const char *suffix)
{
  gsize ls = strlen (s), lx = strlen (suffix);

  return ls >= lx && strcmp (s + ls - lx, suffix) == 0;
}

GPtrArray *
ws_embedded_parse_matroska_tags (const WsRatingRegistry *reg,
    const char *const *tags, gsize n_tags, const char *default_territory,
    const char *preferred_system, GPtrArray *notes)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ws_rating_free);
  GPtrArray *countries = g_ptr_array_new ();
  guint n_nested = 0;

  g_return_val_if_fail (reg != NULL, out);
  if (tags == NULL)
    n_tags = 0;

  for (gsize i = 0; i < n_tags; i++) {
    char *key;
    const char *value;

    if (tags[i] == NULL || !split_tag (tags[i], &key, &value))
      continue;
    if (strcmp (key, "COUNTRY") == 0)
      g_ptr_array_add (countries, (gpointer) value);
    g_free (key);
  }

  for (gsize i = 0; i < n_tags; i++) {
    char *key, *note = NULL;
    const char *value, *country = NULL;
    GError *error = NULL;
    WsRating *r;

    if (tags[i] == NULL || !split_tag (tags[i], &key, &value))
      continue;
    if (!ends_with (key, "LAW_RATING")) {
      g_free (key);
      continue;
    }
    if (ends_with (key, "COUNTRY/LAW_RATING")) {
      if (countries->len > 0)
        country = g_ptr_array_index (countries,
            MIN (n_nested, countries->len - 1));
      else
        add_note (notes,
            g_strdup_printf ("%s \"%s\" has no COUNTRY value: "
                             "assumed to be for %s",
                key, value,
                default_territory ? default_territory : "no territory"));
      n_nested++;
    }
    r = ws_embedded_parse_law_rating (reg, country, value, default_territory,
        preferred_system, &note, &error);
    if (r != NULL) {
      g_ptr_array_add (out, r);
      add_note (notes, note);
    } else {
      add_note (notes, g_strdup_printf ("%s: skipped", error->message));
      g_error_free (error);
    }
    g_free (key);
  }
  g_ptr_array_free (countries, TRUE);
  return out;
}

/* ---- DVB parental_rating_descriptor ------------------------------------- */

static WsRating *
dvb_rating (const WsRatingRegistry *reg, guint8 raw, const char *country,
    const char *territory, GPtrArray *notes)
{
  WsRating *r = ws_rating_new ();

  r->source_system = g_strdup ("dvb");
  r->source_code = g_strdup_printf ("0x%02X", raw);
  r->element = g_strdup ("parental_rating_descriptor");
  r->territory = g_strdup (territory);
  if (raw >= 0x01 && raw <= 0x0F) {
    char age[8];
    const WsRatingSystem *sys = ws_rating_registry_lookup_system (reg, "dvb");
    const WsRatingDef *def;

    g_snprintf (age, sizeof age, "%d", raw + 3);
    def = sys ? ws_rating_system_lookup_rating (sys, age) : NULL;
    if (def != NULL) {
      ws_rating_set_resolved (r, def);
    } else {
      r->system = g_strdup ("dvb");
      r->code = g_strdup (age);
      r->minimum_age = raw + 3;
    }
  } else if (raw == 0x00) {
    add_note (notes,
        g_strdup_printf ("parental_rating_descriptor: %s "
                         "rating 0x00 is \"undefined\": treated as unrated",
            country));
  } else {
    add_note (notes, g_strdup_printf ("parental_rating_descriptor: %s "
                                      "rating 0x%02X is broadcaster-defined, "
                                      "not a DVB minimum age: "
                                      "treated as unrated",
                         country, raw));
  }
  return r;
}

GPtrArray *
ws_embedded_parse_dvb_parental_rating (const WsRatingRegistry *reg,
    const guint8 *data, gsize len, GPtrArray *notes, GError **error)
{
  GPtrArray *out;
  gsize dlen;

  g_return_val_if_fail (reg != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (data == NULL || len < 2) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "parental_rating_descriptor: %" G_GSIZE_FORMAT " bytes, shorter than "
        "the 2-byte descriptor header",
        data ? len : 0);
    return NULL;
  }
  if (data[0] != WS_DVB_PARENTAL_RATING_TAG) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "parental_rating_descriptor: descriptor_tag is 0x%02X, expected "
        "0x%02X",
        data[0], WS_DVB_PARENTAL_RATING_TAG);
    return NULL;
  }
  dlen = data[1];
  if (dlen != len - 2) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "parental_rating_descriptor: descriptor_length is %" G_GSIZE_FORMAT
        " but %" G_GSIZE_FORMAT " bytes follow the header",
        dlen, len - 2);
    return NULL;
  }
  if (dlen % 4 != 0) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "parental_rating_descriptor: descriptor_length %" G_GSIZE_FORMAT
        " is not a multiple of 4 (country_code + rating entries)",
        dlen);
    return NULL;
  }

  out = g_ptr_array_new_with_free_func ((GDestroyNotify) ws_rating_free);
  for (gsize off = 2; off + 4 <= len; off += 4) {
    const guint8 *e = data + off;
    char country[4];
    const char *territory = NULL;
    gboolean printable = TRUE;

    for (int k = 0; k < 3; k++) {
      printable = printable && g_ascii_isalnum (e[k]);
      country[k] = printable ? (char) e[k] : '?';
    }
    country[3] = '\0';
    if (!printable) {
      add_note (notes,
          g_strdup_printf ("parental_rating_descriptor: entry "
                           "%" G_GSIZE_FORMAT
                           " has country_code bytes %02X %02X %02X, "
                           "not an ISO 3166 code: skipped",
              (off - 2) / 4 + 1, e[0], e[1], e[2]));
      continue;
    }
    if (ws_territory_is_dvb_group (country)) {
      add_note (notes, g_strdup_printf ("parental_rating_descriptor: "
                                        "country_code %s is an ETSI TS 101 162 "
                                        "country group: applied "
                                        "to every territory",
                           country));
    } else {
      territory = ws_territory_normalise (country);
      if (territory == NULL) {
        add_note (notes, g_strdup_printf ("parental_rating_descriptor: "
                                          "country_code \"%s\" is not an ISO "
                                          "3166 country: skipped",
                             country));
        continue;
      }
    }
    g_ptr_array_add (out, dvb_rating (reg, e[3], country, territory, notes));
  }
  return out;
}
