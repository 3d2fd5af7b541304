#!/usr/bin/python3
"""End to end over loopback: the US and the Canadian editions of QuickBooks Desktop, and the one exchange rate of a
foreign-currency settlement (docs/POSTING.md, "Editions", "Exchange rates").

- Every fixture settlement posts exactly once on a Canadian company file (its own sales tax codes, sales tax on at
  5 %: a line without the exempt code would be taxed and its total would differ), multicurrency on with CAD at home,
  the INR settlement at QuickBooks' rate frozen for its receipt, credit memo and refund. (tests/e2e/posting_test.py
  posts them on the US file.)
- A code the file does not have holds the receipts and credit memos before anything is sent; once QuickBooks has a
  non-taxable default code, approving posts them with it.
- A foreign-currency settlement whose currency has no rate, or an old one, is held before anything is sent; the
  bookkeeper's rate at approval (or QuickBooks' updated rate) is frozen for all its documents, and the
  home-currency ledger uses it. Bad rates are refused at approval. The transfer of a foreign deposit is a DepositAdd
  at that rate (TransferAdd carries none), posted once even when its answer is lost, and the accounts reconcile.

Run: SETTLEBRIDGE_BIN=build/daemon/app/settlebridge /usr/bin/python3 tests/e2e/editions_test.py
(ctest: e2e.editions_test)
"""
import json
import os
import sqlite3
import sys
import unittest
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bookkeeper as bk  # noqa: E402
import harness as h  # noqa: E402
from quickbooks_sim import money as qb_money  # noqa: E402

PASSWORD = "correct horse battery"
CAD_REPORT = os.path.join(h.MADE_DIR, "v1_CA_CAD_90000000013_refund_ads_micro-deposit_warehouse-damage.txt")
USD_REPORT = os.path.join(h.SOURCE_DIR, "tools", "samples", "us_usd_25000000017.txt")
CLEARING_CAD = h.CLEARING + " CAD"
CUSTOMER_CAD = h.CUSTOMER + " CAD"


def end_of(path):
    return h.summarize(path)["parts"][-1]["txn_date"]


def company_entry(data_dir, name):
    listing = json.loads(h.check_cli("company", "list", "--format", "json", data_dir=data_dir).stdout)
    return next(c for c in listing["companies"] if c["name"] == name)


class CanadianEditionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        h.require_binary()
        if len(h.FIXTURES) != 8:
            raise AssertionError(f"expected the 8 project-made settlements, found {len(h.FIXTURES)}")

    def setUp(self):
        self.ws = h.Workspace()
        self.addCleanup(self.ws.cleanup)

    def test_every_fixture_posts_exactly_once_on_a_canadian_file(self):
        data = self.ws.mkdir("data")
        h.add_company(data, "maple", PASSWORD)
        for path in h.FIXTURES:
            h.import_file(data, "maple", path)
        qb = h.new_qb_company(self.ws.path("maple.json"), country="CA", multicurrency=True,
                              home_currency="Canadian Dollar")
        foreign = {}
        with h.open_locked(qb) as company:
            for path in h.FIXTURES:
                s = h.summarize(path)
                if s["currency"] != "CAD":
                    company.set_exchange_rate(s["currency"], "0.0163", end_of(path))
                    foreign[s["settlement_id"]] = s
        self.assertEqual([s["currency"] for s in foreign.values()], ["INR"])

        with h.Daemon(data) as daemon:
            results = h.run_until_done(daemon.url, "maple", PASSWORD, qb)
        self.assertEqual(results[-1].auth_status, "none")
        for d in h.documents(data, "maple"):
            self.assertEqual(d["state"], "posted", d)

        company = h.load_qb(qb)
        self.assertEqual(company.hard_failures(), [], "no request the Canadian edition cannot parse")
        self.assertTrue(all(n == 1 for n in company.add_counts().values()), company.add_counts())
        expected = h.expected_documents(h.FIXTURES)
        docs = {(d["kind"], d["ref_number"]): d for d in company.documents()}
        self.assertEqual(set(expected), {k for k in docs if k[0] in ("SalesReceipt", "CreditMemo")})
        for key, total in expected.items():
            self.assertEqual(docs[key]["total_cents"], total, f"{key}: QuickBooks added no tax")
            self.assertEqual(docs[key]["tax_cents"], 0, key)
        self.assertEqual(company.trial_balance(), 0)

        # CAD settlements in the home currency; the INR one in INR at the one rate QuickBooks had.
        inr = next(iter(foreign.values()))
        inr_refs = {d["ref_number"] for d in inr["documents"]}
        inr_memos = {docs[("CreditMemo", r)]["txn_id"] for r in inr_refs if ("CreditMemo", r) in docs}
        for doc in company.documents():
            in_inr = doc["ref_number"] in inr_refs or any(a["txn_id"] in inr_memos for a in doc["applied_to"])
            self.assertEqual(doc["currency"], "INR" if in_inr else "CAD", doc)
            self.assertEqual(doc["exchange_rate"], "0.0163" if in_inr else None, doc)
        balances = company.balances_by_currency()
        cad_reports = [p for p in h.FIXTURES if h.summarize(p)["currency"] == "CAD"]
        self.assertEqual(balances["CAD"][h.CLEARING], h.expected_clearing_balance(cad_reports))
        # The INR settlement's total is negative: it is booked through Amazon Reserved Balances, a home-currency
        # account (docs/ACCOUNTING.md section 14), so no INR clearing account is made or moved.
        self.assertLess(inr["deposit_cents"], 0)
        self.assertEqual(h.settlement_account(inr), "Amazon Reserved Balances")
        self.assertNotIn(h.CLEARING + " INR", balances.get("INR", {}))
        self.assertEqual(company.customer_balance(h.CUSTOMER), 0)
        self.assertEqual(company.customer_balance(h.CUSTOMER + " INR"), 0)

        # What Settlebridge shows about the company file.
        entry = company_entry(data, "maple")
        self.assertEqual((entry["edition"], entry["sales_tax_code"]), ("CA", "E"))
        text = h.check_cli("company", "list", data_dir=data).stdout
        self.assertIn("edition CA\ttax code E", text)

    def test_a_code_the_file_does_not_have_holds_receipts_and_credit_memos_before_anything_is_sent(self):
        cad = h.summarize(CAD_REPORT)
        data = self.ws.mkdir("data")
        h.add_company(data, "maple", PASSWORD)
        h.import_file(data, "maple", CAD_REPORT)
        qb = h.new_qb_company(self.ws.path("maple.json"), country="CA")
        with h.open_locked(qb) as company:
            company.set_default_tax_codes(non_taxable="")  # no default non-taxable code: Settlebridge keeps "Non"

        with h.Daemon(data) as daemon:
            first = h.run_until_done(daemon.url, "maple", PASSWORD, qb)[0]
            self.assertEqual(first.code, h.EXIT_OK, first)
            self.assertIn("held", first.report["close_result"])
            for d in h.documents(data, "maple"):
                if d["kind"] == "refund_payment":
                    self.assertEqual(d["state"], "queued", "waits for its credit memo")
                    continue
                self.assertEqual((d["state"], d["hold_reason"]), ("held", "tax-code"), d)
                self.assertIn('The sales tax code "Non" that Settlebridge writes on every line', d["last_error"])
                self.assertIn("code list (E (non-taxable), G (taxable), H (taxable), Z (non-taxable))",
                              d["last_error"])
            company = h.load_qb(qb)
            self.assertEqual(company.documents(), [], "nothing posted")
            self.assertIsNone(company.find_customer(h.CUSTOMER), "nothing created either")
            self.assertEqual([i["type"] for i in company.state["items"]], ["ItemSalesTax"], "only QuickBooks' own")
            self.assertEqual(company.hard_failures(), [])
            self.assertEqual(company_entry(data, "maple")["sales_tax_code"], "Non")

            # The bookkeeper sets a non-taxable default code in QuickBooks and approves: it posts with that code.
            with h.open_locked(qb) as live:
                live.set_default_tax_codes(non_taxable="Z")
            h.approve(data, "maple", cad["settlement_id"])
            h.run_until_done(daemon.url, "maple", PASSWORD, qb)
        for d in h.documents(data, "maple"):
            self.assertEqual(d["state"], "posted", d)
        self.assertEqual(company_entry(data, "maple")["sales_tax_code"], "Z")
        company = h.load_qb(qb)
        self.assertEqual(h.ledger_problems(qb, [CAD_REPORT]), [])
        self.assertTrue(all(d["tax_cents"] == 0 for d in company.documents()))


