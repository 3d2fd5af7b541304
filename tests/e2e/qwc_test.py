#!/usr/bin/python3
"""`settlebridge qwc`: a well-formed .qwc file with every element the Web Connector needs, stable per company;
plain http refused except for localhost; and the file works: the Web Connector emulator loads it (--qwc: URL, user,
OwnerID/FileID stored in the company file as QBWC does), posts, and a company file stamped with another FileID for
this OwnerID is refused.

Run: SETTLEBRIDGE_BIN=build/daemon/app/settlebridge /usr/bin/python3 tests/e2e/qwc_test.py   (ctest: e2e.qwc_test)
"""
import json
import os
import re
import subprocess
import sys
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

from lxml import etree  # noqa: E402

PASSWORD = "qwc-file-password"
NAME = "Acme & Sons"  # an ampersand: escaped in the .qwc and in SOAP
OTHER = "Other Books"
REPORT = next(p for p in h.FIXTURES if "90000000016" in p)
GUID = re.compile(r"^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$")
EMULATE = os.path.join(h.SOURCE_DIR, "tools", "qbwc_emulator", "emulate.py")


class QwcTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        h.require_binary()
        cls.ws = h.Workspace()
        cls.data = cls.ws.mkdir("data")
        h.add_company(cls.data, NAME, PASSWORD, mode="live")
        h.add_company(cls.data, OTHER, PASSWORD, mode="live")

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def qwc(self, company, url, expect=0):
        return h.check_cli("qwc", "--company", company, "--url", url, data_dir=self.data, expect=expect)

    def parse(self, text):
        root = etree.fromstring(text.encode("utf-8"))
        self.assertEqual(root.tag, "QBWCXML")
        return root

    def test_qwc_has_every_element_and_is_stable(self):
        url = "https://host.example.com:8443/qbwc"
        first = self.qwc(NAME, url).stdout
        second = self.qwc(NAME, url).stdout
        self.assertEqual(first, second, "two runs must give the same file")
        root = self.parse(first)
        for tag in ("AppName", "AppID", "AppURL", "AppDescription", "AppSupport", "UserName", "OwnerID", "FileID",
                    "QBType", "Scheduler", "IsReadOnly"):
            self.assertIsNotNone(root.find(tag), f"missing <{tag}>")
        self.assertTrue(root.findtext("AppName").strip())
        self.assertTrue(root.findtext("AppDescription").strip())
        self.assertEqual(root.findtext("AppURL"), url)
        self.assertTrue(root.findtext("AppSupport").startswith("https://host.example.com"), root.findtext("AppSupport"))
        self.assertEqual(root.findtext("UserName"), NAME)
        self.assertRegex(root.findtext("OwnerID"), GUID)
        self.assertRegex(root.findtext("FileID"), GUID)
        self.assertEqual(root.findtext("QBType"), "QBFS")
        minutes = root.findtext("Scheduler/RunEveryNMinutes")
        self.assertTrue(minutes and minutes.isdigit() and int(minutes) >= 1, minutes)
        self.assertEqual(root.findtext("IsReadOnly"), "false")
        self.assertIn("&amp;", first)

        # --out writes the same file; another company gets its own FileID.
        out = self.ws.path("acme.qwc")
        h.check_cli("qwc", "--company", NAME, "--url", url, "--out", out, data_dir=self.data)
        with open(out, encoding="utf-8") as f:
            self.assertEqual(self.parse(f.read()).findtext("FileID"), root.findtext("FileID"))
        other = self.parse(self.qwc(OTHER, url).stdout)
        self.assertNotEqual(other.findtext("FileID"), root.findtext("FileID"))
        self.assertEqual(other.findtext("UserName"), OTHER)

    def test_plain_http_only_for_localhost(self):
        for url in ("http://example.com/qbwc", "http://192.0.2.10:8080/qbwc", "ftp://example.com/qbwc", "not a url"):
            with self.subTest(url=url):
                proc = self.qwc(NAME, url, expect=2)
                self.assertEqual(proc.stdout, "")
                self.assertTrue(proc.stderr.strip())
        self.assertEqual(self.parse(self.qwc(NAME, "http://localhost:8080/qbwc").stdout).findtext("AppURL"),
                         "http://localhost:8080/qbwc")
        proc = self.qwc("no such company", "http://localhost:8080/qbwc", expect=2)
        self.assertIn("no such company", proc.stderr)

    def test_emulator_loads_the_qwc_and_posts(self):
        h.import_file(self.data, NAME, REPORT)
        qb = h.new_qb_company(self.ws.path("acme.json"))
        with h.Daemon(self.data) as daemon:
            qwc_file = self.ws.path("local.qwc")
            h.check_cli("qwc", "--company", NAME, "--url", f"http://localhost:{daemon.port}/qbwc", "--out", qwc_file,
                        data_dir=self.data)
            with open(qwc_file, encoding="utf-8") as f:
                root = self.parse(f.read())
            report = self.ws.path("report.json")
            proc = subprocess.run(["/usr/bin/python3", EMULATE, "--qwc", qwc_file, "--password-env", "QWC_PASSWORD",
                                   "--company-state", qb, "--wsdl", h.WSDL, "--json-report", report, "--quiet"],
                                  env={**os.environ, "QWC_PASSWORD": PASSWORD}, capture_output=True, text=True,
                                  timeout=120)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            with open(report, encoding="utf-8") as f:
                session = json.load(f)
            self.assertEqual(session["user"], NAME)
            self.assertGreater(len(session["posted"]), 0)
            # QBWC stamped the company file with the .qwc's FileID under its OwnerID.
            company = h.load_qb(qb)
            stamps = [e for e in company.state["company"]["data_ext"]
                      if e["name"] == "FileID" and e["owner_id"].lower() == root.findtext("OwnerID").lower()]
            self.assertEqual([e["value"].lower() for e in stamps], [root.findtext("FileID").lower()])
            problems = h.ledger_problems(qb, [REPORT], self.data, NAME)
            self.assertEqual(problems, [], "\n".join(problems))

    def test_company_file_set_up_for_another_fileid_is_refused(self):
        h.import_file(self.data, OTHER, REPORT)
        root = self.parse(self.qwc(OTHER, "http://localhost:8080/qbwc").stdout)
        qb = h.new_qb_company(self.ws.path("other.json"))
        with h.open_locked(qb) as company:  # this company file was added to the Web Connector for another FileID
            company.set_data_ext(root.findtext("OwnerID"), "FileID", "{" + str(uuid.uuid4()).upper() + "}")
        with h.Daemon(self.data) as daemon:
            refused = h.run_session(daemon.url, OTHER, PASSWORD, qb, owner_id=root.findtext("OwnerID"),
                                    file_id=root.findtext("FileID"))
            self.assertEqual(refused.report["requests"], [], refused)
            self.assertIn("another company file", refused.report["last_error"] or "", refused)
            self.assertEqual(h.load_qb(qb).documents(), [])
            self.assertEqual({d["state"] for d in h.documents(self.data, OTHER)}, {"queued"})


if __name__ == "__main__":
    unittest.main(verbosity=2)
