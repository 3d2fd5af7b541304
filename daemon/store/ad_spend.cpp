#include "daemon/store/ad_spend.hpp"

#include <map>
#include <tuple>

#include "daemon/common/datetime.hpp"
#include "daemon/store/database.hpp"

namespace settlebridge::store {

bool isAdProduct(std::string_view text) noexcept {
    return text == kAdProductSP || text == kAdProductSD || text == kAdProductSB || text == kAdProductWalmart;
}

namespace {

bool digits(std::string_view s) {
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return !s.empty();
}

/// Strict YYYY-MM-DD naming a real day.
bool validDate(std::string_view d) {
    if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
    if (!digits(d.substr(0, 4)) || !digits(d.substr(5, 2)) || !digits(d.substr(8, 2))) return false;
    const int year = std::stoi(std::string(d.substr(0, 4)));
    const auto month = static_cast<unsigned>(std::stoi(std::string(d.substr(5, 2))));
    const auto day = static_cast<unsigned>(std::stoi(std::string(d.substr(8, 2))));
    return common::isValidDate(year, month, day);
}

void checkDate(std::string_view d) {
    if (!validDate(d)) throw StoreError("ad spend date \"" + std::string(d) + "\" is not a YYYY-MM-DD day");
}

void checkRow(const AdSpendRow& row) {
    if (!isAdProduct(row.adProduct)) throw StoreError("unknown ad product \"" + row.adProduct + "\"");
    checkDate(row.date);
}

void insertRow(Database& db, std::int64_t profileRow, const AdSpendRow& r, Timestamp now) {
    db.query(
          "INSERT INTO ad_spend (profile_row, ad_product, date, campaign_id, sku, asin, cost, sales, clicks, "
          "impressions, purchases, allocated, pulled_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
          "ON CONFLICT (profile_row, ad_product, date, campaign_id, sku, asin) DO UPDATE SET cost = excluded.cost, "
          "sales = excluded.sales, clicks = excluded.clicks, impressions = excluded.impressions, "
          "purchases = excluded.purchases, allocated = excluded.allocated, pulled_at = excluded.pulled_at")
        .bind(1, profileRow)
        .bind(2, r.adProduct)
        .bind(3, r.date)
        .bind(4, r.campaignId)
        .bind(5, r.sku)
        .bind(6, r.asin)
        .bind(7, r.cost)
        .bind(8, r.sales)
        .bind(9, r.clicks)
        .bind(10, r.impressions)
        .bind(11, r.purchases)
        .bind(12, r.allocated)
        .bind(13, now)
        .run();
}

}  // namespace

void AdSpend::upsert(std::int64_t profileRow, const AdSpendRow& row, Timestamp now) {
    checkRow(row);
    insertRow(db_, profileRow, row, now);
}

int AdSpend::replaceRange(std::int64_t profileRow, std::string_view adProduct, std::string_view fromDate,
                          std::string_view toDate, const std::vector<AdSpendRow>& rows, Timestamp now) {
    if (!isAdProduct(adProduct)) throw StoreError("unknown ad product \"" + std::string(adProduct) + "\"");
    checkDate(fromDate);
    checkDate(toDate);
    if (fromDate > toDate) throw StoreError("ad spend range " + std::string(fromDate) + ".." + std::string(toDate) + " is empty");

    // Sum rows of one key first (one SKU in several ad groups of a campaign on a day).
    using Key = std::tuple<std::string, std::string, std::string, std::string>;  // date, campaign, sku, asin
    std::map<Key, AdSpendRow> merged;
    for (const AdSpendRow& row : rows) {
        checkRow(row);
        if (row.adProduct != adProduct) {
            throw StoreError("a " + row.adProduct + " row in a replacement of " + std::string(adProduct) + " spend");
        }
        if (row.date < fromDate || row.date > toDate) {
            throw StoreError("ad spend row dated " + row.date + " is outside " + std::string(fromDate) + ".." +
                             std::string(toDate));
        }
        auto [it, fresh] = merged.try_emplace(Key{row.date, row.campaignId, row.sku, row.asin}, row);
        if (!fresh) {
            AdSpendRow& m = it->second;
            m.cost += row.cost;
            m.sales += row.sales;
            m.clicks += row.clicks;
            m.impressions += row.impressions;
            m.purchases += row.purchases;
            m.allocated = m.allocated || row.allocated;
        }
    }
    db_.query("DELETE FROM ad_spend WHERE profile_row = ?1 AND ad_product = ?2 AND date BETWEEN ?3 AND ?4")
        .bind(1, profileRow)
        .bind(2, adProduct)
        .bind(3, fromDate)
        .bind(4, toDate)
        .run();
    for (const auto& [key, row] : merged) insertRow(db_, profileRow, row, now);
    return static_cast<int>(merged.size());
}

std::vector<SkuSpend> AdSpend::bySku(std::int64_t profileRow, std::string_view fromDate, std::string_view toDate,
                                     const std::vector<std::string>& adProducts) {
    for (const auto& p : adProducts) {
        if (!isAdProduct(p)) throw StoreError("unknown ad product \"" + p + "\"");
    }
    // The wanted products as one comma-joined parameter (",SP,SB,"), so the statement stays cached.
    std::string wanted = ",";
    for (const auto& p : adProducts) wanted += p + ",";
    auto q = db_.query(
        "SELECT sku, max(asin), sum(cost), sum(sales), sum(clicks), sum(impressions), sum(purchases) FROM ad_spend "
        "WHERE profile_row = ?1 AND date BETWEEN ?2 AND ?3 AND (?4 = ',' OR instr(?4, ',' || ad_product || ',') > 0) "
        "GROUP BY sku, CASE WHEN sku = '' THEN asin ELSE '' END ORDER BY sku, max(asin)");
    q.bind(1, profileRow).bind(2, fromDate).bind(3, toDate).bind(4, wanted);
    std::vector<SkuSpend> out;
    while (q.next()) {
        SkuSpend s;
        s.sku = q.getText(0);
        s.asin = q.getText(1);
        s.cost = q.getInt(2);
        s.sales = q.getInt(3);
        s.clicks = q.getInt(4);
        s.impressions = q.getInt(5);
        s.purchases = q.getInt(6);
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<DaySpend> AdSpend::byDay(std::int64_t profileRow, std::string_view fromDate, std::string_view toDate) {
    auto q = db_.query(
        "SELECT date, ad_product, sum(cost), sum(sales) FROM ad_spend WHERE profile_row = ?1 AND date BETWEEN ?2 AND ?3 "
        "GROUP BY date, ad_product ORDER BY date, ad_product");
    q.bind(1, profileRow).bind(2, fromDate).bind(3, toDate);
    std::vector<DaySpend> out;
    while (q.next()) out.push_back(DaySpend{q.getText(0), q.getText(1), q.getInt(2), q.getInt(3)});
    return out;
}

std::vector<AdSpendRow> AdSpend::rows(std::int64_t profileRow, std::string_view fromDate, std::string_view toDate,
                                      const std::optional<std::string>& sku) {
    auto q = db_.query(
        "SELECT ad_product, date, campaign_id, sku, asin, cost, sales, clicks, impressions, purchases, allocated, "
        "pulled_at FROM ad_spend WHERE profile_row = ?1 AND date BETWEEN ?2 AND ?3 AND (?4 IS NULL OR sku = ?4) "
        "ORDER BY date, ad_product, campaign_id, sku, asin");
    q.bind(1, profileRow).bind(2, fromDate).bind(3, toDate).bind(4, sku);
    std::vector<AdSpendRow> out;
    while (q.next()) {
        AdSpendRow r;
        r.adProduct = q.getText(0);
        r.date = q.getText(1);
        r.campaignId = q.getText(2);
        r.sku = q.getText(3);
        r.asin = q.getText(4);
        r.cost = q.getInt(5);
        r.sales = q.getInt(6);
        r.clicks = q.getInt(7);
        r.impressions = q.getInt(8);
        r.purchases = q.getInt(9);
        r.allocated = q.getInt(10) != 0;
        r.pulledAt = q.getInt(11);
        out.push_back(std::move(r));
    }
    return out;
}

std::map<std::string, std::string> AdSpend::skuByAsin(std::int64_t profileRow) {
    auto q = db_.query(
        "SELECT asin, sku FROM ad_spend WHERE profile_row = ?1 AND ad_product IN ('SP', 'SD') AND asin <> '' "
        "AND sku <> '' ORDER BY date, pulled_at");
    q.bind(1, profileRow);
    std::map<std::string, std::string> out;
    while (q.next()) out[q.getText(0)] = q.getText(1);
    return out;
}

std::int64_t AdSpend::count(std::int64_t profileRow) {
    auto q = db_.query("SELECT count(*) FROM ad_spend WHERE profile_row = ?1");
    q.bind(1, profileRow);
    q.next();
    return q.getInt(0);
}

}  // namespace settlebridge::store
