#include "daemon/settlement/summarizer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <limits>
#include <new>
#include <sstream>
#include <string>
#include <vector>

#include "daemon/common/datetime.hpp"
#include "daemon/settlement/naming.hpp"

// Counts heap allocations made by this thread while `gCountAllocations` is set (for the streaming test). Replacing
// the global operator new is allowed once per program; only this test file of unit_settlement does it. Not under
// AddressSanitizer, which has its own operator new (the test is skipped there).
#if defined(__SANITIZE_ADDRESS__)
#define SETTLEBRIDGE_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SETTLEBRIDGE_COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef SETTLEBRIDGE_COUNT_ALLOCATIONS
#define SETTLEBRIDGE_COUNT_ALLOCATIONS 1
#endif

namespace {
thread_local bool gCountAllocations = false;
std::atomic<std::size_t> gAllocations{0};
}  // namespace

#if SETTLEBRIDGE_COUNT_ALLOCATIONS

// noinline keeps GCC from pairing the inlined malloc/free with new/delete expressions (-Wmismatched-new-delete).
__attribute__((noinline)) void* operator new(std::size_t size) {
    if (gCountAllocations) ++gAllocations;
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
__attribute__((noinline)) void operator delete(void* p) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif

namespace settlebridge::settlement {
namespace {

common::UtcSeconds utc(int y, unsigned mo, unsigned d, unsigned h = 0, unsigned mi = 0, unsigned s = 0) {
    return common::utcFromCivil(common::CivilDateTime{common::CivilDate{y, mo, d}, h, mi, s});
}

struct TestRow {
    std::string tt;
    std::string at;
    std::string ad;
    common::Cents amount = 0;
    std::string sku;
    common::UtcSeconds posted = 0;
    std::int64_t quantity = 0;
    std::string marketplace = "Amazon.com";
};

SettlementHeader makeHeader(std::string id, common::UtcSeconds start, common::UtcSeconds end, common::UtcSeconds deposit, common::Cents total,
                            std::string currency) {
    SettlementHeader header;
    header.settlementId = std::move(id);
    header.startUtc = start;
    header.endUtc = end;
    header.depositUtc = deposit;
    header.totalAmount = total;
    header.currency = std::move(currency);
    return header;
}

void feed(Summarizer& summarizer, const std::vector<TestRow>& rows, std::size_t firstLine = 3) {
    std::size_t line = firstLine;
    for (const auto& r : rows) {
        Row row;
        row.line = line++;
        row.transactionType = r.tt;
        row.amountType = r.at;
        row.amountDescription = r.ad;
        row.amount = r.amount;
        row.sku = r.sku;
        row.marketplaceName = r.marketplace;
        row.postedUtc = r.posted;
        row.quantity = r.quantity;
        summarizer.onRow(row);
    }
}

Summary run(const SettlementHeader& header, const std::vector<TestRow>& rows, SummarizeOptions options = {}) {
    Summarizer summarizer(std::move(options));
    summarizer.onHeader(header);
    feed(summarizer, rows);
    return summarizer.finish();
}

struct ExpectedLine {
    std::string category;
    std::string sku;
    std::int64_t quantity;
    common::Cents amount;
};

void expectLines(const SummaryDocument& document, const std::vector<ExpectedLine>& expected) {
    ASSERT_EQ(document.lines.size(), expected.size()) << document.externalKey;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto& line = document.lines[i];
        EXPECT_EQ(line.category, expected[i].category) << document.externalKey << " line " << i;
        EXPECT_EQ(line.sku, expected[i].sku) << document.externalKey << " line " << i;
        EXPECT_EQ(line.quantity, expected[i].quantity) << document.externalKey << " line " << i;
        EXPECT_EQ(line.amount, expected[i].amount) << document.externalKey << " line " << i;
    }
}

/// The invariants every summary keeps: no negative document, documents net = rows (outside gross mode),
/// parts net = documents net, every row on exactly one line.
void expectInvariants(const Summary& summary) {
    common::Cents net = 0;
    std::size_t rows = 0;
    for (const auto& document : summary.documents) {
        EXPECT_GE(document.total(), 0) << document.externalKey;
        EXPECT_FALSE(document.lines.empty()) << document.externalKey;
        EXPECT_LE(document.refNumber.size(), kMaxRefNumberLength);
        net += document.kind == DocumentKind::SalesReceipt ? document.total() : -document.total();
        for (const auto& line : document.lines) rows += line.rows;
    }
    EXPECT_EQ(net, summary.documentsNet);
    common::Cents partsNet = 0;
    for (const auto& part : summary.parts) partsNet += part.net;
    EXPECT_EQ(partsNet, summary.documentsNet);
    if (!summary.grossMode) {
        EXPECT_EQ(summary.documentsNet, summary.rowsTotal);
        EXPECT_EQ(rows, summary.rowCount);
    }
}

const SettlementHeader kUsHeader = makeHeader("12345678901", utc(2025, 9, 1, 8), utc(2025, 9, 15, 8), utc(2025, 9, 17, 8),
                                              1945, "USD");

std::vector<TestRow> usRows() {
    return {
        {"Order", "ItemPrice", "Principal", 2000, "SKU-A", 0, 2},
        {"Order", "ItemPrice", "Tax", 160, "SKU-A"},
        {"Order", "ItemWithheldTax", "MarketplaceFacilitatorTax-Principal", -160, "SKU-A"},
        {"Order", "ItemFees", "Commission", -300, "SKU-A"},
        {"Order", "ItemFees", "FBAPerUnitFulfillmentFee", -500, "SKU-A"},
        {"Order", "ItemPrice", "Principal", 1500, "SKU-B", 0, 1},
        {"Order", "ItemPrice", "Shipping", 399, "SKU-B"},
        {"Order", "Promotion", "Shipping", -399, "SKU-B"},
        {"Order", "ItemFees", "Commission", -225, "SKU-B"},
        {"Order", "ItemPrice", "Principal", 1000, "SKU-A", 0, 1},
        {"Refund", "ItemPrice", "Principal", -1000, "SKU-A", 0, 1},
        {"Refund", "ItemFees", "Commission", 150, "SKU-A"},
        {"Refund", "ItemFees", "RefundCommission", -30, "SKU-A"},
        {"other-transaction", "other-transaction", "Storage Fee", -250, ""},
        {"ServiceFee", "Cost of Advertising", "TransactionTotalAmount", -400, "", 0, 0, ""},
    };
}

TEST(Summarizer, ReceiptAndCreditMemo) {
    const Summary summary = run(kUsHeader, usRows());
    expectInvariants(summary);
    EXPECT_TRUE(summary.reconciled);
    EXPECT_EQ(summary.rowCount, 15u);
    EXPECT_EQ(summary.rowsTotal, 1945);
    EXPECT_EQ(summary.documentsNet, 1945);
    EXPECT_EQ(summary.difference, 0);
    EXPECT_FALSE(summary.grossMode);
    EXPECT_EQ(summary.marketplaceName, "Amazon.com");
    EXPECT_EQ(summary.timeZone, "America/Los_Angeles");  // USD -> Amazon.com's zone
    EXPECT_EQ(summary.customerName, "Amazon Summary");
    EXPECT_EQ(summary.mappingVersion, "builtin-2");
    EXPECT_EQ(summary.depositDate, "2025-09-17");
    EXPECT_TRUE(summary.unmapped.empty());
    EXPECT_TRUE(summary.notes.empty());
    ASSERT_EQ(summary.parts.size(), 1u);
    EXPECT_EQ(summary.parts[0].month, "2025-09");
    EXPECT_EQ(summary.parts[0].txnDate, "2025-09-15");
    EXPECT_EQ(summary.parts[0].net, 1945);

    ASSERT_EQ(summary.documents.size(), 2u);
    const SummaryDocument& receipt = summary.documents[0];
    EXPECT_EQ(receipt.kind, DocumentKind::SalesReceipt);
    EXPECT_EQ(receipt.refNumber, "5O6AQT10R");
    EXPECT_EQ(receipt.externalKey, "12345678901:R:0");
    EXPECT_EQ(receipt.txnDate, "2025-09-15");
    EXPECT_EQ(receipt.memo, "Amazon settlement 12345678901 2025-09-01\u20132025-09-15 key 12345678901:R:0");
    expectLines(receipt, {{"product", "SKU-A", 3, 3000},
                          {"product", "SKU-B", 1, 1500},
                          {"product-tax", "", 0, 160},
                          {"shipping", "", 0, 399},
                          {"promotions", "", 0, -399},
                          {"marketplace-tax-withheld", "", 0, -160},
                          {"commission", "", 0, -525},
                          {"fba-fulfilment", "", 0, -500},
                          {"storage", "", 0, -250},
                          {"advertising", "", 0, -400}});
    EXPECT_EQ(receipt.total(), 2825);
    EXPECT_EQ(receipt.lines[0].item, "SKU-A");
    EXPECT_EQ(receipt.lines[0].description, "Sales of SKU SKU-A");
    EXPECT_EQ(receipt.lines[0].rows, 2u);
    EXPECT_EQ(receipt.lines[6].item, "Amazon Referral Fees");
    EXPECT_EQ(receipt.lines[6].description, "Referral fees (commission)");
    EXPECT_EQ(receipt.lines[6].rows, 2u);

    const SummaryDocument& credit = summary.documents[1];
    EXPECT_EQ(credit.kind, DocumentKind::CreditMemo);
    EXPECT_EQ(credit.refNumber, "5O6AQT10C");
    EXPECT_EQ(credit.externalKey, "12345678901:C:0");
    EXPECT_EQ(credit.txnDate, "2025-09-15");
    // A refunded principal of -10.00 is a +10.00 credit line; the commission give-back of +1.50 a -1.50 line.
    expectLines(credit, {{"product", "SKU-A", 1, 1000}, {"commission", "", 0, -150}, {"refund-commission", "", 0, 30}});
    EXPECT_EQ(credit.total(), 880);
    EXPECT_EQ(credit.lines[0].description, "Refunds of SKU SKU-A");
    EXPECT_EQ(credit.lines[1].description, "Refunds: Referral fees (commission)");
}

TEST(Summarizer, RefundsOnly) {
    const SettlementHeader header = makeHeader("12345678902", utc(2025, 9, 1, 8), utc(2025, 9, 15, 8), utc(2025, 9, 17, 8),
                                               -960, "USD");
    const Summary summary = run(header, {{"Refund", "ItemPrice", "Principal", -1000, "SKU-A", 0, 1},
                                         {"Refund", "ItemPrice", "Tax", -80, "SKU-A"},
                                         {"Refund", "ItemFees", "Commission", 150, "SKU-A"},
                                         {"Refund", "ItemFees", "RefundCommission", -30, "SKU-A"}});
    expectInvariants(summary);
    EXPECT_TRUE(summary.reconciled);
    ASSERT_EQ(summary.documents.size(), 1u);  // no empty sales receipt
    EXPECT_EQ(summary.documents[0].kind, DocumentKind::CreditMemo);
    expectLines(summary.documents[0], {{"product", "SKU-A", 1, 1000},
                                       {"product-tax", "", 0, 80},
                                       {"commission", "", 0, -150},
                                       {"refund-commission", "", 0, 30}});
    EXPECT_EQ(summary.documentsNet, -960);
    // Only the one note a negative settlement gets: it goes through Amazon Reserved Balances.
    ASSERT_EQ(summary.notes.size(), 1u);
    EXPECT_NE(summary.notes[0].find("nothing is paid out"), std::string::npos) << summary.notes[0];
}

TEST(Summarizer, NegativeDepositMovesTheReceiptOntoTheCreditMemo) {
    const SettlementHeader header = makeHeader("12345678903", utc(2025, 9, 1, 8), utc(2025, 9, 15, 8), utc(2025, 9, 17, 8),
                                               -4500, "USD");
    const Summary summary = run(header, {{"Order", "ItemPrice", "Principal", 1000, "SKU-A", 0, 1},
                                         {"other-transaction", "other-transaction", "Storage Fee", -5000, ""},
                                         {"Refund", "ItemPrice", "Principal", -500, "SKU-A", 0, 1}});
    expectInvariants(summary);
    EXPECT_TRUE(summary.reconciled);
    ASSERT_EQ(summary.documents.size(), 1u);
    const auto& credit = summary.documents[0];
    EXPECT_EQ(credit.kind, DocumentKind::CreditMemo);
    EXPECT_EQ(credit.externalKey, "12345678903:C:0");
    // Its own refund line first, then the receipt's lines with their signs reversed.
    expectLines(credit, {{"product", "SKU-A", 1, 500}, {"product", "SKU-A", -1, -1000}, {"storage", "", 0, 5000}});
    EXPECT_EQ(credit.total(), 4500);  // C - R = 5.00 - (-40.00)
    EXPECT_EQ(credit.lines[1].description, "Sales of SKU SKU-A");
    ASSERT_EQ(summary.notes.size(), 2u);
    EXPECT_NE(summary.notes[0].find("sales receipt would total -40.00 USD"), std::string::npos) << summary.notes[0];
    EXPECT_NE(summary.notes[1].find("Amazon Reserved Balances"), std::string::npos) << summary.notes[1];
    EXPECT_EQ(summary.parts[0].net, -4500);
}

TEST(Summarizer, NegativeCreditMemoMovesOntoTheReceipt) {
    // A commission give-back whose refunded sale was in an earlier settlement: the credit memo alone is negative.
    const SettlementHeader header = makeHeader("12345678904", utc(2025, 9, 1, 8), utc(2025, 9, 15, 8), utc(2025, 9, 17, 8),
                                               1150, "USD");
    const Summary summary = run(header, {{"Order", "ItemPrice", "Principal", 1000, "SKU-A", 0, 1},
                                         {"Refund", "ItemFees", "Commission", 150, "SKU-A"}});
    expectInvariants(summary);
    EXPECT_TRUE(summary.reconciled);
    ASSERT_EQ(summary.documents.size(), 1u);
    EXPECT_EQ(summary.documents[0].kind, DocumentKind::SalesReceipt);
    expectLines(summary.documents[0], {{"product", "SKU-A", 1, 1000}, {"commission", "", 0, 150}});
    EXPECT_EQ(summary.documents[0].lines[1].description, "Refunds: Referral fees (commission)");
    ASSERT_EQ(summary.notes.size(), 1u);
    EXPECT_NE(summary.notes[0].find("credit memo would total -1.50 USD"), std::string::npos) << summary.notes[0];
}

TEST(Summarizer, BothSidesNegative) {
    const SettlementHeader header = makeHeader("12345678905", utc(2025, 9, 1, 8), utc(2025, 9, 15, 8), utc(2025, 9, 17, 8),
                                               -50, "USD");
    const Summary summary = run(header, {{"other-transaction", "other-transaction", "Storage Fee", -100, ""},
                                         {"Refund", "ItemFees", "Commission", 50, "SKU-A"}});
    expectInvariants(summary);
    ASSERT_EQ(summary.documents.size(), 1u);
    EXPECT_EQ(summary.documents[0].kind, DocumentKind::CreditMemo);
    EXPECT_EQ(summary.documents[0].total(), 50);
    expectLines(summary.documents[0], {{"commission", "", 0, -50}, {"storage", "", 0, 100}});
}

TEST(Summarizer, UnknownAmountDescriptionGoesToAnUnmappedLine) {
    const SettlementHeader header = makeHeader("12345678906", utc(2025, 9, 1, 8), utc(2025, 9, 15, 8), utc(2025, 9, 17, 8),
                                               870, "USD");
    const Summary summary = run(header, {{"Order", "ItemPrice", "Principal", 1000, "SKU-A", 0, 1},
                                         {"other-transaction", "other-transaction", "Mystery Charge", -123, ""},
                                         {"NewEvent", "NewType", "Brand New Thing", 0, ""},
                                         {"other-transaction", "other-transaction", "Mystery Charge", -7, ""}});
    expectInvariants(summary);
    EXPECT_TRUE(summary.reconciled);  // still on a line: nothing is dropped
    ASSERT_EQ(summary.unmapped.size(), 2u);
    EXPECT_EQ(summary.unmapped[0].amountDescription, "Mystery Charge");
    EXPECT_EQ(summary.unmapped[0].rows, 2u);
    EXPECT_EQ(summary.unmapped[0].amount, -130);
    EXPECT_EQ(summary.unmapped[0].firstLine, 4u);
    EXPECT_EQ(summary.unmapped[1].transactionType, "NewEvent");
    EXPECT_EQ(summary.unmapped[1].firstLine, 5u);
    ASSERT_EQ(summary.documents.size(), 1u);
    expectLines(summary.documents[0],
                {{"product", "SKU-A", 1, 1000}, {"unmapped", "", 0, 0}, {"unmapped", "", 0, -130}});
    EXPECT_EQ(summary.documents[0].lines[1].description, "Unmapped: NewEvent / NewType / Brand New Thing");
    EXPECT_EQ(summary.documents[0].lines[2].description, "Unmapped: other-transaction / other-transaction / Mystery Charge");
    EXPECT_EQ(summary.documents[0].lines[2].item, "Amazon Unmapped");
    EXPECT_EQ(summary.documents[0].lines[2].rows, 2u);
    ASSERT_EQ(summary.notes.size(), 1u);
    EXPECT_NE(summary.notes[0].find("3 rows of 2 unknown kinds"), std::string::npos) << summary.notes[0];
}

TEST(Summarizer, ReservesHeldAndReleased) {
    const SettlementHeader header = makeHeader("12345678907", utc(2025, 9, 1, 8), utc(2025, 9, 15, 8), utc(2025, 9, 17, 8),
                                               3000, "USD");
    const Summary summary =
        run(header, {{"Order", "ItemPrice", "Principal", 5000, "SKU-A", 0, 2},
                     {"other-transaction", "other-transaction", "Previous Reserve Amount Balance", 8000, ""},
                     {"other-transaction", "other-transaction", "Current Reserve Amount", -10000, ""}});
    expectInvariants(summary);
    EXPECT_TRUE(summary.reconciled);
    ASSERT_EQ(summary.documents.size(), 1u);
    expectLines(summary.documents[0], {{"product", "SKU-A", 2, 5000}, {"reserve", "", 0, -2000}});
    EXPECT_EQ(summary.documents[0].lines[1].item, "Amazon Reserve");
    EXPECT_EQ(summary.documents[0].lines[1].rows, 2u);
}

// A settlement across the July/August month end, company in Pacific time.
const SettlementHeader kMonthEndHeader = makeHeader("12345678908", utc(2025, 7, 25, 7), utc(2025, 8, 8, 7),
                                                    utc(2025, 8, 10, 7), 6075, "USD");
std::vector<TestRow> monthEndRows() {
    return {
        {"Order", "ItemPrice", "Principal", 1000, "SKU-A", utc(2025, 7, 31, 20), 1},
        {"Order", "ItemFees", "Commission", -150, "SKU-A", utc(2025, 7, 31, 20)},
        // 03:30 UTC on August 1 is 20:30 on July 31 in Los Angeles: a July sale.
        {"Order", "ItemPrice", "Principal", 2000, "SKU-A", utc(2025, 8, 1, 3, 30), 2},
        // Midnight PDT on August 1: August.
        {"Order", "ItemPrice", "Principal", 5000, "SKU-B", utc(2025, 8, 1, 7), 2},
        {"Order", "ItemFees", "Commission", -75, "SKU-B", utc(2025, 8, 1, 7)},
        {"other-transaction", "other-transaction", "Storage Fee", -300, "", utc(2025, 8, 5, 12)},
        {"Refund", "ItemPrice", "Principal", -1000, "SKU-A", utc(2025, 8, 2, 12), 1},
        {"other-transaction", "other-transaction", "Subscription Fee", -399, "", utc(2025, 7, 26, 12)},
        {"other-transaction", "other-transaction", "Micro Deposit", -1, "", 0},  // no date: the last part
    };
}

TEST(Summarizer, MonthEndUnsplit) {
    const Summary summary = run(kMonthEndHeader, monthEndRows());
    expectInvariants(summary);
    EXPECT_TRUE(summary.reconciled);
    ASSERT_EQ(summary.parts.size(), 1u);
    EXPECT_EQ(summary.parts[0].txnDate, "2025-08-08");
    ASSERT_EQ(summary.documents.size(), 2u);
    expectLines(summary.documents[0], {{"product", "SKU-A", 3, 3000},
                                       {"product", "SKU-B", 2, 5000},
                                       {"commission", "", 0, -225},
                                       {"storage", "", 0, -300},
                                       {"subscription", "", 0, -399},
                                       {"micro-deposit", "", 0, -1}});
    expectLines(summary.documents[1], {{"product", "SKU-A", 1, 1000}});
    EXPECT_EQ(summary.documentsNet, 6075);
}

TEST(Summarizer, MonthEndSplit) {
    SummarizeOptions options;
    options.splitMonths = true;
    const Summary summary = run(kMonthEndHeader, monthEndRows(), options);
    expectInvariants(summary);
    EXPECT_TRUE(summary.reconciled);
    ASSERT_EQ(summary.parts.size(), 2u);
    EXPECT_EQ(summary.parts[0].month, "2025-07");
    EXPECT_EQ(summary.parts[0].txnDate, "2025-07-31");
    EXPECT_EQ(summary.parts[0].net, 2451);
    EXPECT_EQ(summary.parts[1].month, "2025-08");
    EXPECT_EQ(summary.parts[1].txnDate, "2025-08-08");
    EXPECT_EQ(summary.parts[1].net, 3624);
    ASSERT_EQ(summary.documents.size(), 3u);
    const auto& july = summary.documents[0];
    EXPECT_EQ(july.part, 0);
    EXPECT_EQ(july.refNumber, "5O6AQT80R");
    EXPECT_EQ(july.externalKey, "12345678908:R:0");
    EXPECT_EQ(july.txnDate, "2025-07-31");
    EXPECT_EQ(july.memo, "Amazon settlement 12345678908 2025-07-25\u20132025-08-08 part 1 of 2 key 12345678908:R:0");
    expectLines(july, {{"product", "SKU-A", 3, 3000}, {"commission", "", 0, -150}, {"subscription", "", 0, -399}});
    const auto& august = summary.documents[1];
    EXPECT_EQ(august.part, 1);
    EXPECT_EQ(august.refNumber, "5O6AQT81R");
    EXPECT_EQ(august.txnDate, "2025-08-08");
    expectLines(august, {{"product", "SKU-B", 2, 5000},
                         {"commission", "", 0, -75},
                         {"storage", "", 0, -300},
                         {"micro-deposit", "", 0, -1}});
    const auto& augustCredit = summary.documents[2];
    EXPECT_EQ(augustCredit.kind, DocumentKind::CreditMemo);
    EXPECT_EQ(augustCredit.refNumber, "5O6AQT81C");
    EXPECT_EQ(augustCredit.externalKey, "12345678908:C:1");
    expectLines(augustCredit, {{"product", "SKU-A", 1, 1000}});
    EXPECT_EQ(summary.parts[0].net + summary.parts[1].net, kMonthEndHeader.totalAmount);
}

TEST(Summarizer, MonthEndSplitDependsOnTheZone) {
    SummarizeOptions options;
    options.splitMonths = true;
    options.timeZone = "UTC";
    const Summary summary = run(kMonthEndHeader, monthEndRows(), options);
    expectInvariants(summary);
    EXPECT_EQ(summary.timeZone, "UTC");
    ASSERT_EQ(summary.parts.size(), 2u);
    EXPECT_EQ(summary.parts[0].net, 451);   // the 20:30 PDT sale is an August sale in UTC
    EXPECT_EQ(summary.parts[1].net, 5624);
}

TEST(Summarizer, ThreeMonthSettlementGetsThreeParts) {
    // A first settlement running 8 weeks, Amazon.ca (CAD -> Pacific time).
    const SettlementHeader header = makeHeader("23874396421", utc(2025, 6, 20, 22, 7, 18), utc(2025, 8, 14, 22, 7, 18),
                                               utc(2025, 8, 16, 22, 7, 18), 5940, "CAD");
    const std::vector<TestRow> rows = {
        {"Order", "ItemPrice", "Principal", 1000, "SKU-A", utc(2025, 6, 25, 12), 1, "Amazon.ca"},
        {"Order", "ItemFees", "Commission", -10, "SKU-A", utc(2025, 5, 30, 12), 0, "Amazon.ca"},  // before the start: June
        {"Order", "ItemPrice", "Principal", 2000, "SKU-A", utc(2025, 7, 10, 12), 2, "Amazon.ca"},
        {"other-transaction", "other-transaction", "Storage Fee", -100, "", utc(2025, 7, 31, 23), 0, ""},
        {"Order", "ItemPrice", "Principal", 3000, "SKU-B", utc(2025, 8, 10, 12), 3, "Amazon.ca"},
        {"other-transaction", "other-transaction", "Successful charge", 50, "", 0, 0, ""},
    };
    SummarizeOptions options;
    options.splitMonths = true;
    const Summary summary = run(header, rows, options);
    expectInvariants(summary);
    EXPECT_TRUE(summary.reconciled);
    EXPECT_EQ(summary.timeZone, "America/Los_Angeles");
    EXPECT_EQ(summary.marketplaceName, "Amazon.ca");
    ASSERT_EQ(summary.parts.size(), 3u);
    EXPECT_EQ(summary.parts[0].month, "2025-06");
    EXPECT_EQ(summary.parts[0].txnDate, "2025-06-30");
    EXPECT_EQ(summary.parts[0].net, 990);
    EXPECT_EQ(summary.parts[1].month, "2025-07");
    EXPECT_EQ(summary.parts[1].txnDate, "2025-07-31");
    EXPECT_EQ(summary.parts[1].net, 1900);
    EXPECT_EQ(summary.parts[2].month, "2025-08");
    EXPECT_EQ(summary.parts[2].txnDate, "2025-08-14");
    EXPECT_EQ(summary.parts[2].net, 3050);
    ASSERT_EQ(summary.documents.size(), 3u);
    EXPECT_EQ(summary.documents[2].refNumber, "AYU766D2R");
    EXPECT_NE(summary.documents[2].memo.find("part 3 of 3"), std::string::npos);
    expectLines(summary.documents[2], {{"product", "SKU-B", 3, 3000}, {"card-charge", "", 0, 50}});
}

TEST(Summarizer, RowsPostedOutsideTheSettlementCountInItsFirstOrLastMonth) {
    // Dates strewn over two centuries (more distinct months than the summarizer remembers): each row still lands
    // in the settlement's first month (posted before it) or last month (posted after it).
    std::vector<TestRow> rows;
    common::Cents before = 0;
    common::Cents after = 0;
    for (int i = 0; i < 400; ++i) {
        const int year = 1900 + i / 2;
        const common::UtcSeconds posted = utc(year, static_cast<unsigned>(i % 12) + 1, 15, 12);
        rows.push_back({"Order", "ItemPrice", "Principal", 100 + i, "SKU-A", posted, 1});
        (posted < kMonthEndHeader.startUtc ? before : after) += 100 + i;
    }
    SettlementHeader header = kMonthEndHeader;
    header.totalAmount = before + after;
    SummarizeOptions options;
    options.splitMonths = true;
    const Summary summary = run(header, rows, options);
    expectInvariants(summary);
    EXPECT_TRUE(summary.reconciled);
    ASSERT_EQ(summary.parts.size(), 2u);
    EXPECT_EQ(summary.parts[0].month, "2025-07");
    EXPECT_EQ(summary.parts[0].net, before);
    EXPECT_EQ(summary.parts[1].month, "2025-08");
    EXPECT_EQ(summary.parts[1].net, after);
}

TEST(Summarizer, SplitWithOneMonthIsOnePart) {
    SummarizeOptions options;
    options.splitMonths = true;
    const Summary split = run(kUsHeader, usRows(), options);
    const Summary plain = run(kUsHeader, usRows());
    ASSERT_EQ(split.parts.size(), 1u);  // undated rows only: one part at the settlement end
    EXPECT_EQ(split.parts[0].txnDate, "2025-09-15");
    ASSERT_EQ(split.documents.size(), plain.documents.size());
    for (std::size_t i = 0; i < split.documents.size(); ++i) {
        EXPECT_EQ(split.documents[i].refNumber, plain.documents[i].refNumber);
        EXPECT_EQ(split.documents[i].total(), plain.documents[i].total());
        EXPECT_EQ(split.documents[i].memo, plain.documents[i].memo);
    }
}

TEST(Summarizer, ItemNameLongerThanQuickBooksAllows) {
    const std::string longSku = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-RED";
    const std::string colonSku = "WIDGET:RED";
    const SettlementHeader header = makeHeader("12345678909", utc(2025, 9, 1, 8), utc(2025, 9, 15, 8), utc(2025, 9, 17, 8),
                                               3000, "USD");
    const Summary summary = run(header, {{"Order", "ItemPrice", "Principal", 1000, longSku, 0, 1},
                                         {"Order", "ItemPrice", "Principal", 2000, colonSku, 0, 1}});
    expectInvariants(summary);
    ASSERT_EQ(summary.documents.size(), 1u);
    const auto& lines = summary.documents[0].lines;
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].sku, longSku);
    EXPECT_EQ(lines[0].item, "ABCDEFGHIJKLMNOPQRSTUVWX~XSDTBR");
    EXPECT_LE(utf8Length(lines[0].item), kMaxItemNameLength);
    EXPECT_NE(lines[0].description.find(longSku), std::string::npos);
    EXPECT_EQ(lines[1].sku, colonSku);
    EXPECT_EQ(lines[1].item, "WIDGET-RED~69VVIS");
    EXPECT_NE(lines[1].description.find(colonSku), std::string::npos);
}

