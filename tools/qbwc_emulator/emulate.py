#!/usr/bin/python3
"""QuickBooks Web Connector emulator: plays one update session against a QBWC SOAP endpoint, with a simulated
QuickBooks company (tools/quickbooks_sim) answering the qbXML requests.

usage: emulate.py --url URL --user USER (--password P | --password-env VAR) --company-state FILE.json
                  [--wsdl WSDL] [--cafile PEM] [--qwc FILE.qwc] [--client-version 2.3.0.36]
                  [--qbxml-version 13.0] [--fail-request N:CODE:MESSAGE]... [--drop-response N[:MODE]]...
                  [--disconnect-at N[:MODE]] [--qb-unavailable K] [--connection-error 0xHRESULT:MESSAGE]
                  [--faults CONTROL.json] [--max-calls N] [--noop-wait S] [--timeout S] [--wire qbwc|zeep]
                  [--no-expect] [--json-report FILE] [--verbose | --quiet]

Exit codes: 0 completed (work done or nothing to do); 1 the server reported an error; 2 bad usage;
3 transport/SOAP failure; 4 an injected interruption ended the session; 5 the server sent qbXML QuickBooks
could not parse; 6 authenticate said "nvu"; 7 authenticate said "busy"; 8 --max-calls reached.
See tools/README.md.
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.dirname(HERE)
REPO = os.path.dirname(TOOLS)


def _bootstrap():
    """Run under Debian's python3 (python3-zeep, python3-lxml) when the first python3 on PATH lacks them."""
    if TOOLS not in sys.path:
        sys.path.insert(0, TOOLS)
    from debian_python import rerun_under_debian_python
    rerun_under_debian_python(("lxml", "zeep"), [os.path.abspath(__file__)] + sys.argv[1:])


def default_wsdl():
    """The project's WSDL (wsdl/qbwc.wsdl): the Web Connector's eight operations, written for the project."""
    return os.path.join(REPO, "wsdl", "qbwc.wsdl")


def read_qwc(path):
    """AppURL, UserName, OwnerID, FileID of a .qwc file (missing ones are None)."""
    from lxml import etree
    try:
        root = etree.parse(path).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    return {k: (root.findtext(k) or "").strip() or None for k in ("AppURL", "UserName", "OwnerID", "FileID")}


