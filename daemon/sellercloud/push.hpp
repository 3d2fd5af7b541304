#pragma once
// The Sellercloud push: per-product ad spend into the Sellercloud company each ads profile is mapped to.
//
// A send goes to one Sellercloud company and carries every mapped profile of it (their spend is summed per
// product; the profiles of one company must share a currency). For each advertised SKU with spend in the send's
// days or the trailing 30 days it links the SKU to a product (cached links first, then the connection's rules),
// sums the figures per product — recomputed from the ad spend store at every send — and hands them to the sink.
// Products written earlier that no mapped profile advertises any more are cleared. Every send is logged with a
// record per SKU.
//
// The daemon calls runDue() on every tick: per company, a manual "send the last N days" request is run at once;
// otherwise the daily send runs once the profile's local day has passed sendHour and covers the last sent date
// (exclusive) to yesterday. It never throws for Sellercloud's or the network's failures: they are recorded in the
// connection's sync state (retried after `retryAfterError`) and the event log.
//
//     SellercloudPush push(store, box, {});
//     PushRunReport report = push.runDue(now, stop);

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "daemon/net/clock.hpp"
#include "daemon/sellercloud/client.hpp"
#include "daemon/sellercloud/connection_check.hpp"
#include "daemon/store/records.hpp"
#include "daemon/store/secrets.hpp"
#include "daemon/store/sellercloud_connections.hpp"
#include "daemon/store/sellercloud_mappings.hpp"
#include "daemon/store/sellercloud_sends.hpp"
#include "daemon/store/store.hpp"

namespace settlebridge::sellercloud {

class CustomColumnsSink;
class Linker;

struct PushOptions {
    std::string teamLookupUrl = std::string(kTeamLookupUrl);
    std::string baseUrlTemplate = std::string(kBaseUrlTemplate);
    net::HttpOptions http;
    net::RetryPolicy retry;
    net::RateLimit rate = kSellercloudRate;
    /// After a failed run a connection is tried again this much later (sooner when asked to send now).
    std::chrono::seconds retryAfterError{900};
    /// Where the profiles' time zones are read from.
    std::string zoneInfoDir = "/usr/share/zoneinfo";
    /// Jitter source for the backoff ([0,1)); empty = random.
    std::function<double()> jitter;
    /// A connection's send is claimed for this long (store/work_leases.hpp), renewed before each company's send:
    /// another daemon on the same database leaves the connection alone until the run ends or, if this daemon dies
    /// during it, until the lease runs out.
    std::chrono::seconds lease{15 * 60};
};

struct SendResult {
    std::int64_t sendId = 0;
    std::int64_t connectionId = 0;
    std::int64_t scCompanyId = 0;
    store::SendKind kind = store::SendKind::Daily;
    std::string fromDate;
    std::string toDate;
    store::SendStatus status = store::SendStatus::Failed;
    int records = 0;
    int written = 0;
    int unmatched = 0;
    int failed = 0;
    int cleared = 0;
    std::string message;
};

struct PushRunReport {
    std::vector<SendResult> sends;
    int connectionsFailed = 0;
    int skippedForAnotherDaemon = 0;  // connections another daemon on the same database was sending (lease held)
    std::vector<std::string> errors;  // connection-level failures (no send could start)
};

struct MapRequest {
    std::int64_t profileRow = 0;
    std::int64_t connectionId = 0;
    std::int64_t scCompanyId = 0;
    std::string scCompanyName;  // "" = looked up in Sellercloud's list
    std::optional<std::vector<std::string>> adProducts;  // nullopt = keep (or the default for a new mapping)
    std::optional<std::vector<std::string>> channels;
    bool confirm = false;       // remapping a profile that already sent data needs it
};

struct MapResult {
    enum class Outcome { Mapped, Updated, Remapped, NeedsConfirmation, ClearFailed };
    Outcome outcome = Outcome::Mapped;
    store::SellercloudMapping mapping;
    int clearedProducts = 0;
    std::string message;
};

struct UnmapResult {
    enum class Outcome { Deleted, ClearFailed };
    Outcome outcome = Outcome::Deleted;
    store::SellercloudMapping mapping;  // the mapping as it was
    bool hadSent = false;               // the profile had sent data to the company
    int clearedProducts = 0;
    std::string message;
};

class SellercloudPush {
public:
    SellercloudPush(store::Store& store, const store::SecretBox& box, PushOptions options = {},
                    net::Clock& clock = net::SystemClock::instance());
    ~SellercloudPush();
    SellercloudPush(const SellercloudPush&) = delete;
    SellercloudPush& operator=(const SellercloudPush&) = delete;

