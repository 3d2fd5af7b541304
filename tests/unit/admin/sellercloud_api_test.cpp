// The Sellercloud page's API against the real simulator (tools/sellercloud_sim): the connection (password sealed,
// never sent back), Test Connection verdicts, the companies list, map / remap refused without confirm and accepted
// with it (the old company cleared in the simulator), the manual "send the last N days" request, and the send log
// with its records, a mapping deleted (what it sent cleared first), the push settings (columns, send hour, linking
// rules) checked with the CLI's rules, SKUs linked by hand — plus the validation messages and CSRF on every change.
#include <gtest/gtest.h>

#include "daemon/sellercloud/push.hpp"
#include "daemon/store/ads_accounts.hpp"
#include "daemon/store/secrets.hpp"
#include "daemon/store/sellercloud_connections.hpp"
#include "daemon/store/sellercloud_mappings.hpp"
#include "daemon/store/sellercloud_products.hpp"
#include "tests/unit/admin/admin_harness.hpp"
#include "tests/unit/sellercloud/sim.hpp"

using settlebridge::testing::AdminHarness;
using settlebridge::testing::Reply;
namespace store = settlebridge::store;
namespace sellercloud = settlebridge::sellercloud;
namespace sctest = settlebridge::sctest;

namespace {

constexpr const char* kProducts = R"({"products": [
  {"ID": "SKU-A", "CompanyID": 1, "ProductName": "A", "ASIN": "B000000A", "AverageCost": 2.00},
  {"ID": "PROD-C", "CompanyID": 1, "ProductName": "C", "AmazonFBASKU": "FBA-C"},
  {"ID": "SKU-A-OUTLET", "CompanyID": 2, "ProductName": "A outlet", "AmazonMerchantSKU": "SKU-A"}
]})";

const store::Timestamp kNow = sctest::noonUtc(2026, 5, 20);  // the profiles' yesterday: 2026-05-19
constexpr const char* kYesterday = "2026-05-19";

/// The admin site with its Sellercloud calls pointed at the simulator, and two Amazon Ads profiles of "acme".
class World {
public:
    World()
        : h(true, [this](settlebridge::admin::AdminOptions& o) {
              o.sellercloud = sellercloud::PushOptions{};
              o.sellercloud->teamLookupUrl = sim.lookupUrl();
              o.sellercloud->retry = sctest::fastRetry(2);
              o.sellercloud->rate = {1000.0, 1000.0};
              o.sellercloud->http.connectTimeout = std::chrono::milliseconds(3000);
              o.sellercloud->http.ioTimeout = std::chrono::milliseconds(10000);
          }) {
        h.now = kNow;
        h.setup();
        sim.control(kProducts);
        h.store->write([&](store::Tx& tx) {
            store::AdsAccounts accounts(tx.database());
            store::AdsAccount a;
            a.companyId = h.company.id;
            a.name = "Main ads";
            a.region = "NA";
            a = accounts.create(a, kNow);
            store::AdsProfiles profiles(tx.database());
            for (const char* id : {"1001", "2002"}) {
                store::ImportedProfile info;
                info.profileId = id;
                info.countryCode = "US";
                info.currencyCode = "USD";
                info.timeZone = "UTC";
                info.accountName = std::string("Acme ") + id;
                const auto p = profiles.upsertImported(a.id, info, kNow);
                (first == 0 ? first : second) = p.id;
            }
        });
    }

    std::string path() const { return h.companyPath("/sellercloud"); }
    std::string connPath(const std::string& rest) const { return "/api/sellercloud/" + std::to_string(connectionId) + rest; }

