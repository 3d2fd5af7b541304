#include "daemon/store/sellercloud_connections.hpp"

#include "daemon/store/secrets.hpp"
#include "daemon/store/database.hpp"

namespace settlebridge::store {

namespace {

constexpr std::string_view kColumns =
    "id, company_id, team_name, server_id, base_url, username, password IS NOT NULL, link_rules, column_day, "
    "column_7d, column_30d, column_sales, column_acos, send_hour, enabled, test_verdict, test_message, tested_at, "
    "sync_state, sync_message, sync_requested, last_sync_at, last_success_at, next_sync_at, created_at, updated_at";

std::string select(std::string_view where) {
    std::string sql = "SELECT ";
    sql += kColumns;
    sql += " FROM sellercloud_connections ";
    sql += where;
    return sql;
}

SellercloudConnection read(const Query& q) {
    SellercloudConnection c;
    c.id = q.getInt(0);
    c.companyId = q.getInt(1);
    c.teamName = q.getText(2);
    c.serverId = q.getText(3);
    c.baseUrl = q.getText(4);
    c.username = q.getText(5);
    c.hasPassword = q.getInt(6) != 0;
    c.linkRules = splitList(q.getText(7));
    c.columns.spendDay = q.getText(8);
    c.columns.spend7d = q.getText(9);
    c.columns.spend30d = q.getText(10);
    c.columns.sales30d = q.getText(11);
    c.columns.acos30d = q.getText(12);
    c.sendHour = static_cast<int>(q.getInt(13));
    c.enabled = q.getInt(14) != 0;
    c.testVerdict = q.getText(15);
    c.testMessage = q.getText(16);
    c.testedAt = q.getInt(17);
    c.syncState = parseSyncState(q.getText(18)).value_or(SyncState::Idle);
    c.syncMessage = q.getText(19);
    c.syncRequested = q.getInt(20) != 0;
    c.lastSyncAt = q.getInt(21);
    c.lastSuccessAt = q.getInt(22);
    c.nextSyncAt = q.getInt(23);
    c.createdAt = q.getInt(24);
    c.updatedAt = q.getInt(25);
    return c;
}

std::string passwordAd(std::int64_t id) { return "sellercloud_connections:" + std::to_string(id) + ":password"; }

void validate(const SellercloudConnection& c) {
    if (c.sendHour < 0 || c.sendHour > 23) throw StoreError("the daily send hour must be 0 to 23");
    if (c.teamName.empty() && c.serverId.empty() && c.baseUrl.empty()) {
        throw StoreError("a Sellercloud connection needs a team name, a server id or a base URL");
    }
    for (const std::string* name : {&c.columns.spendDay, &c.columns.spend7d, &c.columns.spend30d, &c.columns.sales30d,
                                    &c.columns.acos30d}) {
        if (name->find(',') != std::string::npos) throw StoreError("a custom column name cannot contain a comma");
    }
}

}  // namespace

std::vector<std::string> splitList(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find(',', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view item = text.substr(start, end - start);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (!item.empty()) out.emplace_back(item);
        start = end + 1;
    }
    return out;
}

std::string joinList(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out.push_back(',');
        out += item;
    }
    return out;
}

SellercloudConnection SellercloudConnections::create(SellercloudConnection c, Timestamp now) {
    validate(c);
    if (findByCompany(c.companyId)) throw StoreError("this company already has a Sellercloud connection");
    c.id = db_.query("INSERT INTO sellercloud_connections (company_id, username, team_name, created_at, updated_at) "
              "VALUES (?1, ?2, ?3, ?4, ?4) RETURNING id")
        .bind(1, c.companyId)
        .bind(2, c.username)
        .bind(3, c.teamName)
        .bind(4, now)
        .insertedId();
    update(c, now);
    return *find(c.id);
}

std::optional<SellercloudConnection> SellercloudConnections::find(std::int64_t id) {
    static const std::string sql = select("WHERE id = ?1");
    auto q = db_.query(sql);
    q.bind(1, id);
    if (!q.next()) return std::nullopt;
    return read(q);
}

std::optional<SellercloudConnection> SellercloudConnections::findByCompany(std::int64_t companyId) {
    static const std::string sql = select("WHERE company_id = ?1");
    auto q = db_.query(sql);
    q.bind(1, companyId);
    if (!q.next()) return std::nullopt;
    return read(q);
}

std::vector<SellercloudConnection> SellercloudConnections::list() {
    static const std::string sql = select("ORDER BY id");
    auto q = db_.query(sql);
    std::vector<SellercloudConnection> out;
    while (q.next()) out.push_back(read(q));
    return out;
}

