// The ad spend sync against the simulator (tools/ads_sim): backfill across report chunks, restatement re-pulls
// that replace, 425 reuse, 429/500 then success, FAILED reports, revoked tokens, the Sponsored Brands
// allocation, time zones, the schedule, Connect with Amazon, and Walmart Connect.

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "daemon/ads/connect.hpp"
#include "daemon/ads/credentials.hpp"
#include "daemon/ads/errors.hpp"
#include "daemon/ads/sync.hpp"
#include "daemon/ads/walmart.hpp"
#include "daemon/net/clock.hpp"
#include "daemon/amazon/consent.hpp"
#include "daemon/common/datetime.hpp"
#include "daemon/store/work_leases.hpp"
#include "daemon/store/ad_spend.hpp"
#include "daemon/store/ads_accounts.hpp"
#include "daemon/store/secrets.hpp"
#include "daemon/store/store.hpp"
#include "tests/unit/ads/ads_sim_process.hpp"

namespace settlebridge::ads {
namespace {

using settlebridge::testing::AdsSim;
using settlebridge::testing::TempDir;
using namespace std::chrono_literals;

constexpr const char* kUsProfile = "999999999";  // from tools/ads_sim/profiles.json

store::Timestamp realNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string utcDaysBack(int days) {
    return common::formatUtcDate(realNow() - static_cast<store::Timestamp>(days) * 86400);
}

/// The simulator's data set: 100 days of SP (SKU-A in two ad groups, SKU-B), SD (SKU-A) and one SB campaign
/// promoting both ASINs. Per day: SP 1.25+0.10+0.33, SD 0.07, SB 1.00.
std::string dataSet(const std::string& spCostA = "1.25", const std::string& changedDay = "") {
    std::string sp, sd, sb;
    for (int d = 0; d < 100; ++d) {
        const std::string date = utcDaysBack(d);
        const std::string costA = date == changedDay ? spCostA : "1.25";
        auto comma = [](std::string& s) {
            if (!s.empty()) s += ",";
        };
        comma(sp);
        sp += R"({"date":")" + date + R"(","campaignId":111,"adGroupId":1,"adId":11,"advertisedAsin":"B0AAAA0001",)"
              R"("advertisedSku":"SKU-A","cost":")" + costA + R"(","clicks":3,"impressions":100,"sales7d":"10.00","purchases7d":1},)"
              R"({"date":")" + date + R"(","campaignId":111,"adGroupId":2,"adId":12,"advertisedAsin":"B0AAAA0001",)"
              R"("advertisedSku":"SKU-A","cost":"0.10","clicks":1,"impressions":20,"sales7d":"0","purchases7d":0},)"
              R"({"date":")" + date + R"(","campaignId":111,"adGroupId":1,"adId":13,"advertisedAsin":"B0BBBB0002",)"
              R"("advertisedSku":"SKU-B","cost":"0.33","clicks":2,"impressions":50,"sales7d":"30.00","purchases7d":2})";
        comma(sd);
        sd += R"({"date":")" + date + R"(","campaignId":222,"adGroupId":5,"adId":51,"promotedAsin":"B0AAAA0001",)"
              R"("promotedSku":"SKU-A","cost":"0.07","clicks":1,"impressions":40,"sales":"1.00","purchases":1})";
        comma(sb);
        sb += R"({"date":")" + date + R"(","campaignId":555,"cost":"1.00","clicks":1,"impressions":10,"sales":"2.00","purchases":0})";
    }
    return R"({"data":{"spend":{")" + std::string(kUsProfile) + R"(":{"SP":[)" + sp + R"(],"SD":[)" + sd + R"(],"SB":[)" + sb +
           R"(]}},"sb_ads":{")" + kUsProfile +
           R"(":[{"adId":"9001","campaignId":"555","creative":{"asins":["B0AAAA0001","B0BBBB0002"]}}]}}})";
}

