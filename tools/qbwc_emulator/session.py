"""One Web Connector update session against a SOAP endpoint, with a simulated QuickBooks behind it.

The call sequence is the one the real Web Connector plays (research/qbwc.md §2-§3, captured session):
serverVersion, clientVersion, authenticate, then sendRequestXML / receiveResponseXML until the server says
100 (or hands out "" / "NoOp"), getLastError after "" and after a negative percentage, closeConnection;
connectionError instead of sendRequestXML when QuickBooks cannot be opened.

Failure injection (FaultPlan): fail the Nth qbXML request with a status code or an HRESULT, drop the answer
to the Nth request after QuickBooks applied it, cut the connection at the Nth SOAP call, or make QuickBooks
unavailable for the first K attempts to open it.
"""
import json
import os
import re
import sys
import time

import zeep.exceptions
from lxml import etree

from quickbooks_sim import Fail, open_locked
from quickbooks_sim.engine import PARSE_HRESULT

from . import wire

# Exit codes (also in tools/README.md)
EXIT_OK = 0                # session completed (work done, or nothing to do)
EXIT_SERVER_ERROR = 1      # the server reported an error (negative percent, clientVersion E:/O:, bad percent)
EXIT_USAGE = 2             # bad options, unreadable WSDL / state / control file
EXIT_TRANSPORT = 3         # HTTP/TLS/SOAP failure: connection refused, SOAP fault, answer not matching the WSDL
EXIT_INTERRUPTED = 4       # an injected interruption ended the session (drop, disconnect, QuickBooks unavailable)
EXIT_INVALID_QBXML = 5     # the server sent qbXML QuickBooks could not parse (a hard failure was recorded)
EXIT_NVU = 6               # authenticate answered "nvu" (wrong user or password)
EXIT_BUSY = 7              # authenticate answered "busy"
EXIT_MAX_CALLS = 8         # --max-calls reached (the server kept the session going)

DEFAULT_CONNECTION_ERROR = ("0x80040408", "Could not start QuickBooks.")


class UsageError(Exception):
    pass


class FaultPlan:
    """What to break, by position: request N = the Nth qbXML request of the session (1-based), call N = the
    Nth SOAP call (serverVersion is call 1)."""

    def __init__(self):
        self.fail_request = {}        # n -> quickbooks_sim.Fail
        self.drop_response = {}       # n -> "stop" | "connection-error"
        self.disconnect_at = None     # (n, "after-send" | "before-send")
        self.qb_unavailable = 0       # QuickBooks cannot be opened for this many attempts
        self.connection_error = DEFAULT_CONNECTION_ERROR

    def add_fail(self, spec):
        """"N:CODE:MESSAGE" or "N:0xHRESULT:MESSAGE"."""
        n, _, rest = spec.partition(":")
        if not n.strip().isdigit() or not rest:
            raise UsageError(f"--fail-request wants N:CODE:MESSAGE, got {spec!r}")
        try:
            self.fail_request[int(n)] = Fail.parse(rest)
        except ValueError as exc:
            raise UsageError(f"--fail-request: bad status code in {spec!r}") from exc

    def add_drop(self, spec):
        n, _, mode = str(spec).partition(":")
        mode = mode or "stop"
        if not n.strip().isdigit() or mode not in ("stop", "connection-error"):
            raise UsageError(f"--drop-response wants N[:stop|:connection-error], got {spec!r}")
        self.drop_response[int(n)] = mode

    def set_disconnect(self, spec):
        n, _, mode = str(spec).partition(":")
        mode = mode or "after-send"
        if not n.strip().isdigit() or int(n) < 1 or mode not in ("after-send", "before-send"):
            raise UsageError(f"--disconnect-at wants N[:after-send|:before-send], got {spec!r}")
        self.disconnect_at = (int(n), mode)

    def set_connection_error(self, spec):
        hresult, _, message = spec.partition(":")
        if not hresult.lower().startswith("0x"):
            raise UsageError(f"--connection-error wants 0xHRESULT:MESSAGE, got {spec!r}")
        self.connection_error = (hresult, message or "Could not start QuickBooks.")

    def load_control_file(self, path):
        """JSON: {"fail_request": [{"n": 2, "code": 3180, "message": "..."} | {"n": 2, "hresult": "0x...",
        "message": "..."}], "drop_response": [{"n": 3, "mode": "stop"}], "disconnect_at": {"n": 7, "mode":
        "after-send"}, "qb_unavailable": 1, "connection_error": {"hresult": "0x80040408", "message": "..."}}"""
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, json.JSONDecodeError) as exc:
            raise UsageError(f"control file {path}: {exc}") from exc
        for entry in data.get("fail_request", []):
            if entry.get("hresult"):
                self.fail_request[int(entry["n"])] = Fail(hresult=entry["hresult"],
                                                          message=entry.get("message", "Unexpected error."))
            else:
                self.fail_request[int(entry["n"])] = Fail(code=int(entry["code"]),
                                                          message=entry.get("message", "Injected failure"))
        for entry in data.get("drop_response", []):
            self.add_drop(f"{entry['n']}:{entry.get('mode', 'stop')}")
        if data.get("disconnect_at"):
            d = data["disconnect_at"]
            self.set_disconnect(f"{d['n']}:{d.get('mode', 'after-send')}")
        self.qb_unavailable = int(data.get("qb_unavailable", self.qb_unavailable))
        if data.get("connection_error"):
            ce = data["connection_error"]
            self.connection_error = (ce["hresult"], ce.get("message", ""))

    def to_json(self):
        return {"fail_request": {str(k): v.to_json() for k, v in sorted(self.fail_request.items())},
                "drop_response": {str(k): v for k, v in sorted(self.drop_response.items())},
                "disconnect_at": list(self.disconnect_at) if self.disconnect_at else None,
                "qb_unavailable": self.qb_unavailable, "connection_error": list(self.connection_error)}


