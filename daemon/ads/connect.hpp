#pragma once
// Connecting ads accounts:
//
//   Amazon Ads, "Connect with Amazon" (Login with Amazon authorization code grant):
//     begin(name, company)  → {authorize}/ap/oa?client_id=…&scope=advertising::campaign_management
//                              &response_type=code&redirect_uri=…&state=…        (send the browser there)
//     Amazon redirects to the redirect URI (the daemon's /oauth/amazon-ads/callback) with ?code=…&scope=…&state=…
//     complete(query, now)  → the state is checked (signed, self-expiring: amazon::ConsentState), the code is
//                              exchanged at the region's LWA token endpoint, the account is stored with its
//                              refresh token sealed, and its profiles (GET /v2/profiles) are imported.
//   Amazon Ads, a pasted refresh token: addRefreshToken() checks it with one refresh, then the same.
//   Walmart Connect: addWalmart() stores the partner credentials and the advertiser as the account's profile.
//
// Everything here may throw: amazon::ConsentError (bad/expired state, the user declined), amazon::LwaError
// (a used/expired code, a bad client id/secret or token), AdsError (the profile list), amazon::NetworkError.
// Nothing is stored unless the whole connection worked.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/ads/walmart.hpp"
#include "daemon/net/clock.hpp"
#include "daemon/amazon/consent.hpp"
#include "daemon/net/http.hpp"
#include "daemon/amazon/region.hpp"
#include "daemon/net/retry.hpp"
#include "daemon/store/ads_accounts.hpp"

namespace settlebridge::store {
class Store;
class SecretBox;
}  // namespace settlebridge::store

namespace settlebridge::ads {

inline constexpr std::string_view kAdsScope = "advertising::campaign_management";

struct AdsConnectConfig {
    std::string clientId;       // the Ads app's LWA client id
    std::string clientSecret;
    std::string redirectUri;    // https://<daemon>/oauth/amazon-ads/callback (registered with the app)
    /// Overrides for the simulator ("" = the region's production URL).
    std::string authorizeUrl;   // …/ap/oa
    std::string tokenUrl;       // …/auth/o2/token
    std::string apiEndpoint;    // the Ads API host
    std::chrono::seconds stateLifetime{std::chrono::minutes{30}};
    int backfillDays = 30;      // the download window given to imported profiles (1..95)
    net::HttpOptions http;
    net::RetryPolicy retry;
};

struct ConnectedAccount {
    store::AdsAccount account;
    std::vector<store::AdsProfile> profiles;
};

class AdsConnect {
public:
    AdsConnect(store::Store& store, const store::SecretBox& box, AdsConnectConfig config,
               net::Clock& clock = net::SystemClock::instance());

    /// The consent URL for a new Amazon Ads account named `name` (of `companyId`) in `region`.
    amazon::ConsentStart begin(std::string_view name, amazon::Region region,
                               std::optional<std::int64_t> companyId = std::nullopt) const;
    /// The callback (query string or whole URL): stores the account and imports its profiles.
    ConnectedAccount complete(std::string_view callbackQueryOrUrl, store::Timestamp now) const;

    /// A refresh token pasted by the user (checked with one refresh first).
    ConnectedAccount addRefreshToken(std::string_view name, amazon::Region region, std::string_view refreshToken,
                                     std::optional<std::int64_t> companyId, store::Timestamp now) const;
    /// Re-reads an Amazon Ads account's profiles (new ones are added; known ones keep the user's choices).
    std::vector<store::AdsProfile> importProfiles(std::int64_t accountId, store::Timestamp now) const;

    /// A Walmart Connect advertiser with the partner's credentials (not checked here: the first sync shows
    /// whether Walmart accepts them). `timeZone` is the advertiser's reporting zone.
    ConnectedAccount addWalmart(std::string_view name, std::string_view advertiserId, const WalmartCredentials& credentials,
                                std::string_view currency, std::string_view timeZone,
                                std::optional<std::int64_t> companyId, store::Timestamp now) const;

private:
    ConnectedAccount store(std::string_view name, amazon::Region region, std::string_view refreshToken,
                           std::optional<std::int64_t> companyId, store::Timestamp now) const;
    store::Store& store_;
    const store::SecretBox& box_;
    AdsConnectConfig config_;
    net::Clock& clock_;
};

/// code and state of a callback query; throws amazon::ConsentError for error=… or a missing parameter.
struct AdsCallback {
    std::string code;
    std::string state;
};
AdsCallback parseAdsCallback(std::string_view queryOrUrl);

}  // namespace settlebridge::ads
