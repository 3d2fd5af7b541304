#include "daemon/net/poco_engine.hpp"

#include <cerrno>
#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/SharedPtr.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>

#include "daemon/net/router.hpp"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#elif defined(_WIN32)
#include <Poco/UnWindows.h>  // <windows.h> as Poco includes it (after its winsock2.h)
#endif

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

#ifdef __linux__
/// The nice value of connection threads (CFS gives a nice-0 thread about nine times their share).
constexpr int kConnectionNice = 10;
#endif

/// The open connections of the server, so that a stop that runs out of time can hang up on them. Poco's own way
/// (HTTPServer::stopAll(true)) goes through the same event as the graceful stop, which waits on each busy
/// connection's lock in turn; a socket shut from here needs no lock and wakes a thread blocked reading it.
class ConnectionRegistry {
public:
    void add(const void* key, const Poco::Net::StreamSocket& socket) {
        std::lock_guard lock(mutex_);
        sockets_.emplace(key, socket);
    }
    void remove(const void* key) {
        std::lock_guard lock(mutex_);
        sockets_.erase(key);
    }
    /// Shuts the receiving side of every registered socket (a request still being read ends; an answer being
    /// made still goes out), or both sides (`both`: an answer the client does not read is given up). Returns how
    /// many sockets there were.
    int shutAll(bool both) {
        std::lock_guard lock(mutex_);
        for (auto& [key, socket] : sockets_) {
            try {
                if (both) {
                    socket.shutdown();
                } else {
                    socket.shutdownReceive();
                }
            } catch (const Poco::Exception&) {
                // Already closed by its peer: nothing to hang up.
            }
        }
        return static_cast<int>(sockets_.size());
    }

private:
    std::mutex mutex_;
    std::map<const void*, Poco::Net::StreamSocket> sockets_;  // copies share the descriptor, kept open until removed
};

/// Connection threads run at a lower CPU priority than the rest of the daemon (the password checks on the
/// PasswordGate's threads, the schedules, SQLite): a flood of connections is many threads that all want the CPU,
/// and among them a password check would get a sliver of it (a sign-in took 14 s among 60 attacking connections).
/// Once per thread (a lowered priority cannot be raised again without privileges; the pool's threads serve
/// nothing else). Linux: nice 10. Windows (the service runs this engine): THREAD_PRIORITY_BELOW_NORMAL, one step
/// below the normal priority the PasswordGate's threads keep, which the scheduler serves first whenever they are
/// ready. Elsewhere the threads keep the process's priority.
void lowerThreadPriority() {
#if defined(__linux__) || defined(_WIN32)
    thread_local bool lowered = false;
    if (lowered) return;
    lowered = true;
#endif
#ifdef __linux__
    const auto thread = static_cast<id_t>(::syscall(SYS_gettid));
    errno = 0;
    const int nice = ::getpriority(PRIO_PROCESS, thread);
    if (errno == 0 && nice < kConnectionNice) ::setpriority(PRIO_PROCESS, thread, kConnectionNice);
#elif defined(_WIN32)
    // A failure leaves the thread at normal priority: the server works, only less well under a flood.
    (void)::SetThreadPriority(::GetCurrentThread(), THREAD_PRIORITY_BELOW_NORMAL);
#endif
}

class TrackedConnection final : public Poco::Net::HTTPServerConnection {
public:
    TrackedConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                      Poco::Net::HTTPRequestHandlerFactory::Ptr factory, ConnectionRegistry& registry)
        : HTTPServerConnection(socket, std::move(params), std::move(factory)), registry_(registry) {
        registry_.add(this, socket);
    }
    ~TrackedConnection() override { registry_.remove(this); }

    void run() override {
        lowerThreadPriority();
        HTTPServerConnection::run();
    }
    TrackedConnection(const TrackedConnection&) = delete;
    TrackedConnection& operator=(const TrackedConnection&) = delete;

private:
    ConnectionRegistry& registry_;
};

/// Poco's HTTPServerConnectionFactory, with each connection registered.
class TrackedConnectionFactory final : public Poco::Net::TCPServerConnectionFactory {
public:
    TrackedConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr factory,
                             ConnectionRegistry& registry)
        : params_(std::move(params)), factory_(std::move(factory)), registry_(registry) {}
    Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
        return new TrackedConnection(socket, params_, factory_, registry_);
    }

private:
    Poco::Net::HTTPServerParams::Ptr params_;
    Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
    ConnectionRegistry& registry_;
};

class PocoEngine final : public HttpServer::Engine {
public:
    PocoEngine(const HttpServerConfig& config, std::vector<HttpServer::Route> routes)
        : config_(config), routes_(std::move(routes)) {}

    void start(Poco::Net::ServerSocket socket, Poco::Net::Context::Ptr /*tls: in the SecureServerSocket*/) override {
        // The pool's threads are created here, not in the constructor (a Poco daemon forks after construction).
        pool_ = std::make_unique<Poco::ThreadPool>("http", config_.minThreads, config_.maxThreads);
        router_ = new Router(routes_, config_.hostCheck, /*readBodies=*/true);
        const Poco::Net::HTTPServerParams::Ptr params = serverParams(config_);
        server_ = std::make_unique<Poco::Net::TCPServer>(
            new TrackedConnectionFactory(params, Poco::Net::HTTPRequestHandlerFactory::Ptr(router_), registry_), *pool_,
            socket, params);
        server_->start();
    }
    void stop() override {
        // Gracefully first: no new connections, idle ones closed, requests in flight answered. Poco waits for each
        // of those without a limit (a slow client's head holds its connection for ioTimeout), so after stopTimeout
        // the connections still open are hung up on and their threads let go.
        std::promise<void> finished;
        std::future<void> done = finished.get_future();
        std::thread graceful([this, &finished] {
            server_->stop();
            router_->notifyStopped(/*abortCurrent=*/false);
            pool_->joinAll();
            finished.set_value();
        });
        if (done.wait_for(config_.stopTimeout) != std::future_status::ready) {
            // Nothing more is read: requests still arriving end, a handler still working answers and its
            // connection then closes. An answer nobody reads is given up a few seconds later.
            const int busy = registry_.shutAll(/*both=*/false);
            httpLog().warning("stopping: %d connection(s) still busy after %d s: closed", busy,
                              static_cast<int>(config_.stopTimeout.count()));
            const auto giveUp = std::chrono::steady_clock::now() + std::chrono::seconds(3);
            while (done.wait_for(std::chrono::milliseconds(200)) != std::future_status::ready) {
                registry_.shutAll(/*both=*/std::chrono::steady_clock::now() >= giveUp);
            }
        }
        graceful.join();
        server_.reset();
        router_ = nullptr;
        pool_.reset();
    }
    [[nodiscard]] int totalConnections() const override { return server_ ? server_->totalConnections() : 0; }

private:
    const HttpServerConfig& config_;
    std::vector<HttpServer::Route> routes_;
    std::unique_ptr<Poco::ThreadPool> pool_;
    ConnectionRegistry registry_;
    Poco::SharedPtr<Router> router_;  // shared with the connections
    std::unique_ptr<Poco::Net::TCPServer> server_;
};

}  // namespace

std::unique_ptr<HttpServer::Engine> makePocoEngine(const HttpServerConfig& config,
                                                   std::vector<HttpServer::Route> routes) {
    return std::make_unique<PocoEngine>(config, std::move(routes));
}

}  // namespace settlebridge::net
