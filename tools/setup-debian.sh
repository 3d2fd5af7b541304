#!/usr/bin/env bash
# Installs everything Settlebridge needs to build, test and run its demo on Debian 12 (bookworm).
# Runs as root, or through sudo when it is available.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config ccache
  # libraries (all from Debian)
  gsoap libgsoap-dev libpoco-dev libtinyxml2-dev libsqlite3-dev libssl-dev zlib1g-dev
  # the store's PostgreSQL backend (daemon/store/postgres.cpp): libpq, the client library of PostgreSQL 15
  libpq-dev
  # tests: GoogleTest, qbXML schema validation, the Web Connector emulator and simulators
  libgtest-dev libgmock-dev libxml2-dev libxml2-utils python3 python3-zeep python3-lxml
  # time zones for the summarizer (TZif files)
  tzdata
  # tools used by scripts
  curl openssl
  # the admin page's browser tests (headless, driven by playwright-core from tools/node)
  chromium
  # the Debian package test (tests/integration/deb_package_test.sh): dpkg-shlibdeps, lintian, systemd-analyze
  dpkg-dev lintian systemd adduser
  # hardening-check (the .deb test checks the packaged binary's hardening with it)
  devscripts
  # Debian's gsoap source for the runtime built with WITH_NOIDREF (tools/fetch-gsoap-source.sh)
  debian-archive-keyring
  # PostgreSQL 15 server (with citext) and psql for throw-away clusters (tools/pg-cluster; the store tests on
  # PostgreSQL, tools/run-tests; tests/integration/pg_cluster_test.sh)
  postgresql-15
  # HAProxy, the round-robin front of the two-daemon test (tests/e2e/two_daemons_test.py; run as the user, loopback)
  haproxy
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi

# Node.js runs Prism (the SP-API contract check in the tests). Debian's nodejs/npm unless a node is already there.
if ! command -v npm >/dev/null 2>&1; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm
fi
"$(dirname "$0")/install-node-tools.sh"

# gSOAP's runtime source, the installed version, so tools/build.sh builds it with WITH_NOIDREF (CMakeLists.txt);
# without it the build links Debian's libgsoap++ instead: the same behaviour, a quarter more CPU per SOAP message.
"$(dirname "$0")/fetch-gsoap-source.sh" >/dev/null ||
  echo "setup: the gsoap source is not available; the build will link Debian's libgsoap++"
