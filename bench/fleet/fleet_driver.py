#!/usr/bin/python3
"""A fleet of Web Connectors against one Settlebridge daemon (issue 18 benchmark).

Speaks the Web Connector's SOAP envelopes over keep-alive HTTP/1.1 with the light client of
bench/qbwc/session_driver.py (the same envelopes, headers and sequence as tools/qbwc_emulator, without zeep, so
that one driver process can play many Web Connectors); posting sessions answer with tools/quickbooks_sim, a fresh
simulated company file per Settlebridge company.

Two workloads:
  --mode poll  open loop: sessions arrive at --rate per second (Poisson, seeded) for --duration seconds, each for
               a different company (a session answered "busy" is tried again after the 2 s it names, as the Web
               Connector does; its session time includes the waits). With --repeat the companies are cycled
               through instead: the daemon's password cache then answers (Web Connectors running every ten
               minutes or less, after their first sign-in). (a company at most once: the verified-password cache of the daemon is ten
               minutes, and a real fleet polling every 15 minutes or more pays the password check every time).
               --workers processes share the arrivals; an arrival whose worker is still busy starts late, and the
               lateness is reported: a daemon keeps up when every session starts on time and finishes.
  --mode post  closed loop: --workers Web Connectors each take the next company with documents queued and post
               all of them (authenticate .. closeConnection), for --duration seconds or until the companies run out.

Prints one line: RESULT key=value ... (sessions, offered, sessions_per_s, calls, calls_per_s, per-call p50/p99 in
ms for each operation and for all calls, session time and lateness p50/p99, driver CPU, failures).
"""
import argparse
import multiprocessing
import os
import random
import resource
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "qbwc"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from session_driver import Client, one_session  # noqa: E402
from quickbooks_sim import Company  # noqa: E402

OPS = ["authenticate", "sendRequestXML", "receiveResponseXML", "closeConnection"]


class TimedClient(Client):
    """Client that also records which operation each latency belongs to."""

    def __init__(self, url):
        super().__init__(url)
        self.by_op = []

    def call(self, op, **args):
        start = time.perf_counter()
        try:
            return super().call(op, **args)
        finally:
            self.by_op.append((op, time.perf_counter() - start))


BUSY_RETRY_S = 2  # what Settlebridge's "busy" answer asks for (QbwcLogic::kBusyRetrySeconds)


def run_session(client, user, password, posting):
    """One Web Connector update; a "busy" sign-in is tried again after the wait it names, as the Web Connector
    does. Returns (did work, busy answers)."""
    company = Company.new(None, name=f"Bench {user}") if posting else None
    busy = 0
    while True:
        try:
            return one_session(client, company, user, password), busy
        except RuntimeError as exc:
            if "answered 'busy'" not in str(exc) or busy >= 60:
                raise
            busy += 1
            time.sleep(BUSY_RETRY_S)


def poll_worker(args):
    url, password, arrivals = args
    client = TimedClient(url)
    lateness, session_times, sessions, failures, idle, busy = [], [], 0, 0, 0, 0
    for at, user, posting in arrivals:
        now = time.time()
        if now < at:
            time.sleep(at - now)
        started = time.time()
        lateness.append(started - at)
        client.conn.close()  # a Web Connector connects anew for each scheduled update
        try:
            worked, b = run_session(client, user, password, posting)
            busy += b
            if not worked:
                idle += 1
            sessions += 1
            session_times.append(time.time() - started)
        except Exception as exc:  # counted and reported; the next session gets a new connection
            print(f"fleet_driver: {user}: {exc}", file=sys.stderr)
            failures += 1
            client.conn.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return client.by_op, lateness, session_times, sessions, failures, idle, usage.ru_utime + usage.ru_stime, busy


