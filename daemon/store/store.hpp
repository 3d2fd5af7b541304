#pragma once
// The Settlebridge store: one SQLite file (WAL, synchronous=NORMAL, foreign keys on, busy timeout) by default, or
// a PostgreSQL database (settlebridge.database = postgresql://...; daemon/store/postgres.hpp), its schema migrated
// when it opens. Every change happens inside one transaction:
//
//     store.write([&](Tx& tx) {
//         auto company = tx.companies().findByName("acme");
//         tx.documents().save(doc);
//     });                       // committed here; rolled back if the lambda throws
//
// Store is thread-safe: transactions are serialised on one connection (SQLite allows one writer anyway).
// Do not start a transaction from inside another one (that would deadlock). On PostgreSQL a transaction the
// server aborts to stay serializable (another daemon wrote the same rows) is run again from the start, a few
// times: the lambda must have no effect outside the transaction (none has).

#include <chrono>
#include <filesystem>
#include <string>
#include <memory>
#include <mutex>
#include <type_traits>
#include <utility>

#include "daemon/store/companies.hpp"
#include "daemon/store/database.hpp"
#include "daemon/store/documents.hpp"
#include "daemon/store/event_log.hpp"
#include "daemon/store/qb_lists.hpp"
#include "daemon/store/records.hpp"
#include "daemon/store/settlements.hpp"
#include "daemon/store/wc_sessions.hpp"

namespace settlebridge::store {

struct StoreOptions {
    std::chrono::milliseconds busyTimeout{10'000};  // how long to wait for another process's write lock
    int conflictAttempts = 5;  // PostgreSQL: runs of a transaction aborted by a serialization failure or deadlock
};

/// Handle to the open transaction; hands out the repositories.
class Tx {
public:
    explicit Tx(Database& db) noexcept : db_(db) {}
    Companies companies() { return Companies(db_); }
    WcSessions sessions() { return WcSessions(db_); }
    Settlements settlements() { return Settlements(db_); }
    Documents documents() { return Documents(db_); }
    QbLists lists() { return QbLists(db_); }
    SkuItems skuItems() { return SkuItems(db_); }
    EventLog events() { return EventLog(db_); }
    /// For repositories that live in their own files (ads, Sellercloud, admin): `AdSpend(tx.database())`.
    Database& database() noexcept { return db_; }

private:
    Database& db_;
};

class Store {
public:
    /// Opens (or creates) the database file (and its directory) and applies pending migrations. Throws
    /// StoreError, e.g. when the file was written by a newer Settlebridge or cannot be put in WAL mode.
    explicit Store(const std::filesystem::path& file, StoreOptions options = {});
    /// Opens the database a location names: a PostgreSQL connection URI (postgresql://... or postgres://...) or
    /// the path of a SQLite file. Throws StoreError, naming the setting and the server's answer for PostgreSQL.
    static std::unique_ptr<Store> open(const std::string& location, StoreOptions options = {});
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    /// The SQLite file (empty for PostgreSQL).
    const std::filesystem::path& path() const noexcept { return path_; }
    Dialect dialect() const noexcept { return db_->dialect(); }
    int schemaVersion();
    /// Transactions the server aborted (serialization failure, deadlock) and the store ran again.
    int conflictsRetried() const noexcept { return conflictsRetried_; }

    /// Runs `f(Tx&)` in one write transaction (BEGIN IMMEDIATE ... COMMIT). Returns what f returns.
    template <class F>
    auto write(F&& f) {
        return run(Transaction::Kind::Write, std::forward<F>(f));
    }

    /// Runs `f(Tx&)` in one read transaction (a consistent snapshot).
    template <class F>
    auto read(F&& f) {
        return run(Transaction::Kind::Read, std::forward<F>(f));
    }

private:
    Store(std::unique_ptr<Database> db, StoreOptions options);

    template <class F>
    auto run(Transaction::Kind kind, F&& f) {
        std::lock_guard lock(mutex_);
        for (int attempt = 1;; ++attempt) {
            try {
                return runOnce(kind, f);
            } catch (const TransactionConflict&) {
                if (attempt >= options_.conflictAttempts) throw;
                ++conflictsRetried_;
                pauseBeforeRetry(attempt);
            }
        }
    }

    template <class F>
    auto runOnce(Transaction::Kind kind, F& f) {
        Transaction transaction(*db_, kind);
        Tx tx(*db_);
        if constexpr (std::is_void_v<std::invoke_result_t<F&, Tx&>>) {
            f(tx);
            transaction.commit();
        } else {
            auto result = f(tx);
            transaction.commit();
            return result;
        }
    }

    /// A short random pause, growing with the attempt, so two daemons that collided do not collide again.
    static void pauseBeforeRetry(int attempt);

    StoreOptions options_;
    int conflictsRetried_ = 0;
    std::filesystem::path path_;
    std::mutex mutex_;
    std::unique_ptr<Database> db_;
};

}  // namespace settlebridge::store
