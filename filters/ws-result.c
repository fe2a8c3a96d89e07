/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "ws-result.h"

const char *
ws_result_to_string (WsResult result)
{
  switch (result) {
    case WS_RESULT_OK:
      return "success";
    case WS_RESULT_NO_MEMORY:
      return "out of memory";
    case WS_RESULT_INVALID_ARGUMENT:
      return "invalid argument";
    case WS_RESULT_UNSUPPORTED_FORMAT:
      return "unsupported format";
    case WS_RESULT_NO_DATA:
      return "no measurement available yet";
    case WS_RESULT_BACKEND:
      return "analysis backend failed";
  }
  return "unknown result";
}
