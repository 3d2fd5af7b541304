// soap/http_handler on a real Poco HTTPServer (127.0.0.1, port 0), driven like the Web Connector drives it:
// captured envelopes with the captured headers (quoted SOAPAction, Expect: 100-continue, Keep-Alive).
#include "soap/http_handler.hpp"

#include <gtest/gtest.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "qbwc_test_support.hpp"
#include "tests/support/test_paths.hpp"

namespace settlebridge::soap {
namespace {

using namespace settlebridge::soap::testing;
using Poco::Net::HTTPClientSession;
using Poco::Net::HTTPMessage;
using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;

constexpr const char* kQbwcUserAgent = "Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 2.0.50727.1433)";

struct Exchange {
    int status = 0;
    bool gotContinue = false;
    std::string contentType;
    std::string connection;
    std::string body;
};

class QbwcHttpTest : public ::testing::Test {
protected:
    void start(QbwcHttpOptions options = {}) {
        socket_ = Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0));
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(16);
        params->setKeepAlive(true);
        params->setKeepAliveTimeout(Poco::Timespan(10, 0));
        params->setTimeout(Poco::Timespan(10, 0));
        pool_ = std::make_unique<Poco::ThreadPool>(2, 16);
        server_ = std::make_unique<Poco::Net::HTTPServer>(new QbwcHttpEndpoint(ops_, std::move(options)), *pool_,
                                                          socket_, params);
        server_->start();
        port_ = socket_.address().port();
    }
    void TearDown() override {
        if (server_) {
            server_->stopAll(true);
            pool_->joinAll();
        }
    }

    std::unique_ptr<HTTPClientSession> session() const {
        auto s = std::make_unique<HTTPClientSession>("127.0.0.1", port_);
        s->setKeepAlive(true);
        s->setTimeout(Poco::Timespan(20, 0));
        return s;
    }

    // One call the way the Web Connector makes it.
    static Exchange post(HTTPClientSession& s, const std::string& body, const std::string& operation,
                         bool expectContinue = true, const std::string& uri = "/qbwc") {
        HTTPRequest req(HTTPRequest::HTTP_POST, uri, HTTPMessage::HTTP_1_1);
        req.set("User-Agent", kQbwcUserAgent);
        req.setContentType("text/xml; charset=utf-8");
        req.set("SOAPAction", "\"http://developer.intuit.com/" + operation + "\"");
        req.setContentLength64(static_cast<Poco::Int64>(body.size()));
        req.setExpectContinue(expectContinue);
        req.setKeepAlive(true);
        std::ostream& os = s.sendRequest(req);
        HTTPResponse resp;
        Exchange ex;
        bool sendBody = true;
        if (expectContinue) {
            ex.gotContinue = s.peekResponse(resp);
            sendBody = ex.gotContinue;
        }
        if (sendBody) {
            os.write(body.data(), static_cast<std::streamsize>(body.size()));
            os.flush();
        }
        std::istream& rs = s.receiveResponse(resp);
        Poco::StreamCopier::copyToString(rs, ex.body);
        ex.status = static_cast<int>(resp.getStatus());
        ex.contentType = resp.getContentType();
        ex.connection = resp.get("Connection", "");
        return ex;
    }

    static Exchange get(HTTPClientSession& s, const std::string& uri, const std::string& method = "GET") {
        HTTPRequest req(method, uri, HTTPMessage::HTTP_1_1);
        req.setKeepAlive(true);
        if (method != HTTPRequest::HTTP_GET) {
            req.setContentLength(0);  // Poco's client would otherwise stream a PUT body until it closes
        }
        s.sendRequest(req);
        HTTPResponse resp;
        std::istream& rs = s.receiveResponse(resp);
        Exchange ex;
        Poco::StreamCopier::copyToString(rs, ex.body);
        ex.status = static_cast<int>(resp.getStatus());
        ex.contentType = resp.getContentType();
        ex.connection = resp.get("Connection", "");
        if (resp.has("Allow")) {
            ex.connection += "|Allow: " + resp.get("Allow");
        }
        return ex;
    }

