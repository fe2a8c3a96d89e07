/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: what the container stampers share (not installed). */
#ifndef WS_RATINGS_WS_STAMP_PRIVATE_H
#define WS_RATINGS_WS_STAMP_PRIVATE_H

#include <glib.h>

#include "ws-stamp.h"

G_BEGIN_DECLS

/* Largest metadata structure read into memory (an MP4 moov box, a Matroska
 * Tags or SeekHead element); media data is never read whole. */
#define WS_STAMP_MAX_HEADER_BYTES (512u * 1024 * 1024)

/*
 * WsStampPlan: the output file as a list of pieces, each either a range of
 * the input copied as it is or new bytes. The audio and video are always
 * copied ranges, so they cannot change.
 */
typedef struct WsStampPlan WsStampPlan;

WsStampPlan *ws_stamp_plan_new (void);
void ws_stamp_plan_free (WsStampPlan *plan);
/* Appends a copy of input bytes [@offset, @offset + @length). */
void ws_stamp_plan_copy (WsStampPlan *plan, guint64 offset, guint64 length);
/* Appends new bytes (copied). */
void ws_stamp_plan_data (WsStampPlan *plan, const guint8 *data, gsize len);
/* Writes the plan: input ranges read from @in_fd. */
gboolean ws_stamp_plan_write (const WsStampPlan *plan, int in_fd,
    const char *in_path, int out_fd, GError **error);

/* Opens @path for reading and returns its size; a clear WS_ERROR_IO
 * otherwise (not a regular file included). Returns -1 on error. */
int ws_stamp_open_input (const char *path, guint64 *size, GError **error);

/* Reads exactly @len bytes at @offset; WS_ERROR_MALFORMED (naming @what)
 * when the file ends first, WS_ERROR_IO on a read error. */
gboolean ws_stamp_pread (int fd, const char *path, guint64 offset, void *buf,
    gsize len, const char *what, GError **error);

/* Big-endian stores. */
void ws_stamp_put_be32 (GByteArray *out, guint32 v);
void ws_stamp_put_be64 (GByteArray *out, guint64 v);

/* The iTunEXTC value of @req for ws_stamp_mp4 (exposed for the tests and
 * the fuzz target): `system|code|value|annotation`. Errors as ws_stamp_mp4.
 * Returns: (transfer full) (nullable). */
char *ws_stamp_mp4_itunextc_value (const WsStampRequest *req, GError **error);

/* The body of the `----:com.apple.iTunes:iTunEXTC` ilst item (the whole
 * box) for @value. */
GByteArray *ws_stamp_mp4_build_item (const char *value);

/* The moov box (@size bytes with an @hdr-byte header, at byte @moov_start
 * of @path) rewritten with the iTunEXTC @value and its chunk offsets moved.
 * Errors as ws_stamp_mp4. (transfer full) (nullable) */
GByteArray *ws_stamp_mp4_build_moov (const char *path, const guint8 *moov,
    gsize size, gsize hdr, guint64 moov_start, const char *value,
    GError **error);

/* The whole Tags element (ID, size, body) ws_stamp_matroska writes for
 * @req, with the Tag elements of @kept (already serialised, may be NULL)
 * first. Errors as ws_stamp_matroska. */
GByteArray *ws_stamp_mkv_build_tags (const WsStampRequest *req,
    const GByteArray *kept, GError **error);

G_END_DECLS

#endif /* WS_RATINGS_WS_STAMP_PRIVATE_H */
