#pragma once
// The daemon's one HTTP(S) server: the Web Connector endpoint (/qbwc), and later the admin page (/) and its API
// (/api/), all on one port, behind one router.
//
//   HttpServer server(config);                       // nothing is bound or started yet
//   server.mountQbwc(operations);                    // POST /qbwc, GET /qbwc?wsdl
//   server.route("/api/", [](auto& req, auto& resp) { ... });
//   server.start();                                  // binds, listens, serves; server.port() = the real port
//   ...
//   server.stop();                                   // running requests finish, idle connections close
//
// Threads: one explicit pool owned by the server (Poco's HTTPServer runs one open connection per thread, so
// maxThreads bounds the connections served at once; more wait in a queue of maxQueued). Nothing else uses it.
// HTTPS: Poco NetSSL when a certificate and a key are configured (the Web Connector accepts plain http only for
// localhost). Routes are fixed once the server has started.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include "soap/http_handler.hpp"
#include "soap/qbwc_operations.hpp"

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
}
}  // namespace Poco

namespace settlebridge::app {

struct HttpServerConfig {
    /// Address to listen on: "127.0.0.1" (default: this machine only), "0.0.0.0", "::", or a host's address.
    std::string listenAddress = "127.0.0.1";
    /// TCP port; 0 = any free port (read it back with HttpServer::port()).
    std::uint16_t port = 8080;
    /// HTTPS when both are set: the certificate (PEM, may hold the chain after it) and its private key (PEM,
    /// not encrypted: protect the file with its permissions). Only one of them set is a configuration error.
    std::string certificateFile;
    std::string privateKeyFile;

    int minThreads = 2;                            // started with the server
    int maxThreads = 64;                           // connections served at once
    int maxQueued = 256;                           // accepted connections waiting for a thread
    int backlog = 128;                             // the listen queue
    std::chrono::seconds ioTimeout{60};            // a stalled read or write ends the connection
    std::chrono::seconds keepAliveTimeout{15};     // an idle keep-alive connection is closed after this
    int maxKeepAliveRequests = 0;                  // 0 = unlimited requests per connection
    std::string serverHeader = "Settlebridge";     // the Server: header ("" = none)
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
    void route(std::string prefix, Handler handler);
    void routeFactory(std::string prefix, HandlerFactory factory);

    /// The Web Connector endpoint at options.mountPath ("/qbwc"). `ops` must outlive the server.
    void mountQbwc(soap::QbwcOperations& ops, soap::QbwcHttpOptions options = {});

    /// Binds, listens and starts serving. Throws HttpServerError if that fails (nothing is left running).
    void start();
    /// Stops accepting; requests being served finish and get their answer; idle keep-alive connections are
    /// closed; the threads are joined. Idempotent; start() may be called again afterwards.
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
    };

private:
    HttpServerConfig config_;
    std::vector<Route> routes_;  // longest prefix first
    std::unique_ptr<Poco::ThreadPool> pool_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    std::uint16_t boundPort_ = 0;
};

}  // namespace settlebridge::app
