#!/usr/bin/python3
"""Settlebridge's acceptance check for a real QuickBooks Desktop company file.

Run it beside a SANDBOX company file (a copy, or a sample company: it adds customers, accounts, items and
transactions whose names start with "SBX"), add the .qwc it writes to the QuickBooks Web Connector, and run the
Web Connector once. The kit hands the Web Connector a prepared set of qbXML requests that uses every construct
Settlebridge sends plus each open question about what QuickBooks accepts, reads QuickBooks' answers, queries what
it added, and prints a pass/fail table and how to delete what it added. docs/REAL-QUICKBOOKS.md says how to run it
and how to send us the table.

    python3 tools/qb-acceptance/qb_acceptance.py --port 8765 --password choose-one --qwc sbx.qwc \
        --report sbx-report.json

"pass" = QuickBooks answered what Settlebridge (and tools/quickbooks_sim) assume; "FAIL" = it did not: send us the
table. Only the Python standard library is used, so it runs on the Windows PC beside QuickBooks.
"""
import argparse
import datetime as dt
import hashlib
import http.server
import json
import os
import re
import socketserver
import sys
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

QBWC_NS = "http://developer.intuit.com/"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
PARSE_HRESULT = "0x80040400"
PREFIX = "SBX"  # every name and RefNumber the kit adds starts with it


# --------------------------------------------------------------------------------------------------------------
# qbXML helpers


def qbxml(body, version="13.0", on_error="stopOnError"):
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="{version}"?>\n'
            f'<QBXML><QBXMLMsgsRq onError="{on_error}">{body}</QBXMLMsgsRq></QBXML>\n')


def ref(tag, full_name):
    return f"<{tag}><FullName>{full_name}</FullName></{tag}>"


class Answer:
    """What came back for one request: QuickBooks' *Rs (status, message, Ret) or the HRESULT the Web Connector
    reported when QuickBooks could not process it."""

    def __init__(self, response, hresult, message):
        self.hresult = (hresult or "").strip() or None
        self.message = message or ""
        self.code = None
        self.status_message = ""
        self.ret = None
        self.rets = []
        if response and response.strip():
            root = ET.fromstring(response.encode("utf-8") if isinstance(response, str) else response)
            msgs = root.find("QBXMLMsgsRs")
            rs = msgs[0] if msgs is not None and len(msgs) else None
            if rs is not None:
                self.code = int(rs.get("statusCode", "-1"))
                self.status_message = rs.get("statusMessage", "")
                self.rets = list(rs)
                self.ret = self.rets[0] if self.rets else None

    def text(self, path):
        return self.ret.findtext(path) if self.ret is not None else None

    def describe(self):
        if self.hresult:
            return f"refused, HRESULT {self.hresult}"
        if self.code is None:
            return "no answer"
        text = f"status {self.code}"
        if self.code != 0:
            text += f" ({self.status_message[:90]})"
        return text


class Step:
    """One request. build(kit) returns the qbXML, or None to skip (with kit.skip_reason); check(kit, answer)
    returns None (no row) or (passed: bool|None, expected, observed)."""

    def __init__(self, row, build, check=None, setup=False):
        self.row = row
        self.build = build
        self.check = check
        self.setup = setup


# --------------------------------------------------------------------------------------------------------------
# The prepared set


