// The settlement sync against the Amazon simulator: a real SQLite store, real HTTP on loopback.
#include "daemon/amazon/settlement_sync.hpp"

#include <gtest/gtest.h>

#include <ctime>
#include <functional>

#include "daemon/amazon/accounts.hpp"
#include "daemon/posting/queue.hpp"
#include "daemon/store/work_leases.hpp"
#include "tests/support/test_paths.hpp"
#include "tests/unit/amazon/sim_process.hpp"

namespace settlebridge::amazon {
namespace {

using settlebridge::testing::AmazonSim;
using settlebridge::testing::authorizeInBrowser;
using settlebridge::testing::fastRates;
using settlebridge::testing::fastRetry;
using settlebridge::testing::kSimApplicationId;
using settlebridge::testing::kSimClientId;
using settlebridge::testing::kSimClientSecret;
using settlebridge::testing::kSimRefreshToken;
using settlebridge::testing::settlementFixture;
using settlebridge::testing::TempFolder;
using settlebridge::testing::v2Settlement;
using settlebridge::testing::writeBytes;

// The simulator dates its reports relative to the real clock, so the sync's "now" is the real one.
const store::Timestamp kNow = static_cast<store::Timestamp>(std::time(nullptr));

const char* const kFixtures[] = {
    "v1_CA_CAD_90000000013_refund_ads_micro-deposit_warehouse-damage.txt",
    "v1_CA_CAD_90000000014_storage-fee_ads_shipping-promo_month-end.txt",
    "v1_CA_CAD_90000000015_reversal-reimbursement_refunds.txt",
};

struct SyncFixture {
    TempFolder data;
    TempFolder reports;
    std::unique_ptr<AmazonSim> sim;
    std::unique_ptr<store::Store> store;
    std::unique_ptr<store::SecretBox> box;
    AccountsOptions options;

