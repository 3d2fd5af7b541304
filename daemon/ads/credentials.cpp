#include "daemon/ads/credentials.hpp"

#include "daemon/ads/errors.hpp"
#include "daemon/common/json.hpp"

namespace settlebridge::ads {

using common::Json;
using common::JsonError;
using common::jsonQuote;

std::string AmazonAdsCredentials::toJson() const {
    return "{\"client_id\":" + jsonQuote(clientId) + ",\"client_secret\":" + jsonQuote(clientSecret) +
           ",\"refresh_token\":" + jsonQuote(refreshToken) + "}";
}

AmazonAdsCredentials AmazonAdsCredentials::fromJson(std::string_view json) {
    AmazonAdsCredentials c;
    try {
        const Json j = Json::parse(json);
        c.clientId = j.get("client_id");
        c.clientSecret = j.get("client_secret");
        c.refreshToken = j.get("refresh_token");
    } catch (const JsonError&) {
        throw AdsError(AdsError::Kind::Config, "the stored Amazon Ads credentials are unreadable: connect again");
    }
    if (c.clientId.empty() || c.clientSecret.empty() || c.refreshToken.empty()) {
        throw AdsError(AdsError::Kind::Config,
                       "the Amazon Ads credentials need the app's client id and secret and a refresh token");
    }
    return c;
}

}  // namespace settlebridge::ads
