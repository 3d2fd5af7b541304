#pragma once
// HttpEngine::EventLoop (Linux): epoll, non-blocking sockets, keep-alive connections parked in the kernel instead
// of in threads (daemon/net/http_server.hpp describes it).

#include <memory>
#include <vector>

#include "daemon/net/engine.hpp"

namespace settlebridge::net {

#ifdef __linux__
/// `config` must outlive the engine.
std::unique_ptr<HttpServer::Engine> makeEventEngine(const HttpServerConfig& config,
                                                    std::vector<HttpServer::Route> routes);
#endif

}  // namespace settlebridge::net
