// The password columns shared by companies (Web Connector users) and admin_users (daemon/store/password_columns.hpp).

#include "daemon/store/password_columns.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "daemon/store/admin_users.hpp"
#include "daemon/store/database.hpp"
#include "daemon/store/store.hpp"
#include "tests/unit/store/temp_dir.hpp"
#include "tests/unit/store/test_store.hpp"

namespace settlebridge::store {
namespace {

using settlebridge::testing::TempDir;
using settlebridge::testing::TestStore;

SETTLEBRIDGE_STORE_BACKENDS(PasswordColumnsTest);

constexpr Timestamp kNow = 1'700'000'000;
constexpr int kFastIterations = 1000;  // PBKDF2 rounds in tests (production: 600k)

struct Rows {
    std::int64_t companyId = 0;
    std::int64_t adminId = 0;
};

/// One company "acme" (password "wc-pass") and one admin user "alice" (password "admin-pass").
Rows createBoth(Store& store) {
    return store.write([](Tx& tx) {
        Company c;
        c.name = "acme";
        Rows rows;
        rows.companyId = tx.companies().create(c, "wc-pass", kNow, kFastIterations).id;
        rows.adminId = AdminUsers(tx.database()).create("alice", "admin-pass", kNow, kFastIterations).id;
        return rows;
    });
}

TEST_P(PasswordColumnsTest, ReadsTheHashOfEitherTable) {
    TempDir dir;
    TestStore store(dir.file("s.db"));
    createBoth(store);
    store.read([](Tx& tx) {
        const auto company = readPasswordHash(tx.database(), "companies", "acme");
        ASSERT_TRUE(company.has_value());
        EXPECT_EQ(company->hash.size(), 32U);
        EXPECT_EQ(company->salt.size(), 16U);
        EXPECT_EQ(company->iterations, kFastIterations);
        EXPECT_TRUE(verifyPassword(*company, "wc-pass"));
        EXPECT_FALSE(verifyPassword(*company, "admin-pass"));

        const auto admin = readPasswordHash(tx.database(), "admin_users", "alice");
        ASSERT_TRUE(admin.has_value());
        EXPECT_TRUE(verifyPassword(*admin, "admin-pass"));
        EXPECT_FALSE(verifyPassword(*admin, "wc-pass"));
        EXPECT_NE(admin->salt, company->salt);

        // The repositories answer with the same columns.
        EXPECT_EQ(tx.companies().passwordHash("acme")->hash, company->hash);
        EXPECT_EQ(AdminUsers(tx.database()).passwordHash("alice")->hash, admin->hash);

        // A name in the other table, or in none, has no hash.
        EXPECT_FALSE(readPasswordHash(tx.database(), "companies", "alice").has_value());
        EXPECT_FALSE(readPasswordHash(tx.database(), "admin_users", "acme").has_value());
        EXPECT_FALSE(readPasswordHash(tx.database(), "admin_users", "").has_value());
    });
}

TEST_P(PasswordColumnsTest, WriteReplacesTheHashOfOneRowAndItsUpdateTime) {
    TempDir dir;
    TestStore store(dir.file("s.db"));
    const Rows rows = createBoth(store);
    const PasswordHash before = *store.read([](Tx& tx) { return tx.companies().passwordHash("acme"); });
    const PasswordHash adminBefore = *store.read([](Tx& tx) { return AdminUsers(tx.database()).passwordHash("alice"); });

    const PasswordHash fresh = hashPassword("new-pass", kFastIterations + 1);
    EXPECT_TRUE(store.write([&](Tx& tx) { return writePasswordHash(tx.database(), "companies", rows.companyId, fresh, kNow + 60); }));

    const PasswordHash after = *store.read([](Tx& tx) { return tx.companies().passwordHash("acme"); });
    EXPECT_EQ(after.hash, fresh.hash);
    EXPECT_EQ(after.salt, fresh.salt);
    EXPECT_EQ(after.iterations, kFastIterations + 1);
    EXPECT_NE(after.salt, before.salt);
    EXPECT_TRUE(verifyPassword(after, "new-pass"));
    EXPECT_FALSE(verifyPassword(after, "wc-pass"));
    EXPECT_EQ(store.read([](Tx& tx) { return tx.companies().findByName("acme"); })->updatedAt, kNow + 60);

    // The other table is untouched.
    const PasswordHash adminAfter = *store.read([](Tx& tx) { return AdminUsers(tx.database()).passwordHash("alice"); });
    EXPECT_EQ(adminAfter.hash, adminBefore.hash);
    EXPECT_EQ(adminAfter.salt, adminBefore.salt);
    EXPECT_EQ(store.read([](Tx& tx) { return AdminUsers(tx.database()).findByName("alice"); })->updatedAt, kNow);
}

TEST_P(PasswordColumnsTest, SetPasswordOfBothRepositoriesGoesThroughIt) {
    TempDir dir;
    TestStore store(dir.file("s.db"));
    const Rows rows = createBoth(store);
    store.write([&](Tx& tx) {
        tx.companies().setPassword(rows.companyId, "wc-2", kNow + 5, kFastIterations);
        AdminUsers(tx.database()).setPassword(rows.adminId, "admin-2", kNow + 7, kFastIterations);
    });
    store.read([](Tx& tx) {
        EXPECT_TRUE(verifyPassword(*tx.companies().passwordHash("acme"), "wc-2"));
        EXPECT_FALSE(verifyPassword(*tx.companies().passwordHash("acme"), "wc-pass"));
        EXPECT_TRUE(verifyPassword(*AdminUsers(tx.database()).passwordHash("alice"), "admin-2"));
        EXPECT_FALSE(verifyPassword(*AdminUsers(tx.database()).passwordHash("alice"), "admin-pass"));
        EXPECT_EQ(tx.companies().findByName("acme")->updatedAt, kNow + 5);
        EXPECT_EQ(AdminUsers(tx.database()).findByName("alice")->updatedAt, kNow + 7);
    });
}

TEST_P(PasswordColumnsTest, AMissingRowChangesNothing) {
    TempDir dir;
    TestStore store(dir.file("s.db"));
    const Rows rows = createBoth(store);
    const PasswordHash fresh = hashPassword("x", kFastIterations);
    const std::int64_t missing = rows.companyId + rows.adminId + 100;
    EXPECT_FALSE(store.write([&](Tx& tx) { return writePasswordHash(tx.database(), "companies", missing, fresh, kNow); }));
    EXPECT_FALSE(store.write([&](Tx& tx) { return writePasswordHash(tx.database(), "admin_users", missing, fresh, kNow); }));
    EXPECT_THROW(store.write([&](Tx& tx) { tx.companies().setPassword(missing, "x", kNow, kFastIterations); }), StoreError);
    EXPECT_THROW(store.write([&](Tx& tx) { AdminUsers(tx.database()).setPassword(missing, "x", kNow, kFastIterations); }),
                 StoreError);
    store.read([](Tx& tx) {
        EXPECT_TRUE(verifyPassword(*tx.companies().passwordHash("acme"), "wc-pass"));
        EXPECT_TRUE(verifyPassword(*AdminUsers(tx.database()).passwordHash("alice"), "admin-pass"));
    });
}

TEST_P(PasswordColumnsTest, RefusesAnythingButAPlainTableName) {
    TempDir dir;
    TestStore store(dir.file("s.db"));
    const Rows rows = createBoth(store);
    const PasswordHash fresh = hashPassword("x", kFastIterations);
    for (const char* bad : {"", "Companies", "companies WHERE 1=1 --", "companies;", "admin users", "main.companies"}) {
        EXPECT_THROW(store.read([&](Tx& tx) { return readPasswordHash(tx.database(), bad, "acme"); }),
                     std::invalid_argument)
            << bad;
        EXPECT_THROW(store.write([&](Tx& tx) { return writePasswordHash(tx.database(), bad, rows.companyId, fresh, kNow); }),
                     std::invalid_argument)
            << bad;
    }
    // A plain name that is no table is SQLite's error.
    EXPECT_THROW(store.read([&](Tx& tx) { return readPasswordHash(tx.database(), "no_such_table", "acme"); }), StoreError);
}

TEST_P(PasswordColumnsTest, BindsHashSaltAndIterationsFromTheGivenParameter) {
    TempDir dir;
    TestStore store(dir.file("s.db"));
    const PasswordHash hash = hashPassword("bound", kFastIterations);
    store.write([&](Tx& tx) {
        auto insert = tx.database().query(
            "INSERT INTO admin_users (name, created_at, updated_at, password_hash, password_salt, password_iterations) "
            "VALUES (?1, ?2, ?2, ?3, ?4, ?5)");
        bindPasswordHash(insert.bind(1, "bob").bind(2, kNow), 3, hash).run();
    });
    const auto stored = store.read([](Tx& tx) { return readPasswordHash(tx.database(), "admin_users", "bob"); });
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->hash, hash.hash);
    EXPECT_EQ(stored->salt, hash.salt);
    EXPECT_EQ(stored->iterations, kFastIterations);
    EXPECT_TRUE(verifyPassword(*stored, "bound"));
}

}  // namespace
}  // namespace settlebridge::store
