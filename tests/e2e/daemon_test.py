#!/usr/bin/python3
"""The daemon (`settlebridge serve`) with the Amazon simulator: it syncs on its schedule (a 1-second tick, a
connection due at once), survives a failing schedule (Amazon answering 500s: the connection shows the error,
the daemon keeps serving, a later "sync now" recovers), stops cleanly on SIGTERM (exit 0, promptly even with a
long tick), restarts and resumes without duplicating anything (a report seen before is skipped, a new one is
imported once), runs detached with --daemon --pidfile, and reads its properties file (a wrong key is refused with
the file and key named).

Run: SETTLEBRIDGE_BIN=build/daemon/app/settlebridge /usr/bin/python3 tests/e2e/daemon_test.py   (ctest: e2e.daemon_test)
"""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

SIM = os.path.join(h.BINARY_DIR, "tools", "amazon_sim", "amazon_sim")
SIM_TOKEN = "Atzr|settlebridge-sim-refresh-token"
SIM_CLIENT_ID = "amzn1.application-oa2-client.settlebridge-sim"
SIM_CLIENT_SECRET = "amzn1.oa2-cs.v1.settlebridge-sim-secret"
COMPANY = "acme"
FIXTURES = [p for p in h.FIXTURES if any(s in p for s in ("90000000013", "90000000014"))]
LATER = next(p for p in h.FIXTURES if "90000000015" in p)