    RecordingOperations ops_;
    Poco::Net::ServerSocket socket_;
    std::unique_ptr<Poco::ThreadPool> pool_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    Poco::UInt16 port_ = 0;
};

// Reads from a raw socket until `terminator` has been seen (or the peer closes).
std::string readUntil(Poco::Net::StreamSocket& sock, const std::string& terminator, std::string& buffered) {
    char buf[4096];
    while (buffered.find(terminator) == std::string::npos) {
        const int n = sock.receiveBytes(buf, sizeof buf);
        if (n <= 0) {
            break;
        }
        buffered.append(buf, static_cast<std::size_t>(n));
    }
    const std::size_t at = buffered.find(terminator);
    if (at == std::string::npos) {
        std::string all = std::move(buffered);
        buffered.clear();
        return all;
    }
    std::string head = buffered.substr(0, at + terminator.size());
    buffered.erase(0, at + terminator.size());
    return head;
}

// Reads one complete HTTP response with a Content-Length from a raw socket: {head, body}.
std::pair<std::string, std::string> readResponse(Poco::Net::StreamSocket& sock, std::string& buffered) {
    std::string head = readUntil(sock, "\r\n\r\n", buffered);
    const std::size_t cl = head.find("Content-Length: ");
    std::size_t length = 0;
    if (cl != std::string::npos) {
        length = std::stoul(head.substr(cl + 16));
    }
    char buf[4096];
    while (buffered.size() < length) {
        const int n = sock.receiveBytes(buf, sizeof buf);
        if (n <= 0) {
            break;
        }
        buffered.append(buf, static_cast<std::size_t>(n));
    }
    std::string body = buffered.substr(0, length);
    buffered.erase(0, length);
    return {head, body};
}

std::string capturedHeaders(const std::string& operation, std::size_t contentLength, bool first, int port) {
    // The header set and order recorded from QBWC 2.0.0.116 (http-request-headers.captured.txt).
    std::string h = "POST /qbwc HTTP/1.1\r\n";
    h += std::string("User-Agent: ") + kQbwcUserAgent + "\r\n";
    h += "Content-Type: text/xml; charset=utf-8\r\n";
    h += "SOAPAction: \"http://developer.intuit.com/" + operation + "\"\r\n";
    h += "Host: localhost:" + std::to_string(port) + "\r\n";
    h += "Content-Length: " + std::to_string(contentLength) + "\r\n";
    h += "Expect: 100-continue\r\n";
    if (first) {
        h += "Connection: Keep-Alive\r\n";
    }
    h += "\r\n";
    return h;
}

TEST_F(QbwcHttpTest, EveryCapturedRequestIsAnsweredOnOneKeepAliveConnection) {
    start();
    auto sp = session();
    HTTPClientSession& s = *sp;
    const auto requests = envelopes("request");
    ASSERT_GE(requests.size(), 12U);
    for (const auto& file : requests) {
        SCOPED_TRACE(file.filename().string());
        const std::string op = operationOf(file);
        const std::string text = readFile(file);
        const auto sent = argumentsOf(bodyPayload(parseXml(text).get()));
        const DecodedResponse captured = decodeResponse(readFile(envelopes("response", op).front()));
        ops_.clear();
        ops_.stringResult = captured.result;
        ops_.arrayResult = captured.strings;
        ops_.intResult = op == "receiveResponseXML" ? std::stoi(captured.result) : 0;

        const Exchange ex = post(s, text, op);
        EXPECT_TRUE(ex.gotContinue) << "no 100 Continue before the body";
        EXPECT_EQ(ex.status, 200) << ex.body;
        EXPECT_EQ(ex.contentType, "text/xml; charset=utf-8");
        EXPECT_NE(ex.connection, "close");
        const auto calls = ops_.calls();
        ASSERT_EQ(calls.size(), 1U);
        EXPECT_EQ(calls[0].operation, op);
        for (const auto& [name, value] : sent) {
            ASSERT_EQ(calls[0].args.count(name), 1U) << name;
            EXPECT_EQ(calls[0].args.at(name), value) << name;
        }
        const DecodedResponse ours = decodeResponse(ex.body);
        ASSERT_TRUE(ours.wellFormed) << ex.body;
        EXPECT_EQ(ours.element, captured.element);
        EXPECT_EQ(ours.elementNs, captured.elementNs);
        EXPECT_EQ(ours.children, captured.children);
        EXPECT_EQ(ours.result, captured.result);
        EXPECT_EQ(ours.strings, captured.strings);
        EXPECT_EQ(ours.stringNs, captured.stringNs);
    }
    EXPECT_EQ(server_->totalConnections(), 1) << "the session must stay on one keep-alive connection";
}

