#!/usr/bin/python3
"""Damaged or disguised settlement files through the real binary (`summarize` and `import`), as a new user makes them.

Every file is made here from project files (tools/generate_settlement.py, tests/data/settlements): a file cut short
(inside the SKU of its last line, right after the amount column, inside an amount, a row with 4 of 24 fields) is
refused with exit 2 and "the file looks cut off at line N: download it again", and `import` stores nothing; gzip
and UTF-16 copies (Excel's "Unicode text", SP-API's compression) give exactly the summary of the plain file; a
comma- or semicolon-separated re-save is refused saying what happened and what to do; two reports pasted together
are named as such; a genuinely unbalanced file keeps its message (exit 1). A 2 GB (sparse) file is refused by
`import` before it is read, with little memory (issue 16, finding 9).
"""
import codecs
import gzip
import json
import os
import subprocess
import sys
import tempfile
import unittest

BIN = os.environ["SETTLEBRIDGE_BIN"]
SOURCE = os.environ["SETTLEBRIDGE_SOURCE_DIR"]
GENERATOR = os.path.join(SOURCE, "tools", "generate_settlement.py")
DATA = os.path.join(SOURCE, "tests", "data", "settlements")
PASSWORD = "damaged-files-pass"


def run(*args, data_dir=None):
    env = dict(os.environ, SETTLEBRIDGE_PASSWORD=PASSWORD)
    if data_dir:
        args = (*args, "--data-dir", data_dir)
    return subprocess.run([BIN, *args], capture_output=True, timeout=120, env=env)


