/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: helpers shared by the element tests (header-only). */
#ifndef WS_TESTS_WS_TEST_GST_H
#define WS_TESTS_WS_TEST_GST_H

#include <gst/gst.h>

#include "ws-metadata.h"
#include "ws-rating-event.h"

/**
 * ws_test_rating_event:
 * @system, @code, @territory: (nullable): the rating, as an application
 *   sends it (`source` "application").
 * Returns: (transfer full): a `watershed-rating` event.
 */
static inline GstEvent *
ws_test_rating_event (const gchar *system, const gchar *code,
    const gchar *territory)
{
  WsRating *r = ws_rating_new ();
  GstEvent *ev;

  r->system = g_strdup (system);
  r->code = g_strdup (code);
  r->territory = g_strdup (territory);
  ev = ws_rating_event_new (r, "application");
  ws_rating_free (r);
  return ev;
}

#endif /* WS_TESTS_WS_TEST_GST_H */
