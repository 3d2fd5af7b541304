#!/usr/bin/python3
"""Print what a simulated QuickBooks company holds: account balances, customer balances, documents.

usage: ledger.py STATE.json [--json] [--check]

  --json   one JSON document instead of the readable tables
  --check  exit 1 unless the ledger is sound: debits equal credits, no RefNumber added more than once,
           no hard failure (a request QuickBooks could not parse) recorded

Exit codes: 0 printed (and sound, with --check); 1 --check found a problem; 2 bad usage or unreadable state.
"""
import argparse
import json
import os
import sys


def _bootstrap():
    """Run under Debian's python3 (which has python3-lxml) when the first python3 on PATH lacks it."""
    tools = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if tools not in sys.path:
        sys.path.insert(0, tools)
    from debian_python import rerun_under_debian_python
    rerun_under_debian_python(("lxml",), [os.path.abspath(__file__)] + sys.argv[1:])


def report(company):
    """The ledger as a plain dict (what --json prints)."""
    return {
        "company": company.state["company"]["name"],
        "trial_balance_cents": company.trial_balance(),
        "home_currency": company.home_currency()["code"],
        "accounts": [{"name": n, "type": t, "currency": company.account_currency(n), "balance_cents": b,
                      "home_balance_cents": company.home_balance(n)} for n, t, b in company.balances()],
        "balances_by_currency": company.balances_by_currency(),
        "customers": [{"name": c["full_name"], "currency": company.currency_of(c)["code"],
                       "balance_cents": company.customer_balance(c["full_name"])}
                      for c in company.state["customers"]],
        "documents": company.documents(),
        "adds_per_refnumber": [{"kind": k, "ref_number": r, "count": n}
                               for (k, r), n in sorted(company.add_counts().items(), key=lambda x: (x[0][0], str(x[0][1])))],
        "hard_failures": company.hard_failures(),
    }


def problems(company):
    out = []
    if company.trial_balance() != 0:
        out.append(f"debits and credits differ by {company.trial_balance()} cents")
    for (kind, ref_number), n in company.add_counts().items():
        if ref_number is not None and n > 1:
            out.append(f"{kind} {ref_number} was added {n} times")
    for f in company.hard_failures():
        out.append(f"hard failure #{f['seq']} ({f['kind']}): {f['detail'][:200]}")
    return out


def print_tables(company, out=sys.stdout):
    from quickbooks_sim import money
    amt = money.format_amount
    out.write(f"Company: {company.state['company']['name']} (home currency {company.home_currency()['code']})\n\n"
              "Accounts (balance in the account's currency)\n")
    for name, acct_type, bal in company.balances():
        out.write(f"  {name:<40} {acct_type:<22} {amt(bal):>14} {company.account_currency(name)}\n")
    out.write("\nCustomers\n")
    for c in company.state["customers"]:
        out.write(f"  {c['full_name']:<40} {amt(company.customer_balance(c['full_name'])):>14} "
                  f"{company.currency_of(c)['code']}\n")
    out.write("\nDocuments\n")
    for d in company.documents():
        extra = f" credit left {amt(d['credit_remaining_cents'])}" if d["credit_remaining_cents"] is not None else ""
        out.write(f"  {d['kind']:<20} {d['ref_number'] or '-':<12} {d['txn_date']} {d['txn_id']:<18} "
                  f"total {amt(d['total_cents']):>12}{extra}\n")
    out.write(f"\nTrial balance: {amt(company.trial_balance())}\n")
    failures = company.hard_failures()
    out.write(f"Hard failures: {len(failures)}\n")
    for f in failures:
        out.write(f"  #{f['seq']} {f['kind']}: {f['detail'][:300]}\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Print the ledger of a simulated QuickBooks company.")
    parser.add_argument("state", help="company-state JSON file")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 unless the ledger is sound")
    args = parser.parse_args(argv)
    from quickbooks_sim import Company, SimError
    try:
        company = Company.load(args.state)
    except (OSError, SimError) as exc:
        print(f"ledger: {exc}", file=sys.stderr)
        return 2
    if args.json:
        json.dump(report(company), sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print_tables(company)
    if args.check:
        found = problems(company)
        for p in found:
            print(f"ledger: {p}", file=sys.stderr)
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    _bootstrap()
    sys.exit(main())
