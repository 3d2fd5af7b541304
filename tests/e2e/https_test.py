#!/usr/bin/python3
"""HTTPS: a self-signed certificate for localhost made with the openssl CLI, `serve --cert --key`, a Web Connector
session over TLS (the certificate trusted through --cafile) that posts the documents; plain http to the same port
fails, an untrusted certificate is refused by the client, and bad certificate options are refused by `serve`.

Run: SETTLEBRIDGE_BIN=build/daemon/app/settlebridge /usr/bin/python3 tests/e2e/https_test.py   (ctest: e2e.https_test)
"""
import http.client
import os
import shutil
import signal
import ssl
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

PASSWORD = "tls-all-the-way"
REPORT = next(p for p in h.FIXTURES if "90000000015" in p)


def make_certificate(directory):
    """A self-signed certificate for localhost / 127.0.0.1 and its unencrypted key (PEM)."""
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


@unittest.skipIf(shutil.which("openssl") is None, "the openssl command is not installed")
class HttpsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        h.require_binary()
        cls.ws = h.Workspace()
        cls.cert, cls.key = make_certificate(cls.ws.mkdir("tls"))

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def test_session_over_tls_posts_and_plain_http_fails(self):
        data = self.ws.mkdir("data")
        h.add_company(data, "secure", PASSWORD, mode="live")
        h.import_file(data, "secure", REPORT)
        qb = h.new_qb_company(self.ws.path("secure.json"))
        with h.Daemon(data, extra=["--cert", self.cert, "--key", self.key]) as daemon:
            self.assertTrue(daemon.base_url.startswith("https://"), daemon.base_url)
            # Plain http to the TLS port: no HTTP answer.
            plain_url = "http://" + daemon.base_url.split("://", 1)[1] + "/qbwc"
            plain = h.run_session(plain_url, "secure", PASSWORD, qb, timeout=10)
            self.assertEqual(plain.code, h.EXIT_TRANSPORT, plain)
            conn = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=10)
            with self.assertRaises((ConnectionError, http.client.HTTPException, OSError)):
                conn.request("GET", "/qbwc?wsdl")
                resp = conn.getresponse()
                raise AssertionError(f"plain http answered {resp.status}")  # not an OSError: fails the test
            conn.close()
            # Not trusted without the certificate: the client refuses the TLS handshake.
            untrusted = h.run_session(daemon.url, "secure", PASSWORD, qb, timeout=10)
            self.assertEqual(untrusted.code, h.EXIT_TRANSPORT, untrusted)
            self.assertEqual(h.load_qb(qb).documents(), [])

            # The WSDL and a full session over TLS.
            context = ssl.create_default_context(cafile=self.cert)
            conn = http.client.HTTPSConnection("127.0.0.1", daemon.port, context=context, timeout=10)
            conn.request("GET", "/qbwc?wsdl")
            resp = conn.getresponse()
            self.assertEqual(resp.status, 200)
            self.assertIn(b"definitions", resp.read())
            self.assertEqual(conn.sock.version()[:3], "TLS")
            conn.close()
            results = h.run_until_done(daemon.url, "secure", PASSWORD, qb, cafile=self.cert)
            self.assertGreater(len(results[0].posted()), 0, results[0])
            self.assertTrue(all(c["http_status"] == 200 for c in results[0].report["calls"]), results[0])
            problems = h.ledger_problems(qb, [REPORT], data, "secure")
            self.assertEqual(problems, [], "\n".join(problems))
            daemon.stop(signal_number=signal.SIGINT)  # Ctrl-C stops it cleanly too

    def test_tls_offers_forward_secret_aead_suites_only_and_sends_hsts(self):
        # Issue 16, finding 9: TLS 1.2 offered non-forward-secret RSA and CBC-SHA1 suites, and no HSTS was sent.
        data = self.ws.mkdir("policy")
        with h.Daemon(data, extra=["--cert", self.cert, "--key", self.key]) as daemon:
            def handshake(ciphers):
                context = ssl.create_default_context(cafile=self.cert)
                context.maximum_version = ssl.TLSVersion.TLSv1_2
                context.set_ciphers(ciphers)
                conn = http.client.HTTPSConnection("127.0.0.1", daemon.port, context=context, timeout=10)
                try:
                    conn.request("GET", "/qbwc?wsdl")
                    resp = conn.getresponse()
                    resp.read()
                    return conn.sock.cipher()[0], resp.getheader("Strict-Transport-Security")
                finally:
                    conn.close()
            for refused in ("AES128-SHA:AES256-SHA", "AES128-GCM-SHA256:AES256-GCM-SHA384",
                            "ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA", "ECDHE-RSA-AES128-SHA256"):
                with self.subTest(refused=refused):
                    with self.assertRaises(ssl.SSLError):
                        handshake(refused)
            for accepted in ("ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384",
                             "ECDHE-RSA-CHACHA20-POLY1305"):
                with self.subTest(accepted=accepted):
                    cipher, hsts = handshake(accepted)
                    self.assertEqual(cipher, accepted)
                    self.assertEqual(hsts, "max-age=31536000")

    def test_bad_certificate_options_are_refused(self):
        data = self.ws.mkdir("bad")
        ready = self.ws.path("bad", "ready.url")
        garbage = self.ws.path("bad", "garbage.pem")
        with open(garbage, "w", encoding="utf-8") as f:
            f.write("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
        cases = [
            ["--cert", self.cert],                                      # a certificate without its key
            ["--key", self.key],
            ["--cert", self.ws.path("missing.pem"), "--key", self.key],
            ["--cert", garbage, "--key", self.key],
            ["--cert", self.key, "--key", self.cert],                   # swapped
        ]
        for extra in cases:
            with self.subTest(extra=extra):
                proc = subprocess.run([h.BIN, "serve", "--port", "0", "--ready-file", ready, "--data-dir", data,
                                       *extra], capture_output=True, text=True, timeout=30)
                self.assertIn(proc.returncode, (2, 3), proc)
                self.assertTrue(proc.stderr.strip(), proc)
                self.assertFalse(os.path.exists(ready), "a server that did not start wrote its ready file")


if __name__ == "__main__":
    unittest.main(verbosity=2)
