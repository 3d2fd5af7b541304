#!/usr/bin/env bash
# Cross-builds the Windows x64 Settlebridge (settlebridge.exe, statically linked) and its MSI on Debian 12, from
# Debian's source packages of the dependencies, with mingw-w64. Not part of CI: a cold run builds OpenSSL and Poco
# (about half an hour on 2 cores); every step leaves a stamp, so a second run only rebuilds Settlebridge.
#
#   tools/cross-build-windows.sh [--cache DIR] [--jobs N] [--deps-only] [--no-msi]
#
#   --cache DIR   where sources, the dependency prefix and the builds go (default: <repo>/build-windows,
#                 or $SETTLEBRIDGE_WIN_CACHE)
#   --jobs N      parallel compile jobs (default 2)
#   --deps-only   stop after the dependencies
#   --no-msi      do not run wixl
#
# Output: DIR/dist/settlebridge.exe and DIR/dist/settlebridge-<version>-x64.msi.
# Needs (Debian packages): g++-mingw-w64-x86-64-posix gcc-mingw-w64-x86-64-posix mingw-w64-tools libz-mingw-w64-dev
# cmake ninja-build make perl tcl gsoap (the host's wsdl2h/soapcpp2) ca-certificates wixl msitools; the script says
# which one is missing.
# Sources come from deb.debian.org through a private apt configuration under DIR/apt (deb-src entries for
# bookworm and bookworm-security): the machine's own apt configuration is not touched.
# Run it under `nice -n 19` on a shared machine.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cache="${SETTLEBRIDGE_WIN_CACHE:-$repo/build-windows}"
jobs=2
deps_only=0
msi=1
while [ $# -gt 0 ]; do
  case "$1" in
    --cache) cache="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --deps-only) deps_only=1; shift ;;
    --no-msi) msi=0; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "cross-build-windows: unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"

triple=x86_64-w64-mingw32
prefix="$cache/prefix"
src="$cache/src"
work="$cache/work"
stamps="$cache/stamps"
dist="$cache/dist"
toolchain="$repo/installer/windows/mingw-toolchain.cmake"
export SETTLEBRIDGE_WIN_PREFIX="$prefix"
mkdir -p "$prefix/include" "$prefix/lib/pkgconfig" "$src" "$work" "$stamps" "$dist"

log() { printf '%s cross-build: %s\n' "$(date +%H:%M:%S)" "$*"; }
need() {
  local missing=()
  for tool in "$@"; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "cross-build-windows: missing ${missing[*]}; install (Debian): g++-mingw-w64-x86-64-posix" \
         "gcc-mingw-w64-x86-64-posix mingw-w64-tools libz-mingw-w64-dev cmake ninja-build make perl tcl gsoap" \
         "ca-certificates wixl msitools" >&2
    exit 1
  fi
}
need ${triple}-gcc-posix ${triple}-g++-posix ${triple}-windmc ${triple}-windres ${triple}-ar cmake ninja make perl \
     tclsh gcc apt-get tar
[ "$msi" -eq 0 ] || need wixl
[ -f /usr/$triple/lib/libz.a ] || { echo "cross-build-windows: install libz-mingw-w64-dev (zlib for mingw)" >&2; exit 1; }
done_step() { [ -f "$stamps/$1" ]; }
mark() { date -u +%FT%TZ > "$stamps/$1"; }
# Times each step into DIR/timings.txt (the figures in installer/README.md come from there).
timed() {
  local name="$1"; shift
  local start=$SECONDS
  "$@"
  printf '%s %ds\n' "$name" "$((SECONDS - start))" >> "$cache/timings.txt"
  log "$name took $((SECONDS - start)) s"
}

# ---------------------------------------------------------------------------------------------------------------
# Sources: Debian's source packages. A private apt configuration with deb-src lines, so nothing under /etc changes.
apt_opts=(-o "Dir::Etc::SourceList=$cache/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
          -o "Dir::State::Lists=$cache/apt/lists" -o "Dir::Cache=$cache/apt/cache" -o APT::Sandbox::User=root)