    /// Saves the connection through the API (team "acme" unless told).
    Reply connect(const std::string& password = sctest::kPassword, const std::string& team = "acme") {
        Reply r = h.put(path(), R"({"team_name":")" + team + R"(","username":")" + sctest::kUser +
                                    R"(","password":")" + password + "\"}");
        if (r.status == 200) connectionId = r.json()->getValue<std::int64_t>("id");
        return r;
    }
    Reply map(std::int64_t profile, int company, const std::string& extra = "") {
        return h.put(connPath("/mappings/" + std::to_string(profile)),
                     R"({"sc_company_id":)" + std::to_string(company) + extra + "}");
    }
    void spend(std::int64_t profile, const std::string& sku, store::Cents cost) {
        h.store->write([&](store::Tx& tx) {
            store::AdSpendRow row;
            row.adProduct = "SP";
            row.date = kYesterday;
            row.campaignId = "77";
            row.sku = sku;
            row.cost = cost;
            row.sales = cost * 4;
            row.purchases = 1;
            store::AdSpend(tx.database()).upsert(profile, row, kNow);
        });
    }
    /// What the daemon's schedule does: its own SellercloudPush over the same store.
    sellercloud::PushRunReport runDaemonPush() {
        const auto box = store::SecretBox::openKeyFile(h.dir.file("secrets.key"));
        sellercloud::PushOptions o;
        o.teamLookupUrl = sim.lookupUrl();
        o.retry = sctest::fastRetry(2);
        o.rate = {1000.0, 1000.0};
        sellercloud::SellercloudPush push(*h.store, box, o);
        return push.runDue(kNow, {});
    }
    /// Both profiles' spend sent by the daemon to company 1 (both mapped there): SKU-A from both, PROD-C (through
    /// its FBA SKU) from the first only.
    void sendBothToCompany1() {
        spend(first, "SKU-A", 1000);
        spend(first, "FBA-C", 300);
        spend(second, "SKU-A", 200);
        ASSERT_EQ(runDaemonPush().sends.size(), 1U);
        ASSERT_EQ(sim.value("SKU-A", "AdSpend30Days"), "12");
        ASSERT_EQ(sim.value("PROD-C", "AdSpend30Days"), "3");
    }
    store::SellercloudMapping mapping(std::int64_t profile) {
        return *h.store->read([&](store::Tx& tx) { return store::SellercloudMappings(tx.database()).findByProfile(profile); });
    }

    sctest::SellercloudSim sim;
    AdminHarness h;
    std::int64_t first = 0;
    std::int64_t second = 0;
    std::int64_t connectionId = 0;
};

bool hasErrorFor(const Reply& r, const std::string& field) {
    const auto errors = r.json()->getArray("errors");
    for (std::size_t i = 0; i < errors->size(); ++i) {
        if (errors->getObject(static_cast<unsigned>(i))->getValue<std::string>("field") == field) return true;
    }
    return false;
}

}  // namespace

