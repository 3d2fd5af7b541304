#!/usr/bin/python3
"""Issue 18 benchmark: the limits of one Settlebridge daemon with N companies (bench/, never CI).

For each N in --companies:
  1. set-up (not timed as a figure): a template data folder made by the real CLI (`company add`, `import` of
     tools/samples/us_*.txt: 2 settlements, 6 documents, 228 SKUs) and one real Web Connector session that posts
     the "done" template's documents; then bench/fleet/clone_companies.py copies the templates by SQL into N
     companies: N - Q "done" ones (history posted, nothing queued: they answer "none") and Q "queued" ones (6
     documents each waiting); the two templates stay as well.
  2. poll: for each rate in --rates, a fresh `settlebridge serve` (so no password is in the ten-minute
     verified-password cache) and bench/fleet/fleet_driver.py --mode poll: sign-ins arriving at that rate,
     each for a different "done" company (a fleet whose Web Connectors run every T minutes, T above ten, is N/T
     arrivals per minute: compressed here to the rate). The daemon keeps up ("keeps up" column) when every
     sign-in was answered, none "busy", and the authenticate p99 stayed under the password gate's 3-s wait.
  3. post: a fresh daemon and --post-workers Web Connectors each posting the next queued company's documents,
     for --post-duration seconds.
For every run: the server's CPU (utime + stime from /proc), RSS at the end and its peak (VmHWM), the database's
size (main file + WAL), the 1-minute load average before and after. Prints Markdown rows; raw RESULT lines and
server logs stay in the work folder.

    bench/fleet/run_fleet_bench.py [--companies 100 1000 10000] [--rates 1 2 4 8] ...
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
PY = "/usr/bin/python3"
PASSWORD = "bench-password"


def log(msg):
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {msg}", file=sys.stderr, flush=True)


def load1():
    return float(open("/proc/loadavg").read().split()[0])


def cpu_s(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def mem_mb(pid):
    out = {}
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(("VmRSS:", "VmHWM:")):
            out[line.split(":")[0]] = int(line.split()[1]) / 1024
    return out["VmRSS"], out["VmHWM"]


def db_mb(folder):
    total = 0
    for name in ("settlebridge.db", "settlebridge.db-wal"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            total += os.path.getsize(path)
    return total / 1e6


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


class Server:
    def __init__(self, binary, folder, tag):
        self.folder = folder
        ready = os.path.join(folder, "ready")
        if os.path.exists(ready):
            os.remove(ready)
        self.logfile = open(os.path.join(folder, f"serve-{tag}.log"), "w")
        self.proc = subprocess.Popen([binary, "serve", "--data-dir", folder, "--port", "0", "--ready-file", ready],
                                     stdout=self.logfile, stderr=subprocess.STDOUT)
        deadline = time.time() + 120
        while not (os.path.exists(ready) and os.path.getsize(ready) > 0):
            if self.proc.poll() is not None or time.time() > deadline:
                raise SystemExit(f"settlebridge serve did not start (see {self.logfile.name})")
            time.sleep(0.05)
        self.started_s = time.time()
        self.url = open(ready).read().strip().rstrip("/") + "/qbwc"
        self.cpu0 = cpu_s(self.proc.pid)
        self.rss_idle = mem_mb(self.proc.pid)[0]

    def stop(self):
        cpu = cpu_s(self.proc.pid) - self.cpu0
        rss, hwm = mem_mb(self.proc.pid)
        self.proc.terminate()
        self.proc.wait(timeout=60)
        self.logfile.close()
        return cpu, rss, hwm


def fields(line):
    return dict(kv.split("=", 1) for kv in line.split()[1:])


def driver(args, logpath):
    p = subprocess.run([PY, os.path.join(HERE, "fleet_driver.py")] + args, capture_output=True, text=True)
    with open(logpath, "a") as f:
        f.write(" ".join(args) + "\n" + p.stderr + p.stdout + "\n")
    lines = [x for x in p.stdout.splitlines() if x.startswith("RESULT ")]
    if not lines:
        raise SystemExit(f"fleet_driver gave no result (see {logpath}): {p.stderr[-500:]}")
    return fields(lines[0])


def make_template(binary, folder):
    os.makedirs(folder)
    env = dict(os.environ, SETTLEBRIDGE_PASSWORD=PASSWORD)
    samples = sorted(os.path.join(ROOT, "tools", "samples", f) for f in os.listdir(os.path.join(ROOT, "tools", "samples"))
                     if f.startswith("us_"))
    for name in ("done", "queued"):
        run([binary, "company", "add", name, "--mode", "live", "--data-dir", folder], env=env)
        for f in samples:
            run([binary, "import", f, "--company", name, "--data-dir", folder])
    server = Server(binary, folder, "template")
    try:
        run([PY, os.path.join(ROOT, "bench", "qbwc", "session_driver.py"), "--url", server.url, "--connections", "1",
             "--user", "done", "--password", PASSWORD, "--sessions", "1"])
    finally:
        server.stop()
    status = run([binary, "status", "--data-dir", folder]).stdout
    if "done: held 0 queued 0 sent 0 posted 6" not in status:
        raise SystemExit(f"template: the done company did not post its 6 documents:\n{status}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bin", default=os.environ.get("SETTLEBRIDGE_BIN", os.path.join(ROOT, "build", "daemon", "app", "settlebridge")))
    p.add_argument("--companies", type=int, nargs="+", default=[100, 1000, 10000])
    p.add_argument("--queued", type=int, default=200, help="companies with documents queued (at most N)")
    p.add_argument("--rates", type=float, nargs="+", default=[1, 2, 4, 8], help="poll: sign-ins per second offered")
    p.add_argument("--poll-duration", type=float, default=20)
    p.add_argument("--poll-workers", type=int, default=48)
    p.add_argument("--post-duration", type=float, default=30)
    p.add_argument("--post-workers", type=int, default=8)
    p.add_argument("--cached-rates", type=float, nargs="*", default=[],
                   help="poll with the password cache warm: sign-ins per second offered, cycling through --cached-companies")
    p.add_argument("--cached-companies", type=int, default=50)
    p.add_argument("--workdir", default=None)
    a = p.parse_args()
    if not os.access(a.bin, os.X_OK):
        raise SystemExit(f"no settlebridge binary at {a.bin} (tools/build.sh --target settlebridge)")
    work = a.workdir or tempfile.mkdtemp(prefix="fleet-bench.")
    os.makedirs(work, exist_ok=True)
    rawlog = os.path.join(work, "results.log")
    template = os.path.join(work, "template")
    if not os.path.exists(template):
        log("template: company add, import, one posting session")
        make_template(a.bin, template)
    rows_poll, rows_post, rows_setup, rows_cached = [], [], [], []
    for n in a.companies:
        q = min(a.queued, n)
        folder = os.path.join(work, f"n{n}")
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(template, folder, ignore=shutil.ignore_patterns("ready", "*.log"))
        log(f"N={n}: cloning {n - q} done + {q} queued companies")
        t0 = time.time()
        run([PY, os.path.join(HERE, "clone_companies.py"), os.path.join(folder, "settlebridge.db"),
             "--template", f"done=d:{n - q}", "--template", f"queued=q:{q}"])
        rows_setup.append(f"| {n} | {time.time() - t0:.1f} s | {db_mb(folder):.0f} MB |")
        for rate in a.rates:
            l0 = load1()
            server = Server(a.bin, folder, f"poll{rate:g}")
            idle_rss, start_s = server.rss_idle, server.started_s
            log(f"N={n}: poll at {rate:g}/s (idle RSS {idle_rss:.0f} MB)")
            r = driver(["--url", server.url, "--password", PASSWORD, "--mode", "poll", "--users", "d{i}",
                        "--count", str(n - q), "--rate", str(rate), "--duration", str(a.poll_duration),
                        "--workers", str(a.poll_workers)], rawlog)
            span = time.time() - start_s
            cpu, rss, hwm = server.stop()
            l1 = load1()
            keeps_up = (r["busy_answers"] == "0" and r["failures"] == "0" and r["sessions"] == r["offered"]
                        and float(r["authenticate_p99_ms"]) < 3000)
            rows_poll.append(
                f"| {n} | {rate:g} | {r['offered']} | {r['sessions_per_s']} | {'yes' if keeps_up else '**no**'} | {r['authenticate_p50_ms']} | "
                f"{r['authenticate_p99_ms']} | {r['session_p99_ms']} | {r['busy_answers']} | {r['failures']} | "
                f"{100 * cpu / span:.0f} % ({cpu:.1f} s) | {idle_rss:.0f} / {hwm:.0f} MB | {db_mb(folder):.0f} MB | "
                f"{l0:.1f}→{l1:.1f} |")
            log(rows_poll[-1])
        if a.cached_rates:
            c = min(a.cached_companies, n - q)
            server = Server(a.bin, folder, "cached")
            log(f"N={n}: warming the password cache with {c} sign-ins")
            driver(["--url", server.url, "--password", PASSWORD, "--mode", "poll", "--users", "d{i}",
                    "--count", str(c), "--rate", "2", "--duration", "3600", "--workers", "4"], rawlog)
            for rate in a.cached_rates:
                l0 = load1()
                cpu0, t0 = cpu_s(server.proc.pid), time.time()
                log(f"N={n}: cached poll at {rate:g}/s over {c} companies")
                r = driver(["--url", server.url, "--password", PASSWORD, "--mode", "poll", "--users", "d{i}",
                            "--count", str(c), "--rate", str(rate), "--duration", str(a.poll_duration), "--repeat",
                            "--workers", str(a.poll_workers)], rawlog)
                cpu = cpu_s(server.proc.pid) - cpu0
                span = time.time() - t0
                hwm = mem_mb(server.proc.pid)[1]
                l1 = load1()
                keeps_up = (r["busy_answers"] == "0" and r["failures"] == "0" and r["sessions"] == r["offered"]
                            and float(r["authenticate_p99_ms"]) < 3000)
                rows_cached.append(
                    f"| {n} | {rate:g} | {r['offered']} | {r['sessions_per_s']} | {'yes' if keeps_up else '**no**'} | "
                    f"{r['authenticate_p50_ms']} | {r['authenticate_p99_ms']} | {r['late_p99_ms']} | {r['failures']} | "
                    f"{100 * cpu / span:.0f} % ({cpu:.1f} s) | {hwm:.0f} MB | {l0:.1f}→{l1:.1f} |")
                log(rows_cached[-1])
            server.stop()
        l0 = load1()
        server = Server(a.bin, folder, "post")
        start_s = server.started_s
        log(f"N={n}: post with {a.post_workers} Web Connectors for {a.post_duration:g} s")
        size0 = db_mb(folder)
        r = driver(["--url", server.url, "--password", PASSWORD, "--mode", "post", "--users", "q{i}",
                    "--count", str(q), "--duration", str(a.post_duration), "--workers", str(a.post_workers)], rawlog)
        span = time.time() - start_s
        cpu, rss, hwm = server.stop()
        l1 = load1()
        rows_post.append(
            f"| {n} | {r['sessions']} | {r['sessions_per_s']} | {r['calls_per_s']} | {r['p50_ms']} / {r['p99_ms']} | "
            f"{r['authenticate_p99_ms']} | {r['sendRequestXML_p50_ms']} / {r['sendRequestXML_p99_ms']} | "
            f"{r['receiveResponseXML_p50_ms']} / {r['receiveResponseXML_p99_ms']} | {r['failures']} | "
            f"{100 * cpu / span:.0f} % ({cpu:.1f} s; driver {r['driver_cpu_s']} s) | {hwm:.0f} MB | "
            f"{size0:.0f}→{db_mb(folder):.0f} MB | {l0:.1f}→{l1:.1f} |")
        log(rows_post[-1])
    print("Set-up (clone_companies.py, SQL fast path):\n")
    print("| companies | copy time | database |\n|---|---|---|")
    print("\n".join(rows_setup))
    print("\nPoll (each sign-in a different company with nothing to post; fresh daemon per row):\n")
    print("| companies | offered/s | sign-ins | done/s | keeps up | authenticate p50 ms | p99 ms | session p99 ms (with busy waits) | "
          "busy answers | failures | server CPU | RSS idle / peak | database | load 1 min |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows_poll))
    if rows_cached:
        print("\nPoll with the password cache warm (the same companies again within ten minutes; one daemon for "
              "all rows of an N):\n")
        print("| companies | offered/s | sign-ins | done/s | keeps up | authenticate p50 ms | p99 ms | start late p99 ms | "
              "failures | server CPU | RSS peak | load 1 min |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        print("\n".join(rows_cached))
    print(f"\nPost ({a.post_workers} Web Connectors at once, each posting one company's 6 documents):\n")
    print("| companies | sessions | sessions/s | calls/s | all calls p50 / p99 ms | authenticate p99 ms | "
          "sendRequestXML p50 / p99 ms | receiveResponseXML (commits) p50 / p99 ms | failures | server CPU | RSS peak | "
          "database | load 1 min |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows_post))
    print(f"\nMachine: {os.cpu_count()} cores, Linux {os.uname().release}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average at the end: "
          f"{' '.join(open('/proc/loadavg').read().split()[:3])}. Work folder: {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
