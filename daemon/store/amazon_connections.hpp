#pragma once
// Amazon seller connections (one per seller account and region, several per company), the settlement reports
// each sync saw, and the application-wide settings and sealed secrets (the operator's SP-API app credentials).
//
// Secrets are sealed with SecretBox (AES-256-GCM) under associated data "amazon_connections:<id>:<column>" or
// "app_secrets:<name>", so a sealed value copied to another row or name does not open.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/records.hpp"
#include "daemon/store/secrets.hpp"

namespace settlebridge::store {

class Database;

/// Where a connection's (or an ads account's) last sync stands; shown as the cloud icon on the admin page.
enum class SyncState { Idle, Syncing, Ok, Error };
std::string_view toString(SyncState state);
std::optional<SyncState> parseSyncState(std::string_view text);

struct AmazonConnection {
    std::int64_t id = 0;
    std::int64_t companyId = 0;
    std::string name;                         // unique per company, e.g. "US seller"
    std::string region = "NA";                // NA, EU, FE
    std::string sellerId;                     // selling_partner_id / merchant token ("" until known)
    std::vector<std::string> marketplaceIds;  // informational: settlements are told apart by parsing
    std::string how = "token";                // "consent" (Connect with Amazon) or "token" (self-authorized app)
    std::string clientId;                     // LWA client id; "" = the operator's app (app settings)
    bool hasClientSecret = false;             // a client secret of its own is stored
    bool hasRefreshToken = false;
    int downloadWindowDays = 30;              // 1..90 (Amazon keeps reports 90 days)
    int syncEveryMinutes = 360;
    bool enabled = true;
    SyncState syncState = SyncState::Idle;
    std::string syncMessage;                  // the last sync's outcome, for people
    bool syncRequested = false;               // "sync now" asked by the CLI or the admin page
    Timestamp lastSyncAt = 0;
    Timestamp lastSuccessAt = 0;
    Timestamp nextSyncAt = 0;
    Timestamp createdAt = 0;
    Timestamp updatedAt = 0;
};

/// What a sync did with one report Amazon listed.
enum class ReportOutcome {
    Imported,   // new settlement: stored, summarized, queued
    Unchanged,  // the same bytes as a report already imported
    Replaced,   // a re-issue that replaced the earlier report before anything was posted
    Conflict,   // a re-issue of a settlement already (partly) posted: kept and flagged for review, not queued
    Failed,     // could not be parsed or summarized: kept with the message; the others went on
};
std::string_view toString(ReportOutcome outcome);
std::optional<ReportOutcome> parseReportOutcome(std::string_view text);

struct AmazonReport {
    std::int64_t id = 0;
    std::int64_t connectionId = 0;
    std::string reportId;
    std::string reportDocumentId;
    std::string createdTime;
    std::string dataStartTime;
    std::string dataEndTime;
    ReportOutcome outcome = ReportOutcome::Imported;
    std::string settlementId;
    std::string marketplace;                   // the marketplace name the report itself names
    std::optional<std::int64_t> settlementRow;
    std::string message;
    Timestamp seenAt = 0;
};

class AmazonConnections {
public:
    explicit AmazonConnections(Database& db) noexcept : db_(db) {}

    /// Inserts a connection (no secrets yet). Throws StoreError when the name is taken in that company or a
    /// value is out of range (the download window is 1..90 days).
    AmazonConnection create(AmazonConnection connection, Timestamp now);
    std::optional<AmazonConnection> find(std::int64_t id);
    std::optional<AmazonConnection> findByName(std::int64_t companyId, std::string_view name);
    /// Every connection, or those of one company; ordered by company then name.
    std::vector<AmazonConnection> list(std::optional<std::int64_t> companyId = std::nullopt);
    /// Writes the settings and sync state of `connection` (matched by id).
    void update(const AmazonConnection& connection, Timestamp now);
    void remove(std::int64_t id);

    /// Seals and stores the refresh token (and a client secret of the connection's own, when given).
    void setSecrets(std::int64_t id, const SecretBox& box, std::string_view refreshToken,
                    std::optional<std::string_view> clientSecret, Timestamp now);
    /// The refresh token, opened. Throws StoreError when none is stored; SecretError when it does not open.
    std::string refreshToken(std::int64_t id, const SecretBox& box);
    /// The connection's own client secret, opened (nullopt = it uses the operator's app).
    std::optional<std::string> clientSecret(std::int64_t id, const SecretBox& box);

    /// Asks a running daemon to sync these connections at its next tick (all when companyId is empty).
    int requestSync(std::optional<std::int64_t> companyId, std::optional<std::int64_t> connectionId, Timestamp now);

    // The reports a connection's syncs saw.
    std::optional<AmazonReport> findReport(std::int64_t connectionId, std::string_view reportId);
    /// Inserts or replaces (by connection + report id) what a sync did with a report; `rawDocument` is kept
    /// for reports that failed (imported ones are kept with their settlement).
    void saveReport(const AmazonReport& report, std::optional<std::string_view> rawDocument);
    std::vector<AmazonReport> reports(std::int64_t connectionId, int limit = 200);
    /// The raw bytes kept with a failed report ("" when none).
    std::string reportRawDocument(std::int64_t reportRow);

private:
    Database& db_;
};

/// Application-wide settings (name → text) and sealed secrets (name → value).
class AppSettings {
public:
    explicit AppSettings(Database& db) noexcept : db_(db) {}

    std::optional<std::string> get(std::string_view name);
    void set(std::string_view name, std::string_view value, Timestamp now);
    void remove(std::string_view name);

    std::optional<std::string> secret(std::string_view name, const SecretBox& box);
    void setSecret(std::string_view name, std::string_view value, const SecretBox& box, Timestamp now);
    void removeSecret(std::string_view name);

private:
    Database& db_;
};

}  // namespace settlebridge::store
