"""What a bookkeeper enters by hand in QuickBooks Desktop beside Settlebridge's documents: Enter Credit Card Charges
(CreditCardChargeAdd with expense lines) and Make Deposits (DepositAdd with lines coded to accounts). The carried-
balance walk-through of docs/ACCOUNTING.md codes Amazon's card charges and its bank micro-deposit to "Amazon Reserved
Balances" this way; the end-to-end tests enter them through these requests, exactly as the bookkeeper would.

Rules kept (QuickBooks Desktop's Enter Credit Card Charges and Make Deposits windows; qbXML 13.0 schema):
  - CreditCardChargeAdd/AccountRef must name a CreditCard account (sim wording, 3180); each ExpenseLineAdd needs an
    AccountRef and an Amount; the charge's total is the sum of its lines and must be positive. Item lines are not
    simulated (1030).
  - DepositAdd/DepositToAccountRef must name a Bank or OtherCurrentAsset account, each DepositLineAdd/AccountRef an
    account of a type rules.json's "deposit_line" role lists (not A/R, A/P or non-posting; 3140 otherwise, as an
    account the form's list does not offer); only lines coded to an account (DepositInfo: AccountRef + Amount) are
    simulated, not the deposit of received payments (PaymentTxnID, 1030); the total must be positive. Cash back is
    not simulated (1030).
  - Both obey the closing date (3171). A card charge's accounts must be in one currency or the home one. A deposit's
    currency (Intuit's help for QuickBooks Desktop, "How currencies work with QuickBooks deposits": the Make Deposits
    window's Deposit To, Currency and From Account fields): without a CurrencyRef, the currency of the account it
    goes to; a CurrencyRef (3250 with multicurrency off, 3140 for a currency not in the list) must name that
    account's currency when the account is in a foreign one, and may name any currency when the account is in the
    home one (foreign funds deposited into a home-currency account, at a rate); each line's account must be in the
    deposit's currency or the home one (3180). ExchangeRate (home currency per unit) is honoured on a deposit in a
    foreign currency, like on a sales receipt: a positive rate, 3250 with multicurrency off; without one the
    currency list's rate is used. A rate on a card charge is not simulated (1030).
"""
from . import money
from .engine import (MC_OFF_MESSAGE, QBError, Outcome, _check_account_role, _check_open_period, _check_positive, _currency_ref,
                     _def_macro, _exchange_rate, _is_home, _multicurrency, _postings, _ref_of, _reject, _resolve,
                     _resolve_opt, _given_ref, _txn_core, _txn_query)
from .qbxml_writer import E, leaf


def _error(kind, detail):
    return QBError(3180, f"There was an error when saving a {kind}.  QuickBooks error message: {detail}")


def _account_lines(ctx, add, line_tag, kind, role=None):
    c = ctx.company
    lines = []
    for el in add.findall(line_tag):
        given = _given_ref(el, "AccountRef")
        if given is None:
            raise _error(kind, "Each line needs an account.")
        account = _resolve(c.find_account, given, "Account", kind)
        if role is not None:
            _check_account_role(account, role, kind)
        amount_text = el.findtext("Amount")
        if amount_text is None:
            raise _error(kind, f'The line for "{account["full_name"]}" has no amount.')
        lines.append({"account": account["list_id"], "amount": money.parse_amount(amount_text),
                      "memo": el.findtext("Memo")})
    if not lines:
        raise _error(kind, "The transaction has no lines.")
    return lines


def _one_currency(ctx, kind, accounts):
    """With multicurrency on: the transaction's currency, from its accounts (all in one currency, or the home one)."""
    if not ctx.state["preferences"]["multicurrency"]:
        return None
    c = ctx.company
    foreign = {c.currency_of(a)["list_id"]: c.currency_of(a) for a in accounts
               if not _is_home(ctx, c.currency_of(a))}
    if len(foreign) > 1:
        raise _error(kind, "The accounts of one transaction must be in one currency or the home currency.")
    return next(iter(foreign.values()), None)


