#!/usr/bin/env bash
# Configures and builds Settlebridge into ./build (warnings are errors). Usage: tools/build.sh [extra cmake args]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSETTLEBRIDGE_WERROR=ON "$@" >/dev/null
cmake --build build -j "$jobs"