TEST(SellercloudApi, ConnectionIsStoredSealedNeverEchoedAndTestGivesVerdicts) {
    World w;
    auto r = w.h.get(w.path());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.json()->isNull("connection"));
    EXPECT_EQ(r.json()->getArray("profiles")->size(), 2U);

    // Validation: every wrong field at once, nothing stored.
    r = w.h.put(w.path(), R"({"team_name":"acme","server_id":"tt","username":""})");
    EXPECT_EQ(r.status, 400);
    EXPECT_TRUE(hasErrorFor(r, "team_name")) << r.body;
    EXPECT_TRUE(hasErrorFor(r, "username")) << r.body;
    EXPECT_TRUE(hasErrorFor(r, "password")) << r.body;
    r = w.h.put(w.path(), R"({"server_id":"-bad host","username":"u","password":"p"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_TRUE(hasErrorFor(r, "server_id")) << r.body;
    r = w.h.put(w.path(), R"({"username":"u","password":"p"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.error().find("team name"), std::string::npos) << r.body;
    EXPECT_TRUE(w.h.get(w.path()).json()->isNull("connection"));

    // CSRF: a change without the token is refused.
    r = w.h.request("PUT", w.path(), R"({"team_name":"acme","username":"u","password":"p"})", {}, false);
    EXPECT_EQ(r.status, 403);

    r = w.connect();
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.json()->getValue<bool>("has_password"));
    EXPECT_FALSE(r.json()->has("password"));
    EXPECT_EQ(r.body.find(sctest::kPassword), std::string::npos) << "the password is never sent back";
    EXPECT_EQ(w.h.get(w.path()).body.find(sctest::kPassword), std::string::npos);
    const auto box = store::SecretBox::openKeyFile(w.h.dir.file("secrets.key"));
    EXPECT_EQ(w.h.store->read([&](store::Tx& tx) {
                  return store::SellercloudConnections(tx.database()).password(w.connectionId, box);
              }),
              sctest::kPassword);

    EXPECT_EQ(w.h.request("POST", w.connPath("/test"), "{}", {}, false).status, 403);
    r = w.h.post(w.connPath("/test"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("verdict"), "ok");
    EXPECT_EQ(r.json()->getValue<std::string>("verdict_label"), "Connected");
    EXPECT_TRUE(r.json()->getValue<bool>("ok"));
    EXPECT_EQ(r.json()->getValue<int>("companies"), 2);
    const auto saved = w.h.get(w.path()).json()->getObject("connection");
    EXPECT_EQ(saved->getObject("test")->getValue<std::string>("verdict"), "ok");
    EXPECT_EQ(saved->getValue<std::string>("server_id"), "acme") << "resolved through the team lookup";

    r = w.h.get(w.connPath("/companies"));
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.json()->getArray("companies")->size(), 2U);
    EXPECT_EQ(r.json()->getArray("companies")->getObject(1)->getValue<std::string>("name"), "Acme Outlet");

    // An update without a password keeps the stored one; a wrong one gives its verdict in plain words.
    r = w.h.put(w.path(), R"({"team_name":"acme","username":"api-user"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(w.h.post(w.connPath("/test")).json()->getValue<std::string>("verdict"), "ok");
    ASSERT_EQ(w.connect("wrong password").status, 200);
    EXPECT_TRUE(w.h.get(w.path()).json()->getObject("connection")->getObject("test")->getValue<std::string>("verdict").empty())
        << "a changed login is untested";
    r = w.h.post(w.connPath("/test"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("verdict"), "bad_credentials");
    EXPECT_EQ(r.json()->getValue<std::string>("verdict_label"), "Wrong user name or password");
    EXPECT_FALSE(r.json()->getValue<bool>("ok"));
    EXPECT_EQ(w.h.get(w.connPath("/companies")).status, 502);

    ASSERT_EQ(w.connect(sctest::kPassword, "nosuchteam").status, 200);
    r = w.h.post(w.connPath("/test"));
    EXPECT_EQ(r.json()->getValue<std::string>("verdict"), "unknown_team") << r.body;
    EXPECT_EQ(w.h.post("/api/sellercloud/999/test").status, 404);
}

TEST(SellercloudApi, RemapIsRefusedWithoutConfirmAndClearsTheOldCompanyWithIt) {
    World w;
    ASSERT_EQ(w.connect().status, 200);

    // Validation and unknowns.
    auto r = w.map(w.first, 1, R"(,"ad_products":["XX"],"channels":[])");
    EXPECT_EQ(r.status, 400);
    EXPECT_TRUE(hasErrorFor(r, "ad_products")) << r.body;
    EXPECT_TRUE(hasErrorFor(r, "channels")) << r.body;
    r = w.h.put(w.connPath("/mappings/" + std::to_string(w.first)), "{}");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.json()->getValue<std::string>("field"), "sc_company_id");
    r = w.map(w.first, 99);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.error().find("choose one from the list"), std::string::npos) << r.body;
    EXPECT_EQ(w.map(999, 1).status, 404);
    EXPECT_EQ(w.h.request("PUT", w.connPath("/mappings/" + std::to_string(w.first)), R"({"sc_company_id":1})", {}, false).status,
              403);

    r = w.map(w.first, 1, R"(,"ad_products":["SP","SB"],"channels":["amazon"])");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("outcome"), "mapped");
    EXPECT_EQ(r.json()->getObject("mapping")->getValue<std::string>("sc_company_name"), "Acme Main");
    EXPECT_EQ(w.mapping(w.first).adProducts, (std::vector<std::string>{"SP", "SB"}));
    ASSERT_EQ(w.map(w.second, 1).status, 200);

    // The daemon sends: both profiles' spend is in company 1's products.
    w.sendBothToCompany1();
    const auto profiles = w.h.get(w.path()).json()->getArray("profiles");
    EXPECT_TRUE(profiles->getObject(0)->getObject("mapping")->getValue<bool>("has_sent"));

    // Without confirm: refused with the warning, nothing changes anywhere.
    r = w.map(w.first, 2);
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_TRUE(r.json()->getValue<bool>("needs_confirmation"));
    EXPECT_NE(r.error().find("may create duplicate data"), std::string::npos) << r.body;
    EXPECT_NE(r.error().find("Acme Outlet"), std::string::npos) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("from_company_name"), "Acme Main");
    EXPECT_EQ(w.mapping(w.first).scCompanyId, 1);
    EXPECT_EQ(w.sim.value("SKU-A", "AdSpend30Days"), "12");
    EXPECT_EQ(w.map(w.first, 2, R"(,"confirm":false)").status, 409);
    EXPECT_EQ(w.map(w.first, 2, R"(,"confirm":"yes")").status, 400);

    // Confirmed: the old company's products lose this profile's spend first, then the mapping moves.
    r = w.map(w.first, 2, R"(,"confirm":true)");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("outcome"), "remapped");
    EXPECT_EQ(r.json()->getValue<int>("cleared_products"), 1);
    EXPECT_EQ(w.sim.value("SKU-A", "AdSpend30Days"), "2");        // only the other profile's spend is left
    EXPECT_EQ(w.sim.value("PROD-C", "AdSpend30Days"), "<null>");  // only this profile advertised it: emptied
    EXPECT_EQ(w.mapping(w.first).scCompanyId, 2);
    EXPECT_EQ(w.mapping(w.first).scCompanyName, "Acme Outlet");
    EXPECT_EQ(w.h.store->read([&](store::Tx& tx) { return store::SellercloudMappings(tx.database()).remaps(w.first).size(); }),
              1U);
}

