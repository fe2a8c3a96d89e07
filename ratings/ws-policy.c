/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the time-slot policy engine. See ws-policy.h. */
#include "ws-policy.h"
#include "ws-data.h"

#include <stdio.h>
#include <string.h>

#include "ws-config.h"
#include "ws-error.h"
#include "ws-metadata.h"
#include "ws-territory.h"
#include "ws-xml.h"

#define POLICY_NS "urn:watershed:policy:1"
#define DAY_S G_GINT64_CONSTANT (86400)
#define USEC G_GINT64_CONSTANT (1000000)
#define HORIZON_DAYS 1000
#define MAX_RULE_SETS 16
#define MAX_CLASSES 32
#define MAX_DAY_INTERVALS 32
#define DAY_MIXED G_MININT32
/* 1970-01-01 is Julian day 719163 in GDate's numbering (0001-01-01 = 1). */
#define JULIAN_EPOCH 719163
/* Zone tables cover 1970-01-01 .. 2100-01-01 (UTC days). */
#define TABLE_FIRST_DAY 0
#define TABLE_N_DAYS 47482
/* Instants accepted: years 1900 .. 9000. */
#define MIN_SECONDS G_GINT64_CONSTANT (-2208988800)
#define MAX_SECONDS G_GINT64_CONSTANT (221845392000)

/* Day flags from holiday calendars. */
enum {
  DAY_PUBLIC_HOLIDAY = 1 << 0,
  DAY_PUBLIC_HOLIDAY_EVE = 1 << 1,
  DAY_SCHOOL_HOLIDAY = 1 << 2,
  DAY_SCHOOL_HOLIDAY_EVE = 1 << 3,
  DAY_ALL_FLAGS = 0x0f,
  /* known for certain (the calendar covers the day and lists it): what
   * `on` windows need, since an unknown day must not open them */
  DAY_SURE_PUBLIC_HOLIDAY = 1 << 4,
  DAY_SURE_SCHOOL_HOLIDAY = 1 << 6,
};
/* the longest holiday range one <holiday from to> may give, in days */
#define MAX_HOLIDAY_RANGE_DAYS 366
/* the most <holiday> entries one calendar file may hold */
#define MAX_HOLIDAY_ENTRIES 20000

enum {
  MATCH_UNRATED = 1 << 0,
  MATCH_REFUSED = 1 << 1,
  MATCH_ADULT_EXPLICIT = 1 << 2,
  /* a foreign rating with no local equivalent: no rule matches it */
  MATCH_NO_EQUIVALENT = 1 << 3,
};

typedef enum {
  ACTION_WINDOWS,
  ACTION_ALWAYS,
  ACTION_NEVER,
} Action;

typedef struct {
  guint8 days;   /* bit 0 = Monday ... bit 6 = Sunday */
  guint8 except; /* day flags that close the window */
  guint8 on;     /* sure day flags the window needs (0: none) */
  gint32 from_s; /* seconds after local midnight of the start day */
  gint32 to_s;   /* may exceed DAY_S: the window ends the next day */
} Window;

typedef struct {
  char *id;
  guint32 classes;
  int min_age; /* -1: no age threshold */
  int max_age; /* -1: none */
  char **ratings;
  guint8 kinds;
  WsAccessFlags requires;
  Action action;
  Window *windows;
  guint n_windows;
  gboolean mandatory;
  char *reason;
  char *citation;
  char *confidence;   /* primary, secondary, assumed, or NULL when unstated */
  char *source_note;  /* (nullable) what the source says, in the file */
  char *classes_text; /* (nullable) the classes attribute as written */
  char *kinds_text;   /* (nullable) the kind attribute as written */
} Rule;

typedef struct {
  WsGuidance pub;
  guint32 classes;
  int min_age;
  char *id;
  char *text;
  char *citation;
  GPtrArray *announcements; /* WsGuidanceText, or NULL */
} Guidance;

typedef struct {
  char *version;
  gint64 from_day;  /* G_MININT64: no lower bound */
  gint64 until_day; /* exclusive; G_MAXINT64: open-ended */
  Rule *rules;
  guint n_rules;
  Guidance *guidance;
  guint n_guidance;
} RuleSet;

typedef struct {
  char *id;
  char *description;
} ServiceClass;

/* An allowed interval [a, b) in UTC seconds. */
typedef struct {
  gint64 a;
  gint64 b;
} Span;

/* A zone's offsets, shared by every policy using the zone. */
typedef struct {
  char *id;
  GTimeZone *tz;
  int refcount;
  gint32 *day_off; /* per UTC day: offset for the whole day, or DAY_MIXED */
  gint64 *trans;   /* UTC second at which trans_off[i] starts */
  gint32 *trans_off;
  guint n_trans;
} Zone;

struct WsPolicy {
  char *id;
  char *name;
  char *jurisdiction;
  char *path;
  Zone *zone;
  ServiceClass *classes;
  guint n_classes;
  guint default_class;
  RuleSet *rule_sets;
  guint n_rule_sets;
  /* calendar flags for local days [cal_first, cal_first + cal_n); unknown
   * days have every flag set (fail closed) */
  gint64 cal_first;
  guint cal_n;
  guint8 *cal_flags;
  /* the policy's own rating systems; ratings of others are judged by
   * their equivalent in systems[0] */
  const WsRatingSystem **systems;
  guint n_systems;
};

/* ---- zones ------------------------------------------------------------- */

static GMutex zone_lock;
static GHashTable *zone_cache;

static gint64
floor_div (gint64 a, gint64 b)
{
  gint64 q = a / b;

  if ((a % b != 0) && ((a < 0) != (b < 0)))
    q--;
  return q;
}

static gint32
tz_offset_slow (GTimeZone *tz, gint64 u)
{
  int i = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, u);

  return g_time_zone_get_offset (tz, i < 0 ? 0 : i);
}

static void
find_transitions (GTimeZone *tz, gint64 a, gint64 b, int ia, int ib,
    GArray *trans, GArray *offs)
{
  /* idx(a) == ia, idx(b) == ib != ia; find every change in (a, b]. */
  while (b - a > 1) {
    gint64 m = a + (b - a) / 2;
    int im = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, m);

    if (im != ia) {
      b = m;
      ib = im;
    } else {
      a = m;
    }
  }
  {
    gint32 off = g_time_zone_get_offset (tz, ib);
    g_array_append_val (trans, b);
    g_array_append_val (offs, off);
  }
}

static Zone *
zone_build (const char *id, GTimeZone *tz)
{
  Zone *z = g_new0 (Zone, 1);
  GArray *trans = g_array_new (FALSE, FALSE, sizeof (gint64));
  GArray *offs = g_array_new (FALSE, FALSE, sizeof (gint32));
  gint64 prev_t = (gint64) TABLE_FIRST_DAY * DAY_S;
  int prev_i = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, prev_t);

  z->id = g_strdup (id);
  z->tz = g_time_zone_ref (tz);
  z->refcount = 1;
  z->day_off = g_new (gint32, TABLE_N_DAYS);
  for (guint d = 0; d < TABLE_N_DAYS; d++) {
    gint64 next_t = prev_t + DAY_S;
    int next_i = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, next_t);

    if (next_i == prev_i) {
      z->day_off[d] = g_time_zone_get_offset (tz, prev_i);
    } else {
      /* a change in (prev_t, next_t]; when it is exactly at next_t the
       * day itself is uniform */
      int last_i = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL,
          next_t - 1);
      gint64 a = prev_t;
      int ia = prev_i;

      z->day_off[d] = last_i == prev_i ? g_time_zone_get_offset (tz, prev_i) :
                                         DAY_MIXED;
      while (ia != next_i) {
        int ib = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, next_t);
        gint64 t;

        find_transitions (tz, a, next_t, ia, ib, trans, offs);
        t = g_array_index (trans, gint64, trans->len - 1);
        a = t;
        ia = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, t);
      }
    }
    prev_t = next_t;
    prev_i = next_i;
  }
  z->n_trans = trans->len;
  z->trans = (gint64 *) g_array_free (trans, FALSE);
  z->trans_off = (gint32 *) g_array_free (offs, FALSE);
  return z;
}

static void
zone_free (Zone *z)
{
  g_free (z->id);
  g_time_zone_unref (z->tz);
  g_free (z->day_off);
  g_free (z->trans);
  g_free (z->trans_off);
  g_free (z);
}

static Zone *
zone_acquire (const char *id, GTimeZone *tz)
{
  Zone *z;

  g_mutex_lock (&zone_lock);
  if (zone_cache == NULL)
    zone_cache = g_hash_table_new (g_str_hash, g_str_equal);
  z = g_hash_table_lookup (zone_cache, id);
  if (z != NULL) {
    z->refcount++;
  } else {
    z = zone_build (id, tz);
    g_hash_table_insert (zone_cache, z->id, z);
  }
  g_mutex_unlock (&zone_lock);
  return z;
}

static void
zone_release (Zone *z)
{
  if (z == NULL)
    return;
  g_mutex_lock (&zone_lock);
  if (--z->refcount == 0) {
    g_hash_table_remove (zone_cache, z->id);
    if (g_hash_table_size (zone_cache) == 0) {
      g_hash_table_destroy (zone_cache);
      zone_cache = NULL;
    }
    zone_free (z);
  }
  g_mutex_unlock (&zone_lock);
}

/* The UTC offset in seconds at UTC second @u. */
static gint32
zone_offset (const Zone *z, gint64 u)
{
  gint64 d = floor_div (u, DAY_S) - TABLE_FIRST_DAY;

  if (d >= 0 && d < TABLE_N_DAYS) {
    gint32 o = z->day_off[d];
    guint lo = 0, hi = z->n_trans;

    if (o != DAY_MIXED)
      return o;
    /* last transition <= u */
    while (lo < hi) {
      guint mid = lo + (hi - lo) / 2;
      if (z->trans[mid] <= u)
        lo = mid + 1;
      else
        hi = mid;
    }
    if (lo > 0)
      return z->trans_off[lo - 1];
  }
  return tz_offset_slow (z->tz, u);
}

/* The first UTC second whose wall-clock reading is >= local second @l:
 * the first occurrence of a repeated time, the end of a gap for a missing
 * one. */
static gint64
zone_local_to_utc (const Zone *z, gint64 l)
{
  gint64 d = floor_div (l, DAY_S) - TABLE_FIRST_DAY;
  gint64 u_lo, u_hi, best = G_MAXINT64;
  gint32 o_lo, o_hi;

  if (d >= 1 && d + 1 < TABLE_N_DAYS) {
    gint32 o = z->day_off[d];
    if (o != DAY_MIXED && z->day_off[d - 1] == o && z->day_off[d + 1] == o)
      return l - o;
  }
  u_lo = l - 15 * 3600;
  u_hi = l + 13 * 3600;
  o_lo = zone_offset (z, u_lo);
  o_hi = zone_offset (z, u_hi);
  if (zone_offset (z, l - o_lo) == o_lo)
    best = l - o_lo;
  if (o_hi != o_lo && zone_offset (z, l - o_hi) == o_hi && l - o_hi < best)
    best = l - o_hi;
  if (best != G_MAXINT64)
    return best;
  /* a gap: the first instant at or after which the wall clock is past @l */
  while (u_hi - u_lo > 1) {
    gint64 m = u_lo + (u_hi - u_lo) / 2;
    if (m + zone_offset (z, m) >= l)
      u_hi = m;
    else
      u_lo = m;
  }
  return u_hi;
}

static gint64
zone_local_day (const Zone *z, gint64 u)
{
  return floor_div (u + zone_offset (z, u), DAY_S);
}

/* ---- small parsers ----------------------------------------------------- */

