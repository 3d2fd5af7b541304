#pragma once
// "Test connection": a refresh-token grant, then one cheap SP-API call (getReports of settlement reports,
// pageSize=1), turned into one verdict with a message for the seller. Never throws for Amazon's or the
// network's answers (ConfigError for a broken configuration still throws).

#include <string>

#include "daemon/net/clock.hpp"
#include "daemon/amazon/lwa.hpp"
#include "daemon/amazon/reports_client.hpp"

namespace settlebridge::amazon {

enum class ConnectionVerdict {
    Ok,
    BadClient,          // LWA: invalid_client (client id / secret wrong)
    RevokedToken,       // LWA: invalid_grant (refresh token revoked, expired or for another app)
    WrongRegion,        // token fine, SP-API 403 Unauthorized in this region
    NoNetwork,          // refused, no DNS, timeout, TLS failure
    AmazonUnavailable,  // LWA or SP-API kept answering 5xx
    Failed,             // anything else (the message says what)
};

/// "ok", "bad_client", "revoked_token", "wrong_region", "no_network", "amazon_unavailable", "failed".
std::string verdictName(ConnectionVerdict verdict);

struct ConnectionCheck {
    ConnectionVerdict verdict = ConnectionVerdict::Failed;
    std::string message;  // for the seller
    std::string detail;   // technical: Amazon's code/message, the network error
    int reportsSeen = 0;  // settlement reports on the page (0 or 1) when Ok
};

/// Runs the check with its own token cache. `spApi.retry` applies; pass a small RetryPolicy for a quick answer.
ConnectionCheck testConnection(const LwaClient& lwa, const std::string& refreshToken, const SpApiConfig& spApi,
                               net::Clock& clock = net::SystemClock::instance());

}  // namespace settlebridge::amazon
