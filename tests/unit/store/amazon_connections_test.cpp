#include "daemon/store/amazon_connections.hpp"

#include <gtest/gtest.h>

#include "daemon/store/store.hpp"
#include "tests/unit/store/temp_dir.hpp"
#include "tests/unit/store/test_store.hpp"

namespace settlebridge::store {
namespace {

using settlebridge::testing::TempDir;
using settlebridge::testing::TestStore;

SETTLEBRIDGE_STORE_BACKENDS(AmazonConnectionsTest);
SETTLEBRIDGE_STORE_BACKENDS(AppSettingsTest);

constexpr Timestamp kNow = 1'700'000'000;

struct Fixture {
    TempDir dir;
    TestStore store{dir.file("settlebridge.db")};
    SecretBox box = SecretBox::openKeyFile(dir.file("secrets.key"));
    Company company = store.write([](Tx& tx) {
        Company c;
        c.name = "acme";
        return tx.companies().create(c, "s3cret-pass", kNow, 1000);
    });

    AmazonConnection add(const std::string& name, int window = 30) {
        return store.write([&](Tx& tx) {
            AmazonConnection c;
            c.companyId = company.id;
            c.name = name;
            c.region = "EU";
            c.marketplaceIds = {"A1PA6795UKMFR9", "A13V1IB3VIYZZH"};
            c.downloadWindowDays = window;
            return AmazonConnections(tx.database()).create(c, kNow);
        });
    }
};

TEST_P(AmazonConnectionsTest, CreateFindListAndUpdate) {
    Fixture f;
    const AmazonConnection created = f.add("EU seller");
    EXPECT_GT(created.id, 0);
    EXPECT_EQ(created.region, "EU");
    EXPECT_EQ(created.marketplaceIds, (std::vector<std::string>{"A1PA6795UKMFR9", "A13V1IB3VIYZZH"}));
    EXPECT_FALSE(created.hasRefreshToken);
    EXPECT_EQ(created.syncState, SyncState::Idle);
    f.store.write([&](Tx& tx) {
        AmazonConnections repo(tx.database());
        EXPECT_TRUE(repo.findByName(f.company.id, "eu SELLER")) << "names are case-insensitive";
        auto c = *repo.find(created.id);
        c.syncState = SyncState::Error;
        c.syncMessage = "Amazon refused the refresh token";
        c.nextSyncAt = kNow + 600;
        repo.update(c, kNow + 1);
        EXPECT_EQ(repo.find(created.id)->syncState, SyncState::Error);
        EXPECT_EQ(repo.find(created.id)->nextSyncAt, kNow + 600);
        EXPECT_EQ(repo.list().size(), 1U);
        EXPECT_EQ(repo.list(f.company.id + 1).size(), 0U);
    });
}

TEST_P(AmazonConnectionsTest, RefusesDuplicateNamesAndWindowsOutsideAmazonsNinetyDays) {
    Fixture f;
    f.add("US");
    EXPECT_THROW(f.add("us"), StoreError);
    EXPECT_THROW(f.add("too far", 91), StoreError);
    EXPECT_THROW(f.add("zero", 0), StoreError);
    EXPECT_NO_THROW(f.add("max", 90));
    try {
        f.add("far", 120);
        FAIL();
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("1 to 90 days"), std::string::npos) << e.what();
    }
}

TEST_P(AmazonConnectionsTest, SecretsAreSealedAndBoundToTheirRow) {
    Fixture f;
    const auto a = f.add("A");
    const auto b = f.add("B");
    f.store.write([&](Tx& tx) {
        AmazonConnections repo(tx.database());
        EXPECT_THROW(repo.refreshToken(a.id, f.box), StoreError) << "none stored yet";
        repo.setSecrets(a.id, f.box, "Atzr|token-of-a", std::string_view("secret-of-a"), kNow);
        repo.setSecrets(b.id, f.box, "Atzr|token-of-b", std::nullopt, kNow);
        EXPECT_EQ(repo.refreshToken(a.id, f.box), "Atzr|token-of-a");
        EXPECT_EQ(repo.clientSecret(a.id, f.box), "secret-of-a");
        EXPECT_EQ(repo.clientSecret(b.id, f.box), std::nullopt);
        EXPECT_TRUE(repo.find(a.id)->hasRefreshToken);
        // A sealed token copied onto another row does not open there.
        tx.database().exec("UPDATE amazon_connections SET refresh_token = (SELECT refresh_token FROM "
                           "amazon_connections WHERE name = 'A') WHERE name = 'B'");
        EXPECT_THROW(repo.refreshToken(b.id, f.box), SecretError);
    });
    // The token is not in the database in clear (read on a connection of its own).
    EXPECT_EQ(settlebridge::testing::rawScalar(
                  f.dir.file("settlebridge.db"),
                  onPostgres() ? "SELECT count(*) FROM amazon_connections WHERE position('Atzr'::bytea IN refresh_token) > 0"
                               : "SELECT count(*) FROM amazon_connections WHERE instr(refresh_token, 'Atzr') > 0"),
              0);
    EXPECT_EQ(settlebridge::testing::rawScalar(f.dir.file("settlebridge.db"),
                                               "SELECT count(*) FROM amazon_connections WHERE refresh_token IS NOT NULL"),
              2);
}

TEST_P(AmazonConnectionsTest, ReportsAreUpsertedByReportIdAndFailedOnesKeepTheirBytes) {
    Fixture f;
    const auto c = f.add("US");
    f.store.write([&](Tx& tx) {
        AmazonConnections repo(tx.database());
        AmazonReport r;
        r.connectionId = c.id;
        r.reportId = "50000000001";
        r.outcome = ReportOutcome::Failed;
        r.message = "report.txt:1:1: not a settlement report";
        r.seenAt = kNow;
        repo.saveReport(r, std::string_view("junk bytes"));
        auto found = repo.findReport(c.id, "50000000001");
        ASSERT_TRUE(found);
        EXPECT_EQ(found->outcome, ReportOutcome::Failed);
        EXPECT_EQ(repo.reportRawDocument(found->id), "junk bytes");
        r.outcome = ReportOutcome::Imported;
        r.message = "imported";
        repo.saveReport(r, std::nullopt);
        EXPECT_EQ(repo.reports(c.id).size(), 1U);
        EXPECT_EQ(repo.findReport(c.id, "50000000001")->outcome, ReportOutcome::Imported);
        EXPECT_EQ(repo.reportRawDocument(found->id), "");
        EXPECT_FALSE(repo.findReport(c.id, "50000000002"));
    });
}

TEST_P(AmazonConnectionsTest, SyncRequestsReachTheChosenConnectionsOnly) {
    Fixture f;
    const auto a = f.add("A");
    const auto b = f.add("B");
    f.store.write([&](Tx& tx) {
        AmazonConnections repo(tx.database());
        EXPECT_EQ(repo.requestSync(f.company.id, b.id, kNow), 1);
        EXPECT_FALSE(repo.find(a.id)->syncRequested);
        EXPECT_TRUE(repo.find(b.id)->syncRequested);
        EXPECT_EQ(repo.requestSync(std::nullopt, std::nullopt, kNow), 2);
        EXPECT_TRUE(repo.find(a.id)->syncRequested);
    });
}

TEST_P(AppSettingsTest, ValuesAndSealedSecrets) {
    Fixture f;
    f.store.write([&](Tx& tx) {
        AppSettings settings(tx.database());
        EXPECT_EQ(settings.get("amazon.client_id"), std::nullopt);
        settings.set("amazon.client_id", "amzn1.application-oa2-client.x", kNow);
        settings.set("amazon.client_id", "amzn1.application-oa2-client.y", kNow);
        EXPECT_EQ(settings.get("amazon.client_id"), "amzn1.application-oa2-client.y");
        settings.setSecret("amazon.client_secret", "top secret", f.box, kNow);
        EXPECT_EQ(settings.secret("amazon.client_secret", f.box), "top secret");
        tx.database().exec("INSERT INTO app_secrets (name, sealed, updated_at) SELECT 'other', sealed, 0 FROM "
                           "app_secrets WHERE name = 'amazon.client_secret'");
        EXPECT_THROW(settings.secret("other", f.box), SecretError) << "bound to its name";
        settings.remove("amazon.client_id");
        EXPECT_EQ(settings.get("amazon.client_id"), std::nullopt);
    });
}

}  // namespace
}  // namespace settlebridge::store
