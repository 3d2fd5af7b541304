#pragma once
// The three Amazon Ads v3 reports ad spend is built from, their rows turned into store rows, and the
// Sponsored Brands allocation (docs/ADS.md "Sponsored Brands"):
//
//   SP  spAdvertisedProduct  groupBy advertiser  advertisedSku/advertisedAsin, cost, sales7d, purchases7d   retention 95 days
//   SD  sdAdvertisedProduct  groupBy advertiser  promotedSku/promotedAsin, cost, sales, purchases            retention 65 days
//   SB  sbCampaigns          groupBy campaign    campaignId, cost, sales, purchases (no SKU level)           retention 60 days
//
// All DAILY, GZIP_JSON, at most 31 days per report. Money is read from the JSON number text (decimal.hpp).

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/ads/amazon_ads_client.hpp"
#include "daemon/common/json.hpp"
#include "daemon/store/ad_spend.hpp"

namespace settlebridge::ads {

struct AmazonReportKind {
    std::string_view code;          // store ad product: "SP" | "SD" | "SB"
    std::string_view adProduct;     // SPONSORED_PRODUCTS | SPONSORED_DISPLAY | SPONSORED_BRANDS
    std::string_view reportTypeId;
    std::vector<std::string> groupBy;
    std::vector<std::string> columns;
    std::string_view skuColumn;     // "" = no SKU level
    std::string_view asinColumn;
    std::string_view salesColumn;
    std::string_view purchasesColumn;
    int retentionDays;
};

/// SP, SD, SB in the order a sync pulls them (SB last: its allocation reads the SKU sales SP and SD stored).
const std::vector<AmazonReportKind>& amazonReportKinds();
const AmazonReportKind& amazonReportKind(std::string_view code);

/// The POST /reporting/reports body of one report over fromDate..toDate (at most 31 days).
ReportRequest makeReportRequest(const AmazonReportKind& kind, std::string_view fromDate, std::string_view toDate);

/// Store rows from a report file (a JSON array of flat objects). Rows dated outside fromDate..toDate are
/// refused, as are rows without a date or campaign, and money or counts that are not plain numbers
/// (AdsError Protocol naming the row and column). null metrics count as zero. SB rows have no SKU.
std::vector<store::AdSpendRow> rowsFromReport(const AmazonReportKind& kind, const common::Json& rows,
                                              std::string_view fromDate, std::string_view toDate);

/// Sponsored Brands campaign rows spread over the SKUs each campaign's ads promote. `asinsByCampaign`: from
/// the SB ads listing; `skuByAsin`: the seller's SKU of an ASIN (from SP/SD rows); `weight(date, sku, asin)`:
/// the SKU's attributed sales that count for that day (docs/ADS.md). Weights all zero → equal split. Each
/// campaign-day's cost, sales, clicks, impressions and purchases are split by largest remainder, so the parts
/// sum exactly to the campaign's figures. A campaign with no known ASINs stays one unallocated row (sku "").
std::vector<store::AdSpendRow> allocateSponsoredBrands(
    const std::vector<store::AdSpendRow>& campaignRows,
    const std::map<std::string, std::vector<std::string>>& asinsByCampaign,
    const std::map<std::string, std::string>& skuByAsin,
    const std::function<std::int64_t(const std::string& date, const std::string& sku, const std::string& asin)>& weight);

}  // namespace settlebridge::ads
