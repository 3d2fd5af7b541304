#pragma once
// What can go wrong talking to an outside service over HTTP, whatever the service: the base of every such failure
// (RemoteError) and the failures of the transport itself. A service's own refusals derive from RemoteError in the
// service's area (daemon/amazon/errors.hpp: LwaError, SpApiError, DownloadError).
//
//   RemoteError
//   ├── ConfigError       the connection or client is configured wrongly (bad URL, http:// to a remote host)
//   ├── NetworkError      no answer: refused, timed out, name not found, TLS failed, connection dropped
//   └── CancelledError    a stop was requested while waiting (shutdown)

#include <stdexcept>
#include <string>
#include <utility>

namespace settlebridge::net {

class RemoteError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ConfigError : public RemoteError {
public:
    using RemoteError::RemoteError;
};

class NetworkError : public RemoteError {
public:
    enum class Kind {
        Refused,   // nothing listens there (or a firewall rejects): "no network" to the seller
        Timeout,   // no answer in time
        Dns,       // the host name could not be resolved (no network, or no DNS)
        Tls,       // the TLS handshake or certificate check failed
        Closed,    // the connection dropped mid-request
        Other,
    };
    NetworkError(Kind kind, std::string host, const std::string& message, std::string detail)
        : RemoteError(message), kind_(kind), host_(std::move(host)), detail_(std::move(detail)) {}
    Kind kind() const noexcept { return kind_; }
    const std::string& host() const noexcept { return host_; }
    /// The underlying library's text (Poco/OpenSSL).
    const std::string& detail() const noexcept { return detail_; }

private:
    Kind kind_;
    std::string host_;
    std::string detail_;
};

class CancelledError : public RemoteError {
public:
    CancelledError() : RemoteError("stopped while waiting to call Amazon (shutting down)") {}
};

}  // namespace settlebridge::net
