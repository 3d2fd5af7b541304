#pragma once
// The daemon's one HTTP(S) server: the Web Connector endpoint (/qbwc), the admin page (/) and its API (/api/),
// all on one port, behind one router.
//
//   HttpServer server(config);                       // nothing is bound or started yet
//   app::mountQbwc(server, operations);              // POST /qbwc, GET /qbwc?wsdl (daemon/app/qbwc_route.hpp)
//   server.route("/api/", [](auto& req, auto& resp) { ... });
//   server.start();                                  // binds, listens, serves; server.port() = the real port
//   ...
//   server.stop();                                   // running requests finish, idle connections close
//
// Handlers are Poco request handlers (HTTPServerRequest / HTTPServerResponse) whichever engine serves them:
//
// - HttpEngine::EventLoop (the default on Linux): epoll, non-blocking sockets, keep-alive connections parked in
//   the kernel instead of in threads. `ioThreads` loops (half the cores, at least 1: defaultIoThreads()), each an epoll instance with its share of
//   the connections (given out in turn as they are accepted), each run by one thread that reads, parses and runs
//   the handlers inline; a handler that runs longer than `stallThreshold` (a password hash, a slow SQLite commit)
//   makes the watchdog give its loop to another thread, so one slow request never holds up the rest (threads are
//   added on demand up to maxThreads). A request is read whole (headers, then the body, up to maxRequestBytes)
//   before its handler runs; the answer is buffered, gets its Content-Length, and is written when the loop's batch
//   of events is done. "Expect: 100-continue" is answered by the server once the route's factory has seen the
//   headers (a factory that sets a status other than 200 refuses the body, as with Poco). Idle connections close
//   after keepAliveTimeout, stalled transfers after ioTimeout. HTTPS: OpenSSL on the same loops, with the Poco
//   NetSSL context made from the certificate and key. Measured in BENCHMARKS.md (Web Connector endpoint).
// - HttpEngine::ThreadPerConnection: Poco's HTTPServer, one thread per open connection (maxThreads of them,
//   maxQueued more connections waiting); portable, used where epoll is missing.
//
// Threads belong to the server and are joined by stop(); nothing else uses them. HTTPS when a certificate and a
// key are configured (the Web Connector accepts plain http only for localhost). Routes are fixed once started.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace settlebridge::net {

/// How connections are served (see the top of this file).
enum class HttpEngine {
    EventLoop,            // Linux only (epoll)
    ThreadPerConnection,  // Poco::Net::HTTPServer
};

/// The event loops when none are configured: half the machine's cores, at least 1 and at most 8. A loop thread
/// serving a busy endpoint keeps its core; the other half is left to the clients and the rest of the machine (the
/// schedulers, SQLite, a Web Connector on the same host). On the 2-core reference machine one loop gave the lower
/// tail latency at 64 connections and two the higher throughput (BENCHMARKS.md, Web Connector endpoint).
int defaultIoThreads();

/// Which Host headers the server answers (DNS rebinding: a page on attacker.example that the attacker's DNS
/// points at this machine sends Host: attacker.example). IP addresses and "localhost" are always accepted (a
/// browser's origin for them is the address itself); other names only when listed. Off by default (the daemon
/// turns it on); a request for another name gets 421 and the connection closes.
struct HostCheck {
    bool enabled = false;
    std::vector<std::string> names;  // lower case, without port
};

struct HttpServerConfig {
    /// Address to listen on: "127.0.0.1" (default: this machine only), "0.0.0.0", "::", or a host's address.
    std::string listenAddress = "127.0.0.1";
    /// TCP port; 0 = any free port (read it back with HttpServer::port()).
    std::uint16_t port = 8080;
    /// HTTPS when both are set: the certificate (PEM, may hold the chain after it) and its private key (PEM,
    /// not encrypted: protect the file with its permissions). Only one of them set is a configuration error.
    std::string certificateFile;
    std::string privateKeyFile;

#ifdef __linux__
    HttpEngine engine = HttpEngine::EventLoop;
#else
    HttpEngine engine = HttpEngine::ThreadPerConnection;
#endif

    int minThreads = 2;                            // threads started with the server
    /// EventLoop: most threads ever serving (loop threads plus those held by stalled handlers).
    /// ThreadPerConnection: connections served at once.
    int maxThreads = 64;
    /// ThreadPerConnection: accepted connections waiting for a thread. EventLoop: with maxThreads, bounds the
    /// open connections (maxThreads + maxQueued; one more is accepted and closed at once).
    int maxQueued = 256;
    int backlog = 128;                             // the listen queue
    std::chrono::seconds ioTimeout{60};            // a stalled read or write ends the connection
    std::chrono::seconds keepAliveTimeout{15};     // an idle keep-alive connection is closed after this
    int maxKeepAliveRequests = 0;                  // 0 = unlimited requests per connection
    std::string serverHeader = "Settlebridge";     // the Server: header ("" = none)

