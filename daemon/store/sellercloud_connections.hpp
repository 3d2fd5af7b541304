#pragma once
// Sellercloud connections (schema version 4): one Sellercloud login per Settlebridge company, its push settings,
// the last "Test connection" verdict and the sync state. The password is sealed with SecretBox under associated
// data "sellercloud_connections:<id>:password" and never leaves this repository sealed the wrong way round.
//
//     store.write([&](Tx& tx) {
//         SellercloudConnections connections(tx.database());
//         auto c = connections.create({.companyId = company.id, .teamName = "acme", .username = "api"}, now);
//         connections.setPassword(c.id, box, password, now);
//     });

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/amazon_connections.hpp"
#include "daemon/store/records.hpp"

namespace settlebridge::store {

class Database;
class SecretBox;

/// The custom columns the push writes (a column with an empty name is not written).
struct SellercloudColumns {
    std::string spendDay = "AdSpendYesterday";  // ad spend on the send's last day
    std::string spend7d = "AdSpend7Days";       // trailing 7 days ending on that day
    std::string spend30d = "AdSpend30Days";     // trailing 30 days
    std::string sales30d = "AdSales30Days";     // attributed sales, trailing 30 days
    std::string acos30d = "ACoS30Days";         // spend / sales over 30 days, percent
};

struct SellercloudConnection {
    std::int64_t id = 0;
    std::int64_t companyId = 0;
    std::string teamName;      // what sellers know; resolved to serverId through the server-by-team lookup
    std::string serverId;      // "tt" in https://tt.api.sellercloud.com/rest/api/ ("" until resolved)
    std::string baseUrl;       // an override of the REST base ("" = from serverId)
    std::string username;
    bool hasPassword = false;
    /// Product linking rules in priority order ("sku,amazon_sku,upc,asin,ean,mpn"); see sellercloud/linker.hpp.
    std::vector<std::string> linkRules{"sku", "amazon_sku", "upc", "asin", "ean", "mpn"};
    SellercloudColumns columns;
    int sendHour = 9;          // the daily send runs once this local hour (profile time zone) has come
    bool enabled = true;
    std::string testVerdict;   // "" never tested; else sellercloud::verdictName()
    std::string testMessage;
    Timestamp testedAt = 0;
    SyncState syncState = SyncState::Idle;
    std::string syncMessage;
    bool syncRequested = false;
    Timestamp lastSyncAt = 0;
    Timestamp lastSuccessAt = 0;
    Timestamp nextSyncAt = 0;
    Timestamp createdAt = 0;
    Timestamp updatedAt = 0;
};

/// "a,b,c" → {"a","b","c"} (blanks trimmed, empty items dropped) and back.
std::vector<std::string> splitList(std::string_view text);
std::string joinList(const std::vector<std::string>& items);

class SellercloudConnections {
public:
    explicit SellercloudConnections(Database& db) noexcept : db_(db) {}

    /// Inserts a connection (no password yet). Throws StoreError when the company already has one or a value is
    /// out of range.
    SellercloudConnection create(SellercloudConnection connection, Timestamp now);
    std::optional<SellercloudConnection> find(std::int64_t id);
    std::optional<SellercloudConnection> findByCompany(std::int64_t companyId);
    std::vector<SellercloudConnection> list();
    /// Writes settings, verdict and sync state of `connection` (matched by id). Throws StoreError if missing.
    void update(const SellercloudConnection& connection, Timestamp now);
    bool remove(std::int64_t id);

    void setPassword(std::int64_t id, const SecretBox& box, std::string_view password, Timestamp now);
    /// The password, opened. Throws StoreError when none is stored, SecretError when it does not open.
    std::string password(std::int64_t id, const SecretBox& box);

    void setTestResult(std::int64_t id, std::string_view verdict, std::string_view message, Timestamp now);
    void setSyncState(std::int64_t id, SyncState state, std::string_view message, Timestamp now,
                      std::optional<Timestamp> nextSyncAt = std::nullopt, bool success = false);
    /// Sets or clears the "send now" flag a running daemon picks up.
    void requestSync(std::int64_t id, bool requested, Timestamp now);

private:
    Database& db_;
};

}  // namespace settlebridge::store
