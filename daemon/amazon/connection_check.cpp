#include "daemon/amazon/connection_check.hpp"

#include "daemon/amazon/errors.hpp"

namespace settlebridge::amazon {

std::string verdictName(ConnectionVerdict verdict) {
    switch (verdict) {
    case ConnectionVerdict::Ok: return "ok";
    case ConnectionVerdict::BadClient: return "bad_client";
    case ConnectionVerdict::RevokedToken: return "revoked_token";
    case ConnectionVerdict::WrongRegion: return "wrong_region";
    case ConnectionVerdict::NoNetwork: return "no_network";
    case ConnectionVerdict::AmazonUnavailable: return "amazon_unavailable";
    case ConnectionVerdict::Failed: return "failed";
    }
    return "failed";
}

namespace {

ConnectionCheck fromNetwork(const NetworkError& e) {
    return {ConnectionVerdict::NoNetwork,
            "Settlebridge could not reach Amazon: " + std::string(e.what()) +
                ". Check this computer's internet connection (and any proxy or firewall).",
            e.detail(), 0};
}

ConnectionCheck fromLwa(const LwaError& e) {
    ConnectionCheck check;
    check.message = e.what();
    check.detail = e.code() + (e.description().empty() ? "" : ": " + e.description());
    switch (e.kind()) {
    case LwaError::Kind::InvalidClient: check.verdict = ConnectionVerdict::BadClient; break;
    case LwaError::Kind::InvalidGrant: check.verdict = ConnectionVerdict::RevokedToken; break;
    case LwaError::Kind::Unavailable: check.verdict = ConnectionVerdict::AmazonUnavailable; break;
    case LwaError::Kind::InvalidRequest:
    case LwaError::Kind::Unexpected: check.verdict = ConnectionVerdict::Failed; break;
    }
    return check;
}

}  // namespace

ConnectionCheck testConnection(const LwaClient& lwa, const std::string& refreshToken, const SpApiConfig& spApi,
                               net::Clock& clock) {
    AccessTokenProvider tokens(lwa, refreshToken);
    try {
        tokens.forceRefresh();
    } catch (const LwaError& e) {
        return fromLwa(e);
    } catch (const NetworkError& e) {
        return fromNetwork(e);
    } catch (const CancelledError& e) {
        return {ConnectionVerdict::Failed, e.what(), "", 0};
    }

    ReportsClient client(spApi, tokens, clock);
    try {
        ReportsQuery query;
        query.pageSize = 1;
        const ReportsPage page = client.getReports(query);
        return {ConnectionVerdict::Ok,
                "Connected: Amazon accepted the credentials and lists this seller's settlement reports in the " +
                    std::string(regionName(spApi.region)) + " region.",
                "", static_cast<int>(page.reports.size())};
    } catch (const SpApiError& e) {
        ConnectionCheck check;
        check.message = e.what();
        check.detail = e.code() + (e.amazonMessage().empty() ? "" : ": " + e.amazonMessage()) +
                       (e.details().empty() ? "" : " (" + e.details() + ")");
        if (e.httpStatus() == 401 || e.httpStatus() == 403) {
            check.verdict = ConnectionVerdict::WrongRegion;
        } else if (e.httpStatus() == 429) {
            // Throttled means authorized: the usage plan is per application and seller.
            check.verdict = ConnectionVerdict::Ok;
            check.message = "Connected: Amazon accepted the credentials (it is rate-limiting report requests right "
                            "now, which is harmless).";
        } else if (e.httpStatus() >= 500) {
            check.verdict = ConnectionVerdict::AmazonUnavailable;
        } else {
            check.verdict = ConnectionVerdict::Failed;
        }
        return check;
    } catch (const LwaError& e) {
        return fromLwa(e);  // the one refresh after a 401/403 was refused
    } catch (const NetworkError& e) {
        return fromNetwork(e);
    } catch (const CancelledError& e) {
        return {ConnectionVerdict::Failed, e.what(), "", 0};
    }
}

}  // namespace settlebridge::amazon
