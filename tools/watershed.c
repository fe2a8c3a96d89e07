/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the command. `watershed <command> [options]`. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "ws-cli.h"
#include "ws-config.h"

typedef struct {
  const char *name;
  WsCommandFunc run;
  const char *summary;
} Command;

static const Command commands[] = {
  { "demo", ws_cmd_demo,
      "the main job on a built-in sample: rate, badge, gate at the "
      "watershed, encode to MP4, check; prints where the results are" },
  { "rate", ws_cmd_rate,
      "list rating systems, show one, convert a rating between systems" },
  { "metadata", ws_cmd_metadata,
      "read a metadata file (IMF CPL, TV-Anytime, DVB-I, EBUCore, iTunes, "
      "XMLTV, sidecar) and print its normalised ratings" },
  { "policy", ws_cmd_policy,
      "decide whether a rating may be shown at an instant; list allowed "
      "windows; list policies" },
  { "schedule", ws_cmd_schedule,
      "check that every programme of a schedule (watershed format or BXF) "
      "fits its allowed slot" },
  { "check", ws_cmd_check,
      "batch QA of media files: ratings present and consistent, loudness, "
      "flashing, allowed slots; text, JSON, JUnit and HTML reports" },
  { "stamp", ws_cmd_stamp,
      "write ratings into a finished MP4, Matroska or MPEG-TS file "
      "(iTunEXTC, LAW_RATING, DVB EIT), media untouched" },
  { "report", ws_cmd_report,
      "merge: one report from the JSON parts of a farm run (check "
      "--shard K/N), as one check over every file gives" },
  { "asrun", ws_cmd_asrun,
      "verify the hash chain of as-run logs; report what aired, the "
      "gate's decisions and every violation of the policy" },
};

static void
print_usage (FILE *out)
{
  fprintf (out,
      "Usage: watershed <command> [options]\n"
      "\n"
      "Age ratings for broadcast and VOD: read, convert, decide, check.\n"
      "\n"
      "Commands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (out,
      "\n"
      "`watershed <command> --help` describes each command. Every command\n"
      "takes --json to print one JSON document on stdout.\n"
      "Exit status: 0 pass, 1 a check failed or content is blocked,\n"
      "2 usage or input error.\n");
}

int
main (int argc, char **argv)
{
  int code;

  setlocale (LC_ALL, "");
  if (ws_cli_dispatch_usage (argc, argv, print_usage, &code))
    return code;
  if (!strcmp (argv[1], "--version")) {
    printf ("watershed %s\n", WS_VERSION);
    return WS_EXIT_PASS;
  }
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++) {
    if (!strcmp (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);
  }
  ws_cli_error ("unknown command \"%s\"; run `watershed --help` for the "
                "list",
      argv[1]);
  return WS_EXIT_USAGE;
}