def _deposit_currency(ctx, kind, add, to, lines):
    """With multicurrency on: the deposit's currency, its CurrencyRef or else the one of the account it goes to (a
    CurrencyRef must name a foreign deposit account's own currency; a home-currency account takes funds in any
    currency); every line's account must be in that currency or the home one (Intuit's help on deposits: a foreign
    From Account must use the deposit's currency)."""
    c = ctx.company
    given = add.find("CurrencyRef")
    if not _multicurrency(ctx):
        if given is not None:
            raise QBError(3250, MC_OFF_MESSAGE)
        return None
    home = c.home_currency()
    currency = c.currency_of(to)
    if given is not None:
        named = _resolve_opt(ctx, add, "CurrencyRef", c.find_currency, "Currency", kind)
        if currency["list_id"] != home["list_id"] and named["list_id"] != currency["list_id"]:
            raise _error(kind, f'The currency of the deposit ({named["full_name"]}) must be the currency of the '
                               f'deposit account "{to["full_name"]}" ({currency["full_name"]}).')
        currency = named
    for ln in lines:
        account = c.find_account(list_id=ln["account"])
        have = c.currency_of(account)
        if have["list_id"] not in (currency["list_id"], home["list_id"]):
            raise _error(kind, f'The currency of the account "{account["full_name"]}" ({have["full_name"]}) must be '
                               f'the currency of the deposit ({currency["full_name"]}) or the home currency '
                               f'({home["full_name"]}).')
    return currency


def _record(ctx, rq, kind, add, main_account, main_sign, lines, currency=None, rate=None):
    """Adds the transaction: the main account gets main_sign * total, each line the opposite of its amount. Without
    a `currency`, the accounts' one currency (or the home one) and the currency list's rate."""
    c = ctx.company
    total = sum(ln["amount"] for ln in lines)
    _check_positive(total, kind, allow_zero=False)
    txn_date = add.findtext("TxnDate") or c.today()
    _check_open_period(ctx, txn_date, kind)
    if currency is None:
        accounts = [main_account] + [c.find_account(list_id=ln["account"]) for ln in lines]
        currency = _one_currency(ctx, kind, accounts)
    if rate is None:
        rate = money.parse_decimal(currency.get("rate") or "1") if currency is not None else None
    rows = [(main_account["list_id"], main_sign * total, None)]
    rows += [(ln["account"], -main_sign * ln["amount"], None) for ln in lines if ln["amount"]]
    epoch, iso = c.now()
    t = {"kind": kind, "txn_id": c.next_txn_id(), "txn_number": c.next_txn_number(), "time_created": iso,
         "time_modified": iso, "edit_sequence": str(epoch), "txn_date": txn_date,
         "ref_number": add.findtext("RefNumber"), "memo": add.findtext("Memo"),
         "external_guid": add.findtext("ExternalGUID"), "account": main_account["list_id"], "lines": [],
         "account_lines": lines, "total": total, "subtotal": total, "tax": 0, "request_id": rq.get("requestID"),
         "currency": currency["list_id"] if currency else None,
         "exchange_rate": None if _is_home(ctx, currency) else money.format_decimal(rate, 0, 10),
         "postings": _postings(ctx, rows, currency, rate)}
    c.add_transaction(t)
    _def_macro(ctx, add, t["txn_id"])
    return t


def _charge_ret(ctx, t, _opts):
    c = ctx.company
    ret = E("CreditCardChargeRet").add(*_txn_core(t))
    ret.add(_ref_of(c.find_account, t["account"], "AccountRef"), leaf("TxnDate", t["txn_date"]),
            leaf("Amount", money.format_amount(t["total"])), leaf("RefNumber", t.get("ref_number")),
            leaf("Memo", t.get("memo")), leaf("ExternalGUID", t.get("external_guid")))
    for n, ln in enumerate(t["account_lines"], start=1):
        ret.add(E("ExpenseLineRet").add(leaf("TxnLineID", f"{t['txn_id']}-{n}"),
                                        _ref_of(c.find_account, ln["account"], "AccountRef"),
                                        leaf("Amount", money.format_amount(ln["amount"])), leaf("Memo", ln.get("memo"))))
    return ret


