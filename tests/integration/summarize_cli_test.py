#!/usr/bin/python3
"""`settlebridge summarize` as a whole process: formats, exit codes, bad input, qbXML schema validity.

Runs the real binary on the project-made settlements (tests/data/settlements/made), the bundled samples, and the
real Amazon files when $SETTLEBRIDGE_FIXTURES_DIR (default ../shared/fixtures) holds them (optional: they may not be
redistributed). The qbXML it prints is checked against the project's qbXML schema, and against Intuit's XSDs too
when $SETTLEBRIDGE_QBXML_XSD_DIR names them (tools/quickbooks_sim/schema.py).
"""
import glob
import json
import os
import subprocess
import sys
import tempfile
import unittest

from lxml import etree

BIN = os.environ["SETTLEBRIDGE_BIN"]
SOURCE = os.environ["SETTLEBRIDGE_SOURCE_DIR"]
MADE_DIR = os.path.join(SOURCE, "tests", "data", "settlements", "made")
MADE = sorted(glob.glob(os.path.join(MADE_DIR, "*.txt")) + glob.glob(os.path.join(MADE_DIR, "extra", "*.txt")))
SAMPLES = sorted(glob.glob(os.path.join(SOURCE, "tools", "samples", "*.txt")))
sys.path.insert(0, os.path.join(SOURCE, "tools"))
from quickbooks_sim import schema  # noqa: E402  (the project's qbXML schema; Intuit's XSDs too when given)


def outside(variable, *default):
    """$variable, else the folder under ../shared beside the checkout when it exists, else None."""
    if os.environ.get(variable):
        return os.environ[variable]
    path = os.path.normpath(os.path.join(SOURCE, "..", "shared", *default))
    return path if os.path.isdir(path) else None


REAL = sorted(glob.glob(os.path.join(outside("SETTLEBRIDGE_FIXTURES_DIR", "fixtures") or "/nonexistent",
                                     "settlements", "*.txt")))
FIXTURES = MADE + REAL
MISSING_REAL = ("optional check skipped: the real Amazon settlement reports may not be redistributed and are not here; "
                "set SETTLEBRIDGE_FIXTURES_DIR to a folder holding them (default ../shared/fixtures)")


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=120)


def summary_row(path):
    """The deposit straight from the file's summary row (independent of the product's parser)."""
    with open(path, encoding="utf-8", errors="replace") as f:
        header = f.readline().rstrip("\r\n").split("\t")
        for line in f:
            cells = line.rstrip("\r\n").split("\t")
            if len(cells) > 4 and cells[header.index("total-amount")].strip():
                text = cells[header.index("total-amount")].strip()
                if "," in text and ("." not in text or text.rfind(",") > text.rfind(".")):
                    text = text.replace(".", "").replace(",", ".")
                else:
                    text = text.replace(",", "")
                whole, _, frac = text.partition(".")
                sign = -1 if whole.startswith("-") else 1
                return sign * (abs(int(whole)) * 100 + int((frac + "00")[:2]))
    raise AssertionError("no summary row in " + path)


def qbxml_documents(text):
    """Splits the --format qbxml output into its qbXML documents (each starts with an XML declaration)."""
    parts = text.split("<?xml ")
    return ["<?xml " + p for p in parts[1:]]


