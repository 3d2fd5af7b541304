#include "daemon/store/schema_qb_edition.hpp"

namespace settlebridge::store {

std::string_view qbEditionSchemaSql() {
    return R"SQL(
CREATE TABLE qb_company_edition (
    company_id          INTEGER PRIMARY KEY REFERENCES companies(id) ON DELETE CASCADE,
    country             TEXT    NOT NULL DEFAULT '',
    tax_codes_read_at   INTEGER NOT NULL DEFAULT 0,
    rate_max_age_days   INTEGER NOT NULL DEFAULT 7 CHECK (rate_max_age_days BETWEEN 0 AND 3650)
) STRICT;

CREATE TABLE qb_sales_tax_codes (
    company_id  INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    name        TEXT    NOT NULL COLLATE NOCASE,
    is_taxable  INTEGER NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (company_id, name)
) STRICT;

CREATE TABLE qb_currency_rates (
    company_id  INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    currency    TEXT    NOT NULL,
    rate        TEXT    NOT NULL DEFAULT '',
    as_of       TEXT    NOT NULL DEFAULT '',
    read_at     INTEGER NOT NULL,
    PRIMARY KEY (company_id, currency)
) STRICT;

CREATE TABLE settlement_rates (
    settlement_row  INTEGER PRIMARY KEY REFERENCES settlements(id) ON DELETE CASCADE,
    currency        TEXT    NOT NULL,
    home_currency   TEXT    NOT NULL,
    rate            TEXT    NOT NULL,
    as_of           TEXT    NOT NULL DEFAULT '',
    source          TEXT    NOT NULL CHECK (source IN ('quickbooks', 'override')),
    set_at          INTEGER NOT NULL,
    set_by          TEXT    NOT NULL DEFAULT ''
) STRICT;
)SQL";
}

}  // namespace settlebridge::store
