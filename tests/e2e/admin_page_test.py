#!/usr/bin/python3
"""The admin page end to end in headless Chromium: a data directory prepared by the CLI (company add, import of the
bundled sample settlements), the real `settlebridge serve`, and tests/e2e/admin_browser.js driving the page through
playwright-core (tools/node) and Debian's chromium: first run and login, the home page's sync state changing from
syncing to done (a real sync of a connection to the Amazon simulator by the daemon's schedule), the previewer's
selection rule and its numbers against the fixture's deposit, approving a held settlement and seeing it posted by a
Web Connector emulator session, the .qwc download (parsed here), a bad setting refused and a good one saved, the
Sellercloud page against the Sellercloud simulator (an ads profile pulled from the Ads simulator by the CLI, mapped
on the page, a push setting refused and then saved, "Send now" performed by the daemon and shown in the page's logs,
the mapping deleted and what it sent cleared — each checked here in the database and the simulator),
unauthenticated and CSRF-less requests refused, logout. Screenshots of every page go to
<binary dir>/admin-screenshots/ (not committed).

Needs: chromium (apt), node and tools/node/node_modules/playwright-core (tools/install-node-tools.sh).
Run: SETTLEBRIDGE_BIN=build/daemon/app/settlebridge /usr/bin/python3 tests/e2e/admin_page_test.py
"""
import datetime
import http.client
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import unittest
import zoneinfo
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

from lxml import etree  # noqa: E402

PASSWORD = "admin-page-wc-password"
SAMPLES = os.path.join(h.SOURCE_DIR, "tools", "samples")
FIRST = os.path.join(SAMPLES, "us_usd_25000000017.txt")
SECOND = os.path.join(SAMPLES, "us_usd_25000000018.txt")
BROWSER_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "admin_browser.js")
PLAYWRIGHT = h.PLAYWRIGHT
CHROMIUM = h.CHROMIUM
ADS_CLIENT_ID = "amzn1.application-oa2-client.settlebridge-ads-sim"
ADS_CLIENT_SECRET = "amzn1.oa2-cs.v1.settlebridge-ads-sim-secret"
ADS_PROFILE = "999999999"  # the US profile of tools/ads_sim/profiles.json (America/Los_Angeles, USD)
SELLERCLOUD_COLUMNS = ["AdSpendYesterday", "AdSpend7Days", "Spend7Days", "AdSpend30Days", "AdSales30Days", "ACoS30Days"]


def query(data_dir, sql, args=()):
    db = sqlite3.connect(os.path.join(data_dir, "settlebridge.db"), timeout=30)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def fixture_deposit(path):
    """The settlement's total-amount (line 2, column 5) as the page writes money: "2,221.78 USD"."""
    with open(path, encoding="utf-8") as f:
        f.readline()
        fields = f.readline().rstrip("\n").split("\t")
    amount, currency = fields[4], fields[5]
    whole, cents = amount.split(".")
    negative = whole.startswith("-")
    whole = whole.lstrip("-")
    return ("-" if negative else "") + f"{int(whole):,}" + "." + cents + " " + currency



