/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: loudnessmeter element (EBU R 128 / ATSC A/85 loudness). */
#ifndef WS_PLUGINS_LOUDNESSMETER_H
#define WS_PLUGINS_LOUDNESSMETER_H

#include <gst/audio/gstaudiofilter.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define WS_TYPE_LOUDNESS_METER (ws_loudness_meter_get_type ())
G_DECLARE_FINAL_TYPE (WsLoudnessMeter, ws_loudness_meter, WS, LOUDNESS_METER,
    GstAudioFilter)

/**
 * WS_TYPE_LOUDNESS_METER_PRESET:
 *
 * The #GEnum of the #WsLoudnessMeter:preset property; its values are those
 * of #WsLoudnessPreset (filters/ws-loudness.h), its nicks "ebu-r128",
 * "ebu-r128-strict", "atsc-a85" and "custom".
 */
#define WS_TYPE_LOUDNESS_METER_PRESET (ws_loudness_meter_preset_get_type ())
GType ws_loudness_meter_preset_get_type (void);

GST_ELEMENT_REGISTER_DECLARE (loudnessmeter);

G_END_DECLS

#endif /* WS_PLUGINS_LOUDNESSMETER_H */
