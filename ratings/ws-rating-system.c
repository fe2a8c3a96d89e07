/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: rating systems as data (ratings/systems/<id>.xml). */
#include "ws-rating-system.h"
#include "ws-data.h"

#include <stdlib.h>
#include <string.h>

#include "ws-config.h"
#include "ws-error.h"
#include "ws-xml.h"

#define RS_NS "urn:watershed:rating-system:1"
#define MAX_AGE 21
#define UNRATED_RANK 1000
#define REFUSED_RANK 1001

typedef struct {
  char *scheme; /* NULL: another spelling of the code */
  char *value;
  int line;
} RatingAlias;

typedef struct {
  char *value;
  int line;
} SystemAlias;

struct WsRatingDescriptor {
  char *code;
  char *label;
  char *category;
  GPtrArray *aliases; /* char * */
};

struct WsRatingDef {
  WsRatingSystem *system;
  char *code;
  char *label;
  char *name; /* SYSTEM:CODE */
  int minimum_age;
  guint ordinal;
  WsRatingKind kind;
  WsRatingClass rclass;
  WsBadgeHints badge;
  char *badge_text;
  char *badge_caption;
  GPtrArray *aliases; /* RatingAlias * */
  int line;
};

struct WsRatingSystem {
  char *id;
  char *name;
  char *territory;
  char *authority;
  char *path;
  int line;
  GPtrArray *aliases;     /* SystemAlias * */
  GPtrArray *ratings;     /* WsRatingDef *, ordinal order */
  GPtrArray *descriptors; /* WsRatingDescriptor * */
  GPtrArray *equivalents; /* char *: ids of systems sharing our symbols */
  GPtrArray *sources;     /* char *: URLs for the codes and classes */
  WsBadgeHints badge;
  char *badge_caption;
  /* folded code -> def; folded plain alias -> def */
  GHashTable *codes;
  GHashTable *plain_aliases;
};

struct WsRatingRegistry {
  GPtrArray *systems;       /* WsRatingSystem *, sorted by id */
  GHashTable *system_index; /* name key -> system */
  GHashTable *alias_index;  /* scheme key "\n" value key -> def */
};

static const char *const categories[] = {
  "violence",
  "fear",
  "sex",
  "nudity",
  "discrimination",
  "drugs",
  "language",
  "horror",
  "theme",
  "imitable-behaviour",
  "dialogue",
  "fantasy-violence",
  "gambling",
  "other",
};

const char *
ws_rating_category_lookup (const char *name)
{
  g_return_val_if_fail (name != NULL, "other");
  for (guint i = 0; i < G_N_ELEMENTS (categories); i++)
    if (g_ascii_strcasecmp (categories[i], name) == 0)
      return categories[i];
  return "other";
}

static const struct {
  const char *name;
  WsBadgeShape shape;
} shapes[] = {
  { "circle", WS_BADGE_SHAPE_CIRCLE },
  { "rounded-square", WS_BADGE_SHAPE_ROUNDED_SQUARE },
  { "square", WS_BADGE_SHAPE_SQUARE },
  { "triangle", WS_BADGE_SHAPE_TRIANGLE },
  { "diamond", WS_BADGE_SHAPE_DIAMOND },
  { "shield", WS_BADGE_SHAPE_SHIELD },
};

static const struct {
  const char *name;
  WsRatingKind kind;
} kinds[] = {
  { "advisory", WS_RATING_KIND_ADVISORY },
  { "restricted", WS_RATING_KIND_RESTRICTED },
  { "unrated", WS_RATING_KIND_UNRATED },
  { "refused", WS_RATING_KIND_REFUSED },
};

static const char *const class_names[] = {
  [WS_RATING_CLASS_ADVISORY] = "advisory",
  [WS_RATING_CLASS_RESTRICTED] = "restricted",
  [WS_RATING_CLASS_ADULT_EXPLICIT] = "adult-explicit",
  [WS_RATING_CLASS_REFUSED] = "refused",
  [WS_RATING_CLASS_UNRATED] = "unrated",
};

/* ---- keys ---------------------------------------------------------------- */

/* Case-folded, NFC, trimmed copy; NULL for empty or invalid UTF-8. */
static char *
fold (const char *s)
{
  char *trimmed, *folded, *norm;

  if (s == NULL || !g_utf8_validate (s, -1, NULL))
    return NULL;
  trimmed = g_strstrip (g_strdup (s));
  if (trimmed[0] == '\0') {
    g_free (trimmed);
    return NULL;
  }
  folded = g_utf8_casefold (trimmed, -1);
  norm = g_utf8_normalize (folded, -1, G_NORMALIZE_DEFAULT_COMPOSE);
  g_free (trimmed);
  g_free (folded);
  return norm;
}

static gboolean
is_url (const char *s)
{
  return strstr (s, "://") != NULL;
}

/* The lookup key of a system name or a scheme: URLs match exactly except
 * for http/https and trailing slashes; everything else ignores case. */
static char *
name_key (const char *name)
{
  char *trimmed, *key;
  const char *rest;
  gsize len;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    return NULL;
  trimmed = g_strstrip (g_strdup (name));
  if (!is_url (trimmed)) {
    char *folded = fold (trimmed);

    g_free (trimmed);
    if (folded == NULL)
      return NULL;
    key = g_strconcat ("n:", folded, NULL);
    g_free (folded);
    return key;
  }
  rest = trimmed;
  if (g_ascii_strncasecmp (rest, "https://", 8) == 0)
    rest += 8;
  else if (g_ascii_strncasecmp (rest, "http://", 7) == 0)
    rest += 7;
  len = strlen (rest);
  while (len > 0 && rest[len - 1] == '/')
    len--;
  if (len == 0) {
    g_free (trimmed);
    return NULL;
  }
  key = g_strdup_printf ("u:%.*s", (int) len, rest);
  g_free (trimmed);
  return key;
}

static gboolean
is_itunes_scheme (const char *scheme)
{
  return scheme != NULL && g_ascii_strcasecmp (scheme, "itunes") == 0;
}

/* "prefix|code|value|annotation" -> "prefix|code|value|" (trimmed fields);
 * NULL when there are fewer than three fields. */
static char *
itunes_normalise (const char *value)
{
  char **fields = g_strsplit (value, "|", 4);
  char *out = NULL;

  if (g_strv_length (fields) >= 3) {
    out = g_strdup_printf ("%s|%s|%s|", g_strstrip (fields[0]),
        g_strstrip (fields[1]), g_strstrip (fields[2]));
  }
  g_strfreev (fields);
  return out;
}

static char *
alias_key (const char *scheme, const char *value)
{
  char *skey, *vkey, *key, *norm = NULL;

  skey = name_key (scheme);
  if (skey == NULL)
    return NULL;
  if (is_itunes_scheme (scheme)) {
    norm = itunes_normalise (value);
    if (norm == NULL) {
      g_free (skey);
      return NULL;
    }
    value = norm;
  }
  vkey = fold (value);
  g_free (norm);
  if (vkey == NULL) {
    g_free (skey);
    return NULL;
  }
  key = g_strconcat (skey, "\n", vkey, NULL);
  g_free (skey);
  g_free (vkey);
  return key;
}

/* ---- freeing ------------------------------------------------------------- */

static void
rating_alias_free (gpointer p)
{
  RatingAlias *a = p;

  g_free (a->scheme);
  g_free (a->value);
  g_free (a);
}

static void
system_alias_free (gpointer p)
{
  SystemAlias *a = p;

  g_free (a->value);
  g_free (a);
}

