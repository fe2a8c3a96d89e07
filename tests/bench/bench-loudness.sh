#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Loudness benchmark, side by side in one run on the same 10-minute stereo
# 48 kHz WAV, made here with ffmpeg's lavfi sources (pink noise per channel,
# different seeds, mixed with two melodies of stepping sine tones under a
# vibrato, all under a slow tremolo so the loudness moves):
#   - `watershed check FILE` end to end (an audio-only file: loudness with
#     true peak is the whole analysis; the rating check fails, as there is
#     no rating, which costs nothing);
#   - tests/bench/bench_loudness FILE (libav decoding + the loudness core,
#     true peak on), which also times the core alone on its scalar and
#     vectorised kernels;
#   - `ffmpeg -nostats -i FILE -af ebur128=peak=true -f null -`.
#
# Usage: tests/bench/bench-loudness.sh BUILD_DIR
# Env:   BENCH_REPEAT (default 5): runs of each, alternating; the best
#          (and the worst, for the spread) wall and CPU times are printed.
#        BENCH_SECONDS (default 600): length of the test file.
# Goal:  watershed check <= 0.35 x ffmpeg's wall time; |dI| <= 0.1 LU;
#        |dTP| <= 0.2 dB.
set -eu

if [ $# -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
bench="$1/tests/bench/bench_loudness"
ws="$1/tools/watershed"
for b in "$bench" "$ws"; do
  if [ ! -x "$b" ]; then
    echo "$0: $b: not built (ninja -C $1)" >&2
    exit 2
  fi
done
command -v ffmpeg >/dev/null || { echo "$0: ffmpeg not found" >&2; exit 2; }
[ -x /usr/bin/time ] || {
  echo "$0: /usr/bin/time not found (apt-get install time)" >&2
  exit 2
}

repeat="${BENCH_REPEAT:-5}"
seconds="${BENCH_SECONDS:-600}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT INT TERM
wav="$tmp/programme.wav"

ffmpeg -nostdin -hide_banner -loglevel error \
  -f lavfi -i "anoisesrc=color=pink:amplitude=0.25:sample_rate=48000:duration=$seconds:seed=1" \
  -f lavfi -i "anoisesrc=color=pink:amplitude=0.25:sample_rate=48000:duration=$seconds:seed=2" \
  -f lavfi -i "aevalsrc=exprs='0.2*sin(2*PI*220*pow(2\,floor(mod(t*2\,8))/12)*t)*(0.6+0.4*sin(2*PI*3*t))|0.2*sin(2*PI*330*pow(2\,floor(mod(t*3\,5))/12)*t)':sample_rate=48000:duration=$seconds" \
  -filter_complex "[0:a][1:a]amerge=inputs=2[n];[n][2:a]amix=inputs=2:normalize=0,tremolo=f=0.1:d=0.7" \
  -c:a pcm_s16le "$wav"

calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }
holds() { awk "BEGIN { exit !($1) }"; }
abs() { echo "${1#-}"; }
keep_min() { if [ -z "$1" ] || holds "$2 < $1"; then echo "$2"; else echo "$1"; fi; }
keep_max() { if [ -z "$1" ] || holds "$2 > $1"; then echo "$2"; else echo "$1"; fi; }

# update VAR FN VALUE: VAR=$(FN "$VAR" VALUE)
update() {
  eval "_old=\${$1:-}"
  _new=$($2 "$_old" "$3")
  eval "$1=\$_new"
}

# timed NAME CMD...: runs CMD, sets NAME_wall and NAME_cpu (user + sys) to
# the best and NAME_wall_max to the worst so far; exit status 0 or 1 is fine
timed() {
  _name=$1
  shift
  _st=0
  /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$@" >"$tmp/$_name.out" \
    2>"$tmp/$_name.err" || _st=$?
  if [ "$_st" -gt 1 ]; then
    echo "$0: $* failed ($_st):" >&2
    cat "$tmp/$_name.err" >&2
    exit 1
  fi
  _w=$(tail -n 1 "$tmp/time" | awk '{ print $1 }')
  _c=$(tail -n 1 "$tmp/time" | awk '{ printf "%.3f", $2 + $3 }')
  update "${_name}_wall" keep_min "$_w"
  update "${_name}_wall_max" keep_max "$_w"
  update "${_name}_cpu" keep_min "$_c"
}

