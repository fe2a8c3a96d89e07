/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the public C API in one include (pkg-config watershed-1.0).
 *
 *   #include <watershed.h>
 *
 * - the rating event and tags every watershed element reads and an
 *   application may send (ws-rating-event.h, DESIGN.md contract 1);
 * - rating systems, conversion and the rating order (ws-rating-system.h);
 * - which rating applies, comparing, formatting and resolving ratings
 *   (ws-rating.h);
 * - metadata readers: IMF CPL, TV-Anytime / DVB-I, EBUCore, iTunes, XMLTV,
 *   the sidecar (ws-metadata.h), and ratings embedded in media files
 *   (ws-embedded.h);
 * - the time-slot policy engine and schedules (ws-policy.h, ws-schedule.h);
 * - support information: the helplines a rating calls for (ws-support.h);
 * - where the data files are (ws-data.h) and the error domain (ws-error.h).
 *
 * Link with `pkg-config --cflags --libs watershed-1.0`. */
#ifndef WATERSHED_H
#define WATERSHED_H

#include "ws-data.h"
#include "ws-embedded.h"
#include "ws-error.h"
#include "ws-metadata.h"
#include "ws-policy.h"
#include "ws-rating-event.h"
#include "ws-rating.h"
#include "ws-rating-system.h"
#include "ws-schedule.h"
#include "ws-support.h"
#include "ws-territory.h"

#endif /* WATERSHED_H */
