#pragma once
// Versioned schema migrations, applied when the store opens. Each migration runs in its own transaction
// and records its number in `schema_version`; a database written by a newer binary is refused.

#include <string_view>
#include <vector>

#include "daemon/store/records.hpp"

namespace settlebridge::store {

class Database;

struct Migration {
    int version;
    std::string_view description;
    std::string_view sql;
    /// Run after `sql`, in the same transaction, for a change SQL alone cannot make (a hash SQLite lacks).
    void (*after)(Database&) = nullptr;
};

/// Every migration this binary knows, in strictly increasing version order. Version numbers are assigned per
/// area so areas can land independently: 1 core, 2 Amazon connections and sync, 3 ads, 4 Sellercloud,
/// 5 admin page. An area's SQL lives in its own file (schema_<area>.cpp) and adds one line to the list.
const std::vector<Migration>& migrations();

/// The schema version this binary writes (the last migration's number).
int binarySchemaVersion();

/// The version recorded in the database (0 for an empty file).
int databaseSchemaVersion(Database& db);

/// Brings the database up to binarySchemaVersion(). Throws StoreError when the database is newer than
/// this binary (nothing is changed then) or when a migration fails (that migration is rolled back).
void migrate(Database& db, Timestamp now);

}  // namespace settlebridge::store
