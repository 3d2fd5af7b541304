#!/usr/bin/env bash
# Issue 3 benchmark: the Web Connector endpoint, Settlebridge against quickbooks-js 1.0.0 (peer baseline), on
# loopback at 1, 8 and 64 connections. Installs nothing; needs wrk, node, Debian's python3 with python3-lxml,
# quickbooks-js under $QBJS_PREFIX and a Release build of settlebridge. Prints a Markdown table on stdout
# (progress on stderr).
#   (a) clientVersion exactly as captured (wrk + clientversion.lua, $DURATION per run);
#   (b) full sessions (session_driver.py): N connections = N companies, each with the 7 CA fixture
#       settlements imported (15 documents); one session per connection posts them all.
#       quickbooks-js: one session per connection handing out $QBJS_REQUESTS CustomerQuery requests.
#   (c) with POCO_CEILING=1: poco_front_ceiling.cpp (Poco's HTTPServer answering clientVersion from memory, no
#       SOAP at all: the most any endpoint on Poco's thread-per-connection server could reach), same wrk calls.
# Environment: SETTLEBRIDGE_BIN (default build-bench/daemon/app/settlebridge), QBJS_PREFIX (/tmp/qbjs),
#   DURATION (10s), CONNECTIONS ("1 8 64"), WORKDIR (a fresh temporary directory), QBJS_REQUESTS (64),
#   WORKLOADS ("a b": which of (a) and (b) to run), POCO_CEILING (0), SERVE_ARGS (extra `settlebridge serve`
#   options, e.g. "--io-threads 2" or "--engine thread-per-connection").
# Every row notes the load average (1 min) before and after it: the machine is shared, so read the figures with it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${SETTLEBRIDGE_BIN:-$root/build-bench/daemon/app/settlebridge}
qbjs_prefix=${QBJS_PREFIX:-/tmp/qbjs}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-1 8 64}
workloads=${WORKLOADS:-a b}
poco_ceiling=${POCO_CEILING:-0}
qbjs_requests=${QBJS_REQUESTS:-64}
serve_args=${SERVE_ARGS:-}
python=/usr/bin/python3
# The Amazon.ca settlements imported for workload (b): the project-made legacy-layout ones
# (tests/data/settlements/made); the figures in BENCHMARKS.md before 2026-12-08 used the real ones of the team's
# ../shared/fixtures (FIXTURES=DIR and FIXTURE_GLOB=PATTERN pick other files, e.g. the real 'v1flat_CA_*').
fixtures=${FIXTURES:-$root/tests/data/settlements/made}
fixture_glob=${FIXTURE_GLOB:-v1*_CA_*.txt}
export CLIENTVERSION_XML=${CLIENTVERSION_XML:-$root/tests/data/qbwc/envelopes/clientVersion.request.xml}
password=bench-password

fail() { echo "run_qbwc_bench.sh: $*" >&2; exit 2; }
command -v wrk >/dev/null || fail "wrk not found (apt-get install -y wrk)"
command -v node >/dev/null || fail "node not found (apt-get install -y nodejs)"
[ -x "$python" ] && "$python" -c 'import lxml' 2>/dev/null || fail "$python with lxml needed (apt-get install -y python3-lxml)"
[ -d "$qbjs_prefix/node_modules/quickbooks-js" ] || fail "quickbooks-js not in $qbjs_prefix (npm install --prefix $qbjs_prefix quickbooks-js@1.0.0)"
[ -x "$bin" ] || fail "no settlebridge binary at $bin (Release build: cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DSETTLEBRIDGE_TESTS=OFF -DSETTLEBRIDGE_GSOAP_SOURCE=\$(tools/fetch-gsoap-source.sh) && cmake --build build-bench --target settlebridge)"

