// The push against the simulator, end to end through the store: linking priority and unmatched SKUs, a
// restated day resent (replaced, not added), remap with confirmation clearing the old company, the manual
// N-day send resetting itself, the daily schedule, token expiry / 429 / 500 mid-send, unmapped profiles, and the
// send log's per-record details.

#include <gtest/gtest.h>

#include <stop_token>

#include "daemon/sellercloud/errors.hpp"
#include "daemon/sellercloud/push.hpp"
#include "daemon/store/sellercloud_mappings.hpp"
#include "daemon/store/sellercloud_products.hpp"
#include "daemon/store/sellercloud_sends.hpp"
#include "daemon/store/work_leases.hpp"
#include "tests/unit/sellercloud/sim.hpp"

using namespace settlebridge;
using namespace settlebridge::sellercloud;
using sctest::noonUtc;
using sctest::PushWorld;
using sctest::SellercloudSim;

namespace {

// The catalog the tests link against (company 1 = Acme Main, 2 = Acme Outlet).
constexpr const char* kProducts = R"({"products": [
  {"ID": "SKU-A", "CompanyID": 1, "ProductName": "A", "ASIN": "B000000A", "AverageCost": 2.00},
  {"ID": "OTHER-A", "CompanyID": 1, "ProductName": "A via Amazon SKU", "AmazonMerchantSKU": "SKU-A"},
  {"ID": "PROD-C", "CompanyID": 1, "ProductName": "C", "AmazonFBASKU": "FBA-C"},
  {"ID": "WIDGET-1", "CompanyID": 1, "ProductName": "Widget", "UPC": "012345678905", "AverageCost": 4.25},
  {"ID": "PROD-E", "CompanyID": 1, "ProductName": "E", "ASIN": "B0ASIN1"},
  {"ID": "PROD-F", "CompanyID": 1, "ProductName": "F", "EAN": "4006381333931"},
  {"ID": "DUP-1", "CompanyID": 1, "ProductName": "dup 1", "ASIN": "B0DUP"},
  {"ID": "DUP-2", "CompanyID": 1, "ProductName": "dup 2", "ASIN": "B0DUP"},
  {"ID": "NOPE", "CompanyID": 2, "ProductName": "other company"},
  {"ID": "SKU-A-OUTLET", "CompanyID": 2, "ProductName": "A outlet", "AmazonMerchantSKU": "SKU-A"},
  {"ID": "FBA-C-OUTLET", "CompanyID": 2, "ProductName": "C outlet", "AmazonFBASKU": "FBA-C"}
]})";

const store::Timestamp kNow = noonUtc(2026, 5, 20);  // yesterday = 2026-05-19
constexpr const char* kYesterday = "2026-05-19";

MapResult mapTo(SellercloudPush& push, const PushWorld& w, std::int64_t profile, std::int64_t company,
                bool confirm = false) {
    MapRequest r;
    r.profileRow = profile;
    r.connectionId = w.connectionId;
    r.scCompanyId = company;
    r.confirm = confirm;
    return push.map(r, kNow);
}

std::vector<store::SellercloudSendRecord> recordsOf(PushWorld& w, std::int64_t sendId) {
    return w.store().read([&](store::Tx& tx) { return store::SellercloudSends(tx.database()).records(sendId); });
}

const store::SellercloudSendRecord& record(const std::vector<store::SellercloudSendRecord>& records,
                                           const std::string& sku) {
    for (const auto& r : records) {
        if (r.sku == sku) return r;
    }
    throw std::runtime_error("no record for " + sku);
}

std::string leaseHolder(PushWorld& w, store::Timestamp now) {
    return w.store().read([&](store::Tx& tx) {
        return store::WorkLeases(tx.database()).holder(SellercloudPush::leaseName(w.connectionId), now);
    });
}

store::SellercloudMapping mappingOf(PushWorld& w, std::int64_t profile) {
    return *w.store().read([&](store::Tx& tx) { return store::SellercloudMappings(tx.database()).findByProfile(profile); });
}

}  // namespace

