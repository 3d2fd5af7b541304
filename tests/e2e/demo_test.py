#!/usr/bin/python3
"""The README's main job as a test: tools/demo.py end to end — the Amazon simulator, the daemon, Connect with
Amazon, the scheduled sync, approval, a Web Connector session against the simulated QuickBooks — must exit 0
(every settlement posted once, the clearing account moved by exactly each deposit) and say so per settlement.

Run: SETTLEBRIDGE_BIN=build/daemon/app/settlebridge /usr/bin/python3 tests/e2e/demo_test.py   (ctest: e2e.demo_test)
"""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

DEMO = os.path.join(h.SOURCE_DIR, "tools", "demo.py")
SIM = os.path.join(h.BINARY_DIR, "tools", "amazon_sim", "amazon_sim")


class DemoTest(unittest.TestCase):
    def test_the_demo_posts_and_reconciles_every_settlement(self):
        h.require_binary()
        with h.Workspace() as ws:
            data = ws.path("demo-data")
            proc = subprocess.run([sys.executable, DEMO, "--data-dir", data, "--bin", h.BIN, "--amazon-sim", SIM],
                                  capture_output=True, text=True, timeout=600)
            print(proc.stdout[-3000:])
            self.assertEqual(proc.returncode, 0, proc.stdout[-3000:] + proc.stderr[-3000:])
            self.assertIn("Connected to Amazon", proc.stdout)
            self.assertEqual(proc.stdout.count(" reconciled"), 2, proc.stdout)
            self.assertNotIn("NOT RECONCILED", proc.stdout)
            self.assertIn("every settlement was posted exactly once", proc.stdout)
            # It says what the qbXML requests were checked against (Intuit's XSDs are optional).
            self.assertIn("checked against the project's schema", proc.stdout)
            if os.environ.get("SETTLEBRIDGE_QBXML_XSD_DIR"):
                self.assertIn("and Intuit's XSDs in", proc.stdout)
            else:
                self.assertIn("Intuit's XSDs: skipped", proc.stdout)

            # The same on a Canadian company file (multicurrency on, CAD at home: the USD settlements in USD at
            # QuickBooks' rate, frozen per settlement).
            ca = subprocess.run([sys.executable, DEMO, "--data-dir", ws.path("demo-ca"), "--bin", h.BIN,
                                 "--amazon-sim", SIM, "--edition", "CA"], capture_output=True, text=True, timeout=600)
            self.assertEqual(ca.returncode, 0, ca.stdout[-3000:] + ca.stderr[-3000:])
            self.assertEqual(ca.stdout.count(" reconciled"), 2, ca.stdout)
            self.assertIn("Amazon Clearing USD balance", ca.stdout)
            self.assertIn("every settlement was posted exactly once", ca.stdout)
            self.assertIn("(CA edition;", ca.stdout)

            # A second run into the same data directory is refused, not mixed into it.
            again = subprocess.run([sys.executable, DEMO, "--data-dir", data, "--bin", h.BIN, "--amazon-sim", SIM],
                                   capture_output=True, text=True, timeout=120)
            self.assertNotEqual(again.returncode, 0)
            self.assertIn("already holds a Settlebridge database", again.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
