"""Shared helpers for the end-to-end tests (tests/e2e/*_test.py): the real `settlebridge` binary, the Web Connector
emulator (tools/qbwc_emulator) and the simulated QuickBooks company (tools/quickbooks_sim), together on loopback.

    with harness.Workspace() as ws:                          # a temp dir, removed at the end
        data = ws.path("data")
        harness.add_company(data, "acme", "secret")          # --mode live by default here
        harness.import_file(data, "acme", fixture)
        qb = harness.new_qb_company(ws.path("acme.json"))
        with harness.Daemon(data) as daemon:                 # serve --port 0 --ready-file ... ; SIGTERM -> exit 0
            harness.run_until_done(daemon.url, "acme", "secret", qb)
        company = harness.load_qb(qb)                        # the ledger: add_counts(), balance(), ...

Environment (ctest sets it): SETTLEBRIDGE_BIN, SETTLEBRIDGE_SOURCE_DIR, SETTLEBRIDGE_BINARY_DIR. Optional:
SETTLEBRIDGE_FIXTURES_DIR, the real settlement reports that may not be redistributed (default ../shared/fixtures
beside the checkout when it exists; tests on them skip with a message otherwise, docs/TESTING.md).
Run by hand: SETTLEBRIDGE_BIN=build-x/daemon/app/settlebridge /usr/bin/python3 FILE.
SETTLEBRIDGE_E2E_KEEP=1 keeps the temp dirs (their paths are printed).
"""
import contextlib
import glob
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time


HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("SETTLEBRIDGE_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))
BINARY_DIR = os.environ.get("SETTLEBRIDGE_BINARY_DIR") or os.path.join(SOURCE_DIR, "build")
BIN = os.environ.get("SETTLEBRIDGE_BIN") or os.path.join(BINARY_DIR, "daemon", "app", "settlebridge")

TOOLS_DIR = os.path.join(SOURCE_DIR, "tools")
if TOOLS_DIR not in sys.path:
    sys.path.insert(0, TOOLS_DIR)

# Debian's python3 has python3-zeep and python3-lxml; re-run under it when another python3 came first.
from debian_python import rerun_under_debian_python  # noqa: E402

rerun_under_debian_python(("lxml", "zeep"), sys.argv)

from qbwc_emulator import session as qs  # noqa: E402
from quickbooks_sim import Company, open_locked  # noqa: E402

WSDL = os.path.join(SOURCE_DIR, "wsdl", "qbwc.wsdl")
# The project-made settlements (tests/data/settlements/made/README.md): legacy 36- and 33-column layouts, negative
# pairs carried into the next settlement, month-end spans, a large one, and an Amazon.in V2 file.
MADE_DIR = os.path.join(SOURCE_DIR, "tests", "data", "settlements", "made")
FIXTURES = sorted(glob.glob(os.path.join(MADE_DIR, "*.txt")))


def fixtures_dir():
    """The folder of the real fixtures that may not be redistributed: $SETTLEBRIDGE_FIXTURES_DIR, else
    ../shared/fixtures beside the checkout when it exists, else None."""
    env = os.environ.get("SETTLEBRIDGE_FIXTURES_DIR")
    if env:
        if not os.path.isdir(env):
            raise AssertionError(f"$SETTLEBRIDGE_FIXTURES_DIR is {env}, which is not a folder")
        return env
    default = os.path.normpath(os.path.join(SOURCE_DIR, "..", "shared", "fixtures"))
    return default if os.path.isdir(default) else None


REAL_FIXTURES = sorted(glob.glob(os.path.join(fixtures_dir() or "/nonexistent", "settlements", "*.txt")))
MISSING_REAL_FIXTURES = ("optional check skipped: the real Amazon settlement reports may not be redistributed and are "
                         "not here; set SETTLEBRIDGE_FIXTURES_DIR to a folder holding them (default ../shared/fixtures "
                         "beside the checkout)")


def require_real_fixtures(count=8):
    """Skips the calling test (unittest.SkipTest, its reason printed) unless the real settlement files are here."""
    import unittest
    if len(REAL_FIXTURES) < count:
        raise unittest.SkipTest(MISSING_REAL_FIXTURES)
    return REAL_FIXTURES


def main():
    """unittest.main, every test and every skip reason printed; exit 77 (ctest: Skipped) when every test skipped."""
    import unittest
    program = unittest.main(verbosity=2, exit=False)
    result = program.result
    if not result.wasSuccessful():
        sys.exit(1)
    if result.testsRun and len(result.skipped) == result.testsRun:
        sys.exit(77)
    sys.exit(0)
SAMPLES = sorted(glob.glob(os.path.join(SOURCE_DIR, "tools", "samples", "*.txt")))

# The emulator's exit codes (tools/README.md).
EXIT_OK = qs.EXIT_OK
EXIT_SERVER_ERROR = qs.EXIT_SERVER_ERROR
EXIT_TRANSPORT = qs.EXIT_TRANSPORT
EXIT_INTERRUPTED = qs.EXIT_INTERRUPTED
EXIT_INVALID_QBXML = qs.EXIT_INVALID_QBXML
EXIT_NVU = qs.EXIT_NVU
EXIT_BUSY = qs.EXIT_BUSY
EXIT_MAX_CALLS = qs.EXIT_MAX_CALLS

# qbXML add requests that create a document, by the simulator's document kind; and the status kinds.
DOCUMENT_ADDS = {"SalesReceiptAddRq": "SalesReceipt", "CreditMemoAddRq": "CreditMemo",
                 "ARRefundCreditCardAddRq": "ARRefundCreditCard", "TransferAddRq": "Transfer"}
STATUS_KIND_TO_QB = {"receipt": "SalesReceipt", "credit_memo": "CreditMemo",
                     "refund_payment": "ARRefundCreditCard", "transfer": "Transfer"}
CLEARING = "Amazon Clearing"
CUSTOMER = "Amazon Summary"


def require_binary():
    if not os.path.isfile(BIN) or not os.access(BIN, os.X_OK):
        raise RuntimeError(f"settlebridge binary not found: {BIN} (set SETTLEBRIDGE_BIN)")


# The admin page's browser tests: headless Chromium driven through playwright-core (tools/node).
PLAYWRIGHT = os.path.join(SOURCE_DIR, "tools", "node", "node_modules", "playwright-core")
CHROMIUM = os.environ.get("SETTLEBRIDGE_CHROMIUM", "/usr/bin/chromium")


def require_browser(test):
    """Fails `test` unless Chromium, node and playwright-core are installed; returns the folder the screenshots go
    to (<binary dir>/admin-screenshots, made if missing)."""
    if not os.path.exists(CHROMIUM):
        test.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (tools/setup-debian.sh)")
    if not os.path.isdir(PLAYWRIGHT) or shutil.which("node") is None:
        test.fail("node or playwright-core is missing: run tools/install-node-tools.sh")
    shots = os.path.join(BINARY_DIR, "admin-screenshots")
    os.makedirs(shots, exist_ok=True)
    return shots


# ---------------------------------------------------------------------------------------------------------------
# temp dirs

class Workspace:
    """A temp dir for one test (or one test class), removed at exit unless SETTLEBRIDGE_E2E_KEEP is set."""

    def __init__(self, prefix="sb-e2e-"):
        self.root = tempfile.mkdtemp(prefix=prefix)
        self._daemons = []

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def mkdir(self, *parts):
        p = self.path(*parts)
        os.makedirs(p, exist_ok=True)
        return p

    def track(self, daemon):
        self._daemons.append(daemon)
        return daemon

    def cleanup(self):
        for d in self._daemons:
            d.kill9()
        if os.environ.get("SETTLEBRIDGE_E2E_KEEP"):
            print(f"kept {self.root}", file=sys.stderr)
        else:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()
        return False


# ---------------------------------------------------------------------------------------------------------------
# the CLI

def cli(*args, data_dir=None, password=None, stdin=None, env=None, timeout=120):
    """Runs settlebridge ARGS [--data-dir DIR]; returns the CompletedProcess (text, stdout/stderr captured)."""
    cmd = [BIN, *args]
    if data_dir is not None:
        cmd += ["--data-dir", data_dir]
    full_env = dict(os.environ)
    full_env.pop("SETTLEBRIDGE_PASSWORD", None)
    full_env.pop("SETTLEBRIDGE_DATA_DIR", None)
    if password is not None:
        full_env["SETTLEBRIDGE_PASSWORD"] = password
    if env:
        full_env.update(env)
    return subprocess.run(cmd, input=stdin if stdin is not None else "", capture_output=True, text=True,
                          env=full_env, timeout=timeout)


def _describe(proc):
    return f"`{' '.join(proc.args)}` exited {proc.returncode}\nstdout: {proc.stdout}\nstderr: {proc.stderr}"


def check_cli(*args, expect=0, **kwargs):
    proc = cli(*args, **kwargs)
    if proc.returncode != expect:
        raise AssertionError(f"expected exit {expect}: " + _describe(proc))
    return proc


def add_company(data_dir, name, password, mode="live", extra=()):
    """`company add NAME --mode MODE` (mode None: the default, testing) with the password through
    SETTLEBRIDGE_PASSWORD."""
    mode_args = ["--mode", mode] if mode else []
    return check_cli("company", "add", name, *mode_args, *extra, data_dir=data_dir, password=password)


def import_file(data_dir, company, path, extra=(), expect=0):
    """`import FILE --company NAME`; returns its one line of output."""
    return check_cli("import", path, "--company", company, *extra, data_dir=data_dir, expect=expect).stdout.strip()


def approve(data_dir, company, settlement_id):
    return check_cli("approve", settlement_id, "--company", company, data_dir=data_dir).stdout.strip()


def retry(data_dir, document_id):
    return check_cli("retry", str(document_id), data_dir=data_dir).stdout.strip()


def status(data_dir, company=None):
    """`status --format json` parsed."""
    args = ["status", "--format", "json"] + (["--company", company] if company else [])
    return json.loads(check_cli(*args, data_dir=data_dir).stdout)


def company_status(data_dir, company):
    """The one company's entry of `status --format json`."""
    doc = status(data_dir, company)
    matches = [c for c in doc["companies"] if c["name"].lower() == company.lower()]
    if len(matches) != 1:
        raise AssertionError(f"status has {len(matches)} entries for {company!r}: {doc}")
    return matches[0]


def documents(data_dir, company):
    return company_status(data_dir, company)["documents"]


_summaries = {}


def summarize(path, extra=()):
    """`summarize FILE --format json` (cached per file and options)."""
    key = (path, tuple(extra))
    if key not in _summaries:
        proc = cli("summarize", path, "--format", "json", *extra)
        if proc.returncode not in (0, 1):
            raise AssertionError(_describe(proc))
        _summaries[key] = json.loads(proc.stdout)
    return _summaries[key]


def report_entry(entry):
    """A report as the tests list it: a path, or (path, import options such as ("--split-months",))."""
    return (entry, ()) if isinstance(entry, str) else (entry[0], tuple(entry[1]))


def summary_of(entry):
    path, extra = report_entry(entry)
    return summarize(path, extra)


def expected_documents(reports):
    """What QuickBooks must end up with for these reports, from their summaries:
    {(qb kind, RefNumber): total cents} for receipts and credit memos (refunds are checked against their memo)."""
    out = {}
    for entry in reports:
        for d in summary_of(entry)["documents"]:
            kind = "SalesReceipt" if d["kind"] == "sales_receipt" else "CreditMemo"
            out[(kind, d["ref_number"])] = d["total_cents"]
    return out


def settlement_account(summary):
    """The account a settlement's receipts deposit to and refunds are paid from: Amazon Clearing, or Amazon Reserved
    Balances for a settlement whose total is negative (docs/ACCOUNTING.md section 14)."""
    return summary.get("carried_balance_account") or CLEARING


def expected_clearing_balance(reports):
    """The clearing account's balance after posting these reports: the sum of their deposits (docs/ACCOUNTING.md
    §1: receipts deposited into it minus the credit memos' refunds paid out of it; the card-charge, payable-to-Amazon
    and micro-deposit lines post to Amazon Reserved Balances, not to the clearing account). A negative settlement
    deposits nothing: it goes through Amazon Reserved Balances (section 14)."""
    return sum(summary_of(entry)["deposit_cents"] for entry in reports
               if settlement_account(summary_of(entry)) == CLEARING)


# ---------------------------------------------------------------------------------------------------------------
# the daemon

class Daemon:
    """`settlebridge serve --port 0 --ready-file F --data-dir DIR [extra]` as a subprocess."""

    def __init__(self, data_dir, extra=(), log_dir=None, start=True, ready_timeout=20.0):
        self.data_dir = data_dir
        self.extra = list(extra)
        self.log_dir = log_dir or data_dir
        self.ready_timeout = ready_timeout
        self.proc = None
        self.base_url = None
        self.url = None
        self.starts = 0
        if start:
            self.start()

    def start(self):
        os.makedirs(self.log_dir, exist_ok=True)
        self.starts += 1
        self.ready_file = os.path.join(self.log_dir, f"ready-{os.getpid()}-{id(self)}-{self.starts}.url")
        self.log_path = os.path.join(self.log_dir, f"serve-{id(self)}-{self.starts}.log")
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.ready_file)
        env = dict(os.environ)
        env.pop("SETTLEBRIDGE_PASSWORD", None)
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen([BIN, "serve", "--port", "0", "--ready-file", self.ready_file,
                                          "--data-dir", self.data_dir, *self.extra],
                                         stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + self.ready_timeout
        while True:
            text = ""
            with contextlib.suppress(FileNotFoundError):
                with open(self.ready_file, encoding="utf-8") as f:
                    text = f.read().strip()
            if re.fullmatch(r"https?://[^\s/]+:\d+", text):
                break
            if self.proc.poll() is not None:
                raise AssertionError(f"serve exited {self.proc.returncode} before it was ready:\n{self.log()}")
            if time.monotonic() > deadline:
                self.kill9()
                raise AssertionError(f"serve not ready after {self.ready_timeout} s:\n{self.log()}")
            time.sleep(0.01)
        self.base_url = text
        self.url = text + "/qbwc"
        self.port = int(text.rsplit(":", 1)[1])
        return self

    def log(self):
        with contextlib.suppress(OSError):
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        return ""

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=20.0, signal_number=signal.SIGTERM):
        """SIGTERM (or SIGINT); the daemon must exit 0 (a clean stop)."""
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        if proc.poll() is None:
            proc.send_signal(signal_number)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError(f"serve did not stop within {timeout} s of signal {signal_number}:\n{self.log()}")
        if code != 0:
            raise AssertionError(f"serve exited {code} on signal {signal_number} (want 0):\n{self.log()}")

    def kill9(self):
        """SIGKILL (no clean-up in the daemon at all)."""
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            self.stop()
        else:
            self.kill9()
        return False


