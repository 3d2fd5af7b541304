#pragma once
// Ads accounts (an Amazon Ads login or a Walmart Connect advertiser connection) and their profiles (one
// advertiser in one marketplace: what ad spend is pulled for). Schema version 3 (schema_ads.cpp).
//
//     store.write([&](Tx& tx) {
//         AdsAccounts accounts(tx.database());
//         AdsAccount a = accounts.create({.channel = AdsChannel::AmazonAds, .name = "Main", .region = "NA"}, now);
//         accounts.setCredentials(a.id, box, R"({"refresh_token":"Atzr|…"})", now);
//         AdsProfiles profiles(tx.database());
//         profiles.upsertImported(a.id, imported, now);
//     });
//
// Credentials are one SecretBox blob per account (associated data "ads_accounts:<id>:credentials"); what the
// plaintext holds is up to the ads area (a small JSON object: Amazon {"client_id","client_secret",
// "refresh_token"}, Walmart {"auth_token","consumer_id","private_key","key_version"}). It never leaves
// this repository sealed the wrong way round and is never logged.

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

enum class AdsChannel { AmazonAds, WalmartConnect };
/// "amazon_ads", "walmart_connect".
std::string_view toString(AdsChannel channel);
std::optional<AdsChannel> parseAdsChannel(std::string_view text);

/// The same sync states as the Amazon seller connections (one cloud icon on the admin page for all).
using AdsSyncState = SyncState;
inline std::optional<AdsSyncState> parseAdsSyncState(std::string_view text) { return parseSyncState(text); }

/// Where an account's or a profile's sync stands (the admin page shows it).
struct AdsSyncStatus {
    AdsSyncState state = AdsSyncState::Idle;
    std::string message;          // the last error, or a one-line summary of the last run
    Timestamp lastSyncAt = 0;     // when the last run ended (0 = never)
    Timestamp nextSyncAt = 0;     // when the next scheduled run is due (0 = as soon as possible)
    bool requested = false;       // "sync now" asked for (CLI / admin page), not yet picked up
};

struct AdsAccount {
    std::int64_t id = 0;
    std::optional<std::int64_t> companyId;  // the QuickBooks company it belongs to (none = not assigned)
    AdsChannel channel = AdsChannel::AmazonAds;
    std::string name;
    std::string region;                     // Amazon: "NA" | "EU" | "FE"; Walmart: ""
    bool hasCredentials = false;
    AdsSyncStatus sync;
    Timestamp createdAt = 0;
    Timestamp updatedAt = 0;
};

enum class BackfillState { Pending, Running, Done };
/// "pending", "running", "done".
std::string_view toString(BackfillState state);
std::optional<BackfillState> parseBackfillState(std::string_view text);

/// What the channel says about a profile (Amazon GET /v2/profiles; Walmart: the advertiser).
struct ImportedProfile {
    std::string profileId;        // Amazon profileId (decimal text) / Walmart advertiserId
    std::string countryCode;      // "US"
    std::string currencyCode;     // "USD"
    std::string timeZone;         // IANA, "America/Los_Angeles" ("" = UTC)
    std::string accountName;      // accountInfo.name
    std::string accountType;      // accountInfo.type: seller | vendor | agency (Walmart: "walmart")
    std::string marketplaceId;    // accountInfo.marketplaceStringId
    std::string accountEntityId;  // accountInfo.id
};

struct AdsProfile {
    std::int64_t id = 0;          // the row id ("profile row"), what ad_spend refers to
    std::int64_t accountId = 0;
    ImportedProfile info;
    std::string displayName;      // the user's name for it ("" = show info.accountName + countryCode)
    bool enabled = true;          // pulled by the sync
    bool hidden = false;          // left out of lists unless "show all"
    int backfillDays = 30;        // the download window on connect (1..95; each ad product's retention caps it)
    BackfillState backfill = BackfillState::Pending;
    Timestamp backfillDoneAt = 0;
    AdsSyncStatus sync;
    int requestedDays = 0;        // a "sync now" for the last N days (0 = the regular windows)
    Timestamp lastRecentAt = 0;       // last pull of the recent window (last 2 days)
    Timestamp lastRestatementAt = 0;  // last pull of the restatement windows
    Timestamp createdAt = 0;
    Timestamp updatedAt = 0;

    /// displayName, else "accountName (CC)", else the profile id.
    std::string label() const;
};

class AdsAccounts {
public:
    explicit AdsAccounts(Database& db) noexcept : db_(db) {}

    /// Inserts `account` (id, createdAt, sync ignored). Throws StoreError for an empty name or a bad region.
    AdsAccount create(AdsAccount account, Timestamp now);
    std::optional<AdsAccount> find(std::int64_t id);
    /// Every account (of one company when given), by id.
    std::vector<AdsAccount> list(std::optional<std::int64_t> companyId = std::nullopt);
    /// Writes name, region and company of `account` (matched by id). Throws StoreError if it does not exist.
    void update(const AdsAccount& account, Timestamp now);
    /// Deletes the account with its profiles and their spend. False if there was none.
    bool remove(std::int64_t id);

    /// Seals `plaintext` and stores it as the account's credentials.
    void setCredentials(std::int64_t id, const SecretBox& box, std::string_view plaintext, Timestamp now);
    /// The opened credentials; nullopt when none are stored. Throws SecretError when they do not open.
    std::optional<std::string> credentials(std::int64_t id, const SecretBox& box);

    void setSyncStatus(std::int64_t id, const AdsSyncStatus& status, Timestamp now);
    /// Sets or clears the "sync now" flag.
    void requestSync(std::int64_t id, bool requested, Timestamp now);

private:
    Database& db_;
};

class AdsProfiles {
public:
    explicit AdsProfiles(Database& db) noexcept : db_(db) {}

    /// Inserts a profile the channel listed, or refreshes the channel's facts of a known one (display name,
    /// enabled, hidden, backfill and sync state are kept). Returns the stored profile.
    AdsProfile upsertImported(std::int64_t accountId, const ImportedProfile& info, Timestamp now,
                              int backfillDays = 30);
    std::optional<AdsProfile> find(std::int64_t row);
    std::optional<AdsProfile> findByProfileId(std::int64_t accountId, std::string_view profileId);
    /// Profiles with this channel profile id in any account (the CLI's --profile takes either id).
    std::vector<AdsProfile> findByProfileIdAnyAccount(std::string_view profileId);
    /// Profiles of one account (all accounts when none), hidden ones only when `includeHidden`.
    std::vector<AdsProfile> list(std::optional<std::int64_t> accountId = std::nullopt, bool includeHidden = true);

    void rename(std::int64_t row, std::string_view displayName, Timestamp now);
    void setEnabled(std::int64_t row, bool enabled, Timestamp now);
    void setHidden(std::int64_t row, bool hidden, Timestamp now);
    /// The download window (1..95 days). Setting it again re-runs the backfill when `restart`.
    void setBackfillDays(std::int64_t row, int days, bool restart, Timestamp now);
    void setBackfill(std::int64_t row, BackfillState state, Timestamp now);

    void setSyncStatus(std::int64_t row, const AdsSyncStatus& status, Timestamp now);
    /// "Sync now": sets the flag, and the number of days to re-pull (0 = the regular windows).
    void requestSync(std::int64_t row, bool requested, int days, Timestamp now);
    void markRecentRun(std::int64_t row, Timestamp at);
    void markRestatementRun(std::int64_t row, Timestamp at);

private:
    void touch(std::int64_t row, std::string_view sql, Timestamp now);
    Database& db_;
};

}  // namespace settlebridge::store
