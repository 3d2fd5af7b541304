#pragma once
// The ad spend sync job. The daemon calls runDue() on every tick; it decides from the store what is due:
//
//   backfill     on connect: the download window (profile's backfill_days, default 30, at most 95), each ad
//                product bounded by its retention (SP 95, SD 65, SB 60 days, Walmart 90)
//   recent       the last `recentDays` (2) days, every `recentInterval` (60 minutes)
//   restatement  days 3–9, 15–22, 31–40 and 51–60 back, every `restatementInterval` (once a day)
//   sync now     a profile's sync_requested flag (CLI `ads sync --request`, the admin page): the last N days
//                when requested_days > 0, else the recent and restatement windows (or the backfill if not done);
//                an account's sync_requested flag does the same for all its enabled profiles
//
// Days are calendar days in the profile's time zone ("today" is the profile's today). Each window is pulled
// per ad product in reports of at most 31 days; each report's days are replaced in the store in one
// transaction (never added to). Upstream failures never throw: the profile (or, for an authorization refused
// by Login with Amazon, the account and its profiles) gets sync state `error` with the message, retried after
// `errorRetry`; the other profiles go on. A stop request ends the run between (and inside) reports.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "daemon/net/clock.hpp"
#include "daemon/net/http.hpp"
#include "daemon/net/retry.hpp"
#include "daemon/store/ad_spend.hpp"
#include "daemon/store/ads_accounts.hpp"
#include "daemon/store/records.hpp"

namespace settlebridge::store {
class Store;
class SecretBox;
class Tx;
}  // namespace settlebridge::store