static void
descriptor_free (gpointer p)
{
  WsRatingDescriptor *d = p;

  g_free (d->code);
  g_free (d->label);
  g_free (d->category);
  g_ptr_array_unref (d->aliases);
  g_free (d);
}

static void
rating_def_free (gpointer p)
{
  WsRatingDef *r = p;

  g_free (r->code);
  g_free (r->label);
  g_free (r->name);
  g_free (r->badge_text);
  g_free (r->badge_caption);
  g_ptr_array_unref (r->aliases);
  g_free (r);
}

static void
system_free (gpointer p)
{
  WsRatingSystem *s = p;

  if (s == NULL)
    return;
  g_free (s->id);
  g_free (s->name);
  g_free (s->territory);
  g_free (s->authority);
  g_free (s->path);
  g_free (s->badge_caption);
  g_ptr_array_unref (s->aliases);
  g_ptr_array_unref (s->ratings);
  g_ptr_array_unref (s->descriptors);
  g_ptr_array_unref (s->equivalents);
  g_ptr_array_unref (s->sources);
  g_hash_table_unref (s->codes);
  g_hash_table_unref (s->plain_aliases);
  g_free (s);
}

static WsRatingSystem *
system_new (void)
{
  WsRatingSystem *s = g_new0 (WsRatingSystem, 1);

  s->aliases = g_ptr_array_new_with_free_func (system_alias_free);
  s->ratings = g_ptr_array_new_with_free_func (rating_def_free);
  s->descriptors = g_ptr_array_new_with_free_func (descriptor_free);
  s->equivalents = g_ptr_array_new_with_free_func (g_free);
  s->sources = g_ptr_array_new_with_free_func (g_free);
  s->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  s->plain_aliases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  s->badge.shape = WS_BADGE_SHAPE_ROUNDED_SQUARE;
  s->badge.background_argb = 0xFFFFFFFF;
  s->badge.foreground_argb = 0xFF000000;
  s->badge.border_argb = 0xFF000000;
  s->badge.max_pictograms = WS_BADGE_DEFAULT_MAX_PICTOGRAMS;
  return s;
}

/* ---- parsing one file ---------------------------------------------------- */

typedef struct {
  const char *name; /* file name for messages */
  GError **error;
} Ctx;

static gboolean fail (Ctx *ctx, const xmlNode *node, const char *format, ...)
    G_GNUC_PRINTF (3, 4);

static gboolean
fail (Ctx *ctx, const xmlNode *node, const char *format, ...)
{
  va_list args;
  char *msg;

  va_start (args, format);
  msg = ws_xml_shorten_message (g_strdup_vprintf (format, args));
  va_end (args);
  g_set_error (ctx->error, WS_ERROR, WS_ERROR_INVALID, "%s:%d: <%s>: %s",
      ctx->name, ws_xml_line (node), node ? (const char *) node->name : "?",
      msg);
  g_free (msg);
  return FALSE;
}

static char *
required_attr (Ctx *ctx, const xmlNode *node, const char *attr)
{
  char *v = ws_xml_attr (node, attr, NULL);

  if (v == NULL)
    fail (ctx, node,
        "the attribute %s is missing or empty; add it (see "
        "ratings/schemas/rating-system.xsd)",
        attr);
  return v;
}

