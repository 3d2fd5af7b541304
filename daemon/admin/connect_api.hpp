#pragma once
// "Add account" for an Amazon seller connection ("Connect with Amazon": the page sends the browser to the consent
// URL; Amazon sends it back to the daemon's /oauth/amazon/callback, which stores the refresh token), and "Test
// connection" of an Amazon seller connection (a token refresh plus one cheap SP-API call, with a verdict).

#include "daemon/admin/api.hpp"

namespace settlebridge::admin {

/// POST /api/connect/amazon {"company_id", "name"?, "region": "NA"|"EU"|"FE", "marketplace_ids"?: [..]}
/// → {"url", "connection_id"}
ApiReply connectAmazonPost(SiteContext& ctx, const ApiRequest& request);
/// POST /api/amazon/{id}/test → {"verdict", "ok", "message", "detail"}
ApiReply amazonTestPost(SiteContext& ctx, const ApiRequest& request);

}  // namespace settlebridge::admin