TEST(Push, LinksByPriorityLogsUnmatchedAndWritesTheColumns) {
    SellercloudSim sim;
    sim.control(kProducts);
    PushWorld w(sim);
    SellercloudPush push(w.store(), w.box(), w.options());
    EXPECT_EQ(mapTo(push, w, w.profileRow, 1).outcome, MapResult::Outcome::Mapped);

    w.spend(w.profileRow, kYesterday, "SKU-A", "B000000A", 1000, 4000, 2);
    w.spend(w.profileRow, kYesterday, "FBA-C", "B00000C", 300, 0);
    w.spend(w.profileRow, kYesterday, "012345678905", "B0000W", 250, 1000, 1);
    w.spend(w.profileRow, kYesterday, "VENDOR-X", "B0ASIN1", 120, 600);
    w.spend(w.profileRow, kYesterday, "4006381333931", "B0F", 80, 0);
    w.spend(w.profileRow, kYesterday, "NOPE", "B0NOPE", 55, 0);
    w.spend(w.profileRow, kYesterday, "DUP-SKU", "B0DUP", 45, 0);

    const PushRunReport report = push.runConnection(w.connectionId, kNow, {});
    ASSERT_EQ(report.sends.size(), 1u);
    const SendResult& send = report.sends[0];
    EXPECT_EQ(send.status, store::SendStatus::Partial) << send.message;
    EXPECT_EQ(send.records, 7);
    EXPECT_EQ(send.written, 5);
    EXPECT_EQ(send.unmatched, 2);
    EXPECT_EQ(send.fromDate, kYesterday);
    EXPECT_EQ(send.toDate, kYesterday);

    const auto records = recordsOf(w, send.sendId);
    EXPECT_EQ(record(records, "SKU-A").productId, "SKU-A");  // rule 1 (sku) wins over amazon_sku (OTHER-A)
    EXPECT_EQ(record(records, "SKU-A").rule, "sku");
    EXPECT_EQ(record(records, "FBA-C").productId, "PROD-C");
    EXPECT_EQ(record(records, "FBA-C").rule, "amazon_sku");
    EXPECT_EQ(record(records, "012345678905").rule, "upc");
    EXPECT_EQ(record(records, "VENDOR-X").productId, "PROD-E");
    EXPECT_EQ(record(records, "VENDOR-X").rule, "asin");
    EXPECT_EQ(record(records, "4006381333931").rule, "ean");
    EXPECT_EQ(record(records, "NOPE").status, store::RecordStatus::Unmatched);  // NOPE exists only in company 2
    EXPECT_TRUE(record(records, "NOPE").productId.empty());
    EXPECT_EQ(record(records, "DUP-SKU").status, store::RecordStatus::Ambiguous);  // never guessed
    EXPECT_NE(record(records, "DUP-SKU").error.find("DUP-1"), std::string::npos);

    // The log's per-record figures: cost, sales, item cost and profit where Sellercloud reports the cost.
    const auto& a = record(records, "SKU-A");
    EXPECT_EQ(a.status, store::RecordStatus::Written);
    EXPECT_EQ(a.cost, 1000);
    EXPECT_EQ(a.sales, 4000);
    EXPECT_EQ(a.itemCost.value(), 200);
    EXPECT_EQ(a.profit.value(), 4000 - 1000 - 2 * 200);
    EXPECT_EQ(a.valuesWritten,
              "AdSpendYesterday=10.00; AdSpend7Days=10.00; AdSpend30Days=10.00; AdSales30Days=40.00; ACoS30Days=25.00");
    EXPECT_FALSE(record(records, "FBA-C").itemCost.has_value());
    EXPECT_FALSE(record(records, "FBA-C").profit.has_value());

    EXPECT_EQ(sim.value("SKU-A", "AdSpend30Days"), "10");
    EXPECT_EQ(sim.value("SKU-A", "ACoS30Days"), "25");
    EXPECT_EQ(sim.value("PROD-C", "ACoS30Days"), "<null>");  // no sales: no ACoS
    EXPECT_EQ(sim.value("OTHER-A", "AdSpend30Days"), "<unset>");

    // Links are cached: a second send looks up only the SKUs that did not link.
    const int catalogBefore = sim.count("catalog") + sim.count("inventory");
    push.runConnection(w.connectionId, kNow, {});
    const int lookups = sim.count("catalog") + sim.count("inventory") - catalogBefore;
    EXPECT_GT(lookups, 0);
    EXPECT_EQ(lookups, 9);  // NOPE (5 lookups: sku, keyword, upc, keyword, ean) and DUP-SKU (4) only

    // Another priority order changes the link once the cache is dropped (as `link-rules` does).
    w.store().write([&](store::Tx& tx) {
        store::SellercloudConnections connections(tx.database());
        auto c = *connections.find(w.connectionId);
        c.linkRules = {"amazon_sku", "sku"};
        connections.update(c, kNow);
        store::SellercloudProducts(tx.database()).dropLinks(w.connectionId);
    });
    const auto again = push.runConnection(w.connectionId, kNow, {});
    EXPECT_EQ(record(recordsOf(w, again.sends[0].sendId), "SKU-A").productId, "OTHER-A");
    EXPECT_EQ(record(recordsOf(w, again.sends[0].sendId), "012345678905").status, store::RecordStatus::Unmatched);
    // SKU-A's old product no longer gets SKU-A's spend: it was cleared.
    EXPECT_EQ(sim.value("SKU-A", "AdSpend30Days"), "<null>");
    EXPECT_EQ(sim.value("OTHER-A", "AdSpend30Days"), "10");
}

