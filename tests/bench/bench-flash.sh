#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Flash benchmark: watershed's photosensitive flash core (tests/bench/bench_flash)
# against FFmpeg's `photosensitivity` filter, on the same H.264 1080p25 file
# made here with ffmpeg's lavfi sources: testsrc2 with half the screen
# flashing white at 4.2 Hz from 20 s to 30 s, the whole screen flashing red
# at 6.25 Hz from 40 s to 44 s, and full-screen stationary black/white
# stripes (60 pairs) from 50 s to 52 s (a regular pattern).
#
# Everything runs on one thread (decoder threads=1, filter threads 1) and
# times are CPU seconds (user + sys: bench_flash's own clock, ffmpeg's
# -benchmark), so other load on the machine matters less. Printed side by side:
#   core alone     ms per frame on decoded frames in memory (I420 and others;
#                  I420 with the pattern detector off, and full-screen
#                  reversing stripes, the pattern detector's worst case)
#   decode only    ours (libavcodec) and ffmpeg's
#   decode + flash ours; the difference is the analysis cost per frame
#   ffmpeg         -vf format=rgb24 (the conversion photosensitivity needs)
#                  and -vf photosensitivity; the filter's own cost is the
#                  difference
#
# Usage: tests/bench/bench-flash.sh BUILD_DIR
# Env:   BENCH_SECONDS (default 60): length of the test file.
#        BENCH_REPEAT (default 1): runs of each side; the fastest counts.
#        IRIS_APP: path of EA IRIS's example IrisApp (built as
#        tests/bench/README.md says); when set, IRIS runs on the same file
#        without and with its pattern detection (CPU s from /usr/bin/time;
#        IRIS decodes with OpenCV on its own threads).
# Goal:  core <= 1 ms per 1080p frame on one core, pattern detection
#        included.
set -eu

