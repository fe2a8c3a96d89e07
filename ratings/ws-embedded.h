/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: parsers of ratings embedded in media containers. */
#ifndef WS_RATINGS_WS_EMBEDDED_H
#define WS_RATINGS_WS_EMBEDDED_H

#include <glib.h>

#include "ws-metadata.h"
#include "ws-rating-system.h"

G_BEGIN_DECLS

/**
 * SECTION:ws-embedded
 *
 * Plain parsers of the ratings that media files carry themselves, shared by
 * the `ratingtag` element (GStreamer side) and `watershed check` (FFmpeg
 * side). None of them reads a file: the caller's demuxer hands over the
 * value or the raw bytes.
 *
 * - MP4: the iTunes `----:com.apple.iTunes:iTunEXTC` string
 *   `system|code|value|annotation` (ws_embedded_parse_itunextc()).
 * - Matroska: the `LAW_RATING` SimpleTag, alone or nested under a `COUNTRY`
 *   SimpleTag (ws_embedded_parse_law_rating(),
 *   ws_embedded_parse_matroska_tags()).
 * - MPEG-TS / DVB SI: the parental_rating_descriptor (tag 0x55) raw bytes
 *   (ws_embedded_parse_dvb_parental_rating()).
 *
 * Every returned #WsRating has @source_system and @source_code set to what
 * was written (`itunes` / the whole string; `matroska` / the value; `dvb` /
 * the raw byte as `0x0D`). A value that is well formed but cannot be
 * resolved becomes a rating with @minimum_age -1 (fail closed) and a note
 * saying so; it is never guessed.
 *
 * Notes are complete English sentences naming the field and the value, for
 * the caller to show as warnings (owned by the caller: g_free()).
 */

/** Tag of the DVB parental_rating_descriptor (ETSI EN 300 468). */
#define WS_DVB_PARENTAL_RATING_TAG 0x55

/**
 * ws_embedded_parse_itunextc:
 * @reg: rating systems (transfer none).
 * @value: the iTunEXTC string, `system|code|value|annotation`
 *   (`mpaa|PG-13|300|Rated PG-13 for violence`); the annotation may be
 *   missing or empty, or be `rating|annotation` (Subler).
 * @note: (out) (optional) (transfer full): set to a note when the value was
 *   read leniently (unknown system or code: unrated), else NULL.
 * @error: WS_ERROR_INVALID when @value is not of that form (fewer than three
 *   fields, an empty system or code, or a value field that is neither
 *   digits nor `???`).
 *
 * The annotation, when not empty, becomes a guidance text (no language).
 * The territory is the system's when it is an ISO 3166 code.
 * Returns: (transfer full) (nullable): the rating, NULL on error.
 */
WsRating *ws_embedded_parse_itunextc (const WsRatingRegistry *reg,
    const char *value, char **note, GError **error);

/**
 * ws_embedded_lookup_territory_code:
 * @reg: rating systems (transfer none).
 * @territory: any code ws_territory_normalise() takes.
 * @code: a rating code or alias (`15`, `PG-13`).
 * @preferred_system: (nullable): a system id tried first.
 *
 * Finds the rating of a system of @territory whose code (or alias) is
 * @code: @preferred_system first (when it is of @territory), then the
 * systems of @territory in id order.
 * Returns: (transfer none) (nullable): the rating, or NULL when no system of
 *   @territory has that code (or @territory is not a country code).
 */
const WsRatingDef *
ws_embedded_lookup_territory_code (const WsRatingRegistry *reg,
    const char *territory, const char *code, const char *preferred_system);

