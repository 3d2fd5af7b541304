#include "daemon/store/schema_ads.hpp"

namespace settlebridge::store {

namespace {

// Version 3. Never edit once released: add a later migration instead.
//
// ads_accounts   one Amazon Ads login (refresh token; a region host NA/EU/FE) or one Walmart Connect
//                advertiser connection. `credentials` is a SecretBox blob (associated data
//                "ads_accounts:<id>:credentials") holding a small JSON object (see daemon/store/ads_accounts.hpp).
// ads_profiles   one Amazon Ads profile (profileId: one advertiser in one marketplace) or one Walmart advertiser.
//                Dates of its spend are calendar days in `time_zone`; money is in `currency_code`.
// ad_spend       one row per (profile, ad product, day, campaign, SKU, ASIN): what that campaign spent on that
//                SKU that day. A re-pull replaces rows, never adds to them. ad_product is one of
//                SP (Sponsored Products), SD (Sponsored Display), SB (Sponsored Brands, allocated to SKUs),
//                WALMART (Walmart Connect Sponsored Products). `asin` holds the ASIN (Amazon) or the Walmart
//                item id (Walmart). Money is INTEGER minor units of the profile's currency.
constexpr std::string_view kSchemaV3 = R"SQL(
CREATE TABLE ads_accounts (
    id              INTEGER PRIMARY KEY,
    company_id      INTEGER REFERENCES companies(id) ON DELETE SET NULL,
    channel         TEXT    NOT NULL CHECK (channel IN ('amazon_ads', 'walmart_connect')),
    name            TEXT    NOT NULL,
    region          TEXT    NOT NULL DEFAULT '' CHECK (region IN ('', 'NA', 'EU', 'FE')),
    credentials     BLOB,
    sync_state      TEXT    NOT NULL DEFAULT 'idle' CHECK (sync_state IN ('idle', 'syncing', 'ok', 'error')),
    sync_message    TEXT    NOT NULL DEFAULT '',
    last_sync_at    INTEGER NOT NULL DEFAULT 0,
    next_sync_at    INTEGER NOT NULL DEFAULT 0,
    sync_requested  INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX ads_accounts_by_company ON ads_accounts(company_id);

CREATE TABLE ads_profiles (
    id                  INTEGER PRIMARY KEY,
    account_id          INTEGER NOT NULL REFERENCES ads_accounts(id) ON DELETE CASCADE,
    profile_id          TEXT    NOT NULL,
    country_code        TEXT    NOT NULL DEFAULT '',
    currency_code       TEXT    NOT NULL DEFAULT '',
    time_zone           TEXT    NOT NULL DEFAULT 'UTC',
    account_name        TEXT    NOT NULL DEFAULT '',
    account_type        TEXT    NOT NULL DEFAULT '',
    marketplace_id      TEXT    NOT NULL DEFAULT '',
    account_entity_id   TEXT    NOT NULL DEFAULT '',
    display_name        TEXT    NOT NULL DEFAULT '',
    enabled             INTEGER NOT NULL DEFAULT 1,
    hidden              INTEGER NOT NULL DEFAULT 0,
    backfill_days       INTEGER NOT NULL DEFAULT 30 CHECK (backfill_days BETWEEN 1 AND 95),
    backfill_state      TEXT    NOT NULL DEFAULT 'pending' CHECK (backfill_state IN ('pending', 'running', 'done')),
    backfill_done_at    INTEGER NOT NULL DEFAULT 0,
    sync_state          TEXT    NOT NULL DEFAULT 'idle' CHECK (sync_state IN ('idle', 'syncing', 'ok', 'error')),
    sync_message        TEXT    NOT NULL DEFAULT '',
    last_sync_at        INTEGER NOT NULL DEFAULT 0,
    next_sync_at        INTEGER NOT NULL DEFAULT 0,
    sync_requested      INTEGER NOT NULL DEFAULT 0,
    requested_days      INTEGER NOT NULL DEFAULT 0,
    last_recent_at      INTEGER NOT NULL DEFAULT 0,
    last_restatement_at INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    UNIQUE (account_id, profile_id)
) STRICT;

CREATE TABLE ad_spend (
    profile_row   INTEGER NOT NULL REFERENCES ads_profiles(id) ON DELETE CASCADE,
    ad_product    TEXT    NOT NULL CHECK (ad_product IN ('SP', 'SD', 'SB', 'WALMART')),
    date          TEXT    NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    campaign_id   TEXT    NOT NULL,
    sku           TEXT    NOT NULL,
    asin          TEXT    NOT NULL DEFAULT '',
    cost          INTEGER NOT NULL,
    sales         INTEGER NOT NULL DEFAULT 0,
    clicks        INTEGER NOT NULL DEFAULT 0,
    impressions   INTEGER NOT NULL DEFAULT 0,
    purchases     INTEGER NOT NULL DEFAULT 0,
    allocated     INTEGER NOT NULL DEFAULT 0,
    pulled_at     INTEGER NOT NULL,
    PRIMARY KEY (profile_row, ad_product, date, campaign_id, sku, asin)
) STRICT, WITHOUT ROWID;
CREATE INDEX ad_spend_by_day ON ad_spend(profile_row, date);
)SQL";

}  // namespace

std::string_view adsSchemaSql() { return kSchemaV3; }

}  // namespace settlebridge::store
