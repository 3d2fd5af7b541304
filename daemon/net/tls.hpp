#pragma once
// TLS for the HTTP front: the OpenSSL server context (through Poco NetSSL) made from the configured certificate
// and private key.

#include <Poco/Net/Context.h>

#include "daemon/net/http_server.hpp"

namespace settlebridge::net {

/// The server's TLS context (TLS 1.2 at least). Throws HttpServerError when the certificate or key does not load.
Poco::Net::Context::Ptr serverContext(const HttpServerConfig& config);

}  // namespace settlebridge::net