/**
 * ws_embedded_parse_law_rating:
 * @reg: rating systems (transfer none).
 * @country: (nullable): the `COUNTRY` the value is nested under (ISO 3166
 *   code, any form ws_territory_normalise() takes); NULL for a top-level
 *   `LAW_RATING`.
 * @value: the `LAW_RATING` value: a code of a system of the country
 *   (`15`), or `SYSTEM:CODE` (`bbfc:15`), or an iTunEXTC-style string.
 * @default_territory: (nullable): the territory assumed when @country is
 *   NULL (the element's `territory`) and @value does not name a system of
 *   one country: `bbfc:18` with no @country is a rating for GB whatever
 *   @default_territory says (a rating counts for a territory only when its
 *   system belongs to it or the file says so).
 * @preferred_system: (nullable): system tried first.
 * @note: (out) (optional) (transfer full): a note when read leniently.
 * @error: WS_ERROR_INVALID for an empty @value or a @country that is not
 *   an ISO 3166 code.
 *
 * An unresolvable code gives an unrated rating (@minimum_age -1,
 * @system NULL) with a note naming the value and the systems tried.
 * Returns: (transfer full) (nullable): the rating, NULL on error.
 */
WsRating *ws_embedded_parse_law_rating (const WsRatingRegistry *reg,
    const char *country, const char *value, const char *default_territory,
    const char *preferred_system, char **note, GError **error);

/**
 * ws_embedded_parse_matroska_tags:
 * @reg: rating systems (transfer none).
 * @tags: (array length=n_tags): `KEY=VALUE` strings as GStreamer's
 *   matroskademux gives unknown SimpleTags (GST_TAG_EXTENDED_COMMENT) and
 *   as FFmpeg's matroska demuxer flattens them (`COUNTRY/LAW_RATING`,
 *   with an optional `-<lang>` suffix on the key). Other keys are ignored.
 * @n_tags: the number of @tags.
 * @default_territory: (nullable): as in ws_embedded_parse_law_rating().
 * @preferred_system: (nullable): system tried first.
 * @notes: (nullable) (element-type utf8): receives one note per entry that
 *   was read leniently or skipped (transfer full of each string).
 *
 * `COUNTRY/LAW_RATING` values are paired with the `COUNTRY` values in
 * order (the n-th with the n-th; when there are fewer countries, with the
 * last one); a top-level `LAW_RATING` gets @default_territory. Entries that
 * are unusable (an empty value, a bad country) are skipped with a note.
 * Returns: (transfer full) (element-type WsRating): the ratings found, in
 *   order; empty when there are none. Never NULL.
 */
GPtrArray *ws_embedded_parse_matroska_tags (const WsRatingRegistry *reg,
    const char *const *tags, gsize n_tags, const char *default_territory,
    const char *preferred_system, GPtrArray *notes);

/**
 * ws_embedded_parse_dvb_parental_rating:
 * @reg: rating systems (transfer none); without a `dvb` system the ratings
 *   are still filled (system `dvb`, code = age).
 * @data: the whole descriptor: tag (0x55), descriptor_length, then a loop of
 *   4-byte entries (24-bit ISO 3166 alpha-3 country_code, 8-bit rating).
 * @len: bytes at @data; must be exactly 2 + descriptor_length.
 * @notes: (nullable) (element-type utf8): receives a note for each entry
 *   read leniently or skipped.
 * @error: WS_ERROR_INVALID when @data is shorter than 2 bytes, the tag is not
 *   0x55, descriptor_length disagrees with @len, or descriptor_length is not
 *   a multiple of 4 (the message gives the numbers).
 *
 * Rating 0x01-0x0F: `dvb:<rating + 3>` (ages 4-18). 0x00 (undefined) and
 * 0x10-0xFF (broadcaster-defined) give an unrated rating (@minimum_age -1,
 * @system NULL) and a note, never an age. The country becomes the alpha-2
 * @territory; an ETSI TS 101 162 country group (`900`-`999`) gives
 * @territory NULL (every territory) and a note; a country_code that is
 * not a country is skipped with a note.
 * Returns: (transfer full) (element-type WsRating) (nullable): one rating
 *   per usable entry (possibly none), or NULL on error.
 */
GPtrArray *ws_embedded_parse_dvb_parental_rating (const WsRatingRegistry *reg,
    const guint8 *data, gsize len, GPtrArray *notes, GError **error);

/* ---- whole files: one reader for ratingtag and watershed check ---------- */

