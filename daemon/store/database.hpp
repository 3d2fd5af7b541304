#pragma once
// The store's one door to its database engine. Repositories see only Database, Query and Transaction; what
// runs the SQL is a Connection, implemented once per engine: SQLite (daemon/store/sqlite.cpp, the embedded
// default) and PostgreSQL through libpq (daemon/store/postgres.cpp). The SQL the repositories write is SQLite's
// (`?` and `?N` placeholders, `INSERT ... RETURNING id`); a backend translates what its engine spells otherwise.

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace settlebridge::store {

/// A database failure (cannot open, constraint violated unexpectedly, disk full, schema too new...).
class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A transaction the engine aborted to keep transactions serializable (PostgreSQL SQLSTATE 40001 serialization
/// failure, 40P01 deadlock): nothing of it was written, and running it again from the start may succeed.
class TransactionConflict : public StoreError {
public:
    TransactionConflict(const std::string& message, std::string sqlState)
        : StoreError(message), sqlState_(std::move(sqlState)) {}
    const std::string& sqlState() const noexcept { return sqlState_; }

private:
    std::string sqlState_;
};

enum class Dialect { SQLite, PostgreSQL };

enum class TransactionKind { Read, Write };

/// One prepared statement of a backend, reused by every Query on the same SQL text.
class Statement {
public:
    virtual ~Statement() = default;
    virtual void bindInt(int index, std::int64_t value) = 0;
    virtual void bindText(int index, std::string_view text) = 0;
    virtual void bindBlob(int index, std::string_view bytes) = 0;
    virtual void bindNull(int index) = 0;
    /// Runs the statement on the first call, then moves to the next row; false when there is none.
    virtual bool next() = 0;
    /// Rows inserted, updated or deleted by the statement just run.
    virtual int changes() const = 0;
    virtual std::int64_t getInt(int column) const = 0;
    virtual std::string getText(int column) const = 0;
    virtual std::string getBlob(int column) const = 0;
    virtual bool isNull(int column) const = 0;
    /// Forgets the bindings and the result, ready for the next use.
    virtual void reset() noexcept = 0;
};

/// One connection to one database.
class Connection {
public:
    virtual ~Connection() = default;
    virtual Dialect dialect() const noexcept = 0;
    /// Runs one or more SQL statements without parameters (DDL, settings).
    virtual void exec(std::string_view sql) = 0;
    /// The cached prepared statement for `sql` (prepared on first use).
    virtual Statement& prepare(std::string_view sql) = 0;
    virtual void begin(TransactionKind kind) = 0;
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;
    /// Whether the table exists in the database (for the schema version before the first migration).
    virtual bool tableExists(std::string_view table) = 0;
};

/// One use of a cached prepared statement: bind, then step. Resets and clears the bindings when destroyed,
/// so the cached statement is ready for the next user.
class Query {
public:
    explicit Query(Statement& statement) noexcept : stmt_(&statement) {}
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;
    Query(Query&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
    Query& operator=(Query&&) = delete;
    ~Query() {
        if (stmt_ != nullptr) stmt_->reset();
    }

    /// Parameters are 1-based, as in SQL (`?1`, `?2`...).
    Query& bind(int index, std::int64_t value) {
        stmt_->bindInt(index, value);
        return *this;
    }
    Query& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Query& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value ? 1 : 0)); }
    Query& bind(int index, std::string_view text) {
        stmt_->bindText(index, text);
        return *this;
    }
    Query& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Query& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Query& bind(int index, const std::optional<std::int64_t>& value) {
        return value ? bind(index, *value) : bindNull(index);
    }
    Query& bind(int index, const std::optional<std::string>& value) {
        return value ? bind(index, std::string_view(*value)) : bindNull(index);
    }
    Query& bindBlob(int index, std::string_view bytes) {
        stmt_->bindBlob(index, bytes);
        return *this;
    }
    Query& bindNull(int index) {
        stmt_->bindNull(index);
        return *this;
    }

    /// Advances to the next row; false when done. Throws StoreError on failure (constraint, I/O...).
    bool next() { return stmt_->next(); }
    /// Runs a statement that returns no rows (or ignores them). Returns the number of rows changed.
    int run();
    /// Runs an `INSERT ... RETURNING id` and returns the new row's id.
    std::int64_t insertedId();

    /// Columns are 0-based.
    std::int64_t getInt(int column) const { return stmt_->getInt(column); }
    std::string getText(int column) const { return stmt_->getText(column); }
    std::string getBlob(int column) const { return stmt_->getBlob(column); }
    bool isNull(int column) const { return stmt_->isNull(column); }
    std::optional<std::int64_t> getOptionalInt(int column) const {
        if (isNull(column)) return std::nullopt;
        return getInt(column);
    }
    std::optional<std::string> getOptionalText(int column) const {
        if (isNull(column)) return std::nullopt;
        return getText(column);
    }

private:
    Statement* stmt_;
};

/// One open database, on whichever engine. Not thread-safe by itself: the Store serialises access.
class Database {
public:
    explicit Database(std::unique_ptr<Connection> connection) : connection_(std::move(connection)) {}
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    Dialect dialect() const noexcept { return connection_->dialect(); }
    /// Runs one or more SQL statements without parameters (DDL, pragmas). Throws StoreError.
    void exec(std::string_view sql) { connection_->exec(sql); }
    /// A cursor over the cached prepared statement for `sql` (prepared on first use).
    Query query(std::string_view sql) { return Query(connection_->prepare(sql)); }
    bool tableExists(std::string_view table) { return connection_->tableExists(table); }
    Connection& connection() noexcept { return *connection_; }

private:
    std::unique_ptr<Connection> connection_;
};

/// Begins a transaction on construction (SQLite: BEGIN IMMEDIATE for writers, DEFERRED for readers);
/// rolls back on destruction unless committed.
class Transaction {
public:
    using Kind = TransactionKind;
    Transaction(Database& db, Kind kind) : db_(db) { db_.connection().begin(kind); }
    ~Transaction() {
        if (open_) db_.connection().rollback();
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit() {
        db_.connection().commit();
        open_ = false;
    }

private:
    Database& db_;
    bool open_ = true;
};

}  // namespace settlebridge::store
