"""The attacks of issue 16 against the real daemon, on loopback only (127.0.0.0/8), each bounded in count and time.

Used by tests/security/endpoint_attacks_test.py (the short version, in ctest) and tests/security/soak.py (the long
version, outside CI, which writes its figures to docs/SECURITY.md). Every client here connects to 127.0.0.1 and
binds its own end to an address in 127.0.0.0/8, so "many addresses" are many loopback addresses; nothing leaves
the machine.
"""
import contextlib
import http.client
import multiprocessing
import os
import socket  # noqa: F401 (tests use a.socket)
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))
import harness as h  # noqa: E402

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
QBWC_NS = "http://developer.intuit.com/"
HEADERS = {"Content-Type": "text/xml; charset=utf-8", "User-Agent": "attack"}


def loopback(n):
    """The n-th attacker address (127.0.x.y, never 127.0.0.1 which the legitimate clients use)."""
    n += 2
    return f"127.0.{n // 250}.{n % 250 + 2}"


def envelope(operation, body):
    return (f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP_NS}" '
            f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
            f'<soap:Body><{operation} xmlns="{QBWC_NS}">{body}</{operation}></soap:Body></soap:Envelope>')


def authenticate_envelope(user, password):
    return envelope("authenticate", f"<strUserName>{user}</strUserName><strPassword>{password}</strPassword>")


def client_version_envelope():
    return envelope("clientVersion", "<strVersion>2.3.0.30</strVersion>")


def connect(port, source="127.0.0.1", timeout=30.0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    return conn


def soap_post(port, operation, body, source="127.0.0.1", timeout=30.0, headers=None):
    """(status, body text, seconds) of one SOAP call on a new connection."""
    conn = connect(port, source, timeout)
    started = time.monotonic()
    try:
        conn.request("POST", "/qbwc", body=body.encode("utf-8") if isinstance(body, str) else body,
                     headers=dict(HEADERS, SOAPAction=f'"{QBWC_NS}{operation}"', **(headers or {})))
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, text, time.monotonic() - started
    finally:
        conn.close()


def raw_exchange(port, data, source="127.0.0.1", timeout=10.0, read_all=True):
    """Sends raw bytes; returns everything the server answered until it closed (or the timeout) and whether it
    closed the connection."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
    try:
        sock.sendall(data)
        chunks = []
        closed = False
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            chunks.append(chunk)
            if not read_all:
                break
        return b"".join(chunks), closed
    finally:
        sock.close()


def rss_kb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class Load:
    """Background attackers running until stop() (or their deadline); each thread runs `fn(index, stop_event)`."""

    def __init__(self, count, fn, deadline_s=120.0):
        self.stop_event = threading.Event()
        self.errors = []
        self.counts = {}
        self.lock = threading.Lock()
        self.deadline = time.monotonic() + deadline_s
        self.threads = [threading.Thread(target=self._run, args=(i, fn), daemon=True) for i in range(count)]
        for t in self.threads:
            t.start()

    def _run(self, i, fn):
        try:
            fn(i, self)
        except Exception as exc:  # noqa: BLE001 - an attacker's failure is data, not a test failure
            with self.lock:
                self.errors.append(repr(exc))

    def running(self):
        return not self.stop_event.is_set() and time.monotonic() < self.deadline

    def count(self, key, n=1):
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + n

    def stop(self, timeout=30.0):
        self.stop_event.set()
        end = time.monotonic() + timeout
        for t in self.threads:
            t.join(max(0.0, end - time.monotonic()))


def _load_in_child(make, seconds, stop, results, nice):
    if nice:
        os.nice(nice)
    load = make()
    end = time.monotonic() + seconds
    while time.monotonic() < end and not stop.is_set():
        time.sleep(0.1)
    load.stop()
    results.put((dict(load.counts), list(load.errors)))


class ProcessLoad:
    """A Load (`make()` builds it) run in a child process of its own, so that the clients measured in this process
    (the Web Connector emulator, probes) compete with the attackers for the daemon, not for one interpreter lock.
    The same interface as Load: counts and errors once stopped. `nice` lowers the child's CPU priority (a stand-in
    for attackers on other machines, whose CPU is not the daemon's)."""

    def __init__(self, make, deadline_s=120.0, nice=0):
        context = multiprocessing.get_context("fork")
        self._stop = context.Event()
        self._results = context.Queue()
        self.counts = {}
        self.errors = []
        self._process = context.Process(target=_load_in_child, args=(make, deadline_s, self._stop, self._results, nice),
                                        daemon=True)
        self._process.start()

    def stop(self, timeout=60.0):
        self._stop.set()
        try:
            self.counts, self.errors = self._results.get(timeout=timeout)
        except Exception:  # noqa: BLE001 - the child died: no counts
            pass
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()


def bad_authenticates(port, user, sources):
    """An attacker loop: wrong passwords for `user`, one connection at a time, from sources[i % len]."""
    def run(i, load):
        source = sources[i % len(sources)]
        while load.running():
            try:
                status, text, _ = soap_post(port, "authenticate", authenticate_envelope(user, f"guess-{i}"),
                                            source=source, timeout=30)
                load.count("busy" if ">busy<" in text else "nvu" if ">nvu<" in text else f"http {status}")
            except OSError as exc:
                load.count(type(exc).__name__)
                time.sleep(0.05)
    return run


def slow_clients(port, sources, interval=5.0, per_thread=25):
    """Slowloris: each thread opens `per_thread` connections (from sources) and sends one byte of a request head
    every `interval` seconds on each; counts how many the server closed."""
    request = b"POST /qbwc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nX-Padding: " + b"a" * 4000

    def run(i, load):
        socks = []
        for k in range(per_thread):
            if not load.running():
                break
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5,
                                             source_address=(sources[(i * per_thread + k) % len(sources)], 0))
                s.setblocking(False)
                socks.append([s, 0])
                load.count("opened")
            except OSError:
                load.count("refused")
        while load.running() and socks:
            for entry in list(socks):
                s, sent = entry
                try:
                    s.send(request[sent:sent + 1])
                    entry[1] = (sent + 1) % len(request)
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:
                    load.count("closed by server")
                    socks.remove(entry)
                    s.close()
            load.stop_event.wait(interval)
        for s, _ in socks:
            s.close()
    return run


