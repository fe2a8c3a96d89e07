/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: the per-file analysis behind `watershed check`.
 *
 * ws_check_file() opens one media file with libavformat, reads the ratings it
 * carries (MP4 iTunEXTC, Matroska LAW_RATING, the MPEG-TS EIT
 * parental_rating_descriptor) and its sidecar metadata, decodes audio and
 * video once in one demux loop (threaded decoders) feeding the loudness and
 * flash cores in the same pass, and runs the checks. The result is a plain
 * struct a report writer walks; memory stays constant whatever the length of
 * the file (the plotted series are decimated into a fixed number of points).
 *
 * Thread safety: ws_check_file() may run on several threads at once with the
 * same #WsCheckOptions (read only). */
#ifndef WS_TOOLS_WS_CHECK_H
#define WS_TOOLS_WS_CHECK_H

#include <glib.h>

#include "ws-flash.h"
#include "ws-loudness.h"
#include "ws-metadata.h"
#include "ws-policy.h"
#include "ws-rating-system.h"
#include "ws-support.h"

G_BEGIN_DECLS

/** WS_CHECK_GUIDANCE_MAX_CHARS: DVB-I's limit on a guidance text. */
#define WS_CHECK_GUIDANCE_MAX_CHARS 160

/** WS_CHECK_SERIES_MAX_POINTS: the most points a plotted series keeps. */
#define WS_CHECK_SERIES_MAX_POINTS 1024

/**
 * WsCheckStatus:
 * @WS_CHECK_PASS: the check (or file) passed.
 * @WS_CHECK_WARN: passed with a warning (flash "warn"); does not fail.
 * @WS_CHECK_FAIL: failed.
 * @WS_CHECK_NOT_APPLICABLE: nothing to check (no audio for loudness, no
 *   video for flash, no policy given).
 * @WS_CHECK_ERROR: the file could not be read (file status only).
 *
 * Names (ws_check_status_to_string()): "pass", "warn", "fail",
 * "not-applicable", "error".
 */
typedef enum {
  WS_CHECK_PASS = 0,
  WS_CHECK_WARN,
  WS_CHECK_FAIL,
  WS_CHECK_NOT_APPLICABLE,
  WS_CHECK_ERROR,
} WsCheckStatus;

const char *ws_check_status_to_string (WsCheckStatus status);

/**
 * WsCheckOptions:
 * @reg: rating systems (transfer none, required).
 * @territories: (nullable) (array zero-terminated=1): alpha-2 codes a rating
 *   must be present for; NULL = every territory the file's metadata names
 *   (embedded or sidecar); when it names none, the file fails "no rating".
 * @metadata: (nullable): a sidecar file used for every input, or a folder
 *   holding <base name>.xml per input; NULL = <base name>.xml next to each
 *   file (then <file name>.xml).
 * @preset: the loudness preset.
 * @policy: (nullable): the policy for the window and slot checks.
 * @service_class: (nullable): its service class; NULL = the default.
 * @from_us, @to_us: the range for the allowed windows.
 * @slot_us: an instant to decide, or %WS_TIME_NONE.
 * @require_audio, @require_video: a missing stream fails instead of being
 *   "not applicable".
 * @decoder_threads: libavcodec thread_count (0 = automatic).
 * @eit_scan_bytes: how much of an MPEG-TS file is scanned for the PAT and
 *   EIT sections (0 = the default, %WS_EMBEDDED_TS_SCAN_BYTES, 16 MiB).
 * @flash_sample_step: the flash core's #WsFlashParams sample_step (1-16);
 *   0 = by resolution: width / 480, at least 2 (the core's default), so
 *   about 480 to 960 samples per row are read (4 at 1080p, 8 at 2160p).
 * @limits: the loudness limits when @preset is %WS_LOUDNESS_PRESET_CUSTOM
 *   (a customer's spec); ignored otherwise.
 * @mono: how a one-channel audio track is measured (the mono rule;
 *   default %WS_LOUDNESS_MONO_DUAL, EBU Tech 3343).
 * @hlg_peak_cd_m2: the nominal peak luminance L_W of the display HLG video
 *   is judged on (#WsFlashParams hlg_peak_cd_m2, 100-10000; default 1000).
 * @exact_decode: decode video bit-exactly; FALSE (the default) decodes
 *   H.264 and HEVC analysis-grade: without the in-loop deblocking (and
 *   HEVC's SAO) filter and with libavcodec's fast flag
 *   (AV_CODEC_FLAG2_FAST), which the flash and pattern analysis cannot see
 *   (docs/decode.md); every frame is still decoded and analysed.
 * @allow_decode_errors: how many integrity problems (undecodable packets,
 *   lost frames, timestamp gaps, streams ending early) a file may have and
 *   still pass (its `integrity` check is then "warn"); 0 = none.
 * @support: (nullable): the support directory for the `support-info`
 *   check; NULL = the installed one (ws_support_directory_get_default()).
 * @programme: the programme of a multi-programme file (an MPEG-TS program
 *   number) whose streams and EIT are checked; -1 = the one holding the
 *   best video stream (else audio). A file without that programme is an
 *   error naming the ones it has.
 */
