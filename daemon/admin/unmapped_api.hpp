#pragma once
// The kinds of settlement rows no rule maps yet ("Unmapped" lines), across every settlement of a company, and
// mapping one to a category with a click (store/unmapped_types.hpp: one rule added to the company's mapping, which
// moves to its next version).

#include "daemon/admin/api.hpp"

namespace settlebridge::admin {

/// GET /api/companies/{id}/unmapped: {mapping_version, types: [...], categories: [{key, label}]}.
ApiReply unmappedGet(SiteContext& ctx, const ApiRequest& request);
/// POST /api/companies/{id}/unmapped/map {transaction_type, amount_type, amount_description, category}.
ApiReply unmappedMapPost(SiteContext& ctx, const ApiRequest& request);

}  // namespace settlebridge::admin
