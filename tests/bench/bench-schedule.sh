#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Schedule check at scale: one year of 50 channels (876,000 half-hour
# events in local time) against uk-ofcom, timed end to end (read, join,
# decide, report). Ratings follow the watershed the way a real schedule
# does (U/PG/12 by day, 15/18 between 21:00 and 05:30), with one event in
# 97 misplaced: about 1% violations, each fully reported. Goal: under 2 s.
# Usage: bench-schedule.sh BUILD_DIR
set -eu
build=$1
ws="$build/tools/watershed"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

awk 'BEGIN {
  split("bbfc:U bbfc:PG bbfc:12 bbfc:15 bbfc:18", r, " ");
  print "<watershed-schedule xmlns=\"urn:watershed:schedule:1\">";
  for (c = 1; c <= 50; c++) {
    printf "<channel id=\"ch%02d\" service-class=\"free-to-air\">\n", c;
    n = 0;
    for (m = 1; m <= 12; m++) {
      dim = (m == 2) ? 28 : (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
      for (d = 1; d <= dim; d++)
        for (h = 0; h < 48; h++) {
          n++;
          night = (h >= 42 || h < 11);
          k = night ? 4 + n % 2 : 1 + n % 3;
          if (n % 97 == 0) k = 5;
          printf "<event id=\"c%d-%d\" start=\"2026-%02d-%02dT%02d:%02d:00\" duration=\"PT30M\" rating=\"%s\"/>\n", c, n, m, d, int(h / 2), (h % 2) * 30, r[k];
        }
    }
    print "</channel>";
  }
  print "</watershed-schedule>";
}' > "$tmp/year.xml"

events=$(grep -c '<event ' "$tmp/year.xml")
size=$(du -m "$tmp/year.xml" | cut -f1)
echo "schedule: $events events, ${size} MB"

run () { # label, extra args
  label=$1; shift
  best=""
  for i in 1 2 3; do
    start=$(date +%s.%N)
    "$ws" schedule check "$tmp/year.xml" --policy uk-ofcom "$@" \
      >"$tmp/out" 2>/dev/null || true
    end=$(date +%s.%N)
    t=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
    if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then
      best=$t
    fi
  done
  printf "%-44s %8s %12s\n" "$label" "$best" \
    "$(awk -v n="$events" -v t="$best" 'BEGIN { printf "%.0f", n / t }')"
}
printf "%-44s %8s %12s\n" "run (best of 3)" "seconds" "events/s"
run "schedule check, text report"
run "schedule check, --json" --json
violations=$(grep -c '"verdict"' "$tmp/out" || true)
echo "violations reported: $violations; goal: under 2 s"