TEST(SellercloudApi, ManualSendIsRecordedForTheDaemonAndTheLogShowsItsRecords) {
    World w;
    ASSERT_EQ(w.connect().status, 200);
    auto r = w.h.post(w.connPath("/send"), R"({"days":7})");
    EXPECT_EQ(r.status, 409) << "nothing mapped yet";
    EXPECT_NE(r.error().find("map one first"), std::string::npos) << r.body;
    ASSERT_EQ(w.map(w.first, 1).status, 200);

    EXPECT_EQ(w.h.post(w.connPath("/send"), R"({"days":0})").status, 400);
    r = w.h.post(w.connPath("/send"), R"({"days":96})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.json()->getValue<std::string>("field"), "days");
    EXPECT_EQ(w.h.post(w.connPath("/send"), "{}").status, 400);
    EXPECT_EQ(w.h.post(w.connPath("/send"), R"({"days":7,"channel":"ebay"})").status, 400);
    EXPECT_EQ(w.h.post(w.connPath("/send"), R"({"days":7,"channel":"walmart"})").status, 409) << "no Walmart profile mapped";
    EXPECT_EQ(w.h.post(w.connPath("/send"), R"({"days":7,"profile_id":)" + std::to_string(w.second) + "}").status, 409);
    EXPECT_EQ(w.h.request("POST", w.connPath("/send"), R"({"days":7})", {}, false).status, 403);

    r = w.h.post(w.connPath("/send"), R"({"days":7,"channel":"amazon","profile_id":)" + std::to_string(w.first) + "}");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<int>("requested"), 1);
    EXPECT_EQ(w.mapping(w.first).requestedDays, 7) << "recorded for the daemon's schedule";
    EXPECT_EQ(w.h.get(w.path()).json()->getArray("profiles")->getObject(0)->getObject("mapping")->getValue<int>("requested_days"), 7);

    w.spend(w.first, "SKU-A", 1000);
    w.spend(w.first, "NO-SUCH-SKU", 55);
    const auto report = w.runDaemonPush();
    ASSERT_EQ(report.sends.size(), 1U);
    EXPECT_EQ(w.mapping(w.first).requestedDays, 0) << "done: the request resets itself";

    r = w.h.get(w.connPath("/sends"));
    ASSERT_EQ(r.status, 200) << r.body;
    const auto sends = r.json()->getArray("sends");
    ASSERT_EQ(sends->size(), 1U);
    const auto send = sends->getObject(0);
    EXPECT_EQ(send->getValue<std::string>("kind"), "manual");
    EXPECT_EQ(send->getValue<std::string>("status"), "partial");
    EXPECT_EQ(send->getValue<std::string>("from_date"), "2026-05-13");
    EXPECT_EQ(send->getValue<std::string>("to_date"), kYesterday);
    EXPECT_EQ(send->getValue<int>("written"), 1);
    EXPECT_EQ(send->getValue<int>("unmatched"), 1);
    EXPECT_FALSE(r.json()->getValue<bool>("more"));
    EXPECT_EQ(w.h.get(w.connPath("/sends?status=failed")).json()->getArray("sends")->size(), 0U);
    EXPECT_EQ(w.h.get(w.connPath("/sends?kind=manual&q=acme")).json()->getArray("sends")->size(), 1U);
    EXPECT_EQ(w.h.get(w.connPath("/sends?profile=" + std::to_string(w.second))).json()->getArray("sends")->size(), 0U);
    EXPECT_EQ(w.h.get(w.connPath("/sends?status=bogus")).status, 400);
    EXPECT_EQ(w.h.get(w.connPath("/sends?limit=0")).status, 400);

    const std::string sendPath = "/api/sellercloud/sends/" + std::to_string(send->getValue<std::int64_t>("id"));
    r = w.h.get(sendPath);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<int>("total"), 2);
    EXPECT_EQ(r.json()->getObject("counts")->getValue<int>("unmatched"), 1);
    r = w.h.get(sendPath + "?status=written");
    ASSERT_EQ(r.json()->getArray("records")->size(), 1U);
    const auto written = r.json()->getArray("records")->getObject(0);
    EXPECT_EQ(written->getValue<std::string>("sku"), "SKU-A");
    EXPECT_EQ(written->getValue<std::string>("product_id"), "SKU-A");
    EXPECT_EQ(written->getValue<std::string>("rule"), "sku");
    EXPECT_EQ(written->getValue<std::string>("cost"), "10.00 USD");
    EXPECT_EQ(written->getValue<std::string>("item_cost"), "2.00 USD");
    EXPECT_NE(written->getValue<std::string>("values_written").find("AdSpend7Days=10.00"), std::string::npos);
    EXPECT_EQ(written->getValue<std::string>("status"), "written");
    r = w.h.get(sendPath + "?q=no-such");
    ASSERT_EQ(r.json()->getArray("records")->size(), 1U);
    EXPECT_EQ(r.json()->getArray("records")->getObject(0)->getValue<std::string>("status"), "unmatched");
    EXPECT_TRUE(r.json()->getArray("records")->getObject(0)->getValue<std::string>("product_id").empty());
    r = w.h.get(sendPath + "?limit=1&offset=1");
    EXPECT_EQ(r.json()->getValue<int>("total"), 2);
    EXPECT_EQ(r.json()->getArray("records")->size(), 1U) << "paged";
    EXPECT_EQ(w.h.get(sendPath + "?status=nope").status, 400);
    EXPECT_EQ(w.h.get("/api/sellercloud/sends/999").status, 404);
}

