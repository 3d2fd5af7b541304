// The planner's decode cache: a session decodes each stored summary once, and the store stays the truth (a summary
// rewritten in the store is decoded again; nothing survives the process but what the store holds).

#include <gtest/gtest.h>

#include "daemon/posting/decode_cache.hpp"
#include "daemon/store/summary_codec.hpp"
#include "tests/unit/posting/posting_harness.hpp"

namespace settlebridge::testing {
namespace {

TEST(DecodeCache, ASummaryIsDecodedOnceAndItsItemsAreListedInQuickBooksForm) {
    PostingHarness h;
    const auto imported = h.import(sampleSummary("24100000001"));
    posting::DecodeCache cache;
    h.store->read([&](store::Tx& tx) {
        auto first = cache.summary(tx, imported.settlementRow);
        auto second = cache.summary(tx, imported.settlementRow);
        EXPECT_EQ(first.get(), second.get()) << "the same decoding, not a copy";
        EXPECT_EQ(first->summary().header.settlementId, "24100000001");
        const auto& items = first->items("24100000001:R:0");
        EXPECT_EQ(items.names, (std::vector<std::string>{"SKU-ABC-001", "SKU-XYZ-42", "Amazon Commission",
                                                         "Amazon FBA Fees"}));
        ASSERT_EQ(items.lines.size(), 4U);
        EXPECT_EQ(items.lines[1]->sku, "SKU:XYZ/42");
        EXPECT_TRUE(first->items("no such key").names.empty());
    });
    const auto stats = cache.stats();
    EXPECT_EQ(stats.summaryDecodes, 1U);
    EXPECT_EQ(stats.summaryHits, 1U);
}

TEST(DecodeCache, ASummaryRewrittenInTheStoreIsDecodedAgain) {
    PostingHarness h;
    const auto imported = h.import(sampleSummary("24100000002"));
    posting::DecodeCache cache;
    h.store->write([&](store::Tx& tx) {
        EXPECT_EQ(cache.summary(tx, imported.settlementRow)->summary().documents[0].lines[2].item, "Amazon Commission");
        auto stored = *tx.settlements().summary(imported.settlementRow);
        auto summary = store::decodeSummary(stored.summaryJson);
        summary.documents[0].lines[2].item = "Amazon Fees:Commission";
        stored.summaryJson = store::encodeSummary(summary);
        tx.settlements().saveSummary(stored);  // same row, same second: only the text differs
        auto fresh = cache.summary(tx, imported.settlementRow);
        EXPECT_EQ(fresh->summary().documents[0].lines[2].item, "Amazon Fees:Commission");
        EXPECT_EQ(fresh->items("24100000002:R:0").names[2], "Amazon Fees:Commission");
    });
    EXPECT_EQ(cache.stats().summaryDecodes, 2U);
}

TEST(DecodeCache, ARowWithoutASummaryAndAnUnreadablePayloadAreErrorsNeverCached) {
    PostingHarness h;
    posting::DecodeCache cache;
    h.store->read([&](store::Tx& tx) { EXPECT_THROW(cache.summary(tx, 999), store::StoreError); });
    EXPECT_THROW(cache.payload("{\"type\":\"unknown\"}"), std::runtime_error);
    EXPECT_THROW(cache.payload("{\"type\":\"unknown\"}"), std::runtime_error);
    const std::string json = posting::encodePayload(posting::Payload{"summary", "1:R:0", "", "", "", "", -1, ""});
    EXPECT_EQ(cache.payload(json).externalKey, "1:R:0");
    EXPECT_EQ(cache.payload(json).externalKey, "1:R:0");
    const auto stats = cache.stats();
    EXPECT_EQ(stats.payloadDecodes, 1U);
    EXPECT_EQ(stats.payloadHits, 1U);
}

TEST(DecodeCache, ALeastRecentlyUsedSummaryMakesRoomWhenTheCacheIsFull) {
    PostingHarness h;
    const auto a = h.import(sampleSummary("24100000003")).settlementRow;
    const auto b = h.import(sampleSummary("24100000004")).settlementRow;
    const auto c = h.import(sampleSummary("24100000005")).settlementRow;
    posting::DecodeCache cache(2);
    h.store->read([&](store::Tx& tx) {
        cache.summary(tx, a);
        cache.summary(tx, b);
        cache.summary(tx, a);  // b is now the least recently used
        cache.summary(tx, c);  // b goes
        cache.summary(tx, a);  // still there
        cache.summary(tx, b);  // decoded again
    });
    const auto stats = cache.stats();
    EXPECT_EQ(stats.summaryDecodes, 4U);
    EXPECT_EQ(stats.summaryHits, 2U);
}

TEST(DecodeCache, AWholeSessionDecodesEachSummaryOnceThoughEveryCallPlans) {
    PostingHarness h;
    for (const char* id : {"24100000006", "24100000007", "24100000008"}) h.import(sampleSummary(id));
    FakeQuickBooks qb;
    auto s = h.startSession();
    const auto sent = h.run(s, qb);
    for (const auto& d : h.documents()) EXPECT_EQ(d.state, store::DocState::Posted) << d.externalKey;
    const auto stats = h.planner.cacheStats();
    EXPECT_EQ(stats.summaryDecodes, 3U) << "one per settlement, for " << sent.size() << " requests";
    EXPECT_GT(stats.summaryHits, 10 * stats.summaryDecodes);
    EXPECT_LE(stats.payloadDecodes, 2 * h.documents().size()) << "once per payload text (and once more after sent)";

    // A new process (a new planner, an empty cache) carries on from the store alone.
    h.import(sampleSummary("24100000009"));
    posting::Planner fresh;
    h.planner = fresh;
    auto next = h.startSession();
    h.run(next, qb);
    for (const auto& d : h.documents()) EXPECT_EQ(d.state, store::DocState::Posted) << d.externalKey;
    EXPECT_EQ(h.planner.cacheStats().summaryDecodes, 1U);
    EXPECT_EQ(qb.count("SalesReceipt", h.document("24100000006:R:0").refNumber), 1);
}

}  // namespace
}  // namespace settlebridge::testing
