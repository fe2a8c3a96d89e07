/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the pre-programme warning's words, language and timing. */
#include "ws-warning.h"

#include <string.h>

#include "ws-xml.h"

gboolean
ws_warning_required (const WsGuidance *guidance)
{
  return guidance != NULL && guidance->announcement;
}

/* TRUE when BCP 47 @tag is @want or shares its primary language. */
static gboolean
lang_matches (const char *tag, const char *want)
{
  gsize a, b;

  if (tag == NULL || want == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (tag, want) == 0)
    return TRUE;
  a = strcspn (tag, "-_");
  b = strcspn (want, "-_");
  return a == b && a > 0 && g_ascii_strncasecmp (tag, want, a) == 0;
}

/* The first non-empty text of @texts in @want, or NULL. */
static const WsGuidanceText *
text_in (const GPtrArray *texts, const char *want)
{
  if (texts == NULL || want == NULL)
    return NULL;
  for (guint i = 0; i < texts->len; i++) {
    const WsGuidanceText *t = g_ptr_array_index (texts, i);
    if (t->text && t->text[0] && lang_matches (t->lang, want))
      return t;
  }
  return NULL;
}

static const WsGuidanceText *
first_text (const GPtrArray *texts)
{
  for (guint i = 0; texts && i < texts->len; i++) {
    const WsGuidanceText *t = g_ptr_array_index (texts, i);
    if (t->text && t->text[0])
      return t;
  }
  return NULL;
}

WsWarning *
ws_warning_plan (const WsWarningRequest *req)
{
  WsWarning *w = g_new0 (WsWarning, 1);
  const GPtrArray *ann = req->guidance ? req->guidance->announcements : NULL;
  const GPtrArray *rtexts = req->rating ? req->rating->texts : NULL;
  const WsGuidanceText *t = NULL, *d;
  const char *want = req->language;
  const char *found;

  if (want == NULL || want[0] == '\0') {
    const WsGuidanceText *f = first_text (ann);
    want = f && f->lang ? f->lang : WS_WARNING_FALLBACK_LANGUAGE;
  }

  if (req->text && req->text[0]) {
    w->headline = ws_utf8_cut (req->text, WS_GUIDANCE_TEXT_MAX_CHARS);
    w->language = g_strdup (want);
  } else {
    t = text_in (ann, want);
    if (t == NULL)
      t = text_in (ann, WS_WARNING_FALLBACK_LANGUAGE);
    if (t == NULL)
      t = first_text (ann);
    if (t) {
      w->headline = g_strdup (t->text);
      w->language = g_strdup (t->lang ? t->lang : want);
    } else {
      /* the fallback language's own sentence */
      w->headline = req->rating_name && req->rating_name[0] ?
                        g_strdup_printf ("The following programme is rated "
                                         "%s.",
                            req->rating_name) :
                        g_strdup ("The following programme is not suitable "
                                  "for younger viewers.");
      w->language = g_strdup (WS_WARNING_FALLBACK_LANGUAGE);
    }
  }

  d = text_in (rtexts, w->language);
  if (d == NULL)
    d = text_in (rtexts, WS_WARNING_FALLBACK_LANGUAGE);
  if (d && g_strcmp0 (d->text, w->headline) != 0)
    w->detail = g_strdup (d->text);

  if (req->duration_ns > 0)
    w->duration_ns = req->duration_ns;
  else if (req->guidance && req->guidance->announcement_duration_s > 0)
    w->duration_ns = req->guidance->announcement_duration_s *
                     G_GUINT64_CONSTANT (1000000000);
  else
    w->duration_ns = WS_WARNING_DEFAULT_DURATION_NS;

  if (req->audio_file && req->audio_file[0]) {
    w->audio = WS_WARNING_AUDIO_FILE;
    w->audio_file = g_strdup (req->audio_file);
  } else if (req->recordings != NULL &&
             (found = ws_recordings_find (req->recordings, req->territory,
                  req->rating, w->language)) != NULL) {
    /* the broadcaster's recording in the card's language */
    w->audio = WS_WARNING_AUDIO_FILE;
    w->audio_file = g_strdup (found);
  } else if (req->speech) {
    w->audio = WS_WARNING_AUDIO_SPEECH;
  } else {
    w->audio = WS_WARNING_AUDIO_NONE;
  }
  w->rule_id = g_strdup (req->guidance ? req->guidance->id : NULL);
  return w;
}

void
ws_warning_free (WsWarning *w)
{
  if (w == NULL)
    return;
  g_free (w->headline);
  g_free (w->detail);
  g_free (w->language);
  g_free (w->audio_file);
  g_free (w->rule_id);
  g_free (w);
}

char *
ws_warning_spoken_text (const WsWarning *w)
{
  if (w->detail)
    return g_strdup_printf ("%s %s", w->headline, w->detail);
  return g_strdup (w->headline);
}

const char *
ws_warning_audio_to_string (WsWarningAudio audio)
{
  switch (audio) {
    case WS_WARNING_AUDIO_FILE:
      return "file";
    case WS_WARNING_AUDIO_SPEECH:
      return "speech";
    case WS_WARNING_AUDIO_NONE:
    default:
      return "none";
  }
}

char *
ws_warning_describe (const WsWarning *w)
{
  return g_strdup_printf ("warning card %.3f s in %s, audio %s%s%s%s",
      w->duration_ns / 1e9, w->language, ws_warning_audio_to_string (w->audio),
      w->audio_file ? " " : "", w->audio_file ? w->audio_file : "",
      w->audio == WS_WARNING_AUDIO_SPEECH ? " (espeak-ng)" : "");
}
