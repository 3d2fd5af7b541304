#include "daemon/store/event_log.hpp"

#include "daemon/store/database.hpp"

namespace settlebridge::store {

namespace {

/// One row of `SELECT id, at, company_id, level, message FROM event_log`.
Event readEvent(const Query& q) {
    Event e;
    e.id = q.getInt(0);
    e.at = q.getInt(1);
    e.companyId = q.getOptionalInt(2);
    e.level = parseEventLevel(q.getText(3)).value_or(EventLevel::Info);
    e.message = q.getText(4);
    return e;
}

}  // namespace

void EventLog::add(Timestamp at, std::optional<std::int64_t> companyId, EventLevel level, std::string_view message) {
    db_.query("INSERT INTO event_log (at, company_id, level, message) VALUES (?1, ?2, ?3, ?4)")
        .bind(1, at)
        .bind(2, companyId)
        .bind(3, toString(level))
        .bind(4, message)
        .run();
}

std::vector<Event> EventLog::recent(std::optional<std::int64_t> companyId, int limit) {
    auto q = db_.query(
        "SELECT id, at, company_id, level, message FROM event_log WHERE (?1 IS NULL OR company_id = ?1) "
        "ORDER BY id DESC LIMIT ?2");
    q.bind(1, companyId).bind(2, limit);
    std::vector<Event> out;
    while (q.next()) out.push_back(readEvent(q));
    return out;
}

std::vector<Event> EventLog::find(const EventFilter& filter) {
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
    while (q.next()) out.push_back(readEvent(q));
    return out;
}

}  // namespace settlebridge::store
