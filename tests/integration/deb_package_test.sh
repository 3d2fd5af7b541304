#!/usr/bin/env bash
# The Debian package, end to end (issue 8): cpack builds the .deb from the build tree; its maintainer is a real
# "Name <address>" and signs the changelog; lintian finds no error (and, in a build tree configured with
# -DSETTLEBRIDGE_HARDENING=ON, no hardening tag, and hardening-check passes when devscripts is installed);
# the package is installed into a throw-away root — an overlay of this machine's own / whose changes live in a
# tmpfs that vanishes with a private mount namespace, so the maintainer scripts really run (user, data directory,
# unit enabled) and nothing on the machine changes — where the installed daemon serves with the installed
# settings as the service user, the CLI adds a company and writes its .qwc, finds the service's data without
# --data-dir through the installed settings (below $SETTLEBRIDGE_DATA_DIR and --data-dir), `systemd-analyze verify`
# and `systemd-analyze security --offline` check the unit, and remove keeps the data while purge removes it.
#
# Exit 77 (ctest: skipped) when a tool is missing or the machine cannot make the throw-away root (needs root and
# overlayfs in a new mount namespace). Env: SETTLEBRIDGE_BINARY_DIR (the build tree; the binary must be built),
# SETTLEBRIDGE_SOURCE_DIR.
set -euo pipefail

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

build="${SETTLEBRIDGE_BINARY_DIR:?SETTLEBRIDGE_BINARY_DIR is not set}"
source_dir="${SETTLEBRIDGE_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"

for tool in setpriv objdump cpack dpkg-deb dpkg-shlibdeps lintian systemd-analyze unshare chroot runuser curl; do
  command -v "$tool" >/dev/null 2>&1 ||
    skip "$tool is missing (Debian packages: cmake dpkg-dev lintian systemd util-linux curl; tools/setup-debian.sh)"
done
[ -f "$build/CPackConfig.cmake" ] || skip "$build has no CPackConfig.cmake (not a Linux build tree?)"
[ -x "$build/daemon/app/settlebridge" ] || fail "build the settlebridge binary first ($build/daemon/app/settlebridge)"
[ "$(id -u)" -eq 0 ] || skip "installing into a throw-away root needs root (dpkg, chroot, a mount namespace)"
unshare -m --propagation private sh -c 'mount -t tmpfs none /mnt' 2>/dev/null ||
  skip "cannot mount in a new mount namespace here (no CAP_SYS_ADMIN?)"

work="$(mktemp -d /tmp/settlebridge-deb.XXXXXX)"
trap 'rm -rf "$work"' EXIT
start=$SECONDS

# --- 1. build the package ---------------------------------------------------------------------------------------
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/out" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack failed"; }
deb="$(ls "$work"/out/settlebridge_*.deb)"
echo "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB) in $((SECONDS - start)) s"

field() { dpkg-deb -f "$deb" "$1"; }
version="$(sed -n 's/^project(settlebridge VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")"
[ "$(field Package)" = settlebridge ] || fail "Package is $(field Package)"
[ "$(field Version)" = "$version-1" ] || fail "Version is $(field Version), expected $version-1"
depends="$(field Depends)"
echo "Depends: $depends"
# Every library the binary links (ELF NEEDED) must come from a package the .deb depends on.
dep_names="$(sed -E 's/ \([^)]*\)//g; s/, /\n/g' <<<"$depends")"
for dep in adduser; do
  grep -qxF "$dep" <<<"$dep_names" || fail "Depends lacks $dep (the maintainer scripts use it)"
done
for lib in $(objdump -p "$build/daemon/app/settlebridge" | awk '/NEEDED/ {print $2}'); do
  found=0
  for pkg in $(dpkg -S "*/$lib" 2>/dev/null | cut -d: -f1 | tr ',' '\n' | sort -u); do
    if grep -qxF "$pkg" <<<"$dep_names"; then found=1; fi
  done
  [ "$found" -eq 1 ] || fail "the binary needs $lib but no package of it is in Depends"
done
dpkg-deb --ctrl-tarfile "$deb" | tar -tvf - >"$work/control.txt"
for script in postinst prerm postrm; do
  grep -q -- "-rwxr-xr-x .* ./$script\$" "$work/control.txt" || fail "$script is missing or not 0755"
