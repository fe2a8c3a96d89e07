/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: DVB service information sections (ETSI EN 300 468) that carry
 * the rating: EIT present/following and SDT, and their TS packets. */
#ifndef WS_RATINGS_WS_DVB_SI_H
#define WS_RATINGS_WS_DVB_SI_H

#include <glib.h>

#include "ws-metadata.h"

G_BEGIN_DECLS

/**
 * SECTION:ws-dvb-si
 *
 * The one place that builds the DVB/MPEG sections watershed writes, used by
 * the `ratingsignal` element (handed to mpegtsmux) and by
 * ws_stamp_mpegts() (inserted into a finished transport stream):
 *
 * - EIT present/following, actual TS (table 0x4E, PID 0x12): section 0
 *   holds the present event with its start time (UTC, MJD + BCD), duration
 *   (BCD), running_status, a short_event_descriptor (0x4D: ISO 639-2
 *   language, title, guidance text) and parental_rating_descriptors (0x55);
 *   section 1 (the following event) is empty (no event known).
 * - SDT actual TS (table 0x42, PID 0x11): one service with
 *   EIT_present_following_flag set and a service_descriptor (0x48).
 *
 * Every section ends with the MPEG-2 CRC32 (ws_dvb_crc32()). Sections are
 * split into 188-byte TS packets with ws_dvb_packetize_section().
 *
 * The rating byte is minimum age - 3 for ages 4-18 (EN 300 468 6.2.28).
 * What cannot be said exactly is said more restrictively, never less
 * (see ws_dvb_rating_from_age()).
 */

#define WS_DVB_PID_SDT 0x11
#define WS_DVB_PID_EIT 0x12
#define WS_DVB_TABLE_SDT_ACTUAL 0x42
#define WS_DVB_TABLE_EIT_PF_ACTUAL 0x4E
#define WS_DVB_TAG_SERVICE 0x48
#define WS_DVB_TAG_SHORT_EVENT 0x4D
#define WS_DVB_TAG_PARENTAL_RATING 0x55
/** The longest section of these tables (EN 300 468 5.1.4), CRC included. */
#define WS_DVB_SECTION_MAX 4096
#define WS_TS_PACKET_SIZE 188
/** Entries that fit in one parental_rating_descriptor (255 / 4). */
#define WS_DVB_PARENTAL_RATING_MAX_ENTRIES 63

/**
 * WsDvbRunningStatus: running_status (EN 300 468 table 6).
 */
typedef enum {
  WS_DVB_RUNNING_UNDEFINED = 0,
  WS_DVB_RUNNING_NOT_RUNNING = 1,
  WS_DVB_RUNNING_STARTS_SOON = 2,
  WS_DVB_RUNNING_PAUSING = 3,
  WS_DVB_RUNNING_RUNNING = 4,
  WS_DVB_RUNNING_OFF_AIR = 5,
} WsDvbRunningStatus;

/**
 * ws_dvb_crc32:
 * Returns: the MPEG-2 CRC32 (ISO/IEC 13818-1 annex A: polynomial
 *   0x04C11DB7, initial value 0xFFFFFFFF, no reflection, no final XOR) of
 *   @len bytes at @data. A whole section including its CRC gives 0.
 */
guint32 ws_dvb_crc32 (const guint8 *data, gsize len);

/**
 * ws_dvb_encode_start_time:
 * @utc: (nullable): the instant (any time zone; converted to UTC). NULL =
 *   undefined.
 * @out: 5 bytes: 16-bit Modified Julian Date, then hours, minutes, seconds
 *   as 6 BCD digits (EN 300 468 5.2.4 and annex C). Undefined: all bits 1.
 * Returns: FALSE (and @out all ones) when @utc is before MJD 0
 *   (1858-11-17) or after MJD 65535 (2038-04-22).
 */
gboolean ws_dvb_encode_start_time (GDateTime *utc, guint8 out[5]);

/**
 * ws_dvb_encode_duration:
 * @seconds: the duration; < 0 = unknown.
 * @out: 3 bytes, hours, minutes, seconds as 6 BCD digits. Unknown: all
 *   bits 1 (as EN 300 468 writes an undefined start_time).
 * Returns: FALSE (and @out all ones) when @seconds is negative or not
 *   below 100 hours.
 */
gboolean ws_dvb_encode_duration (gint64 seconds, guint8 out[3]);

