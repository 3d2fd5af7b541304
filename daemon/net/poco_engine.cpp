#include "daemon/net/poco_engine.hpp"

#include <utility>

#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>

#include "daemon/net/router.hpp"

namespace settlebridge::net {

Poco::Net::HTTPServerParams::Ptr serverParams(const HttpServerConfig& config) {
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;  // ref-counted, shared
    params->setMaxThreads(config.maxThreads);
    params->setMaxQueued(config.maxQueued);
    params->setTimeout(Poco::Timespan(static_cast<long>(config.ioTimeout.count()), 0));
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(static_cast<long>(config.keepAliveTimeout.count()), 0));
    params->setMaxKeepAliveRequests(config.maxKeepAliveRequests);
    if (!config.serverHeader.empty()) {
        params->setSoftwareVersion(config.serverHeader);
    }
    return params;
}

namespace {

class PocoEngine final : public HttpServer::Engine {
public:
    PocoEngine(const HttpServerConfig& config, std::vector<HttpServer::Route> routes)
        : config_(config), routes_(std::move(routes)) {}

    void start(Poco::Net::ServerSocket socket, Poco::Net::Context::Ptr /*tls: in the SecureServerSocket*/) override {
        // The pool's threads are created here, not in the constructor (a Poco daemon forks after construction).
        pool_ = std::make_unique<Poco::ThreadPool>("http", config_.minThreads, config_.maxThreads);
        server_ = std::make_unique<Poco::Net::HTTPServer>(new Router(routes_, config_.hostCheck, /*readBodies=*/true), *pool_, socket,
                                                          serverParams(config_));
        server_->start();
    }
    void stop() override {
        server_->stopAll(/*abortCurrent=*/false);
        pool_->joinAll();
        server_.reset();
        pool_.reset();
    }
    [[nodiscard]] int totalConnections() const override { return server_ ? server_->totalConnections() : 0; }

private:
    const HttpServerConfig& config_;
    std::vector<HttpServer::Route> routes_;
    std::unique_ptr<Poco::ThreadPool> pool_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace

std::unique_ptr<HttpServer::Engine> makePocoEngine(const HttpServerConfig& config,
                                                   std::vector<HttpServer::Route> routes) {
    return std::make_unique<PocoEngine>(config, std::move(routes));
}

}  // namespace settlebridge::net