static gboolean
parse_uint (const char *s, guint max, guint *out)
{
  guint64 v;

  if (s == NULL || !g_ascii_isdigit (s[0]))
    return FALSE;
  if (!g_ascii_string_to_unsigned (s, 10, 0, max, &v, NULL))
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

static gboolean
parse_colour (const char *s, guint32 *out)
{
  gsize len;
  guint64 v;
  char *end = NULL;

  if (s == NULL || s[0] != '#')
    return FALSE;
  len = strlen (s + 1);
  if (len != 6 && len != 8)
    return FALSE;
  for (gsize i = 1; i <= len; i++) {
    if (!g_ascii_isxdigit (s[i]))
      return FALSE;
  }
  v = g_ascii_strtoull (s + 1, &end, 16);
  if (end == NULL || *end != '\0')
    return FALSE;
  *out = len == 6 ? (guint32) (0xFF000000u | v) : (guint32) v;
  return TRUE;
}

static gboolean
valid_system_id (const char *id)
{
  gsize len = strlen (id);
  gboolean prev_dash = TRUE;

  if (len == 0 || len > 32)
    return FALSE;
  for (const char *p = id; *p; p++) {
    if (*p == '-') {
      if (prev_dash)
        return FALSE;
      prev_dash = TRUE;
    } else if (g_ascii_islower (*p) || g_ascii_isdigit (*p)) {
      prev_dash = FALSE;
    } else {
      return FALSE;
    }
  }
  return !prev_dash;
}

/* A caption: at most WS_BADGE_MAX_CAPTION_CHARS characters, no control
 * characters (it is drawn on one line). */
static gboolean
valid_caption (const char *s)
{
  if (!g_utf8_validate (s, -1, NULL) ||
      g_utf8_strlen (s, -1) > WS_BADGE_MAX_CAPTION_CHARS)
    return FALSE;
  for (const char *p = s; *p; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/* The styling attributes of <badge> beyond shape and colours: caption,
 * caption-style and (on the system's badge only) max-pictograms. The
 * caption, when given, replaces *@caption_out (owned by the caller). */
static gboolean
parse_badge_style (Ctx *ctx, const xmlNode *node, WsBadgeHints *badge,
    char **caption_out, gboolean system_level)
{
  char *v = ws_xml_attr (node, "caption", NULL);

  if (v != NULL) {
    if (!valid_caption (v)) {
      fail (ctx, node,
          "caption=\"%s\": write at most %d characters on one line (FSK, "
          "TV)",
          v, WS_BADGE_MAX_CAPTION_CHARS);
      g_free (v);
      return FALSE;
    }
    g_free (*caption_out);
    *caption_out = v;
    badge->caption = v;
  }
  v = ws_xml_attr (node, "caption-style", NULL);
  if (v != NULL) {
    if (strcmp (v, "small") == 0)
      badge->caption_style = WS_BADGE_CAPTION_SMALL;
    else if (strcmp (v, "line") == 0)
      badge->caption_style = WS_BADGE_CAPTION_LINE;
    else {
      fail (ctx, node,
          "unknown caption-style \"%s\"; use small (a label above the "
          "code) or line (the first of two lines)",
          v);
      g_free (v);
      return FALSE;
    }
    g_free (v);
  }
  v = ws_xml_attr (node, "max-pictograms", NULL);
  if (v != NULL) {
    guint n;

    if (!system_level) {
      fail (ctx, node,
          "max-pictograms belongs on the system's <badge> (before the "
          "ratings), not on a rating's");
      g_free (v);
      return FALSE;
    }
    if (!parse_uint (v, WS_BADGE_MAX_PICTOGRAMS, &n)) {
      fail (ctx, node, "max-pictograms=\"%s\": write a number from 0 to %d", v,
          WS_BADGE_MAX_PICTOGRAMS);
      g_free (v);
      return FALSE;
    }
    badge->max_pictograms = n;
    g_free (v);
  }
  return TRUE;
}

static gboolean
parse_badge (Ctx *ctx, const xmlNode *node, WsBadgeHints *badge,
    char **text_out)
{
  static const char *const colour_attrs[] = { "background", "foreground",
    "border" };
  guint32 *colours[] = { &badge->background_argb, &badge->foreground_argb,
    &badge->border_argb };
  char *v;

  v = ws_xml_attr (node, "shape", NULL);
  if (v != NULL) {
    gboolean found = FALSE;

    for (guint i = 0; i < G_N_ELEMENTS (shapes); i++) {
      if (strcmp (v, shapes[i].name) == 0) {
        badge->shape = shapes[i].shape;
        found = TRUE;
      }
    }
    if (!found) {
      fail (ctx, node,
          "unknown shape \"%s\"; use circle, rounded-square, "
          "square, triangle, diamond or shield",
          v);
      g_free (v);
      return FALSE;
    }
    g_free (v);
  }
  for (guint i = 0; i < G_N_ELEMENTS (colour_attrs); i++) {
    v = ws_xml_attr (node, colour_attrs[i], NULL);
    if (v != NULL && !parse_colour (v, colours[i])) {
      fail (ctx, node,
          "%s=\"%s\" is not a colour; write #RRGGBB or "
          "#AARRGGBB",
          colour_attrs[i], v);
      g_free (v);
      return FALSE;
    }
    g_free (v);
  }
  if (text_out != NULL) {
    g_free (*text_out);
    *text_out = ws_xml_attr (node, "text", NULL);
  }
  return TRUE;
}

static char *
alias_text (Ctx *ctx, const xmlNode *node)
{
  char *v = ws_xml_text (node);

  if (v == NULL)
    fail (ctx, node, "the alias is empty; give a value or remove it");
  return v;
}

/* Records a folded key in @table; FALSE (with an error) if it is taken. */
static gboolean
claim (Ctx *ctx, const xmlNode *node, GHashTable *table, const char *text,
    gpointer owner, const char *what)
{
  char *key = fold (text);

  if (key == NULL)
    return fail (ctx, node, "%s \"%s\" is empty or not UTF-8", what, text);
  if (g_hash_table_contains (table, key)) {
    g_free (key);
    return fail (ctx, node,
        "%s \"%s\" is used twice in this system "
        "(codes and aliases must be unique, ignoring case); remove one",
        what, text);
  }
  g_hash_table_insert (table, key, owner);
  return TRUE;
}

static gboolean
parse_descriptor (Ctx *ctx, WsRatingSystem *sys, const xmlNode *node,
    GHashTable *seen)
{
  WsRatingDescriptor *d = g_new0 (WsRatingDescriptor, 1);
  gboolean known = FALSE;

  d->aliases = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (sys->descriptors, d);

  if (!(d->code = required_attr (ctx, node, "code")) ||
      !(d->label = required_attr (ctx, node, "label")) ||
      !(d->category = required_attr (ctx, node, "category")))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (categories); i++)
    known |= strcmp (d->category, categories[i]) == 0;
  if (!known)
    return fail (ctx, node,
        "unknown category \"%s\"; use one of violence, "
        "fear, sex, nudity, discrimination, drugs, language, horror, theme, "
        "imitable-behaviour, dialogue, fantasy-violence, gambling, other",
        d->category);
  if (!claim (ctx, node, seen, d->code, d, "descriptor code"))
    return FALSE;
  for (xmlNode *a = ws_xml_first_child (node, RS_NS, NULL); a != NULL;
       a = ws_xml_next_sibling (a, RS_NS, NULL)) {
    char *v;

    if (strcmp ((const char *) a->name, "alias") != 0)
      return fail (ctx, a,
          "unexpected element in <descriptor>; only "
          "<alias> may appear here");
    if ((v = alias_text (ctx, a)) == NULL)
      return FALSE;
    g_ptr_array_add (d->aliases, v);
    if (!claim (ctx, a, seen, v, d, "descriptor alias"))
      return FALSE;
  }
  return TRUE;
}

static gboolean
parse_rating (Ctx *ctx, WsRatingSystem *sys, const xmlNode *node)
{
  WsRatingDef *r = g_new0 (WsRatingDef, 1);
  char *v;
  guint ordinal;
  gboolean found = FALSE;

  r->system = sys;
  r->line = ws_xml_line (node);
  r->aliases = g_ptr_array_new_with_free_func (rating_alias_free);
  r->badge = sys->badge;
  r->minimum_age = -1;
  g_ptr_array_add (sys->ratings, r);

  if (!(r->code = required_attr (ctx, node, "code")) ||
      !(r->label = required_attr (ctx, node, "label")))
    return FALSE;
  if (strchr (r->code, ':') != NULL)
    return fail (ctx, node,
        "the code \"%s\" contains \":\", which "
        "separates SYSTEM:CODE; use an alias for such spellings",
        r->code);
  r->name = g_strconcat (sys->id, ":", r->code, NULL);

  v = required_attr (ctx, node, "ordinal");
  if (v == NULL)
    return FALSE;
  if (!parse_uint (v, G_MAXUINT, &ordinal) ||
      ordinal != sys->ratings->len - 1) {
    fail (ctx, node,
        "rating \"%s\" has ordinal=\"%s\" but is rating number "
        "%u; list the ratings least restrictive first with ordinals 0, 1, "
        "2, ...",
        r->code, v, sys->ratings->len - 1);
    g_free (v);
    return FALSE;
  }
  g_free (v);
  r->ordinal = ordinal;

  v = required_attr (ctx, node, "kind");
  if (v == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++) {
    if (strcmp (v, kinds[i].name) == 0) {
      r->kind = kinds[i].kind;
      found = TRUE;
    }
  }
  if (!found) {
    fail (ctx, node,
        "rating \"%s\": unknown kind \"%s\"; use advisory, "
        "restricted, unrated or refused",
        r->code, v);
    g_free (v);
    return FALSE;
  }
  g_free (v);

  v = ws_xml_attr (node, "minimum-age", NULL);
  if (r->kind == WS_RATING_KIND_UNRATED || r->kind == WS_RATING_KIND_REFUSED) {
    if (v != NULL) {
      fail (ctx, node,
          "rating \"%s\" is %s but has minimum-age=\"%s\"; "
          "remove the age or change the kind",
          r->code, r->kind == WS_RATING_KIND_UNRATED ? "unrated" : "refused",
          v);
      g_free (v);
      return FALSE;
    }
  } else {
    guint age;

    if (v == NULL)
      return fail (ctx, node,
          "rating \"%s\" has no minimum-age; every "
          "advisory or restricted rating needs one (years, 0 to %d)",
          r->code, MAX_AGE);
    if (!parse_uint (v, MAX_AGE, &age)) {
      fail (ctx, node,
          "rating \"%s\": minimum-age=\"%s\" is not a whole "
          "number of years from 0 to %d",
          r->code, v, MAX_AGE);
      g_free (v);
      return FALSE;
    }
    r->minimum_age = (int) age;
    g_free (v);
  }

  /* the regulatory class rules speak of; by default the kind's */
  switch (r->kind) {
    case WS_RATING_KIND_ADVISORY:
      r->rclass = WS_RATING_CLASS_ADVISORY;
      break;
    case WS_RATING_KIND_RESTRICTED:
      r->rclass = WS_RATING_CLASS_RESTRICTED;
      break;
    case WS_RATING_KIND_UNRATED:
      r->rclass = WS_RATING_CLASS_UNRATED;
      break;
    case WS_RATING_KIND_REFUSED:
      r->rclass = WS_RATING_CLASS_REFUSED;
      break;
  }
  v = ws_xml_attr (node, "class", NULL);
  if (v != NULL) {
    int c = -1;

    for (guint i = 0; i < G_N_ELEMENTS (class_names); i++) {
      if (strcmp (v, class_names[i]) == 0)
        c = (int) i;
    }
    if (c < 0) {
      fail (ctx, node,
          "rating \"%s\": unknown class \"%s\"; use advisory, restricted, "
          "adult-explicit, refused or unrated",
          r->code, v);
      g_free (v);
      return FALSE;
    }
    /* unrated and refused are kinds as well as classes: they must agree */
    if ((c == WS_RATING_CLASS_UNRATED) != (r->kind == WS_RATING_KIND_UNRATED) ||
        (c == WS_RATING_CLASS_REFUSED) != (r->kind == WS_RATING_KIND_REFUSED)) {
      fail (ctx, node,
          "rating \"%s\": class \"%s\" does not fit its kind; unrated and "
          "refused ratings take the class of the same name, rated ones "
          "advisory, restricted or adult-explicit",
          r->code, v);
      g_free (v);
      return FALSE;
    }
    r->rclass = (WsRatingClass) c;
    g_free (v);
  }

  if (!claim (ctx, node, sys->codes, r->code, r, "code"))
    return FALSE;
  {
    /* A code spelled like a plain alias of an earlier rating. */
    char *key = fold (r->code);
    WsRatingDef *other = g_hash_table_lookup (sys->plain_aliases, key);

    g_free (key);
    if (other != NULL)
      return fail (ctx, node,
          "the code \"%s\" is already an alias of "
          "rating \"%s\"; remove the alias",
          r->code, other->code);
  }

  for (xmlNode *c = ws_xml_first_child (node, RS_NS, NULL); c != NULL;
       c = ws_xml_next_sibling (c, RS_NS, NULL)) {
    if (strcmp ((const char *) c->name, "alias") == 0) {
      RatingAlias *a;
      char *text = alias_text (ctx, c);

      if (text == NULL)
        return FALSE;
      a = g_new0 (RatingAlias, 1);
      a->value = text;
      a->scheme = ws_xml_attr (c, "scheme", NULL);
      a->line = ws_xml_line (c);
      g_ptr_array_add (r->aliases, a);
      if (a->scheme == NULL) {
        char *key = fold (text);

        if (key != NULL && g_hash_table_contains (sys->codes, key)) {
          g_free (key);
          return fail (ctx, c,
              "the alias \"%s\" is already a code of this "
              "system; remove the alias",
              text);
        }
        g_free (key);
        if (!claim (ctx, c, sys->plain_aliases, text, r, "alias"))
          return FALSE;
      } else if (is_itunes_scheme (a->scheme)) {
        char *norm = itunes_normalise (text);

        if (norm == NULL)
          return fail (ctx, c,
              "the iTunes alias \"%s\" is not "
              "\"prefix|code|value|\"",
              text);
        g_free (norm);
      }
    } else if (strcmp ((const char *) c->name, "badge") == 0) {
      if (!parse_badge (ctx, c, &r->badge, &r->badge_text) ||
          !parse_badge_style (ctx, c, &r->badge, &r->badge_caption, FALSE))
        return FALSE;
    } else {
      return fail (ctx, c,
          "unexpected element in <rating>; only <alias> "
          "and <badge> may appear here");
    }
  }
  r->badge.text = r->badge_text;
  return TRUE;
}

static gboolean
parse_system (Ctx *ctx, xmlNode *root, WsRatingSystem *sys)
{
  GHashTable *descriptor_keys;
  GHashTable *alias_keys;
  gboolean ok = TRUE;
  char *id_key;

  if (!ws_xml_is (root, NULL, "rating-system") || root->ns == NULL ||
      strcmp ((const char *) root->ns->href, RS_NS) != 0) {
    g_set_error (ctx->error, WS_ERROR, WS_ERROR_INVALID,
        "%s:%d: <%s>: not a rating-system file; the root element must be "
        "<rating-system xmlns=\"" RS_NS "\">",
        ctx->name, ws_xml_line (root), (const char *) root->name);
    return FALSE;
  }
  sys->line = ws_xml_line (root);
  if (!(sys->id = required_attr (ctx, root, "id")))
    return FALSE;
  if (!valid_system_id (sys->id))
    return fail (ctx, root,
        "id=\"%s\" is not a short lower-case id; use "
        "letters a-z, digits and single dashes (bbfc, us-tv)",
        sys->id);
  if (!(sys->territory = required_attr (ctx, root, "territory")))
    return FALSE;
  if (strlen (sys->territory) != 2 || !g_ascii_isupper (sys->territory[0]) ||
      !g_ascii_isupper (sys->territory[1]))
    return fail (ctx, root,
        "territory=\"%s\" is not a two-letter upper-case "
        "code (GB, DE, EU)",
        sys->territory);

  descriptor_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  alias_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  id_key = name_key (sys->id);
  g_hash_table_add (alias_keys, id_key);

  for (xmlNode *c = root->children; ok && c != NULL; c = c->next) {
    const char *n;

    if (c->type != XML_ELEMENT_NODE)
      continue;
    n = (const char *) c->name;
    if (!ws_xml_ns_has_prefix (c, RS_NS) ||
        strcmp ((const char *) c->ns->href, RS_NS) != 0) {
      ok = fail (ctx, c,
          "element outside the namespace " RS_NS "; remove "
          "it or fix its namespace");
    } else if (strcmp (n, "name") == 0 || strcmp (n, "authority") == 0) {
      char **slot = n[0] == 'n' ? &sys->name : &sys->authority;

      if (*slot != NULL) {
        ok = fail (ctx, c, "given twice; keep one");
      } else if ((*slot = ws_xml_text (c)) == NULL) {
        ok = fail (ctx, c, "empty; write the %s",
            n[0] == 'n' ? "system's name" : "rating authority");
      }
    } else if (strcmp (n, "alias") == 0) {
      SystemAlias *a;
      char *text = alias_text (ctx, c), *key;

      if (text == NULL) {
        ok = FALSE;
        continue;
      }
      a = g_new0 (SystemAlias, 1);
      a->value = text;
      a->line = ws_xml_line (c);
      g_ptr_array_add (sys->aliases, a);
      key = name_key (text);
      if (key == NULL) {
        ok = fail (ctx, c, "the alias \"%s\" is not valid UTF-8 text", text);
      } else if (g_hash_table_contains (alias_keys, key)) {
        ok = fail (ctx, c,
            "the alias \"%s\" repeats the id or another "
            "alias of this system (names ignore case); remove it",
            text);
        g_free (key);
      } else {
        g_hash_table_add (alias_keys, key);
      }
    } else if (strcmp (n, "equivalent") == 0) {
      char *id = required_attr (ctx, c, "system");

      if (id == NULL)
        ok = FALSE;
      else if (!valid_system_id (id) || strcmp (id, sys->id) == 0) {
        ok = fail (ctx, c,
            "<equivalent system=\"%s\">: give the id of another system "
            "whose codes with the same symbol mean the same",
            id);
        g_free (id);
      } else
        g_ptr_array_add (sys->equivalents, id);
    } else if (strcmp (n, "source") == 0) {
      char *href = required_attr (ctx, c, "href");

      if (href == NULL)
        ok = FALSE;
      else
        g_ptr_array_add (sys->sources, href);
    } else if (strcmp (n, "badge") == 0) {
      if (sys->ratings->len > 0)
        ok = fail (ctx, c, "the system badge must come before the ratings");
      else
        ok = parse_badge (ctx, c, &sys->badge, NULL) &&
             parse_badge_style (ctx, c, &sys->badge, &sys->badge_caption, TRUE);
    } else if (strcmp (n, "descriptor") == 0) {
      ok = parse_descriptor (ctx, sys, c, descriptor_keys);
    } else if (strcmp (n, "rating") == 0) {
      ok = parse_rating (ctx, sys, c);
    } else {
      ok = fail (ctx, c,
          "unknown element; a rating system holds <name>, "
          "<authority>, <alias>, <equivalent>, <source>, <badge>, "
          "<descriptor> and <rating>");
    }
  }
  g_hash_table_unref (descriptor_keys);
  g_hash_table_unref (alias_keys);
  if (!ok)
    return FALSE;
  if (sys->name == NULL)
    return fail (ctx, root, "system \"%s\" has no <name>; add one", sys->id);
  if (sys->authority == NULL)
    return fail (ctx, root, "system \"%s\" has no <authority>; add one",
        sys->id);
  if (sys->ratings->len == 0)
    return fail (ctx, root,
        "system \"%s\" has no <rating>; a system needs "
        "at least one",
        sys->id);
  return TRUE;
}

/* ---- registry ------------------------------------------------------------ */

WsRatingRegistry *
ws_rating_registry_new_empty (void)
{
  WsRatingRegistry *reg = g_new0 (WsRatingRegistry, 1);

  reg->systems = g_ptr_array_new_with_free_func (system_free);
  reg->system_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  reg->alias_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  return reg;
}

void
ws_rating_registry_free (WsRatingRegistry *reg)
{
  if (reg == NULL)
    return;
  g_hash_table_unref (reg->system_index);
  g_hash_table_unref (reg->alias_index);
  g_ptr_array_unref (reg->systems);
  g_free (reg);
}

static gint
compare_systems (gconstpointer a, gconstpointer b)
{
  const WsRatingSystem *sa = *(WsRatingSystem *const *) a;
  const WsRatingSystem *sb = *(WsRatingSystem *const *) b;

  return strcmp (sa->id, sb->id);
}

/* Checks @sys against the registry, then inserts it; on error nothing
 * changes. */
static gboolean
register_system (WsRatingRegistry *reg, WsRatingSystem *sys, Ctx *ctx)
{
  GPtrArray *sys_keys = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *alias_keys = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *alias_defs = g_ptr_array_new ();
  GHashTable *local = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean ok = TRUE;
  WsRatingSystem *other;
  char *key;

  key = name_key (sys->id);
  other = g_hash_table_lookup (reg->system_index, key);
  if (other != NULL) {
    g_set_error (ctx->error, WS_ERROR, WS_ERROR_INVALID,
        "%s:%d: <rating-system>: the system id \"%s\" is already loaded "
        "from %s; each system may be defined once (remove one file or "
        "change its id)",
        ctx->name, sys->line, sys->id,
        other->path ? other->path : "another file");
    ok = FALSE;
  }
  g_ptr_array_add (sys_keys, key);

  for (guint i = 0; ok && i < sys->aliases->len; i++) {
    SystemAlias *a = g_ptr_array_index (sys->aliases, i);

    key = name_key (a->value);
    other = g_hash_table_lookup (reg->system_index, key);
    if (other != NULL) {
      g_set_error (ctx->error, WS_ERROR, WS_ERROR_INVALID,
          "%s:%d: <alias>: \"%s\" already names the system \"%s\" (%s); a "
          "name may stand for one system only",
          ctx->name, a->line, a->value, other->id,
          other->path ? other->path : "?");
      ok = FALSE;
    }
    g_ptr_array_add (sys_keys, key);
  }

  for (guint i = 0; ok && i < sys->ratings->len; i++) {
    WsRatingDef *r = g_ptr_array_index (sys->ratings, i);

    for (guint j = 0; ok && j < r->aliases->len; j++) {
      RatingAlias *a = g_ptr_array_index (r->aliases, j);
      WsRatingDef *taken;

      if (a->scheme == NULL)
        continue;
      key = alias_key (a->scheme, a->value);
      if (key == NULL) {
        g_set_error (ctx->error, WS_ERROR, WS_ERROR_INVALID,
            "%s:%d: <alias>: the scheme alias \"%s\" (scheme \"%s\") is "
            "empty or not UTF-8",
            ctx->name, a->line, a->value, a->scheme);
        ok = FALSE;
        break;
      }
      taken = g_hash_table_lookup (reg->alias_index, key);
      if (taken == NULL)
        taken = g_hash_table_lookup (local, key);
      if (taken != NULL) {
        g_set_error (ctx->error, WS_ERROR, WS_ERROR_INVALID,
            "%s:%d: <alias>: \"%s\" in scheme \"%s\" already stands for %s; "
            "a scheme term may name one rating only",
            ctx->name, a->line, a->value, a->scheme, taken->name);
        g_free (key);
        ok = FALSE;
        break;
      }
      g_hash_table_insert (local, key, r);
      g_ptr_array_add (alias_keys, key);
      g_ptr_array_add (alias_defs, r);
    }
  }

  if (ok) {
    for (guint i = 0; i < sys_keys->len; i++)
      g_hash_table_insert (reg->system_index,
          g_strdup (g_ptr_array_index (sys_keys, i)), sys);
    for (guint i = 0; i < alias_keys->len; i++)
      g_hash_table_insert (reg->alias_index,
          g_strdup (g_ptr_array_index (alias_keys, i)),
          g_ptr_array_index (alias_defs, i));
    g_ptr_array_add (reg->systems, sys);
    g_ptr_array_sort (reg->systems, compare_systems);
  }
  g_hash_table_unref (local);
  g_ptr_array_unref (sys_keys);
  g_ptr_array_unref (alias_keys);
  g_ptr_array_unref (alias_defs);
  return ok;
}

static gboolean
add_doc (WsRatingRegistry *reg, xmlDoc *doc, const char *name, GError **error)
{
  Ctx ctx = { name, error };
  WsRatingSystem *sys = system_new ();

  sys->path = g_strdup (name);
  if (!parse_system (&ctx, xmlDocGetRootElement (doc), sys) ||
      !register_system (reg, sys, &ctx)) {
    system_free (sys);
    return FALSE;
  }
  return TRUE;
}

gboolean
ws_rating_registry_add_memory (WsRatingRegistry *reg, const char *data,
    gsize len, const char *name, GError **error)
{
  xmlDoc *doc;
  gboolean ok;

  g_return_val_if_fail (reg != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (name == NULL)
    name = "<memory>";
  doc = ws_xml_read_memory (data, len, name, error);
  if (doc == NULL)
    return FALSE;
  ok = add_doc (reg, doc, name, error);
  xmlFreeDoc (doc);
  return ok;
}

gboolean
ws_rating_registry_add_file (WsRatingRegistry *reg, const char *path,
    GError **error)
{
  xmlDoc *doc;
  gboolean ok;

  g_return_val_if_fail (reg != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  /* Rating-system files are small; 4 MiB is generous. */
  doc = ws_xml_read_file (path, 4 * 1024 * 1024, error);
  if (doc == NULL)
    return FALSE;
  ok = add_doc (reg, doc, path, error);
  xmlFreeDoc (doc);
  return ok;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static gboolean
load_dir (WsRatingRegistry *reg, const char *dir, GError **error)
{
  GError *local = NULL;
  GDir *d = g_dir_open (dir, 0, &local);
  GPtrArray *names;
  const char *n;
  gboolean ok = TRUE;

  if (d == NULL) {
    g_set_error (error, WS_ERROR, WS_ERROR_IO,
        "%s: cannot read the rating-system folder: %s", dir, local->message);
    g_error_free (local);
    return FALSE;
  }
  names = g_ptr_array_new_with_free_func (g_free);
  while ((n = g_dir_read_name (d)) != NULL) {
    if (g_str_has_suffix (n, ".xml") && n[0] != '.')
      g_ptr_array_add (names, g_strdup (n));
  }
  g_dir_close (d);
  g_ptr_array_sort (names, compare_strings);

  if (names->len == 0) {
    g_set_error (error, WS_ERROR, WS_ERROR_IO,
        "%s: no rating-system files (*.xml) in this folder; point "
        "WATERSHED_DATADIR at the folder holding systems/",
        dir);
    ok = FALSE;
  }
  for (guint i = 0; ok && i < names->len; i++) {
    char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);

    ok = ws_rating_registry_add_file (reg, path, error);
    g_free (path);
  }
  g_ptr_array_unref (names);
  return ok;
}

WsRatingRegistry *
ws_rating_registry_new (const char *dir, GError **error)
{
  WsRatingRegistry *reg;
  char *found = NULL;

  if (dir == NULL) {
    found = ws_data_find_dir ("systems", error);
    if (found == NULL)
      return NULL;
    dir = found;
  }

  reg = ws_rating_registry_new_empty ();
  if (!load_dir (reg, dir, error))
    g_clear_pointer (&reg, ws_rating_registry_free);
  g_free (found);
  return reg;
}

typedef struct {
  WsRatingRegistry *reg;
  GError *error;
} DefaultRegistry;

const WsRatingRegistry *
ws_rating_registry_get_default (GError **error)
{
  static DefaultRegistry *default_registry = NULL;

  if (g_once_init_enter (&default_registry)) {
    DefaultRegistry *d = g_new0 (DefaultRegistry, 1);

    d->reg = ws_rating_registry_new (NULL, &d->error);
    g_once_init_leave (&default_registry, d);
  }
  if (default_registry->reg == NULL && error != NULL)
    g_propagate_error (error, g_error_copy (default_registry->error));
  return default_registry->reg;
}

guint
ws_rating_registry_get_n_systems (const WsRatingRegistry *reg)
{
  g_return_val_if_fail (reg != NULL, 0);
  return reg->systems->len;
}

const WsRatingSystem *
ws_rating_registry_get_system (const WsRatingRegistry *reg, guint index)
{
  g_return_val_if_fail (reg != NULL, NULL);
  if (index >= reg->systems->len)
    return NULL;
  return g_ptr_array_index (reg->systems, index);
}

const WsRatingSystem *
ws_rating_registry_lookup_system (const WsRatingRegistry *reg, const char *name)
{
  const WsRatingSystem *sys;
  char *key;

  g_return_val_if_fail (reg != NULL, NULL);
  if (name == NULL)
    return NULL;
  key = name_key (name);
  if (key == NULL)
    return NULL;
  sys = g_hash_table_lookup (reg->system_index, key);
  g_free (key);
  return sys;
}

static const WsRatingDef *
resolve_itunes (const WsRatingRegistry *reg, const char *value)
{
  const WsRatingDef *def = NULL;
  const WsRatingSystem *sys;
  char *key = alias_key ("itunes", value);
  char **fields;

  if (key != NULL)
    def = g_hash_table_lookup (reg->alias_index, key);
  g_free (key);
  if (def != NULL)
    return def;
  /* Not declared: the prefix names the system, the code its rating. */
  fields = g_strsplit (value, "|", 3);
  if (g_strv_length (fields) >= 2) {
    sys = ws_rating_registry_lookup_system (reg, g_strstrip (fields[0]));
    if (sys != NULL)
      def = ws_rating_system_lookup_rating (sys, fields[1]);
  }
  g_strfreev (fields);
  return def;
}

static gboolean
looks_like_uri (const char *s)
{
  return g_ascii_strncasecmp (s, "urn:", 4) == 0 || is_url (s);
}

const WsRatingDef *
ws_rating_registry_resolve (const WsRatingRegistry *reg, const char *scheme,
    const char *value)
{
  const WsRatingDef *def = NULL;
  const WsRatingSystem *sys;
  char *key;

  g_return_val_if_fail (reg != NULL, NULL);
  if (value == NULL)
    return NULL;

  if (scheme == NULL) {
    char *text = g_strstrip (g_strdup (value));
    const char *colon;

    if (looks_like_uri (text)) {
      def = ws_rating_registry_resolve_uri (reg, text);
    } else if (strchr (text, '|') != NULL) {
      def = resolve_itunes (reg, text);
    } else if ((colon = strchr (text, ':')) != NULL && colon != text) {
      char *sys_name = g_strndup (text, colon - text);

      sys = ws_rating_registry_lookup_system (reg, sys_name);
      if (sys != NULL)
        def = ws_rating_system_lookup_rating (sys, colon + 1);
      g_free (sys_name);
    }
    g_free (text);
    return def;
  }

  if (is_itunes_scheme (scheme))
    return resolve_itunes (reg, value);

  key = alias_key (scheme, value);
  if (key != NULL)
    def = g_hash_table_lookup (reg->alias_index, key);
  g_free (key);
  if (def != NULL)
    return def;

  sys = ws_rating_registry_lookup_system (reg, scheme);
  if (sys != NULL)
    def = ws_rating_system_lookup_rating (sys, value);
  return def;
}

const WsRatingDef *
ws_rating_registry_resolve_uri (const WsRatingRegistry *reg, const char *uri)
{
  const WsRatingDef *def = NULL;
  char *text, *sep, *term;
  gsize len;

  g_return_val_if_fail (reg != NULL, NULL);
  if (uri == NULL)
    return NULL;

  text = g_strstrip (g_strdup (uri));
  if (is_url (text)) {
    const char *authority = strstr (text, "://") + 3;

    len = strlen (text);
    while (len > 0 && text[len - 1] == '/')
      text[--len] = '\0';
    sep = strrchr (text, '/');
    if (sep == NULL || sep < authority) {
      g_free (text);
      return NULL;
    }
  } else {
    sep = strrchr (text, ':');
    if (sep == NULL) {
      g_free (text);
      return NULL;
    }
  }
  *sep = '\0';
  term = sep + 1;
  if (term[0] != '\0' && text[0] != '\0') {
    char *unescaped = NULL;

    if (strchr (term, '%') != NULL)
      unescaped = g_uri_unescape_string (term, NULL);
    def = ws_rating_registry_resolve (reg, text, unescaped ? unescaped : term);
    g_free (unescaped);
  }
  g_free (text);
  return def;
}

static char *
known_system_ids (const WsRatingRegistry *reg)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < reg->systems->len; i++) {
    const WsRatingSystem *sys = g_ptr_array_index (reg->systems, i);

    g_string_append_printf (s, "%s%s", i ? ", " : "", sys->id);
  }
  if (s->len == 0)
    g_string_append (s, "(none loaded)");
  return g_string_free (s, FALSE);
}

static char *
system_codes (const WsRatingSystem *sys)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < sys->ratings->len; i++) {
    const WsRatingDef *r = g_ptr_array_index (sys->ratings, i);

    g_string_append_printf (s, "%s%s", i ? ", " : "", r->code);
  }
  return g_string_free (s, FALSE);
}

