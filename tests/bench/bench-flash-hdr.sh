#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# HDR flash benchmark: watershed's flash core (tests/bench/bench_flash) on a
# 2160p25 HEVC Main10 BT.2100 PQ file made here with ffmpeg and libx265
# (testsrc2 with the left half flashing between black and PQ signal 0.5,
# about 92 cd/m^2, at 4.2 Hz from 1 s to 3 s), side by side with FFmpeg's
# `photosensitivity` filter on the same file.
#
# One thread, CPU seconds (user + sys), as bench-flash.sh. Printed:
#   core alone, ms per frame (10-bit frames in memory, PQ, BT.2020) at
#     the default sampling (sample_step 0: width / 480, every 8th pixel of
#     every 8th row at 2160p, what flashdetect and watershed check use) and,
#     for the record, steps 2 and 4
#   the time inside ws_flash_push_frame in the decode loop (default), and
#     decode only / decode + flash with libavcodec
#   ffmpeg decode only, -vf format=rgb24 and -vf photosensitivity
#
# Usage: tests/bench/bench-flash-hdr.sh BUILD_DIR
# Env:   BENCH_SECONDS (default 4): length of the test file (encoding 2160p
#        with libx265 takes a while).
#        BENCH_REPEAT (default 1): runs of each side; the fastest counts.
# Goal:  the analysis <= 3 ms per 2160p PQ 10-bit frame on one core.
set -eu
. "$(dirname "$0")/common.sh"
bench_init "$@"
bench="$build/tests/bench/bench_flash"
[ -x "$bench" ] || { echo "$0: $bench: not built" >&2; exit 2; }
command -v ffmpeg >/dev/null || { echo "$0: ffmpeg not found" >&2; exit 2; }

seconds="${BENCH_SECONDS:-4}"
repeat="${BENCH_REPEAT:-1}"
mp4="$tmp/hdr-pq.mp4"

echo "making ${seconds} s of HEVC Main10 PQ 2160p25 ..."
ffmpeg -nostdin -hide_banner -loglevel error \
  -f lavfi -i "testsrc2=size=3840x2160:rate=25:duration=$seconds" \
  -vf "drawbox=x=0:y=0:w=iw/2:h=ih:color=black:t=fill:enable='between(t,1,3)*gte(mod(n,6),3)',drawbox=x=0:y=0:w=iw/2:h=ih:color=0x808080:t=fill:enable='between(t,1,3)*lt(mod(n,6),3)'" \
  -c:v libx265 -preset ultrafast -pix_fmt yuv420p10le \
  -color_primaries bt2020 -color_trc smpte2084 -colorspace bt2020nc \
  -x265-params log-level=error:hdr-opt=1:repeat-headers=1:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc \
  "$mp4"

ff() { ffmpeg_cpu "$mp4" "$@"; }
ours() { # STEP: runs bench_flash, keeps its output in $tmp/ours-STEP.txt
  BENCH_SAMPLE_STEP="$1" BENCH_KEEP_FRAMES=8 BENCH_CORE_FRAMES=200 \
    "$bench" "$mp4" >"$tmp/ours-$1.txt"
}
val() { sed -n "s/^$2: //p" "$tmp/ours-$1.txt" | head -n 1; }

core2="" core4="" core0="" dec="" decflash="" ff_dec="" ff_rgb="" ff_ps=""
i=0
while [ "$i" -lt "$repeat" ]; do
  for step in 2 4 0; do ours "$step"; done
  core2=$(keep_min "$core2" "$(val 2 core_i420_10le_ms_per_frame)")
  core4=$(keep_min "$core4" "$(val 4 core_i420_10le_ms_per_frame)")
  core0=$(keep_min "$core0" "$(val 0 core_i420_10le_ms_per_frame)")
  dec=$(keep_min "$dec" "$(val 0 decode_s)")
  decflash=$(keep_min "$decflash" "$(val 0 decode_flash_s)")
  ff_dec=$(keep_min "$ff_dec" "$(ff)")
  ff_rgb=$(keep_min "$ff_rgb" "$(ff -vf format=rgb24)")
  ff_ps=$(keep_min "$ff_ps" "$(ff -vf photosensitivity)")
  i=$((i + 1))
done

frames=$(val 0 frames)
sed 's/^/  ours (default step): /' "$tmp/ours-0.txt"
echo
echo "file: ${seconds} s, $frames frames of 3840x2160 HEVC Main10 PQ" \
  "(transfer $(val 0 transfer), primaries $(val 0 primaries); one thread," \
  "CPU s)"
printf '%-46s %8s %10s\n' "" "total_s" "ms/frame"
row() { printf '%-46s %8s %10s\n' "$1" "$2" "$(calc "$2 * 1000 / $frames")"; }
row "watershed decode only (libavcodec)" "$dec"
row "watershed decode + flash (default step)" "$decflash"
row "ffmpeg decode only" "$ff_dec"
row "ffmpeg -vf format=rgb24" "$ff_rgb"
row "ffmpeg -vf photosensitivity" "$ff_ps"
ps_cost=$(calc "($ff_ps - $ff_rgb) * 1000 / $frames")
ps_all=$(calc "($ff_ps - $ff_dec) * 1000 / $frames")
echo
echo "flash core alone, default (step 8 at 2160p):  $core0 ms/frame"
echo "flash core alone, step 2:                     $core2 ms/frame"
echo "flash core alone, step 4:                     $core4 ms/frame"
echo "flash in the decode loop, default step:      $(val 0 flash_in_decode_ms_per_frame) ms/frame"
echo "photosensitivity filter alone:               $ps_cost ms/frame"
echo "photosensitivity + its RGB conversion:       $ps_all ms/frame"
if holds "$core0 > 0"; then
  echo "photosensitivity + RGB / our core (default):  $(calc "$ps_all / $core0")x"
fi
echo "what it found (default step): $(val 0 verdict), $(val 0 incidents) incident(s)"
echo "what it found (step 2): $(val 2 verdict), $(val 2 incidents) incident(s)"
if holds "$core0 <= 3.0"; then
  echo "goal (analysis <= 3 ms/frame at 2160p PQ 10-bit, element default): met"
else
  echo "goal (analysis <= 3 ms/frame at 2160p PQ 10-bit, element default): NOT met"
fi