def soap_authenticate(port, user, password, source):
    """(status, seconds to wait or "") of one authenticate sent from `source` (a loopback address)."""
    body = ('<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
            '<soap:Body><authenticate xmlns="http://developer.intuit.com/">'
            f'<strUserName>{user}</strUserName><strPassword>{password}</strPassword></authenticate></soap:Body>'
            '</soap:Envelope>')
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        conn.request("POST", "/qbwc", body=body.encode(), headers={
            "Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"http://developer.intuit.com/authenticate"'})
        answer = conn.getresponse().read()
    finally:
        conn.close()
    strings = [e.text or "" for e in etree.fromstring(answer).iter("{http://developer.intuit.com/}string")]
    return (strings[1] if len(strings) > 1 else answer, strings[2] if len(strings) > 2 else "")


def event_messages(data):
    db = sqlite3.connect(os.path.join(data, "settlebridge.db"), timeout=30)
    try:
        return [row[0] for row in db.execute("SELECT message FROM event_log")]
    finally:
        db.close()

class AdminPageTest(unittest.TestCase):
    def test_the_page_in_a_real_browser(self):
        h.require_binary()
        shots = h.require_browser(self)
        with h.Workspace() as ws:
            data = ws.mkdir("data")
            h.add_company(data, "acme", PASSWORD, mode="testing", extra=("--time-zone", "America/Los_Angeles"))
            h.import_file(data, "acme", FIRST)
            h.import_file(data, "acme", SECOND)
            # An older settlement with a kind of row no rule maps: the Settings page lists it and maps it.
            unmapped = ws.path("unmapped-kind.txt")
            subprocess.run([sys.executable, os.path.join(h.SOURCE_DIR, "tools", "generate_settlement.py"), "--orders",
                            "3", "--settlement-id", "25000000009", "--start", "2026-03-01", "--row",
                            "other-transaction|other-transaction|Seller Fulfilled Prime Penalty|-1.25", unmapped],
                           check=True, capture_output=True)
            h.import_file(data, "acme", unmapped)
            # A real Amazon connection to the simulator (serving the same two reports), asked to sync but disabled
            # for now: the page shows it yellow ("sync requested") until the test enables it, then the daemon's
            # own schedule syncs it for real and it turns green.
            sim_ready = ws.path("amazon-sim.json")
            sim = subprocess.Popen([os.path.join(h.BINARY_DIR, "tools", "amazon_sim", "amazon_sim"), "--reports-dir",
                                    SAMPLES, "--port", "0", "--ready-file", sim_ready],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.addCleanup(lambda: (sim.terminate(), sim.wait(10)))
            deadline = time.monotonic() + 20
            while not os.path.exists(sim_ready):
                self.assertLess(time.monotonic(), deadline, "amazon_sim did not start")
                time.sleep(0.05)
            time.sleep(0.05)
            with open(sim_ready) as f:
                sim_url = json.load(f)["url"]
            h.check_cli("amazon", "app", "--application-id", "amzn1.sp.solution.settlebridge-sim", "--client-id",
                        "amzn1.application-oa2-client.settlebridge-sim", "--endpoint", sim_url, data_dir=data,
                        env={"SETTLEBRIDGE_AMAZON_CLIENT_SECRET": "amzn1.oa2-cs.v1.settlebridge-sim-secret"})
            h.check_cli("amazon", "add-token", "--company", "acme", "--name", "US seller", data_dir=data,
                        stdin="Atzr|settlebridge-sim-refresh-token\n")
            h.check_cli("amazon", "set", "--company", "acme", "--disable", data_dir=data)
            h.check_cli("amazon", "sync", "--request", "--company", "acme", data_dir=data)
            qb = h.new_qb_company(ws.path("acme.json"))
            qwc_file = ws.path("acme.qwc")

            # The Amazon Ads and Sellercloud simulators: twelve days of Sponsored Products spend for SKU-A, 1.25 a
            # day (days as the profile's zone sees them), and SKU-A as a product of Sellercloud company 1.
            ads_proc, ads_url = h.start_python_sim(ws, "ads_sim/ads_sim.py", "ads-sim")
            self.addCleanup(lambda: (ads_proc.terminate(), ads_proc.wait(10)))
            sc_proc, sc_url = h.start_python_sim(ws, "sellercloud_sim/sellercloud_sim.py", "sellercloud-sim")
            self.addCleanup(lambda: (sc_proc.terminate(), sc_proc.wait(10)))
            today = datetime.datetime.now(zoneinfo.ZoneInfo("America/Los_Angeles")).date()
            rows = [{"date": (today - datetime.timedelta(days=d)).isoformat(), "campaignId": 111, "adGroupId": 1,
                     "adId": 11, "advertisedAsin": "B0AAAA0001", "advertisedSku": "SKU-A", "cost": "1.25",
                     "clicks": 3, "impressions": 100, "sales7d": "10.00", "purchases7d": 1} for d in range(12)]
            h.sim_control(ads_url, {"pending_polls": 0,
                              "data": {"spend": {ADS_PROFILE: {"SP": rows, "SD": [], "SB": []}}, "sb_ads": {}}})
            h.sim_control(sc_url, {"products": [{"ID": "SKU-A", "CompanyID": 1, "ProductName": "Widget A",
                                           "AverageCost": 2.0}], "custom_columns": SELLERCLOUD_COLUMNS})
            sim_env = {"SETTLEBRIDGE_ADS_API_URL": ads_url, "SETTLEBRIDGE_ADS_TOKEN_URL": ads_url + "/auth/o2/token",
                       "SETTLEBRIDGE_SELLERCLOUD_LOOKUP_URL": sc_url + "/api/server-by-team/"}
            answers = {}

            def sellercloud_setup():
                """An Amazon Ads account of acme with its spend pulled now (the CLI, from the Ads simulator)."""
                h.check_cli("ads", "app", "--client-id", ADS_CLIENT_ID, "--client-secret-stdin", data_dir=data,
                            stdin=ADS_CLIENT_SECRET + "\n", env=sim_env)
                h.check_cli("ads", "add-token", "--name", "Main ads", "--region", "NA", "--company", "acme",
                            data_dir=data, stdin="Atzr|admin-page-refresh-token\n", env=sim_env)
                h.check_cli("ads", "sync", "--profile", ADS_PROFILE, "--days", "10", data_dir=data, env=sim_env)
                (row,), = query(data, "SELECT id FROM ads_profiles WHERE profile_id = ?", (ADS_PROFILE,))
                answers["profile_row"] = row
                return {"profile": row}

            def after_send():
                """The manual send the page asked for: performed by the daemon, written to the simulator."""
                mapping = query(data, "SELECT sc_company_id, last_sent_date, requested_days FROM sellercloud_mappings "
                                      "WHERE profile_row = ?", (answers["profile_row"],))
                self.assertEqual(len(mapping), 1, "the page mapped the profile")
                self.assertEqual(mapping[0][0], 1)
                self.assertEqual(mapping[0][2], 0, "the request resets itself once sent")
                sends = query(data, "SELECT status, written FROM sellercloud_sends WHERE kind = 'manual'")
                self.assertEqual(sends, [("ok", 1)])
                values = h.sim_control(sc_url)["values"]["SKU-A"]
                self.assertEqual(values["Spend7Days"], 8.75, "the renamed column, from the settings saved on the page")
                self.assertEqual(values["AdSpendYesterday"], 1.25, values)
                (hour, column, rules), = query(data, "SELECT send_hour, column_7d, link_rules FROM "
                                                     "sellercloud_connections")
                self.assertEqual((hour, column, rules), (7, "Spend7Days", "sku,amazon_sku,upc,asin,mpn"))
                return {}

            def guesses(daemon):
                # Three wrong passwords for "acme" from 127.0.0.9 ("nvu", checked), then two tries refused unchecked
                # ("busy" with the seconds to wait: the address is locked for that name); the daemon counts them,
                # saves the totals for `status` and writes one event-log line (its tick is 1 s here).
                answers = [soap_authenticate(daemon.port, "acme", "guess", "127.0.0.9") for _ in range(5)]
                self.assertEqual([a[0] for a in answers], ["nvu"] * 3 + ["busy"] * 2, answers)
                self.assertTrue(all(1 <= int(a[1]) <= 2 for a in answers[3:]), answers)
                h.wait_for(lambda: (h.status(data)["sign_in_refusals"] or {}).get("web_connector", {}).get("locked") == 2,
                           "status counts the 2 refusals", timeout=20)
                refusals = h.status(data)["sign_in_refusals"]
                self.assertEqual(refusals["web_connector"]["gate_busy"], 0, refusals)
                self.assertEqual(sum(refusals["admin"].values()), 0, refusals)
                text = h.check_cli("status", data_dir=data).stdout
                self.assertIn("Sign-ins refused without a password check since the daemon started", text)
                self.assertIn("locked 2", text)
                h.wait_for(lambda: any("refused without a password check" in m for m in event_messages(data)),
                           "the event-log line", timeout=20)
                return {}

            with mock.patch.dict(os.environ, sim_env), \
                    h.Daemon(data, log_dir=ws.path(), extra=["--tick", "1"]) as daemon:
                env = dict(os.environ, BASE_URL=daemon.base_url, SHOT_DIR=shots, QWC_FILE=qwc_file,
                           EXPECT_DEPOSIT=fixture_deposit(SECOND), CHROMIUM=CHROMIUM, PLAYWRIGHT_CORE=PLAYWRIGHT)
                browser = subprocess.Popen(["node", BROWSER_SCRIPT], env=env, stdin=subprocess.PIPE,
                                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                stderr = []
                reader = threading.Thread(target=lambda: stderr.extend(browser.stderr), daemon=True)
                reader.start()
                done = False
                deadline = time.monotonic() + 160
                for line in browser.stdout:
                    line = line.strip()
                    answer = {}
                    if line == "STEP home-syncing":  # the daemon syncs it now, from the simulator
                        h.check_cli("amazon", "set", "--company", "acme", "--enable", data_dir=data)
                    elif line == "STEP approved":
                        h.run_until_done(daemon.url, "acme", PASSWORD, qb)
                    elif line == "STEP guesses":
                        answer = guesses(daemon)
                    elif line == "STEP sellercloud":
                        answer = sellercloud_setup()
                    elif line == "STEP sellercloud-sent":
                        answer = after_send()
                    elif line == "DONE":
                        done = True
                        continue
                    else:
                        continue
                    browser.stdin.write("go " + json.dumps(answer) + "\n")
                    browser.stdin.flush()
                    self.assertLess(time.monotonic(), deadline, "the browser test takes too long")
                code = browser.wait(timeout=60)
                reader.join(5)
                self.assertEqual(code, 0, "browser steps failed:\n" + "".join(stderr) + "\n" + daemon.log())
                self.assertTrue(done)

            # The downloaded .qwc is well-formed and names this daemon and company.
            root = etree.parse(qwc_file).getroot()
            self.assertEqual(root.tag, "QBWCXML")
            self.assertEqual(root.findtext("UserName"), "acme")
            self.assertEqual(root.findtext("AppURL"), daemon.url)
            # The approved settlement's documents are posted; the other settlement's are still held.
            states = {}
            for d in h.documents(data, "acme"):
                states.setdefault(d["settlement_id"], set()).add(d["state"])
            self.assertEqual(states["25000000018"], {"posted"})
            self.assertEqual(states["25000000017"], {"held"})
            # The kind mapped on the Settings page: one rule in the company's mapping, its next revision.
            [(text, revision)] = query(data, "SELECT mapping_text, mapping_revision FROM company_options")
            self.assertIn("rule other-transaction\tother-transaction\tSeller Fulfilled Prime Penalty\taccount-fees", text)
            self.assertEqual(revision, 1)
            # The Sellercloud mapping deleted on the page: gone, and what it wrote cleared in Sellercloud first.
            self.assertEqual(query(data, "SELECT count(*) FROM sellercloud_mappings"), [(0,)])
            self.assertIsNone(h.sim_control(sc_url)["values"]["SKU-A"]["Spend7Days"])
            self.assertEqual(query(data, "SELECT count(*) FROM sellercloud_sends WHERE kind = 'clear' AND status = 'ok'"),
                             [(1,)])
            events = [m for (m,) in query(data, "SELECT message FROM event_log WHERE message LIKE 'Sellercloud%'")]
            self.assertTrue(any("mapping deleted by admin" in m for m in events), events)
            self.assertTrue(any("Sellercloud settings changed by admin" in m for m in events), events)
        for name in ("01-first-run", "03-home", "04-previewer", "06-queue-posted", "07-web-connector", "09-settings",
                     "12-sellercloud-refused", "13-sellercloud"):
            self.assertTrue(os.path.getsize(os.path.join(shots, name + ".png")) > 1000, name)


if __name__ == "__main__":
    unittest.main()
