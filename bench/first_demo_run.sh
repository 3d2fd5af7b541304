#!/usr/bin/env bash
# The cold first run of tools/demo (issue 17 part 2): a fresh clone of this checkout into an empty temporary folder
# (nothing beside it), ccache off, the gSOAP source copied from this checkout's build-deps/ when it is there (what
# tools/setup-debian.sh fetches), then `tools/demo`, every output line stamped with the seconds since the start.
# Prints the time to the first line after the build, the build's step count, the load average (1 min) every 30 s,
# and the CPU time (user + sys) of the whole run. The machine may be shared: read the figures with the load.
# Usage: bench/first_demo_run.sh [WORKDIR]   (default: a new /tmp/first-demo.XXXXXX, kept for inspection)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d /tmp/first-demo.XXXXXX)}"
mkdir -p "$work"
git clone -q "$here" "$work/settlebridge"
if [ -d "$here/build-deps/gsoap" ]; then
  mkdir -p "$work/settlebridge/build-deps" && cp -a "$here/build-deps/gsoap" "$work/settlebridge/build-deps/"
fi
cd "$work/settlebridge"
echo "commit $(git rev-parse --short HEAD), $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
since() { echo "$(date +%s.%N) - $start" | bc; }
( while sleep 30; do printf 'LOAD %s t=%.0f\n' "$(cut -d' ' -f1 /proc/loadavg)" "$(since)"; done ) &
sampler=$!
trap 'kill $sampler 2>/dev/null || true' EXIT
export CCACHE_DISABLE=1
TIMEFORMAT='cpu: user %U s, sys %S s, wall %R s (the whole demo, build included)'
time {
  tools/demo 2>&1 | {
    done_building=0
    reported=0
    while IFS= read -r line; do
      t=$(since)
      printf '%7.1f %s\n' "$t" "$line"
      if [[ "$line" =~ ^\[([0-9]+)/([0-9]+)\] ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]; then
        done_building=1
      elif [ "$done_building" = 1 ] && [ "$reported" = 0 ] && [ -n "$line" ]; then
        printf 'FIRST LINE AFTER THE BUILD at %.1f s\n' "$t"
        reported=1
      fi
    done
  }
}
kill $sampler 2>/dev/null || true
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
