/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed metadata: read a metadata file, print its normalised ratings. */
#include <stdio.h>
#include <string.h>

#include "ws-cli.h"
#include "ws-error.h"
#include "ws-metadata.h"
#include "ws-support.h"
#include "ws-territory.h"

typedef struct {
  const char *territory; /* normalised alpha-2, or NULL */
  const char *system;
  gboolean explain;
  gboolean json;
  const WsSupportDirectory *support; /* with --explain */
} MetadataOptions;

/* The territory whose helplines a rating's explanation lists: the rating's
 * own, else --territory; NULL when neither says. */
static const char *
support_territory (const WsRating *r, const MetadataOptions *opt)
{
  const char *t = r->territory ? ws_territory_normalise (r->territory) : NULL;

  return t ? t : opt->territory;
}

/* What --explain says of one rating's support information: the topics,
 * the territory whose helplines are listed (NULL: none known), those
 * helplines and the topics without one. */
typedef struct {
  char **topics;
  const char *territory;
  GPtrArray *helplines;
  char **missing;
} SupportView;

static void
support_view_init (SupportView *v, const WsRatingRegistry *reg,
    const WsRating *r, const MetadataOptions *opt)
{
  const char *const *topics;

  v->topics = ws_support_topics_for_rating (opt->support, reg, r);
  topics = (const char *const *) v->topics;
  v->territory = support_territory (r, opt);
  v->helplines = v->territory ?
                     ws_support_lookup (opt->support, v->territory, topics) :
                     g_ptr_array_new ();
  v->missing = v->territory ? ws_support_missing_topics (opt->support,
                                  v->territory, topics) :
                              g_strdupv (v->topics);
}

static void
support_view_clear (SupportView *v)
{
  g_strfreev (v->topics);
  g_ptr_array_unref (v->helplines);
  g_strfreev (v->missing);
}

static void
add_string_array (JsonBuilder *b, const char *key, char **values)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_array (b);
  for (char **it = values; *it; it++)
    json_builder_add_string_value (b, *it);
  json_builder_end_array (b);
}

static void
build_support_json (JsonBuilder *b, const WsRatingRegistry *reg,
    const WsRating *r, const MetadataOptions *opt)
{
  SupportView v;

  support_view_init (&v, reg, r, opt);
  json_builder_set_member_name (b, "support");
  json_builder_begin_object (b);
  ws_json_add_string_or_null (b, "territory", v.territory);
  add_string_array (b, "topics", v.topics);
  add_string_array (b, "missing_topics", v.missing);
  json_builder_set_member_name (b, "helplines");
  json_builder_begin_array (b);
  for (guint i = 0; i < v.helplines->len; i++) {
    const WsHelpline *h = g_ptr_array_index (v.helplines, i);

    json_builder_begin_object (b);
    ws_json_add_string_or_null (b, "topic", h->topic);
    ws_json_add_string_or_null (b, "name", h->name);
    ws_json_add_string_or_null (b, "number", h->number);
    ws_json_add_string_or_null (b, "url", h->url);
    ws_json_add_string_or_null (b, "hours", h->hours);
    ws_json_add_string_or_null (b, "lang", h->lang);
    ws_json_add_string_or_null (b, "source", h->source);
    ws_json_add_string_or_null (b, "checked", h->checked);
    json_builder_set_member_name (b, "verified");
    json_builder_add_boolean_value (b, h->verified);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  support_view_clear (&v);
}

static void
print_support (const WsRatingRegistry *reg, const WsRating *r,
    const MetadataOptions *opt)
{
  SupportView v;
  char *joined;

  support_view_init (&v, reg, r, opt);
  joined = g_strjoinv (", ", v.topics);
  printf ("      support: %s\n", v.topics[0] ? joined : "none called for");
  g_free (joined);
  if (v.topics[0] != NULL && v.territory == NULL)
    printf ("        (for every territory: give --territory to list the "
            "helplines)\n");
  for (guint i = 0; v.territory && i < v.helplines->len; i++) {
    const WsHelpline *h = g_ptr_array_index (v.helplines, i);
    GString *line = g_string_new (h->name);

    if (h->number)
      g_string_append_printf (line, ", %s", h->number);
    if (h->url)
      g_string_append_printf (line, ", %s", h->url);
    if (h->hours)
      g_string_append_printf (line, " (%s)", h->hours);
    printf ("        %s %-17s %s\n", v.territory, h->topic, line->str);
    printf ("          source %s, checked %s%s\n", h->source, h->checked,
        h->verified ? "" : ", NOT VERIFIED: check before broadcast");
    g_string_free (line, TRUE);
  }
  for (char **it = v.missing; v.territory && *it; it++)
    printf ("        %s %-17s no helpline configured\n", v.territory, *it);
  support_view_clear (&v);
}

static gboolean
rating_selected (const WsRating *r, const MetadataOptions *opt)
{
  if (opt->territory != NULL && r->territory != NULL &&
      strcmp (r->territory, opt->territory) != 0)
    return FALSE;
  if (opt->system != NULL &&
      (r->system == NULL || strcmp (r->system, opt->system) != 0))
    return FALSE;
  return TRUE;
}

static void
add_seconds_or_null (JsonBuilder *b, const char *key, gint64 ns)
{
  json_builder_set_member_name (b, key);
  if (ns >= 0)
    json_builder_add_double_value (b, ns / 1e9);
  else
    json_builder_add_null_value (b);
}

static void
build_rating_json (JsonBuilder *b, const WsRatingRegistry *reg,
    const WsRating *r, const MetadataOptions *opt)
{
  const WsRatingDef *def = ws_rating_lookup (reg, r, NULL, NULL);
  char *name = r->system && r->code ? ws_rating_to_string (r) : NULL;

  json_builder_begin_object (b);
  ws_json_add_string_or_null (b, "programme", r->programme);
  ws_json_add_string_or_null (b, "rating", name);
  ws_json_add_string_or_null (b, "label",
      def ? ws_rating_def_get_label (def) : NULL);
  ws_json_add_rating_members (b, r);
  json_builder_set_member_name (b, "support_topics");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->support_topics->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (r->support_topics, i));
  json_builder_end_array (b);
  if (opt->explain)
    build_support_json (b, reg, r, opt);
  add_seconds_or_null (b, "start_s", r->start_ns);
  add_seconds_or_null (b, "end_s", r->end_ns);
  json_builder_set_member_name (b, "source");
  json_builder_begin_object (b);
  ws_json_add_string_or_null (b, "system", r->source_system);
  ws_json_add_string_or_null (b, "code", r->source_code);
  ws_json_add_string_or_null (b, "element", r->element);
  json_builder_set_member_name (b, "line");
  json_builder_add_int_value (b, r->line);
  json_builder_end_object (b);
  json_builder_end_object (b);
  g_free (name);
}

