#!/usr/bin/python3
"""Ad spend through the daemon, end to end: the Amazon Ads simulator (tools/ads_sim) and the Sellercloud simulator
(tools/sellercloud_sim) on loopback, `settlebridge serve` with its schedules. An Ads account connected from the CLI
is backfilled by the daemon's own schedule (per SKU per day, in the store), a Sellercloud connection maps the
profile to a Sellercloud company, and the daemon's push writes the per-product custom columns — recomputed from the
store, so the value Sellercloud shows is exactly the simulated spend. Then the daemon stops cleanly.

Run: SETTLEBRIDGE_BIN=build/daemon/app/settlebridge /usr/bin/python3 tests/e2e/ad_spend_pipeline_test.py
"""
import datetime
import json
import os
import sqlite3
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

ADS_CLIENT_ID = "amzn1.application-oa2-client.settlebridge-ads-sim"
ADS_CLIENT_SECRET = "amzn1.oa2-cs.v1.settlebridge-ads-sim-secret"
PROFILE = "999999999"  # the US profile of tools/ads_sim/profiles.json (America/Los_Angeles)


def wait_for(predicate, what, timeout=120):
    return h.wait_for(predicate, what, timeout=timeout, interval=0.3)


class AdSpendPipelineTest(unittest.TestCase):
    def test_daemon_pulls_ad_spend_and_pushes_it_to_sellercloud(self):
        h.require_binary()
        with h.Workspace() as ws:
            ads_proc, ads_url = h.start_python_sim(ws, "ads_sim/ads_sim.py", "ads-sim")
            sc_proc, sc_url = h.start_python_sim(ws, "sellercloud_sim/sellercloud_sim.py", "sellercloud-sim")
            try:
                # Ten days of Sponsored Products spend for SKU-A, 1.25 a day (dates as the profile's zone sees them).
                la = datetime.timezone(datetime.timedelta(hours=-8))
                today = datetime.datetime.now(la).date()
                rows = [{"date": (today - datetime.timedelta(days=d)).isoformat(), "campaignId": 111, "adGroupId": 1,
                         "adId": 11, "advertisedAsin": "B0AAAA0001", "advertisedSku": "SKU-A", "cost": "1.25",
                         "clicks": 3, "impressions": 100, "sales7d": "10.00", "purchases7d": 1} for d in range(10)]
                h.sim_control(ads_url, {"data": {"spend": {PROFILE: {"SP": rows, "SD": [], "SB": []}}, "sb_ads": {}}})
                h.sim_control(sc_url, {"products": [{"ID": "SKU-A", "CompanyID": 1, "ProductName": "Widget A",
                                               "AverageCost": 2.0}]})

                env = {"SETTLEBRIDGE_ADS_API_URL": ads_url, "SETTLEBRIDGE_ADS_TOKEN_URL": ads_url + "/auth/o2/token",
                       "SETTLEBRIDGE_SELLERCLOUD_LOOKUP_URL": sc_url + "/api/server-by-team/"}
                os.environ.update(env)  # the daemon started below inherits them
                data = ws.mkdir("data")
                h.add_company(data, "acme", "pipeline-test-pass", mode="live")
                h.check_cli("ads", "app", "--client-id", ADS_CLIENT_ID, "--client-secret-stdin", data_dir=data,
                            stdin=ADS_CLIENT_SECRET + "\n", env=env)
                h.check_cli("ads", "add-token", "--name", "Main", "--region", "NA", "--company", "acme",
                            data_dir=data, stdin="Atzr|pipeline-refresh-token\n", env=env)
                profiles = json.loads(h.check_cli("ads", "profiles", "--format", "json", data_dir=data,
                                                  env=env).stdout)
                self.assertIn(PROFILE, json.dumps(profiles))

                daemon = ws.track(h.Daemon(data, extra=["--tick", "1"]))
                db_path = os.path.join(data, "settlebridge.db")

                def spend_days():
                    db = sqlite3.connect(db_path, timeout=30)
                    try:
                        return db.execute(
                            "SELECT count(DISTINCT s.date), coalesce(sum(s.cost), 0) FROM ad_spend s JOIN ads_profiles p "
                            "ON p.id = s.profile_row WHERE p.profile_id = ? AND s.sku = 'SKU-A'", (PROFILE,)).fetchone()
                    finally:
                        db.close()
                days, cost = wait_for(lambda: (lambda r: r if r[0] >= 10 else None)(spend_days()),
                                      "the daemon's ads backfill", timeout=180)
                self.assertEqual((days, cost), (10, 1250), "ten days of 1.25, stored once each")

                out = h.check_cli("sellercloud", "connect", "--company", "acme", "--team", "acme", "--username",
                                  "api-user", data_dir=data, stdin="correct horse\n", env=env).stdout
                self.assertIn("ok", out)
                h.check_cli("sellercloud", "map", PROFILE, "1", "--company", "acme", data_dir=data, env=env)
                h.check_cli("sellercloud", "send", "--company", "acme", "--days", "7", "--queue", data_dir=data, env=env)

                values = wait_for(lambda: h.sim_control(sc_url).get("values", {}).get("SKU-A"),
                                  "the daemon's push to Sellercloud", timeout=120)
                wait_for(lambda: h.sim_control(sc_url)["values"]["SKU-A"].get("AdSpend7Days") == 8.75,
                         "the 7-day spend", timeout=60)
                values = h.sim_control(sc_url)["values"]["SKU-A"]
                self.assertEqual(values["AdSpendYesterday"], 1.25, values)
                self.assertEqual(values["AdSpend7Days"], 8.75, values)
                log = json.loads(h.check_cli("sellercloud", "log", "--company", "acme", "--format", "json",
                                             data_dir=data, env=env).stdout)["sends"]
                self.assertTrue(any(s["written"] >= 1 for s in log), log)
                daemon.stop()
            finally:
                for proc in (ads_proc, sc_proc):
                    proc.terminate()
                    proc.wait(timeout=10)


if __name__ == "__main__":
    unittest.main(verbosity=2)