class AdsSyncTest : public ::testing::Test {
protected:
    AdsSyncTest()
        : store_(dir_.file("db.sqlite")), box_(store::SecretBox::fromKey(std::string(32, 'k'))), clock_(std::chrono::system_clock::now()) {
        sim_.control(dataSet());
        sim_.control(R"({"pending_polls": 1})");
    }

    AdsConnectConfig connectConfig() const {
        AdsConnectConfig c;
        c.clientId = settlebridge::testing::kAdsClientId;
        c.clientSecret = settlebridge::testing::kAdsClientSecret;
        c.redirectUri = "https://settlebridge.example/oauth/amazon-ads/callback";
        c.authorizeUrl = sim_.url() + "/ap/oa";
        c.tokenUrl = sim_.url() + "/auth/o2/token";
        c.apiEndpoint = sim_.url();
        c.retry = settlebridge::testing::fastAdsRetry();
        return c;
    }

    AdsSyncOptions syncOptions() {
        AdsSyncOptions o;
        o.amazonEndpoint = sim_.url();
        o.amazonTokenUrl = sim_.url() + "/auth/o2/token";
        o.walmartEndpoint = sim_.url();
        o.retry = settlebridge::testing::fastAdsRetry();
        o.pollInitial = 10ms;
        o.pollMax = 20ms;
        o.clock = &clock_;
        return o;
    }

    /// An Amazon Ads account connected with a pasted token; only the US profile enabled.
    ConnectedAccount connect(const std::string& name = "Main", int backfillDays = 30,
                             const std::string& token = settlebridge::testing::kAdsRefreshToken) {
        AdsConnectConfig c = connectConfig();
        c.backfillDays = backfillDays;
        AdsConnect connect(store_, box_, c, clock_);
        ConnectedAccount a = connect.addRefreshToken(name, amazon::Region::NA, token, std::nullopt, realNow());
        store_.write([&](store::Tx& tx) {
            store::AdsProfiles ps(tx.database());
            for (const auto& p : a.profiles) ps.setEnabled(p.id, p.info.profileId == kUsProfile, realNow());
        });
        return a;
    }

    std::int64_t usRow(const ConnectedAccount& a) const {
        for (const auto& p : a.profiles) {
            if (p.info.profileId == kUsProfile) return p.id;
        }
        ADD_FAILURE() << "no US profile";
        return 0;
    }

    store::AdsProfile profile(std::int64_t row) {
        return *store_.read([&](store::Tx& tx) { return store::AdsProfiles(tx.database()).find(row); });
    }

    std::vector<store::DaySpend> days(std::int64_t row, const std::string& from, const std::string& to) {
        return store_.read([&](store::Tx& tx) { return store::AdSpend(tx.database()).byDay(row, from, to); });
    }

    AdsSim sim_;
    TempDir dir_;
    store::Store store_;
    store::SecretBox box_;
    net::ManualClock clock_;
};

