#pragma once
// What can go wrong talking to Sellercloud, as one exception type with a kind (for verdicts and for deciding
// whether a send goes on) and a message written for the seller. The technical facts (HTTP status, the
// operation, Sellercloud's own text) are kept in fields for the log.

#include <stdexcept>
#include <string>
#include <utility>

namespace settlebridge::sellercloud {

class SellercloudError : public std::runtime_error {
public:
    enum class Kind {
        Config,          // the connection is configured wrongly (no server, bad URL, unknown linking rule)
        Network,         // no answer: refused, timed out, TLS failed, connection dropped
        UnknownServer,   // the server's host name does not resolve, or its REST API is not where it should be
        UnknownTeam,     // the server-by-team lookup does not know the team name
        BadCredentials,  // POST /api/token refused the user name and password
        Unauthorized,    // a call was refused even with a fresh token (the user lacks the permission)
        Throttled,       // 429 after the retries
        Unavailable,     // 5xx after the retries
        NotFound,        // 404 (a product that does not exist any more)
        Rejected,        // another 4xx (e.g. a custom column that does not exist)
        Unexpected,      // an answer that could not be read
        Cancelled,       // a stop was requested while waiting (shutdown)
    };

    SellercloudError(Kind kind, int httpStatus, std::string operation, const std::string& message,
                     std::string detail = {})
        : std::runtime_error(message),
          kind_(kind),
          httpStatus_(httpStatus),
          operation_(std::move(operation)),
          detail_(std::move(detail)) {}

    Kind kind() const noexcept { return kind_; }
    /// 0 when there was no HTTP answer.
    int httpStatus() const noexcept { return httpStatus_; }
    /// "token", "companies", "catalog", "inventory", "customColumns", "serverByTeam".
    const std::string& operation() const noexcept { return operation_; }
    /// Sellercloud's own text (its Message / Error field, or the start of the body) or the network error.
    const std::string& detail() const noexcept { return detail_; }

    /// True when nothing more can be sent to this server now (the rest of a send is skipped).
    bool stopsTheSend() const noexcept {
        return kind_ != Kind::NotFound && kind_ != Kind::Rejected && kind_ != Kind::Unexpected;
    }

private:
    Kind kind_;
    int httpStatus_;
    std::string operation_;
    std::string detail_;
};

}  // namespace settlebridge::sellercloud