TEST_F(QbwcHttpTest, ExpectContinueAndKeepAliveOnTheWireAsTheWebConnectorSendsThem) {
    start();
    ops_.stringResult = "settlebridge test";
    Poco::Net::StreamSocket sock(Poco::Net::SocketAddress("127.0.0.1", port_));
    sock.setReceiveTimeout(Poco::Timespan(10, 0));
    std::string buffered;
    const std::vector<std::string> sequence = {"serverVersion", "clientVersion", "authenticate",
                                               "sendRequestXML", "getLastError", "closeConnection"};
    for (std::size_t i = 0; i < sequence.size(); ++i) {
        SCOPED_TRACE(sequence[i]);
        const std::string body = readFile(envelopes("request", sequence[i]).front());
        const std::string headers = capturedHeaders(sequence[i], body.size(), i == 0, port_);
        sock.sendBytes(headers.data(), static_cast<int>(headers.size()));
        // The .NET client waits for "100 Continue" before it sends the body.
        const std::string interim = readUntil(sock, "\r\n\r\n", buffered);
        EXPECT_EQ(interim.rfind("HTTP/1.1 100 Continue\r\n", 0), 0U) << interim;
        sock.sendBytes(body.data(), static_cast<int>(body.size()));
        const auto [head, payload] = readResponse(sock, buffered);
        EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << head;
        EXPECT_NE(head.find("Content-Type: text/xml; charset=utf-8\r\n"), std::string::npos) << head;
        EXPECT_EQ(head.find("Connection: close"), std::string::npos) << head;
        const DecodedResponse r = decodeResponse(payload);
        EXPECT_EQ(r.element, sequence[i] + "Response") << payload;
    }
    EXPECT_EQ(ops_.calls().size(), sequence.size());
    EXPECT_EQ(server_->totalConnections(), 1);
}

TEST_F(QbwcHttpTest, AnOversizedBodyIsRefusedBeforeTheClientSendsIt) {
    QbwcHttpOptions options;
    options.limits.maxRequestBytes = 1000;
    start(options);
    Poco::Net::StreamSocket sock(Poco::Net::SocketAddress("127.0.0.1", port_));
    sock.setReceiveTimeout(Poco::Timespan(10, 0));
    const std::string headers = capturedHeaders("receiveResponseXML", 50000, true, port_);
    sock.sendBytes(headers.data(), static_cast<int>(headers.size()));
    std::string buffered;
    const auto [head, payload] = readResponse(sock, buffered);
    EXPECT_EQ(head.rfind("HTTP/1.1 500 ", 0), 0U) << "no 100 Continue for a body over the limit: " << head;
    EXPECT_NE(head.find("Connection: Close\r\n"), std::string::npos) << head;
    const DecodedResponse r = decodeResponse(payload);
    EXPECT_TRUE(r.fault) << payload;
    EXPECT_NE(r.faultstring.find("1000 bytes"), std::string::npos) << r.faultstring;
    EXPECT_TRUE(ops_.calls().empty());
    char c = 0;
    EXPECT_EQ(sock.receiveBytes(&c, 1), 0) << "the server closes the connection";
}

