#include "daemon/store/store.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "daemon/store/admin_users.hpp"
#include "daemon/store/crypto.hpp"
#include "daemon/store/postgres_dialect.hpp"
#include "daemon/store/schema.hpp"
#include "daemon/store/summary_codec.hpp"
#include "tests/unit/store/sample_summary.hpp"
#include "tests/unit/store/temp_dir.hpp"
#include "tests/unit/store/test_store.hpp"

namespace settlebridge::store {
namespace {

using settlebridge::testing::TempDir;
using settlebridge::testing::TestStore;

SETTLEBRIDGE_STORE_BACKENDS(StoreTest);
SETTLEBRIDGE_STORE_BACKENDS(WcSessionsTest);
SETTLEBRIDGE_STORE_BACKENDS(LoginThrottleTest);
SETTLEBRIDGE_STORE_BACKENDS(CompaniesTest);
SETTLEBRIDGE_STORE_BACKENDS(SkuItemsTest);
SETTLEBRIDGE_STORE_BACKENDS(QbListsTest);

constexpr Timestamp kNow = 1'700'000'000;
constexpr int kFastIterations = 1000;  // PBKDF2 rounds in tests (production: 600k)

Company createCompany(Store& store, const std::string& name, const std::string& password = "s3cret-pass") {
    return store.write([&](Tx& tx) {
        Company c;
        c.name = name;
        return tx.companies().create(c, password, kNow, kFastIterations);
    });
}

using settlebridge::testing::rawExec;
using settlebridge::testing::rawScalar;

TEST_P(StoreTest, MigratesAnEmptyFileAndReopens) {
    TempDir dir;
    const auto file = dir.file("data/settlebridge.db");  // the data directory is created
    {
        TestStore store(file);
        EXPECT_EQ(store.schemaVersion(), binarySchemaVersion());
        createCompany(store, "acme");
    }
    EXPECT_EQ(rawScalar(file, "SELECT count(*) FROM schema_version"), binarySchemaVersion());
    {
        TestStore again(file);  // re-open: nothing re-applied, data intact
        EXPECT_EQ(again.schemaVersion(), binarySchemaVersion());
        auto company = again.read([](Tx& tx) { return tx.companies().findByName("ACME"); });
        ASSERT_TRUE(company.has_value());
        EXPECT_EQ(company->name, "acme");
    }
    EXPECT_EQ(rawScalar(file, "SELECT count(*) FROM schema_version"), binarySchemaVersion());
    EXPECT_EQ(rawScalar(file, "SELECT count(*) FROM companies"), 1);
}

TEST_P(StoreTest, UsesWalAndForeignKeys) {
    TempDir dir;
    TestStore store(dir.file("s.db"));
    createCompany(store, "acme");
    if (!onPostgres()) {
        EXPECT_TRUE(std::filesystem::exists(dir.file("s.db-wal")));
    }
    // A document pointing at a settlement that does not exist violates a foreign key.
    EXPECT_THROW(store.write([](Tx& tx) {
        Document d;
        d.companyId = 1;
        d.settlementRow = 999;
        d.settlementId = "1";
        d.refNumber = "X";
        d.externalKey = "1:R:0";
        d.payload = "{}";
        tx.documents().insert(d);
    }),
                 StoreError);
}

TEST_P(StoreTest, RefusesADatabaseFromANewerVersion) {
    TempDir dir;
    const auto file = dir.file("s.db");
    { TestStore store(file); }
    rawExec(file, "INSERT INTO schema_version (version, description, applied_at) VALUES (" +
                      std::to_string(binarySchemaVersion() + 1) + ", 'future', 0)");
    try {
        TestStore store(file);
        FAIL() << "a newer database was opened";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("newer Settlebridge"), std::string::npos) << e.what();
    }
}

// Issue 16, finding 9: a Web Connector ticket is a bearer credential for a live session; the database keeps only
// its SHA-256, and an older database's plain-text tickets are hashed by migration 9 (the session is still found).
TEST_P(WcSessionsTest, TicketsAreStoredAsTheirHash) {
    TempDir dir;
    const auto file = dir.file("s.db");
    const std::string oldTicket = "0f8fad5b-d9cb-469f-a165-70867728950e";
    {
        // A database as version 8 left it, with one open session under a plain-text ticket.
        const std::string byte = onPostgres() ? "decode('00', 'hex')" : "x'00'";
        std::string sql = "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
                          "applied_at INTEGER NOT NULL) STRICT;";
        for (const Migration& m : migrations()) {
            if (m.version > 8) break;
            sql += std::string(m.sql) + ";INSERT INTO schema_version VALUES (" + std::to_string(m.version) + ", 'x', 0);";
        }
        sql += "INSERT INTO companies (id, name, password_hash, password_salt, password_iterations, owner_id, file_id, "
               "created_at, updated_at) VALUES (1, 'acme', " + byte + ", " + byte + ", 1, 'o', 'f', 0, 0);"
               "INSERT INTO wc_sessions (ticket, company_id, state, created_at, last_seen_at, expires_at) VALUES ('" +
               oldTicket + "', 1, 'open', 0, 0, 4000000000);";
        rawExec(file, onPostgres() ? postgresDdl(sql) : sql);
    }
    std::string newTicket;
    {
        TestStore store(file);
        ASSERT_GE(store.schemaVersion(), 9);
        store.read([&](Tx& tx) {
            const auto migrated = tx.sessions().findByTicket(oldTicket);
            ASSERT_TRUE(migrated.has_value());
            EXPECT_EQ(migrated->ticket, sha256Hex(oldTicket)) << "read back: the hash, never the ticket";
        });
        newTicket = uuidV4();
        const WcSession created = store.write([&](Tx& tx) {
            WcSession s;
            s.ticket = newTicket;
            s.companyId = 1;
            s.createdAt = s.lastSeenAt = kNow;
            s.expiresAt = kNow + 1800;
            return tx.sessions().create(s);
        });
        EXPECT_EQ(created.ticket, newTicket);
        store.read([&](Tx& tx) {
            EXPECT_EQ(tx.sessions().findByTicket(newTicket)->id, created.id);
            EXPECT_FALSE(tx.sessions().findByTicket(sha256Hex(newTicket)).has_value()) << "the hash is no ticket";
        });
    }
    EXPECT_EQ(rawScalar(file, "SELECT count(*) FROM wc_sessions WHERE ticket = '" + sha256Hex(newTicket) + "'"), 1);
    EXPECT_EQ(rawScalar(file, "SELECT count(*) FROM wc_sessions WHERE length(ticket) != 64"), 0);
    if (onPostgres()) return;  // the rest reads SQLite's files
    // Neither ticket is anywhere in the files.
    const std::string bytes = settlebridge::testing::readAllBytes(file) +
                              (std::filesystem::exists(dir.file("s.db-wal")) ? settlebridge::testing::readAllBytes(dir.file("s.db-wal")) : "");
    EXPECT_EQ(bytes.find(oldTicket), std::string::npos);
    EXPECT_EQ(bytes.find(newTicket), std::string::npos);
}

// Issue 16, finding 9: admin_login_failures was never purged. Keys quiet since `before` go unless still blocked.
TEST_P(LoginThrottleTest, PurgeForgetsQuietKeysButNotBlockedOnes) {
    TempDir dir;
    TestStore store(dir.file("s.db"));
    store.write([](Tx& tx) {
        LoginThrottle throttle(tx.database());
        throttle.save({"ip:10.0.0.1", 2, 0, kNow - 2 * 86400});                    // quiet for two days
        throttle.save({"user:admin", 9, kNow + 300, kNow - 2 * 86400});             // quiet but still blocked
        throttle.save({"ip:10.0.0.2", 1, 0, kNow - 60});                            // recent
    });
    EXPECT_EQ(store.write([](Tx& tx) { return LoginThrottle(tx.database()).purge(kNow - 86400, kNow); }), 1);
    store.read([](Tx& tx) {
        LoginThrottle throttle(tx.database());
        EXPECT_EQ(throttle.get("ip:10.0.0.1").failures, 0);
        EXPECT_EQ(throttle.get("user:admin").failures, 9);
        EXPECT_EQ(throttle.get("ip:10.0.0.2").failures, 1);
    });
}

TEST_P(StoreTest, ThrowingLambdaRollsBack) {
    TempDir dir;
    TestStore store(dir.file("s.db"));
    EXPECT_THROW(store.write([](Tx& tx) {
        Company c;
        c.name = "acme";
        tx.companies().create(c, "pw", kNow, kFastIterations);
        throw std::runtime_error("boom");
    }),
                 std::runtime_error);
    EXPECT_FALSE(store.read([](Tx& tx) { return tx.companies().findByName("acme"); }).has_value());
}

TEST_P(CompaniesTest, PasswordIsHashedNeverStoredInPlainText) {
    TempDir dir;
    const auto file = dir.file("s.db");
    const std::string password = "Plain-Text-Password-4711";
    {
        TestStore store(file);
        createCompany(store, "acme", password);
        auto hash = store.read([](Tx& tx) { return tx.companies().passwordHash("acme"); });
        ASSERT_TRUE(hash.has_value());
        EXPECT_EQ(hash->hash.size(), 32U);
        EXPECT_EQ(hash->salt.size(), 16U);
        EXPECT_EQ(hash->iterations, kFastIterations);
        EXPECT_TRUE(verifyPassword(*hash, password));
        EXPECT_FALSE(verifyPassword(*hash, password + "x"));
        EXPECT_FALSE(verifyPassword(*hash, ""));
        EXPECT_EQ(hash->hash, pbkdf2Sha256(password, hash->salt, kFastIterations));
    }
    EXPECT_EQ(rawScalar(file, "SELECT count(*) FROM companies WHERE password_hash LIKE '%Plain-Text%'"), 0);
    if (onPostgres()) return;  // the rest reads SQLite's files
    // Checkpointed or not, no file of the database holds the password.
    for (const char* suffix : {"", "-wal", "-shm"}) {
        const std::string bytes = settlebridge::testing::readAllBytes(file.string() + suffix);
        EXPECT_EQ(bytes.find(password), std::string::npos) << "password found in " << suffix;
    }
}

TEST_P(CompaniesTest, SameSaltNeverRepeatsAndNamesAreUnique) {
    TempDir dir;
    TestStore store(dir.file("s.db"));
    createCompany(store, "acme", "same");
    createCompany(store, "globex", "same");
    auto a = store.read([](Tx& tx) { return *tx.companies().passwordHash("acme"); });
    auto b = store.read([](Tx& tx) { return *tx.companies().passwordHash("globex"); });
    EXPECT_NE(a.salt, b.salt);
    EXPECT_NE(a.hash, b.hash);
    EXPECT_THROW(createCompany(store, "ACME"), StoreError);
}

TEST_P(CompaniesTest, SettingsRoundTrip) {
    TempDir dir;
    TestStore store(dir.file("s.db"));
    Company c = createCompany(store, "acme");
    EXPECT_EQ(c.mode, CompanyMode::Testing);
    EXPECT_EQ(c.ownerId.size(), 38U);
    EXPECT_EQ(c.fileId.front(), '{');
    EXPECT_NE(c.ownerId, c.fileId);
    c.mode = CompanyMode::Live;
    c.companyFile = R"(C:\QB\Acme.qbw)";
    c.customerName = "Amazon US";
    c.postTransfer = true;
    c.bankAccount = "Checking";
    c.multiCurrency = false;
    c.salesTax = true;
    c.closingDate = "2023-12-31";
    c.qbxmlVersion = "13.0";
    store.write([&](Tx& tx) {
        tx.companies().update(c, kNow + 5);
        tx.companies().setCategoryAccount(c.id, {"commission", "Amazon Fees:Commission", "Expense"});
        tx.companies().setCategoryAccount(c.id, {"commission", "Selling Fees", "Expense"});
    });
    auto back = store.read([&](Tx& tx) { return *tx.companies().find(c.id); });
    EXPECT_EQ(back.mode, CompanyMode::Live);
    EXPECT_EQ(back.companyFile, c.companyFile);
    EXPECT_EQ(back.customerName, "Amazon US");
    EXPECT_TRUE(back.postTransfer);
    EXPECT_EQ(back.multiCurrency, std::optional<bool>(false));
    EXPECT_EQ(back.salesTax, std::optional<bool>(true));
    EXPECT_EQ(back.closingDate, "2023-12-31");
    EXPECT_EQ(back.updatedAt, kNow + 5);
    auto account = store.read([&](Tx& tx) { return tx.companies().categoryAccount(c.id, "commission"); });
    ASSERT_TRUE(account.has_value());
    EXPECT_EQ(account->account, "Selling Fees");
}

TEST_P(WcSessionsTest, OpenSessionsExpireAndMarksAreKept) {
    TempDir dir;
    TestStore store(dir.file("s.db"));
    Company c = createCompany(store, "acme");
    const std::string ticket = uuidV4();
    store.write([&](Tx& tx) {
        WcSession s;
        s.ticket = ticket;
        s.companyId = c.id;
        s.createdAt = s.lastSeenAt = kNow;
        s.expiresAt = kNow + 1800;
        s = tx.sessions().create(s);
        tx.sessions().setMark(s.id, {"item", "Amazon Fees", "missing", ""});
        tx.sessions().setMark(s.id, {"item", "amazon fees", "failed", "3100"});  // same name, case-insensitively
    });
    store.read([&](Tx& tx) {
        auto open = tx.sessions().openSession(c.id, kNow + 10);
        ASSERT_TRUE(open.has_value());
        auto marks = tx.sessions().marks(open->id, "item");
        ASSERT_EQ(marks.size(), 1U);
        EXPECT_EQ(marks[0].status, "failed");
        EXPECT_FALSE(tx.sessions().openSession(c.id, kNow + 1800).has_value());
        EXPECT_FALSE(tx.sessions().openSession(c.id, kNow + 10, ticket).has_value());
    });
    EXPECT_EQ(store.write([](Tx& tx) { return tx.sessions().expireIdle(kNow + 1800); }), 1);
}

TEST_P(SkuItemsTest, CollisionSafeNames) {
    TempDir dir;
    TestStore store(dir.file("s.db"));
    Company c = createCompany(store, "acme");
    store.write([&](Tx& tx) {
        auto a = tx.skuItems().resolve(c.id, "SKU-1", "Amazon Sales:WIDGET", kNow);
        EXPECT_EQ(a.itemName, "Amazon Sales:WIDGET");
        auto again = tx.skuItems().resolve(c.id, "SKU-1", "something else", kNow);
        EXPECT_EQ(again.itemName, "Amazon Sales:WIDGET");
        auto b = tx.skuItems().resolve(c.id, "SKU-2", "Amazon Sales:widget", kNow);  // same name, other case
        EXPECT_EQ(b.itemName, "Amazon Sales:widget~2");
        const std::string longName(31, 'L');
        tx.skuItems().resolve(c.id, "SKU-3", longName, kNow);
        auto d = tx.skuItems().resolve(c.id, "SKU-4", longName, kNow);
        EXPECT_EQ(d.itemName, std::string(29, 'L') + "~2");
        EXPECT_THROW(tx.skuItems().assign(c.id, "SKU-5", "Amazon Sales:WIDGET", kNow), StoreError);
        tx.skuItems().assign(c.id, "SKU-1", "Inventory Part 7", kNow);  // point a SKU at an existing item
        EXPECT_EQ(tx.skuItems().find(c.id, "SKU-1")->itemName, "Inventory Part 7");
    });
}

TEST_P(QbListsTest, RememberForgetCaseInsensitive) {
    TempDir dir;
    TestStore store(dir.file("s.db"));
    Company c = createCompany(store, "acme");
    store.write([&](Tx& tx) {
        tx.lists().remember(c.id, ListKind::Item, {"Amazon Fees:Commission", "80000010-1", "ItemOtherChargeRet", kNow});
        tx.lists().remember(c.id, ListKind::Account, {"Amazon Clearing", "80000005-1", "Bank", kNow});
    });
    store.write([&](Tx& tx) {
        EXPECT_TRUE(tx.lists().find(c.id, ListKind::Item, "amazon fees:commission").has_value());
        EXPECT_FALSE(tx.lists().find(c.id, ListKind::Account, "Amazon Fees:Commission").has_value());
        tx.lists().forget(c.id, ListKind::Item, "AMAZON FEES:COMMISSION");
        EXPECT_FALSE(tx.lists().find(c.id, ListKind::Item, "Amazon Fees:Commission").has_value());
        EXPECT_EQ(tx.lists().list(c.id, ListKind::Account).size(), 1U);
    });
}

TEST(SummaryCodec, RoundTripsEveryField) {
    settlement::Summary s = settlebridge::testing::sampleSummary("12345678901", 2500);
    s.unmapped.push_back({"Weird", "Thing", "Desc", 3, -77, 42});
    s.grossMode = true;
    s.header.layout = settlement::Layout::FlatFileV1;
    const settlement::Summary back = decodeSummary(encodeSummary(s));
    EXPECT_EQ(encodeSummary(back), encodeSummary(s));
    EXPECT_EQ(back.header.totalAmount, s.header.totalAmount);
    EXPECT_EQ(back.header.layout, settlement::Layout::FlatFileV1);
    ASSERT_EQ(back.documents.size(), 2U);
    EXPECT_EQ(back.documents[1].kind, settlement::DocumentKind::CreditMemo);
    EXPECT_EQ(back.documents[0].lines[2].amount, -1500);
    ASSERT_EQ(back.unmapped.size(), 1U);
    EXPECT_EQ(back.unmapped[0].firstLine, 42U);
    EXPECT_THROW(decodeSummary("{\"codec\": 99}"), StoreError);
    EXPECT_THROW(decodeSummary("not json"), StoreError);
}

TEST(SummaryCodec, CarriedBalancesAndTaxRegistration) {
    settlement::Summary s = settlebridge::testing::sampleSummary("12345678901", 2500);
    s.carriedBalanceAccount = "Amazon Owed";
    s.returnedPayouts.push_back({"2024-03-19", 41257});
    s.returnedPayouts.push_back({"2024-03-20", -1});
    s.taxRegistered = true;
    const settlement::Summary back = decodeSummary(encodeSummary(s));
    EXPECT_EQ(encodeSummary(back), encodeSummary(s));
    EXPECT_EQ(back.carriedBalanceAccount, "Amazon Owed");
    ASSERT_EQ(back.returnedPayouts.size(), 2U);
    EXPECT_EQ(back.returnedPayouts[0].date, "2024-03-19");
    EXPECT_EQ(back.returnedPayouts[0].amount, 41257);
    EXPECT_EQ(back.returnedPayouts[1].amount, -1);
    EXPECT_TRUE(back.taxRegistered);
    // A summary stored before these fields existed reads with the defaults.
    std::string old = encodeSummary(settlebridge::testing::sampleSummary("12345678901", 2500));
    const auto cut = old.find(",\"carriedBalanceAccount\"");
    ASSERT_NE(cut, std::string::npos);
    old = old.substr(0, cut) + "}";
    const settlement::Summary legacy = decodeSummary(old);
    EXPECT_EQ(legacy.carriedBalanceAccount, "Amazon Reserved Balances");
    EXPECT_TRUE(legacy.returnedPayouts.empty());
    EXPECT_FALSE(legacy.taxRegistered);
}

TEST(Crypto, UuidTicketsAndGuids) {
    const std::string a = uuidV4();
    const std::string b = uuidV4();
    EXPECT_NE(a, b);
    ASSERT_EQ(a.size(), 36U);
    EXPECT_EQ(a[14], '4');
    EXPECT_TRUE(a[19] == '8' || a[19] == '9' || a[19] == 'a' || a[19] == 'b');
    EXPECT_EQ(deterministicGuid("x"), deterministicGuid("x"));
    EXPECT_NE(deterministicGuid("x"), deterministicGuid("y"));
    // RFC 7914 §11 / RFC 6070-style PBKDF2-HMAC-SHA256 vector ("passwd", "salt", 1 iteration, first 32 bytes).
    EXPECT_EQ(toHex(pbkdf2Sha256("passwd", "salt", 1)),
              "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
    EXPECT_TRUE(constantTimeEqual("abc", "abc"));
    EXPECT_FALSE(constantTimeEqual("abc", "abd"));
    EXPECT_FALSE(constantTimeEqual("abc", "ab"));
}

TEST_P(StoreTest, ConcurrentWritersAreSerialised) {
    TempDir dir;
    TestStore store(dir.file("s.db"));
    Company c = createCompany(store, "acme");
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&store, &c, t] {
            for (int i = 0; i < 25; ++i) {
                store.write([&](Tx& tx) {
                    tx.events().add(kNow, c.id, EventLevel::Info, "event " + std::to_string(t) + "/" + std::to_string(i));
                });
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(store.read([&](Tx& tx) { return tx.events().recent(c.id, 1000).size(); }), 100U);
}

}  // namespace
}  // namespace settlebridge::store