const WsRatingDef *
ws_rating_registry_parse (const WsRatingRegistry *reg, const char *text,
    GError **error)
{
  const WsRatingSystem *sys;
  const WsRatingDef *def;
  char *copy, *colon, *code;

  g_return_val_if_fail (reg != NULL, NULL);

  if (text == NULL || !g_utf8_validate (text, -1, NULL)) {
    g_set_error (error, WS_ERROR, WS_ERROR_ARGUMENT,
        "no rating given (or not UTF-8 text); write SYSTEM:CODE, for "
        "example bbfc:15");
    return NULL;
  }
  copy = g_strstrip (g_strdup (text));
  colon = strchr (copy, ':');
  if (colon == NULL || colon == copy || colon[1] == '\0') {
    g_set_error (error, WS_ERROR, WS_ERROR_ARGUMENT,
        "\"%s\" is not a rating; write SYSTEM:CODE, for example bbfc:15 or "
        "csa:-16",
        text);
    g_free (copy);
    return NULL;
  }
  *colon = '\0';
  code = colon + 1;
  g_strstrip (copy);
  sys = ws_rating_registry_lookup_system (reg, copy);
  if (sys == NULL) {
    char *ids = known_system_ids (reg);

    g_set_error (error, WS_ERROR, WS_ERROR_NOT_FOUND,
        "unknown rating system \"%s\" in \"%s\"; known systems: %s", copy, text,
        ids);
    g_free (ids);
    g_free (copy);
    return NULL;
  }
  def = ws_rating_system_lookup_rating (sys, code);
  if (def == NULL) {
    char *codes = system_codes (sys);

    g_set_error (error, WS_ERROR, WS_ERROR_NOT_FOUND,
        "the rating system %s has no rating \"%s\"; its codes are: %s", sys->id,
        g_strstrip (code), codes);
    g_free (codes);
  }
  g_free (copy);
  return def;
}