/**
 * ws_dvb_rating_from_age:
 * @minimum_age: years; -1 = unknown / unrated / refused.
 * @exact: (out) (optional): TRUE when the byte means exactly @minimum_age.
 *
 * Ages 4-18 give age - 3 (0x01-0x0F). Ages 0-3 give 0x01 (4 years, the
 * least age DVB can say; 0x00 means "undefined", which receivers do not
 * lock and our readers treat as unrated). Unknown ages and ages above 18
 * give 0x0F (18 years, the most restrictive age DVB can say): fail closed.
 * Returns: the rating byte.
 */
guint8 ws_dvb_rating_from_age (int minimum_age, gboolean *exact);

/**
 * ws_dvb_language_code:
 * @lang: (nullable): an ISO 639-2 code (`eng`, `ger`, `deu`), an ISO 639-1
 *   code (`en`, `de`) or a BCP 47 tag (`en-GB`), any case.
 * Returns: (transfer none): the ISO 639-2 (bibliographic) code of @lang in
 *   lower case, or `und` when @lang is NULL or unknown.
 */
const char *ws_dvb_language_code (const char *lang);

/**
 * ws_dvb_pick_text:
 * @ratings: (element-type WsRating): the programme's ratings.
 * @language: (nullable): the language wanted (any form
 *   ws_dvb_language_code() takes).
 *
 * The guidance text an EIT event's short_event_descriptor carries, for
 * every writer of one (ratingsignal, `watershed stamp`): the first
 * non-empty text in @language, else the first non-empty text of any
 * language. The descriptor's language is the text's.
 * Returns: (transfer none) (nullable): the text, or NULL when none.
 */
const WsGuidanceText *ws_dvb_pick_text (const GPtrArray *ratings,
    const char *language);

/**
 * ws_dvb_append_text:
 * @out: the bytes are appended here.
 * @utf8: (nullable): the text (invalid UTF-8 is repaired, control
 *   characters become spaces).
 * @max_len: at most this many bytes are appended.
 *
 * Appends @utf8 as a DVB text string (EN 300 468 annex A): as is when it is
 * plain printable ASCII, else the byte 0x15 (UTF-8) then the UTF-8 text.
 * A text longer than @max_len is cut at a character boundary.
 * Returns: the number of bytes appended.
 */
gsize ws_dvb_append_text (GByteArray *out, const char *utf8, gsize max_len);

/**
 * WsDvbRatingMode:
 * @WS_DVB_RATING_STRICT: a rating DVB cannot say exactly (unknown or
 *   refused, an age above 18) or without a territory is an error.
 * @WS_DVB_RATING_FAIL_CLOSED: such a rating is written 0x0F (18) with a
 *   note; a rating without a territory is skipped with a note.
 */
typedef enum {
  WS_DVB_RATING_STRICT,
  WS_DVB_RATING_FAIL_CLOSED,
} WsDvbRatingMode;

/**
 * ws_dvb_append_parental_rating:
 * @out: the descriptors are appended here.
 * @ratings: (element-type WsRating) (nullable): the ratings; each needs
 *   @territory (alpha-2). Two for one territory: the more restrictive is
 *   written, with a note.
 * @mode: what to do with a rating DVB cannot say exactly.
 * @notes: (nullable) (element-type utf8): receives a note (transfer full)
 *   for each rating written inexactly or skipped.
 * @error: WS_ERROR_INVALID in %WS_DVB_RATING_STRICT mode, naming the
 *   territory and the rating.
 *
 * Appends parental_rating_descriptors (tag 0x55) with one 4-byte entry per
 * territory (ISO 3166 alpha-3, rating byte), in territory order, 63 entries
 * per descriptor. Nothing is appended when there is no rating.
 * Returns: TRUE on success; on error @out is unchanged.
 */
gboolean ws_dvb_append_parental_rating (GByteArray *out,
    const GPtrArray *ratings, WsDvbRatingMode mode, GPtrArray *notes,
    GError **error);

