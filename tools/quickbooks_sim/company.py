"""A simulated QuickBooks Desktop company file: lists, transactions, a double-entry ledger, persisted as JSON.

The whole company is one JSON document (see tools/README.md, "The company-state file"), so several Web
Connector emulator sessions, run one after the other or side by side, see the same company. Every change
goes through Company.save(), which replaces the file atomically; open_locked() serialises processes.

Money is int cents everywhere. The ledger keeps each transaction's postings as (account, debit cents,
customer) rows; debits are positive and credits negative, so the postings of every transaction sum to 0.

Multicurrency (QuickBooks' model): accounts that hold money (bank, credit card, A/R, A/P) and customers have one
currency each (None = the home currency); income, expense and every other account are in the home currency. A
transaction is in its customer's currency. Each posting keeps the home-currency amount as `debit` (the ledger that
balances) and, for a transaction in another currency, that currency's ISO code and amount (`currency`, `amount`);
the home amount is the foreign one times the exchange rate (the transaction's ExchangeRate, else the currency
list's), rounded per posting, and a rounding difference goes to "Exchange Gain or Loss". balance() of an account is
in the account's own currency, home_balance() in the home currency.
"""
import contextlib
import datetime as dt
import fcntl
import json
import os
import tempfile
import time

from . import editions, money, rules

STATE_FORMAT = "settlebridge-quickbooks-sim/1"

# QuickBooks account types (qbXML AccountType) whose balance is shown debit-positive; all others credit-positive.
DEBIT_NORMAL = {"Bank", "AccountsReceivable", "OtherCurrentAsset", "FixedAsset", "OtherAsset",
                "CostOfGoodsSold", "Expense", "OtherExpense", "NonPosting"}
CREDIT_NORMAL = {"AccountsPayable", "CreditCard", "OtherCurrentLiability", "LongTermLiability", "Equity",
                 "Income", "OtherIncome"}

# Transaction kinds the simulator stores (the qbXML object names).
DOCUMENT_KINDS = ("SalesReceipt", "CreditMemo", "ARRefundCreditCard", "Transfer")

QBXML_VERSIONS_2014 = ["1.0", "1.1", "2.0", "2.1", "3.0", "4.0", "4.1", "5.0", "6.0", "7.0", "8.0", "9.0",
                       "10.0", "11.0", "12.0", "13.0"]

# What a new QuickBooks company file has before anyone touches it (names as QuickBooks Pro creates them).
DEFAULT_ACCOUNTS = [
    ("Checking", "Bank", None),
    ("Accounts Receivable", "AccountsReceivable", "AccountsReceivable"),
    ("Undeposited Funds", "OtherCurrentAsset", "UndepositedFunds"),
    ("Sales Tax Payable", "OtherCurrentLiability", "SalesTaxPayable"),
    ("Opening Balance Equity", "Equity", "OpeningBalanceEquity"),
    ("Retained Earnings", "Equity", "RetainedEarnings"),
    ("Sales", "Income", None),
    ("Uncategorized Income", "Income", "UncategorizedIncome"),
    ("Uncategorized Expenses", "Expense", "UncategorizedExpenses"),
]
# The default sales tax codes, product name and sales-tax preference are the edition's (editions.DEFAULTS).
DEFAULT_PAYMENT_METHODS = ["Cash", "Check", "American Express", "Discover", "MasterCard", "Visa"]
# The currency list of a company file (QuickBooks' names; docs/QBXML.md "Currencies" for the sources): every
# currency Amazon settles a marketplace in. A currency starts with no exchange rate (QuickBooks' "no rate" case);
# set_exchange_rate() gives one a rate (home currency per unit) and the date it is as of.
DEFAULT_CURRENCIES = [("US Dollar", "USD"), ("Euro", "EUR"), ("British Pound Sterling", "GBP"),
                      ("Canadian Dollar", "CAD"), ("Australian Dollar", "AUD"), ("Japanese Yen", "JPY"),
                      ("Mexican Peso", "MXN"), ("Indian Rupee", "INR"), ("Brazilian Real", "BRL"),
                      ("Swedish Krona", "SEK"), ("Polish Zloty", "PLN"), ("Turkish Lira", "TRY"),
                      ("Singapore Dollar", "SGD"), ("UAE Dirham", "AED"), ("Saudi Riyal", "SAR"),
                      ("Egyptian Pound", "EGP"), ("South African Rand", "ZAR"), ("Chinese Yuan Renminbi", "CNY")]
# Account types that have a currency of their own in a multicurrency company file.
CURRENCY_ACCOUNT_TYPES = {"Bank", "CreditCard", "AccountsReceivable", "AccountsPayable"}
EXCHANGE_ACCOUNT = "Exchange Gain or Loss"