TEST_F(AdsSyncTest, BackfillAcrossReportChunksStoresExactCentsPerDay) {
    const ConnectedAccount a = connect("Main", 45);
    ASSERT_EQ(a.profiles.size(), 3u);  // the fixture's three profiles
    const std::int64_t row = usRow(a);
    std::vector<AdsProgress> progress;
    AdsSyncOptions o = syncOptions();
    o.progress = [&](const AdsProgress& p) { progress.push_back(p); };
    AdsSync sync(store_, box_, o);

    const AdsRunReport r = sync.runDue(realNow());
    ASSERT_TRUE(r.errors.empty()) << r.errors.front();
    EXPECT_EQ(r.profilesSynced, 1);
    // 45 days: SP 31+14, SD 31+14, SB 31+14 (all inside retention).
    EXPECT_EQ(r.reports, 6);
    EXPECT_EQ(sim_.count("createReport"), 6);
    ASSERT_FALSE(progress.empty());
    EXPECT_EQ(progress.front().steps, 6);
    EXPECT_EQ(progress.back().what, "done");

    const store::AdsProfile p = profile(row);
    EXPECT_EQ(p.backfill, store::BackfillState::Done);
    EXPECT_EQ(p.sync.state, store::AdsSyncState::Ok);
    EXPECT_GT(p.sync.nextSyncAt, realNow());

    const std::string today = profileToday("America/Los_Angeles", realNow());
    const auto spend = days(row, addDays(today, -44), today);
    ASSERT_EQ(spend.size(), 45u * 3);
    for (const auto& d : spend) {
        if (d.adProduct == "SP") {
            EXPECT_EQ(d.cost, 168) << d.date;
        }
        if (d.adProduct == "SD") {
            EXPECT_EQ(d.cost, 7) << d.date;
        }
        if (d.adProduct == "SB") {
            EXPECT_EQ(d.cost, 100) << d.date;
        }
    }
    EXPECT_TRUE(days(row, addDays(today, -60), addDays(today, -45)).empty());

    // Every report request had the documented shape and headers.
    for (const auto& req : sim_.requests("createReport")) {
        const auto headers = req->getObject("headers");
        EXPECT_EQ(headers->getValue<std::string>("Amazon-Advertising-API-Scope"), kUsProfile);
        EXPECT_EQ(headers->getValue<std::string>("Amazon-Advertising-API-ClientId"), settlebridge::testing::kAdsClientId);
        EXPECT_EQ(headers->getValue<std::string>("Content-Type"), "application/vnd.createasyncreportrequest.v3+json");
    }
    // The download went without Amazon headers (the simulator refuses them, as S3 does).
    EXPECT_EQ(sim_.count("download"), 6);
}

TEST_F(AdsSyncTest, AnotherDaemonsLeaseOnTheAccountIsLeftAloneUntilItRunsOutAndCoversEachReportWait) {
    const ConnectedAccount a = connect("Main", 5);
    const std::int64_t row = usRow(a);
    const std::string lease = AdsSync::leaseName(a.account.id);
    auto holderAt = [&](store::Timestamp at) {
        return store_.read([&](store::Tx& tx) { return store::WorkLeases(tx.database()).holder(lease, at); });
    };
    const store::Timestamp now = realNow();
    // Another daemon on the same database is syncing this account (or died while syncing it).
    ASSERT_TRUE(store_.write([&](store::Tx& tx) {
        return store::WorkLeases(tx.database()).claim(lease, "other-daemon", now, now + 60);
    }));
    AdsSyncOptions o = syncOptions();
    std::vector<std::string> holdersDuringReports;  // who holds the lease a full report timeout (+5 min) later
    AdsSync* running = nullptr;
    o.progress = [&](const AdsProgress& p) {
        if (p.what != "done") holdersDuringReports.push_back(holderAt(now + 60 + 35 * 60));
    };
    AdsSync sync(store_, box_, o);
    running = &sync;

    const AdsRunReport held = sync.runDue(now);
    EXPECT_EQ(held.accountsSkippedForAnotherDaemon, 1);
    EXPECT_EQ(held.profilesSynced, 0);
    EXPECT_TRUE(held.errors.empty());
    const AdsRunReport manual = sync.syncProfile(row, now + 30, 0);
    EXPECT_EQ(manual.accountsSkippedForAnotherDaemon, 1);
    ASSERT_EQ(manual.errors.size(), 1u);
    EXPECT_NE(manual.errors[0].find("another Settlebridge daemon"), std::string::npos) << manual.errors[0];
    EXPECT_EQ(sim_.count("createReport"), 0);
    EXPECT_NE(profile(row).backfill, store::BackfillState::Done);
    EXPECT_EQ(holderAt(now + 59), "other-daemon");

    // The other daemon died: once its lease has run out this one takes the account over. While it waits for each
    // report the lease reaches past the report timeout (renewed per report); when the run ends it is released.
    const AdsRunReport taken = sync.runDue(now + 60);
    ASSERT_TRUE(taken.errors.empty()) << taken.errors.front();
    EXPECT_EQ(taken.accountsSkippedForAnotherDaemon, 0);
    EXPECT_EQ(taken.profilesSynced, 1);
    EXPECT_EQ(profile(row).backfill, store::BackfillState::Done);
    ASSERT_EQ(holdersDuringReports.size(), static_cast<std::size_t>(taken.reports));
    for (const auto& h : holdersDuringReports) EXPECT_EQ(h, running->holder());
    EXPECT_EQ(holderAt(now + 60), "");
    // A second daemon finds nothing due.
    AdsSync second(store_, box_, syncOptions());
    EXPECT_NE(second.holder(), sync.holder());
    const AdsRunReport after = second.runDue(now + 61);
    EXPECT_EQ(after.profilesSynced, 0);
    EXPECT_EQ(after.accountsSkippedForAnotherDaemon, 0);
}

