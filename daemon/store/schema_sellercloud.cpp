#include "daemon/store/schema_sellercloud.hpp"

namespace settlebridge::store {

namespace {

// Version 4. Never edit once released: add a later migration instead.
//
// sellercloud_connections   one Sellercloud login per Settlebridge company: the team name (resolved to a server
//                           id through Sellercloud's server-by-team lookup) or a server id, a base URL override,
//                           the user name and the password (SecretBox blob, associated data
//                           "sellercloud_connections:<id>:password"). Also the push settings (product linking
//                           rules in priority order, the custom column names, the hour of the daily send), the
//                           last "Test connection" verdict and the sync state the admin page shows.
// sellercloud_mappings      each ads profile sends to exactly one Sellercloud company of one connection, with the
//                           ad products and channels chosen for it; last_sent_date is the last day a send covered;
//                           requested_days > 0 is a manual "send the last N days" not yet done.
// sellercloud_remaps        the history of remapped profiles (from which company to which, products cleared).
// sellercloud_product_links an advertised SKU matched to a Sellercloud product of one company (the rule that
//                           matched, the product's average cost when Sellercloud reports one, in cents).
// sellercloud_written       which product of which company the push wrote values on, and in which columns
//                           (cleared on remap; cleared when no mapped profile advertises the product any more).
// sellercloud_sends         one row per send (company, profiles, days covered, status, counts, message) and
// sellercloud_send_records  one row per advertised SKU in it (product, cost, sales, item cost, profit, the values
//                           written, the outcome). Money is INTEGER minor units of the profiles' currency.
constexpr std::string_view kSchemaV4 = R"SQL(
CREATE TABLE sellercloud_connections (
    id                 INTEGER PRIMARY KEY,
    company_id         INTEGER NOT NULL UNIQUE REFERENCES companies(id) ON DELETE CASCADE,
    team_name          TEXT    NOT NULL DEFAULT '',
    server_id          TEXT    NOT NULL DEFAULT '',
    base_url           TEXT    NOT NULL DEFAULT '',
    username           TEXT    NOT NULL DEFAULT '',
    password           BLOB,
    link_rules         TEXT    NOT NULL DEFAULT 'sku,amazon_sku,upc,asin,ean,mpn',
    column_day         TEXT    NOT NULL DEFAULT 'AdSpendYesterday',
    column_7d          TEXT    NOT NULL DEFAULT 'AdSpend7Days',
    column_30d         TEXT    NOT NULL DEFAULT 'AdSpend30Days',
    column_sales       TEXT    NOT NULL DEFAULT 'AdSales30Days',
    column_acos        TEXT    NOT NULL DEFAULT 'ACoS30Days',
    send_hour          INTEGER NOT NULL DEFAULT 9 CHECK (send_hour BETWEEN 0 AND 23),
    enabled            INTEGER NOT NULL DEFAULT 1,
    test_verdict       TEXT    NOT NULL DEFAULT '',
    test_message       TEXT    NOT NULL DEFAULT '',
    tested_at          INTEGER NOT NULL DEFAULT 0,
    sync_state         TEXT    NOT NULL DEFAULT 'idle' CHECK (sync_state IN ('idle', 'syncing', 'ok', 'error')),
    sync_message       TEXT    NOT NULL DEFAULT '',
    sync_requested     INTEGER NOT NULL DEFAULT 0,
    last_sync_at       INTEGER NOT NULL DEFAULT 0,
    last_success_at    INTEGER NOT NULL DEFAULT 0,
    next_sync_at       INTEGER NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
) STRICT;

CREATE TABLE sellercloud_mappings (
    id               INTEGER PRIMARY KEY,
    profile_row      INTEGER NOT NULL UNIQUE REFERENCES ads_profiles(id) ON DELETE CASCADE,
    connection_id    INTEGER NOT NULL REFERENCES sellercloud_connections(id) ON DELETE CASCADE,
    sc_company_id    INTEGER NOT NULL,
    sc_company_name  TEXT    NOT NULL DEFAULT '',
    ad_products      TEXT    NOT NULL DEFAULT 'SP,SD,SB,WALMART',
    channels         TEXT    NOT NULL DEFAULT 'amazon,walmart',
    enabled          INTEGER NOT NULL DEFAULT 1,
    last_sent_date   TEXT    NOT NULL DEFAULT '',
    requested_days   INTEGER NOT NULL DEFAULT 0 CHECK (requested_days BETWEEN 0 AND 95),
    requested_at     INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX sellercloud_mappings_by_company ON sellercloud_mappings(connection_id, sc_company_id);

CREATE TABLE sellercloud_remaps (
    id                 INTEGER PRIMARY KEY,
    profile_row        INTEGER NOT NULL,
    connection_id      INTEGER NOT NULL,
    from_company_id    INTEGER NOT NULL,
    from_company_name  TEXT    NOT NULL DEFAULT '',
    to_company_id      INTEGER NOT NULL,
    to_company_name    TEXT    NOT NULL DEFAULT '',
    cleared_products   INTEGER NOT NULL DEFAULT 0,
    at                 INTEGER NOT NULL
) STRICT;

CREATE TABLE sellercloud_product_links (
    connection_id  INTEGER NOT NULL REFERENCES sellercloud_connections(id) ON DELETE CASCADE,
    sc_company_id  INTEGER NOT NULL,
    sku            TEXT    NOT NULL,
    product_id     TEXT    NOT NULL,
    rule           TEXT    NOT NULL,
    item_cost      INTEGER,
    linked_at      INTEGER NOT NULL,
    PRIMARY KEY (connection_id, sc_company_id, sku)
) STRICT;

CREATE TABLE sellercloud_written (
    connection_id  INTEGER NOT NULL REFERENCES sellercloud_connections(id) ON DELETE CASCADE,
    sc_company_id  INTEGER NOT NULL,
    product_id     TEXT    NOT NULL,
    columns        TEXT    NOT NULL,
    send_id        INTEGER NOT NULL DEFAULT 0,
    written_at     INTEGER NOT NULL,
    PRIMARY KEY (connection_id, sc_company_id, product_id)
) STRICT;

CREATE TABLE sellercloud_sends (
    id               INTEGER PRIMARY KEY,
    connection_id    INTEGER NOT NULL REFERENCES sellercloud_connections(id) ON DELETE CASCADE,
    sc_company_id    INTEGER NOT NULL,
    sc_company_name  TEXT    NOT NULL DEFAULT '',
    profile_rows     TEXT    NOT NULL DEFAULT '',
    profiles         TEXT    NOT NULL DEFAULT '',
    kind             TEXT    NOT NULL CHECK (kind IN ('daily', 'manual', 'clear')),
    from_date        TEXT    NOT NULL DEFAULT '',
    to_date          TEXT    NOT NULL DEFAULT '',
    currency         TEXT    NOT NULL DEFAULT '',
    status           TEXT    NOT NULL CHECK (status IN ('running', 'ok', 'partial', 'failed')),
    records          INTEGER NOT NULL DEFAULT 0,
    written          INTEGER NOT NULL DEFAULT 0,
    unmatched        INTEGER NOT NULL DEFAULT 0,
    failed           INTEGER NOT NULL DEFAULT 0,
    message          TEXT    NOT NULL DEFAULT '',
    started_at       INTEGER NOT NULL,
    finished_at      INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX sellercloud_sends_by_connection ON sellercloud_sends(connection_id, id);

CREATE TABLE sellercloud_send_records (
    send_id         INTEGER NOT NULL REFERENCES sellercloud_sends(id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    sku             TEXT    NOT NULL,
    asin            TEXT    NOT NULL DEFAULT '',
    product_id      TEXT    NOT NULL DEFAULT '',
    rule            TEXT    NOT NULL DEFAULT '',
    cost            INTEGER NOT NULL DEFAULT 0,
    sales           INTEGER NOT NULL DEFAULT 0,
    item_cost       INTEGER,
    profit          INTEGER,
    values_written  TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL CHECK (status IN ('written', 'unmatched', 'ambiguous', 'failed', 'cleared')),
    error           TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (send_id, seq)
) STRICT;
)SQL";

}  // namespace

std::string_view sellercloudSchemaSql() { return kSchemaV4; }

}  // namespace settlebridge::store
