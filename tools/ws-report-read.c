/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed check: its JSON reports read back (see ws-report-read.h). */
#include "ws-report-read.h"

#include <math.h>
#include <string.h>

#include "ws-error.h"
#include "ws-report.h"

/* Bounds on what one file may hold: far above what ws_check_file() makes
 * (series of WS_CHECK_SERIES_MAX_POINTS points, a check per territory),
 * low enough that a hostile part cannot make merge allocate without end. */
#define MAX_ITEMS 100000

/* Where in the document a value is, for messages ("files[3].loudness"). */
typedef struct {
  GString *where;
  GError **error;
  gboolean failed;
} Reader;

static void
fail (Reader *r, const char *key, const char *what)
{
  if (r->failed)
    return;
  r->failed = TRUE;
  g_set_error (r->error, WS_ERROR, WS_ERROR_INVALID, "%s%s%s: %s",
      r->where->str, r->where->len && key ? "." : "", key ? key : "", what);
}

/* Enters member @key (or element @index when @key is NULL) for messages. */
static gsize
enter (Reader *r, const char *key, guint index)
{
  gsize old = r->where->len;

  if (key != NULL)
    g_string_append_printf (r->where, "%s%s", old ? "." : "", key);
  else
    g_string_append_printf (r->where, "[%u]", index);
  return old;
}

static void
leave (Reader *r, gsize old)
{
  g_string_truncate (r->where, old);
}

/* Member @key: NULL when absent or null. */
static JsonNode *
member (JsonObject *o, const char *key)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;

  return n == NULL || JSON_NODE_HOLDS_NULL (n) ? NULL : n;
}

static JsonObject *
object_member (Reader *r, JsonObject *o, const char *key)
{
  JsonNode *n = member (o, key);

  if (n == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (n)) {
    fail (r, key, "must be an object or null");
    return NULL;
  }
  return json_node_get_object (n);
}

static JsonArray *
array_member (Reader *r, JsonObject *o, const char *key)
{
  JsonNode *n = member (o, key);
  JsonArray *a;

  if (n == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (n)) {
    fail (r, key, "must be an array");
    return NULL;
  }
  a = json_node_get_array (n);
  if (json_array_get_length (a) > MAX_ITEMS) {
    fail (r, key, "has more elements than a report of ours ever holds");
    return NULL;
  }
  return a;
}

