#pragma once
// Schema version 3: ad spend (Amazon Ads, Walmart Connect). See docs/ADS.md for what each table holds.

#include <string_view>

namespace settlebridge::store {

/// The SQL of migration 3 (ads_accounts, ads_profiles, ad_spend).
std::string_view adsSchemaSql();

}  // namespace settlebridge::store