static gboolean
parse_date_day (const char *s, gint64 *out_day)
{
  int y, m, d;
  char tail;

  if (s == NULL || sscanf (s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
      strlen (s) != 10 || !g_date_valid_dmy (d, m, y))
    return FALSE;
  {
    GDate date;
    g_date_clear (&date, 1);
    g_date_set_dmy (&date, d, m, y);
    *out_day = (gint64) g_date_get_julian (&date) - JULIAN_EPOCH;
  }
  return TRUE;
}

static gboolean
parse_clock (const char *s, gint32 *out_s)
{
  int h, m, sec = 0, n;
  gsize len = s ? strlen (s) : 0;

  if (len == 5)
    n = sscanf (s, "%2d:%2d", &h, &m) == 2 && s[2] == ':';
  else if (len == 8)
    n = sscanf (s, "%2d:%2d:%2d", &h, &m, &sec) == 3 && s[2] == ':' &&
        s[5] == ':';
  else
    return FALSE;
  if (!n || !g_ascii_isdigit (s[0]) || !g_ascii_isdigit (s[3]) || h < 0 ||
      m < 0 || m > 59 || sec < 0 || sec > 59 || h > 24 ||
      (h == 24 && (m != 0 || sec != 0)))
    return FALSE;
  *out_s = h * 3600 + m * 60 + sec;
  return TRUE;
}

static const char *const weekday_names[] = { "mon", "tue", "wed", "thu", "fri",
  "sat", "sun" };

static const struct {
  const char *name;
  guint8 flag;
} day_flag_names[] = {
  { "public-holiday", DAY_PUBLIC_HOLIDAY },
  { "public-holiday-eve", DAY_PUBLIC_HOLIDAY_EVE },
  { "school-holiday", DAY_SCHOOL_HOLIDAY },
  { "school-holiday-eve", DAY_SCHOOL_HOLIDAY_EVE },
};

static const struct {
  const char *name;
  WsAccessFlags flag;
} access_names[] = {
  { "pin", WS_ACCESS_PIN },
  { "age-verified", WS_ACCESS_AGE_VERIFIED },
  { "authorised-channel", WS_ACCESS_AUTHORISED_CHANNEL },
  { "conditional-access", WS_ACCESS_CONDITIONAL_ACCESS },
  { "exception", WS_ACCESS_EXCEPTION },
};

WsAccessFlags
ws_access_flag_from_name (const char *name)
{
  if (name == NULL)
    return WS_ACCESS_NONE;
  for (gsize i = 0; i < G_N_ELEMENTS (access_names); i++) {
    if (!strcmp (name, access_names[i].name))
      return access_names[i].flag;
  }
  return WS_ACCESS_NONE;
}

char *
ws_access_flags_to_string (WsAccessFlags flags)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (access_names); i++) {
    if (flags & access_names[i].flag) {
      if (s->len)
        g_string_append_c (s, ' ');
      g_string_append (s, access_names[i].name);
    }
  }
  return g_string_free (s, FALSE);
}

/* ---- loading ----------------------------------------------------------- */

typedef struct {
  const char *name; /* file name for messages */
  const char *dir;  /* NULL for memory loads */
  const WsRatingRegistry *reg;
  WsPolicy *p;
} Loader;

static gboolean G_GNUC_PRINTF (4, 5) fail (GError **error, const Loader *ld,
    const xmlNode *node, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  ws_xml_set_errorv (error, ld->name, node, format, args);
  va_end (args);
  return FALSE;
}

static int
class_index (const WsPolicy *p, const char *id)
{
  for (guint i = 0; i < p->n_classes; i++) {
    if (!strcmp (p->classes[i].id, id))
      return (int) i;
  }
  return -1;
}

static gboolean
parse_classes (const Loader *ld, const xmlNode *node, guint32 *out,
    GError **error)
{
  char *attr = ws_xml_attr (node, "classes", NULL);
  char **parts;
  gboolean ok = TRUE;

  if (attr == NULL) {
    *out = G_MAXUINT32;
    return TRUE;
  }
  *out = 0;
  parts = g_strsplit_set (attr, " \t\n", -1);
  for (char **it = parts; *it; it++) {
    int i;
    if (**it == '\0')
      continue;
    i = class_index (ld->p, *it);
    if (i < 0) {
      ok = fail (error, ld, node,
          "<%s>: unknown service class \"%s\"; declare it with "
          "<service-class id=\"%s\"> first",
          (const char *) node->name, *it, *it);
      break;
    }
    *out |= 1u << i;
  }
  g_strfreev (parts);
  g_free (attr);
  return ok;
}

static gboolean
parse_age_attr (const Loader *ld, const xmlNode *node, const char *name,
    int *out, GError **error)
{
  char *attr = ws_xml_attr (node, name, NULL);
  gboolean ok = TRUE;

  *out = -1;
  if (attr != NULL) {
    gint64 v;
    if (!g_ascii_string_to_signed (attr, 10, 0, 99, &v, NULL))
      ok = fail (error, ld, node, "<%s>: %s=\"%s\" is not an age 0-99",
          (const char *) node->name, name, attr);
    else
      *out = (int) v;
  }
  g_free (attr);
  return ok;
}

static char *
child_text (const xmlNode *node, const char *name)
{
  xmlNode *c = ws_xml_first_child (node, POLICY_NS, name);
  return c ? ws_xml_text (c) : NULL;
}

static gboolean
parse_status (const Loader *ld, const xmlNode *node, gboolean *mandatory,
    GError **error)
{
  char *st = ws_xml_attr (node, "status", NULL);
  gboolean ok = TRUE;

  if (st == NULL || !strcmp (st, "mandatory"))
    *mandatory = TRUE;
  else if (!strcmp (st, "advisory"))
    *mandatory = FALSE;
  else
    ok = fail (error, ld, node,
        "<%s>: status=\"%s\"; use \"mandatory\" or \"advisory\"",
        (const char *) node->name, st);
  g_free (st);
  return ok;
}

static gboolean
parse_window (const Loader *ld, const xmlNode *node, Window *w, GError **error)
{
  char *from = ws_xml_attr (node, "from", NULL);
  char *to = ws_xml_attr (node, "to", NULL);
  char *days = ws_xml_attr (node, "days", NULL);
  char *except = ws_xml_attr (node, "except", NULL);
  char *on = ws_xml_attr (node, "on", NULL);
  gboolean ok = TRUE;

  memset (w, 0, sizeof (*w));
  if (!parse_clock (from, &w->from_s) || w->from_s >= DAY_S) {
    ok = fail (error, ld, node,
        "<window>: from=\"%s\" is not a local time HH:MM[:SS] before 24:00",
        from ? from : "");
    goto out;
  }
  if (!parse_clock (to, &w->to_s)) {
    ok = fail (error, ld, node,
        "<window>: to=\"%s\" is not a local time HH:MM[:SS] (24:00 allowed)",
        to ? to : "");
    goto out;
  }
  if (w->to_s <= w->from_s)
    w->to_s += DAY_S; /* crosses midnight */
  if (days == NULL) {
    w->days = 0x7f;
  } else {
    char **parts = g_strsplit_set (days, " \t\n", -1);
    for (char **it = parts; *it && ok; it++) {
      gboolean found = FALSE;
      if (**it == '\0')
        continue;
      for (guint i = 0; i < 7; i++) {
        if (!g_ascii_strcasecmp (*it, weekday_names[i])) {
          w->days |= 1u << i;
          found = TRUE;
        }
      }
      if (!found)
        ok = fail (error, ld, node,
            "<window>: day \"%s\" is not one of mon tue wed thu fri sat sun",
            *it);
    }
    g_strfreev (parts);
  }
  if (ok && except != NULL) {
    char **parts = g_strsplit_set (except, " \t\n", -1);
    for (char **it = parts; *it && ok; it++) {
      gboolean found = FALSE;
      if (**it == '\0')
        continue;
      for (gsize i = 0; i < G_N_ELEMENTS (day_flag_names); i++) {
        if (!strcmp (*it, day_flag_names[i].name)) {
          w->except |= day_flag_names[i].flag;
          found = TRUE;
        }
      }
      if (!found)
        ok = fail (error, ld, node,
            "<window>: except \"%s\" is not one of public-holiday "
            "public-holiday-eve school-holiday school-holiday-eve",
            *it);
    }
    g_strfreev (parts);
  }
  if (ok && on != NULL) {
    char **parts = g_strsplit_set (on, " \t\n", -1);
    for (char **it = parts; *it && ok; it++) {
      if (**it == '\0')
        continue;
      if (!strcmp (*it, "public-holiday"))
        w->on |= DAY_SURE_PUBLIC_HOLIDAY;
      else if (!strcmp (*it, "school-holiday"))
        w->on |= DAY_SURE_SCHOOL_HOLIDAY;
      else
        ok = fail (error, ld, node,
            "<window>: on \"%s\" is not one of public-holiday "
            "school-holiday",
            *it);
    }
    g_strfreev (parts);
  }
out:
  g_free (from);
  g_free (to);
  g_free (days);
  g_free (except);
  g_free (on);
  return ok;
}

static int
compare_windows (gconstpointer a, gconstpointer b)
{
  const Window *wa = a, *wb = b;
  return (wa->from_s > wb->from_s) - (wa->from_s < wb->from_s);
}

static gboolean
parse_rule (const Loader *ld, const xmlNode *node, Rule *r, GError **error)
{
  char *kind = NULL, *ratings = NULL, *requires = NULL;
  xmlNode *src;
  gboolean ok = TRUE;
  guint n_actions = 0;
  GArray *windows = g_array_new (FALSE, FALSE, sizeof (Window));

  r->id = ws_xml_attr (node, "id", NULL);
  if (r->id == NULL) {
    ok = fail (error, ld, node, "<rule>: the id attribute is required");
    goto out;
  }
  if (!parse_classes (ld, node, &r->classes, error) ||
      !parse_age_attr (ld, node, "min-age", &r->min_age, error) ||
      !parse_age_attr (ld, node, "max-age", &r->max_age, error) ||
      !parse_status (ld, node, &r->mandatory, error)) {
    ok = FALSE;
    goto out;
  }
  kind = ws_xml_attr (node, "kind", NULL);
  if (kind != NULL) {
    char **parts = g_strsplit_set (kind, " \t\n", -1);
    for (char **it = parts; *it && ok; it++) {
      if (**it == '\0')
        continue;
      if (!strcmp (*it, "unrated"))
        r->kinds |= MATCH_UNRATED;
      else if (!strcmp (*it, "refused"))
        r->kinds |= MATCH_REFUSED;
      else if (!strcmp (*it, "adult-explicit"))
        r->kinds |= MATCH_ADULT_EXPLICIT;
      else
        ok = fail (error, ld, node,
            "<rule id=\"%s\">: kind \"%s\"; use \"unrated\", \"refused\" "
            "or \"adult-explicit\"",
            r->id, *it);
    }
    g_strfreev (parts);
    if (!ok)
      goto out;
  }
  ratings = ws_xml_attr (node, "ratings", NULL);
  if (ratings != NULL) {
    char **parts = g_strsplit_set (ratings, " \t\n", -1);
    GPtrArray *names = g_ptr_array_new ();
    for (char **it = parts; *it && ok; it++) {
      GError *e = NULL;
      const WsRatingDef *def;
      if (**it == '\0')
        continue;
      def = ld->reg ? ws_rating_registry_parse (ld->reg, *it, &e) : NULL;
      if (def == NULL) {
        ok = fail (error, ld, node, "<rule id=\"%s\">: rating \"%s\": %s",
            r->id, *it, e ? e->message : "no rating registry");
        g_clear_error (&e);
      } else {
        g_ptr_array_add (names, g_strdup (ws_rating_def_get_name (def)));
        /* the same symbol in an equivalent system (acb:M for acma:M) */
        for (guint si = 0; si < ws_rating_registry_get_n_systems (ld->reg);
             si++) {
          const WsRatingSystem *sys = ws_rating_registry_get_system (ld->reg,
              si);
          const WsRatingDef *eq;
          if (sys == ws_rating_def_get_system (def))
            continue;
          eq = ws_rating_def_get_equivalent (def, sys);
          if (eq != NULL)
            g_ptr_array_add (names, g_strdup (ws_rating_def_get_name (eq)));
        }
      }
    }
    g_ptr_array_add (names, NULL);
    r->ratings = (char **) g_ptr_array_free (names, FALSE);
    g_strfreev (parts);
    if (!ok)
      goto out;
  }
  if (r->min_age < 0 && r->ratings == NULL && r->kinds == 0) {
    ok = fail (error, ld, node,
        "<rule id=\"%s\">: says no rating it applies to; give min-age, "
        "ratings or kind",
        r->id);
    goto out;
  }
  requires = ws_xml_attr (node, "requires", NULL);
  if (requires != NULL) {
    char **parts = g_strsplit_set (requires, " \t\n", -1);
    for (char **it = parts; *it && ok; it++) {
      WsAccessFlags f;
      if (**it == '\0')
        continue;
      f = ws_access_flag_from_name (*it);
      if (f == WS_ACCESS_NONE)
        ok = fail (error, ld, node,
            "<rule id=\"%s\">: requires \"%s\" is not one of pin "
            "age-verified authorised-channel conditional-access exception",
            r->id, *it);
      r->requires |= f;
    }
    g_strfreev (parts);
    if (!ok)
      goto out;
  }
  for (xmlNode *c = node->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || !ws_xml_ns_has_prefix (c, POLICY_NS))
      continue;
    if (ws_xml_is (c, POLICY_NS, "window")) {
      Window w;
      if (!parse_window (ld, c, &w, error)) {
        ok = FALSE;
        goto out;
      }
      g_array_append_val (windows, w);
    } else if (ws_xml_is (c, POLICY_NS, "anytime")) {
      r->action = ACTION_ALWAYS;
      n_actions++;
    } else if (ws_xml_is (c, POLICY_NS, "never")) {
      r->action = ACTION_NEVER;
      n_actions++;
    }
  }
  if (windows->len > 0) {
    r->action = ACTION_WINDOWS;
    n_actions++;
  }
  if (n_actions != 1) {
    ok = fail (error, ld, node,
        "<rule id=\"%s\">: give exactly one of <window> (one or more), "
        "<anytime/> or <never/>",
        r->id);
    goto out;
  }
  g_array_sort (windows, compare_windows);
  r->n_windows = windows->len;
  r->windows = (Window *) g_array_free (windows, FALSE);
  windows = NULL;
  r->reason = child_text (node, "reason");
  if (r->reason == NULL) {
    ok = fail (error, ld, node,
        "<rule id=\"%s\">: a <reason> (one English sentence) is required",
        r->id);
    goto out;
  }
  src = ws_xml_first_child (node, POLICY_NS, "source");
  r->citation = src ? ws_xml_attr (src, "href", NULL) : NULL;
  if (r->citation == NULL) {
    ok = fail (error, ld, node,
        "<rule id=\"%s\">: a <source href=\"URL\"/> citing the rule is "
        "required",
        r->id);
    goto out;
  }
  r->source_note = ws_xml_text (src);
  r->confidence = ws_xml_attr (src, "confidence", NULL);
  if (r->confidence != NULL && strcmp (r->confidence, "primary") != 0 &&
      strcmp (r->confidence, "secondary") != 0 &&
      strcmp (r->confidence, "assumed") != 0) {
    ok = fail (error, ld, src,
        "<rule id=\"%s\">: <source confidence=\"%s\">; use primary (the "
        "regulator's or legislator's own text), secondary or assumed",
        r->id, r->confidence);
    goto out;
  }
  r->classes_text = ws_xml_attr (node, "classes", NULL);
  r->kinds_text = g_strdup (kind);
