#!/usr/bin/python3
"""The long version of the attack suite (outside CI): every attack of issue 16 at once against one daemon, on
loopback only, for a bounded time; prints the figures docs/SECURITY.md records and, with --write, puts them into
docs/SECURITY.md between its "soak figures" markers.

    SETTLEBRIDGE_BIN=build/daemon/app/settlebridge /usr/bin/python3 tests/security/soak.py [--seconds 60]
        [--engine event-loop|thread-per-connection] [--attackers-nice N] [--write]

At once: 60 bad authenticates in flight from one address and 60 from 60 addresses, 500 slow connections (one byte
every 5 s), five 60 MB bodies (then again, for the whole run). Meanwhile the Web Connector emulator runs its
sessions (first authenticate uncached, at most 3 retries on "busy") until everything is posted, and a probe calls
clientVersion every 50 ms. Each group of attackers runs in a process of its own, so that the probe and the emulator
(in this process) measure the daemon, not the attackers' Python threads fighting over one interpreter lock. The
machine's load average is recorded with the figures (a shared machine inflates every latency).
"""
import argparse
import datetime
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attacks as a  # noqa: E402

h = a.h
PASSWORD = "correct horse 42"
NAME = "Acme Books"


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the attacks run (default 60)")
    parser.add_argument("--engine", default="event-loop", choices=("event-loop", "thread-per-connection"))
    parser.add_argument("--samples", type=int, default=len(h.SAMPLES), help="sample settlements to post")
    parser.add_argument("--attackers-nice", type=int, default=0, metavar="N",
                        help="run the attacker processes at nice N (0: the daemon's priority, the default; 19 stands in "
                        "for attackers on other machines, whose CPU is not the daemon's)")
    parser.add_argument("--write", action="store_true", help="put the figures into docs/SECURITY.md")
    args = parser.parse_args()
    h.require_binary()
    with h.Workspace(prefix="sb-soak-") as ws:
        data = ws.path("data")
        h.add_company(data, NAME, PASSWORD)
        for path in h.SAMPLES[:args.samples]:
            h.import_file(data, NAME, path)
        daemon = ws.track(h.Daemon(data, extra=["--engine", args.engine]))
        port = daemon.port
        qb = h.new_qb_company(ws.path("qb.json"))
        started = time.monotonic()
        load_before = os.getloadavg()

        def bodies(i, load):
            while load.running():
                load.count(a.big_body(port, 60 * 1024 * 1024, i % 2 == 1, a.loopback(200 + i))[:12])

        groups = [
            lambda: a.Load(60, a.bad_authenticates(port, NAME, [a.loopback(1)]), deadline_s=args.seconds),
            lambda: a.Load(60, a.bad_authenticates(port, NAME, [a.loopback(10 + i) for i in range(60)]),
                           deadline_s=args.seconds),
            lambda: a.Load(20, a.slow_clients(port, [a.loopback(100 + i) for i in range(20)], interval=5.0,
                                              per_thread=25), deadline_s=args.seconds),
            lambda: a.Load(5, bodies, deadline_s=args.seconds),
        ]
        loads = [a.ProcessLoad(g, deadline_s=args.seconds, nice=args.attackers_nice) for g in groups]
        attackers = list(loads)

        probe = []

        def probe_run(i, load):
            while load.running():
                try:
                    status, _, seconds = a.soap_post(port, "clientVersion", a.client_version_envelope(), timeout=30)
                    probe.append(seconds if status == 200 else float("inf"))
                except OSError:
                    probe.append(float("inf"))
                time.sleep(0.05)
        loads.append(a.Load(1, probe_run, deadline_s=args.seconds))

        rss = []

        def rss_run(i, load):
            while load.running():
                rss.append(a.rss_kb(daemon.pid))
                time.sleep(0.5)
        loads.append(a.Load(1, rss_run, deadline_s=args.seconds))

        time.sleep(min(5.0, args.seconds / 4))
        sessions = []
        idle = []  # the sessions after everything was posted (authenticate answered "none"): their exit codes
        first_auth = None
        while time.monotonic() - started < args.seconds + 120:
            result, seconds, busy = a.legit_session(daemon, NAME, PASSWORD, qb)
            auth_ms = next((c.get("ms", 0) for c in result.report["calls"] if c["operation"] == "authenticate"), None)
            sessions.append((result.code, result.auth_status, busy, auth_ms))
            if first_auth is None:
                first_auth = (busy, seconds if result.code != h.EXIT_OK else None, auth_ms)
            if result.code != h.EXIT_OK:
                break
            if result.auth_status == "none":  # everything is posted; like a scheduled Web Connector, come back later,
                idle.append(result.code)      # so that the attacks (and the probe) last the whole --seconds
                sessions.pop()
                if time.monotonic() - started >= args.seconds:
                    break
                time.sleep(1.0)
        load_during = os.getloadavg()
        attacked = min(time.monotonic() - started, args.seconds)  # they end with the sessions, or at --seconds
        for load in loads:
            load.stop()
        counts = {}
        for load in attackers:
            for k, v in load.counts.items():
                counts[k] = counts.get(k, 0) + v
        peak = a.rss_kb(daemon.pid, "VmHWM")
        problems = h.ledger_problems(qb, h.SAMPLES[:args.samples], data, NAME)
        ok_probe = [p for p in probe if p != float("inf")]
        lines = [
            f"Run of {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, engine {args.engine}, {attacked:.0f} s of "
            f"attacks (until the sessions were done, at most {args.seconds:.0f} s), attackers at nice "
            f"{args.attackers_nice}, {os.cpu_count()} cores; load "
            f"average {load_before[0]:.1f} before, {load_during[0]:.1f} at the end (it counts the attackers' own "
            f"threads; a machine shared with other work: latencies include its queueing).",
            "",
            "| figure | value | target |",
            "|---|---|---|",
            f"| first authenticate (busy answers before it, its call time) | {first_auth[0]} busy, "
            f"{(first_auth[2] or 0) / 1000:.2f} s | at most 3, within 10 s |",
            f"| sessions until all posted (exit codes) | {len(sessions)} ({', '.join(str(s[0]) for s in sessions)}) "
            f"| all 0 |",
            f"| later sessions with nothing to post, one a second until the attacks end (exit codes not 0) | "
            f"{len(idle)} ({sum(1 for c in idle if c != h.EXIT_OK)}) | (0) |",
            f"| ledger problems (lost or doubled documents) | {len(problems)} | 0 |",
            f"| clientVersion probe: answered, p50, p99 | {len(ok_probe)}/{len(probe)}, "
            f"{percentile(ok_probe, 50) * 1000:.1f} ms, {percentile(ok_probe, 99) * 1000:.1f} ms | p99 < 100 ms |",
            f"| peak RSS (VmHWM) | {peak / 1024:.0f} MB (median {statistics.median(rss) / 1024 if rss else 0:.0f} MB)"
            f" | < 150 MB |",
            f"| attacker answers | {', '.join(f'{k} {v}' for k, v in sorted(counts.items()))} | |",
        ]
        text = "\n".join(lines)
        print(text)
        if problems:
            print("\n".join(problems), file=sys.stderr)
        if args.write:
            path = os.path.join(h.SOURCE_DIR, "docs", "SECURITY.md")
            with open(path, encoding="utf-8") as f:
                doc = f.read()
            begin, end = "<!-- soak figures: begin -->", "<!-- soak figures: end -->"
            head, _, rest = doc.partition(begin)
            _, _, tail = rest.partition(end)
            with open(path, "w", encoding="utf-8") as f:
                f.write(head + begin + "\n" + text + "\n" + end + tail)
        daemon.stop()
        return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
