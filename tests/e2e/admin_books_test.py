#!/usr/bin/python3
"""The admin page's books side in headless Chromium (issues 15 and 14): the Settings fields a bookkeeper sets
(registered for GST/HST or VAT, the bank account, the transfer of each deposit) with their refusals shown beside the
field and nothing saved, then saved; the Tax report page showing the figures computed here from the file's rows,
an empty period and a reversed one; a refund QuickBooks answered without its fields and then did not find, shown in
the queue as "needs checking" with both answers.

A project-made Amazon.ca settlement (tools/generate_settlement.py) with GST/HST collected, some of it withheld by
Amazon as marketplace facilitator, refunds and tax on advertising; imported into an unregistered company, posted to
the simulated QuickBooks by the Web Connector emulator with the refund's add answered status 0 without TxnID,
RefNumber or TotalAmount and its query answered "not found". Then tests/e2e/admin_books_browser.js drives the page;
afterwards the database must hold what the page saved.

Needs: chromium (apt), node and tools/node/node_modules/playwright-core (tools/install-node-tools.sh).
Run: SETTLEBRIDGE_BIN=build/daemon/app/settlebridge /usr/bin/python3 tests/e2e/admin_books_test.py
"""
import json
import os
import sqlite3
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bookkeeper as bk  # noqa: E402
import harness as h  # noqa: E402
from tax_report_test import figures_from_rows  # noqa: E402

PASSWORD = "admin-books-wc-password"
BROWSER_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "admin_books_browser.js")
PLAYWRIGHT = h.PLAYWRIGHT
CHROMIUM = h.CHROMIUM


def money(cents):
    """As the API writes money (common::formatCents): 1234.56, -0.05."""
    return f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"


class AdminBooksTest(unittest.TestCase):
    def test_settings_tax_report_and_needs_checking_in_a_real_browser(self):
        h.require_binary()
        shots = h.require_browser(self)
        with h.Workspace() as ws:
            path = bk.generate(ws.path("ca_tax.txt"), "32000000007", "2026-08-24", days=14, orders=40,
                               extra=["--tax-rate", "13", "--facilitator-every", "4", "--ad-spend", "25000",
                                      "--ad-tax-rate", "13"])
            collected, withheld, fee_tax = figures_from_rows(path)
            self.assertGreater(withheld, 0)
            data = ws.mkdir("data")
            h.add_company(data, "acme", PASSWORD, mode="live")
            h.import_file(data, "acme", path)
            qb = h.new_qb_company(ws.path("acme.json"))
            h.answer_rule(qb, "ARRefundCreditCardAddRq", "strip", fields=["TxnID", "RefNumber", "TotalAmount"])
            h.answer_rule(qb, "ARRefundCreditCardQueryRq", "not-found")
            with h.Daemon(data, log_dir=ws.path()) as daemon:
                h.run_until_done(daemon.url, "acme", PASSWORD, qb)
                docs = {d["kind"]: d for d in h.documents(data, "acme")}
                self.assertTrue(docs["refund_payment"]["needs_checking"], docs["refund_payment"])
                receipt = docs["receipt"]
                expect = {"settlement": "32000000007", "txn_date": receipt["txn_date"],
                          "month": receipt["txn_date"][:7], "collected": money(collected),
                          "remitted": money(withheld), "to_remit": money(collected - withheld),
                          "fee_tax": money(fee_tax), "refund_ref": docs["refund_payment"]["ref_number"]}
                env = dict(os.environ, BASE_URL=daemon.base_url, SHOT_DIR=shots, CHROMIUM=CHROMIUM,
                           PLAYWRIGHT_CORE=PLAYWRIGHT, EXPECT=json.dumps(expect))
                proc = subprocess.run(["node", BROWSER_SCRIPT], env=env, capture_output=True, text=True, timeout=180)
                self.assertEqual(proc.returncode, 0, "browser steps failed:\n" + proc.stderr + "\n" + daemon.log())
                self.assertIn("DONE", proc.stdout)
            # What the page saved, in the database; the refused attempts changed nothing on their way.
            db = sqlite3.connect(os.path.join(data, "settlebridge.db"))
            try:
                (bank, transfer), = db.execute("SELECT bank_account, post_transfer FROM companies").fetchall()
                (registered,), = db.execute("SELECT tax_registered FROM company_options").fetchall()
                saves = db.execute("SELECT count(*) FROM event_log WHERE message LIKE 'settings of \"acme\" changed%'"
                                   ).fetchone()[0]
            finally:
                db.close()
            self.assertEqual((bank, transfer, registered), ("Checking", 1, 1))
            self.assertEqual(saves, 1, "only the accepted save changed the settings")
            # The refund was added once and never again.
            self.assertEqual(list(h.load_qb(qb).add_counts("ARRefundCreditCard").values()), [1])
        for name in ("books-01-transfer-refused", "books-02-settings-saved", "books-03-tax-report",
                     "books-04-needs-checking"):
            self.assertGreater(os.path.getsize(os.path.join(shots, name + ".png")), 1000, name)


if __name__ == "__main__":
    unittest.main(verbosity=2)
