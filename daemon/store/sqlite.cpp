#include "daemon/store/sqlite.hpp"

#include <sqlite3.h>

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

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// Query

Query::~Query() {
    if (stmt_ != nullptr) {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }
}

void Query::check(int rc, const char* what) const {
    if (rc != SQLITE_OK) throw StoreError(describe(db_->handle(), rc, what));
}

Query& Query::bind(int index, std::int64_t value) {
    check(sqlite3_bind_int64(stmt_, index, value), "bind");
    return *this;
}

Query& Query::bind(int index, std::string_view text) {
    // A default-constructed string_view has a null data pointer, which SQLite would bind as NULL: bind "".
    const char* data = text.data() != nullptr ? text.data() : "";
    check(sqlite3_bind_text64(stmt_, index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8), "bind");
    return *this;
}

Query& Query::bind(int index, const std::optional<std::int64_t>& value) {
    return value ? bind(index, *value) : bindNull(index);
}

Query& Query::bind(int index, const std::optional<std::string>& value) {
    return value ? bind(index, std::string_view(*value)) : bindNull(index);
}

Query& Query::bindBlob(int index, std::string_view bytes) {
    const char* data = bytes.data() != nullptr ? bytes.data() : "";
    check(sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_TRANSIENT), "bind");
    return *this;
}

Query& Query::bindNull(int index) {
    check(sqlite3_bind_null(stmt_, index), "bind");
    return *this;
}

bool Query::next() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw StoreError(describe(db_->handle(), rc, "step"));
}

int Query::run() {
    while (next()) {
    }
    return sqlite3_changes(db_->handle());
}

std::int64_t Query::getInt(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Query::getText(int column) const {
    const auto* text = sqlite3_column_text(stmt_, column);
    if (text == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string Query::getBlob(int column) const {
    const void* data = sqlite3_column_blob(stmt_, column);
    if (data == nullptr) return {};
    return std::string(static_cast<const char*>(data), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Query::isNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::optional<std::int64_t> Query::getOptionalInt(int column) const {
    if (isNull(column)) return std::nullopt;
    return getInt(column);
}

std::optional<std::string> Query::getOptionalText(int column) const {
    if (isNull(column)) return std::nullopt;
    return getText(column);
}

// ---------------------------------------------------------------------------------------------------------
// Database

Database::Database(const std::string& path) {
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

Database::~Database() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    cache_.clear();
    sqlite3_close_v2(db_);
}

void Database::exec(std::string_view sql) {
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

Query Database::query(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
        sqlite3_stmt* stmt = nullptr;
        const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                          &stmt, nullptr);
        if (rc != SQLITE_OK) throw StoreError(describe(db_, rc, "prepare") + " in: " + std::string(sql));
        it = cache_.emplace(std::string(sql), stmt).first;
    }
    return Query(*this, it->second);
}

std::int64_t Database::lastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

std::string Database::errorMessage() const { return sqlite3_errmsg(db_); }

// ---------------------------------------------------------------------------------------------------------
// Transaction

Transaction::Transaction(Database& db, Kind kind) : db_(db) {
    db_.query(kind == Kind::Write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED").run();
}

Transaction::~Transaction() {
    if (open_) {
        try {
            db_.query("ROLLBACK").run();
        } catch (...) {  // a failed rollback leaves SQLite to roll back on close; nothing better to do here
        }
    }
}

void Transaction::commit() {
    db_.query("COMMIT").run();
    open_ = false;
}

}  // namespace settlebridge::store
