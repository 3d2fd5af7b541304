// daemon/app/server: the daemon's HTTP(S) front on 127.0.0.1 port 0 — routing, the Web Connector endpoint
// behind it, HTTPS with a self-signed certificate made here, configuration errors, and a clean stop.
#include "daemon/app/qbwc_route.hpp"
#include "daemon/net/http_server.hpp"
#include "tests/support/test_paths.hpp"

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
#include <Poco/Exception.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <atomic>
#include <cctype>
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

using net::HttpEngine;
using net::HttpServer;
using net::HttpServerConfig;
using net::HttpServerError;

using Poco::Net::HTTPClientSession;
using Poco::Net::HTTPMessage;
using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;

std::string envelopeFile(const std::string& name) {
    std::ifstream in(std::filesystem::path(SETTLEBRIDGE_SOURCE_DIR) / "tests/data/qbwc/envelopes" / name, std::ios::binary);
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

// Every test runs on each engine (the event loop only where it exists).
std::vector<HttpEngine> engines() {
#ifdef __linux__
    return {HttpEngine::EventLoop, HttpEngine::ThreadPerConnection};
#else
    return {HttpEngine::ThreadPerConnection};
#endif
}

std::string engineName(const ::testing::TestParamInfo<HttpEngine>& info) {
    return info.param == HttpEngine::EventLoop ? "EventLoop" : "ThreadPerConnection";
}

HttpEngine currentEngine = HttpEngine::ThreadPerConnection;  // set by each fixture from its parameter

HttpServerConfig localConfig() {
    HttpServerConfig c;
    c.listenAddress = "127.0.0.1";
    c.port = 0;
    c.minThreads = 1;
    c.maxThreads = 8;
    c.engine = currentEngine;
    return c;
}

class HttpServerTest : public ::testing::TestWithParam<HttpEngine> {
protected:
    void SetUp() override { currentEngine = GetParam(); }
};
INSTANTIATE_TEST_SUITE_P(Engines, HttpServerTest, ::testing::ValuesIn(engines()), engineName);

TEST_P(HttpServerTest, PortZeroPicksAFreePortAndServesTheWebConnector) {
    CountingOperations ops;
    HttpServer server(localConfig());
    mountQbwc(server, ops);
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

TEST_P(HttpServerTest, RoutesByLongestPrefixAndAnswers404ForTheRest) {
    CountingOperations ops;
    HttpServer server(localConfig());
    mountQbwc(server, ops);
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

TEST_P(HttpServerTest, ARootRouteIsTheFallback) {
    HttpServer server(localConfig());
    server.route("/", [](auto&, auto& resp) { resp.sendBuffer("root", 4); });
    server.route("/api/", [](auto&, auto& resp) { resp.sendBuffer("api", 3); });
    server.start();
    HTTPClientSession s("127.0.0.1", server.port());
    EXPECT_EQ(exchange(s, "GET", "/").body, "root");
    EXPECT_EQ(exchange(s, "GET", "/anything/else").body, "root");
    EXPECT_EQ(exchange(s, "GET", "/api/x").body, "api");
}

TEST_P(HttpServerTest, AThrowingHandlerGets500AndTheServerGoesOn) {
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

TEST_P(HttpServerTest, RoutesAreCheckedAndFixedOnceStarted) {
    HttpServer server(localConfig());
    server.route("/a", [](auto&, auto&) {});
    EXPECT_THROW(server.route("/a", [](auto&, auto&) {}), std::logic_error);
    EXPECT_THROW(server.route("a", [](auto&, auto&) {}), std::invalid_argument);
    EXPECT_THROW(server.route("/b", HttpServer::Handler()), std::invalid_argument);
    server.start();
    EXPECT_THROW(server.route("/c", [](auto&, auto&) {}), std::logic_error);
}

TEST_P(HttpServerTest, ConfigurationErrorsAreReportedClearly) {
    HttpServerConfig onlyCert = localConfig();
    onlyCert.certificateFile = "/tmp/cert.pem";
    EXPECT_THROW(HttpServer{onlyCert}, HttpServerError);
    HttpServerConfig badThreads = localConfig();
    badThreads.maxThreads = 0;
    EXPECT_THROW(HttpServer{badThreads}, HttpServerError);
    HttpServerConfig badLoops = localConfig();
    badLoops.ioThreads = 0;
    EXPECT_THROW(HttpServer{badLoops}, HttpServerError);
    badLoops.ioThreads = badLoops.maxThreads + 1;
    EXPECT_THROW(HttpServer{badLoops}, HttpServerError);
    HttpServerConfig badStall = localConfig();
    badStall.stallThreshold = std::chrono::milliseconds(0);
    EXPECT_THROW(HttpServer{badStall}, HttpServerError);

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

TEST_P(HttpServerTest, StopLetsTheRunningRequestFinishAndClosesIdleConnections) {
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

// Issue 16, finding 9: SIGTERM waited without a deadline for requests in flight (27 s seen). A client sending its
// request head a byte now and then, one sending a body slowly, and a handler that takes a while: stop() returns
// soon after stopTimeout (the handler's answer still goes out), not after ioTimeout.
TEST_P(HttpServerTest, StopClosesWhatIsStillBusyAfterItsDeadline) {
    HttpServerConfig config = localConfig();
    config.ioTimeout = std::chrono::seconds(60);
    config.headerTimeout = std::chrono::seconds(60);
    config.bodyGrace = std::chrono::seconds(60);
    config.stopTimeout = std::chrono::seconds(1);
    HttpServer server(config);
    std::atomic<bool> inHandler{false};
    server.route("/slow", [&](auto&, auto& resp) {
        inHandler = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        resp.sendBuffer("done", 4);
    });
    server.route("/upload", [](auto&, auto& resp) { resp.sendBuffer("ok", 2); }, net::RouteOptions{1U << 20});
    server.start();
    const auto port = server.port();

    Poco::Net::StreamSocket slowHead;
    slowHead.connect(Poco::Net::SocketAddress("127.0.0.1", port));
    slowHead.sendBytes("GET /fa", 7);
    Poco::Net::StreamSocket slowBody;
    slowBody.connect(Poco::Net::SocketAddress("127.0.0.1", port));
    const std::string head = "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\nabc";
    slowBody.sendBytes(head.data(), static_cast<int>(head.size()));
    Reply slow;
    std::string clientError;
    std::thread client([&] {
        try {
            HTTPClientSession s("127.0.0.1", port);
            slow = exchange(s, "GET", "/slow");
        } catch (const Poco::Exception& e) {
            clientError = e.displayText();
        }
    });
    while (!inHandler) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the slow requests are being read

    const auto t0 = std::chrono::steady_clock::now();
    server.stop();
    const auto took = std::chrono::steady_clock::now() - t0;
    client.join();
    EXPECT_LT(took, std::chrono::seconds(5)) << "stop() waited for the slow clients";
    EXPECT_EQ(slow.body, "done") << "the handler's answer still went out " << clientError;
    EXPECT_FALSE(server.running());
    // Both slow clients were hung up on.
    for (Poco::Net::StreamSocket* s : {&slowHead, &slowBody}) {
        s->setReceiveTimeout(Poco::Timespan(2, 0));
        char buffer[512];
        int n = 0;
        try {
            while ((n = s->receiveBytes(buffer, sizeof buffer)) > 0) {
            }
        } catch (const Poco::Net::ConnectionResetException&) {
            n = 0;
        }
        EXPECT_EQ(n, 0);
    }
}

TEST_P(HttpServerTest, ExpectContinueIsRefusedThroughTheRouterForAnOversizedBody) {
    CountingOperations ops;
    HttpServer server(localConfig());
    soap::QbwcHttpOptions options;
    options.limits.maxRequestBytes = 1000;
    mountQbwc(server, ops, options);
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
    EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0U) << answer;  // the route's limit is the endpoint's
    EXPECT_EQ(ops.calls("receiveResponseXML"), 0);
}

// ---- the wire, byte by byte ------------------------------------------------------------------------------------

// A client on a raw socket, for what Poco's client cannot do (pipelining, half requests, reading a 100 Continue).
class RawClient {
public:
    explicit RawClient(std::uint16_t port) : sock_(Poco::Net::SocketAddress("127.0.0.1", port)) {
        sock_.setReceiveTimeout(Poco::Timespan(10, 0));
    }
    void send(const std::string& bytes) {
        std::size_t off = 0;
        while (off < bytes.size()) {
            off += static_cast<std::size_t>(
                sock_.sendBytes(bytes.data() + off, static_cast<int>(bytes.size() - off)));
        }
    }
    // The next response: {head, body} (body by Content-Length); head "" when the server closed first.
    std::pair<std::string, std::string> response() {
        const std::size_t end = fillUntil("\r\n\r\n");
        if (end == std::string::npos) {
            return {"", ""};
        }
        std::string head = buffered_.substr(0, end + 4);
        buffered_.erase(0, end + 4);
        std::size_t length = 0;
        const std::string lower = lowered(head);
        const std::size_t cl = lower.find("content-length: ");
        if (cl != std::string::npos) {
            length = std::stoul(head.substr(cl + 16));
        }
        if (lastMethodWasHead_) {
            length = 0;
        }
        while (buffered_.size() < length && fill()) {
        }
        std::string body = buffered_.substr(0, std::min(length, buffered_.size()));
        buffered_.erase(0, body.size());
        return {head, body};
    }
    // True when the server closed the connection (within the receive timeout).
    bool closedByServer() {
        try {
            while (fill()) {
            }
            return true;
        } catch (const Poco::TimeoutException&) {
            return false;
        } catch (const Poco::Net::NetException&) {
            return true;  // reset by the server
        }
    }
    void expectHeadOnly(bool head) { lastMethodWasHead_ = head; }
    Poco::Net::StreamSocket& socket() { return sock_; }

    static std::string lowered(std::string s) {
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return s;
    }

private:
    bool fill() {
        char buf[16384];
        const int n = sock_.receiveBytes(buf, sizeof buf);
        if (n <= 0) {
            return false;
        }
        buffered_.append(buf, static_cast<std::size_t>(n));
        return true;
    }
    std::size_t fillUntil(const std::string& marker) {
        for (;;) {
            const std::size_t at = buffered_.find(marker);
            if (at != std::string::npos) {
                return at;
            }
            if (!fill()) {
                return std::string::npos;
            }
        }
    }

    Poco::Net::StreamSocket sock_;
    std::string buffered_;
    bool lastMethodWasHead_ = false;
};

std::string capturedHead(const std::string& operation, std::size_t length, bool expectContinue) {
    std::string h = "POST /qbwc HTTP/1.1\r\n"
                    "User-Agent: Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 2.0.50727.1433)\r\n"
                    "Content-Type: text/xml; charset=utf-8\r\n"
                    "SOAPAction: \"http://developer.intuit.com/" + operation + "\"\r\n"
                    "Host: localhost\r\n"
                    "Content-Length: " + std::to_string(length) + "\r\n";
    if (expectContinue) {
        h += "Expect: 100-continue\r\n";
    }
    return h + "Connection: Keep-Alive\r\n\r\n";
}

std::string authenticateAs(const std::string& user) {
    std::string body = envelopeFile("authenticate.request.xml");
    const std::string from = "<strUserName>books</strUserName>";
    body.replace(body.find(from), from.size(), "<strUserName>" + user + "</strUserName>");
    return body;
}

TEST_P(HttpServerTest, TheWebConnectorsExpectContinueDanceOnOneKeepAliveConnection) {
    CountingOperations ops;
    HttpServer server(localConfig());
    mountQbwc(server, ops);
    server.start();
    RawClient client(server.port());
    for (const std::string op : {"serverVersion", "clientVersion", "authenticate"}) {
        SCOPED_TRACE(op);
        const std::string body = envelopeFile(op + ".request.xml");
        client.send(capturedHead(op, body.size(), true));
        const auto interim = client.response();
        EXPECT_EQ(interim.first.rfind("HTTP/1.1 100 Continue\r\n", 0), 0U) << interim.first;
        client.send(body);
        const auto [head, answer] = client.response();
        EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << head;
        EXPECT_NE(answer.find(op + "Response"), std::string::npos) << answer;
        EXPECT_EQ(ops.calls(op), 1);
    }
    // Head and body in one packet, no Expect: no 100 Continue either.
    const std::string body = envelopeFile("clientVersion.request.xml");
    client.send(capturedHead("clientVersion", body.size(), false) + body);
    const auto [head, answer] = client.response();
    EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << head;
    EXPECT_NE(answer.find("clientVersionResponse"), std::string::npos);
    EXPECT_EQ(ops.calls("clientVersion"), 2);
    EXPECT_EQ(server.totalConnections(), 1);
}

TEST_P(HttpServerTest, InterleavedCompaniesAndAMalformedCallOnOneConnectionKeepTheirOwnAnswers) {
    CountingOperations ops;
    HttpServer server(localConfig());
    mountQbwc(server, ops);
    server.start();
    HTTPClientSession s("127.0.0.1", server.port());
    for (int round = 0; round < 20; ++round) {
        const std::string user = round % 2 == 0 ? "company-a" : "company-b";
        const Reply r = exchange(s, "POST", "/qbwc", authenticateAs(user), "authenticate");
        EXPECT_EQ(r.status, 200);
        EXPECT_NE(r.body.find(">ticket-for-" + user + "<"), std::string::npos) << r.body;
        EXPECT_EQ(r.body.find(round % 2 == 0 ? "company-b" : "company-a"), std::string::npos) << r.body;
        if (round % 5 == 0) {
            const Reply bad = exchange(s, "POST", "/qbwc", authenticateAs(user).substr(0, 250), "authenticate");
            EXPECT_EQ(bad.status, 500);
            EXPECT_NE(bad.body.find("Fault"), std::string::npos);
        }
    }
    EXPECT_EQ(ops.calls("authenticate"), 20);
    EXPECT_EQ(server.totalConnections(), 1);
}

TEST_P(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
    HttpServer server(localConfig());
    server.route("/echo", [](auto& req, auto& resp) {
        std::string body;
        Poco::StreamCopier::copyToString(req.stream(), body);
        const std::string text = req.getURI() + "|" + body;
        resp.sendBuffer(text.data(), text.size());
    });
    server.start();
    RawClient client(server.port());
    client.send("GET /echo/1 HTTP/1.1\r\nHost: x\r\n\r\n"
                "POST /echo/2 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                "GET /echo/3 HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(client.response().second, "/echo/1|");
    EXPECT_EQ(client.response().second, "/echo/2|hello");
    EXPECT_EQ(client.response().second, "/echo/3|");
    // A request split anywhere arrives whole.
    const std::string split = "POST /echo/4 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc";
    for (char c : split) {
        client.send(std::string(1, c));
    }
    EXPECT_EQ(client.response().second, "/echo/4|abc");
}

TEST_P(HttpServerTest, AChunkedBodyReachesTheWebConnectorEndpoint) {
    CountingOperations ops;
    HttpServer server(localConfig());
    mountQbwc(server, ops);
    server.start();
    RawClient client(server.port());
    const std::string body = envelopeFile("clientVersion.request.xml");
    std::string chunked;
    for (std::size_t i = 0; i < body.size(); i += 100) {
        const std::string piece = body.substr(i, 100);
        std::ostringstream size;
        size << std::hex << piece.size();
        chunked += size.str() + ";ext=1\r\n" + piece + "\r\n";
    }
    chunked += "0\r\nX-Trailer: t\r\n\r\n";
    client.send("POST /qbwc HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml; charset=utf-8\r\n"
                "SOAPAction: \"http://developer.intuit.com/clientVersion\"\r\n"
                "Transfer-Encoding: chunked\r\n\r\n" + chunked);
    const auto [head, answer] = client.response();
    EXPECT_EQ(head.rfind("HTTP/1.1 200", 0), 0U) << head;
    EXPECT_NE(answer.find("clientVersionResponse"), std::string::npos) << answer;
    EXPECT_EQ(ops.calls("clientVersion"), 1);
}

TEST_P(HttpServerTest, BrokenRequestsGetAClientErrorAndTheServerGoesOn) {
    HttpServerConfig config = localConfig();
    config.maxHeaderBytes = 4096;
    HttpServer server(config);
    server.route("/", [](auto&, auto& resp) { resp.sendBuffer("ok", 2); });
    server.start();
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"request line", "THIS IS NOT HTTP\r\n\r\n"},
        {"not HTTP/1.x", "GET / HTTP/2.0\r\nHost: x\r\n\r\n"},
        {"header name", "GET / HTTP/1.1\r\n" + std::string(300, 'X') + ": v\r\n\r\n"},
        {"huge header", "GET / HTTP/1.1\r\nX-Big: " + std::string(200000, 'a') + "\r\n\r\n"},
        {"bad length", "POST / HTTP/1.1\r\nContent-Length: twelve\r\n\r\n"},
        {"bad chunk", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"},
    };
    for (const auto& [name, bytes] : cases) {
        SCOPED_TRACE(name);
        RawClient client(server.port());
        try {
            client.send(bytes);
        } catch (const Poco::Net::NetException&) {  // the server may close while a huge request is still going out
        }
        std::pair<std::string, std::string> answer;
        try {
            answer = client.response();
        } catch (const Poco::Net::NetException&) {
        }
        if (GetParam() == HttpEngine::EventLoop) {
            // The event loop reads and checks every request whole before a handler sees it.
            ASSERT_EQ(answer.first.rfind("HTTP/1.1 4", 0), 0U) << "not a 4xx answer: [" << answer.first << "]";
            EXPECT_NE(RawClient::lowered(answer.first).find("connection: close"), std::string::npos);
            EXPECT_TRUE(client.closedByServer());
        }
    }
    HTTPClientSession s("127.0.0.1", server.port());
    EXPECT_EQ(exchange(s, "GET", "/").body, "ok");
}

TEST_P(HttpServerTest, ASlowHandlerDoesNotHoldUpOtherConnections) {
    HttpServerConfig config = localConfig();
    config.ioThreads = 1;
    HttpServer server(config);
    std::atomic<int> inSlow{0};
    server.route("/slow", [&](auto&, auto& resp) {
        ++inSlow;
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        resp.sendBuffer("slow", 4);
    });
    server.route("/fast", [](auto&, auto& resp) { resp.sendBuffer("fast", 4); });
    server.start();
    const auto port = server.port();
    std::vector<std::thread> slowClients;
    std::vector<std::string> slowAnswers(2);
    for (int i = 0; i < 2; ++i) {
        slowClients.emplace_back([&, i] {
            HTTPClientSession s("127.0.0.1", port);
            slowAnswers[static_cast<std::size_t>(i)] = exchange(s, "GET", "/slow").body;
        });
    }
    while (inSlow < 2) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    for (int i = 0; i < 5; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        HTTPClientSession s("127.0.0.1", port);
        EXPECT_EQ(exchange(s, "GET", "/fast").body, "fast");
        EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(700));
    }
    for (auto& t : slowClients) {
        t.join();
    }
    EXPECT_EQ(slowAnswers[0], "slow");
    EXPECT_EQ(slowAnswers[1], "slow");
}

TEST_P(HttpServerTest, IdleAndStalledConnectionsAreClosedAfterTheirTimeouts) {
    HttpServerConfig config = localConfig();
    config.keepAliveTimeout = std::chrono::seconds(1);
    config.ioTimeout = std::chrono::seconds(1);
    HttpServer server(config);
    server.route("/", [](auto&, auto& resp) { resp.sendBuffer("ok", 2); });
    server.start();

    RawClient idle(server.port());
    idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(idle.response().second, "ok");
    RawClient stalled(server.port());
    stalled.send("GET / HTTP/1.1\r\nHost: x\r\nX-Half: ");  // never finished
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(idle.closedByServer());
    EXPECT_TRUE(stalled.closedByServer());
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(6));
}

TEST_P(HttpServerTest, KeepAliveTimeCountsFromTheAnswerNotFromTheRequest) {
    // A handler slower than the keep-alive timeout (a password hash queued behind others) must leave the client
    // the whole keep-alive time for its next request on the same connection.
    HttpServerConfig config = localConfig();
    config.keepAliveTimeout = std::chrono::seconds(1);
    HttpServer server(config);
    server.route("/slow", [](auto&, auto& resp) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1300));
        resp.sendBuffer("slow", 4);
    });
    server.route("/", [](auto&, auto& resp) { resp.sendBuffer("ok", 2); });
    server.start();
    RawClient client(server.port());
    client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(client.response().second, "slow");
    std::this_thread::sleep_for(std::chrono::milliseconds(400));  // idle well under the timeout, handler included over
    client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(client.response().second, "ok") << "the connection was closed as idle while its handler ran";
}

