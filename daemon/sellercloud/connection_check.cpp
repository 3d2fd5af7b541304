#include "daemon/sellercloud/connection_check.hpp"

#include "daemon/sellercloud/errors.hpp"

namespace settlebridge::sellercloud {

ResolvedEndpoint resolveEndpoint(const Endpoint& endpoint, const HttpSettings& transport, net::Clock& clock) {
    if (!endpoint.baseUrl.empty()) return {normalizeRestBase(endpoint.baseUrl), endpoint.serverId};
    if (!endpoint.teamName.empty()) {
        try {
            const TeamServer team = resolveTeam(endpoint.teamName, endpoint.teamLookupUrl, transport, clock);
            return {team.restBase, team.serverId};
        } catch (const SellercloudError& e) {
            // The lookup host unreachable but the server id known from an earlier lookup: use it.
            if (e.kind() != SellercloudError::Kind::Network || endpoint.serverId.empty()) throw;
        }
    }
    if (endpoint.serverId.empty()) {
        throw SellercloudError(SellercloudError::Kind::Config, 0, "",
                               "the Sellercloud connection has no team name, server id or base URL");
    }
    return {restBaseForServer(endpoint.serverId, endpoint.baseUrlTemplate), endpoint.serverId};
}

std::string verdictName(Verdict verdict) {
    switch (verdict) {
        case Verdict::Ok: return "ok";
        case Verdict::BadCredentials: return "bad_credentials";
        case Verdict::UnknownTeam: return "unknown_team";
        case Verdict::UnknownServer: return "unknown_server";
        case Verdict::NoNetwork: return "no_network";
        case Verdict::Unavailable: return "unavailable";
        case Verdict::NoPermission: return "no_permission";
        case Verdict::Failed: return "failed";
    }
    return "failed";
}

Verdict verdictOf(const SellercloudError& error) {
    using Kind = SellercloudError::Kind;
    switch (error.kind()) {
        case Kind::BadCredentials: return Verdict::BadCredentials;
        case Kind::UnknownTeam: return Verdict::UnknownTeam;
        case Kind::UnknownServer: return Verdict::UnknownServer;
        case Kind::Network: return Verdict::NoNetwork;
        case Kind::Throttled:
        case Kind::Unavailable: return Verdict::Unavailable;
        case Kind::Unauthorized: return Verdict::NoPermission;
        default: return Verdict::Failed;
    }
}

ConnectionCheck testConnection(const Endpoint& endpoint, const std::string& username, const std::string& password,
                               const HttpSettings& transport, net::Clock& clock) {
    ConnectionCheck check;
    try {
        const ResolvedEndpoint resolved = resolveEndpoint(endpoint, transport, clock);
        check.restBase = resolved.restBase;
        check.serverId = resolved.serverId;
        ClientConfig config;
        config.baseUrl = resolved.restBase;
        config.username = username;
        config.password = password;
        config.transport = transport;
        Client client(config, clock);
        client.accessToken();
        check.companies = client.companyCount();
        check.verdict = Verdict::Ok;
        check.message = "connected to Sellercloud at " + resolved.restBase + " as " + username + " (" +
                        std::to_string(check.companies) + " companies)";
    } catch (const SellercloudError& e) {
        check.verdict = verdictOf(e);
        check.message = e.what();
        check.detail = e.detail();
    }
    return check;
}

}  // namespace settlebridge::sellercloud
