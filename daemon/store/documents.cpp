#include "daemon/store/documents.hpp"

#include "daemon/store/database.hpp"

namespace settlebridge::store {

namespace {

constexpr std::string_view kColumns =
    "d.id, d.company_id, d.settlement_row, d.settlement_id, d.kind, d.part, d.seq, d.ref_number, d.external_key, "
    "d.external_guid, d.txn_date, d.customer, d.expected_total, d.currency, d.payload, d.depends_on, d.state, "
    "d.hold_reason, d.verify_first, d.attempts, d.auto_retries, d.retry_after, d.qb_txn_id, d.qb_txn_date, "
    "d.qb_total, d.qb_status_code, d.qb_status_message, d.last_error, d.last_session_id, d.created_at, "
    "d.updated_at, d.sent_at, d.posted_at, d.resends, d.check_reason, d.add_answer, d.lookup_answer";

std::string select(std::string_view where) {
    std::string sql = "SELECT ";
    sql += kColumns;
    sql += " FROM documents d ";
    sql += where;
    return sql;
}

Document readDocument(const Query& q) {
    Document d;
    d.id = q.getInt(0);
    d.companyId = q.getInt(1);
    d.settlementRow = q.getInt(2);
    d.settlementId = q.getText(3);
    d.kind = parseDocKind(q.getText(4)).value_or(DocKind::Receipt);
    d.part = static_cast<int>(q.getInt(5));
    d.seq = static_cast<int>(q.getInt(6));
    d.refNumber = q.getText(7);
    d.externalKey = q.getText(8);
    d.externalGuid = q.getText(9);
    d.txnDate = q.getText(10);
    d.customer = q.getText(11);
    d.expectedTotal = q.getInt(12);
    d.currency = q.getText(13);
    d.payload = q.getText(14);
    d.dependsOn = q.getOptionalInt(15);
    d.state = parseDocState(q.getText(16)).value_or(DocState::Failed);
    d.holdReason = q.getText(17);
    d.verifyFirst = q.getInt(18) != 0;
    d.attempts = static_cast<int>(q.getInt(19));
    d.autoRetries = static_cast<int>(q.getInt(20));
    d.retryAfter = q.getInt(21);
    d.qbTxnId = q.getText(22);
    d.qbTxnDate = q.getText(23);
    d.qbTotal = q.getOptionalInt(24);
    if (auto code = q.getOptionalInt(25)) d.qbStatusCode = static_cast<int>(*code);
    d.qbStatusMessage = q.getText(26);
    d.lastError = q.getText(27);
    d.lastSessionId = q.getOptionalInt(28);
    d.createdAt = q.getInt(29);
    d.updatedAt = q.getInt(30);
    d.sentAt = q.getInt(31);
    d.postedAt = q.getInt(32);
    d.resends = static_cast<int>(q.getInt(33));
    d.checkReason = q.getText(34);
    d.addAnswer = q.getText(35);
    d.lookupAnswer = q.getText(36);
    return d;
}

std::optional<std::int64_t> widen(const std::optional<int>& v) {
    if (!v) return std::nullopt;
    return *v;
}

}  // namespace

std::int64_t Documents::insert(const Document& d) {
    return db_.query(
           "INSERT INTO documents (company_id, settlement_row, settlement_id, kind, part, seq, ref_number, "
           "external_key, external_guid, txn_date, customer, expected_total, currency, payload, depends_on, state, "
           "hold_reason, verify_first, last_error, created_at, updated_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?20) "
           "RETURNING id")
        .bind(1, d.companyId)
        .bind(2, d.settlementRow)
        .bind(3, d.settlementId)
        .bind(4, toString(d.kind))
        .bind(5, d.part)
        .bind(6, d.seq)
        .bind(7, d.refNumber)
        .bind(8, d.externalKey)
        .bind(9, d.externalGuid)
        .bind(10, d.txnDate)
        .bind(11, d.customer)
        .bind(12, d.expectedTotal)
        .bind(13, d.currency)
        .bind(14, d.payload)
        .bind(15, d.dependsOn)
        .bind(16, toString(d.state))
        .bind(17, d.holdReason)
        .bind(18, d.verifyFirst)
        .bind(19, d.lastError)
        .bind(20, d.createdAt)
        .insertedId();
}

std::optional<Document> Documents::find(std::int64_t id) {
    static const std::string sql = select("WHERE d.id = ?1");
    auto q = db_.query(sql);
    q.bind(1, id);
    if (!q.next()) return std::nullopt;
    return readDocument(q);
}

std::optional<Document> Documents::findByExternalKey(std::int64_t companyId, std::string_view externalKey) {
    static const std::string sql = select("WHERE d.company_id = ?1 AND d.external_key = ?2");
    auto q = db_.query(sql);
    q.bind(1, companyId).bind(2, externalKey);
    if (!q.next()) return std::nullopt;
    return readDocument(q);
}

std::vector<Document> Documents::list(std::int64_t companyId, std::optional<DocState> state) {
    static const std::string sql =
        select("WHERE d.company_id = ?1 AND (?2 = '' OR d.state = ?2) ORDER BY d.settlement_row, d.seq, d.id");
    auto q = db_.query(sql);
    q.bind(1, companyId).bind(2, state ? toString(*state) : std::string_view{});
    std::vector<Document> out;
    while (q.next()) out.push_back(readDocument(q));
    return out;
}

std::vector<Document> Documents::listIn(std::int64_t companyId, const std::vector<DocState>& states) {
    if (states.empty()) return {};
    std::string where = "WHERE d.company_id = ?1 AND d.state IN (";
    for (std::size_t i = 0; i < states.size(); ++i) {
        if (i > 0) where += ", ";
        where += "?" + std::to_string(i + 2);
    }
    where += ") ORDER BY d.settlement_row, d.seq, d.id";
    auto q = db_.query(select(where));
    q.bind(1, companyId);
    for (std::size_t i = 0; i < states.size(); ++i) q.bind(static_cast<int>(i + 2), toString(states[i]));
    std::vector<Document> out;
    while (q.next()) out.push_back(readDocument(q));
    return out;
}

std::vector<Document> Documents::forSettlement(std::int64_t settlementRow) {
    static const std::string sql = select("WHERE d.settlement_row = ?1 ORDER BY d.seq, d.id");
    auto q = db_.query(sql);
    q.bind(1, settlementRow);
    std::vector<Document> out;
    while (q.next()) out.push_back(readDocument(q));
    return out;
}

std::vector<Document> Documents::touchedBySession(std::int64_t sessionId) {
    static const std::string sql = select("WHERE d.last_session_id = ?1 ORDER BY d.settlement_row, d.seq, d.id");
    auto q = db_.query(sql);
    q.bind(1, sessionId);
    std::vector<Document> out;
    while (q.next()) out.push_back(readDocument(q));
    return out;
}

void Documents::save(const Document& d) {
    const int changed =
        db_.query(
               "UPDATE documents SET state = ?2, hold_reason = ?3, verify_first = ?4, attempts = ?5, "
               "auto_retries = ?6, retry_after = ?7, qb_txn_id = ?8, qb_txn_date = ?9, qb_total = ?10, "
               "qb_status_code = ?11, qb_status_message = ?12, last_error = ?13, last_session_id = ?14, "
               "updated_at = ?15, sent_at = ?16, posted_at = ?17, payload = ?18, resends = ?19, check_reason = ?20, "
               "add_answer = ?21, lookup_answer = ?22 WHERE id = ?1")
            .bind(1, d.id)
            .bind(2, toString(d.state))
            .bind(3, d.holdReason)
            .bind(4, d.verifyFirst)
            .bind(5, d.attempts)
            .bind(6, d.autoRetries)
            .bind(7, d.retryAfter)
            .bind(8, d.qbTxnId)
            .bind(9, d.qbTxnDate)
            .bind(10, d.qbTotal)
            .bind(11, widen(d.qbStatusCode))
            .bind(12, d.qbStatusMessage)
            .bind(13, d.lastError)
            .bind(14, d.lastSessionId)
            .bind(15, d.updatedAt)
            .bind(16, d.sentAt)
            .bind(17, d.postedAt)
            .bind(18, d.payload)
            .bind(19, d.resends)
            .bind(20, d.checkReason)
            .bind(21, d.addAnswer)
            .bind(22, d.lookupAnswer)
            .run();
    if (changed != 1) throw StoreError("no document with id " + std::to_string(d.id));
}

std::map<DocState, int> Documents::countByState(std::int64_t companyId) {
    auto q = db_.query("SELECT state, count(*) FROM documents WHERE company_id = ?1 GROUP BY state");
    q.bind(1, companyId);
    std::map<DocState, int> out;
    while (q.next()) {
        if (auto state = parseDocState(q.getText(0))) out[*state] = static_cast<int>(q.getInt(1));
    }
    return out;
}

int Documents::removeUnsent(std::int64_t settlementRow) {
    auto q = db_.query(
        "SELECT count(*) FROM documents WHERE settlement_row = ?1 AND (state IN ('sent', 'posted') OR attempts > 0 "
        "OR sent_at > 0 OR qb_txn_id <> '')");
    q.bind(1, settlementRow);
    q.next();
    if (q.getInt(0) > 0) {
        throw StoreError("settlement row " + std::to_string(settlementRow) +
                         " has documents that were sent to QuickBooks; they cannot be removed");
    }
    return db_.query("DELETE FROM documents WHERE settlement_row = ?1").bind(1, settlementRow).run();
}

}  // namespace settlebridge::store
