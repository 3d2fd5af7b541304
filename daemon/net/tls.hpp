#pragma once
// TLS for the HTTP front: the OpenSSL server context (through Poco NetSSL) made from the configured certificate
// and private key.

#include <string_view>

#include <Poco/Net/Context.h>

#include "daemon/net/http_server.hpp"

namespace settlebridge::net {

/// The OpenSSL cipher list for TLS 1.2: ECDHE with AES-GCM or ChaCha20-Poly1305 only.
extern const std::string_view kCipherList;

/// What HTTPS answers carry in Strict-Transport-Security (one year; browsers then never try plain http).
inline constexpr std::string_view kHstsValue = "max-age=31536000";

/// The server's TLS context (TLS 1.2 at least, the cipher list above). Throws HttpServerError when the
/// certificate or key does not load.
Poco::Net::Context::Ptr serverContext(const HttpServerConfig& config);

}  // namespace settlebridge::net