/**
 * WsEmbeddedContainer:
 * @WS_EMBEDDED_CONTAINER_UNKNOWN: none of the below (nothing is read).
 * @WS_EMBEDDED_CONTAINER_MATROSKA: Matroska or WebM (EBML).
 * @WS_EMBEDDED_CONTAINER_MP4: ISO BMFF / QuickTime (MP4, M4V, M4A, MOV).
 * @WS_EMBEDDED_CONTAINER_MPEGTS: MPEG transport stream (188-byte packets).
 */
typedef enum {
  WS_EMBEDDED_CONTAINER_UNKNOWN,
  WS_EMBEDDED_CONTAINER_MATROSKA,
  WS_EMBEDDED_CONTAINER_MP4,
  WS_EMBEDDED_CONTAINER_MPEGTS,
} WsEmbeddedContainer;

/** ws_embedded_container_to_string: "matroska", "mp4", "mpegts" or
 * "unknown" (static strings). */
const char *ws_embedded_container_to_string (WsEmbeddedContainer container);

/**
 * WsEmbeddedReadFunc:
 * @user_data: the source's data.
 * @offset: byte offset from the start of the file.
 * @buf: where to write.
 * @len: bytes wanted (at most 1 MiB).
 *
 * Returns: the bytes written at @buf (fewer only at the end of the file,
 *   0 past it), or -1 on a read error.
 */
typedef gssize (*WsEmbeddedReadFunc) (gpointer user_data, guint64 offset,
    guint8 *buf, gsize len);

/** Bytes of an MPEG-TS file scanned for the PAT and the EIT by default. */
#define WS_EMBEDDED_TS_SCAN_BYTES (16 * 1024 * 1024)

/**
 * WsEmbeddedOptions:
 * @territories: (nullable) (array zero-terminated=1): the territories asked
 *   about (`GB`, `DEU`...). A Matroska `LAW_RATING` that names no country
 *   (no `COUNTRY` in the file, and a value that is not `SYSTEM:CODE`) is
 *   read once for each of them, its system inferred per territory; with
 *   none it gets no territory.
 * @system: (nullable): the rating system tried first (`bbfc`).
 * @service_id: the MPEG-TS programme (service_id / program_number) whose
 *   EIT gives the rating; -1 = not known: the PAT's programme when it has
 *   one, else the most restrictive of its programmes' (see #WsEmbeddedTs).
 * @ts_scan_bytes: bytes of an MPEG-TS file scanned (0 = the default,
 *   %WS_EMBEDDED_TS_SCAN_BYTES).
 *
 * Initialise with ws_embedded_options_init().
 */
typedef struct {
  const char *const *territories;
  const char *system;
  int service_id;
  guint64 ts_scan_bytes;
} WsEmbeddedOptions;

/** ws_embedded_options_init: no territory, no system, service_id -1 (not
 * known), the default scan length. */
void ws_embedded_options_init (WsEmbeddedOptions *opts);

/**
 * WsEmbeddedResult:
 * @container: what the file is.
 * @ratings: (element-type WsRating): the ratings, at most one per territory
 *   (ws_rating_resolve_conflicts() applied). @element says where each was
 *   found: `COUNTRY/LAW_RATING`, `LAW_RATING` (Matroska), `iTunEXTC` (MP4),
 *   `parental_rating_descriptor` (the EIT present event).
 * @warnings: (element-type utf8): complete sentences for the user, each
 *   starting with where it comes from (`Matroska Tags: `, `MP4 ilst: `,
 *   `EIT: `), conflicts as `rating-conflict: ...`.
 */
typedef struct {
  WsEmbeddedContainer container;
  GPtrArray *ratings;
  GPtrArray *warnings;
} WsEmbeddedResult;

/** ws_embedded_result_free: NULL is a no-op. */
void ws_embedded_result_free (WsEmbeddedResult *result);

