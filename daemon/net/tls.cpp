#include "daemon/net/tls.hpp"

#include <mutex>

#include <Poco/Exception.h>
#include <Poco/Net/SSLManager.h>

namespace settlebridge::net {

namespace {
std::once_flag sslInitialized;
}  // namespace

Poco::Net::Context::Ptr serverContext(const HttpServerConfig& config) {
    std::call_once(sslInitialized, [] { Poco::Net::initializeSSL(); });
    Poco::Net::Context::Params params;
    params.privateKeyFile = config.privateKeyFile;
    params.certificateFile = config.certificateFile;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;  // clients (the Web Connector) have no certificate
    params.loadDefaultCAs = false;
    params.dhUse2048Bits = true;
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
