#include "daemon/net/router.hpp"

#include <algorithm>
#include <exception>
#include <istream>
#include <memory>
#include <string_view>
#include <utility>

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/IPAddress.h>

#include "daemon/net/buffered_message.hpp"
#include "daemon/net/engine.hpp"
#include "daemon/net/request_reader.hpp"
#include "daemon/net/tls.hpp"

namespace settlebridge::net {

using Poco::Net::HTTPRequestHandler;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

namespace {

constexpr std::size_t kUnwantedBodyBudget = 64U * 1024U;

// An answer of our own (404, 500) to a request whose body nobody reads: read it (a little) to keep the
// connection in step, or close it.
void sendPlainAfterDrain(HTTPServerRequest& request, HTTPServerResponse& response, HTTPResponse::HTTPStatus status,
                         const std::string& text) {
    bool drained = false;
    try {
        drained = drainRequestBody(request, kUnwantedBodyBudget);
    } catch (...) {
        drained = false;
    }
    response.setKeepAlive(response.getKeepAlive() && drained);
    sendPlain(response, status, text);
}

// Thread-per-connection: reads the body whole (Content-Length or chunked) within the route's limit before the
// route's handler runs, and hands that handler the same in-memory request the event loop gives it. A body that
// grows past the limit gets 413 and the connection closes.
class BodyFirstHandler final : public HTTPRequestHandler {
public:
    BodyFirstHandler(HTTPRequestHandler* inner, std::size_t limit) : inner_(inner), limit_(limit) {}
    void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
        std::string body;
        try {
            if (request.hasContentLength() || request.getChunkedTransferEncoding()) {
                std::istream& in = request.stream();
                char buffer[16384];
                while (in.read(buffer, sizeof buffer), in.gcount() > 0) {
                    body.append(buffer, static_cast<std::size_t>(in.gcount()));
                    if (body.size() > limit_) {
                        response.setKeepAlive(false);
                        sendPlain(response, HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, "Request body too large\n");
                        return;
                    }
                }
                if (in.bad()) {
                    return;  // the client went away
                }
            }
        } catch (...) {  // a malformed chunked body, or the client went away
            try {
                response.setKeepAlive(false);
                sendPlain(response, HTTPResponse::HTTP_BAD_REQUEST, "Bad request\n");
            } catch (...) {
            }
            return;
        }
        BufferedRequest whole(response, request.clientAddress(), request.serverAddress(), request.serverParams(),
                              request.secure());
        whole.setMethod(request.getMethod());
        whole.setURI(request.getURI());
        whole.setVersion(request.getVersion());
        for (const auto& [name, value] : request) {
            whole.add(name, value);
        }
        whole.setBody(body.data(), body.size());
        inner_->handleRequest(whole, response);
    }

private:
    std::unique_ptr<HTTPRequestHandler> inner_;
    std::size_t limit_;
};

}  // namespace

Poco::Logger& httpLog() { return Poco::Logger::get("settlebridge.http"); }

void sendPlain(HTTPServerResponse& response, HTTPResponse::HTTPStatus status, const std::string& text) {
    response.setStatusAndReason(status);
    response.setContentType("text/plain; charset=utf-8");
    response.sendBuffer(text.data(), text.size());
}

void FunctionHandler::handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) {
    // No exception crosses a Poco handler: it would end the connection without an answer.
    try {
        fn_(request, response);
        return;
    } catch (const std::exception& e) {
        httpLog().error("%s %s failed: %s", request.getMethod(), request.getURI(), std::string(e.what()));
    } catch (...) {
        httpLog().error("%s %s failed", request.getMethod(), request.getURI());
    }
    if (!response.sent()) {
        try {
            response.setKeepAlive(false);
            sendPlain(response, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "Internal error\n");
        } catch (...) {  // the client went away
        }
    }
}

void StatusHandler::handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) {
    try {
        if (close_) {
            response.setKeepAlive(false);
            sendPlain(response, status_, text_);
            return;
        }
        sendPlainAfterDrain(request, response, status_, text_);
    } catch (...) {  // the client went away
    }
}

bool prefixMatches(const std::string& prefix, const std::string& uri) {
    if (uri.compare(0, prefix.size(), prefix) != 0) {
        return false;
    }
    if (prefix.back() == '/' || uri.size() == prefix.size()) {
        return true;
    }
    const char next = uri[prefix.size()];
    return next == '/' || next == '?';
}

