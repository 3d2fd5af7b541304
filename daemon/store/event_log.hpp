#pragma once
// The event log: what happened, for the admin page and `settlebridge status`.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/records.hpp"

namespace settlebridge::store {

class Database;

/// Which events find() returns (the admin page's log: in SQL, paged with LIMIT/OFFSET).
struct EventFilter {
    std::optional<std::int64_t> companyId;
    std::optional<EventLevel> minLevel;      // this level and above (debug < info < warning < error)
    std::string text;                        // substring, ASCII case ignored ("" = any)
    std::optional<Timestamp> since;          // at or after
    std::optional<Timestamp> until;          // before
    std::optional<std::int64_t> beforeId;    // paging: events older than this id
    int offset = 0;                          // paging: skip this many matches
    int limit = 100;
};

class EventLog {
public:
    explicit EventLog(Database& db) noexcept : db_(db) {}

    void add(Timestamp at, std::optional<std::int64_t> companyId, EventLevel level, std::string_view message);
    /// The newest `limit` events (of one company when given), newest first.
    std::vector<Event> recent(std::optional<std::int64_t> companyId, int limit);
    /// Events matching the filter, newest first: at most filter.limit of them, after filter.offset matches.
    std::vector<Event> find(const EventFilter& filter);

private:
    Database& db_;
};

}  // namespace settlebridge::store
