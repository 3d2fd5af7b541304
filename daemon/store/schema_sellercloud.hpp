#pragma once
// Schema version 4: the Sellercloud push (connections, profile → company mappings, product links, what was
// written on each product, the send log). See docs/SELLERCLOUD.md for what each table holds.

#include <string_view>

namespace settlebridge::store {

/// The SQL of migration 4.
std::string_view sellercloudSchemaSql();

}  // namespace settlebridge::store
