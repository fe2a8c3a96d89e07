/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the pre-programme warning (card and announcement): which
 * words, in which language, for how long, said by what. */
#ifndef WS_RATINGS_WS_WARNING_H
#define WS_RATINGS_WS_WARNING_H

#include <glib.h>

#include "ws-metadata.h"
#include "ws-policy.h"
#include "ws-recordings.h"

G_BEGIN_DECLS

/** The warning's duration when neither the caller nor the rule names one,
 * in nanoseconds (5 s). */
#define WS_WARNING_DEFAULT_DURATION_NS (G_GUINT64_CONSTANT (5000000000))

/** The language used when no text exists in the wanted one. */
#define WS_WARNING_FALLBACK_LANGUAGE "en"

/**
 * WsWarningAudio:
 * @WS_WARNING_AUDIO_NONE: no announcement is heard (card only).
 * @WS_WARNING_AUDIO_FILE: a pre-recorded file is played.
 * @WS_WARNING_AUDIO_SPEECH: the text is spoken by the speech synthesiser
 *   (espeak-ng), the fallback where no recording exists.
 */
typedef enum {
  WS_WARNING_AUDIO_NONE,
  WS_WARNING_AUDIO_FILE,
  WS_WARNING_AUDIO_SPEECH,
} WsWarningAudio;

/**
 * WsWarningRequest:
 * @guidance: (nullable): the territory's guidance rule for the rating
 *   (ws_policy_guidance_at()); its `<announcement>` texts and
 *   `announcement-duration-s` are used.
 * @rating: (nullable): the programme's rating; its guidance texts become
 *   the card's detail line.
 * @rating_name: (nullable): the rating as people say it (`BBFC 15`), for
 *   the English sentence used when no text exists at all.
 * @language: (nullable): the wanted BCP 47 language; NULL = the language
 *   of the rule's first announcement (the territory's), else English.
 * @text: (nullable): overrides the headline (the `text` property).
 * @duration_ns: overrides the duration; 0 = the rule's, else
 *   %WS_WARNING_DEFAULT_DURATION_NS.
 * @audio_file: (nullable): a recording (path or URI) to play.
 * @recordings: (nullable): the broadcaster's catalogue of recordings
 *   (ws-recordings.h); without @audio_file, the one for @territory,
 *   @rating and the warning's language is played (ws_recordings_find()).
 * @territory: (nullable): the territory the warning is for (the caller's
 *   setting, else the rating's, else the policy's jurisdiction).
 * @speech: when TRUE and no recording applies, the text is spoken.
 *
 * What the caller knows when a warning starts. All borrowed.
 */
typedef struct {
  const WsGuidance *guidance;
  const WsRating *rating;
  const char *rating_name;
  const char *language;
  const char *text;
  guint64 duration_ns;
  const char *audio_file;
  const WsRecordings *recordings;
  const char *territory;
  gboolean speech;
} WsWarningRequest;

/**
 * WsWarning:
 * @headline: the sentence shown large and spoken; never NULL.
 * @detail: (nullable): the rating's guidance text shown under it (and
 *   spoken after it).
 * @language: the BCP 47 language of @headline (for text shaping and the
 *   voice); never NULL.
 * @duration_ns: how long the card is shown and the announcement lasts.
 * @audio: what is heard.
 * @audio_file: (nullable): the recording, for %WS_WARNING_AUDIO_FILE.
 * @rule_id: (nullable): the guidance rule's id.
 */
typedef struct {
  char *headline;
  char *detail;
  char *language;
  guint64 duration_ns;
  WsWarningAudio audio;
  char *audio_file;
  char *rule_id;
} WsWarning;

/**
 * ws_warning_required:
 * @guidance: (nullable): the territory's guidance rule for the rating.
 *
 * Returns: TRUE when the rule asks for an announcement before the
 *   programme (`announcement="true"`).
 */
gboolean ws_warning_required (const WsGuidance *guidance);

/**
 * ws_warning_plan:
 * @req: what is known.
 *
 * Chooses the warning. The headline is, in this order: @req->text; the
 * rule's announcement in the wanted language (same tag or same primary
 * language); the rule's announcement in English; the rule's first
 * announcement; then the English sentence "The following programme is
 * rated NAME." (NAME = @req->rating_name), or without a name "The
 * following programme is not suitable for younger viewers.". The detail
 * is the rating's guidance text in the headline's language, else in
 * English, else none. The language is that of the headline.
 *
 * Returns: (transfer full): the warning, never NULL; free with
 *   ws_warning_free().
 */
WsWarning *ws_warning_plan (const WsWarningRequest *req);

/** ws_warning_free: NULL is a no-op. */
void ws_warning_free (WsWarning *w);

/**
 * ws_warning_spoken_text:
 * Returns: (transfer full): what the synthesiser says: the headline, then
 *   the detail. Free with g_free().
 */
char *ws_warning_spoken_text (const WsWarning *w);

/**
 * ws_warning_describe:
 * Returns: (transfer full): one English line for logs and the as-run
 *   log: duration, language, what is heard. Free with g_free().
 */
char *ws_warning_describe (const WsWarning *w);

/** Returns: "none", "file" or "speech". */
const char *ws_warning_audio_to_string (WsWarningAudio audio);

G_END_DECLS

#endif /* WS_RATINGS_WS_WARNING_H */
