/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: error domain shared by everything in ratings/. */
#ifndef WS_RATINGS_WS_ERROR_H
#define WS_RATINGS_WS_ERROR_H

#include <glib.h>

G_BEGIN_DECLS

/**
 * WS_ERROR:
 *
 * The GError domain of ratings/. Messages follow one pattern so a user can
 * act on them: "FILE:LINE: <element>: what is wrong; what to do", or
 * "FILE: what is wrong; what to do" when no line applies.
 */
#define WS_ERROR (ws_error_quark ())

/**
 * WsError:
 * @WS_ERROR_IO: a file could not be opened or read.
 * @WS_ERROR_TOO_LARGE: the input is larger than the reader's bound.
 * @WS_ERROR_MALFORMED: not well-formed XML (syntax error).
 * @WS_ERROR_FORBIDDEN: the document uses something we never process for
 *   safety: a DTD with entity declarations, an external entity, a network
 *   reference.
 * @WS_ERROR_UNKNOWN_FORMAT: well-formed, but no reader recognises the root
 *   element and namespace.
 * @WS_ERROR_INVALID: recognised but unusable (a required element or value
 *   is missing or out of range).
 * @WS_ERROR_NOT_FOUND: an identifier (rating system, rating code, policy,
 *   territory) is not known.
 * @WS_ERROR_ARGUMENT: a caller-supplied value is malformed (for example a
 *   rating that is not written SYSTEM:CODE, or an impossible time).
 */
typedef enum {
  WS_ERROR_IO = 1,
  WS_ERROR_TOO_LARGE,
  WS_ERROR_MALFORMED,
  WS_ERROR_FORBIDDEN,
  WS_ERROR_UNKNOWN_FORMAT,
  WS_ERROR_INVALID,
  WS_ERROR_NOT_FOUND,
  WS_ERROR_ARGUMENT,
} WsError;

GQuark ws_error_quark (void);

G_END_DECLS

#endif /* WS_RATINGS_WS_ERROR_H */
