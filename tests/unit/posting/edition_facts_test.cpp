// The company file's edition and currency list, as the planner checks them before anything is sent (docs/POSTING.md,
// "Editions", "Exchange rates"): the sales tax code the lines carry must be in the file's list, and a
// foreign-currency settlement carries one exchange rate, frozen before its first document.

#include <gtest/gtest.h>

#include <algorithm>

#include "daemon/store/qb_edition.hpp"
#include "tests/unit/posting/posting_harness.hpp"
#include "tests/unit/posting/schema_check.hpp"

namespace settlebridge::testing {
namespace {

using store::DocKind;
using store::DocState;

constexpr const char* kCad = "24000000002";

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

settlement::Summary cadSummary(common::Cents refunds = 2500) {
    settlement::Summary s = sampleSummary(kCad, refunds);
    s.header.currency = "CAD";
    return s;
}

long countOf(const FakeQuickBooks& qb, const std::string& name) {
    return qb.answered(name);
}

TEST(EditionFacts, ACodeTheFileDoesNotHaveHoldsReceiptsAndCreditMemosBeforeAnythingIsSent) {
    PostingHarness h;
    h.import(sampleSummary("24000000001", 2500));
    FakeQuickBooks qb;
    qb.salesTaxCodes = {{"E", "false"}, {"G", "true"}, {"Z", "false"}};  // a Canadian list; the HCP names "Non"
    auto s = h.startSession();
    const auto sent = h.run(s, qb);
    EXPECT_EQ(qb.requestNames, std::vector<std::string>{"SalesTaxCodeQueryRq"}) << "nothing else is sent";
    for (const auto& d : h.documents()) {
        if (d.kind == DocKind::RefundPayment) {
            EXPECT_EQ(d.state, DocState::Queued) << "waits for its credit memo";
            continue;
        }
        EXPECT_EQ(d.state, DocState::Held) << d.externalKey;
        EXPECT_EQ(d.holdReason, "tax-code");
        EXPECT_TRUE(contains(d.lastError, "The sales tax code \"Non\" that Settlebridge writes on every line")) << d.lastError;
        EXPECT_TRUE(contains(d.lastError, "(E (non-taxable), G (taxable), Z (non-taxable))")) << d.lastError;
    }
    EXPECT_EQ(h.progress(s), 100);
}

TEST(EditionFacts, TheCodeListIsReadOncePerCompanyAndAgainWhenItLacksTheCode) {
    PostingHarness h;
    h.import(sampleSummary("24000000001", 0));
    FakeQuickBooks qb;
    auto s1 = h.startSession();
    h.run(s1, qb);
    EXPECT_EQ(countOf(qb, "SalesTaxCodeQueryRq"), 1);
    for (const auto& d : h.documents()) EXPECT_EQ(d.state, DocState::Posted) << d.lastError;
    h.import(sampleSummary("24000000009", 0));
    auto s2 = h.startSession();
    h.run(s2, qb);
    EXPECT_EQ(countOf(qb, "SalesTaxCodeQueryRq"), 1) << "known: not read again";
    for (const auto& d : h.documents()) EXPECT_EQ(d.state, DocState::Posted) << d.lastError;
}

TEST(EditionFacts, QuickBooksRateIsFrozenAndSentOnEveryDocumentOfTheSettlement) {
    PostingHarness h;
    h.import(cadSummary());
    FakeQuickBooks qb;
    qb.multicurrency = true;
    qb.exchangeRates["Canadian Dollar"] = "0.73120@2100-01-01";
    auto s = h.startSession(hcpResponse("13.0", "", true, "US Dollar"));
    const auto sent = h.run(s, qb);
    for (const auto& r : sent) EXPECT_EQ(qbxmlSchemaErrors(r.qbxml), "") << r.what << "\n" << r.qbxml;
    for (const auto& d : h.documents()) EXPECT_EQ(d.state, DocState::Posted) << d.externalKey << ": " << d.lastError;
    EXPECT_EQ(countOf(qb, "CurrencyQueryRq"), 1);
    int adds = 0;
    for (const auto& r : sent) {
        if (r.kind != store::PendingKind::DocumentAdd) continue;
        ++adds;
        EXPECT_TRUE(contains(r.qbxml, "<ExchangeRate>0.7312</ExchangeRate>")) << r.qbxml;
    }
    EXPECT_EQ(adds, 3) << "receipt, credit memo, refund";
    const std::int64_t row = h.documents().front().settlementRow;
    const auto frozen = h.store->read([&](store::Tx& tx) { return store::QbEditionRepo(tx.database()).settlementRate(row); });
    ASSERT_TRUE(frozen.has_value());
    EXPECT_EQ(frozen->rate, "0.7312");
    EXPECT_EQ(frozen->source, "quickbooks");
}

TEST(EditionFacts, NoRateHoldsTheSettlementAndTheRateGivenAtApprovalIsUsed) {
    PostingHarness h;
    h.import(cadSummary());
    FakeQuickBooks qb;
    qb.multicurrency = true;
    auto s = h.startSession(hcpResponse("13.0", "", true, "US Dollar"));
    h.run(s, qb);
    EXPECT_EQ(qb.requestNames, (std::vector<std::string>{"SalesTaxCodeQueryRq", "CurrencyQueryRq"}));
    for (const auto& d : h.documents()) {
        if (d.kind == DocKind::RefundPayment) continue;
        EXPECT_EQ(d.holdReason, "exchange-rate") << d.externalKey;
        EXPECT_TRUE(contains(d.lastError, "QuickBooks has no exchange rate for Canadian Dollar (CAD)")) << d.lastError;
    }
    posting::Queue queue(*h.store);
    EXPECT_THROW(queue.approve("acme", kCad, posting::Queue::Approval{"0,75", "test"}, h.now), posting::QueueError);
    const auto result = queue.approve("acme", kCad, posting::Queue::Approval{"0.75", "test"}, h.now);
    EXPECT_EQ(result.queued, 2);
    EXPECT_EQ(result.rate, "1 CAD = 0.75 USD (set at approval by test)");
    auto s2 = h.startSession(hcpResponse("13.0", "", true, "US Dollar"));
    const auto sent = h.run(s2, qb);
    for (const auto& d : h.documents()) EXPECT_EQ(d.state, DocState::Posted) << d.externalKey << ": " << d.lastError;
    for (const auto& r : sent) {
        if (r.kind == store::PendingKind::DocumentAdd) {
            EXPECT_TRUE(contains(r.qbxml, "<ExchangeRate>0.75</ExchangeRate>"));
        }
    }
    EXPECT_EQ(countOf(qb, "CurrencyQueryRq"), 1) << "a frozen rate needs no query";
    EXPECT_THROW(queue.approve("acme", kCad, posting::Queue::Approval{"0.8", "test"}, h.now), posting::QueueError)
        << "documents are in QuickBooks at 0.75";
}

}  // namespace
}  // namespace settlebridge::testing
