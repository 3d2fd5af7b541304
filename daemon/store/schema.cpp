#include "daemon/store/schema.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "daemon/store/crypto.hpp"
#include "daemon/store/postgres_dialect.hpp"
#include "daemon/store/schema_admin.hpp"
#include "daemon/store/schema_resends.hpp"
#include "daemon/store/schema_ads.hpp"
#include "daemon/store/schema_amazon.hpp"
#include "daemon/store/schema_qb_edition.hpp"
#include "daemon/store/schema_sellercloud.hpp"
#include "daemon/store/database.hpp"

namespace settlebridge::store {

namespace {

// Version 1: the whole first schema. Later versions append a Migration; never edit a released one.
constexpr std::string_view kSchemaV1 = R"SQL(
CREATE TABLE companies (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash        BLOB    NOT NULL,
    password_salt        BLOB    NOT NULL,
    password_iterations  INTEGER NOT NULL CHECK (password_iterations > 0),
    mode                 TEXT    NOT NULL DEFAULT 'testing' CHECK (mode IN ('testing', 'live')),
    company_file         TEXT    NOT NULL DEFAULT '',
    time_zone            TEXT    NOT NULL DEFAULT '',
    customer_name        TEXT    NOT NULL DEFAULT 'Amazon Summary',
    clearing_account     TEXT    NOT NULL DEFAULT 'Amazon Clearing',
    bank_account         TEXT    NOT NULL DEFAULT '',
    post_transfer        INTEGER NOT NULL DEFAULT 0,
    auto_create_items    INTEGER NOT NULL DEFAULT 1,
    fallback_item        TEXT    NOT NULL DEFAULT '',
    sku_income_account   TEXT    NOT NULL DEFAULT 'Amazon Sales',
    charge_account       TEXT    NOT NULL DEFAULT 'Amazon Fees',
    charge_account_type  TEXT    NOT NULL DEFAULT 'Expense',
    owner_id             TEXT    NOT NULL,
    file_id              TEXT    NOT NULL,
    run_every_minutes    INTEGER NOT NULL DEFAULT 60 CHECK (run_every_minutes > 0),
    qbxml_version        TEXT    NOT NULL DEFAULT '',
    qb_product           TEXT    NOT NULL DEFAULT '',
    multicurrency        INTEGER,
    closing_date         TEXT    NOT NULL DEFAULT '',
    home_currency        TEXT    NOT NULL DEFAULT '',
    sales_tax            INTEGER,
    non_taxable_code     TEXT    NOT NULL DEFAULT 'Non',
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
) STRICT;

CREATE TABLE category_accounts (
    company_id    INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    category      TEXT    NOT NULL,
    account       TEXT    NOT NULL,
    account_type  TEXT    NOT NULL,
    PRIMARY KEY (company_id, category)
) STRICT;

CREATE TABLE wc_sessions (
    id                   INTEGER PRIMARY KEY,
    ticket               TEXT    NOT NULL UNIQUE,
    company_id           INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    state                TEXT    NOT NULL CHECK (state IN ('open', 'closed', 'expired')),
    created_at           INTEGER NOT NULL,
    last_seen_at         INTEGER NOT NULL,
    expires_at           INTEGER NOT NULL,
    closed_at            INTEGER NOT NULL DEFAULT 0,
    qbxml_version        TEXT    NOT NULL DEFAULT '',
    company_file_name    TEXT    NOT NULL DEFAULT '',
    preferences_read     INTEGER NOT NULL DEFAULT 0,
    refused              INTEGER NOT NULL DEFAULT 0,
    pending_kind         TEXT    NOT NULL DEFAULT '',
    pending_request_id   TEXT    NOT NULL DEFAULT '',
    pending_document_id  INTEGER,
    pending_names        TEXT    NOT NULL DEFAULT '',
    last_error           TEXT    NOT NULL DEFAULT '',
    requests_sent        INTEGER NOT NULL DEFAULT 0,
    responses_received   INTEGER NOT NULL DEFAULT 0,
    initial_work         INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX wc_sessions_by_company ON wc_sessions(company_id, state, expires_at);

CREATE TABLE wc_session_marks (
    session_id  INTEGER NOT NULL REFERENCES wc_sessions(id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    name        TEXT    NOT NULL COLLATE NOCASE,
    status      TEXT    NOT NULL,
    message     TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (session_id, kind, name)
) STRICT;

CREATE TABLE settlements (
    id             INTEGER PRIMARY KEY,
    company_id     INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    settlement_id  TEXT    NOT NULL,
    report_hash    TEXT    NOT NULL,
    source_name    TEXT    NOT NULL DEFAULT '',
    raw_document   BLOB    NOT NULL,
    state          TEXT    NOT NULL CHECK (state IN ('active', 'conflict')),
    note           TEXT    NOT NULL DEFAULT '',
    imported_at    INTEGER NOT NULL,
    UNIQUE (company_id, report_hash)
) STRICT;
CREATE UNIQUE INDEX settlements_one_active ON settlements(company_id, settlement_id) WHERE state = 'active';

CREATE TABLE summaries (
    settlement_row   INTEGER PRIMARY KEY REFERENCES settlements(id) ON DELETE CASCADE,
    mapping_version  TEXT    NOT NULL,
    reconciled       INTEGER NOT NULL,
    difference       INTEGER NOT NULL,
    deposit          INTEGER NOT NULL,
    currency         TEXT    NOT NULL,
    summary_json     TEXT    NOT NULL,
    created_at       INTEGER NOT NULL
) STRICT;

CREATE TABLE documents (
    id                 INTEGER PRIMARY KEY,
    company_id         INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    settlement_row     INTEGER NOT NULL REFERENCES settlements(id) ON DELETE CASCADE,
    settlement_id      TEXT    NOT NULL,
    kind               TEXT    NOT NULL CHECK (kind IN ('receipt', 'credit_memo', 'refund_payment', 'transfer')),
    part               INTEGER NOT NULL,
    seq                INTEGER NOT NULL,
    ref_number         TEXT    NOT NULL CHECK (length(ref_number) <= 11),
    external_key       TEXT    NOT NULL,
    external_guid      TEXT    NOT NULL DEFAULT '',
    txn_date           TEXT    NOT NULL,
    customer           TEXT    NOT NULL,
    expected_total     INTEGER NOT NULL,
    currency           TEXT    NOT NULL DEFAULT '',
    payload            TEXT    NOT NULL,
    depends_on         INTEGER REFERENCES documents(id),
    state              TEXT    NOT NULL CHECK (state IN ('held', 'queued', 'sent', 'posted', 'failed')),
    hold_reason        TEXT    NOT NULL DEFAULT '',
    verify_first       INTEGER NOT NULL DEFAULT 0,
    attempts           INTEGER NOT NULL DEFAULT 0,
    auto_retries       INTEGER NOT NULL DEFAULT 0,
    retry_after        INTEGER NOT NULL DEFAULT 0,
    qb_txn_id          TEXT    NOT NULL DEFAULT '',
    qb_txn_date        TEXT    NOT NULL DEFAULT '',
    qb_total           INTEGER,
    qb_status_code     INTEGER,
    qb_status_message  TEXT    NOT NULL DEFAULT '',
    last_error         TEXT    NOT NULL DEFAULT '',
    last_session_id    INTEGER,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    sent_at            INTEGER NOT NULL DEFAULT 0,
    posted_at          INTEGER NOT NULL DEFAULT 0,
    UNIQUE (company_id, external_key)
) STRICT;
CREATE INDEX documents_by_state ON documents(company_id, state, settlement_row, seq);
CREATE INDEX documents_by_settlement ON documents(settlement_row, seq);

CREATE TABLE qb_items (
    company_id  INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    full_name   TEXT    NOT NULL COLLATE NOCASE,
    list_id     TEXT    NOT NULL,
    item_type   TEXT    NOT NULL DEFAULT '',
    learned_at  INTEGER NOT NULL,
    PRIMARY KEY (company_id, full_name)
) STRICT;

CREATE TABLE qb_accounts (
    company_id    INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    full_name     TEXT    NOT NULL COLLATE NOCASE,
    list_id       TEXT    NOT NULL,
    account_type  TEXT    NOT NULL DEFAULT '',
    learned_at    INTEGER NOT NULL,
    PRIMARY KEY (company_id, full_name)
) STRICT;

CREATE TABLE qb_customers (
    company_id  INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    full_name   TEXT    NOT NULL COLLATE NOCASE,
    list_id     TEXT    NOT NULL,
    currency    TEXT    NOT NULL DEFAULT '',
    learned_at  INTEGER NOT NULL,
    PRIMARY KEY (company_id, full_name)
) STRICT;

CREATE TABLE sku_items (
    company_id  INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    sku         TEXT    NOT NULL,
    item_name   TEXT    NOT NULL COLLATE NOCASE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (company_id, sku),
    UNIQUE (company_id, item_name)
) STRICT;

CREATE TABLE event_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    company_id  INTEGER REFERENCES companies(id) ON DELETE SET NULL,
    level       TEXT    NOT NULL CHECK (level IN ('debug', 'info', 'warning', 'error')),
    message     TEXT    NOT NULL
) STRICT;
CREATE INDEX event_log_by_company ON event_log(company_id, at);
)SQL";

/// What PostgreSQL lacks of the SQLite functions the repositories use, made in the database with migration 1.
constexpr std::string_view kPostgresFunctions = R"SQL(
CREATE FUNCTION instr(haystack TEXT, needle TEXT) RETURNS BIGINT LANGUAGE sql IMMUTABLE STRICT
    AS 'SELECT strpos(haystack, needle)';
)SQL";

/// A migration's SQL for the database's dialect: as written for SQLite, rewritten for PostgreSQL.
std::string dialectSql(Database& db, std::string_view sql) {
    if (db.dialect() == Dialect::SQLite) return std::string(sql);
    return postgresDdl(sql);
}

/// On PostgreSQL several daemons may open an empty database at once: migrations run under a session advisory lock
/// (taken before any transaction starts, so each migration's snapshot sees what the lock's previous holder
/// committed). SQLite's BEGIN IMMEDIATE already makes the check and the migration one writer's.
class MigrationLock {
public:
    explicit MigrationLock(Database& db) : db_(db) {
        if (db_.dialect() == Dialect::PostgreSQL) db_.exec("SELECT pg_advisory_lock(" + std::string(kKey) + ")");
    }
    ~MigrationLock() {
        if (db_.dialect() != Dialect::PostgreSQL) return;
        try {
            db_.exec("SELECT pg_advisory_unlock(" + std::string(kKey) + ")");
        } catch (const StoreError&) {  // a lost connection has released it
        }
    }
    MigrationLock(const MigrationLock&) = delete;
    MigrationLock& operator=(const MigrationLock&) = delete;

private:
    static constexpr std::string_view kKey = "1398362446";  // any constant; the same in every Settlebridge
    Database& db_;
};

/// Migration 9: every Web Connector ticket stored in plain text replaced by its SHA-256 (lower-case hex), as
/// WcSessions stores and looks them up since.
void hashStoredTickets(Database& db) {
    std::vector<std::pair<std::int64_t, std::string>> rows;
    {
        auto q = db.query("SELECT id, ticket FROM wc_sessions");
        while (q.next()) rows.emplace_back(q.getInt(0), q.getText(1));
    }
    for (const auto& [id, ticket] : rows) {
        db.query("UPDATE wc_sessions SET ticket = ?2 WHERE id = ?1").bind(1, id).bind(2, sha256Hex(ticket)).run();
    }
}

}  // namespace

