/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: writing ratings into finished media files, each container in
 * its native form, without touching the audio or video. */
#ifndef WS_RATINGS_WS_STAMP_H
#define WS_RATINGS_WS_STAMP_H

#include <glib.h>

#include "ws-metadata.h"
#include "ws-rating-system.h"

G_BEGIN_DECLS

/**
 * SECTION:ws-stamp
 *
 * `watershed stamp` and its library. The ratings go where the players'
 * parental locks read them:
 *
 * - MP4 / MOV / M4V: the iTunes `----:com.apple.iTunes:iTunEXTC` item in
 *   moov/udta/meta/ilst (ws_stamp_mp4());
 * - Matroska / WebM: `LAW_RATING` SimpleTags nested under a `COUNTRY`
 *   SimpleTag, one per territory (ws_stamp_matroska());
 * - MPEG-TS: DVB EIT present/following (PID 0x12) with a
 *   parental_rating_descriptor and an SDT (PID 0x11) inserted into the
 *   stream (ws_stamp_mpegts(), in ws-stamp-ts.c).
 *
 * The per-container functions read @in_path and write the whole stamped
 * file to @out_fd (a fresh, empty, seekable file the caller owns and
 * closes); ws_stamp_file() picks the container, writes a temporary file
 * beside the output and renames it into place, so the output is either the
 * complete stamped file or untouched.
 */

/**
 * WsStampRequest:
 * @reg: rating systems (transfer none).
 * @ratings: (element-type WsRating) (transfer none): the ratings to write,
 *   resolved (@system, @code and @minimum_age set), at most one per
 *   territory, each with its @territory (ISO 3166 alpha-2) set. Texts in
 *   @texts may be written where the container has room for them.
 * @title: (nullable): the programme title (EIT short_event_descriptor).
 * @language: (nullable): ISO 639-2 code for the texts; NULL = "und".
 */
typedef struct {
  const WsRatingRegistry *reg;
  GPtrArray *ratings;
  const char *title;
  const char *language;
} WsStampRequest;

/**
 * WsStampContainer:
 * Names (ws_stamp_container_to_string()): "unknown", "mp4", "matroska",
 * "mpegts".
 */
typedef enum {
  WS_STAMP_CONTAINER_UNKNOWN = 0,
  WS_STAMP_CONTAINER_MP4,
  WS_STAMP_CONTAINER_MATROSKA,
  WS_STAMP_CONTAINER_MPEGTS,
} WsStampContainer;

const char *ws_stamp_container_to_string (WsStampContainer c);

/**
 * ws_stamp_detect_container:
 * @head: the first bytes of the file.
 * @len: bytes at @head (at least 188 * 3 + 4 are looked at when present).
 * Returns: the container, from the bytes alone (never the file name).
 */
WsStampContainer ws_stamp_detect_container (const guint8 *head, gsize len);

/**
 * ws_stamp_mp4:
 * @in_path: an MP4 / MOV / M4V file.
 * @out_fd: where the stamped file is written (see the section).
 * @req: what to write.
 * @error: WS_ERROR_IO, WS_ERROR_MALFORMED (a box that does not fit),
 *   WS_ERROR_INVALID (a rating the container cannot express).
 * Returns: TRUE on success.
 */
gboolean ws_stamp_mp4 (const char *in_path, int out_fd,
    const WsStampRequest *req, GError **error);

/** ws_stamp_matroska: as ws_stamp_mp4() for Matroska / WebM. */
gboolean ws_stamp_matroska (const char *in_path, int out_fd,
    const WsStampRequest *req, GError **error);

/** ws_stamp_mpegts: as ws_stamp_mp4() for MPEG-TS (ws-stamp-ts.c). */
gboolean ws_stamp_mpegts (const char *in_path, int out_fd,
    const WsStampRequest *req, GError **error);

/**
 * ws_stamp_file:
 * @in_path: the input.
 * @out_path: the output; may equal @in_path (in place).
 * @req: what to write.
 * @container: (out) (optional): the container found.
 * @error: as the per-container functions, plus WS_ERROR_UNKNOWN_FORMAT for a
 *   container that is none of the above.
 *
 * Detects the container, stamps into a temporary file in the directory of
 * @out_path, fsyncs it and renames it over @out_path. On error nothing is
 * left behind and @out_path is untouched.
 * Returns: TRUE on success.
 */
gboolean ws_stamp_file (const char *in_path, const char *out_path,
    const WsStampRequest *req, WsStampContainer *container, GError **error);

G_END_DECLS

#endif /* WS_RATINGS_WS_STAMP_H */
