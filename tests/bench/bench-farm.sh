#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Farm benchmark: the cost of sharding and merging. The same 40 files
# (BENCH_FILES) checked two ways on this machine:
#
#   single:  watershed check DIR --jobs J --json --csv    (J = the cores)
#   farm:    the 4 (BENCH_SHARDS) array tasks of tools/slurm/ run at once,
#            as Slurm would run them, each with --jobs J (so each file's
#            decoders get the threads they get in the single run: with
#            --jobs 1 libavcodec would start a frame thread per core for
#            each file, which costs more CPU on small frames):
#            tools/slurm/watershed-shard.sbatch with SLURM_ARRAY_TASK_ID and
#            SLURM_ARRAY_TASK_COUNT set (watershed check --shard auto
#            --resume ... --json), then tools/slurm/watershed-merge.sbatch
#            (watershed report merge into JSON, HTML, JUnit and CSV)
#   farm, one after another: the same shards run in turn, each with --jobs
#            J (what a farm of one node would do)
#
# It checks that the merged report equals the single run (JSON with the
# timing members aside, CSV byte for byte, the exit codes) and prints the
# wall clock and CPU (user + sys) of each way and the ratios farm / single:
# the overhead of sharding (one process per shard: start-up, listing the
# folder, the resume records, the idle cores at the end of each shard) and
# of merging. Each way runs BENCH_REPEAT times (default 3), alternating; the
# fastest run counts. Slurm itself is not involved (its scheduling delay is
# the cluster's, not watershed's): tests/slurm/check_slurm_farm runs the
# same scripts on a real cluster.
#
# Input: BENCH_FILES (default 40) files of BENCH_SECONDS (default 10) s,
# 640x360 25 fps H.264 + AAC stereo 48 kHz, made by ffmpeg's lavfi
# (testsrc2, a 1 kHz tone at -23 LUFS; every 8th file 8 dB louder, so the
# batch fails with some files, as a delivery does), each with a sidecar.
#
# Usage: tests/bench/bench-farm.sh BUILD_DIR
# Env:   BENCH_FILES (default 40), BENCH_SECONDS (default 10), BENCH_SHARDS
#        (default 4), BENCH_REPEAT (default 3); BENCH_CALLGRIND=1 also
#        counts instructions (below).
set -eu

if [ $# -ne 1 ] && [ -z "${BENCH_RUN:-}" ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
ws="$(cd "$1" && pwd)/tools/watershed"
if [ ! -x "$ws" ]; then
  echo "$0: $ws: not built (ninja -C $1 tools/watershed)" >&2
  exit 2
fi
src_dir=$(cd "$(dirname "$0")/../.." && pwd)
command -v ffmpeg >/dev/null || { echo "$0: ffmpeg not found" >&2; exit 2; }
command -v python3 >/dev/null || { echo "$0: python3 not found" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "$0: /usr/bin/time not found (apt-get install time)" >&2; exit 2; }

files="${BENCH_FILES:-40}"
seconds="${BENCH_SECONDS:-10}"
shards="${BENCH_SHARDS:-4}"
repeat="${BENCH_REPEAT:-3}"
cores=$(nproc)
jobs_single=${BENCH_JOBS:-$cores}
jobs_shard=$cores
WATERSHED=$ws
WATERSHED_DATADIR="${WATERSHED_DATADIR:-$src_dir/ratings}"
export WATERSHED WATERSHED_DATADIR

# Under /usr/bin/time the script runs itself with BENCH_RUN set, so the time
# counts every process of a run (the delivery is BENCH_DELIVERY):
# run_single OUT: one watershed check over the delivery
run_single() {
  status=0
  "$ws" check "$BENCH_DELIVERY" --jobs "$jobs_single" --no-progress --json \
    --csv "$1/report.csv" >"$1/report.json" 2>"$1/err" || status=$?
  echo "$status" >"$1/status"
}

# run_farm OUT JOBS MODE: the shards (MODE together or in-turn) and the merge
run_farm() {
  out=$1
  mkdir -p "$out/logs"
  k=0
  while [ "$k" -lt "$shards" ]; do
    SLURM_ARRAY_TASK_ID=$k SLURM_ARRAY_TASK_COUNT=$shards \
      sh "$src_dir/tools/slurm/watershed-shard.sbatch" "$BENCH_DELIVERY" "$out" \
      --jobs "$2" >"$out/logs/shard-$k.log" 2>&1 &
    if [ "$3" = in-turn ]; then
      wait $! || true
    fi
    k=$((k + 1))
  done
  wait || true
  status=0
  sh "$src_dir/tools/slurm/watershed-merge.sbatch" "$out" \
    >"$out/logs/merge.log" 2>&1 || status=$?
  echo "$status" >"$out/status"
}

case "${BENCH_RUN:-}" in
single) run_single "$2"; exit 0 ;;
farm) run_farm "$2" "$3" "$4"; exit 0 ;;
esac

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT INT TERM
delivery="$tmp/delivery"
mkdir -p "$delivery"
BENCH_DELIVERY=$delivery
export BENCH_DELIVERY