TEST_F(AdsSyncTest, SponsoredBrandsSpendIsAllocatedToSkusSummingToTheCent) {
    const std::int64_t row = usRow(connect("Main", 5));
    AdsSync sync(store_, box_, syncOptions());
    ASSERT_TRUE(sync.runDue(realNow()).errors.empty());
    const std::string today = profileToday("America/Los_Angeles", realNow());
    const auto rows = store_.read([&](store::Tx& tx) { return store::AdSpend(tx.database()).rows(row, addDays(today, -4), today); });
    std::map<std::string, std::map<std::string, store::Cents>> sb;  // date → sku → cost
    for (const auto& r : rows) {
        if (r.adProduct != "SB") continue;
        EXPECT_TRUE(r.allocated);
        sb[r.date][r.sku] += r.cost;
    }
    ASSERT_EQ(sb.size(), 5u);
    for (const auto& [date, bySku] : sb) {
        ASSERT_EQ(bySku.size(), 2u) << date;
        EXPECT_EQ(bySku.at("SKU-A") + bySku.at("SKU-B"), 100) << date;
        // By attributed sales share (SKU-A 11.00/day, SKU-B 30.00/day).
        EXPECT_LT(bySku.at("SKU-A"), bySku.at("SKU-B")) << date;
        EXPECT_GT(bySku.at("SKU-A"), 0) << date;
    }
    EXPECT_EQ(sim_.count("listSbAds"), 1);
    // The per-SKU read API includes the allocated spend.
    const auto skus = store_.read([&](store::Tx& tx) {
        return store::AdSpend(tx.database()).bySku(row, today, today, {"SP", "SD", "SB"});
    });
    ASSERT_EQ(skus.size(), 2u);
    EXPECT_EQ(skus[0].sku, "SKU-A");
    EXPECT_EQ(skus[0].cost + skus[1].cost, 168 + 7 + 100);
}

TEST_F(AdsSyncTest, RestatementReplacesThePastDayNeverAdds) {
    const std::int64_t row = usRow(connect("Main", 10));
    AdsSync sync(store_, box_, syncOptions());
    ASSERT_TRUE(sync.runDue(realNow()).errors.empty());
    const std::string today = profileToday("America/Los_Angeles", realNow());
    // Amazon restates one day's cost (1.25 → 2.50) five days back.
    const std::string day = addDays(today, -5);
    sim_.control(dataSet("2.50", day));
    for (int i = 0; i < 2; ++i) {
        const AdsRunReport r = sync.syncProfile(row, realNow(), 7);
        ASSERT_TRUE(r.errors.empty()) << r.errors.front();
    }
    const auto d = days(row, day, day);
    ASSERT_EQ(d.size(), 3u);  // SB, SD, SP
    EXPECT_EQ(d[2].adProduct, "SP");
    EXPECT_EQ(d[2].cost, 250 + 10 + 33);  // the new value, once
    EXPECT_EQ(d[1].cost, 7);
    const auto other = days(row, addDays(today, -4), addDays(today, -4));
    ASSERT_EQ(other.size(), 3u);
    EXPECT_EQ(other[2].cost, 168);
}

