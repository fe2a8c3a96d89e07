/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed rate: list, show, convert. */
#include <stdio.h>
#include <string.h>

#include "ws-cli.h"
#include "ws-error.h"

static const char *
kind_to_string (WsRatingKind kind)
{
  switch (kind) {
    case WS_RATING_KIND_ADVISORY:
      return "advisory";
    case WS_RATING_KIND_RESTRICTED:
      return "restricted";
    case WS_RATING_KIND_UNRATED:
      return "unrated";
    case WS_RATING_KIND_REFUSED:
      return "refused";
  }
  return "unknown";
}

/* "id", "name", "territory" and "authority" of @sys. */
static void
json_add_system (JsonBuilder *b, const WsRatingSystem *sys)
{
  ws_json_add_string_or_null (b, "id", ws_rating_system_get_id (sys));
  ws_json_add_string_or_null (b, "name", ws_rating_system_get_name (sys));
  ws_json_add_string_or_null (b, "territory",
      ws_rating_system_get_territory (sys));
  ws_json_add_string_or_null (b, "authority",
      ws_rating_system_get_authority (sys));
}

static char *
age_text (int age)
{
  return age >= 0 ? g_strdup_printf ("%d", age) : g_strdup ("-");
}

static int
rate_list (const WsRatingRegistry *reg, gboolean json)
{
  guint n = ws_rating_registry_get_n_systems (reg);

  if (json) {
    JsonBuilder *b = json_builder_new ();

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "systems");
    json_builder_begin_array (b);
    for (guint i = 0; i < n; i++) {
      const WsRatingSystem *sys = ws_rating_registry_get_system (reg, i);

      json_builder_begin_object (b);
      json_add_system (b, sys);
      json_builder_set_member_name (b, "codes");
      json_builder_begin_array (b);
      for (guint j = 0; j < ws_rating_system_get_n_ratings (sys); j++)
        json_builder_add_string_value (b,
            ws_rating_def_get_code (ws_rating_system_get_rating (sys, j)));
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
    json_builder_end_array (b);
    json_builder_end_object (b);
    ws_cli_print_json_builder (b);
    return WS_EXIT_PASS;
  }

  printf ("%-12s %-4s %-40s %s\n", "ID", "TERR", "NAME", "CODES");
  for (guint i = 0; i < n; i++) {
    const WsRatingSystem *sys = ws_rating_registry_get_system (reg, i);
    GString *codes = g_string_new (NULL);

    for (guint j = 0; j < ws_rating_system_get_n_ratings (sys); j++) {
      if (j > 0)
        g_string_append (codes, " ");
      g_string_append (codes,
          ws_rating_def_get_code (ws_rating_system_get_rating (sys, j)));
    }
    printf ("%-12s %-4s %-40s %s\n", ws_rating_system_get_id (sys),
        ws_rating_system_get_territory (sys), ws_rating_system_get_name (sys),
        codes->str);
    g_string_free (codes, TRUE);
  }
  return WS_EXIT_PASS;
}

