#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# watershed: the 30-minute real-time live soak (issue #14 acceptance).
#
# Runs, on the wall clock, a live channel as the README documents it:
#   videotestsrc is-live=true ! ratingtag ! ratinggate clock=wall ! ratingoverlay ! fakesink sync=true
#   audiotestsrc is-live=true ! ratingtag ! ratinggate clock=wall ! fakesink sync=true
# with a policy written for the run whose window for the programme's BBFC 15
# opens a minute in and closes a minute before the end, so the gates open and
# close once each while the pipeline runs. gst-launch-1.0 runs under the
# GStreamer leaks tracer; its resident set size (VmRSS) is sampled every
# WS_SOAK_SAMPLE seconds.
#
# It passes when gst-launch-1.0 ends cleanly on the interrupt, the leaks
# tracer reports no object alive at exit, VmRSS after the warm-up (the first
# fifth of the run) grows by less than WS_SOAK_RSS_BOUND_KB, and each gate's
# as-run log says closed, open, closed in that order.
#
# Skipped (exit 77) unless WS_SOAK=1, so CI and `meson test` do not spend
# half an hour on it. Usage, from the source tree after `ninja -C build`:
#   WS_SOAK=1 tests/soak/live-soak.sh [BUILD_DIR]        # 30 minutes
#   WS_SOAK=1 WS_SOAK_SECONDS=300 tests/soak/live-soak.sh # a shorter run
# or `WS_SOAK=1 meson test -C build --suite soak --print-errorlogs`.
set -eu

if [ "${WS_SOAK:-0}" != 1 ]; then
  echo "live-soak: skipped (set WS_SOAK=1 to run the 30-minute live soak)"
  exit 77
fi

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-${WS_BUILD_DIR:-$src/build}}
seconds=${WS_SOAK_SECONDS:-1800}
sample=${WS_SOAK_SAMPLE:-30}
bound_kb=${WS_SOAK_RSS_BOUND_KB:-16384}

if [ ! -d "$build/plugins" ]; then
  echo "live-soak: no $build/plugins: build first (meson setup build && ninja -C build)" >&2
  exit 2
fi
if [ "$seconds" -lt 180 ]; then
  echo "live-soak: WS_SOAK_SECONDS must be at least 180" >&2
  exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ws-soak-XXXXXX")
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid" || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# the window, in UTC: opens 60 s after now, closes 60 s before the end
now=$(date -u +%s)
open_at=$(date -u -d "@$((now + 60))" +%H:%M:%S)
close_at=$(date -u -d "@$((now + seconds - 60))" +%H:%M:%S)
cat > "$tmp/policy.xml" <<XML
<policy xmlns="urn:watershed:policy:1" id="soak" jurisdiction="GB" zone="UTC" systems="bbfc">
  <name>live soak</name>
  <service-class id="tv" default="true"><description>tv</description></service-class>
  <rule-set version="1" valid-from="2000-01-01">
    <rule id="soak-window" min-age="15"><window from="$open_at" to="$close_at"/><reason>a 15 from $open_at to $close_at UTC</reason><source href="https://example.org/soak"/></rule>
  </rule-set>
</policy>
XML
# the rating: the shipped sample, bbfc:15 for GB
programme="$src/ratings/samples/demo-bbfc15.xml"

echo "live-soak: ${seconds} s on the wall clock; the gates open at $open_at and close at $close_at UTC"
GST_PLUGIN_PATH="$build/plugins${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}" \
GST_TRACERS=leaks GST_DEBUG=GST_TRACER:7 GST_DEBUG_NO_COLOR=1 \
GST_DEBUG_FILE="$tmp/tracer.log" \
WATERSHED_DATADIR="${WATERSHED_DATADIR:-$src/ratings}" \
gst-launch-1.0 -e \
  videotestsrc is-live=true ! video/x-raw,format=I420,width=1280,height=720,framerate=25/1 ! \
    ratingtag location="$programme" territory=GB ! \
    ratinggate name=vgate policy="$tmp/policy.xml" clock=wall as-run-log="$tmp/as-run.jsonl" ! \
    ratingoverlay mode=at-start duration=10000000000 ! fakesink sync=true \
  audiotestsrc is-live=true ! audio/x-raw,rate=48000,channels=2 ! \
    ratingtag location="$programme" territory=GB ! \
    ratinggate name=agate policy="$tmp/policy.xml" clock=wall as-run-log="$tmp/as-run.jsonl" ! \
    fakesink sync=true \
  > "$tmp/launch.out" 2> "$tmp/launch.err" &
pid=$!

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true; }
elapsed=0
warm=$((seconds / 5))
base=
max=0
while [ "$elapsed" -lt "$seconds" ]; do
  sleep "$sample"
  elapsed=$((elapsed + sample))
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "live-soak: gst-launch-1.0 stopped after ${elapsed} s" >&2
    cat "$tmp/launch.err" >&2
    exit 1
  fi
  kb=$(rss "$pid")
  echo "live-soak: ${elapsed} s, VmRSS ${kb} kB"
  if [ "$elapsed" -ge "$warm" ]; then
    [ -n "$base" ] || base=$kb
    [ "$kb" -le "$max" ] || max=$kb
  fi
done

kill -INT "$pid"
status=0
wait "$pid" || status=$?
pid=
fail=0
if [ "$status" -ne 0 ]; then
  echo "live-soak: FAIL: gst-launch-1.0 exited with $status" >&2
  cat "$tmp/launch.err" >&2
  fail=1
fi
# the records, not the tracer's format lines (new format string: ...%s)
grep 'object-alive, type-name=(string)' "$tmp/tracer.log" |
  grep -v 'format string' > "$tmp/alive.log" || true
alive=$(wc -l < "$tmp/alive.log")
if [ "$alive" -ne 0 ] || grep -q 'Leaks detected' "$tmp/launch.err"; then
  echo "live-soak: FAIL: the leaks tracer found $alive objects alive at exit:" >&2
  head -20 "$tmp/alive.log" >&2
  fail=1
else
  echo "live-soak: leaks tracer: no object alive at exit"
fi
growth=$((max - base))
echo "live-soak: VmRSS ${base} kB after the warm-up, at most ${max} kB after (growth ${growth} kB, bound ${bound_kb} kB)"
if [ "$growth" -ge "$bound_kb" ]; then
  echo "live-soak: FAIL: VmRSS grew by ${growth} kB" >&2
  fail=1
fi
for gate in vgate agate; do
  seq=$(grep "\"element\": \"$gate\"" "$tmp/as-run.jsonl" |
    sed -n 's/.*"allowed": \([a-z]*\).*/\1/p' | tr '\n' ' ')
  echo "live-soak: $gate allowed: $seq"
  if [ "$seq" != "false true false " ]; then
    echo "live-soak: FAIL: $gate should be closed, open, closed" >&2
    fail=1
  fi
done
[ "$fail" -eq 0 ] && echo "live-soak: PASS"
exit "$fail"