def h_credit_card_charge_add(ctx, rq):
    c = ctx.company
    kind = "CreditCardCharge"
    add = rq.find("CreditCardChargeAdd")
    _reject(ctx, add, ["PayeeEntityRef", "IsTaxIncluded", "SalesTaxCodeRef", "ExchangeRate", "ItemLineAdd",
                       "ItemGroupLineAdd"])
    card = _resolve(c.find_account, _given_ref(add, "AccountRef"), "Account", kind)
    if card["type"] != "CreditCard":
        raise _error(kind, f'"{card["full_name"]}" is not a credit card account.')
    t = _record(ctx, rq, kind, add, card, -1, _account_lines(ctx, add, "ExpenseLineAdd", kind))
    return Outcome([_charge_ret(ctx, t, {})], applied=True,
                   info={"TxnID": t["txn_id"], "TotalAmount": money.format_amount(t["total"])})


def _deposit_ret(ctx, t, _opts):
    c = ctx.company
    ret = E("DepositRet").add(*_txn_core(t))
    ret.add(leaf("TxnDate", t["txn_date"]), _ref_of(c.find_account, t["account"], "DepositToAccountRef"),
            leaf("Memo", t.get("memo")), leaf("DepositTotal", money.format_amount(t["total"])))
    if _multicurrency(ctx) and t.get("currency"):
        ret.add(_currency_ref(ctx, t), leaf("ExchangeRate", t.get("exchange_rate")),
                leaf("DepositTotalInHomeCurrency", money.format_amount(_home_total(ctx, t))))
    ret.add(leaf("ExternalGUID", t.get("external_guid")))
    for n, ln in enumerate(t["account_lines"], start=1):
        ret.add(E("DepositLineRet").add(leaf("TxnLineID", f"{t['txn_id']}-{n}"),
                                        _ref_of(c.find_account, ln["account"], "AccountRef"),
                                        leaf("Memo", ln.get("memo")), leaf("Amount", money.format_amount(ln["amount"]))))
    return ret


def _home_total(ctx, t):
    """The deposit account's posting in home-currency cents (what DepositTotalInHomeCurrency reports)."""
    return next((p["debit"] for p in t["postings"] if p["account"] == t["account"]), 0)


def h_deposit_add(ctx, rq):
    c = ctx.company
    kind = "Deposit"
    add = rq.find("DepositAdd")
    _reject(ctx, add, ["CashBackInfoAdd"])
    for line in add.findall("DepositLineAdd"):
        _reject(ctx, line, ["PaymentTxnID", "PaymentTxnLineID", "OverrideMemo", "OverrideCheckNumber",
                            "OverrideClassRef"])
    to = _resolve_opt(ctx, add, "DepositToAccountRef", c.find_account, "Account", kind)
    _check_account_role(to, "deposit", kind)
    lines = _account_lines(ctx, add, "DepositLineAdd", kind, role="deposit_line")
    currency = _deposit_currency(ctx, kind, add, to, lines)
    rate = _exchange_rate(ctx, add, currency, kind)
    t = _record(ctx, rq, kind, add, to, 1, lines, currency=currency, rate=rate)
    return Outcome([_deposit_ret(ctx, t, {})], applied=True,
                   info={"TxnID": t["txn_id"], "TotalAmount": money.format_amount(t["total"])})


def h_credit_card_charge_query(ctx, rq):
    return _txn_query(ctx, rq, "CreditCardCharge", _charge_ret)


def h_deposit_query(ctx, rq):
    return _txn_query(ctx, rq, "Deposit", _deposit_ret)


HANDLERS = {
    "CreditCardChargeAddRq": h_credit_card_charge_add,
    "CreditCardChargeQueryRq": h_credit_card_charge_query,
    "DepositAddRq": h_deposit_add,
    "DepositQueryRq": h_deposit_query,
}