TEST(Summarizer, GrossModeLeavesFeesOffAndSaysSo) {
    SummarizeOptions options;
    options.grossMode = true;
    const Summary summary = run(kUsHeader, usRows(), options);
    expectInvariants(summary);
    EXPECT_TRUE(summary.grossMode);
    EXPECT_FALSE(summary.reconciled);
    EXPECT_EQ(summary.difference, 0);  // the file itself balances
    ASSERT_EQ(summary.documents.size(), 2u);
    expectLines(summary.documents[0], {{"product", "SKU-A", 3, 3000},
                                       {"product", "SKU-B", 1, 1500},
                                       {"product-tax", "", 0, 160},
                                       {"shipping", "", 0, 399},
                                       {"promotions", "", 0, -399},
                                       {"marketplace-tax-withheld", "", 0, -160}});
    expectLines(summary.documents[1], {{"product", "SKU-A", 1, 1000}});
    EXPECT_EQ(summary.documentsNet, 3500);
    ASSERT_EQ(summary.notes.size(), 1u);
    const std::string& note = summary.notes[0];
    EXPECT_NE(note.find("do NOT match the deposit of 19.45 USD"), std::string::npos) << note;
    EXPECT_NE(note.find("off by -15.55 USD"), std::string::npos) << note;
    EXPECT_NE(note.find("7 fee and account rows totalling -15.55 USD"), std::string::npos) << note;
}