const WsRatingDef *
ws_rating_registry_lookup_age (const WsRatingRegistry *reg, const char *system,
    int minimum_age)
{
  const WsRatingSystem *sys;

  g_return_val_if_fail (reg != NULL, NULL);
  sys = ws_rating_registry_lookup_system (reg, system);
  if (sys == NULL)
    return NULL;
  for (guint i = 0; i < sys->ratings->len; i++) {
    const WsRatingDef *r = g_ptr_array_index (sys->ratings, i);

    if (r->minimum_age >= 0 && r->minimum_age == minimum_age)
      return r;
  }
  return NULL;
}

/* ---- systems ------------------------------------------------------------- */

const char *
ws_rating_system_get_id (const WsRatingSystem *sys)
{
  g_return_val_if_fail (sys != NULL, NULL);
  return sys->id;
}

const char *
ws_rating_system_get_name (const WsRatingSystem *sys)
{
  g_return_val_if_fail (sys != NULL, NULL);
  return sys->name;
}

const char *
ws_rating_system_get_territory (const WsRatingSystem *sys)
{
  g_return_val_if_fail (sys != NULL, NULL);
  return sys->territory;
}

const char *
ws_rating_system_get_authority (const WsRatingSystem *sys)
{
  g_return_val_if_fail (sys != NULL, NULL);
  return sys->authority;
}

