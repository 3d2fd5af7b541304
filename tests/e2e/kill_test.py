#!/usr/bin/python3
"""kill -9 of the daemon at random moments of Web Connector sessions, restarted at once with the default settings
each time: afterwards every document is in QuickBooks exactly once (or, where the counted re-send rule stopped it,
"needs checking" with its evidence), nothing is left queued or sent, and every account balance of the simulated
QuickBooks equals that of an uninterrupted run of the same settlements.

The schedule: rounds of 1-6 kills each on a fresh data folder, company and QuickBooks file with three generated
settlements (sales receipts, credit memos and their refunds). Each kill lands at a point drawn from a seeded
generator: after the Nth qbXML request was handed out, right after the Nth document add was handed out, after
the Nth SOAP call (authenticate, closeConnection...), or after a random delay; then `serve` starts again on the same
data folder at once. The next session after every restart must get a ticket (never "busy"). After the round's
kills, clean sessions run until authenticate answers "none"; then the checks.

The seed and every kill point are printed: SETTLEBRIDGE_E2E_SEED=N replays a run's choices (the kill moments
themselves are as precise as the polling allows). Kills: 20 when CI=true, else 100 (SETTLEBRIDGE_E2E_KILLS=N).
REPLAY below holds schedules worth keeping; they run first, every time.

Run: SETTLEBRIDGE_BIN=build/daemon/app/settlebridge /usr/bin/python3 tests/e2e/kill_test.py   (ctest: e2e.kill_test)
"""
import os
import random
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

PASSWORD = "kill-dash-nine"
CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
KILLS = int(os.environ.get("SETTLEBRIDGE_E2E_KILLS") or (20 if CI else 100))
STRATEGIES = ("request", "document", "call", "delay")
# Three settlements made by the bundled generator (tools/generate_settlement.py, seeded): each has sales, refunds
# (a credit memo and its refund payment) and fees.
SETTLEMENTS = [("26000000001", "2026-06-01", 1), ("26000000002", "2026-06-15", 2), ("26000000003", "2026-06-29", 3)]

# Schedules kept because they once found something: (kill points as (strategy, n, extra seconds), clean sessions
# allowed after them). Run first, every time.
REPLAY = [
    # The reported end state (issue 14): one document "sent" and its successor "queued" after three clean sessions.
    # Killed right after the 2nd document add (a credit memo; its refund waits for it) was handed out, restarted:
    # the dead process's session stayed open, so every authenticate answered "busy" until its ticket lapsed (30 min
    # by default; the report's runs used 10 s and a wait of about that, and three quick sessions all fell inside
    # it), leaving exactly that state. Now the start ends it: three sessions must finish the work.
    ([("document", 2, 0.0)], 3),
]


class KillTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        h.require_binary()
        sys.setswitchinterval(0.0002)  # the watching thread sees the emulator's progress promptly
        cls.seed = int(os.environ.get("SETTLEBRIDGE_E2E_SEED") or time.time_ns() % 1_000_000_007)
        print(f"kill_test: seed {cls.seed}, {KILLS} kills (SETTLEBRIDGE_E2E_SEED={cls.seed} replays the choices)",
              file=sys.stderr, flush=True)
        cls.rng = random.Random(cls.seed)
        cls.ws = h.Workspace()
        cls.reports = []
        for settlement_id, start, seed in SETTLEMENTS:
            path = cls.ws.path(f"{settlement_id}.txt")
            subprocess.run([sys.executable, os.path.join(h.TOOLS_DIR, "generate_settlement.py"), "--orders", "25",
                            "--skus", "5", "--seed", str(seed), "--settlement-id", settlement_id, "--start", start,
                            path], check=True, capture_output=True)
            cls.reports.append(path)
        # The uninterrupted run: how many requests and documents it takes, and the balances it leaves.
        data, name, qb = cls.new_round("baseline")
        with h.Daemon(data) as daemon:
            started = time.monotonic()
            results = h.run_until_done(daemon.url, name, PASSWORD, qb)
            cls.session_seconds = time.monotonic() - started  # the kills by delay land within one such run
        problems = h.ledger_problems(qb, cls.reports, data, name)
        if problems:
            raise AssertionError("baseline run wrong: " + "; ".join(problems))
        cls.total_requests = sum(len(r.report["requests"]) for r in results)
        cls.total_documents = sum(len(r.posted()) for r in results)
        cls.total_calls = sum(len(r.report["calls"]) for r in results)
        cls.baseline_balances = h.load_qb(qb).balances()
        print(f"kill_test: baseline {cls.total_requests} requests, {cls.total_documents} documents, "
              f"{cls.session_seconds:.2f} s", file=sys.stderr, flush=True)

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    @classmethod
    def new_round(cls, label):
        data = cls.ws.mkdir(label)
        name = f"k{label}"
        h.add_company(data, name, PASSWORD, mode="live")
        for path in cls.reports:
            h.import_file(data, name, path)
        return data, name, h.new_qb_company(cls.ws.path(f"{label}.json"))

    def draw(self, index):
        """The kill point of the `index`th kill of a round (0-based): later kills of a round find less work left, so
        their points are drawn from a shorter span, to land inside a session."""
        share = index + 1
        strategy = self.rng.choice(STRATEGIES)
        if strategy == "request":
            return (strategy, self.rng.randint(1, max(1, self.total_requests // share)),
                    self.rng.choice([0.0, self.rng.uniform(0, 0.01)]))
        if strategy == "document":
            return (strategy, self.rng.randint(1, max(1, self.total_documents // share)),
                    self.rng.choice([0.0, 0.0, self.rng.uniform(0, 0.005)]))
        if strategy == "call":
            return strategy, self.rng.randint(1, min(self.total_calls, 12)), self.rng.uniform(0, 0.003)
        return strategy, 0, self.rng.uniform(0.0, self.session_seconds / share)

    def wait_for(self, bg, predicate, timeout=60):
        deadline = time.monotonic() + timeout
        while not bg.done() and not predicate():
            if time.monotonic() > deadline:
                self.fail("the session made no progress")
            time.sleep(0.0005)

    def kill_once(self, daemon, name, qb, point):
        """One session killed at `point`; returns (description, the cut session's result)."""
        strategy, n, extra = point
        bg = h.BackgroundSession(daemon.url, name, PASSWORD, qb, timeout=20)
        if strategy == "request":
            self.wait_for(bg, lambda: bg.progress() >= n)
        elif strategy == "document":
            def adds():
                return sum(1 for r in list(bg.session.report["requests"]) if r["types"][0] in h.DOCUMENT_ADDS)
            self.wait_for(bg, lambda: adds() >= n)
        elif strategy == "call":
            self.wait_for(bg, lambda: bg.calls() >= n)
        if extra:
            time.sleep(extra)
        at = f"request {bg.progress()}, call {bg.calls()}"
        daemon.kill9()
        result = bg.join(timeout=60)
        daemon.start()  # at once, the default settings
        return f"{strategy} {n} +{extra * 1000:.1f} ms ({at})", result

    def one_round(self, label, points, clean=None):
        """Kills at `points`, then clean sessions until there is nothing to do (at most `clean` of them)."""
        data, name, qb = self.new_round(label)
        daemon = self.ws.track(h.Daemon(data))
        lines = []
        sessions = []
        for point in points:
            described, result = self.kill_once(daemon, name, qb, point)
            sessions.append(result)
            auth = {None: "-", "": "ticket"}.get(result.auth_status, result.auth_status)
            in_flight = sum(1 for d in h.documents(data, name) if d["state"] == "sent")
            self.in_flight += in_flight
            lines.append(f"{described}: exit {result.code}, sign-in {auth}, {in_flight} sent at the restart")
        results = h.run_until_done(daemon.url, name, PASSWORD, qb, max_sessions=clean or 8)
        sessions.extend(results)
        context = f"round {label} (seed {self.seed}; kills: {'; '.join(lines)})"
        # The session after each restart got a ticket: no "busy" anywhere.
        busy = [r for r in sessions if r.auth_status == "busy"]
        self.assertEqual(busy, [], context + "\n" + "\n".join(repr(r) for r in busy))
        docs = h.documents(data, name)
        left = [d for d in docs if d["state"] in ("queued", "sent", "held")]
        self.assertEqual(left, [], context)
        checking = [d for d in docs if d.get("needs_checking")]
        for d in checking:
            # The counted re-send rule stopped it: the evidence is on it, and QuickBooks does not have it.
            self.assertEqual(d["state"], "failed", d)
            self.assertTrue(d["check_reason"] and d["lookup_answer"], d)
            self.assertEqual(h.load_qb(qb).add_count(h.STATUS_KIND_TO_QB[d["kind"]], d["ref_number"]), 0, d)
            h.retry(data, d["id"])  # a person checked QuickBooks and sends it again
        if checking:
            sessions.extend(h.run_until_done(daemon.url, name, PASSWORD, qb))
        self.resends += sum(d["resends"] for d in docs)
        problems = h.ledger_problems(qb, self.reports, data, name)
        self.assertEqual(problems, [], context + "\n" + "\n".join(problems))
        company = h.load_qb(qb)
        self.assertTrue(all(c == 1 for c in company.add_counts().values()), company.add_counts())
        self.assertEqual(company.balances(), self.baseline_balances, context)
        daemon.stop()
        interrupted = sum(1 for r in sessions[:len(points)] if r.code != h.EXIT_OK)
        print(f"{label}: {'; '.join(lines)}; then {len(results)} clean session(s)"
              + (f"; {len(checking)} needed checking" if checking else ""), file=sys.stderr, flush=True)
        return interrupted, len(checking)

    def test_kill_at_random_moments(self):
        started = time.monotonic()
        kills = interrupted = checking = 0
        self.in_flight = self.resends = 0
        rounds = [("replay", list(points), clean) for points, clean in REPLAY]
        remaining = KILLS
        while remaining > 0:
            n = min(self.rng.randint(1, 6), remaining)
            rounds.append(("random", [self.draw(i) for i in range(n)], None))
            remaining -= n
        for index, (kind, points, clean) in enumerate(rounds):
            with self.subTest(round=index, kind=kind, seed=self.seed):
                cut, checked = self.one_round(f"r{index}", points, clean)
                kills += len(points)
                interrupted += cut
                checking += checked
        print(f"kill_test: {kills} kills in {len(rounds)} rounds, {time.monotonic() - started:.1f} s; {interrupted} "
              f"session(s) cut by a kill; {self.in_flight} document(s) in flight (sent) at a restart; "
              f"{self.resends} re-send(s) after \"not found\"; {checking} document(s) needed checking; no sign-in "
              f"answered busy; every round's balances equal the uninterrupted run's", file=sys.stderr, flush=True)
        self.assertGreaterEqual(interrupted, kills // 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