echo "making $files files of ${seconds} s 640x360 H.264 + AAC ..."
ffmpeg -nostdin -hide_banner -loglevel error \
  -f lavfi -i "testsrc2=size=640x360:rate=25:duration=$seconds" \
  -f lavfi -i "sine=frequency=1000:sample_rate=48000:duration=$seconds" \
  -filter_complex "[1:a]volume=-5dB,pan=stereo|c0=c0|c1=c0[a]" \
  -map 0:v -map "[a]" -c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p \
  -c:a aac -b:a 128k "$tmp/pass.mp4"
ffmpeg -nostdin -hide_banner -loglevel error -i "$tmp/pass.mp4" -map 0 \
  -c:v copy -af volume=8dB -c:a aac -b:a 128k "$tmp/loud.mp4"
i=0
while [ "$i" -lt "$files" ]; do
  i=$((i + 1))
  name=$(printf 'programme-%03d' "$i")
  # distinct files (a copy each), every 8th one too loud
  if [ $((i % 8)) -eq 0 ]; then
    cp "$tmp/loud.mp4" "$delivery/$name.mp4"
  else
    cp "$tmp/pass.mp4" "$delivery/$name.mp4"
  fi
  cp "$src_dir/ratings/samples/demo-bbfc15.xml" "$delivery/$name.xml"
done

# timed NAME CMD...: runs CMD under /usr/bin/time (the CPU of every process
# it waited for), keeps the fastest wall and CPU of NAME
timed() {
  name=$1
  shift
  /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$@" || true
  w=$(tail -n 1 "$tmp/time" | awk '{ printf "%.3f", $1 }')
  c=$(tail -n 1 "$tmp/time" | awk '{ printf "%.3f", $2 + $3 }')
  echo "$w" >>"$tmp/$name.wall"
  echo "$c" >>"$tmp/$name.cpu"
}
fastest() { sort -n "$tmp/$1" | head -n 1; }
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }

# same_report DIR: the farm's reports in DIR equal the single run's
same_report() {
  python3 - "$tmp/single/report.json" "$1/report.json" <<'EOF'
import json, sys
TIMING = {"elapsed_s", "started", "finished", "generated", "host"}
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in TIMING}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
a, b = (strip(json.load(open(p))) for p in sys.argv[1:3])
sys.exit(0 if a == b else 1)
EOF
  [ $? -eq 0 ] && cmp -s "$tmp/single/report.csv" "$1/report.csv" \
    && cmp -s "$tmp/single/status" "$1/status"
}

rm -rf "$tmp/single" "$tmp/farm" "$tmp/turn"
i=0
while [ "$i" -lt "$repeat" ]; do
  i=$((i + 1))
  echo "run $i/$repeat ..."
  rm -rf "$tmp/single" && mkdir -p "$tmp/single"
  timed single env BENCH_RUN=single sh "$0" "$1" "$tmp/single"
  rm -rf "$tmp/farm"
  timed farm env BENCH_RUN=farm sh "$0" "$1" "$tmp/farm" "$jobs_shard" together
  rm -rf "$tmp/turn"
  timed turn env BENCH_RUN=farm sh "$0" "$1" "$tmp/turn" "$jobs_single" in-turn
  # the merge alone, on the parts just made
  timed merge sh "$src_dir/tools/slurm/watershed-merge.sbatch" "$tmp/farm" \
    >/dev/null 2>&1
done

verdict() {
  if same_report "$1"; then echo "identical"; else echo "DIFFERENT"; fi
}
v_farm=$(verdict "$tmp/farm")
v_turn=$(verdict "$tmp/turn")
n_checked=$(grep -c '"path" :' "$tmp/single/report.json" || true)
# files per shard: a file's shard is a hash of its path, so a small batch
# splits unevenly, and the shards at once last as long as the largest
per_shard=""
k=0
while [ "$k" -lt "$shards" ]; do
  per_shard="$per_shard $(grep -c '"path" :' "$tmp/farm/parts/part-$k.json" || true)"
  k=$((k + 1))
done

sw=$(fastest single.wall) sc=$(fastest single.cpu)
fw=$(fastest farm.wall) fc=$(fastest farm.cpu)
tw=$(fastest turn.wall) tc=$(fastest turn.cpu)
mw=$(fastest merge.wall) mc=$(fastest merge.cpu)