TEST(Summarizer, MappingOverridesCustomerItemsAndVersion) {
    const Mapping mapping = Mapping::parse("version v5\n"
                                           "customer\tUSD\tAmazon US\n"
                                           "sku\tSKU-A\tProducts:Widget A\n"
                                           "item\tcommission\tFees:Referral\n"
                                           "rule\t*\t*\tStorage Fee\taccount-fees\n",
                                           "test.map");
    SummarizeOptions options;
    options.mapping = &mapping;
    options.customerName = "Ignored When Mapped";
    const Summary summary = run(kUsHeader, usRows(), options);
    expectInvariants(summary);
    EXPECT_EQ(summary.mappingVersion, "builtin-2+v5");
    EXPECT_EQ(summary.customerName, "Amazon US");
    const auto& receipt = summary.documents[0];
    EXPECT_EQ(receipt.lines[0].item, "Products:Widget A");
    EXPECT_EQ(receipt.lines[1].item, "SKU-B");
    bool sawAccountFees = false;
    for (const auto& line : receipt.lines) {
        if (line.category == "commission") {
            EXPECT_EQ(line.item, "Fees:Referral");
        }
        if (line.category == "account-fees") {
            sawAccountFees = true;
            EXPECT_EQ(line.amount, -250);
        }
        EXPECT_NE(line.category, "storage");
    }
    EXPECT_TRUE(sawAccountFees);
}

