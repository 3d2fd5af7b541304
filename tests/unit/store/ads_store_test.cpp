// The ads tables (schema version 3): accounts with sealed credentials, profiles, and ad spend that a re-pull
// replaces instead of adding to.

#include <gtest/gtest.h>

#include "daemon/store/ad_spend.hpp"
#include "daemon/store/ads_accounts.hpp"
#include "daemon/store/schema.hpp"
#include "daemon/store/secrets.hpp"
#include "daemon/store/store.hpp"
#include "tests/unit/store/temp_dir.hpp"
#include "tests/unit/store/test_store.hpp"

namespace settlebridge::store {
namespace {

using settlebridge::testing::TempDir;
using settlebridge::testing::TestStore;

SETTLEBRIDGE_STORE_BACKENDS(AdsStoreTest);

constexpr Timestamp kNow = 1'760'000'000;

SecretBox testBox() { return SecretBox::fromKey(std::string(32, 'k')); }

AdsAccount amazonAccount(Store& store, const std::string& name = "Main") {
    return store.write([&](Tx& tx) {
        AdsAccount a;
        a.channel = AdsChannel::AmazonAds;
        a.name = name;
        a.region = "NA";
        return AdsAccounts(tx.database()).create(a, kNow);
    });
}

ImportedProfile usProfile(const std::string& id = "3333333333") {
    ImportedProfile p;
    p.profileId = id;
    p.countryCode = "US";
    p.currencyCode = "USD";
    p.timeZone = "America/Los_Angeles";
    p.accountName = "Acme Store";
    p.accountType = "seller";
    p.marketplaceId = "ATVPDKIKX0DER";
    p.accountEntityId = "A1ENTITY";
    return p;
}

AdSpendRow row(const std::string& product, const std::string& date, const std::string& campaign, const std::string& sku,
               common::Cents cost, common::Cents sales = 0) {
    AdSpendRow r;
    r.adProduct = product;
    r.date = date;
    r.campaignId = campaign;
    r.sku = sku;
    r.asin = sku.empty() ? "B0VENDOR01" : "B0" + sku;
    r.cost = cost;
    r.sales = sales;
    r.clicks = 3;
    r.impressions = 100;
    r.purchases = 1;
    return r;
}

TEST_P(AdsStoreTest, MigrationThreeCreatesTheTables) {
    TempDir dir;
    TestStore store(dir.file("db.sqlite"));
    EXPECT_GE(store.schemaVersion(), 3);
    bool found = false;
    for (const auto& m : migrations()) {
        if (m.version == 3) found = true;
    }
    EXPECT_TRUE(found);
    // Constraints hold: an unknown channel, region or ad product is refused by the schema itself.
    EXPECT_THROW(store.write([](Tx& tx) {
        tx.database().exec("INSERT INTO ads_accounts (channel, name, created_at, updated_at) VALUES ('facebook','x',0,0)");
    }),
                 StoreError);
    EXPECT_THROW(store.write([](Tx& tx) {
        tx.database().exec(
            "INSERT INTO ads_accounts (channel, name, region, created_at, updated_at) VALUES ('amazon_ads','x','US',0,0)");
    }),
                 StoreError);
}

TEST_P(AdsStoreTest, AccountsKeepCredentialsSealedAndSyncState) {
    TempDir dir;
    TestStore store(dir.file("db.sqlite"));
    const SecretBox box = testBox();
    const AdsAccount a = amazonAccount(store);
    EXPECT_GT(a.id, 0);
    EXPECT_FALSE(a.hasCredentials);
    EXPECT_EQ(a.sync.state, AdsSyncState::Idle);

    const std::string secret = R"({"refresh_token":"Atzr|very-secret-token"})";
    store.write([&](Tx& tx) { AdsAccounts(tx.database()).setCredentials(a.id, box, secret, kNow + 1); });
    // Sealed at rest: the plaintext is nowhere in the file (nowhere in the column, on PostgreSQL).
    if (onPostgres()) {
        EXPECT_EQ(settlebridge::testing::rawScalar(
                      dir.file("db.sqlite"),
                      "SELECT count(*) FROM ads_accounts WHERE position('very-secret-token'::bytea IN credentials) > 0"),
                  0);
        EXPECT_EQ(settlebridge::testing::rawScalar(dir.file("db.sqlite"),
                                                   "SELECT count(*) FROM ads_accounts WHERE credentials IS NOT NULL"),
                  1);
    } else {
        const std::string bytes = settlebridge::testing::readAllBytes(dir.file("db.sqlite")) +
                                  settlebridge::testing::readAllBytes(dir.file("db.sqlite-wal"));
        EXPECT_EQ(bytes.find("very-secret-token"), std::string::npos);
    }

    store.read([&](Tx& tx) {
        AdsAccounts accounts(tx.database());
        EXPECT_TRUE(accounts.find(a.id)->hasCredentials);
        EXPECT_EQ(accounts.credentials(a.id, box), secret);
        // Another key does not open them.
        EXPECT_THROW(accounts.credentials(a.id, SecretBox::fromKey(std::string(32, 'x'))), SecretError);
    });

    // A blob copied to another account's row does not open there (associated data is the row).
    const AdsAccount b = amazonAccount(store, "Second");
    store.write([&](Tx& tx) {
        tx.database()
            .query("UPDATE ads_accounts SET credentials = (SELECT credentials FROM ads_accounts WHERE id = ?1) WHERE id = ?2")
            .bind(1, a.id)
            .bind(2, b.id)
            .run();
    });
    store.read([&](Tx& tx) { EXPECT_THROW(AdsAccounts(tx.database()).credentials(b.id, box), SecretError); });

    AdsSyncStatus status;
    status.state = AdsSyncState::Error;
    status.message = "The refresh token was revoked";
    status.lastSyncAt = kNow + 5;
    status.nextSyncAt = kNow + 3600;
    store.write([&](Tx& tx) {
        AdsAccounts accounts(tx.database());
        accounts.setSyncStatus(a.id, status, kNow + 5);
        accounts.requestSync(b.id, true, kNow + 6);
    });
    store.read([&](Tx& tx) {
        AdsAccounts accounts(tx.database());
        const auto got = accounts.find(a.id);
        EXPECT_EQ(got->sync.state, AdsSyncState::Error);
        EXPECT_EQ(got->sync.message, status.message);
        EXPECT_EQ(got->sync.nextSyncAt, kNow + 3600);
        EXPECT_TRUE(accounts.find(b.id)->sync.requested);
        EXPECT_EQ(accounts.list().size(), 2u);
    });

    // Bad input is refused.
    EXPECT_THROW(store.write([](Tx& tx) {
        AdsAccount bad;
        bad.name = "";
        AdsAccounts(tx.database()).create(bad, kNow);
    }),
                 StoreError);
    EXPECT_THROW(store.write([](Tx& tx) {
        AdsAccount bad;
        bad.name = "x";
        bad.region = "US";
        AdsAccounts(tx.database()).create(bad, kNow);
    }),
                 StoreError);
    EXPECT_THROW(store.write([&](Tx& tx) { AdsAccounts(tx.database()).setSyncStatus(9999, status, kNow); }), StoreError);
}

TEST_P(AdsStoreTest, ProfilesImportKeepsUserChoices) {
    TempDir dir;
    TestStore store(dir.file("db.sqlite"));
    const AdsAccount a = amazonAccount(store);
    const AdsProfile p = store.write([&](Tx& tx) { return AdsProfiles(tx.database()).upsertImported(a.id, usProfile(), kNow); });
    EXPECT_EQ(p.info.timeZone, "America/Los_Angeles");
    EXPECT_TRUE(p.enabled);
    EXPECT_FALSE(p.hidden);
    EXPECT_EQ(p.backfill, BackfillState::Pending);
    EXPECT_EQ(p.label(), "Acme Store (US)");

    store.write([&](Tx& tx) {
        AdsProfiles profiles(tx.database());
        profiles.rename(p.id, "US storefront", kNow + 1);
        profiles.setEnabled(p.id, false, kNow + 1);
        profiles.setHidden(p.id, true, kNow + 1);
        profiles.setBackfill(p.id, BackfillState::Done, kNow + 2);
        profiles.requestSync(p.id, true, 7, kNow + 3);
    });
    // Importing again (profiles refreshed on reconnect) updates Amazon's facts, keeps the user's.
    ImportedProfile changed = usProfile();
    changed.accountName = "Acme Store Inc";
    const AdsProfile again =
        store.write([&](Tx& tx) { return AdsProfiles(tx.database()).upsertImported(a.id, changed, kNow + 10); });
    EXPECT_EQ(again.id, p.id);
    EXPECT_EQ(again.info.accountName, "Acme Store Inc");
    EXPECT_EQ(again.displayName, "US storefront");
    EXPECT_EQ(again.label(), "US storefront");
    EXPECT_FALSE(again.enabled);
    EXPECT_TRUE(again.hidden);
    EXPECT_EQ(again.backfill, BackfillState::Done);
    EXPECT_EQ(again.backfillDoneAt, kNow + 2);
    EXPECT_TRUE(again.sync.requested);
    EXPECT_EQ(again.requestedDays, 7);

    store.write([&](Tx& tx) { AdsProfiles(tx.database()).upsertImported(a.id, usProfile("4444"), kNow); });
    store.read([&](Tx& tx) {
        AdsProfiles profiles(tx.database());
        EXPECT_EQ(profiles.list(a.id, true).size(), 2u);
        ASSERT_EQ(profiles.list(a.id, false).size(), 1u);  // the hidden one left out
        EXPECT_EQ(profiles.list(a.id, false)[0].info.profileId, "4444");
        EXPECT_EQ(profiles.findByProfileIdAnyAccount("3333333333").size(), 1u);
        EXPECT_FALSE(profiles.findByProfileId(a.id, "nope").has_value());
    });
    EXPECT_THROW(store.write([&](Tx& tx) { AdsProfiles(tx.database()).setBackfillDays(p.id, 96, true, kNow); }),
                 StoreError);
    EXPECT_THROW(store.write([&](Tx& tx) { AdsProfiles(tx.database()).rename(424242, "x", kNow); }), StoreError);
}

TEST_P(AdsStoreTest, ReplaceRangeReplacesNeverAdds) {
    TempDir dir;
    TestStore store(dir.file("db.sqlite"));
    const AdsAccount a = amazonAccount(store);
    const std::int64_t profile =
        store.write([&](Tx& tx) { return AdsProfiles(tx.database()).upsertImported(a.id, usProfile(), kNow).id; });

    // One SKU in two ad groups of one campaign on a day: summed into one row.
    store.write([&](Tx& tx) {
        AdSpend spend(tx.database());
        EXPECT_EQ(spend.replaceRange(profile, "SP", "2026-05-01", "2026-05-02",
                                     {row("SP", "2026-05-01", "111", "SKU-A", 1050, 2000),
                                      row("SP", "2026-05-01", "111", "SKU-A", 25, 0),
                                      row("SP", "2026-05-01", "222", "SKU-B", 700),
                                      row("SP", "2026-05-02", "111", "SKU-A", 300)},
                                     kNow),
                  3);
        spend.replaceRange(profile, "SD", "2026-05-01", "2026-05-01", {row("SD", "2026-05-01", "9", "SKU-A", 99)}, kNow);
    });
    // The same pull again: nothing doubles. A restated day: the new value, and a row that vanished is gone.
    for (int i = 0; i < 2; ++i) {
        store.write([&](Tx& tx) {
            AdSpend(tx.database())
                .replaceRange(profile, "SP", "2026-05-01", "2026-05-01",
                              {row("SP", "2026-05-01", "111", "SKU-A", 1000, 2100)}, kNow + 100);
        });
    }
    store.read([&](Tx& tx) {
        AdSpend spend(tx.database());
        const auto all = spend.bySku(profile, "2026-05-01", "2026-05-02", {});
        ASSERT_EQ(all.size(), 1u);  // SKU-B vanished in the re-pull
        EXPECT_EQ(all[0].sku, "SKU-A");
        EXPECT_EQ(all[0].asin, "B0SKU-A");
        EXPECT_EQ(all[0].cost, 1000 + 300 + 99);
        EXPECT_EQ(all[0].sales, 2100);
        const auto spOnly = spend.bySku(profile, "2026-05-01", "2026-05-02", {"SP"});
        ASSERT_EQ(spOnly.size(), 1u);
        EXPECT_EQ(spOnly[0].cost, 1300);
        const auto sdOnly = spend.bySku(profile, "2026-05-01", "2026-05-01", {"SD", "SB"});
        ASSERT_EQ(sdOnly.size(), 1u);
        EXPECT_EQ(sdOnly[0].cost, 99);
        EXPECT_TRUE(spend.bySku(profile, "2026-05-03", "2026-05-09", {}).empty());

        const auto days = spend.byDay(profile, "2026-05-01", "2026-05-31");
        ASSERT_EQ(days.size(), 3u);
        EXPECT_EQ(days[0].date, "2026-05-01");
        EXPECT_EQ(days[0].adProduct, "SD");
        EXPECT_EQ(days[0].cost, 99);
        EXPECT_EQ(days[1].adProduct, "SP");
        EXPECT_EQ(days[1].cost, 1000);
        EXPECT_EQ(days[2].date, "2026-05-02");
        EXPECT_EQ(days[2].cost, 300);

        const auto rows = spend.rows(profile, "2026-05-01", "2026-05-02", std::string("SKU-A"));
        ASSERT_EQ(rows.size(), 3u);
        EXPECT_EQ(rows[1].pulledAt, kNow + 100);
        EXPECT_EQ(spend.count(profile), 3);
    });
}

TEST_P(AdsStoreTest, BadRowsAreRefusedAndChangeNothing) {
    TempDir dir;
    TestStore store(dir.file("db.sqlite"));
    const AdsAccount a = amazonAccount(store);
    const std::int64_t profile =
        store.write([&](Tx& tx) { return AdsProfiles(tx.database()).upsertImported(a.id, usProfile(), kNow).id; });
    store.write([&](Tx& tx) { AdSpend(tx.database()).upsert(profile, row("SP", "2026-05-01", "1", "S", 500), kNow); });

    auto replaceWith = [&](const std::string& product, const std::string& from, const std::string& to, AdSpendRow r) {
        store.write([&](Tx& tx) { AdSpend(tx.database()).replaceRange(profile, product, from, to, {r}, kNow); });
    };
    EXPECT_THROW(replaceWith("SP", "2026-05-01", "2026-05-01", row("SP", "2026-05-02", "1", "S", 1)), StoreError);
    EXPECT_THROW(replaceWith("SP", "2026-05-01", "2026-05-01", row("SB", "2026-05-01", "1", "S", 1)), StoreError);
    EXPECT_THROW(replaceWith("XX", "2026-05-01", "2026-05-01", row("XX", "2026-05-01", "1", "S", 1)), StoreError);
    EXPECT_THROW(replaceWith("SP", "2026-02-30", "2026-05-01", row("SP", "2026-05-01", "1", "S", 1)), StoreError);
    EXPECT_THROW(replaceWith("SP", "2026-05-02", "2026-05-01", row("SP", "2026-05-01", "1", "S", 1)), StoreError);
    EXPECT_THROW(store.write([&](Tx& tx) { AdSpend(tx.database()).upsert(profile, row("SP", "05/01/2026", "1", "S", 1), kNow); }),
                 StoreError);
    EXPECT_THROW(store.read([&](Tx& tx) { return AdSpend(tx.database()).bySku(profile, "2026-05-01", "2026-05-01", {"TV"}); }),
                 StoreError);
    // The rolled-back attempts left the stored row alone.
    store.read([&](Tx& tx) {
        const auto s = AdSpend(tx.database()).bySku(profile, "2026-05-01", "2026-05-01", {});
        ASSERT_EQ(s.size(), 1u);
        EXPECT_EQ(s[0].cost, 500);
    });
}

TEST_P(AdsStoreTest, VendorRowsWithoutSkuStaySeparateByAsinAndDeletingAnAccountRemovesItsSpend) {
    TempDir dir;
    TestStore store(dir.file("db.sqlite"));
    const AdsAccount a = amazonAccount(store);
    const std::int64_t profile =
        store.write([&](Tx& tx) { return AdsProfiles(tx.database()).upsertImported(a.id, usProfile(), kNow).id; });
    AdSpendRow v1 = row("SP", "2026-05-01", "1", "", 100);
    v1.asin = "B0AAAA";
    AdSpendRow v2 = row("SP", "2026-05-01", "1", "", 200);
    v2.asin = "B0BBBB";
    AdSpendRow sb = row("SB", "2026-05-01", "7", "SKU-A", 333);
    sb.allocated = true;
    store.write([&](Tx& tx) {
        AdSpend spend(tx.database());
        spend.replaceRange(profile, "SP", "2026-05-01", "2026-05-01", {v1, v2}, kNow);
        spend.upsert(profile, sb, kNow);
    });
    store.read([&](Tx& tx) {
        AdSpend spend(tx.database());
        const auto s = spend.bySku(profile, "2026-05-01", "2026-05-01", {"SP"});
        ASSERT_EQ(s.size(), 2u);
        EXPECT_EQ(s[0].asin, "B0AAAA");
        EXPECT_EQ(s[0].cost, 100);
        EXPECT_EQ(s[1].asin, "B0BBBB");
        const auto sbRows = spend.rows(profile, "2026-05-01", "2026-05-01", std::string("SKU-A"));
        ASSERT_EQ(sbRows.size(), 1u);
        EXPECT_TRUE(sbRows[0].allocated);
    });
    EXPECT_TRUE(store.write([&](Tx& tx) { return AdsAccounts(tx.database()).remove(a.id); }));
    store.read([&](Tx& tx) {
        EXPECT_EQ(AdSpend(tx.database()).count(profile), 0);
        EXPECT_FALSE(AdsProfiles(tx.database()).find(profile).has_value());
    });
}

}  // namespace
}  // namespace settlebridge::store
