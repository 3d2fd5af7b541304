#!/usr/bin/python3
"""Two daemons on one data directory (issue 18 parts 3-4, docs/SCALING.md "Several daemons"): two `settlebridge
serve --shared` processes share one SQLite database (WAL) and sit behind HAProxy (Debian's, run as this user with a
configuration in the test's temp folder, loopback only) balancing round robin, one HTTP request at a time, so a
Web Connector session's calls alternate between the daemons.

- Every document is posted exactly once and the books reconcile, with both daemons answering about half the calls.
- kill -9 of one daemon in the middle of a session: the next call lands on the other, which carries the session on
  from the store; the session completes, nothing lost or doubled.
- A daemon that wants the data directory to itself is refused while shared daemons run, and the other way round.
- The secrets key: a daemon whose key differs from the database's is refused.
- Scheduled Amazon syncs with two daemons ticking every second against the Amazon simulator: each connection's sync
  is leased to one daemon at a time, so every settlement report is downloaded exactly once over several syncs.

HAProxy missing (tools/setup-debian.sh installs it): the test fails, saying so.
Run: SETTLEBRIDGE_BIN=build/daemon/app/settlebridge /usr/bin/python3 tests/e2e/two_daemons_test.py
(ctest: e2e.two_daemons_test)
"""
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

