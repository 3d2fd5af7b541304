#include "daemon/net/router.hpp"

#include <exception>
#include <utility>

#include "daemon/net/engine.hpp"
#include "daemon/net/request_reader.hpp"

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

HTTPRequestHandler* Router::createRequestHandler(const HTTPServerRequest& request) {
    const std::string& uri = request.getURI();
    for (const auto& route : routes_) {
        if (!prefixMatches(route.prefix, uri)) {
            continue;
        }
        try {
            if (HTTPRequestHandler* handler = route.factory(request)) {
                return handler;
            }
        } catch (const std::exception& e) {
            httpLog().error("%s %s: no handler: %s", request.getMethod(), uri, std::string(e.what()));
            return new StatusHandler(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "Internal error\n");
        }
        break;  // the route declined (nullptr): 404, never Poco's bare 501
    }
    return new StatusHandler(HTTPResponse::HTTP_NOT_FOUND, "Not found\n");
}

}  // namespace settlebridge::net