const char *
ws_rating_system_get_path (const WsRatingSystem *sys)
{
  g_return_val_if_fail (sys != NULL, NULL);
  return sys->path;
}

guint
ws_rating_system_get_n_ratings (const WsRatingSystem *sys)
{
  g_return_val_if_fail (sys != NULL, 0);
  return sys->ratings->len;
}

const WsRatingDef *
ws_rating_system_get_rating (const WsRatingSystem *sys, guint index)
{
  g_return_val_if_fail (sys != NULL, NULL);
  if (index >= sys->ratings->len)
    return NULL;
  return g_ptr_array_index (sys->ratings, index);
}

const WsRatingDef *
ws_rating_system_lookup_rating (const WsRatingSystem *sys, const char *code)
{
  const WsRatingDef *def;
  char *key;

  g_return_val_if_fail (sys != NULL, NULL);
  key = fold (code);
  if (key == NULL)
    return NULL;
  def = g_hash_table_lookup (sys->codes, key);
  if (def == NULL)
    def = g_hash_table_lookup (sys->plain_aliases, key);
  /* Scheme terms of this system (DVB term ids, iTunes strings...). */
  for (guint i = 0; def == NULL && i < sys->ratings->len; i++) {
    const WsRatingDef *r = g_ptr_array_index (sys->ratings, i);

    for (guint j = 0; def == NULL && j < r->aliases->len; j++) {
      const RatingAlias *a = g_ptr_array_index (r->aliases, j);
      char *v;

      if (a->scheme == NULL)
        continue;
      v = fold (a->value);
      if (v != NULL && strcmp (v, key) == 0)
        def = r;
      g_free (v);
    }
  }
  g_free (key);
  return def;
}

