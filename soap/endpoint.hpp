#pragma once
// The QuickBooks Web Connector SOAP endpoint: one SOAP request in, one SOAP response out.
//
// This header is free of gSOAP types; soap/endpoint.cpp is the only file that includes gSOAP headers.
// It decodes the request (document/literal SOAP 1.1, namespace http://developer.intuit.com/, UTF-8 strings),
// calls the matching QbwcOperations method, and encodes the answer. Dispatch is on the Body's element, not on
// the SOAPAction header. Requests are validated strictly against wsdl/qbwc.wsdl (gSOAP SOAP_XML_STRICT: every
// captured Web Connector request passes). Anything wrong with the request (not XML, no Body, an unknown
// operation or argument, a wrong namespace, a bad int, too large) or an exception thrown by an operation becomes
// a SOAP fault with HTTP status 500 (Client fault for the request, Server fault naming the operation for an
// exception); nothing throws out of handleSoap. Strings an operation returns are made XML-safe (bytes that are
// not UTF-8 and characters XML forbids become U+FFFD), so the response is always well-formed.

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

#include "soap/envelope_scan.hpp"
#include "soap/qbwc_operations.hpp"

namespace settlebridge::soap {

struct SoapLimits {
    /// Largest request body accepted, in bytes; a larger one is answered with a fault. qbXML responses the
    /// Web Connector relays can be a few MB; 16 MiB leaves room without letting one request eat the memory.
    /// Only receiveResponseXML may be that large: the other operations have smaller limits (soap/envelope_scan.hpp).
    std::size_t maxRequestBytes = 16U * 1024U * 1024U;
    /// What the cheap pre-scan refuses before gSOAP parses anything (attributes, namespaces, per-operation sizes).
    EnvelopeLimits envelope;
};

struct SoapReply {
    int status = 200;   // HTTP status: 200, or 500 with a SOAP fault in body
    std::string body;   // the SOAP envelope (UTF-8)
};

/// Serves one SOAP request read from `body` (the HTTP entity, without headers). Each thread has one gSOAP context
/// of its own, reused from call to call and fully reset between them (re-initialised after a request that failed),
/// so concurrent calls from several threads are safe as long as `ops` is, and nothing of one call reaches the next.
/// The body is read whole (up to limits.maxRequestBytes) and pre-scanned (soap/envelope_scan.hpp) before gSOAP sees
/// it. `clientAddress` goes to QbwcOperations::authenticateFrom.
SoapReply handleSoap(std::istream& body, QbwcOperations& ops, const SoapLimits& limits = {},
                     const std::string& clientAddress = {});
/// The same for a body already in memory (the HTTP front reads every body whole first): nothing is copied.
SoapReply handleSoap(std::string_view body, QbwcOperations& ops, const SoapLimits& limits = {},
                     const std::string& clientAddress = {});

/// A SOAP 1.1 Client fault envelope with this message (for requests refused before they are parsed).
std::string soapClientFault(std::string_view message);

/// wsdl/qbwc.wsdl as built into the binary (embedded at build time; soap:address is a placeholder).
std::string_view qbwcWsdl() noexcept;

}  // namespace settlebridge::soap
