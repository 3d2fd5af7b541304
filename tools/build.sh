#!/usr/bin/env bash
# Configures and builds Settlebridge into ./build (warnings are errors). Usage: tools/build.sh [extra cmake args]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
# gSOAP's runtime from Debian's source with WITH_NOIDREF when tools/setup-debian.sh fetched it (same version as the
# installed soapcpp2); else Debian's libgsoap++ (same behaviour, more CPU per message).
gsoap=-DSETTLEBRIDGE_GSOAP_SOURCE=
if source_dir=$(tools/fetch-gsoap-source.sh --cached 2>/dev/null); then
  gsoap="-DSETTLEBRIDGE_GSOAP_SOURCE=$source_dir"
fi
# Hardened as the package is built (installer/hardening.cmake): the tests and the .deb test run what ships.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSETTLEBRIDGE_WERROR=ON -DSETTLEBRIDGE_HARDENING=ON \
  "$gsoap" "$@" >/dev/null
cmake --build build -j "$jobs"
