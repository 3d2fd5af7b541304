#include "daemon/ads/amazon_reports.hpp"

#include <set>

#include "daemon/ads/allocation.hpp"
#include "daemon/ads/errors.hpp"
#include "daemon/common/decimal.hpp"

namespace settlebridge::ads {

using common::Cents;
using common::decimalToCents;
using common::decimalToCount;
using common::Json;

const std::vector<AmazonReportKind>& amazonReportKinds() {
    static const std::vector<AmazonReportKind> kinds{
        {"SP", "SPONSORED_PRODUCTS", "spAdvertisedProduct", {"advertiser"},
         {"date", "campaignId", "adGroupId", "adId", "advertisedAsin", "advertisedSku", "cost", "clicks", "impressions",
          "sales7d", "purchases7d"},
         "advertisedSku", "advertisedAsin", "sales7d", "purchases7d", 95},
        {"SD", "SPONSORED_DISPLAY", "sdAdvertisedProduct", {"advertiser"},
         {"date", "campaignId", "adGroupId", "adId", "promotedAsin", "promotedSku", "cost", "clicks", "impressions",
          "sales", "purchases"},
         "promotedSku", "promotedAsin", "sales", "purchases", 65},
        {"SB", "SPONSORED_BRANDS", "sbCampaigns", {"campaign"},
         {"date", "campaignId", "cost", "clicks", "impressions", "sales", "purchases"}, "", "", "sales", "purchases", 60},
    };
    return kinds;
}

const AmazonReportKind& amazonReportKind(std::string_view code) {
    for (const auto& k : amazonReportKinds()) {
        if (k.code == code) return k;
    }
    throw AdsError(AdsError::Kind::Config, "no Amazon Ads report for ad product \"" + std::string(code) + "\"");
}

ReportRequest makeReportRequest(const AmazonReportKind& kind, std::string_view fromDate, std::string_view toDate) {
    ReportRequest r;
    r.name = "Settlebridge " + std::string(kind.reportTypeId) + " " + std::string(fromDate) + ".." + std::string(toDate);
    r.startDate = std::string(fromDate);
    r.endDate = std::string(toDate);
    r.adProduct = std::string(kind.adProduct);
    r.groupBy = kind.groupBy;
    r.columns = kind.columns;
    r.reportTypeId = std::string(kind.reportTypeId);
    return r;
}

namespace {

[[noreturn]] void bad(const AmazonReportKind& kind, std::size_t index, std::string_view column, const std::string& why) {
    throw AdsError(AdsError::Kind::Protocol, 0, "", why,
                   "the Amazon Ads " + std::string(kind.reportTypeId) + " report is unreadable at row " +
                       std::to_string(index + 1) + (column.empty() ? "" : ", column " + std::string(column)) + ": " + why);
}

std::string textOf(const common::Json& row, std::string_view column) {
    const common::Json* v = row.find(column);
    if (v == nullptr || v->isNull()) return "";
    return v->text();
}

common::Cents moneyOf(const AmazonReportKind& kind, const common::Json& row, std::size_t index, std::string_view column) {
    if (column.empty()) return 0;
    const common::Json* v = row.find(column);
    if (v == nullptr || v->isNull()) return 0;
    if (!v->isNumber() && !v->isString()) bad(kind, index, column, "not a number");
    const auto cents = common::decimalToCents(v->text());
    if (!cents) bad(kind, index, column, "\"" + v->text() + "\" is not an amount");
    return *cents;
}

std::int64_t countOf(const AmazonReportKind& kind, const common::Json& row, std::size_t index, std::string_view column) {
    if (column.empty()) return 0;
    const common::Json* v = row.find(column);
    if (v == nullptr || v->isNull()) return 0;
    const auto n = common::decimalToCount(v->text());
    if (!n || (!v->isNumber() && !v->isString())) bad(kind, index, column, "\"" + v->text() + "\" is not a count");
    return *n;
}

}  // namespace

std::vector<store::AdSpendRow> rowsFromReport(const AmazonReportKind& kind, const common::Json& rows, std::string_view fromDate,
                                              std::string_view toDate) {
    if (!rows.isArray()) throw AdsError(AdsError::Kind::Protocol, "the Amazon Ads report is not a list of rows");
    std::vector<store::AdSpendRow> out;
    out.reserve(rows.items().size());
    for (std::size_t i = 0; i < rows.items().size(); ++i) {
        const common::Json& row = rows.items()[i];
        if (!row.isObject()) bad(kind, i, "", "not an object");
        store::AdSpendRow r;
        r.adProduct = std::string(kind.code);
        r.date = textOf(row, "date");
        if (r.date.size() != 10) bad(kind, i, "date", "missing or not YYYY-MM-DD");
        if (r.date < fromDate || r.date > toDate) {
            bad(kind, i, "date", r.date + " is outside the report's " + std::string(fromDate) + ".." + std::string(toDate));
        }
        r.campaignId = textOf(row, "campaignId");
        if (r.campaignId.empty()) bad(kind, i, "campaignId", "missing");
        if (!kind.skuColumn.empty()) r.sku = textOf(row, kind.skuColumn);
        if (!kind.asinColumn.empty()) r.asin = textOf(row, kind.asinColumn);
        r.cost = moneyOf(kind, row, i, "cost");
        r.sales = moneyOf(kind, row, i, kind.salesColumn);
        r.clicks = countOf(kind, row, i, "clicks");
        r.impressions = countOf(kind, row, i, "impressions");
        r.purchases = countOf(kind, row, i, kind.purchasesColumn);
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<store::AdSpendRow> allocateSponsoredBrands(
    const std::vector<store::AdSpendRow>& campaignRows,
    const std::map<std::string, std::vector<std::string>>& asinsByCampaign,
    const std::map<std::string, std::string>& skuByAsin,
    const std::function<std::int64_t(const std::string&, const std::string&, const std::string&)>& weight) {
    std::vector<store::AdSpendRow> out;
    for (const store::AdSpendRow& c : campaignRows) {
        std::set<std::string> asins;
        if (const auto it = asinsByCampaign.find(c.campaignId); it != asinsByCampaign.end()) {
            for (const auto& a : it->second) {
                if (!a.empty()) asins.insert(a);
            }
        }
        if (asins.empty()) {
            store::AdSpendRow keep = c;
            keep.sku.clear();
            keep.asin.clear();
            keep.allocated = false;
            out.push_back(std::move(keep));
            continue;
        }
        std::vector<std::pair<std::string, std::string>> targets;  // sku, asin
        std::vector<std::int64_t> weights;
        for (const auto& asin : asins) {
            const auto sku = skuByAsin.find(asin);
            targets.emplace_back(sku == skuByAsin.end() ? std::string() : sku->second, asin);
            weights.push_back(weight(c.date, targets.back().first, asin));
        }
        const auto cost = allocateProportionally(c.cost, weights);
        const auto sales = allocateProportionally(c.sales, weights);
        const auto clicks = allocateProportionally(c.clicks, weights);
        const auto impressions = allocateProportionally(c.impressions, weights);
        const auto purchases = allocateProportionally(c.purchases, weights);
        for (std::size_t i = 0; i < targets.size(); ++i) {
            store::AdSpendRow r;
            r.adProduct = c.adProduct;
            r.date = c.date;
            r.campaignId = c.campaignId;
            r.sku = targets[i].first;
            r.asin = targets[i].second;
            r.cost = cost[i];
            r.sales = sales[i];
            r.clicks = clicks[i];
            r.impressions = impressions[i];
            r.purchases = purchases[i];
            r.allocated = true;
            out.push_back(std::move(r));
        }
    }
    return out;
}

}  // namespace settlebridge::ads