TEST(Summarizer, CustomerOptionWithoutMapping) {
    SummarizeOptions options;
    options.customerName = "Amazon Canada Summary";
    EXPECT_EQ(run(kUsHeader, usRows(), options).customerName, "Amazon Canada Summary");
}

TEST(Summarizer, UnbalancedFileIsNotForced) {
    SettlementHeader header = kUsHeader;
    header.totalAmount = 2000;  // a line Amazon left out: the rows sum to 19.45
    const Summary summary = run(header, usRows());
    expectInvariants(summary);
    EXPECT_FALSE(summary.reconciled);
    EXPECT_EQ(summary.rowsTotal, 1945);
    EXPECT_EQ(summary.documentsNet, 1945);  // the documents are the rows, never forced to the total
    EXPECT_EQ(summary.difference, 55);
    ASSERT_EQ(summary.notes.size(), 1u);
    EXPECT_NE(summary.notes[0].find("difference 0.55 USD"), std::string::npos) << summary.notes[0];
}

TEST(Summarizer, EmptySettlement) {
    const SettlementHeader header = makeHeader("12345678910", utc(2025, 9, 1, 8), utc(2025, 9, 15, 8), utc(2025, 9, 17, 8),
                                               0, "USD");
    const Summary summary = run(header, {});
    EXPECT_TRUE(summary.reconciled);
    EXPECT_TRUE(summary.documents.empty());
    ASSERT_EQ(summary.parts.size(), 1u);
    EXPECT_EQ(summary.parts[0].net, 0);
}

