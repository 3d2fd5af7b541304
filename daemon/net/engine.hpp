#pragma once
// What serves an HttpServer's connections: the listening socket, the threads, the connections. Two engines
// (daemon/net/http_server.hpp explains when each is used): event_engine (epoll, Linux) and poco_engine.

#include <memory>
#include <vector>

#include <Poco/Logger.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>

#include "daemon/net/http_server.hpp"

namespace settlebridge::net {

/// The part of the server that owns the listening socket, the threads and the connections.
class HttpServer::Engine {
public:
    virtual ~Engine() = default;
    /// Starts serving on the bound, listening socket (the engine takes it over); `tls` is set for HTTPS.
    virtual void start(Poco::Net::ServerSocket socket, Poco::Net::Context::Ptr tls) = 0;
    virtual void stop() = 0;
    [[nodiscard]] virtual int totalConnections() const = 0;
};

/// The "settlebridge.http" logger every part of the front logs to.
Poco::Logger& httpLog();

/// Poco's server parameters (threads, queue, timeouts, keep-alive, Server header) from the configuration.
Poco::Net::HTTPServerParams::Ptr serverParams(const HttpServerConfig& config);

}  // namespace settlebridge::net