typedef struct {
  const WsRatingRegistry *reg;
  const char *const *territories;
  const char *metadata;
  WsLoudnessPreset preset;
  const WsPolicy *policy;
  const char *service_class;
  gint64 from_us;
  gint64 to_us;
  gint64 slot_us;
  gboolean require_audio;
  gboolean require_video;
  int decoder_threads;
  gsize eit_scan_bytes;
  int flash_sample_step;
  WsLoudnessLimits limits;
  WsLoudnessMono mono;
  int allow_decode_errors;
  double hlg_peak_cd_m2;
  const WsSupportDirectory *support;
  gboolean exact_decode;
  int programme;
} WsCheckOptions;

/** ws_check_options_init: defaults (ebu-r128, no policy, slot none,
 * automatic threads). */
void ws_check_options_init (WsCheckOptions *opts, const WsRatingRegistry *reg);

/**
 * WsCheckItem:
 * @id: the check ("rating-present", "rating-agreement", "guidance-text",
 *   "support-info", "loudness", "flash", "policy-windows", "policy-slot",
 *   "audio", "video").
 * @subject: (nullable): what it is about (a territory such as "GB").
 * @status: the outcome.
 * @message: an English sentence naming the values.
 */
typedef struct {
  char *id;
  char *subject;
  WsCheckStatus status;
  char *message;
} WsCheckItem;

/**
 * WsCheckRating:
 * @source: "embedded" or "sidecar".
 * @origin: where exactly ("iTunEXTC", "LAW_RATING", "COUNTRY/LAW_RATING",
 *   "EIT parental_rating_descriptor", or the sidecar file name).
 * @rating: (transfer full): the rating.
 */
typedef struct {
  char *source;
  char *origin;
  WsRating *rating;
} WsCheckRating;

/** WsCheckLoudnessPoint: one plotted point; NAN when not measured yet,
 * -INFINITY for digital silence. */
typedef struct {
  double t_s;
  double momentary_lufs;
  double shortterm_lufs;
} WsCheckLoudnessPoint;

/** WsCheckRiskPoint: the maximum flash risk (per kind) over a span. */
typedef struct {
  double t_s;
  double luminance;
  double red;
} WsCheckRiskPoint;

/**
 * WsCheckPolicy:
 * @policy_id: the policy's id.
 * @rating: (nullable): `system:code` judged, NULL when no rating applies
 *   (then decided as unrated: fail closed).
 * @windows: (element-type WsInterval): allowed periods in [from, to).
 * @slot_us: the slot decided, or %WS_TIME_NONE.
 * @slot: the decision (valid when @slot_us is set); its strings belong to
 *   the policy.
 */
typedef struct {
  char *policy_id;
  char *rating;
  GArray *windows;
  gint64 slot_us;
  WsDecision slot;
  char *slot_description;
} WsCheckPolicy;

/** WsCheckRange: a span of the file, in seconds from its start. */
typedef struct {
  double start_s;
  double end_s;
} WsCheckRange;

/**
 * WsCheckAudioTrack:
 * @stream_index: the stream's index in the container.
 * @track: the audio track number, from 1, in stream order.
 * @language: (nullable): the stream's language tag ("eng", "fra", "und").
 * @layout: (nullable): the channel layout as libavutil names it ("stereo",
 *   "5.1(side)", "mono", "4 channels").
 * @codec: (nullable): the decoder's name.
 * @channels, @rate_hz: as measured.
 * @measured: the loudness core ran (FALSE if the track had no frame).
 * @integrated_lufs, @lra_lu, @true_peak_dbtp, @max_momentary_lufs,
 *   @max_shortterm_lufs: the measurements, NAN when not measured.
 * @status: the verdict against the limits (pass or fail).
 * @message: an English sentence naming the track and the values.
 *
 * One audio track, measured and judged on its own.
 */
typedef struct {
  int stream_index;
  int track;
  char *language;
  char *layout;
  char *codec;
  int channels;
  int rate_hz;
  gboolean measured;
  double integrated_lufs;
  double lra_lu;
  double true_peak_dbtp;
  double max_momentary_lufs;
  double max_shortterm_lufs;
  WsCheckStatus status;
  char *message;
} WsCheckAudioTrack;

/**
 * WsCheckFile:
 * Everything found about one file. Times in seconds from the start of the
 * file. Strings are owned by the struct.
 */
