#!/usr/bin/python3
"""The admin page's edition and exchange-rate side in headless Chromium (issue 13 items 5, 6): what Settlebridge
learned of a Canadian company file shown in Settings (the edition, the home currency, the sales tax code every line
carries with the file's code list) and the exchange-rate age limit refused beside its field when out of range, then
saved; a USD settlement held because QuickBooks has no USD rate, approved from the queue with the rate box (a bad
rate refused, nothing approved), and the previewer showing that rate frozen and the qbXML carrying it, with the
deposit's move to the bank as a DepositAdd at that rate.

The settlement is the project's sample tools/samples/us_usd_25000000017.txt; the company file is the simulated
QuickBooks' Canadian edition with multicurrency on and no USD rate; the Web Connector emulator runs before the browser
(everything held) and after it (everything posted at the rate approved on the page).

Needs: chromium (apt), node and tools/node/node_modules/playwright-core (tools/install-node-tools.sh).
Run: SETTLEBRIDGE_BIN=build/daemon/app/settlebridge /usr/bin/python3 tests/e2e/admin_editions_test.py
"""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

PASSWORD = "admin-editions-wc-password"
REPORT = os.path.join(h.SOURCE_DIR, "tools", "samples", "us_usd_25000000017.txt")
BROWSER_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "admin_editions_browser.js")
PLAYWRIGHT = os.path.join(h.SOURCE_DIR, "tools", "node", "node_modules", "playwright-core")
CHROMIUM = os.environ.get("SETTLEBRIDGE_CHROMIUM", "/usr/bin/chromium")
RATE = "1.3456"


class AdminEditionsTest(unittest.TestCase):
    def test_edition_tax_code_rate_box_and_previewer_rate_in_a_real_browser(self):
        h.require_binary()
        if not os.path.exists(CHROMIUM):
            self.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (tools/setup-debian.sh)")
        if not os.path.isdir(PLAYWRIGHT) or shutil.which("node") is None:
            self.fail("node or playwright-core is missing: run tools/install-node-tools.sh")
        shots = os.path.join(h.BINARY_DIR, "admin-screenshots")
        os.makedirs(shots, exist_ok=True)
        summary = h.summarize(REPORT)
        sid = summary["settlement_id"]
        with h.Workspace() as ws:
            data = ws.mkdir("data")
            h.add_company(data, "maple", PASSWORD, mode="live",
                          extra=("--bank-account", "Checking", "--transfer", "yes"))
            h.import_file(data, "maple", REPORT)
            qb = h.new_qb_company(ws.path("maple.json"), country="CA", multicurrency=True,
                                  home_currency="Canadian Dollar")
            with h.Daemon(data, log_dir=ws.path()) as daemon:
                h.run_until_done(daemon.url, "maple", PASSWORD, qb)
                # Held before anything was sent (a refund waits for its credit memo, still queued).
                held = h.documents(data, "maple")
                self.assertTrue(all((d["state"], d["hold_reason"]) == ("held", "exchange-rate")
                                    or (d["kind"], d["state"]) == ("refund_payment", "queued") for d in held), held)
                self.assertTrue(any(d["kind"] == "transfer" for d in held), "the transfer option is on")
                self.assertEqual(h.load_qb(qb).documents(), [], "nothing was sent")
                expect = {"settlement": sid, "end": summary["parts"][-1]["txn_date"], "rate": RATE}
                env = dict(os.environ, BASE_URL=daemon.base_url, SHOT_DIR=shots, CHROMIUM=CHROMIUM,
                           PLAYWRIGHT_CORE=PLAYWRIGHT, EXPECT=json.dumps(expect))
                proc = subprocess.run(["node", BROWSER_SCRIPT], env=env, capture_output=True, text=True, timeout=180)
                self.assertEqual(proc.returncode, 0, "browser steps failed:\n" + proc.stderr + "\n" + daemon.log())
                self.assertIn("DONE", proc.stdout)
                # What the page saved: the rate frozen for the settlement by the admin user, the age limit.
                db = sqlite3.connect(os.path.join(data, "settlebridge.db"))
                try:
                    frozen = db.execute("SELECT rate, source, set_by FROM settlement_rates").fetchall()
                    (age,), = db.execute("SELECT rate_max_age_days FROM qb_company_edition").fetchall()
                finally:
                    db.close()
                self.assertEqual(frozen, [(RATE, "override", "admin")])
                self.assertEqual(age, 30)
                # The next Web Connector run posts everything at that rate, the deposit's move to the bank too.
                h.run_until_done(daemon.url, "maple", PASSWORD, qb)
            for d in h.documents(data, "maple"):
                self.assertEqual(d["state"], "posted", d)
            company = h.load_qb(qb)
            self.assertEqual(company.hard_failures(), [])
            docs = company.documents()
            self.assertTrue(docs)
            self.assertTrue(all((d["currency"], d["exchange_rate"]) == ("USD", RATE) for d in docs), docs)
            deposits = company.documents("Deposit")
            self.assertEqual([(d["currency"], d["exchange_rate"], d["account"]) for d in deposits],
                             [("USD", RATE, "Checking USD")])
            self.assertEqual(company.balance(h.CLEARING + " USD"), 0)
        for name in ("editions-01-settings", "editions-02-rate-approved", "editions-03-preview"):
            self.assertGreater(os.path.getsize(os.path.join(shots, name + ".png")), 1000, name)


if __name__ == "__main__":
    unittest.main(verbosity=2)
