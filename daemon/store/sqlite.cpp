#include "daemon/store/sqlite.hpp"

#include <sqlite3.h>

#include <map>

namespace settlebridge::store {

namespace {

std::string describe(sqlite3* db, int rc, const char* what) {
    std::string message = what;
    message += ": ";
    message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    message += " (";
    message += sqlite3_errstr(rc);
    message += ")";
    return message;
}

class SqliteStatement final : public Statement {
public:
    SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) noexcept : db_(db), stmt_(stmt) {}
    ~SqliteStatement() override { sqlite3_finalize(stmt_); }
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    void bindInt(int index, std::int64_t value) override { check(sqlite3_bind_int64(stmt_, index, value), "bind"); }

    void bindText(int index, std::string_view text) override {
        // A default-constructed string_view has a null data pointer, which SQLite would bind as NULL: bind "".
        const char* data = text.data() != nullptr ? text.data() : "";
        check(sqlite3_bind_text64(stmt_, index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8), "bind");
    }

    void bindBlob(int index, std::string_view bytes) override {
        const char* data = bytes.data() != nullptr ? bytes.data() : "";
        check(sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_TRANSIENT), "bind");
    }

    void bindNull(int index) override { check(sqlite3_bind_null(stmt_, index), "bind"); }

    bool next() override {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        throw StoreError(describe(db_, rc, "step"));
    }

    int changes() const override { return sqlite3_changes(db_); }

    std::int64_t getInt(int column) const override { return sqlite3_column_int64(stmt_, column); }

    std::string getText(int column) const override {
        const auto* text = sqlite3_column_text(stmt_, column);
        if (text == nullptr) return {};
        return std::string(reinterpret_cast<const char*>(text),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
    }

    std::string getBlob(int column) const override {
        const void* data = sqlite3_column_blob(stmt_, column);
        if (data == nullptr) return {};
        return std::string(static_cast<const char*>(data),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
    }

    bool isNull(int column) const override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

    void reset() noexcept override {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }

private:
    void check(int rc, const char* what) const {
        if (rc != SQLITE_OK) throw StoreError(describe(db_, rc, what));
    }

    sqlite3* db_;
    sqlite3_stmt* stmt_;
};

class SqliteConnection final : public Connection {
public:
    explicit SqliteConnection(const std::string& path) {
        const int rc = sqlite3_open_v2(path.c_str(), &db_,
                                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
        if (rc != SQLITE_OK) {
            std::string message = describe(db_, rc, "cannot open database");
            message += ": " + path;
            sqlite3_close_v2(db_);
            db_ = nullptr;
            throw StoreError(message);
        }
        sqlite3_extended_result_codes(db_, 1);
    }

    ~SqliteConnection() override {
        cache_.clear();  // finalizes every statement before the connection closes
        sqlite3_close_v2(db_);
    }

    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    Dialect dialect() const noexcept override { return Dialect::SQLite; }

    void exec(std::string_view sql) override {
        const std::string text(sql);
        char* error = nullptr;
        const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
        if (rc != SQLITE_OK) {
            std::string message = "SQL failed: ";
            message += error != nullptr ? error : sqlite3_errstr(rc);
            sqlite3_free(error);
            throw StoreError(message);
        }
    }

    Statement& prepare(std::string_view sql) override {
        auto it = cache_.find(sql);
        if (it == cache_.end()) {
            sqlite3_stmt* stmt = nullptr;
            const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
            if (rc != SQLITE_OK) throw StoreError(describe(db_, rc, "prepare") + " in: " + std::string(sql));
            it = cache_.emplace(std::string(sql), std::make_unique<SqliteStatement>(db_, stmt)).first;
        }
        return *it->second;
    }

    void begin(TransactionKind kind) override {
        run(kind == TransactionKind::Write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
    }

    void commit() override { run("COMMIT"); }

    void rollback() noexcept override {
        try {
            run("ROLLBACK");
        } catch (...) {  // a failed rollback leaves SQLite to roll back on close; nothing better to do here
        }
    }

    bool tableExists(std::string_view table) override {
        Query q(prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1"));
        q.bind(1, table);
        return q.next() && q.getInt(0) != 0;
    }

private:
    void run(std::string_view sql) { Query(prepare(sql)).run(); }

    sqlite3* db_ = nullptr;
    std::map<std::string, std::unique_ptr<SqliteStatement>, std::less<>> cache_;
};

}  // namespace

std::unique_ptr<Connection> openSqlite(const std::string& path) { return std::make_unique<SqliteConnection>(path); }

}  // namespace settlebridge::store
