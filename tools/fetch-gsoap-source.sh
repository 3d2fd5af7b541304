#!/usr/bin/env bash
# Fetches Debian's gsoap source package — the same version as the installed libgsoap-dev/soapcpp2 — and unpacks it
# with Debian's patches into DIR (default: <repo>/build-deps/gsoap). On success prints the folder holding
# stdsoap2.cpp and dom.cpp, for cmake -DSETTLEBRIDGE_GSOAP_SOURCE=... (see CMakeLists.txt: the runtime is then
# built with WITH_NOIDREF). Idempotent: a finished unpack of the installed version is reused without the network.
# Sources come through a private apt configuration (deb-src lines, signed by the Debian archive keyring), so
# nothing under /etc changes. Exit 1 when the source cannot be had (offline, version gone from the mirror):
# callers fall back to Debian's libgsoap++.
#   tools/fetch-gsoap-source.sh [--cached] [DIR]      (--cached: never the network; exit 1 unless already unpacked)
set -euo pipefail

cached_only=0
if [ "${1:-}" = "--cached" ]; then cached_only=1; shift; fi
repo="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-$repo/build-deps/gsoap}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

fail() { echo "fetch-gsoap-source: $*" >&2; exit 1; }
command -v dpkg-source >/dev/null || fail "dpkg-source not found (apt-get install -y dpkg-dev)"
version="$(dpkg-query -W -f '${source:Version}' libgsoap-dev 2>/dev/null)" || fail "libgsoap-dev is not installed"
[ -n "$version" ] || fail "libgsoap-dev is not installed"
upstream="${version%-*}"
upstream="${upstream#*:}"
tree="$dir/gsoap-$upstream"

if [ -f "$tree/.settlebridge-version" ] && [ "$(cat "$tree/.settlebridge-version")" = "$version" ] &&
   [ -f "$tree/gsoap/stdsoap2.cpp" ]; then
  echo "$tree/gsoap"
  exit 0
fi
[ "$cached_only" -eq 0 ] || exit 1

apt="$dir/apt"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$dir/download"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || fail "$keyring missing (apt-get install -y debian-archive-keyring)"
cat > "$apt/sources.list" <<EOF
deb-src [signed-by=$keyring] http://deb.debian.org/debian bookworm main
deb-src [signed-by=$keyring] http://deb.debian.org/debian bookworm-updates main
deb-src [signed-by=$keyring] http://deb.debian.org/debian-security bookworm-security main
EOF
apt_opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
          -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o APT::Sandbox::User=root)
apt-get -qq "${apt_opts[@]}" update >&2 || fail "cannot reach deb.debian.org for the gsoap source"
# apt checks the .dsc and tarballs against the signed Release files; dpkg-source applies debian/patches.
(cd "$dir/download" && apt-get -qq "${apt_opts[@]}" source --download-only "gsoap=$version" >&2) ||
  fail "the mirror has no gsoap $version source"
rm -rf "$tree"
(cd "$dir/download" && dpkg-source --no-check -x "gsoap_${version#*:}.dsc" "$tree" >&2) ||
  fail "cannot unpack gsoap_${version#*:}.dsc"
[ -f "$tree/gsoap/stdsoap2.cpp" ] && [ -f "$tree/gsoap/dom.cpp" ] || fail "no stdsoap2.cpp/dom.cpp in $tree/gsoap"
echo "$version" > "$tree/.settlebridge-version"
echo "$tree/gsoap"
