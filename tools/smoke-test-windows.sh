#!/usr/bin/env bash
# Smoke test of the cross-built Windows settlebridge.exe under wine (not part of CI; run after
# tools/cross-build-windows.sh). In a fresh, throw-away wine prefix:
#   1. the CLI: version, company add (password on stdin), also into a data directory it creates (whose DACL, as wine
#      shows it, must shut others out), the .qwc for http://localhost:8080/qbwc;
#   2. the daemon in the console: GET / (admin page) and the Web Connector's serverVersion and authenticate on
#      /qbwc over loopback, stopped with Ctrl-C (SIGINT);
#   3. an HTTPS call from the .exe: `sellercloud connect` to tools/sellercloud_sim behind a local TLS server
#      whose certificate comes from a test CA, trusted through SSL_CERT_FILE; refused without that CA; then trusted
#      through the Windows ROOT store (the test CA added to the machine's Root certificates in the registry, where
#      `certutil -addstore Root` puts it) while SSL_CERT_FILE names another CA, and refused again once it is removed;
#   4. the Windows service: /registerService (display name, description, automatic start), net start (the
#      service serves the admin page, logs to C:\ProgramData\Settlebridge\settlebridge.log and restricts that
#      folder to SYSTEM and Administrators), net stop, /unregisterService;
#   5. with --msi: the MSI installs (files, service started and serving, Start-menu link) and uninstalls (program,
#      service and link gone, data kept), --msi-runs N times in a row.
# Prints the time each step took (installer/README.md quotes them). wine keeps no Windows ACLs (it maps a DACL to
# Unix mode bits) and its icacls prints nothing: of the data directory's DACL only that mapping can be checked here.
#
#   tools/smoke-test-windows.sh [--dist DIR] [--msi] [--msi-runs N] [--keep]
#     --dist DIR    where settlebridge.exe (and the .msi) are (default: build-windows/dist)
#     --msi         also install and uninstall the MSI
#     --msi-runs N  install and uninstall it N times (default 1; implies --msi)
#     --keep        keep the wine prefix and logs (printed at the end)
# Needs: wine wine64 curl openssl and Debian's /usr/bin/python3.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
dist="$repo/build-windows/dist"
with_msi=0
msi_runs=1
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dist) dist="$2"; shift 2 ;;
    --msi) with_msi=1; shift ;;
    --msi-runs) with_msi=1; msi_runs="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "smoke-test-windows: unknown option $1" >&2; exit 2 ;;
  esac
done
exe="$dist/settlebridge.exe"
[ -f "$exe" ] || { echo "smoke-test-windows: no $exe (run tools/cross-build-windows.sh)" >&2; exit 1; }
for tool in wine wineboot wineserver winepath curl openssl /usr/bin/python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "smoke-test-windows: $tool is missing" >&2; exit 1; }
done
python=/usr/bin/python3
# The .exe is to see what it sees on Windows: none of this machine's OpenSSL variables (a Linux SSL_CERT_FILE or
# SSL_CERT_DIR would replace the bundle beside the .exe and the Windows ROOT store; windows_trust.hpp).
unset SSL_CERT_FILE SSL_CERT_DIR OPENSSL_CONF

