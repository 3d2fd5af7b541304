#pragma once
// The posting queue per company: documents with their state and QuickBooks' answer in plain words, approving held
// settlements, retrying failed documents, and the Testing → Live switch.

#include "daemon/admin/api.hpp"

namespace settlebridge::admin {

/// GET /api/companies/{id}/queue[?state=held|queued|sent|posted|failed]
ApiReply queueGet(SiteContext& ctx, const ApiRequest& request);
/// POST /api/companies/{id}/approve {"settlement_id"}
ApiReply approvePost(SiteContext& ctx, const ApiRequest& request);
/// POST /api/documents/{id}/retry
ApiReply retryPost(SiteContext& ctx, const ApiRequest& request);
/// POST /api/companies/{id}/mode {"mode": "testing"|"live"}
ApiReply modePost(SiteContext& ctx, const ApiRequest& request);

/// What a document's state and hold reason mean, for people.
std::string explainDocument(const store::Document& document);

}  // namespace settlebridge::admin