SALES_TAX_MODES = ("off", "taxable-lines", "all-lines")

# The name lists that share one name space in QuickBooks (rules.json "name_lists") and where the state keeps them.
NAME_LIST_KEYS = {"Customer": "customers", "Vendor": "vendors", "Employee": "employees", "OtherName": "other_names"}
assert set(NAME_LIST_KEYS) == set(rules.NAME_LISTS)

# Item types and what each needs (create_item): the accounts of inventory parts that QuickBooks adds with the first one.
INVENTORY_ACCOUNTS = (("Cost of Goods Sold", "CostOfGoodsSold"), ("Inventory Asset", "OtherCurrentAsset"))
# Item types whose records have a full name (they can be sub-items); the others have a name only.
ITEM_TYPES_WITH_PARENTS = {"ItemService", "ItemNonInventory", "ItemOtherCharge", "ItemInventory",
                           "ItemInventoryAssembly", "ItemDiscount"}


class SimError(Exception):
    """Misuse of the simulator API (unknown account name in a test helper, a broken state file...)."""


def _norm(name):
    return (name or "").strip().casefold()


def new_state(name="Settlebridge Test Company", file_path=None, product=None,
              supported_versions=None, closing_date=None, sales_tax_mode=None, sales_tax_rate=None,
              multicurrency=False, home_currency=None, today=None, utc_offset="-08:00", country="US"):
    """A fresh company-state document (plain dict). Product name, home currency, sales tax codes and the sales-tax
    preference default to the edition's (country "US" or "CA", editions.DEFAULTS)."""
    country = (country or "US").upper()
    edition = editions.defaults(country)
    product = product or edition["product"]
    sales_tax_mode = sales_tax_mode or edition["sales_tax_mode"]
    sales_tax_rate = edition["sales_tax_rate"] if sales_tax_rate is None else sales_tax_rate
    home_currency = home_currency or edition["home_currency"]
    if sales_tax_mode not in SALES_TAX_MODES:
        raise SimError(f"sales tax mode must be one of {', '.join(SALES_TAX_MODES)}")
    return {
        "format": STATE_FORMAT,
        "company": {
            "name": name,
            "legal_name": name,
            "file_path": file_path or ("C:\\Users\\Public\\Documents\\Intuit\\QuickBooks\\Company Files\\"
                                       + name + ".QBW"),
            "product_name": product,
            "major_version": "24",
            "minor_version": "0",
            "country": country,
            "supported_qbxml_versions": list(supported_versions or QBXML_VERSIONS_2014),
            "file_mode": "SingleUser",
            "data_ext": [],
        },
        "preferences": {
            "closing_date": closing_date,
            "multicurrency": bool(multicurrency),
            "home_currency": home_currency,
            "sales_tax": {"mode": sales_tax_mode, "rate_percent": str(sales_tax_rate),
                          "item": "GST" if country == "CA" else "State Tax", "payable_account": "Sales Tax Payable",
                          "taxable_code": edition["taxable_code"], "non_taxable_code": edition["non_taxable_code"]},
            "using_price_levels": False,
            "using_class_tracking": False,
        },
        "clock": {"today": today, "utc_offset": utc_offset, "last_epoch": 0},
        "seq": {"list": 1, "txn": 0x1A2B, "txn_number": 1, "request": 0},
        "accounts": [],
        "customers": [],
        "vendors": [],
        "employees": [],
        "other_names": [],
        "items": [],
        "sales_tax_codes": [],
        "currencies": [],
        "payment_methods": [],
        "transactions": [],
        "iterators": {},
        "request_log": [],
        "hard_failures": [],
    }


