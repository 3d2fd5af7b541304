#include "daemon/store/ads_accounts.hpp"

#include "daemon/store/secrets.hpp"
#include "daemon/store/database.hpp"

namespace settlebridge::store {

std::string_view toString(AdsChannel channel) {
    return channel == AdsChannel::AmazonAds ? "amazon_ads" : "walmart_connect";
}

std::optional<AdsChannel> parseAdsChannel(std::string_view text) {
    if (text == "amazon_ads") return AdsChannel::AmazonAds;
    if (text == "walmart_connect") return AdsChannel::WalmartConnect;
    return std::nullopt;
}

std::string_view toString(BackfillState state) {
    switch (state) {
        case BackfillState::Pending: return "pending";
        case BackfillState::Running: return "running";
        case BackfillState::Done: return "done";
    }
    return "pending";
}

std::optional<BackfillState> parseBackfillState(std::string_view text) {
    if (text == "pending") return BackfillState::Pending;
    if (text == "running") return BackfillState::Running;
    if (text == "done") return BackfillState::Done;
    return std::nullopt;
}

std::string AdsProfile::label() const {
    if (!displayName.empty()) return displayName;
    if (!info.accountName.empty()) {
        return info.countryCode.empty() ? info.accountName : info.accountName + " (" + info.countryCode + ")";
    }
    return info.profileId;
}

namespace {

bool validRegion(std::string_view region) { return region.empty() || region == "NA" || region == "EU" || region == "FE"; }

std::string credentialsLabel(std::int64_t id) { return "ads_accounts:" + std::to_string(id) + ":credentials"; }

constexpr std::string_view kAccountColumns =
    "id, company_id, channel, name, region, credentials IS NOT NULL, sync_state, sync_message, last_sync_at, "
    "next_sync_at, sync_requested, created_at, updated_at";

std::string selectAccounts(std::string_view where) {
    std::string sql = "SELECT ";
    sql += kAccountColumns;
    sql += " FROM ads_accounts ";
    sql += where;
    return sql;
}

AdsAccount readAccount(const Query& q) {
    AdsAccount a;
    a.id = q.getInt(0);
    a.companyId = q.getOptionalInt(1);
    a.channel = parseAdsChannel(q.getText(2)).value_or(AdsChannel::AmazonAds);
    a.name = q.getText(3);
    a.region = q.getText(4);
    a.hasCredentials = q.getInt(5) != 0;
    a.sync.state = parseAdsSyncState(q.getText(6)).value_or(AdsSyncState::Idle);
    a.sync.message = q.getText(7);
    a.sync.lastSyncAt = q.getInt(8);
    a.sync.nextSyncAt = q.getInt(9);
    a.sync.requested = q.getInt(10) != 0;
    a.createdAt = q.getInt(11);
    a.updatedAt = q.getInt(12);
    return a;
}

constexpr std::string_view kProfileColumns =
    "id, account_id, profile_id, country_code, currency_code, time_zone, account_name, account_type, "
    "marketplace_id, account_entity_id, display_name, enabled, hidden, backfill_days, backfill_state, "
    "backfill_done_at, sync_state, sync_message, last_sync_at, next_sync_at, sync_requested, requested_days, "
    "last_recent_at, last_restatement_at, created_at, updated_at";

std::string selectProfiles(std::string_view where) {
    std::string sql = "SELECT ";
    sql += kProfileColumns;
    sql += " FROM ads_profiles ";
    sql += where;
    return sql;
}

AdsProfile readProfile(const Query& q) {
    AdsProfile p;
    p.id = q.getInt(0);
    p.accountId = q.getInt(1);
    p.info.profileId = q.getText(2);
    p.info.countryCode = q.getText(3);
    p.info.currencyCode = q.getText(4);
    p.info.timeZone = q.getText(5);
    p.info.accountName = q.getText(6);
    p.info.accountType = q.getText(7);
    p.info.marketplaceId = q.getText(8);
    p.info.accountEntityId = q.getText(9);
    p.displayName = q.getText(10);
    p.enabled = q.getInt(11) != 0;
    p.hidden = q.getInt(12) != 0;
    p.backfillDays = static_cast<int>(q.getInt(13));
    p.backfill = parseBackfillState(q.getText(14)).value_or(BackfillState::Pending);
    p.backfillDoneAt = q.getInt(15);
    p.sync.state = parseAdsSyncState(q.getText(16)).value_or(AdsSyncState::Idle);
    p.sync.message = q.getText(17);
    p.sync.lastSyncAt = q.getInt(18);
    p.sync.nextSyncAt = q.getInt(19);
    p.sync.requested = q.getInt(20) != 0;
    p.requestedDays = static_cast<int>(q.getInt(21));
    p.lastRecentAt = q.getInt(22);
    p.lastRestatementAt = q.getInt(23);
    p.createdAt = q.getInt(24);
    p.updatedAt = q.getInt(25);
    return p;
}

void requireOne(int changed, std::string_view what, std::int64_t id) {
    if (changed != 1) throw StoreError("no " + std::string(what) + " with id " + std::to_string(id));
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// AdsAccounts

AdsAccount AdsAccounts::create(AdsAccount account, Timestamp now) {
    if (account.name.empty()) throw StoreError("an ads account needs a name");
    if (!validRegion(account.region)) throw StoreError("unknown ads region \"" + account.region + "\" (NA, EU or FE)");
    const std::int64_t id = db_.query(
           "INSERT INTO ads_accounts (company_id, channel, name, region, created_at, updated_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?5) RETURNING id")
        .bind(1, account.companyId)
        .bind(2, toString(account.channel))
        .bind(3, account.name)
        .bind(4, account.region)
        .bind(5, now)
        .insertedId();
    return *find(id);
}

std::optional<AdsAccount> AdsAccounts::find(std::int64_t id) {
    static const std::string sql = selectAccounts("WHERE id = ?1");
    auto q = db_.query(sql);
    q.bind(1, id);
    if (!q.next()) return std::nullopt;
    return readAccount(q);
}

std::vector<AdsAccount> AdsAccounts::list(std::optional<std::int64_t> companyId) {
    static const std::string sql = selectAccounts("WHERE (?1 IS NULL OR company_id = ?1) ORDER BY id");
    auto q = db_.query(sql);
    q.bind(1, companyId);
    std::vector<AdsAccount> out;
    while (q.next()) out.push_back(readAccount(q));
    return out;
}

void AdsAccounts::update(const AdsAccount& account, Timestamp now) {
    if (account.name.empty()) throw StoreError("an ads account needs a name");
    if (!validRegion(account.region)) throw StoreError("unknown ads region \"" + account.region + "\" (NA, EU or FE)");
    requireOne(db_.query("UPDATE ads_accounts SET company_id = ?2, name = ?3, region = ?4, updated_at = ?5 WHERE id = ?1")
                   .bind(1, account.id)
                   .bind(2, account.companyId)
                   .bind(3, account.name)
                   .bind(4, account.region)
                   .bind(5, now)
                   .run(),
               "ads account", account.id);
}

bool AdsAccounts::remove(std::int64_t id) {
    // ON DELETE CASCADE removes profiles and spend (foreign keys are on in every store connection); the explicit
    // deletes keep this correct on a connection where they are not.
    db_.query("DELETE FROM ad_spend WHERE profile_row IN (SELECT id FROM ads_profiles WHERE account_id = ?1)")
        .bind(1, id)
        .run();
    db_.query("DELETE FROM ads_profiles WHERE account_id = ?1").bind(1, id).run();
    return db_.query("DELETE FROM ads_accounts WHERE id = ?1").bind(1, id).run() == 1;
}

void AdsAccounts::setCredentials(std::int64_t id, const SecretBox& box, std::string_view plaintext, Timestamp now) {
    const std::string sealed = box.seal(plaintext, credentialsLabel(id));
    requireOne(db_.query("UPDATE ads_accounts SET credentials = ?2, updated_at = ?3 WHERE id = ?1")
                   .bind(1, id)
                   .bindBlob(2, sealed)
                   .bind(3, now)
                   .run(),
               "ads account", id);
}

std::optional<std::string> AdsAccounts::credentials(std::int64_t id, const SecretBox& box) {
    auto q = db_.query("SELECT credentials FROM ads_accounts WHERE id = ?1");
    q.bind(1, id);
    if (!q.next() || q.isNull(0)) return std::nullopt;
    return box.open(q.getBlob(0), credentialsLabel(id));
}

void AdsAccounts::setSyncStatus(std::int64_t id, const AdsSyncStatus& s, Timestamp now) {
    requireOne(db_.query(
                      "UPDATE ads_accounts SET sync_state = ?2, sync_message = ?3, last_sync_at = ?4, next_sync_at = ?5, "
                      "sync_requested = ?6, updated_at = ?7 WHERE id = ?1")
                   .bind(1, id)
                   .bind(2, toString(s.state))
                   .bind(3, s.message)
                   .bind(4, s.lastSyncAt)
                   .bind(5, s.nextSyncAt)
                   .bind(6, s.requested)
                   .bind(7, now)
                   .run(),
               "ads account", id);
}

void AdsAccounts::requestSync(std::int64_t id, bool requested, Timestamp now) {
    requireOne(db_.query("UPDATE ads_accounts SET sync_requested = ?2, updated_at = ?3 WHERE id = ?1")
                   .bind(1, id)
                   .bind(2, requested)
                   .bind(3, now)
                   .run(),
               "ads account", id);
}

// ---------------------------------------------------------------------------------------------------------
// AdsProfiles

AdsProfile AdsProfiles::upsertImported(std::int64_t accountId, const ImportedProfile& info, Timestamp now,
                                       int backfillDays) {
    if (info.profileId.empty()) throw StoreError("an ads profile needs its profile id");
    if (backfillDays < 1 || backfillDays > 95) throw StoreError("the download window is 1 to 95 days");
    db_.query(
           "INSERT INTO ads_profiles (account_id, profile_id, country_code, currency_code, time_zone, account_name, "
           "account_type, marketplace_id, account_entity_id, backfill_days, created_at, updated_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11) "
           "ON CONFLICT (account_id, profile_id) DO UPDATE SET country_code = excluded.country_code, "
           "currency_code = excluded.currency_code, time_zone = excluded.time_zone, "
           "account_name = excluded.account_name, account_type = excluded.account_type, "
           "marketplace_id = excluded.marketplace_id, account_entity_id = excluded.account_entity_id, "
           "updated_at = excluded.updated_at")
        .bind(1, accountId)
        .bind(2, info.profileId)
        .bind(3, info.countryCode)
        .bind(4, info.currencyCode)
        .bind(5, info.timeZone.empty() ? std::string("UTC") : info.timeZone)
        .bind(6, info.accountName)
        .bind(7, info.accountType)
        .bind(8, info.marketplaceId)
        .bind(9, info.accountEntityId)
        .bind(10, backfillDays)
        .bind(11, now)
        .run();
    return *findByProfileId(accountId, info.profileId);
}

std::optional<AdsProfile> AdsProfiles::find(std::int64_t row) {
    static const std::string sql = selectProfiles("WHERE id = ?1");
    auto q = db_.query(sql);
    q.bind(1, row);
    if (!q.next()) return std::nullopt;
    return readProfile(q);
}

std::optional<AdsProfile> AdsProfiles::findByProfileId(std::int64_t accountId, std::string_view profileId) {
    static const std::string sql = selectProfiles("WHERE account_id = ?1 AND profile_id = ?2");
    auto q = db_.query(sql);
    q.bind(1, accountId).bind(2, profileId);
    if (!q.next()) return std::nullopt;
    return readProfile(q);
}

std::vector<AdsProfile> AdsProfiles::findByProfileIdAnyAccount(std::string_view profileId) {
    static const std::string sql = selectProfiles("WHERE profile_id = ?1 ORDER BY id");
    auto q = db_.query(sql);
    q.bind(1, profileId);
    std::vector<AdsProfile> out;
    while (q.next()) out.push_back(readProfile(q));
    return out;
}

std::vector<AdsProfile> AdsProfiles::list(std::optional<std::int64_t> accountId, bool includeHidden) {
    static const std::string sql =
        selectProfiles("WHERE (?1 IS NULL OR account_id = ?1) AND (?2 = 1 OR hidden = 0) ORDER BY account_id, id");
    auto q = db_.query(sql);
    q.bind(1, accountId).bind(2, includeHidden);
    std::vector<AdsProfile> out;
    while (q.next()) out.push_back(readProfile(q));
    return out;
}

void AdsProfiles::rename(std::int64_t row, std::string_view displayName, Timestamp now) {
    requireOne(db_.query("UPDATE ads_profiles SET display_name = ?2, updated_at = ?3 WHERE id = ?1")
                   .bind(1, row)
                   .bind(2, displayName)
                   .bind(3, now)
                   .run(),
               "ads profile", row);
}

void AdsProfiles::setEnabled(std::int64_t row, bool enabled, Timestamp now) {
    requireOne(db_.query("UPDATE ads_profiles SET enabled = ?2, updated_at = ?3 WHERE id = ?1")
                   .bind(1, row)
                   .bind(2, enabled)
                   .bind(3, now)
                   .run(),
               "ads profile", row);
}

void AdsProfiles::setHidden(std::int64_t row, bool hidden, Timestamp now) {
    requireOne(db_.query("UPDATE ads_profiles SET hidden = ?2, updated_at = ?3 WHERE id = ?1")
                   .bind(1, row)
                   .bind(2, hidden)
                   .bind(3, now)
                   .run(),
               "ads profile", row);
}

void AdsProfiles::setBackfillDays(std::int64_t row, int days, bool restart, Timestamp now) {
    if (days < 1 || days > 95) throw StoreError("the download window is 1 to 95 days");
    requireOne(db_.query(
                      "UPDATE ads_profiles SET backfill_days = ?2, "
                      "backfill_state = CASE WHEN ?3 = 1 THEN 'pending' ELSE backfill_state END, "
                      "updated_at = ?4 WHERE id = ?1")
                   .bind(1, row)
                   .bind(2, days)
                   .bind(3, restart)
                   .bind(4, now)
                   .run(),
               "ads profile", row);
}

void AdsProfiles::setBackfill(std::int64_t row, BackfillState state, Timestamp now) {
    requireOne(db_.query(
                      "UPDATE ads_profiles SET backfill_state = ?2, "
                      "backfill_done_at = CASE WHEN ?2 = 'done' THEN ?3 ELSE backfill_done_at END, "
                      "updated_at = ?3 WHERE id = ?1")
                   .bind(1, row)
                   .bind(2, toString(state))
                   .bind(3, now)
                   .run(),
               "ads profile", row);
}

void AdsProfiles::setSyncStatus(std::int64_t row, const AdsSyncStatus& s, Timestamp now) {
    requireOne(db_.query(
                      "UPDATE ads_profiles SET sync_state = ?2, sync_message = ?3, last_sync_at = ?4, next_sync_at = ?5, "
                      "sync_requested = ?6, updated_at = ?7 WHERE id = ?1")
                   .bind(1, row)
                   .bind(2, toString(s.state))
                   .bind(3, s.message)
                   .bind(4, s.lastSyncAt)
                   .bind(5, s.nextSyncAt)
                   .bind(6, s.requested)
                   .bind(7, now)
                   .run(),
               "ads profile", row);
}

void AdsProfiles::requestSync(std::int64_t row, bool requested, int days, Timestamp now) {
    if (days < 0 || days > 95) throw StoreError("a sync covers 0 to 95 days");
    requireOne(db_.query("UPDATE ads_profiles SET sync_requested = ?2, requested_days = ?3, updated_at = ?4 WHERE id = ?1")
                   .bind(1, row)
                   .bind(2, requested)
                   .bind(3, requested ? days : 0)
                   .bind(4, now)
                   .run(),
               "ads profile", row);
}

void AdsProfiles::markRecentRun(std::int64_t row, Timestamp at) {
    touch(row, "UPDATE ads_profiles SET last_recent_at = ?2, updated_at = ?2 WHERE id = ?1", at);
}

void AdsProfiles::markRestatementRun(std::int64_t row, Timestamp at) {
    touch(row, "UPDATE ads_profiles SET last_restatement_at = ?2, updated_at = ?2 WHERE id = ?1", at);
}

void AdsProfiles::touch(std::int64_t row, std::string_view sql, Timestamp now) {
    requireOne(db_.query(sql).bind(1, row).bind(2, now).run(), "ads profile", row);
}

}  // namespace settlebridge::store