TEST(Push, ARestatedDayResentReplacesTheValues) {
    SellercloudSim sim;
    sim.control(kProducts);
    PushWorld w(sim);
    SellercloudPush push(w.store(), w.box(), w.options());
    mapTo(push, w, w.profileRow, 1);
    w.spend(w.profileRow, kYesterday, "SKU-A", "B000000A", 1000, 4000);
    w.spend(w.profileRow, "2026-05-16", "SKU-A", "B000000A", 300, 0);
    w.spend(w.profileRow, "2026-05-01", "SKU-A", "B000000A", 500, 1000);  // inside 30 days, outside 7
    w.spend(w.profileRow, "2026-04-01", "SKU-A", "B000000A", 9999, 0);    // outside 30 days
    push.runConnection(w.connectionId, kNow, {});
    EXPECT_EQ(sim.value("SKU-A", "AdSpendYesterday"), "10");
    EXPECT_EQ(sim.value("SKU-A", "AdSpend7Days"), "13");
    EXPECT_EQ(sim.value("SKU-A", "AdSpend30Days"), "18");
    EXPECT_EQ(sim.value("SKU-A", "AdSales30Days"), "50");
    EXPECT_EQ(sim.value("SKU-A", "ACoS30Days"), "36");

    // Amazon restates yesterday (invalid clicks removed): the ads sync replaces the row; the resend corrects.
    w.spend(w.profileRow, kYesterday, "SKU-A", "B000000A", 700, 4200);
    push.runConnection(w.connectionId, kNow, {});
    EXPECT_EQ(sim.value("SKU-A", "AdSpendYesterday"), "7");
    EXPECT_EQ(sim.value("SKU-A", "AdSpend7Days"), "10");
    EXPECT_EQ(sim.value("SKU-A", "AdSpend30Days"), "15");
    EXPECT_EQ(sim.value("SKU-A", "AdSales30Days"), "52");
    // Sent again without change: the same values (never added up).
    push.runConnection(w.connectionId, kNow, {});
    EXPECT_EQ(sim.value("SKU-A", "AdSpend30Days"), "15");
}

