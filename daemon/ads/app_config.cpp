#include "daemon/ads/app_config.hpp"

#include <cstdlib>

#include "daemon/store/amazon_connections.hpp"

namespace settlebridge::ads {

namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string() : std::string(value);
}

}  // namespace

AdsConnectConfig loadAdsApp(store::Store& store, const store::SecretBox& box) {
    AdsConnectConfig config = store.read([&](store::Tx& tx) {
        store::AppSettings settings(tx.database());
        AdsConnectConfig c;
        c.clientId = settings.get(setting::kClientId).value_or("");
        c.clientSecret = settings.secret(setting::kClientSecret, box).value_or("");
        c.redirectUri = settings.get(setting::kRedirectUri).value_or("");
        return c;
    });
    if (config.clientId.empty()) config.clientId = env("SETTLEBRIDGE_ADS_CLIENT_ID");
    if (config.clientSecret.empty()) config.clientSecret = env("SETTLEBRIDGE_ADS_CLIENT_SECRET");
    config.authorizeUrl = env("SETTLEBRIDGE_ADS_AUTHORIZE_URL");
    config.tokenUrl = env("SETTLEBRIDGE_ADS_TOKEN_URL");
    config.apiEndpoint = env("SETTLEBRIDGE_ADS_API_URL");
    return config;
}

bool adsAppConfigured(const AdsConnectConfig& config) {
    return !config.clientId.empty() && !config.clientSecret.empty();
}

void saveAdsApp(store::Store& store, const store::SecretBox& box, const std::string& clientId,
                const std::string& clientSecret, const std::string& redirectUri, store::Timestamp now) {
    store.write([&](store::Tx& tx) {
        store::AppSettings settings(tx.database());
        if (!clientId.empty()) settings.set(setting::kClientId, clientId, now);
        if (!clientSecret.empty()) settings.setSecret(setting::kClientSecret, clientSecret, box, now);
        if (!redirectUri.empty()) settings.set(setting::kRedirectUri, redirectUri, now);
        tx.events().add(now, std::nullopt, store::EventLevel::Info, "Amazon Ads app settings changed");
    });
}

}  // namespace settlebridge::ads
