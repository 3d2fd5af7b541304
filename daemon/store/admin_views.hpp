#pragma once
// Read-only queries the admin page needs over tables of other repositories: the latest Web Connector sessions of
// a company, and the event log filtered by company, level, text and time (in SQL, paged with LIMIT/OFFSET).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/store/records.hpp"

namespace settlebridge::store {

class Database;

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

class AdminViews {
public:
    explicit AdminViews(Database& db) noexcept : db_(db) {}

    /// The newest `limit` Web Connector sessions of a company, newest first.
    std::vector<WcSession> recentSessions(std::int64_t companyId, int limit);
    /// Events matching the filter, newest first: at most filter.limit of them, after filter.offset matches.
    std::vector<Event> events(const EventFilter& filter);

private:
    Database& db_;
};

}  // namespace settlebridge::store