TEST(Summarizer, TimeZoneChoice) {
    const SettlementHeader inr = makeHeader("99000000001", utc(2026, 5, 25, 12, 10, 23), utc(2026, 6, 1, 12, 10, 23),
                                            utc(2026, 6, 3, 12, 10, 23), 0, "INR");
    EXPECT_EQ(run(inr, {}).timeZone, "Asia/Kolkata");
    EXPECT_EQ(run(inr, {}).depositDate, "2026-06-03");
    SettlementHeader unknown = inr;
    unknown.currency = "XTS";
    EXPECT_EQ(run(unknown, {}).timeZone, "UTC");
    SummarizeOptions options;
    options.timeZone = "Pacific/Kiritimati";  // UTC+14: the deposit is already the 4th there
    const Summary summary = run(inr, {}, options);
    EXPECT_EQ(summary.timeZone, "Pacific/Kiritimati");
    EXPECT_EQ(summary.depositDate, "2026-06-04");
    EXPECT_EQ(summary.parts[0].txnDate, "2026-06-02");
}

TEST(Summarizer, MissingZoneFilesFallBackToUtcWithANoteUnlessTheZoneWasChosen) {
    SummarizeOptions options;
    options.zoneInfoDir = "/nonexistent/zoneinfo";
    const Summary summary = run(kUsHeader, usRows(), options);
    EXPECT_EQ(summary.timeZone, "UTC");
    EXPECT_TRUE(summary.reconciled);
    ASSERT_EQ(summary.notes.size(), 1u);
    EXPECT_NE(summary.notes[0].find("America/Los_Angeles for USD could not be loaded"), std::string::npos)
        << summary.notes[0];
    options.timeZone = "America/Los_Angeles";
    EXPECT_THROW(Summarizer{options}, TimeZoneError);
}

