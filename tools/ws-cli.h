/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: shared pieces of the command-line tool. */
#ifndef WS_TOOLS_WS_CLI_H
#define WS_TOOLS_WS_CLI_H

#include <stdio.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ws-metadata.h"
#include "ws-policy.h"
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
int ws_cmd_stamp (int argc, char **argv);

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
 * ws_cli_parse_files:
 * As ws_cli_parse(), then requires at least one argument after the
 * sub-command name ((*argv)[0]); without one prints "COMMAND: give at least
 * one @what; see watershed COMMAND --help" and returns FALSE with
 * *exit_code = 2.
 */
gboolean ws_cli_parse_files (GOptionContext *ctx, int *argc, char ***argv,
    const char *what, int *exit_code);

/**
 * ws_cli_dispatch_usage:
 * @print_usage: prints the usage of a command with sub-commands.
 *
 * The start of such a command: with no sub-command prints the usage on
 * stderr (*exit_code = 2); when argv[1] is "--help", "-h" or "help", on
 * stdout (*exit_code = 0).
 * Returns: TRUE when that was all there was to do.
 */
gboolean ws_cli_dispatch_usage (int argc, char **argv,
    void (*print_usage) (FILE *out), int *exit_code);

/**
 * ws_cli_registry:
 * The rating systems; on failure prints the reason and returns NULL (the
 * caller exits 2).
 */
const WsRatingRegistry *ws_cli_registry (void);

/**
 * ws_cli_load_policy:
 * @command: (nullable): the command, to start the messages with ("check").
 * @id: a policy id or file, as ws_policy_load() takes it.
 * @service_class: (nullable): a service class the policy must have.
 *
 * Loads a policy for a command; on failure prints why (it cannot be
 * loaded, or it has no @service_class: the message lists the ones it has).
 * Returns: (transfer full) (nullable): free with ws_policy_free().
 */
WsPolicy *ws_cli_load_policy (const char *command, const char *id,
    const char *service_class, const WsRatingRegistry *reg);

/**
 * ws_cli_rating_def:
 * Returns: (transfer none) (nullable): the registry's definition of @r
 *   (its system and code), or NULL when @r is NULL, unresolved or unknown.
 */
const WsRatingDef *ws_cli_rating_def (const WsRatingRegistry *reg,
    const WsRating *r);

/* ---- access control: the same options in every command ---------------- */

/** The access control the service has, as given on the command line. */
typedef struct {
  gboolean pin;
  gboolean age_verified;
  gboolean authorised_channel;
  gboolean conditional_access;
  gboolean exception;
} WsCliAccess;

/**
 * ws_cli_add_access_entries:
 * Adds the options --pin, --age-verified, --authorised-channel,
 * --conditional-access and --exception to @ctx's main group, each setting
 * its member of @access (which must outlive the parse).
 */
void ws_cli_add_access_entries (GOptionContext *ctx, WsCliAccess *access);

/** The #WsAccessFlags of @access. */
WsAccessFlags ws_cli_access_flags (const WsCliAccess *access);

/* ---- JSON ---------------------------------------------------------------- */

/** Prints @node as one pretty JSON document on stdout, then frees it. */
void ws_cli_print_json (JsonNode *node);

/** Prints the root of @b with ws_cli_print_json(), then frees @b. */
void ws_cli_print_json_builder (JsonBuilder *b);

/** Adds `"key": value` or `"key": null` for a nullable string. */
void ws_json_add_string_or_null (JsonBuilder *b, const char *key,
    const char *value);

/** Adds `"key": "<@t in @p's zone, ISO 8601>"`, or null for WS_TIME_NONE. */
void ws_json_add_time (JsonBuilder *b, const WsPolicy *p, const char *key,
    gint64 t);

/** Adds `"key": age`, or `"key": null` when @age is negative (unknown). */
void ws_json_add_age (JsonBuilder *b, const char *key, int age);

/**
 * ws_json_add_rating_members:
 * Adds the members of @r that every command prints, into the object being
 * built: "territory", "system", "code", "minimum_age" (null when unknown),
 * "descriptors" [...], "text" (the first guidance text, or null) and
 * "texts" [{"lang", "length", "text"}].
 */
void ws_json_add_rating_members (JsonBuilder *b, const WsRating *r);

/* ---- XML and JUnit reports --------------------------------------------- */

/** Appends @text (NULL: nothing) to @out, escaped for XML and HTML. */
void ws_cli_append_escaped (GString *out, const char *text);

/**
 * WsJunitResult:
 * What a testcase holds: nothing (passed; @text goes to <system-out>), a
 * <failure>, an <error> (the test could not run) or <skipped>.
 */
typedef enum {
  WS_JUNIT_PASS,
  WS_JUNIT_FAILURE,
  WS_JUNIT_ERROR,
  WS_JUNIT_SKIPPED,
} WsJunitResult;

/** A JUnit XML report being built: testsuites > testsuite > testcase. */
typedef struct WsJunit WsJunit;

WsJunit *ws_junit_new (void);

/** NULL is a no-op. */
void ws_junit_free (WsJunit *junit);

/**
 * ws_junit_add_case:
 * @type: (nullable): the failure, error or skip type attribute.
 * @message: (nullable): its message attribute.
 * @text: (nullable): its text: the body of the failure, error or skip
 *   element, or the <system-out> of a passed case.
 *
 * Adds a testcase; every string is escaped.
 */
void ws_junit_add_case (WsJunit *junit, const char *classname, const char *name,
    WsJunitResult result, const char *type, const char *message,
    const char *text);

/**
 * ws_junit_write:
 * Writes the report to @path with one testsuite @suite_name inside
 * testsuites @name, with the counts of tests, failures, errors and skipped
 * cases. A temporary file is renamed over @path: the report is whole or
 * absent.
 * Returns: FALSE with @error (G_FILE_ERROR) when it cannot be written.
 */
gboolean ws_junit_write (const WsJunit *junit, const char *path,
    const char *name, const char *suite_name, GError **error);

G_END_DECLS

#endif /* WS_TOOLS_WS_CLI_H */
