/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: photosensitive flash benchmark. Decodes the first video stream
 * of a file with libavformat/libavcodec on one thread and prints stable
 * key: value lines (times are CPU seconds of this single-threaded process):
 *
 *   frames: 1500                   frames in the file
 *   width: 1920, height: 1080, format: I420
 *   decode_s: 6.80                 decode only
 *   decode_flash_s: 7.90           decode + ws_flash_push_frame on each frame
 *   flash_in_decode_ms_per_frame   time inside ws_flash_push_frame
 *   verdict, incidents             what the core found in the file
 *   transfer: pq                   the transfer function the stream states
 *                                  (sdr-srgb when it says none), used for
 *                                  every analysis below, with its primaries
 *   core_<fmt>_ms_per_frame        the core alone on frames decoded once into
 *                                  memory (the first 50, converted with
 *                                  swscale for the other formats), pushed
 *                                  BENCH_CORE_FRAMES times (default 1500);
 *                                  <fmt> is i420 for 8-bit 4:2:0 and the
 *                                  decoded format's name otherwise
 *                                  (i420_10le for HEVC Main10)
 *   core_<fmt>_nopattern_ms_per_frame  the same with the regular pattern
 *                                  detector off
 *   core_i420_stripes_ms_per_frame the core on I420 frames of full-screen
 *                                  stripes (the pattern detector's worst
 *                                  case: extremes everywhere), reversing
 *                                  every 4 frames (8-bit 4:2:0 files only)
 *
 * Env: BENCH_SAMPLE_STEP overrides WsFlashParams.sample_step (default 0:
 *      by resolution, 4 at 1080p);
 *      BENCH_PATTERN=0 turns the pattern detector off everywhere.
 *      BENCH_KEEP_FRAMES: frames kept for the core alone (1-50, default 50;
 *      fewer for 2160p, whose 10-bit frames are 25 MB each).
 *
 * Usage: bench_flash FILE. Run by tests/bench/bench-flash.sh, which compares
 * it with `ffmpeg -vf photosensitivity`. Exit 0, or 2 on error. */
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ws-av.h"
#include "ws-flash.h"

#define N_KEEP 50

static double
cpu_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static int no_pattern;

/* Defaults, with BENCH_SAMPLE_STEP overriding sample_step, BENCH_PATTERN=0
 * (or no_pattern) turning the pattern detector off, and the transfer
 * function and primaries of the stream (set from its first frame, as
 * `watershed check` does). */
static WsFlashParams params;
static WsFlashMatrix matrix = WS_FLASH_MATRIX_BT709;

static const WsFlashParams *
bench_params (void)
{
  const char *step = getenv ("BENCH_SAMPLE_STEP");
  const char *pattern = getenv ("BENCH_PATTERN");

  if (step != NULL && atoi (step) > 0)
    params.sample_step = atoi (step);
  params.pattern = !(no_pattern || (pattern != NULL && atoi (pattern) == 0));
  return &params;
}

/* @n I420 frames like @like of full-screen vertical stripes, 16 pixels
 * apart, the phase reversing every 4 frames. NULL on failure. */
static int
make_stripes (const AVFrame *like, AVFrame **out, int n)
{
  for (int i = 0; i < n; i++) {
    AVFrame *f = av_frame_alloc ();
    out[i] = f;
    if (f == NULL)
      return 0;
    f->format = AV_PIX_FMT_YUV420P;
    f->width = like->width;
    f->height = like->height;
    if (av_frame_get_buffer (f, 64) < 0)
      return 0;
    for (int y = 0; y < f->height; y++)
      for (int x = 0; x < f->width; x++)
        f->data[0][(size_t) y * f->linesize[0] + x] = (((x / 8) + (i / 4)) &
                                                          1) ?
                                                          16 :
                                                          235;
    for (int p = 1; p < 3; p++)
      memset (f->data[p], 128, (size_t) f->linesize[p] * ((f->height + 1) / 2));
  }
  return 1;
}

