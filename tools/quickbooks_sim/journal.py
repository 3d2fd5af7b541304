"""Two more things a bookkeeper enters by hand, used by the real-QuickBooks kit's tax-code experiment
(tools/qb-acceptance, docs/ACCOUNTING.md section 15): a general journal entry (JournalEntryAdd) whose tax line names
a sales tax item (ItemSalesTaxRef, Canadian edition), and a cheque (CheckAdd) whose expense line carries a tax code
(SalesTaxCodeRef, Canadian edition). Settlebridge sends neither.

Rules kept (qbXML 13.0 schema and Intuit's annotated listing for the elements and editions; the rest inferred):
  - JournalEntryAdd: one or more JournalDebitLine/JournalCreditLine, each with an AccountRef and an Amount (not
    negative); the debits equal the credits and are not zero (inferred; the wording is the simulator's, 3180).
    ItemSalesTaxRef names a sales tax item (3140 otherwise); it is not in the US edition (editions.py). A line on an
    Accounts Receivable or Accounts Payable account needs a customer or vendor in QuickBooks: not simulated (1030
    for EntityRef, 3180 for such an account). Obeys the closing date (3171).
  - CheckAdd: AccountRef names a Bank account (3180 otherwise, inferred wording); expense lines as in Enter Credit
    Card Charges (banking.py); a line's SalesTaxCodeRef names a code of the file (3140). The simulator computes NO
    tax on a purchase form: the cheque's total is the sum of its lines. What a real Canadian file does with the
    code (adds the tax on top, books it as an input tax credit) is exactly what the kit's experiment asks.
"""
from . import money
from .banking import _account_lines, _error, _record
from .engine import (QBError, Outcome, _check_open_period, _def_macro, _given_ref, _postings, _ref_of, _reject,
                     _resolve, _txn_core, _txn_query)
from .qbxml_writer import E, leaf

_LINES = ("JournalDebitLine", "JournalCreditLine")


def _journal_lines(ctx, add, kind):
    c = ctx.company
    lines = []
    for el in add:
        if el.tag not in _LINES:
            continue
        _reject(ctx, el, ["EntityRef", "ClassRef", "BillableStatus", "TxnLineID"])
        given = _given_ref(el, "AccountRef")
        if given is None:
            raise _error(kind, "Each line needs an account.")
        account = _resolve(c.find_account, given, "Account", kind)
        if account["type"] in ("AccountsReceivable", "AccountsPayable"):
            raise _error(kind, f'The line for "{account["full_name"]}" needs a customer or vendor.')
        amount_text = el.findtext("Amount")
        if amount_text is None:
            raise _error(kind, f'The line for "{account["full_name"]}" has no amount.')
        amount = money.parse_amount(amount_text)
        if amount < 0:
            raise _error(kind, f'The line for "{account["full_name"]}" has a negative amount.')
        tax_item = None
        given_tax = _given_ref(el, "ItemSalesTaxRef")
        if given_tax is not None:
            tax_item = _resolve(c.find_item, given_tax, "Item", kind)
            if tax_item["type"] != "ItemSalesTax":
                raise QBError(3140, f'There is an invalid reference to QuickBooks Item "{tax_item["full_name"]}" '
                                    f"in the {kind}.  It is not a sales tax item.")
        lines.append({"debit": el.tag == "JournalDebitLine", "account": account["list_id"], "amount": amount,
                      "memo": el.findtext("Memo"), "tax_item": tax_item["list_id"] if tax_item else None})
    if not lines:
        raise _error(kind, "The transaction has no lines.")
    return lines


def _journal_ret(ctx, t, _opts):
    c = ctx.company
    ret = E("JournalEntryRet").add(*_txn_core(t))
    ret.add(leaf("TxnDate", t["txn_date"]), leaf("RefNumber", t.get("ref_number")),
            leaf("IsAdjustment", "true" if t.get("is_adjustment") else "false"),
            leaf("ExternalGUID", t.get("external_guid")))
    for n, ln in enumerate(t["journal_lines"], start=1):
        line = E("JournalDebitLine" if ln["debit"] else "JournalCreditLine")
        line.add(leaf("TxnLineID", f"{t['txn_id']}-{n}"), _ref_of(c.find_account, ln["account"], "AccountRef"),
                 leaf("Amount", money.format_amount(ln["amount"])), leaf("Memo", ln.get("memo")),
                 _ref_of(c.find_item, ln.get("tax_item"), "ItemSalesTaxRef"))
        ret.add(line)
    return ret