done
[ "$(dpkg-deb -I "$deb" conffiles)" = /etc/settlebridge/settlebridge.properties ] || fail "conffiles is wrong"
# The maintainer: "Name <address>" (installer/package.cmake), the same in the changelog's signature.
maintainer="$(field Maintainer)"
grep -Eq '^[^<>@]*[^<>@ ] <[^<>@ ]+@[^<>@ ]+\.[^<>@ ]+>$' <<<"$maintainer" || fail "Maintainer is \"$maintainer\""
mkdir -p "$work/files"
dpkg-deb -x "$deb" "$work/files"
signature="$(zcat "$work/files/usr/share/doc/settlebridge/changelog.Debian.gz" | sed -n 's/^ -- \(.*>\)  .*/\1/p')"
[ "$signature" = "$maintainer" ] || fail "the changelog is signed by \"$signature\", the Maintainer is \"$maintainer\""
echo "Maintainer: $maintainer"
dpkg-deb -c "$deb" >"$work/contents.txt"
for path in ./usr/bin/settlebridge ./lib/systemd/system/settlebridge.service ./etc/settlebridge/settlebridge.properties \
            ./usr/share/doc/settlebridge/copyright ./usr/share/doc/settlebridge/changelog.Debian.gz \
            ./usr/share/doc/settlebridge/README.Debian ./usr/share/man/man1/settlebridge.1.gz; do
  grep -q " $path\$" "$work/contents.txt" || fail "the package lacks $path"
done
if grep -q ' ./var/lib/settlebridge' "$work/contents.txt"; then fail "the package must not ship /var/lib/settlebridge"; fi

# --- 2. lintian: errors fail; warnings and information tags are shown. Overrides: none. --------------------------
# A build tree configured with -DSETTLEBRIDGE_HARDENING=ON (installer/hardening.cmake; the packaging build) must
# leave no hardening-* tag, and hardening-check (devscripts) must pass on the packaged binary.
hardening=off
grep -q '^SETTLEBRIDGE_HARDENING:BOOL=ON$' "$build/CMakeCache.txt" && hardening=on
lintian_start=$SECONDS
if ! lintian --fail-on error --display-info --tag-display-limit 0 --allow-root "$deb" >"$work/lintian.txt" 2>&1; then
  cat "$work/lintian.txt"
  fail "lintian reports errors"
fi
echo "lintian ($((SECONDS - lintian_start)) s): $(grep -c '^W:' "$work/lintian.txt" || true) warning(s), no error"
grep '^[EWI]:' "$work/lintian.txt" || true
if [ "$hardening" = on ]; then
  if grep -q '^[EWI]: settlebridge: hardening-' "$work/lintian.txt"; then fail "hardening tags in a hardened build"; fi
  if command -v hardening-check >/dev/null 2>&1; then
    # --nocfprotection: Debian 12's start files (Scrt1.o, crti.o, crtn.o) carry no IBT/SHSTK note, so no bookworm
    # binary gets one, although the code is built with -fcf-protection (endbr64). Stack clash protection shows as
    # "unknown" (hardening-check looks for one probe pattern) and does not fail it.
    hardening-check --nocfprotection "$work/files/usr/bin/settlebridge" >"$work/hardening.txt" 2>&1 ||
      { cat "$work/hardening.txt"; fail "hardening-check failed on /usr/bin/settlebridge"; }
    sed 's/^/  /' "$work/hardening.txt"
  else
    echo "hardening-check not installed (Debian package devscripts): only lintian's hardening tags were checked"
  fi
else
  echo "hardening: off in this build tree (the packaging build configures -DSETTLEBRIDGE_HARDENING=ON)"
fi

# --- 3. the throw-away root ---------------------------------------------------------------------------------------
cp "$deb" "$work/settlebridge.deb"
cat >"$work/inside.sh" <<'INSIDE'
set -euo pipefail
fail() { echo "FAIL (in the throw-away root): $*" >&2; exit 1; }
deb=/tmp/settlebridge.deb
export DEBIAN_FRONTEND=noninteractive

# A new install: the maintainer scripts create the user and the data directory and enable the unit.
dpkg -i "$deb" >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; fail "dpkg -i failed"; }
dpkg-query -W -f='${Status}\n' settlebridge | grep -q 'install ok installed' || fail "not installed"
entry="$(getent passwd settlebridge)" || fail "no settlebridge user"
IFS=: read -r _ _ uid _ _ home shell <<<"$entry"
[ "$uid" -lt 1000 ] || fail "settlebridge is not a system user (uid $uid)"
[ "$home" = /var/lib/settlebridge ] || fail "home is $home"
case "$shell" in */nologin|*/false) ;; *) fail "login shell is $shell";; esac
[ "$(stat -c '%U:%G %a' /var/lib/settlebridge)" = "settlebridge:settlebridge 700" ] ||
  fail "/var/lib/settlebridge is $(stat -c '%U:%G %a' /var/lib/settlebridge)"
