/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: shared pieces of the command-line tool. */
#ifndef WS_TOOLS_WS_CLI_H
#define WS_TOOLS_WS_CLI_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ws-rating-system.h"

G_BEGIN_DECLS

/* Exit codes (DESIGN.md contract 4). */
#define WS_EXIT_PASS 0
#define WS_EXIT_FAIL 1
#define WS_EXIT_USAGE 2

/** A sub-command: returns an exit code. argv[0] is the sub-command name. */
typedef int (*WsCommandFunc) (int argc, char **argv);

int ws_cmd_demo (int argc, char **argv);
int ws_cmd_rate (int argc, char **argv);
int ws_cmd_metadata (int argc, char **argv);
int ws_cmd_policy (int argc, char **argv);
int ws_cmd_schedule (int argc, char **argv);
int ws_cmd_check (int argc, char **argv);

/**
 * ws_cli_error:
 * Prints "watershed: MESSAGE" on stderr (the message already names the file
 * and line where one applies).
 */
void ws_cli_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

/**
 * ws_cli_parse:
 * Parses @argv with @entries. Prints "--help" text on stdout when asked
 * (and returns FALSE with *exit_code = 0), a usage error on stderr
 * otherwise (FALSE, *exit_code = 2).
 */
gboolean ws_cli_parse (GOptionContext *ctx, int *argc, char ***argv,
    int *exit_code);

/**
 * ws_cli_registry:
 * The rating systems; on failure prints the reason and returns NULL (the
 * caller exits 2).
 */
const WsRatingRegistry *ws_cli_registry (void);

/** Prints @node as one pretty JSON document on stdout, then frees it. */
void ws_cli_print_json (JsonNode *node);

/** Adds `"key": value` or `"key": null` for a nullable string. */
void ws_json_add_string_or_null (JsonBuilder *b, const char *key,
    const char *value);

G_END_DECLS

#endif /* WS_TOOLS_WS_CLI_H */