def expire_open_sessions(data_dir, company=None):
    """Time passing for the Web Connector sessions: every open session's ticket (of one company, or all) expires
    now, as it would 30 minutes after its last call. A session the emulator abandoned (a lost answer, a killed
    daemon) keeps the company "busy" until then. Returns how many were open."""
    db = sqlite3.connect(os.path.join(data_dir, "settlebridge.db"), timeout=30)
    try:
        with db:
            sql = "UPDATE wc_sessions SET expires_at = ? WHERE state = 'open'"
            args = [int(time.time()) - 1]
            if company is not None:
                sql += " AND company_id IN (SELECT id FROM companies WHERE name = ? COLLATE NOCASE)"
                args.append(company)
            return db.execute(sql, args).rowcount
    finally:
        db.close()


def set_company_currency(data_dir, company, currency):
    """The currency a company file with multicurrency off keeps its books in (the company's `home_currency`
    setting, docs/POSTING.md "Currencies"). Written straight into the store: the CLI has no option for it yet."""
    db = sqlite3.connect(os.path.join(data_dir, "settlebridge.db"), timeout=30)
    try:
        with db:
            changed = db.execute("UPDATE companies SET home_currency = ? WHERE name = ? COLLATE NOCASE",
                                 (currency, company)).rowcount
    finally:
        db.close()
    if changed != 1:
        raise AssertionError(f"no company {company!r} in {data_dir}")