out:
  if (windows)
    g_array_free (windows, TRUE);
  g_free (kind);
  g_free (ratings);
  g_free (requires);
  return ok;
}

static void
announcement_free (gpointer p)
{
  WsGuidanceText *t = p;

  g_free (t->lang);
  g_free (t->length);
  g_free (t->text);
  g_free (t);
}

/* The <announcement xml:lang="..."> children of a <guidance>: the words
 * the viewer hears and reads, one per language. */
static gboolean
parse_announcements (const Loader *ld, const xmlNode *node, Guidance *g,
    GError **error)
{
  for (xmlNode *c = ws_xml_first_child (node, POLICY_NS, "announcement"); c;
       c = ws_xml_next_sibling (c, POLICY_NS, "announcement")) {
    char *lang = ws_xml_attr (c, "lang", WS_XML_NS_XML);
    char *text = ws_xml_text (c);
    WsGuidanceText *t;

    if (lang == NULL || lang[0] == '\0' || text == NULL || text[0] == '\0') {
      g_free (lang);
      g_free (text);
      return fail (error, ld, c,
          "<guidance id=\"%s\">: <announcement> needs an xml:lang and a "
          "text",
          g->id);
    }
    if (g->announcements == NULL)
      g->announcements = g_ptr_array_new_with_free_func (announcement_free);
    t = g_new0 (WsGuidanceText, 1);
    t->lang = lang;
    t->text = ws_utf8_cut (text, WS_GUIDANCE_TEXT_MAX_CHARS);
    g_free (text);
    g_ptr_array_add (g->announcements, t);
  }
  g->pub.announcements = g->announcements;
  return TRUE;
}

static gboolean
parse_guidance (const Loader *ld, const xmlNode *node, Guidance *g,
    GError **error)
{
  char *mode = ws_xml_attr (node, "mode", NULL);
  char *dur = ws_xml_attr (node, "duration-s", NULL);
  char *breaks = ws_xml_attr (node, "after-breaks", NULL);
  char *announce = ws_xml_attr (node, "announcement", NULL);
  char *announce_dur = ws_xml_attr (node, "announcement-duration-s", NULL);
  xmlNode *src;
  gboolean ok = TRUE;

  g->id = ws_xml_attr (node, "id", NULL);
  if (g->id == NULL) {
    ok = fail (error, ld, node, "<guidance>: the id attribute is required");
    goto out;
  }
  if (!parse_classes (ld, node, &g->classes, error) ||
      !parse_age_attr (ld, node, "min-age", &g->min_age, error) ||
      !parse_status (ld, node, &g->pub.mandatory, error)) {
    ok = FALSE;
    goto out;
  }
  if (mode == NULL || !strcmp (mode, "none"))
    g->pub.mode = WS_GUIDANCE_NONE;
  else if (!strcmp (mode, "at-start"))
    g->pub.mode = WS_GUIDANCE_AT_START;
  else if (!strcmp (mode, "persistent"))
    g->pub.mode = WS_GUIDANCE_PERSISTENT;
  else if (!strcmp (mode, "full-screen"))
    g->pub.mode = WS_GUIDANCE_FULL_SCREEN;
  else {
    ok = fail (error, ld, node,
        "<guidance id=\"%s\">: mode=\"%s\"; use none, at-start, persistent "
        "or full-screen",
        g->id, mode);
    goto out;
  }
  if (dur != NULL) {
    guint64 v;
    if (!g_ascii_string_to_unsigned (dur, 10, 1, 3600, &v, NULL)) {
      ok = fail (error, ld, node,
          "<guidance id=\"%s\">: duration-s=\"%s\" is not 1-3600 seconds",
          g->id, dur);
      goto out;
    }
    g->pub.duration_s = (guint) v;
  }
  if (announce_dur != NULL) {
    guint64 v;
    if (!g_ascii_string_to_unsigned (announce_dur, 10, 1, 600, &v, NULL)) {
      ok = fail (error, ld, node,
          "<guidance id=\"%s\">: announcement-duration-s=\"%s\" is not "
          "1-600 seconds",
          g->id, announce_dur);
      goto out;
    }
    g->pub.announcement_duration_s = (guint) v;
  }
  if (!parse_announcements (ld, node, g, error)) {
    ok = FALSE;
    goto out;
  }
  g->pub.after_breaks = breaks && !strcmp (breaks, "true");
  g->pub.announcement = announce && !strcmp (announce, "true");
  g->text = child_text (node, "text");
  src = ws_xml_first_child (node, POLICY_NS, "source");
  g->citation = src ? ws_xml_attr (src, "href", NULL) : NULL;
out:
  g_free (mode);
  g_free (dur);
  g_free (breaks);
  g_free (announce);
  g_free (announce_dur);
  return ok;
}

static gboolean
parse_rule_set (const Loader *ld, const xmlNode *node, RuleSet *rs,
    GError **error)
{
  char *from = ws_xml_attr (node, "valid-from", NULL);
  char *until = ws_xml_attr (node, "valid-until", NULL);
  GArray *rules = g_array_new (FALSE, TRUE, sizeof (Rule));
  GArray *guid = g_array_new (FALSE, TRUE, sizeof (Guidance));
  gboolean ok = TRUE;

  rs->version = ws_xml_attr (node, "version", NULL);
  rs->from_day = G_MININT64;
  rs->until_day = G_MAXINT64;
  if (rs->version == NULL) {
    ok = fail (error, ld, node,
        "<rule-set>: the version attribute is "
        "required");
    goto out;
  }
  if (from && !parse_date_day (from, &rs->from_day)) {
    ok = fail (error, ld, node,
        "<rule-set version=\"%s\">: valid-from=\"%s\" is not a date "
        "YYYY-MM-DD",
        rs->version, from);
    goto out;
  }
  if (until && !parse_date_day (until, &rs->until_day)) {
    ok = fail (error, ld, node,
        "<rule-set version=\"%s\">: valid-until=\"%s\" is not a date "
        "YYYY-MM-DD",
        rs->version, until);
    goto out;
  }
  if (rs->until_day <= rs->from_day) {
    ok = fail (error, ld, node,
        "<rule-set version=\"%s\">: valid-until must be after valid-from",
        rs->version);
    goto out;
  }
  for (xmlNode *c = node->children; c; c = c->next) {
    if (ws_xml_is (c, POLICY_NS, "rule")) {
      Rule r = { 0 };
      g_array_append_val (rules, r);
      if (!parse_rule (ld, c, &g_array_index (rules, Rule, rules->len - 1),
              error)) {
        ok = FALSE;
        goto out;
      }
    } else if (ws_xml_is (c, POLICY_NS, "guidance")) {
      Guidance g = { 0 };
      g_array_append_val (guid, g);
      if (!parse_guidance (ld, c,
              &g_array_index (guid, Guidance, guid->len - 1), error)) {
        ok = FALSE;
        goto out;
      }
    }
  }
  if (rules->len == 0) {
    ok = fail (error, ld, node, "<rule-set version=\"%s\">: has no <rule>",
        rs->version);
    goto out;
  }
out:
  for (guint i = 0; i < guid->len; i++) {
    Guidance *g = &g_array_index (guid, Guidance, i);
    g->pub.id = g->id;
    g->pub.text = g->text;
    g->pub.citation = g->citation;
  }
  rs->n_rules = rules->len;
  rs->rules = (Rule *) g_array_free (rules, FALSE);
  rs->n_guidance = guid->len;
  rs->guidance = (Guidance *) g_array_free (guid, FALSE);
  g_free (from);
  g_free (until);
  return ok;
}

/* Calendar files: <holidays> with <holiday date|from,to kind>. */
typedef struct {
  gint64 first, last; /* covered days, inclusive */
  guint8 covers;      /* DAY_PUBLIC_HOLIDAY and/or DAY_SCHOOL_HOLIDAY */
  guint8 *days;       /* per covered day: DAY_PUBLIC_HOLIDAY, _SCHOOL_ */
} CalendarFile;

static gboolean
calendar_parse_root (const xmlNode *root, const char *name, gint64 *first,
    gint64 *last, guint8 *covers, guint *n_holidays, GError **error)
{
  char *from = NULL, *to = NULL, *kinds = NULL;
  gboolean ok = TRUE;

  if (root == NULL || !ws_xml_is (root, POLICY_NS, "holidays")) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "%s: the root element must be <holidays xmlns=\"" POLICY_NS "\">",
        name);
    return FALSE;
  }
  from = ws_xml_attr (root, "from", NULL);
  to = ws_xml_attr (root, "to", NULL);
  kinds = ws_xml_attr (root, "covers", NULL);
  *covers = 0;
  if (!parse_date_day (from, first) || !parse_date_day (to, last) ||
      *last < *first || *last - *first > 3700) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "%s:%d: <holidays>: from and to must be dates YYYY-MM-DD, in order, "
        "at most ten years apart",
        name, ws_xml_line (root));
    ok = FALSE;
    goto out;
  }
  if (kinds != NULL) {
    char **parts = g_strsplit_set (kinds, " \t\n", -1);
    for (char **it = parts; *it && ok; it++) {
      if (**it == '\0')
        continue;
      if (!strcmp (*it, "public"))
        *covers |= DAY_PUBLIC_HOLIDAY;
      else if (!strcmp (*it, "school"))
        *covers |= DAY_SCHOOL_HOLIDAY;
      else
        ok = FALSE;
    }
    g_strfreev (parts);
  }
  if (!ok || *covers == 0) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "%s:%d: <holidays>: covers must list \"public\" and/or \"school\"",
        name, ws_xml_line (root));
    ok = FALSE;
    goto out;
  }
  if (n_holidays != NULL) {
    *n_holidays = 0;
    for (xmlNode *c = ws_xml_first_child (root, POLICY_NS, "holiday"); c;
         c = ws_xml_next_sibling (c, POLICY_NS, "holiday"))
      (*n_holidays)++;
  }
out:
  g_free (from);
  g_free (to);
  g_free (kinds);
  return ok;
}

