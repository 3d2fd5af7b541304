#pragma once
// Where a Sellercloud connection's REST API is (base URL override, else the team name through the server-by-team
// lookup, else the server id), and "Test connection": the lookup, a token, and one small companies call, turned
// into one verdict with a message for the seller. testConnection() never throws for Sellercloud's or the
// network's answers.

#include <cstdint>
#include <string>

#include "daemon/net/clock.hpp"
#include "daemon/sellercloud/client.hpp"
#include "daemon/sellercloud/errors.hpp"

namespace settlebridge::sellercloud {

struct Endpoint {
    std::string teamName;  // resolved through the lookup when baseUrl is empty
    std::string serverId;  // used when there is no team name (or the lookup cannot be reached)
    std::string baseUrl;   // an override ("" = from the team or server id)
    /// The lookup and the base URL template (overridable for the simulator).
    std::string teamLookupUrl = std::string(kTeamLookupUrl);
    std::string baseUrlTemplate = std::string(kBaseUrlTemplate);
};

struct ResolvedEndpoint {
    std::string restBase;  // ends in "/api/"
    std::string serverId;  // as resolved ("" when an override was used without a server id)
};

/// The REST base of `endpoint`. Throws SellercloudError (Config, UnknownTeam, Network...).
ResolvedEndpoint resolveEndpoint(const Endpoint& endpoint, const HttpSettings& transport,
                                 net::Clock& clock = net::SystemClock::instance());

enum class Verdict {
    Ok,
    BadCredentials,  // the token call refused the user name / password
    UnknownTeam,     // the server-by-team lookup does not know the team
    UnknownServer,   // the server's host does not resolve, or no REST API there
    NoNetwork,       // refused, timed out, TLS failed
    Unavailable,     // Sellercloud kept answering 429 / 5xx
    NoPermission,    // token fine, the companies list refused (the user lacks the permission)
    Failed,          // anything else (the message says what)
};

/// "ok", "bad_credentials", "unknown_team", "unknown_server", "no_network", "unavailable", "no_permission",
/// "failed".
std::string verdictName(Verdict verdict);

struct ConnectionCheck {
    Verdict verdict = Verdict::Failed;
    std::string message;  // for the seller
    std::string detail;   // technical
    std::string restBase;
    std::string serverId;
    std::int64_t companies = 0;  // how many companies the user sees, when Ok
};

/// The verdict a SellercloudError amounts to.
Verdict verdictOf(const SellercloudError& error);

ConnectionCheck testConnection(const Endpoint& endpoint, const std::string& username, const std::string& password,
                               const HttpSettings& transport, net::Clock& clock = net::SystemClock::instance());

}  // namespace settlebridge::sellercloud