    explicit SyncFixture(std::vector<std::string> extraSimArgs = {}, bool withFixtures = true) {
        if (withFixtures) {
            for (const char* name : kFixtures) {
                std::filesystem::copy_file(settlementFixture(name), reports.file(name));
            }
        }
        std::vector<std::string> args{"--reports-dir", reports.path().string()};
        for (auto& a : fastRates()) args.push_back(a);
        for (auto& a : extraSimArgs) args.push_back(a);
        sim = std::make_unique<AmazonSim>(args);
        store = std::make_unique<store::Store>(data.file("settlebridge.db"));
        box = std::make_unique<store::SecretBox>(store::SecretBox::openKeyFile(data.file("secrets.key")));
        store->write([](store::Tx& tx) {
            store::Company c;
            c.name = "acme";
            c.mode = store::CompanyMode::Live;
            tx.companies().create(c, "s3cret-pass", kNow, 1000);
        });
        options.retry = fastRetry();
        options.http.ioTimeout = std::chrono::milliseconds(20'000);
        Accounts accounts(*store, *box, options);
        OperatorApp app;
        app.applicationId = kSimApplicationId;
        app.clientId = kSimClientId;
        app.clientSecret = kSimClientSecret;
        app.redirectUri = "http://localhost:8080/oauth/amazon/callback";
        accounts.configureApp(app, sim->url(), kNow);
    }

    store::AmazonConnection connectWithToken(const std::string& token = kSimRefreshToken) {
        ConnectionSetup setup;
        setup.companyName = "acme";
        setup.name = "US seller";
        return Accounts(*store, *box, options).addWithToken(setup, token, "", "", "A1SIMSELLER0001", kNow);
    }

    SettlementSync sync() {
        SettlementSyncOptions o;
        o.accounts = options;
        return SettlementSync(*store, *box, o);
    }

    std::vector<store::Document> documents() {
        return posting::Queue(*store).documents("acme");
    }
    std::vector<store::AmazonReport> reportsSeen(std::int64_t connection) {
        return store->read([&](store::Tx& tx) { return store::AmazonConnections(tx.database()).reports(connection); });
    }
    store::AmazonConnection connection(std::int64_t id) {
        return *store->read([&](store::Tx& tx) { return store::AmazonConnections(tx.database()).find(id); });
    }
};

TEST(SettlementSync, ImportsEveryReportInTheWindowAndRecordsEach) {
    SyncFixture f;
    const auto c = f.connectWithToken();
    const ConnectionSyncReport r = f.sync().syncConnection(c.id, kNow);
    EXPECT_TRUE(r.ok) << r.message;
    EXPECT_EQ(r.listed, 3);
    EXPECT_EQ(r.imported, 3);
    EXPECT_EQ(r.failed, 0);
    const auto seen = f.reportsSeen(c.id);
    ASSERT_EQ(seen.size(), 3U);
    for (const auto& report : seen) {
        EXPECT_EQ(report.outcome, store::ReportOutcome::Imported) << report.message;
        EXPECT_TRUE(report.settlementRow.has_value());
        EXPECT_EQ(report.marketplace, "Amazon.ca");
    }
    EXPECT_GT(f.documents().size(), 3U);
    const auto after = f.connection(c.id);
    EXPECT_EQ(after.syncState, store::SyncState::Ok);
    EXPECT_EQ(after.lastSuccessAt, kNow);
    EXPECT_EQ(after.nextSyncAt, kNow + 360 * 60);
    EXPECT_NE(after.syncMessage.find("3 new settlements"), std::string::npos) << after.syncMessage;
    // The raw report is kept with its settlement, byte for byte what Amazon served (for a summary rebuild).
    f.store->read([&](store::Tx& tx) {
        EXPECT_FALSE(tx.settlements().rawDocument(*seen.front().settlementRow).empty());
    });
}

TEST(SettlementSync, TheSameReportSeenAgainChangesNothing) {
    SyncFixture f;
    const auto c = f.connectWithToken();
    ASSERT_TRUE(f.sync().syncConnection(c.id, kNow).ok);
    const auto documentsBefore = f.documents().size();
    const int downloadsBefore = f.sim->count("download");
    const ConnectionSyncReport again = f.sync().syncConnection(c.id, kNow + 60);
    EXPECT_TRUE(again.ok);
    EXPECT_EQ(again.skipped, 3);
    EXPECT_EQ(again.imported, 0);
    EXPECT_EQ(f.documents().size(), documentsBefore);
    EXPECT_EQ(f.sim->count("download"), downloadsBefore) << "a report already seen is not downloaded again";
}

TEST(SettlementSync, RunDueFollowsTheScheduleAndSyncNowRequests) {
    SyncFixture f;
    const auto c = f.connectWithToken();
    auto sync = f.sync();
    EXPECT_EQ(sync.runDue(kNow).connections.size(), 1U) << "a new connection is due at once";
    EXPECT_EQ(sync.runDue(kNow + 60).connections.size(), 0U) << "not due again before its interval";
    f.store->write([&](store::Tx& tx) { store::AmazonConnections(tx.database()).requestSync(std::nullopt, c.id, kNow); });
    EXPECT_EQ(sync.runDue(kNow + 120).connections.size(), 1U) << "sync now";
    EXPECT_FALSE(f.connection(c.id).syncRequested);
    EXPECT_EQ(sync.runDue(kNow + 180).connections.size(), 0U);
    EXPECT_EQ(sync.runDue(kNow + 120 + 360 * 60).connections.size(), 1U) << "due after its interval";
}

TEST(SettlementSync, AReportThatIsNotASettlementIsKeptAsFailedAndTheOthersGoOn) {
    SyncFixture f;
    writeBytes(f.reports.file("junk.txt"), "this is not a settlement report\nat all\n");
    f.sim = nullptr;  // restart the simulator with the extra file
    std::vector<std::string> args{"--reports-dir", f.reports.path().string()};
    for (auto& a : fastRates()) args.push_back(a);
    f.sim = std::make_unique<AmazonSim>(args);
    Accounts(*f.store, *f.box, f.options).configureApp(OperatorApp{}, f.sim->url(), kNow);
    const auto c = f.connectWithToken();
    const ConnectionSyncReport r = f.sync().syncConnection(c.id, kNow);
    EXPECT_TRUE(r.ok) << r.message;
    EXPECT_EQ(r.imported, 3);
    EXPECT_EQ(r.failed, 1);
    int failed = 0;
    for (const auto& report : f.reportsSeen(c.id)) {
        if (report.outcome != store::ReportOutcome::Failed) continue;
        ++failed;
        EXPECT_NE(report.message.find("Amazon report "), std::string::npos) << "names the report: " << report.message;
        const std::string raw = f.store->read(
            [&](store::Tx& tx) { return store::AmazonConnections(tx.database()).reportRawDocument(report.id); });
        EXPECT_EQ(raw, "this is not a settlement report\nat all\n") << "the input is kept";
    }
    EXPECT_EQ(failed, 1);
    // A report that could not be read is downloaded again at the next sync (the others are not); the error is
    // logged once, not at every retry.
    const auto errorsLogged = [&] {
        int n = 0;
        for (const auto& e : f.store->read([&](store::Tx& tx) { return tx.events().recent(std::nullopt, 1000); }))
            if (e.message.find("could not be read and was kept") != std::string::npos) ++n;
        return n;
    };
    EXPECT_EQ(errorsLogged(), 1);
    const int downloadsBefore = f.sim->count("download");
    const ConnectionSyncReport again = f.sync().syncConnection(c.id, kNow + 60);
    EXPECT_EQ(again.failed, 1);
    EXPECT_EQ(again.skipped, 3);
    EXPECT_EQ(f.sim->count("download"), downloadsBefore + 1);
    EXPECT_EQ(errorsLogged(), 1);
}

TEST(SettlementSync, AReportDownloadedCutShortIsKeptDamagedAndDownloadedAgainAtTheNextSync) {
    const std::string kProjectReport = std::string(SETTLEBRIDGE_SOURCE_DIR) + "/tests/data/settlements/v2_DE_EUR_decimal_comma.txt";
    SyncFixture f({}, false);
    // A project-made report (tests/data), served cut in half once: the parser says it was cut off.
    f.sim->control(R"({"add_report":{"file":")" + kProjectReport +
                   R"("}})");
    const auto c = f.connectWithToken();
    f.sim->control(R"({"cut_next_downloads":1})");
    ConnectionSyncReport r = f.sync().syncConnection(c.id, kNow);
    EXPECT_TRUE(r.ok) << r.message;
    EXPECT_EQ(r.failed, 1);
    EXPECT_EQ(r.imported, 0);
    auto seen = f.reportsSeen(c.id);
    ASSERT_EQ(seen.size(), 1U);
    EXPECT_EQ(seen[0].outcome, store::ReportOutcome::Failed);
    EXPECT_NE(seen[0].message.find("the file looks cut off at line"), std::string::npos) << seen[0].message;
    EXPECT_NE(seen[0].message.find("download it again"), std::string::npos) << seen[0].message;
    const std::string kept = f.store->read(
        [&](store::Tx& tx) { return store::AmazonConnections(tx.database()).reportRawDocument(seen[0].id); });
    EXPECT_EQ(kept.size(), testing::readBytes(kProjectReport).size() / 2)
        << "the damaged copy is kept for inspection";
    EXPECT_TRUE(f.documents().empty()) << "nothing is queued from a damaged copy";