static gboolean
calendar_parse_holiday (const xmlNode *c, const char *name, gint64 first,
    gint64 last, guint8 covers, gint64 *out_a, gint64 *out_b, guint8 *out_flag,
    GError **error)
{
  char *date = ws_xml_attr (c, "date", NULL);
  char *hf = ws_xml_attr (c, "from", NULL);
  char *ht = ws_xml_attr (c, "to", NULL);
  char *kind = ws_xml_attr (c, "kind", NULL);
  gint64 a = 0, b = 0;
  guint8 flag = 0;
  gboolean ok = TRUE;

  if (kind && !strcmp (kind, "public"))
    flag = DAY_PUBLIC_HOLIDAY;
  else if (kind && !strcmp (kind, "school"))
    flag = DAY_SCHOOL_HOLIDAY;
  if (flag == 0 || !(flag & covers)) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "%s:%d: <holiday>: kind must be \"public\" or \"school\" and "
        "listed in the file's covers",
        name, ws_xml_line (c));
    ok = FALSE;
  } else if (!(date ? hf == NULL && ht == NULL && parse_date_day (date, &a) &&
                          parse_date_day (date, &b) :
                      parse_date_day (hf, &a) && parse_date_day (ht, &b) &&
                          b >= a)) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "%s:%d: <holiday>: give date=\"YYYY-MM-DD\", or from and to "
        "(inclusive, in order)",
        name, ws_xml_line (c));
    ok = FALSE;
  } else if (b - a + 1 > MAX_HOLIDAY_RANGE_DAYS) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "%s:%d: <holiday>: a range of %" G_GINT64_FORMAT " days; one "
        "<holiday> may span at most %d days",
        name, ws_xml_line (c), b - a + 1, MAX_HOLIDAY_RANGE_DAYS);
    ok = FALSE;
  } else if (a < first || b > last) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "%s:%d: <holiday>: outside the file's from/to range", name,
        ws_xml_line (c));
    ok = FALSE;
  }
  if (ok) {
    *out_a = a;
    *out_b = b;
    *out_flag = flag;
  }
  g_free (date);
  g_free (hf);
  g_free (ht);
  g_free (kind);
  return ok;
}

/* Reads one calendar document in time linear in its size: each <holiday>
 * range is bounded (MAX_HOLIDAY_RANGE_DAYS) and only marks its two ends in
 * a difference array; one pass over the covered days (at most ten years)
 * then sums them up. */
static gboolean
calendar_from_doc (xmlDoc *doc, const char *path, CalendarFile *cf,
    GError **error)
{
  xmlNode *root = xmlDocGetRootElement (doc);
  gint32 *diff;
  guint n, n_entries = 0;
  gboolean ok;

  memset (cf, 0, sizeof (*cf));
  if (!calendar_parse_root (root, path, &cf->first, &cf->last, &cf->covers,
          NULL, error))
    return FALSE;
  n = (guint) (cf->last - cf->first + 1);
  diff = g_new0 (gint32, 2 * ((gsize) n + 1));
  ok = TRUE;
  for (xmlNode *c = ws_xml_first_child (root, POLICY_NS, "holiday"); c && ok;
       c = ws_xml_next_sibling (c, POLICY_NS, "holiday")) {
    gint64 a, b;
    guint8 flag;

    if (++n_entries > MAX_HOLIDAY_ENTRIES) {
      g_set_error (error, WS_ERROR, WS_ERROR_TOO_LARGE,
          "%s:%d: <holiday>: more than %d entries; split the calendar", path,
          ws_xml_line (c), MAX_HOLIDAY_ENTRIES);
      ok = FALSE;
      break;
    }
    ok = calendar_parse_holiday (c, path, cf->first, cf->last, cf->covers, &a,
        &b, &flag, error);
    if (ok) {
      gint32 *d = diff + (flag == DAY_PUBLIC_HOLIDAY ? 0 : n + 1);
      d[a - cf->first]++;
      d[b - cf->first + 1]--;
    }
  }
  if (ok) {
    gint32 pub = 0, school = 0;
    cf->days = g_new0 (guint8, n);
    for (guint i = 0; i < n; i++) {
      pub += diff[i];
      school += diff[n + 1 + i];
      if (pub > 0)
        cf->days[i] |= DAY_PUBLIC_HOLIDAY;
      if (school > 0)
        cf->days[i] |= DAY_SCHOOL_HOLIDAY;
    }
  }
  g_free (diff);
  return ok;
}

static gboolean
load_calendar (const Loader *ld, const xmlNode *ref, const char *href,
    GArray *cals, GError **error)
{
  char *path;
  xmlDoc *doc;
  CalendarFile cf;
  gboolean ok;

  if (ld->dir == NULL)
    return fail (error, ld, ref,
        "<calendar href=\"%s\">: a policy read from memory cannot "
        "reference files",
        href);
  if (g_path_is_absolute (href) || strstr (href, "..") != NULL)
    return fail (error, ld, ref,
        "<calendar href=\"%s\">: give a path relative to the policy's "
        "folder, without \"..\"",
        href);
  path = g_build_filename (ld->dir, href, NULL);
  doc = ws_xml_read_file (path, 4 * 1024 * 1024, error);
  if (doc == NULL) {
    g_free (path);
    return FALSE;
  }
  ok = calendar_from_doc (doc, path, &cf, error);
  if (ok)
    g_array_append_val (cals, cf);
  g_free (path);
  xmlFreeDoc (doc);
  return ok;
}

gboolean
ws_policy_calendar_read_memory (const char *data, gsize len, const char *name,
    guint *out_n_public, guint *out_n_school, GError **error)
{
  xmlDoc *doc;
  CalendarFile cf;
  guint np = 0, ns = 0;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  if (name == NULL)
    name = "<memory>";
  doc = ws_xml_read_memory (data ? data : "", len, name, error);
  if (doc == NULL)
    return FALSE;
  if (!calendar_from_doc (doc, name, &cf, error)) {
    xmlFreeDoc (doc);
    return FALSE;
  }
  for (gint64 i = 0; i <= cf.last - cf.first; i++) {
    np += (cf.days[i] & DAY_PUBLIC_HOLIDAY) != 0;
    ns += (cf.days[i] & DAY_SCHOOL_HOLIDAY) != 0;
  }
  g_free (cf.days);
  xmlFreeDoc (doc);
  if (out_n_public)
    *out_n_public = np;
  if (out_n_school)
    *out_n_school = ns;
  return TRUE;
}

/* Known holiday state of @d: sets *is for the kinds covered in *known. */
static void
calendar_state (const CalendarFile *cals, guint n, gint64 d, guint8 *known,
    guint8 *is)
{
  *known = 0;
  *is = 0;
  for (guint i = 0; i < n; i++) {
    const CalendarFile *c = &cals[i];
    if (d < c->first || d > c->last)
      continue;
    *known |= c->covers;
    *is |= c->days[d - c->first] & c->covers;
  }
}

static void
compile_calendars (WsPolicy *p, GArray *cals)
{
  const CalendarFile *c = (const CalendarFile *) cals->data;
  gint64 first = G_MAXINT64, last = G_MININT64;

  if (cals->len == 0)
    return;
  for (guint i = 0; i < cals->len; i++) {
    first = MIN (first, c[i].first);
    last = MAX (last, c[i].last);
  }
  p->cal_first = first;
  p->cal_n = (guint) (last - first + 1);
  p->cal_flags = g_new0 (guint8, p->cal_n);
  for (guint i = 0; i < p->cal_n; i++) {
    gint64 d = first + i;
    guint8 k0, h0, k1, h1, f = 0;

    calendar_state (c, cals->len, d, &k0, &h0);
    calendar_state (c, cals->len, d + 1, &k1, &h1);
    /* unknown -> set (fail closed) */
    if (!(k0 & DAY_PUBLIC_HOLIDAY) || (h0 & DAY_PUBLIC_HOLIDAY))
      f |= DAY_PUBLIC_HOLIDAY;
    if (!(k0 & DAY_SCHOOL_HOLIDAY) || (h0 & DAY_SCHOOL_HOLIDAY))
      f |= DAY_SCHOOL_HOLIDAY;
    if (!(k1 & DAY_PUBLIC_HOLIDAY) || (h1 & DAY_PUBLIC_HOLIDAY))
      f |= DAY_PUBLIC_HOLIDAY_EVE;
    if (!(k1 & DAY_SCHOOL_HOLIDAY) || !(k0 & DAY_SCHOOL_HOLIDAY) ||
        ((h1 & DAY_SCHOOL_HOLIDAY) && !(h0 & DAY_SCHOOL_HOLIDAY)))
      f |= DAY_SCHOOL_HOLIDAY_EVE;
    /* known and listed: what `on` windows need */
    if ((k0 & DAY_PUBLIC_HOLIDAY) && (h0 & DAY_PUBLIC_HOLIDAY))
      f |= DAY_SURE_PUBLIC_HOLIDAY;
    if ((k0 & DAY_SCHOOL_HOLIDAY) && (h0 & DAY_SCHOOL_HOLIDAY))
      f |= DAY_SURE_SCHOOL_HOLIDAY;
    p->cal_flags[i] = f;
  }
}

static void
free_calendars (GArray *cals)
{
  for (guint i = 0; i < cals->len; i++)
    g_free (g_array_index (cals, CalendarFile, i).days);
  g_array_free (cals, TRUE);
}

static gboolean
parse_policy (Loader *ld, xmlDoc *doc, GError **error)
{
  WsPolicy *p = ld->p;
  xmlNode *root = xmlDocGetRootElement (doc);
  char *zone = NULL, *def = NULL;
  GTimeZone *tz = NULL;
  GArray *classes = g_array_new (FALSE, TRUE, sizeof (ServiceClass));
  GArray *sets = g_array_new (FALSE, TRUE, sizeof (RuleSet));
  GArray *cals = g_array_new (FALSE, TRUE, sizeof (CalendarFile));
  gboolean ok = TRUE;

  if (root == NULL || !ws_xml_is (root, POLICY_NS, "policy")) {
    ok = fail (error, ld, root,
        "the root element must be <policy xmlns=\"" POLICY_NS "\">");
    goto out;
  }
  p->id = ws_xml_attr (root, "id", NULL);
  p->jurisdiction = ws_xml_attr (root, "jurisdiction", NULL);
  zone = ws_xml_attr (root, "zone", NULL);
  if (p->id == NULL || p->jurisdiction == NULL || zone == NULL) {
    ok = fail (error, ld, root,
        "<policy>: the id, jurisdiction and zone attributes are required");
    goto out;
  }
  /* an IANA name, never a path GLib would open */
  tz = zone[0] != '/' && strstr (zone, "..") == NULL &&
               strspn (zone,
                   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                   "0123456789_+-/:") == strlen (zone) ?
           g_time_zone_new_identifier (zone) :
           NULL;
  if (tz == NULL) {
    ok = fail (error, ld, root,
        "<policy>: zone=\"%s\" is not an IANA time zone known to this "
        "system (e.g. Europe/London)",
        zone);
    goto out;
  }
  p->name = child_text (root, "name");
  if (p->name == NULL)
    p->name = g_strdup (p->id);
  {
    char *sys_attr = ws_xml_attr (root, "systems", NULL);
    GPtrArray *own = g_ptr_array_new ();

    if (sys_attr != NULL) {
      char **parts = g_strsplit_set (sys_attr, " \t\n", -1);
      for (char **it = parts; *it && ok; it++) {
        const WsRatingSystem *sys;
        if (**it == '\0')
          continue;
        sys = ws_rating_registry_lookup_system (ld->reg, *it);
        if (sys == NULL)
          ok = fail (error, ld, root,
              "<policy>: systems lists \"%s\", which is not a loaded rating "
              "system id (see `watershed rate list`)",
              *it);
        else
          g_ptr_array_add (own, (gpointer) sys);
      }
      g_strfreev (parts);
    } else {
      /* every system of the jurisdiction */
      for (guint i = 0; i < ws_rating_registry_get_n_systems (ld->reg); i++) {
        const WsRatingSystem *sys = ws_rating_registry_get_system (ld->reg, i);
        if (!g_strcmp0 (ws_rating_system_get_territory (sys), p->jurisdiction))
          g_ptr_array_add (own, (gpointer) sys);
      }
    }
    g_free (sys_attr);
    p->n_systems = own->len;
    p->systems = (const WsRatingSystem **) g_ptr_array_free (own, FALSE);
    if (!ok)
      goto out;
  }
  for (xmlNode *c = ws_xml_first_child (root, POLICY_NS, "service-class"); c;
       c = ws_xml_next_sibling (c, POLICY_NS, "service-class")) {
    ServiceClass sc = { ws_xml_attr (c, "id", NULL), NULL };
    char *is_def = ws_xml_attr (c, "default", NULL);

    sc.description = child_text (c, "description");
    g_array_append_val (classes, sc);
    p->classes = (ServiceClass *) classes->data;
    p->n_classes = classes->len;
    if (sc.id == NULL || class_index (p, sc.id) != (int) classes->len - 1) {
      ok = fail (error, ld, c,
          "<service-class>: needs a unique id (\"%s\" is missing or a "
          "duplicate)",
          sc.id ? sc.id : "");
    } else if (classes->len > MAX_CLASSES) {
      ok = fail (error, ld, c, "<service-class>: at most %d classes",
          MAX_CLASSES);
    } else if (is_def && !strcmp (is_def, "true")) {
      if (def != NULL)
        ok = fail (error, ld, c,
            "<service-class id=\"%s\">: only one class may be the default",
            sc.id);
      def = g_strdup (sc.id);
      p->default_class = classes->len - 1;
    }
    g_free (is_def);
    if (!ok)
      goto out;
  }
  if (classes->len == 0) {
    ok = fail (error, ld, root,
        "<policy>: declare at least one "
        "<service-class>");
    goto out;
  }
  for (xmlNode *c = ws_xml_first_child (root, POLICY_NS, "calendar"); c;
       c = ws_xml_next_sibling (c, POLICY_NS, "calendar")) {
    char *href = ws_xml_attr (c, "href", NULL);
    if (href == NULL)
      ok = fail (error, ld, c, "<calendar>: the href attribute is required");
    else
      ok = load_calendar (ld, c, href, cals, error);
    g_free (href);
    if (!ok)
      goto out;
  }
  for (xmlNode *c = ws_xml_first_child (root, POLICY_NS, "rule-set"); c;
       c = ws_xml_next_sibling (c, POLICY_NS, "rule-set")) {
    RuleSet rs = { 0 };
    if (sets->len == MAX_RULE_SETS) {
      ok = fail (error, ld, c, "<rule-set>: at most %d rule sets",
          MAX_RULE_SETS);
      goto out;
    }
    g_array_append_val (sets, rs);
    p->rule_sets = (RuleSet *) sets->data;
    p->n_rule_sets = sets->len;
    if (!parse_rule_set (ld, c, &g_array_index (sets, RuleSet, sets->len - 1),
            error)) {
      ok = FALSE;
      goto out;
    }
    for (guint i = 0; i + 1 < sets->len; i++) {
      const RuleSet *a = &g_array_index (sets, RuleSet, i);
      const RuleSet *b = &g_array_index (sets, RuleSet, sets->len - 1);
      if (a->from_day < b->until_day && b->from_day < a->until_day) {
        ok = fail (error, ld, c,
            "<rule-set version=\"%s\">: its validity overlaps rule set "
            "\"%s\"; give valid-from/valid-until that do not overlap",
            b->version, a->version);
        goto out;
      }
    }
  }
  if (sets->len == 0) {
    ok = fail (error, ld, root, "<policy>: has no <rule-set>");
    goto out;
  }
out:
  p->n_classes = classes->len;
  p->classes = (ServiceClass *) g_array_free (classes, FALSE);
  p->n_rule_sets = sets->len;
  p->rule_sets = (RuleSet *) g_array_free (sets, FALSE);
  if (ok) {
    compile_calendars (p, cals);
    p->zone = zone_acquire (zone, tz);
  }
  free_calendars (cals);
  if (tz)
    g_time_zone_unref (tz);
  g_free (zone);
  g_free (def);
  return ok;
}