void SellercloudConnections::update(const SellercloudConnection& c, Timestamp now) {
    validate(c);
    const int changed =
        db_.query("UPDATE sellercloud_connections SET team_name = ?2, server_id = ?3, base_url = ?4, username = ?5, "
                  "link_rules = ?6, column_day = ?7, column_7d = ?8, column_30d = ?9, column_sales = ?10, "
                  "column_acos = ?11, send_hour = ?12, enabled = ?13, test_verdict = ?14, test_message = ?15, "
                  "tested_at = ?16, sync_state = ?17, sync_message = ?18, sync_requested = ?19, last_sync_at = ?20, "
                  "last_success_at = ?21, next_sync_at = ?22, updated_at = ?23 WHERE id = ?1")
            .bind(1, c.id)
            .bind(2, c.teamName)
            .bind(3, c.serverId)
            .bind(4, c.baseUrl)
            .bind(5, c.username)
            .bind(6, joinList(c.linkRules))
            .bind(7, c.columns.spendDay)
            .bind(8, c.columns.spend7d)
            .bind(9, c.columns.spend30d)
            .bind(10, c.columns.sales30d)
            .bind(11, c.columns.acos30d)
            .bind(12, c.sendHour)
            .bind(13, c.enabled)
            .bind(14, c.testVerdict)
            .bind(15, c.testMessage)
            .bind(16, c.testedAt)
            .bind(17, toString(c.syncState))
            .bind(18, c.syncMessage)
            .bind(19, c.syncRequested)
            .bind(20, c.lastSyncAt)
            .bind(21, c.lastSuccessAt)
            .bind(22, c.nextSyncAt)
            .bind(23, now)
            .run();
    if (changed != 1) throw StoreError("no Sellercloud connection with id " + std::to_string(c.id));
}

bool SellercloudConnections::remove(std::int64_t id) {
    return db_.query("DELETE FROM sellercloud_connections WHERE id = ?1").bind(1, id).run() == 1;
}

void SellercloudConnections::setPassword(std::int64_t id, const SecretBox& box, std::string_view password,
                                         Timestamp now) {
    if (password.empty()) throw StoreError("the Sellercloud password is empty");
    const std::string sealed = box.seal(password, passwordAd(id));
    const int changed = db_.query("UPDATE sellercloud_connections SET password = ?2, updated_at = ?3 WHERE id = ?1")
                            .bind(1, id)
                            .bindBlob(2, sealed)
                            .bind(3, now)
                            .run();
    if (changed != 1) throw StoreError("no Sellercloud connection with id " + std::to_string(id));
}

std::string SellercloudConnections::password(std::int64_t id, const SecretBox& box) {
    auto q = db_.query("SELECT password FROM sellercloud_connections WHERE id = ?1");
    q.bind(1, id);
    if (!q.next()) throw StoreError("no Sellercloud connection with id " + std::to_string(id));
    if (q.isNull(0)) throw StoreError("the Sellercloud connection has no password yet (run sellercloud connect)");
    return box.open(q.getBlob(0), passwordAd(id));
}

void SellercloudConnections::setTestResult(std::int64_t id, std::string_view verdict, std::string_view message,
                                           Timestamp now) {
    db_.query("UPDATE sellercloud_connections SET test_verdict = ?2, test_message = ?3, tested_at = ?4, "
              "updated_at = ?4 WHERE id = ?1")
        .bind(1, id)
        .bind(2, verdict)
        .bind(3, message)
        .bind(4, now)
        .run();
}

void SellercloudConnections::setSyncState(std::int64_t id, SyncState state, std::string_view message, Timestamp now,
                                          std::optional<Timestamp> nextSyncAt, bool success) {
    auto q = db_.query(
        "UPDATE sellercloud_connections SET sync_state = ?2, sync_message = ?3, updated_at = ?4, "
        "last_sync_at = CASE WHEN ?2 IN ('ok', 'error') THEN ?4 ELSE last_sync_at END, "
        "last_success_at = CASE WHEN ?5 THEN ?4 ELSE last_success_at END, "
        "next_sync_at = COALESCE(?6, next_sync_at) WHERE id = ?1");
    q.bind(1, id).bind(2, toString(state)).bind(3, message).bind(4, now).bind(5, success).bind(6, nextSyncAt);
    q.run();
}

void SellercloudConnections::requestSync(std::int64_t id, bool requested, Timestamp now) {
    db_.query("UPDATE sellercloud_connections SET sync_requested = ?2, updated_at = ?3 WHERE id = ?1")
        .bind(1, id)
        .bind(2, requested)
        .bind(3, now)
        .run();
}

}  // namespace settlebridge::store