TEST(Push, RemapNeedsConfirmationAndClearsTheOldCompanyFirst) {
    SellercloudSim sim;
    sim.control(kProducts);
    PushWorld w(sim);
    const std::int64_t second = w.addProfile("2002", "USD", "UTC");
    SellercloudPush push(w.store(), w.box(), w.options());
    mapTo(push, w, w.profileRow, 1);
    mapTo(push, w, second, 1);
    w.spend(w.profileRow, kYesterday, "SKU-A", "B000000A", 1000, 0);
    w.spend(w.profileRow, kYesterday, "FBA-C", "B00000C", 300, 0);
    w.spend(second, kYesterday, "SKU-A", "B000000A", 200, 0);
    push.runConnection(w.connectionId, kNow, {});
    EXPECT_EQ(sim.value("SKU-A", "AdSpend30Days"), "12");  // both profiles of the company, summed
    EXPECT_EQ(sim.value("PROD-C", "AdSpend30Days"), "3");

    // Without --confirm: a warning, nothing changes.
    const MapResult warned = mapTo(push, w, w.profileRow, 2);
    EXPECT_EQ(warned.outcome, MapResult::Outcome::NeedsConfirmation);
    EXPECT_NE(warned.message.find("duplicate"), std::string::npos) << warned.message;
    EXPECT_EQ(mappingOf(w, w.profileRow).scCompanyId, 1);
    EXPECT_EQ(sim.value("SKU-A", "AdSpend30Days"), "12");

    // Confirmed: the old company's products lose this profile's spend before the mapping moves.
    const MapResult moved = mapTo(push, w, w.profileRow, 2, true);
    EXPECT_EQ(moved.outcome, MapResult::Outcome::Remapped) << moved.message;
    EXPECT_EQ(moved.clearedProducts, 1);
    EXPECT_EQ(sim.value("SKU-A", "AdSpend30Days"), "2");     // only the other profile's spend is left
    EXPECT_EQ(sim.value("PROD-C", "AdSpend30Days"), "<null>");  // only this profile advertised it: emptied
    EXPECT_EQ(mappingOf(w, w.profileRow).scCompanyId, 2);
    EXPECT_EQ(mappingOf(w, w.profileRow).scCompanyName, "Acme Outlet");
    EXPECT_TRUE(mappingOf(w, w.profileRow).lastSentDate.empty());
    const auto remaps = w.store().read([&](store::Tx& tx) { return store::SellercloudMappings(tx.database()).remaps(); });
    ASSERT_EQ(remaps.size(), 1u);
    EXPECT_EQ(remaps[0].fromCompanyId, 1);
    EXPECT_EQ(remaps[0].toCompanyId, 2);
    EXPECT_EQ(remaps[0].clearedProducts, 1);

    // The new company gets the spend at the next send, on its own products.
    push.runConnection(w.connectionId, kNow, {});
    EXPECT_EQ(sim.value("SKU-A-OUTLET", "AdSpend30Days"), "10");
    EXPECT_EQ(sim.value("FBA-C-OUTLET", "AdSpend30Days"), "3");
    EXPECT_EQ(sim.value("SKU-A", "AdSpend30Days"), "2");
    EXPECT_EQ(sim.value("PROD-C", "AdSpend30Days"), "<null>");
}

TEST(Push, RemapIsRefusedWhenTheOldCompanyCannotBeCleared) {
    SellercloudSim sim;
    sim.control(kProducts);
    PushWorld w(sim);
    SellercloudPush push(w.store(), w.box(), w.options());
    mapTo(push, w, w.profileRow, 1);
    w.spend(w.profileRow, kYesterday, "FBA-C", "B00000C", 300, 0);
    push.runConnection(w.connectionId, kNow, {});
    sim.control(R"({"fail_next": [{"operation": "putCustomColumns", "status": 400}]})");
    const MapResult r = mapTo(push, w, w.profileRow, 2, true);
    EXPECT_EQ(r.outcome, MapResult::Outcome::ClearFailed) << r.message;
    EXPECT_EQ(mappingOf(w, w.profileRow).scCompanyId, 1);  // unchanged: try again
    EXPECT_EQ(sim.value("PROD-C", "AdSpend30Days"), "3");
    EXPECT_EQ(mapTo(push, w, w.profileRow, 2, true).outcome, MapResult::Outcome::Remapped);
    EXPECT_EQ(sim.value("PROD-C", "AdSpend30Days"), "<null>");
}