TEST_F(AdsSyncTest, DuplicateReportIsReusedAnd429And500AreRetried) {
    const std::int64_t row = usRow(connect("Main", 2));
    sim_.control(R"({"duplicate_next_create": true,
                     "fail_next": [{"operation": "createReport", "status": 429, "retry_after": 1},
                                   {"operation": "getReport", "status": 500},
                                   {"operation": "download", "status": 503}]})");
    AdsSync sync(store_, box_, syncOptions());
    const AdsRunReport r = sync.syncProfile(row, realNow(), 2);
    ASSERT_TRUE(r.errors.empty()) << r.errors.front();
    EXPECT_EQ(r.reports, 3);
    // The 429 was honoured (Retry-After 1 s on the clock), then the 425 named an existing report that was used.
    EXPECT_GE(clock_.totalSlept(), 1000ms);
    const auto reports = sim_.state()->getArray("reports");
    EXPECT_EQ(reports->size(), 3u);  // no second report made for the duplicate
    const std::string today = profileToday("America/Los_Angeles", realNow());
    EXPECT_EQ(days(row, addDays(today, -1), today).size(), 6u);
}

TEST_F(AdsSyncTest, FailedReportSetsTheProfileInErrorAndTheNextRunRecovers) {
    const std::int64_t row = usRow(connect("Main", 3));
    sim_.control(R"({"fail_reports": ["sbCampaigns"]})");
    AdsSync sync(store_, box_, syncOptions());
    const AdsRunReport r = sync.runDue(realNow());
    EXPECT_EQ(r.profilesFailed, 1);
    ASSERT_EQ(r.errors.size(), 1u);
    const auto p = profile(row);
    EXPECT_EQ(p.sync.state, store::AdsSyncState::Error);
    EXPECT_NE(p.sync.message.find("could not make report"), std::string::npos) << p.sync.message;
    EXPECT_EQ(p.backfill, store::BackfillState::Pending);
    // Not retried before errorRetry...
    EXPECT_EQ(sync.runDue(realNow() + 60).profilesSynced + sync.runDue(realNow() + 60).profilesFailed, 0);
    // ...then it works.
    sim_.control(R"({"fail_reports": []})");
    const AdsRunReport again = sync.runDue(realNow() + 16 * 60);
    EXPECT_EQ(again.profilesSynced, 1);
    EXPECT_EQ(profile(row).backfill, store::BackfillState::Done);
    const auto events = store_.read([](store::Tx& tx) { return tx.events().recent(std::nullopt, 10); });
    bool sawError = false;
    for (const auto& e : events) sawError = sawError || e.level == store::EventLevel::Error;
    EXPECT_TRUE(sawError);
}

TEST_F(AdsSyncTest, RevokedRefreshTokenFailsThatAccountOnlyWithAClearError) {
    const ConnectedAccount revoked = connect("Revoked", 2, "Atzr|to-be-revoked");
    const ConnectedAccount fine = connect("Fine", 2);
    sim_.control(R"({"revoke_refresh_token": "Atzr|to-be-revoked", "expire_access_tokens": true})");
    AdsSync sync(store_, box_, syncOptions());
    const AdsRunReport r = sync.runDue(realNow());
    EXPECT_EQ(r.accountsFailed, 1);
    EXPECT_EQ(r.profilesSynced, 1);
    const auto account = store_.read([&](store::Tx& tx) { return store::AdsAccounts(tx.database()).find(revoked.account.id); });
    EXPECT_EQ(account->sync.state, store::AdsSyncState::Error);
    EXPECT_NE(account->sync.message.find("revoked or has expired"), std::string::npos) << account->sync.message;
    EXPECT_EQ(profile(usRow(revoked)).sync.state, store::AdsSyncState::Error);
    EXPECT_EQ(profile(usRow(fine)).sync.state, store::AdsSyncState::Ok);
    const auto fineAccount = store_.read([&](store::Tx& tx) { return store::AdsAccounts(tx.database()).find(fine.account.id); });
    EXPECT_EQ(fineAccount->sync.state, store::AdsSyncState::Ok);
}

