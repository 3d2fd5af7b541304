#pragma once
// What the PostgreSQL backend rewrites in the store's SQL, which is written in SQLite's dialect (docs/SCALING.md,
// "Dialect differences"). Pure text functions, tested without a server (tests/unit/store/postgres_dialect_test.cpp).

#include <string>
#include <string_view>
#include <vector>

namespace settlebridge::store {

struct TranslatedStatement {
    std::string sql;         // with $1, $2... for SQLite's `?N` and `?`
    int parameterCount = 0;  // the highest parameter number used
    std::vector<bool> used;  // per parameter (0-based): whether the SQL uses it (SQLite lets one bind ?3 unused)
    /// When a parameter is tested with `IS NULL` / `IS NOT NULL` (which gives the server no type for it: it takes
    /// the type from the first place a parameter appears), the statement with those tests replaced by TRUE, which
    /// the backend prepares once to learn every parameter's type from the other places it appears; else empty.
    std::string typeProbeSql;
    std::vector<bool> usedByProbe;  // per parameter: whether typeProbeSql uses it
};

/// `?N` becomes `$N`; a bare `?` gets the number after the highest one so far (SQLite's rule). Quoted literals,
/// quoted names and comments are left alone.
TranslatedStatement postgresPlaceholders(std::string_view sqliteSql);

/// A migration's DDL, written for SQLite, for PostgreSQL: `id INTEGER PRIMARY KEY` an identity column, other
/// INTEGER columns BIGINT (values are int64), BLOB bytea, `TEXT ... COLLATE NOCASE` citext (ASCII case folding as
/// NOCASE under the C collation the cluster is made with; non-ASCII letters fold too, which NOCASE does not),
/// `x GLOB 'pattern'` a regular expression match, STRICT and WITHOUT ROWID dropped. A table whose rows the store
/// reads in insertion order (`ORDER BY rowid`) gets an explicit `rowid` identity column.
std::string postgresDdl(std::string_view sqliteDdl);

/// The connection string with any password replaced by "***", for messages and logs.
std::string redactedConnectionString(std::string_view uri);

}  // namespace settlebridge::store
