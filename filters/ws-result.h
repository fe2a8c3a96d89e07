/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: result codes of the analysis cores (no GLib here). */
#ifndef WS_FILTERS_WS_RESULT_H
#define WS_FILTERS_WS_RESULT_H

#ifdef __cplusplus
extern "C" {
#endif

/**
 * WsResult:
 * @WS_RESULT_OK: success.
 * @WS_RESULT_NO_MEMORY: an allocation failed; the object is unchanged.
 * @WS_RESULT_INVALID_ARGUMENT: NULL where a value is required, or a value
 *   out of range (impossible dimensions, strides, rates, channel counts).
 * @WS_RESULT_UNSUPPORTED_FORMAT: a pixel or sample format the core does
 *   not take.
 * @WS_RESULT_NO_DATA: a measurement is not available yet (too little input,
 *   or every block was gated out); the output is untouched.
 * @WS_RESULT_BACKEND: the underlying library (libebur128) failed.
 */
typedef enum {
  WS_RESULT_OK = 0,
  WS_RESULT_NO_MEMORY,
  WS_RESULT_INVALID_ARGUMENT,
  WS_RESULT_UNSUPPORTED_FORMAT,
  WS_RESULT_NO_DATA,
  WS_RESULT_BACKEND,
} WsResult;

/** ws_result_to_string: a static English description. Never NULL. */
const char *ws_result_to_string (WsResult result);

#ifdef __cplusplus
}
#endif

#endif /* WS_FILTERS_WS_RESULT_H */