TEST(Push, ManualNDaySendRunsAtOnceAndResetsItself) {
    SellercloudSim sim;
    sim.control(kProducts);
    PushWorld w(sim);
    SellercloudPush push(w.store(), w.box(), w.options());
    mapTo(push, w, w.profileRow, 1);
    w.spend(w.profileRow, "2026-05-10", "SKU-A", "B000000A", 400, 0);
    const store::Timestamp early = noonUtc(2026, 5, 20) - 11 * 3600;  // 01:00, before the daily send hour (9)
    EXPECT_TRUE(push.runDue(early, {}).sends.empty());

    EXPECT_EQ(push.requestSend(w.connectionId, w.profileRow, std::nullopt, 14, early), 1);
    EXPECT_EQ(mappingOf(w, w.profileRow).requestedDays, 14);
    const PushRunReport report = push.runDue(early, {});
    ASSERT_EQ(report.sends.size(), 1u);
    EXPECT_EQ(report.sends[0].kind, store::SendKind::Manual);
    EXPECT_EQ(report.sends[0].fromDate, "2026-05-06");
    EXPECT_EQ(report.sends[0].toDate, kYesterday);
    EXPECT_EQ(record(recordsOf(w, report.sends[0].sendId), "SKU-A").cost, 400);
    EXPECT_EQ(mappingOf(w, w.profileRow).requestedDays, 0);  // reset when done
    EXPECT_EQ(mappingOf(w, w.profileRow).lastSentDate, kYesterday);
    EXPECT_TRUE(push.runDue(early, {}).sends.empty());
    EXPECT_TRUE(push.runDue(kNow, {}).sends.empty());  // yesterday is already covered

    EXPECT_THROW(push.requestSend(w.connectionId, std::nullopt, std::nullopt, 0, kNow), SellercloudError);
    EXPECT_EQ(push.requestSend(w.connectionId, std::nullopt, std::string("walmart"), 3, kNow), 0);
}

TEST(Push, DailySendCoversFromTheLastSentDateToYesterday) {
    SellercloudSim sim;
    sim.control(kProducts);
    PushWorld w(sim);
    SellercloudPush push(w.store(), w.box(), w.options());
    mapTo(push, w, w.profileRow, 1);
    w.spend(w.profileRow, kYesterday, "SKU-A", "B000000A", 100, 0);
    const auto first = push.runDue(kNow, {});
    ASSERT_EQ(first.sends.size(), 1u);
    EXPECT_EQ(first.sends[0].fromDate, kYesterday);
    EXPECT_TRUE(push.runDue(kNow + 600, {}).sends.empty());
    const auto status = w.store().read([&](store::Tx& tx) { return store::SellercloudConnections(tx.database()).find(w.connectionId); });
    EXPECT_EQ(status->syncState, store::SyncState::Ok);
    EXPECT_EQ(status->nextSyncAt, noonUtc(2026, 5, 21) - 3 * 3600);  // tomorrow 09:00 UTC

    // Three days later (the daemon was off): one send for the missed days.
    const auto later = push.runDue(noonUtc(2026, 5, 23), {});
    ASSERT_EQ(later.sends.size(), 1u);
    EXPECT_EQ(later.sends[0].fromDate, "2026-05-20");
    EXPECT_EQ(later.sends[0].toDate, "2026-05-22");
    EXPECT_EQ(sim.value("SKU-A", "AdSpendYesterday"), "0");
    EXPECT_EQ(sim.value("SKU-A", "AdSpend7Days"), "1");
}

TEST(Push, NothingIsSentForAnUnmappedProfile) {
    SellercloudSim sim;
    sim.control(kProducts);
    PushWorld w(sim);
    const std::int64_t unmapped = w.addProfile("3003", "USD", "UTC");
    SellercloudPush push(w.store(), w.box(), w.options());
    w.spend(unmapped, kYesterday, "SKU-A", "B000000A", 100, 0);
    EXPECT_TRUE(push.runDue(kNow, {}).sends.empty());
    mapTo(push, w, w.profileRow, 1);
    w.spend(w.profileRow, kYesterday, "FBA-C", "B00000C", 300, 0);
    const auto report = push.runDue(kNow, {});
    ASSERT_EQ(report.sends.size(), 1u);
    EXPECT_EQ(report.sends[0].records, 1);
    EXPECT_EQ(sim.value("SKU-A", "AdSpend30Days"), "<unset>");
    EXPECT_EQ(sim.value("PROD-C", "AdSpend30Days"), "3");
}