static void
rule_clear (Rule *r)
{
  g_free (r->id);
  g_strfreev (r->ratings);
  g_free (r->windows);
  g_free (r->reason);
  g_free (r->citation);
  g_free (r->confidence);
  g_free (r->source_note);
  g_free (r->classes_text);
  g_free (r->kinds_text);
}

void
ws_policy_free (WsPolicy *p)
{
  if (p == NULL)
    return;
  for (guint i = 0; i < p->n_rule_sets; i++) {
    RuleSet *rs = &p->rule_sets[i];
    for (guint j = 0; j < rs->n_rules; j++)
      rule_clear (&rs->rules[j]);
    for (guint j = 0; j < rs->n_guidance; j++) {
      g_free (rs->guidance[j].id);
      g_free (rs->guidance[j].text);
      g_free (rs->guidance[j].citation);
      if (rs->guidance[j].announcements)
        g_ptr_array_unref (rs->guidance[j].announcements);
    }
    g_free (rs->rules);
    g_free (rs->guidance);
    g_free (rs->version);
  }
  g_free (p->rule_sets);
  for (guint i = 0; i < p->n_classes; i++) {
    g_free (p->classes[i].id);
    g_free (p->classes[i].description);
  }
  g_free (p->classes);
  g_free (p->cal_flags);
  g_free (p->systems);
  zone_release (p->zone);
  g_free (p->id);
  g_free (p->name);
  g_free (p->jurisdiction);
  g_free (p->path);
  g_free (p);
}

static WsPolicy *
load_doc (xmlDoc *doc, const char *name, const char *dir,
    const WsRatingRegistry *reg, GError **error)
{
  Loader ld = { name, dir, reg, g_new0 (WsPolicy, 1) };

  ld.p->path = g_strdup (name);
  if (ld.reg == NULL) {
    ld.reg = ws_rating_registry_get_default (error);
    if (ld.reg == NULL) {
      ws_policy_free (ld.p);
      return NULL;
    }
  }
  if (!parse_policy (&ld, doc, error)) {
    ws_policy_free (ld.p);
    return NULL;
  }
  return ld.p;
}

static const char *
const_or_empty (const char *s)
{
  return s ? s : "";
}

static GPtrArray *
policy_dirs (void)
{
  return ws_data_dirs ("policies");
}

static gboolean
is_valid_id (const char *id)
{
  if (*id == '\0' || strlen (id) > 64)
    return FALSE;
  for (const char *c = id; *c; c++) {
    if (!g_ascii_islower (*c) && !g_ascii_isdigit (*c) && *c != '-')
      return FALSE;
  }
  return TRUE;
}

WsPolicy *
ws_policy_load (const char *id_or_path, const WsRatingRegistry *reg,
    GError **error)
{
  char *path = NULL, *dir;
  xmlDoc *doc;
  WsPolicy *p;

  g_return_val_if_fail (id_or_path != NULL, NULL);
  if (strchr (id_or_path, '/') != NULL ||
      g_str_has_suffix (id_or_path, ".xml")) {
    path = g_strdup (id_or_path);
  } else {
    GPtrArray *dirs = policy_dirs ();
    GString *tried = g_string_new (NULL);

    if (!is_valid_id (id_or_path)) {
      g_set_error (error, WS_ERROR, WS_ERROR_NOT_FOUND,
          "\"%s\" is not a policy id (lower-case letters, digits and '-') "
          "nor a path to a policy file",
          id_or_path);
      g_ptr_array_unref (dirs);
      g_string_free (tried, TRUE);
      return NULL;
    }
    for (guint i = 0; i < dirs->len && path == NULL; i++) {
      char *cand = g_strdup_printf ("%s/%s.xml",
          (const char *) g_ptr_array_index (dirs, i), id_or_path);
      if (g_file_test (cand, G_FILE_TEST_IS_REGULAR))
        path = cand;
      else {
        g_string_append_printf (tried, "%s%s", tried->len ? ", " : "", cand);
        g_free (cand);
      }
    }
    g_ptr_array_unref (dirs);
    if (path == NULL) {
      g_set_error (error, WS_ERROR, WS_ERROR_NOT_FOUND,
          "no policy \"%s\" (looked for %s); `watershed policy list` shows "
          "the known ids",
          id_or_path, tried->str);
      g_string_free (tried, TRUE);
      return NULL;
    }
    g_string_free (tried, TRUE);
  }
  doc = ws_xml_read_file (path, 16 * 1024 * 1024, error);
  if (doc == NULL) {
    g_free (path);
    return NULL;
  }
  dir = g_path_get_dirname (path);
  p = load_doc (doc, path, dir, reg, error);
  xmlFreeDoc (doc);
  g_free (dir);
  g_free (path);
  return p;
}

WsPolicy *
ws_policy_load_memory (const char *data, gsize len, const char *name,
    const WsRatingRegistry *reg, GError **error)
{
  xmlDoc *doc;
  WsPolicy *p;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  if (name == NULL)
    name = "<memory>";
  doc = ws_xml_read_memory (data ? data : "", len, name, error);
  if (doc == NULL)
    return NULL;
  p = load_doc (doc, name, NULL, reg, error);
  xmlFreeDoc (doc);
  return p;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

char **
ws_policy_list_ids (GError **error)
{
  GPtrArray *dirs = policy_dirs ();
  GPtrArray *ids = NULL;

  for (guint i = 0; i < dirs->len && ids == NULL; i++) {
    GDir *d = g_dir_open (g_ptr_array_index (dirs, i), 0, NULL);
    const char *n;
    if (d == NULL)
      continue;
    ids = g_ptr_array_new ();
    while ((n = g_dir_read_name (d)) != NULL) {
      if (g_str_has_suffix (n, ".xml"))
        g_ptr_array_add (ids, g_strndup (n, strlen (n) - 4));
    }
    g_dir_close (d);
  }
  if (ids == NULL) {
    g_set_error (error, WS_ERROR, WS_ERROR_IO,
        "no policies folder found (looked in %s%s%s); set "
        "WATERSHED_DATADIR",
        (const char *) g_ptr_array_index (dirs, 0), dirs->len > 1 ? ", " : "",
        dirs->len > 1 ? (const char *) g_ptr_array_index (dirs, 1) : "");
    g_ptr_array_unref (dirs);
    return NULL;
  }
  g_ptr_array_unref (dirs);
  g_ptr_array_sort (ids, compare_strings);
  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_free (ids, FALSE);
}

WsPolicy *
ws_policy_load_for_territory (const char *territory,
    const WsRatingRegistry *reg, GError **error)
{
  const char *cc = territory ? ws_territory_normalise (territory) : NULL;
  char **ids;
  WsPolicy *found = NULL;
  GString *tried;

  if (cc == NULL) {
    g_set_error (error, WS_ERROR, WS_ERROR_ARGUMENT,
        "territory \"%s\" is not an ISO 3166-1 country code (GB, DEU, 250)",
        territory ? territory : "");
    return NULL;
  }
  ids = ws_policy_list_ids (error);
  if (ids == NULL)
    return NULL;
  tried = g_string_new (NULL);
  for (guint i = 0; ids[i] != NULL; i++) {
    GError *err = NULL;
    WsPolicy *pol = ws_policy_load (ids[i], reg, &err);

    if (pol == NULL) {
      /* a bad file of another territory does not stop the search */
      g_clear_error (&err);
      continue;
    }
    g_string_append_printf (tried, "%s%s (%s)", tried->len ? ", " : "",
        ws_policy_get_id (pol), ws_policy_get_jurisdiction (pol));
    if (g_strcmp0 (ws_territory_normalise (ws_policy_get_jurisdiction (pol)),
            cc) != 0) {
      ws_policy_free (pol);
    } else if (found != NULL) {
      g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
          "territory %s: both policies %s and %s have that jurisdiction; "
          "name one (policy=ID)",
          cc, ws_policy_get_id (found), ws_policy_get_id (pol));
      ws_policy_free (pol);
      g_clear_pointer (&found, ws_policy_free);
      break;
    } else {
      found = pol;
    }
  }
  if (found == NULL && (error == NULL || *error == NULL))
    g_set_error (error, WS_ERROR, WS_ERROR_NOT_FOUND,
        "territory %s: no policy file has that jurisdiction (there are: %s)",
        cc, tried->len ? tried->str : "none");
  g_string_free (tried, TRUE);
  g_strfreev (ids);
  return found;
}

/* ---- properties -------------------------------------------------------- */

const char *
ws_policy_get_id (const WsPolicy *p)
{
  g_return_val_if_fail (p != NULL, NULL);
  return p->id;
}

const char *
ws_policy_get_name (const WsPolicy *p)
{
  g_return_val_if_fail (p != NULL, NULL);
  return p->name;
}

const char *
ws_policy_get_jurisdiction (const WsPolicy *p)
{
  g_return_val_if_fail (p != NULL, NULL);
  return p->jurisdiction;
}

const char *
ws_policy_get_zone (const WsPolicy *p)
{
  g_return_val_if_fail (p != NULL, NULL);
  return p->zone->id;
}

GTimeZone *
ws_policy_get_time_zone (const WsPolicy *p)
{
  g_return_val_if_fail (p != NULL, NULL);
  return p->zone->tz;
}

const char *
ws_policy_get_path (const WsPolicy *p)
{
  g_return_val_if_fail (p != NULL, NULL);
  return p->path;
}

static int
rule_set_for_day (const WsPolicy *p, gint64 day)
{
  for (guint i = 0; i < p->n_rule_sets; i++) {
    if (p->rule_sets[i].from_day <= day && day < p->rule_sets[i].until_day)
      return (int) i;
  }
  return -1;
}