class DamagedFiles(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.plain = os.path.join(cls.tmp.name, "generated.txt")
        subprocess.run([sys.executable, GENERATOR, "--orders", "40", "--seed", "7", cls.plain], check=True,
                       capture_output=True)
        with open(cls.plain, "rb") as f:
            cls.bytes = f.read()
        cls.lines = cls.bytes.split(b"\n")
        assert cls.lines[-1] == b""  # ends with a line end
        cls.header = cls.lines[0].split(b"\t")
        assert len(cls.header) == 24

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def write(self, name, data):
        path = os.path.join(self.tmp.name, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def data_dir(self, name):
        path = os.path.join(self.tmp.name, "data-" + name)
        proc = run("company", "add", "acme", data_dir=path)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return path

    def stored_documents(self, data_dir):
        proc = run("status", "--format", "json", data_dir=data_dir)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        status = json.loads(proc.stdout)
        return sum(sum(c["counts"].values()) for c in status["companies"])

    def assert_cut_off(self, name, data, line):
        path = self.write(name, data)
        expected = "the file looks cut off at line %d: download it again" % line
        proc = run("summarize", path)
        self.assertEqual(proc.returncode, 2, proc.stdout)
        self.assertIn(expected, proc.stderr.decode())
        data_dir = self.data_dir(name)
        proc = run("import", path, "--company", "acme", data_dir=data_dir)
        self.assertEqual(proc.returncode, 2, proc.stdout)
        self.assertIn(expected, proc.stderr.decode())
        self.assertEqual(self.stored_documents(data_dir), 0, "a refused import stores nothing")

    def last_row(self):
        """Index of the last row (the line before the final empty string) and its cells."""
        index = len(self.lines) - 2
        return index, self.lines[index].split(b"\t")

    def test_cut_inside_the_sku_of_the_last_line(self):
        # The last rows of a generated file are account-level: put an order row last, as in the real case.
        order = next(i for i in range(len(self.lines) - 2, 1, -1) if self.lines[i].split(b"\t")[21])
        cells = self.lines[order].split(b"\t")
        sku_start = len(b"\t".join(cells[:21])) + 1
        cut = self.lines[order][:sku_start + 3]  # three characters into the SKU, no line end
        data = b"\n".join(self.lines[:order]) + b"\n" + cut
        self.assert_cut_off("cut-in-sku.txt", data, order + 1)

    def test_cut_right_after_the_amount_column(self):
        index, cells = self.last_row()
        data = b"\n".join(self.lines[:index]) + b"\n" + b"\t".join(cells[:15])
        self.assert_cut_off("cut-after-amount.txt", data, index + 1)

    def test_cut_inside_an_amount(self):
        index, cells = self.last_row()
        amount = cells[14]
        self.assertGreater(len(amount), 2)
        data = b"\n".join(self.lines[:index]) + b"\n" + b"\t".join(cells[:14] + [amount[:-1]])
        self.assert_cut_off("cut-in-amount.txt", data, index + 1)

    def test_a_row_with_4_of_24_fields(self):
        lines = list(self.lines)
        lines.insert(5, b"\t".join(lines[5].split(b"\t")[:4]))
        path = self.write("four-fields.txt", b"\n".join(lines))
        proc = run("summarize", path)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("the file looks cut off at line 6: download it again", proc.stderr.decode())
        self.assertIn("4 of the header's 24 columns", proc.stderr.decode())

    def test_blank_lines_are_not_rows_and_a_missing_final_line_end_is_fine(self):
        for name, data in (("blank-lines.txt", self.bytes.replace(b"\n", b"\n\n", 5) + b"\n\n"),
                           ("no-final-newline.txt", self.bytes.rstrip(b"\n"))):
            with self.subTest(name=name):
                proc = run("summarize", self.write(name, data), "--format", "json")
                self.assertEqual(proc.returncode, 0, proc.stderr)
                self.assertTrue(json.loads(proc.stdout)["reconciled"])

    def test_gzip_and_utf16_copies_summarize_exactly_like_the_plain_file(self):
        # The Windows-1252 file has non-ASCII text; the GB file has a BOM, CRLF and blank lines.
        sources = [self.plain] + [os.path.join(DATA, n) for n in ("v2_FR_EUR_windows1252.txt",
                                                                   "v2_DE_EUR_decimal_comma.txt")]
        for source in sources:
            with open(source, "rb") as f:
                raw = f.read()
            plain = run("summarize", source, "--format", "json")
            self.assertEqual(plain.returncode, 0, plain.stderr)
            expected = json.loads(plain.stdout)
            text = raw.decode("utf-8") if source == self.plain or "DE_EUR" in source else raw.decode("cp1252")
            variants = {
                "gzip": gzip.compress(raw),
                "utf16le-bom": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
                "utf16be-bom": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
                "utf16le-excel-crlf": codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le"),
                "gzip-of-utf16": gzip.compress(codecs.BOM_UTF16_LE + text.encode("utf-16-le")),
            }
            for kind, data in variants.items():
                with self.subTest(source=os.path.basename(source), kind=kind):
                    path = self.write(kind + "-" + os.path.basename(source), data)
                    proc = run("summarize", path, "--format", "json")
                    self.assertEqual(proc.returncode, 0, proc.stderr)
                    self.assertEqual(json.loads(proc.stdout), expected)
        data_dir = self.data_dir("gzip-import")
        path = self.write("import.txt.gz", gzip.compress(self.bytes))
        proc = run("import", path, "--company", "acme", data_dir=data_dir)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertGreater(self.stored_documents(data_dir), 0)

    def test_gzip_cut_short_is_a_cut_off_file(self):
        packed = gzip.compress(self.bytes)
        path = self.write("cut.txt.gz", packed[: len(packed) // 2])
        proc = run("summarize", path)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("the file looks cut off at line", proc.stderr.decode())
        self.assertIn("gzip", proc.stderr.decode())

    def test_comma_and_semicolon_resaves_are_refused_with_what_to_do(self):
        for separator, word in ((b",", "comma"), (b";", "semicolon")):
            with self.subTest(separator=word):
                data = b"\n".join(l.replace(b"\t", separator) for l in self.lines)
                path = self.write(word + ".csv", data)
                data_dir = self.data_dir(word)
                proc = run("import", path, "--company", "acme", data_dir=data_dir)
                self.assertEqual(proc.returncode, 2)
                message = proc.stderr.decode()
                self.assertIn(word + "-separated", message)
                self.assertIn("Excel", message)
                self.assertIn("3.04E+13", message)
                self.assertIn("Download the report again", message)
                self.assertNotIn("no 'settlement-id' column", message)
                self.assertEqual(self.stored_documents(data_dir), 0)

    def test_long_ids_in_scientific_notation_are_an_excel_resave(self):
        lines = list(self.lines)
        cells = lines[1].split(b"\t")
        cells[0] = b"2.5E+10"
        lines[1] = b"\t".join(cells)
        proc = run("summarize", self.write("scientific.txt", b"\n".join(lines)))
        self.assertEqual(proc.returncode, 2)
        self.assertIn("3.04E+13", proc.stderr.decode())

    def test_two_reports_in_one_file(self):
        path = self.write("two.txt", self.bytes + self.bytes)
        proc = run("summarize", path)
        self.assertEqual(proc.returncode, 2)
        message = proc.stderr.decode()
        self.assertIn("two reports", message)
        self.assertIn("line %d" % len(self.lines), message)
        self.assertNotIn('row of settlement "settlement-id"', message)

    def test_a_huge_file_is_refused_before_it_is_read(self):
        # A sparse file: 2 GB long, no disk used. Imported whole it once took 4.3 GB of memory and 37 s.
        path = os.path.join(self.tmp.name, "huge.txt")
        with open(path, "wb") as f:
            f.truncate(2 * 1024 ** 3)
        data_dir = self.data_dir("huge")
        env = dict(os.environ, SETTLEBRIDGE_PASSWORD=PASSWORD)
        proc = subprocess.Popen([BIN, "import", path, "--company", "acme", "--data-dir", data_dir],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        stderr = proc.stderr.read().decode()
        proc.stdout.close()
        proc.stderr.close()
        self.assertNotEqual(os.waitstatus_to_exitcode(status), 0)
        self.assertIn("is larger than 256 MB", stderr)
        self.assertIn("nothing was imported", stderr)
        self.assertLess(usage.ru_maxrss, 100 * 1024, "KiB of memory at most: the file is not read")
        self.assertEqual(self.stored_documents(data_dir), 0)

    def test_a_genuinely_unbalanced_file_keeps_its_message(self):
        # A whole row missing (not cut: every line is complete): Amazon's own inconsistency.
        lines = list(self.lines)
        del lines[3]
        proc = run("summarize", self.write("unbalanced.txt", b"\n".join(lines)))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("Amazon usually re-issues such a settlement", proc.stdout.decode())
        self.assertNotIn("cut off", proc.stdout.decode() + proc.stderr.decode())


if __name__ == "__main__":
    unittest.main()