    /// Everything due now (see above). Returns promptly once `stop` is requested.
    PushRunReport runDue(store::Timestamp now, std::stop_token stop);
    /// Runs one connection now: pending manual requests, else a daily send of every company (even if already
    /// sent today, or before sendHour). For the CLI.
    PushRunReport runConnection(std::int64_t connectionId, store::Timestamp now, std::stop_token stop);

    /// "Send the last N days" (1..95) for the mappings of a connection — one profile, or those of one channel
    /// ("amazon"/"walmart"), or all. Returns how many mappings were asked. The request resets itself when done.
    int requestSend(std::int64_t connectionId, std::optional<std::int64_t> profileRow,
                    std::optional<std::string> channel, int days, store::Timestamp now);

    /// Maps a profile to a company. Remapping one that already sent data needs `confirm`: then what it wrote to
    /// the old company's products is cleared there first (recomputed from the company's other profiles, or
    /// emptied), and only then is the mapping changed. Throws SellercloudError (Config) for an unknown profile,
    /// connection or company, or a currency that differs from the company's other profiles.
    MapResult map(const MapRequest& request, store::Timestamp now, std::stop_token stop = {});

    /// Deletes a profile's mapping. When the profile sent data and `clear` is set, what it wrote to the company's
    /// products is cleared there first (recomputed from the company's other profiles, or emptied), as a confirmed
    /// remap does, and the mapping is deleted only when that worked (else ClearFailed, nothing deleted). Without
    /// `clear` the values it wrote stay in Sellercloud. Throws SellercloudError (Config) for a profile that is not
    /// mapped.
    UnmapResult unmap(std::int64_t profileRow, bool clear, store::Timestamp now, std::stop_token stop = {});

    /// Sellercloud's companies for a connection.
    std::vector<Company> companies(std::int64_t connectionId, std::stop_token stop = {});
    /// "Test connection", recorded on the connection (verdict, message, time).
    ConnectionCheck test(std::int64_t connectionId, store::Timestamp now);

    const PushOptions& options() const noexcept { return options_; }

    /// The lease name of a connection's sends, and this process's holder id (random per SellercloudPush).
    static std::string leaseName(std::int64_t connectionId);
    const std::string& holder() const noexcept { return holder_; }

private:
    struct Plan;
    struct CachedClient;
    Client& clientFor(const store::SellercloudConnection& connection, const std::stop_token& stop);
    Endpoint endpointOf(const store::SellercloudConnection& connection) const;
    HttpSettings transport(const std::stop_token& stop) const;
    std::vector<Plan> plansFor(const store::SellercloudConnection& connection, store::Timestamp now, bool force);
    /// One send of `plan`: reads its figures and starts its log, links each SKU, writes each product, clears the
    /// products no mapped profile advertises any more, then finishes the log (the send's jobs below, in order).
    SendResult send(const store::SellercloudConnection& connection, const Plan& plan, store::Timestamp now,
                    const std::stop_token& stop);
    struct Sending;
    void startSend(const store::SellercloudConnection& connection, const Plan& plan, store::Timestamp now,
                   Sending& sending);
    static void linkSkus(const Plan& plan, Linker& linker, const std::string& currency, store::Timestamp now,
                         const std::stop_token& stop, Sending& sending);
    static void writeProducts(CustomColumnsSink& sink, store::Timestamp now, const std::stop_token& stop,
                              Sending& sending);
    static void clearUnadvertised(CustomColumnsSink& sink, Sending& sending);
    SendResult finishSend(const store::SellercloudConnection& connection, const Plan& plan, store::Timestamp now,
                          Sending& sending);
    PushRunReport runPlans(const store::SellercloudConnection& connection, const std::vector<Plan>& plans,
                           store::Timestamp now, const std::stop_token& stop);
    /// runDue's work on one connection once its lease is held: the connection read again and its plans recomputed
    /// (another daemon may have sent since the list was read), then run.
    void runClaimed(std::int64_t connectionId, store::Timestamp now, const std::stop_token& stop, PushRunReport& report);
    bool claim(std::int64_t connectionId, store::Timestamp now);
    void release(std::int64_t connectionId);
    /// Recomputes the products of `mapping`'s company without its profile (a "clear" send); nullopt when the
    /// mapping's connection is gone.
    std::optional<SendResult> clearProfile(const store::SellercloudMapping& mapping, const std::string& timeZone,
                                           store::Timestamp now, const std::stop_token& stop);

    store::Store& store_;
    const store::SecretBox& box_;
    PushOptions options_;
    net::Clock& clock_;
    std::map<std::int64_t, std::unique_ptr<CachedClient>> clients_;
    std::string holder_;
};

}  // namespace settlebridge::sellercloud