const char *
ws_policy_get_version (const WsPolicy *p, gint64 at_us)
{
  int i;

  g_return_val_if_fail (p != NULL, NULL);
  if (at_us == WS_TIME_NONE) {
    const RuleSet *best = NULL;
    for (guint j = 0; j < p->n_rule_sets; j++) {
      if (best == NULL || p->rule_sets[j].from_day > best->from_day)
        best = &p->rule_sets[j];
    }
    return best ? best->version : NULL;
  }
  i = rule_set_for_day (p,
      zone_local_day (p->zone,
          CLAMP (floor_div (at_us, USEC), MIN_SECONDS, MAX_SECONDS)));
  return i < 0 ? NULL : p->rule_sets[i].version;
}

guint
ws_policy_get_n_service_classes (const WsPolicy *p)
{
  g_return_val_if_fail (p != NULL, 0);
  return p->n_classes;
}

const char *
ws_policy_get_service_class (const WsPolicy *p, guint index)
{
  g_return_val_if_fail (p != NULL && index < p->n_classes, NULL);
  return p->classes[index].id;
}

const char *
ws_policy_get_service_class_description (const WsPolicy *p,
    const char *service_class)
{
  int i;

  g_return_val_if_fail (p != NULL && service_class != NULL, NULL);
  i = class_index (p, service_class);
  return i < 0 ? NULL : p->classes[i].description;
}

const char *
ws_policy_get_default_service_class (const WsPolicy *p)
{
  g_return_val_if_fail (p != NULL, NULL);
  return p->classes[p->default_class].id;
}

gboolean
ws_policy_has_service_class (const WsPolicy *p, const char *service_class)
{
  g_return_val_if_fail (p != NULL, FALSE);
  return service_class != NULL && class_index (p, service_class) >= 0;
}

guint
ws_policy_get_n_systems (const WsPolicy *p)
{
  g_return_val_if_fail (p != NULL, 0);
  return p->n_systems;
}

const WsRatingSystem *
ws_policy_get_system (const WsPolicy *p, guint index)
{
  g_return_val_if_fail (p != NULL && index < p->n_systems, NULL);
  return p->systems[index];
}

const WsRatingDef *
ws_policy_judge_rating (const WsPolicy *p, const WsRatingDef *rating,
    gboolean *approximate, gboolean *no_equivalent)
{
  const WsRatingSystem *sys;
  WsRatingKind k;
  WsConversion conv;

  g_return_val_if_fail (p != NULL, NULL);
  if (approximate)
    *approximate = FALSE;
  if (no_equivalent)
    *no_equivalent = FALSE;
  if (rating == NULL || p->n_systems == 0)
    return rating;
  k = ws_rating_def_get_kind (rating);
  /* unrated and refused mean the same everywhere: the kind rules match */
  if (k == WS_RATING_KIND_UNRATED || k == WS_RATING_KIND_REFUSED ||
      ws_rating_def_get_minimum_age (rating) < 0)
    return rating;
  sys = ws_rating_def_get_system (rating);
  for (guint i = 0; i < p->n_systems; i++) {
    if (ws_rating_system_is_equivalent (sys, p->systems[i]))
      return rating;
  }
  conv = ws_rating_convert (rating, p->systems[0]);
  if (conv.result == NULL) {
    if (no_equivalent)
      *no_equivalent = TRUE;
    return NULL;
  }
  if (approximate)
    *approximate = conv.approximate;
  return conv.result;
}

static void
judgement_text (const WsPolicy *p, const WsRatingDef *original,
    const WsRatingDef *judged, gboolean approximate, gboolean no_equivalent,
    char *buf, gsize size)
{
  if (size == 0)
    return;
  buf[0] = '\0';
  if (judged != NULL && judged != original)
    g_snprintf (buf, size, "%s judged as %s%s",
        ws_rating_def_get_name (original), ws_rating_def_get_name (judged),
        approximate ? " (approximation)" : "");
  else if (no_equivalent)
    g_snprintf (buf, size, "%s has no equivalent in %s: blocked (fail closed)",
        ws_rating_def_get_name (original),
        ws_rating_system_get_id (p->systems[0]));
}

const WsRatingDef *
ws_policy_describe_judgement (const WsPolicy *p, const WsRatingDef *rating,
    char *buf, gsize size)
{
  gboolean approx = FALSE, none = FALSE;
  const WsRatingDef *j;

  g_return_val_if_fail (p != NULL && (buf != NULL || size == 0), NULL);
  j = ws_policy_judge_rating (p, rating, &approx, &none);
  judgement_text (p, rating, j, approx, none, buf, size);
  return j != rating ? j : NULL;
}

guint
ws_policy_get_n_rule_sets (const WsPolicy *p)
{
  g_return_val_if_fail (p != NULL, 0);
  return p->n_rule_sets;
}

guint
ws_policy_get_n_rules (const WsPolicy *p, guint set)
{
  g_return_val_if_fail (p != NULL, 0);
  return set < p->n_rule_sets ? p->rule_sets[set].n_rules : 0;
}

gboolean
ws_policy_get_rule (const WsPolicy *p, guint set, guint index, WsRuleInfo *out)
{
  const Rule *r;

  g_return_val_if_fail (p != NULL && out != NULL, FALSE);
  if (set >= p->n_rule_sets || index >= p->rule_sets[set].n_rules)
    return FALSE;
  r = &p->rule_sets[set].rules[index];
  out->id = r->id;
  out->rule_set_version = p->rule_sets[set].version;
  out->classes = r->classes_text;
  out->min_age = r->min_age;
  out->max_age = r->max_age;
  out->ratings = (const char *const *) r->ratings;
  out->kinds = r->kinds_text;
  out->requires = r->requires;
  out->action = r->action == ACTION_NEVER  ? "never" :
                r->action == ACTION_ALWAYS ? "anytime" :
                                             "windows";
  out->n_windows = r->n_windows;
  out->mandatory = r->mandatory;
  out->reason = r->reason;
  out->citation = r->citation;
  out->confidence = r->confidence;
  out->source_note = r->source_note;
  return TRUE;
}

char *
ws_policy_describe_window (const WsPolicy *p, guint set, guint index, guint w)
{
  const Rule *r;
  const Window *win;
  GString *s;
  gint32 to;

  g_return_val_if_fail (p != NULL, NULL);
  if (set >= p->n_rule_sets || index >= p->rule_sets[set].n_rules)
    return NULL;
  r = &p->rule_sets[set].rules[index];
  if (w >= r->n_windows)
    return NULL;
  win = &r->windows[w];
  to = win->to_s % DAY_S == 0 && win->to_s > 0 && win->to_s <= DAY_S ?
           DAY_S :
           win->to_s % DAY_S;
  s = g_string_new (NULL);
  g_string_append_printf (s, "%02d:%02d-%02d:%02d", win->from_s / 3600,
      (win->from_s / 60) % 60, to / 3600, (to / 60) % 60);
  if (win->days != 0x7f) {
    for (guint i = 0; i < 7; i++) {
      if (win->days & (1u << i))
        g_string_append_printf (s, " %s", weekday_names[i]);
    }
  }
  if (win->except) {
    g_string_append (s, "; not on");
    for (gsize i = 0; i < G_N_ELEMENTS (day_flag_names); i++) {
      if (win->except & day_flag_names[i].flag)
        g_string_append_printf (s, " %s", day_flag_names[i].name);
    }
  }
  if (win->on & DAY_SURE_PUBLIC_HOLIDAY)
    g_string_append (s, "; only on public-holiday");
  if (win->on & DAY_SURE_SCHOOL_HOLIDAY)
    g_string_append (s, "; only on school-holiday");
  return g_string_free (s, FALSE);
}

/* ---- the engine -------------------------------------------------------- */

typedef struct {
  const WsPolicy *p;
  guint32 class_bit;
  int age;          /* minimum age of a rated rating, else -1 */
  guint8 kind;      /* MATCH_UNRATED, MATCH_REFUSED, or 0 for rated */
  const char *name; /* SYSTEM:CODE or NULL */
  gboolean adult_explicit;
  const WsRatingDef *original; /* the rating asked about */
  const WsRatingDef *judged;   /* its local equivalent, when converted */
  gboolean approximate;
  gboolean no_equivalent;
  WsAccessFlags access;
  guint8 resolved[MAX_RULE_SETS];
  const Rule *rule[MAX_RULE_SETS];
  const Rule *locked[MAX_RULE_SETS]; /* first rule skipped for access */
} Query;

static gboolean
rule_matches_rating (const Rule *r, const Query *q)
{
  if (q->kind != 0)
    return (r->kinds & q->kind) != 0;
  if ((r->kinds & MATCH_ADULT_EXPLICIT) && q->adult_explicit)
    return TRUE;
  if (r->ratings != NULL && q->name != NULL) {
    for (char **it = r->ratings; *it; it++) {
      if (!strcmp (*it, q->name))
        return TRUE;
    }
  }
  return r->min_age >= 0 && q->age >= r->min_age &&
         (r->max_age < 0 || q->age <= r->max_age);
}

static const Rule *
query_rule (Query *q, int rs_index)
{
  if (!q->resolved[rs_index]) {
    const RuleSet *rs = &q->p->rule_sets[rs_index];
    q->rule[rs_index] = NULL;
    q->locked[rs_index] = NULL;
    for (guint i = 0; i < rs->n_rules; i++) {
      const Rule *r = &rs->rules[i];
      if (!(r->classes & q->class_bit) || !rule_matches_rating (r, q))
        continue;
      if ((r->requires & q->access) != r->requires) {
        if (q->locked[rs_index] == NULL)
          q->locked[rs_index] = r;
        continue;
      }
      q->rule[rs_index] = r;
      break;
    }
    q->resolved[rs_index] = 1;
  }
  return q->rule[rs_index];
}

static void
query_init (Query *q, const WsPolicy *p, int class_index_,
    const WsRatingDef *rating, WsAccessFlags access)
{
  q->p = p;
  q->class_bit = 1u << class_index_;
  q->access = access;
  q->age = -1;
  q->name = NULL;
  q->adult_explicit = FALSE;
  q->original = rating;
  q->judged = NULL;
  rating = ws_policy_judge_rating (p, rating, &q->approximate,
      &q->no_equivalent);
  if (rating != q->original)
    q->judged = rating;
  if (q->no_equivalent) {
    q->kind = MATCH_NO_EQUIVALENT;
  } else if (rating == NULL) {
    q->kind = MATCH_UNRATED;
  } else {
    WsRatingKind k = ws_rating_def_get_kind (rating);
    q->name = ws_rating_def_get_name (rating);
    if (k == WS_RATING_KIND_UNRATED)
      q->kind = MATCH_UNRATED;
    else if (k == WS_RATING_KIND_REFUSED)
      q->kind = MATCH_REFUSED;
    else {
      q->age = ws_rating_def_get_minimum_age (rating);
      q->kind = q->age < 0 ? MATCH_UNRATED : 0;
      q->adult_explicit = ws_rating_def_get_class (rating) ==
                          WS_RATING_CLASS_ADULT_EXPLICIT;
    }
  }
  memset (q->resolved, 0, p->n_rule_sets);
}

static guint8
day_flags (const WsPolicy *p, gint64 day)
{
  if (p->cal_flags == NULL || day < p->cal_first ||
      day >= p->cal_first + (gint64) p->cal_n)
    return DAY_ALL_FLAGS; /* unknown: closes `except`, never opens `on` */
  return p->cal_flags[day - p->cal_first];
}

static int
weekday (gint64 day)
{
  return (int) (((day % 7) + 7 + 3) % 7); /* 0 = Monday; day 0 = Thursday */
}

/* The allowed intervals (UTC seconds) of the windows that start on local
 * day @day, in start order. */
static guint
day_intervals (Query *q, gint64 day, Span *out)
{
  const WsPolicy *p = q->p;
  const Zone *z = p->zone;
  int rsi = rule_set_for_day (p, day);
  const Rule *r;
  guint n = 0;
  int wd;
  guint8 flags = 0;
  gboolean have_flags = FALSE;

  if (rsi < 0)
    return 0;
  r = query_rule (q, rsi);
  if (r == NULL || r->action == ACTION_NEVER)
    return 0;
  if (r->action == ACTION_ALWAYS) {
    out[0].a = zone_local_to_utc (z, day * DAY_S);
    out[0].b = zone_local_to_utc (z, (day + 1) * DAY_S);
    return out[0].b > out[0].a;
  }
  wd = weekday (day);
  for (guint i = 0; i < r->n_windows && n < MAX_DAY_INTERVALS; i++) {
    const Window *w = &r->windows[i];
    if (!(w->days & (1u << wd)))
      continue;
    if (w->except || w->on) {
      if (!have_flags) {
        flags = day_flags (p, day);
        have_flags = TRUE;
      }
      if (w->except & flags)
        continue;
      if ((w->on & flags) != w->on)
        continue;
    }
    out[n].a = zone_local_to_utc (z, day * DAY_S + w->from_s);
    out[n].b = zone_local_to_utc (z, day * DAY_S + w->to_s);
    if (out[n].b > out[n].a)
      n++;
  }
  return n;
}

