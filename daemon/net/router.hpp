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

/// Answers with a fixed status and text (reading a little of an unwanted body to keep the connection).
class StatusHandler final : public Poco::Net::HTTPRequestHandler {
public:
    StatusHandler(Poco::Net::HTTPResponse::HTTPStatus status, std::string text)
        : status_(status), text_(std::move(text)) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    Poco::Net::HTTPResponse::HTTPStatus status_;
    std::string text_;
};

/// "/api/" matches "/api/x"; "/qbwc" matches "/qbwc", "/qbwc/..." and "/qbwc?..." but not "/qbwcx".
bool prefixMatches(const std::string& prefix, const std::string& uri);

/// Picks the route for a request (longest prefix first); 404 when none matches or the route declines.
class Router final : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Router(std::vector<HttpServer::Route> routes) : routes_(std::move(routes)) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

private:
    std::vector<HttpServer::Route> routes_;  // longest prefix first
};

}  // namespace settlebridge::net