TEST_P(HttpServerTest, KeepAliveEndsAfterMaxRequestsAndWhenTheClientAsks) {
    HttpServerConfig config = localConfig();
    config.maxKeepAliveRequests = 2;
    HttpServer server(config);
    server.route("/", [](auto&, auto& resp) { resp.sendBuffer("ok", 2); });
    server.start();
    RawClient a(server.port());
    a.send("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto first = a.response();
    const auto second = a.response();
    EXPECT_NE(RawClient::lowered(first.first).find("connection: keep-alive"), std::string::npos) << first.first;
    EXPECT_NE(RawClient::lowered(second.first).find("connection: close"), std::string::npos) << second.first;
    EXPECT_TRUE(a.closedByServer());

    RawClient b(server.port());
    b.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(b.response().second, "ok");
    EXPECT_TRUE(b.closedByServer());

    RawClient c(server.port());  // HTTP/1.0 without keep-alive
    c.send("GET / HTTP/1.0\r\n\r\n");
    const auto old = c.response();
    EXPECT_EQ(old.first.rfind("HTTP/1.0 200", 0), 0U) << old.first;
    EXPECT_EQ(old.second, "ok");
    EXPECT_TRUE(c.closedByServer());
}

TEST_P(HttpServerTest, HeadGetsTheHeadersWithoutTheBody) {
    HttpServer server(localConfig());
    server.route("/", [](auto&, auto& resp) { resp.sendBuffer("hello", 5); });
    server.start();
    RawClient client(server.port());
    client.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
    client.expectHeadOnly(true);
    const auto head = client.response();
    EXPECT_NE(RawClient::lowered(head.first).find("content-length: 5"), std::string::npos) << head.first;
    client.expectHeadOnly(false);
    client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(client.response().second, "hello") << "the HEAD answer carried a body";
}

TEST_P(HttpServerTest, LargeBodiesGoBothWaysWhole) {
    HttpServer server(localConfig());
    server.route("/big", [](auto& req, auto& resp) {
        std::string in;
        Poco::StreamCopier::copyToString(req.stream(), in);
        std::string out(in.rbegin(), in.rend());
        out += std::string(6U * 1024U * 1024U, 'z');
        resp.setContentType("application/octet-stream");
        resp.send() << out;
    }, net::RouteOptions{4U * 1024U * 1024U});
    server.start();
    std::string payload(3U * 1024U * 1024U, ' ');
    for (std::size_t i = 0; i < payload.size(); ++i) {
        payload[i] = static_cast<char>('a' + i % 26);
    }
    HTTPClientSession s("127.0.0.1", server.port());
    s.setTimeout(Poco::Timespan(30, 0));
    const Reply r = exchange(s, "POST", "/big", payload);
    EXPECT_EQ(r.status, 200);
    ASSERT_EQ(r.body.size(), payload.size() + 6U * 1024U * 1024U);
    EXPECT_EQ(r.body.substr(0, payload.size()), std::string(payload.rbegin(), payload.rend()));
    EXPECT_EQ(exchange(s, "POST", "/big", "ab").body.substr(0, 2), "ba");
}

TEST_P(HttpServerTest, ManyConnectionsAtOnceAllGetTheirAnswers) {
    CountingOperations ops;
    HttpServerConfig config = localConfig();
    config.maxThreads = 64;
    HttpServer server(config);
    mountQbwc(server, ops);
    server.start();
    const std::string body = envelopeFile("clientVersion.request.xml");
    std::atomic<int> ok{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < 32; ++i) {
        clients.emplace_back([&] {
            HTTPClientSession s("127.0.0.1", server.port());
            for (int k = 0; k < 20; ++k) {
                if (exchange(s, "POST", "/qbwc", body, "clientVersion").status == 200) {
                    ++ok;
                }
            }
        });
    }
    for (auto& t : clients) {
        t.join();
    }
    EXPECT_EQ(ok, 32 * 20);
    EXPECT_EQ(ops.calls("clientVersion"), 32 * 20);
    EXPECT_EQ(server.totalConnections(), 32);
}

// ---- HTTPS -----------------------------------------------------------------------------------------------------

class HttpsServer : public ::testing::TestWithParam<HttpEngine> {
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
    void SetUp() override {
        currentEngine = GetParam();
        ASSERT_TRUE(ok_) << "openssl could not make a test certificate";
    }

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

TEST_P(HttpsServer, AWebConnectorSessionRunsOverTlsOnOneConnection) {
    CountingOperations ops;
    HttpServer server(tlsConfig());
    mountQbwc(server, ops);
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
                  .body.find("ticket-for-books"),
              std::string::npos);
    const Reply wsdl = exchange(s, "GET", "/qbwc?wsdl");
    EXPECT_NE(wsdl.body.find("location=\"https://localhost:" + std::to_string(server.port()) + "/qbwc\""),
              std::string::npos);
    EXPECT_EQ(server.totalConnections(), 1);
}

TEST_P(HttpsServer, PlainHttpAndUntrustingClientsAreRefused) {
    CountingOperations ops;
    HttpServer server(tlsConfig());
    mountQbwc(server, ops);
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

TEST_P(HttpsServer, OldTlsVersionsAreRefused) {
    CountingOperations ops;
    HttpServer server(tlsConfig());
    mountQbwc(server, ops);
    server.start();
    Poco::Net::Context::Ptr old = trustingContext();
    old->disableProtocols(Poco::Net::Context::PROTO_TLSV1_2 | Poco::Net::Context::PROTO_TLSV1_3);
    Poco::Net::HTTPSClientSession s("localhost", server.port(), old);
    s.setTimeout(Poco::Timespan(5, 0));
    EXPECT_ANY_THROW(exchange(s, "GET", "/qbwc?wsdl"));
}

TEST_P(HttpsServer, ConcurrentTlsSessionsAndLargeBodies) {
    CountingOperations ops;
    HttpServer server(tlsConfig());
    mountQbwc(server, ops);
    server.route("/big", [](auto& req, auto& resp) {
        std::string in;
        Poco::StreamCopier::copyToString(req.stream(), in);
        resp.send() << in << std::string(2U * 1024U * 1024U, 'z');
    });
    server.start();
    std::atomic<int> ok{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < 6; ++i) {
        clients.emplace_back([&] {
            Poco::Net::HTTPSClientSession s("localhost", server.port(), trustingContext());
            s.setTimeout(Poco::Timespan(30, 0));
            for (int k = 0; k < 10; ++k) {
                const Reply r = exchange(s, "POST", "/qbwc", envelopeFile("clientVersion.request.xml"), "clientVersion");
                if (r.status == 200 && r.body.find("clientVersionResponse") != std::string::npos) {
                    ++ok;
                }
            }
            const std::string payload(1U * 1024U * 1024U, 'p');
            const Reply big = exchange(s, "POST", "/big", payload);
            if (big.status == 200 && big.body.size() == payload.size() + 2U * 1024U * 1024U) {
                ++ok;
            }
        });
    }
    for (auto& t : clients) {
        t.join();
    }
    EXPECT_EQ(ok, 6 * 11);
    EXPECT_EQ(server.totalConnections(), 6);
}

// ---- limits against hostile clients (issue 16; tests/security/ runs the same attacks against the daemon) ---------

TEST_P(HttpServerTest, AmbiguousFramingIsRefusedAndNothingAfterItIsServed) {
    HttpServer server(localConfig());
    std::atomic<int> served{0};
    server.route("/", [&](auto& req, auto& resp) {
        ++served;
        std::string in;
        Poco::StreamCopier::copyToString(req.stream(), in);
        resp.sendBuffer("ok", 2);
    });
    server.start();
    const std::string smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"Content-Length and chunked",
         "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
        {"two Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 36\r\n\r\n"},
        {"same Content-Length twice", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n"},
        {"space before the colon",
         "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n"},
        {"two codings", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"},
        {"signed length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +0\r\n\r\n"},
    };
    for (const auto& [name, bytes] : cases) {
        SCOPED_TRACE(name);
        RawClient client(server.port());
        client.send(bytes + smuggled);
        const auto answer = client.response();
        EXPECT_TRUE(answer.first.rfind("HTTP/1.1 400", 0) == 0 || answer.first.rfind("HTTP/1.1 501", 0) == 0)
            << answer.first;
        EXPECT_TRUE(client.closedByServer()) << "the connection stays open after an ambiguous request";
    }
    EXPECT_EQ(served, 0) << "neither the ambiguous requests nor what followed them reached a handler";
}

TEST_P(HttpServerTest, EachRouteHasItsBodyLimitAlsoForChunkedBodies) {
    HttpServerConfig config = localConfig();
    config.maxRequestBytes = 1000;
    HttpServer server(config);
    const auto echoSize = [](auto& req, auto& resp) {
        std::string in;
        Poco::StreamCopier::copyToString(req.stream(), in);
        const std::string size = std::to_string(in.size());
        resp.sendBuffer(size.data(), size.size());
    };
    server.route("/small", echoSize);
    server.route("/large", echoSize, net::RouteOptions{100'000});
    server.start();
    HTTPClientSession s("127.0.0.1", server.port());
    EXPECT_EQ(exchange(s, "POST", "/small", std::string(1000, 'a')).body, "1000");
    EXPECT_EQ(exchange(s, "POST", "/large", std::string(50'000, 'a')).body, "50000");
    HTTPClientSession s2("127.0.0.1", server.port());
    EXPECT_EQ(exchange(s2, "POST", "/small", std::string(1001, 'a')).status, 413);
    for (const std::string path : {"/small", "/large"}) {
        SCOPED_TRACE(path);
        RawClient client(server.port());
        std::string chunks;
        for (int i = 0; i < 200; ++i) chunks += "400\r\n" + std::string(1024, 'c') + "\r\n";  // 200 KiB
        try {
            client.send("POST " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks +
                        "0\r\n\r\n");
        } catch (const Poco::Net::NetException&) {  // the server may close while the body is still going out
        }
        const auto answer = client.response();
        EXPECT_EQ(answer.first.rfind("HTTP/1.1 413", 0), 0U) << answer.first;
    }
}

TEST_P(HttpServerTest, TheHostHeaderMustNameThisServerWhenChecked) {
    HttpServerConfig config = localConfig();
    config.hostCheck.enabled = true;
    config.hostCheck.names = {"books.example.com"};
    HttpServer server(config);
    server.route("/", [](auto&, auto& resp) { resp.sendBuffer("ok", 2); });
    server.start();
    for (const std::string host : {"127.0.0.1:8080", "localhost", "[::1]:1", "Books.Example.COM:443", "10.1.2.3"}) {
        SCOPED_TRACE(host);
        RawClient client(server.port());
        client.send("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        EXPECT_EQ(client.response().second, "ok");
    }
    for (const std::string host : {"attacker.example", "books.example.com.evil", "localhost.attacker.example"}) {
        SCOPED_TRACE(host);
        RawClient client(server.port());
        client.send("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        EXPECT_EQ(client.response().first.rfind("HTTP/1.1 421", 0), 0U);
    }
}

#ifdef __linux__
// The event loop only: a thread-per-connection server gives each connection a thread (docs/SECURITY.md).
class EventLoopLimits : public ::testing::Test {
protected:
    void SetUp() override { currentEngine = HttpEngine::EventLoop; }
};

TEST_F(EventLoopLimits, ARequestHeadSentSlowlyIsCutAtTheHeadDeadline) {
    HttpServerConfig config = localConfig();
    config.headerTimeout = std::chrono::seconds(1);
    HttpServer server(config);
    server.route("/", [](auto&, auto& resp) { resp.sendBuffer("ok", 2); });
    server.start();
    RawClient slow(server.port());
    const auto started = std::chrono::steady_clock::now();
    bool cut = false;
    const std::string head = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    for (const char c : head) {
        try {
            slow.send(std::string(1, c));  // a byte every 100 ms: never quiet for long, never done
        } catch (const Poco::Exception&) {  // EPIPE / ECONNRESET: the server closed it
            cut = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (std::chrono::steady_clock::now() - started > std::chrono::seconds(4)) break;
    }
    EXPECT_TRUE(cut || slow.closedByServer());
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));
    HTTPClientSession s("127.0.0.1", server.port());
    EXPECT_EQ(exchange(s, "GET", "/").body, "ok");
}

TEST_F(EventLoopLimits, ABodySentBelowTheMinimumRateIsCut) {
    HttpServerConfig config = localConfig();
    config.bodyGrace = std::chrono::seconds(1);
    config.minTransferRate = 1000;
    HttpServer server(config);
    server.route("/", [](auto&, auto& resp) { resp.sendBuffer("ok", 2); });
    server.start();
    RawClient slow(server.port());
    slow.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
    const auto started = std::chrono::steady_clock::now();
    bool cut = false;
    while (!cut && std::chrono::steady_clock::now() - started < std::chrono::seconds(6)) {
        try {
            slow.send(std::string(50, 'b'));  // 500 bytes/s
        } catch (const Poco::Exception&) {
            cut = true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(cut || slow.closedByServer());
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(6));
}

TEST_F(EventLoopLimits, OneAddressGetsAtMostItsShareOfConnections) {
    HttpServerConfig config = localConfig();
    config.maxConnectionsPerAddress = 4;
    HttpServer server(config);
    server.route("/", [](auto&, auto& resp) { resp.sendBuffer("ok", 2); });
    server.start();
    std::vector<std::unique_ptr<RawClient>> held;
    for (int i = 0; i < 4; ++i) held.push_back(std::make_unique<RawClient>(server.port()));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    RawClient fifth(server.port());
    EXPECT_TRUE(fifth.closedByServer());
    held.pop_back();  // one closes: there is room again
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    HTTPClientSession s("127.0.0.1", server.port());
    EXPECT_EQ(exchange(s, "GET", "/").body, "ok");
}

TEST_F(EventLoopLimits, LargeBodiesShareABudgetAndSmallRequestsStillGetThrough) {
    HttpServerConfig config = localConfig();
    config.maxBufferedBytes = 2U * 1024U * 1024U;
    HttpServer server(config);
    server.route("/", [](auto&, auto& resp) { resp.sendBuffer("ok", 2); }, net::RouteOptions{16U * 1024U * 1024U});
    server.start();
    // Two 1.5 MiB bodies, sent half-way: the second does not fit beside the first.
    RawClient first(server.port());
    first.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1572864\r\n\r\n" + std::string(700'000, 'a'));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    RawClient second(server.port());
    second.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1572864\r\n\r\n");
    const auto refused = second.response();
    EXPECT_EQ(refused.first.rfind("HTTP/1.1 503", 0), 0U) << refused.first;
    EXPECT_NE(RawClient::lowered(refused.first).find("retry-after:"), std::string::npos);
    HTTPClientSession s("127.0.0.1", server.port());
    EXPECT_EQ(exchange(s, "GET", "/").body, "ok");
    first.send(std::string(1572864 - 700'000, 'a'));
    EXPECT_EQ(first.response().second, "ok");
}
#endif

INSTANTIATE_TEST_SUITE_P(Engines, HttpsServer, ::testing::ValuesIn(engines()), engineName);

}  // namespace
}  // namespace settlebridge::app