/**
 * ws_embedded_read:
 * @reg: rating systems (transfer none).
 * @read: reads the file's bytes (called with offsets inside the file only;
 *   never asked for the whole file).
 * @user_data: for @read.
 * @size: the file's size in bytes (G_MAXUINT64 when unknown).
 * @opts: (nullable): NULL = ws_embedded_options_init() defaults.
 * @error: WS_ERROR_IO when @read fails before the container is known.
 *
 * Recognises the container from its first bytes and reads the ratings it
 * carries, from the file's own bytes, with bounded reads:
 *
 * - Matroska: the Segment's top-level elements (through the SeekHead and a
 *   linear walk that skips Clusters by their size), every Tags element,
 *   every Tag and nested SimpleTag. `LAW_RATING` nested under a `COUNTRY`
 *   SimpleTag is for that country; FFmpeg's flattened
 *   `COUNTRY/LAW_RATING` is paired with the top-level `COUNTRY` values in
 *   order; a top-level `LAW_RATING` is for the file's top-level `COUNTRY`
 *   values, else for the system its `SYSTEM:CODE` value names, else for
 *   each of @opts territories (the system inferred per territory).
 * - MP4: `moov/udta/meta/ilst`, `moov/meta/ilst` and `moov/trak/udta/meta`
 *   items `----` (mean `com.apple.iTunes`, name `iTunEXTC`) and QuickTime
 *   `mdta` items whose `keys` entry is `iTunEXTC`
 *   (`com.apple.iTunes.iTunEXTC`). Every `data` value counts.
 * - MPEG-TS: the PAT (PID 0) and the EIT present/following actual (PID
 *   0x12, table 0x4E, section 0) of the programme @opts->service_id, see
 *   ws_embedded_ts_new().
 *
 * Conflicting ratings for one territory give a `rating-conflict` warning
 * and the most restrictive (ws_rating_resolve_conflicts()). Damaged or
 * hostile structures are skipped with a warning, never read past their
 * parent.
 * Returns: (transfer full) (nullable): the result (container
 *   %WS_EMBEDDED_CONTAINER_UNKNOWN and no ratings for other files), NULL
 *   on error.
 */
WsEmbeddedResult *ws_embedded_read (const WsRatingRegistry *reg,
    WsEmbeddedReadFunc read, gpointer user_data, guint64 size,
    const WsEmbeddedOptions *opts, GError **error);

/**
 * ws_embedded_read_file:
 * @path: a regular file.
 *
 * ws_embedded_read() on a file. Errors: WS_ERROR_IO when it cannot be
 * opened or read, or is not a regular file (a FIFO or device is refused
 * before it is opened for reading).
 * Returns: (transfer full) (nullable): as ws_embedded_read().
 */
WsEmbeddedResult *ws_embedded_read_file (const WsRatingRegistry *reg,
    const char *path, const WsEmbeddedOptions *opts, GError **error);

/**
 * ws_embedded_read_memory:
 * @data: (array length=len): the whole file (copied as needed; not kept).
 *
 * ws_embedded_read() on bytes in memory (tests, fuzzing). Never fails.
 * Returns: (transfer full): as ws_embedded_read().
 */
WsEmbeddedResult *ws_embedded_read_memory (const WsRatingRegistry *reg,
    const guint8 *data, gsize len, const WsEmbeddedOptions *opts);

/* ---- MPEG-TS: PAT + EIT, from packets or from sections ----------------- */

/**
 * WsEmbeddedTs:
 *
 * The MPEG-TS rule for the rating of the programme, shared by `watershed
 * check` (packets from the file) and `ratingtag` (packets entering the TS
 * demuxer upstream of it):
 * the rating is the parental_rating_descriptor of the present event (the
 * EIT present/following actual, table 0x4E, section 0, first event, whose
 * running_status is undefined, running or starting) of the programme being
 * checked: the service given (ws_embedded_ts_new(),
 * ws_embedded_ts_set_service()), else the programme whose PMT lists the
 * elementary stream given (ws_embedded_ts_set_stream_pid()), else the
 * PAT's only programme. When it is not known which of several programmes
 * is checked (or no PAT has been seen), the rule fails closed: every
 * programme's present event counts, the most restrictive per territory,
 * with a warning that names the services and says how to name the
 * programme. An EIT for a service that is not in the PAT is ignored with
 * a warning; when several services carry one and the programme is known,
 * a warning names them. Sections with a bad CRC are skipped and counted;
 * ws_embedded_ts_finish() warns once with the count.
 */
