#!/usr/bin/python3
"""The acceptance kit for a real QuickBooks (tools/qb-acceptance) run against the simulated QuickBooks through the
Web Connector emulator: the kit's QBWC endpoint hands out its prepared set, the emulator plays the Web Connector,
and the table says pass where the simulator answers what Settlebridge assumes.

Run: python3 tests/integration/qb_acceptance_test.py   (ctest: integration.qb_acceptance_test)
"""
import importlib.util
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest

from integration_support import SOURCE_DIR, bootstrap

bootstrap("lxml", "zeep")


from qbwc_emulator import session as qs  # noqa: E402
from quickbooks_sim import Company  # noqa: E402

KIT_PATH = os.path.join(SOURCE_DIR, "tools", "qb-acceptance", "qb_acceptance.py")
WSDL = os.path.join(SOURCE_DIR, "wsdl", "qbwc.wsdl")


def load_kit():
    spec = importlib.util.spec_from_file_location("qb_acceptance", KIT_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


kit_module = load_kit()


class AcceptanceKit(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def company(self, name, **options):
        path = os.path.join(self.tmp.name, name + ".json")
        Company.new(path, **options).save()
        return path

    def run_kit(self, state, password="kit-secret", user="sbx-acceptance"):
        self.runs = getattr(self, "runs", 0) + 1
        kit = kit_module.Kit(tag=f"T{self.runs:03d}", today="2026-11-30")
        server = kit_module.AcceptanceServer(user, "kit-secret", kit=kit).start()
        try:
            out = io.StringIO()
            session = qs.Session(url=server.url, user=user, password=password, company_state=state, wsdl=WSDL,
                                 client_version="2.3.0.36", faults=qs.FaultPlan(), noop_wait=0, timeout=20, out=out)
            code = session.run()
            self.assertTrue(server.done.wait(5) or code == qs.EXIT_NVU, out.getvalue())
        finally:
            server.close()
        if kit.rows:
            print("\n" + kit.table())
        return code, session.report, server.kit, out.getvalue()

    def rows(self, kit):
        return {r["check"]: r for r in kit.rows}

    def assert_hard_failures_are_only_the_intended_ones(self, state):
        failures = Company.load(state).hard_failures()
        kinds = sorted(f["kind"] for f in failures)
        # the two raw-text rows are meant to be refused as unparseable; the simulator does not model Group items
        self.assertEqual(kinds, ["not-ascii", "not-ascii", "unsupported"], failures)
        self.assertIn("ItemGroupAdd", [f for f in failures if f["kind"] == "unsupported"][0]["detail"])

    def test_us_company_every_construct_passes_and_the_cleanup_lists_what_was_added(self):
        state = self.company("us")
        code, report, kit, transcript = self.run_kit(state)
        self.assertEqual(code, qs.EXIT_INVALID_QBXML, transcript)   # the raw-text rows, on purpose
        self.assert_hard_failures_are_only_the_intended_ones(state)
        rows = self.rows(kit)
        must_pass = [
            "host", "tax codes of this edition",
            "text: e-acute as &#233; is stored as e-acute", "text: raw UTF-8 e-acute is refused as unparseable",
            "text: en dash as &#8211; is stored as ?", "text: raw en dash is refused as unparseable",
            "length: a 42-character customer name is answered 3070",
            "sales receipt: every element Settlebridge sends",
            "sales receipt: DepositToAccountRef to an other current asset (inferred: allowed)",
            "credit memo: negative-quantity lines", "refund: ARRefundCreditCardAdd out of the clearing account",
            "query back: the sales receipt by RefNumber", "query back: the credit memo has no credit left",
            "query back: the refund by RefNumber", "transfer: clearing account to bank",
            "numbering: the user's own receipt number", "numbering: a receipt in Settlebridge's RefNumber form",
            "numbering: the next receipt without a number",
            "numbering: Settlebridge's RefNumber does not seed the user's next number",
        ]
        for check in must_pass:
            self.assertIn(check, rows, sorted(rows))
            self.assertEqual(rows[check]["result"], "pass", rows[check])
        self.assertEqual(rows["foreign currency: credit memo with its rate"]["result"],
                         "not run: multicurrency is off in this company file")
        self.assertTrue(rows["group item named like a SKU on a receipt line is refused"]["result"].startswith("not run"))
        for check in ("tax-code route (experiment): fee tax on a journal entry line with ItemSalesTaxRef",
                      "tax-code route (experiment): the fee on a cheque with a taxable code on its expense line"):
            self.assertTrue(rows[check]["result"].startswith("not run: the tax-code route is the Canadian"), rows[check])
        self.assertFalse([r for r in kit.rows if r["result"] == "FAIL"], kit.rows)
        # What the simulated company holds is exactly what the kit says it added.
        c = Company.load(state)
        for kind, ref in (("SalesReceipt", kit.refn(0, "R")), ("CreditMemo", kit.refn(0, "C")),
                          ("ARRefundCreditCard", kit.refn(0, "P"))):
            self.assertEqual(c.add_count(kind, ref), 1, (kind, ref))
        self.assertEqual(c.balance("SBX Clearing"), 4423 + 300 - 1239 - 1000)   # receipts - refund - transfer
        table = kit.table()
        self.assertIn("How to delete what the check added", table)
        for _, name, _ in kit.added:
            self.assertIn(name, table)
        self.assertIn(f"SBX Caf\u00e9 {kit.tag}", [n for k, n, _ in kit.added if k == "Customer"])
        self.assertIn(f"SBX Dash ? {kit.tag}", [n for k, n, _ in kit.added if k == "Customer"])
        json.dumps(kit.report())

    def test_multicurrency_company_runs_the_foreign_refund_with_its_rate(self):
        path = os.path.join(self.tmp.name, "mc.json")
        c = Company.new(path)
        c.set_multicurrency(True, "US Dollar")
        c.save()
        code, report, kit, transcript = self.run_kit(path)
        rows = self.rows(kit)
        for check in ("foreign currency: credit memo with its rate", "foreign currency: refund with its rate",
                      "foreign currency: the refund keeps the stated rate",
                      "foreign currency: the deposit moved to the bank as a DepositAdd with its rate",
                      "foreign currency: a returned payout back into the home-currency asset as a DepositAdd with "
                      "its currency and rate"):
            self.assertEqual(rows[check]["result"], "pass", (rows[check], transcript))
        self.assertEqual([k for k, _, _ in kit.added].count("Deposit"), 2, kit.added)
        self.assertIn("Banking > Make Deposits", kit.table())
        self.assertFalse([r for r in kit.rows if r["result"] == "FAIL"], kit.rows)

    def test_a_second_run_finds_its_lists_and_adds_new_documents(self):
        state = self.company("again")
        self.run_kit(state)
        code, report, kit, transcript = self.run_kit(state)
        self.assertFalse([r for r in kit.rows if r["result"] == "FAIL"], kit.rows)

    def test_canadian_edition_uses_a_code_of_the_file(self):
        path = os.path.join(self.tmp.name, "ca.json")
        Company.new(path, country="CA").save()
        code, report, kit, transcript = self.run_kit(path)
        rows = self.rows(kit)
        names = [c["name"] for c in Company.load(path).state["sales_tax_codes"]]
        row = rows["tax codes of this edition"]
        self.assertEqual(kit.country, "CA")
        # the simulated Canadian file has G, H (taxable), E, Z (not): the kit posts every document with E, and
        # QuickBooks (at 5 % sales tax on) adds no tax to them, so every total matches
        self.assertNotIn("Non", names)
        self.assertEqual(row["result"], "pass", row)
        self.assertEqual(kit.tax_code, "E")
        self.assertFalse([r for r in kit.rows if r["result"] == "FAIL"], kit.rows)
        self.assertEqual(rows["sales receipt: every element Settlebridge sends"]["result"], "pass")
        # The tax-code experiment runs on the Canadian file: both forms added (the simulator computes no tax on
        # them), their answers reported for a person to judge, listed for deletion.
        journal = rows["tax-code route (experiment): fee tax on a journal entry line with ItemSalesTaxRef"]
        cheque = rows["tax-code route (experiment): the fee on a cheque with a taxable code on its expense line"]
        for row in (journal, cheque):
            self.assertEqual(row["result"], "see observed", row)
            self.assertTrue(row["observed"].startswith("added, total"), row)
        self.assertIn("JournalDebitLine Sales Tax Payable 1.30", journal["observed"])
        self.assertEqual(kit.tax_item, "GST")
        c = Company.load(path)
        added = [(t["kind"], t.get("ref_number")) for t in c.state["transactions"]]
        self.assertEqual(added.count(("JournalEntry", kit.refn(5, "J"))), 1)
        self.assertEqual(added.count(("Check", kit.refn(5, "K"))), 1)
        self.assertEqual(c.trial_balance(), 0)
        self.assertEqual({k for k, _, _ in kit.added} & {"JournalEntry", "Check"}, {"JournalEntry", "Check"})
        self.assertIn("Make General Journal Entries", kit.table())

    def test_wrong_password_adds_nothing(self):
        state = self.company("nvu")
        code, report, kit, transcript = self.run_kit(state, password="wrong")
        self.assertEqual(code, qs.EXIT_NVU)
        self.assertEqual(kit.rows, [])
        self.assertEqual(Company.load(state).documents(), [])

    def test_command_line_writes_the_qwc_and_refuses_without_a_password(self):
        r = subprocess.run([sys.executable, KIT_PATH, "--qwc", os.path.join(self.tmp.name, "x.qwc")],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--password", r.stderr)
        text = kit_module.qwc("http://localhost:8765/qbwc", "sbx-acceptance")
        self.assertIn("<AppURL>http://localhost:8765/qbwc</AppURL>", text)
        self.assertIn("<UserName>sbx-acceptance</UserName>", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
