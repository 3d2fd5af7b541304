#!/usr/bin/python3
"""End to end over loopback (issue 13, items 2-4): a simulated QuickBooks company file with what a real one often has
and Settlebridge must not run into — a vendor named like the customer, a Group item named like a SKU, a clearing
account of the wrong type. Settlebridge holds the documents before anything is sent, with a message that says what to
change; the simulated QuickBooks refuses nothing and records no document; once the company file is changed and the
settlement approved again, everything posts exactly once and reconciles.

Run: SETTLEBRIDGE_BIN=build/daemon/app/settlebridge /usr/bin/python3 tests/e2e/quickbooks_rules_test.py
(ctest: e2e.quickbooks_rules_test)
"""
import os
import sqlite3
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

PASSWORD = "correct horse battery"
SAMPLE = next(p for p in h.SAMPLES if "us_usd_25000000017" in p)


class QuickBooksRulesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        h.require_binary()

    def setUp(self):
        self.ws = h.Workspace()
        self.addCleanup(self.ws.cleanup)
        self.data = self.ws.mkdir("data")
        h.add_company(self.data, "acme", PASSWORD, mode="live")
        h.import_file(self.data, "acme", SAMPLE)
        self.summary = h.summarize(SAMPLE)
        self.qb = h.new_qb_company(self.ws.path("acme.json"))

    def change_qb(self, change):
        with h.open_locked(self.qb) as company:
            change(company)

    def assert_nothing_refused_or_added(self):
        company = h.load_qb(self.qb)
        refused = [e for e in company.request_log() if e.get("statusSeverity") == "Error" or e.get("hresult")]
        self.assertEqual(refused, [], "Settlebridge held the documents instead of sending what QuickBooks refuses")
        self.assertEqual(company.hard_failures(), [])
        return company

    def held(self):
        return [d for d in h.documents(self.data, "acme") if d["state"] == "held"]

    def approve_and_post(self, daemon):
        h.approve(self.data, "acme", self.summary["settlement_id"])
        results = h.run_until_done(daemon.url, "acme", PASSWORD, self.qb)
        self.assertEqual(results[0].code, h.EXIT_OK, results[0])
        problems = h.ledger_problems(self.qb, [SAMPLE], self.data, "acme")
        self.assertEqual(problems, [], "\n".join(problems))
        counts = h.company_status(self.data, "acme")["counts"]
        self.assertEqual((counts["held"], counts["failed"], counts["queued"]), (0, 0, 0), counts)
        self.assertTrue(all(n == 1 for n in h.load_qb(self.qb).add_counts().values()))

    def test_a_vendor_named_like_the_customer_holds_the_documents(self):
        self.change_qb(lambda c: c.create_vendor(h.CUSTOMER))
        with h.Daemon(self.data) as daemon:
            first = h.run_session(daemon.url, "acme", PASSWORD, self.qb)
            self.assertEqual(first.code, h.EXIT_OK, first)
            self.assertEqual(first.document_adds(), [])
            company = self.assert_nothing_refused_or_added()
            self.assertEqual(company.state["customers"], [], "no CustomerAdd QuickBooks would answer 3100")
            held = self.held()
            self.assertTrue(held)
            for d in held:
                self.assertEqual(d["hold_reason"], "name-in-use", d)
            status = h.check_cli("status", "--company", "acme", data_dir=self.data).stdout
            self.assertIn("name-in-use", status)
            self.assertIn(f'The customer name "{h.CUSTOMER}" is a vendor in QuickBooks', first.report["close_result"])

            # The bookkeeper renames the vendor in QuickBooks and approves again.
            self.change_qb(lambda c: c.find_vendor(h.CUSTOMER).update(name="Amazon (vendor)",
                                                                       full_name="Amazon (vendor)"))
            self.approve_and_post(daemon)

    def test_a_group_item_named_like_a_sku_holds_the_receipt(self):
        sku_item = next(line["item"] for d in self.summary["documents"] for line in d["lines"]
                        if line.get("sku"))
        self.change_qb(lambda c: c.create_item("ItemGroup", sku_item))
        with h.Daemon(self.data) as daemon:
            first = h.run_session(daemon.url, "acme", PASSWORD, self.qb)
            self.assertEqual(first.code, h.EXIT_OK, first)
            company = self.assert_nothing_refused_or_added()
            self.assertEqual(company.documents("SalesReceipt"), [])
            held = self.held()
            self.assertTrue(any(d["hold_reason"] == "item-type" for d in held), held)
            self.assertIn(f'Item "{sku_item}" is a Group item in QuickBooks', first.report["close_result"])

            self.change_qb(lambda c: c.state["items"].remove(c.find_item(sku_item)))
            self.approve_and_post(daemon)

    def test_a_clearing_account_of_the_wrong_type_holds_receipts_and_refunds(self):
        self.change_qb(lambda c: c.create_account(h.CLEARING, "Expense"))
        with h.Daemon(self.data) as daemon:
            first = h.run_session(daemon.url, "acme", PASSWORD, self.qb)
            self.assertEqual(first.code, h.EXIT_OK, first)
            company = self.assert_nothing_refused_or_added()
            self.assertEqual(company.documents("SalesReceipt") + company.documents("ARRefundCreditCard"), [])
            self.assertTrue(any(d["hold_reason"] == "account-type" for d in self.held()))
            self.assertIn(f'The account "{h.CLEARING}" is an Expense account in QuickBooks; a sales receipt deposits '
                          "into a Bank or Other Current Asset account", first.report["close_result"])

            self.change_qb(lambda c: c.find_account(h.CLEARING).update(type="Bank"))
            self.approve_and_post(daemon)

    def test_an_item_account_that_is_receivables_is_held_then_refused_when_given_again(self):
        data = self.ws.mkdir("beta")
        h.add_company(data, "beta", PASSWORD, mode="live")
        mapping = self.ws.path("beta.map")
        with open(mapping, "w", encoding="utf-8") as f:
            f.write("version 1\naccount commission\tAccounts Receivable\n")
        h.import_file(data, "beta", SAMPLE)
        # The commission category's account as the admin page's Settings save it (the CLI has no option for it).
        db = sqlite3.connect(os.path.join(data, "settlebridge.db"), timeout=30)
        with db:
            db.execute("INSERT INTO category_accounts (company_id, category, account, account_type) "
                       "SELECT id, 'commission', 'Accounts Receivable', 'Expense' FROM companies WHERE name = 'beta'")
        db.close()
        qb = h.new_qb_company(self.ws.path("beta.json"))
        with h.Daemon(data) as daemon:
            first = h.run_session(daemon.url, "beta", PASSWORD, qb)
            self.assertEqual(first.code, h.EXIT_OK, first)
        self.assertEqual(first.document_adds(), [])
        self.assertIn('cannot be created: the account "Accounts Receivable" is an Accounts Receivable account in '
                      "QuickBooks", first.report["close_result"])
        self.assertTrue(any(d["hold_reason"] == "item-type" for d in h.documents(data, "beta")))
        # Now that QuickBooks has said what that account is, the same mapping is refused when it is given again.
        other = next(p for p in h.SAMPLES if "us_usd_25000000018" in p)
        proc = h.cli("import", other, "--company", "beta", "--map", mapping, data_dir=data)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn('line 2: the account "Accounts Receivable" is an Accounts Receivable account in QuickBooks; an '
                      "item's account is any account but Accounts Receivable, Accounts Payable", proc.stderr)
        self.assertEqual(len({d["settlement_id"] for d in h.documents(data, "beta")}), 1, "nothing imported")


if __name__ == "__main__":
    unittest.main(verbosity=2)