typedef struct WsEmbeddedTs WsEmbeddedTs;

/**
 * ws_embedded_ts_new:
 * @reg: rating systems (transfer none; must outlive the object).
 * @service_id: the programme, or -1 when not known.
 * Returns: (transfer full): free with ws_embedded_ts_free().
 */
WsEmbeddedTs *ws_embedded_ts_new (const WsRatingRegistry *reg, int service_id);

/**
 * ws_embedded_ts_set_service:
 * @service_id: the programme checked (a TS demuxer's program number), or
 *   -1 when not known.
 *
 * Returns: %TRUE when it changed (ask ws_embedded_ts_get_ratings() again).
 */
gboolean ws_embedded_ts_set_service (WsEmbeddedTs *ts, int service_id);

/**
 * ws_embedded_ts_set_stream_pid:
 * @pid: the PID of an elementary stream the caller receives (tsdemux names
 *   it in its stream-id), or -1.
 *
 * Without a service set, the programme whose PMT lists @pid is the one
 * checked: the PMTs the PAT names are read from then on (at most
 * 64 programmes).
 * Returns: %TRUE when it changed.
 */
gboolean ws_embedded_ts_set_stream_pid (WsEmbeddedTs *ts, int pid);

/** ws_embedded_ts_free: NULL is a no-op. */
void ws_embedded_ts_free (WsEmbeddedTs *ts);

/**
 * ws_embedded_ts_push_packets:
 * @data: transport stream bytes; packets may straddle calls; garbage
 *   between packets is skipped (resynchronisation on 0x47).
 *
 * Reassembles the sections of PIDs 0x0000 and 0x0012 and pushes them
 * (ws_embedded_ts_push_section()).
 *
 * Returns: %TRUE when one of them may have changed the rating of the
 *   programme (ask ws_embedded_ts_get_ratings() again).
 */
gboolean ws_embedded_ts_push_packets (WsEmbeddedTs *ts, const guint8 *data,
    gsize len);

/**
 * ws_embedded_ts_push_section:
 * @data: one whole section, table_id to CRC_32 (PAT, PMT or EIT p/f; others
 *   are ignored).
 *
 * A later present event of a service replaces the earlier one.
 * Returns: %TRUE when the rating of the programme may have changed (ask
 *   ws_embedded_ts_get_ratings() again).
 */
gboolean ws_embedded_ts_push_section (WsEmbeddedTs *ts, const guint8 *data,
    gsize len);

/**
 * ws_embedded_ts_is_complete:
 *
 * Returns: %TRUE once the PAT and the present event of the programme (of
 *   every programme of the PAT while it is not known which) have been seen
 *   (a file scan may stop).
 */
gboolean ws_embedded_ts_is_complete (const WsEmbeddedTs *ts);

/**
 * ws_embedded_ts_get_ratings:
 * @warnings: (nullable) (element-type utf8): receives the warnings of the
 *   rule (a service not in the PAT, several services), the notes about
 *   descriptors read leniently and the rating-conflict ones, each once per
 *   object.
 *
 * Returns: (transfer full) (element-type WsRating): the ratings of the
 *   programme's present event (conflicts resolved); empty when none has
 *   been seen. Never NULL.
 */
GPtrArray *ws_embedded_ts_get_ratings (WsEmbeddedTs *ts, GPtrArray *warnings);

/**
 * ws_embedded_ts_finish:
 * @warnings: (element-type utf8): receives the counted warnings (bad-CRC
 *   sections, services beyond the bound) and any note not yet handed out,
 *   each once per object. Call it at the end of the stream.
 */
void ws_embedded_ts_finish (WsEmbeddedTs *ts, GPtrArray *warnings);

G_END_DECLS

#endif /* WS_RATINGS_WS_EMBEDDED_H */