static gboolean
is_number (JsonNode *n)
{
  GType t = JSON_NODE_HOLDS_VALUE (n) ? json_node_get_value_type (n) : 0;

  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

static gboolean
is_string (JsonNode *n)
{
  return JSON_NODE_HOLDS_VALUE (n) &&
         json_node_get_value_type (n) == G_TYPE_STRING;
}

/* A string or null (NULL). (transfer full) */
static char *
string_member (Reader *r, JsonObject *o, const char *key)
{
  JsonNode *n = member (o, key);

  if (n == NULL)
    return NULL;
  if (!is_string (n)) {
    fail (r, key, "must be a string or null");
    return NULL;
  }
  return g_strdup (json_node_get_string (n));
}

/* A string that must be there. (transfer full) */
static char *
required_string (Reader *r, JsonObject *o, const char *key)
{
  char *s = string_member (r, o, key);

  if (s == NULL)
    fail (r, key, "must be a string");
  return s;
}

/* A number, or null (NAN). */
static double
double_member (Reader *r, JsonObject *o, const char *key)
{
  JsonNode *n = member (o, key);

  if (n == NULL)
    return NAN;
  if (!is_number (n)) {
    fail (r, key, "must be a number or null");
    return NAN;
  }
  return json_node_get_double (n);
}

/* A whole number in [@min, @max]; @fallback when absent or null. */
static gint64
int_member (Reader *r, JsonObject *o, const char *key, gint64 min, gint64 max,
    gint64 fallback)
{
  JsonNode *n = member (o, key);
  gint64 v;

  if (n == NULL)
    return fallback;
  if (!JSON_NODE_HOLDS_VALUE (n) ||
      json_node_get_value_type (n) != G_TYPE_INT64) {
    fail (r, key, "must be a whole number");
    return fallback;
  }
  v = json_node_get_int (n);
  if (v < min || v > max) {
    char *m = g_strdup_printf ("%" G_GINT64_FORMAT
                               " is out of range (%" G_GINT64_FORMAT
                               " to %" G_GINT64_FORMAT ")",
        v, min, max);

    fail (r, key, m);
    g_free (m);
    return fallback;
  }
  return v;
}

static gboolean
bool_member (Reader *r, JsonObject *o, const char *key)
{
  JsonNode *n = member (o, key);

  if (n == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (n) ||
      json_node_get_value_type (n) != G_TYPE_BOOLEAN) {
    fail (r, key, "must be true or false");
    return FALSE;
  }
  return json_node_get_boolean (n);
}

/* A name one of @names (indexed by value, @n of them) gives; @fallback when
 * absent. Unknown names are refused: a status read wrongly would change a
 * verdict. */
static int
enum_member (Reader *r, JsonObject *o, const char *key,
    const char *(*to_string) (int), int n, int fallback)
{
  char *s = string_member (r, o, key);
  int out = fallback;

  if (s == NULL)
    return fallback;
  for (out = 0; out < n; out++)
    if (strcmp (s, to_string (out)) == 0)
      break;
  if (out == n) {
    char *m = g_strdup_printf ("\"%s\" is not a value watershed writes", s);

    fail (r, key, m);
    g_free (m);
    out = fallback;
  }
  g_free (s);
  return out;
}

static const char *
status_name (int v)
{
  return ws_check_status_to_string ((WsCheckStatus) v);
}

static const char *
flash_verdict_name (int v)
{
  return ws_flash_verdict_to_string ((WsFlashVerdict) v);
}

static const char *
flash_kind_name (int v)
{
  return ws_flash_kind_to_string ((WsFlashKind) v);
}

static const char *
flash_eotf_name (int v)
{
  return ws_flash_eotf_to_string ((WsFlashEotf) v);
}

static const char *
flash_primaries_name (int v)
{
  return ws_flash_primaries_to_string ((WsFlashPrimaries) v);
}

static WsCheckStatus
status_member (Reader *r, JsonObject *o, const char *key,
    WsCheckStatus fallback)
{
  return (WsCheckStatus) enum_member (r, o, key, status_name,
      WS_CHECK_ERROR + 1, fallback);
}

/* An ISO 8601 instant with its offset, or null (WS_TIME_NONE). */
static gint64
time_member (Reader *r, JsonObject *o, const char *key)
{
  char *s = string_member (r, o, key);
  GDateTime *dt;
  gint64 us = WS_TIME_NONE;

  if (s == NULL)
    return WS_TIME_NONE;
  dt = g_date_time_new_from_iso8601 (s, NULL);
  if (dt == NULL) {
    fail (r, key, "must be an ISO 8601 instant with its UTC offset");
  } else {
    us = g_date_time_to_unix (dt) * G_USEC_PER_SEC +
         g_date_time_get_microsecond (dt);
    g_date_time_unref (dt);
  }
  g_free (s);
  return us;
}

/* Calls @each on every object of array @key. */
static void
each_object (Reader *r, JsonObject *o, const char *key,
    void (*each) (Reader *r, JsonObject *item, gpointer data), gpointer data)
{
  JsonArray *a = array_member (r, o, key);
  gsize at;

  if (a == NULL || r->failed)
    return;
  at = enter (r, key, 0);
  for (guint i = 0; i < json_array_get_length (a) && !r->failed; i++) {
    JsonNode *n = json_array_get_element (a, i);
    gsize el = enter (r, NULL, i);

    if (!JSON_NODE_HOLDS_OBJECT (n))
      fail (r, NULL, "must be an object");
    else
      each (r, json_node_get_object (n), data);
    leave (r, el);
  }
  leave (r, at);
}

/* Every string of array @key added to @to. */
static void
strings_into (Reader *r, JsonObject *o, const char *key, GPtrArray *to)
{
  JsonArray *a = array_member (r, o, key);

  for (guint i = 0; a && i < json_array_get_length (a) && !r->failed; i++) {
    JsonNode *n = json_array_get_element (a, i);

    if (!is_string (n))
      fail (r, key, "must hold strings only");
    else
      g_ptr_array_add (to, g_strdup (json_node_get_string (n)));
  }
}

/* ---- the members of a file ------------------------------------------------ */

static void
read_text (Reader *r, JsonObject *o, gpointer data)
{
  WsRating *rating = data;
  WsGuidanceText *t = g_new0 (WsGuidanceText, 1);

  t->lang = string_member (r, o, "lang");
  t->length = string_member (r, o, "length");
  t->text = string_member (r, o, "text");
  if (t->text == NULL)
    t->text = g_strdup ("");
  g_ptr_array_add (rating->texts, t);
}

static void
read_rating (Reader *r, JsonObject *o, gpointer data)
{
  WsCheckFile *f = data;
  WsCheckRating *cr = g_new0 (WsCheckRating, 1);
  WsRating *rating = ws_rating_new ();

  cr->rating = rating;
  g_ptr_array_add (f->ratings, cr);
  cr->source = string_member (r, o, "source");
  cr->origin = string_member (r, o, "origin");
  rating->territory = string_member (r, o, "territory");
  rating->system = string_member (r, o, "system");
  rating->code = string_member (r, o, "code");
  rating->minimum_age = (int) int_member (r, o, "minimum_age", 0, 255, -1);
  rating->source_system = string_member (r, o, "source_system");
  rating->source_code = string_member (r, o, "source_code");
  strings_into (r, o, "descriptors", rating->descriptors);
  each_object (r, o, "texts", read_text, rating);
}

static void
read_track (Reader *r, JsonObject *o, gpointer data)
{
  WsCheckFile *f = data;
  WsCheckAudioTrack a = { 0 };

  a.track = (int) int_member (r, o, "track", 0, G_MAXINT, 0);
  a.stream_index = (int) int_member (r, o, "stream_index", 0, G_MAXINT, 0);
  a.language = string_member (r, o, "language");
  a.layout = string_member (r, o, "layout");
  a.codec = string_member (r, o, "codec");
  a.channels = (int) int_member (r, o, "channels", 0, G_MAXINT, 0);
  a.rate_hz = (int) int_member (r, o, "sample_rate_hz", 0, G_MAXINT, 0);
  a.integrated_lufs = double_member (r, o, "integrated_lufs");
  a.lra_lu = double_member (r, o, "lra_lu");
  a.true_peak_dbtp = double_member (r, o, "true_peak_dbtp");
  a.max_momentary_lufs = double_member (r, o, "max_momentary_lufs");
  a.max_shortterm_lufs = double_member (r, o, "max_shortterm_lufs");
  a.measured = !isnan (a.integrated_lufs);
  a.status = status_member (r, o, "verdict", WS_CHECK_FAIL);
  a.message = string_member (r, o, "message");
  if (bool_member (r, o, "worst"))
    f->worst_track = (int) f->audio_tracks->len;
  g_array_append_val (f->audio_tracks, a);
}

/* A media time in seconds: NAN when absent or null; a time a nanosecond
 * count can hold (about 285 years) or a failure, so that no plot or
 * timecode downstream meets an infinity or a cast out of range. */
#define MAX_SECONDS 9.0e9

static gboolean
seconds_ok (double s)
{
  return isfinite (s) && fabs (s) <= MAX_SECONDS;
}

static double
seconds_member (Reader *r, JsonObject *o, const char *key)
{
  double s = double_member (r, o, key);

  if (!isnan (s) && !seconds_ok (s)) {
    fail (r, key, "must be a time in seconds (at most 9e9)");
    return NAN;
  }
  return s;
}

/* Seconds back into the nanoseconds they were written from. */
static gint64
seconds_to_ns (Reader *r, JsonObject *o, const char *key)
{
  double s = double_member (r, o, key);

  if (!seconds_ok (s)) {
    fail (r, key, "must be a time in seconds (at most 9e9)");
    return 0;
  }
  return (gint64) llround (s * 1e9);
}

static void
read_range (Reader *r, JsonObject *o, gpointer data)
{
  GArray *ranges = data;
  WsCheckRange range;

  range.start_s = seconds_member (r, o, "start_s");
  range.end_s = seconds_member (r, o, "end_s");
  g_array_append_val (ranges, range);
}

static void
read_incident (Reader *r, JsonObject *o, gpointer data)
{
  GArray *incidents = data;
  WsFlashIncident inc = { 0 };

  inc.kind = (WsFlashKind) enum_member (r, o, "kind", flash_kind_name,
      WS_FLASH_KIND_PATTERN + 1, WS_FLASH_KIND_LUMINANCE);
  inc.verdict = (WsFlashVerdict) enum_member (r, o, "verdict",
      flash_verdict_name, WS_FLASH_VERDICT_FAIL + 1, WS_FLASH_VERDICT_FAIL);
  inc.start_ns = seconds_to_ns (r, o, "start_s");
  inc.end_ns = seconds_to_ns (r, o, "end_s");
  inc.extended = bool_member (r, o, "extended") ? 1 : 0;
  inc.peak_flash_rate = double_member (r, o, "peak_flash_rate");
  inc.peak_area = double_member (r, o, "peak_area");
  inc.peak_risk = double_member (r, o, "peak_risk");
  if (inc.kind == WS_FLASH_KIND_PATTERN)
    inc.pattern_pairs = (int) int_member (r, o, "stripe_pairs", 0, G_MAXINT, 0);
  g_array_append_val (incidents, inc);
}

static void
read_window (Reader *r, JsonObject *o, gpointer data)
{
  GArray *windows = data;
  WsInterval w;

  w.start_us = time_member (r, o, "start");
  w.end_us = time_member (r, o, "end");
  g_array_append_val (windows, w);
}

static void
read_check (Reader *r, JsonObject *o, gpointer data)
{
  GArray *checks = data;
  WsCheckItem item = { 0 };

  item.id = required_string (r, o, "id");
  item.subject = string_member (r, o, "subject");
  item.status = status_member (r, o, "status", WS_CHECK_FAIL);
  item.message = required_string (r, o, "message");
  if (item.id == NULL)
    item.id = g_strdup ("");
  if (item.message == NULL)
    item.message = g_strdup ("");
  g_array_append_val (checks, item);
}

/* The reason of a slot decision is a string the policy owns; read back,
 * there is no policy, so it is kept for the life of the process (one per
 * distinct sentence). */
static const char *
reason_string (const char *text)
{
  return g_intern_string (text);
}

static void
read_policy (Reader *r, JsonObject *o, WsCheckFile *f)
{
  WsCheckPolicy *p = g_new0 (WsCheckPolicy, 1);
  JsonObject *slot;

  f->policy = p;
  p->policy_id = string_member (r, o, "id");
  p->rating = string_member (r, o, "rating");
  p->windows = g_array_new (FALSE, FALSE, sizeof (WsInterval));
  each_object (r, o, "windows", read_window, p->windows);
  p->slot_us = WS_TIME_NONE;
  p->slot.next_allowed_us = WS_TIME_NONE;
  p->slot.allowed_until_us = WS_TIME_NONE;
  p->slot.reason = "";
  slot = object_member (r, o, "slot");
  if (slot != NULL && !r->failed) {
    gsize at = enter (r, "slot", 0);
    char *reason = string_member (r, slot, "reason");

    p->slot_us = time_member (r, slot, "at");
    p->slot.allowed = bool_member (r, slot, "allowed");
    p->slot.next_allowed_us = time_member (r, slot, "next_allowed");
    if (reason != NULL)
      p->slot.reason = reason_string (reason);
    g_free (reason);
    leave (r, at);
  }
}

/* "series": [[t, a, b], ...] with null for NAN and "inf"/"-inf". */
static double
series_value (Reader *r, JsonNode *n)
{
  if (JSON_NODE_HOLDS_NULL (n))
    return NAN;
  if (is_number (n))
    return json_node_get_double (n);
  if (is_string (n) && strcmp (json_node_get_string (n), "-inf") == 0)
    return -INFINITY;
  if (is_string (n) && strcmp (json_node_get_string (n), "inf") == 0)
    return INFINITY;
  fail (r, NULL, "must hold numbers, null, \"inf\" or \"-inf\"");
  return NAN;
}

static void
read_series (Reader *r, JsonObject *o, const char *key, GArray *to)
{
  JsonArray *a = array_member (r, o, key);
  gsize at;

  if (a == NULL || r->failed)
    return;
  at = enter (r, key, 0);
  for (guint i = 0; i < json_array_get_length (a) && !r->failed; i++) {
    JsonNode *n = json_array_get_element (a, i);
    JsonArray *p = JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
    gsize el = enter (r, NULL, i);
    double v[3];

    if (p == NULL || json_array_get_length (p) != 3) {
      fail (r, NULL, "must be an array of three values");
    } else {
      for (guint k = 0; k < 3; k++)
        v[k] = series_value (r, json_array_get_element (p, k));
      if (!r->failed && !seconds_ok (v[0]))
        fail (r, NULL, "must start with a time in seconds (at most 9e9)");
      /* WsCheckLoudnessPoint and WsCheckRiskPoint are three doubles */
      g_array_append_vals (to, v, 1);
    }
    leave (r, el);
  }
  leave (r, at);
}

static void
read_limits (Reader *r, JsonObject *o, WsLoudnessLimits *limits)
{
  limits->target_lufs = double_member (r, o, "target_lufs");
  limits->tolerance_lu = double_member (r, o, "tolerance_lu");
  limits->max_true_peak_dbtp = double_member (r, o, "max_true_peak_dbtp");
}

/* "engine": what the public members do not show (part reports only). */
static void
read_engine (Reader *r, JsonObject *e, WsCheckFile *f)
{
  gsize at = enter (r, "engine", 0);

  f->has_audio = bool_member (r, e, "has_audio");
  f->has_video = bool_member (r, e, "has_video");
  f->loudness_measured = bool_member (r, e, "loudness_measured");
  read_limits (r, e, &f->limits);
  f->loudness_status = status_member (r, e, "loudness_status",
      WS_CHECK_NOT_APPLICABLE);
  g_free (f->loudness_message);
  f->loudness_message = string_member (r, e, "loudness_message");
  f->flash_verdict = (WsFlashVerdict) enum_member (r, e, "flash_verdict",
      flash_verdict_name, WS_FLASH_VERDICT_FAIL + 1, WS_FLASH_VERDICT_PASS);
  f->flash_status = status_member (r, e, "flash_status",
      WS_CHECK_NOT_APPLICABLE);
  f->flash_message = string_member (r, e, "flash_message");
  if (f->policy != NULL)
    f->policy->slot_description = string_member (r, e, "slot_description");
  leave (r, at);
}

static void
read_loudness (Reader *r, JsonObject *l, WsCheckFile *f)
{
  gsize at = enter (r, "loudness", 0);

  f->integrated_lufs = double_member (r, l, "integrated_lufs");
  f->lra_lu = double_member (r, l, "lra_lu");
  f->true_peak_dbtp = double_member (r, l, "true_peak_dbtp");
  f->max_momentary_lufs = double_member (r, l, "max_momentary_lufs");
  f->max_shortterm_lufs = double_member (r, l, "max_shortterm_lufs");
  read_limits (r, l, &f->limits);
  f->loudness_measured = !isnan (f->limits.target_lufs);
  f->loudness_status = status_member (r, l, "verdict", WS_CHECK_NOT_APPLICABLE);
  f->loudness_message = string_member (r, l, "message");
  f->audio_codec = string_member (r, l, "codec");
  f->audio_channels = (int) int_member (r, l, "channels", 0, G_MAXINT, 0);
  f->audio_rate_hz = (int) int_member (r, l, "sample_rate_hz", 0, G_MAXINT, 0);
  leave (r, at);
}

static void
read_flash (Reader *r, JsonObject *v, WsCheckFile *f)
{
  gsize at = enter (r, "flash", 0);

  f->video_codec = string_member (r, v, "codec");
  f->width = (int) int_member (r, v, "width", 0, G_MAXINT, 0);
  f->height = (int) int_member (r, v, "height", 0, G_MAXINT, 0);
  f->video_frames = int_member (r, v, "frames", 0, G_MAXINT64, 0);
  f->frame_rate = double_member (r, v, "frame_rate");
  if (!(f->frame_rate > 0 && f->frame_rate < 1e6))
    f->frame_rate = 0.0;
  f->flash_sample_step = (int) int_member (r, v, "sample_step", 0, 16, 0);
  /* the display model the verdict assumed (json_flash_display()) */
  {
    char *standard = string_member (r, v, "standard");
    WsFlashDisplay *dp = &f->flash_display;

    if (standard != NULL) {
      double hlg_peak = double_member (r, v, "hlg_peak_cd_m2");

      dp->standard = g_intern_string (standard);
      dp->eotf = (WsFlashEotf) enum_member (r, v, "transfer", flash_eotf_name,
          WS_FLASH_EOTF_HLG + 1, WS_FLASH_EOTF_SRGB);
      dp->primaries = (WsFlashPrimaries) enum_member (r, v, "primaries",
          flash_primaries_name, WS_FLASH_PRIMARIES_BT2020 + 1,
          WS_FLASH_PRIMARIES_BT709);
      dp->bit_depth = (int) int_member (r, v, "bit_depth", 8, 16, 8);
      f->flash_transfer_tagged = bool_member (r, v, "transfer_tagged");
      if (dp->eotf == WS_FLASH_EOTF_HLG) {
        if (!(hlg_peak >= 100 && hlg_peak <= 10000))
          fail (r, "hlg_peak_cd_m2", "must be 100 to 10000 for hlg");
        else
          dp->peak_cd_m2 = hlg_peak;
        dp->hlg_gamma = ws_flash_hlg_system_gamma (dp->peak_cd_m2);
      } else {
        WsFlashParams defaults;

        ws_flash_params_init (&defaults);
        dp->peak_cd_m2 = dp->eotf == WS_FLASH_EOTF_PQ ? 10000.0 :
                                                        defaults.peak_cd_m2;
      }
      g_free (standard);
    }
  }
  f->has_video = f->video_codec != NULL;
  each_object (r, v, "incidents", read_incident, f->flash_incidents);
  leave (r, at);
}

static void
read_integrity (Reader *r, JsonObject *i, WsCheckFile *f)
{
  gsize at = enter (r, "integrity", 0);

  f->integrity_status = status_member (r, i, "verdict",
      WS_CHECK_NOT_APPLICABLE);
  f->integrity_problems = int_member (r, i, "problems", 0, G_MAXINT64, 0);
  each_object (r, i, "ranges", read_range, f->integrity_ranges);
  f->integrity_message = string_member (r, i, "message");
  f->libav_log_lines = int_member (r, i, "libav_log_lines", 0, G_MAXINT64, 0);
  leave (r, at);
}

/* "decode": how the video was decoded (#WsCheckFile decode_mode); absent
 * or null in reports without video or from before it was recorded. */
static void
read_decode_mode (Reader *r, JsonObject *o, WsCheckFile *f)
{
  char *mode = string_member (r, o, "decode");

  if (g_strcmp0 (mode, "analysis") == 0)
    f->decode_mode = "analysis";
  else if (g_strcmp0 (mode, "exact") == 0)
    f->decode_mode = "exact";
  else if (mode != NULL)
    fail (r, "decode", "must be analysis or exact");
  g_free (mode);
}

static WsCheckFile *
read_file (Reader *r, JsonObject *o, WsReportReadEntry *entry)
{
  char *path = required_string (r, o, "path");
  WsCheckFile *f = ws_check_file_new (path ? path : "");
  JsonObject *sub;

  g_free (path);
  f->status = status_member (r, o, "status", WS_CHECK_ERROR);
  if (f->status != WS_CHECK_PASS && f->status != WS_CHECK_FAIL &&
      f->status != WS_CHECK_ERROR)
    fail (r, "status", "must be pass, fail or error");
  f->error = string_member (r, o, "error");
  if (f->status == WS_CHECK_ERROR && f->error == NULL)
    fail (r, "error", "a file that could not be read must say why");
  f->format_name = string_member (r, o, "format");
  f->programme = (int) int_member (r, o, "programme", 0, 65535, -1);
  f->duration_s = seconds_member (r, o, "duration_s");
  if ((sub = object_member (r, o, "rating")) != NULL) {
    gsize at = enter (r, "rating", 0);

    f->sidecar_path = string_member (r, sub, "sidecar");
    f->sidecar_format = string_member (r, sub, "sidecar_format");
    f->title = string_member (r, sub, "title");
    each_object (r, sub, "ratings", read_rating, f);
    leave (r, at);
  }
  if ((sub = object_member (r, o, "loudness")) != NULL && !r->failed)
    read_loudness (r, sub, f);
  each_object (r, o, "audio_tracks", read_track, f);
  f->has_audio = f->audio_tracks->len > 0;
  if ((sub = object_member (r, o, "integrity")) != NULL && !r->failed)
    read_integrity (r, sub, f);
  if ((sub = object_member (r, o, "flash")) != NULL && !r->failed)
    read_flash (r, sub, f);
  if ((sub = object_member (r, o, "policy")) != NULL && !r->failed) {
    gsize at = enter (r, "policy", 0);

    read_policy (r, sub, f);
    leave (r, at);
  }
  each_object (r, o, "checks", read_check, f->checks);
  strings_into (r, o, "warnings", f->warnings);
  read_decode_mode (r, o, f);

  entry->index = int_member (r, o, "index", 0, G_MAXUINT32, -1);
  entry->started_us = int_member (r, o, "started_us", G_MININT64, G_MAXINT64,
      0);
  entry->elapsed_s = member (o, "elapsed_s") ?
                         double_member (r, o, "elapsed_s") :
                         0.0;
  if ((sub = object_member (r, o, "engine")) != NULL && !r->failed)
    read_engine (r, sub, f);
  if ((sub = object_member (r, o, "series")) != NULL && !r->failed) {
    gsize at = enter (r, "series", 0);

    read_series (r, sub, "loudness", f->loudness_series);
    read_series (r, sub, "risk", f->risk_series);
    leave (r, at);
  }
  return f;
}

gboolean
ws_report_read_entry (JsonNode *node, WsReportReadEntry *entry, GError **error)
{
  Reader r = { g_string_new (NULL), error, FALSE };
  WsReportReadEntry e = { NULL, -1, 0, 0.0 };

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    fail (&r, NULL, "a file must be a JSON object");
  else
    e.file = read_file (&r, json_node_get_object (node), &e);
  g_string_free (r.where, TRUE);
  if (r.failed) {
    ws_check_file_free (e.file);
    return FALSE;
  }
  *entry = e;
  return TRUE;
}

void
ws_report_read_entry_clear (WsReportReadEntry *entry)
{
  g_clear_pointer (&entry->file, ws_check_file_free);
}

static void
entry_free (gpointer data)
{
  WsReportReadEntry *e = data;

  ws_report_read_entry_clear (e);
  g_free (e);
}

void
ws_report_sidecar_free (gpointer sidecar)
{
  WsReportSidecar *sc = sidecar;

  if (sc == NULL)
    return;
  g_free (sc->path);
  g_free (sc->used_by);
  g_free (sc);
}

static void
read_file_item (Reader *r, JsonObject *o, gpointer data)
{
  WsReportReadPart *part = data;
  WsReportReadEntry *e = g_new0 (WsReportReadEntry, 1);

  e->index = -1;
  e->file = read_file (r, o, e);
  g_ptr_array_add (part->files, e);
}

static void
read_sidecar_item (Reader *r, JsonObject *o, gpointer data)
{
  WsReportReadPart *part = data;
  WsReportSidecar *sc = g_new0 (WsReportSidecar, 1);

  sc->path = required_string (r, o, "path");
  sc->used_by = string_member (r, o, "sidecar_of");
  g_ptr_array_add (part->sidecars, sc);
}

static void
read_part_info (Reader *r, JsonObject *p, WsReportReadPart *part)
{
  GPtrArray *options = g_ptr_array_new ();
  gsize at = enter (r, "part", 0);

  part->version = required_string (r, p, "watershed_version");
  part->shard_count = (guint) int_member (r, p, "shard_count", 1, 100000, 1);
  part->shard_index = (guint) int_member (r, p, "shard_index", 0,
      part->shard_count - 1, 0);
  part->files_total = (guint) int_member (r, p, "files_total", 0, G_MAXUINT32,
      0);
  part->files_digest = required_string (r, p, "files_digest");
  part->fingerprint = required_string (r, p, "options_fingerprint");
  strings_into (r, p, "options", options);
  g_ptr_array_add (options, NULL);
  part->options = (char **) g_ptr_array_free (options, FALSE);
  strings_into (r, p, "input_errors", part->input_errors);
  part->plots = bool_member (r, p, "plots");
  leave (r, at);
}

WsReportReadPart *
ws_report_read_part (const char *data, gsize len, const char *name,
    GError **error)
{
  JsonParser *parser;
  GError *parse_error = NULL;
  WsReportReadPart *part;
  Reader r = { NULL, &parse_error, FALSE };
  JsonNode *root;
  JsonObject *o, *info;

  if (len > WS_REPORT_READ_MAX_BYTES) {
    g_set_error (error, WS_ERROR, WS_ERROR_TOO_LARGE,
        "%s: larger than %" G_GSIZE_FORMAT " bytes; not a report part of "
        "watershed check",
        name, WS_REPORT_READ_MAX_BYTES);
    return NULL;
  }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &parse_error)) {
    g_set_error (error, WS_ERROR, WS_ERROR_MALFORMED, "%s: not JSON: %s", name,
        parse_error->message);
    g_error_free (parse_error);
    g_object_unref (parser);
    return NULL;
  }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "%s: not a report of watershed check (not a JSON object)", name);
    g_object_unref (parser);
    return NULL;
  }
  o = json_node_get_object (root);
  if (!json_object_has_member (o, "files") ||
      !json_object_has_member (o, "summary")) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID,
        "%s: not a report of watershed check --json (no \"files\" and "
        "\"summary\")",
        name);
    g_object_unref (parser);
    return NULL;
  }
  part = g_new0 (WsReportReadPart, 1);
  part->input_errors = g_ptr_array_new_with_free_func (g_free);
  part->files = g_ptr_array_new_with_free_func (entry_free);
  part->sidecars = g_ptr_array_new_with_free_func (ws_report_sidecar_free);
  r.where = g_string_new (NULL);
  info = object_member (&r, o, "part");
  if (info == NULL && !r.failed)
    fail (&r, "part",
        "missing: this is the report of a whole run, not a "
        "shard; run watershed check with --shard K/N --json");
  if (!r.failed)
    read_part_info (&r, info, part);
  if (!r.failed)
    each_object (&r, o, "files", read_file_item, part);
  if (!r.failed)
    each_object (&r, o, "sidecars", read_sidecar_item, part);
  for (guint i = 0; i < part->files->len && !r.failed; i++) {
    const WsReportReadEntry *e = part->files->pdata[i];

    if (e->index < 0 || e->index >= part->files_total) {
      gsize at = enter (&r, "files", 0), el = enter (&r, NULL, i);

      fail (&r, "index", "missing or not below part.files_total");
      leave (&r, el);
      leave (&r, at);
    }
  }
  g_string_free (r.where, TRUE);
  g_object_unref (parser);
  if (r.failed) {
    g_set_error (error, WS_ERROR, WS_ERROR_INVALID, "%s: %s", name,
        parse_error->message);
    g_error_free (parse_error);
    ws_report_read_part_free (part);
    return NULL;
  }
  return part;
}

void
ws_report_read_part_free (WsReportReadPart *part)
{
  if (part == NULL)
    return;
  g_free (part->version);
  g_free (part->files_digest);
  g_free (part->fingerprint);
  g_strfreev (part->options);
  g_ptr_array_unref (part->input_errors);
  g_ptr_array_unref (part->files);
  g_ptr_array_unref (part->sidecars);
  g_free (part);
}
