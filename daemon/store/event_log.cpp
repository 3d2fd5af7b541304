#include "daemon/store/event_log.hpp"

#include "daemon/store/database.hpp"

namespace settlebridge::store {

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
