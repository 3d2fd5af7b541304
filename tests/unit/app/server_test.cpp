// daemon/app/server: the daemon's HTTP(S) front on 127.0.0.1 port 0 — routing, the Web Connector endpoint
// behind it, HTTPS with a self-signed certificate made here, configuration errors, and a clean stop.
#include "daemon/app/server.hpp"

#include <gtest/gtest.h>

#include <Poco/Net/AcceptCertificateHandler.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace settlebridge::app {
namespace {

using Poco::Net::HTTPClientSession;
using Poco::Net::HTTPMessage;
using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;

std::string envelopeFile(const std::string& name) {
    std::ifstream in(std::filesystem::path(SETTLEBRIDGE_SHARED_DIR) / "spec/qbwc/envelopes" / name, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The Web Connector side of the seam: answers fixed values, counts calls.
class CountingOperations final : public soap::QbwcOperations {
public:
    std::string serverVersion() override { return count("serverVersion", "settlebridge-test"); }
    std::string clientVersion(const std::string&) override { return count("clientVersion", ""); }
    std::vector<std::string> authenticate(const std::string& user, const std::string&) override {
        count("authenticate", "");
        return {"ticket-for-" + user, ""};
    }
    std::string sendRequestXML(const soap::SendRequestInput&) override {
        return count("sendRequestXML", "<?xml version=\"1.0\"?><QBXML/>");
    }
    int receiveResponseXML(const soap::ReceiveResponseInput&) override {
        count("receiveResponseXML", "");
        return 100;
    }
    std::string connectionError(const std::string&, const std::string&, const std::string&) override {
        return count("connectionError", "done");
    }
    std::string getLastError(const std::string&) override { return count("getLastError", ""); }
    std::string closeConnection(const std::string&) override { return count("closeConnection", "OK"); }

    int calls(const std::string& op) {
        std::lock_guard lock(mutex_);
        return calls_[op];
    }

private:
    std::string count(const std::string& op, std::string answer) {
        std::lock_guard lock(mutex_);
        ++calls_[op];
        return answer;
    }
    std::mutex mutex_;
    std::map<std::string, int> calls_;
};

struct Reply {
    int status = 0;
    std::string body;
    std::string contentType;
};

Reply exchange(HTTPClientSession& s, const std::string& method, const std::string& uri, const std::string& body = "",
               const std::string& soapAction = "") {
    s.setKeepAlive(true);
    HTTPRequest req(method, uri, HTTPMessage::HTTP_1_1);
    req.setKeepAlive(true);
    if (method != HTTPRequest::HTTP_GET) {
        req.setContentType("text/xml; charset=utf-8");
        req.setContentLength64(static_cast<Poco::Int64>(body.size()));
    }
    if (!soapAction.empty()) {
        req.set("SOAPAction", "\"http://developer.intuit.com/" + soapAction + "\"");
        req.setExpectContinue(true);
    }
    std::ostream& os = s.sendRequest(req);
    HTTPResponse resp;
    if (!soapAction.empty() && !s.peekResponse(resp)) {
        Reply r;
        Poco::StreamCopier::copyToString(s.receiveResponse(resp), r.body);
        r.status = static_cast<int>(resp.getStatus());
        return r;
    }
    os << body;
    Reply r;
    Poco::StreamCopier::copyToString(s.receiveResponse(resp), r.body);
    r.status = static_cast<int>(resp.getStatus());
    r.contentType = resp.getContentType();
    return r;
}

HttpServerConfig localConfig() {
    HttpServerConfig c;
    c.listenAddress = "127.0.0.1";
    c.port = 0;
    c.minThreads = 1;
    c.maxThreads = 8;
    return c;
}

TEST(HttpServer, PortZeroPicksAFreePortAndServesTheWebConnector) {
    CountingOperations ops;
    HttpServer server(localConfig());
    server.mountQbwc(ops);
    EXPECT_FALSE(server.running());
    server.start();
    ASSERT_TRUE(server.running());
    ASSERT_NE(server.port(), 0);
    EXPECT_FALSE(server.secure());
    EXPECT_EQ(server.baseUrl(), "http://127.0.0.1:" + std::to_string(server.port()));

    HTTPClientSession s("127.0.0.1", server.port());
    const Reply r = exchange(s, "POST", "/qbwc", envelopeFile("serverVersion.request.xml"), "serverVersion");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.contentType, "text/xml; charset=utf-8");
    EXPECT_NE(r.body.find("settlebridge-test"), std::string::npos) << r.body;
    const Reply wsdl = exchange(s, "GET", "/qbwc?wsdl");
    EXPECT_EQ(wsdl.status, 200);
    EXPECT_NE(wsdl.body.find("location=\"http://127.0.0.1:" + std::to_string(server.port()) + "/qbwc\""),
              std::string::npos);
    EXPECT_EQ(ops.calls("serverVersion"), 1);
    EXPECT_EQ(server.totalConnections(), 1);
    server.stop();
    EXPECT_FALSE(server.running());
}

TEST(HttpServer, RoutesByLongestPrefixAndAnswers404ForTheRest) {
    CountingOperations ops;
    HttpServer server(localConfig());
    server.mountQbwc(ops);
    server.route("/api/", [](auto& req, auto& resp) {
        const std::string text = "api:" + req.getURI();
        resp.setContentType("text/plain");
        resp.sendBuffer(text.data(), text.size());
    });
    server.route("/api/companies/", [](auto&, auto& resp) { resp.sendBuffer("companies", 9); });
    server.route("/admin", [](auto&, auto& resp) { resp.sendBuffer("admin", 5); });
    server.routeFactory("/declined", [](const Poco::Net::HTTPServerRequest&) { return nullptr; });
    server.start();
    HTTPClientSession s("127.0.0.1", server.port());
    EXPECT_EQ(exchange(s, "GET", "/api/status?x=1").body, "api:/api/status?x=1");
    EXPECT_EQ(exchange(s, "GET", "/api/companies/7").body, "companies");
    EXPECT_EQ(exchange(s, "GET", "/admin").body, "admin");
    EXPECT_EQ(exchange(s, "GET", "/admin/").body, "admin");
    EXPECT_EQ(exchange(s, "GET", "/admin?tab=queue").body, "admin");
    EXPECT_EQ(exchange(s, "GET", "/administrator").status, 404);
    EXPECT_EQ(exchange(s, "GET", "/api").status, 404);
    EXPECT_EQ(exchange(s, "GET", "/").status, 404);
    EXPECT_EQ(exchange(s, "GET", "/declined").status, 404) << "a route that declines gives 404, not Poco's 501";
    EXPECT_EQ(exchange(s, "POST", "/nowhere", std::string(5000, 'x')).status, 404);
    EXPECT_EQ(exchange(s, "GET", "/qbwc?wsdl").status, 200);
    EXPECT_EQ(server.totalConnections(), 1) << "every answer kept the connection";
}

TEST(HttpServer, ARootRouteIsTheFallback) {
    HttpServer server(localConfig());
    server.route("/", [](auto&, auto& resp) { resp.sendBuffer("root", 4); });
    server.route("/api/", [](auto&, auto& resp) { resp.sendBuffer("api", 3); });
    server.start();
    HTTPClientSession s("127.0.0.1", server.port());
    EXPECT_EQ(exchange(s, "GET", "/").body, "root");
    EXPECT_EQ(exchange(s, "GET", "/anything/else").body, "root");
    EXPECT_EQ(exchange(s, "GET", "/api/x").body, "api");
}

TEST(HttpServer, AThrowingHandlerGets500AndTheServerGoesOn) {
    HttpServer server(localConfig());
    server.route("/boom", [](auto&, auto&) -> void { throw std::runtime_error("kaput"); });
    server.route("/fine", [](auto&, auto& resp) { resp.sendBuffer("ok", 2); });
    server.routeFactory("/badfactory", [](const Poco::Net::HTTPServerRequest&) -> Poco::Net::HTTPRequestHandler* {
        throw std::runtime_error("no handler");
    });
    server.start();
    HTTPClientSession s("127.0.0.1", server.port());
    EXPECT_EQ(exchange(s, "GET", "/boom").status, 500);
    EXPECT_EQ(exchange(s, "GET", "/fine").body, "ok");
    EXPECT_EQ(exchange(s, "GET", "/badfactory").status, 500);
    EXPECT_EQ(exchange(s, "GET", "/fine").body, "ok");
}

TEST(HttpServer, RoutesAreCheckedAndFixedOnceStarted) {
    HttpServer server(localConfig());
    server.route("/a", [](auto&, auto&) {});
    EXPECT_THROW(server.route("/a", [](auto&, auto&) {}), std::logic_error);
    EXPECT_THROW(server.route("a", [](auto&, auto&) {}), std::invalid_argument);
    EXPECT_THROW(server.route("/b", HttpServer::Handler()), std::invalid_argument);
    server.start();
    EXPECT_THROW(server.route("/c", [](auto&, auto&) {}), std::logic_error);
}

TEST(HttpServer, ConfigurationErrorsAreReportedClearly) {
    HttpServerConfig onlyCert = localConfig();
    onlyCert.certificateFile = "/tmp/cert.pem";
    EXPECT_THROW(HttpServer{onlyCert}, HttpServerError);
    HttpServerConfig badThreads = localConfig();
    badThreads.maxThreads = 0;
    EXPECT_THROW(HttpServer{badThreads}, HttpServerError);

    HttpServerConfig badAddress = localConfig();
    badAddress.listenAddress = "not an address";
    HttpServer a(badAddress);
    EXPECT_THROW(a.start(), HttpServerError);
    EXPECT_FALSE(a.running());

    Poco::Net::ServerSocket taken(Poco::Net::SocketAddress("127.0.0.1", 0));
    HttpServerConfig inUse = localConfig();
    inUse.port = taken.address().port();
    HttpServer b(inUse);
    try {
        b.start();
        ADD_FAILURE() << "started on a port in use";
    } catch (const HttpServerError& e) {
        EXPECT_NE(std::string(e.what()).find(std::to_string(inUse.port)), std::string::npos) << e.what();
    }

    HttpServerConfig missingCert = localConfig();
    missingCert.certificateFile = "/nonexistent/cert.pem";
    missingCert.privateKeyFile = "/nonexistent/key.pem";
    HttpServer c(missingCert);
    try {
        c.start();
        ADD_FAILURE() << "started without its certificate";
    } catch (const HttpServerError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/cert.pem"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(c.running());
}

TEST(HttpServer, StopLetsTheRunningRequestFinishAndClosesIdleConnections) {
    HttpServerConfig config = localConfig();
    config.keepAliveTimeout = std::chrono::seconds(30);  // idle connections must not hold stop() this long
    HttpServer server(config);
    std::atomic<bool> inHandler{false};
    server.route("/slow", [&](auto&, auto& resp) {
        inHandler = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        resp.sendBuffer("done", 4);
    });
    server.route("/fast", [](auto&, auto& resp) { resp.sendBuffer("fast", 4); });
    server.start();
    const auto port = server.port();

    HTTPClientSession idle("127.0.0.1", port);  // a keep-alive connection left open and idle
    EXPECT_EQ(exchange(idle, "GET", "/fast").body, "fast");

    Reply slow;
    std::thread client([&] {
        HTTPClientSession s("127.0.0.1", port);
        slow = exchange(s, "GET", "/slow");
    });
    while (!inHandler) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const auto t0 = std::chrono::steady_clock::now();
    server.stop();
    const auto took = std::chrono::steady_clock::now() - t0;
    client.join();
    EXPECT_EQ(slow.status, 200);
    EXPECT_EQ(slow.body, "done");
    EXPECT_LT(took, std::chrono::seconds(10));
    EXPECT_FALSE(server.running());

    Poco::Net::StreamSocket probe;
    EXPECT_THROW(probe.connect(Poco::Net::SocketAddress("127.0.0.1", port), Poco::Timespan(2, 0)),
                 Poco::Net::NetException);

    server.start();  // and it starts again
    HTTPClientSession again("127.0.0.1", server.port());
    EXPECT_EQ(exchange(again, "GET", "/fast").body, "fast");
}

TEST(HttpServer, ExpectContinueIsRefusedThroughTheRouterForAnOversizedBody) {
    CountingOperations ops;
    HttpServer server(localConfig());
    soap::QbwcHttpOptions options;
    options.limits.maxRequestBytes = 1000;
    server.mountQbwc(ops, options);
    server.start();
    Poco::Net::StreamSocket sock(Poco::Net::SocketAddress("127.0.0.1", server.port()));
    sock.setReceiveTimeout(Poco::Timespan(10, 0));
    const std::string head =
        "POST /qbwc HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml; charset=utf-8\r\n"
        "SOAPAction: \"http://developer.intuit.com/receiveResponseXML\"\r\nContent-Length: 90000\r\n"
        "Expect: 100-continue\r\nConnection: Keep-Alive\r\n\r\n";
    sock.sendBytes(head.data(), static_cast<int>(head.size()));
    char buf[2048];
    const int n = sock.receiveBytes(buf, sizeof buf);
    ASSERT_GT(n, 0);
    const std::string answer(buf, static_cast<std::size_t>(n));
    EXPECT_EQ(answer.rfind("HTTP/1.1 500", 0), 0U) << answer;
    EXPECT_EQ(ops.calls("receiveResponseXML"), 0);
}

// ---- HTTPS -----------------------------------------------------------------------------------------------------

class HttpsServer : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = std::filesystem::temp_directory_path() / ("settlebridge-tls-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
        // A self-signed certificate for localhost / 127.0.0.1 (P-256: quick to make).
        const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
                                "-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 "
                                "-keyout " + (dir_ / "key.pem").string() + " -out " + (dir_ / "cert.pem").string() +
                                " >/dev/null 2>&1";
        ok_ = std::system(cmd.c_str()) == 0;
        // Client side: reject any certificate that fails verification (no prompt, no application config).
        Poco::Net::initializeSSL();
        Poco::Net::SSLManager::instance().initializeClient(
            nullptr, new Poco::Net::RejectCertificateHandler(false), trustingContext());
    }
    static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
    void SetUp() override { ASSERT_TRUE(ok_) << "openssl could not make a test certificate"; }

    static Poco::Net::Context::Ptr trustingContext() {
        return new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", (dir_ / "cert.pem").string(),
                                      Poco::Net::Context::VERIFY_STRICT, 9, false);
    }
    static HttpServerConfig tlsConfig() {
        HttpServerConfig c = localConfig();
        c.certificateFile = (dir_ / "cert.pem").string();
        c.privateKeyFile = (dir_ / "key.pem").string();
        return c;
    }

    static inline std::filesystem::path dir_;
    static inline bool ok_ = false;
};

TEST_F(HttpsServer, AWebConnectorSessionRunsOverTlsOnOneConnection) {
    CountingOperations ops;
    HttpServer server(tlsConfig());
    server.mountQbwc(ops);
    server.start();
    EXPECT_TRUE(server.secure());
    EXPECT_EQ(server.baseUrl(), "https://127.0.0.1:" + std::to_string(server.port()));

    Poco::Net::HTTPSClientSession s("localhost", server.port(), trustingContext());
    s.setKeepAlive(true);
    const std::vector<std::pair<std::string, std::string>> session = {
        {"serverVersion", "serverVersion.request.xml"},
        {"clientVersion", "clientVersion.request.xml"},
        {"authenticate", "authenticate.request.xml"},
        {"sendRequestXML", "sendRequestXML.first-with-HCP.request.xml"},
        {"receiveResponseXML", "receiveResponseXML.request.xml"},
        {"closeConnection", "closeConnection.request.xml"},
    };
    for (const auto& [op, file] : session) {
        SCOPED_TRACE(op);
        const Reply r = exchange(s, "POST", "/qbwc", envelopeFile(file), op);
        EXPECT_EQ(r.status, 200) << r.body;
        EXPECT_NE(r.body.find(op + "Response"), std::string::npos) << r.body;
        EXPECT_EQ(ops.calls(op), 1);
    }
    EXPECT_NE(exchange(s, "POST", "/qbwc", envelopeFile("authenticate.request.xml"), "authenticate")
                  .body.find("ticket-for-api"),
              std::string::npos);
    const Reply wsdl = exchange(s, "GET", "/qbwc?wsdl");
    EXPECT_NE(wsdl.body.find("location=\"https://localhost:" + std::to_string(server.port()) + "/qbwc\""),
              std::string::npos);
    EXPECT_EQ(server.totalConnections(), 1);
}

TEST_F(HttpsServer, PlainHttpAndUntrustingClientsAreRefused) {
    CountingOperations ops;
    HttpServer server(tlsConfig());
    server.mountQbwc(ops);
    server.start();

    HTTPClientSession plain("127.0.0.1", server.port());
    plain.setTimeout(Poco::Timespan(5, 0));
    EXPECT_ANY_THROW(exchange(plain, "POST", "/qbwc", envelopeFile("serverVersion.request.xml"), "serverVersion"));

    // A client that does not trust the self-signed certificate fails the handshake.
    Poco::Net::Context::Ptr untrusting =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "", Poco::Net::Context::VERIFY_STRICT, 9,
                               false);
    Poco::Net::HTTPSClientSession s("localhost", server.port(), untrusting);
    s.setTimeout(Poco::Timespan(5, 0));
    EXPECT_ANY_THROW(exchange(s, "POST", "/qbwc", envelopeFile("serverVersion.request.xml"), "serverVersion"));
    EXPECT_EQ(ops.calls("serverVersion"), 0);

    // The server is unharmed by both.
    Poco::Net::HTTPSClientSession good("localhost", server.port(), trustingContext());
    EXPECT_EQ(exchange(good, "POST", "/qbwc", envelopeFile("serverVersion.request.xml"), "serverVersion").status,
              200);
}

TEST_F(HttpsServer, OldTlsVersionsAreRefused) {
    CountingOperations ops;
    HttpServer server(tlsConfig());
    server.mountQbwc(ops);
    server.start();
    Poco::Net::Context::Ptr old = trustingContext();
    old->disableProtocols(Poco::Net::Context::PROTO_TLSV1_2 | Poco::Net::Context::PROTO_TLSV1_3);
    Poco::Net::HTTPSClientSession s("localhost", server.port(), old);
    s.setTimeout(Poco::Timespan(5, 0));
    EXPECT_ANY_THROW(exchange(s, "GET", "/qbwc?wsdl"));
}

}  // namespace
}  // namespace settlebridge::app