const std::vector<Migration>& migrations() {
    static const std::vector<Migration> all{
        {1, "companies, Web Connector sessions, settlements, summaries, documents, QuickBooks lists, SKU items, "
            "event log",
         kSchemaV1},
        {2, "Amazon seller connections and the reports they saw, application settings and secrets, Testing to Live",
         amazonSchemaSql()},
        {3, "ads accounts, ads profiles, ad spend per SKU per day", adsSchemaSql()},
        {4, "Sellercloud connections, profile to company mappings, product links, send log", sellercloudSchemaSql()},
        {5, "admin page users, sessions, login throttling; company posting options", adminSchemaSql()},
        {6, "company option: registered for GST/HST or VAT (tax on Amazon's fees is recoverable)",
         "ALTER TABLE company_options ADD COLUMN tax_registered INTEGER NOT NULL DEFAULT 0;"},
        {7, "documents: re-sends counted, needs-checking evidence; Web Connector sessions: restart notice, idle "
            "requests",
         resendsSchemaSql()},
        {8, "QuickBooks edition, sales tax codes, exchange rates read and frozen per settlement", qbEditionSchemaSql()},
        {9, "Web Connector sessions: the ticket stored as its SHA-256, not in plain text", "", hashStoredTickets},
        {10, "leases on scheduled work, for several daemons on one database (work_leases.hpp)",
         "CREATE TABLE work_leases (\n"
         "    name        TEXT    NOT NULL PRIMARY KEY,  -- the piece of work: amazon_connection:<id>\n"
         "    claimed_by  TEXT    NOT NULL,              -- the daemon holding it (a random id per process)\n"
         "    lease_until INTEGER NOT NULL               -- seconds since the epoch; free for others after it\n"
         ");"},
    };
    return all;
}

