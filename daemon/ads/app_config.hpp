#pragma once
// The operator's Amazon Ads app (Login with Amazon client id and secret, the redirect URI registered for it) —
// what "Connect with Amazon" for ads needs. Kept in the application settings (store::AppSettings: `ads.client_id`,
// `ads.redirect_uri`, and the sealed secret `ads.client_secret`), set with `settlebridge ads app` or the admin
// page; the environment ($SETTLEBRIDGE_ADS_CLIENT_ID, $SETTLEBRIDGE_ADS_CLIENT_SECRET) fills what is not stored.
// Simulator overrides come from $SETTLEBRIDGE_ADS_AUTHORIZE_URL, _TOKEN_URL and _API_URL.

#include <optional>
#include <string>

#include "daemon/ads/connect.hpp"
#include "daemon/store/secrets.hpp"
#include "daemon/store/store.hpp"

namespace settlebridge::ads {

namespace setting {
inline constexpr std::string_view kClientId = "ads.client_id";
inline constexpr std::string_view kClientSecret = "ads.client_secret";  // sealed (app_secrets)
inline constexpr std::string_view kRedirectUri = "ads.redirect_uri";
}  // namespace setting

/// The stored app (environment as fallback). `redirectUri` "" = the caller supplies it (e.g. from the request's
/// host). `configured()` is false until both the client id and secret are known.
AdsConnectConfig loadAdsApp(store::Store& store, const store::SecretBox& box);
bool adsAppConfigured(const AdsConnectConfig& config);

/// Stores the app; empty values leave what is stored alone.
void saveAdsApp(store::Store& store, const store::SecretBox& box, const std::string& clientId,
                const std::string& clientSecret, const std::string& redirectUri, store::Timestamp now);

}  // namespace settlebridge::ads