TEST(Push, TokenExpiryAndThrottlingMidSendAreRecovered) {
    SellercloudSim sim;
    sim.control(kProducts);
    PushWorld w(sim);
    SellercloudPush push(w.store(), w.box(), w.options());
    mapTo(push, w, w.profileRow, 1);
    w.spend(w.profileRow, kYesterday, "SKU-A", "B000000A", 100, 0);
    w.spend(w.profileRow, kYesterday, "FBA-C", "B00000C", 300, 0);
    w.spend(w.profileRow, kYesterday, "012345678905", "B0000W", 250, 0);
    push.runConnection(w.connectionId, kNow, {});  // links cached, token cached
    const int tokens = sim.count("token");
    sim.control(R"({"expire_tokens": true,
                    "fail_next": [{"operation": "putCustomColumns", "status": 429, "retry_after": 0},
                                  {"operation": "putCustomColumns", "status": 500}]})");
    w.spend(w.profileRow, kYesterday, "FBA-C", "B00000C", 350, 0);
    const auto report = push.runConnection(w.connectionId, kNow, {});
    ASSERT_EQ(report.sends.size(), 1u);
    EXPECT_EQ(report.sends[0].status, store::SendStatus::Ok) << report.sends[0].message;
    EXPECT_EQ(report.sends[0].written, 3);
    EXPECT_EQ(sim.count("token"), tokens + 1);
    EXPECT_EQ(sim.value("PROD-C", "AdSpend30Days"), "3.5");
}

TEST(Push, AServerThatStaysDownIsRecordedNotThrown) {
    SellercloudSim sim;
    sim.control(kProducts);
    PushWorld w(sim);
    SellercloudPush push(w.store(), w.box(), w.options());
    mapTo(push, w, w.profileRow, 1);
    w.spend(w.profileRow, kYesterday, "SKU-A", "B000000A", 100, 0);
    sim.control(R"({"expire_tokens": true, "fail_next": [
        {"operation": "token", "status": 503}, {"operation": "token", "status": 503},
        {"operation": "token", "status": 503}, {"operation": "token", "status": 503}]})");
    const auto report = push.runDue(kNow, {});
    ASSERT_EQ(report.sends.size(), 1u);
    EXPECT_EQ(report.sends[0].status, store::SendStatus::Failed);
    EXPECT_EQ(report.connectionsFailed, 1);
    const auto c = w.store().read([&](store::Tx& tx) { return store::SellercloudConnections(tx.database()).find(w.connectionId); });
    EXPECT_EQ(c->syncState, store::SyncState::Error);
    EXPECT_NE(c->syncMessage.find("failing"), std::string::npos) << c->syncMessage;
    EXPECT_EQ(c->nextSyncAt, kNow + 900);
    EXPECT_TRUE(mappingOf(w, w.profileRow).lastSentDate.empty());  // not advanced
    EXPECT_EQ(leaseHolder(w, kNow), "");                             // released after the failure too
    EXPECT_TRUE(push.runDue(kNow + 60, {}).sends.empty());          // waits before trying again
    const auto retried = push.runDue(kNow + 901, {});
    ASSERT_EQ(retried.sends.size(), 1u);
    EXPECT_EQ(retried.sends[0].status, store::SendStatus::Ok);
    const auto events = w.store().read([&](store::Tx& tx) { return tx.events().recent(w.companyId, 10); });
    ASSERT_FALSE(events.empty());
    EXPECT_NE(events.back().message.find("Sellercloud"), std::string::npos);
}