/* Where the rule set of @day yields nothing (no rule set, a never rule),
 * the last day of that stretch; -1 when the stretch is open-ended; @day
 * itself when the day may yield intervals. */
static gint64
dead_stretch_end (Query *q, gint64 day)
{
  const WsPolicy *p = q->p;
  int rsi = rule_set_for_day (p, day);

  if (rsi < 0) {
    gint64 next = G_MAXINT64;
    for (guint i = 0; i < p->n_rule_sets; i++) {
      if (p->rule_sets[i].from_day > day)
        next = MIN (next, p->rule_sets[i].from_day);
    }
    return next == G_MAXINT64 ? -1 : next - 1;
  } else {
    const Rule *r = query_rule (q, rsi);
    if (r != NULL && r->action != ACTION_NEVER)
      return day;
    if (p->rule_sets[rsi].until_day == G_MAXINT64)
      return -1;
    return p->rule_sets[rsi].until_day - 1;
  }
}

/* The first maximal allowed period (UTC seconds) that ends after @u.
 * *b = G_MAXINT64 when unbounded (within the horizon). FALSE when no
 * period starts within the horizon. */
static gboolean
find_period (Query *q, gint64 u, gint64 *a, gint64 *b)
{
  const WsPolicy *p = q->p;
  const Zone *z = p->zone;
  Span iv[MAX_DAY_INTERVALS];
  gint64 day0 = zone_local_day (z, u) - 1;
  gint64 found_day = G_MAXINT64, best_a = G_MAXINT64, best_b = 0;
  gint64 limit = day0 + HORIZON_DAYS;

  for (gint64 d = day0; d < limit; d++) {
    guint n;
    gint64 dead = dead_stretch_end (q, d);

    if (dead < 0) {
      if (found_day != G_MAXINT64)
        break;
      return FALSE;
    }
    if (dead > d) {
      if (found_day != G_MAXINT64)
        break;
      d = dead; /* the loop's d++ moves past the stretch */
      continue;
    }
    if (found_day != G_MAXINT64 && d > found_day + 1)
      break;
    n = day_intervals (q, d, iv);
    for (guint i = 0; i < n; i++) {
      if (iv[i].b > u && iv[i].a < best_a) {
        best_a = iv[i].a;
        best_b = iv[i].b;
        if (found_day == G_MAXINT64)
          found_day = d;
      }
    }
  }
  if (best_a == G_MAXINT64)
    return FALSE;
  /* extend over touching or overlapping periods */
  for (;;) {
    gint64 db = zone_local_day (z, best_b);
    int rsi = rule_set_for_day (p, db);
    gboolean grown = FALSE;

    if (rsi >= 0) {
      const Rule *r = query_rule (q, rsi);
      const RuleSet *rs = &p->rule_sets[rsi];
      /* the rule set's days are one contiguous allowed span */
      if (r != NULL && r->action == ACTION_ALWAYS) {
        if (rs->until_day == G_MAXINT64) {
          best_b = G_MAXINT64;
          break;
        }
        {
          gint64 nb = zone_local_to_utc (z, rs->until_day * DAY_S);
          if (nb > best_b) {
            best_b = nb;
            grown = TRUE;
          }
        }
      }
    }
    for (gint64 d = db - 1; d <= db + 1; d++) {
      guint n = day_intervals (q, d, iv);
      for (guint i = 0; i < n; i++) {
        if (iv[i].a <= best_b && iv[i].b > best_b) {
          best_b = iv[i].b;
          grown = TRUE;
        }
      }
    }
    if (!grown)
      break;
    if (best_b - MAX (u, best_a) > HORIZON_DAYS * DAY_S) {
      best_b = G_MAXINT64;
      break;
    }
  }
  *a = best_a;
  *b = best_b;
  return TRUE;
}

static const Guidance *
find_guidance (const Query *q, int rsi)
{
  const RuleSet *rs;

  if (rsi < 0)
    return NULL;
  rs = &q->p->rule_sets[rsi];
  for (guint i = 0; i < rs->n_guidance; i++) {
    const Guidance *g = &rs->guidance[i];
    if (!(g->classes & q->class_bit))
      continue;
    if (g->min_age >= 0 && (q->kind != 0 || q->age < g->min_age))
      continue;
    return g;
  }
  return NULL;
}

static gint64
s_to_us (gint64 s)
{
  if (s == G_MAXINT64 || s == G_MININT64)
    return WS_TIME_NONE;
  return s * USEC;
}

/* Fills @out for the fail-closed and rule cases; returns the query status:
 * FALSE when the decision is final without looking at windows. */
static gboolean
decide_prepare (const WsPolicy *p, const char *service_class,
    const WsRatingDef *rating, gint64 at_s, WsAccessFlags access, Query *q,
    WsDecision *out, int *out_rsi)
{
  int ci = service_class ? class_index (p, service_class) :
                           (int) p->default_class;
  int rsi;
  const Rule *r;

  memset (out, 0, sizeof (*out));
  out->next_allowed_us = WS_TIME_NONE;
  out->allowed_until_us = WS_TIME_NONE;
  out->mandatory = TRUE;
  *out_rsi = -1;
  if (ci < 0) {
    out->kind = WS_DECISION_UNKNOWN_CLASS;
    out->reason = "the service class is not one this policy defines: "
                  "blocked (fail closed)";
    return FALSE;
  }
  query_init (q, p, ci, rating, access);
  out->judged_as = q->judged;
  out->judged_approximate = q->judged != NULL && q->approximate;
  out->no_equivalent = q->no_equivalent;
  judgement_text (p, q->original, q->judged, q->approximate, q->no_equivalent,
      out->judgement, sizeof out->judgement);
  if (at_s < MIN_SECONDS || at_s > MAX_SECONDS) {
    out->kind = WS_DECISION_NOT_IN_FORCE;
    out->reason = "the instant is outside the years 1900-9000 this engine "
                  "evaluates: blocked (fail closed)";
    return FALSE;
  }
  rsi = rule_set_for_day (p, zone_local_day (p->zone, at_s));
  *out_rsi = rsi;
  if (rsi < 0) {
    out->kind = WS_DECISION_NOT_IN_FORCE;
    out->reason = "no rule set of this policy is in force on that date: "
                  "blocked (fail closed)";
    return TRUE;
  }
  out->rule_set_version = p->rule_sets[rsi].version;
  {
    const Guidance *g = find_guidance (q, rsi);
    out->guidance = g ? &g->pub : NULL;
  }
  r = query_rule (q, rsi);
  if (q->locked[rsi] != NULL)
    out->missing_access = q->locked[rsi]->requires & ~access;
  if (r == NULL) {
    if (q->locked[rsi] != NULL) {
      out->kind = WS_DECISION_NEEDS_ACCESS;
      out->rule_id = q->locked[rsi]->id;
      out->citation = q->locked[rsi]->citation;
      out->reason = q->locked[rsi]->reason;
      out->mandatory = q->locked[rsi]->mandatory;
    } else if (q->kind == MATCH_NO_EQUIVALENT) {
      out->kind = WS_DECISION_NO_RULE;
      out->reason = "the rating is of another system and no rating of this "
                    "policy's system is as restrictive (or of its "
                    "adult-explicit class): blocked (fail closed)";
    } else if (q->kind == MATCH_REFUSED) {
      out->kind = WS_DECISION_UNRATED;
      out->reason = "the rating is \"refused classification\": blocked (fail "
                    "closed)";
    } else if (q->kind == MATCH_UNRATED) {
      out->kind = WS_DECISION_UNRATED;
      out->reason = "the rating is missing, unknown or unrated: blocked "
                    "(fail closed; the policy has no rule for unrated "
                    "content)";
    } else {
      out->kind = WS_DECISION_NO_RULE;
      out->reason = "no rule of this policy covers this rating on this "
                    "service class: blocked (fail closed)";
    }
    return TRUE;
  }
  out->rule_id = r->id;
  out->citation = r->citation;
  out->reason = r->reason;
  out->mandatory = r->mandatory;
  return TRUE;
}

gboolean
ws_policy_decide (const WsPolicy *p, const char *service_class,
    const WsRatingDef *rating, gint64 at_us, WsAccessFlags access,
    WsDecision *out)
{
  Query q;
  gint64 u, a, b;
  int rsi;
  const Rule *r;

  g_return_val_if_fail (p != NULL && out != NULL, FALSE);
  u = floor_div (at_us, USEC);
  if (!decide_prepare (p, service_class, rating, u, access, &q, out, &rsi))
    return FALSE;
  r = rsi >= 0 ? q.rule[rsi] : NULL;
  if (r != NULL && r->action == ACTION_ALWAYS) {
    out->allowed = TRUE;
    out->kind = WS_DECISION_ALLOWED;
    if (p->rule_sets[rsi].until_day != G_MAXINT64 &&
        find_period (&q, u, &a, &b))
      out->allowed_until_us = s_to_us (b);
    return TRUE;
  }
  if (!find_period (&q, u, &a, &b)) {
    if (r != NULL)
      out->kind = r->action == ACTION_NEVER && out->missing_access ?
                      WS_DECISION_NEEDS_ACCESS :
                  r->action == ACTION_NEVER ? WS_DECISION_NEVER :
                                              WS_DECISION_OUTSIDE_WINDOW;
    return FALSE;
  }
  if (a <= u) {
    out->allowed = TRUE;
    out->kind = WS_DECISION_ALLOWED;
    out->allowed_until_us = s_to_us (b);
    if (r == NULL) {
      /* allowed by a window opened under the previous day's rule set */
      int prev = rule_set_for_day (p, zone_local_day (p->zone, u) - 1);
      const Rule *pr = prev >= 0 ? query_rule (&q, prev) : NULL;
      if (pr != NULL) {
        out->rule_id = pr->id;
        out->citation = pr->citation;
        out->reason = pr->reason;
        out->mandatory = pr->mandatory;
      }
    }
    return TRUE;
  }
  out->next_allowed_us = s_to_us (a);
  if (r != NULL)
    out->kind = r->action == ACTION_NEVER ? WS_DECISION_NEVER :
                                            WS_DECISION_OUTSIDE_WINDOW;
  return FALSE;
}

char *
ws_policy_format_time (const WsPolicy *p, gint64 t_us)
{
  gint64 s, frac;
  gint32 off;
  GDateTime *dt;
  char *base, *res;
  int oh, om;

  g_return_val_if_fail (p != NULL, NULL);
  if (t_us == WS_TIME_NONE)
    return NULL;
  s = floor_div (t_us, USEC);
  frac = t_us - s * USEC;
  off = zone_offset (p->zone, s);
  dt = g_date_time_new_from_unix_utc (s + off);
  if (dt != NULL) {
    base = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
    g_date_time_unref (dt);
  } else {
    /* Outside GDateTime's years 1-9999 (0001-01-01T00:00:00Z is year 0 in
     * London's LMT): civil date by hand, never a NULL to print as
     * "(null)". Hinnant's days-to-civil, proleptic Gregorian. */
    gint64 local = s + off, days = floor_div (local, 86400), sod;
    gint64 z = days + 719468, era, doe, yoe, y, doy, mp;

    sod = local - days * 86400;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    y = yoe + era * 400 + (mp >= 10);
    base = g_strdup_printf ("%s%04" G_GINT64_FORMAT "-%02d-%02dT%02d:%02d:%02d",
        y < 0 ? "-" : "", ABS (y), (int) (mp < 10 ? mp + 3 : mp - 9),
        (int) (doy - (153 * mp + 2) / 5 + 1), (int) (sod / 3600),
        (int) (sod % 3600 / 60), (int) (sod % 60));
  }
  oh = ABS (off) / 3600;
  om = (ABS (off) % 3600) / 60;
  if (frac != 0)
    res = g_strdup_printf ("%s.%06" G_GINT64_FORMAT "%c%02d:%02d", base, frac,
        off < 0 ? '-' : '+', oh, om);
  else
    res = g_strdup_printf ("%s%c%02d:%02d", base, off < 0 ? '-' : '+', oh, om);
  g_free (base);
  return res;
}

static gboolean
guidance_same (const Guidance *a, const Guidance *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->pub.mode == b->pub.mode && a->pub.duration_s == b->pub.duration_s &&
         a->pub.after_breaks == b->pub.after_breaks;
}

