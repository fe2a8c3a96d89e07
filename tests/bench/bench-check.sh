#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# `watershed check` benchmark: one pass that decodes audio and video once and
# measures loudness and flashing, against what a QA engineer scripts today
# (two ffmpeg runs: `-vn -af ebur128=peak=true` then `-an -vf
# photosensitivity`) and against decoding alone (`ffmpeg -f null -`, the
# floor), side by side in one run, on a 60 s 1080p25 H.264 + AAC file made
# here with ffmpeg's lavfi sources (testsrc2 with half the screen flashing at
# 4.2 Hz from 20 s to 30 s; a 1 kHz tone at -23 LUFS, 6 dB louder over the
# last 10 s).
#
# Every side uses libavcodec's default threading (all cores). watershed runs
# with its default flash sampling (--flash-sample-step: width / 480, so every
# 4th pixel of every 4th row at 1080p); one extra run with the flash core's
# own default (every 2nd) is printed for the record, with the incidents both
# found. Times are wall
# clock (what the user waits for) and CPU (user + sys, less sensitive to
# other load on the machine); each side runs BENCH_REPEAT times, alternating,
# and the fastest run counts.
#
# Every run is kept: the table gives the fastest (min), the median and the
# slowest (max) of each side, so the spread under other load is visible.
#
# Extra audio tracks: the same file with 1, 2, 3 and 4 copies of its AAC
# track (remuxed, `-c copy`), each checked by watershed (every track is
# decoded and measured) and decoded by ffmpeg with every stream mapped
# (`-map 0 -f null -`); the cost of each extra track is (T_k - T_1) / (k - 1)
# / T_1, from the fastest runs.
#
# Analysis-grade decoding (issue #18): watershed check decodes H.264 and
# HEVC without the loop filter by default; each run also checks the file
# with --exact-decode, so both stand beside the decode-only floor. A second
# file, 2160p25 PQ 10-bit HEVC (libx265 main10 preset ultrafast, BT.2020,
# SMPTE ST 2084; BENCH_UHD_SECONDS long, half the screen flashing black and
# white at 4.2 Hz for 3 s around its middle, with the same audio), is timed
# the same way: the goal is the same multiple of its decode time as at 1080p.
# (In PQ the bright testsrc2 under a white box is far above the 160 cd/m2 a
# flash's darker state must be below, so the box alternates with black.)
#
# Usage: tests/bench/bench-check.sh BUILD_DIR
# Env:   BENCH_SECONDS (default 60): length of the test file.
#        BENCH_REPEAT (default 3): runs of each side.
#        BENCH_TRACKS (default 1): 0 skips the extra-track runs.
#        BENCH_UHD (default 1): 0 skips the 2160p file;
#        BENCH_UHD_SECONDS (default 10): its length.
#        BENCH_CALLGRIND (default 0): 1 also counts instructions with
#        valgrind's callgrind on the first BENCH_CALLGRIND_SECONDS
#        (default 10) of the file, 1 and 4 audio tracks: a measure the
#        other jobs on the machine do not move.
# Goals: watershed check <= 0.85x the decode-only time (issue #18; it was
#        1.10x before analysis-grade decoding), about 0.65x the scripted
#        ffmpeg runs; each extra audio track <= 3 %; at 2160p the same
#        multiple of the decode-only time as at 1080p.
set -eu

