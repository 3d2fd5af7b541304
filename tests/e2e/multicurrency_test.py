#!/usr/bin/python3
"""End to end over loopback: currencies (docs/POSTING.md, "Currencies").

- A QuickBooks company file with multicurrency on (home currency USD) receives a USD and a CAD settlement: the USD
  documents go to "Amazon Summary" through "Amazon Clearing", the CAD ones to "Amazon Summary CAD" through
  "Amazon Clearing CAD", both created in Canadian dollars; the simulated QuickBooks keeps its ledger per currency
  and each clearing account moves by exactly its settlement's deposit in its own currency, no customer A/R is
  left open, and the home-currency ledger balances.
- A company file with multicurrency off that keeps its books in USD receives a CAD settlement: it is held with a
  message saying why and what to do, nothing reaches QuickBooks; once multicurrency is turned on and the settlement
  approved, it posts to the CAD customer.

Run: SETTLEBRIDGE_BIN=build/daemon/app/settlebridge /usr/bin/python3 tests/e2e/multicurrency_test.py
(ctest: e2e.multicurrency_test)
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

PASSWORD = "correct horse battery"
USD_REPORT = os.path.join(h.SOURCE_DIR, "tools", "samples", "us_usd_25000000017.txt")
CAD_REPORT = os.path.join(h.MADE_DIR, "v1_CA_CAD_90000000013_refund_ads_micro-deposit_warehouse-damage.txt")
CAD_RATE = "0.7312"  # US dollars per Canadian dollar in the simulated company's currency list
CLEARING_CAD = h.CLEARING + " CAD"
CUSTOMER_CAD = h.CUSTOMER + " CAD"


def clearing_movement(company, summary, account):
    """What a settlement's documents moved through `account`: its receipts in, the refunds of its credit memos out
    (in the account's currency)."""
    by_ref = {d["ref_number"]: d for d in company.documents()}
    moved = 0
    for d in summary["documents"]:
        doc = by_ref.get(d["ref_number"])
        if doc is None:
            continue
        if d["kind"] == "sales_receipt" and doc["account"] == account:
            moved += doc["total_cents"]
        if d["kind"] == "credit_memo":
            for refund in company.documents("ARRefundCreditCard"):
                if refund["account"] == account and any(a["txn_id"] == doc["txn_id"] for a in refund["applied_to"]):
                    moved -= refund["total_cents"]
    return moved


class MulticurrencyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        h.require_binary()
        for path in (USD_REPORT, CAD_REPORT):
            if not os.path.exists(path):
                raise AssertionError(f"missing report {path}")

    def setUp(self):
        self.ws = h.Workspace()
        self.addCleanup(self.ws.cleanup)

    def assert_posted(self, data, company):
        for d in h.documents(data, company):
            self.assertEqual(d["state"], "posted", f"{d['kind']} {d['ref_number']}: {d.get('last_error')}")

    def test_multicurrency_company_posts_each_currency_to_its_own_customer_and_clearing_account(self):
        usd, cad = h.summarize(USD_REPORT), h.summarize(CAD_REPORT)
        self.assertEqual((usd["currency"], cad["currency"]), ("USD", "CAD"))
        data = self.ws.mkdir("data")
        h.add_company(data, "globex", PASSWORD)
        h.import_file(data, "globex", USD_REPORT)
        h.import_file(data, "globex", CAD_REPORT)
        qb = h.new_qb_company(self.ws.path("globex.json"), multicurrency=True, home_currency="US Dollar")
        with h.open_locked(qb) as company:
            company.set_exchange_rate("CAD", CAD_RATE)

        with h.Daemon(data) as daemon:
            results = h.run_until_done(daemon.url, "globex", PASSWORD, qb)
        self.assertEqual(results[-1].auth_status, "none")
        self.assert_posted(data, "globex")

        company = h.load_qb(qb)
        self.assertEqual(company.hard_failures(), [])
        self.assertEqual(company.trial_balance(), 0, "the home-currency ledger balances")
        self.assertTrue(all(n == 1 for n in company.add_counts().values()), company.add_counts())
        expected = h.expected_documents([USD_REPORT, CAD_REPORT])
        docs = {(d["kind"], d["ref_number"]): d for d in company.documents()}
        for key, total in expected.items():
            self.assertEqual(docs[key]["total_cents"], total, key)

        # Customers and clearing accounts, one per currency.
        self.assertEqual(company.currency_of(company.find_customer(h.CUSTOMER))["code"], "USD")
        self.assertEqual(company.currency_of(company.find_customer(CUSTOMER_CAD))["code"], "CAD")
        self.assertEqual(company.account_currency(h.CLEARING), "USD")
        self.assertEqual(company.account_currency(CLEARING_CAD), "CAD")
        cad_refs = {d["ref_number"] for d in cad["documents"]}
        for doc in company.documents():
            in_cad = doc["ref_number"] in cad_refs or any(
                docs.get(("CreditMemo", ref), {}).get("txn_id") in [a["txn_id"] for a in doc["applied_to"]]
                for ref in cad_refs)
            self.assertEqual(doc["currency"], "CAD" if in_cad else "USD", doc)
            self.assertEqual(doc["customer"], CUSTOMER_CAD if in_cad else h.CUSTOMER, doc)
            if doc["kind"] in ("SalesReceipt", "ARRefundCreditCard"):
                self.assertEqual(doc["account"], CLEARING_CAD if in_cad else h.CLEARING, doc)
            if in_cad:
                self.assertEqual(doc["exchange_rate"], CAD_RATE, "QuickBooks' rate, read and frozen for the settlement")

        # The ledger per currency: each clearing account moved by exactly its deposit, in its own currency.
        balances = company.balances_by_currency()
        self.assertEqual(balances["USD"][h.CLEARING], usd["deposit_cents"])
        self.assertEqual(balances["CAD"][CLEARING_CAD], cad["deposit_cents"])
        self.assertEqual(clearing_movement(company, usd, h.CLEARING), usd["deposit_cents"])
        self.assertEqual(clearing_movement(company, cad, CLEARING_CAD), cad["deposit_cents"])
        self.assertNotIn(CLEARING_CAD, balances["USD"])
        # In the home currency the CAD clearing account holds the deposit at the exchange rate (rounded per posting).
        converted = company.home_balance(CLEARING_CAD)
        self.assertNotEqual(converted, cad["deposit_cents"])
        self.assertLessEqual(abs(converted - round(cad["deposit_cents"] * float(CAD_RATE))), 2)

        # No customer A/R left open, in either currency; the CAD credit memo went through an A/R account in CAD.
        self.assertEqual(company.customer_balance(h.CUSTOMER), 0)
        self.assertEqual(company.customer_balance(CUSTOMER_CAD), 0)
        self.assertIn("Accounts Receivable - CAD", balances["CAD"])
        for balance in [b for currency in balances.values() for name, b in currency.items()
                        if name.startswith("Accounts Receivable")]:
            self.assertEqual(balance, 0)

        # Items are currency-neutral: each SKU's item exists once and serves both settlements.
        item_names = [i["full_name"].lower() for i in company.state["items"]]
        self.assertEqual(len(item_names), len(set(item_names)))

    def test_company_without_multicurrency_holds_a_settlement_in_another_currency(self):
        cad = h.summarize(CAD_REPORT)
        data = self.ws.mkdir("data")
        h.add_company(data, "acme", PASSWORD)
        h.set_company_currency(data, "acme", "USD")
        h.import_file(data, "acme", CAD_REPORT)
        qb = h.new_qb_company(self.ws.path("acme.json"))

        with h.Daemon(data) as daemon:
            results = h.run_until_done(daemon.url, "acme", PASSWORD, qb)
            first = results[0]
            self.assertEqual(first.code, h.EXIT_OK, first)
            self.assertIn("held", first.report["close_result"])
            self.assertIn("multicurrency off", first.report["close_result"])
            self.assertEqual(results[-1].auth_status, "none", "a held settlement is not work for the Web Connector")

            for d in h.documents(data, "acme"):
                if d["kind"] == "refund_payment":
                    self.assertEqual(d["state"], "queued", "waits for its credit memo")
                    continue
                self.assertEqual(d["state"], "held", d)
                self.assertEqual(d["hold_reason"], "currency", d)
                self.assertIn("multicurrency off and keeps its books in USD", d["last_error"])
                self.assertIn(f"settlement {cad['settlement_id']} is in CAD", d["last_error"])
                self.assertIn("Turn on multicurrency in QuickBooks", d["last_error"])

            company = h.load_qb(qb)
            self.assertEqual(company.documents(), [], "nothing posted")
            self.assertIsNone(company.find_customer(h.CUSTOMER), "nothing created either")
            self.assertIsNone(company.find_account(h.CLEARING))
            self.assertEqual(company.hard_failures(), [])

            # The bookkeeper turns multicurrency on and approves: the CAD documents go to the CAD customer.
            with h.open_locked(qb) as live:
                live.set_multicurrency(True, "US Dollar")
                live.set_exchange_rate("CAD", CAD_RATE)  # without a rate the settlement would be held (editions_test)
            h.approve(data, "acme", cad["settlement_id"])
            h.run_until_done(daemon.url, "acme", PASSWORD, qb)
        self.assert_posted(data, "acme")
        company = h.load_qb(qb)
        self.assertEqual(company.balances_by_currency()["CAD"][CLEARING_CAD], cad["deposit_cents"])
        self.assertEqual(company.customer_balance(CUSTOMER_CAD), 0)
        self.assertIsNone(company.find_customer(h.CUSTOMER))
        self.assertEqual(company.trial_balance(), 0)
        self.assertTrue(all(n == 1 for n in company.add_counts().values()), company.add_counts())


def rq(body):
    return ('<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="13.0"?>\n'
            f'<QBXML><QBXMLMsgsRq onError="stopOnError">{body}</QBXMLMsgsRq></QBXML>')


def ref(tag, name):
    return f"<{tag}><FullName>{name}</FullName></{tag}>"


class SimulatedQuickBooksCurrencyRulesTest(unittest.TestCase):
    """What the simulated QuickBooks enforces about currencies (tools/quickbooks_sim), request by request."""

    def setUp(self):
        self.company = h.Company.new(None, multicurrency=True, home_currency="USD")
        self.company.set_exchange_rate("CAD", "0.75")
        self.company.create_account("Clearing CAD", "Bank", currency="CAD")
        self.company.create_account("Clearing EUR", "Bank", currency="EUR")
        self.company.create_customer("Buyer CAD", currency="CAD")
        self.company.create_customer("Buyer USD")
        self.company.create_item("ItemOtherCharge", "Widget", "Sales")

    def run_one(self, body):
        result = self.company.process(rq(body))
        self.assertIsNone(result.hresult, result.message)
        status = result.statuses[0]
        return status["statusCode"], status["statusMessage"], status

    def receipt(self, customer, account, amount, ref_number, extra=""):
        return (f"<SalesReceiptAddRq><SalesReceiptAdd>{ref('CustomerRef', customer)}<TxnDate>2025-01-02</TxnDate>"
                f"<RefNumber>{ref_number}</RefNumber>{ref('DepositToAccountRef', account)}{extra}"
                f"<SalesReceiptLineAdd>{ref('ItemRef', 'Widget')}<Amount>{amount}</Amount></SalesReceiptLineAdd>"
                "</SalesReceiptAdd></SalesReceiptAddRq>")

    def test_a_customers_transactions_use_accounts_in_its_currency_or_the_home_one(self):
        self.assertEqual(self.run_one(self.receipt("Buyer CAD", "Clearing CAD", "100.01", "R1"))[0], 0)
        self.assertEqual(self.run_one(self.receipt("Buyer CAD", "Checking", "10.00", "R2"))[0], 0,
                         "a home-currency account takes any currency")
        code, message, _ = self.run_one(self.receipt("Buyer CAD", "Clearing EUR", "10.00", "R3"))
        self.assertEqual(code, 3180)
        self.assertIn('"Clearing EUR" (Euro)', message)
        code, _, _ = self.run_one(self.receipt("Buyer USD", "Clearing CAD", "10.00", "R4"))
        self.assertEqual(code, 3180, "a home-currency customer cannot deposit into a CAD account")
        self.assertEqual(self.company.add_counts("SalesReceipt"), {("SalesReceipt", "R1"): 1, ("SalesReceipt", "R2"): 1})

        # Balances per currency: the CAD account in CAD, the home ledger converted (0.75), rounding to the exchange
        # account, debits = credits in the home currency.
        self.assertEqual(self.company.balance("Clearing CAD"), 10001)
        self.assertEqual(self.company.home_balance("Clearing CAD"), 7501)
        self.assertEqual(self.company.balance("Checking"), 750)
        self.assertEqual(self.company.balances_by_currency()["CAD"]["Clearing CAD"], 10001)
        self.assertEqual(self.company.trial_balance(), 0)

    def test_credit_memo_and_refund_go_through_the_customers_currency(self):
        code, _, status = self.run_one(
            f"<CreditMemoAddRq><CreditMemoAdd>{ref('CustomerRef', 'Buyer CAD')}<TxnDate>2025-01-02</TxnDate>"
            f"<RefNumber>C1</RefNumber><CreditMemoLineAdd>{ref('ItemRef', 'Widget')}<Amount>20.00</Amount>"
            "</CreditMemoLineAdd></CreditMemoAdd></CreditMemoAddRq>")
        self.assertEqual(code, 0)
        self.assertEqual(self.company.account_currency("Accounts Receivable - CAD"), "CAD",
                         "QuickBooks adds an A/R account per currency")
        self.assertEqual(self.company.customer_balance("Buyer CAD"), -2000)
        refund = (f"<ARRefundCreditCardAddRq><ARRefundCreditCardAdd>{ref('CustomerRef', 'Buyer CAD')}"
                  f"{ref('RefundFromAccountRef', '{account}')}<TxnDate>2025-01-02</TxnDate><RefNumber>P1</RefNumber>"
                  f"<RefundAppliedToTxnAdd><TxnID>{status['TxnID']}</TxnID><RefundAmount>20.00</RefundAmount>"
                  "</RefundAppliedToTxnAdd></ARRefundCreditCardAdd></ARRefundCreditCardAddRq>")
        self.assertEqual(self.run_one(refund.replace("{account}", "Clearing EUR"))[0], 3180)
        given_ar = refund.replace("{account}", "Clearing CAD").replace(
            "<TxnDate>", ref("ARAccountRef", "Accounts Receivable") + "<TxnDate>")
        self.assertEqual(self.run_one(given_ar)[0], 3180, "the home-currency A/R account cannot take CAD")
        self.assertEqual(self.run_one(refund.replace("{account}", "Clearing CAD"))[0], 0)
        self.assertEqual(self.company.customer_balance("Buyer CAD"), 0)
        self.assertEqual(self.company.balance("Clearing CAD"), -2000)
        self.assertEqual(self.company.trial_balance(), 0)

    def test_list_adds_transfers_and_rates(self):
        code, message, _ = self.run_one(
            f"<AccountAddRq><AccountAdd><Name>Fees CAD</Name><AccountType>Expense</AccountType>"
            f"{ref('CurrencyRef', 'Canadian Dollar')}</AccountAdd></AccountAddRq>")
        self.assertEqual(code, 3180)
        self.assertIn("always in the home currency", message)
        code, message, _ = self.run_one(
            f"<CustomerAddRq><CustomerAdd><Name>Buyer XYZ</Name>{ref('CurrencyRef', 'CAD')}"
            "</CustomerAdd></CustomerAddRq>")
        self.assertEqual(code, 3140, "a CurrencyRef names the currency by QuickBooks' name, not its code")
        self.assertIn('QuickBooks Currency "CAD"', message)
        transfer = (f"<TransferAddRq><TransferAdd><TxnDate>2025-01-02</TxnDate>{ref('TransferFromAccountRef', 'Clearing CAD')}"
                    f"{ref('TransferToAccountRef', '{to}')}<Amount>5.00</Amount></TransferAdd></TransferAddRq>")
        self.assertEqual(self.run_one(transfer.replace("{to}", "Checking"))[0], 3180)
        self.company.create_account("Bank CAD", "Bank", currency="CAD")
        self.assertEqual(self.run_one(transfer.replace("{to}", "Bank CAD"))[0], 0)
        self.assertEqual(self.company.balance("Bank CAD"), 500)
        # An ExchangeRate on the transaction wins over the currency list's.
        self.assertEqual(self.run_one(self.receipt("Buyer CAD", "Clearing CAD", "10.00", "R9",
                                                   "<ExchangeRate>0.5</ExchangeRate>"))[0], 0)
        self.assertEqual(self.company.home_balance("Clearing CAD"), -375 + 500)
        doc = next(d for d in self.company.documents("SalesReceipt") if d["ref_number"] == "R9")
        self.assertEqual((doc["currency"], doc["exchange_rate"]), ("CAD", "0.5"))
        self.assertEqual(self.company.trial_balance(), 0)

    def test_multicurrency_off_refuses_currencies_and_every_request_is_still_schema_checked(self):
        off = h.Company.new(None)
        for body in (f"<CustomerAddRq><CustomerAdd><Name>X</Name>{ref('CurrencyRef', 'Canadian Dollar')}"
                     "</CustomerAdd></CustomerAddRq>",
                     f"<AccountAddRq><AccountAdd><Name>Y</Name><AccountType>Bank</AccountType>"
                     f"{ref('CurrencyRef', 'Canadian Dollar')}</AccountAdd></AccountAddRq>"):
            result = off.process(rq(body))
            self.assertEqual(result.statuses[0]["statusCode"], 3250)
        # A CurrencyRef in the wrong place is not QuickBooks' business logic but a parse error (hard failure).
        bad = off.process(rq(f"<CustomerAddRq><CustomerAdd>{ref('CurrencyRef', 'Euro')}<Name>Z</Name>"
                             "</CustomerAdd></CustomerAddRq>"))
        self.assertEqual(bad.hresult, "0x80040400")
        self.assertEqual(len(off.hard_failures()), 1)


if __name__ == "__main__":
    unittest.main()