[ -L /etc/systemd/system/multi-user.target.wants/settlebridge.service ] || fail "the unit is not enabled"
[ "$(settlebridge version)" = "settlebridge $SB_VERSION" ] || fail "settlebridge version: $(settlebridge version)"
echo "installed: user settlebridge (uid $uid), /var/lib/settlebridge 0700, unit enabled"

# The unit: systemd's own checks (the binary, the user and the paths it names exist now).
systemd-analyze verify /lib/systemd/system/settlebridge.service >/tmp/verify.log 2>&1 ||
  { cat /tmp/verify.log; fail "systemd-analyze verify failed"; }
if grep -i 'settlebridge' /tmp/verify.log; then fail "systemd-analyze verify complains about the unit"; fi
systemd-analyze security --offline=true --threshold=25 /lib/systemd/system/settlebridge.service >/tmp/security.log 2>&1 ||
  { cat /tmp/security.log; fail "systemd-analyze security: exposure above 2.5"; }
echo "systemd-analyze verify: clean; $(grep -o 'Overall exposure level.*' /tmp/security.log)"

# The daemon as the service runs it: the service user, the installed settings (only the port is left to the
# kernel, this machine is shared), its log on the console.
# setpriv execs the daemon itself (runuser would stay in between and turn SIGTERM into its own exit status).
( umask 077; exec setpriv --reuid=settlebridge --regid=settlebridge --init-groups /usr/bin/settlebridge serve --config /etc/settlebridge/settlebridge.properties \
    --port 0 --ready-file /var/lib/settlebridge/ready ) >/tmp/daemon.out 2>&1 &
daemon=$!
for _ in $(seq 1 100); do [ -s /var/lib/settlebridge/ready ] && break; sleep 0.1; done
[ -s /var/lib/settlebridge/ready ] || { cat /tmp/daemon.out; fail "the daemon did not start"; }
url="$(cat /var/lib/settlebridge/ready)"
case "$url" in http://127.0.0.1:*) ;; *) fail "the daemon listens on $url, expected 127.0.0.1";; esac
code="$(curl -s -o /tmp/admin.html -w '%{http_code}' "$url/")"
[ "$code" = 200 ] || fail "GET / answered $code"
code="$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: text/xml; charset=utf-8' \
  -H 'SOAPAction: "http://developer.intuit.com/serverVersion"' --data-binary \
  '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><serverVersion xmlns="http://developer.intuit.com/"/></soap:Body></soap:Envelope>' \
  "$url/qbwc")"
[ "$code" = 200 ] || fail "POST /qbwc serverVersion answered $code"
[ "$(stat -c '%U %a' /var/lib/settlebridge/settlebridge.db)" = "settlebridge 600" ] ||
  fail "the database is $(stat -c '%U %a' /var/lib/settlebridge/settlebridge.db)"
[ "$(stat -c '%U %a' /var/lib/settlebridge/secrets.key)" = "settlebridge 600" ] ||
  fail "the secrets key is $(stat -c '%U %a' /var/lib/settlebridge/secrets.key)"

# First run from the CLI, as README.Debian says: a company, then its .qwc for a same-machine Web Connector.
printf 'correct horse battery\n' | runuser -u settlebridge -- settlebridge company add "Test Books" \
  --data-dir /var/lib/settlebridge >/tmp/company.log 2>&1 || { cat /tmp/company.log; fail "company add failed"; }
runuser -u settlebridge -- settlebridge qwc --company "Test Books" --url http://localhost:8080/qbwc \
  --data-dir /var/lib/settlebridge >/tmp/test.qwc || fail "qwc failed"
grep -q '<AppURL>http://localhost:8080/qbwc</AppURL>' /tmp/test.qwc || { cat /tmp/test.qwc; fail "the .qwc AppURL"; }
grep -q '<AppSupport>http://localhost:8080/</AppSupport>' /tmp/test.qwc || { cat /tmp/test.qwc; fail "the .qwc AppSupport"; }

# Without --data-dir the CLI finds the service's data through settlebridge.data_dir of the installed settings
# (runuser keeps HOME=/root, so the user's own default would be elsewhere); $SETTLEBRIDGE_DATA_DIR outranks the file
# and --data-dir outranks both (docs/DAEMON.md).
runuser -u settlebridge -- settlebridge status >/tmp/status.txt 2>&1 || { cat /tmp/status.txt; fail "status without --data-dir"; }
grep -q '^Test Books: ' /tmp/status.txt || { cat /tmp/status.txt; fail "status without --data-dir did not find the company"; }
install -d -o settlebridge -g settlebridge /tmp/elsewhere
SETTLEBRIDGE_DATA_DIR=/tmp/elsewhere/data runuser -u settlebridge -- settlebridge company list >/tmp/list.txt 2>&1 ||
  { cat /tmp/list.txt; fail "company list with SETTLEBRIDGE_DATA_DIR"; }