if [ $# -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
ws="$1/tools/watershed"
if [ ! -x "$ws" ]; then
  echo "$0: $ws: not built (ninja -C $1 tools/watershed)" >&2
  exit 2
fi
command -v ffmpeg >/dev/null || { echo "$0: ffmpeg not found" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "$0: /usr/bin/time not found (apt-get install time)" >&2; exit 2; }

seconds="${BENCH_SECONDS:-60}"
repeat="${BENCH_REPEAT:-3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT INT TERM
mp4="$tmp/programme.mp4"

echo "making ${seconds} s of H.264 1080p25 + AAC stereo ..."
ffmpeg -nostdin -hide_banner -loglevel error \
  -f lavfi -i "testsrc2=size=1920x1080:rate=25:duration=$seconds" \
  -f lavfi -i "sine=frequency=1000:sample_rate=48000:duration=$seconds" \
  -filter_complex "[0:v]drawbox=x=0:y=0:w=iw/2:h=ih:color=white:t=fill:enable='between(t,20,30)*lt(mod(n,6),3)'[v];[1:a]volume=-5dB,volume=6dB:enable='gt(t,$seconds-10)',pan=stereo|c0=c0|c1=c0[a]" \
  -map "[v]" -map "[a]" \
  -c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p -c:a aac -b:a 192k \
  "$mp4"

calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }
# stats FILE: "min median max" of the numbers in FILE (one a line)
stats() { sort -n "$1" | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f %.3f %.3f", v[1], m, v[NR] }'; }
# note NAME: appends this run's $wall and $cpu to the NAME lists
note() { echo "$wall" >>"$tmp/$1.wall"; echo "$cpu" >>"$tmp/$1.cpu"; }
holds() { awk "BEGIN { exit !($1) }"; }
keep_min() { if [ -z "$1" ] || holds "$2 < $1"; then echo "$2"; else echo "$1"; fi; }
# run CMD...: sets $wall and $cpu; output to $tmp/out
run() {
  /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err" || true
  wall=$(tail -n 1 "$tmp/time" | awk '{ printf "%.3f", $1 }')
  cpu=$(tail -n 1 "$tmp/time" | awk '{ printf "%.3f", $2 + $3 }')
}

dec_w="" dec_c="" ws_w="" ws_c="" wx_w="" wx_c="" eb_w="" eb_c="" ph_w="" ph_c="" sc_w="" sc_c=""
i=0
while [ "$i" -lt "$repeat" ]; do
  i=$((i + 1))
  echo "run $i/$repeat ..."
  run ffmpeg -nostdin -nostats -hide_banner -i "$mp4" -f null -
  dec_w=$(keep_min "$dec_w" "$wall"); dec_c=$(keep_min "$dec_c" "$cpu")
  note dec

  run "$ws" check --jobs 1 --no-progress --json "$mp4"
  ws_w=$(keep_min "$ws_w" "$wall"); ws_c=$(keep_min "$ws_c" "$cpu")
  note ws
  cp "$tmp/out" "$tmp/ws.json"

  run "$ws" check --jobs 1 --no-progress --json --exact-decode "$mp4"
  wx_w=$(keep_min "$wx_w" "$wall"); wx_c=$(keep_min "$wx_c" "$cpu")
  note wx
  cp "$tmp/out" "$tmp/wx.json"

  run ffmpeg -nostdin -nostats -hide_banner -i "$mp4" -vn \
    -af ebur128=peak=true -f null -
  w1=$wall c1=$cpu
  cp "$tmp/err" "$tmp/ebur128.txt"
  eb_w=$(keep_min "$eb_w" "$w1"); eb_c=$(keep_min "$eb_c" "$c1")
  run ffmpeg -nostdin -nostats -hide_banner -i "$mp4" -an \
    -vf photosensitivity -f null -
  ph_w=$(keep_min "$ph_w" "$wall"); ph_c=$(keep_min "$ph_c" "$cpu")
  sc_w=$(keep_min "$sc_w" "$(calc "$w1 + $wall")")
  sc_c=$(keep_min "$sc_c" "$(calc "$c1 + $cpu")")
done

# the flash core's own default sampling (every 2nd pixel), for the record
run "$ws" check --jobs 1 --no-progress --json --flash-sample-step 2 "$mp4"
ws2_w=$wall ws2_c=$cpu
cp "$tmp/out" "$tmp/ws2.json"
incidents() {
  awk '/"incidents" : \[/ { f = 1 } f && /"start_s"/ { s = $3 } f && /"end_s"/ { printf "%s%s", s, $3 }' "$1" | sed 's/,$//'
}

ws_i=$(sed -n 's/.*"integrated_lufs" : \(-*[0-9.]*\).*/\1/p' "$tmp/ws.json" | head -1)
ws_tp=$(sed -n 's/.*"true_peak_dbtp" : \(-*[0-9.]*\).*/\1/p' "$tmp/ws.json" | head -1)
ws_flash=$(awk '/"flash" : \{/ { f = 1 } f && /"verdict"/ { gsub(/[",]/, ""); print $3; exit }' "$tmp/ws.json")
ws_inc=$(grep -c '"kind" :' "$tmp/ws.json" || true)
ff_i=$(awk '/Integrated loudness:/ { s = 1 } s && /I:/ { print $2; exit }' "$tmp/ebur128.txt")
ff_tp=$(awk '/True peak:/ { s = 1 } s && /Peak:/ { print $2; exit }' "$tmp/ebur128.txt")

echo
echo "file: ${seconds} s 1920x1080 25 fps H.264 (libx264 veryfast crf 20) + AAC stereo 48 kHz"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg) (1 min) at the end; best of $repeat"
echo
printf '%-52s %9s %9s\n' "run (fastest)" "wall s" "CPU s"
printf '%-52s %9s %9s\n' "ffmpeg -i FILE -f null - (decode only, the floor)" "$dec_w" "$dec_c"
printf '%-52s %9s %9s\n' "watershed check (loudness + flash, one pass)" "$ws_w" "$ws_c"
printf '%-52s %9s %9s\n' "  the same with --exact-decode" "$wx_w" "$wx_c"
printf '%-52s %9s %9s\n' "  the same with --flash-sample-step 2 (one run)" "$ws2_w" "$ws2_c"
printf '%-52s %9s %9s\n' "ffmpeg -vn -af ebur128=peak=true -f null -" "$eb_w" "$eb_c"
printf '%-52s %9s %9s\n' "ffmpeg -an -vf photosensitivity -f null -" "$ph_w" "$ph_c"
printf '%-52s %9s %9s\n' "scripted: the two ffmpeg runs above" "$sc_w" "$sc_c"
echo
printf '%-52s %23s %23s\n' "spread over $repeat runs" "wall min / median / max" "CPU min / median / max"
printf '%-52s %23s %23s\n' "ffmpeg -i FILE -f null -" "$(stats "$tmp/dec.wall")" "$(stats "$tmp/dec.cpu")"
printf '%-52s %23s %23s\n' "watershed check" "$(stats "$tmp/ws.wall")" "$(stats "$tmp/ws.cpu")"
printf '%-52s %23s %23s\n' "watershed check --exact-decode" "$(stats "$tmp/wx.wall")" "$(stats "$tmp/wx.cpu")"
echo
printf '%-52s %9s %9s\n' "ratio" "wall" "CPU"
printf '%-52s %8sx %8sx\n' "watershed / decode only (goal <= 0.85x)" \
  "$(calc "$ws_w / $dec_w")" "$(calc "$ws_c / $dec_c")"
