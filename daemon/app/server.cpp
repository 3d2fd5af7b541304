#include "daemon/app/server.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <utility>

#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>

namespace settlebridge::app {
namespace {

using Poco::Net::HTTPRequestHandler;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr std::size_t kUnwantedBodyBudget = 64U * 1024U;

Poco::Logger& httpLog() { return Poco::Logger::get("settlebridge.http"); }

void sendPlain(HTTPServerResponse& response, HTTPResponse::HTTPStatus status, const std::string& text) {
    response.setStatusAndReason(status);
    response.setContentType("text/plain; charset=utf-8");
    response.sendBuffer(text.data(), text.size());
}

// An answer of our own (404, 500) to a request whose body nobody reads: read it (a little) to keep the
// connection in step, or close it.
void sendPlainAfterDrain(HTTPServerRequest& request, HTTPServerResponse& response, HTTPResponse::HTTPStatus status,
                         const std::string& text) {
    bool drained = false;
    try {
        drained = soap::drainRequestBody(request, kUnwantedBodyBudget);
    } catch (...) {
        drained = false;
    }
    response.setKeepAlive(response.getKeepAlive() && drained);
    sendPlain(response, status, text);
}

class FunctionHandler final : public HTTPRequestHandler {
public:
    explicit FunctionHandler(const HttpServer::Handler& fn) : fn_(fn) {}
    void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
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

private:
    const HttpServer::Handler& fn_;  // owned by the route table, which outlives every request
};

class StatusHandler final : public HTTPRequestHandler {
public:
    StatusHandler(HTTPResponse::HTTPStatus status, std::string text) : status_(status), text_(std::move(text)) {}
    void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
        try {
            sendPlainAfterDrain(request, response, status_, text_);
        } catch (...) {  // the client went away
        }
    }

private:
    HTTPResponse::HTTPStatus status_;
    std::string text_;
};

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

class Router final : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Router(std::vector<HttpServer::Route> routes) : routes_(std::move(routes)) {}

    HTTPRequestHandler* createRequestHandler(const HTTPServerRequest& request) override {
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

private:
    std::vector<HttpServer::Route> routes_;  // longest prefix first
};

std::once_flag sslInitialized;

Poco::Net::Context::Ptr serverContext(const HttpServerConfig& config) {
    std::call_once(sslInitialized, [] { Poco::Net::initializeSSL(); });
    Poco::Net::Context::Params params;
    params.privateKeyFile = config.privateKeyFile;
    params.certificateFile = config.certificateFile;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;  // clients (the Web Connector) have no certificate
    params.loadDefaultCAs = false;
    params.dhUse2048Bits = true;
    try {
        Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
        context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
        context->preferServerCiphers();
        return context;
    } catch (const Poco::Exception& e) {
        throw HttpServerError("cannot use the TLS certificate " + config.certificateFile + " with the key " +
                              config.privateKeyFile + ": " + e.displayText());
    }
}

}  // namespace

HttpServer::HttpServer(HttpServerConfig config) : config_(std::move(config)) {
    if (config_.certificateFile.empty() != config_.privateKeyFile.empty()) {
        throw HttpServerError("HTTPS needs both a certificate file and a private key file; only " +
                              std::string(config_.certificateFile.empty() ? "the key" : "the certificate") +
                              " is configured");
    }
    if (config_.minThreads < 1 || config_.maxThreads < config_.minThreads || config_.maxQueued < 1 ||
        config_.backlog < 1 || config_.ioTimeout.count() <= 0 || config_.keepAliveTimeout.count() <= 0 ||
        config_.maxKeepAliveRequests < 0) {
        throw HttpServerError("invalid HTTP server limits (threads, queue, backlog or timeouts)");
    }
    if (config_.listenAddress.empty()) {
        throw HttpServerError("no listen address configured");
    }
}

HttpServer::~HttpServer() {
    try {
        stop();
    } catch (...) {  // a destructor does not throw; stop() only fails if joining threads does
    }
}

void HttpServer::route(std::string prefix, Handler handler) {
    if (!handler) {
        throw std::invalid_argument("HttpServer::route: empty handler for " + prefix);
    }
    // The handler lives in this shared state, owned by the route, for as long as the router exists.
    auto fn = std::make_shared<Handler>(std::move(handler));
    routeFactory(std::move(prefix), [fn](const HTTPServerRequest&) -> HTTPRequestHandler* {
        return new FunctionHandler(*fn);
    });
}

