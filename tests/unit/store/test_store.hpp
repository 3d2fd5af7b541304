#pragma once
// The store test suite runs on both backends (issue 18): each TEST_P runs once on a SQLite file in a temporary
// folder and once on PostgreSQL, in a schema of its own in the database SETTLEBRIDGE_TEST_DATABASE names
// (tools/run-tests sets it to a throw-away cluster made by tools/pg-cluster); without that variable the PostgreSQL
// runs are skipped with a message.
//
//     SETTLEBRIDGE_STORE_BACKENDS(CompaniesTest);
//     TEST_P(CompaniesTest, NamesAreUnique) {
//         TempDir dir;
//         TestStore store(dir.file("s.db"));   // the same "file" again opens the same database
//         ...
//     }

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <ostream>
#include <memory>
#include <random>
#include <string>
#include <utility>

#include "daemon/store/postgres.hpp"
#include "daemon/store/sqlite.hpp"
#include "daemon/store/store.hpp"

namespace settlebridge::testing {

enum class Backend { SQLite, PostgreSQL };

/// The PostgreSQL database the tests may use (empty when none).
inline std::string testDatabaseUri() {
    const char* value = std::getenv("SETTLEBRIDGE_TEST_DATABASE");
    return value != nullptr ? value : "";
}

inline void PrintTo(Backend backend, std::ostream* out) {
    *out << (backend == Backend::SQLite ? "SQLite" : "PostgreSQL");
}

inline std::string backendName(const ::testing::TestParamInfo<Backend>& info) {
    return info.param == Backend::SQLite ? "SQLite" : "PostgreSQL";
}

/// The URI with a libpq option added (`options=-c name=value`, percent-encoded).
inline std::string withSearchPath(const std::string& uri, const std::string& schema) {
    return uri + (uri.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema + "%2Cpublic";
}

/// The databases one test opens: files map to SQLite files, or to PostgreSQL schemas made for the test and
/// dropped at its end.
class BackendContext {
public:
    explicit BackendContext(Backend backend) : backend_(backend) {
        if (backend_ == Backend::PostgreSQL) ensureCitext();
    }
    ~BackendContext() {
        if (schemas_.empty()) return;
        try {
            store::Database admin(store::openPostgres(testDatabaseUri(), std::chrono::seconds(10)));
            for (const auto& [file, schema] : schemas_) admin.exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (const std::exception& e) {
            ADD_FAILURE() << "could not drop the test's schemas: " << e.what();
        }
    }
    BackendContext(const BackendContext&) = delete;
    BackendContext& operator=(const BackendContext&) = delete;

    Backend backend() const noexcept { return backend_; }

    /// Where the test's database for `file` lives: the file itself, or a PostgreSQL URI on a fresh schema.
    std::string location(const std::filesystem::path& file) {
        if (backend_ == Backend::SQLite) return file.string();
        auto it = schemas_.find(file.string());
        if (it == schemas_.end()) {
            std::random_device random;
            const std::string schema = "t_" + std::to_string(random()) + "_" + std::to_string(random());
            store::Database admin(store::openPostgres(testDatabaseUri(), std::chrono::seconds(10)));
            admin.exec("CREATE SCHEMA " + schema);
            it = schemas_.emplace(file.string(), schema).first;
        }
        return withSearchPath(testDatabaseUri(), it->second);
    }

    /// A separate connection to the database for `file` (what another program would see).
    std::unique_ptr<store::Database> connect(const std::filesystem::path& file) {
        if (backend_ == Backend::SQLite) return std::make_unique<store::Database>(store::openSqlite(file.string()));
        return std::make_unique<store::Database>(store::openPostgres(location(file), std::chrono::seconds(10)));
    }

    static BackendContext*& current() {
        static BackendContext* context = nullptr;
        return context;
    }

private:
    /// citext in the schema public, where every test's schema finds it (a store creates it in its own schema
    /// otherwise, which a test's raw SQL before the store opens would lack). Tests in parallel may race to make it.
    static void ensureCitext() {
        store::Database admin(store::openPostgres(testDatabaseUri(), std::chrono::seconds(10)));
        for (int attempt = 0;; ++attempt) {
            auto q = admin.query("SELECT to_regtype('public.citext') IS NOT NULL");
            if (q.next() && q.getInt(0) == 1) return;
            try {
                admin.exec("CREATE EXTENSION IF NOT EXISTS citext SCHEMA public");
                return;
            } catch (const store::StoreError&) {
                if (attempt >= 3) throw;
            }
        }
    }

    Backend backend_;
    std::map<std::string, std::string> schemas_;
};

class BackendTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        if (GetParam() == Backend::PostgreSQL && testDatabaseUri().empty()) {
            GTEST_SKIP() << "PostgreSQL: SETTLEBRIDGE_TEST_DATABASE is not set (tools/run-tests sets it to a "
                            "throw-away cluster made by tools/pg-cluster)";
        }
        context_ = std::make_unique<BackendContext>(GetParam());
        BackendContext::current() = context_.get();
    }
    void TearDown() override {
        BackendContext::current() = nullptr;
        context_.reset();
    }
    bool onPostgres() const { return GetParam() == Backend::PostgreSQL; }
    BackendContext& context() { return *context_; }

private:
    std::unique_ptr<BackendContext> context_;
};

/// The Store under test, on the current test's backend.
class TestStore {
public:
    explicit TestStore(const std::filesystem::path& file, store::StoreOptions options = {})
        : store_(store::Store::open(BackendContext::current()->location(file), options)) {}

    operator store::Store&() noexcept { return *store_; }
    store::Store& get() noexcept { return *store_; }

    template <class F>
    auto write(F&& f) {
        return store_->write(std::forward<F>(f));
    }
    template <class F>
    auto read(F&& f) {
        return store_->read(std::forward<F>(f));
    }
    int schemaVersion() { return store_->schemaVersion(); }

private:
    std::unique_ptr<store::Store> store_;
};

/// One integer from one SQL statement, on a connection of its own to the database of `file`.
inline std::int64_t rawScalar(const std::filesystem::path& file, const std::string& sql) {
    auto db = BackendContext::current()->connect(file);
    auto q = db->query(sql);
    return q.next() ? q.getInt(0) : -1;
}

/// Runs SQL (no parameters) on a connection of its own to the database of `file`.
inline void rawExec(const std::filesystem::path& file, const std::string& sql) {
    BackendContext::current()->connect(file)->exec(sql);
}

}  // namespace settlebridge::testing

/// A test suite whose TEST_Ps run on SQLite and on PostgreSQL.
#define SETTLEBRIDGE_STORE_BACKENDS(Suite)                                                                   \
    class Suite : public ::settlebridge::testing::BackendTest {};                                            \
    INSTANTIATE_TEST_SUITE_P(Backends, Suite,                                                                \
                             ::testing::Values(::settlebridge::testing::Backend::SQLite,                     \
                                               ::settlebridge::testing::Backend::PostgreSQL),                \
                             ::settlebridge::testing::backendName)
