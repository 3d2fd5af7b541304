#include "soap/http_handler.hpp"

#include <array>
#include <cctype>
#include <exception>
#include <istream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketAddress.h>

#include "daemon/common/text.hpp"
#include "daemon/net/buffered_message.hpp"
#include "daemon/net/request_reader.hpp"

namespace settlebridge::soap {
namespace {

using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr std::string_view kXmlContentType = "text/xml; charset=utf-8";
constexpr std::string_view kAddressAttribute = "<soap:address location=\"";
// How much of an unwanted body (a PUT to the endpoint, a POST to a wrong path) is read to keep the connection.
constexpr std::size_t kSmallBodyBudget = 64U * 1024U;

void sendText(HTTPServerResponse& response, HTTPResponse::HTTPStatus status, const std::string& text) {
    response.setStatusAndReason(status);
    response.setContentType("text/plain; charset=utf-8");
    response.sendBuffer(text.data(), text.size());
}

std::string xmlAttributeEscape(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (const char c : in) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default: out += c;
        }
    }
    return out;
}

// A Host header we are willing to echo into the WSDL: a host name, IPv4 or bracketed IPv6 address, and a port.
bool plausibleHost(std::string_view host) {
    if (host.empty() || host.size() > 255) {
        return false;
    }
    for (const char c : host) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) == 0 && c != '.' && c != '-' && c != '_' && c != ':' && c != '[' && c != ']') {
            return false;
        }
    }
    return true;
}

// "?wsdl", "?WSDL", "?wsdl=", "?wsdl&x=1" (what .NET, zeep and browsers append).
bool isWsdlQuery(std::string_view query) {
    const std::size_t end = query.find_first_of("=&");
    return common::equalsIgnoreCaseAscii(query.substr(0, end), "wsdl");
}

class EndpointHandler final : public Poco::Net::HTTPRequestHandler {
public:
    EndpointHandler(const QbwcHttpEndpoint& endpoint, bool bodyTooLarge)
        : endpoint_(endpoint), bodyTooLarge_(bodyTooLarge) {}
    void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
        endpoint_.handle(request, response, bodyTooLarge_);
    }

private:
    const QbwcHttpEndpoint& endpoint_;
    bool bodyTooLarge_;
};

// A POST that is not a SOAP request as the Web Connector sends it: answered without reading its body.
class RefusedHandler final : public Poco::Net::HTTPRequestHandler {
public:
    RefusedHandler(int status, std::string text) : status_(status), text_(std::move(text)) {}
    void handleRequest(HTTPServerRequest& /*request*/, HTTPServerResponse& response) override {
        try {
            response.setKeepAlive(false);  // the body (if any) was not read
            sendText(response, static_cast<HTTPResponse::HTTPStatus>(status_), text_);
        } catch (...) {  // the client went away
        }
    }

private:
    int status_;
    std::string text_;
};

bool isSoapContentType(const std::string& value) {
    // "text/xml", optionally with parameters ("; charset=utf-8"), in any case.
    const std::string_view type = std::string_view(value).substr(0, value.find(';'));
    std::size_t end = type.size();
    while (end > 0 && (type[end - 1] == ' ' || type[end - 1] == '\t')) --end;
    return common::equalsIgnoreCaseAscii(type.substr(0, end), "text/xml");
}

class NotFoundHandler final : public Poco::Net::HTTPRequestHandler {
public:
    void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
        try {
            response.setKeepAlive(response.getKeepAlive() && net::drainRequestBody(request, kSmallBodyBudget));
            sendText(response, HTTPResponse::HTTP_NOT_FOUND, "Not found\n");
        } catch (...) {  // the client went away; nothing to answer
        }
    }
};

}  // namespace

