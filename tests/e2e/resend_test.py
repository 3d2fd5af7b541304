#!/usr/bin/python3
"""Re-sends, counted (docs/POSTING.md "Exactly once"): QuickBooks answers the simulator is told to give through its
answer rules (tools/README.md) — an add answered with status 0 but a Ret without TxnID, RefNumber or TotalAmount, a
query that finds nothing, a query that errors, an add that gets no answer at all.

- An add QuickBooks ANSWERED is never sent again: the document is looked up; found → posted; not found → "needs
  checking" with both answers (CLI status), never a second add. The reported case: an ARRefundCreditCardAdd answered
  status 0 without TxnID/RefNumber/TotalAmount and a query that found nothing made the server send the refund again
  about 2,450 times in one session.
- An add that got NO answer is sent again only after QuickBooks said "not found", at most three times, counted in the
  store across sessions and daemon restarts; then it needs a person (retry).
- A lookup that errors sends nothing again; the session ends with the reason.

Run: SETTLEBRIDGE_BIN=build/daemon/app/settlebridge /usr/bin/python3 tests/e2e/resend_test.py
(ctest: e2e.resend_test)
"""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

PASSWORD = "counted-twice"
ALL_FIELDS = ["TxnID", "RefNumber", "TotalAmount"]
LOST = {"hresult": "0x80040402", "message": "Unexpected error."}


def count_requests(results, kind):
    return sum(1 for r in results for record in r.report["requests"] if kind in record["types"])


class ResendTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        h.require_binary()
        cls.ws = h.Workspace()
        # A settlement with sales and refunds: a sales receipt, a credit memo and the credit memo's refund payment.
        cls.report = cls.ws.path("26000000011.txt")
        subprocess.run([sys.executable, os.path.join(h.TOOLS_DIR, "generate_settlement.py"), "--orders", "25",
                        "--skus", "4", "--seed", "11", "--settlement-id", "26000000011", "--start", "2026-07-01",
                        cls.report], check=True, capture_output=True)
        cls.data = cls.ws.mkdir("data")
        cls.daemon = cls.ws.track(h.Daemon(cls.data))
        cls.counter = 0

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()
        cls.ws.cleanup()

    def new_company(self):
        type(self).counter += 1
        name = f"resend{self.counter}"
        h.add_company(self.data, name, PASSWORD, mode="live")
        h.import_file(self.data, name, self.report)
        return name, h.new_qb_company(self.ws.path(f"{name}.json"))

    def document(self, name, kind):
        return next(d for d in h.documents(self.data, name) if d["kind"] == kind)

    def session(self, name, qb, **kwargs):
        return h.run_session(self.daemon.url, name, PASSWORD, qb, **kwargs)

    def test_reported_case_refund_answered_without_its_fields_then_not_found(self):
        name, qb = self.new_company()
        h.answer_rule(qb, "ARRefundCreditCardAddRq", "strip", fields=ALL_FIELDS)
        h.answer_rule(qb, "ARRefundCreditCardQueryRq", "not-found")
        results = [self.session(name, qb)]
        self.assertEqual(results[0].code, h.EXIT_OK, results[0])
        self.assertIn("needs checking", results[0].report["close_result"], results[0])
        # Nothing else to do: the refund is never sent again, however often the Web Connector runs.
        results += h.run_until_done(self.daemon.url, name, PASSWORD, qb)
        results += [self.session(name, qb)]
        self.assertEqual(results[-1].auth_status, "none", results[-1])
        self.assertEqual(count_requests(results, "ARRefundCreditCardAddRq"), 1)
        self.assertEqual(count_requests(results, "ARRefundCreditCardQueryRq"), 1)
        self.assertEqual(h.load_qb(qb).add_counts("ARRefundCreditCard"), {("ARRefundCreditCard", self.document(
            name, "refund_payment")["ref_number"]): 1})
        refund = self.document(name, "refund_payment")
        self.assertEqual((refund["state"], refund["needs_checking"], refund["check_reason"]),
                         ("failed", True, "answered"), refund)
        self.assertIn("no TxnID", refund["add_answer"])
        self.assertIn("no RefNumber", refund["add_answer"])
        self.assertIn("no TotalAmount", refund["add_answer"])
        self.assertIn("did not find", refund["lookup_answer"])
        self.assertEqual(refund["resends"], 0)
        for kind in ("receipt", "credit_memo"):
            self.assertEqual(self.document(name, kind)["state"], "posted")
        # The CLI shows it with both answers.
        text = h.check_cli("status", "--company", name, data_dir=self.data).stdout
        self.assertIn("needs checking", text)
        self.assertIn("QuickBooks' answer to the add: status 0", text)
        self.assertIn("to the query: status 1", text)
        # A person checked QuickBooks and found it there: nothing to do, it stays as it is. (Had it not been there,
        # `settlebridge retry` would send it again, once.)

    def test_ret_missing_one_field_is_found_by_the_query(self):
        for field in ALL_FIELDS:
            with self.subTest(missing=field):
                name, qb = self.new_company()
                h.answer_rule(qb, "SalesReceiptAddRq", "strip", fields=[field])
                results = h.run_until_done(self.daemon.url, name, PASSWORD, qb)
                self.assertEqual(count_requests(results, "SalesReceiptAddRq"), 1)
                self.assertEqual(count_requests(results, "SalesReceiptQueryRq"), 1, "looked up once")
                problems = h.ledger_problems(qb, [self.report], self.data, name)
                self.assertEqual(problems, [], problems)

    def test_answered_add_not_found_is_never_sent_again(self):
        name, qb = self.new_company()
        h.answer_rule(qb, "SalesReceiptAddRq", "strip", fields=ALL_FIELDS)
        h.answer_rule(qb, "SalesReceiptQueryRq", "not-found")
        results = h.run_until_done(self.daemon.url, name, PASSWORD, qb)
        self.assertEqual(count_requests(results, "SalesReceiptAddRq"), 1)
        receipt = self.document(name, "receipt")
        self.assertEqual((receipt["needs_checking"], receipt["check_reason"]), (True, "answered"), receipt)
        # A person finds it is not in QuickBooks after all (here: deleted by hand) and retries it.
        with h.open_locked(qb) as company:
            company.state["transactions"] = [t for t in company.state["transactions"] if t["kind"] != "SalesReceipt"]
            company.clear_answer_rules()
        h.retry(self.data, receipt["id"])
        more = h.run_until_done(self.daemon.url, name, PASSWORD, qb)
        self.assertEqual(count_requests(more, "SalesReceiptAddRq"), 1)
        self.assertEqual(self.document(name, "receipt")["state"], "posted")
        self.assertEqual(h.load_qb(qb).add_counts("SalesReceipt").get(("SalesReceipt", receipt["ref_number"])), 1)

    def test_query_that_errors_sends_nothing_again(self):
        name, qb = self.new_company()
        h.answer_rule(qb, "SalesReceiptAddRq", "strip", fields=ALL_FIELDS)
        h.answer_rule(qb, "SalesReceiptQueryRq", "error", code=3260,
                      message="Insufficient permission level to perform this action.")
        results = []
        for _ in range(3):
            results.append(self.session(name, qb))
            self.assertEqual(results[-1].code, h.EXIT_SERVER_ERROR, results[-1])
            self.assertIn("could not check", results[-1].report["last_error"], results[-1])
        self.assertEqual(count_requests(results, "SalesReceiptAddRq"), 1)
        self.assertEqual(self.document(name, "receipt")["state"], "sent")
        h.clear_answer_rules(qb)
        results += h.run_until_done(self.daemon.url, name, PASSWORD, qb)
        self.assertEqual(count_requests(results, "SalesReceiptAddRq"), 1)
        self.assertEqual(h.ledger_problems(qb, [self.report], self.data, name), [])

    def test_unanswered_add_resent_at_most_three_times_across_restarts(self):
        name, qb = self.new_company()
        # Every sales receipt add gets no answer, and QuickBooks never ran it.
        h.answer_rule(qb, "SalesReceiptAddRq", "hresult", **LOST)
        results = []
        for _ in range(6):
            results.append(self.session(name, qb))
            self.daemon.kill9()
            self.daemon.start()  # the count is in the store: a restart does not reset it
        self.assertEqual(count_requests(results, "SalesReceiptAddRq"), 4, "the first add and three re-sends")
        receipt = self.document(name, "receipt")
        self.assertEqual((receipt["state"], receipt["needs_checking"], receipt["check_reason"], receipt["resends"]),
                         ("failed", True, "resend-limit", 3), receipt)
        self.assertIn("did not find", receipt["lookup_answer"])
        self.assertEqual(h.load_qb(qb).add_counts("SalesReceipt"), {})
        # The Web Connector has nothing more to do for it...
        self.assertEqual(self.session(name, qb).auth_status, "none")
        # ...until a person retries it.
        h.clear_answer_rules(qb)
        h.retry(self.data, receipt["id"])
        more = h.run_until_done(self.daemon.url, name, PASSWORD, qb)
        self.assertEqual(count_requests(more, "SalesReceiptAddRq"), 1)
        self.assertEqual(h.ledger_problems(qb, [self.report], self.data, name), [])

    def test_unanswered_add_that_quickbooks_ran_is_found(self):
        name, qb = self.new_company()
        h.answer_rule(qb, "CreditMemoAddRq", "hresult", times=1, apply=True, **LOST)
        first = self.session(name, qb)
        self.assertEqual(first.code, h.EXIT_SERVER_ERROR, first)
        results = [first] + h.run_until_done(self.daemon.url, name, PASSWORD, qb)
        self.assertEqual(count_requests(results, "CreditMemoAddRq"), 1)
        memo = self.document(name, "credit_memo")
        self.assertEqual((memo["state"], memo["resends"]), ("posted", 0), memo)
        self.assertEqual(h.ledger_problems(qb, [self.report], self.data, name), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