# ---------------------------------------------------------------------------------------------------------------
# the simulated QuickBooks and the Web Connector emulator

def new_qb_company(path, closing_date=None, **options):
    """A new simulated company file (default accounts; no customers or items: Settlebridge creates them)."""
    company = Company.new(path, **options)
    if closing_date:
        company.set_closing_date(closing_date)
    company.save()
    return path


def load_qb(path):
    with open_locked(path) as company:
        return company


def answer_rule(qb_path, request_type, action, times=None, **fields):
    """From now on the simulated QuickBooks answers `request_type` another way (Company.add_answer_rule)."""
    with open_locked(qb_path) as company:
        return company.add_answer_rule(request_type, action, times, **fields)


def clear_answer_rules(qb_path):
    with open_locked(qb_path) as company:
        company.clear_answer_rules()


def faults(fail=(), drop=(), disconnect=None, qb_unavailable=0, connection_error=None):
    plan = qs.FaultPlan()
    for spec in fail:
        plan.add_fail(spec)
    for spec in drop:
        plan.add_drop(spec)
    if disconnect:
        plan.set_disconnect(disconnect)
    plan.qb_unavailable = qb_unavailable
    if connection_error:
        plan.set_connection_error(connection_error)
    return plan


class SessionResult:
    def __init__(self, code, report, transcript):
        self.code = code
        self.report = report
        self.transcript = transcript

    @property
    def auth_status(self):
        auth = self.report.get("authenticate") or []
        return auth[1] if len(auth) > 1 else None

    def request_types(self):
        return [r["types"] for r in self.report["requests"]]

    def document_adds(self):
        """[(request n, qbXML type)] for the requests that add a document."""
        return [(r["n"], t) for r in self.report["requests"] for t in r["types"] if t in DOCUMENT_ADDS]

    def posted(self):
        return self.report["posted"]

    def __repr__(self):
        return f"<session exit {self.code}: {self.report.get('outcome')}>\n{self.transcript}"


