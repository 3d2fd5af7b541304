#!/usr/bin/python3
"""The main job, end to end on the embedded default (SQLite + the local simulators), as a seller would live it:

  1. a fresh data directory (SQLite), a QuickBooks company in Testing mode, the operator's Amazon app;
  2. the Amazon simulator (tools/amazon_sim) serving the bundled settlement reports (tools/samples);
  3. the daemon (`settlebridge serve`), the seller clicking through "Connect with Amazon" (the consent page,
     Authorize, Amazon's redirect to the daemon's callback);
  4. the daemon's schedule syncing the settlements (downloaded, stored raw, summarized, held for review);
  5. the bookkeeper approving them, the QuickBooks Web Connector (tools/qbwc_emulator, the official WSDL over
     zeep) running update sessions against a simulated QuickBooks company (tools/quickbooks_sim);
  6. per settlement: what was posted, and the Amazon Clearing account's movement against Amazon's deposit.

Exits 0 only if every settlement was posted exactly once and the clearing account moved by exactly each deposit.

usage: tools/demo.py [--data-dir DIR] [--bin PATH] [--amazon-sim PATH] [--reports DIR]
"""
import argparse
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

SIM_APP_ID = "amzn1.sp.solution.settlebridge-sim"
SIM_CLIENT_ID = "amzn1.application-oa2-client.settlebridge-sim"
SIM_CLIENT_SECRET = "amzn1.oa2-cs.v1.settlebridge-sim-secret"
COMPANY = "Demo Seller"
PASSWORD = "demo-web-connector-password"
CLEARING = "Amazon Clearing"


def step(text):
    print(f"\n==> {text}", flush=True)


def fail(text):
    print(f"demo: FAILED: {text}", file=sys.stderr, flush=True)
    sys.exit(1)


def find_binary(name, explicit=None):
    if explicit:
        return explicit
    for candidate in (os.path.join(REPO, "build", "daemon", "app", name), os.path.join(REPO, "build", "tools", name, name)):
        if os.access(candidate, os.X_OK):
            return candidate
    for root, _, files in os.walk(os.path.join(REPO, "build")):
        if name in files and os.access(os.path.join(root, name), os.X_OK):
            return os.path.join(root, name)
    fail(f"{name} is not built (run tools/build.sh)")


class Demo:
    def __init__(self, data_dir, binary):
        self.data_dir = data_dir
        self.binary = binary
        self.processes = []
        self.env = dict(os.environ)
        self.env.pop("SETTLEBRIDGE_DATA_DIR", None)

    def cli(self, *args, stdin=None, env=None, check=True):
        full_env = dict(self.env)
        full_env.update(env or {})
        proc = subprocess.run([self.binary, *args, "--data-dir", self.data_dir], input=stdin, capture_output=True,
                              text=True, env=full_env, timeout=300)
        if check and proc.returncode != 0:
            fail(f"settlebridge {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
        return proc

    def start(self, argv, ready_file, what, log_name):
        log = open(os.path.join(self.data_dir, log_name), "w")
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=self.env)
        self.processes.append(proc)
        deadline = time.time() + 30
        while not os.path.exists(ready_file):
            if proc.poll() is not None:
                fail(f"{what} exited at start; see {log.name}")
            if time.time() > deadline:
                fail(f"{what} did not start in 30 s; see {log.name}")
            time.sleep(0.05)
        return proc

    def stop_all(self):
        for proc in reversed(self.processes):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        self.processes = []


def http_get(url):
    """GET without following redirects: (status, Location, body)."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=30) as response:
            return response.status, response.headers.get("Location"), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location"), error.read().decode("utf-8", "replace")


def connect_with_amazon(demo, daemon_url):
    """The seller's side of Connect with Amazon, played by this script as the seller's browser."""
    out = demo.cli("amazon", "connect", "--company", COMPANY, "--name", "US seller", "--region", "NA").stdout
    consent = next((line for line in out.splitlines() if line.startswith("http")), None)
    if not consent:
        fail(f"no consent address in: {out}")
    print(f"    consent page: {consent[:90]}…")
    status, _, page = http_get(consent)
    if status != 200:
        fail(f"the consent page answered {status}")
    match = re.search(r'id="authorize" href="([^"]+)"', page)
    if not match:
        fail("the consent page has no Authorize link")
    authorize = match.group(1).replace("&amp;", "&")
    base = consent.split("/apps/")[0]
    status, location, _ = http_get(base + authorize if authorize.startswith("/") else authorize)
    if status != 302 or not location or not location.startswith(daemon_url):
        fail(f"Amazon did not send the browser back to the daemon (status {status}, Location {location})")
    print("    the seller clicked Authorize; Amazon redirects to the daemon's callback")
    status, _, page = http_get(location)
    if status != 200:
        fail(f"the daemon's callback answered {status}: {page}")
    print("    daemon: " + re.sub(r"<[^>]+>", " ", page.split("<h1>")[1].split("</p>")[0]).split("  ")[0].strip())


def wait_for_sync(demo, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        listing = json.loads(demo.cli("amazon", "list", "--format", "json").stdout)
        for c in listing["connections"]:
            if c["sync_state"] == "ok":
                return c
            if c["sync_state"] == "error":
                fail(f"the sync failed: {c['sync_message']}")
        time.sleep(0.3)
    fail("the daemon did not sync within two minutes")


def settlements(data_dir):
    """(settlement id, deposit cents, currency) of every active settlement, from the daemon's database."""
    db = sqlite3.connect(f"file:{os.path.join(data_dir, 'settlebridge.db')}?mode=ro", uri=True, timeout=30)
    try:
        return db.execute("SELECT s.settlement_id, m.deposit, m.currency FROM settlements s JOIN summaries m ON "
                          "m.settlement_row = s.id WHERE s.state = 'active' ORDER BY s.settlement_id").fetchall()
    finally:
        db.close()


