#!/usr/bin/python3
"""The project-made settlement reports (tests/data/settlements/made) through the real binary.

They stand in for the real Amazon files that may not be redistributed (docs/TESTING.md), so they must be what they
claim: made by tools/generate_settlement.py exactly as make.sh says (byte for byte), in the layouts, encodings and
number styles their names say, and summarized by `settlebridge summarize --split-months` into parts whose nets equal
an independent sum of the raw rows by local month (computed here, not by the product).
"""
import csv
import datetime as dt
import glob
import json
import os
import re
import subprocess
import tempfile
import unittest
import zoneinfo

BIN = os.environ["SETTLEBRIDGE_BIN"]
SOURCE = os.environ.get("SETTLEBRIDGE_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
MADE = os.path.join(SOURCE, "tests", "data", "settlements", "made")
FILES = sorted(glob.glob(os.path.join(MADE, "*.txt")) + glob.glob(os.path.join(MADE, "extra", "*.txt")))
ZONES = {"Amazon.ca": "America/Los_Angeles", "Amazon.de": "Europe/Berlin", "Amazon.in": "Asia/Kolkata"}


def encoding_of(path):
    return "cp1252" if "windows-1252" in path else "utf-8"


def cents(text):
    text = text.strip()
    if not text:
        return None
    if re.search(r",\d\d$", text):  # 1.234,56
        text = text.replace(".", "").replace(",", ".")
    negative = text.startswith("-")
    whole, _, frac = text.lstrip("-").partition(".")
    value = int(whole) * 100 + int((frac + "00")[:2])
    return -value if negative else value


def posted(text):
    for fmt in ("%Y-%m-%dT%H:%M:%S+00:00", "%d.%m.%Y %H:%M:%S UTC", "%Y-%m-%d %H:%M:%S UTC"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).replace(tzinfo=dt.timezone.utc)
        except ValueError:
            pass
    raise ValueError(text)


def independent_months(path):
    """{month: cents}: every amount cell of every row, by the month of its posted date in the marketplace's zone."""
    with open(path, encoding=encoding_of(path), newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    header = rows[0]
    col = {name: i for i, name in enumerate(header)}
    markets = {r[col["marketplace-name"]] for r in rows[2:] if r[col["marketplace-name"]]}
    zone = zoneinfo.ZoneInfo(ZONES[markets.pop() if markets else "Amazon.ca"])
    amounts = [i for i, name in enumerate(header) if name.endswith("amount") and name != "total-amount"]
    when = col.get("posted-date-time", col["posted-date"])
    months = {}
    for r in rows[2:]:
        values = [cents(r[i]) for i in amounts if i < len(r)]
        if any(v is not None for v in values):
            month = posted(r[when]).astimezone(zone).strftime("%Y-%m")
            months[month] = months.get(month, 0) + sum(v for v in values if v is not None)
    return months


class MadeSettlements(unittest.TestCase):
    def test_make_sh_makes_exactly_the_committed_files(self):
        with tempfile.TemporaryDirectory() as out:
            os.makedirs(os.path.join(out, "extra"))
            subprocess.run(["bash", os.path.join(MADE, "make.sh"), out], check=True)
            made = sorted(os.path.relpath(p, out) for p in glob.glob(os.path.join(out, "**", "*.txt"), recursive=True))
            self.assertEqual(made, [os.path.relpath(p, MADE) for p in FILES])
            for name in made:
                with open(os.path.join(out, name), "rb") as a, open(os.path.join(MADE, name), "rb") as b:
                    self.assertEqual(a.read(), b.read(), f"{name}: regenerate with make.sh")

    def test_layouts_encodings_and_number_styles_are_what_the_names_say(self):
        self.assertEqual(len(FILES), 9)
        for path in FILES:
            name = os.path.basename(path)
            with open(path, "rb") as f:
                raw = f.read()
            header = raw.split(b"\n", 1)[0].split(b"\t")
            with self.subTest(name):
                if name.startswith("v1-33_"):
                    self.assertEqual(len(header), 33)
                    self.assertNotIn(b"promotion-amount", header)
                elif name.startswith("v1_"):
                    self.assertEqual(len(header), 36)
                    self.assertIn(b"other-amount", header)
                else:
                    self.assertIn(b"amount-description", header)
                if "windows-1252" in name:
                    self.assertIn(b"CR\xc8ME-", raw)  # È as one Windows-1252 byte
                    with self.assertRaises(UnicodeDecodeError):
                        raw.decode("utf-8")
                if "decimal-comma" in name:
                    self.assertRegex(raw.decode("cp1252"), r"\t-?\d{1,3}(\.\d{3})*,\d\d\t")
                    self.assertRegex(raw.decode("cp1252"), r"\d\d\.\d\d\.2026 \d\d:\d\d:\d\d UTC")
                if name.startswith("v2_IN_"):
                    self.assertRegex(raw.decode(), r"\t\d\d\.\d\d\.2026 \d\d:\d\d:\d\d UTC\t")

    def test_split_summaries_match_an_independent_sum_by_month(self):
        spanning = 0
        for path in FILES:
            name = os.path.basename(path)
            with self.subTest(name):
                proc = subprocess.run([BIN, "summarize", path, "--split-months", "--format", "json"],
                                      capture_output=True, text=True)
                self.assertEqual(proc.returncode, 0, proc.stderr)
                summary = json.loads(proc.stdout)
                self.assertTrue(summary["reconciled"])
                self.assertEqual(summary["unmapped"], [])
                expected = independent_months(path)
                got = {part["month"]: part["net_cents"] for part in summary["parts"]}
                self.assertEqual(got, expected)
                self.assertEqual(sum(expected.values()), summary["deposit_cents"])
                spanning += len(expected) > 1
        self.assertGreaterEqual(spanning, 5, "month-end spans: 11, 14, 16, 18 and the Windows-1252 one")

    def test_negative_pairs_carry_each_total_into_the_next_settlement(self):
        def total(sid):
            path = next(p for p in FILES if f"_{sid}_" in p)
            with open(path, encoding=encoding_of(path)) as f:
                f.readline()
                return cents(f.readline().split("\t")[4])

        def account_rows(sid, kind):
            path = next(p for p in FILES if f"_{sid}_" in p)
            with open(path, encoding=encoding_of(path), newline="") as f:
                rows = list(csv.reader(f, delimiter="\t"))
            col = {name: i for i, name in enumerate(rows[0])}
            return [cents(r[col["other-amount"]]) for r in rows[2:] if r[col["transaction-type"]] == kind]

        self.assertLess(total("90000000011"), 0)
        self.assertLess(total("90000000012"), 0)
        self.assertGreater(total("90000000013"), 0)
        self.assertEqual(account_rows("90000000012", "Payable to Amazon"), [total("90000000011")])
        self.assertEqual(account_rows("90000000012", "Successful charge"), [-total("90000000011")])
        self.assertEqual(account_rows("90000000013", "Payable to Amazon"), [total("90000000012")])
        self.assertEqual(account_rows("90000000013", "Successful charge"), [-total("90000000012")])


if __name__ == "__main__":
    unittest.main()