/**
 * WsDvbEvent:
 * @service_id: the service (the MPEG program_number).
 * @transport_stream_id: the TS the service is in.
 * @original_network_id: the network of origin (TS 101 162; 0xFF01 is a
 *   private temporary value).
 * @version: version_number, 0-31 (higher bits are ignored).
 * @event_id: the present event's id.
 * @start: (nullable): the event's start; NULL = undefined.
 * @duration_s: the event's duration in seconds; < 0 = unknown.
 * @running_status: of the present event.
 * @language: (nullable): language of @title and @text (see
 *   ws_dvb_language_code()); NULL = `und`.
 * @title: (nullable): event_name of the short_event_descriptor.
 * @text: (nullable): text of the short_event_descriptor (the guidance).
 * @ratings: (element-type WsRating) (nullable): the ratings.
 * @mode: how ratings DVB cannot say exactly are written.
 *
 * The title and text share the 250 bytes a short_event_descriptor holds:
 * the title first (at most 200 bytes), then as much of the text as fits.
 */
typedef struct {
  guint16 service_id;
  guint16 transport_stream_id;
  guint16 original_network_id;
  guint8 version;
  guint16 event_id;
  GDateTime *start;
  gint64 duration_s;
  WsDvbRunningStatus running_status;
  const char *language;
  const char *title;
  const char *text;
  const GPtrArray *ratings;
  WsDvbRatingMode mode;
} WsDvbEvent;

/**
 * ws_dvb_build_eit_pf:
 * @event: the present event.
 * @section_number: 0 (the present event) or 1 (the following event,
 *   written without events: none is known).
 * @notes: (nullable) (element-type utf8): as in
 *   ws_dvb_append_parental_rating().
 * @error: WS_ERROR_ARGUMENT for a @section_number other than 0 or 1; the
 *   errors of ws_dvb_append_parental_rating().
 *
 * Builds one EIT present/following actual-TS section (table 0x4E,
 * last_section_number 1), CRC included.
 * Returns: (transfer full) (nullable): the section, NULL on error.
 */
GBytes *ws_dvb_build_eit_pf (const WsDvbEvent *event, guint section_number,
    GPtrArray *notes, GError **error);

/**
 * WsDvbService:
 * @service_id, @transport_stream_id, @original_network_id: as in
 *   #WsDvbEvent.
 * @version: version_number, 0-31.
 * @service_type: service_type of the service_descriptor (0x01 digital
 *   television, 0x16 H.264 SD, 0x19 H.264 HD; EN 300 468 table 87).
 * @provider_name: (nullable): service_provider_name (at most 100 bytes).
 * @service_name: (nullable): service_name (at most 100 bytes).
 * @descriptors: (nullable) (array length=descriptors_len): when set, the
 *   service's descriptor loop written as is instead of a service_descriptor
 *   made from the fields above (to keep an existing SDT's descriptors).
 * @descriptors_len: bytes at @descriptors (at most 1000).
 */
typedef struct {
  guint16 service_id;
  guint16 transport_stream_id;
  guint16 original_network_id;
  guint8 version;
  guint8 service_type;
  const char *provider_name;
  const char *service_name;
  const guint8 *descriptors;
  gsize descriptors_len;
} WsDvbService;

/**
 * ws_dvb_build_sdt:
 * @services: (array length=n_services): the services of the TS, all with
 *   the same @transport_stream_id and @original_network_id (the first's
 *   are written) and @version (the first's).
 * @n_services: 1 to 64.
 * @error: WS_ERROR_ARGUMENT for no services or too many.
 *
 * Builds one SDT actual-TS section (table 0x42, section 0 of 0): each
 * service running, EIT_present_following_flag set, EIT_schedule_flag
 * clear, free_CA_mode 0, with a service_descriptor.
 * Returns: (transfer full) (nullable): the section, NULL on error.
 */
GBytes *ws_dvb_build_sdt (const WsDvbService *services, guint n_services,
    GError **error);

/**
 * ws_dvb_packetize_section:
 * @section: a whole section (at most %WS_DVB_SECTION_MAX bytes).
 * @len: its length.
 * @pid: the PID (13 bits).
 * @cc: (inout): the PID's continuity counter: the last value used; each
 *   packet increments it modulo 16 first.
 * @out: the packets are appended here.
 *
 * Splits @section into 188-byte TS packets: payload_unit_start_indicator
 * and pointer_field 0 in the first, payload only (no adaptation field),
 * the rest of the last packet stuffed with 0xFF.
 * Returns: the number of packets appended.
 */
guint ws_dvb_packetize_section (const guint8 *section, gsize len, guint16 pid,
    guint8 *cc, GByteArray *out);

G_END_DECLS

#endif /* WS_RATINGS_WS_DVB_SI_H */