QbwcHttpEndpoint::QbwcHttpEndpoint(QbwcOperations& ops, QbwcHttpOptions options)
    : ops_(ops), options_(std::move(options)), log_(Poco::Logger::get("settlebridge.soap")) {
    if (options_.mountPath.empty() || options_.mountPath.front() != '/' ||
        (options_.mountPath.size() > 1 && options_.mountPath.back() == '/')) {
        throw std::invalid_argument("QBWC mount path must start with '/' and not end with one: \"" +
                                    options_.mountPath + "\"");
    }
    const std::string_view wsdl = qbwcWsdl();
    const std::size_t at = wsdl.find(kAddressAttribute);
    const std::size_t valueStart = at == std::string_view::npos ? at : at + kAddressAttribute.size();
    const std::size_t valueEnd = at == std::string_view::npos ? at : wsdl.find('"', valueStart);
    if (valueEnd == std::string_view::npos) {
        throw std::logic_error("wsdl/qbwc.wsdl has no <soap:address location=\"...\"> to fill in");
    }
    wsdlHead_ = std::string(wsdl.substr(0, valueStart));
    wsdlTail_ = std::string(wsdl.substr(valueEnd));
}

int QbwcHttpEndpoint::refusal(const HTTPServerRequest& request, std::string* text) {
    if (!isSoapContentType(request.getContentType())) {
        *text = "The QuickBooks Web Connector endpoint takes SOAP 1.1 requests (Content-Type: text/xml)\n";
        return HTTPResponse::HTTP_UNSUPPORTEDMEDIATYPE;
    }
    if (!request.has("SOAPAction")) {
        *text = "A SOAP request to this endpoint needs a SOAPAction header\n";
        return HTTPResponse::HTTP_BAD_REQUEST;
    }
    return 0;
}

Poco::Net::HTTPRequestHandler* QbwcHttpEndpoint::createRequestHandler(const HTTPServerRequest& request) {
    const Target target = classify(request.getURI());
    if (target == Target::NotFound) {
        return new NotFoundHandler;
    }
    if (target == Target::Soap && request.getMethod() == HTTPRequest::HTTP_POST) {
        std::string text;
        if (const int status = refusal(request, &text); status != 0) {
            // Not 200 any more: no "100 Continue" goes out, and the body is never read.
            request.response().setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(status));
            return new RefusedHandler(status, text);
        }
    }
    bool tooLarge = false;
    if (target == Target::Soap && request.getMethod() == HTTPRequest::HTTP_POST && request.hasContentLength() &&
        options_.limits.maxRequestBytes > 0 &&
        request.getContentLength64() > static_cast<Poco::Int64>(options_.limits.maxRequestBytes)) {
        // Not 200 any more: Poco then does not send "100 Continue", and a client that waits for it (the Web
        // Connector does) never sends the body.
        request.response().setStatusAndReason(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
        tooLarge = true;
    }
    return new EndpointHandler(*this, tooLarge);
}

QbwcHttpEndpoint::Target QbwcHttpEndpoint::classify(const std::string& uri) const {
    const std::size_t q = uri.find('?');
    const std::string_view path = std::string_view(uri).substr(0, q);
    const std::string_view query = q == std::string::npos ? std::string_view() : std::string_view(uri).substr(q + 1);
    const std::string& mount = options_.mountPath;
    if (path == mount || (path.size() == mount.size() + 1 && path.substr(0, mount.size()) == mount &&
                          path.back() == '/')) {
        return isWsdlQuery(query) ? Target::Wsdl : Target::Soap;
    }
    if (path.size() > mount.size() && path.substr(0, mount.size()) == mount && path.substr(mount.size()) == "/wsdl") {
        return Target::Wsdl;
    }
    return Target::NotFound;
}

void QbwcHttpEndpoint::handle(HTTPServerRequest& request, HTTPServerResponse& response, bool bodyTooLarge) const {
    try {
        const std::string& method = request.getMethod();
        switch (classify(request.getURI())) {
        case Target::Soap:
            if (method == HTTPRequest::HTTP_POST) {
                serveSoap(request, response, bodyTooLarge);
            } else {
                response.set("Allow", "POST");
                response.setKeepAlive(response.getKeepAlive() && net::drainRequestBody(request, kSmallBodyBudget));
                sendText(response, HTTPResponse::HTTP_METHOD_NOT_ALLOWED,
                         "The QuickBooks Web Connector endpoint takes SOAP requests by POST; its WSDL is at " +
                             options_.mountPath + "?wsdl\n");
            }
            return;
        case Target::Wsdl:
            if (method == HTTPRequest::HTTP_GET) {
                serveWsdl(request, response);
            } else {
                response.set("Allow", "GET");
                response.setKeepAlive(response.getKeepAlive() && net::drainRequestBody(request, kSmallBodyBudget));
                sendText(response, HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "The WSDL is served by GET\n");
            }
            return;
        case Target::NotFound:
            response.setKeepAlive(response.getKeepAlive() && net::drainRequestBody(request, kSmallBodyBudget));
            sendText(response, HTTPResponse::HTTP_NOT_FOUND, "Not found\n");
            return;
        }
    } catch (const std::exception& e) {
        log_.error("QBWC endpoint: %s %s failed: %s", request.getMethod(), request.getURI(), std::string(e.what()));
    } catch (...) {
        log_.error("QBWC endpoint: %s %s failed", request.getMethod(), request.getURI());
    }
    if (!response.sent()) {
        try {
            response.setKeepAlive(false);
            sendText(response, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "Internal error\n");
        } catch (...) {  // the client went away
        }
    }
}