work="$(mktemp -d /tmp/settlebridge-wine.XXXXXX)"
export WINEPREFIX="$work/prefix" WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wineserver -k 2>/dev/null || true
  if [ "$keep" -eq 1 ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
figures=()
step_start=0
begin() { step_start=$SECONDS; echo "== $*"; }
finish() { figures+=("$(printf '%-58s %4d s' "$1" "$((SECONDS - step_start))")"); }
winpath() { winepath -w "$1" 2>/dev/null; }
sb() { wine "$exe" "$@" 2>&1 | tr -d '\r'; return "${PIPESTATUS[0]}"; }
# The service's registry entry (wine's sc.exe has no `qc`); fails when the service is not registered.
service_config() { wine reg query 'HKLM\System\CurrentControlSet\Services\settlebridge' 2>/dev/null | tr -d '\r'; }
free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() {  # wait_for SECONDS COMMAND...: until the command succeeds
  local limit=$(( SECONDS + $1 )); shift
  until "$@" >/dev/null 2>&1; do [ $SECONDS -lt $limit ] || return 1; sleep 0.5; done
}
soap() {  # soap URL OPERATION BODY
  curl -s -H 'Content-Type: text/xml; charset=utf-8' -H "SOAPAction: \"http://developer.intuit.com/$2\"" \
    --data-binary "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>$3</soap:Body></soap:Envelope>" \
    "$1/qbwc"
}

# What wine shows of a data directory's DACL (data_directory.cpp: protected; SYSTEM, Administrators and the account
# setting it). Debian's wine keeps no Windows ACLs: it turns a DACL into the folder's Unix mode (an entry for the
# user or a group it is in: owner or group bits; Everyone: all bits) and makes a DACL up from the mode when asked. So
# the trace to check is that nobody else may enter: no "other" bits; the owner keeps full access.
check_data_acl() {  # check_data_acl DIR WHAT
  local mode
  mode="$(stat -c '%a' "$1")"
  echo "$2: mode $mode (wine's form of its DACL)"
  [[ "$mode" =~ ^7[0-7]0$ ]] || fail "$2 is open to others (mode $mode): its DACL was not set"
}
# Whether a process of this prefix runs the installed settlebridge.exe (wine's tasklist prints nothing).
installed_exe_running() {
  local pid
  for pid in $(pgrep -f 'Program Files.Settlebridge.settlebridge\.exe' || true); do
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF "WINEPREFIX=$WINEPREFIX" && return 0
  done
  return 1
}
installed_exe_stopped() { ! installed_exe_running; }

begin "wine prefix (first start of wine)"
wineboot --init >/dev/null 2>&1 || true
wineserver -w
finish "wine prefix created (wineboot --init)"

data="$work/data"
mkdir -p "$data"
wdata="$(winpath "$data")"

# --- 1. the CLI ---------------------------------------------------------------------------------------------------
begin "CLI"
out="$(sb version)"
version="$(sed -n 's/^project(settlebridge VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")"
[ "$out" = "settlebridge $version" ] || fail "version printed \"$out\""
out="$(printf 'wine password 1\n' | wine "$exe" company add "Wine Books" --data-dir "$wdata" 2>&1 | tr -d '\r')" ||
  fail "company add: $out"
# A data directory the CLI makes itself gets the protected DACL (data_directory.cpp).
out="$(printf 'wine password 2\n' | wine "$exe" company add "Fresh Books" --data-dir "$(winpath "$work/fresh")" 2>&1 |
  tr -d '\r')" || fail "company add into a new folder: $out"
[ -f "$work/fresh/settlebridge.db" ] || fail "no database in the new folder $work/fresh"
check_data_acl "$work/fresh" "a data directory the CLI made"
sb qwc --company "Wine Books" --url http://localhost:8080/qbwc --data-dir "$wdata" >"$work/wine.qwc" ||
  fail "qwc: $(cat "$work/wine.qwc")"
grep -q '<AppURL>http://localhost:8080/qbwc</AppURL>' "$work/wine.qwc" || fail ".qwc: $(cat "$work/wine.qwc")"
[ -f "$data/settlebridge.db" ] || fail "no database in $data"
finish "CLI: version, company add (2), qwc (4 runs of the .exe)"