guint
ws_rating_system_get_n_descriptors (const WsRatingSystem *sys)
{
  g_return_val_if_fail (sys != NULL, 0);
  return sys->descriptors->len;
}

const WsRatingDescriptor *
ws_rating_system_get_descriptor (const WsRatingSystem *sys, guint index)
{
  g_return_val_if_fail (sys != NULL, NULL);
  if (index >= sys->descriptors->len)
    return NULL;
  return g_ptr_array_index (sys->descriptors, index);
}

const WsRatingDescriptor *
ws_rating_system_lookup_descriptor (const WsRatingSystem *sys, const char *code)
{
  const WsRatingDescriptor *found = NULL;
  char *key;

  g_return_val_if_fail (sys != NULL, NULL);
  key = fold (code);
  if (key == NULL)
    return NULL;
  for (guint i = 0; found == NULL && i < sys->descriptors->len; i++) {
    const WsRatingDescriptor *d = g_ptr_array_index (sys->descriptors, i);
    char *c = fold (d->code);

    if (c != NULL && strcmp (c, key) == 0)
      found = d;
    g_free (c);
    for (guint j = 0; found == NULL && j < d->aliases->len; j++) {
      char *a = fold (g_ptr_array_index (d->aliases, j));

      if (a != NULL && strcmp (a, key) == 0)
        found = d;
      g_free (a);
    }
  }
  g_free (key);
  return found;
}

/* ---- ratings ------------------------------------------------------------- */

const WsRatingSystem *
ws_rating_def_get_system (const WsRatingDef *def)
{
  g_return_val_if_fail (def != NULL, NULL);
  return def->system;
}

const char *
ws_rating_def_get_code (const WsRatingDef *def)
{
  g_return_val_if_fail (def != NULL, NULL);
  return def->code;
}

const char *
ws_rating_def_get_label (const WsRatingDef *def)
{
  g_return_val_if_fail (def != NULL, NULL);
  return def->label;
}

int
ws_rating_def_get_minimum_age (const WsRatingDef *def)
{
  g_return_val_if_fail (def != NULL, -1);
  return def->minimum_age;
}

guint
ws_rating_def_get_ordinal (const WsRatingDef *def)
{
  g_return_val_if_fail (def != NULL, 0);
  return def->ordinal;
}

WsRatingKind
ws_rating_def_get_kind (const WsRatingDef *def)
{
  g_return_val_if_fail (def != NULL, WS_RATING_KIND_UNRATED);
  return def->kind;
}

const WsBadgeHints *
ws_rating_def_get_badge (const WsRatingDef *def)
{
  g_return_val_if_fail (def != NULL, NULL);
  return &def->badge;
}

const WsBadgeHints *
ws_rating_system_get_badge (const WsRatingSystem *sys)
{
  return sys != NULL ? &sys->badge : NULL;
}

const char *
ws_rating_def_get_name (const WsRatingDef *def)
{
  g_return_val_if_fail (def != NULL, NULL);
  return def->name;
}

/* The third field of an iTunEXTC string: "???" means "Unrated". */
static gboolean
itunes_value_is_unrated (const char *value)
{
  char **fields = g_strsplit (value, "|", 4);
  gboolean unrated = g_strv_length (fields) >= 3 &&
                     strcmp (g_strstrip (fields[2]), "???") == 0;

  g_strfreev (fields);
  return unrated;
}

const char *
ws_rating_def_get_itunes (const WsRatingDef *def)
{
  const char *first = NULL;

  g_return_val_if_fail (def != NULL, NULL);
  for (guint i = 0; i < def->aliases->len; i++) {
    const RatingAlias *a = g_ptr_array_index (def->aliases, i);

    if (!is_itunes_scheme (a->scheme))
      continue;
    /* Apple: "Not Rated" passes parental controls, "Unrated" (???) is
     * blocked by all of them; an unrated rating is written as the latter. */
    if (def->kind == WS_RATING_KIND_UNRATED &&
        itunes_value_is_unrated (a->value))
      return a->value;
    if (first == NULL)
      first = a->value;
  }
  return first;
}