class SummarizeCli(unittest.TestCase):
    def test_fixtures_and_samples_reconcile_in_json(self):
        self.assertEqual(len(MADE), 9)
        for path in FIXTURES + SAMPLES:
            with self.subTest(path=os.path.basename(path)):
                result = run("summarize", path, "--format", "json")
                self.assertEqual(result.returncode, 0, result.stderr)
                data = json.loads(result.stdout)
                deposit = summary_row(path)
                self.assertEqual(data["deposit_cents"], deposit)
                self.assertTrue(data["reconciled"])
                self.assertEqual(data["difference_cents"], 0)
                self.assertEqual(data["documents_net_cents"], deposit)
                receipts = sum(d["total_cents"] for d in data["documents"] if d["kind"] == "sales_receipt")
                memos = sum(d["total_cents"] for d in data["documents"] if d["kind"] == "credit_memo")
                self.assertEqual(receipts - memos, deposit)
                for d in data["documents"]:
                    self.assertGreaterEqual(d["total_cents"], 0, d["ref_number"])
                    self.assertLessEqual(len(d["ref_number"]), 11)
                    self.assertEqual(d["total_cents"], sum(l["amount_cents"] for l in d["lines"]))
                for key in ("settlement_id", "currency", "receipt_lines", "credit_memo_lines", "unmapped_count"):
                    self.assertIn(key, data)

    def test_split_months_still_nets_to_deposit(self):
        # Project-made: 90000000014 spans March/April, 90000000016 April/May, 90000000011 January/February; the
        # real 24391894961 August/September, 24596907561 September/October, 23874396421 June/July (when here).
        names = ["90000000014", "90000000016", "90000000011", "90000000019"]
        if REAL:
            names += ["24391894961", "24596907561", "23874396421"]
        for name in names:
            path = next(p for p in FIXTURES if name in p)
            with self.subTest(settlement=name):
                result = run("summarize", path, "--format", "json", "--split-months")
                self.assertEqual(result.returncode, 0, result.stderr)
                data = json.loads(result.stdout)
                self.assertGreaterEqual(len(data["parts"]), 2)
                self.assertEqual(sum(p["net_cents"] for p in data["parts"]), data["deposit_cents"])
                refs = [d["ref_number"] for d in data["documents"]]
                self.assertEqual(len(refs), len(set(refs)), "RefNumbers must be unique per part and kind")

    def test_text_format_names_the_reconciliation(self):
        result = run("summarize", next(p for p in FIXTURES if "90000000017" in p))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("RECONCILED to the cent", result.stdout)
        self.assertIn("Sales receipt", result.stdout)

    def test_qbxml_output_validates_against_the_schema(self):
        for path in FIXTURES + SAMPLES:
            with self.subTest(path=os.path.basename(path)):
                result = run("summarize", path, "--format", "qbxml")
                self.assertEqual(result.returncode, 0, result.stderr)
                documents = qbxml_documents(result.stdout)
                self.assertGreaterEqual(len(documents), 1)
                for doc in documents:
                    tree = etree.ElementTree(etree.fromstring(doc.encode("utf-8")))
                    self.assertEqual(schema.validate(tree, strict=True), [], doc)

    def test_gross_mode_says_it_does_not_match(self):
        path = next(p for p in FIXTURES if "90000000017" in p)
        result = run("summarize", path, "--gross")
        self.assertEqual(result.returncode, 1)
        self.assertIn("GROSS MODE", result.stdout)

    def test_bad_inputs_exit_2_with_file_and_line(self):
        with tempfile.TemporaryDirectory() as tmp:
            with open(next(p for p in MADE if "90000000018" in p), encoding="utf-8") as f:
                good = f.read().splitlines()
            cases = {}
            # An unreadable amount on line 5.
            lines = list(good)
            cells = lines[4].split("\t")
            amount_index = good[0].split("\t").index("amount")
            cells[amount_index] = "12,3x"
            lines[4] = "\t".join(cells)
            cases["bad_amount.txt"] = ("\n".join(lines) + "\n", ":5:")
            # A row of another settlement on line 4.
            lines = list(good)
            lines[3] = "12345678901" + lines[3][lines[3].index("\t"):]
            cases["other_settlement.txt"] = ("\n".join(lines) + "\n", ":4:")
            # Not a settlement report at all.
            cases["not_a_report.txt"] = ("order-id\tsku\tprice\n1\tA\t1.00\n", "not_a_report.txt")
            for name, (content, needle) in cases.items():
                with self.subTest(case=name):
                    path = os.path.join(tmp, name)
                    with open(path, "w", encoding="utf-8") as f:
                        f.write(content)
                    result = run("summarize", path, "--format", "json")
                    self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
                    self.assertIn(name, result.stderr)
                    self.assertIn(needle, result.stderr)
                    self.assertEqual(result.stdout, "", "nothing is printed for bad input")
            missing = run("summarize", os.path.join(tmp, "missing.txt"))
            self.assertEqual(missing.returncode, 2)
            self.assertIn("missing.txt", missing.stderr)

    def test_real_files_are_here_when_asked_for(self):
        if not REAL:
            self.skipTest(MISSING_REAL)
        self.assertGreaterEqual(len(REAL), 8)

    def test_usage_errors_exit_2(self):
        self.assertEqual(run("summarize").returncode, 2)
        self.assertEqual(run("summarize", FIXTURES[0], "--format", "yaml").returncode, 2)
        self.assertEqual(run("frobnicate").returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