def build_parser():
    p = argparse.ArgumentParser(prog="emulate.py", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", help="the endpoint, e.g. http://127.0.0.1:8080/qbwc (default: the .qwc AppURL)")
    p.add_argument("--user", help="Web Connector user name (default: the .qwc UserName)")
    p.add_argument("--password", help="the password typed into the Web Connector")
    p.add_argument("--password-env", metavar="VAR", help="read the password from this environment variable")
    p.add_argument("--company-state", required=True, metavar="FILE.json",
                   help="the simulated QuickBooks company (created with defaults when missing)")
    p.add_argument("--wsdl", default=None, help="WSDL file or URL (e.g. URL?wsdl) to build the client from (default: wsdl/qbwc.wsdl)")
    p.add_argument("--cafile", help="CA certificate(s) to trust for https URLs")
    p.add_argument("--qwc", help=".qwc file: AppURL, UserName, OwnerID/FileID (FileID stored in the company "
                                 "as the Web Connector does on first connect)")
    p.add_argument("--client-version", default="2.3.0.36", help="strVersion sent to clientVersion")
    p.add_argument("--qbxml-version", help="qbXMLMajorVers.MinorVers to report (default: the company's highest)")
    p.add_argument("--fail-request", action="append", default=[], metavar="N:CODE:MESSAGE",
                   help="answer the Nth qbXML request with this status (or 0xHRESULT: QuickBooks threw)")
    p.add_argument("--drop-response", action="append", default=[], metavar="N[:stop|:connection-error]",
                   help="QuickBooks applies the Nth request but its answer never reaches the server")
    p.add_argument("--disconnect-at", metavar="N[:after-send|:before-send]",
                   help="cut the connection at the Nth SOAP call (serverVersion is 1)")
    p.add_argument("--qb-unavailable", type=int, default=0, metavar="K",
                   help="QuickBooks cannot be opened the first K times (connectionError)")
    p.add_argument("--connection-error", metavar="0xHRESULT:MESSAGE",
                   help='what connectionError reports (default "0x80040408:Could not start QuickBooks.")')
    p.add_argument("--faults", metavar="CONTROL.json", help="failure injection from a control file")
    p.add_argument("--max-calls", type=int, default=1000, help="stop after this many SOAP calls (exit 8)")
    p.add_argument("--noop-wait", type=float, default=5.0, help="seconds to pause after NoOp (QBWC: 5)")
    p.add_argument("--timeout", type=float, default=60.0, help="HTTP timeout per call, seconds")
    p.add_argument("--wire", choices=("qbwc", "zeep"), default="qbwc",
                   help="envelope style: byte-for-byte QBWC (default) or zeep's own")
    p.add_argument("--no-expect", action="store_true", help="do not send Expect: 100-continue")
    p.add_argument("--xsd", help="Intuit's qbxmlops130.xsd: check every request against it as well as against the "
                                 "project schema (default: the one in $SETTLEBRIDGE_QBXML_XSD_DIR, when set)")
    p.add_argument("--json-report", metavar="FILE", help="write the session report as JSON")
    p.add_argument("--verbose", action="store_true", help="print every qbXML request")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    return p


def main(argv=None):
    from qbwc_emulator.session import EXIT_USAGE, FaultPlan, Session, UsageError

    args = build_parser().parse_args(argv)
    try:
        qwc = read_qwc(args.qwc) if args.qwc else {}
        url = args.url or qwc.get("AppURL")
        user = args.user or qwc.get("UserName")
        if not url or not user:
            raise UsageError("--url and --user are required (or a --qwc file that has AppURL and UserName)")
        password = args.password
        if args.password_env:
            password = os.environ.get(args.password_env)
            if password is None:
                raise UsageError(f"environment variable {args.password_env} is not set")
        if password is None:
            raise UsageError("--password or --password-env is required")
        faults = FaultPlan()
        if args.faults:
            faults.load_control_file(args.faults)
        for spec in args.fail_request:
            faults.add_fail(spec)
        for spec in args.drop_response:
            faults.add_drop(spec)
        if args.disconnect_at:
            faults.set_disconnect(args.disconnect_at)
        if args.qb_unavailable:
            faults.qb_unavailable = args.qb_unavailable
        if args.connection_error:
            faults.set_connection_error(args.connection_error)
        if args.qbxml_version and not all(p.isdigit() for p in args.qbxml_version.split(".", 1)):
            raise UsageError("--qbxml-version wants MAJOR.MINOR, e.g. 13.0")
        wsdl = args.wsdl or default_wsdl()
        if not wsdl.startswith(("http://", "https://")) and not os.path.exists(wsdl):
            raise UsageError(f"WSDL not found: {wsdl}")
        session = Session(url=url, user=user, password=password, company_state=args.company_state, wsdl=wsdl,
                          client_version=args.client_version, cafile=args.cafile, faults=faults,
                          max_calls=args.max_calls, timeout=args.timeout, wire_style=args.wire,
                          qbxml_version=args.qbxml_version, noop_wait=args.noop_wait,
                          owner_id=qwc.get("OwnerID"), file_id=qwc.get("FileID"), verbose=args.verbose,
                          quiet=args.quiet, expect_continue=not args.no_expect, xsd_path=args.xsd)
    except (UsageError, ValueError, OSError) as exc:
        print(f"emulate: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # zeep cannot read the WSDL, the state file is not a company...
        print(f"emulate: cannot start: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not args.quiet:
        print(f"Web Connector {args.client_version} -> {url} (WSDL {wsdl})")
    try:
        code = session.run()
    except Exception as exc:
        from quickbooks_sim import SimError
        if isinstance(exc, (SimError, OSError)):
            print(f"emulate: {type(exc).__name__}: {exc}", file=sys.stderr)
            session.report["outcome"] = f"setup error: {exc}"
            session.report["exit_code"] = code = EXIT_USAGE
        else:
            raise
    if args.json_report:
        with open(args.json_report, "w", encoding="utf-8") as f:
            json.dump(session.report, f, indent=1, default=str)
            f.write("\n")
    if code != 0 and args.quiet:
        print(f"emulate: {session.report['outcome']} (exit {code})", file=sys.stderr)
    return code


if __name__ == "__main__":
    _bootstrap()
    sys.exit(main())
