#include "daemon/net/tls.hpp"

#include <mutex>
#include <string>

#include <Poco/Exception.h>
#include <Poco/Net/SSLManager.h>

namespace settlebridge::net {

namespace {
std::once_flag sslInitialized;
}  // namespace

const std::string_view kCipherList = "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL:!SHA1";

Poco::Net::Context::Ptr serverContext(const HttpServerConfig& config) {
    std::call_once(sslInitialized, [] { Poco::Net::initializeSSL(); });
    Poco::Net::Context::Params params;
    params.privateKeyFile = config.privateKeyFile;
    params.certificateFile = config.certificateFile;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;  // clients (the Web Connector) have no certificate
    params.loadDefaultCAs = false;
    params.dhUse2048Bits = true;
    // TLS 1.2: forward-secret key exchange with an AEAD cipher only (no RSA key exchange, no CBC, no SHA-1 MACs);
    // TLS 1.3 suites are all of that kind already. Every Web Connector on a supported Windows offers these.
    params.cipherList = std::string(kCipherList);
    try {
        Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
        context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
        context->preferServerCiphers();
        return context;
    } catch (const Poco::Exception& e) {
        throw HttpServerError("cannot use the TLS certificate " + config.certificateFile + " with the key " +
                              config.privateKeyFile + ": " + e.displayText());
    }
}

}  // namespace settlebridge::net