TEST_F(QbwcHttpTest, AnOversizedPostToTheWsdlGets405NotAHang) {
    QbwcHttpOptions options;
    options.limits.maxRequestBytes = 1000;
    start(options);
    auto sp = session();
    HTTPClientSession& s = *sp;
    const Exchange ex = post(s, std::string(3000, 'w'), "serverVersion", true, "/qbwc/wsdl");
    EXPECT_TRUE(ex.gotContinue);
    EXPECT_EQ(ex.status, 405);
    EXPECT_EQ(post(s, readFile(envelopeDir() / "serverVersion.request.xml"), "serverVersion").status, 200);
    EXPECT_EQ(server_->totalConnections(), 1);
}

TEST_F(QbwcHttpTest, AChunkedBodyOverTheLimitGetsAFault) {
    QbwcHttpOptions options;
    options.limits.maxRequestBytes = 1000;
    start(options);
    auto sp = session();
    HTTPClientSession& s = *sp;
    HTTPRequest req(HTTPRequest::HTTP_POST, "/qbwc", HTTPMessage::HTTP_1_1);
    req.setContentType("text/xml; charset=utf-8");
    req.set("SOAPAction", "\"http://developer.intuit.com/clientVersion\"");
    req.setChunkedTransferEncoding(true);
    std::ostream& os = s.sendRequest(req);
    os << "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
       << "<clientVersion xmlns=\"http://developer.intuit.com/\"><strVersion>" << std::string(1400, 'v')
       << "</strVersion></clientVersion></soap:Body></soap:Envelope>";
    HTTPResponse resp;
    std::string body;
    Poco::StreamCopier::copyToString(s.receiveResponse(resp), body);
    EXPECT_EQ(resp.getStatus(), HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
    EXPECT_TRUE(decodeResponse(body).fault) << body;
    EXPECT_TRUE(ops_.calls().empty());
    // The rest of the body was read, so the connection carries the next request.
    const Exchange ex = post(s, readFile(envelopeDir() / "serverVersion.request.xml"), "serverVersion");
    EXPECT_EQ(ex.status, 200);
}

TEST_F(QbwcHttpTest, MalformedRequestsGetFaultsAndTheConnectionStaysUsable) {
    start();
    auto sp = session();
    HTTPClientSession& s = *sp;
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"empty", ""},
        {"not XML", "GET / HTTP/1.0"},
        {"unknown operation",
         R"(<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><dropTables xmlns="http://developer.intuit.com/"/></soap:Body></soap:Envelope>)"},
        {"wrong namespace",
         R"(<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><serverVersion xmlns="urn:other"/></soap:Body></soap:Envelope>)"},
        {"missing body", R"(<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"></soap:Envelope>)"},
        {"10 MB body", std::string(10U * 1024U * 1024U, 'z')},
    };
    for (const auto& [name, body] : cases) {
        SCOPED_TRACE(name);
        const Exchange bad = post(s, body, "authenticate");
        EXPECT_EQ(bad.status, 500);
        EXPECT_EQ(bad.contentType, "text/xml; charset=utf-8");
        const DecodedResponse r = decodeResponse(bad.body);
        EXPECT_TRUE(r.wellFormed && r.fault) << bad.body.substr(0, 400);
        // The same connection answers the next good request.
        const Exchange good = post(s, readFile(envelopeDir() / "serverVersion.request.xml"), "serverVersion");
        EXPECT_EQ(good.status, 200);
    }
    EXPECT_EQ(ops_.calls().size(), cases.size()) << "only the good requests reach the operations";
    EXPECT_EQ(server_->totalConnections(), 1);
}