TEST(Push, AnotherDaemonsLeaseOnTheConnectionIsLeftAloneUntilItRunsOut) {
    SellercloudSim sim;
    sim.control(kProducts);
    PushWorld w(sim);
    SellercloudPush push(w.store(), w.box(), w.options());
    mapTo(push, w, w.profileRow, 1);
    w.spend(w.profileRow, kYesterday, "SKU-A", "B000000A", 100, 0);
    // Another daemon on the same database is sending this connection (or died while sending it).
    ASSERT_TRUE(w.store().write([&](store::Tx& tx) {
        return store::WorkLeases(tx.database()).claim(SellercloudPush::leaseName(w.connectionId), "other-daemon", kNow,
                                                      kNow + 900);
    }));
    const auto held = push.runDue(kNow, {});
    EXPECT_TRUE(held.sends.empty());
    EXPECT_EQ(held.skippedForAnotherDaemon, 1);
    EXPECT_TRUE(held.errors.empty());
    const auto manual = push.runConnection(w.connectionId, kNow + 60, {});
    EXPECT_TRUE(manual.sends.empty());
    EXPECT_EQ(manual.skippedForAnotherDaemon, 1);
    ASSERT_EQ(manual.errors.size(), 1u);
    EXPECT_NE(manual.errors[0].find("another Settlebridge daemon"), std::string::npos) << manual.errors[0];
    EXPECT_TRUE(mappingOf(w, w.profileRow).lastSentDate.empty());
    EXPECT_EQ(leaseHolder(w, kNow + 899), "other-daemon");  // not taken, not released by this daemon
    const auto untouched = w.store().read([&](store::Tx& tx) { return store::SellercloudConnections(tx.database()).find(w.connectionId); });
    EXPECT_NE(untouched->syncState, store::SyncState::Syncing);

    // The other daemon died: once its lease has run out this one takes the connection over, sends, and releases it.
    const auto taken = push.runDue(kNow + 900, {});
    EXPECT_EQ(taken.skippedForAnotherDaemon, 0);
    ASSERT_EQ(taken.sends.size(), 1u);
    EXPECT_EQ(taken.sends[0].status, store::SendStatus::Ok);
    EXPECT_EQ(taken.sends[0].fromDate, kYesterday);
    EXPECT_EQ(mappingOf(w, w.profileRow).lastSentDate, kYesterday);
    EXPECT_EQ(leaseHolder(w, kNow + 900), "");
    // A second daemon that now finds the connection's list entry still due has nothing to send.
    SellercloudPush second(w.store(), w.box(), w.options());
    EXPECT_NE(second.holder(), push.holder());
    EXPECT_TRUE(second.runDue(kNow + 901, {}).sends.empty());
}

TEST(Push, AProductGoneFromSellercloudIsLinkedAgainNextTime) {
    SellercloudSim sim;
    sim.control(kProducts);
    PushWorld w(sim);
    SellercloudPush push(w.store(), w.box(), w.options());
    mapTo(push, w, w.profileRow, 1);
    w.spend(w.profileRow, kYesterday, "SKU-A", "B000000A", 100, 0);
    push.runConnection(w.connectionId, kNow, {});
    sim.control(R"({"remove_products": ["SKU-A"]})");
    const auto gone = push.runConnection(w.connectionId, kNow, {});
    const auto goneRecords = recordsOf(w, gone.sends[0].sendId);
    const auto& r = record(goneRecords, "SKU-A");
    EXPECT_EQ(r.status, store::RecordStatus::Failed);
    EXPECT_NE(r.error.find("no longer exists"), std::string::npos) << r.error;
    const auto relinked = push.runConnection(w.connectionId, kNow, {});
    EXPECT_EQ(record(recordsOf(w, relinked.sends[0].sendId), "SKU-A").productId, "OTHER-A");
}

TEST(Push, ProfilesOfOneCompanyMustShareACurrency) {
    SellercloudSim sim;
    PushWorld w(sim);
    const std::int64_t cad = w.addProfile("4004", "CAD", "America/Toronto");
    SellercloudPush push(w.store(), w.box(), w.options());
    mapTo(push, w, w.profileRow, 1);
    EXPECT_THROW(mapTo(push, w, cad, 1), SellercloudError);
    EXPECT_EQ(mapTo(push, w, cad, 2).outcome, MapResult::Outcome::Mapped);
    EXPECT_THROW(mapTo(push, w, cad, 99), SellercloudError);  // not a company Sellercloud lists
}
