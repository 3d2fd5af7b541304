#!/usr/bin/python3
"""Simulated Amazon Ads API and Walmart Connect for Settlebridge's tests and demo (Python standard library only).

Amazon Ads (v3 async reporting, as Amazon's OfflineReport model describes it):
  GET  /ap/oa                          consent: redirects to redirect_uri?code=..&scope=..&state=..
  POST /auth/o2/token                  LWA: refresh_token and authorization_code grants
  GET  /v2/profiles                    the profiles (default: profiles.json beside this file, made for the project)
  POST /reporting/reports              v3 async report (PENDING); 425 "duplicate of : <id>" for an identical pending one
  GET  /reporting/reports/<id>         PENDING -> PROCESSING -> COMPLETED (url) or FAILED
  GET  /_files/<id>.json.gz            the "presigned" download: gzip JSON; refuses an Authorization header (as S3 does)
  POST /sb/v4/ads/list                 Sponsored Brands ads with creative.asins
Walmart Connect (Sponsored Search snapshot reports v2):
  POST /api/v2/snapshot/report         {advertiserId, reportType, reportMetrics, startDate/endDate}
  GET  /api/v2/snapshot                ?advertiserId=&snapshotId=  -> jobStatus, details (file URL)
  GET  /_walmart/<id>.csv.gz           gzip CSV, header = the requested metrics
Control:
  GET  /_control                       counts per operation, recorded requests, reports
  POST /_control                       {"fail_next": [{"operation": "createReport", "status": 429, "retry_after": 1}],
                                        "revoke_refresh_token": "Atzr|..", "expire_access_tokens": true,
                                        "pending_polls": 2, "fail_reports": ["sbCampaigns"], "duplicate_next_create": true,
                                        "data": {...}  (replaces the data set, see README.md), "consent_decline": true}

Run: /usr/bin/python3 ads_sim.py --port 0 --ready-file F [--data FILE] [--profiles FILE]
"""

import argparse
import copy
import csv
import datetime
import gzip
import io
import json
import os
import re
import sys
import threading
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CLIENT_ID = "amzn1.application-oa2-client.settlebridge-ads-sim"
CLIENT_SECRET = "amzn1.oa2-cs.v1.settlebridge-ads-sim-secret"
REFRESH_TOKEN = "Atzr|settlebridge-ads-sim-refresh-token"
WALMART_TOKEN = "walmart-sim-auth-token"
WALMART_CONSUMER = "walmart-sim-consumer-id"

CREATE_TYPE = "application/vnd.createasyncreportrequest.v3+json"
CREATE_RESPONSE_TYPE = "application/vnd.createasyncreportresponse.v3+json"
GET_RESPONSE_TYPE = "application/vnd.getasyncreportresponse.v3+json"
SB_ADS_TYPE = "application/vnd.sbadresource.v4+json"

# reportTypeId -> (adProduct, groupBy, retention days, allowed columns)
REPORT_TYPES = {
    "spAdvertisedProduct": ("SPONSORED_PRODUCTS", ["advertiser"], 95,
                            {"date", "startDate", "endDate", "campaignName", "campaignId", "adGroupName", "adGroupId", "adId",
                             "impressions", "clicks", "cost", "spend", "campaignBudgetCurrencyCode", "advertisedAsin",
                             "advertisedSku", "purchases1d", "purchases7d", "purchases14d", "purchases30d", "sales1d",
                             "sales7d", "sales14d", "sales30d"}),
    "sdAdvertisedProduct": ("SPONSORED_DISPLAY", ["advertiser"], 65,
                            {"date", "startDate", "endDate", "campaignName", "campaignId", "adGroupName", "adGroupId", "adId",
                             "impressions", "clicks", "cost", "campaignBudgetCurrencyCode", "promotedAsin", "promotedSku",
                             "purchases", "sales", "unitsSold"}),
    "sbCampaigns": ("SPONSORED_BRANDS", ["campaign"], 60,
                    {"date", "startDate", "endDate", "campaignName", "campaignId", "impressions", "clicks", "cost",
                     "campaignBudgetCurrencyCode", "purchases", "sales", "unitsSold"}),
}
PRODUCT_OF_TYPE = {"spAdvertisedProduct": "SP", "sdAdvertisedProduct": "SD", "sbCampaigns": "SB"}