int binarySchemaVersion() { return migrations().back().version; }

int databaseSchemaVersion(Database& db) {
    if (!db.tableExists("schema_version")) return 0;
    auto q = db.query("SELECT coalesce(max(version), 0) FROM schema_version");
    q.next();
    return static_cast<int>(q.getInt(0));
}

void migrate(Database& db, Timestamp now) {
    const MigrationLock lock(db);
    {
        Transaction tx(db, Transaction::Kind::Write);
        db.exec(dialectSql(db,
                           "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT "
                           "NOT NULL, applied_at INTEGER NOT NULL) STRICT;"));
        tx.commit();
    }
    const int current = databaseSchemaVersion(db);
    const int target = binarySchemaVersion();
    if (current > target) {
        throw StoreError("the database was written by a newer Settlebridge (schema version " + std::to_string(current) +
                         "; this program knows up to version " + std::to_string(target) +
                         "): upgrade Settlebridge, or restore a backup made by this version");
    }
    for (const Migration& m : migrations()) {
        if (m.version <= current) continue;
        Transaction tx(db, Transaction::Kind::Write);
        // Another process may have migrated between our check and this transaction.
        if (databaseSchemaVersion(db) >= m.version) continue;
        try {
            if (m.version == 1 && db.dialect() == Dialect::PostgreSQL) db.exec(kPostgresFunctions);
            if (!m.sql.empty()) db.exec(dialectSql(db, m.sql));
            if (m.after != nullptr) m.after(db);
        } catch (const StoreError& e) {
            throw StoreError("schema migration " + std::to_string(m.version) + " failed: " + e.what());
        }
        db.query("INSERT INTO schema_version (version, description, applied_at) VALUES (?1, ?2, ?3)")
            .bind(1, m.version)
            .bind(2, m.description)
            .bind(3, now)
            .run();
        tx.commit();
    }
}

}  // namespace settlebridge::store
