#pragma once
// The three columns a table keeps a PBKDF2-SHA256 password in (crypto.hpp's PasswordHash): password_hash BLOB,
// password_salt BLOB and password_iterations INTEGER. companies (Web Connector users) and admin_users both
// have them, on rows with an `id`, a unique `name` and an `updated_at`; these read and write them for either.
// Checking a password against what is read is crypto.hpp's verifyPassword.

#include <cstdint>
#include <optional>
#include <string_view>

#include "daemon/store/crypto.hpp"
#include "daemon/store/records.hpp"

namespace settlebridge::store {

class Database;
class Query;

/// The stored hash of the row of `table` named `name`; nullopt when there is no such row.
/// `table` is a table name written in the code (it becomes part of the SQL text): std::invalid_argument unless it
/// is lower-case letters and underscores.
std::optional<PasswordHash> readPasswordHash(Database& db, std::string_view table, std::string_view name);

/// Replaces the hash of row `id` of `table` with `hash` and sets its updated_at to `now`.
/// False when there is no row `id`. `table` as for readPasswordHash.
bool writePasswordHash(Database& db, std::string_view table, std::int64_t id, const PasswordHash& hash,
                       Timestamp now);

/// Binds hash, salt and iterations to the parameters `first`, `first + 1` and `first + 2`, in that order, for an
/// INSERT that writes the password columns with others. Returns `q`.
Query& bindPasswordHash(Query& q, int first, const PasswordHash& hash);

}  // namespace settlebridge::store