TEST(Summarizer, Misuse) {
    SummarizeOptions bad;
    bad.timeZone = "Nowhere/Atlantis";
    EXPECT_THROW(Summarizer{bad}, TimeZoneError);
    SummarizeOptions badCustomer;
    badCustomer.customerName = std::string(42, 'C');
    EXPECT_THROW(Summarizer{badCustomer}, SummarizeError);
    badCustomer.customerName = "";
    EXPECT_THROW(Summarizer{badCustomer}, SummarizeError);
    {
        Summarizer summarizer;
        Row row;
        EXPECT_THROW(summarizer.onRow(row), SummarizeError);
        EXPECT_THROW(summarizer.finish(), SummarizeError);
    }
    {
        Summarizer summarizer;
        summarizer.onHeader(kUsHeader);
        EXPECT_THROW(summarizer.onHeader(kUsHeader), SummarizeError);
        summarizer.finish();
        EXPECT_THROW(summarizer.finish(), SummarizeError);
    }
    {
        Summarizer summarizer;
        summarizer.onHeader(kUsHeader);
        Row row;
        row.transactionType = "Order";
        row.amountType = "ItemPrice";
        row.amountDescription = "Principal";
        row.amount = std::numeric_limits<common::Cents>::max();
        summarizer.onRow(row);
        EXPECT_THROW(summarizer.onRow(row), SummarizeError);  // overflow is refused, not wrapped
    }
}

