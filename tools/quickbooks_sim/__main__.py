"""Command line of the simulated QuickBooks company (run from tools/: python3 -m quickbooks_sim ...).

  init STATE.json [options]          create a company-state file (fails if it exists, unless --force)
  set STATE.json [options]           change preferences between sessions (closing date, sales tax...)
  process STATE.json REQUEST.xml     run one qbXML request ("-" = stdin), print QuickBooks' answer
  ledger STATE.json [--json] [--check]   balances, documents, hard failures (same as ledger.py)

Options of init and set:
  --name NAME                        company name (init)
  --file-path PATH                   company file path the Web Connector reports (init)
  --closing-date YYYY-MM-DD|none     closing date: documents dated on or before it are refused (3171)
  --sales-tax off|taxable-lines|all-lines[:RATE]   the sales-tax switch (RATE percent, e.g. all-lines:8.25)
  --multicurrency HOME|off           turn multicurrency on with that home currency ("US Dollar", "Euro", "USD"...)
  --exchange-rate CODE=RATE[@DATE]   a currency's exchange rate, home currency per unit, as of DATE (default: the
                                     company's today), e.g. CAD=0.73@2025-01-31; CODE=none: no rate
  --country US|CA|UK                 the QuickBooks edition (init): US or CA defaults (tools/README.md, "Editions")
  --qbxml-versions 1.0,...,13.0      SupportedQBXMLVersion list of the host (init)
  --today YYYY-MM-DD|none            the company's "today" (default TxnDate); none = the real date
  --account NAME=TYPE[:CURRENCY]     add an account (TYPE: Bank, Income, Expense, OtherCurrentLiability...;
                                     CURRENCY for a bank account in another currency, multicurrency on)
  --customer NAME[=CURRENCY]         add a customer (in CURRENCY, multicurrency on)
  --item TYPE:NAME=ACCOUNT           add an item (TYPE: ItemNonInventory, ItemOtherCharge, ItemService);
                                     NAME may be "Parent:Child" when the parent exists
  --answer-rule JSON                 answer one request type another way (tools/README.md "Answer rules"), e.g.
                                     '{"type": "SalesReceiptQueryRq", "action": "not-found", "times": 1}'
  --clear-answer-rules               drop every answer rule (before the --answer-rule options are added)

Exit codes: 0 done; 1 the request was refused or failed (process: a status of severity Error, or an HRESULT);
2 bad usage; 3 process: QuickBooks could not parse the request (a hard failure was recorded).
"""
import argparse
import os
import sys


def _bootstrap():
    """Run under Debian's python3 (which has python3-lxml) when the first python3 on PATH lacks it."""
    tools = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if tools not in sys.path:
        sys.path.insert(0, tools)
    from debian_python import rerun_under_debian_python
    rerun_under_debian_python(("lxml",), ["-m", "quickbooks_sim"] + sys.argv[1:])


def _add_settings(parser, init):
    if init:
        parser.add_argument("--name", default="Settlebridge Test Company")
        parser.add_argument("--file-path")
        parser.add_argument("--qbxml-versions")
        parser.add_argument("--country", default="US")
        parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    parser.add_argument("--closing-date")
    parser.add_argument("--sales-tax")
    parser.add_argument("--multicurrency")
    parser.add_argument("--exchange-rate", action="append", default=[])
    parser.add_argument("--today")
    parser.add_argument("--account", action="append", default=[])
    parser.add_argument("--customer", action="append", default=[])
    parser.add_argument("--item", action="append", default=[])
    parser.add_argument("--vendor", action="append", default=[])
    parser.add_argument("--employee", action="append", default=[])
    parser.add_argument("--other-name", action="append", default=[])
    parser.add_argument("--answer-rule", action="append", default=[])
    parser.add_argument("--clear-answer-rules", action="store_true")


