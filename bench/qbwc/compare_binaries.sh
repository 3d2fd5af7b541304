#!/usr/bin/env bash
# Throughput of two settlebridge binaries on the Web Connector's clientVersion call, alternated: old, new, old,
# new, ... (RUNS each; a change in the machine's load then hits both alike). wrk 4.1 with clientversion.lua at
# CONNECTIONS connections for DURATION per run, each run against a fresh daemon on loopback. Prints one Markdown
# row per run and the medians with new/old; exits 1 when the new median is below MIN_RATIO (default 0.90) of the old.
#   bench/qbwc/compare_binaries.sh OLD_BINARY NEW_BINARY
# Environment: RUNS (5), CONNECTIONS (64), DURATION (10s), SERVE_ARGS (extra `serve` options for both),
#   CLIENTVERSION_XML (the request body; default the project's envelope, tests/data/qbwc/envelopes).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
old=${1:?usage: compare_binaries.sh OLD_BINARY NEW_BINARY}
new=${2:?usage: compare_binaries.sh OLD_BINARY NEW_BINARY}
runs=${RUNS:-5}
connections=${CONNECTIONS:-64}
duration=${DURATION:-10s}
min_ratio=${MIN_RATIO:-0.90}
command -v wrk >/dev/null || { echo "wrk not found (apt-get install -y wrk)" >&2; exit 2; }
work=$(mktemp -d /tmp/sb-compare.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

envelope=${CLIENTVERSION_XML:-$here/../../tests/data/qbwc/envelopes/clientVersion.request.xml}
if [ ! -f "$envelope" ]; then
  envelope=$work/clientVersion.request.xml
  printf '%s' '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body><clientVersion xmlns="http://developer.intuit.com/"><strVersion>2.3.0.30</strVersion></clientVersion></soap:Body></soap:Envelope>' >"$envelope"
fi
export CLIENTVERSION_XML=$envelope

one_run() {  # binary label -> "rps p99"
  local bin=$1 dir=$work/data-$2-$RANDOM ready
  ready=$dir/ready
  mkdir -p "$dir"
  # shellcheck disable=SC2086
  "$bin" serve --port 0 --data-dir "$dir" --ready-file "$ready" ${SERVE_ARGS:-} >"$dir/log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do [ -s "$ready" ] && break; sleep 0.05; done
  local url; url=$(cat "$ready")
  local out; out=$(wrk -t2 -c"$connections" -d"$duration" --latency -s "$here/clientversion.lua" "$url/qbwc")
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  local line; line=$(grep '^RESULT' <<<"$out")
  local errors; errors=$(sed -n 's/.* errors=\([0-9]*\).*/\1/p' <<<"$line")
  [ "$errors" = 0 ] || { echo "errors in a run of $bin: $line" >&2; exit 2; }
  echo "$(sed -n 's/.*rps=\([0-9.]*\).*/\1/p' <<<"$line") $(sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p' <<<"$line")"
}

echo "| run | binary | requests/s | p99 ms | load before |"
echo "|---|---|---|---|---|"
old_rps=(); new_rps=()
for ((i = 1; i <= runs; i++)); do
  for which in old new; do
    bin=$old; [ "$which" = new ] && bin=$new
    load=$(cut -d' ' -f1 /proc/loadavg)
    read -r rps p99 < <(one_run "$bin" "$which")
    echo "| $i | $which | $rps | $p99 | $load |"
    if [ "$which" = old ]; then old_rps+=("$rps"); else new_rps+=("$rps"); fi
  done
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
mo=$(median "${old_rps[@]}"); mn=$(median "${new_rps[@]}")
ratio=$(awk -v n="$mn" -v o="$mo" 'BEGIN {printf "%.3f", n/o}')
echo
echo "median requests/s: old $mo, new $mn, new/old $ratio"
awk -v r="$ratio" -v m="$min_ratio" 'BEGIN {exit !(r >= m)}'