def default_data(profiles_path):
    with open(profiles_path, encoding="utf-8") as f:
        profiles = json.load(f)
    return {"profiles": profiles, "spend": {}, "sb_ads": {}, "walmart": {}}


class State:
    def __init__(self, data):
        self.lock = threading.Lock()
        self.data = data
        self.counts = {}
        self.requests = []
        self.fail_next = []
        self.revoked = set()
        self.access_tokens = set()
        self.codes = {}
        self.reports = {}
        self.snapshots = {}
        self.pending_polls = 1
        self.fail_reports = set()
        self.duplicate_next_create = False
        self.consent_decline = False
        self.token_counter = 0


def today_utc():
    return datetime.datetime.now(datetime.timezone.utc).date()


def parse_day(text):
    return datetime.date.fromisoformat(text)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ads-sim/1"

    def log_message(self, fmt, *args):  # quiet
        pass

    # ---------------------------------------------------------------------------------------------------------
    # plumbing

    @property
    def state(self):
        return self.server.state

    def base_url(self):
        return self.server.base_url

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send(self, status, payload, content_type="application/json", headers=None):
        if isinstance(payload, (dict, list)):
            payload = json.dumps(payload).encode()
        elif isinstance(payload, str):
            payload = payload.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(payload)

    def record(self, operation, body=b""):
        with self.state.lock:
            self.state.counts[operation] = self.state.counts.get(operation, 0) + 1
            self.state.requests.append({
                "operation": operation, "method": self.command, "path": self.path,
                "headers": {k: v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace")[:20000]})
            for i, f in enumerate(self.state.fail_next):
                if f.get("operation") == operation:
                    del self.state.fail_next[i]
                    return f
        return None

    def injected(self, failure):
        status = int(failure.get("status", 500))
        headers = {}
        if "retry_after" in failure:
            headers["Retry-After"] = str(failure["retry_after"])
        code = {429: "TOO_MANY_REQUESTS", 500: "INTERNAL_ERROR", 401: "UNAUTHORIZED", 400: "BAD_REQUEST"}.get(status, str(status))
        self.send(status, {"code": code, "detail": failure.get("detail", "injected failure")}, headers=headers)

    def amazon_auth(self, need_scope):
        """None when the Ads headers are good, else the error answer was sent."""
        auth = self.headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else ""
        with self.state.lock:
            valid = token in self.state.access_tokens
        if not valid:
            self.send(401, {"code": "UNAUTHORIZED", "detail": "Not authorized to access this advertiser"})
            return False
        if self.headers.get("Amazon-Advertising-API-ClientId") != CLIENT_ID:
            self.send(400, {"code": "400", "detail": "Invalid Amazon-Advertising-API-ClientId"})
            return False
        if need_scope:
            scope = self.headers.get("Amazon-Advertising-API-Scope", "")
            if not any(str(p.get("profileId")) == scope for p in self.state.data["profiles"]):
                self.send(401, {"code": "UNAUTHORIZED", "detail": "Invalid or missing Amazon-Advertising-API-Scope"})
                return False
        return True

    # ---------------------------------------------------------------------------------------------------------

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        path = url.path
        if path == "/_control":
            with self.state.lock:
                payload = {"counts": self.state.counts, "requests": self.state.requests,
                           "reports": list(self.state.reports.values()), "snapshots": list(self.state.snapshots.values())}
                return self.send(200, json.dumps(payload, default=str))
        if path == "/ap/oa":
            self.record("consent")
            if query.get("client_id") != CLIENT_ID or not query.get("redirect_uri") or not query.get("state"):
                return self.send(400, {"error": "invalid_request"})
            target = query["redirect_uri"]
            sep = "&" if "?" in target else "?"
            if self.state.consent_decline:
                location = target + sep + urllib.parse.urlencode({"error": "access_denied", "state": query["state"]})
            else:
                code = "ANsim" + uuid.uuid4().hex[:16]
                with self.state.lock:
                    self.state.codes[code] = query["redirect_uri"]
                location = target + sep + urllib.parse.urlencode(
                    {"code": code, "scope": query.get("scope", ""), "state": query["state"]})
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/v2/profiles":
            failure = self.record("listProfiles")
            if failure:
                return self.injected(failure)
            if not self.amazon_auth(False):
                return
            return self.send(200, self.state.data["profiles"])
        m = re.fullmatch(r"/reporting/reports/([A-Za-z0-9-]+)", path)
        if m:
            failure = self.record("getReport")
            if failure:
                return self.injected(failure)
            if not self.amazon_auth(True):
                return
            return self.get_report(m.group(1))
        m = re.fullmatch(r"/_files/([A-Za-z0-9-]+)\.json\.gz", path)
        if m:
            failure = self.record("download")
            if failure:
                return self.injected(failure)
            if self.headers.get("Authorization") or self.headers.get("Amazon-Advertising-API-ClientId"):
                return self.send(400, "<?xml version=\"1.0\"?><Error><Code>InvalidArgument</Code><Message>Only one auth "
                                      "mechanism allowed</Message></Error>", "application/xml")
            with self.state.lock:
                report = self.state.reports.get(m.group(1))
            if not report or report["status"] != "COMPLETED":
                return self.send(403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>",
                                 "application/xml")
            return self.send(200, report["_file"], "application/octet-stream")
        if path == "/api/v2/snapshot":
            failure = self.record("walmartGetSnapshot")
            if failure:
                return self.injected(failure)
            if not self.walmart_auth():
                return
            return self.walmart_status(query)
        m = re.fullmatch(r"/_walmart/([A-Za-z0-9-]+)\.csv\.gz", path)
        if m:
            self.record("walmartDownload")
            if not self.walmart_auth():
                return
            with self.state.lock:
                snap = self.state.snapshots.get(m.group(1))
            if not snap:
                return self.send(404, {"code": "failure", "details": "no such file"})
            return self.send(200, snap["_file"], "application/octet-stream")
        self.send(404, {"code": "NOT_FOUND", "detail": "no route " + path})

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        raw = self.body()
        if path == "/_control":
            return self.control(raw)
        if path == "/auth/o2/token":
            failure = self.record("token", raw)
            if failure:
                return self.injected(failure)
            return self.token(dict(urllib.parse.parse_qsl(raw.decode())))
        if path == "/reporting/reports":
            failure = self.record("createReport", raw)
            if failure:
                return self.injected(failure)
            if not self.amazon_auth(True):
                return
            if (self.headers.get("Content-Type") or "").split(";")[0].strip() != CREATE_TYPE:
                return self.send(415, {"code": "415", "detail": "Content-Type must be " + CREATE_TYPE})
            return self.create_report(raw)
        if path == "/sb/v4/ads/list":
            failure = self.record("listSbAds", raw)
            if failure:
                return self.injected(failure)
            if not self.amazon_auth(True):
                return
            return self.sb_ads(raw)
        if path == "/api/v2/snapshot/report":
            failure = self.record("walmartCreateSnapshot", raw)
            if failure:
                return self.injected(failure)
            if not self.walmart_auth():
                return
            return self.walmart_create(raw)
        self.send(404, {"code": "NOT_FOUND", "detail": "no route " + path})

    # ---------------------------------------------------------------------------------------------------------
    # control

    def control(self, raw):
        try:
            req = json.loads(raw or b"{}")
        except ValueError:
            return self.send(400, {"error": "bad json"})
        with self.state.lock:
            st = self.state
            st.fail_next.extend(req.get("fail_next", []))
            if "revoke_refresh_token" in req:
                st.revoked.add(req["revoke_refresh_token"])
            if req.get("expire_access_tokens"):
                st.access_tokens.clear()
            if "pending_polls" in req:
                st.pending_polls = int(req["pending_polls"])
            if "fail_reports" in req:
                st.fail_reports = set(req["fail_reports"])
            if "duplicate_next_create" in req:
                st.duplicate_next_create = bool(req["duplicate_next_create"])
            if "consent_decline" in req:
                st.consent_decline = bool(req["consent_decline"])
            if "data" in req:
                data = req["data"]
                for key in ("profiles", "spend", "sb_ads", "walmart"):
                    if key in data:
                        st.data[key] = data[key]
        self.send(200, {"ok": True})

    # ---------------------------------------------------------------------------------------------------------
    # LWA

    def token(self, form):
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return self.send(401, {"error": "invalid_client", "error_description": "Client authentication failed"})
        grant = form.get("grant_type")
        refresh = None
        if grant == "refresh_token":
            refresh = form.get("refresh_token", "")
            if not refresh.startswith("Atzr|") or refresh in self.state.revoked:
                return self.send(400, {"error": "invalid_grant",
                                       "error_description": "The request has an invalid grant parameter : refresh_token"})
        elif grant == "authorization_code":
            code = form.get("code", "")
            with self.state.lock:
                redirect = self.state.codes.pop(code, None)
            if redirect is None:
                return self.send(400, {"error": "invalid_grant", "error_description": "The authorization code is invalid"})
            if form.get("redirect_uri") and form["redirect_uri"] != redirect:
                return self.send(400, {"error": "invalid_grant", "error_description": "redirect_uri mismatch"})
            refresh = REFRESH_TOKEN
        else:
            return self.send(400, {"error": "unsupported_grant_type"})
        with self.state.lock:
            self.state.token_counter += 1
            access = "Atza|ads-sim-%d" % self.state.token_counter
            self.state.access_tokens.add(access)
        self.send(200, {"access_token": access, "token_type": "bearer", "expires_in": 3600, "refresh_token": refresh})

    # ---------------------------------------------------------------------------------------------------------
    # Amazon reports

    def create_report(self, raw):
        try:
            req = json.loads(raw)
        except ValueError:
            return self.send(400, {"code": "400", "detail": "body is not JSON"})
        problem = self.check_create(req)
        if problem:
            return self.send(400, {"code": "400", "detail": problem})
        profile = self.headers.get("Amazon-Advertising-API-Scope")
        key = json.dumps([profile, req["startDate"], req["endDate"], req["configuration"]], sort_keys=True)
        now = datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
        with self.state.lock:
            st = self.state
            for r in st.reports.values():
                if r["_key"] == key and r["status"] in ("PENDING", "PROCESSING"):
                    return self.send(425, {"code": "425",
                                           "detail": "The Request is a duplicate of : " + r["reportId"]})
            report_id = str(uuid.uuid4())
            report = {"reportId": report_id, "name": req.get("name"), "startDate": req["startDate"],
                      "endDate": req["endDate"], "configuration": req["configuration"], "status": "PENDING",
                      "createdAt": now, "updatedAt": now, "generatedAt": None, "fileSize": None, "url": None,
                      "urlExpiresAt": None, "failureReason": None, "_key": key, "_profile": profile, "_polls": 0}
            st.reports[report_id] = report
            if st.duplicate_next_create:
                st.duplicate_next_create = False
                return self.send(425, {"code": "425", "detail": "The Request is a duplicate of : " + report_id})
        self.send(200, public_report(report), CREATE_RESPONSE_TYPE)

    def check_create(self, req):
        for k in ("startDate", "endDate", "configuration"):
            if k not in req:
                return "missing " + k
        conf = req["configuration"]
        for k in ("adProduct", "groupBy", "columns", "reportTypeId", "timeUnit", "format"):
            if k not in conf:
                return "configuration." + k + " is required"
        kind = REPORT_TYPES.get(conf["reportTypeId"])
        if not kind:
            return "unknown reportTypeId " + str(conf["reportTypeId"])
        if conf["adProduct"] != kind[0]:
            return "adProduct does not match the report type"
        if conf["groupBy"] != kind[1]:
            return "groupBy must be " + str(kind[1])
        if conf["format"] != "GZIP_JSON" or conf["timeUnit"] not in ("DAILY", "SUMMARY"):
            return "bad format or timeUnit"
        bad = [c for c in conf["columns"] if c not in kind[3]]
        if bad:
            return "invalid columns: " + ",".join(bad)
        if conf["timeUnit"] == "DAILY" and "date" not in conf["columns"]:
            return "a DAILY report needs the date column"
        try:
            start, end = parse_day(req["startDate"]), parse_day(req["endDate"])
        except ValueError:
            return "dates must be YYYY-MM-DD"
        if end < start or (end - start).days > 30:
            return "the date range is at most 31 days"
        if (today_utc() - start).days > kind[2] + 1:
            return "startDate is older than the %d days this report keeps" % kind[2]
        return None

    def get_report(self, report_id):
        with self.state.lock:
            report = self.state.reports.get(report_id)
            if not report or report["_profile"] != self.headers.get("Amazon-Advertising-API-Scope"):
                return self.send(404, {"code": "404", "detail": "Report not found"})
            if report["status"] in ("PENDING", "PROCESSING"):
                report["_polls"] += 1
                if report["_polls"] > self.state.pending_polls:
                    self.complete_report(report)
                elif report["_polls"] > 0:
                    report["status"] = "PROCESSING"
            payload = public_report(report)
        self.send(200, payload, GET_RESPONSE_TYPE)

    def complete_report(self, report):
        """Completes (or fails) a report: builds its file from the data set. Called under the lock."""
        conf = report["configuration"]
        now = datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
        report["updatedAt"] = now
        if conf["reportTypeId"] in self.state.fail_reports:
            report["status"] = "FAILED"
            report["failureReason"] = "Report generation failed (simulated)"
            return
        product = PRODUCT_OF_TYPE[conf["reportTypeId"]]
        rows = self.state.data["spend"].get(report["_profile"], {}).get(product, [])
        start, end = report["startDate"], report["endDate"]
        out = []
        for row in rows:
            if start <= row["date"] <= end:
                out.append({c: row.get(c) for c in conf["columns"]})
        # The file carries money as JSON numbers written from decimal text (as Amazon's does): keep the
        # data set's text exactly.
        text = "[" + ",".join(render_row(r) for r in out) + "]"
        report["_file"] = gzip.compress(text.encode())
        report["status"] = "COMPLETED"
        report["generatedAt"] = now
        report["fileSize"] = len(report["_file"])
        report["url"] = "%s/_files/%s.json.gz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=sim" % (
            self.base_url(), report["reportId"])
        report["urlExpiresAt"] = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).isoformat().replace("+00:00", "Z")

    def sb_ads(self, raw):
        try:
            req = json.loads(raw or b"{}")
        except ValueError:
            return self.send(400, {"code": "400", "detail": "body is not JSON"})
        profile = self.headers.get("Amazon-Advertising-API-Scope")
        ads = self.state.data["sb_ads"].get(profile, [])
        wanted = (req.get("campaignIdFilter") or {}).get("include")
        if wanted:
            ads = [a for a in ads if str(a.get("campaignId")) in wanted]
        size = int(req.get("maxResults") or 100)
        start = int(req.get("nextToken") or 0)
        page = ads[start:start + size]
        payload = {"ads": page}
        if start + size < len(ads):
            payload["nextToken"] = str(start + size)
        self.send(200, payload, SB_ADS_TYPE)

    # ---------------------------------------------------------------------------------------------------------
    # Walmart Connect

    def walmart_auth(self):
        need = ["WM_SEC.AUTH_SIGNATURE", "WM_CONSUMER.ID", "WM_SEC.KEY_VERSION", "WM_CONSUMER.intimestamp"]
        missing = [h for h in need if not self.headers.get(h)]
        if missing or self.headers.get("Authorization") != "Bearer " + WALMART_TOKEN or \
                self.headers.get("WM_CONSUMER.ID") != WALMART_CONSUMER:
            self.send(401, {"code": "failure", "details": "unauthorized " + ",".join(missing)})
            return False
        return True

    def walmart_create(self, raw):
        try:
            req = json.loads(raw)
        except ValueError:
            return self.send(400, {"code": "failure", "details": "body is not JSON"})
        adv = str(req.get("advertiserId", ""))
        report_type = req.get("reportType")
        metrics = req.get("reportMetrics") or []
        if not adv or adv not in self.state.data["walmart"]:
            return self.send(200, {"code": "failure", "details": "unknown advertiserId", "snapshotId": "", "jobStatus": "failed"})
        if report_type not in ("adItem", "itemHealth") or not metrics:
            return self.send(200, {"code": "failure", "details": "unsupported reportType or no metrics", "snapshotId": "",
                                   "jobStatus": "failed"})
        if report_type == "adItem":
            if "reportDate" in req or not req.get("startDate") or not req.get("endDate"):
                return self.send(200, {"code": "failure", "details": "startDate and endDate are required",
                                       "snapshotId": "", "jobStatus": "failed"})
            if req["endDate"] >= today_utc().isoformat():
                return self.send(200, {"code": "failure", "details": "endDate cannot be the current date",
                                       "snapshotId": "", "jobStatus": "failed"})
        snap_id = str(uuid.uuid4())
        source = self.state.data["walmart"][adv]
        rows = source.get("items", []) if report_type == "itemHealth" else [
            r for r in source.get("adItem", []) if req["startDate"] <= r["date"] <= req["endDate"]]
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(metrics)
        for r in rows:
            writer.writerow([r.get(m, "") for m in metrics])
        with self.state.lock:
            self.state.snapshots[snap_id] = {"snapshotId": snap_id, "advertiserId": adv, "reportType": report_type,
                                             "_polls": 0, "_file": gzip.compress(buf.getvalue().encode())}
        self.send(200, {"code": "success", "snapshotId": snap_id, "jobStatus": "pending", "details": ""})

    def walmart_status(self, query):
        with self.state.lock:
            snap = self.state.snapshots.get(query.get("snapshotId", ""))
            if not snap or snap["advertiserId"] != query.get("advertiserId"):
                return self.send(200, {"code": "failure", "snapshotId": query.get("snapshotId", ""),
                                       "jobStatus": "failed", "details": "no such snapshot"})
            snap["_polls"] += 1
            done = snap["_polls"] > self.state.pending_polls
        payload = {"code": "success", "snapshotId": snap["snapshotId"], "jobStatus": "done" if done else "processing",
                   "details": "%s/_walmart/%s.csv.gz" % (self.base_url(), snap["snapshotId"]) if done else ""}
        self.send(200, payload)


def public_report(report):
    return {k: v for k, v in report.items() if not k.startswith("_")}


def render_row(row):
    parts = []
    for k, v in row.items():
        if isinstance(v, str) and k in ("cost", "spend", "sales", "sales7d", "sales14d", "sales1d", "sales30d"):
            parts.append(json.dumps(k) + ":" + v)  # decimal text as a JSON number, digit for digit
        else:
            parts.append(json.dumps(k) + ":" + json.dumps(v))
    return "{" + ",".join(parts) + "}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ready-file")
    parser.add_argument("--data", help="a JSON data set (profiles, spend, sb_ads, walmart)")
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--profiles", default=os.path.join(here, "profiles.json"),
                        help="the GET /v2/profiles answer (default: profiles.json beside this file)")
    args = parser.parse_args()

    data = default_data(args.profiles)
    if args.data:
        with open(args.data, encoding="utf-8") as f:
            data.update(json.load(f))
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.state = State(copy.deepcopy(data))
    port = server.server_address[1]
    server.base_url = "http://%s:%d" % (args.host, port)
    if args.ready_file:
        tmp = args.ready_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"port": port, "url": server.base_url}, f)
        os.replace(tmp, args.ready_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
