#!/usr/bin/python3
"""Load driver for full Web Connector sessions (issue 3 benchmark, part b).

Each connection is one worker process (no GIL between them) with its own keep-alive HTTP/1.1 connection and
its own simulated QuickBooks company (tools/quickbooks_sim, in memory), playing the Web Connector's sequence:
authenticate, sendRequestXML (the first one carries the HostQuery/CompanyQuery/PreferencesQuery answer),
receiveResponseXML with QuickBooks' answer to each request, until 100 % or an empty request, then
closeConnection. A worker runs sessions until authenticate answers "none" (nothing left to post) or
--sessions sessions were run. Only the HTTP round trips are timed; the simulated QuickBooks' own time is
not counted in the latency (it stands for QuickBooks) but its CPU is reported with the driver's.

Prints one line:
RESULT calls=N sessions=S wall_s=W calls_per_s=R sessions_per_s=Q p50_ms=A p99_ms=B auth_p50_ms=.. auth_p99_ms=..
       other_p50_ms=.. other_p99_ms=.. driver_cpu_s=C failures=F
(auth_*: the authenticate calls alone; other_*: every other call.)
"""
import argparse
import http.client
import multiprocessing
import os
import re
import resource
import sys
import time
import urllib.parse
from html import unescape
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from quickbooks_sim import Company  # noqa: E402

ENVELOPE = ('<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
            'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
            '<soap:Body><{op} xmlns="http://developer.intuit.com/">{args}</{op}></soap:Body></soap:Envelope>')
USER_AGENT = "Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 2.0.50727.1433)"
STRING_RE = re.compile(r"<(?:\w+:)?string>(.*?)</(?:\w+:)?string>|<(?:\w+:)?string\s*/>", re.S)


class Client:
    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        self.path = parts.path or "/"
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.latencies = []

    def call(self, op, **args):
        body = ENVELOPE.format(op=op, args="".join(f"<{k}>{escape(str(v))}</{k}>" if v != "" else f"<{k} />" for k, v in args.items()))
        headers = {"User-Agent": USER_AGENT, "Content-Type": "text/xml; charset=utf-8",
                   "SOAPAction": f'"http://developer.intuit.com/{op}"', "Connection": "Keep-Alive"}
        start = time.perf_counter()
        self.conn.request("POST", self.path, body.encode("utf-8"), headers)
        response = self.conn.getresponse()
        data = response.read()
        self.latencies.append((time.perf_counter() - start, op == "authenticate"))
        if response.status != 200:
            raise RuntimeError(f"{op}: HTTP {response.status}: {data[:200]!r}")
        return data.decode("utf-8")


def result_of(op, text):
    m = re.search(rf"<(?:\w+:)?{op}Result>(.*?)</(?:\w+:)?{op}Result>|<(?:\w+:)?{op}Result\s*/>", text, re.S)
    if not m:
        raise RuntimeError(f"{op}: no {op}Result in {text[:300]!r}")
    return m.group(1) or ""


def unwrap(result):
    """quickbooks-js wraps a string result in <string> (not what the WSDL says); Settlebridge does not."""
    m = re.fullmatch(r"\s*<string>(.*)</string>\s*|\s*<string\s*/>\s*", result, re.S)
    return (m.group(1) or "") if m else result


