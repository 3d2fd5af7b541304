// The HTTP layer: HTTPS with certificate verification (against an in-process TLS server with a certificate
// made here), timeouts, and truncated answers.

#include <gtest/gtest.h>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/ThreadPool.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "daemon/amazon/errors.hpp"
#include "daemon/net/http.hpp"
#include "tests/unit/amazon/sim_process.hpp"

using namespace std::chrono_literals;
using settlebridge::net::HttpClient;
using settlebridge::net::HttpOptions;
using settlebridge::net::HttpRequest;
using settlebridge::net::kMaxDownloadBytes;
using settlebridge::amazon::NetworkError;
using settlebridge::testing::TempFolder;

namespace {

/// A self-signed certificate for `host` (CN and SAN DNS), written as PREFIXcert.pem and PREFIXkey.pem.
void makeCertificate(const TempFolder& folder, const std::string& host, const std::string& prefix) {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    ASSERT_NE(key, nullptr);
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 4242);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(host.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    const std::string san = "DNS:" + host;
    for (const auto& [nid, value] : {std::pair{NID_subject_alt_name, san.c_str()},
                                     std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
        ASSERT_NE(ext, nullptr);
        X509_add_ext(cert, ext, -1);
        X509_EXTENSION_free(ext);
    }
    ASSERT_GT(X509_sign(cert, key, EVP_sha256()), 0);
    FILE* f = std::fopen(folder.file(prefix + "cert.pem").c_str(), "w");
    PEM_write_X509(f, cert);
    std::fclose(f);
    f = std::fopen(folder.file(prefix + "key.pem").c_str(), "w");
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
    X509_free(cert);
    EVP_PKEY_free(key);
}

class Hello : public Poco::Net::HTTPRequestHandler {
public:
    void handleRequest(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) override {
        response.setContentType("text/plain");
        response.send() << "hello over TLS";
    }
};

class HelloFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Hello;
    }
};

}  // namespace

/// An in-process HTTPS server presenting PREFIXcert.pem.
class TlsServer {
public:
    TlsServer(const TempFolder& folder, const std::string& prefix) : pool_(1, 4) {
        Poco::Net::initializeSSL();
        Poco::Net::Context::Params params;
        params.certificateFile = folder.file(prefix + "cert.pem").string();
        params.privateKeyFile = folder.file(prefix + "key.pem").string();
        params.verificationMode = Poco::Net::Context::VERIFY_NONE;
        Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
        Poco::Net::SecureServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 16, context);
        port_ = socket.address().port();
        server_ = std::make_unique<Poco::Net::HTTPServer>(new HelloFactory, pool_, socket, new Poco::Net::HTTPServerParams);
        server_->start();
    }
    ~TlsServer() { server_->stopAll(true); }
    std::uint16_t port() const { return port_; }

private:
    Poco::ThreadPool pool_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    std::uint16_t port_ = 0;
};

TEST(Https, VerifiesTheServerCertificate) {
    TempFolder folder;
    makeCertificate(folder, "localhost", "");
    makeCertificate(folder, "someone-else.invalid", "other-");
    if (HasFatalFailure()) return;
    TlsServer server(folder, "");
    HttpRequest request;
    request.url = "https://localhost:" + std::to_string(server.port()) + "/";

    // The system CA store does not know this certificate: refused, no prompt, no fallback to trusting it.
    try {
        HttpClient(HttpOptions{}).send(request);
        FAIL() << "an unknown certificate was accepted";
    } catch (const NetworkError& e) {
        EXPECT_EQ(e.kind(), NetworkError::Kind::Tls) << e.what() << " / " << e.detail();
        EXPECT_NE(std::string(e.what()).find("secure connection"), std::string::npos) << e.what();
    }

    // Trusted through the extra CA file, it works.
    HttpOptions trusting;
    trusting.caFile = folder.file("cert.pem").string();
    const auto response = HttpClient(trusting).send(request);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "hello over TLS");
}

TEST(Https, RefusesATrustedCertificateForAnotherName) {
    TempFolder folder;
    makeCertificate(folder, "someone-else.invalid", "other-");
    if (HasFatalFailure()) return;
    TlsServer server(folder, "other-");
    HttpOptions trusting;
    trusting.caFile = folder.file("other-cert.pem").string();  // trusted, but issued to another host name
    HttpRequest request;
    request.url = "https://localhost:" + std::to_string(server.port()) + "/";
    try {
        HttpClient(trusting).send(request);
        FAIL() << "a certificate for another name was accepted";
    } catch (const NetworkError& e) {
        EXPECT_EQ(e.kind(), NetworkError::Kind::Tls) << e.what() << " / " << e.detail();
    }
}

