#include "daemon/store/schema_amazon.hpp"

namespace settlebridge::store {

std::string_view amazonSchemaSql() {
    return R"SQL(
CREATE TABLE app_settings (
    name        TEXT    PRIMARY KEY,
    value       TEXT    NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE app_secrets (
    name        TEXT    PRIMARY KEY,
    sealed      BLOB    NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE amazon_connections (
    id                    INTEGER PRIMARY KEY,
    company_id            INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    name                  TEXT    NOT NULL COLLATE NOCASE,
    region                TEXT    NOT NULL CHECK (region IN ('NA', 'EU', 'FE')),
    seller_id             TEXT    NOT NULL DEFAULT '',
    marketplace_ids       TEXT    NOT NULL DEFAULT '',
    how                   TEXT    NOT NULL CHECK (how IN ('consent', 'token')),
    client_id             TEXT    NOT NULL DEFAULT '',
    client_secret         BLOB,
    refresh_token         BLOB,
    download_window_days  INTEGER NOT NULL DEFAULT 30 CHECK (download_window_days BETWEEN 1 AND 90),
    sync_every_minutes    INTEGER NOT NULL DEFAULT 360 CHECK (sync_every_minutes >= 5),
    enabled               INTEGER NOT NULL DEFAULT 1,
    sync_state            TEXT    NOT NULL DEFAULT 'idle'
                          CHECK (sync_state IN ('idle', 'syncing', 'ok', 'error')),
    sync_message          TEXT    NOT NULL DEFAULT '',
    sync_requested        INTEGER NOT NULL DEFAULT 0,
    last_sync_at          INTEGER NOT NULL DEFAULT 0,
    last_success_at       INTEGER NOT NULL DEFAULT 0,
    next_sync_at          INTEGER NOT NULL DEFAULT 0,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    UNIQUE (company_id, name)
) STRICT;

CREATE TABLE amazon_reports (
    id                  INTEGER PRIMARY KEY,
    connection_id       INTEGER NOT NULL REFERENCES amazon_connections(id) ON DELETE CASCADE,
    report_id           TEXT    NOT NULL,
    report_document_id  TEXT    NOT NULL DEFAULT '',
    created_time        TEXT    NOT NULL DEFAULT '',
    data_start_time     TEXT    NOT NULL DEFAULT '',
    data_end_time       TEXT    NOT NULL DEFAULT '',
    state               TEXT    NOT NULL
                        CHECK (state IN ('imported', 'unchanged', 'replaced', 'conflict', 'failed')),
    settlement_id       TEXT    NOT NULL DEFAULT '',
    marketplace         TEXT    NOT NULL DEFAULT '',
    settlement_row      INTEGER REFERENCES settlements(id) ON DELETE SET NULL,
    message             TEXT    NOT NULL DEFAULT '',
    raw_document        BLOB,
    seen_at             INTEGER NOT NULL,
    UNIQUE (connection_id, report_id)
) STRICT;
CREATE INDEX amazon_reports_by_connection ON amazon_reports(connection_id, seen_at);

ALTER TABLE companies ADD COLUMN auto_live_days INTEGER NOT NULL DEFAULT 30 CHECK (auto_live_days >= 0);
ALTER TABLE companies ADD COLUMN live_since INTEGER NOT NULL DEFAULT 0;
ALTER TABLE settlements ADD COLUMN superseded_by INTEGER REFERENCES settlements(id);
)SQL";
}

}  // namespace settlebridge::store
