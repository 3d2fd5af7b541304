#!/usr/bin/python3
"""A lost answer at every document position: QuickBooks applied the add but Settlebridge never heard back (the
Web Connector stopped, or reported a connection error), or the request never reached QuickBooks (the connection
died right after sendRequestXML). The next session must find the document by a query and mark it posted — or add
it, once, when QuickBooks does not have it — and never add anything twice. Also a lost answer to each kind of
list add (account, customer, items): the name is queried again, never added twice.

Run: SETTLEBRIDGE_BIN=build/daemon/app/settlebridge /usr/bin/python3 tests/e2e/lost_response_test.py
(ctest: e2e.lost_response_test)
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

PASSWORD = "lost-and-found"
# Two settlements: a receipt, a credit memo and its refund; and a negative one (credit memo and refund).
REPORTS = [next(p for p in h.FIXTURES if "90000000013" in p), next(p for p in h.FIXTURES if "90000000012" in p)]
LIST_ADDS = ("AccountAddRq", "CustomerAddRq", "ItemNonInventoryAddRq", "ItemOtherChargeAddRq")
QUERY_FOR = {"SalesReceiptAddRq": "SalesReceiptQueryRq", "CreditMemoAddRq": "CreditMemoQueryRq",
             "ARRefundCreditCardAddRq": "ARRefundCreditCardQueryRq"}


class LostResponseTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        h.require_binary()
        cls.ws = h.Workspace()
        cls.data = cls.ws.mkdir("data")
        cls.daemon = cls.ws.track(h.Daemon(cls.data))
        cls.counter = 0
        # The baseline: the same import in a fresh company, no faults. The request sequence is deterministic, so it
        # tells which request positions carry document adds.
        base = cls.new_company()
        result = h.run_session(cls.daemon.url, base[0], PASSWORD, base[1])
        if result.code != h.EXIT_OK:
            raise AssertionError(f"baseline session failed: {result!r}")
        problems = h.ledger_problems(base[1], REPORTS, cls.data, base[0])
        if problems:
            raise AssertionError("baseline ledger wrong: " + "; ".join(problems))
        cls.baseline = result.report["requests"]
        cls.document_positions = [(r["n"], r["types"][0], r["call"]) for r in cls.baseline
                                  if r["types"][0] in h.DOCUMENT_ADDS]
        cls.list_positions = []
        for kind in LIST_ADDS:
            first = next((r for r in cls.baseline if r["types"][0] == kind), None)
            if first is None:
                raise AssertionError(f"the baseline session sent no {kind}: {[r['types'] for r in cls.baseline]}")
            cls.list_positions.append((first["n"], kind, first["call"]))
        print(f"baseline: {len(cls.baseline)} requests; documents at {cls.document_positions}", file=sys.stderr)

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()
        cls.ws.cleanup()

    @classmethod
    def new_company(cls):
        cls.counter += 1
        name = f"lost{cls.counter}"
        h.add_company(cls.data, name, PASSWORD, mode="live")
        for path in REPORTS:
            h.import_file(cls.data, name, path)
        qb = h.new_qb_company(cls.ws.path(f"{name}.json"))
        return name, qb

    def test_baseline_has_every_document(self):
        kinds = sorted(t for _, t, _ in self.document_positions)
        self.assertEqual(kinds, sorted(["SalesReceiptAddRq", "CreditMemoAddRq", "ARRefundCreditCardAddRq",
                                        "CreditMemoAddRq", "ARRefundCreditCardAddRq"]))

    def finish_and_check(self, name, qb, interrupted, expect_busy, n, kind):
        """After an interrupted first session: the next sessions finish the work; nothing is doubled."""
        if expect_busy:
            # The abandoned session is still open: the Web Connector's next run is told "busy" until it expires.
            busy = h.run_session(self.daemon.url, name, PASSWORD, qb)
            self.assertEqual((busy.code, busy.auth_status), (h.EXIT_BUSY, "busy"), busy)
            self.assertEqual(h.expire_open_sessions(self.data, name), 1)
        results = h.run_until_done(self.daemon.url, name, PASSWORD, qb)
        problems = h.ledger_problems(qb, REPORTS, self.data, name)
        self.assertEqual(problems, [], "\n".join(problems) + f"\n{interrupted!r}\n{results[0]!r}")
        company = h.load_qb(qb)
        self.assertTrue(all(c == 1 for c in company.add_counts().values()), company.add_counts())
        # No list entry added twice either (QuickBooks would have answered 3100).
        self.assertFalse([e for e in company.request_log() if e["statusCode"] == 3100], company.request_log())
        return results

    def test_answer_lost_after_quickbooks_applied_the_add(self):
        for n, kind, _ in self.document_positions:
            for mode in ("stop", "connection-error"):
                with self.subTest(request=n, kind=kind, mode=mode):
                    name, qb = self.new_company()
                    first = h.run_session(self.daemon.url, name, PASSWORD, qb, fault_plan=h.faults(drop=[f"{n}:{mode}"]))
                    self.assertEqual(first.code, h.EXIT_INTERRUPTED, first)
                    record = first.report["requests"][n - 1]
                    self.assertEqual(record["types"], [kind], first)
                    self.assertTrue(record["statuses"][0]["applied"], first)
                    txn_id = record["statuses"][0]["TxnID"]
                    ref = record["statuses"][0]["RefNumber"]
                    sent = [d for d in h.documents(self.data, name) if d["state"] == "sent"]
                    self.assertEqual([d["ref_number"] for d in sent], [ref], sent)

                    results = self.finish_and_check(name, qb, first, mode == "stop", n, kind)
                    # The next session asked QuickBooks about the document before anything else was added.
                    types = [t for r in results[0].report["requests"] for t in r["types"]]
                    self.assertIn(QUERY_FOR[kind], types, results[0])
                    first_add = min((i for i, t in enumerate(types) if t.endswith("AddRq")), default=len(types))
                    self.assertLess(types.index(QUERY_FOR[kind]), first_add, types)
                    doc = next(d for d in h.documents(self.data, name) if d["ref_number"] == ref)
                    self.assertEqual((doc["state"], doc["qb_txn_id"]), ("posted", txn_id), doc)

    def test_request_lost_before_quickbooks_saw_it(self):
        for n, kind, call in self.document_positions:
            with self.subTest(request=n, kind=kind):
                name, qb = self.new_company()
                # The sendRequestXML that hands out request n goes out; the connection dies before its answer is
                # read: Settlebridge marked the document sent, QuickBooks never got it.
                first = h.run_session(self.daemon.url, name, PASSWORD, qb,
                                      fault_plan=h.faults(disconnect=f"{call}:after-send"))
                self.assertEqual(first.code, h.EXIT_INTERRUPTED, first)
                self.assertEqual(len(first.report["requests"]), n - 1, first)
                company = h.load_qb(qb)
                self.assertEqual(sum(1 for (k, _) in company.add_counts() if k == h.DOCUMENT_ADDS[kind]),
                                 sum(1 for r in first.report["requests"] if r["types"] == [kind]))
                sent = [d for d in h.documents(self.data, name) if d["state"] == "sent"]
                self.assertEqual(len(sent), 1, sent)
                results = self.finish_and_check(name, qb, first, True, n, kind)
                types = [t for r in results[0].report["requests"] for t in r["types"]]
                self.assertIn(QUERY_FOR[kind], types, results[0])

    def test_answer_to_the_lookup_lost_too(self):
        n, kind, _ = self.document_positions[0]
        name, qb = self.new_company()
        first = h.run_session(self.daemon.url, name, PASSWORD, qb, fault_plan=h.faults(drop=[f"{n}:connection-error"]))
        self.assertEqual(first.code, h.EXIT_INTERRUPTED, first)
        # The next session asks QuickBooks first (request 1); that answer is lost as well.
        second = h.run_session(self.daemon.url, name, PASSWORD, qb, fault_plan=h.faults(drop=["1:connection-error"]))
        self.assertEqual(second.code, h.EXIT_INTERRUPTED, second)
        self.assertEqual(second.report["requests"][0]["types"], [QUERY_FOR[kind]], second)
        self.finish_and_check(name, qb, second, False, n, kind)

    def test_answer_to_a_list_add_lost(self):
        for n, kind, _ in self.list_positions:
            with self.subTest(request=n, kind=kind):
                name, qb = self.new_company()
                first = h.run_session(self.daemon.url, name, PASSWORD, qb, fault_plan=h.faults(drop=[f"{n}:stop"]))
                self.assertEqual(first.code, h.EXIT_INTERRUPTED, first)
                record = first.report["requests"][n - 1]
                self.assertEqual(record["types"], [kind])
                self.assertTrue(record["statuses"][0]["applied"], first)
                self.finish_and_check(name, qb, first, True, n, kind)


if __name__ == "__main__":
    unittest.main(verbosity=2)