static void
set_display (const AVFrame *frame)
{
  ws_flash_params_init (&params);
  ws_av_flash_display (frame->color_trc, frame->color_primaries, &params);
  matrix = ws_av_flash_matrix (frame);
}

typedef struct {
  AVFormatContext *fmt;
  AVCodecContext *dec;
  int stream;
} Input;

static int
open_input (const char *path, Input *in)
{
  const AVCodec *codec = NULL;
  int ret;

  in->fmt = NULL;
  in->dec = NULL;
  if ((ret = avformat_open_input (&in->fmt, path, NULL, NULL)) < 0) {
    fprintf (stderr, "bench_flash: %s: %s\n", path, av_err2str (ret));
    return 0;
  }
  if ((ret = avformat_find_stream_info (in->fmt, NULL)) < 0) {
    fprintf (stderr, "bench_flash: %s: %s\n", path, av_err2str (ret));
    return 0;
  }
  in->stream = av_find_best_stream (in->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec,
      0);
  if (in->stream < 0) {
    fprintf (stderr, "bench_flash: %s: no video stream\n", path);
    return 0;
  }
  in->dec = avcodec_alloc_context3 (codec);
  if (in->dec == NULL)
    return 0;
  avcodec_parameters_to_context (in->dec,
      in->fmt->streams[in->stream]->codecpar);
  in->dec->thread_count = 1;
  if ((ret = avcodec_open2 (in->dec, codec, NULL)) < 0) {
    fprintf (stderr, "bench_flash: %s: %s\n", path, av_err2str (ret));
    return 0;
  }
  return 1;
}

static void
close_input (Input *in)
{
  avcodec_free_context (&in->dec);
  avformat_close_input (&in->fmt);
}

typedef struct {
  int analyse;
  WsFlash *flash;
  WsFlashFormat format;
  long frames;
  double push_s;
  int64_t last_pts;
  AVFrame *keep[N_KEEP];
  int n_keep;
  int error;
} Run;

static int keep_max = N_KEEP;

static void
on_frame (Run *run, AVFrame *frame, AVRational tb)
{
  WsFlashFrame wf;
  WsFlashRange range;
  int64_t pts;
  double t0;

  run->frames++;
  if (!run->analyse)
    return;
  if (run->flash == NULL) {
    set_display (frame);
    run->format = ws_av_flash_format (frame->format, &range);
    if (frame->color_range == AVCOL_RANGE_JPEG)
      range = WS_FLASH_RANGE_FULL;
    if (ws_flash_new (&run->flash, frame->width, frame->height, run->format,
            range, matrix, bench_params ()) != WS_RESULT_OK) {
      fprintf (stderr, "bench_flash: cannot analyse %s %dx%d\n",
          av_get_pix_fmt_name (frame->format), frame->width, frame->height);
      run->error = 1;
      return;
    }
  }
  pts = frame->best_effort_timestamp != AV_NOPTS_VALUE ?
            av_rescale_q (frame->best_effort_timestamp, tb,
                (AVRational){ 1, 1000000000 }) :
            run->last_pts + 40000000;
  if (run->frames > 1 && pts <= run->last_pts)
    pts = run->last_pts + 1;
  run->last_pts = pts;
  ws_av_flash_frame (frame, run->format, pts, &wf);
  t0 = cpu_s ();
  if (ws_flash_push_frame (run->flash, &wf) != WS_RESULT_OK)
    run->error = 1;
  run->push_s += cpu_s () - t0;
  if (run->n_keep < keep_max)
    run->keep[run->n_keep++] = av_frame_clone (frame);
}