    /// A route's request body limit unless the route sets its own (RouteOptions); a larger body gets 413 as soon
    /// as its Content-Length is read, or as soon as a chunked body grows past it.
    std::size_t maxRequestBytes = 1024U * 1024U;

    // EventLoop only.
    int ioThreads = defaultIoThreads();            // event loops, each run by one thread (1 to maxThreads)
    std::chrono::milliseconds stallThreshold{10};  // a handler running longer frees its loop for another thread
    std::size_t maxHeaderBytes = 16U * 1024U;      // request line and headers; more gets 431

    // EventLoop only: limits against slow and greedy clients (docs/SECURITY.md lists them with their reasons).
    /// Open connections at once (one more is accepted and closed at once); the process's open-file limit is
    /// raised to fit when the hard limit allows.
    int maxConnections = 1024;
    /// Open connections from one client address (an IPv6 client: from its /64 network); more are accepted and
    /// closed at once. Above the 64 connections of the reference benchmark (BENCHMARKS.md), far below
    /// maxConnections.
    int maxConnectionsPerAddress = 128;
    /// A request's line and headers must all arrive within this from its first byte (408 and close otherwise).
    std::chrono::seconds headerTimeout{10};
    /// A request body, and an answer the client is reading, must move at least minTransferRate bytes a second on
    /// average, counted from bodyGrace after it started; slower connections are closed.
    std::chrono::seconds bodyGrace{10};
    std::size_t minTransferRate = 4096;
    /// Request bytes held in memory across all connections (heads, bodies, chunked bodies being decoded). A
    /// request that would take more than its share when the budget is used up gets 503 and the connection closes.
    std::size_t maxBufferedBytes = 48U * 1024U * 1024U;

    /// Both engines.
    HostCheck hostCheck;
    /// stop(): requests in flight get this long to finish; then their connections are closed (a handler still
    /// computing finishes its computation, but nobody waits for a slow client any more).
    std::chrono::seconds stopTimeout{10};
};

/// Per-route settings (HttpServer::route, routeFactory).
struct RouteOptions {
    /// The largest request body this route takes; 0 = HttpServerConfig::maxRequestBytes.
    std::size_t maxBodyBytes = 0;
};

/// A configuration or start-up failure (address in use, unreadable certificate...), with a message for the user.
class HttpServerError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class HttpServer {
public:
    /// Serves one request. An exception thrown here becomes a 500 (if nothing was sent yet) and is logged.
    using Handler = std::function<void(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse&)>;
    /// Makes the handler for one request (Poco owns and deletes it), for handlers that must see the request
    /// before Poco answers "Expect: 100-continue" (see soap/http_handler.hpp).
    using HandlerFactory = std::function<Poco::Net::HTTPRequestHandler*(const Poco::Net::HTTPServerRequest&)>;

    /// Checks the configuration (throws HttpServerError); binds nothing yet.
    explicit HttpServer(HttpServerConfig config);
    ~HttpServer();  // stop()
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// Routes requests whose path starts with `prefix` to `handler`. The longest matching prefix wins.
    /// "/api/" matches "/api/x"; "/qbwc" matches "/qbwc", "/qbwc/..." and "/qbwc?..." but not "/qbwcx";
    /// "/" matches everything (the fallback). Unmatched paths get 404. Before start() only; a prefix once only.
    void route(std::string prefix, Handler handler, RouteOptions options = {});
    void routeFactory(std::string prefix, HandlerFactory factory, RouteOptions options = {});

    /// Binds, listens and starts serving. Throws HttpServerError if that fails (nothing is left running).
    void start();
    /// Stops accepting; requests being served finish and get their answer; idle keep-alive connections are
    /// closed; after config().stopTimeout the connections still open are closed; the threads are joined.
    /// Idempotent; start() may be called again afterwards.
    void stop();

    [[nodiscard]] bool running() const noexcept;
    /// The bound port (the real one when the configuration said 0). Only meaningful while running.
    [[nodiscard]] std::uint16_t port() const noexcept;
    [[nodiscard]] bool secure() const noexcept;
    /// "http://127.0.0.1:8080" / "https://[::1]:8443": where this server can be reached on its listen address.
    [[nodiscard]] std::string baseUrl() const;
    /// Connections accepted since start() (for tests and the admin page).
    [[nodiscard]] int totalConnections() const;
    [[nodiscard]] const HttpServerConfig& config() const noexcept { return config_; }

    struct Route {
        std::string prefix;
        HandlerFactory factory;
        std::size_t maxBodyBytes = 0;  // resolved: never 0 once routed
    };

    /// What serves the connections (one of the engines above; daemon/net/engine.hpp).
    class Engine;

private:
    HttpServerConfig config_;
    std::vector<Route> routes_;  // longest prefix first
    std::unique_ptr<Engine> engine_;
    std::uint16_t boundPort_ = 0;
};

}  // namespace settlebridge::net
