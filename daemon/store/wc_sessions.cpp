#include "daemon/store/wc_sessions.hpp"

// Sessions are found by their ticket's SHA-256: the ticket itself is never stored (it is a bearer credential for a
// live session, and a copy of the database must not join one). WcSession::ticket is the ticket only on the session
// create() returns; read back from the database it holds the ticket's SHA-256 (lower-case hex). Migration 9
// (schema.cpp) hashed the tickets stored in plain text before.

#include "daemon/store/crypto.hpp"
#include "daemon/store/database.hpp"

namespace settlebridge::store {

namespace {

constexpr std::string_view kColumns =
    "id, ticket, company_id, state, created_at, last_seen_at, expires_at, closed_at, qbxml_version, "
    "company_file_name, preferences_read, refused, pending_kind, pending_request_id, pending_document_id, "
    "pending_names, last_error, requests_sent, responses_received, initial_work, idle_requests, notice, "
    "ended_by_restart";

std::string select(std::string_view where) {
    std::string sql = "SELECT ";
    sql += kColumns;
    sql += " FROM wc_sessions ";
    sql += where;
    return sql;
}

WcSession readSession(const Query& q) {
    WcSession s;
    s.id = q.getInt(0);
    s.ticket = q.getText(1);  // the ticket's SHA-256 (wc_sessions.hpp)
    s.companyId = q.getInt(2);
    s.state = parseSessionState(q.getText(3)).value_or(SessionState::Closed);
    s.createdAt = q.getInt(4);
    s.lastSeenAt = q.getInt(5);
    s.expiresAt = q.getInt(6);
    s.closedAt = q.getInt(7);
    s.qbxmlVersion = q.getText(8);
    s.companyFileName = q.getText(9);
    s.preferencesRead = q.getInt(10) != 0;
    s.refused = q.getInt(11) != 0;
    s.pendingKind = parsePendingKind(q.getText(12)).value_or(PendingKind::None);
    s.pendingRequestId = q.getText(13);
    s.pendingDocumentId = q.getOptionalInt(14);
    s.pendingNames = q.getText(15);
    s.lastError = q.getText(16);
    s.requestsSent = static_cast<int>(q.getInt(17));
    s.responsesReceived = static_cast<int>(q.getInt(18));
    s.initialWork = static_cast<int>(q.getInt(19));
    s.idleRequests = static_cast<int>(q.getInt(20));
    s.notice = q.getText(21);
    s.endedByRestart = static_cast<int>(q.getInt(22));
    return s;
}

}  // namespace

WcSession WcSessions::create(WcSession s) {
    s.id = db_.query(
           "INSERT INTO wc_sessions (ticket, company_id, state, created_at, last_seen_at, expires_at, initial_work) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id")
        .bind(1, sha256Hex(s.ticket))
        .bind(2, s.companyId)
        .bind(3, toString(s.state))
        .bind(4, s.createdAt)
        .bind(5, s.lastSeenAt)
        .bind(6, s.expiresAt)
        .bind(7, s.initialWork)
        .insertedId();
    update(s);
    return s;
}

std::optional<WcSession> WcSessions::findByTicket(std::string_view ticket) {
    static const std::string sql = select("WHERE ticket = ?1");
    auto q = db_.query(sql);
    q.bind(1, sha256Hex(ticket));
    if (!q.next()) return std::nullopt;
    return readSession(q);
}

std::optional<WcSession> WcSessions::find(std::int64_t id) {
    static const std::string sql = select("WHERE id = ?1");
    auto q = db_.query(sql);
    q.bind(1, id);
    if (!q.next()) return std::nullopt;
    return readSession(q);
}

std::optional<WcSession> WcSessions::openSession(std::int64_t companyId, Timestamp now, std::string_view exceptTicket) {
    static const std::string sql =
        select("WHERE company_id = ?1 AND state = 'open' AND expires_at > ?2 AND ticket != ?3 "
               "ORDER BY last_seen_at DESC LIMIT 1");
    auto q = db_.query(sql);
    q.bind(1, companyId).bind(2, now).bind(3, exceptTicket.empty() ? std::string() : sha256Hex(exceptTicket));
    if (!q.next()) return std::nullopt;
    return readSession(q);
}

void WcSessions::update(const WcSession& s) {
    const int changed =
        db_.query(
               "UPDATE wc_sessions SET state = ?2, last_seen_at = ?3, expires_at = ?4, closed_at = ?5, "
               "qbxml_version = ?6, company_file_name = ?7, preferences_read = ?8, refused = ?9, pending_kind = ?10, "
               "pending_request_id = ?11, pending_document_id = ?12, pending_names = ?13, last_error = ?14, "
               "requests_sent = ?15, responses_received = ?16, initial_work = ?17, idle_requests = ?18, notice = ?19, "
               "ended_by_restart = ?20 WHERE id = ?1")
            .bind(1, s.id)
            .bind(2, toString(s.state))
            .bind(3, s.lastSeenAt)
            .bind(4, s.expiresAt)
            .bind(5, s.closedAt)
            .bind(6, s.qbxmlVersion)
            .bind(7, s.companyFileName)
            .bind(8, s.preferencesRead)
            .bind(9, s.refused)
            .bind(10, toString(s.pendingKind))
            .bind(11, s.pendingRequestId)
            .bind(12, s.pendingDocumentId)
            .bind(13, s.pendingNames)
            .bind(14, s.lastError)
            .bind(15, s.requestsSent)
            .bind(16, s.responsesReceived)
            .bind(17, s.initialWork)
            .bind(18, s.idleRequests)
            .bind(19, s.notice)
            .bind(20, s.endedByRestart)
            .run();
    if (changed != 1) throw StoreError("no Web Connector session with id " + std::to_string(s.id));
}

std::vector<WcSession> WcSessions::listOpen() {
    static const std::string sql = select("WHERE state = 'open' ORDER BY id");
    auto q = db_.query(sql);
    std::vector<WcSession> out;
    while (q.next()) out.push_back(readSession(q));
    return out;
}

std::vector<WcSession> WcSessions::recent(std::int64_t companyId, int limit) {
    static const std::string sql = select("WHERE company_id = ?1 ORDER BY id DESC LIMIT ?2");
    auto q = db_.query(sql);
    q.bind(1, companyId).bind(2, limit);
    std::vector<WcSession> out;
    while (q.next()) out.push_back(readSession(q));
    return out;
}

bool WcSessions::takeRestartNotice(std::int64_t companyId) {
    return db_.query("UPDATE wc_sessions SET ended_by_restart = 2 WHERE company_id = ?1 AND ended_by_restart = 1")
               .bind(1, companyId)
               .run() > 0;
}

int WcSessions::expireIdle(Timestamp now) {
    return db_.query("UPDATE wc_sessions SET state = 'expired', closed_at = ?1 WHERE state = 'open' AND expires_at <= ?1")
        .bind(1, now)
        .run();
}

int WcSessions::purge(Timestamp before) {
    return db_.query("DELETE FROM wc_sessions WHERE state != 'open' AND last_seen_at < ?1").bind(1, before).run();
}

void WcSessions::setMark(std::int64_t sessionId, const SessionMark& mark) {
    db_.query(
           "INSERT INTO wc_session_marks (session_id, kind, name, status, message) VALUES (?1, ?2, ?3, ?4, ?5) "
           "ON CONFLICT (session_id, kind, name) DO UPDATE SET status = excluded.status, message = excluded.message")
        .bind(1, sessionId)
        .bind(2, mark.kind)
        .bind(3, mark.name)
        .bind(4, mark.status)
        .bind(5, mark.message)
        .run();
}

std::optional<SessionMark> WcSessions::mark(std::int64_t sessionId, std::string_view kind, std::string_view name) {
    auto q = db_.query(
        "SELECT kind, name, status, message FROM wc_session_marks WHERE session_id = ?1 AND kind = ?2 AND name = ?3");
    q.bind(1, sessionId).bind(2, kind).bind(3, name);
    if (!q.next()) return std::nullopt;
    return SessionMark{q.getText(0), q.getText(1), q.getText(2), q.getText(3)};
}

std::vector<SessionMark> WcSessions::marks(std::int64_t sessionId, std::string_view kind) {
    auto q = db_.query(
        "SELECT kind, name, status, message FROM wc_session_marks WHERE session_id = ?1 AND (?2 = '' OR kind = ?2) "
        "ORDER BY rowid");
    q.bind(1, sessionId).bind(2, kind);
    std::vector<SessionMark> out;
    while (q.next()) out.push_back(SessionMark{q.getText(0), q.getText(1), q.getText(2), q.getText(3)});
    return out;
}

void WcSessions::clearMark(std::int64_t sessionId, std::string_view kind, std::string_view name) {
    db_.query("DELETE FROM wc_session_marks WHERE session_id = ?1 AND kind = ?2 AND name = ?3")
        .bind(1, sessionId)
        .bind(2, kind)
        .bind(3, name)
        .run();
}

}  // namespace settlebridge::store
