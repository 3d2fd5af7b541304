"""The Web Connector's side of the wire: a zeep client built from the WSDL, speaking HTTP like QBWC does.

QBWC is a .NET 2.0 SOAP client (research/qbwc.md §2; shared/spec/qbwc/envelopes/http-request-headers.captured.txt):
every call is one POST with, in this order, User-Agent "Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services
Client Protocol 2.0.50727.1433)", Content-Type "text/xml; charset=utf-8", a quoted SOAPAction, Host,
Content-Length, "Expect: 100-continue", and "Connection: Keep-Alive" on the first call of a connection; the
envelope uses soap:/xsi:/xsd: prefixes and a default namespace on the operation element
(`<serverVersion xmlns="http://developer.intuit.com/" />`). With wire="qbwc" (the default) this module sends
exactly that; wire="zeep" sends zeep's own serialisation (prefixed ns0:), which a SOAP server must accept too.

zeep does the SOAP work: it builds each message from the WSDL's types and parses every answer against them
(strict), so an answer that does not match the WSDL fails loudly.
"""
import copy
import http.client
import select
import socket
import ssl
import time
import urllib.parse

import requests
import zeep
from lxml import etree
from zeep.plugins import Plugin

INTUIT_NS = "http://developer.intuit.com/"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
QBWC_USER_AGENT = "Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 2.0.50727.1433)"
BINDING = "{http://developer.intuit.com/}QBWebConnectorSvcSoap"
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'


class WireError(Exception):
    """The HTTP exchange failed (connection refused or reset, TLS failure, timeout...)."""


class AnswerMismatch(zeep.exceptions.Error):
    """The server's answer does not match the WSDL (wrong element, wrong content)."""


def wsdl_schema(wsdl_path, transport=None):
    """The XML schema embedded in the WSDL's <wsdl:types>, compiled by lxml (wsdl_path: file or http(s) URL)."""
    if wsdl_path.startswith(("http://", "https://")):
        doc = etree.ElementTree(etree.fromstring(transport.load(wsdl_path)))
    else:
        doc = etree.parse(wsdl_path)
    embedded = doc.find(".//{http://schemas.xmlsoap.org/wsdl/}types/{http://www.w3.org/2001/XMLSchema}schema")
    if embedded is None:
        raise ValueError(f"{wsdl_path}: no <wsdl:types><schema>")
    # A standalone copy with every namespace in scope (QName values such as tns:ArrayOfString need them).
    root = etree.Element(embedded.tag, nsmap=dict(embedded.nsmap), attrib=dict(embedded.attrib))
    for child in embedded:
        root.append(copy.deepcopy(child))
    return etree.XMLSchema(etree.ElementTree(root))


class WsdlAnswerCheck(Plugin):
    """Checks every answer's body element against the WSDL's schema (zeep alone lets e.g. a string result
    wrapped in an extra <string> element through)."""

    def __init__(self, schema):
        self.schema = schema

    def ingress(self, envelope, http_headers, operation):
        body = envelope.find(f"{{{SOAP_NS}}}Body")
        children = [c for c in body if isinstance(c.tag, str)] if body is not None else []
        if not children or children[0].tag == f"{{{SOAP_NS}}}Fault":
            return envelope, http_headers
        answer = children[0]
        expected = f"{{{INTUIT_NS}}}{operation.name}Response"
        if answer.tag != expected:
            raise AnswerMismatch(f"{operation.name}: the answer is {answer.tag}, the WSDL says {expected}")
        if not self.schema.validate(etree.ElementTree(copy.deepcopy(answer))):
            errors = "; ".join(e.message for e in self.schema.error_log)
            raise AnswerMismatch(f"{operation.name}: the answer does not match the WSDL: {errors}")
        return envelope, http_headers


class QbwcStylePlugin(Plugin):
    """Rewrites zeep's envelope into the shape QBWC sends (prefixes soap/xsi/xsd, default namespace on the
    operation, unprefixed children, empty strings as empty elements)."""

    def egress(self, envelope, http_headers, operation, binding_options):
        body = envelope.find(f"{{{SOAP_NS}}}Body")
        op = body[0]
        new_env = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soap": SOAP_NS, "xsi": XSI_NS, "xsd": XSD_NS})
        new_body = etree.SubElement(new_env, f"{{{SOAP_NS}}}Body")
        new_op = etree.SubElement(new_body, f"{{{INTUIT_NS}}}{etree.QName(op).localname}", nsmap={None: INTUIT_NS})
        for child in op:
            c = etree.SubElement(new_op, f"{{{INTUIT_NS}}}{etree.QName(child).localname}")
            if child.text:
                c.text = child.text
        return new_env, http_headers


def serialize(envelope, wire):
    """Envelope bytes as QBWC writes them (declaration with double quotes, "<tag />" for empty elements)."""
    body = etree.tostring(envelope, encoding="utf-8")
    if wire == "qbwc":
        # lxml escapes ">" in text and attribute values, so "/>" only ever closes an empty element here.
        return XML_DECLARATION + body.replace(b"/>", b" />")
    return b"<?xml version='1.0' encoding='utf-8'?>\n" + body


class Exchange:
    """One HTTP exchange as it happened on the wire (kept for the JSON report and for tests)."""

    def __init__(self, operation, request_headers, request_body):
        self.operation = operation
        self.request_headers = request_headers
        self.request_body = request_body
        self.status = None
        self.response_headers = None
        self.response_body = None
        self.elapsed_ms = None
        self.reconnected = False    # a new connection was opened because the server had closed the old one
        self.resent = False         # the request was sent a second time after a keep-alive connection died