def make_session(url, user, password, company_state, fault_plan=None, cafile=None, noop_wait=0.5, wsdl=None,
                 owner_id=None, file_id=None, max_calls=1000, timeout=60.0, **kwargs):
    out = io.StringIO()
    session = qs.Session(url=url, user=user, password=password, company_state=company_state, wsdl=wsdl or WSDL,
                         cafile=cafile, faults=fault_plan or qs.FaultPlan(), noop_wait=noop_wait, owner_id=owner_id,
                         file_id=file_id, max_calls=max_calls, timeout=timeout, out=out, **kwargs)
    return session, out


def run_session(url, user, password, company_state, **kwargs):
    """One Web Connector update session, in this process. Returns a SessionResult (code, report, transcript)."""
    session, out = make_session(url, user, password, company_state, **kwargs)
    code = session.run()
    return SessionResult(code, session.report, out.getvalue())


class BackgroundSession:
    """A session running in a thread; progress() = qbXML requests handed out so far, calls() = SOAP calls."""

    def __init__(self, url, user, password, company_state, **kwargs):
        self.session, self.out = make_session(url, user, password, company_state, **kwargs)
        self.result = None
        self.error = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            code = self.session.run()
            self.result = SessionResult(code, self.session.report, self.out.getvalue())
        except BaseException as exc:  # reported by join()
            self.error = exc

    def progress(self):
        return self.session.requests

    def calls(self):
        return self.session.calls

    def done(self):
        return not self.thread.is_alive()

    def join(self, timeout=120):
        self.thread.join(timeout)
        if self.thread.is_alive():
            raise AssertionError(f"the emulator session did not end within {timeout} s:\n{self.out.getvalue()}")
        if self.error is not None:
            raise self.error
        return self.result