fetch_sources() {
  mkdir -p "$cache/apt/lists/partial" "$cache/apt/cache/archives/partial"
  cat > "$cache/apt/sources.list" <<'EOF'
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-updates main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
EOF
  apt-get -q "${apt_opts[@]}" update
  local package
  for package in openssl poco sqlite3 tinyxml2 gsoap; do
    if ls "$src/${package}"_*.orig.tar.* >/dev/null 2>&1; then continue; fi
    # The newest version first; if the mirror no longer has every file of it, the release's own version.
    (cd "$src" && apt-get -q "${apt_opts[@]}" source --download-only "$package") ||
      (cd "$src" && apt-get -q "${apt_opts[@]}" source --download-only "$package/bookworm") || true
    ls "$src/${package}"_*.orig.tar.* >/dev/null 2>&1 || { echo "cross-build-windows: no source for $package" >&2; exit 1; }
  done
}
done_step sources || { timed sources fetch_sources; mark sources; }

orig() { ls "$src/$1"_*.orig.tar.* | grep -v -- '-www\.' | grep -v '\.asc$' | sort -V | tail -n1; }
unpack() {  # unpack NAME DIR: the orig tarball into work/DIR (fresh)
  rm -rf "${work:?}/$2"
  mkdir -p "$work/$2"
  tar -xf "$(orig "$1")" -C "$work/$2" --strip-components=1
}

# ---------------------------------------------------------------------------------------------------------------
# OpenSSL (Debian has no mingw build of it): static libssl/libcrypto for Poco's Crypto and NetSSL_OpenSSL.
# The folders OpenSSL compiles in (its default openssl.cnf and certificates, engines, modules) are Windows paths
# under the install folder, which only administrators may write: Configure would make them $prefix/ssl, which on
# Windows means \work\...\ssl on the current drive, a folder any local user could create. They are given to make,
# because Configure puts the prefix before a path it does not see as absolute. settlebridge.exe also points
# OPENSSL_CONF, SSL_CERT_FILE and SSL_CERT_DIR beside itself (daemon/app/windows_trust.hpp).
openssl_dirs=(OPENSSLDIR="C:/Program Files/Settlebridge/ssl" ENGINESDIR="C:/Program Files/Settlebridge/ssl/engines"
              MODULESDIR="C:/Program Files/Settlebridge/ssl/modules")
build_openssl() {
  unpack openssl openssl
  cd "$work/openssl"
  ./Configure mingw64 --cross-compile-prefix=${triple}- no-shared no-tests no-module \
    --prefix="$prefix" --libdir=lib >/dev/null
  make -j"$jobs" "${openssl_dirs[@]}" build_libs >/dev/null
  make "${openssl_dirs[@]}" install_dev >/dev/null
  cd "$cache"
}
done_step openssl || { log "building OpenSSL ($(basename "$(orig openssl)"))"; timed openssl build_openssl; mark openssl; }

# ---------------------------------------------------------------------------------------------------------------
# SQLite: the project needs 3.37+ (STRICT tables); Poco 1.11's bundled copy is 3.35, so Debian's sqlite3 source:
# the amalgamation is generated on the host (tclsh), then cross-compiled.
build_sqlite() {
  unpack sqlite3 sqlite
  mkdir -p "$work/sqlite/host" && cd "$work/sqlite/host"
  ../configure --disable-tcl >/dev/null
  make sqlite3.c >/dev/null
  ${triple}-gcc-posix -O2 -DSQLITE_THREADSAFE=1 -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_JSON1 -c sqlite3.c -o sqlite3.o
  ${triple}-ar rcs "$prefix/lib/libsqlite3.a" sqlite3.o
  cp sqlite3.h sqlite3ext.h "$prefix/include/"
  cd "$cache"
}
done_step sqlite || { log "building SQLite"; timed sqlite build_sqlite; mark sqlite; }

