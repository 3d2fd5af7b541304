#!/usr/bin/python3
"""`settlebridge sellercloud ...` end to end against tools/sellercloud_sim: connect (password on stdin, checked
by `test`), companies, map, send --days N, log (text and JSON), a remap that needs --confirm and clears the old
company's product. Ads profiles and spend are written straight into the store with sqlite3 (the ads area's own
CLI fills them in real use)."""

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

BIN = os.environ.get("SETTLEBRIDGE_BIN", "settlebridge")
SOURCE = os.environ.get("SETTLEBRIDGE_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
PYTHON = os.environ.get("SETTLEBRIDGE_PYTHON", sys.executable)


def run(args, data_dir, stdin="", env_extra=None, expect=0):
    env = dict(os.environ)
    env.update(env_extra or {})
    p = subprocess.run([BIN] + args + ["--data-dir", data_dir], input=stdin, capture_output=True, text=True,
                       env=env, timeout=120)
    if p.returncode != expect:
        raise AssertionError("%s -> %d (expected %d)\nstdout: %s\nstderr: %s" % (args, p.returncode, expect,
                                                                                  p.stdout, p.stderr))
    return p.stdout


def control(url, payload=None):
    if payload is None:
        with urllib.request.urlopen(url + "/_control", timeout=10) as r:
            return json.load(r)
    req = urllib.request.Request(url + "/_control", data=json.dumps(payload).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        ready = os.path.join(tmp, "ready.json")
        sim = subprocess.Popen([PYTHON, os.path.join(SOURCE, "tools", "sellercloud_sim", "sellercloud_sim.py"),
                                "--port", "0", "--ready-file", ready])
        try:
            deadline = time.time() + 20
            while not os.path.exists(ready):
                if time.time() > deadline or sim.poll() is not None:
                    raise AssertionError("sellercloud_sim did not start")
                time.sleep(0.05)
            with open(ready) as f:
                url = json.load(f)["url"]
            control(url, {"products": [
                {"ID": "SKU-A", "CompanyID": 1, "ProductName": "A", "AverageCost": 2.0},
                {"ID": "SKU-A-OUT", "CompanyID": 2, "ProductName": "A outlet", "AmazonMerchantSKU": "SKU-A"}]})
            env = {"SETTLEBRIDGE_SELLERCLOUD_LOOKUP_URL": url + "/api/server-by-team/", "SETTLEBRIDGE_PASSWORD": "",
                   "SETTLEBRIDGE_SELLERCLOUD_PASSWORD": ""}
            data = os.path.join(tmp, "data")
            run(["company", "add", "acme"], data, stdin="wc-password\n", env_extra=env)

            # An ads account, a profile and yesterday's spend, as the ads sync would store them.
            db = sqlite3.connect(os.path.join(data, "settlebridge.db"))
            now = int(time.time())
            db.execute("INSERT INTO ads_accounts (id, channel, name, region, created_at, updated_at) "
                       "VALUES (1, 'amazon_ads', 'Main', 'NA', ?, ?)", (now, now))
            db.execute("INSERT INTO ads_profiles (id, account_id, profile_id, currency_code, time_zone, created_at, "
                       "updated_at) VALUES (1, 1, '1001', 'USD', 'UTC', ?, ?)", (now, now))
            yesterday = time.strftime("%Y-%m-%d", time.gmtime(now - 86400))
            db.execute("INSERT INTO ad_spend (profile_row, ad_product, date, campaign_id, sku, asin, cost, sales, "
                       "purchases, pulled_at) VALUES (1, 'SP', ?, '9', 'SKU-A', 'B0A', 1234, 5000, 2, ?)",
                       (yesterday, now))
            db.execute("INSERT INTO ad_spend (profile_row, ad_product, date, campaign_id, sku, asin, cost, sales, "
                       "purchases, pulled_at) VALUES (1, 'SP', ?, '9', 'LOST', 'B0L', 99, 0, 0, ?)", (yesterday, now))
            db.commit()
            db.close()

            # A wrong password is stored but the verdict says so (exit 3); the right one connects.
            out = run(["sellercloud", "connect", "--company", "acme", "--team", "acme", "--username", "api-user"],
                      data, stdin="nope\n", env_extra=env, expect=3)
            assert "bad_credentials" in out, out
            out = run(["sellercloud", "connect", "--company", "acme", "--team", "acme", "--username", "api-user"],
                      data, stdin="correct horse\n", env_extra=env)
            assert "ok: connected" in out, out
            verdict = json.loads(run(["sellercloud", "test", "--company", "acme", "--format", "json"], data,
                                     env_extra=env))
            assert verdict["verdict"] == "ok" and verdict["companies"] == 2, verdict
            companies = run(["sellercloud", "companies", "--company", "acme"], data, env_extra=env)
            assert "1\tAcme Main" in companies and "2\tAcme Outlet" in companies, companies

            run(["sellercloud", "map", "1001", "1", "--company", "acme"], data, env_extra=env)
            out = run(["sellercloud", "send", "--company", "acme", "--days", "7"], data, env_extra=env)
            assert "manual" in out and "partial" in out, out
            values = control(url)["values"]
            assert values["SKU-A"]["AdSpendYesterday"] == 12.34, values
            assert values["SKU-A"]["ACoS30Days"] == 24.68, values

            sends = json.loads(run(["sellercloud", "log", "--company", "acme", "--format", "json"], data,
                                   env_extra=env))["sends"]
            assert len(sends) == 1 and sends[0]["written"] == 1 and sends[0]["unmatched"] == 1, sends
            detail = json.loads(run(["sellercloud", "log", "--send", str(sends[0]["id"]), "--format", "json"], data,
                                    env_extra=env))
            by_sku = {r["sku"]: r for r in detail["records"]}
            assert by_sku["SKU-A"]["product"] == "SKU-A" and by_sku["SKU-A"]["cost"] == "12.34", by_sku
            assert by_sku["SKU-A"]["item_cost"] == "2.00" and by_sku["SKU-A"]["profit"] == "33.66", by_sku
            assert by_sku["LOST"]["status"] == "unmatched" and by_sku["LOST"]["product"] == "", by_sku
            text = run(["sellercloud", "log", "--send", str(sends[0]["id"])], data, env_extra=env)
            assert "SKU-A\tSKU-A\tsku\t12.34\t50.00\t2.00\t33.66\twritten" in text, text

            # Remap: a warning without --confirm (exit 1, nothing changed), then cleared and moved.
            out = run(["sellercloud", "map", "1001", "2", "--company", "acme"], data, env_extra=env, expect=1)
            assert "duplicate" in out, out
            assert control(url)["values"]["SKU-A"]["AdSpend30Days"] == 12.34
            out = run(["sellercloud", "map", "1001", "2", "--company", "acme", "--confirm"], data, env_extra=env)
            assert "now sends to Sellercloud company Acme Outlet" in out, out
            assert control(url)["values"]["SKU-A"]["AdSpend30Days"] is None
            run(["sellercloud", "send", "--company", "acme"], data, env_extra=env)
            assert control(url)["values"]["SKU-A-OUT"]["AdSpend30Days"] == 12.34

            out = run(["sellercloud", "link-rules", "--company", "acme", "upc,bogus"], data, env_extra=env, expect=2)
            out = run(["sellercloud", "link-rules", "--company", "acme", "amazon_sku,sku"], data, env_extra=env)
            assert out.strip().endswith("amazon_sku,sku"), out
        finally:
            sim.terminate()
            sim.wait(timeout=10)
    print("ok")


if __name__ == "__main__":
    main()