class ExchangeRateTest(unittest.TestCase):
    """A US company file with multicurrency on (USD at home) and a CAD settlement."""

    @classmethod
    def setUpClass(cls):
        h.require_binary()
        if not os.path.exists(CAD_REPORT):
            raise AssertionError(f"{CAD_REPORT} is missing")

    def setUp(self):
        self.ws = h.Workspace()
        self.addCleanup(self.ws.cleanup)
        self.cad = h.summarize(CAD_REPORT)
        self.data = self.ws.mkdir("data")
        h.add_company(self.data, "globex", PASSWORD)
        h.import_file(self.data, "globex", CAD_REPORT)
        self.qb = h.new_qb_company(self.ws.path("globex.json"), multicurrency=True, home_currency="US Dollar")

    def assert_held_before_anything_is_sent(self, text):
        for d in h.documents(self.data, "globex"):
            if d["kind"] == "refund_payment":
                self.assertEqual(d["state"], "queued", "waits for its credit memo")
                continue
            self.assertEqual((d["state"], d["hold_reason"]), ("held", "exchange-rate"), d)
            self.assertIn(text, d["last_error"])
            self.assertIn(f"settlebridge approve {self.cad['settlement_id']} --company globex --exchange-rate RATE",
                          d["last_error"])
        company = h.load_qb(self.qb)
        self.assertEqual(company.documents(), [])
        self.assertIsNone(company.find_customer(CUSTOMER_CAD))
        self.assertIsNone(company.find_account(CLEARING_CAD))
        self.assertEqual(company.hard_failures(), [])

    def assert_posted_at(self, rate):
        for d in h.documents(self.data, "globex"):
            self.assertEqual(d["state"], "posted", d)
        company = h.load_qb(self.qb)
        self.assertTrue(all(n == 1 for n in company.add_counts().values()), company.add_counts())
        kinds = sorted(d["kind"] for d in company.documents())
        self.assertEqual(kinds, ["ARRefundCreditCard", "CreditMemo", "SalesReceipt"])
        for doc in company.documents():
            self.assertEqual((doc["currency"], doc["exchange_rate"]), ("CAD", rate), doc)
        # The ledger in the home currency uses the stated rate (rounded per posting).
        self.assertEqual(company.balance(CLEARING_CAD), self.cad["deposit_cents"])
        converted = company.home_balance(CLEARING_CAD)
        want = self.cad["deposit_cents"] * float(rate)
        self.assertLessEqual(abs(converted - want), 2, (converted, want))
        self.assertEqual(company.trial_balance(), 0)
        return company

    def test_no_rate_holds_and_the_bookkeepers_rate_is_frozen_for_every_document(self):
        sid = self.cad["settlement_id"]
        with h.Daemon(self.data) as daemon:
            first = h.run_until_done(daemon.url, "globex", PASSWORD, self.qb)[0]
            self.assertEqual(first.code, h.EXIT_OK, first)
            self.assert_held_before_anything_is_sent(
                "QuickBooks has no exchange rate for Canadian Dollar (CAD) in its currency list")

            # Refused rates change nothing.
            for bad in ("0", "-0.7", "0,74", "1e-1", "12345678901"):
                proc = h.cli("approve", sid, "--company", "globex", "--exchange-rate", bad, data_dir=self.data)
                self.assertNotEqual(proc.returncode, 0, bad)
                self.assertIn("is not a positive decimal such as 0.7312", proc.stderr, bad)
            self.assertTrue(all(d["state"] != "queued" or d["kind"] == "refund_payment"
                                for d in h.documents(self.data, "globex")))

            out = h.check_cli("approve", sid, "--company", "globex", "--exchange-rate", "0.74090",
                              data_dir=self.data).stdout
            self.assertIn("exchange rate 1 CAD = 0.7409 USD (set at approval by the command line)", out)
            h.run_until_done(daemon.url, "globex", PASSWORD, self.qb)
        self.assert_posted_at("0.7409")
        # Once documents are in QuickBooks, the rate cannot change.
        proc = h.cli("approve", sid, "--company", "globex", "--exchange-rate", "0.8", data_dir=self.data)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("already has documents in QuickBooks at 1 CAD = 0.7409 USD", proc.stderr)

    def test_an_old_rate_holds_and_quickbooks_updated_rate_is_frozen(self):
        end = end_of(CAD_REPORT)
        with h.open_locked(self.qb) as company:
            company.set_exchange_rate("CAD", "0.7001", "2020-01-02")
        with h.Daemon(self.data) as daemon:
            h.run_until_done(daemon.url, "globex", PASSWORD, self.qb)
            self.assert_held_before_anything_is_sent(
                "QuickBooks' exchange rate for Canadian Dollar (CAD) is 0.7001 as of 2020-01-02")
            held = next(d for d in h.documents(self.data, "globex") if d["kind"] == "receipt")
            self.assertIn(f"before the end of settlement {self.cad['settlement_id']} ({end}); the limit is 7 days "
                          "(setting exchange-rate-max-age-days)", held["last_error"])

            with h.open_locked(self.qb) as company:
                company.set_exchange_rate("CAD", "0.7312", end)
            out = h.approve(self.data, "globex", self.cad["settlement_id"])
            self.assertNotIn("exchange rate", out, "QuickBooks' rate is read at the next run")
            h.run_until_done(daemon.url, "globex", PASSWORD, self.qb)
        self.assert_posted_at("0.7312")
        # Changing QuickBooks' rate later changes nothing for this settlement: its rate is frozen.
        db = sqlite3.connect(os.path.join(self.data, "settlebridge.db"))
        try:
            rows = db.execute("SELECT currency, home_currency, rate, as_of, source FROM settlement_rates").fetchall()
        finally:
            db.close()
        self.assertEqual(rows, [("CAD", "USD", "0.7312", end, "quickbooks")])

    def test_the_age_limit_is_a_setting_and_home_currency_settlements_take_no_rate(self):
        with h.open_locked(self.qb) as company:
            company.set_exchange_rate("CAD", "0.7312", "2020-01-02")
        h.check_cli("company", "set", "globex", "--exchange-rate-max-age-days", "3650", data_dir=self.data)
        self.assertEqual(company_entry(self.data, "globex")["exchange_rate_max_age_days"], 3650)
        bad = h.cli("company", "set", "globex", "--exchange-rate-max-age-days", "-1", data_dir=self.data)
        self.assertEqual(bad.returncode, 2, bad.stderr)
        h.import_file(self.data, "globex", USD_REPORT)
        usd = h.summarize(USD_REPORT)
        with h.Daemon(self.data) as daemon:
            h.run_until_done(daemon.url, "globex", PASSWORD, self.qb)
            proc = h.cli("approve", usd["settlement_id"], "--company", "globex", "--exchange-rate", "1.2",
                         data_dir=self.data)
            self.assertNotEqual(proc.returncode, 0)
            self.assertIn("is in USD, the company file's home currency: it takes no exchange rate", proc.stderr)
        company = h.load_qb(self.qb)
        for doc in company.documents():
            self.assertEqual(doc["exchange_rate"], "0.7312" if doc["currency"] == "CAD" else None, doc)
        self.assertEqual(len(company.documents("SalesReceipt")), 2)

    def test_the_transfer_of_a_foreign_deposit_is_a_deposit_at_its_rate_posted_once_and_reconciled(self):
        """With the transfer option on, a CAD settlement in a USD company file: its receipt and credit memo at
        QuickBooks' rate, and its deposit moved from the CAD clearing account to the CAD bank account with a
        DepositAdd at the same rate (a TransferAdd carries none). The DepositAdd's answer is lost once (QuickBooks ran
        it): the next run finds it by its date and ExternalGUID, and nothing is added twice."""
        data = self.ws.mkdir("transfer")
        h.add_company(data, "initech", PASSWORD)
        h.check_cli("company", "set", "initech", "--bank-account", "Checking", "--transfer", "yes", data_dir=data)
        h.import_file(data, "initech", CAD_REPORT)
        h.import_file(data, "initech", USD_REPORT)
        usd = h.summarize(USD_REPORT)
        with h.open_locked(self.qb) as company:
            company.set_exchange_rate("CAD", "0.7312", end_of(CAD_REPORT))
            company.add_answer_rule("DepositAddRq", "hresult", times=1, apply=True, hresult="0x80040402",
                                    message="Unexpected error.")
        with h.Daemon(data) as daemon:
            # The session whose DepositAdd got no answer ends with QuickBooks' error; the next ones finish.
            results = h.run_until_done(daemon.url, "initech", PASSWORD, self.qb,
                                       allowed=(h.EXIT_OK, h.EXIT_SERVER_ERROR))
            self.assertEqual([r.code for r in results].count(h.EXIT_SERVER_ERROR), 1, results)
            self.assertEqual(h.run_until_done(daemon.url, "initech", PASSWORD, self.qb)[-1].auth_status, "none")
        docs = h.documents(data, "initech")
        for d in docs:
            self.assertEqual(d["state"], "posted", d)
        transfers = {d["settlement_id"]: d for d in docs if d["kind"] == "transfer"}
        self.assertEqual(set(transfers), {self.cad["settlement_id"], usd["settlement_id"]})

        company = h.load_qb(self.qb)
        self.assertEqual(company.hard_failures(), [])
        log = company.request_log()
        self.assertEqual(len([e for e in log if e["type"] == "DepositAddRq"]), 1, "sent once; its answer was lost")
        self.assertEqual(len([e for e in log if e["type"] == "DepositQueryRq"]), 1, "looked up once")
        self.assertTrue(all(n == 1 for n in company.add_counts().values()), company.add_counts())
        # The USD deposit moves with a TransferAdd; the CAD one with one DepositAdd at the settlement's rate.
        self.assertEqual([t["currency"] for t in company.documents("Transfer")], ["USD"])
        deposits = company.documents("Deposit")
        self.assertEqual(len(deposits), 1, deposits)
        deposit = deposits[0]
        cents = self.cad["deposit_cents"]
        self.assertEqual((deposit["currency"], deposit["exchange_rate"], deposit["account"], deposit["txn_date"]),
                         ("CAD", "0.7312", "Checking CAD", self.cad["deposit_date"]))
        self.assertEqual(deposit["lines"], [{"account": CLEARING_CAD, "amount_cents": cents}])
        self.assertEqual(transfers[self.cad["settlement_id"]]["qb_txn_id"], deposit["txn_id"])
        self.assertTrue(all(d["exchange_rate"] == "0.7312" for d in company.documents() if d["currency"] == "CAD"))
        # Reconciled: the clearing accounts are back to zero, each bank account holds its deposit; the bank's
        # home-currency value is the deposit at the settlement's rate.
        self.assertEqual((company.balance(CLEARING_CAD), company.balance("Checking CAD")), (0, cents))
        self.assertEqual((company.balance(h.CLEARING), company.balance("Checking")), (0, usd["deposit_cents"]))
        self.assertEqual(company.account_currency("Checking CAD"), "CAD")
        self.assertEqual(company.home_balance("Checking CAD"),
                         qb_money.round_cents(Decimal(cents) / 100 * Decimal("0.7312")))
        self.assertEqual(company.customer_balance(CUSTOMER_CAD), 0)
        self.assertEqual(company.trial_balance(), 0)

    def test_a_returned_foreign_payout_goes_back_as_a_deposit_at_its_rate_posted_once_and_reconciled(self):
        """With the transfer option on, two CAD settlements in a USD company file: the first pays out and its deposit
        moves to the CAD bank account; the bank returns it, and the second carries Failed disbursement +the payout
        and pays out again. The move back (bank → the home-currency Amazon Reserved Balances) is a DepositAdd of CAD
        funds (CurrencyRef) at the second settlement's rate, the one its Failed disbursement line was booked at
        (docs/ACCOUNTING.md section 14). Its answer is lost once (QuickBooks ran it): found again by its date and
        ExternalGUID, never added twice. Then the CAD bank account equals the bank statement and Reserved Balances
        is 0.00."""
        data = self.ws.mkdir("returned")
        h.add_company(data, "hooli", PASSWORD)
        h.check_cli("company", "set", "hooli", "--bank-account", bk.BANK, "--transfer", "yes", data_dir=data)
        first = bk.generate(self.ws.path("r1.txt"), "31000000051", "2026-03-01", orders=20)
        s1 = h.summarize(first)
        paid = s1["deposit_cents"]
        self.assertGreater(paid, 0)
        with h.open_locked(self.qb) as company:
            company.set_exchange_rate("CAD", "0.7312", end_of(first))
        h.import_file(data, "hooli", first)
        with h.Daemon(data) as daemon:
            h.run_until_done(daemon.url, "hooli", PASSWORD, self.qb)
            self.assertEqual(bk.balance(self.qb, "Checking CAD"), paid, "moved to the bank; then the bank returns it")

            second = bk.generate(self.ws.path("r2.txt"), "31000000052", "2026-03-15", orders=20, seed=8, rows=[
                bk.row("Failed disbursement", paid, "2026-03-18 17:00:00")])
            s2 = h.summarize(second)
            self.assertEqual(s2["returned_payouts"], [{"date": "2026-03-18", "amount_cents": paid}])
            self.assertGreater(s2["deposit_cents"], 0)
            with h.open_locked(self.qb) as company:
                company.set_exchange_rate("CAD", "0.7100", end_of(second))
                # The second DepositAdd of this settlement (its move back, after its deposit's move) loses its answer.
                company.add_answer_rule("DepositAddRq", "hresult", times=1, skip=1, apply=True, hresult="0x80040402",
                                        message="Unexpected error.")
            h.import_file(data, "hooli", second)
            results = h.run_until_done(daemon.url, "hooli", PASSWORD, self.qb, allowed=(h.EXIT_OK, h.EXIT_SERVER_ERROR))
            self.assertEqual([r.code for r in results].count(h.EXIT_SERVER_ERROR), 1, results)
            self.assertEqual(h.run_until_done(daemon.url, "hooli", PASSWORD, self.qb)[-1].auth_status, "none")

        docs = h.documents(data, "hooli")
        for d in docs:
            self.assertEqual(d["state"], "posted", d)
        back = next(d for d in docs if d["settlement_id"] == s2["settlement_id"] and d["kind"] == "transfer"
                    and d["txn_date"] == "2026-03-18")
        self.assertEqual((back["expected_total_cents"], back["resends"]), (paid, 0), back)

        company = h.load_qb(self.qb)
        self.assertEqual(company.hard_failures(), [])
        self.assertEqual(company.documents("Transfer"), [], "no TransferAdd between two currencies")
        log = company.request_log()
        self.assertEqual(len([e for e in log if e["type"] == "DepositAddRq"]), 3,
                         "the two deposits' moves and the move back, each sent once")
        self.assertEqual(len([e for e in log if e["type"] == "DepositQueryRq"]), 1, "the lost one looked up once")
        kinds = [e["type"] for e in log if e["type"] in ("DepositAddRq", "DepositQueryRq")]
        self.assertEqual(kinds, ["DepositAddRq"] * 3 + ["DepositQueryRq"],
                         "the move back (the last add) lost its answer and was looked up in the next session")
        self.assertTrue(all(n == 1 for n in company.add_counts().values()), company.add_counts())
        deposits = company.documents("Deposit")
        # In the order QuickBooks added them: the move back was the second DepositAdd of its session, the lost one.
        self.assertEqual([(d["account"], d["exchange_rate"]) for d in deposits],
                         [("Checking CAD", "0.7312"), ("Checking CAD", "0.71"), (bk.RESERVED, "0.71")])
        returned = deposits[2]
        self.assertEqual((returned["currency"], returned["txn_date"], returned["lines"]),
                         ("CAD", "2026-03-18", [{"account": "Checking CAD", "amount_cents": paid}]))
        self.assertEqual(back["qb_txn_id"], returned["txn_id"], "the lost answer was found again, not added twice")

        # Reconciled: the CAD bank account equals the bank statement (the second payout only: the first came back),
        # the CAD clearing account is empty, and Amazon Reserved Balances (home currency) is back to 0.00: the
        # Failed disbursement line and the move back are booked at the same rate.
        self.assertEqual(company.balance("Checking CAD"), s2["deposit_cents"])
        self.assertEqual(company.balance(CLEARING_CAD), 0)
        self.assertEqual(company.account_currency(bk.RESERVED), "USD")
        self.assertEqual(company.balance(bk.RESERVED), 0)
        self.assertEqual(company.customer_balance(CUSTOMER_CAD), 0)
        self.assertEqual(company.trial_balance(), 0)

if __name__ == "__main__":
    unittest.main(verbosity=2)