    r = f.sync().syncConnection(c.id, kNow + 60);
    EXPECT_TRUE(r.ok) << r.message;
    EXPECT_EQ(r.imported, 1) << r.message;
    EXPECT_EQ(r.failed, 0);
    seen = f.reportsSeen(c.id);
    ASSERT_EQ(seen.size(), 1U);
    EXPECT_EQ(seen[0].outcome, store::ReportOutcome::Imported) << seen[0].message;
    EXPECT_TRUE(seen[0].settlementRow.has_value());
    EXPECT_FALSE(f.documents().empty());
    // Imported now: not downloaded a third time.
    const int downloads = f.sim->count("download");
    r = f.sync().syncConnection(c.id, kNow + 120);
    EXPECT_EQ(r.skipped, 1);
    EXPECT_EQ(f.sim->count("download"), downloads);
}

TEST(SettlementSync, AReissueReplacesTheReportBeforePostingAndIsFlaggedAfter) {
    SyncFixture f;
    const auto c = f.connectWithToken();
    ASSERT_TRUE(f.sync().syncConnection(c.id, kNow).ok);
    const auto before = f.documents().size();

    // Amazon re-issues 90000000013 before anything was posted: the new report replaces the old one.
    f.sim->control(R"({"reissue":{"settlement_id":"90000000013"}})");
    // Same content re-issued = same bytes: recorded as unchanged, nothing new.
    ConnectionSyncReport r = f.sync().syncConnection(c.id, kNow + 60);
    EXPECT_EQ(r.unchanged, 1) << r.message;
    EXPECT_EQ(f.documents().size(), before);

    // A corrected report (other bytes) for the same settlement id replaces it while nothing was posted.
    std::string corrected = testing::readBytes(settlementFixture(kFixtures[0]));
    corrected += "\n";
    writeBytes(f.reports.file("corrected.txt"), corrected);
    f.sim->control(R"({"reissue":{"settlement_id":"90000000013","file":")" + f.reports.file("corrected.txt").string() +
                   R"("}})");
    r = f.sync().syncConnection(c.id, kNow + 120);
    EXPECT_EQ(r.replaced, 1) << r.message;
    EXPECT_EQ(f.documents().size(), before) << "replaced, not added";

    // Post one of its documents, then another re-issue: kept for review, nothing queued.
    f.store->write([&](store::Tx& tx) {
        auto active = tx.settlements().findActive(1, "90000000013");
        ASSERT_TRUE(active.has_value());
        auto docs = tx.documents().forSettlement(active->id);
        docs.front().state = store::DocState::Posted;
        docs.front().attempts = 1;
        docs.front().sentAt = kNow;
        docs.front().qbTxnId = "1A-1";
        tx.documents().save(docs.front());
    });
    corrected += "\n";
    writeBytes(f.reports.file("corrected2.txt"), corrected);
    f.sim->control(R"({"reissue":{"settlement_id":"90000000013","file":")" + f.reports.file("corrected2.txt").string() +
                   R"("}})");
    r = f.sync().syncConnection(c.id, kNow + 180);
    EXPECT_EQ(r.conflicts, 1) << r.message;
    EXPECT_EQ(f.documents().size(), before) << "never posted twice";
    f.store->read([&](store::Tx& tx) {
        int conflicts = 0;
        for (const auto& s : tx.settlements().list(1)) {
            if (s.settlementId == "90000000013" && s.state == store::SettlementState::Conflict) ++conflicts;
        }
        EXPECT_EQ(conflicts, 2) << "the replaced report and the flagged re-issue are both kept";
    });
}