typedef struct {
  char *path;
  WsCheckStatus status; /* pass, fail or error */
  char *error;          /* (nullable): why the file could not be read */
  char *format_name;    /* (nullable): libavformat's demuxer name */
  double duration_s;    /* container duration, or decoded; -1 unknown */
  char *sidecar_path;   /* (nullable) */
  char *sidecar_format; /* (nullable) */
  char *title;          /* (nullable): the sidecar's programme title */
  GPtrArray *ratings;   /* WsCheckRating*: embedded, then sidecar */
  GPtrArray *warnings;  /* char*: lenient readings, decode problems */
  GArray *checks;       /* WsCheckItem, in check order */

  /* audio */
  gboolean has_audio;
  char *audio_codec;
  int audio_channels;
  int audio_rate_hz;
  gboolean loudness_measured;
  WsLoudnessLimits limits;
  double integrated_lufs; /* NAN when not measured */
  double lra_lu;
  double true_peak_dbtp;
  double max_momentary_lufs;
  double max_shortterm_lufs;
  WsCheckStatus loudness_status;
  char *loudness_message;
  GArray *loudness_series; /* WsCheckLoudnessPoint */

  /* video */
  gboolean has_video;
  char *video_codec;
  int width;
  int height;
  gint64 video_frames;
  double frame_rate;     /* frames per second the stream declares; 0 unknown */
  int flash_sample_step; /* the flash core's sample step used; 0 not run */
  WsFlashVerdict flash_verdict;
  WsCheckStatus flash_status;
  char *flash_message;
  GArray *flash_incidents; /* WsFlashIncident */
  GArray *risk_series;     /* WsCheckRiskPoint */
  /* the display model the flash analysis assumed (valid when the video was
   * analysed: flash_status is not not-applicable): transfer function,
   * primaries, bit depth (of the decoded video), standard;
   * @flash_transfer_tagged is FALSE when
   * the stream did not say its transfer function, so the SDR model is an
   * assumption (warned about) */
  WsFlashDisplay flash_display;
  gboolean flash_transfer_tagged;

  WsCheckPolicy *policy; /* (nullable): with --policy */

  /* every audio track (WsCheckAudioTrack, in stream order); the audio and
   * loudness fields above (and loudness_series) are the worst track's:
   * failed before passed, then the furthest from the limits */
  GArray *audio_tracks;
  int worst_track; /* index into audio_tracks, -1 without audio */

  /* integrity: undecodable packets, lost frames, timestamp gaps and
   * streams that end early, counted over all decoded streams */
  gint64 integrity_problems;
  GArray *integrity_ranges; /* WsCheckRange, merged, in time order */
  WsCheckStatus integrity_status;
  char *integrity_message;
  /* libav's own log lines (warnings and errors), counted; also summarised
   * in @warnings */
  gint64 libav_log_lines;
  /* (nullable) (transfer none): how the video was decoded, a static
   * string: "analysis" (H.264 / HEVC without the loop filter, fast flag;
   * see #WsCheckOptions exact_decode) or "exact"; NULL without video */
  const char *decode_mode;
  /* the programme checked (MPEG-TS program number), -1 when the file has
   * none: only its streams are decoded, its EIT gives the rating */
  int programme;
} WsCheckFile;

/**
 * WsCheckProgressFunc:
 * @fraction: 0..1 of the file read so far.
 * Called from the thread running ws_check_file(), at most about every 1%.
 */
typedef void (*WsCheckProgressFunc) (const char *path, double fraction,
    gpointer user_data);

/**
 * ws_check_file:
 * @path: the media file.
 * @opts: (transfer none): the options.
 * @progress: (nullable): progress callback.
 *
 * Never fails as a call: a file that cannot be read gets status
 * %WS_CHECK_ERROR and @error says what is wrong, naming the file. So does
 * a file whose size or modification time changes while it is checked, or
 * whose container duration disagrees with what was decoded (truncated, or
 * still being written).
 *
 * Decoding runs on the calling thread (with libavcodec's threads) and the
 * analysis (loudness of every audio track, flash) on one more thread,
 * fed through a bounded queue, so the two overlap.
 *
 * libav's log is process-wide: the first call installs a log callback
 * (av_log_set_callback()) that files every line a check causes under that
 * file (counted, in its warnings) and drops lines not caused by a check, so
 * nothing reaches the terminal.
 * Returns: (transfer full): free with ws_check_file_free().
 */
WsCheckFile *ws_check_file (const char *path, const WsCheckOptions *opts,
    WsCheckProgressFunc progress, gpointer user_data);

/**
 * ws_check_file_new:
 * @path: the media file's path (copied).
 *
 * An empty result as ws_check_file() starts it (no checks, every
 * measurement NAN, every array empty), for readers of saved results
 * (ws-report-read.h).
 * Returns: (transfer full): free with ws_check_file_free().
 */
WsCheckFile *ws_check_file_new (const char *path);

/** ws_check_file_free: NULL is a no-op. */
void ws_check_file_free (WsCheckFile *file);

/**
 * ws_check_find_sidecar:
 * @path: a media file.
 * @metadata: (nullable): as #WsCheckOptions' @metadata.
 *
 * The sidecar ws_check_file() reads for @path: the --metadata file, or
 * <base name>.xml then <file name>.xml in the --metadata folder or next to
 * @path (the first that is a regular file).
 * Returns: (transfer full) (nullable): its path, NULL when there is none.
 */
char *ws_check_find_sidecar (const char *path, const char *metadata);

G_END_DECLS

#endif /* WS_TOOLS_WS_CHECK_H */