def _apply_settings(company, args):
    import json
    if args.clear_answer_rules:
        company.clear_answer_rules()
    for spec in args.answer_rule:
        try:
            rule = json.loads(spec)
            company.add_answer_rule(rule.pop("type"), rule.pop("action"), rule.pop("times", None), **rule)
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"--answer-rule wants JSON with type and action: {spec!r} ({exc})") from exc
    if args.closing_date is not None:
        company.set_closing_date(None if args.closing_date == "none" else args.closing_date)
    if args.sales_tax is not None:
        mode, _, rate = args.sales_tax.partition(":")
        company.set_sales_tax(mode, rate or "0")
    if args.multicurrency is not None:
        if args.multicurrency == "off":
            company.set_multicurrency(False)
        else:
            company.set_multicurrency(True, args.multicurrency)
    for spec in args.exchange_rate:
        code, _, rate = spec.partition("=")
        rate, _, as_of = rate.partition("@")
        company.set_exchange_rate(code, None if rate == "none" else rate, as_of or None)
    if args.today is not None:
        company.state["clock"]["today"] = None if args.today == "none" else args.today
    for spec in args.account:
        name, _, acct_type = spec.partition("=")
        acct_type, _, currency = acct_type.partition(":")
        parent, _, leaf = name.rpartition(":")
        company.create_account(leaf, acct_type, parent=parent or None, currency=currency or None)
    for spec in args.customer:
        name, _, currency = spec.partition("=")
        company.create_customer(name, currency=currency or None)
    for spec in args.item:
        item_type, _, rest = spec.partition(":")
        name, _, account = rest.partition("=")
        parent, _, leaf = name.rpartition(":")
        company.create_item(item_type, leaf, account or None, parent=parent or None)
    for name in args.vendor:
        company.create_vendor(name)
    for name in args.employee:
        company.create_employee(name)
    for name in args.other_name:
        company.create_other_name(name)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m quickbooks_sim",
                                     description="A simulated QuickBooks Desktop company file.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_init = sub.add_parser("init", help="create a company-state file")
    p_init.add_argument("state")
    _add_settings(p_init, init=True)
    p_set = sub.add_parser("set", help="change a company between sessions")
    p_set.add_argument("state")
    _add_settings(p_set, init=False)
    p_proc = sub.add_parser("process", help="run one qbXML request and print the answer")
    p_proc.add_argument("state")
    p_proc.add_argument("request", help='qbXML request file, or "-" for stdin')
    p_proc.add_argument("--fail", help="inject a failure: CODE:MESSAGE or 0xHRESULT:MESSAGE")
    p_ledger = sub.add_parser("ledger", help="print balances and documents")
    p_ledger.add_argument("state")
    p_ledger.add_argument("--json", action="store_true")
    p_ledger.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)

    from quickbooks_sim import Company, Fail, SimError, open_locked
    from quickbooks_sim import ledger
    try:
        if args.command == "init":
            if os.path.exists(args.state) and not args.force:
                print(f"quickbooks_sim: {args.state} exists (use --force to overwrite)", file=sys.stderr)
                return 2
            options = {"name": args.name, "file_path": args.file_path, "country": args.country}
            if args.qbxml_versions:
                options["supported_versions"] = [v.strip() for v in args.qbxml_versions.split(",") if v.strip()]
            company = Company.new(args.state, **options)
            _apply_settings(company, args)
            company.save()
            return 0
        if args.command == "set":
            with open_locked(args.state) as company:
                _apply_settings(company, args)
            return 0
        if args.command == "process":
            text = sys.stdin.read() if args.request == "-" else open(args.request, encoding="utf-8").read()
            with open_locked(args.state) as company:
                result = company.process(text, fail=Fail.parse(args.fail) if args.fail else None)
            if result.hresult:
                print(f"HRESULT {result.hresult}: {result.message}")
                return 3 if any(f["seq"] == result.seq for f in company.hard_failures()) else 1
            sys.stdout.write(result.response)
            return 1 if any(s["statusSeverity"] == "Error" for s in result.statuses) else 0
        return ledger.main([args.state] + (["--json"] if args.json else []) + (["--check"] if args.check else []))
    except (OSError, SimError, ValueError) as exc:
        print(f"quickbooks_sim: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    _bootstrap()
    sys.exit(main())