const HttpServer::Route* Router::match(const std::string& uri) const {
    for (const auto& route : routes_) {
        if (prefixMatches(route.prefix, uri)) {
            return &route;
        }
    }
    return nullptr;
}

std::size_t Router::bodyLimit(const std::string& uri) const {
    const HttpServer::Route* route = match(uri);
    return route != nullptr ? route->maxBodyBytes : kUnroutedBodyBytes;
}

namespace {

/// "a.b.c.d", each part 1 to 3 digits up to 255.
bool isDottedQuad(std::string_view text) {
    int parts = 0;
    std::size_t i = 0;
    while (i <= text.size()) {
        std::size_t digits = 0;
        int value = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 4) {
            value = value * 10 + (text[i] - '0');
            ++digits;
            ++i;
        }
        if (digits == 0 || digits > 3 || value > 255) return false;
        ++parts;
        if (i == text.size()) return parts == 4;
        if (text[i] != '.' || parts == 4) return false;
        ++i;
    }
    return false;
}

}  // namespace

bool Router::hostAllowed(const HTTPServerRequest& request) const {
    if (!hosts_.enabled || !request.has(Poco::Net::HTTPRequest::HOST)) {
        return true;  // (HTTP/1.0 without Host: nothing to rebind)
    }
    const std::string& value = request.get(Poco::Net::HTTPRequest::HOST);
    if (isDottedQuad(std::string_view(value).substr(0, value.find(':')))) {
        return true;  // the common case (the Web Connector on this machine, a LAN address): no copy, no parser
    }
    std::string host = value;
    // Strip the port: "[::1]:8080" -> "::1", "books.example:443" -> "books.example".
    if (!host.empty() && host.front() == '[') {
        const std::size_t close = host.find(']');
        if (close == std::string::npos) return false;
        host = host.substr(1, close - 1);
    } else if (const std::size_t colon = host.find(':'); colon != std::string::npos) {
        host.resize(colon);
    }
    for (char& c : host) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    while (!host.empty() && host.back() == '.') host.pop_back();  // "localhost." is "localhost"
    Poco::Net::IPAddress ip;
    if (host == "localhost" || Poco::Net::IPAddress::tryParse(host, ip)) {
        return true;
    }
    return std::find(hosts_.names.begin(), hosts_.names.end(), host) != hosts_.names.end();
}

HTTPRequestHandler* Router::createRequestHandler(const HTTPServerRequest& request) {
    const HttpServer::Route* route = match(request.getURI());
    return createRequestHandler(request, route,
                                checkHead(request, route != nullptr ? route->maxBodyBytes : kUnroutedBodyBytes));
}

HTTPRequestHandler* Router::createRequestHandler(const HTTPServerRequest& request, const HttpServer::Route* route,
                                                 const HeadCheck& head) {
    const std::string& uri = request.getURI();
    if (request.secure()) {
        request.response().set("Strict-Transport-Security", std::string(kHstsValue));
    }
    if (!hostAllowed(request)) {
        request.response().setStatusAndReason(HTTPResponse::HTTP_MISDIRECTED_REQUEST);
        request.response().setKeepAlive(false);
        return new StatusHandler(HTTPResponse::HTTP_MISDIRECTED_REQUEST,
                                 "This server does not answer to that host name (settlebridge.http.host_names)\n",
                                 /*close=*/true);
    }
    if (!head.ok()) {
        // Not 200 any more: no "100 Continue" goes out, and the body is never read.
        request.response().setStatusAndReason(head.status);
        request.response().setKeepAlive(false);
        return new StatusHandler(head.status, head.reason, /*close=*/true);
    }
    if (route != nullptr) {
        try {
            if (HTTPRequestHandler* handler = route->factory(request)) {
                if (readBodies_ && request.response().getStatus() == HTTPResponse::HTTP_OK) {
                    return new BodyFirstHandler(handler, route->maxBodyBytes);
                }
                return handler;
            }
        } catch (const std::exception& e) {
            httpLog().error("%s %s: no handler: %s", request.getMethod(), uri, std::string(e.what()));
            return new StatusHandler(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "Internal error\n");
        }
        // the route declined (nullptr): 404, never Poco's bare 501
    }
    return new StatusHandler(HTTPResponse::HTTP_NOT_FOUND, "Not found\n");
}

}  // namespace settlebridge::net