class Kit:
    def __init__(self, tag=None, today=None):
        now = time.time()
        self.tag = tag or _base36(int(now) % (36 ** 4)).rjust(4, "0")   # a new one every second, for 19 days
        self.today = today or dt.date.today().isoformat()
        self.user_number = 10000 + int(now) % 80000          # the "user's own" receipt number of this run
        self.version = "13.0"
        self.country = "US"
        self.multicurrency = False
        self.home_currency = "US Dollar"
        self.tax_code = "Non"
        self.tax_codes = []
        self.tax_item = None     # the file's default sales tax item (PreferencesRet), for the tax-code experiment
        self.tax_account = None  # its GST/HST liability account
        self.txn = {}         # name -> TxnID
        self.added = []       # (kind, name or RefNumber, TxnID/ListID) for the clean-up list
        self.rows = []        # {"check", "expected", "observed", "result"}
        self.skip_reason = None
        self.steps = self._plan()
        self.index = 0
        self.finished = False
        self.lock = threading.Lock()

    # ---------------------------------------------------------------------------------------------- names
    def refn(self, part, kind):
        """A RefNumber in Settlebridge's form (stem, part, kind letter last)."""
        return f"{PREFIX}{self.tag}{part}{kind}"

    # ------------------------------------------------------------------------------------------------ plan
    def _plan(self):
        s = []
        s.append(Step("host", lambda k: qbxml("<HostQueryRq requestID='host'/>", k.version, "continueOnError"),
                      self._check_host))
        s.append(Step("preferences", lambda k: qbxml("<PreferencesQueryRq requestID='prefs'/>", k.version,
                                                     "continueOnError"), self._check_prefs))
        s.append(Step("tax codes of this edition", lambda k: qbxml(
            "<SalesTaxCodeQueryRq requestID='codes'/>", k.version, "continueOnError"), self._check_tax_codes))
        for name, kind in (("SBX Clearing", "Bank"), ("SBX Bank", "Bank"), ("SBX Reserved", "OtherCurrentAsset"),
                           ("SBX Income", "Income"), ("SBX Fees", "Expense")):
            s.append(Step(f"setup: account {name} ({kind})",
                          lambda k, n=name, t=kind: qbxml(f"<AccountAddRq><AccountAdd><Name>{n}</Name>"
                                                          f"<AccountType>{t}</AccountType></AccountAdd></AccountAddRq>",
                                                          k.version),
                          self._check_list_add("Account", name), setup=True))
        s.append(Step("setup: customer SBX Amazon", lambda k: qbxml(
            "<CustomerAddRq><CustomerAdd><Name>SBX Amazon</Name></CustomerAdd></CustomerAddRq>", k.version),
            self._check_list_add("Customer", "SBX Amazon"), setup=True))
        s.append(Step("setup: item SBX-SKU-1 (NonInventory)", lambda k: qbxml(
            "<ItemNonInventoryAddRq><ItemNonInventoryAdd><Name>SBX-SKU-1</Name>" + k.tax_ref() +
            "<SalesOrPurchase><Desc>Settlebridge acceptance SKU</Desc>" + ref("AccountRef", "SBX Income") +
            "</SalesOrPurchase></ItemNonInventoryAdd></ItemNonInventoryAddRq>", k.version),
            self._check_list_add("Item", "SBX-SKU-1"), setup=True))
        s.append(Step("setup: item SBX Fee (OtherCharge)", lambda k: qbxml(
            "<ItemOtherChargeAddRq><ItemOtherChargeAdd><Name>SBX Fee</Name>" + k.tax_ref() +
            "<SalesOrPurchase><Desc>Settlebridge acceptance fee</Desc>" + ref("AccountRef", "SBX Fees") +
            "</SalesOrPurchase></ItemOtherChargeAdd></ItemOtherChargeAddRq>", k.version),
            self._check_list_add("Item", "SBX Fee"), setup=True))

        # Text: what QuickBooks does with Latin-1 and other characters, as references and raw.
        s.append(Step("text: e-acute as &#233; is stored as e-acute", lambda k: qbxml(
            f"<CustomerAddRq><CustomerAdd><Name>SBX Caf&#233; {k.tag}</Name></CustomerAdd></CustomerAddRq>",
            k.version), self._check_stored_name(lambda k: f"SBX Caf\u00e9 {k.tag}")))
        s.append(Step("text: raw UTF-8 e-acute is refused as unparseable", lambda k: qbxml(
            f"<CustomerAddRq><CustomerAdd><Name>SBX Raw Caf\u00e9 {k.tag}</Name></CustomerAdd></CustomerAddRq>",
            k.version), self._check_refused))
        s.append(Step("text: en dash as &#8211; is stored as ?", lambda k: qbxml(
            f"<CustomerAddRq><CustomerAdd><Name>SBX Dash &#8211; {k.tag}</Name></CustomerAdd></CustomerAddRq>",
            k.version), self._check_stored_name(lambda k: f"SBX Dash ? {k.tag}")))
        s.append(Step("text: raw en dash is refused as unparseable", lambda k: qbxml(
            f"<CustomerAddRq><CustomerAdd><Name>SBX Raw Dash \u2013 {k.tag}</Name></CustomerAdd></CustomerAddRq>",
            k.version), self._check_refused))
        s.append(Step("length: a 42-character customer name is answered 3070", lambda k: qbxml(
            "<CustomerAddRq><CustomerAdd><Name>" + ("SBX " + k.tag + "-" * 42)[:42] +
            "</Name></CustomerAdd></CustomerAddRq>", k.version), self._check_3070))

        # Every construct of a settlement's documents.
        s.append(Step("sales receipt: every element Settlebridge sends", self._receipt, self._check_added(
            "SalesReceipt", "receipt", "44.23")))
        s.append(Step("sales receipt: DepositToAccountRef to an other current asset (inferred: allowed)",
                      self._receipt_to_asset, self._check_added("SalesReceipt", "receipt-asset", "10.00")))
        s.append(Step("credit memo: negative-quantity lines", self._credit_memo,
                      self._check_added("CreditMemo", "credit-memo", "12.39")))
        s.append(Step("refund: ARRefundCreditCardAdd out of the clearing account", self._refund,
                      self._check_added("ARRefundCreditCard", "refund", "12.39")))
        s.append(Step("query back: the sales receipt by RefNumber", lambda k: k._query("SalesReceipt",
                                                                                       k.refn(0, "R")),
                      self._check_query("44.23")))
        s.append(Step("query back: the credit memo has no credit left", lambda k: k._query("CreditMemo",
                                                                                           k.refn(0, "C")),
                      self._check_credit_left))
        s.append(Step("query back: the refund by RefNumber", lambda k: k._query("ARRefundCreditCard",
                                                                                k.refn(0, "P")),
                      self._check_query("12.39")))
        s.append(Step("transfer: clearing account to bank", self._transfer,
                      self._check_added("Transfer", "transfer", "10.00")))

        # Open questions.
        s.append(Step("setup: find a Group item SBX-GROUP-1", lambda k: qbxml(
            "<ItemQueryRq requestID='group'><FullName>SBX-GROUP-1</FullName></ItemQueryRq>", k.version,
            "continueOnError"), self._note_group, setup=True))
        s.append(Step("setup: add the Group item SBX-GROUP-1", self._group_add, self._check_group_add, setup=True))
        s.append(Step("group item named like a SKU on a receipt line is refused", self._group_receipt,
                      self._check_group_receipt))
        s.append(Step("setup: customer in a foreign currency", self._fx_customer,
                      lambda k, a: k._list_added(a, "Customer", "SBX Amazon FX"), setup=True))
        s.append(Step("setup: clearing account in a foreign currency", self._fx_account,
                      lambda k, a: k._list_added(a, "Account", "SBX Clearing FX"), setup=True))
        s.append(Step("foreign currency: credit memo with its rate", self._fx_credit_memo,
                      self._check_added("CreditMemo", "fx-credit-memo", "10.00")))
        s.append(Step("foreign currency: refund with its rate", self._fx_refund,
                      self._check_added("ARRefundCreditCard", "fx-refund", "10.00")))
        s.append(Step("foreign currency: the refund keeps the stated rate", self._fx_refund_query,
                      self._check_fx_rate))
        s.append(Step("setup: bank account in a foreign currency", self._fx_bank,
                      lambda k, a: k._list_added(a, "Account", "SBX Bank FX"), setup=True))
        s.append(Step("foreign currency: the deposit moved to the bank as a DepositAdd with its rate",
                      self._fx_deposit, self._check_fx_deposit))
        s.append(Step("foreign currency: a returned payout back into the home-currency asset as a DepositAdd with "
                      "its currency and rate", self._fx_returned, self._check_fx_returned))
        # The tax-code route for GST/HST on Amazon's fees (docs/ACCOUNTING.md section 15): an experiment, not a
        # default. Settlebridge books tax on fees to an account; here QuickBooks itself is asked to book it.
        s.append(Step("setup: the GST/HST liability account", lambda k: k._tax_setup(qbxml(
            "<AccountQueryRq requestID='tax-account'><AccountType>OtherCurrentLiability</AccountType></AccountQueryRq>",
            k.version, "continueOnError")), self._note_tax_account, setup=True))
        s.append(Step("tax-code route (experiment): fee tax on a journal entry line with ItemSalesTaxRef",
                      self._tax_journal, self._check_experiment("JournalEntry", "tax-journal", "11.30")))
        s.append(Step("tax-code route (experiment): the fee on a cheque with a taxable code on its expense line",
                      self._tax_cheque, self._check_experiment("Check", "tax-cheque", "10.00")))
        s.append(Step("numbering: the user's own receipt number", self._user_receipt,
                      self._check_added("SalesReceipt", "user-number", "1.00")))
        s.append(Step("numbering: a receipt in Settlebridge's RefNumber form", self._sbx_form_receipt,
                      self._check_added("SalesReceipt", "sbx-number", "1.00")))
        s.append(Step("numbering: the next receipt without a number", self._unnumbered_receipt,
                      self._check_added("SalesReceipt", "next-number", "1.00")))
        s.append(Step("numbering: Settlebridge's RefNumber does not seed the user's next number",
                      lambda k: k._query_txn("SalesReceipt", "next-number"), self._check_numbering))
        return s

    def tax_ref(self):
        return ref("SalesTaxCodeRef", self.tax_code) if self.tax_code else ""

    # ------------------------------------------------------------------------------------------ builders
    def _line(self, tag, item, desc, amount, quantity=None):
        qty = f"<Quantity>{quantity}</Quantity>" if quantity is not None else ""
        return (f"<{tag}>" + ref("ItemRef", item) + f"<Desc>{desc}</Desc>{qty}<Amount>{amount}</Amount>" +
                self.tax_ref() + f"</{tag}>")

    def _guid(self, key):
        h = hashlib.sha1(f"{self.tag}:{key}".encode()).hexdigest()
        return "{" + f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}".upper() + "}"

    def _receipt(self, k):
        memo = f"Amazon settlement SBX {self.tag} {self.today} - {self.today} key SBX:R:0 Caf&#233;"
        return qbxml("<SalesReceiptAddRq requestID='receipt'><SalesReceiptAdd>" + ref("CustomerRef", "SBX Amazon") +
                     f"<TxnDate>{self.today}</TxnDate><RefNumber>{self.refn(0, 'R')}</RefNumber><Memo>{memo}</Memo>"
                     "<IsToBePrinted>false</IsToBePrinted><IsToBeEmailed>false</IsToBeEmailed>" +
                     ref("DepositToAccountRef", "SBX Clearing") + f"<ExternalGUID>{self._guid('R')}</ExternalGUID>" +
                     self._line("SalesReceiptLineAdd", "SBX-SKU-1", "SBX-SKU-1 principal", "59.97", 3) +
                     self._line("SalesReceiptLineAdd", "SBX Fee", "Referral fees", "-15.74") +
                     "</SalesReceiptAdd></SalesReceiptAddRq>", self.version)

    def _receipt_to_asset(self, k):
        return qbxml("<SalesReceiptAddRq requestID='receipt-asset'><SalesReceiptAdd>" +
                     ref("CustomerRef", "SBX Amazon") +
                     f"<TxnDate>{self.today}</TxnDate><RefNumber>{self.refn(1, 'R')}</RefNumber>"
                     "<Memo>Settlebridge acceptance: negative settlement booked to an asset</Memo>"
                     "<IsToBePrinted>false</IsToBePrinted><IsToBeEmailed>false</IsToBeEmailed>" +
                     ref("DepositToAccountRef", "SBX Reserved") +
                     self._line("SalesReceiptLineAdd", "SBX-SKU-1", "SBX-SKU-1 principal", "10.00", 1) +
                     "</SalesReceiptAdd></SalesReceiptAddRq>", self.version)

    def _credit_memo(self, k):
        return qbxml("<CreditMemoAddRq requestID='credit-memo'><CreditMemoAdd>" + ref("CustomerRef", "SBX Amazon") +
                     f"<TxnDate>{self.today}</TxnDate><RefNumber>{self.refn(0, 'C')}</RefNumber>"
                     "<Memo>Settlebridge acceptance refunds</Memo>"
                     "<IsToBePrinted>false</IsToBePrinted><IsToBeEmailed>false</IsToBeEmailed>"
                     f"<ExternalGUID>{self._guid('C')}</ExternalGUID>" +
                     self._line("CreditMemoLineAdd", "SBX-SKU-1", "SBX-SKU-1 refunded principal", "19.99", 1) +
                     self._line("CreditMemoLineAdd", "SBX-SKU-1", "SBX-SKU-1 sale moved from the receipt", "-10.00", -2) +
                     self._line("CreditMemoLineAdd", "SBX Fee", "Referral fee refunded", "2.40") +
                     "</CreditMemoAdd></CreditMemoAddRq>", self.version)

    def _refund(self, k):
        cm = self.txn.get("credit-memo")
        if not cm:
            self.skip_reason = "the credit memo was not added"
            return None
        return qbxml("<ARRefundCreditCardAddRq requestID='refund'><ARRefundCreditCardAdd>" +
                     ref("CustomerRef", "SBX Amazon") + ref("RefundFromAccountRef", "SBX Clearing") +
                     f"<TxnDate>{self.today}</TxnDate><RefNumber>{self.refn(0, 'P')}</RefNumber>"
                     "<Memo>Settlebridge acceptance refund</Memo>"
                     f"<ExternalGUID>{self._guid('P')}</ExternalGUID><RefundAppliedToTxnAdd><TxnID>{cm}</TxnID>"
                     "<RefundAmount>12.39</RefundAmount></RefundAppliedToTxnAdd>"
                     "</ARRefundCreditCardAdd></ARRefundCreditCardAddRq>", self.version)

    def _transfer(self, k):
        return qbxml("<TransferAddRq requestID='transfer'><TransferAdd>" + f"<TxnDate>{self.today}</TxnDate>" +
                     ref("TransferFromAccountRef", "SBX Clearing") + ref("TransferToAccountRef", "SBX Bank") +
                     f"<Amount>10.00</Amount><Memo>Settlebridge acceptance SBX {self.tag}:T</Memo>"
                     "</TransferAdd></TransferAddRq>", self.version)

    def _query(self, kind, ref_number):
        extra = "<IncludeRetElement>CreditRemaining</IncludeRetElement>" if kind == "CreditMemo" else ""
        return qbxml(f"<{kind}QueryRq requestID='q'><RefNumberCaseSensitive>{ref_number}</RefNumberCaseSensitive>"
                     "<IncludeRetElement>TxnID</IncludeRetElement><IncludeRetElement>RefNumber</IncludeRetElement>"
                     "<IncludeRetElement>TotalAmount</IncludeRetElement>"
                     f"{extra}</{kind}QueryRq>", self.version, "continueOnError")

    def _query_txn(self, kind, name):
        txn = self.txn.get(name)
        if not txn:
            self.skip_reason = "the receipt without a number was not added"
            return None
        return qbxml(f"<{kind}QueryRq requestID='q'><TxnID>{txn}</TxnID>"
                     "<IncludeRetElement>TxnID</IncludeRetElement><IncludeRetElement>RefNumber</IncludeRetElement>"
                     f"</{kind}QueryRq>", self.version, "continueOnError")

    def _group_add(self, k):
        if self.group_exists:
            self.skip_reason = "SBX-GROUP-1 exists already"
            return None
        return qbxml("<ItemGroupAddRq><ItemGroupAdd><Name>SBX-GROUP-1</Name><ItemDesc>Settlebridge acceptance group"
                     "</ItemDesc><ItemGroupLine>" + ref("ItemRef", "SBX-SKU-1") + "<Quantity>1</Quantity>"
                     "</ItemGroupLine></ItemGroupAdd></ItemGroupAddRq>", self.version)

    def _group_receipt(self, k):
        if not (self.group_exists or self.group_added):
            self.skip_reason = "QuickBooks did not add the Group item"
            return None
        return qbxml("<SalesReceiptAddRq requestID='group-receipt'><SalesReceiptAdd>" +
                     ref("CustomerRef", "SBX Amazon") +
                     f"<TxnDate>{self.today}</TxnDate><RefNumber>{self.refn(2, 'R')}</RefNumber>" +
                     ref("DepositToAccountRef", "SBX Clearing") +
                     self._line("SalesReceiptLineAdd", "SBX-GROUP-1", "a SKU named like a Group item", "5.00", 1) +
                     "</SalesReceiptAdd></SalesReceiptAddRq>", self.version)

    def fx_currency(self):
        return "Canadian Dollar" if self.home_currency != "Canadian Dollar" else "US Dollar"

    def _need_fx(self):
        if not self.multicurrency:
            self.skip_reason = "multicurrency is off in this company file"
            return False
        return True

    def _fx_customer(self, k):
        if not self._need_fx():
            return None
        return qbxml("<CustomerAddRq><CustomerAdd><Name>SBX Amazon FX</Name>" + ref("CurrencyRef", self.fx_currency())
                     + "</CustomerAdd></CustomerAddRq>", self.version)

    def _fx_bank_account(self, name):
        """AccountAdd of a bank account in the foreign currency."""
        if not self._need_fx():
            return None
        return qbxml(f"<AccountAddRq><AccountAdd><Name>{name}</Name><AccountType>Bank</AccountType>" +
                     ref("CurrencyRef", self.fx_currency()) + "</AccountAdd></AccountAddRq>", self.version)

    def _fx_account(self, k):
        return self._fx_bank_account("SBX Clearing FX")

    def _fx_credit_memo(self, k):
        if not self._need_fx():
            return None
        return qbxml("<CreditMemoAddRq requestID='fx-credit-memo'><CreditMemoAdd>" +
                     ref("CustomerRef", "SBX Amazon FX") +
                     f"<TxnDate>{self.today}</TxnDate><RefNumber>{self.refn(3, 'C')}</RefNumber>"
                     "<IsToBePrinted>false</IsToBePrinted><IsToBeEmailed>false</IsToBeEmailed>"
                     "<ExchangeRate>0.7312</ExchangeRate>" +
                     self._line("CreditMemoLineAdd", "SBX-SKU-1", "foreign refund", "10.00", 1) +
                     "</CreditMemoAdd></CreditMemoAddRq>", self.version)

    def _fx_refund(self, k):
        if not self._need_fx():
            return None
        cm = self.txn.get("fx-credit-memo")
        if not cm:
            self.skip_reason = "the foreign-currency credit memo was not added"
            return None
        return qbxml("<ARRefundCreditCardAddRq requestID='fx-refund'><ARRefundCreditCardAdd>" +
                     ref("CustomerRef", "SBX Amazon FX") + ref("RefundFromAccountRef", "SBX Clearing FX") +
                     f"<TxnDate>{self.today}</TxnDate><RefNumber>{self.refn(3, 'P')}</RefNumber>"
                     "<ExchangeRate>0.7312</ExchangeRate>"
                     f"<RefundAppliedToTxnAdd><TxnID>{cm}</TxnID><RefundAmount>10.00</RefundAmount>"
                     "</RefundAppliedToTxnAdd></ARRefundCreditCardAdd></ARRefundCreditCardAddRq>", self.version)

    def _fx_bank(self, k):
        return self._fx_bank_account("SBX Bank FX")

    def _fx_deposit_add(self, request_id, to_account, key, from_account, amount, currency_ref=False):
        """A DepositAdd at the stated rate with one line from `from_account`; memo and ExternalGUID from `key`;
        with `currency_ref`, funds in the foreign currency (CurrencyRef)."""
        if not self._need_fx():
            return None
        currency = ref("CurrencyRef", self.fx_currency()) if currency_ref else ""
        return qbxml(f"<DepositAddRq requestID='{request_id}'><DepositAdd>" + f"<TxnDate>{self.today}</TxnDate>" +
                     ref("DepositToAccountRef", to_account) +
                     f"<Memo>Settlebridge acceptance SBX {self.tag}:{key}</Memo>" + currency +
                     f"<ExchangeRate>0.7312</ExchangeRate><ExternalGUID>{self._guid(key)}</ExternalGUID>"
                     "<DepositLineAdd>" + ref("AccountRef", from_account) + f"<Amount>{amount}</Amount>"
                     "</DepositLineAdd></DepositAdd></DepositAddRq>", self.version)

    def _fx_deposit(self, k):
        """What Settlebridge sends for a foreign-currency settlement's move to the bank (TransferAdd has no rate)."""
        return self._fx_deposit_add("fx-deposit", "SBX Bank FX", "T", "SBX Clearing FX", "10.00")

    def _fx_returned(self, k):
        """What Settlebridge sends for a payout the bank returned in a foreign-currency settlement: foreign funds
        from the bank in that currency deposited into the home-currency asset (Amazon Reserved Balances), with a
        CurrencyRef and the settlement's rate (QuickBooks transfers only within one currency)."""
        return self._fx_deposit_add("fx-returned", "SBX Reserved", "F:0", "SBX Bank FX", "4.00", currency_ref=True)

    def _fx_refund_query(self, k):
        if not self._need_fx():
            return None
        if not self.txn.get("fx-refund"):
            self.skip_reason = "the foreign-currency refund was not added"
            return None
        return qbxml("<ARRefundCreditCardQueryRq requestID='q'><TxnID>" + self.txn["fx-refund"] + "</TxnID>"
                     "</ARRefundCreditCardQueryRq>", self.version, "continueOnError")

    def _tax_setup(self, text):
        if self.country != "CA":
            self.skip_reason = ("the tax-code route is the Canadian edition's (ItemSalesTaxRef on journal lines and "
                                "tax codes on purchase lines are not in the US edition)")
            return None
        if not self.tax_item:
            self.skip_reason = "sales tax is off in this company file"
            return None
        return text

    def _tax_journal(self, k):
        if self._tax_setup("") is None:
            return None
        if not self.tax_account:
            self.skip_reason = "no GST/HST liability account found"
            return None
        return qbxml("<JournalEntryAddRq requestID='tax-journal'><JournalEntryAdd>" + f"<TxnDate>{self.today}</TxnDate>"
                     f"<RefNumber>{self.refn(5, 'J')}</RefNumber>"
                     "<JournalDebitLine>" + ref("AccountRef", "SBX Fees") + "<Amount>10.00</Amount>"
                     "<Memo>Amazon fees before tax</Memo></JournalDebitLine>"
                     "<JournalDebitLine>" + ref("AccountRef", self.tax_account) + "<Amount>1.30</Amount>"
                     "<Memo>GST/HST Amazon charged on its fees</Memo>" + ref("ItemSalesTaxRef", self.tax_item) +
                     "</JournalDebitLine><JournalCreditLine>" + ref("AccountRef", "SBX Clearing") +
                     "<Amount>11.30</Amount><Memo>Amazon fees with their tax</Memo></JournalCreditLine>"
                     "</JournalEntryAdd></JournalEntryAddRq>", self.version)

    def _tax_cheque(self, k):
        if self._tax_setup("") is None:
            return None
        taxable = [n for n, t in self.tax_codes if t == "true"]
        code = next((c for c in ("H", "G") if c in taxable), taxable[0] if taxable else None)
        if code is None:
            self.skip_reason = "no taxable tax code in this company file"
            return None
        return qbxml("<CheckAddRq requestID='tax-cheque'><CheckAdd>" + ref("AccountRef", "SBX Clearing") +
                     f"<RefNumber>{self.refn(5, 'K')}</RefNumber><TxnDate>{self.today}</TxnDate>"
                     "<Memo>Settlebridge acceptance: Amazon fees on a purchase form</Memo>"
                     "<ExpenseLineAdd>" + ref("AccountRef", "SBX Fees") + "<Amount>10.00</Amount>"
                     "<Memo>Amazon fees before tax</Memo>" + ref("SalesTaxCodeRef", code) +
                     "</ExpenseLineAdd></CheckAdd></CheckAddRq>", self.version)

    def _small_receipt(self, request_id, ref_number):
        number = f"<RefNumber>{ref_number}</RefNumber>" if ref_number else ""
        return qbxml(f"<SalesReceiptAddRq requestID='{request_id}'><SalesReceiptAdd>" + ref("CustomerRef", "SBX Amazon")
                     + f"<TxnDate>{self.today}</TxnDate>{number}" + ref("DepositToAccountRef", "SBX Clearing") +
                     self._line("SalesReceiptLineAdd", "SBX-SKU-1", "numbering check", "1.00", 1) +
                     "</SalesReceiptAdd></SalesReceiptAddRq>", self.version)

    def _user_receipt(self, k):
        return self._small_receipt("user-number", str(self.user_number))

    def _sbx_form_receipt(self, k):
        return self._small_receipt("sbx-number", self.refn(4, "R"))

    def _unnumbered_receipt(self, k):
        return self._small_receipt("next-number", None)

    # ------------------------------------------------------------------------------------------ checks
    def _check_host(self, k, a):
        if a.ret is not None:
            self.country = a.text("Country") or self.country
            versions = [v.text for v in a.ret.findall("SupportedQBXMLVersion") if v.text]
            if "13.0" not in versions and versions:
                self.version = versions[-1]
        return (a.code == 0, "HostQuery answered", f"{a.describe()}; {a.text('ProductName')}, country "
                                                   f"{self.country}")

    def _check_prefs(self, k, a):
        if a.ret is not None:
            self.multicurrency = a.ret.findtext("MultiCurrencyPreferences/IsMultiCurrencyOn") == "true"
            self.home_currency = a.ret.findtext("MultiCurrencyPreferences/HomeCurrencyRef/FullName") or \
                self.home_currency
            if a.ret.find("SalesTaxPreferences") is None:
                self.tax_code = ""   # sales tax off: no SalesTaxCodeRef at all, as Settlebridge does
            self.tax_item = a.ret.findtext("SalesTaxPreferences/DefaultItemSalesTaxRef/FullName")
        return None

    def _list_added(self, a, kind, name):
        if a.code == 0:
            self.added.append((kind, name, a.text("ListID")))
        ok = a.code in (0, 3100)
        return (ok, "added (0), or there from an earlier run (3100)", a.describe()) if not ok else None

    def _check_list_add(self, kind, name):
        return lambda k, a: k._list_added(a, kind, name)

    def _check_tax_codes(self, k, a):
        self.tax_codes = [(r.findtext("Name"), r.findtext("IsTaxable")) for r in a.rets]
        names = [n for n, _ in self.tax_codes]
        if self.country == "CA":
            exempt = [n for n, taxable in self.tax_codes if taxable == "false"]
            pick = next((c for c in ("E", "Z") if c in exempt), exempt[0] if exempt else None)
            if self.tax_code and pick:
                self.tax_code = pick
            ok = bool(exempt) and "Non" not in names
            return (ok, "Canadian codes (no Tax/Non), one of them not taxable",
                    f"{', '.join(names) or 'none'}; Settlebridge would use {pick}")
        if self.tax_code:
            self.tax_code = "Non" if "Non" in names else self.tax_code
        return ("Non" in names, "US codes Tax and Non", ", ".join(names) or "none")

    def _check_stored_name(self, expected_of):
        def check(k, a):
            expected = expected_of(k)
            if a.code == 0:
                self.added.append(("Customer", a.text("Name"), a.text("ListID")))
            stored = a.text("Name") if a.code == 0 else None
            if a.code == 3100:
                return (None, f'stored as "{expected}"', "already there from an earlier run (3100)")
            return (stored == expected, f'stored as "{expected}"',
                    f'stored as "{stored}"' if stored is not None else a.describe())
        return check

    def _check_refused(self, k, a):
        if a.code == 0:
            self.added.append(("Customer", a.text("Name"), a.text("ListID")))
        return (a.hresult == PARSE_HRESULT, f"refused, HRESULT {PARSE_HRESULT} (nothing added)", a.describe())

    def _check_3070(self, k, a):
        ok = a.code == 3070 and re.match(r'^The string ".*" in the field "Name" is too long\.$', a.status_message)
        if a.code == 0:
            self.added.append(("Customer", a.text("Name"), a.text("ListID")))
        return (bool(ok), 'status 3070 "The string ... in the field "Name" is too long."',
                f"status {a.code}: {a.status_message}" if a.code is not None else a.describe())

    def _check_added(self, kind, name, total):
        def check(k, a):
            if a.code == 0 and a.text("TxnID"):
                self.txn[name] = a.text("TxnID")
                label = a.text("RefNumber") or f"{a.text('Amount') or ''} on {a.text('TxnDate') or self.today}".strip()
                self.added.append((kind, label, a.text("TxnID")))
                got = a.text("TotalAmount") or a.text("Amount")
                return (got == total, f"added, total {total}", f"added, total {got}")
            return (False, f"added, total {total}", a.describe())
        return check

    def _check_query(self, total):
        def check(k, a):
            got = a.text("TotalAmount")
            return (a.code == 0 and got == total, f"found, total {total}",
                    f"found, total {got}" if a.code == 0 else a.describe())
        return check

    def _check_credit_left(self, k, a):
        left = a.text("CreditRemaining")
        return (a.code == 0 and left == "0.00", "found, credit remaining 0.00",
                f"found, credit remaining {left}" if a.code == 0 else a.describe())

    def _note_tax_account(self, k, a):
        names = [(r.findtext("FullName") or r.findtext("Name") or "") for r in a.rets] if a.code == 0 else []
        self.tax_account = next((n for n in names if "GST" in n.upper() or "HST" in n.upper()),
                                next((n for n in names if "SALES TAX" in n.upper()), None))
        return None

    def _check_experiment(self, kind, name, total):
        """No right answer is assumed: what QuickBooks did is the finding (result "see observed")."""
        def check(k, a):
            if a.code == 0 and a.text("TxnID"):
                self.txn[name] = a.text("TxnID")
                self.added.append((kind, a.text("RefNumber") or name, a.text("TxnID")))
                got = a.text("TotalAmount") or a.text("Amount")
                lines = ", ".join(f"{el.tag} {el.findtext('AccountRef/FullName')} {el.findtext('Amount')}"
                                  for el in a.ret if el.tag in ("JournalDebitLine", "JournalCreditLine",
                                                                "ExpenseLineRet"))
                observed = f"added, total {got or total}; lines: {lines}. In QuickBooks: does the GST/HST return " \
                           "show it as an input tax credit?"
                return (None, "an answer: added (the route is open) or refused (it is not)", observed)
            return (None, "an answer: added (the route is open) or refused (it is not)", a.describe())
        return check

    def _note_group(self, k, a):
        self.group_exists = a.code == 0
        return None

    def _check_group_add(self, k, a):
        self.group_added = a.code == 0
        if a.code == 0:
            self.added.append(("Item", "SBX-GROUP-1", a.text("ListID")))
            return None
        return (None, "the Group item is added", a.describe())

    def _check_group_receipt(self, k, a):
        if a.code == 0:
            self.added.append(("SalesReceipt", a.text("RefNumber"), a.text("TxnID")))
        refused = a.hresult is not None or (a.code is not None and a.code >= 1000)
        return (refused, "refused (Settlebridge holds such a document before sending it)", a.describe())

    def _check_fx_rate(self, k, a):
        rate = a.text("ExchangeRate")
        same = rate is not None and float(rate) == 0.7312
        return (a.code == 0 and same, "ExchangeRate 0.7312", f"ExchangeRate {rate}" if a.code == 0 else a.describe())

    def _check_fx_deposit(self, k, a):
        expected = "added, total 10.00 at ExchangeRate 0.7312"
        if a.code == 0 and a.text("TxnID"):
            self.txn["fx-deposit"] = a.text("TxnID")
            self.added.append(("Deposit", f"{a.text('DepositTotal')} on {a.text('TxnDate')}", a.text("TxnID")))
            rate = a.text("ExchangeRate")
            same = rate is not None and float(rate) == 0.7312
            return (a.text("DepositTotal") == "10.00" and same, expected,
                    f"added, total {a.text('DepositTotal')} at ExchangeRate {rate}")
        return (False, expected, a.describe())

    def _check_fx_returned(self, k, a):
        expected = f"added into SBX Reserved, total 4.00 in {self.fx_currency()} at ExchangeRate 0.7312"
        if a.code == 0 and a.text("TxnID"):
            self.txn["fx-returned"] = a.text("TxnID")
            self.added.append(("Deposit", f"{a.text('DepositTotal')} on {a.text('TxnDate')}", a.text("TxnID")))
            rate = a.text("ExchangeRate")
            currency = a.text("CurrencyRef/FullName")
            same = rate is not None and float(rate) == 0.7312
            return (a.text("DepositTotal") == "4.00" and same and currency == self.fx_currency(), expected,
                    f"added into {a.text('DepositToAccountRef/FullName')}, total {a.text('DepositTotal')} in "
                    f"{currency} at ExchangeRate {rate}")
        return (False, expected, a.describe())

    def _check_numbering(self, k, a):
        got = a.text("RefNumber")
        expected = str(self.user_number + 1)
        return (got == expected, f'QuickBooks numbers it "{expected}" (after the user\'s "{self.user_number}", not '
                                 f'after "{self.refn(4, "R")}")', f'"{got}"' if a.code == 0 else a.describe())

    # -------------------------------------------------------------------------------------- the session
    group_exists = False
    group_added = False

    def next_request(self):
        """The next qbXML to send, or "" when the set is done. Skipped steps get their row here."""
        with self.lock:
            while self.index < len(self.steps):
                step = self.steps[self.index]
                self.skip_reason = None
                text = step.build(self)
                if text is not None:
                    return text
                if not step.setup:
                    self.rows.append({"check": step.row, "expected": "-", "observed": "-",
                                      "result": "not run: " + (self.skip_reason or "skipped")})
                self.index += 1
            self.finished = True
            return ""

    def receive(self, response, hresult, message):
        """Records the answer to the request handed out last; returns the percentage done."""
        with self.lock:
            if self.index >= len(self.steps):
                return 100
            step = self.steps[self.index]
            try:
                answer = Answer(response, hresult, message)
                outcome = step.check(self, answer) if step.check else None
            except ET.ParseError as exc:
                outcome = (False, "a qbXML answer", f"unreadable answer: {exc}")
            if outcome is not None:
                passed, expected, observed = outcome
                result = "pass" if passed else ("FAIL" if passed is False else "see observed")
                self.rows.append({"check": step.row, "expected": expected, "observed": observed, "result": result})
            self.index += 1
            # skip over the steps that will not run, so that 100 means done
            while self.index < len(self.steps):
                self.skip_reason = None
                if self.steps[self.index].build(self) is not None:
                    break
                if not self.steps[self.index].setup:
                    self.rows.append({"check": self.steps[self.index].row, "expected": "-", "observed": "-",
                                      "result": "not run: " + (self.skip_reason or "skipped")})
                self.index += 1
            if self.index >= len(self.steps):
                self.finished = True
                return 100
            return max(1, min(99, self.index * 100 // len(self.steps)))

    # ----------------------------------------------------------------------------------------- reports
    def report(self):
        return {"kit": "settlebridge-qb-acceptance/1", "tag": self.tag, "date": self.today,
                "country": self.country, "qbxml_version": self.version, "multicurrency": self.multicurrency,
                "home_currency": self.home_currency, "tax_code": self.tax_code, "rows": self.rows,
                "added": [{"kind": k, "name": n, "id": i} for k, n, i in self.added],
                "passed": sum(1 for r in self.rows if r["result"] == "pass"),
                "failed": sum(1 for r in self.rows if r["result"] == "FAIL")}

    def table(self):
        lines = [f"Settlebridge acceptance check {self.tag} on {self.today}: QuickBooks {self.country} edition, "
                 f"qbXML {self.version}, multicurrency {'on' if self.multicurrency else 'off'}", ""]
        width = max([len(r["check"]) for r in self.rows] + [5])
        lines.append(f"{'#':>2}  {'check':<{width}}  result        expected -> observed")
        for i, r in enumerate(self.rows, 1):
            lines.append(f"{i:>2}  {r['check']:<{width}}  {r['result']:<12}  {r['expected']} -> {r['observed']}")
        rep = self.report()
        lines += ["", f"{rep['passed']} passed, {rep['failed']} failed, "
                      f"{len(self.rows) - rep['passed'] - rep['failed']} other.", ""]
        lines += self.cleanup()
        return "\n".join(lines) + "\n"

    def cleanup(self):
        order = ["ARRefundCreditCard", "Transfer", "Deposit", "JournalEntry", "Check", "CreditMemo", "SalesReceipt",
                 "Item", "Customer", "Account"]
        where = {"ARRefundCreditCard": "Customers > Customer Center, the customer, the refund (Edit > Delete)",
                 "Transfer": "Banking > Transfer Funds, Previous until it shows (Edit > Delete Transfer)",
                 "Deposit": "Banking > Make Deposits, Previous until it shows (Edit > Delete Deposit)",
                 "JournalEntry": "Company > Make General Journal Entries, Previous until it shows (Edit > Delete)",
                 "Check": "Banking > Write Cheques, Previous until it shows (Edit > Delete Cheque)",
                 "CreditMemo": "Customers > Customer Center, the customer, the credit memo (Edit > Delete)",
                 "SalesReceipt": "Customers > Customer Center, the customer, the sales receipt (Edit > Delete)",
                 "Item": "Lists > Item List (Edit > Delete Item)",
                 "Customer": "Customers > Customer Center (Edit > Delete Customer:Job)",
                 "Account": "Lists > Chart of Accounts (Edit > Delete Account)"}
        out = ["How to delete what the check added (it used only names and numbers starting with "
               f"\"{PREFIX}\"; restoring the sandbox copy does the same):"]
        for kind in order:
            entries = [(n, i) for k, n, i in self.added if k == kind]
            if not entries:
                continue
            out.append(f"  {kind} ({where[kind]}):")
            out += [f"    {n}   [{i}]" for n, i in entries]
        if len(out) == 1:
            out.append("  nothing was added.")
        out.append("  Delete in this order: refunds, transfers, deposits, journal entries, cheques, credit memos, "
                   "sales receipts, then the items, customers and accounts (QuickBooks refuses to delete a list "
                   "entry that is still used).")
        return out


def _base36(n):
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


# --------------------------------------------------------------------------------------------------------------
# The Web Connector's side: a QBWC SOAP service (the 8 operations of the QBWC WSDL)


def soap_answer(operation, result_xml):
    return ('<?xml version="1.0" encoding="utf-8"?>'
            f'<soap:Envelope xmlns:soap="{SOAP_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>'
            f'<{operation}Response xmlns="{QBWC_NS}">{result_xml}</{operation}Response>'
            '</soap:Body></soap:Envelope>')


def text_result(operation, value):
    return soap_answer(operation, f"<{operation}Result>{escape(value)}</{operation}Result>")


class Service:
    def __init__(self, kit, user, password, on_done=None):
        self.kit = kit
        self.user = user
        self.password = password
        self.ticket = None
        self.on_done = on_done
        self.last_error = ""

    def handle(self, body):
        root = ET.fromstring(body)
        soap_body = root.find(f"{{{SOAP_NS}}}Body")
        call = soap_body[0]
        op = call.tag.split("}", 1)[-1]
        args = {c.tag.split("}", 1)[-1]: (c.text or "") for c in call}
        if op == "serverVersion":
            return text_result(op, "Settlebridge acceptance check 1")
        if op == "clientVersion":
            return text_result(op, "")
        if op == "authenticate":
            if args.get("strUserName") == self.user and args.get("strPassword") == self.password:
                self.ticket = str(uuid.uuid4())
                values = [self.ticket, ""]
            else:
                values = ["", "nvu"]
            inner = "".join(f"<string>{escape(v)}</string>" for v in values)
            return soap_answer(op, f"<authenticateResult>{inner}</authenticateResult>")
        if args.get("ticket") != self.ticket or self.ticket is None:
            if op == "receiveResponseXML":
                return soap_answer(op, "<receiveResponseXMLResult>-1</receiveResponseXMLResult>")
            self.last_error = "unknown ticket"
            return text_result(op, "" if op == "sendRequestXML" else "unknown ticket")
        if op == "sendRequestXML":
            return text_result(op, self.kit.next_request())
        if op == "receiveResponseXML":
            percent = self.kit.receive(args.get("response"), args.get("hresult"), args.get("message"))
            return soap_answer(op, f"<receiveResponseXMLResult>{percent}</receiveResponseXMLResult>")
        if op == "connectionError":
            self.last_error = f"QuickBooks could not be opened: {args.get('hresult')} {args.get('message')}"
            return text_result(op, "done")
        if op == "getLastError":
            return text_result(op, self.last_error or ("done" if self.kit.finished else ""))
        if op == "closeConnection":
            if self.on_done:
                self.on_done()
            return text_result(op, "Settlebridge acceptance check finished: see the table where it runs.")
        raise ValueError(f"unknown operation {op}")


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def _send(self, code, body, ctype="text/xml; charset=utf-8"):
        data = body.encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # the .qwc's AppSupport page
        self._send(200, "<html><body>Settlebridge acceptance check: see docs/REAL-QUICKBOOKS.md</body></html>",
                   "text/html; charset=utf-8")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if self.headers.get("Expect", "").lower() == "100-continue":
            pass  # http.server answers 100 Continue itself
        body = self.rfile.read(length)
        try:
            answer = self.server.service.handle(body)
        except Exception as exc:  # a SOAP fault, as any SOAP server answers a call it cannot read
            fault = (f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP_NS}"><soap:Body>'
                     f"<soap:Fault><faultcode>soap:Client</faultcode><faultstring>{escape(str(exc))}</faultstring>"
                     "</soap:Fault></soap:Body></soap:Envelope>")
            self._send(500, fault)
            return
        self._send(200, answer)


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class AcceptanceServer:
    """The kit's QBWC endpoint on host:port (0 = any free port): start(), .url, .kit, .done (an Event), close()."""

    def __init__(self, user, password, host="127.0.0.1", port=0, kit=None):
        self.kit = kit or Kit()
        self.done = threading.Event()
        self.httpd = _Server((host, port), _Handler)
        self.httpd.service = Service(self.kit, user, password, on_done=self.done.set)
        self.url = f"http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:" \
                   f"{self.httpd.server_address[1]}/qbwc"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def qwc(url, user):
    owner = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "settlebridge-acceptance")).upper() + "}"
    file_id = "{" + str(uuid.uuid4()).upper() + "}"
    return ('<?xml version="1.0"?>\n<QBWCXML>\n  <AppName>Settlebridge acceptance check</AppName>\n'
            f"  <AppID></AppID>\n  <AppURL>{escape(url)}</AppURL>\n"
            "  <AppDescription>Posts a prepared set of qbXML to a SANDBOX company file and checks the answers"
            "</AppDescription>\n"
            f"  <AppSupport>{escape(url.rsplit('/', 1)[0])}/support</AppSupport>\n  <UserName>{escape(user)}</UserName>\n"
            f"  <OwnerID>{owner}</OwnerID>\n  <FileID>{file_id}</FileID>\n  <QBType>QBFS</QBType>\n"
            "  <IsReadOnly>false</IsReadOnly>\n</QBWCXML>\n")


