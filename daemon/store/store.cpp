#include "daemon/store/store.hpp"

#include <ctime>
#include <random>
#include <string>
#include <thread>

#include "daemon/store/postgres.hpp"
#include "daemon/store/schema.hpp"
#include "daemon/store/sqlite.hpp"

namespace settlebridge::store {

Store::Store(const std::filesystem::path& file, StoreOptions options) : options_(options), path_(file) {
    if (file.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(file.parent_path(), ec);
        if (ec) throw StoreError("cannot create the data directory " + file.parent_path().string() + ": " + ec.message());
    }
    db_ = std::make_unique<Database>(openSqlite(file.string()));
    db_->exec("PRAGMA busy_timeout = " + std::to_string(options.busyTimeout.count()));
    {
        // journal_mode answers with the mode in force; WAL can fail on file systems without shared memory.
        auto q = db_->query("PRAGMA journal_mode = WAL");
        if (!q.next() || q.getText(0) != "wal") {
            throw StoreError("cannot switch " + file.string() + " to WAL mode (is it on a network share?)");
        }
    }
    db_->exec("PRAGMA synchronous = NORMAL");
    db_->exec("PRAGMA foreign_keys = ON");
    migrate(*db_, static_cast<Timestamp>(std::time(nullptr)));
}

Store::Store(std::unique_ptr<Database> db, StoreOptions options) : options_(options), db_(std::move(db)) {
    // citext (contrib; trusted, so a database owner may create it) holds the names SQLite compares with NOCASE.
    {
        auto q = db_->query("SELECT to_regtype('citext') IS NOT NULL");
        if (!q.next() || q.getInt(0) == 0) {
            try {
                db_->exec("CREATE EXTENSION IF NOT EXISTS citext");
            } catch (const StoreError& e) {
                throw StoreError(std::string("the PostgreSQL database lacks the citext extension and this role cannot "
                                             "create it (ask the database's owner to run CREATE EXTENSION citext): ") +
                                 e.what());
            }
        }
    }
    migrate(*db_, static_cast<Timestamp>(std::time(nullptr)));
}

std::unique_ptr<Store> Store::open(const std::string& location, StoreOptions options) {
    if (isPostgresUri(location)) {
        auto db = std::make_unique<Database>(openPostgres(location, options.busyTimeout));
        return std::unique_ptr<Store>(new Store(std::move(db), options));
    }
    return std::make_unique<Store>(std::filesystem::path(location), options);
}

void Store::pauseBeforeRetry(int attempt) {
    static thread_local std::minstd_rand random(std::random_device{}());
    std::uniform_int_distribution<int> jitter(1, 20 * attempt);
    std::this_thread::sleep_for(std::chrono::milliseconds(jitter(random)));
}

Store::~Store() = default;

int Store::schemaVersion() {
    std::lock_guard lock(mutex_);
    return databaseSchemaVersion(*db_);
}

}  // namespace settlebridge::store