def cents(value):
    sign = "-" if value < 0 else ""
    value = abs(value)
    return f"{sign}{value // 100:,}.{value % 100:02d}"


def main():
    parser = argparse.ArgumentParser(description="Settlebridge end-to-end demo")
    parser.add_argument("--data-dir", help="where the demo keeps its data (default: a new temporary directory)")
    parser.add_argument("--bin", help="the settlebridge binary (default: build/)")
    parser.add_argument("--amazon-sim", help="the amazon_sim binary (default: build/)")
    parser.add_argument("--reports", default=os.path.join(HERE, "samples"), help="settlement reports Amazon serves")
    parser.add_argument("--edition", choices=("US", "CA"), default="US",
                        help="the simulated QuickBooks edition: US (default), or CA (a Canadian file with multicurrency "
                             "on and CAD at home: the US settlements post in USD at QuickBooks' exchange rate)")
    args = parser.parse_args()

    data_dir = os.path.abspath(args.data_dir or tempfile.mkdtemp(prefix="settlebridge-demo-"))
    os.makedirs(data_dir, exist_ok=True)
    if os.path.exists(os.path.join(data_dir, "settlebridge.db")):
        fail(f"{data_dir} already holds a Settlebridge database; give an empty --data-dir")
    binary = find_binary("settlebridge", args.bin)
    sim_binary = find_binary("amazon_sim", args.amazon_sim)
    demo = Demo(data_dir, binary)
    try:
        reports_dir = os.path.join(data_dir, "amazon-reports")
        os.makedirs(reports_dir, exist_ok=True)
        for name in sorted(os.listdir(args.reports)):
            if name.startswith("us_usd_") and name.endswith(".txt"):
                shutil.copy(os.path.join(args.reports, name), reports_dir)

        step(f"data directory {data_dir} (SQLite: settlebridge.db)")
        step("starting the Amazon simulator (LWA, Seller Central consent, SP-API Reports)")
        sim_ready = os.path.join(data_dir, "amazon-sim.json")
        demo.start([sim_binary, "--reports-dir", reports_dir, "--port", "0", "--ready-file", sim_ready,
                    "--refresh-token", "none"], sim_ready, "the Amazon simulator", "amazon-sim.log")
        with open(sim_ready) as f:
            sim_url = json.load(f)["url"]
        print(f"    {sim_url} serving {len(os.listdir(reports_dir))} settlement reports")

        step("starting the daemon (settlebridge serve)")
        daemon_ready = os.path.join(data_dir, "daemon.ready")
        demo.start([binary, "serve", "--data-dir", data_dir, "--port", "0", "--ready-file", daemon_ready, "--tick", "1"],
                   daemon_ready, "the daemon", "daemon.log")
        with open(daemon_ready) as f:
            daemon_url = f.read().strip().replace("127.0.0.1", "localhost")
        print(f"    {daemon_url} (Web Connector endpoint {daemon_url}/qbwc)")

        step(f"adding the QuickBooks company \"{COMPANY}\" (Testing: documents wait for review)")
        demo.cli("company", "add", COMPANY, "--mode", "testing", env={"SETTLEBRIDGE_PASSWORD": PASSWORD})
        demo.cli("amazon", "app", "--application-id", SIM_APP_ID, "--client-id", SIM_CLIENT_ID,
                 "--redirect-uri", daemon_url + "/oauth/amazon/callback", "--endpoint", sim_url, "--draft",
                 env={"SETTLEBRIDGE_AMAZON_CLIENT_SECRET": SIM_CLIENT_SECRET})
        print("    the operator's Amazon app is configured (client secret stored encrypted)")

        step("Connect with Amazon")
        connect_with_amazon(demo, daemon_url)

        step("the daemon's schedule syncs the settlement reports")
        connection = wait_for_sync(demo)
        print(f"    {connection['sync_message']}")
        reports = json.loads(demo.cli("amazon", "reports", "--company", COMPANY, "--format", "json").stdout)["reports"]
        for r in reports:
            print(f"    report {r['report_id']}: settlement {r['settlement_id']} ({r['marketplace']}) {r['outcome']}")
        rows = settlements(data_dir)
        if not rows:
            fail("no settlement was imported")

        step("the bookkeeper reviews and approves each settlement")
        for settlement_id, _, _ in rows:
            out = demo.cli("approve", settlement_id, "--company", COMPANY).stdout.strip()
            print(f"    {out}")

        step("the QuickBooks Web Connector runs an update session")
        xsd_dir = os.environ.get("SETTLEBRIDGE_QBXML_XSD_DIR")
        print("    every qbXML request is checked against the project's schema (qbxml/schema/requests.schema)"
              + (f" and Intuit's XSDs in {xsd_dir}" if xsd_dir else
                 "; Intuit's XSDs: skipped (set SETTLEBRIDGE_QBXML_XSD_DIR to a folder holding them)"))
        qwc = os.path.join(data_dir, "demo.qwc")
        demo.cli("qwc", "--company", COMPANY, "--url", daemon_url + "/qbwc", "--out", qwc)
        state = os.path.join(data_dir, "quickbooks-company.json")
        from quickbooks_sim import Company
        if args.edition == "CA":
            qb = Company.new(state, country="CA", multicurrency=True, home_currency="Canadian Dollar")
            qb.set_exchange_rate("USD", "1.3675")
            qb.save()
            print("    the QuickBooks company file: Canadian edition, multicurrency on, home currency CAD, "
                  "US Dollar at 1.3675")
        emulator = [sys.executable, os.path.join(HERE, "qbwc_emulator", "emulate.py"), "--qwc", qwc,
                    "--password-env", "SB_DEMO_PASSWORD", "--company-state", state,
                    "--json-report", os.path.join(data_dir, "session.json"), "--quiet"]
        env = dict(demo.env, SB_DEMO_PASSWORD=PASSWORD)
        for attempt in range(3):
            run = subprocess.run(emulator, capture_output=True, text=True, env=env, timeout=600)
            if run.returncode != 0:
                fail(f"the Web Connector session ended with exit {run.returncode}:\n{run.stdout}{run.stderr}")
            with open(os.path.join(data_dir, "session.json")) as f:
                session = json.load(f)
            print(f"    session {attempt + 1}: {len(session.get('posted', []))} documents posted, "
                  f"{len(session.get('requests', []))} qbXML requests, outcome {session.get('outcome')}")
            status = json.loads(demo.cli("status", "--company", COMPANY, "--format", "json").stdout)
            counts = status["companies"][0]["counts"] if "companies" in status else {}
            if counts.get("queued", 0) == 0 and counts.get("sent", 0) == 0:
                break

        step("what QuickBooks holds now")
        company = Company.load(state)
        home = company.home_currency()["code"] if company.state["preferences"]["multicurrency"] else None
        problems = []
        for (kind, ref), n in sorted(company.add_counts().items(), key=lambda kv: str(kv[0])):
            if n != 1:
                problems.append(f"{kind} {ref} was added {n} times")
        print(f"    {'settlement':<14} {'documents':<34} {'deposit':>14} {'clearing moved':>16}")
        clearing_names = set()
        for settlement_id, deposit, currency in rows:
            # In a multicurrency file a settlement in another currency goes through its own clearing account.
            name = CLEARING if home in (None, currency) else f"{CLEARING} {currency}"
            clearing_names.add(name)
            clearing = company.find_account(name)
            if clearing is None:
                fail(f"QuickBooks has no account {name}")
            docs = [t for t in company.state["transactions"] if settlement_id in (t.get("memo") or "")]
            moved = sum(p["amount"] if p.get("currency") == currency else p["debit"]
                        for t in docs for p in t["postings"] if p["account"] == clearing["list_id"])
            names = ", ".join(f"{t['kind']} {t.get('ref_number') or ''}".strip() for t in docs) or "nothing posted"
            ok = docs and moved == deposit
            print(f"    {settlement_id:<14} {names[:34]:<34} {cents(deposit):>10} {currency} {cents(moved):>12} {currency}"
                  f"  {'reconciled' if ok else 'NOT RECONCILED'}")
            if not ok:
                problems.append(f"settlement {settlement_id}: deposit {cents(deposit)}, clearing moved {cents(moved)}")
        open_credit = sum(company.customer_balance(c["full_name"]) for c in company.state["customers"])
        for name in sorted(clearing_names):
            print(f"    {name} balance: {cents(company.balance(name))}")
        print(f"    customer balance left open: {cents(open_credit)}")
        if open_credit != 0:
            problems.append(f"the customer has {cents(open_credit)} left open")
        if problems:
            for p in problems:
                print(f"demo: {p}", file=sys.stderr)
            fail("not every settlement was posted and reconciled")
        print(f"\ndemo: every settlement was posted exactly once and Amazon Clearing moved by exactly each deposit "
              f"({args.edition} edition; data in {data_dir})")
        return 0
    finally:
        demo.stop_all()


if __name__ == "__main__":
    sys.exit(main())
