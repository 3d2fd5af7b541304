#!/usr/bin/python3
"""Tax for registrants with Amazon's exact amounts (issue 15 part 2, docs/ACCOUNTING.md section 15), end to end.

A project-made Amazon.ca Flat File V2 settlement (tools/generate_settlement.py) with GST/HST collected on every order
(ItemPrice/Tax), some orders' tax withheld by Amazon as marketplace facilitator, refunds with their tax, and GST/HST
on advertising (TaxAmount). Imported into a registered and an unregistered company and posted to the simulated
QuickBooks: the tax collected stays on Amazon Sales Tax Payable exact to the cent (the facilitator's rows net their
tax to zero there), the tax on fees lands on the recoverable asset for the registrant and on the expense otherwise;
`tax-report` prints the same figures per settlement and per month, computed here independently from the file's rows.
Also: `company set --tax-registered` refuses a bad value, and the report refuses a bad date.

Run: SETTLEBRIDGE_BIN=build/daemon/app/settlebridge /usr/bin/python3 tests/e2e/tax_report_test.py
"""
import csv
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bookkeeper as bk  # noqa: E402
import harness as h  # noqa: E402

PASSWORD = "correct horse battery"
PAYABLE = "Amazon Sales Tax Payable"
RECOVERABLE = "Tax Recoverable on Amazon Fees"
FEE_TAX_EXPENSE = "Amazon Tax on Fees"


def cents(text):
    negative = text.startswith("-")
    whole, _, frac = text.lstrip("-").partition(".")
    value = int(whole) * 100 + int((frac + "00")[:2])
    return -value if negative else value


def figures_from_rows(path):
    """Tax collected, withheld by Amazon and tax on fees, straight from the report's rows (seller's view)."""
    collected = withheld = fee_tax = 0
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    for r in rows[1:]:
        amount = cents(r["amount"])
        if r["amount-type"] == "ItemPrice" and r["amount-description"] == "Tax":
            collected += amount
        elif r["amount-description"].startswith("MarketplaceFacilitatorTax-"):
            withheld -= amount
        elif r["amount-description"] == "TaxAmount":
            fee_tax -= amount
    return collected, withheld, fee_tax


class TaxReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        h.require_binary()

    def setUp(self):
        self.ws = h.Workspace()
        self.addCleanup(self.ws.cleanup)
        self.path = bk.generate(self.ws.path("ca_tax.txt"), "32000000001", "2026-08-24", days=14, orders=40,
                                extra=["--tax-rate", "13", "--facilitator-every", "4", "--ad-spend", "25000",
                                       "--ad-tax-rate", "13"])
        self.collected, self.withheld, self.fee_tax = figures_from_rows(self.path)
        # The file really has all three kinds of tax.
        self.assertGreater(self.collected, 0)
        self.assertGreater(self.withheld, 0)
        self.assertEqual(self.fee_tax, 3250)

    def post(self, registered):
        data = self.ws.mkdir("data-" + registered)
        h.add_company(data, "acme", PASSWORD, mode="live", extra=("--tax-registered", registered))
        h.import_file(data, "acme", self.path)
        qb = h.new_qb_company(self.ws.path(f"acme-{registered}.json"))
        with h.Daemon(data) as daemon:
            h.run_until_done(daemon.url, "acme", PASSWORD, qb)
        problems = h.ledger_problems(qb, [self.path], data, "acme")
        self.assertEqual(problems, [], "\n".join(problems))
        report = json.loads(h.check_cli("tax-report", "--company", "acme", "--format", "json", data_dir=data).stdout)
        text = h.check_cli("tax-report", "--company", "acme", data_dir=data).stdout
        return data, qb, report, text

    def check_report(self, report, registered):
        self.assertEqual(report["tax_registered"], registered)
        self.assertEqual(len(report["settlements"]), 1)
        row = report["settlements"][0]
        self.assertEqual(row["settlement_id"], "32000000001")
        self.assertTrue(row["posted"])
        self.assertEqual(row["collected_cents"], self.collected)
        self.assertEqual(row["remitted_by_amazon_cents"], self.withheld)
        self.assertEqual(row["to_remit_cents"], self.collected - self.withheld)
        self.assertEqual(row["fee_tax_cents"], self.fee_tax)
        self.assertEqual(row["fee_tax_recoverable_cents"], self.fee_tax if registered else 0)
        self.assertEqual(row["fee_tax_expensed_cents"], 0 if registered else self.fee_tax)
        self.assertEqual(len(report["months"]), 1)
        month = report["months"][0]
        self.assertEqual((month["month"], month["currency"]), (row["txn_date"][:7], "CAD"))
        self.assertEqual(month["to_remit_cents"], row["to_remit_cents"])
        self.assertEqual(month["fee_tax_cents"], row["fee_tax_cents"])

    def test_registered_company(self):
        _, qb, report, text = self.post("yes")
        self.check_report(report, True)
        self.assertIn("registered for GST/HST or VAT", text)
        self.assertIn("recoverable", text)
        # The books: collected tax on its liability exact to the cent (the facilitator's rows net theirs to zero),
        # tax on fees an input tax credit, nothing on the expense.
        self.assertEqual(bk.balance(qb, PAYABLE), self.collected - self.withheld)
        self.assertEqual(bk.balance(qb, RECOVERABLE), self.fee_tax)
        self.assertEqual(bk.balance(qb, FEE_TAX_EXPENSE), 0)
        company = h.load_qb(qb)
        self.assertEqual(company.find_account(RECOVERABLE)["type"], "OtherCurrentAsset")
        self.assertEqual(company.trial_balance(), 0)
        # QuickBooks computed no tax of its own: every line non-taxable, tax totals zero.
        self.assertTrue(all(d["tax_cents"] == 0 for d in company.documents() if d["kind"] != "Transfer"))

    def test_unregistered_company(self):
        data, qb, report, text = self.post("no")
        self.check_report(report, False)
        self.assertIn("not registered", text)
        self.assertEqual(bk.balance(qb, PAYABLE), self.collected - self.withheld)
        self.assertEqual(bk.balance(qb, FEE_TAX_EXPENSE), self.fee_tax)
        self.assertIsNone(h.load_qb(qb).find_account(RECOVERABLE))
        # A period without the settlement's documents: nothing in it.
        empty = json.loads(h.check_cli("tax-report", "--company", "acme", "--format", "json", "--from", "2027-01-01",
                                       data_dir=data).stdout)
        self.assertEqual((empty["settlements"], empty["months"]), ([], []))
        # Registering later changes what later settlements do, and says so in the report header.
        h.check_cli("company", "set", "acme", "--tax-registered", "yes", data_dir=data)
        again = json.loads(h.check_cli("tax-report", "--company", "acme", "--format", "json", data_dir=data).stdout)
        self.assertTrue(again["tax_registered"])
        self.assertFalse(again["settlements"][0]["tax_registered"], "the imported settlement keeps its booking")

    def test_bad_input_is_refused(self):
        data = self.ws.mkdir("data")
        h.add_company(data, "acme", PASSWORD, mode="live")
        proc = h.check_cli("company", "set", "acme", "--tax-registered", "maybe", data_dir=data, expect=2)
        self.assertIn("--tax-registered must be yes or no", proc.stderr)
        proc = h.check_cli("tax-report", "--company", "acme", "--from", "2026-13-01", data_dir=data, expect=2)
        self.assertIn("--from must be a date YYYY-MM-DD", proc.stderr)
        proc = h.check_cli("tax-report", "--company", "acme", "--from", "2026-09-01", "--to", "2026-08-01",
                           data_dir=data, expect=2)
        self.assertIn("starts (2026-09-01) after it ends", proc.stderr)
        proc = h.check_cli("tax-report", "--company", "nobody", data_dir=data, expect=2)
        self.assertIn("nobody", proc.stderr)
        proc = h.check_cli("company", "set", "acme", "--transfer", "yes", data_dir=data, expect=2)
        self.assertIn("needs a bank account", proc.stderr)
        proc = h.check_cli("company", "set", "acme", "--bank-account", "Amazon Clearing", "--transfer", "yes",
                           data_dir=data, expect=2)
        self.assertIn("must not be the clearing account", proc.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