namespace settlebridge::ads {

/// One step of a profile's sync, for a progress bar.
struct AdsProgress {
    std::int64_t profileRow = 0;
    std::string profileLabel;
    int step = 0;   // reports done so far in this profile's run
    int steps = 0;  // reports this run needs
    std::string what;  // "SP 2026-04-01..2026-05-01"
};

struct AdsSyncOptions {
    /// Overrides for the simulators ("" = production): the Ads API host (all regions), the LWA token endpoint,
    /// the Walmart Connect base URL.
    std::string amazonEndpoint;
    std::string amazonTokenUrl;
    std::string walmartEndpoint = "https://developer.api.walmart.com/api-proxy/service/WPA/Api/v1";
    /// A JSON file that replaces the built-in Walmart column table (walmart.hpp); "" = built-in.
    std::string walmartColumnsFile;
    net::HttpOptions http;
    net::RetryPolicy retry;
    std::chrono::milliseconds pollInitial{5'000};
    std::chrono::milliseconds pollMax{60'000};
    std::chrono::milliseconds reportTimeout{std::chrono::minutes{30}};

    int recentDays = 2;
    std::chrono::seconds recentInterval{std::chrono::minutes{60}};
    /// Windows of days back from the profile's today (inclusive), pulled once per restatementInterval.
    std::vector<std::pair<int, int>> restatementWindows{{3, 9}, {15, 22}, {31, 40}, {51, 60}};
    std::chrono::seconds restatementInterval{std::chrono::hours{24}};
    /// After a failed run, the profile waits this long before the schedule tries again (a request does not wait).
    std::chrono::seconds errorRetry{std::chrono::minutes{15}};
    int maxDaysPerReport = 31;
    /// Sponsored Brands allocation weights: each SKU's SP+SD attributed sales over this many days ending on the day.
    int allocationWindowDays = 14;
    std::string zoneInfoDir = "/usr/share/zoneinfo";

    std::function<void(const AdsProgress&)> progress;
    /// The clock waits run on (polls, backoff); nullptr = the system clock.
    net::Clock* clock = nullptr;
    /// Jitter for backoff ([0,1)); empty = random.
    std::function<double()> jitter;
    /// An account's run is claimed (store/work_leases.hpp) for reportTimeout plus this margin and renewed for as
    /// long again before each report, so a report that waits its full reportTimeout is still covered; another
    /// daemon on the same database leaves the account alone until the run ends or, if this daemon dies during it,
    /// until the lease runs out.
    std::chrono::seconds leaseMargin{std::chrono::minutes{10}};
};

struct AdsRunReport {
    int profilesSynced = 0;
    int profilesFailed = 0;
    int accountsFailed = 0;
    int reports = 0;        // reports pulled
    int rowsStored = 0;
    bool stopped = false;   // the stop token ended the run early
    int accountsSkippedForAnotherDaemon = 0;  // another daemon on the same database holds the account's lease
    std::vector<std::string> errors;  // one line per failure
};

class AdsSync {
public:
    AdsSync(store::Store& store, const store::SecretBox& box, AdsSyncOptions options);

    /// Everything due at `now` (see above). Never throws for upstream failures.
    AdsRunReport runDue(store::Timestamp now, std::stop_token stop = {});
    /// One profile at once, whatever its schedule: `days` > 0 = the last `days` days; 0 = the backfill if it is
    /// not done, else the recent and restatement windows.
    AdsRunReport syncProfile(std::int64_t profileRow, store::Timestamp now, int days, std::stop_token stop = {});

    const AdsSyncOptions& options() const noexcept { return options_; }

    /// The lease name of an account's runs, and this process's holder id (random per AdsSync).
    static std::string leaseName(std::int64_t accountId);
    const std::string& holder() const noexcept { return holder_; }

    /// The windows (as "YYYY-MM-DD".."YYYY-MM-DD", oldest first) a profile would pull, for a plan: what
    /// runDue/syncProfile do. `today` is the profile's today.
    struct Window {
        std::string from;
        std::string to;
    };
    enum class Plan { Backfill, Recent, Restatement, LastDays };
    std::vector<Window> windows(Plan plan, const std::string& today, int days) const;

private:
    struct Clients;
    struct ProfilePlan;
    struct Pull;
    bool due(const store::AdsProfile& profile, store::Timestamp now) const;
    /// Claims (or, by its holder, renews) the account's lease at `now` for reportTimeout + leaseMargin.
    bool claim(store::Tx& tx, std::int64_t accountId, store::Timestamp now);
    bool claim(std::int64_t accountId, store::Timestamp now);
    void release(std::int64_t accountId);
    /// runAccount with the account's lease released however it ends.
    void runClaimedAccount(const store::AdsAccount& account, const std::vector<store::AdsProfile>& profiles,
                           store::Timestamp now, std::optional<int> forcedDays, std::stop_token stop,
                           AdsRunReport& report);
    /// One account's run: its clients, then each profile's plan, reports and outcome, then the account's state.
    void runAccount(const store::AdsAccount& account, const std::vector<store::AdsProfile>& profiles,
                    store::Timestamp now, std::optional<int> forcedDays, std::stop_token stop, AdsRunReport& report);
    /// The account's clients from its stored credentials; the reason (for the account's state) when they cannot be
    /// made.
    std::optional<std::string> openClients(const store::AdsAccount& account, std::stop_token stop, net::Clock& clock,
                                           Clients& clients);
    /// The account and all the given profiles fail with `message` (retried after errorRetry).
    void failAccount(const store::AdsAccount& account, const std::vector<store::AdsProfile>& profiles,
                     store::Timestamp now, const std::string& message, AdsRunReport& report);
    /// What a profile's run pulls now: its windows (backfill, last days, recent, restatement) as reports per ad
    /// product.
    ProfilePlan planProfile(const store::AdsAccount& account, const store::AdsProfile& profile, store::Timestamp now,
                            std::optional<int> forcedDays) const;
    /// Pulls and stores the plan's reports; never throws for upstream failures.
    /// Before each report the account's lease is renewed (`renew`); when it cannot be (another daemon took the
    /// account over) the pull fails.
    Pull pullReports(const store::AdsAccount& account, const store::AdsProfile& profile, const ProfilePlan& plan,
                     Clients& clients, store::Timestamp now, std::stop_token stop, AdsRunReport& report,
                     const std::function<bool()>& renew);
    /// Sponsored Brands rows allocated to SKUs by their SP+SD sales (allocation.hpp).
    std::vector<store::AdSpendRow> allocateBrands(const store::AdsProfile& profile,
                                                  const std::vector<store::AdSpendRow>& rows,
                                                  const std::map<std::string, std::vector<std::string>>& sbAsins);
    void recordStopped(const store::AdsProfile& profile, const ProfilePlan& plan, store::Timestamp now);
    void recordFailure(const store::AdsAccount& account, const store::AdsProfile& profile, const ProfilePlan& plan,
                       const std::string& failure, store::Timestamp now, AdsRunReport& report);
    void recordSuccess(const store::AdsAccount& account, const store::AdsProfile& profile, const ProfilePlan& plan,
                       const Pull& pull, store::Timestamp now, AdsRunReport& report);
    /// Login with Amazon refused the account's authorization: the account and all its profiles fail.
    void failBrokenAccount(const store::AdsAccount& account, const std::vector<store::AdsProfile>& profiles,
                           const std::string& accountError, store::Timestamp now, AdsRunReport& report);
    /// After the profiles: a rotated refresh token is stored and the account's state set.
    void finishAccount(const store::AdsAccount& account, const std::vector<store::AdsProfile>& profiles,
                       const Clients& clients, int profilesOk, store::Timestamp now, AdsRunReport& report);
    void event(const store::AdsAccount& account, store::Timestamp now, store::EventLevel level,
               const std::string& message);

    store::Store& store_;
    const store::SecretBox& box_;
    AdsSyncOptions options_;
    std::string holder_;
};

/// The profile's calendar day at `now` in its time zone (UTC when the zone cannot be loaded).
std::string profileToday(const std::string& timeZone, store::Timestamp now, const std::string& zoneInfoDir = "/usr/share/zoneinfo");
/// "YYYY-MM-DD" shifted by `days`.
std::string addDays(const std::string& date, int days);

}  // namespace settlebridge::ads
