/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: loudness benchmark. Decodes the first audio stream of a file
 * with libavformat/libavcodec and measures it with filters/ws-loudness
 * (true peak on). Prints stable key: value lines:
 *
 *   integrated_lufs: -23.01
 *   lra_lu: 4.20
 *   true_peak_dbtp: -1.02
 *   sample_peak_dbfs: -1.10
 *   frames: 28800000
 *   analysis_s: 0.812     (time inside ws_loudness_add_frames_*)
 *   total_s: 0.950        (whole run, decoding included)
 *   code_path: avx2       (the kernels the core ran)
 *
 * With --core also
 *   core_scalar_s: 0.400  (the core alone, scalar kernels)
 *   core_vector_s: 0.150  (the core alone, vectorised kernels)
 * : the first 60 s of decoded interleaved s16 or float audio
 * kept in memory and measured again, 10 times (10 minutes of audio at that
 * rate), once per path (WS_LOUDNESS_FLAG_SCALAR or not), in CPU seconds of
 * this thread, so other jobs on the machine matter less; 0.000 when the
 * decoder's format is another one.
 *
 * Usage: bench_loudness [--core] FILE. Run by tests/bench/bench-loudness.sh, which
 * compares it with `ffmpeg -af ebur128=peak=true`. Exit 0, or 2 on error. */
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ws-loudness.h"

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static double
cpu_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

/* The first seconds of audio, kept for the core-alone runs. */
typedef struct {
  int format; /* AV_SAMPLE_FMT_S16 or _FLT, interleaved */
  size_t frames, cap;
  void *data;
} Keep;

static void
keep_frame (Keep *k, const AVFrame *frame, int channels)
{
  size_t n = (size_t) frame->nb_samples, i;
  int c;

  if (k->frames + n > k->cap)
    n = k->cap - k->frames;
  if (n == 0)
    return;
  if (frame->format == AV_SAMPLE_FMT_S16) {
    k->format = AV_SAMPLE_FMT_S16;
    memcpy ((int16_t *) k->data + k->frames * channels, frame->data[0],
        n * channels * sizeof (int16_t));
  } else if (frame->format == AV_SAMPLE_FMT_FLT) {
    k->format = AV_SAMPLE_FMT_FLT;
    memcpy ((float *) k->data + k->frames * channels, frame->data[0],
        n * channels * sizeof (float));
  } else if (frame->format == AV_SAMPLE_FMT_FLTP) {
    float *dst = (float *) k->data + k->frames * channels;

    k->format = AV_SAMPLE_FMT_FLT;
    for (c = 0; c < channels; c++)
      for (i = 0; i < n; i++)
        dst[i * channels + c] = ((const float *) frame->extended_data[c])[i];
  } else {
    k->cap = 0; /* another format: no core-alone runs */
    return;
  }
  k->frames += n;
}

/* CPU seconds of 10 passes of the kept audio through a new state. */
static double
core_alone (const Keep *k, int channels, int rate, unsigned int flags)
{
  WsLoudness *l = NULL;
  double t0;
  int pass;

  if (k->frames == 0 || k->cap == 0 ||
      ws_loudness_new (&l, (unsigned int) channels, (unsigned int) rate,
          WS_LOUDNESS_LAYOUT_DEFAULT, NULL,
          WS_LOUDNESS_FLAG_TRUE_PEAK | flags) != WS_RESULT_OK)
    return 0.0;
  t0 = cpu_s ();
  for (pass = 0; pass < 10; pass++) {
    if (k->format == AV_SAMPLE_FMT_S16)
      ws_loudness_add_frames_s16 (l, k->data, k->frames);
    else
      ws_loudness_add_frames_f32 (l, k->data, k->frames);
  }
  t0 = cpu_s () - t0;
  ws_loudness_free (l);
  return t0;
}

static WsResult
feed (WsLoudness *l, const AVFrame *frame)
{
  size_t n = (size_t) frame->nb_samples;

  switch (frame->format) {
    case AV_SAMPLE_FMT_S16:
      return ws_loudness_add_frames_s16 (l, (const int16_t *) frame->data[0],
          n);
    case AV_SAMPLE_FMT_S32:
      return ws_loudness_add_frames_s32 (l, (const int32_t *) frame->data[0],
          n);
    case AV_SAMPLE_FMT_FLT:
      return ws_loudness_add_frames_f32 (l, (const float *) frame->data[0], n);
    case AV_SAMPLE_FMT_DBL:
      return ws_loudness_add_frames_f64 (l, (const double *) frame->data[0], n);
    case AV_SAMPLE_FMT_FLTP:
      return ws_loudness_add_planar_f32 (l,
          (const float *const *) frame->extended_data, n);
    default:
      return WS_RESULT_UNSUPPORTED_FORMAT;
  }
}

