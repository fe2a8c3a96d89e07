/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: playout schedules (our XML format and SMPTE ST 2021 BXF). */
#ifndef WS_RATINGS_WS_SCHEDULE_H
#define WS_RATINGS_WS_SCHEDULE_H

#include <glib.h>
#include "ws-metadata.h"

G_BEGIN_DECLS

/**
 * SECTION:ws-schedule
 *
 * A schedule is read in one streaming pass (SAX, constant memory per event,
 * strings interned), so a year of fifty channels - about 900,000 events -
 * reads in a fraction of a second. Two formats, recognised from the root
 * element and namespace:
 *
 * - `watershed-schedule` (namespace `urn:watershed:schedule:1`, schema
 *   `ratings/schemas/watershed-schedule.xsd`): `<channel id service-class>`
 *   holding `<event id start duration|end house-number title rating/>`.
 * - SMPTE ST 2021 BXF (`http://smpte-ra.org/schemas/2021/2008/BXF`):
 *   `BxfMessage/BxfData/Schedule/ScheduledEvent` with EventData (EventId,
 *   StartDateTime/SmpteDateTime@broadcastDate + SmpteTimeCode, or an
 *   xs:dateTime; LengthOption/Duration/SmpteDuration@frameRate or an
 *   xs:duration), Content (ContentId/HouseNumber, Name) and
 *   PrimaryEvent/ProgramEvent/ProgramName. BXF carries no standard rating
 *   element; a rating is joined from metadata by house number, or given
 *   inline with the watershed extension element
 *   `<ws:rating xmlns:ws="urn:watershed:schedule:1">bbfc:15</ws:rating>`
 *   anywhere inside the ScheduledEvent. Only `eventType="Primary"` events
 *   are read; NonPrimary (logos, secondary events) are counted and skipped.
 */

typedef enum {
  WS_SCHEDULE_FORMAT_WATERSHED,
  WS_SCHEDULE_FORMAT_BXF,
} WsScheduleFormat;

const char *ws_schedule_format_to_string (WsScheduleFormat format);

/**
 * WsScheduleEvent:
 * @id, @house_number, @title, @channel, @rating, @service_class:
 *   (nullable): interned strings owned by the schedule. @rating is an
 *   inline `SYSTEM:CODE`; @service_class is the channel's.
 * @start_us: the start, microseconds since 1970-01-01T00:00:00. UTC when
 *   @start_is_local is FALSE; otherwise the local wall-clock time of the
 *   service (BXF SmpteDateTime carries no zone): convert it in the policy's
 *   zone with ws_schedule_local_to_utc().
 * @duration_us: > 0.
 * @is_programme: FALSE for BXF NonProgramEvents (spots, promos, idents).
 * @line: source line of the event element (where its start tag ends).
 */
typedef struct {
  const char *id;
  const char *house_number;
  const char *title;
  const char *channel;
  const char *rating;
  const char *service_class;
  gint64 start_us;
  gint64 duration_us;
  gboolean start_is_local;
  gboolean is_programme;
  int line;
} WsScheduleEvent;

typedef struct WsSchedule WsSchedule;

/**
 * ws_schedule_read_file:
 * @error: WS_ERROR_IO (also for a path that is not a regular file: a
 *   FIFO, a directory, a device, refused before any read);
 *   WS_ERROR_MALFORMED (FILE:LINE and libxml2's reason, or an empty
 *   file); WS_ERROR_FORBIDDEN (an internal DTD subset, an entity
 *   declaration, XInclude); WS_ERROR_TOO_LARGE (an element beyond
 *   WS_XML_MAX_ATTRIBUTES or WS_XML_MAX_TAG_BYTES); WS_ERROR_UNKNOWN_FORMAT;
 *   WS_ERROR_INVALID when the schedule has no event (`<event>` or
 *   `<ScheduledEvent>`) in its format's namespace - the message names the
 *   first look-alike in another namespace, if any.
 *
 * The input is read through the guarded ws-xml push parser. An event that
 * cannot be used (no start, an impossible time such as 25:61:00, a zero or
 * negative duration) does not stop the reading: it is skipped and
 * recorded as a violation in the warnings, naming its line. Elements with
 * the schedule's names in another namespace are ignored with one warning
 * (not a violation) per name and namespace, counting them. Values quoted
 * in warnings are cut at WS_XML_MAX_QUOTED_CHARS.
 * Returns: (transfer full) (nullable): free with ws_schedule_free().
 */
WsSchedule *ws_schedule_read_file (const char *path, GError **error);

/** As ws_schedule_read_file() on bytes; @name is used in messages. */
WsSchedule *ws_schedule_read_memory (const char *data, gsize len,
    const char *name, GError **error);

/** NULL is a no-op. */
void ws_schedule_free (WsSchedule *schedule);

const char *ws_schedule_get_path (const WsSchedule *schedule);
WsScheduleFormat ws_schedule_get_format (const WsSchedule *schedule);
gsize ws_schedule_get_n_events (const WsSchedule *schedule);
/** Returns: (transfer none): events in document order. */
const WsScheduleEvent *ws_schedule_get_events (const WsSchedule *schedule);
/** Number of BXF NonPrimary events skipped. */
gsize ws_schedule_get_n_skipped (const WsSchedule *schedule);
/**
 * ws_schedule_get_warnings:
 * Returns: (transfer none) (element-type WsMetadataWarning): warnings and
 *   violations (unusable events), in document order.
 */
const GPtrArray *ws_schedule_get_warnings (const WsSchedule *schedule);

/**
 * ws_schedule_local_to_utc:
 * @tz: the service's zone.
 * @local_us: a wall-clock time as in #WsScheduleEvent.start_us.
 *
 * In the repeated hour (DST ends) the first occurrence is taken; a time
 * in the missing hour (DST starts) does not exist and is moved to the end
 * of the gap (01:30 on the spring-forward night in London becomes 02:00
 * BST).
 * Returns: microseconds since the epoch, UTC.
 */
gint64 ws_schedule_local_to_utc (GTimeZone *tz, gint64 local_us);

/**
 * ws_parse_iso8601_us:
 * @text: `YYYY-MM-DDTHH:MM:SS[.frac][Z|(+|-)HH:MM]`.
 * @out_us: (out): microseconds since 1970-01-01T00:00:00, UTC when an
 *   offset or Z is present, else local wall-clock time.
 * @out_has_zone: (out) (optional): whether an offset or Z was given.
 * Returns: FALSE for anything else, or an impossible date or time.
 */
gboolean ws_parse_iso8601_us (const char *text, gint64 *out_us,
    gboolean *out_has_zone);

/**
 * ws_parse_duration_us:
 * @text: an xs:duration without years or months (`PT1H30M`, `P1DT2H`,
 *   `PT90.5S`) or a clock duration `HH:MM:SS[.frac]`.
 *
 * The one duration parser of ratings/ (schedules, EBUCore part times).
 * Each of D, H, M and S appears at most once, in that order, with a value
 * of at most 10^8 (so the total cannot overflow); clock hours are at most
 * 8784 (366 days).
 * Returns: FALSE when malformed, negative or out of those ranges;
 *   @out_us is untouched then.
 */
gboolean ws_parse_duration_us (const char *text, gint64 *out_us);

G_END_DECLS

#endif /* WS_RATINGS_WS_SCHEDULE_H */
