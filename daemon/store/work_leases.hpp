#pragma once
// Leases on scheduled work, so several daemons on one database (docs/SCALING.md "Several daemons") do each piece
// once: a daemon claims a piece ("amazon_connection:7") until a time; another daemon's claim succeeds only after
// that time has passed (the first one died or hung) or after the holder released it. Claims run inside the store's
// write transaction (BEGIN IMMEDIATE on SQLite: one writer at a time, so the conditional upsert cannot race).

#include <string>
#include <string_view>

#include "daemon/store/records.hpp"

namespace settlebridge::store {

class Database;

class WorkLeases {
public:
    explicit WorkLeases(Database& db) noexcept : db_(db) {}

    /// Claims `name` for `holder` until `until`: true when it was free, expired at `now`, or already `holder`'s (then
    /// extended); false while another holder's lease runs.
    bool claim(std::string_view name, std::string_view holder, Timestamp now, Timestamp until);
    /// Gives `name` back if `holder` holds it (another holder's lease is left alone).
    void release(std::string_view name, std::string_view holder);
    /// Who holds `name` at `now` ("" = nobody).
    std::string holder(std::string_view name, Timestamp now);

private:
    Database& db_;
};

}  // namespace settlebridge::store
