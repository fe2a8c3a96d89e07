#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# ratingoverlay benchmark: the cost per 1080p I420 frame of showing a rating
# badge and one line of guidance text with ratingoverlay, against textoverlay
# (gst-plugins-base) drawing the same text on a shaded background, and
# against passthrough (identity).
#
# Each pipeline is
#   videotestsrc num-buffers=N pattern=black ! I420 1920x1080 ! ELEMENT !
#   video/x-raw ! fakesink
# (the plain video/x-raw caps after the element make both overlays blend in
# software, as they do before an encoder). The source's own cost is the same
# in every run and is removed by subtracting the identity run:
#   cost per frame = (time with ELEMENT - time with identity) / N
# Times are CPU seconds (user + sys) of gst-launch-1.0 when /usr/bin/time is
# there, else wall-clock seconds; each pipeline runs BENCH_REPEAT times,
# alternating, and the fastest run counts.
#
# Usage: tests/bench/bench-ratingoverlay.sh BUILD_DIR
# Env:   BENCH_FRAMES (default 1500), BENCH_REPEAT (default 3).
# Goal:  ratingoverlay costs at most 0.5x what textoverlay costs.
set -eu

if [ $# -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
plugin="$build/plugins/libgstwatershed.so"
if [ ! -f "$plugin" ]; then
  echo "$0: $plugin: not built (ninja -C $1 plugins/libgstwatershed.so)" >&2
  exit 2
fi
command -v gst-launch-1.0 >/dev/null || {
  echo "$0: gst-launch-1.0 not found (apt-get install gstreamer1.0-tools)" >&2
  exit 2
}
src_dir=$(cd "$(dirname "$0")/../.." && pwd)

frames="${BENCH_FRAMES:-1500}"
repeat="${BENCH_REPEAT:-3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT INT TERM

export GST_PLUGIN_PATH="$build/plugins"
export GST_REGISTRY="$tmp/registry.bin"
export WATERSHED_DATADIR="${WATERSHED_DATADIR:-$src_dir/ratings}"
unset GST_DEBUG || true

text="Strong language and violence"
src="videotestsrc num-buffers=$frames pattern=black ! video/x-raw,format=I420,width=1920,height=1080,framerate=25/1"
# Badge 0.08 x 1080 = 86 px high; its text is 26 px high in Sans Bold.
ours="ratingoverlay rating=bbfc:15 text=\"$text\" mode=persistent fade=0 show-descriptors=false"
peer="textoverlay text=\"$text\" font-desc=\"Sans Bold 26px\" shaded-background=true valignment=top halignment=left xpad=96 ypad=54"
base="identity"

calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }

# run NAME ELEMENT: prints the seconds one run took
run() {
  if [ -x /usr/bin/time ]; then
    eval /usr/bin/time -f "'%U %S'" -o "$tmp/time" gst-launch-1.0 -q $src ! "$2" ! video/x-raw ! fakesink \
      >"$tmp/out" 2>&1 || { cat "$tmp/out" >&2; exit 1; }
    awk '{ printf "%.2f", $1 + $2 }' "$tmp/time"
  else
    t0=$(date +%s.%N)
    eval gst-launch-1.0 -q $src ! "$2" ! video/x-raw ! fakesink >"$tmp/out" 2>&1 ||
      { cat "$tmp/out" >&2; exit 1; }
    t1=$(date +%s.%N)
    calc "$t1 - $t0"
  fi
}

best_ours=""
best_peer=""
best_base=""
min() { if [ -z "$1" ]; then echo "$2"; else awk "BEGIN { print ($2 < $1) ? $2 : $1 }"; fi; }
i=0
while [ "$i" -lt "$repeat" ]; do
  best_base=$(min "$best_base" "$(run identity "$base")")
  best_ours=$(min "$best_ours" "$(run ratingoverlay "$ours")")
  best_peer=$(min "$best_peer" "$(run textoverlay "$peer")")
  i=$((i + 1))
done

unit="CPU s"
[ -x /usr/bin/time ] || unit="wall s"
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
echo "1080p I420, $frames frames, best of $repeat ($unit), load $load"
printf '%-40s %9s %14s\n' "" "total_s" "ms/frame over"
best_base=$(calc "$best_base")
best_ours=$(calc "$best_ours")
best_peer=$(calc "$best_peer")
printf '%-40s %9s %14s\n' "identity (passthrough)" "$best_base" "-"
ours_ms=$(calc "($best_ours - $best_base) * 1000 / $frames")
peer_ms=$(calc "($best_peer - $best_base) * 1000 / $frames")
printf '%-40s %9s %14s\n' "ratingoverlay (badge + 1 line)" "$best_ours" "$ours_ms"
printf '%-40s %9s %14s\n' "textoverlay (same text, shaded)" "$best_peer" "$peer_ms"
echo "ratio ratingoverlay / textoverlay (cost per frame): $(calc "$ours_ms / ($peer_ms > 0 ? $peer_ms : 1e-9)")x (goal <= 0.5x)"
echo "ratio ratingoverlay / identity (whole pipeline):    $(calc "$best_ours / $best_base")x"
echo "ratio textoverlay / identity (whole pipeline):      $(calc "$best_peer / $best_base")x"
