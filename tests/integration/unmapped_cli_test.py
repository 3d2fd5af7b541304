#!/usr/bin/python3
"""`settlebridge unmapped`: the kinds of rows no rule maps, across every imported settlement, and mapping one.

Settlements made by tools/generate_settlement.py with account-level rows of kinds no built-in rule knows.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

BIN = os.environ["SETTLEBRIDGE_BIN"]
SOURCE = os.environ["SETTLEBRIDGE_SOURCE_DIR"]
GENERATOR = os.path.join(SOURCE, "tools", "generate_settlement.py")
PENALTY = "other-transaction|other-transaction|Seller Fulfilled Prime Penalty|"
BONUS = "other-transaction|other-transaction|Brand Registry Bonus|"


def run(*args, data_dir):
    env = dict(os.environ, SETTLEBRIDGE_PASSWORD="unmapped-cli-pass")
    return subprocess.run([BIN, *args, "--data-dir", data_dir], capture_output=True, text=True, timeout=120, env=env)


class UnmappedCli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.data = os.path.join(self.tmp.name, "data")
        self.assertEqual(run("company", "add", "acme", data_dir=self.data).returncode, 0)

    def tearDown(self):
        self.tmp.cleanup()

    def import_generated(self, settlement_id, start, rows):
        path = os.path.join(self.tmp.name, settlement_id + ".txt")
        args = [sys.executable, GENERATOR, "--orders", "5", "--settlement-id", settlement_id, "--start", start, path]
        for row in rows:
            args[2:2] = ["--row", row]
        subprocess.run(args, check=True, capture_output=True)
        proc = run("import", path, "--company", "acme", data_dir=self.data)
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def listing(self):
        proc = run("unmapped", "--company", "acme", "--format", "json", data_dir=self.data)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return json.loads(proc.stdout)

    def test_lists_across_settlements_and_maps_one(self):
        self.assertEqual(self.listing()["types"], [])
        proc = run("unmapped", "--company", "acme", data_dir=self.data)
        self.assertIn("Every row of every imported settlement", proc.stdout)

        self.import_generated("25000000101", "2026-09-01", [PENALTY + "-1.25"])
        self.import_generated("25000000102", "2026-09-15", [PENALTY + "-2.50", BONUS + "4.00"])
        data = self.listing()
        self.assertEqual(data["mapping_version"], "builtin-2")
        kinds = {t["amount_description"]: t for t in data["types"]}
        self.assertEqual(set(kinds), {"Seller Fulfilled Prime Penalty", "Brand Registry Bonus"})
        penalty = kinds["Seller Fulfilled Prime Penalty"]
        self.assertEqual(penalty["rows"], 2)
        self.assertEqual(penalty["totals"], [{"currency": "USD", "amount_cents": -375}])
        self.assertEqual([(s["settlement_id"], s["amount_cents"]) for s in penalty["settlements"]],
                         [("25000000101", -125), ("25000000102", -250)])
        self.assertEqual(penalty["mapped_to"], "")
        self.assertEqual(kinds["Brand Registry Bonus"]["totals"][0]["amount_cents"], 400)

        text = run("unmapped", "--company", "acme", data_dir=self.data).stdout
        self.assertIn("Seller Fulfilled Prime Penalty: 2 rows, -3.75 USD", text)
        self.assertIn("25000000101 (1 row, -1.25 USD", text)

        kind = ["--transaction-type", "other-transaction", "--amount-type", "other-transaction",
                "--description", "Seller Fulfilled Prime Penalty"]
        bad = run("unmapped", "map", "--company", "acme", *kind, "--category", "penalties", data_dir=self.data)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("\"penalties\" is not a category", bad.stderr)
        proc = run("unmapped", "map", "--company", "acme", *kind, "--category", "account-fees", data_dir=self.data)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("builtin-2+admin-1", proc.stdout)

        data = self.listing()
        self.assertEqual(data["mapping_version"], "builtin-2+admin-1")
        self.assertEqual(data["types"][0]["amount_description"], "Brand Registry Bonus", "still unmapped first")
        self.assertEqual(data["types"][1]["mapped_to"], "account-fees")
        again = run("unmapped", "map", "--company", "acme", *kind, "--category", "subscription", data_dir=self.data)
        self.assertEqual(again.returncode, 2, "a kind a rule maps already is not mapped twice")

        # The next settlement uses the rule: only the bonus is unmapped in it.
        self.import_generated("25000000103", "2026-09-29", [PENALTY + "-1.00", BONUS + "1.00"])
        kinds = {t["amount_description"]: t for t in self.listing()["types"]}
        self.assertEqual([s["settlement_id"] for s in kinds["Seller Fulfilled Prime Penalty"]["settlements"]],
                         ["25000000101", "25000000102"])
        self.assertEqual(len(kinds["Brand Registry Bonus"]["settlements"]), 2)


if __name__ == "__main__":
    unittest.main()
