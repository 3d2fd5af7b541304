#include "daemon/store/amazon_connections.hpp"

#include "daemon/store/database.hpp"

namespace settlebridge::store {

namespace {

constexpr std::string_view kColumns =
    "id, company_id, name, region, seller_id, marketplace_ids, how, client_id, client_secret IS NOT NULL, "
    "refresh_token IS NOT NULL, download_window_days, sync_every_minutes, enabled, sync_state, sync_message, "
    "sync_requested, last_sync_at, last_success_at, next_sync_at, created_at, updated_at";

std::string select(std::string_view where) {
    std::string sql = "SELECT ";
    sql += kColumns;
    sql += " FROM amazon_connections ";
    sql += where;
    return sql;
}

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = text.find(',', start);
        const std::size_t end = comma == std::string::npos ? text.size() : comma;
        if (end > start) out.push_back(text.substr(start, end - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

std::string joinList(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        if (item.empty()) continue;
        if (!out.empty()) out += ',';
        out += item;
    }
    return out;
}

AmazonConnection readConnection(const Query& q) {
    AmazonConnection c;
    c.id = q.getInt(0);
    c.companyId = q.getInt(1);
    c.name = q.getText(2);
    c.region = q.getText(3);
    c.sellerId = q.getText(4);
    c.marketplaceIds = splitList(q.getText(5));
    c.how = q.getText(6);
    c.clientId = q.getText(7);
    c.hasClientSecret = q.getInt(8) != 0;
    c.hasRefreshToken = q.getInt(9) != 0;
    c.downloadWindowDays = static_cast<int>(q.getInt(10));
    c.syncEveryMinutes = static_cast<int>(q.getInt(11));
    c.enabled = q.getInt(12) != 0;
    c.syncState = parseSyncState(q.getText(13)).value_or(SyncState::Idle);
    c.syncMessage = q.getText(14);
    c.syncRequested = q.getInt(15) != 0;
    c.lastSyncAt = q.getInt(16);
    c.lastSuccessAt = q.getInt(17);
    c.nextSyncAt = q.getInt(18);
    c.createdAt = q.getInt(19);
    c.updatedAt = q.getInt(20);
    return c;
}

void validate(const AmazonConnection& c) {
    if (c.name.empty()) throw StoreError("an Amazon connection needs a name");
    if (c.region != "NA" && c.region != "EU" && c.region != "FE") {
        throw StoreError("the region must be NA, EU or FE (got \"" + c.region + "\")");
    }
    if (c.how != "consent" && c.how != "token") throw StoreError("unknown connection kind \"" + c.how + "\"");
    if (c.downloadWindowDays < 1 || c.downloadWindowDays > 90) {
        throw StoreError("the download window must be 1 to 90 days (Amazon keeps settlement reports 90 days); got " +
                         std::to_string(c.downloadWindowDays));
    }
    if (c.syncEveryMinutes < 5) throw StoreError("the sync interval must be at least 5 minutes");
}

std::string connectionAd(std::int64_t id, std::string_view column) {
    return "amazon_connections:" + std::to_string(id) + ":" + std::string(column);
}

constexpr std::string_view kReportColumns =
    "id, connection_id, report_id, report_document_id, created_time, data_start_time, data_end_time, state, "
    "settlement_id, marketplace, settlement_row, message, seen_at";

AmazonReport readReport(const Query& q) {
    AmazonReport r;
    r.id = q.getInt(0);
    r.connectionId = q.getInt(1);
    r.reportId = q.getText(2);
    r.reportDocumentId = q.getText(3);
    r.createdTime = q.getText(4);
    r.dataStartTime = q.getText(5);
    r.dataEndTime = q.getText(6);
    r.outcome = parseReportOutcome(q.getText(7)).value_or(ReportOutcome::Failed);
    r.settlementId = q.getText(8);
    r.marketplace = q.getText(9);
    r.settlementRow = q.getOptionalInt(10);
    r.message = q.getText(11);
    r.seenAt = q.getInt(12);
    return r;
}

}  // namespace

std::string_view toString(SyncState state) {
    switch (state) {
        case SyncState::Idle: return "idle";
        case SyncState::Syncing: return "syncing";
        case SyncState::Ok: return "ok";
        case SyncState::Error: return "error";
    }
    return "idle";
}

std::optional<SyncState> parseSyncState(std::string_view text) {
    if (text == "idle") return SyncState::Idle;
    if (text == "syncing") return SyncState::Syncing;
    if (text == "ok") return SyncState::Ok;
    if (text == "error") return SyncState::Error;
    return std::nullopt;
}

std::string_view toString(ReportOutcome outcome) {
    switch (outcome) {
        case ReportOutcome::Imported: return "imported";
        case ReportOutcome::Unchanged: return "unchanged";
        case ReportOutcome::Replaced: return "replaced";
        case ReportOutcome::Conflict: return "conflict";
        case ReportOutcome::Failed: return "failed";
    }
    return "failed";
}

std::optional<ReportOutcome> parseReportOutcome(std::string_view text) {
    if (text == "imported") return ReportOutcome::Imported;
    if (text == "unchanged") return ReportOutcome::Unchanged;
    if (text == "replaced") return ReportOutcome::Replaced;
    if (text == "conflict") return ReportOutcome::Conflict;
    if (text == "failed") return ReportOutcome::Failed;
    return std::nullopt;
}

AmazonConnection AmazonConnections::create(AmazonConnection c, Timestamp now) {
    validate(c);
    if (findByName(c.companyId, c.name)) {
        throw StoreError("this company already has an Amazon connection named \"" + c.name + "\"");
    }
    c.id = db_.query("INSERT INTO amazon_connections (company_id, name, region, how, created_at, updated_at) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?5) RETURNING id")
        .bind(1, c.companyId)
        .bind(2, c.name)
        .bind(3, c.region)
        .bind(4, c.how)
        .bind(5, now)
        .insertedId();
    c.createdAt = now;
    update(c, now);
    return *find(c.id);
}

std::optional<AmazonConnection> AmazonConnections::find(std::int64_t id) {
    static const std::string sql = select("WHERE id = ?1");
    auto q = db_.query(sql);
    q.bind(1, id);
    if (!q.next()) return std::nullopt;
    return readConnection(q);
}

std::optional<AmazonConnection> AmazonConnections::findByName(std::int64_t companyId, std::string_view name) {
    static const std::string sql = select("WHERE company_id = ?1 AND name = ?2");
    auto q = db_.query(sql);
    q.bind(1, companyId).bind(2, name);
    if (!q.next()) return std::nullopt;
    return readConnection(q);
}

std::vector<AmazonConnection> AmazonConnections::list(std::optional<std::int64_t> companyId) {
    static const std::string all = select("ORDER BY company_id, name");
    static const std::string one = select("WHERE company_id = ?1 ORDER BY name");
    auto q = db_.query(companyId ? one : all);
    if (companyId) q.bind(1, *companyId);
    std::vector<AmazonConnection> out;
    while (q.next()) out.push_back(readConnection(q));
    return out;
}

void AmazonConnections::update(const AmazonConnection& c, Timestamp now) {
    validate(c);
    const int changed =
        db_.query(
               "UPDATE amazon_connections SET name = ?2, region = ?3, seller_id = ?4, marketplace_ids = ?5, how = ?6, "
               "client_id = ?7, download_window_days = ?8, sync_every_minutes = ?9, enabled = ?10, sync_state = ?11, "
               "sync_message = ?12, sync_requested = ?13, last_sync_at = ?14, last_success_at = ?15, "
               "next_sync_at = ?16, updated_at = ?17 WHERE id = ?1")
            .bind(1, c.id)
            .bind(2, c.name)
            .bind(3, c.region)
            .bind(4, c.sellerId)
            .bind(5, joinList(c.marketplaceIds))
            .bind(6, c.how)
            .bind(7, c.clientId)
            .bind(8, c.downloadWindowDays)
            .bind(9, c.syncEveryMinutes)
            .bind(10, c.enabled)
            .bind(11, toString(c.syncState))
            .bind(12, c.syncMessage)
            .bind(13, c.syncRequested)
            .bind(14, c.lastSyncAt)
            .bind(15, c.lastSuccessAt)
            .bind(16, c.nextSyncAt)
            .bind(17, now)
            .run();
    if (changed != 1) throw StoreError("no Amazon connection with id " + std::to_string(c.id));
}

void AmazonConnections::remove(std::int64_t id) {
    db_.query("DELETE FROM amazon_connections WHERE id = ?1").bind(1, id).run();
}

void AmazonConnections::setSecrets(std::int64_t id, const SecretBox& box, std::string_view refreshToken,
                                   std::optional<std::string_view> clientSecret, Timestamp now) {
    if (refreshToken.empty()) throw StoreError("the refresh token is empty");
    const std::string sealedToken = box.seal(refreshToken, connectionAd(id, "refresh_token"));
    auto q = clientSecret
                 ? db_.query("UPDATE amazon_connections SET refresh_token = ?2, client_secret = ?3, updated_at = ?4 "
                             "WHERE id = ?1")
                 : db_.query("UPDATE amazon_connections SET refresh_token = ?2, updated_at = ?4 WHERE id = ?1");
    q.bind(1, id).bindBlob(2, sealedToken).bind(4, now);
    std::string sealedSecret;
    if (clientSecret) {
        sealedSecret = box.seal(*clientSecret, connectionAd(id, "client_secret"));
        q.bindBlob(3, sealedSecret);
    }
    if (q.run() != 1) throw StoreError("no Amazon connection with id " + std::to_string(id));
}

std::string AmazonConnections::refreshToken(std::int64_t id, const SecretBox& box) {
    auto q = db_.query("SELECT refresh_token FROM amazon_connections WHERE id = ?1");
    q.bind(1, id);
    if (!q.next()) throw StoreError("no Amazon connection with id " + std::to_string(id));
    if (q.isNull(0)) throw StoreError("the Amazon connection has no refresh token yet (connect it first)");
    return box.open(q.getBlob(0), connectionAd(id, "refresh_token"));
}

std::optional<std::string> AmazonConnections::clientSecret(std::int64_t id, const SecretBox& box) {
    auto q = db_.query("SELECT client_secret FROM amazon_connections WHERE id = ?1");
    q.bind(1, id);
    if (!q.next()) throw StoreError("no Amazon connection with id " + std::to_string(id));
    if (q.isNull(0)) return std::nullopt;
    return box.open(q.getBlob(0), connectionAd(id, "client_secret"));
}

int AmazonConnections::requestSync(std::optional<std::int64_t> companyId, std::optional<std::int64_t> connectionId,
                                   Timestamp now) {
    auto q = db_.query(
        "UPDATE amazon_connections SET sync_requested = 1, updated_at = ?3 WHERE (?1 IS NULL OR company_id = ?1) "
        "AND (?2 IS NULL OR id = ?2)");
    q.bind(1, companyId).bind(2, connectionId).bind(3, now);
    return q.run();
}

std::optional<AmazonReport> AmazonConnections::findReport(std::int64_t connectionId, std::string_view reportId) {
    static const std::string sql =
        "SELECT " + std::string(kReportColumns) + " FROM amazon_reports WHERE connection_id = ?1 AND report_id = ?2";
    auto q = db_.query(sql);
    q.bind(1, connectionId).bind(2, reportId);
    if (!q.next()) return std::nullopt;
    return readReport(q);
}

void AmazonConnections::saveReport(const AmazonReport& r, std::optional<std::string_view> rawDocument) {
    auto q = db_.query(
        "INSERT INTO amazon_reports (connection_id, report_id, report_document_id, created_time, data_start_time, "
        "data_end_time, state, settlement_id, marketplace, settlement_row, message, raw_document, seen_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
        "ON CONFLICT (connection_id, report_id) DO UPDATE SET report_document_id = excluded.report_document_id, "
        "created_time = excluded.created_time, data_start_time = excluded.data_start_time, "
        "data_end_time = excluded.data_end_time, state = excluded.state, settlement_id = excluded.settlement_id, "
        "marketplace = excluded.marketplace, settlement_row = excluded.settlement_row, message = excluded.message, "
        "raw_document = excluded.raw_document, seen_at = excluded.seen_at");
    q.bind(1, r.connectionId)
        .bind(2, r.reportId)
        .bind(3, r.reportDocumentId)
        .bind(4, r.createdTime)
        .bind(5, r.dataStartTime)
        .bind(6, r.dataEndTime)
        .bind(7, toString(r.outcome))
        .bind(8, r.settlementId)
        .bind(9, r.marketplace)
        .bind(10, r.settlementRow)
        .bind(11, r.message)
        .bind(13, r.seenAt);
    if (rawDocument) {
        q.bindBlob(12, *rawDocument);
    } else {
        q.bindNull(12);
    }
    q.run();
}

std::vector<AmazonReport> AmazonConnections::reports(std::int64_t connectionId, int limit) {
    static const std::string sql = "SELECT " + std::string(kReportColumns) +
                                   " FROM amazon_reports WHERE connection_id = ?1 ORDER BY seen_at DESC, id DESC LIMIT ?2";
    auto q = db_.query(sql);
    q.bind(1, connectionId).bind(2, limit);
    std::vector<AmazonReport> out;
    while (q.next()) out.push_back(readReport(q));
    return out;
}

std::string AmazonConnections::reportRawDocument(std::int64_t reportRow) {
    auto q = db_.query("SELECT raw_document FROM amazon_reports WHERE id = ?1");
    q.bind(1, reportRow);
    if (!q.next() || q.isNull(0)) return {};
    return q.getBlob(0);
}

std::optional<std::string> AppSettings::get(std::string_view name) {
    auto q = db_.query("SELECT value FROM app_settings WHERE name = ?1");
    q.bind(1, name);
    if (!q.next()) return std::nullopt;
    return q.getText(0);
}

void AppSettings::set(std::string_view name, std::string_view value, Timestamp now) {
    db_.query("INSERT INTO app_settings (name, value, updated_at) VALUES (?1, ?2, ?3) ON CONFLICT (name) DO UPDATE "
              "SET value = excluded.value, updated_at = excluded.updated_at")
        .bind(1, name)
        .bind(2, value)
        .bind(3, now)
        .run();
}

void AppSettings::remove(std::string_view name) {
    db_.query("DELETE FROM app_settings WHERE name = ?1").bind(1, name).run();
}

std::optional<std::string> AppSettings::secret(std::string_view name, const SecretBox& box) {
    auto q = db_.query("SELECT sealed FROM app_secrets WHERE name = ?1");
    q.bind(1, name);
    if (!q.next()) return std::nullopt;
    return box.open(q.getBlob(0), "app_secrets:" + std::string(name));
}

void AppSettings::setSecret(std::string_view name, std::string_view value, const SecretBox& box, Timestamp now) {
    const std::string sealed = box.seal(value, "app_secrets:" + std::string(name));
    db_.query("INSERT INTO app_secrets (name, sealed, updated_at) VALUES (?1, ?2, ?3) ON CONFLICT (name) DO UPDATE "
              "SET sealed = excluded.sealed, updated_at = excluded.updated_at")
        .bind(1, name)
        .bindBlob(2, sealed)
        .bind(3, now)
        .run();
}

void AppSettings::removeSecret(std::string_view name) {
    db_.query("DELETE FROM app_secrets WHERE name = ?1").bind(1, name).run();
}

}  // namespace settlebridge::store