void HttpServer::routeFactory(std::string prefix, HandlerFactory factory) {
    if (server_) {
        throw std::logic_error("HttpServer: routes are fixed once the server has started");
    }
    if (prefix.empty() || prefix.front() != '/') {
        throw std::invalid_argument("HttpServer: a route prefix starts with '/': \"" + prefix + "\"");
    }
    if (!factory) {
        throw std::invalid_argument("HttpServer::routeFactory: empty factory for " + prefix);
    }
    const auto same = [&](const Route& r) { return r.prefix == prefix; };
    if (std::any_of(routes_.begin(), routes_.end(), same)) {
        throw std::logic_error("HttpServer: route " + prefix + " is already registered");
    }
    routes_.push_back({std::move(prefix), std::move(factory)});
    std::stable_sort(routes_.begin(), routes_.end(),
                     [](const Route& a, const Route& b) { return a.prefix.size() > b.prefix.size(); });
}

void HttpServer::mountQbwc(soap::QbwcOperations& ops, soap::QbwcHttpOptions options) {
    std::string path = options.mountPath;
    auto endpoint = std::make_shared<soap::QbwcHttpEndpoint>(ops, std::move(options));
    routeFactory(std::move(path), [endpoint](const HTTPServerRequest& request) {
        return endpoint->createRequestHandler(request);
    });
}

void HttpServer::start() {
    if (server_) {
        return;
    }
    Poco::Net::SocketAddress address;
    try {
        address = Poco::Net::SocketAddress(config_.listenAddress, config_.port);
    } catch (const Poco::Exception& e) {
        throw HttpServerError("invalid listen address " + config_.listenAddress + ": " + e.displayText());
    }

    Poco::Net::ServerSocket socket;
    try {
        if (secure()) {
            socket = Poco::Net::SecureServerSocket(serverContext(config_));
        }
        // SO_REUSEADDR (restart while old connections linger in TIME_WAIT) but not SO_REUSEPORT, which Poco's
        // two-argument bind() also sets: with it a second daemon could listen on the same port unnoticed.
        socket.bind(address, /*reuseAddress=*/true, /*reusePort=*/false);
        socket.listen(config_.backlog);
    } catch (const Poco::Exception& e) {
        throw HttpServerError("cannot listen on " + address.toString() + ": " + e.displayText());
    }

    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;  // ref-counted, shared
    params->setMaxThreads(config_.maxThreads);
    params->setMaxQueued(config_.maxQueued);
    params->setTimeout(Poco::Timespan(static_cast<long>(config_.ioTimeout.count()), 0));
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(static_cast<long>(config_.keepAliveTimeout.count()), 0));
    params->setMaxKeepAliveRequests(config_.maxKeepAliveRequests);
    if (!config_.serverHeader.empty()) {
        params->setSoftwareVersion(config_.serverHeader);
    }

    // The pool's threads are created here, not in the constructor (a Poco daemon forks after construction).
    auto pool = std::make_unique<Poco::ThreadPool>("http", config_.minThreads, config_.maxThreads);
    auto server = std::make_unique<Poco::Net::HTTPServer>(new Router(routes_), *pool, socket, params);
    server->start();
    boundPort_ = socket.address().port();
    pool_ = std::move(pool);
    server_ = std::move(server);
    httpLog().information("listening on " + baseUrl());
}

void HttpServer::stop() {
    if (!server_) {
        return;
    }
    server_->stopAll(/*abortCurrent=*/false);
    pool_->joinAll();
    server_.reset();
    pool_.reset();
    httpLog().information("stopped listening on port " + std::to_string(boundPort_));
}

bool HttpServer::running() const noexcept { return server_ != nullptr; }

std::uint16_t HttpServer::port() const noexcept { return boundPort_; }

bool HttpServer::secure() const noexcept { return !config_.certificateFile.empty(); }

std::string HttpServer::baseUrl() const {
    std::string host = config_.listenAddress;
    Poco::Net::IPAddress ip;
    if (Poco::Net::IPAddress::tryParse(host, ip) && ip.family() == Poco::Net::IPAddress::IPv6) {
        host = "[" + host + "]";
    }
    return std::string(secure() ? "https" : "http") + "://" + host + ":" + std::to_string(boundPort_);
}

int HttpServer::totalConnections() const { return server_ ? server_->totalConnections() : 0; }

}  // namespace settlebridge::app