if grep -q 'Test Books' /tmp/list.txt; then fail "SETTLEBRIDGE_DATA_DIR did not outrank the settings file"; fi
[ "$(stat -c '%U %a' /tmp/elsewhere/data)" = "settlebridge 700" ] ||
  fail "a data directory the CLI made is $(stat -c '%U %a' /tmp/elsewhere/data)"
SETTLEBRIDGE_DATA_DIR=/tmp/elsewhere/data runuser -u settlebridge -- settlebridge company list \
  --data-dir /var/lib/settlebridge >/tmp/list.txt 2>&1 || { cat /tmp/list.txt; fail "company list --data-dir"; }
grep -q 'Test Books' /tmp/list.txt || { cat /tmp/list.txt; fail "--data-dir did not outrank SETTLEBRIDGE_DATA_DIR"; }
echo "CLI without --data-dir: the installed settings' data directory; SETTLEBRIDGE_DATA_DIR and --data-dir outrank it"

kill -TERM "$daemon"
wait "$daemon" || fail "the daemon exited with $? on SIGTERM"
# The log goes to the console (the journal under systemd), as the installed settings say.
grep -q ' Information settlebridge: listening on http://127.0.0.1:' /tmp/daemon.out ||
  { cat /tmp/daemon.out; fail "the daemon did not log to the console"; }
grep -q ' Information settlebridge: stopped$' /tmp/daemon.out || { cat /tmp/daemon.out; fail "no clean stop in the log"; }
echo "daemon: served / and /qbwc at $url as settlebridge, database and key 0600, stopped cleanly on SIGTERM"

# An upgrade (the same package again): settings and data stay.
echo '# local edit' >>/etc/settlebridge/settlebridge.properties
dpkg -i "$deb" >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; fail "reinstall failed"; }
grep -q '^# local edit' /etc/settlebridge/settlebridge.properties || fail "the upgrade lost a local settings edit"
[ -f /var/lib/settlebridge/settlebridge.db ] || fail "the upgrade lost the database"

# Remove: the program goes, the data and the settings stay.
dpkg -r settlebridge >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; fail "dpkg -r failed"; }
[ ! -e /usr/bin/settlebridge ] || fail "remove left /usr/bin/settlebridge"
[ -f /var/lib/settlebridge/settlebridge.db ] || fail "remove deleted the database"
[ -f /etc/settlebridge/settlebridge.properties ] || fail "remove deleted the settings"
getent passwd settlebridge >/dev/null || fail "remove deleted the user"

# Purge: the data and the settings go; the system user stays (Debian's practice).
dpkg -P settlebridge >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; fail "dpkg -P failed"; }
[ ! -e /var/lib/settlebridge ] || fail "purge left /var/lib/settlebridge"
[ ! -e /etc/settlebridge ] || fail "purge left /etc/settlebridge"
[ ! -e /etc/systemd/system/multi-user.target.wants/settlebridge.service ] || fail "purge left the unit enabled"
echo "upgrade kept settings and data; remove kept data, settings and user; purge removed data and settings"
INSIDE

root="$work/root"
mkdir -p "$root" "$work/tmpfs"
install_start=$SECONDS
status=0
SB_VERSION="$version" unshare -m --propagation private bash -c '
  set -euo pipefail
  work="$1"; root="$2"
  mount -t tmpfs -o size=1g,mode=0755 none "$work/tmpfs"
  mkdir -p "$work/tmpfs/upper" "$work/tmpfs/work"
  mount -t overlay overlay -o "lowerdir=/,upperdir=$work/tmpfs/upper,workdir=$work/tmpfs/work" "$root"
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount --rbind /sys "$root/sys"
  mount -t tmpfs -o mode=1777 none "$root/tmp"
  mount -t tmpfs -o mode=0755 none "$root/run"
  cp "$work/settlebridge.deb" "$work/inside.sh" "$root/tmp/"
  exec chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 SB_VERSION="$SB_VERSION" \
    bash /tmp/inside.sh
' _ "$work" "$root" >"$work/inside.log" 2>&1 || status=$?
sed 's/^/  /' "$work/inside.log"
[ "$status" -eq 0 ] || fail "the install checks in the throw-away root failed (exit $status)"
echo "install / run / upgrade / remove / purge in the throw-away root: $((SECONDS - install_start)) s"
echo "PASS ($((SECONDS - start)) s)"
