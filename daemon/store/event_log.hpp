#pragma once
// The event log: what happened, for the admin page and `settlebridge status`.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "daemon/store/records.hpp"

namespace settlebridge::store {

class Database;

class EventLog {
public:
    explicit EventLog(Database& db) noexcept : db_(db) {}

    void add(Timestamp at, std::optional<std::int64_t> companyId, EventLevel level, std::string_view message);
    /// The newest `limit` events (of one company when given), newest first.
    std::vector<Event> recent(std::optional<std::int64_t> companyId, int limit);

private:
    Database& db_;
};

}  // namespace settlebridge::store
