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
# Times are CPU seconds (user + sys) of gst-launch-1.0 (/usr/bin/time);
# each pipeline runs BENCH_REPEAT times,
# alternating, and the fastest run counts.
#
# Usage: tests/bench/bench-ratingoverlay.sh BUILD_DIR
# Env:   BENCH_FRAMES (default 1500), BENCH_REPEAT (default 3).
# Goal:  ratingoverlay costs at most 0.5x what textoverlay costs.
set -eu

. "$(dirname "$0")/common.sh"
bench_init "$@"

frames="${BENCH_FRAMES:-1500}"
repeat="${BENCH_REPEAT:-3}"

text="Strong language and violence"
src="videotestsrc num-buffers=$frames pattern=black ! video/x-raw,format=I420,width=1920,height=1080,framerate=25/1"
# Badge 0.08 x 1080 = 86 px high; its text is 26 px high in Sans Bold.
ours="ratingoverlay rating=bbfc:15 text=\"$text\" mode=persistent fade=0 show-descriptors=false"
peer="textoverlay text=\"$text\" font-desc=\"Sans Bold 26px\" shaded-background=true valignment=top halignment=left xpad=96 ypad=54"
base="identity"

# run ELEMENT: CPU seconds of one run with ELEMENT between source and sink
run() {
  eval "set -- $src ! $1 ! video/x-raw ! fakesink"
  gst_cpu "$@"
}

best_ours=""
best_peer=""
best_base=""
i=0
while [ "$i" -lt "$repeat" ]; do
  best_base=$(keep_min "$best_base" "$(run "$base")")
  best_ours=$(keep_min "$best_ours" "$(run "$ours")")
  best_peer=$(keep_min "$best_peer" "$(run "$peer")")
  i=$((i + 1))
done

unit="CPU s"
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