# ---------------------------------------------------------------------------------------------------------------
# Poco 1.11 (static: Foundation Encodings XML JSON Util Net Crypto NetSSL_OpenSSL). Known fixes for mingw:
#  1. the message compiler: CMAKE_MC_COMPILER (set in the toolchain file) = x86_64-w64-mingw32-windmc;
#  2. Poco includes <Winsock2.h> and <Iphlpapi.h>; mingw's headers are lower case: symlinks (for Poco's build, and in
#     the prefix for everything that includes Poco's headers);
#  3. wincrypt.h's TIMESTAMP_REQUEST macro clashes with an enumerator in Net's ICMPv4PacketImpl.h: #undef it;
#  4. (in Settlebridge) Poco::Net::initializeNetwork() before any socket: a static Net has no automatic WSAStartup;
#  5. (in Settlebridge) a wmain needs -municode.
# Debian's security fix CVE-2023-52389 (UTF32Encoding) is applied from the Debian package's patches.
build_poco() {
  unpack poco poco
  cd "$work/poco"
  local debian_tar
  debian_tar="$(ls "$src"/poco_*.debian.tar.* | sort -V | tail -n1)"
  if tar -tf "$debian_tar" debian/patches/CVE-2023-52389.patch >/dev/null 2>&1; then
    tar -xOf "$debian_tar" debian/patches/CVE-2023-52389.patch | patch -p1 --forward --quiet
  fi
  mkdir -p "$work/poco-shim"
  ln -sf "/usr/$triple/include/winsock2.h" "$work/poco-shim/Winsock2.h"
  ln -sf "/usr/$triple/include/iphlpapi.h" "$work/poco-shim/Iphlpapi.h"
  if ! grep -q 'undef TIMESTAMP_REQUEST' Net/include/Poco/Net/ICMPv4PacketImpl.h; then
    sed -i 's|^namespace Poco {|#if defined(TIMESTAMP_REQUEST)\n#undef TIMESTAMP_REQUEST\n#endif\n\nnamespace Poco {|' \
      Net/include/Poco/Net/ICMPv4PacketImpl.h
  fi
  cmake -S . -B "$work/poco-build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_C_FLAGS="-I$work/poco-shim" -DCMAKE_CXX_FLAGS="-I$work/poco-shim" \
    -DOPENSSL_ROOT_DIR="$prefix" -DOPENSSL_USE_STATIC_LIBS=TRUE \
    -DBUILD_SHARED_LIBS=OFF -DENABLE_TESTS=OFF -DENABLE_SAMPLES=OFF \
    -DENABLE_FOUNDATION=ON -DENABLE_XML=ON -DENABLE_JSON=ON -DENABLE_UTIL=ON -DENABLE_NET=ON \
    -DENABLE_CRYPTO=ON -DENABLE_NETSSL=ON -DENABLE_NETSSL_WIN=OFF \
    -DENABLE_DATA=OFF -DENABLE_DATA_SQLITE=OFF -DENABLE_DATA_MYSQL=OFF -DENABLE_DATA_POSTGRESQL=OFF \
    -DENABLE_DATA_ODBC=OFF -DENABLE_MONGODB=OFF -DENABLE_REDIS=OFF -DENABLE_ZIP=OFF -DENABLE_SEVENZIP=OFF \
    -DENABLE_PAGECOMPILER=OFF -DENABLE_PAGECOMPILER_FILE2PAGE=OFF -DENABLE_ACTIVERECORD=OFF \
    -DENABLE_ACTIVERECORD_COMPILER=OFF -DENABLE_JWT=OFF -DENABLE_ENCODINGS=ON -DENABLE_APACHECONNECTOR=OFF \
    -DENABLE_CPPPARSER=OFF -DENABLE_POCODOC=OFF -DENABLE_PROMETHEUS=OFF >/dev/null
  cmake --build "$work/poco-build" -j "$jobs"
  cmake --install "$work/poco-build" >/dev/null
  # Poco's installed headers include them too: every consumer needs the links.
  ln -sf "/usr/$triple/include/winsock2.h" "$prefix/include/Winsock2.h"
  ln -sf "/usr/$triple/include/iphlpapi.h" "$prefix/include/Iphlpapi.h"
  cd "$cache"
}
done_step poco || { log "building Poco"; timed poco build_poco; mark poco; }

# ---------------------------------------------------------------------------------------------------------------
# tinyxml2 (static, with its CMake package so find_package(tinyxml2) works as on Linux).
build_tinyxml2() {
  unpack tinyxml2 tinyxml2
  cmake -S "$work/tinyxml2" -B "$work/tinyxml2-build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" -DBUILD_SHARED_LIBS=OFF \
    -Dtinyxml2_BUILD_TESTING=OFF -DBUILD_TESTING=OFF >/dev/null
  cmake --build "$work/tinyxml2-build" -j "$jobs" >/dev/null
  cmake --install "$work/tinyxml2-build" >/dev/null
}
done_step tinyxml2 || { log "building tinyxml2"; timed tinyxml2 build_tinyxml2; mark tinyxml2; }