class Company:
    """One simulated company file. Build with Company.new()/load()/open(); process qbXML with process()."""

    def __init__(self, state, path=None):
        if state.get("format") != STATE_FORMAT:
            raise SimError(f"not a company-state file (format {state.get('format')!r}, want {STATE_FORMAT!r})")
        self.state = state
        self.path = path
        for key in NAME_LIST_KEYS.values():
            state.setdefault(key, [])   # files written before the other name lists were simulated

    # ------------------------------------------------------------------------------------------------------
    # Creation and persistence

    @classmethod
    def new(cls, path=None, seed=True, **options):
        company = cls(new_state(**options), path)
        if seed:
            company._seed()
        return company

    @classmethod
    def load(cls, path):
        with open(path, encoding="utf-8") as f:
            try:
                state = json.load(f)
            except json.JSONDecodeError as exc:
                raise SimError(f"{path}: not JSON: {exc}") from exc
        return cls(state, path)

    @classmethod
    def open(cls, path, **options):
        """Load path, or create (and save) a default company there when the file does not exist."""
        if os.path.exists(path):
            return cls.load(path)
        company = cls.new(path, **options)
        company.save()
        return company

    def save(self, path=None):
        path = path or self.path
        if not path:
            raise SimError("no path to save the company state to")
        self.path = path
        directory = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(prefix=".company-", suffix=".json", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                # compact: json's C encoder only runs without indent (ledger.py prints it readably)
                f.write(json.dumps(self.state, separators=(",", ":")))
                f.write("\n")
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def snapshot(self):
        # The state is plain JSON data: a JSON round trip is a deep copy, several times faster than deepcopy.
        return json.loads(json.dumps(self.state))

    def restore(self, snapshot):
        self.state.clear()
        self.state.update(snapshot)

    def _seed(self):
        for name, acct_type, special in DEFAULT_ACCOUNTS:
            self.create_account(name, acct_type, special=special)
        for name, taxable, desc in editions.defaults(self.state["company"]["country"])["tax_codes"]:
            self.add_sales_tax_code(name, taxable, desc)
        for name in DEFAULT_PAYMENT_METHODS:
            self.state["payment_methods"].append(self._list_core({"name": name, "full_name": name}))
        for name, iso in DEFAULT_CURRENCIES:
            self.state["currencies"].append(self._list_core({"name": name, "full_name": name, "code": iso,
                                                             "rate": None, "as_of": None, "is_active": True}))
        tax = self.state["preferences"]["sales_tax"]
        if tax["mode"] != "off":
            self.ensure_sales_tax_item()
        prefs = self.state["preferences"]
        self.set_multicurrency(prefs["multicurrency"], prefs["home_currency"])

    def ensure_sales_tax_item(self):
        """The sales tax item used when the sales-tax switch is on (created on demand)."""
        tax = self.state["preferences"]["sales_tax"]
        item = self.find_item(tax["item"])
        if item is None:
            item = self._list_core({"type": "ItemSalesTax", "name": tax["item"], "full_name": tax["item"],
                                    "parent": None, "is_active": True, "desc": "Sales tax",
                                    "tax_rate": tax["rate_percent"]})
            self.state["items"].append(item)
        if self.find_account(tax["payable_account"]) is None:
            self.create_account(tax["payable_account"], "OtherCurrentLiability", special="SalesTaxPayable")
        return item

    # ------------------------------------------------------------------------------------------------------
    # Clock and identifiers (QuickBooks' shapes: ListID "80000001-1700000000", TxnID "1A2B-1710500000")

    def now(self):
        """(epoch seconds, local ISO timestamp with offset) — never goes backwards within one company."""
        clock = self.state["clock"]
        epoch = max(int(time.time()), int(clock.get("last_epoch") or 0))
        clock["last_epoch"] = epoch
        return epoch, self._iso(epoch)

    def _offset(self):
        text = self.state["clock"].get("utc_offset") or "+00:00"
        sign = -1 if text.startswith("-") else 1
        hours, minutes = text.lstrip("+-").split(":")
        return dt.timedelta(minutes=sign * (int(hours) * 60 + int(minutes))), text

    def _iso(self, epoch):
        delta, text = self._offset()
        local = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=epoch) + delta
        return local.strftime("%Y-%m-%dT%H:%M:%S") + text

    def today(self):
        fixed = self.state["clock"].get("today")
        if fixed:
            return fixed
        delta, _ = self._offset()
        return (dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) + delta).date().isoformat()

    def next_list_id(self):
        seq = self.state["seq"]
        epoch, _ = self.now()
        value = 0x80000000 + seq["list"]
        seq["list"] += 1
        return f"{value:X}-{epoch}"

    def next_txn_id(self):
        seq = self.state["seq"]
        epoch, _ = self.now()
        value = seq["txn"]
        seq["txn"] += 1
        return f"{value:X}-{epoch}"

    def next_txn_number(self):
        seq = self.state["seq"]
        number = seq["txn_number"]
        seq["txn_number"] += 1
        return number

    def next_request_seq(self):
        seq = self.state["seq"]
        seq["request"] += 1
        return seq["request"]

    def _list_core(self, record):
        epoch, iso = self.now()
        record.setdefault("list_id", self.next_list_id())
        record.setdefault("time_created", iso)
        record.setdefault("time_modified", iso)
        record.setdefault("edit_sequence", str(epoch))
        return record

    # ------------------------------------------------------------------------------------------------------
    # Lists

    @staticmethod
    def _find(records, name=None, list_id=None):
        if list_id is not None:
            for r in records:
                if r["list_id"] == list_id:
                    return r
            return None
        key = _norm(name)
        for r in records:
            if _norm(r["full_name"]) == key:
                return r
        return None

    def find_account(self, name=None, list_id=None):
        return self._find(self.state["accounts"], name, list_id)

    def find_customer(self, name=None, list_id=None):
        return self._find(self.state["customers"], name, list_id)

    def find_item(self, name=None, list_id=None):
        return self._find(self.state["items"], name, list_id)

    def find_vendor(self, name=None, list_id=None):
        return self._find(self.state["vendors"], name, list_id)

    def find_employee(self, name=None, list_id=None):
        return self._find(self.state["employees"], name, list_id)

    def find_other_name(self, name=None, list_id=None):
        return self._find(self.state["other_names"], name, list_id)

    def name_in_use(self, full_name):
        """(list, record) of the customer, vendor, employee or other name called `full_name` (one name space in
        QuickBooks), or (None, None)."""
        for list_name, key in NAME_LIST_KEYS.items():
            record = self._find(self.state[key], full_name)
            if record is not None:
                return list_name, record
        return None, None

    def find_sales_tax_code(self, name=None, list_id=None):
        return self._find(self.state["sales_tax_codes"], name, list_id)

    def find_payment_method(self, name=None, list_id=None):
        return self._find(self.state.setdefault("payment_methods", []), name, list_id)

    def find_currency(self, name=None, list_id=None):
        """By name (as a CurrencyRef/FullName names it) or ListID."""
        return self._find(self.state["currencies"], name, list_id)

    def currency(self, name_or_code):
        """A currency by its name or its ISO code (test helpers and the command line)."""
        found = self.find_currency(name_or_code)
        if found is None and name_or_code:
            key = _norm(name_or_code)
            found = next((c for c in self.state["currencies"] if _norm(c.get("code")) == key), None)
        return found

    def home_currency(self):
        """The home currency's record (the one used when multicurrency is off, too)."""
        return self.find_currency(self.state["preferences"]["home_currency"])

    def currency_of(self, record):
        """The currency record of a customer or account (home when it has none of its own)."""
        if record and record.get("currency"):
            return self.find_currency(list_id=record["currency"])
        return self.home_currency()

    def set_exchange_rate(self, currency, rate, as_of=None):
        """Home currency units per unit of `currency` (a name or ISO code) as of a date (default: the company's
        today), e.g. set_exchange_rate("CAD", "0.73", "2025-01-31"). rate None: the currency has no rate."""
        record = self.currency(currency)
        if record is None:
            raise SimError(f"no currency {currency!r}")
        if rate is None:
            record["rate"] = None
            record["as_of"] = None
            return
        if money.parse_decimal(str(rate)) <= 0:
            raise SimError(f"exchange rate must be positive: {rate!r}")
        if as_of is not None:
            dt.date.fromisoformat(as_of)
        record["rate"] = str(rate)
        record["as_of"] = as_of or self.today()

    def add_sales_tax_code(self, name, taxable, desc=None):
        """A sales tax code in the company's list (QuickBooks allows at most 3 characters)."""
        if not name or len(name) > 3:
            raise SimError(f"a sales tax code has 1 to 3 characters: {name!r}")
        if self.find_sales_tax_code(name) is not None:
            raise SimError(f"sales tax code {name!r} exists")
        record = self._list_core({"name": name, "full_name": name, "is_taxable": bool(taxable), "desc": desc,
                                  "is_active": True})
        self.state["sales_tax_codes"].append(record)
        return record

    def set_default_tax_codes(self, taxable=None, non_taxable=None):
        """The sales-tax preference's default taxable / non-taxable codes (a name, or "" for none)."""
        tax = self.state["preferences"]["sales_tax"]
        for key, value in (("taxable_code", taxable), ("non_taxable_code", non_taxable)):
            if value is None:
                continue
            if value and self.find_sales_tax_code(value) is None:
                raise SimError(f"no sales tax code {value!r}")
            tax[key] = value or None

    def edition(self):
        """The QuickBooks edition's country: "US" or "CA" (or "UK", reported only)."""
        return self.state["company"].get("country") or "US"

    def find_txn(self, txn_id, kind=None):
        for t in self.state["transactions"]:
            if t["txn_id"] == txn_id and (kind is None or t["kind"] == kind):
                return t
        return None

    def _account_name(self, list_id):
        record = self.find_account(list_id=list_id)
        return record["full_name"] if record else None

    def create_account(self, name, account_type, parent=None, special=None, number=None, desc=None,
                       open_balance_cents=0, open_balance_date=None, currency=None):
        """Add an account (a test-setup helper; the qbXML AccountAdd goes through the same code)."""
        parent_record = None
        if parent:
            parent_record = self.find_account(parent)
            if parent_record is None:
                raise SimError(f"no parent account {parent!r}")
        full_name = f"{parent_record['full_name']}:{name}" if parent_record else name
        if self.find_account(full_name) is not None:
            raise SimError(f"account {full_name!r} exists")
        currency_record = None
        if currency:
            currency_record = self.currency(currency)
            if currency_record is None:
                raise SimError(f"no currency {currency!r}")
        record = self._list_core({
            "name": name, "full_name": full_name, "parent": parent_record["list_id"] if parent_record else None,
            "type": account_type, "special": special, "number": number, "desc": desc, "is_active": True,
            "currency": currency_record["list_id"] if currency_record else None,
        })
        self.state["accounts"].append(record)
        if open_balance_cents:
            equity = self.find_account("Opening Balance Equity")
            sign = 1 if account_type in DEBIT_NORMAL else -1
            self.add_transaction({
                "kind": "OpeningBalance", "txn_date": open_balance_date or self.today(), "ref_number": None,
                "postings": [posting(record["list_id"], sign * open_balance_cents),
                             posting(equity["list_id"], -sign * open_balance_cents)],
            })
        return record

    def create_customer(self, name, parent=None, currency=None, company_name=None):
        parent_record = self.find_customer(parent) if parent else None
        if parent and parent_record is None:
            raise SimError(f"no parent customer {parent!r}")
        full_name = f"{parent_record['full_name']}:{name}" if parent_record else name
        used_by, _ = self.name_in_use(full_name)
        if used_by is not None:
            raise SimError(f"the name {full_name!r} is already a {used_by} (one name list)")
        currency_record = None
        if currency:
            currency_record = self.currency(currency)
            if currency_record is None:
                raise SimError(f"no currency {currency!r}")
        record = self._list_core({"name": name, "full_name": full_name,
                                  "parent": parent_record["list_id"] if parent_record else None,
                                  "is_active": True, "company_name": company_name,
                                  "currency": currency_record["list_id"] if currency_record else None,
                                  "sales_tax_code": None, "external_guid": None})
        self.state["customers"].append(record)
        return record

    def create_other_name_entry(self, list_name, name, company_name=None):
        """A vendor, employee or other name (test setup: names a customer may not have)."""
        used_by, _ = self.name_in_use(name)
        if used_by is not None:
            raise SimError(f"the name {name!r} is already a {used_by} (one name list)")
        record = self._list_core({"name": name, "full_name": name, "is_active": True, "company_name": company_name})
        self.state[NAME_LIST_KEYS[list_name]].append(record)
        return record

    def create_vendor(self, name, company_name=None):
        return self.create_other_name_entry("Vendor", name, company_name)

    def create_employee(self, name):
        return self.create_other_name_entry("Employee", name)

    def create_other_name(self, name, company_name=None):
        return self.create_other_name_entry("OtherName", name, company_name)

    def create_item(self, item_type, name, account=None, parent=None, desc=None, price=None, sales_tax_code=None,
                    expense_account=None):
        """Add an item of any type QuickBooks has (rules.json "item_types"). Service, non-inventory and other charge
        items post to `account` (SalesOrPurchase), or, with `expense_account`, sell through `account` and buy through
        `expense_account` (SalesAndPurchase); inventory parts and assemblies sell through `account` and buy through
        Cost of Goods Sold and Inventory Asset (added when missing, as QuickBooks does); a discount posts to
        `account`, a fixed asset item to a fixed asset account `account`; group, subtotal, payment and sales tax group
        items have no account. A sub-item has its parent's type."""
        if item_type not in rules.ITEM_TYPES:
            raise SimError(f"unknown item type {item_type!r}")
        if item_type == "ItemSalesTax":
            raise SimError("the sales tax item comes from set_sales_tax()")
        account_record = self.find_account(account) if account else None
        if account and account_record is None:
            raise SimError(f"no account {account!r}")
        needs_account = item_type in ("ItemService", "ItemNonInventory", "ItemOtherCharge", "ItemInventory",
                                      "ItemInventoryAssembly", "ItemDiscount", "ItemFixedAsset")
        if needs_account and account_record is None:
            raise SimError(f"an {item_type} needs an account")
        parent_record = self.find_item(parent) if parent else None
        if parent and parent_record is None:
            raise SimError(f"no parent item {parent!r}")
        if parent_record is not None and parent_record["type"] != item_type:
            raise SimError(f"a sub-item has its parent's type ({parent_record['type']})")
        if parent_record is not None and item_type not in ITEM_TYPES_WITH_PARENTS:
            raise SimError(f"an {item_type} cannot be a sub-item")
        full_name = f"{parent_record['full_name']}:{name}" if parent_record else name
        if self.find_item(full_name) is not None:
            raise SimError(f"item {full_name!r} exists")
        code = self.find_sales_tax_code(sales_tax_code) if sales_tax_code else None
        record = self._list_core({"type": item_type, "name": name, "full_name": full_name,
                                  "parent": parent_record["list_id"] if parent_record else None,
                                  "is_active": True, "desc": desc, "price": price, "price_percent": None,
                                  "account": account_record["list_id"] if account_record else None,
                                  "sales_and_purchase": None,
                                  "sales_tax_code": code["list_id"] if code else None, "external_guid": None})
        if item_type in ("ItemInventory", "ItemInventoryAssembly"):
            cogs, asset = (self.find_account(n) or self.create_account(n, t) for n, t in INVENTORY_ACCOUNTS)
            record["sales_and_purchase"] = {"sales_desc": desc, "sales_price": price, "purchase_desc": None,
                                            "purchase_cost": None, "expense_account": cogs["list_id"],
                                            "asset_account": asset["list_id"]}
        elif expense_account:
            expense = self.find_account(expense_account)
            if expense is None:
                raise SimError(f"no account {expense_account!r}")
            record["sales_and_purchase"] = {"sales_desc": desc, "sales_price": price, "purchase_desc": None,
                                            "purchase_cost": None, "expense_account": expense["list_id"]}
        self.state["items"].append(record)
        return record

    # ------------------------------------------------------------------------------------------------------
    # Settings (between sessions)

    def set_closing_date(self, date_text):
        """YYYY-MM-DD, or None to open every period."""
        if date_text is not None:
            dt.date.fromisoformat(date_text)
        self.state["preferences"]["closing_date"] = date_text

    def set_sales_tax(self, mode, rate_percent="0"):
        """mode: "off"; "taxable-lines" (tax lines whose sales tax code is taxable); "all-lines" (tax every
        line, whatever its code: QuickBooks adding its own tax, to test a TotalAmount mismatch)."""
        if mode not in SALES_TAX_MODES:
            raise SimError(f"sales tax mode must be one of {', '.join(SALES_TAX_MODES)}")
        money.parse_decimal(str(rate_percent))
        tax = self.state["preferences"]["sales_tax"]
        tax["mode"] = mode
        tax["rate_percent"] = str(rate_percent)
        if mode != "off":
            item = self.ensure_sales_tax_item()
            item["tax_rate"] = str(rate_percent)

    def set_multicurrency(self, on, home_currency=None):
        """Turn multicurrency on (with the home currency, a name or ISO code) or off. QuickBooks adds the
        "Exchange Gain or Loss" account when multicurrency is turned on."""
        self.state["preferences"]["multicurrency"] = bool(on)
        if home_currency:
            record = self.currency(home_currency)
            if record is None:
                raise SimError(f"no currency {home_currency!r}")
            self.state["preferences"]["home_currency"] = record["full_name"]
        if on and self.find_account(EXCHANGE_ACCOUNT) is None:
            self.create_account(EXCHANGE_ACCOUNT, "OtherExpense", special="ExchangeGainLoss")

    def set_permissions(self, denied=None, personal_data=None):
        """What the QuickBooks user the application logs in as may do: `denied` request names (without "Rq",
        e.g. ["SalesReceiptAdd"]) are answered 3260; `personal_data` False answers requests that carry credit card
        details 3261 (the default, as QuickBooks' integrated-application preference)."""
        perms = self.state.setdefault("permissions", {"denied": [], "personal_data": False})
        if denied is not None:
            perms["denied"] = list(denied)
        if personal_data is not None:
            perms["personal_data"] = bool(personal_data)

    def set_data_ext(self, owner_id, name, value):
        """A private DataExt on the company (the Web Connector stores the .qwc FileID this way)."""
        exts = self.state["company"]["data_ext"]
        for ext in exts:
            if ext["owner_id"].lower() == owner_id.lower() and ext["name"] == name:
                ext["value"] = value
                return
        exts.append({"owner_id": owner_id, "name": name, "type": "STR255TYPE", "value": value})

    ANSWER_ACTIONS = ("strip", "not-found", "error", "hresult")

    def add_answer_rule(self, request_type, action, times=None, **fields):
        """Makes QuickBooks answer requests of one type ("ARRefundCreditCardAddRq") the way a test needs (tools/README.md,
        "Answer rules"): "strip" runs the request and leaves `fields` (e.g. ["TxnID", "RefNumber"]) out of its Rets;
        "not-found" answers a query with status 1 and no Ret; "error" answers `code` and `message` without running it;
        "hresult" answers no qbXML at all, only `hresult` and `message` (with apply=True after running the request: the
        answer is lost on the way back). `times`: only the next N such requests (None: until cleared); `skip=N`: the
        first N such requests are answered as usual before the rule applies."""
        if action not in self.ANSWER_ACTIONS:
            raise SimError(f"answer rule action must be one of {', '.join(self.ANSWER_ACTIONS)}, not {action!r}")
        if not request_type.endswith("Rq"):
            raise SimError(f"answer rule type must be a request element such as SalesReceiptAddRq, not {request_type!r}")
        if action == "error" and not isinstance(fields.get("code"), int):
            raise SimError("an error answer rule needs an integer code")
        if action == "hresult" and not str(fields.get("hresult", "")).lower().startswith("0x"):
            raise SimError("an hresult answer rule needs hresult=0x...")
        rule = {"type": request_type, "action": action, "times": times}
        rule.update(fields)
        self.state.setdefault("answer_rules", []).append(rule)
        return rule

    def clear_answer_rules(self):
        self.state["answer_rules"] = []

    # ------------------------------------------------------------------------------------------------------
    # Ledger

    def add_transaction(self, txn):
        total = sum(p["debit"] for p in txn["postings"])
        if total != 0:
            raise SimError(f"unbalanced postings ({total} cents) for {txn.get('kind')} {txn.get('ref_number')}")
        self.state["transactions"].append(txn)
        return txn

    def postings(self):
        for txn in self.state["transactions"]:
            for p in txn["postings"]:
                yield txn, p

    @staticmethod
    def _in_currency(p, code):
        """A posting's amount in `code`: its own amount when it was made in that currency, else the home amount."""
        if p.get("currency") and p["currency"] == code:
            return p["amount"]
        return p["debit"]

    def debit_balance(self, account):
        """Debits minus credits of one account (not its sub-accounts), in cents of the account's currency."""
        record = self._require_account(account)
        code = self.currency_of(record)["code"]
        return sum(self._in_currency(p, code) for _, p in self.postings() if p["account"] == record["list_id"])

    def balance(self, account):
        """The account's balance as QuickBooks shows it (assets/expenses debit-positive, liabilities,
        equity and income credit-positive), in cents of the account's own currency, without sub-accounts."""
        record = self._require_account(account)
        raw = self.debit_balance(record["full_name"])
        return raw if record["type"] in DEBIT_NORMAL else -raw

    def home_balance(self, account):
        """balance() in the home currency (what the balance sheet shows for a foreign-currency account)."""
        record = self._require_account(account)
        raw = sum(p["debit"] for _, p in self.postings() if p["account"] == record["list_id"])
        return raw if record["type"] in DEBIT_NORMAL else -raw

    def account_currency(self, account):
        """The ISO code of an account's currency."""
        return self.currency_of(self._require_account(account))["code"]

    def total_balance(self, account):
        """balance() including every sub-account (home currency when they differ in currency)."""
        record = self._require_account(account)
        prefix = _norm(record["full_name"]) + ":"
        family = [a for a in self.state["accounts"]
                  if a["list_id"] == record["list_id"] or _norm(a["full_name"]).startswith(prefix)]
        codes = {self.currency_of(a)["code"] for a in family}
        ids = {a["list_id"] for a in family}
        if len(codes) == 1:
            code = codes.pop()
            raw = sum(self._in_currency(p, code) for _, p in self.postings() if p["account"] in ids)
        else:
            raw = sum(p["debit"] for _, p in self.postings() if p["account"] in ids)
        return raw if record["type"] in DEBIT_NORMAL else -raw

    def customer_balance(self, customer):
        """What the customer owes (positive) or is owed as open credit (negative), in cents of the customer's
        currency."""
        record = self.find_customer(customer)
        if record is None:
            raise SimError(f"no customer {customer!r}")
        code = self.currency_of(record)["code"]
        ar_ids = {a["list_id"] for a in self.state["accounts"] if a["type"] == "AccountsReceivable"}
        return sum(self._in_currency(p, code) for _, p in self.postings()
                   if p.get("customer") == record["list_id"] and p["account"] in ar_ids)

    def balances_by_currency(self):
        """{ISO code: {account full name: balance in that currency}} for every account, grouped by its currency."""
        out = {}
        for a in self.state["accounts"]:
            code = self.currency_of(a)["code"]
            out.setdefault(code, {})[a["full_name"]] = self.balance(a["full_name"])
        return out

    def trial_balance(self):
        """Sum of every posting: 0 in a sound ledger."""
        return sum(p["debit"] for _, p in self.postings())

    def balances(self):
        """[(full name, type, balance cents in the account's currency)] for every account, in chart order."""
        return [(a["full_name"], a["type"], self.balance(a["full_name"])) for a in self.state["accounts"]]

    def _require_account(self, account):
        record = self.find_account(account)
        if record is None:
            raise SimError(f"no account {account!r}")
        return record

    # ------------------------------------------------------------------------------------------------------
    # What tests assert on

    def documents(self, kind=None):
        """Posted documents (SalesReceipt, CreditMemo, ARRefundCreditCard, Transfer) as plain dicts; with `kind`, the
        transactions of that kind (also "Deposit", "CreditCardCharge": "account" is the account deposited into or
        charged, "lines" their account lines)."""
        out = []
        for t in self.state["transactions"]:
            if (kind is None and t["kind"] not in DOCUMENT_KINDS) or (kind is not None and t["kind"] != kind):
                continue
            customer = self.find_customer(list_id=t.get("customer")) if t.get("customer") else None
            currency = self.find_currency(list_id=t["currency"]) if t.get("currency") else None
            out.append({
                "kind": t["kind"], "txn_id": t["txn_id"], "txn_number": t.get("txn_number"),
                "currency": currency["code"] if currency else None, "exchange_rate": t.get("exchange_rate"),
                "ref_number": t.get("ref_number"), "txn_date": t["txn_date"],
                "customer": customer["full_name"] if customer else None,
                "memo": t.get("memo"), "external_guid": t.get("external_guid"),
                "subtotal_cents": t.get("subtotal"), "tax_cents": t.get("tax", 0),
                "total_cents": t.get("total"), "credit_remaining_cents": t.get("credit_remaining"),
                "account": self._account_name(t.get("deposit_to") or t.get("refund_from")
                                              or t.get("to_account") or t.get("ar_account") or t.get("account")),
                "lines": [{"item": (self.find_item(list_id=ln["item"]) or {}).get("full_name"),
                           "desc": ln.get("desc"), "quantity": ln.get("quantity"), "rate": ln.get("rate"),
                           "amount_cents": ln["amount"]} for ln in t.get("lines", [])]
                         + [{"account": self._account_name(ln["account"]), "amount_cents": ln["amount"]}
                            for ln in t.get("account_lines", [])],
                "applied_to": list(t.get("applied", [])),
            })
        return out

    def add_counts(self, kind=None):
        """{(kind, RefNumber): number of documents added with that RefNumber} — 1 everywhere = exactly once."""
        counts = {}
        for t in self.state["transactions"]:
            if t["kind"] in DOCUMENT_KINDS and (kind is None or t["kind"] == kind):
                key = (t["kind"], t.get("ref_number"))
                counts[key] = counts.get(key, 0) + 1
        return counts

    def add_count(self, kind, ref_number):
        return self.add_counts(kind).get((kind, ref_number), 0)

    def hard_failures(self):
        """Requests QuickBooks could not even parse (schema-invalid, not well-formed...): must stay empty."""
        return list(self.state["hard_failures"])

    def request_log(self):
        return list(self.state["request_log"])

    # ------------------------------------------------------------------------------------------------------
    # qbXML

    def process(self, qbxml, fail=None, xsd_path=None):
        """Run one qbXML request message set. See engine.process()."""
        from . import engine
        return engine.process(self, qbxml, fail=fail, xsd_path=xsd_path)

    def hcp_response(self):
        """The HostQuery + CompanyQuery + PreferencesQuery answer the Web Connector sends on its first
        sendRequestXML of a session (requestIDs 0, 1, 2, as QBWC sends them)."""
        from . import engine
        return engine.hcp_response(self)

    def max_qbxml_version(self):
        versions = self.state["company"]["supported_qbxml_versions"]
        return max(versions, key=lambda v: tuple(int(x) for x in v.split(".")))


def posting(account_list_id, debit_cents, customer_list_id=None, currency=None, amount_cents=None):
    """One ledger row: debit_cents in the home currency; for a transaction in another currency also its ISO code
    and the amount in it."""
    row = {"account": account_list_id, "debit": int(debit_cents), "customer": customer_list_id}
    if currency is not None:
        row["currency"] = currency
        row["amount"] = int(amount_cents)
    return row


@contextlib.contextmanager
def open_locked(path, **options):
    """Load (or create) the company at path under an exclusive lock, yield it, save it on success."""
    lock_path = os.path.abspath(path) + ".lock"
    with open(lock_path, "a+") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            company = Company.open(path, **options)
            yield company
            company.save()
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