TEST_F(AdsSyncTest, ScheduleRecentHourlyRestatementDailyAndSyncNow) {
    const std::int64_t row = usRow(connect("Main", 3));
    AdsSync sync(store_, box_, syncOptions());
    const store::Timestamp t0 = realNow();
    ASSERT_EQ(sync.runDue(t0).profilesSynced, 1);
    const int afterBackfill = sim_.count("createReport");
    EXPECT_EQ(sync.runDue(t0 + 10 * 60).profilesSynced, 0);  // nothing due yet
    EXPECT_EQ(sim_.count("createReport"), afterBackfill);
    // An hour later: the recent window only (2 days, one report per ad product).
    EXPECT_EQ(sync.runDue(t0 + 61 * 60).reports, 3);
    // A day later: recent + the four restatement windows (SB's 51–60 clipped to its 60-day retention).
    const AdsRunReport daily = sync.runDue(t0 + 25 * 3600);
    EXPECT_EQ(daily.reports, 3 * 5);
    // "Sync now" for the last 40 days: SP/SD/SB 31+9 each.
    store_.write([&](store::Tx& tx) { store::AdsProfiles(tx.database()).requestSync(row, true, 40, t0); });
    EXPECT_EQ(sync.runDue(t0 + 25 * 3600 + 60).reports, 6);
    EXPECT_FALSE(profile(row).sync.requested);
    // An account's "sync now" runs its profiles' regular windows at once.
    const std::int64_t accountId = profile(row).accountId;
    store_.write([&](store::Tx& tx) { store::AdsAccounts(tx.database()).requestSync(accountId, true, t0); });
    EXPECT_EQ(sync.runDue(t0 + 25 * 3600 + 120).reports, 3 * 5);
    EXPECT_FALSE(store_.read([&](store::Tx& tx) { return store::AdsAccounts(tx.database()).list(); }).front().sync.requested);
    // A disabled profile is left alone.
    store_.write([&](store::Tx& tx) { store::AdsProfiles(tx.database()).setEnabled(row, false, t0); });
    EXPECT_EQ(sync.runDue(t0 + 3 * 86400).profilesSynced, 0);
}

TEST_F(AdsSyncTest, DaysFollowTheProfilesTimeZone) {
    // 2026-05-10 20:00 UTC is 2026-05-11 in Tokyo and 2026-05-10 in Los Angeles.
    const store::Timestamp t = common::utcFromCivil({{2026, 5, 10}, 20, 0, 0});
    EXPECT_EQ(profileToday("Asia/Tokyo", t), "2026-05-11");
    EXPECT_EQ(profileToday("America/Los_Angeles", t), "2026-05-10");
    EXPECT_EQ(profileToday("Not/AZone", t), "2026-05-10");  // unknown zone: UTC

    // A Tokyo profile's recent window ends on Tokyo's today.
    const ConnectedAccount a = connect("Main", 2);
    const std::int64_t row = usRow(a);
    store::ImportedProfile info = profile(row).info;
    info.timeZone = "Asia/Tokyo";
    store_.write([&](store::Tx& tx) { store::AdsProfiles(tx.database()).upsertImported(a.account.id, info, realNow()); });
    AdsSync sync(store_, box_, syncOptions());
    ASSERT_TRUE(sync.syncProfile(row, realNow(), 1).errors.empty());
    const std::string tokyoToday = profileToday("Asia/Tokyo", realNow());
    for (const auto& req : sim_.requests("createReport")) {
        const std::string body = req->getValue<std::string>("body");
        EXPECT_NE(body.find("\"endDate\":\"" + tokyoToday + "\""), std::string::npos) << body;
    }
}

