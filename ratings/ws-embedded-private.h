/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: internals shared by the whole-file embedded-rating readers
 * (ws-embedded-file.c, -mkv.c, -mp4.c, -ts.c). Not installed. */
#ifndef WS_RATINGS_WS_EMBEDDED_PRIVATE_H
#define WS_RATINGS_WS_EMBEDDED_PRIVATE_H

#include "ws-embedded.h"

G_BEGIN_DECLS

/* Longest string value read from a container (a rating is a few dozen
 * bytes; an iTunEXTC annotation a sentence). Longer values are skipped
 * with a warning. */
#define WS_EMBEDDED_MAX_VALUE 4096

/* Random access to the file through a small window cache: every read is
 * bounded, nothing reads the whole file. */
typedef struct {
  WsEmbeddedReadFunc read;
  gpointer user_data;
  guint64 size; /* G_MAXUINT64 = unknown */
  guint8 *cache;
  gsize cache_len;
  guint64 cache_off;
  gboolean failed; /* a read error: everything after is short */
} WsByteReader;

/* Exactly @len bytes at @off; FALSE when the file is shorter or a read
 * fails. @len at most WS_BYTE_READER_WINDOW. */
#define WS_BYTE_READER_WINDOW (64 * 1024)
gboolean ws_byte_reader_get (WsByteReader *br, guint64 off, guint8 *buf,
    gsize len);

/* Up to @len bytes at @off (fewer at the end); -1 on a read error. */
gssize ws_byte_reader_get_some (WsByteReader *br, guint64 off, guint8 *buf,
    gsize len);

void ws_embedded_read_matroska (WsByteReader *br, const WsRatingRegistry *reg,
    const WsEmbeddedOptions *opts, GPtrArray *ratings, GPtrArray *warnings);

void ws_embedded_read_mp4 (WsByteReader *br, const WsRatingRegistry *reg,
    const WsEmbeddedOptions *opts, GPtrArray *ratings, GPtrArray *warnings);

void ws_embedded_read_ts (WsByteReader *br, const WsRatingRegistry *reg,
    const WsEmbeddedOptions *opts, GPtrArray *ratings, GPtrArray *warnings);

/* Adds a warning unless the same text is already there (repeats of one
 * problem are said once). Takes @msg. */
void ws_embedded_warn (GPtrArray *warnings, char *msg);

/* As ws_embedded_warn() on @prefix followed by the formatted text. */
void ws_embedded_warnf (GPtrArray *warnings, const char *prefix,
    const char *format, ...) G_GNUC_PRINTF (3, 4);

G_END_DECLS

#endif /* WS_RATINGS_WS_EMBEDDED_PRIVATE_H */
