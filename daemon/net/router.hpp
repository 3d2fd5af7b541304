#pragma once
// Routing a request to its handler by the longest matching path prefix, and the server's own small answers
// (404, 500) for requests no route serves.

#include <string>
#include <vector>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include "daemon/net/http_server.hpp"
#include "daemon/net/request_reader.hpp"

namespace settlebridge::net {

/// A plain-text answer (text/plain; charset=utf-8) with this status.
void sendPlain(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
               const std::string& text);

/// Runs an HttpServer::Handler; an exception becomes a 500 (if nothing was sent yet) and is logged.
class FunctionHandler final : public Poco::Net::HTTPRequestHandler {
public:
    explicit FunctionHandler(const HttpServer::Handler& fn) : fn_(fn) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    const HttpServer::Handler& fn_;  // owned by the route table, which outlives every request
};

/// Answers with a fixed status and text: after reading a little of an unwanted body to keep the connection, or
/// (`close`) without reading any of it, closing the connection after the answer.
class StatusHandler final : public Poco::Net::HTTPRequestHandler {
public:
    StatusHandler(Poco::Net::HTTPResponse::HTTPStatus status, std::string text, bool close = false)
        : status_(status), text_(std::move(text)), close_(close) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    Poco::Net::HTTPResponse::HTTPStatus status_;
    std::string text_;
    bool close_;
};

/// "/api/" matches "/api/x"; "/qbwc" matches "/qbwc", "/qbwc/..." and "/qbwc?..." but not "/qbwcx".
bool prefixMatches(const std::string& prefix, const std::string& uri);

/// Picks the route for a request (longest prefix first); 404 when none matches or the route declines. The request
/// head is checked first (daemon/net/request_reader.hpp: framing, the route's body limit): a head refused there is
/// answered without reading its body and the connection closes.
class Router final : public Poco::Net::HTTPRequestHandlerFactory {
public:
    /// The body limit where no route matches (the 404 reads at most this much to keep the connection).
    static constexpr std::size_t kUnroutedBodyBytes = 64U * 1024U;

    /// `readBodies`: the engine hands handlers Poco's streaming request (thread-per-connection); then every
    /// handler is given the body read whole first, within the route's limit, as the event loop does.
    explicit Router(std::vector<HttpServer::Route> routes, HostCheck hosts = {}, bool readBodies = false)
        : routes_(std::move(routes)), hosts_(std::move(hosts)), readBodies_(readBodies) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;
    /// The same with the route (match()) and the head check (checkHead() with its body limit) the caller has made
    /// already: the event loop makes them before it reads the body.
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request,
                                                        const HttpServer::Route* route, const HeadCheck& head);

    /// The route serving `uri`, or nullptr.
    [[nodiscard]] const HttpServer::Route* match(const std::string& uri) const;
    /// The body limit for `uri` (its route's, or kUnroutedBodyBytes).
    [[nodiscard]] std::size_t bodyLimit(const std::string& uri) const;

    /// Whether the request's Host header names this server (HostCheck).
    [[nodiscard]] bool hostAllowed(const Poco::Net::HTTPServerRequest& request) const;

    /// Thread-per-connection: tells every connection of Poco's server that the server stopped (what
    /// HTTPServer::stopAll does): idle ones close at once, busy ones after their request (`abortCurrent`: at once).
    void notifyStopped(bool abortCurrent) { serverStopped.notify(this, abortCurrent); }

private:
    std::vector<HttpServer::Route> routes_;  // longest prefix first
    HostCheck hosts_;
    bool readBodies_;
};

}  // namespace settlebridge::net