static int
decode_file (const char *path, Run *run)
{
  Input in;
  AVPacket *pkt = av_packet_alloc ();
  AVFrame *frame = av_frame_alloc ();
  int ok = 0, ret;
  AVRational tb;

  if (pkt == NULL || frame == NULL || !open_input (path, &in))
    goto end;
  tb = in.fmt->streams[in.stream]->time_base;
  while ((ret = av_read_frame (in.fmt, pkt)) >= 0) {
    if (pkt->stream_index == in.stream) {
      ret = avcodec_send_packet (in.dec, pkt);
      while (ret >= 0) {
        ret = avcodec_receive_frame (in.dec, frame);
        if (ret == AVERROR (EAGAIN) || ret == AVERROR_EOF)
          break;
        if (ret < 0)
          goto close;
        on_frame (run, frame, tb);
        av_frame_unref (frame);
      }
    }
    av_packet_unref (pkt);
  }
  avcodec_send_packet (in.dec, NULL);
  while (avcodec_receive_frame (in.dec, frame) >= 0) {
    on_frame (run, frame, tb);
    av_frame_unref (frame);
  }
  ok = !run->error;
close:
  close_input (&in);
end:
  av_packet_free (&pkt);
  av_frame_free (&frame);
  return ok;
}

/* The core alone: @n pushes cycling over @frames. Returns ms per frame. */
static double
bench_core (AVFrame **frames, int n_frames, WsFlashFormat format,
    WsFlashRange range, long n)
{
  WsFlash *f = NULL;
  double t0, t;

  if (ws_flash_new (&f, frames[0]->width, frames[0]->height, format, range,
          matrix, bench_params ()) != WS_RESULT_OK)
    return -1.0;
  t0 = cpu_s ();
  for (long i = 0; i < n; i++) {
    WsFlashFrame wf;
    ws_av_flash_frame (frames[i % n_frames], format, (int64_t) i * 40000000,
        &wf);
    if (ws_flash_push_frame (f, &wf) != WS_RESULT_OK) {
      ws_flash_free (f);
      return -1.0;
    }
  }
  t = cpu_s () - t0;
  ws_flash_free (f);
  return t * 1000.0 / (double) n;
}

static int
convert_all (AVFrame **src, int n, enum AVPixelFormat to, AVFrame **dst)
{
  struct SwsContext *sws = sws_getContext (src[0]->width, src[0]->height,
      src[0]->format, src[0]->width, src[0]->height, to, SWS_POINT, NULL, NULL,
      NULL);
  if (sws == NULL)
    return 0;
  for (int i = 0; i < n; i++) {
    dst[i] = av_frame_alloc ();
    if (dst[i] == NULL)
      return 0;
    dst[i]->format = to;
    dst[i]->width = src[i]->width;
    dst[i]->height = src[i]->height;
    if (av_frame_get_buffer (dst[i], 64) < 0)
      return 0;
    sws_scale (sws, (const uint8_t *const *) src[i]->data, src[i]->linesize, 0,
        src[i]->height, dst[i]->data, dst[i]->linesize);
  }
  sws_freeContext (sws);
  return 1;
}

