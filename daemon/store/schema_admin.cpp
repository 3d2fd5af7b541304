#include "daemon/store/schema_admin.hpp"

namespace settlebridge::store {

std::string_view adminSchemaSql() {
    return R"SQL(
CREATE TABLE admin_users (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash        BLOB    NOT NULL,
    password_salt        BLOB    NOT NULL,
    password_iterations  INTEGER NOT NULL CHECK (password_iterations > 0),
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
) STRICT;

CREATE TABLE admin_sessions (
    id            INTEGER PRIMARY KEY,
    token_hash    TEXT    NOT NULL UNIQUE,
    user_id       INTEGER NOT NULL REFERENCES admin_users(id) ON DELETE CASCADE,
    csrf_token    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX admin_sessions_by_expiry ON admin_sessions(expires_at);

CREATE TABLE admin_login_failures (
    key            TEXT    PRIMARY KEY,
    failures       INTEGER NOT NULL DEFAULT 0,
    blocked_until  INTEGER NOT NULL DEFAULT 0,
    last_at        INTEGER NOT NULL
) STRICT;

CREATE TABLE company_options (
    company_id        INTEGER PRIMARY KEY REFERENCES companies(id) ON DELETE CASCADE,
    split_months      INTEGER NOT NULL DEFAULT 0,
    mapping_text      TEXT    NOT NULL DEFAULT '',
    mapping_revision  INTEGER NOT NULL DEFAULT 0,
    download_window_days INTEGER NOT NULL DEFAULT 30 CHECK (download_window_days BETWEEN 1 AND 90),
    sync_every_minutes   INTEGER NOT NULL DEFAULT 360 CHECK (sync_every_minutes >= 5),
    updated_at        INTEGER NOT NULL
) STRICT;
)SQL";
}

}  // namespace settlebridge::store