namespace {

std::vector<std::string> errorFields(const Reply& r) {
    std::vector<std::string> out;
    const auto errors = r.json()->getArray("errors");
    for (std::size_t i = 0; i < errors->size(); ++i) {
        out.push_back(errors->getObject(static_cast<unsigned>(i))->getValue<std::string>("field"));
    }
    return out;
}

int eventsContaining(AdminHarness& h, const std::string& text) {
    return h.store->read([&](store::Tx& tx) {
        int n = 0;
        for (const auto& e : tx.events().recent(std::nullopt, 1000)) n += e.message.find(text) != std::string::npos ? 1 : 0;
        return n;
    });
}

}  // namespace

TEST(SellercloudApi, AMappingIsDeletedAndWhatItSentIsClearedFirst) {
    World w;
    ASSERT_EQ(w.connect().status, 200);
    ASSERT_EQ(w.map(w.first, 1).status, 200);
    ASSERT_EQ(w.map(w.second, 1).status, 200);
    EXPECT_EQ(eventsContaining(w.h, "(mapped by admin)"), 2) << "who mapped it is in the event log";
    w.sendBothToCompany1();
    const std::string firstPath = w.connPath("/mappings/" + std::to_string(w.first));

    // Refused: without the CSRF token, for a profile not mapped here, through another connection's address.
    EXPECT_EQ(w.h.request("DELETE", firstPath, "{}", {}, false).status, 403);
    EXPECT_EQ(w.h.request("DELETE", firstPath, "{\"clear\":\"yes\"}").status, 400);
    EXPECT_EQ(w.h.request("DELETE", w.connPath("/mappings/999")).status, 404);
    EXPECT_EQ(w.h.request("DELETE", "/api/sellercloud/999/mappings/" + std::to_string(w.first)).status, 404);
    EXPECT_EQ(w.mapping(w.first).scCompanyId, 1) << "nothing deleted";

    // Clearing fails (Sellercloud keeps answering 500): 502, the mapping stays, the values too.
    // (two failures: the page's client tries twice, see World)
    w.sim.control(R"({"fail_next": [{"operation": "putCustomColumns", "status": 500}, {"operation": "putCustomColumns", "status": 500}]})");
    auto r = w.h.request("DELETE", firstPath, "{}");
    EXPECT_EQ(r.status, 502) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("field"), "clear");
    EXPECT_NE(r.error().find("the mapping is kept"), std::string::npos) << r.body;
    EXPECT_EQ(w.mapping(w.first).scCompanyId, 1);

    // Deleted: the company's products are recomputed without this profile first.
    r = w.h.request("DELETE", firstPath, "{}");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("outcome"), "deleted");
    EXPECT_TRUE(r.json()->getValue<bool>("had_sent"));
    EXPECT_TRUE(r.json()->getValue<bool>("cleared"));
    EXPECT_EQ(r.json()->getValue<int>("cleared_products"), 1);
    EXPECT_EQ(w.sim.value("SKU-A", "AdSpend30Days"), "2");        // only the other profile's spend is left
    EXPECT_EQ(w.sim.value("PROD-C", "AdSpend30Days"), "<null>");  // only this profile advertised it: emptied
    EXPECT_FALSE(w.h.store->read([&](store::Tx& tx) { return store::SellercloudMappings(tx.database()).findByProfile(w.first); }));
    EXPECT_TRUE(w.h.get(w.path()).json()->getArray("profiles")->getObject(0)->isNull("mapping"));
    EXPECT_EQ(eventsContaining(w.h, "(mapping deleted by admin)"), 1);
    EXPECT_EQ(w.h.request("DELETE", firstPath, "{}").status, 404) << "gone";

    // Without clearing: the values stay in Sellercloud, the mapping goes.
    const int writesBefore = w.sim.writes();
    r = w.h.request("DELETE", w.connPath("/mappings/" + std::to_string(w.second)), R"({"clear":false})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(r.json()->getValue<bool>("cleared"));
    EXPECT_NE(r.json()->getValue<std::string>("message").find("stay in Acme Main"), std::string::npos) << r.body;
    EXPECT_EQ(w.sim.writes(), writesBefore);
    EXPECT_EQ(w.sim.value("SKU-A", "AdSpend30Days"), "2");
    EXPECT_EQ(w.h.store->read([&](store::Tx& tx) { return store::SellercloudMappings(tx.database()).list().size(); }), 0U);
}