def big_body(port, size, chunked, source, path="/qbwc"):
    """Sends a `size`-byte body (Content-Length or chunked); returns the status line answered (or the error)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30, source_address=(source, 0))
    try:
        head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml; charset=utf-8\r\n"
                f'SOAPAction: "{QBWC_NS}receiveResponseXML"\r\n')
        head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {size}\r\n\r\n"
        sock.sendall(head.encode())
        block = b"x" * 65536
        sent = 0
        try:
            while sent < size:
                n = min(len(block), size - sent)
                if chunked:
                    sock.sendall(f"{n:x}\r\n".encode() + block[:n] + b"\r\n")
                else:
                    sock.sendall(block[:n])
                sent += n
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass
        try:
            answer = sock.recv(4096)
        except OSError as exc:
            return f"error {type(exc).__name__} after {sent} bytes"
        return answer.split(b"\r\n", 1)[0].decode("latin-1") or f"closed after {sent} bytes"
    finally:
        sock.close()


@contextlib.contextmanager
def daemon_with_company(ws, name, password, samples=1, extra=()):
    """A data folder with one company (live mode) holding `samples` in-repo sample settlements, and the daemon."""
    data = ws.path("data")
    h.add_company(data, name, password)
    for path in h.SAMPLES[:samples]:
        h.import_file(data, name, path)
    daemon = ws.track(h.Daemon(data, extra=extra))
    try:
        yield daemon, data
    finally:
        daemon.stop() if daemon.alive() else None


def legit_session(daemon, name, password, qb, retries=3):
    """The Web Connector emulator's session, retried on "busy" at most `retries` times. Returns (result, seconds
    until authenticate succeeded, busy answers)."""
    started = time.monotonic()
    busy = 0
    while True:
        result = h.run_session(daemon.url, name, password, qb)
        if result.code != h.EXIT_BUSY or busy >= retries:
            return result, time.monotonic() - started, busy
        busy += 1
        wait = 1.0
        with contextlib.suppress(Exception):
            wait = min(5.0, float(result.report["authenticate"][2]))
        time.sleep(wait)