class AmazonSim:
    def __init__(self, ws, reports):
        folder = ws.mkdir("amazon-reports")
        for p in reports:
            with open(p, "rb") as src, open(os.path.join(folder, os.path.basename(p)), "wb") as dst:
                dst.write(src.read())
        ready = ws.path("sim.json")
        self.log = open(ws.path("sim.log"), "w")
        self.proc = subprocess.Popen([SIM, "--reports-dir", folder, "--port", "0", "--ready-file", ready,
                                      "--rate", "getReports=1000:100", "--rate", "getReportDocument=1000:100"],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while not os.path.exists(ready):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("amazon_sim did not start")
            time.sleep(0.02)
        with open(ready) as f:
            self.url = json.load(f)["url"]

    def control(self, body):
        request = urllib.request.Request(self.url + "/_control", data=json.dumps(body).encode(), method="POST")
        with urllib.request.urlopen(request, timeout=20) as r:
            return json.loads(r.read())

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()


def connections(data):
    return json.loads(h.check_cli("amazon", "list", "--format", "json", data_dir=data).stdout)["connections"]


def wait_for(predicate, what, timeout=60):
    return h.wait_for(predicate, what, timeout=timeout, interval=0.2)


def document_count(data):
    db = sqlite3.connect(os.path.join(data, "settlebridge.db"), timeout=30)
    try:
        return db.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        db.close()


def active_settlements(data):
    db = sqlite3.connect(os.path.join(data, "settlebridge.db"), timeout=30)
    try:
        return sorted(r[0] for r in db.execute("SELECT settlement_id FROM settlements WHERE state = 'active'"))
    finally:
        db.close()


class DaemonTest(unittest.TestCase):
    def setUp(self):
        h.require_binary()
        self.ws = h.Workspace()
        self.data = self.ws.mkdir("data")
        self.sim = AmazonSim(self.ws, FIXTURES)
        h.add_company(self.data, COMPANY, "daemon-test-pass", mode="live")
        env = {"SETTLEBRIDGE_AMAZON_CLIENT_SECRET": SIM_CLIENT_SECRET}
        h.check_cli("amazon", "app", "--application-id", "amzn1.sp.solution.settlebridge-sim", "--client-id",
                    SIM_CLIENT_ID, "--endpoint", self.sim.url, data_dir=self.data, env=env)
        h.check_cli("amazon", "add-token", "--company", COMPANY, "--name", "US", data_dir=self.data,
                    stdin=SIM_TOKEN + "\n")

    def tearDown(self):
        self.sim.stop()
        self.ws.cleanup()

    def test_syncs_on_schedule_survives_failures_and_resumes_after_restart(self):
        daemon = self.ws.track(h.Daemon(self.data, extra=["--tick", "1"]))
        synced = wait_for(lambda: next((c for c in connections(self.data) if c["sync_state"] == "ok"), None),
                          "the scheduled sync")
        self.assertIn("2 new settlements", synced["sync_message"])
        self.assertEqual(active_settlements(self.data), ["90000000013", "90000000014"])
        documents = document_count(self.data)
        self.assertGreater(documents, 0)

        # Amazon fails: the schedule records the error and the daemon keeps serving.
        self.sim.control({"fail_next": [{"operation": "getReports", "status": 500, "count": 50}]})
        h.check_cli("amazon", "sync", "--request", "--company", COMPANY, data_dir=self.data)
        failed = wait_for(lambda: next((c for c in connections(self.data) if c["sync_state"] == "error"), None),
                          "the failing sync")
        self.assertIn("500", failed["sync_message"] + " InternalFailure")
        self.assertTrue(daemon.alive(), daemon.log())
        with urllib.request.urlopen(daemon.url + "?wsdl", timeout=10) as r:
            self.assertEqual(r.status, 200)
        self.assertIn("FAILED", daemon.log())

        # Amazon recovers; "sync now" from the CLI reaches the running daemon.
        self.sim.control({"clear_failures": True})
        h.check_cli("amazon", "sync", "--request", "--company", COMPANY, data_dir=self.data)
        wait_for(lambda: next((c for c in connections(self.data) if c["sync_state"] == "ok"), None), "the recovery")
        self.assertEqual(document_count(self.data), documents, "nothing imported twice")

        # SIGTERM: a clean, prompt stop even though the tick is long and a sync may be running.
        started = time.monotonic()
        daemon.stop(timeout=10)
        print(f"stopped {time.monotonic() - started:.2f} s after SIGTERM")

        # Restart with a new report on Amazon's side: only the new one is imported, once.
        self.sim.control({"add_report": {"file": LATER}})
        daemon = self.ws.track(h.Daemon(self.data, extra=["--tick", "1"]))
        h.check_cli("amazon", "sync", "--request", "--company", COMPANY, data_dir=self.data)
        wait_for(lambda: "90000000015" in active_settlements(self.data), "the new report after the restart")
        wait_for(lambda: next((c for c in connections(self.data) if c["sync_state"] == "ok"
                               and not c["sync_requested"]), None), "the sync to finish")
        self.assertEqual(active_settlements(self.data), ["90000000013", "90000000014", "90000000015"])
        reports = json.loads(h.check_cli("amazon", "reports", "--company", COMPANY, "--format", "json",
                                         data_dir=self.data).stdout)["reports"]
        self.assertEqual(sorted(r["outcome"] for r in reports), ["imported"] * 3)
        daemon.stop()

    def test_stops_within_moments_of_sigterm_with_a_long_tick(self):
        daemon = self.ws.track(h.Daemon(self.data, extra=["--tick", "3600"]))
        wait_for(lambda: next((c for c in connections(self.data) if c["sync_state"] == "ok"), None), "the first sync")
        started = time.monotonic()
        daemon.stop(timeout=10)
        elapsed = time.monotonic() - started
        print(f"stopped {elapsed:.2f} s after SIGTERM (tick 3600 s)")
        # Not a timing benchmark: a stop that waited for the tick would take an hour.
        self.assertLess(elapsed, 10)

    def test_detached_with_a_pidfile(self):
        pidfile = self.ws.path("settlebridge.pid")
        ready = self.ws.path("detached.url")
        log = self.ws.path("detached.log")
        proc = subprocess.run([h.BIN, "serve", "--daemon", "--pidfile", pidfile, "--data-dir", self.data, "--port", "0",
                               "--ready-file", ready, "--log-file", log, "--tick", "1"], timeout=30)
        self.assertEqual(proc.returncode, 0, "the launching process returns at once")
        wait_for(lambda: os.path.exists(pidfile) and os.path.exists(ready), "the detached daemon")
        with open(pidfile) as f:
            pid = int(f.read().strip())
        os.kill(pid, 0)  # alive
        wait_for(lambda: next((c for c in connections(self.data) if c["sync_state"] == "ok"), None), "the sync")
        os.kill(pid, signal.SIGTERM)

        def gone():
            try:
                os.kill(pid, 0)
                return False
            except ProcessLookupError:
                return True
        wait_for(gone, "the detached daemon to stop", timeout=20)
        self.assertFalse(os.path.exists(pidfile), "the pid file is removed on a clean stop")
        with open(log) as f:
            text = f.read()
        self.assertIn("listening on", text)
        self.assertIn("stopped", text)

    def test_properties_file(self):
        config = self.ws.path("settlebridge.properties")
        log = self.ws.path("from-config.log")
        with open(config, "w") as f:
            f.write(f"settlebridge.data_dir = {self.data}\nsettlebridge.tick = 1\nsettlebridge.log.file = {log}\n"
                    "settlebridge.log.level = debug\n")
        daemon = self.ws.track(h.Daemon(self.data, extra=["--config", config]))
        wait_for(lambda: next((c for c in connections(self.data) if c["sync_state"] == "ok"), None), "the sync")
        daemon.stop()
        with open(log) as f:
            self.assertIn("amazon settlements", f.read())

        # The HTTP engine is chosen in the file; the log says which one serves.
        with open(config, "a") as f:
            f.write("settlebridge.http.engine = thread-per-connection\n")
        daemon = self.ws.track(h.Daemon(self.data, extra=["--config", config]))
        daemon.stop()
        with open(log) as f:
            self.assertIn("(thread-per-connection engine)", f.read())

        with open(config, "a") as f:
            f.write("settlebridge.http.engine = event-loop\nsettlebridge.http.io_threads = 3\n")
        daemon = self.ws.track(h.Daemon(self.data, extra=["--config", config]))
        daemon.stop()
        with open(log) as f:
            self.assertIn("(event-loop engine, 3 loops)", f.read())

        for key, value, message in (("http.engine", "nginx", "must be event-loop or thread-per-connection"),
                                    ("http.io_threads", "0", "must be a whole number from 1 to 16")):
            with open(config, "w") as f:
                f.write(f"settlebridge.{key} = {value}\n")
            proc = subprocess.run([h.BIN, "serve", "--config", config], capture_output=True, text=True, timeout=30)
            self.assertEqual(proc.returncode, 2, proc.stderr)
            self.assertIn(f"settlebridge.{key} {message}", proc.stderr)

        with open(config, "w") as f:
            f.write(f"settlebridge.data_dir = {self.data}\nsettlebridge.listne = 0.0.0.0\n")
        proc = subprocess.run([h.BIN, "serve", "--config", config], capture_output=True, text=True, timeout=30)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(config, proc.stderr)
        self.assertIn("settlebridge.listne", proc.stderr)

        with open(config, "w") as f:
            f.write("settlebridge.port = 99999\n")
        proc = subprocess.run([h.BIN, "serve", "--config", config], capture_output=True, text=True, timeout=30)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("settlebridge.port must be a whole number from 0 to 65535", proc.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
