#pragma once
// Ad spend per profile, ad product, day, campaign and SKU (schema version 3, table ad_spend).
//
// Ad products (the `adProduct` strings): "SP" Sponsored Products, "SD" Sponsored Display, "SB" Sponsored
// Brands (campaign spend allocated to SKUs: `allocated` rows), "WALMART" Walmart Connect Sponsored Products.
// Dates are "YYYY-MM-DD" calendar days in the profile's own time zone. Money is minor units of the profile's
// currency (ads_profiles.currency_code). `asin` is the ASIN on Amazon and the Walmart item id on Walmart.
//
// Writes replace, never add: a re-pulled day's rows take the place of what was stored for it, so a restated
// cost shows the new value and a pull repeated any number of times leaves the same rows.
//
// The read API (bySku, byDay) is what the Sellercloud push, the admin page and `settlebridge ads spend` use;
// it is stable.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/records.hpp"

namespace settlebridge::store {

class Database;

inline constexpr std::string_view kAdProductSP = "SP";
inline constexpr std::string_view kAdProductSD = "SD";
inline constexpr std::string_view kAdProductSB = "SB";
inline constexpr std::string_view kAdProductWalmart = "WALMART";
/// True for "SP", "SD", "SB", "WALMART".
bool isAdProduct(std::string_view text) noexcept;

/// One stored row (the key is profile row, adProduct, date, campaignId, sku, asin).
struct AdSpendRow {
    std::string adProduct;   // see above
    std::string date;        // YYYY-MM-DD, profile time zone
    std::string campaignId;  // the channel's campaign id (decimal text)
    std::string sku;         // the seller's SKU ("" when the channel gives none, e.g. Amazon vendors)
    std::string asin;        // ASIN / Walmart item id ("" when unknown)
    common::Cents cost = 0;
    common::Cents sales = 0;         // attributed sales (SP 7 days, SD and SB 14 days, Walmart 14 days; docs/ADS.md)
    std::int64_t clicks = 0;
    std::int64_t impressions = 0;
    std::int64_t purchases = 0;
    bool allocated = false;  // a share of a Sponsored Brands campaign's spend, not a SKU-level figure
    Timestamp pulledAt = 0;  // when it was pulled (set by the writers)
};

/// Spend of one SKU over a date range (summed over days, campaigns and the chosen ad products).
struct SkuSpend {
    std::string sku;
    std::string asin;
    common::Cents cost = 0;
    common::Cents sales = 0;
    std::int64_t clicks = 0;
    std::int64_t impressions = 0;
    std::int64_t purchases = 0;
};

/// Spend of one ad product on one day (summed over campaigns and SKUs).
struct DaySpend {
    std::string date;
    std::string adProduct;
    common::Cents cost = 0;
    common::Cents sales = 0;
};

class AdSpend {
public:
    explicit AdSpend(Database& db) noexcept : db_(db) {}

    /// Writes one row, replacing the stored row with the same key. Throws StoreError for a bad ad product or date.
    void upsert(std::int64_t profileRow, const AdSpendRow& row, Timestamp now);

    /// Replaces every stored row of `adProduct` for the profile dated fromDate..toDate (inclusive) with `rows`
    /// (rows with the same key are summed first: one SKU in two ad groups of a campaign). A row of another
    /// ad product or outside the range is refused (StoreError, nothing changed if the caller's transaction
    /// rolls back). Returns the number of rows stored.
    int replaceRange(std::int64_t profileRow, std::string_view adProduct, std::string_view fromDate,
                     std::string_view toDate, const std::vector<AdSpendRow>& rows, Timestamp now);

    /// Per SKU over fromDate..toDate (inclusive), summed over the given ad products (empty = all), ordered by
    /// SKU. Rows without a SKU are grouped by ASIN (sku "").
    std::vector<SkuSpend> bySku(std::int64_t profileRow, std::string_view fromDate, std::string_view toDate,
                                const std::vector<std::string>& adProducts);
    /// Per day and ad product over fromDate..toDate (inclusive), ordered by date then ad product.
    std::vector<DaySpend> byDay(std::int64_t profileRow, std::string_view fromDate, std::string_view toDate);

    /// The stored rows over fromDate..toDate (inclusive), of one SKU when `sku` is given, ordered by date, ad
    /// product, campaign, SKU.
    std::vector<AdSpendRow> rows(std::int64_t profileRow, std::string_view fromDate, std::string_view toDate,
                                 const std::optional<std::string>& sku = std::nullopt);
    /// The seller's SKU of each ASIN the profile's SP and SD rows name (the SKU seen last when several).
    std::map<std::string, std::string> skuByAsin(std::int64_t profileRow);
    /// How many rows the profile has.
    std::int64_t count(std::int64_t profileRow);

private:
    Database& db_;
};

}  // namespace settlebridge::store