static int
rate_show (const WsRatingRegistry *reg, const char *name, gboolean json)
{
  const WsRatingSystem *sys = ws_rating_registry_lookup_system (reg, name);
  guint n;

  if (sys == NULL) {
    ws_cli_error ("unknown rating system \"%s\"; `watershed rate list` shows "
                  "the known ones",
        name);
    return WS_EXIT_USAGE;
  }
  n = ws_rating_system_get_n_ratings (sys);

  if (json) {
    JsonBuilder *b = json_builder_new ();

    json_builder_begin_object (b);
    json_add_system (b, sys);
    json_builder_set_member_name (b, "ratings");
    json_builder_begin_array (b);
    for (guint i = 0; i < n; i++) {
      const WsRatingDef *def = ws_rating_system_get_rating (sys, i);

      json_builder_begin_object (b);
      ws_json_add_string_or_null (b, "rating", ws_rating_def_get_name (def));
      ws_json_add_string_or_null (b, "code", ws_rating_def_get_code (def));
      ws_json_add_string_or_null (b, "label", ws_rating_def_get_label (def));
      ws_json_add_age (b, "minimum_age", ws_rating_def_get_minimum_age (def));
      ws_json_add_string_or_null (b, "kind",
          kind_to_string (ws_rating_def_get_kind (def)));
      ws_json_add_string_or_null (b, "class",
          ws_rating_class_to_string (ws_rating_def_get_class (def)));
      json_builder_set_member_name (b, "ordinal");
      json_builder_add_int_value (b, ws_rating_def_get_ordinal (def));
      json_builder_end_object (b);
    }
    json_builder_end_array (b);
    json_builder_set_member_name (b, "descriptors");
    json_builder_begin_array (b);
    for (guint i = 0; i < ws_rating_system_get_n_descriptors (sys); i++) {
      const WsRatingDescriptor *d = ws_rating_system_get_descriptor (sys, i);

      json_builder_begin_object (b);
      ws_json_add_string_or_null (b, "code", ws_rating_descriptor_get_code (d));
      ws_json_add_string_or_null (b, "label",
          ws_rating_descriptor_get_label (d));
      ws_json_add_string_or_null (b, "category",
          ws_rating_descriptor_get_category (d));
      json_builder_end_object (b);
    }
    json_builder_end_array (b);
    json_builder_end_object (b);
    ws_cli_print_json_builder (b);
    return WS_EXIT_PASS;
  }

  printf ("%s: %s (%s, %s)\n", ws_rating_system_get_id (sys),
      ws_rating_system_get_name (sys), ws_rating_system_get_territory (sys),
      ws_rating_system_get_authority (sys));
  printf ("  %-8s %-4s %-11s %-15s %s\n", "CODE", "AGE", "KIND", "CLASS",
      "LABEL");
  for (guint i = 0; i < n; i++) {
    const WsRatingDef *def = ws_rating_system_get_rating (sys, i);
    char *age = age_text (ws_rating_def_get_minimum_age (def));

    printf ("  %-8s %-4s %-11s %-15s %s\n", ws_rating_def_get_code (def), age,
        kind_to_string (ws_rating_def_get_kind (def)),
        ws_rating_class_to_string (ws_rating_def_get_class (def)),
        ws_rating_def_get_label (def));
    g_free (age);
  }
  if (ws_rating_system_get_n_descriptors (sys) > 0) {
    printf ("  descriptors:\n");
    for (guint i = 0; i < ws_rating_system_get_n_descriptors (sys); i++) {
      const WsRatingDescriptor *d = ws_rating_system_get_descriptor (sys, i);

      printf ("    %-16s %-18s %s\n", ws_rating_descriptor_get_code (d),
          ws_rating_descriptor_get_category (d),
          ws_rating_descriptor_get_label (d));
    }
  }
  return WS_EXIT_PASS;
}