work=${WORKDIR:-$(mktemp -d /tmp/qbwc-bench.XXXXXX)}
mkdir -p "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
loadavg() { cut -d' ' -f1 /proc/loadavg; }
field() { sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p"; }

# company setup for (b): N companies, all CA fixtures imported into each (not timed)
setup_companies() {
  local dir=$1 n=$2 i f
  rm -rf "$dir"; mkdir -p "$dir"
  for ((i = 0; i < n; i++)); do
    SETTLEBRIDGE_PASSWORD=$password "$bin" company add "bench$i" --mode live --data-dir "$dir" >/dev/null
    for f in "$fixtures"/$fixture_glob; do "$bin" import "$f" --company "bench$i" --data-dir "$dir" >/dev/null; done
  done
}

start_settlebridge() {  # dir -> sets sb_pid, sb_url
  rm -f "$1/ready"
  # shellcheck disable=SC2086  # SERVE_ARGS: extra serve options, word-split on purpose
  "$bin" serve --data-dir "$1" --port 0 --ready-file "$1/ready" $serve_args >"$1/serve.log" 2>&1 &
  sb_pid=$!; pids+=("$sb_pid")
  for _ in $(seq 100); do [ -s "$1/ready" ] && break; sleep 0.05; done
  [ -s "$1/ready" ] || fail "settlebridge serve did not start: $(cat "$1/serve.log")"
  sb_url="$(cat "$1/ready")/qbwc"
}
stop() { kill "$1"; wait "$1" 2>/dev/null || true; }

start_qbjs() {  # -> qb_pid, qb_url
  local port; port=$(free_port)
  NODE_PATH=$qbjs_prefix/node_modules QB_SOAP_PORT=$port QB_USERNAME=username QB_PASSWORD=password \
    QB_COMPANY_FILE='C:\Bench\Company.QBW' QBJS_REQUESTS=$qbjs_requests \
    node "$here/qbjs_server.js" >"$work/qbjs.log" 2>&1 &
  qb_pid=$!; pids+=("$qb_pid")
  for _ in $(seq 100); do grep -q listening "$work/qbjs.log" 2>/dev/null && break; sleep 0.05; done
  sleep 0.3
  qb_url="http://127.0.0.1:$port/wsdl"
}

rows=()
row() { rows+=("$*"); echo "$*" >&2; }
hz=$(getconf CLK_TCK)

# ---------------------------------------------------------------- (a) clientVersion
wrk_row() {  # label server-pid url connections
  local label=$1 pid=$2 url=$3 c=$4 threads t0 t1 l0 l1 out r cpu
  threads=$(( c < 2 ? 1 : 2 ))
  t0=$(cpu_ticks "$pid"); l0=$(loadavg)
  out=$(wrk -t"$threads" -c"$c" -d"$duration" --latency -s "$here/clientversion.lua" "$url")
  t1=$(cpu_ticks "$pid"); l1=$(loadavg)
  echo "$out" >"$work/a/wrk-$label-$c.txt"
  r=$(echo "$out" | grep '^RESULT')
  cpu=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" -v d="${duration%s}" 'BEGIN{printf "%.0f", (b-a)/hz/d*100}')
  row "| (a) clientVersion | $label | $c | $(echo "$r" | field rps) | $(echo "$r" | field p50_ms) | $(echo "$r" | field p99_ms) | errors $(echo "$r" | field errors), non-2xx $(echo "$r" | field non2xx), server CPU ${cpu}%, load $l0→$l1 |"
}

if [[ " $workloads " == *" a "* ]]; then
echo "== (a) clientVersion, $duration per run" >&2
mkdir -p "$work/a"
SETTLEBRIDGE_PASSWORD=$password "$bin" company add bench0 --mode live --data-dir "$work/a" >/dev/null
start_settlebridge "$work/a"; start_qbjs
for c in $connections; do
  wrk_row settlebridge "$sb_pid" "$sb_url" "$c"
  wrk_row quickbooks-js "$qb_pid" "$qb_url" "$c"
done
stop "$sb_pid"; stop "$qb_pid"
fi

if [ "$poco_ceiling" = 1 ]; then
  echo "== (c) Poco HTTPServer ceiling (fixed answer, no SOAP)" >&2
  mkdir -p "$work/a"
  g++ -O2 -std=c++17 "$here/poco_front_ceiling.cpp" -o "$work/poco_front_ceiling" -lPocoNet -lPocoFoundation -lpthread
  "$work/poco_front_ceiling" 64 >"$work/poco_port" &
  pc_pid=$!; pids+=("$pc_pid")
  for _ in $(seq 100); do [ -s "$work/poco_port" ] && break; sleep 0.05; done
  for c in $connections; do
    wrk_row "Poco HTTPServer, fixed answer" "$pc_pid" "http://127.0.0.1:$(cat "$work/poco_port")/qbwc" "$c"
  done
  stop "$pc_pid"
fi

# ---------------------------------------------------------------- (b) full sessions
if [[ " $workloads " == *" b "* ]]; then
echo "== (b) full sessions" >&2
for c in $connections; do
  dir="$work/b$c"
  echo "   setting up $c companies" >&2
  setup_companies "$dir" "$c"
  start_settlebridge "$dir"
  t0=$(cpu_ticks "$sb_pid"); l0=$(loadavg)
  r=$("$python" "$here/session_driver.py" --url "$sb_url" --connections "$c" --user 'bench{i}' --password $password | grep '^RESULT')
  t1=$(cpu_ticks "$sb_pid"); l1=$(loadavg)
  stop "$sb_pid"
  posted=$("$bin" status --data-dir "$dir" --format json | "$python" -c 'import json,sys; print(sum(c["counts"]["posted"] for c in json.load(sys.stdin)["companies"]))')
  wall=$(echo "$r" | field wall_s)
  cpu=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN{printf "%.2f", (b-a)/hz}')
  row "| (b) sessions | settlebridge | $c | $(echo "$r" | field calls_per_s) | $(echo "$r" | field p50_ms) | $(echo "$r" | field p99_ms) | $(echo "$r" | field sessions) sessions, $posted documents posted (durable), $(echo "$r" | field calls) calls in ${wall} s, $(echo "$r" | field sessions_per_s) sessions/s; authenticate p50/p99 $(echo "$r" | field auth_p50_ms)/$(echo "$r" | field auth_p99_ms) ms, other calls p50/p99 $(echo "$r" | field other_p50_ms)/$(echo "$r" | field other_p99_ms) ms; server CPU ${cpu} s, driver CPU $(echo "$r" | field driver_cpu_s) s; failures $(echo "$r" | field failures); load $l0→$l1 |"

  start_qbjs
  t0=$(cpu_ticks "$qb_pid"); l0=$(loadavg)
  r=$("$python" "$here/session_driver.py" --url "$qb_url" --connections "$c" --user username --password password --sessions 1 | grep '^RESULT')
  t1=$(cpu_ticks "$qb_pid"); l1=$(loadavg)
  stop "$qb_pid"
  wall=$(echo "$r" | field wall_s)
  cpu=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN{printf "%.2f", (b-a)/hz}')
  row "| (b) sessions | quickbooks-js | $c | $(echo "$r" | field calls_per_s) | $(echo "$r" | field p50_ms) | $(echo "$r" | field p99_ms) | $(echo "$r" | field sessions) sessions, nothing stored, $(echo "$r" | field calls) calls in ${wall} s, $(echo "$r" | field sessions_per_s) sessions/s; authenticate p50/p99 $(echo "$r" | field auth_p50_ms)/$(echo "$r" | field auth_p99_ms) ms, other calls p50/p99 $(echo "$r" | field other_p50_ms)/$(echo "$r" | field other_p99_ms) ms; server CPU ${cpu} s, driver CPU $(echo "$r" | field driver_cpu_s) s; failures $(echo "$r" | field failures); load $l0→$l1 |"
done
fi

echo "| workload | server | connections | requests/s | p50 ms | p99 ms | notes |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), Linux $(uname -r); $(date -u '+%Y-%m-%d %H:%M UTC'); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). Work dir: $work"