TEST(SettlementSync, ThrottlingAndServerErrorsAreRetried) {
    SyncFixture f;
    const auto c = f.connectWithToken();
    f.sim->control(R"({"fail_next":[{"operation":"getReports","status":429,"retry_after":0,"count":1},)"
                   R"({"operation":"getReportDocument","status":500,"count":1},)"
                   R"({"operation":"download","status":503,"count":1}]})");
    const ConnectionSyncReport r = f.sync().syncConnection(c.id, kNow);
    EXPECT_TRUE(r.ok) << r.message;
    EXPECT_EQ(r.imported, 3);
}

TEST(SettlementSync, ARevokedTokenIsAClearErrorAndChangesNothingElse) {
    SyncFixture f;
    const auto c = f.connectWithToken();
    f.sim->control(R"({"revoke_refresh_token":true})");
    const ConnectionSyncReport r = f.sync().syncConnection(c.id, kNow);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.message.find("refresh token"), std::string::npos) << r.message;
    EXPECT_TRUE(f.documents().empty());
    EXPECT_TRUE(f.reportsSeen(c.id).empty());
    const auto after = f.connection(c.id);
    EXPECT_EQ(after.syncState, store::SyncState::Error);
    EXPECT_EQ(after.syncMessage, r.message);
    EXPECT_EQ(after.nextSyncAt, kNow + 30 * 60) << "tried again later, not in a loop";
    EXPECT_EQ(after.lastSuccessAt, 0);
}

TEST(SettlementSync, TokenExpiryMidSyncIsRefreshedOnce) {
    SyncFixture f;
    const auto c = f.connectWithToken();
    f.sim->control(R"({"token_lifetime":1})");
    // Expire every token after the listing: the downloads get "expired" and refresh once.
    f.sim->control(R"({"fail_next":[{"operation":"getReportDocument","status":403,"code":"Unauthorized",)"
                   R"("message":"The access token you provided has expired.","count":1}]})");
    const ConnectionSyncReport r = f.sync().syncConnection(c.id, kNow);
    EXPECT_TRUE(r.ok) << r.message;
    EXPECT_EQ(r.imported, 3);
    EXPECT_GE(f.sim->count("token"), 2);
}

