#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Policy decisions per second on one core (tests/bench/bench_policy.c):
# instants spread over two years, several policies, ratings and service
# classes, as a gate or a schedule check asks them. Goal: 2 million/s.
# Usage: bench-policy.sh BUILD_DIR [SECONDS]
set -eu
build=$(cd "$1" && pwd)
src_dir=$(cd "$(dirname "$0")/../.." && pwd)
WATERSHED_DATADIR="${WATERSHED_DATADIR:-$src_dir/ratings}" \
  taskset -c 0 "$build/tests/bench/bench_policy" "${2:-3}"
