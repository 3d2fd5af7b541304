#include "daemon/store/postgres.hpp"

#ifdef SETTLEBRIDGE_WITH_POSTGRESQL

#include <libpq-fe.h>

#include <cstdlib>
#include <map>
#include <vector>

#include "daemon/store/postgres_dialect.hpp"

namespace settlebridge::store {

namespace {

// Type OIDs of PostgreSQL's built-in types (catalog/pg_type_d.h; stable across versions).
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;
constexpr Oid kUnknownOid = 705;

constexpr std::string_view kSetting = "settlebridge.database";

std::string trimmed(const char* text) {
    std::string s = text != nullptr ? text : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

class PgConnection;

class PgStatement final : public Statement {
public:
    PgStatement(PgConnection& connection, TranslatedStatement translated)
        : connection_(connection), translated_(std::move(translated)), sql_(translated_.sql),
          params_(static_cast<std::size_t>(translated_.parameterCount)) {}
    ~PgStatement() override { PQclear(result_); }
    PgStatement(const PgStatement&) = delete;
    PgStatement& operator=(const PgStatement&) = delete;

    void bindInt(int index, std::int64_t value) override { param(index) = Param{false, 0, kInt8Oid, std::to_string(value)}; }
    // Text goes untyped ("unknown"): the server takes the type from where it is used, so a citext column compares
    // it without case (a parameter typed text would make the comparison case-sensitive).
    void bindText(int index, std::string_view text) override { param(index) = Param{false, 0, 0, std::string(text)}; }
    void bindBlob(int index, std::string_view bytes) override {
        param(index) = Param{false, 1, kByteaOid, std::string(bytes)};
    }
    void bindNull(int index) override { param(index) = Param{true, 0, 0, {}}; }

    bool next() override;
    int changes() const override { return changes_; }

    std::int64_t getInt(int column) const override {
        const char* value = PQgetvalue(result_, row_, column);
        if (value[0] == 't' && value[1] == '\0') return 1;  // a boolean expression's result
        if (value[0] == 'f' && value[1] == '\0') return 0;
        return std::strtoll(value, nullptr, 10);
    }

    std::string getText(int column) const override {
        return std::string(PQgetvalue(result_, row_, column),
                           static_cast<std::size_t>(PQgetlength(result_, row_, column)));
    }

    std::string getBlob(int column) const override {
        if (PQftype(result_, column) != kByteaOid) return getText(column);
        std::size_t length = 0;
        unsigned char* bytes =
            PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(result_, row_, column)), &length);
        if (bytes == nullptr) throw StoreError("PostgreSQL: out of memory reading a bytea column");
        std::string out(reinterpret_cast<const char*>(bytes), length);
        PQfreemem(bytes);
        return out;
    }

    bool isNull(int column) const override { return PQgetisnull(result_, row_, column) != 0; }

    void reset() noexcept override {
        PQclear(result_);
        result_ = nullptr;
        executed_ = false;
        row_ = -1;
        for (auto& p : params_) p = Param{};
    }

private:
    struct Param {
        bool null = true;
        int format = 0;
        Oid type = 0;
        std::string value;
    };

    Param& param(int index) {
        if (index < 1 || static_cast<std::size_t>(index) > params_.size()) {
            throw StoreError("bind: parameter " + std::to_string(index) + " out of range (the statement has " +
                             std::to_string(params_.size()) + ") in: " + sql_);
        }
        return params_[static_cast<std::size_t>(index - 1)];
    }

    PgConnection& connection_;
    TranslatedStatement translated_;
    const std::string& sql_;
    std::vector<Param> params_;
    std::vector<Oid> probedTypes_;  // the parameter types the server gave the type probe (typeProbeSql)
    PGresult* result_ = nullptr;
    bool executed_ = false;
    int row_ = -1;
    int changes_ = 0;
};

class PgConnection final : public Connection {
public:
    PgConnection(std::string uri, std::chrono::milliseconds lockTimeout)
        : uri_(std::move(uri)), lockTimeout_(lockTimeout) {
        conn_ = PQconnectdb(uri_.c_str());
        if (conn_ == nullptr) throw StoreError("cannot connect to PostgreSQL: out of memory");
        if (PQstatus(conn_) != CONNECTION_OK) {
            const std::string message = "cannot connect to PostgreSQL (" + where() + "): " +
                                        trimmed(PQerrorMessage(conn_));
            PQfinish(conn_);
            conn_ = nullptr;
            throw StoreError(message);
        }
        setUp();
    }