def _dropped(conn):
    """True when an idle keep-alive connection was closed by the server (its socket reads EOF or has stray
    bytes), so the next request must go on a new connection."""
    sock = conn.sock
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class QbwcTransport(zeep.Transport):
    """zeep transport over http.client with QBWC's headers and keep-alive behaviour."""

    def __init__(self, cafile=None, timeout=60.0, wire="qbwc", expect_continue=True, user_agent=QBWC_USER_AGENT):
        session = requests.Session()
        if cafile:
            session.verify = cafile     # used only to fetch a WSDL given as an https URL
        super().__init__(session=session, timeout=timeout, operation_timeout=timeout)
        self.cafile = cafile
        self.http_timeout = timeout
        self.wire = wire
        self.expect_continue = expect_continue
        self.user_agent = user_agent
        self.conn = None
        self.conn_uses = 0
        self.exchanges = []
        self.disconnect_next = None   # None, "after-send" or "before-send": cut the next call short

    # -- connections -----------------------------------------------------------------------------------------

    def _connect(self, url):
        parts = urllib.parse.urlsplit(url)
        host, port = parts.hostname, parts.port
        if parts.scheme == "https":
            context = ssl.create_default_context(cafile=self.cafile)
            conn = http.client.HTTPSConnection(host, port or 443, timeout=self.http_timeout, context=context)
        elif parts.scheme == "http":
            conn = http.client.HTTPConnection(host, port or 80, timeout=self.http_timeout)
        else:
            raise WireError(f"unsupported URL scheme {parts.scheme!r} in {url}")
        conn.connect()
        return conn

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _send(self, address, path, ordered, message, exchange, operation, mode):
        if self.conn is None:
            self.conn = self._connect(address)
            self.conn_uses = 0
        headers_now = list(ordered)
        if self.conn_uses == 0:
            headers_now.append(("Connection", "Keep-Alive"))
        exchange.request_headers = headers_now
        self.conn.putrequest("POST", path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers_now:
            self.conn.putheader(name, value)
        self.conn.endheaders(message)
        self.conn_uses += 1
        if mode == "after-send":
            # The Web Connector vanishes after sending: close without reading the answer.
            try:
                self.conn.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.close()
            raise Disconnected(operation, mode)
        response = self.conn.getresponse()
        return response, response.read()

    # -- zeep hooks --------------------------------------------------------------------------------------------

    def post_xml(self, address, envelope, headers):
        return self.post(address, serialize(envelope, self.wire), headers)

    def post(self, address, message, headers):
        parts = urllib.parse.urlsplit(address)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        host_header = parts.netloc
        action = headers.get("SOAPAction", "")
        if action and not action.startswith('"'):
            action = f'"{action}"'
        operation = action.strip('"').rsplit("/", 1)[-1]
        ordered = [("User-Agent", self.user_agent), ("Content-Type", "text/xml; charset=utf-8"),
                   ("SOAPAction", action), ("Host", host_header), ("Content-Length", str(len(message)))]
        if self.expect_continue:
            ordered.append(("Expect", "100-continue"))
        exchange = Exchange(operation, ordered, message)
        self.exchanges.append(exchange)

        mode, self.disconnect_next = self.disconnect_next, None
        if mode == "before-send":
            self.close()
            raise Disconnected(operation, mode)

        start = time.monotonic()
        if self.conn is not None and _dropped(self.conn):
            self.close()    # the server closed the idle keep-alive connection: open a new one before sending
            exchange.reconnected = True
        attempts = 2
        while attempts:
            attempts -= 1
            reused = self.conn is not None
            try:
                response, body = self._send(address, path, ordered, message, exchange, operation, mode)
                break
            except Disconnected:
                raise
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                self.close()
                if not (reused and attempts):
                    raise WireError(f"{operation}: connection lost: {exc}") from exc
                # A reused keep-alive connection died before any answer (the server closed it as we sent):
                # like the .NET client QBWC runs on, send once more on a new connection.
                exchange.resent = True
            except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
                self.close()
                raise WireError(f"{operation}: {type(exc).__name__}: {exc}") from exc
        exchange.elapsed_ms = round((time.monotonic() - start) * 1000, 3)
        exchange.status = response.status
        exchange.response_headers = response.getheaders()
        exchange.response_body = body
        if response.getheader("Connection", "").lower() == "close" or response.will_close:
            self.close()

        result = requests.models.Response()
        result.status_code = response.status
        result.headers = requests.structures.CaseInsensitiveDict(response.getheaders())
        result._content = body
        result.encoding = "utf-8"
        result.url = address
        return result


class Disconnected(Exception):
    """The emulator cut the connection on purpose (--disconnect-at)."""

    def __init__(self, operation, mode):
        super().__init__(f"disconnected {mode} on {operation}")
        self.operation = operation
        self.mode = mode


def make_client(wsdl_path, url, cafile=None, timeout=60.0, wire="qbwc", expect_continue=True):
    """(zeep client, service proxy bound to url, transport). wsdl_path may be a file or a URL such as the
    endpoint's own http://host:port/qbwc?wsdl."""
    transport = QbwcTransport(cafile=cafile, timeout=timeout, wire=wire, expect_continue=expect_continue)
    settings = zeep.Settings(strict=True, xml_huge_tree=True)
    plugins = [WsdlAnswerCheck(wsdl_schema(wsdl_path, transport))]
    if wire == "qbwc":
        plugins.append(QbwcStylePlugin())
    client = zeep.Client(wsdl_path, transport=transport, settings=settings, plugins=plugins)
    service = client.create_service(BINDING, url)
    return client, service, transport
