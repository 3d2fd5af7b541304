#include "daemon/store/password_columns.hpp"

#include <stdexcept>
#include <string>

#include "daemon/store/database.hpp"

namespace settlebridge::store {

namespace {

/// `table` itself, once checked to be a plain identifier (it is spliced into the SQL text).
std::string_view checkedTable(std::string_view table) {
    const bool plain = !table.empty() && table.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string_view::npos;
    if (!plain) throw std::invalid_argument("not a table name: \"" + std::string(table) + "\"");
    return table;
}

}  // namespace

std::optional<PasswordHash> readPasswordHash(Database& db, std::string_view table, std::string_view name) {
    std::string sql = "SELECT password_hash, password_salt, password_iterations FROM ";
    sql += checkedTable(table);
    sql += " WHERE name = ?1";
    auto q = db.query(sql);
    q.bind(1, name);
    if (!q.next()) return std::nullopt;
    PasswordHash hash;
    hash.hash = q.getBlob(0);
    hash.salt = q.getBlob(1);
    hash.iterations = static_cast<int>(q.getInt(2));
    return hash;
}

bool writePasswordHash(Database& db, std::string_view table, std::int64_t id, const PasswordHash& hash,
                       Timestamp now) {
    std::string sql = "UPDATE ";
    sql += checkedTable(table);
    sql += " SET password_hash = ?2, password_salt = ?3, password_iterations = ?4, updated_at = ?5 WHERE id = ?1";
    auto q = db.query(sql);
    q.bind(1, id);
    bindPasswordHash(q, 2, hash);
    q.bind(5, now);
    return q.run() > 0;
}

Query& bindPasswordHash(Query& q, int first, const PasswordHash& hash) {
    return q.bindBlob(first, hash.hash).bindBlob(first + 1, hash.salt).bind(first + 2, hash.iterations);
}

}  // namespace settlebridge::store