def run_until_done(url, user, password, company_state, max_sessions=8, allowed=(EXIT_OK,), **kwargs):
    """Runs sessions until authenticate answers "none" (nothing left to do). Every session must end with an exit
    code in `allowed`. Returns the SessionResults (the last one is the "none")."""
    results = []
    for _ in range(max_sessions):
        result = run_session(url, user, password, company_state, **kwargs)
        results.append(result)
        if result.code not in allowed:
            raise AssertionError(f"session {len(results)} ended with exit {result.code}: {result!r}")
        if result.auth_status == "none":
            return results
    raise AssertionError(f"work still left after {max_sessions} sessions; last: {results[-1]!r}")


# ---------------------------------------------------------------------------------------------------------------
# assertions shared by the tests

def ledger_problems(qb_path, reports, data_dir=None, company=None):
    """Everything wrong with the simulated company's ledger after posting `reports` (a list of report files):
    each receipt/credit memo exactly once with the summary's total, each credit memo's refund exactly once for
    the same amount, no open customer credit, the clearing account right, debits = credits, no hard failure;
    and, with data_dir/company, every document `posted` in `status` with QuickBooks' TxnID. [] = all good."""
    qb = load_qb(qb_path)
    problems = []
    counts = qb.add_counts()
    expected = expected_documents(reports)
    docs = {(d["kind"], d["ref_number"]): d for d in qb.documents()}
    for key, total in sorted(expected.items()):
        n = counts.get(key, 0)
        if n != 1:
            problems.append(f"{key[0]} {key[1]} added {n} times (want 1)")
        elif docs[key]["total_cents"] != total:
            problems.append(f"{key[0]} {key[1]} total {docs[key]['total_cents']} != summary's {total}")
    memos = {ref: total for (kind, ref), total in expected.items() if kind == "CreditMemo"}
    memo_txn = {d["txn_id"]: d["ref_number"] for d in qb.documents("CreditMemo")}
    refunded = {}
    for refund in qb.documents("ARRefundCreditCard"):
        for applied in refund["applied_to"]:
            ref = memo_txn.get(applied.get("txn_id"))
            refunded.setdefault(ref, []).append(refund["total_cents"])
    for ref, total in sorted(memos.items()):
        if total > 0 and refunded.get(ref) != [total]:
            problems.append(f"credit memo {ref} ({total}) refunded {refunded.get(ref)} (want exactly [{total}])")
    for key, n in sorted(counts.items(), key=str):
        if n != 1 and key[1] is not None:  # transfers have no RefNumber (checked against the status below)
            problems.append(f"{key[0]} {key[1]} added {n} times")
        if key[0] in ("SalesReceipt", "CreditMemo") and key not in expected:
            problems.append(f"unexpected {key[0]} {key[1]} in QuickBooks")
    # Per settlement: receipts deposited into its account minus refunds paid out of it = the deposit (the clearing
    # account, or Amazon Reserved Balances for a negative settlement).
    by_ref = {d["ref_number"]: d for d in qb.documents()}
    for entry in reports:
        s = summary_of(entry)
        account = settlement_account(s)
        moved = 0
        for d in s["documents"]:
            if d["kind"] == "sales_receipt":
                got = by_ref.get(d["ref_number"])
                if got and got["account"] == account:
                    moved += got["total_cents"]
                elif got:
                    problems.append(f"sales receipt {d['ref_number']} deposited to {got['account']!r} (want {account!r})")
        for d in s["documents"]:
            if d["kind"] == "credit_memo" and d["total_cents"] > 0:
                memo = by_ref.get(d["ref_number"])
                for refund in qb.documents("ARRefundCreditCard"):
                    if memo and any(a.get("txn_id") == memo["txn_id"] for a in refund["applied_to"]):
                        if refund["account"] != account:
                            problems.append(f"refund of {d['ref_number']} paid from {refund['account']!r} "
                                            f"(want {account!r})")
                        moved -= refund["total_cents"]
        if moved != s["deposit_cents"]:
            problems.append(f"settlement {s['settlement_id']}: clearing moved {moved} by its documents, "
                            f"deposit {s['deposit_cents']}")
    if qb.find_account(CLEARING) is None:
        if any(settlement_account(summary_of(entry)) == CLEARING for entry in reports):
            problems.append(f"no {CLEARING!r} account in QuickBooks")
    else:
        want = expected_clearing_balance(reports)
        if qb.balance(CLEARING) != want:
            problems.append(f"{CLEARING} balance {qb.balance(CLEARING)} != expected {want}")
    if qb.find_customer(CUSTOMER) is not None and qb.customer_balance(CUSTOMER) != 0:
        problems.append(f"customer {CUSTOMER} balance {qb.customer_balance(CUSTOMER)} (open credit or receivable)")
    if qb.trial_balance() != 0:
        problems.append(f"trial balance {qb.trial_balance()} != 0")
    if qb.hard_failures():
        problems.append(f"hard failures: {[(f['kind'], f['detail'][:200]) for f in qb.hard_failures()]}")
    if data_dir is not None:
        txn_ids = {(d["kind"], d["ref_number"]): d["txn_id"] for d in qb.documents()}
        transfer_ids = {d["txn_id"] for d in qb.documents("Transfer")}  # transfers have no RefNumber: several per file
        for d in documents(data_dir, company):
            key = (STATUS_KIND_TO_QB.get(d["kind"]), d["ref_number"])
            if d["state"] != "posted":
                problems.append(f"{d['kind']} {d['ref_number']} is {d['state']} in status (want posted): "
                                f"{d.get('last_error') or d.get('qb_status_message') or d.get('hold_reason')}")
            elif d["kind"] == "transfer":
                if d["qb_txn_id"] not in transfer_ids:
                    problems.append(f"transfer of settlement {d['settlement_id']}: status TxnID {d['qb_txn_id']} is "
                                    f"not a transfer in QuickBooks")
            elif d["qb_txn_id"] != txn_ids.get(key):
                problems.append(f"{d['kind']} {d['ref_number']}: status TxnID {d['qb_txn_id']} != QuickBooks' "
                                f"{txn_ids.get(key)}")
            elif d["qb_total_cents"] != d["expected_total_cents"]:
                problems.append(f"{d['kind']} {d['ref_number']}: qb_total {d['qb_total_cents']} != expected "
                                f"{d['expected_total_cents']}")
    return problems