TEST(Http, ASilentServerTimesOut) {
    // Accepts connections (the kernel does) but never answers.
    Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0), 8);
    HttpOptions options;
    options.connectTimeout = 2000ms;
    options.ioTimeout = 300ms;
    HttpRequest request;
    request.url = "http://127.0.0.1:" + std::to_string(silent.address().port()) + "/reports";
    const auto start = std::chrono::steady_clock::now();
    try {
        HttpClient(options).send(request);
        FAIL() << "no timeout";
    } catch (const NetworkError& e) {
        EXPECT_EQ(e.kind(), NetworkError::Kind::Timeout) << e.what() << " / " << e.detail();
        EXPECT_NE(std::string(e.what()).find("did not answer in time"), std::string::npos) << e.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

// Issue 16, finding 9: an answer larger than the download limit is refused as soon as its Content-Length says so,
// before any of it is read (the server here sends none of its promised 3 GB), and one without a length as soon as
// it grows past the limit.
TEST(Http, AnAnswerLargerThanTheLimitIsRefusedBeforeItIsRead) {
    EXPECT_EQ(HttpOptions{}.maxBodyBytes, kMaxDownloadBytes);
    Poco::Net::ServerSocket server(Poco::Net::SocketAddress("127.0.0.1", 0), 8);
    std::thread peer([&] {
        for (int i = 0; i < 2; ++i) {
            Poco::Net::StreamSocket s = server.acceptConnection();
            char buffer[4096];
            s.receiveBytes(buffer, sizeof buffer);
            const std::string head = i == 0 ? "HTTP/1.1 200 OK\r\nContent-Length: 3000000000\r\n\r\n"
                                            : "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
            s.sendBytes(head.data(), static_cast<int>(head.size()));
            if (i == 1) {
                const std::string chunk(4096, 'x');
                try {
                    for (int k = 0; k < 64; ++k) s.sendBytes(chunk.data(), static_cast<int>(chunk.size()));
                } catch (const Poco::Exception&) {
                }
            } else {
                std::this_thread::sleep_for(2s);  // holds the connection: the client must not wait for the body
            }
            s.close();
        }
    });
    HttpRequest request;
    request.url = "http://127.0.0.1:" + std::to_string(server.address().port()) + "/doc";
    const auto start = std::chrono::steady_clock::now();
    try {
        HttpClient(HttpOptions{}).send(request);
        ADD_FAILURE() << "a 3 GB answer was accepted";
    } catch (const NetworkError& e) {
        EXPECT_NE(std::string(e.what()).find("is larger than"), std::string::npos) << e.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms) << "refused on its Content-Length, not read";
    HttpOptions small;
    small.maxBodyBytes = 100'000;
    try {
        HttpClient(small).send(request);
        ADD_FAILURE() << "an answer past the limit was accepted";
    } catch (const NetworkError& e) {
        EXPECT_NE(std::string(e.what()).find("is larger than 100000 bytes"), std::string::npos) << e.what();
    }
    peer.join();
}

TEST(Http, AnAnswerCutShortIsAnError) {
    // A server that promises 1000 bytes, sends 10 and hangs up.
    Poco::Net::ServerSocket server(Poco::Net::SocketAddress("127.0.0.1", 0), 8);
    std::thread peer([&] {
        Poco::Net::StreamSocket s = server.acceptConnection();
        char buffer[4096];
        s.receiveBytes(buffer, sizeof buffer);
        const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: text/plain\r\n\r\n0123456789";
        s.sendBytes(answer.data(), static_cast<int>(answer.size()));
        s.shutdown();
        s.close();
    });
    HttpRequest request;
    request.url = "http://127.0.0.1:" + std::to_string(server.address().port()) + "/doc";
    try {
        HttpClient(HttpOptions{}).send(request);
        ADD_FAILURE() << "a truncated answer was accepted";
    } catch (const NetworkError& e) {
        EXPECT_EQ(e.kind(), NetworkError::Kind::Closed) << e.what() << " / " << e.detail();
    }
    peer.join();
}
