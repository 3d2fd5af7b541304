#include "daemon/store/store.hpp"

#include <ctime>
#include <string>

#include "daemon/store/schema.hpp"
#include "daemon/store/sqlite.hpp"

namespace settlebridge::store {

Store::Store(const std::filesystem::path& file, StoreOptions options) : path_(file) {
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

Store::~Store() = default;

int Store::schemaVersion() {
    std::lock_guard lock(mutex_);
    return databaseSchemaVersion(*db_);
}

}  // namespace settlebridge::store