if [ $# -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
bench="$1/tests/bench/bench_flash"
if [ ! -x "$bench" ]; then
  echo "$0: $bench: not built (ninja -C $1 tests/bench/bench_flash)" >&2
  exit 2
fi
command -v ffmpeg >/dev/null || { echo "$0: ffmpeg not found" >&2; exit 2; }

seconds="${BENCH_SECONDS:-60}"
repeat="${BENCH_REPEAT:-1}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT INT TERM
mp4="$tmp/flashing.mp4"

echo "making ${seconds} s of H.264 1080p25 ..."
ffmpeg -nostdin -hide_banner -loglevel error \
  -f lavfi -i "testsrc2=size=1920x1080:rate=25:duration=$seconds" \
  -vf "drawbox=x=0:y=0:w=iw/2:h=ih:color=white:t=fill:enable='between(t,20,30)*lt(mod(n,6),3)',drawbox=x=0:y=0:w=iw:h=ih:color=red:t=fill:enable='between(t,40,44)*lt(mod(n,4),2)',drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='between(t,50,52)',drawgrid=w=32:h=ih*4:t=16:c=white:enable='between(t,50,52)'" \
  -c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p "$mp4"

# CPU seconds (user + sys) of an ffmpeg run, from its -benchmark line
. "$(dirname "$0")/common.sh"
ff() { ffmpeg_cpu "$mp4" "$@"; }

best_ours_txt=""
ff_dec=""
ff_rgb=""
ff_ps=""
ours_dec=""
ours_flash=""
i=0
while [ "$i" -lt "$repeat" ]; do
  "$bench" "$mp4" >"$tmp/ours.txt"
  d=$(sed -n 's/^decode_s: //p' "$tmp/ours.txt")
  f=$(sed -n 's/^decode_flash_s: //p' "$tmp/ours.txt")
  ours_dec=$(keep_min "$ours_dec" "$d")
  ours_flash=$(keep_min "$ours_flash" "$f")
  [ -n "$best_ours_txt" ] || best_ours_txt="$(cat "$tmp/ours.txt")"
  ff_dec=$(keep_min "$ff_dec" "$(ff)")
  ff_rgb=$(keep_min "$ff_rgb" "$(ff -vf format=rgb24)")
  ff_ps=$(keep_min "$ff_ps" "$(ff -vf photosensitivity)")
  i=$((i + 1))
done

iris_cpu() { # -p 0|1: CPU s of an IrisApp run on the file, in $tmp/iris
  mkdir -p "$tmp/iris"
  cp "$(dirname "$IRIS_APP")/appsettings.json" "$tmp/iris/"
  (cd "$tmp/iris" && /usr/bin/time -f '%U %S' -o "$tmp/iris.time" \
    "$IRIS_APP" -v "$mp4" -p "$1" >"$tmp/iris/log" 2>&1)
  awk '{ printf "%.3f", $1 + $2 }' "$tmp/iris.time"
}
iris0=""
iris1=""
if [ -n "${IRIS_APP:-}" ] && [ -x "$IRIS_APP" ] && [ -x /usr/bin/time ]; then
  iris0=$(iris_cpu 0)
  iris1=$(iris_cpu 1)
fi

frames=$(echo "$best_ours_txt" | sed -n 's/^frames: //p')
echo "$best_ours_txt" | sed 's/^/  ours: /'
echo
echo "file: ${seconds} s, $frames frames of 1920x1080 H.264 (one thread, CPU s)"
printf '%-44s %8s %12s\n' "" "total_s" "ms/frame"
row() { printf '%-44s %8s %12s\n' "$1" "$2" "$(calc "$2 * 1000 / $frames")"; }
row "watershed decode only (libavcodec)" "$ours_dec"
row "watershed decode + flash" "$ours_flash"
row "ffmpeg decode only" "$ff_dec"
row "ffmpeg -vf format=rgb24" "$ff_rgb"
row "ffmpeg -vf photosensitivity" "$ff_ps"
if [ -n "$iris0" ]; then
  row "IRIS (decode + luminance + red)" "$iris0"
  row "IRIS with pattern detection (-p 1)" "$iris1"
fi
ours_cost=$(calc "($ours_flash - $ours_dec) * 1000 / $frames")
ps_cost=$(calc "($ff_ps - $ff_rgb) * 1000 / $frames")
ps_all=$(calc "($ff_ps - $ff_dec) * 1000 / $frames")
core=$(echo "$best_ours_txt" | sed -n 's/^core_i420_ms_per_frame: //p')
core_np=$(echo "$best_ours_txt" | sed -n 's/^core_i420_nopattern_ms_per_frame: //p')
core_st=$(echo "$best_ours_txt" | sed -n 's/^core_i420_stripes_ms_per_frame: //p')
echo
echo "flash analysis in the decode loop:        $ours_cost ms/frame"
echo "flash core alone (I420, frames in memory): $core ms/frame"
echo "  of which regular patterns:              $(calc "$core - $core_np") ms/frame (core without: $core_np)"
echo "flash core alone on full-screen stripes:  $core_st ms/frame (pattern worst case)"
echo "photosensitivity filter alone:            $ps_cost ms/frame"
echo "photosensitivity + its RGB conversion:    $ps_all ms/frame"
if [ -n "$iris0" ]; then
  echo "IRIS pattern detection alone:             $(calc "($iris1 - $iris0) * 1000 / $frames") ms/frame"
fi
echo "ratio decode+flash / decode:              $(calc "$ours_flash / $ours_dec")"
echo "ratio photosensitivity run / ffmpeg decode: $(calc "$ff_ps / $ff_dec")"
if holds "$ours_cost > 0"; then
  echo "photosensitivity filter / our analysis:   $(calc "$ps_cost / $ours_cost")x"
  echo "photosensitivity + RGB / our analysis:    $(calc "$ps_all / $ours_cost")x"
fi
if holds "$core <= 1.0 && $core_st <= 1.0"; then
  echo "goal (core <= 1 ms/frame at 1080p): met"
else
  echo "goal (core <= 1 ms/frame at 1080p): NOT met"
fi
