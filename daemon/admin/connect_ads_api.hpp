#pragma once
// "Add account" for Amazon Ads and Walmart Connect: the operator's Amazon Ads app (client id and secret, entered
// once; the secret is stored sealed and never sent back), "Connect with Amazon" for ads (the page sends the browser
// to Amazon's consent page; Amazon sends it back to the daemon's /oauth/amazon-ads/callback), a pasted Amazon Ads
// refresh token, and a Walmart Connect advertiser with the partner's credentials.

#include "daemon/admin/api.hpp"

namespace settlebridge::admin {

/// The daemon's route Amazon sends the browser back to after the Ads consent.
inline constexpr std::string_view kAdsCallbackPath = "/oauth/amazon-ads/callback";

/// GET /api/connect/ads-app → {"configured", "client_id", "has_secret", "redirect_uri", "default_redirect_uri"}
ApiReply adsAppGet(SiteContext& ctx, const ApiRequest& request);
/// PUT /api/connect/ads-app {"client_id", "client_secret"?, "redirect_uri"?} → as GET
ApiReply adsAppPut(SiteContext& ctx, const ApiRequest& request);
/// POST /api/connect/amazon-ads {"company_id"?, "name"?, "region"} → {"url", "redirect_uri"}
ApiReply connectAmazonAdsPost(SiteContext& ctx, const ApiRequest& request);
/// POST /api/connect/amazon-ads/token {"company_id"?, "name"?, "region", "refresh_token"} → {"account", "profiles", "message"}
ApiReply connectAdsTokenPost(SiteContext& ctx, const ApiRequest& request);
/// POST /api/connect/walmart {"company_id"?, "name"?, "advertiser_id", "auth_token", "consumer_id", "private_key",
/// "key_version"?, "currency"?, "time_zone"?} → {"account", "profiles", "message"}
ApiReply connectWalmartPost(SiteContext& ctx, const ApiRequest& request);

}  // namespace settlebridge::admin