static int
rate_convert (const WsRatingRegistry *reg, const char *rating, const char *to,
    gboolean json)
{
  GError *error = NULL;
  const WsRatingDef *from = ws_rating_registry_parse (reg, rating, &error);
  const WsRatingSystem *target;
  WsConversion conv;

  if (from == NULL) {
    ws_cli_error ("%s", error->message);
    g_error_free (error);
    return WS_EXIT_USAGE;
  }
  target = ws_rating_registry_lookup_system (reg, to);
  if (target == NULL) {
    ws_cli_error ("unknown target rating system \"%s\"; `watershed rate "
                  "list` shows the known ones",
        to);
    return WS_EXIT_USAGE;
  }
  conv = ws_rating_convert (from, target);

  if (json) {
    JsonBuilder *b = json_builder_new ();

    json_builder_begin_object (b);
    ws_json_add_string_or_null (b, "from", ws_rating_def_get_name (from));
    ws_json_add_string_or_null (b, "to",
        conv.result ? ws_rating_def_get_name (conv.result) : NULL);
    ws_json_add_age (b, "minimum_age",
        conv.result ? ws_rating_def_get_minimum_age (conv.result) : -1);
    ws_json_add_age (b, "from_minimum_age",
        ws_rating_def_get_minimum_age (from));
    ws_json_add_string_or_null (b, "to_system",
        ws_rating_system_get_id (target));
    json_builder_set_member_name (b, "approximate");
    json_builder_add_boolean_value (b, conv.approximate);
    ws_json_add_string_or_null (b, "note", conv.note);
    ws_json_add_string_or_null (b, "rule",
        "least restrictive target rating whose minimum age is at least the "
        "source's; an adult-explicit source only to an adult-explicit "
        "target");
    ws_json_add_string_or_null (b, "from_class",
        ws_rating_class_to_string (ws_rating_def_get_class (from)));
    ws_json_add_string_or_null (b, "to_class",
        conv.result ?
            ws_rating_class_to_string (ws_rating_def_get_class (conv.result)) :
            NULL);
    json_builder_end_object (b);
    ws_cli_print_json_builder (b);
  } else if (conv.result != NULL) {
    char *a = age_text (ws_rating_def_get_minimum_age (from));
    char *b = age_text (ws_rating_def_get_minimum_age (conv.result));

    printf ("%s (minimum age %s%s) -> %s (minimum age %s%s)%s%s\n",
        ws_rating_def_get_name (from), a,
        ws_rating_def_get_class (from) == WS_RATING_CLASS_ADULT_EXPLICIT ?
            ", adult-explicit" :
            "",
        ws_rating_def_get_name (conv.result), b,
        ws_rating_def_get_class (conv.result) ==
                WS_RATING_CLASS_ADULT_EXPLICIT ?
            ", adult-explicit" :
            "",
        conv.approximate ? ", approximate: " : "",
        conv.approximate && conv.note ? conv.note : "");
    g_free (a);
    g_free (b);
  } else {
    printf ("%s has no equivalent in %s%s%s\n", ws_rating_def_get_name (from),
        ws_rating_system_get_id (target), conv.note ? ": " : "",
        conv.note ? conv.note : "");
  }
  return conv.result != NULL ? WS_EXIT_PASS : WS_EXIT_FAIL;
}

int
ws_cmd_rate (int argc, char **argv)
{
  gboolean json = FALSE;
  char *to = NULL;
  int code = WS_EXIT_USAGE;
  const GOptionEntry entries[] = { { "json", 0, 0, G_OPTION_ARG_NONE, &json,
                                       "Print one JSON document on stdout",
                                       NULL },
    { "to", 't', 0, G_OPTION_ARG_STRING, &to,
        "convert: the target rating system (id or alias)", "SYSTEM" },
    { NULL } };
  GOptionContext *ctx = g_option_context_new ("list | show SYSTEM | convert "
                                              "SYSTEM:CODE --to SYSTEM");
  const WsRatingRegistry *reg;

  g_option_context_set_summary (ctx,
      "Rating systems and conversions.\n\n"
      "  list                        every rating system: id, territory, "
      "codes\n"
      "  show SYSTEM                 one system: codes, minimum ages, kinds, "
      "descriptors\n"
      "  convert SYSTEM:CODE --to S  the least restrictive rating of S whose\n"
      "                              minimum age is at least the source's;\n"
      "                              adult-explicit (R18, X18+, X) only to\n"
      "                              adult-explicit, never to a plain 18\n\n"
      "Exit status: 0 done, 1 no equivalent rating, 2 usage or input error.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!ws_cli_parse (ctx, &argc, &argv, &code))
    goto end;

  code = WS_EXIT_USAGE;
  if (argc < 2) {
    ws_cli_error ("rate: say list, show SYSTEM or convert SYSTEM:CODE --to "
                  "SYSTEM; see watershed rate --help");
    goto end;
  }
  reg = ws_cli_registry ();
  if (reg == NULL)
    goto end;

  if (!strcmp (argv[1], "list") && argc == 2) {
    code = rate_list (reg, json);
  } else if (!strcmp (argv[1], "show") && argc == 3) {
    code = rate_show (reg, argv[2], json);
  } else if (!strcmp (argv[1], "convert") && argc == 3) {
    if (to == NULL)
      ws_cli_error ("rate convert: --to SYSTEM is required");
    else
      code = rate_convert (reg, argv[2], to, json);
  } else {
    ws_cli_error ("rate: unexpected arguments; see watershed rate --help");
  }

end:
  g_free (to);
  g_option_context_free (ctx);
  return code;
}
