#pragma once
// The home page: every company with its posting counts and its connections (Amazon seller connections, ads
// accounts) with their sync state — the cloud icon — and last/next sync; "sync now"; renaming a connection.

#include "daemon/admin/api.hpp"

namespace settlebridge::admin {

/// GET /api/home
ApiReply homeGet(SiteContext& ctx, const ApiRequest& request);
/// POST /api/companies/{id}/sync: every connection of the company syncs at the daemon's next tick.
ApiReply companySyncPost(SiteContext& ctx, const ApiRequest& request);
/// POST /api/amazon/{id}/sync
ApiReply amazonSyncPost(SiteContext& ctx, const ApiRequest& request);
/// PUT /api/amazon/{id} {"name"}
ApiReply amazonRenamePut(SiteContext& ctx, const ApiRequest& request);
/// POST /api/ads/accounts/{id}/sync
ApiReply adsAccountSyncPost(SiteContext& ctx, const ApiRequest& request);
/// POST /api/sellercloud/{id}/sync: the daily send, now (the daemon's next tick).
ApiReply sellercloudSyncPost(SiteContext& ctx, const ApiRequest& request);
/// PUT /api/ads/accounts/{id} {"name"}
ApiReply adsAccountRenamePut(SiteContext& ctx, const ApiRequest& request);

/// A connection's or account's sync state as the page shows it.
JsonObject syncJson(std::string_view state, const std::string& message, store::Timestamp lastSyncAt,
                    store::Timestamp nextSyncAt, bool requested);

/// A display name for a connection or account: 1..80 characters, no control characters. ApiError 400 otherwise.
std::string checkedDisplayName(const std::string& name, const std::string& field);

}  // namespace settlebridge::admin
