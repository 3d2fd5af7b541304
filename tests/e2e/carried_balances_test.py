#!/usr/bin/python3
"""Carried balances clear (issue 15 part 1, docs/ACCOUNTING.md section 14), end to end with project-made settlements
(tools/generate_settlement.py): each settlement imported and posted in order through the Web Connector emulator to
the simulated QuickBooks, with the transfer option on; the bookkeeper enters the card charges and the micro-deposit
exactly as the document says (Enter Credit Card Charges / Make Deposits coded to Amazon Reserved Balances). Then
Amazon Clearing and Amazon Reserved Balances are both 0.00, Clearing moved by exactly each settlement's deposit (0.00
for a negative one), and the bank account equals what the bank statement shows.

Cases: the equivalent of the three real CA settlements (negative with a card charge inside it, negative collected by
Payable to Amazon + card, positive with a micro-deposit); a debt deducted from the next payout with no card charge;
India's partial Debt adjustment followed by a settlement that collects the rest; a payout the bank returned after its
transfer (Failed disbursement); a negative settlement split at a month end. The real CA files themselves:
carried_balances_fixtures_test.py (optional).

Run: SETTLEBRIDGE_BIN=build/daemon/app/settlebridge /usr/bin/python3 tests/e2e/carried_balances_test.py
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bookkeeper as bk  # noqa: E402
import harness as h  # noqa: E402

PASSWORD = "correct horse battery"


class CarriedBalances:
    """One company with the transfer option on, a simulated QuickBooks with the seller's bank and card accounts, and
    a running daemon; post() imports one settlement and runs the Web Connector until nothing is left."""

    def __init__(self, test, ws, split_months=False):
        self.test = test
        self.ws = ws
        self.data = ws.mkdir("data")
        h.add_company(self.data, "acme", PASSWORD, mode="live")
        h.check_cli("company", "set", "acme", "--bank-account", bk.BANK, "--transfer", "yes", data_dir=self.data)
        self.qb = h.new_qb_company(ws.path("acme.json"))
        bk.add_card_account(self.qb)
        self.split = ["--split-months"] if split_months else []
        self.daemon = h.Daemon(self.data)
        self.daemon.__enter__()
        self.summaries = []
        self.entries = []

    def close(self):
        self.daemon.__exit__(None, None, None)

    def post(self, path):
        h.import_file(self.data, "acme", path, extra=self.split)
        h.run_until_done(self.daemon.url, "acme", PASSWORD, self.qb)
        summary = h.summarize(path, tuple(self.split))
        self.summaries.append(summary)
        self.entries.append((path, tuple(self.split)))
        problems = h.ledger_problems(self.qb, self.entries, self.data, "acme")
        # With the transfer option on, Clearing is emptied into the bank: the balances are asserted by the tests.
        problems = [p for p in problems if not p.startswith(h.CLEARING + " balance")]
        self.test.assertEqual(problems, [], "\n".join(problems))
        return summary

    def reserved(self):
        return bk.balance(self.qb, bk.RESERVED)

    def clearing(self):
        return bk.balance(self.qb, h.CLEARING)

    def bank(self):
        return bk.balance(self.qb, bk.BANK)

    def check_end(self, bank_statement_cents):
        """Both accounts clear, Clearing moved by exactly each deposit, the bank equals its statement."""
        t = self.test
        t.assertEqual(self.reserved(), 0, "Amazon Reserved Balances must return to 0.00")
        t.assertEqual(self.clearing(), 0, "Amazon Clearing must be 0.00 once every deposit is transferred")
        moved = bk.movements(self.qb, h.CLEARING)
        for s in self.summaries:
            want = max(s["deposit_cents"], 0)
            t.assertEqual(moved.get(s["settlement_id"], 0), want,
                          f"Amazon Clearing moved by settlement {s['settlement_id']}'s documents")
            if s["deposit_cents"] < 0:
                t.assertEqual(s["carried_balance_account"], bk.RESERVED)
                t.assertEqual(bk.movements(self.qb, bk.RESERVED).get(s["settlement_id"], 0) != 0, True)
        t.assertEqual(self.bank(), bank_statement_cents, "the bank account must equal the bank statement")
        company = h.load_qb(self.qb)
        t.assertEqual(company.trial_balance(), 0)
        t.assertEqual(company.hard_failures(), [])
        t.assertTrue(all(n == 1 for (kind, ref), n in company.add_counts().items() if ref is not None),
                     company.add_counts())
        t.assertEqual(len(company.documents("Transfer")),
                      sum(1 for s in self.summaries if s["deposit_cents"] > 0) +
                      sum(1 for s in self.summaries for r in s["returned_payouts"] if r["amount_cents"] > 0))
        t.assertEqual(company.customer_balance(h.CUSTOMER), 0)


class CarriedBalancesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        h.require_binary()

    def setUp(self):
        self.ws = h.Workspace()
        self.addCleanup(self.ws.cleanup)

    def books(self, split_months=False):
        books = CarriedBalances(self, self.ws, split_months)
        self.addCleanup(books.close)
        return books

    def gen(self, name, *args, **kwargs):
        return bk.generate(self.ws.path(name + ".txt"), *args, **kwargs)

    def test_the_three_ca_settlements_project_made(self):
        """Negative with a card charge inside it → negative collected by Payable + card → paid out with a
        micro-deposit: the same shape as 23874396421 → 23874397121 → 24288684721."""
        books = self.books()
        first = self.gen("s1", "31000000001", "2026-06-05", days=56, rows=[
            bk.row("Inbound Transportation Fee", -32169, "2026-07-31 20:13:08"),
            bk.row("Subscription Fee", -3209, "2026-06-06 01:00:00"),
            bk.row("Successful charge", 3209, "2026-06-06 02:00:00")])
        s1 = books.post(first)
        self.assertEqual(s1["deposit_cents"], -32169)
        self.assertEqual(books.clearing(), 0)
        self.assertEqual(books.reserved(), -32169 - 3209)
        bk.card_charge(books.qb, "2026-06-06", 3209)
        self.assertEqual(books.reserved(), -32169)

        second = self.gen("s2", "31000000002", "2026-07-31", orders=1, rows=[
            bk.row("Payable to Amazon", -32169, "2026-08-01 00:00:00"),
            bk.row("Successful charge", 32169, "2026-08-01 01:00:00"),
            bk.row("Subscription Fee", -3209, "2026-08-01 02:00:00")],
            extra=["--ad-spend", "11600", "--ad-tax-rate", "13"])
        s2 = books.post(second)
        owed = -s2["deposit_cents"]
        self.assertGreater(owed, 0, "the second settlement must end negative")
        self.assertEqual(books.clearing(), 0)
        self.assertEqual(books.reserved(), -32169 - owed)
        bk.card_charge(books.qb, "2026-08-02", 32169)
        self.assertEqual(books.reserved(), -owed)

        third = self.gen("s3", "31000000003", "2026-08-14", orders=25, rows=[
            bk.row("Payable to Amazon", -owed, "2026-08-15 00:00:00"),
            bk.row("Successful charge", owed, "2026-08-15 01:00:00"),
            bk.row("Micro Deposit", -1, "2026-08-16 00:00:00")])
        s3 = books.post(third)
        self.assertGreater(s3["deposit_cents"], 0)
        self.assertEqual(books.clearing(), 0, "the transfer moved the deposit to the bank")
        self.assertEqual(books.reserved(), -owed + 1)
        bk.card_charge(books.qb, "2026-08-16", owed)
        bk.bank_deposit(books.qb, "2026-08-13", 1)
        books.check_end(s3["deposit_cents"] + 1)
        # The only transfer is the third settlement's deposit.
        self.assertEqual([(t[1], t[2], t[3]) for t in bk.transfers(books.qb)],
                         [(h.CLEARING, bk.BANK, s3["deposit_cents"])])

    def test_debt_deducted_from_the_next_payout_without_a_card_charge(self):
        books = self.books()
        s1 = books.post(self.gen("d1", "31000000011", "2026-09-01", rows=[
            bk.row("Subscription Fee", -3999), bk.row("Storage Fee", -11140)]))
        self.assertEqual(s1["deposit_cents"], -15139)
        self.assertEqual(books.reserved(), -15139)
        s2 = books.post(self.gen("d2", "31000000012", "2026-09-15", orders=30, rows=[
            bk.row("Payable to Amazon", -15139)]))
        self.assertGreater(s2["deposit_cents"], 0)
        # Nothing for the bookkeeper to enter: the debt came out of the payout.
        books.check_end(s2["deposit_cents"])

    def test_india_partial_debt_adjustment_then_the_rest_collected(self):
        books = self.books()
        india = dict(marketplace="Amazon.in", currency="INR")
        s1 = books.post(self.gen("i1", "31000000021", "2026-05-01", rows=[
            bk.row("TransactionTotalAmount", -100000, transaction_type="ServiceFee",
                   amount_type="Cost of Advertising")], **india))
        self.assertEqual(s1["deposit_cents"], -100000)
        s2 = books.post(self.gen("i2", "31000000022", "2026-05-15", rows=[
            bk.row("Payable to Amazon", -100000),
            bk.row("Debt adjustment against Electronic Transaction (Credit Card/Net Banking/GC) Accounts", 50000,
                   transaction_type="Debt Adjustment", amount_type="Debt Adjustment"),
            bk.row("TransactionTotalAmount", -58063, transaction_type="ServiceFee",
                   amount_type="Cost of Advertising")], **india))
        self.assertEqual(s2["deposit_cents"], -108063)
        # The 500.00 Amazon took from the seller's card or net banking: coded to Amazon Reserved Balances.
        bk.card_charge(books.qb, "2026-05-20", 50000, memo="Amazon debt adjustment (net banking)")
        self.assertEqual(books.reserved(), -108063)
        s3 = books.post(self.gen("i3", "31000000023", "2026-05-29", orders=40, rows=[
            bk.row("Payable to Amazon", -108063)], **india))
        self.assertGreater(s3["deposit_cents"], 0)
        books.check_end(s3["deposit_cents"])

    def test_a_payout_the_bank_returned_after_its_transfer(self):
        books = self.books()
        s1 = books.post(self.gen("f1", "31000000031", "2026-03-01", orders=20))
        paid = s1["deposit_cents"]
        self.assertGreater(paid, 0)
        self.assertEqual(books.bank(), paid)  # transferred; then the bank returns it
        s2 = books.post(self.gen("f2", "31000000032", "2026-03-15", orders=20, seed=8, rows=[
            bk.row("Failed disbursement", paid, "2026-03-18 17:00:00")]))
        self.assertEqual(s2["returned_payouts"], [{"date": "2026-03-18", "amount_cents": paid}])
        moves = [(t[0], t[1], t[2], t[3]) for t in bk.transfers(books.qb)]
        self.assertIn(("2026-03-18", bk.BANK, bk.RESERVED, paid), moves)
        # The statement shows the second payout only (the first one came back): so must the bank account.
        books.check_end(s2["deposit_cents"])

    def test_a_negative_settlement_split_at_a_month_end(self):
        books = self.books(split_months=True)
        path = self.gen("m1", "31000000041", "2026-09-24", orders=3, rows=[
            bk.row("WAREHOUSE_DAMAGE", 1525, "2026-09-25 19:00:00", amount_type="FBA Inventory Reimbursement"),
            bk.row("Storage Fee", -90000, "2026-10-05 12:00:00")])
        s1 = books.post(path)
        self.assertLess(s1["deposit_cents"], 0)
        self.assertEqual(len(s1["parts"]), 2, s1["parts"])
        # Every part's documents went through Amazon Reserved Balances, September's included.
        company = h.load_qb(books.qb)
        self.assertGreaterEqual(len(company.documents("SalesReceipt")), 1, "September's part is a sales receipt")
        for d in company.documents():
            if d["kind"] in ("SalesReceipt", "ARRefundCreditCard"):
                self.assertEqual(d["account"], bk.RESERVED, d)
        self.assertEqual(books.clearing(), 0)
        self.assertEqual(books.reserved(), s1["deposit_cents"])
        s2 = books.post(self.gen("m2", "31000000042", "2026-10-08", orders=60, rows=[
            bk.row("Payable to Amazon", s1["deposit_cents"])]))
        self.assertGreater(s2["deposit_cents"], 0)
        books.check_end(s2["deposit_cents"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