TEST_F(QbwcHttpTest, APostWithoutLengthHasNoBodyAndDoesNotHang) {
    start();
    Poco::Net::StreamSocket sock(Poco::Net::SocketAddress("127.0.0.1", port_));
    sock.setReceiveTimeout(Poco::Timespan(5, 0));
    const std::string request = "POST /qbwc HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\n"
                                "SOAPAction: \"http://developer.intuit.com/serverVersion\"\r\n\r\n";
    sock.sendBytes(request.data(), static_cast<int>(request.size()));
    std::string buffered;
    const auto [head, payload] = readResponse(sock, buffered);
    EXPECT_EQ(head.rfind("HTTP/1.1 500 ", 0), 0U) << head;
    EXPECT_TRUE(decodeResponse(payload).fault) << payload;
}

TEST_F(QbwcHttpTest, ServesTheWsdlWithItsOwnAddress) {
    start();
    auto sp = session();
    HTTPClientSession& s = *sp;
    for (const std::string uri : {"/qbwc?wsdl", "/qbwc?WSDL", "/qbwc/wsdl", "/qbwc/?wsdl="}) {
        SCOPED_TRACE(uri);
        const Exchange ex = get(s, uri);
        ASSERT_EQ(ex.status, 200);
        EXPECT_EQ(ex.contentType, "text/xml; charset=utf-8");
        XmlDoc doc = parseXml(ex.body);
        ASSERT_TRUE(doc);
        const std::string expected = "http://127.0.0.1:" + std::to_string(port_) + "/qbwc";
        EXPECT_NE(ex.body.find("<soap:address location=\"" + expected + "\"/>"), std::string::npos);
        EXPECT_EQ(ex.body.find("localhost:8080"), std::string::npos);
        // Everything but the address is the project's WSDL.
        std::string file = readFile(std::filesystem::path(SETTLEBRIDGE_SOURCE_DIR) / "wsdl" / "qbwc.wsdl");
        const std::string placeholder = "http://localhost:8080/qbwc";
        file.replace(file.find(placeholder), placeholder.size(), expected);
        EXPECT_EQ(ex.body, file);
    }
    EXPECT_EQ(server_->totalConnections(), 1);
}

TEST_F(QbwcHttpTest, TheWsdlAddressComesFromTheHostHeaderOrTheConfiguredUrl) {
    start();
    auto sp = session();
    HTTPClientSession& s = *sp;
    HTTPRequest req(HTTPRequest::HTTP_GET, "/qbwc?wsdl", HTTPMessage::HTTP_1_1);
    req.setHost("books.example.com", 8443);
    s.sendRequest(req);
    HTTPResponse resp;
    std::string body;
    Poco::StreamCopier::copyToString(s.receiveResponse(resp), body);
    EXPECT_NE(body.find("location=\"http://books.example.com:8443/qbwc\""), std::string::npos);

    HTTPRequest hostile(HTTPRequest::HTTP_GET, "/qbwc?wsdl", HTTPMessage::HTTP_1_1);
    hostile.set("Host", "x\"/><evil a=\"");
    s.sendRequest(hostile);
    body.clear();
    Poco::StreamCopier::copyToString(s.receiveResponse(resp), body);
    EXPECT_TRUE(parseXml(body)) << "a hostile Host header must not break the WSDL";
    EXPECT_EQ(body.find("evil"), std::string::npos);
    EXPECT_NE(body.find("location=\"http://127.0.0.1:" + std::to_string(port_) + "/qbwc\""), std::string::npos);
}

TEST_F(QbwcHttpTest, AConfiguredPublicUrlIsAdvertisedEscaped) {
    QbwcHttpOptions options;
    options.publicUrl = "https://books.example.com/qb?a=1&b=2";
    start(options);
    auto sp = session();
    HTTPClientSession& s = *sp;
    const Exchange ex = get(s, "/qbwc?wsdl");
    EXPECT_NE(ex.body.find("location=\"https://books.example.com/qb?a=1&amp;b=2\""), std::string::npos);
    EXPECT_TRUE(parseXml(ex.body));
}