static int
restrictiveness (const WsRatingDef *def)
{
  switch (def->kind) {
    case WS_RATING_KIND_UNRATED:
      return UNRATED_RANK;
    case WS_RATING_KIND_REFUSED:
      return REFUSED_RANK;
    case WS_RATING_KIND_ADVISORY:
    case WS_RATING_KIND_RESTRICTED:
    default:
      return def->minimum_age;
  }
}

int
ws_rating_def_compare (const WsRatingDef *a, const WsRatingDef *b)
{
  int ra, rb;

  g_return_val_if_fail (a != NULL && b != NULL, 0);
  ra = restrictiveness (a);
  rb = restrictiveness (b);
  if (ra != rb)
    return ra < rb ? -1 : 1;
  if (a->system == b->system && a->ordinal != b->ordinal)
    return a->ordinal < b->ordinal ? -1 : 1;
  /* one age in two systems: adult-explicit material (R18, X18+) is above
   * any other rating of its age, whatever the system */
  if ((a->rclass == WS_RATING_CLASS_ADULT_EXPLICIT) !=
      (b->rclass == WS_RATING_CLASS_ADULT_EXPLICIT))
    return a->rclass == WS_RATING_CLASS_ADULT_EXPLICIT ? 1 : -1;
  return 0;
}

WsRatingClass
ws_rating_def_get_class (const WsRatingDef *def)
{
  g_return_val_if_fail (def != NULL, WS_RATING_CLASS_UNRATED);
  return def->rclass;
}

const char *
ws_rating_class_to_string (WsRatingClass c)
{
  if ((guint) c < G_N_ELEMENTS (class_names))
    return class_names[c];
  return "unrated";
}

gboolean
ws_rating_system_is_equivalent (const WsRatingSystem *a,
    const WsRatingSystem *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  if (a == b)
    return TRUE;
  for (guint i = 0; i < a->equivalents->len; i++) {
    if (strcmp (g_ptr_array_index (a->equivalents, i), b->id) == 0)
      return TRUE;
  }
  for (guint i = 0; i < b->equivalents->len; i++) {
    if (strcmp (g_ptr_array_index (b->equivalents, i), a->id) == 0)
      return TRUE;
  }
  return FALSE;
}

const WsRatingDef *
ws_rating_def_get_equivalent (const WsRatingDef *def,
    const WsRatingSystem *target)
{
  const WsRatingDef *r;

  g_return_val_if_fail (def != NULL && target != NULL, NULL);
  if (def->system == target)
    return def;
  if (!ws_rating_system_is_equivalent (def->system, target))
    return NULL;
  r = ws_rating_system_lookup_rating (target, def->code);
  /* the same symbol, and the same meaning: same class and age */
  if (r == NULL || r->rclass != def->rclass ||
      r->minimum_age != def->minimum_age || strcmp (r->code, def->code) != 0)
    return NULL;
  return r;
}

guint
ws_rating_system_get_n_sources (const WsRatingSystem *sys)
{
  g_return_val_if_fail (sys != NULL, 0);
  return sys->sources->len;
}

const char *
ws_rating_system_get_source (const WsRatingSystem *sys, guint index)
{
  g_return_val_if_fail (sys != NULL && index < sys->sources->len, NULL);
  return g_ptr_array_index (sys->sources, index);
}

WsConversion
ws_rating_convert (const WsRatingDef *from, const WsRatingSystem *target)
{
  WsConversion conv = { NULL, FALSE, NULL };
  const WsRatingDef *best = NULL;
  gboolean explicit_src;

  g_return_val_if_fail (from != NULL, conv);
  g_return_val_if_fail (target != NULL, conv);

  if (from->system == target) {
    conv.result = from;
    return conv;
  }
  conv.result = ws_rating_def_get_equivalent (from, target);
  if (conv.result != NULL)
    return conv;

  if (from->kind == WS_RATING_KIND_UNRATED ||
      from->kind == WS_RATING_KIND_REFUSED) {
    for (guint i = 0; i < target->ratings->len; i++) {
      const WsRatingDef *r = g_ptr_array_index (target->ratings, i);

      if (r->kind == from->kind) {
        conv.result = r;
        return conv;
      }
    }
    conv.note =
        from->kind == WS_RATING_KIND_UNRATED ?
            "The source is unrated and the target system has no unrated "
            "rating; treat it as the most restrictive." :
            "The source was refused classification and the target system has "
            "no refused rating; it may not be shown.";
    return conv;
  }

  /* adult-explicit material (R18, X18+, X) converts only to a rating of the
   * same class: never to a plain 18 */
  explicit_src = from->rclass == WS_RATING_CLASS_ADULT_EXPLICIT;
  for (int pass = 0; pass < 2 && best == NULL; pass++) {
    for (guint i = 0; i < target->ratings->len; i++) {
      const WsRatingDef *r = g_ptr_array_index (target->ratings, i);
      gboolean explicit_dst = r->rclass == WS_RATING_CLASS_ADULT_EXPLICIT;

      if (r->minimum_age < 0 || r->minimum_age < from->minimum_age)
        continue;
      if (explicit_src && !explicit_dst)
        continue;
      /* a plain rating prefers plain targets; an adult-explicit one only
       * when nothing else is restrictive enough (rounding up) */
      if (!explicit_src && explicit_dst && pass == 0)
        continue;
      if (best == NULL || r->minimum_age < best->minimum_age)
        best = r; /* ties keep the lower ordinal */
    }
  }
  if (best == NULL) {
    conv.note = explicit_src ?
                    "The source is adult-explicit (R18 or equivalent) and "
                    "the target system has no rating of that class; treat "
                    "it as the most restrictive." :
                    "No rating of the target system is as restrictive as "
                    "the source; treat it as the most restrictive.";
    return conv;
  }
  conv.result = best;
  if (best->minimum_age != from->minimum_age && best->kind != from->kind) {
    conv.approximate = TRUE;
    conv.note = "The target rating has a higher minimum age than the source "
                "and a different kind (advisory versus restricted).";
  } else if (best->minimum_age != from->minimum_age) {
    conv.approximate = TRUE;
    conv.note = "The target system has no rating with the same minimum "
                "age; the next more restrictive rating was chosen.";
  } else if (best->rclass != from->rclass) {
    conv.approximate = TRUE;
    conv.note = best->rclass == WS_RATING_CLASS_ADULT_EXPLICIT ?
                    "The target system's only rating that restrictive is "
                    "adult-explicit; rounded up." :
                    "Same minimum age, but one rating is advisory and the "
                    "other legally restricted.";
  } else if (best->kind != from->kind) {
    conv.approximate = TRUE;
    conv.note = "Same minimum age, but one rating is advisory and the other "
                "legally restricted.";
  }
  return conv;
}

/* ---- descriptors --------------------------------------------------------- */

const char *
ws_rating_descriptor_get_code (const WsRatingDescriptor *d)
{
  g_return_val_if_fail (d != NULL, NULL);
  return d->code;
}

const char *
ws_rating_descriptor_get_label (const WsRatingDescriptor *d)
{
  g_return_val_if_fail (d != NULL, NULL);
  return d->label;
}

const char *
ws_rating_descriptor_get_category (const WsRatingDescriptor *d)
{
  g_return_val_if_fail (d != NULL, NULL);
  return d->category;
}