def one_session(client, company, user, password):
    """Returns False when authenticate says there is nothing to do."""
    auth = result_of("authenticate", client.call("authenticate", strUserName=user, strPassword=password))
    values = [unescape(m.group(1) or "") for m in STRING_RE.finditer(auth)]
    ticket, answer = values[0], values[1] if len(values) > 1 else ""
    if answer in ("none", "NONE", "nvu", "busy"):
        if answer in ("nvu", "busy"):
            raise RuntimeError(f"authenticate answered {answer!r}")
        return False
    hcp = company.hcp_response()
    file_name = answer or "C:\\Bench\\Company.QBW"
    while True:
        request = unescape(unwrap(result_of("sendRequestXML", client.call(
            "sendRequestXML", ticket=ticket, strHCPResponse=hcp, strCompanyFileName=file_name,
            qbXMLCountry="US", qbXMLMajorVers="13", qbXMLMinorVers="0"))))
        hcp = ""
        if request in ("", "NoOp"):
            break
        result = company.process(request)
        if result.response is not None:
            args = {"ticket": ticket, "response": result.response, "hresult": "", "message": ""}
        else:
            print(f"session_driver: QuickBooks (simulated) refused a request: {result.hresult} {result.message}: {request[:200]!r}", file=sys.stderr)
            args = {"ticket": ticket, "response": "", "hresult": result.hresult, "message": result.message}
        percent = int(re.sub(r"</?(?:\w+:)?int>", "", result_of("receiveResponseXML", client.call("receiveResponseXML", **args))))
        if percent < 0:
            client.call("getLastError", ticket=ticket)
            raise RuntimeError("receiveResponseXML answered a negative percentage")
        if percent >= 100:
            break
    client.call("closeConnection", ticket=ticket)
    return True


def worker(args):
    url, user, password, max_sessions, start_at = args
    company = Company.new(None, name=f"Bench {user}")
    client = Client(url)
    while time.time() < start_at:
        time.sleep(0.001)
    sessions, failures = 0, 0
    t0 = time.perf_counter()
    while max_sessions == 0 or sessions < max_sessions:
        try:
            if not one_session(client, company, user, password):
                break
            sessions += 1
        except Exception as exc:  # counted and reported; the run goes on with a new connection
            print(f"session_driver: {user}: {exc}", file=sys.stderr)
            failures += 1
            client.conn.close()
            if failures > 3:
                break
    t1 = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return client.latencies, sessions, failures, t0, t1, usage.ru_utime + usage.ru_stime


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", required=True, help="SOAP endpoint, e.g. http://127.0.0.1:8080/qbwc")
    p.add_argument("--connections", type=int, required=True)
    p.add_argument("--user", action="append", required=True,
                   help="Web Connector user; repeat, or one ending in {i} (formatted with the worker number)")
    p.add_argument("--password", required=True)
    p.add_argument("--sessions", type=int, default=0, help="sessions per connection (0 = until 'none')")
    a = p.parse_args()
    users = [(a.user[i] if len(a.user) > 1 else a.user[0]).format(i=i) for i in range(a.connections)]
    start_at = time.time() + 0.5 + 0.02 * a.connections
    with multiprocessing.Pool(a.connections) as pool:
        results = pool.map(worker, [(a.url, u, a.password, a.sessions, start_at) for u in users], chunksize=1)
    latencies = sorted(x for r in results for x, _ in r[0])
    auth = sorted(x for r in results for x, is_auth in r[0] if is_auth)
    rest = sorted(x for r in results for x, is_auth in r[0] if not is_auth)
    sessions = sum(r[1] for r in results)
    failures = sum(r[2] for r in results)
    wall = max(r[4] for r in results) - min(r[3] for r in results)
    cpu = sum(r[5] for r in results)

    def pct(q, values=latencies):
        return values[min(len(values) - 1, int(q / 100 * len(values)))] * 1000 if values else 0.0
    print(f"RESULT calls={len(latencies)} sessions={sessions} wall_s={wall:.3f} "
          f"calls_per_s={len(latencies) / wall if wall else 0:.1f} sessions_per_s={sessions / wall if wall else 0:.1f} "
          f"p50_ms={pct(50):.3f} p99_ms={pct(99):.3f} auth_p50_ms={pct(50, auth):.1f} auth_p99_ms={pct(99, auth):.1f} "
          f"other_p50_ms={pct(50, rest):.3f} other_p99_ms={pct(99, rest):.3f} driver_cpu_s={cpu:.2f} failures={failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