    ~PgConnection() override {
        cache_.clear();
        PQfinish(conn_);
    }

    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    Dialect dialect() const noexcept override { return Dialect::PostgreSQL; }

    void exec(std::string_view sql) override {
        const std::string text(sql);
        PGresult* result = PQexec(conn_, text.c_str());
        check(result, "SQL failed", text);
        PQclear(result);
    }

    Statement& prepare(std::string_view sql) override {
        auto it = cache_.find(sql);
        if (it == cache_.end()) {
            it = cache_.emplace(std::string(sql), std::make_unique<PgStatement>(*this, postgresPlaceholders(sql))).first;
        }
        return *it->second;
    }

    void begin(TransactionKind kind) override {
        if (PQstatus(conn_) != CONNECTION_OK) reconnect();
        exec(kind == TransactionKind::Write ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
                                            : "BEGIN ISOLATION LEVEL REPEATABLE READ");
    }

    void commit() override {
        committing_ = true;
        try {
            exec("COMMIT");
        } catch (...) {
            committing_ = false;
            throw;
        }
        committing_ = false;
    }

    void rollback() noexcept override {
        if (PQstatus(conn_) != CONNECTION_OK) return;  // the server rolled back when the connection went
        PGresult* result = PQexec(conn_, "ROLLBACK");
        PQclear(result);
    }

    bool tableExists(std::string_view table) override {
        Query q(prepare("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND "
                        "table_name = ?1"));
        q.bind(1, table);
        return q.next() && q.getInt(0) != 0;
    }

    /// The parameter types the server infers for `sql` (prepared unnamed, then described).
    std::vector<Oid> inferTypes(const std::string& sql, const std::vector<Oid>& types) {
        PGresult* prepared = PQprepare(conn_, "", sql.c_str(), static_cast<int>(types.size()),
                                       types.empty() ? nullptr : types.data());
        check(prepared, "prepare", sql);
        PQclear(prepared);
        PGresult* described = PQdescribePrepared(conn_, "");
        check(described, "describe", sql);
        std::vector<Oid> out(types.size(), 0);
        const int n = PQnparams(described);
        for (int i = 0; i < n && static_cast<std::size_t>(i) < out.size(); ++i) {
            out[static_cast<std::size_t>(i)] = PQparamtype(described, i);
        }
        PQclear(described);
        return out;
    }

    /// Runs a prepared statement (prepared on this connection once per parameter types) and returns its result.
    PGresult* execute(const std::string& sql, const std::vector<const char*>& values, const std::vector<int>& lengths,
                      const std::vector<int>& formats, const std::vector<Oid>& types) {
        std::string key = sql;
        key += '\0';
        for (Oid t : types) key += std::to_string(t) + ",";
        auto it = prepared_.find(key);
        if (it == prepared_.end()) {
            const std::string name = "sb" + std::to_string(++preparedCount_);
            PGresult* prepared = PQprepare(conn_, name.c_str(), sql.c_str(), static_cast<int>(types.size()),
                                           types.empty() ? nullptr : types.data());
            check(prepared, "prepare", sql);
            PQclear(prepared);
            it = prepared_.emplace(std::move(key), name).first;
        }
        PGresult* result =
            PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()),
                           values.empty() ? nullptr : values.data(), lengths.empty() ? nullptr : lengths.data(),
                           formats.empty() ? nullptr : formats.data(), 0);
        check(result, "step", sql);
        return result;
    }