def main(argv=None):
    p = argparse.ArgumentParser(description="Settlebridge's acceptance check for a real QuickBooks Desktop "
                                            "(run it against a SANDBOX company file; docs/REAL-QUICKBOOKS.md).")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (the Web Connector needs https for "
                                                       "any host but localhost)")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--user", default="sbx-acceptance", help="the Web Connector user name (in the .qwc)")
    p.add_argument("--password", help="the password to type into the Web Connector")
    p.add_argument("--password-env", help="read the password from this environment variable")
    p.add_argument("--qwc", default="settlebridge-acceptance.qwc", help="where to write the .qwc file")
    p.add_argument("--report", default="settlebridge-acceptance.json", help="where to write the JSON report")
    p.add_argument("--table", default="settlebridge-acceptance.txt", help="where to write the printed table")
    p.add_argument("--timeout", type=float, default=3600, help="give up after this many seconds")
    a = p.parse_args(argv)
    password = a.password or (os.environ.get(a.password_env) if a.password_env else None)
    if not password:
        p.error("give --password or --password-env")
    server = AcceptanceServer(a.user, password, a.host, a.port).start()
    with open(a.qwc, "w", encoding="utf-8") as f:
        f.write(qwc(server.url, a.user))
    print(f"Listening on {server.url}. Add {a.qwc} to the QuickBooks Web Connector (File > Add an application), "
          f"with a SANDBOX company file open, type the password, and click Update Selected.", flush=True)
    finished = server.done.wait(a.timeout)
    server.close()
    table = server.kit.table()
    print(table)
    with open(a.table, "w", encoding="utf-8") as f:
        f.write(table)
    with open(a.report, "w", encoding="utf-8") as f:
        json.dump(server.kit.report(), f, indent=2, ensure_ascii=False)
    print(f"Written: {a.table} and {a.report}. Send both to us (docs/REAL-QUICKBOOKS.md).")
    if not finished:
        print("The Web Connector did not finish a session in time.", file=sys.stderr)
        return 2
    return 1 if server.kit.report()["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
