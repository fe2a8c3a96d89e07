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
#include "ws-rating.h"

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
int ws_cmd_report (int argc, char **argv);
int ws_cmd_asrun (int argc, char **argv);

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

/**
 * ws_json_add_string_or_null:
 * Adds `"key": value` or `"key": null` for a nullable string. A value that
 * is not UTF-8 is written through ws_cli_safe_text() (%WS_CLI_TEXT_JSON), so
 * the document stays valid UTF-8.
 */
void ws_json_add_string_or_null (JsonBuilder *b, const char *key,
    const char *value);

/** Adds @value (not NULL) as an array element, as
 * ws_json_add_string_or_null() does. */
void ws_json_add_string (JsonBuilder *b, const char *value);

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

/* ---- text from outside: file names, metadata values ---------------------- */

/**
 * WsCliTextMode:
 * @WS_CLI_TEXT_JSON: only bytes that are not UTF-8 are replaced (a JSON
 *   writer escapes control characters itself).
 * @WS_CLI_TEXT_XML: also the characters XML 1.0 does not allow (C0 controls
 *   other than tab, line feed and carriage return, U+FFFE, U+FFFF) and the
 *   DEL and C1 controls; tab and line breaks stay.
 * @WS_CLI_TEXT_LINE: also tab and line breaks: one line, safe for a
 *   terminal (no escape sequences) and for a CSV cell.
 *
 * How ws_cli_safe_text() writes what it replaces: each such byte as the four
 * characters `\xNN` (lower-case hex), so a file name with the byte 0xFF
 * reads `name\xff.mp4` and one with ESC `name\x1b.mp4`.
 */
typedef enum {
  WS_CLI_TEXT_JSON,
  WS_CLI_TEXT_XML,
  WS_CLI_TEXT_LINE,
} WsCliTextMode;

/**
 * ws_cli_safe_text:
 * @text: (nullable): bytes from outside (a file name, a metadata value).
 *
 * Returns: (transfer full) (nullable): @text as valid UTF-8 with the bytes
 *   @mode does not allow written as `\xNN` (see #WsCliTextMode); NULL for
 *   NULL. The original bytes of a file name travel separately, as
 *   ws_cli_hex().
 */
char *ws_cli_safe_text (const char *text, WsCliTextMode mode);

/**
 * ws_cli_hex:
 * Returns: (transfer full): the bytes of @text (not NULL) in lower-case
 *   hexadecimal, two digits per byte ("ff1b" for the bytes 0xFF 0x1B): the
 *   `path_bytes` of the reports.
 */
char *ws_cli_hex (const char *text);

/* ---- XML and JUnit reports --------------------------------------------- */

/** Appends @text (NULL: nothing) to @out, escaped for XML and HTML; text
 * that XML 1.0 cannot hold is replaced first (%WS_CLI_TEXT_XML). */
void ws_cli_append_escaped (GString *out, const char *text);

/** As ws_cli_append_escaped() with %WS_CLI_TEXT_LINE: one line. */
void ws_cli_append_escaped_line (GString *out, const char *text);

/**
 * ws_cli_append_csv:
 * Appends @text (NULL: empty) to @out as one quoted RFC 4180 CSV cell,
 * made one safe line (%WS_CLI_TEXT_LINE); text that starts with = + - @
 * gets a leading ' so spreadsheets do not run it as a formula.
 */
void ws_cli_append_csv (GString *out, const char *text);

/** The comment every XML and HTML report of ours starts with (after the
 * XML declaration or doctype): how a later run knows it may replace it. */
#define WS_REPORT_MARKER \
  "<!-- written by watershed; a later run may replace this file -->"

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
 * ws_junit_begin_suite:
 * @name: the suite name (a file checked).
 * @timestamp: (nullable): when it started, ISO 8601 without a zone (UTC),
 *   as JUnit's schema wants it ("2026-12-03T11:32:39").
 * @hostname: (nullable): the machine.
 * @time_s: how long it took; negative: no time attribute.
 *
 * Starts a new testsuite: the cases added next belong to it. Without any
 * call, ws_junit_write() puts every case into one suite.
 */
void ws_junit_begin_suite (WsJunit *junit, const char *name,
    const char *timestamp, const char *hostname, double time_s);

/** Adds a <property> to the current suite (before its first case). */
void ws_junit_add_property (WsJunit *junit, const char *name,
    const char *value);

/**
 * ws_junit_add_case:
 * @type: (nullable): the failure, error or skip type attribute.
 * @message: (nullable): its message attribute.
 * @text: (nullable): its text: the body of the failure, error or skip
 *   element, or the <system-out> of a passed case. A failure or error
 *   without @text gets @message as its body (tools that show only the
 *   body still show why).
 *
 * Adds a testcase; every string is escaped and made valid XML 1.0
 * (ws_cli_safe_text()).
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

/**
 * ws_junit_to_string:
 * The document ws_junit_write() writes: testsuites @name holding the suites
 * begun with ws_junit_begin_suite() (or one suite @suite_name), with the
 * counts of tests, failures, errors and skipped cases.
 * Returns: (transfer full): the XML text.
 */
char *ws_junit_to_string (const WsJunit *junit, const char *name,
    const char *suite_name);

G_END_DECLS

#endif /* WS_TOOLS_WS_CLI_H */
