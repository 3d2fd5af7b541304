#!/usr/bin/env python3
"""Calls the running Settlebridge QBWC endpoint with python3-zeep, a SOAP client built from the WSDL.

usage: zeep_client.py WSDL_FILE SERVICE_URL
  1. loads WSDL_FILE (the project's wsdl/qbwc.wsdl) and calls serverVersion at SERVICE_URL;
  2. loads the WSDL the server serves at SERVICE_URL?wsdl (its soap:address must point back at the server)
     and calls all eight operations with non-ASCII text.
Prints one JSON object with what the server answered; exits non-zero on any error.
"""
import json
import sys

import zeep

BINDING = "{http://developer.intuit.com/}QBWebConnectorSvcSoap"
TEXT = "M\u00fcller \u6771\u4eac"  # Müller 東京


def main() -> int:
    wsdl_file, url = sys.argv[1], sys.argv[2]
    out = {}

    from_file = zeep.Client(wsdl_file).create_service(BINDING, url)
    out["file.serverVersion"] = from_file.serverVersion()

    served = zeep.Client(url + "?wsdl")
    out["served.address"] = served.service._binding_options["address"]
    svc = served.service
    out["serverVersion"] = svc.serverVersion()
    out["clientVersion"] = svc.clientVersion(strVersion="2.3.0.215")
    auth = svc.authenticate(strUserName=TEXT, strPassword="p\u20acss")
    items = auth if isinstance(auth, list) else auth.string  # zeep flattens ArrayOfString to a list
    out["authenticate"] = ["" if s is None else s for s in items]
    out["sendRequestXML"] = svc.sendRequestXML(
        ticket="t-1", strHCPResponse="<QBXML>" + TEXT + "</QBXML>", strCompanyFileName="C:\\" + TEXT + ".QBW",
        qbXMLCountry="US", qbXMLMajorVers=13, qbXMLMinorVers=0)
    out["receiveResponseXML"] = svc.receiveResponseXML(
        ticket="t-1", response="<QBXML><X a=\"&amp;\"/></QBXML>", hresult="", message="")
    out["connectionError"] = svc.connectionError(ticket="t-1", hresult="0x80040408", message=TEXT)
    out["getLastError"] = svc.getLastError(ticket="t-1")
    out["closeConnection"] = svc.closeConnection(ticket="t-1")
    json.dump(out, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