TEST_F(AdsSyncTest, ConnectWithAmazonStoresTheAccountAndImportsProfiles) {
    AdsConnect connect(store_, box_, connectConfig(), clock_);
    const amazon::ConsentStart start = connect.begin("Brand A", amazon::Region::NA, std::nullopt);
    EXPECT_NE(start.url.find("scope=advertising%3A%3Acampaign_management"), std::string::npos) << start.url;
    EXPECT_NE(start.url.find("response_type=code"), std::string::npos);
    // The browser goes to Amazon and comes back to the redirect URI.
    const auto consent = settlebridge::testing::httpExchange(sim_.port(), "GET", start.url.substr(sim_.url().size()));
    ASSERT_EQ(consent.status, 302) << consent.body;
    ASSERT_EQ(consent.location.rfind("https://settlebridge.example/oauth/amazon-ads/callback?", 0), 0u) << consent.location;
    const ConnectedAccount a = connect.complete(consent.location, realNow());
    EXPECT_EQ(a.account.name, "Brand A");
    EXPECT_EQ(a.account.region, "NA");
    EXPECT_TRUE(a.account.hasCredentials);
    ASSERT_EQ(a.profiles.size(), 3u);
    EXPECT_EQ(a.profiles[0].info.currencyCode, "CAD");
    EXPECT_EQ(a.profiles[2].info.marketplaceId, "ATVPDKIKX0DER");
    const auto creds = store_.read([&](store::Tx& tx) { return store::AdsAccounts(tx.database()).credentials(a.account.id, box_); });
    EXPECT_EQ(AmazonAdsCredentials::fromJson(*creds).refreshToken, settlebridge::testing::kAdsRefreshToken);

    // The code is single use; a forged state and a declined consent are refused; nothing more is stored.
    EXPECT_THROW(connect.complete(consent.location, realNow()), amazon::LwaError);
    EXPECT_THROW(connect.complete("?code=abc&state=forged.state", realNow()), amazon::ConsentError);
    sim_.control(R"({"consent_decline": true})");
    const auto declined =
        settlebridge::testing::httpExchange(sim_.port(), "GET", connect.begin("X", amazon::Region::NA).url.substr(sim_.url().size()));
    EXPECT_THROW(connect.complete(declined.location, realNow()), amazon::ConsentError);
    // An expired state.
    const amazon::ConsentStart old = connect.begin("Late", amazon::Region::NA);
    clock_.advance(std::chrono::hours(1));
    EXPECT_THROW(connect.complete("?code=x&state=" + net::percentEncode(old.state), realNow()), amazon::ConsentError);
    EXPECT_EQ(store_.read([](store::Tx& tx) { return store::AdsAccounts(tx.database()).list(); }).size(), 1u);
    // A pasted token that Amazon refuses stores nothing either.
    EXPECT_THROW(connect.addRefreshToken("Bad", amazon::Region::NA, "not-a-token", std::nullopt, realNow()), amazon::LwaError);
    EXPECT_EQ(store_.read([](store::Tx& tx) { return store::AdsAccounts(tx.database()).list(); }).size(), 1u);
}

std::string rsaPrivateKeyPem() {
    EVP_PKEY* key = EVP_RSA_gen(2048);
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    EVP_PKEY_free(key);
    return pem;
}

