#pragma once
// The sealed credentials of an Amazon Ads account (AdsAccounts::setCredentials stores them encrypted):
// {"client_id": "amzn1.application-oa2-client.…", "client_secret": "…", "refresh_token": "Atzr|…"}.
// The app's client id and secret travel with the account so the sync needs nothing else.

#include <string>
#include <string_view>

namespace settlebridge::ads {

struct AmazonAdsCredentials {
    std::string clientId;
    std::string clientSecret;
    std::string refreshToken;

    std::string toJson() const;
    /// Throws AdsError(Config) when unreadable or incomplete.
    static AmazonAdsCredentials fromJson(std::string_view json);
};

}  // namespace settlebridge::ads
