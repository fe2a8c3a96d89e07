/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the GStreamer plugin. It only lists the elements. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <gst/gst.h>

#include "ws-config.h"
#include "ws-rating-event.h"
/* element headers: one line per element */
#include "loudnessmeter.h"
#include "flashdetect.h"
#include "ratinggate.h"
#include "ratingoverlay.h"
#include "ratingtag.h"
#include "ratingsignal.h"
#include "ratingwarning.h"

static gboolean
plugin_init (GstPlugin *plugin)
{
  gboolean ret = FALSE;

  ws_rating_tags_register ();

  /* registrations: one line per element */
  ret |= GST_ELEMENT_REGISTER (loudnessmeter, plugin);
  ret |= GST_ELEMENT_REGISTER (flashdetect, plugin);
  ret |= GST_ELEMENT_REGISTER (ratinggate, plugin);
  ret |= GST_ELEMENT_REGISTER (ratingoverlay, plugin);
  ret |= GST_ELEMENT_REGISTER (ratingtag, plugin);
  ret |= GST_ELEMENT_REGISTER (ratingsignal, plugin);
  ret |= GST_ELEMENT_REGISTER (ratingwarning, plugin);

  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, watershed,
    "Age ratings, watershed gating, on-screen guidance, loudness and "
    "photosensitive-flash analysis for broadcast and VOD pipelines",
    plugin_init, WS_VERSION, "LGPL", "watershed", "Unknown package origin")