PASSWORD = "two-daemons-one-book"
# Two settlements made by the bundled generator (sales receipts, credit memos and their refunds, fees).
SETTLEMENTS = [("27000000001", "2026-07-01", 11), ("27000000002", "2026-07-15", 12)]
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Front:
    """HAProxy on a loopback port in front of the daemons: HTTP mode, round robin per request (the server side of
    each connection is closed after its answer, so the next request is balanced again), a dead server's request
    redispatched to the other one."""

    def __init__(self, ws, name, daemons):
        self.dir = ws.mkdir(name)
        self.socket = os.path.join(self.dir, "stats.sock")
        self.port = free_port()
        servers = "\n".join(f"  server d{i} 127.0.0.1:{d.port} check inter 300ms fall 1 rise 2"
                            for i, d in enumerate(daemons))
        config = f"""global
  maxconn 100
  stats socket {self.socket} mode 600 level admin
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  option http-server-close
  retries 3
  option redispatch 1
frontend qbwc
  bind 127.0.0.1:{self.port}
  default_backend daemons
backend daemons
  balance roundrobin
{servers}
"""
        self.config = os.path.join(self.dir, "haproxy.cfg")
        with open(self.config, "w") as f:
            f.write(config)
        self.log = open(os.path.join(self.dir, "haproxy.log"), "w")
        self.proc = subprocess.Popen([HAPROXY, "-db", "-f", self.config], stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                break
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                with open(os.path.join(self.dir, "haproxy.log")) as f:
                    raise AssertionError(f"haproxy did not start:\n{f.read()}")
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{self.port}/qbwc"

    def answered(self):
        """{server name: HTTP responses it gave} from HAProxy's statistics."""
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(self.socket)
            s.sendall(b"show stat\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        lines = data.decode().splitlines()
        header = lines[0].lstrip("# ").split(",")
        out = {}
        for line in lines[1:]:
            row = dict(zip(header, line.split(",")))
            if row.get("pxname") == "daemons" and row.get("svname", "").startswith("d"):
                # Final answers only: a large request's "100 Continue" is counted under 1xx.
                out[row["svname"]] = sum(int(row.get(f"hrsp_{k}xx") or 0) for k in range(2, 6))
        return out

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class TwoDaemonsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        h.require_binary()
        if not os.access(HAPROXY, os.X_OK):
            raise AssertionError("haproxy is not installed: apt-get install haproxy (tools/setup-debian.sh)")
        cls.ws = h.Workspace()
        cls.reports = []
        for settlement_id, start, seed in SETTLEMENTS:
            path = cls.ws.path(f"{settlement_id}.txt")
            subprocess.run([sys.executable, os.path.join(h.TOOLS_DIR, "generate_settlement.py"), "--orders", "20",
                            "--skus", "4", "--seed", str(seed), "--settlement-id", settlement_id, "--start", start,
                            path], check=True, capture_output=True)
            cls.reports.append(path)

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def setUp(self):
        self.fronts = []
        self.addCleanup(lambda: [f.stop() for f in self.fronts])

    def new_setup(self, label):
        data = self.ws.mkdir(label)
        h.add_company(data, label, PASSWORD, mode="live")
        for path in self.reports:
            h.import_file(data, label, path)
        qb = h.new_qb_company(self.ws.path(f"{label}.json"))
        daemons = [self.ws.track(h.Daemon(data, extra=["--shared"], log_dir=self.ws.mkdir(f"{label}-log{i}")))
                   for i in range(2)]
        front = Front(self.ws, f"{label}-front", daemons)
        self.fronts.append(front)
        return data, qb, daemons, front

    def check_books(self, data, name, qb):
        problems = h.ledger_problems(qb, self.reports, data, name)
        self.assertEqual(problems, [], "\n".join(problems))
        company = h.load_qb(qb)
        self.assertTrue(all(n == 1 for n in company.add_counts().values()), company.add_counts())
        counts = h.company_status(data, name)["counts"]
        self.assertEqual(counts["queued"] + counts["sent"] + counts["held"] + counts["failed"], 0, counts)

    def test_calls_alternate_between_two_daemons_and_every_document_posts_once(self):
        data, qb, daemons, front = self.new_setup("alternate")
        results = h.run_until_done(front.url, "alternate", PASSWORD, qb)
        self.assertEqual(results[-1].auth_status, "none")
        calls = sum(len(r.report["calls"]) for r in results)
        posted = sum(len(r.posted()) for r in results)
        self.assertEqual(posted, sum(1 for d in h.documents(data, "alternate") if d["state"] == "posted"), results[0])
        self.assertGreaterEqual(posted, 6, results[0])
        self.check_books(data, "alternate", qb)
        answered = front.answered()
        # Round robin, one request at a time: each daemon answered half the calls (one more or less per session).
        self.assertEqual(sum(answered.values()), calls, answered)
        for server, n in answered.items():
            self.assertLessEqual(abs(n - calls / 2), len(results), f"{server} answered {n} of {calls}: {answered}")
        print(f"alternate: {len(results)} sessions, {calls} calls ({answered}), {posted} documents posted",
              file=sys.stderr)
        for d in daemons:
            d.stop()

    def kill_mid_session(self, label, kill_before_call):
        """One session through the front; daemon 0 is killed (-9) just before the emulator's call number
        `kill_before_call` is sent. Returns the session's result and the setup."""
        data, qb, daemons, front = self.new_setup(label)
        session, out = h.make_session(front.url, label, PASSWORD, qb, noop_wait=0.1)
        original = session.call
        killed = []

        def call(operation, shown_args, **kwargs):
            if session.calls + 1 == kill_before_call and not killed:
                killed.append(f"{operation} (call {kill_before_call}, request {session.requests})")
                daemons[0].kill9()
            return original(operation, shown_args, **kwargs)

        session.call = call
        code = session.run()
        result = h.SessionResult(code, session.report, out.getvalue())
        self.assertEqual(len(killed), 1, f"the session ended before call {kill_before_call}: {result!r}")
        return result, killed[0], data, qb, daemons, front

    def test_kill_one_daemon_mid_session_the_other_carries_it_on(self):
        # Early (before the first document add), in the middle of the document adds, and near the end.
        for point in (6, 30, 60):
            with self.subTest(kill_before_call=point):
                label = f"kill{point}"
                result, at, data, qb, daemons, front = self.kill_mid_session(label, point)
                self.assertEqual(result.code, h.EXIT_OK, f"killed before {at}: {result!r}")
                self.assertEqual(result.report["percent"][-1], 100, result)
                self.assertFalse(daemons[0].alive())
                # Nothing left: the next session (on the surviving daemon) has nothing to do.
                after = h.run_session(front.url, label, PASSWORD, qb)
                self.assertEqual(after.auth_status, "none", after)
                self.check_books(data, label, qb)
                self.assertEqual(len(result.posted()),
                                 sum(1 for d in h.documents(data, label) if d["state"] == "posted"), result)
                answered = front.answered()
                self.assertGreater(answered["d1"], answered["d0"], answered)
                print(f"{label}: killed daemon 0 before {at}; {len(result.report['calls'])} calls ({answered}), "
                      f"{len(result.posted())} posted", file=sys.stderr)
                daemons[1].stop()

    def test_kill_one_daemon_with_a_call_in_flight(self):
        # Daemon 0 is stopped (SIGSTOP) before call 40 and killed a moment later: the call that went to it (40 or 41,
        # round robin) is cut. HAProxy closes the Web Connector's kept-alive connection without an answer and the
        # client sends the call again, which lands on daemon 1: the stopped daemon never applied it, so the session
        # goes on there. Had HAProxy answered 502 instead, the run would end with the session still open in the store
        # (no daemon can tell a dead daemon's session from a live one's: it ends at its idle timeout, made to pass
        # here) and the next runs finish the work. Either way: nothing lost, nothing posted twice.
        import signal
        import threading
        data, qb, daemons, front = self.new_setup("inflight")
        session, out = h.make_session(front.url, "inflight", PASSWORD, qb, noop_wait=0.1)
        original = session.call
        killer = []

        def call(operation, shown_args, **kwargs):
            if session.calls + 1 == 40 and not killer:
                os.kill(daemons[0].pid, signal.SIGSTOP)
                killer.append(threading.Timer(1.0, daemons[0].kill9))
                killer[0].start()
            return original(operation, shown_args, **kwargs)

        session.call = call
        code = session.run()
        killer[0].join()
        cut = h.SessionResult(code, session.report, out.getvalue())
        self.assertFalse(daemons[0].alive())
        if code == h.EXIT_OK:
            resent = [w for w in cut.report["warnings"] if "sent twice" in w]
            self.assertEqual(len(resent), 1, cut)
            outcome = f"the cut call was sent again to daemon 1 ({resent[0]})"
        else:
            self.assertEqual(code, h.EXIT_TRANSPORT, cut)
            busy = h.run_session(front.url, "inflight", PASSWORD, qb)
            self.assertEqual(busy.auth_status, "busy", busy)
            self.assertEqual(h.expire_open_sessions(data, "inflight"), 1)
            outcome = "the run ended; after the idle timeout daemon 1 finished the work"
        results = h.run_until_done(front.url, "inflight", PASSWORD, qb)
        self.assertEqual(results[-1].auth_status, "none")
        self.check_books(data, "inflight", qb)
        print(f"inflight: daemon 0 killed with call 40 or 41 in flight: {outcome}", file=sys.stderr)
        daemons[1].stop()

    def test_exclusive_and_shared_daemons_refuse_each_other(self):
        data = self.ws.mkdir("modes")
        with h.Daemon(data, extra=["--shared"], log_dir=self.ws.mkdir("modes-log0")) as shared:
            self.assertTrue(shared.alive())
            proc = h.cli("serve", "--port", "0", data_dir=data, timeout=30)
            self.assertEqual(proc.returncode, 2, proc)
            self.assertIn("this one would need --shared too", proc.stdout + proc.stderr)
        with h.Daemon(data, log_dir=self.ws.mkdir("modes-log1")) as alone:
            self.assertTrue(alone.alive())
            proc = h.cli("serve", "--port", "0", "--shared", data_dir=data, timeout=30)
            self.assertEqual(proc.returncode, 2, proc)
            self.assertIn("that has it to itself: stop it, or start every daemon on this folder with --shared",
                          proc.stdout + proc.stderr)
        # The setting in a properties file: true starts a shared daemon beside another; anything but true or false
        # is refused, naming the file and the key.
        config = self.ws.path("modes.properties")
        with open(config, "w") as f:
            f.write("settlebridge.shared = true\n")
        with h.Daemon(data, extra=["--shared"], log_dir=self.ws.mkdir("modes-log2")) as first, \
                h.Daemon(data, extra=["--config", config], log_dir=self.ws.mkdir("modes-log3")) as second:
            self.assertTrue(first.alive() and second.alive())
        with open(config, "w") as f:
            f.write("settlebridge.shared = yes\n")
        proc = h.cli("serve", "--port", "0", "--config", config, data_dir=data, timeout=30)
        self.assertEqual(proc.returncode, 2, proc)
        self.assertIn("settlebridge.shared must be true or false (got \"yes\")", proc.stderr)
        self.assertIn(config, proc.stderr)

    def test_a_daemon_with_another_secrets_key_is_refused(self):
        data = self.ws.mkdir("keys")
        other_key = "ab" * 32
        with h.Daemon(data, extra=["--shared"], log_dir=self.ws.mkdir("keys-log0")) as first:
            self.assertTrue(first.alive())
            with open(os.path.join(data, "secrets.key")) as f:
                file_key = f.read().strip()
            # Another key from the environment: refused at the start, naming where the key came from; exit 2.
            proc = h.cli("serve", "--port", "0", "--shared", data_dir=data, timeout=30,
                         env={"SETTLEBRIDGE_SECRETS_KEY": other_key})
            self.assertEqual(proc.returncode, 2, proc)
            self.assertIn("cannot start: the secrets key from $SETTLEBRIDGE_SECRETS_KEY is not the key of this "
                          "database", proc.stdout + proc.stderr)
            # Not a key at all: refused, saying so.
            proc = h.cli("serve", "--port", "0", "--shared", data_dir=data, timeout=30,
                         env={"SETTLEBRIDGE_SECRETS_KEY": "not-a-key"})
            self.assertEqual(proc.returncode, 2, proc)
            self.assertIn("$SETTLEBRIDGE_SECRETS_KEY is set but is not a key", proc.stdout + proc.stderr)
            # The same key through the environment: a second daemon starts beside the first.
            os.environ["SETTLEBRIDGE_SECRETS_KEY"] = file_key
            try:
                with h.Daemon(data, extra=["--shared"], log_dir=self.ws.mkdir("keys-log1")) as second:
                    self.assertTrue(second.alive())
            finally:
                del os.environ["SETTLEBRIDGE_SECRETS_KEY"]
        # A key file replaced by another key (a copied data folder, a restored backup of the wrong file): refused.
        os.chmod(os.path.join(data, "secrets.key"), 0o600)
        with open(os.path.join(data, "secrets.key"), "w") as f:
            f.write(other_key + "\n")
        proc = h.cli("serve", "--port", "0", data_dir=data, timeout=30)
        self.assertEqual(proc.returncode, 2, proc)
        self.assertIn(f"cannot start: the secrets key from the key file {os.path.join(data, 'secrets.key')} is not "
                      "the key of this database", proc.stdout + proc.stderr)

    def test_two_daemons_never_download_the_same_report_twice(self):
        import json
        import urllib.request
        import daemon_test as dt  # its Amazon simulator launcher and the simulator's app credentials
        data = self.ws.mkdir("sync")
        sim = dt.AmazonSim(self.ws, dt.FIXTURES)
        self.addCleanup(sim.stop)
        h.add_company(data, "sync", PASSWORD, mode="live")
        h.check_cli("amazon", "app", "--application-id", "amzn1.sp.solution.settlebridge-sim", "--client-id",
                    dt.SIM_CLIENT_ID, "--endpoint", sim.url, data_dir=data,
                    env={"SETTLEBRIDGE_AMAZON_CLIENT_SECRET": dt.SIM_CLIENT_SECRET})
        h.check_cli("amazon", "add-token", "--company", "sync", "--name", "US", data_dir=data,
                    stdin=dt.SIM_TOKEN + "\n")
        # Amazon answers slowly (the simulator is stopped for 3 s): the first daemon's sync hangs on it while the
        # other daemon ticks three times and finds the connection due; only the lease keeps it out.
        import signal
        os.kill(sim.proc.pid, signal.SIGSTOP)
        try:
            daemons = [self.ws.track(h.Daemon(data, extra=["--shared", "--tick", "1"],
                                              log_dir=self.ws.mkdir(f"sync-log{i}"))) for i in range(2)]
            time.sleep(3)
        finally:
            os.kill(sim.proc.pid, signal.SIGCONT)

        def synced():
            c = dt.connections(data)[0]
            return c if c["sync_state"] == "ok" and not c.get("sync_requested") else None

        first = h.wait_for(synced, "the first scheduled sync", timeout=60)
        self.assertIn("2 new settlements", first["sync_message"])
        # Three syncs asked for at once: both daemons see each one due at their next tick.
        for n in range(3):
            before = first["last_sync_at"] if n == 0 else last["last_sync_at"]
            h.check_cli("amazon", "sync", "--request", "--company", "sync", data_dir=data)
            last = h.wait_for(lambda: (c := synced()) and c["last_sync_at"] != before and c, f"requested sync {n + 1}",
                              timeout=60)
        with urllib.request.urlopen(sim.url + "/_control", timeout=20) as r:
            state = json.loads(r.read())
        documents = [q["path"] for q in state["requests"] if q["operation"] == "getReportDocument"]
        self.assertTrue(all(q["status"] == 200 for q in state["requests"]), state["requests"])
        listings = [q for q in state["requests"] if q["operation"] == "getReports"]
        self.assertEqual(len(documents), 2, f"report documents fetched: {documents}")
        self.assertEqual(len(set(documents)), 2, documents)
        self.assertEqual(len(listings), 4, f"one listing per sync, 4 syncs: {len(listings)}")
        self.assertEqual(dt.active_settlements(data), ["90000000013", "90000000014"])
        print(f"sync: 4 syncs, {len(listings)} listings, {len(documents)} report downloads", file=sys.stderr)
        for d in daemons:
            d.stop()


if __name__ == "__main__":
    h.main()