TEST(SellercloudApi, SettingsAreEditableAndCheckedWithTheCliRules) {
    World w;
    ASSERT_EQ(w.connect().status, 200);
    auto page = w.h.get(w.path()).json();
    auto c = page->getObject("connection");
    EXPECT_EQ(c->getValue<std::string>("column_day"), "AdSpendYesterday");
    EXPECT_EQ(c->getValue<std::string>("column_acos"), "ACoS30Days");
    EXPECT_EQ(c->getValue<int>("send_hour"), 9);
    EXPECT_EQ(c->getArray("link_rules")->size(), 6U);
    EXPECT_EQ(page->getArray("link_rule_names")->size(), 7U) << "walmart_id too";
    const std::string settings = w.connPath("/settings");

    // Every wrong value is named; nothing is saved.
    auto r = w.h.put(settings, R"({"column_7d":"Ad,Spend","column_30d":"AdSpendYesterday","column_sales":" Sales",
                                   "send_hour":24,"link_rules":["sku","bogus"]})");
    ASSERT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(errorFields(r), (std::vector<std::string>{"column_7d", "column_30d", "column_sales", "send_hour", "link_rules"}));
    EXPECT_NE(r.body.find("cannot contain a comma"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("the same name as the last day's ad spend column"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("0 to 23"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("unknown product linking rule \\\"bogus\\\""), std::string::npos) << r.body;
    r = w.h.put(settings, R"({"column_day":"","column_7d":"","column_30d":"","column_sales":"","column_acos":""})");
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.error().find("name at least one custom column"), std::string::npos) << r.body;
    r = w.h.put(settings, R"({"link_rules":[]})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.error(), "choose at least one product linking rule");
    EXPECT_EQ(w.h.put(settings, R"({"link_rules":["sku","sku"]})").status, 400) << "each rule once, as the CLI says";
    EXPECT_EQ(w.h.put(settings, R"({"send_hour":"nine"})").json()->getValue<std::string>("field"), "send_hour");
    EXPECT_EQ(w.h.put(settings, R"({"column_day":7})").json()->getValue<std::string>("field"), "column_day");
    EXPECT_EQ(w.h.request("PUT", settings, R"({"send_hour":7})", {}, false).status, 403);
    const auto unchanged = w.h.store->read([&](store::Tx& tx) { return *store::SellercloudConnections(tx.database()).find(w.connectionId); });
    EXPECT_EQ(unchanged.sendHour, 9);
    EXPECT_EQ(unchanged.columns.spend7d, "AdSpend7Days");

    // A cached link made by a rule, and one made by hand: changing the rules drops only the first.
    w.h.store->write([&](store::Tx& tx) {
        store::SellercloudProducts products(tx.database());
        products.saveLink(w.connectionId, 1, {"OLD-SKU", "OLD-PRODUCT", "sku", std::nullopt, kNow});
        products.saveLink(w.connectionId, 1, {"HAND-SKU", "PROD-C", "manual", std::nullopt, kNow});
    });
    r = w.h.put(settings, R"({"column_7d":"Spend7","send_hour":"6","link_rules":["amazon_sku","sku"]})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.json()->getValue<std::string>("message").find("1 cached product links were dropped"), std::string::npos) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("column_7d"), "Spend7");
    const auto saved = w.h.store->read([&](store::Tx& tx) { return *store::SellercloudConnections(tx.database()).find(w.connectionId); });
    EXPECT_EQ(saved.columns.spend7d, "Spend7");
    EXPECT_EQ(saved.columns.spendDay, "AdSpendYesterday") << "fields not sent are kept";
    EXPECT_EQ(saved.sendHour, 6);
    EXPECT_EQ(saved.linkRules, (std::vector<std::string>{"amazon_sku", "sku"}));
    EXPECT_EQ(saved.testVerdict, unchanged.testVerdict) << "the rest of the connection is untouched";
    w.h.store->read([&](store::Tx& tx) {
        store::SellercloudProducts products(tx.database());
        EXPECT_FALSE(products.link(w.connectionId, 1, "OLD-SKU"));
        EXPECT_TRUE(products.link(w.connectionId, 1, "HAND-SKU"));
    });
    EXPECT_EQ(eventsContaining(w.h, "Sellercloud settings changed by admin"), 1);
    EXPECT_EQ(w.h.put(settings, R"({"send_hour":6})").json()->getValue<std::string>("message"), "Nothing changed.");

    // The next send writes the renamed column (Sellercloud knows it), the ones left as they were too.
    w.sim.control(R"({"custom_columns": ["AdSpendYesterday", "Spend7", "AdSpend30Days", "AdSales30Days", "ACoS30Days"]})");
    ASSERT_EQ(w.map(w.first, 1).status, 200);
    w.spend(w.first, "SKU-A", 1000);
    ASSERT_EQ(w.runDaemonPush().sends.size(), 1U);
    EXPECT_EQ(w.sim.value("SKU-A", "Spend7"), "10");
    EXPECT_EQ(w.sim.value("SKU-A", "AdSpend7Days"), "<unset>");
    EXPECT_EQ(w.sim.value("SKU-A", "AdSpendYesterday"), "10");
}

TEST(SellercloudApi, SkusAreLinkedByHandListedAndUnlinked) {
    World w;
    ASSERT_EQ(w.connect().status, 200);
    const std::string links = w.connPath("/links");
    EXPECT_EQ(w.h.get(links).json()->getArray("links")->size(), 0U);

    auto r = w.h.put(links, R"({"sku":"","product_id":" PROD-C","sc_company_id":0})");
    ASSERT_EQ(r.status, 400);
    EXPECT_EQ(errorFields(r), (std::vector<std::string>{"sku", "product_id", "sc_company_id"}));
    EXPECT_EQ(w.h.put(links, R"({"sku":"ALIAS-1","product_id":"PROD-C"})").json()->getValue<std::string>("field"), "sc_company_id");
    EXPECT_EQ(w.h.request("PUT", links, R"({"sku":"ALIAS-1","product_id":"PROD-C","sc_company_id":1})", {}, false).status, 403);

    r = w.h.put(links, R"({"sku":"ALIAS-1","product_id":"PROD-C","sc_company_id":1})");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto list = w.h.get(links).json()->getArray("links");
    ASSERT_EQ(list->size(), 1U);
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("sku"), "ALIAS-1");
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("product_id"), "PROD-C");
    EXPECT_EQ(eventsContaining(w.h, "SKU ALIAS-1 linked by hand to product PROD-C"), 1);

    // The send uses it: the alias SKU's spend lands on PROD-C, recorded as linked by hand.
    ASSERT_EQ(w.map(w.first, 1).status, 200);
    w.spend(w.first, "ALIAS-1", 700);
    ASSERT_EQ(w.runDaemonPush().sends.size(), 1U);
    EXPECT_EQ(w.sim.value("PROD-C", "AdSpend30Days"), "7");
    const auto send = w.h.get(w.connPath("/sends")).json()->getArray("sends")->getObject(0);
    const auto records = w.h.get("/api/sellercloud/sends/" + std::to_string(send->getValue<std::int64_t>("id")) + "?q=alias")
                             .json()->getArray("records");
    ASSERT_EQ(records->size(), 1U);
    EXPECT_EQ(records->getObject(0)->getValue<std::string>("rule"), "manual");

    EXPECT_EQ(w.h.request("DELETE", links, R"({"sku":"ALIAS-1","sc_company_id":1})", {}, false).status, 403);
    EXPECT_EQ(w.h.request("DELETE", links, R"({"sku":"ALIAS-1","sc_company_id":2})").status, 404);
    r = w.h.request("DELETE", links, R"({"sku":"ALIAS-1","sc_company_id":1})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(w.h.get(links).json()->getArray("links")->size(), 0U);
    EXPECT_FALSE(w.h.store->read([&](store::Tx& tx) { return store::SellercloudProducts(tx.database()).link(w.connectionId, 1, "ALIAS-1"); }));
    EXPECT_EQ(w.h.request("DELETE", links, R"({"sku":"ALIAS-1","sc_company_id":1})").status, 404);
}