# ---------------------------------------------------------------------------------------------------------------------
# The Python simulators (tools/ads_sim, tools/sellercloud_sim): started on a free port, driven through /_control.

PYTHON = os.environ.get("SETTLEBRIDGE_PYTHON", sys.executable)


def start_python_sim(ws, script, name, extra=()):
    """tools/<script> (e.g. "sellercloud_sim/sellercloud_sim.py") on a free port, its log in the workspace; returns
    (process, url). The caller stops the process."""
    ready = ws.path(f"{name}.json")
    with open(ws.path(f"{name}.log"), "w") as log:  # the child keeps its own descriptor
        proc = subprocess.Popen([PYTHON, os.path.join(SOURCE_DIR, "tools", script), "--port", "0", "--ready-file",
                                 ready, *extra], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while not os.path.exists(ready) or os.path.getsize(ready) == 0:
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"{name} did not start")
        time.sleep(0.05)
    time.sleep(0.05)
    with open(ready) as f:
        return proc, json.load(f)["url"]


def sim_control(url, payload=None):
    """A simulator's /_control: its state (GET), or a change (POST of `payload`)."""
    import urllib.request
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(url + "/_control", data=data, method="GET" if payload is None else "POST")
    with urllib.request.urlopen(request, timeout=20) as r:
        return json.loads(r.read() or b"{}")


def wait_for(predicate, what, timeout=60, interval=0.2):
    """Polls `predicate` until it returns something truthy (returned), or fails naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")
