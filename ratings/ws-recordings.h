/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the broadcaster's pre-recorded warning announcements, one per
 * territory, rating and language, named in a catalogue file:
 *
 *   <recordings xmlns="urn:watershed:recordings:1">
 *     <recording territory="GB" rating="bbfc:15" xml:lang="en"
 *                href="gb/bbfc-15.wav"/>
 *     <recording territory="GB" xml:lang="en" href="gb/any.wav"/>
 *   </recordings>
 *
 * (ratings/schemas/recordings.xsd; docs/ratingwarning.md). */
#ifndef WS_RATINGS_WS_RECORDINGS_H
#define WS_RATINGS_WS_RECORDINGS_H

#include <glib.h>

#include "ws-metadata.h"

G_BEGIN_DECLS

/** The namespace of a recordings catalogue. */
#define WS_RECORDINGS_NS "urn:watershed:recordings:1"

/** The largest catalogue read (1 MiB) and the most entries it may hold. */
#define WS_RECORDINGS_MAX_BYTES (1024 * 1024)
#define WS_RECORDINGS_MAX_ENTRIES 10000

/** WsRecordings: a loaded catalogue. */
typedef struct WsRecordings WsRecordings;

/**
 * ws_recordings_new:
 * @path: the catalogue file.
 * @error: a #WS_ERROR error naming the file, line and field of the first
 *   problem: %WS_ERROR_IO (unreadable), %WS_ERROR_TOO_LARGE (over
 *   %WS_RECORDINGS_MAX_BYTES or %WS_RECORDINGS_MAX_ENTRIES),
 *   %WS_ERROR_MALFORMED, %WS_ERROR_FORBIDDEN (see ws-xml.h),
 *   %WS_ERROR_UNKNOWN_FORMAT (another root), %WS_ERROR_INVALID (a missing
 *   or wrong field, an unknown attribute or element, two entries for the
 *   same territory, rating and language, a local recording that is not a
 *   readable regular file).
 *
 * Reads the catalogue (no network, no external entities). Each
 * `<recording>` has a `territory` (ISO 3166-1 alpha-2), an `href` and
 * optionally a `rating` (`SYSTEM:CODE`; none: any rating) and an
 * `xml:lang` (BCP 47; none: any language). A relative `href` is a path
 * from the catalogue's folder, an absolute one a path, one with a scheme
 * (`file:`, `http:`, ...) a URI for GStreamer; local files must exist
 * when the catalogue is read.
 *
 * Returns: (transfer full): the catalogue, or %NULL with @error set.
 */
WsRecordings *ws_recordings_new (const char *path, GError **error);

/**
 * ws_recordings_new_memory:
 * @data: the catalogue's bytes.
 * @len: their length.
 * @name: (nullable): the name errors give (`<memory>`).
 * @base_dir: (nullable): the folder relative paths are taken from; %NULL
 *   keeps them as written and checks no file (the data alone, as
 *   validators and the fuzz target read it).
 * @error: as ws_recordings_new().
 *
 * Returns: (transfer full): the catalogue, or %NULL with @error set.
 */
WsRecordings *ws_recordings_new_memory (const char *data, gsize len,
    const char *name, const char *base_dir, GError **error);

/** ws_recordings_free: @rec: (nullable) (transfer full). */
void ws_recordings_free (WsRecordings *rec);

/** ws_recordings_count: the entries of @rec. */
guint ws_recordings_count (const WsRecordings *rec);

/**
 * ws_recordings_find:
 * @rec: the catalogue.
 * @territory: (nullable): the territory (ISO 3166-1 alpha-2, any case);
 *   NULL finds nothing.
 * @rating: (nullable): the programme's rating; NULL matches only entries
 *   without a rating.
 * @language: (nullable): the language of the warning's text (BCP 47);
 *   NULL matches only entries without a language.
 *
 * The recording for a warning: among the territory's entries whose rating
 * is @rating's (system and code, any case) or absent, and whose language
 * is @language (the same tag, else the same primary language) or absent,
 * the most specific: a rating given beats none, then the same tag beats
 * the same primary language beats none; on a tie, the first in the file.
 * An entry in another language is never chosen: the words heard must be
 * the card's (the caller speaks the text instead).
 *
 * Returns: (transfer none) (nullable): the path or URI, owned by @rec.
 */
const char *ws_recordings_find (const WsRecordings *rec, const char *territory,
    const WsRating *rating, const char *language);

G_END_DECLS

#endif /* WS_RATINGS_WS_RECORDINGS_H */