# --- 2. the daemon in the console ------------------------------------------------------------------------------------
begin "daemon on loopback"
wine "$exe" serve --data-dir "$wdata" --port 0 --ready-file "$(winpath "$work/ready")" >"$work/serve.log" 2>&1 &
serve_pid=$!
pids+=("$serve_pid")
wait_for 60 test -s "$work/ready" || { cat "$work/serve.log"; fail "the daemon did not start"; }
url="$(tr -d '\r\n' <"$work/ready")"
[ -f "$data/secrets.key" ] || fail "the daemon made no secrets key in $data"
finish "daemon: start until listening"
begin "daemon requests"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/")" = 200 ] || fail "GET / did not answer 200"
soap "$url" serverVersion '<serverVersion xmlns="http://developer.intuit.com/"/>' | grep -q 'serverVersionResult' ||
  fail "serverVersion"
auth="$(soap "$url" authenticate '<authenticate xmlns="http://developer.intuit.com/"><strUserName>Wine Books</strUserName><strPassword>wine password 1</strPassword></authenticate>')"
grep -q 'authenticateResult><qbwc:string>[0-9a-f-]\{36\}</qbwc:string>' <<<"$auth" || fail "authenticate gave no ticket: $auth"
grep -q '>nvu<' <<<"$auth" && fail "authenticate refused the right password: $auth"
bad="$(soap "$url" authenticate '<authenticate xmlns="http://developer.intuit.com/"><strUserName>Wine Books</strUserName><strPassword>wrong</strPassword></authenticate>')"
grep -q '>nvu<' <<<"$bad" || fail "authenticate accepted a wrong password: $bad"
requests_start=$SECONDS
for _ in $(seq 1 20); do
  soap "$url" serverVersion '<serverVersion xmlns="http://developer.intuit.com/"/>' >/dev/null
done
finish "daemon: GET /, serverVersion, authenticate ok and nvu"
figures+=("$(printf '%-58s %4d s' "daemon: 20 serverVersion calls in a row" "$((SECONDS - requests_start))")")
begin "daemon stop"
kill -INT "$serve_pid"
wait_for 30 sh -c "! kill -0 $serve_pid" || fail "the daemon did not stop on Ctrl-C"
grep -q 'settlebridge: stopped' "$work/serve.log" || { cat "$work/serve.log"; fail "no clean stop logged"; }
finish "daemon: Ctrl-C until stopped"

# --- 3. HTTPS from the .exe --------------------------------------------------------------------------------------
begin "HTTPS call"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/ca.key" -out "$work/ca.pem" -days 2 \
  -subj "/CN=Settlebridge smoke-test CA" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -keyout "$work/server.key" -out "$work/server.csr" -subj /CN=localhost \
  >/dev/null 2>&1
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$work/san.ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
  -out "$work/server.pem" -days 2 -extfile "$work/san.ext" >/dev/null 2>&1
"$python" "$repo/tools/sellercloud_sim/sellercloud_sim.py" --port 0 --ready-file "$work/sim.json" \
  >"$work/sim.log" 2>&1 &