echo
echo "files: $files x ${seconds} s 640x360 25 fps H.264 + AAC ($n_checked checked), exit $(cat "$tmp/single/status")"
echo "files per shard:$per_shard"
echo "machine: $cores cores, load $(cut -d' ' -f1 /proc/loadavg) (1 min) at the end; best of $repeat"
echo
printf '%-58s %9s %9s\n' "run (fastest)" "wall s" "CPU s"
printf '%-58s %9s %9s\n' "single: watershed check --jobs $jobs_single" "$sw" "$sc"
printf '%-58s %9s %9s\n' "farm: $shards shards at once (--jobs $jobs_shard each) + merge" "$fw" "$fc"
printf '%-58s %9s %9s\n' "farm: $shards shards in turn (--jobs $jobs_single each) + merge" "$tw" "$tc"
printf '%-58s %9s %9s\n' "  of which the merge (report merge, 4 reports written)" "$mw" "$mc"
echo
printf '%-58s %9s %9s\n' "ratio to the single run" "wall" "CPU"
printf '%-58s %8sx %8sx\n' "shards at once + merge" "$(calc "$fw / $sw")" "$(calc "$fc / $sc")"
printf '%-58s %8sx %8sx\n' "shards in turn + merge" "$(calc "$tw / $sw")" "$(calc "$tc / $sc")"
echo
echo "merged report = single run (JSON without timing members, CSV, exit code):" \
  "shards at once: $v_farm; shards in turn: $v_turn"
[ "$v_farm" = identical ] && [ "$v_turn" = identical ] || exit 1

# ---- instructions (callgrind), independent of the machine's load ----------
# BENCH_CALLGRIND=1: the single run and the shards in turn + merge under
# valgrind's callgrind (every process and thread counted, the shell scripts
# and mv included), on the first BENCH_CALLGRIND_FILES (default 8) files cut
# to their first 2 s, --jobs 1 on both sides (about 50x slower).
[ "${BENCH_CALLGRIND:-0}" = 1 ] || exit 0
command -v valgrind >/dev/null || { echo "valgrind not found: no instruction counts"; exit 0; }
cg_files="${BENCH_CALLGRIND_FILES:-8}"
mkdir -p "$tmp/cg"
i=0
for f in "$delivery"/*.mp4; do
  [ "$i" -lt "$cg_files" ] || break
  i=$((i + 1))
  base=$(basename "$f" .mp4)
  ffmpeg -nostdin -hide_banner -loglevel error -i "$f" -t 2 -c copy \
    "$tmp/cg/$base.mp4"
  cp "$delivery/$base.xml" "$tmp/cg/$base.xml"
done
BENCH_DELIVERY="$tmp/cg"
jobs_single=1  # for the verdict line
export BENCH_DELIVERY
# instr NAME CMD...: the instructions callgrind counted in every process
instr() {
  name=$1
  shift
  mkdir -p "$tmp/cglog-$name"
  valgrind --tool=callgrind --trace-children=yes \
    --callgrind-out-file=/dev/null \
    --log-file="$tmp/cglog-$name/%p.log" "$@" >/dev/null 2>&1 || true
  cat "$tmp/cglog-$name"/*.log \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p' \
    | awk '{ n += $1 } END { printf "%.0f", n }'
}
echo
echo "instructions (callgrind) on $i files of 2 s, --jobs 1 ..."
rm -rf "$tmp/single" "$tmp/turn" && mkdir -p "$tmp/single"
i_single=$(instr single env BENCH_RUN=single BENCH_JOBS=1 sh "$0" "$1" "$tmp/single")
i_turn=$(instr turn env BENCH_RUN=farm sh "$0" "$1" "$tmp/turn" 1 in-turn)
i_merge=$(instr merge sh "$src_dir/tools/slurm/watershed-merge.sbatch" "$tmp/turn")
printf '%-58s %15s\n' "run" "instructions"
printf '%-58s %15s\n' "single: watershed check --jobs 1" "$i_single"
printf '%-58s %15s\n' "farm: $shards shards in turn (--jobs 1) + merge" "$i_turn"
printf '%-58s %15s\n' "  of which the merge" "$i_merge"
printf '%-58s %14sx\n' "farm / single" "$(calc "$i_turn / $i_single")"
printf '%-58s %15s\n' "fixed cost per shard ((farm - merge - single) / $shards)" \
  "$(calc "($i_turn - $i_merge - $i_single) / $shards")"
echo "merged report = single run: $(verdict "$tmp/turn")"
