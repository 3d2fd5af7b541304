#!/usr/bin/python3
"""A restarted daemon is usable at once (docs/POSTING.md "Restarts"): `serve` holds a lock on its data folder, so a
second daemon on the same folder refuses to start, and the one that starts ends every Web Connector session a
previous process left open — the first authenticate after a kill -9 gets a ticket, not "busy", and the Web Connector
user reads why in the session's summary. A live session of a live process still gets "busy".

Run: SETTLEBRIDGE_BIN=build/daemon/app/settlebridge /usr/bin/python3 tests/e2e/restart_test.py
(ctest: e2e.restart_test)
"""
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

PASSWORD = "back-at-once"
NOTICE = "The previous sync was interrupted (Settlebridge stopped during it); resumed."


class RestartTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        h.require_binary()
        sys.setswitchinterval(0.0002)
        cls.ws = h.Workspace()
        cls.report = cls.ws.path("26000000021.txt")
        subprocess.run([sys.executable, os.path.join(h.TOOLS_DIR, "generate_settlement.py"), "--orders", "25",
                        "--skus", "4", "--seed", "11", "--settlement-id", "26000000021", "--start", "2026-08-01",
                        cls.report], check=True, capture_output=True)
        cls.counter = 0

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def new_company(self):
        type(self).counter += 1
        data = self.ws.mkdir(f"data{self.counter}")
        name = f"restart{self.counter}"
        h.add_company(data, name, PASSWORD, mode="live")
        h.import_file(data, name, self.report)
        return data, name, h.new_qb_company(self.ws.path(f"{name}.json"))

    def test_second_daemon_on_the_same_folder_refuses_to_start(self):
        data, name, _ = self.new_company()
        daemon = self.ws.track(h.Daemon(data))
        ready = self.ws.path("second.url")
        second = subprocess.run([h.BIN, "serve", "--port", "0", "--ready-file", ready, "--data-dir", data],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(second.returncode, 2, second)
        output = second.stdout + second.stderr
        self.assertIn("is in use by another Settlebridge daemon", output)
        self.assertIn(f"(process {daemon.pid})", output)
        self.assertFalse(os.path.exists(ready))
        # The CLI still works beside the daemon (it does not take the lock).
        self.assertEqual([d["state"] for d in h.documents(data, name)], ["queued"] * len(h.documents(data, name)))
        daemon.stop()  # a clean stop releases the lock too
        daemon.start()
        daemon.stop()

    def test_first_authenticate_after_a_kill_gets_a_ticket_and_hears_why(self):
        data, name, qb = self.new_company()
        daemon = self.ws.track(h.Daemon(data))
        bg = h.BackgroundSession(daemon.url, name, PASSWORD, qb, timeout=20)
        deadline = time.monotonic() + 60
        while not any(r["types"][0] in h.DOCUMENT_ADDS for r in list(bg.session.report["requests"])):
            self.assertFalse(bg.done(), bg.out.getvalue())
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.0005)
        daemon.kill9()
        cut = bg.join()
        self.assertNotEqual(cut.code, h.EXIT_OK, cut)
        daemon.start()  # at once, with the default settings (a 30-minute ticket timeout)
        self.assertIn("ended 1 Web Connector session(s) left open", daemon.log())
        after = h.run_session(daemon.url, name, PASSWORD, qb)
        self.assertNotEqual(after.auth_status, "busy", after)
        self.assertEqual(after.code, h.EXIT_OK, after)
        self.assertTrue(after.report["close_result"].startswith("Settlebridge: " + NOTICE), after.report["close_result"])
        rest = h.run_until_done(daemon.url, name, PASSWORD, qb)
        self.assertFalse(any(NOTICE in (r.report["close_result"] or "") for r in rest), "said once")
        self.assertEqual(h.ledger_problems(qb, [self.report], data, name), [])
        daemon.stop()

    def test_notice_in_get_last_error_too(self):
        data, name, qb = self.new_company()
        daemon = self.ws.track(h.Daemon(data))
        # A session that signs in and is cut before its first request: open, with nothing in flight.
        bg = h.BackgroundSession(daemon.url, name, PASSWORD, qb, timeout=20)
        deadline = time.monotonic() + 60
        while bg.calls() < 4 and not bg.done():
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.0005)
        daemon.kill9()
        bg.join()
        daemon.start()
        after = h.run_session(daemon.url, name, PASSWORD, qb)
        self.assertEqual(after.code, h.EXIT_OK, after)
        # The session ended by sendRequestXML answering "": the Web Connector asked getLastError.
        text = after.report["last_error"] or after.report["close_result"]
        self.assertIn(NOTICE, text, after)
        daemon.stop()

    def test_live_session_of_a_live_process_still_gets_busy(self):
        data, name, qb = self.new_company()
        daemon = self.ws.track(h.Daemon(data))
        # The Web Connector stops answering after request 2: its session stays open in a live daemon.
        first = h.run_session(daemon.url, name, PASSWORD, qb, fault_plan=h.faults(drop=["2:stop"]))
        self.assertEqual(first.code, h.EXIT_INTERRUPTED, first)
        busy = h.run_session(daemon.url, name, PASSWORD, qb)
        self.assertEqual((busy.code, busy.auth_status), (h.EXIT_BUSY, "busy"), busy)
        # A restart ends it (the lock proves its process is gone).
        daemon.kill9()
        daemon.start()
        results = h.run_until_done(daemon.url, name, PASSWORD, qb)
        self.assertNotEqual(results[0].auth_status, "busy", results[0])
        self.assertEqual(h.ledger_problems(qb, [self.report], data, name), [])
        daemon.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
