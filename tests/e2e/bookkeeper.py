"""What the bookkeeper does beside Settlebridge in the carried-balance tests (docs/ACCOUNTING.md section 14), and the
ledger questions those tests ask.

The bookkeeper enters, in the simulated QuickBooks, exactly what the document says: every charge Amazon makes to the
seller's card outside a payout as Enter Credit Card Charges with the account "Amazon Reserved Balances", and the
bank's 0.01 micro-deposit as Make Deposits with a line from that account. Both go in as qbXML (CreditCardChargeAdd,
DepositAdd), which the simulator checks against the schema like every other request.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

RESERVED = "Amazon Reserved Balances"
BANK = "Checking"
CARD = "Amazon Visa"
GENERATOR = os.path.join(h.SOURCE_DIR, "tools", "generate_settlement.py")
_SETTLEMENT = re.compile(r"Amazon settlement (\d+)")


def _amount(cents):
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def _process(qb_path, body):
    xml = ('<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?><QBXML>'
           f'<QBXMLMsgsRq onError="stopOnError">{body}</QBXMLMsgsRq></QBXML>')
    with h.open_locked(qb_path) as company:
        result = company.process(xml)
    if result.hresult or any(s["statusSeverity"] == "Error" for s in result.statuses):
        raise AssertionError(f"QuickBooks refused the bookkeeper's entry: {result.message or result.response}")
    return result


def add_card_account(qb_path, name=CARD):
    """The seller's card in the company file (the bookkeeper has it already)."""
    with h.open_locked(qb_path) as company:
        if company.find_account(name) is None:
            company.create_account(name, "CreditCard")


def card_charge(qb_path, date, cents, card=CARD, memo="Amazon charge on the card statement"):
    """Banking > Enter Credit Card Charges: the statement line, coded to Amazon Reserved Balances."""
    _process(qb_path, f'<CreditCardChargeAddRq requestID="cc"><CreditCardChargeAdd>'
                      f'<AccountRef><FullName>{card}</FullName></AccountRef><TxnDate>{date}</TxnDate>'
                      f'<Memo>{memo}</Memo><ExpenseLineAdd><AccountRef><FullName>{RESERVED}</FullName></AccountRef>'
                      f'<Amount>{_amount(cents)}</Amount></ExpenseLineAdd></CreditCardChargeAdd></CreditCardChargeAddRq>')


def bank_deposit(qb_path, date, cents, bank=BANK, memo="Amazon micro-deposit on the bank statement"):
    """Banking > Make Deposits into the bank account, with a line from Amazon Reserved Balances."""
    _process(qb_path, f'<DepositAddRq requestID="dep"><DepositAdd><TxnDate>{date}</TxnDate>'
                      f'<DepositToAccountRef><FullName>{bank}</FullName></DepositToAccountRef><Memo>{memo}</Memo>'
                      f'<DepositLineAdd><AccountRef><FullName>{RESERVED}</FullName></AccountRef>'
                      f'<Amount>{_amount(cents)}</Amount></DepositLineAdd></DepositAdd></DepositAddRq>')


def balance(qb_path, account):
    company = h.load_qb(qb_path)
    return company.balance(account) if company.find_account(account) else 0


def movements(qb_path, account, kinds=("SalesReceipt", "CreditMemo", "ARRefundCreditCard")):
    """{settlement id: cents} that the documents of each settlement (by their memo) moved `account` by (debit +)."""
    company = h.load_qb(qb_path)
    record = company.find_account(account)
    out = {}
    if record is None:
        return out
    for txn in company.state["transactions"]:
        if txn["kind"] not in kinds:
            continue
        m = _SETTLEMENT.search(txn.get("memo") or "")
        if not m:
            continue
        moved = sum(p["debit"] for p in txn["postings"] if p["account"] == record["list_id"])
        out[m.group(1)] = out.get(m.group(1), 0) + moved
    return out


def transfers(qb_path):
    """[(date, from, to, cents, memo)] of every transfer in the company file, in the order they were added."""
    company = h.load_qb(qb_path)
    name = lambda list_id: company.find_account(list_id=list_id)["full_name"]  # noqa: E731
    return [(t["txn_date"], name(t["from_account"]), name(t["to_account"]), t["total"], t.get("memo") or "")
            for t in company.state["transactions"] if t["kind"] == "Transfer"]


def generate(path, settlement_id, start, days=14, orders=0, rows=(), marketplace="Amazon.ca", currency="CAD",
             extra=(), seed=7):
    """A project-made settlement (tools/generate_settlement.py) with only the given account rows besides its orders.
    Returns the path."""
    cmd = [sys.executable, GENERATOR, "--orders", str(orders), "--seed", str(seed), "--settlement-id", settlement_id,
           "--start", start, "--days", str(days), "--marketplace", marketplace, "--currency", currency,
           "--no-account-rows", "--skus", "5"]
    for row in rows:
        cmd += ["--row", row]
    cmd += list(extra) + [path]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError(f"generate_settlement.py failed: {proc.stderr}")
    return path


def row(description, cents, when=None, transaction_type="other-transaction", amount_type="other-transaction"):
    spec = f"{transaction_type}|{amount_type}|{description}|{_amount(cents)}"
    return spec + (f"|{when}" if when else "")
