#include "daemon/store/admin_views.hpp"

#include "daemon/store/database.hpp"

namespace settlebridge::store {

std::vector<WcSession> AdminViews::recentSessions(std::int64_t companyId, int limit) {
    auto q = db_.query(
        "SELECT id, ticket, company_id, state, created_at, last_seen_at, expires_at, closed_at, qbxml_version, "
        "company_file_name, refused, last_error, requests_sent, responses_received, initial_work "
        "FROM wc_sessions WHERE company_id = ?1 ORDER BY id DESC LIMIT ?2");
    q.bind(1, companyId).bind(2, limit);
    std::vector<WcSession> out;
    while (q.next()) {
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
        s.refused = q.getInt(10) != 0;
        s.lastError = q.getText(11);
        s.requestsSent = static_cast<int>(q.getInt(12));
        s.responsesReceived = static_cast<int>(q.getInt(13));
        s.initialWork = static_cast<int>(q.getInt(14));
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<Event> AdminViews::events(const EventFilter& filter) {
    auto q = db_.query(
        "SELECT id, at, company_id, level, message FROM event_log "
        "WHERE (?1 IS NULL OR company_id = ?1) "
        "AND (CASE level WHEN 'debug' THEN 0 WHEN 'info' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END) >= ?2 "
        "AND (?3 = '' OR instr(lower(message), lower(?3)) > 0) "
        "AND (?4 IS NULL OR id < ?4) AND (?6 IS NULL OR at >= ?6) AND (?7 IS NULL OR at < ?7) "
        "ORDER BY id DESC LIMIT ?5 OFFSET ?8");
    int minLevel = 0;
    if (filter.minLevel) minLevel = static_cast<int>(*filter.minLevel);
    q.bind(1, filter.companyId).bind(2, minLevel).bind(3, filter.text).bind(4, filter.beforeId).bind(5, filter.limit);
    q.bind(6, filter.since).bind(7, filter.until).bind(8, filter.offset);
    std::vector<Event> out;
    while (q.next()) {
        Event e;
        e.id = q.getInt(0);
        e.at = q.getInt(1);
        e.companyId = q.getOptionalInt(2);
        e.level = parseEventLevel(q.getText(3)).value_or(EventLevel::Info);
        e.message = q.getText(4);
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace settlebridge::store