pids+=("$!")
wait_for 20 test -s "$work/sim.json" || fail "the Sellercloud simulator did not start"
sim_url="$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$work/sim.json")"
cat >"$work/tls_proxy.py" <<'EOF'
# A TLS front for a plain-HTTP simulator: every request is forwarded and logged.
import http.server, ssl, sys, urllib.error, urllib.request
upstream, cert, key, ready, log = sys.argv[1:6]
SKIP = {"host", "connection", "content-length", "accept-encoding", "transfer-encoding", "server", "date"}
class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        request = urllib.request.Request(upstream + self.path, data=body, method=self.command)
        for name, value in self.headers.items():
            if name.lower() not in SKIP:
                request.add_header(name, value)
        try:
            with urllib.request.urlopen(request) as answer:
                status, headers, data = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            status, headers, data = error.code, error.headers, error.read()
        with open(log, "a") as f:
            f.write(f"{self.command} {self.path} {status} {self.request_version}\n")
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in SKIP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    do_GET = do_POST = do_PUT = do_DELETE = forward
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(ready + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os; os.replace(ready + ".tmp", ready)
server.serve_forever()
EOF
"$python" "$work/tls_proxy.py" "$sim_url" "$work/server.pem" "$work/server.key" "$work/tls.port" "$work/tls.log" \
  >"$work/tls_proxy.log" 2>&1 &
pids+=("$!")
wait_for 20 test -s "$work/tls.port" || fail "the TLS server did not start"
tls_url="https://localhost:$(cat "$work/tls.port")"
# Without the test CA (another CA instead): the certificate is refused and no request gets through.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/other.key" -out "$work/other.pem" -days 2 \
  -subj "/CN=Some other CA" >/dev/null 2>&1
out="$(SSL_CERT_FILE="$(winpath "$work/other.pem")" SETTLEBRIDGE_SELLERCLOUD_PASSWORD="correct horse" \
  wine "$exe" sellercloud connect --company "Wine Books" --base-url "$tls_url" --username api-user \
  --data-dir "$wdata" 2>&1 | tr -d '\r')" && fail "an untrusted certificate was accepted: $out"
[ ! -s "$work/tls.log" ] || fail "a request went through without a trusted certificate: $(cat "$work/tls.log")"
echo "untrusted: $out"
# With it: connected, over TLS.
out="$(SSL_CERT_FILE="$(winpath "$work/ca.pem")" SETTLEBRIDGE_SELLERCLOUD_PASSWORD="correct horse" \
  wine "$exe" sellercloud connect --company "Wine Books" --base-url "$tls_url" --username api-user \
  --data-dir "$wdata" 2>&1 | tr -d '\r')" || fail "sellercloud connect over HTTPS: $out"
grep -q '^ok' <<<"$out" || fail "sellercloud connect: $out"
grep -q '^POST /rest/api/token 200' "$work/tls.log" || fail "no token request over TLS: $(cat "$work/tls.log")"
echo "trusted: $out"
finish "HTTPS: refused without the CA, connected with it"
# The Windows ROOT store (windows_trust.cpp): the test CA among the machine's trusted roots, where `certutil -addstore
# Root` puts it (a registry key named by the SHA-1 thumbprint whose Blob holds the certificate as property 32), while
# SSL_CERT_FILE names another CA: the call is trusted through the store alone; refused again once the key is gone.
begin "HTTPS via the Windows ROOT store"
thumbprint="$(openssl x509 -in "$work/ca.pem" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')"
openssl x509 -in "$work/ca.pem" -outform der -out "$work/ca.der"
blob="$("$python" -c 'import struct, sys; d = open(sys.argv[1], "rb").read(); print((struct.pack("<III", 32, 1, len(d)) + d).hex())' \
  "$work/ca.der")"
root_key="HKLM\\Software\\Microsoft\\SystemCertificates\\Root\\Certificates\\$thumbprint"
wine reg add "$root_key" /v Blob /t REG_BINARY /d "$blob" /f >/dev/null 2>&1 || fail "cannot add the test CA to the Root store"
: >"$work/tls.log"
out="$(SSL_CERT_FILE="$(winpath "$work/other.pem")" wine "$exe" sellercloud test --company "Wine Books" \
  --data-dir "$wdata" 2>&1 | tr -d '\r')" || fail "sellercloud test trusting the Windows ROOT store: $out"
grep -q '^POST /rest/api/token 200' "$work/tls.log" || fail "no token request over TLS: $(cat "$work/tls.log")"
echo "trusted through the Windows ROOT store: $out"
wine reg delete "$root_key" /f >/dev/null 2>&1 || fail "cannot remove the test CA from the Root store"
: >"$work/tls.log"
out="$(SSL_CERT_FILE="$(winpath "$work/other.pem")" wine "$exe" sellercloud test --company "Wine Books" \
  --data-dir "$wdata" 2>&1 | tr -d '\r')" && fail "trusted after the test CA left the Root store: $out"
[ ! -s "$work/tls.log" ] || fail "a request went through after the test CA left the Root store: $(cat "$work/tls.log")"
echo "out of the store again: $out"
finish "HTTPS: trusted via the Windows ROOT store, refused without"

# --- 4. the Windows service --------------------------------------------------------------------------------------
begin "Windows service"
port="$(free_port)"
# On Windows a LocalSystem service sees %ProgramData% = C:\ProgramData; wine 8 gives its services
# C:\users\Public instead. The service's settings (a free port: this machine is shared) go to both; the folders
# start open to everyone (mode 0755), as an older version left them. Their parents are closed to others (0750):
# wine 8 adds the parent's inheritable entries (made up from its mode) to a DACL set with SetNamedSecurityInfo even
# when the DACL is protected, which Windows does not do, and that would hide whether the service set its own.
for program_data in "$WINEPREFIX/drive_c/ProgramData/Settlebridge" "$WINEPREFIX/drive_c/users/Public/Settlebridge"; do
  mkdir -p "$program_data"
  chmod 0750 "$(dirname "$program_data")"
  chmod 0755 "$program_data"
  printf 'settlebridge.port = %s\n' "$port" >"$program_data/settlebridge.properties"
done
service_log() { cat "$WINEPREFIX"/drive_c/ProgramData/Settlebridge/settlebridge.log \
  "$WINEPREFIX"/drive_c/users/Public/Settlebridge/settlebridge.log 2>/dev/null || true; }
out="$(sb /registerService)" || fail "/registerService: $out"
echo "$out"
qc="$(service_config)" || fail "the service is not registered"
grep -q 'Start *REG_DWORD *0x2$' <<<"$qc" || fail "the service does not start automatically: $qc"
grep -q 'DisplayName *REG_SZ *Settlebridge$' <<<"$qc" || fail "the service's display name: $qc"
grep -q 'Description *REG_SZ *Amazon settlements' <<<"$qc" || fail "the service has no description: $qc"
grep -qi 'ImagePath *REG_SZ *".*settlebridge.exe"$' <<<"$qc" || fail "the service runs something else: $qc"
# wine stops services once no other wine program runs: keep one alive while the service is tested.
wine cmd /c "net start settlebridge & ping -n 120 127.0.0.1 >nul" >"$work/net-start.log" 2>&1 &
keeper=$!
pids+=("$keeper")
wait_for 60 curl -sf -o /dev/null "http://127.0.0.1:$port/" ||
  { cat "$work/net-start.log"; service_log; fail "the service does not serve"; }
finish "service: register, net start until serving"
service_log | grep -q "settlebridge: listening on http://127.0.0.1:$port" || fail "the service log lacks the start"
# The service restricted its data directory (wine's services see %ProgramData% as C:\users\Public).
service_data="$WINEPREFIX/drive_c/users/Public/Settlebridge"
[ -f "$service_data/settlebridge.db" ] || fail "the service made no database in $service_data"
check_data_acl "$service_data" "the service's data directory"
if service_log | grep -q 'could not restrict'; then service_log; fail "the service could not restrict its data"; fi
begin "service stop"
wine net stop settlebridge >"$work/net-stop.log" 2>&1 || { cat "$work/net-stop.log"; fail "net stop"; }
wait_for 30 sh -c "! curl -sf -o /dev/null http://127.0.0.1:$port/" || fail "the service still serves after net stop"
service_log | grep -q 'settlebridge: stopped' || fail "the service log lacks the stop"
out="$(sb /unregisterService)" || fail "/unregisterService: $out"
if service_config >/dev/null; then fail "the service is still registered"; fi
kill "$keeper" 2>/dev/null || true
finish "service: net stop, unregister"

# --- 5. the MSI ------------------------------------------------------------------------------------------------------
# Two things of wine's, not of the MSI, decide this step (installer/README.md):
#  - wine's services.exe starts every automatic service when it starts, that is with the first wine program after the
#    wineserver was idle: one wine program is kept alive through the MSI runs, so the service runs only when msiexec
#    (or net start) starts it;
#  - wine's msiexec sends the service its stop control on uninstall but does not wait for it to stop (it ignores
#    ServiceControl Wait="yes"; Windows Installer waits up to 30 s), so it deletes the service and then cannot delete
#    the .exe of the process still running ("failed to delete ... (5)" with WINEDEBUG=+msi) and leaves it there.
# So the test stops the service first, as an administrator may, and waits for its process to end.
if [ "$with_msi" -eq 1 ]; then
  msi="$(ls "$dist"/settlebridge-*-x64.msi)"
  wmsi="$(winpath "$msi")"
  program_files="$WINEPREFIX/drive_c/Program Files/Settlebridge"
  wine cmd /c "ping -n 3600 127.0.0.1 >nul" >/dev/null 2>&1 &
  msi_keeper=$!
  pids+=("$msi_keeper")
  for run in $(seq 1 "$msi_runs"); do
    begin "MSI run $run of $msi_runs"
    wine msiexec /i "$wmsi" /qn >"$work/msi-install.log" 2>&1 || { cat "$work/msi-install.log"; fail "msiexec /i"; }
    [ -f "$program_files/settlebridge.exe" ] && [ -f "$program_files/ssl/cert.pem" ] || fail "the MSI did not install the files"
    # The MSI is per-machine (ALLUSERS=1: the common Start menu); wine 8 puts the link in the user's Start menu.
    start_menu="$(find "$WINEPREFIX/drive_c" -path '*/Start Menu/Programs/Settlebridge/Settlebridge admin page.url' | head -n1)"
    [ -n "$start_menu" ] && grep -q 'URL=http://localhost:8080/' "$start_menu" || fail "no Start-menu link to the admin page"
    qc="$(service_config)" || fail "the MSI did not register the service"
    grep -q 'Start *REG_DWORD *0x2$' <<<"$qc" || fail "the MSI's service does not start automatically: $qc"
    grep -qi 'ImagePath .*Program Files.Settlebridge.settlebridge\.exe' <<<"$qc" || fail "the MSI's service runs something else: $qc"
    wait_for 60 curl -sf -o /dev/null "http://127.0.0.1:$port/" || { service_log; fail "the MSI's service does not serve"; }
    wine net stop settlebridge >"$work/net-stop.log" 2>&1 || { cat "$work/net-stop.log"; fail "net stop before uninstalling"; }
    wait_for 60 installed_exe_stopped ||
      { cat "$work/net-stop.log"; service_log | tail -n 5; ps -o pid,etimes,stat,args -p "$(pgrep -d, -f 'Program Files.Settlebridge.settlebridge\.exe')" || true
        fail "the service's process did not end after net stop"; }
    wine msiexec /x "$wmsi" /qn >"$work/msi-remove.log" 2>&1 || { cat "$work/msi-remove.log"; fail "msiexec /x"; }
    if [ -e "$program_files/settlebridge.exe" ]; then
      installed_exe_running && echo "(a settlebridge.exe process of this prefix is still running)"
      fail "uninstall left settlebridge.exe (run $run)"
    fi
    [ ! -e "$program_files" ] || fail "uninstall left $(find "$program_files" | tr '\n' ' ')"
    if service_config >/dev/null; then fail "uninstall left the service"; fi
    [ ! -e "$start_menu" ] || fail "uninstall left the Start-menu link"
    [ -f "$service_data/settlebridge.db" ] || fail "uninstall removed the data"
    finish "MSI run $run: install, service serving, stop, uninstall"
  done
  kill "$msi_keeper" 2>/dev/null || true
fi

echo
echo "settlebridge.exe: $(du -k "$exe" | cut -f1) KiB; wine $(wine --version 2>/dev/null)"
printf '%s\n' "${figures[@]}"
echo "PASS"