TEST(Summarizer, NoHeapAllocationPerRowOnceKeysAreKnown) {
    if (!SETTLEBRIDGE_COUNT_ALLOCATIONS) GTEST_SKIP() << "allocation counting is off under AddressSanitizer";
    SummarizeOptions options;
    options.splitMonths = true;
    Summarizer summarizer(options);
    summarizer.onHeader(kMonthEndHeader);
    const std::vector<TestRow> rows = monthEndRows();
    feed(summarizer, rows);  // every key met once
    std::vector<Row> prepared;
    for (const auto& r : rows) {
        Row row;
        row.transactionType = r.tt;
        row.amountType = r.at;
        row.amountDescription = r.ad;
        row.amount = r.amount;
        row.sku = r.sku;
        row.marketplaceName = r.marketplace;
        row.postedUtc = r.posted;
        row.quantity = r.quantity;
        prepared.push_back(row);
    }
    gAllocations = 0;
    gCountAllocations = true;
    for (int i = 0; i < 2000; ++i)
        for (const auto& row : prepared) summarizer.onRow(row);
    gCountAllocations = false;
    EXPECT_EQ(gAllocations.load(), 0u);
    const Summary summary = summarizer.finish();
    EXPECT_EQ(summary.rowCount, rows.size() * 2001);
    EXPECT_EQ(summary.rowsTotal, kMonthEndHeader.totalAmount * 2001);
}

TEST(Summarizer, SummarizeStreamRunsTheParser) {
    std::istringstream in(
        "settlement-id\tsettlement-start-date\tsettlement-end-date\tdeposit-date\ttotal-amount\tcurrency\ttransaction-type\t"
        "order-id\tmerchant-order-id\tadjustment-id\tshipment-id\tmarketplace-name\tamount-type\tamount-description\tamount\t"
        "fulfillment-id\tposted-date\tposted-date-time\torder-item-code\tmerchant-order-item-id\t"
        "merchant-adjustment-item-id\tsku\tquantity-purchased\tpromotion-id\n"
        "55500000001\t2025-09-01 08:00:00 UTC\t2025-09-15 08:00:00 UTC\t2025-09-17 08:00:00 UTC\t17.50\tUSD"
        "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\n"
        "55500000001\t\t\t\t\t\tOrder\t111-1\t\t\t\tAmazon.com\tItemPrice\tPrincipal\t20.00\tAFN\t2025-09-02\t"
        "2025-09-02 10:00:00 UTC\t1\t\t\tSKU-Z\t2\t\n"
        "55500000001\t\t\t\t\t\tOrder\t111-1\t\t\t\tAmazon.com\tItemFees\tCommission\t-2.50\tAFN\t2025-09-02\t"
        "2025-09-02 10:00:00 UTC\t1\t\t\tSKU-Z\t2\t\n");
    const Summary summary = summarizeStream(in, "inline.txt", {});
    EXPECT_TRUE(summary.reconciled);
    ASSERT_EQ(summary.documents.size(), 1u);
    expectLines(summary.documents[0], {{"product", "SKU-Z", 2, 2000}, {"commission", "", 0, -250}});

    std::istringstream bad("not a settlement report\n");
    EXPECT_THROW(summarizeStream(bad, "bad.txt", {}), ParseError);
    EXPECT_THROW(summarizeFile("/nonexistent/settlement.txt", {}), std::runtime_error);
}

// Issue 15 part 2: a registrant's tax on Amazon's fees is an input tax credit; collected tax stays exact on its
// liability line; facilitator rows still net the tax they withhold to zero.
std::vector<TestRow> caTaxRows() {
    return {
        {"Order", "ItemPrice", "Principal", 10000, "SKU-A", utc(2025, 9, 3, 18), 1, "Amazon.ca"},
        {"Order", "ItemPrice", "Tax", 1300, "SKU-A", utc(2025, 9, 3, 18), 0, "Amazon.ca"},
        {"Order", "ItemFees", "Commission", -1500, "SKU-A", utc(2025, 9, 3, 18), 0, "Amazon.ca"},
        {"Order", "ItemPrice", "Principal", 5000, "SKU-B", utc(2025, 9, 4, 18), 1, "Amazon.ca"},
        {"Order", "ItemPrice", "Tax", 350, "SKU-B", utc(2025, 9, 4, 18), 0, "Amazon.ca"},
        {"Order", "ItemWithheldTax", "MarketplaceFacilitatorTax-Principal", -350, "SKU-B", utc(2025, 9, 4, 18), 0,
         "Amazon.ca"},
        {"Refund", "ItemPrice", "Principal", -2000, "SKU-A", utc(2025, 9, 5, 18), 1, "Amazon.ca"},
        {"Refund", "ItemPrice", "Tax", -260, "SKU-A", utc(2025, 9, 5, 18), 0, "Amazon.ca"},
        {"ServiceFee", "Cost of Advertising", "TransactionTotalAmount", -1000, "", utc(2025, 9, 6), 0, ""},
        {"ServiceFee", "Cost of Advertising", "TaxAmount", -130, "", utc(2025, 9, 6), 0, ""},
    };
}

