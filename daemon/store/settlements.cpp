#include "daemon/store/settlements.hpp"

#include "daemon/store/database.hpp"

namespace settlebridge::store {

namespace {

constexpr std::string_view kColumns =
    "id, company_id, settlement_id, report_hash, source_name, state, note, imported_at, superseded_by";

std::string select(std::string_view where) {
    std::string sql = "SELECT ";
    sql += kColumns;
    sql += " FROM settlements ";
    sql += where;
    return sql;
}

SettlementRecord readRecord(const Query& q) {
    SettlementRecord r;
    r.id = q.getInt(0);
    r.companyId = q.getInt(1);
    r.settlementId = q.getText(2);
    r.reportHash = q.getText(3);
    r.sourceName = q.getText(4);
    r.state = parseSettlementState(q.getText(5)).value_or(SettlementState::Conflict);
    r.note = q.getText(6);
    r.importedAt = q.getInt(7);
    r.supersededBy = q.getOptionalInt(8);
    return r;
}

}  // namespace

SettlementRecord Settlements::insert(SettlementRecord r, std::string_view rawDocument) {
    r.id = db_.query(
           "INSERT INTO settlements (company_id, settlement_id, report_hash, source_name, raw_document, state, note, "
           "imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id")
        .bind(1, r.companyId)
        .bind(2, r.settlementId)
        .bind(3, r.reportHash)
        .bind(4, r.sourceName)
        .bindBlob(5, rawDocument)
        .bind(6, toString(r.state))
        .bind(7, r.note)
        .bind(8, r.importedAt)
        .insertedId();
    return r;
}

std::optional<SettlementRecord> Settlements::find(std::int64_t id) {
    static const std::string sql = select("WHERE id = ?1");
    auto q = db_.query(sql);
    q.bind(1, id);
    if (!q.next()) return std::nullopt;
    return readRecord(q);
}

std::optional<SettlementRecord> Settlements::findByHash(std::int64_t companyId, std::string_view reportHash) {
    static const std::string sql = select("WHERE company_id = ?1 AND report_hash = ?2");
    auto q = db_.query(sql);
    q.bind(1, companyId).bind(2, reportHash);
    if (!q.next()) return std::nullopt;
    return readRecord(q);
}

std::optional<SettlementRecord> Settlements::findActive(std::int64_t companyId, std::string_view settlementId) {
    static const std::string sql = select("WHERE company_id = ?1 AND settlement_id = ?2 AND state = 'active'");
    auto q = db_.query(sql);
    q.bind(1, companyId).bind(2, settlementId);
    if (!q.next()) return std::nullopt;
    return readRecord(q);
}

std::vector<SettlementRecord> Settlements::list(std::int64_t companyId) {
    static const std::string sql = select("WHERE company_id = ?1 ORDER BY imported_at, id");
    auto q = db_.query(sql);
    q.bind(1, companyId);
    std::vector<SettlementRecord> out;
    while (q.next()) out.push_back(readRecord(q));
    return out;
}

std::string Settlements::rawDocument(std::int64_t id) {
    auto q = db_.query("SELECT raw_document FROM settlements WHERE id = ?1");
    q.bind(1, id);
    if (!q.next()) throw StoreError("no settlement row " + std::to_string(id));
    return q.getBlob(0);
}

void Settlements::retire(std::int64_t id, std::string_view note, std::optional<std::int64_t> supersededBy) {
    const int changed =
        db_.query("UPDATE settlements SET state = 'conflict', note = ?2, superseded_by = ?3 WHERE id = ?1")
            .bind(1, id)
            .bind(2, note)
            .bind(3, supersededBy)
            .run();
    if (changed != 1) throw StoreError("no settlement row " + std::to_string(id));
}

void Settlements::saveSummary(const SummaryRecord& s) {
    db_.query(
           "INSERT INTO summaries (settlement_row, mapping_version, reconciled, difference, deposit, currency, "
           "summary_json, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
           "ON CONFLICT (settlement_row) DO UPDATE SET mapping_version = excluded.mapping_version, "
           "reconciled = excluded.reconciled, difference = excluded.difference, deposit = excluded.deposit, "
           "currency = excluded.currency, summary_json = excluded.summary_json, created_at = excluded.created_at")
        .bind(1, s.settlementRow)
        .bind(2, s.mappingVersion)
        .bind(3, s.reconciled)
        .bind(4, s.difference)
        .bind(5, s.deposit)
        .bind(6, s.currency)
        .bind(7, s.summaryJson)
        .bind(8, s.createdAt)
        .run();
}

std::optional<SummaryRecord> Settlements::summary(std::int64_t settlementRow) {
    auto q = db_.query(
        "SELECT settlement_row, mapping_version, reconciled, difference, deposit, currency, summary_json, created_at "
        "FROM summaries WHERE settlement_row = ?1");
    q.bind(1, settlementRow);
    if (!q.next()) return std::nullopt;
    SummaryRecord s;
    s.settlementRow = q.getInt(0);
    s.mappingVersion = q.getText(1);
    s.reconciled = q.getInt(2) != 0;
    s.difference = q.getInt(3);
    s.deposit = q.getInt(4);
    s.currency = q.getText(5);
    s.summaryJson = q.getText(6);
    s.createdAt = q.getInt(7);
    return s;
}

}  // namespace settlebridge::store