gboolean
ws_policy_guidance_at (const WsPolicy *p, const char *service_class,
    const WsRatingDef *rating, gint64 at_us, const WsGuidance **out,
    GError **error)
{
  WsDecision d;
  Query q;
  int ci;
  const Guidance *first = NULL;

  g_return_val_if_fail (p != NULL && out != NULL, FALSE);
  if (at_us != WS_TIME_NONE) {
    ws_policy_decide (p, service_class, rating, at_us, WS_ACCESS_NONE, &d);
    if (d.kind == WS_DECISION_UNKNOWN_CLASS ||
        d.kind == WS_DECISION_NOT_IN_FORCE) {
      g_set_error (error, WS_ERROR, WS_ERROR_NOT_FOUND, "policy %s: %s", p->id,
          d.reason);
      return FALSE;
    }
    *out = d.guidance;
    return TRUE;
  }
  /* the programme's time is unknown: only a rule every rule set agrees on */
  ci = service_class ? class_index (p, service_class) : (int) p->default_class;
  if (ci < 0) {
    g_set_error (error, WS_ERROR, WS_ERROR_NOT_FOUND,
        "policy %s has no service class \"%s\"", p->id, service_class);
    return FALSE;
  }
  query_init (&q, p, ci, rating, WS_ACCESS_NONE);
  for (guint i = 0; i < p->n_rule_sets; i++) {
    const Guidance *g = find_guidance (&q, (int) i);

    if (i == 0) {
      first = g;
    } else if (!guidance_same (first, g)) {
      g_set_error (error, WS_ERROR, WS_ERROR_ARGUMENT,
          "policy %s: the guidance rule differs between rule sets %s and "
          "%s; the programme's time is needed to choose",
          p->id, p->rule_sets[0].version, p->rule_sets[i].version);
      return FALSE;
    }
  }
  *out = first != NULL ? &first->pub : NULL;
  return TRUE;
}

char *
ws_policy_describe_decision (const WsPolicy *p, const WsDecision *d)
{
  GString *s;

  g_return_val_if_fail (p != NULL && d != NULL, NULL);
  s = g_string_new (NULL);
  if (d->judgement[0] != '\0' && !d->no_equivalent)
    g_string_append_printf (s, "%s. ", d->judgement);
  g_string_append (s, d->reason);
  if (d->allowed) {
    if (d->allowed_until_us != WS_TIME_NONE) {
      char *t = ws_policy_format_time (p, d->allowed_until_us);
      g_string_append_printf (s, " Allowed until %s.", t);
      g_free (t);
    } else {
      g_string_append (s, " Allowed with no end in sight.");
    }
  } else if (d->next_allowed_us != WS_TIME_NONE) {
    char *t = ws_policy_format_time (p, d->next_allowed_us);
    g_string_append_printf (s, " Blocked; next allowed at %s.", t);
    g_free (t);
  } else {
    g_string_append (s, " Blocked; never allowed with the access given.");
  }
  if (d->missing_access != WS_ACCESS_NONE) {
    char *a = ws_access_flags_to_string (d->missing_access);
    g_string_append_printf (s, " More is allowed with access control: %s.", a);
    g_free (a);
  }
  if (!d->mandatory)
    g_string_append (s, " (advisory rule)");
  return g_string_free (s, FALSE);
}

GArray *
ws_policy_windows (const WsPolicy *p, const char *service_class,
    const WsRatingDef *rating, gint64 from_us, gint64 to_us,
    WsAccessFlags access, GError **error)
{
  Query q;
  WsDecision d;
  GArray *res;
  gint64 u, end_s;
  int rsi;

  g_return_val_if_fail (p != NULL, NULL);
  if (service_class != NULL && class_index (p, service_class) < 0) {
    GString *known = g_string_new (NULL);
    for (guint i = 0; i < p->n_classes; i++)
      g_string_append_printf (known, "%s%s", i ? ", " : "", p->classes[i].id);
    g_set_error (error, WS_ERROR, WS_ERROR_NOT_FOUND,
        "policy %s has no service class \"%s\" (it has: %s)", p->id,
        service_class, known->str);
    g_string_free (known, TRUE);
    return NULL;
  }
  if (from_us >= to_us || to_us - from_us > 3660 * DAY_S * USEC ||
      floor_div (from_us, USEC) < MIN_SECONDS ||
      floor_div (to_us, USEC) > MAX_SECONDS) {
    g_set_error (error, WS_ERROR, WS_ERROR_ARGUMENT,
        "the range must run forwards, within the years 1900-9000, over at "
        "most 3660 days");
    return NULL;
  }
  res = g_array_new (FALSE, FALSE, sizeof (WsInterval));
  u = floor_div (from_us, USEC);
  end_s = floor_div (to_us - 1, USEC) + 1;
  decide_prepare (p, service_class, rating, u, access, &q, &d, &rsi);
  while (u < end_s) {
    gint64 a, b;
    WsInterval iv;
    if (!find_period (&q, u, &a, &b) || a >= end_s)
      break;
    iv.start_us = MAX (a * USEC, from_us);
    iv.end_us = b == G_MAXINT64 ? to_us : MIN (b * USEC, to_us);
    if (iv.end_us > iv.start_us)
      g_array_append_val (res, iv);
    if (b == G_MAXINT64)
      break;
    u = b;
  }
  return res;
}

gboolean
ws_policy_check_programme (const WsPolicy *p, const char *service_class,
    const WsRatingDef *rating, gint64 start_us, gint64 duration_us,
    WsAccessFlags access, WsProgrammeCheck *out)
{
  Query q;
  WsDecision tmp;
  int rsi;
  gint64 end_us, u;

  g_return_val_if_fail (p != NULL && out != NULL, FALSE);
  memset (out, 0, sizeof (*out));
  if (duration_us < 0)
    duration_us = 0;
  end_us = start_us + MIN (duration_us, HORIZON_DAYS * DAY_S * USEC);
  out->period_end_us = WS_TIME_NONE;
  out->earliest_start_us = WS_TIME_NONE;
  ws_policy_decide (p, service_class, rating, start_us, access, &out->at_start);
  if (out->at_start.allowed &&
      (out->at_start.allowed_until_us == WS_TIME_NONE ||
          out->at_start.allowed_until_us >= end_us)) {
    out->verdict = WS_PROGRAMME_FITS;
    out->earliest_start_us = start_us;
    return TRUE;
  }
  if (out->at_start.allowed) {
    out->verdict = WS_PROGRAMME_RUNS_PAST_END;
    out->period_end_us = out->at_start.allowed_until_us;
  } else {
    out->verdict = WS_PROGRAMME_STARTS_OUTSIDE;
  }
  u = floor_div (start_us, USEC);
  if (!decide_prepare (p, service_class, rating, u, access, &q, &tmp, &rsi))
    return FALSE;
  for (guint i = 0; i < 4 * HORIZON_DAYS; i++) {
    gint64 a, b, s;
    if (!find_period (&q, u, &a, &b))
      break;
    s = MAX (a * USEC, start_us);
    if (s - start_us > HORIZON_DAYS * DAY_S * USEC)
      break;
    if (b == G_MAXINT64 || s + (end_us - start_us) <= b * USEC) {
      out->earliest_start_us = s;
      break;
    }
    u = b;
  }
  return FALSE;
}

static gboolean
parse_time (const WsPolicy *p, const char *text, const char *shown,
    gint64 *out_us, GError **error)
{
  GDateTime *dt = NULL;
  gboolean has_zone, is_date;
  gsize len;

  g_return_val_if_fail (out_us != NULL, FALSE);
  if (text == NULL)
    goto bad;
  len = strlen (text);
  if (len > 64)
    goto bad;
  if (len >= 16 && (text[10] == 'T' || text[10] == 't' || text[10] == ' ') &&
      (len == 16 || !g_ascii_isdigit (text[16])) && text[16] != ':' &&
      text[13] == ':') {
    /* HH:MM without seconds: GLib wants HH:MM:SS */
    char buf[80];
    g_snprintf (buf, sizeof buf, "%.16s:00%s", text, text + 16);
    buf[10] = 'T';
    return parse_time (p, buf, shown, out_us, error);
  }
  is_date = len == 10;
  /* the time part (after "YYYY-MM-DDT") holds no '-' unless an offset */
  has_zone = len > 11 && strpbrk (text + 11, "Zz+-") != NULL;
  if (has_zone) {
    dt = g_date_time_new_from_iso8601 (text, NULL);
    if (dt == NULL)
      goto bad;
    *out_us = g_date_time_to_unix (dt) * USEC +
              g_date_time_get_microsecond (dt);
    g_date_time_unref (dt);
    return TRUE;
  } else if (p == NULL) {
    g_set_error (error, WS_ERROR, WS_ERROR_ARGUMENT,
        "%s: a local time needs a policy's time zone; give the offset "
        "(2026-07-01T20:59:00+01:00, or Z for UTC) or a policy",
        shown);
    return FALSE;
  } else {
    /* local civil time in the policy's zone */
    char *full = is_date ? g_strconcat (text, "T00:00:00Z", NULL) :
                           g_strconcat (text, "Z", NULL);
    gint64 l, u;
    if (!is_date && len > 10 && text[10] == ' ')
      full[10] = 'T';
    dt = g_date_time_new_from_iso8601 (full, NULL);
    g_free (full);
    if (dt == NULL)
      goto bad;
    l = g_date_time_to_unix (dt);
    u = zone_local_to_utc (p->zone, l);
    if (u + zone_offset (p->zone, u) != l) {
      g_set_error (error, WS_ERROR, WS_ERROR_ARGUMENT,
          "\"%s\" does not exist in %s (the clocks go forward over it); "
          "give a UTC offset or another time",
          shown, p->zone->id);
      g_date_time_unref (dt);
      return FALSE;
    }
    *out_us = u * USEC + g_date_time_get_microsecond (dt);
    g_date_time_unref (dt);
    return TRUE;
  }
bad:
  g_set_error (error, WS_ERROR, WS_ERROR_ARGUMENT,
      "\"%s\" is not an ISO 8601 date or time (e.g. 2026-07-01T21:00:00+01:00, "
      "2026-07-01T21:00 in the policy's zone, or 2026-07-01)",
      const_or_empty (shown));
  return FALSE;
}

gboolean
ws_policy_parse_time (const WsPolicy *p, const char *text, gint64 *out_us,
    GError **error)
{
  return parse_time (p, text, text, out_us, error);
}

/* ---- names (the JSON and message values) ------------------------------ */

const char *
ws_decision_kind_to_string (WsDecisionKind k)
{
  switch (k) {
    case WS_DECISION_ALLOWED:
      return "allowed";
    case WS_DECISION_OUTSIDE_WINDOW:
      return "outside-window";
    case WS_DECISION_NEVER:
      return "never";
    case WS_DECISION_NEEDS_ACCESS:
      return "needs-access";
    case WS_DECISION_UNRATED:
      return "unrated";
    case WS_DECISION_NO_RULE:
      return "no-rule";
    case WS_DECISION_NOT_IN_FORCE:
      return "not-in-force";
    case WS_DECISION_UNKNOWN_CLASS:
      return "unknown-service-class";
  }
  return "unknown";
}

const char *
ws_guidance_mode_to_string (WsGuidanceMode m)
{
  switch (m) {
    case WS_GUIDANCE_NONE:
      return "none";
    case WS_GUIDANCE_AT_START:
      return "at-start";
    case WS_GUIDANCE_PERSISTENT:
      return "persistent";
    case WS_GUIDANCE_FULL_SCREEN:
      return "full-screen";
  }
  return "none";
}

const char *
ws_programme_verdict_to_string (WsProgrammeVerdict v)
{
  switch (v) {
    case WS_PROGRAMME_FITS:
      return "fits";
    case WS_PROGRAMME_STARTS_OUTSIDE:
      return "starts-outside";
    case WS_PROGRAMME_RUNS_PAST_END:
      return "runs-past-end";
  }
  return "unknown";
}

WsPolicy *
ws_policy_cache_get (WsPolicyCache *cache, const char *policy_id,
    const char *territory, GError **error)
{
  gboolean by_id = policy_id != NULL && policy_id[0] != '\0';
  char *key;

  if (by_id)
    key = g_strdup_printf ("policy:%s", policy_id);
  else if (territory != NULL && territory[0] != '\0')
    key = g_strdup_printf ("territory:%s", territory);
  else
    key = NULL;
  if (g_strcmp0 (key, cache->key) == 0) {
    g_free (key);
    return cache->policy;
  }
  ws_policy_cache_clear (cache);
  cache->key = key;
  if (by_id)
    cache->policy = ws_policy_load (policy_id, NULL, error);
  else if (key != NULL)
    cache->policy = ws_policy_load_for_territory (territory, NULL, error);
  return cache->policy;
}

void
ws_policy_cache_clear (WsPolicyCache *cache)
{
  ws_policy_free (cache->policy);
  cache->policy = NULL;
  g_clear_pointer (&cache->key, g_free);
}