printf '%-52s %8sx %8sx\n' "watershed --exact-decode / decode only" \
  "$(calc "$wx_w / $dec_w")" "$(calc "$wx_c / $dec_c")"
printf '%-52s %8sx %8sx\n' "watershed / scripted ffmpeg runs (goal ~0.65x)" \
  "$(calc "$ws_w / $sc_w")" "$(calc "$ws_c / $sc_c")"
echo
echo "values: integrated ours ${ws_i} LUFS / ebur128 ${ff_i} LUFS;" \
  "true peak ours ${ws_tp} dBTP / ebur128 ${ff_tp} dBFS;" \
  "flash verdict ${ws_flash}, ${ws_inc} incident(s)"
echo "flash incidents (start_s, end_s): default sampling $(incidents "$tmp/ws.json");" \
  "--flash-sample-step 2 $(incidents "$tmp/ws2.json");" \
  "--exact-decode $(incidents "$tmp/wx.json")"

if [ "${BENCH_UHD:-1}" != 0 ]; then
# ---- 2160p PQ 10-bit HEVC -------------------------------------------------
uhd_s="${BENCH_UHD_SECONDS:-10}"
uhd="$tmp/uhd.mp4"
echo
echo "making ${uhd_s} s of HEVC Main10 2160p25 PQ + AAC stereo ..."
ffmpeg -nostdin -hide_banner -loglevel error \
  -f lavfi -i "testsrc2=size=3840x2160:rate=25:duration=$uhd_s" \
  -f lavfi -i "sine=frequency=1000:sample_rate=48000:duration=$uhd_s" \
  -filter_complex "[0:v]drawbox=x=0:y=0:w=iw/2:h=ih:color=black:t=fill:enable='between(t,max(0,$uhd_s/2-1.5),$uhd_s/2+1.5)',drawbox=x=0:y=0:w=iw/2:h=ih:color=white:t=fill:enable='between(t,max(0,$uhd_s/2-1.5),$uhd_s/2+1.5)*lt(mod(n,6),3)',format=yuv420p10le[v];[1:a]volume=-5dB,pan=stereo|c0=c0|c1=c0[a]" \
  -map "[v]" -map "[a]" -c:v libx265 -preset ultrafast -crf 22 \
  -x265-params "log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc" \
  -color_primaries bt2020 -color_trc smpte2084 -colorspace bt2020nc \
  -c:a aac -b:a 192k "$uhd"
