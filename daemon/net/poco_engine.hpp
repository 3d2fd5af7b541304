#pragma once
// HttpEngine::ThreadPerConnection: Poco's HTTPServer, one thread per open connection (portable; the engine where
// epoll is missing).

#include <memory>
#include <vector>

#include "daemon/net/engine.hpp"

namespace settlebridge::net {

/// `config` must outlive the engine.
std::unique_ptr<HttpServer::Engine> makePocoEngine(const HttpServerConfig& config,
                                                   std::vector<HttpServer::Route> routes);

}  // namespace settlebridge::net