TEST(Summarizer, TaxOnFeesIsRecoverableForARegistrant) {
    const SettlementHeader header =
        makeHeader("12000000015", utc(2025, 9, 1, 8), utc(2025, 9, 15, 8), utc(2025, 9, 17, 8), 11410, "CAD");
    auto lineOf = [](const Summary& summary, const std::string& category) -> const SummaryLine* {
        for (const auto& document : summary.documents)
            for (const auto& line : document.lines)
                if (line.category == category) return &line;
        return nullptr;
    };
    const Summary unregistered = run(header, caTaxRows());
    expectInvariants(unregistered);
    EXPECT_TRUE(unregistered.reconciled);
    EXPECT_FALSE(unregistered.taxRegistered);
    ASSERT_NE(lineOf(unregistered, "fee-tax"), nullptr);
    EXPECT_EQ(lineOf(unregistered, "fee-tax")->amount, -130);
    EXPECT_EQ(lineOf(unregistered, "fee-tax")->item, "Amazon Tax on Fees");
    EXPECT_EQ(lineOf(unregistered, "fee-tax-recoverable"), nullptr);

    SummarizeOptions options;
    options.taxRegistered = true;
    const Summary registered = run(header, caTaxRows(), options);
    expectInvariants(registered);
    EXPECT_TRUE(registered.reconciled);
    EXPECT_TRUE(registered.taxRegistered);
    EXPECT_EQ(lineOf(registered, "fee-tax"), nullptr);
    ASSERT_NE(lineOf(registered, "fee-tax-recoverable"), nullptr);
    EXPECT_EQ(lineOf(registered, "fee-tax-recoverable")->amount, -130);
    EXPECT_EQ(lineOf(registered, "fee-tax-recoverable")->item, "Amazon Tax on Fees Recoverable");
    // Collected tax exact to the cent on its own lines, the same for both: 13.00 + 3.50 on the receipt, the refunded
    // 2.60 on the credit memo; the facilitator's 3.50 nets the withheld order's tax to zero.
    for (const Summary* s : {&unregistered, &registered}) {
        ASSERT_NE(lineOf(*s, "product-tax"), nullptr);
        EXPECT_EQ(lineOf(*s, "product-tax")->amount, 1650);
        EXPECT_EQ(lineOf(*s, "marketplace-tax-withheld")->amount, -350);
        const auto& memo = s->documents.back();
        ASSERT_EQ(memo.kind, DocumentKind::CreditMemo);
        bool refundedTax = false;
        for (const auto& line : memo.lines) refundedTax = refundedTax || (line.category == "product-tax" && line.amount == 260);
        EXPECT_TRUE(refundedTax);
    }
}

// Issue 15 part 1: a negative settlement goes through the carried-balance account; returned payouts are listed per day.
TEST(Summarizer, NegativeSettlementAndReturnedPayouts) {
    const SettlementHeader negative =
        makeHeader("23874396421", utc(2025, 6, 5, 22), utc(2025, 7, 31, 22), utc(2025, 8, 2, 22), -32169, "CAD");
    const Summary summary = run(negative, {
        {"Inbound Transportation Fee", "other-transaction", "Inbound Transportation Fee", -32169, "", utc(2025, 7, 31, 20)},
        {"Subscription Fee", "other-transaction", "Subscription Fee", -3209, "", utc(2025, 6, 6, 1)},
        {"Successful charge", "other-transaction", "Successful charge", 3209, "", utc(2025, 6, 6, 2)},
    });
    expectInvariants(summary);
    EXPECT_TRUE(summary.throughCarriedBalance());
    EXPECT_EQ(summary.carriedBalanceAccount, "Amazon Reserved Balances");
    bool said = false;
    for (const auto& note : summary.notes) said = said || note.find("go through \"Amazon Reserved Balances\"") != std::string::npos;
    EXPECT_TRUE(said);
    EXPECT_TRUE(summary.returnedPayouts.empty());

    // The mapping may rename the account (all five categories together).
    const Mapping renamed = Mapping::parse(
        "version r\naccount\tpayable-to-amazon\tOwed\naccount\tcard-charge\tOwed\naccount\tcarried-balance\tOwed\n"
        "account\tfailed-disbursement\tOwed\naccount\tmicro-deposit\tOwed\n",
        "r.map");
    SummarizeOptions options;
    options.mapping = &renamed;
    EXPECT_EQ(run(negative, {{"other-transaction", "other-transaction", "Subscription Fee", -32169, ""}}, options)
                  .carriedBalanceAccount,
              "Owed");

    // Failed disbursement rows: their own category, summed per local day (Pacific time for CAD), undated ones on the
    // settlement's end day; a negative day is noted, not transferred.
    const SettlementHeader positive =
        makeHeader("24288684721", utc(2025, 8, 14, 22), utc(2025, 8, 28, 22), utc(2025, 8, 30, 22), 51257 + 1000 - 200, "CAD");
    const Summary returned = run(positive, {
        {"other-transaction", "other-transaction", "Failed disbursement", 41257, "", utc(2025, 8, 20, 3)},  // Aug 19 PDT
        {"other-transaction", "other-transaction", "Failed disbursement", 10000, "", utc(2025, 8, 19, 20)},
        {"other-transaction", "other-transaction", "Failed disbursement", -200, "", 0},
        {"Order", "ItemPrice", "Principal", 1000, "SKU-A", utc(2025, 8, 20), 1, "Amazon.ca"},
    });
    expectInvariants(returned);
    EXPECT_FALSE(returned.throughCarriedBalance());
    ASSERT_EQ(returned.returnedPayouts.size(), 2u);
    EXPECT_EQ(returned.returnedPayouts[0].date, "2025-08-19");
    EXPECT_EQ(returned.returnedPayouts[0].amount, 51257);
    EXPECT_EQ(returned.returnedPayouts[1].date, "2025-08-28");
    EXPECT_EQ(returned.returnedPayouts[1].amount, -200);
    bool noted = false;
    for (const auto& note : returned.notes) noted = noted || note.find("no transfer back") != std::string::npos;
    EXPECT_TRUE(noted);
    bool onLine = false;
    for (const auto& line : returned.documents.front().lines)
        onLine = onLine || (line.category == "failed-disbursement" && line.amount == 51057 && line.rows == 3);
    EXPECT_TRUE(onLine);
}

}  // namespace
}  // namespace settlebridge::settlement