i=0
while [ "$i" -lt "$repeat" ]; do
  i=$((i + 1))
  echo "2160p run $i/$repeat ..."
  run ffmpeg -nostdin -nostats -hide_banner -i "$uhd" -f null -
  note udec
  run "$ws" check --jobs 1 --no-progress --json "$uhd"
  note uws
  cp "$tmp/out" "$tmp/uws.json"
  run "$ws" check --jobs 1 --no-progress --json --exact-decode "$uhd"
  note uwx
  cp "$tmp/out" "$tmp/uwx.json"
done
fastest() { stats "$tmp/$1" | cut -d' ' -f1; }
echo
printf '%-52s %23s %23s\n' "2160p PQ HEVC, $repeat runs" "wall min / median / max" "CPU min / median / max"
printf '%-52s %23s %23s\n' "ffmpeg -i FILE -f null -" "$(stats "$tmp/udec.wall")" "$(stats "$tmp/udec.cpu")"
printf '%-52s %23s %23s\n' "watershed check" "$(stats "$tmp/uws.wall")" "$(stats "$tmp/uws.cpu")"
printf '%-52s %23s %23s\n' "watershed check --exact-decode" "$(stats "$tmp/uwx.wall")" "$(stats "$tmp/uwx.cpu")"
printf '%-52s %8sx %8sx\n' "2160p watershed / decode only (goal: as 1080p)" \
  "$(calc "$(fastest uws.wall) / $(fastest udec.wall)")" \
  "$(calc "$(fastest uws.cpu) / $(fastest udec.cpu)")"
printf '%-52s %8sx %8sx\n' "2160p watershed --exact-decode / decode only" \
  "$(calc "$(fastest uwx.wall) / $(fastest udec.wall)")" \
  "$(calc "$(fastest uwx.cpu) / $(fastest udec.cpu)")"
