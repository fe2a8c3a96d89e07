#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Loudness benchmark: watershed's core (tests/bench/bench_loudness, true peak
# on) against `ffmpeg -af ebur128=peak=true` on the same 10-minute stereo
# 48 kHz WAV, made here with ffmpeg's lavfi sources (pink noise in both
# channels, different seeds, with a slow tremolo so the loudness moves).
#
# Usage: tests/bench/bench-loudness.sh BUILD_DIR
# Env:   BENCH_REPEAT (default 3): runs of each side; the fastest one counts.
#        BENCH_SECONDS (default 600): length of the test file.
# Goal:  ours <= 0.5 x ffmpeg's time; |dI| <= 0.1 LU; |dTP| <= 0.2 dB.
set -eu

if [ $# -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
bench="$1/tests/bench/bench_loudness"
if [ ! -x "$bench" ]; then
  echo "$0: $bench: not built (ninja -C $1 tests/bench/bench_loudness)" >&2
  exit 2
fi
command -v ffmpeg >/dev/null || { echo "$0: ffmpeg not found" >&2; exit 2; }

repeat="${BENCH_REPEAT:-3}"
seconds="${BENCH_SECONDS:-600}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT INT TERM
wav="$tmp/programme.wav"

ffmpeg -nostdin -hide_banner -loglevel error \
  -f lavfi -i "anoisesrc=color=pink:amplitude=0.35:sample_rate=48000:duration=$seconds:seed=1" \
  -f lavfi -i "anoisesrc=color=pink:amplitude=0.35:sample_rate=48000:duration=$seconds:seed=2" \
  -filter_complex "[0:a][1:a]amerge=inputs=2,tremolo=f=0.1:d=0.7" \
  -c:a pcm_s16le "$wav"

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
holds() { awk "BEGIN { exit !($1) }"; }
abs() { echo "${1#-}"; }

best_ours=""
best_ff=""
i=0
while [ "$i" -lt "$repeat" ]; do
  t0=$(now)
  "$bench" "$wav" >"$tmp/ours.txt"
  t1=$(now)
  ffmpeg -nostdin -nostats -hide_banner -i "$wav" -af ebur128=peak=true \
    -f null - 2>"$tmp/ff.txt"
  t2=$(now)
  ours=$(calc "$t1 - $t0")
  ff=$(calc "$t2 - $t1")
  if [ -z "$best_ours" ] || holds "$ours < $best_ours"; then
    best_ours=$ours
  fi
  if [ -z "$best_ff" ] || holds "$ff < $best_ff"; then
    best_ff=$ff
  fi
  i=$((i + 1))
done

t0=$(now)
ffmpeg -nostdin -nostats -hide_banner -i "$wav" -f null - 2>/dev/null
decode=$(calc "$(now) - $t0")

key() { sed -n "s/^$1: //p" "$tmp/ours.txt"; }
our_i=$(key integrated_lufs)
our_lra=$(key lra_lu)
our_tp=$(key true_peak_dbtp)
our_analysis=$(key analysis_s)
# ffmpeg's summary: "I: -23.4 LUFS", "LRA: 5.0 LU", "Peak: -1.2 dBFS"
summary=$(sed -n '/Summary:/,$p' "$tmp/ff.txt")
ff_i=$(echo "$summary" | sed -n 's/^ *I: *\([-0-9.]*\) LUFS.*/\1/p' | head -n 1)
ff_lra=$(echo "$summary" | sed -n 's/^ *LRA: *\([-0-9.]*\) LU$/\1/p' | head -n 1)
ff_tp=$(echo "$summary" | sed -n 's/^ *Peak: *\([-0-9.]*\) dBFS.*/\1/p' | head -n 1)
if [ -z "$ff_i" ] || [ -z "$ff_tp" ]; then
  echo "$0: could not parse ffmpeg's ebur128 summary:" >&2
  cat "$tmp/ff.txt" >&2
  exit 2
fi

ratio=$(calc "$best_ours / $best_ff")
d_i=$(calc "$our_i - $ff_i")
d_lra=$(calc "$our_lra - $ff_lra")
d_tp=$(calc "$our_tp - $ff_tp")

printf 'Loudness: %s s stereo 48 kHz s16 WAV, best of %s runs, load %s\n' \
  "$seconds" "$repeat" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-22s %12s %12s %10s\n' "" "watershed" "ffmpeg" "diff"
printf '%-22s %12.2f %12.2f %+10.2f\n' "integrated (LUFS)" "$our_i" "$ff_i" "$d_i"
printf '%-22s %12.2f %12.2f %+10.2f\n' "loudness range (LU)" "$our_lra" "$ff_lra" "$d_lra"
printf '%-22s %12.2f %12.2f %+10.2f\n' "true peak (dBTP)" "$our_tp" "$ff_tp" "$d_tp"
printf '%-22s %12.3f %12.3f %9.2fx\n' "wall time (s)" "$best_ours" "$best_ff" "$ratio"
printf '%-22s %12.3f\n' "  of which analysis (s)" "$our_analysis"
printf '%-22s %12.3f\n' "ffmpeg decode only (s)" "$decode"

ok=1
holds "$ratio <= 0.5" || ok=0
holds "$(abs "$d_i") <= 0.1" || ok=0
holds "$(abs "$d_tp") <= 0.2" || ok=0
if [ "$ok" = 1 ]; then
  echo "goal (<= 0.5x time, |dI| <= 0.1 LU, |dTP| <= 0.2 dB): met"
else
  echo "goal (<= 0.5x time, |dI| <= 0.1 LU, |dTP| <= 0.2 dB): NOT met"
fi