i=0
core_scalar=""
core_vector=""
while [ "$i" -lt "$repeat" ]; do
  timed check "$ws" check --no-progress "$wav"
  timed core "$bench" "$wav"
  timed alone "$bench" --core "$wav"
  core_scalar=$(keep_min "$core_scalar" "$(sed -n 's/^core_scalar_s: //p' "$tmp/alone.out")")
  core_vector=$(keep_min "$core_vector" "$(sed -n 's/^core_vector_s: //p' "$tmp/alone.out")")
  timed ff ffmpeg -nostdin -nostats -hide_banner -i "$wav" \
    -af ebur128=peak=true -f null -
  i=$((i + 1))
done
timed decode ffmpeg -nostdin -nostats -hide_banner -i "$wav" -f null -

key() { sed -n "s/^$1: //p" "$tmp/core.out"; }
our_i=$(key integrated_lufs)
our_lra=$(key lra_lu)
our_tp=$(key true_peak_dbtp)
path=$(key code_path)
check_i=$(sed -n 's/.* \(-\{0,1\}[0-9.]*\) LUFS .*/\1/p' "$tmp/check.out" | head -n 1)
# ffmpeg's summary: "I: -23.4 LUFS", "LRA: 5.0 LU", "Peak: -1.2 dBFS"
summary=$(sed -n '/Summary:/,$p' "$tmp/ff.err")
ff_i=$(echo "$summary" | sed -n 's/^ *I: *\([-0-9.]*\) LUFS.*/\1/p' | head -n 1)
ff_lra=$(echo "$summary" | sed -n 's/^ *LRA: *\([-0-9.]*\) LU$/\1/p' | head -n 1)
ff_tp=$(echo "$summary" | sed -n 's/^ *Peak: *\([-0-9.]*\) dBFS.*/\1/p' | head -n 1)
if [ -z "$ff_i" ] || [ -z "$ff_tp" ] || [ -z "$our_i" ] || [ -z "$check_i" ]; then
  echo "$0: could not parse the results:" >&2
  cat "$tmp/ff.err" "$tmp/core.out" "$tmp/check.out" >&2
  exit 2
fi

d_i=$(calc "$our_i - $ff_i")
d_lra=$(calc "$our_lra - $ff_lra")
d_tp=$(calc "$our_tp - $ff_tp")
ratio=$(calc "$check_wall / $ff_wall")

printf 'Loudness: %s s stereo 48 kHz s16 WAV, %s runs each, load %s, kernels %s\n' \
  "$seconds" "$repeat" "$(cut -d' ' -f1-3 /proc/loadavg)" "$path"
printf '%-22s %12s %12s %10s\n' "" "watershed" "ffmpeg" "diff"
printf '%-22s %12.2f %12.2f %+10.2f\n' "integrated (LUFS)" "$our_i" "$ff_i" "$d_i"
printf '%-22s %12.2f %12.2f %+10.2f\n' "loudness range (LU)" "$our_lra" "$ff_lra" "$d_lra"
printf '%-22s %12.2f %12.2f %+10.2f\n' "true peak (dBTP)" "$our_tp" "$ff_tp" "$d_tp"
printf '(watershed check printed %s LUFS)\n' "$check_i"
printf '%-40s %9s %9s %9s %8s %8s\n' "times (s)" "best" "worst" "best CPU" "x wall" "x CPU"
row() {
  printf '%-40s %9.3f %9.3f %9.3f %7.2fx %7.2fx\n' "$1" "$2" "$3" "$4" \
    "$(calc "$2 / $ff_wall")" "$(calc "$4 / $ff_cpu")"
}
row "watershed check FILE" "$check_wall" "$check_wall_max" "$check_cpu"
row "bench_loudness FILE (libav + core)" "$core_wall" "$core_wall_max" "$core_cpu"
row "ffmpeg -af ebur128=peak=true" "$ff_wall" "$ff_wall_max" "$ff_cpu"
row "ffmpeg -f null - (decoding only)" "$decode_wall" "$decode_wall_max" "$decode_cpu"
printf 'core alone, CPU s for 10 passes over the first 60 s (best of %s): scalar %s, %s %s (%.2fx)\n' \
  "$repeat" "$core_scalar" "$path" "$core_vector" \
  "$(calc "$core_vector / $core_scalar")"

ok=1
holds "$ratio <= 0.35" || ok=0
holds "$(abs "$d_i") <= 0.1" || ok=0
holds "$(abs "$d_tp") <= 0.2" || ok=0
if [ "$ok" = 1 ]; then
  echo "goal (check <= 0.35x ffmpeg wall, |dI| <= 0.1 LU, |dTP| <= 0.2 dB): met"
else
  echo "goal (check <= 0.35x ffmpeg wall, |dI| <= 0.1 LU, |dTP| <= 0.2 dB): NOT met"
fi
