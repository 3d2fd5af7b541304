#!/usr/bin/python3
"""Issue 16's attacks, short version (ctest: security.endpoint_attacks_test): each finding reproduced against the
real daemon on loopback and shown fixed. Loopback only (127.0.0.0/8), every attack bounded in count and time; the
long version with its figures is tests/security/soak.py (docs/SECURITY.md).

Run: SETTLEBRIDGE_BIN=build/daemon/app/settlebridge /usr/bin/python3 tests/security/endpoint_attacks_test.py
"""
import os
import sqlite3
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attacks as a  # noqa: E402

h = a.h
PASSWORD = "correct horse 42"
NAME = "Acme Books"
FRESH = "Fresh Books"  # never signed in before test_1_first_sign_in_during_a_many_address_flood


class EndpointAttacks:
    """The attacks; run once per engine (the subclasses at the end)."""

    ENGINE = None
    # Limits only the event loop has (docs/SECURITY.md, "The engines").
    EVENT_LOOP_ONLY = "the thread-per-connection engine has no slow-client, per-address or buffered-bytes limits"

    @classmethod
    def setUpClass(cls):
        h.require_binary()
        cls.ws = h.Workspace(prefix="sb-security-")
        cls.data = cls.ws.path("data")
        h.add_company(cls.data, NAME, PASSWORD)
        for path in h.SAMPLES[:1]:
            h.import_file(cls.data, NAME, path)
        h.add_company(cls.data, FRESH, PASSWORD)
        h.import_file(cls.data, FRESH, h.SAMPLES[1])
        cls.daemon = cls.ws.track(h.Daemon(cls.data, extra=["--engine", cls.ENGINE]))
        cls.port = cls.daemon.port

    def event_loop_only(self):
        if self.ENGINE != "event-loop":
            self.skipTest(self.EVENT_LOOP_ONLY)

    @classmethod
    def tearDownClass(cls):
        try:
            cls.daemon.stop()
        finally:
            cls.ws.cleanup()

    def alive(self):
        status, text, _ = a.soap_post(self.port, "clientVersion", a.client_version_envelope(), timeout=10)
        self.assertEqual(status, 200, text)

    def events_bytes(self):
        db = sqlite3.connect(os.path.join(self.data, "settlebridge.db"), timeout=30)
        try:
            return db.execute("SELECT COALESCE(SUM(LENGTH(message)), 0), COUNT(*) FROM event_log").fetchone()
        finally:
            db.close()

    # -- finding 8: cross-site and smuggled requests ----------------------------------------------------------

    def test_8_qbwc_needs_the_soap_content_type_and_soapaction(self):
        body = a.authenticate_envelope(NAME, "x").encode()
        head = f"POST /qbwc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
        answer, _ = a.raw_exchange(self.port, (head + "Content-Type: text/plain\r\n"
                                               f'SOAPAction: "{a.QBWC_NS}authenticate"\r\n\r\n').encode() + body)
        self.assertTrue(answer.startswith(b"HTTP/1.1 415 "), answer[:200])
        answer, _ = a.raw_exchange(self.port, (head + "Content-Type: text/xml; charset=utf-8\r\n\r\n").encode() + body)
        self.assertTrue(answer.startswith(b"HTTP/1.1 400 "), answer[:200])
        self.alive()

    def test_8_ambiguous_framing_is_refused_and_closed(self):
        smuggled = b"GET /qbwc?wsdl HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        cases = {
            "Content-Length and chunked": b"POST /api/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n"
                                          b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled,
            "two Content-Length": b"POST /api/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
                                  b"Content-Length: 47\r\n\r\n" + smuggled,
            "space before the colon": b"POST /api/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n"
                                      b"Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n" + smuggled,
            "chunked, then something": b"POST /api/x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                       b"Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n" + smuggled,
        }
        for name, request in cases.items():
            with self.subTest(name):
                answer, closed = a.raw_exchange(self.port, request)
                self.assertRegex(answer[:20], rb"^HTTP/1\.1 (400|501) ", answer[:300])
                self.assertEqual(answer.count(b"HTTP/1.1 "), 1, f"a second (smuggled) request was answered: {answer!r}")
                self.assertTrue(closed, "the connection stays open after an ambiguous request")
        self.alive()

    # -- finding 9: smaller ---------------------------------------------------------------------------------------

    def test_9_data_files_are_private_and_callback_pages_carry_the_security_headers(self):
        # Files the program made (the database, its WAL and shared memory, the key file) are 0600 in a 0700 folder,
        # whatever the umask of whoever ran it (this test's is usually 022).
        self.assertEqual(os.stat(self.data).st_mode & 0o777, 0o700)
        made = [n for n in os.listdir(self.data) if n.startswith(("settlebridge.db", "secrets.key"))]
        self.assertIn("settlebridge.db", made)
        for name in made:
            with self.subTest(name):
                self.assertEqual(os.stat(os.path.join(self.data, name)).st_mode & 0o077, 0, name)
        # The OAuth callback pages (reached by anyone Amazon redirects there) are as locked down as the admin page.
        for path in ("/oauth/amazon/callback?state=forged&code=x", "/oauth/amazon-ads/callback?state=forged&code=x"):
            with self.subTest(path):
                conn = a.connect(self.port)
                try:
                    conn.request("GET", path)
                    response = conn.getresponse()
                    page = response.read()
                finally:
                    conn.close()
                self.assertEqual(response.status, 400, page[:300])
                self.assertIn("default-src 'none'", response.getheader("Content-Security-Policy", ""))
                self.assertEqual(response.getheader("X-Frame-Options"), "DENY")
                self.assertEqual(response.getheader("X-Content-Type-Options"), "nosniff")
                self.assertEqual(response.getheader("Referrer-Policy"), "no-referrer")
                self.assertNotIn(b"<script", page)

    def test_9_tickets_are_stored_as_their_hash(self):
        # (Runs after test_1, whose sessions left their rows.)
        db = sqlite3.connect(os.path.join(self.data, "settlebridge.db"), timeout=30)
        try:
            tickets = [row[0] for row in db.execute("SELECT ticket FROM wc_sessions")]
        finally:
            db.close()
        if not tickets:
            self.skipTest("no Web Connector session ran in this daemon (test_1 runs them)")
        for ticket in tickets:
            self.assertRegex(ticket, r"^[0-9a-f]{64}$", "a ticket stored as is")

    # -- finding 2: slow clients ---------------------------------------------------------------------------------

    def test_2_slow_clients_hold_no_slots(self):
        self.event_loop_only()
        sources = [a.loopback(500 + i) for i in range(20)]
        load = a.Load(20, a.slow_clients(self.port, sources, interval=2.0, per_thread=25), deadline_s=60)
        try:
            time.sleep(3.0)
            self.assertGreaterEqual(load.counts.get("opened", 0), 450, load.counts)
            answered = 0
            for _ in range(30):
                status, _, seconds = a.soap_post(self.port, "clientVersion", a.client_version_envelope(), timeout=10)
                answered += status == 200 and seconds < 2.0
            self.assertEqual(answered, 30)
            # A byte every 2 s does not keep a request head open past the head deadline (10 s).
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and load.counts.get("closed by server", 0) < 450:
                time.sleep(0.5)
            self.assertGreaterEqual(load.counts.get("closed by server", 0), 450, load.counts)
        finally:
            load.stop()
        # One address gets at most 128 connections at once.
        socks = []
        try:
            for _ in range(160):
                socks.append(a.socket.create_connection(("127.0.0.1", self.port), timeout=5,
                                                        source_address=(a.loopback(600), 0)))
            time.sleep(0.5)
            closed = 0
            for s in socks:
                s.setblocking(False)
                try:
                    closed += s.recv(1) == b""
                except BlockingIOError:
                    pass
                except OSError:
                    closed += 1
            self.assertGreaterEqual(closed, 32)
        finally:
            for s in socks:
                s.close()
        self.alive()

    # -- finding 3: parser cost ---------------------------------------------------------------------------------

    def test_3_many_attributes_and_namespaces_are_refused_before_the_parser(self):
        attrs = " ".join(f'a{i}="1"' for i in range(50_000))
        body = a.envelope("clientVersion", f"<strVersion {attrs}>2.3</strVersion>")
        status, text, seconds = a.soap_post(self.port, "clientVersion", body)
        self.assertEqual(status, 500, text[:300])
        self.assertIn("attributes", text)
        self.assertLess(seconds, 2.0, "the 50,000-attribute element took gSOAP's quadratic path")
        nss = " ".join(f'xmlns:n{i}="urn:x{i}"' for i in range(5000))
        status, text, seconds = a.soap_post(self.port, "clientVersion",
                                            a.envelope("clientVersion", f"<strVersion {nss}>2.3</strVersion>"))
        self.assertEqual(status, 500, text[:300])
        self.assertIn("namespaces", text)
        # Only receiveResponseXML may be large: an 869 KB authenticate is refused by its operation's limit.
        status, text, seconds = a.soap_post(self.port, "authenticate", a.authenticate_envelope("x" * 890_000, "y"))
        self.assertEqual(status, 500, text[:300])
        self.assertIn("authenticate request is larger", text)
        self.assertLess(seconds, 2.0)
        self.alive()

    # -- findings 4 and 5: memory and disk ----------------------------------------------------------------------

    def test_4_large_bodies_are_refused_while_reading_and_memory_stays_bounded(self):
        self.event_loop_only()
        pid = self.daemon.pid
        before = a.rss_kb(pid)
        results = []
        threads = []
        for i in range(5):
            for chunked in (False, True):
                t = threading.Thread(target=lambda i=i, c=chunked: results.append(
                    a.big_body(self.port, 60 * 1024 * 1024, c, a.loopback(100 + i))))
                t.start()
                threads.append(t)
        for t in threads:
            t.join(120)
        self.assertEqual(len(results), 10, results)
        for r in results:
            self.assertRegex(r, r"HTTP/1\.1 (413|503) |closed after|error", results)
        peak = a.rss_kb(pid, "VmHWM")
        self.assertLess(peak, 150 * 1024, f"peak RSS {peak} kB (was {before} kB before)")
        # The bodies' memory goes back to the system once they are refused (large blocks are not kept in malloc's
        # arenas: daemon/app/daemon.cpp), so floods of them cannot ratchet the process up.
        after = a.rss_kb(pid)
        self.assertLess(after - before, 8 * 1024, f"RSS {before} kB before the bodies, {after} kB after")
        # Any route takes only its own limit: the admin API 1 MiB, refused at once from the Content-Length.
        self.assertTrue(a.big_body(self.port, 5 * 1024 * 1024, False, "127.0.0.1", path="/api/login")
                        .startswith("HTTP/1.1 413 "))
        self.alive()

    def test_4_5_huge_tickets_and_user_names_cost_neither_memory_nor_disk(self):
        pid = self.daemon.pid
        events_before = self.events_bytes()
        ticket = "t" * (900 * 1024)
        for i in range(20):
            status, text, _ = a.soap_post(self.port, "getLastError",
                                          a.envelope("getLastError", f"<ticket>{ticket}{i}</ticket>"))
            self.assertEqual(status, 500, text[:200])  # larger than getLastError's limit: refused before parsing
            status, text, _ = a.soap_post(self.port, "sendRequestXML",
                                          a.envelope("sendRequestXML", f"<ticket>{ticket[:200_000]}{i}</ticket>"
                                                     "<strHCPResponse/><strCompanyFileName/><qbXMLCountry>US"
                                                     "</qbXMLCountry><qbXMLMajorVers>13</qbXMLMajorVers>"
                                                     "<qbXMLMinorVers>0</qbXMLMinorVers>"))
            self.assertEqual(status, 200, text[:200])
            status, text, _ = a.soap_post(self.port, "getLastError",
                                          a.envelope("getLastError", f"<ticket>{ticket[:60_000]}{i}</ticket>"))
            self.assertEqual(status, 200, text[:200])
            self.assertLess(len(text), 2000, "a ticket longer than any real one is not echoed back")
        for i in range(5):
            status, text, _ = a.soap_post(self.port, "authenticate",
                                          a.authenticate_envelope("u" * 60_000 + str(i), "p"), source=a.loopback(200))
            self.assertIn(">nvu<", text)
        grown = self.events_bytes()[0] - events_before[0]
        self.assertLess(grown, 20_000, f"the event log grew by {grown} bytes for 5 sign-ins")
        self.assertLess(a.rss_kb(pid, "VmHWM"), 150 * 1024)
        self.alive()

    # -- finding 1: password checks ------------------------------------------------------------------------------

    def test_1_bad_authenticates_neither_starve_nor_lock_out_the_web_connector(self):
        qb = h.new_qb_company(self.ws.path("acme-qb.json"))
        for label, sources in (("one address", [a.loopback(300)]), ("many addresses", [a.loopback(400 + i) for i in range(60)])):
            with self.subTest(label):
                port = self.port
                load = a.ProcessLoad(lambda: a.Load(60, a.bad_authenticates(port, NAME, sources), deadline_s=90),
                                     deadline_s=90)
                try:
                    time.sleep(2.0)  # the attack is in full swing
                    latencies = []
                    for _ in range(20):
                        _, _, seconds = a.soap_post(self.port, "clientVersion", a.client_version_envelope())
                        latencies.append(seconds)
                    result, seconds, busy = a.legit_session(self.daemon, NAME, PASSWORD, qb)
                    auth = next((c for c in result.report["calls"] if c["operation"] == "authenticate"), None)
                finally:
                    load.stop()
                self.assertIn(result.code, (h.EXIT_OK,), f"{result}\n{result.transcript}")
                self.assertIsNotNone(auth, f"the session ended before its authenticate: {result.transcript}")
                self.assertLessEqual(busy, 3)
                self.assertLess(auth["ms"] / 1000.0, 10.0, result)
                self.assertLess(max(latencies), 1.0, latencies)
                self.assertGreater(sum(load.counts.values()), 60, load.counts)
        self.assertEqual(h.ledger_problems(qb, h.SAMPLES[:1], self.data, NAME), [])

    def test_1_first_sign_in_during_a_many_address_flood(self):
        # A fresh install: nobody has signed in as FRESH yet, so no address owns the name. 60 addresses guess its
        # password; the name's rate limit paces their checks (the slow lane), and a Web Connector that never failed
        # gets the clean lane (one check a second): its first sign-in succeeds, and nothing answers it "nvu".
        qb = h.new_qb_company(self.ws.path("fresh-qb.json"))
        port = self.port
        sources = [a.loopback(500 + i) for i in range(60)]
        load = a.ProcessLoad(lambda: a.Load(60, a.bad_authenticates(port, FRESH, sources), deadline_s=60),
                             deadline_s=60)
        try:
            time.sleep(5.0)  # the name is rate-limited by now (20 failures within the first seconds)
            result, seconds, busy = a.legit_session(self.daemon, FRESH, PASSWORD, qb)
            auth = next((c for c in result.report["calls"] if c["operation"] == "authenticate"), None)
        finally:
            load.stop()
        self.assertEqual(result.code, h.EXIT_OK, f"{result}\n{result.transcript}")
        self.assertIsNotNone(auth)
        self.assertLessEqual(busy, 3)
        self.assertLess(seconds, 10.0, f"{busy} busy answers first")
        # The flood was on, and was refused unchecked as "busy", not "nvu"; only checked guesses got "nvu".
        self.assertGreater(load.counts.get("busy", 0), 100, load.counts)
        self.assertGreaterEqual(load.counts.get("nvu", 0), 20, load.counts)  # the name's limit was reached
        self.assertLess(load.counts.get("nvu", 0), 60, load.counts)
        self.assertEqual(h.ledger_problems(qb, h.SAMPLES[1:2], self.data, FRESH), [])


class EventLoop(EndpointAttacks, unittest.TestCase):
    ENGINE = "event-loop"


class ThreadPerConnection(EndpointAttacks, unittest.TestCase):
    ENGINE = "thread-per-connection"


if __name__ == "__main__":
    unittest.main(verbosity=2)
