#pragma once
// Thin RAII wrappers over the sqlite3 C API: a connection with a prepared-statement cache, a statement
// cursor that resets itself, and a transaction guard. Only the store uses these; no SQL leaves daemon/store.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace settlebridge::store {

/// A database failure (cannot open, constraint violated unexpectedly, disk full, schema too new...).
class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Database;

/// One use of a cached prepared statement: bind, then step. Resets and clears the bindings when destroyed,
/// so the cached statement is ready for the next user.
class Query {
public:
    Query(Database& db, sqlite3_stmt* stmt) noexcept : db_(&db), stmt_(stmt) {}
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;
    Query(Query&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }
    Query& operator=(Query&&) = delete;
    ~Query();

    /// Parameters are 1-based, as in SQL (`?1`, `?2`...).
    Query& bind(int index, std::int64_t value);
    Query& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Query& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value ? 1 : 0)); }
    Query& bind(int index, std::string_view text);
    Query& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Query& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Query& bind(int index, const std::optional<std::int64_t>& value);
    Query& bind(int index, const std::optional<std::string>& value);
    Query& bindBlob(int index, std::string_view bytes);
    Query& bindNull(int index);

    /// Advances to the next row; false when done. Throws StoreError on failure (constraint, I/O...).
    bool next();
    /// Runs a statement that returns no rows (or ignores them). Returns the number of rows changed.
    int run();

    /// Columns are 0-based, as in sqlite3_column_*.
    std::int64_t getInt(int column) const;
    std::string getText(int column) const;
    std::string getBlob(int column) const;
    bool isNull(int column) const;
    std::optional<std::int64_t> getOptionalInt(int column) const;
    std::optional<std::string> getOptionalText(int column) const;

private:
    void check(int rc, const char* what) const;
    Database* db_;
    sqlite3_stmt* stmt_;
};

/// One connection. Not thread-safe by itself: the Store serialises access.
class Database {
public:
    /// Opens (creating if needed) the file. Throws StoreError.
    explicit Database(const std::string& path);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    /// Runs one or more SQL statements without parameters (DDL, pragmas). Throws StoreError.
    void exec(std::string_view sql);
    /// A cursor over the cached prepared statement for `sql` (prepared on first use).
    Query query(std::string_view sql);
    std::int64_t lastInsertRowId() const;
    sqlite3* handle() const noexcept { return db_; }
    std::string errorMessage() const;

private:
    sqlite3* db_ = nullptr;
    std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
};

/// BEGIN IMMEDIATE (or DEFERRED for readers) on construction; ROLLBACK on destruction unless committed.
class Transaction {
public:
    enum class Kind { Read, Write };
    Transaction(Database& db, Kind kind);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    Database& db_;
    bool open_ = true;
};

}  // namespace settlebridge::store