TEST_F(AdsSyncTest, WalmartItemSpendIsMappedToSkusThroughTheItemReport) {
    const std::string d1 = utcDaysBack(2);
    const std::string d2 = utcDaysBack(3);
    sim_.control(R"({"data": {"walmart": {"5551": {
        "items": [{"itemId": "123456", "sku": "WM-SKU-1"}, {"itemId": "777", "sku": "WM-SKU-2"}],
        "adItem": [
          {"date": ")" + d1 + R"(", "campaignId": "41", "itemId": "123456", "adSpend": "3.105", "numAdsClicks": "4", "numAdsShown": "90", "attributedSales14days": "25.5", "attributedOrders14days": "1"},
          {"date": ")" + d1 + R"(", "campaignId": "41", "itemId": "999", "adSpend": "1.00", "numAdsClicks": "1", "numAdsShown": "10", "attributedSales14days": "0", "attributedOrders14days": "0"},
          {"date": ")" + d2 + R"(", "campaignId": "41", "itemId": "777", "adSpend": "0.5", "numAdsClicks": "1", "numAdsShown": "5", "attributedSales14days": "", "attributedOrders14days": ""}
        ]}}}})");
    WalmartCredentials creds;
    creds.authToken = settlebridge::testing::kWalmartToken;
    creds.consumerId = settlebridge::testing::kWalmartConsumer;
    creds.privateKey = rsaPrivateKeyPem();
    AdsConnect connect(store_, box_, connectConfig(), clock_);
    const ConnectedAccount a = connect.addWalmart("Walmart", "5551", creds, "USD", "UTC", std::nullopt, realNow());
    ASSERT_EQ(a.profiles.size(), 1u);
    const std::int64_t row = a.profiles[0].id;

    AdsSync sync(store_, box_, syncOptions());
    const AdsRunReport r = sync.syncProfile(row, realNow(), 5);
    ASSERT_TRUE(r.errors.empty()) << r.errors.front();
    const auto rows = store_.read([&](store::Tx& tx) { return store::AdSpend(tx.database()).rows(row, utcDaysBack(10), utcDaysBack(0)); });
    ASSERT_EQ(rows.size(), 3u);
    std::map<std::string, store::AdSpendRow> byItem;
    for (const auto& x : rows) byItem[x.asin] = x;
    EXPECT_EQ(byItem["123456"].sku, "WM-SKU-1");
    EXPECT_EQ(byItem["123456"].cost, 311);  // 3.105 rounded half away from zero
    EXPECT_EQ(byItem["123456"].sales, 2550);
    EXPECT_EQ(byItem["123456"].adProduct, "WALMART");
    EXPECT_EQ(byItem["999"].sku, "");  // not in the item report: kept by item id
    EXPECT_EQ(byItem["777"].sku, "WM-SKU-2");
    EXPECT_EQ(byItem["777"].sales, 0);
    // Signed headers on every call; the snapshot never includes the current day.
    for (const auto& req : sim_.requests("walmartCreateSnapshot")) {
        const auto headers = req->getObject("headers");
        EXPECT_FALSE(headers->getValue<std::string>("WM_SEC.AUTH_SIGNATURE").empty());
        EXPECT_EQ(headers->getValue<std::string>("WM_SEC.KEY_VERSION"), "1");
        EXPECT_EQ(req->getValue<std::string>("body").find(utcDaysBack(0) + "\""), std::string::npos);
    }
    EXPECT_EQ(sim_.count("walmartCreateSnapshot"), 2);  // the item report, then adItem

    // Wrong credentials: a clear error on the profile.
    creds.authToken = "wrong";
    const ConnectedAccount bad = connect.addWalmart("Bad", "5551", creds, "USD", "UTC", std::nullopt, realNow());
    const AdsRunReport failed = sync.syncProfile(bad.profiles[0].id, realNow(), 2);
    ASSERT_EQ(failed.errors.size(), 1u);
    EXPECT_NE(failed.errors[0].find("HTTP 401"), std::string::npos) << failed.errors[0];
    EXPECT_EQ(profile(bad.profiles[0].id).sync.state, store::AdsSyncState::Error);
}

}  // namespace
}  // namespace settlebridge::ads
