// "Add account" (Connect with Amazon, step 1) and the ads pages' API.
#include <gtest/gtest.h>

#include "daemon/amazon/accounts.hpp"
#include "daemon/store/ad_spend.hpp"
#include "daemon/store/ads_accounts.hpp"
#include "daemon/store/secrets.hpp"
#include "tests/unit/admin/admin_harness.hpp"

using settlebridge::testing::AdminHarness;
namespace store = settlebridge::store;

TEST(ConnectApi, NeedsTheOperatorsAppThenReturnsTheConsentUrl) {
    AdminHarness h;
    h.setup();
    const std::string body = R"({"company_id":)" + std::to_string(h.company.id) + R"(,"name":"US seller","region":"NA"})";
    auto r = h.post("/api/connect/amazon", body);
    EXPECT_EQ(r.status, 409);
    EXPECT_NE(r.error().find("the Amazon app is not configured"), std::string::npos);

    const auto box = store::SecretBox::openKeyFile(h.dir.file("secrets.key"));
    settlebridge::amazon::Accounts accounts(*h.store, box);
    settlebridge::amazon::OperatorApp app;
    app.applicationId = "amzn1.sp.solution.test";
    app.clientId = "amzn1.application-oa2-client.test";
    app.clientSecret = "secret";
    accounts.configureApp(app, std::nullopt, h.now);

    r = h.post("/api/connect/amazon", body);
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string url = r.json()->getValue<std::string>("url");
    EXPECT_EQ(url.rfind("https://sellercentral.amazon.com/apps/authorize/consent?", 0), 0U) << url;
    EXPECT_NE(url.find("application_id=amzn1.sp.solution.test"), std::string::npos);
    EXPECT_NE(url.find("state="), std::string::npos);
    const auto connections = accounts.list(std::string("acme"));
    ASSERT_EQ(connections.size(), 1U);
    EXPECT_EQ(connections[0].name, "US seller");
    EXPECT_FALSE(connections[0].hasRefreshToken) << "the token comes with Amazon's callback";

    r = h.post("/api/connect/amazon", R"({"company_id":)" + std::to_string(h.company.id) + R"(,"region":"XX"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.json()->getValue<std::string>("field"), "region");
    EXPECT_EQ(h.post("/api/connect/amazon", R"({"region":"NA"})").status, 400);
    EXPECT_EQ(h.post("/api/connect/amazon", R"({"company_id":999})").status, 404);
}

TEST(AdsApi, ProfilesRenameHideAndSpendPerDayAndSku) {
    AdminHarness h;
    h.setup();
    const auto row = h.store->write([&](store::Tx& tx) {
        store::AdsAccounts accounts(tx.database());
        store::AdsAccount a;
        a.companyId = h.company.id;
        a.name = "Ads";
        a.region = "NA";
        a = accounts.create(a, h.now);
        store::ImportedProfile info;
        info.profileId = "123456";
        info.countryCode = "US";
        info.currencyCode = "USD";
        info.timeZone = "America/Los_Angeles";
        info.accountName = "Acme Brand";
        store::AdsProfiles profiles(tx.database());
        const auto p = profiles.upsertImported(a.id, info, h.now);
        store::AdSpend spend(tx.database());
        auto put = [&](const char* product, const char* date, const char* sku, store::Cents cost, store::Cents sales) {
            store::AdSpendRow r;
            r.adProduct = product;
            r.date = date;
            r.campaignId = "1";
            r.sku = sku;
            r.cost = cost;
            r.sales = sales;
            spend.upsert(p.id, r, h.now);
        };
        put("SP", "2026-01-10", "SKU-1", 1250, 5000);
        put("SP", "2026-01-11", "SKU-1", 800, 0);
        put("SB", "2026-01-11", "SKU-2", 333, 1000);
        return p.id;
    });
    const std::string path = "/api/ads/profiles/" + std::to_string(row);

    auto r = h.get("/api/ads/profiles");
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.json()->getArray("profiles")->size(), 1U);
    EXPECT_EQ(r.json()->getArray("profiles")->getObject(0)->getValue<std::string>("label"), "Acme Brand (US)");

    r = h.put(path, R"({"display_name":"Acme US","hidden":true})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("label"), "Acme US");
    EXPECT_EQ(h.get("/api/ads/profiles").json()->getArray("profiles")->size(), 0U) << "hidden";
    EXPECT_EQ(h.get("/api/ads/profiles").json()->getValue<int>("hidden"), 1);
    EXPECT_EQ(h.get("/api/ads/profiles?all=1").json()->getArray("profiles")->size(), 1U) << "show all";
    EXPECT_EQ(h.put(path, R"({"hidden":"yes"})").status, 400);

    r = h.get(path + "/spend?from=2026-01-09&to=2026-01-12");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto days = r.json()->getArray("days");
    ASSERT_EQ(days->size(), 4U) << "every day of the range, spent or not";
    EXPECT_EQ(days->getObject(0)->getValue<std::int64_t>("total_cents"), 0);
    EXPECT_EQ(days->getObject(2)->getObject("cost_cents")->getValue<std::int64_t>("SP"), 800);
    EXPECT_EQ(days->getObject(2)->getObject("cost_cents")->getValue<std::int64_t>("SB"), 333);
    EXPECT_EQ(r.json()->getValue<std::int64_t>("max_day_cents"), 1250);
    EXPECT_EQ(r.json()->getValue<std::string>("total"), "23.83 USD");
    const auto skus = r.json()->getArray("skus");
    ASSERT_EQ(skus->size(), 2U);
    EXPECT_EQ(skus->getObject(0)->getValue<std::string>("sku"), "SKU-1");
    EXPECT_EQ(skus->getObject(0)->getValue<std::string>("cost"), "20.50 USD");
    EXPECT_EQ(skus->getObject(0)->getValue<std::string>("acos"), "41%");

    EXPECT_EQ(h.get(path + "/spend?from=2026-01-12&to=2026-01-09").status, 400);
    EXPECT_EQ(h.get(path + "/spend?from=2025-01-01&to=2026-01-09").status, 400) << "more than 366 days";
    r = h.post(path + "/sync", R"({"days":7})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(h.store->read([&](store::Tx& tx) { return store::AdsProfiles(tx.database()).find(row)->sync.requested; }));
    EXPECT_EQ(h.post(path + "/sync", R"({"days":400})").status, 400);
}