int
main (int argc, char **argv)
{
  AVFormatContext *fmt = NULL;
  AVCodecContext *dec = NULL;
  AVPacket *pkt = NULL;
  AVFrame *frame = NULL;
  WsLoudness *l = NULL;
  const AVCodec *codec = NULL;
  double t0 = now_s (), analysis = 0.0, v;
  Keep keep = { 0 };
  const char *path;
  int stream, ret, status = 2, core = 0;
  WsResult res;

  if (argc == 3 && strcmp (argv[1], "--core") == 0) {
    core = 1;
    argv++;
    argc--;
  }
  if (argc != 2) {
    fprintf (stderr, "usage: %s [--core] FILE\n", argv[0]);
    return 2;
  }
  path = argv[1];

  if ((ret = avformat_open_input (&fmt, path, NULL, NULL)) < 0 ||
      (ret = avformat_find_stream_info (fmt, NULL)) < 0) {
    fprintf (stderr, "bench_loudness: %s: %s\n", path, av_err2str (ret));
    goto end;
  }
  stream = av_find_best_stream (fmt, AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
  if (stream < 0) {
    fprintf (stderr, "bench_loudness: %s: no audio stream\n", path);
    goto end;
  }
  dec = avcodec_alloc_context3 (codec);
  pkt = av_packet_alloc ();
  frame = av_frame_alloc ();
  if (dec == NULL || pkt == NULL || frame == NULL) {
    fprintf (stderr, "bench_loudness: out of memory\n");
    goto end;
  }
  if ((ret = avcodec_parameters_to_context (dec,
           fmt->streams[stream]->codecpar)) < 0 ||
      (ret = avcodec_open2 (dec, codec, NULL)) < 0) {
    fprintf (stderr, "bench_loudness: %s: cannot open decoder: %s\n", path,
        av_err2str (ret));
    goto end;
  }
  res = ws_loudness_new (&l, (unsigned int) dec->ch_layout.nb_channels,
      (unsigned int) dec->sample_rate, WS_LOUDNESS_LAYOUT_DEFAULT, NULL,
      WS_LOUDNESS_FLAG_TRUE_PEAK);
  if (res != WS_RESULT_OK) {
    fprintf (stderr, "bench_loudness: %s: %d channels at %d Hz: %s\n", path,
        dec->ch_layout.nb_channels, dec->sample_rate,
        ws_result_to_string (res));
    goto end;
  }
  if (core) {
    keep.cap = (size_t) dec->sample_rate * 60;
    keep.data = malloc (
        keep.cap * (size_t) dec->ch_layout.nb_channels * sizeof (float));
    if (keep.data == NULL)
      keep.cap = 0;
  }

  for (;;) {
    int eof = av_read_frame (fmt, pkt) < 0;

    if (!eof && pkt->stream_index != stream) {
      av_packet_unref (pkt);
      continue;
    }
    ret = avcodec_send_packet (dec, eof ? NULL : pkt);
    av_packet_unref (pkt);
    if (ret < 0 && ret != AVERROR_EOF) {
      fprintf (stderr, "bench_loudness: %s: decoding: %s\n", path,
          av_err2str (ret));
      goto end;
    }
    while ((ret = avcodec_receive_frame (dec, frame)) >= 0) {
      double t = now_s ();

      res = feed (l, frame);
      analysis += now_s () - t;
      if (core)
        keep_frame (&keep, frame, dec->ch_layout.nb_channels);
      av_frame_unref (frame);
      if (res != WS_RESULT_OK) {
        fprintf (stderr, "bench_loudness: %s: sample format %s: %s\n", path,
            av_get_sample_fmt_name (dec->sample_fmt),
            ws_result_to_string (res));
        goto end;
      }
    }
    if (ret != AVERROR (EAGAIN) && ret != AVERROR_EOF) {
      fprintf (stderr, "bench_loudness: %s: decoding: %s\n", path,
          av_err2str (ret));
      goto end;
    }
    if (eof)
      break;
  }

  if (ws_loudness_get_integrated (l, &v) == WS_RESULT_OK)
    printf ("integrated_lufs: %.2f\n", v);
  else
    printf ("integrated_lufs: none\n");
  if (ws_loudness_get_range (l, &v) == WS_RESULT_OK)
    printf ("lra_lu: %.2f\n", v);
  if (ws_loudness_get_true_peak (l, WS_LOUDNESS_ALL_CHANNELS, &v) ==
      WS_RESULT_OK)
    printf ("true_peak_dbtp: %.2f\n", v);
  if (ws_loudness_get_sample_peak (l, WS_LOUDNESS_ALL_CHANNELS, &v) ==
      WS_RESULT_OK)
    printf ("sample_peak_dbfs: %.2f\n", v);
  printf ("frames: %llu\n", (unsigned long long) ws_loudness_get_frames (l));
  printf ("analysis_s: %.3f\n", analysis);
  printf ("total_s: %.3f\n", now_s () - t0);
  printf ("code_path: %s\n", ws_loudness_get_code_path (l));
  if (core) {
    printf ("core_scalar_s: %.3f\n",
        core_alone (&keep, dec->ch_layout.nb_channels, dec->sample_rate,
            WS_LOUDNESS_FLAG_SCALAR));
    printf ("core_vector_s: %.3f\n",
        core_alone (&keep, dec->ch_layout.nb_channels, dec->sample_rate, 0));
  }
  status = 0;

end:
  free (keep.data);
  ws_loudness_free (l);
  av_frame_free (&frame);
  av_packet_free (&pkt);
  avcodec_free_context (&dec);
  avformat_close_input (&fmt);
  return status;
}
