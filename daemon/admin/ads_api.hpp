#pragma once
// The ads pages: profiles (rename, enable, hide; "show all" lists hidden ones too), spend per day by ad product
// for a date range (the page draws it as a chart) and per SKU (a table), and "sync now" per profile.

#include "daemon/admin/api.hpp"

namespace settlebridge::admin {

/// GET /api/ads/profiles[?all=1]
ApiReply adsProfilesGet(SiteContext& ctx, const ApiRequest& request);
/// PUT /api/ads/profiles/{row} {"display_name"?, "hidden"?, "enabled"?}
ApiReply adsProfilePut(SiteContext& ctx, const ApiRequest& request);
/// POST /api/ads/profiles/{row}/sync {"days"?: 1..95}
ApiReply adsProfileSyncPost(SiteContext& ctx, const ApiRequest& request);
/// GET /api/ads/profiles/{row}/spend?from=YYYY-MM-DD&to=YYYY-MM-DD[&sku=S]
ApiReply adsSpendGet(SiteContext& ctx, const ApiRequest& request);

}  // namespace settlebridge::admin
