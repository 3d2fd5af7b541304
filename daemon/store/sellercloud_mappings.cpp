#include "daemon/store/sellercloud_mappings.hpp"

#include <algorithm>

#include "daemon/store/sellercloud_connections.hpp"
#include "daemon/store/database.hpp"

namespace settlebridge::store {

namespace {

constexpr std::string_view kColumns =
    "id, profile_row, connection_id, sc_company_id, sc_company_name, ad_products, channels, enabled, "
    "last_sent_date, requested_days, requested_at, created_at, updated_at";

std::string select(std::string_view where) {
    std::string sql = "SELECT ";
    sql += kColumns;
    sql += " FROM sellercloud_mappings ";
    sql += where;
    return sql;
}

SellercloudMapping read(const Query& q) {
    SellercloudMapping m;
    m.id = q.getInt(0);
    m.profileRow = q.getInt(1);
    m.connectionId = q.getInt(2);
    m.scCompanyId = q.getInt(3);
    m.scCompanyName = q.getText(4);
    m.adProducts = splitList(q.getText(5));
    m.channels = splitList(q.getText(6));
    m.enabled = q.getInt(7) != 0;
    m.lastSentDate = q.getText(8);
    m.requestedDays = static_cast<int>(q.getInt(9));
    m.requestedAt = q.getInt(10);
    m.createdAt = q.getInt(11);
    m.updatedAt = q.getInt(12);
    return m;
}

bool contains(const std::vector<std::string>& list, std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

std::string_view channelOf(std::string_view adProduct) { return adProduct == "WALMART" ? "walmart" : "amazon"; }

}  // namespace

std::vector<std::string> SellercloudMapping::effectiveAdProducts() const {
    std::vector<std::string> out;
    for (const auto& p : adProducts) {
        if (contains(channels, channelOf(p))) out.push_back(p);
    }
    return out;
}

SellercloudMapping SellercloudMappings::save(const SellercloudMapping& m, Timestamp now) {
    for (const auto& p : m.adProducts) {
        if (p != "SP" && p != "SD" && p != "SB" && p != "WALMART") {
            throw StoreError("unknown ad product \"" + p + "\" (SP, SD, SB, WALMART)");
        }
    }
    for (const auto& c : m.channels) {
        if (c != "amazon" && c != "walmart") throw StoreError("unknown channel \"" + c + "\" (amazon, walmart)");
    }
    db_.query("INSERT INTO sellercloud_mappings (profile_row, connection_id, sc_company_id, sc_company_name, "
              "ad_products, channels, enabled, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) "
              "ON CONFLICT (profile_row) DO UPDATE SET "
              "last_sent_date = CASE WHEN connection_id = excluded.connection_id AND "
              "sc_company_id = excluded.sc_company_id THEN last_sent_date ELSE '' END, "
              "connection_id = excluded.connection_id, sc_company_id = excluded.sc_company_id, "
              "sc_company_name = excluded.sc_company_name, ad_products = excluded.ad_products, "
              "channels = excluded.channels, enabled = excluded.enabled, updated_at = excluded.updated_at")
        .bind(1, m.profileRow)
        .bind(2, m.connectionId)
        .bind(3, m.scCompanyId)
        .bind(4, m.scCompanyName)
        .bind(5, joinList(m.adProducts))
        .bind(6, joinList(m.channels))
        .bind(7, m.enabled)
        .bind(8, now)
        .run();
    return *findByProfile(m.profileRow);
}

std::optional<SellercloudMapping> SellercloudMappings::find(std::int64_t id) {
    static const std::string sql = select("WHERE id = ?1");
    auto q = db_.query(sql);
    q.bind(1, id);
    if (!q.next()) return std::nullopt;
    return read(q);
}

std::optional<SellercloudMapping> SellercloudMappings::findByProfile(std::int64_t profileRow) {
    static const std::string sql = select("WHERE profile_row = ?1");
    auto q = db_.query(sql);
    q.bind(1, profileRow);
    if (!q.next()) return std::nullopt;
    return read(q);
}

std::vector<SellercloudMapping> SellercloudMappings::list(std::optional<std::int64_t> connectionId) {
    static const std::string sql = select("WHERE ?1 IS NULL OR connection_id = ?1 ORDER BY id");
    auto q = db_.query(sql);
    q.bind(1, connectionId);
    std::vector<SellercloudMapping> out;
    while (q.next()) out.push_back(read(q));
    return out;
}

std::vector<SellercloudMapping> SellercloudMappings::forCompany(std::int64_t connectionId, std::int64_t scCompanyId) {
    static const std::string sql = select("WHERE connection_id = ?1 AND sc_company_id = ?2 ORDER BY id");
    auto q = db_.query(sql);
    q.bind(1, connectionId).bind(2, scCompanyId);
    std::vector<SellercloudMapping> out;
    while (q.next()) out.push_back(read(q));
    return out;
}

bool SellercloudMappings::remove(std::int64_t profileRow) {
    return db_.query("DELETE FROM sellercloud_mappings WHERE profile_row = ?1").bind(1, profileRow).run() == 1;
}

void SellercloudMappings::setLastSentDate(std::int64_t mappingId, std::string_view date, Timestamp now) {
    db_.query("UPDATE sellercloud_mappings SET last_sent_date = ?2, updated_at = ?3 WHERE id = ?1")
        .bind(1, mappingId)
        .bind(2, date)
        .bind(3, now)
        .run();
}

void SellercloudMappings::requestDays(std::int64_t mappingId, int days, Timestamp now) {
    if (days < 0 || days > 95) throw StoreError("a manual send covers 1 to 95 days");
    const int changed =
        db_.query("UPDATE sellercloud_mappings SET requested_days = ?2, requested_at = ?3, updated_at = ?3 "
                  "WHERE id = ?1")
            .bind(1, mappingId)
            .bind(2, days)
            .bind(3, days == 0 ? Timestamp{0} : now)
            .run();
    if (changed != 1) throw StoreError("no Sellercloud mapping with id " + std::to_string(mappingId));
}

void SellercloudMappings::addRemap(const SellercloudRemap& r) {
    db_.query("INSERT INTO sellercloud_remaps (profile_row, connection_id, from_company_id, from_company_name, "
              "to_company_id, to_company_name, cleared_products, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        .bind(1, r.profileRow)
        .bind(2, r.connectionId)
        .bind(3, r.fromCompanyId)
        .bind(4, r.fromCompanyName)
        .bind(5, r.toCompanyId)
        .bind(6, r.toCompanyName)
        .bind(7, r.clearedProducts)
        .bind(8, r.at)
        .run();
}

std::vector<SellercloudRemap> SellercloudMappings::remaps(std::optional<std::int64_t> profileRow) {
    auto q = db_.query(
        "SELECT id, profile_row, connection_id, from_company_id, from_company_name, to_company_id, to_company_name, "
        "cleared_products, at FROM sellercloud_remaps WHERE ?1 IS NULL OR profile_row = ?1 ORDER BY id");
    q.bind(1, profileRow);
    std::vector<SellercloudRemap> out;
    while (q.next()) {
        SellercloudRemap r;
        r.id = q.getInt(0);
        r.profileRow = q.getInt(1);
        r.connectionId = q.getInt(2);
        r.fromCompanyId = q.getInt(3);
        r.fromCompanyName = q.getText(4);
        r.toCompanyId = q.getInt(5);
        r.toCompanyName = q.getText(6);
        r.clearedProducts = static_cast<int>(q.getInt(7));
        r.at = q.getInt(8);
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace settlebridge::store