TEST(SettlementSync, ConnectWithAmazonStoresTheTokenAndTheSellerThenSyncs) {
    SyncFixture f({"--refresh-token", "none"});
    Accounts accounts(*f.store, *f.box, f.options);
    ConnectionSetup setup;
    setup.companyName = "acme";
    setup.region = Region::NA;
    const ConsentStart start = accounts.beginConnect(setup, kNow);
    const auto pending = accounts.find("acme", "NA seller");
    EXPECT_FALSE(pending.hasRefreshToken);
    EXPECT_EQ(pending.how, "consent");
    const std::string callback = authorizeInBrowser(*f.sim, start.url);
    ASSERT_EQ(callback.rfind("http://localhost:8080/oauth/amazon/callback?", 0), 0U) << callback;
    const store::AmazonConnection connected = accounts.completeConnect(callback, kNow);
    EXPECT_TRUE(connected.hasRefreshToken);
    EXPECT_EQ(connected.sellerId, "A1SIMSELLER0001");
    EXPECT_THROW(accounts.completeConnect(callback, kNow), std::exception) << "a code works once";
    EXPECT_EQ(accounts.test(connected.id, kNow).verdict, ConnectionVerdict::Ok);
    EXPECT_EQ(f.sync().syncConnection(connected.id, kNow).imported, 3);
}

TEST(SettlementSync, TestConnectionTellsWhatIsWrong) {
    SyncFixture f;
    const auto c = f.connectWithToken();
    Accounts accounts(*f.store, *f.box, f.options);
    EXPECT_EQ(accounts.test(c.id, kNow).verdict, ConnectionVerdict::Ok);
    f.sim->control(R"({"revoke_refresh_token":true})");
    EXPECT_EQ(accounts.test(c.id, kNow).verdict, ConnectionVerdict::RevokedToken);
}

TEST(SettlementSync, ConnectionsRefuseBadInput) {
    SyncFixture f({}, false);
    Accounts accounts(*f.store, *f.box, f.options);
    ConnectionSetup setup;
    setup.companyName = "acme";
    setup.downloadWindowDays = 91;
    EXPECT_THROW(accounts.addWithToken(setup, kSimRefreshToken, "", "", "", kNow), AccountError);
    setup.downloadWindowDays = 90;
    EXPECT_THROW(accounts.addWithToken(setup, "not-a-token", "", "", "", kNow), AccountError);
    EXPECT_THROW(accounts.addWithToken(setup, kSimRefreshToken, "client-only", "", "", kNow), AccountError);
    setup.companyName = "nobody";
    EXPECT_THROW(accounts.addWithToken(setup, kSimRefreshToken, "", "", "", kNow), AccountError);
    EXPECT_TRUE(accounts.list(std::nullopt).empty()) << "nothing stored half-way";
}

TEST(SettlementSync, SeveralMarketplacesAreToldApartByParsing) {
    SyncFixture f({}, false);
    writeBytes(f.reports.file("us.txt"), v2Settlement("31000000001", "SKU-US"));
    std::string ca = v2Settlement("31000000002", "SKU-CA");
    for (std::size_t pos = 0; (pos = ca.find("USD", pos)) != std::string::npos;) ca.replace(pos, 3, "CAD");
    for (std::size_t pos = 0; (pos = ca.find("Amazon.com", pos)) != std::string::npos;) ca.replace(pos, 10, "Amazon.ca");
    writeBytes(f.reports.file("ca.txt"), ca);
    f.sim = nullptr;
    std::vector<std::string> args{"--reports-dir", f.reports.path().string()};
    for (auto& a : fastRates()) args.push_back(a);
    f.sim = std::make_unique<AmazonSim>(args);
    Accounts(*f.store, *f.box, f.options).configureApp(OperatorApp{}, f.sim->url(), kNow);
    const auto c = f.connectWithToken();
    ASSERT_EQ(f.sync().syncConnection(c.id, kNow).imported, 2);
    std::map<std::string, std::string> marketplaceOf;
    for (const auto& r : f.reportsSeen(c.id)) marketplaceOf[r.settlementId] = r.marketplace;
    EXPECT_EQ(marketplaceOf["31000000001"], "Amazon.com");
    EXPECT_EQ(marketplaceOf["31000000002"], "Amazon.ca");
    std::map<std::string, std::string> currencyOf;
    for (const auto& d : f.documents()) currencyOf[d.settlementId] = d.currency;
    EXPECT_EQ(currencyOf["31000000001"], "USD");
    EXPECT_EQ(currencyOf["31000000002"], "CAD");
}

