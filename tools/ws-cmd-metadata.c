/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* WS_PLACEHOLDER */
#include "ws-cli.h"

int
ws_cmd_metadata (int argc, char **argv)
{
  return WS_EXIT_USAGE;
}
