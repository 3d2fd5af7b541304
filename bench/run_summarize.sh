#!/usr/bin/env bash
# Whole-process benchmark of `settlebridge summarize --format json` on a large generated settlement
# (~150,000 orders, ~900k rows, ~160 MB), with peak RSS, next to a pandas read_csv+groupby baseline on the
# same file in the same run. Also checks that RSS stays flat as the file grows (a quarter-size file).
# Usage: bench/run_summarize.sh [ORDERS]   (default 150000). Prints a Markdown block for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
orders="${1:-150000}"
work=/tmp/settlebridge-bench
mkdir -p "$work"
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSETTLEBRIDGE_TESTS=OFF >/dev/null
cmake --build build-release --target settlebridge >/dev/null
bin=build-release/daemon/app/settlebridge

big="$work/settlement-$orders.txt"
small="$work/settlement-$((orders / 4)).txt"
[ -f "$big" ] || /usr/bin/python3 tools/generate_settlement.py --orders "$orders" --seed 42 --skus 2000 "$big"
[ -f "$small" ] || /usr/bin/python3 tools/generate_settlement.py --orders "$((orders / 4))" --seed 42 --skus 2000 "$small"
rows=$(($(wc -l < "$big") - 2))
size_mb=$(( $(stat -c %s "$big") / 1000000 ))

measure() {  # measure LABEL COMMAND... → best wall seconds of 5 runs and the max RSS seen
  local label="$1"; shift
  local best="" rss=0
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" > /dev/null
    read -r secs kb < "$work/time.txt"
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; fi
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  printf '| %s | %s s | %s MB |\n' "$label" "$best" "$((rss / 1024))"
}

cat "$big" "$small" > /dev/null  # warm the page cache: the figures are CPU, not disk
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr)"
echo "File: $rows rows, $size_mb MB ($orders orders); quarter file: $(($(wc -l < "$small") - 2)) rows"
echo
echo "| command | wall (best of 5) | peak RSS |"
echo "|---|---|---|"
measure "settlebridge summarize --format json (full file)" taskset -c 0 "$bin" summarize "$big" --format json
measure "settlebridge summarize --format json (quarter file)" taskset -c 0 "$bin" summarize "$small" --format json
measure "pandas read_csv + groupby (full file)" taskset -c 0 /usr/bin/python3 bench/pandas_baseline.py "$big"
