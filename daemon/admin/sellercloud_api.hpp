#pragma once
// The Sellercloud page: the company's Sellercloud connection (team name or server id, user name, password —
// stored sealed, never sent back), Test Connection with its verdict in plain words, the companies Sellercloud
// lists, the ads profile → Sellercloud company mapping (with the remap confirmation), the manual "send the last
// N days" request (the daemon's schedule performs it) and the send log with its per-record details.
//
// Calls that reach Sellercloud (test, companies, map) go through the site's own SellercloudPush
// (SiteContext::withSellercloud).

#include "daemon/admin/api.hpp"

namespace settlebridge::admin {

/// GET /api/companies/{id}/sellercloud → {"company_id", "company", "connection": null | C, "profiles": [P]}
ApiReply sellercloudGet(SiteContext& ctx, const ApiRequest& request);
/// PUT /api/companies/{id}/sellercloud {"team_name"|"server_id"|"base_url", "username", "password"?} → C
ApiReply sellercloudPut(SiteContext& ctx, const ApiRequest& request);
/// POST /api/sellercloud/{id}/test → {"verdict", "verdict_label", "ok", "message", "detail", "companies"}
ApiReply sellercloudTestPost(SiteContext& ctx, const ApiRequest& request);
/// GET /api/sellercloud/{id}/companies → {"companies": [{"id", "name", "is_default", "disabled"}]}
ApiReply sellercloudCompaniesGet(SiteContext& ctx, const ApiRequest& request);
/// PUT /api/sellercloud/{id}/mappings/{profile} {"sc_company_id", "ad_products"?, "channels"?, "confirm"?}
ApiReply sellercloudMappingPut(SiteContext& ctx, const ApiRequest& request);
/// DELETE /api/sellercloud/{id}/mappings/{profile} {"clear"?: bool (default true)} → {"outcome": "deleted", ...};
/// a profile that sent data has its values cleared from the company's products first (502 when that fails).
ApiReply sellercloudMappingDelete(SiteContext& ctx, const ApiRequest& request);
/// PUT /api/sellercloud/{id}/settings {"column_day"?, "column_7d"?, "column_30d"?, "column_sales"?,
/// "column_acos"?, "send_hour"?, "link_rules"?: [..]} → C (checked as the CLI checks them)
ApiReply sellercloudSettingsPut(SiteContext& ctx, const ApiRequest& request);
/// GET /api/sellercloud/{id}/links → {"links": [{"sc_company_id", "sku", "product_id", "linked_at"}]} (by hand)
ApiReply sellercloudLinksGet(SiteContext& ctx, const ApiRequest& request);
/// PUT /api/sellercloud/{id}/links {"sc_company_id", "sku", "product_id"}: links a SKU to a product by hand
ApiReply sellercloudLinkPut(SiteContext& ctx, const ApiRequest& request);
/// DELETE /api/sellercloud/{id}/links {"sc_company_id", "sku"}: deletes a link made by hand
ApiReply sellercloudLinkDelete(SiteContext& ctx, const ApiRequest& request);
/// POST /api/sellercloud/{id}/send {"days", "profile_id"?, "channel"?} → {"requested", "message"}
ApiReply sellercloudSendPost(SiteContext& ctx, const ApiRequest& request);
/// GET /api/sellercloud/{id}/sends[?status=][&kind=][&profile=][&q=][&since=][&until=][&before=][&offset=][&limit=]
ApiReply sellercloudSendsGet(SiteContext& ctx, const ApiRequest& request);
/// GET /api/sellercloud/sends/{send}[?status=][&q=][&offset=][&limit=] → the send and its records
ApiReply sellercloudSendGet(SiteContext& ctx, const ApiRequest& request);

/// Plain words for a Test Connection verdict ("ok" → "Connected", "bad_credentials" → "Wrong user name or
/// password", ...).
std::string sellercloudVerdictLabel(std::string_view verdict);

}  // namespace settlebridge::admin