echo "2160p: transfer $(sed -n 's/.*"transfer" : "\([^"]*\)".*/\1/p' "$tmp/uws.json" | head -1);" \
  "flash incidents (start_s, end_s) $(incidents "$tmp/uws.json");" \
  "--exact-decode $(incidents "$tmp/uwx.json")"
fi

if [ "${BENCH_TRACKS:-1}" != 0 ]; then
# ---- extra audio tracks ----------------------------------------------------
echo
echo "making the same file with 1-4 copies of its audio track ..."
for k in 1 2 3 4; do
  maps="-map 0:v"
  j=0
  while [ "$j" -lt "$k" ]; do maps="$maps -map 0:a"; j=$((j + 1)); done
  # shellcheck disable=SC2086
  ffmpeg -nostdin -hide_banner -loglevel error -i "$mp4" $maps -c copy \
    "$tmp/tracks$k.mp4"
done
i=0
while [ "$i" -lt "$repeat" ]; do
  i=$((i + 1))
  echo "tracks run $i/$repeat ..."
  for k in 1 2 3 4; do
    run "$ws" check --jobs 1 --no-progress --json "$tmp/tracks$k.mp4"
    note "wst$k"
    cp "$tmp/out" "$tmp/wst$k.json"
    run ffmpeg -nostdin -nostats -hide_banner -i "$tmp/tracks$k.mp4" -map 0 \
      -f null -
    note "fft$k"
  done
done
echo
echo "audio tracks measured by watershed in the 4-track file:" \
  "$(grep -c '"stream_index" :' "$tmp/wst4.json" || true)"
echo "audio tracks (fastest of $repeat runs)"
printf '%-8s %-27s %-27s %-12s\n' "tracks" "watershed wall / CPU s" "ffmpeg -map 0 wall / CPU s" "ws / ffmpeg"
for k in 1 2 3 4; do
  w=$(stats "$tmp/wst$k.wall" | cut -d' ' -f1); c=$(stats "$tmp/wst$k.cpu" | cut -d' ' -f1)
  fw=$(stats "$tmp/fft$k.wall" | cut -d' ' -f1); fc=$(stats "$tmp/fft$k.cpu" | cut -d' ' -f1)
  eval "tw$k=$w tc$k=$c"
  printf '%-8s %-27s %-27s %-12s\n' "$k" "$w / $c" "$fw / $fc" "$(calc "$w / $fw")x"
done
printf 'cost of each extra track, watershed (goal <= 3 %%): wall %s %%, CPU %s %%\n' \
  "$(calc "($tw4 - $tw1) / 3 / $tw1 * 100")" "$(calc "($tc4 - $tc1) / 3 / $tc1 * 100")"
printf 'spread of the 4-track watershed runs: wall %s, CPU %s (min median max)\n' \
  "$(stats "$tmp/wst4.wall")" "$(stats "$tmp/wst4.cpu")"
fi

# ---- instructions (callgrind), independent of the machine's load ----------
# BENCH_CALLGRIND=1: the first BENCH_CALLGRIND_SECONDS (default 10) of the
# file, and of its 4-track copy, under valgrind's callgrind (every thread's
# instructions counted; about 50x slower, so a shorter cut).
[ "${BENCH_CALLGRIND:-0}" = 1 ] || exit 0
command -v valgrind >/dev/null || { echo "valgrind not found: no instruction counts"; exit 0; }
cg_s="${BENCH_CALLGRIND_SECONDS:-10}"
ffmpeg -nostdin -hide_banner -loglevel error -i "$mp4" -t "$cg_s" -c copy "$tmp/cg1.mp4"
ffmpeg -nostdin -hide_banner -loglevel error -i "$mp4" -t "$cg_s" -map 0:v \
  -map 0:a -map 0:a -map 0:a -map 0:a -c copy "$tmp/cg4.mp4"
# instr CMD...: the instructions callgrind counted
instr() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" >/dev/null 2>"$tmp/cg.log" || true
  sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/cg.log"
}
echo
echo "instructions (callgrind) on the first $cg_s s ..."
i_ff=$(instr ffmpeg -nostdin -nostats -hide_banner -i "$tmp/cg1.mp4" -f null -)
i_ws=$(instr "$ws" check --jobs 1 --no-progress --json "$tmp/cg1.mp4")
i_ff4=$(instr ffmpeg -nostdin -nostats -hide_banner -i "$tmp/cg4.mp4" -map 0 -f null -)
i_ws4=$(instr "$ws" check --jobs 1 --no-progress --json "$tmp/cg4.mp4")
printf '%-52s %15s\n' "run" "instructions"
printf '%-52s %15s\n' "ffmpeg -i FILE -f null - (decode only)" "$i_ff"
printf '%-52s %15s\n' "watershed check" "$i_ws"
printf '%-52s %15s\n' "ffmpeg -map 0 -f null -, 4 audio tracks" "$i_ff4"
printf '%-52s %15s\n' "watershed check, 4 audio tracks" "$i_ws4"
printf '%-52s %14sx\n' "watershed / decode only (goal <= 1.10x)" "$(calc "$i_ws / $i_ff")"
printf '%-52s %14s%%\n' "each extra audio track, watershed (goal <= 3 %)" \
  "$(calc "($i_ws4 - $i_ws) / 3 / $i_ws * 100")"