def h_journal_entry_add(ctx, rq):
    c = ctx.company
    kind = "Journal Entry"
    add = rq.find("JournalEntryAdd")
    _reject(ctx, add, ["IsHomeCurrencyAdjustment", "IsAmountsEnteredInHomeCurrency", "CurrencyRef", "ExchangeRate"])
    lines = _journal_lines(ctx, add, kind)
    debits = sum(ln["amount"] for ln in lines if ln["debit"])
    credits = sum(ln["amount"] for ln in lines if not ln["debit"])
    if debits != credits or debits == 0:
        raise _error(kind, f"The debits ({money.format_amount(debits)}) and credits "
                           f"({money.format_amount(credits)}) must be equal and not zero.")
    txn_date = add.findtext("TxnDate") or c.today()
    _check_open_period(ctx, txn_date, kind)
    rows = [(ln["account"], ln["amount"] if ln["debit"] else -ln["amount"], None) for ln in lines if ln["amount"]]
    epoch, iso = c.now()
    t = {"kind": "JournalEntry", "txn_id": c.next_txn_id(), "txn_number": c.next_txn_number(), "time_created": iso,
         "time_modified": iso, "edit_sequence": str(epoch), "txn_date": txn_date,
         "ref_number": add.findtext("RefNumber"), "memo": add.findtext("Memo"),
         "external_guid": add.findtext("ExternalGUID"), "is_adjustment": add.findtext("IsAdjustment") == "true",
         "lines": [], "journal_lines": lines, "total": debits, "subtotal": debits, "tax": 0,
         "request_id": rq.get("requestID"), "currency": None, "postings": _postings(ctx, rows, None, None)}
    c.add_transaction(t)
    _def_macro(ctx, add, t["txn_id"])
    return Outcome([_journal_ret(ctx, t, {})], applied=True, info={"TxnID": t["txn_id"]})


def _check_ret(ctx, t, _opts):
    c = ctx.company
    ret = E("CheckRet").add(*_txn_core(t))
    ret.add(_ref_of(c.find_account, t["account"], "AccountRef"), leaf("RefNumber", t.get("ref_number")),
            leaf("TxnDate", t["txn_date"]), leaf("Amount", money.format_amount(t["total"])),
            leaf("Memo", t.get("memo")), leaf("ExternalGUID", t.get("external_guid")))
    for n, ln in enumerate(t["account_lines"], start=1):
        ret.add(E("ExpenseLineRet").add(leaf("TxnLineID", f"{t['txn_id']}-{n}"),
                                        _ref_of(c.find_account, ln["account"], "AccountRef"),
                                        leaf("Amount", money.format_amount(ln["amount"])), leaf("Memo", ln.get("memo")),
                                        _ref_of(c.find_sales_tax_code, ln.get("tax_code"), "SalesTaxCodeRef")))
    return ret


def h_check_add(ctx, rq):
    c = ctx.company
    kind = "Check"
    add = rq.find("CheckAdd")
    _reject(ctx, add, ["PayeeEntityRef", "IsTaxIncluded", "SalesTaxCodeRef", "ExchangeRate", "ApplyCheckToTxnAdd",
                       "ItemLineAdd", "ItemGroupLineAdd"])
    bank = _resolve(c.find_account, _given_ref(add, "AccountRef"), "Account", kind)
    if bank["type"] != "Bank":
        raise _error(kind, f'"{bank["full_name"]}" is not a bank account.')
    lines = _account_lines(ctx, add, "ExpenseLineAdd", kind)
    for el, ln in zip(add.findall("ExpenseLineAdd"), lines):
        given = _given_ref(el, "SalesTaxCodeRef")
        ln["tax_code"] = _resolve(c.find_sales_tax_code, given, "SalesTaxCode", kind)["list_id"] if given else None
    t = _record(ctx, rq, kind, add, bank, -1, lines)
    return Outcome([_check_ret(ctx, t, {})], applied=True,
                   info={"TxnID": t["txn_id"], "TotalAmount": money.format_amount(t["total"])})


def h_journal_entry_query(ctx, rq):
    return _txn_query(ctx, rq, "JournalEntry", _journal_ret)


def h_check_query(ctx, rq):
    return _txn_query(ctx, rq, "Check", _check_ret)


HANDLERS = {
    "JournalEntryAddRq": h_journal_entry_add,
    "JournalEntryQueryRq": h_journal_entry_query,
    "CheckAddRq": h_check_add,
    "CheckQueryRq": h_check_query,
}