void QbwcHttpEndpoint::serveSoap(HTTPServerRequest& request, HTTPServerResponse& response, bool bodyTooLarge) const {
    SoapReply reply;
    if (bodyTooLarge) {
        // The body was not read (and, with Expect: 100-continue, not sent): close the connection after answering.
        reply.status = 500;
        reply.body = soapClientFault("The request is larger than the " +
                                     std::to_string(options_.limits.maxRequestBytes) +
                                     " bytes this service accepts.");
        response.setKeepAlive(false);
    } else if (!request.hasContentLength() && !request.getChunkedTransferEncoding()) {
        // HTTP/1.1: a request without Content-Length or chunked encoding has no body (Poco would otherwise read
        // until the client closes the connection).
        std::istringstream empty;
        reply = handleSoap(empty, ops_, options_.limits);
    } else if (const auto* whole = dynamic_cast<const net::BufferedRequest*>(&request)) {
        // Both engines read the body whole before the handler runs: it is used where it lies.
        reply = handleSoap(whole->body(), ops_, options_.limits, request.clientAddress().host().toString());
    } else {
        std::istream& body = request.stream();
        reply = handleSoap(body, ops_, options_.limits, request.clientAddress().host().toString());
        // gSOAP stops reading at the end of the envelope, or at the first error: read the rest (bounded by the
        // same limit) so a keep-alive connection stays in step; close it if that is not possible.
        if (!net::drainBody(body, options_.limits.maxRequestBytes > 0 ? options_.limits.maxRequestBytes : 65536)) {
            response.setKeepAlive(false);
        }
    }
    if (reply.status != 200) {
        log_.warning("QBWC: answered a SOAP fault to " + request.clientAddress().toString());
    }
    response.setStatusAndReason(reply.status == 200 ? HTTPResponse::HTTP_OK
                                                    : HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
    response.setContentType(std::string(kXmlContentType));
    response.sendBuffer(reply.body.data(), reply.body.size());
}

void QbwcHttpEndpoint::serveWsdl(HTTPServerRequest& request, HTTPServerResponse& response) const {
    response.setKeepAlive(response.getKeepAlive() && net::drainRequestBody(request, kSmallBodyBudget));
    const std::string wsdl = wsdlWithAddress(serviceUrlFor(request));
    response.setStatusAndReason(HTTPResponse::HTTP_OK);
    response.setContentType(std::string(kXmlContentType));
    response.sendBuffer(wsdl.data(), wsdl.size());
}

std::string QbwcHttpEndpoint::wsdlWithAddress(std::string_view serviceUrl) const {
    std::string out;
    out.reserve(wsdlHead_.size() + serviceUrl.size() + wsdlTail_.size() + 16);
    out += wsdlHead_;
    out += xmlAttributeEscape(serviceUrl);
    out += wsdlTail_;
    return out;
}

std::string QbwcHttpEndpoint::serviceUrlFor(const HTTPServerRequest& request) const {
    if (!options_.publicUrl.empty()) {
        return options_.publicUrl;
    }
    std::string host = request.get(HTTPRequest::HOST, "");
    if (!plausibleHost(host)) {
        host = request.serverAddress().toString();  // "[::1]:8080" for IPv6
    }
    return std::string(request.secure() ? "https" : "http") + "://" + host + options_.mountPath;
}

}  // namespace settlebridge::soap