static void
build_file_json (JsonBuilder *b, const WsRatingRegistry *reg, const char *path,
    const WsMetadata *md, const GError *error, const MetadataOptions *opt)
{
  json_builder_begin_object (b);
  ws_json_add_string_or_null (b, "path", path);
  ws_json_add_string_or_null (b, "format",
      md ? ws_metadata_format_to_string (md->format) : NULL);
  json_builder_set_member_name (b, "valid");
  json_builder_add_boolean_value (b, md != NULL && ws_metadata_is_valid (md));
  ws_json_add_string_or_null (b, "error", error ? error->message : NULL);
  ws_json_add_string_or_null (b, "title", md ? md->title : NULL);
  json_builder_set_member_name (b, "ratings");
  json_builder_begin_array (b);
  for (guint i = 0; md != NULL && i < md->ratings->len; i++) {
    const WsRating *r = g_ptr_array_index (md->ratings, i);

    if (rating_selected (r, opt))
      build_rating_json (b, reg, r, opt);
  }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (guint i = 0; md != NULL && i < md->warnings->len; i++) {
    const WsMetadataWarning *w = g_ptr_array_index (md->warnings, i);

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "line");
    json_builder_add_int_value (b, w->line);
    ws_json_add_string_or_null (b, "element", w->element);
    ws_json_add_string_or_null (b, "message", w->message);
    json_builder_set_member_name (b, "invalid");
    json_builder_add_boolean_value (b, w->invalid);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
print_explanation (const WsRatingRegistry *reg, const WsRatingDef *def)
{
  const WsRatingSystem *own = ws_rating_def_get_system (def);
  GString *line = g_string_new (NULL);

  for (guint i = 0; i < ws_rating_registry_get_n_systems (reg); i++) {
    const WsRatingSystem *sys = ws_rating_registry_get_system (reg, i);
    WsConversion conv;

    if (sys == own)
      continue;
    conv = ws_rating_convert (def, sys);
    if (conv.result == NULL)
      continue;
    if (line->len > 0)
      g_string_append (line, ", ");
    g_string_append_printf (line, "%s%s", ws_rating_def_get_name (conv.result),
        conv.approximate ? "~" : "");
  }
  if (line->len > 0)
    printf ("      elsewhere: %s (~ approximate)\n", line->str);
  g_string_free (line, TRUE);
}

static void
print_file_text (const WsRatingRegistry *reg, const char *path,
    const WsMetadata *md, const MetadataOptions *opt)
{
  const char *last_programme = NULL;
  guint shown = 0;

  printf ("%s: %s%s%s%s\n", path, ws_metadata_format_to_string (md->format),
      ws_metadata_is_valid (md) ? "" : ", INVALID",
      md->title ? ", title: " : "", md->title ? md->title : "");
  for (guint i = 0; i < md->ratings->len; i++) {
    const WsRating *r = g_ptr_array_index (md->ratings, i);
    const WsRatingDef *def = ws_rating_lookup (reg, r, NULL, NULL);

    if (!rating_selected (r, opt))
      continue;
    shown++;
    if (r->programme != NULL && g_strcmp0 (r->programme, last_programme)) {
      printf ("  programme %s\n", r->programme);
      last_programme = r->programme;
    }
    {
      char *name = r->system && r->code ? ws_rating_to_string (r) :
                                          g_strdup ("(unresolved)");
      printf ("    %-3s %-16s", r->territory ? r->territory : "*", name);
      g_free (name);
    }
    if (r->minimum_age >= 0)
      printf (" minimum age %d", r->minimum_age);
    else
      printf (" minimum age unknown: treated as most restrictive");
    if (def != NULL)
      printf (" (%s)", ws_rating_def_get_label (def));
    if (r->start_ns >= 0 || r->end_ns >= 0)
      printf (" segment %.3f-%.3f s",
          r->start_ns >= 0 ? r->start_ns / 1e9 : 0.0,
          r->end_ns >= 0 ? r->end_ns / 1e9 : -1.0);
    printf ("   [line %d, %s \"%s\"%s%s%s]\n", r->line,
        r->element ? r->element : "?", r->source_code ? r->source_code : "",
        r->source_system ? " from \"" : "",
        r->source_system ? r->source_system : "", r->source_system ? "\"" : "");
    if (r->descriptors->len > 0) {
      printf ("      descriptors:");
      for (guint j = 0; j < r->descriptors->len; j++)
        printf (" %s", (const char *) g_ptr_array_index (r->descriptors, j));
      printf ("\n");
    }
    for (guint j = 0; j < r->texts->len; j++) {
      const WsGuidanceText *t = g_ptr_array_index (r->texts, j);
      printf ("      text [%s]: %s\n", t->lang ? t->lang : "-", t->text);
    }
    if (r->support_topics->len > 0) {
      printf ("      support topics:");
      for (guint j = 0; j < r->support_topics->len; j++)
        printf (" %s", (const char *) g_ptr_array_index (r->support_topics, j));
      printf ("\n");
    }
    if (opt->explain && def != NULL)
      print_explanation (reg, def);
    if (opt->explain)
      print_support (reg, r, opt);
  }
  if (shown == 0)
    printf ("    no rating%s%s\n", opt->territory ? " for " : "",
        opt->territory ? opt->territory : "");
  for (guint i = 0; i < md->warnings->len; i++) {
    const WsMetadataWarning *w = g_ptr_array_index (md->warnings, i);

    printf ("  %s: line %d%s%s: %s\n", w->invalid ? "invalid" : "warning",
        w->line, w->element ? ": " : "", w->element ? w->element : "",
        w->message);
  }
}

static gboolean
has_selected_rating (const WsMetadata *md, const MetadataOptions *opt)
{
  for (guint i = 0; i < md->ratings->len; i++) {
    if (rating_selected (g_ptr_array_index (md->ratings, i), opt))
      return TRUE;
  }
  return FALSE;
}

int
ws_cmd_metadata (int argc, char **argv)
{
  gboolean json = FALSE, explain = FALSE;
  char *territory = NULL, *system = NULL, *support_path = NULL;
  WsSupportDirectory *support = NULL;
  int code = WS_EXIT_USAGE;
  const GOptionEntry entries[] = { { "json", 0, 0, G_OPTION_ARG_NONE, &json,
                                       "Print one JSON document on stdout",
                                       NULL },
    { "territory", 't', 0, G_OPTION_ARG_STRING, &territory,
        "Only ratings that apply to this territory (ISO 3166 code)", "CC" },
    { "system", 's', 0, G_OPTION_ARG_STRING, &system,
        "Only ratings of this rating system (id or alias)", "SYSTEM" },
    { "explain", 'e', 0, G_OPTION_ARG_NONE, &explain,
        "Also show each rating's equivalents in the other systems, the "
        "support topics it calls for and the territory's helplines",
        NULL },
    { "support", 0, 0, G_OPTION_ARG_FILENAME, &support_path,
        "Support data for --explain: a folder like ratings/support or one "
        "file (default: the installed data)",
        "DIR|FILE" },
    { NULL } };
  GOptionContext *ctx = g_option_context_new ("FILE...");
  const WsRatingRegistry *reg;
  MetadataOptions opt = { 0 };
  JsonBuilder *b = NULL;
  gboolean any_error = FALSE, any_fail = FALSE;

  g_option_context_set_summary (ctx,
      "Reads programme metadata and prints its normalised ratings: territory,\n"
      "system, code, minimum age, descriptors, guidance text, warnings.\n"
      "Formats (recognised from the root element and namespace): IMF CPL\n"
      "(SMPTE ST 2067-3), TV-Anytime / DVB-I content guide, DVB-I service\n"
      "list, EBUCore, Apple iTunes package metadata.xml, XMLTV, and the\n"
      "watershed sidecar.\n\n"
      "--explain adds each rating's equivalents in the other systems and the\n"
      "support information it calls for: the topics its descriptors map to\n"
      "(ratings/support/topics.xml) and its sidecar's <support topic>, with\n"
      "the helplines of the rating's territory (or --territory) from\n"
      "ratings/support, each with its source and check date.\n\n"
      "Exit status: 0 read; 1 a file is invalid against its specification or\n"
      "has no rating for --territory; 2 usage error or an unreadable file.\n"
      "With one FILE --json prints that file's object; with several,\n"
      "{\"files\": [...]}.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!ws_cli_parse_files (ctx, &argc, &argv, "FILE", &code))
    goto end;
  reg = ws_cli_registry ();
  if (reg == NULL)
    goto end;
  if (territory != NULL) {
    opt.territory = ws_territory_normalise (territory);
    if (opt.territory == NULL) {
      ws_cli_error ("metadata: --territory \"%s\" is not an ISO 3166 country "
                    "code",
          territory);
      goto end;
    }
  }
  if (system != NULL) {
    const WsRatingSystem *sys = ws_rating_registry_lookup_system (reg, system);
    if (sys == NULL) {
      ws_cli_error ("metadata: unknown rating system \"%s\"; see watershed "
                    "rate list",
          system);
      goto end;
    }
    opt.system = ws_rating_system_get_id (sys);
  }
  opt.explain = explain;
  opt.json = json;
  if (explain) {
    GError *error = NULL;

    if (support_path != NULL) {
      support = ws_support_directory_new (support_path, &error);
      opt.support = support;
    } else
      opt.support = ws_support_directory_get_default (&error);
    if (opt.support == NULL) {
      ws_cli_error ("metadata: cannot load the support data: %s",
          error->message);
      g_error_free (error);
      goto end;
    }
  } else if (support_path != NULL) {
    ws_cli_error ("metadata: --support goes with --explain");
    goto end;
  }

  if (json) {
    b = json_builder_new ();
    if (argc > 2) {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "files");
      json_builder_begin_array (b);
    }
  }
  for (int i = 1; i < argc; i++) {
    GError *error = NULL;
    WsMetadata *md = ws_metadata_read_file (argv[i], reg, &error);

    if (md == NULL) {
      any_error = TRUE;
      ws_cli_error ("%s", error->message);
    } else if (!ws_metadata_is_valid (md) ||
               (opt.territory != NULL && !has_selected_rating (md, &opt))) {
      any_fail = TRUE;
    }
    if (json)
      build_file_json (b, reg, argv[i], md, error, &opt);
    else if (md != NULL)
      print_file_text (reg, argv[i], md, &opt);
    g_clear_error (&error);
    ws_metadata_free (md);
  }
  if (json) {
    if (argc > 2) {
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
    ws_cli_print_json_builder (g_steal_pointer (&b));
  }
  code = any_error ? WS_EXIT_USAGE : any_fail ? WS_EXIT_FAIL : WS_EXIT_PASS;

end:
  if (b != NULL)
    g_object_unref (b);
  g_free (territory);
  g_free (system);
  g_free (support_path);
  ws_support_directory_free (support);
  g_option_context_free (ctx);
  return code;
}