TEST_F(QbwcHttpTest, OtherMethodsAndPathsAreRefused) {
    start();
    auto sp = session();
    HTTPClientSession& s = *sp;
    Exchange ex = get(s, "/qbwc", "PUT");
    EXPECT_EQ(ex.status, 405);
    EXPECT_NE(ex.connection.find("Allow: POST"), std::string::npos);
    ex = get(s, "/qbwc", "GET");
    EXPECT_EQ(ex.status, 405);
    ex = get(s, "/qbwc", "DELETE");
    EXPECT_EQ(ex.status, 405);
    ex = get(s, "/qbwc/wsdl", "DELETE");
    EXPECT_EQ(ex.status, 405);
    EXPECT_NE(ex.connection.find("Allow: GET"), std::string::npos);
    ex = get(s, "/qbwcx", "GET");
    EXPECT_EQ(ex.status, 404);
    ex = get(s, "/", "GET");
    EXPECT_EQ(ex.status, 404);
    ex = get(s, "/qbwc/other", "GET");
    EXPECT_EQ(ex.status, 404);
    const Exchange post404 = post(s, readFile(envelopeDir() / "serverVersion.request.xml"), "serverVersion",
                                  true, "/qbwc2");
    EXPECT_EQ(post404.status, 404);
    EXPECT_TRUE(ops_.calls().empty());
    // The 404'd body was read, so the connection carries the next request.
    EXPECT_EQ(post(s, readFile(envelopeDir() / "serverVersion.request.xml"), "serverVersion").status, 200);
    EXPECT_EQ(server_->totalConnections(), 1);
}

TEST_F(QbwcHttpTest, NonAsciiTextRoundTripsOverHttp) {
    start();
    const std::string name = "M\xC3\xBCller \xE6\x9D\xB1\xE4\xBA\xAC";  // Müller 東京
    ops_.arrayResult = {"ticket-\xC3\xA9", "C:\\Firmen\\M\xC3\xBCller \xE6\x9D\xB1\xE4\xBA\xAC.QBW"};
    auto sp = session();
    HTTPClientSession& s = *sp;
    const std::string body =
        R"(<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>)"
        R"(<authenticate xmlns="http://developer.intuit.com/"><strUserName>)" +
        name + R"(</strUserName><strPassword>p&#x20AC;ss</strPassword></authenticate></soap:Body></soap:Envelope>)";
    const Exchange ex = post(s, body, "authenticate");
    ASSERT_EQ(ex.status, 200) << ex.body;
    ASSERT_EQ(ops_.calls().size(), 1U);
    EXPECT_EQ(ops_.calls()[0].args.at("strUserName"), name);
    EXPECT_EQ(ops_.calls()[0].args.at("strPassword"), "p\xE2\x82\xAC" "ss");
    EXPECT_EQ(decodeResponse(ex.body).strings, ops_.arrayResult);
}

TEST_F(QbwcHttpTest, ConcurrentSessionsAreServedInParallel) {
    start();
    const std::string body = readFile(envelopeDir() / "clientVersion.request.xml");
    std::atomic<int> ok{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < 8; ++c) {
        clients.emplace_back([&] {
            auto sp = session();
            HTTPClientSession& s = *sp;
            for (int i = 0; i < 25; ++i) {
                if (post(s, body, "clientVersion").status == 200) {
                    ++ok;
                }
            }
        });
    }
    for (auto& t : clients) {
        t.join();
    }
    EXPECT_EQ(ok.load(), 200);
    EXPECT_EQ(ops_.calls().size(), 200U);
    EXPECT_EQ(server_->totalConnections(), 8);
}

}  // namespace
}  // namespace settlebridge::soap
