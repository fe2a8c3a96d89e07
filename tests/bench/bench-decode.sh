#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Analysis-grade against exact decoding (issue #18) on a long programme:
# tests/bench/bench_decode checks the file twice with the check engine,
# analysis-grade (the default of `watershed check`: H.264 / HEVC without the
# in-loop deblocking filter, libavcodec's fast flag) and with --exact-decode,
# and prints both flash verdicts and incidents, whether every verdict is the
# same, the largest difference of an incident's start or end and the
# largest difference between the two flash risk traces (1.0 is the limit of
# the rule; tests/tools/check_check_decode.c holds it within 0.10 on small
# files), with the wall time of each check.
#
# The programme (made here with ffmpeg's lavfi sources, H.264 by libx264
# preset veryfast, which keeps the loop filter on, CRF 26, 25 fps) runs
# BENCH_MINUTES (default 10) in five equal parts joined by hard cuts, all
# under moving camera noise: testsrc2; SMPTE HD bars with a white box
# flashing over the left half at 3 Hz for 10 s from a quarter into the part
# (the flash sequence: fails);
# moving colour gradients that fade to black over their last 4 s and a
# fade up from black into the next part; rgbtestsrc; testsrc2 again.
#
# Usage: tests/bench/bench-decode.sh BUILD_DIR
# Env:   BENCH_MINUTES (default 10), BENCH_SIZE (default 1280x720),
#        BENCH_CODEC (default libx264; libx265 for HEVC).
# Exit:  0, 1 when a verdict differs between the two decodes.
set -eu

if [ $# -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
bench="$1/tests/bench/bench_decode"
[ -x "$bench" ] || { echo "$0: $bench: not built (ninja -C $1)" >&2; exit 2; }
command -v ffmpeg >/dev/null || { echo "$0: ffmpeg not found" >&2; exit 2; }
src_dir=$(cd "$(dirname "$0")/../.." && pwd)
WATERSHED_DATADIR="${WATERSHED_DATADIR:-$src_dir/ratings}"
export WATERSHED_DATADIR

minutes="${BENCH_MINUTES:-10}"
size="${BENCH_SIZE:-1280x720}"
codec="${BENCH_CODEC:-libx264}"
part=$(awk "BEGIN { printf \"%.3f\", $minutes * 60 / 5 }")
# the flash sequence: 10 s from a quarter into its part (shorter if the
# part is); the fade: the last 4 s of the gradients
fl0=$(awk "BEGIN { printf \"%.3f\", $part / 4 }")
fl1=$(awk "BEGIN { d = $part / 2; if (d > 10) d = 10; printf \"%.3f\", $fl0 + d }")
fade=$(awk "BEGIN { printf \"%.3f\", $part - 4 }")
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT INT TERM
file="$tmp/programme.mp4"

src() { echo "$1=size=$size:rate=25:duration=$part"; }
echo "making $minutes minutes of $size 25 fps ($codec) ..."
ffmpeg -nostdin -hide_banner -loglevel error \
  -f lavfi -i "$(src testsrc2)" \
  -f lavfi -i "$(src smptehdbars)" \
  -f lavfi -i "gradients=size=$size:rate=25:duration=$part:speed=0.02" \
  -f lavfi -i "$(src rgbtestsrc)" \
  -f lavfi -i "$(src testsrc2)" \
  -filter_complex "\
[1:v]drawbox=x=0:y=0:w=iw/2:h=ih:color=white:t=fill:enable='between(t,$fl0,$fl1)*lt(mod(n,8),4)'[b];\
[2:v]format=yuv420p,fade=t=out:st=$fade:d=4[c];\
[3:v]format=yuv420p,fade=t=in:st=0:d=2[d];\
[0:v][b][c][d][4:v]concat=n=5:v=1,format=yuv420p,noise=alls=6:allf=t,setsar=1[v]" \
  -map "[v]" -c:v "$codec" -preset veryfast -crf 26 -pix_fmt yuv420p \
  -x265-params log-level=error "$file"

echo "checking it analysis-grade and exact ..."
echo "machine: $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg) (1 min) before"
"$bench" "$file"
