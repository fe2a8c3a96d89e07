# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the benchmarks (sourced, not run): argument and tool
# checks, a private registry with the build's plugin, arithmetic, and the
# CPU time of one gst-launch-1.0 run.

# bench_init BUILD_DIR: sets $build, $src_dir and $tmp (removed on exit)
bench_init() {
  if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
  fi
  build=$(cd "$1" && pwd)
  src_dir=$(cd "$(dirname "$0")/../.." && pwd)
  if [ ! -f "$build/plugins/libgstwatershed.so" ]; then
    echo "$0: $build/plugins/libgstwatershed.so: not built" \
      "(ninja -C $1 plugins/libgstwatershed.so)" >&2
    exit 2
  fi
  command -v gst-launch-1.0 >/dev/null || {
    echo "$0: gst-launch-1.0 not found (apt-get install gstreamer1.0-tools)" >&2
    exit 2
  }
  [ -x /usr/bin/time ] || {
    echo "$0: /usr/bin/time not found (apt-get install time)" >&2
    exit 2
  }
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT INT TERM
  GST_PLUGIN_PATH_1_0="$build/plugins${GST_PLUGIN_PATH_1_0:+:$GST_PLUGIN_PATH_1_0}"
  GST_REGISTRY_1_0="$tmp/registry.bin"
  WATERSHED_DATADIR="${WATERSHED_DATADIR:-$src_dir/ratings}"
  export GST_PLUGIN_PATH_1_0 GST_REGISTRY_1_0 WATERSHED_DATADIR
  unset GST_DEBUG || true
}

calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }
holds() { awk "BEGIN { exit !($1) }"; }
# keep_min OLD NEW: the smaller, OLD may be empty
keep_min() { if [ -z "$1" ] || holds "$2 < $1"; then echo "$2"; else echo "$1"; fi; }

# gst_cpu PIPELINE...: CPU seconds (user + sys) of one gst-launch-1.0 run
gst_cpu() {
  if ! /usr/bin/time -f "%U %S" -o "$tmp/time" gst-launch-1.0 -q "$@" \
      >"$tmp/out" 2>&1; then
    echo "$0: pipeline failed: $*" >&2
    cat "$tmp/out" >&2
    exit 1
  fi
  awk '{ printf "%.3f", $1 + $2 }' "$tmp/time"
}

# ffmpeg_cpu FILE ARGS...: CPU seconds (user + sys, ffmpeg's -benchmark
# line) of one single-threaded ffmpeg run decoding FILE through ARGS (a
# filter, say) to the null muxer; uses $tmp
ffmpeg_cpu() {
  _in=$1
  shift
  ffmpeg -nostdin -nostats -hide_banner -benchmark -threads 1 -i "$_in" \
    -filter_threads 1 "$@" -f null - >"$tmp/out" 2>&1
  sed -n 's/^bench: utime=\([0-9.]*\)s stime=\([0-9.]*\)s.*/\1 \2/p' "$tmp/out" |
    awk '{ printf "%.3f", $1 + $2 }'
}
