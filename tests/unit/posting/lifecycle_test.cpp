#include "daemon/posting/lifecycle.hpp"

#include <gtest/gtest.h>

#include "tests/unit/posting/posting_harness.hpp"

namespace settlebridge::posting {
namespace {

using settlebridge::testing::PostingHarness;
using settlebridge::testing::kT0;
using store::CompanyMode;
using store::DocState;

constexpr store::Timestamp kDay = 86'400;

void postFirstDocument(PostingHarness& h) {
    h.store->write([&](store::Tx& tx) {
        auto docs = tx.documents().list(h.company.id);
        docs.front().state = DocState::Posted;
        docs.front().qbTxnId = "1-1";
        tx.documents().save(docs.front());
    });
}

CompanyMode modeOf(PostingHarness& h) {
    return h.store->read([&](store::Tx& tx) { return tx.companies().find(h.company.id)->mode; });
}

TEST(Lifecycle, StaysInTestingUntilBothTheDaysHavePassedAndSomethingWasPosted) {
    PostingHarness h(CompanyMode::Testing);
    h.import(testing::sampleSummary("23874396421"));
    EXPECT_TRUE(promoteDueCompanies(*h.store, kT0 + 31 * kDay).empty()) << "nothing approved and posted yet";
    EXPECT_EQ(modeOf(h), CompanyMode::Testing);

    h.queue->approve("acme", "23874396421", h.now);
    postFirstDocument(h);
    EXPECT_TRUE(promoteDueCompanies(*h.store, kT0 + 29 * kDay).empty()) << "not 30 days yet";
    EXPECT_EQ(modeOf(h), CompanyMode::Testing);

    const auto changes = promoteDueCompanies(*h.store, kT0 + 30 * kDay);
    ASSERT_EQ(changes.size(), 1U);
    EXPECT_EQ(changes.front().company, "acme");
    EXPECT_EQ(modeOf(h), CompanyMode::Live);
    EXPECT_EQ(h.store->read([&](store::Tx& tx) { return tx.companies().find(h.company.id)->liveSince; }), kT0 + 30 * kDay);
    EXPECT_TRUE(promoteDueCompanies(*h.store, kT0 + 31 * kDay).empty()) << "once";

    // New settlements are queued directly now.
    const auto next = h.import(testing::sampleSummary("23874397121"));
    EXPECT_EQ(next.held, 0);
    EXPECT_GT(next.queued, 0);
}

TEST(Lifecycle, ZeroDaysMeansNeverAutomatically) {
    PostingHarness h(CompanyMode::Testing);
    h.updateCompany([](store::Company& c) { c.autoLiveDays = 0; });
    h.import(testing::sampleSummary("23874396421"));
    h.queue->approve("acme", "23874396421", h.now);
    postFirstDocument(h);
    EXPECT_TRUE(promoteDueCompanies(*h.store, kT0 + 365 * kDay).empty());
    EXPECT_EQ(modeOf(h), CompanyMode::Testing);
}

}  // namespace
}  // namespace settlebridge::posting
