#pragma once
// The settlement sync: for each Amazon connection that is due (its interval passed, or "sync now" asked), list
// the settlement reports created in its download window, and for every report not seen before: download it,
// keep the raw bytes, parse and summarize it, and queue its documents (posting::Queue::importSummary). The
// outcome of each report is recorded (store::AmazonReport): imported, unchanged (same bytes as an imported one),
// replaced (a re-issue before anything was posted), conflict (a re-issue after: kept for review), or failed
// (kept with the parser's message; the other reports go on).
//
// Settlements of several marketplaces under one seller are told apart by parsing (each report names its
// marketplace and currency), never by the listing filter. A connection whose sync fails (revoked token,
// Amazon down) records the error with a message for the seller and is tried again later; the sync never
// throws for Amazon's or the network's answers.

#include <chrono>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "daemon/amazon/accounts.hpp"
#include "daemon/net/clock.hpp"
#include "daemon/store/secrets.hpp"
#include "daemon/store/store.hpp"

namespace settlebridge::amazon {

struct SettlementSyncOptions {
    AccountsOptions accounts;
    /// After a failed sync, the next try comes after min(this, the connection's interval).
    std::chrono::minutes retryAfterError{30};
    /// Month-end split for every company (each company can also ask for it in its options, store::CompanyOptions,
    /// which also carry its mapping).
    bool splitMonths = false;
    /// A connection's sync is claimed for this long (store/work_leases.hpp): another daemon on the same database
    /// leaves it alone until the sync ends or, if this daemon dies during it, until the lease runs out.
    std::chrono::seconds lease{15 * 60};
    /// Measures how long a sync has run, to renew its lease for `lease` again before each report it downloads (a
    /// sync of many reports can run longer than one lease); the system clock when null.
    net::Clock* clock = nullptr;
};

struct ConnectionSyncReport {
    std::int64_t connectionId = 0;
    std::string company;
    std::string connection;
    bool ok = false;
    std::string message;          // for people: what happened
    int listed = 0;               // reports in the download window
    int imported = 0;
    int unchanged = 0;
    int replaced = 0;
    int conflicts = 0;
    int failed = 0;               // reports that could not be parsed (kept)
    int skipped = 0;              // already seen by an earlier sync
    bool skippedForAnotherDaemon = false;  // another daemon holds the connection's lease (nothing done)
};

struct SettlementSyncReport {
    std::vector<ConnectionSyncReport> connections;
    int imported() const;
    int errors() const;
};

class SettlementSync {
public:
    SettlementSync(store::Store& store, const store::SecretBox& box, SettlementSyncOptions options = {});

    /// Syncs every enabled, connected connection that is due at `now` (next_sync_at reached, or sync requested).
    SettlementSyncReport runDue(store::Timestamp now, std::stop_token stop = {});
    /// Syncs one connection now, due or not. While another daemon holds the connection's lease the sync is skipped
    /// (ok, `skippedForAnotherDaemon`, a message saying so).
    ConnectionSyncReport syncConnection(std::int64_t connectionId, store::Timestamp now, std::stop_token stop = {});

    /// The lease name of a connection's sync, and this process's holder id (random per SettlementSync).
    static std::string leaseName(std::int64_t connectionId);
    const std::string& holder() const noexcept { return holder_; }

private:
    store::Store& store_;
    const store::SecretBox& box_;
    SettlementSyncOptions options_;
    std::string holder_;
    /// syncConnection; with `onlyIfDue`, nothing when the connection is no longer due once claimed (another daemon
    /// synced it since runDue looked): nullopt.
    std::optional<ConnectionSyncReport> sync(std::int64_t connectionId, store::Timestamp now, std::stop_token stop,
                                             bool onlyIfDue);
};

}  // namespace settlebridge::amazon
