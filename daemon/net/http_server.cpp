#include "daemon/net/http_server.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>
#include <utility>

#include <Poco/Exception.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include "daemon/net/engine.hpp"
#include "daemon/net/event_engine.hpp"
#include "daemon/net/poco_engine.hpp"
#include "daemon/net/router.hpp"
#include "daemon/net/tls.hpp"

namespace settlebridge::net {

using Poco::Net::HTTPRequestHandler;
using Poco::Net::HTTPServerRequest;

HttpServer::HttpServer(HttpServerConfig config) : config_(std::move(config)) {
    if (config_.certificateFile.empty() != config_.privateKeyFile.empty()) {
        throw HttpServerError("HTTPS needs both a certificate file and a private key file; only " +
                              std::string(config_.certificateFile.empty() ? "the key" : "the certificate") +
                              " is configured");
    }
    if (config_.minThreads < 1 || config_.maxThreads < config_.minThreads || config_.maxQueued < 1 ||
        config_.backlog < 1 || config_.ioTimeout.count() <= 0 || config_.keepAliveTimeout.count() <= 0 ||
        config_.maxKeepAliveRequests < 0 || config_.ioThreads < 1 || config_.ioThreads > config_.maxThreads ||
        config_.stallThreshold.count() <= 0 || config_.maxHeaderBytes < 256 || config_.maxRequestBytes == 0 ||
        config_.maxConnections < 1 || config_.maxConnectionsPerAddress < 1 || config_.headerTimeout.count() <= 0 ||
        config_.bodyGrace.count() < 0 || config_.maxBufferedBytes < config_.maxHeaderBytes) {
        throw HttpServerError("invalid HTTP server limits (threads, queue, backlog, timeouts or sizes)");
    }
    if (config_.listenAddress.empty()) {
        throw HttpServerError("no listen address configured");
    }
#ifndef __linux__
    if (config_.engine == HttpEngine::EventLoop) {
        throw HttpServerError("the event-loop HTTP engine needs Linux (epoll); use ThreadPerConnection");
    }
#endif
}

HttpServer::~HttpServer() {
    try {
        stop();
    } catch (...) {  // a destructor does not throw; stop() only fails if joining threads does
    }
}

void HttpServer::route(std::string prefix, Handler handler, RouteOptions options) {
    if (!handler) {
        throw std::invalid_argument("HttpServer::route: empty handler for " + prefix);
    }
    // The handler lives in this shared state, owned by the route, for as long as the router exists.
    auto fn = std::make_shared<Handler>(std::move(handler));
    routeFactory(std::move(prefix), [fn](const HTTPServerRequest&) -> HTTPRequestHandler* {
        return new FunctionHandler(*fn);
    }, options);
}

void HttpServer::routeFactory(std::string prefix, HandlerFactory factory, RouteOptions options) {
    if (engine_) {
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
    const std::size_t limit = options.maxBodyBytes > 0 ? options.maxBodyBytes : config_.maxRequestBytes;
    routes_.push_back({std::move(prefix), std::move(factory), limit});
    std::stable_sort(routes_.begin(), routes_.end(),
                     [](const Route& a, const Route& b) { return a.prefix.size() > b.prefix.size(); });
}

void HttpServer::start() {
    if (engine_) {
        return;
    }
    Poco::Net::SocketAddress address;
    try {
        address = Poco::Net::SocketAddress(config_.listenAddress, config_.port);
    } catch (const Poco::Exception& e) {
        throw HttpServerError("invalid listen address " + config_.listenAddress + ": " + e.displayText());
    }

    const bool eventLoop = config_.engine == HttpEngine::EventLoop;
    Poco::Net::Context::Ptr tls;
    if (secure()) {
        tls = serverContext(config_);  // a certificate or key that does not load fails here, before binding
    }
    Poco::Net::ServerSocket socket;
    try {
        if (tls && !eventLoop) {
            socket = Poco::Net::SecureServerSocket(tls);
        }
        // SO_REUSEADDR (restart while old connections linger in TIME_WAIT) but not SO_REUSEPORT, which Poco's
        // two-argument bind() also sets: with it a second daemon could listen on the same port unnoticed.
        socket.bind(address, /*reuseAddress=*/true, /*reusePort=*/false);
        socket.listen(config_.backlog);
    } catch (const Poco::Exception& e) {
        throw HttpServerError("cannot listen on " + address.toString() + ": " + e.displayText());
    }

    std::unique_ptr<Engine> engine;
#ifdef __linux__
    if (eventLoop) {
        engine = makeEventEngine(config_, routes_);
    }
#endif
    if (!engine) {
        engine = makePocoEngine(config_, routes_);
    }
    engine->start(socket, tls);
    boundPort_ = socket.address().port();
    engine_ = std::move(engine);
    std::string engineName = "thread-per-connection engine";
    if (eventLoop) {
        engineName = "event-loop engine, " + std::to_string(config_.ioThreads) +
                     (config_.ioThreads == 1 ? " loop" : " loops");
    }
    httpLog().information("listening on " + baseUrl() + " (" + engineName + ")");
}

int defaultIoThreads() {
    const unsigned cores = std::thread::hardware_concurrency();  // 0 when unknown
    return std::clamp(static_cast<int>(cores / 2), 1, 8);
}

void HttpServer::stop() {
    if (!engine_) {
        return;
    }
    engine_->stop();
    engine_.reset();
    httpLog().information("stopped listening on port " + std::to_string(boundPort_));
}

bool HttpServer::running() const noexcept { return engine_ != nullptr; }

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

int HttpServer::totalConnections() const { return engine_ ? engine_->totalConnections() : 0; }

}  // namespace settlebridge::net