/// A sync whose every download takes 16 minutes (longer than the 15-minute lease): each look at the clock after the
/// first moves it on by that much, and `onTick(k)` runs at the k-th (the moment before the k-th download, where
/// another daemon can act).
class SlowSyncClock final : public net::Clock {
public:
    std::function<void(int)> onTick;
    static constexpr store::Timestamp kStep = 16 * 60;
    Steady now() const override {
        const int k = looks_++;
        if (k > 0 && onTick) onTick(k);
        return Steady{} + std::chrono::seconds(k * kStep);
    }
    Wall wallNow() const override { return Wall{std::chrono::seconds(kNow)}; }
    bool sleepFor(std::chrono::milliseconds, const std::stop_token&) override { return true; }

private:
    mutable int looks_ = 0;
};

/// A connection and a SettlementSync on a SlowSyncClock.
struct SlowSync {
    SyncFixture f;
    store::AmazonConnection c = f.connectWithToken();
    SlowSyncClock clock;
    SettlementSync sync{*f.store, *f.box, options()};
    std::string lease = SettlementSync::leaseName(c.id);

    SettlementSyncOptions options() {
        SettlementSyncOptions o;
        o.accounts = f.options;
        o.clock = &clock;
        return o;
    }
};

TEST(SettlementSync, ALongSyncRenewsItsLeaseBeforeEachDownload) {
    SlowSync slow;
    auto& [f, c, clock, sync, lease] = slow;
    std::vector<std::string> holderJustBeforeEachTick;
    clock.onTick = [&](int k) {
        // The lease taken (k = 1) or renewed (k > 1) at the previous look still holds one second before this one.
        const store::Timestamp justBefore = kNow + (k - 1) * SlowSyncClock::kStep + 899;
        holderJustBeforeEachTick.push_back(f.store->read(
            [&](store::Tx& tx) { return store::WorkLeases(tx.database()).holder(lease, justBefore); }));
    };
    const ConnectionSyncReport r = sync.syncConnection(c.id, kNow);
    EXPECT_TRUE(r.ok) << r.message;
    EXPECT_FALSE(r.skippedForAnotherDaemon);
    EXPECT_EQ(r.imported, 3);  // 48 minutes of downloads under a 15-minute lease, never taken from it
    ASSERT_EQ(holderJustBeforeEachTick.size(), 3U);
    for (const std::string& holder : holderJustBeforeEachTick) EXPECT_EQ(holder, sync.holder());
    EXPECT_EQ(f.connection(c.id).syncState, store::SyncState::Ok);
}

TEST(SettlementSync, ASyncThatRanPastItsLeaseAndWasTakenOverStopsAndLeavesTheConnectionToTheOtherDaemon) {
    SlowSync slow;
    auto& [f, c, clock, sync, lease] = slow;
    const store::Timestamp takeover = kNow + 2 * SlowSyncClock::kStep;  // this daemon's renewal of kNow+960 ran out
    clock.onTick = [&](int k) {
        if (k != 2) return;
        EXPECT_TRUE(f.store->write([&](store::Tx& tx) {
            return store::WorkLeases(tx.database()).claim(lease, "other-daemon", takeover, takeover + 900);
        }));
    };
    const ConnectionSyncReport r = sync.syncConnection(c.id, kNow);
    EXPECT_TRUE(r.ok) << r.message;
    EXPECT_TRUE(r.skippedForAnotherDaemon);
    EXPECT_EQ(r.imported, 1);  // the first download, before the other daemon came
    EXPECT_NE(r.message.find("another Settlebridge daemon took it over"), std::string::npos) << r.message;
    EXPECT_EQ(f.reportsSeen(c.id).size(), 1U);
    // The lease and the connection's row are the other daemon's: not released, not marked failed or done.
    EXPECT_EQ(f.store->read([&](store::Tx& tx) { return store::WorkLeases(tx.database()).holder(lease, takeover + 1); }),
              "other-daemon");
    EXPECT_EQ(f.connection(c.id).syncState, store::SyncState::Syncing);
    const auto events = f.store->read([&](store::Tx& tx) { return tx.events().recent(std::nullopt, 10); });
    bool warned = false;
    for (const auto& e : events) warned = warned || (e.level == store::EventLevel::Warning &&
                                                     e.message.find("took it over") != std::string::npos);
    EXPECT_TRUE(warned);
}

}  // namespace
}  // namespace settlebridge::amazon