def post_worker(args):
    url, password, users, counter, deadline = args
    client = TimedClient(url)
    session_times, sessions, failures, idle, busy = [], 0, 0, 0, 0
    while time.time() < deadline:
        with counter.get_lock():
            k = counter.value
            counter.value += 1
        if k >= len(users):
            break
        started = time.time()
        client.conn.close()  # a new connection per update, kept alive within it
        try:
            worked, b = run_session(client, users[k], password, True)
            busy += b
            if not worked:
                idle += 1
            sessions += 1
            session_times.append(time.time() - started)
        except Exception as exc:
            print(f"fleet_driver: {users[k]}: {exc}", file=sys.stderr)
            failures += 1
            client.conn.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return client.by_op, [], session_times, sessions, failures, idle, usage.ru_utime + usage.ru_stime, busy


_counter = None


def _init(counter):
    global _counter
    _counter = counter


def _post(args):
    url, password, users, deadline = args
    return post_worker((url, password, users, _counter, deadline))


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q / 100 * len(values)))] * 1000 if values else 0.0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--mode", choices=["poll", "post"], required=True)
    p.add_argument("--users", required=True, help="user name pattern with {i}, e.g. d{i}")
    p.add_argument("--count", type=int, required=True, help="how many companies the pattern covers")
    p.add_argument("--rate", type=float, default=1.0, help="poll: sessions per second offered")
    p.add_argument("--duration", type=float, default=20.0)
    p.add_argument("--workers", type=int, default=32)
    p.add_argument("--seed", type=int, default=18)
    p.add_argument("--repeat", action="store_true",
                   help="poll: cycle through the companies (for a daemon whose password cache holds them all)")
    a = p.parse_args()
    rng = random.Random(a.seed)
    users = [a.users.format(i=i) for i in range(a.count)]
    rng.shuffle(users)
    t_start = time.time() + 1.0 + 0.02 * a.workers
    if a.mode == "poll":
        arrivals, t = [], 0.0
        while True:
            t += rng.expovariate(a.rate)
            if t >= a.duration or (len(arrivals) >= len(users) and not a.repeat):
                break
            arrivals.append((t_start + t, users[len(arrivals) % len(users)], False))
        shares = [arrivals[j::a.workers] for j in range(a.workers)]
        with multiprocessing.Pool(a.workers) as pool:
            results = pool.map(poll_worker, [(a.url, a.password, s) for s in shares], chunksize=1)
        offered = len(arrivals)
        span = a.duration
    else:
        counter = multiprocessing.Value("i", 0)
        deadline = t_start + a.duration
        with multiprocessing.Pool(a.workers, initializer=_init, initargs=(counter,)) as pool:
            results = pool.map(_post, [(a.url, a.password, users, deadline) for _ in range(a.workers)], chunksize=1)
        offered = len(users)
        span = None
    t_end = time.time()
    calls = [x for r in results for x in r[0]]
    lateness = [x for r in results for x in r[1]]
    session_times = [x for r in results for x in r[2]]
    sessions = sum(r[3] for r in results)
    failures = sum(r[4] for r in results)
    idle = sum(r[5] for r in results)
    cpu = sum(r[6] for r in results)
    busy = sum(r[7] for r in results)
    wall = (t_end - t_start) if span is None else max(span, t_end - t_start)
    out = [f"sessions={sessions}", f"offered={offered}", f"busy_answers={busy}", f"idle_sessions={idle}", f"wall_s={wall:.2f}",
           f"sessions_per_s={sessions / wall:.2f}", f"calls={len(calls)}", f"calls_per_s={len(calls) / wall:.1f}",
           f"p50_ms={pct([x for _, x in calls], 50):.2f}", f"p99_ms={pct([x for _, x in calls], 99):.2f}"]
    for op in OPS:
        xs = [x for o, x in calls if o == op]
        out += [f"{op}_n={len(xs)}", f"{op}_p50_ms={pct(xs, 50):.2f}", f"{op}_p99_ms={pct(xs, 99):.2f}"]
    out += [f"session_p50_ms={pct(session_times, 50):.1f}", f"session_p99_ms={pct(session_times, 99):.1f}",
            f"late_p50_ms={pct(lateness, 50):.1f}", f"late_p99_ms={pct(lateness, 99):.1f}",
            f"driver_cpu_s={cpu:.2f}", f"failures={failures}"]
    print("RESULT " + " ".join(out))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
