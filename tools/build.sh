#!/usr/bin/env bash
# Configures and builds Settlebridge into ./build (warnings are errors).
# Usage: tools/build.sh [--target NAME]... [extra cmake args]
#   --target NAME  build only NAME (and what it needs), e.g. the demo's `settlebridge` and `amazon_sim`;
#                  without it, everything (the binary, the simulators, every test).
# ninja prints its progress ([done/total] and the file) as it builds.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
targets=()
cmake_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --target) targets+=(--target "$2"); shift 2 ;;
    --target=*) targets+=(--target "${1#*=}"); shift ;;
    *) cmake_args+=("$1"); shift ;;
  esac
done
# gSOAP's runtime from Debian's source with WITH_NOIDREF when tools/setup-debian.sh fetched it (same version as the
# installed soapcpp2); else Debian's libgsoap++ (same behaviour, more CPU per message).
gsoap=-DSETTLEBRIDGE_GSOAP_SOURCE=
if source_dir=$(tools/fetch-gsoap-source.sh --cached 2>/dev/null); then
  gsoap="-DSETTLEBRIDGE_GSOAP_SOURCE=$source_dir"
fi
# ccache, when installed (tools/setup-debian.sh installs it), makes every rebuild after the first one mostly hits.
launcher=-DCMAKE_CXX_COMPILER_LAUNCHER=
if command -v ccache >/dev/null 2>&1; then
  launcher=-DCMAKE_CXX_COMPILER_LAUNCHER=ccache
fi
# Hardened as the package is built (installer/hardening.cmake): the tests and the .deb test run what ships.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSETTLEBRIDGE_WERROR=ON -DSETTLEBRIDGE_HARDENING=ON \
  "$gsoap" "$launcher" ${cmake_args[@]+"${cmake_args[@]}"} >/dev/null
cmake --build build -j "$jobs" ${targets[@]+"${targets[@]}"}
