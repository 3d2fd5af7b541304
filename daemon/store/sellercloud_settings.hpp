#pragma once
// The rules for the Sellercloud push settings a person sets (the custom column names, the hour of the daily send,
// SKUs linked by hand), shared by the CLI (`settlebridge sellercloud columns|link`) and the admin page so both
// refuse the same values with the same words. The product linking rules are checked by
// sellercloud::parseLinkRules (they are the sellercloud layer's names).
//
//     auto problems = store::checkSellercloudColumns(connection.columns);
//     if (auto p = store::checkSellercloudSendHour(hour)) refuse(p->field, p->message);

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/sellercloud_connections.hpp"

namespace settlebridge::store {

/// One refused value: the setting's key ("column_day", "column_7d", "column_30d", "column_sales", "column_acos",
/// "send_hour", "sku", "product_id", "sc_company_id") and a message for people that names the setting.
struct SellercloudSettingProblem {
    std::string field;
    std::string message;
};

inline constexpr std::size_t kMaxSellercloudColumnName = 100;
inline constexpr std::size_t kMaxSellercloudLinkValue = 200;
inline constexpr std::int64_t kMaxSellercloudCompanyId = 2'000'000'000;

/// The setting's key of each custom column, in the order of SellercloudColumns ("column_day", ...).
struct SellercloudColumnField {
    std::string_view field;
    std::string_view label;  // "the last day's ad spend column"
    std::string SellercloudColumns::*member;
};
const std::vector<SellercloudColumnField>& sellercloudColumnFields();

/// Each name is "" (not written) or 1–100 characters without commas, control characters or blanks at either end;
/// no two columns share a name; at least one column is written.
std::vector<SellercloudSettingProblem> checkSellercloudColumns(const SellercloudColumns& columns);

/// The local hour of the daily send: 0 to 23.
std::optional<SellercloudSettingProblem> checkSellercloudSendHour(std::int64_t hour);

/// A SKU linked by hand to a Sellercloud product: the SKU and the product ID 1–200 characters without control
/// characters or blanks at either end; the Sellercloud company id 1 to 2,000,000,000.
std::vector<SellercloudSettingProblem> checkSellercloudManualLink(std::string_view sku, std::string_view productId,
                                                                  std::int64_t scCompanyId);

}  // namespace settlebridge::store
