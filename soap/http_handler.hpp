#pragma once
// The Web Connector endpoint on a Poco HTTPServer.
//
//   POST <mount>                    → the SOAP request (soap/endpoint.hpp), answered as text/xml; charset=utf-8:
//                                     200 with the response envelope, or 500 with a SOAP fault. The request must
//                                     be a SOAP 1.1 one, as the Web Connector sends it: Content-Type text/xml and a
//                                     SOAPAction header (a form or fetch() from another site's page cannot send
//                                     both without the browser asking first); otherwise 415 / 400 before its body
//                                     is read, and the connection closes.
//   GET  <mount>?wsdl, <mount>/wsdl → wsdl/qbwc.wsdl with soap:address set to this endpoint's address.
//   other methods                   → 405 with an Allow header; other paths below <mount> → 404.
//
// `Expect: 100-continue` (sent by the Web Connector on every call): Poco's HTTPServerConnection answers
// "100 Continue" itself before calling the handler, unless the response status was changed from 200 when the
// handler was created. createRequestHandler() uses that to refuse a body larger than the limit before the client
// sends it. Keep-alive: the body is always read to its end (or the connection is closed), so the next request
// on the connection starts where it should.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include "soap/endpoint.hpp"
#include "soap/qbwc_operations.hpp"

namespace settlebridge::soap {

struct QbwcHttpOptions {
    /// Path the endpoint answers on (the .qwc file's AppURL path).
    std::string mountPath = "/qbwc";
    /// Address written into the served WSDL, e.g. "https://books.example.com:8443/qbwc". Empty: the address the
    /// client used (scheme of the connection + its Host header + mountPath), or the socket address without Host.
    std::string publicUrl;
    SoapLimits limits;
};

/// Serves the Web Connector endpoint. Also a Poco request handler factory for a server that serves nothing
/// else (paths outside mountPath get 404); the daemon's router calls createRequestHandler() for its "/qbwc" route.
/// Thread-safe: one instance serves all connections; it holds no per-request state.
class QbwcHttpEndpoint final : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit QbwcHttpEndpoint(QbwcOperations& ops, QbwcHttpOptions options = {});

    /// A new handler for this request (Poco owns and deletes it). A POST whose Content-Length is over the
    /// limit is marked here, before Poco would send "100 Continue", and is refused without reading the body.
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

    /// Serves one request addressed to mountPath (or below it). Never throws.
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                bool bodyTooLarge) const;

    /// The WSDL with soap:address location="serviceUrl" (the URL is XML-escaped here).
    [[nodiscard]] std::string wsdlWithAddress(std::string_view serviceUrl) const;

    /// The service URL to advertise for a request: options.publicUrl, or derived from the request.
    [[nodiscard]] std::string serviceUrlFor(const Poco::Net::HTTPServerRequest& request) const;

    [[nodiscard]] const QbwcHttpOptions& options() const noexcept { return options_; }

private:
    enum class Target { Soap, Wsdl, NotFound };
    [[nodiscard]] Target classify(const std::string& uri) const;
    void serveSoap(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                   bool bodyTooLarge) const;
    /// Why a POST to the SOAP address is refused before its body is read (an HTTP status and text), or 0.
    [[nodiscard]] static int refusal(const Poco::Net::HTTPServerRequest& request, std::string* text);
    void serveWsdl(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) const;

    QbwcOperations& ops_;
    QbwcHttpOptions options_;
    std::string wsdlHead_;  // the WSDL up to and including `<soap:address location="`
    std::string wsdlTail_;  // from the closing quote of the location on
    Poco::Logger& log_;
};

}  // namespace settlebridge::soap