private:
    std::string where() const { return std::string(kSetting) + " = " + redactedConnectionString(uri_); }

    void setUp() {
        PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);  // "already exists, skipping" and the like
        exec("SET client_min_messages = warning");
        exec("SET lock_timeout = " + std::to_string(lockTimeout_.count()));
        prepared_.clear();
    }

    void reconnect() {
        PQreset(conn_);
        if (PQstatus(conn_) != CONNECTION_OK) {
            throw StoreError("cannot reach PostgreSQL again (" + where() + "): " + trimmed(PQerrorMessage(conn_)));
        }
        setUp();
    }

    /// Throws for a failed result (and frees it): a serialization failure or deadlock as TransactionConflict, a
    /// lost connection as a StoreError that says so, anything else with the server's message and SQLSTATE.
    void check(PGresult* result, const char* what, const std::string& sql) {
        const ExecStatusType status = PQresultStatus(result);
        if (result != nullptr && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)) return;
        const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
        const std::string sqlState = state != nullptr ? state : "";
        std::string message = trimmed(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
        if (message.empty()) message = trimmed(PQerrorMessage(conn_));
        PQclear(result);
        if (PQstatus(conn_) != CONNECTION_OK || sqlState.rfind("08", 0) == 0 || sqlState == "57P01" ||
            sqlState == "57P02" || sqlState == "57P03") {
            if (committing_) {
                throw StoreError("lost the connection to PostgreSQL during COMMIT (" + where() + "): " + message +
                                 "; whether the transaction was committed is not known");
            }
            throw StoreError("lost the connection to PostgreSQL (" + where() + "): " + message +
                             "; the transaction was rolled back, nothing of it was written");
        }
        std::string full = std::string(what) + ": " + message;
        if (!sqlState.empty()) full += " (SQLSTATE " + sqlState + ")";
        if (sqlState == "40001" || sqlState == "40P01") throw TransactionConflict(full, sqlState);
        throw StoreError(full + " in: " + sql);
    }

    std::string uri_;
    std::chrono::milliseconds lockTimeout_;
    PGconn* conn_ = nullptr;
    bool committing_ = false;
    std::map<std::string, std::unique_ptr<PgStatement>, std::less<>> cache_;
    std::map<std::string, std::string> prepared_;
    int preparedCount_ = 0;
};

bool PgStatement::next() {
    if (!executed_) {
        std::vector<const char*> values(params_.size());
        std::vector<int> lengths(params_.size());
        std::vector<int> formats(params_.size());
        std::vector<Oid> types(params_.size());
        for (std::size_t i = 0; i < params_.size(); ++i) {
            values[i] = params_[i].null ? nullptr : params_[i].value.c_str();
            lengths[i] = static_cast<int>(params_[i].value.size());
            formats[i] = params_[i].format;
            types[i] = params_[i].type;
            // A parameter the SQL does not use needs a type all the same.
            if (types[i] == 0 && !translated_.used[i]) types[i] = kTextOid;
        }
        if (!translated_.typeProbeSql.empty()) {
            // `$1 IS NULL OR company_id = $1`: the server cannot type $1 from its first place; the probe (the null
            // tests replaced by TRUE) types it from the others, once per statement.
            if (probedTypes_.empty()) {
                std::vector<Oid> probeTypes = types;
                for (std::size_t i = 0; i < probeTypes.size(); ++i) {
                    if (probeTypes[i] == 0 && !translated_.usedByProbe[i]) probeTypes[i] = kTextOid;
                }
                probedTypes_ = connection_.inferTypes(translated_.typeProbeSql, probeTypes);
            }
            for (std::size_t i = 0; i < types.size(); ++i) {
                if (types[i] == 0) {
                    const Oid probed = probedTypes_[i];
                    types[i] = probed != 0 && probed != kUnknownOid ? probed : kTextOid;
                }
            }
        }
        PQclear(result_);
        result_ = nullptr;
        result_ = connection_.execute(sql_, values, lengths, formats, types);
        executed_ = true;
        const char* tuples = PQcmdTuples(result_);
        changes_ = tuples != nullptr && *tuples != '\0' ? std::atoi(tuples) : 0;
        row_ = -1;
    }
    if (row_ + 1 < PQntuples(result_)) {
        ++row_;
        return true;
    }
    return false;
}

}  // namespace

bool isPostgresUri(std::string_view location) noexcept {
    return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::unique_ptr<Connection> openPostgres(const std::string& uri, std::chrono::milliseconds lockTimeout) {
    return std::make_unique<PgConnection>(uri, lockTimeout);
}

}  // namespace settlebridge::store

#else  // built without libpq

namespace settlebridge::store {

bool isPostgresUri(std::string_view location) noexcept {
    return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::unique_ptr<Connection> openPostgres(const std::string&, std::chrono::milliseconds) {
    throw StoreError("settlebridge.database names a PostgreSQL database, but this Settlebridge was built without "
                     "PostgreSQL support (libpq was not found when it was built): use a SQLite file, or a build "
                     "with libpq");
}

}  // namespace settlebridge::store

#endif
