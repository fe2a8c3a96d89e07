/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the pre-programme announcement's samples, decoded or spoken
 * ahead of time into the programme's audio format. */
#ifndef WS_PLUGINS_WS_ANNOUNCEMENT_H
#define WS_PLUGINS_WS_ANNOUNCEMENT_H

#include <glib.h>

G_BEGIN_DECLS

/**
 * SECTION:ws-announcement
 *
 * Both functions return interleaved 32-bit float samples at the rate and
 * channel count the caller asks for (the programme's), made by a private
 * GStreamer pipeline run to its end (audioconvert ! audioresample !
 * appsink), so mixing them in needs no conversion in the streaming
 * thread. At most %WS_ANNOUNCEMENT_MAX_S seconds are kept.
 */

/** The longest announcement kept, in seconds. */
#define WS_ANNOUNCEMENT_MAX_S 120

/**
 * ws_announcement_decode:
 * @location: a file path or a URI, any format GStreamer decodes.
 * @rate: samples per second (8000 to 192000).
 * @channels: 1 to 8.
 * @n_frames: (out): frames returned.
 * @error: WS_ERROR_ARGUMENT for a bad rate or channel count;
 *   WS_ERROR_IO when @location cannot be read or decoded (GStreamer's
 *   message); WS_ERROR_INVALID when it holds no audio.
 *
 * Returns: (transfer full) (nullable): the samples (g_free()), NULL on
 *   error.
 */
float *ws_announcement_decode (const char *location, int rate, int channels,
    gsize *n_frames, GError **error);

/**
 * ws_announcement_speak:
 * @text: what to say, UTF-8.
 * @language: (nullable): BCP 47 language of the voice (espeak-ng's voice
 *   of that name, else of its primary language, else English).
 * @rate, @channels, @n_frames, @error: as ws_announcement_decode(); also
 *   WS_ERROR_NOT_FOUND when watershed was built without espeak-ng or its
 *   data is missing.
 *
 * Speaks @text with espeak-ng, the fallback voice where no recording
 * exists. Serialised (espeak-ng has one global state).
 *
 * Returns: (transfer full) (nullable): the samples (g_free()).
 */
float *ws_announcement_speak (const char *text, const char *language, int rate,
    int channels, gsize *n_frames, GError **error);

/** Returns: TRUE when built with espeak-ng. */
gboolean ws_announcement_can_speak (void);

G_END_DECLS

#endif /* WS_PLUGINS_WS_ANNOUNCEMENT_H */
