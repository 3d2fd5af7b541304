#!/usr/bin/python3
"""End to end over loopback: every project-made settlement (tests/data/settlements/made; and every real Amazon
file when $SETTLEBRIDGE_FIXTURES_DIR gives them, optional) imported into one live company, posted through the Web
Connector emulator to the simulated QuickBooks, and the ledger checked: every document exactly once, totals equal
to the summaries, each settlement's net equal to its deposit in the clearing account, no open customer credit, no
request QuickBooks could not parse. And a company in Testing mode: nothing posts until `approve`.

Run: SETTLEBRIDGE_BIN=build/daemon/app/settlebridge /usr/bin/python3 tests/e2e/posting_test.py
(ctest: e2e.posting_test)
"""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

PASSWORD = "correct horse battery"
IMPORTED = re.compile(r"^imported (\d+): (\d+) documents \((\d+) queued, (\d+) held\)$")


def document_count(entry):
    """Documents a report becomes: its receipts and credit memos, plus one refund per positive credit memo."""
    docs = h.summary_of(entry)["documents"]
    return len(docs) + sum(1 for d in docs if d["kind"] == "credit_memo" and d["total_cents"] > 0)


class PostingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        h.require_binary()
        if len(h.FIXTURES) != 8:
            raise AssertionError(f"expected the 8 project-made settlements, found {h.FIXTURES}")

    def setUp(self):
        self.ws = h.Workspace()
        self.addCleanup(self.ws.cleanup)

    def test_live_company_posts_every_made_settlement_exactly_once(self):
        self.post_every_report_exactly_once(h.FIXTURES, negative_pair=("90000000011", "90000000012"))

    def test_live_company_posts_every_real_fixture_exactly_once(self):
        real = h.require_real_fixtures()  # optional: skipped, saying why, when they are not here
        self.post_every_report_exactly_once(real, negative_pair=("23874396421", "23874397121"))

    def post_every_report_exactly_once(self, reports, negative_pair):
        data = self.ws.mkdir("data")
        h.add_company(data, "acme", PASSWORD, mode="live")
        total_docs = 0
        for path in reports:
            line = h.import_file(data, "acme", path)
            m = IMPORTED.match(line)
            self.assertIsNotNone(m, f"import output {line!r}")
            self.assertEqual(m.group(1), h.summarize(path)["settlement_id"])
            n = document_count(path)
            self.assertEqual((int(m.group(2)), int(m.group(3)), int(m.group(4))), (n, n, 0), line)
            total_docs += n
        # The same report again changes nothing.
        again = h.import_file(data, "acme", reports[0])
        self.assertTrue(again.startswith("already imported"), again)
        self.assertEqual(h.company_status(data, "acme")["counts"],
                         {"held": 0, "queued": total_docs, "sent": 0, "posted": 0, "failed": 0})

        qb = h.new_qb_company(self.ws.path("acme.json"))
        with h.Daemon(data) as daemon:
            results = h.run_until_done(daemon.url, "acme", PASSWORD, qb)
            first = results[0]
            self.assertEqual(first.code, h.EXIT_OK, first)
            self.assertEqual(first.report["percent"][-1], 100, first)
            self.assertEqual(len(first.posted()), total_docs, first)
            self.assertIn(f"Posted {total_docs} documents", first.report["close_result"])
            self.assertEqual(results[-1].auth_status, "none")

            problems = h.ledger_problems(qb, reports, data, "acme")
            self.assertEqual(problems, [], "\n".join(problems))
            company = h.load_qb(qb)
            # Clearing moves by every payout; the two negative settlements go through Amazon Reserved Balances.
            deposits = sum(max(h.summarize(p)["deposit_cents"], 0) for p in reports)
            self.assertEqual(company.balance(h.CLEARING), deposits)
            self.assertEqual(company.customer_balance(h.CUSTOMER), 0)
            self.assertEqual(company.hard_failures(), [])
            self.assertEqual(len(company.documents()), total_docs)
            self.assertTrue(all(n == 1 for n in company.add_counts().values()), company.add_counts())
            # The negative pair: the first settlement's balance is collected in the next one; both are credit
            # memos refunded out of Amazon Reserved Balances (docs/ACCOUNTING.md section 14).
            for sid in negative_pair:
                path = next(p for p in reports if sid in p)
                s = h.summarize(path)
                self.assertLess(s["deposit_cents"], 0)
                memo = next(d for d in s["documents"] if d["kind"] == "credit_memo")
                self.assertEqual(company.add_count("CreditMemo", memo["ref_number"]), 1)
                self.assertEqual(memo["total_cents"], -s["deposit_cents"])
            counts = h.company_status(data, "acme")["counts"]
            self.assertEqual(counts, {"held": 0, "queued": 0, "sent": 0, "posted": total_docs, "failed": 0})

            # Nothing more to do: the next run is "none" and QuickBooks is unchanged.
            ledger_before = len(company.state["transactions"])
            again = h.run_session(daemon.url, "acme", PASSWORD, qb)
            self.assertEqual((again.code, again.auth_status), (h.EXIT_OK, "none"), again)
            self.assertEqual(len(h.load_qb(qb).state["transactions"]), ledger_before)

    def test_testing_mode_holds_documents_until_approved(self):
        data = self.ws.mkdir("data")
        h.add_company(data, "review", PASSWORD, mode=None)  # Testing is the default
        listed = h.check_cli("company", "list", "--format", "json", data_dir=data).stdout
        self.assertIn("testing", listed)
        reports = list(h.SAMPLES) + [(next(p for p in h.FIXTURES if "90000000014" in p), ("--split-months",))]
        total_docs = 0
        for entry in reports:
            path, extra = h.report_entry(entry)
            line = h.import_file(data, "review", path, extra=extra)
            m = IMPORTED.match(line)
            self.assertIsNotNone(m, line)
            n = document_count(entry)
            self.assertEqual((int(m.group(2)), int(m.group(3)), int(m.group(4))), (n, 0, n), line)
            total_docs += n
        split = h.summary_of(reports[-1])
        self.assertEqual(len(split["parts"]), 2, "90000000014 spans March and April")

        text = h.check_cli("status", "--company", "review", data_dir=data).stdout
        self.assertIn(f"held {total_docs}", text)
        docs = h.documents(data, "review")
        self.assertEqual(len(docs), total_docs)
        for d in docs:
            self.assertEqual(d["state"], "held", d)
            self.assertIn("testing", (d["hold_reason"] or "").lower(), d)

        qb = h.new_qb_company(self.ws.path("review.json"))
        with h.Daemon(data) as daemon:
            held = h.run_session(daemon.url, "review", PASSWORD, qb)
            self.assertEqual((held.code, held.auth_status), (h.EXIT_OK, "none"), held)
            self.assertEqual(held.report["requests"], [])
            self.assertEqual(h.load_qb(qb).documents(), [])

            # Approving one settlement releases only that one.
            first_id = h.summary_of(reports[0])["settlement_id"]
            h.approve(data, "review", first_id)
            states = {(d["settlement_id"], d["state"]) for d in h.documents(data, "review")}
            self.assertIn((first_id, "queued"), states)
            self.assertTrue(all(s == "held" for sid, s in states if sid != first_id), states)
            for entry in reports[1:]:
                h.approve(data, "review", h.summary_of(entry)["settlement_id"])
            self.assertEqual(h.company_status(data, "review")["counts"]["queued"], total_docs)

            results = h.run_until_done(daemon.url, "review", PASSWORD, qb)
            self.assertEqual(len(results[0].posted()), total_docs, results[0])
            problems = h.ledger_problems(qb, reports, data, "review")
            self.assertEqual(problems, [], "\n".join(problems))
            company = h.load_qb(qb)
            for d in split["documents"]:
                self.assertEqual(company.add_count("SalesReceipt" if d["kind"] == "sales_receipt" else "CreditMemo",
                                                   d["ref_number"]), 1, d["ref_number"])

    def test_bad_input_is_refused_and_nothing_stored(self):
        data = self.ws.mkdir("data")
        h.add_company(data, "acme", PASSWORD)
        garbage = self.ws.path("garbage.txt")
        with open(garbage, "w", encoding="utf-8") as f:
            f.write("this is not a settlement report\n")
        proc = h.cli("import", garbage, "--company", "acme", data_dir=data)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertTrue(proc.stderr.strip())
        proc = h.cli("import", h.FIXTURES[0], "--company", "nobody", data_dir=data)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertEqual(h.documents(data, "acme"), [])
        short = h.cli("company", "add", "shorty", data_dir=data, password="short")
        self.assertEqual(short.returncode, 2, short.stderr)
        h.import_file(data, "acme", h.FIXTURES[0])
        doc_id = h.documents(data, "acme")[0]["id"]
        for args in (["approve", "12345", "--company", "acme"], ["retry", "987654"],
                     ["retry", str(doc_id)]):  # a queued document is not retried
            with self.subTest(args=args):
                proc = h.cli(*args, data_dir=data)
                self.assertEqual(proc.returncode, 2, proc)
                self.assertTrue(proc.stderr.strip())
        self.assertEqual({d["state"] for d in h.documents(data, "acme")}, {"queued"})

    def test_unreconciled_report_is_held_until_approved(self):
        source = next(p for p in h.FIXTURES if "90000000013" in p)
        with open(source, encoding="utf-8", newline="") as f:
            text = f.read()
        self.assertEqual(text.count("\t3006.96\t"), 1)
        edited = self.ws.path("90000000013-edited.txt")
        with open(edited, "w", encoding="utf-8", newline="") as f:
            f.write(text.replace("\t3006.96\t", "\t3000.00\t"))  # the deposit no longer matches the rows
        data = self.ws.mkdir("data")
        h.add_company(data, "acme", PASSWORD, mode="live")
        line = h.import_file(data, "acme", edited, expect=1)
        m = IMPORTED.match(line)
        self.assertIsNotNone(m, line)
        self.assertEqual((m.group(3), m.group(4)), ("0", "3"), line)
        docs = h.documents(data, "acme")
        self.assertEqual({(d["state"], d["hold_reason"]) for d in docs}, {("held", "unreconciled")}, docs)
        qb = h.new_qb_company(self.ws.path("acme.json"))
        with h.Daemon(data) as daemon:
            held = h.run_session(daemon.url, "acme", PASSWORD, qb)
            self.assertEqual(held.auth_status, "none", held)
            h.approve(data, "acme", "90000000013")  # posted deliberately, as summarized from its rows
            h.run_until_done(daemon.url, "acme", PASSWORD, qb)
        company = h.load_qb(qb)
        self.assertEqual(sorted(company.add_counts().values()), [1, 1, 1], company.add_counts())
        self.assertEqual({d["state"] for d in h.documents(data, "acme")}, {"posted"})
        self.assertEqual(company.hard_failures(), [])


if __name__ == "__main__":
    h.main()