class Stop(Exception):
    """Ends the session with an exit code."""

    def __init__(self, code, outcome):
        super().__init__(outcome)
        self.code = code
        self.outcome = outcome


def _short(text, limit=80):
    if text is None:
        return "None"
    text = str(text)
    one = " ".join(text.split())
    return json.dumps(one if len(one) <= limit else one[:limit] + "…", ensure_ascii=False)


def _qbxml_summary(text):
    """"SalesReceiptAddRq(sr-1), ItemQueryRq(q-1) 1.8 kB" for a request or response document."""
    if not text:
        return '""'
    try:
        root = etree.fromstring(text.encode("utf-8") if isinstance(text, str) else text,
                                etree.XMLParser(resolve_entities=False, no_network=True))
        msgs = root[0] if len(root) else root
        parts = [f"{el.tag}({el.get('requestID')})" if el.get("requestID") else el.tag
                 for el in msgs if isinstance(el.tag, str)]
        return f"{', '.join(parts) or '(empty message set)'} {len(text) / 1024:.1f} kB"
    except etree.XMLSyntaxError:
        return f"(not well-formed qbXML) {_short(text, 60)}"


def _request_info(text):
    info = {"types": [], "request_ids": []}
    try:
        root = etree.fromstring(text.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
        msgs = root.find("QBXMLMsgsRq")
        for el in (msgs if msgs is not None else []):
            if isinstance(el.tag, str):
                info["types"].append(el.tag)
                info["request_ids"].append(el.get("requestID"))
        if msgs is not None:
            info["onError"] = msgs.get("onError")
    except (etree.XMLSyntaxError, UnicodeEncodeError):
        pass
    m = re.search(r"<\?qbxml\s+version\s*=\s*[\"']([^\"']+)", text or "")
    info["qbxml_version"] = m.group(1) if m else None
    return info


def _string_array(value):
    """authenticate's ArrayOfString as a list (zeep gives a list, or an object with .string)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    items = getattr(value, "string", None)
    return list(items) if items else []


class Session:
    """Plays one update session. run() returns the exit code; report holds everything that happened."""

    def __init__(self, url, user, password, company_state, wsdl, client_version="2.3.0.36", cafile=None,
                 faults=None, max_calls=1000, timeout=60.0, wire_style="qbwc", qbxml_version=None,
                 noop_wait=5.0, owner_id=None, file_id=None, out=sys.stdout, verbose=False, quiet=False,
                 expect_continue=True, xsd_path=None):
        self.url = url
        self.user = user
        self.password = password
        self.company_state = company_state
        self.wsdl = wsdl
        self.client_version = client_version
        self.faults = faults or FaultPlan()
        self.max_calls = max_calls
        self.qbxml_version = qbxml_version
        self.noop_wait = noop_wait
        self.owner_id = owner_id
        self.file_id = file_id
        self.out = out
        self.verbose = verbose
        self.quiet = quiet
        self.xsd_path = xsd_path
        self.client, self.service, self.transport = wire.make_client(
            wsdl, url, cafile=cafile, timeout=timeout, wire=wire_style, expect_continue=expect_continue)
        self.calls = 0
        self.requests = 0
        self.qb_open_attempts = 0
        self.hard_failure_seen = False
        self.ticket = None
        self.report = {
            "url": url, "wsdl": wsdl if "://" in wsdl else os.path.abspath(wsdl), "wire": wire_style, "user": user,
            "client_version": client_version, "company_state": os.path.abspath(company_state),
            "faults": self.faults.to_json(), "calls": [], "requests": [], "percent": [], "posted": [],
            "warnings": [], "server_version": None, "client_version_result": None, "authenticate": None,
            "ticket": None, "last_error": None, "close_result": None, "connection_error_results": [],
            "outcome": None, "exit_code": None,
        }

    # -- output ------------------------------------------------------------------------------------------------

    def say(self, line):
        if not self.quiet:
            self.out.write(line + "\n")
            self.out.flush()

    def warn(self, text):
        self.report["warnings"].append(text)
        self.say(f"    ! {text}")

    # -- SOAP ----------------------------------------------------------------------------------------------------

    def call(self, operation, shown_args, **kwargs):
        """One SOAP call through zeep; records it, applies --disconnect-at and --max-calls."""
        if self.calls >= self.max_calls:
            raise Stop(EXIT_MAX_CALLS, f"max-calls ({self.max_calls}) reached before {operation}")
        self.calls += 1
        n = self.calls
        entry = {"n": n, "operation": operation, "args": shown_args}
        self.report["calls"].append(entry)
        if self.faults.disconnect_at and self.faults.disconnect_at[0] == n:
            self.transport.disconnect_next = self.faults.disconnect_at[1]
        start = time.monotonic()
        try:
            result = getattr(self.service, operation)(**kwargs)
        except wire.Disconnected as exc:
            entry["disconnected"] = exc.mode
            self.say(f"[{n}] {operation}({', '.join(shown_args)}) -- disconnected ({exc.mode})")
            raise Stop(EXIT_INTERRUPTED, f"disconnected at call {n} ({operation}, {exc.mode})") from exc
        except zeep.exceptions.Fault as exc:
            entry["fault"] = {"code": exc.code, "message": exc.message}
            self._record_http(entry)
            self.say(f"[{n}] {operation}({', '.join(shown_args)}) -> SOAP Fault {exc.code}: {exc.message}")
            raise Stop(EXIT_TRANSPORT, f"SOAP fault on {operation}: {exc.message}") from exc
        except (zeep.exceptions.Error, wire.WireError, etree.XMLSyntaxError, ValueError) as exc:
            entry["error"] = f"{type(exc).__name__}: {exc}"
            self._record_http(entry)
            self.say(f"[{n}] {operation}({', '.join(shown_args)}) -> ERROR {type(exc).__name__}: {exc}")
            raise Stop(EXIT_TRANSPORT, f"{operation} failed: {type(exc).__name__}: {exc}") from exc
        entry["ms"] = round((time.monotonic() - start) * 1000, 3)
        self._record_http(entry)
        return result

    def _record_http(self, entry):
        if self.transport.exchanges:
            ex = self.transport.exchanges[-1]
            entry["http_status"] = ex.status
            if ex.reconnected:
                entry["reconnected"] = True
            if ex.resent:
                entry["resent"] = True
                self.warn(f"{entry['operation']} was sent twice: the keep-alive connection died under it")

    # -- the session -------------------------------------------------------------------------------------------

    def run(self):
        code, outcome = EXIT_OK, "completed"
        try:
            code, outcome = self._run()
        except Stop as stop:
            code, outcome = stop.code, stop.outcome
        finally:
            self.transport.close()
        if self.hard_failure_seen and code not in (EXIT_USAGE, EXIT_TRANSPORT):
            code = EXIT_INVALID_QBXML
            outcome += "; the server sent qbXML QuickBooks could not parse"
        self.report["outcome"] = outcome
        self.report["exit_code"] = code
        self.say(f"== {outcome} (exit {code})")
        return code

    def _run(self):
        version = self.call("serverVersion", [])
        self.report["server_version"] = version
        self.say(f"[{self.calls}] serverVersion() -> {_short(version)}")

        answer = self.call("clientVersion", [_short(self.client_version)], strVersion=self.client_version)
        answer = answer or ""
        self.report["client_version_result"] = answer
        self.say(f"[{self.calls}] clientVersion({_short(self.client_version)}) -> {_short(answer)}")
        if answer.startswith("E:"):
            raise Stop(EXIT_SERVER_ERROR, f"clientVersion refused this Web Connector: {answer[2:]}")
        if answer.startswith("O:"):
            raise Stop(EXIT_SERVER_ERROR, f"clientVersion wants Web Connector version {answer[2:]}")
        if answer.startswith("W:"):
            self.warn(f"clientVersion warning (the user clicks OK and goes on): {answer[2:]}")
        elif answer:
            self.warn(f"clientVersion answered {answer!r}: not \"\", W:, E: or O: (QBWC1046)")

        auth = self.call("authenticate", [_short(self.user), '"******"'],
                         strUserName=self.user, strPassword=self.password)
        values = [v if v is not None else "" for v in _string_array(auth)]
        self.report["authenticate"] = values
        self.say(f"[{self.calls}] authenticate({_short(self.user)}, \"******\") -> {json.dumps(values)}")
        if len(values) < 2:
            raise Stop(EXIT_SERVER_ERROR, f"authenticate returned {len(values)} element(s); the Web Connector "
                                          "needs at least [ticket, status]")
        self.ticket, status = values[0], values[1]
        self.report["ticket"] = self.ticket
        if len(values) > 2 and values[2]:
            self.say(f"    postpone {values[2]} s" + (f", minimum run-every {values[3]} s" if len(values) > 3 else ""))
        lowered = status.lower()
        if lowered in ("nvu", "none", "busy"):
            self._close()
            if lowered == "nvu":
                return EXIT_NVU, "authenticate: not a valid user (nvu)"
            if lowered == "busy":
                return EXIT_BUSY, "authenticate: busy"
            return EXIT_OK, "authenticate: nothing to do (none)"
        if not self.ticket:
            raise Stop(EXIT_SERVER_ERROR, "authenticate returned an empty ticket with a go-ahead status")
        with open_locked(self.company_state) as company:
            company_file = company.state["company"]["file_path"]
        if status and status.lower() != company_file.lower():
            self.warn(f"authenticate asks for company file {status!r}; the open file is {company_file!r}")

        # Open QuickBooks (connectionError when it cannot be opened).
        while self.qb_open_attempts < self.faults.qb_unavailable:
            self.qb_open_attempts += 1
            hresult, message = self.faults.connection_error
            answer = self.call("connectionError", [_short(self.ticket), _short(hresult), _short(message)],
                               ticket=self.ticket, hresult=hresult, message=message) or ""
            self.report["connection_error_results"].append(answer)
            self.say(f"[{self.calls}] connectionError(ticket, {hresult}, {_short(message)}) -> {_short(answer)}")
            if answer.lower() == "done":
                return EXIT_INTERRUPTED, f"QuickBooks could not be opened ({hresult}); the server said done"
            if self.qb_open_attempts >= 3:
                return EXIT_INTERRUPTED, "QuickBooks could not be opened; gave up after 3 attempts"
            if answer:
                self.warn(f"connectionError asks to retry with company file {answer!r}")
        return self._exchange_loop(company_file)

    def _exchange_loop(self, company_file):
        first = True
        while True:
            with open_locked(self.company_state) as company:
                if first and self.owner_id and self.file_id:
                    if not any(e["owner_id"].lower() == self.owner_id.lower() and e["name"] == "FileID"
                               for e in company.state["company"]["data_ext"]):
                        company.set_data_ext(self.owner_id, "FileID", self.file_id)
                hcp = company.hcp_response() if first else ""
                version = self.qbxml_version or company.max_qbxml_version()
                country = company.edition()  # the Web Connector reports the edition's country ("US", "CA")
            major, _, minor = version.partition(".")
            request = self.call("sendRequestXML",
                                ["ticket", f"HCP {len(hcp) / 1024:.1f} kB" if hcp else '""', _short(company_file),
                                 f'"{country}"', major, minor or "0"],
                                ticket=self.ticket, strHCPResponse=hcp, strCompanyFileName=company_file,
                                qbXMLCountry=country, qbXMLMajorVers=int(major), qbXMLMinorVers=int(minor or 0))
            first = False
            request = request or ""
            if request == "" or request == "NoOp":
                self.say(f"[{self.calls}] sendRequestXML(...) -> {_short(request)}")
                message = self.call("getLastError", ["ticket"], ticket=self.ticket) or ""
                self.report["last_error"] = message
                self.say(f"[{self.calls}] getLastError(ticket) -> {_short(message, 200)}")
                if message == "NoOp":
                    if self.noop_wait:
                        time.sleep(self.noop_wait)
                    continue
                if message == "Interactive mode":
                    self.warn("interactive mode is not emulated")
                self._close()
                return EXIT_OK, "completed: the server had no more requests"
            self.say(f"[{self.calls}] sendRequestXML(...) -> {_qbxml_summary(request)}")
            if self.verbose:
                self.say(request)
            self.requests += 1
            n = self.requests
            info = _request_info(request)
            record = {"n": n, "call": self.calls, **info, "statuses": [], "hresult": None, "message": None,
                      "injected": None, "delivered": False, "hard_failure": None}
            self.report["requests"].append(record)
            fail = self.faults.fail_request.get(n)
            if fail is not None:
                record["injected"] = fail.to_json()
            with open_locked(self.company_state) as company:
                result = company.process(request, fail=fail, xsd_path=self.xsd_path)
                failures = [f for f in company.hard_failures() if f["seq"] == result.seq]
            record["statuses"] = result.statuses
            record["hresult"], record["message"] = result.hresult, result.message
            record["qb_seq"] = result.seq
            if failures:
                self.hard_failure_seen = True
                record["hard_failure"] = failures
                for f in failures:
                    self.warn(f"QuickBooks could not use this request ({f['kind']}): {f['detail'][:300]}")
            for s in result.statuses:
                detail = ", ".join(f"{k} {s[k]}" for k in ("TxnID", "ListID", "RefNumber", "TotalAmount") if s.get(k))
                self.say(f"    QuickBooks: {s['type']} {s.get('requestID') or ''} -> {s['statusCode']} "
                         f"{s['statusMessage']}" + (f" ({detail})" if detail else "")
                         + (" [injected]" if s.get("injected") else ""))
                if s.get("applied") and s.get("TxnID"):
                    self.report["posted"].append({"request": n, "kind": s["type"][:-5], "txn_id": s["TxnID"],
                                                  "ref_number": s.get("RefNumber"), "total": s.get("TotalAmount"),
                                                  "request_id": s.get("requestID")})
            if result.hresult:
                self.say(f"    QuickBooks: HRESULT {result.hresult} {result.message}"
                         + (" [injected]" if fail is not None and fail.hresult else ""))

            drop = self.faults.drop_response.get(n)
            if drop:
                record["dropped"] = drop
                self.say(f"    ! the answer to request {n} is lost ({drop})")
                if drop == "connection-error":
                    hresult, message = self.faults.connection_error
                    answer = self.call("connectionError", [_short(self.ticket), _short(hresult), _short(message)],
                                       ticket=self.ticket, hresult=hresult, message=message) or ""
                    self.report["connection_error_results"].append(answer)
                    self.say(f"[{self.calls}] connectionError(ticket, {hresult}, {_short(message)}) -> {_short(answer)}")
                return EXIT_INTERRUPTED, f"the answer to request {n} was dropped ({drop})"

            response = result.response or ""
            hresult = result.hresult or ""
            message = result.message or ""
            percent = self.call("receiveResponseXML",
                                ["ticket", _qbxml_summary(response) if response else '""', _short(hresult),
                                 _short(message)],
                                ticket=self.ticket, response=response, hresult=hresult, message=message)
            record["delivered"] = True
            self.say(f"[{self.calls}] receiveResponseXML(...) -> {percent}")
            if percent is None:
                raise Stop(EXIT_TRANSPORT, "receiveResponseXML returned no integer")
            self.report["percent"].append(percent)
            if percent < 0:
                text = self.call("getLastError", ["ticket"], ticket=self.ticket) or ""
                self.report["last_error"] = text
                self.say(f"[{self.calls}] getLastError(ticket) -> {_short(text, 200)}")
                self._close()
                return EXIT_SERVER_ERROR, f"the server reported an error: {text}"
            if percent > 100:
                self._close()
                return EXIT_SERVER_ERROR, f"receiveResponseXML returned {percent} (more than 100)"
            if percent == 100:
                self._close()
                return EXIT_OK, "completed: 100%"

    def _close(self):
        result = self.call("closeConnection", ["ticket"], ticket=self.ticket or "")
        self.report["close_result"] = result
        self.say(f"[{self.calls}] closeConnection(ticket) -> {_short(result, 200)}")
        return result


__all__ = ["Session", "FaultPlan", "UsageError", "PARSE_HRESULT"]