# ---------------------------------------------------------------------------------------------------------------
# gSOAP runtime (stdsoap2 + dom) as libgsoap++.a with a gsoap++.pc carrying the same Cflags as Debian's, so the
# generated code and the runtime agree on struct soap's layout. wsdl2h and soapcpp2 stay the host's.
build_gsoap() {
  unpack gsoap gsoap
  local g="$work/gsoap/gsoap" o="$work/gsoap-obj"
  mkdir -p "$o"
  ${triple}-g++-posix -O2 -DWITH_IPV6 -DWITH_DOM -I"$g" -x c++ -c "$g/stdsoap2.cpp" -o "$o/stdsoap2.o"
  ${triple}-g++-posix -O2 -DWITH_IPV6 -DWITH_DOM -I"$g" -x c++ -c "$g/dom.cpp" -o "$o/dom.o"
  ${triple}-ar rcs "$prefix/lib/libgsoap++.a" "$o/stdsoap2.o" "$o/dom.o"
  cp "$g/stdsoap2.h" "$prefix/include/"
  cat > "$prefix/lib/pkgconfig/gsoap++.pc" <<EOF
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: gsoap++
Description: gSOAP C++ runtime (mingw-w64 cross-build)
Version: $(basename "$(orig gsoap)" | sed -E 's/gsoap_([0-9.]+).*/\1/')
Libs: -L\${libdir} -lgsoap++ -lws2_32
Cflags: -I\${includedir} -DWITH_IPV6 -DWITH_DOM
EOF
}
done_step gsoap || { log "building the gSOAP runtime"; timed gsoap build_gsoap; mark gsoap; }

log "dependencies ready in $prefix"
[ "$deps_only" -eq 0 ] || exit 0

# ---------------------------------------------------------------------------------------------------------------
# Settlebridge itself (not stamped: always brought up to date; ccache makes it cheap when nothing changed).
build_settlebridge() {
  local launcher=()
  command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="" \
  cmake -S "$repo" -B "$cache/settlebridge" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
    -DCMAKE_BUILD_TYPE=Release -DSETTLEBRIDGE_TESTS=OFF -DSETTLEBRIDGE_BENCH=OFF -DSETTLEBRIDGE_FUZZ=OFF \
    "${launcher[@]}" >/dev/null
  PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" cmake --build "$cache/settlebridge" -j "$jobs" --target settlebridge
  cp "$cache/settlebridge/daemon/app/settlebridge.exe" "$dist/settlebridge.exe"
  ${triple}-strip "$dist/settlebridge.exe"
}
log "building Settlebridge"
timed settlebridge build_settlebridge

# The .exe must not need any DLL that Windows itself does not have.
extra_dlls="$(${triple}-objdump -p "$dist/settlebridge.exe" | sed -n 's/^\s*DLL Name: //p' | tr 'A-Z' 'a-z' |
  grep -v -E '^(kernel32|user32|advapi32|ws2_32|iphlpapi|crypt32|bcrypt|msvcrt|shell32|ole32|rpcrt4|secur32|userenv|ntdll|api-ms-win-.*)\.dll$' || true)"
if [ -n "$extra_dlls" ]; then
  echo "cross-build-windows: settlebridge.exe needs DLLs that are not part of Windows: $extra_dlls" >&2
  exit 1
fi

# HTTPS calls on Windows trust ssl\cert.pem beside the .exe and the Windows ROOT store (daemon/app/windows_trust.hpp).
# The bundle is Debian's (ca-certificates) as of this build.
[ -f /etc/ssl/certs/ca-certificates.crt ] || { echo "cross-build-windows: install ca-certificates" >&2; exit 1; }
mkdir -p "$dist/ssl"
cp /etc/ssl/certs/ca-certificates.crt "$dist/ssl/cert.pem"

if [ "$msi" -eq 1 ]; then
  # wixl takes the files from beside the .wxs: a staging folder with exactly what the MSI installs.
  version="$(sed -n 's/^project(settlebridge VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")"
  stage="$cache/msi-stage"
  rm -rf "$stage"
  mkdir -p "$stage/ssl"
  cp "$dist/settlebridge.exe" "$stage/"
  cp "$dist/ssl/cert.pem" "$stage/ssl/"
  cp "$repo/LICENSE" "$stage/LICENSE.txt"
  cp "$repo/installer/README.md" "$stage/README.md"
  cp "$repo/installer/windows/settlebridge.wxs" "$repo/installer/windows/admin-page.url" "$stage/"
  log "building the MSI"
  (cd "$stage" && wixl -a x64 -D Version="$version" -o "$dist/settlebridge-$version-x64.msi" settlebridge.wxs)
fi
log "done: $(ls -1 "$dist" | tr '\n' ' ')"