int
main (int argc, char **argv)
{
  Run decode = { 0 }, analyse = { 0 };
  double t0, decode_s, flash_s;
  long core_n = 1500;
  const char *env = getenv ("BENCH_CORE_FRAMES");
  int status = 2;
  const WsFlashIncident *inc;
  size_t n_inc = 0;
  WsFlashVerdict verdict = WS_FLASH_VERDICT_PASS;
  WsFlashRange range;
  static const struct {
    enum AVPixelFormat fmt;
    const char *name;
  } others[] = {
    { AV_PIX_FMT_NV12, "nv12" },
    { AV_PIX_FMT_YUV420P10LE, "i420_10le" },
    { AV_PIX_FMT_P010LE, "p010" },
    { AV_PIX_FMT_BGR0, "bgrx" },
    { AV_PIX_FMT_RGB24, "rgb" },
  };

  if (argc != 2) {
    fprintf (stderr, "usage: bench_flash FILE\n");
    return 2;
  }
  if (env != NULL && atol (env) > 0)
    core_n = atol (env);
  env = getenv ("BENCH_KEEP_FRAMES");
  if (env != NULL && atoi (env) > 0 && atoi (env) < N_KEEP)
    keep_max = atoi (env);

  t0 = cpu_s ();
  if (!decode_file (argv[1], &decode))
    return 2;
  decode_s = cpu_s () - t0;

  analyse.analyse = 1;
  t0 = cpu_s ();
  if (!decode_file (argv[1], &analyse))
    goto end;
  ws_flash_finish (analyse.flash);
  flash_s = cpu_s () - t0;
  ws_flash_get_incidents (analyse.flash, &inc, &n_inc);
  ws_flash_get_verdict (analyse.flash, &verdict);

  printf ("frames: %ld\n", analyse.frames);
  printf ("width: %d\nheight: %d\nformat: %s\n", analyse.keep[0]->width,
      analyse.keep[0]->height, ws_flash_format_to_string (analyse.format));
  printf ("transfer: %s\nprimaries: %s\n",
      ws_flash_eotf_to_string (params.eotf),
      ws_flash_primaries_to_string (params.primaries));
  {
    int step = 0;
    ws_flash_get_sample_step (analyse.flash, &step);
    printf ("sample_step: %d\n", step);
  }
  printf ("decode_s: %.3f\n", decode_s);
  printf ("decode_flash_s: %.3f\n", flash_s);
  printf ("flash_in_decode_ms_per_frame: %.3f\n",
      analyse.push_s * 1000.0 / (double) analyse.frames);
  printf ("verdict: %s\nincidents: %zu\n", ws_flash_verdict_to_string (verdict),
      n_inc);
  for (size_t i = 0; i < n_inc; i++)
    printf ("incident: %s %s %.2f-%.2f s rate %.1f area %.2f pairs %d\n",
        ws_flash_kind_to_string (inc[i].kind),
        ws_flash_verdict_to_string (inc[i].verdict), inc[i].start_ns / 1e9,
        inc[i].end_ns / 1e9, inc[i].peak_flash_rate, inc[i].peak_area,
        inc[i].pattern_pairs);

  ws_av_flash_format (analyse.keep[0]->format, &range);
  {
    /* "i420" for 8-bit 4:2:0, the decoded format's name otherwise */
    char name[32];
    const char *fmt = ws_flash_format_to_string (analyse.format);
    size_t i = 0;

    for (; fmt[i] != '\0' && i + 1 < sizeof (name); i++)
      name[i] = (char) tolower ((unsigned char) fmt[i]);
    name[i] = '\0';
    printf ("core_%s_ms_per_frame: %.3f\n", name,
        bench_core (analyse.keep, analyse.n_keep, analyse.format, range,
            core_n));
    no_pattern = 1;
    printf ("core_%s_nopattern_ms_per_frame: %.3f\n", name,
        bench_core (analyse.keep, analyse.n_keep, analyse.format, range,
            core_n));
    no_pattern = 0;
  }
  if (analyse.format == WS_FLASH_FORMAT_I420) {
    AVFrame *stripes[8] = { NULL };
    if (make_stripes (analyse.keep[0], stripes, 8))
      printf ("core_%s_ms_per_frame: %.3f\n", "i420_stripes",
          bench_core (stripes, 8, WS_FLASH_FORMAT_I420, WS_FLASH_RANGE_LIMITED,
              core_n));
    for (int i = 0; i < 8; i++)
      av_frame_free (&stripes[i]);
  }
  for (size_t k = 0; k < sizeof (others) / sizeof (others[0]); k++) {
    AVFrame *conv[N_KEEP] = { NULL };
    WsFlashRange r;
    WsFlashFormat f = ws_av_flash_format (others[k].fmt, &r);
    if (f == analyse.format)
      continue; /* measured above, as decoded */
    if (convert_all (analyse.keep, analyse.n_keep, others[k].fmt, conv))
      printf ("core_%s_ms_per_frame: %.3f\n", others[k].name,
          bench_core (conv, analyse.n_keep, f, r, core_n));
    for (int i = 0; i < analyse.n_keep; i++)
      av_frame_free (&conv[i]);
  }
  status = 0;
end:
  for (int i = 0; i < analyse.n_keep; i++)
    av_frame_free (&analyse.keep[i]);
  ws_flash_free (analyse.flash);
  return status;
}
